// SPDX-License-Identifier: GPL-2.0
/*
 * mm/madvise.c - madvise(2) of the current task.
 *
 * Models mm/madvise.c for MADV_DONTNEED (zap: pinned pages stay allocated
 * but unmapped, the next touch refaults), MADV_DONTFORK/MADV_DOFORK
 * (VM_DONTCOPY) and MADV_HUGEPAGE/MADV_NOHUGEPAGE. VMAs are split at the
 * range's ends for the flag-changing advices. A hole in the range gives
 * -ENOMEM after the mapped parts were advised, as in the kernel. Unlike
 * the kernel, MADV_DONTNEED inside a THP can fail with -ENOMEM (no PTE
 * table for the split: see dontneed_range()).
 */
#include <sys/mman.h>
#include "mm/internal.h"

static int madvise_update_flags(struct mm_struct *mm, struct vm_area_struct *vma,
				unsigned long start, unsigned long end,
				unsigned long set, unsigned long clear)
{
	int err;

	if (vma->vm_start < start) {
		err = split_vma(mm, vma, start);
		if (err)
			return err;
		vma = vma_lookup(mm, start);
	}
	if (vma->vm_end > end) {
		err = split_vma(mm, vma, end);
		if (err)
			return err;
	}
	vma->vm_flags = (vma->vm_flags & ~clear) | set;
	return 0;
}

/*
 * MADV_DONTNEED of [@s, @e): a PMD-mapped THP straddling either end is
 * split first, so that only the range is zapped. The kernel's split
 * cannot fail (a PTE table was deposited at fault time); ours can, and
 * then the call fails with -ENOMEM before zapping, instead of zapping
 * the whole 2 MiB and losing the data around the range.
 */
static int dontneed_range(struct vm_area_struct *vma, unsigned long s, unsigned long e)
{
	if ((s & ~PMD_MASK) && split_huge_pmd_address(vma, s))
		return -ENOMEM;
	if ((e & ~PMD_MASK) && split_huge_pmd_address(vma, e))
		return -ENOMEM;
	zap_page_range(vma, s, e);
	return 0;
}

/**
 * sim_madvise() - give advice about [@addr, @addr+@len).
 * @addr: start of the range (page aligned).
 * @len: its length in bytes (rounded up to pages).
 * @advice: MADV_DONTNEED, MADV_DONTFORK, MADV_DOFORK, MADV_HUGEPAGE,
 *	MADV_NOHUGEPAGE.
 *
 * Return: 0, -EINVAL (misaligned, unknown advice, a range that wraps the
 * address space), -ENOMEM (unmapped part, or no memory to split a VMA or
 * a PMD mapping).
 */
int sim_madvise(unsigned long addr, size_t len, int advice)
{
	struct mm_struct *mm = current ? current->mm : NULL;
	struct vm_area_struct *vma;
	unsigned long end, a;
	size_t aligned;
	bool hole = false;
	int err = 0;

	if (!mm || !IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	switch (advice) {
	case MADV_DONTNEED: case MADV_DONTFORK: case MADV_DOFORK:
	case MADV_HUGEPAGE: case MADV_NOHUGEPAGE:
		break;
	default:
		return -EINVAL;
	}
	/*
	 * As the kernel: a length PAGE_ALIGN() rounds up to 0 and an end that
	 * wraps are -EINVAL; a range running past the mapped space is only a
	 * hole (-ENOMEM below).
	 */
	aligned = ALIGN(len, PAGE_SIZE);
	if (len && !aligned)
		return -EINVAL;
	end = addr + aligned;
	if (end < addr)
		return -EINVAL;
	if (end == addr)
		return 0;

	mmap_write_lock(mm);
	for (a = addr; a < end && !err;) {
		unsigned long s, e;

		vma = find_vma(mm, a);
		if (!vma || vma->vm_start >= end) {
			hole = true;
			break;
		}
		if (vma->vm_start > a)
			hole = true;
		s = max(a, vma->vm_start);
		e = min(end, vma->vm_end);
		switch (advice) {
		case MADV_DONTNEED:
			err = dontneed_range(vma, s, e);
			break;
		case MADV_DONTFORK:
			err = madvise_update_flags(mm, vma, s, e, VM_DONTCOPY, 0);
			break;
		case MADV_DOFORK:
			err = madvise_update_flags(mm, vma, s, e, 0, VM_DONTCOPY);
			break;
		case MADV_HUGEPAGE:
			err = madvise_update_flags(mm, vma, s, e, VM_HUGEPAGE, VM_NOHUGEPAGE);
			break;
		case MADV_NOHUGEPAGE:
			err = madvise_update_flags(mm, vma, s, e, VM_NOHUGEPAGE, VM_HUGEPAGE);
			break;
		}
		a = e;
	}
	mmap_write_unlock(mm);
	if (err)
		return err;
	return hole ? -ENOMEM : 0;
}
