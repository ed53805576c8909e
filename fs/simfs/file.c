// SPDX-License-Identifier: GPL-2.0
/*
 * fs/simfs/file.c - simfs files: open, buffered and direct read/write,
 * fsync, llseek, mmap, splice, truncate, and the address_space operations that
 * move page-cache folios to and from the disk.
 *
 * Buffered I/O goes through the page cache (filemap_read(),
 * generic_perform_write()); blocks are allocated at writeback
 * (simfs_writepage()), written, and only then made visible by the next
 * commit (fsync). O_DIRECT goes to the mount's engine: iomap_dio_rw()
 * with simfs_iomap_ops, or __blockdev_direct_IO() with simfs_get_block();
 * -ENOTBLK from either means "do the rest buffered". A truncate takes the
 * inode lock, waits for direct I/O in flight (inode_dio_wait(), R-BUG-3),
 * drops the cache beyond the new size (orphaning held folios, I7), then
 * frees the blocks. Shared mappings are dirty-tracked
 * (needs_dirty_tracking), so long-term writable pins of them are refused
 * (R-GUP-8). Left out: fallocate, SEEK_DATA/SEEK_HOLE, timestamps,
 * permissions, O_APPEND atomicity with concurrent DIO.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <pinio/bio.h>
#include <pinio/buffer_head.h>
#include <pinio/iomap.h>
#include <pinio/pagemap.h>
#include <pinio/pipe_fs_i.h>
#include "fs/simfs/simfs.h"

/* ---- address_space operations ----------------------------------------------- */

/* Blocks of the largest folio: 2^MAX_PAGECACHE_ORDER pages of 512-byte blocks. */
#define SIMFS_FOLIO_MAX_BLOCKS	((PAGE_SIZE << MAX_PAGECACHE_ORDER) / 512)

/*
 * Read or write the fs blocks of @folio in runs of contiguous disk blocks,
 * one bvec per page of the run.
 * @blk[k]: disk block of block k of the folio, or 0 for "not on disk".
 */
static int simfs_folio_io(struct simfs_sb_info *sbi, struct folio *folio, const uint64_t *blk,
			  unsigned int nr, blk_opf_t op)
{
	unsigned int bs = 1U << sbi->bits, k = 0;
	int ret = 0;

	while (k < nr && !ret) {
		unsigned int run = 1;
		size_t off, end;
		struct bio *bio;

		if (!blk[k]) {
			k++;
			continue;
		}
		while (k + run < nr && blk[k + run] == blk[k] + run)
			run++;
		off = (size_t)k * bs;
		end = off + (size_t)run * bs;
		bio = bio_alloc(sbi->bdev, (unsigned short)(DIV_ROUND_UP(end, PAGE_SIZE) -
							    off / PAGE_SIZE), op, 0);
		if (!bio)
			return -ENOMEM;
		bio->bi_iter.bi_sector = (blk[k] << sbi->bits) >> SECTOR_SHIFT;
		while (off < end) {
			size_t part = min_t(size_t, end - off, PAGE_SIZE - off % PAGE_SIZE);

			__bio_add_page(bio, folio_page(folio, off / PAGE_SIZE), (unsigned int)part,
				       (unsigned int)(off % PAGE_SIZE));
			off += part;
		}
		ret = submit_bio_wait(bio);
		bio_put(bio);
		k += run;
	}
	return ret;
}

/* a_ops->read_folio: holes and unwritten blocks read as zeros; unlocks. */
static int simfs_read_folio(struct file *file, struct folio *folio)
{
	struct inode *inode = folio->mapping->host;
	struct simfs_inode *si = SIMFS_I(inode);
	struct simfs_sb_info *sbi = si->sbi;
	unsigned int nr = (unsigned int)(folio_size(folio) >> sbi->bits), bs = 1U << sbi->bits, k;
	uint64_t first = ((uint64_t)folio->index << PAGE_SHIFT) >> sbi->bits;
	uint64_t blk[SIMFS_FOLIO_MAX_BLOCKS] = { 0 };
	loff_t isize = i_size_read(inode), start = folio_pos(folio);
	size_t size = folio_size(folio);
	char *addr = folio_address(folio);
	int ret;

	pthread_mutex_lock(&sbi->lock);
	for (k = 0; k < nr; k++) {
		struct simfs_extent e;

		blk[k] = 0;
		if (simfs_ext_lookup(si, first + k, &e) && !(e.flags & SIMFS_EXT_UNWRITTEN))
			blk[k] = e.pblk;
		else
			memset(addr + k * bs, 0, bs);
	}
	pthread_mutex_unlock(&sbi->lock);
	ret = simfs_folio_io(sbi, folio, blk, nr, REQ_OP_READ);
	/* Whatever lies past EOF reads as zeros, also through mmap. */
	if (!ret && isize < start + (loff_t)size)
		memset(addr + max_t(loff_t, isize - start, 0), 0,
		       (size_t)((loff_t)size - max_t(loff_t, isize - start, 0)));
	if (!ret)
		set_bit(PG_uptodate, &folio->flags);
	folio_unlock(folio);
	return ret;
}

/*
 * a_ops->writepage: allocate blocks under holes, write every block below
 * EOF, then mark unwritten blocks written. The folio (of any order) is
 * locked and under writeback; stores through user mappings were
 * write-protected.
 */
static int simfs_writepage(struct folio *folio)
{
	struct inode *inode = folio->mapping->host;
	struct simfs_inode *si = SIMFS_I(inode);
	struct simfs_sb_info *sbi = si->sbi;
	unsigned int nr = (unsigned int)(folio_size(folio) >> sbi->bits), k;
	uint64_t first = ((uint64_t)folio->index << PAGE_SHIFT) >> sbi->bits;
	uint64_t blk[SIMFS_FOLIO_MAX_BLOCKS] = { 0 };
	uint64_t eof_blocks = DIV_ROUND_UP((uint64_t)i_size_read(inode), 1U << sbi->bits);
	bool unwritten = false;
	int ret = 0;

	pthread_mutex_lock(&sbi->lock);
	for (k = 0; k < nr; k++) {
		struct simfs_extent e;

		blk[k] = 0;
		if (first + k >= eof_blocks)
			continue;
		/*
		 * Allocate no further than EOF: a written extent past it would
		 * hold stale disk bytes that a later DIO write (mapped, so not
		 * zeroed) or growth of the file exposes (R-IOMAP-2).
		 */
		ret = simfs_map_alloc(si, first + k,
				      (uint32_t)min_t(uint64_t, nr - k, eof_blocks - (first + k)), 0, &e);
		if (ret < 0)
			break;
		ret = 0;
		blk[k] = e.pblk;
		unwritten |= e.flags & SIMFS_EXT_UNWRITTEN;
	}
	pthread_mutex_unlock(&sbi->lock);
	if (!ret)
		ret = simfs_folio_io(sbi, folio, blk, nr, REQ_OP_WRITE);
	if (!ret && unwritten) {
		pthread_mutex_lock(&sbi->lock);
		ret = simfs_ext_set_written(si, first, min_t(uint64_t, nr, eof_blocks - first));
		pthread_mutex_unlock(&sbi->lock);
	}
	return ret;
}

const struct address_space_operations simfs_aops = {
	.dirty_folio = filemap_dirty_folio,
	.read_folio = simfs_read_folio,
	.writepage = simfs_writepage,
};

/* ---- read and write ----------------------------------------------------------- */

static struct inode *file_inode(const struct file *file)
{
	return file->f_mapping->host;
}

/*
 * A legacy direct write that extended the file failed: the blocks it
 * allocated past i_size hold whatever reached the disk, and would show
 * once the file grows over them. Drop the cache and the blocks past
 * i_size, as ext2_write_failed() does after blockdev_direct_IO() (iomap
 * allocates unwritten extents instead, which read as zeros). Caller holds
 * i_rwsem; the engine waited for every bio of an extending write.
 */
static void simfs_dio_write_failed(struct inode *inode, loff_t end)
{
	struct simfs_inode *si = SIMFS_I(inode);
	struct simfs_sb_info *sbi = si->sbi;
	loff_t size = i_size_read(inode);

	if (end <= size)
		return;
	truncate_pagecache(inode, size);
	pthread_mutex_lock(&sbi->lock);
	simfs_ext_truncate(si, DIV_ROUND_UP((uint64_t)size, 1U << sbi->bits));
	pthread_mutex_unlock(&sbi->lock);
}

/*
 * The iomap engine's flags for a direct I/O; a write that starts or ends
 * inside an fs block is serialised first. iomap zeroes the rest of a new
 * block such a write lands in (R-IOMAP-2); two of them in flight on one
 * block would zero each other's bytes. As ext4 does (ext4_dio_write_checks()
 * of the kernels the sim profiles; xfs_file_dio_write_unaligned() for
 * writes it cannot do as a pure overwrite), the write waits for every
 * direct I/O in flight on the inode, reads included (inode_dio_wait()),
 * and then runs to completion even when async (IOMAP_DIO_FORCE_WAIT: an
 * aio submit returns with the write done); with IOCB_NOWAIT it is -EAGAIN
 * at once, I/O in flight or not. The caller holds i_rwsem exclusive, so
 * no direct I/O starts meanwhile. Alignment is of the file range (pos and
 * length, as xfs tests it); the buffer's own alignment does not matter.
 * Not modelled: the fast path of xfs and later ext4 that lets a sub-block
 * pure overwrite of written blocks below EOF through without waiting.
 *
 * The legacy engine does not do this, as fs/direct-io.c does not: it
 * zeroes the rest of a block only for a block it allocates
 * (dio_zero_block()), with DIO_SKIP_HOLES it asks simfs_get_block() to
 * allocate only past EOF (a hole inside the file falls back to buffered
 * I/O), and such an extending write is waited for under i_rwsem
 * (dio->is_async is false): no two partial-block zeroings are ever in
 * flight on one block.
 *
 * Return: the flags for iomap_dio_rw(), or -EAGAIN.
 */
static int simfs_dio_subblock_flags(struct kiocb *iocb, struct iov_iter *iter)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	unsigned long mask = (1UL << SIMFS_I(inode)->sbi->bits) - 1;
	loff_t pos = iocb->ki_pos;

	if (iov_iter_rw(iter) != WRITE ||
	    !(((unsigned long)pos | iov_iter_count(iter)) & mask))
		return 0;
	if (iocb->ki_flags & IOCB_NOWAIT)
		return -EAGAIN;
	inode_dio_wait(inode);
	return IOMAP_DIO_FORCE_WAIT;
}

static ssize_t simfs_dio(struct kiocb *iocb, struct iov_iter *iter)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	struct simfs_sb_info *sbi = SIMFS_I(inode)->sbi;
	loff_t pos = iocb->ki_pos, end = pos + (loff_t)iov_iter_count(iter);
	ssize_t ret;

	if (sbi->dio == SIMFS_DIO_IOMAP) {
		int flags = simfs_dio_subblock_flags(iocb, iter);

		if (flags < 0)
			return flags;
		return iomap_dio_rw(iocb, iter, &simfs_iomap_ops, &simfs_dio_ops,
				    (unsigned int)flags, NULL, 0);
	}

	/*
	 * The legacy engine writes back the cache itself only for reads, and
	 * leaves i_size and a sync request's ki_pos to its caller.
	 */
	if (iov_iter_rw(iter) == WRITE) {
		ret = filemap_write_and_wait_range(inode->i_mapping, pos,
						   pos + (loff_t)iov_iter_count(iter) - 1);
		if (!ret)
			ret = invalidate_inode_pages2_range(inode->i_mapping,
							    (pgoff_t)(pos >> PAGE_SHIFT),
							    (pgoff_t)((pos + (loff_t)iov_iter_count(iter) - 1) >> PAGE_SHIFT));
		if (ret)
			return -ENOTBLK;
	}
	ret = __blockdev_direct_IO(iocb, inode, sbi->bdev, iter, simfs_get_block, NULL,
				   DIO_LOCKING | DIO_SKIP_HOLES);
	if (ret < 0 && ret != -EIOCBQUEUED && ret != -ENOTBLK && iov_iter_rw(iter) == WRITE)
		simfs_dio_write_failed(inode, end);
	if (ret > 0) {
		iocb->ki_pos += ret;
		if (iov_iter_rw(iter) == WRITE && iocb->ki_pos > i_size_read(inode))
			i_size_write(inode, iocb->ki_pos);
	}
	return ret;
}

static ssize_t simfs_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	bool legacy = SIMFS_I(inode)->sbi->dio == SIMFS_DIO_LEGACY;
	ssize_t ret;

	if (!iov_iter_count(to))
		return 0;
	if (!(iocb->ki_flags & IOCB_DIRECT))
		return filemap_read(iocb, to, 0);
	/* The legacy engine takes i_rwsem itself for reads (DIO_LOCKING). */
	if (legacy)
		return simfs_dio(iocb, to);
	pthread_rwlock_rdlock(&inode->i_rwsem);
	if (iocb->ki_pos >= i_size_read(inode))
		ret = 0;
	else
		ret = simfs_dio(iocb, to);
	pthread_rwlock_unlock(&inode->i_rwsem);
	return ret;
}

/* Buffered rest of a direct write: write it through and drop it from the cache. */
static ssize_t simfs_dio_fallback(struct kiocb *iocb, struct iov_iter *from, ssize_t done)
{
	struct address_space *mapping = iocb->ki_filp->f_mapping;
	loff_t pos = iocb->ki_pos;
	ssize_t n = generic_perform_write(iocb, from);
	int err;

	if (n <= 0)
		return done ? done : n;
	iocb->ki_pos += n;
	err = filemap_write_and_wait_range(mapping, pos, pos + n - 1);
	if (!err)
		invalidate_inode_pages2_range(mapping, (pgoff_t)(pos >> PAGE_SHIFT),
					      (pgoff_t)((pos + n - 1) >> PAGE_SHIFT));
	return err && !done ? err : done + n;
}

static ssize_t simfs_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct inode *inode = file_inode(file);
	ssize_t ret;

	if (!iov_iter_count(from))
		return 0;
	pthread_rwlock_wrlock(&inode->i_rwsem);
	if (iocb->ki_flags & IOCB_APPEND)
		iocb->ki_pos = i_size_read(inode);
	if (iocb->ki_pos >= SIMFS_MAX_BYTES) {
		ret = -EFBIG;
		goto out_unlock;
	}
	iov_iter_truncate(from, (size_t)(SIMFS_MAX_BYTES - iocb->ki_pos));
	if (iocb->ki_flags & IOCB_DIRECT) {
		size_t before = iov_iter_count(from), consumed;

		ret = simfs_dio(iocb, from);
		if (ret == -ENOTBLK)
			ret = 0;
		/*
		 * As generic_file_direct_write() does: the engine may have
		 * taken more of the iterator than it wrote (legacy direct-io
		 * queues up to 64 pages before it meets the hole), so put the
		 * unwritten part back before the buffered fallback.
		 */
		consumed = before - iov_iter_count(from);
		if (ret >= 0 && consumed > (size_t)ret)
			iov_iter_revert(from, consumed - (size_t)ret);
		if (ret >= 0 && iov_iter_count(from))
			ret = simfs_dio_fallback(iocb, from, ret);
	} else {
		ret = generic_perform_write(iocb, from);
		if (ret > 0) {
			iocb->ki_pos += ret;
			if (iocb_is_dsync(iocb)) {
				int err = vfs_fsync(file, 1);

				if (err)
					ret = err;
			}
		}
	}
out_unlock:
	pthread_rwlock_unlock(&inode->i_rwsem);
	return ret;
}

static int simfs_fsync(struct file *file, loff_t start, loff_t end, int datasync)
{
	struct inode *inode = file_inode(file);
	int ret, err;

	ret = filemap_write_and_wait_range(inode->i_mapping, 0, -1);
	err = simfs_commit(SIMFS_I(inode)->sbi);
	return ret ? ret : err;
}

static loff_t simfs_llseek(struct file *file, loff_t offset, int whence)
{
	loff_t base;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = file->f_pos;
		break;
	case SEEK_END:
		base = i_size_read(file_inode(file));
		break;
	default:
		return -EINVAL;
	}
	if ((offset > 0 && base > SIMFS_MAX_BYTES - offset) || base + offset < 0)
		return -EINVAL;
	pthread_mutex_lock(&file->f_pos_lock);
	file->f_pos = base + offset;
	pthread_mutex_unlock(&file->f_pos_lock);
	return base + offset;
}

/* The last close: an unlinked file goes away with it. */
static int simfs_release(struct file *file)
{
	struct simfs_inode *si = SIMFS_I(file_inode(file));
	struct simfs_sb_info *sbi = si->sbi;
	bool evict;

	pthread_mutex_lock(&sbi->lock);
	evict = --si->opens == 0 && si->unlinked;
	if (evict)
		simfs_ext_truncate(si, 0);
	pthread_mutex_unlock(&sbi->lock);
	if (evict)
		simfs_inode_evict(si);
	return 0;
}

/* ---- mmap ----------------------------------------------------------------------- */

static void simfs_vm_open(struct vm_area_struct *vma)
{
	get_file(vma->vm_file);
	if (mapping_vma_add(vma->vm_file->f_mapping, vma))
		WARN_ON_ONCE(1);	/* writeback then misses this VMA's PTEs */
}

static void simfs_vm_close(struct vm_area_struct *vma)
{
	mapping_vma_del(vma->vm_file->f_mapping, vma);
	fput(vma->vm_file);
}

static const struct vm_operations_struct simfs_vm_ops = {
	.fault = filemap_fault,
	.page_mkwrite = filemap_page_mkwrite,
	.open = simfs_vm_open,
	.close = simfs_vm_close,
	.needs_dirty_tracking = true,
};

static int simfs_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (!(file->f_mode & FMODE_READ))
		return -EACCES;
	if (vma->vm_flags & VM_SHARED) {
		if ((vma->vm_flags & VM_WRITE) && !(file->f_mode & FMODE_WRITE))
			return -EACCES;
		if (!(file->f_mode & FMODE_WRITE))
			vma->vm_flags &= ~VM_MAYWRITE;
	}
	if (mapping_vma_add(file->f_mapping, vma))
		return -ENOMEM;
	vma->vm_ops = &simfs_vm_ops;
	vma->vm_file = get_file(file);
	vma->vm_private_data = file_inode(file);
	return 0;
}

/* O_DIRECT files splice through fresh pages, buffered ones hand out cache folios. */
static ssize_t simfs_splice_read(struct file *in, loff_t *ppos, struct pipe_inode_info *pipe,
				 size_t len, unsigned int flags)
{
	if (in->f_flags & O_DIRECT)
		return direct_splice_read(in, ppos, pipe, len, flags);
	return filemap_splice_read(in, ppos, pipe, len, flags);
}

const struct file_operations simfs_file_ops = {
	.name = "simfs",
	.llseek = simfs_llseek,
	.read_iter = simfs_read_iter,
	.write_iter = simfs_write_iter,
	.fsync = simfs_fsync,
	.release = simfs_release,
	.mmap = simfs_mmap,
	.splice_read = simfs_splice_read,
	.splice_write = iter_file_splice_write,
};

/* ---- open and truncate ---------------------------------------------------------- */

/**
 * simfs_setsize() - truncate or extend @inode to @newsize (ftruncate).
 * @inode: a simfs regular file.
 * @newsize: the new size in bytes.
 *
 * Waits for direct I/O in flight first; cached folios past the new end
 * leave the cache at once (held ones are orphaned); blocks past it are
 * freed. The bytes of the last block past @newsize are zeroed (in the
 * cache, written at the next writeback). That block is read in before
 * anything changes: if it cannot be, the call fails and the file is as
 * it was. Takes no pin or reference.
 * Return: 0, -EINVAL (negative), -EFBIG (over the maximum), -ENOMEM, -EIO.
 */
int simfs_setsize(struct inode *inode, loff_t newsize)
{
	struct simfs_inode *si = SIMFS_I(inode);
	struct simfs_sb_info *sbi = si->sbi;
	struct folio *partial = NULL;
	loff_t old;
	int ret = 0;

	if (newsize < 0)
		return -EINVAL;
	if (newsize > SIMFS_MAX_BYTES)
		return -EFBIG;
	pthread_rwlock_wrlock(&inode->i_rwsem);
	inode_dio_wait(inode);
	old = i_size_read(inode);
	if (newsize < old && (newsize & ~PAGE_MASK)) {
		/*
		 * Read the folio of the new EOF in before anything changes, so
		 * that a read error (-EIO, -ENOMEM) fails the call with the file
		 * as it was: cutting i_size but keeping the blocks past it would
		 * bring their old bytes back at the next extension.
		 */
		partial = filemap_get_uptodate_folio(NULL, inode->i_mapping,
						     (pgoff_t)(newsize >> PAGE_SHIFT));
		if (IS_ERR(partial)) {
			pthread_rwlock_unlock(&inode->i_rwsem);
			return (int)PTR_ERR(partial);
		}
		folio_put(partial);
		partial = NULL;
	}
	if (newsize < old) {
		i_size_write(inode, newsize);
		truncate_pagecache(inode, newsize);
		/*
		 * The folio holding the new EOF keeps its head; its tail (which
		 * truncate zeroed) is dirtied so the zeros reach the block on
		 * disk. Looked up again only now: a reference held across the
		 * truncate would keep a large folio from splitting. It is
		 * normally cached; a clean large folio that could not be split
		 * was dropped and is read again, and if that read fails the
		 * blocks past the end are still freed before the error returns.
		 */
		if (newsize & ~PAGE_MASK) {
			partial = filemap_get_uptodate_folio(NULL, inode->i_mapping,
							     (pgoff_t)(newsize >> PAGE_SHIFT));
			if (IS_ERR(partial)) {
				ret = (int)PTR_ERR(partial);
				partial = NULL;
			}
		}
		if (partial) {
			folio_lock(partial);
			if (partial->mapping == inode->i_mapping && folio_contains_pos(partial, newsize)) {
				size_t off = (size_t)(newsize - folio_pos(partial));

				memset((char *)folio_address(partial) + off, 0, folio_size(partial) - off);
				folio_mark_dirty(partial);
			}
			folio_unlock(partial);
			folio_put(partial);
		}
		pthread_mutex_lock(&sbi->lock);
		simfs_ext_truncate(si, DIV_ROUND_UP((uint64_t)newsize, 1U << sbi->bits));
		pthread_mutex_unlock(&sbi->lock);
	} else {
		i_size_write(inode, newsize);
	}
	pthread_rwlock_unlock(&inode->i_rwsem);
	return ret;
}

/**
 * simfs_open_file() - open (O_CREAT: create) file @name of @sbi.
 * @sbi: the mounted simfs.
 * @name: the file name (no directory part).
 * @flags: host O_* flags (O_CREAT, O_EXCL, O_TRUNC, O_DIRECT, O_ACCMODE).
 * @mode: permission bits for a new file.
 * Context: the caller keeps the mount alive (simfs_open_path()).
 * Return: the file (O_DIRECT allowed), or ERR_PTR(-ENOENT, -EEXIST,
 * -ENAMETOOLONG, -EINVAL (empty name or a '/'), -ENOMEM).
 */
struct file *simfs_open_file(struct simfs_sb_info *sbi, const char *name, int flags,
			     mode_t mode)
{
	struct simfs_inode *si;
	struct file *file;
	int err;

	if (!*name || strchr(name, '/'))
		return ERR_PTR(-EINVAL);
	if (strlen(name) > SIMFS_NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	pthread_mutex_lock(&sbi->lock);
	si = simfs_lookup(sbi, name);
	if (si && (flags & O_CREAT) && (flags & O_EXCL)) {
		pthread_mutex_unlock(&sbi->lock);
		return ERR_PTR(-EEXIST);
	}
	if (!si && (flags & O_CREAT)) {
		si = simfs_inode_new(sbi, name, sbi->next_ino);
		if (si) {
			sbi->next_ino++;
			si->vfs.i_mode = S_IFREG | (mode & 07777);
		}
		err = -ENOMEM;
	} else {
		err = -ENOENT;
	}
	if (!si) {
		pthread_mutex_unlock(&sbi->lock);
		return ERR_PTR(err);
	}
	si->opens++;
	pthread_mutex_unlock(&sbi->lock);

	file = alloc_file(&simfs_file_ops, (unsigned int)flags, si);
	if (IS_ERR(file))
		goto out_close;
	file->f_mapping = si->vfs.i_mapping;
	file->f_mode |= FMODE_CAN_ODIRECT | FMODE_NOWAIT;
	if ((flags & O_TRUNC) && (file->f_mode & FMODE_WRITE)) {
		err = simfs_setsize(&si->vfs, 0);
		if (err) {
			fput(file);
			return ERR_PTR(err);
		}
	}
	return file;

out_close:
	pthread_mutex_lock(&sbi->lock);
	si->opens--;
	pthread_mutex_unlock(&sbi->lock);
	return file;
}
