// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for splitting a bio to the queue limits (block/blk-core.c,
 * after the kernel's block/blk-merge.c; bio_split() in block/bio.c):
 * max_sectors, max_segments, segment boundary and size, the virt boundary
 * gap, errors of a piece reaching the parent, single-page bios, and limits
 * no bio can meet. Each case boots a 64 MiB machine with test-owned folios.
 */
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pinio/fault-inject.h>

#include "blk_helpers.h"

/* ---- splitting ------------------------------------------------------------------- */

/*
 * max_sectors = 8 (one page) and a 32 KiB write of one order-3 folio:
 *   bio  |0                                                   64|
 *   seen |0  8|8  16|16 24|24 32|32 40|40 48|48 56|56 64|
 * Expect the driver to see 8 clones of 8 sectors in order, the original
 * to complete exactly once with 0, 7 splits counted, and the data intact.
 */
static void split_max_sectors(struct kunit *test)
{
	unsigned long splits = sim_blk_stat("bios_split");
	struct block_device *bdev;
	struct t_blk_seen seen;
	struct t_blk_io io;
	static unsigned char buf[32768];
	struct folio *f;
	struct bio *bio;
	int i;

	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("ram0", MiB, 512), 0);
	t_blk_limits(test, "ram0", t_blk_set_max_sectors, 8);
	t_blk_seen_init(&seen);
	KUNIT_ASSERT_EQ(test, sim_disk_set_bio_hook("ram0", t_blk_seen_hook, &seen), 0);
	bdev = t_blk_open(test, "ram0");
	f = t_blk_folio(test, 3, 0);
	for (i = 0; i < 32768; i++)
		((unsigned char *)folio_address(f))[i] = (unsigned char)(i * 7 + i / 4096);
	bio = t_blk_bio(test, bdev, REQ_OP_WRITE, 0, 1);
	KUNIT_ASSERT_TRUE(test, bio_add_folio(bio, f, 32768, 0));
	t_blk_io_init(&io);
	t_blk_submit(&io, 0, bio);
	KUNIT_EXPECT_TRUE(test, t_blk_wait(&io, 1, 5000));
	KUNIT_EXPECT_EQ(test, io.count[0], 1);
	KUNIT_EXPECT_EQ(test, io.status[0], BLK_STS_OK);
	KUNIT_ASSERT_EQ(test, seen.n, 8);
	for (i = 0; i < 8; i++) {
		KUNIT_EXPECT_EQ(test, seen.sector[i], (sector_t)(8 * i));
		KUNIT_EXPECT_EQ(test, seen.size[i], 4096U);
		KUNIT_EXPECT_EQ(test, seen.cloned[i], i < 7);
	}
	KUNIT_EXPECT_EQ(test, sim_blk_stat("bios_split") - splits, 7UL);
	bio_put(bio);
	t_blk_io_destroy(&io);
	sim_disk_set_bio_hook("ram0", NULL, NULL);
	KUNIT_EXPECT_EQ(test, t_blk_rw(test, bdev, false, 0, buf, sizeof(buf)), 0);
	KUNIT_EXPECT_MEMEQ(test, buf, folio_address(f), sizeof(buf));
	folio_put(f);
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("ram0"), 0);
}

/*
 * max_segments = 2 and a read into 5 separate pages (5 segments):
 *   pages  P0 P1 | P2 P3 | P4
 *   pieces  0-15 | 16-31 | 32-39
 * Expect three pieces of 2, 2 and 1 segments at sectors 0, 16 and 32 and
 * each page to receive its own 4 KiB of the disk.
 */
static void split_max_segments(struct kunit *test)
{
	static unsigned char buf[5 * 4096];
	struct block_device *bdev;
	struct t_blk_seen seen;
	struct folio *f[5];
	struct bio *bio;
	int i;

	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("ram0", MiB, 512), 0);
	bdev = t_blk_open(test, "ram0");
	for (i = 0; i < (int)sizeof(buf); i++)
		buf[i] = (unsigned char)(i / 512);
	KUNIT_ASSERT_EQ(test, t_blk_rw(test, bdev, true, 0, buf, sizeof(buf)), 0);
	t_blk_limits(test, "ram0", t_blk_set_max_segments, 2);
	t_blk_seen_init(&seen);
	KUNIT_ASSERT_EQ(test, sim_disk_set_bio_hook("ram0", t_blk_seen_hook, &seen), 0);

	bio = t_blk_bio(test, bdev, REQ_OP_READ, 0, 5);
	for (i = 0; i < 5; i++) {
		/* Order-1 folios, using page 0 only: never physically adjacent. */
		f[i] = t_blk_folio(test, 1, 0xff);
		t_blk_add(test, bio, &f[i]->page, PAGE_SIZE, 0);
	}
	KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 5);
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	bio_put(bio);
	KUNIT_ASSERT_EQ(test, seen.n, 3);
	KUNIT_EXPECT_EQ(test, seen.sector[0], (sector_t)0);
	KUNIT_EXPECT_EQ(test, seen.segs[0], 2U);
	KUNIT_EXPECT_EQ(test, seen.sector[1], (sector_t)16);
	KUNIT_EXPECT_EQ(test, seen.segs[1], 2U);
	KUNIT_EXPECT_EQ(test, seen.sector[2], (sector_t)32);
	KUNIT_EXPECT_EQ(test, seen.size[2], 4096U);
	for (i = 0; i < 5; i++) {
		KUNIT_EXPECT_MEMEQ(test, folio_address(f[i]), buf + i * 4096, 4096);
		folio_put(f[i]);
	}
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("ram0"), 0);
}

static void set_boundary_one_seg(struct queue_limits *lim, unsigned long mask)
{
	lim->seg_boundary_mask = mask;
	lim->max_segments = 1;
}

static void set_segsize_two_segs(struct queue_limits *lim, unsigned long size)
{
	lim->max_segment_size = (unsigned int)size;
	lim->max_segments = 2;
}

/*
 * One multi-page bvec over a 16 KiB order-2 folio (physically 16 KiB
 * aligned), cut by the hardware segment rules:
 *   boundary 0x1fff, 1 segment:  |8 KiB|8 KiB|           (never cross 8 KiB)
 *   segment size 4 KiB, 2 segs:  |4+4 KiB|4+4 KiB|
 * Expect two pieces of 16 sectors in both layouts.
 */
static void split_segment_boundary_and_size(struct kunit *test)
{
	struct block_device *bdev;
	struct t_blk_seen seen;
	struct folio *f;
	struct bio *bio;
	int round;

	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("ram0", MiB, 512), 0);
	bdev = t_blk_open(test, "ram0");
	f = t_blk_folio(test, 2, 0x42);
	KUNIT_ASSERT_EQ(test, folio_pfn(f) % 4, 0UL);
	for (round = 0; round < 2; round++) {
		if (round == 0)
			t_blk_limits(test, "ram0", set_boundary_one_seg, 0x1fff);
		else
			t_blk_limits(test, "ram0", set_segsize_two_segs, 4096);
		t_blk_seen_init(&seen);
		KUNIT_ASSERT_EQ(test, sim_disk_set_bio_hook("ram0", t_blk_seen_hook, &seen), 0);
		bio = t_blk_bio(test, bdev, REQ_OP_WRITE, 64, 1);
		KUNIT_ASSERT_TRUE(test, bio_add_folio(bio, f, 16384, 0));
		KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 1);
		KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
		bio_put(bio);
		KUNIT_EXPECT_EQ_MSG(test, seen.n, 2, "round %d", round);
		KUNIT_EXPECT_EQ(test, seen.size[0], 8192U);
		KUNIT_EXPECT_EQ(test, seen.sector[1], (sector_t)80);
		KUNIT_EXPECT_EQ(test, seen.size[1], 8192U);
		sim_disk_set_bio_hook("ram0", NULL, NULL);
	}
	folio_put(f);
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("ram0"), 0);
}

static void set_virt_boundary(struct queue_limits *lim, unsigned long mask)
{
	lim->virt_boundary_mask = mask;
	lim->max_segment_size = UINT_MAX;
}

/*
 * virt_boundary 4095 (NVMe PRPs): a bvec that ends mid-page may not be
 * followed by another segment.
 *   bvec 0: page A [0, 2048)   bvec 1: page B [0, 4096)
 *           ends at 2048 -> gap
 * Expect two pieces: 4 sectors from A, then 8 from B.
 */
static void split_virt_boundary_gap(struct kunit *test)
{
	struct block_device *bdev;
	struct t_blk_seen seen;
	struct folio *a, *b;
	struct bio *bio;

	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("ram0", MiB, 512), 0);
	t_blk_limits(test, "ram0", set_virt_boundary, 4095);
	t_blk_seen_init(&seen);
	KUNIT_ASSERT_EQ(test, sim_disk_set_bio_hook("ram0", t_blk_seen_hook, &seen), 0);
	bdev = t_blk_open(test, "ram0");
	a = t_blk_folio(test, 1, 0x0a);
	b = t_blk_folio(test, 1, 0x0b);
	bio = t_blk_bio(test, bdev, REQ_OP_WRITE, 0, 2);
	t_blk_add(test, bio, &a->page, 2048, 0);
	t_blk_add(test, bio, &b->page, 4096, 0);
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	bio_put(bio);
	KUNIT_ASSERT_EQ(test, seen.n, 2);
	KUNIT_EXPECT_EQ(test, seen.size[0], 2048U);
	KUNIT_EXPECT_EQ(test, seen.sector[1], (sector_t)4);
	KUNIT_EXPECT_EQ(test, seen.size[1], 4096U);
	folio_put(a);
	folio_put(b);
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("ram0"), 0);
}

/*
 * A split whose second piece fails: max_sectors 8, a 16 KiB write, and an
 * injected error on the 2nd bio the driver receives (F5).
 * Expect the original to complete once, with BLK_STS_IOERR carried up
 * the chain, and no bio leaked.
 */
static void split_piece_error_reaches_parent(struct kunit *test)
{
	struct sim_io_fault fault = { .flags = SIM_IO_FAIL, .nth = 2 };
	struct block_device *bdev;
	struct t_blk_io io;
	struct folio *f;
	struct bio *bio;

	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("ram0", MiB, 512), 0);
	t_blk_limits(test, "ram0", t_blk_set_max_sectors, 8);
	KUNIT_ASSERT_EQ(test, sim_disk_inject("ram0", &fault), 0);
	bdev = t_blk_open(test, "ram0");
	f = t_blk_folio(test, 2, 0x5c);
	bio = t_blk_bio(test, bdev, REQ_OP_WRITE, 0, 1);
	KUNIT_ASSERT_TRUE(test, bio_add_folio(bio, f, 16384, 0));
	t_blk_io_init(&io);
	t_blk_submit(&io, 0, bio);
	KUNIT_EXPECT_TRUE(test, t_blk_wait(&io, 1, 5000));
	KUNIT_EXPECT_EQ(test, io.count[0], 1);
	KUNIT_EXPECT_EQ(test, io.status[0], BLK_STS_IOERR);
	bio_put(bio);
	t_blk_io_destroy(&io);
	folio_put(f);
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("ram0"), 0);
}

/*
 * One bvec within one page: submission answers "does it fit?" without
 * walking the bvecs (the kernel's bio_may_exceed_limits() shortcut), and
 * must still split exactly where the walk would:
 *
 *   case                  limits                    bio              pieces
 *   fits                  defaults                  4096 @ sector 0  4096
 *   fits, mid-page        defaults                  2048+1024 @ 8    2048
 *   max_sectors 4         max_sectors 4             4096 @ sector 0  2048 | 2048
 *   pbs, unaligned start  pbs 4096, max_sectors 8   4096 @ sector 4  2048 | 2048
 *
 * (pbs case: the first piece ends on the physical block boundary at 8.)
 * Expect the pieces the driver sees to have these sizes and sectors.
 */
struct split_one_case {
	const char *desc;
	unsigned int max_sectors, pbs;	/* 0: keep the default */
	unsigned int off, len;
	sector_t sector;
	int n;
	unsigned int size[2];
};

static const struct split_one_case split_one_cases[] = {
	{ "fits", 0, 0, 0, 4096, 0, 1, { 4096 } },
	{ "fits, mid-page", 0, 0, 1024, 2048, 8, 1, { 2048 } },
	{ "max_sectors 4", 4, 0, 0, 4096, 0, 2, { 2048, 2048 } },
	{ "pbs, unaligned start", 8, 4096, 0, 4096, 4, 2, { 2048, 2048 } },
};

static void split_one_desc(const struct split_one_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(split_one, split_one_cases, split_one_desc);

static void set_pbs(struct queue_limits *lim, unsigned long v)
{
	lim->physical_block_size = (unsigned int)v;
}

static void split_single_page_bio(struct kunit *test)
{
	const struct split_one_case *c = test->param_value;
	struct block_device *bdev;
	struct t_blk_seen seen;
	struct folio *f;
	struct bio *bio;
	int i;

	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("ram0", MiB, 512), 0);
	if (c->max_sectors)
		t_blk_limits(test, "ram0", t_blk_set_max_sectors, c->max_sectors);
	if (c->pbs)
		t_blk_limits(test, "ram0", set_pbs, c->pbs);
	t_blk_seen_init(&seen);
	KUNIT_ASSERT_EQ(test, sim_disk_set_bio_hook("ram0", t_blk_seen_hook, &seen), 0);
	bdev = t_blk_open(test, "ram0");
	f = t_blk_folio(test, 0, 0x33);
	bio = t_blk_bio(test, bdev, REQ_OP_WRITE, c->sector, 1);
	t_blk_add(test, bio, &f->page, c->len, c->off);
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	bio_put(bio);
	KUNIT_ASSERT_EQ(test, seen.n, c->n);
	for (i = 0; i < c->n; i++) {
		KUNIT_EXPECT_EQ(test, seen.size[i], c->size[i]);
		KUNIT_EXPECT_EQ(test, seen.sector[i],
				c->sector + (i ? c->size[0] >> SECTOR_SHIFT : 0));
	}
	sim_disk_set_bio_hook("ram0", NULL, NULL);
	folio_put(f);
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("ram0"), 0);
}

/*
 * A bio whose single lbs block already has more segments than allowed
 * cannot be split: lbs 4096, max_segments 1, one block made of two 2 KiB
 * halves from different pages.
 * Expect -EIO and nothing reaching the driver.
 */
static void split_impossible_fails(struct kunit *test)
{
	struct block_device *bdev;
	struct t_blk_seen seen;
	struct folio *a, *b;
	struct bio *bio;

	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("ram0", MiB, 4096), 0);
	t_blk_limits(test, "ram0", t_blk_set_max_segments, 1);
	t_blk_seen_init(&seen);
	KUNIT_ASSERT_EQ(test, sim_disk_set_bio_hook("ram0", t_blk_seen_hook, &seen), 0);
	bdev = t_blk_open(test, "ram0");
	a = t_blk_folio(test, 1, 1);
	b = t_blk_folio(test, 1, 2);
	bio = t_blk_bio(test, bdev, REQ_OP_WRITE, 0, 2);
	t_blk_add(test, bio, &a->page, 2048, 0);
	t_blk_add(test, bio, &b->page, 2048, 0);
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), -EIO);
	KUNIT_EXPECT_EQ(test, seen.n, 0);
	bio_put(bio);
	folio_put(a);
	folio_put(b);
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("ram0"), 0);
}

static struct kunit_case blk_split_cases[] = {
	KUNIT_CASE(split_max_sectors),
	KUNIT_CASE(split_max_segments),
	KUNIT_CASE(split_segment_boundary_and_size),
	KUNIT_CASE(split_virt_boundary_gap),
	KUNIT_CASE(split_piece_error_reaches_parent),
	KUNIT_CASE_PARAM(split_single_page_bio, split_one_gen_params),
	KUNIT_CASE(split_impossible_fails),
	{}
};

struct kunit_suite blk_split_suite = {
	.name = "blk_split",
	.init = t_blk_init,
	.exit = t_blk_exit,
	.test_cases = blk_split_cases,
};
