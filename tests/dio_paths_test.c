// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for what is particular to each direct-I/O engine and path:
 * iomap's error revert, partial completion, unwritten end_io and extent
 * edges; the legacy engine's request edges and its reference profiles
 * (v21 BIO_PAGE_REFFED, R-BUG-5); the same workload through the raw
 * disk, iomap and legacy; and both simfs dio= mount options. Rules:
 * R-IOMAP-1..3, R-DIO-1..6, R-BIO-11..13, R-BUG-5. The fixture (a 64 MiB
 * machine, the "dio0" ram disk, the extent table fs) is
 * tests/dio_fixture.c, shared with the dio suite; the runner checks the
 * leak ledger after every case.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <pinio/blkdev.h>
#include <pinio/buffer_head.h>
#include <pinio/fault-inject.h>
#include <pinio/fs.h>
#include <pinio/iomap.h>
#include <pinio/sim.h>

#include "block/blk.h"
#include "fs/dio_internal.h"
#include "blk_helpers.h"
#include "kunit/test.h"
#include "mm_helpers.h"
#include "dio_fixture.h"


/* ---- iomap specifics ----------------------------------------------------------- */

/*
 * The first of two bios of one extent fails on the disk before the second
 * is built (inline DMA), so dio->error is set when the loop comes round.
 *
 *   2 MiB read into 512 physically scattered pages
 *            = bio#1 (256 pages, -EIO) | pass 2 sees dio->error:
 *                revert 1 MiB of the iterator, stop
 *
 * Expect -EIO, one revert, exactly one data bio submitted, pins balanced.
 * R-IOMAP-3.
 */
static void dio_iomap_error_reverts_iter(struct kunit *test)
{
	const size_t len = 2UL << 20;
	const struct sim_io_fault fail = { .flags = SIM_IO_FAIL, .error = -EIO, .nth = 1 };
	unsigned long buf = tdio_mmap(test, len);
	struct iomap_dio_stats s0, s;
	struct tdio_counts c;
	struct tfs fs;

	unsigned long i;

	tfs_init(test, &fs, DIO_DISK, 12, 4 << 20);
	tfs_add(&fs, 0, 4 << 20, IOMAP_MAPPED, 0, 0);
	/* Fault the pages in backwards: physically discontiguous, no bvec merges. */
	for (i = len / PAGE_SIZE; i-- > 0;)
		t_mm_fill(test, buf + i * PAGE_SIZE, 1, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, sim_dma_set_threads(0), 0);
	KUNIT_ASSERT_EQ(test, sim_disk_inject(DIO_DISK, &fail), 0);
	iomap_dio_stats_read(&s0);
	tdio_counts(&c);
	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, TDIO_IOMAP, false, buf, len, 0), (ssize_t)-EIO);
	iomap_dio_stats_read(&s);
	KUNIT_EXPECT_EQ(test, s.reverted - s0.reverted, 1UL);
	KUNIT_EXPECT_EQ(test, s.data_bios - s0.data_bios, 1UL);
	sim_disk_inject(DIO_DISK, NULL);
	KUNIT_EXPECT_EQ(test, sim_dma_set_threads(2), 0);
	tdio_expect_balanced(test, &c);
	t_mm_munmap(test, buf, len);
	tfs_destroy(test, &fs);
}

/*
 * A read whose destination faults after the first page, with and without
 * IOMAP_DIO_PARTIAL, and done_before.
 *
 *   user: [P0][unmapped]    read 8 KiB, done_before = 100
 *
 * Expect -EFAULT without PARTIAL, 4096 + 100 with it (P0 holds the data),
 * pins balanced. R-IOMAP (IOMAP_DIO_PARTIAL, done_before).
 */
static void dio_iomap_partial_and_done_before(struct kunit *test)
{
	unsigned long buf = tdio_mmap(test, 2 * PAGE_SIZE);
	struct tdio_counts c;
	struct iov_iter iter;
	struct kiocb iocb;
	struct tfs fs;

	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	tfs_add(&fs, 0, 1 << 20, IOMAP_MAPPED, 0, 2 << 20);
	tdio_disk_fill_pat(test, fs.bdev, 2 << 20, PAGE_SIZE, 8);
	t_mm_fill(test, buf, 0, PAGE_SIZE);
	t_mm_munmap(test, buf + PAGE_SIZE, PAGE_SIZE);
	tdio_counts(&c);

	iov_iter_ubuf(&iter, ITER_DEST, buf, 2 * PAGE_SIZE);
	tfs_kiocb(&fs, &iocb, 0, false);
	KUNIT_EXPECT_EQ(test, iomap_dio_rw(&iocb, &iter, &tfs_iomap_ops, NULL, 0, NULL, 100),
			(ssize_t)-EFAULT);
	iov_iter_ubuf(&iter, ITER_DEST, buf, 2 * PAGE_SIZE);
	tfs_kiocb(&fs, &iocb, 0, false);
	KUNIT_EXPECT_EQ(test, iomap_dio_rw(&iocb, &iter, &tfs_iomap_ops, NULL, IOMAP_DIO_PARTIAL,
					   NULL, 100), 4196L);
	KUNIT_EXPECT_EQ(test, iocb.ki_pos, 4096);
	KUNIT_EXPECT_TRUE(test, tdio_user_is_pat(buf, PAGE_SIZE, 8));
	tdio_expect_balanced(test, &c);
	t_mm_munmap(test, buf, PAGE_SIZE);
	tfs_destroy(test, &fs);
}

/*
 * A block-aligned write into an unwritten extent, and a read of it first.
 *
 *   file [0,8K) UNWRITTEN@64K: read -> zeros, no bio;
 *   write 8K -> bios, end_io(size 8K, IOMAP_DIO_UNWRITTEN)
 *
 * Expect the read to give zeros without touching the disk (which holds
 * 0xEE), the write to reach the disk, and end_io called once per request
 * with the size and, for the write, IOMAP_DIO_UNWRITTEN. R-IOMAP-2/3.
 */
static void dio_iomap_unwritten_end_io(struct kunit *test)
{
	unsigned long buf = tdio_mmap(test, 2 * PAGE_SIZE);
	struct tdio_counts c;
	struct tfs fs;

	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	tfs_add(&fs, 0, 8192, IOMAP_UNWRITTEN, 0, 64 * 1024);
	tdio_disk_fill(test, fs.bdev, 64 * 1024, 8192, 0xee);
	t_mm_fill(test, buf, 0x77, 2 * PAGE_SIZE);
	tdio_counts(&c);

	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, TDIO_IOMAP, false, buf, 2 * PAGE_SIZE, 0), 8192L);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(buf, 0, 2 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, fs.end_io_calls, 1);
	KUNIT_EXPECT_EQ(test, fs.end_io_flags & IOMAP_DIO_UNWRITTEN, 0U);

	tdio_fill(test, buf, 2 * PAGE_SIZE, 14);
	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, TDIO_IOMAP, true, buf, 2 * PAGE_SIZE, 0), 8192L);
	KUNIT_EXPECT_EQ(test, fs.end_io_calls, 2);
	KUNIT_EXPECT_EQ(test, fs.end_io_size, 8192L);
	KUNIT_EXPECT_EQ(test, fs.end_io_error, 0);
	KUNIT_EXPECT_TRUE(test, fs.end_io_flags & IOMAP_DIO_UNWRITTEN);
	KUNIT_EXPECT_TRUE(test, tdio_disk_is_pat(test, fs.bdev, 64 * 1024, 8192, 14));
	KUNIT_EXPECT_EQ(test, atomic_read(&fs.inode.i_dio_count), 0);
	tdio_expect_balanced(test, &c);
	t_mm_munmap(test, buf, 2 * PAGE_SIZE);
	tfs_destroy(test, &fs);
}

/*
 * iomap_dio_rw() at the edges of what iomap_begin may say, one request each
 * on a 4 KiB-block file of 64 KiB (one page of user memory, pattern 21):
 *
 *   case            | extent at 0          | request           | expect
 *   past EOF        | MAPPED               | read at 64 KiB    | 0, no bio, iter unmoved
 *   inline          | INLINE               | read              | -EOPNOTSUPP, no bio
 *   delalloc        | DELALLOC             | read              | -EIO + 1 WARN (never in DIO)
 *   nowait hole     | HOLE                 | NOWAIT write      | -EAGAIN, no bio (R-IOMAP)
 *   nowait new      | MAPPED, F_NEW        | NOWAIT write      | -EAGAIN, no bio
 *   nowait mapped   | MAPPED               | NOWAIT write      | 4096, one bio
 *   shared          | MAPPED, F_SHARED     | write             | 4096, end_io has IOMAP_DIO_COW
 *   dsync           | MAPPED               | O_DSYNC write     | 4096, the bio is REQ_FUA
 *   no memory       | MAPPED               | read, 1st meta    | -ENOMEM, no bio
 *                   |                      | allocation fails  |
 * Every case: the disk's bytes are what the request says, pins balance,
 * i_dio_count back to 0.
 */
static void dio_iomap_extent_edges(struct kunit *test)
{
	static const struct {
		const char *name;
		unsigned short type, flags;
		bool write;
		int iocb_flags;		/* IOCB_NOWAIT, IOCB_DSYNC */
		loff_t pos;
		bool fail_meta;
		ssize_t ret;
		int bios, warns;
		unsigned int end_io_flags;
	} cases[] = {
		{ "past EOF", IOMAP_MAPPED, 0, false, 0, 64 << 10, false, 0, 0, 0, 0 },
		{ "inline", IOMAP_INLINE, 0, false, 0, 0, false, -EOPNOTSUPP, 0, 0, 0 },
		{ "delalloc", IOMAP_DELALLOC, 0, false, 0, 0, false, -EIO, 0, 1, 0 },
		{ "nowait hole", IOMAP_HOLE, 0, true, IOCB_NOWAIT, 0, false, -EAGAIN, 0, 0, 0 },
		{ "nowait new", IOMAP_MAPPED, IOMAP_F_NEW, true, IOCB_NOWAIT, 0, false, -EAGAIN,
		  0, 0, 0 },
		{ "nowait mapped", IOMAP_MAPPED, 0, true, IOCB_NOWAIT, 0, false, 4096, 1, 0, 0 },
		{ "shared", IOMAP_MAPPED, IOMAP_F_SHARED, true, 0, 0, false, 4096, 1, 0,
		  IOMAP_DIO_COW },
		{ "dsync", IOMAP_MAPPED, 0, true, IOCB_DSYNC, 0, false, 4096, 1, 0, 0 },
		{ "no memory", IOMAP_MAPPED, 0, false, 0, 0, true, -ENOMEM, 0, 0, 0 },
	};
	unsigned long buf = tdio_mmap(test, PAGE_SIZE);
	struct tdio_seen *seen = calloc(1, sizeof(*seen));
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, seen);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct tdio_counts c;
		struct iov_iter iter;
		struct kiocb iocb;
		struct tfs fs;
		unsigned long warns = pinio_warnings();
		ssize_t ret;

		tfs_init(test, &fs, DIO_DISK, 12, 64 << 10);
		tfs_add(&fs, 0, 64 << 10, cases[i].type, cases[i].flags, 1 << 20);
		tdio_disk_fill(test, fs.bdev, 1 << 20, PAGE_SIZE, 0xee);
		tdio_fill(test, buf, PAGE_SIZE, 21);
		tdio_counts(&c);
		tdio_seen_start(test, seen, DIO_DISK);
		iov_iter_ubuf(&iter, cases[i].write ? ITER_SOURCE : ITER_DEST, buf, PAGE_SIZE);
		tfs_kiocb(&fs, &iocb, cases[i].pos, cases[i].write);
		iocb.ki_flags |= cases[i].iocb_flags;
		if (cases[i].fail_meta)
			sim_fail_site_after(FAULT_META_ALLOC, 1);
		ret = iomap_dio_rw(&iocb, &iter, &tfs_iomap_ops, &tfs_dio_ops, 0, NULL, 0);
		sim_fail_site_after(FAULT_META_ALLOC, 0);
		tdio_seen_stop(seen, DIO_DISK);
		KUNIT_EXPECT_EQ_MSG(test, ret, cases[i].ret, "%s", cases[i].name);
		KUNIT_EXPECT_EQ_MSG(test, seen->n, cases[i].bios, "%s: bios", cases[i].name);
		KUNIT_EXPECT_EQ_MSG(test, pinio_warnings() - warns, (unsigned long)cases[i].warns,
				    "%s: WARNs", cases[i].name);
		if (ret <= 0)
			KUNIT_EXPECT_EQ_MSG(test, iov_iter_count(&iter), PAGE_SIZE,
					    "%s: the iterator moved", cases[i].name);
		if (cases[i].write && ret > 0) {
			KUNIT_EXPECT_TRUE_MSG(test, tdio_disk_is_pat(test, fs.bdev, 1 << 20,
								   PAGE_SIZE, 21),
					      "%s: data", cases[i].name);
			KUNIT_EXPECT_EQ_MSG(test, fs.end_io_flags & IOMAP_DIO_COW,
					    cases[i].end_io_flags, "%s: COW", cases[i].name);
			KUNIT_EXPECT_EQ_MSG(test, seen->b[0].fua,
					    !!(cases[i].iocb_flags & IOCB_DSYNC), "%s: FUA",
					    cases[i].name);
		} else {
			/* Nothing moved: the disk and the user page are as they were. */
			KUNIT_EXPECT_TRUE_MSG(test, tdio_disk_is(test, fs.bdev, 1 << 20, PAGE_SIZE,
							       0xee), "%s: disk", cases[i].name);
			KUNIT_EXPECT_TRUE_MSG(test, tdio_user_is_pat(buf, PAGE_SIZE, 21),
					      "%s: memory", cases[i].name);
		}
		tdio_expect_balanced(test, &c);
		tfs_destroy(test, &fs);
	}
	kunit_expect_warnings(test, 1);
	free(seen);
	t_mm_munmap(test, buf, PAGE_SIZE);
}

/*
 * __blockdev_direct_IO() (legacy engine) at the request's edges, on a
 * 4 KiB-block file of 64 KiB, MAPPED at 1 MiB, one page of user memory:
 *
 *   case          | request              | expect
 *   past EOF      | read at 64 KiB       | 0, no bio, iterator unmoved, memory unchanged
 *   nowait write  | NOWAIT write at 0    | 4096, one REQ_NOWAIT write bio, data on disk
 *   plain write   | write at 0           | 4096, one write bio without REQ_NOWAIT
 * Pins balance and i_dio_count is back to 0 after each.
 */
static void dio_legacy_request_edges(struct kunit *test)
{
	static const struct {
		const char *name;
		bool write;
		int iocb_flags;
		loff_t pos;
		ssize_t ret;
		int bios;
		bool nowait;
	} cases[] = {
		{ "past EOF", false, 0, 64 << 10, 0, 0, false },
		{ "nowait write", true, IOCB_NOWAIT, 0, 4096, 1, true },
		{ "plain write", true, 0, 0, 4096, 1, false },
	};
	unsigned long buf = tdio_mmap(test, PAGE_SIZE);
	struct tdio_seen *seen = calloc(1, sizeof(*seen));
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, seen);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct tdio_counts c;
		struct iov_iter iter;
		struct kiocb iocb;
		struct tfs fs;
		ssize_t ret;

		tfs_init(test, &fs, DIO_DISK, 12, 64 << 10);
		tfs_add(&fs, 0, 64 << 10, IOMAP_MAPPED, 0, 1 << 20);
		tdio_disk_fill(test, fs.bdev, 1 << 20, PAGE_SIZE, 0xee);
		tdio_fill(test, buf, PAGE_SIZE, 22);
		tdio_counts(&c);
		tdio_seen_start(test, seen, DIO_DISK);
		iov_iter_ubuf(&iter, cases[i].write ? ITER_SOURCE : ITER_DEST, buf, PAGE_SIZE);
		tfs_kiocb(&fs, &iocb, cases[i].pos, cases[i].write);
		iocb.ki_flags |= cases[i].iocb_flags;
		ret = tfs_engine_rw(&fs, TDIO_LEGACY, &iocb, &iter, 0, 0);
		tdio_seen_stop(seen, DIO_DISK);
		KUNIT_EXPECT_EQ_MSG(test, ret, cases[i].ret, "%s", cases[i].name);
		KUNIT_EXPECT_EQ_MSG(test, seen->n, cases[i].bios, "%s: bios", cases[i].name);
		if (cases[i].bios)
			KUNIT_EXPECT_EQ_MSG(test, seen->b[0].nowait, cases[i].nowait, "%s: NOWAIT",
					    cases[i].name);
		if (cases[i].write)
			KUNIT_EXPECT_TRUE_MSG(test, tdio_disk_is_pat(test, fs.bdev, 1 << 20,
								   PAGE_SIZE, 22),
					      "%s: data", cases[i].name);
		else
			KUNIT_EXPECT_TRUE_MSG(test, iov_iter_count(&iter) == PAGE_SIZE &&
					      tdio_user_is_pat(buf, PAGE_SIZE, 22),
					      "%s: nothing moved", cases[i].name);
		tdio_expect_balanced(test, &c);
		tfs_destroy(test, &fs);
	}
	free(seen);
	t_mm_munmap(test, buf, PAGE_SIZE);
}

/* ---- profiles: v21 references and R-BUG-5 ------------------------------------------ */

static const enum sim_profile tdio_ref_profiles[] = { SIM_PROFILE_V6_4, SIM_PROFILE_V21 };

static void tdio_ref_profile_desc(const enum sim_profile *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", *p == SIM_PROFILE_V21 ? "v21" : "v6.4");
}
KUNIT_ARRAY_PARAM(tdio_ref_profile, tdio_ref_profiles, tdio_ref_profile_desc);

/*
 * The legacy engine before it used pins: a 3-page write with the middle
 * page unmapped, under the v6.4 and v21 profiles.
 *
 *   v6.4: FOLL_GET refs, bio flag none (BIO_NO_PAGE_REF clear = put)
 *   v21:  FOLL_GET refs, bio BIO_PAGE_REFFED ("for now require references")
 *   zero page substituted with get_page() and put at completion
 *
 * Expect no pin acquired or released, references balanced (refcounts of
 * the user pages and the zero page back to their start), the bio flagged
 * as the profile says, the zero entries present. R-DIO-2, R-DIO-6, R-BIO-1.
 */
static void dio_legacy_reference_profiles(struct kunit *test)
{
	enum sim_profile profile = *(const enum sim_profile *)test->param_value;
	struct tdio_counts c, a;
	struct tdio_seen seen;
	unsigned long buf;
	struct tfs fs;
	int ref0;

	tdio_reboot(test, profile);
	buf = tdio_mmap(test, 3 * PAGE_SIZE);
	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	tfs_add(&fs, 0, 12 * 1024, IOMAP_MAPPED, 0, 128 * 1024);
	tdio_fill(test, buf, 3 * PAGE_SIZE, 2);
	t_mm_munmap(test, buf + PAGE_SIZE, PAGE_SIZE);
	ref0 = page_ref_count(t_mm_page(t_mm(), buf));
	tdio_seen_start(test, &seen, DIO_DISK);
	tdio_counts(&c);

	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, TDIO_LEGACY, true, buf, 3 * PAGE_SIZE, 0),
			(ssize_t)-EFAULT);
	tdio_seen_stop(&seen, DIO_DISK);
	tdio_counts(&a);
	KUNIT_EXPECT_EQ(test, a.acquired, c.acquired);
	KUNIT_EXPECT_EQ(test, a.released, c.released);
	KUNIT_EXPECT_GT(test, a.gets, c.gets);
	KUNIT_EXPECT_EQ(test, a.zero_ref, c.zero_ref);
	KUNIT_EXPECT_EQ(test, page_ref_count(t_mm_page(t_mm(), buf)), ref0);
	KUNIT_ASSERT_EQ(test, seen.n, 1);
	KUNIT_EXPECT_FALSE(test, seen.b[0].pinned);
	KUNIT_EXPECT_EQ(test, seen.b[0].reffed, profile == SIM_PROFILE_V21);
	KUNIT_EXPECT_FALSE(test, seen.b[0].no_page_ref);
	KUNIT_EXPECT_EQ(test, seen.b[0].zero_entries, 2U);
	KUNIT_EXPECT_TRUE(test, tdio_disk_is_pat(test, fs.bdev, 128 * 1024, 4096, 2));
	KUNIT_EXPECT_TRUE(test, tdio_disk_is(test, fs.bdev, 132 * 1024, 8192, 0));
	t_mm_munmap(test, buf, PAGE_SIZE);
	t_mm_munmap(test, buf + 2 * PAGE_SIZE, PAGE_SIZE);
	tfs_destroy(test, &fs);
}

/*
 * R-BUG-5 on purpose: under v21, the knob pinned_but_reffed pins the pages
 * (extraction pin, folio_add_pin for cur_page and the bio) but leaves the
 * bio BIO_PAGE_REFFED, so completion put_page()s a page holding +1024.
 *
 *   per page: +1024 extract, +1024 cur, +1024 bio; -1024, -1024, -1 (put)
 *   => refcount +1023 and one pin left per page
 *
 * Expect both user pages at base + 1023 with one pin outstanding each (the
 * leak the kernel test robot hit); the test then repairs them. R-BUG-5,
 * EDGE-33.
 */
static void dio_rbug5_pinned_but_reffed_leaks(struct kunit *test)
{
	unsigned long buf;
	struct page *p[2];
	struct tfs fs;
	int ref0[2], i;

	tdio_reboot(test, SIM_PROFILE_V21);
	buf = tdio_mmap(test, 2 * PAGE_SIZE);
	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	tfs_add(&fs, 0, 1 << 20, IOMAP_MAPPED, 0, 2 << 20);
	tdio_fill(test, buf, 2 * PAGE_SIZE, 3);
	for (i = 0; i < 2; i++) {
		p[i] = t_mm_page(t_mm(), buf + (unsigned long)i * PAGE_SIZE);
		ref0[i] = page_ref_count(p[i]);
	}
	dio_test_knobs.pinned_but_reffed = true;
	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, TDIO_LEGACY, true, buf, 2 * PAGE_SIZE, 0),
			2 * 4096L);
	dio_test_knobs.pinned_but_reffed = false;
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ(test, page_ref_count(p[i]) - ref0[i], 1023);
		KUNIT_EXPECT_EQ(test, sim_small_folio_pins(page_folio(p[i])), 1L);
		/* Repair: give back the missing reference, then the leaked pin. */
		get_page(p[i]);
		unpin_user_page(p[i]);
		KUNIT_EXPECT_EQ(test, page_ref_count(p[i]), ref0[i]);
	}
	KUNIT_EXPECT_TRUE(test, tdio_disk_is_pat(test, fs.bdev, 2 << 20, 2 * PAGE_SIZE, 3));
	t_mm_munmap(test, buf, 2 * PAGE_SIZE);
	tfs_destroy(test, &fs);
}

/* ---- the same workload through three paths ------------------------------------------ */

struct tdio_op {
	bool write;
	loff_t off;
	size_t len;
	unsigned int seed;
	size_t buf_off;		/* offset into the user buffer (512-aligned) */
};

static const struct tdio_op tdio_workload[] = {
	{ true, 0, 4096, 1, 0 },
	{ true, 8192, 65536, 2, 512 },
	{ true, 4096, 512, 3, 1024 },
	{ true, 131072, 1 << 20, 4, 0 },
	{ true, 1536, 2560, 5, 3584 },
	{ false, 0, 1 << 20, 0, 0 },
	{ true, 2 << 20, 300 * 4096, 6, 4096 },
	{ false, 4096, 8192, 0, 512 },
	{ true, 65536 + 512, 7 * 512, 7, 2048 },
	{ false, 2 << 20, 300 * 4096, 0, 0 },
};

enum tdio_path { TDIO_PATH_IOMAP, TDIO_PATH_LEGACY, TDIO_PATH_RAW };

/*
 * One O_DIRECT workload (aligned and 512-byte-granular writes, reads,
 * multi-bio requests, odd user buffer offsets) through iomap on "dio0",
 * legacy on "dio1" (both with a 4 KiB-block tfs mapping file offset x to
 * disk byte x) and the raw device /dev/dio2.
 *
 *   same ops ─┬─ iomap_dio_rw ──────── dio0 ─┐
 *             ├─ __blockdev_direct_IO ─ dio1 ─┼─ byte-for-byte equal
 *             └─ sim_pwrite/pread ──── dio2 ─┘
 *
 * Expect every call to return its length, the three disks identical over
 * the 4 MiB touched, reads returning the same bytes on every path, and
 * pins balanced per path (legacy: released - acquired == folio_add_pin
 * calls, R-BUG-7), nothing outstanding. R-IOMAP-3, R-DIO-1..6, INV-9.
 */
static void dio_same_workload_three_paths(struct kunit *test)
{
	static const char *const disks[] = { "dio0", "dio1", "dio2" };
	const size_t ulen = 2UL << 20, cmp = 4UL << 20;
	unsigned char *img[3], *rd[3];
	struct block_device *bdevs[3];
	unsigned long buf;
	struct tfs fs;
	unsigned int p, k;

	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("dio1", DIO_DISK_BYTES, 512), 0);
	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("dio2", DIO_DISK_BYTES, 512), 0);
	buf = tdio_mmap(test, ulen);
	for (p = 0; p < 3; p++) {
		img[p] = malloc(cmp);
		rd[p] = malloc(ulen * ARRAY_SIZE(tdio_workload));
		KUNIT_ASSERT_NOT_NULL(test, img[p]);
		KUNIT_ASSERT_NOT_NULL(test, rd[p]);
	}

	for (p = 0; p < 3; p++) {
		struct tdio_counts c, a;
		int fd = -1;

		if (p == TDIO_PATH_RAW) {
			fd = sim_open("/dev/dio2", O_RDWR | O_DIRECT, 0);
			KUNIT_ASSERT_GE(test, fd, 0);
		} else {
			tfs_init(test, &fs, disks[p], 12, DIO_DISK_BYTES);
			tfs_add(&fs, 0, DIO_DISK_BYTES, IOMAP_MAPPED, 0, 0);
		}
		tdio_counts(&c);
		for (k = 0; k < ARRAY_SIZE(tdio_workload); k++) {
			const struct tdio_op *op = &tdio_workload[k];
			unsigned long ua = buf + op->buf_off;
			ssize_t ret;

			if (op->write)
				tdio_fill(test, ua, op->len, op->seed);
			else
				t_mm_fill(test, ua, 0x5a, op->len);
			if (p == TDIO_PATH_RAW)
				ret = op->write ? sim_pwrite(fd, ua, op->len, op->off)
						: sim_pread(fd, ua, op->len, op->off);
			else
				ret = tfs_dio(&fs, p == TDIO_PATH_IOMAP ? TDIO_IOMAP : TDIO_LEGACY,
					      op->write, ua, op->len, op->off);
			KUNIT_EXPECT_EQ_MSG(test, ret, (ssize_t)op->len, "path %u op %u", p, k);
			if (!op->write)
				KUNIT_EXPECT_EQ(test, sim_user_read(ua, rd[p] + k * ulen, op->len),
						(ssize_t)op->len);
		}
		bio_dirty_flush();
		tdio_counts(&a);
		KUNIT_EXPECT_GT_MSG(test, a.acquired - c.acquired, 0UL, "path %u pinned nothing", p);
		KUNIT_EXPECT_EQ_MSG(test, (a.released - c.released) - (a.acquired - c.acquired),
				    p == TDIO_PATH_LEGACY ? a.add_pins - c.add_pins : 0UL,
				    "path %u: acquired %lu released %lu add_pin %lu", p,
				    a.acquired - c.acquired, a.released - c.released,
				    a.add_pins - c.add_pins);
		if (p == TDIO_PATH_LEGACY)
			KUNIT_EXPECT_GT(test, a.add_pins - c.add_pins, 0UL);
		KUNIT_EXPECT_EQ(test, sim_vmstat("pinio_pins_outstanding"), 0UL);
		if (p == TDIO_PATH_RAW) {
			KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
		} else {
			tfs_destroy(test, &fs);
		}
		bdevs[p] = t_blk_open(test, disks[p]);
		tdio_disk_rw(test, bdevs[p], false, 0, img[p], cmp);
		blkdev_put(bdevs[p]);
	}
	KUNIT_EXPECT_TRUE(test, memcmp(img[0], img[2], cmp) == 0);
	KUNIT_EXPECT_TRUE(test, memcmp(img[1], img[2], cmp) == 0);
	for (k = 0; k < ARRAY_SIZE(tdio_workload); k++) {
		if (tdio_workload[k].write)
			continue;
		KUNIT_EXPECT_TRUE_MSG(test, !memcmp(rd[0] + k * ulen, rd[2] + k * ulen,
						    tdio_workload[k].len), "iomap read %u differs", k);
		KUNIT_EXPECT_TRUE_MSG(test, !memcmp(rd[1] + k * ulen, rd[2] + k * ulen,
						    tdio_workload[k].len), "legacy read %u differs", k);
	}
	/* Spot check: op 3's 1 MiB landed where it was written. */
	KUNIT_EXPECT_TRUE(test, tdio_buf_is_pat(img[2] + 131072, 1 << 20, 4));
	for (p = 0; p < 3; p++) {
		free(img[p]);
		free(rd[p]);
	}
	t_mm_munmap(test, buf, ulen);
}

/*
 * A sync iomap read waits for bios that DMA workers complete: the last
 * reference goes either on a worker (the submitter is asleep, or about to
 * be) or on the submitter (nothing to wait for); the wait's mutex and
 * condition variable exist only on the first path (fs/iomap/direct-io.c,
 * iomap_dio_wait()). Two threads of one process, each with its own tfs on
 * "dio0", read 200 times with 2 DMA workers:
 *
 *   thread k: len = 4 KiB | 64 KiB | 1.125 MiB (two bios), off varies
 *             fill buffer 0x5a -> iomap_dio_rw(READ) -> compare with disk
 *
 * Expect every read to return its length and the disk's bytes, no pin
 * outstanding, and (under TSan) no data race.
 */
#define TDIO_WAIT_ROUNDS	200
#define TDIO_WAIT_DISK		(3UL << 20)

struct tdio_wait_run {
	struct task_struct *task;
	struct tfs *fs;
	unsigned long buf;
	const unsigned char *disk;
	unsigned char *host;
	unsigned int seed;
	unsigned long bad_ret, bad_data;
};

static void *tdio_wait_fn(void *arg)
{
	static const size_t lens[] = { 4096, 65536, (1UL << 20) + (128UL << 10) };
	struct tdio_wait_run *r = arg;
	unsigned int i;

	sim_task_switch(r->task);
	for (i = 0; i < TDIO_WAIT_ROUNDS; i++) {
		size_t len = lens[(i + r->seed) % ARRAY_SIZE(lens)];
		loff_t off = (loff_t)(((i * 7 + r->seed) * 4096UL) % (TDIO_WAIT_DISK - len + 1)) & ~4095L;
		ssize_t ret;

		memset(r->host, 0x5a, len);
		if (sim_user_write(r->buf, r->host, len) != (ssize_t)len) {
			r->bad_ret++;
			continue;
		}
		ret = tfs_dio(r->fs, TDIO_IOMAP, false, r->buf, len, off);
		if (ret != (ssize_t)len) {
			r->bad_ret++;
			continue;
		}
		if (sim_user_read(r->buf, r->host, len) != (ssize_t)len ||
		    memcmp(r->host, r->disk + off, len))
			r->bad_data++;
	}
	return NULL;
}

static void dio_iomap_sync_wait_stress(struct kunit *test)
{
	const size_t ulen = 2UL << 20;
	struct task_struct *init = sim_current();
	unsigned char *disk = malloc(TDIO_WAIT_DISK);
	struct tdio_wait_run r[2];
	struct tfs fs[2];
	pthread_t th[2];
	unsigned long i;

	KUNIT_ASSERT_NOT_NULL(test, disk);
	for (i = 0; i < TDIO_WAIT_DISK; i++)
		disk[i] = tdio_pat(i, 9);
	KUNIT_ASSERT_EQ(test, sim_dma_set_threads(2), 0);
	for (i = 0; i < 2; i++) {
		tfs_init(test, &fs[i], DIO_DISK, 12, DIO_DISK_BYTES);
		tfs_add(&fs[i], 0, DIO_DISK_BYTES, IOMAP_MAPPED, 0, 0);
	}
	tdio_disk_rw(test, fs[0].bdev, true, 0, disk, TDIO_WAIT_DISK);
	for (i = 0; i < 2; i++) {
		r[i] = (struct tdio_wait_run){ .fs = &fs[i], .disk = disk, .seed = (unsigned int)i };
		r[i].buf = tdio_mmap(test, ulen);
		r[i].host = malloc(ulen);
		KUNIT_ASSERT_NOT_NULL(test, r[i].host);
		r[i].task = sim_thread_create(init);
		KUNIT_ASSERT_NOT_NULL(test, r[i].task);
	}
	for (i = 0; i < 2; i++)
		KUNIT_ASSERT_EQ(test, pthread_create(&th[i], NULL, tdio_wait_fn, &r[i]), 0);
	for (i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		KUNIT_EXPECT_EQ_MSG(test, r[i].bad_ret, 0UL, "thread %lu", i);
		KUNIT_EXPECT_EQ_MSG(test, r[i].bad_data, 0UL, "thread %lu", i);
		sim_task_exit(r[i].task);
	}
	bio_dirty_flush();
	KUNIT_EXPECT_EQ(test, sim_vmstat("pinio_pins_outstanding"), 0UL);
	for (i = 0; i < 2; i++) {
		t_mm_munmap(test, r[i].buf, ulen);
		free(r[i].host);
		tfs_destroy(test, &fs[i]);
	}
	free(disk);
}

/* ---- through simfs (both dio= mount options) ---------------------------------------- */

static const char *const tdio_mount_opts[] = { "dio=iomap", "dio=legacy" };

static void tdio_mount_desc(const char *const *o, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", *o);
}
KUNIT_ARRAY_PARAM(tdio_mount, tdio_mount_opts, tdio_mount_desc);

static int tdio_simfs_open(struct kunit *test, const char *opts, const char *name, int flags)
{
	char path[64];
	int fd;

	KUNIT_ASSERT_EQ(test, sim_mkfs("/dev/" DIO_DISK, "simfs", "bs=4096"), 0);
	KUNIT_ASSERT_EQ(test, sim_mount("/dev/" DIO_DISK, "/mnt", opts), 0);
	snprintf(path, sizeof(path), "/mnt/%s", name);
	fd = sim_open(path, flags, 0644);
	KUNIT_ASSERT_GE_MSG(test, fd, 0, "sim_open(%s): %d", path, fd);
	return fd;
}

/*
 * A sub-block O_DIRECT write into a new file on simfs (4 KiB blocks on a
 * 512-byte disk), read back directly.
 *
 *   file block 0: [ 1K zeros | 1K data | ... ]   i_size 2048
 *
 * Expect 1024 written, a 4 KiB direct read to return 2048 (EOF), the
 * first KiB zeros and the second the data, the zero page's refcount
 * untouched and pins balanced with either engine. R-IOMAP-2, R-DIO-5.
 */
static void dio_simfs_subblock_write(struct kunit *test)
{
	const char *opts = *(const char *const *)test->param_value;
	unsigned long buf = tdio_mmap(test, PAGE_SIZE);
	unsigned char got[2048];
	struct tdio_counts c;
	int fd;

	fd = tdio_simfs_open(test, opts, "sub", O_RDWR | O_CREAT | O_DIRECT);
	tdio_fill(test, buf, 1024, 31);
	tdio_counts(&c);
	KUNIT_EXPECT_EQ(test, sim_pwrite(fd, buf, 1024, 1024), 1024L);
	t_mm_fill(test, buf, 0x99, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sim_pread(fd, buf, PAGE_SIZE, 0), 2048L);
	KUNIT_ASSERT_EQ(test, sim_user_read(buf, got, sizeof(got)), (ssize_t)sizeof(got));
	KUNIT_EXPECT_TRUE(test, t_mem_is(got, 0, 1024));
	KUNIT_EXPECT_TRUE(test, tdio_buf_is_pat(got + 1024, 1024, 31));
	tdio_expect_balanced(test, &c);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount("/mnt"), 0);
	t_mm_munmap(test, buf, PAGE_SIZE);
}

/*
 * A sparse simfs file read with O_DIRECT, sync and async.
 *
 *   file: [ hole 0..64K ][ data 64K..128K ]
 *   aio read 128K -> one completion of 131072
 *
 * Expect the hole to read as zeros and the data as written, through the
 * sync path and through the async ring (one completion, the full count),
 * and pins balanced with either engine. R-IOMAP-3, R-DIO-6.
 */
static void dio_simfs_sparse_sync_async(struct kunit *test)
{
	const char *opts = *(const char *const *)test->param_value;
	const size_t len = 128 * 1024;
	unsigned long wbuf = tdio_mmap(test, len / 2), rbuf = tdio_mmap(test, len);
	struct sim_aio *ring;
	struct tdio_counts c;
	int64_t res = 0;
	uint64_t tag = 0;
	int fd, pass;

	fd = tdio_simfs_open(test, opts, "sparse", O_RDWR | O_CREAT | O_DIRECT);
	tdio_fill(test, wbuf, len / 2, 32);
	tdio_counts(&c);
	KUNIT_EXPECT_EQ(test, sim_pwrite(fd, wbuf, len / 2, (off_t)(len / 2)), (ssize_t)(len / 2));
	ring = sim_aio_create(4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ring));
	for (pass = 0; pass < 2; pass++) {
		t_mm_fill(test, rbuf, 0x44, len);
		if (pass == 0) {
			KUNIT_EXPECT_EQ(test, sim_pread(fd, rbuf, len, 0), (ssize_t)len);
		} else {
			KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, fd, false, rbuf, len, 0, 7), 0);
			KUNIT_EXPECT_EQ(test, sim_aio_reap(ring, 1, 1, &res, &tag), 1);
			KUNIT_EXPECT_EQ(test, res, (int64_t)len);
			KUNIT_EXPECT_EQ(test, tag, 7ULL);
		}
		KUNIT_EXPECT_TRUE_MSG(test, t_mm_bytes_are(rbuf, 0, len / 2), "pass %d", pass);
		KUNIT_EXPECT_TRUE_MSG(test, tdio_user_is_pat(rbuf + len / 2, len / 2, 32),
				      "pass %d", pass);
	}
	sim_aio_destroy(ring);
	tdio_expect_balanced(test, &c);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount("/mnt"), 0);
	t_mm_munmap(test, wbuf, len / 2);
	t_mm_munmap(test, rbuf, len);
}

static struct kunit_case dio_paths_cases[] = {
	KUNIT_CASE(dio_iomap_error_reverts_iter),
	KUNIT_CASE(dio_iomap_partial_and_done_before),
	KUNIT_CASE(dio_iomap_unwritten_end_io),
	KUNIT_CASE(dio_iomap_extent_edges),
	KUNIT_CASE(dio_legacy_request_edges),
	KUNIT_CASE_PARAM(dio_legacy_reference_profiles, tdio_ref_profile_gen_params),
	KUNIT_CASE(dio_rbug5_pinned_but_reffed_leaks),
	KUNIT_CASE(dio_same_workload_three_paths),
	KUNIT_CASE(dio_iomap_sync_wait_stress),
	KUNIT_CASE_PARAM(dio_simfs_subblock_write, tdio_mount_gen_params),
	KUNIT_CASE_PARAM(dio_simfs_sparse_sync_async, tdio_mount_gen_params),
	{}
};

struct kunit_suite dio_paths_suite = {
	.name = "dio_paths",
	.init = dio_test_init,
	.exit = dio_test_exit,
	.test_cases = dio_paths_cases,
};
