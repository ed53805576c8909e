// SPDX-License-Identifier: GPL-2.0
/*
 * sim/aio.c - the simulation's asynchronous I/O ring, io_uring-like: many
 * reads and writes in flight per task, completions reaped in any order.
 *
 * Models what io_uring's READ/WRITE opcodes do with a kiocb: the request
 * holds a reference on the file, builds a UBUF iterator over the user
 * buffer, calls ->read_iter/->write_iter with ki_complete set, and posts a
 * completion (result and tag) when ki_complete runs, from whatever thread
 * ends the I/O (a DMA worker, or the submitter itself when the device
 * completes inline). A result the file returns at once (an error, 0 at the
 * end of the device) is posted as a completion too, as io_uring does.
 * A slot stays in use from submit until reap, so completions never
 * overflow: a full ring refuses the submit with -EAGAIN. Registered
 * buffers and READ_FIXED/WRITE_FIXED are in sim/aio_rsrc.c. Left out:
 * SQ/CQ memory shared with user space, linked requests, polling.
 */
#include <stdlib.h>
#include <pinio/mm.h>
#include <pinio/sched.h>
#include <pinio/fault-inject.h>
#include "sim/aio.h"

#define SIM_AIO_MAX_DEPTH	(1U << 20)

#define SLOT_NONE	UINT32_MAX

/**
 * sim_aio_create() - a ring with room for @depth I/Os at once.
 * @depth: 1 .. 2^20.
 * Return: the ring, or ERR_PTR(-EINVAL) for a bad depth, ERR_PTR(-ENOMEM).
 */
struct sim_aio *sim_aio_create(unsigned int depth)
{
	struct sim_aio *ring;
	unsigned int i;

	if (!depth || depth > SIM_AIO_MAX_DEPTH)
		return ERR_PTR(-EINVAL);
	if (should_fail_alloc(FAULT_META_ALLOC))
		return ERR_PTR(-ENOMEM);
	ring = calloc(1, sizeof(*ring));
	if (!ring)
		return ERR_PTR(-ENOMEM);
	ring->reqs = calloc(depth, sizeof(*ring->reqs));
	ring->cq = calloc(depth, sizeof(*ring->cq));
	if (!ring->reqs || !ring->cq) {
		free(ring->reqs);
		free(ring->cq);
		free(ring);
		return ERR_PTR(-ENOMEM);
	}
	ring->depth = depth;
	for (i = 0; i < depth; i++) {
		ring->reqs[i].ring = ring;
		ring->reqs[i].next_free = i + 1 < depth ? i + 1 : SLOT_NONE;
	}
	ring->free_head = 0;
	ring->wake_cq = UINT_MAX;
	pthread_mutex_init(&ring->lock, NULL);
	pthread_cond_init(&ring->cond, NULL);
	return ring;
}

/*
 * Post @res for @req. The slot (and its file reference) waits for the
 * reap. A fixed I/O then drops its reference on the buffer table, as
 * io_uring puts the request's rsrc node when it frees the request after
 * posting the CQE: the last one lets a waiting unregister unpin.
 */
static void sim_aio_post(struct sim_aio_req *req, long res)
{
	struct sim_aio *ring = req->ring;
	unsigned int tail;
	bool wake = false;

	pthread_mutex_lock(&ring->lock);
	req->res = res;
	tail = (ring->cq_head + ring->cq_count) % ring->depth;
	ring->cq[tail] = (unsigned int)(req - ring->reqs);
	ring->cq_count++;
	ring->inflight--;
	if (req->fixed) {
		req->fixed = false;
		ring->fixed_refs--;
		/* sim_aio_unregister_buffers() waits for the last reference. */
		wake = ring->quiesce;
	}
	/* Wake the reapers once their count is there, not per completion. */
	if (ring->wake_cq != UINT_MAX && (ring->cq_count >= ring->wake_cq || !ring->inflight)) {
		ring->wake_cq = UINT_MAX;
		wake = true;
	}
	if (wake)
		pthread_cond_broadcast(&ring->cond);
	pthread_mutex_unlock(&ring->lock);
}

/*
 * Sleep until a completion brings cq_count to @need (or ends the last I/O
 * in flight); ring lock held. Spurious returns are the caller's to check.
 */
static void sim_aio_wait(struct sim_aio *ring, unsigned int need)
{
	if (need < ring->wake_cq)
		ring->wake_cq = need;
	pthread_cond_wait(&ring->cond, &ring->lock);
}

/* ki_complete: any thread, once per queued I/O. */
static void sim_aio_complete(struct kiocb *iocb, long res)
{
	struct sim_aio_req *req = container_of(iocb, struct sim_aio_req, iocb);

	sim_aio_post(req, res);
}

/**
 * sim_aio_get_slot() - take a free slot, counted in flight.
 * @ring: the ring, its lock held.
 * Return: the slot, or NULL when every slot is taken until a reap.
 */
struct sim_aio_req *sim_aio_get_slot(struct sim_aio *ring)
{
	struct sim_aio_req *req;

	if (ring->free_head == SLOT_NONE)
		return NULL;
	req = &ring->reqs[ring->free_head];
	ring->free_head = req->next_free;
	ring->in_use++;
	ring->inflight++;
	return req;
}

/**
 * sim_aio_issue() - start @req's read or write on @file from @iter at @off.
 * @req: a slot from sim_aio_get_slot(); it owns the reference on @file.
 * @file: the file.
 * @write: direction.
 * @iter: the memory (UBUF, or BVEC for fixed I/O).
 * @off: file offset.
 * @tag: returned with the completion.
 *
 * Calls ->write_iter/->read_iter with ki_complete set; a result the file
 * returns at once is posted as the completion.
 */
void sim_aio_issue(struct sim_aio_req *req, struct file *file, bool write,
		   struct iov_iter *iter, off_t off, uint64_t tag)
{
	ssize_t ret;

	init_sync_kiocb(&req->iocb, file);
	req->iocb.ki_pos = off;
	req->iocb.ki_complete = sim_aio_complete;
	req->iocb.private = req;
	req->tag = tag;

	if (write)
		ret = vfs_iocb_iter_write(file, &req->iocb, iter);
	else
		ret = vfs_iocb_iter_read(file, &req->iocb, iter);
	if (ret != -EIOCBQUEUED)
		sim_aio_post(req, (long)ret);
}

/**
 * sim_aio_submit() - start one read or write of @len bytes at @off.
 * @ring: the ring.
 * @fd: a file of current.
 * @write: true to write the buffer to the file.
 * @buf: simulated user address of the buffer; with O_DIRECT its pages are
 *	pinned until the I/O completes (zero pages of an untouched buffer
 *	included, which a pin leaves untouched).
 * @len: bytes; clamped to MAX_RW_COUNT.
 * @off: file offset.
 * @tag: returned with the completion.
 *
 * The result (bytes or -errno) arrives through sim_aio_reap(), whether
 * the file queued the I/O or finished or refused it at once.
 * Return: 0, or -EAGAIN (every slot taken until a reap), -EBADF (@fd not
 * open, or not open for the direction), -EINVAL (NULL @ring, negative
 * @off), -EFAULT (@buf outside the address space).
 */
int sim_aio_submit(struct sim_aio *ring, int fd, bool write, unsigned long buf,
		   size_t len, off_t off, uint64_t tag)
{
	struct sim_aio_req *req;
	struct iov_iter iter;
	struct file *file;
	int ret;

	if (IS_ERR_OR_NULL(ring) || off < 0)
		return -EINVAL;
	file = sim_fget(fd);
	if (!file)
		return -EBADF;
	if (!(file->f_mode & (write ? FMODE_WRITE : FMODE_READ))) {
		fput(file);
		return -EBADF;
	}
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	ret = import_ubuf(write ? ITER_SOURCE : ITER_DEST, buf, len, &iter);
	if (ret) {
		fput(file);
		return ret;
	}

	pthread_mutex_lock(&ring->lock);
	req = sim_aio_get_slot(ring);
	pthread_mutex_unlock(&ring->lock);
	if (!req) {
		fput(file);
		return -EAGAIN;
	}
	sim_aio_issue(req, file, write, &iter, off, tag);
	return 0;
}

/* Give slot @req back; the caller holds the ring lock. Returns its file. */
static struct file *sim_aio_free_slot(struct sim_aio *ring, struct sim_aio_req *req)
{
	struct file *file = req->iocb.ki_filp;

	req->iocb.ki_filp = NULL;
	req->next_free = ring->free_head;
	ring->free_head = (unsigned int)(req - ring->reqs);
	ring->in_use--;
	return file;
}

#define REAP_BATCH	64

/**
 * sim_aio_reap() - collect completions.
 * @ring: the ring.
 * @min: wait until this many are available (clamped to the I/Os that can
 *	still complete, so it never waits for nothing).
 * @max: collect at most this many.
 * @res: out: each result, bytes or -errno (may be NULL).
 * @tags: out: each tag (may be NULL).
 *
 * Frees the slots reaped and drops their file references.
 * Context: may sleep; call it from a task's thread, not a DMA worker.
 * Return: the number reaped (0 .. @max), or -EINVAL (NULL @ring, @min >
 * @max).
 */
int sim_aio_reap(struct sim_aio *ring, unsigned int min, unsigned int max,
		 int64_t *res, uint64_t *tags)
{
	struct file *files[REAP_BATCH];
	unsigned int n = 0, nr_files, i;

	if (IS_ERR_OR_NULL(ring) || min > max)
		return -EINVAL;
	do {
		nr_files = 0;
		pthread_mutex_lock(&ring->lock);
		for (;;) {
			unsigned int can = ring->cq_count + ring->inflight;
			unsigned int want = min > n ? min - n : 0;

			if (ring->cq_count >= min(want, can))
				break;
			sim_aio_wait(ring, min(want, can));
		}
		while (n < max && ring->cq_count && nr_files < REAP_BATCH) {
			struct sim_aio_req *req = &ring->reqs[ring->cq[ring->cq_head]];

			if (res)
				res[n] = req->res;
			if (tags)
				tags[n] = req->tag;
			ring->cq_head = (ring->cq_head + 1) % ring->depth;
			ring->cq_count--;
			files[nr_files++] = sim_aio_free_slot(ring, req);
			n++;
		}
		pthread_mutex_unlock(&ring->lock);
		/* Outside the lock: the last fput may close a device. */
		for (i = 0; i < nr_files; i++)
			fput(files[i]);
	} while (nr_files == REAP_BATCH && n < max);
	return (int)n;
}

/**
 * sim_aio_destroy() - wait for every I/O in flight, then free the ring.
 * @ring: from sim_aio_create(); NULL and ERR_PTR values are ignored.
 *
 * Completions not reaped are dropped. Every file reference the ring held
 * is put, so a file closed meanwhile is released here.
 */
void sim_aio_destroy(struct sim_aio *ring)
{
	if (IS_ERR_OR_NULL(ring))
		return;
	sim_aio_unregister_buffers(ring);
	pthread_mutex_lock(&ring->lock);
	while (ring->inflight)
		sim_aio_wait(ring, UINT_MAX - 1);	/* woken by the last completion */
	pthread_mutex_unlock(&ring->lock);
	while (ring->cq_count) {
		struct sim_aio_req *req = &ring->reqs[ring->cq[ring->cq_head]];

		ring->cq_head = (ring->cq_head + 1) % ring->depth;
		ring->cq_count--;
		fput(sim_aio_free_slot(ring, req));
	}
	pthread_cond_destroy(&ring->cond);
	pthread_mutex_destroy(&ring->lock);
	free(ring->cq);
	free(ring->reqs);
	free(ring);
}
