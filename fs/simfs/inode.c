// SPDX-License-Identifier: GPL-2.0
/*
 * fs/simfs/inode.c - simfs inodes: the flat namespace and the on-disk
 * inode records.
 *
 * Every file of a mount is a name (no '/' in it) in one table, with an
 * inode number, a size and an extent list. There are no directories: a
 * path "DIR/NAME" names file NAME of the mount at DIR. The on-disk form
 * of all inodes is the metadata blob (struct simfs_disk_meta, then one
 * struct simfs_disk_inode and its extents per file) written by
 * simfs_commit(). Callers hold sbi->lock unless said otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <pinio/pagemap.h>
#include "fs/simfs/simfs.h"

/**
 * simfs_inode_new() - a new in-memory inode called @name, in the table.
 * @sbi: the mounted file system.
 * @name: the file name (cut to SIMFS_NAME_MAX bytes).
 * @ino: the inode number.
 *
 * Return: the inode, or NULL (-ENOMEM).
 */
struct simfs_inode *simfs_inode_new(struct simfs_sb_info *sbi, const char *name, uint64_t ino)
{
	struct simfs_inode *si;

	if (sbi->nr_inodes == sbi->cap_inodes) {
		size_t cap = sbi->cap_inodes ? sbi->cap_inodes * 2 : 16;
		struct simfs_inode **t = realloc(sbi->inodes, cap * sizeof(*t));

		if (!t)
			return NULL;
		sbi->inodes = t;
		sbi->cap_inodes = cap;
	}
	si = calloc(1, sizeof(*si));
	if (!si)
		return NULL;
	si->sbi = sbi;
	snprintf(si->name, sizeof(si->name), "%s", name);
	si->vfs.i_ino = ino;
	si->vfs.i_mode = S_IFREG | 0644;
	si->vfs.i_blkbits = sbi->bits;
	si->vfs.i_sb = &sbi->sb;
	si->vfs.i_mapping = &si->vfs.i_data;
	si->vfs.i_private = si;
	mapping_init(&si->vfs.i_data, &si->vfs, &simfs_aops);
	mapping_set_large_folios(&si->vfs.i_data, sbi->folio_order);
	pthread_rwlock_init(&si->vfs.i_rwsem, NULL);
	sbi->inodes[sbi->nr_inodes++] = si;
	return si;
}

/**
 * simfs_inode_evict() - drop an inode from memory.
 * @si: the inode; freed on return.
 *
 * Truncates its whole page cache (folios still referenced elsewhere, by a
 * pipe or a pin, leave the cache and live on as orphans until released),
 * removes it from the mount's table, and frees its extent list. Its disk
 * blocks are not freed here: an unlink calls simfs_ext_truncate() first,
 * an unmount keeps them for the next mount.
 *
 * Context: may sleep; takes sbi->lock, so the caller must not hold it;
 * nobody has the file open.
 */
void simfs_inode_evict(struct simfs_inode *si)
{
	struct simfs_sb_info *sbi = si->sbi;
	size_t i;

	truncate_inode_pages(si->vfs.i_mapping, 0);
	pthread_mutex_lock(&sbi->lock);
	for (i = 0; i < sbi->nr_inodes; i++) {
		if (sbi->inodes[i] == si) {
			sbi->inodes[i] = sbi->inodes[--sbi->nr_inodes];
			break;
		}
	}
	pthread_mutex_unlock(&sbi->lock);
	mapping_destroy(si->vfs.i_mapping);
	pthread_rwlock_destroy(&si->vfs.i_rwsem);
	free(si->ext);
	free(si);
}

/**
 * simfs_lookup() - find a file of the mount by name.
 * @sbi: the mounted file system.
 * @name: the file name (no directory part).
 *
 * A linear scan of the inode table; unlinked inodes that are still open
 * are skipped, so a name can be reused at once after simfs_unlink(). No
 * reference is taken: the inode stays valid while sbi->lock is held.
 *
 * Context: sbi->lock held.
 * Return: the inode, or NULL if no live file has that name.
 */
struct simfs_inode *simfs_lookup(struct simfs_sb_info *sbi, const char *name)
{
	size_t i;

	for (i = 0; i < sbi->nr_inodes; i++)
		if (!sbi->inodes[i]->unlinked && !strcmp(sbi->inodes[i]->name, name))
			return sbi->inodes[i];
	return NULL;
}

/**
 * simfs_unlink() - remove @name; its blocks are freed now if it is not
 * open, else at its last close.
 * @sbi: the mounted file system.
 * @name: the file name.
 *
 * Context: takes sbi->lock, so the caller must not hold it.
 * Return: 0 or -ENOENT.
 */
int simfs_unlink(struct simfs_sb_info *sbi, const char *name)
{
	struct simfs_inode *si;
	bool evict;

	pthread_mutex_lock(&sbi->lock);
	si = simfs_lookup(sbi, name);
	if (!si) {
		pthread_mutex_unlock(&sbi->lock);
		return -ENOENT;
	}
	si->unlinked = true;
	evict = !si->opens;
	if (evict)
		simfs_ext_truncate(si, 0);
	pthread_mutex_unlock(&sbi->lock);
	if (evict)
		simfs_inode_evict(si);
	return 0;
}

static size_t rec_size(const struct simfs_inode *si)
{
	return sizeof(struct simfs_disk_inode) + si->nr_ext * sizeof(struct simfs_extent);
}

/**
 * simfs_meta_size() - bytes the metadata blob needs for the current state.
 * @sbi: the mounted file system.
 *
 * The header (struct simfs_disk_meta) plus, for every inode not unlinked,
 * its struct simfs_disk_inode and its extents.
 *
 * Context: sbi->lock held, so the answer still holds for the
 * simfs_meta_serialize() that follows.
 * Return: the size in bytes.
 */
size_t simfs_meta_size(struct simfs_sb_info *sbi)
{
	size_t size = sizeof(struct simfs_disk_meta), i;

	for (i = 0; i < sbi->nr_inodes; i++)
		if (!sbi->inodes[i]->unlinked)
			size += rec_size(sbi->inodes[i]);
	return size;
}

/**
 * simfs_meta_serialize() - write the metadata blob into a buffer.
 * @sbi: the mounted file system.
 * @buf: destination, at least sizeof(struct simfs_disk_meta) bytes.
 * @size: bytes available at @buf, normally simfs_meta_size().
 *
 * Writes the header (magic, next inode number) and one record per inode
 * not unlinked: number, size, mode, name and extent list. An inode whose
 * record does not fit in @size is left out (and not counted in the
 * header), so pass the size simfs_meta_size() returned under the same
 * hold of sbi->lock. The caller checksums and writes the result.
 *
 * Context: sbi->lock held.
 * Return: bytes used in @buf.
 */
size_t simfs_meta_serialize(struct simfs_sb_info *sbi, void *buf, size_t size)
{
	struct simfs_disk_meta *m = buf;
	char *p = (char *)buf + sizeof(*m);
	size_t i;

	memset(m, 0, sizeof(*m));
	m->magic = SIMFS_META_MAGIC;
	m->next_ino = sbi->next_ino;
	for (i = 0; i < sbi->nr_inodes; i++) {
		struct simfs_inode *si = sbi->inodes[i];
		struct simfs_disk_inode di = { 0 };

		if (si->unlinked || (size_t)(p - (char *)buf) + rec_size(si) > size)
			continue;
		di.ino = si->vfs.i_ino;
		di.size = i_size_read(&si->vfs);
		di.mode = si->vfs.i_mode;
		di.nr_extents = (uint32_t)si->nr_ext;
		memcpy(di.name, si->name, sizeof(di.name));
		memcpy(p, &di, sizeof(di));
		p += sizeof(di);
		if (si->nr_ext)
			memcpy(p, si->ext, si->nr_ext * sizeof(*si->ext));
		p += si->nr_ext * sizeof(*si->ext);
		m->nr_inodes++;
	}
	return (size_t)(p - (char *)buf);
}

/*
 * A loaded extent is sane: not empty, inside the data area without the
 * sum wrapping, and on blocks no extent loaded before it claims (a block
 * owned twice would be freed twice and handed out again while in use).
 */
static bool simfs_meta_extent_ok(const struct simfs_sb_info *sbi, const struct simfs_extent *e)
{
	return e->len && e->pblk >= sbi->ds.data_start && e->pblk < sbi->nr_blocks &&
	       e->len <= sbi->nr_blocks - e->pblk && simfs_blocks_unused(sbi, e->pblk, e->len);
}

/**
 * simfs_meta_load() - rebuild the inode table and block bitmap at mount.
 * @sbi: the file system being mounted; its table is empty.
 * @buf: the metadata blob read from the active metadata area (checksum
 *	already verified).
 * @len: bytes in @buf.
 *
 * Creates one in-memory inode per record with its size, mode and extents,
 * and marks every extent's disk blocks used. Records are bounds-checked
 * against @len and extents against the data area of the device; on an
 * error the inodes created so far stay in the table for the caller's
 * cleanup to evict.
 *
 * Context: sbi->lock held; the mount is not yet visible.
 * Return: 0, -EUCLEAN (bad magic, truncated blob, negative size, an
 * extent that is empty, outside the data area or on blocks another extent
 * claims), or -ENOMEM.
 */
int simfs_meta_load(struct simfs_sb_info *sbi, const void *buf, size_t len)
{
	const struct simfs_disk_meta *m = buf;
	const char *p = (const char *)buf + sizeof(*m), *end = (const char *)buf + len;
	uint32_t i, j;

	if (len < sizeof(*m) || m->magic != SIMFS_META_MAGIC)
		return -EUCLEAN;
	sbi->next_ino = m->next_ino;
	for (i = 0; i < m->nr_inodes; i++) {
		struct simfs_disk_inode di;
		struct simfs_inode *si;

		if (end - p < (long)sizeof(di))
			return -EUCLEAN;
		memcpy(&di, p, sizeof(di));
		p += sizeof(di);
		di.name[SIMFS_NAME_MAX] = '\0';
		if ((size_t)(end - p) / sizeof(struct simfs_extent) < di.nr_extents || di.size < 0)
			return -EUCLEAN;
		si = simfs_inode_new(sbi, di.name, di.ino);
		if (!si)
			return -ENOMEM;
		si->vfs.i_size = di.size;
		si->vfs.i_mode = di.mode;
		si->ext = malloc(max_t(size_t, di.nr_extents, 1) * sizeof(*si->ext));
		if (!si->ext)
			return -ENOMEM;
		si->cap_ext = max_t(size_t, di.nr_extents, 1);
		memcpy(si->ext, p, di.nr_extents * sizeof(*si->ext));
		si->nr_ext = di.nr_extents;
		p += di.nr_extents * sizeof(struct simfs_extent);
		for (j = 0; j < si->nr_ext; j++) {
			if (!simfs_meta_extent_ok(sbi, &si->ext[j]))
				return -EUCLEAN;
			simfs_mark_used(sbi, si->ext[j].pblk, si->ext[j].len);
		}
	}
	return 0;
}
