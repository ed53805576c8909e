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
 * buffers (io_sqe_buffers_register()) are pinned long-term and charged to
 * the user's locked memory against RLIMIT_MEMLOCK. Left out: SQ/CQ memory
 * shared with user space, linked requests, I/O on the registered buffers
 * (READ_FIXED), polling.
 */
#include <stdlib.h>
#include <pinio/fs.h>
#include <pinio/mm.h>
#include <pinio/sched.h>
#include <pinio/uio.h>
#include <pinio/fault-inject.h>
#include "sim/sim.h"

#define SIM_AIO_MAX_DEPTH	(1U << 20)

struct sim_aio_req {
	struct kiocb iocb;
	struct sim_aio *ring;
	uint64_t tag;
	int64_t res;
	unsigned int next_free;
};

/**
 * struct sim_aio - one ring.
 * @depth: slots.
 * @reqs: the slots; @free_head links the free ones through next_free.
 * @cq: slots whose I/O completed and was not yet reaped, in completion
 *	order: a circular queue of @depth slot numbers.
 * @in_use: slots taken (submitted and not yet reaped).
 * @inflight: submitted and not yet completed.
 * @lock, @cond: guard everything above; @cond signals a completion.
 */
/* One registered buffer (io_uring's io_mapped_ubuf). */
struct sim_aio_buf {
	unsigned long addr, len;
	unsigned long npages;
	struct page **pages;
};

struct sim_aio {
	unsigned int depth;
	struct sim_aio_buf *bufs;	/* registered buffers, or NULL */
	unsigned int nbufs;
	unsigned long bufs_pages;	/* pages charged for them */
	struct sim_aio_req *reqs;
	unsigned int free_head;
	unsigned int *cq;
	unsigned int cq_head, cq_count;
	unsigned int in_use;
	unsigned int inflight;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

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
	pthread_mutex_init(&ring->lock, NULL);
	pthread_cond_init(&ring->cond, NULL);
	return ring;
}

/* Post @res for @req. The slot (and its file reference) waits for the reap. */
static void sim_aio_post(struct sim_aio_req *req, long res)
{
	struct sim_aio *ring = req->ring;
	unsigned int tail;

	pthread_mutex_lock(&ring->lock);
	req->res = res;
	tail = (ring->cq_head + ring->cq_count) % ring->depth;
	ring->cq[tail] = (unsigned int)(req - ring->reqs);
	ring->cq_count++;
	ring->inflight--;
	pthread_cond_broadcast(&ring->cond);
	pthread_mutex_unlock(&ring->lock);
}

/* ki_complete: any thread, once per queued I/O. */
static void sim_aio_complete(struct kiocb *iocb, long res)
{
	struct sim_aio_req *req = container_of(iocb, struct sim_aio_req, iocb);

	sim_aio_post(req, res);
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
	unsigned int slot;
	ssize_t ret;

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
		return (int)ret;
	}

	pthread_mutex_lock(&ring->lock);
	slot = ring->free_head;
	if (slot == SLOT_NONE) {
		pthread_mutex_unlock(&ring->lock);
		fput(file);
		return -EAGAIN;
	}
	req = &ring->reqs[slot];
	ring->free_head = req->next_free;
	ring->in_use++;
	ring->inflight++;
	pthread_mutex_unlock(&ring->lock);

	init_sync_kiocb(&req->iocb, file);
	req->iocb.ki_pos = off;
	req->iocb.ki_complete = sim_aio_complete;
	req->iocb.private = req;
	req->tag = tag;

	if (write)
		ret = vfs_iocb_iter_write(file, &req->iocb, &iter);
	else
		ret = vfs_iocb_iter_read(file, &req->iocb, &iter);
	if (ret != -EIOCBQUEUED)
		sim_aio_post(req, (long)ret);
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
			pthread_cond_wait(&ring->cond, &ring->lock);
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
		pthread_cond_wait(&ring->cond, &ring->lock);
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

/* ---- registered buffers ------------------------------------------------ */

/* The single user's locked memory (user_struct->locked_vm), in pages. */
static unsigned long user_locked_pages;
static pthread_mutex_t user_locked_lock = PTHREAD_MUTEX_INITIALIZER;

/* __io_account_mem(): charge @npages unless the limit would be passed. */
static int account_locked(unsigned long npages)
{
	unsigned long limit = current ? current->rlim_memlock >> PAGE_SHIFT : 0;
	int ret = 0;

	pthread_mutex_lock(&user_locked_lock);
	if (npages > limit || user_locked_pages > limit - npages)
		ret = -ENOMEM;
	else
		user_locked_pages += npages;
	pthread_mutex_unlock(&user_locked_lock);
	return ret;
}

static void unaccount_locked(unsigned long npages)
{
	pthread_mutex_lock(&user_locked_lock);
	user_locked_pages -= npages;
	pthread_mutex_unlock(&user_locked_lock);
}

unsigned long sim_user_locked_pages(void)
{
	unsigned long n;

	pthread_mutex_lock(&user_locked_lock);
	n = user_locked_pages;
	pthread_mutex_unlock(&user_locked_lock);
	return n;
}

int sim_setrlimit_memlock(unsigned long bytes)
{
	if (!current)
		return -ESRCH;
	current->rlim_memlock = bytes;
	return 0;
}

static unsigned long buf_npages(unsigned long addr, unsigned long len)
{
	return ((addr + len - 1) >> PAGE_SHIFT) - (addr >> PAGE_SHIFT) + 1;
}

static void release_bufs(struct sim_aio_buf *bufs, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		unpin_user_pages(bufs[i].pages, bufs[i].npages);
		free(bufs[i].pages);
	}
	free(bufs);
}

/* Pin one buffer into @b: 0, -ENOMEM or -EFAULT (nothing of it kept). */
static int pin_one(struct sim_aio_buf *b, unsigned long addr, unsigned long len)
{
	unsigned long npages = buf_npages(addr, len);
	struct page **pages;
	long got;

	if (should_fail_alloc(FAULT_META_ALLOC))
		return -ENOMEM;
	pages = calloc(npages, sizeof(*pages));
	if (!pages)
		return -ENOMEM;
	got = pin_user_pages_fast(addr & PAGE_MASK, (int)npages, FOLL_WRITE | FOLL_LONGTERM,
				  pages);
	if (got != (long)npages) {
		if (got > 0)
			unpin_user_pages(pages, (unsigned long)got);
		free(pages);
		return got < 0 && got != -ENOMEM ? (int)got : got < 0 ? -ENOMEM : -EFAULT;
	}
	/* The descriptor, allocated after the pin: its failure must unpin (B11). */
	if (should_fail_alloc(FAULT_META_ALLOC)) {
		unpin_user_pages(pages, npages);
		free(pages);
		return -ENOMEM;
	}
	b->addr = addr;
	b->len = len;
	b->npages = npages;
	b->pages = pages;
	return 0;
}

/**
 * sim_aio_register_buffers() - pin @nr user buffers for the ring's use.
 * @ring: the ring.
 * @iov: host array of simulated user buffers.
 * @nr: how many (1 .. SIM_AIO_MAX_REG_BUFFERS).
 *
 * Checks every buffer, charges all their pages to the user's locked memory
 * against current's RLIMIT_MEMLOCK (io_account_mem()), then pins each one
 * FOLL_WRITE | FOLL_LONGTERM. Any failure releases what was pinned and the
 * charge: the machine is as before.
 * Return: see pinio/sim.h.
 */
int sim_aio_register_buffers(struct sim_aio *ring, const struct iovec *iov, unsigned int nr)
{
	struct sim_aio_buf *bufs;
	unsigned long total = 0;
	unsigned int i;
	int ret;

	if (IS_ERR_OR_NULL(ring) || !iov || !nr || nr > SIM_AIO_MAX_REG_BUFFERS)
		return -EINVAL;
	if (ring->bufs)
		return -EBUSY;
	for (i = 0; i < nr; i++) {
		unsigned long addr = (unsigned long)iov[i].iov_base, len = iov[i].iov_len;

		if (!len || len > (1UL << 30) || addr + len < addr)
			return -EINVAL;
		total += buf_npages(addr, len);
	}
	ret = account_locked(total);
	if (ret)
		return ret;
	if (should_fail_alloc(FAULT_META_ALLOC)) {
		unaccount_locked(total);
		return -ENOMEM;
	}
	bufs = calloc(nr, sizeof(*bufs));
	if (!bufs) {
		unaccount_locked(total);
		return -ENOMEM;
	}
	for (i = 0; i < nr; i++) {
		ret = pin_one(&bufs[i], (unsigned long)iov[i].iov_base, iov[i].iov_len);
		if (ret) {
			release_bufs(bufs, i);
			unaccount_locked(total);
			return ret;
		}
	}
	ring->bufs = bufs;
	ring->nbufs = nr;
	ring->bufs_pages = total;
	return 0;
}

/**
 * sim_aio_unregister_buffers() - unpin the registered buffers, uncharge them.
 * Return: 0, -EINVAL (NULL ring), -ENXIO (none registered).
 */
int sim_aio_unregister_buffers(struct sim_aio *ring)
{
	if (IS_ERR_OR_NULL(ring))
		return -EINVAL;
	if (!ring->bufs)
		return -ENXIO;
	release_bufs(ring->bufs, ring->nbufs);
	unaccount_locked(ring->bufs_pages);
	ring->bufs = NULL;
	ring->nbufs = 0;
	ring->bufs_pages = 0;
	return 0;
}
