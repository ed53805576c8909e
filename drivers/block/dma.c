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
 * bio_endio(). Delayed requests (device latency, SIM_IO_DELAY) wait on a
 * timer list in due order, so many can be in flight at once. The device
 * faults of scenarios.md F4-F7 are applied here, per disk.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pinio/trace.h>
#include "drivers/block/dma.h"
#include "mm/internal.h"

struct dma_snap {
	struct page *page;
	unsigned int gen;
	unsigned int off;
	unsigned int len;
};

/**
 * struct dma_req - one bio on its way through the engine.
 * @list: on the ready, delayed or a device's held list.
 * @bio: the bio (a split piece or a whole bio).
 * @dd: its device; @disk, for disk_io_done().
 * @iter: bio->bi_iter as submitted.
 * @due_ns: CLOCK_MONOTONIC time before which the transfer may not start;
 *	0: at once (no latency, no delay: the clock is not read).
 * @error: injected completion error (0: none).
 * @limit: bytes that may move (a partial or bad-sector fault).
 * @fail: SIM_IO_FAIL: move nothing.
 * @violation: a page was refused.
 * @nr_pages: snapshot entries; @nr_ok: those checked and (to be) touched.
 * @iov: host iovecs of the transfer, @nr_iov of them, @iov_bytes in all.
 */
struct dma_req {
	struct list_head list;
	struct bio *bio;
	struct dma_dev *dd;
	struct gendisk *disk;
	struct bvec_iter iter;
	uint64_t due_ns;
	int error;
	uint64_t limit;
	bool fail;
	bool violation;
	unsigned int nr_pages;
	unsigned int nr_ok;
	int nr_iov;
	uint64_t iov_bytes;
	struct iovec *iov;
	struct dma_snap snap[];
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct list_head ready;
	struct list_head delayed;	/* sorted by due_ns */
	unsigned int nthreads;		/* configured; 0 = inline */
	unsigned int running;		/* workers started */
	bool stopping;
	pthread_t tids[DMA_MAX_THREADS];
} eng = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.ready = LIST_HEAD_INIT(eng.ready),
	.delayed = LIST_HEAD_INIT(eng.delayed),
	.nthreads = DMA_DEFAULT_THREADS,
};
static pthread_once_t eng_once = PTHREAD_ONCE_INIT;
/* Serializes starting and stopping the workers, and nr_devs. */
static pthread_mutex_t eng_cfg_lock = PTHREAD_MUTEX_INITIALIZER;
static long nr_devs;		/* disks using the engine */
/* Requests accepted and not yet completed, held ones included. */
static atomic_long_t eng_active;
/* Requests a device holds (SIM_IO_HOLD, SIM_IO_REORDER). */
static atomic_long_t eng_held;

enum dma_stat_item {
	DS_CHECKS,
	DS_VIOLATIONS,
	DS_BYTES,
	DS_REQUESTS,
	DS_FLUSHES,
	DS_FUA,
	DS_FAULTS,
	DS_FDATASYNC,
	DS_DSYNC_WRITES,
	NR_DMA_STATS,
};

static const char *const dma_stat_names[NR_DMA_STATS] = {
	[DS_CHECKS] = "dma_checks",		[DS_VIOLATIONS] = "dma_violations",
	[DS_BYTES] = "dma_bytes",		[DS_REQUESTS] = "dma_requests",
	[DS_FLUSHES] = "dma_flushes",		[DS_FUA] = "dma_fua",
	[DS_FAULTS] = "dma_faults",		[DS_FDATASYNC] = "file_fdatasync",
	[DS_DSYNC_WRITES] = "file_dsync_writes",
};
static atomic_long_t dma_stats[NR_DMA_STATS];

static void stat_add(enum dma_stat_item i, unsigned long n)
{
	atomic_long_add((long)n, &dma_stats[i]);
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
			return (unsigned long)atomic_long_read(&dma_stats[i]);
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void sleep_until(uint64_t due)
{
	uint64_t now;
	struct timespec ts;

	if (!due)
		return;		/* due at once: no clock read (see dma_submit_bio()) */
	now = now_ns();
	if (due <= now)
		return;
	ts.tv_sec = (time_t)((due - now) / 1000000000ULL);
	ts.tv_nsec = (long)((due - now) % 1000000000ULL);
	while (nanosleep(&ts, &ts))
		;
}

static void eng_init_once(void)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&eng.cond, &attr);
	pthread_condattr_destroy(&attr);
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

		stat_add(DS_CHECKS, 1);
		if (why) {
			stat_add(DS_VIOLATIONS, 1);
			page_alloc_report_violation(s->page, why);
			rq->violation = true;
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
}

static void dma_finish(struct dma_req *rq, ssize_t res)
{
	struct bio *bio = rq->bio;
	struct gendisk *disk = rq->disk;
	blk_status_t status = BLK_STS_OK;
	unsigned int i;

	if (res < 0)
		status = errno_to_blk_status((int)res);
	else if ((uint64_t)res != rq->iov_bytes)
		status = BLK_STS_IOERR;
	if (res > 0)
		stat_add(DS_BYTES, (unsigned long)res);
	if (status == BLK_STS_OK && rq->violation)
		status = BLK_STS_IOERR;
	if (status == BLK_STS_OK && rq->error)
		status = errno_to_blk_status(rq->error);
	for (i = 0; i < rq->nr_ok; i++)
		trace_page_event(page_to_pfn(rq->snap[i].page), PE_DMA_END, (long)bio->bi_id);
	stat_add(DS_REQUESTS, 1);
	free(rq);
	if (status != BLK_STS_OK)
		bio->bi_status = status;
	bio_endio(bio);
	atomic_long_dec(&eng_active);
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

static void dma_run(struct dma_req *rq)
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

/* ---- the queue and its workers ---------------------------------------- */

static void *dma_worker(void *arg)
{
	pthread_mutex_lock(&eng.lock);
	for (;;) {
		struct dma_req *rq = NULL;

		if (!list_empty(&eng.ready)) {
			rq = list_first_entry(&eng.ready, struct dma_req, list);
		} else if (!list_empty(&eng.delayed)) {
			struct dma_req *first = list_first_entry(&eng.delayed, struct dma_req, list);

			if (first->due_ns <= now_ns()) {
				rq = first;
			} else {
				struct timespec ts = {
					.tv_sec = (time_t)(first->due_ns / 1000000000ULL),
					.tv_nsec = (long)(first->due_ns % 1000000000ULL),
				};

				pthread_cond_timedwait(&eng.cond, &eng.lock, &ts);
				continue;
			}
		} else if (eng.stopping) {
			break;
		} else {
			pthread_cond_wait(&eng.cond, &eng.lock);
			continue;
		}
		list_del(&rq->list);
		pthread_mutex_unlock(&eng.lock);
		dma_run(rq);
		pthread_mutex_lock(&eng.lock);
	}
	pthread_mutex_unlock(&eng.lock);
	return NULL;
}

/* Hand a request to the workers, or run it here in inline mode. */
static void dma_queue(struct dma_req *rq)
{
	struct dma_req *pos;

	pthread_once(&eng_once, eng_init_once);
	pthread_mutex_lock(&eng.lock);
	if (!eng.running) {
		pthread_mutex_unlock(&eng.lock);
		sleep_until(rq->due_ns);
		dma_run(rq);
		return;
	}
	if (!rq->due_ns || rq->due_ns <= now_ns()) {
		list_add_tail(&rq->list, &eng.ready);
	} else {
		list_for_each_entry(pos, &eng.delayed, list)
			if (pos->due_ns > rq->due_ns)
				break;
		list_add_tail(&rq->list, &pos->list);
	}
	pthread_cond_signal(&eng.cond);
	pthread_mutex_unlock(&eng.lock);
}

/**
 * dma_run_held() - queue requests a device held, in list order.
 * @list: a list of struct dma_req (emptied).
 *
 * In inline mode they run here, one after the other.
 */
void dma_run_held(struct list_head *list)
{
	while (!list_empty(list)) {
		struct dma_req *rq = list_first_entry(list, struct dma_req, list);

		list_del(&rq->list);
		atomic_long_dec(&eng_held);
		dma_queue(rq);
	}
}

/* Start eng.nthreads workers; eng_cfg_lock held. */
static void __dma_engine_start(void)
{
	unsigned int i, n;

	pthread_once(&eng_once, eng_init_once);
	pthread_mutex_lock(&eng.lock);
	n = eng.running ? 0 : eng.nthreads;
	pthread_mutex_unlock(&eng.lock);
	for (i = 0; i < n; i++)
		if (pthread_create(&eng.tids[i], NULL, dma_worker, NULL))
			break;
	pthread_mutex_lock(&eng.lock);
	if (n)
		eng.running = i;
	pthread_mutex_unlock(&eng.lock);
}

/* Let the workers drain their queue, then join them; eng_cfg_lock held. */
static void __dma_engine_stop(void)
{
	unsigned int i, n;

	pthread_once(&eng_once, eng_init_once);
	pthread_mutex_lock(&eng.lock);
	n = eng.running;
	eng.stopping = true;
	pthread_cond_broadcast(&eng.cond);
	pthread_mutex_unlock(&eng.lock);
	for (i = 0; i < n; i++)
		pthread_join(eng.tids[i], NULL);
	pthread_mutex_lock(&eng.lock);
	eng.running = 0;
	eng.stopping = false;
	pthread_mutex_unlock(&eng.lock);
}

/**
 * dma_engine_dev_add() - a disk starts using the engine: start the
 * configured workers if none run.
 *
 * Context: not from a DMA worker.
 */
void dma_engine_dev_add(void)
{
	pthread_mutex_lock(&eng_cfg_lock);
	nr_devs++;
	__dma_engine_start();
	pthread_mutex_unlock(&eng_cfg_lock);
}

/**
 * dma_engine_dev_del() - a disk is gone. The workers keep running until
 * dma_engine_exit().
 */
void dma_engine_dev_del(void)
{
	pthread_mutex_lock(&eng_cfg_lock);
	nr_devs--;
	pthread_mutex_unlock(&eng_cfg_lock);
}

/**
 * dma_engine_exit() - stop the workers once their queue is empty, and go
 * back to the default thread count for the next boot.
 *
 * Context: sim_shutdown(), after every disk is gone.
 */
void dma_engine_exit(void)
{
	pthread_mutex_lock(&eng_cfg_lock);
	__dma_engine_stop();
	pthread_mutex_lock(&eng.lock);
	eng.nthreads = DMA_DEFAULT_THREADS;
	pthread_mutex_unlock(&eng.lock);
	pthread_mutex_unlock(&eng_cfg_lock);
}

/**
 * sim_dma_set_threads() - choose inline DMA (0) or 1..8 worker threads.
 * @n: the thread count.
 *
 * Takes effect at once; the workers start now if any disk exists, else
 * with the first disk. Kept until changed or sim_shutdown(). With more
 * than one worker, requests (released ones too) may complete in any order.
 *
 * Waits for the I/O queued or running to complete; the caller submits
 * nothing meanwhile.
 *
 * Context: not from a completion or a DMA worker.
 * Return: 0, -EINVAL for @n > 8, -EBUSY while a disk holds I/O
 * (SIM_IO_HOLD, SIM_IO_REORDER).
 */
int sim_dma_set_threads(unsigned int n)
{
	if (n > DMA_MAX_THREADS)
		return -EINVAL;
	pthread_mutex_lock(&eng_cfg_lock);
	if (atomic_long_read(&eng_held)) {
		pthread_mutex_unlock(&eng_cfg_lock);
		return -EBUSY;
	}
	/* Let what is queued or running finish, completions included. */
	while (__atomic_load_n(&eng_active.counter, __ATOMIC_ACQUIRE) > 0)
		sleep_until(now_ns() + 20000);
	__dma_engine_stop();
	pthread_mutex_lock(&eng.lock);
	eng.nthreads = n;
	pthread_mutex_unlock(&eng.lock);
	if (nr_devs)
		__dma_engine_start();
	pthread_mutex_unlock(&eng_cfg_lock);
	return 0;
}

/**
 * sim_dma_threads() - the configured DMA thread count (0: inline).
 *
 * Return: the count.
 */
unsigned int sim_dma_threads(void)
{
	unsigned int n;

	pthread_mutex_lock(&eng.lock);
	n = eng.nthreads;
	pthread_mutex_unlock(&eng.lock);
	return n;
}

/* ---- submission ------------------------------------------------------------ */

/* What the armed fault does to one bio. */
struct dma_fault_hit {
	unsigned int flags;
	int error;
	uint64_t sector;
	uint64_t bytes;
	uint64_t delay_ns;
	unsigned int depth;
};

static void dma_fault_take(struct dma_dev *dd, struct dma_fault_hit *hit)
{
	const struct sim_io_fault *f = &dd->fault;

	memset(hit, 0, sizeof(*hit));
	if (!dd->fault_armed)
		return;
	dd->fault_seen++;
	if (f->nth && dd->fault_seen != f->nth)
		return;
	hit->flags = f->flags;
	hit->error = f->error ? f->error : -EIO;
	hit->sector = f->sector;
	hit->bytes = f->bytes;
	hit->delay_ns = (uint64_t)f->delay_us * 1000;
	hit->depth = f->depth;
	if (f->nth)
		dd->fault_armed = false;
	stat_add(DS_FAULTS, 1);
}

static struct dma_req *dma_req_alloc(struct bio *bio)
{
	unsigned int nr = 0, i = 0;
	struct dma_req *rq;
	struct bvec_iter iter;
	struct bio_vec bv;

	if (bio_moves_data(bio))
		bio_for_each_segment(bv, bio, iter)
			nr++;
	rq = malloc(sizeof(*rq) + nr * (sizeof(struct dma_snap) + sizeof(struct iovec)));
	if (!rq)
		return NULL;
	memset(rq, 0, sizeof(*rq));
	rq->nr_pages = nr;
	rq->iov = (struct iovec *)&rq->snap[nr];
	if (nr) {
		bio_for_each_segment(bv, bio, iter) {
			struct dma_snap *s = &rq->snap[i++];

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

/**
 * dma_submit_bio() - the ->submit_bio of every simulated disk.
 * @bio: a bio submit_bio_noacct() checked, split and counted in flight.
 *
 * Applies the disk's fault, snapshots the pages (no pin, no reference:
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

	INIT_LIST_HEAD(&release);
	pthread_mutex_lock(&dd->lock);
	hook = dd->hook;
	hook_arg = dd->hook_arg;
	latency = dd->latency_ns;
	dma_fault_take(dd, &hit);
	pthread_mutex_unlock(&dd->lock);
	if (hook)
		hook(bio, hook_arg);

	if (hit.flags & SIM_IO_FAIL_SUBMIT) {
		dma_fail_now(bio, errno_to_blk_status(hit.error));
		return;
	}
	rq = dma_req_alloc(bio);
	if (!rq) {
		dma_fail_now(bio, BLK_STS_RESOURCE);
		return;
	}
	atomic_long_inc(&eng_active);
	rq->bio = bio;
	rq->dd = dd;
	rq->disk = bio->bi_bdev->bd_disk;
	rq->iter = bio->bi_iter;
	rq->limit = UINT64_MAX;
	/*
	 * due_ns 0 means due at once. Only a disk with a latency or a DELAY
	 * fault reads the clock: clock_gettime() costs ~50 ns in a VM guest,
	 * a tenth of a 4 KiB I/O.
	 */
	rq->due_ns = latency ? now_ns() + latency : 0;
	if (hit.flags & SIM_IO_FAIL) {
		rq->fail = true;
		rq->error = hit.error;
	}
	if (hit.flags & SIM_IO_FAIL_SECTOR) {
		sector_t start = rq->iter.bi_sector;

		if (hit.sector >= start && hit.sector < start + (rq->iter.bi_size >> SECTOR_SHIFT)) {
			rq->limit = (hit.sector - start) << SECTOR_SHIFT;
			rq->error = hit.error;
		}
	}
	if (hit.flags & SIM_IO_PARTIAL) {
		rq->limit = min(rq->limit, hit.bytes);
		rq->error = hit.error;
	}
	if (hit.flags & SIM_IO_DELAY)
		rq->due_ns = (rq->due_ns ? rq->due_ns : now_ns()) + hit.delay_ns;

	if (hit.flags & (SIM_IO_HOLD | SIM_IO_REORDER)) {
		pthread_mutex_lock(&dd->lock);
		list_add_tail(&rq->list, &dd->held);
		dd->nr_held++;
		atomic_long_inc(&eng_held);
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
