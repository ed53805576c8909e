// SPDX-License-Identifier: GPL-2.0
/*
 * drivers/block/null.c - a null disk.
 *
 * Models drivers/block/null_blk in its default, bio-based form without
 * memory backing: no data moves in either direction, so a read leaves the
 * destination memory exactly as it was (null_blk does not zero it
 * either), and a write goes nowhere. The DMA engine still checks every
 * page (I9), so the null disk exercises the page-pinning path at full
 * speed. Completion latency (null_blk's completion_nsec) is
 * sim_disk_set_latency(); injected errors are sim_disk_inject(). Left out:
 * blk-mq queues, zoned mode, memory backing, bad-block lists, shared tags.
 */
#include <stdlib.h>
#include "drivers/block/dma.h"

struct null_disk {
	struct dma_dev dd;
};

static void null_free(struct dma_dev *dd)
{
	free(container_of(dd, struct null_disk, dd));
}

static const struct dma_ops null_dma_ops = {
	.free = null_free,
};

static const struct block_device_operations null_fops = {
	.name = "null",
	.submit_bio = dma_submit_bio,
	.free_disk = dma_disk_free,
};

/**
 * sim_nulldisk_create() - create /dev/NAME, a null disk of @bytes.
 * @name: NAME.
 * @bytes: capacity, a multiple of @lbs.
 * @lbs: logical block size (0: 512).
 *
 * Return: 0, -EINVAL, -EEXIST, -ENOMEM.
 */
int sim_nulldisk_create(const char *name, uint64_t bytes, unsigned int lbs)
{
	struct queue_limits lim;
	struct null_disk *nd;
	int err;

	err = sim_disk_check_geometry(name, bytes, &lbs);
	if (err)
		return err;
	nd = calloc(1, sizeof(*nd));
	if (!nd)
		return -ENOMEM;
	nd->dd.ops = &null_dma_ops;
	sim_disk_default_limits(&lim, lbs);
	return dma_disk_add(&nd->dd, name, &null_fops, &lim, bytes);
}
