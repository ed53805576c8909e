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

bool mmap_lock_is_held(struct mm_struct *mm)
{
	int i;

	for (i = 0; i < MAX_HELD_MMS; i++)
		if (held_mms[i] == mm)
			return true;
	return false;
}

void mmap_read_lock(struct mm_struct *mm)
{
	pthread_rwlock_rdlock(&mm->mmap_lock);
	note_held(mm);
}

void mmap_read_unlock(struct mm_struct *mm)
{
	note_released(mm);
	pthread_rwlock_unlock(&mm->mmap_lock);
}

void mmap_write_lock(struct mm_struct *mm)
{
	pthread_rwlock_wrlock(&mm->mmap_lock);
	note_held(mm);
}

void mmap_write_unlock(struct mm_struct *mm)
{
	note_released(mm);
	pthread_rwlock_unlock(&mm->mmap_lock);
}
