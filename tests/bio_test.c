// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for struct bio (block/bio.c, block/blk.h): allocation and
 * completion, chaining, the merge rule and the add-page limits, releasing
 * bios built by hand, the dirty protocol, splits, clones and resets
 * (kernel-semantics.md §5; scenarios.md bad inputs 21-24). The fixture is
 * tests/bio_fixture.c; bio_iov_iter_get_pages() is tests/bio_iov_test.c,
 * cleanup modes and profiles tests/bio_mode_test.c.
 *
 * Every case boots its own small machine (THP on) in .init. User buffers
 * are faulted in last page first, which gives descending frames, so that
 * no two neighbouring pages are physically contiguous and every page is its
 * own bvec; cases that need physical contiguity use a THP.
 */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/mman.h>

#include <pinio/bio.h>
#include <pinio/blkdev.h>
#include <pinio/fault-inject.h>

#include "block/blk.h"
#include "bio_fixture.h"

/* ---- allocation and lifetime ------------------------------------------------- */

/*
 * bio_alloc() sizes:
 *   nr_vecs: 0 | 1..4   | 5..16 | 17..64 | 65..128 | 129..256 | 257
 *   max:     0 | inline | 16    | 64     | 128     | 256      | NULL (WARN)
 * Expect the kernel's slab rounding, inline vecs for <= 4, no table for 0,
 * a new bi_id each, and nr_live_bios() counting every bio until its put
 * (R-BIO-9 allocation, Appendix A).
 */
static void bio_alloc_rounds_vec_tables(struct kunit *test)
{
	static const struct {
		unsigned short nr, max;
	} cases[] = {
		{ 0, 0 }, { 1, 4 }, { 4, 4 }, { 5, 16 }, { 16, 16 }, { 17, 64 }, { 64, 64 },
		{ 65, 128 }, { 128, 128 }, { 129, 256 }, { 256, 256 },
	};
	long live = nr_live_bios();
	unsigned long last_id = 0;
	struct bio *bio;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		bio = bio_alloc(NULL, cases[i].nr, REQ_OP_READ, 0);
		KUNIT_ASSERT_NOT_NULL(test, bio);
		KUNIT_EXPECT_EQ_MSG(test, bio->bi_max_vecs, cases[i].max, "nr_vecs %u", cases[i].nr);
		KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 0);
		KUNIT_EXPECT_EQ(test, bio->bi_flags, 0);
		KUNIT_EXPECT_GT(test, bio->bi_id, last_id);
		last_id = bio->bi_id;
		if (cases[i].nr == 0)
			KUNIT_EXPECT_NULL(test, bio->bi_io_vec);
		else if (cases[i].nr <= BIO_INLINE_VECS)
			KUNIT_EXPECT_PTR_EQ(test, bio->bi_io_vec, bio->bi_inline_vecs);
		else
			KUNIT_EXPECT_PTR_NE(test, bio->bi_io_vec, bio->bi_inline_vecs);
		KUNIT_EXPECT_EQ(test, nr_live_bios(), live + 1);
		bio_put(bio);
		KUNIT_EXPECT_EQ(test, nr_live_bios(), live);
	}
	KUNIT_EXPECT_WARN(test, bio = bio_alloc(NULL, BIO_MAX_VECS + 1, REQ_OP_READ, 0));
	KUNIT_EXPECT_NULL(test, bio);
	KUNIT_EXPECT_EQ(test, nr_live_bios(), live);
}

/*
 * bi_id is taken in batches per thread (block/bio.c): 4 threads allocate
 * 700 bios each (more than two batches of 256), at once:
 *   thread k: bio_alloc -> record bi_id -> bio_put, 700 times
 * Expect every id non-zero, each thread's ids strictly increasing, and no
 * id given to two bios (sorted, all distinct); nr_live_bios() back where
 * it was.
 */
#define BIO_ID_THREADS	4
#define BIO_ID_PER	700

static void *bio_id_worker(void *arg)
{
	unsigned long *ids = arg;
	int i;

	for (i = 0; i < BIO_ID_PER; i++) {
		struct bio *bio = bio_alloc(NULL, 1, REQ_OP_READ, 0);

		if (!bio)
			break;
		ids[i] = bio->bi_id;
		bio_put(bio);
	}
	return NULL;
}

static int cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

static void bio_id_unique_across_threads_stress(struct kunit *test)
{
	static unsigned long ids[BIO_ID_THREADS * BIO_ID_PER];
	pthread_t t[BIO_ID_THREADS];
	long live = nr_live_bios();
	unsigned long dups = 0, unordered = 0, zero = 0;
	int k, i;

	memset(ids, 0, sizeof(ids));
	for (k = 0; k < BIO_ID_THREADS; k++)
		KUNIT_ASSERT_EQ(test, pthread_create(&t[k], NULL, bio_id_worker, &ids[k * BIO_ID_PER]), 0);
	for (k = 0; k < BIO_ID_THREADS; k++)
		pthread_join(t[k], NULL);
	for (k = 0; k < BIO_ID_THREADS; k++)
		for (i = 1; i < BIO_ID_PER; i++)
			unordered += ids[k * BIO_ID_PER + i] <= ids[k * BIO_ID_PER + i - 1];
	qsort(ids, ARRAY_SIZE(ids), sizeof(ids[0]), cmp_ulong);
	for (i = 0; i < (int)ARRAY_SIZE(ids); i++) {
		zero += !ids[i];
		if (i)
			dups += ids[i] == ids[i - 1];
	}
	KUNIT_EXPECT_EQ(test, zero, 0);
	KUNIT_EXPECT_EQ(test, unordered, 0);
	KUNIT_EXPECT_EQ(test, dups, 0);
	KUNIT_EXPECT_EQ(test, nr_live_bios(), live);
}

/*
 * Freed bios may be reused (the per-thread bio cache, REQ_ALLOC_CACHE's
 * model; off under ASan). Round after round, for 40 rounds (more than the
 * cache holds), allocate bios of 0, 1, 20 and 4 vecs, scribble on every
 * field a user may set, and put them all:
 *   alloc  -> scribble (flags, vcnt, size, private, end_io, status, vecs)
 *          -> bio_get + bio_put + bio_put
 * Expect each new bio fresh whatever it was before: no flags, no vecs,
 * zeroed inline vecs, status 0, no private or end_io, one reference and
 * one completion outstanding, a new bi_id; nr_live_bios() exact.
 */
static void bio_alloc_after_put_is_fresh(struct kunit *test)
{
	static const unsigned short nrs[] = { 0, 1, 20, 4 };
	long live = nr_live_bios();
	unsigned long last_id = 0;
	struct bio *bios[ARRAY_SIZE(nrs)];
	int round;
	size_t i, v;

	for (round = 0; round < 40; round++) {
		for (i = 0; i < ARRAY_SIZE(nrs); i++) {
			struct bio *bio = bio_alloc(NULL, nrs[i], REQ_OP_READ, 0);

			KUNIT_ASSERT_NOT_NULL(test, bio);
			KUNIT_EXPECT_EQ(test, bio->bi_flags, 0);
			KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 0);
			KUNIT_EXPECT_EQ(test, bio->bi_iter.bi_size, 0U);
			KUNIT_EXPECT_EQ(test, bio->bi_status, BLK_STS_OK);
			KUNIT_EXPECT_NULL(test, bio->bi_private);
			KUNIT_EXPECT_TRUE(test, bio->bi_end_io == NULL);
			KUNIT_EXPECT_EQ(test, atomic_read(&bio->__bi_cnt), 1);
			KUNIT_EXPECT_EQ(test, atomic_read(&bio->__bi_remaining), 1);
			KUNIT_EXPECT_GT(test, bio->bi_id, last_id);
			last_id = bio->bi_id;
			for (v = 0; v < BIO_INLINE_VECS; v++)
				KUNIT_EXPECT_NULL(test, bio->bi_inline_vecs[v].bv_page);
			/* Scribble. */
			bio_set_flag(bio, BIO_PAGE_PINNED);
			bio->bi_status = BLK_STS_IOERR;
			bio->bi_private = bio;
			bio->bi_end_io = bio_test_end_io;
			bio->bi_iter.bi_size = 4096;
			for (v = 0; v < BIO_INLINE_VECS; v++)
				bio->bi_inline_vecs[v].bv_page = (struct page *)bio;
			if (bio->bi_max_vecs)
				bio->bi_vcnt = 1;
			bios[i] = bio;
		}
		KUNIT_EXPECT_EQ(test, nr_live_bios(), live + (long)ARRAY_SIZE(nrs));
		for (i = 0; i < ARRAY_SIZE(nrs); i++) {
			bio_get(bios[i]);
			bio_put(bios[i]);
			bio_put(bios[i]);
		}
		KUNIT_EXPECT_EQ(test, nr_live_bios(), live);
	}
}

/*
 * bio_kmalloc(8) + bio_init() with its inline vecs; bio_get() twice, then
 * three puts: the bio lives until the last.
 * Expect max_vecs 8, no pool, and the live count to drop on the third put
 * (R-MAP-2's bio_kmalloc + bio_init; BIO_REFFED is the bio's own count).
 */
static void bio_kmalloc_get_put(struct kunit *test)
{
	long live = nr_live_bios();
	struct bio *bio = bio_kmalloc(8, 0);

	KUNIT_ASSERT_NOT_NULL(test, bio);
	bio_init(bio, NULL, bio->bi_inline_vecs, 8, REQ_OP_WRITE);
	KUNIT_EXPECT_EQ(test, bio->bi_max_vecs, 8);
	KUNIT_EXPECT_NULL(test, bio->bi_pool);
	bio_get(bio);
	bio_get(bio);
	KUNIT_EXPECT_TRUE(test, bio_flagged(bio, BIO_REFFED));
	bio_put(bio);
	bio_put(bio);
	KUNIT_EXPECT_EQ(test, nr_live_bios(), live + 1);
	bio_put(bio);
	KUNIT_EXPECT_EQ(test, nr_live_bios(), live);
	KUNIT_EXPECT_WARN(test, bio = bio_kmalloc(UIO_MAXIOV + 1, 0));
	KUNIT_EXPECT_NULL(test, bio);
}

/*
 * Injected FAULT_META_ALLOC: the 1st allocation (the bio) and, for a bio
 * with a table, the 2nd (the table) each fail alone.
 * Expect NULL both times and no bio left alive (F2, R19).
 */
static void bio_alloc_fault_injection_returns_null(struct kunit *test)
{
	long live = nr_live_bios();

	sim_fail_site_after(FAULT_META_ALLOC, 1);
	KUNIT_EXPECT_NULL(test, bio_alloc(NULL, 1, REQ_OP_READ, 0));
	KUNIT_EXPECT_EQ(test, nr_live_bios(), live);
	sim_fault_reset();
	sim_fail_site_after(FAULT_META_ALLOC, 2);
	KUNIT_EXPECT_NULL(test, bio_alloc(NULL, 20, REQ_OP_READ, 0));
	KUNIT_EXPECT_EQ(test, nr_live_bios(), live);
	sim_fault_reset();
	sim_fail_site_after(FAULT_META_ALLOC, 1);
	KUNIT_EXPECT_NULL(test, bio_kmalloc(4, 0));
	sim_fault_reset();
	KUNIT_EXPECT_EQ(test, nr_live_bios(), live);
}

/*
 * Two children chained to a parent:
 *   child1 --chain--> parent <--chain-- child2
 * child1 completes with BLK_STS_IOERR, then child2 OK, then the parent's
 * own completion.
 * Expect the parent's end_io to run once, only after all three, with the
 * first error; each child freed by its completion (BIO_CHAIN,
 * __bi_remaining, R-BIO-1).
 */
static void bio_chain_waits_for_children(struct kunit *test)
{
	long live = nr_live_bios();
	struct bio *parent = bio_alloc(NULL, 0, REQ_OP_READ, 0);
	struct bio *c1 = bio_alloc(NULL, 0, REQ_OP_READ, 0);
	struct bio *c2 = bio_alloc(NULL, 0, REQ_OP_READ, 0);

	KUNIT_ASSERT_TRUE(test, parent && c1 && c2);
	bio_test_end_calls = 0;
	parent->bi_end_io = bio_test_end_io;
	bio_chain(c1, parent);
	bio_chain(c2, parent);
	KUNIT_EXPECT_EQ(test, atomic_read(&parent->__bi_remaining), 3);
	c1->bi_status = BLK_STS_IOERR;
	bio_endio(c1);
	bio_endio(c2);
	KUNIT_EXPECT_EQ(test, bio_test_end_calls, 0);
	KUNIT_EXPECT_EQ(test, nr_live_bios(), live + 1);
	bio_endio(parent);
	KUNIT_EXPECT_EQ(test, bio_test_end_calls, 1);
	KUNIT_EXPECT_EQ(test, parent->bi_status, BLK_STS_IOERR);
	KUNIT_EXPECT_EQ(test, blk_status_to_errno(parent->bi_status), -EIO);
	bio_put(parent);
	KUNIT_EXPECT_EQ(test, nr_live_bios(), live);
}

/*
 * Bad input 24: a bio completed twice while its owner still holds it.
 *   bio_get -> bio_endio (end_io runs) -> bio_endio again
 * Expect one violation reported and counted, end_io not run again; the
 * bio stays valid and is freed by the two puts. Reported in every build
 * (never an abort), so this case also runs under DEBUG_VM.
 */
static void bio_endio_twice_is_a_violation(struct kunit *test)
{
	struct bio *bio = bio_alloc(NULL, 0, REQ_OP_WRITE, 0);

	KUNIT_ASSERT_NOT_NULL(test, bio);
	bio_test_end_calls = 0;
	bio->bi_end_io = bio_test_end_io;
	bio_get(bio);
	bio_endio(bio);
	KUNIT_EXPECT_EQ(test, bio_test_end_calls, 1);
	kunit_expect_violations(test, 1);
	bio_endio(bio);
	KUNIT_EXPECT_EQ(test, bio_test_end_calls, 1);
	bio_put(bio);
	bio_put(bio);
}

/*
 * blk_status_t <-> errno, both ways, for every status the header defines.
 * Expect a round trip for each, and BLK_STS_IOERR for an errno with no
 * status of its own (R-DIO-6 maps completion status to errno).
 */
static void bio_status_errno_round_trip(struct kunit *test)
{
	static const blk_status_t all[] = {
		BLK_STS_OK, BLK_STS_NOTSUPP, BLK_STS_TIMEOUT, BLK_STS_NOSPC, BLK_STS_TRANSPORT,
		BLK_STS_TARGET, BLK_STS_RESV_CONFLICT, BLK_STS_MEDIUM, BLK_STS_PROTECTION,
		BLK_STS_RESOURCE, BLK_STS_IOERR, BLK_STS_AGAIN,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(all); i++)
		KUNIT_EXPECT_EQ(test, errno_to_blk_status(blk_status_to_errno(all[i])), all[i]);
	KUNIT_EXPECT_EQ(test, blk_status_to_errno(BLK_STS_AGAIN), -EAGAIN);
	KUNIT_EXPECT_EQ(test, errno_to_blk_status(-EPERM), BLK_STS_IOERR);
	KUNIT_EXPECT_EQ(test, errno_to_blk_status(0), BLK_STS_OK);
}

/* ---- the merge rule and the add-page APIs ----------------------------------------- */

/*
 * bio_add_page() on pages of a THP (contiguous) and of a small buffer
 * (not contiguous):
 *   T0[0,1024) + T0[1024,2048) + T0[2048,4096) -> same page: one bvec
 *   + T1[0,4096)                -> next frame: same bvec, 2 pages
 *   + T2[512,1024)              -> a gap after T1's end: new bvec
 *   + S0 then S1                -> two bvecs (S1 not after S0)
 * Expect bvec count and lengths as drawn, bi_size the sum, and no pin or
 * reference moved by any add (R-BIO-5, R-BIO-6 last point).
 */
static void bio_add_page_merges_contiguous(struct kunit *test)
{
	unsigned long map, thp = bio_test_thp(test, 'a', &map);
	unsigned long buf = bio_test_buf(test, 2, 'b');
	struct page *t0 = bio_test_page(thp), *s0 = bio_test_page(buf);
	struct page *s1 = bio_test_page(buf + PAGE_SIZE);
	int ref_t = folio_ref_count(page_folio(t0)), ref_s = folio_ref_count(page_folio(s0));
	struct bio *bio = bio_alloc(NULL, 16, REQ_OP_WRITE, 0);

	KUNIT_ASSERT_NOT_NULL(test, bio);
	KUNIT_EXPECT_EQ(test, bio_add_page(bio, t0, 1024, 0), 1024);
	KUNIT_EXPECT_EQ(test, bio_add_page(bio, t0, 1024, 1024), 1024);
	KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 1);
	KUNIT_EXPECT_EQ(test, bio_add_page(bio, t0, 2048, 2048), 2048);
	KUNIT_EXPECT_EQ(test, bio_add_page(bio, t0 + 1, PAGE_SIZE, 0), (int)PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 1);
	KUNIT_EXPECT_EQ(test, bio->bi_io_vec[0].bv_len, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, bio_add_page(bio, t0 + 2, 512, 512), 512);
	KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 2);
	KUNIT_EXPECT_EQ(test, bio_add_page(bio, s0, PAGE_SIZE, 0), (int)PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, bio_add_page(bio, s1, PAGE_SIZE, 0), (int)PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 4);
	KUNIT_EXPECT_EQ(test, bio->bi_iter.bi_size, 2 * PAGE_SIZE + 512 + 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, folio_ref_count(page_folio(t0)), ref_t);
	KUNIT_EXPECT_EQ(test, folio_ref_count(page_folio(s0)), ref_s);
	KUNIT_EXPECT_EQ(test, bio_test_pins(t0), 0);
	bio_test_finish(bio, false);
	t_mm_munmap(test, map, 2 * PMD_SIZE);
	t_mm_munmap(test, buf, 2 * PAGE_SIZE);
}

/*
 * EDGE-22 and bad inputs 21-22: a full bio (4 inline vecs) and bi_size
 * near UINT_MAX.
 *   [S0][S1][S2][S3] full: + S3 continued -> merges (no slot needed)
 *                          + S0 again     -> 0
 *   bi_size = UINT_MAX - 100: + 512 bytes -> 0, bio unchanged
 * Expect 0 for each refusal and the bio unchanged; the bio_iov_iter path
 * cannot overflow (its extraction is capped at UINT_MAX - bi_size), so 0
 * from bio_add_page() is the whole story (the -EIO of scenarios.md is the
 * 6.6+ WARN in bio_iov_add_page(), kept but unreachable).
 */
static void bio_add_page_full_or_overflow_returns_zero(struct kunit *test)
{
	unsigned long buf = bio_test_buf(test, 4, 'f');
	struct bio *bio = bio_alloc(NULL, 4, REQ_OP_WRITE, 0);
	struct page *p[4];
	unsigned int size;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, bio);
	for (i = 0; i < 4; i++) {
		p[i] = bio_test_page(buf + i * PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, bio_add_page(bio, p[i], 2048, 0), 2048);
	}
	KUNIT_EXPECT_TRUE(test, bio_full(bio, 0));
	KUNIT_EXPECT_EQ(test, bio_add_page(bio, p[3], 1024, 2048), 1024);
	KUNIT_EXPECT_EQ(test, bio_add_page(bio, p[0], 1024, 2048), 0);
	KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 4);
	KUNIT_EXPECT_EQ(test, bio->bi_iter.bi_size, 4 * 2048 + 1024);

	size = bio->bi_iter.bi_size;
	bio->bi_iter.bi_size = UINT_MAX - 100;
	KUNIT_EXPECT_TRUE(test, bio_full(bio, 512));
	KUNIT_EXPECT_EQ(test, bio_add_page(bio, p[3], 512, 3072), 0);
	KUNIT_EXPECT_EQ(test, bio->bi_io_vec[3].bv_len, 3072);
	KUNIT_EXPECT_EQ(test, bio->bi_iter.bi_size, UINT_MAX - 100);
	bio->bi_iter.bi_size = size;
	bio_test_finish(bio, false);
	t_mm_munmap(test, buf, 4 * PAGE_SIZE);
}

/*
 * bio_add_folio() in v6.5 passes the head page and an offset that may pass
 * PAGE_SIZE: 6 KiB at 5 KiB into a THP.
 * Expect one bvec (head, 5120, 6144); the page walk visits pages 1 and 2;
 * len > UINT_MAX is refused (R-BIO-9 bio_add_folio, R-BIO-3 walk).
 */
static void bio_add_folio_keeps_head_page(struct kunit *test)
{
	unsigned long map, thp = bio_test_thp(test, 'F', &map);
	struct page *head = bio_test_page(thp);
	struct folio *folio = page_folio(head);
	struct bio *bio = bio_alloc(NULL, 4, REQ_OP_WRITE, 0);
	struct bvec_iter_all it;
	struct bio_vec *bv;
	int n = 0;

	KUNIT_ASSERT_NOT_NULL(test, bio);
	KUNIT_EXPECT_TRUE(test, bio_add_folio(bio, folio, 6144, 5120));
	KUNIT_EXPECT_PTR_EQ(test, bio->bi_io_vec[0].bv_page, head);
	KUNIT_EXPECT_EQ(test, bio->bi_io_vec[0].bv_offset, 5120);
	bio_for_each_segment_all(bv, bio, it) {
		KUNIT_EXPECT_PTR_EQ(test, bv->bv_page, head + 1 + n);
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, 2);
	KUNIT_EXPECT_FALSE(test, bio_add_folio(bio, folio, (size_t)UINT_MAX + 1, 0));
	bio_test_finish(bio, false);
	t_mm_munmap(test, map, 2 * PMD_SIZE);
}

/*
 * bio_add_hw_page() limits, R-BIO-9 steps 1-6, on a THP (so merges are
 * physically possible) with a queue of max_segments 2, max_segment_size
 * 8 KiB, segment boundary 16 KiB - 1:
 *   T0..T1 merge (same window, 8 KiB)  | T2 would pass 8 KiB -> new segment
 *   T3 crosses no window but T4 does   | third segment -> max_segments
 *   max_sectors 40 (20 KiB) refuses a byte past it
 *   virt_boundary 4K-1: offset 512 after a full page -> gap, refused
 * Expect each refusal to return 0 with the bio unchanged, and same_page
 * set only for a merge inside the page where the last bvec ended.
 */
static void bio_add_hw_page_honours_limits(struct kunit *test)
{
	unsigned long map, thp = bio_test_thp(test, 'h', &map);
	struct page *t = bio_test_page(thp);
	struct bio_test_dev d;
	bool same = false;
	struct bio *bio = bio_alloc(NULL, 16, REQ_OP_DRV_OUT, 0);

	KUNIT_ASSERT_NOT_NULL(test, bio);
	bio_test_dev_init(&d, 512);
	d.q.limits.max_segments = 2;
	d.q.limits.max_segment_size = 8192;
	d.q.limits.seg_boundary_mask = 16384 - 1;

	KUNIT_EXPECT_EQ(test, bio_add_hw_page(&d.q, bio, t, 2048, 0, 40, &same), 2048);
	KUNIT_EXPECT_EQ(test, bio_add_hw_page(&d.q, bio, t, 2048, 2048, 40, &same), 2048);
	KUNIT_EXPECT_TRUE(test, same);
	same = false;
	KUNIT_EXPECT_EQ(test, bio_add_hw_page(&d.q, bio, t + 1, 4096, 0, 40, &same), 4096);
	KUNIT_EXPECT_FALSE(test, same);
	KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 1);
	/* max_segment_size: 8 KiB + 4 KiB does not merge; a second segment. */
	KUNIT_EXPECT_EQ(test, bio_add_hw_page(&d.q, bio, t + 2, 4096, 0, 40, &same), 4096);
	KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 2);
	/* Segment boundary: T3 is in the window of T2; T4 is in the next one. */
	KUNIT_EXPECT_EQ(test, bio_add_hw_page(&d.q, bio, t + 3, 4096, 0, 40, &same), 4096);
	KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 2);
	/* max_sectors: 16 KiB + 4 KiB = 40 sectors is refused under a limit of 39. */
	KUNIT_EXPECT_EQ(test, bio_add_hw_page(&d.q, bio, t + 4, 4096, 0, 39, &same), 0);
	/* Window change, and max_segments 2 reached: refused. */
	KUNIT_EXPECT_EQ(test, bio_add_hw_page(&d.q, bio, t + 4, 4096, 0, 40, &same), 0);
	KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 2);
	KUNIT_EXPECT_EQ(test, bio->bi_iter.bi_size, 16384);
	bio_test_finish(bio, false);

	/* virt_boundary: a new bvec must start and the last must end on 4 KiB. */
	bio = bio_alloc(NULL, 16, REQ_OP_DRV_OUT, 0);
	KUNIT_ASSERT_NOT_NULL(test, bio);
	bio_test_dev_init(&d, 512);
	d.q.limits.virt_boundary_mask = PAGE_SIZE - 1;
	KUNIT_EXPECT_EQ(test, bio_add_hw_page(&d.q, bio, t + 10, 4096, 0, 2560, &same), 4096);
	KUNIT_EXPECT_EQ(test, bio_add_hw_page(&d.q, bio, t + 20, 512, 512, 2560, &same), 0);
	KUNIT_EXPECT_EQ(test, bio_add_hw_page(&d.q, bio, t + 20, 512, 0, 2560, &same), 512);
	KUNIT_EXPECT_EQ(test, bio_add_hw_page(&d.q, bio, t + 30, 512, 0, 2560, &same), 0);
	KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 2);
	/* bio_add_pc_page() uses max_hw_sectors: 4608 + 512 bytes = 10 sectors. */
	d.q.limits.virt_boundary_mask = 0;
	d.q.limits.max_hw_sectors = 9;
	KUNIT_EXPECT_EQ(test, bio_add_pc_page(&d.q, bio, t + 40, 512, 0), 0);
	d.q.limits.max_hw_sectors = 10;
	KUNIT_EXPECT_EQ(test, bio_add_pc_page(&d.q, bio, t + 40, 512, 0), 512);
	bio_test_finish(bio, false);
	t_mm_munmap(test, map, 2 * PMD_SIZE);
}

/* ---- releasing bios built by hand ------------------------------------------------ */

/*
 * A PINNED bio built by hand from pinned user pages, released with
 * mark_dirty; and the same pages in a bio with no flag (v6.5: owns
 * nothing).
 *   pin S0..S2 -> PINNED bio [S0][S1][S2] -> release(dirty) -> pins 0
 *   clean S0..S2, no-flag bio -> release(dirty) -> nothing, still clean
 * Expect every pin dropped exactly once, each page dirtied before its
 * unpin (INV-12), and a non-pinned bio left alone (R-BIO-3).
 */
static void bio_release_pages_unpins_and_dirties(struct kunit *test)
{
	unsigned long buf = bio_test_buf(test, 3, 'r');
	unsigned long acq = bio_test_acquired(), rel = bio_test_released();
	struct page *pages[3];
	struct bio *bio;
	int i;

	bio_test_pin(test, buf, 3, pages);
	bio = bio_alloc(NULL, 3, REQ_OP_READ, 0);
	KUNIT_ASSERT_NOT_NULL(test, bio);
	bio_set_flag(bio, BIO_PAGE_PINNED);
	for (i = 0; i < 3; i++) {
		folio_clear_dirty_for_io(page_folio(pages[i]));
		KUNIT_EXPECT_EQ(test, bio_add_page(bio, pages[i], PAGE_SIZE, 0), (int)PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, bio_test_pins(pages[i]), 1);
	}
	KUNIT_EXPECT_EQ(test, bio_page_mode(bio), BIO_PAGE_MODE_PINNED);
	bio_test_finish(bio, true);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, bio_test_pins(pages[i]), 0);
		KUNIT_EXPECT_TRUE(test, PageDirty(pages[i]));
		folio_clear_dirty_for_io(page_folio(pages[i]));
	}
	KUNIT_EXPECT_EQ(test, bio_test_acquired() - acq, 3);
	KUNIT_EXPECT_EQ(test, bio_test_released() - rel, 3);

	bio = bio_alloc(NULL, 3, REQ_OP_READ, 0);
	KUNIT_ASSERT_NOT_NULL(test, bio);
	for (i = 0; i < 3; i++)
		bio_add_page(bio, pages[i], PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, bio_page_mode(bio), BIO_PAGE_MODE_NONE);
	bio_test_finish(bio, true);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_FALSE(test, PageDirty(pages[i]));
	KUNIT_EXPECT_EQ(test, bio_test_released() - rel, 3);
	t_mm_munmap(test, buf, 3 * PAGE_SIZE);
}

/*
 * Partial completion and a split: a PINNED 4-page bio advanced by 1 page,
 * then split at 1 page.
 *   [S0][S1][S2][S3]  advance 4K -> iter at S1; split 8 sectors -> split
 *   covers S1 (CLONED, no flag), the original S2..S3
 * Expect the split to own nothing (its release is a no-op) and the
 * original's release to unpin all four pages: the walk ignores bi_iter
 * (R-BIO-3, INV-4). The split chains to the original: the original's
 * end_io runs after both.
 */
static void bio_split_clone_owns_nothing(struct kunit *test)
{
	unsigned long buf = bio_test_buf(test, 4, 's');
	struct page *pages[4];
	struct bio *bio, *split;
	int i;

	bio_test_pin(test, buf, 4, pages);
	bio = bio_alloc(NULL, 4, REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, bio);
	bio_set_flag(bio, BIO_PAGE_PINNED);
	for (i = 0; i < 4; i++)
		bio_add_page(bio, pages[i], PAGE_SIZE, 0);
	bio->bi_iter.bi_sector = 100;
	bio_advance(bio, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, bio->bi_iter.bi_sector, 108);
	KUNIT_EXPECT_EQ(test, bio->bi_iter.bi_idx, 1);

	split = bio_split(bio, 8, 0, NULL);
	KUNIT_ASSERT_NOT_NULL(test, split);
	KUNIT_EXPECT_TRUE(test, bio_flagged(split, BIO_CLONED));
	KUNIT_EXPECT_FALSE(test, bio_flagged(split, BIO_PAGE_PINNED));
	KUNIT_EXPECT_EQ(test, split->bi_iter.bi_size, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, split->bi_iter.bi_sector, 108);
	KUNIT_EXPECT_EQ(test, split->bi_iter.bi_idx, 1);
	KUNIT_EXPECT_EQ(test, bio->bi_iter.bi_size, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, bio->bi_iter.bi_sector, 116);
	KUNIT_EXPECT_EQ(test, bio_page_mode(split), BIO_PAGE_MODE_NONE);
	KUNIT_EXPECT_WARN(test, KUNIT_EXPECT_EQ(test, bio_add_page(split, pages[0], 512, 0), 0));

	bio_release_pages(split, false);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, bio_test_pins(pages[i]), 1);

	bio_test_end_calls = 0;
	bio->bi_end_io = bio_test_end_io;
	bio_chain(split, bio);
	bio_endio(split);
	KUNIT_EXPECT_EQ(test, bio_test_end_calls, 0);
	bio_endio(bio);
	KUNIT_EXPECT_EQ(test, bio_test_end_calls, 1);
	bio_test_finish(bio, false);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, bio_test_pins(pages[i]), 0);
	t_mm_munmap(test, buf, 4 * PAGE_SIZE);
}

/*
 * bio_reset() forgets pages and flags but keeps the table; the caller
 * releases first.
 * Expect vcnt 0, size 0, no flags, max_vecs and table kept, bi_id kept
 * (R-BIO-1: bio_reset clears bi_flags).
 */
static void bio_reset_keeps_table(struct kunit *test)
{
	unsigned long buf = bio_test_buf(test, 1, 'z');
	struct bio *bio = bio_alloc(NULL, 20, REQ_OP_WRITE, 0);
	struct bio_vec *table;
	unsigned long id;
	struct page *page;

	KUNIT_ASSERT_NOT_NULL(test, bio);
	table = bio->bi_io_vec;
	id = bio->bi_id;
	bio_test_pin(test, buf, 1, &page);
	bio_set_flag(bio, BIO_PAGE_PINNED);
	bio_add_page(bio, page, PAGE_SIZE, 0);
	bio_release_pages(bio, false);
	bio_reset(bio, NULL, REQ_OP_READ);
	KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 0);
	KUNIT_EXPECT_EQ(test, bio->bi_iter.bi_size, 0);
	KUNIT_EXPECT_EQ(test, bio->bi_flags, 0);
	KUNIT_EXPECT_EQ(test, bio->bi_max_vecs, 64);
	KUNIT_EXPECT_PTR_EQ(test, bio->bi_io_vec, table);
	KUNIT_EXPECT_EQ(test, bio->bi_id, id);
	KUNIT_EXPECT_EQ(test, bio_op(bio), REQ_OP_READ);
	KUNIT_EXPECT_EQ(test, bio_test_pins(page), 0);
	bio_put(bio);
	t_mm_munmap(test, buf, PAGE_SIZE);
}

static struct kunit_case bio_cases[] = {
	KUNIT_CASE(bio_alloc_rounds_vec_tables),
	KUNIT_CASE(bio_id_unique_across_threads_stress),
	KUNIT_CASE(bio_alloc_after_put_is_fresh),
	KUNIT_CASE(bio_kmalloc_get_put),
	KUNIT_CASE(bio_alloc_fault_injection_returns_null),
	KUNIT_CASE(bio_chain_waits_for_children),
	KUNIT_CASE(bio_endio_twice_is_a_violation),
	KUNIT_CASE(bio_status_errno_round_trip),
	KUNIT_CASE(bio_add_page_merges_contiguous),
	KUNIT_CASE(bio_add_page_full_or_overflow_returns_zero),
	KUNIT_CASE(bio_add_folio_keeps_head_page),
	KUNIT_CASE(bio_add_hw_page_honours_limits),
	KUNIT_CASE(bio_release_pages_unpins_and_dirties),
	KUNIT_CASE(bio_split_clone_owns_nothing),
	KUNIT_CASE(bio_reset_keeps_table),
	{}
};

struct kunit_suite bio_suite = {
	.name = "bio",
	.init = bio_test_init,
	.exit = bio_test_exit,
	.test_cases = bio_cases,
};
