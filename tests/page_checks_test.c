// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the page-checks switch (page_checks_enabled(),
 * sim_config.no_page_checks): the shadow pin count of small folios and the
 * per-frame event rings are on in every test machine, and a machine booted
 * without them (the benchmarks' checks=off) keeps the kernel's accounting
 * exactly (R-REF-2/4/6/7), the leak ledger, and R22's refusal of every
 * unpin that would take a small folio's refcount below zero. What it gives
 * up is written down here as a case: an unpin of a page that holds no pin
 * but 1024 plain references passes, as in the kernel.
 *
 * Every case boots a 32 MiB machine with THP (checks on); cases about
 * checks=off reboot the machine without them, and the suite's exit shuts
 * that one down expecting no leaks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <pinio/sim.h>
#include <pinio/trace.h>

#include "kunit/test.h"
#include "mm_helpers.h"

#define PC_NR	4

static const struct sim_config pc_cfg_on = { .mem_bytes = T_MM_MEM_BYTES, .thp = true };
static const struct sim_config pc_cfg_off = { .mem_bytes = T_MM_MEM_BYTES, .thp = true,
					      .no_page_checks = true };

static int page_checks_test_init(struct kunit *test)
{
	return sim_boot(&pc_cfg_on);
}

static void page_checks_test_exit(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
	KUNIT_EXPECT_EQ(test, sim_shutdown(), 0);
}

/*
 * The default, and its return after a machine without checks:
 *   boot (default) -> pin P -> unpin P
 *   reboot no_page_checks -> reboot default
 * Expect checks on after a default boot: P's shadow count 1 while pinned,
 * 0 after, and its ring showing the pin and the unpin; off after the
 * no_page_checks boot, and on again after the next default boot.
 */
static void page_checks_on_by_default(struct kunit *test)
{
	unsigned long addr = t_mm_mmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	struct page *p = T_MM_POISON_PTR;
	char *h;

	KUNIT_EXPECT_TRUE(test, page_checks_enabled());
	t_mm_fill(test, addr, 'd', PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr, 1, FOLL_WRITE, &p), 1);
	KUNIT_EXPECT_EQ(test, sim_small_folio_pins(page_folio(p)), 1L);
	unpin_user_page(p);
	KUNIT_EXPECT_EQ(test, sim_small_folio_pins(page_folio(p)), 0L);
	h = t_page_history(page_to_pfn(p));
	KUNIT_ASSERT_NOT_NULL(test, h);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(h, " pin refs=1"), "%s", h);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(h, " unpin refs=1"), "%s", h);
	free(h);
	t_mm_munmap(test, addr, PAGE_SIZE);

	t_mm_reboot(test, &pc_cfg_off);
	KUNIT_EXPECT_FALSE(test, page_checks_enabled());
	t_mm_reboot(test, &pc_cfg_on);
	KUNIT_EXPECT_TRUE(test, page_checks_enabled());
}

struct pc_mode_case {
	const char *desc;
	bool checks;
	bool thp;	/* the PC_NR pages are subpages of one 2 MiB folio */
};

static const struct pc_mode_case pc_mode_cases[] = {
	{ "checks=on small folios", true, false },
	{ "checks=off small folios", false, false },
	{ "checks=on THP", true, true },
	{ "checks=off THP", false, true },
};

static void pc_mode_desc(const struct pc_mode_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(pc_mode, pc_mode_cases, pc_mode_desc);

/* Small folios only: a large folio's _pincount is exact in both modes. */
static const struct pc_mode_case pc_gap_cases[] = {
	{ "checks=on", true, false },
	{ "checks=off", false, false },
};

KUNIT_ARRAY_PARAM(pc_gap, pc_gap_cases, pc_mode_desc);

/* What a pin adds to _refcount on this row's folios (R-REF-2/3). */
static int pc_pin_refs(const struct pc_mode_case *c)
{
	return c->thp ? 1 : (int)GUP_PIN_COUNTING_BIAS;
}

/*
 * R-REF-2/3/4/6/7 with and without page checks, on PC_NR pages:
 *
 *   pin_user_pages_fast(PC_NR)   pages 0..3   +1 pin each
 *   pin_user_pages(1)            page 0       +1 pin (slow path)
 *   folio_add_pin(page 0)                     +1 pin, ACQUIRED not bumped
 *   unpin_user_pages(PC_NR), unpin_user_page(page 0) x2
 *
 * Expect, in both modes: the refcounts of R-REF-2 (small: +1024 per pin)
 * or R-REF-3 (THP: +1 and _pincount +1 per pin), ACQUIRED +PC_NR+1,
 * RELEASED +PC_NR+2 (R-BUG-7's drift of one), the ledger's pins +PC_NR+2
 * while pinned and back to its start after, sim_check() clean while
 * pinned, and sim_small_folio_pins() 3 on page 0 (exact with checks, the
 * kernel's refcount view without).
 */
static void page_checks_same_accounting(struct kunit *test)
{
	const struct pc_mode_case *c = test->param_value;
	size_t len = c->thp ? PMD_SIZE : PC_NR * PAGE_SIZE;
	struct page *pages[PC_NR], *extra = T_MM_POISON_PTR;
	long acquired, released;
	struct sim_ledger before, mid, after;
	int base[PC_NR], i;
	unsigned long addr;

	if (!c->checks)
		t_mm_reboot(test, &pc_cfg_off);
	KUNIT_ASSERT_EQ(test, page_checks_enabled(), c->checks);
	addr = t_mm_mmap(test, len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	t_mm_fill(test, addr, 'a', len);
	for (i = 0; i < PC_NR; i++) {
		struct page *p = t_mm_page(t_mm(), addr + i * PAGE_SIZE);

		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_ASSERT_EQ(test, folio_test_large(page_folio(p)), c->thp);
		base[i] = page_ref_count(&page_folio(p)->page);
	}
	acquired = t_mm_vmstat(NR_FOLL_PIN_ACQUIRED);
	released = t_mm_vmstat(NR_FOLL_PIN_RELEASED);
	sim_ledger_read(&before);

	t_mm_poison(pages, PC_NR);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr, PC_NR, FOLL_WRITE, pages), PC_NR);
	mmap_read_lock(t_mm());
	KUNIT_ASSERT_EQ(test, pin_user_pages(addr, 1, FOLL_WRITE, &extra), 1L);
	mmap_read_unlock(t_mm());
	KUNIT_ASSERT_EQ(test, __folio_add_pin(page_folio(pages[0])), 0);

	sim_ledger_read(&mid);
	KUNIT_EXPECT_EQ(test, mid.pins, before.pins + PC_NR + 2);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_ACQUIRED), acquired + PC_NR + 1);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
	if (c->thp) {
		struct folio *folio = page_folio(pages[0]);

		KUNIT_EXPECT_EQ(test, page_ref_count(&folio->page), base[0] + PC_NR + 2);
		KUNIT_EXPECT_EQ(test, atomic_read(&folio->_pincount), PC_NR + 2);
	} else {
		KUNIT_EXPECT_EQ(test, page_ref_count(pages[0]), base[0] + 3 * pc_pin_refs(c));
		KUNIT_EXPECT_EQ(test, sim_small_folio_pins(page_folio(pages[0])), 3L);
		for (i = 1; i < PC_NR; i++) {
			KUNIT_EXPECT_EQ(test, page_ref_count(pages[i]), base[i] + pc_pin_refs(c));
			KUNIT_EXPECT_EQ(test, sim_small_folio_pins(page_folio(pages[i])), 1L);
		}
	}
	for (i = 0; i < PC_NR; i++)
		KUNIT_EXPECT_TRUE(test, page_maybe_dma_pinned(pages[i]));

	unpin_user_pages(pages, PC_NR);
	KUNIT_EXPECT_EQ(test, sim_unpin_user_page(extra), 0);
	KUNIT_EXPECT_EQ(test, sim_unpin_user_page(pages[0]), 0);

	sim_ledger_read(&after);
	KUNIT_EXPECT_MEMEQ(test, &after, &before, sizeof(before));
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_RELEASED), released + PC_NR + 2);
	for (i = 0; i < PC_NR; i++)
		KUNIT_EXPECT_EQ(test, page_ref_count(&page_folio(pages[i])->page), base[i]);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr, 'a', len));
	t_mm_munmap(test, addr, len);
}

/*
 * R22 without page checks (bad input 14):
 *   P: pin, unpin, unpin again   Q: only mapped   G: one FOLL_GET ref
 *   R: pinned twice, unpinned three times
 * Expect, as with checks on: -EINVAL and one violation for the second
 * unpin of P, for Q, for G and for R's third unpin (each would take the
 * refcount below zero), with refcounts, the ledger's pins and the vmstat
 * pin counters unchanged by them.
 */
static void page_checks_off_refuses_underflow(struct kunit *test)
{
	unsigned long addr;
	struct page *p = T_MM_POISON_PTR, *q, *g = T_MM_POISON_PTR, *r[2];
	long acquired, released;
	struct sim_ledger before, after;

	t_mm_reboot(test, &pc_cfg_off);
	addr = t_mm_mmap(test, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	t_mm_fill(test, addr, 'U', 4 * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr, 1, FOLL_WRITE, &p), 1);
	KUNIT_ASSERT_EQ(test, get_user_pages_fast(addr + 2 * PAGE_SIZE, 1, 0, &g), 1);
	q = t_mm_page(t_mm(), addr + PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr + 3 * PAGE_SIZE, 1, FOLL_WRITE, &r[0]), 1);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr + 3 * PAGE_SIZE, 1, FOLL_WRITE, &r[1]), 1);
	KUNIT_EXPECT_EQ(test, sim_unpin_user_page(p), 0);
	KUNIT_EXPECT_EQ(test, sim_unpin_user_page(r[0]), 0);
	KUNIT_EXPECT_EQ(test, sim_unpin_user_page(r[1]), 0);

	acquired = t_mm_vmstat(NR_FOLL_PIN_ACQUIRED);
	released = t_mm_vmstat(NR_FOLL_PIN_RELEASED);
	sim_ledger_read(&before);
	kunit_expect_violations(test, 4);
	KUNIT_EXPECT_EQ(test, sim_unpin_user_page(p), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_unpin_user_page(q), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_unpin_user_page(g), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_unpin_user_page(r[0]), -EINVAL);
	sim_ledger_read(&after);

	KUNIT_EXPECT_EQ(test, after.violations, before.violations + 4);
	after.violations = before.violations;
	KUNIT_EXPECT_MEMEQ(test, &after, &before, sizeof(before));
	KUNIT_EXPECT_EQ(test, page_ref_count(p), 1);
	KUNIT_EXPECT_EQ(test, page_ref_count(q), 1);
	KUNIT_EXPECT_EQ(test, page_ref_count(g), 2);
	KUNIT_EXPECT_EQ(test, page_ref_count(r[0]), 1);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_ACQUIRED), acquired);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_RELEASED), released);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr, 'U', 4 * PAGE_SIZE));

	put_page(g);
	t_mm_munmap(test, addr, 4 * PAGE_SIZE);
}

/*
 * The gap checks=off leaves, by design (the kernel has it too): an unpin
 * of a page that holds no pin but GUP_PIN_COUNTING_BIAS plain references.
 *
 *   G: 1024 x get_user_pages_fast()   then sim_unpin_user_page(G)
 *
 * Expect checks=on: -EINVAL, one violation, nothing changed. checks=off:
 * 0, the refcount down by 1024 and the ledger's pins at -1, exactly as a
 * kernel without debug checks would take it; pinning G once more puts
 * both back, and the 1024 references are then dropped cleanly.
 */
static void page_checks_off_gap_is_the_kernels(struct kunit *test)
{
	const struct pc_mode_case *c = test->param_value;
	struct page *g = T_MM_POISON_PTR, *again = T_MM_POISON_PTR;
	struct sim_ledger before, after;
	unsigned long addr;
	int i, base;

	if (!c->checks)
		t_mm_reboot(test, &pc_cfg_off);
	addr = t_mm_mmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	t_mm_fill(test, addr, 'g', PAGE_SIZE);
	for (i = 0; i < (int)GUP_PIN_COUNTING_BIAS; i++)
		KUNIT_ASSERT_EQ(test, get_user_pages_fast(addr, 1, 0, &g), 1);
	base = page_ref_count(g);
	KUNIT_EXPECT_EQ(test, base, 1 + (int)GUP_PIN_COUNTING_BIAS);
	sim_ledger_read(&before);

	if (c->checks) {
		kunit_expect_violations(test, 1);
		KUNIT_EXPECT_EQ(test, sim_unpin_user_page(g), -EINVAL);
		KUNIT_EXPECT_EQ(test, page_ref_count(g), base);
	} else {
		KUNIT_EXPECT_EQ(test, sim_unpin_user_page(g), 0);
		KUNIT_EXPECT_EQ(test, page_ref_count(g), base - (int)GUP_PIN_COUNTING_BIAS);
		sim_ledger_read(&after);
		KUNIT_EXPECT_EQ(test, after.pins, before.pins - 1);
		KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr, 1, FOLL_WRITE, &again), 1);
		KUNIT_EXPECT_PTR_EQ(test, again, g);
	}
	sim_ledger_read(&after);
	after.violations = before.violations;
	KUNIT_EXPECT_MEMEQ(test, &after, &before, sizeof(before));
	KUNIT_EXPECT_EQ(test, page_ref_count(g), base);

	for (i = 0; i < (int)GUP_PIN_COUNTING_BIAS; i++)
		put_page(g);
	KUNIT_EXPECT_EQ(test, page_ref_count(g), 1);
	t_mm_munmap(test, addr, PAGE_SIZE);
}

/*
 * The event rings without page checks, and the recorder, which stays:
 *   reboot no_page_checks -> pin P -> history(P)
 *   recorder start -> unpin P, pin P, unpin P -> recorder stop
 * Expect P's history to say its events are not kept, and the recorder to
 * hold P's unpin, pin, unpin in that order.
 */
static void page_checks_off_rings_recorder_stays(struct kunit *test)
{
	unsigned long addr;
	struct page *p = T_MM_POISON_PTR;
	const struct trace_record *r;
	enum page_event want[] = { PE_UNPIN, PE_PIN, PE_UNPIN };
	size_t n, i, seen = 0;
	char *h;

	t_mm_reboot(test, &pc_cfg_off);
	addr = t_mm_mmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	t_mm_fill(test, addr, 'r', PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr, 1, FOLL_WRITE, &p), 1);
	h = t_page_history(page_to_pfn(p));
	KUNIT_ASSERT_NOT_NULL(test, h);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(h, "not kept: page checks off"), "%s", h);
	KUNIT_EXPECT_NULL_MSG(test, strstr(h, " pin refs="), "%s", h);
	free(h);

	KUNIT_ASSERT_EQ(test, trace_recorder_start(1024), 0);
	unpin_user_page(p);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr, 1, FOLL_WRITE, &p), 1);
	unpin_user_page(p);
	trace_recorder_stop();
	r = trace_recorder_records(&n);
	for (i = 0; i < n && seen < ARRAY_SIZE(want); i++)
		if (r[i].pfn == page_to_pfn(p) && r[i].ev == want[seen])
			seen++;
	KUNIT_EXPECT_EQ(test, seen, ARRAY_SIZE(want));
	t_mm_munmap(test, addr, PAGE_SIZE);
}

/*
 * The leak ledger without page checks (it is its own counters, not the
 * shadow): a pin left behind on a machine without checks.
 *   reboot no_page_checks -> pin 3 pages -> unpin 2 -> munmap -> shutdown
 * Expect sim_shutdown() to report 2: the pin outstanding and the folio it
 * keeps alive.
 */
static void page_checks_off_ledger_reports_leaked_pin(struct kunit *test)
{
	struct page *pages[3];
	unsigned long addr;
	struct sim_ledger l;

	t_mm_reboot(test, &pc_cfg_off);
	addr = t_mm_mmap(test, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	t_mm_fill(test, addr, 'l', 3 * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr, 3, FOLL_WRITE, pages), 3);
	sim_ledger_read(&l);
	KUNIT_EXPECT_EQ(test, l.pins, 3L);
	unpin_user_pages(pages, 2);
	sim_ledger_read(&l);
	KUNIT_EXPECT_EQ(test, l.pins, 1L);
	t_mm_munmap(test, addr, 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sim_shutdown(), 2L);
	KUNIT_ASSERT_EQ(test, sim_boot(&pc_cfg_on), 0);
}

static struct kunit_case page_checks_test_cases[] = {
	KUNIT_CASE(page_checks_on_by_default),
	KUNIT_CASE_PARAM(page_checks_same_accounting, pc_mode_gen_params),
	KUNIT_CASE(page_checks_off_refuses_underflow),
	KUNIT_CASE_PARAM(page_checks_off_gap_is_the_kernels, pc_gap_gen_params),
	KUNIT_CASE(page_checks_off_rings_recorder_stays),
	KUNIT_CASE(page_checks_off_ledger_reports_leaked_pin),
	{}
};

struct kunit_suite page_checks_suite = {
	.name = "page_checks",
	.init = page_checks_test_init,
	.exit = page_checks_test_exit,
	.test_cases = page_checks_test_cases,
};
