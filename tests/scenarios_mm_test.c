// SPDX-License-Identifier: GPL-2.0
/*
 * Regression scenarios at mm level (scenarios.md §6): R01 the zero-page
 * pin storm and, under the v6.4 profile, the overflow it caused; R02
 * coloured zero pages; R03 a refcount near INT_MAX refusing cleanly; R20
 * release of error-path arrays; R22 double unpin and unpin of a page that
 * was never pinned. Pins are taken and held directly through GUP (the bio
 * and DIO layers have their own scenarios).
 *
 * The machine is x86-like (one zero page, no THP). A case that needs
 * another configuration reboots into it and, at its end, back into the
 * suite's, so that the runner's ledger compares like with like; the leak
 * check of the machine it used is t_mm_reboot()'s sim_shutdown() == 0.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "mm_helpers.h"
#include "suites.h"

static const struct sim_config scen_cfg = {
	.mem_bytes = 32UL << 20,
};

static int scen_test_init(struct kunit *test)
{
	return t_mm_boot(&scen_cfg);
}

static void scen_test_exit(struct kunit *test)
{
	t_mm_shutdown(test);
}

/* ---- R01 ------------------------------------------------------------------ */

/* 2^21: the pin that wraps a small folio with base refcount 1 (R-BUG-1). */
#define R01_WRAP_PIN	(1UL << 21)
#define R01_CHUNK	(1UL << 16)

/* Zero-page pins R01 holds at once: 3 * 2^21 (24 GiB of untouched memory). */
#define R01_STORM_PINS	(3 * R01_WRAP_PIN)

/* Pin @nr pages at @addr R/O, short-term, in chunks: must get them all. */
static void r01_pin_chunks(struct kunit *test, unsigned long addr, unsigned long nr,
			   struct page **pages)
{
	unsigned long done;

	for (done = 0; done < nr; done += R01_CHUNK) {
		unsigned long n = min(R01_CHUNK, nr - done);

		KUNIT_ASSERT_EQ_MSG(test, pin_user_pages_unlocked(addr + done * PAGE_SIZE, n,
								  pages + done, 0),
				    (long)n, "pins %lu..%lu", done, done + n - 1);
	}
}

static void r01_unpin_chunks(struct page **pages, unsigned long nr)
{
	unsigned long done;

	for (done = 0; done < nr; done += R01_CHUNK)
		unpin_user_pages(pages + done, min(R01_CHUNK, nr - done));
}

/*
 * R01, the zero-page pin storm (B1, R-ZERO-6), v6.5: 3 * 2^21 untouched
 * anonymous pages (24 GiB virtual), pinned R/O short-term - as async DIO
 * writes from them would - with every pin held at once:
 *   va: [ 3 * 2^21 pages, all read-faulted to Z by the pins themselves ]
 *   pages[0 .. 3*2^21) = Z        ref(Z) 1 -> 1 -> 1
 * Expect every pin to succeed and return Z, and ref(Z), the vmstat pin
 * counters and the ledger to be identical before, during and after, with
 * no WARN.
 */
static void scenario_r01_zero_page_pin_storm(struct kunit *test)
{
	unsigned long nr = R01_STORM_PINS, i, addr;
	struct page *zero = ZERO_PAGE(0), **pages;
	long acquired = node_page_state(NR_FOLL_PIN_ACQUIRED);
	long released = node_page_state(NR_FOLL_PIN_RELEASED);
	long folios = atomic_long_read(&nr_live_folios);
	struct sim_ledger before, during, after;

	addr = t_mm_mmap(test, nr * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_NORESERVE);
	pages = malloc(nr * sizeof(*pages));
	KUNIT_ASSERT_NOT_NULL(test, pages);
	t_mm_poison(pages, nr);
	sim_ledger_read(&before);

	r01_pin_chunks(test, addr, nr, pages);
	sim_ledger_read(&during);
	for (i = 0; i < nr; i++)
		if (pages[i] != zero)
			break;
	KUNIT_EXPECT_EQ_MSG(test, i, nr, "pages[%lu] is not the zero page", i);
	KUNIT_EXPECT_EQ(test, page_ref_count(zero), 1);
	KUNIT_EXPECT_FALSE(test, page_maybe_dma_pinned(zero));
	KUNIT_EXPECT_EQ(test, sim_small_folio_pins(page_folio(zero)), 0);
	KUNIT_EXPECT_EQ(test, node_page_state(NR_FOLL_PIN_ACQUIRED), acquired);
	KUNIT_EXPECT_MEMEQ(test, &during, &before, sizeof(before));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&nr_live_folios), folios);

	r01_unpin_chunks(pages, nr);
	sim_ledger_read(&after);
	KUNIT_EXPECT_EQ(test, page_ref_count(zero), 1);
	KUNIT_EXPECT_EQ(test, node_page_state(NR_FOLL_PIN_ACQUIRED), acquired);
	KUNIT_EXPECT_EQ(test, node_page_state(NR_FOLL_PIN_RELEASED), released);
	KUNIT_EXPECT_MEMEQ(test, &after, &before, sizeof(before));

	free(pages);
	t_mm_munmap(test, addr, nr * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/*
 * R01 under the v6.4 profile (R-ZERO-9, R-BUG-1, EDGE-4): each pin of the
 * zero page adds 1024 to its signed 32-bit refcount, base 1; the guard
 * checks "refcount < 0" *before* adding:
 *   pin #2,097,151: ref 2,147,482,625 (still positive)
 *   pin #2,097,152: passes the guard, ref wraps to -2,147,483,647
 *   pin #2,097,153: refused (fast path NULL + WARN, slow path -ENOMEM +
 *                   WARN), and so is a plain FOLL_GET: a system-wide DoS
 * Expect exactly that, then every pin released and ref(Z) back to 1 with
 * the pin counters balanced.
 */
static void scenario_r01_zero_page_pin_overflow_v6_4(struct kunit *test)
{
	static const struct sim_config v64 = { .mem_bytes = 32UL << 20,
					       .profile = SIM_PROFILE_V6_4 };
	unsigned long nr = R01_WRAP_PIN, addr, next;
	struct page *zero, **pages, *extra = T_MM_POISON_PTR;
	long acquired, released;
	long ret;

	t_mm_reboot(test, &v64);
	zero = ZERO_PAGE(0);
	acquired = node_page_state(NR_FOLL_PIN_ACQUIRED);
	released = node_page_state(NR_FOLL_PIN_RELEASED);
	addr = t_mm_mmap(test, (nr + 1) * PAGE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_NORESERVE);
	next = addr + nr * PAGE_SIZE;
	pages = malloc(nr * sizeof(*pages));
	KUNIT_ASSERT_NOT_NULL(test, pages);
	t_mm_poison(pages, nr);

	r01_pin_chunks(test, addr, nr - 1, pages);
	KUNIT_EXPECT_EQ(test, page_ref_count(zero), 2147482625);
	KUNIT_ASSERT_EQ(test, pin_user_pages_unlocked(addr + (nr - 1) * PAGE_SIZE, 1,
						      &pages[nr - 1], 0), 1);
	KUNIT_EXPECT_PTR_EQ(test, pages[nr - 1], zero);
	KUNIT_EXPECT_EQ(test, page_ref_count(zero), -2147483647);
	KUNIT_EXPECT_TRUE(test, page_maybe_dma_pinned(zero));
	KUNIT_EXPECT_EQ(test, node_page_state(NR_FOLL_PIN_ACQUIRED), acquired + (long)nr);

	KUNIT_EXPECT_WARN(test, ret = pin_user_pages_unlocked(next, 1, &extra, 0));
	KUNIT_EXPECT_EQ(test, ret, -ENOMEM);
	KUNIT_EXPECT_WARN(test, ret = pin_user_pages_fast(next, 1, 0, &extra));
	KUNIT_EXPECT_EQ(test, ret, -ENOMEM);
	KUNIT_EXPECT_WARN(test, ret = get_user_pages_fast(next, 1, 0, &extra));
	KUNIT_EXPECT_EQ(test, ret, -ENOMEM);
	KUNIT_EXPECT_PTR_EQ(test, extra, T_MM_POISON_PTR);
	KUNIT_EXPECT_EQ(test, page_ref_count(zero), -2147483647);
	KUNIT_EXPECT_EQ(test, node_page_state(NR_FOLL_PIN_ACQUIRED), acquired + (long)nr);

	r01_unpin_chunks(pages, nr);
	KUNIT_EXPECT_EQ(test, page_ref_count(zero), 1);
	KUNIT_EXPECT_FALSE(test, page_maybe_dma_pinned(zero));
	KUNIT_EXPECT_EQ(test, node_page_state(NR_FOLL_PIN_RELEASED), released + (long)nr);

	free(pages);
	t_mm_munmap(test, addr, (nr + 1) * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
	t_mm_reboot(test, &scen_cfg);
}

/* ---- R02 ------------------------------------------------------------------ */

#define R02_COLOURS	8
#define R02_PAGES	(2 * R02_COLOURS + 3)

static const enum sim_profile r02_profiles[] = { SIM_PROFILE_V6_5, SIM_PROFILE_V6_4 };

static void r02_desc(const enum sim_profile *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", *p == SIM_PROFILE_V6_4 ? "v6.4" : "v6.5");
}

KUNIT_ARRAY_PARAM(r02, r02_profiles, r02_desc);

/*
 * R02, coloured zero pages (B1, R-ZERO-3/5, R-BUG-2, EDGE-2): 8 colours as
 * on MIPS with VCE; 19 untouched pages starting at colour 3 are pinned R/O:
 *   va page:  0  1  2  3  4  5  6  7  8 ...
 *   pin:     Z3 Z4 Z5 Z6 Z7 Z0 Z1 Z2 Z3 ...   (ZERO_PAGE(addr) of each)
 * Expect each pin to return exactly ZERO_PAGE(addr), is_zero_page() true
 * for all 8 colours but page == ZERO_PAGE(0) only for colour 0; under v6.5
 * no colour's refcount moves at all, under v6.4 each moves by 1024 per pin;
 * and in both the release recognises all 8: every colour is back to 1.
 */
static void scenario_r02_coloured_zero_pages(struct kunit *test)
{
	const enum sim_profile profile = *(const enum sim_profile *)test->param_value;
	const struct sim_config cfg = { .mem_bytes = 32UL << 20, .nr_zero_pages = R02_COLOURS,
					.profile = profile };
	int per_colour[R02_COLOURS] = { 0 };
	const size_t map_len = (R02_PAGES + R02_COLOURS) * PAGE_SIZE;
	struct page *pages[R02_PAGES];
	unsigned long map, addr;
	int i, c;

	t_mm_reboot(test, &cfg);
	map = t_mm_mmap(test, map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	/* Start at colour 3, so the colours wrap around inside the range. */
	addr = map + ((3 - (map >> PAGE_SHIFT)) & (R02_COLOURS - 1)) * PAGE_SIZE;
	KUNIT_ASSERT_EQ(test, (addr >> PAGE_SHIFT) % R02_COLOURS, 3);

	t_mm_poison(pages, R02_PAGES);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr, R02_PAGES, 0, pages), R02_PAGES);
	for (i = 0; i < R02_PAGES; i++) {
		unsigned long a = addr + i * PAGE_SIZE;

		c = (int)((a >> PAGE_SHIFT) % R02_COLOURS);
		per_colour[c]++;
		KUNIT_EXPECT_PTR_EQ(test, pages[i], ZERO_PAGE(a));
		KUNIT_EXPECT_EQ(test, page_to_pfn(pages[i]), zero_pfn + c);
		KUNIT_EXPECT_TRUE(test, is_zero_page(pages[i]));
		KUNIT_EXPECT_EQ(test, pages[i] == ZERO_PAGE(0), c == 0);
	}
	for (c = 0; c < R02_COLOURS; c++) {
		int want = profile == SIM_PROFILE_V6_4 ? 1 + 1024 * per_colour[c] : 1;

		KUNIT_EXPECT_GT(test, per_colour[c], 0);
		KUNIT_EXPECT_EQ_MSG(test, page_ref_count(pfn_to_page(zero_pfn + c)), want,
				    "colour %d", c);
	}

	unpin_user_pages(pages, R02_PAGES);
	for (c = 0; c < R02_COLOURS; c++)
		KUNIT_EXPECT_EQ_MSG(test, page_ref_count(pfn_to_page(zero_pfn + c)), 1,
				    "colour %d", c);
	KUNIT_EXPECT_EQ(test, node_page_state(NR_FOLL_PIN_ACQUIRED),
			node_page_state(NR_FOLL_PIN_RELEASED));
	t_mm_munmap(test, map, map_len);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
	t_mm_reboot(test, &scen_cfg);
}

/* ---- R03 ------------------------------------------------------------------ */

#define R03_NEAR	(INT_MAX - 100)

/*
 * R03, a refcount near overflow refuses cleanly (B2, R-REF-8/9, bad input
 * 11). P, the 3rd of 4 written anon pages, has its refcount set by a test
 * hook (folio_ref_add) to INT_MAX - 100.
 *
 * The kernel - and pinio with it - checks "refcount < 0" *before* adding.
 * So a GET (+1) passes, and so does a PIN (+1 then +1023), which wraps the
 * count negative: the guard cannot see a wrap it has not yet caused.
 * scenarios.md's "no wrap" therefore holds from the grab after the guard
 * trips: that one is refused, and nothing refused changes the count:
 *   ref(P): INT_MAX-100 -GET-> INT_MAX-99 -PIN-> INT_MIN+924 (wrapped)
 *           -PIN-> refused: fast path NULL + WARN, slow path -ENOMEM + WARN
 *   pin_user_pages_fast(p0..p3): p0, p1 pinned, stops at P -> returns 2
 * Expect those counts, WARNs only for the refusals, pages 1-2 held (and
 * released), P's refcount untouched by every refused attempt, and the
 * refcount restored to 1 at the end.
 */
static void scenario_r03_near_overflow_refuses_cleanly(struct kunit *test)
{
	unsigned long addr = t_mm_mmap(test, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	unsigned long pa = addr + 2 * PAGE_SIZE;
	struct page *got = T_MM_POISON_PTR, *pinned = T_MM_POISON_PTR, *x = T_MM_POISON_PTR;
	struct page *pages[4];
	struct folio *folio;
	long acquired;
	int ret;

	t_mm_fill(test, addr, 'R', 4 * PAGE_SIZE);
	folio = page_folio(t_mm_page(t_mm(), pa));
	KUNIT_ASSERT_EQ(test, folio_ref_count(folio), 1);
	folio_ref_add(folio, R03_NEAR - 1);

	KUNIT_ASSERT_EQ(test, get_user_pages_fast(pa, 1, 0, &got), 1);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), R03_NEAR + 1);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(pa, 1, 0, &pinned), 1);
	KUNIT_EXPECT_PTR_EQ(test, pinned, &folio->page);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), INT_MIN + 924);
	acquired = node_page_state(NR_FOLL_PIN_ACQUIRED);

	KUNIT_EXPECT_WARN(test, ret = pin_user_pages_fast(pa, 1, 0, &x));
	KUNIT_EXPECT_EQ(test, ret, -ENOMEM);
	KUNIT_EXPECT_WARN(test, ret = get_user_pages_fast(pa, 1, 0, &x));
	KUNIT_EXPECT_EQ(test, ret, -ENOMEM);
	KUNIT_EXPECT_PTR_EQ(test, x, T_MM_POISON_PTR);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), INT_MIN + 924);

	t_mm_poison(pages, 4);
	KUNIT_EXPECT_WARN(test, ret = pin_user_pages_fast(addr, 4, 0, pages));
	KUNIT_EXPECT_EQ(test, ret, 2);
	KUNIT_EXPECT_PTR_EQ(test, pages[0], t_mm_page(t_mm(), addr));
	KUNIT_EXPECT_PTR_EQ(test, pages[1], t_mm_page(t_mm(), addr + PAGE_SIZE));
	KUNIT_EXPECT_PTR_EQ(test, pages[2], T_MM_POISON_PTR);
	KUNIT_EXPECT_PTR_EQ(test, pages[3], T_MM_POISON_PTR);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), INT_MIN + 924);
	KUNIT_EXPECT_EQ(test, node_page_state(NR_FOLL_PIN_ACQUIRED), acquired + 2);
	KUNIT_EXPECT_TRUE(test, page_maybe_dma_pinned(pages[0]));
	unpin_user_pages(pages, 2);
	KUNIT_EXPECT_EQ(test, folio_ref_count(page_folio(pages[0])), 1);
	KUNIT_EXPECT_EQ(test, folio_ref_count(page_folio(pages[1])), 1);

	/* Restore: the pin, the get, then the hook's references. */
	unpin_user_page(pinned);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), R03_NEAR + 1);
	put_page(got);
	folio_ref_sub(folio, R03_NEAR - 1);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), 1);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);

	t_mm_munmap(test, addr, 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/* ---- R20 ------------------------------------------------------------------ */

/*
 * R20, error-path arrays (B12, R-REF-4, EDGE-35, bad inputs 12-13): P1 and
 * P3 pinned R/W, released through the array an error path leaves behind:
 *   unpin_user_pages({P1, NULL, P3}, -EFAULT)  -> WARN, rejected, no change
 *   unpin_user_pages({P1, NULL, P3}, 3)        -> P1, P3 unpinned, NULL skipped
 * Expect the first call to change nothing (refcounts, vmstat, ledger pins)
 * and the second to release exactly the two pins.
 */
static void scenario_r20_error_path_arrays(struct kunit *test)
{
	unsigned long addr = t_mm_mmap(test, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	long released = node_page_state(NR_FOLL_PIN_RELEASED);
	struct page *arr[3] = { T_MM_POISON_PTR, NULL, T_MM_POISON_PTR };
	struct sim_ledger before, after;

	t_mm_fill(test, addr, 'E', 3 * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr, 1, FOLL_WRITE, &arr[0]), 1);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr + 2 * PAGE_SIZE, 1, FOLL_WRITE, &arr[2]), 1);
	KUNIT_EXPECT_EQ(test, page_ref_count(arr[0]), 1 + (int)GUP_PIN_COUNTING_BIAS);

	sim_ledger_read(&before);
	KUNIT_EXPECT_WARN(test, unpin_user_pages(arr, (unsigned long)-EFAULT));
	sim_ledger_read(&after);
	KUNIT_EXPECT_MEMEQ(test, &after, &before, sizeof(before));
	KUNIT_EXPECT_EQ(test, page_ref_count(arr[0]), 1 + (int)GUP_PIN_COUNTING_BIAS);
	KUNIT_EXPECT_EQ(test, page_ref_count(arr[2]), 1 + (int)GUP_PIN_COUNTING_BIAS);
	KUNIT_EXPECT_EQ(test, node_page_state(NR_FOLL_PIN_RELEASED), released);

	unpin_user_pages(arr, 3);
	KUNIT_EXPECT_EQ(test, page_ref_count(arr[0]), 1);
	KUNIT_EXPECT_EQ(test, page_ref_count(arr[2]), 1);
	KUNIT_EXPECT_FALSE(test, page_maybe_dma_pinned(arr[0]));
	KUNIT_EXPECT_EQ(test, node_page_state(NR_FOLL_PIN_RELEASED), released + 2);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);

	t_mm_munmap(test, addr, 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/* ---- R22 ------------------------------------------------------------------ */

/*
 * R22, double unpin and unpin of a page never pinned (B4, bad input 14):
 *   P: pin, unpin, unpin again   Q: only mapped   G: one FOLL_GET ref
 *   sim_unpin_user_page() of P (2nd), Q, G
 * Expect -EINVAL and one reported violation (page, owner and history on
 * stderr) for each of the three, with refcounts, the pin ledger and the
 * vmstat pin counters unchanged by them; unpin_user_page() of Q is refused
 * the same way.
 */
static void scenario_r22_double_unpin_reported(struct kunit *test)
{
	unsigned long addr = t_mm_mmap(test, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	struct page *p = T_MM_POISON_PTR, *q, *g = T_MM_POISON_PTR;
	long acquired, released;
	struct sim_ledger before, after;

	t_mm_fill(test, addr, 'U', 3 * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr, 1, FOLL_WRITE, &p), 1);
	KUNIT_ASSERT_EQ(test, get_user_pages_fast(addr + 2 * PAGE_SIZE, 1, 0, &g), 1);
	q = t_mm_page(t_mm(), addr + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sim_unpin_user_page(p), 0);

	acquired = node_page_state(NR_FOLL_PIN_ACQUIRED);
	released = node_page_state(NR_FOLL_PIN_RELEASED);
	sim_ledger_read(&before);
	kunit_expect_violations(test, 4);
	KUNIT_EXPECT_EQ(test, sim_unpin_user_page(p), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_unpin_user_page(q), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_unpin_user_page(g), -EINVAL);
	unpin_user_page(q);
	sim_ledger_read(&after);

	KUNIT_EXPECT_EQ(test, after.violations, before.violations + 4);
	after.violations = before.violations;
	KUNIT_EXPECT_MEMEQ(test, &after, &before, sizeof(before));
	KUNIT_EXPECT_EQ(test, page_ref_count(p), 1);
	KUNIT_EXPECT_EQ(test, page_ref_count(q), 1);
	KUNIT_EXPECT_EQ(test, page_ref_count(g), 2);
	KUNIT_EXPECT_EQ(test, node_page_state(NR_FOLL_PIN_ACQUIRED), acquired);
	KUNIT_EXPECT_EQ(test, node_page_state(NR_FOLL_PIN_RELEASED), released);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr, 'U', 3 * PAGE_SIZE));

	put_page(g);
	t_mm_munmap(test, addr, 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

static struct kunit_case scen_test_cases[] = {
	KUNIT_CASE(scenario_r01_zero_page_pin_storm),
	KUNIT_CASE(scenario_r01_zero_page_pin_overflow_v6_4),
	KUNIT_CASE_PARAM(scenario_r02_coloured_zero_pages, r02_gen_params),
	KUNIT_CASE(scenario_r03_near_overflow_refuses_cleanly),
	KUNIT_CASE(scenario_r20_error_path_arrays),
	KUNIT_CASE(scenario_r22_double_unpin_reported),
	{}
};

struct kunit_suite scenarios_mm_suite = {
	.name = "scenarios_mm",
	.init = scen_test_init,
	.exit = scen_test_exit,
	.test_cases = scen_test_cases,
};
