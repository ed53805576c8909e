/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/dma_fixture.h - the fixture of the DMA suites (dma, dma_fault): a clock,
 * the 1 MiB "ram0" disk opened and destroyed, the DMA thread counts the
 * cases run under.
 */
#ifndef PINIO_TESTS_DMA_FIXTURE_H
#define PINIO_TESTS_DMA_FIXTURE_H

#include <pinio/fault-inject.h>
#include <pinio/trace.h>

#include "blk_helpers.h"

#define MiB	(1UL << 20)

uint64_t dma_kunit_now_ns(void);

/* A RAM disk "ram0" of 1 MiB, opened (ASSERT). */
struct block_device *dma_kunit_ram(struct kunit *test);

void dma_kunit_ram_done(struct kunit *test, struct block_device *bdev);

/* DMA worker counts a parameterised case runs under (0: inline DMA). */
extern const unsigned int dma_thread_counts[4];

void dma_threads_desc(const unsigned int *n, char *desc);

#endif /* PINIO_TESTS_DMA_FIXTURE_H */
