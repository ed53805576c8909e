// SPDX-License-Identifier: GPL-2.0
/*
 * fs/iomap/direct-io.c - iomap-based direct I/O (fs/iomap/direct-io.c,
 * v6.5): iomap_dio_rw() walks the file range extent by extent through the
 * filesystem's iomap_begin(), and per extent
 *   - a hole (or an unwritten extent, for a read) zero-fills the user's
 *     iterator with iov_iter_zero(): no bio, no pin;
 *   - a mapped or unwritten extent builds bios with bio_alloc() +
 *     bio_iov_iter_get_pages(), which pins user pages (BIO_PAGE_PINNED)
 *     and borrows BVEC arrays; reads into user memory are dirtied before
 *     submission (IOMAP_DIO_DIRTY, bio_set_pages_dirty()) and checked at
 *     completion (bio_check_pages_dirty()), everything else is released
 *     with bio_release_pages(bio, false) + bio_put() (R-IOMAP-3, R-BIO-13);
 *   - new or unwritten blocks get their uncovered head and tail zeroed by
 *     iomap_dio_zero(): a WRITE bio holding one ZERO_PAGE(0) bvec and no
 *     flag, so the zero page's refcount never moves (v6.5, v21); under the
 *     v6.4 profile it takes get_page() and completion puts it (R-IOMAP-1/2,
 *     EDGE-30).
 * inode_dio_begin()/inode_dio_end() bracket the request; cached pages over
 * the range are written back before a read and invalidated before and
 * after a write (-ENOTBLK when that fails: the caller falls back to
 * buffered I/O); sync requests wait, async ones return -EIOCBQUEUED and
 * complete through ki_complete(). After a bio fails, dio->error makes the
 * following loop passes revert what they took from the iterator and stop
 * (R-IOMAP-3). IOMAP_DIO_PARTIAL turns a fault after some progress into a
 * short count; done_before is added to the result.
 *
 * Deviations: an async read completes in the context of its last bio's
 * end_io (the kernel's IOMAP_DIO_INLINE_COMP); an async write's completion
 * (end_io conversion, invalidation, ki_complete) runs on a fresh thread
 * standing in for s_dio_done_wq (dio_defer_work()). A bio's pages are
 * released *before* the dio is counted down, so a waiter or ki_complete()
 * never sees pins of its own request (block/fops.c does the same). No
 * polling, no FUA/REQ_PREFLUSH write-through optimisation, no inline-data
 * or zone-append extents, no fscrypt.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <pinio/bio.h>
#include <pinio/blkdev.h>
#include <pinio/bug.h>
#include <pinio/err.h>
#include <pinio/fault-inject.h>
#include <pinio/fs.h>
#include <pinio/iomap.h>
#include <pinio/mm.h>
#include <pinio/pagemap.h>
#include <pinio/sim.h>

#include "fs/dio_internal.h"

/* dio->flags beyond the end_io ones of iomap.h (IOMAP_DIO_UNWRITTEN, _COW). */
#define IOMAP_DIO_WRITE		(1U << 30)
#define IOMAP_DIO_DIRTY		(1U << 31)
#define IOMAP_DIO_END_IO_FLAGS	(IOMAP_DIO_UNWRITTEN | IOMAP_DIO_COW)

/**
 * struct iomap_dio - one direct I/O request.
 * @iocb: the request.
 * @dops: the filesystem's completion (unwritten conversion, i_size).
 * @i_size: i_size sampled at submission (short reads are clipped to it).
 * @size: bytes put into bios or zero-filled so far.
 * @done_before: bytes the caller did before this call (added to the result).
 * @ref: bios in flight + 1 for the submitter.
 * @flags: IOMAP_DIO_*.
 * @error: the first error (-errno), set by a failing bio or the submitter.
 * @wait_for_completion: the submitter waits (sync kiocb, FORCE_WAIT, -ENOTBLK).
 * @iter: the user's iterator, while submitting.
 * @wait_state: DIO_RUNNING, DIO_WAITING (the submitter sleeps on @cond),
 *	DIO_DONE (the last reference went); see iomap_dio_put().
 * @prims: @lock and @cond are initialised (only a submitter that must sleep
 *	does it: a request that ends before its submitter's reference goes,
 *	as an inline-DMA read does, never needs them).
 * @lock, @cond: what a waiting submitter sleeps on.
 * @on_stack: in iomap_dio_rw()'s frame (a request that is waited for), not
 *	allocated: iomap_dio_free() only tears it down.
 */
struct iomap_dio {
	struct kiocb *iocb;
	const struct iomap_dio_ops *dops;
	loff_t i_size;
	loff_t size;
	size_t done_before;
	atomic_t ref;
	unsigned int flags;
	atomic_t error;
	bool wait_for_completion;
	struct iov_iter *iter;
	int wait_state;
	bool prims;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool on_stack;
};

enum { DIO_RUNNING, DIO_WAITING, DIO_DONE };

static atomic_long_t stat_data_bios, stat_zero_bios, stat_hole_bytes, stat_reverted;

/**
 * iomap_dio_stats_read() - read the iomap direct-I/O engine's counters.
 * @s: filled in with the counts since the program started.
 *
 * Data bios submitted, sub-block zeroing bios (R-IOMAP-1/2), bytes
 * zero-filled into the iterator for holes and unwritten extents, and
 * passes that reverted the iterator after an error (R-IOMAP-3). They are
 * never reset, not even by a boot: compare two reads. Each field is read
 * on its own, so the set is not a snapshot while I/O runs.
 *
 * Context: any thread; lock-free.
 */
void iomap_dio_stats_read(struct iomap_dio_stats *s)
{
	s->data_bios = (unsigned long)atomic_long_read(&stat_data_bios);
	s->zero_bios = (unsigned long)atomic_long_read(&stat_zero_bios);
	s->hole_bytes = (unsigned long)atomic_long_read(&stat_hole_bytes);
	s->reverted = (unsigned long)atomic_long_read(&stat_reverted);
}

static inline struct inode *iomap_dio_inode(const struct kiocb *iocb)
{
	return iocb->ki_filp->f_mapping->host;
}

/*
 * Destroy the wait primitives and free @dio, unless it lives in
 * iomap_dio_rw()'s frame. The last user of @dio.
 */
static void iomap_dio_free(struct iomap_dio *dio)
{
	if (dio->prims) {
		pthread_cond_destroy(&dio->cond);
		pthread_mutex_destroy(&dio->lock);
	}
	if (!dio->on_stack)
		free(dio);
}

static void iomap_dio_set_error(struct iomap_dio *dio, int err)
{
	atomic_cmpxchg(&dio->error, 0, err);
}

static inline sector_t iomap_sector(const struct iomap *iomap, loff_t pos)
{
	return (sector_t)((iomap->addr + (uint64_t)(pos - iomap->offset)) >> SECTOR_SHIFT);
}

/*
 * Write back cached dirty pages of the range before a read, and drop the
 * cached pages before a write (kiocb_write_and_wait(),
 * kiocb_invalidate_pages()). Return: 0, or the error of the page cache.
 * Hook: a no-op while mm/filemap.c does not provide the functions.
 */
static int iomap_dio_write_and_wait(struct kiocb *iocb, size_t count)
{
	struct address_space *mapping = iocb->ki_filp->f_mapping;

	if (!mapping || !mapping->nrpages)
		return 0;
	return filemap_write_and_wait_range(mapping, iocb->ki_pos,
					    iocb->ki_pos + (loff_t)count - 1);
}

static int iomap_dio_invalidate(struct kiocb *iocb, loff_t pos, size_t count)
{
	struct address_space *mapping = iocb->ki_filp->f_mapping;
	int ret;

	if (!count || !mapping || !mapping->nrpages)
		return 0;
	ret = filemap_write_and_wait_range(mapping, pos, pos + (loff_t)count - 1);
	if (ret)
		return ret;
	return invalidate_inode_pages2_range(mapping, (pgoff_t)(pos >> PAGE_SHIFT),
					     (pgoff_t)((pos + (loff_t)count - 1) >> PAGE_SHIFT));
}

/*
 * iomap_dio_complete() - end of the whole request: the filesystem's end_io
 * (unwritten conversion), the result (clipped to i_size for reads),
 * invalidation after a write, inode_dio_end(), ki_pos. Frees @dio.
 */
static ssize_t iomap_dio_complete(struct iomap_dio *dio)
{
	const struct iomap_dio_ops *dops = dio->dops;
	struct kiocb *iocb = dio->iocb;
	loff_t offset = iocb->ki_pos;
	ssize_t ret = atomic_read(&dio->error);

	if (dops && dops->end_io)
		ret = dops->end_io(iocb, dio->size, (int)ret, dio->flags & IOMAP_DIO_END_IO_FLAGS);

	if (likely(!ret)) {
		ret = dio->size;
		/* A read is never reported past the i_size sampled at submission. */
		if (offset + ret > dio->i_size && !(dio->flags & IOMAP_DIO_WRITE))
			ret = dio->i_size - offset;
	}

	/*
	 * Drop pages cached meanwhile (buffered readers, or faults on an mmap of
	 * this very file used as the source). Failure is ignored: the data is
	 * on disk.
	 */
	if (!atomic_read(&dio->error) && dio->size && (dio->flags & IOMAP_DIO_WRITE))
		(void)iomap_dio_invalidate(iocb, offset, (size_t)dio->size);

	inode_dio_end(iomap_dio_inode(iocb));

	if (ret > 0) {
		iocb->ki_pos += ret;
		ret += (ssize_t)dio->done_before;
	}
	iomap_dio_free(dio);
	return ret;
}

/*
 * The submitter's reference was not the last: sleep until the last bio's
 * iomap_dio_put() sets DIO_DONE (see there).
 */
static void iomap_dio_wait(struct iomap_dio *dio)
{
	int running = DIO_RUNNING;

	if (__atomic_load_n(&dio->wait_state, __ATOMIC_ACQUIRE) == DIO_DONE)
		return;
	pthread_mutex_init(&dio->lock, NULL);
	pthread_cond_init(&dio->cond, NULL);
	dio->prims = true;
	if (!__atomic_compare_exchange_n(&dio->wait_state, &running, DIO_WAITING, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return;		/* DONE meanwhile */
	pthread_mutex_lock(&dio->lock);
	while (__atomic_load_n(&dio->wait_state, __ATOMIC_ACQUIRE) != DIO_DONE)
		pthread_cond_wait(&dio->cond, &dio->lock);
	pthread_mutex_unlock(&dio->lock);
}

static void iomap_dio_complete_work(void *arg)
{
	struct iomap_dio *dio = arg;
	struct kiocb *iocb = dio->iocb;

	iocb->ki_complete(iocb, iomap_dio_complete(dio));
}

/*
 * A bio's reference is gone: wake, complete, or nothing. For a waited-for
 * request, as submit_bio_wait(): DIO_RUNNING -> DIO_DONE if the submitter
 * is not asleep (then neither side touches @lock or @cond); if it moved
 * to DIO_WAITING (after initialising them), DIO_DONE is set under @lock,
 * so the submitter returns only after this unlocked.
 */
static void iomap_dio_put(struct iomap_dio *dio)
{
	int running = DIO_RUNNING;

	if (!atomic_dec_and_test(&dio->ref))
		return;
	if (dio->wait_for_completion) {
		if (__atomic_compare_exchange_n(&dio->wait_state, &running, DIO_DONE, false,
						__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return;
		pthread_mutex_lock(&dio->lock);
		__atomic_store_n(&dio->wait_state, DIO_DONE, __ATOMIC_RELEASE);
		pthread_cond_signal(&dio->cond);
		pthread_mutex_unlock(&dio->lock);
		return;
	}
	if (dio->flags & IOMAP_DIO_WRITE) {
		/* Unwritten conversion and invalidation may block: not on a DMA thread. */
		dio_defer_work(iomap_dio_complete_work, dio);
		return;
	}
	iomap_dio_complete_work(dio);
}

/*
 * iomap_dio_bio_end_io() - completion of a data or zeroing bio. The pages
 * are released first (dirty-checked for reads into user memory), then the
 * dio is counted down.
 */
static void iomap_dio_bio_end_io(struct bio *bio)
{
	struct iomap_dio *dio = bio->bi_private;
	bool should_dirty = dio->flags & IOMAP_DIO_DIRTY;

	if (bio->bi_status)
		iomap_dio_set_error(dio, blk_status_to_errno(bio->bi_status));

	if (should_dirty) {
		bio_check_pages_dirty(bio);
	} else {
		bio_release_pages(bio, false);
		bio_put(bio);
	}
	iomap_dio_put(dio);
}

static void iomap_dio_submit_bio(struct iomap_dio *dio, struct bio *bio)
{
	atomic_inc(&dio->ref);
	submit_bio(bio);
}

/*
 * iomap_dio_zero() - write zeros to [@pos, @pos + @len) of the extent
 * (R-IOMAP-1). v6.5 (and the v21 series): one ZERO_PAGE(0) bvec, no page
 * flag, no reference: release at completion does nothing and the zero
 * page's refcount never moves. v6.4: get_page() here, and with
 * BIO_NO_PAGE_REF clear completion puts it again (+1, -1).
 * Return: 0, or -ENOMEM if the bio could not be allocated.
 */
static int iomap_dio_zero(struct iomap_dio *dio, const struct iomap *iomap, loff_t pos,
			  unsigned int len)
{
	struct page *page = ZERO_PAGE(0);
	struct bio *bio;

	bio = bio_alloc(iomap->bdev, 1, REQ_OP_WRITE | REQ_SYNC | REQ_IDLE, 0);
	if (!bio)
		return -ENOMEM;
	bio->bi_iter.bi_sector = iomap_sector(iomap, pos);
	bio->bi_private = dio;
	bio->bi_end_io = iomap_dio_bio_end_io;
	if (sim_profile() == SIM_PROFILE_V6_4)
		get_page(page);
	__bio_add_page(bio, page, len, 0);
	atomic_long_inc(&stat_zero_bios);
	iomap_dio_submit_bio(dio, bio);
	return 0;
}

/* Sub-block zeroing failed for lack of memory: the request fails. */
static void iomap_dio_zero_or_fail(struct iomap_dio *dio, const struct iomap *iomap,
				   loff_t pos, unsigned int len)
{
	if (iomap_dio_zero(dio, iomap, pos, len))
		iomap_dio_set_error(dio, -ENOMEM);
}

/* Are position, length and every segment right for @bdev? (bdev_iter_is_aligned) */
static bool iomap_dio_misaligned(struct block_device *bdev, loff_t pos, loff_t length,
				 const struct iov_iter *iter)
{
	unsigned long lbs_mask = bdev_logical_block_size(bdev) - 1;

	if (((unsigned long)pos | (unsigned long)length) & lbs_mask)
		return true;
	return iov_iter_alignment(iter) & (bdev_dma_alignment(bdev) | lbs_mask);
}

/*
 * iomap_dio_bio_iter() - bios for [@pos, @pos + @length) of a mapped or
 * unwritten extent, with sub-block zeroing of new or unwritten blocks
 * (R-IOMAP-2) and the dio->error revert (R-IOMAP-3).
 * Return: bytes taken from the iterator (> 0), or 0 / -errno.
 */
static loff_t iomap_dio_bio_iter(struct iomap_dio *dio, const struct iomap *iomap,
				 loff_t pos, loff_t length)
{
	struct inode *inode = iomap_dio_inode(dio->iocb);
	unsigned int fs_block_size = i_blocksize(inode), pad;
	struct iov_iter *iter = dio->iter;
	bool need_zeroout = false;
	size_t orig_count, copied = 0;
	blk_opf_t opf;
	int nr_pages, ret = 0;
	struct bio *bio;

	if (!iomap->bdev || iomap_dio_misaligned(iomap->bdev, pos, length, iter))
		return -EINVAL;

	if (iomap->type == IOMAP_UNWRITTEN) {
		dio->flags |= IOMAP_DIO_UNWRITTEN;
		need_zeroout = true;
	}
	if (iomap->flags & IOMAP_F_SHARED)
		dio->flags |= IOMAP_DIO_COW;
	if (iomap->flags & IOMAP_F_NEW)
		need_zeroout = true;

	/* Work on this extent only; the iterator is re-expanded at the end. */
	orig_count = iov_iter_count(iter);
	iov_iter_truncate(iter, (size_t)length);
	if (!iov_iter_count(iter))
		goto out;

	if (need_zeroout) {
		/* Zero from the start of the block up to the I/O. */
		pad = (unsigned int)(pos & (fs_block_size - 1));
		if (pad)
			iomap_dio_zero_or_fail(dio, iomap, pos - pad, pad);
	}

	opf = (dio->flags & IOMAP_DIO_WRITE) ? REQ_OP_WRITE | REQ_SYNC | REQ_IDLE : REQ_OP_READ;
	if ((dio->flags & IOMAP_DIO_WRITE) && iocb_is_dsync(dio->iocb))
		opf |= REQ_FUA;

	nr_pages = bio_iov_vecs_to_alloc(iter, BIO_MAX_VECS);
	do {
		size_t n;

		if (atomic_read(&dio->error)) {
			/* An earlier bio failed: give back what this extent took. */
			iov_iter_revert(iter, copied);
			atomic_long_inc(&stat_reverted);
			copied = 0;
			ret = 0;
			goto out;
		}

		bio = bio_alloc(iomap->bdev, (unsigned short)nr_pages, opf, 0);
		if (!bio) {
			ret = -ENOMEM;
			goto zero_tail;
		}
		bio->bi_iter.bi_sector = iomap_sector(iomap, pos);
		bio->bi_ioprio = dio->iocb->ki_ioprio;
		bio->bi_private = dio;
		bio->bi_end_io = iomap_dio_bio_end_io;

		ret = bio_iov_iter_get_pages(bio, iter);
		if (unlikely(ret)) {
			/*
			 * Stopped part way: the bio has no pages (R-BIO-8). Fall
			 * through to the tail zeroing so that a short write does
			 * not expose stale data in the rest of the block.
			 */
			bio_put(bio);
			goto zero_tail;
		}

		n = bio->bi_iter.bi_size;
		if (!(dio->flags & IOMAP_DIO_WRITE) && (dio->flags & IOMAP_DIO_DIRTY))
			bio_set_pages_dirty(bio);

		dio->size += (loff_t)n;
		copied += n;

		nr_pages = bio_iov_vecs_to_alloc(iter, BIO_MAX_VECS);
		atomic_long_inc(&stat_data_bios);
		iomap_dio_submit_bio(dio, bio);
		pos += (loff_t)n;
	} while (nr_pages);

zero_tail:
	/*
	 * Zero the rest of the last block if the extent needs it or the write
	 * goes beyond EOF (else a later extending write exposes stale data).
	 */
	if (need_zeroout || ((dio->flags & IOMAP_DIO_WRITE) && pos >= i_size_read(inode))) {
		pad = (unsigned int)(pos & (fs_block_size - 1));
		if (pad)
			iomap_dio_zero_or_fail(dio, iomap, pos, fs_block_size - pad);
	}
out:
	iov_iter_reexpand(iter, orig_count - copied);
	if (copied)
		return (loff_t)copied;
	return ret;
}

/* A hole, or an unwritten extent read: zeros into the iterator, no bio. */
static loff_t iomap_dio_hole_iter(struct iomap_dio *dio, loff_t length)
{
	size_t n = iov_iter_zero((size_t)length, dio->iter);

	dio->size += (loff_t)n;
	atomic_long_add((long)n, &stat_hole_bytes);
	if (!n)
		return -EFAULT;
	return (loff_t)n;
}

static loff_t iomap_dio_iter(struct iomap_dio *dio, const struct iomap *iomap, loff_t pos,
			     loff_t length)
{
	switch (iomap->type) {
	case IOMAP_HOLE:
		if (WARN_ON_ONCE(dio->flags & IOMAP_DIO_WRITE))
			return -EIO;
		return iomap_dio_hole_iter(dio, length);
	case IOMAP_UNWRITTEN:
		if (!(dio->flags & IOMAP_DIO_WRITE))
			return iomap_dio_hole_iter(dio, length);
		return iomap_dio_bio_iter(dio, iomap, pos, length);
	case IOMAP_MAPPED:
		return iomap_dio_bio_iter(dio, iomap, pos, length);
	case IOMAP_INLINE:
		/* Not modelled: no filesystem here keeps data in the inode. */
		return -EOPNOTSUPP;
	case IOMAP_DELALLOC:
		/* DIO never sees delalloc: the caller flushed the range first. */
		WARN_ON_ONCE(1);
		return -EIO;
	default:
		WARN_ON_ONCE(1);
		return -EIO;
	}
}

/*
 * Walk the range extent by extent (iomap_iter()): iomap_begin, process,
 * iomap_end. Stops at an error (returned) or when an extent makes no
 * progress (0). *@pos is advanced by the bytes processed.
 */
static int iomap_dio_walk(struct iomap_dio *dio, struct inode *inode, const struct iomap_ops *ops,
			  loff_t *pos, loff_t end, unsigned int flags)
{
	while (*pos < end) {
		struct iomap iomap = { .addr = IOMAP_NULL_ADDR };
		struct iomap srcmap = { .type = IOMAP_HOLE, .addr = IOMAP_NULL_ADDR };
		loff_t length, processed;
		int ret;

		ret = ops->iomap_begin(inode, *pos, end - *pos, flags, &iomap, &srcmap);
		if (ret)
			return ret;
		if (WARN_ON_ONCE(iomap.offset > *pos || !iomap.length ||
				 iomap.offset + (loff_t)iomap.length <= *pos))
			return -EIO;
		length = min_t(loff_t, end - *pos, iomap.offset + (loff_t)iomap.length - *pos);

		if ((flags & IOMAP_WRITE) && (dio->iocb->ki_flags & IOCB_NOWAIT) &&
		    (iomap.type != IOMAP_MAPPED || (iomap.flags & IOMAP_F_NEW)))
			processed = -EAGAIN;
		else
			processed = iomap_dio_iter(dio, &iomap, *pos, length);

		if (ops->iomap_end)
			ops->iomap_end(inode, *pos, length, processed > 0 ? (ssize_t)processed : 0,
				       flags, &iomap);
		if (processed < 0)
			return (int)processed;
		if (!processed)
			return 0;
		*pos += processed;
	}
	return 0;
}

/*
 * __iomap_dio_rw() - submit the request. Returns the dio to complete, NULL
 * for nothing to do, ERR_PTR(-EIOCBQUEUED) when an async request is in
 * flight, or ERR_PTR(-errno) before anything was submitted.
 *
 * A request that will be waited for from the start (a sync kiocb, or
 * IOMAP_DIO_FORCE_WAIT) uses @stack_dio, the caller's: nothing can touch
 * the dio after this thread's wait ends and iomap_dio_complete() returns,
 * so it need not outlive iomap_dio_rw(). The kernel kmalloc()s it; here a
 * calloc() (which glibc serves without its thread cache) and the free were
 * a fifth of a 4 KiB simfs read's instructions. The allocation's fault
 * point (FAULT_META_ALLOC) is still taken either way. wait_for_completion
 * may only become true later (-ENOTBLK, IOMAP_DIO_PARTIAL), never false.
 */
static struct iomap_dio *__iomap_dio_rw(struct kiocb *iocb, struct iov_iter *iter,
					const struct iomap_ops *ops,
					const struct iomap_dio_ops *dops,
					unsigned int dio_flags, size_t done_before,
					struct iomap_dio *stack_dio)
{
	struct inode *inode = iomap_dio_inode(iocb);
	size_t count = iov_iter_count(iter);
	loff_t pos = iocb->ki_pos, end = pos + (loff_t)count;
	bool wait_for_completion = is_sync_kiocb(iocb) || (dio_flags & IOMAP_DIO_FORCE_WAIT);
	unsigned int flags = IOMAP_DIRECT;
	struct iomap_dio *dio;
	int ret;

	if (!count)
		return NULL;
	if (should_fail_alloc(FAULT_META_ALLOC))
		return ERR_PTR(-ENOMEM);
	if (wait_for_completion) {
		dio = stack_dio;
		memset(dio, 0, sizeof(*dio));
		dio->on_stack = true;
	} else {
		dio = calloc(1, sizeof(*dio));
		if (!dio)
			return ERR_PTR(-ENOMEM);
	}
	dio->iocb = iocb;
	atomic_set(&dio->ref, 1);
	dio->i_size = i_size_read(inode);
	dio->dops = dops;
	dio->done_before = done_before;
	dio->iter = iter;
	dio->wait_state = DIO_RUNNING;

	if (iocb->ki_flags & IOCB_NOWAIT)
		flags |= IOMAP_NOWAIT;

	if (iov_iter_rw(iter) == READ) {
		if (pos >= dio->i_size)
			goto out_free_dio;
		if (user_backed_iter(iter))
			dio->flags |= IOMAP_DIO_DIRTY;
		ret = iomap_dio_write_and_wait(iocb, count);
		if (ret)
			goto out_free_dio_ret;
	} else {
		flags |= IOMAP_WRITE;
		dio->flags |= IOMAP_DIO_WRITE;
		/*
		 * Drop the cached pages of the range; if that fails let the
		 * caller fall back to buffered I/O.
		 */
		ret = iomap_dio_invalidate(iocb, pos, count);
		if (ret) {
			if (ret != -EAGAIN)
				ret = -ENOTBLK;
			goto out_free_dio_ret;
		}
	}

	inode_dio_begin(inode);

	ret = iomap_dio_walk(dio, inode, ops, &pos, end, flags);

	/* Only what lies below i_size was read: hand the rest back (splice relies on it). */
	if (iov_iter_rw(iter) == READ && pos >= dio->i_size)
		iov_iter_revert(iter, (size_t)(pos - dio->i_size));

	if (ret == -EFAULT && dio->size && (dio_flags & IOMAP_DIO_PARTIAL)) {
		if (!(iocb->ki_flags & IOCB_NOWAIT))
			wait_for_completion = true;
		ret = 0;
	}
	/* The fallback signal: what was done is returned, the caller does the rest buffered. */
	if (ret == -ENOTBLK) {
		wait_for_completion = true;
		ret = 0;
	}
	if (ret < 0)
		iomap_dio_set_error(dio, ret);

	dio->wait_for_completion = wait_for_completion;
	dio->iter = NULL;
	if (!atomic_dec_and_test(&dio->ref)) {
		if (!wait_for_completion)
			return ERR_PTR(-EIOCBQUEUED);
		iomap_dio_wait(dio);
	}
	return dio;

out_free_dio_ret:
	iomap_dio_free(dio);
	return ERR_PTR(ret);
out_free_dio:
	iomap_dio_free(dio);
	return NULL;
}

/**
 * iomap_dio_rw() - direct I/O on a file through the filesystem's extents.
 * @iocb: position, flags; ki_complete set for async (it is called once,
 *	possibly on a DMA thread, with the result when -EIOCBQUEUED is returned).
 * @iter: user (pinned) or kernel (KVEC/BVEC, neither pinned nor reffed) memory.
 * @ops: iomap_begin/iomap_end of the filesystem.
 * @dops: end_io (unwritten conversion, i_size update), or NULL.
 * @dio_flags: IOMAP_DIO_FORCE_WAIT, IOMAP_DIO_PARTIAL.
 * @private: unused (the kernel hands it to iomap_iter).
 * @done_before: bytes already done by the caller, added to a positive result.
 *
 * Return: bytes done (+ @done_before); 0 for nothing (a read at or past
 * i_size, or a fallback before any byte); -EIOCBQUEUED; -ENOTBLK when the
 * page cache could not be invalidated (fall back to buffered I/O);
 * -EINVAL (misaligned), -EFAULT, -EIO, -ENOMEM, -EAGAIN (NOWAIT) or the
 * filesystem's error. A write into a hole is -EIO (WARN): filesystems
 * allocate in iomap_begin.
 */
ssize_t iomap_dio_rw(struct kiocb *iocb, struct iov_iter *iter, const struct iomap_ops *ops,
		     const struct iomap_dio_ops *dops, unsigned int dio_flags, void *private,
		     size_t done_before)
{
	struct iomap_dio stack_dio, *dio;

	(void)private;
	dio = __iomap_dio_rw(iocb, iter, ops, dops, dio_flags, done_before, &stack_dio);
	if (IS_ERR_OR_NULL(dio))
		return dio ? PTR_ERR(dio) : 0;
	return iomap_dio_complete(dio);
}
