/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/bio_fixture.h - the fixture of the bio suites (tests/bio_fixture.c).
 */
#ifndef PINIO_TESTS_BIO_FIXTURE_H
#define PINIO_TESTS_BIO_FIXTURE_H

#include <pinio/bio.h>
#include <pinio/blkdev.h>

#include "mm_helpers.h"

/* Written into output arrays before a call; must never be read back. */
#define BIO_TEST_POISON	((struct page *)0xaa55aa55aa55aa55UL)

/* A parameterised case boots the profile its parameter names. */
struct bio_test_profile {
	enum sim_profile profile;
	const char *name;
};

/* A device stand-in: only the queue limits matter to bio.c. */
struct bio_test_dev {
	struct request_queue q;
	struct block_device bdev;
};

/* Calls of bio_test_end_io() since the case last zeroed it. */
extern unsigned int bio_test_end_calls;

int bio_test_init(struct kunit *test);
void bio_test_exit(struct kunit *test);
void bio_test_dev_init(struct bio_test_dev *d, unsigned int lbs);
unsigned long bio_test_buf(struct kunit *test, unsigned int npages, int c);
unsigned long bio_test_thp(struct kunit *test, int c, unsigned long *map);
struct page *bio_test_page(unsigned long addr);
long bio_test_pins(struct page *page);
unsigned long bio_test_acquired(void);
unsigned long bio_test_released(void);
void bio_test_pin(struct kunit *test, unsigned long addr, int n, struct page **pages);
void bio_test_poison_table(struct bio *bio);
void bio_test_finish(struct bio *bio, bool mark_dirty);
void bio_test_end_io(struct bio *bio);

#endif /* PINIO_TESTS_BIO_FIXTURE_H */
