// SPDX-License-Identifier: GPL-2.0
/*
 * mm/gup.c - get_user_pages() and pin_user_pages(): references and pins
 * on the pages behind user addresses.
 *
 * Models mm/gup.c (v6.5). FOLL_GET takes one reference per page. FOLL_PIN
 * takes GUP_PIN_COUNTING_BIAS references on a small folio, or one
 * reference plus one _pincount on a large folio, and bumps
 * nr_foll_pin_acquired (R-REF-2/3/7). Zero pages are never pinned:
 * pinning and unpinning them change nothing (R-ZERO-6), except under the
 * v6.4 profile, where they count like any small page (R-ZERO-9). The fast
 * path walks the page tables without locks, stops at the first PTE it
 * cannot take (special PTEs included, so never the small zero page), and
 * backs off if fork's write_protect_seq moved (R-GUP-2); the slow path
 * follows pages under the mmap_lock and faults them in, unsharing for R/O
 * long-term pins (R-GUP-3..7). Partial success returns the count and keeps
 * exactly those pages (R-GUP-9). Left out: hugetlb, devmap/P2PDMA pages,
 * migration of unpinnable pages (all simulated memory is pinnable).
 *
 * The simulation adds one thing: a shadow count of pins per small folio,
 * so that unpinning a page that holds no pin is caught and refused
 * (R22) instead of silently corrupting the refcount. It is one of the page
 * checks (page_checks_enabled(), pinio/bug.h), like a kernel debug option:
 * on in every test; a machine booted without them (benchmarks) keeps no
 * shadow, and then refuses only an unpin that would take a small folio's
 * refcount below zero.
 *
 * This file holds the grab primitives, the argument checks and the
 * lock-free fast path with its entry points. Unpinning and
 * folio_add_pin() are in mm/gup_unpin.c, and what both files share (the
 * shadow count, the per-call counter batch, the put of a grab) is
 * inline in mm/gup_acct.h. The slow path (follow_page_mask(), faulting,
 * __get_user_pages() and the entry points that only take it) is in
 * mm/gup_slow.c. Counter updates are added up per call (struct
 * gup_acct) and applied once at its end.
 */
#include <stdlib.h>
#include <pinio/trace.h>
#include "mm/internal.h"
#include "mm/gup_acct.h"

void (*gup_fast_test_hook)(struct mm_struct *mm);
atomic_t *gup_small_pins;	/* per pfn: pins held on a small folio */

/**
 * gup_init() - set up GUP's shadow pin counts at boot.
 * @nr_frames: frames of simulated memory (max_pfn).
 *
 * The kernel keeps no pin count for a small folio: its pins are folded
 * into the refcount in multiples of GUP_PIN_COUNTING_BIAS. When page
 * checks are on (page_checks_enabled()), the simulation also keeps one
 * exact counter per frame, so an unpin of a page that holds no pin is
 * reported and the leak checker can tell pins from references. With
 * checks off nothing is allocated.
 *
 * Context: sim_boot() only, before any task runs; undone by gup_exit().
 * Return: 0, or -ENOMEM.
 */
int gup_init(unsigned long nr_frames)
{
	if (!page_checks_enabled())
		return 0;
	gup_small_pins = calloc(nr_frames, sizeof(*gup_small_pins));
	return gup_small_pins ? 0 : -ENOMEM;
}

/**
 * gup_exit() - free the shadow pin counts set up by gup_init().
 *
 * Safe to call when gup_init() allocated nothing or failed. Afterwards
 * sim_small_folio_pins() falls back to the refcount estimate.
 *
 * Context: sim_shutdown() or a failed sim_boot(); no GUP call in flight.
 */
void gup_exit(void)
{
	free(gup_small_pins);
	gup_small_pins = NULL;
}

/**
 * sim_small_folio_pins() - how many pins a small folio holds.
 * @folio: an order-0 folio (large folios count pins in _pincount).
 *
 * With page checks on, the exact shadow count kept by try_grab_folio()
 * and gup_put_folio(). Without, the kernel's own estimate: the refcount
 * divided by GUP_PIN_COUNTING_BIAS, which over-counts a folio holding
 * that many plain references (as folio_maybe_dma_pinned() may); a zero
 * page whose pins the profile does not count answers 0.
 *
 * Context: any thread; lock-free, so the answer may be stale at once
 * unless the caller keeps pins from changing.
 * Return: the pin count (see above for its precision).
 */
long sim_small_folio_pins(const struct folio *folio)
{
	if (gup_small_pins)
		return atomic_read(&gup_small_pins[folio_pfn(folio)]);
	if (is_zero_folio(folio) && !profile_pins_zero_page())
		return 0;
	return (long)((unsigned int)folio_ref_count(folio) / GUP_PIN_COUNTING_BIAS);
}

/* try_get_folio(): the fast path's guarded, speculative reference. */
static __always_inline struct folio *try_get_folio(struct page *page, int refs)
{
	struct folio *folio;

retry:
	folio = page_folio(page);
	if (WARN_ON_ONCE(folio_ref_count(folio) < 0))
		return NULL;
	if (unlikely(!folio_ref_try_add(folio, refs)))
		return NULL;
	/* The folio may have been freed and reused between the two steps. */
	if (unlikely(page_folio(page) != folio)) {
		folio_put_refs(folio, refs);
		goto retry;
	}
	return folio;
}

/*
 * try_grab_folio() with its counter updates added to @a. @flags has
 * FOLL_GET or FOLL_PIN: the callers check (the fast path's entry points
 * always set one).
 */
static __always_inline struct folio *__try_grab_folio(struct page *page, int refs,
						      unsigned int flags, struct gup_acct *a)
{
	struct folio *folio;

	if (flags & FOLL_GET) {
		folio = try_get_folio(page, refs);
		if (folio) {
			a->get += refs;
			trace_page_event_rec(folio_pfn(folio), PE_GET, refs);
		}
		return folio;
	}
	if (is_zero_page(page) && !profile_pins_zero_page()) {
		a->zero += refs;
		return page_folio(page);
	}
	folio = try_get_folio(page, refs);
	if (!folio)
		return NULL;
	/*
	 * The +1 above, then the rest: never one step (R-REF-2). Fully
	 * ordered, as pin_account() says.
	 */
	if (!folio_test_large(folio))
		(void)atomic_add_return(refs * (int)(GUP_PIN_COUNTING_BIAS - 1),
					&folio->page._refcount);
	pin_account(folio, refs, a);
	a->pin += refs;
	return folio;
}

/**
 * try_grab_folio() - the fast path's grab of @refs pages of @page's folio.
 * @page: a page of the folio, read from a PTE or PMD.
 * @refs: how many pages of the folio to grab.
 * @flags: FOLL_GET or FOLL_PIN (exactly one).
 *
 * Takes @refs references (FOLL_GET) or @refs pins. Pins on a zero page
 * succeed and change nothing under v6.5 (R-ZERO-6).
 * Return: the folio, or NULL (refcount < 0 with a WARN, freed folio, or
 * neither flag set, with a WARN).
 */
struct folio *try_grab_folio(struct page *page, int refs, unsigned int flags)
{
	struct gup_acct a;
	struct folio *folio;

	if (WARN_ON_ONCE(!(flags & (FOLL_GET | FOLL_PIN))))
		return NULL;
	gup_acct_start(&a);
	folio = __try_grab_folio(page, refs, flags, &a);

	gup_acct_flush(&a);
	return folio;
}

/**
 * try_grab_page() - the slow path's grab of one page.
 * @page: the page, found under the page table lock.
 * @flags: FOLL_GET or FOLL_PIN; neither set: nothing taken, 0.
 *
 * Return: 0 on success (including a pin of a zero page, which changes
 * nothing), -ENOMEM with a WARN if the refcount is <= 0 (R-REF-9).
 */
int try_grab_page(struct page *page, unsigned int flags)
{
	struct folio *folio = page_folio(page);

	if (WARN_ON_ONCE(folio_ref_count(folio) <= 0))
		return -ENOMEM;
	if (flags & FOLL_GET) {
		folio_ref_inc(folio);
		mod_node_page_state(FOLL_GET_ACQUIRED, 1);
		trace_page_event_rec(folio_pfn(folio), PE_GET, 1);
	} else if (flags & FOLL_PIN) {
		if (zero_pin_is_noop(folio)) {
			mod_node_page_state(ZERO_PAGE_PIN, 1);
			return 0;
		}
		struct gup_acct a;

		gup_acct_start(&a);
		folio_ref_add(folio, folio_test_large(folio) ? 1 : (int)GUP_PIN_COUNTING_BIAS);
		pin_account(folio, 1, &a);
		a.pin = 1;
		gup_acct_flush(&a);
	}
	return 0;
}

/**
 * gup_put_folio() - drop what try_grab_folio() took on a folio.
 * @folio: the folio.
 * @refs: how many grabs to undo.
 * @flags: the same FOLL_PIN or FOLL_GET the grab used.
 *
 * For FOLL_GET, drops @refs references. For FOLL_PIN, drops @refs pins:
 * on a large folio from _pincount plus one reference each, on a small
 * folio GUP_PIN_COUNTING_BIAS references each (and the shadow count when
 * page checks are on). A pin on a zero page is a no-op under the v6.5
 * profile, which does not count them. Dropping a pin the folio does not
 * hold (per the shadow or _pincount; without the shadow, only one that
 * would take the refcount below zero) changes nothing and is reported
 * as a violation. The folio is
 * freed if that was its last reference. GUP's vmstat counters are
 * updated before the return.
 *
 * Context: any thread, including a DMA completion; does not sleep.
 */
void gup_put_folio(struct folio *folio, int refs, unsigned int flags)
{
	gup_put_folio_now(folio, refs, flags);
}

/* ---- argument checks --------------------------------------------------- */

/**
 * is_valid_gup_args() - check and complete the flags of a GUP call.
 * @pages: the caller's array (may be NULL without FOLL_GET/FOLL_PIN).
 * @locked: NULL, or pointing at 1 (then FOLL_UNLOCKABLE is added).
 * @gup_flags_p: in: the caller's flags; out: with @to_set and
 *	FOLL_HONOR_NUMA_FAULT added.
 * @to_set: flags the entry point adds (FOLL_PIN, FOLL_GET, ...).
 *
 * Shared with the slow path (mm/gup_slow.c).
 * Return: true if the call may go on; false with a WARN for internal
 * flags, both FOLL_GET and FOLL_PIN, FOLL_LONGTERM without FOLL_PIN, no
 * @pages for a grab, or FOLL_LONGTERM with FOLL_PCI_P2PDMA.
 */
bool is_valid_gup_args(struct page **pages, int *locked, unsigned int *gup_flags_p,
		       unsigned int to_set)
{
	unsigned int gup_flags = *gup_flags_p;

	if (WARN_ON_ONCE(gup_flags & INTERNAL_GUP_FLAGS))
		return false;
	gup_flags |= to_set;
	if (locked) {
		if (WARN_ON_ONCE(*locked != 1))
			return false;
		gup_flags |= FOLL_UNLOCKABLE;
	}
	if (WARN_ON_ONCE((gup_flags & (FOLL_PIN | FOLL_GET)) == (FOLL_PIN | FOLL_GET)))
		return false;
	if (WARN_ON_ONCE(!(gup_flags & FOLL_PIN) && (gup_flags & FOLL_LONGTERM)))
		return false;
	if (WARN_ON_ONCE((gup_flags & (FOLL_GET | FOLL_PIN)) && !pages))
		return false;
	if (WARN_ON_ONCE((gup_flags & FOLL_LONGTERM) && (gup_flags & FOLL_PCI_P2PDMA)))
		return false;
	*gup_flags_p = gup_flags | FOLL_HONOR_NUMA_FAULT;
	return true;
}

/* ---- fast path ------------------------------------------------------------ */

static bool folio_fast_pin_allowed(struct folio *folio, unsigned int flags)
{
	struct address_space *mapping;

	if ((flags & (FOLL_PIN | FOLL_LONGTERM | FOLL_WRITE)) !=
	    (FOLL_PIN | FOLL_LONGTERM | FOLL_WRITE))
		return true;
	if (folio_test_anon(folio))
		return true;
	mapping = READ_ONCE(folio->mapping);
	if (!mapping)
		return false;	/* truncated, or the huge zero folio */
	return !mapping->needs_writeback;	/* shmem */
}

/* One PMD leaf: grab every subpage in [addr, end) with one atomic. */
static bool gup_huge_pmd(pmd_t *pmdp, pmd_t orig, unsigned long addr, unsigned long end,
			 unsigned int flags, struct page **pages, int *nr, struct gup_acct *a)
{
	struct page *page;
	struct folio *folio;
	int refs, i;

	if (pte_protnone(orig) || ((flags & FOLL_WRITE) && !pte_write(orig)))
		return false;
	page = pte_page(orig) + pte_index(addr);
	refs = (int)((end - addr) >> PAGE_SHIFT);
	folio = __try_grab_folio(page, refs, flags, a);
	if (!folio)
		return false;
	if (pmdp_get(pmdp) != orig) {
		__gup_put_folio(folio, refs, flags, a);
		return false;
	}
	if (!folio_fast_pin_allowed(folio, flags) ||
	    (!pte_write(orig) && gup_must_unshare(NULL, flags, &folio->page))) {
		__gup_put_folio(folio, refs, flags, a);
		return false;
	}
	for (i = 0; i < refs; i++)
		pages[*nr + i] = page + i;
	*nr += refs;
	return true;
}

static bool gup_pte_range(pmd_t *pmdp, pmd_t pmd, unsigned long addr, unsigned long end,
			  unsigned int flags, struct page **pages, int *nr, struct gup_acct *a)
{
	pte_t *table = pmd_pgtable(pmd);

	for (; addr < end; addr += PAGE_SIZE) {
		pte_t *ptep = &table[pte_index(addr)];
		pte_t pte = ptep_get(ptep);
		struct folio *folio;
		struct page *page;

		if (!pte_present(pte) || pte_protnone(pte) || pte_special(pte))
			return false;
		if ((flags & FOLL_WRITE) && !pte_write(pte))
			return false;
		page = pte_page(pte);
		folio = __try_grab_folio(page, 1, flags, a);
		if (!folio)
			return false;
		if (pmdp_get(pmdp) != pmd || ptep_get(ptep) != pte) {
			__gup_put_folio(folio, 1, flags, a);
			return false;
		}
		if (!folio_fast_pin_allowed(folio, flags) ||
		    (!pte_write(pte) && gup_must_unshare(NULL, flags, page))) {
			__gup_put_folio(folio, 1, flags, a);
			return false;
		}
		pages[(*nr)++] = page;
		if (*nr == 1 && gup_fast_test_hook)
			gup_fast_test_hook(current->mm);
	}
	return true;
}

/*
 * The lockless walk. Counter updates of the whole walk (pins taken, and
 * those given back when a re-check fails) are added once at its end.
 */
static int lockless_pages_from_mm(unsigned long start, unsigned long end,
				  unsigned int gup_flags, struct page **pages)
{
	struct mm_struct *mm = current->mm;
	struct gup_acct acct;
	unsigned long addr = start;
	unsigned int seq = 0;
	int nr = 0;

	if (WARN_ON_ONCE(!(gup_flags & (FOLL_GET | FOLL_PIN))))
		return 0;	/* no grab possible: try_grab_folio()'s refusal */
	if (gup_flags & FOLL_PIN) {
		seq = raw_read_seqcount(&mm->write_protect_seq);
		if (seq & 1)
			return 0;
	}
	gup_acct_start(&acct);
	while (addr < end) {
		unsigned long next = min((addr & PMD_MASK) + PMD_SIZE, end);
		pmd_t *pmdp = pmd_lookup_lockless(mm, addr);
		pmd_t pmd;
		bool ok;

		if (!pmdp)
			break;
		pmd = pmdp_get(pmdp);
		if (pmd_none(pmd))
			break;
		if (pmd_leaf(pmd))
			ok = gup_huge_pmd(pmdp, pmd, addr, next, gup_flags, pages, &nr, &acct);
		else
			ok = gup_pte_range(pmdp, pmd, addr, next, gup_flags, pages, &nr, &acct);
		if (!ok)
			break;
		addr = next;
	}
	if ((gup_flags & FOLL_PIN) && read_seqcount_retry(&mm->write_protect_seq, seq)) {
		/* A fork write-protected under us: give everything back. */
		int i;

		for (i = 0; i < nr; i++)
			__gup_put_folio(page_folio(pages[i]), 1, gup_flags, &acct);
		gup_acct_flush(&acct);
		return 0;
	}
	gup_acct_flush(&acct);
	if (gup_flags & FOLL_PIN)
		sanity_check_pinned_pages(pages, (unsigned long)nr);
	mod_node_page_state(GUP_FAST_PAGES, nr);
	return nr;
}

static int gup_fast_fallback(unsigned long start, unsigned long nr_pages,
			     unsigned int gup_flags, struct page **pages)
{
	unsigned long len, end;
	long nr_pinned, ret;
	int locked = 0;

	if (WARN_ON_ONCE(gup_flags & ~(FOLL_WRITE | FOLL_LONGTERM | FOLL_FORCE | FOLL_PIN |
				       FOLL_GET | FOLL_FAST_ONLY | FOLL_NOFAULT |
				       FOLL_PCI_P2PDMA | FOLL_HONOR_NUMA_FAULT)))
		return -EINVAL;
	if (!current || !current->mm)
		return -EFAULT;
	/* Test first, as the kernel's mm_set_has_pinned_flag(): no locked RMW once set. */
	if ((gup_flags & FOLL_PIN) && !test_bit(MMF_HAS_PINNED, &current->mm->flags))
		set_bit(MMF_HAS_PINNED, &current->mm->flags);
	start &= PAGE_MASK;
	if (nr_pages > (ULONG_MAX >> PAGE_SHIFT))
		return -EOVERFLOW;
	len = nr_pages << PAGE_SHIFT;
	if (__builtin_add_overflow(start, len, &end))
		return -EOVERFLOW;
	if (end > TASK_SIZE_MAX)
		return -EFAULT;
	if (!nr_pages)
		return 0;
	nr_pinned = lockless_pages_from_mm(start, end, gup_flags, pages);
	if ((unsigned long)nr_pinned == nr_pages || (gup_flags & FOLL_FAST_ONLY))
		return (int)nr_pinned;
	mod_node_page_state(GUP_FAST_FALLBACK, 1);
	start += (unsigned long)nr_pinned << PAGE_SHIFT;
	pages += nr_pinned;
	ret = __gup_longterm_locked(current->mm, start, nr_pages - (unsigned long)nr_pinned,
				    pages, &locked, gup_flags | FOLL_TOUCH | FOLL_UNLOCKABLE);
	if (ret < 0)
		return nr_pinned ? (int)nr_pinned : (int)ret;
	return (int)(ret + nr_pinned);
}

/* ---- the entry points ---------------------------------------------------- */

/**
 * get_user_pages_fast() - take a reference on each of @nr_pages user pages.
 * @start: user address (rounded down to a page).
 * @nr_pages: pages wanted.
 * @gup_flags: FOLL_WRITE, FOLL_FORCE, FOLL_NOFAULT, ...; not FOLL_PIN.
 * @pages: out: one entry per page grabbed.
 *
 * FOLL_GET: one plain reference each, zero pages included (R-ZERO-7).
 * Release with put_page(). Takes the mmap_lock itself if it must fault.
 * Return: pages grabbed (maybe fewer than asked), or -EINVAL, -EFAULT,
 * -EOVERFLOW, -ENOMEM if none.
 */
int get_user_pages_fast(unsigned long start, int nr_pages, unsigned int gup_flags,
			struct page **pages)
{
	if (!is_valid_gup_args(pages, NULL, &gup_flags, FOLL_GET))
		return -EINVAL;
	return gup_fast_fallback(start, (unsigned long)(long)nr_pages, gup_flags, pages);
}

/**
 * get_user_pages_fast_only() - the lockless walk only; never faults.
 * @start: user address (rounded down to a page).
 * @nr_pages: pages wanted.
 * @gup_flags: FOLL_WRITE, ...; not FOLL_PIN.
 * @pages: out: one entry per page grabbed.
 *
 * Return: pages grabbed (possibly 0).
 */
int get_user_pages_fast_only(unsigned long start, int nr_pages, unsigned int gup_flags,
			     struct page **pages)
{
	if (!is_valid_gup_args(pages, NULL, &gup_flags, FOLL_GET | FOLL_FAST_ONLY))
		return -EINVAL;
	return gup_fast_fallback(start, (unsigned long)(long)nr_pages, gup_flags, pages);
}

/**
 * pin_user_pages_fast() - pin @nr_pages user pages for DMA.
 * @start: user address (rounded down to a page).
 * @nr_pages: pages wanted.
 * @gup_flags: FOLL_WRITE, FOLL_LONGTERM, FOLL_FORCE, FOLL_NOFAULT.
 * @pages: out: one entry per page pinned.
 *
 * Pins (never plain references): small folios +1024, large folios +1 and
 * _pincount +1 per page; zero pages are returned but not pinned (v6.5).
 * Sets MMF_HAS_PINNED. Release with unpin_user_page(s)().
 * Return: pages pinned (maybe fewer; the caller unpins exactly those), or
 * -EINVAL (bad flags, with a WARN), -EFAULT, -EOVERFLOW, -ENOMEM if none.
 */
int pin_user_pages_fast(unsigned long start, int nr_pages, unsigned int gup_flags,
			struct page **pages)
{
	if (!is_valid_gup_args(pages, NULL, &gup_flags, FOLL_PIN))
		return -EINVAL;
	return gup_fast_fallback(start, (unsigned long)(long)nr_pages, gup_flags, pages);
}
