// SPDX-License-Identifier: GPL-2.0
/*
 * drivers/block/ram.c - a RAM disk.
 *
 * Models drivers/block/brd.c: the store is host memory allocated one page
 * at a time on first write (a never-written block reads as zeros),
 * discard frees whole store pages and zeroes partial ones, and data is
 * copied for real between page_address() of the bio's pages and the store
 * by the DMA engine's workers. Store pages are guarded by a small array of
 * striped locks, so overlapping I/O is well defined (the later writer
 * wins per page) and race-free. Left out: the xarray (a flat table
 * instead), highmem, partitions, the module parameters.
 */
#include <stdlib.h>
#include <string.h>
#include "drivers/block/dma.h"

#define RAM_LOCKS	64

struct ram_disk {
	struct dma_dev dd;
	unsigned long nr_chunks;
	unsigned char **chunks;		/* PAGE_SIZE each, NULL until written */
	pthread_mutex_t locks[RAM_LOCKS];
};

static struct ram_disk *to_ram(struct dma_dev *dd)
{
	return container_of(dd, struct ram_disk, dd);
}

static pthread_mutex_t *chunk_lock(struct ram_disk *rd, unsigned long c)
{
	return &rd->locks[c % RAM_LOCKS];
}

/* Copy @len bytes between @buf and the store at @pos, within one store page. */
static int ram_copy(struct ram_disk *rd, bool write, char *buf, size_t len, uint64_t pos)
{
	unsigned long c = (unsigned long)(pos >> PAGE_SHIFT);
	size_t off = (size_t)(pos & (PAGE_SIZE - 1));
	int ret = 0;

	pthread_mutex_lock(chunk_lock(rd, c));
	if (write) {
		if (!rd->chunks[c])
			rd->chunks[c] = calloc(1, PAGE_SIZE);
		if (rd->chunks[c])
			memcpy(rd->chunks[c] + off, buf, len);
		else
			ret = -ENOMEM;
	} else if (rd->chunks[c]) {
		memcpy(buf, rd->chunks[c] + off, len);
	} else {
		memset(buf, 0, len);
	}
	pthread_mutex_unlock(chunk_lock(rd, c));
	return ret;
}

static ssize_t ram_rw(struct dma_dev *dd, bool write, const struct iovec *iov, int cnt,
		      uint64_t pos, blk_opf_t opf)
{
	struct ram_disk *rd = to_ram(dd);
	ssize_t done = 0;
	int i;

	for (i = 0; i < cnt; i++) {
		char *buf = iov[i].iov_base;
		size_t left = iov[i].iov_len;

		while (left) {
			size_t n = min_t(size_t, left, PAGE_SIZE - (pos & (PAGE_SIZE - 1)));
			int err = ram_copy(rd, write, buf, n, pos);

			if (err)
				return done ? done : err;
			buf += n;
			left -= n;
			pos += n;
			done += (ssize_t)n;
		}
	}
	return done;
}

static int ram_discard(struct dma_dev *dd, uint64_t pos, uint64_t len, bool zeroes)
{
	struct ram_disk *rd = to_ram(dd);

	while (len) {
		unsigned long c = (unsigned long)(pos >> PAGE_SHIFT);
		size_t off = (size_t)(pos & (PAGE_SIZE - 1));
		size_t n = (size_t)min_t(uint64_t, len, PAGE_SIZE - off);

		pthread_mutex_lock(chunk_lock(rd, c));
		if (n == PAGE_SIZE) {
			free(rd->chunks[c]);
			rd->chunks[c] = NULL;
		} else if (rd->chunks[c]) {
			memset(rd->chunks[c] + off, 0, n);
		}
		pthread_mutex_unlock(chunk_lock(rd, c));
		pos += n;
		len -= n;
	}
	return 0;
}

static void ram_free(struct dma_dev *dd)
{
	struct ram_disk *rd = to_ram(dd);
	unsigned long c;
	int i;

	for (c = 0; c < rd->nr_chunks; c++)
		free(rd->chunks[c]);
	for (i = 0; i < RAM_LOCKS; i++)
		pthread_mutex_destroy(&rd->locks[i]);
	free(rd->chunks);
	free(rd);
}

static const struct dma_ops ram_dma_ops = {
	.rw = ram_rw,
	.discard = ram_discard,
	.free = ram_free,
};

static const struct block_device_operations ram_fops = {
	.name = "ram",
	.submit_bio = dma_submit_bio,
	.free_disk = dma_disk_free,
};

/**
 * sim_ramdisk_create() - create /dev/NAME, a RAM disk of @bytes.
 * @name: NAME.
 * @bytes: capacity, a multiple of @lbs.
 * @lbs: logical block size (0: 512).
 *
 * Host memory for the store is allocated as blocks are written; none of
 * it comes from the simulated machine's memory.
 *
 * Return: 0, -EINVAL, -EEXIST, -ENOMEM.
 */
int sim_ramdisk_create(const char *name, uint64_t bytes, unsigned int lbs)
{
	struct queue_limits lim;
	struct ram_disk *rd;
	int err, i;

	err = sim_disk_check_geometry(name, bytes, &lbs);
	if (err)
		return err;
	rd = calloc(1, sizeof(*rd));
	if (!rd)
		return -ENOMEM;
	rd->nr_chunks = (unsigned long)DIV_ROUND_UP(bytes, PAGE_SIZE);
	rd->chunks = calloc(rd->nr_chunks, sizeof(*rd->chunks));
	if (!rd->chunks) {
		free(rd);
		return -ENOMEM;
	}
	for (i = 0; i < RAM_LOCKS; i++)
		pthread_mutex_init(&rd->locks[i], NULL);
	rd->dd.ops = &ram_dma_ops;
	sim_disk_default_limits(&lim, lbs);
	return dma_disk_add(&rd->dd, name, &ram_fops, &lim, bytes);
}
