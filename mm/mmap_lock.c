// SPDX-License-Identifier: GPL-2.0
/*
 * mm/mmap_lock.c - the mmap_lock of an mm (a pthread rwlock) with the
 * ownership tracking lockdep would give the kernel: each host thread knows
 * which mms it holds, so functions that require the lock can assert it.
 */
#include "mm/internal.h"

#define MAX_HELD_MMS 8

static __thread struct mm_struct *held_mms[MAX_HELD_MMS];

static void note_held(struct mm_struct *mm)
{
	int i;

	for (i = 0; i < MAX_HELD_MMS; i++) {
		if (!held_mms[i]) {
			held_mms[i] = mm;
			return;
		}
	}
	BUG();
}

static void note_released(struct mm_struct *mm)
{
	int i;

	for (i = MAX_HELD_MMS - 1; i >= 0; i--) {
		if (held_mms[i] == mm) {
			held_mms[i] = NULL;
			return;
		}
	}
	BUG();
}

/**
 * mmap_lock_is_held() - does this host thread hold @mm's mmap_lock?
 * @mm: the address space.
 *
 * Either mode counts. The record is per thread, as lockdep's would be, so
 * a function that needs the lock can check it (GUP WARNs without it).
 * Return: true if this thread took it and has not released it.
 */
bool mmap_lock_is_held(struct mm_struct *mm)
{
	int i;

	for (i = 0; i < MAX_HELD_MMS; i++)
		if (held_mms[i] == mm)
			return true;
	return false;
}

/**
 * mmap_read_lock() - take @mm's mmap_lock shared.
 * @mm: the address space.
 *
 * Context: sleeps (blocks the host thread) while a writer holds it; a
 * thread holds at most 8 mms' locks at once (more is a BUG()).
 */
void mmap_read_lock(struct mm_struct *mm)
{
	pthread_rwlock_rdlock(&mm->mmap_lock);
	note_held(mm);
}

/**
 * mmap_read_unlock() - release @mm's mmap_lock taken by mmap_read_lock().
 * @mm: the address space.
 *
 * Releasing a lock this thread does not hold is a BUG().
 */
void mmap_read_unlock(struct mm_struct *mm)
{
	note_released(mm);
	pthread_rwlock_unlock(&mm->mmap_lock);
}

/**
 * mmap_write_lock() - take @mm's mmap_lock exclusive.
 * @mm: the address space.
 *
 * Context: blocks until no reader or writer holds it.
 */
void mmap_write_lock(struct mm_struct *mm)
{
	pthread_rwlock_wrlock(&mm->mmap_lock);
	note_held(mm);
}

/**
 * mmap_write_unlock() - release @mm's mmap_lock taken by mmap_write_lock().
 * @mm: the address space.
 */
void mmap_write_unlock(struct mm_struct *mm)
{
	note_released(mm);
	pthread_rwlock_unlock(&mm->mmap_lock);
}
