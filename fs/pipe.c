// SPDX-License-Identifier: GPL-2.0
/*
 * fs/pipe.c - anonymous pipes: a ring of page buffers, read() and write()
 * by copying to and from user memory, and the buffer operations splice
 * relies on.
 *
 * Models fs/pipe.c (v6.5): a pipe of PIPE_DEF_BUFFERS (16) slots indexed by
 * free-running head and tail counters; pipe_write() fills fresh pages
 * (merging a short write into the last page when it is a mergeable anon
 * buffer), pipe_read() copies out and releases emptied buffers; O_NONBLOCK
 * (or IOCB_NOWAIT) gives -EAGAIN on a full or empty pipe, a read with no
 * writers left gives 0, a write with no readers -EPIPE. Every buffer owns
 * one page reference (not a pin), dropped by its ->release (put_page());
 * the last close of either end releases every buffer still queued.
 * Simplified: the pipe lives in the files' private_data (no inode, no
 * FIFOs, no pipefs); a mutex and two condition variables stand in for the
 * pipe mutex and wait queues; no SIGPIPE, no F_SETPIPE_SZ, no packet mode
 * (O_DIRECT on a pipe is refused), no per-user pipe accounting.
 */
#include <stdlib.h>
#include <pinio/pipe_fs_i.h>
#include <pinio/uio.h>
#include <pinio/err.h>
#include <pinio/fault-inject.h>
#include "mm/internal.h"

static atomic_long_t live_pipes;

/**
 * nr_live_pipes() - count the pipes that are currently allocated.
 *
 * A pipe is counted from alloc_pipe_info() until the last close of either
 * end frees it; the test runner's leak ledger compares this to zero.
 *
 * Context: any thread; lock-free (an atomic read).
 * Return: the number of live pipes.
 */
long nr_live_pipes(void)
{
	return atomic_long_read(&live_pipes);
}

/* ---- locking ---------------------------------------------------------------- */

/**
 * pipe_lock() - take the mutex of a pipe.
 * @pipe: the pipe.
 *
 * Serialises the ring (head, tail, bufs), the reader and writer counts,
 * and the sleepers of pipe_wait_readable() and pipe_wait_writable(). Not
 * recursive. To hold two pipes at once use pipe_double_lock().
 *
 * Context: may sleep.
 */
void pipe_lock(struct pipe_inode_info *pipe)
{
	pthread_mutex_lock(&pipe->mutex);
}

/**
 * pipe_unlock() - release the mutex taken by pipe_lock().
 * @pipe: the pipe, locked by the caller.
 */
void pipe_unlock(struct pipe_inode_info *pipe)
{
	pthread_mutex_unlock(&pipe->mutex);
}

/**
 * pipe_double_lock() - lock two different pipes without deadlocking.
 * @p1: one pipe.
 * @p2: the other pipe; must not be @p1 (BUG otherwise).
 *
 * Takes both mutexes in address order, lower address first, so two
 * threads splicing between the same pair of pipes in opposite directions
 * cannot deadlock. Release each with pipe_unlock().
 *
 * Context: may sleep; holds neither pipe on entry.
 */
void pipe_double_lock(struct pipe_inode_info *p1, struct pipe_inode_info *p2)
{
	BUG_ON(p1 == p2);
	if (p1 < p2) {
		pipe_lock(p1);
		pipe_lock(p2);
	} else {
		pipe_lock(p2);
		pipe_lock(p1);
	}
}

/**
 * wakeup_pipe_readers() - wake every thread sleeping until @pipe has data.
 * @pipe: the pipe.
 *
 * Broadcasts rd_wait. Called after buffers were added, and when the last
 * writer goes away so readers can see end of file.
 *
 * Context: with or without the pipe mutex held.
 */
void wakeup_pipe_readers(struct pipe_inode_info *pipe)
{
	pthread_cond_broadcast(&pipe->rd_wait);
}

/**
 * wakeup_pipe_writers() - wake every thread sleeping until @pipe has room.
 * @pipe: the pipe.
 *
 * Broadcasts wr_wait. Called after buffers were consumed, and when the
 * last reader goes away so writers can see -EPIPE.
 *
 * Context: with or without the pipe mutex held.
 */
void wakeup_pipe_writers(struct pipe_inode_info *pipe)
{
	pthread_cond_broadcast(&pipe->wr_wait);
}

/**
 * pipe_wait_readable() - sleep until a writer or a closing end wakes us.
 * @pipe: the pipe; the caller holds its mutex.
 *
 * Drops the mutex while asleep on rd_wait and holds it again on return.
 * A return does not promise data: the wakeup may be spurious, or an end
 * may have closed, so the caller re-checks the ring and the writer count
 * in a loop. Unlike the kernel's wait, the sleep cannot be interrupted by
 * a signal.
 *
 * Context: may sleep; called with the pipe mutex held.
 */
void pipe_wait_readable(struct pipe_inode_info *pipe)
{
	pthread_cond_wait(&pipe->rd_wait, &pipe->mutex);
}

/**
 * pipe_wait_writable() - sleep until a reader or a closing end wakes us.
 * @pipe: the pipe; the caller holds its mutex.
 *
 * Drops the mutex while asleep on wr_wait and holds it again on return.
 * A return does not promise a free slot: the caller re-checks the ring
 * and the reader count in a loop. Not interruptible by signals.
 *
 * Context: may sleep; called with the pipe mutex held.
 */
void pipe_wait_writable(struct pipe_inode_info *pipe)
{
	pthread_cond_wait(&pipe->wr_wait, &pipe->mutex);
}

/* ---- buffer operations ------------------------------------------------------- */

/**
 * generic_pipe_buf_release() - drop the page reference the buffer held.
 * @pipe: the pipe the buffer is in.
 * @buf: the buffer being released.
 *
 * The page is freed here if the pipe was its last holder.
 */
void generic_pipe_buf_release(struct pipe_inode_info *pipe, struct pipe_buffer *buf)
{
	put_page(buf->page);
}

/**
 * generic_pipe_buf_get() - one more reference on the buffer's page.
 * @pipe: the pipe the buffer is in.
 * @buf: the buffer to share.
 *
 * Return: false (and a WARN) if the page's count is already <= 0.
 */
bool generic_pipe_buf_get(struct pipe_inode_info *pipe, struct pipe_buffer *buf)
{
	return try_get_page(buf->page);
}

/* The pipe may take the page over if it is the page's only holder. */
static bool anon_pipe_buf_try_steal(struct pipe_inode_info *pipe, struct pipe_buffer *buf)
{
	return page_ref_count(buf->page) == 1;
}

const struct pipe_buf_operations default_pipe_buf_ops = {
	.release = generic_pipe_buf_release,
	.get = generic_pipe_buf_get,
};

const struct pipe_buf_operations anon_pipe_buf_ops = {
	.release = generic_pipe_buf_release,
	.try_steal = anon_pipe_buf_try_steal,
	.get = generic_pipe_buf_get,
};

/* vmsplice'd user pages: never stolen (the owner still maps them). */
const struct pipe_buf_operations user_page_pipe_buf_ops = {
	.release = generic_pipe_buf_release,
	.get = generic_pipe_buf_get,
};

/* ---- read and write ---------------------------------------------------------- */

static bool pipe_nonblock(const struct kiocb *iocb)
{
	return (iocb->ki_filp->f_flags & O_NONBLOCK) || (iocb->ki_flags & IOCB_NOWAIT);
}

/*
 * read(): copy from the oldest buffers into @to, releasing each buffer
 * that empties. Waits while the pipe is empty and has writers, unless
 * non-blocking (-EAGAIN) or something was read already.
 */
static ssize_t pipe_read(struct kiocb *iocb, struct iov_iter *to)
{
	struct pipe_inode_info *pipe = iocb->ki_filp->private_data;
	size_t total_len = iov_iter_count(to);
	bool wake_writers = false;
	ssize_t ret = 0;

	if (!total_len)
		return 0;

	pipe_lock(pipe);
	for (;;) {
		unsigned int head = pipe->head, tail = pipe->tail;

		if (!pipe_empty(head, tail)) {
			struct pipe_buffer *buf = pipe_buf(pipe, tail);
			size_t chars = min_t(size_t, buf->len, total_len);
			size_t written;
			int error = pipe_buf_confirm(pipe, buf);

			if (error) {
				if (!ret)
					ret = error;
				break;
			}
			written = copy_page_to_iter(buf->page, buf->offset, chars, to);
			if (unlikely(written < chars)) {
				if (!ret)
					ret = -EFAULT;
				break;
			}
			ret += chars;
			buf->offset += chars;
			buf->len -= chars;
			if (!buf->len) {
				pipe_buf_release(pipe, buf);
				pipe->tail = ++tail;
				wake_writers = true;
			}
			total_len -= chars;
			if (!total_len)
				break;
			if (!pipe_empty(head, tail))
				continue;
		}
		if (!pipe->writers)
			break;
		if (ret)
			break;
		if (pipe_nonblock(iocb)) {
			ret = -EAGAIN;
			break;
		}
		if (wake_writers) {
			wakeup_pipe_writers(pipe);
			wake_writers = false;
		}
		pipe_wait_readable(pipe);
	}
	pipe_unlock(pipe);
	if (wake_writers)
		wakeup_pipe_writers(pipe);
	return ret;
}

/* A fresh page for pipe_write(), with its one reference (OWNER_PIPE). */
static struct page *pipe_alloc_page(void)
{
	struct folio *folio = folio_alloc_owner(GFP_KERNEL, 0, OWNER_PIPE);

	return folio ? &folio->page : NULL;
}

/*
 * write(): append @from to the pipe. A write that is not a multiple of a
 * page first tops up the last buffer if it is a mergeable anon page with
 * room; the rest goes into fresh pages, one buffer each. Waits for space
 * unless non-blocking (-EAGAIN when nothing was written).
 */
static ssize_t pipe_write(struct kiocb *iocb, struct iov_iter *from)
{
	struct pipe_inode_info *pipe = iocb->ki_filp->private_data;
	size_t total_len = iov_iter_count(from);
	bool wake_readers = false;
	ssize_t ret = 0;
	size_t chars;

	if (!total_len)
		return 0;

	pipe_lock(pipe);
	if (!pipe->readers) {
		ret = -EPIPE;
		goto out;
	}

	chars = total_len & (PAGE_SIZE - 1);
	if (chars && !pipe_empty(pipe->head, pipe->tail)) {
		struct pipe_buffer *buf = pipe_buf(pipe, pipe->head - 1);
		size_t offset = buf->offset + buf->len;

		if ((buf->flags & PIPE_BUF_FLAG_CAN_MERGE) && offset + chars <= PAGE_SIZE) {
			size_t copied;

			ret = pipe_buf_confirm(pipe, buf);
			if (ret)
				goto out;
			copied = copy_page_from_iter(buf->page, offset, chars, from);
			if (unlikely(copied < chars)) {
				ret = -EFAULT;
				goto out;
			}
			buf->len += copied;
			ret = copied;
			wake_readers = true;
			if (!iov_iter_count(from))
				goto out;
		}
	}

	for (;;) {
		unsigned int head = pipe->head;

		if (!pipe->readers) {
			if (!ret)
				ret = -EPIPE;
			break;
		}
		if (!pipe_full(head, pipe->tail, pipe->max_usage)) {
			size_t want = min_t(size_t, PAGE_SIZE, iov_iter_count(from));
			struct pipe_buffer *buf;
			struct page *page;
			size_t copied;

			page = pipe_alloc_page();
			if (unlikely(!page)) {
				if (!ret)
					ret = -ENOMEM;
				break;
			}
			copied = copy_page_from_iter(page, 0, want, from);
			if (unlikely(!copied)) {
				put_page(page);
				if (!ret)
					ret = -EFAULT;
				break;
			}
			buf = pipe_head_buf(pipe);
			*buf = (struct pipe_buffer){
				.page = page,
				.offset = 0,
				.len = (unsigned int)copied,
				.ops = &anon_pipe_buf_ops,
				.flags = PIPE_BUF_FLAG_CAN_MERGE,
			};
			pipe->head = head + 1;
			ret += copied;
			wake_readers = true;
			if (copied < want) {
				/* Faulted part-way: what was copied stays queued. */
				break;
			}
			if (!iov_iter_count(from))
				break;
			continue;
		}
		if (pipe_nonblock(iocb)) {
			if (!ret)
				ret = -EAGAIN;
			break;
		}
		if (wake_readers) {
			wakeup_pipe_readers(pipe);
			wake_readers = false;
		}
		pipe_wait_writable(pipe);
	}
out:
	pipe_unlock(pipe);
	if (wake_readers)
		wakeup_pipe_readers(pipe);
	return ret;
}

/* ---- lifetime ---------------------------------------------------------------- */

static struct pipe_inode_info *alloc_pipe_info(void)
{
	struct pipe_inode_info *pipe;

	if (should_fail_alloc(FAULT_META_ALLOC))
		return NULL;
	pipe = calloc(1, sizeof(*pipe));
	if (!pipe)
		return NULL;
	if (should_fail_alloc(FAULT_META_ALLOC))
		goto out_free;
	pipe->bufs = calloc(PIPE_DEF_BUFFERS, sizeof(*pipe->bufs));
	if (!pipe->bufs)
		goto out_free;
	pipe->ring_size = PIPE_DEF_BUFFERS;
	pipe->max_usage = PIPE_DEF_BUFFERS;
	pthread_mutex_init(&pipe->mutex, NULL);
	pthread_cond_init(&pipe->rd_wait, NULL);
	pthread_cond_init(&pipe->wr_wait, NULL);
	atomic_long_inc(&live_pipes);
	return pipe;

out_free:
	free(pipe);
	return NULL;
}

/* Release every buffer still queued (their page references) and free. */
static void free_pipe_info(struct pipe_inode_info *pipe)
{
	unsigned int i;

	for (i = 0; i < pipe->ring_size; i++) {
		struct pipe_buffer *buf = &pipe->bufs[i];

		if (buf->ops)
			pipe_buf_release(pipe, buf);
	}
	pthread_cond_destroy(&pipe->wr_wait);
	pthread_cond_destroy(&pipe->rd_wait);
	pthread_mutex_destroy(&pipe->mutex);
	free(pipe->bufs);
	free(pipe);
	atomic_long_dec(&live_pipes);
}

/* The last fput() of one end: the other end's sleepers wake up. */
static int pipe_release(struct file *file)
{
	struct pipe_inode_info *pipe = file->private_data;
	bool last;

	pipe_lock(pipe);
	if (file->f_mode & FMODE_READ)
		pipe->readers--;
	if (file->f_mode & FMODE_WRITE)
		pipe->writers--;
	wakeup_pipe_readers(pipe);
	wakeup_pipe_writers(pipe);
	last = !--pipe->files;
	pipe_unlock(pipe);
	if (last)
		free_pipe_info(pipe);
	return 0;
}

const struct file_operations pipefifo_fops = {
	.name = "pipe",
	.read_iter = pipe_read,
	.write_iter = pipe_write,
	.release = pipe_release,
};

/**
 * get_pipe_info() - the pipe behind an open file.
 * @file: any open file.
 *
 * A file is a pipe end when its f_op is pipefifo_fops (the pipe lives in
 * ->private_data). No reference is taken: the pipe lives as long as the
 * caller's reference on @file. The kernel's for_splice argument (which
 * refuses watch-queue pipes) is not modelled.
 *
 * Return: the pipe, or NULL if @file is not a pipe.
 */
struct pipe_inode_info *get_pipe_info(struct file *file)
{
	if (file->f_op != &pipefifo_fops)
		return NULL;
	return file->private_data;
}

/* A stream: no lseek, pread or pwrite (-ESPIPE), like FMODE_STREAM. */
static struct file *pipe_file(struct pipe_inode_info *pipe, unsigned int flags)
{
	struct file *f = alloc_file(&pipefifo_fops, flags, pipe);

	if (!IS_ERR(f))
		f->f_mode &= ~(FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE);
	return f;
}

int create_pipe_files(struct file **res, int flags)
{
	struct pipe_inode_info *pipe;
	struct file *r, *w;

	if (flags & ~(O_NONBLOCK | O_CLOEXEC))
		return -EINVAL;
	pipe = alloc_pipe_info();
	if (!pipe)
		return -ENOMEM;
	pipe->readers = pipe->writers = 1;
	pipe->files = 2;

	w = pipe_file(pipe, O_WRONLY | (flags & O_NONBLOCK));
	if (IS_ERR(w)) {
		free_pipe_info(pipe);
		return (int)PTR_ERR(w);
	}
	r = pipe_file(pipe, O_RDONLY | (flags & O_NONBLOCK));
	if (IS_ERR(r)) {
		pipe->files = 1;
		pipe->readers = 0;
		fput(w);
		return (int)PTR_ERR(r);
	}
	res[0] = r;
	res[1] = w;
	return 0;
}
