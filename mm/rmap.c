// SPDX-License-Identifier: GPL-2.0
/*
 * mm/rmap.c - mapcount bookkeeping for mapped pages.
 *
 * Models the counting half of mm/rmap.c: _mapcount per page (-1 =
 * unmapped), _entire_mapcount for PMD mappings of a large folio and
 * _nr_pages_mapped for its PTE-mapped subpages; new anonymous folios get
 * PAGE_MAPPING_ANON and PageAnonExclusive. Left out: anon_vma chains and
 * reverse walks; a file folio (each page of a large one) is found in its
 * mapping's VMA set (i_mmap) by index, for write-protection at writeback and unmapping at truncate.
 */
#include <stdlib.h>
#include <pinio/pagemap.h>
#include "mm/internal.h"

/**
 * page_add_anon_rmap_new() - account the first mapping of a new anon folio.
 * @folio: the freshly allocated folio.
 * @vma: the private VMA it is mapped into.
 * @address: the (PMD-aligned if @pmd) address it is mapped at.
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

/**
 * page_dup_rmap() - one more mapping of @page (fork, split, shared fault).
 * @page: the page now mapped once more.
 * @pmd: mapped by a PMD (counts in the folio's entire_mapcount) rather
 *	than by a PTE (the page's own mapcount).
 *
 * Takes no reference: the caller's mapping holds one.
 */
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

/**
 * page_remove_rmap() - one mapping of @page gone (zap, COW, split).
 * @page: the page mapped once less.
 * @pmd: it was a PMD mapping (see page_dup_rmap()).
 *
 * A mapcount going below -1 (more unmaps than maps) is reported as a
 * violation. Drops no reference: the caller puts the mapping's.
 */
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

/* ---- file folios: the mapping's VMAs (the kernel's i_mmap) ------------------ */

/* address_space->i_mmap: the VMAs that map the file. */
struct i_mmap_set {
	size_t nr, cap;
	struct vm_area_struct **vmas;
};

/**
 * mapping_vma_add() - @vma maps @mapping's file (mmap, fork, split).
 * @mapping: the file's page cache.
 * @vma: a VMA mapping that file.
 * Return: 0 or -ENOMEM.
 */
int mapping_vma_add(struct address_space *mapping, struct vm_area_struct *vma)
{
	struct i_mmap_set *set;
	int ret = 0;

	pthread_mutex_lock(&mapping->i_mmap_lock);
	set = mapping->i_mmap;
	if (!set) {
		set = calloc(1, sizeof(*set));
		mapping->i_mmap = set;
	}
	if (set && set->nr == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 8;
		struct vm_area_struct **v = realloc(set->vmas, cap * sizeof(*v));

		if (v) {
			set->vmas = v;
			set->cap = cap;
		}
	}
	if (set && set->nr < set->cap)
		set->vmas[set->nr++] = vma;
	else
		ret = -ENOMEM;
	pthread_mutex_unlock(&mapping->i_mmap_lock);
	return ret;
}

/**
 * mapping_vma_set_free() - the file is going away: free its VMA set.
 * @mapping: the file's address_space; no VMA may map it any more (WARN).
 */
void mapping_vma_set_free(struct address_space *mapping)
{
	struct i_mmap_set *set = mapping->i_mmap;

	WARN_ON_ONCE(set && set->nr);
	if (set) {
		free(set->vmas);
		free(set);
	}
	mapping->i_mmap = NULL;
}

/**
 * mapping_vma_del() - @vma no longer maps @mapping's file (munmap, exit).
 * @mapping: the file's address_space.
 * @vma: a VMA mapping_vma_add() recorded; one not recorded is ignored.
 */
void mapping_vma_del(struct address_space *mapping, struct vm_area_struct *vma)
{
	struct i_mmap_set *set;
	size_t i;

	pthread_mutex_lock(&mapping->i_mmap_lock);
	set = mapping->i_mmap;
	for (i = 0; set && i < set->nr; i++) {
		if (set->vmas[i] == vma) {
			set->vmas[i] = set->vmas[--set->nr];
			break;
		}
	}
	pthread_mutex_unlock(&mapping->i_mmap_lock);
}

/*
 * Call @fn on every PTE that maps @folio in a VMA of its mapping, under
 * that mm's ptl. Return: the OR of what @fn returned.
 */
static bool rmap_walk_file(struct address_space *mapping, struct folio *folio, bool shared_only,
			   bool (*fn)(struct vm_area_struct *vma, pte_t *ptep,
				      unsigned long addr, struct folio *folio))
{
	struct i_mmap_set *set;
	bool ret = false;
	size_t i;

	if (!mapping)
		return false;
	pthread_mutex_lock(&mapping->i_mmap_lock);
	set = mapping->i_mmap;
	for (i = 0; set && i < set->nr; i++) {
		struct vm_area_struct *vma = set->vmas[i];
		unsigned long npages = (vma->vm_end - vma->vm_start) >> PAGE_SHIFT, k;
		struct mm_struct *mm = vma->vm_mm;

		if (shared_only && !(vma->vm_flags & VM_SHARED))
			continue;
		/* Each page of a large folio may be mapped by its own PTE. */
		for (k = 0; k < (unsigned long)folio_nr_pages(folio); k++) {
			unsigned long index = folio->index + k, addr;
			pmd_t *pmdp;
			pte_t *ptep;

			if (index < vma->vm_pgoff || index - vma->vm_pgoff >= npages)
				continue;
			addr = vma->vm_start + ((index - vma->vm_pgoff) << PAGE_SHIFT);
			pmdp = pmd_offset_mm(mm, addr, false);
			if (!pmdp || !pmd_table(pmdp_get(pmdp)))
				continue;
			pthread_mutex_lock(&mm->page_table_lock);
			ptep = &pmd_pgtable(pmdp_get(pmdp))[pte_index(addr)];
			if (pte_present(ptep_get(ptep)) && !pte_special(ptep_get(ptep)) &&
			    pte_pfn(ptep_get(ptep)) == folio_pfn(folio) + k)
				ret |= fn(vma, ptep, addr, folio);
			pthread_mutex_unlock(&mm->page_table_lock);
		}
	}
	pthread_mutex_unlock(&mapping->i_mmap_lock);
	return ret;
}

static bool mkclean_one(struct vm_area_struct *vma, pte_t *ptep, unsigned long addr,
			struct folio *folio)
{
	pte_t pte = ptep_get(ptep);

	if (!pte_write(pte) && !pte_dirty(pte))
		return false;
	set_pte(ptep, pte & ~(_PAGE_RW | _PAGE_DIRTY));
	return pte_dirty(pte);
}

/**
 * folio_mkclean() - write-protect and clean every shared PTE that maps a
 * page of @folio.
 * @folio: a locked page-cache folio (any order).
 *
 * Return: true if one of the PTEs was dirty (the caller dirties the folio).
 */
bool folio_mkclean(struct folio *folio)
{
	return rmap_walk_file(folio->mapping, folio, true, mkclean_one);
}

static bool unmap_one(struct vm_area_struct *vma, pte_t *ptep, unsigned long addr,
		      struct folio *folio)
{
	pte_t pte = ptep_get_and_clear(ptep);

	page_remove_rmap(pte_page(pte), false);
	atomic_long_dec(&vma->vm_mm->rss_file);
	folio_put(folio);		/* the mapping's reference; the caller holds one */
	return pte_dirty(pte);
}

/**
 * folio_unmap_mapping() - clear every PTE that maps a page of @folio in a
 * VMA of its mapping, dropping the PTE's folio reference.
 * @folio: a locked page-cache folio (the caller holds a reference too).
 *
 * Pins are untouched. Return: true if one of the PTEs was dirty.
 */
bool folio_unmap_mapping(struct folio *folio)
{
	return rmap_walk_file(folio->mapping, folio, false, unmap_one);
}

/**
 * mapping_unmap_folio() - folio_unmap_mapping() for a folio truncate has
 * already taken out of @mapping's index (its mapping is NULL now).
 * @mapping: the file's address_space the folio was in.
 * @folio: the locked folio; the caller holds a reference.
 *
 * Together with do_fault()'s check of folio->mapping under i_mmap_lock,
 * no PTE can be installed on the folio after this walk.
 * Return: true if one of the PTEs was dirty.
 */
bool mapping_unmap_folio(struct address_space *mapping, struct folio *folio)
{
	return rmap_walk_file(mapping, folio, false, unmap_one);
}
