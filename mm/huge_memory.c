// SPDX-License-Identifier: GPL-2.0
/*
 * mm/huge_memory.c - PMD-mapped 2 MiB anonymous folios and the huge zero
 * folio.
 *
 * Models mm/huge_memory.c (v6.5) for anonymous THP: a write fault on an
 * eligible, PMD-aligned range allocates an order-9 folio mapped by one PMD;
 * a read fault maps the huge zero folio (R-REF-12: not a zero page for
 * is_zero_page(), pinned like any large folio). Write faults on a huge zero
 * PMD or on a shared THP split the PMD and fall back to PTEs; fork of a
 * maybe-pinned THP splits and copies per PTE. Left out: khugepaged,
 * deferred folio splitting, mTHP sizes, the huge zero shrinker.
 * split_folio() splits large page-cache folios (truncate).
 */
#include <string.h>
#include <pinio/pagemap.h>
#include <pinio/trace.h>
#include "mm/internal.h"

bool pinio_thp_enabled;

/**
 * vma_thp_eligible() - may a fault map a 2 MiB folio with one PMD here?
 * @vma: the VMA of the fault.
 * @haddr: the faulting address rounded down to PMD_SIZE.
 *
 * True when THP is enabled for the machine (sim_boot()'s config), @vma is
 * a private anonymous mapping not marked MADV_NOHUGEPAGE, and the whole
 * PMD range [@haddr, @haddr + PMD_SIZE) lies inside @vma. The kernel's
 * "always" policy: VM_HUGEPAGE is not required. @haddr's alignment is
 * the caller's job.
 *
 * Context: mmap_lock held (the VMA's flags and bounds are stable).
 * Return: true if the fault may try do_huge_pmd_anonymous_page().
 */
bool vma_thp_eligible(struct vm_area_struct *vma, unsigned long haddr)
{
	return pinio_thp_enabled && vma_is_anonymous(vma) &&
	       !(vma->vm_flags & (VM_SHARED | VM_NOHUGEPAGE)) &&
	       haddr >= vma->vm_start && haddr + PMD_SIZE <= vma->vm_end;
}

static pmd_t mk_huge_pmd(unsigned long pfn, struct vm_area_struct *vma)
{
	return pfn_pte(pfn, vm_pgprot(vma->vm_flags)) | _PAGE_PSE;
}

/**
 * do_huge_pmd_anonymous_page() - fault a THP-eligible empty PMD of @vma.
 * @vma: an anonymous VMA for which vma_thp_eligible() holds.
 * @pmdp: the empty PMD slot.
 * @address: the faulting address.
 * @flags: FAULT_FLAG_*.
 *
 * A read fault maps the huge zero folio read-only, when there is one; a
 * write fault maps a fresh zeroed 2 MiB anon folio. A PMD filled by a
 * racing fault is left as it is.
 * Context: mmap_lock held; takes the ptl.
 * Return: 0, or VM_FAULT_FALLBACK when no huge folio could be allocated
 * (the caller maps PTEs instead).
 */
vm_fault_t do_huge_pmd_anonymous_page(struct vm_area_struct *vma, pmd_t *pmdp,
				      unsigned long address, unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long haddr = address & PMD_MASK;
	struct folio *folio;
	pmd_t entry;

	if (!(flags & FAULT_FLAG_WRITE) && huge_zero_folio) {
		entry = mk_huge_pmd(folio_pfn(huge_zero_folio), vma) & ~_PAGE_RW;
		pthread_mutex_lock(&mm->page_table_lock);
		if (pmd_none(pmdp_get(pmdp))) {
			set_pmd(pmdp, entry);
			set_bit(MMF_HUGE_ZERO_PAGE, &mm->flags);
		}
		pthread_mutex_unlock(&mm->page_table_lock);
		return 0;
	}
	folio = folio_alloc_owner(__GFP_ZERO, HPAGE_PMD_ORDER, OWNER_ANON);
	if (!folio)
		return VM_FAULT_FALLBACK;
	entry = mk_huge_pmd(folio_pfn(folio), vma);
	if (vma->vm_flags & VM_WRITE)
		entry |= _PAGE_RW | _PAGE_DIRTY;
	pthread_mutex_lock(&mm->page_table_lock);
	if (!pmd_none(pmdp_get(pmdp))) {
		pthread_mutex_unlock(&mm->page_table_lock);
		folio_put(folio);
		return 0;
	}
	page_add_anon_rmap_new(folio, vma, haddr, true);
	atomic_long_add(HPAGE_PMD_NR, &mm->rss_anon);
	set_pmd(pmdp, entry);
	pthread_mutex_unlock(&mm->page_table_lock);
	mod_node_page_state(THP_FAULT_ALLOC, 1);
	trace_page_event(folio_pfn(folio), PE_FAULT, (long)haddr);
	return 0;
}

/**
 * __split_huge_pmd_locked() - replace a PMD mapping by 512 PTE mappings.
 * @vma: the VMA the PMD maps into.
 * @pmdp: the PMD slot, mapping a huge page.
 * @haddr: the PMD-aligned address it maps.
 *
 * A huge zero PMD becomes 512 special zero-page PTEs (by colour). An anon
 * folio stays one large folio, now PTE-mapped: each PTE holds one folio
 * reference and one subpage mapcount; PageAnonExclusive moves to every
 * subpage. Context: ptl held.
 * Return: 0, or -ENOMEM when no PTE table can be had (nothing changed).
 */
int __split_huge_pmd_locked(struct vm_area_struct *vma, pmd_t *pmdp, unsigned long haddr)
{
	struct mm_struct *mm = vma->vm_mm;
	pmd_t pmd = pmdp_get(pmdp);
	struct folio *folio;
	pte_t *table;
	int i;

	if (!pmd_leaf(pmd))
		return 0;
	table = pgtable_alloc(mm);
	if (!table)
		return -ENOMEM;
	folio = page_folio(pte_page(pmd));
	if (folio_test_huge_zero(folio)) {
		for (i = 0; i < HPAGE_PMD_NR; i++) {
			unsigned long a = haddr + ((unsigned long)i << PAGE_SHIFT);

			table[i] = pfn_pte(my_zero_pfn(a), (pmd & ~(PTE_PFN_MASK | _PAGE_PSE | _PAGE_RW))) |
				   _PAGE_SPECIAL;
		}
	} else {
		bool exclusive = PageAnonExclusive(&folio->page);
		unsigned long prot = pmd & ~(PTE_PFN_MASK | _PAGE_PSE);

		for (i = 0; i < HPAGE_PMD_NR; i++) {
			struct page *p = folio_page(folio, i);

			if (exclusive)
				SetPageAnonExclusive(p);
			page_dup_rmap(p, false);
			table[i] = pfn_pte(page_to_pfn(p), prot);
		}
		folio_ref_add(folio, HPAGE_PMD_NR - 1);
		page_remove_rmap(&folio->page, true);
	}
	set_pmd(pmdp, (unsigned long)table | _PAGE_TABLE);
	mod_node_page_state(THP_SPLIT_PMD, 1);
	return 0;
}

/**
 * split_huge_pmd_address() - split the PMD mapping of @vma at @address.
 * @vma: the VMA.
 * @address: any address in the 2 MiB range.
 *
 * Nothing to do unless a PMD leaf maps the range; then it becomes 512 PTE
 * mappings of the same folio (__split_huge_pmd_locked()).
 * Context: mmap_lock held; takes the ptl.
 * Return: 0, or -ENOMEM if the PTE table could not be allocated.
 */
int split_huge_pmd_address(struct vm_area_struct *vma, unsigned long address)
{
	struct mm_struct *mm = vma->vm_mm;
	pmd_t *pmdp = pmd_offset_mm(mm, address, false);
	int ret = 0;

	if (!pmdp)
		return 0;
	pthread_mutex_lock(&mm->page_table_lock);
	if (pmd_leaf(pmdp_get(pmdp)))
		ret = __split_huge_pmd_locked(vma, pmdp, address & PMD_MASK);
	pthread_mutex_unlock(&mm->page_table_lock);
	return ret;
}

/**
 * do_huge_pmd_wp_page() - write or unshare fault on a read-only PMD.
 * @vma: the VMA.
 * @pmdp: the PMD slot.
 * @address: the faulting address.
 * @flags: FAULT_FLAG_*.
 *
 * Reuse an exclusive (or only singly referenced) THP; otherwise split and
 * let the PTE level COW. A FOLL_FORCE write to a mapping without VM_WRITE
 * splits too: the PTE level reuses the page and keeps it read-only.
 * Context: mmap_lock held; takes the ptl.
 * Return: 0 (reused), VM_FAULT_FALLBACK (split, or no longer a PMD leaf:
 * retry at the PTE level) or VM_FAULT_OOM.
 */
vm_fault_t do_huge_pmd_wp_page(struct vm_area_struct *vma, pmd_t *pmdp,
			       unsigned long address, unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long haddr = address & PMD_MASK;
	struct folio *folio;
	pmd_t pmd;
	int err;

	pthread_mutex_lock(&mm->page_table_lock);
	pmd = pmdp_get(pmdp);
	if (!pmd_leaf(pmd)) {
		pthread_mutex_unlock(&mm->page_table_lock);
		return VM_FAULT_FALLBACK;
	}
	folio = page_folio(pte_page(pmd));
	if (!folio_test_huge_zero(folio) && !(vma->vm_flags & VM_SHARED)) {
		bool reuse = PageAnonExclusive(&folio->page);

		if (!reuse && folio_ref_count(folio) == 1 &&
		    atomic_read(&folio->_entire_mapcount) == 0) {
			SetPageAnonExclusive(&folio->page);
			reuse = true;
		}
		/*
		 * A FOLL_FORCE write to a R/O private mapping reuses too, but
		 * the PMD must stay read-only (the kernel's maybe_pmd_mkwrite()
		 * needs VM_WRITE), or a plain store would then go through a
		 * PROT_READ mapping. The kernel's follow_trans_huge_pmd() lets
		 * such a write through a R/O PMD (can_follow_write_pmd()); here
		 * GUP follows R/O PTEs only, so split and let the PTE level
		 * reuse the (still exclusive) subpage, R/O as well.
		 */
		if (reuse && (flags & FAULT_FLAG_WRITE) && !(vma->vm_flags & VM_WRITE))
			reuse = false;
		if (reuse) {
			if (flags & FAULT_FLAG_WRITE)
				set_pmd(pmdp, pmd | _PAGE_RW | _PAGE_DIRTY);
			pthread_mutex_unlock(&mm->page_table_lock);
			return 0;
		}
	}
	err = __split_huge_pmd_locked(vma, pmdp, haddr);
	pthread_mutex_unlock(&mm->page_table_lock);
	return err ? VM_FAULT_OOM : VM_FAULT_FALLBACK;
}

/**
 * zap_huge_pmd() - unmap a whole PMD mapping.
 * @vma: the VMA.
 * @pmdp: the PMD slot; cleared.
 * @haddr: the 2 MiB-aligned address it maps.
 *
 * Drops the mapping's reference on the folio (none for the huge zero
 * folio). Context: ptl held.
 */
void zap_huge_pmd(struct vm_area_struct *vma, pmd_t *pmdp, unsigned long haddr)
{
	pmd_t pmd = ptep_get_and_clear(pmdp);
	struct folio *folio;

	if (!pmd_leaf(pmd))
		return;
	folio = page_folio(pte_page(pmd));
	if (folio_test_huge_zero(folio))
		return;
	page_remove_rmap(&folio->page, true);
	atomic_long_sub(HPAGE_PMD_NR, &vma->vm_mm->rss_anon);
	trace_page_event(folio_pfn(folio), PE_UNMAP, (long)haddr);
	folio_put(folio);
}

/**
 * copy_huge_pmd() - fork of one PMD mapping.
 * @dst_vma: the child's VMA.
 * @src_vma: the parent's VMA.
 * @dst_pmd: the child's PMD slot.
 * @src_pmd: the parent's PMD slot.
 * @haddr: the 2 MiB-aligned address.
 *
 * Context: source ptl held.
 * Return: 0, or -EAGAIN asking the caller to split the source PMD and copy
 * per PTE: the folio may be pinned, so the child must get copies.
 */
int copy_huge_pmd(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma,
		  pmd_t *dst_pmd, pmd_t *src_pmd, unsigned long haddr)
{
	struct mm_struct *src_mm = src_vma->vm_mm;
	pmd_t pmd = pmdp_get(src_pmd);
	struct folio *folio = page_folio(pte_page(pmd));

	if (folio_test_huge_zero(folio)) {
		set_pmd(dst_pmd, pmd);
		set_bit(MMF_HUGE_ZERO_PAGE, &dst_vma->vm_mm->flags);
		return 0;
	}
	if (PageAnonExclusive(&folio->page) && test_bit(MMF_HAS_PINNED, &src_mm->flags) &&
	    folio_maybe_dma_pinned(folio))
		return -EAGAIN;
	ClearPageAnonExclusive(&folio->page);
	folio_get(folio);
	page_dup_rmap(&folio->page, true);
	atomic_long_add(HPAGE_PMD_NR, &dst_vma->vm_mm->rss_anon);
	if (is_cow_mapping(src_vma->vm_flags)) {
		pmd = pte_wrprotect(pmd);
		set_pmd(src_pmd, pmd);
	}
	set_pmd(dst_pmd, pmd);
	return 0;
}

/* ---- splitting large page-cache folios ----------------------------------------- */

/**
 * split_folio() - split the locked, large page-cache @folio into order-0
 * folios (split_huge_page_to_list(), v6.5, for file folios).
 * @folio: locked, large, in a page cache; the caller holds one reference.
 *
 * As can_split_folio() demands, nobody may hold the folio but the cache and
 * the caller: a pin makes it -EBUSY at once (the kernel's -EAGAIN; before
 * the unmap, so a pinned folio keeps its mappings). Otherwise the folio is
 * unmapped from every VMA (the kernel unmaps and remaps; here the next
 * access faults the new small folio in) and the references are counted
 * again. Success: every page is an order-0 folio indexed in its place, with
 * the cache's reference, the old flags (uptodate, dirty) and no lock but
 * the first one's; the caller's reference and lock stay on the first.
 * Takes no pin. Return: 0, -EBUSY (held elsewhere, pinned, under
 * writeback), -EINVAL (not a large page-cache folio), -ENOMEM.
 */
int split_folio(struct folio *folio)
{
	struct address_space *mapping = folio->mapping;
	int err;

	VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio);
	if (!folio_test_large(folio) || !mapping || folio_test_anon(folio))
		return -EINVAL;
	if (folio_maybe_dma_pinned(folio) || folio_test_writeback(folio))
		return -EBUSY;
	if (folio_unmap_mapping(folio))
		folio_mark_dirty(folio);	/* a store through a PTE must not be lost */
	/* The cache's reference and the caller's, nothing else (checked again there). */
	err = filemap_split_folio_index(mapping, folio);
	if (!err)
		mod_node_page_state(THP_SPLIT_PAGE, 1);
	return err;
}
