// SPDX-License-Identifier: GPL-2.0
/*
 * block/genhd.c - disks: allocation, the name registry behind /dev/NAME,
 * opening by name, and the reference count that keeps a disk alive while
 * it is open.
 *
 * Models block/genhd.c (blk_alloc_disk, add_disk, del_gendisk, put_disk)
 * and the bdev open path of block/bdev.c (blkdev_get_by_name,
 * blkdev_put). A disk starts with one reference, its creator's; each open
 * takes another. del_gendisk() unregisters the name, refuses new I/O and
 * waits for the I/O in flight; the driver's ->free_disk() runs when the
 * last reference goes, so a disk is freed only once closed and idle.
 * Left out: partitions (part0 is the only block_device), holders, uevents,
 * sysfs, exclusive opens and open modes, disk events, the bdev inode.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pinio/blkdev.h>

/*
 * One allocation per disk: the gendisk, its queue and its whole-disk
 * block_device, plus what the registry needs.
 */
struct disk_alloc {
	struct gendisk disk;
	struct request_queue queue;
	struct block_device bdev;
	atomic_t refs;
	int dead;		/* del_gendisk() ran: no new I/O (atomic) */
	bool registered;	/* on disk_list; under disk_lock */
};

static pthread_mutex_t disk_lock = PTHREAD_MUTEX_INITIALIZER;
static LIST_HEAD(disk_list);
static atomic_long_t nr_live_disks;

static struct disk_alloc *to_alloc(struct gendisk *disk)
{
	return container_of(disk, struct disk_alloc, disk);
}

static bool disk_name_valid(const char *name)
{
	size_t len;

	if (!name)
		return false;
	len = strlen(name);
	return len && len < sizeof(((struct gendisk *)0)->disk_name) && !strchr(name, '/');
}

/**
 * blk_alloc_disk() - allocate a disk and its request queue.
 * @name: NAME of /dev/NAME: 1..31 characters, no '/'.
 * @fops: the driver; ->submit_bio is required.
 * @lim: the queue limits, or NULL for blk_set_default_limits(); checked
 *	with blk_validate_limits().
 * @capacity: size in 512-byte sectors, a whole number of logical blocks.
 *
 * The disk is not visible until add_disk(). It holds one reference, the
 * creator's, which put_disk() drops (after del_gendisk() once added).
 *
 * Context: any thread; may sleep.
 * Return: the disk, or ERR_PTR(-EINVAL) for a bad name, driver, limits or
 * capacity, ERR_PTR(-ENOMEM).
 */
struct gendisk *blk_alloc_disk(const char *name, const struct block_device_operations *fops,
			       const struct queue_limits *lim, sector_t capacity)
{
	struct disk_alloc *da;
	struct queue_limits l;

	if (!disk_name_valid(name) || !fops || !fops->submit_bio)
		return ERR_PTR(-EINVAL);
	if (lim)
		l = *lim;
	else
		blk_set_default_limits(&l);
	if (blk_validate_limits(&l))
		return ERR_PTR(-EINVAL);
	if (capacity % (l.logical_block_size >> SECTOR_SHIFT))
		return ERR_PTR(-EINVAL);

	da = calloc(1, sizeof(*da));
	if (!da)
		return ERR_PTR(-ENOMEM);
	snprintf(da->disk.disk_name, sizeof(da->disk.disk_name), "%s", name);
	da->disk.fops = fops;
	da->disk.queue = &da->queue;
	da->disk.capacity = capacity;
	da->disk.part0 = &da->bdev;
	INIT_LIST_HEAD(&da->disk.list);
	da->queue.limits = l;
	da->queue.disk = &da->disk;
	da->bdev.bd_disk = &da->disk;
	da->bdev.bd_queue = &da->queue;
	atomic_set(&da->refs, 1);
	atomic_long_inc(&nr_live_disks);
	return &da->disk;
}

static struct disk_alloc *find_disk_locked(const char *name)
{
	struct gendisk *disk;

	list_for_each_entry(disk, &disk_list, list)
		if (!strcmp(disk->disk_name, name))
			return to_alloc(disk);
	return NULL;
}

/**
 * add_disk() - make @disk visible as /dev/NAME.
 * @disk: from blk_alloc_disk(), not added before.
 *
 * Context: any thread.
 * Return: 0, -EEXIST if a disk of that name exists, -EINVAL if @disk was
 * already added.
 */
int add_disk(struct gendisk *disk)
{
	struct disk_alloc *da = to_alloc(disk);
	int ret = 0;

	pthread_mutex_lock(&disk_lock);
	if (da->registered || __atomic_load_n(&da->dead, __ATOMIC_ACQUIRE))
		ret = -EINVAL;
	else if (find_disk_locked(disk->disk_name))
		ret = -EEXIST;
	else {
		list_add_tail(&disk->list, &disk_list);
		da->registered = true;
	}
	pthread_mutex_unlock(&disk_lock);
	return ret;
}

/**
 * disk_dead() - has del_gendisk() started on @disk?
 * @disk: the disk.
 *
 * Return: true once new I/O to @disk must fail.
 */
bool disk_dead(struct gendisk *disk)
{
	return __atomic_load_n(&to_alloc(disk)->dead, __ATOMIC_SEQ_CST);
}

/**
 * del_gendisk() - remove /dev/NAME and quiesce the disk.
 * @disk: an added disk (a disk never added is only marked dead).
 *
 * New opens fail with -ENOENT and new bios complete with BLK_STS_IOERR;
 * returns once the I/O in flight has completed. Open block_devices stay
 * valid until blkdev_put(). The creator still owns its reference.
 *
 * Context: may sleep; never from a bio's completion.
 */
void del_gendisk(struct gendisk *disk)
{
	struct disk_alloc *da = to_alloc(disk);

	pthread_mutex_lock(&disk_lock);
	if (da->registered) {
		list_del_init(&disk->list);
		da->registered = false;
	}
	pthread_mutex_unlock(&disk_lock);
	__atomic_store_n(&da->dead, 1, __ATOMIC_SEQ_CST);
	blk_drain_disk(disk);
}

/**
 * put_disk() - drop a reference to @disk.
 * @disk: the disk, or NULL.
 *
 * The last reference calls the driver's ->free_disk() (all I/O has
 * completed by then) and frees the disk.
 *
 * Context: any thread but a DMA worker.
 */
void put_disk(struct gendisk *disk)
{
	struct disk_alloc *da;

	if (!disk)
		return;
	da = to_alloc(disk);
	if (!atomic_dec_and_test(&da->refs))
		return;
	WARN_ON_ONCE(__atomic_load_n(&disk->inflight.counter, __ATOMIC_ACQUIRE));
	if (disk->fops->free_disk)
		disk->fops->free_disk(disk);
	free(da);
	atomic_long_dec(&nr_live_disks);
}

/* "/dev/NAME" and "NAME" both name NAME. */
static const char *strip_dev(const char *name)
{
	return strncmp(name, "/dev/", 5) ? name : name + 5;
}

/**
 * blkdev_get_by_name() - open a disk by name.
 * @name: "NAME" or "/dev/NAME".
 *
 * Takes a reference on the disk (and counts an opener) that blkdev_put()
 * drops. Does not pin or reference any page.
 *
 * Context: any thread.
 * Return: the whole-disk block_device, or ERR_PTR(-ENOENT) if no live
 * disk has that name, ERR_PTR(-EINVAL) for a NULL name.
 */
struct block_device *blkdev_get_by_name(const char *name)
{
	struct disk_alloc *da;

	if (!name)
		return ERR_PTR(-EINVAL);
	name = strip_dev(name);
	pthread_mutex_lock(&disk_lock);
	da = find_disk_locked(name);
	if (da) {
		atomic_inc(&da->refs);
		atomic_inc(&da->bdev.bd_openers);
	}
	pthread_mutex_unlock(&disk_lock);
	return da ? &da->bdev : ERR_PTR(-ENOENT);
}

/**
 * blkdev_put() - close what blkdev_get_by_name() opened.
 * @bdev: the block_device it returned.
 *
 * Drops the opener's disk reference; the last one frees the disk.
 */
void blkdev_put(struct block_device *bdev)
{
	if (WARN_ON_ONCE(atomic_read(&bdev->bd_openers) <= 0))
		return;
	atomic_dec(&bdev->bd_openers);
	put_disk(bdev->bd_disk);
}

/**
 * blk_get_disk_by_name() - find a registered disk and take a reference.
 * @name: "NAME" or "/dev/NAME".
 *
 * For the simulation's device management (sim_disk_*()): unlike
 * blkdev_get_by_name() it does not count an opener. put_disk() drops it.
 *
 * Return: the disk, or NULL.
 */
struct gendisk *blk_get_disk_by_name(const char *name)
{
	struct disk_alloc *da;

	if (!name)
		return NULL;
	name = strip_dev(name);
	pthread_mutex_lock(&disk_lock);
	da = find_disk_locked(name);
	if (da)
		atomic_inc(&da->refs);
	pthread_mutex_unlock(&disk_lock);
	return da ? &da->disk : NULL;
}

/**
 * blk_del_all_disks() - del_gendisk() and put_disk() every registered disk.
 *
 * For shutdown: each disk's creator reference is dropped, so a disk that
 * nobody holds open is freed; one still open lives until its blkdev_put().
 *
 * Context: may sleep.
 */
void blk_del_all_disks(void)
{
	for (;;) {
		struct gendisk *disk = NULL;

		pthread_mutex_lock(&disk_lock);
		if (!list_empty(&disk_list)) {
			disk = list_first_entry(&disk_list, struct gendisk, list);
			atomic_inc(&to_alloc(disk)->refs);
		}
		pthread_mutex_unlock(&disk_lock);
		if (!disk)
			return;
		del_gendisk(disk);
		put_disk(disk);		/* the creator's */
		put_disk(disk);		/* ours */
	}
}

/**
 * blk_nr_live_disks() - disks allocated and not yet freed.
 *
 * Return: the count; the leak report of sim_shutdown() prints it.
 */
long blk_nr_live_disks(void)
{
	return atomic_long_read(&nr_live_disks);
}
