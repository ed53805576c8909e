// SPDX-License-Identifier: GPL-2.0
/*
 * drivers/block/dma-engine.c - the DMA engine's queue and worker threads.
 *
 * No kernel twin (see drivers/block/dma.c). Requests from dma_submit_bio()
 * go to a ready list, or to a delayed list sorted by due time, and 1..8
 * workers (default 2) take them a few at a time (their share of what is
 * ready, at most DMA_BATCH) and run them in order with dma_run(); with 0
 * workers (inline mode) the submitter runs them itself, as it does a
 * plain read or write for a device with a thread of its own
 * (dma_direct()). A worker is signalled only when every sleeping one
 * lacks a signal already on its way.
 * The workers start with the first disk and stop at sim_shutdown() or when
 * sim_dma_set_threads() changes their number.
 */
#include <stdlib.h>
#include "drivers/block/dma-internal.h"

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct list_head ready;
	struct list_head delayed;	/* sorted by due_ns */
	unsigned int nr_ready;		/* on ready */
	unsigned int idle;		/* workers waiting on cond */
	unsigned int woken;		/* of those, signalled and not yet back */
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
atomic_long_t dma_eng_active;
atomic_long_t dma_eng_held;

static void sleep_until(uint64_t due)
{
	uint64_t now;
	struct timespec ts;

	if (!due)
		return;		/* due at once: no clock read (see dma_submit_bio()) */
	now = dma_now_ns();
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

/* ---- the queue and its workers ---------------------------------------- */

/*
 * A worker takes up to DMA_BATCH ready requests per trip through eng.lock,
 * its share of what is ready (so that the other workers get theirs), and
 * runs them in queue order. Fewer lock round trips per request is what
 * QD32 with workers was short of; at QD1 the batch is one request.
 */
#define DMA_BATCH	8

static unsigned int dma_take_ready(struct list_head *batch)
{
	unsigned int workers = eng.running ? eng.running : 1;
	unsigned int take = min_t(unsigned int, DMA_BATCH, DIV_ROUND_UP(eng.nr_ready, workers));
	unsigned int n = 0;

	while (n < take && !list_empty(&eng.ready)) {
		struct dma_req *rq = list_first_entry(&eng.ready, struct dma_req, list);

		list_del(&rq->list);
		list_add_tail(&rq->list, batch);
		n++;
	}
	eng.nr_ready -= n;
	return n;
}

/*
 * Wait on eng.cond (until @ts if given); eng.lock held. A worker back from
 * the wait takes one pending signal off eng.woken, whichever woke it: the
 * count only has to stay at or below the signals still on their way, so
 * that dma_queue() never skips a signal a sleeping worker needs.
 */
static void dma_worker_wait(const struct timespec *ts)
{
	eng.idle++;
	if (ts)
		pthread_cond_timedwait(&eng.cond, &eng.lock, ts);
	else
		pthread_cond_wait(&eng.cond, &eng.lock);
	eng.idle--;
	if (eng.woken)
		eng.woken--;
}

static void *dma_worker(void *arg)
{
	LIST_HEAD(batch);

	pthread_mutex_lock(&eng.lock);
	for (;;) {
		struct dma_req *rq = NULL;

		if (!list_empty(&eng.ready)) {
			dma_take_ready(&batch);
			pthread_mutex_unlock(&eng.lock);
			while (!list_empty(&batch)) {
				rq = list_first_entry(&batch, struct dma_req, list);
				list_del(&rq->list);
				dma_run(rq);	/* frees rq */
			}
			pthread_mutex_lock(&eng.lock);
			continue;
		} else if (!list_empty(&eng.delayed)) {
			struct dma_req *first = list_first_entry(&eng.delayed, struct dma_req, list);

			if (first->due_ns <= dma_now_ns()) {
				rq = first;
			} else {
				struct timespec ts = {
					.tv_sec = (time_t)(first->due_ns / 1000000000ULL),
					.tv_nsec = (long)(first->due_ns % 1000000000ULL),
				};

				dma_worker_wait(&ts);
				continue;
			}
		} else if (eng.stopping) {
			break;
		} else {
			dma_worker_wait(NULL);
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

/*
 * A read or write for a device that moves the bytes on its own thread
 * (->rw_async: the `file` disk's io_uring owner), due at once and not
 * failed by a fault: dma_run() only checks the pages, maps them and hands
 * the transfer over, so the submitter does it, as blk-mq's ->queue_rq()
 * runs in the submitter and the hardware moves the data. A worker in
 * between would add a thread hop (a wakeup) per request and nothing else.
 * Flushes and discards, which these devices do synchronously, still go to
 * the workers.
 */
static bool dma_direct(const struct dma_req *rq)
{
	const struct bio *bio = rq->bio;

	if (!rq->dd->ops->rw_async || rq->due_ns || rq->fail || (bio->bi_opf & REQ_PREFLUSH))
		return false;
	switch (bio_op(bio)) {
	case REQ_OP_READ:
	case REQ_OP_WRITE:
	case REQ_OP_DRV_IN:
	case REQ_OP_DRV_OUT:
		return true;
	default:
		return false;
	}
}

/**
 * dma_queue() - hand a request to the workers, or run it here.
 * @rq: a request dma_submit_bio() (or dma_run_held()) filled and counted
 *	active; its due time (@rq->due_ns, 0: at once) may be in the future.
 *
 * With workers running, @rq goes on the ready queue if it is due, else on
 * the delayed list in due order, and one sleeping worker is woken if none
 * is already on its way. In inline mode (0 threads), or for a device of
 * its own (see dma_direct()), it waits until due and runs here through
 * dma_run(). Inline mode is told by one atomic load, without eng.lock:
 * eng.running changes only in sim_dma_set_threads() (whose caller submits
 * nothing meanwhile) and when the first disk starts the workers; a
 * submitter that reads a stale 0 runs its request inline, which is always
 * correct. A non-zero value is checked again under the lock before the
 * request is queued, so no request is queued after the workers have
 * stopped.
 *
 * Context: the submitter's (or the releaser's) thread; may sleep until
 * @rq is due when it runs inline. The bio completes exactly once, here or
 * on a worker.
 */
void dma_queue(struct dma_req *rq)
{
	struct dma_req *pos;

	if (!__atomic_load_n(&eng.running, __ATOMIC_ACQUIRE) || dma_direct(rq)) {
		sleep_until(rq->due_ns);
		dma_run(rq);
		return;
	}
	pthread_once(&eng_once, eng_init_once);
	pthread_mutex_lock(&eng.lock);
	if (!eng.running) {
		pthread_mutex_unlock(&eng.lock);
		sleep_until(rq->due_ns);
		dma_run(rq);
		return;
	}
	if (!rq->due_ns || rq->due_ns <= dma_now_ns()) {
		list_add_tail(&rq->list, &eng.ready);
		eng.nr_ready++;
	} else {
		list_for_each_entry(pos, &eng.delayed, list)
			if (pos->due_ns > rq->due_ns)
				break;
		list_add_tail(&rq->list, &pos->list);
	}
	/*
	 * A busy worker looks at the queue again before it waits, and so does
	 * one already signalled: wake a worker only if some sleeping one has
	 * no signal on its way (one futex wake per sleep, not per request).
	 */
	if (eng.idle > eng.woken) {
		eng.woken++;
		pthread_cond_signal(&eng.cond);
	}
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
		atomic_long_dec(&dma_eng_held);
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
		__atomic_store_n(&eng.running, i, __ATOMIC_RELEASE);
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
	__atomic_store_n(&eng.running, 0, __ATOMIC_RELEASE);
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
	if (atomic_long_read(&dma_eng_held)) {
		pthread_mutex_unlock(&eng_cfg_lock);
		return -EBUSY;
	}
	/* Let what is queued or running finish, completions included. */
	while (__atomic_load_n(&dma_eng_active.counter, __ATOMIC_ACQUIRE) > 0)
		sleep_until(dma_now_ns() + 20000);
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
