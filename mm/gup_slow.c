// SPDX-License-Identifier: GPL-2.0
/*
 * mm/gup_slow.c - the slow path of get_user_pages() and pin_user_pages():
 * following pages under the mmap_lock, faulting them in, and the entry
 * points that only take the slow path.
 *
 * Part of the kernel's mm/gup.c (v6.5), split off from pinio's mm/gup.c,
 * which keeps the grab/release primitives, unpinning and the lock-free
 * fast path. Here: follow_page_mask() (PTE and PMD leaves, under the page
 * table lock), faultin_page() with unsharing for R/O long-term pins
 * (R-GUP-3..7), __get_user_pages() and its locked wrappers, and
 * get/pin_user_pages{,_unlocked,_remote}(). Partial success returns the
 * count and keeps exactly those pages (R-GUP-9).
 */
#include "mm/internal.h"

/**
 * gup_must_unshare() - must this R/O pin unshare the page before taking it?
 * @vma: the mapping of the page, or NULL from GUP-fast (no VMA known).
 * @flags: the FOLL_* flags of the request.
 * @page: the page mapped read-only at the address.
 *
 * Only a read-only pin (FOLL_PIN without FOLL_WRITE) can need it. An anon
 * page must be exclusive to this process (PageAnonExclusive) before it is
 * pinned, or a later COW could leave the pin on a page the process no
 * longer maps (R-GUP-10). A non-anon page (page cache, the zero page)
 * needs it only for FOLL_LONGTERM in a private (COW) mapping, so a
 * long-term pin never holds the shared zero page; a short-term pin may.
 * Without @vma the answer for a non-anon long-term pin is true, which
 * sends GUP-fast to the slow path (R-GUP-7).
 *
 * Context: page table lock held (slow path) or inside the GUP-fast walk;
 * the caller re-checks under the same protection it read the PTE with.
 * Return: true if the caller must not pin @page but fault with
 * FAULT_FLAG_UNSHARE (slow path: follow_page_mask() answers -EMLINK) or
 * fall back to the slow path (GUP-fast); false if it may pin it.
 */
bool gup_must_unshare(struct vm_area_struct *vma, unsigned int flags, struct page *page)
{
	if ((flags & (FOLL_WRITE | FOLL_PIN)) != FOLL_PIN)
		return false;
	if (!PageAnon(page)) {
		/* Short-term R/O pins may see the zero page or the page cache. */
		if (!(flags & FOLL_LONGTERM))
			return false;
		if (!vma)
			return true;
		return is_cow_mapping(vma->vm_flags);
	}
	smp_rmb();
	return !PageAnonExclusive(page);
}

static bool vma_needs_dirty_tracking(struct vm_area_struct *vma)
{
	return (vma->vm_flags & VM_SHARED) && vma->vm_ops && vma->vm_ops->needs_dirty_tracking;
}

static bool writable_file_mapping_allowed(struct vm_area_struct *vma, unsigned int gup_flags)
{
	if ((gup_flags & (FOLL_PIN | FOLL_LONGTERM)) != (FOLL_PIN | FOLL_LONGTERM))
		return true;
	return !vma_needs_dirty_tracking(vma);
}

static int check_vma_flags(struct vm_area_struct *vma, unsigned int gup_flags)
{
	unsigned long vm_flags = vma->vm_flags;
	bool write = gup_flags & FOLL_WRITE;

	if (vm_flags & (VM_IO | VM_PFNMAP))
		return -EFAULT;
	if ((gup_flags & FOLL_ANON) && !vma_is_anonymous(vma))
		return -EFAULT;
	if (write) {
		if (!vma_is_anonymous(vma) && !writable_file_mapping_allowed(vma, gup_flags))
			return -EFAULT;
		if (!(vm_flags & VM_WRITE)) {
			if (!(gup_flags & FOLL_FORCE))
				return -EFAULT;
			if (!is_cow_mapping(vm_flags))
				return -EFAULT;
		}
	} else if (!(vm_flags & VM_READ)) {
		if (!(gup_flags & FOLL_FORCE))
			return -EFAULT;
		if (!(vm_flags & VM_MAYREAD))
			return -EFAULT;
	}
	return 0;
}

/* A FOLL_FORCE write may follow an exclusive anon page in a R/O COW mapping. */
static bool can_follow_write_pte(pte_t pte, struct page *page, struct vm_area_struct *vma,
				 unsigned int flags)
{
	if (pte_write(pte))
		return true;
	if (!(flags & FOLL_FORCE))
		return false;
	if (vma->vm_flags & (VM_MAYSHARE | VM_SHARED))
		return false;
	if (!(vma->vm_flags & VM_MAYWRITE) || (vma->vm_flags & VM_WRITE))
		return false;
	return page && PageAnon(page) && PageAnonExclusive(page);
}

struct follow_page_context {
	unsigned int page_mask;
};

/*
 * no_page_table(): nothing is mapped at the address (no table, or a none
 * PTE). A core dump (FOLL_DUMP) of anonymous memory nobody has touched must
 * not fault pages or page tables in just to find zeroes: -EFAULT leaves a
 * hole in the dump, as the kernel's no_page_table() does (R-GUP-5).
 * Otherwise NULL: the caller faults the page in.
 */
static struct page *no_page_table(struct vm_area_struct *vma, unsigned int flags)
{
	if ((flags & FOLL_DUMP) && (vma_is_anonymous(vma) || !vma->vm_ops->fault))
		return ERR_PTR(-EFAULT);
	return NULL;
}

static struct page *follow_page_pte(struct vm_area_struct *vma, unsigned long address,
				    pte_t *ptep, unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *page;
	pte_t pte;
	int ret;

	pthread_mutex_lock(&mm->page_table_lock);
	pte = ptep_get(ptep);
	if (!pte_present(pte) || pte_protnone(pte)) {
		page = pte_none(pte) ? no_page_table(vma, flags) : NULL;
		goto out;
	}
	page = pte_special(pte) ? NULL : pte_page(pte);
	if ((flags & FOLL_WRITE) && !can_follow_write_pte(pte, page, vma, flags)) {
		page = NULL;
		goto out;
	}
	if (!page) {
		if (flags & FOLL_DUMP) {
			page = ERR_PTR(-EFAULT);
			goto out;
		}
		/*
		 * The kernel answers -EEXIST for any other special PTE (a
		 * VM_MIXEDMAP pfn without a struct page), which
		 * __get_user_pages() fails with when it wants pages. The
		 * simulation maps no such memory: the zero pages are its only
		 * special PTEs, so anything else is a page-table bug.
		 */
		if (WARN_ON_ONCE(!is_zero_pfn(pte_pfn(pte)))) {
			page = ERR_PTR(-EFAULT);
			goto out;
		}
		page = pte_page(pte);	/* the exact colour mapped here */
	}
	if (!pte_write(pte) && gup_must_unshare(vma, flags, page)) {
		page = ERR_PTR(-EMLINK);
		goto out;
	}
	ret = try_grab_page(page, flags);
	if (ret) {
		page = ERR_PTR(ret);
		goto out;
	}
	if ((flags & FOLL_TOUCH) && (flags & FOLL_WRITE) && !pte_dirty(pte) &&
	    !PageDirty(page) && !is_zero_page(page))
		set_page_dirty(page);
out:
	pthread_mutex_unlock(&mm->page_table_lock);
	return page;
}

static struct page *follow_huge_pmd(struct vm_area_struct *vma, unsigned long address,
				    pmd_t *pmdp, unsigned int flags,
				    struct follow_page_context *ctx)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *page;
	pmd_t pmd;
	int ret;

	pthread_mutex_lock(&mm->page_table_lock);
	pmd = pmdp_get(pmdp);
	if (!pmd_leaf(pmd)) {
		pthread_mutex_unlock(&mm->page_table_lock);
		return ERR_PTR(-EAGAIN);	/* split under us: walk the PTEs */
	}
	if (pte_protnone(pmd) || ((flags & FOLL_WRITE) && !pte_write(pmd))) {
		page = NULL;
		goto out;
	}
	page = pte_page(pmd) + pte_index(address);
	if ((flags & FOLL_DUMP) && folio_test_huge_zero(page_folio(page))) {
		page = ERR_PTR(-EFAULT);
		goto out;
	}
	/*
	 * A PMD mapping keeps PageAnonExclusive on the head page only, so ask
	 * about the head, as follow_trans_huge_pmd() does with pmd_page().
	 * Asking about a tail subpage would demand an unshare that the fault
	 * handler (rightly) finds nothing to do for: -EMLINK until GUP gives
	 * up with -EFAULT (R-GUP-7, R06 on an exclusive R/O THP).
	 */
	if (!pte_write(pmd) && gup_must_unshare(vma, flags, pte_page(pmd))) {
		page = ERR_PTR(-EMLINK);
		goto out;
	}
	ret = try_grab_page(page, flags);
	if (ret) {
		page = ERR_PTR(ret);
		goto out;
	}
	ctx->page_mask = HPAGE_PMD_NR - 1;
out:
	pthread_mutex_unlock(&mm->page_table_lock);
	return page;
}

static struct page *follow_page_mask(struct vm_area_struct *vma, unsigned long address,
				     unsigned int flags, struct follow_page_context *ctx)
{
	pmd_t *pmdp;
	pte_t *ptep;

	ctx->page_mask = 0;
	for (;;) {
		struct page *page;

		pmdp = pmd_offset_mm(vma->vm_mm, address, false);
		if (!pmdp || pmd_none(pmdp_get(pmdp)))
			return no_page_table(vma, flags);
		if (!pmd_leaf(pmdp_get(pmdp)))
			break;
		page = follow_huge_pmd(vma, address, pmdp, flags, ctx);
		if (page != ERR_PTR(-EAGAIN))
			return page;
	}
	ptep = pte_offset_mm(vma->vm_mm, address, false);
	if (!ptep)
		return no_page_table(vma, flags);
	return follow_page_pte(vma, address, ptep, flags);
}

static int vm_fault_to_errno(vm_fault_t ret, unsigned int foll_flags)
{
	if (ret & VM_FAULT_OOM)
		return -ENOMEM;
	if (ret & VM_FAULT_HWPOISON)
		return (foll_flags & FOLL_HWPOISON) ? -EHWPOISON : -EFAULT;
	if (ret & (VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV))
		return -EFAULT;
	return 0;
}

static int faultin_page(struct vm_area_struct *vma, unsigned long address,
			unsigned int flags, bool unshare)
{
	unsigned int fault_flags = 0;
	vm_fault_t ret;

	if (flags & FOLL_NOFAULT)
		return -EFAULT;
	if (flags & FOLL_WRITE)
		fault_flags |= FAULT_FLAG_WRITE;
	if (flags & FOLL_REMOTE)
		fault_flags |= FAULT_FLAG_REMOTE;
	if (unshare) {
		fault_flags |= FAULT_FLAG_UNSHARE;
		VM_BUG_ON(fault_flags & FAULT_FLAG_WRITE);
	}
	ret = handle_mm_fault(vma, address, fault_flags);
	if (ret & VM_FAULT_ERROR)
		return vm_fault_to_errno(ret, flags);
	return 0;
}

/* __get_user_pages(): the slow path proper. Context: mmap_lock held. */
static long __get_user_pages(struct mm_struct *mm, unsigned long start, unsigned long nr_pages,
			     unsigned int gup_flags, struct page **pages)
{
	struct follow_page_context ctx = { 0 };
	struct vm_area_struct *vma = NULL;
	long ret = 0, i = 0;

	if (!nr_pages)
		return 0;
	start &= PAGE_MASK;
	do {
		unsigned int page_increm;
		struct page *page;
		int retries = 0;

		if (!vma || start >= vma->vm_end) {
			vma = vma_lookup(mm, start);
			if (!vma) {
				ret = -EFAULT;
				goto out;
			}
			ret = check_vma_flags(vma, gup_flags);
			if (ret)
				goto out;
		}
retry:
		page = follow_page_mask(vma, start, gup_flags, &ctx);
		if (!page || PTR_ERR(page) == -EMLINK) {
			ret = faultin_page(vma, start, gup_flags, PTR_ERR(page) == -EMLINK);
			if (!ret && ++retries < 64)
				goto retry;
			if (!ret)
				ret = -EFAULT;
			goto out;
		} else if (IS_ERR(page)) {
			ret = PTR_ERR(page);
			goto out;
		}
		page_increm = 1 + (~(start >> PAGE_SHIFT) & ctx.page_mask);
		if (page_increm > nr_pages)
			page_increm = (unsigned int)nr_pages;
		if (pages) {
			unsigned int j;

			if (page_increm > 1) {
				/* The rest of this large folio, as one grab. */
				struct folio *folio = try_grab_folio(page, (int)page_increm - 1,
								     gup_flags);

				if (WARN_ON_ONCE(!folio)) {
					gup_put_folio(page_folio(page), 1, gup_flags);
					ret = -EFAULT;
					goto out;
				}
			}
			for (j = 0; j < page_increm; j++)
				pages[i + j] = page + j;
		}
		mod_node_page_state(GUP_SLOW_PAGES, page_increm);
		i += page_increm;
		start += (unsigned long)page_increm << PAGE_SHIFT;
		nr_pages -= page_increm;
	} while (nr_pages);
out:
	return i ? i : ret;
}

/*
 * __get_user_pages_locked(): take the mmap_lock if the caller does not
 * hold it (*locked == 0), and add FOLL_GET when pages are wanted without a
 * pin.
 */
static long __get_user_pages_locked(struct mm_struct *mm, unsigned long start,
				    unsigned long nr_pages, struct page **pages, int *locked,
				    unsigned int flags)
{
	bool must_unlock = false;
	long ret;

	if (!*locked) {
		mmap_read_lock(mm);
		must_unlock = true;
		*locked = 1;
	} else if (WARN_ON_ONCE(!mmap_lock_is_held(mm))) {
		return -EINVAL;
	}
	if (flags & FOLL_PIN)
		set_bit(MMF_HAS_PINNED, &mm->flags);
	if (pages && !(flags & FOLL_PIN))
		flags |= FOLL_GET;
	ret = __get_user_pages(mm, start, nr_pages, flags, pages);
	if (must_unlock) {
		mmap_read_unlock(mm);
		*locked = 0;
	}
	return ret;
}

/**
 * __gup_longterm_locked() - the slow path, also GUP-fast's fallback.
 * @mm: the address space.
 * @start: first user address.
 * @nr_pages: pages wanted.
 * @pages: out: one entry per page grabbed (or NULL to fault in only).
 * @locked: *@locked == 0: take and drop the mmap_lock here; 1: held.
 * @gup_flags: checked flags.
 *
 * FOLL_LONGTERM would migrate unpinnable pages first; all of ours are
 * pinnable, so this is __get_user_pages_locked().
 * Return: pages grabbed, or -errno if none.
 */
long __gup_longterm_locked(struct mm_struct *mm, unsigned long start, unsigned long nr_pages,
			   struct page **pages, int *locked, unsigned int gup_flags)
{
	return __get_user_pages_locked(mm, start, nr_pages, pages, locked, gup_flags);
}

/* ---- the entry points of the slow path ---------------------------------- */

/**
 * get_user_pages() - references on user pages of current; slow path only.
 * @start: user address (rounded down to a page).
 * @nr_pages: pages wanted.
 * @gup_flags: FOLL_WRITE, FOLL_FORCE, ...; not FOLL_PIN.
 * @pages: may be NULL to only fault the pages in.
 *
 * Context: current->mm's mmap_lock held (WARN and -EINVAL otherwise).
 * Return: as get_user_pages_fast().
 */
long get_user_pages(unsigned long start, unsigned long nr_pages, unsigned int gup_flags,
		    struct page **pages)
{
	int locked = 1;

	if (!is_valid_gup_args(pages, NULL, &gup_flags, FOLL_TOUCH))
		return -EINVAL;
	if (!current || !current->mm)
		return -EFAULT;
	return __get_user_pages_locked(current->mm, start, nr_pages, pages, &locked, gup_flags);
}

/**
 * pin_user_pages() - pins on user pages of current; slow path only.
 * @start: user address (rounded down to a page).
 * @nr_pages: pages wanted.
 * @gup_flags: FOLL_WRITE, FOLL_LONGTERM, ...; FOLL_PIN is added.
 * @pages: out: one entry per page pinned.
 *
 * Context: current->mm's mmap_lock held.
 * Return: pages pinned; 0 (not -EINVAL) if the flags are invalid (R-GUP-1).
 */
long pin_user_pages(unsigned long start, unsigned long nr_pages, unsigned int gup_flags,
		    struct page **pages)
{
	int locked = 1;

	if (!is_valid_gup_args(pages, NULL, &gup_flags, FOLL_PIN))
		return 0;
	if (!current || !current->mm)
		return -EFAULT;
	return __gup_longterm_locked(current->mm, start, nr_pages, pages, &locked, gup_flags);
}

/**
 * get_user_pages_unlocked() - get_user_pages() taking the mmap_lock itself.
 * @start: user address (rounded down to a page).
 * @nr_pages: pages wanted.
 * @pages: out: one entry per page grabbed.
 * @gup_flags: FOLL_WRITE, FOLL_FORCE, ...; not FOLL_PIN.
 */
long get_user_pages_unlocked(unsigned long start, unsigned long nr_pages,
			     struct page **pages, unsigned int gup_flags)
{
	int locked = 0;

	if (!is_valid_gup_args(pages, NULL, &gup_flags, FOLL_TOUCH | FOLL_UNLOCKABLE))
		return -EINVAL;
	if (!current || !current->mm)
		return -EFAULT;
	return __get_user_pages_locked(current->mm, start, nr_pages, pages, &locked, gup_flags);
}

/**
 * pin_user_pages_unlocked() - pin_user_pages() taking the mmap_lock itself.
 * @start: user address (rounded down to a page).
 * @nr_pages: pages wanted.
 * @pages: out: one entry per page pinned.
 * @gup_flags: FOLL_WRITE, FOLL_LONGTERM, ...; FOLL_PIN is added.
 *
 * Return: pages pinned; 0 for invalid flags.
 */
long pin_user_pages_unlocked(unsigned long start, unsigned long nr_pages,
			     struct page **pages, unsigned int gup_flags)
{
	int locked = 0;

	if (!is_valid_gup_args(pages, NULL, &gup_flags, FOLL_PIN | FOLL_TOUCH | FOLL_UNLOCKABLE))
		return 0;
	if (!current || !current->mm)
		return -EFAULT;
	return __gup_longterm_locked(current->mm, start, nr_pages, pages, &locked, gup_flags);
}

/**
 * get_user_pages_remote() - references on pages of another @mm.
 * @mm: the address space to walk.
 * @start: user address in @mm (rounded down to a page).
 * @nr_pages: pages wanted.
 * @gup_flags: FOLL_WRITE, FOLL_FORCE, ...; not FOLL_PIN.
 * @pages: out: one entry per page grabbed, or NULL.
 * @locked: NULL or pointing at 1; the caller holds @mm's mmap_lock.
 */
long get_user_pages_remote(struct mm_struct *mm, unsigned long start, unsigned long nr_pages,
			   unsigned int gup_flags, struct page **pages, int *locked)
{
	int local_locked = 1;

	if (!is_valid_gup_args(pages, locked, &gup_flags, FOLL_TOUCH | FOLL_REMOTE))
		return -EINVAL;
	return __get_user_pages_locked(mm, start, nr_pages, pages,
				       locked ? locked : &local_locked, gup_flags);
}

/**
 * pin_user_pages_remote() - pins on pages of another @mm.
 * @mm: the address space to walk.
 * @start: user address in @mm (rounded down to a page).
 * @nr_pages: pages wanted.
 * @gup_flags: FOLL_WRITE, FOLL_LONGTERM, ...; FOLL_PIN is added.
 * @pages: out: one entry per page pinned.
 * @locked: NULL or pointing at 1; the caller holds @mm's mmap_lock.
 *
 * Return: pages pinned; 0 for invalid flags.
 */
long pin_user_pages_remote(struct mm_struct *mm, unsigned long start, unsigned long nr_pages,
			   unsigned int gup_flags, struct page **pages, int *locked)
{
	int local_locked = 1;

	if (!is_valid_gup_args(pages, locked, &gup_flags, FOLL_PIN | FOLL_TOUCH | FOLL_REMOTE))
		return 0;
	return __gup_longterm_locked(mm, start, nr_pages, pages,
				     locked ? locked : &local_locked, gup_flags);
}
