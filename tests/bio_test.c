// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for struct bio (block/bio.c, block/blk.h): allocation and
 * completion, the merge rule and the add-page limits, bio_iov_iter_get_pages()
 * with its per-extraction trim and same-page pin drop, release per cleanup
 * mode and profile, the dirty protocol with its deferred worker, splits and
 * clones, and the negative cases (kernel-semantics.md §5, EDGE-15..22, 25,
 * 33; scenarios.md R12-R14, R16-R18, bad inputs 21-24).
 *
 * Every case boots its own small machine (THP on) in .init. User buffers
 * are faulted in last page first, which gives descending frames, so that
 * no two neighbouring pages are physically contiguous and every page is its
 * own bvec; cases that need physical contiguity use a THP.
 */
#include <limits.h>
#include <stdio.h>
#include <sys/mman.h>

#include <pinio/bio.h>
#include <pinio/blkdev.h>
#include <pinio/fault-inject.h>

#include "block/blk.h"
#include "mm_helpers.h"

#define BIO_TEST_POISON	((struct page *)0xaa55aa55aa55aa55UL)

static const struct sim_config bio_test_cfg = {
	.mem_bytes = 64UL << 20,
	.thp = true,
};

/* A parameterised case boots the profile its parameter names. */
struct bio_test_profile {
	enum sim_profile profile;
	const char *name;
};

static int bio_test_init(struct kunit *test)
{
	struct sim_config cfg = bio_test_cfg;

	if (test->param_value)
		cfg.profile = ((const struct bio_test_profile *)test->param_value)->profile;
	return t_mm_boot(&cfg);
}

static void bio_test_exit(struct kunit *test)
{
	bio_dirty_flush();
	t_mm_shutdown(test);
}

/* A device stand-in: only the queue limits matter to bio.c. */
struct bio_test_dev {
	struct request_queue q;
	struct block_device bdev;
};

static void bio_test_dev_init(struct bio_test_dev *d, unsigned int lbs)
{
	memset(d, 0, sizeof(*d));
	d->q.limits.logical_block_size = lbs;
	d->q.limits.physical_block_size = lbs;
	d->q.limits.max_sectors = 2560;
	d->q.limits.max_hw_sectors = 2560;
	d->q.limits.max_segments = 128;
	d->q.limits.max_segment_size = 65536;
	d->q.limits.dma_alignment = 511;
	d->q.limits.seg_boundary_mask = 0xffffffffUL;
	d->bdev.bd_queue = &d->q;
}

/*
 * @npages of anonymous memory filled with @c, faulted in last page first
 * (descending frames): no page is physically followed by the next one.
 */
static unsigned long bio_test_buf(struct kunit *test, unsigned int npages, int c)
{
	unsigned long addr = t_mm_mmap(test, npages * PAGE_SIZE, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE);
	unsigned int i;

	for (i = npages; i-- > 0;)
		t_mm_fill(test, addr + i * PAGE_SIZE, c, PAGE_SIZE);
	for (i = 0; i + 1 < npages; i++)
		KUNIT_ASSERT_TRUE_MSG(test, t_mm_page(t_mm(), addr + (i + 1) * PAGE_SIZE) !=
				      t_mm_page(t_mm(), addr + i * PAGE_SIZE) + 1,
				      "pages %u and %u are physically contiguous", i, i + 1);
	return addr;
}

/* A 2 MiB THP filled with @c: 512 physically contiguous pages. *@map: unmap this. */
static unsigned long bio_test_thp(struct kunit *test, int c, unsigned long *map)
{
	unsigned long addr;
	struct page *page;

	*map = t_mm_mmap(test, 2 * PMD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	addr = ALIGN(*map, PMD_SIZE);
	t_mm_fill(test, addr, c, PMD_SIZE);
	page = t_mm_page(t_mm(), addr);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_EQ(test, folio_order(page_folio(page)), HPAGE_PMD_ORDER);
	return addr;
}

static struct page *bio_test_page(unsigned long addr)
{
	return t_mm_page(t_mm(), addr);
}

/* Pins on @page's folio: exact for both sizes (the shadow count for small). */
static long bio_test_pins(struct page *page)
{
	struct folio *folio = page_folio(page);

	if (folio_test_large(folio))
		return atomic_read(&folio->_pincount);
	return sim_small_folio_pins(folio);
}

static unsigned long bio_test_acquired(void)
{
	return sim_vmstat("nr_foll_pin_acquired");
}

static unsigned long bio_test_released(void)
{
	return sim_vmstat("nr_foll_pin_released");
}

/* Pin @n pages at @addr for a bio built by hand (ASSERT all pinned). */
static void bio_test_pin(struct kunit *test, unsigned long addr, int n, struct page **pages)
{
	int i;

	for (i = 0; i < n; i++)
		pages[i] = BIO_TEST_POISON;
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr, n, 0, pages), n);
}

/*
 * Poison every slot of @bio's bvec table: bio_iov_iter_get_pages() keeps
 * its page pointers there, and must never read a slot it did not write.
 */
static void bio_test_poison_table(struct bio *bio)
{
	struct page **slots = (struct page **)bio->bi_io_vec;
	size_t i, n = bio->bi_max_vecs * sizeof(struct bio_vec) / sizeof(*slots);

	for (i = 0; i < n; i++)
		slots[i] = BIO_TEST_POISON;
}

/* Release and free a bio its builder owns (the usual completion). */
static void bio_test_finish(struct bio *bio, bool mark_dirty)
{
	bio_release_pages(bio, mark_dirty);
	bio_put(bio);
}

static unsigned int bio_test_end_calls;

static void bio_test_end_io(struct bio *bio)
{
	bio_test_end_calls++;
}

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

/* ---- mode mixing --------------------------------------------------------------------- */

/*
 * R17 / bad input 23: sim_bio_add_page_mode() on a PINNED bio holding S0.
 *   + S1 get_page'd (REFFED)        -> -EINVAL, bio unchanged
 *   + S1 claimed PINNED, not pinned -> -EINVAL
 *   + the zero page, unreferenced   -> added (neutral, R-ZERO-6)
 * and on a bio with no mode: + a pinned page -> -EINVAL.
 * Expect each result, vcnt and size unchanged by every refusal.
 */
static void bio_add_page_mode_r17_rejects_mixing(struct kunit *test)
{
	unsigned long buf = bio_test_buf(test, 2, '7');
	struct page *s0, *s1 = bio_test_page(buf + PAGE_SIZE);
	struct bio *bio = bio_alloc(NULL, 4, REQ_OP_WRITE, 0), *plain;
	struct bio_vec saved;

	KUNIT_ASSERT_NOT_NULL(test, bio);
	bio_test_pin(test, buf, 1, &s0);
	bio_set_flag(bio, BIO_PAGE_PINNED);
	KUNIT_EXPECT_EQ(test, sim_bio_add_page_mode(bio, s0, 2048, 0, BIO_PAGE_MODE_PINNED), 2048);
	saved = bio->bi_io_vec[0];
	get_page(s1);
	KUNIT_EXPECT_EQ(test, sim_bio_add_page_mode(bio, s1, 4096, 0, BIO_PAGE_MODE_REFFED),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, sim_bio_add_page_mode(bio, s1, 4096, 0, BIO_PAGE_MODE_PINNED),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 1);
	KUNIT_EXPECT_EQ(test, bio->bi_iter.bi_size, 2048);
	KUNIT_EXPECT_MEMEQ(test, &bio->bi_io_vec[0], &saved, sizeof(saved));
	put_page(s1);
	KUNIT_EXPECT_EQ(test, sim_bio_add_page_mode(bio, ZERO_PAGE(0), 512, 0,
						    BIO_PAGE_MODE_NONE), 512);
	KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 2);

	plain = bio_alloc(NULL, 4, REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, plain);
	KUNIT_EXPECT_EQ(test, sim_bio_add_page_mode(plain, s0, 512, 0, BIO_PAGE_MODE_PINNED),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, plain->bi_vcnt, 0);
	bio_put(plain);
	bio_test_finish(bio, false);
	KUNIT_EXPECT_EQ(test, bio_test_pins(s0), 0);
	t_mm_munmap(test, buf, 2 * PAGE_SIZE);
}

/*
 * EDGE-33 (v6.5), the reverse mistake: a PINNED bio that also holds a page
 * that was only get_page'd (added by hand, bypassing the check).
 *   [S0 pinned][S1 +1 ref] -> release: unpin S0 ok, unpin S1 refused
 * Expect mm to refuse S1's unpin and report one violation, with S1's
 * refcount unchanged (the kernel would subtract 1024 and free it); the
 * test then drops its reference by hand.
 */
static void bio_edge33_pinned_bio_with_reffed_page(struct kunit *test)
{
	unsigned long buf = bio_test_buf(test, 2, '3');
	struct page *s0, *s1 = bio_test_page(buf + PAGE_SIZE);
	struct bio *bio = bio_alloc(NULL, 4, REQ_OP_WRITE, 0);
	int ref;

	KUNIT_ASSERT_NOT_NULL(test, bio);
	bio_test_pin(test, buf, 1, &s0);
	get_page(s1);
	ref = folio_ref_count(page_folio(s1));
	bio_set_flag(bio, BIO_PAGE_PINNED);
	bio_add_page(bio, s0, PAGE_SIZE, 0);
	bio_add_page(bio, s1, PAGE_SIZE, 0);
	kunit_expect_violations(test, 1);
	bio_test_finish(bio, false);
	KUNIT_EXPECT_EQ(test, bio_test_pins(s0), 0);
	KUNIT_EXPECT_EQ(test, folio_ref_count(page_folio(s1)), ref);
	put_page(s1);
	t_mm_munmap(test, buf, 2 * PAGE_SIZE);
}

static const struct bio_test_profile bio_test_v21[] = {
	{ SIM_PROFILE_V21, "v21" },
};

static void bio_test_profile_desc(const struct bio_test_profile *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", p->name);
}

KUNIT_ARRAY_PARAM(bio_test_v21, bio_test_v21, bio_test_profile_desc);

/*
 * EDGE-33 under v21, the original direct-io bug (R-BUG-5): pinned pages in
 * a bio flagged REFFED.
 *   pin S0 S1 -> REFFED bio -> release: put_page each (-1 of +1024)
 * Expect each page left with 1023 extra references while its pin shadow
 * says 1 pin: sim_check() finds 2 violations (refcount below
 * mappings + 1024 x pins). The test then repairs by hand (get_page +
 * unpin) and sim_check() is clean.
 */
static void bio_edge33_v21_reffed_bio_leaks_pins(struct kunit *test)
{
	unsigned long buf = bio_test_buf(test, 2, 'L');
	struct page *pages[2];
	struct bio *bio;
	int base[2], i;

	KUNIT_ASSERT_EQ(test, sim_profile(), SIM_PROFILE_V21);
	for (i = 0; i < 2; i++)
		base[i] = folio_ref_count(page_folio(bio_test_page(buf + i * PAGE_SIZE)));
	bio_test_pin(test, buf, 2, pages);
	bio = bio_alloc(NULL, 2, REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, bio);
	bio_set_flag(bio, BIO_PAGE_REFFED);
	for (i = 0; i < 2; i++)
		bio_add_page(bio, pages[i], PAGE_SIZE, 0);
	bio_test_finish(bio, false);
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ(test, folio_ref_count(page_folio(pages[i])), base[i] + 1023);
		KUNIT_EXPECT_EQ(test, bio_test_pins(pages[i]), 1);
	}
	kunit_expect_violations(test, 2);
	KUNIT_EXPECT_EQ(test, sim_check(), 2);
	for (i = 0; i < 2; i++) {
		get_page(pages[i]);
		unpin_user_page(pages[i]);
		KUNIT_EXPECT_EQ(test, folio_ref_count(page_folio(pages[i])), base[i]);
	}
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
	t_mm_munmap(test, buf, 2 * PAGE_SIZE);
}

/* ---- the same bio under every profile ------------------------------------------------ */

static const struct bio_test_profile bio_test_profiles[] = {
	{ SIM_PROFILE_V6_5, "v6.5" },
	{ SIM_PROFILE_V21, "v21" },
	{ SIM_PROFILE_V6_4, "v6.4" },
};

KUNIT_ARRAY_PARAM(bio_test_profiles, bio_test_profiles, bio_test_profile_desc);

/*
 * One user write, iovecs {S0[0,2048), S0[2048,4096), S1..S2}, through
 * bio_iov_iter_get_pages() under each profile, then a bio built by hand
 * from get_user_pages_fast() references flagged the profile's way.
 *   v6.5, v21: PINNED; pins acquired 4, the same-page pin dropped at once
 *   v6.4:      no flag (REFFED mode); +1 ref per page, same-page put
 *   by hand:   v21 REFFED, v6.4 no flag -> put_page at release
 * Expect the mode, one pin or one ref per page while built, and every
 * count back to base after release: pins vs refs, never mixed.
 */
static void bio_profile_table_balances(struct kunit *test)
{
	enum sim_profile prof = ((const struct bio_test_profile *)test->param_value)->profile;
	bool pins = prof != SIM_PROFILE_V6_4;
	unsigned long buf = bio_test_buf(test, 3, 'P');
	unsigned long acq = bio_test_acquired(), rel = bio_test_released();
	struct iovec iov[3] = {
		{ (void *)buf, 2048 },
		{ (void *)(buf + 2048), 2048 },
		{ (void *)(buf + PAGE_SIZE), 2 * PAGE_SIZE },
	};
	struct page *s[3], *got[3];
	struct bio_test_dev d;
	struct iov_iter it;
	struct bio *bio;
	int base[3], i;

	KUNIT_ASSERT_EQ(test, sim_profile(), prof);
	for (i = 0; i < 3; i++) {
		s[i] = bio_test_page(buf + i * PAGE_SIZE);
		base[i] = folio_ref_count(page_folio(s[i]));
	}
	bio_test_dev_init(&d, 512);
	iov_iter_init(&it, ITER_SOURCE, iov, 3, 3 * PAGE_SIZE);
	bio = bio_alloc(&d.bdev, bio_iov_vecs_to_alloc(&it, BIO_MAX_VECS), REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, bio);
	KUNIT_ASSERT_EQ(test, bio_iov_iter_get_pages(bio, &it), 0);
	KUNIT_EXPECT_EQ(test, bio->bi_iter.bi_size, 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, bio->bi_vcnt, 3);
	KUNIT_EXPECT_EQ(test, bio_page_mode(bio),
			pins ? BIO_PAGE_MODE_PINNED : BIO_PAGE_MODE_REFFED);
	KUNIT_EXPECT_FALSE(test, bio_flagged(bio, BIO_PAGE_REFFED));
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, bio_test_pins(s[i]), pins);
		KUNIT_EXPECT_EQ(test, folio_ref_count(page_folio(s[i])),
				base[i] + (pins ? (int)GUP_PIN_COUNTING_BIAS : 1));
	}
	KUNIT_EXPECT_EQ(test, bio_test_acquired() - acq, pins ? 4 : 0);
	KUNIT_EXPECT_EQ(test, bio_test_released() - rel, pins ? 1 : 0);
	bio_test_finish(bio, false);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, bio_test_pins(s[i]), 0);
		KUNIT_EXPECT_EQ(test, folio_ref_count(page_folio(s[i])), base[i]);
	}
	KUNIT_EXPECT_EQ(test, bio_test_released() - rel, pins ? 4 : 0);

	if (prof == SIM_PROFILE_V6_5) {
		t_mm_munmap(test, buf, 3 * PAGE_SIZE);
		return;
	}
	KUNIT_ASSERT_EQ(test, get_user_pages_fast(buf, 3, 0, got), 3);
	bio = bio_alloc(NULL, 3, REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, bio);
	if (prof == SIM_PROFILE_V21)
		bio_set_flag(bio, BIO_PAGE_REFFED);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, sim_bio_add_page_mode(bio, got[i], PAGE_SIZE, 0,
							    BIO_PAGE_MODE_REFFED),
				(int)PAGE_SIZE);
	bio_test_finish(bio, false);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, folio_ref_count(page_folio(s[i])), base[i]);
	t_mm_munmap(test, buf, 3 * PAGE_SIZE);
}

static struct kunit_case bio_test_cases[] = {
	KUNIT_CASE(bio_alloc_rounds_vec_tables),
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
	KUNIT_CASE(bio_iov_edge15_trailing_partial_block),
	KUNIT_CASE(bio_iov_edge16_same_page_one_pin),
	KUNIT_CASE(bio_iov_edge17_multipage_bvec),
	KUNIT_CASE(bio_iov_edge18_full_bio_mid_iterator),
	KUNIT_CASE(bio_iov_edge19_bvec_borrowed),
	KUNIT_CASE(bio_iov_edge20_kvec_not_pinned),
	KUNIT_CASE(bio_iov_edge21_zone_append_limit),
	KUNIT_CASE(bio_check_pages_dirty_edge25),
	KUNIT_CASE(bio_iov_r12_same_page_merge),
	KUNIT_CASE(bio_iov_r13_unaligned_span),
	KUNIT_CASE(bio_iov_r14_thp_tail_pages),
	KUNIT_CASE(bio_iov_r18_partial_pin),
	KUNIT_CASE(bio_add_page_mode_r17_rejects_mixing),
	KUNIT_CASE(bio_edge33_pinned_bio_with_reffed_page),
	KUNIT_CASE_PARAM(bio_edge33_v21_reffed_bio_leaks_pins, bio_test_v21_gen_params),
	KUNIT_CASE_PARAM(bio_profile_table_balances, bio_test_profiles_gen_params),
	{}
};

struct kunit_suite bio_suite = {
	.name = "bio",
	.init = bio_test_init,
	.exit = bio_test_exit,
	.test_cases = bio_test_cases,
};
