// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for transparent huge pages in anonymous memory
 * (mm/huge_memory.c, R-REF-12): the huge zero folio on a read fault, a
 * PMD folio on a write fault, pins across unmap, and the PMD splits of a
 * write after a read and of a partial munmap. The fixture (64 MiB, 8
 * zero-page colours, THP on) is tests/mm_fixture.c.
 */
#include <sys/mman.h>
#include <pinio/fault-inject.h>

#include "mm_helpers.h"
#include "suites.h"
#include "mm_fixture.h"

/* ---- transparent huge pages (R-REF-12) ------------------------------------ */

/*
 * A read fault on a THP-eligible range maps the huge zero folio
 * (R-REF-12); a short-term R/O pin pins it as a large folio (EDGE-36):
 *   PMD -> huge zero folio (R/O)   pin 4 subpages: _pincount +4, _refcount +4
 * Expect no allocation, MMF_HUGE_ZERO_PAGE, is_zero_page() false on its
 * subpages, pins counted in nr_foll_pin_acquired, and unpin restoring it.
 */
static void mm_thp_read_fault_maps_huge_zero_folio(struct kunit *test)
{
	unsigned long addr = t_mm_mmap(test, PMD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	long folios = mm_live_folios(), acquired = node_page_state(NR_FOLL_PIN_ACQUIRED);
	int ref = folio_ref_count(huge_zero_folio);
	struct page *pages[4];
	struct t_mm_walk w;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, huge_zero_folio);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr + 5 * PAGE_SIZE, 0, PAGE_SIZE));
	t_mm_walk(t_mm(), addr + 5 * PAGE_SIZE, &w);
	KUNIT_ASSERT_TRUE(test, w.pmd_leaf);
	KUNIT_EXPECT_FALSE(test, pte_write(w.entry));
	KUNIT_EXPECT_PTR_EQ(test, page_folio(w.page), huge_zero_folio);
	KUNIT_EXPECT_TRUE(test, test_bit(MMF_HUGE_ZERO_PAGE, &t_mm()->flags));
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios);

	t_mm_poison(pages, 4);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr + 5 * PAGE_SIZE, 4, 0, pages), 4);
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_PTR_EQ(test, pages[i], folio_page(huge_zero_folio, 5 + i));
		KUNIT_EXPECT_FALSE(test, is_zero_page(pages[i]));
		KUNIT_EXPECT_TRUE(test, is_huge_zero_page(pages[i]));
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&huge_zero_folio->_pincount), 4);
	KUNIT_EXPECT_EQ(test, folio_ref_count(huge_zero_folio), ref + 4);
	KUNIT_EXPECT_EQ(test, node_page_state(NR_FOLL_PIN_ACQUIRED), acquired + 4);
	unpin_user_pages(pages, 4);
	KUNIT_EXPECT_EQ(test, atomic_read(&huge_zero_folio->_pincount), 0);
	KUNIT_EXPECT_EQ(test, folio_ref_count(huge_zero_folio), ref);

	t_mm_munmap(test, addr, PMD_SIZE);
	KUNIT_EXPECT_EQ(test, folio_ref_count(huge_zero_folio), ref);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/*
 * Pins on a PMD-mapped THP outlive its mapping; the unpin after munmap is
 * clean (a pinned THP's exclusive flag sits on the head while PMD-mapped,
 * and the PMD is gone by the unpin - DEBUG_VM's check must accept that):
 *   PMD -> THP; pin p1..p3 R/O -> munmap -> folio lives -> unpin -> freed
 * Expect _pincount 3 until the unpin and the folio freed by it.
 */
static void mm_thp_pinned_then_unmapped_unpins_cleanly(struct kunit *test)
{
	unsigned long addr = t_mm_mmap(test, PMD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	long folios = mm_live_folios();
	struct page *pages[3];
	struct folio *folio;

	t_mm_fill(test, addr, 'U', PMD_SIZE);
	t_mm_poison(pages, 3);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr + PAGE_SIZE, 3, 0, pages), 3);
	folio = page_folio(pages[0]);
	KUNIT_ASSERT_EQ(test, folio_order(folio), HPAGE_PMD_ORDER);
	t_mm_munmap(test, addr, PMD_SIZE);
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios + 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&folio->_pincount), 3);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), 3);
	KUNIT_EXPECT_EQ(test, folio_mapcount(folio), 0);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
	unpin_user_pages(pages, 3);
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/*
 * A write fault on a THP-eligible range allocates one order-9 folio mapped
 * by a writable PMD:
 *   PMD -> [ folio order 9: 512 pages ]   _refcount 1, entire mapcount 1
 * Expect thp_fault_alloc +1, one live folio, an exclusive head, and the
 * data back through the mapping.
 */
static void mm_thp_write_fault_allocates_pmd_folio(struct kunit *test)
{
	unsigned long addr = t_mm_mmap(test, PMD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	long folios = mm_live_folios(), thp = node_page_state(THP_FAULT_ALLOC);
	struct folio *folio;
	struct t_mm_walk w;

	t_mm_fill(test, addr, 'T', PMD_SIZE);
	t_mm_walk(t_mm(), addr + 77 * PAGE_SIZE, &w);
	KUNIT_ASSERT_TRUE(test, w.pmd_leaf);
	KUNIT_EXPECT_TRUE(test, pte_write(w.entry));
	folio = page_folio(w.page);
	KUNIT_EXPECT_PTR_EQ(test, w.page, folio_page(folio, 77));
	KUNIT_EXPECT_EQ(test, folio_order(folio), HPAGE_PMD_ORDER);
	KUNIT_EXPECT_TRUE(test, folio_test_anon(folio));
	KUNIT_EXPECT_TRUE(test, PageAnonExclusive(&folio->page));
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), 1);
	KUNIT_EXPECT_EQ(test, folio_mapcount(folio), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&folio->_entire_mapcount), 0);
	KUNIT_EXPECT_EQ(test, node_page_state(THP_FAULT_ALLOC), thp + 1);
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios + 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t_mm()->rss_anon), HPAGE_PMD_NR);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr, 'T', PMD_SIZE));

	t_mm_munmap(test, addr, PMD_SIZE);
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/*
 * Writing into a huge zero PMD splits it (the kernel's do_huge_pmd_wp_page
 * on the huge zero page):
 *   PMD -> HZ   --write p3-->   PTEs: Z0 Z1 Z2 [new] Z4 ... (by colour)
 * Expect thp_split_pmd +1, a new small anon page at p3, coloured zero-page
 * PTEs elsewhere and the huge zero folio's counts unchanged.
 */
static void mm_thp_write_after_read_splits_huge_zero_pmd(struct kunit *test)
{
	unsigned long addr = t_mm_mmap(test, PMD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	long split = node_page_state(THP_SPLIT_PMD), folios = mm_live_folios();
	struct sim_ledger before, after;
	struct t_mm_walk w;
	int i;

	sim_ledger_read(&before);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr, 0, PAGE_SIZE));
	t_mm_walk(t_mm(), addr, &w);
	KUNIT_ASSERT_TRUE(test, w.pmd_leaf);
	t_mm_fill(test, addr + 3 * PAGE_SIZE, 'S', PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, node_page_state(THP_SPLIT_PMD), split + 1);
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios + 1);
	for (i = 0; i < 16; i++) {
		unsigned long a = addr + i * PAGE_SIZE;

		t_mm_walk(t_mm(), a, &w);
		KUNIT_EXPECT_TRUE(test, w.pmd_table);
		if (i == 3) {
			KUNIT_EXPECT_FALSE(test, pte_special(w.entry));
			KUNIT_EXPECT_FALSE(test, folio_test_large(page_folio(w.page)));
		} else {
			KUNIT_EXPECT_TRUE(test, pte_special(w.entry));
			KUNIT_EXPECT_PTR_EQ(test, w.page, ZERO_PAGE(a));
		}
	}
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr + 3 * PAGE_SIZE, 'S', PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr + 4 * PAGE_SIZE, 0, PAGE_SIZE));
	sim_ledger_read(&after);
	KUNIT_EXPECT_EQ(test, after.zero_refs, before.zero_refs);
	KUNIT_EXPECT_EQ(test, after.zero_pins, before.zero_pins);

	t_mm_munmap(test, addr, PMD_SIZE);
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/*
 * A partial munmap of a PMD-mapped THP splits the PMD; the folio stays
 * one order-9 folio, now mapped by 511 PTEs:
 *   PMD -> [T T ... T]  --munmap p100-->  PTEs [T ... T] - [T ... T]
 * Expect thp_split_pmd +1, _refcount 511, folio_mapcount 511, -EFAULT at
 * p100, intact data elsewhere, and the folio freed by the final munmap.
 */
static void mm_thp_partial_munmap_splits_pmd(struct kunit *test)
{
	unsigned long addr = t_mm_mmap(test, PMD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	long split = node_page_state(THP_SPLIT_PMD), folios = mm_live_folios();
	unsigned long hole = addr + 100 * PAGE_SIZE;
	struct folio *folio;
	struct t_mm_walk w;
	char c;

	t_mm_fill(test, addr, 'T', PMD_SIZE);
	folio = page_folio(t_mm_page(t_mm(), addr));
	KUNIT_ASSERT_EQ(test, folio_order(folio), HPAGE_PMD_ORDER);
	t_mm_munmap(test, hole, PAGE_SIZE);

	KUNIT_EXPECT_EQ(test, node_page_state(THP_SPLIT_PMD), split + 1);
	KUNIT_EXPECT_EQ(test, mm_map_count(), 2);
	t_mm_walk(t_mm(), addr + 5 * PAGE_SIZE, &w);
	KUNIT_EXPECT_TRUE(test, w.pmd_table);
	KUNIT_EXPECT_PTR_EQ(test, w.page, folio_page(folio, 5));
	KUNIT_EXPECT_TRUE(test, pte_write(w.entry));
	KUNIT_EXPECT_EQ(test, folio_order(folio), HPAGE_PMD_ORDER);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), HPAGE_PMD_NR - 1);
	KUNIT_EXPECT_EQ(test, folio_mapcount(folio), HPAGE_PMD_NR - 1);
	KUNIT_EXPECT_EQ(test, sim_user_read(hole, &c, 1), -EFAULT);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr, 'T', 100 * PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(hole + PAGE_SIZE, 'T', PMD_SIZE - 101 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios + 1);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);

	t_mm_munmap(test, addr, PMD_SIZE);
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/*
 * A FOLL_FORCE write pin (ptrace's access_remote_vm) on an exclusive THP of
 * a private mapping made read-only by mprotect (R-GUP-4, R-GUP-5):
 *   PMD -> T (RW)  --mprotect(PROT_READ)-->  PMD -> T (RO)
 *   pin(FOLL_WRITE|FOLL_FORCE, p7)  ->  reuse T (exclusive, no copy)
 * The fault reuses the folio but must not make the mapping writable: the
 * kernel's maybe_pmd_mkwrite() sets the write bit only for VM_WRITE.
 * Expect the pin to return T's own subpage 7, no COW, every mapping of the
 * range still read-only, a user store into the PROT_READ range -EFAULT and
 * the data unchanged.
 */
static void mm_thp_force_write_pin_keeps_ro_pmd_readonly(struct kunit *test)
{
	unsigned long addr = t_mm_mmap(test, PMD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	long cow = node_page_state(COW_FAULT), folios = mm_live_folios();
	struct page *page = NULL;
	struct folio *folio;
	struct t_mm_walk w;
	char c = 'x';

	t_mm_fill(test, addr, 'T', PMD_SIZE);
	folio = page_folio(t_mm_page(t_mm(), addr));
	KUNIT_ASSERT_EQ(test, folio_order(folio), HPAGE_PMD_ORDER);
	KUNIT_ASSERT_EQ(test, sim_mprotect(addr, PMD_SIZE, PROT_READ), 0);

	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr + 7 * PAGE_SIZE, 1,
						  FOLL_WRITE | FOLL_FORCE, &page), 1);
	KUNIT_EXPECT_PTR_EQ(test, page, folio_page(folio, 7));
	KUNIT_EXPECT_EQ(test, node_page_state(COW_FAULT), cow);
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios + 1);
	t_mm_walk(t_mm(), addr + 7 * PAGE_SIZE, &w);
	KUNIT_EXPECT_PTR_EQ(test, w.page, folio_page(folio, 7));
	KUNIT_EXPECT_FALSE(test, pte_write(w.entry));
	t_mm_walk(t_mm(), addr + 300 * PAGE_SIZE, &w);
	KUNIT_EXPECT_FALSE(test, pte_write(w.entry));
	KUNIT_EXPECT_EQ(test, sim_user_write(addr + 7 * PAGE_SIZE, &c, 1), -EFAULT);
	KUNIT_EXPECT_EQ(test, sim_user_write(addr + 300 * PAGE_SIZE, &c, 1), -EFAULT);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr, 'T', PMD_SIZE));
	KUNIT_EXPECT_EQ(test, sim_check(), 0);

	unpin_user_page(page);
	t_mm_munmap(test, addr, PMD_SIZE);
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/*
 * MADV_DONTNEED of one page of a PMD-mapped THP splits the PMD first.
 * When no PTE table can be had for the split (FAULT_PGTABLE_ALLOC), the
 * call must fail rather than zap the whole 2 MiB: the other 511 pages'
 * data would be lost (read back as zeros). The kernel cannot meet this
 * (it deposits a table at THP fault time); here it is -ENOMEM.
 *   PMD -> T ('T' x 512)   madvise(p5, 1 page, DONTNEED), table alloc fails
 * Expect -ENOMEM with T still PMD-mapped and every byte 'T'; then the
 * same call succeeds: p5 reads zeros, the other pages still 'T'.
 */
static void mm_thp_dontneed_split_enomem_keeps_data(struct kunit *test)
{
	unsigned long addr = t_mm_mmap(test, PMD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	unsigned long p5 = addr + 5 * PAGE_SIZE;
	long folios = mm_live_folios();
	struct t_mm_walk w;
	int r;

	t_mm_fill(test, addr, 'T', PMD_SIZE);
	t_mm_walk(t_mm(), addr, &w);
	KUNIT_ASSERT_TRUE(test, w.pmd_leaf);

	sim_fail_site_after(FAULT_PGTABLE_ALLOC, 1);
	r = sim_madvise(p5, PAGE_SIZE, MADV_DONTNEED);
	sim_fail_site_after(FAULT_PGTABLE_ALLOC, 0);
	KUNIT_EXPECT_EQ(test, r, -ENOMEM);
	t_mm_walk(t_mm(), addr, &w);
	KUNIT_EXPECT_TRUE(test, w.pmd_leaf);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr, 'T', PMD_SIZE));
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios + 1);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);

	KUNIT_EXPECT_EQ(test, sim_madvise(p5, PAGE_SIZE, MADV_DONTNEED), 0);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr, 'T', 5 * PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(p5, 0, PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(p5 + PAGE_SIZE, 'T', PMD_SIZE - 6 * PAGE_SIZE));

	t_mm_munmap(test, addr, PMD_SIZE);
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

static struct kunit_case mm_thp_cases[] = {
	KUNIT_CASE(mm_thp_read_fault_maps_huge_zero_folio),
	KUNIT_CASE(mm_thp_write_fault_allocates_pmd_folio),
	KUNIT_CASE(mm_thp_pinned_then_unmapped_unpins_cleanly),
	KUNIT_CASE(mm_thp_write_after_read_splits_huge_zero_pmd),
	KUNIT_CASE(mm_thp_partial_munmap_splits_pmd),
	KUNIT_CASE(mm_thp_force_write_pin_keeps_ro_pmd_readonly),
	KUNIT_CASE(mm_thp_dontneed_split_enomem_keeps_data),
	{}
};

struct kunit_suite mm_thp_suite = {
	.name = "mm_thp",
	.init = mm_test_init,
	.exit = mm_test_exit,
	.test_cases = mm_thp_cases,
};
