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

/* One more direct I/O in flight on @inode. */
void inode_dio_begin(struct inode *inode)
{
	atomic_inc(&inode->i_dio_count);
}

/*
 * A direct I/O on @inode is finished (any thread, also a DMA completion):
 * wake inode_dio_wait() when it was the last one.
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

/* Wait until no direct I/O is in flight on @inode (the caller blocks new ones). */
void inode_dio_wait(struct inode *inode)
{
	pthread_mutex_lock(&inode_dio_lock);
	while (__atomic_load_n(&inode->i_dio_count.counter, __ATOMIC_ACQUIRE) > 0)
		pthread_cond_wait(&inode_dio_cond, &inode_dio_lock);
	pthread_mutex_unlock(&inode_dio_lock);
}
