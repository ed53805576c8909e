// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the shared zero pages (kernel-semantics.md §3): the
 * coloured layout and is_zero_pfn()'s range test (R-ZERO-1..5, EDGE-3),
 * read faults mapping the zero page of the address's colour (R-GUP-6,
 * EDGE-2), pins and unpins that change nothing under v6.5 (R-ZERO-6,
 * EDGE-1), FOLL_GET that does count (R-ZERO-7), the v6.4 profile where a pin
 * adds 1024 (R-ZERO-9), FOLL_WRITE and long-term pins that never return a
 * zero page (R-GUP-5/7, EDGE-7, EDGE-9), the mapping side (R-ZERO-8), and
 * the 2^21-pin refcount overflow of R-BUG-1 (EDGE-4).
 *
 * .init boots the machine each case asks for: every parameterised case of
 * this suite takes a struct zero_page_param (colours and profile); the
 * others get one zero page and the v6.5 profile. THP stays off so that read
 * faults map small zero pages.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <pinio/sim.h>

#include "kunit/test.h"
#include "mm_helpers.h"

struct zero_page_param {
	const char *desc;
	unsigned int colours;		/* sim_config.nr_zero_pages */
	enum sim_profile profile;
};

static int zero_page_test_init(struct kunit *test)
{
	const struct zero_page_param *p = test->param_value;
	struct sim_config cfg = { .mem_bytes = T_MM_MEM_BYTES, .nr_zero_pages = 1 };

	if (p) {
		cfg.nr_zero_pages = p->colours;
		cfg.profile = p->profile;
	}
	return sim_boot(&cfg);
}

static void zero_page_test_exit(struct kunit *test)
{
	free(test->priv);
	test->priv = NULL;
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
	KUNIT_EXPECT_EQ(test, sim_shutdown(), 0);
}

static const struct zero_page_param zero_page_colours[] = {
	{ "1 colour (x86, arm64)", 1, SIM_PROFILE_V6_5 },
	{ "8 colours (MIPS with VCE)", 8, SIM_PROFILE_V6_5 },
	{ "128 colours (s390)", 128, SIM_PROFILE_V6_5 },
};

static const struct zero_page_param zero_page_v6_4[] = {
	{ "v6.4, 1 colour", 1, SIM_PROFILE_V6_4 },
	{ "v6.4, 8 colours", 8, SIM_PROFILE_V6_4 },
};

static const struct zero_page_param zero_page_storm[] = {
	{ "v6.4: pin 2^21 overflows the refcount", 1, SIM_PROFILE_V6_4 },
	{ "v6.5: zero-page pins change nothing", 1, SIM_PROFILE_V6_5 },
};

static void zero_page_param_desc(const struct zero_page_param *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", p->desc);
}

KUNIT_ARRAY_PARAM(zero_page_colours, zero_page_colours, zero_page_param_desc);
KUNIT_ARRAY_PARAM(zero_page_v6_4, zero_page_v6_4, zero_page_param_desc);
KUNIT_ARRAY_PARAM(zero_page_storm, zero_page_storm, zero_page_param_desc);

/* Enough entries for every colour twice, plus some. */
#define ZERO_PAGE_MAX_PAGES	(2 * SIM_MAX_ZERO_PAGES + 8)

static unsigned int zero_page_colour_of(unsigned long addr)
{
	return (unsigned int)((addr >> PAGE_SHIFT) & (nr_zero_pages() - 1));
}

/* Expect every colour's refcount to be 1 and its shadow pin count 0. */
static void zero_page_expect_untouched(struct kunit *test)
{
	unsigned int c;

	for (c = 0; c < nr_zero_pages(); c++) {
		struct page *z = pfn_to_page(zero_pfn + c);

		KUNIT_EXPECT_EQ_MSG(test, page_ref_count(z), 1, "colour %u", c);
		KUNIT_EXPECT_EQ_MSG(test, sim_small_folio_pins(page_folio(z)), 0L, "colour %u", c);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&z->_mapcount), -1, "colour %u", c);
	}
}

/* Map @nr pages of private anonymous memory and read-fault them all. */
static unsigned long zero_page_map_read(struct kunit *test, unsigned long nr, int prot)
{
	unsigned long addr = t_mm_mmap(test, nr * PAGE_SIZE, prot, MAP_PRIVATE);

	t_mm_touch_read(test, addr, nr * PAGE_SIZE);
	return addr;
}

/* Is @page an exclusive, zero-filled anonymous page (not a zero page)? */
static void zero_page_expect_fresh(struct kunit *test, struct page *page)
{
	static const unsigned char zeros[PAGE_SIZE];

	KUNIT_EXPECT_FALSE(test, is_zero_page(page));
	KUNIT_EXPECT_TRUE(test, PageAnon(page));
	KUNIT_EXPECT_TRUE(test, PageAnonExclusive(page));
	KUNIT_EXPECT_MEMEQ(test, page_address(page), zeros, PAGE_SIZE);
}

/*
 * R-ZERO-1..5, EDGE-3: the layout of the coloured zero pages.
 *
 *   pfn:     zero_pfn-1 | zero_pfn  ...  zero_pfn+n-1 | zero_pfn+n
 *   colour:   (not one) |    0      ...      n-1      |  (not one)
 *   ZERO_PAGE(vaddr) = pfn_to_page(zero_pfn + ((vaddr >> PAGE_SHIFT) & (n-1)))
 *
 * Expect zero_pfn to be colour 0 (ZERO_PAGE(0)), ZERO_PAGE() to pick the
 * colour from the virtual page number alone (and to ignore vaddr with one
 * colour), is_zero_pfn() true exactly on [zero_pfn, zero_pfn+n) with the
 * pfn below wrapping to false, is_zero_page()/is_zero_folio() true for every
 * colour, each a reserved order-0 page with refcount 1, and
 * page == ZERO_PAGE(0) true for colour 0 only (R-ZERO-5).
 */
static void zero_page_colour_layout(struct kunit *test)
{
	const struct zero_page_param *p = test->param_value;
	unsigned long n = p->colours, v, c;

	KUNIT_ASSERT_EQ(test, nr_zero_pages(), (unsigned int)n);
	KUNIT_EXPECT_EQ(test, zero_page_mask, (n - 1) << PAGE_SHIFT);
	KUNIT_EXPECT_EQ(test, page_to_pfn(ZERO_PAGE(0)), zero_pfn);

	for (v = 0; v < 2 * n + 3; v++) {
		unsigned long addr = 0x7f0000000000UL + v * PAGE_SIZE;
		struct page *want = pfn_to_page(zero_pfn + v % n);

		KUNIT_EXPECT_PTR_EQ_MSG(test, ZERO_PAGE(addr), want, "vpage %lu", v);
		KUNIT_EXPECT_PTR_EQ(test, ZERO_PAGE(addr + 123), want);
		KUNIT_EXPECT_PTR_EQ(test, ZERO_PAGE(addr + PAGE_SIZE - 1), want);
		KUNIT_EXPECT_EQ(test, my_zero_pfn(addr), zero_pfn + v % n);
		if (n == 1)
			KUNIT_EXPECT_PTR_EQ(test, ZERO_PAGE(addr), ZERO_PAGE(0));
	}

	KUNIT_EXPECT_FALSE(test, is_zero_pfn(zero_pfn - 1));
	KUNIT_EXPECT_TRUE(test, is_zero_pfn(zero_pfn));
	KUNIT_EXPECT_TRUE(test, is_zero_pfn(zero_pfn + n - 1));
	KUNIT_EXPECT_FALSE(test, is_zero_pfn(zero_pfn + n));
	KUNIT_EXPECT_FALSE(test, is_zero_pfn(ULONG_MAX));

	for (c = 0; c < n; c++) {
		struct page *z = pfn_to_page(zero_pfn + c);

		KUNIT_EXPECT_TRUE(test, is_zero_page(z));
		KUNIT_EXPECT_TRUE(test, is_zero_folio(page_folio(z)));
		KUNIT_EXPECT_PTR_EQ(test, page_folio(z), (struct folio *)z);
		KUNIT_EXPECT_FALSE(test, PageCompound(z));
		KUNIT_EXPECT_TRUE(test, PageReserved(z));
		KUNIT_EXPECT_EQ(test, page_ref_count(z), 1);
		KUNIT_EXPECT_PTR_EQ(test, ZERO_PAGE(c * PAGE_SIZE), z);
		KUNIT_EXPECT_EQ_MSG(test, z == ZERO_PAGE(0), c == 0, "colour %lu", c);
	}
	if (zero_pfn + n < max_pfn)
		KUNIT_EXPECT_FALSE(test, is_zero_page(pfn_to_page(zero_pfn + n)));
	if (zero_pfn > 0)
		KUNIT_EXPECT_FALSE(test, is_zero_page(pfn_to_page(zero_pfn - 1)));
}

/*
 * R-GUP-6, R-ZERO-8, EDGE-2: read faults on untouched anonymous memory map
 * the zero page of each address's colour; a DIO-write style pin (no
 * FOLL_WRITE) returns exactly those pages.
 *
 *   VA page:  a+0   a+1   ...   a+2n+2       (read, never written)
 *   PTE:      special, R/O -> ZERO_PAGE(a+i), colour ((a>>12)+i) mod n
 *   pin_user_pages_fast(a, 2n+3, 0) -> pages[i] == ZERO_PAGE(a+i)
 *
 * Expect no folio allocated, every PTE special and read-only on
 * my_zero_pfn(addr), the pin to return the coloured pages (is_zero_page()
 * for all, == ZERO_PAGE(0) only for colour 0) through the slow path
 * (GUP-fast never takes a special PTE), and no refcount, pin count or
 * nr_foll_pin_* movement, before or after the unpin (R-ZERO-6).
 */
static void zero_page_read_fault_maps_colour(struct kunit *test)
{
	const struct zero_page_param *p = test->param_value;
	unsigned long nr = 2 * p->colours + 3, addr, i;
	long live = atomic_long_read(&nr_live_folios);
	long fast = t_mm_vmstat(GUP_FAST_PAGES);
	long acquired = t_mm_vmstat(NR_FOLL_PIN_ACQUIRED);
	long released = t_mm_vmstat(NR_FOLL_PIN_RELEASED);
	long zpins = t_mm_vmstat(ZERO_PAGE_PIN), zunpins = t_mm_vmstat(ZERO_PAGE_UNPIN);
	struct page *pages[ZERO_PAGE_MAX_PAGES];
	long ret;

	addr = zero_page_map_read(test, nr, PROT_READ | PROT_WRITE);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&nr_live_folios), live);
	for (i = 0; i < nr; i++) {
		unsigned long a = addr + i * PAGE_SIZE;
		pte_t pte = t_mm_pte(current->mm, a);

		KUNIT_EXPECT_TRUE(test, pte_special(pte));
		KUNIT_EXPECT_FALSE(test, pte_write(pte));
		KUNIT_EXPECT_EQ(test, pte_pfn(pte), my_zero_pfn(a));
	}

	t_mm_poison(pages, ARRAY_SIZE(pages));
	ret = pin_user_pages_fast(addr, (int)nr, 0, pages);
	KUNIT_ASSERT_EQ(test, ret, (long)nr);
	t_mm_expect_written(test, pages, ARRAY_SIZE(pages), ret);
	for (i = 0; i < nr; i++) {
		unsigned long a = addr + i * PAGE_SIZE;

		KUNIT_EXPECT_PTR_EQ(test, pages[i], ZERO_PAGE(a));
		KUNIT_EXPECT_TRUE(test, is_zero_page(pages[i]));
		KUNIT_EXPECT_EQ(test, pages[i] == ZERO_PAGE(0), zero_page_colour_of(a) == 0);
	}
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(GUP_FAST_PAGES), fast);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(ZERO_PAGE_PIN), zpins + (long)nr);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_ACQUIRED), acquired);
	zero_page_expect_untouched(test);

	unpin_user_pages(pages, (unsigned long)ret);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(ZERO_PAGE_UNPIN), zunpins + (long)nr);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_RELEASED), released);
	zero_page_expect_untouched(test);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&nr_live_folios), live);
	t_mm_munmap(test, addr, nr * PAGE_SIZE);
}

/*
 * R-ZERO-6, EDGE-1: one zero page (the last colour) pinned 3 times through
 * three entry points and unpinned 3 times through three release paths;
 * then every colour unpinned without ever having been pinned, a range
 * unpin over all colours, and folio_add_pin() on each.
 *
 *   Z = ZERO_PAGE(a+k), colour n-1
 *   pin:   pin_user_pages_fast, pin_user_pages_unlocked, pin_user_pages
 *   unpin: unpin_user_page, unpin_user_pages, unpin_user_pages_dirty_lock
 *
 * Expect every colour's refcount, shadow pin count and mapcount unchanged
 * throughout, no nr_foll_pin_* movement, the ledger's pins unchanged, the
 * zero page never dirtied, and no violation for the never-pinned unpins.
 */
static void zero_page_pin_unpin_is_noop(struct kunit *test)
{
	const struct zero_page_param *p = test->param_value;
	unsigned long n = p->colours, addr, k;
	long acquired = t_mm_vmstat(NR_FOLL_PIN_ACQUIRED);
	long released = t_mm_vmstat(NR_FOLL_PIN_RELEASED);
	static const enum t_gup_api apis[] = { T_API_PUP_FAST, T_API_PUP_UNLOCKED, T_API_PUP };
	struct sim_ledger before, after;
	struct page *pinned[3], *z;
	unsigned int i;

	addr = zero_page_map_read(test, n, PROT_READ | PROT_WRITE);
	k = (n - 1 - zero_page_colour_of(addr)) & (n - 1);
	z = ZERO_PAGE(addr + k * PAGE_SIZE);
	KUNIT_ASSERT_PTR_EQ(test, z, pfn_to_page(zero_pfn + n - 1));
	sim_ledger_read(&before);

	for (i = 0; i < ARRAY_SIZE(apis); i++) {
		struct page *one[2];

		t_mm_poison(one, 2);
		KUNIT_ASSERT_EQ(test, t_gup(apis[i], addr + k * PAGE_SIZE, 1, 0, one), 1L);
		t_mm_expect_written(test, one, 2, 1);
		KUNIT_EXPECT_PTR_EQ(test, one[0], z);
		pinned[i] = one[0];
		zero_page_expect_untouched(test);
	}
	KUNIT_EXPECT_FALSE(test, folio_maybe_dma_pinned(page_folio(z)));
	unpin_user_page(pinned[0]);
	unpin_user_pages(&pinned[1], 1);
	unpin_user_pages_dirty_lock(&pinned[2], 1, true);
	KUNIT_EXPECT_FALSE(test, PageDirty(z));
	zero_page_expect_untouched(test);

	for (k = 0; k < n; k++) {
		struct page *zc = ZERO_PAGE(k * PAGE_SIZE);

		KUNIT_EXPECT_EQ(test, sim_unpin_user_page(zc), 0);
		folio_add_pin(page_folio(zc));
	}
	unpin_user_page_range_dirty_lock(ZERO_PAGE(0), n, true);
	zero_page_expect_untouched(test);
	KUNIT_EXPECT_FALSE(test, PageDirty(ZERO_PAGE(0)));

	sim_ledger_read(&after);
	KUNIT_EXPECT_EQ(test, after.pins, before.pins);
	KUNIT_EXPECT_EQ(test, after.zero_refs, before.zero_refs);
	KUNIT_EXPECT_EQ(test, after.violations, before.violations);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_ACQUIRED), acquired);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_RELEASED), released);
	t_mm_munmap(test, addr, n * PAGE_SIZE);
}

/*
 * R-ZERO-7: FOLL_GET on zero pages is not special: an ordinary +1 per
 * occurrence, dropped by put_page().
 *
 *   read-touched a .. a+n  (n+1 pages: the colour of a+0 appears twice)
 *   get_user_pages_fast / get_user_pages_unlocked (a, n+1, 0)
 *   ref(Z_c) = 1 + occurrences of colour c   (n == 1: 1 + 2)
 *
 * Expect those refcounts after each call (nr_foll_pin_acquired unchanged,
 * pinio_foll_get_acquired +n+1), and every colour back to 1 after put_page()
 * on each returned entry.
 */
static void zero_page_get_takes_reference(struct kunit *test)
{
	const struct zero_page_param *p = test->param_value;
	static const enum t_gup_api apis[] = { T_API_GUP_FAST, T_API_GUP_UNLOCKED };
	unsigned long n = p->colours, nr = n + 1, addr, i, c;
	long acquired = t_mm_vmstat(NR_FOLL_PIN_ACQUIRED);
	struct page *pages[ZERO_PAGE_MAX_PAGES];
	unsigned int a;

	addr = zero_page_map_read(test, nr, PROT_READ | PROT_WRITE);
	for (a = 0; a < ARRAY_SIZE(apis); a++) {
		long got = t_mm_vmstat(FOLL_GET_ACQUIRED), ret;

		t_mm_poison(pages, ARRAY_SIZE(pages));
		ret = t_gup(apis[a], addr, (long)nr, 0, pages);
		KUNIT_ASSERT_EQ(test, ret, (long)nr);
		t_mm_expect_written(test, pages, ARRAY_SIZE(pages), ret);
		for (c = 0; c < n; c++) {
			int want = 1 + (c == zero_page_colour_of(addr) ? 2 : 1);

			KUNIT_EXPECT_EQ_MSG(test, page_ref_count(pfn_to_page(zero_pfn + c)), want,
					    "%s, colour %lu", t_gup_api_name(apis[a]), c);
		}
		KUNIT_EXPECT_EQ(test, t_mm_vmstat(FOLL_GET_ACQUIRED), got + (long)nr);
		KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_ACQUIRED), acquired);
		for (i = 0; i < nr; i++)
			put_page(pages[i]);
		zero_page_expect_untouched(test);
	}
	t_mm_munmap(test, addr, nr * PAGE_SIZE);
}

/*
 * R-ZERO-9: before the series (v6.4 profile) a pin of a zero page counts
 * like any small page, and an unpin of a zero page that holds no pin is the
 * underflow R-BUG-2 warns about.
 *
 *   each colour once: ref 1 -pin-> 1025 -pin-> 2049 -pin-> 3073 -unpin x3-> 1
 *   unpin of ZERO_PAGE(0) never pinned -> refused: -EINVAL + a violation
 *
 * Expect +1024 and ACQUIRED +1 per pin of each colour, maybe_dma_pinned true
 * while pinned, -1024 and RELEASED +1 per unpin, and the stray unpin
 * reported and refused with the count left at 1.
 */
static void zero_page_v6_4_pin_counts_bias(struct kunit *test)
{
	const struct zero_page_param *p = test->param_value;
	static const enum t_gup_api apis[] = { T_API_PUP_FAST, T_API_PUP_UNLOCKED, T_API_PUP };
	unsigned long n = p->colours, addr, c;
	long acquired = t_mm_vmstat(NR_FOLL_PIN_ACQUIRED);
	long released = t_mm_vmstat(NR_FOLL_PIN_RELEASED);
	struct page *pages[ARRAY_SIZE(apis)][SIM_MAX_ZERO_PAGES];
	unsigned int a;

	KUNIT_ASSERT_EQ(test, sim_profile(), SIM_PROFILE_V6_4);
	addr = zero_page_map_read(test, n, PROT_READ | PROT_WRITE);
	for (a = 0; a < ARRAY_SIZE(apis); a++) {
		KUNIT_ASSERT_EQ(test, t_gup_checked(test, apis[a], addr, (long)n, 0, pages[a],
						    ARRAY_SIZE(pages[a])), (long)n);
		for (c = 0; c < n; c++) {
			struct page *z = pfn_to_page(zero_pfn + c);

			KUNIT_EXPECT_EQ(test, page_ref_count(z),
					1 + (int)((a + 1) * GUP_PIN_COUNTING_BIAS));
			KUNIT_EXPECT_TRUE(test, page_maybe_dma_pinned(z));
		}
	}
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_ACQUIRED), acquired + 3 * (long)n);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
	for (a = 0; a < ARRAY_SIZE(apis); a++)
		unpin_user_pages(pages[a], n);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_RELEASED), released + 3 * (long)n);
	zero_page_expect_untouched(test);

	kunit_expect_violations(test, 1);
	KUNIT_EXPECT_EQ(test, sim_unpin_user_page(ZERO_PAGE(0)), -EINVAL);
	KUNIT_EXPECT_EQ(test, page_ref_count(ZERO_PAGE(0)), 1);
	t_mm_munmap(test, addr, n * PAGE_SIZE);
}

/*
 * R-GUP-5, R-GUP-6, EDGE-7: a DIO read target (FOLL_WRITE) never gets a
 * zero page; a DIO write source from the same untouched memory does.
 *
 *   A: n untouched pages   pin(A, 0)          -> ZERO_PAGE(A+i)  (DIO write)
 *                          pin(A, FOLL_WRITE) -> n fresh pages, COW of Z
 *   B: n untouched pages   pin(B, FOLL_WRITE) -> n fresh pages  (DIO read)
 *
 * Expect zero pages for the R/O pin, and for both FOLL_WRITE pins fresh,
 * exclusive, zero-filled anon pages now mapped writable at the address
 * (pinio_cow_faults +n for A only, live folios +2n), zero pages untouched.
 */
static void zero_page_write_pin_gets_fresh_pages(struct kunit *test)
{
	const struct zero_page_param *p = test->param_value;
	unsigned long n = p->colours, a, b, i;
	long live = atomic_long_read(&nr_live_folios), cow = t_mm_vmstat(COW_FAULT);
	struct page *pages[SIM_MAX_ZERO_PAGES + 2];
	long ret;

	a = t_mm_mmap(test, n * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	b = t_mm_mmap(test, n * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);

	t_mm_poison(pages, ARRAY_SIZE(pages));
	ret = pin_user_pages_fast(a, (int)n, 0, pages);
	KUNIT_ASSERT_EQ(test, ret, (long)n);
	t_mm_expect_written(test, pages, ARRAY_SIZE(pages), ret);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_PTR_EQ(test, pages[i], ZERO_PAGE(a + i * PAGE_SIZE));
	unpin_user_pages(pages, n);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&nr_live_folios), live);

	t_mm_poison(pages, ARRAY_SIZE(pages));
	ret = pin_user_pages_fast(a, (int)n, FOLL_WRITE, pages);
	KUNIT_ASSERT_EQ(test, ret, (long)n);
	t_mm_expect_written(test, pages, ARRAY_SIZE(pages), ret);
	for (i = 0; i < n; i++) {
		unsigned long at = a + i * PAGE_SIZE;

		zero_page_expect_fresh(test, pages[i]);
		KUNIT_EXPECT_PTR_EQ(test, t_mm_page(current->mm, at), pages[i]);
		KUNIT_EXPECT_TRUE(test, pte_write(t_mm_pte(current->mm, at)));
	}
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(COW_FAULT), cow + (long)n);
	unpin_user_pages(pages, n);

	t_mm_poison(pages, ARRAY_SIZE(pages));
	ret = pin_user_pages_unlocked(b, n, pages, FOLL_WRITE);
	KUNIT_ASSERT_EQ(test, ret, (long)n);
	t_mm_expect_written(test, pages, ARRAY_SIZE(pages), ret);
	for (i = 0; i < n; i++) {
		zero_page_expect_fresh(test, pages[i]);
		KUNIT_EXPECT_PTR_EQ(test, t_mm_page(current->mm, b + i * PAGE_SIZE), pages[i]);
	}
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(COW_FAULT), cow + (long)n);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&nr_live_folios), live + 2 * (long)n);
	unpin_user_pages(pages, n);
	zero_page_expect_untouched(test);
	t_mm_munmap(test, a, n * PAGE_SIZE);
	t_mm_munmap(test, b, n * PAGE_SIZE);
}

/*
 * EDGE-9, R-GUP-7: a short-term R/O pin may return the zero page; a
 * long-term R/O pin in a private (COW) mapping never does: the unshare
 * fault replaces the zero page with a new anon page first. Checked on a
 * read-write and on a read-only private mapping (both are COW mappings).
 *
 *   a+i -> Z_c (special)   pin(a, 0)             -> Z_c
 *                          pin(a, FOLL_LONGTERM) -> new anon page, PTE R/O to it
 *
 * Expect the zero pages from the short-term pin, fresh exclusive zero-filled
 * anon pages mapped read-only at each address from the long-term pin, and
 * the zero pages' counts unchanged.
 */
static void zero_page_longterm_pin_unshares(struct kunit *test)
{
	const struct zero_page_param *p = test->param_value;
	static const int prots[] = { PROT_READ | PROT_WRITE, PROT_READ };
	unsigned long n = p->colours, addr, i;
	struct page *pages[SIM_MAX_ZERO_PAGES + 2];
	unsigned int k;
	long ret;

	for (k = 0; k < ARRAY_SIZE(prots); k++) {
		addr = zero_page_map_read(test, n, prots[k]);
		KUNIT_ASSERT_EQ(test, t_gup_checked(test, T_API_PUP_FAST, addr, (long)n, 0, pages,
						    ARRAY_SIZE(pages)), (long)n);
		for (i = 0; i < n; i++)
			KUNIT_EXPECT_PTR_EQ(test, pages[i], ZERO_PAGE(addr + i * PAGE_SIZE));
		unpin_user_pages(pages, n);

		t_mm_poison(pages, ARRAY_SIZE(pages));
		ret = pin_user_pages_fast(addr, (int)n, FOLL_LONGTERM, pages);
		KUNIT_ASSERT_EQ(test, ret, (long)n);
		t_mm_expect_written(test, pages, ARRAY_SIZE(pages), ret);
		for (i = 0; i < n; i++) {
			pte_t pte = t_mm_pte(current->mm, addr + i * PAGE_SIZE);

			zero_page_expect_fresh(test, pages[i]);
			KUNIT_EXPECT_PTR_EQ(test, t_mm_page(current->mm, addr + i * PAGE_SIZE),
					    pages[i]);
			KUNIT_EXPECT_FALSE(test, pte_write(pte));
			KUNIT_EXPECT_FALSE(test, pte_special(pte));
		}
		KUNIT_EXPECT_EQ(test, sim_check(), 0);
		unpin_user_pages(pages, n);
		zero_page_expect_untouched(test);
		t_mm_munmap(test, addr, n * PAGE_SIZE);
	}
}

/*
 * R-ZERO-8: the mapping side never touches a zero page's counts.
 *
 *   parent a..a+n-1 -> Z (special)   fork   child: the same special PTEs
 *   child writes a+0 -> private zeroed page; the parent still maps Z
 *   child exits, parent munmaps      -> zero pages untouched
 *
 * Expect fork to copy the special PTEs as they are (same colour, no
 * reference taken, mapcount stays -1), the child's write fault to replace
 * only its own PTE, and zap/exit to leave every colour at refcount 1.
 */
static void zero_page_fork_write_and_unmap(struct kunit *test)
{
	const struct zero_page_param *p = test->param_value;
	struct task_struct *parent = current, *child;
	unsigned long n = p->colours, addr, i;
	struct page *cpage;
	char c = 'x';

	addr = zero_page_map_read(test, n, PROT_READ | PROT_WRITE);
	child = sim_fork();
	KUNIT_ASSERT_FALSE(test, IS_ERR(child));
	zero_page_expect_untouched(test);
	for (i = 0; i < n; i++) {
		unsigned long a = addr + i * PAGE_SIZE;
		pte_t pte = t_mm_pte(child->mm, a);

		KUNIT_EXPECT_TRUE(test, pte_special(pte));
		KUNIT_EXPECT_EQ(test, pte_pfn(pte), my_zero_pfn(a));
	}

	sim_task_switch(child);
	KUNIT_EXPECT_EQ(test, sim_user_write(addr, &c, 1), (ssize_t)1);
	sim_task_switch(parent);
	cpage = t_mm_page(child->mm, addr);
	KUNIT_ASSERT_NOT_NULL(test, cpage);
	KUNIT_EXPECT_FALSE(test, is_zero_page(cpage));
	KUNIT_EXPECT_EQ(test, *(char *)page_address(cpage), 'x');
	KUNIT_EXPECT_PTR_EQ(test, t_mm_page(parent->mm, addr), ZERO_PAGE(addr));
	zero_page_expect_untouched(test);

	sim_task_exit(child);
	zero_page_expect_untouched(test);
	t_mm_munmap(test, addr, n * PAGE_SIZE);
	zero_page_expect_untouched(test);
}

#define STORM_PINS	(1UL << 21)	/* 2^21: the pin that wraps under v6.4 */
#define STORM_CHUNK	(1UL << 16)

/* Pin [first, first+count) pages of the storm region into pages[first...]. */
static void zero_page_storm_pin(struct kunit *test, unsigned long addr, struct page **pages,
				unsigned long first, unsigned long count)
{
	unsigned long done;

	for (done = 0; done < count; done += STORM_CHUNK) {
		unsigned long k = min(STORM_CHUNK, count - done);
		unsigned long at = first + done;
		long ret = pin_user_pages_unlocked(addr + at * PAGE_SIZE, k, pages + at, 0);

		KUNIT_ASSERT_EQ_MSG(test, ret, (long)k, "chunk at page %lu", at);
		/* The array was poisoned once: nothing past this chunk may be written. */
		if (at + k < STORM_PINS)
			KUNIT_ASSERT_PTR_EQ(test, pages[at + k], T_MM_POISON_PTR);
	}
}

static void zero_page_storm_unpin(struct page **pages, unsigned long count)
{
	unsigned long done;

	for (done = 0; done < count; done += STORM_CHUNK)
		unpin_user_pages(pages + done, min(STORM_CHUNK, count - done));
}

/*
 * EDGE-4, R-BUG-1: 8 GiB of never-touched anonymous memory, read-faulted
 * onto the one zero page by the pins themselves, pinned in chunks of 64 Ki
 * pages (the source of 32,768 64-page DIO writes).
 *
 *   pins:       2,097,151        #2,097,152 (2^21)        #2,097,153
 *   v6.4 ref:   2,147,482,625    -2,147,483,647 (wrapped)  unchanged, refused
 *   v6.5 ref:   1                1                         1
 *
 * Expect, under v6.4: a positive count after 2^21 - 1 pins; pin 2^21 to
 * succeed (the guard checks before it adds) and leave the count negative yet
 * "maybe pinned" (unsigned compare); every further grab to fail with a WARN:
 * -ENOMEM from pin_user_pages(), pin_user_pages_unlocked() and
 * pin_user_pages_fast() (whose fast walk never takes the zero page), NULL
 * from the fast path's try_grab_folio(), -ENOMEM for FOLL_GET too; and
 * unpinning everything to bring the count back to 1 with ACQUIRED ==
 * RELEASED. Under v6.5: every pin succeeds (3 * 2^21 in long mode) and no
 * count ever moves.
 */
static void zero_page_pin_storm(struct kunit *test)
{
	const struct zero_page_param *p = test->param_value;
	bool v6_4 = p->profile == SIM_PROFILE_V6_4;
	unsigned long len = STORM_PINS * PAGE_SIZE, addr, i, wrong = 0, extra = 0;
	long acquired = t_mm_vmstat(NR_FOLL_PIN_ACQUIRED);
	long released = t_mm_vmstat(NR_FOLL_PIN_RELEASED);
	struct page *z = ZERO_PAGE(0), **pages, *more[8];
	struct folio *folio;
	long ret, expect;

	KUNIT_ASSERT_EQ(test, nr_zero_pages(), 1U);
	pages = calloc(STORM_PINS, sizeof(*pages));
	KUNIT_ASSERT_NOT_NULL(test, pages);
	test->priv = pages;
	t_mm_poison(pages, STORM_PINS);
	addr = t_mm_mmap(test, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_NORESERVE);

	zero_page_storm_pin(test, addr, pages, 0, STORM_PINS - 1);
	for (i = 0; i < STORM_PINS - 1; i++)
		wrong += pages[i] != z;
	KUNIT_EXPECT_EQ(test, wrong, 0UL);
	KUNIT_EXPECT_PTR_EQ(test, pages[STORM_PINS - 1], T_MM_POISON_PTR);
	/* 1 + 1024 * (2^21 - 1): the largest count a pin can leave positive. */
	KUNIT_EXPECT_EQ(test, page_ref_count(z), v6_4 ? 2147482625 : 1);

	/* Pin 2^21: passes the ref < 0 guard, then wraps (v6.4). */
	ret = pin_user_pages_unlocked(addr + len - PAGE_SIZE, 1, &pages[STORM_PINS - 1], 0);
	KUNIT_ASSERT_EQ(test, ret, 1L);
	KUNIT_EXPECT_PTR_EQ(test, pages[STORM_PINS - 1], z);
	expect = v6_4 ? INT_MIN + 1 : 1;
	KUNIT_EXPECT_EQ(test, page_ref_count(z), (int)expect);
	KUNIT_EXPECT_EQ(test, page_maybe_dma_pinned(z), v6_4);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_ACQUIRED) - acquired,
			v6_4 ? (long)STORM_PINS : 0L);

	/* Pin 2^21 + 1, every way in. */
	t_mm_poison(more, ARRAY_SIZE(more));
	if (v6_4) {
		KUNIT_EXPECT_WARN(test, ret = pin_user_pages_unlocked(addr, 1, &more[0], 0));
		KUNIT_EXPECT_EQ(test, ret, (long)-ENOMEM);
		KUNIT_EXPECT_WARN(test, ret = t_gup(T_API_PUP, addr, 1, 0, &more[1]));
		KUNIT_EXPECT_EQ(test, ret, (long)-ENOMEM);
		KUNIT_EXPECT_WARN(test, ret = pin_user_pages_fast(addr, 1, 0, &more[2]));
		KUNIT_EXPECT_EQ(test, ret, (long)-ENOMEM);
		KUNIT_EXPECT_WARN(test, folio = try_grab_folio(z, 1, FOLL_PIN));
		KUNIT_EXPECT_NULL(test, folio);
		KUNIT_EXPECT_WARN(test, ret = get_user_pages_fast(addr, 1, 0, &more[3]));
		KUNIT_EXPECT_EQ(test, ret, (long)-ENOMEM);
		t_mm_expect_written(test, more, ARRAY_SIZE(more), 0);
		KUNIT_EXPECT_EQ(test, page_ref_count(z), (int)expect);
	} else {
		KUNIT_EXPECT_EQ(test, pin_user_pages_unlocked(addr, 1, &more[0], 0), 1L);
		KUNIT_EXPECT_EQ(test, t_gup(T_API_PUP, addr, 1, 0, &more[1]), 1L);
		KUNIT_EXPECT_EQ(test, pin_user_pages_fast(addr, 1, 0, &more[2]), 1);
		t_mm_expect_written(test, more, ARRAY_SIZE(more), 3);
		folio = try_grab_folio(z, 1, FOLL_PIN);
		KUNIT_EXPECT_PTR_EQ(test, folio, page_folio(z));
		extra = 3;
		KUNIT_EXPECT_EQ(test, page_ref_count(z), 1);
		if (kunit_long()) {
			/* Twice more over the whole region: 3 * 2^21 and counting. */
			for (i = 0; i < 3; i++) {
				if (i)
					zero_page_storm_unpin(pages, STORM_PINS);
				t_mm_poison(pages, STORM_PINS);
				zero_page_storm_pin(test, addr, pages, 0, STORM_PINS);
			}
		}
		KUNIT_EXPECT_EQ(test, page_ref_count(z), 1);
		KUNIT_EXPECT_EQ(test, sim_small_folio_pins(page_folio(z)), 0L);
		gup_put_folio(folio, 1, FOLL_PIN);
	}
	KUNIT_EXPECT_EQ(test, sim_check(), 0);

	zero_page_storm_unpin(pages, STORM_PINS);
	if (extra)
		unpin_user_pages(more, extra);
	KUNIT_EXPECT_EQ(test, page_ref_count(z), 1);
	KUNIT_EXPECT_EQ(test, sim_small_folio_pins(page_folio(z)), 0L);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_ACQUIRED) - acquired,
			t_mm_vmstat(NR_FOLL_PIN_RELEASED) - released);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_ACQUIRED) - acquired,
			v6_4 ? (long)STORM_PINS : 0L);
	t_mm_munmap(test, addr, len);
}

static struct kunit_case zero_page_test_cases[] = {
	KUNIT_CASE_PARAM(zero_page_colour_layout, zero_page_colours_gen_params),
	KUNIT_CASE_PARAM(zero_page_read_fault_maps_colour, zero_page_colours_gen_params),
	KUNIT_CASE_PARAM(zero_page_pin_unpin_is_noop, zero_page_colours_gen_params),
	KUNIT_CASE_PARAM(zero_page_get_takes_reference, zero_page_colours_gen_params),
	KUNIT_CASE_PARAM(zero_page_v6_4_pin_counts_bias, zero_page_v6_4_gen_params),
	KUNIT_CASE_PARAM(zero_page_write_pin_gets_fresh_pages, zero_page_colours_gen_params),
	KUNIT_CASE_PARAM(zero_page_longterm_pin_unshares, zero_page_colours_gen_params),
	KUNIT_CASE_PARAM(zero_page_fork_write_and_unmap, zero_page_colours_gen_params),
	KUNIT_CASE_PARAM(zero_page_pin_storm, zero_page_storm_gen_params),
	{}
};

struct kunit_suite zero_page_suite = {
	.name = "zero_page",
	.init = zero_page_test_init,
	.exit = zero_page_test_exit,
	.test_cases = zero_page_test_cases,
};
