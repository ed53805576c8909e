/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinio/blkdev.h - block devices, request queues and their limits
 * (include/linux/blkdev.h, block/blk-settings.c, block/blk-core.c).
 *
 * A disk (struct gendisk) has a request queue with limits and a driver
 * reached only through struct block_device_operations; submit_bio() splits
 * a bio to the queue limits and hands the pieces to the driver's
 * ->submit_bio(), which completes each with bio_endio(), on a DMA worker
 * thread or inline. Disks are found by name as /dev/NAME.
 * Left out: blk-mq, I/O schedulers, plugging, partitions, integrity.
 */
#ifndef PINIO_BLKDEV_H
#define PINIO_BLKDEV_H

#include <pinio/bio.h>

struct queue_limits {
	unsigned int logical_block_size;	/* default 512 */
	unsigned int physical_block_size;
	unsigned int max_sectors;		/* soft limit for fs I/O */
	unsigned int max_hw_sectors;
	unsigned short max_segments;
	unsigned int max_segment_size;
	unsigned int dma_alignment;		/* mask; default 511 */
	unsigned long seg_boundary_mask;
	unsigned long virt_boundary_mask;
	unsigned int max_zone_append_sectors;
	bool zoned;
};

struct request_queue {
	struct queue_limits limits;
	struct gendisk *disk;
	unsigned int dma_pad_mask;
};

struct block_device_operations {
	const char *name;
	/* Take the bio; complete it with bio_endio(), now or later. */
	void (*submit_bio)(struct bio *bio);
	/* Tear down driver state; all I/O has completed. */
	void (*free_disk)(struct gendisk *disk);
};

/**
 * struct gendisk - one disk.
 * @disk_name: the NAME of /dev/NAME.
 * @fops: the driver.
 * @queue: request queue and limits.
 * @private_data: the driver's.
 * @capacity: size in 512-byte sectors.
 * @part0: the whole-disk block_device.
 */
struct gendisk {
	char disk_name[32];
	const struct block_device_operations *fops;
	struct request_queue *queue;
	void *private_data;
	sector_t capacity;
	struct block_device *part0;
	atomic_t inflight;
	struct list_head list;
};

struct block_device {
	struct gendisk *bd_disk;
	struct request_queue *bd_queue;
	atomic_t bd_openers;
};

static inline struct request_queue *bdev_get_queue(struct block_device *bdev)
{
	return bdev->bd_queue;
}

static inline unsigned int queue_logical_block_size(const struct request_queue *q)
{
	return q->limits.logical_block_size;
}

static inline unsigned int bdev_logical_block_size(struct block_device *bdev)
{
	return queue_logical_block_size(bdev_get_queue(bdev));
}

static inline unsigned int queue_dma_alignment(const struct request_queue *q)
{
	return q->limits.dma_alignment;
}

static inline unsigned int bdev_dma_alignment(struct block_device *bdev)
{
	return queue_dma_alignment(bdev_get_queue(bdev));
}

static inline unsigned int queue_max_hw_sectors(const struct request_queue *q)
{
	return q->limits.max_hw_sectors;
}

static inline unsigned short queue_max_segments(const struct request_queue *q)
{
	return q->limits.max_segments;
}

static inline unsigned long queue_segment_boundary(const struct request_queue *q)
{
	return q->limits.seg_boundary_mask;
}

static inline unsigned long queue_virt_boundary(const struct request_queue *q)
{
	return q->limits.virt_boundary_mask;
}

static inline sector_t get_capacity(const struct gendisk *disk)
{
	return disk->capacity;
}

static inline sector_t bdev_nr_sectors(struct block_device *bdev)
{
	return get_capacity(bdev->bd_disk);
}

/* blk-settings.c */
void blk_set_default_limits(struct queue_limits *lim);
int blk_validate_limits(const struct queue_limits *lim);
void blk_queue_logical_block_size(struct request_queue *q, unsigned int size);
void blk_queue_max_hw_sectors(struct request_queue *q, unsigned int max_hw_sectors);
void blk_queue_max_segments(struct request_queue *q, unsigned short max_segments);
void blk_queue_max_segment_size(struct request_queue *q, unsigned int max_size);
void blk_queue_dma_alignment(struct request_queue *q, int mask);
void blk_queue_segment_boundary(struct request_queue *q, unsigned long mask);
void blk_queue_virt_boundary(struct request_queue *q, unsigned long mask);

/* genhd.c: disks by name. */
struct gendisk *blk_alloc_disk(const char *name, const struct block_device_operations *fops,
			       const struct queue_limits *lim, sector_t capacity);
int add_disk(struct gendisk *disk);
void del_gendisk(struct gendisk *disk);
struct block_device *blkdev_get_by_name(const char *name);
void blkdev_put(struct block_device *bdev);
/* Every disk, for shutdown. */
void blk_del_all_disks(void);
/* Drop a disk reference; the last one calls ->free_disk() and frees it. */
void put_disk(struct gendisk *disk);
/* del_gendisk() has started: new I/O fails. */
bool disk_dead(struct gendisk *disk);
/* A registered disk by "NAME" or "/dev/NAME", with a reference (put_disk()); NULL if none. */
struct gendisk *blk_get_disk_by_name(const char *name);
/* Disks allocated and not yet freed (leak report). */
long blk_nr_live_disks(void);

/* blk-core.c */
void submit_bio(struct bio *bio);
void submit_bio_noacct(struct bio *bio);
int submit_bio_wait(struct bio *bio);
struct bio *bio_split_to_limits(struct bio *bio);
/* Wait until @disk has no I/O in flight. */
void blk_drain_disk(struct gendisk *disk);
/*
 * A driver is done with one bio ->submit_bio gave it (submit_bio counted
 * it in flight): call after its bio_endio() returned; touch @disk no more.
 */
void disk_io_done(struct gendisk *disk);

#endif /* PINIO_BLKDEV_H */
