/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/fops_fixture.h - the fixture of the raw block device suites (fops,
 * fops_aio): a 64 MiB machine with THP and a 16 MiB ram disk "fram"
 * (512-byte blocks, dma_alignment 511) per case, user buffers, patterns
 * and pin counts.
 */
#ifndef PINIO_TESTS_FOPS_FIXTURE_H
#define PINIO_TESTS_FOPS_FIXTURE_H

#include <pinio/blkdev.h>
#include <pinio/fs.h>
#include <pinio/sim.h>

#include "block/blk.h"
#include "kunit/test.h"
#include "mm_helpers.h"

#define FOPS_DISK		"fram"
#define FOPS_DEV		"/dev/fram"
#define FOPS_DISK_BYTES		(16UL << 20)

/* Pin and zero-page counters, before and after an I/O. */
struct fops_counts {
	unsigned long acquired;
	unsigned long released;
	unsigned long zero_pins;
	unsigned long gets;
	int zero_ref;
};

#define FOPS_EXPECT_PINS(test, before, acq, rel) do {				\
	struct fops_counts __now;						\
	fops_counts(&__now);							\
	KUNIT_EXPECT_EQ_MSG(test, __now.acquired - (before)->acquired, (unsigned long)(acq), \
			    "nr_foll_pin_acquired delta");			\
	KUNIT_EXPECT_EQ_MSG(test, __now.released - (before)->released, (unsigned long)(rel), \
			    "nr_foll_pin_released delta");			\
	KUNIT_EXPECT_EQ_MSG(test, __now.zero_ref, (before)->zero_ref,		\
			    "the zero page's refcount moved");			\
} while (0)

extern const struct sim_config fops_cfg;

int fops_test_init(struct kunit *test);

void fops_test_exit(struct kunit *test);

void fops_counts(struct fops_counts *c);

int fops_open(struct kunit *test, int flags);

/* Anonymous read-write memory, untouched. */
unsigned long fops_mmap(struct kunit *test, size_t len);

/* Anonymous memory that stays in small pages (MADV_NOHUGEPAGE). */
unsigned long fops_mmap_small(struct kunit *test, size_t len);

/* The byte at offset @i of pattern @seed. */
unsigned char fops_pat(unsigned long i, unsigned int seed);

/* Fill user memory [addr, addr+len) with pattern @seed (faulting it in). */
void fops_fill(struct kunit *test, unsigned long addr, size_t len, unsigned int seed);

/* Does user memory [addr, addr+len) hold pattern @seed (or all @seed-bytes if @flat)? */
bool fops_user_is(unsigned long addr, size_t len, unsigned int seed, bool flat);

/*
 * Read [off, off+len) of the disk through a fresh O_DIRECT descriptor
 * into fresh memory, and check it holds pattern @seed (or the byte @seed
 * everywhere if @flat): the bytes the device really has.
 */
bool fops_disk_is(struct kunit *test, off_t off, size_t len, unsigned int seed,
		  bool flat);

#endif /* PINIO_TESTS_FOPS_FIXTURE_H */
