// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for pin accounting: folio_add_pin() and its vmstat asymmetry
 * (R-REF-6, R-BUG-7, EDGE-34), and what moves nr_foll_pin_acquired and
 * nr_foll_pin_released (R-REF-7) through every way of taking and dropping
 * a pin. The fixture (a 32 MiB machine with THP per case) is
 * tests/page_ref_fixture.c.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <pinio/sim.h>

#include "kunit/test.h"
#include "mm_helpers.h"
#include "page_ref_fixture.h"

/* ---- folio_add_pin (R-REF-6, R-BUG-7, EDGE-34) ------------------------------ */

enum add_pin_target {
	ADD_PIN_SMALL_PINNED,
	ADD_PIN_LARGE_PINNED,
	ADD_PIN_SMALL_UNPINNED,
	ADD_PIN_LARGE_UNPINNED,
	ADD_PIN_SMALL_FALSE_POSITIVE,
	ADD_PIN_ZERO_PAGE,
};

struct add_pin_case {
	const char *desc;
	enum add_pin_target target;
	bool warn;		/* the WARN of R-REF-6 fires and the pin is refused */
	int ref_delta;		/* change of the folio's _refcount */
	int pincount_delta;	/* change of _pincount (large) or the shadow count (small) */
};

static const struct add_pin_case add_pin_cases[] = {
	{ "small folio pinned once: +1024, no ACQUIRED", ADD_PIN_SMALL_PINNED, false,
	  GUP_PIN_COUNTING_BIAS, 1 },
	{ "large folio pinned once: +1 and _pincount +1", ADD_PIN_LARGE_PINNED, false, 1, 1 },
	{ "small folio never pinned: WARN, refused", ADD_PIN_SMALL_UNPINNED, true, 0, 0 },
	{ "large folio never pinned: WARN, refused", ADD_PIN_LARGE_UNPINNED, true, 0, 0 },
	/*
	 * The kernel cannot tell 1024 references from a pin and would add one
	 * silently; the simulation's shadow count can, and refuses with the
	 * WARN of bad input 15 (scenarios.md §5.3).
	 */
	{ "small folio with 1024 plain refs: WARN, refused", ADD_PIN_SMALL_FALSE_POSITIVE,
	  true, 0, 0 },
	{ "zero page: no-op", ADD_PIN_ZERO_PAGE, false, 0, 0 },
};

static void add_pin_desc(const struct add_pin_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(add_pin, add_pin_cases, add_pin_desc);

static long add_pin_count(struct folio *folio)
{
	return folio_test_large(folio) ? atomic_read(&folio->_pincount)
				       : sim_small_folio_pins(folio);
}

/*
 * R-REF-6, R-BUG-7, EDGE-34: folio_add_pin() on each kind of folio.
 *
 *   pin (maybe) -> folio_add_pin -> unpin every pin held
 *   ACQUIRED +pins_taken, RELEASED +pins_taken+added: they drift by `added`
 *
 * Expect the row's refcount/pincount change, a WARN exactly where the row
 * says (and then nothing changed), no ACQUIRED for the added pin, and at
 * quiescence RELEASED - ACQUIRED == the folio_add_pin() calls that took
 * (INV-9).
 */
static void page_ref_folio_add_pin(struct kunit *test)
{
	const struct add_pin_case *c = test->param_value;
	long acquired = t_mm_vmstat(NR_FOLL_PIN_ACQUIRED);
	long released = t_mm_vmstat(NR_FOLL_PIN_RELEASED);
	long added = mm_folio_add_pins();
	unsigned long addr = 0, len = PAGE_SIZE;
	struct page *page, *pinned[2];
	struct folio *folio;
	long pins = 0, i;
	int ref;

	switch (c->target) {
	case ADD_PIN_LARGE_PINNED:
	case ADD_PIN_LARGE_UNPINNED:
		folio = page_ref_map_thp(test, &addr);
		page = folio_page(folio, 3);
		len = PMD_SIZE;
		break;
	case ADD_PIN_ZERO_PAGE:
		addr = t_mm_mmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
		t_mm_touch_read(test, addr, PAGE_SIZE);
		page = t_mm_page(current->mm, addr);
		KUNIT_ASSERT_TRUE(test, is_zero_page(page));
		folio = page_folio(page);
		break;
	default:
		page = page_ref_map_small(test, &addr, 1);
		folio = page_folio(page);
		break;
	}
	if (c->target == ADD_PIN_SMALL_PINNED || c->target == ADD_PIN_LARGE_PINNED ||
	    c->target == ADD_PIN_ZERO_PAGE) {
		KUNIT_ASSERT_EQ(test, t_gup_checked(test, T_API_PUP_FAST,
						    addr + (page - &folio->page) * PAGE_SIZE,
						    1, 0, pinned, ARRAY_SIZE(pinned)), 1L);
		KUNIT_ASSERT_PTR_EQ(test, pinned[0], page);
		pins = 1;
	}
	if (c->target == ADD_PIN_SMALL_FALSE_POSITIVE)
		folio_ref_add(folio, GUP_PIN_COUNTING_BIAS - 1);

	ref = folio_ref_count(folio);
	i = add_pin_count(folio);
	if (c->warn)
		KUNIT_EXPECT_WARN(test, folio_add_pin(folio));
	else
		folio_add_pin(folio);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), ref + c->ref_delta);
	KUNIT_EXPECT_EQ(test, add_pin_count(folio), i + c->pincount_delta);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_ACQUIRED),
			acquired + (is_zero_page(page) ? 0 : pins));
	KUNIT_EXPECT_EQ(test, sim_check(), 0);

	if (c->pincount_delta)
		pins++;
	for (i = 0; i < pins; i++)
		unpin_user_page(page);
	if (c->target == ADD_PIN_SMALL_FALSE_POSITIVE)
		folio_ref_sub(folio, GUP_PIN_COUNTING_BIAS - 1);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), 1);
	KUNIT_EXPECT_EQ(test, add_pin_count(folio), 0L);
	KUNIT_EXPECT_EQ(test, mm_folio_add_pins(), added + c->pincount_delta);
	/* R-BUG-7: the added pin was released but never acquired. */
	KUNIT_EXPECT_EQ(test,
			(t_mm_vmstat(NR_FOLL_PIN_RELEASED) - released) -
			(t_mm_vmstat(NR_FOLL_PIN_ACQUIRED) - acquired),
			(long)c->pincount_delta);
	t_mm_munmap(test, addr, len);
}

/* ---- vmstat counters (R-REF-7) ------------------------------------------------ */

struct vmstat_ctx {
	unsigned long addr, len;
	struct page *pages[20];
	long n;
	struct page *tweaked;
};

struct vmstat_case {
	const char *desc;
	void (*acquire)(struct kunit *test, struct vmstat_ctx *ctx);
	void (*release)(struct kunit *test, struct vmstat_ctx *ctx);
	bool warn;		/* acquire raises a WARN */
	long acquired;		/* ACQUIRED after acquire */
	long released_mid;	/* RELEASED after acquire */
	long released;		/* RELEASED after release */
};

static void vmstat_map_small(struct kunit *test, struct vmstat_ctx *ctx, unsigned long nr)
{
	page_ref_map_small(test, &ctx->addr, nr);
	ctx->len = nr * PAGE_SIZE;
}

static void vmstat_fast_pin_small(struct kunit *test, struct vmstat_ctx *ctx)
{
	vmstat_map_small(test, ctx, 4);
	ctx->n = t_gup_checked(test, T_API_PUP_FAST, ctx->addr, 4, FOLL_WRITE, ctx->pages,
			       ARRAY_SIZE(ctx->pages));
	KUNIT_EXPECT_EQ(test, ctx->n, 4L);
}

static void vmstat_slow_pin_small(struct kunit *test, struct vmstat_ctx *ctx)
{
	vmstat_map_small(test, ctx, 4);
	ctx->n = t_gup_checked(test, T_API_PUP_UNLOCKED, ctx->addr, 4, FOLL_WRITE, ctx->pages,
			       ARRAY_SIZE(ctx->pages));
	KUNIT_EXPECT_EQ(test, ctx->n, 4L);
}

static void vmstat_fast_pin_thp(struct kunit *test, struct vmstat_ctx *ctx)
{
	page_ref_map_thp(test, &ctx->addr);
	ctx->len = PMD_SIZE;
	ctx->n = t_gup_checked(test, T_API_PUP_FAST, ctx->addr, 16, FOLL_WRITE, ctx->pages,
			       ARRAY_SIZE(ctx->pages));
	KUNIT_EXPECT_EQ(test, ctx->n, 16L);
}

static void vmstat_slow_pin_thp(struct kunit *test, struct vmstat_ctx *ctx)
{
	page_ref_map_thp(test, &ctx->addr);
	ctx->len = PMD_SIZE;
	ctx->n = t_gup_checked(test, T_API_PUP_UNLOCKED, ctx->addr, 16, FOLL_WRITE,
			       ctx->pages, ARRAY_SIZE(ctx->pages));
	KUNIT_EXPECT_EQ(test, ctx->n, 16L);
}

static void vmstat_pin_zero(struct kunit *test, struct vmstat_ctx *ctx)
{
	ctx->len = 4 * PAGE_SIZE;
	ctx->addr = t_mm_mmap(test, ctx->len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	t_mm_touch_read(test, ctx->addr, ctx->len);
	ctx->n = t_gup_checked(test, T_API_PUP_FAST, ctx->addr, 4, 0, ctx->pages,
			       ARRAY_SIZE(ctx->pages));
	KUNIT_EXPECT_EQ(test, ctx->n, 4L);
	KUNIT_EXPECT_TRUE(test, is_zero_page(ctx->pages[3]));
}

static void vmstat_get(struct kunit *test, struct vmstat_ctx *ctx)
{
	vmstat_map_small(test, ctx, 4);
	ctx->n = t_gup_checked(test, T_API_GUP_FAST, ctx->addr, 4, FOLL_WRITE, ctx->pages,
			       ARRAY_SIZE(ctx->pages));
	KUNIT_EXPECT_EQ(test, ctx->n, 4L);
}

static void vmstat_failed_grab(struct kunit *test, struct vmstat_ctx *ctx)
{
	vmstat_map_small(test, ctx, 1);
	ctx->tweaked = t_mm_page(current->mm, ctx->addr);
	set_page_count(ctx->tweaked, 0);	/* frozen: the grab must fail */
	KUNIT_EXPECT_WARN(test, ctx->n = t_gup_checked(test, T_API_PUP_FAST, ctx->addr, 1, 0,
						       ctx->pages,
						       ARRAY_SIZE(ctx->pages)));
	KUNIT_EXPECT_EQ(test, ctx->n, (long)-ENOMEM);
	set_page_count(ctx->tweaked, 1);
	ctx->n = 0;
}

static void vmstat_add_pin(struct kunit *test, struct vmstat_ctx *ctx)
{
	vmstat_fast_pin_small(test, ctx);
	folio_add_pin(page_folio(ctx->pages[0]));
	ctx->pages[ctx->n++] = ctx->pages[0];
}

static void vmstat_seq_bump(struct mm_struct *mm)
{
	gup_fast_test_hook = NULL;
	raw_write_seqcount_begin(&mm->write_protect_seq);
	raw_write_seqcount_end(&mm->write_protect_seq);
}

static void vmstat_fast_undone(struct kunit *test, struct vmstat_ctx *ctx)
{
	vmstat_map_small(test, ctx, 4);
	gup_fast_test_hook = vmstat_seq_bump;
	ctx->n = t_gup_checked(test, T_API_PUP_FAST, ctx->addr, 4, FOLL_WRITE, ctx->pages,
			       ARRAY_SIZE(ctx->pages));
	gup_fast_test_hook = NULL;
	KUNIT_EXPECT_EQ(test, ctx->n, 4L);
}

static void vmstat_release_unpin(struct kunit *test, struct vmstat_ctx *ctx)
{
	if (ctx->n > 0)
		unpin_user_pages(ctx->pages, (unsigned long)ctx->n);
}

static void vmstat_release_put(struct kunit *test, struct vmstat_ctx *ctx)
{
	long i;

	for (i = 0; i < ctx->n; i++)
		put_page(ctx->pages[i]);
}

static const struct vmstat_case vmstat_cases[] = {
	{ "fast pin, 4 small pages: +4 / +4", vmstat_fast_pin_small, vmstat_release_unpin,
	  false, 4, 0, 4 },
	{ "slow pin, 4 small pages: +1 per page", vmstat_slow_pin_small, vmstat_release_unpin,
	  false, 4, 0, 4 },
	{ "fast pin, 16 THP subpages in one grab: +16", vmstat_fast_pin_thp,
	  vmstat_release_unpin, false, 16, 0, 16 },
	{ "slow pin, 16 THP subpages: +16", vmstat_slow_pin_thp, vmstat_release_unpin,
	  false, 16, 0, 16 },
	{ "pin of 4 zero pages: never counted", vmstat_pin_zero, vmstat_release_unpin,
	  false, 0, 0, 0 },
	{ "FOLL_GET of 4 pages: never counted", vmstat_get, vmstat_release_put, false, 0, 0, 0 },
	{ "failed grab (refcount 0): not counted", vmstat_failed_grab, vmstat_release_unpin,
	  true, 0, 0, 0 },
	{ "folio_add_pin: released, never acquired", vmstat_add_pin, vmstat_release_unpin,
	  false, 4, 0, 5 },
	{ "fast grab undone by a fork: both bumped", vmstat_fast_undone, vmstat_release_unpin,
	  false, 8, 4, 8 },
};

static void vmstat_desc(const struct vmstat_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(vmstat, vmstat_cases, vmstat_desc);

/*
 * R-REF-7: what moves nr_foll_pin_acquired and nr_foll_pin_released.
 *
 *   acquire  ->  (ACQUIRED, RELEASED) deltas  ->  release  ->  RELEASED delta
 *
 * Expect the row's deltas at both points: +refs per successful non-zero
 * FOLL_PIN grab (fast: per grab, slow: per page), nothing for zero pages,
 * FOLL_GET, failed grabs or folio_add_pin, and a fast grab undone by
 * gup_put_folio() counted on both sides.
 */
static void page_ref_vmstat_counters(struct kunit *test)
{
	const struct vmstat_case *c = test->param_value;
	long acquired = t_mm_vmstat(NR_FOLL_PIN_ACQUIRED);
	long released = t_mm_vmstat(NR_FOLL_PIN_RELEASED);
	struct vmstat_ctx ctx = { 0 };

	c->acquire(test, &ctx);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_ACQUIRED) - acquired, c->acquired);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_RELEASED) - released, c->released_mid);
	c->release(test, &ctx);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_ACQUIRED) - acquired, c->acquired);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_RELEASED) - released, c->released);
	if (ctx.len)
		t_mm_munmap(test, ctx.addr, ctx.len);
}

static struct kunit_case page_ref_acct_cases[] = {
	KUNIT_CASE_PARAM(page_ref_folio_add_pin, add_pin_gen_params),
	KUNIT_CASE_PARAM(page_ref_vmstat_counters, vmstat_gen_params),
	{}
};

struct kunit_suite page_ref_acct_suite = {
	.name = "page_ref_acct",
	.init = page_ref_test_init,
	.exit = page_ref_test_exit,
	.test_cases = page_ref_acct_cases,
};
