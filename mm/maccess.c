// SPDX-License-Identifier: GPL-2.0
/*
 * mm/maccess.c - the CPU's view of user memory: loads and stores through
 * the page tables, faulting as a CPU would.
 *
 * Models the user-copy helpers (copy_from_user/copy_to_user, and
 * arch/x86/mm/fault.c's handling of the faults they take). A present PTE
 * with the right permission is used directly (a write sets the PTE's dirty
 * bit, as the MMU does); otherwise the fault handler runs: a read of
 * untouched anonymous memory maps the zero page, a write allocates or
 * breaks COW, and a missing or inaccessible mapping is -EFAULT. The frame is
 * held by a speculative reference while it is copied, so a racing munmap or
 * COW in another thread cannot free it mid-copy.
 */
#include <string.h>
#include <pinio/fault-inject.h>
#include <pinio/uaccess.h>
#include "mm/internal.h"

enum uaccess { UA_READ, UA_WRITE, UA_MEMSET };

/* The page mapped at @addr with the access allowed, held; NULL if none. */
static struct page *user_page_get(struct mm_struct *mm, unsigned long addr, bool write,
				  pte_t **ptepp)
{
	pmd_t *pmdp = pmd_lookup_lockless(mm, addr);
	struct page *page;
	pte_t pte, *ptep = NULL;
	pmd_t pmd;

	if (!pmdp)
		return NULL;
	pmd = pmdp_get(pmdp);
	if (pmd_leaf(pmd)) {
		pte = pmd;
		page = pte_page(pmd) + pte_index(addr);
	} else if (pmd_table(pmd)) {
		ptep = &pmd_pgtable(pmd)[pte_index(addr)];
		pte = ptep_get(ptep);
		if (!pte_present(pte) || pte_protnone(pte))
			return NULL;
		page = pte_page(pte);
	} else {
		return NULL;
	}
	if (!pte_present(pte) || pte_protnone(pte) || (write && !pte_write(pte)))
		return NULL;
	if (!folio_try_get(page_folio(page)))
		return NULL;
	/* Re-check: the mapping may have changed before we held the frame. */
	if ((ptep ? ptep_get(ptep) : pmdp_get(pmdp)) != pte) {
		folio_put(page_folio(page));
		return NULL;
	}
	*ptepp = ptep ? ptep : pmdp;
	return page;
}

static ssize_t user_access(unsigned long addr, void *buf, const void *src, int c,
			   size_t len, enum uaccess how)
{
	struct mm_struct *mm = current ? current->mm : NULL;
	bool write = how != UA_READ;
	size_t done = 0;
	int err = -EFAULT, tries = 0;

	if (!mm)
		return -EFAULT;
	if (!len)
		return 0;
	if (len > TASK_SIZE_MAX || addr > TASK_SIZE_MAX - len)
		return -EFAULT;
	if (should_fail_alloc(FAULT_USER_COPY))
		return -EFAULT;
	mmap_read_lock(mm);
	while (done < len) {
		unsigned long a = addr + done;
		size_t off = a & ~PAGE_MASK, n = min(PAGE_SIZE - off, len - done);
		struct vm_area_struct *vma;
		struct page *page;
		pte_t *ptep;
		void *kaddr;
		vm_fault_t ret;

		page = user_page_get(mm, a, write, &ptep);
		if (!page) {
			vma = vma_lookup(mm, a);
			if (!vma || (write && !(vma->vm_flags & VM_WRITE)) ||
			    (!write && !(vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC))))
				break;
			ret = handle_mm_fault(vma, a, write ? FAULT_FLAG_WRITE : 0);
			if (ret & VM_FAULT_ERROR || ++tries > 16) {
				if (ret & VM_FAULT_OOM)
					err = -ENOMEM;
				break;
			}
			continue;
		}
		kaddr = (char *)page_address(page) + off;
		switch (how) {
		case UA_READ:
			memcpy((char *)buf + done, kaddr, n);
			break;
		case UA_WRITE:
			memcpy(kaddr, (const char *)src + done, n);
			break;
		case UA_MEMSET:
			memset(kaddr, c, n);
			break;
		}
		if (write)
			__atomic_fetch_or(ptep, _PAGE_DIRTY | _PAGE_ACCESSED, __ATOMIC_RELAXED);
		folio_put(page_folio(page));
		done += n;
		tries = 0;
	}
	mmap_read_unlock(mm);
	return done ? (ssize_t)done : err;
}

/**
 * sim_user_read() - load @len bytes at user address @addr into @buf.
 *
 * Return: bytes read (short if a later page faults), or -EFAULT/-ENOMEM if
 * nothing could be read.
 */
ssize_t sim_user_read(unsigned long addr, void *buf, size_t len)
{
	return user_access(addr, buf, NULL, 0, len, UA_READ);
}

/**
 * sim_user_write() - store @len bytes from @buf at user address @addr.
 *
 * Return: bytes written, or -EFAULT/-ENOMEM if nothing could be written.
 */
ssize_t sim_user_write(unsigned long addr, const void *buf, size_t len)
{
	return user_access(addr, NULL, buf, 0, len, UA_WRITE);
}

/**
 * sim_user_memset() - store @len bytes of @c at user address @addr.
 * @addr: simulated user address in current's mm.
 * @c: the byte value.
 * @len: bytes to set.
 *
 * As sim_user_write(): write faults allocate or break COW as a CPU store
 * would, and the first inaccessible page stops it.
 * Return: bytes set, or -EFAULT/-ENOMEM if nothing could be set.
 */
ssize_t sim_user_memset(unsigned long addr, int c, size_t len)
{
	return user_access(addr, NULL, NULL, c, len, UA_MEMSET);
}

/**
 * copy_from_user() - the kernel's name: copy from user address @from.
 * Return: the number of bytes NOT copied (0 on success).
 */
unsigned long copy_from_user(void *to, unsigned long from, unsigned long n)
{
	ssize_t r = sim_user_read(from, to, n);

	return r < 0 ? n : n - (unsigned long)r;
}

/**
 * copy_to_user() - the kernel's name: copy to user address @to.
 * Return: the number of bytes NOT copied (0 on success).
 */
unsigned long copy_to_user(unsigned long to, const void *from, unsigned long n)
{
	ssize_t r = sim_user_write(to, from, n);

	return r < 0 ? n : n - (unsigned long)r;
}
