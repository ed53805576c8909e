// SPDX-License-Identifier: GPL-2.0
/*
 * mm/mprotect.c - mprotect(2) of the current task.
 *
 * Models mm/mprotect.c: the range must be fully mapped (-ENOMEM), VMAs are
 * split at its ends, and PTEs are rewritten by change_protection(). Making
 * a private mapping writable does not make its PTEs writable: the next
 * write fault reuses an exclusive page or breaks COW (the RO->RW variant
 * of R05). Left out: PROT_GROWSUP/DOWN, pkeys.
 */
#include <sys/mman.h>
#include "mm/internal.h"

/**
 * sim_mprotect() - change the protection of [@addr, @addr+@len).
 * @addr: start of the range (page aligned).
 * @len: its length in bytes (rounded up to pages).
 * @prot: PROT_READ | PROT_WRITE | PROT_EXEC, or PROT_NONE.
 *
 * Return: 0, -EINVAL (misaligned or unknown bits), -ENOMEM (a hole in the
 * range, a range that wraps the address space, or no memory to split),
 * -EACCES (write on a mapping that may not be written).
 */
int sim_mprotect(unsigned long addr, size_t len, int prot)
{
	struct mm_struct *mm = current ? current->mm : NULL;
	struct vm_area_struct *vma;
	unsigned long end, newbits = 0, a;
	int err = 0;

	/* The kernel's order: alignment, len 0, a wrapping end, then prot. */
	if (!mm || !IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	if (!len)
		return 0;
	len = ALIGN(len, PAGE_SIZE);	/* 0 if it wrapped: end <= addr below */
	end = addr + len;
	if (end <= addr || end > TASK_SIZE_MAX)
		return -ENOMEM;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	if (prot & PROT_READ)
		newbits |= VM_READ;
	if (prot & PROT_WRITE)
		newbits |= VM_WRITE;
	if (prot & PROT_EXEC)
		newbits |= VM_EXEC;

	mmap_write_lock(mm);
	/* Check the whole range first: nothing changes on error. */
	for (a = addr; a < end;) {
		vma = vma_lookup(mm, a);
		if (!vma) {
			err = -ENOMEM;
			goto out;
		}
		if ((newbits & VM_WRITE) && !(vma->vm_flags & VM_MAYWRITE)) {
			err = -EACCES;
			goto out;
		}
		a = vma->vm_end;
	}
	for (a = addr; a < end;) {
		vma = vma_lookup(mm, a);
		if (vma->vm_start < a) {
			err = split_vma(mm, vma, a);
			if (err)
				goto out;
			vma = vma_lookup(mm, a);
		}
		if (vma->vm_end > end) {
			err = split_vma(mm, vma, end);
			if (err)
				goto out;
		}
		vma->vm_flags = (vma->vm_flags & ~(VM_READ | VM_WRITE | VM_EXEC)) | newbits;
		change_protection(vma, vma->vm_start, vma->vm_end, vma->vm_flags);
		a = vma->vm_end;
	}
out:
	mmap_write_unlock(mm);
	return err;
}
