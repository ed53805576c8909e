// SPDX-License-Identifier: GPL-2.0
/*
 * fs/simfs/super.c - making, mounting, committing and unmounting simfs.
 *
 * The superblock lives in block 0; two metadata areas follow, then data.
 * A commit serialises every inode and its extents into one blob, writes
 * it to the area that is *not* active, and then rewrites the superblock
 * (REQ_PREFLUSH | REQ_FUA) to name that area with the next generation.
 * The flush orders the data writeback and the blob before the superblock,
 * so a crash at any point leaves the previous or the new commit intact.
 * Every byte moves through bios on pages of the simulated machine
 * (submit_bio_wait()). Mounts are kept in a list by directory; the DIO
 * engine is a mount option. Left out: journalling, a free-space map on
 * disk (it is rebuilt from the extents), quotas, permissions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pinio/bio.h>
#include <pinio/pagemap.h>
#include "fs/simfs/simfs.h"
#include "mm/internal.h"

static LIST_HEAD(simfs_mounts);
static pthread_mutex_t simfs_mounts_lock = PTHREAD_MUTEX_INITIALIZER;

/**
 * simfs_csum() - checksum of the metadata blob (32-bit FNV-1a).
 * @p: the bytes.
 * @len: how many.
 *
 * Stored in the superblock at each commit and compared at mount, it
 * catches a torn or stale metadata write; it is no defence against
 * deliberate corruption.
 *
 * Return: the checksum.
 */
uint32_t simfs_csum(const void *p, size_t len)
{
	const unsigned char *b = p;
	uint32_t h = 2166136261u;

	while (len--) {
		h ^= *b++;
		h *= 16777619u;
	}
	return h;
}

/**
 * simfs_io() - move @len bytes between host @buf and the device at
 * @byte_off, through bios on freshly allocated pages (bounce pages: the
 * metadata has no page cache).
 * @sbi: the simfs whose device it is.
 * @op: REQ_OP_READ or REQ_OP_WRITE with flags.
 * @byte_off: device offset in bytes.
 * @buf: host memory, @len bytes.
 * @len: bytes to move.
 *
 * Return: 0 or -errno.
 */
int simfs_io(struct simfs_sb_info *sbi, blk_opf_t op, uint64_t byte_off, void *buf, size_t len)
{
	unsigned int nr = (unsigned int)DIV_ROUND_UP(len, PAGE_SIZE), i, chunk;
	bool write = op_is_write(op);
	int ret = 0;

	for (i = 0; i < nr && !ret; i += chunk) {
		struct folio *folios[64];
		struct bio *bio;
		size_t off = (size_t)i * PAGE_SIZE, bytes;
		unsigned int j;

		chunk = min_t(unsigned int, nr - i, 64);
		bytes = min_t(size_t, len - off, (size_t)chunk * PAGE_SIZE);
		bio = bio_alloc(sbi->bdev, (unsigned short)chunk, op, 0);
		if (!bio)
			return -ENOMEM;
		bio->bi_iter.bi_sector = (byte_off + off) >> SECTOR_SHIFT;
		for (j = 0; j < chunk; j++) {
			size_t n = min_t(size_t, bytes - (size_t)j * PAGE_SIZE, PAGE_SIZE);

			folios[j] = folio_alloc_owner(__GFP_ZERO, 0, OWNER_KERNEL);
			if (!folios[j]) {
				ret = -ENOMEM;
				break;
			}
			if (write)
				memcpy(folio_address(folios[j]), (char *)buf + off + (size_t)j * PAGE_SIZE, n);
			__bio_add_page(bio, &folios[j]->page, (unsigned int)n, 0);
		}
		if (!ret)
			ret = submit_bio_wait(bio);
		bio_put(bio);
		while (j--) {
			size_t n = min_t(size_t, bytes - (size_t)j * PAGE_SIZE, PAGE_SIZE);

			if (!ret && !write)
				memcpy((char *)buf + off + (size_t)j * PAGE_SIZE, folio_address(folios[j]), n);
			folio_put(folios[j]);
		}
	}
	return ret;
}

static uint32_t super_csum(struct simfs_disk_super *ds)
{
	struct simfs_disk_super c = *ds;

	c.csum = 0;
	return simfs_csum(&c, sizeof(c));
}

/* Write block 0: flush what came before, and make this write durable. */
static int write_super(struct simfs_sb_info *sbi, struct simfs_disk_super *ds)
{
	size_t bs = ds->block_size;
	char *blk = calloc(1, bs);
	int ret;

	if (!blk)
		return -ENOMEM;
	ds->csum = super_csum(ds);
	memcpy(blk, ds, sizeof(*ds));
	ret = simfs_io(sbi, REQ_OP_WRITE | REQ_SYNC | REQ_PREFLUSH | REQ_FUA, 0, blk, bs);
	free(blk);
	return ret;
}

/**
 * simfs_commit() - make the current metadata durable (fsync, umount).
 * Data must have been written back before. Context: takes commit_lock,
 * and sbi->lock while the metadata is copied (not during the I/O).
 * @sbi: the mounted simfs.
 * Return: 0, -ENOSPC (the metadata outgrew its area), -ENOMEM, -EIO.
 */
int simfs_commit(struct simfs_sb_info *sbi)
{
	size_t words = DIV_ROUND_UP(sbi->nr_blocks, 8 * sizeof(long));
	unsigned long *snap = NULL;
	struct simfs_disk_super ds;
	uint64_t area_bytes;
	void *blob = NULL;
	size_t size, bs;
	int ret;

	/*
	 * One commit at a time; sbi->lock only while copying the metadata, so
	 * that direct-I/O completions (which take it on DMA threads) never
	 * wait for this commit's own bios.
	 */
	pthread_mutex_lock(&sbi->commit_lock);
	pthread_mutex_lock(&sbi->lock);
	ds = sbi->ds;
	bs = ds.block_size;
	area_bytes = (uint64_t)ds.meta_blocks << sbi->bits;
	size = simfs_meta_size(sbi);
	ret = -ENOSPC;
	if (size > area_bytes)
		goto out_unlock;
	ret = -ENOMEM;
	blob = calloc(1, ALIGN(size, bs));
	snap = malloc(words * sizeof(long));
	if (!blob || !snap)
		goto out_unlock;
	size = simfs_meta_serialize(sbi, blob, size);
	/* The blocks this blob references: not reusable until the next commit. */
	memcpy(snap, sbi->map, words * sizeof(long));
	pthread_mutex_unlock(&sbi->lock);

	ds.generation++;
	ds.active ^= 1;
	((struct simfs_disk_meta *)blob)->generation = ds.generation;
	ds.meta_bytes = (uint32_t)size;
	ds.meta_csum = simfs_csum(blob, size);
	ret = simfs_io(sbi, REQ_OP_WRITE | REQ_SYNC, ds.meta_start[ds.active] << sbi->bits,
		       blob, ALIGN(size, bs));
	if (!ret)
		ret = write_super(sbi, &ds);

	pthread_mutex_lock(&sbi->lock);
	if (!ret) {
		sbi->ds = ds;
		memcpy(sbi->committed, snap, words * sizeof(long));
	}
out_unlock:
	pthread_mutex_unlock(&sbi->lock);
	pthread_mutex_unlock(&sbi->commit_lock);
	free(blob);
	free(snap);
	return ret;
}

/* "key=value,key=value": the value of @key into @val, or false. */
static bool opt_get(const char *opts, const char *key, char *val, size_t size)
{
	size_t klen = strlen(key);
	const char *p = opts;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n > klen && !strncmp(p, key, klen) && p[klen] == '=') {
			snprintf(val, size, "%.*s", (int)(n - klen - 1), p + klen + 1);
			return true;
		}
		p = end ? end + 1 : NULL;
	}
	return false;
}

/* Every option in @opts is one of @known. */
static bool opts_valid(const char *opts, const char *const *known)
{
	const char *p = opts;

	while (p && *p) {
		const char *end = strchr(p, ','), *eq = strchr(p, '=');
		size_t n = (eq && (!end || eq < end)) ? (size_t)(eq - p) : 0;
		const char *const *k;
		bool ok = false;

		for (k = known; *k && n; k++)
			ok |= strlen(*k) == n && !strncmp(*k, p, n);
		if (!ok)
			return false;
		p = end ? end + 1 : NULL;
	}
	return true;
}

static struct simfs_sb_info *sbi_alloc(struct block_device *bdev)
{
	struct simfs_sb_info *sbi = calloc(1, sizeof(*sbi));

	if (!sbi)
		return NULL;
	sbi->bdev = bdev;
	pthread_mutex_init(&sbi->lock, NULL);
	pthread_mutex_init(&sbi->commit_lock, NULL);
	INIT_LIST_HEAD(&sbi->mounts);
	return sbi;
}

static void sbi_free(struct simfs_sb_info *sbi)
{
	free(sbi->map);
	free(sbi->committed);
	free(sbi->inodes);
	pthread_mutex_destroy(&sbi->lock);
	pthread_mutex_destroy(&sbi->commit_lock);
	free(sbi);
}

/* Geometry from the superblock: bitmaps sized, metadata areas reserved. */
static int sbi_setup(struct simfs_sb_info *sbi)
{
	size_t words = DIV_ROUND_UP(sbi->ds.nr_blocks, 8 * sizeof(long));

	sbi->nr_blocks = sbi->ds.nr_blocks;
	sbi->bits = (unsigned int)__builtin_ctz(sbi->ds.block_size);
	sbi->map = calloc(words, sizeof(long));
	sbi->committed = calloc(words, sizeof(long));
	if (!sbi->map || !sbi->committed)
		return -ENOMEM;
	simfs_mark_used(sbi, 0, sbi->ds.data_start);
	sbi->alloc_hint = sbi->ds.data_start;
	sbi->sb.s_bdev = sbi->bdev;
	sbi->sb.s_blocksize = sbi->ds.block_size;
	sbi->sb.s_blocksize_bits = (unsigned char)sbi->bits;
	sbi->sb.s_fs_info = sbi;
	return 0;
}

/**
 * simfs_mkfs() - write an empty simfs on @bdev.
 * @bdev: the device to format.
 * @opts: "bs=N" (512..4096, a power of two, >= the logical block size;
 *	default 4096), "meta=BYTES" (size of each metadata area).
 * Return: 0, -EINVAL (bad option, too small a device), -EIO, -ENOMEM.
 */
int simfs_mkfs(struct block_device *bdev, const char *opts)
{
	static const char *const known[] = { "bs", "meta", NULL };
	struct simfs_sb_info *sbi;
	unsigned long bs = PAGE_SIZE, meta = SIMFS_DEFAULT_META;
	uint64_t bytes = (uint64_t)bdev_nr_sectors(bdev) << SECTOR_SHIFT;
	char val[32];
	int ret;

	if (!opts_valid(opts, known))
		return -EINVAL;
	if (opt_get(opts, "bs", val, sizeof(val)))
		bs = strtoul(val, NULL, 0);
	if (opt_get(opts, "meta", val, sizeof(val)))
		meta = strtoul(val, NULL, 0);
	if (bs < 512 || bs > PAGE_SIZE || (bs & (bs - 1)) || bs < bdev_logical_block_size(bdev))
		return -EINVAL;
	if (meta < bs || meta > (64UL << 20))
		return -EINVAL;
	sbi = sbi_alloc(bdev);
	if (!sbi)
		return -ENOMEM;
	memcpy(sbi->ds.magic, SIMFS_MAGIC, 8);
	sbi->ds.version = SIMFS_VERSION;
	sbi->ds.block_size = (uint32_t)bs;
	sbi->ds.nr_blocks = bytes / bs;
	sbi->ds.meta_blocks = (uint32_t)DIV_ROUND_UP(meta, bs);
	sbi->ds.meta_start[0] = 1;
	sbi->ds.meta_start[1] = 1 + sbi->ds.meta_blocks;
	sbi->ds.data_start = 1 + 2ULL * sbi->ds.meta_blocks;
	sbi->ds.active = 1;	/* the first commit writes area 0 */
	ret = -EINVAL;
	if (sbi->ds.nr_blocks < sbi->ds.data_start + 8)
		goto out;
	ret = sbi_setup(sbi);
	if (!ret) {
		sbi->next_ino = 1;
		ret = simfs_commit(sbi);
	}
out:
	sbi_free(sbi);
	return ret;
}

/**
 * simfs_open_path() - open "DIR/NAME" on the simfs mounted at DIR.
 * @path: "DIR/NAME".
 * @flags: host O_* flags (O_CREAT, O_EXCL, O_TRUNC, O_DIRECT, O_ACCMODE).
 * @mode: permission bits for a new file.
 *
 * Return: the file, or ERR_PTR(-ENOENT) (no such mount or file), and the
 * errors of simfs_open_file().
 */
struct file *simfs_open_path(const char *path, int flags, mode_t mode)
{
	struct simfs_sb_info *sbi;
	struct file *file = ERR_PTR(-ENOENT);

	/* The mount list lock keeps the mount from going away until the file holds it. */
	pthread_mutex_lock(&simfs_mounts_lock);
	list_for_each_entry(sbi, &simfs_mounts, mounts) {
		size_t n = strlen(sbi->dir);

		if (!strncmp(path, sbi->dir, n) && path[n] == '/') {
			file = simfs_open_file(sbi, path + n + 1, flags, mode);
			break;
		}
	}
	pthread_mutex_unlock(&simfs_mounts_lock);
	return file;
}

/**
 * simfs_unlink_path() - remove "DIR/NAME". Return: 0, -ENOENT, -EINVAL.
 * @path: "DIR/NAME".
 */
int simfs_unlink_path(const char *path)
{
	struct simfs_sb_info *sbi;
	int ret = -ENOENT;

	pthread_mutex_lock(&simfs_mounts_lock);
	list_for_each_entry(sbi, &simfs_mounts, mounts) {
		size_t n = strlen(sbi->dir);

		if (!strncmp(path, sbi->dir, n) && path[n] == '/') {
			ret = strchr(path + n + 1, '/') ? -EINVAL : simfs_unlink(sbi, path + n + 1);
			break;
		}
	}
	pthread_mutex_unlock(&simfs_mounts_lock);
	return ret;
}

/* @dir is a mount point already, or @bdev is mounted somewhere. */
static bool mount_busy(const char *dir, struct block_device *bdev)
{
	struct simfs_sb_info *sbi;
	bool ret = false;

	list_for_each_entry(sbi, &simfs_mounts, mounts)
		ret |= !strcmp(sbi->dir, dir) || sbi->bdev == bdev;
	return ret;
}

/**
 * simfs_mount() - mount the simfs on @bdev at @dir.
 * @bdev: the device holding the simfs.
 * @dir: the mount point: an absolute name such as "/mnt", not under /dev.
 * @opts: "dio=iomap" (default) or "dio=legacy"; "folio_order=N" (0..4):
 *	the largest page-cache folio of its files, 2^N pages.
 *
 * Takes over the caller's reference on @bdev (dropped at unmount, or on
 * failure). Return: 0, -EINVAL (not a simfs, bad option or directory),
 * -EBUSY (@dir is a mount point already, or @bdev is mounted), -EUCLEAN
 * (corrupt metadata),
 * -EIO, -ENOMEM.
 */
int simfs_mount(struct block_device *bdev, const char *dir, const char *opts)
{
	static const char *const known[] = { "dio", "folio_order", NULL };
	size_t lbs = bdev_logical_block_size(bdev);
	struct simfs_sb_info *sbi;
	char val[32], *head;
	void *blob = NULL;
	int ret = -EINVAL;

	if (!dir || dir[0] != '/' || strlen(dir) < 2 || strlen(dir) >= sizeof(sbi->dir) ||
	    dir[strlen(dir) - 1] == '/' || !strncmp(dir, "/dev", 4) || !opts_valid(opts, known))
		goto out_put;
	sbi = sbi_alloc(bdev);
	ret = -ENOMEM;
	if (!sbi)
		goto out_put;
	snprintf(sbi->dir, sizeof(sbi->dir), "%s", dir);
	sbi->dio = SIMFS_DIO_IOMAP;
	if (opt_get(opts, "dio", val, sizeof(val))) {
		ret = -EINVAL;
		if (!strcmp(val, "legacy"))
			sbi->dio = SIMFS_DIO_LEGACY;
		else if (strcmp(val, "iomap"))
			goto out_free;
	}
	sbi->folio_order = SIMFS_DEFAULT_FOLIO_ORDER;
	if (opt_get(opts, "folio_order", val, sizeof(val))) {
		ret = -EINVAL;
		if (strlen(val) != 1 || val[0] < '0' || val[0] > '0' + (int)MAX_PAGECACHE_ORDER)
			goto out_free;
		sbi->folio_order = (unsigned int)(val[0] - '0');
	}
	head = calloc(1, max_t(size_t, lbs, sizeof(sbi->ds)));
	ret = -ENOMEM;
	if (!head)
		goto out_free;
	ret = simfs_io(sbi, REQ_OP_READ, 0, head, max_t(size_t, lbs, sizeof(sbi->ds)));
	memcpy(&sbi->ds, head, sizeof(sbi->ds));
	free(head);
	if (ret)
		goto out_free;
	ret = -EINVAL;
	if (memcmp(sbi->ds.magic, SIMFS_MAGIC, 8) || sbi->ds.version != SIMFS_VERSION ||
	    super_csum(&sbi->ds) != sbi->ds.csum)
		goto out_free;
	ret = -EUCLEAN;
	if (sbi->ds.block_size < lbs || sbi->ds.active > 1 ||
	    sbi->ds.meta_bytes > ((uint64_t)sbi->ds.meta_blocks * sbi->ds.block_size) ||
	    sbi->ds.nr_blocks > ((uint64_t)bdev_nr_sectors(bdev) << SECTOR_SHIFT) / sbi->ds.block_size)
		goto out_free;
	ret = sbi_setup(sbi);
	if (ret)
		goto out_free;
	ret = -ENOMEM;
	blob = calloc(1, ALIGN(sbi->ds.meta_bytes, sbi->ds.block_size));
	if (!blob)
		goto out_free;
	ret = simfs_io(sbi, REQ_OP_READ, sbi->ds.meta_start[sbi->ds.active] << sbi->bits, blob,
		       ALIGN(sbi->ds.meta_bytes, sbi->ds.block_size));
	if (ret)
		goto out_free;
	ret = -EUCLEAN;
	if (simfs_csum(blob, sbi->ds.meta_bytes) != sbi->ds.meta_csum)
		goto out_free;
	pthread_mutex_lock(&sbi->lock);
	ret = simfs_meta_load(sbi, blob, sbi->ds.meta_bytes);
	if (!ret)
		memcpy(sbi->committed, sbi->map,
		       DIV_ROUND_UP(sbi->nr_blocks, 8 * sizeof(long)) * sizeof(long));
	pthread_mutex_unlock(&sbi->lock);
	if (ret)
		goto out_free;
	free(blob);
	blob = NULL;
	pthread_mutex_lock(&simfs_mounts_lock);
	if (mount_busy(dir, bdev)) {
		pthread_mutex_unlock(&simfs_mounts_lock);
		ret = -EBUSY;
		goto out_free;
	}
	list_add_tail(&sbi->mounts, &simfs_mounts);
	pthread_mutex_unlock(&simfs_mounts_lock);
	return 0;

out_free:
	free(blob);
	while (sbi->nr_inodes)
		simfs_inode_evict(sbi->inodes[sbi->nr_inodes - 1]);
	sbi_free(sbi);
out_put:
	blkdev_put(bdev);
	return ret;
}

/* Write back every file's cache, commit, and drop the caches. */
static int simfs_put_super(struct simfs_sb_info *sbi)
{
	int ret = 0, err;
	size_t i;

	for (i = 0; i < sbi->nr_inodes; i++) {
		err = filemap_write_and_wait_range(sbi->inodes[i]->vfs.i_mapping, 0, -1);
		if (err && !ret)
			ret = err;
	}
	err = simfs_commit(sbi);
	if (err && !ret)
		ret = err;
	while (sbi->nr_inodes)
		simfs_inode_evict(sbi->inodes[sbi->nr_inodes - 1]);
	blkdev_put(sbi->bdev);
	sbi_free(sbi);
	return ret;
}

static bool sbi_busy(struct simfs_sb_info *sbi)
{
	bool busy = false;
	size_t i;

	pthread_mutex_lock(&sbi->lock);
	for (i = 0; i < sbi->nr_inodes; i++)
		busy |= sbi->inodes[i]->opens > 0;
	pthread_mutex_unlock(&sbi->lock);
	return busy;
}

/**
 * simfs_umount() - unmount the simfs at @dir: write back and commit.
 * Return: 0, -EINVAL (nothing mounted there), -EBUSY (a file is open or
 * mapped), or the -errno of the final writeback (the mount is gone anyway).
 */
int simfs_umount(const char *dir)
{
	struct simfs_sb_info *sbi, *found = NULL;

	if (!dir)
		return -EINVAL;
	pthread_mutex_lock(&simfs_mounts_lock);
	list_for_each_entry(sbi, &simfs_mounts, mounts) {
		if (!strcmp(sbi->dir, dir)) {
			found = sbi;
			break;
		}
	}
	if (found && sbi_busy(found)) {
		pthread_mutex_unlock(&simfs_mounts_lock);
		return -EBUSY;
	}
	if (found)
		list_del_init(&found->mounts);
	pthread_mutex_unlock(&simfs_mounts_lock);
	if (!found)
		return -EINVAL;
	return simfs_put_super(found);
}

/**
 * simfs_umount_all() - machine shutdown: unmount every idle simfs.
 * Return: the number of mounts left because a file was still open.
 */
long simfs_umount_all(void)
{
	struct simfs_sb_info *sbi, *tmp;
	long busy = 0;

	for (;;) {
		struct simfs_sb_info *victim = NULL;

		pthread_mutex_lock(&simfs_mounts_lock);
		list_for_each_entry_safe(sbi, tmp, &simfs_mounts, mounts) {
			if (!sbi_busy(sbi)) {
				list_del_init(&sbi->mounts);
				victim = sbi;
				break;
			}
		}
		if (!victim) {
			/* Forgotten (and leaked), never reached by a later boot. */
			list_for_each_entry_safe(sbi, tmp, &simfs_mounts, mounts) {
				list_del_init(&sbi->mounts);
				busy++;
			}
		}
		pthread_mutex_unlock(&simfs_mounts_lock);
		if (!victim)
			break;
		simfs_put_super(victim);
	}
	return busy;
}
