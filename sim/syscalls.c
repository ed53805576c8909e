// SPDX-License-Identifier: GPL-2.0
/*
 * sim/syscalls.c - file descriptors and the file syscalls of the current
 * task: sim_open(), sim_close(), sim_read(), sim_pwrite(), ...
 *
 * Models the syscall entry points of fs/open.c and fs/read_write.c with
 * fs/file.c's per-task descriptor table: the lowest free fd, up to
 * NR_OPEN_MAX; fork copies the table, taking a reference on each file;
 * exit closes every fd. Every call takes simulated user addresses and
 * returns bytes or -errno. "/dev/NAME" opens the block device NAME
 * (block/fops.c); other paths are looked up in the mounted simfs
 * filesystems (fs/simfs/), -ENOENT when no mount covers them.
 * Simplified: no close-on-exec, dup, fcntl or O_CREAT of device nodes; a
 * thread made by sim_thread_create() starts with its own empty table (no
 * CLONE_FILES).
 */
#include <stdlib.h>
#include <string.h>
#include <pinio/blk-mq.h>
#include <pinio/fault-inject.h>
#include <pinio/fs.h>
#include <pinio/pipe_fs_i.h>
#include <pinio/uio.h>
#include "fs/simfs/simfs.h"
#include "sim/sim.h"

#define NR_OPEN_MAX	1024	/* RLIMIT_NOFILE's usual soft limit */

/**
 * struct files_struct - one task's descriptor table.
 * @lock: guards @fd.
 * @fd: NR_OPEN_MAX slots, each an open file (holding one reference) or NULL.
 */
struct files_struct {
	pthread_mutex_t lock;
	struct file *fd[NR_OPEN_MAX];
};

static struct files_struct *files_alloc(void)
{
	struct files_struct *files = calloc(1, sizeof(*files));

	if (files)
		pthread_mutex_init(&files->lock, NULL);
	return files;
}

/* current's table, created on first use. NULL without a task or memory. */
static struct files_struct *current_files(void)
{
	if (!current)
		return NULL;
	if (!current->files)
		current->files = files_alloc();
	return current->files;
}

/**
 * sim_files_fork() - give @child a copy of @parent's descriptor table.
 *
 * @child: the new task; its table is set here.
 * @parent: the forking task, or NULL (the child starts with no table).
 *
 * Each open file gains a reference: parent and child share the open file
 * descriptions (and their f_pos), as after fork() (copy_files()).
 *
 * Return: 0, or -ENOMEM if the copy cannot be allocated (a FAULT_META_ALLOC
 * site); the child then has no table and no file gained a reference.
 */
int sim_files_fork(struct task_struct *child, struct task_struct *parent)
{
	struct files_struct *old = parent ? parent->files : NULL, *new;
	int fd;

	child->files = NULL;
	if (!old)
		return 0;
	new = should_fail_alloc(FAULT_META_ALLOC) ? NULL : files_alloc();
	if (!new)
		return -ENOMEM;
	pthread_mutex_lock(&old->lock);
	for (fd = 0; fd < NR_OPEN_MAX; fd++)
		if (old->fd[fd])
			new->fd[fd] = get_file(old->fd[fd]);
	pthread_mutex_unlock(&old->lock);
	child->files = new;
	return 0;
}

/**
 * sim_files_exit() - close every fd of @t and free its table.
 *
 * I/O still in flight keeps its file (and its pinned pages) until it
 * completes; the last reference then releases the file.
 */
void sim_files_exit(struct task_struct *t)
{
	struct files_struct *files = t->files;
	int fd;

	if (!files)
		return;
	t->files = NULL;
	for (fd = 0; fd < NR_OPEN_MAX; fd++)
		if (files->fd[fd])
			fput(files->fd[fd]);
	pthread_mutex_destroy(&files->lock);
	free(files);
}

/**
 * sim_fget() - the open file behind @fd of current, with a reference.
 * Return: the file (release with fput()), or NULL if @fd is not open.
 */
struct file *sim_fget(int fd)
{
	struct files_struct *files = current ? current->files : NULL;
	struct file *file = NULL;

	if (!files || fd < 0 || fd >= NR_OPEN_MAX)
		return NULL;
	pthread_mutex_lock(&files->lock);
	if (files->fd[fd])
		file = get_file(files->fd[fd]);
	pthread_mutex_unlock(&files->lock);
	return file;
}

/* Install @file at the lowest free fd; the table takes the reference. */
static int fd_install_lowest(struct files_struct *files, struct file *file)
{
	int fd;

	pthread_mutex_lock(&files->lock);
	for (fd = 0; fd < NR_OPEN_MAX; fd++) {
		if (!files->fd[fd]) {
			files->fd[fd] = file;
			pthread_mutex_unlock(&files->lock);
			return fd;
		}
	}
	pthread_mutex_unlock(&files->lock);
	return -EMFILE;
}

/*
 * Paths outside /dev: "DIR/NAME" on the simfs mounted at DIR (sim_mount()),
 * opened (O_CREAT: created, O_TRUNC: truncated) by simfs; -ENOENT if no
 * mount covers @path.
 */
static struct file *open_fs_path(const char *path, int flags, mode_t mode)
{
	return simfs_open_path(path, flags, mode);
}

/**
 * sim_open() - open @path for the current task.
 * @path: "/dev/NAME" for the block device NAME; "DIR/NAME" for file NAME
 *	of the simfs mounted at DIR; other paths: -ENOENT.
 * @flags: host O_* flags; O_DIRECT needs a file that supports it.
 * @mode: for O_CREAT (unused yet).
 *
 * Return: the lowest free fd, or -EFAULT (NULL path), -EINVAL (O_ACCMODE
 * 3, O_DIRECT unsupported), -ENOENT, -EMFILE, -ENOMEM, -ESRCH (no current
 * task).
 */
int sim_open(const char *path, int flags, mode_t mode)
{
	struct files_struct *files;
	struct file *file;
	int fd;

	if (!path)
		return -EFAULT;
	if ((flags & O_ACCMODE) == O_ACCMODE)
		return -EINVAL;
	if (!current)
		return -ESRCH;
	files = current_files();
	if (!files)
		return -ENOMEM;

	if (!strncmp(path, "/dev/", 5))
		file = blkdev_file_open(path + 5, (unsigned int)flags);
	else
		file = open_fs_path(path, flags, mode);
	if (IS_ERR(file))
		return (int)PTR_ERR(file);
	if ((file->f_flags & O_DIRECT) && !(file->f_mode & FMODE_CAN_ODIRECT)) {
		fput(file);
		return -EINVAL;
	}
	fd = fd_install_lowest(files, file);
	if (fd < 0)
		fput(file);
	return fd;
}

/**
 * sim_close() - close @fd. I/O in flight on it completes normally.
 * Return: 0, or -EBADF.
 */
int sim_close(int fd)
{
	struct files_struct *files = current ? current->files : NULL;
	struct file *file = NULL;

	if (!files || fd < 0 || fd >= NR_OPEN_MAX)
		return -EBADF;
	pthread_mutex_lock(&files->lock);
	file = files->fd[fd];
	files->fd[fd] = NULL;
	pthread_mutex_unlock(&files->lock);
	if (!file)
		return -EBADF;
	fput(file);
	return 0;
}

/**
 * sim_read() - read(2): read at the file position and advance it.
 * Return: bytes read, or -EBADF, -EINVAL, -EFAULT, or the file's error.
 */
ssize_t sim_read(int fd, unsigned long buf, size_t len)
{
	struct file *file = sim_fget(fd);
	ssize_t ret;
	loff_t pos;

	if (!file)
		return -EBADF;
	pthread_mutex_lock(&file->f_pos_lock);
	pos = file->f_pos;
	ret = vfs_read(file, buf, len, &pos);
	if (ret >= 0)
		file->f_pos = pos;
	pthread_mutex_unlock(&file->f_pos_lock);
	fput(file);
	return ret;
}

/**
 * sim_write() - write(2): write at the file position and advance it.
 * Return: bytes written, or -EBADF (bad fd, or not open for writing),
 * -EINVAL, -EFAULT, -ENOSPC, or the file's error.
 */
ssize_t sim_write(int fd, unsigned long buf, size_t len)
{
	struct file *file = sim_fget(fd);
	ssize_t ret;
	loff_t pos;

	if (!file)
		return -EBADF;
	pthread_mutex_lock(&file->f_pos_lock);
	pos = file->f_pos;
	ret = vfs_write(file, buf, len, &pos);
	if (ret >= 0)
		file->f_pos = pos;
	pthread_mutex_unlock(&file->f_pos_lock);
	fput(file);
	return ret;
}

/* The file behind @fd for a positioned call at @off, or an ERR_PTR. */
static struct file *fget_positioned(int fd, off_t off, unsigned int fmode)
{
	struct file *file;

	if (off < 0)
		return ERR_PTR(-EINVAL);
	file = sim_fget(fd);
	if (!file)
		return ERR_PTR(-EBADF);
	if (!(file->f_mode & fmode)) {
		fput(file);
		return ERR_PTR(-ESPIPE);
	}
	return file;
}

/**
 * sim_pread() - pread64(2): read at @off; the file position is unchanged.
 * Return: bytes read (0 at the end), or -EINVAL (negative @off), -EBADF,
 * -ESPIPE, -EFAULT, or the file's error.
 */
ssize_t sim_pread(int fd, unsigned long buf, size_t len, off_t off)
{
	struct file *file = fget_positioned(fd, off, FMODE_PREAD);
	loff_t pos = off;
	ssize_t ret;

	if (IS_ERR(file))
		return PTR_ERR(file);
	ret = vfs_read(file, buf, len, &pos);
	fput(file);
	return ret;
}

/**
 * sim_pwrite() - pwrite64(2): write at @off; the file position is unchanged.
 * Return: bytes written, or -EINVAL, -EBADF, -ESPIPE, -EFAULT, -ENOSPC, or
 * the file's error.
 */
ssize_t sim_pwrite(int fd, unsigned long buf, size_t len, off_t off)
{
	struct file *file = fget_positioned(fd, off, FMODE_PWRITE);
	loff_t pos = off;
	ssize_t ret;

	if (IS_ERR(file))
		return PTR_ERR(file);
	ret = vfs_write(file, buf, len, &pos);
	fput(file);
	return ret;
}

/**
 * sim_preadv() - preadv(2): @iov is a host array of @iovcnt iovecs whose
 * iov_base are simulated user addresses.
 * Return: bytes read, or -EINVAL (negative @off or @iovcnt, @iovcnt >
 * UIO_MAXIOV, lengths overflowing ssize_t), -EBADF, -ESPIPE, -EFAULT, or
 * the file's error.
 */
ssize_t sim_preadv(int fd, const struct iovec *iov, int iovcnt, off_t off)
{
	struct file *file;
	loff_t pos = off;
	ssize_t ret;

	if (iovcnt < 0)
		return -EINVAL;
	file = fget_positioned(fd, off, FMODE_PREAD);
	if (IS_ERR(file))
		return PTR_ERR(file);
	ret = vfs_readv(file, iov, (unsigned long)iovcnt, &pos, 0);
	fput(file);
	return ret;
}

/**
 * sim_pwritev() - pwritev(2); see sim_preadv().
 */
ssize_t sim_pwritev(int fd, const struct iovec *iov, int iovcnt, off_t off)
{
	struct file *file;
	loff_t pos = off;
	ssize_t ret;

	if (iovcnt < 0)
		return -EINVAL;
	file = fget_positioned(fd, off, FMODE_PWRITE);
	if (IS_ERR(file))
		return PTR_ERR(file);
	ret = vfs_writev(file, iov, (unsigned long)iovcnt, &pos, 0);
	fput(file);
	return ret;
}

/**
 * sim_lseek() - lseek(2). Return: the new position, or -EBADF, -EINVAL,
 * -ESPIPE.
 */
off_t sim_lseek(int fd, off_t off, int whence)
{
	struct file *file = sim_fget(fd);
	loff_t ret;

	if (!file)
		return -EBADF;
	ret = vfs_llseek(file, off, whence);
	fput(file);
	return ret;
}

/**
 * sim_fsync() - fsync(2): a block device flushes its volatile cache.
 * Return: 0, or -EBADF, -EINVAL (the file cannot sync), -EIO.
 */
int sim_fsync(int fd)
{
	struct file *file = sim_fget(fd);
	int ret;

	if (!file)
		return -EBADF;
	ret = vfs_fsync(file, 0);
	fput(file);
	return ret;
}

/**
 * sim_passthrough() - an SG_IO-like READ/WRITE of whole blocks between
 * user memory and a block device, through blk-map.
 * @fd: an open block device.
 * @write: true: device <- memory; false: memory <- device.
 * @iov: host array of @iovcnt iovecs (iov_base: simulated user addresses).
 * @sector: first 512-byte sector, block-aligned.
 *
 * The user pages are pinned for the command, or bounced when misaligned
 * to the queue's dma_alignment (R-MAP-1); a READ dirties them.
 * Return: bytes transferred, or -EBADF (bad fd, or not open in the needed
 * mode), -ENOTTY (not a block device), -EINVAL (length not a multiple of
 * the logical block size, misaligned or out-of-range @sector, too large
 * for the queue, bad @iovcnt), -EFAULT, -ENOMEM, -EIO.
 */
ssize_t sim_passthrough(int fd, bool write, const struct iovec *iov, int iovcnt,
			sector_t sector)
{
	struct iovec iovstack[UIO_FASTIOV], *vec = iovstack;
	struct file *file;
	struct iov_iter iter;
	ssize_t ret;

	if (iovcnt < 0)
		return -EINVAL;
	file = sim_fget(fd);
	if (!file)
		return -EBADF;
	if (file->f_op != &def_blk_fops) {
		ret = -ENOTTY;
		goto out;
	}
	if (!(file->f_mode & (write ? FMODE_WRITE : FMODE_READ))) {
		ret = -EBADF;
		goto out;
	}
	ret = import_iovec(write ? ITER_SOURCE : ITER_DEST, iov, (unsigned int)iovcnt,
			   ARRAY_SIZE(iovstack), &vec, &iter);
	if (ret < 0)
		goto out;
	ret = blkdev_passthrough_rw(file->private_data, write, &iter, sector);
	kvfree(vec);
out:
	fput(file);
	return ret;
}

/**
 * sim_pipe() - pipe(2): a pipe of 16 page buffers for the current task.
 * @fds: out: fds[0] the read end, fds[1] the write end (the lowest free).
 *
 * Return: 0, or -EFAULT (NULL @fds), -EMFILE, -ENOMEM, -ESRCH (no task).
 */
int sim_pipe(int fds[2])
{
	return sim_pipe2(fds, 0);
}

/**
 * sim_pipe2() - pipe2(2): sim_pipe() with O_NONBLOCK (O_CLOEXEC ignored).
 * Return: as sim_pipe(), or -EINVAL for other flags.
 */
int sim_pipe2(int fds[2], int flags)
{
	struct files_struct *files;
	struct file *res[2];
	int ret, fd0;

	if (!fds)
		return -EFAULT;
	if (!current)
		return -ESRCH;
	files = current_files();
	if (!files)
		return -ENOMEM;
	ret = create_pipe_files(res, flags);
	if (ret)
		return ret;
	fd0 = fd_install_lowest(files, res[0]);
	if (fd0 < 0) {
		fput(res[0]);
		fput(res[1]);
		return fd0;
	}
	ret = fd_install_lowest(files, res[1]);
	if (ret < 0) {
		fput(res[1]);
		sim_close(fd0);
		return ret;
	}
	fds[0] = fd0;
	fds[1] = ret;
	return 0;
}

/**
 * sim_splice() - splice(2) between an fd and a pipe, or two pipes.
 * @off_in, @off_out: host pointers (the kernel's are user pointers): NULL
 *	to use and advance the file position, else the position to use,
 *	updated; must be NULL for a pipe end (-ESPIPE).
 * @flags: SPLICE_F_*.
 *
 * An O_DIRECT file is read into fresh pages (direct_splice_read()); a
 * pipe is written out through the file's ->splice_write. The pipe's
 * buffers hold page references, never pins.
 * Return: bytes moved; 0 for @len 0 (checked first) or at EOF; -EINVAL
 * (neither end a pipe, unknown flags, a file that cannot splice, a
 * buffered file until the page cache exists), -EBADF, -ESPIPE, -EAGAIN
 * (SPLICE_F_NONBLOCK or O_NONBLOCK and a full/empty pipe), -EPIPE (no
 * readers), -ENOMEM, or the file's error.
 */
ssize_t sim_splice(int fd_in, off_t *off_in, int fd_out, off_t *off_out, size_t len,
		   unsigned int flags)
{
	struct file *in, *out;
	loff_t pin, pout;
	ssize_t ret;

	if (!len)
		return 0;
	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	in = sim_fget(fd_in);
	if (!in)
		return -EBADF;
	out = sim_fget(fd_out);
	if (!out) {
		fput(in);
		return -EBADF;
	}
	if (off_in)
		pin = *off_in;
	if (off_out)
		pout = *off_out;
	ret = do_splice(in, off_in ? &pin : NULL, out, off_out ? &pout : NULL, len, flags);
	if (off_in)
		*off_in = pin;
	if (off_out)
		*off_out = pout;
	fput(out);
	fput(in);
	return ret;
}

/**
 * sim_vmsplice() - vmsplice(2) on a pipe end of the current task.
 * @iov: host array of @nr iovecs (iov_base: simulated user addresses).
 *
 * On a write end each user page gets a FOLL_GET reference (not a pin)
 * that its pipe buffer holds until read; on a read end the pipe's data is
 * copied out to the ranges.
 * Return: bytes queued or copied, or -EBADF (not a pipe), -EINVAL (bad
 * flags or @nr), -EFAULT, -EAGAIN (SPLICE_F_NONBLOCK, full or empty),
 * -EPIPE, -ENOMEM.
 */
ssize_t sim_vmsplice(int fd, const struct iovec *iov, unsigned long nr, unsigned int flags)
{
	struct file *file;
	ssize_t ret;

	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	file = sim_fget(fd);
	if (!file)
		return -EBADF;
	ret = do_vmsplice(file, iov, nr, flags);
	fput(file);
	return ret;
}
