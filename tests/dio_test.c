// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the two direct-I/O engines, fs/iomap/direct-io.c
 * (iomap_dio_rw) and fs/direct-io.c (__blockdev_direct_IO), tested alone
 * on a tiny filesystem defined here: the "extent table fs" (tfs), one
 * inode whose iomap_begin() and get_block() answer from a table of extents
 * each case sets (holes, mapped, unwritten, new, failing), over a `ram`
 * disk. Rules: R-IOMAP-1..3, R-DIO-1..6, R-BIO-11..13, R-BUG-4/5, INV-14,
 * EDGE-26..30.
 *
 * Every case boots a 64 MiB machine (THP off, so user buffers are small
 * folios whose pins sim_small_folio_pins() counts) and an 8 MiB ram disk
 * "dio0" with 512-byte blocks in .init; .exit destroys the disks, waits for
 * the deferred re-dirty worker and shuts down expecting no leaks. The
 * runner also checks the leak ledger (folios, pins, zero refs, bios, mms)
 * after every case. The fixture (tfs, issuing, observing) is
 * tests/dio_fixture.c; iomap and legacy specifics, the reference profiles
 * and the simfs cases are the dio_paths suite (dio_paths_test.c).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
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

KUNIT_ARRAY_PARAM(tdio_engine, tdio_engines, tdio_engine_desc);

/* ---- holes ------------------------------------------------------------------------ */

/*
 * A read over mapped, hole and unwritten extents (4 KiB fs blocks).
 *
 *   file:  [0,4K) MAPPED@64K   [4K,8K) hole   [8K,12K) UNWRITTEN@72K
 *   disk:  64K..76K all 0xAB;  user buffer pre-filled 0x55
 *
 * Expect the first 4 KiB to be 0xAB and the other 8 KiB zeros written by
 * the CPU, exactly one read bio (of the mapped block) reaching the disk,
 * the read's pins balanced and the user pages dirty. R-IOMAP-3, R-DIO-6
 * (holes read as CPU zeros, no bio), R-BIO-13.
 */
static void dio_read_holes_zero_filled(struct kunit *test)
{
	enum tdio_engine e = *(const enum tdio_engine *)test->param_value;
	unsigned long buf = tdio_mmap(test, 3 * PAGE_SIZE);
	struct tdio_counts c;
	struct tdio_seen seen;
	struct tfs fs;

	tfs_init(test, &fs, DIO_DISK, 12, 12 * 1024);
	tfs_add(&fs, 0, 4096, IOMAP_MAPPED, 0, 64 * 1024);
	tfs_add(&fs, 8192, 4096, IOMAP_UNWRITTEN, 0, 72 * 1024);
	tdio_disk_fill(test, fs.bdev, 64 * 1024, 12 * 1024, 0xab);
	t_mm_fill(test, buf, 0x55, 3 * PAGE_SIZE);
	tdio_seen_start(test, &seen, DIO_DISK);
	tdio_counts(&c);

	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, e, false, buf, 3 * PAGE_SIZE, 0), 3 * 4096L);
	tdio_seen_stop(&seen, DIO_DISK);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(buf, 0xab, PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(buf + PAGE_SIZE, 0, 2 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, seen.n, 1);
	KUNIT_EXPECT_FALSE(test, seen.b[0].write);
	KUNIT_EXPECT_TRUE(test, seen.b[0].pinned);
	KUNIT_EXPECT_TRUE(test, PageDirty(t_mm_page(t_mm(), buf)));
	tdio_expect_balanced(test, &c);
	t_mm_munmap(test, buf, 3 * PAGE_SIZE);
	tfs_destroy(test, &fs);
}

/*
 * A write that runs into a hole.
 *
 *   file:  [0,4K) MAPPED@64K  [4K,8K) hole       write 8 KiB at 0
 *
 * Legacy: do_direct_IO() says -ENOTBLK at the hole and the request ends
 * short with the 4 KiB before it (the caller does the rest buffered).
 * iomap: the filesystem's iomap_begin answers -ENOTBLK for the hole, and
 * iomap_dio_rw() also returns the 4 KiB done. A write that starts in the
 * hole gives 0. Expect the mapped block written, pins balanced. R-DIO-6,
 * R-IOMAP (ENOTBLK fallback).
 */
static void dio_write_into_hole_falls_back(struct kunit *test)
{
	enum tdio_engine e = *(const enum tdio_engine *)test->param_value;
	unsigned long buf = tdio_mmap(test, 2 * PAGE_SIZE);
	struct tdio_counts c;
	struct dio_stats st;
	struct tfs fs;

	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	fs.write_hole_enotblk = true;
	tfs_add(&fs, 0, 4096, IOMAP_MAPPED, 0, 64 * 1024);
	tdio_fill(test, buf, 2 * PAGE_SIZE, 3);
	tdio_counts(&c);

	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, e, true, buf, 2 * PAGE_SIZE, 0), 4096L);
	if (e == TDIO_LEGACY) {
		dio_stats_read(&st);
		KUNIT_EXPECT_EQ(test, st.last_do_direct_io, (long)-ENOTBLK);
	}
	KUNIT_EXPECT_TRUE(test, tdio_disk_is_pat(test, fs.bdev, 64 * 1024, 4096, 3));
	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, e, true, buf, PAGE_SIZE, 4096), 0L);
	if (e == TDIO_LEGACY) {
		dio_stats_read(&st);
		KUNIT_EXPECT_EQ(test, st.last_do_direct_io, (long)-ENOTBLK);
	}
	tdio_expect_balanced(test, &c);
	t_mm_munmap(test, buf, 2 * PAGE_SIZE);
	tfs_destroy(test, &fs);
}

/* ---- EDGE-26: fault while writing into mapped blocks -------------------------- */

/*
 * A 3-page write whose middle source page is unmapped, into mapped blocks.
 *
 *   user:  [P0][ -- ][P2]      file [0,12K) MAPPED@128K, disk pre-filled 0xEE
 *   legacy queue: P0 | fault -> ZERO_PAGE(0) | fault -> ZERO_PAGE(0)
 *
 * Legacy: the first extraction gives P0; the next faults while mapped
 * blocks remain, so ZERO_PAGE(0) is queued twice (page_errors keeps
 * -EFAULT) and the blocks get zeros, not stale 0xEE. Expect -EFAULT, disk
 * = P0 data then 8 KiB zeros, one PINNED bio holding P0 and two zero-page
 * entries, the zero page's refcount unchanged, pins balanced. iomap stops
 * at the fault: P0 written, the rest untouched, -EFAULT (no
 * IOMAP_DIO_PARTIAL). EDGE-26, R-DIO-2/3.
 */
static void dio_edge26_fault_substitutes_zero_page(struct kunit *test)
{
	enum tdio_engine e = *(const enum tdio_engine *)test->param_value;
	unsigned long buf = tdio_mmap(test, 3 * PAGE_SIZE);
	struct dio_stats st0, st;
	struct tdio_counts c;
	struct tdio_seen seen;
	struct tfs fs;
	ssize_t ret;

	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	tfs_add(&fs, 0, 12 * 1024, IOMAP_MAPPED, 0, 128 * 1024);
	tdio_disk_fill(test, fs.bdev, 128 * 1024, 12 * 1024, 0xee);
	tdio_fill(test, buf, 3 * PAGE_SIZE, 7);
	t_mm_munmap(test, buf + PAGE_SIZE, PAGE_SIZE);
	dio_stats_read(&st0);
	tdio_seen_start(test, &seen, DIO_DISK);
	tdio_counts(&c);

	ret = tfs_dio(&fs, e, true, buf, 3 * PAGE_SIZE, 0);
	tdio_seen_stop(&seen, DIO_DISK);
	KUNIT_EXPECT_TRUE(test, tdio_disk_is_pat(test, fs.bdev, 128 * 1024, 4096, 7));
	if (e == TDIO_LEGACY) {
		dio_stats_read(&st);
		KUNIT_EXPECT_EQ(test, ret, (ssize_t)-EFAULT);
		KUNIT_EXPECT_EQ(test, st.zero_substitutions - st0.zero_substitutions, 2UL);
		KUNIT_EXPECT_EQ(test, st.last_page_errors, (long)-EFAULT);
		KUNIT_EXPECT_TRUE(test, tdio_disk_is(test, fs.bdev, 132 * 1024, 8192, 0));
		KUNIT_ASSERT_EQ(test, seen.n, 1);
		KUNIT_EXPECT_TRUE(test, seen.b[0].pinned);
		KUNIT_EXPECT_EQ(test, seen.b[0].user_entries, 1U);
		KUNIT_EXPECT_EQ(test, seen.b[0].zero_entries, 2U);
		KUNIT_EXPECT_EQ(test, seen.b[0].size, 12288U);
	} else {
		/* Without IOMAP_DIO_PARTIAL a fault fails the request, P0 written. */
		KUNIT_EXPECT_EQ(test, ret, (ssize_t)-EFAULT);
		KUNIT_EXPECT_TRUE(test, tdio_disk_is(test, fs.bdev, 132 * 1024, 8192, 0xee));
		KUNIT_EXPECT_EQ(test, seen.n, 1);
	}
	tdio_expect_balanced(test, &c);
	t_mm_munmap(test, buf, PAGE_SIZE);
	t_mm_munmap(test, buf + 2 * PAGE_SIZE, PAGE_SIZE);
	tfs_destroy(test, &fs);
}

/* ---- EDGE-27: dio_cleanup twice ------------------------------------------------- */

/*
 * do_direct_IO() fails with pages still queued, then dio_cleanup() runs
 * twice (after the error and "short IO due to EOF").
 *
 *   user: 4 pages, one extraction: queue [P0 P1 P2 P3]
 *   file: [0,8K) MAPPED   [8K,16K) get_block -> -EIO
 *   P0,P1 -> bio;  P2 taken, -EIO, its pin dropped;  P3 queued -> cleanup
 *
 * Expect -EIO, every pin dropped exactly once (head = tail after the first
 * cleanup), no violation. With the knob cleanup_no_advance (the first
 * conversion, R-BUG-4) the second call unpins P3 again: the simulation
 * refuses and reports one violation. EDGE-27, R-DIO-4, R-BUG-4.
 */
static void dio_edge27_cleanup_twice(struct kunit *test)
{
	unsigned long buf = tdio_mmap(test, 4 * PAGE_SIZE);
	struct dio_stats st0, st;
	struct tdio_counts c;
	struct tfs fs;

	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	tfs_add(&fs, 0, 8192, IOMAP_MAPPED, 0, 64 * 1024);
	tfs_add(&fs, 8192, 8192, TFS_ERROR, 0, 0);
	tdio_fill(test, buf, 4 * PAGE_SIZE, 1);
	dio_stats_read(&st0);
	tdio_counts(&c);

	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, TDIO_LEGACY, true, buf, 4 * PAGE_SIZE, 0),
			(ssize_t)-EIO);
	dio_stats_read(&st);
	KUNIT_EXPECT_EQ(test, st.cleanups - st0.cleanups, 2UL);
	KUNIT_EXPECT_TRUE(test, tdio_disk_is_pat(test, fs.bdev, 64 * 1024, 8192, 1));
	tdio_expect_balanced(test, &c);

	/* The bug, on purpose: P3 unpinned twice, caught and refused. */
	kunit_expect_violations(test, 1);
	dio_test_knobs.cleanup_no_advance = true;
	tdio_counts(&c);
	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, TDIO_LEGACY, true, buf, 4 * PAGE_SIZE, 0),
			(ssize_t)-EIO);
	dio_test_knobs.cleanup_no_advance = false;
	KUNIT_EXPECT_EQ(test, sim_small_folio_pins(page_folio(t_mm_page(t_mm(), buf + 3 * PAGE_SIZE))),
			0L);
	tdio_expect_balanced(test, &c);
	t_mm_munmap(test, buf, 4 * PAGE_SIZE);
	tfs_destroy(test, &fs);
}

/* ---- EDGE-28: kernel iterators ---------------------------------------------------- */

/*
 * Legacy and iomap direct I/O from and to kernel memory (KVEC and BVEC
 * over test folios), 16 KiB through a mapped extent.
 *
 *   folio pages --kvec/bvec--> engine --bio--> disk --bio--> other folio
 *
 * Expect no pin operation at all (acquired, released, folio_add_pin
 * unchanged), no bio PINNED, the bytes round-trip, and the folios' refcount
 * back where it was. EDGE-28, R-DIO-1, INV-4.
 */
static void dio_edge28_kernel_iter_no_pins(struct kunit *test)
{
	enum tdio_engine e = *(const enum tdio_engine *)test->param_value;
	struct folio *src = t_blk_folio(test, 2, 0), *dst = t_blk_folio(test, 2, 0);
	struct tdio_counts c, a;
	struct tdio_seen seen;
	struct iov_iter iter;
	struct kiocb iocb;
	struct kvec kv;
	struct bio_vec bv[4];
	unsigned int i;
	int ref_src = folio_ref_count(src), ref_dst = folio_ref_count(dst);
	struct tfs fs;

	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	tfs_add(&fs, 0, 1 << 20, IOMAP_MAPPED, 0, 256 * 1024);
	for (i = 0; i < 4 * PAGE_SIZE; i++)
		((unsigned char *)folio_address(src))[i] = tdio_pat(i, 9);
	tdio_seen_start(test, &seen, DIO_DISK);
	tdio_counts(&c);

	kv = (struct kvec){ folio_address(src), 4 * PAGE_SIZE };
	iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, 4 * PAGE_SIZE);
	tfs_kiocb(&fs, &iocb, 0, true);
	KUNIT_EXPECT_EQ(test, tfs_engine_rw(&fs, e, &iocb, &iter, 0, 0), 4 * 4096L);

	for (i = 0; i < 4; i++)
		bv[i] = (struct bio_vec){ .bv_page = folio_page(dst, i), .bv_len = PAGE_SIZE };
	iov_iter_bvec(&iter, ITER_DEST, bv, 4, 4 * PAGE_SIZE);
	tfs_kiocb(&fs, &iocb, 0, false);
	KUNIT_EXPECT_EQ(test, tfs_engine_rw(&fs, e, &iocb, &iter, 0, 0), 4 * 4096L);
	tdio_seen_stop(&seen, DIO_DISK);

	tdio_counts(&a);
	KUNIT_EXPECT_EQ(test, a.acquired, c.acquired);
	KUNIT_EXPECT_EQ(test, a.released, c.released);
	KUNIT_EXPECT_EQ(test, a.add_pins, c.add_pins);
	KUNIT_EXPECT_GE(test, seen.n, 2);
	for (i = 0; i < (unsigned int)seen.n && i < TDIO_MAX_SEEN; i++)
		KUNIT_EXPECT_FALSE_MSG(test, seen.b[i].pinned, "bio %u is PINNED", i);
	KUNIT_EXPECT_TRUE(test, tdio_buf_is_pat(folio_address(dst), 4 * PAGE_SIZE, 9));
	KUNIT_EXPECT_EQ(test, folio_ref_count(src), ref_src);
	KUNIT_EXPECT_EQ(test, folio_ref_count(dst), ref_dst);
	folio_put(src);
	folio_put(dst);
	tfs_destroy(test, &fs);
}

/* ---- EDGE-29 / EDGE-30: sub-block zeroing ---------------------------------------- */

/*
 * A 1 KiB write at file offset 1 KiB into a new 4 KiB block (512-byte
 * device blocks, so the I/O is finer than the fs block).
 *
 *   fs block @64K: [ zero 1K | user 1K | zero 2K ]     disk pre-filled 0xEE
 *
 * Legacy: dio_zero_block() puts ZERO_PAGE(0) sections before and after the
 * user section. The head section is recorded at the I/O's file offset, so
 * dio_send_cur_page() sees it as not file-contiguous with the user section
 * and gives it its own bio (as the kernel does); the tail joins the user
 * section: a PINNED bio with the pinned user page next to a zero-page
 * entry. Both bios are PINNED. iomap: two
 * iomap_dio_zero() bios (one ZERO_PAGE(0) bvec each, no page flag) and one
 * PINNED data bio. Expect the block to read zeros | data | zeros, the zero
 * page's refcount unchanged, pins balanced. EDGE-29, R-DIO-5, R-IOMAP-1/2.
 */
static void dio_edge29_subblock_zeroing(struct kunit *test)
{
	enum tdio_engine e = *(const enum tdio_engine *)test->param_value;
	unsigned long buf = tdio_mmap(test, PAGE_SIZE);
	struct dio_stats st0, st;
	struct iomap_dio_stats is0, is;
	struct tdio_counts c;
	struct tdio_seen seen;
	struct tfs fs;
	int i, zero_bios = 0, data_bios = 0;

	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	tfs_add(&fs, 0, 4096, IOMAP_MAPPED, IOMAP_F_NEW, 64 * 1024);
	tdio_disk_fill(test, fs.bdev, 64 * 1024, 4096, 0xee);
	tdio_fill(test, buf, 1024, 5);
	dio_stats_read(&st0);
	iomap_dio_stats_read(&is0);
	tdio_seen_start(test, &seen, DIO_DISK);
	tdio_counts(&c);

	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, e, true, buf, 1024, 1024), 1024L);
	tdio_seen_stop(&seen, DIO_DISK);
	KUNIT_EXPECT_TRUE(test, tdio_disk_is(test, fs.bdev, 64 * 1024, 1024, 0));
	KUNIT_EXPECT_TRUE(test, tdio_disk_is_pat(test, fs.bdev, 65 * 1024, 1024, 5));
	KUNIT_EXPECT_TRUE(test, tdio_disk_is(test, fs.bdev, 66 * 1024, 2048, 0));
	if (e == TDIO_LEGACY) {
		dio_stats_read(&st);
		KUNIT_EXPECT_EQ(test, st.zero_block_chunks - st0.zero_block_chunks, 2UL);
		KUNIT_ASSERT_EQ(test, seen.n, 2);
		/* The head zero's file offset is not the user section's: own bio. */
		KUNIT_EXPECT_TRUE(test, seen.b[0].pinned);
		KUNIT_EXPECT_EQ(test, seen.b[0].zero_entries, 1U);
		KUNIT_EXPECT_EQ(test, seen.b[0].user_entries, 0U);
		KUNIT_EXPECT_EQ(test, seen.b[0].size, 1024U);
		KUNIT_EXPECT_TRUE(test, seen.b[1].pinned);
		KUNIT_EXPECT_EQ(test, seen.b[1].vcnt, 2U);
		KUNIT_EXPECT_EQ(test, seen.b[1].user_entries, 1U);
		KUNIT_EXPECT_EQ(test, seen.b[1].zero_entries, 1U);
		KUNIT_EXPECT_EQ(test, seen.b[1].size, 3072U);
	} else {
		iomap_dio_stats_read(&is);
		KUNIT_EXPECT_EQ(test, is.zero_bios - is0.zero_bios, 2UL);
		KUNIT_ASSERT_EQ(test, seen.n, 3);
		for (i = 0; i < 3; i++) {
			if (seen.b[i].zero_entries) {
				zero_bios++;
				KUNIT_EXPECT_EQ(test, seen.b[i].vcnt, 1U);
				KUNIT_EXPECT_FALSE(test, seen.b[i].pinned);
				KUNIT_EXPECT_TRUE(test, seen.b[i].write);
			} else {
				data_bios++;
				KUNIT_EXPECT_TRUE(test, seen.b[i].pinned);
			}
		}
		KUNIT_EXPECT_EQ(test, zero_bios, 2);
		KUNIT_EXPECT_EQ(test, data_bios, 1);
	}
	tdio_expect_balanced(test, &c);
	t_mm_munmap(test, buf, PAGE_SIZE);
	tfs_destroy(test, &fs);
}

static const enum sim_profile tdio_zero_profiles[] = { SIM_PROFILE_V6_5, SIM_PROFILE_V6_4 };

static void tdio_profile_desc(const enum sim_profile *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", *p == SIM_PROFILE_V6_5 ? "v6.5" : "v6.4");
}
KUNIT_ARRAY_PARAM(tdio_zero_profile, tdio_zero_profiles, tdio_profile_desc);

/*
 * iomap_dio_zero() with the bios held at the disk, async.
 *
 *   write 1K @ 1K of a new 4K block: zero bio [0,1K) + data + zero bio [2K,4K)
 *   v6.5: ZERO_PAGE(0) refcount  r -> r (held)   -> r (completed)
 *   v6.4:                        r -> r+2 (held) -> r (completed)
 *
 * Expect -EIOCBQUEUED, the zero page's refcount unchanged while the two
 * zeroing bios are in flight under v6.5 and +1 per bio under v6.4 (get_page,
 * no BIO_NO_PAGE_REF), back to its start after completion, and ki_complete
 * called once with 1024. EDGE-30, R-IOMAP-1.
 */
static void dio_edge30_iomap_dio_zero_refcount(struct kunit *test)
{
	enum sim_profile profile = *(const enum sim_profile *)test->param_value;
	const struct sim_io_fault hold = { .flags = SIM_IO_HOLD };
	struct tdio_async a;
	struct iov_iter iter;
	struct kiocb iocb;
	struct tdio_seen seen;
	unsigned long buf;
	struct tfs fs;
	int zref, i;

	tdio_reboot(test, profile);
	buf = tdio_mmap(test, PAGE_SIZE);
	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	tfs_add(&fs, 0, 4096, IOMAP_MAPPED, IOMAP_F_NEW, 64 * 1024);
	tdio_fill(test, buf, 1024, 6);
	tdio_async_init(&a);
	tdio_seen_start(test, &seen, DIO_DISK);
	zref = page_ref_count(ZERO_PAGE(0));

	KUNIT_ASSERT_EQ(test, sim_disk_inject(DIO_DISK, &hold), 0);
	iov_iter_ubuf(&iter, ITER_SOURCE, buf, 1024);
	tfs_kiocb(&fs, &iocb, 1024, true);
	iocb.ki_complete = tdio_ki_complete;
	iocb.private = &a;
	KUNIT_EXPECT_EQ(test, tfs_engine_rw(&fs, TDIO_IOMAP, &iocb, &iter, 0, 0),
			(ssize_t)-EIOCBQUEUED);
	KUNIT_EXPECT_EQ(test, page_ref_count(ZERO_PAGE(0)),
			zref + (profile == SIM_PROFILE_V6_4 ? 2 : 0));
	KUNIT_EXPECT_EQ(test, sim_disk_inject(DIO_DISK, NULL), 0);
	KUNIT_EXPECT_EQ(test, sim_disk_release(DIO_DISK), 3);
	KUNIT_ASSERT_TRUE(test, tdio_async_wait(&a));
	tdio_seen_stop(&seen, DIO_DISK);
	KUNIT_EXPECT_EQ(test, a.calls, 1);
	KUNIT_EXPECT_EQ(test, a.ret, 1024L);
	KUNIT_EXPECT_EQ(test, iocb.ki_pos, 2048);
	KUNIT_EXPECT_EQ(test, page_ref_count(ZERO_PAGE(0)), zref);
	for (i = 0; i < seen.n && i < TDIO_MAX_SEEN; i++) {
		if (!seen.b[i].zero_entries)
			continue;
		KUNIT_EXPECT_EQ(test, seen.b[i].vcnt, 1U);
		KUNIT_EXPECT_FALSE(test, seen.b[i].pinned);
		KUNIT_EXPECT_FALSE(test, seen.b[i].no_page_ref);
	}
	KUNIT_EXPECT_TRUE(test, tdio_disk_is(test, fs.bdev, 64 * 1024, 1024, 0));
	KUNIT_EXPECT_TRUE(test, tdio_disk_is_pat(test, fs.bdev, 65 * 1024, 1024, 6));
	KUNIT_EXPECT_TRUE(test, tdio_disk_is(test, fs.bdev, 66 * 1024, 2048, 0));
	tdio_async_destroy(&a);
	t_mm_munmap(test, buf, PAGE_SIZE);
	tfs_destroy(test, &fs);
}

/* ---- INV-14: holder counting ------------------------------------------------------ */

struct tdio_inv14 {
	struct page *pages[80];
	unsigned int nr;
	unsigned long checks;
	unsigned long mismatches;
	char first[160];
};

static void tdio_inv14_hook(const struct dio_holders *h, void *arg)
{
	struct tdio_inv14 *v = arg;
	unsigned int i;

	for (i = 0; i < v->nr; i++) {
		long want = dio_holders_expected(h, v->pages[i]);
		long have = sim_small_folio_pins(page_folio(v->pages[i]));

		v->checks++;
		if (want != have && !v->mismatches++)
			snprintf(v->first, sizeof(v->first), "%s: page %u has %ld pins, INV-14 says %ld",
				 h->where, i, have, want);
	}
}

/*
 * A 40-page sync write and read through the legacy engine with the INV-14
 * hook checking every user page at every checkpoint.
 *
 *   file: 10 extents of 16 KiB, each on disk 16 KiB after the previous one
 *         (gaps: every extent its own bio)
 *   pins(P) == queued + working + cur_page + bio entries (in flight or reaped later)
 *
 * Expect no mismatch in hundreds of checks, 10 bios per request, the
 * bytes round-trip, and pins balanced. INV-14, R-DIO-3.
 */
static void dio_inv14_holders(struct kunit *test)
{
	const size_t len = 40 * PAGE_SIZE;
	unsigned long wbuf = tdio_mmap(test, len), rbuf = tdio_mmap(test, len);
	struct tdio_inv14 v = { 0 };
	struct dio_stats st0, st;
	struct tdio_counts c;
	struct tfs fs;
	unsigned int i;

	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	for (i = 0; i < 10; i++)
		tfs_add(&fs, (loff_t)i * 16384, 16384, IOMAP_MAPPED, 0, 1048576 + i * 32768ULL);
	tdio_fill(test, wbuf, len, 11);
	t_mm_fill(test, rbuf, 0, len);
	v.nr = 40;
	for (i = 0; i < 40; i++)
		v.pages[i] = t_mm_page(t_mm(), wbuf + i * PAGE_SIZE);
	dio_test_knobs.holders_arg = &v;
	dio_test_knobs.holders_hook = tdio_inv14_hook;
	dio_stats_read(&st0);
	tdio_counts(&c);

	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, TDIO_LEGACY, true, wbuf, len, 0), (ssize_t)len);
	for (i = 0; i < 40; i++)
		v.pages[i] = t_mm_page(t_mm(), rbuf + i * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, TDIO_LEGACY, false, rbuf, len, 0), (ssize_t)len);
	dio_test_knobs.holders_hook = NULL;
	dio_stats_read(&st);

	KUNIT_EXPECT_EQ_MSG(test, v.mismatches, 0UL, "%s", v.first);
	KUNIT_EXPECT_GE(test, v.checks, 80UL * 40);
	KUNIT_EXPECT_EQ(test, st.bios - st0.bios, 20UL);
	KUNIT_EXPECT_TRUE(test, tdio_user_is_pat(rbuf, len, 11));
	tdio_expect_balanced(test, &c);
	t_mm_munmap(test, wbuf, len);
	t_mm_munmap(test, rbuf, len);
	tfs_destroy(test, &fs);
}

/*
 * 80 single-page extents scattered on disk: 80 bios in one sync request.
 *
 *   bio 1..64 -> bio_list;  the 66th new bio reaps the finished ones
 *   (inline DMA, so every earlier bio has finished by then)
 *
 * Expect exactly one reap pass that collected bios, the bytes on disk, pins balanced. R-DIO-6.
 */
static void dio_legacy_reaps_every_64_bios(struct kunit *test)
{
	const size_t len = 80 * PAGE_SIZE;
	unsigned long buf = tdio_mmap(test, len);
	struct dio_stats st0, st;
	struct tdio_counts c;
	struct tfs fs;
	unsigned int i;
	bool ok = true;

	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	for (i = 0; i < 80; i++)
		tfs_add(&fs, (loff_t)i * 4096, 4096, IOMAP_MAPPED, 0, 1048576 + i * 8192ULL);
	tdio_fill(test, buf, len, 12);
	/* Inline DMA: each bio is finished when the next is built, so the reap finds them. */
	KUNIT_ASSERT_EQ(test, sim_dma_set_threads(0), 0);
	dio_stats_read(&st0);
	tdio_counts(&c);
	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, TDIO_LEGACY, true, buf, len, 0), (ssize_t)len);
	dio_stats_read(&st);
	KUNIT_EXPECT_EQ(test, sim_dma_set_threads(2), 0);
	KUNIT_EXPECT_EQ(test, st.bios - st0.bios, 80UL);
	KUNIT_EXPECT_EQ(test, st.reaps - st0.reaps, 1UL);
	for (i = 0; i < 80 && ok; i++) {
		unsigned char blk[4096];
		size_t j;

		tdio_disk_rw(test, fs.bdev, false, 1048576 + i * 8192LL, blk, 4096);
		for (j = 0; j < 4096 && ok; j++)
			ok = blk[j] == tdio_pat(i * 4096 + j, 12);
	}
	KUNIT_EXPECT_TRUE(test, ok);
	tdio_expect_balanced(test, &c);
	t_mm_munmap(test, buf, len);
	tfs_destroy(test, &fs);
}

/* ---- completions and dirtying -------------------------------------------------- */

/*
 * Async write then async read of 64 KiB through each engine.
 *
 *   submit -> -EIOCBQUEUED ... DMA thread: last bio -> ki_complete(64K)
 *
 * Expect -EIOCBQUEUED (or the byte count if everything finished before the
 * submitter looked), ki_complete called exactly once with 65536 when
 * queued, ki_pos advanced (legacy: only by an async completion; a result
 * returned directly is for the caller to add), the bytes round-trip, the read pages dirty,
 * pins balanced after the deferred re-dirty worker is flushed. R-IOMAP-3,
 * R-DIO-6, R-BIO-11/12.
 */
static void dio_async_round_trip(struct kunit *test)
{
	enum tdio_engine e = *(const enum tdio_engine *)test->param_value;
	const size_t len = 16 * PAGE_SIZE;
	unsigned long wbuf = tdio_mmap(test, len), rbuf = tdio_mmap(test, len);
	struct tdio_counts c;
	struct tfs fs;
	int pass;

	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	tfs_add(&fs, 0, 1 << 20, IOMAP_MAPPED, 0, 2 << 20);
	tdio_fill(test, wbuf, len, 21);
	t_mm_fill(test, rbuf, 0x33, len);
	clear_bit(PG_dirty, &page_folio(t_mm_page(t_mm(), rbuf))->flags);
	tdio_counts(&c);

	for (pass = 0; pass < 2; pass++) {
		bool write = pass == 0;
		struct tdio_async a;
		struct iov_iter iter;
		struct kiocb iocb;
		ssize_t ret;

		tdio_async_init(&a);
		iov_iter_ubuf(&iter, write ? ITER_SOURCE : ITER_DEST, write ? wbuf : rbuf, len);
		tfs_kiocb(&fs, &iocb, 8192, write);
		iocb.ki_complete = tdio_ki_complete;
		iocb.private = &a;
		ret = tfs_engine_rw(&fs, e, &iocb, &iter, 0, 0);
		if (ret == -EIOCBQUEUED) {
			KUNIT_EXPECT_TRUE(test, tdio_async_wait(&a));
			KUNIT_EXPECT_EQ(test, a.calls, 1);
			KUNIT_EXPECT_EQ(test, a.ret, (long)len);
			KUNIT_EXPECT_EQ(test, iocb.ki_pos, 8192 + (loff_t)len);
		} else {
			/* Done before the submitter looked: returned like a sync request. */
			KUNIT_EXPECT_EQ(test, ret, (ssize_t)len);
			KUNIT_EXPECT_EQ(test, a.calls, 0);
			/* __blockdev_direct_IO leaves a sync result's ki_pos to its caller. */
			KUNIT_EXPECT_EQ(test, iocb.ki_pos,
					8192 + (e == TDIO_IOMAP ? (loff_t)len : 0));
		}
		tdio_async_destroy(&a);
	}
	KUNIT_EXPECT_TRUE(test, tdio_user_is_pat(rbuf, len, 21));
	KUNIT_EXPECT_TRUE(test, PageDirty(t_mm_page(t_mm(), rbuf)));
	tdio_expect_balanced(test, &c);
	t_mm_munmap(test, wbuf, len);
	t_mm_munmap(test, rbuf, len);
	tfs_destroy(test, &fs);
}

/*
 * Sync reads dirty their destination pages: a clean user page becomes dirty.
 *
 *   clear PG_dirty on P0..P3 -> DIO read -> PG_dirty set on all four
 *
 * Expect every destination page dirty (iomap: bio_set_pages_dirty() before
 * submission; legacy sync: bio_release_pages(bio, true) when reaped), and
 * pins balanced. R-BIO-11..13, INV-12.
 */
static void dio_sync_read_dirties_pages(struct kunit *test)
{
	enum tdio_engine e = *(const enum tdio_engine *)test->param_value;
	unsigned long buf = tdio_mmap(test, 4 * PAGE_SIZE);
	struct tdio_counts c;
	struct tfs fs;
	unsigned int i;

	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	tfs_add(&fs, 0, 1 << 20, IOMAP_MAPPED, 0, 2 << 20);
	tdio_disk_fill_pat(test, fs.bdev, 2 << 20, 4 * PAGE_SIZE, 4);
	t_mm_fill(test, buf, 0, 4 * PAGE_SIZE);
	for (i = 0; i < 4; i++)
		clear_bit(PG_dirty, &page_folio(t_mm_page(t_mm(), buf + i * PAGE_SIZE))->flags);
	tdio_counts(&c);
	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, e, false, buf, 4 * PAGE_SIZE, 0), 4 * 4096L);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_TRUE_MSG(test, PageDirty(t_mm_page(t_mm(), buf + i * PAGE_SIZE)),
				      "page %u not dirtied", i);
	KUNIT_EXPECT_TRUE(test, tdio_user_is_pat(buf, 4 * PAGE_SIZE, 4));
	tdio_expect_balanced(test, &c);
	t_mm_munmap(test, buf, 4 * PAGE_SIZE);
	tfs_destroy(test, &fs);
}

static struct kunit_case dio_test_cases[] = {
	KUNIT_CASE_PARAM(dio_read_holes_zero_filled, tdio_engine_gen_params),
	KUNIT_CASE_PARAM(dio_write_into_hole_falls_back, tdio_engine_gen_params),
	KUNIT_CASE_PARAM(dio_edge26_fault_substitutes_zero_page, tdio_engine_gen_params),
	KUNIT_CASE(dio_edge27_cleanup_twice),
	KUNIT_CASE_PARAM(dio_edge28_kernel_iter_no_pins, tdio_engine_gen_params),
	KUNIT_CASE_PARAM(dio_edge29_subblock_zeroing, tdio_engine_gen_params),
	KUNIT_CASE_PARAM(dio_edge30_iomap_dio_zero_refcount, tdio_zero_profile_gen_params),
	KUNIT_CASE(dio_inv14_holders),
	KUNIT_CASE(dio_legacy_reaps_every_64_bios),
	KUNIT_CASE_PARAM(dio_async_round_trip, tdio_engine_gen_params),
	KUNIT_CASE_PARAM(dio_sync_read_dirties_pages, tdio_engine_gen_params),
	{}
};

struct kunit_suite dio_suite = {
	.name = "dio",
	.init = dio_test_init,
	.exit = dio_test_exit,
	.test_cases = dio_test_cases,
};
