// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the DMA engine the simulated disks share
 * (drivers/block/dma.c): inline and threaded transfers moving the same
 * bytes, the I9 checker refusing freed, reused and zero pages
 * (scenarios.md §5.1), pinned user pages as DMA targets, and the
 * concurrent stress `make tsan` runs (dma_threads_stress). The device
 * faults are the dma_fault suite. Each case boots a 64 MiB machine
 * (t_blk_init); the fixture is tests/dma_fixture.c.
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

/* ---- moving bytes, and I9 ---------------------------------------------------------------- */

KUNIT_ARRAY_PARAM(dma_threads, dma_thread_counts, dma_threads_desc);

/*
 * The same workload in every engine mode: 24 4-KiB writes of distinct
 * patterns, asynchronous, then one 96 KiB read of the whole range.
 * Expect the read to return exactly the bytes written, every write to
 * complete once with 0, and sim_dma_threads() to report the mode.
 */
static void dma_modes_move_same_bytes(struct kunit *test)
{
	unsigned int n = *(const unsigned int *)test->param_value;
	static unsigned char buf[24 * 4096];
	struct block_device *bdev;
	struct folio *f[24];
	struct bio *bio[24];
	struct t_blk_io io;
	int i;

	KUNIT_ASSERT_EQ(test, sim_dma_set_threads(n), 0);
	KUNIT_EXPECT_EQ(test, sim_dma_threads(), n);
	bdev = dma_kunit_ram(test);
	t_blk_io_init(&io);
	for (i = 0; i < 24; i++) {
		f[i] = t_blk_folio(test, 0, 0);
		memset(folio_address(f[i]), 0x40 + i, PAGE_SIZE);
		((unsigned char *)folio_address(f[i]))[i * 100] = 0xfe;
		bio[i] = t_blk_bio(test, bdev, REQ_OP_WRITE, 8 * i, 1);
		t_blk_add(test, bio[i], &f[i]->page, PAGE_SIZE, 0);
		t_blk_submit(&io, i, bio[i]);
	}
	KUNIT_EXPECT_TRUE(test, t_blk_wait(&io, 24, 5000));
	KUNIT_EXPECT_EQ(test, t_blk_rw(test, bdev, false, 0, buf, sizeof(buf)), 0);
	for (i = 0; i < 24; i++) {
		KUNIT_EXPECT_EQ(test, io.count[i], 1);
		KUNIT_EXPECT_EQ(test, io.status[i], BLK_STS_OK);
		KUNIT_EXPECT_MEMEQ(test, buf + i * 4096, folio_address(f[i]), 4096);
		bio_put(bio[i]);
		folio_put(f[i]);
	}
	t_blk_io_destroy(&io);
	dma_kunit_ram_done(test, bdev);
}

/*
 * Every page a bio covers is checked once and traced:
 *   bvec 0: page A (4 KiB)   bvec 1: order-1 folio B, both pages (8 KiB)
 *   bvec 2: page C [512, 1536)
 * Expect dma_checks +4 (page-granular), dma_requests +1, dma_bytes
 * +13312, and dma_start then dma_end in the history of B's second page.
 */
static void dma_checks_every_page(struct kunit *test)
{
	unsigned long checks = sim_dma_stat("dma_checks");
	unsigned long reqs = sim_dma_stat("dma_requests");
	unsigned long bytes = sim_dma_stat("dma_bytes");
	struct block_device *bdev = dma_kunit_ram(test);
	struct folio *a, *b, *c;
	struct bio *bio;
	char *hist, *start, *end;

	a = t_blk_folio(test, 0, 1);
	b = t_blk_folio(test, 1, 2);
	c = t_blk_folio(test, 0, 3);
	bio = t_blk_bio(test, bdev, REQ_OP_WRITE, 0, 3);
	t_blk_add(test, bio, &a->page, PAGE_SIZE, 0);
	KUNIT_ASSERT_TRUE(test, bio_add_folio(bio, b, 2 * PAGE_SIZE, 0));
	t_blk_add(test, bio, &c->page, 1024, 512);
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	KUNIT_EXPECT_EQ(test, sim_dma_stat("dma_checks") - checks, 4UL);
	KUNIT_EXPECT_EQ(test, sim_dma_stat("dma_requests") - reqs, 1UL);
	KUNIT_EXPECT_EQ(test, sim_dma_stat("dma_bytes") - bytes, 13312UL);
	hist = t_page_history(folio_pfn(b) + 1);
	KUNIT_ASSERT_NOT_NULL(test, hist);
	start = strstr(hist, "dma_start");
	end = strstr(hist, "dma_end");
	KUNIT_EXPECT_NOT_NULL_MSG(test, start, "history:\n%s", hist);
	KUNIT_EXPECT_TRUE_MSG(test, start && end && start < end, "history:\n%s", hist);
	free(hist);
	bio_put(bio);
	folio_put(a);
	folio_put(b);
	folio_put(c);
	dma_kunit_ram_done(test, bdev);
}

/*
 * The request's page snapshot for a bio whose iterator starts inside a
 * bvec (as a split piece does): one order-1 folio B (8 KiB) as one bvec,
 * the iterator advanced by @skip and cut to @len, read from sector 8:
 *
 *   B: | page 0            | page 1            |
 *        skip/len ->   [=====]        one page: one segment, no walk
 *                   [===========]     two pages: the bvec walk
 *
 * Expect dma_checks +@pages, the disk's bytes [4096, 4096 + @len) landing at
 * B + @skip, every other byte of B untouched (0xee), and dma_start in the
 * history of the last page read.
 */
static const struct {
	unsigned int skip, len, pages;
} dma_snap_cases[] = {
	{ 0, 4096, 1 },		/* page 0 whole */
	{ 4096, 4096, 1 },	/* page 1 whole, iterator past the first page */
	{ 4608, 1024, 1 },	/* inside page 1 */
	{ 512, 512, 1 },	/* inside page 0 */
	{ 2048, 4096, 2 },	/* straddles: walk */
	{ 0, 8192, 2 },		/* the whole bvec: walk */
};

static void dma_snapshot_inside_bvec(struct kunit *test)
{
	struct block_device *bdev = dma_kunit_ram(test);
	unsigned char disk[8192], *p;
	size_t i, j;

	for (j = 0; j < sizeof(disk); j++)
		disk[j] = (unsigned char)(j * 7 + 3);
	KUNIT_ASSERT_EQ(test, t_blk_rw(test, bdev, true, 8, disk, sizeof(disk)), 0);
	for (i = 0; i < ARRAY_SIZE(dma_snap_cases); i++) {
		unsigned int skip = dma_snap_cases[i].skip, len = dma_snap_cases[i].len;
		unsigned long checks = sim_dma_stat("dma_checks");
		struct folio *b = t_blk_folio(test, 1, 0xee);
		unsigned long bad = 0;
		struct bio *bio;
		char *hist;

		bio = t_blk_bio(test, bdev, REQ_OP_READ, 0, 1);
		KUNIT_ASSERT_TRUE(test, bio_add_folio(bio, b, 2 * PAGE_SIZE, 0));
		bio_advance(bio, skip);
		bio->bi_iter.bi_size = len;
		bio->bi_iter.bi_sector = 8;
		KUNIT_EXPECT_EQ_MSG(test, submit_bio_wait(bio), 0, "case %zu", i);
		KUNIT_EXPECT_EQ_MSG(test, sim_dma_stat("dma_checks") - checks,
				    (unsigned long)dma_snap_cases[i].pages, "case %zu", i);
		p = folio_address(b);
		for (j = 0; j < 2 * PAGE_SIZE; j++)
			bad += p[j] != (j >= skip && j < skip + len ? disk[j - skip] : 0xee);
		KUNIT_EXPECT_EQ_MSG(test, bad, 0UL, "case %zu: skip %u len %u", i, skip, len);
		hist = t_page_history(folio_pfn(b) + (skip + len - 1) / PAGE_SIZE);
		KUNIT_ASSERT_NOT_NULL(test, hist);
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(hist, "dma_start"), "case %zu:\n%s", i, hist);
		free(hist);
		bio_put(bio);
		folio_put(b);
	}
	dma_kunit_ram_done(test, bdev);
}

static const unsigned int dma_i9_modes[] = { 0, 2 };

KUNIT_ARRAY_PARAM(dma_i9, dma_i9_modes, dma_threads_desc);

/*
 * I9: a page freed while its bio is in flight is never written.
 *   submit READ [A|B] --held--> folio_put(B): B freed, poisoned 0xaa
 *   release --> A checked, filled from the disk; B refused
 * Expect exactly one violation, BLK_STS_IOERR, A holding the disk's bytes,
 * and B's frame still all poison (no write into the freed frame).
 */
static void dma_freed_page_not_touched(struct kunit *test)
{
	unsigned int n = *(const unsigned int *)test->param_value;
	struct sim_io_fault hold = { .flags = SIM_IO_HOLD };
	unsigned long viol = sim_dma_stat("dma_violations");
	static unsigned char disk[8192];
	struct block_device *bdev;
	struct folio *a, *b;
	struct page *bpage;
	struct t_blk_io io;
	struct bio *bio;

	KUNIT_ASSERT_EQ(test, sim_dma_set_threads(n), 0);
	bdev = dma_kunit_ram(test);
	memset(disk, 0xc3, sizeof(disk));
	KUNIT_ASSERT_EQ(test, t_blk_rw(test, bdev, true, 0, disk, sizeof(disk)), 0);
	a = t_blk_folio(test, 0, 0x77);
	b = t_blk_folio(test, 0, 0x77);
	bpage = &b->page;
	bio = t_blk_bio(test, bdev, REQ_OP_READ, 0, 2);
	t_blk_add(test, bio, &a->page, PAGE_SIZE, 0);
	t_blk_add(test, bio, bpage, PAGE_SIZE, 0);
	KUNIT_ASSERT_EQ(test, sim_disk_inject("ram0", &hold), 0);
	t_blk_io_init(&io);
	t_blk_submit(&io, 0, bio);
	KUNIT_EXPECT_EQ(test, t_blk_done(&io), 0);

	folio_put(b);	/* the last reference: B goes back to the buddy allocator */
	KUNIT_EXPECT_TRUE(test, t_mem_is(page_address(bpage), 0xaa, PAGE_SIZE));
	kunit_expect_violations(test, 1);
	KUNIT_EXPECT_EQ(test, sim_disk_release("ram0"), 1);
	KUNIT_EXPECT_TRUE(test, t_blk_wait(&io, 1, 5000));
	KUNIT_EXPECT_EQ(test, io.count[0], 1);
	KUNIT_EXPECT_EQ(test, io.status[0], BLK_STS_IOERR);
	KUNIT_EXPECT_EQ(test, sim_dma_stat("dma_violations") - viol, 1UL);
	KUNIT_EXPECT_TRUE(test, t_mem_is(folio_address(a), 0xc3, PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, t_mem_is(page_address(bpage), 0xaa, PAGE_SIZE));
	bio_put(bio);
	t_blk_io_destroy(&io);
	folio_put(a);
	dma_kunit_ram_done(test, bdev);
}

/*
 * I9: a page freed and allocated again (a new generation) while its bio
 * is in flight is not written either: the new owner's bytes survive.
 *   READ [B] held --> free B --> C = alloc() lands on B's frame --> release
 * Expect one violation, BLK_STS_IOERR, and C still holding its 0x99.
 */
static void dma_reused_page_not_touched(struct kunit *test)
{
	struct sim_io_fault hold = { .flags = SIM_IO_HOLD };
	struct folio *b, *c = NULL, *spare[64];
	struct block_device *bdev;
	struct t_blk_io io;
	struct page *bpage;
	struct bio *bio;
	int i, nspare = 0;

	bdev = dma_kunit_ram(test);
	b = t_blk_folio(test, 0, 0x10);
	bpage = &b->page;
	bio = t_blk_bio(test, bdev, REQ_OP_READ, 0, 1);
	t_blk_add(test, bio, bpage, PAGE_SIZE, 0);
	KUNIT_ASSERT_EQ(test, sim_disk_inject("ram0", &hold), 0);
	t_blk_io_init(&io);
	t_blk_submit(&io, 0, bio);
	folio_put(b);
	for (i = 0; i < 64 && !c; i++) {
		struct folio *f = t_blk_folio(test, 0, 0x99);

		if (&f->page == bpage)
			c = f;
		else
			spare[nspare++] = f;
	}
	for (i = 0; i < nspare; i++)
		folio_put(spare[i]);
	if (!c) {
		/* Let the bio fail on the freed page instead, then skip. */
		kunit_expect_violations(test, 1);
		sim_disk_release("ram0");
		t_blk_wait(&io, 1, 5000);
		bio_put(bio);
		t_blk_io_destroy(&io);
		dma_kunit_ram_done(test, bdev);
		kunit_skip(test, "the allocator did not hand B's frame out again");
	}
	kunit_expect_violations(test, 1);
	KUNIT_EXPECT_EQ(test, sim_disk_release("ram0"), 1);
	KUNIT_EXPECT_TRUE(test, t_blk_wait(&io, 1, 5000));
	KUNIT_EXPECT_EQ(test, io.status[0], BLK_STS_IOERR);
	KUNIT_EXPECT_TRUE(test, t_mem_is(folio_address(c), 0x99, PAGE_SIZE));
	bio_put(bio);
	t_blk_io_destroy(&io);
	folio_put(c);
	dma_kunit_ram_done(test, bdev);
}

/*
 * INV-11: zero pages appear only in WRITE bios. A READ into the zero page
 * is refused; a WRITE from it is fine.
 * Expect the read to fail with -EIO and one violation, the zero page to
 * stay all zeros, and the write of the zero page to succeed and put zeros
 * on the disk.
 */
static void dma_zero_page_read_refused(struct kunit *test)
{
	struct block_device *bdev = dma_kunit_ram(test);
	static unsigned char buf[4096];
	struct bio *bio;

	memset(buf, 0x6d, sizeof(buf));
	KUNIT_ASSERT_EQ(test, t_blk_rw(test, bdev, true, 0, buf, sizeof(buf)), 0);
	kunit_expect_violations(test, 1);
	bio = t_blk_bio(test, bdev, REQ_OP_READ, 0, 1);
	t_blk_add(test, bio, ZERO_PAGE(0), PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), -EIO);
	bio_put(bio);
	KUNIT_EXPECT_TRUE(test, t_mem_is(page_address(ZERO_PAGE(0)), 0, PAGE_SIZE));

	bio = t_blk_bio(test, bdev, REQ_OP_WRITE, 0, 1);
	t_blk_add(test, bio, ZERO_PAGE(0), PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	bio_put(bio);
	KUNIT_ASSERT_EQ(test, t_blk_rw(test, bdev, false, 0, buf, sizeof(buf)), 0);
	KUNIT_EXPECT_TRUE(test, t_mem_is(buf, 0, sizeof(buf)));
	dma_kunit_ram_done(test, bdev);
}

/*
 * Pinned user memory as the DMA target and source (R-BIO-3, INV-10,
 * EDGE-7): a read into 4 pinned anon pages, then a write from 2 untouched
 * pages, which pin as the zero page.
 * Expect the user to see the disk's bytes, the untouched range to write
 * zeros, no violation, and every pin released (the runner's ledger).
 */
static void dma_pinned_user_pages(struct kunit *test)
{
	struct block_device *bdev = dma_kunit_ram(test);
	static unsigned char buf[4 * 4096], got[4 * 4096];
	struct page *pages[4];
	unsigned long addr;
	struct bio *bio;
	int i;

	for (i = 0; i < (int)sizeof(buf); i++)
		buf[i] = (unsigned char)(i % 251);
	KUNIT_ASSERT_EQ(test, t_blk_rw(test, bdev, true, 0, buf, sizeof(buf)), 0);
	addr = sim_mmap(0, 6 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr, 4, FOLL_WRITE, pages), 4);
	bio = t_blk_bio(test, bdev, REQ_OP_READ, 0, 4);
	bio_set_flag(bio, BIO_PAGE_PINNED);
	for (i = 0; i < 4; i++)
		t_blk_add(test, bio, pages[i], PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	bio_release_pages(bio, true);
	bio_put(bio);
	KUNIT_EXPECT_EQ(test, sim_user_read(addr, got, sizeof(got)), (ssize_t)sizeof(got));
	KUNIT_EXPECT_MEMEQ(test, got, buf, sizeof(got));

	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr + 4 * PAGE_SIZE, 2, 0, pages), 2);
	KUNIT_EXPECT_TRUE(test, is_zero_page(pages[0]));
	bio = t_blk_bio(test, bdev, REQ_OP_WRITE, 0, 2);
	bio_set_flag(bio, BIO_PAGE_PINNED);
	for (i = 0; i < 2; i++)
		__bio_add_page(bio, pages[i], PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	bio_release_pages(bio, false);
	bio_put(bio);
	KUNIT_ASSERT_EQ(test, t_blk_rw(test, bdev, false, 0, got, 2 * 4096), 0);
	KUNIT_EXPECT_TRUE(test, t_mem_is(got, 0, 2 * 4096));
	KUNIT_EXPECT_EQ(test, sim_munmap(addr, 6 * PAGE_SIZE), 0);
	dma_kunit_ram_done(test, bdev);
}

/* ---- concurrency ---------------------------------------------------------------------- */

#define DMA_STRESS_ROUNDS	60
#define DMA_STRESS_BATCH	8

struct dma_stress_arg {
	struct block_device *ram, *null;
	int id;
	int bad_status;
	int bad_data;
	int alloc_failed;
};

/* One submitter: batches of async writes, then reads of the same blocks, checked. */
static void *dma_stress_thread(void *p)
{
	struct dma_stress_arg *a = p;
	struct folio *w[DMA_STRESS_BATCH], *r[DMA_STRESS_BATCH];
	struct bio *bio[2 * DMA_STRESS_BATCH];
	struct t_blk_io io;
	int round, i;

	for (round = 0; round < DMA_STRESS_ROUNDS; round++) {
		t_blk_io_init(&io);
		for (i = 0; i < DMA_STRESS_BATCH; i++) {
			sector_t sector = (sector_t)(a->id * DMA_STRESS_BATCH + i) * 16;

			w[i] = folio_alloc_owner(GFP_KERNEL, 1, OWNER_TEST);
			r[i] = folio_alloc_owner(GFP_KERNEL, 1, OWNER_TEST);
			bio[i] = bio_alloc(a->ram, 1, REQ_OP_WRITE, 0);
			bio[DMA_STRESS_BATCH + i] = bio_alloc(a->null, 1, REQ_OP_WRITE, 0);
			if (!w[i] || !r[i] || !bio[i] || !bio[DMA_STRESS_BATCH + i]) {
				a->alloc_failed++;
				return NULL;
			}
			memset(folio_address(w[i]), (a->id << 6) ^ (round + i), 2 * PAGE_SIZE);
			bio[i]->bi_iter.bi_sector = sector;
			bio_add_folio(bio[i], w[i], 2 * PAGE_SIZE, 0);
			bio[DMA_STRESS_BATCH + i]->bi_iter.bi_sector = sector;
			bio_add_page(bio[DMA_STRESS_BATCH + i], &w[i]->page, PAGE_SIZE, 0);
			t_blk_submit(&io, i, bio[i]);
			t_blk_submit(&io, DMA_STRESS_BATCH + i, bio[DMA_STRESS_BATCH + i]);
		}
		if (!t_blk_wait(&io, 2 * DMA_STRESS_BATCH, 10000))
			a->bad_status++;
		for (i = 0; i < 2 * DMA_STRESS_BATCH; i++) {
			if (io.status[i] || io.count[i] != 1)
				a->bad_status++;
			bio_put(bio[i]);
		}
		t_blk_io_destroy(&io);

		t_blk_io_init(&io);
		for (i = 0; i < DMA_STRESS_BATCH; i++) {
			bio[i] = bio_alloc(a->ram, 1, REQ_OP_READ, 0);
			if (!bio[i]) {
				a->alloc_failed++;
				return NULL;
			}
			bio[i]->bi_iter.bi_sector = (sector_t)(a->id * DMA_STRESS_BATCH + i) * 16;
			bio_add_folio(bio[i], r[i], 2 * PAGE_SIZE, 0);
			t_blk_submit(&io, i, bio[i]);
		}
		if (!t_blk_wait(&io, DMA_STRESS_BATCH, 10000))
			a->bad_status++;
		for (i = 0; i < DMA_STRESS_BATCH; i++) {
			if (io.status[i] || io.count[i] != 1)
				a->bad_status++;
			if (memcmp(folio_address(r[i]), folio_address(w[i]), 2 * PAGE_SIZE))
				a->bad_data++;
			bio_put(bio[i]);
			folio_put(w[i]);
			folio_put(r[i]);
		}
		t_blk_io_destroy(&io);
	}
	return NULL;
}

/*
 * Two host threads submit to a 2-thread DMA engine at once: batches of 8
 * asynchronous 8 KiB writes to a RAM disk whose max_sectors (8) splits
 * each into two chained pieces, and 4 KiB writes to a null disk (with
 * 20 us of latency, so completions overlap), then reads of the RAM blocks
 * back:
 *   thread 0 -> ram sectors   0..127, null   0..127 \
 *                                                     > 2 DMA workers
 *   thread 1 -> ram sectors 128..255, null 128..255 /
 * Expect every bio to complete once with 0, every read to return its
 * write, no violation, and (under `make tsan`) no data race.
 */
static void dma_threads_stress(struct kunit *test)
{
	struct dma_stress_arg args[2];
	struct queue_limits lim;
	pthread_t tids[2];
	int i;

	KUNIT_ASSERT_EQ(test, sim_dma_set_threads(2), 0);
	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("ram0", MiB, 512), 0);
	KUNIT_ASSERT_EQ(test, sim_disk_get_limits("ram0", &lim), 0);
	lim.max_sectors = 8;
	KUNIT_ASSERT_EQ(test, sim_disk_set_limits("ram0", &lim), 0);
	KUNIT_ASSERT_EQ(test, sim_nulldisk_create("null0", MiB, 512), 0);
	KUNIT_ASSERT_EQ(test, sim_disk_set_latency("null0", 20000), 0);
	for (i = 0; i < 2; i++) {
		args[i] = (struct dma_stress_arg){
			.ram = t_blk_open(test, "ram0"),
			.null = t_blk_open(test, "null0"),
			.id = i,
		};
	}
	for (i = 0; i < 2; i++)
		KUNIT_ASSERT_EQ(test, pthread_create(&tids[i], NULL, dma_stress_thread, &args[i]), 0);
	for (i = 0; i < 2; i++) {
		pthread_join(tids[i], NULL);
		KUNIT_EXPECT_EQ_MSG(test, args[i].alloc_failed, 0, "thread %d", i);
		KUNIT_EXPECT_EQ_MSG(test, args[i].bad_status, 0, "thread %d", i);
		KUNIT_EXPECT_EQ_MSG(test, args[i].bad_data, 0, "thread %d", i);
		blkdev_put(args[i].ram);
		blkdev_put(args[i].null);
	}
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("ram0"), 0);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("null0"), 0);
}

static struct kunit_case dma_cases[] = {
	KUNIT_CASE_PARAM(dma_modes_move_same_bytes, dma_threads_gen_params),
	KUNIT_CASE(dma_checks_every_page),
	KUNIT_CASE(dma_snapshot_inside_bvec),
	KUNIT_CASE_PARAM(dma_freed_page_not_touched, dma_i9_gen_params),
	KUNIT_CASE(dma_reused_page_not_touched),
	KUNIT_CASE(dma_zero_page_read_refused),
	KUNIT_CASE(dma_pinned_user_pages),
	KUNIT_CASE(dma_threads_stress),
	{}
};

struct kunit_suite dma_suite = {
	.name = "dma",
	.init = t_blk_init,
	.exit = t_blk_exit,
	.test_cases = dma_cases,
};
