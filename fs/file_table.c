// SPDX-License-Identifier: GPL-2.0
/*
 * fs/file_table.c - allocating and releasing open files.
 *
 * Models the kernel's fs/file_table.c: a file starts with one reference,
 * get_file()/fput() move it, and the last fput() calls f_op->release and
 * frees the file. Simplified: the release runs in the caller's context
 * (the kernel defers it to task work); no credentials, no path, no
 * per-superblock lists. Files are counted for leak reports.
 */
#include <errno.h>
#include <stdlib.h>
#include <pinio/bug.h>
#include <pinio/fs.h>
#include <pinio/err.h>
#include <pinio/fault-inject.h>

static atomic_long_t live_files;

struct file *alloc_file(const struct file_operations *fop, unsigned int flags,
			void *private_data)
{
	struct file *f;

	if (should_fail_alloc(FAULT_META_ALLOC))
		return ERR_PTR(-ENOMEM);
	f = calloc(1, sizeof(*f));
	if (!f)
		return ERR_PTR(-ENOMEM);
	f->f_op = fop;
	f->f_flags = flags;
	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		f->f_mode = FMODE_READ;
		break;
	case O_WRONLY:
		f->f_mode = FMODE_WRITE;
		break;
	default:
		f->f_mode = FMODE_READ | FMODE_WRITE;
		break;
	}
	f->f_mode |= FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;
	if ((f->f_mode & FMODE_READ) && fop->read_iter)
		f->f_mode |= FMODE_CAN_READ;
	if ((f->f_mode & FMODE_WRITE) && fop->write_iter)
		f->f_mode |= FMODE_CAN_WRITE;
	f->private_data = private_data;
	atomic_long_set(&f->f_count, 1);
	pthread_mutex_init(&f->f_pos_lock, NULL);
	atomic_long_inc(&live_files);
	return f;
}

void fput(struct file *file)
{
	long left = atomic_long_add_return(-1, &file->f_count);

	if (WARN_ON_ONCE(left < 0))
		return;
	if (left)
		return;
	if (file->f_op->release)
		file->f_op->release(file);
	pthread_mutex_destroy(&file->f_pos_lock);
	free(file);
	atomic_long_dec(&live_files);
}

/**
 * nr_live_files() - count the open files not yet released.
 *
 * A file counts from alloc_file() until the fput() that drops its last
 * reference; a reference held by asynchronous I/O in flight (a kiocb's
 * ki_filp) keeps it counted. The leak ledger expects zero between cases.
 *
 * Context: any thread; lock-free.
 * Return: the number of live struct files.
 */
long nr_live_files(void)
{
	return atomic_long_read(&live_files);
}
