/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drivers/block/dma-internal.h - what the two halves of the DMA engine
 * share: the request (drivers/block/dma.c builds, runs and completes it)
 * and the queue that feeds it to the workers (drivers/block/dma-engine.c).
 * Not for drivers: they see drivers/block/dma.h.
 */
#ifndef PINIO_DRIVERS_BLOCK_DMA_INTERNAL_H
#define PINIO_DRIVERS_BLOCK_DMA_INTERNAL_H

#include <time.h>
#include "drivers/block/dma.h"

/* One page of a request: where it is, and its allocation generation at submit. */
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
 * @cap: room for snapshot entries (and as many iovecs).
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
	unsigned int cap;
	int nr_iov;
	uint64_t iov_bytes;
	struct iovec *iov;
	struct dma_snap snap[];
};

/* Requests accepted and not yet completed, held ones included. */
extern atomic_long_t dma_eng_active;
/* Requests a device holds (SIM_IO_HOLD, SIM_IO_REORDER). */
extern atomic_long_t dma_eng_held;

/* drivers/block/dma.c: transfer (or flush, discard) and complete @rq. */
void dma_run(struct dma_req *rq);
/* drivers/block/dma-engine.c: hand @rq to the workers, or run it inline. */
void dma_queue(struct dma_req *rq);

static inline uint64_t dma_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

#endif /* PINIO_DRIVERS_BLOCK_DMA_INTERNAL_H */
