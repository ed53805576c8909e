// SPDX-License-Identifier: GPL-2.0
/*
 * fs/simfs/iomap.c - how simfs answers the direct-I/O engines: iomap_begin
 * / iomap_end and the completion for iomap_dio_rw(), get_block for the
 * legacy __blockdev_direct_IO().
 *
 * Reads: a hole is IOMAP_HOLE (the engine zero-fills the user buffer, no
 * bio), an unwritten extent IOMAP_UNWRITTEN (also read as zeros), data
 * IOMAP_MAPPED. Writes: a hole gets new blocks as an unwritten extent
 * with IOMAP_F_NEW, so the engine zeroes the uncovered head and tail of
 * the blocks (R-IOMAP-2); end_io turns the written range into written
 * extents and grows i_size only after every bio completed, so a crash or
 * an error never exposes stale blocks. For the legacy engine get_block
 * maps (BH_Mapped), allocates on create (BH_New, written at once: that
 * engine zeroes new partial blocks itself, R-DIO-5) and leaves holes
 * and, for reads, unwritten blocks unmapped.
 */
#include <pinio/buffer_head.h>
#include <pinio/iomap.h>
#include "fs/simfs/simfs.h"

static int simfs_iomap_begin(struct inode *inode, long long pos, long long length,
			     unsigned int flags, struct iomap *iomap, struct iomap *srcmap)
{
	struct simfs_inode *si = SIMFS_I(inode);
	struct simfs_sb_info *sbi = si->sbi;
	uint64_t fblk = (uint64_t)pos >> sbi->bits;
	uint64_t last = (uint64_t)(pos + length - 1) >> sbi->bits;
	uint32_t want = (uint32_t)min_t(uint64_t, last - fblk + 1, UINT32_MAX);
	struct simfs_extent e;
	int ret;

	(void)srcmap;
	if (length <= 0)
		return -EINVAL;
	if ((flags & IOMAP_WRITE) && pos + length > SIMFS_MAX_BYTES)
		return -EFBIG;
	pthread_mutex_lock(&sbi->lock);
	if (flags & IOMAP_WRITE)
		ret = simfs_map_alloc(si, fblk, want, SIMFS_EXT_UNWRITTEN, &e);
	else
		ret = simfs_ext_lookup(si, fblk, &e);
	pthread_mutex_unlock(&sbi->lock);
	if (ret < 0)
		return ret;

	iomap->bdev = sbi->bdev;
	iomap->offset = (long long)(fblk << sbi->bits);
	iomap->length = (uint64_t)min_t(uint64_t, e.len, want) << sbi->bits;
	iomap->flags = 0;
	if (ret == 0) {
		iomap->type = IOMAP_HOLE;
		iomap->addr = IOMAP_NULL_ADDR;
		return 0;
	}
	iomap->addr = e.pblk << sbi->bits;
	iomap->type = (e.flags & SIMFS_EXT_UNWRITTEN) ? IOMAP_UNWRITTEN : IOMAP_MAPPED;
	if (ret == 2)
		iomap->flags |= IOMAP_F_NEW;
	return 0;
}

static int simfs_iomap_end(struct inode *inode, long long pos, long long length,
			   ssize_t written, unsigned int flags, struct iomap *iomap)
{
	/*
	 * Blocks allocated but not written stay allocated and unwritten: they
	 * read as zeros and are reused by the next write there.
	 */
	return 0;
}

const struct iomap_ops simfs_iomap_ops = {
	.iomap_begin = simfs_iomap_begin,
	.iomap_end = simfs_iomap_end,
};

/*
 * After the last bio of a direct write: what was written is data now, and
 * the file is at least that long. Runs in the submitter or on a DMA thread.
 */
static int simfs_dio_end_io(struct kiocb *iocb, ssize_t size, int error, unsigned int flags)
{
	struct inode *inode = iocb->ki_filp->f_mapping->host;
	struct simfs_inode *si = SIMFS_I(inode);
	struct simfs_sb_info *sbi = si->sbi;
	loff_t pos = iocb->ki_pos;
	int ret = 0;

	if (error || !size || !(iocb->ki_flags & IOCB_WRITE))
		return error;
	pthread_mutex_lock(&sbi->lock);
	ret = simfs_ext_set_written(si, (uint64_t)pos >> sbi->bits,
				    (((uint64_t)(pos + size - 1)) >> sbi->bits) -
				    ((uint64_t)pos >> sbi->bits) + 1);
	if (!ret && pos + size > i_size_read(inode))
		i_size_write(inode, pos + size);
	pthread_mutex_unlock(&sbi->lock);
	return ret;
}

const struct iomap_dio_ops simfs_dio_ops = {
	.end_io = simfs_dio_end_io,
};

/**
 * simfs_get_block() - map file block @iblock for the legacy DIO engine.
 * @inode: a simfs regular file.
 * @iblock: the file block (in filesystem blocks).
 * @bh: in: b_size = bytes wanted; out: BH_Mapped with b_blocknr and the
 *	mapped b_size, BH_New for blocks allocated now; unmapped for a hole
 *	(b_size = the hole, capped to the request).
 * @create: allocate under a hole (writes past EOF with DIO_SKIP_HOLES).
 * Return: 0, -ENOSPC, -ENOMEM.
 */
int simfs_get_block(struct inode *inode, uint64_t iblock, struct buffer_head *bh, int create)
{
	struct simfs_inode *si = SIMFS_I(inode);
	struct simfs_sb_info *sbi = si->sbi;
	uint32_t want = (uint32_t)min_t(size_t, DIV_ROUND_UP(bh->b_size, 1U << sbi->bits),
					UINT32_MAX);
	struct simfs_extent e;
	int ret;

	if (!want)
		want = 1;
	bh->b_state = 0;
	bh->b_bdev = sbi->bdev;
	pthread_mutex_lock(&sbi->lock);
	if (create)
		ret = simfs_map_alloc(si, iblock, want, 0, &e);
	else
		ret = simfs_ext_lookup(si, iblock, &e);
	if (ret > 0 && (e.flags & SIMFS_EXT_UNWRITTEN)) {
		if (!create) {
			ret = 0;	/* reads as a hole */
		} else {
			/* Written from now on; the engine zeroes what it does not cover. */
			e.len = min_t(uint32_t, e.len, want);
			ret = simfs_ext_set_written(si, iblock, e.len) ? -ENOMEM : 2;
		}
	}
	pthread_mutex_unlock(&sbi->lock);
	if (ret < 0)
		return ret;
	bh->b_size = (size_t)min_t(uint32_t, e.len, want) << sbi->bits;
	if (!ret)
		return 0;
	set_buffer_mapped(bh);
	bh->b_blocknr = e.pblk;
	if (ret == 2)
		set_buffer_new(bh);
	return 0;
}
