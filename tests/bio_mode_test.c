// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the bio cleanup modes (BIO_PAGE_PINNED, BIO_PAGE_REFFED)
 * and the profiles: mixing modes in one bio (R17), EDGE-33, and the same
 * bio built and released under every profile (v6.5, v21, ...).
 * Fixture: tests/bio_fixture.c.
 */
#include <limits.h>
#include <stdio.h>
#include <sys/mman.h>

#include <pinio/bio.h>
#include <pinio/blkdev.h>
#include <pinio/fault-inject.h>

#include "block/blk.h"
#include "bio_fixture.h"

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

/*
 * The zero page in a bio, per profile (R-ZERO-6 vs R-ZERO-9, R-BIO-4, R17).
 * A pin of the untouched address Z gives the zero page:
 *   profile | pin(Z) counts | Z pinned -> NONE bio | Z bare -> PINNED bio
 *   v6.5    | no (no-op)    | added (neutral)      | added (neutral)
 *   v21     | yes, +1024    | -EINVAL (would leak) | -EINVAL (unpin w/o pin)
 * then Z pinned -> PINNED bio is added under both, and after release the
 * zero page's refcount is back to its base. Expect every refusal to leave
 * the bio unchanged; a bare Z claimed PINNED is refused under v21 only.
 */
static void bio_add_page_mode_zero_page_per_profile(struct kunit *test)
{
	enum sim_profile prof = ((const struct bio_test_profile *)test->param_value)->profile;
	bool counts = prof != SIM_PROFILE_V6_5;
	unsigned long buf = t_mm_mmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	struct page *z = BIO_TEST_POISON;
	struct bio *none, *pinned;
	int base = page_ref_count(ZERO_PAGE(0));
	int refusal = counts ? -EINVAL : 512;

	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(buf, 1, 0, &z), 1);
	KUNIT_ASSERT_TRUE(test, is_zero_page(z));
	KUNIT_EXPECT_EQ(test, page_ref_count(z) - base, counts ? (int)GUP_PIN_COUNTING_BIAS : 0);
	none = bio_alloc(NULL, 4, REQ_OP_WRITE, 0);
	pinned = bio_alloc(NULL, 4, REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, none);
	KUNIT_ASSERT_NOT_NULL(test, pinned);
	bio_set_flag(pinned, BIO_PAGE_PINNED);

	/* The pinned Z into a bio that will not unpin it. */
	KUNIT_EXPECT_EQ(test, sim_bio_add_page_mode(none, z, 512, 0, BIO_PAGE_MODE_PINNED),
			refusal);
	KUNIT_EXPECT_EQ(test, none->bi_vcnt, counts ? 0 : 1);
	/* A bare Z (no pin held for it) into a bio that will unpin it. */
	KUNIT_EXPECT_EQ(test, sim_bio_add_page_mode(pinned, ZERO_PAGE(0), 512, 0,
						    BIO_PAGE_MODE_NONE), refusal);
	KUNIT_EXPECT_EQ(test, pinned->bi_vcnt, counts ? 0 : 1);
	KUNIT_EXPECT_EQ(test, pinned->bi_iter.bi_size, counts ? 0 : 512);
	if (counts) {
		/* Only our one pin is on Z: 1024 + base; claiming a second is a lie. */
		unpin_user_page(z);
		KUNIT_EXPECT_EQ(test, sim_bio_add_page_mode(pinned, z, 512, 0,
							    BIO_PAGE_MODE_PINNED), -EINVAL);
		KUNIT_ASSERT_EQ(test, pin_user_pages_fast(buf, 1, 0, &z), 1);
	}
	/* The pinned Z into the PINNED bio: the bio owns our pin now. */
	KUNIT_EXPECT_EQ(test, sim_bio_add_page_mode(pinned, z, 512, 512, BIO_PAGE_MODE_PINNED),
			512);
	bio_test_finish(none, false);
	bio_test_finish(pinned, false);
	KUNIT_EXPECT_EQ(test, page_ref_count(ZERO_PAGE(0)), base);
	t_mm_munmap(test, buf, PAGE_SIZE);
}

static const struct bio_test_profile bio_test_pin_profiles[] = {
	{ SIM_PROFILE_V6_5, "v6.5" },
	{ SIM_PROFILE_V21, "v21" },
};

KUNIT_ARRAY_PARAM(bio_test_pin_profiles, bio_test_pin_profiles, bio_test_profile_desc);

static struct kunit_case bio_mode_cases[] = {
	KUNIT_CASE(bio_add_page_mode_r17_rejects_mixing),
	KUNIT_CASE(bio_edge33_pinned_bio_with_reffed_page),
	KUNIT_CASE_PARAM(bio_edge33_v21_reffed_bio_leaks_pins, bio_test_v21_gen_params),
	KUNIT_CASE_PARAM(bio_profile_table_balances, bio_test_profiles_gen_params),
	KUNIT_CASE_PARAM(bio_add_page_mode_zero_page_per_profile, bio_test_pin_profiles_gen_params),
	{}
};

struct kunit_suite bio_mode_suite = {
	.name = "bio_mode",
	.init = bio_test_init,
	.exit = bio_test_exit,
	.test_cases = bio_mode_cases,
};
