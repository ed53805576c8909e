// SPDX-License-Identifier: GPL-2.0
/*
 * fs/direct-io-bio.c - the bio half of the legacy direct-I/O engine
 * (fs/direct-io.c in the kernel, v6.5): opening a bio flagged for its
 * cleanup mode (BIO_PAGE_PINNED, or BIO_PAGE_REFFED / no flag under the
 * v21 and v6.4 profiles), submitting it (an async read's pages dirtied
 * first), completing it (sync: queued for the submitter; async: released
 * at once, the last one completes the request), reaping every 64 bios,
 * and dio_complete(). Also the engine's counters and the INV-14 holder
 * view that tests hook into.
 *
 * The walk over the file and the page queue are in fs/direct-io.c; what
 * the two share is fs/direct-io.h. Deviations as there: the bio_lock is a
 * mutex with a condition variable; deferred completion runs on a fresh
 * thread instead of s_dio_done_wq.
 */
#include <errno.h>
#include <pthread.h>
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

struct dio_test_knobs dio_test_knobs;

atomic_long_t dio_st_bios, dio_st_reaps, dio_st_zero_subst, dio_st_zero_chunks, dio_st_cleanups;
long dio_st_last_ddio, dio_st_last_page_errors;

/**
 * dio_stats_read() - read the legacy direct-I/O engine's counters.
 * @s: filled in.
 *
 * Counts since the program started, never reset: bios submitted, reap
 * passes that collected bios, ZERO_PAGE substitutions after a fault
 * (R-DIO-2), dio_zero_block() sections (R-DIO-5) and dio_cleanup() calls.
 * Also do_direct_IO()'s result and the page-error count of the most
 * recent request, whichever thread ran it. Each field is read on its
 * own, so the set is not a snapshot while I/O runs.
 *
 * Context: any thread; lock-free.
 */
void dio_stats_read(struct dio_stats *s)
{
	s->bios = (unsigned long)atomic_long_read(&dio_st_bios);
	s->reaps = (unsigned long)atomic_long_read(&dio_st_reaps);
	s->zero_substitutions = (unsigned long)atomic_long_read(&dio_st_zero_subst);
	s->zero_block_chunks = (unsigned long)atomic_long_read(&dio_st_zero_chunks);
	s->cleanups = (unsigned long)atomic_long_read(&dio_st_cleanups);
	s->last_do_direct_io = __atomic_load_n(&dio_st_last_ddio, __ATOMIC_RELAXED);
	s->last_page_errors = __atomic_load_n(&dio_st_last_page_errors, __ATOMIC_RELAXED);
}

/* ---- INV-14 holder view ---------------------------------------------------- */

static long bio_entries_of(const struct bio *bio, const struct page *page)
{
	struct bvec_iter_all iter_all;
	struct bio_vec *bvec;
	long n = 0;

	if (!bio)
		return 0;
	bio_for_each_segment_all(bvec, bio, iter_all)
		n += bvec->bv_page == page;
	return n;
}

/**
 * dio_holders_expected() - pins INV-14 says a page must hold right now.
 * @h: the holders of one request at one checkpoint, as given to
 *	dio_test_knobs.holders_hook.
 * @page: a page of the request's user buffer.
 *
 * One pin per appearance of @page among the holders: each queue entry
 * not yet consumed, the page do_direct_IO() is working on, the current
 * page, and each page entry of the open bio and of the submitted bios not
 * yet released. Zero for a zero page (pins on it are not counted) and for
 * a request that does not pin (a kernel iterator, or the v6.4 profile's
 * references). A test compares it with the page's actual pin count.
 *
 * Context: the hook, on the submitting thread; the caller keeps the bios
 * in @h from being released meanwhile.
 * Return: the expected pin count.
 */
long dio_holders_expected(const struct dio_holders *h, const struct page *page)
{
	long n = 0;
	unsigned int i;

	if (is_zero_page(page) || !h->is_pinned)
		return 0;
	for (i = h->head; i < h->tail; i++)
		n += h->queue[i] == page;
	n += h->working == page;
	n += h->cur_page == page;
	n += bio_entries_of(h->open_bio, page);
	for (i = 0; i < h->nr_inflight; i++)
		n += bio_entries_of(h->inflight[i], page);
	return n;
}

/**
 * dio_holders_check() - hand the INV-14 holders of this moment to the
 * test hook (dio_test_knobs.holders_hook), if one is set.
 * @dio: the request.
 * @sdio: its submission state.
 * @where: names the point in do_direct_IO().
 *
 * Context: takes dio->bio_lock.
 */
void dio_holders_check(struct dio *dio, struct dio_submit *sdio, const char *where)
{
	struct dio_holders h;

	if (!dio_test_knobs.holders_hook)
		return;
	pthread_mutex_lock(&dio->bio_lock);
	h = (struct dio_holders){
		.where = where,
		.is_pinned = dio->hold == DIO_HOLD_PIN && dio->is_pinned,
		.queue = dio->pages,
		.head = sdio->head,
		.tail = sdio->tail,
		.working = sdio->working,
		.cur_page = sdio->cur_page,
		.open_bio = sdio->bio,
		.inflight = (const struct bio *const *)dio->dbg_bios,
		.nr_inflight = dio->dbg_nr,
	};
	dio_test_knobs.holders_hook(&h, dio_test_knobs.holders_arg);
	pthread_mutex_unlock(&dio->bio_lock);
}

/* Under bio_lock. Tracking failures only weaken the test view. */
static void dio_dbg_track(struct dio *dio, struct bio *bio)
{
	if (!dio_test_knobs.holders_hook)
		return;
	if (dio->dbg_nr == dio->dbg_cap) {
		unsigned int cap = dio->dbg_cap ? dio->dbg_cap * 2 : 16;
		struct bio **n = realloc(dio->dbg_bios, cap * sizeof(*n));

		if (!n)
			return;
		dio->dbg_bios = n;
		dio->dbg_cap = cap;
	}
	dio->dbg_bios[dio->dbg_nr++] = bio;
}

static void dio_dbg_untrack(struct dio *dio, struct bio *bio)
{
	unsigned int i;

	pthread_mutex_lock(&dio->bio_lock);
	for (i = 0; i < dio->dbg_nr; i++) {
		if (dio->dbg_bios[i] == bio) {
			dio->dbg_bios[i] = dio->dbg_bios[--dio->dbg_nr];
			break;
		}
	}
	pthread_mutex_unlock(&dio->bio_lock);
}

/* ---- holder operations: one pin (or reference) per holder ------------------- */

/* ---- bios (R-DIO-6) ------------------------------------------------------------------ */

static void dio_bio_end_aio(struct bio *bio);
static void dio_bio_end_io(struct bio *bio);

/**
 * dio_bio_alloc() - open sdio->bio for the request.
 * @dio: the request (its profile decides the cleanup flag).
 * @sdio: submission state; sdio->bio and logical_offset_in_bio are set.
 * @bdev: the device.
 * @first_sector: where the bio starts.
 * @nr_vecs: room for this many pages.
 *
 * Return: 0 or -ENOMEM.
 */
int dio_bio_alloc(struct dio *dio, struct dio_submit *sdio, struct block_device *bdev,
		  sector_t first_sector, int nr_vecs)
{
	struct bio *bio = bio_alloc(bdev, (unsigned short)nr_vecs, dio->opf, 0);

	if (!bio)
		return -ENOMEM;
	bio->bi_iter.bi_sector = first_sector;
	bio->bi_end_io = dio->is_async ? dio_bio_end_aio : dio_bio_end_io;
	switch (sim_profile()) {
	case SIM_PROFILE_V6_4:
		break;			/* no BIO_NO_PAGE_REF: completion puts */
	case SIM_PROFILE_V21:
		bio_set_flag(bio, BIO_PAGE_REFFED);	/* "for now require references" */
		break;
	default:
		if (dio->is_pinned)
			bio_set_flag(bio, BIO_PAGE_PINNED);
		break;
	}
	sdio->bio = bio;
	sdio->logical_offset_in_bio = sdio->cur_page_fs_offset;
	return 0;
}

/**
 * dio_bio_submit() - submit sdio->bio: one more bio in flight; an async
 * read into user memory has its pages dirtied first (R-DIO-6).
 * @dio: the request.
 * @sdio: submission state; sdio->bio is handed over and cleared.
 */
void dio_bio_submit(struct dio *dio, struct dio_submit *sdio)
{
	struct bio *bio = sdio->bio;

	bio->bi_private = dio;
	pthread_mutex_lock(&dio->bio_lock);
	dio->refcount++;
	dio_dbg_track(dio, bio);
	pthread_mutex_unlock(&dio->bio_lock);

	/* Dirty before the I/O: completion may run where dirtying is not allowed. */
	if (dio->is_async && bio_op_of(dio->opf) == REQ_OP_READ && dio->should_dirty)
		bio_set_pages_dirty(bio);

	atomic_long_inc(&dio_st_bios);
	sdio->bio = NULL;
	sdio->boundary = 0;
	sdio->logical_offset_in_bio = 0;
	submit_bio(bio);
}

/*
 * dio_bio_complete() - account one finished bio and give back its pages:
 * async reads into user memory by bio_check_pages_dirty() (which takes the
 * bio), everything else by bio_release_pages(bio, dirty) + bio_put().
 */
static blk_status_t dio_bio_complete(struct dio *dio, struct bio *bio)
{
	blk_status_t err = bio->bi_status;
	bool should_dirty = bio_op_of(dio->opf) == REQ_OP_READ && dio->should_dirty;

	if (err) {
		if (err == BLK_STS_AGAIN && (bio->bi_opf & REQ_NOWAIT))
			dio->io_error = -EAGAIN;
		else
			dio->io_error = -EIO;
	}
	dio_dbg_untrack(dio, bio);
	if (dio->is_async && should_dirty) {
		bio_check_pages_dirty(bio);
	} else {
		bio_release_pages(bio, should_dirty);
		bio_put(bio);
	}
	return err;
}

/* Sync completion: queue the bio for the submitter to reap, wake it. */
static void dio_bio_end_io(struct bio *bio)
{
	struct dio *dio = bio->bi_private;

	pthread_mutex_lock(&dio->bio_lock);
	bio->bi_private = dio->bio_list;
	dio->bio_list = bio;
	if (--dio->refcount == 1 && dio->waiting)
		pthread_cond_signal(&dio->wait);
	pthread_mutex_unlock(&dio->bio_lock);
}

static void dio_aio_complete_work(void *arg)
{
	dio_complete(arg, 0, DIO_COMPLETE_ASYNC | DIO_COMPLETE_INVALIDATE);
}

struct dio_work {
	void (*fn)(void *arg);
	void *arg;
};

static void *dio_work_thread(void *p)
{
	struct dio_work w = *(struct dio_work *)p;

	free(p);
	w.fn(w.arg);
	return NULL;
}

/**
 * dio_defer_work() - run a completion step in process context.
 * @fn: the work: the end of an asynchronous request's completion, which
 *	may sleep (dio_complete() with cache invalidation after a write,
 *	iomap_dio_complete() and ->ki_complete).
 * @arg: passed to @fn.
 *
 * Starts a new detached thread for @fn, standing in for the superblock's
 * s_dio_done_wq, so a device's completion thread never blocks on it. If
 * no thread can be started, @fn runs inline on the caller instead: the
 * work is never lost, but then it runs in the caller's context. Shared by
 * both direct-I/O engines.
 *
 * Context: any thread, including a device completion thread.
 */
void dio_defer_work(void (*fn)(void *arg), void *arg)
{
	struct dio_work *w = malloc(sizeof(*w));
	pthread_attr_t attr;
	pthread_t t;
	int err = -1;

	if (w) {
		w->fn = fn;
		w->arg = arg;
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		err = pthread_create(&t, &attr, dio_work_thread, w);
		pthread_attr_destroy(&attr);
	}
	if (err) {
		free(w);
		fn(arg);
	}
}

/* Async completion: release now; the last bio completes the request. */
static void dio_bio_end_aio(struct bio *bio)
{
	struct dio *dio = bio->bi_private;
	unsigned long remaining;

	dio_bio_complete(dio, bio);

	pthread_mutex_lock(&dio->bio_lock);
	remaining = --dio->refcount;
	if (remaining == 1 && dio->waiting)
		pthread_cond_signal(&dio->wait);
	pthread_mutex_unlock(&dio->bio_lock);

	if (remaining == 0) {
		/*
		 * O_DSYNC, or a write over cached pages to invalidate: complete
		 * in process context (the kernel's s_dio_done_wq).
		 */
		if (dio->result && (dio->defer_completion ||
				    (bio_op_of(dio->opf) == REQ_OP_WRITE &&
				     dio->inode->i_mapping && dio->inode->i_mapping->nrpages)))
			dio_defer_work(dio_aio_complete_work, dio);
		else
			dio_complete(dio, 0, DIO_COMPLETE_ASYNC | DIO_COMPLETE_INVALIDATE);
	}
}

/* Wait for one completed bio (sync), or NULL once none is in flight. */
static struct bio *dio_await_one(struct dio *dio)
{
	struct bio *bio = NULL;

	pthread_mutex_lock(&dio->bio_lock);
	while (dio->refcount > 1 && dio->bio_list == NULL) {
		dio->waiting = true;
		pthread_cond_wait(&dio->wait, &dio->bio_lock);
		dio->waiting = false;
	}
	if (dio->bio_list) {
		bio = dio->bio_list;
		dio->bio_list = bio->bi_private;
	}
	pthread_mutex_unlock(&dio->bio_lock);
	return bio;
}

/**
 * dio_await_completion() - wait for every bio of a sync request and
 * complete (unpin and put) each.
 * @dio: the request.
 */
void dio_await_completion(struct dio *dio)
{
	struct bio *bio;

	do {
		bio = dio_await_one(dio);
		if (bio)
			dio_bio_complete(dio, bio);
	} while (bio);
}

/**
 * dio_bio_reap() - every 64 bios, complete the sync bios that finished, which
 * bounds the memory pinned by one request.
 * @dio: the request.
 * @sdio: submission state (its reap counter).
 *
 * Return: 0 or the first bio's -errno.
 */
int dio_bio_reap(struct dio *dio, struct dio_submit *sdio)
{
	int ret = 0;

	if (sdio->reap_counter++ >= 64) {
		bool reaped = false;

		for (;;) {
			struct bio *bio;
			int ret2;

			pthread_mutex_lock(&dio->bio_lock);
			bio = dio->bio_list;
			if (bio)
				dio->bio_list = bio->bi_private;
			pthread_mutex_unlock(&dio->bio_lock);
			if (!bio)
				break;
			reaped = true;
			ret2 = blk_status_to_errno(dio_bio_complete(dio, bio));
			if (ret == 0)
				ret = ret2;
		}
		if (reaped)
			atomic_long_inc(&dio_st_reaps);
		sdio->reap_counter = 0;
	}
	return ret;
}

/**
 * dio_free() - tear a request down: its INV-14 bio list, its lock and
 * condition variable, and its memory unless it is in the submitter's
 * frame (@dio->on_stack).
 * @dio: the request; not touched afterwards.
 */
void dio_free(struct dio *dio)
{
	free(dio->dbg_bios);
	pthread_cond_destroy(&dio->wait);
	pthread_mutex_destroy(&dio->bio_lock);
	if (!dio->on_stack)
		free(dio);
}

/**
 * dio_complete() - the request is over: the result (clipped to i_size for
 * reads; page_errors, then io_error take precedence), the filesystem's
 * end_io, invalidation after a write, inode_dio_end(), and for async
 * requests ki_pos and ki_complete().
 * @dio: the request; freed here.
 * @ret: the submitter's result so far (-EIOCBQUEUED counts as 0).
 * @flags: DIO_COMPLETE_ASYNC, DIO_COMPLETE_INVALIDATE.
 *
 * Return: bytes done or -errno.
 */
ssize_t dio_complete(struct dio *dio, ssize_t ret, unsigned int flags)
{
	const enum req_op dio_op = bio_op_of(dio->opf);
	struct kiocb *iocb = dio->iocb;
	loff_t offset = iocb->ki_pos;
	ssize_t transferred = 0;
	int err;

	if (ret == -EIOCBQUEUED)
		ret = 0;
	if (dio->result) {
		transferred = dio->result;
		if (dio_op == REQ_OP_READ && offset + transferred > dio->i_size)
			transferred = dio->i_size - offset;
		/* A fault after some I/O is a short count, not an error. */
		if (unlikely(ret == -EFAULT) && transferred)
			ret = 0;
	}
	if (ret == 0)
		ret = dio->page_errors;
	if (ret == 0)
		ret = dio->io_error;
	if (ret == 0)
		ret = transferred;

	if (dio->end_io) {
		err = dio->end_io(iocb, offset, ret, dio->private);
		if (err)
			ret = err;
	}

	/* After end_io, which may convert unwritten extents. Failure is ignored. */
	if ((flags & DIO_COMPLETE_INVALIDATE) && ret > 0 && dio_op == REQ_OP_WRITE &&
	    iocb->ki_filp && iocb->ki_filp->f_mapping && iocb->ki_filp->f_mapping->nrpages)
		(void)invalidate_inode_pages2_range(iocb->ki_filp->f_mapping,
						    (pgoff_t)(offset >> PAGE_SHIFT),
						    (pgoff_t)((offset + ret - 1) >> PAGE_SHIFT));

	inode_dio_end(dio->inode);

	__atomic_store_n(&dio_st_last_page_errors, dio->page_errors, __ATOMIC_RELAXED);
	if (flags & DIO_COMPLETE_ASYNC) {
		iocb->ki_pos += transferred;
		dio_free(dio);
		iocb->ki_complete(iocb, ret);
		return ret;
	}
	dio_free(dio);
	return ret;
}
