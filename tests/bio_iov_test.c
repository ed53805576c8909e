// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for bio_iov_iter_get_pages() (block/bio-iov.c): the
 * per-extraction trim, the same-page pin drop, multi-page bvecs, a full bio
 * in the middle of an iterator, borrowed bvecs, kvecs that are not pinned,
 * the zone-append limit, and the regressions R12-R14, R18
 * (kernel-semantics.md §5, EDGE-15..21, 25). Fixture: tests/bio_fixture.c.
 */
#include <limits.h>
#include <stdio.h>
#include <sys/mman.h>

#include <pinio/bio.h>
#include <pinio/blkdev.h>
#include <pinio/fault-inject.h>

#include "block/blk.h"
#include "bio_fixture.h"

/* ---- bio_iov_iter_get_pages() ------------------------------------------------------ */

/*
 * EDGE-15: lbs 512, a user buffer of 4096 + 300 bytes at offset 0.
 *   |    S0 4096    |S1 300|
 *   pass 1: extract 4396, trim 300 -> add S0, release S1's pin
 *   pass 2: extract 300, trim 300 -> 0 -> -EFAULT, release S1's pin
 * Expect return 0 with a 4096-byte bio, S0 one pin, S1 none (pinned and
 * unpinned twice), and 300 bytes left in the iterator (R-BIO-7, R-BIO-8,
 * INV-7, INV-8).
 */
static void bio_iov_edge15_trailing_partial_block(struct kunit *test)
{
	unsigned long buf = bio_test_buf(test, 2, 'e');
	unsigned long acq = bio_test_acquired(), rel = bio_test_released();
	struct page *s0 = bio_test_page(buf), *s1 = bio_test_page(buf + PAGE_SIZE);
	struct bio_test_dev d;
	struct iov_iter it;
	struct bio *bio;

	bio_test_dev_init(&d, 512);
	iov_iter_ubuf(&it, ITER_SOURCE, buf, PAGE_SIZE + 300);
	bio = bio_alloc(&d.bdev, bio_iov_vecs_to_alloc(&it, BIO_MAX_VECS), REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, bio);
	bio_test_poison_table(bio);
	KUNIT_EXPECT_EQ(test, bio_iov_iter_get_pages(bio, &it), 0);
	KUNIT_EXPECT_TRUE(test, bio_flagged(bio, BIO_PAGE_PINNED));
	KUNIT_EXPECT_EQ(test, bio->bi_iter.bi_size, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 1);
	KUNIT_EXPECT_PTR_EQ(test, bio->bi_io_vec[0].bv_page, s0);
	KUNIT_EXPECT_EQ(test, iov_iter_count(&it), 300);
	KUNIT_EXPECT_EQ(test, bio_test_pins(s0), 1);
	KUNIT_EXPECT_EQ(test, bio_test_pins(s1), 0);
	KUNIT_EXPECT_EQ(test, bio_test_acquired() - acq, 3);
	KUNIT_EXPECT_EQ(test, bio_test_released() - rel, 2);
	bio_test_finish(bio, false);
	KUNIT_EXPECT_EQ(test, bio_test_pins(s0), 0);
	KUNIT_EXPECT_EQ(test, bio_test_released() - rel, 3);
	t_mm_munmap(test, buf, 2 * PAGE_SIZE);
}

/*
 * EDGE-16: two iovecs in one page, one extraction each.
 *   iov A = P[0,2048)  iov B = P[2048,4096)
 *   pass 1: bvec (P, 2048, 0)   pass 2: merges into it, same page -> unpin
 * Expect one bvec of 4096 and exactly one pin on P while the bio lives;
 * two pins acquired, one released at once, the other at completion
 * (R-BIO-6, INV-4).
 */
static void bio_iov_edge16_same_page_one_pin(struct kunit *test)
{
	unsigned long buf = bio_test_buf(test, 1, 'p');
	unsigned long acq = bio_test_acquired(), rel = bio_test_released();
	struct page *p = bio_test_page(buf);
	struct iovec iov[2] = {
		{ (void *)buf, 2048 },
		{ (void *)(buf + 2048), 2048 },
	};
	struct bio_test_dev d;
	struct iov_iter it;
	struct bio *bio;

	bio_test_dev_init(&d, 512);
	iov_iter_init(&it, ITER_SOURCE, iov, 2, PAGE_SIZE);
	bio = bio_alloc(&d.bdev, bio_iov_vecs_to_alloc(&it, BIO_MAX_VECS), REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, bio);
	KUNIT_EXPECT_EQ(test, bio_iov_iter_get_pages(bio, &it), 0);
	KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 1);
	KUNIT_EXPECT_EQ(test, bio->bi_io_vec[0].bv_len, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, iov_iter_count(&it), 0);
	KUNIT_EXPECT_EQ(test, bio_test_pins(p), 1);
	KUNIT_EXPECT_EQ(test, bio_test_acquired() - acq, 2);
	KUNIT_EXPECT_EQ(test, bio_test_released() - rel, 1);
	bio_test_finish(bio, false);
	KUNIT_EXPECT_EQ(test, bio_test_pins(p), 0);
	KUNIT_EXPECT_EQ(test, bio_test_released() - rel, 2);
	t_mm_munmap(test, buf, PAGE_SIZE);
}

/*
 * EDGE-17: the second extraction starts in the page where the first ended
 * and continues into the next, physically contiguous, page of a THP.
 *   iov A = T0[0,3072)   iov B = T0[3072,4096) + T1[0,3072)
 *   one bvec (T0, 7168): T0's new pin dropped (same page), T1's kept
 * Expect one bvec covering two pages, folio pincount 2 (T0 once, T1 once)
 * while the bio lives, and 0 after release (each page unpinned once;
 * R-BIO-5, R-BIO-6, R-REF-3).
 */
static void bio_iov_edge17_multipage_bvec(struct kunit *test)
{
	unsigned long map, thp = bio_test_thp(test, 'm', &map);
	struct page *t0 = bio_test_page(thp);
	struct iovec iov[2] = {
		{ (void *)thp, 3072 },
		{ (void *)(thp + 3072), 4096 },
	};
	struct bio_test_dev d;
	struct iov_iter it;
	struct bio *bio;

	bio_test_dev_init(&d, 512);
	iov_iter_init(&it, ITER_SOURCE, iov, 2, 7168);
	bio = bio_alloc(&d.bdev, bio_iov_vecs_to_alloc(&it, BIO_MAX_VECS), REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, bio);
	KUNIT_EXPECT_EQ(test, bio_iov_iter_get_pages(bio, &it), 0);
	KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 1);
	KUNIT_EXPECT_PTR_EQ(test, bio->bi_io_vec[0].bv_page, t0);
	KUNIT_EXPECT_EQ(test, bio->bi_io_vec[0].bv_len, 7168);
	KUNIT_EXPECT_EQ(test, bio_test_pins(t0), 2);
	bio_test_finish(bio, false);
	KUNIT_EXPECT_EQ(test, bio_test_pins(t0), 0);
	KUNIT_EXPECT_FALSE(test, folio_maybe_dma_pinned(page_folio(t0)));
	t_mm_munmap(test, map, 2 * PMD_SIZE);
}

/*
 * EDGE-18, v6.5 per-extraction trim. lbs 4096, bios of 4 vecs, a UBUF of
 * 24 KiB starting 1 KiB into S0 (7 pages):
 *   S0 3K | S1 | S2 | S3 | S4 | S5 | S6 1K
 *   bio 1: extract S0..S3 (15 KiB), trim 3 KiB inside the extraction ->
 *          S0 3K, S1, S2, S3 1K; full -> stop.  S3 keeps its one pin.
 *   bio 2: S3 3K (from 1 KiB), S4, S5, S6 1K = 12 KiB, no trim.
 * The trim never reaches an earlier extraction's bvecs, so nothing added
 * is ever taken back (6.18's align_down at the end may shorten or drop
 * bvecs instead, and the spec notes pages it forgets to unpin).
 * Also: IOVEC {512 @ S0, 3584 @ S1} with lbs 4096: the first extraction is
 * less than a block, trimmed to 0 -> -EFAULT, nothing added, iterator
 * unchanged, although the total is one block (6.18 would take it).
 * Expect sizes, per-page pins (S3: one per bio) and a clean release
 * (R-BIO-7, R-BIO-8, INV-8). Tables are poisoned before extraction.
 */
static void bio_iov_edge18_full_bio_mid_iterator(struct kunit *test)
{
	unsigned long buf = bio_test_buf(test, 7, 'x');
	struct page *s[7];
	struct bio *b1, *b2, *b3;
	struct bio_test_dev d;
	struct iov_iter it;
	struct iovec iov[2];
	int i;

	for (i = 0; i < 7; i++)
		s[i] = bio_test_page(buf + i * PAGE_SIZE);
	bio_test_dev_init(&d, 4096);
	iov_iter_ubuf(&it, ITER_SOURCE, buf + 1024, 6 * PAGE_SIZE);
	b1 = bio_alloc(&d.bdev, 4, REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, b1);
	bio_test_poison_table(b1);
	KUNIT_EXPECT_EQ(test, bio_iov_iter_get_pages(b1, &it), 0);
	KUNIT_EXPECT_EQ(test, b1->bi_vcnt, 4);
	KUNIT_EXPECT_EQ(test, b1->bi_iter.bi_size, 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, b1->bi_io_vec[0].bv_len, 3072);
	KUNIT_EXPECT_EQ(test, b1->bi_io_vec[3].bv_len, 1024);
	KUNIT_EXPECT_EQ(test, iov_iter_count(&it), 3 * PAGE_SIZE);
	for (i = 0; i < 7; i++)
		KUNIT_EXPECT_EQ_MSG(test, bio_test_pins(s[i]), i < 4, "page %d", i);

	b2 = bio_alloc(&d.bdev, 4, REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, b2);
	bio_test_poison_table(b2);
	KUNIT_EXPECT_EQ(test, bio_iov_iter_get_pages(b2, &it), 0);
	KUNIT_EXPECT_EQ(test, b2->bi_vcnt, 4);
	KUNIT_EXPECT_EQ(test, b2->bi_iter.bi_size, 3 * PAGE_SIZE);
	KUNIT_EXPECT_PTR_EQ(test, b2->bi_io_vec[0].bv_page, s[3]);
	KUNIT_EXPECT_EQ(test, b2->bi_io_vec[0].bv_offset, 1024);
	KUNIT_EXPECT_EQ(test, iov_iter_count(&it), 0);
	KUNIT_EXPECT_EQ(test, bio_test_pins(s[3]), 2);
	bio_test_finish(b1, false);
	bio_test_finish(b2, false);
	for (i = 0; i < 7; i++)
		KUNIT_EXPECT_EQ_MSG(test, bio_test_pins(s[i]), 0, "page %d", i);

	iov[0] = (struct iovec){ (void *)buf, 512 };
	iov[1] = (struct iovec){ (void *)(buf + PAGE_SIZE), 3584 };
	iov_iter_init(&it, ITER_SOURCE, iov, 2, PAGE_SIZE);
	b3 = bio_alloc(&d.bdev, 4, REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, b3);
	KUNIT_EXPECT_EQ(test, bio_iov_iter_get_pages(b3, &it), -EFAULT);
	KUNIT_EXPECT_EQ(test, b3->bi_vcnt, 0);
	KUNIT_EXPECT_EQ(test, iov_iter_count(&it), PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, bio_test_pins(s[0]), 0);
	bio_put(b3);
	t_mm_munmap(test, buf, 7 * PAGE_SIZE);
}

/*
 * Regression (fuzz_bio, the first crash it found): a BVEC iterator whose
 * array holds an empty bvec, borrowed by a bio (R-BIO-10):
 *   [K0 +0 len 0][K0 +100 len 700][K1 +0 len 0][K1 +0 len 300]
 * bvec_iter_advance(0) cannot leave an empty bvec, so a walk that stepped
 * with it returned the empty bvec forever: every bio_for_each_segment()
 * over such a bio (the DMA engine's included) hung. The kernel steps with
 * bvec_iter_advance_single(), which moves on at a bvec's end.
 * Expect each walk to end after the 4 entries (the empty ones seen once,
 * with length 0), covering exactly K0[100,800) and K1[0,300), and
 * bio_advance() past the first 700 bytes to leave K1[0,300).
 */
static void bio_walk_steps_over_empty_bvec(struct kunit *test)
{
	struct folio *k0 = folio_alloc_owner(GFP_KERNEL, 0, OWNER_TEST);
	struct folio *k1 = folio_alloc_owner(GFP_KERNEL, 0, OWNER_TEST);
	struct bio_vec vec[4], bv;
	struct bvec_iter it;
	struct iov_iter iter;
	struct bio *bio;
	unsigned int steps, bytes, sum;

	KUNIT_ASSERT_NOT_NULL(test, k0);
	KUNIT_ASSERT_NOT_NULL(test, k1);
	bvec_set_folio(&vec[0], k0, 0, 0);
	bvec_set_folio(&vec[1], k0, 700, 100);
	bvec_set_folio(&vec[2], k1, 0, 0);
	bvec_set_folio(&vec[3], k1, 300, 0);
	iov_iter_bvec(&iter, ITER_SOURCE, vec, 4, 1000);
	bio = bio_alloc(NULL, 0, REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, bio);
	KUNIT_ASSERT_EQ(test, bio_iov_iter_get_pages(bio, &iter), 0);
	KUNIT_EXPECT_EQ(test, bio->bi_iter.bi_size, 1000);

	steps = bytes = sum = 0;
	bio_for_each_segment(bv, bio, it) {
		if (++steps > 8)
			break;
		bytes += bv.bv_len;
		sum += bv.bv_len ? bv.bv_offset + (bv.bv_page == &k1->page) * 10000 : 0;
	}
	KUNIT_EXPECT_EQ(test, steps, 4);
	KUNIT_EXPECT_EQ(test, bytes, 1000);
	KUNIT_EXPECT_EQ(test, sum, 100 + 10000);

	steps = bytes = 0;
	bio_for_each_bvec(bv, bio, it) {
		if (++steps > 8)
			break;
		bytes += bv.bv_len;
	}
	KUNIT_EXPECT_EQ(test, steps, 4);
	KUNIT_EXPECT_EQ(test, bytes, 1000);

	bio_advance(bio, 700);
	steps = 0;
	bio_for_each_segment(bv, bio, it) {
		if (++steps > 8)
			break;
		if (bv.bv_len)
			KUNIT_EXPECT_TRUE(test, bv.bv_page == &k1->page && bv.bv_offset == 0 &&
					  bv.bv_len == 300);
	}
	KUNIT_EXPECT_LE(test, steps, 2);
	bio_release_pages(bio, false);
	bio_put(bio);
	folio_put(k0);
	folio_put(k1);
}

/*
 * EDGE-19 / R16: a BVEC iterator over two kernel pages.
 *   bio (0 vecs) borrows [K0 4096][K1 2048]: BIO_CLONED, no PINNED
 * Expect bi_io_vec to be the iterator's array, the iterator advanced to 0,
 * bio_add_page() refused with a WARN, release a no-op, refcounts unchanged.
 * A bio allocated with vecs WARNs (the borrowed array replaces its table,
 * which is still freed). R-BIO-10, R-ITER-8.
 */
static void bio_iov_edge19_bvec_borrowed(struct kunit *test)
{
	struct folio *k0 = folio_alloc_owner(GFP_KERNEL, 0, OWNER_TEST);
	struct folio *k1 = folio_alloc_owner(GFP_KERNEL, 0, OWNER_TEST);
	unsigned long acq = bio_test_acquired();
	struct bio_vec bv[2];
	struct iov_iter it;
	struct bio *bio;

	KUNIT_ASSERT_TRUE(test, k0 && k1);
	bvec_set_folio(&bv[0], k0, PAGE_SIZE, 0);
	bvec_set_folio(&bv[1], k1, 2048, 0);
	iov_iter_bvec(&it, ITER_SOURCE, bv, 2, PAGE_SIZE + 2048);
	KUNIT_EXPECT_EQ(test, bio_iov_vecs_to_alloc(&it, BIO_MAX_VECS), 0);
	bio = bio_alloc(NULL, 0, REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, bio);
	KUNIT_EXPECT_EQ(test, bio_iov_iter_get_pages(bio, &it), 0);
	KUNIT_EXPECT_PTR_EQ(test, bio->bi_io_vec, bv);
	KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 2);
	KUNIT_EXPECT_EQ(test, bio->bi_iter.bi_size, PAGE_SIZE + 2048);
	KUNIT_EXPECT_TRUE(test, bio_flagged(bio, BIO_CLONED));
	KUNIT_EXPECT_FALSE(test, bio_flagged(bio, BIO_PAGE_PINNED));
	KUNIT_EXPECT_EQ(test, iov_iter_count(&it), 0);
	KUNIT_EXPECT_WARN(test, KUNIT_EXPECT_EQ(test, bio_add_page(bio, &k1->page, 512, 2048), 0));
	bio_test_finish(bio, true);
	KUNIT_EXPECT_EQ(test, folio_ref_count(k0), 1);
	KUNIT_EXPECT_EQ(test, folio_ref_count(k1), 1);
	KUNIT_EXPECT_FALSE(test, folio_test_dirty(k0));
	KUNIT_EXPECT_EQ(test, bio_test_acquired(), acq);

	iov_iter_bvec(&it, ITER_SOURCE, bv, 2, PAGE_SIZE + 2048);
	bio = bio_alloc(NULL, 4, REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, bio);
	KUNIT_EXPECT_WARN(test, bio_iov_iter_get_pages(bio, &it));
	bio_test_finish(bio, false);
	folio_put(k0);
	folio_put(k1);
}

/*
 * EDGE-20 / R16: a KVEC iterator over one kernel page, in two halves.
 *   kvec A = K[0,2048)  kvec B = K[2048,4096) -> one bvec, same-page merge
 * Expect no PINNED, the merge releasing nothing, refcount 1 throughout,
 * no pin counter moved (R-ITER-7, R-BIO-6, R-ITER-14).
 */
static void bio_iov_edge20_kvec_not_pinned(struct kunit *test)
{
	struct folio *k = folio_alloc_owner(GFP_KERNEL, 0, OWNER_TEST);
	unsigned long acq = bio_test_acquired(), rel = bio_test_released();
	struct bio_test_dev d;
	struct kvec kv[2];
	struct iov_iter it;
	struct bio *bio;

	KUNIT_ASSERT_NOT_NULL(test, k);
	kv[0] = (struct kvec){ folio_address(k), 2048 };
	kv[1] = (struct kvec){ (char *)folio_address(k) + 2048, 2048 };
	bio_test_dev_init(&d, 512);
	iov_iter_kvec(&it, ITER_DEST, kv, 2, PAGE_SIZE);
	bio = bio_alloc(&d.bdev, bio_iov_vecs_to_alloc(&it, BIO_MAX_VECS), REQ_OP_READ, 0);
	KUNIT_ASSERT_NOT_NULL(test, bio);
	KUNIT_EXPECT_EQ(test, bio_iov_iter_get_pages(bio, &it), 0);
	KUNIT_EXPECT_FALSE(test, bio_flagged(bio, BIO_PAGE_PINNED));
	KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 1);
	KUNIT_EXPECT_EQ(test, bio->bi_iter.bi_size, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, folio_ref_count(k), 1);
	bio_test_finish(bio, true);
	KUNIT_EXPECT_EQ(test, folio_ref_count(k), 1);
	KUNIT_EXPECT_EQ(test, bio_test_acquired(), acq);
	KUNIT_EXPECT_EQ(test, bio_test_released(), rel);
	folio_put(k);
}

/*
 * EDGE-21: zone append with max_zone_append_sectors 16 (8 KiB), a 16 KiB
 * user buffer of 4 separate pages.
 *   S0 S1 added; S2 refused (-EINVAL) -> iterator reverted by 8 KiB,
 *   S2 and S3 released; the bio has pages, so the call returns 0
 * Expect bi_size 8 KiB, iterator 8 KiB, pins on S0 S1 only (R-BIO-6,
 * R-BIO-7 steps 7-9).
 */
static void bio_iov_edge21_zone_append_limit(struct kunit *test)
{
	unsigned long buf = bio_test_buf(test, 4, 'Z');
	struct bio_test_dev d;
	struct iov_iter it;
	struct bio *bio;
	int i;

	bio_test_dev_init(&d, 512);
	d.q.limits.zoned = true;
	d.q.limits.max_zone_append_sectors = 16;
	iov_iter_ubuf(&it, ITER_SOURCE, buf, 4 * PAGE_SIZE);
	bio = bio_alloc(&d.bdev, 4, REQ_OP_ZONE_APPEND, 0);
	KUNIT_ASSERT_NOT_NULL(test, bio);
	KUNIT_EXPECT_EQ(test, bio_iov_iter_get_pages(bio, &it), 0);
	KUNIT_EXPECT_EQ(test, bio->bi_iter.bi_size, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 2);
	KUNIT_EXPECT_EQ(test, iov_iter_count(&it), 2 * PAGE_SIZE);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ_MSG(test, bio_test_pins(bio_test_page(buf + i * PAGE_SIZE)),
				    i < 2, "page %d", i);
	bio_test_finish(bio, false);

	/* A limit below one page: nothing fits, -EINVAL, nothing held. */
	d.q.limits.max_zone_append_sectors = 4;
	iov_iter_ubuf(&it, ITER_SOURCE, buf, PAGE_SIZE);
	bio = bio_alloc(&d.bdev, 4, REQ_OP_ZONE_APPEND, 0);
	KUNIT_ASSERT_NOT_NULL(test, bio);
	KUNIT_EXPECT_EQ(test, bio_iov_iter_get_pages(bio, &it), -EINVAL);
	KUNIT_EXPECT_EQ(test, iov_iter_count(&it), PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, bio_test_pins(bio_test_page(buf)), 0);
	bio_put(bio);
	t_mm_munmap(test, buf, 4 * PAGE_SIZE);
}

/*
 * EDGE-25: bio_check_pages_dirty() after a DIO read into 3 pages.
 *   set_pages_dirty -> "writeback" cleans S1 -> check: deferred to the
 *   worker, which re-dirties S1 and unpins all three
 *   all dirty -> check: released and put at once, no worker needed
 *   a THP left clean: compound pages are skipped in v6.5 -> at once, and
 *   the folio stays clean
 * Expect each page unpinned exactly once in every variant (R-BIO-11,
 * R-BIO-12, INV-12).
 */
static void bio_check_pages_dirty_edge25(struct kunit *test)
{
	unsigned long buf = bio_test_buf(test, 3, 'd');
	unsigned long map, thp = bio_test_thp(test, 'D', &map);
	unsigned long rel = bio_test_released();
	long live = nr_live_bios();
	struct bio_test_dev d;
	struct iov_iter it;
	struct bio *bio;
	struct page *s[3];
	int i, round;

	for (i = 0; i < 3; i++)
		s[i] = bio_test_page(buf + i * PAGE_SIZE);
	bio_test_dev_init(&d, 512);
	for (round = 0; round < 2; round++) {
		iov_iter_ubuf(&it, ITER_DEST, buf, 3 * PAGE_SIZE);
		bio = bio_alloc(&d.bdev, 3, REQ_OP_READ, 0);
		KUNIT_ASSERT_NOT_NULL(test, bio);
		KUNIT_ASSERT_EQ(test, bio_iov_iter_get_pages(bio, &it), 0);
		KUNIT_ASSERT_EQ(test, bio->bi_vcnt, 3);
		for (i = 0; i < 3; i++)
			folio_clear_dirty_for_io(page_folio(s[i]));
		bio_set_pages_dirty(bio);
		for (i = 0; i < 3; i++)
			KUNIT_EXPECT_TRUE(test, PageDirty(s[i]));
		if (round == 0)
			folio_clear_dirty_for_io(page_folio(s[1]));
		bio_check_pages_dirty(bio);
		if (round == 1) {
			/* Synchronous: already released and freed. */
			KUNIT_EXPECT_EQ(test, nr_live_bios(), live);
			KUNIT_EXPECT_EQ(test, bio_test_pins(s[0]), 0);
		}
		bio_dirty_flush();
		KUNIT_EXPECT_EQ(test, nr_live_bios(), live);
		for (i = 0; i < 3; i++) {
			KUNIT_EXPECT_EQ(test, bio_test_pins(s[i]), 0);
			KUNIT_EXPECT_TRUE_MSG(test, PageDirty(s[i]), "round %d page %d", round, i);
		}
		KUNIT_EXPECT_EQ(test, bio_test_released() - rel, 3 * (round + 1));
	}

	iov_iter_ubuf(&it, ITER_DEST, thp, 2 * PAGE_SIZE);
	bio = bio_alloc(&d.bdev, 2, REQ_OP_READ, 0);
	KUNIT_ASSERT_NOT_NULL(test, bio);
	KUNIT_ASSERT_EQ(test, bio_iov_iter_get_pages(bio, &it), 0);
	bio_set_pages_dirty(bio);
	folio_clear_dirty_for_io(page_folio(bio_test_page(thp)));
	bio_check_pages_dirty(bio);
	KUNIT_EXPECT_EQ(test, nr_live_bios(), live);
	KUNIT_EXPECT_EQ(test, bio_test_pins(bio_test_page(thp)), 0);
	KUNIT_EXPECT_FALSE(test, PageDirty(bio_test_page(thp)));
	t_mm_munmap(test, buf, 3 * PAGE_SIZE);
	t_mm_munmap(test, map, 2 * PMD_SIZE);
}

/*
 * R12: iovecs P[0,512) and P[512,1024) -> one bvec, one pin; then P split
 * across two bios: bio A takes P[0,2048), bio B P[2048,4096).
 * Expect one pin per page per bio while in flight (1, then 2), and P back
 * to no pins and its base refcount after both complete (R-BIO-6, B7).
 */
static void bio_iov_r12_same_page_merge(struct kunit *test)
{
	unsigned long buf = bio_test_buf(test, 1, '1');
	struct page *p = bio_test_page(buf);
	int base = folio_ref_count(page_folio(p));
	struct iovec iov[2] = {
		{ (void *)buf, 512 },
		{ (void *)(buf + 512), 512 },
	};
	struct bio_test_dev d;
	struct iov_iter it;
	struct bio *a, *b;

	bio_test_dev_init(&d, 512);
	iov_iter_init(&it, ITER_SOURCE, iov, 2, 1024);
	a = bio_alloc(&d.bdev, 2, REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, bio_iov_iter_get_pages(a, &it), 0);
	KUNIT_EXPECT_EQ(test, a->bi_vcnt, 1);
	KUNIT_EXPECT_EQ(test, a->bi_iter.bi_size, 1024);
	KUNIT_EXPECT_EQ(test, bio_test_pins(p), 1);
	bio_test_finish(a, false);
	KUNIT_EXPECT_EQ(test, bio_test_pins(p), 0);

	iov_iter_ubuf(&it, ITER_SOURCE, buf, 2048);
	a = bio_alloc(&d.bdev, 1, REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, bio_iov_iter_get_pages(a, &it), 0);
	iov_iter_ubuf(&it, ITER_SOURCE, buf + 2048, 2048);
	b = bio_alloc(&d.bdev, 1, REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, bio_iov_iter_get_pages(b, &it), 0);
	KUNIT_EXPECT_EQ(test, bio_test_pins(p), 2);
	bio_test_finish(a, false);
	KUNIT_EXPECT_EQ(test, bio_test_pins(p), 1);
	bio_test_finish(b, false);
	KUNIT_EXPECT_EQ(test, bio_test_pins(p), 0);
	KUNIT_EXPECT_EQ(test, folio_ref_count(page_folio(p)), base);
	t_mm_munmap(test, buf, PAGE_SIZE);
}

/*
 * R13 (B8): unaligned spans.
 *   small: offset 512, 4096 bytes -> S0[512,4096) S1[0,512): 2 pages
 *   THP:   offset 3584, 8192 bytes -> T0 512, T1 4096, T2 3584: 3 pages
 *          (one multi-page bvec)
 * Expect pins == pages spanned, unpins == pins (vmstat), all back to base
 * (R-BIO-3 page walk, INV-4).
 */
static void bio_iov_r13_unaligned_span(struct kunit *test)
{
	unsigned long buf = bio_test_buf(test, 2, '3');
	unsigned long map, thp = bio_test_thp(test, '3', &map);
	unsigned long acq = bio_test_acquired(), rel = bio_test_released();
	struct page *t0 = bio_test_page(thp);
	struct bio_test_dev d;
	struct iov_iter it;
	struct bio *bio;

	bio_test_dev_init(&d, 512);
	iov_iter_ubuf(&it, ITER_SOURCE, buf + 512, PAGE_SIZE);
	bio = bio_alloc(&d.bdev, bio_iov_vecs_to_alloc(&it, BIO_MAX_VECS), REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, bio);
	KUNIT_EXPECT_EQ(test, bio_iov_iter_get_pages(bio, &it), 0);
	KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 2);
	KUNIT_EXPECT_EQ(test, bio_test_pins(bio_test_page(buf)), 1);
	KUNIT_EXPECT_EQ(test, bio_test_pins(bio_test_page(buf + PAGE_SIZE)), 1);
	bio_test_finish(bio, false);
	KUNIT_EXPECT_EQ(test, bio_test_acquired() - acq, 2);
	KUNIT_EXPECT_EQ(test, bio_test_released() - rel, 2);

	iov_iter_ubuf(&it, ITER_SOURCE, thp + 3584, 2 * PAGE_SIZE);
	bio = bio_alloc(&d.bdev, bio_iov_vecs_to_alloc(&it, BIO_MAX_VECS), REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, bio);
	KUNIT_EXPECT_EQ(test, bio_iov_iter_get_pages(bio, &it), 0);
	KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 1);
	KUNIT_EXPECT_EQ(test, bio->bi_io_vec[0].bv_offset, 3584);
	KUNIT_EXPECT_EQ(test, bio_test_pins(t0), 3);
	bio_test_finish(bio, false);
	KUNIT_EXPECT_EQ(test, bio_test_pins(t0), 0);
	KUNIT_EXPECT_EQ(test, bio_test_acquired() - acq, 5);
	KUNIT_EXPECT_EQ(test, bio_test_released() - rel, 5);
	t_mm_munmap(test, buf, 2 * PAGE_SIZE);
	t_mm_munmap(test, map, 2 * PMD_SIZE);
}

/*
 * R14 (B10, B14): 16 KiB starting at tail page 100 of a 2 MiB THP (the
 * model has no 64 KiB mTHP; the folio is bigger, the point the same).
 *   head ... [T100 T101 T102 T103] ... T511
 * Expect the bvec to name the tail page, _pincount 0 -> 4 -> 0 on the one
 * folio, the refcount back to its base, and no violation ("unpinning an
 * unpinned page" would be one). R-REF-3, R-BIO-3.
 */
static void bio_iov_r14_thp_tail_pages(struct kunit *test)
{
	unsigned long map, thp = bio_test_thp(test, '4', &map);
	struct page *head = bio_test_page(thp);
	struct folio *folio = page_folio(head);
	int base = folio_ref_count(folio);
	struct bio_test_dev d;
	struct iov_iter it;
	struct bio *bio;

	bio_test_dev_init(&d, 512);
	KUNIT_EXPECT_EQ(test, atomic_read(&folio->_pincount), 0);
	iov_iter_ubuf(&it, ITER_DEST, thp + 100 * PAGE_SIZE, 4 * PAGE_SIZE);
	bio = bio_alloc(&d.bdev, bio_iov_vecs_to_alloc(&it, BIO_MAX_VECS), REQ_OP_READ, 0);
	KUNIT_ASSERT_NOT_NULL(test, bio);
	KUNIT_EXPECT_EQ(test, bio_iov_iter_get_pages(bio, &it), 0);
	KUNIT_EXPECT_PTR_EQ(test, bio->bi_io_vec[0].bv_page, head + 100);
	KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&folio->_pincount), 4);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), base + 4);
	bio_test_finish(bio, true);
	KUNIT_EXPECT_EQ(test, atomic_read(&folio->_pincount), 0);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), base);
	t_mm_munmap(test, map, 2 * PMD_SIZE);
}

/*
 * R18 (B13): an 8-page write buffer whose 6th page (index 5) is unmapped.
 *   S0 S1 S2 S3 S4 [hole] S6 S7
 *   pass 1: pin_user_pages_fast returns 5 -> 20480 bytes added
 *   pass 2: the hole -> -EFAULT; the bio has pages -> return 0
 * Expect 20480 bytes in the bio (a short bio, reported by bi_size, never
 * silently padded), 8192 + 4096 left in the iterator, pins on S0..S4 only,
 * S6 and S7 never pinned, all released at completion (R-GUP-9, R-ITER-6,
 * R-BIO-8).
 */
static void bio_iov_r18_partial_pin(struct kunit *test)
{
	unsigned long buf = bio_test_buf(test, 8, '8');
	unsigned long acq;
	struct page *s[8];
	struct bio_test_dev d;
	struct iov_iter it;
	struct bio *bio;
	int i;

	for (i = 0; i < 8; i++)
		s[i] = bio_test_page(buf + i * PAGE_SIZE);
	t_mm_munmap(test, buf + 5 * PAGE_SIZE, PAGE_SIZE);
	acq = bio_test_acquired();
	bio_test_dev_init(&d, 512);
	iov_iter_ubuf(&it, ITER_SOURCE, buf, 8 * PAGE_SIZE);
	bio = bio_alloc(&d.bdev, 8, REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, bio);
	KUNIT_EXPECT_EQ(test, bio_iov_iter_get_pages(bio, &it), 0);
	KUNIT_EXPECT_EQ(test, bio->bi_iter.bi_size, 20480);
	KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 5);
	KUNIT_EXPECT_EQ(test, iov_iter_count(&it), 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, bio_test_acquired() - acq, 5);
	for (i = 0; i < 8; i++)
		if (i != 5)
			KUNIT_EXPECT_EQ_MSG(test, bio_test_pins(s[i]), i < 5, "page %d", i);
	bio_test_finish(bio, false);
	for (i = 0; i < 8; i++)
		if (i != 5)
			KUNIT_EXPECT_EQ(test, bio_test_pins(s[i]), 0);
	t_mm_munmap(test, buf, 5 * PAGE_SIZE);
	t_mm_munmap(test, buf + 6 * PAGE_SIZE, 2 * PAGE_SIZE);
}

static struct kunit_case bio_iov_cases[] = {
	KUNIT_CASE(bio_iov_edge15_trailing_partial_block),
	KUNIT_CASE(bio_iov_edge16_same_page_one_pin),
	KUNIT_CASE(bio_iov_edge17_multipage_bvec),
	KUNIT_CASE(bio_iov_edge18_full_bio_mid_iterator),
	KUNIT_CASE(bio_iov_edge19_bvec_borrowed),
	KUNIT_CASE(bio_walk_steps_over_empty_bvec),
	KUNIT_CASE(bio_iov_edge20_kvec_not_pinned),
	KUNIT_CASE(bio_iov_edge21_zone_append_limit),
	KUNIT_CASE(bio_check_pages_dirty_edge25),
	KUNIT_CASE(bio_iov_r12_same_page_merge),
	KUNIT_CASE(bio_iov_r13_unaligned_span),
	KUNIT_CASE(bio_iov_r14_thp_tail_pages),
	KUNIT_CASE(bio_iov_r18_partial_pin),
	{}
};

struct kunit_suite bio_iov_suite = {
	.name = "bio_iov",
	.init = bio_test_init,
	.exit = bio_test_exit,
	.test_cases = bio_iov_cases,
};
