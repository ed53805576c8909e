// SPDX-License-Identifier: GPL-2.0
/*
 * tests/dma_fixture.c - the fixture of the DMA suites (dma, dma_fault): a clock,
 * the 1 MiB "ram0" disk opened and destroyed, the DMA thread counts the
 * cases run under.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <pinio/fault-inject.h>
#include <pinio/trace.h>

#include "blk_helpers.h"
#include "dma_fixture.h"

uint64_t dma_kunit_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* A RAM disk "ram0" of 1 MiB, opened (ASSERT). */
struct block_device *dma_kunit_ram(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("ram0", MiB, 512), 0);
	return t_blk_open(test, "ram0");
}

void dma_kunit_ram_done(struct kunit *test, struct block_device *bdev)
{
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("ram0"), 0);
}

const unsigned int dma_thread_counts[4] = { 0, 1, 2, 4 };

void dma_threads_desc(const unsigned int *n, char *desc)
{
	if (*n)
		snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u DMA thread%s", *n, *n > 1 ? "s" : "");
	else
		snprintf(desc, KUNIT_PARAM_DESC_SIZE, "inline DMA");
}
