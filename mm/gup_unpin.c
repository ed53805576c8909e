// SPDX-License-Identifier: GPL-2.0
/*
 * mm/gup_unpin.c - dropping pins: unpin_user_page(s)() with their dirtying
 * variants, unpin_user_folio(), the simulation's checked
 * sim_unpin_user_page(), and folio_add_pin() (mm/gup.c in the kernel).
 *
 * Unpins are batched per folio (gup_folio_next(): consecutive entries of
 * one folio are one put), an entry of NULL is skipped, and an unpin of a
 * page that holds no pin is refused and reported (R22). The shared
 * primitives are in mm/gup_acct.h.
 */
#include <pinio/trace.h>
#include "mm/internal.h"
#include "mm/gup_acct.h"

/**
 * sim_unpin_user_page() - unpin_user_page() that reports misuse.
 * @page: a page returned by pin_user_pages*().
 *
 * Return: 0, or -EINVAL (with a violation report and nothing changed) if
 * @page holds no pin: a double unpin, or an unpin of a page only ever
 * referenced (R22, bad input 14).
 */
int sim_unpin_user_page(struct page *page)
{
	sanity_check_pinned_pages(&page, 1);
	return gup_put_folio_now(page_folio(page), 1, FOLL_PIN);
}

/**
 * unpin_user_page() - release one pin taken by pin_user_pages*().
 * @page: a page returned by pin_user_pages*().
 *
 * A zero page: nothing happens (R-ZERO-6). Misuse is reported and refused.
 */
void unpin_user_page(struct page *page)
{
	sim_unpin_user_page(page);
}

/**
 * unpin_user_folio() - release @npages pins on @folio at once.
 * @folio: the folio.
 * @npages: how many pins to drop.
 */
void unpin_user_folio(struct folio *folio, unsigned long npages)
{
	gup_put_folio_now(folio, (int)npages, FOLL_PIN);
}

/*
 * Entries from @i on that share a folio: one release per run (R-REF-4).
 * A small folio is its one page, so its run is the same pointer repeated.
 */
static struct folio *gup_folio_next(struct page **list, unsigned long npages,
				    unsigned long i, unsigned int *ntails)
{
	struct folio *folio = page_folio(list[i]);
	unsigned int nr;

	if (!folio_test_large(folio)) {
		for (nr = i + 1; nr < npages && list[nr] == list[i]; nr++)
			;
		*ntails = nr - i;
		return folio;
	}
	for (nr = i + 1; nr < npages; nr++)
		if (!list[nr] || page_folio(list[nr]) != folio)
			break;
	*ntails = nr - i;
	return folio;
}

static void __unpin_user_pages(struct page **pages, unsigned long npages, bool make_dirty)
{
	struct gup_acct a;
	unsigned long i;
	unsigned int nr;

	if (WARN_ON(IS_ERR_VALUE(npages)))
		return;
	gup_acct_start(&a);
	sanity_check_pinned_pages(pages, npages);
	for (i = 0; i < npages; i += nr) {
		struct folio *folio;

		if (!pages[i]) {	/* [later: v6.18] NULL entries are skipped */
			nr = 1;
			continue;
		}
		folio = gup_folio_next(pages, npages, i, &nr);
		if (make_dirty && !folio_test_dirty(folio) && !is_zero_folio(folio)) {
			folio_lock(folio);
			folio_mark_dirty(folio);
			folio_unlock(folio);
		}
		__gup_put_folio(folio, (int)nr, FOLL_PIN, &a);
	}
	gup_acct_flush(&a);
}

/**
 * unpin_user_pages() - release an array of pinned pages.
 * @pages: from pin_user_pages*(); NULL entries are skipped.
 * @npages: entries; a negative errno here is refused with a WARN.
 *
 * Consecutive entries of one folio are released in one step.
 */
void unpin_user_pages(struct page **pages, unsigned long npages)
{
	__unpin_user_pages(pages, npages, false);
}

/**
 * unpin_user_pages_dirty_lock() - dirty (if @make_dirty) then unpin.
 * @pages: pages returned by pin_user_pages*(); adjacent entries of one
 *	folio are released together.
 * @npages: entries in @pages.
 * @make_dirty: mark each folio dirty first (after a DMA into the pages).
 *
 * Each folio is marked dirty under its lock before its pins are dropped
 * (R-WB-2).
 */
void unpin_user_pages_dirty_lock(struct page **pages, unsigned long npages, bool make_dirty)
{
	__unpin_user_pages(pages, npages, make_dirty);
}

/**
 * unpin_user_page_range_dirty_lock() - the same for @npages physically
 * consecutive pages starting at @page.
 * @page: the first page.
 * @npages: pages in the range, one pin each.
 * @make_dirty: mark each folio dirty first.
 */
void unpin_user_page_range_dirty_lock(struct page *page, unsigned long npages, bool make_dirty)
{
	unsigned long i;

	for (i = 0; i < npages;) {
		struct page *p = page + i;
		struct folio *folio = page_folio(p);
		unsigned long idx = (unsigned long)(p - &folio->page);
		unsigned long nr = min((unsigned long)folio_nr_pages(folio) - idx, npages - i);

		if (make_dirty && !folio_test_dirty(folio) && !is_zero_folio(folio)) {
			folio_lock(folio);
			folio_mark_dirty(folio);
			folio_unlock(folio);
		}
		gup_put_folio_now(folio, (int)nr, FOLL_PIN);
		i += nr;
	}
}

/**
 * __folio_add_pin() - folio_add_pin() that reports misuse.
 * @folio: a folio the caller already holds a pin on.
 *
 * Return: 0, or -EINVAL with a WARN (and nothing changed) if @folio holds
 * no pin yet (bad input 15, EDGE-34).
 */
int __folio_add_pin(struct folio *folio)
{
	struct gup_acct a;

	if (zero_pin_is_noop(folio))
		return 0;
	gup_acct_start(&a);
	if (folio_test_large(folio)) {
		if (WARN_ON_ONCE(atomic_read(&folio->_pincount) < 1))
			return -EINVAL;
		folio_ref_inc(folio);
	} else {
		if (WARN_ON_ONCE(folio_ref_count(folio) < (int)GUP_PIN_COUNTING_BIAS ||
				 (a.checks && !atomic_read(&gup_small_pins[folio_pfn(folio)]))))
			return -EINVAL;
		folio_ref_add(folio, GUP_PIN_COUNTING_BIAS);
	}
	/* Deliberately no NR_FOLL_PIN_ACQUIRED: the kernel's asymmetry (R-BUG-7). */
	pin_account(folio, 1, &a);
	pins_outstanding_add(1);
	mod_node_page_state(FOLIO_ADD_PIN, 1);
	gup_trace(&a, folio, PE_ADD_PIN, 1);
	return 0;
}

/**
 * folio_add_pin() - take one more pin on a folio the caller has pinned.
 * @folio: a folio the caller already holds a pin on.
 *
 * For fs/direct-io.c only (R-REF-6). A zero folio: nothing happens. Unlike
 * the kernel, which WARNs and goes on, a folio with no pin is refused after
 * the WARN. nr_foll_pin_acquired is not bumped although the matching unpin
 * bumps nr_foll_pin_released (R-BUG-7).
 */
void folio_add_pin(struct folio *folio)
{
	__folio_add_pin(folio);
}
