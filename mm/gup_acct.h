/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mm/gup_acct.h - what mm/gup.c (grabs and the fast path) and
 * mm/gup_unpin.c (unpinning, folio_add_pin()) share: the shadow pin count
 * of small folios, the per-call batch of counter updates (struct
 * gup_acct), pin accounting, the put that undoes a grab, and the debug
 * check that pinned anon pages are exclusive. Inline: the
 * fast path and the release loops are the hot path of every O_DIRECT I/O.
 */
#ifndef PINIO_MM_GUP_ACCT_H
#define PINIO_MM_GUP_ACCT_H

#include <pinio/trace.h>
#include "mm/internal.h"

/*
 * Per pfn: pins held on a small folio, when the machine has page checks
 * (gup_init()); NULL otherwise. See the top of mm/gup.c.
 */
extern atomic_t *gup_small_pins;

static inline bool zero_pin_is_noop(struct folio *folio)
{
	return is_zero_folio(folio) && !profile_pins_zero_page();
}

/*
 * Counter updates of one GUP call, added up and applied once at its end
 * (gup_acct_flush()) instead of once per page: the totals at call
 * boundaries are the same, only a concurrent reader could see a
 * different intermediate value (as with the kernel's per-cpu deltas).
 */
struct gup_acct {
	long get;	/* FOLL_GET references: pinio_foll_get_acquired */
	long zero;	/* pins of a zero page that changed nothing */
	long pin;	/* pins taken: nr_foll_pin_acquired, pins outstanding */
	long unpin;	/* pins dropped: nr_foll_pin_released, pins outstanding */
	long zero_unpin;
	/*
	 * Read once per call: page checks on (the shadow pin counts exist),
	 * and pin/unpin events wanted (rings or recorder). A recorder started
	 * during a call sees its events from the next call on.
	 */
	bool checks;
	bool trace;
};

static __always_inline void gup_acct_start(struct gup_acct *a)
{
	*a = (struct gup_acct){ .checks = page_checks_enabled() };
	a->trace = a->checks || trace_recorder_on();
}

/* trace_page_event() with the call's cached answer. */
#define gup_trace(a, folio, ev, refs)						\
	do {									\
		if ((a)->trace)							\
			__trace_page_event(folio_pfn(folio), ev, refs, __func__);	\
	} while (0)

static __always_inline void gup_acct_flush(struct gup_acct *a)
{
	if (a->get)
		mod_node_page_state(FOLL_GET_ACQUIRED, a->get);
	if (a->zero)
		mod_node_page_state(ZERO_PAGE_PIN, a->zero);
	if (a->pin) {
		mod_node_page_state(NR_FOLL_PIN_ACQUIRED, a->pin);
		pins_outstanding_add(a->pin);
	}
	if (a->zero_unpin)
		mod_node_page_state(ZERO_PAGE_UNPIN, a->zero_unpin);
	if (a->unpin) {
		mod_node_page_state(NR_FOLL_PIN_RELEASED, a->unpin);
		pins_outstanding_add(-a->unpin);
	}
}

/*
 * Record @refs new pins on @folio (references already taken, the bias of a
 * small folio included); no counters. A large folio's _pincount add is
 * fully ordered (a locked RMW): the pin must be visible before the caller
 * re-checks the PTE, pairing with fork's check of folio_maybe_dma_pinned()
 * (the kernel's smp_mb__after_atomic()). A small folio's pin is its bias,
 * which the fast path adds fully ordered itself.
 */
static __always_inline void pin_account(struct folio *folio, int refs, const struct gup_acct *a)
{
	if (folio_test_large(folio))
		(void)atomic_add_return(refs, &folio->_pincount);
	else if (a->checks)
		atomic_add(refs, &gup_small_pins[folio_pfn(folio)]);
	gup_trace(a, folio, PE_PIN, refs);
}

/*
 * Undo @refs grabs, with the counter updates added to @a; returns -EINVAL
 * (changing nothing) for an unpin of no pin.
 */
static __always_inline int __gup_put_folio(struct folio *folio, int refs,
					    unsigned int flags, struct gup_acct *a)
{
	if (flags & FOLL_PIN) {
		atomic_t *pins;

		if (zero_pin_is_noop(folio)) {
			a->zero_unpin += refs;
			return 0;
		}
		if (folio_test_large(folio)) {
			pins = &folio->_pincount;
		} else if (a->checks) {
			pins = &gup_small_pins[folio_pfn(folio)];
		} else {
			/* No shadow: refuse only what would go below zero. */
			if (folio_ref_count(folio) < refs * (int)GUP_PIN_COUNTING_BIAS)
				goto bad_unpin;
			pins = NULL;
		}
		if (pins) {
			if (atomic_read(pins) < refs)
				goto bad_unpin;
			atomic_sub(refs, pins);
		}
		a->unpin += refs;
		gup_trace(a, folio, PE_UNPIN, refs);
		if (!folio_test_large(folio))
			refs *= GUP_PIN_COUNTING_BIAS;
	} else {
		trace_page_event_rec(folio_pfn(folio), PE_PUT, refs);
	}
	folio_put_refs(folio, refs);
	return 0;

bad_unpin:
	page_alloc_report_violation(&folio->page, "unpinning a page that holds no pin");
	return -EINVAL;
}

/* __gup_put_folio() with its counters applied at once. */
static __always_inline int gup_put_folio_now(struct folio *folio, int refs, unsigned int flags)
{
	struct gup_acct a;
	int ret;

	gup_acct_start(&a);
	ret = __gup_put_folio(folio, refs, flags, &a);

	gup_acct_flush(&a);
	return ret;
}

/* A pinned anon page must be exclusive (R-GUP-10); debug builds check. */
static inline void sanity_check_pinned_pages(struct page **pages, unsigned long npages)
{
#ifdef DEBUG_VM
	unsigned long i;

	for (i = 0; i < npages; i++) {
		struct page *page = pages[i];
		struct folio *folio;

		if (!page || is_zero_page(page))
			continue;
		folio = page_folio(page);
		if (!folio_test_anon(folio) || folio_test_huge_zero(folio))
			continue;
		/*
		 * How a THP was mapped when it was pinned is unknown here (the
		 * PMD may be gone by now: munmap, exit): a PMD mapping keeps the
		 * flag on the head, a PTE mapping on the subpage, so either will
		 * do, as in the kernel.
		 */
		if (!folio_test_large(folio))
			VM_BUG_ON_PAGE(!PageAnonExclusive(page), page);
		else
			VM_BUG_ON_PAGE(!PageAnonExclusive(&folio->page) && !PageAnonExclusive(page), page);
	}
#else
	(void)pages;
	(void)npages;
#endif
}

#endif /* PINIO_MM_GUP_ACCT_H */
