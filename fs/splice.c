// SPDX-License-Identifier: GPL-2.0
/*
 * fs/splice.c - moving pages between files and pipes without copying
 * through user memory: splice(2) and vmsplice(2).
 *
 * Models fs/splice.c after the splice-read series (v6.5): a file is read
 * into a pipe by direct_splice_read() (v6.5: copy_splice_read()) when it is
 * O_DIRECT -- fresh pages allocated in bulk, an ITER_BVEC over them, one
 * synchronous ->read_iter, the unused pages freed, the filled ones pushed
 * into the pipe -- and there is no ITER_PIPE: the DIO never sees pipe
 * buffers, so reverting its iterator (a truncate racing the read, R-BUG-3)
 * can free nothing (R-ITER-14). A pipe is written to a file by
 * iter_file_splice_write() (an ITER_BVEC over the buffers' pages, held
 * alive by the pipe's references for the synchronous write). vmsplice
 * takes FOLL_GET references on user pages (iov_iter_get_pages2(), as v6.5
 * vmsplice_to_pipe() does) and queues them; reading the pipe drops them.
 * Pipe to pipe moves buffers (a partial one is shared with ->get).
 *
 * Buffered files go through filemap_splice_read(): the page-cache folios
 * themselves, one buffer per page and one folio reference per buffer,
 * large folios included (a file system sets it as its ->splice_read).
 * Simplified: no
 * splice_direct_to_actor()/sendfile, no tee(), no SPLICE_F_MOVE stealing
 * (accepted and ignored, as the kernel does), no SIGPIPE (-EPIPE only),
 * no fsnotify. A blocking splice sleeps until the pipe changes; there are
 * no signals to interrupt it.
 */
#include <stdlib.h>
#include <pinio/pipe_fs_i.h>
#include <pinio/uio.h>
#include <pinio/err.h>
#include <pinio/fault-inject.h>
#include <pinio/pagemap.h>
#include "mm/internal.h"

/* ---- file -> pipe --------------------------------------------------------- */

/*
 * Wait until @pipe has a free slot. Caller holds the mutex.
 * Return: 0, -EPIPE (no readers), -EAGAIN (full and SPLICE_F_NONBLOCK).
 */
static int wait_for_space(struct pipe_inode_info *pipe, unsigned int flags)
{
	for (;;) {
		if (unlikely(!pipe->readers))
			return -EPIPE;
		if (!pipe_full(pipe->head, pipe->tail, pipe->max_usage))
			return 0;
		if (flags & SPLICE_F_NONBLOCK)
			return -EAGAIN;
		pipe_wait_writable(pipe);
	}
}

ssize_t direct_splice_read(struct file *in, loff_t *ppos, struct pipe_inode_info *pipe,
			   size_t len, unsigned int flags)
{
	size_t used, npages, chunk, remain, keep = 0, i;
	struct iov_iter to;
	struct bio_vec *bv;
	struct kiocb kiocb;
	struct page **pages;
	ssize_t ret;

	/* How much the pipe can take. */
	used = pipe_occupancy(pipe->head, pipe->tail);
	npages = pipe->max_usage > used ? pipe->max_usage - used : 0;
	len = min_t(size_t, len, npages * PAGE_SIZE);
	npages = DIV_ROUND_UP(len, PAGE_SIZE);
	if (!npages)
		return 0;

	if (should_fail_alloc(FAULT_META_ALLOC))
		return -ENOMEM;
	bv = calloc(npages, sizeof(*bv) + sizeof(*pages));
	if (!bv)
		return -ENOMEM;
	pages = (struct page **)(bv + npages);

	/* alloc_pages_bulk_array(): as many as it can get, maybe fewer. */
	for (i = 0; i < npages; i++) {
		struct folio *folio = folio_alloc_owner(GFP_KERNEL, 0, OWNER_PIPE);

		if (!folio)
			break;
		pages[i] = &folio->page;
	}
	npages = i;
	if (!npages) {
		free(bv);
		return -ENOMEM;
	}

	remain = len = min_t(size_t, len, npages * PAGE_SIZE);
	for (i = 0; i < npages; i++) {
		chunk = min_t(size_t, PAGE_SIZE, remain);
		bv[i].bv_page = pages[i];
		bv[i].bv_offset = 0;
		bv[i].bv_len = (unsigned int)chunk;
		remain -= chunk;
	}

	/* The I/O: synchronous, into pages nobody else can free meanwhile. */
	iov_iter_bvec(&to, ITER_DEST, bv, npages, len);
	init_sync_kiocb(&kiocb, in);
	kiocb.ki_pos = *ppos;
	ret = in->f_op->read_iter(&kiocb, &to);

	if (ret > 0) {
		keep = DIV_ROUND_UP((size_t)ret, PAGE_SIZE);
		*ppos = kiocb.ki_pos;
	}
	/* Callers of ->splice_read() expect -EAGAIN for "nothing went in". */
	if (ret == -EFAULT)
		ret = -EAGAIN;

	/* Free the pages the read did not reach: they were never in a bio. */
	if (keep < npages)
		release_pages(pages + keep, (int)(npages - keep));

	/* Push the filled pages; each buffer owns the page's one reference. */
	remain = ret > 0 ? (size_t)ret : 0;
	for (i = 0; i < keep; i++) {
		struct pipe_buffer *buf = pipe_head_buf(pipe);

		chunk = min_t(size_t, remain, PAGE_SIZE);
		*buf = (struct pipe_buffer){
			.ops = &default_pipe_buf_ops,
			.page = bv[i].bv_page,
			.offset = 0,
			.len = (unsigned int)chunk,
		};
		pipe->head++;
		remain -= chunk;
	}

	free(bv);
	return ret;
}

/**
 * copy_splice_read() - v6.5's name for direct_splice_read().
 * @in: the file to read; its ->read_iter is called.
 * @ppos: the file position; advanced by the bytes read.
 * @pipe: the destination pipe; the caller holds its mutex.
 * @len: bytes wanted; clipped to the free slots of @pipe.
 * @flags: SPLICE_F_*.
 *
 * Reads into freshly allocated pages and queues them in @pipe, each
 * buffer owning its page's only reference; see direct_splice_read().
 *
 * Context: may sleep (the read is synchronous); pipe mutex held.
 * Return: bytes spliced (0 at EOF or with a full pipe), -EAGAIN when the
 * read faulted, -ENOMEM, or the read's -errno.
 */
ssize_t copy_splice_read(struct file *in, loff_t *ppos, struct pipe_inode_info *pipe,
			 size_t len, unsigned int flags)
{
	return direct_splice_read(in, ppos, pipe, len, flags);
}

/*
 * A page-cache folio in a pipe: the buffer owns one folio reference. If
 * the folio is not uptodate when the consumer looks, it was truncated
 * (-ENODATA) or failed to read (-EIO) (page_cache_pipe_buf_confirm()).
 */
static int page_cache_pipe_buf_confirm(struct pipe_inode_info *pipe, struct pipe_buffer *buf)
{
	struct folio *folio = page_folio(buf->page);
	int err = 0;

	if (folio_test_uptodate(folio))
		return 0;
	folio_lock(folio);
	if (!folio->mapping)
		err = -ENODATA;
	else if (!folio_test_uptodate(folio))
		err = -EIO;
	folio_unlock(folio);
	return err;
}

static const struct pipe_buf_operations page_cache_pipe_buf_ops = {
	.confirm = page_cache_pipe_buf_confirm,
	.release = generic_pipe_buf_release,
	.get = generic_pipe_buf_get,
};

/*
 * Buffered files: queue the page-cache folios themselves, read in through
 * the cache (filemap_get_uptodate_folio()) and clipped to i_size, one
 * buffer and one reference per page part. A folio truncated while in the
 * pipe leaves the cache but lives until the consumer releases it (I7).
 * Caller holds the pipe mutex and checked that it has room.
 */
ssize_t filemap_splice_read(struct file *in, loff_t *ppos, struct pipe_inode_info *pipe,
			    size_t len, unsigned int flags)
{
	struct address_space *mapping = in->f_mapping;
	struct inode *inode = mapping ? mapping->host : NULL;
	loff_t pos = *ppos;
	ssize_t total = 0;
	int err = 0;

	if (!inode)
		return -EINVAL;
	len = min_t(size_t, len, MAX_RW_COUNT);
	while (len && !pipe_full(pipe->head, pipe->tail, pipe->max_usage)) {
		size_t offset, part;
		struct pipe_buffer *buf;
		struct folio *folio;
		loff_t isize = i_size_read(inode);

		if (pos >= isize)
			break;
		folio = filemap_get_uptodate_folio(in, mapping, (pgoff_t)(pos >> PAGE_SHIFT));
		if (IS_ERR(folio)) {
			err = (int)PTR_ERR(folio);
			break;
		}
		/* i_size again: a truncate may have run while the folio was read. */
		isize = i_size_read(inode);
		if (pos >= isize) {
			folio_put(folio);
			break;
		}
		/*
		 * splice_folio_into_pipe(): one buffer per page of the folio,
		 * each holding a reference on the (maybe large) folio.
		 */
		offset = (size_t)(pos - folio_pos(folio));
		while (len && offset < folio_size(folio) && pos < isize &&
		       !pipe_full(pipe->head, pipe->tail, pipe->max_usage)) {
			part = min_t(size_t, PAGE_SIZE - offset % PAGE_SIZE, len);
			part = min_t(size_t, part, (size_t)(isize - pos));
			folio_get(folio);
			buf = pipe_head_buf(pipe);
			*buf = (struct pipe_buffer){
				.page = folio_page(folio, offset / PAGE_SIZE),
				.offset = (unsigned int)(offset % PAGE_SIZE),
				.len = (unsigned int)part,
				.ops = &page_cache_pipe_buf_ops,
			};
			pipe->head++;
			offset += part;
			pos += part;
			len -= part;
			total += part;
		}
		folio_put(folio);
	}
	*ppos = pos;
	return total ? total : err;
}

/**
 * vfs_splice_read() - read from a file into a pipe, after the checks.
 * @in: the source file.
 * @ppos: the file position to read at; advanced by the bytes read.
 * @pipe: the destination pipe; the caller holds its mutex.
 * @len: bytes wanted.
 * @flags: SPLICE_F_*.
 *
 * Refuses a file not open for reading, clips @len to what the pipe's free
 * slots hold (a page each), checks the range with rw_verify_area() and
 * caps it at MAX_RW_COUNT. An O_DIRECT file always goes through
 * direct_splice_read() (fresh pages, never the page cache), as v6.5 does;
 * any other file through its ->splice_read (filemap_splice_read() for a
 * buffered simfs file). Does not wait for room: the caller has done that.
 *
 * Context: may sleep; pipe mutex held.
 * Return: bytes spliced, 0 for @len 0, at EOF or with a full pipe; -EBADF
 * (not readable), -EINVAL (no ->read_iter for O_DIRECT, or no
 * ->splice_read), rw_verify_area()'s -errno, or the read's -errno.
 */
ssize_t vfs_splice_read(struct file *in, loff_t *ppos, struct pipe_inode_info *pipe,
			size_t len, unsigned int flags)
{
	unsigned int p_space;
	int ret;

	if (unlikely(!(in->f_mode & FMODE_READ)))
		return -EBADF;
	if (!len)
		return 0;

	/* Never read more than the pipe has room for. */
	p_space = pipe->max_usage - pipe_occupancy(pipe->head, pipe->tail);
	len = min_t(size_t, len, (size_t)p_space << PAGE_SHIFT);

	ret = rw_verify_area(READ, in, ppos, len);
	if (unlikely(ret < 0))
		return ret;
	if (unlikely(len > MAX_RW_COUNT))
		len = MAX_RW_COUNT;

	/* O_DIRECT bypasses the page cache: read into our own pages. */
	if (in->f_flags & O_DIRECT) {
		if (!in->f_op->read_iter)
			return -EINVAL;
		return direct_splice_read(in, ppos, pipe, len, flags);
	}
	if (unlikely(!in->f_op->splice_read))
		return -EINVAL;
	return in->f_op->splice_read(in, ppos, pipe, len, flags);
}

static ssize_t splice_file_to_pipe(struct file *in, struct pipe_inode_info *opipe,
				   loff_t *offset, size_t len, unsigned int flags)
{
	ssize_t ret;

	pipe_lock(opipe);
	ret = wait_for_space(opipe, flags);
	if (!ret)
		ret = vfs_splice_read(in, offset, opipe, len, flags);
	pipe_unlock(opipe);
	if (ret > 0)
		wakeup_pipe_readers(opipe);
	return ret;
}

/* ---- pipe -> file / user ----------------------------------------------------- */

/*
 * struct splice_desc - one splice out of a pipe.
 * @total_len: bytes still wanted.
 * @num_spliced: bytes done.
 * @flags: SPLICE_F_*.
 * @need_wakeup: buffers were freed: wake the writers.
 * @iter: vmsplice to user: the destination.
 */
struct splice_desc {
	size_t total_len;
	size_t num_spliced;
	unsigned int flags;
	bool need_wakeup;
	struct iov_iter *iter;
};

/*
 * Wait for data. Caller holds the mutex.
 * Return: 1 with data queued, 0 (no writers, or something was done
 * already), -EAGAIN (empty and SPLICE_F_NONBLOCK).
 */
static int splice_from_pipe_next(struct pipe_inode_info *pipe, struct splice_desc *sd)
{
	while (pipe_empty(pipe->head, pipe->tail)) {
		if (!pipe->writers)
			return 0;
		if (sd->num_spliced)
			return 0;
		if (sd->flags & SPLICE_F_NONBLOCK)
			return -EAGAIN;
		if (sd->need_wakeup) {
			wakeup_pipe_writers(pipe);
			sd->need_wakeup = false;
		}
		pipe_wait_readable(pipe);
	}
	return 1;
}

static void splice_from_pipe_end(struct pipe_inode_info *pipe, struct splice_desc *sd)
{
	if (sd->need_wakeup)
		wakeup_pipe_writers(pipe);
}

/* Drop @bytes from the front of the pipe, releasing emptied buffers. */
static void pipe_consume(struct pipe_inode_info *pipe, struct splice_desc *sd, size_t bytes)
{
	unsigned int tail = pipe->tail;

	while (bytes) {
		struct pipe_buffer *buf = pipe_buf(pipe, tail);

		if (bytes >= buf->len) {
			bytes -= buf->len;
			buf->len = 0;
			pipe_buf_release(pipe, buf);
			tail++;
			pipe->tail = tail;
			sd->need_wakeup = true;
		} else {
			buf->offset += (unsigned int)bytes;
			buf->len -= (unsigned int)bytes;
			bytes = 0;
		}
	}
}

ssize_t iter_file_splice_write(struct pipe_inode_info *pipe, struct file *out, loff_t *ppos,
			       size_t len, unsigned int flags)
{
	struct splice_desc sd = { .total_len = len, .flags = flags };
	struct bio_vec array[PIPE_DEF_BUFFERS];
	ssize_t ret = 0;

	if (!out->f_op->write_iter)
		return -EINVAL;

	pipe_lock(pipe);
	while (sd.total_len) {
		unsigned int head, tail, n = 0;
		size_t left = sd.total_len;
		struct iov_iter from;

		ret = splice_from_pipe_next(pipe, &sd);
		if (ret <= 0)
			break;

		head = pipe->head;
		for (tail = pipe->tail; tail != head && left && n < PIPE_DEF_BUFFERS; tail++) {
			struct pipe_buffer *buf = pipe_buf(pipe, tail);
			size_t this_len = min_t(size_t, buf->len, left);

			ret = pipe_buf_confirm(pipe, buf);
			if (unlikely(ret))
				goto done;
			array[n].bv_page = buf->page;
			array[n].bv_len = (unsigned int)this_len;
			array[n].bv_offset = buf->offset;
			left -= this_len;
			n++;
		}

		/* A synchronous write (IOCB_WRITE set, as for any write()). */
		iov_iter_bvec(&from, ITER_SOURCE, array, n, sd.total_len - left);
		ret = vfs_iter_write(out, &from, ppos, 0);
		if (ret <= 0)
			break;
		sd.num_spliced += ret;
		sd.total_len -= ret;
		pipe_consume(pipe, &sd, (size_t)ret);
	}
done:
	splice_from_pipe_end(pipe, &sd);
	pipe_unlock(pipe);
	return sd.num_spliced ? (ssize_t)sd.num_spliced : ret;
}

static ssize_t do_splice_from(struct pipe_inode_info *pipe, struct file *out, loff_t *ppos,
			      size_t len, unsigned int flags)
{
	if (unlikely(!out->f_op->splice_write))
		return -EINVAL;
	return out->f_op->splice_write(pipe, out, ppos, len, flags);
}

/* ---- pipe -> pipe ------------------------------------------------------------- */

static ssize_t splice_pipe_to_pipe(struct pipe_inode_info *ipipe, struct pipe_inode_info *opipe,
				   size_t len, unsigned int flags)
{
	bool input_wakeup = false;
	ssize_t ret = 0;

	for (;;) {
		pipe_double_lock(ipipe, opipe);
		for (;;) {
			struct pipe_buffer *ibuf, *obuf;

			if (!opipe->readers) {
				if (!ret)
					ret = -EPIPE;
				goto out;
			}
			if (pipe_empty(ipipe->head, ipipe->tail) && !ipipe->writers)
				goto out;
			if (pipe_empty(ipipe->head, ipipe->tail) ||
			    pipe_full(opipe->head, opipe->tail, opipe->max_usage))
				break;

			ibuf = pipe_buf(ipipe, ipipe->tail);
			obuf = pipe_head_buf(opipe);
			if (len >= ibuf->len) {
				/* Move the whole buffer and its reference. */
				*obuf = *ibuf;
				ibuf->ops = NULL;
				ipipe->tail++;
				opipe->head++;
				input_wakeup = true;
			} else {
				/* Share a part: one more reference on the page. */
				if (!pipe_buf_get(ipipe, ibuf)) {
					if (!ret)
						ret = -EFAULT;
					goto out;
				}
				*obuf = *ibuf;
				obuf->flags &= ~PIPE_BUF_FLAG_CAN_MERGE;
				obuf->len = (unsigned int)len;
				ibuf->offset += (unsigned int)len;
				ibuf->len -= (unsigned int)len;
				opipe->head++;
			}
			obuf->flags &= ~PIPE_BUF_FLAG_GIFT;
			ret += obuf->len;
			len -= obuf->len;
			if (!len)
				goto out;
		}
		/* Empty input or full output, and something to wait for. */
		if (ret || (flags & SPLICE_F_NONBLOCK)) {
			if (!ret)
				ret = -EAGAIN;
			goto out;
		}
		pipe_unlock(opipe);
		if (input_wakeup)
			wakeup_pipe_writers(ipipe);
		input_wakeup = false;
		/* Sleep on whichever side blocks; the other is unlocked. */
		if (pipe_empty(ipipe->head, ipipe->tail)) {
			pipe_wait_readable(ipipe);
			pipe_unlock(ipipe);
		} else {
			pipe_unlock(ipipe);
			pipe_lock(opipe);
			while (opipe->readers &&
			       pipe_full(opipe->head, opipe->tail, opipe->max_usage))
				pipe_wait_writable(opipe);
			pipe_unlock(opipe);
		}
	}
out:
	pipe_unlock(ipipe);
	pipe_unlock(opipe);
	if (ret > 0)
		wakeup_pipe_readers(opipe);
	if (input_wakeup)
		wakeup_pipe_writers(ipipe);
	return ret;
}

/* ---- splice(2) ---------------------------------------------------------------- */

ssize_t do_splice(struct file *in, loff_t *off_in, struct file *out, loff_t *off_out,
		  size_t len, unsigned int flags)
{
	struct pipe_inode_info *ipipe, *opipe;
	loff_t offset;
	ssize_t ret;

	if (unlikely(!(in->f_mode & FMODE_READ) || !(out->f_mode & FMODE_WRITE)))
		return -EBADF;

	ipipe = get_pipe_info(in);
	opipe = get_pipe_info(out);

	if (ipipe && opipe) {
		if (off_in || off_out)
			return -ESPIPE;
		if (ipipe == opipe)
			return -EINVAL;
		if ((in->f_flags | out->f_flags) & O_NONBLOCK)
			flags |= SPLICE_F_NONBLOCK;
		return splice_pipe_to_pipe(ipipe, opipe, len, flags);
	}

	if (ipipe) {
		if (off_in)
			return -ESPIPE;
		if (off_out && !(out->f_mode & FMODE_PWRITE))
			return -EINVAL;
		if (unlikely(out->f_flags & O_APPEND))
			return -EINVAL;
		if (in->f_flags & O_NONBLOCK)
			flags |= SPLICE_F_NONBLOCK;
		if (!off_out)
			pthread_mutex_lock(&out->f_pos_lock);
		offset = off_out ? *off_out : out->f_pos;
		ret = rw_verify_area(WRITE, out, &offset, len);
		if (!ret)
			ret = do_splice_from(ipipe, out, &offset, len, flags);
		if (off_out) {
			*off_out = offset;
		} else {
			out->f_pos = offset;
			pthread_mutex_unlock(&out->f_pos_lock);
		}
		return ret;
	}

	if (opipe) {
		if (off_out)
			return -ESPIPE;
		if (off_in && !(in->f_mode & FMODE_PREAD))
			return -EINVAL;
		if (out->f_flags & O_NONBLOCK)
			flags |= SPLICE_F_NONBLOCK;
		if (!off_in)
			pthread_mutex_lock(&in->f_pos_lock);
		offset = off_in ? *off_in : in->f_pos;
		ret = splice_file_to_pipe(in, opipe, &offset, len, flags);
		if (off_in) {
			*off_in = offset;
		} else {
			in->f_pos = offset;
			pthread_mutex_unlock(&in->f_pos_lock);
		}
		return ret;
	}

	return -EINVAL;
}

/* ---- vmsplice(2) --------------------------------------------------------------- */

/*
 * Queue one buffer, or release it (and its page reference) when the pipe
 * has no readers (-EPIPE) or no room (-EAGAIN). Caller holds the mutex.
 */
static ssize_t add_to_pipe(struct pipe_inode_info *pipe, struct pipe_buffer *buf)
{
	ssize_t ret;

	if (unlikely(!pipe->readers)) {
		ret = -EPIPE;
	} else if (pipe_full(pipe->head, pipe->tail, pipe->max_usage)) {
		ret = -EAGAIN;
	} else {
		*pipe_head_buf(pipe) = *buf;
		pipe->head++;
		return buf->len;
	}
	pipe_buf_release(pipe, buf);
	return ret;
}

/*
 * The user pages under @from into the pipe: iov_iter_get_pages2() takes a
 * FOLL_GET reference on each (the zero page of untouched memory included),
 * and each buffer owns one. Stops at the first full slot.
 */
static ssize_t iter_to_pipe(struct iov_iter *from, struct pipe_inode_info *pipe,
			    unsigned int flags)
{
	struct pipe_buffer buf = {
		.ops = &user_page_pipe_buf_ops,
		.flags = flags,
	};
	size_t total = 0;
	ssize_t ret = 0;

	while (iov_iter_count(from)) {
		struct page *pages[PIPE_DEF_BUFFERS];
		ssize_t left;
		size_t start;
		int i, n;

		left = iov_iter_get_pages2(from, pages, ~0UL, PIPE_DEF_BUFFERS, &start);
		if (left <= 0) {
			ret = left;
			break;
		}
		n = (int)DIV_ROUND_UP((size_t)left + start, PAGE_SIZE);
		for (i = 0; i < n; i++) {
			size_t size = min_t(size_t, (size_t)left, PAGE_SIZE - start);

			buf.page = pages[i];
			buf.offset = (unsigned int)start;
			buf.len = (unsigned int)size;
			ret = add_to_pipe(pipe, &buf);
			if (unlikely(ret < 0)) {
				/* add_to_pipe() dropped this one; drop the rest. */
				iov_iter_revert(from, (size_t)left);
				while (++i < n)
					put_page(pages[i]);
				goto out;
			}
			total += (size_t)ret;
			left -= (ssize_t)size;
			start = 0;
		}
	}
out:
	return total ? (ssize_t)total : ret;
}

static ssize_t vmsplice_to_pipe(struct pipe_inode_info *pipe, struct iov_iter *iter,
				unsigned int flags)
{
	unsigned int buf_flag = (flags & SPLICE_F_GIFT) ? PIPE_BUF_FLAG_GIFT : 0;
	ssize_t ret;

	pipe_lock(pipe);
	ret = wait_for_space(pipe, flags);
	if (!ret)
		ret = iter_to_pipe(iter, pipe, buf_flag);
	pipe_unlock(pipe);
	if (ret > 0)
		wakeup_pipe_readers(pipe);
	return ret;
}

/* vmsplice on a read end: copy pipe data out to the user ranges. */
static ssize_t vmsplice_to_user(struct pipe_inode_info *pipe, struct iov_iter *iter,
				unsigned int flags)
{
	struct splice_desc sd = {
		.total_len = iov_iter_count(iter),
		.flags = flags,
		.iter = iter,
	};
	ssize_t ret = 0;

	pipe_lock(pipe);
	while (sd.total_len) {
		struct pipe_buffer *buf;
		size_t chars, copied;

		ret = splice_from_pipe_next(pipe, &sd);
		if (ret <= 0)
			break;
		buf = pipe_buf(pipe, pipe->tail);
		ret = pipe_buf_confirm(pipe, buf);
		if (ret)
			break;
		chars = min_t(size_t, buf->len, sd.total_len);
		copied = copy_page_to_iter(buf->page, buf->offset, chars, iter);
		if (!copied) {
			ret = -EFAULT;
			break;
		}
		sd.num_spliced += copied;
		sd.total_len -= copied;
		pipe_consume(pipe, &sd, copied);
		if (copied < chars)
			break;
	}
	splice_from_pipe_end(pipe, &sd);
	pipe_unlock(pipe);
	return sd.num_spliced ? (ssize_t)sd.num_spliced : ret;
}

ssize_t do_vmsplice(struct file *file, const struct iovec *iov, unsigned long nr,
		    unsigned int flags)
{
	struct iovec iovstack[UIO_FASTIOV], *iovp = iovstack;
	struct pipe_inode_info *pipe;
	struct iov_iter iter;
	ssize_t ret;
	int type;

	if (unlikely(flags & ~SPLICE_F_ALL))
		return -EINVAL;
	pipe = get_pipe_info(file);
	if (!pipe)
		return -EBADF;
	if (file->f_mode & FMODE_WRITE)
		type = ITER_SOURCE;
	else if (file->f_mode & FMODE_READ)
		type = ITER_DEST;
	else
		return -EBADF;
	if (nr > UIO_MAXIOV)
		return -EINVAL;

	ret = import_iovec(type, iov, (unsigned int)nr, UIO_FASTIOV, &iovp, &iter);
	if (ret < 0)
		return ret;
	if (!iov_iter_count(&iter))
		ret = 0;
	else if (type == ITER_SOURCE)
		ret = vmsplice_to_pipe(pipe, &iter, flags);
	else
		ret = vmsplice_to_user(pipe, &iter, flags);
	kvfree(iovp);
	return ret;
}
