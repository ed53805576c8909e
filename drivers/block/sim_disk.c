// SPDX-License-Identifier: GPL-2.0
/*
 * drivers/block/sim_disk.c - what the simulated disks have in common:
 * creating one on the DMA engine, deleting it, its limits, latency, test
 * hook and injected faults (the sim_disk_*() API), and tearing all of them
 * down at shutdown.
 *
 * No kernel twin: this is the glue a module's init and exit (brd_alloc,
 * null_add_dev, loop_add) and the fault-injection knobs of null_blk and
 * SPDK's error bdev would be. A disk's creator reference belongs to
 * whoever deletes it: sim_disk_destroy() runs del_gendisk() and put_disk();
 * the driver's state is freed by ->free_disk once the disk is closed too.
 */
#include <stdio.h>
#include <string.h>
#include <pinio/fault-inject.h>
#include "drivers/block/dma.h"

/* Limits the simulated disks start with (see sim_ramdisk_create()). */
#define SIM_DISK_MAX_SECTORS	2560U

static pthread_mutex_t devs_lock = PTHREAD_MUTEX_INITIALIZER;
static LIST_HEAD(devs);

#define SIM_IO_ALL_FLAGS	(SIM_IO_FAIL_SUBMIT | SIM_IO_FAIL | SIM_IO_FAIL_SECTOR | \
				 SIM_IO_PARTIAL | SIM_IO_DELAY | SIM_IO_REORDER | SIM_IO_HOLD)

/**
 * sim_disk_default_limits() - the limits a simulated disk starts with.
 * @lim: filled in.
 * @lbs: logical block size, also the physical block size.
 *
 * The block layer's defaults with max_sectors = max_hw_sectors = 2560
 * (1.25 MiB, v6.5's BLK_DEF_MAX_SECTORS), so large I/O is not cut into
 * 255-sector pieces.
 */
void sim_disk_default_limits(struct queue_limits *lim, unsigned int lbs)
{
	blk_set_default_limits(lim);
	lim->logical_block_size = lbs;
	lim->physical_block_size = lbs;
	lim->max_hw_sectors = SIM_DISK_MAX_SECTORS;
	lim->max_sectors = SIM_DISK_MAX_SECTORS;
}

/**
 * sim_disk_check_geometry() - check a new disk's name, size and block size.
 * @name: NAME of /dev/NAME.
 * @bytes: capacity in bytes.
 * @lbs: in: the logical block size asked for (0: 512); out: the one to use.
 *
 * Return: 0, -EINVAL (bad name, lbs not a power of two in 512..PAGE_SIZE,
 * @bytes 0 or not a whole number of blocks), -EEXIST (NAME is taken; the
 * final check is add_disk()'s).
 */
int sim_disk_check_geometry(const char *name, uint64_t bytes, unsigned int *lbs)
{
	struct gendisk *disk;
	unsigned int b = *lbs ? *lbs : SECTOR_SIZE;

	if (!name || !*name || strlen(name) >= sizeof(((struct gendisk *)0)->disk_name) ||
	    strchr(name, '/'))
		return -EINVAL;
	if (b < SECTOR_SIZE || b > PAGE_SIZE || (b & (b - 1)))
		return -EINVAL;
	if (!bytes || bytes % b)
		return -EINVAL;
	disk = blk_get_disk_by_name(name);
	if (disk) {
		put_disk(disk);
		return -EEXIST;
	}
	*lbs = b;
	return 0;
}

/* Take the held requests off @dd in release order; dd->lock held. */
static int take_held(struct dma_dev *dd, struct list_head *out)
{
	int n = 0;

	while (!list_empty(&dd->held)) {
		struct list_head *e = dd->held_newest_first ? dd->held.prev : dd->held.next;

		list_del(e);
		list_add_tail(e, out);
		n++;
	}
	dd->nr_held = 0;
	return n;
}

/* sim_disk_inject_new(): the fault every disk created from now on starts with. */
static struct sim_io_fault new_disk_fault;
static bool new_disk_fault_armed;

/* sim_fault_reset() hook: disarm every disk's faults (all slots) and hook, run its held bios. */
static void sim_disk_fault_reset(void)
{
	struct dma_dev *dd;
	LIST_HEAD(release);

	pthread_mutex_lock(&devs_lock);
	new_disk_fault_armed = false;
	list_for_each_entry(dd, &devs, node) {
		pthread_mutex_lock(&dd->lock);
		dd->fault_armed = 0;
		dd->hook = NULL;
		dd->hook_arg = NULL;
		dma_dev_sync_plain(dd);
		take_held(dd, &release);
		pthread_mutex_unlock(&dd->lock);
	}
	pthread_mutex_unlock(&devs_lock);
	dma_run_held(&release);
}

/**
 * dma_dev_init() - set up the engine's state of a new disk.
 * @dd: embedded in the driver's private data, otherwise uninitialized.
 * @ops: the driver.
 */
void dma_dev_init(struct dma_dev *dd, const struct dma_ops *ops)
{
	memset(dd, 0, sizeof(*dd));
	dd->ops = ops;
	dd->plain = true;
	pthread_mutex_init(&dd->lock, NULL);
	INIT_LIST_HEAD(&dd->held);
	sim_fault_register_reset(sim_disk_fault_reset);
	pthread_mutex_lock(&devs_lock);
	if (new_disk_fault_armed) {
		/* The run's slot: the disk's own stays free for sim_disk_inject(). */
		dd->fault[DMA_FAULT_RUN].f = new_disk_fault;
		dd->fault_armed |= 1U << DMA_FAULT_RUN;
	}
	/* Not plain with a fault armed: dma_submit_bio() would skip it. */
	dma_dev_sync_plain(dd);
	list_add_tail(&dd->node, &devs);
	pthread_mutex_unlock(&devs_lock);
	dma_engine_dev_add();
}

/**
 * dma_dev_exit() - undo dma_dev_init(); the disk has no I/O left.
 * @dd: the device.
 */
void dma_dev_exit(struct dma_dev *dd)
{
	pthread_mutex_lock(&devs_lock);
	list_del(&dd->node);
	pthread_mutex_unlock(&devs_lock);
	WARN_ON_ONCE(!list_empty(&dd->held));
	pthread_mutex_destroy(&dd->lock);
	dma_engine_dev_del();
}

/**
 * dma_disk_free() - the ->free_disk of every simulated disk.
 * @disk: the disk, closed and idle.
 *
 * Calls the driver's ->free to release its state.
 */
void dma_disk_free(struct gendisk *disk)
{
	struct dma_dev *dd = disk->private_data;

	dma_dev_exit(dd);
	dd->ops->free(dd);
}

/**
 * dma_disk_add() - create and register the disk of a driver.
 * @dd: the engine state inside the driver's private data, with only
 *	->ops set.
 * @name: NAME.
 * @fops: the driver's block_device_operations (->submit_bio must be
 *	dma_submit_bio or end in it, as ram's prefetching wrapper does;
 *	->free_disk must be dma_disk_free, which is how sim_disk_get()
 *	recognises a simulated disk).
 * @lim: the queue limits.
 * @bytes: capacity in bytes.
 *
 * From this call on the disk owns the driver's state: on any failure it
 * has been freed through ->free (which must cope with a @dd that
 * dma_dev_init() never saw), and the caller must not touch it again.
 *
 * Return: 0 or -errno.
 */
int dma_disk_add(struct dma_dev *dd, const char *name,
		 const struct block_device_operations *fops,
		 const struct queue_limits *lim, uint64_t bytes)
{
	const struct dma_ops *ops = dd->ops;
	struct gendisk *disk;
	int err;

	disk = blk_alloc_disk(name, fops, lim, bytes >> SECTOR_SHIFT);
	if (IS_ERR(disk)) {
		ops->free(dd);
		return (int)PTR_ERR(disk);
	}
	dma_dev_init(dd, ops);
	dd->disk = disk;
	disk->private_data = dd;
	err = add_disk(disk);
	if (err)
		put_disk(disk);
	return err;
}

/* A simulated disk by name with a reference (put_disk()), or NULL. */
static struct dma_dev *sim_disk_get(const char *name)
{
	struct gendisk *disk = blk_get_disk_by_name(name);

	if (!disk)
		return NULL;
	if (disk->fops->free_disk != dma_disk_free) {
		put_disk(disk);
		return NULL;
	}
	return disk->private_data;
}

/* Claim @dd for deletion, release what it holds, delete its disk. */
static void sim_disk_delete(struct dma_dev *dd)
{
	struct gendisk *disk = dd->disk;
	LIST_HEAD(release);

	pthread_mutex_lock(&dd->lock);
	dd->fault_armed = 0;
	dma_dev_sync_plain(dd);
	take_held(dd, &release);
	pthread_mutex_unlock(&dd->lock);
	dma_run_held(&release);
	del_gendisk(disk);
	put_disk(disk);		/* the creator's */
}

/**
 * sim_disk_destroy() - delete /dev/NAME.
 * @name: "NAME" or "/dev/NAME".
 *
 * Disarms its faults and runs the bios it holds, unregisters the name,
 * waits for the I/O in flight, and drops the creator's reference: the disk
 * is freed now, or by the last blkdev_put() if it is still open.
 *
 * Context: may sleep; not from a completion.
 * Return: 0, -ENOENT if no simulated disk has that name.
 */
int sim_disk_destroy(const char *name)
{
	struct dma_dev *dd = sim_disk_get(name);
	struct gendisk *disk;

	if (!dd)
		return -ENOENT;
	disk = dd->disk;
	if (__atomic_exchange_n(&dd->destroyed, 1, __ATOMIC_SEQ_CST)) {
		put_disk(disk);
		return -ENOENT;
	}
	sim_disk_delete(dd);
	put_disk(disk);		/* ours */
	return 0;
}

/**
 * sim_disk_set_limits() - replace the queue limits of an idle disk.
 * @name: the disk.
 * @lim: the new limits.
 *
 * Waits for the I/O in flight (completions included); the caller makes
 * sure nothing submits meanwhile.
 *
 * Return: 0, -ENOENT, -EBUSY (the disk holds I/O: SIM_IO_HOLD or
 * SIM_IO_REORDER), -EINVAL (rejected by blk_validate_limits(), or the
 * capacity is not a whole number of the new logical blocks).
 */
int sim_disk_set_limits(const char *name, const struct queue_limits *lim)
{
	struct dma_dev *dd = sim_disk_get(name);
	struct gendisk *disk;
	int ret = 0;

	if (!dd)
		return -ENOENT;
	disk = dd->disk;
	if (!lim || blk_validate_limits(lim) ||
	    get_capacity(disk) % (lim->logical_block_size >> SECTOR_SHIFT)) {
		ret = -EINVAL;
	} else {
		pthread_mutex_lock(&dd->lock);
		if (dd->nr_held)
			ret = -EBUSY;
		pthread_mutex_unlock(&dd->lock);
	}
	if (!ret) {
		blk_drain_disk(disk);
		disk->queue->limits = *lim;
	}
	put_disk(disk);
	return ret;
}

/**
 * sim_disk_get_limits() - copy out the queue limits of a disk.
 * @name: the disk.
 * @lim: where to copy them.
 *
 * Return: 0, -ENOENT.
 */
int sim_disk_get_limits(const char *name, struct queue_limits *lim)
{
	struct dma_dev *dd = sim_disk_get(name);

	if (!dd)
		return -ENOENT;
	*lim = dd->disk->queue->limits;
	put_disk(dd->disk);
	return 0;
}

/**
 * sim_disk_set_latency() - completion latency of every bio of a disk.
 * @name: the disk.
 * @ns: nanoseconds from reaching the driver to the transfer and the
 *	completion (null_blk's completion_nsec); 0 for none.
 *
 * Return: 0, -ENOENT.
 */
int sim_disk_set_latency(const char *name, uint64_t ns)
{
	struct dma_dev *dd = sim_disk_get(name);

	if (!dd)
		return -ENOENT;
	pthread_mutex_lock(&dd->lock);
	dd->latency_ns = ns;
	dma_dev_sync_plain(dd);
	pthread_mutex_unlock(&dd->lock);
	put_disk(dd->disk);
	return 0;
}

/**
 * sim_disk_set_bio_hook() - observe every bio a disk's driver receives.
 * @name: the disk.
 * @fn: called with each bio (after splitting) on the submitting thread,
 *	before the transfer is queued; NULL removes the hook.
 * @arg: passed to @fn.
 *
 * sim_fault_reset() removes it too.
 *
 * Return: 0, -ENOENT.
 */
int sim_disk_set_bio_hook(const char *name, sim_bio_hook_fn fn, void *arg)
{
	struct dma_dev *dd = sim_disk_get(name);

	if (!dd)
		return -ENOENT;
	pthread_mutex_lock(&dd->lock);
	dd->hook = fn;
	dd->hook_arg = fn ? arg : NULL;
	dma_dev_sync_plain(dd);
	pthread_mutex_unlock(&dd->lock);
	put_disk(dd->disk);
	return 0;
}

/**
 * sim_disk_inject() - arm (or disarm) the disk's own device fault.
 * @name: the disk.
 * @f: the fault (copied; its nth counts from here), or NULL to disarm.
 *	Bios already held stay held until sim_disk_release().
 *
 * This is the disk's slot (DMA_FAULT_DISK); a fault the disk was created
 * with by sim_disk_inject_new() lives in the run's slot and is neither
 * replaced nor disarmed here: both apply (enum dma_fault_slot).
 *
 * Return: 0, -ENOENT, -EINVAL (unknown flag, a positive error, REORDER
 * with a depth below 2).
 */
int sim_disk_inject(const char *name, const struct sim_io_fault *f)
{
	struct dma_dev *dd;

	if (f && ((f->flags & ~SIM_IO_ALL_FLAGS) || f->error > 0 ||
		  ((f->flags & SIM_IO_REORDER) && f->depth < 2)))
		return -EINVAL;
	dd = sim_disk_get(name);
	if (!dd)
		return -ENOENT;
	pthread_mutex_lock(&dd->lock);
	if (f) {
		dd->fault[DMA_FAULT_DISK].f = *f;
		dd->fault[DMA_FAULT_DISK].seen = 0;
		dd->fault_armed |= 1U << DMA_FAULT_DISK;
	} else {
		dd->fault_armed &= ~(1U << DMA_FAULT_DISK);
	}
	dma_dev_sync_plain(dd);
	pthread_mutex_unlock(&dd->lock);
	put_disk(dd->disk);
	return 0;
}

/**
 * sim_disk_inject_new() - arm @f on every disk created from now on.
 * @f: the fault (each new disk gets its own copy, counting nth from its
 *	creation), or NULL: disks created later start without one.
 *
 * Systematic fault runs use it on code that creates its own disks (the
 * scenarios). The fault goes into the disk's run slot (DMA_FAULT_RUN), so
 * what the code then arms with sim_disk_inject() applies as well, and
 * disarming that leaves this one armed. sim_fault_reset() disarms it on
 * every disk and stops arming new ones; NULL only does the latter.
 *
 * Return: 0, -EINVAL as sim_disk_inject().
 */
int sim_disk_inject_new(const struct sim_io_fault *f)
{
	if (f && ((f->flags & ~SIM_IO_ALL_FLAGS) || f->error > 0 ||
		  ((f->flags & SIM_IO_REORDER) && f->depth < 2)))
		return -EINVAL;
	sim_fault_register_reset(sim_disk_fault_reset);
	pthread_mutex_lock(&devs_lock);
	if (f)
		new_disk_fault = *f;
	new_disk_fault_armed = f != NULL;
	pthread_mutex_unlock(&devs_lock);
	return 0;
}

/**
 * sim_disk_release() - run the bios a disk holds.
 * @name: the disk.
 *
 * Held by SIM_IO_HOLD: in arrival order; by SIM_IO_REORDER: newest first.
 * Inline DMA runs them here; workers may complete them in any order.
 *
 * Return: how many were released, or -ENOENT.
 */
int sim_disk_release(const char *name)
{
	struct dma_dev *dd = sim_disk_get(name);
	LIST_HEAD(release);
	int n;

	if (!dd)
		return -ENOENT;
	pthread_mutex_lock(&dd->lock);
	n = take_held(dd, &release);
	pthread_mutex_unlock(&dd->lock);
	dma_run_held(&release);
	put_disk(dd->disk);
	return n;
}

/* The first simulated disk not yet claimed for deletion, claimed; or NULL. */
static struct dma_dev *claim_next(void)
{
	struct dma_dev *dd, *found = NULL;

	pthread_mutex_lock(&devs_lock);
	list_for_each_entry(dd, &devs, node) {
		if (!dd->disk || __atomic_load_n(&dd->destroyed, __ATOMIC_SEQ_CST))
			continue;
		if (!__atomic_exchange_n(&dd->destroyed, 1, __ATOMIC_SEQ_CST)) {
			found = dd;
			break;
		}
	}
	pthread_mutex_unlock(&devs_lock);
	return found;
}

/**
 * sim_block_shutdown() - delete every disk and stop the DMA engine.
 *
 * Each disk's held I/O is released and its I/O in flight drained; a disk
 * still held open (by a task's file) is freed by its last blkdev_put().
 *
 * Context: sim_shutdown(), before memory goes away.
 */
void sim_block_shutdown(void)
{
	struct dma_dev *dd;

	while ((dd = claim_next()))
		sim_disk_delete(dd);
	blk_del_all_disks();
	dma_engine_exit();
}
