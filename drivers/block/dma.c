// SPDX-License-Identifier: GPL-2.0
/*
 * drivers/block/dma.c - the DMA engine the simulated disks share.
 *
 * There is no kernel twin: in the kernel each device's hardware does its
 * own DMA. Here one engine stands in for all of them, so that every
 * transfer into or out of simulated memory goes through one checker (I9,
 * scenarios.md §5.1): at submit it records, for every page the bio's
 * bi_iter covers, the frame's allocation generation; at transfer time it
 * refuses any page that was freed (PG_buddy on its head, or no reference
 * left), reused (another generation) or, for a read, is a zero page. A
 * refused page is reported with page_alloc_report_violation() and never
 * touched; the transfer stops there and the bio fails with BLK_STS_IOERR,
 * as a device behind an IOMMU aborts on a fault.
 *
 * Transfers run on 1..8 worker threads fed by one queue (default 2), or
 * inline in the submitter's context (0 threads); both complete through
 * bio_endio(). A device with a thread of its own (->rw_async) has its
 * plain reads and writes checked and handed over by the submitter, and
 * completes them on that thread. Delayed requests (device latency, SIM_IO_DELAY) wait on a
 * timer list in due order, so many can be in flight at once. The device
 * faults of scenarios.md F4-F7 are applied here, per disk and per fault
 * slot (the disk's own and a fault run's, enum dma_fault_slot). This file holds
 * the transfer, its checks, completion and submission; the queue and its
 * worker threads are in drivers/block/dma-engine.c.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pinio/trace.h>
#include "block/sim_tstat.h"
#include "drivers/block/dma-internal.h"
#include "mm/internal.h"



static const char *const dma_stat_names[NR_DMA_STATS] = {
	[DS_CHECKS] = "dma_checks",		[DS_VIOLATIONS] = "dma_violations",
	[DS_BYTES] = "dma_bytes",		[DS_REQUESTS] = "dma_requests",
	[DS_FLUSHES] = "dma_flushes",		[DS_FUA] = "dma_fua",
	[DS_FAULTS] = "dma_faults",		[DS_FDATASYNC] = "file_fdatasync",
	[DS_DSYNC_WRITES] = "file_dsync_writes",
	[DS_URING_SQES] = "file_uring_sqes",	[DS_URING_ENTERS] = "file_uring_enters",
	[DS_URING_DEPTH_SUM] = "file_uring_depth_sum",
	[DS_URING_WAITS] = "file_uring_waits",	[DS_URING_KICKS] = "file_uring_kicks",
	[DS_FAULTS_RUN] = "dma_faults_run",
	[DS_URING_OP_CHUNKS] = "file_uring_op_chunks",
};
/* Per-thread (block/sim_tstat.h): three of them move on every request. */
static struct sim_tstat dma_stats = SIM_TSTAT_INIT(dma_stats, NR_DMA_STATS);
static __thread long *dma_stats_this;

static inline void stat_add(enum dma_stat_item i, unsigned long n)
{
	sim_tstat_add(&dma_stats, &dma_stats_this, i, (long)n);
}

/**
 * dma_stat_add() - add @n to DMA counter @i (a driver's, by index).
 * @i: the counter.
 * @n: the amount.
 */
void dma_stat_add(enum dma_stat_item i, unsigned long n)
{
	stat_add(i, n);
}

/**
 * dma_count() - add to a DMA counter by its sim_dma_stat() name.
 * @name: the counter; an unknown name is ignored.
 * @n: the amount.
 */
void dma_count(const char *name, unsigned long n)
{
	unsigned int i;

	for (i = 0; i < NR_DMA_STATS; i++)
		if (!strcmp(dma_stat_names[i], name))
			stat_add(i, n);
}

/**
 * sim_dma_stat() - a DMA counter since the program started.
 * @name: see include/pinio/sim.h.
 *
 * Return: its value, 0 for an unknown name.
 */
unsigned long sim_dma_stat(const char *name)
{
	unsigned int i;

	for (i = 0; i < NR_DMA_STATS; i++)
		if (!strcmp(dma_stat_names[i], name))
			return (unsigned long)sim_tstat_read(&dma_stats, i);
	return 0;
}


/* ---- the transfer ------------------------------------------------------ */

static bool bio_moves_data(const struct bio *bio)
{
	switch (bio_op(bio)) {
	case REQ_OP_READ:
	case REQ_OP_WRITE:
	case REQ_OP_DRV_IN:
	case REQ_OP_DRV_OUT:
		return bio->bi_iter.bi_size != 0;
	default:
		return false;
	}
}

/*
 * I9 at transfer time: the frame is allocated (its head is not in the
 * buddy allocator and holds a reference), still in the allocation it had
 * at submit, and not a zero page we would write into.
 */
static const char *dma_page_refusal(const struct dma_snap *s, bool to_memory)
{
	struct page *page = s->page;
	struct folio *folio = page_folio(page);

	if (__atomic_load_n(&page->gen, __ATOMIC_ACQUIRE) != s->gen ||
	    test_bit(PG_buddy, &folio->flags) || folio_ref_count(folio) <= 0)
		return to_memory ? "DMA into freed or reused page (I9)"
				 : "DMA from freed or reused page (I9)";
	if (to_memory && (is_zero_page(page) || is_huge_zero_page(page)))
		return "DMA into a zero page (I9, INV-11)";
	return NULL;
}

/*
 * Check the snapshot pages in order and build the host iovecs of what may
 * move: up to the first refused page and at most rq->limit bytes.
 */
static void dma_map(struct dma_req *rq, bool to_memory)
{
	uint64_t budget = rq->limit;
	unsigned int i;

	rq->nr_iov = 0;
	rq->iov_bytes = 0;
	for (i = 0; i < rq->nr_pages && budget; i++) {
		struct dma_snap *s = &rq->snap[i];
		const char *why = dma_page_refusal(s, to_memory);
		char *base = (char *)page_address(s->page) + s->off;
		size_t len = (size_t)min_t(uint64_t, s->len, budget);
		struct iovec *prev = rq->nr_iov ? &rq->iov[rq->nr_iov - 1] : NULL;

		if (why) {
			stat_add(DS_VIOLATIONS, 1);
			page_alloc_report_violation(s->page, why);
			rq->violation = true;
			i++;
			break;
		}
		trace_page_event(page_to_pfn(s->page), PE_DMA_START, (long)rq->bio->bi_id);
		rq->nr_ok++;
		if (prev && (char *)prev->iov_base + prev->iov_len == base) {
			prev->iov_len += len;
		} else {
			rq->iov[rq->nr_iov].iov_base = base;
			rq->iov[rq->nr_iov].iov_len = len;
			rq->nr_iov++;
		}
		rq->iov_bytes += len;
		budget -= len;
	}
	/* The i pages looked at: one locked add per request, not per page. */
	if (i)
		stat_add(DS_CHECKS, i);
}

/*
 * A per-thread cache of one request with room for DMA_REQ_CACHE_PAGES
 * pages, so that the 4 KiB path allocates nothing (the kernel's blk-mq
 * preallocates its requests). A request is freed on the thread that
 * completes it: inline DMA frees on the submitter, so its cache always
 * hits; a worker keeps one in its own cache. The thread's cached request
 * is freed when the thread exits. Off under AddressSanitizer (PINIO_ASAN).
 */
#define DMA_REQ_CACHE_PAGES	16

static __thread struct dma_req *dma_req_cached;
static __thread bool dma_req_cache_armed;
static pthread_key_t dma_req_key;
static pthread_once_t dma_req_key_once = PTHREAD_ONCE_INIT;

static void dma_req_cache_exit(void *arg)
{
	free(dma_req_cached);
	dma_req_cached = NULL;
}

static void dma_req_key_init(void)
{
	pthread_key_create(&dma_req_key, dma_req_cache_exit);
}

static void dma_req_free(struct dma_req *rq)
{
	if (PINIO_ASAN || rq->cap != DMA_REQ_CACHE_PAGES || dma_req_cached) {
		free(rq);
		return;
	}
	if (unlikely(!dma_req_cache_armed)) {
		/* The key's destructor frees the cache at thread exit. */
		pthread_once(&dma_req_key_once, dma_req_key_init);
		pthread_setspecific(dma_req_key, &dma_req_cached);
		dma_req_cache_armed = true;
	}
	dma_req_cached = rq;
}

static void dma_finish(struct dma_req *rq, ssize_t res)
{
	struct bio *bio = rq->bio;
	struct gendisk *disk = rq->disk;
	blk_status_t status = BLK_STS_OK;
	unsigned int i;
	long *stat;

	if (res < 0)
		status = errno_to_blk_status((int)res);
	else if ((uint64_t)res != rq->iov_bytes)
		status = BLK_STS_IOERR;
	stat = sim_tstat_this(&dma_stats, &dma_stats_this);
	if (res > 0)
		sim_tstat_bump(stat, DS_BYTES, res);
	sim_tstat_bump(stat, DS_REQUESTS, 1);
	if (status == BLK_STS_OK && rq->violation)
		status = BLK_STS_IOERR;
	if (status == BLK_STS_OK && rq->error)
		status = errno_to_blk_status(rq->error);
	for (i = 0; i < rq->nr_ok; i++)
		trace_page_event(page_to_pfn(rq->snap[i].page), PE_DMA_END, (long)bio->bi_id);
	dma_req_free(rq);
	if (status != BLK_STS_OK)
		bio->bi_status = status;
	bio_endio(bio);
	atomic_long_dec(&dma_eng_active);
	disk_io_done(disk);
}

/**
 * dma_xfer_done() - an asynchronous transfer ended.
 * @rq: the request passed to ->rw_async.
 * @res: bytes moved, or -errno.
 *
 * Completes the bio. Context: any thread (a backend's completion thread).
 */
void dma_xfer_done(struct dma_req *rq, ssize_t res)
{
	dma_finish(rq, res);
}

/**
 * dma_req_dev() - the device of a request.
 * @rq: the request.
 *
 * Return: its dma_dev.
 */
struct dma_dev *dma_req_dev(const struct dma_req *rq)
{
	return rq->dd;
}

/**
 * dma_run() - run one request: transfer (or flush, discard) and complete it.
 * @rq: a due request from dma_queue(), on a worker or inline; owned by
 *	the caller until it is completed.
 *
 * A request an injected SIM_IO_FAIL marked completes at once with its
 * error, moving nothing. Otherwise a REQ_PREFLUSH or REQ_OP_FLUSH flushes
 * first; a discard or write-zeroes goes to ->discard; a read or write has
 * its pages checked again (I9, dma_map(): up to the first refused page and
 * at most @rq->limit bytes) and moves through ->rw, or is started through
 * ->rw_async, which completes it later with dma_xfer_done(). Every path
 * ends in dma_finish(): bio_endio() exactly once, the request freed or
 * cached.
 *
 * Context: a DMA worker, or the submitter in inline mode; not under any
 * engine lock.
 */
void dma_run(struct dma_req *rq)
{
	struct dma_dev *dd = rq->dd;
	const struct dma_ops *ops = dd->ops;
	struct bio *bio = rq->bio;
	blk_opf_t opf = bio->bi_opf;
	enum req_op op = bio_op(bio);
	uint64_t pos = rq->iter.bi_sector << SECTOR_SHIFT;
	bool write = op_is_write(opf);
	ssize_t res = 0;
	int err;

	if (rq->fail) {
		dma_finish(rq, 0);
		return;
	}
	if ((opf & REQ_PREFLUSH) || op == REQ_OP_FLUSH) {
		stat_add(DS_FLUSHES, 1);
		err = ops->flush ? ops->flush(dd) : 0;
		if (err) {
			dma_finish(rq, err);
			return;
		}
	}
	switch (op) {
	case REQ_OP_DISCARD:
	case REQ_OP_WRITE_ZEROES:
		if (ops->discard)
			res = ops->discard(dd, pos, rq->iter.bi_size, op == REQ_OP_WRITE_ZEROES);
		dma_finish(rq, res);
		return;
	case REQ_OP_READ:
	case REQ_OP_WRITE:
	case REQ_OP_DRV_IN:
	case REQ_OP_DRV_OUT:
		break;
	default:
		dma_finish(rq, 0);
		return;
	}
	dma_map(rq, !write);
	if (!ops->rw && !ops->rw_async)
		rq->iov_bytes = 0;	/* checked, but a null device moves nothing */
	if (!rq->iov_bytes) {
		dma_finish(rq, 0);
		return;
	}
	if (write && (opf & REQ_FUA))
		stat_add(DS_FUA, 1);
	if (ops->rw_async) {
		err = ops->rw_async(dd, rq, write, rq->iov, rq->nr_iov, pos, opf);
		if (err)
			dma_finish(rq, err);
		return;
	}
	res = ops->rw(dd, write, rq->iov, rq->nr_iov, pos, opf);
	dma_finish(rq, res);
}

/* ---- submission ------------------------------------------------------------ */

/*
 * What the armed faults do to one bio: the union of the slots that hit it
 * (enum dma_fault_slot in drivers/block/dma.h), taken in slot order.
 */
struct dma_fault_hit {
	unsigned int flags;	/* every hitting slot's SIM_IO_* */
	int submit_error;	/* SIM_IO_FAIL_SUBMIT: the first such slot's error */
	int error;		/* completion error: the first slot that fails the bio */
	uint64_t limit;		/* bytes that may move: the smallest cut (partial, bad sector) */
	uint64_t delay_ns;	/* SIM_IO_DELAY: the slots' delays added */
	unsigned int depth;	/* SIM_IO_REORDER: the first such slot's depth */
};

/* 0..@max, a mix of @n: repeatable for the same sequence of bios. */
static uint64_t dma_jitter(uint64_t n, uint64_t max)
{
	n = (n + 1) * 0x9e3779b97f4a7c15ULL;
	n ^= n >> 29;
	n *= 0xbf58476d1ce4e5b9ULL;
	n ^= n >> 32;
	return n % (max + 1);
}

/*
 * Count @bio against the fault of @slot and, if it hits, add what it does
 * to @hit. A fault for the nth bio only is spent (disarmed) once it hits;
 * each slot counts its own bios. dd->lock held.
 */
static void dma_fault_take_slot(struct dma_dev *dd, unsigned int slot, const struct bio *bio,
				struct dma_fault_hit *hit)
{
	struct dma_fault_slot_state *st = &dd->fault[slot];
	const struct sim_io_fault *f = &st->f;
	int error = f->error ? f->error : -EIO;
	bool fails = f->flags & SIM_IO_FAIL;

	st->seen++;
	if (f->nth && st->seen != f->nth)
		return;
	hit->flags |= f->flags;
	if ((f->flags & SIM_IO_FAIL_SUBMIT) && !hit->submit_error)
		hit->submit_error = error;
	if (f->flags & SIM_IO_FAIL_SECTOR) {
		uint64_t start = bio->bi_iter.bi_sector;

		if (f->sector >= start && f->sector < start + (bio->bi_iter.bi_size >> SECTOR_SHIFT)) {
			hit->limit = min(hit->limit, (f->sector - start) << SECTOR_SHIFT);
			fails = true;
		}
	}
	if (f->flags & SIM_IO_PARTIAL) {
		hit->limit = min(hit->limit, f->bytes);
		fails = true;
	}
	if (fails && !hit->error)
		hit->error = error;
	if (f->flags & SIM_IO_DELAY) {
		hit->delay_ns += (uint64_t)f->delay_us * 1000;
		if (f->jitter_us)
			hit->delay_ns += dma_jitter(st->seen, f->jitter_us) * 1000;
	}
	if ((f->flags & SIM_IO_REORDER) && !hit->depth)
		hit->depth = f->depth;
	if (f->nth) {
		dd->fault_armed &= ~(1U << slot);
		dma_dev_sync_plain(dd);
	}
	stat_add(DS_FAULTS, 1);
	if (slot == DMA_FAULT_RUN)
		stat_add(DS_FAULTS_RUN, 1);
}

/* What the faults armed on @dd do to @bio; dd->lock held. */
static void dma_fault_take(struct dma_dev *dd, const struct bio *bio, struct dma_fault_hit *hit)
{
	unsigned int slot;

	memset(hit, 0, sizeof(*hit));
	hit->limit = UINT64_MAX;
	for (slot = 0; slot < DMA_NR_FAULT_SLOTS; slot++)
		if (dd->fault_armed & (1U << slot))
			dma_fault_take_slot(dd, slot, bio, hit);
}

/*
 * The one page of @bio's data when its iterator covers a single segment
 * (a part of one page of one bvec: the 4 KiB I/O), else NULL. What
 * bio_for_each_segment() would visit, without the two walks.
 */
static const struct bio_vec *dma_one_segment(const struct bio *bio, unsigned int *off)
{
	const struct bvec_iter *it = &bio->bi_iter;
	const struct bio_vec *bv;
	unsigned int start;

	if (it->bi_idx >= bio->bi_vcnt)
		return NULL;
	bv = &bio->bi_io_vec[it->bi_idx];
	if (it->bi_size > bv->bv_len - it->bi_bvec_done)
		return NULL;
	start = bv->bv_offset + it->bi_bvec_done;
	if ((start & (PAGE_SIZE - 1)) + it->bi_size > PAGE_SIZE)
		return NULL;
	*off = start;
	return bv;
}

static struct dma_req *dma_req_alloc(struct bio *bio)
{
	unsigned int nr = 0, i = 0, cap, off = 0;
	const struct bio_vec *one = NULL;
	struct dma_req *rq = NULL;
	struct bvec_iter iter;
	struct bio_vec bv;

	/* Pages the segment walk below will visit, counted per (multi-page) bvec. */
	if (bio_moves_data(bio)) {
		one = dma_one_segment(bio, &off);
		if (one)
			nr = 1;
		else
			bio_for_each_bvec(bv, bio, iter)
				nr += ((bv.bv_offset & (PAGE_SIZE - 1)) + bv.bv_len + PAGE_SIZE - 1) >>
				      PAGE_SHIFT;
	}
	if (nr <= DMA_REQ_CACHE_PAGES) {
		cap = DMA_REQ_CACHE_PAGES;
		rq = dma_req_cached;
		dma_req_cached = NULL;
	} else {
		cap = nr;
	}
	if (!rq)
		rq = malloc(sizeof(*rq) + cap * (sizeof(struct dma_snap) + sizeof(struct iovec)));
	if (!rq)
		return NULL;
	memset(rq, 0, sizeof(*rq));
	rq->nr_pages = nr;
	rq->cap = cap;
	rq->iov = (struct iovec *)&rq->snap[cap];
	if (one) {
		struct dma_snap *s = &rq->snap[0];

		s->page = one->bv_page + off / PAGE_SIZE;
		s->gen = __atomic_load_n(&s->page->gen, __ATOMIC_ACQUIRE);
		s->off = off % PAGE_SIZE;
		s->len = bio->bi_iter.bi_size;
	} else if (nr) {
		bio_for_each_segment(bv, bio, iter) {
			struct dma_snap *s;

			if (WARN_ON_ONCE(i == nr))	/* the count above is exact */
				break;
			s = &rq->snap[i++];
			s->page = bv.bv_page;
			s->gen = __atomic_load_n(&bv.bv_page->gen, __ATOMIC_ACQUIRE);
			s->off = bv.bv_offset;
			s->len = bv.bv_len;
		}
	}
	return rq;
}

/* Complete a bio the engine never queued. */
static void dma_fail_now(struct bio *bio, blk_status_t status)
{
	struct gendisk *disk = bio->bi_bdev->bd_disk;

	bio->bi_status = status;
	bio_endio(bio);
	disk_io_done(disk);
}

/* Fill a new request for @bio and count it active; due at once, no limit. */
static void dma_req_start(struct dma_req *rq, struct bio *bio, struct dma_dev *dd)
{
	atomic_long_inc(&dma_eng_active);
	rq->bio = bio;
	rq->dd = dd;
	rq->disk = bio->bi_bdev->bd_disk;
	rq->iter = bio->bi_iter;
	rq->limit = UINT64_MAX;
}

/**
 * dma_submit_bio() - the ->submit_bio of every simulated disk.
 * @bio: a bio submit_bio_noacct() checked, split and counted in flight.
 *
 * Applies the disk's faults (every armed slot: the union, enum
 * dma_fault_slot), snapshots the pages (no pin, no reference:
 * the bio's owner keeps them alive), and queues the transfer, runs it
 * inline, or holds it. The bio completes through bio_endio() exactly once.
 */
void dma_submit_bio(struct bio *bio)
{
	struct dma_dev *dd = bio->bi_bdev->bd_disk->private_data;
	struct dma_fault_hit hit;
	struct dma_req *rq;
	struct list_head release;
	sim_bio_hook_fn hook;
	void *hook_arg;
	uint64_t latency;

	if (__atomic_load_n(&dd->plain, __ATOMIC_ACQUIRE)) {
		/* No fault, latency or hook: nothing to read under dd->lock, nothing to apply. */
		rq = dma_req_alloc(bio);
		if (!rq) {
			dma_fail_now(bio, BLK_STS_RESOURCE);
			return;
		}
		dma_req_start(rq, bio, dd);
		dma_queue(rq);
		return;
	}
	INIT_LIST_HEAD(&release);
	pthread_mutex_lock(&dd->lock);
	hook = dd->hook;
	hook_arg = dd->hook_arg;
	latency = dd->latency_ns;
	dma_fault_take(dd, bio, &hit);
	pthread_mutex_unlock(&dd->lock);
	if (hook)
		hook(bio, hook_arg);

	if (hit.flags & SIM_IO_FAIL_SUBMIT) {
		dma_fail_now(bio, errno_to_blk_status(hit.submit_error));
		return;
	}
	rq = dma_req_alloc(bio);
	if (!rq) {
		dma_fail_now(bio, BLK_STS_RESOURCE);
		return;
	}
	dma_req_start(rq, bio, dd);
	/*
	 * due_ns 0 means due at once. Only a disk with a latency or a DELAY
	 * fault reads the clock: clock_gettime() costs ~50 ns in a VM guest,
	 * a tenth of a 4 KiB I/O.
	 */
	rq->due_ns = latency ? dma_now_ns() + latency : 0;
	rq->fail = hit.flags & SIM_IO_FAIL;
	rq->error = hit.error;
	rq->limit = hit.limit;
	if (hit.flags & SIM_IO_DELAY)
		rq->due_ns = (rq->due_ns ? rq->due_ns : dma_now_ns()) + hit.delay_ns;

	if (hit.flags & (SIM_IO_HOLD | SIM_IO_REORDER)) {
		pthread_mutex_lock(&dd->lock);
		list_add_tail(&rq->list, &dd->held);
		dd->nr_held++;
		atomic_long_inc(&dma_eng_held);
		dd->held_newest_first = (hit.flags & SIM_IO_REORDER) && !(hit.flags & SIM_IO_HOLD);
		if ((hit.flags & SIM_IO_REORDER) && !(hit.flags & SIM_IO_HOLD) &&
		    dd->nr_held >= hit.depth) {
			/* Newest first. */
			while (!list_empty(&dd->held)) {
				struct dma_req *r = list_entry(dd->held.prev, struct dma_req, list);

				list_del(&r->list);
				list_add_tail(&r->list, &release);
			}
			dd->nr_held = 0;
		}
		pthread_mutex_unlock(&dd->lock);
		dma_run_held(&release);
		return;
	}
	dma_queue(rq);
}
