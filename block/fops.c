// SPDX-License-Identifier: GPL-2.0
/*
 * block/fops.c - the file operations of a raw block device node: direct
 * I/O from user memory straight into bios.
 *
 * Models block/fops.c (v6.5): blkdev_read_iter()/blkdev_write_iter() clip
 * the I/O to the device's end (a read at or past the end gives 0, a
 * straddling one a short count; a write at the end -ENOSPC), then
 * blkdev_direct_IO() picks one of three engines: the simple synchronous
 * single-bio path (bvecs on the stack for up to 4 pages), the asynchronous
 * single-bio path, or the multi-bio path whose struct blkdev_dio counts
 * the bios and completes the kiocb when the last one ends. Reads into user
 * memory are dirtied (bio_set_pages_dirty() before an asynchronous submit,
 * bio_check_pages_dirty() at its completion, bio_release_pages(bio, true)
 * after a synchronous one), and O_DSYNC writes carry REQ_FUA.
 *
 * Alignment follows v6.5 (blkdev_dio_unaligned(), bdev_iter_is_aligned()):
 * a position, total length or segment length that is not a multiple of
 * the logical block size, or a segment address that breaks the queue's
 * dma_alignment, is refused with -EINVAL before anything is pinned, so a
 * misaligned buffer over unmapped memory is -EINVAL, not -EFAULT. (Kernels
 * from 6.18 find a misaligned address only while splitting the built bio,
 * after pinning; `pinio kcompare` reports that host difference.)
 *
 * Buffered access (no O_DIRECT) goes through the page cache in the kernel;
 * the simulation has no block-device page cache yet, so it is refused with
 * -EINVAL. Left out: polled I/O (IOCB_HIPRI is accepted and ignored),
 * integrity metadata, atomic writes, zoned devices, fallocate.
 */
#include <stdlib.h>
#include <string.h>
#include <pinio/blkdev.h>
#include <pinio/fs.h>
#include <pinio/pipe_fs_i.h>
#include <pinio/fault-inject.h>

#define DIO_INLINE_BIO_VECS	4

enum {
	DIO_SHOULD_DIRTY = 1,
	DIO_IS_SYNC = 2,
};

/**
 * struct blkdev_dio - one direct I/O made of one or more bios.
 * @iocb: the kiocb to complete (asynchronous).
 * @size: bytes submitted so far.
 * @ref: bios not yet completed, plus the one being built.
 * @flags: DIO_SHOULD_DIRTY, DIO_IS_SYNC.
 * @error: the first error, as -errno (0: none).
 * @done, @lock, @wait: the synchronous submitter sleeps here.
 *
 * The kernel embeds this in the first bio (a bio_set with front padding);
 * here it is a separate allocation, freed by whoever sees the end.
 */
struct blkdev_dio {
	struct kiocb *iocb;
	size_t size;
	atomic_t ref;
	unsigned int flags;
	atomic_t error;
	bool done;
	pthread_mutex_t lock;
	pthread_cond_t wait;
};

static inline struct block_device *file_bdev(struct file *file)
{
	return file->private_data;
}

static inline loff_t bdev_nr_bytes(struct block_device *bdev)
{
	return (loff_t)bdev_nr_sectors(bdev) << SECTOR_SHIFT;
}

static blk_opf_t dio_bio_write_op(struct kiocb *iocb)
{
	blk_opf_t opf = REQ_OP_WRITE | REQ_SYNC | REQ_IDLE;

	/* FUA instead of a flush after completion: no completion work needed. */
	if (iocb_is_dsync(iocb))
		opf |= REQ_FUA;
	return opf;
}

/* OR of the lengths of the iterator's remaining segments. */
static unsigned long iov_iter_len_alignment(const struct iov_iter *iter)
{
	unsigned long res = 0, i;
	size_t skip = iter->iov_offset, left = iter->count;

	switch (iov_iter_type(iter)) {
	case ITER_IOVEC:
	case ITER_KVEC:
	case ITER_BVEC:
		for (i = 0; i < iter->nr_segs && left; i++) {
			size_t len;

			if (iov_iter_type(iter) == ITER_IOVEC)
				len = iter->__iov[i].iov_len;
			else if (iov_iter_type(iter) == ITER_KVEC)
				len = iter->kvec[i].iov_len;
			else
				len = iter->bvec[i].bv_len;
			len = min(len - skip, left);
			res |= len;
			left -= len;
			skip = 0;
		}
		return res;
	default:
		return left;
	}
}

/*
 * Refused before anything is pinned: a position, total length or segment
 * length that is not a multiple of the logical block size, or a segment
 * address (or length) that breaks the queue's dma_alignment.
 */
static bool blkdev_dio_invalid(struct block_device *bdev, loff_t pos, struct iov_iter *iter)
{
	unsigned long mask = bdev_logical_block_size(bdev) - 1;

	return ((unsigned long)pos | iov_iter_count(iter)) & mask ||
	       iov_iter_len_alignment(iter) & mask ||
	       iov_iter_alignment(iter) & bdev_dma_alignment(bdev);
}

static struct blkdev_dio *blkdev_dio_alloc(void)
{
	struct blkdev_dio *dio;

	if (should_fail_alloc(FAULT_META_ALLOC))
		return NULL;
	dio = calloc(1, sizeof(*dio));
	if (!dio)
		return NULL;
	pthread_mutex_init(&dio->lock, NULL);
	pthread_cond_init(&dio->wait, NULL);
	return dio;
}

static void blkdev_dio_free(struct blkdev_dio *dio)
{
	pthread_cond_destroy(&dio->wait);
	pthread_mutex_destroy(&dio->lock);
	free(dio);
}

static void blkdev_dio_set_error(struct blkdev_dio *dio, int err)
{
	atomic_cmpxchg(&dio->error, 0, err);
}

/*
 * The simple path: one bio on the stack, synchronous. Pins the user pages
 * (bio_iov_iter_get_pages()), submits, waits, then unpins them, dirtying
 * them first for a read.
 */
static ssize_t __blkdev_direct_IO_simple(struct kiocb *iocb, struct iov_iter *iter,
					 struct block_device *bdev, unsigned int nr_pages)
{
	struct bio_vec inline_vecs[DIO_INLINE_BIO_VECS], *vecs;
	loff_t pos = iocb->ki_pos;
	bool should_dirty = false;
	struct bio bio;
	ssize_t ret;

	if (nr_pages <= DIO_INLINE_BIO_VECS) {
		vecs = inline_vecs;
	} else {
		if (should_fail_alloc(FAULT_META_ALLOC))
			return -ENOMEM;
		/* kmalloc_array(): not zeroed, entries past bi_vcnt are never read. */
		vecs = malloc(nr_pages * sizeof(*vecs));
		if (!vecs)
			return -ENOMEM;
	}

	if (iov_iter_rw(iter) == READ) {
		bio_init(&bio, bdev, vecs, nr_pages, REQ_OP_READ);
		if (user_backed_iter(iter))
			should_dirty = true;
	} else {
		bio_init(&bio, bdev, vecs, nr_pages, dio_bio_write_op(iocb));
	}
	bio.bi_iter.bi_sector = pos >> SECTOR_SHIFT;
	bio.bi_ioprio = iocb->ki_ioprio;

	ret = bio_iov_iter_get_pages(&bio, iter);
	if (unlikely(ret))
		goto out;
	ret = bio.bi_iter.bi_size;

	if (iocb->ki_flags & IOCB_NOWAIT)
		bio.bi_opf |= REQ_NOWAIT;

	submit_bio_wait(&bio);

	bio_release_pages(&bio, should_dirty);
	if (unlikely(bio.bi_status))
		ret = blk_status_to_errno(bio.bi_status);

out:
	if (vecs != inline_vecs)
		free(vecs);
	bio_uninit(&bio);
	return ret;
}

/* The last bio of a dio ended: wake the submitter or complete the kiocb. */
static void blkdev_dio_complete(struct blkdev_dio *dio)
{
	struct kiocb *iocb;
	long ret;

	if (dio->flags & DIO_IS_SYNC) {
		pthread_mutex_lock(&dio->lock);
		dio->done = true;
		pthread_cond_signal(&dio->wait);
		pthread_mutex_unlock(&dio->lock);
		return;
	}
	iocb = dio->iocb;
	ret = atomic_read(&dio->error);
	if (likely(!ret)) {
		ret = dio->size;
		iocb->ki_pos += ret;
	}
	blkdev_dio_free(dio);
	iocb->ki_complete(iocb, ret);
}

/*
 * Completion of each bio of the multi-bio path. The bio's pages are
 * released before the dio is counted down, so that when the kiocb
 * completes (or the sync submitter wakes) no page of the I/O is still
 * pinned. The kernel calls ki_complete() first; io_uring then posts the
 * CQE from task work, after this handler has released the pages, which is
 * the order a reaper sees here too.
 */
static void blkdev_bio_end_io(struct bio *bio)
{
	struct blkdev_dio *dio = bio->bi_private;

	if (bio->bi_status)
		blkdev_dio_set_error(dio, blk_status_to_errno(bio->bi_status));

	if (dio->flags & DIO_SHOULD_DIRTY) {
		bio_check_pages_dirty(bio);
	} else {
		bio_release_pages(bio, false);
		bio_put(bio);
	}
	if (atomic_dec_and_test(&dio->ref))
		blkdev_dio_complete(dio);
}

/*
 * The multi-bio path (more than BIO_MAX_VECS pages), sync or async: build
 * a bio, submit it, build the next, until the iterator is empty.
 */
static ssize_t __blkdev_direct_IO(struct kiocb *iocb, struct iov_iter *iter,
				  struct block_device *bdev, unsigned int nr_pages)
{
	bool is_read = iov_iter_rw(iter) == READ, is_sync = is_sync_kiocb(iocb);
	blk_opf_t opf = is_read ? REQ_OP_READ : dio_bio_write_op(iocb);
	loff_t pos = iocb->ki_pos;
	struct blkdev_dio *dio;
	struct bio *bio;
	ssize_t ret = 0;

	dio = blkdev_dio_alloc();
	if (!dio)
		return -ENOMEM;
	bio = bio_alloc(bdev, nr_pages, opf, 0);
	if (!bio) {
		blkdev_dio_free(dio);
		return -ENOMEM;
	}
	atomic_set(&dio->ref, 1);
	if (is_sync)
		dio->flags = DIO_IS_SYNC;
	else
		dio->iocb = iocb;
	if (is_read && user_backed_iter(iter))
		dio->flags |= DIO_SHOULD_DIRTY;

	for (;;) {
		bio->bi_iter.bi_sector = pos >> SECTOR_SHIFT;
		bio->bi_private = dio;
		bio->bi_end_io = blkdev_bio_end_io;
		bio->bi_ioprio = iocb->ki_ioprio;

		ret = bio_iov_iter_get_pages(bio, iter);
		if (unlikely(ret)) {
			/*
			 * The kernel ends this bio with an error, which would
			 * also dirty its pages; none received data, so they
			 * are only unpinned here.
			 */
			blkdev_dio_set_error(dio, (int)ret);
			bio_release_pages(bio, false);
			bio_put(bio);
			if (atomic_dec_and_test(&dio->ref))
				blkdev_dio_complete(dio);
			break;
		}
		if (iocb->ki_flags & IOCB_NOWAIT) {
			/*
			 * Another bio would have to be allocated, and a bio
			 * already issued could not be taken back: ask for a
			 * retry from a context that may block. Only the first
			 * bio can get here, so nothing is in flight yet.
			 */
			if (unlikely(iov_iter_count(iter))) {
				bio_release_pages(bio, false);
				bio_put(bio);
				blkdev_dio_free(dio);
				return -EAGAIN;
			}
			bio->bi_opf |= REQ_NOWAIT;
		}
		if (is_read && (dio->flags & DIO_SHOULD_DIRTY))
			bio_set_pages_dirty(bio);
		dio->size += bio->bi_iter.bi_size;
		pos += bio->bi_iter.bi_size;

		nr_pages = bio_iov_vecs_to_alloc(iter, BIO_MAX_VECS);
		if (!nr_pages) {
			submit_bio(bio);
			break;
		}
		atomic_inc(&dio->ref);
		submit_bio(bio);
		bio = bio_alloc(bdev, nr_pages, opf, 0);
		if (unlikely(!bio)) {
			/* The count taken for this bio goes with it. */
			blkdev_dio_set_error(dio, -ENOMEM);
			ret = -ENOMEM;
			if (atomic_dec_and_test(&dio->ref))
				blkdev_dio_complete(dio);
			break;
		}
	}

	if (!is_sync)
		return -EIOCBQUEUED;

	pthread_mutex_lock(&dio->lock);
	while (!dio->done)
		pthread_cond_wait(&dio->wait, &dio->lock);
	pthread_mutex_unlock(&dio->lock);

	if (!ret)
		ret = atomic_read(&dio->error);
	if (likely(!ret))
		ret = dio->size;
	blkdev_dio_free(dio);
	return ret;
}

/* Completion of the asynchronous single-bio path. */
static void blkdev_bio_end_io_async(struct bio *bio)
{
	struct blkdev_dio *dio = bio->bi_private;
	struct kiocb *iocb = dio->iocb;
	long ret;

	if (likely(!bio->bi_status)) {
		ret = dio->size;
		iocb->ki_pos += ret;
	} else {
		ret = blk_status_to_errno(bio->bi_status);
	}
	/* Pages first, then the kiocb (see blkdev_bio_end_io()). */
	if (dio->flags & DIO_SHOULD_DIRTY) {
		bio_check_pages_dirty(bio);
	} else {
		bio_release_pages(bio, false);
		bio_put(bio);
	}
	blkdev_dio_free(dio);
	iocb->ki_complete(iocb, ret);
}

/* One bio, asynchronous: the kiocb completes from the bio's end_io. */
static ssize_t __blkdev_direct_IO_async(struct kiocb *iocb, struct iov_iter *iter,
					struct block_device *bdev, unsigned int nr_pages)
{
	bool is_read = iov_iter_rw(iter) == READ;
	blk_opf_t opf = is_read ? REQ_OP_READ : dio_bio_write_op(iocb);
	struct blkdev_dio *dio;
	struct bio *bio;
	int ret;

	dio = blkdev_dio_alloc();
	if (!dio)
		return -ENOMEM;
	bio = bio_alloc(bdev, nr_pages, opf, 0);
	if (!bio) {
		blkdev_dio_free(dio);
		return -ENOMEM;
	}
	dio->iocb = iocb;
	bio->bi_iter.bi_sector = iocb->ki_pos >> SECTOR_SHIFT;
	bio->bi_end_io = blkdev_bio_end_io_async;
	bio->bi_private = dio;
	bio->bi_ioprio = iocb->ki_ioprio;

	if (iov_iter_is_bvec(iter)) {
		/*
		 * The bio borrows the caller's bvec array; nobody relies on
		 * the iterator's state after -EIOCBQUEUED, so skip advancing it.
		 */
		bio_iov_bvec_set(bio, iter);
	} else {
		ret = bio_iov_iter_get_pages(bio, iter);
		if (unlikely(ret))
			goto out_bio_put;
	}
	dio->size = bio->bi_iter.bi_size;

	if (is_read && user_backed_iter(iter)) {
		dio->flags |= DIO_SHOULD_DIRTY;
		/* Before submission: completion may run where dirtying is not allowed. */
		bio_set_pages_dirty(bio);
	}
	if (iocb->ki_flags & IOCB_NOWAIT)
		bio->bi_opf |= REQ_NOWAIT;
	submit_bio(bio);
	return -EIOCBQUEUED;

out_bio_put:
	bio_put(bio);
	blkdev_dio_free(dio);
	return ret;
}

static ssize_t blkdev_direct_IO(struct kiocb *iocb, struct iov_iter *iter)
{
	struct block_device *bdev = file_bdev(iocb->ki_filp);
	unsigned int nr_pages;

	if (!iov_iter_count(iter))
		return 0;
	if (blkdev_dio_invalid(bdev, iocb->ki_pos, iter))
		return -EINVAL;

	nr_pages = bio_iov_vecs_to_alloc(iter, BIO_MAX_VECS + 1);
	if (likely(nr_pages <= BIO_MAX_VECS)) {
		if (is_sync_kiocb(iocb))
			return __blkdev_direct_IO_simple(iocb, iter, bdev, nr_pages);
		return __blkdev_direct_IO_async(iocb, iter, bdev, nr_pages);
	}
	return __blkdev_direct_IO(iocb, iter, bdev, min(nr_pages, BIO_MAX_VECS));
}

/**
 * blkdev_read_iter() - read from a raw block device at iocb->ki_pos.
 *
 * O_DIRECT only (see the top). Pins the destination pages for the I/O,
 * dirties and unpins them at completion.
 * Return: bytes read (0 at or past the end, short when straddling it),
 * -EIOCBQUEUED for an asynchronous kiocb, or -EINVAL (buffered, or
 * misaligned), -EFAULT, -ENOMEM, -EIO.
 */
static ssize_t blkdev_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct block_device *bdev = file_bdev(iocb->ki_filp);
	loff_t size = bdev_nr_bytes(bdev);
	loff_t pos = iocb->ki_pos;
	size_t shorted = 0, count;
	ssize_t ret = 0;

	if (unlikely(pos + (loff_t)iov_iter_count(to) > size)) {
		if (pos >= size)
			return 0;
		size -= pos;
		shorted = iov_iter_count(to) - size;
		iov_iter_truncate(to, size);
	}

	count = iov_iter_count(to);
	if (!count)
		goto reexpand;

	if (!(iocb->ki_flags & IOCB_DIRECT)) {
		/* The block-device page cache (filemap_read()) is not built yet. */
		ret = -EINVAL;
		goto reexpand;
	}
	ret = blkdev_direct_IO(iocb, to);
	if (ret >= 0) {
		iocb->ki_pos += ret;
		count -= ret;
	}
	iov_iter_revert(to, count - iov_iter_count(to));

reexpand:
	if (unlikely(shorted))
		iov_iter_reexpand(to, iov_iter_count(to) + shorted);
	return ret;
}

/**
 * blkdev_write_iter() - write to a raw block device at iocb->ki_pos.
 *
 * O_DIRECT only. Pins the source pages (zero pages of untouched memory
 * included, which a pin leaves untouched) until the write completes.
 * Return: bytes written (short when the write straddles the end),
 * -EIOCBQUEUED, or -ENOSPC (at or past the end), -EINVAL, -EFAULT,
 * -ENOMEM, -EIO.
 */
static ssize_t blkdev_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct block_device *bdev = file_bdev(iocb->ki_filp);
	loff_t size = bdev_nr_bytes(bdev);
	size_t shorted = 0, count;
	ssize_t ret;

	if (!iov_iter_count(from))
		return 0;
	if (iocb->ki_pos >= size)
		return -ENOSPC;
	if ((iocb->ki_flags & (IOCB_NOWAIT | IOCB_DIRECT)) == IOCB_NOWAIT)
		return -EOPNOTSUPP;

	size -= iocb->ki_pos;
	if ((loff_t)iov_iter_count(from) > size) {
		shorted = iov_iter_count(from) - size;
		iov_iter_truncate(from, size);
	}

	if (!(iocb->ki_flags & IOCB_DIRECT)) {
		/* Buffered writes need the block-device page cache: not built yet. */
		ret = -EINVAL;
		goto reexpand;
	}
	count = iov_iter_count(from);
	ret = blkdev_direct_IO(iocb, from);
	if (ret >= 0) {
		iocb->ki_pos += ret;
		count -= ret;
	}
	iov_iter_revert(from, count - iov_iter_count(from));

reexpand:
	iov_iter_reexpand(from, iov_iter_count(from) + shorted);
	return ret;
}

static loff_t blkdev_llseek(struct file *file, loff_t offset, int whence)
{
	return fixed_size_llseek(file, offset, whence, bdev_nr_bytes(file_bdev(file)));
}

/* blkdev_issue_flush(): an empty REQ_PREFLUSH write. */
static int blkdev_fsync(struct file *file, loff_t start, loff_t end, int datasync)
{
	struct bio *bio = bio_alloc(file_bdev(file), 0, REQ_OP_WRITE | REQ_PREFLUSH, 0);
	int ret;

	if (!bio)
		return -ENOMEM;
	ret = submit_bio_wait(bio);
	bio_put(bio);
	return ret == -EOPNOTSUPP ? 0 : ret;
}

static int blkdev_release(struct file *file)
{
	blkdev_put(file_bdev(file));
	return 0;
}

const struct file_operations def_blk_fops = {
	.name = "blkdev",
	.llseek = blkdev_llseek,
	.read_iter = blkdev_read_iter,
	.write_iter = blkdev_write_iter,
	.fsync = blkdev_fsync,
	.release = blkdev_release,
	/* O_DIRECT only, like read_iter: fresh pages, no ITER_PIPE (fs/splice.c). */
	.splice_read = direct_splice_read,
	.splice_write = iter_file_splice_write,
};

struct file *blkdev_file_open(const char *name, unsigned int flags)
{
	struct block_device *bdev = blkdev_get_by_name(name);
	struct file *file;

	if (IS_ERR_OR_NULL(bdev))
		return ERR_PTR(bdev ? PTR_ERR(bdev) : -ENOENT);
	file = alloc_file(&def_blk_fops, flags, bdev);
	if (IS_ERR(file)) {
		blkdev_put(bdev);
		return file;
	}
	file->f_mode |= FMODE_CAN_ODIRECT | FMODE_NOWAIT;
	return file;
}
