// SPDX-License-Identifier: GPL-2.0
/*
 * fs/simfs/extent.c - per-inode extent lists and the block allocator.
 *
 * An inode's extents are a sorted array of runs (file block, disk block,
 * length, unwritten flag); what no extent covers is a hole. Lookups
 * answer "mapped run starting here" or "hole of n blocks". Inserting
 * merges with contiguous neighbours of the same kind; converting a range
 * from unwritten to written splits extents at its edges. The allocator is
 * a first-fit bitmap scan from a rotating hint; a block freed since the
 * last commit stays unavailable until the next one (see simfs.h).
 * Every function here runs under sbi->lock.
 */
#include <stdlib.h>
#include <string.h>
#include "fs/simfs/simfs.h"

#define BPL	(8 * sizeof(unsigned long))

/* Is block @b marked in bitmap @map? */
static bool blk_marked(const unsigned long *map, uint64_t b)
{
	return map[b / BPL] & (1UL << (b % BPL));
}

static bool blk_busy(struct simfs_sb_info *sbi, uint64_t b)
{
	return blk_marked(sbi->map, b) || blk_marked(sbi->committed, b);
}

/**
 * simfs_blocks_unused() - is no block of a run marked used yet?
 * @sbi: the file system.
 * @pblk: first disk block.
 * @len: number of blocks, all below the device's end.
 *
 * Looks at the working bitmap only (mount uses it before anything was
 * committed or freed).
 * Context: sbi->lock held.
 * Return: true if none of [@pblk, @pblk + @len) is marked.
 */
bool simfs_blocks_unused(const struct simfs_sb_info *sbi, uint64_t pblk, uint64_t len)
{
	uint64_t b;

	for (b = pblk; b < pblk + len; b++)
		if (blk_marked(sbi->map, b))
			return false;
	return true;
}

/**
 * simfs_mark_used() - mark a run of disk blocks allocated in the bitmap.
 * @sbi: the mounted file system.
 * @pblk: first disk block.
 * @len: number of blocks; the part past the device's end is ignored.
 *
 * Used at mount time to rebuild the in-memory bitmap: the metadata area,
 * then every extent of every inode loaded from the last commit. Marking a
 * block twice is harmless; nothing checks for overlaps.
 *
 * Context: sbi->lock held, or the file system not yet visible.
 */
void simfs_mark_used(struct simfs_sb_info *sbi, uint64_t pblk, uint64_t len)
{
	uint64_t b;

	for (b = pblk; b < pblk + len && b < sbi->nr_blocks; b++)
		sbi->map[b / BPL] |= 1UL << (b % BPL);
}

/**
 * simfs_free_blocks() - return a run of disk blocks to the allocator.
 * @sbi: the mounted file system.
 * @pblk: first disk block.
 * @len: number of blocks; the part past the device's end is ignored.
 *
 * Clears the blocks in the working bitmap. A block that the last commit
 * still records as in use stays unavailable to simfs_alloc_blocks() until
 * the next commit, so a crash before that commit never finds the old
 * file's blocks overwritten by a new one.
 *
 * Context: sbi->lock held.
 */
void simfs_free_blocks(struct simfs_sb_info *sbi, uint64_t pblk, uint64_t len)
{
	uint64_t b;

	for (b = pblk; b < pblk + len && b < sbi->nr_blocks; b++)
		sbi->map[b / BPL] &= ~(1UL << (b % BPL));
}

/**
 * simfs_alloc_blocks() - allocate a run of up to @want free blocks.
 * @sbi: the mounted file system.
 * @goal: preferred first block (continuing a file's last run), or 0.
 * @want: blocks wanted.
 * @pblk: out: the first block of the run.
 * @got: out: blocks in the run.
 *
 * Return: 0 with *@pblk, *@got (1..@want) set, or -ENOSPC.
 */
int simfs_alloc_blocks(struct simfs_sb_info *sbi, uint64_t goal, uint32_t want,
		       uint64_t *pblk, uint32_t *got)
{
	uint64_t start = sbi->ds.data_start, n = sbi->nr_blocks - start, i, b;
	uint32_t run;

	if (goal < start || goal >= sbi->nr_blocks)
		goal = sbi->alloc_hint >= start ? sbi->alloc_hint : start;
	for (i = 0; i < n; i++) {
		b = start + (goal - start + i) % n;
		if (blk_busy(sbi, b))
			continue;
		for (run = 1; run < want && b + run < sbi->nr_blocks && !blk_busy(sbi, b + run); run++)
			;
		simfs_mark_used(sbi, b, run);
		sbi->alloc_hint = b + run;
		*pblk = b;
		*got = run;
		return 0;
	}
	return -ENOSPC;
}

/* Index of the first extent that ends after @fblk. */
static size_t ext_find(const struct simfs_inode *si, uint64_t fblk)
{
	size_t lo = 0, hi = si->nr_ext;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (si->ext[mid].fblk + si->ext[mid].len <= fblk)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/**
 * simfs_ext_lookup() - what is at file block @fblk?
 * @si: the inode.
 * @fblk: the file block.
 * @out: out: the mapped run or the hole.
 *
 * Return: 1 and *@out = the mapped run from @fblk to its extent's end, or
 * 0 and out->len = the hole's length in blocks (UINT32_MAX past the last
 * extent), out->pblk = 0.
 */
int simfs_ext_lookup(struct simfs_inode *si, uint64_t fblk, struct simfs_extent *out)
{
	size_t i = ext_find(si, fblk);

	if (i < si->nr_ext && si->ext[i].fblk <= fblk) {
		uint64_t skip = fblk - si->ext[i].fblk;

		out->fblk = fblk;
		out->pblk = si->ext[i].pblk + skip;
		out->len = (uint32_t)(si->ext[i].len - skip);
		out->flags = si->ext[i].flags;
		return 1;
	}
	out->fblk = fblk;
	out->pblk = 0;
	out->flags = 0;
	if (i < si->nr_ext)
		out->len = (uint32_t)min_t(uint64_t, si->ext[i].fblk - fblk, UINT32_MAX);
	else
		out->len = UINT32_MAX;
	return 0;
}

static int ext_reserve(struct simfs_inode *si, size_t extra)
{
	if (si->nr_ext + extra > si->cap_ext) {
		size_t cap = max_t(size_t, si->cap_ext * 2, si->nr_ext + extra + 4);
		struct simfs_extent *e = realloc(si->ext, cap * sizeof(*e));

		if (!e)
			return -ENOMEM;
		si->ext = e;
		si->cap_ext = cap;
	}
	return 0;
}

static bool ext_mergeable(const struct simfs_extent *a, const struct simfs_extent *b)
{
	return a->fblk + a->len == b->fblk && a->pblk + a->len == b->pblk &&
	       a->flags == b->flags && (uint64_t)a->len + b->len <= UINT32_MAX;
}

static void ext_merge_all(struct simfs_inode *si)
{
	size_t r, w = 0;

	for (r = 0; r < si->nr_ext; r++) {
		if (w && ext_mergeable(&si->ext[w - 1], &si->ext[r]))
			si->ext[w - 1].len += si->ext[r].len;
		else
			si->ext[w++] = si->ext[r];
	}
	si->nr_ext = w;
}

/**
 * simfs_ext_insert() - add a mapping for a hole to an inode's extent list.
 * @si: the inode.
 * @fblk: first file block; the caller checked [@fblk, @fblk + @len) is a
 *	hole.
 * @pblk: first disk block, already allocated.
 * @len: number of blocks.
 * @flags: SIMFS_EXT_UNWRITTEN (reads return zeroes until converted) or 0.
 *
 * Inserts the run in file-block order and merges it with neighbours that
 * are contiguous on disk and in the file and have the same flags. Does
 * not allocate or free disk blocks; on failure the caller still owns
 * @pblk.
 *
 * Context: sbi->lock held.
 * Return: 0, or -ENOMEM (the extent array could not grow; nothing changed).
 */
int simfs_ext_insert(struct simfs_inode *si, uint64_t fblk, uint64_t pblk, uint32_t len,
		     uint32_t flags)
{
	size_t i;

	if (ext_reserve(si, 1))
		return -ENOMEM;
	i = ext_find(si, fblk);
	memmove(&si->ext[i + 1], &si->ext[i], (si->nr_ext - i) * sizeof(si->ext[0]));
	si->ext[i] = (struct simfs_extent){ .fblk = fblk, .pblk = pblk, .len = len,
					    .flags = flags };
	si->nr_ext++;
	ext_merge_all(si);
	return 0;
}

/* Make an extent boundary at @fblk (split the extent covering it). */
static int ext_split_at(struct simfs_inode *si, uint64_t fblk)
{
	size_t i = ext_find(si, fblk);
	struct simfs_extent *e;
	uint64_t head;

	if (i >= si->nr_ext || si->ext[i].fblk >= fblk)
		return 0;
	if (ext_reserve(si, 1))
		return -ENOMEM;
	e = &si->ext[i];
	head = fblk - e->fblk;
	memmove(&si->ext[i + 1], &si->ext[i], (si->nr_ext - i) * sizeof(si->ext[0]));
	si->nr_ext++;
	si->ext[i + 1].fblk = fblk;
	si->ext[i + 1].pblk = e->pblk + head;
	si->ext[i + 1].len = (uint32_t)(e->len - head);
	e->len = (uint32_t)head;
	return 0;
}

/**
 * simfs_ext_set_written() - convert a range from unwritten to written.
 * @si: the inode.
 * @fblk: first file block.
 * @len: number of blocks.
 *
 * Called once the data of [@fblk, @fblk + @len) is on disk (end of a
 * direct write into preallocated blocks, or writeback). Splits the
 * extents straddling either edge so only the range changes, clears
 * SIMFS_EXT_UNWRITTEN on every extent inside it, then merges neighbours.
 * Holes inside the range stay holes; written extents are left alone.
 *
 * Context: sbi->lock held.
 * Return: 0, or -ENOMEM (a split failed; no flag was changed, though the
 * first edge may have been split, which maps the same blocks).
 */
int simfs_ext_set_written(struct simfs_inode *si, uint64_t fblk, uint64_t len)
{
	size_t i;

	if (ext_split_at(si, fblk) || ext_split_at(si, fblk + len))
		return -ENOMEM;
	for (i = ext_find(si, fblk); i < si->nr_ext && si->ext[i].fblk < fblk + len; i++)
		si->ext[i].flags &= ~SIMFS_EXT_UNWRITTEN;
	ext_merge_all(si);
	return 0;
}

/**
 * simfs_ext_truncate() - unmap everything from a file block to the end.
 * @si: the inode.
 * @from: first file block to drop (0: the whole file).
 *
 * Splits the extent straddling @from, then removes every extent at or
 * after it and frees their disk blocks (simfs_free_blocks(), so they are
 * reused only after the next commit). If the split runs out of memory the
 * straddling extent is kept whole: its tail beyond @from stays allocated
 * but lies past i_size, which the caller has already cut.
 *
 * Context: sbi->lock held; the caller has waited for direct I/O in flight
 * (inode_dio_wait()), so no DMA is still aimed at the freed blocks.
 */
void simfs_ext_truncate(struct simfs_inode *si, uint64_t from)
{
	size_t i;

	if (ext_split_at(si, from)) {
		/* No memory to split: keep the straddling extent whole. */
		i = ext_find(si, from);
		if (i < si->nr_ext && si->ext[i].fblk < from)
			i++;
	} else {
		i = ext_find(si, from);
	}
	while (si->nr_ext > i) {
		struct simfs_extent *e = &si->ext[--si->nr_ext];

		simfs_free_blocks(si->sbi, e->pblk, e->len);
	}
}

/**
 * simfs_map_alloc() - map file block @fblk, allocating if it is a hole.
 * @si: the inode.
 * @fblk: the file block.
 * @want: blocks wanted from @fblk on.
 * @flags: SIMFS_EXT_UNWRITTEN for the new run, or 0.
 * @out: out: the extent mapping @fblk on.
 *
 * Return: 1 (*@out was mapped already), 2 (*@out was just allocated), or
 * -ENOSPC, -ENOMEM.
 */
int simfs_map_alloc(struct simfs_inode *si, uint64_t fblk, uint32_t want, uint32_t flags,
		    struct simfs_extent *out)
{
	uint64_t goal = 0, pblk;
	uint32_t got;
	size_t i;
	int ret;

	if (simfs_ext_lookup(si, fblk, out))
		return 1;
	want = min_t(uint32_t, want, out->len);
	i = ext_find(si, fblk);
	if (i > 0)
		goal = si->ext[i - 1].pblk + (fblk - si->ext[i - 1].fblk);
	ret = simfs_alloc_blocks(si->sbi, goal, want, &pblk, &got);
	if (ret)
		return ret;
	ret = simfs_ext_insert(si, fblk, pblk, got, flags);
	if (ret) {
		simfs_free_blocks(si->sbi, pblk, got);
		return ret;
	}
	*out = (struct simfs_extent){ .fblk = fblk, .pblk = pblk, .len = got, .flags = flags };
	return 2;
}
