// SPDX-License-Identifier: GPL-2.0
/*
 * fs/read_write.c - read(), write() and their vector and positioned forms,
 * between the syscalls (sim/syscalls.c) and a file's ->read_iter and
 * ->write_iter.
 *
 * Models fs/read_write.c (v6.5): FMODE_READ/FMODE_WRITE checks (-EBADF),
 * access_ok() (-EFAULT), rw_verify_area() (negative or overflowing
 * positions: -EINVAL), counts clamped to MAX_RW_COUNT, user buffers wrapped
 * in ITER_UBUF or imported iovecs, RWF_* flags into IOCB_* flags, and the
 * vfs_iocb_iter_*() entry that asynchronous callers use. Left out: fsnotify,
 * file locks and leases, sb write protection, readahead accounting.
 */
#include <pinio/fs.h>
#include <pinio/uio.h>
#include <pinio/err.h>

/* The user address range is inside the task's address space (access_ok()). */
static bool access_ok(unsigned long addr, size_t size)
{
	return size <= TASK_SIZE_MAX && addr <= TASK_SIZE_MAX - size;
}

/**
 * rw_verify_area() - may @count bytes be transferred at *@ppos?
 * @read_write: READ or WRITE.
 * @file: the file.
 * @ppos: the position, or NULL for a stream.
 * @count: the byte count.
 *
 * Return: 0, or -EINVAL for a count that is negative as ssize_t, a negative
 * position, or a position plus count that overflows loff_t.
 */
int rw_verify_area(int read_write, struct file *file, const loff_t *ppos, size_t count)
{
	if ((ssize_t)count < 0)
		return -EINVAL;
	if (ppos) {
		loff_t pos = *ppos;

		if (pos < 0)
			return -EINVAL;
		if ((unsigned long long)pos + count > (unsigned long long)LLONG_MAX)
			return -EINVAL;
	}
	return 0;
}

/* RWF_* (preadv2/pwritev2 flags) into IOCB_* (kiocb_set_rw_flags()). */
static int kiocb_set_rw_flags(struct kiocb *ki, int flags)
{
	int kiocb_flags = 0;

	if (!flags)
		return 0;
	if (flags & ~(RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND))
		return -EOPNOTSUPP;
	if (flags & RWF_NOWAIT) {
		if (!(ki->ki_filp->f_mode & FMODE_NOWAIT))
			return -EOPNOTSUPP;
		kiocb_flags |= IOCB_NOWAIT;
	}
	if (flags & RWF_HIPRI)
		kiocb_flags |= IOCB_HIPRI;
	if (flags & RWF_DSYNC)
		kiocb_flags |= IOCB_DSYNC;
	if (flags & RWF_SYNC)
		kiocb_flags |= IOCB_DSYNC | IOCB_SYNC;
	if (flags & RWF_APPEND)
		kiocb_flags |= IOCB_APPEND;
	ki->ki_flags |= kiocb_flags;
	return 0;
}

/* One synchronous ->read_iter/->write_iter call with a kiocb on the stack. */
static ssize_t do_iter_readv_writev(struct file *filp, struct iov_iter *iter, loff_t *ppos,
				    int type, int flags)
{
	struct kiocb kiocb;
	ssize_t ret;

	init_sync_kiocb(&kiocb, filp);
	ret = kiocb_set_rw_flags(&kiocb, flags);
	if (ret)
		return ret;
	kiocb.ki_pos = ppos ? *ppos : 0;
	if (type == WRITE) {
		kiocb.ki_flags |= IOCB_WRITE;
		ret = filp->f_op->write_iter(&kiocb, iter);
	} else {
		ret = filp->f_op->read_iter(&kiocb, iter);
	}
	BUG_ON(ret == -EIOCBQUEUED);
	if (ppos)
		*ppos = kiocb.ki_pos;
	return ret;
}

static int check_read(struct file *file)
{
	if (!(file->f_mode & FMODE_READ))
		return -EBADF;
	if (!(file->f_mode & FMODE_CAN_READ))
		return -EINVAL;
	return 0;
}

static int check_write(struct file *file)
{
	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if (!(file->f_mode & FMODE_CAN_WRITE))
		return -EINVAL;
	return 0;
}

/**
 * vfs_read() - read up to @count bytes into user memory at @buf.
 * @file: the file.
 * @buf: simulated user address.
 * @count: bytes wanted; clamped to MAX_RW_COUNT.
 * @pos: the position, advanced by the bytes read; NULL for a stream.
 *
 * Pins nothing itself: the file's ->read_iter decides (O_DIRECT pins the
 * buffer for the duration of the I/O).
 * Return: bytes read, or -EBADF (not open for reading), -EINVAL, -EFAULT,
 * or the file's error.
 */
ssize_t vfs_read(struct file *file, unsigned long buf, size_t count, loff_t *pos)
{
	struct iov_iter iter;
	ssize_t ret;

	ret = check_read(file);
	if (ret)
		return ret;
	if (!access_ok(buf, count))
		return -EFAULT;
	ret = rw_verify_area(READ, file, pos, count);
	if (ret)
		return ret;
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	iov_iter_ubuf(&iter, ITER_DEST, buf, count);
	return do_iter_readv_writev(file, &iter, pos, READ, 0);
}

/**
 * vfs_write() - write up to @count bytes from user memory at @buf.
 *
 * As vfs_read(), for writing. Return: bytes written, or -EBADF (not open
 * for writing: bad input 28), -EINVAL, -EFAULT, or the file's error.
 */
ssize_t vfs_write(struct file *file, unsigned long buf, size_t count, loff_t *pos)
{
	struct iov_iter iter;
	ssize_t ret;

	ret = check_write(file);
	if (ret)
		return ret;
	if (!access_ok(buf, count))
		return -EFAULT;
	ret = rw_verify_area(WRITE, file, pos, count);
	if (ret)
		return ret;
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	iov_iter_ubuf(&iter, ITER_SOURCE, buf, count);
	return do_iter_readv_writev(file, &iter, pos, WRITE, 0);
}

static ssize_t do_iter_read(struct file *file, struct iov_iter *iter, loff_t *pos, int flags)
{
	size_t tot_len;
	ssize_t ret;

	ret = check_read(file);
	if (ret)
		return ret;
	tot_len = iov_iter_count(iter);
	if (!tot_len)
		return 0;
	ret = rw_verify_area(READ, file, pos, tot_len);
	if (ret)
		return ret;
	return do_iter_readv_writev(file, iter, pos, READ, flags);
}

static ssize_t do_iter_write(struct file *file, struct iov_iter *iter, loff_t *pos, int flags)
{
	size_t tot_len;
	ssize_t ret;

	ret = check_write(file);
	if (ret)
		return ret;
	tot_len = iov_iter_count(iter);
	if (!tot_len)
		return 0;
	ret = rw_verify_area(WRITE, file, pos, tot_len);
	if (ret)
		return ret;
	return do_iter_readv_writev(file, iter, pos, WRITE, flags);
}

/**
 * vfs_iter_read() - read into any iterator (user or kernel memory).
 * @flags: RWF_* flags.
 * Return: bytes read or -errno, as vfs_read().
 */
ssize_t vfs_iter_read(struct file *file, struct iov_iter *iter, loff_t *ppos, int flags)
{
	return do_iter_read(file, iter, ppos, flags);
}

/**
 * vfs_iter_write() - write from any iterator (user or kernel memory).
 * Return: bytes written or -errno, as vfs_write().
 */
ssize_t vfs_iter_write(struct file *file, struct iov_iter *iter, loff_t *ppos, int flags)
{
	return do_iter_write(file, iter, ppos, flags);
}

/**
 * vfs_readv() - readv()/preadv2(): @vec is a host array of @vlen iovecs
 * whose iov_base are simulated user addresses.
 *
 * Return: bytes read, or -EINVAL (vlen > UIO_MAXIOV, a length overflowing
 * ssize_t), -EFAULT, -EBADF, or the file's error. The total is clamped to
 * MAX_RW_COUNT.
 */
ssize_t vfs_readv(struct file *file, const struct iovec *vec, unsigned long vlen,
		  loff_t *pos, int flags)
{
	struct iovec iovstack[UIO_FASTIOV];
	struct iovec *iov = iovstack;
	struct iov_iter iter;
	ssize_t ret;

	if (vlen > UIO_MAXIOV)
		return -EINVAL;
	ret = import_iovec(ITER_DEST, vec, vlen, ARRAY_SIZE(iovstack), &iov, &iter);
	if (ret < 0)
		return ret;
	ret = do_iter_read(file, &iter, pos, flags);
	kvfree(iov);
	return ret;
}

/**
 * vfs_writev() - writev()/pwritev2(); see vfs_readv().
 */
ssize_t vfs_writev(struct file *file, const struct iovec *vec, unsigned long vlen,
		   loff_t *pos, int flags)
{
	struct iovec iovstack[UIO_FASTIOV];
	struct iovec *iov = iovstack;
	struct iov_iter iter;
	ssize_t ret;

	if (vlen > UIO_MAXIOV)
		return -EINVAL;
	ret = import_iovec(ITER_SOURCE, vec, vlen, ARRAY_SIZE(iovstack), &iov, &iter);
	if (ret < 0)
		return ret;
	ret = do_iter_write(file, &iter, pos, flags);
	kvfree(iov);
	return ret;
}

/**
 * vfs_iocb_iter_read() - start a read described by a caller-built kiocb.
 * @file: the file (must be @iocb->ki_filp).
 * @iocb: position, flags and, for asynchronous I/O, ki_complete.
 * @iter: the destination; it must stay valid only until this returns
 *	(user memory is pinned, not borrowed).
 *
 * Return: bytes read, -EIOCBQUEUED when @iocb->ki_complete will be called
 * with the result, or -errno as vfs_read().
 */
ssize_t vfs_iocb_iter_read(struct file *file, struct kiocb *iocb, struct iov_iter *iter)
{
	size_t tot_len;
	ssize_t ret;

	ret = check_read(file);
	if (ret)
		return ret;
	tot_len = iov_iter_count(iter);
	if (!tot_len)
		return 0;
	ret = rw_verify_area(READ, file, &iocb->ki_pos, tot_len);
	if (ret)
		return ret;
	return file->f_op->read_iter(iocb, iter);
}

/**
 * vfs_iocb_iter_write() - start a write described by a caller-built kiocb;
 * see vfs_iocb_iter_read().
 */
ssize_t vfs_iocb_iter_write(struct file *file, struct kiocb *iocb, struct iov_iter *iter)
{
	size_t tot_len;
	ssize_t ret;

	ret = check_write(file);
	if (ret)
		return ret;
	tot_len = iov_iter_count(iter);
	if (!tot_len)
		return 0;
	ret = rw_verify_area(WRITE, file, &iocb->ki_pos, tot_len);
	if (ret)
		return ret;
	iocb->ki_flags |= IOCB_WRITE;
	return file->f_op->write_iter(iocb, iter);
}

/**
 * fixed_size_llseek() - lseek on a file of fixed @size (a block device).
 * Return: the new position, or -EINVAL (bad whence, negative or beyond
 * @size).
 */
loff_t fixed_size_llseek(struct file *file, loff_t offset, int whence, loff_t size)
{
	loff_t pos;

	pthread_mutex_lock(&file->f_pos_lock);
	switch (whence) {
	case SEEK_SET:
		pos = offset;
		break;
	case SEEK_CUR:
		pos = file->f_pos + offset;
		break;
	case SEEK_END:
		pos = size + offset;
		break;
	default:
		pos = -EINVAL;
		goto out;
	}
	if (pos < 0 || pos > size) {
		pos = -EINVAL;
		goto out;
	}
	file->f_pos = pos;
out:
	pthread_mutex_unlock(&file->f_pos_lock);
	return pos;
}

/**
 * vfs_llseek() - lseek(): the file's ->llseek, or -ESPIPE without one.
 */
loff_t vfs_llseek(struct file *file, loff_t offset, int whence)
{
	if (!(file->f_mode & FMODE_LSEEK) || !file->f_op->llseek)
		return -ESPIPE;
	return file->f_op->llseek(file, offset, whence);
}

/**
 * vfs_fsync() - fsync()/fdatasync(): the file's ->fsync, or -EINVAL.
 */
int vfs_fsync(struct file *file, int datasync)
{
	if (!file->f_op->fsync)
		return -EINVAL;
	return file->f_op->fsync(file, 0, LLONG_MAX, datasync);
}
