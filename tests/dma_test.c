// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the DMA engine the simulated disks share
 * (drivers/block/dma.c) and the device faults it applies: inline and
 * threaded transfers moving the same bytes, the I9 checker refusing freed,
 * reused and zero pages (scenarios.md §5.1), pinned user pages as DMA
 * targets, and the fault points F4-F7 with R21's partial transfers
 * (scenarios.md §5.4, §6). Each case boots a 64 MiB machine; the
 * dma_threads_stress case is the one `make tsan` runs.
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

#define MiB	(1UL << 20)

static uint64_t dma_kunit_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* A RAM disk "ram0" of 1 MiB, opened (ASSERT). */
static struct block_device *dma_kunit_ram(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("ram0", MiB, 512), 0);
	return t_blk_open(test, "ram0");
}

static void dma_kunit_ram_done(struct kunit *test, struct block_device *bdev)
{
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("ram0"), 0);
}

static const unsigned int dma_thread_counts[] = { 0, 1, 2, 4 };

static void dma_threads_desc(const unsigned int *n, char *desc)
{
	if (*n)
		snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u DMA thread%s", *n, *n > 1 ? "s" : "");
	else
		snprintf(desc, KUNIT_PARAM_DESC_SIZE, "inline DMA");
}

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

/* ---- device faults ------------------------------------------------------------------ */

static const int dma_submit_errors[] = { -EAGAIN, -EIO };

static void dma_errno_desc(const int *e, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", *e == -EAGAIN ? "-EAGAIN" : "-EIO");
}

KUNIT_ARRAY_PARAM(dma_submit_error, dma_submit_errors, dma_errno_desc);

/*
 * F4: the device refuses the bio at submit.
 * Expect submit_bio_wait() to return the error, the page untouched, no
 * transfer counted, and the next bio (the fault spent) to succeed.
 */
static void dma_fault_submit_refused(struct kunit *test)
{
	int err = *(const int *)test->param_value;
	struct sim_io_fault f = { .flags = SIM_IO_FAIL_SUBMIT, .error = err, .nth = 1 };
	unsigned long reqs = sim_dma_stat("dma_requests");
	struct block_device *bdev = dma_kunit_ram(test);
	struct folio *p;
	struct bio *bio;

	KUNIT_ASSERT_EQ(test, sim_disk_inject("ram0", &f), 0);
	p = t_blk_folio(test, 0, 0x21);
	bio = t_blk_bio(test, bdev, REQ_OP_READ, 0, 1);
	t_blk_add(test, bio, &p->page, PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), err);
	bio_put(bio);
	KUNIT_EXPECT_TRUE(test, t_mem_is(folio_address(p), 0x21, PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, sim_dma_stat("dma_requests") - reqs, 0UL);
	bio = t_blk_bio(test, bdev, REQ_OP_READ, 0, 1);
	t_blk_add(test, bio, &p->page, PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	bio_put(bio);
	KUNIT_EXPECT_TRUE(test, t_mem_is(folio_address(p), 0, PAGE_SIZE));
	folio_put(p);
	dma_kunit_ram_done(test, bdev);
}

/*
 * F5: bio 3 of 4 completes with -EIO and moves nothing.
 *   sectors |0 bio0|8 bio1|16 bio2|24 bio3|
 *   disk    | 0xb0 | 0xb1 |  zero | 0xb3 |
 * Expect statuses OK, OK, IOERR, OK, one completion each, and the disk
 * contents above.
 */
static void dma_fault_fail_nth(struct kunit *test)
{
	struct sim_io_fault f = { .flags = SIM_IO_FAIL, .nth = 3 };
	struct block_device *bdev = dma_kunit_ram(test);
	static unsigned char buf[4 * 4096];
	struct folio *p[4];
	struct bio *bio[4];
	struct t_blk_io io;
	int i;

	KUNIT_ASSERT_EQ(test, sim_disk_inject("ram0", &f), 0);
	KUNIT_ASSERT_EQ(test, sim_dma_set_threads(1), 0);
	t_blk_io_init(&io);
	for (i = 0; i < 4; i++) {
		p[i] = t_blk_folio(test, 0, 0xb0 + i);
		bio[i] = t_blk_bio(test, bdev, REQ_OP_WRITE, 8 * i, 1);
		t_blk_add(test, bio[i], &p[i]->page, PAGE_SIZE, 0);
		t_blk_submit(&io, i, bio[i]);
	}
	KUNIT_EXPECT_TRUE(test, t_blk_wait(&io, 4, 5000));
	KUNIT_ASSERT_EQ(test, t_blk_rw(test, bdev, false, 0, buf, sizeof(buf)), 0);
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, io.count[i], 1);
		KUNIT_EXPECT_EQ(test, io.status[i], i == 2 ? BLK_STS_IOERR : BLK_STS_OK);
		KUNIT_EXPECT_TRUE_MSG(test, t_mem_is(buf + 4096 * i, i == 2 ? 0 : 0xb0 + i, 4096),
				      "bio %d", i);
		bio_put(bio[i]);
		folio_put(p[i]);
	}
	t_blk_io_destroy(&io);
	dma_kunit_ram_done(test, bdev);
}

/*
 * F5: a bad sector. Every bio covering sector 19 moves the bytes before
 * it and fails; the others are unaffected.
 *   write sectors 16..23 (0x5e):  16 17 18 | 19 bad
 *   write sectors 24..31 (0x5f):  fine
 * Expect the first write to fail with -EIO after exactly 1536 bytes
 * landed, and the second to succeed.
 */
static void dma_fault_bad_sector(struct kunit *test)
{
	struct sim_io_fault f = { .flags = SIM_IO_FAIL_SECTOR, .sector = 19 };
	struct block_device *bdev = dma_kunit_ram(test);
	unsigned long bytes;
	static unsigned char buf[8192];
	struct folio *p;
	struct bio *bio;

	KUNIT_ASSERT_EQ(test, sim_disk_inject("ram0", &f), 0);
	p = t_blk_folio(test, 0, 0x5e);
	bio = t_blk_bio(test, bdev, REQ_OP_WRITE, 16, 1);
	t_blk_add(test, bio, &p->page, PAGE_SIZE, 0);
	bytes = sim_dma_stat("dma_bytes");
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), -EIO);
	KUNIT_EXPECT_EQ(test, sim_dma_stat("dma_bytes") - bytes, 1536UL);
	bio_put(bio);
	memset(folio_address(p), 0x5f, PAGE_SIZE);
	bio = t_blk_bio(test, bdev, REQ_OP_WRITE, 24, 1);
	t_blk_add(test, bio, &p->page, PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	bio_put(bio);
	KUNIT_EXPECT_EQ(test, sim_disk_inject("ram0", NULL), 0);
	KUNIT_ASSERT_EQ(test, t_blk_rw(test, bdev, false, 16, buf, sizeof(buf)), 0);
	KUNIT_EXPECT_TRUE(test, t_mem_is(buf, 0x5e, 1536));
	KUNIT_EXPECT_TRUE(test, t_mem_is(buf + 1536, 0, 4096 - 1536));
	KUNIT_EXPECT_TRUE(test, t_mem_is(buf + 4096, 0x5f, 4096));
	folio_put(p);
	dma_kunit_ram_done(test, bdev);
}

#define DMA_PARTIAL_LEN		(4 * 4096)

static const unsigned int dma_partial_ks[] = {
	0, 1, 511, 512, 4095, 4096, DMA_PARTIAL_LEN - 1,
};

static void dma_partial_desc(const unsigned int *k, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "k=%u of %u", *k, DMA_PARTIAL_LEN);
}

KUNIT_ARRAY_PARAM(dma_partial, dma_partial_ks, dma_partial_desc);

/* One R21 round on disk @name: write then read a 16 KiB bio of 4 pages, k bytes each. */
static void dma_kunit_partial_round(struct kunit *test, const char *name, unsigned int k)
{
	struct sim_io_fault f = { .flags = SIM_IO_PARTIAL, .bytes = k, .nth = 1 };
	static unsigned char buf[DMA_PARTIAL_LEN];
	struct block_device *bdev = t_blk_open(test, name);
	unsigned char *mem[4];
	struct folio *p[4];
	struct t_blk_io io;
	unsigned long bytes;
	struct bio *bio;
	int dir, i;

	for (dir = 0; dir < 2; dir++) {
		bool write = dir == 0;

		/* The disk holds 0x11; memory 0x22 (write) or the disk 0x33, memory 0x44 (read). */
		memset(buf, write ? 0x11 : 0x33, sizeof(buf));
		KUNIT_ASSERT_EQ(test, t_blk_rw(test, bdev, true, 0, buf, sizeof(buf)), 0);
		bio = t_blk_bio(test, bdev, write ? REQ_OP_WRITE : REQ_OP_READ, 0, 4);
		for (i = 0; i < 4; i++) {
			p[i] = t_blk_folio(test, 0, write ? 0x22 : 0x44);
			mem[i] = folio_address(p[i]);
			t_blk_add(test, bio, &p[i]->page, PAGE_SIZE, 0);
		}
		KUNIT_ASSERT_EQ(test, sim_disk_inject(name, &f), 0);
		t_blk_io_init(&io);
		bytes = sim_dma_stat("dma_bytes");
		t_blk_submit(&io, 0, bio);
		KUNIT_EXPECT_TRUE(test, t_blk_wait(&io, 1, 5000));
		KUNIT_EXPECT_EQ_MSG(test, io.count[0], 1, "%s %s", name, write ? "write" : "read");
		KUNIT_EXPECT_EQ(test, io.status[0], BLK_STS_IOERR);
		KUNIT_EXPECT_EQ_MSG(test, sim_dma_stat("dma_bytes") - bytes, (unsigned long)k,
				    "%s %s", name, write ? "write" : "read");
		if (write)
			KUNIT_ASSERT_EQ(test, t_blk_rw(test, bdev, false, 0, buf, sizeof(buf)), 0);
		else
			for (i = 0; i < 4; i++)
				memcpy(buf + i * 4096, mem[i], 4096);
		KUNIT_EXPECT_TRUE_MSG(test, t_mem_is(buf, write ? 0x22 : 0x33, k),
				      "%s %s: the first %u bytes", name, write ? "write" : "read", k);
		KUNIT_EXPECT_TRUE_MSG(test, t_mem_is(buf + k, write ? 0x11 : 0x44,
							 DMA_PARTIAL_LEN - k),
				      "%s %s: the bytes after %u", name, write ? "write" : "read", k);
		bio_put(bio);
		t_blk_io_destroy(&io);
		for (i = 0; i < 4; i++)
			folio_put(p[i]);
	}
	blkdev_put(bdev);
}

/*
 * R21 (F6): for k in {0, 1, 511, 512, 4095, 4096, len-1} the device moves
 * k bytes of a 16 KiB bio and then fails, on a RAM disk and on file disks
 * (psync, psync with O_DIRECT, io_uring), for a write and for a read:
 *   bio   |page0|page1|page2|page3|
 *   moved |<--- k --->|
 * Expect exactly k bytes landed (on the disk for the write, in memory for
 * the read), nothing past them changed, BLK_STS_IOERR, one completion.
 */
static void dma_fault_partial_transfer(struct kunit *test)
{
	unsigned int k = *(const unsigned int *)test->param_value;
	static const char *const backends[] = { "psync", "psync,direct", "io_uring" };
	char path[PATH_MAX];
	unsigned int i;

	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("ram0", MiB, 512), 0);
	dma_kunit_partial_round(test, "ram0", k);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("ram0"), 0);

	for (i = 0; i < ARRAY_SIZE(backends); i++) {
		int err;

		t_blk_tmpfile(test, MiB, path);
		err = sim_filedisk_create("file0", path, backends[i], 512);
		if (err == -EOPNOTSUPP || err == -ENOSYS || err == -EPERM) {
			kunit_info(test, "backend %s unavailable here (%d): not tested", backends[i],
				   err);
			unlink(path);
			continue;
		}
		KUNIT_EXPECT_EQ_MSG(test, err, 0, "backend %s", backends[i]);
		if (!err) {
			dma_kunit_partial_round(test, "file0", k);
			KUNIT_EXPECT_EQ(test, sim_disk_destroy("file0"), 0);
		}
		unlink(path);
	}
}

/*
 * F7: a delayed completion. A 20 ms delay on a 2-thread engine.
 * Expect the bio still in flight right after submit, then one completion
 * with 0, no sooner than 20 ms after the submit.
 */
static void dma_fault_delay(struct kunit *test)
{
	struct sim_io_fault f = { .flags = SIM_IO_DELAY, .delay_us = 20000 };
	struct block_device *bdev = dma_kunit_ram(test);
	struct t_blk_io io;
	struct folio *p;
	struct bio *bio;
	uint64_t t0;

	KUNIT_ASSERT_EQ(test, sim_dma_set_threads(2), 0);
	KUNIT_ASSERT_EQ(test, sim_disk_inject("ram0", &f), 0);
	p = t_blk_folio(test, 0, 0x1d);
	bio = t_blk_bio(test, bdev, REQ_OP_WRITE, 0, 1);
	t_blk_add(test, bio, &p->page, PAGE_SIZE, 0);
	t_blk_io_init(&io);
	t0 = dma_kunit_now_ns();
	t_blk_submit(&io, 0, bio);
	KUNIT_EXPECT_EQ(test, t_blk_done(&io), 0);
	KUNIT_EXPECT_TRUE(test, t_blk_wait(&io, 1, 5000));
	KUNIT_EXPECT_GE(test, dma_kunit_now_ns() - t0, 20000000ULL);
	KUNIT_EXPECT_EQ(test, io.status[0], BLK_STS_OK);
	bio_put(bio);
	t_blk_io_destroy(&io);
	folio_put(p);
	dma_kunit_ram_done(test, bdev);
}

static const unsigned int dma_reorder_modes[] = { 0, 1 };

KUNIT_ARRAY_PARAM(dma_reorder, dma_reorder_modes, dma_threads_desc);

/*
 * F7: reordered completion. Three writes to the same sector are held
 * until the third arrives, then run newest first:
 *   submitted  w0(0x01) w1(0x02) w2(0x03)
 *   run        w2 w1 w0  --> the disk keeps w0's bytes
 * Expect completions in the order 2, 1, 0, each once with 0, and 0x01 on
 * the disk.
 */
static void dma_fault_reorder(struct kunit *test)
{
	unsigned int n = *(const unsigned int *)test->param_value;
	struct sim_io_fault f = { .flags = SIM_IO_REORDER, .depth = 3 };
	unsigned char buf[4096];
	struct block_device *bdev;
	struct folio *p[3];
	struct bio *bio[3];
	struct t_blk_io io;
	int i;

	KUNIT_ASSERT_EQ(test, sim_dma_set_threads(n), 0);
	bdev = dma_kunit_ram(test);
	KUNIT_ASSERT_EQ(test, sim_disk_inject("ram0", &f), 0);
	t_blk_io_init(&io);
	for (i = 0; i < 3; i++) {
		p[i] = t_blk_folio(test, 0, i + 1);
		bio[i] = t_blk_bio(test, bdev, REQ_OP_WRITE, 0, 1);
		t_blk_add(test, bio[i], &p[i]->page, PAGE_SIZE, 0);
		t_blk_submit(&io, i, bio[i]);
		if (i < 2)
			KUNIT_EXPECT_EQ(test, t_blk_done(&io), 0);
	}
	KUNIT_EXPECT_TRUE(test, t_blk_wait(&io, 3, 5000));
	KUNIT_EXPECT_EQ(test, sim_disk_inject("ram0", NULL), 0);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, io.order[i], 2 - i);
		KUNIT_EXPECT_EQ(test, io.count[i], 1);
		KUNIT_EXPECT_EQ(test, io.status[i], BLK_STS_OK);
	}
	KUNIT_ASSERT_EQ(test, t_blk_rw(test, bdev, false, 0, buf, sizeof(buf)), 0);
	KUNIT_EXPECT_TRUE(test, t_mem_is(buf, 0x01, sizeof(buf)));
	for (i = 0; i < 3; i++) {
		bio_put(bio[i]);
		folio_put(p[i]);
	}
	t_blk_io_destroy(&io);
	dma_kunit_ram_done(test, bdev);
}

#define DMA_JITTER_BIOS	16

/*
 * F7: reordering without holding. Every bio is delayed 0..2000 us (drawn
 * per bio, SIM_IO_DELAY with jitter_us) and two DMA workers run them as
 * they fall due:
 *   submitted  w0 w1 w2 ... w15      (sector i gets byte i + 1)
 *   completed  in due order, not submit order
 * Expect every bio to complete once with 0, at least one to complete
 * before a bio submitted earlier, and every sector to hold its byte.
 */
static void dma_fault_jitter_reorders(struct kunit *test)
{
	struct sim_io_fault f = { .flags = SIM_IO_DELAY, .jitter_us = 2000 };
	struct folio *p[DMA_JITTER_BIOS];
	struct bio *bio[DMA_JITTER_BIOS];
	unsigned char buf[4096];
	struct block_device *bdev;
	struct t_blk_io io;
	bool overtaken = false;
	int i;

	KUNIT_ASSERT_EQ(test, sim_dma_set_threads(2), 0);
	bdev = dma_kunit_ram(test);
	KUNIT_ASSERT_EQ(test, sim_disk_inject("ram0", &f), 0);
	t_blk_io_init(&io);
	for (i = 0; i < DMA_JITTER_BIOS; i++) {
		p[i] = t_blk_folio(test, 0, i + 1);
		bio[i] = t_blk_bio(test, bdev, REQ_OP_WRITE, (sector_t)i * 8, 1);
		t_blk_add(test, bio[i], &p[i]->page, PAGE_SIZE, 0);
		t_blk_submit(&io, i, bio[i]);
	}
	KUNIT_EXPECT_TRUE(test, t_blk_wait(&io, DMA_JITTER_BIOS, 10000));
	KUNIT_EXPECT_EQ(test, sim_disk_inject("ram0", NULL), 0);
	for (i = 0; i < DMA_JITTER_BIOS; i++) {
		KUNIT_EXPECT_EQ(test, io.count[i], 1);
		KUNIT_EXPECT_EQ(test, io.status[i], BLK_STS_OK);
		/* io.order[k]: the id of the k-th completion. */
		if (io.order[i] != i)
			overtaken = true;
	}
	KUNIT_EXPECT_TRUE_MSG(test, overtaken, "16 jittered bios completed in submit order");
	for (i = 0; i < DMA_JITTER_BIOS; i++) {
		KUNIT_ASSERT_EQ(test, t_blk_rw(test, bdev, false, (sector_t)i * 8, buf, sizeof(buf)), 0);
		KUNIT_EXPECT_TRUE(test, t_mem_is(buf, i + 1, sizeof(buf)));
		bio_put(bio[i]);
		folio_put(p[i]);
	}
	t_blk_io_destroy(&io);
	dma_kunit_ram_done(test, bdev);
}

/*
 * Held bios wait for sim_disk_release(), and sim_fault_reset() (what the
 * runner calls after every case) disarms the fault and releases them too.
 * Expect release to report 2 and both bios to complete; then a held bio to
 * complete once sim_fault_reset() runs, and the next bio not to be held.
 */
static void dma_fault_hold_release_reset(struct kunit *test)
{
	struct sim_io_fault hold = { .flags = SIM_IO_HOLD };
	struct block_device *bdev = dma_kunit_ram(test);
	struct t_blk_io io;
	struct folio *p;
	struct bio *bio[4];
	int i;

	p = t_blk_folio(test, 0, 0x48);
	KUNIT_ASSERT_EQ(test, sim_disk_inject("ram0", &hold), 0);
	t_blk_io_init(&io);
	for (i = 0; i < 4; i++) {
		bio[i] = t_blk_bio(test, bdev, REQ_OP_WRITE, 8 * i, 1);
		t_blk_add(test, bio[i], &p->page, PAGE_SIZE, 0);
	}
	t_blk_submit(&io, 0, bio[0]);
	t_blk_submit(&io, 1, bio[1]);
	KUNIT_EXPECT_EQ(test, t_blk_done(&io), 0);
	KUNIT_EXPECT_EQ(test, sim_disk_release("ram0"), 2);
	KUNIT_EXPECT_EQ(test, sim_disk_release("nope"), -ENOENT);
	KUNIT_EXPECT_TRUE(test, t_blk_wait(&io, 2, 5000));

	t_blk_submit(&io, 2, bio[2]);
	KUNIT_EXPECT_EQ(test, t_blk_done(&io), 2);
	sim_fault_reset();
	KUNIT_EXPECT_TRUE(test, t_blk_wait(&io, 3, 5000));
	t_blk_submit(&io, 3, bio[3]);
	KUNIT_EXPECT_TRUE(test, t_blk_wait(&io, 4, 5000));
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, io.count[i], 1);
		KUNIT_EXPECT_EQ(test, io.status[i], BLK_STS_OK);
		bio_put(bio[i]);
	}
	t_blk_io_destroy(&io);
	folio_put(p);
	dma_kunit_ram_done(test, bdev);
}

/*
 * Bad fault specs and engine settings (§5.3-style bad input).
 * Expect -EINVAL for an unknown flag, a positive error, REORDER with
 * depth 1, and 9 threads; -ENOENT for a missing disk; -EBUSY for a thread
 * change while a bio is held, 0 once it is released.
 */
static void dma_bad_settings(struct kunit *test)
{
	struct sim_io_fault bad_flag = { .flags = 1U << 20 };
	struct sim_io_fault bad_err = { .flags = SIM_IO_FAIL, .error = EIO };
	struct sim_io_fault bad_depth = { .flags = SIM_IO_REORDER, .depth = 1 };
	struct sim_io_fault hold = { .flags = SIM_IO_HOLD };
	struct block_device *bdev = dma_kunit_ram(test);
	struct t_blk_io io;
	struct folio *p;
	struct bio *bio;

	KUNIT_EXPECT_EQ(test, sim_disk_inject("ram0", &bad_flag), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_disk_inject("ram0", &bad_err), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_disk_inject("ram0", &bad_depth), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_disk_inject("nope", &hold), -ENOENT);
	KUNIT_EXPECT_EQ(test, sim_disk_inject("ram0", NULL), 0);
	KUNIT_EXPECT_EQ(test, sim_dma_set_threads(9), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_dma_set_threads(1), 0);
	KUNIT_EXPECT_EQ(test, sim_dma_threads(), 1U);

	KUNIT_ASSERT_EQ(test, sim_disk_inject("ram0", &hold), 0);
	p = t_blk_folio(test, 0, 0);
	bio = t_blk_bio(test, bdev, REQ_OP_READ, 0, 1);
	t_blk_add(test, bio, &p->page, PAGE_SIZE, 0);
	t_blk_io_init(&io);
	t_blk_submit(&io, 0, bio);
	KUNIT_EXPECT_EQ(test, sim_dma_set_threads(2), -EBUSY);
	KUNIT_EXPECT_EQ(test, sim_disk_release("ram0"), 1);
	KUNIT_EXPECT_TRUE(test, t_blk_wait(&io, 1, 5000));
	KUNIT_EXPECT_EQ(test, sim_dma_set_threads(2), 0);
	bio_put(bio);
	t_blk_io_destroy(&io);
	folio_put(p);
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

static struct kunit_case dma_test_cases[] = {
	KUNIT_CASE_PARAM(dma_modes_move_same_bytes, dma_threads_gen_params),
	KUNIT_CASE(dma_checks_every_page),
	KUNIT_CASE_PARAM(dma_freed_page_not_touched, dma_i9_gen_params),
	KUNIT_CASE(dma_reused_page_not_touched),
	KUNIT_CASE(dma_zero_page_read_refused),
	KUNIT_CASE(dma_pinned_user_pages),
	KUNIT_CASE_PARAM(dma_fault_submit_refused, dma_submit_error_gen_params),
	KUNIT_CASE(dma_fault_fail_nth),
	KUNIT_CASE(dma_fault_bad_sector),
	KUNIT_CASE_PARAM(dma_fault_partial_transfer, dma_partial_gen_params),
	KUNIT_CASE(dma_fault_delay),
	KUNIT_CASE_PARAM(dma_fault_reorder, dma_reorder_gen_params),
	KUNIT_CASE(dma_fault_jitter_reorders),
	KUNIT_CASE(dma_fault_hold_release_reset),
	KUNIT_CASE(dma_bad_settings),
	KUNIT_CASE(dma_threads_stress),
	{}
};

struct kunit_suite dma_suite = {
	.name = "dma",
	.init = t_blk_init,
	.exit = t_blk_exit,
	.test_cases = dma_test_cases,
};
