/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim/aio.h - what sim/aio.c (the ring: slots, submission, completion,
 * reaping) and sim/aio_rsrc.c (registered buffers and the fixed I/O on
 * them, io_uring/rsrc.c) share.
 */
#ifndef PINIO_SIM_AIO_H
#define PINIO_SIM_AIO_H

#include <pthread.h>
#include <pinio/bvec.h>
#include <pinio/fs.h>
#include <pinio/uio.h>
#include "sim/sim.h"

struct sim_aio_req {
	struct kiocb iocb;
	struct sim_aio *ring;
	uint64_t tag;
	int64_t res;
	unsigned int next_free;
	/* READ_FIXED/WRITE_FIXED: holds a reference on the buffer table. */
	bool fixed;
};

/*
 * One registered buffer (io_uring's io_mapped_ubuf): [@addr, @addr + @len)
 * as bvecs over its pinned pages, one per page (the first at the address's
 * offset in its page), or a single bvec when every page is in one large
 * folio (v6.5 coalescing). Each bvec's page holds one FOLL_LONGTERM pin.
 */
struct sim_aio_buf {
	unsigned long addr, len;
	unsigned int nr_bvecs;
	struct bio_vec *bvec;
};

/**
 * struct sim_aio - one ring.
 * @depth: slots.
 * @bufs, @nbufs, @bufs_pages: registered buffers (or NULL), how many, and
 *	the pages charged for them.
 * @quiesce: an unregister waits for @fixed_refs to drain: no new fixed I/O.
 * @fixed_refs: references on the buffer table (io_uring's on the rsrc
 *	node): two per fixed I/O, one until it completes, one until its
 *	submit has returned; the buffers stay pinned while > 0.
 * @reqs: the slots; @free_head links the free ones through next_free.
 * @cq: slots whose I/O completed and was not yet reaped, in completion
 *	order: a circular queue of @depth slot numbers.
 * @in_use: slots taken (submitted and not yet reaped).
 * @inflight: submitted and not yet completed.
 * @wake_cq: the smallest @cq_count a waiting reaper needs (UINT_MAX: no
 *	reaper waits). A completion broadcasts @cond only when it brings
 *	@cq_count there, or ends the last I/O in flight while someone waits,
 *	as io_uring wakes a CQ waiter once enough CQEs are posted for it
 *	(io_should_wake()), not on every post; the wakeup resets it.
 * @lock, @cond: guard everything above; @cond signals completions.
 */
struct sim_aio {
	unsigned int depth;
	struct sim_aio_buf *bufs;
	unsigned int nbufs;
	unsigned long bufs_pages;
	bool quiesce;
	unsigned int fixed_refs;
	struct sim_aio_req *reqs;
	unsigned int free_head;
	unsigned int *cq;
	unsigned int cq_head, cq_count;
	unsigned int in_use;
	unsigned int inflight;
	unsigned int wake_cq;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

/* A free slot, counted in flight; NULL when all are taken. Ring lock held. */
struct sim_aio_req *sim_aio_get_slot(struct sim_aio *ring);
/*
 * Start @req's I/O on @file (whose reference the slot now owns) from
 * @iter at @off; its result arrives as a completion.
 */
void sim_aio_issue(struct sim_aio_req *req, struct file *file, bool write,
		   struct iov_iter *iter, off_t off, uint64_t tag);

#endif /* PINIO_SIM_AIO_H */
