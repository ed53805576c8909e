// SPDX-License-Identifier: GPL-2.0
/*
 * sim/check.c - the invariant checker: sim_check().
 *
 * Runs the mm-level invariants over every allocated folio and every mm's
 * page tables (kernel-semantics.md §10, scenarios.md §5.1):
 *   INV-1/I1  refcount covers the holders: mappings + cache slot + bias*pins
 *             (small) or pins (large); _pincount equals the pins;
 *   INV-3/I2  no refcount <= 0 reachable from a page table;
 *   INV-2/I3  special PTEs map only zero pages; zero pages hold their base;
 *   INV-9/I4  acquired - released == outstanding pins - folio_add_pin calls;
 *   INV-13/I6 a pinned anon page is exclusive and mapped at most once.
 * Each violation is reported with the page, its owner and its last events.
 */
#include <stdio.h>
#include "mm/internal.h"
#include "sim/sim.h"

struct check_ctx {
	long violations;
	bool print;
};

static void violation(struct check_ctx *c, struct page *page, const char *what)
{
	c->violations++;
	if (!c->print)
		return;
	if (page)
		page_alloc_report_violation(page, what);
	else {
		atomic_long_inc(&nr_violations);
		fprintf(stderr, "pinio: VIOLATION: %s\n", what);
	}
}

static long folio_mapping_refs(struct folio *folio)
{
	long n, i;

	if (!folio_test_large(folio))
		return atomic_read(&folio->_mapcount) + 1;
	n = atomic_read(&folio->_entire_mapcount) + 1;
	for (i = 0; i < folio_nr_pages(folio); i++)
		n += atomic_read(&folio_page(folio, i)->_mapcount) + 1;
	return n;
}

static void check_folio(struct check_ctx *c, struct folio *folio)
{
	long ref = folio_ref_count(folio), maps, pins, need;

	if (is_zero_folio(folio)) {
		if (ref < 1 && !profile_pins_zero_page())
			violation(c, &folio->page, "zero page refcount below its base (INV-2)");
		return;
	}
	if (folio == huge_zero_folio) {
		if (ref < 1 + atomic_read(&folio->_pincount))
			violation(c, &folio->page, "huge zero folio refcount below its pins (INV-1)");
		return;
	}
	if (ref <= 0) {
		violation(c, &folio->page, "allocated folio with refcount <= 0 (INV-3)");
		return;
	}
	maps = folio_mapping_refs(folio);
	if (folio_test_large(folio)) {
		pins = atomic_read(&folio->_pincount);
		if (pins < 0)
			violation(c, &folio->page, "negative _pincount (INV-1)");
		need = maps + pins;
	} else {
		pins = sim_small_folio_pins(folio);
		need = maps + (long)GUP_PIN_COUNTING_BIAS * pins;
	}
	if (folio->mapping && !folio_test_anon(folio))
		need++;		/* the cache or shmem slot */
	if (ref < need)
		violation(c, &folio->page, "refcount below mappings + pins (INV-1)");
	if (pins > 0 && folio_test_anon(folio)) {
		if (!folio_test_large(folio) && maps > 1)
			violation(c, &folio->page, "pinned anon page mapped more than once (INV-13)");
		if (!folio_test_large(folio) && maps == 1 && !PageAnonExclusive(&folio->page))
			violation(c, &folio->page, "pinned anon page not exclusive (R-GUP-10)");
	}
}

static void check_frames(struct check_ctx *c)
{
	unsigned long pfn = 0;

	while (pfn < max_pfn) {
		struct page *page = pfn_to_page(pfn);

		if (test_bit(PG_buddy, &page->flags)) {
			pfn += 1UL << page->private;
			continue;
		}
		check_folio(c, (struct folio *)page);
		pfn += folio_nr_pages((struct folio *)page);
	}
}

static void check_pte(struct check_ctx *c, pte_t pte)
{
	struct page *page;

	if (pte_none(pte))
		return;
	if (pte_pfn(pte) >= max_pfn) {
		violation(c, NULL, "PTE points outside physical memory");
		return;
	}
	page = pte_page(pte);
	if (pte_special(pte)) {
		if (!is_zero_page(page))
			violation(c, page, "special PTE to a page that is not a zero page (I3)");
		return;
	}
	if (is_zero_page(page))
		violation(c, page, "zero page mapped by a normal PTE (R-ZERO-8)");
	if (test_bit(PG_buddy, &compound_head(page)->flags) || folio_ref_count(page_folio(page)) <= 0)
		violation(c, page, "page table maps a free page (I2)");
}

static void check_mm(struct check_ctx *c, struct mm_struct *mm)
{
	int i, j, k, l;

	for (i = 0; i < PTRS_PER_TABLE; i++) {
		unsigned long *pud = mm->pgd[i] ? (unsigned long *)(mm->pgd[i] & ~0xfffUL) : NULL;

		for (j = 0; pud && j < PTRS_PER_TABLE; j++) {
			unsigned long *pmd = pud[j] ? (unsigned long *)(pud[j] & ~0xfffUL) : NULL;

			for (k = 0; pmd && k < PTRS_PER_TABLE; k++) {
				pmd_t e = pmdp_get(&pmd[k]);

				if (pmd_leaf(e)) {
					struct page *p = pte_page(e);

					if (folio_ref_count(page_folio(p)) <= 0)
						violation(c, p, "PMD maps a free folio (I2)");
					continue;
				}
				if (!pmd_table(e))
					continue;
				for (l = 0; l < PTRS_PER_TABLE; l++)
					check_pte(c, ptep_get(&pmd_pgtable(e)[l]));
			}
		}
	}
}

static void check_vmstat(struct check_ctx *c)
{
	long acquired = node_page_state(NR_FOLL_PIN_ACQUIRED);
	long released = node_page_state(NR_FOLL_PIN_RELEASED);
	long outstanding = mm_pins_outstanding();
	long added = mm_folio_add_pins();

	if (acquired - released != outstanding - added) {
		char msg[160];

		snprintf(msg, sizeof(msg),
			 "vmstat: acquired %ld - released %ld != outstanding %ld - folio_add_pin %ld (INV-9)",
			 acquired, released, outstanding, added);
		violation(c, NULL, msg);
	}
}

/**
 * sim_check_quiet() - run every invariant, reporting only if asked.
 * @print: report each violation (page, owner, last events) and count it
 *	in the ledger's violations, as sim_check() does; false only counts
 *	them, for callers that probe whether the machine is consistent
 *	without failing a test case.
 *
 * Checks every allocated folio, then every mm's page tables (under the mm
 * list lock and each mm's mmap_lock for reading), then the pin counters
 * (INV-9). See the file comment for the invariants.
 *
 * Context: may sleep; the machine should be quiet enough that no page is
 * being freed meanwhile. Must not be called with an mmap_lock held.
 * Return: violations found; 0 when the machine is not booted.
 */
long sim_check_quiet(bool print)
{
	struct check_ctx c = { .print = print };
	struct mm_struct *mm;

	if (!sim_booted())
		return 0;
	check_frames(&c);
	mm_list_lock();
	list_for_each_entry(mm, &all_mms, mm_list) {
		mmap_read_lock(mm);
		check_mm(&c, mm);
		mmap_read_unlock(mm);
	}
	mm_list_unlock();
	check_vmstat(&c);
	return c.violations;
}

/**
 * sim_check() - run every invariant now.
 *
 * Context: the machine should be quiescent enough that no page is being
 * freed concurrently (tests call it between operations).
 * Return: violations found; each was reported (and counted in the ledger).
 */
long sim_check(void)
{
	return sim_check_quiet(true);
}
