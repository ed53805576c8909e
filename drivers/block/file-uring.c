// SPDX-License-Identifier: GPL-2.0
/*
 * drivers/block/file-uring.c - the file disk's io_uring backend (only with
 * HAVE_LIBURING): readv/writev SQEs on a per-disk ring that the disk's own
 * thread alone submits, in batches, and reaps; it resubmits the rest of a
 * short transfer. The disk itself, its psync backend and the choice of
 * descriptor are drivers/block/file.c.
 */
#ifdef HAVE_LIBURING
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <liburing.h>
#include "drivers/block/file.h"

/*
 * One ring per disk, owned by one thread: the disk's I/O thread. It alone
 * fills SQEs, enters the kernel and reaps CQEs, as fio's single job thread
 * does, so the host sees one issuer (IORING_SETUP_SINGLE_ISSUER, and
 * DEFER_TASKRUN where the host has it: completions are run when the owner
 * waits, not by interrupting another thread). A DMA worker (or the
 * submitter, inline) hands an op over on @pending under @lock; if the
 * owner sleeps in io_uring_enter(), it rings the doorbell (an eventfd the
 * owner keeps a read armed on), once per sleep. Each trip round the
 * owner's loop submits everything handed over (at most FILE_URING_DEPTH
 * I/Os in flight) with one io_uring_enter(), which also waits, and then
 * reaps every CQE there is.
 * A short transfer is resubmitted by the owner from where it stopped.
 *
 *   DMA worker --op--> @pending --(doorbell if owner asleep)--> owner
 *   owner: take @pending -> SQEs -> io_uring_enter(submit, wait 1)
 *          -> every CQE -> dma_xfer_done() (or resubmit the rest)
 */
struct uring_op {
	struct uring_op *next;		/* on @pending, the owner's queue or a free list */
	struct dma_req *rq;
	const struct iovec *iov;
	int cnt;
	int fd;
	bool write;
	int rw_flags;
	uint64_t pos;
	int idx;			/* progress: iovec index and offset in it */
	size_t skip;
	ssize_t total;
	struct iovec v[FILE_IOV_BATCH];
};

/*
 * The ops of a ring come from its own pool, not from malloc() per I/O:
 * chunks of URING_OP_CHUNK, allocated when the free list runs dry and
 * kept until the ring goes, so the pool grows to the most ops the disk
 * ever had in flight at once (the engine's requests on it) and no
 * further. A submitter takes an op off @op_free under @lock, which it
 * takes anyway to hand the op over; the owner puts finished ops on its
 * own @op_done (no lock) and gives them back in one splice when it next
 * takes @lock to collect handed-over ops. No op is ever freed on its own,
 * so nothing crosses threads through glibc's allocator per I/O.
 */
#define URING_OP_CHUNK		32

struct uring_op_chunk {
	struct uring_op_chunk *next;
	struct uring_op op[URING_OP_CHUNK];
};

/**
 * struct uring_be - the io_uring backend of one disk.
 * @ring: the ring; only @thread touches it.
 * @thread: the owner.
 * @lock: guards @pending_*, @sleeping, @kicked, @stopping and @init_err.
 * @started: @thread finished setting up (@init_err says how).
 * @pending_head, @pending_tail: ops handed over, in order.
 * @sleeping: the owner is in (or about to enter) io_uring_enter() to wait.
 * @kicked: the doorbell was rung since @sleeping was set.
 * @stopping: file_uring_exit() wants the owner gone.
 * @host_inflight: I/O SQEs submitted and not yet reaped (the owner's).
 * @efd: the doorbell; @efd_val the armed read's buffer.
 * @op_free: ops ready for a submitter (under @lock).
 * @op_chunks: every chunk of the pool (under @lock); @op_total: its ops.
 * @op_done, @op_done_tail, @nr_op_done: ops finished by the owner, not
 *	yet given back to @op_free (the owner's alone).
 * @nr_op_free: ops on @op_free (under @lock).
 */
struct uring_be {
	struct io_uring ring;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t started;
	bool up;
	int init_err;
	struct uring_op *pending_head, *pending_tail;
	bool sleeping;
	bool kicked;
	bool stopping;
	unsigned int host_inflight;
	int efd;
	uint64_t efd_val;
	struct uring_op *op_free;
	struct uring_op_chunk *op_chunks;
	unsigned int op_total;
	unsigned int nr_op_free;
	struct uring_op *op_done, *op_done_tail;
	unsigned int nr_op_done;
};

/* user_data of the doorbell read: no op has this address. */
#define URING_DOORBELL	((void *)&uring_doorbell_tag)
static const char uring_doorbell_tag;

/* Arm the doorbell: a read of the eventfd, completed by the next kick. */
static bool uring_arm_doorbell(struct uring_be *ur)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ur->ring);

	if (!sqe)
		return false;
	io_uring_prep_read(sqe, ur->efd, &ur->efd_val, sizeof(ur->efd_val), 0);
	io_uring_sqe_set_data(sqe, URING_DOORBELL);
	return true;
}

/* Fill the SQE for the rest of @op; false if the SQ is full. Owner only. */
static bool uring_prep_op(struct uring_be *ur, struct uring_op *op)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ur->ring);
	int nv;

	if (!sqe)
		return false;
	nv = file_iov_window(op->v, op->iov, op->cnt, op->idx, op->skip);
	if (op->write)
		io_uring_prep_writev(sqe, op->fd, op->v, (unsigned int)nv, op->pos);
	else
		io_uring_prep_readv(sqe, op->fd, op->v, (unsigned int)nv, op->pos);
	sqe->rw_flags = op->rw_flags;
	io_uring_sqe_set_data(sqe, op);
	return true;
}

/* @op is finished: back to the owner's done list, then complete its request. */
static void uring_op_end(struct uring_be *ur, struct uring_op *op, ssize_t res)
{
	struct dma_req *rq = op->rq;

	op->rq = NULL;
	op->next = NULL;
	if (ur->op_done_tail)
		ur->op_done_tail->next = op;
	else
		ur->op_done = op;
	ur->op_done_tail = op;
	ur->nr_op_done++;
	dma_xfer_done(rq, res);
}

/* Give the owner's finished ops back to the pool; @lock held (or the owner gone). */
static void uring_op_recycle(struct uring_be *ur)
{
	if (!ur->op_done)
		return;
	ur->op_done_tail->next = ur->op_free;
	ur->op_free = ur->op_done;
	ur->nr_op_free += ur->nr_op_done;
	ur->op_done = ur->op_done_tail = NULL;
	ur->nr_op_done = 0;
}

/*
 * An op from the pool, growing it by a chunk if it is empty; NULL if that
 * allocation fails. Called and returns with @lock held (dropped while a
 * chunk is allocated).
 */
static struct uring_op *uring_op_get(struct uring_be *ur)
{
	struct uring_op_chunk *c;
	struct uring_op *op = ur->op_free;
	unsigned int i;

	if (likely(op)) {
		ur->op_free = op->next;
		ur->nr_op_free--;
		return op;
	}
	pthread_mutex_unlock(&ur->lock);
	c = malloc(sizeof(*c));
	pthread_mutex_lock(&ur->lock);
	if (!c)
		return NULL;
	dma_stat_add(DS_URING_OP_CHUNKS, 1);
	c->next = ur->op_chunks;
	ur->op_chunks = c;
	ur->op_total += URING_OP_CHUNK;
	for (i = 1; i < URING_OP_CHUNK; i++) {
		c->op[i].next = ur->op_free;
		ur->op_free = &c->op[i];
	}
	ur->nr_op_free += URING_OP_CHUNK - 1;
	return &c->op[0];
}

/*
 * One CQE of @op: finish it, or return true to have the rest of a short
 * transfer resubmitted.
 */
static bool uring_complete(struct uring_be *ur, struct uring_op *op, int res)
{
	if (res == -EINTR || res == -EAGAIN) {
		res = 0;
	} else if (res < 0) {
		uring_op_end(ur, op, res);
		return false;
	} else if (!res) {
		if (op->write) {
			uring_op_end(ur, op, -EIO);
			return false;
		}
		op->total += (ssize_t)file_iov_zero_rest(op->iov, op->cnt, op->idx, op->skip);
		uring_op_end(ur, op, op->total);
		return false;
	}
	op->total += res;
	op->pos += (uint64_t)res;
	file_iov_skip(op->iov, &op->idx, &op->skip, (size_t)res);
	if (op->idx >= op->cnt) {
		uring_op_end(ur, op, op->total);
		return false;
	}
	return true;
}

/* The owner's queue of ops to put on the ring, in order. */
struct uring_queue {
	struct uring_op *head, *tail;
};

static void uq_add(struct uring_queue *q, struct uring_op *op)
{
	op->next = NULL;
	if (q->tail)
		q->tail->next = op;
	else
		q->head = op;
	q->tail = op;
}

/* Set the ring up with the flags fio would use, or fewer if the host lacks them. */
static int uring_setup(struct uring_be *ur)
{
	static const unsigned int try_flags[] = {
		IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
		IORING_SETUP_COOP_TASKRUN,
		0,
	};
	unsigned int i;
	int err = -EINVAL;

	for (i = 0; i < ARRAY_SIZE(try_flags); i++) {
		struct io_uring_params p;

		memset(&p, 0, sizeof(p));
		p.flags = try_flags[i];
		/* Room for every I/O in flight, the doorbell, and a full batch more. */
		err = io_uring_queue_init_params(2 * FILE_URING_DEPTH, &ur->ring, &p);
		if (err != -EINVAL)
			break;
	}
	return err;
}

#define URING_REAP_BATCH	64

static void *uring_thread(void *arg)
{
	struct uring_be *ur = arg;
	struct uring_queue q = { NULL, NULL };
	void *done[URING_REAP_BATCH];
	int res[URING_REAP_BATCH];
	bool doorbell_armed;
	int err;

	err = uring_setup(ur);
	if (!err && !uring_arm_doorbell(ur)) {
		io_uring_queue_exit(&ur->ring);
		err = -ENOMEM;
	}
	pthread_mutex_lock(&ur->lock);
	ur->init_err = err;
	ur->up = true;
	pthread_cond_signal(&ur->started);
	pthread_mutex_unlock(&ur->lock);
	if (err)
		return NULL;
	doorbell_armed = true;

	for (;;) {
		struct io_uring_cqe *cqe;
		unsigned int head, n = 0, prepped = 0, i;
		bool wait;
		int ret;

		/*
		 * Take what was handed over, give back the ops that finished;
		 * stop once nothing is left to do.
		 */
		pthread_mutex_lock(&ur->lock);
		uring_op_recycle(ur);
		if (ur->pending_head) {
			if (q.tail)
				q.tail->next = ur->pending_head;
			else
				q.head = ur->pending_head;
			q.tail = ur->pending_tail;
			ur->pending_head = ur->pending_tail = NULL;
		}
		if (ur->stopping && !q.head && !ur->host_inflight) {
			pthread_mutex_unlock(&ur->lock);
			break;
		}
		pthread_mutex_unlock(&ur->lock);

		if (!doorbell_armed)
			doorbell_armed = uring_arm_doorbell(ur);
		while (q.head && ur->host_inflight + prepped < FILE_URING_DEPTH) {
			struct uring_op *op = q.head;

			if (!uring_prep_op(ur, op))
				break;
			q.head = op->next;
			if (!q.head)
				q.tail = NULL;
			prepped++;
		}
		__atomic_store_n(&ur->host_inflight, ur->host_inflight + prepped, __ATOMIC_RELAXED);

		/*
		 * Wait for a CQE unless one is there or more ops arrived. The
		 * lock orders @sleeping against a submitter's look at it: an op
		 * handed over after this sees @sleeping and rings the doorbell.
		 */
		wait = !io_uring_cq_ready(&ur->ring);
		if (wait) {
			pthread_mutex_lock(&ur->lock);
			if (ur->pending_head)
				wait = false;
			else
				ur->sleeping = true;
			pthread_mutex_unlock(&ur->lock);
		}
		do {
			ret = wait ? io_uring_submit_and_wait(&ur->ring, 1)
				   : io_uring_submit(&ur->ring);
		} while (ret == -EINTR);
		/* -EAGAIN/-EBUSY: the SQEs stay queued and go with the next enter. */
		if (prepped)
			dma_stat_add(DS_URING_SQES, prepped);
		/*
		 * An enter that submitted I/O SQEs of this round; one that
		 * carried only the doorbell's read is not counted, so the
		 * enters never outnumber the I/O SQEs (a busy host makes
		 * the owner sleep, and re-arm the doorbell, often).
		 */
		if (ret > 0 && prepped) {
			dma_stat_add(DS_URING_ENTERS, 1);
			dma_stat_add(DS_URING_DEPTH_SUM, ur->host_inflight);
		}
		if (wait) {
			dma_stat_add(DS_URING_WAITS, 1);
			pthread_mutex_lock(&ur->lock);
			ur->sleeping = false;
			ur->kicked = false;
			pthread_mutex_unlock(&ur->lock);
		}

		/* Reap every CQE there is, then complete them outside the ring. */
		io_uring_for_each_cqe(&ur->ring, head, cqe) {
			if (n == URING_REAP_BATCH)
				break;
			done[n] = io_uring_cqe_get_data(cqe);
			res[n] = cqe->res;
			n++;
		}
		io_uring_cq_advance(&ur->ring, n);
		for (i = 0; i < n; i++) {
			if (done[i] == URING_DOORBELL) {
				doorbell_armed = false;
				continue;
			}
			__atomic_store_n(&ur->host_inflight, ur->host_inflight - 1, __ATOMIC_RELAXED);
			if (uring_complete(ur, done[i], res[i]))
				uq_add(&q, done[i]);
		}
	}
	io_uring_queue_exit(&ur->ring);
	return NULL;
}

int file_uring_rw(struct dma_dev *dd, struct dma_req *rq, bool write,
			 const struct iovec *iov, int cnt, uint64_t pos, blk_opf_t opf)
{
	struct file_disk *fdk = to_file(dd);
	struct uring_be *ur = fdk->ur;
	int fd = file_pick_fd(fdk, iov, cnt, pos);
	int rw_flags = write && (opf & REQ_FUA) ? RWF_DSYNC : 0;
	struct uring_op *op;
	bool kick;

	if (rw_flags)
		dma_count("file_dsync_writes", 1);
	pthread_mutex_lock(&ur->lock);
	op = uring_op_get(ur);
	if (!op) {
		pthread_mutex_unlock(&ur->lock);
		return -ENOMEM;
	}
	op->next = NULL;
	op->rq = rq;
	op->iov = iov;
	op->cnt = cnt;
	op->fd = fd;
	op->write = write;
	op->rw_flags = rw_flags;
	op->pos = pos;
	op->idx = 0;
	op->skip = 0;
	op->total = 0;
	if (ur->pending_tail)
		ur->pending_tail->next = op;
	else
		ur->pending_head = op;
	ur->pending_tail = op;
	/*
	 * Not waiting for the CQE that would wake the owner anyway: with
	 * I/O in flight the op could wait the host's latency for it.
	 */
	kick = ur->sleeping && !ur->kicked;
	if (kick)
		ur->kicked = true;
	pthread_mutex_unlock(&ur->lock);
	if (kick) {
		dma_stat_add(DS_URING_KICKS, 1);
		while (eventfd_write(ur->efd, 1) && errno == EINTR)
			;
	}
	return 0;
}

static void uring_free(struct uring_be *ur)
{
	while (ur->op_chunks) {
		struct uring_op_chunk *c = ur->op_chunks;

		ur->op_chunks = c->next;
		free(c);
	}
	pthread_cond_destroy(&ur->started);
	pthread_mutex_destroy(&ur->lock);
	if (ur->efd >= 0)
		close(ur->efd);
	free(ur);
}

int file_uring_init(struct file_disk *fdk)
{
	struct uring_be *ur = calloc(1, sizeof(*ur));
	int err;

	if (!ur)
		return -ENOMEM;
	pthread_mutex_init(&ur->lock, NULL);
	pthread_cond_init(&ur->started, NULL);
	ur->efd = eventfd(0, EFD_CLOEXEC);
	if (ur->efd < 0) {
		err = -errno;
		uring_free(ur);
		return err;
	}
	/* The owner sets the ring up itself: SINGLE_ISSUER binds it to its creator. */
	err = -pthread_create(&ur->thread, NULL, uring_thread, ur);
	if (err) {
		uring_free(ur);
		return err;
	}
	pthread_mutex_lock(&ur->lock);
	while (!ur->up)
		pthread_cond_wait(&ur->started, &ur->lock);
	err = ur->init_err;
	pthread_mutex_unlock(&ur->lock);
	if (err) {
		pthread_join(ur->thread, NULL);
		uring_free(ur);
		return err;
	}
	fdk->ur = ur;
	return 0;
}

/* Stop the owner (the disk is idle: it finishes what is left first). */
void file_uring_exit(struct uring_be *ur)
{
	pthread_mutex_lock(&ur->lock);
	WARN_ON_ONCE(ur->pending_head || __atomic_load_n(&ur->host_inflight, __ATOMIC_RELAXED));
	ur->stopping = true;
	pthread_mutex_unlock(&ur->lock);
	while (eventfd_write(ur->efd, 1) && errno == EINTR)
		;
	pthread_join(ur->thread, NULL);
	/* Every op came back: the pool is whole again (the leak ledger of ops). */
	uring_op_recycle(ur);
	WARN_ON_ONCE(ur->nr_op_free != ur->op_total);
	uring_free(ur);
}
#endif /* HAVE_LIBURING */
