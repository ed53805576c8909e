/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drivers/block/dma.h - the DMA engine every simulated disk shares, and the
 * per-disk state the drivers embed.
 *
 * A driver's ->submit_bio is dma_submit_bio(): the engine applies the
 * disk's injected faults, snapshots every page the bio covers with its
 * allocation generation, and queues the transfer to its worker threads (or
 * runs it in the submitter's context in inline mode). At transfer time it
 * checks each page again (live, same generation, not a zero page as a read
 * target: I9), then calls the driver's data mover with host iovecs built
 * from page_address(), and completes the bio with bio_endio() and
 * disk_io_done(). Nothing here pins, references or releases a page: the
 * bio's owner keeps its pages alive (I2).
 */
#ifndef PINIO_DRIVERS_BLOCK_DMA_H
#define PINIO_DRIVERS_BLOCK_DMA_H

#include <pthread.h>
#include <sys/uio.h>
#include <pinio/blkdev.h>
#include <pinio/sim.h>

#define DMA_MAX_THREADS		8U
#define DMA_DEFAULT_THREADS	2U

struct dma_dev;
struct dma_req;

/**
 * struct dma_ops - what a driver does with checked memory.
 * @rw: move the bytes of @iov (host memory) to (@write) or from the device
 *	at byte @pos, synchronously. Return the bytes moved (anything short
 *	of the iovecs' total fails the bio) or -errno. NULL: a device that
 *	moves no data (null_blk).
 * @rw_async: like @rw but asynchronous: return 0 once started and call
 *	dma_xfer_done() later from any thread, or -errno if it could not
 *	start. Used instead of @rw when set. @iov lives until completion.
 * @flush: make written data durable (REQ_PREFLUSH, REQ_OP_FLUSH); NULL:
 *	nothing to do.
 * @discard: REQ_OP_DISCARD (@zeroes false) or REQ_OP_WRITE_ZEROES on
 *	[@pos, @pos + @len); NULL: no-op.
 * @free: free the driver's state after the disk is gone (called by the
 *	disk's ->free_disk, after dma_dev_exit()).
 */
struct dma_ops {
	ssize_t (*rw)(struct dma_dev *dd, bool write, const struct iovec *iov, int cnt,
		      uint64_t pos, blk_opf_t opf);
	int (*rw_async)(struct dma_dev *dd, struct dma_req *rq, bool write,
			const struct iovec *iov, int cnt, uint64_t pos, blk_opf_t opf);
	int (*flush)(struct dma_dev *dd);
	int (*discard)(struct dma_dev *dd, uint64_t pos, uint64_t len, bool zeroes);
	void (*free)(struct dma_dev *dd);
};

/**
 * enum dma_fault_slot - the device faults a disk can have armed at once.
 * @DMA_FAULT_DISK: armed on the disk by name (sim_disk_inject()); what a
 *	test or a scenario sets up and takes down itself.
 * @DMA_FAULT_RUN: armed on the disk at its creation by
 *	sim_disk_inject_new(): a systematic fault run's, independent of the
 *	first, so a scenario arming (or disarming) its own fault neither
 *	replaces nor removes it.
 * @DMA_NR_FAULT_SLOTS: their number.
 *
 * A bio both hit is treated as the union of the two, in slot order
 * (dma_fault_take() in drivers/block/dma.c): a submit refusal wins over
 * everything; otherwise the transfer moves at most the smallest limit
 * (partial, bad sector) and fails with the error of the first slot that
 * fails it; delays add up; HOLD wins over REORDER. sim_fault_reset()
 * disarms both.
 */
enum dma_fault_slot {
	DMA_FAULT_DISK,
	DMA_FAULT_RUN,
	DMA_NR_FAULT_SLOTS,
};

/**
 * struct dma_dev - the engine's view of one disk; drivers embed it first
 * in their private data (gendisk->private_data points at it).
 * @disk: the disk, once created.
 * @ops: the driver.
 * @lock: protects the faults, the held list, latency and hook.
 * @fault: the fault slots, enum dma_fault_slot: the disk's own
 *	(sim_disk_inject()) and the run's (sim_disk_inject_new()); each
 *	counts its bios (@fault[].seen, for nth and jitter) on its own.
 * @fault_armed: bit s set: @fault[s] is live.
 * @held: requests held by SIM_IO_HOLD or SIM_IO_REORDER.
 * @nr_held: their number.
 * @held_newest_first: they were held by SIM_IO_REORDER: release LIFO.
 * @latency_ns: added to every bio's completion time.
 * @hook: test observer of every bio received.
 * @plain: no fault armed in any slot, no latency, no hook (atomic;
 *	written under @lock by dma_dev_sync_plain() after any of them
 *	changes): the submit path then skips @lock.
 * @destroyed: sim_disk_destroy() claimed it (atomic).
 * @node: on the list of all dma_devs.
 */
struct dma_dev {
	struct gendisk *disk;
	const struct dma_ops *ops;
	pthread_mutex_t lock;
	struct dma_fault_slot_state {
		struct sim_io_fault f;
		unsigned long seen;
	} fault[DMA_NR_FAULT_SLOTS];
	unsigned int fault_armed;
	struct list_head held;
	unsigned int nr_held;
	bool held_newest_first;
	uint64_t latency_ns;
	sim_bio_hook_fn hook;
	void *hook_arg;
	bool plain;
	int destroyed;
	struct list_head node;
};

/*
 * Recompute @dd->plain; call with @dd->lock held after changing its config
 * (a fault armed or spent in any slot, the latency, the hook).
 */
static inline void dma_dev_sync_plain(struct dma_dev *dd)
{
	__atomic_store_n(&dd->plain, !dd->fault_armed && !dd->latency_ns && !dd->hook,
			 __ATOMIC_RELEASE);
}

/*
 * The DMA counters (sim_dma_stat() names in drivers/block/dma.c); the
 * file_uring_* ones are the io_uring backend's: I/O SQEs submitted (short
 * transfers' resubmissions included), io_uring_enter() calls that
 * submitted, the sum over those of the I/Os then in flight at the host
 * (divide by the enters for the mean depth), waits for a CQE, doorbells
 * rung, and chunks of ops its per-ring pools allocated.
 */
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
	DS_URING_SQES,
	DS_URING_ENTERS,
	DS_URING_DEPTH_SUM,
	DS_URING_WAITS,
	DS_URING_KICKS,
	DS_FAULTS_RUN,
	DS_URING_OP_CHUNKS,
	NR_DMA_STATS,
};

/* drivers/block/dma.c */
void dma_stat_add(enum dma_stat_item i, unsigned long n);
void dma_submit_bio(struct bio *bio);
/* An asynchronous transfer started by ->rw_async ended: bytes moved or -errno. */
void dma_xfer_done(struct dma_req *rq, ssize_t res);
struct dma_dev *dma_req_dev(const struct dma_req *rq);
/* Queue (or, inline, run) requests the device held, in list order. */
void dma_run_held(struct list_head *list);
/* A disk starts/stops using the engine (workers start with the first). */
void dma_engine_dev_add(void);
void dma_engine_dev_del(void);
/* Join the workers (after draining their queue) and go back to the default. */
void dma_engine_exit(void);
/* Count a bio failed at submit or completed by the engine. */
void dma_count(const char *name, unsigned long n);

/* drivers/block/sim_disk.c: creating and deleting simulated disks. */
void sim_disk_default_limits(struct queue_limits *lim, unsigned int lbs);
int sim_disk_check_geometry(const char *name, uint64_t bytes, unsigned int *lbs);
void dma_dev_init(struct dma_dev *dd, const struct dma_ops *ops);
void dma_dev_exit(struct dma_dev *dd);
int dma_disk_add(struct dma_dev *dd, const char *name,
		 const struct block_device_operations *fops,
		 const struct queue_limits *lim, uint64_t bytes);
void dma_disk_free(struct gendisk *disk);
/*
 * sim_shutdown(): delete every disk (held I/O released, in-flight I/O
 * drained; an open one lives until its last blkdev_put()) and stop the
 * DMA workers.
 */
void sim_block_shutdown(void);

#endif /* PINIO_DRIVERS_BLOCK_DMA_H */
