// SPDX-License-Identifier: GPL-2.0
/*
 * mm/rmap.c - mapcount bookkeeping for mapped pages.
 *
 * Models the counting half of mm/rmap.c: _mapcount per page (-1 =
 * unmapped), _entire_mapcount for PMD mappings of a large folio and
 * _nr_pages_mapped for its PTE-mapped subpages; new anonymous folios get
 * PAGE_MAPPING_ANON and PageAnonExclusive. Left out: anon_vma chains and
 * reverse walks (nothing here unmaps by physical page).
 */
#include "mm/internal.h"

/**
 * page_add_anon_rmap_new() - account the first mapping of a new anon folio.
 * @pmd: mapped by one PMD (the whole folio) rather than one PTE.
 *
 * The folio becomes anonymous and exclusive to this mapping.
 */
void page_add_anon_rmap_new(struct folio *folio, struct vm_area_struct *vma,
			    unsigned long address, bool pmd)
{
	folio->mapping = (struct address_space *)PAGE_MAPPING_ANON;
	folio->index = address >> PAGE_SHIFT;
	if (pmd) {
		atomic_set(&folio->_entire_mapcount, 0);
		mod_node_page_state(NR_ANON_THPS, 1);
	} else {
		atomic_set(&folio->_mapcount, 0);
		if (folio_test_large(folio))
			atomic_inc(&folio->_nr_pages_mapped);
	}
	SetPageAnonExclusive(&folio->page);
}

/* One more mapping of @page (fork, split, shared fault). */
void page_dup_rmap(struct page *page, bool pmd)
{
	struct folio *folio = page_folio(page);

	if (pmd) {
		atomic_inc(&folio->_entire_mapcount);
		return;
	}
	if (atomic_inc_return(&page->_mapcount) == 0 && folio_test_large(folio))
		atomic_inc(&folio->_nr_pages_mapped);
}

/* One mapping of @page gone (zap, COW, split). */
void page_remove_rmap(struct page *page, bool pmd)
{
	struct folio *folio = page_folio(page);

	if (pmd) {
		if (atomic_dec_return(&folio->_entire_mapcount) < -1)
			page_alloc_report_violation(page, "entire_mapcount underflow");
		if (folio_test_anon(folio) && atomic_read(&folio->_entire_mapcount) == -1)
			mod_node_page_state(NR_ANON_THPS, -1);
		return;
	}
	if (atomic_dec_return(&page->_mapcount) == -1) {
		if (folio_test_large(folio))
			atomic_dec(&folio->_nr_pages_mapped);
	} else if (atomic_read(&page->_mapcount) < -1) {
		page_alloc_report_violation(page, "mapcount underflow");
	}
}
