// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the page reference and pin model (kernel-semantics.md §1):
 * get/put (R-REF-1), the pin bias on small folios (R-REF-2), exact pins on
 * large folios (R-REF-3, EDGE-5), unpin (R-REF-4, EDGE-35),
 * folio_maybe_dma_pinned() and its false positive (R-REF-5, EDGE-6),
 * FOLL_GET vs FOLL_PIN through every GUP entry point (R-REF-11), the huge
 * zero folio (R-REF-12, EDGE-36) and unpin's bad entries. Pin accounting
 * (folio_add_pin(), the vmstat counters) is the page_ref_acct suite.
 *
 * Every case boots a 32 MiB machine with THP (tests/page_ref_fixture.c), so
 * a write fault on a 2 MiB aligned anonymous range maps one order-9 folio;
 * mappings smaller than 2 MiB always get small folios.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <pinio/sim.h>

#include "kunit/test.h"
#include "mm_helpers.h"
#include "page_ref_fixture.h"

/* ---- references and pins (R-REF-1..5, R-REF-11) ----------------------------- */

/*
 * R-REF-1: a reference is +1 on the folio's _refcount, also when taken
 * through a tail page, and never a pin.
 *
 *   small page P   ref 1 -get_page-> 2 -folio_get-> 3 -folio_put_refs(2)-> 1
 *   THP tail T     ref(head) 1 -get_page(T)-> 2 -put_page(T)-> 1, T's own field 0
 *
 * Expect exactly those counts, nr_foll_pin_acquired unchanged and
 * folio_maybe_dma_pinned() false throughout.
 */
static void page_ref_get_put_small_and_tail(struct kunit *test)
{
	long acquired = t_mm_vmstat(NR_FOLL_PIN_ACQUIRED);
	unsigned long saddr, taddr;
	struct page *page = page_ref_map_small(test, &saddr, 1), *tail;
	struct folio *folio = page_folio(page), *thp;

	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), 1);	/* the mapping's */
	get_page(page);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), 2);
	folio_get(folio);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), 3);
	KUNIT_EXPECT_FALSE(test, folio_maybe_dma_pinned(folio));
	folio_put_refs(folio, 2);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), 1);

	thp = page_ref_map_thp(test, &taddr);
	tail = folio_page(thp, 7);
	KUNIT_EXPECT_PTR_EQ(test, page_folio(tail), thp);
	KUNIT_EXPECT_TRUE(test, PageTail(tail));
	KUNIT_EXPECT_EQ(test, folio_ref_count(thp), 1);
	get_page(tail);
	KUNIT_EXPECT_EQ(test, folio_ref_count(thp), 2);
	/* A tail page has no count of its own. */
	KUNIT_EXPECT_EQ(test, page_ref_count(tail), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&thp->_pincount), 0);
	put_page(tail);
	KUNIT_EXPECT_EQ(test, folio_ref_count(thp), 1);

	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_ACQUIRED), acquired);
	t_mm_munmap(test, saddr, PAGE_SIZE);
	t_mm_munmap(test, taddr, PMD_SIZE);
}

/*
 * R-REF-1: the put that takes the count to 0 frees the folio, small or
 * large, whether it drops one reference or several (folio_put_refs).
 *
 *   order-0: 1 -folio_get x2-> 3 -folio_put_refs(2)-> 1 -folio_put-> 0: freed
 *   order-2: 1 -get_page(tail)-> 2 -folio_put_refs(2)-> 0: freed
 *
 * Expect the folio alive (live_folios +1) until the last put, then every
 * frame back in the buddy allocator.
 */
static void page_ref_last_put_frees(struct kunit *test)
{
	unsigned long free_before = sim_nr_free_frames();
	long live = atomic_long_read(&nr_live_folios);
	struct folio *small, *large;

	small = folio_alloc_owner(0, 0, OWNER_TEST);
	KUNIT_ASSERT_NOT_NULL(test, small);
	KUNIT_EXPECT_EQ(test, folio_ref_count(small), 1);
	folio_get(small);
	folio_get(small);
	folio_put_refs(small, 2);
	KUNIT_EXPECT_EQ(test, folio_ref_count(small), 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&nr_live_folios), live + 1);
	folio_put(small);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&nr_live_folios), live);

	large = folio_alloc_owner(0, 2, OWNER_TEST);
	KUNIT_ASSERT_NOT_NULL(test, large);
	KUNIT_EXPECT_EQ(test, sim_nr_free_frames(), free_before - 4);
	get_page(folio_page(large, 3));
	KUNIT_EXPECT_EQ(test, folio_ref_count(large), 2);
	folio_put_refs(large, 2);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&nr_live_folios), live);
	KUNIT_EXPECT_EQ(test, sim_nr_free_frames(), free_before);
}

static const enum t_gup_api page_ref_apis[] = {
	T_API_GUP_FAST, T_API_GUP_FAST_ONLY, T_API_GUP, T_API_GUP_UNLOCKED, T_API_GUP_REMOTE,
	T_API_PUP_FAST, T_API_PUP, T_API_PUP_UNLOCKED, T_API_PUP_REMOTE,
};

static void page_ref_api_desc(const enum t_gup_api *api, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", t_gup_api_name(*api));
}

KUNIT_ARRAY_PARAM(page_ref_api, page_ref_apis, page_ref_api_desc);

#define PAGE_REF_NR	4

/*
 * R-REF-2, R-REF-7, R-REF-11: four written small pages grabbed with
 * FOLL_WRITE through each GUP entry point.
 *
 *   pin_*: ref 1 -> 1 + 1024, no separate counter, ACQUIRED +1 per page
 *   get_*: ref 1 -> 2 (FOLL_GET added because pages[] is given), no pin
 *
 * Expect those counts on every page, folio_maybe_dma_pinned() true only for
 * pins, MMF_HAS_PINNED set only by pins, only the returned entries written,
 * and everything back (RELEASED +4 for pins) after the matching release.
 */
static void page_ref_gup_api_small_pages(struct kunit *test)
{
	enum t_gup_api api = *(const enum t_gup_api *)test->param_value;
	bool pin = t_gup_api_pins(api);
	long acquired = t_mm_vmstat(NR_FOLL_PIN_ACQUIRED);
	long released = t_mm_vmstat(NR_FOLL_PIN_RELEASED);
	long got = t_mm_vmstat(FOLL_GET_ACQUIRED);
	struct page *pages[PAGE_REF_NR + 2];
	unsigned long addr;
	long ret, i;

	page_ref_map_small(test, &addr, PAGE_REF_NR);
	t_mm_poison(pages, ARRAY_SIZE(pages));
	ret = t_gup(api, addr, PAGE_REF_NR, FOLL_WRITE, pages);
	KUNIT_ASSERT_EQ(test, ret, (long)PAGE_REF_NR);
	t_mm_expect_written(test, pages, ARRAY_SIZE(pages), ret);

	for (i = 0; i < PAGE_REF_NR; i++) {
		struct folio *folio = page_folio(pages[i]);

		KUNIT_EXPECT_PTR_EQ(test, pages[i], t_mm_page(current->mm, addr + i * PAGE_SIZE));
		KUNIT_EXPECT_EQ(test, folio_ref_count(folio),
				pin ? 1 + (int)GUP_PIN_COUNTING_BIAS : 2);
		KUNIT_EXPECT_EQ(test, folio_maybe_dma_pinned(folio), pin);
		KUNIT_EXPECT_EQ(test, sim_small_folio_pins(folio), pin ? 1L : 0L);
	}
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_ACQUIRED),
			acquired + (pin ? PAGE_REF_NR : 0));
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(FOLL_GET_ACQUIRED), got + (pin ? 0 : PAGE_REF_NR));
	KUNIT_EXPECT_EQ(test, test_bit(MMF_HAS_PINNED, &current->mm->flags), pin);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);

	t_gup_release(api, pages, ret);
	for (i = 0; i < PAGE_REF_NR; i++) {
		KUNIT_EXPECT_EQ(test, folio_ref_count(page_folio(pages[i])), 1);
		KUNIT_EXPECT_FALSE(test, folio_maybe_dma_pinned(page_folio(pages[i])));
	}
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_RELEASED),
			released + (pin ? PAGE_REF_NR : 0));
	/* MMF_HAS_PINNED is sticky for the mm's lifetime (R-GUP-2). */
	KUNIT_EXPECT_EQ(test, test_bit(MMF_HAS_PINNED, &current->mm->flags), pin);
	t_mm_munmap(test, addr, PAGE_REF_NR * PAGE_SIZE);
}

/*
 * R-REF-3, EDGE-5: a PMD-mapped THP pinned (or referenced) five times
 * through five different subpages, one page per call, then 16 subpages in
 * one call.
 *
 *   subpage:   0    1   100  257  511       then [32, 48)
 *   pin_*:     ref +1 and _pincount +1 each  -> +5/5, then +16/+16
 *   get_*:     ref +1 each, _pincount stays 0
 *
 * Expect exactly that, folio_maybe_dma_pinned() exact (true iff pinned),
 * and after five single unpins (puts) and one bulk release: ref 1,
 * _pincount 0, not pinned.
 */
static void page_ref_gup_api_large_folio(struct kunit *test)
{
	static const unsigned int subpages[] = { 0, 1, 100, 257, 511 };
	enum t_gup_api api = *(const enum t_gup_api *)test->param_value;
	bool pin = t_gup_api_pins(api);
	long acquired = t_mm_vmstat(NR_FOLL_PIN_ACQUIRED);
	struct page *one[ARRAY_SIZE(subpages)], *bulk[16 + 2];
	unsigned long addr;
	struct folio *folio = page_ref_map_thp(test, &addr);
	long ret;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(subpages); i++) {
		struct page *p[2];

		t_mm_poison(p, 2);
		ret = t_gup(api, addr + subpages[i] * PAGE_SIZE, 1, FOLL_WRITE, p);
		KUNIT_ASSERT_EQ(test, ret, 1L);
		t_mm_expect_written(test, p, 2, ret);
		KUNIT_EXPECT_PTR_EQ(test, p[0], folio_page(folio, subpages[i]));
		one[i] = p[0];
	}
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), 1 + 5);
	KUNIT_EXPECT_EQ(test, atomic_read(&folio->_pincount), pin ? 5 : 0);
	KUNIT_EXPECT_EQ(test, folio_maybe_dma_pinned(folio), pin);
	KUNIT_EXPECT_EQ(test, page_maybe_dma_pinned(folio_page(folio, 300)), pin);

	t_mm_poison(bulk, ARRAY_SIZE(bulk));
	ret = t_gup(api, addr + 32 * PAGE_SIZE, 16, FOLL_WRITE, bulk);
	KUNIT_ASSERT_EQ(test, ret, 16L);
	t_mm_expect_written(test, bulk, ARRAY_SIZE(bulk), ret);
	for (i = 0; i < 16; i++)
		KUNIT_EXPECT_PTR_EQ(test, bulk[i], folio_page(folio, 32 + i));
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), 1 + 5 + 16);
	KUNIT_EXPECT_EQ(test, atomic_read(&folio->_pincount), pin ? 5 + 16 : 0);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_ACQUIRED),
			acquired + (pin ? 5 + 16 : 0));
	KUNIT_EXPECT_EQ(test, sim_check(), 0);

	for (i = 0; i < ARRAY_SIZE(one); i++) {
		if (pin)
			unpin_user_page(one[i]);
		else
			put_page(one[i]);
	}
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), 1 + 16);
	KUNIT_EXPECT_EQ(test, atomic_read(&folio->_pincount), pin ? 16 : 0);
	t_gup_release(api, bulk, ret);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&folio->_pincount), 0);
	KUNIT_EXPECT_FALSE(test, folio_maybe_dma_pinned(folio));
	t_mm_munmap(test, addr, PMD_SIZE);
}

/*
 * R-REF-4: unpin_user_pages_dirty_lock() on an array that mixes runs of
 * one THP with small pages, and unpin_user_page_range_dirty_lock() on a
 * physically contiguous range of the THP.
 *
 *   pages[] = { T+0, T+1, T+2, S0, S1, T+3 }   (T: THP, S: small pages)
 *   range   = T+8 .. T+10
 *
 * Expect every pin released once (RELEASED +9, THP ref and _pincount back,
 * small pages back to 1), and every folio dirty afterwards (make_dirty),
 * none dirty before.
 */
static void page_ref_unpin_runs_dirty(struct kunit *test)
{
	long released = t_mm_vmstat(NR_FOLL_PIN_RELEASED);
	struct page *thp_pages[5], *small[3], *range[4], *mixed[6];
	unsigned long taddr, saddr;
	struct folio *thp = page_ref_map_thp(test, &taddr);

	page_ref_map_small(test, &saddr, 2);
	KUNIT_ASSERT_EQ(test, t_gup_checked(test, T_API_PUP_FAST, taddr, 4, FOLL_WRITE,
					    thp_pages, ARRAY_SIZE(thp_pages)), 4L);
	KUNIT_ASSERT_EQ(test, t_gup_checked(test, T_API_PUP_FAST, saddr, 2, FOLL_WRITE,
					    small, ARRAY_SIZE(small)), 2L);
	KUNIT_ASSERT_EQ(test, t_gup_checked(test, T_API_PUP_FAST, taddr + 8 * PAGE_SIZE, 3,
					    FOLL_WRITE, range, ARRAY_SIZE(range)), 3L);
	KUNIT_EXPECT_EQ(test, atomic_read(&thp->_pincount), 7);
	KUNIT_EXPECT_FALSE(test, folio_test_dirty(thp));
	KUNIT_EXPECT_FALSE(test, PageDirty(small[0]));
	KUNIT_EXPECT_FALSE(test, PageDirty(small[1]));

	mixed[0] = thp_pages[0];
	mixed[1] = thp_pages[1];
	mixed[2] = thp_pages[2];
	mixed[3] = small[0];
	mixed[4] = small[1];
	mixed[5] = thp_pages[3];
	unpin_user_pages_dirty_lock(mixed, ARRAY_SIZE(mixed), true);
	KUNIT_EXPECT_EQ(test, atomic_read(&thp->_pincount), 3);
	KUNIT_EXPECT_EQ(test, folio_ref_count(thp), 1 + 3);
	KUNIT_EXPECT_EQ(test, page_ref_count(small[0]), 1);
	KUNIT_EXPECT_EQ(test, page_ref_count(small[1]), 1);
	KUNIT_EXPECT_TRUE(test, folio_test_dirty(thp));
	KUNIT_EXPECT_TRUE(test, PageDirty(small[0]));
	KUNIT_EXPECT_TRUE(test, PageDirty(small[1]));

	unpin_user_page_range_dirty_lock(range[0], 3, true);
	KUNIT_EXPECT_EQ(test, atomic_read(&thp->_pincount), 0);
	KUNIT_EXPECT_EQ(test, folio_ref_count(thp), 1);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_RELEASED), released + 9);
	t_mm_munmap(test, taddr, PMD_SIZE);
	t_mm_munmap(test, saddr, 2 * PAGE_SIZE);
}

/*
 * R-REF-5, EDGE-6: folio_maybe_dma_pinned() is fuzzy on small folios and
 * exact on large ones.
 *
 *   small P (mapped, ref 1):  +1022 gets -> 1023: false
 *                             +1 get     -> 1024: true, no pin (false positive)
 *                             ref forced to -2^31+1 (overflowed): true (unsigned compare)
 *   THP (ref 1):              +2000 gets -> false; +1 pin -> true; unpin -> false
 *
 * Expect exactly those answers, and every count restored at the end.
 */
static void page_ref_maybe_dma_pinned_fuzzy_and_exact(struct kunit *test)
{
	unsigned long saddr, taddr;
	struct page *page = page_ref_map_small(test, &saddr, 1), *pin[2];
	struct folio *folio = page_folio(page), *thp = page_ref_map_thp(test, &taddr);
	int i;

	KUNIT_EXPECT_FALSE(test, folio_maybe_dma_pinned(folio));
	folio_ref_add(folio, 1022);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), 1023);
	KUNIT_EXPECT_FALSE(test, folio_maybe_dma_pinned(folio));
	get_page(page);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), (int)GUP_PIN_COUNTING_BIAS);
	KUNIT_EXPECT_TRUE(test, folio_maybe_dma_pinned(folio));
	KUNIT_EXPECT_TRUE(test, page_maybe_dma_pinned(page));
	KUNIT_EXPECT_EQ(test, sim_small_folio_pins(folio), 0L);
	folio_ref_sub(folio, 1023);

	set_page_count(page, INT_MIN + 1);
	KUNIT_EXPECT_TRUE(test, folio_maybe_dma_pinned(folio));
	set_page_count(page, 1);
	KUNIT_EXPECT_FALSE(test, folio_maybe_dma_pinned(folio));

	for (i = 0; i < 2000; i++)
		folio_get(thp);
	KUNIT_EXPECT_FALSE(test, folio_maybe_dma_pinned(thp));
	KUNIT_ASSERT_EQ(test, t_gup_checked(test, T_API_PUP_FAST, taddr + 5 * PAGE_SIZE, 1,
					    0, pin, ARRAY_SIZE(pin)), 1L);
	KUNIT_EXPECT_TRUE(test, folio_maybe_dma_pinned(thp));
	KUNIT_EXPECT_TRUE(test, page_maybe_dma_pinned(folio_page(thp, 400)));
	unpin_user_page(pin[0]);
	KUNIT_EXPECT_FALSE(test, folio_maybe_dma_pinned(thp));
	folio_put_refs(thp, 2000);
	KUNIT_EXPECT_EQ(test, folio_ref_count(thp), 1);
	t_mm_munmap(test, saddr, PAGE_SIZE);
	t_mm_munmap(test, taddr, PMD_SIZE);
}

/*
 * EDGE-6, R-COW-2: fork of an mm with MMF_HAS_PINNED copies an exclusive
 * anon page that only *looks* pinned (1024 plain references, no pin).
 *
 *   parent: P (ref 1 + 1023 gets)        fork ->  parent: P (kept, exclusive)
 *                                                 child:  C (copy, same bytes)
 *
 * Expect the needless copy (pinio_fork_copied_pinned +1), P still mapped
 * writable and exclusive in the parent, identical contents in the child,
 * and no pin anywhere.
 */
static void page_ref_false_positive_fork_copies(struct kunit *test)
{
	long copies = t_mm_vmstat(COW_FORK_COPY);
	struct task_struct *parent = current, *child;
	unsigned long addr;
	struct page *page = page_ref_map_small(test, &addr, 2), *other, *cpage, *p[2];
	char buf[8];

	/* Any pin sets the sticky MMF_HAS_PINNED; take and drop one elsewhere. */
	other = t_mm_page(current->mm, addr + PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, t_gup_checked(test, T_API_PUP_FAST, addr + PAGE_SIZE, 1,
					    FOLL_WRITE, p, ARRAY_SIZE(p)), 1L);
	KUNIT_EXPECT_PTR_EQ(test, p[0], other);
	unpin_user_page(p[0]);
	KUNIT_ASSERT_TRUE(test, test_bit(MMF_HAS_PINNED, &current->mm->flags));

	folio_ref_add(page_folio(page), 1023);
	KUNIT_ASSERT_TRUE(test, folio_maybe_dma_pinned(page_folio(page)));
	KUNIT_ASSERT_EQ(test, sim_small_folio_pins(page_folio(page)), 0L);

	child = sim_fork();
	KUNIT_ASSERT_FALSE(test, IS_ERR(child));
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(COW_FORK_COPY), copies + 1);
	KUNIT_EXPECT_PTR_EQ(test, t_mm_page(current->mm, addr), page);
	KUNIT_EXPECT_TRUE(test, PageAnonExclusive(page));
	KUNIT_EXPECT_TRUE(test, pte_write(t_mm_pte(parent->mm, addr)));
	cpage = t_mm_page(child->mm, addr);
	KUNIT_EXPECT_NOT_NULL(test, cpage);
	KUNIT_EXPECT_PTR_NE(test, cpage, page);

	sim_task_switch(child);
	KUNIT_EXPECT_EQ(test, sim_user_read(addr, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	sim_task_switch(parent);
	KUNIT_EXPECT_EQ(test, buf[0], 0x5a);
	KUNIT_EXPECT_EQ(test, buf[7], 0x5a);

	folio_ref_sub(page_folio(page), 1023);
	sim_task_exit(child);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);
	t_mm_munmap(test, addr, 2 * PAGE_SIZE);
}

/* ---- the huge zero folio, unpin's bad entries --------------------------------- */

/*
 * R-REF-12, EDGE-36: a read fault on a 2 MiB aligned range maps the huge
 * zero folio by one PMD; it is pinned like any large folio.
 *
 *   PMD -> huge_zero_folio (512 pages, ref 1, _pincount 0)
 *   pin 3 subpages (fast) + 2 (slow): ref +5, _pincount 5, ACQUIRED +5
 *
 * Expect is_zero_page()/is_zero_folio() false for it, the pin counts above
 * and their undoing by unpin; FOLL_DUMP refuses it (-EFAULT); a FOLL_GET
 * reference is +1, release_pages() skips it (so put_page() must drop it).
 */
static void page_ref_huge_zero_folio(struct kunit *test)
{
	long acquired = t_mm_vmstat(NR_FOLL_PIN_ACQUIRED);
	struct folio *hzf = huge_zero_folio;
	struct page *pages[6], *got[2];
	unsigned long addr;
	int ref;

	KUNIT_ASSERT_NOT_NULL(test, hzf);
	ref = folio_ref_count(hzf);
	addr = t_mm_mmap(test, PMD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	KUNIT_ASSERT_TRUE(test, IS_ALIGNED(addr, PMD_SIZE));
	t_mm_touch_read(test, addr, PAGE_SIZE);
	KUNIT_ASSERT_PTR_EQ(test, t_mm_page(current->mm, addr), &hzf->page);
	KUNIT_EXPECT_TRUE(test, folio_test_large(hzf));
	KUNIT_EXPECT_FALSE(test, is_zero_folio(hzf));
	KUNIT_EXPECT_FALSE(test, is_zero_page(folio_page(hzf, 17)));
	KUNIT_EXPECT_TRUE(test, is_huge_zero_page(folio_page(hzf, 17)));
	KUNIT_EXPECT_TRUE(test, test_bit(MMF_HUGE_ZERO_PAGE, &current->mm->flags));

	KUNIT_ASSERT_EQ(test, t_gup_checked(test, T_API_PUP_FAST, addr + 10 * PAGE_SIZE, 3, 0,
					    pages, 4), 3L);
	KUNIT_EXPECT_PTR_EQ(test, pages[0], folio_page(hzf, 10));
	KUNIT_EXPECT_EQ(test, folio_ref_count(hzf), ref + 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&hzf->_pincount), 3);
	KUNIT_EXPECT_TRUE(test, folio_maybe_dma_pinned(hzf));
	KUNIT_ASSERT_EQ(test, t_gup_checked(test, T_API_PUP_UNLOCKED, addr + 500 * PAGE_SIZE,
					    1, 0, &pages[3], 3), 1L);
	KUNIT_EXPECT_PTR_EQ(test, pages[3], folio_page(hzf, 500));
	KUNIT_EXPECT_EQ(test, folio_ref_count(hzf), ref + 4);
	KUNIT_EXPECT_EQ(test, atomic_read(&hzf->_pincount), 4);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_ACQUIRED), acquired + 4);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
	unpin_user_pages(pages, 4);
	KUNIT_EXPECT_EQ(test, folio_ref_count(hzf), ref);
	KUNIT_EXPECT_EQ(test, atomic_read(&hzf->_pincount), 0);
	KUNIT_EXPECT_FALSE(test, folio_maybe_dma_pinned(hzf));

	KUNIT_EXPECT_EQ(test, t_gup_checked(test, T_API_GUP, addr, 1, FOLL_DUMP, got,
					    ARRAY_SIZE(got)), (long)-EFAULT);

	KUNIT_ASSERT_EQ(test, t_gup_checked(test, T_API_GUP_FAST, addr + 7 * PAGE_SIZE, 1, 0,
					    got, ARRAY_SIZE(got)), 1L);
	KUNIT_EXPECT_EQ(test, folio_ref_count(hzf), ref + 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&hzf->_pincount), 0);
	release_pages(got, 1);
	KUNIT_EXPECT_EQ(test, folio_ref_count(hzf), ref + 1);
	put_page(got[0]);
	KUNIT_EXPECT_EQ(test, folio_ref_count(hzf), ref);
	t_mm_munmap(test, addr, PMD_SIZE);
}

/*
 * EDGE-35, R-REF-4: unpin_user_pages() handed a negative errno as npages
 * (a caller that passed GUP's error through), then an array with NULL
 * holes.
 *
 *   unpin_user_pages(pages, -EFAULT)          -> WARN, nothing released
 *   unpin_user_pages({P0, NULL, P1, NULL}, 4) -> P0 and P1 released once
 *
 * Expect the WARN and untouched counts first, then both pins gone and
 * RELEASED +2 [later: v6.18 skips NULL entries; the model does too].
 */
static void page_ref_unpin_errno_and_null_entries(struct kunit *test)
{
	long released = t_mm_vmstat(NR_FOLL_PIN_RELEASED);
	struct page *pages[3], *holes[4];
	unsigned long addr;

	page_ref_map_small(test, &addr, 2);
	KUNIT_ASSERT_EQ(test, t_gup_checked(test, T_API_PUP_FAST, addr, 2, FOLL_WRITE, pages,
					    ARRAY_SIZE(pages)), 2L);
	KUNIT_EXPECT_WARN(test, unpin_user_pages(pages, (unsigned long)-EFAULT));
	KUNIT_EXPECT_WARN(test, unpin_user_pages_dirty_lock(pages, (unsigned long)-ENOMEM, true));
	KUNIT_EXPECT_EQ(test, page_ref_count(pages[0]), 1 + (int)GUP_PIN_COUNTING_BIAS);
	KUNIT_EXPECT_EQ(test, page_ref_count(pages[1]), 1 + (int)GUP_PIN_COUNTING_BIAS);
	KUNIT_EXPECT_FALSE(test, PageDirty(pages[0]));
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_RELEASED), released);

	holes[0] = pages[0];
	holes[1] = NULL;
	holes[2] = pages[1];
	holes[3] = NULL;
	unpin_user_pages(holes, ARRAY_SIZE(holes));
	KUNIT_EXPECT_EQ(test, page_ref_count(pages[0]), 1);
	KUNIT_EXPECT_EQ(test, page_ref_count(pages[1]), 1);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_RELEASED), released + 2);
	t_mm_munmap(test, addr, 2 * PAGE_SIZE);
}

static struct kunit_case page_ref_cases[] = {
	KUNIT_CASE(page_ref_get_put_small_and_tail),
	KUNIT_CASE(page_ref_last_put_frees),
	KUNIT_CASE_PARAM(page_ref_gup_api_small_pages, page_ref_api_gen_params),
	KUNIT_CASE_PARAM(page_ref_gup_api_large_folio, page_ref_api_gen_params),
	KUNIT_CASE(page_ref_unpin_runs_dirty),
	KUNIT_CASE(page_ref_maybe_dma_pinned_fuzzy_and_exact),
	KUNIT_CASE(page_ref_false_positive_fork_copies),
	KUNIT_CASE(page_ref_huge_zero_folio),
	KUNIT_CASE(page_ref_unpin_errno_and_null_entries),
	{}
};

struct kunit_suite page_ref_suite = {
	.name = "page_ref",
	.init = page_ref_test_init,
	.exit = page_ref_test_exit,
	.test_cases = page_ref_cases,
};
