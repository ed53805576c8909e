// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the block layer and its simulated disks: queue limits
 * (block/blk-settings.c), the disk registry and its references
 * (block/genhd.c), submission checks, splitting to the limits and
 * submit_bio_wait() (block/blk-core.c), and the RAM, null and file
 * drivers moving real bytes (drivers/block/). Each case boots a 64 MiB
 * machine; bios are built from test-owned folios, so no pins are
 * involved (the dma suite covers pinned user pages and I9).
 */
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pinio/fault-inject.h>

#include "blk_helpers.h"

#define MiB	(1UL << 20)

static uint64_t blk_kunit_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Set one field of @name's limits (idle disk) and ASSERT it took. */
static void blk_kunit_limits(struct kunit *test, const char *name,
			     void (*edit)(struct queue_limits *lim, unsigned long v), unsigned long v)
{
	struct queue_limits lim;

	KUNIT_ASSERT_EQ(test, sim_disk_get_limits(name, &lim), 0);
	edit(&lim, v);
	KUNIT_ASSERT_EQ(test, sim_disk_set_limits(name, &lim), 0);
}

static void set_max_sectors(struct queue_limits *lim, unsigned long v)
{
	lim->max_sectors = (unsigned int)v;
}

static void set_max_segments(struct queue_limits *lim, unsigned long v)
{
	lim->max_segments = (unsigned short)v;
}

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
	blk_kunit_limits(test, "ram0", set_max_sectors, 8);
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
	blk_kunit_limits(test, "ram0", set_max_segments, 2);
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
			blk_kunit_limits(test, "ram0", set_boundary_one_seg, 0x1fff);
		else
			blk_kunit_limits(test, "ram0", set_segsize_two_segs, 4096);
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
	blk_kunit_limits(test, "ram0", set_virt_boundary, 4095);
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
	blk_kunit_limits(test, "ram0", set_max_sectors, 8);
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
		blk_kunit_limits(test, "ram0", set_max_sectors, c->max_sectors);
	if (c->pbs)
		blk_kunit_limits(test, "ram0", set_pbs, c->pbs);
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
	blk_kunit_limits(test, "ram0", set_max_segments, 1);
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
	t0 = blk_kunit_now_ns();
	t_blk_submit(&io, 0, bio);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("ram0"), 0);
	KUNIT_EXPECT_EQ(test, t_blk_done(&io), 1);
	KUNIT_EXPECT_GE(test, blk_kunit_now_ns() - t0, 30000000ULL);
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
	t0 = blk_kunit_now_ns();
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	KUNIT_EXPECT_GE(test, blk_kunit_now_ns() - t0, 5000000ULL);
	bio_put(bio);
	KUNIT_EXPECT_EQ(test, sim_dma_stat("dma_bytes") - bytes, 0UL);
	folio_put(f);
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("null0"), 0);
}

/* ---- file disk ----------------------------------------------------------------------- */

/* Create a file disk on a fresh 1 MiB host file, or skip if the backend is missing. */
static void blk_kunit_filedisk(struct kunit *test, const char *backend, char path[PATH_MAX])
{
	int err;

	t_blk_tmpfile(test, MiB, path);
	err = sim_filedisk_create("file0", path, backend, 512);
	if (err == -EOPNOTSUPP || err == -ENOSYS || err == -EPERM) {
		unlink(path);
		kunit_skip(test, "backend %s unavailable here: %d", backend, err);
	}
	if (err)
		unlink(path);
	KUNIT_ASSERT_EQ_MSG(test, err, 0, "sim_filedisk_create(%s)", backend);
}

static const char *const blk_file_backends[] = {
	"psync", "io_uring", "psync,direct", "io_uring,direct",
};

static void blk_file_backend_desc(const char *const *b, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", *b);
}

KUNIT_ARRAY_PARAM(blk_file_backend, blk_file_backends, blk_file_backend_desc);

/*
 * Bytes move for real between pages and the host file, both ways, through
 * each backend:
 *   bio write 8 KiB at sector 16 --> host file bytes [8192, 16384)
 *   host pwrite 512 B at 65536   --> bio read at sector 128
 * plus a 1-byte-offset sub-block read that O_DIRECT cannot do (the
 * buffered descriptor takes it).
 * Expect pread() of the host file to show the written bytes, the read bio
 * to return the host's bytes, and everything else to stay zero.
 */
static void file_backend_roundtrip(struct kunit *test)
{
	const char *backend = *(const char *const *)test->param_value;
	static unsigned char host[16384];
	struct block_device *bdev;
	char path[PATH_MAX];
	struct folio *f, *g;
	struct bio *bio;
	int fd, i;

	blk_kunit_filedisk(test, backend, path);
	bdev = t_blk_open(test, "file0");
	KUNIT_EXPECT_EQ(test, bdev_nr_sectors(bdev), (sector_t)(MiB >> 9));
	f = t_blk_folio(test, 1, 0);
	for (i = 0; i < 8192; i++)
		((unsigned char *)folio_address(f))[i] = (unsigned char)(i * 13 + 1);
	bio = t_blk_bio(test, bdev, REQ_OP_WRITE, 16, 1);
	KUNIT_ASSERT_TRUE(test, bio_add_folio(bio, f, 8192, 0));
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	bio_put(bio);

	fd = open(path, O_RDWR);
	KUNIT_ASSERT_GE(test, fd, 0);
	KUNIT_EXPECT_EQ(test, pread(fd, host, sizeof(host), 0), (ssize_t)sizeof(host));
	KUNIT_EXPECT_TRUE(test, t_mem_is(host, 0, 8192));
	KUNIT_EXPECT_MEMEQ(test, host + 8192, folio_address(f), 8192);
	memset(host, 0xc7, 512);
	KUNIT_EXPECT_EQ(test, pwrite(fd, host, 512, 65536), 512);
	close(fd);

	g = t_blk_folio(test, 0, 0x11);
	bio = t_blk_bio(test, bdev, REQ_OP_READ, 128, 1);
	t_blk_add(test, bio, &g->page, 512, 1);
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	bio_put(bio);
	KUNIT_EXPECT_EQ(test, ((unsigned char *)folio_address(g))[0], 0x11);
	KUNIT_EXPECT_TRUE(test, t_mem_is((char *)folio_address(g) + 1, 0xc7, 512));
	KUNIT_EXPECT_TRUE(test, t_mem_is((char *)folio_address(g) + 513, 0x11, 4096 - 513));

	folio_put(f);
	folio_put(g);
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("file0"), 0);
	unlink(path);
}

/*
 * Bad file-disk arguments.
 * Expect -ENOENT for a missing host file, -EINVAL for an unknown backend
 * or option, a NULL path, and a host file smaller than one block, and
 * NULL (default psync) to work.
 */
static void file_create_errors(struct kunit *test)
{
	char path[PATH_MAX];

	KUNIT_EXPECT_EQ(test, sim_filedisk_create("file0", "/tmp/pinio-no-such-file", "psync", 512),
			-ENOENT);
	t_blk_tmpfile(test, 4096, path);
	KUNIT_EXPECT_EQ(test, sim_filedisk_create("file0", path, "aio", 512), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_filedisk_create("file0", path, "psync,fast", 512), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_filedisk_create("file0", path, "psyncx", 512), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_filedisk_create("file0", NULL, "psync", 512), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_filedisk_create("file0", path, "psync", 8192), -EINVAL);
	KUNIT_EXPECT_EQ(test, truncate(path, 511), 0);
	KUNIT_EXPECT_EQ(test, sim_filedisk_create("file0", path, "psync", 512), -EINVAL);
	KUNIT_EXPECT_EQ(test, truncate(path, 4096 + 100), 0);
	KUNIT_EXPECT_EQ(test, sim_filedisk_create("file0", path, NULL, 1024), 0);
	KUNIT_EXPECT_EQ(test, sim_filedisk_create("file0", path, NULL, 512), -EEXIST);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("file0"), 0);
	KUNIT_EXPECT_EQ(test, blk_nr_live_disks(), 0);
	unlink(path);
}

/*
 * REQ_PREFLUSH and REQ_FUA reach the host (per backend): a PREFLUSH|FUA
 * write, an empty PREFLUSH write, and a REQ_OP_FLUSH.
 * Expect each to succeed, fdatasync() to be called once per flush (3),
 * one FUA write counted, and the data to be in the host file.
 */
static void file_flush_fua_reach_host(struct kunit *test)
{
	const char *backend = *(const char *const *)test->param_value;
	unsigned long syncs = sim_dma_stat("file_fdatasync");
	unsigned long fua = sim_dma_stat("dma_fua");
	struct block_device *bdev;
	unsigned char host[4096];
	char path[PATH_MAX];
	struct folio *f;
	struct bio *bio;
	int fd;

	blk_kunit_filedisk(test, backend, path);
	bdev = t_blk_open(test, "file0");
	f = t_blk_folio(test, 0, 0x6b);
	bio = t_blk_bio(test, bdev, REQ_OP_WRITE | REQ_PREFLUSH | REQ_FUA, 0, 1);
	t_blk_add(test, bio, &f->page, PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	bio_put(bio);
	bio = t_blk_bio(test, bdev, REQ_OP_WRITE | REQ_PREFLUSH, 0, 0);
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	bio_put(bio);
	bio = t_blk_bio(test, bdev, REQ_OP_FLUSH, 0, 0);
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	bio_put(bio);
	KUNIT_EXPECT_EQ(test, sim_dma_stat("file_fdatasync") - syncs, 3UL);
	KUNIT_EXPECT_EQ(test, sim_dma_stat("dma_fua") - fua, 1UL);

	fd = open(path, O_RDONLY);
	KUNIT_ASSERT_GE(test, fd, 0);
	KUNIT_EXPECT_EQ(test, pread(fd, host, sizeof(host), 0), (ssize_t)sizeof(host));
	KUNIT_EXPECT_TRUE(test, t_mem_is(host, 0x6b, sizeof(host)));
	close(fd);
	folio_put(f);
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("file0"), 0);
	unlink(path);
}

/*
 * A read past the host file's end (the file shrank under the disk) is
 * filled with zeros, as loop does: the disk is 8 KiB, then the host file
 * is cut to 4 KiB + 512.
 * Expect a read of [4 KiB, 8 KiB) to succeed with 512 bytes of data and
 * zeros after them.
 */
static void file_read_past_eof_zero_fills(struct kunit *test)
{
	const char *backend = *(const char *const *)test->param_value;
	struct block_device *bdev;
	char path[PATH_MAX];
	struct folio *f;
	struct bio *bio;
	int fd, err;

	t_blk_tmpfile(test, 8192, path);
	fd = open(path, O_RDWR);
	KUNIT_ASSERT_GE(test, fd, 0);
	f = t_blk_folio(test, 0, 0x3e);
	KUNIT_EXPECT_EQ(test, pwrite(fd, folio_address(f), 4096, 4096), 4096);
	err = sim_filedisk_create("file0", path, backend, 512);
	if (err == -EOPNOTSUPP || err == -ENOSYS || err == -EPERM) {
		close(fd);
		unlink(path);
		folio_put(f);
		kunit_skip(test, "backend %s unavailable here: %d", backend, err);
	}
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, ftruncate(fd, 4096 + 512), 0);
	close(fd);
	bdev = t_blk_open(test, "file0");
	memset(folio_address(f), 0x99, PAGE_SIZE);
	bio = t_blk_bio(test, bdev, REQ_OP_READ, 8, 1);
	t_blk_add(test, bio, &f->page, PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	bio_put(bio);
	KUNIT_EXPECT_TRUE(test, t_mem_is(folio_address(f), 0x3e, 512));
	KUNIT_EXPECT_TRUE(test, t_mem_is((char *)folio_address(f) + 512, 0, 4096 - 512));
	folio_put(f);
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("file0"), 0);
	unlink(path);
}

static struct kunit_case blk_test_cases[] = {
	KUNIT_CASE(blk_default_limits),
	KUNIT_CASE_PARAM(blk_validate_limits_rejects, blk_bad_limits_gen_params),
	KUNIT_CASE(blk_queue_setters_clamp),
	KUNIT_CASE(genhd_register_lookup),
	KUNIT_CASE(genhd_disk_freed_when_closed),
	KUNIT_CASE(genhd_shutdown_deletes_disks),
	KUNIT_CASE(ram_write_read_roundtrip),
	KUNIT_CASE(ram_subpage_bvecs),
	KUNIT_CASE(ram_discard_write_zeroes),
	KUNIT_CASE_PARAM(submit_bio_checks_refuse, blk_bad_bio_gen_params),
	KUNIT_CASE(split_max_sectors),
	KUNIT_CASE(split_max_segments),
	KUNIT_CASE(split_segment_boundary_and_size),
	KUNIT_CASE(split_virt_boundary_gap),
	KUNIT_CASE(split_piece_error_reaches_parent),
	KUNIT_CASE_PARAM(split_single_page_bio, split_one_gen_params),
	KUNIT_CASE(split_impossible_fails),
	KUNIT_CASE(set_limits_needs_idle),
	KUNIT_CASE(destroy_drains_inflight),
	KUNIT_CASE(submit_async_each_completes_once),
	KUNIT_CASE(null_disk_moves_nothing),
	KUNIT_CASE_PARAM(file_backend_roundtrip, blk_file_backend_gen_params),
	KUNIT_CASE(file_create_errors),
	KUNIT_CASE_PARAM(file_flush_fua_reach_host, blk_file_backend_gen_params),
	KUNIT_CASE_PARAM(file_read_past_eof_zero_fills, blk_file_backend_gen_params),
	{}
};

struct kunit_suite blk_suite = {
	.name = "blk",
	.init = t_blk_init,
	.exit = t_blk_exit,
	.test_cases = blk_test_cases,
};
