/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinio/fs.h - the minimal VFS: address spaces, open files, their
 * operations and the kiocb that carries one I/O through them.
 *
 * Models the parts of include/linux/fs.h that the syscall layer and the
 * block layer's file operations need. Faithful: struct kiocb with ki_pos,
 * ki_flags (IOCB_*) and ki_complete() for asynchronous I/O, is_sync_kiocb(),
 * FMODE_READ/WRITE checked by the read/write helpers, -EIOCBQUEUED. Simplified:
 * a file has no path, dentry or inode; a block-device file reaches its
 * device through private_data; f_flags hold the host's O_* values. Left out:
 * credentials, locks, fasync, mmap of files (f_op->mmap is reserved).
 */
#ifndef PINIO_FS_H
#define PINIO_FS_H

#include <pinio/mm_types.h>
#include <pinio/atomic.h>
#include <fcntl.h>
#ifndef O_DIRECT
/* <fcntl.h> defines it only under _GNU_SOURCE; this is Linux's value. */
#define O_DIRECT	040000
#endif
#include <pthread.h>
#include <sys/types.h>
#include <sys/uio.h>

struct address_space;
struct file;

struct address_space_operations {
	/* Mark @folio dirty in @mapping; return true if it was clean. */
	bool (*dirty_folio)(struct address_space *mapping, struct folio *folio);
	/* Fill the locked, !uptodate @folio from the disk; unlocks it. 0 or -errno. */
	int (*read_folio)(struct file *file, struct folio *folio);
	/*
	 * Write the locked folio, which writeback has marked PG_writeback
	 * and cleaned, to the disk (allocating blocks); wait for the I/O.
	 * Unlocks nothing. 0 or -errno.
	 */
	int (*writepage)(struct folio *folio);
};

/**
 * struct address_space - the owner of page-cache or shmem folios.
 * @a_ops: operations; NULL means "just set PG_dirty".
 * @host: the inode or shmem object.
 * @nrpages: pages currently indexed (a large folio counts all its pages).
 * @max_folio_order: largest page-cache folio (mapping_set_large_folios()).
 * @needs_writeback: dirty folios must be written back (false for shmem):
 *	decides whether long-term writable pins are refused (R-GUP-4, R-WB-1).
 */
struct address_space {
	const struct address_space_operations *a_ops;
	void *host;
	unsigned long nrpages;
	bool needs_writeback;
	unsigned char max_folio_order;
	/* On the list of mappings reclaim walks (mm/vmscan.c). */
	struct list_head reclaim_link;
	int reclaim_busy;
	/*
	 * The page cache's index of this mapping (mm/filemap.c owns its
	 * layout), NULL while nothing is cached.
	 */
	void *i_pages;
	pthread_mutex_t i_pages_lock;
	/*
	 * The VMAs mapping this file (mm/rmap.c owns the layout; the
	 * kernel's i_mmap tree), for write-protecting and unmapping a folio.
	 */
	void *i_mmap;
	pthread_mutex_t i_mmap_lock;
};

/* ---- inodes and superblocks (the filesystem layer) -------------------- */

struct super_block;
struct block_device;

/**
 * struct inode - a file of a mounted filesystem.
 * @i_ino: inode number.
 * @i_mode: S_IFREG etc. and permission bits.
 * @i_size: bytes; read with i_size_read(), written under i_rwsem.
 * @i_blkbits: log2 of the filesystem block size.
 * @i_sb: the filesystem.
 * @i_mapping: the page cache of this file (points at @i_data).
 * @i_data: the address_space embedded in the inode.
 * @i_rwsem: the inode lock (exclusive for writes, truncate; shared for DIO).
 * @i_dio_count: direct I/O in flight: inode_dio_begin()/inode_dio_end();
 *	truncate waits in inode_dio_wait() until it is 0 (R-BUG-3, R10).
 * @i_private: the filesystem's in-memory inode.
 */
struct inode {
	unsigned long i_ino;
	unsigned int i_mode;
	long long i_size;
	unsigned int i_blkbits;
	struct super_block *i_sb;
	struct address_space *i_mapping;
	struct address_space i_data;
	pthread_rwlock_t i_rwsem;
	atomic_t i_dio_count;
	atomic_t i_count;
	void *i_private;
};

static inline long long i_size_read(const struct inode *inode)
{
	return __atomic_load_n(&inode->i_size, __ATOMIC_ACQUIRE);
}

static inline void i_size_write(struct inode *inode, long long size)
{
	__atomic_store_n(&inode->i_size, size, __ATOMIC_RELEASE);
}

static inline unsigned int i_blocksize(const struct inode *inode)
{
	return 1U << inode->i_blkbits;
}

/* Direct I/O in flight on @inode (include/linux/fs.h, fs/inode.c). */
void inode_dio_begin(struct inode *inode);
void inode_dio_end(struct inode *inode);
void inode_dio_wait(struct inode *inode);

/**
 * struct super_block - a mounted filesystem.
 * @s_bdev: the device it lives on.
 * @s_blocksize, @s_blocksize_bits: filesystem block size.
 * @s_fs_info: the filesystem's private data.
 */
struct super_block {
	struct block_device *s_bdev;
	unsigned long s_blocksize;
	unsigned char s_blocksize_bits;
	void *s_fs_info;
};

/* ---- open files ------------------------------------------------------ */

/* The kernel's internal "queued, completion follows" return (not a host errno). */
#define EIOCBQUEUED	529

/* f_mode bits (include/linux/fs.h). */
#define FMODE_READ		(1U << 0)
#define FMODE_WRITE		(1U << 1)
#define FMODE_LSEEK		(1U << 2)
#define FMODE_PREAD		(1U << 3)
#define FMODE_PWRITE		(1U << 4)
#define FMODE_NOWAIT		(1U << 5)
#define FMODE_CAN_ODIRECT	(1U << 6)	/* the file supports O_DIRECT */
#define FMODE_CAN_READ		(1U << 17)	/* f_op->read_iter exists */
#define FMODE_CAN_WRITE		(1U << 18)	/* f_op->write_iter exists */

struct file;
struct kiocb;
struct iov_iter;
struct vm_area_struct;
struct pipe_inode_info;

/**
 * struct file_operations - what an open file can do.
 * @name: for reports.
 * @llseek: move f_pos (SEEK_SET/CUR/END); the new position or -errno.
 * @read_iter: read into @to at kiocb->ki_pos. Synchronous kiocb: bytes or
 *	-errno. Asynchronous: may return -EIOCBQUEUED and call ki_complete()
 *	later, from any thread.
 * @write_iter: the same for writes from @from.
 * @fsync: flush [start, end] (datasync: data only).
 * @release: the last reference to the file went away.
 * @mmap: reserved for file mappings.
 * @splice_read, @splice_write: reserved for fs/splice.c.
 */
struct file_operations {
	const char *name;
	loff_t (*llseek)(struct file *file, loff_t offset, int whence);
	ssize_t (*read_iter)(struct kiocb *iocb, struct iov_iter *to);
	ssize_t (*write_iter)(struct kiocb *iocb, struct iov_iter *from);
	int (*fsync)(struct file *file, loff_t start, loff_t end, int datasync);
	int (*release)(struct file *file);
	int (*mmap)(struct file *file, struct vm_area_struct *vma);
	ssize_t (*splice_read)(struct file *in, loff_t *ppos, struct pipe_inode_info *pipe,
			       size_t len, unsigned int flags);
	ssize_t (*splice_write)(struct pipe_inode_info *pipe, struct file *out, loff_t *ppos,
				size_t len, unsigned int flags);
};

/**
 * struct file - an open file description, shared by every fd that dups it.
 * @f_op: operations.
 * @f_flags: the host O_* flags it was opened with (O_ACCMODE, O_DIRECT, ...).
 * @f_mode: FMODE_* bits.
 * @f_pos: the file position of read()/write(); under @f_pos_lock.
 * @f_mapping: page cache of the file (NULL: none yet).
 * @private_data: the opener's (a block-device file: its struct block_device).
 * @f_count: references (fds, in-flight asynchronous I/O).
 * @f_pos_lock: serialises read()/write() on one file, like FMODE_ATOMIC_POS.
 */
struct file {
	const struct file_operations *f_op;
	unsigned int f_flags;
	unsigned int f_mode;
	loff_t f_pos;
	struct address_space *f_mapping;
	void *private_data;
	atomic_long_t f_count;
	pthread_mutex_t f_pos_lock;
};

/**
 * alloc_file() - a new open file with one reference.
 * @fop: its operations.
 * @flags: host O_* flags; O_ACCMODE sets FMODE_READ/WRITE.
 * @private_data: the opener's.
 *
 * Sets FMODE_CAN_READ/WRITE from @fop, and FMODE_LSEEK|PREAD|PWRITE.
 * Return: the file, or ERR_PTR(-ENOMEM) (a FAULT_META_ALLOC site).
 */
struct file *alloc_file(const struct file_operations *fop, unsigned int flags,
			void *private_data);

/* get_file() - one more reference; the file stays open until fput(). */
static inline struct file *get_file(struct file *f)
{
	atomic_long_inc(&f->f_count);
	return f;
}

/**
 * fput() - drop a reference; the last one calls f_op->release and frees.
 * Context: any thread; release runs in the caller's.
 */
void fput(struct file *file);
long nr_live_files(void);

/* ---- the I/O control block ------------------------------------------- */

/* ki_flags (include/linux/fs.h; the simulation's bit values). */
#define IOCB_HIPRI		(1 << 0)
#define IOCB_DSYNC		(1 << 1)
#define IOCB_SYNC		(1 << 2)
#define IOCB_WRITE		(1 << 3)
#define IOCB_APPEND		(1 << 4)
#define IOCB_DIRECT		(1 << 5)
#define IOCB_NOWAIT		(1 << 6)
#define IOCB_NOIO		(1 << 7)
#define IOCB_ALLOC_CACHE	(1 << 8)

/**
 * struct kiocb - one read or write in flight.
 * @ki_filp: the file.
 * @ki_pos: where the I/O starts; advanced by the bytes done.
 * @ki_complete: NULL for synchronous I/O; otherwise called once with the
 *	result (bytes or -errno) when a read_iter/write_iter that returned
 *	-EIOCBQUEUED finishes, possibly on a DMA worker thread.
 * @private: the issuer's (the async ring's request) or the driver's.
 * @ki_flags: IOCB_*.
 * @ki_ioprio: I/O priority (unused by the devices).
 */
struct kiocb {
	struct file *ki_filp;
	loff_t ki_pos;
	void (*ki_complete)(struct kiocb *iocb, long ret);
	void *private;
	int ki_flags;
	unsigned short ki_ioprio;
};

static inline bool is_sync_kiocb(const struct kiocb *kiocb)
{
	return !kiocb->ki_complete;
}

/* IOCB_* flags implied by a file's O_* flags (iocb_flags()). */
static inline int iocb_flags(const struct file *file)
{
	int res = 0;

	if (file->f_flags & O_APPEND)
		res |= IOCB_APPEND;
	if (file->f_flags & O_DIRECT)
		res |= IOCB_DIRECT;
	if (file->f_flags & O_DSYNC)
		res |= IOCB_DSYNC;
	if ((file->f_flags & O_SYNC) == O_SYNC)
		res |= IOCB_SYNC;
	return res;
}

static inline void init_sync_kiocb(struct kiocb *kiocb, struct file *filp)
{
	*kiocb = (struct kiocb){
		.ki_filp = filp,
		.ki_flags = iocb_flags(filp),
	};
}

static inline bool iocb_is_dsync(const struct kiocb *iocb)
{
	return iocb->ki_flags & IOCB_DSYNC;
}

/* ---- fs/read_write.c ---------------------------------------------------- */

int rw_verify_area(int read_write, struct file *file, const loff_t *ppos, size_t count);
ssize_t vfs_read(struct file *file, unsigned long buf, size_t count, loff_t *pos);
ssize_t vfs_write(struct file *file, unsigned long buf, size_t count, loff_t *pos);
ssize_t vfs_readv(struct file *file, const struct iovec *vec, unsigned long vlen,
		  loff_t *pos, int flags);
ssize_t vfs_writev(struct file *file, const struct iovec *vec, unsigned long vlen,
		   loff_t *pos, int flags);
ssize_t vfs_iter_read(struct file *file, struct iov_iter *iter, loff_t *ppos, int flags);
ssize_t vfs_iter_write(struct file *file, struct iov_iter *iter, loff_t *ppos, int flags);
ssize_t vfs_iocb_iter_read(struct file *file, struct kiocb *iocb, struct iov_iter *iter);
ssize_t vfs_iocb_iter_write(struct file *file, struct kiocb *iocb, struct iov_iter *iter);
loff_t vfs_llseek(struct file *file, loff_t offset, int whence);
loff_t fixed_size_llseek(struct file *file, loff_t offset, int whence, loff_t size);
int vfs_fsync(struct file *file, int datasync);

/* ---- block/fops.c ------------------------------------------------------- */

/* The file operations of a raw block device node (/dev/NAME). */
extern const struct file_operations def_blk_fops;

/**
 * blkdev_file_open() - open the disk called @name as a raw device file.
 * @name: the NAME of /dev/NAME.
 * @flags: host O_* flags (O_ACCMODE, O_DIRECT, O_DSYNC, ...).
 *
 * Takes a reference on the block device until the file's last fput().
 * Return: the file, ERR_PTR(-ENOENT) for no such disk, ERR_PTR(-ENOMEM).
 */
struct file *blkdev_file_open(const char *name, unsigned int flags);

#endif /* PINIO_FS_H */
