// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the block layer and its simulated disks: queue limits
 * (block/blk-settings.c), the disk registry and its references
 * (block/genhd.c), submission checks (block/blk-core.c), the RAM and null
 * drivers moving real bytes (drivers/block/), and what may change only on
 * an idle disk. Splitting is tests/blk_split_test.c, the file driver
 * tests/blk_file_test.c. Each case boots a 64 MiB machine; bios are built
 * from test-owned folios, so no pins are involved (the dma suite covers
 * pinned user pages and I9).
 */
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pinio/fault-inject.h>

#include "blk_helpers.h"

/* ---- limits -------------------------------------------------------------------- */

/*
 * A queue no driver tuned has the v6.5 defaults.
 * Expect lbs = pbs = 512, max_sectors = max_hw_sectors = 255, 128 segments
 * of 64 KiB, boundary 0xffffffff, no virt boundary, dma_alignment 511, and
 * blk_validate_limits() to accept them (R-BIO-9, Appendix A).
 */
static void blk_default_limits(struct kunit *test)
{
	struct queue_limits lim;

	blk_set_default_limits(&lim);
	KUNIT_EXPECT_EQ(test, lim.logical_block_size, 512U);
	KUNIT_EXPECT_EQ(test, lim.physical_block_size, 512U);
	KUNIT_EXPECT_EQ(test, lim.max_sectors, 255U);
	KUNIT_EXPECT_EQ(test, lim.max_hw_sectors, 255U);
	KUNIT_EXPECT_EQ(test, lim.max_segments, 128);
	KUNIT_EXPECT_EQ(test, lim.max_segment_size, 65536U);
	KUNIT_EXPECT_EQ(test, lim.seg_boundary_mask, 0xffffffffUL);
	KUNIT_EXPECT_EQ(test, lim.virt_boundary_mask, 0UL);
	KUNIT_EXPECT_EQ(test, lim.dma_alignment, 511U);
	KUNIT_EXPECT_EQ(test, blk_validate_limits(&lim), 0);
}

struct blk_bad_limits {
	const char *desc;
	void (*edit)(struct queue_limits *lim);
};

static void bad_lbs_0(struct queue_limits *l) { l->logical_block_size = 0; }
static void bad_lbs_256(struct queue_limits *l) { l->logical_block_size = 256; }
static void bad_lbs_768(struct queue_limits *l) { l->logical_block_size = 768; }
static void bad_lbs_8192(struct queue_limits *l)
{
	l->logical_block_size = l->physical_block_size = 8192;
}

static void bad_pbs(struct queue_limits *l)
{
	l->logical_block_size = 4096;
	l->physical_block_size = 512;
}

static void bad_hw_sectors(struct queue_limits *l) { l->max_hw_sectors = 7; }
static void bad_max_sectors(struct queue_limits *l) { l->max_sectors = l->max_hw_sectors + 1; }
static void bad_max_sectors_lbs(struct queue_limits *l)
{
	l->logical_block_size = l->physical_block_size = 4096;
	l->max_hw_sectors = 2560;
	l->max_sectors = 12;
}
static void bad_segments(struct queue_limits *l) { l->max_segments = 0; }
static void bad_segment_size(struct queue_limits *l) { l->max_segment_size = 4095; }
static void bad_boundary(struct queue_limits *l) { l->seg_boundary_mask = 0xffe; }
static void bad_boundary_shape(struct queue_limits *l) { l->seg_boundary_mask = 0x2fff; }
static void bad_virt(struct queue_limits *l) { l->virt_boundary_mask = 4095; }
static void bad_dma_align(struct queue_limits *l) { l->dma_alignment = 510; }
static void bad_zoned(struct queue_limits *l) { l->zoned = true; }

static const struct blk_bad_limits blk_bad_limits_cases[] = {
	{ "lbs 0", bad_lbs_0 },
	{ "lbs 256", bad_lbs_256 },
	{ "lbs 768 (not a power of 2)", bad_lbs_768 },
	{ "lbs 8192 (above PAGE_SIZE)", bad_lbs_8192 },
	{ "pbs below lbs", bad_pbs },
	{ "max_hw_sectors below a page", bad_hw_sectors },
	{ "max_sectors above max_hw_sectors", bad_max_sectors },
	{ "max_sectors not whole blocks", bad_max_sectors_lbs },
	{ "max_segments 0", bad_segments },
	{ "max_segment_size below a page", bad_segment_size },
	{ "seg_boundary below a page", bad_boundary },
	{ "seg_boundary + 1 not a power of 2", bad_boundary_shape },
	{ "virt_boundary with a segment size limit", bad_virt },
	{ "dma_alignment + 1 not a power of 2", bad_dma_align },
	{ "zoned", bad_zoned },
};

static void blk_bad_limits_desc(const struct blk_bad_limits *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(blk_bad_limits, blk_bad_limits_cases, blk_bad_limits_desc);

/*
 * One broken rule in an otherwise default set, per parameter.
 * Expect blk_validate_limits() -EINVAL, blk_alloc_disk() ERR_PTR(-EINVAL),
 * and sim_disk_set_limits() -EINVAL with the disk's limits unchanged.
 */
static void blk_validate_limits_rejects(struct kunit *test)
{
	const struct blk_bad_limits *c = test->param_value;
	static const struct block_device_operations fops = { .submit_bio = bio_io_error };
	struct queue_limits lim, now;
	struct gendisk *disk;

	blk_set_default_limits(&lim);
	c->edit(&lim);
	KUNIT_EXPECT_EQ(test, blk_validate_limits(&lim), -EINVAL);
	disk = blk_alloc_disk("bad", &fops, &lim, 8);
	KUNIT_EXPECT_TRUE(test, IS_ERR(disk));
	if (!IS_ERR(disk))
		put_disk(disk);
	else
		KUNIT_EXPECT_EQ(test, PTR_ERR(disk), -EINVAL);

	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("ram0", MiB, 512), 0);
	KUNIT_EXPECT_EQ(test, sim_disk_set_limits("ram0", &lim), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_disk_get_limits("ram0", &now), 0);
	KUNIT_EXPECT_EQ(test, now.max_sectors, 2560U);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("ram0"), 0);
}

/*
 * The blk_queue_*() setters clamp as v6.5 does.
 * Expect max_hw_sectors 1 -> 8 (a page), max_sectors min(hw, 2560),
 * segments 0 -> 1, segment size 512 -> 4096, boundary 0xff -> 0xfff, a
 * virt boundary forcing an unlimited segment size, and lbs 4096 rounding
 * the sector limits down to whole blocks.
 */
static void blk_queue_setters_clamp(struct kunit *test)
{
	struct request_queue q = { 0 };

	blk_set_default_limits(&q.limits);
	blk_queue_max_hw_sectors(&q, 1);
	KUNIT_EXPECT_EQ(test, q.limits.max_hw_sectors, 8U);
	KUNIT_EXPECT_EQ(test, q.limits.max_sectors, 8U);
	blk_queue_max_hw_sectors(&q, 100000);
	KUNIT_EXPECT_EQ(test, q.limits.max_hw_sectors, 100000U);
	KUNIT_EXPECT_EQ(test, q.limits.max_sectors, 2560U);
	blk_queue_max_segments(&q, 0);
	KUNIT_EXPECT_EQ(test, q.limits.max_segments, 1);
	blk_queue_max_segment_size(&q, 512);
	KUNIT_EXPECT_EQ(test, q.limits.max_segment_size, 4096U);
	blk_queue_segment_boundary(&q, 0xff);
	KUNIT_EXPECT_EQ(test, q.limits.seg_boundary_mask, 0xfffUL);
	blk_queue_virt_boundary(&q, 4095);
	KUNIT_EXPECT_EQ(test, q.limits.max_segment_size, UINT_MAX);
	blk_queue_max_hw_sectors(&q, 1001);
	blk_queue_logical_block_size(&q, 4096);
	KUNIT_EXPECT_EQ(test, q.limits.physical_block_size, 4096U);
	KUNIT_EXPECT_EQ(test, q.limits.max_hw_sectors, 1000U);
	KUNIT_EXPECT_EQ(test, q.limits.max_sectors % 8, 0U);
	blk_queue_dma_alignment(&q, 4095);
	KUNIT_EXPECT_EQ(test, q.limits.dma_alignment, 4095U);
	KUNIT_EXPECT_EQ(test, blk_validate_limits(&q.limits), 0);
}

/* ---- the registry ------------------------------------------------------------- */

/*
 * /dev/NAME and NAME open the same disk; bad geometry and duplicates are
 * refused before anything is registered.
 * Expect one block_device for "ram0" and "/dev/ram0", -ENOENT for a
 * missing name, -EEXIST for a duplicate (of any driver), -EINVAL for a bad
 * lbs, a size not in whole blocks, a zero size and a name with '/'.
 */
static void genhd_register_lookup(struct kunit *test)
{
	struct block_device *a, *b;

	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("ram0", MiB, 0), 0);
	a = t_blk_open(test, "ram0");
	b = t_blk_open(test, "/dev/ram0");
	KUNIT_EXPECT_PTR_EQ(test, a, b);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->bd_openers), 2);
	KUNIT_EXPECT_EQ(test, bdev_logical_block_size(a), 512U);
	KUNIT_EXPECT_EQ(test, bdev_nr_sectors(a), (sector_t)(MiB >> 9));
	KUNIT_EXPECT_EQ(test, PTR_ERR(blkdev_get_by_name("ram1")), -ENOENT);
	KUNIT_EXPECT_EQ(test, PTR_ERR(blkdev_get_by_name("/dev/")), -ENOENT);

	KUNIT_EXPECT_EQ(test, sim_ramdisk_create("ram0", MiB, 512), -EEXIST);
	KUNIT_EXPECT_EQ(test, sim_nulldisk_create("ram0", MiB, 512), -EEXIST);
	KUNIT_EXPECT_EQ(test, sim_ramdisk_create("r1", MiB, 256), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_ramdisk_create("r1", MiB, 1536), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_ramdisk_create("r1", MiB, 8192), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_ramdisk_create("r1", MiB + 512, 4096), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_ramdisk_create("r1", 0, 512), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_nulldisk_create("a/b", MiB, 512), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_nulldisk_create("", MiB, 512), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_nulldisk_create("0123456789abcdef0123456789abcdef", MiB, 512),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("r1"), -ENOENT);

	blkdev_put(a);
	blkdev_put(b);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("/dev/ram0"), 0);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("ram0"), -ENOENT);
	KUNIT_EXPECT_EQ(test, blk_nr_live_disks(), 0);
}

/*
 * A disk deleted while open stays allocated until the last close:
 *   create --open--> refs 2 --destroy--> unregistered, refs 1 --close--> freed
 * I/O to the deleted disk fails without reaching the driver.
 * Expect -ENOENT for new opens after the destroy, a write to the open
 * bdev to fail with -EIO, one live disk until blkdev_put(), none after.
 */
static void genhd_disk_freed_when_closed(struct kunit *test)
{
	struct block_device *bdev;
	struct folio *f;
	struct bio *bio;

	KUNIT_ASSERT_EQ(test, sim_nulldisk_create("null0", MiB, 512), 0);
	bdev = t_blk_open(test, "null0");
	KUNIT_EXPECT_EQ(test, blk_nr_live_disks(), 1);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("null0"), 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(blkdev_get_by_name("null0")), -ENOENT);
	KUNIT_EXPECT_EQ(test, blk_nr_live_disks(), 1);
	KUNIT_EXPECT_TRUE(test, disk_dead(bdev->bd_disk));

	f = t_blk_folio(test, 0, 0x11);
	bio = t_blk_bio(test, bdev, REQ_OP_WRITE, 0, 1);
	t_blk_add(test, bio, &f->page, PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), -EIO);
	bio_put(bio);
	folio_put(f);

	/* The name is free again while the old disk lingers. */
	KUNIT_EXPECT_EQ(test, sim_nulldisk_create("null0", MiB, 512), 0);
	KUNIT_EXPECT_EQ(test, blk_nr_live_disks(), 2);
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, blk_nr_live_disks(), 1);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("null0"), 0);
	KUNIT_EXPECT_EQ(test, blk_nr_live_disks(), 0);
}

/*
 * sim_shutdown() deletes every disk itself; one still open is a leak it
 * reports, freed by its last blkdev_put() even after the shutdown.
 * Expect 0 leaks with two unopened disks, 1 with a disk left open and no
 * live disk once it is closed; the machine boots again afterwards and
 * the case's exit deletes the disk left behind.
 */
static void genhd_shutdown_deletes_disks(struct kunit *test)
{
	struct sim_config cfg = { .mem_bytes = T_BLK_MEM_BYTES };

	struct block_device *bdev;

	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("ram0", MiB, 512), 0);
	KUNIT_ASSERT_EQ(test, sim_nulldisk_create("null0", MiB, 4096), 0);
	KUNIT_EXPECT_EQ(test, sim_shutdown(), 0);
	KUNIT_EXPECT_EQ(test, blk_nr_live_disks(), 0);

	KUNIT_ASSERT_EQ(test, sim_boot(&cfg), 0);
	KUNIT_ASSERT_EQ(test, sim_nulldisk_create("null1", MiB, 512), 0);
	bdev = t_blk_open(test, "null1");
	KUNIT_EXPECT_EQ(test, sim_shutdown(), 1);
	KUNIT_EXPECT_EQ(test, blk_nr_live_disks(), 1);
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, blk_nr_live_disks(), 0);

	KUNIT_ASSERT_EQ(test, sim_boot(&cfg), 0);
	KUNIT_EXPECT_EQ(test, sim_ramdisk_create("ram0", MiB, 512), 0);
}

/* ---- data through the RAM disk ------------------------------------------------- */

/*
 * Write three pages at sector 8 of a RAM disk, read them back into other
 * pages, and read a never-written block:
 *   sector: 0     8          32
 *           |zero|AAAA BBBB CCCC|zero ...
 * Expect the bytes read to equal the bytes written, zeros where nothing
 * was written, and both submit_bio_wait() calls to return 0.
 */
static void ram_write_read_roundtrip(struct kunit *test)
{
	struct block_device *bdev;
	struct folio *w[3], *r[3];
	struct bio *bio;
	char zero[512];
	int i;

	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("ram0", MiB, 512), 0);
	bdev = t_blk_open(test, "ram0");
	bio = t_blk_bio(test, bdev, REQ_OP_WRITE, 8, 3);
	for (i = 0; i < 3; i++) {
		w[i] = t_blk_folio(test, 0, 'A' + i);
		t_blk_add(test, bio, &w[i]->page, PAGE_SIZE, 0);
	}
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	bio_put(bio);

	bio = t_blk_bio(test, bdev, REQ_OP_READ, 8, 3);
	for (i = 0; i < 3; i++) {
		r[i] = t_blk_folio(test, 0, 0xee);
		t_blk_add(test, bio, &r[i]->page, PAGE_SIZE, 0);
	}
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	bio_put(bio);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_MEMEQ(test, folio_address(r[i]), folio_address(w[i]), PAGE_SIZE);
		folio_put(w[i]);
		folio_put(r[i]);
	}
	memset(zero, 0x5a, sizeof(zero));
	KUNIT_EXPECT_EQ(test, t_blk_rw(test, bdev, false, 0, zero, sizeof(zero)), 0);
	KUNIT_EXPECT_TRUE(test, t_mem_is(zero, 0, sizeof(zero)));
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("ram0"), 0);
}

/*
 * Sub-page bvecs at odd offsets: 512 bytes at offset 3584 of page P and
 * 1024 at offset 512 of page Q, written to sector 3.
 * Expect exactly those 1536 bytes at byte 1536 of the disk and nothing
 * around them changed.
 */
static void ram_subpage_bvecs(struct kunit *test)
{
	struct block_device *bdev;
	struct folio *p, *q;
	struct bio *bio;
	unsigned char buf[4096];

	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("ram0", MiB, 512), 0);
	bdev = t_blk_open(test, "ram0");
	p = t_blk_folio(test, 0, 0x01);
	q = t_blk_folio(test, 0, 0x02);
	bio = t_blk_bio(test, bdev, REQ_OP_WRITE, 3, 2);
	t_blk_add(test, bio, &p->page, 512, 3584);
	t_blk_add(test, bio, &q->page, 1024, 512);
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	bio_put(bio);
	KUNIT_EXPECT_EQ(test, t_blk_rw(test, bdev, false, 0, buf, sizeof(buf)), 0);
	KUNIT_EXPECT_TRUE(test, t_mem_is(buf, 0, 1536));
	KUNIT_EXPECT_TRUE(test, t_mem_is(buf + 1536, 0x01, 512));
	KUNIT_EXPECT_TRUE(test, t_mem_is(buf + 2048, 0x02, 1024));
	KUNIT_EXPECT_TRUE(test, t_mem_is(buf + 3072, 0, 1024));
	folio_put(p);
	folio_put(q);
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("ram0"), 0);
}

/*
 * Discard and write-zeroes on a RAM disk that holds 0x77 everywhere in
 * its first 16 KiB: discard [4 KiB, 8 KiB), write-zeroes [9 KiB, 10 KiB).
 * Expect zeros exactly there and 0x77 elsewhere.
 */
static void ram_discard_write_zeroes(struct kunit *test)
{
	struct block_device *bdev;
	static unsigned char buf[16384];
	struct bio *bio;

	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("ram0", MiB, 512), 0);
	bdev = t_blk_open(test, "ram0");
	memset(buf, 0x77, sizeof(buf));
	KUNIT_ASSERT_EQ(test, t_blk_rw(test, bdev, true, 0, buf, sizeof(buf)), 0);

	bio = t_blk_bio(test, bdev, REQ_OP_DISCARD, 8, 0);
	bio->bi_iter.bi_size = 4096;
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	bio_put(bio);
	bio = t_blk_bio(test, bdev, REQ_OP_WRITE_ZEROES, 18, 0);
	bio->bi_iter.bi_size = 1024;
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	bio_put(bio);

	KUNIT_ASSERT_EQ(test, t_blk_rw(test, bdev, false, 0, buf, sizeof(buf)), 0);
	KUNIT_EXPECT_TRUE(test, t_mem_is(buf, 0x77, 4096));
	KUNIT_EXPECT_TRUE(test, t_mem_is(buf + 4096, 0, 4096));
	KUNIT_EXPECT_TRUE(test, t_mem_is(buf + 8192, 0x77, 1024));
	KUNIT_EXPECT_TRUE(test, t_mem_is(buf + 9216, 0, 1024));
	KUNIT_EXPECT_TRUE(test, t_mem_is(buf + 10240, 0x77, 6144));
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("ram0"), 0);
}

/*
 * A read's store lines are prefetched at submit (ram_submit_bio()) from a
 * chunk pointer read without the stripe lock, while another thread keeps
 * allocating that chunk (first write) and giving it back (a discard that
 * covers it whole, which unmaps it). Inline DMA, so both threads copy.
 *
 *   churner: write 4 KiB 0x5a @ 2 MiB+64K -> discard [2 MiB, 4 MiB) -> ...
 *   reader:  read  4 KiB @ 2 MiB+64K (prefetch, then the copy)     -> ...
 *
 * Expect every read to succeed and see the block whole: all 0x5a (after
 * a write) or all zeros (after a discard), never a mix, no crash, and
 * (under TSan) no data race on the chunk table.
 */
#define RAM_RACE_ROUNDS	1500
#define RAM_RACE_SECTOR	(((2UL << 20) + (64UL << 10)) >> 9)

struct ram_race {
	struct block_device *bdev;
	struct folio *folio;		/* 0x5a: what the churner writes */
	int errors;
	bool done;
};

static void *ram_race_churn(void *arg)
{
	struct ram_race *r = arg;
	int i;

	for (i = 0; i < RAM_RACE_ROUNDS; i++) {
		struct bio *bio = bio_alloc(r->bdev, 1, REQ_OP_WRITE, 0);

		if (!bio) {
			r->errors++;
			continue;
		}
		bio->bi_iter.bi_sector = RAM_RACE_SECTOR;
		if (bio_add_page(bio, &r->folio->page, PAGE_SIZE, 0) != PAGE_SIZE ||
		    submit_bio_wait(bio))
			r->errors++;
		bio_put(bio);
		bio = bio_alloc(r->bdev, 0, REQ_OP_DISCARD, 0);
		if (!bio) {
			r->errors++;
			continue;
		}
		bio->bi_iter.bi_sector = (2UL << 20) >> 9;
		bio->bi_iter.bi_size = 2U << 20;
		if (submit_bio_wait(bio))
			r->errors++;
		bio_put(bio);
	}
	__atomic_store_n(&r->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static void ram_prefetch_races_discard_stress(struct kunit *test)
{
	struct ram_race r = { 0 };
	struct folio *rd = t_blk_folio(test, 0, 0);
	unsigned long reads = 0, torn = 0, failed = 0;
	pthread_t t;

	KUNIT_ASSERT_EQ(test, sim_dma_set_threads(0), 0);
	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("ram0", 4UL << 20, 512), 0);
	r.bdev = t_blk_open(test, "ram0");
	r.folio = t_blk_folio(test, 0, 0x5a);
	KUNIT_ASSERT_EQ(test, pthread_create(&t, NULL, ram_race_churn, &r), 0);
	while (!__atomic_load_n(&r.done, __ATOMIC_ACQUIRE) || reads < 100) {
		struct bio *bio = t_blk_bio(test, r.bdev, REQ_OP_READ, RAM_RACE_SECTOR, 1);
		const unsigned char *p = folio_address(rd);

		t_blk_add(test, bio, &rd->page, PAGE_SIZE, 0);
		memset(folio_address(rd), 0xee, PAGE_SIZE);
		if (submit_bio_wait(bio))
			failed++;
		else if (!t_mem_is(p, 0x5a, PAGE_SIZE) && !t_mem_is(p, 0, PAGE_SIZE))
			torn++;
		bio_put(bio);
		reads++;
	}
	pthread_join(t, NULL);
	KUNIT_EXPECT_EQ(test, r.errors, 0);
	KUNIT_EXPECT_EQ(test, failed, 0UL);
	KUNIT_EXPECT_EQ(test, torn, 0UL);
	folio_put(r.folio);
	folio_put(rd);
	blkdev_put(r.bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("ram0"), 0);
	KUNIT_EXPECT_EQ(test, sim_dma_set_threads(2), 0);
}

/*
 * Reads take no lock (drivers/block/ram.c, ram_read(): a seqlock per
 * stripe; TSan builds lock). A writer thread overwrites one 64 KiB extent
 * with a new 32-bit number each time (1, 2, 3, ...), while this thread
 * reads it:
 *
 *   writer: write 64 KiB of n, n, n, ... @ 1 MiB - 8 KiB, n = 1, 2, ... (one copy)
 *   reader: read  64 KiB                 @ 1 MiB - 8 KiB              -> check
 *
 * Expect every read to succeed and hold one number throughout (one
 * write's, never a mix of two), numbers never going back (a later read
 * never sees an older write), and the writer to see no error.
 */
#define RAM_SEQ_ROUNDS	6000
#define RAM_SEQ_SECTOR	(((1UL << 20) - 8192) >> 9)
#define RAM_SEQ_BYTES	(16 * PAGE_SIZE)

static void t_fill_u32(uint32_t *p, uint32_t v, size_t bytes)
{
	size_t i;

	for (i = 0; i < bytes / 4; i++)
		p[i] = v;
}

static bool t_is_u32(const uint32_t *p, uint32_t v, size_t bytes)
{
	size_t i;

	for (i = 0; i < bytes / 4; i++)
		if (p[i] != v)
			return false;
	return true;
}

struct ram_seq_race {
	struct block_device *bdev;
	struct folio *folio;		/* order 4: the writer's buffer */
	int errors;
	bool done;
};

static void *ram_seq_writer(void *arg)
{
	struct ram_seq_race *r = arg;
	int i;

	for (i = 1; i <= RAM_SEQ_ROUNDS; i++) {
		struct bio *bio = bio_alloc(r->bdev, 1, REQ_OP_WRITE, 0);

		if (!bio) {
			r->errors++;
			continue;
		}
		t_fill_u32(folio_address(r->folio), (uint32_t)i, RAM_SEQ_BYTES);
		bio->bi_iter.bi_sector = RAM_SEQ_SECTOR;
		if (!bio_add_folio(bio, r->folio, RAM_SEQ_BYTES, 0) || submit_bio_wait(bio))
			r->errors++;
		bio_put(bio);
	}
	__atomic_store_n(&r->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static void ram_lockless_read_stress(struct kunit *test)
{
	struct ram_seq_race r = { 0 };
	struct folio *rd = t_blk_folio(test, 4, 0);
	unsigned long reads = 0, torn = 0, failed = 0, back = 0;
	uint32_t last = 0;
	pthread_t t;

	KUNIT_ASSERT_EQ(test, sim_dma_set_threads(0), 0);
	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("ram0", 2UL << 20, 512), 0);
	r.bdev = t_blk_open(test, "ram0");
	r.folio = t_blk_folio(test, 4, 0);
	KUNIT_ASSERT_EQ(test, pthread_create(&t, NULL, ram_seq_writer, &r), 0);
	while (!__atomic_load_n(&r.done, __ATOMIC_ACQUIRE) || reads < 100) {
		struct bio *bio = t_blk_bio(test, r.bdev, REQ_OP_READ, RAM_SEQ_SECTOR, 1);
		const uint32_t *p = folio_address(rd);

		KUNIT_ASSERT_TRUE(test, bio_add_folio(bio, rd, RAM_SEQ_BYTES, 0));
		memset(folio_address(rd), 0xee, RAM_SEQ_BYTES);
		if (submit_bio_wait(bio)) {
			failed++;
		} else if (!t_is_u32(p, p[0], RAM_SEQ_BYTES)) {
			torn++;
		} else {
			back += p[0] < last;
			last = p[0];
		}
		bio_put(bio);
		reads++;
	}
	pthread_join(t, NULL);
	KUNIT_EXPECT_EQ(test, r.errors, 0);
	KUNIT_EXPECT_EQ(test, failed, 0UL);
	KUNIT_EXPECT_EQ(test, torn, 0UL);
	KUNIT_EXPECT_EQ(test, back, 0UL);
	folio_put(r.folio);
	folio_put(rd);
	blkdev_put(r.bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("ram0"), 0);
	KUNIT_EXPECT_EQ(test, sim_dma_set_threads(2), 0);
}

/*
 * The store in 2 MiB chunks (drivers/block/ram.c): I/O and discards
 * across a chunk edge, a discard that covers a chunk whole (the chunk is
 * given back), and the short last chunk of a disk that is not a multiple
 * of 2 MiB. The disk is 4 MiB + 3 KiB; each row is applied in order to it
 * and to a host model, then the whole disk is read back.
 *
 *   byte:  0        2M-4K 2M  2M+4K          4M   4M+3K
 *          |  chunk 0  [==|==]  chunk 1        | c2 |
 *
 * Expect after every row the disk to equal the model: written bytes where
 * written, zeros where never written or discarded (as brd: a discarded
 * block reads as zeros).
 */
struct ram_edge_op {
	const char *what;
	enum req_op op;		/* REQ_OP_WRITE (pattern @fill), _DISCARD, _WRITE_ZEROES */
	uint64_t pos, len;
	int fill;
};

#define RAM_EDGE_BYTES	((4UL << 20) + 3072)

static const struct ram_edge_op ram_edge_ops[] = {
	{ "write 8 KiB across the 2 MiB edge", REQ_OP_WRITE, (2UL << 20) - 4096, 8192, 0x11 },
	{ "write the last 3 KiB (short chunk)", REQ_OP_WRITE, 4UL << 20, 3072, 0x22 },
	{ "write 1 MiB across the 4 MiB edge", REQ_OP_WRITE, (3UL << 20) + 3072, 1UL << 20, 0x33 },
	{ "discard chunk 1 whole", REQ_OP_DISCARD, 2UL << 20, 2UL << 20, 0 },
	{ "write 4 KiB in chunk 1 again", REQ_OP_WRITE, (3UL << 20), 4096, 0x44 },
	{ "write-zeroes 6 KiB across the 2 MiB edge", REQ_OP_WRITE_ZEROES, (2UL << 20) - 2048, 6144, 0 },
	{ "discard the short last chunk whole", REQ_OP_DISCARD, 4UL << 20, 3072, 0 },
	{ "discard 1 KiB inside chunk 0", REQ_OP_DISCARD, (2UL << 20) - 4096, 1024, 0 },
};

static void ram_chunk_edges(struct kunit *test)
{
	unsigned char *model = calloc(1, RAM_EDGE_BYTES), *disk = malloc(RAM_EDGE_BYTES);
	struct block_device *bdev;
	unsigned int i;

	KUNIT_ASSERT_TRUE(test, model && disk);
	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("ram0", RAM_EDGE_BYTES, 512), 0);
	bdev = t_blk_open(test, "ram0");
	for (i = 0; i < ARRAY_SIZE(ram_edge_ops); i++) {
		const struct ram_edge_op *o = &ram_edge_ops[i];
		uint64_t off;

		if (o->op == REQ_OP_WRITE) {
			memset(model + o->pos, o->fill, o->len);
			for (off = 0; off < o->len; off += 1UL << 20)
				KUNIT_EXPECT_EQ_MSG(test, t_blk_rw(test, bdev, true, (o->pos + off) >> 9,
								 model + o->pos + off,
								 min_t(uint64_t, 1UL << 20, o->len - off)),
						    0, "%s", o->what);
		} else {
			struct bio *bio = t_blk_bio(test, bdev, o->op, o->pos >> 9, 0);

			bio->bi_iter.bi_size = (unsigned int)o->len;
			KUNIT_EXPECT_EQ_MSG(test, submit_bio_wait(bio), 0, "%s", o->what);
			bio_put(bio);
			memset(model + o->pos, 0, o->len);
		}
		memset(disk, 0x5a, RAM_EDGE_BYTES);
		for (off = 0; off < RAM_EDGE_BYTES; off += 1UL << 20)
			KUNIT_ASSERT_EQ(test, t_blk_rw(test, bdev, false, off >> 9, disk + off,
						       min_t(uint64_t, 1UL << 20, RAM_EDGE_BYTES - off)), 0);
		KUNIT_EXPECT_TRUE_MSG(test, !memcmp(disk, model, RAM_EDGE_BYTES),
				      "after \"%s\": the disk differs from the model", o->what);
	}
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("ram0"), 0);
	free(model);
	free(disk);
}

/* ---- submission checks --------------------------------------------------------- */

struct blk_bad_bio {
	const char *desc;
	unsigned int lbs;
	sector_t sector;
	unsigned int bytes;
	enum req_op op;
	int expect;
};

static const struct blk_bad_bio blk_bad_bio_cases[] = {
	{ "ends one sector past the end", 512, 2047, 1024, REQ_OP_WRITE, -EIO },
	{ "starts past the end", 512, 4096, 512, REQ_OP_READ, -EIO },
	{ "sector way past the end", 512, ~0ULL - 1, 1024, REQ_OP_READ, -EIO },
	{ "sector not lbs-aligned", 4096, 1, 4096, REQ_OP_WRITE, -EIO },
	{ "size not lbs-aligned", 4096, 8, 512, REQ_OP_READ, -EIO },
	{ "flush with data", 512, 0, 512, REQ_OP_FLUSH, -EIO },
	{ "zone append", 512, 0, 512, REQ_OP_ZONE_APPEND, -EOPNOTSUPP },
	{ "last block (fits)", 512, 2047, 512, REQ_OP_WRITE, 0 },
};

static void blk_bad_bio_desc(const struct blk_bad_bio *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(blk_bad_bio, blk_bad_bio_cases, blk_bad_bio_desc);

/*
 * A bio the checks must refuse, on a 1 MiB RAM disk (2048 sectors) with
 * the lbs of the parameter.
 * Expect submit_bio_wait() to return the error, the driver to see no bio
 * (its hook stays silent), and bios_rejected to grow by one; the control
 * case that fits succeeds and reaches the driver.
 */
static void submit_bio_checks_refuse(struct kunit *test)
{
	const struct blk_bad_bio *c = test->param_value;
	unsigned long rejected = sim_blk_stat("bios_rejected");
	struct block_device *bdev;
	struct t_blk_seen seen;
	struct folio *f;
	struct bio *bio;

	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("ram0", MiB, c->lbs), 0);
	t_blk_seen_init(&seen);
	KUNIT_ASSERT_EQ(test, sim_disk_set_bio_hook("ram0", t_blk_seen_hook, &seen), 0);
	bdev = t_blk_open(test, "ram0");
	f = t_blk_folio(test, 0, 0x33);
	bio = t_blk_bio(test, bdev, c->op, c->sector, 1);
	__bio_add_page(bio, &f->page, c->bytes, 0);
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), c->expect);
	bio_put(bio);
	folio_put(f);
	if (c->expect) {
		KUNIT_EXPECT_EQ(test, seen.n, 0);
		KUNIT_EXPECT_EQ(test, sim_blk_stat("bios_rejected") - rejected, 1UL);
	} else {
		KUNIT_EXPECT_EQ(test, seen.n, 1);
	}
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("ram0"), 0);
}

/* ---- null disk --------------------------------------------------------------------- */

/*
 * null_blk moves no data: a read leaves the page as it was.
 * Expect reads and writes to succeed, the page to keep its 0x5a, and a
 * 5 ms completion latency to make submit_bio_wait() take at least 5 ms.
 */
static void null_disk_moves_nothing(struct kunit *test)
{
	unsigned long bytes = sim_dma_stat("dma_bytes");
	struct block_device *bdev;
	struct folio *f;
	struct bio *bio;
	uint64_t t0;

	KUNIT_ASSERT_EQ(test, sim_nulldisk_create("null0", 64 * MiB, 4096), 0);
	bdev = t_blk_open(test, "null0");
	f = t_blk_folio(test, 0, 0x5a);
	bio = t_blk_bio(test, bdev, REQ_OP_READ, 8, 1);
	t_blk_add(test, bio, &f->page, PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	KUNIT_EXPECT_TRUE(test, t_mem_is(folio_address(f), 0x5a, PAGE_SIZE));
	bio_put(bio);

	KUNIT_ASSERT_EQ(test, sim_disk_set_latency("null0", 5000000), 0);
	KUNIT_EXPECT_EQ(test, sim_disk_set_latency("nope", 1), -ENOENT);
	bio = t_blk_bio(test, bdev, REQ_OP_WRITE, 16, 1);
	t_blk_add(test, bio, &f->page, PAGE_SIZE, 0);
	t0 = t_blk_now_ns();
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	KUNIT_EXPECT_GE(test, t_blk_now_ns() - t0, 5000000ULL);
	bio_put(bio);
	KUNIT_EXPECT_EQ(test, sim_dma_stat("dma_bytes") - bytes, 0UL);
	folio_put(f);
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("null0"), 0);
}

/* ---- lifetime and idle-only changes ----------------------------------------- */


/*
 * Limits change only while the disk is idle.
 * Expect -ENOENT for a missing disk, -EINVAL for an lbs that does not
 * divide the capacity, -EBUSY while a held bio is in flight, 0 after it
 * completes.
 */
static void set_limits_needs_idle(struct kunit *test)
{
	struct sim_io_fault hold = { .flags = SIM_IO_HOLD };
	struct block_device *bdev;
	struct queue_limits lim;
	struct t_blk_io io;
	struct folio *f;
	struct bio *bio;

	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("ram0", 6 * 512, 512), 0);
	KUNIT_ASSERT_EQ(test, sim_disk_get_limits("ram0", &lim), 0);
	KUNIT_EXPECT_EQ(test, sim_disk_set_limits("nope", &lim), -ENOENT);
	KUNIT_EXPECT_EQ(test, sim_disk_get_limits("nope", &lim), -ENOENT);
	lim.logical_block_size = lim.physical_block_size = 4096;
	KUNIT_EXPECT_EQ(test, sim_disk_set_limits("ram0", &lim), -EINVAL);
	lim.logical_block_size = lim.physical_block_size = 1024;
	KUNIT_EXPECT_EQ(test, sim_disk_set_limits("ram0", &lim), 0);

	KUNIT_ASSERT_EQ(test, sim_disk_inject("ram0", &hold), 0);
	bdev = t_blk_open(test, "ram0");
	f = t_blk_folio(test, 0, 9);
	bio = t_blk_bio(test, bdev, REQ_OP_WRITE, 0, 1);
	t_blk_add(test, bio, &f->page, 1024, 0);
	t_blk_io_init(&io);
	t_blk_submit(&io, 0, bio);
	KUNIT_EXPECT_EQ(test, sim_disk_set_limits("ram0", &lim), -EBUSY);
	KUNIT_EXPECT_EQ(test, sim_disk_release("ram0"), 1);
	KUNIT_EXPECT_TRUE(test, t_blk_wait(&io, 1, 5000));
	KUNIT_EXPECT_EQ(test, sim_disk_inject("ram0", NULL), 0);
	KUNIT_EXPECT_EQ(test, sim_disk_set_limits("ram0", &lim), 0);
	bio_put(bio);
	t_blk_io_destroy(&io);
	folio_put(f);
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("ram0"), 0);
}

/*
 * Deleting a disk waits for its I/O: a write delayed 30 ms is in flight
 * when sim_disk_destroy() starts.
 * Expect the destroy to return only after the write completed, with 0,
 * and at least 30 ms after the submit.
 */
static void destroy_drains_inflight(struct kunit *test)
{
	struct sim_io_fault delay = { .flags = SIM_IO_DELAY, .delay_us = 30000 };
	struct block_device *bdev;
	struct t_blk_io io;
	struct folio *f;
	struct bio *bio;
	uint64_t t0;

	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("ram0", MiB, 512), 0);
	KUNIT_ASSERT_EQ(test, sim_disk_inject("ram0", &delay), 0);
	bdev = t_blk_open(test, "ram0");
	f = t_blk_folio(test, 0, 3);
	bio = t_blk_bio(test, bdev, REQ_OP_WRITE, 0, 1);
	t_blk_add(test, bio, &f->page, PAGE_SIZE, 0);
	t_blk_io_init(&io);
	t0 = t_blk_now_ns();
	t_blk_submit(&io, 0, bio);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("ram0"), 0);
	KUNIT_EXPECT_EQ(test, t_blk_done(&io), 1);
	KUNIT_EXPECT_GE(test, t_blk_now_ns() - t0, 30000000ULL);
	KUNIT_EXPECT_EQ(test, io.status[0], BLK_STS_OK);
	bio_put(bio);
	t_blk_io_destroy(&io);
	folio_put(f);
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, blk_nr_live_disks(), 0);
}

/*
 * Many asynchronous bios at once on a RAM disk, each to its own block.
 * Expect every one to complete exactly once with 0, in any order.
 */
static void submit_async_each_completes_once(struct kunit *test)
{
	struct block_device *bdev;
	struct folio *f[16];
	struct bio *bio[16];
	struct t_blk_io io;
	int i;

	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("ram0", MiB, 512), 0);
	bdev = t_blk_open(test, "ram0");
	t_blk_io_init(&io);
	for (i = 0; i < 16; i++) {
		f[i] = t_blk_folio(test, 0, i);
		bio[i] = t_blk_bio(test, bdev, REQ_OP_WRITE, 8 * i, 1);
		t_blk_add(test, bio[i], &f[i]->page, PAGE_SIZE, 0);
		t_blk_submit(&io, i, bio[i]);
	}
	KUNIT_EXPECT_TRUE(test, t_blk_wait(&io, 16, 5000));
	for (i = 0; i < 16; i++) {
		KUNIT_EXPECT_EQ(test, io.count[i], 1);
		KUNIT_EXPECT_EQ(test, io.status[i], BLK_STS_OK);
		bio_put(bio[i]);
		folio_put(f[i]);
	}
	t_blk_io_destroy(&io);
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("ram0"), 0);
}

static struct kunit_case blk_cases[] = {
	KUNIT_CASE(blk_default_limits),
	KUNIT_CASE_PARAM(blk_validate_limits_rejects, blk_bad_limits_gen_params),
	KUNIT_CASE(blk_queue_setters_clamp),
	KUNIT_CASE(genhd_register_lookup),
	KUNIT_CASE(genhd_disk_freed_when_closed),
	KUNIT_CASE(genhd_shutdown_deletes_disks),
	KUNIT_CASE(ram_write_read_roundtrip),
	KUNIT_CASE(ram_subpage_bvecs),
	KUNIT_CASE(ram_discard_write_zeroes),
	KUNIT_CASE(ram_chunk_edges),
	KUNIT_CASE(ram_prefetch_races_discard_stress),
	KUNIT_CASE(ram_lockless_read_stress),
	KUNIT_CASE_PARAM(submit_bio_checks_refuse, blk_bad_bio_gen_params),
	KUNIT_CASE(set_limits_needs_idle),
	KUNIT_CASE(destroy_drains_inflight),
	KUNIT_CASE(submit_async_each_completes_once),
	KUNIT_CASE(null_disk_moves_nothing),
	{}
};

struct kunit_suite blk_suite = {
	.name = "blk",
	.init = t_blk_init,
	.exit = t_blk_exit,
	.test_cases = blk_cases,
};
