/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinio/pipe_fs_i.h - pipes: a ring of page buffers between a writer and a
 * reader, and the splice calls that move pages in and out of it.
 *
 * Models include/linux/pipe_fs_i.h and include/linux/splice.h (v6.5):
 * struct pipe_buffer (page, offset, len, ops, flags), struct
 * pipe_inode_info with a head/tail ring of PIPE_DEF_BUFFERS (16) slots,
 * pipe_buf_operations whose ->release drops a page reference and whose
 * ->get takes one with try_get_page(). A pipe buffer holds a page
 * **reference**, never a FOLL_PIN pin: pages come from pipe_write() (fresh
 * OWNER_PIPE pages), direct_splice_read() (fresh pages filled by DIO),
 * filemap_splice_read() (page-cache folios) or vmsplice (user pages
 * through FOLL_GET). Simplified: one mutex and two condition variables
 * instead of the inode lock and wait queues; no fasync, no
 * F_SETPIPE_SZ, no watch queues, no SIGPIPE (-EPIPE only), no gifting
 * (SPLICE_F_GIFT is accepted and ignored, as the kernel does since 5.x).
 */
#ifndef PINIO_PIPE_FS_I_H
#define PINIO_PIPE_FS_I_H

#include <pinio/fs.h>
#include <pthread.h>

#define PIPE_DEF_BUFFERS	16

#define PIPE_BUF_FLAG_LRU	0x01	/* page is on the LRU */
#define PIPE_BUF_FLAG_ATOMIC	0x02	/* was atomically mapped */
#define PIPE_BUF_FLAG_GIFT	0x04	/* page is a gift */
#define PIPE_BUF_FLAG_PACKET	0x08	/* read() as a packet */
#define PIPE_BUF_FLAG_CAN_MERGE	0x10	/* can merge buffers (anon pipe_write pages) */
#define PIPE_BUF_FLAG_WHOLE	0x20	/* read() must return the entire buffer or error */

/* splice() / vmsplice() flags (include/linux/splice.h; <fcntl.h> may have them). */
#ifndef SPLICE_F_MOVE
#define SPLICE_F_MOVE		0x01
#define SPLICE_F_NONBLOCK	0x02
#define SPLICE_F_MORE		0x04
#define SPLICE_F_GIFT		0x08
#endif
#define SPLICE_F_ALL		(SPLICE_F_MOVE | SPLICE_F_NONBLOCK | SPLICE_F_MORE | SPLICE_F_GIFT)

struct pipe_buffer;
struct pipe_inode_info;

/**
 * struct pipe_buf_operations - what a kind of pipe buffer does.
 * @confirm: is the data valid (0) or an error; NULL means always valid.
 * @release: the buffer leaves the pipe: drop its page reference.
 * @try_steal: may the consumer take the page over? (vmsplice from the
 *	pipe, SPLICE_F_MOVE); NULL means never.
 * @get: another holder shares the buffer (tee, pipe-to-pipe copies):
 *	take a reference; false if the page cannot be referenced.
 */
struct pipe_buf_operations {
	int (*confirm)(struct pipe_inode_info *pipe, struct pipe_buffer *buf);
	void (*release)(struct pipe_inode_info *pipe, struct pipe_buffer *buf);
	bool (*try_steal)(struct pipe_inode_info *pipe, struct pipe_buffer *buf);
	bool (*get)(struct pipe_inode_info *pipe, struct pipe_buffer *buf);
};

/**
 * struct pipe_buffer - one slot of the ring.
 * @page: the page holding the data; the buffer owns one reference on it.
 * @offset: where the data starts in @page.
 * @len: bytes of data.
 * @ops: operations; NULL marks a slot that holds nothing.
 * @flags: PIPE_BUF_FLAG_*.
 * @private: the ops' own.
 */
struct pipe_buffer {
	struct page *page;
	unsigned int offset, len;
	const struct pipe_buf_operations *ops;
	unsigned int flags;
	unsigned long private;
};

/**
 * struct pipe_inode_info - a pipe.
 * @mutex: guards everything below (the kernel's pipe->mutex).
 * @rd_wait: readers sleep here until data or the last writer goes.
 * @wr_wait: writers (and splicers into the pipe) sleep here for space.
 * @head: the slot the next buffer goes into (free-running).
 * @tail: the oldest buffer (free-running); head - tail is the occupancy.
 * @max_usage: buffers the ring may hold (PIPE_DEF_BUFFERS).
 * @ring_size: slots in @bufs, a power of two.
 * @readers, @writers: open read and write ends.
 * @files: open files (both ends); the pipe is freed when it reaches 0.
 * @bufs: the ring.
 */
struct pipe_inode_info {
	pthread_mutex_t mutex;
	pthread_cond_t rd_wait, wr_wait;
	unsigned int head;
	unsigned int tail;
	unsigned int max_usage;
	unsigned int ring_size;
	unsigned int readers;
	unsigned int writers;
	unsigned int files;
	struct pipe_buffer *bufs;
};

static inline bool pipe_empty(unsigned int head, unsigned int tail)
{
	return head == tail;
}

static inline unsigned int pipe_occupancy(unsigned int head, unsigned int tail)
{
	return head - tail;
}

static inline bool pipe_full(unsigned int head, unsigned int tail, unsigned int limit)
{
	return pipe_occupancy(head, tail) >= limit;
}

/* The slot the next buffer is written into (caller holds the mutex). */
static inline struct pipe_buffer *pipe_head_buf(const struct pipe_inode_info *pipe)
{
	return &pipe->bufs[pipe->head & (pipe->ring_size - 1)];
}

static inline struct pipe_buffer *pipe_buf(const struct pipe_inode_info *pipe,
					   unsigned int slot)
{
	return &pipe->bufs[slot & (pipe->ring_size - 1)];
}

/**
 * pipe_buf_release() - the buffer leaves the pipe: its ops drop the page
 * reference it held (put_page()). The slot is marked empty.
 * @pipe: the pipe, its mutex held.
 * @buf: the buffer to release.
 */
static inline void pipe_buf_release(struct pipe_inode_info *pipe, struct pipe_buffer *buf)
{
	const struct pipe_buf_operations *ops = buf->ops;

	buf->ops = NULL;
	ops->release(pipe, buf);
}

/* pipe_buf_get() - one more reference on the buffer's page (try_get_page()). */
static inline bool pipe_buf_get(struct pipe_inode_info *pipe, struct pipe_buffer *buf)
{
	return buf->ops->get(pipe, buf);
}

static inline int pipe_buf_confirm(struct pipe_inode_info *pipe, struct pipe_buffer *buf)
{
	if (!buf->ops->confirm)
		return 0;
	return buf->ops->confirm(pipe, buf);
}

/* ---- fs/pipe.c ------------------------------------------------------------ */

/*
 * Buffers whose page is an ordinary page reference: fresh pages of
 * direct_splice_read() and page-cache folios (the kernel's
 * default_pipe_buf_ops / page_cache_pipe_buf_ops).
 */
extern const struct pipe_buf_operations default_pipe_buf_ops;
/* Pages of pipe_write(): mergeable, stealable when the pipe is the only holder. */
extern const struct pipe_buf_operations anon_pipe_buf_ops;
/* User pages of vmsplice (FOLL_GET references); never stolen. */
extern const struct pipe_buf_operations user_page_pipe_buf_ops;

/* Generic ops: ->release is put_page(), ->get is try_get_page(). */
void generic_pipe_buf_release(struct pipe_inode_info *pipe, struct pipe_buffer *buf);
bool generic_pipe_buf_get(struct pipe_inode_info *pipe, struct pipe_buffer *buf);

/* The file operations of both ends of a pipe. */
extern const struct file_operations pipefifo_fops;

/**
 * create_pipe_files() - a new pipe and its two open files.
 * @res: out: res[0] the read end (O_RDONLY), res[1] the write end
 *	(O_WRONLY), one reference each.
 * @flags: O_NONBLOCK (and O_CLOEXEC, ignored); anything else -EINVAL.
 *
 * Return: 0, -EINVAL, -ENOMEM (a FAULT_META_ALLOC site).
 */
int create_pipe_files(struct file **res, int flags);

/* The pipe behind @file, or NULL if @file is not a pipe (get_pipe_info()). */
struct pipe_inode_info *get_pipe_info(struct file *file);

void pipe_lock(struct pipe_inode_info *pipe);
void pipe_unlock(struct pipe_inode_info *pipe);
/* pipe_double_lock() - both pipes' mutexes in address order. */
void pipe_double_lock(struct pipe_inode_info *p1, struct pipe_inode_info *p2);
/* Wake the sleepers on a pipe (caller need not hold the mutex). */
void wakeup_pipe_readers(struct pipe_inode_info *pipe);
void wakeup_pipe_writers(struct pipe_inode_info *pipe);
/* Sleep on rd_wait / wr_wait; the caller holds the mutex. */
void pipe_wait_readable(struct pipe_inode_info *pipe);
void pipe_wait_writable(struct pipe_inode_info *pipe);

/* Pipes alive (for leak reports). */
long nr_live_pipes(void);

/* ---- fs/splice.c ---------------------------------------------------------- */

/**
 * direct_splice_read() - splice from an O_DIRECT file into a pipe.
 * @in: the file (its ->read_iter does direct I/O).
 * @ppos: the file position; advanced by the bytes read.
 * @pipe: the destination pipe; the caller holds its mutex and has
 *	checked that it has space.
 * @len: bytes wanted; clipped to the space left in the pipe.
 * @flags: SPLICE_F_*.
 *
 * Allocates fresh OWNER_PIPE pages in bulk, reads into them through an
 * ITER_BVEC with a synchronous kiocb (IOCB_DIRECT), frees the pages the
 * read did not reach, then pushes the filled ones into the pipe, each
 * buffer owning the page's only reference. The DIO neither pins nor
 * references these pages (a kernel iterator, R-ITER-4); nothing frees
 * them while it runs, and reverting the iterator frees nothing
 * (R-ITER-14, R-BUG-3).
 * Return: bytes spliced (0 at EOF), -EAGAIN (the read faulted), -ENOMEM,
 * or the read's -errno.
 */
ssize_t direct_splice_read(struct file *in, loff_t *ppos, struct pipe_inode_info *pipe,
			   size_t len, unsigned int flags);
/* v6.5's name for the same function. */
ssize_t copy_splice_read(struct file *in, loff_t *ppos, struct pipe_inode_info *pipe,
			 size_t len, unsigned int flags);

/**
 * filemap_splice_read() - splice page-cache folios of a buffered file
 * into a pipe: each buffer holds the cache folio itself with one
 * reference (folio_get(), never a pin), read in through the cache and
 * clipped to i_size. Needs in->f_mapping with a host inode (-EINVAL
 * without). Caller holds the pipe mutex.
 * Return: bytes queued, 0 at or past EOF, or the read's -errno.
 */
ssize_t filemap_splice_read(struct file *in, loff_t *ppos, struct pipe_inode_info *pipe,
			    size_t len, unsigned int flags);

/**
 * iter_file_splice_write() - write a pipe's buffers to @out through its
 * ->write_iter with an ITER_BVEC over the buffers' pages (no pins, no new
 * references: the pipe's references keep the pages alive for the
 * synchronous write). Consumed buffers are released. Takes the pipe
 * mutex itself.
 * Return: bytes written, 0 (empty pipe without writers), -EAGAIN (empty
 * and SPLICE_F_NONBLOCK), -EINVAL (@out has no ->write_iter), a buffer's
 * ->confirm error (-ENODATA: its page-cache folio was truncated; -EIO),
 * or the write's -errno.
 */
ssize_t iter_file_splice_write(struct pipe_inode_info *pipe, struct file *out, loff_t *ppos,
			       size_t len, unsigned int flags);

/*
 * vfs_splice_read() - ->splice_read of @in after the checks (FMODE_READ,
 * rw_verify_area, the pipe's free space); O_DIRECT files always go through
 * direct_splice_read(), as v6.5 does.
 */
ssize_t vfs_splice_read(struct file *in, loff_t *ppos, struct pipe_inode_info *pipe,
			size_t len, unsigned int flags);

/**
 * do_splice() - splice(2) on open files: file to pipe, pipe to file, or
 * pipe to pipe. @off_in/@off_out: NULL to use and advance the file
 * position, else the position to use (updated). Return as sim_splice().
 */
ssize_t do_splice(struct file *in, loff_t *off_in, struct file *out, loff_t *off_out,
		  size_t len, unsigned int flags);

/**
 * do_vmsplice() - vmsplice(2) on an open file: a pipe's write end takes
 * references (FOLL_GET) on the user pages of @iov; a read end copies
 * pipe data out to them. Return as sim_vmsplice().
 */
ssize_t do_vmsplice(struct file *file, const struct iovec *iov, unsigned long nr,
		    unsigned int flags);

#endif /* PINIO_PIPE_FS_I_H */
