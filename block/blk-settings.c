// SPDX-License-Identifier: GPL-2.0
/*
 * block/blk-settings.c - a queue's limits: the defaults, the setters a
 * driver calls, and the validation every disk passes before it is created.
 *
 * Models block/blk-settings.c of v6.5 (blk_set_default_limits() and the
 * blk_queue_*() setters, which clamp a bad value to the nearest legal one
 * as the kernel does, silently here instead of with a printk) plus the
 * later kernels' blk_validate_limits() (6.10), which refuses a bad set
 * with -EINVAL. Left out: stacking (blk_stack_limits), zoned and discard
 * limits, io_min/io_opt, chunk sectors, the volatile write cache flags.
 */
#include <pinio/blkdev.h>

/*
 * The v6.5 defaults (include/linux/blkdev.h): BLK_SAFE_MAX_SECTORS (255)
 * for both sector limits until a driver says more, BLK_MAX_SEGMENTS (128),
 * BLK_MAX_SEGMENT_SIZE (64 KiB), a 4 GiB segment boundary, no virtual
 * boundary, and a 512-byte DMA alignment.
 */
#define BLK_SAFE_MAX_SECTORS	255U
#define BLK_DEF_MAX_SECTORS	2560U
#define BLK_MAX_SEGMENTS	128U
#define BLK_MAX_SEGMENT_SIZE	65536U
#define BLK_SEG_BOUNDARY_MASK	0xFFFFFFFFUL
#define BLK_DEF_DMA_ALIGNMENT	511U

static bool is_power_of_2(unsigned long n)
{
	return n && !(n & (n - 1));
}

/**
 * blk_set_default_limits() - the limits of a queue no driver has tuned.
 * @lim: filled in.
 *
 * logical and physical block size 512, max_sectors = max_hw_sectors = 255,
 * 128 segments of at most 64 KiB, segment boundary 0xffffffff, no virtual
 * boundary, dma_alignment 511 (a mask), not zoned.
 */
void blk_set_default_limits(struct queue_limits *lim)
{
	*lim = (struct queue_limits){
		.logical_block_size = SECTOR_SIZE,
		.physical_block_size = SECTOR_SIZE,
		.max_sectors = BLK_SAFE_MAX_SECTORS,
		.max_hw_sectors = BLK_SAFE_MAX_SECTORS,
		.max_segments = BLK_MAX_SEGMENTS,
		.max_segment_size = BLK_MAX_SEGMENT_SIZE,
		.dma_alignment = BLK_DEF_DMA_ALIGNMENT,
		.seg_boundary_mask = BLK_SEG_BOUNDARY_MASK,
		.virt_boundary_mask = 0,
		.max_zone_append_sectors = 0,
		.zoned = false,
	};
}

/**
 * blk_validate_limits() - is @lim a set a disk may be created with?
 * @lim: the limits.
 *
 * The rules: logical_block_size a power of two in 512..PAGE_SIZE;
 * physical_block_size a power of two no smaller than it; max_hw_sectors at
 * least one page and a whole number of logical blocks; max_sectors between
 * one logical block and max_hw_sectors, also a whole number of blocks;
 * max_segments >= 1; max_segment_size >= PAGE_SIZE; seg_boundary_mask + 1
 * a power of two of at least PAGE_SIZE (the mask may be all ones);
 * virt_boundary_mask 0 or one less than a power of two below PAGE_SIZE
 * (with one, max_segment_size must be UINT_MAX, as the kernel forces);
 * dma_alignment one less than a power of two, below PAGE_SIZE; zoned
 * disks are not modelled.
 *
 * Return: 0, or -EINVAL for the first rule broken.
 */
int blk_validate_limits(const struct queue_limits *lim)
{
	unsigned int lbs = lim->logical_block_size;
	unsigned int lbs_sectors;

	if (!is_power_of_2(lbs) || lbs < SECTOR_SIZE || lbs > PAGE_SIZE)
		return -EINVAL;
	lbs_sectors = lbs >> SECTOR_SHIFT;
	if (!is_power_of_2(lim->physical_block_size) || lim->physical_block_size < lbs)
		return -EINVAL;
	if (lim->max_hw_sectors < (PAGE_SIZE >> SECTOR_SHIFT) ||
	    lim->max_hw_sectors % lbs_sectors)
		return -EINVAL;
	if (lim->max_sectors < lbs_sectors || lim->max_sectors > lim->max_hw_sectors ||
	    lim->max_sectors % lbs_sectors)
		return -EINVAL;
	if (!lim->max_segments)
		return -EINVAL;
	if (lim->max_segment_size < PAGE_SIZE)
		return -EINVAL;
	if (lim->seg_boundary_mask < PAGE_SIZE - 1 ||
	    (lim->seg_boundary_mask != ~0UL && !is_power_of_2(lim->seg_boundary_mask + 1)))
		return -EINVAL;
	if (lim->virt_boundary_mask) {
		if (lim->virt_boundary_mask >= PAGE_SIZE ||
		    !is_power_of_2(lim->virt_boundary_mask + 1) ||
		    lim->max_segment_size != UINT_MAX)
			return -EINVAL;
	}
	if (!is_power_of_2((unsigned long)lim->dma_alignment + 1) ||
	    lim->dma_alignment >= PAGE_SIZE)
		return -EINVAL;
	if (lim->zoned || lim->max_zone_append_sectors)
		return -EINVAL;
	return 0;
}

/* Round both sector limits down to whole logical blocks. */
static void round_sectors_to_lbs(struct queue_limits *lim)
{
	unsigned int lbs_sectors = lim->logical_block_size >> SECTOR_SHIFT;

	lim->max_hw_sectors = ALIGN_DOWN(lim->max_hw_sectors, lbs_sectors);
	lim->max_sectors = ALIGN_DOWN(lim->max_sectors, lbs_sectors);
	if (!lim->max_sectors)
		lim->max_sectors = lbs_sectors;
}

/**
 * blk_queue_logical_block_size() - set the smallest unit the device addresses.
 * @q: the queue.
 * @size: bytes; the physical block size is raised to it if smaller, and the
 *	sector limits are rounded down to whole blocks.
 *
 * Not validated here; blk_validate_limits() refuses a bad size.
 */
void blk_queue_logical_block_size(struct request_queue *q, unsigned int size)
{
	struct queue_limits *lim = &q->limits;

	lim->logical_block_size = size;
	if (lim->physical_block_size < size)
		lim->physical_block_size = size;
	if (size >= SECTOR_SIZE)
		round_sectors_to_lbs(lim);
}

/**
 * blk_queue_max_hw_sectors() - the largest I/O the hardware takes.
 * @q: the queue.
 * @max_hw_sectors: in 512-byte sectors; raised to one page if smaller.
 *
 * max_sectors, the soft limit for file system I/O, becomes
 * min(max_hw_sectors, BLK_DEF_MAX_SECTORS = 2560) as in v6.5.
 */
void blk_queue_max_hw_sectors(struct request_queue *q, unsigned int max_hw_sectors)
{
	struct queue_limits *lim = &q->limits;

	if (max_hw_sectors < (PAGE_SIZE >> SECTOR_SHIFT))
		max_hw_sectors = PAGE_SIZE >> SECTOR_SHIFT;
	lim->max_hw_sectors = max_hw_sectors;
	lim->max_sectors = min(max_hw_sectors, BLK_DEF_MAX_SECTORS);
	round_sectors_to_lbs(lim);
}

/**
 * blk_queue_max_segments() - the most scatter-gather entries per I/O.
 * @q: the queue.
 * @max_segments: raised to 1 if 0.
 */
void blk_queue_max_segments(struct request_queue *q, unsigned short max_segments)
{
	q->limits.max_segments = max_segments ? max_segments : 1;
}

/**
 * blk_queue_max_segment_size() - the largest scatter-gather entry.
 * @q: the queue.
 * @max_size: bytes; raised to PAGE_SIZE if smaller.
 */
void blk_queue_max_segment_size(struct request_queue *q, unsigned int max_size)
{
	q->limits.max_segment_size = max_size < PAGE_SIZE ? (unsigned int)PAGE_SIZE : max_size;
}

/**
 * blk_queue_dma_alignment() - the memory alignment the DMA engine needs.
 * @q: the queue.
 * @mask: alignment minus one (511: 512-byte aligned addresses and lengths).
 */
void blk_queue_dma_alignment(struct request_queue *q, int mask)
{
	q->limits.dma_alignment = (unsigned int)mask;
}

/**
 * blk_queue_segment_boundary() - no segment may cross a (mask + 1) boundary.
 * @q: the queue.
 * @mask: raised to PAGE_SIZE - 1 if smaller.
 */
void blk_queue_segment_boundary(struct request_queue *q, unsigned long mask)
{
	q->limits.seg_boundary_mask = mask < PAGE_SIZE - 1 ? PAGE_SIZE - 1 : mask;
}

/**
 * blk_queue_virt_boundary() - segments must meet at (mask + 1) boundaries
 * (NVMe's PRP rule): only the first may start and only the last may end
 * inside one.
 * @q: the queue.
 * @mask: 0 for none. With a boundary the segment size is unlimited
 *	(UINT_MAX), as the kernel sets it.
 */
void blk_queue_virt_boundary(struct request_queue *q, unsigned long mask)
{
	q->limits.virt_boundary_mask = mask;
	if (mask)
		q->limits.max_segment_size = UINT_MAX;
}
