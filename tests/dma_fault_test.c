// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the device faults the DMA engine applies
 * (drivers/block/dma.c, include/pinio/fault-inject.h): the fault points
 * F4-F7 of scenarios.md §5.4 (submit refused, fail the Nth bio, bad
 * sectors, delay, reorder, jitter, hold/release) and R21's partial
 * transfers (§6), plus the engine's bad settings. Each case boots a
 * 64 MiB machine (t_blk_init); the fixture is tests/dma_fixture.c.
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
#include "drivers/block/dma.h"

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

/* ---- two fault slots: the disk's own and the run's -------------------------------- */

#define DMA_SLOT_BIOS	3
#define DMA_SLOT_NONE	(-1)

/* What one bio of a two-slot row must see. */
struct dma_slot_bio {
	bool held;		/* still in flight right after the submit */
	blk_status_t status;
	unsigned long bytes;	/* dma_bytes it moved */
	unsigned long requests;	/* dma_requests it made (0: refused at submit) */
};

static const struct dma_slot_case {
	const char *what;
	struct sim_io_fault own;	/* sim_disk_inject(); .flags 0: none */
	struct sim_io_fault run;	/* sim_disk_inject_new() before the disk exists */
	int own_before;		/* arm own just before this bio; DMA_SLOT_NONE: at once */
	bool own_disarm;	/* then disarm it again (sim_disk_inject(NULL)) */
	int reset_at;		/* sim_fault_reset() to release this held bio; NONE: release */
	uint64_t min_ns;	/* bio 0 completes no sooner */
	struct dma_slot_bio bio[DMA_SLOT_BIOS];
	unsigned long faults, run_faults;
	bool plain_after;	/* both slots spent or disarmed */
} dma_slot_cases[] = {
	{ "both hit: own HOLD holds, run FAIL fails it at release",
	  .own = { .flags = SIM_IO_HOLD, .nth = 1 }, .run = { .flags = SIM_IO_FAIL, .nth = 1 },
	  .own_before = DMA_SLOT_NONE, .reset_at = DMA_SLOT_NONE,
	  .bio = { { true, BLK_STS_IOERR, 0, 1 }, { false, BLK_STS_OK, 4096, 1 },
		   { false, BLK_STS_OK, 4096, 1 } },
	  .faults = 2, .run_faults = 1, .plain_after = true },
	{ "both hit: smaller cut (run's 1024), first error (own's -EAGAIN)",
	  .own = { .flags = SIM_IO_PARTIAL, .bytes = 2048, .error = -EAGAIN, .nth = 1 },
	  .run = { .flags = SIM_IO_PARTIAL, .bytes = 1024, .nth = 1 },
	  .own_before = DMA_SLOT_NONE, .reset_at = DMA_SLOT_NONE,
	  .bio = { { false, BLK_STS_AGAIN, 1024, 1 }, { false, BLK_STS_OK, 4096, 1 },
		   { false, BLK_STS_OK, 4096, 1 } },
	  .faults = 2, .run_faults = 1, .plain_after = true },
	{ "both hit: a submit refusal wins, with its error",
	  .own = { .flags = SIM_IO_FAIL, .nth = 1 },
	  .run = { .flags = SIM_IO_FAIL_SUBMIT, .error = -EAGAIN, .nth = 1 },
	  .own_before = DMA_SLOT_NONE, .reset_at = DMA_SLOT_NONE,
	  .bio = { { false, BLK_STS_AGAIN, 0, 0 }, { false, BLK_STS_OK, 4096, 1 },
		   { false, BLK_STS_OK, 4096, 1 } },
	  .faults = 2, .run_faults = 1, .plain_after = true },
	{ "one hit each: run nth 1 partial 512, own nth 2 fail",
	  .own = { .flags = SIM_IO_FAIL, .nth = 2 },
	  .run = { .flags = SIM_IO_PARTIAL, .bytes = 512, .nth = 1 },
	  .own_before = DMA_SLOT_NONE, .reset_at = DMA_SLOT_NONE,
	  .bio = { { false, BLK_STS_IOERR, 512, 1 }, { false, BLK_STS_IOERR, 0, 1 },
		   { false, BLK_STS_OK, 4096, 1 } },
	  .faults = 2, .run_faults = 1, .plain_after = true },
	{ "nth per slot: run nth 3, own armed at bio 1 with nth 2: both on bio 2",
	  .own = { .flags = SIM_IO_PARTIAL, .bytes = 2048, .nth = 2 },
	  .run = { .flags = SIM_IO_FAIL, .nth = 3 },
	  .own_before = 1, .reset_at = DMA_SLOT_NONE,
	  .bio = { { false, BLK_STS_OK, 4096, 1 }, { false, BLK_STS_OK, 4096, 1 },
		   { false, BLK_STS_IOERR, 0, 1 } },
	  .faults = 2, .run_faults = 1, .plain_after = true },
	{ "own disarmed: the run's fault stays armed (R01, R25)",
	  .own = { .flags = SIM_IO_HOLD }, .run = { .flags = SIM_IO_FAIL, .nth = 2 },
	  .own_before = DMA_SLOT_NONE, .own_disarm = true, .reset_at = DMA_SLOT_NONE,
	  .bio = { { false, BLK_STS_OK, 4096, 1 }, { false, BLK_STS_IOERR, 0, 1 },
		   { false, BLK_STS_OK, 4096, 1 } },
	  .faults = 1, .run_faults = 1, .plain_after = true },
	{ "own only: no run fault, the disk's slot alone",
	  .own = { .flags = SIM_IO_FAIL, .nth = 2 },
	  .own_before = DMA_SLOT_NONE, .reset_at = DMA_SLOT_NONE,
	  .bio = { { false, BLK_STS_OK, 4096, 1 }, { false, BLK_STS_IOERR, 0, 1 },
		   { false, BLK_STS_OK, 4096, 1 } },
	  .faults = 1, .run_faults = 0, .plain_after = true },
	{ "delays add up: own 15 ms + run 15 ms",
	  .own = { .flags = SIM_IO_DELAY, .delay_us = 15000, .nth = 1 },
	  .run = { .flags = SIM_IO_DELAY, .delay_us = 15000, .nth = 1 },
	  .own_before = DMA_SLOT_NONE, .reset_at = DMA_SLOT_NONE, .min_ns = 30000000,
	  .bio = { { true, BLK_STS_OK, 4096, 1 }, { false, BLK_STS_OK, 4096, 1 },
		   { false, BLK_STS_OK, 4096, 1 } },
	  .faults = 2, .run_faults = 1, .plain_after = true },
	{ "reset: both slots armed for every bio, sim_fault_reset() releases and disarms",
	  .own = { .flags = SIM_IO_HOLD }, .run = { .flags = SIM_IO_FAIL },
	  .own_before = DMA_SLOT_NONE, .reset_at = 0,
	  .bio = { { true, BLK_STS_IOERR, 0, 1 }, { false, BLK_STS_OK, 4096, 1 },
		   { false, BLK_STS_OK, 4096, 1 } },
	  .faults = 2, .run_faults = 1, .plain_after = true },
	{ "still armed: every-bio faults in both slots stay (not plain)",
	  .own = { .flags = SIM_IO_DELAY, .delay_us = 100 },
	  .run = { .flags = SIM_IO_FAIL_SECTOR, .sector = 20 },
	  .own_before = DMA_SLOT_NONE, .reset_at = DMA_SLOT_NONE,
	  .bio = { { false, BLK_STS_OK, 4096, 1 }, { false, BLK_STS_OK, 4096, 1 },
		   { false, BLK_STS_IOERR, 2048, 1 } },
	  .faults = 6, .run_faults = 3, .plain_after = false },
};

static void dma_slot_desc(const struct dma_slot_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->what);
}

KUNIT_ARRAY_PARAM(dma_slot, dma_slot_cases, dma_slot_desc);

/*
 * A disk has two fault slots (enum dma_fault_slot): its own
 * (sim_disk_inject()) and the run's (sim_disk_inject_new(), armed when the
 * disk is created). Three 4 KiB writes, one after the other, to sectors
 * 0, 8, 16:
 *   disk: [own slot: row.own] [run slot: row.run]   -> bio0 bio1 bio2
 *   a bio both hit: refusal wins; min(cut), first error; delays add; HOLD holds
 * Expect each bio's status, bytes moved and held-ness as in the row, each
 * slot counting its own nth, "dma_faults" (per slot hit) and
 * "dma_faults_run" as in the row, and the disk plain (lock-free submit)
 * exactly when both slots are spent or disarmed.
 */
static void dma_fault_two_slots(struct kunit *test)
{
	const struct dma_slot_case *c = test->param_value;
	unsigned long faults = sim_dma_stat("dma_faults");
	unsigned long run_faults = sim_dma_stat("dma_faults_run");
	struct block_device *bdev;
	struct folio *p[DMA_SLOT_BIOS];
	struct bio *bio[DMA_SLOT_BIOS];
	struct dma_dev *dd;
	struct t_blk_io io;
	int i;

	KUNIT_ASSERT_EQ(test, sim_dma_set_threads(1), 0);
	if (c->run.flags)
		KUNIT_ASSERT_EQ(test, sim_disk_inject_new(&c->run), 0);
	bdev = dma_kunit_ram(test);
	KUNIT_ASSERT_EQ(test, sim_disk_inject_new(NULL), 0);
	dd = bdev->bd_disk->private_data;
	KUNIT_EXPECT_EQ(test, __atomic_load_n(&dd->plain, __ATOMIC_ACQUIRE), !c->run.flags);
	t_blk_io_init(&io);
	for (i = 0; i < DMA_SLOT_BIOS; i++) {
		const struct dma_slot_bio *e = &c->bio[i];
		unsigned long bytes = sim_dma_stat("dma_bytes");
		unsigned long reqs = sim_dma_stat("dma_requests");
		uint64_t t0;

		if (c->own.flags && (c->own_before == i || (!i && c->own_before == DMA_SLOT_NONE))) {
			KUNIT_ASSERT_EQ(test, sim_disk_inject("ram0", &c->own), 0);
			KUNIT_EXPECT_FALSE(test, __atomic_load_n(&dd->plain, __ATOMIC_ACQUIRE));
			if (c->own_disarm)
				KUNIT_ASSERT_EQ(test, sim_disk_inject("ram0", NULL), 0);
		}
		p[i] = t_blk_folio(test, 0, 0x60 + i);
		bio[i] = t_blk_bio(test, bdev, REQ_OP_WRITE, 8 * i, 1);
		t_blk_add(test, bio[i], &p[i]->page, PAGE_SIZE, 0);
		t0 = dma_kunit_now_ns();
		t_blk_submit(&io, i, bio[i]);
		if (e->held) {
			KUNIT_EXPECT_EQ_MSG(test, t_blk_done(&io), i, "bio %d still in flight", i);
			if (c->reset_at == i)
				sim_fault_reset();
			else if (c->own.flags & SIM_IO_HOLD)
				KUNIT_EXPECT_EQ(test, sim_disk_release("ram0"), 1);
		}
		KUNIT_ASSERT_TRUE(test, t_blk_wait(&io, i + 1, 5000));
		if (!i && c->min_ns)
			KUNIT_EXPECT_GE(test, dma_kunit_now_ns() - t0, c->min_ns);
		KUNIT_EXPECT_EQ_MSG(test, io.count[i], 1, "bio %d", i);
		KUNIT_EXPECT_EQ_MSG(test, io.status[i], e->status, "bio %d", i);
		KUNIT_EXPECT_EQ_MSG(test, sim_dma_stat("dma_bytes") - bytes, e->bytes, "bio %d", i);
		KUNIT_EXPECT_EQ_MSG(test, sim_dma_stat("dma_requests") - reqs, e->requests,
				    "bio %d", i);
	}
	KUNIT_EXPECT_EQ(test, sim_dma_stat("dma_faults") - faults, c->faults);
	KUNIT_EXPECT_EQ(test, sim_dma_stat("dma_faults_run") - run_faults, c->run_faults);
	KUNIT_EXPECT_EQ(test, __atomic_load_n(&dd->plain, __ATOMIC_ACQUIRE), c->plain_after);
	sim_fault_reset();
	KUNIT_EXPECT_TRUE(test, __atomic_load_n(&dd->plain, __ATOMIC_ACQUIRE));
	for (i = 0; i < DMA_SLOT_BIOS; i++) {
		bio_put(bio[i]);
		folio_put(p[i]);
	}
	t_blk_io_destroy(&io);
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

static struct kunit_case dma_fault_cases[] = {
	KUNIT_CASE_PARAM(dma_fault_submit_refused, dma_submit_error_gen_params),
	KUNIT_CASE(dma_fault_fail_nth),
	KUNIT_CASE(dma_fault_bad_sector),
	KUNIT_CASE_PARAM(dma_fault_partial_transfer, dma_partial_gen_params),
	KUNIT_CASE(dma_fault_delay),
	KUNIT_CASE_PARAM(dma_fault_reorder, dma_reorder_gen_params),
	KUNIT_CASE(dma_fault_jitter_reorders),
	KUNIT_CASE(dma_fault_hold_release_reset),
	KUNIT_CASE_PARAM(dma_fault_two_slots, dma_slot_gen_params),
	KUNIT_CASE(dma_bad_settings),
	{}
};

struct kunit_suite dma_fault_suite = {
	.name = "dma_fault",
	.init = t_blk_init,
	.exit = t_blk_exit,
	.test_cases = dma_fault_cases,
};
