/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/blk_helpers.h - helpers for the block-layer suites (blk, dma):
 * booting a small machine, test-owned folios, bios built from them,
 * asynchronous completion with a record of who completed when, a hook
 * that records the bios a driver receives, whole-range reads and writes
 * of a disk, and temporary host files. Cross-suite helpers are
 * t_blk_-prefixed (conventions 7.2); the byte and page-table helpers the
 * block suites share with the mm ones are in mm_helpers.h.
 *
 * Helpers that ASSERT must run on the case's own thread.
 */
#ifndef PINIO_TESTS_BLK_HELPERS_H
#define PINIO_TESTS_BLK_HELPERS_H

#include <limits.h>
#include <pthread.h>
#include <pinio/blkdev.h>

#include "kunit/test.h"
#include "mm/internal.h"
#include "mm_helpers.h"

#define T_BLK_MEM_BYTES		(64UL << 20)
#define T_BLK_MAX_IO		64
#ifndef MiB
#define MiB			(1UL << 20)
#endif

/* Suite .init / .exit: boot a 64 MiB machine; shut it down expecting no leaks. */
int t_blk_init(struct kunit *test);
void t_blk_exit(struct kunit *test);

/* A test-owned folio of 2^@order pages, every byte @fill (ASSERT). folio_put() frees it. */
struct folio *t_blk_folio(struct kunit *test, unsigned int order, int fill);

/* blkdev_get_by_name() that must succeed (ASSERT); blkdev_put() closes it. */
struct block_device *t_blk_open(struct kunit *test, const char *name);

/* bio_alloc() for @nr_vecs at @sector that must succeed (ASSERT); no end_io. */
struct bio *t_blk_bio(struct kunit *test, struct block_device *bdev, blk_opf_t opf,
		      sector_t sector, unsigned short nr_vecs);
/* bio_add_page() that must add all of @len (ASSERT). */
void t_blk_add(struct kunit *test, struct bio *bio, struct page *page, unsigned int len,
	       unsigned int off);

/*
 * Asynchronous completions: each submitted bio has an id; the end_io
 * records the order of completion, the status and how many times each id
 * completed. The bio is not freed by the end_io: the case bio_put()s it.
 */
struct t_blk_io;
struct t_blk_slot {
	struct t_blk_io *io;
	int id;
};

struct t_blk_io {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int completions;
	int order[T_BLK_MAX_IO];
	int count[T_BLK_MAX_IO];
	blk_status_t status[T_BLK_MAX_IO];
	struct t_blk_slot slot[T_BLK_MAX_IO];
};
void t_blk_io_init(struct t_blk_io *io);
void t_blk_io_destroy(struct t_blk_io *io);
/* Submit @bio as completion @id (0..T_BLK_MAX_IO-1). */
void t_blk_submit(struct t_blk_io *io, int id, struct bio *bio);
/* Wait until @n completions in all have happened, at most @ms. True if they did. */
bool t_blk_wait(struct t_blk_io *io, int n, unsigned int ms);
/* Completions so far. */
int t_blk_done(struct t_blk_io *io);

/* What a driver received: sim_disk_set_bio_hook(name, t_blk_seen_hook, seen). */
struct t_blk_seen {
	pthread_mutex_t lock;
	int n;
	sector_t sector[T_BLK_MAX_IO];
	unsigned int size[T_BLK_MAX_IO];
	unsigned int segs[T_BLK_MAX_IO];	/* page-granular segments */
	bool cloned[T_BLK_MAX_IO];
};
void t_blk_seen_init(struct t_blk_seen *seen);
void t_blk_seen_hook(const struct bio *bio, void *arg);

/*
 * Read or write [@sector, +@len) of @bdev through one bio of test folios,
 * copying from/to @buf. Return: submit_bio_wait()'s result.
 */
int t_blk_rw(struct kunit *test, struct block_device *bdev, bool write, sector_t sector,
	     void *buf, size_t len);

/* A host file of @size bytes (zeros) in /tmp (ASSERT); @path gets its name. unlink() it. */
void t_blk_tmpfile(struct kunit *test, size_t size, char path[PATH_MAX]);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t t_blk_now_ns(void);
/* Set one field of @name's limits (idle disk) with @edit and ASSERT it took. */
void t_blk_limits(struct kunit *test, const char *name,
		  void (*edit)(struct queue_limits *lim, unsigned long v), unsigned long v);
/* @edit callbacks for t_blk_limits(). */
void t_blk_set_max_sectors(struct queue_limits *lim, unsigned long v);
void t_blk_set_max_segments(struct queue_limits *lim, unsigned long v);

#endif /* PINIO_TESTS_BLK_HELPERS_H */
