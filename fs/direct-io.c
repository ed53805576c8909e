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

#include "fs/dio_internal.h"

/* How many user pages the queue holds (fs/direct-io.c). */
#define DIO_PAGES	64

/* dio_complete() flags */
#define DIO_COMPLETE_ASYNC	0x01	/* the kiocb is completed here */
#define DIO_COMPLETE_INVALIDATE	0x02	/* invalidate cached pages after a write */

/* How holders hold a page in this request. */
enum dio_hold {
	DIO_HOLD_PIN,	/* v6.5: extraction pins + folio_add_pin (if is_pinned) */
	DIO_HOLD_REF,	/* v6.4 / v21: FOLL_GET + get_page/put_page */
};

/**
 * struct dio_submit - the submission state, on the submitter's stack.
 * @bio: the bio being built.
 * @blkbits: log2 of the I/O block (the fs block, or the device's logical
 *	block when the request is aligned only to that).
 * @blkfactor: fs block bits - @blkbits (> 0: sub-block I/O).
 * @start_zero_done: dio_zero_block(start) has run.
 * @pages_in_io: pages the request may still add (bio sizing).
 * @block_in_file: the next @blkbits block of the file to do.
 * @blocks_available: mapped blocks left from the last get_block.
 * @reap_counter: bios since the last reap.
 * @final_block_in_request: one past the last block of the request.
 * @boundary: the mapping said "submit at the end of this extent".
 * @get_block: the filesystem's mapper.
 * @logical_offset_in_bio: file offset of the bio's first byte.
 * @final_block_in_bio: the disk block after the bio's last.
 * @next_block_for_io: the next disk block (in @blkbits units).
 * @cur_page, @cur_page_offset, @cur_page_len, @cur_page_block,
 * @cur_page_fs_offset: the pending page section (holds one pin).
 * @iter: the user's iterator.
 * @head, @tail: dio->pages[head..tail) are queued (one pin each).
 * @from, @to: data offset in the first queued page, end in the last.
 * @working: the page do_direct_IO() took off the queue (INV-14 view).
 */
struct dio_submit {
	struct bio *bio;
	unsigned int blkbits;
	unsigned int blkfactor;
	unsigned int start_zero_done;
	int pages_in_io;
	sector_t block_in_file;
	unsigned int blocks_available;
	int reap_counter;
	sector_t final_block_in_request;
	int boundary;
	get_block_t *get_block;
	loff_t logical_offset_in_bio;
	sector_t final_block_in_bio;
	sector_t next_block_for_io;
	struct page *cur_page;
	unsigned int cur_page_offset;
	unsigned int cur_page_len;
	sector_t cur_page_block;
	loff_t cur_page_fs_offset;
	struct iov_iter *iter;
	unsigned int head;
	unsigned int tail;
	size_t from, to;
	struct page *working;
};

/**
 * struct dio - one request, shared with the bio completions.
 * @flags: DIO_LOCKING, DIO_SKIP_HOLES.
 * @opf: REQ_OP_READ or REQ_OP_WRITE | REQ_SYNC | REQ_IDLE (| REQ_NOWAIT).
 * @inode, @i_size: the file and its size at submission.
 * @end_io: the filesystem's completion, or NULL.
 * @is_pinned: iov_iter_extract_will_pin() (v6.5; holders pin).
 * @hold: DIO_HOLD_PIN or DIO_HOLD_REF (profile).
 * @private: from the buffer_head, for end_io.
 * @bio_lock, @wait: protect @refcount, @bio_list, @waiting.
 * @page_errors: the first extraction error (writes go on with zeros).
 * @is_async: completes through ki_complete().
 * @defer_completion: the filesystem asked for process-context completion.
 * @should_dirty: READ into user memory.
 * @io_error: -EIO / -EAGAIN from a failed bio.
 * @refcount: bios in flight + 1 for the submitter.
 * @bio_list: sync: completed bios waiting to be reaped.
 * @waiting: the sync submitter sleeps on @wait.
 * @iocb, @result: the request and the bytes done (holes included).
 * @pages: the page queue.
 * @dbg_bios, @dbg_nr, @dbg_cap: submitted, unreleased bios (INV-14 hook only).
 */
struct dio {
	int flags;
	blk_opf_t opf;
	struct inode *inode;
	loff_t i_size;
	dio_iodone_t *end_io;
	bool is_pinned;
	enum dio_hold hold;
	void *private;
	pthread_mutex_t bio_lock;
	pthread_cond_t wait;
	int page_errors;
	bool is_async;
	bool defer_completion;
	bool should_dirty;
	int io_error;
	unsigned long refcount;
	struct bio *bio_list;
	bool waiting;
	struct kiocb *iocb;
	ssize_t result;
	struct page *pages[DIO_PAGES];
	struct bio **dbg_bios;
	unsigned int dbg_nr, dbg_cap;
};

struct dio_test_knobs dio_test_knobs;

static atomic_long_t st_bios, st_reaps, st_zero_subst, st_zero_chunks, st_cleanups;
static long st_last_ddio, st_last_page_errors;

void dio_stats_read(struct dio_stats *s)
{
	s->bios = (unsigned long)atomic_long_read(&st_bios);
	s->reaps = (unsigned long)atomic_long_read(&st_reaps);
	s->zero_substitutions = (unsigned long)atomic_long_read(&st_zero_subst);
	s->zero_block_chunks = (unsigned long)atomic_long_read(&st_zero_chunks);
	s->cleanups = (unsigned long)atomic_long_read(&st_cleanups);
	s->last_do_direct_io = __atomic_load_n(&st_last_ddio, __ATOMIC_RELAXED);
	s->last_page_errors = __atomic_load_n(&st_last_page_errors, __ATOMIC_RELAXED);
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

static void dio_holders_check(struct dio *dio, struct dio_submit *sdio, const char *where)
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

/* A new holder of @page (cur_page, a bio entry): folio_add_pin() / get_page(). */
static inline void dio_pin_page(struct dio *dio, struct page *page)
{
	if (dio->hold == DIO_HOLD_REF)
		get_page(page);
	else if (dio->is_pinned)
		folio_add_pin(page_folio(page));
}

/* A holder of @page is done with it. */
static inline void dio_unpin_page(struct dio *dio, struct page *page)
{
	if (dio->hold == DIO_HOLD_REF)
		put_page(page);
	else if (dio->is_pinned)
		unpin_user_page(page);
}

/* ---- the page queue (R-DIO-2) -------------------------------------------------- */

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
		atomic_long_inc(&st_zero_subst);
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
	atomic_long_inc(&st_cleanups);
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

/* ---- bios (R-DIO-6) ------------------------------------------------------------------ */

static void dio_bio_end_aio(struct bio *bio);
static void dio_bio_end_io(struct bio *bio);

static int dio_bio_alloc(struct dio *dio, struct dio_submit *sdio, struct block_device *bdev,
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

static void dio_bio_submit(struct dio *dio, struct dio_submit *sdio)
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

	atomic_long_inc(&st_bios);
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

static ssize_t dio_complete(struct dio *dio, ssize_t ret, unsigned int flags);

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

/*
 * dio_defer_work() - run @fn(@arg) in "process context": a new detached
 * thread standing in for the superblock's s_dio_done_wq; inline if no
 * thread can be made (used by both engines).
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

static void dio_await_completion(struct dio *dio)
{
	struct bio *bio;

	do {
		bio = dio_await_one(dio);
		if (bio)
			dio_bio_complete(dio, bio);
	} while (bio);
}

/*
 * dio_bio_reap() - every 64 bios, complete what has finished so far, which
 * bounds the memory pinned by one request (sync bios only reach the list).
 */
static int dio_bio_reap(struct dio *dio, struct dio_submit *sdio)
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
			atomic_long_inc(&st_reaps);
		sdio->reap_counter = 0;
	}
	return ret;
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
	atomic_long_inc(&st_zero_chunks);
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

/*
 * dio_complete() - the request is over: the result (clipped to i_size for
 * reads; page_errors, then io_error take precedence), the filesystem's
 * end_io, invalidation after a write, inode_dio_end(), and for async
 * requests ki_pos and ki_complete(). Frees @dio.
 */
static ssize_t dio_complete(struct dio *dio, ssize_t ret, unsigned int flags)
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

	__atomic_store_n(&st_last_page_errors, dio->page_errors, __ATOMIC_RELAXED);
	if (flags & DIO_COMPLETE_ASYNC) {
		iocb->ki_pos += transferred;
		free(dio->dbg_bios);
		pthread_cond_destroy(&dio->wait);
		pthread_mutex_destroy(&dio->bio_lock);
		free(dio);
		iocb->ki_complete(iocb, ret);
		return ret;
	}
	free(dio->dbg_bios);
	pthread_cond_destroy(&dio->wait);
	pthread_mutex_destroy(&dio->bio_lock);
	free(dio);
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
	struct dio *dio;

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
	dio = calloc(1, sizeof(*dio));
	if (!dio)
		return -ENOMEM;
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
	__atomic_store_n(&st_last_ddio, (long)retval, __ATOMIC_RELAXED);
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
	pthread_cond_destroy(&dio->wait);
	pthread_mutex_destroy(&dio->bio_lock);
	free(dio);
	return retval;
}
