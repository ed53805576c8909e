// SPDX-License-Identifier: GPL-2.0
/*
 * fs/direct-io.c - the legacy get_block-based direct I/O engine,
 * __blockdev_direct_IO() (fs/direct-io.c), in its v6.5 state: user pages
 * are *pinned* (R-DIO-1..6).
 *
 * A request walks the file block by block. User pages come through a
 * 64-entry queue (DIO_PAGES) filled by iov_iter_extract_pages(); each
 * queued page holds one extraction pin. A page section that is contiguous
 * with the current one grows it; otherwise the current page (cur_page,
 * which holds its own pin taken with folio_add_pin()) is added to the
 * open bio, and a successful bio_add_page() takes one more folio_add_pin()
 * for the bio, which BIO_PAGE_PINNED makes bio_release_pages() drop. So
 * every holder has exactly one pin (INV-14). A kernel iterator (KVEC/BVEC)
 * pins nothing and every pin helper is a no-op (is_pinned false, EDGE-28).
 *
 * Holes: a read zero-fills the user page with the CPU and builds no bio; a
 * write returns -ENOTBLK from do_direct_IO() and the request ends short,
 * leaving the rest to buffered I/O. A fault while extracting a write's
 * source with mapped blocks outstanding queues ZERO_PAGE(0) instead so the
 * allocated blocks are filled with zeros, not stale data; page_errors keeps
 * the first error (EDGE-26). dio_zero_block() fills the uncovered part of
 * a new fs block with ZERO_PAGE(0) when the I/O alignment is finer than
 * the fs block (blkfactor > 0, EDGE-29). dio_cleanup() unpins what is left
 * in the queue and sets head = tail, so the second, unconditional call
 * does nothing (R-BUG-4, EDGE-27). Completed bios are reaped every 64 new
 * bios. Async reads into user memory are dirtied before submission and
 * checked at completion; sync reads are dirtied when the submitter reaps
 * them (R-DIO-6).
 *
 * Profiles: v6.5 as above. SIM_PROFILE_V21 is the series as posted, which
 * left this file on references "for now": pages from iov_iter_get_pages2()
 * (FOLL_GET), get_page()/put_page() as the holder operations, bios
 * BIO_PAGE_REFFED. SIM_PROFILE_V6_4: the same references, no bio flag
 * (BIO_NO_PAGE_REF clear means "put"). In both, the fault substitution
 * takes get_page(ZERO_PAGE(0)) as the kernel did. Test knobs
 * (fs/dio_internal.h) bring back R-BUG-4 (no head = tail) and R-BUG-5 (pins
 * with a REFFED bio under v21: a 1023-per-page leak).
 *
 * This file walks the file and the user's pages; fs/direct-io-bio.c builds,
 * submits and completes the bios (fs/direct-io.h is what they share).
 *
 * Deviations: the bio_lock is a mutex with a condition variable for the
 * sync waiter; deferred completion (O_DSYNC async writes, writes over
 * cached pages) runs on a fresh thread instead of s_dio_done_wq; no
 * plugging; O_DSYNC does not flush (generic_write_sync() is the caller's);
 * DIO_SKIP_DIO_COUNT, write hints and clean_bdev_aliases() are left out
 * (there is no buffer cache).
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <pinio/bio.h>
#include <pinio/blkdev.h>
#include <pinio/buffer_head.h>
#include <pinio/bug.h>
#include <pinio/err.h>
#include <pinio/fault-inject.h>
#include <pinio/fs.h>
#include <pinio/mm.h>
#include <pinio/pagemap.h>
#include <pinio/sim.h>
#include "fs/direct-io.h"


static inline unsigned int dio_pages_present(struct dio_submit *sdio)
{
	return sdio->tail - sdio->head;
}

static int dio_refill_pages(struct dio *dio, struct dio_submit *sdio)
{
	const enum req_op dio_op = bio_op_of(dio->opf);
	struct page **pages = dio->pages;
	ssize_t ret;

	if (dio->hold == DIO_HOLD_REF)
		ret = iov_iter_get_pages2(sdio->iter, pages, LONG_MAX, DIO_PAGES, &sdio->from);
	else
		ret = iov_iter_extract_pages(sdio->iter, &pages, LONG_MAX, DIO_PAGES, 0,
					     &sdio->from);
	if (ret == 0)
		ret = -EFAULT;	/* nothing left although blocks remain: a short iterator */

	if (ret < 0 && sdio->blocks_available && dio_op == REQ_OP_WRITE) {
		/*
		 * A fault with mapped blocks still to fill: fill them with zeros
		 * rather than leave stale disk contents in the file. The zero
		 * page needs no pin (v6.5); the reference era took one.
		 */
		if (dio->page_errors == 0)
			dio->page_errors = (int)ret;
		if (dio->hold == DIO_HOLD_REF)
			get_page(ZERO_PAGE(0));
		dio->pages[0] = ZERO_PAGE(0);
		sdio->head = 0;
		sdio->tail = 1;
		sdio->from = 0;
		sdio->to = PAGE_SIZE;
		atomic_long_inc(&dio_st_zero_subst);
		return 0;
	}
	if (ret >= 0) {
		ret += (ssize_t)sdio->from;
		sdio->head = 0;
		sdio->tail = (unsigned int)DIV_ROUND_UP((size_t)ret, PAGE_SIZE);
		sdio->to = (((size_t)ret - 1) & (PAGE_SIZE - 1)) + 1;
		return 0;
	}
	return (int)ret;
}

/* The next queued page (refilling the queue when empty), or ERR_PTR. */
static struct page *dio_get_page(struct dio *dio, struct dio_submit *sdio)
{
	if (dio_pages_present(sdio) == 0) {
		int ret = dio_refill_pages(dio, sdio);

		if (ret)
			return ERR_PTR(ret);
		BUG_ON(dio_pages_present(sdio) == 0);
	}
	return dio->pages[sdio->head];
}

/*
 * dio_cleanup() - release the queued pages after an error or a short
 * request, and set head = tail so that the second call releases nothing
 * (R-DIO-4). The knob cleanup_no_advance is the first conversion (R-BUG-4).
 */
static void dio_cleanup(struct dio *dio, struct dio_submit *sdio)
{
	atomic_long_inc(&dio_st_cleanups);
	if (dio->hold == DIO_HOLD_REF) {
		while (sdio->head < sdio->tail)
			put_page(dio->pages[sdio->head++]);
		return;
	}
	if (dio->is_pinned)
		unpin_user_pages(dio->pages + sdio->head, sdio->tail - sdio->head);
	if (!dio_test_knobs.cleanup_no_advance)
		sdio->head = sdio->tail;
}

static int dio_new_bio(struct dio *dio, struct dio_submit *sdio, sector_t start_sector,
		       struct buffer_head *map_bh)
{
	sector_t sector;
	int ret, nr_pages;

	ret = dio_bio_reap(dio, sdio);
	if (ret)
		return ret;
	sector = start_sector << (sdio->blkbits - SECTOR_SHIFT);
	nr_pages = min_t(int, sdio->pages_in_io, (int)BIO_MAX_VECS);
	BUG_ON(nr_pages <= 0);
	ret = dio_bio_alloc(dio, sdio, map_bh->b_bdev, sector, nr_pages);
	sdio->boundary = 0;
	return ret;
}

/*
 * dio_bio_add_page() - add cur_page to the open bio. On success the bio is
 * one more holder: folio_add_pin(). Return: 0, or 1 if it did not fit.
 */
static int dio_bio_add_page(struct dio *dio, struct dio_submit *sdio)
{
	int ret = bio_add_page(sdio->bio, sdio->cur_page, sdio->cur_page_len,
			       sdio->cur_page_offset);

	if (ret == (int)sdio->cur_page_len) {
		/* Count a page only when we are done with it. */
		if (sdio->cur_page_len + sdio->cur_page_offset == PAGE_SIZE)
			sdio->pages_in_io--;
		dio_pin_page(dio, sdio->cur_page);
		sdio->final_block_in_bio = sdio->cur_page_block +
					   (sdio->cur_page_len >> sdio->blkbits);
		return 0;
	}
	return 1;
}

/*
 * dio_send_cur_page() - put the pending section into a bio: submit the open
 * bio first if the section does not continue it on disk and in the file,
 * start a new bio when needed.
 */
static int dio_send_cur_page(struct dio *dio, struct dio_submit *sdio,
			     struct buffer_head *map_bh)
{
	int ret = 0;

	if (sdio->bio) {
		loff_t cur_offset = sdio->cur_page_fs_offset;
		loff_t bio_next_offset = sdio->logical_offset_in_bio +
					 sdio->bio->bi_iter.bi_size;

		if (sdio->final_block_in_bio != sdio->cur_page_block ||
		    cur_offset != bio_next_offset)
			dio_bio_submit(dio, sdio);
	}
	if (sdio->bio == NULL) {
		ret = dio_new_bio(dio, sdio, sdio->cur_page_block, map_bh);
		if (ret)
			return ret;
	}
	if (dio_bio_add_page(dio, sdio) != 0) {
		dio_bio_submit(dio, sdio);
		ret = dio_new_bio(dio, sdio, sdio->cur_page_block, map_bh);
		if (ret == 0) {
			ret = dio_bio_add_page(dio, sdio);
			BUG_ON(ret != 0);
		}
	}
	return ret;
}

/*
 * submit_page_section() - @len bytes of @page at @offset go to disk block
 * @blocknr. Grows the pending section when contiguous; else sends it and
 * makes this the new cur_page, which takes its own pin.
 */
static int submit_page_section(struct dio *dio, struct dio_submit *sdio, struct page *page,
			       unsigned int offset, unsigned int len, sector_t blocknr,
			       struct buffer_head *map_bh)
{
	int boundary = sdio->boundary;	/* dio_send_cur_page() may clear it */
	int ret = 0;

	if (sdio->cur_page == page &&
	    sdio->cur_page_offset + sdio->cur_page_len == offset &&
	    sdio->cur_page_block + (sdio->cur_page_len >> sdio->blkbits) == blocknr) {
		sdio->cur_page_len += len;
		goto out;
	}

	if (sdio->cur_page) {
		ret = dio_send_cur_page(dio, sdio, map_bh);
		dio_unpin_page(dio, sdio->cur_page);
		sdio->cur_page = NULL;
		if (ret)
			return ret;
	}

	dio_pin_page(dio, page);	/* it is in the dio now */
	sdio->cur_page = page;
	sdio->cur_page_offset = offset;
	sdio->cur_page_len = len;
	sdio->cur_page_block = blocknr;
	sdio->cur_page_fs_offset = (loff_t)sdio->block_in_file << sdio->blkbits;
out:
	/* At an extent boundary submit now, to avoid metadata seeks in between. */
	if (boundary) {
		ret = dio_send_cur_page(dio, sdio, map_bh);
		if (sdio->bio)
			dio_bio_submit(dio, sdio);
		dio_unpin_page(dio, sdio->cur_page);
		sdio->cur_page = NULL;
	}
	return ret;
}

/*
 * dio_zero_block() - the I/O starts (@end 0) or ends (@end 1) inside a new
 * fs block: write zeros over the uncovered @blkbits blocks of it, from
 * ZERO_PAGE(0) (R-DIO-5). Its pin operations are no-ops (v6.5).
 */
static void dio_zero_block(struct dio *dio, struct dio_submit *sdio, int end,
			   struct buffer_head *map_bh)
{
	unsigned int dio_blocks_per_fs_block, this_chunk_blocks, this_chunk_bytes;
	struct page *page;

	sdio->start_zero_done = 1;
	if (!sdio->blkfactor || !buffer_new(map_bh))
		return;

	dio_blocks_per_fs_block = 1U << sdio->blkfactor;
	this_chunk_blocks = (unsigned int)(sdio->block_in_file & (dio_blocks_per_fs_block - 1));
	if (!this_chunk_blocks)
		return;
	if (end)
		this_chunk_blocks = dio_blocks_per_fs_block - this_chunk_blocks;
	this_chunk_bytes = this_chunk_blocks << sdio->blkbits;

	page = ZERO_PAGE(0);
	atomic_long_inc(&dio_st_zero_chunks);
	if (submit_page_section(dio, sdio, page, 0, this_chunk_bytes, sdio->next_block_for_io,
				map_bh))
		return;
	sdio->next_block_for_io += this_chunk_blocks;
}

/*
 * get_more_blocks() - map the next fs blocks of the request. A saved
 * extraction error (page_errors) ends the request once the mapped blocks
 * were filled.
 */
static int get_more_blocks(struct dio *dio, struct dio_submit *sdio,
			   struct buffer_head *map_bh)
{
	unsigned int i_blkbits = sdio->blkbits + sdio->blkfactor;
	sector_t fs_startblk, fs_endblk;
	unsigned long fs_count;
	int ret, create;

	ret = dio->page_errors;
	if (ret)
		return ret;
	BUG_ON(sdio->block_in_file >= sdio->final_block_in_request);
	fs_startblk = sdio->block_in_file >> sdio->blkfactor;
	fs_endblk = (sdio->final_block_in_request - 1) >> sdio->blkfactor;
	fs_count = (unsigned long)(fs_endblk - fs_startblk + 1);

	map_bh->b_state = 0;
	map_bh->b_size = fs_count << i_blkbits;

	/*
	 * DIO_SKIP_HOLES: no block creation inside i_size, only overwrites;
	 * an unmapped answer sends the caller to buffered I/O.
	 */
	create = bio_op_of(dio->opf) == REQ_OP_WRITE;
	if (dio->flags & DIO_SKIP_HOLES) {
		loff_t i_size = i_size_read(dio->inode);

		if (i_size && fs_startblk <= (sector_t)((i_size - 1) >> i_blkbits))
			create = 0;
	}
	ret = sdio->get_block(dio->inode, fs_startblk, map_bh, create);
	dio->private = map_bh->b_private;
	return ret;
}

/* The CPU zeroes @len bytes of @page at @off (zero_user()). */
static void dio_zero_user(struct page *page, size_t off, size_t len)
{
	memset((char *)page_address(page) + off, 0, len);
}

/*
 * do_direct_IO() - walk the request's pages and blocks, building bios.
 * Every exit drops the extraction pin of the page being worked on.
 * Return: 0, -ENOTBLK (write into a hole), or -errno.
 */
static int do_direct_IO(struct dio *dio, struct dio_submit *sdio, struct buffer_head *map_bh)
{
	const enum req_op dio_op = bio_op_of(dio->opf);
	const unsigned int blkbits = sdio->blkbits;
	int ret = 0;

	while (sdio->block_in_file < sdio->final_block_in_request) {
		struct page *page;
		size_t from, to;

		page = dio_get_page(dio, sdio);
		if (IS_ERR(page)) {
			ret = (int)PTR_ERR(page);
			goto out;
		}
		from = sdio->head ? 0 : sdio->from;
		to = (sdio->head == sdio->tail - 1) ? sdio->to : PAGE_SIZE;
		sdio->head++;
		sdio->working = page;

		while (from < to) {
			unsigned int this_chunk_bytes, this_chunk_blocks, u;

			if (sdio->blocks_available == 0) {
				unsigned long blkmask, dio_remainder;

				ret = get_more_blocks(dio, sdio, map_bh);
				if (ret) {
					dio_unpin_page(dio, page);
					goto out;
				}
				if (!buffer_mapped(map_bh))
					goto do_holes;

				sdio->blocks_available = (unsigned int)(map_bh->b_size >> blkbits);
				sdio->next_block_for_io = map_bh->b_blocknr << sdio->blkfactor;
				if (!sdio->blkfactor)
					goto do_holes;

				blkmask = (1UL << sdio->blkfactor) - 1;
				dio_remainder = sdio->block_in_file & blkmask;
				/*
				 * The I/O starts inside an fs block. A read (or an
				 * old block) skips to the first block wanted; a new
				 * block keeps the start, which dio_zero_block() zeroes.
				 */
				if (!buffer_new(map_bh))
					sdio->next_block_for_io += dio_remainder;
				sdio->blocks_available -= (unsigned int)dio_remainder;
			}
do_holes:
			if (!buffer_mapped(map_bh)) {
				loff_t i_size_aligned;

				/* A write into a hole: the caller falls back to buffered I/O. */
				if (dio_op == REQ_OP_WRITE) {
					dio_unpin_page(dio, page);
					sdio->working = NULL;
					return -ENOTBLK;
				}
				/* Count a partial last block of the file as a block. */
				i_size_aligned = ALIGN(i_size_read(dio->inode), (loff_t)1 << blkbits);
				if (sdio->block_in_file >= (sector_t)(i_size_aligned >> blkbits)) {
					dio_unpin_page(dio, page);	/* EOF */
					goto out;
				}
				dio_zero_user(page, from, (size_t)1 << blkbits);
				sdio->block_in_file++;
				from += (size_t)1 << blkbits;
				dio->result += (ssize_t)1 << blkbits;
				goto next_block;
			}

			/* Finer alignment than the fs block: maybe zero the block's start. */
			if (unlikely(sdio->blkfactor && !sdio->start_zero_done))
				dio_zero_block(dio, sdio, 0, map_bh);

			this_chunk_blocks = sdio->blocks_available;
			u = (unsigned int)((to - from) >> blkbits);
			if (this_chunk_blocks > u)
				this_chunk_blocks = u;
			u = (unsigned int)(sdio->final_block_in_request - sdio->block_in_file);
			if (this_chunk_blocks > u)
				this_chunk_blocks = u;
			this_chunk_bytes = this_chunk_blocks << blkbits;
			BUG_ON(this_chunk_bytes == 0);

			if (this_chunk_blocks == sdio->blocks_available)
				sdio->boundary = buffer_boundary(map_bh);
			ret = submit_page_section(dio, sdio, page, (unsigned int)from,
						  this_chunk_bytes, sdio->next_block_for_io, map_bh);
			if (ret) {
				dio_unpin_page(dio, page);
				goto out;
			}
			sdio->next_block_for_io += this_chunk_blocks;
			sdio->block_in_file += this_chunk_blocks;
			from += this_chunk_bytes;
			dio->result += this_chunk_bytes;
			sdio->blocks_available -= this_chunk_blocks;
			dio_holders_check(dio, sdio, "section");
next_block:
			BUG_ON(sdio->block_in_file > sdio->final_block_in_request);
			if (sdio->block_in_file == sdio->final_block_in_request)
				break;
		}
		/* Done with the page: drop its extraction pin. */
		dio_unpin_page(dio, page);
		sdio->working = NULL;
	}
out:
	sdio->working = NULL;
	return ret;
}

static unsigned int blksize_bits(unsigned int size)
{
	unsigned int bits = 9;

	while ((1U << bits) < size)
		bits++;
	return bits;
}

/**
 * __blockdev_direct_IO() - direct I/O through get_block (legacy engine).
 * @iocb: the request; ki_complete set means async (but an extending write
 *	is always waited for).
 * @inode: the file.
 * @bdev: its device (for the logical block size).
 * @iter: user memory (pinned) or KVEC/BVEC (nothing taken; v6.4/v21: BVEC
 *	pages referenced, KVEC -EFAULT).
 * @get_block: the filesystem's mapper.
 * @end_io: completion callback, or NULL.
 * @flags: DIO_LOCKING (take i_rwsem for reads, write back the range
 *	first), DIO_SKIP_HOLES.
 *
 * Return: bytes done; 0 for a read at or past i_size or a write that hit a
 * hole first (do_direct_IO() said -ENOTBLK: do the rest buffered); a short
 * count; -EIOCBQUEUED; -EINVAL (misaligned); -ENOMEM; -EIO / -EAGAIN from
 * the device; an extraction error when nothing was done.
 */
ssize_t __blockdev_direct_IO(struct kiocb *iocb, struct inode *inode, struct block_device *bdev,
			     struct iov_iter *iter, get_block_t get_block,
			     dio_iodone_t end_io, int flags)
{
	unsigned int i_blkbits = __atomic_load_n(&inode->i_blkbits, __ATOMIC_RELAXED);
	unsigned int blkbits = i_blkbits;
	unsigned long blocksize_mask = (1UL << blkbits) - 1;
	const size_t count = iov_iter_count(iter);
	loff_t offset = iocb->ki_pos;
	const loff_t end = offset + (loff_t)count;
	struct dio_submit sdio = { 0 };
	struct buffer_head map_bh = { 0 };
	unsigned long align = (unsigned long)offset | iov_iter_alignment(iter);
	bool locked = false;
	ssize_t retval = -EINVAL;
	struct dio stack_dio, *dio;

	if (iov_iter_rw(iter) == READ && !count)
		return 0;

	if (align & blocksize_mask) {
		if (bdev)
			blkbits = blksize_bits(bdev_logical_block_size(bdev));
		blocksize_mask = (1UL << blkbits) - 1;
		if (align & blocksize_mask)
			return -EINVAL;
	}

	if (should_fail_alloc(FAULT_META_ALLOC))
		return -ENOMEM;
	/*
	 * A sync kiocb's request is never async (below), so it completes in
	 * this frame: dio_complete() runs here, after the last bio was
	 * reaped, and no completion touches the dio once refcount is back to
	 * 1. It lives on the stack then (the kernel uses its dio_cache slab;
	 * a calloc() and free() were a sixth of a 4 KiB read's instructions),
	 * zeroed except for the page queue, which is read only between
	 * sdio.head and sdio.tail. The fault point above is taken either way.
	 */
	if (is_sync_kiocb(iocb)) {
		dio = &stack_dio;
		memset(dio, 0, offsetof(struct dio, pages));
		dio->dbg_bios = NULL;
		dio->dbg_nr = 0;
		dio->dbg_cap = 0;
		dio->on_stack = true;
	} else {
		dio = calloc(1, sizeof(*dio));
		if (!dio)
			return -ENOMEM;
	}
	pthread_mutex_init(&dio->bio_lock, NULL);
	pthread_cond_init(&dio->wait, NULL);

	dio->flags = flags;
	if ((dio->flags & DIO_LOCKING) && iov_iter_rw(iter) == READ) {
		pthread_rwlock_wrlock(&inode->i_rwsem);
		locked = true;
	}
	switch (sim_profile()) {
	case SIM_PROFILE_V6_4:
		dio->hold = DIO_HOLD_REF;
		break;
	case SIM_PROFILE_V21:
		dio->hold = dio_test_knobs.pinned_but_reffed ? DIO_HOLD_PIN : DIO_HOLD_REF;
		break;
	default:
		dio->hold = DIO_HOLD_PIN;
		break;
	}
	dio->is_pinned = iov_iter_extract_will_pin(iter);

	dio->i_size = i_size_read(inode);
	if (iov_iter_rw(iter) == READ && offset >= dio->i_size) {
		retval = 0;
		goto fail_dio;
	}

	if (locked && iocb->ki_filp &&
	    iocb->ki_filp->f_mapping && iocb->ki_filp->f_mapping->nrpages) {
		retval = filemap_write_and_wait_range(iocb->ki_filp->f_mapping, offset, end - 1);
		if (retval)
			goto fail_dio;
	}

	/* An extending write is waited for even when asked to be async. */
	if (is_sync_kiocb(iocb))
		dio->is_async = false;
	else if (iov_iter_rw(iter) == WRITE && end > i_size_read(inode))
		dio->is_async = false;
	else
		dio->is_async = true;

	dio->inode = inode;
	if (iov_iter_rw(iter) == WRITE) {
		dio->opf = REQ_OP_WRITE | REQ_SYNC | REQ_IDLE;
		if (iocb->ki_flags & IOCB_NOWAIT)
			dio->opf |= REQ_NOWAIT;
	} else {
		dio->opf = REQ_OP_READ;
	}
	if (dio->is_async && iov_iter_rw(iter) == WRITE && iocb_is_dsync(iocb))
		dio->defer_completion = true;

	inode_dio_begin(inode);

	sdio.blkbits = blkbits;
	sdio.blkfactor = i_blkbits - blkbits;
	sdio.block_in_file = (sector_t)(offset >> blkbits);
	sdio.get_block = get_block;
	dio->end_io = end_io;
	sdio.final_block_in_bio = (sector_t)-1;
	sdio.next_block_for_io = (sector_t)-1;
	dio->iocb = iocb;
	dio->refcount = 1;
	dio->should_dirty = user_backed_iter(iter) && iov_iter_rw(iter) == READ;
	sdio.iter = iter;
	sdio.final_block_in_request = (sector_t)(end >> blkbits);

	/* Unaligned I/O may need two more pages to zero the first and last block. */
	if (unlikely(sdio.blkfactor))
		sdio.pages_in_io = 2;
	sdio.pages_in_io += iov_iter_npages(iter, INT_MAX);

	retval = do_direct_IO(dio, &sdio, &map_bh);
	__atomic_store_n(&dio_st_last_ddio, (long)retval, __ATOMIC_RELAXED);
	if (retval) {
		dio_cleanup(dio, &sdio);
		dio_holders_check(dio, &sdio, "cleanup-after-error");
	}

	if (retval == -ENOTBLK) {
		/* The rest of the request is done with buffered I/O by the caller. */
		retval = 0;
	}
	/* A part-written new fs block at the end: zero the rest of it. */
	dio_zero_block(dio, &sdio, 1, &map_bh);

	if (sdio.cur_page) {
		ssize_t ret2 = dio_send_cur_page(dio, &sdio, &map_bh);

		if (retval == 0)
			retval = ret2;
		dio_unpin_page(dio, sdio.cur_page);
		sdio.cur_page = NULL;
	}
	if (sdio.bio)
		dio_bio_submit(dio, &sdio);

	/* A short request (EOF) may leave pages queued: release them. */
	dio_cleanup(dio, &sdio);
	dio_holders_check(dio, &sdio, "submitted");

	if (locked) {
		pthread_rwlock_unlock(&inode->i_rwsem);
		locked = false;
	}

	/*
	 * Leave bios in flight only for a successful async read with some
	 * progress or a complete async write: their completion ends the kiocb.
	 */
	BUG_ON(retval == -EIOCBQUEUED);
	if (dio->is_async && retval == 0 && dio->result &&
	    (iov_iter_rw(iter) == READ || dio->result == (ssize_t)count))
		retval = -EIOCBQUEUED;
	else
		dio_await_completion(dio);

	pthread_mutex_lock(&dio->bio_lock);
	if (--dio->refcount == 0) {
		pthread_mutex_unlock(&dio->bio_lock);
		return dio_complete(dio, retval, DIO_COMPLETE_INVALIDATE);
	}
	pthread_mutex_unlock(&dio->bio_lock);
	BUG_ON(retval != -EIOCBQUEUED);
	return retval;

fail_dio:
	if (locked)
		pthread_rwlock_unlock(&inode->i_rwsem);
	dio_free(dio);
	return retval;
}
