// SPDX-License-Identifier: GPL-2.0
/*
 * mm/mmap.c - VMAs and the mmap()/munmap() system calls of a simulated mm.
 *
 * Models mm/mmap.c: a sorted list of VMAs per mm (the kernel's maple tree
 * buys nothing at the handful of VMAs a test maps), get_unmapped_area()
 * (bottom-up first fit, 2 MiB aligned for large anonymous mappings so THP
 * can be used), splitting a VMA at an address, and unmapping. Host
 * PROT_* / MAP_* values are accepted. File mappings are provided by the
 * filesystem layer through mmap_file_hook. Left out: VMA merging, mremap,
 * stack growth, rlimits.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <pinio/fault-inject.h>
#include "mm/internal.h"

#define MMAP_MIN_ADDR	0x10000000UL
#define MMAP_BASE	0x100000000UL

/* Set by the filesystem layer: set up @vma for a mapping of @fd at @off. */
int (*mmap_file_hook)(struct vm_area_struct *vma, int fd, off_t off);

/**
 * vm_area_alloc() - a zeroed VMA for @mm, not yet linked into it.
 * @mm: the address space it will belong to.
 *
 * Fails when FAULT_META_ALLOC is injected.
 * Return: the VMA (free with vm_area_free()), or NULL.
 */
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	struct vm_area_struct *vma;

	if (should_fail_alloc(FAULT_META_ALLOC))
		return NULL;
	vma = calloc(1, sizeof(*vma));
	if (!vma)
		return NULL;
	vma->vm_mm = mm;
	INIT_LIST_HEAD(&vma->vm_list);
	return vma;
}

/**
 * vm_area_dup() - copy @orig for fork or a split, not yet linked.
 * @orig: the VMA to copy.
 *
 * The copy shares @orig's file and vm_ops; vm_ops->open() is called on it
 * so that the backing object (a simfs file, a shmem object) counts the new
 * mapping.
 * Return: the copy, or NULL on allocation failure.
 */
struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig)
{
	struct vm_area_struct *vma = vm_area_alloc(orig->vm_mm);

	if (!vma)
		return NULL;
	*vma = *orig;
	INIT_LIST_HEAD(&vma->vm_list);
	if (vma->vm_ops && vma->vm_ops->open)
		vma->vm_ops->open(vma);
	return vma;
}

/**
 * vm_area_free() - free an unlinked @vma, calling vm_ops->close() first.
 * @vma: from vm_area_alloc() or vm_area_dup(), no longer in any mm.
 */
void vm_area_free(struct vm_area_struct *vma)
{
	if (vma->vm_ops && vma->vm_ops->close)
		vma->vm_ops->close(vma);
	free(vma);
}

/**
 * vma_link() - insert @vma into @mm's VMA list in address order.
 * @mm: the address space.
 * @vma: a VMA that overlaps no other in @mm.
 *
 * Context: mmap_lock held for write.
 */
void vma_link(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *pos;

	vma->vm_mm = mm;
	list_for_each_entry(pos, &mm->mmap, vm_list) {
		if (pos->vm_start >= vma->vm_end) {
			list_add_tail(&vma->vm_list, &pos->vm_list);
			mm->map_count++;
			return;
		}
	}
	list_add_tail(&vma->vm_list, &mm->mmap);
	mm->map_count++;
}

/**
 * vma_unlink() - remove @vma from @mm's VMA list; the caller frees it.
 * @mm: the address space.
 * @vma: a VMA linked into @mm.
 *
 * Context: mmap_lock held for write.
 */
void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma)
{
	list_del_init(&vma->vm_list);
	mm->map_count--;
}

/**
 * find_vma() - the first VMA with vm_end > @addr, or NULL.
 * @mm: the address space.
 * @addr: a user address.
 * Context: mmap_lock held.
 */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	list_for_each_entry(vma, &mm->mmap, vm_list)
		if (vma->vm_end > addr)
			return vma;
	return NULL;
}

/**
 * vma_lookup() - the VMA containing @addr, or NULL.
 * @mm: the address space.
 * @addr: a user address.
 * Context: mmap_lock held.
 */
struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	return (vma && vma->vm_start <= addr) ? vma : NULL;
}

/**
 * split_vma() - split @vma at @addr into [start, addr) and [addr, end).
 * @mm: the address space @vma is linked into.
 * @vma: the VMA to split.
 * @addr: where (page aligned); outside (@vma->vm_start, @vma->vm_end) nothing happens.
 *
 * A PMD mapping straddling @addr is split into PTEs first.
 * Return: 0 or -ENOMEM.
 */
int split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr)
{
	struct vm_area_struct *new;

	if (addr <= vma->vm_start || addr >= vma->vm_end)
		return 0;
	if ((addr & ~PMD_MASK) && split_huge_pmd_address(vma, addr))
		return -ENOMEM;
	new = vm_area_dup(vma);
	if (!new)
		return -ENOMEM;
	new->vm_start = addr;
	new->vm_pgoff += (addr - vma->vm_start) >> PAGE_SHIFT;
	vma->vm_end = addr;
	list_add(&new->vm_list, &vma->vm_list);
	mm->map_count++;
	return 0;
}

/* Does [addr, addr+len) overlap no VMA? */
static bool range_free(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	return !vma || vma->vm_start >= addr + len;
}

static unsigned long get_unmapped_area(struct mm_struct *mm, unsigned long hint,
				       unsigned long len)
{
	unsigned long align = (len >= PMD_SIZE) ? PMD_SIZE : PAGE_SIZE;
	unsigned long addr = MMAP_BASE;
	struct vm_area_struct *vma;

	if (hint && IS_ALIGNED(hint, PAGE_SIZE) && hint >= MMAP_MIN_ADDR &&
	    hint <= TASK_SIZE_MAX - len && range_free(mm, hint, len))
		return hint;
	list_for_each_entry(vma, &mm->mmap, vm_list) {
		addr = ALIGN(addr, align);
		if (addr + len <= vma->vm_start)
			return addr;
		if (vma->vm_end > addr)
			addr = vma->vm_end;
	}
	addr = ALIGN(addr, align);
	if (addr > TASK_SIZE_MAX || len > TASK_SIZE_MAX - addr)
		return (unsigned long)-ENOMEM;
	return addr;
}

/**
 * do_munmap() - unmap [@start, @start+@len) in @mm.
 * @mm: the address space.
 * @start: first address (page aligned).
 * @len: bytes (page aligned).
 * Context: mmap_lock held for write.
 * Return: 0 or -ENOMEM (a split needed memory; nothing was unmapped).
 */
int do_munmap(struct mm_struct *mm, unsigned long start, size_t len)
{
	unsigned long end = start + len;
	struct vm_area_struct *vma, *next;

	vma = find_vma(mm, start);
	if (!vma || vma->vm_start >= end)
		return 0;
	/*
	 * Both splits before anything is unmapped, as do_vmi_align_munmap()
	 * does: a failed split leaves every page mapped (a split already
	 * made stays, which is harmless).
	 */
	if (vma->vm_start < start && split_vma(mm, vma, start))
		return -ENOMEM;
	vma = vma_lookup(mm, end);
	if (vma && vma->vm_start < end && split_vma(mm, vma, end))
		return -ENOMEM;
	list_for_each_entry_safe(vma, next, &mm->mmap, vm_list) {
		if (vma->vm_start >= end)
			break;
		if (vma->vm_end <= start)
			continue;
		zap_page_range(vma, vma->vm_start, vma->vm_end);
		vma_unlink(mm, vma);
		vm_area_free(vma);
	}
	return 0;
}

static unsigned long prot_to_vm_flags(int prot)
{
	unsigned long f = 0;

	if (prot & PROT_READ)
		f |= VM_READ;
	if (prot & PROT_WRITE)
		f |= VM_WRITE;
	if (prot & PROT_EXEC)
		f |= VM_EXEC;
	return f;
}

static void populate_range(struct vm_area_struct *vma)
{
	bool write = (vma->vm_flags & VM_WRITE) && !(vma->vm_flags & VM_SHARED);
	unsigned long a;

	for (a = vma->vm_start; a < vma->vm_end; a += PAGE_SIZE)
		if (handle_mm_fault(vma, a, write ? FAULT_FLAG_WRITE : 0) & VM_FAULT_ERROR)
			break;
}

/**
 * sim_mmap() - mmap(2) in the current task's address space.
 * @addr: hint, or the exact address with MAP_FIXED.
 * @len: bytes (rounded up to pages).
 * @prot: PROT_READ | PROT_WRITE | PROT_EXEC, or PROT_NONE.
 * @flags: MAP_PRIVATE or MAP_SHARED, with MAP_ANONYMOUS, MAP_FIXED,
 *	MAP_FIXED_NOREPLACE, MAP_POPULATE, MAP_NORESERVE.
 * @fd: -1 for anonymous memory, else a file of the current task.
 * @off: file offset (page aligned).
 *
 * Return: the address, or -errno as an IS_ERR_VALUE() address: -EINVAL
 * (len 0, bad flags, misaligned), -ENOMEM (no room), -EEXIST
 * (MAP_FIXED_NOREPLACE over a mapping), -EBADF/-ENODEV (file mapping).
 */
unsigned long sim_mmap(unsigned long addr, size_t len, int prot, int flags, int fd, off_t off)
{
	struct mm_struct *mm = current ? current->mm : NULL;
	struct vm_area_struct *vma;
	unsigned long vm_flags;
	int type = flags & MAP_TYPE;
	int err;

	if (!mm)
		return (unsigned long)-EINVAL;
	if (!len || (off & (off_t)~PAGE_MASK) || off < 0)
		return (unsigned long)-EINVAL;
	if (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE)
		return (unsigned long)-EINVAL;
	if (len > TASK_SIZE_MAX)
		return (unsigned long)-ENOMEM;
	len = ALIGN(len, PAGE_SIZE);
	if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) &&
	    (!IS_ALIGNED(addr, PAGE_SIZE) || addr < MMAP_MIN_ADDR))
		return (unsigned long)-EINVAL;
	if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && addr > TASK_SIZE_MAX - len)
		return (unsigned long)-ENOMEM;
	if (!(flags & MAP_ANONYMOUS) && (fd < 0 || !mmap_file_hook))
		return (unsigned long)(fd < 0 ? -EBADF : -ENODEV);

	vm_flags = prot_to_vm_flags(prot) | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	if (type != MAP_PRIVATE)
		vm_flags |= VM_SHARED | VM_MAYSHARE;
	if (flags & MAP_NORESERVE)
		vm_flags |= VM_NORESERVE;

	mmap_write_lock(mm);
	if (flags & MAP_FIXED_NOREPLACE) {
		if (!range_free(mm, addr, len)) {
			err = -EEXIST;
			goto out_unlock;
		}
	} else if (flags & MAP_FIXED) {
		err = do_munmap(mm, addr, len);
		if (err)
			goto out_unlock;
	} else {
		addr = get_unmapped_area(mm, addr, len);
		if (IS_ERR_VALUE(addr)) {
			err = (int)(long)addr;
			goto out_unlock;
		}
	}
	vma = vm_area_alloc(mm);
	if (!vma) {
		err = -ENOMEM;
		goto out_unlock;
	}
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = vm_flags;
	vma->vm_pgoff = (unsigned long)off >> PAGE_SHIFT;
	if (!(flags & MAP_ANONYMOUS)) {
		err = mmap_file_hook(vma, fd, off);
		if (err)
			goto out_free;
	} else if (vm_flags & VM_SHARED) {
		err = shmem_zero_setup(vma, len);
		if (err)
			goto out_free;
	}
	vma_link(mm, vma);
	if (flags & MAP_POPULATE)
		populate_range(vma);
	mmap_write_unlock(mm);
	return addr;

out_free:
	free(vma);
out_unlock:
	mmap_write_unlock(mm);
	return (unsigned long)(long)err;
}

/**
 * sim_munmap() - munmap(2) in the current task's address space.
 * @addr: start of the range (page aligned).
 * @len: its length in bytes (rounded up to pages).
 *
 * Pinned pages stay allocated (unmapped) until their pins are dropped.
 * Return: 0, -EINVAL (misaligned, len 0, out of range), -ENOMEM.
 */
int sim_munmap(unsigned long addr, size_t len)
{
	struct mm_struct *mm = current ? current->mm : NULL;
	int ret;

	if (!mm || !IS_ALIGNED(addr, PAGE_SIZE) || !len || len > TASK_SIZE_MAX ||
	    addr > TASK_SIZE_MAX - ALIGN(len, PAGE_SIZE))
		return -EINVAL;
	mmap_write_lock(mm);
	ret = do_munmap(mm, addr, ALIGN(len, PAGE_SIZE));
	mmap_write_unlock(mm);
	return ret;
}
