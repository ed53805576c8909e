// SPDX-License-Identifier: GPL-2.0
/*
 * mm/memory.c - zero pages, page faults, copy-on-write, unmapping and the
 * page-table half of fork.
 *
 * Models mm/memory.c (v6.5): a read fault on untouched private anonymous
 * memory maps the coloured zero page with a special PTE (R-GUP-6, R-ZERO-8);
 * a write fault allocates a zeroed folio or breaks COW, reusing a page that
 * is PageAnonExclusive or singly referenced; FAULT_FLAG_UNSHARE copies a
 * shared anon page (or the zero page) for a R/O long-term pin (R-GUP-7);
 * fork shares anon pages COW except an exclusive, maybe-DMA-pinned page of
 * an mm with MMF_HAS_PINNED, which the child gets a copy of at once
 * (R-COW-2). Left out: swap, NUMA, userfaultfd, KSM, mlock.
 */
#include <string.h>
#include <pinio/fault-inject.h>
#include <pinio/trace.h>
#include "mm/internal.h"

unsigned long zero_pfn;
unsigned long zero_page_mask;
struct folio *huge_zero_folio;
static unsigned int zero_pages_nr;

/**
 * zero_pages_init() - reserve the zero pages (and the huge zero folio).
 * @nr_colours: 1..SIM_MAX_ZERO_PAGES, a power of two.
 * @thp: also reserve the PMD-sized huge zero folio (R-REF-12).
 *
 * The coloured zero pages are 2^order contiguous order-0 pages, as MIPS
 * and s390 reserve them (R-ZERO-3). Each starts with _refcount 1.
 */
int zero_pages_init(unsigned int nr_colours, bool thp)
{
	unsigned int order = 0, i;
	struct folio *block;

	while ((1U << order) < nr_colours)
		order++;
	block = folio_alloc_owner(__GFP_ZERO | __GFP_NOFAIL, order, OWNER_KERNEL);
	if (!block)
		return -ENOMEM;
	/* split_page(): the block becomes 2^order independent small folios. */
	clear_bit(PG_head, &block->flags);
	for (i = 0; i < (1U << order); i++) {
		struct page *p = &block->page + i;

		p->compound_head = 0;
		p->flags = 0;
		set_bit(PG_reserved, &p->flags);
		set_page_count(p, 1);
		atomic_set(&p->_mapcount, -1);
	}
	atomic_long_add((1L << order) - 1, &nr_live_folios);
	zero_pfn = folio_pfn(block);
	zero_page_mask = ((PAGE_SIZE << order) - 1) & PAGE_MASK;
	zero_pages_nr = 1U << order;

	huge_zero_folio = NULL;
	if (thp) {
		huge_zero_folio = folio_alloc_owner(__GFP_ZERO | __GFP_NOFAIL, HPAGE_PMD_ORDER,
						    OWNER_KERNEL);
		if (!huge_zero_folio)
			return -ENOMEM;
		set_bit(PG_huge_zero, &huge_zero_folio->flags);
	}
	return 0;
}

/**
 * nr_zero_pages() - the zero pages (colours) of this boot.
 */
unsigned int nr_zero_pages(void)
{
	return zero_pages_nr;
}

/**
 * zero_pages_exit() - free the zero pages and the huge zero folio.
 *
 * At shutdown: gives the reservations back so that the leak check sees 0.
 * A zero page whose refcount is not back to 1 (an unbalanced get or pin)
 * is reported as a violation first.
 */
void zero_pages_exit(void)
{
	unsigned int i;

	for (i = 0; i < zero_pages_nr; i++) {
		struct page *p = pfn_to_page(zero_pfn + i);

		if (page_ref_count(p) != 1)
			page_alloc_report_violation(p, "zero page refcount not back to 1 at shutdown");
		clear_bit(PG_reserved, &p->flags);
		set_page_count(p, 0);
		free_folio((struct folio *)p);
	}
	if (huge_zero_folio) {
		if (folio_ref_count(huge_zero_folio) != 1 || atomic_read(&huge_zero_folio->_pincount))
			page_alloc_report_violation(&huge_zero_folio->page,
						    "huge zero folio still referenced at shutdown");
		clear_bit(PG_huge_zero, &huge_zero_folio->flags);
		folio_set_count(huge_zero_folio, 0);
		atomic_set(&huge_zero_folio->_pincount, 0);
		free_folio(huge_zero_folio);
		huge_zero_folio = NULL;
	}
	zero_pages_nr = 0;
	zero_page_mask = 0;
	zero_pfn = 0;
}

static pte_t mk_pte_vma(unsigned long pfn, struct vm_area_struct *vma)
{
	return pfn_pte(pfn, vm_pgprot(vma->vm_flags));
}

static pte_t maybe_mkwrite(pte_t pte, struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_WRITE)
		pte = pte_mkwrite(pte);
	return pte;
}

/* Copy one page's contents for COW (the source may be a zero page). */
static void copy_user_page_contents(struct page *dst, struct page *src)
{
	if (!src || is_zero_page(src) || is_huge_zero_page(src))
		memset(page_address(dst), 0, PAGE_SIZE);
	else
		memcpy(page_address(dst), page_address(src), PAGE_SIZE);
}

/* Private anonymous or private file: read faults map the zero page / cache. */
static vm_fault_t do_anonymous_page(struct vm_area_struct *vma, pte_t *ptep,
				    unsigned long addr, unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	struct folio *folio;
	pte_t entry;

	if (!(flags & FAULT_FLAG_WRITE)) {
		bool mapped = false;

		/* A special PTE to the zero page of this address's colour. */
		entry = pfn_pte(my_zero_pfn(addr), vm_pgprot(vma->vm_flags) & ~_PAGE_RW) |
			_PAGE_SPECIAL;
		pthread_mutex_lock(&mm->page_table_lock);
		if (pte_none(ptep_get(ptep))) {
			set_pte(ptep, entry);
			mapped = true;
		}
		pthread_mutex_unlock(&mm->page_table_lock);
		if (mapped)
			trace_page_event_rec(my_zero_pfn(addr), PE_MAP, (long)addr);
		return 0;
	}
	folio = folio_alloc_owner(__GFP_ZERO, 0, OWNER_ANON);
	if (!folio)
		return VM_FAULT_OOM;
	entry = maybe_mkwrite(mk_pte_vma(folio_pfn(folio), vma), vma);
	pthread_mutex_lock(&mm->page_table_lock);
	if (!pte_none(ptep_get(ptep))) {
		pthread_mutex_unlock(&mm->page_table_lock);
		folio_put(folio);
		return 0;
	}
	page_add_anon_rmap_new(folio, vma, addr, false);
	atomic_long_inc(&mm->rss_anon);
	set_pte(ptep, entry);
	pthread_mutex_unlock(&mm->page_table_lock);
	trace_page_event(folio_pfn(folio), PE_FAULT, (long)addr);
	return 0;
}

/* Shared or file-backed: the object supplies the folio (shmem, page cache). */
static vm_fault_t do_fault(struct vm_area_struct *vma, pte_t *ptep, unsigned long addr,
			   unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	struct vm_fault vmf = {
		.vma = vma, .address = addr, .flags = flags,
		.pgoff = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT),
	};
	bool shared = vma->vm_flags & VM_SHARED;
	struct folio *folio, *copy = NULL;
	struct address_space *fmap;
	vm_fault_t ret;
	pte_t entry;

	if (!vma->vm_ops || !vma->vm_ops->fault)
		return VM_FAULT_SIGBUS;
	ret = vma->vm_ops->fault(&vmf);
	if (ret & VM_FAULT_ERROR)
		return ret;
	folio = page_folio(vmf.page);
	if (!shared && (flags & FAULT_FLAG_WRITE)) {
		/* Private write: COW straight away from the cache page. */
		copy = folio_alloc_owner(0, 0, OWNER_ANON);
		if (!copy) {
			folio_put(folio);
			return VM_FAULT_OOM;
		}
		copy_user_page_contents(&copy->page, vmf.page);
	}
	if (shared && (flags & FAULT_FLAG_WRITE) && vma->vm_ops->page_mkwrite) {
		ret = vma->vm_ops->page_mkwrite(&vmf);
		if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE)) {
			/* NOPAGE: the folio left the file; 0 retries the access. */
			folio_put(folio);
			return ret & VM_FAULT_ERROR;
		}
	}
	if (copy) {
		pthread_mutex_lock(&mm->page_table_lock);
		if (!pte_none(ptep_get(ptep))) {
			pthread_mutex_unlock(&mm->page_table_lock);
			folio_put(copy);
			folio_put(folio);
			return 0;
		}
		page_add_anon_rmap_new(copy, vma, addr, false);
		atomic_long_inc(&mm->rss_anon);
		set_pte(ptep, maybe_mkwrite(mk_pte_vma(folio_pfn(copy), vma), vma));
		pthread_mutex_unlock(&mm->page_table_lock);
		folio_put(folio);
		return 0;
	}
	/*
	 * A page-cache folio is mapped only while it is still in the file:
	 * truncate takes it out of the index first and then unmaps it under
	 * i_mmap_lock (truncate_one_folio()), so under that lock we either
	 * install before its unmap walks (which then removes our PTE) or see
	 * the folio gone and let the caller retry (and find EOF). The kernel
	 * gets the same from the folio lock held from ->fault to the PTE.
	 */
	fmap = vma->vm_file ? vma->vm_file->f_mapping : NULL;
	if (fmap) {
		pthread_mutex_lock(&fmap->i_mmap_lock);
		if (READ_ONCE(folio->mapping) != fmap) {
			pthread_mutex_unlock(&fmap->i_mmap_lock);
			folio_put(folio);
			return 0;
		}
	}
	pthread_mutex_lock(&mm->page_table_lock);
	if (!pte_none(ptep_get(ptep))) {
		pthread_mutex_unlock(&mm->page_table_lock);
		if (fmap)
			pthread_mutex_unlock(&fmap->i_mmap_lock);
		folio_put(folio);
		return 0;
	}
	/* The reference from ->fault becomes the mapping's reference. */
	page_dup_rmap(vmf.page, false);
	atomic_long_inc(&mm->rss_file);
	entry = mk_pte_vma(page_to_pfn(vmf.page), vma);
	if (!shared)
		entry = pte_wrprotect(entry);
	else if ((flags & FAULT_FLAG_WRITE) && (vma->vm_flags & VM_WRITE)) {
		entry = pte_mkwrite(entry);
		folio_mark_dirty(folio);
	} else if (vma->vm_ops->needs_dirty_tracking)
		entry = pte_wrprotect(entry);
	set_pte(ptep, entry);
	pthread_mutex_unlock(&mm->page_table_lock);
	if (fmap)
		pthread_mutex_unlock(&fmap->i_mmap_lock);
	trace_page_event_rec(page_to_pfn(vmf.page), PE_MAP, (long)addr);
	return 0;
}

/*
 * Write (or unshare) fault on a present, non-writable PTE. Called with the
 * ptl held and @orig read under it; returns with the ptl released.
 */
static vm_fault_t do_wp_page(struct vm_area_struct *vma, pte_t *ptep, unsigned long addr,
			     unsigned int flags, pte_t orig)
{
	struct mm_struct *mm = vma->vm_mm;
	bool unshare = flags & FAULT_FLAG_UNSHARE;
	struct page *page = NULL;
	struct folio *folio = NULL, *new;
	pte_t entry;

	if (!pte_special(orig)) {
		page = pte_page(orig);
		folio = page_folio(page);
	}

	if (vma->vm_flags & VM_SHARED) {
		/* Shared mapping: no COW, only dirty tracking. */
		if (unshare || !page) {
			pthread_mutex_unlock(&mm->page_table_lock);
			return 0;
		}
		/*
		 * Our own reference across the unlocked ->page_mkwrite(), as
		 * wp_page_shared() takes: a truncate meanwhile may unmap the
		 * PTE and drop the cache's reference, and page_mkwrite must
		 * find an orphan to refuse, not a freed folio.
		 */
		folio_get(folio);
		pthread_mutex_unlock(&mm->page_table_lock);
		if (vma->vm_ops && vma->vm_ops->page_mkwrite) {
			struct vm_fault vmf = { .vma = vma, .address = addr, .flags = flags,
						.page = page };
			vm_fault_t ret = vma->vm_ops->page_mkwrite(&vmf);

			if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE)) {
				/* NOPAGE: the folio left the file; 0 retries. */
				folio_put(folio);
				return ret & VM_FAULT_ERROR;
			}
		}
		pthread_mutex_lock(&mm->page_table_lock);
		if (ptep_get(ptep) == orig) {
			set_pte(ptep, pte_mkwrite(orig));
			folio_mark_dirty(folio);
		}
		pthread_mutex_unlock(&mm->page_table_lock);
		folio_put(folio);
		return 0;
	}

	if (folio && folio_test_anon(folio)) {
		/* Reuse: exclusive, or the only reference is this mapping. */
		bool reuse = PageAnonExclusive(page);

		if (!reuse && !folio_test_large(folio) && folio_ref_count(folio) == 1 &&
		    folio_mapcount(folio) == 1) {
			SetPageAnonExclusive(page);
			reuse = true;
		}
		if (reuse) {
			/* FOLL_FORCE on a R/O private mapping: reuse, but stay R/O. */
			if (!unshare && (vma->vm_flags & VM_WRITE))
				set_pte(ptep, pte_mkwrite(orig));
			pthread_mutex_unlock(&mm->page_table_lock);
			return 0;
		}
	}
	/*
	 * Copy: the zero page, a shared anon page, or a private file page.
	 * The source is read with the ptl dropped: hold it (wp_page_copy()
	 * runs with a reference on vmf->page), or a racing COW of the same
	 * PTE plus the other sharer's unmap, or a truncate of a private file
	 * page, could free it under the copy.
	 */
	if (folio)
		folio_get(folio);
	pthread_mutex_unlock(&mm->page_table_lock);
	new = folio_alloc_owner(0, 0, OWNER_ANON);
	if (!new) {
		if (folio)
			folio_put(folio);
		return VM_FAULT_OOM;
	}
	copy_user_page_contents(&new->page, page);
	entry = mk_pte_vma(folio_pfn(new), vma);
	entry = unshare ? pte_wrprotect(entry) : maybe_mkwrite(entry, vma);

	pthread_mutex_lock(&mm->page_table_lock);
	if (ptep_get(ptep) != orig) {
		/* Raced: someone else resolved it; the caller retries. */
		pthread_mutex_unlock(&mm->page_table_lock);
		folio_put(new);
		if (folio)
			folio_put(folio);
		return 0;
	}
	page_add_anon_rmap_new(new, vma, addr, false);
	atomic_long_inc(&mm->rss_anon);
	set_pte(ptep, entry);
	if (page) {
		page_remove_rmap(page, false);
		if (folio_test_anon(folio))
			atomic_long_dec(&mm->rss_anon);
		else
			atomic_long_dec(&mm->rss_file);
	}
	pthread_mutex_unlock(&mm->page_table_lock);
	if (folio) {
		folio_put(folio);	/* the old PTE's reference */
		folio_put(folio);	/* ours, from before the copy */
	}
	mod_node_page_state(COW_FAULT, 1);
	trace_page_event(folio_pfn(new), PE_COW, (long)addr);
	return 0;
}

static vm_fault_t handle_pte_fault(struct vm_area_struct *vma, pte_t *ptep,
				   unsigned long addr, unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	pte_t pte = ptep_get(ptep);

	if (pte_none(pte)) {
		if (vma_is_anonymous(vma) && !(vma->vm_flags & VM_SHARED))
			return do_anonymous_page(vma, ptep, addr, flags);
		return do_fault(vma, ptep, addr, flags);
	}
	if (pte_protnone(pte))
		return VM_FAULT_SIGSEGV;
	if (!(flags & (FAULT_FLAG_WRITE | FAULT_FLAG_UNSHARE)))
		return 0;
	pthread_mutex_lock(&mm->page_table_lock);
	pte = ptep_get(ptep);
	if (!pte_present(pte) || pte_protnone(pte)) {
		pthread_mutex_unlock(&mm->page_table_lock);
		return 0;	/* changed under us: retry */
	}
	if (flags & FAULT_FLAG_WRITE) {
		if (pte_write(pte)) {
			pthread_mutex_unlock(&mm->page_table_lock);
			return 0;
		}
		return do_wp_page(vma, ptep, addr, flags, pte);
	}
	/* Unshare: only COW mappings, only non-exclusive anon or the zero page. */
	if (!is_cow_mapping(vma->vm_flags) ||
	    (!pte_special(pte) && PageAnonExclusive(pte_page(pte)))) {
		pthread_mutex_unlock(&mm->page_table_lock);
		return 0;
	}
	return do_wp_page(vma, ptep, addr, flags, pte);
}

/**
 * handle_mm_fault() - resolve a fault at @address in @vma.
 * @vma: the VMA containing @address.
 * @address: the faulting user address.
 * @flags: FAULT_FLAG_WRITE for a write access, FAULT_FLAG_UNSHARE to break
 *	sharing of an anon page for a R/O pin.
 *
 * Context: mmap_lock held (read or write).
 * Return: 0 (the caller re-walks; the fault may have raced) or VM_FAULT_*.
 */
vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long address,
			   unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long haddr = address & PMD_MASK;
	pmd_t *pmdp;
	pte_t *ptep;

	mod_node_page_state(PGFAULT, 1);
	pmdp = pmd_offset_mm(mm, address, true);
	if (!pmdp)
		return VM_FAULT_OOM;
	if (pmd_none(pmdp_get(pmdp)) && vma_thp_eligible(vma, haddr)) {
		vm_fault_t ret = do_huge_pmd_anonymous_page(vma, pmdp, address, flags);

		if (!(ret & VM_FAULT_FALLBACK))
			return ret;
	}
	if (pmd_leaf(pmdp_get(pmdp))) {
		pmd_t pmd = pmdp_get(pmdp);

		if (!(flags & (FAULT_FLAG_WRITE | FAULT_FLAG_UNSHARE)) ||
		    ((flags & FAULT_FLAG_WRITE) && pte_write(pmd)))
			return 0;
		if ((flags & FAULT_FLAG_UNSHARE) && !(flags & FAULT_FLAG_WRITE) &&
		    !folio_test_huge_zero(page_folio(pte_page(pmd))) &&
		    PageAnonExclusive(pte_page(pmd)))
			return 0;
		if (!(do_huge_pmd_wp_page(vma, pmdp, address, flags) & VM_FAULT_FALLBACK))
			return 0;
		/* Split into PTEs: handle it at PTE level below. */
	}
	ptep = pte_offset_mm(mm, address, true);
	if (!ptep)
		return pmd_leaf(pmdp_get(pmdp)) ? 0 : VM_FAULT_OOM;
	return handle_pte_fault(vma, ptep, address, flags);
}

/* Unmap one PTE's page; caller holds the ptl. */
static void zap_pte(struct vm_area_struct *vma, pte_t *ptep, unsigned long addr)
{
	pte_t pte = ptep_get_and_clear(ptep);
	struct folio *folio;
	struct page *page;

	if (pte_none(pte) || pte_special(pte))
		return;
	page = pte_page(pte);
	folio = page_folio(page);
	if (pte_dirty(pte) && !folio_test_anon(folio))
		folio_mark_dirty(folio);
	page_remove_rmap(page, false);
	if (folio_test_anon(folio))
		atomic_long_dec(&vma->vm_mm->rss_anon);
	else
		atomic_long_dec(&vma->vm_mm->rss_file);
	trace_page_event(page_to_pfn(page), PE_UNMAP, (long)addr);
	folio_put(folio);
}

/**
 * zap_page_range() - unmap [@start, @end) of @vma, dropping each mapping's
 * reference. Pinned pages stay allocated until their pins are gone.
 * @vma: the VMA to unmap from.
 * @start: first address (page aligned, inside @vma).
 * @end: end of the range (exclusive).
 *
 * Context: mmap_lock held.
 */
void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long addr = start;

	while (addr < end) {
		unsigned long next = min((addr & PMD_MASK) + PMD_SIZE, end);
		pmd_t *pmdp = pmd_offset_mm(mm, addr, false);

		if (!pmdp || pmd_none(pmdp_get(pmdp))) {
			addr = next;
			continue;
		}
		pthread_mutex_lock(&mm->page_table_lock);
		if (pmd_leaf(pmdp_get(pmdp))) {
			if ((addr & ~PMD_MASK) == 0 && next - addr == PMD_SIZE) {
				zap_huge_pmd(vma, pmdp, addr);
				pthread_mutex_unlock(&mm->page_table_lock);
				addr = next;
				continue;
			}
			if (__split_huge_pmd_locked(vma, pmdp, addr & PMD_MASK)) {
				/*
				 * No memory for a PTE table: zap the whole PMD
				 * instead. Unreached by munmap and madvise, which
				 * split partial PMDs first and fail on -ENOMEM.
				 */
				zap_huge_pmd(vma, pmdp, addr & PMD_MASK);
				pthread_mutex_unlock(&mm->page_table_lock);
				addr = next;
				continue;
			}
		}
		if (pmd_table(pmdp_get(pmdp))) {
			pte_t *table = pmd_pgtable(pmdp_get(pmdp));

			for (; addr < next; addr += PAGE_SIZE)
				zap_pte(vma, &table[pte_index(addr)], addr);
		}
		pthread_mutex_unlock(&mm->page_table_lock);
		addr = next;
	}
}

/*
 * Fork, one PTE (copy_present_pte). Returns 0 or -ENOMEM. Called with the
 * parent's ptl held; the child's tables are private to this fork.
 */
static int copy_present_pte(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma,
			    pte_t *dst_pte, pte_t *src_pte, unsigned long addr)
{
	struct mm_struct *src_mm = src_vma->vm_mm;
	pte_t pte = ptep_get(src_pte);
	struct folio *folio, *new;
	struct page *page;

	if (pte_none(pte))
		return 0;
	if (pte_special(pte)) {
		set_pte(dst_pte, pte);	/* zero page: copied as it is (R-ZERO-8) */
		return 0;
	}
	page = pte_page(pte);
	folio = page_folio(page);
	if (folio_test_anon(folio)) {
		if (PageAnonExclusive(page) && test_bit(MMF_HAS_PINNED, &src_mm->flags) &&
		    folio_maybe_dma_pinned(folio)) {
			/* R-COW-2: the child gets its own copy now; the parent keeps the pin. */
			new = folio_alloc_owner(0, 0, OWNER_ANON);
			if (!new)
				return -ENOMEM;
			copy_user_page_contents(&new->page, page);
			page_add_anon_rmap_new(new, dst_vma, addr, false);
			atomic_long_inc(&dst_vma->vm_mm->rss_anon);
			set_pte(dst_pte, maybe_mkwrite(mk_pte_vma(folio_pfn(new), dst_vma), dst_vma));
			mod_node_page_state(COW_FORK_COPY, 1);
			return 0;
		}
		ClearPageAnonExclusive(page);
		folio_get(folio);
		page_dup_rmap(page, false);
		atomic_long_inc(&dst_vma->vm_mm->rss_anon);
		if (is_cow_mapping(src_vma->vm_flags) && pte_write(pte)) {
			pte = pte_wrprotect(pte);
			set_pte(src_pte, pte);
		}
		set_pte(dst_pte, pte);
		trace_page_event_rec(page_to_pfn(page), PE_MAP, (long)addr);
		return 0;
	}
	folio_get(folio);
	page_dup_rmap(page, false);
	atomic_long_inc(&dst_vma->vm_mm->rss_file);
	if (is_cow_mapping(src_vma->vm_flags))
		pte = pte_wrprotect(pte);
	set_pte(dst_pte, pte);
	trace_page_event_rec(page_to_pfn(page), PE_MAP, (long)addr);
	return 0;
}

/**
 * copy_page_range() - fork's copy of @src_vma's page tables into @dst_vma.
 * @dst_vma: the child's copy of @src_vma, in the child's mm.
 * @src_vma: the parent's VMA.
 *
 * Context: both mms' mmap_lock held for write. For COW mappings the
 * parent's write_protect_seq is odd for the duration, so GUP-fast backs
 * off (R-GUP-2).
 * Return: 0 or -ENOMEM (the caller tears the half-built child down).
 */
int copy_page_range(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma)
{
	struct mm_struct *src_mm = src_vma->vm_mm, *dst_mm = dst_vma->vm_mm;
	bool cow = is_cow_mapping(src_vma->vm_flags);
	unsigned long addr = src_vma->vm_start, end = src_vma->vm_end;
	int ret = 0;

	if (cow)
		raw_write_seqcount_begin(&src_mm->write_protect_seq);
	while (addr < end && !ret) {
		unsigned long next = min((addr & PMD_MASK) + PMD_SIZE, end);
		pmd_t *src_pmd = pmd_offset_mm(src_mm, addr, false), *dst_pmd;

		if (!src_pmd || pmd_none(pmdp_get(src_pmd))) {
			addr = next;
			continue;
		}
		dst_pmd = pmd_offset_mm(dst_mm, addr, true);
		if (!dst_pmd) {
			ret = -ENOMEM;
			break;
		}
		pthread_mutex_lock(&src_mm->page_table_lock);
		if (pmd_leaf(pmdp_get(src_pmd))) {
			ret = copy_huge_pmd(dst_vma, src_vma, dst_pmd, src_pmd, addr & PMD_MASK);
			if (ret == -EAGAIN)	/* pinned THP: split and copy per PTE */
				ret = __split_huge_pmd_locked(src_vma, src_pmd, addr & PMD_MASK);
			else {
				pthread_mutex_unlock(&src_mm->page_table_lock);
				addr = next;
				continue;
			}
		}
		if (!ret && pmd_table(pmdp_get(src_pmd))) {
			pte_t *src = pmd_pgtable(pmdp_get(src_pmd));
			pte_t *dst = pte_offset_mm(dst_mm, addr, true);

			if (!dst)
				ret = -ENOMEM;
			for (; !ret && addr < next; addr += PAGE_SIZE, dst++)
				ret = copy_present_pte(dst_vma, src_vma, dst, &src[pte_index(addr)], addr);
		}
		pthread_mutex_unlock(&src_mm->page_table_lock);
		addr = next;
	}
	if (cow)
		raw_write_seqcount_end(&src_mm->write_protect_seq);
	return ret;
}

static pte_t change_pte_prot(pte_t pte, struct vm_area_struct *vma, unsigned long newflags)
{
	unsigned long keep = pte & (PTE_PFN_MASK | _PAGE_SPECIAL | _PAGE_DIRTY | _PAGE_ACCESSED |
				    _PAGE_PSE);
	bool was_writable = pte_write(pte);

	pte = keep | vm_pgprot(newflags);
	if (pte_protnone(pte) || (pte & _PAGE_SPECIAL)) {
		pte &= ~_PAGE_RW;
		return pte;
	}
	if (!(newflags & VM_WRITE))
		pte &= ~_PAGE_RW;
	else if (!(newflags & VM_SHARED) && was_writable)
		pte |= _PAGE_RW;	/* a private page already writable stays so */
	else if ((newflags & VM_SHARED) && vma->vm_ops && vma->vm_ops->needs_dirty_tracking &&
		 !pte_dirty(pte))
		pte &= ~_PAGE_RW;
	return pte;
}

/**
 * change_protection() - rewrite the PTEs of [@start, @end) for @newflags
 * (mprotect). Write access is never granted to a private page that is not
 * already writable: the next write fault decides (reuse or COW).
 * @vma: the VMA whose PTEs change.
 * @start: first address (page aligned, inside @vma).
 * @end: end of the range (exclusive).
 * @newflags: the VMA's new vm_flags (VM_READ, VM_WRITE, ...).
 */
void change_protection(struct vm_area_struct *vma, unsigned long start, unsigned long end,
		       unsigned long newflags)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long addr = start;

	pthread_mutex_lock(&mm->page_table_lock);
	while (addr < end) {
		unsigned long next = min((addr & PMD_MASK) + PMD_SIZE, end);
		pmd_t *pmdp = pmd_offset_mm(mm, addr, false);

		if (!pmdp || pmd_none(pmdp_get(pmdp))) {
			addr = next;
			continue;
		}
		if (pmd_leaf(pmdp_get(pmdp)) &&
		    ((addr & ~PMD_MASK) || next - addr != PMD_SIZE))
			__split_huge_pmd_locked(vma, pmdp, addr & PMD_MASK);
		if (pmd_leaf(pmdp_get(pmdp))) {
			set_pmd(pmdp, change_pte_prot(pmdp_get(pmdp), vma, newflags) | _PAGE_PSE);
		} else if (pmd_table(pmdp_get(pmdp))) {
			pte_t *table = pmd_pgtable(pmdp_get(pmdp));

			for (; addr < next; addr += PAGE_SIZE) {
				pte_t *ptep = &table[pte_index(addr)];

				if (!pte_none(ptep_get(ptep)))
					set_pte(ptep, change_pte_prot(ptep_get(ptep), vma, newflags));
			}
		}
		addr = next;
	}
	pthread_mutex_unlock(&mm->page_table_lock);
}
