// SPDX-License-Identifier: GPL-2.0
/*
 * fs/inode.c - direct I/O accounting on an inode (include/linux/fs.h,
 * fs/inode.c): inode_dio_begin()/inode_dio_end() around every direct I/O,
 * inode_dio_wait() for truncate and other size changes (R-BUG-3, R10).
 *
 * Models the kernel's i_dio_count protocol: begin increments, end
 * decrements and wakes waiters when the count reaches zero, wait sleeps
 * until it is zero. Simplified: one global mutex and condition variable
 * stand in for the kernel's per-inode bit waitqueue (__I_DIO_WAKEUP).
 * Written by the DIO engine work; the filesystem layer may extend this file.
 */
#include <pthread.h>
#include <pinio/bug.h>
#include <pinio/fs.h>

static pthread_mutex_t inode_dio_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t inode_dio_cond = PTHREAD_COND_INITIALIZER;

/**
 * inode_dio_begin() - count one more direct I/O in flight on an inode.
 * @inode: the file's inode.
 *
 * Called by the direct I/O engines before they submit the first bio, with
 * the inode lock held (shared or exclusive) so a truncate holding it
 * exclusively cannot start in between. Each call is paired with exactly
 * one inode_dio_end(), which may run later on a completion thread.
 *
 * Context: any thread; does not sleep.
 */
void inode_dio_begin(struct inode *inode)
{
	atomic_inc(&inode->i_dio_count);
}

/**
 * inode_dio_end() - a direct I/O counted by inode_dio_begin() is finished.
 * @inode: the file's inode.
 *
 * Drops i_dio_count and, when it reaches zero, wakes every thread in
 * inode_dio_wait(). A count that goes negative (an end without a begin)
 * WARNs. All inodes share one wait queue here, so a wakeup may be for
 * another inode; the waiters re-check their own count.
 *
 * Context: any thread, including a device's completion (DMA) thread; may
 * briefly take a global mutex, never sleeps for long.
 */
void inode_dio_end(struct inode *inode)
{
	int left = atomic_dec_return(&inode->i_dio_count);

	WARN_ON_ONCE(left < 0);
	if (left <= 0) {
		pthread_mutex_lock(&inode_dio_lock);
		pthread_cond_broadcast(&inode_dio_cond);
		pthread_mutex_unlock(&inode_dio_lock);
	}
}

/**
 * inode_dio_wait() - wait until no direct I/O is in flight on an inode.
 * @inode: the file's inode.
 *
 * Sleeps until i_dio_count is zero. The caller must stop new direct I/O
 * from starting (a truncate or size change holds i_rwsem exclusively),
 * otherwise the wait may never end; after the return, the file's blocks
 * can be freed without a DMA still writing into them (R-BUG-3, R10).
 * Not interruptible.
 *
 * Context: may sleep.
 */
void inode_dio_wait(struct inode *inode)
{
	pthread_mutex_lock(&inode_dio_lock);
	while (__atomic_load_n(&inode->i_dio_count.counter, __ATOMIC_ACQUIRE) > 0)
		pthread_cond_wait(&inode_dio_cond, &inode_dio_lock);
	pthread_mutex_unlock(&inode_dio_lock);
}
