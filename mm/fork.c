// SPDX-License-Identifier: GPL-2.0
/*
 * mm/fork.c - creating, duplicating and tearing down address spaces.
 *
 * Models the mm half of kernel/fork.c (mm_alloc, dup_mm, dup_mmap, mmput)
 * and exit_mmap() of mm/mmap.c. dup_mmap copies every VMA except
 * VM_DONTCOPY ones (MADV_DONTFORK) and their page tables through
 * copy_page_range(); a failure part-way tears the half-built child down
 * and leaves the parent as it was, apart from COW write-protection, which
 * is harmless (scenarios.md bad input 31, F9).
 */
#include <stdlib.h>
#include <string.h>
#include <pinio/fault-inject.h>
#include "mm/internal.h"

LIST_HEAD(all_mms);
static pthread_mutex_t mm_list_mutex = PTHREAD_MUTEX_INITIALIZER;
static atomic_long_t live_mms;

/**
 * mm_list_lock() - lock the list of live mms (all_mms).
 *
 * Held while an mm is added to or removed from the list, and by
 * sim_check() while it walks every address space.
 */
void mm_list_lock(void)
{
	pthread_mutex_lock(&mm_list_mutex);
}

/**
 * mm_list_unlock() - release the lock taken by mm_list_lock().
 */
void mm_list_unlock(void)
{
	pthread_mutex_unlock(&mm_list_mutex);
}

/**
 * nr_live_mms() - mms created by mm_alloc() and not yet torn down.
 *
 * For the leak ledger: it must be back to its baseline after every case.
 * Return: the count.
 */
long nr_live_mms(void)
{
	return atomic_long_read(&live_mms);
}

/**
 * mm_alloc() - a new, empty address space with one user.
 * Return: the mm or NULL.
 */
struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm;

	if (should_fail_alloc(FAULT_META_ALLOC))
		return NULL;
	mm = calloc(1, sizeof(*mm));
	if (!mm)
		return NULL;
	mm->pgd = pgtable_alloc(mm);
	if (!mm->pgd) {
		free(mm);
		return NULL;
	}
	INIT_LIST_HEAD(&mm->mmap);
	pthread_rwlock_init(&mm->mmap_lock, NULL);
	pthread_mutex_init(&mm->page_table_lock, NULL);
	atomic_set(&mm->mm_users, 1);
	mm_list_lock();
	list_add_tail(&mm->mm_list, &all_mms);
	mm_list_unlock();
	atomic_long_inc(&live_mms);
	return mm;
}

/**
 * mmget() - add a user of @mm; mmput() drops it.
 * @mm: an address space with at least one user already.
 */
void mmget(struct mm_struct *mm)
{
	atomic_inc(&mm->mm_users);
}

/**
 * exit_mmap() - unmap everything and free the page tables.
 * @mm: the address space whose last user is gone.
 *
 * Every mapping's reference is dropped; pinned pages outlive the mm until
 * unpinned (R-GUP-9: pins belong to the pinner, not to the mapping).
 */
void exit_mmap(struct mm_struct *mm)
{
	struct vm_area_struct *vma, *next;

	mmap_write_lock(mm);
	list_for_each_entry(vma, &mm->mmap, vm_list)
		zap_page_range(vma, vma->vm_start, vma->vm_end);
	list_for_each_entry_safe(vma, next, &mm->mmap, vm_list) {
		vma_unlink(mm, vma);
		vm_area_free(vma);
	}
	free_pgd_range(mm);
	mmap_write_unlock(mm);
}

/**
 * mmput() - drop a user of @mm; the last one tears it down.
 * @mm: an address space with at least one user.
 */
void mmput(struct mm_struct *mm)
{
	if (!atomic_dec_and_test(&mm->mm_users))
		return;
	exit_mmap(mm);
	mm_list_lock();
	list_del(&mm->mm_list);
	mm_list_unlock();
	pgtable_free(mm, mm->pgd);
	pthread_rwlock_destroy(&mm->mmap_lock);
	pthread_mutex_destroy(&mm->page_table_lock);
	free(mm);
	atomic_long_dec(&live_mms);
}

/**
 * dup_mm() - fork's copy of @oldmm.
 * @oldmm: the parent's address space.
 *
 * Context: takes @oldmm's mmap_lock for write.
 * Return: the child's mm, or ERR_PTR(-ENOMEM) with nothing left behind.
 */
struct mm_struct *dup_mm(struct mm_struct *oldmm)
{
	struct mm_struct *mm = mm_alloc();
	struct vm_area_struct *vma, *tmp;
	int err = 0;

	if (!mm)
		return ERR_PTR(-ENOMEM);
	mmap_write_lock(oldmm);
	mmap_write_lock(mm);
	/*
	 * The mmap_lock does not keep GUP-fast out: another thread of @oldmm
	 * may be setting MMF_HAS_PINNED (set_bit()) right now.
	 */
	mm->flags = READ_ONCE(oldmm->flags) & ~(BIT(MMF_HAS_PINNED) | BIT(MMF_HUGE_ZERO_PAGE));
	list_for_each_entry(vma, &oldmm->mmap, vm_list) {
		if (vma->vm_flags & VM_DONTCOPY)
			continue;
		tmp = vm_area_dup(vma);
		if (!tmp) {
			err = -ENOMEM;
			break;
		}
		tmp->vm_mm = mm;
		list_add_tail(&tmp->vm_list, &mm->mmap);
		mm->map_count++;
		err = copy_page_range(tmp, vma);
		if (err)
			break;
	}
	mmap_write_unlock(mm);
	mmap_write_unlock(oldmm);
	if (err) {
		mmput(mm);
		return ERR_PTR(err);
	}
	return mm;
}
