/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinio/blk-mq.h - passthrough requests and the mapping of user memory
 * into them (include/linux/blk-mq.h, block/blk-map.c).
 *
 * Faithful: blk_rq_map_user_iov()'s copy-or-map decision (R-MAP-1), pinned
 * mapping (R-MAP-2, with the v6.6 same-page fix), bounce copies with
 * copy-back at unmap (R-MAP-3/4), blk_rq_append_bio()'s limit check, and
 * blk_rq_unmap_user() walking the bio chain. Simplified: struct request is
 * a bio chain with a few counters, not a blk-mq tag; executing one submits
 * its bios to the disk one after the other (blk_rq_execute_bios()).
 * Left out: integrity, REQ_ALLOC_CACHE bio caching, polled completion,
 * highmem bouncing (blk_queue_may_bounce() is always false).
 */
#ifndef PINIO_BLK_MQ_H
#define PINIO_BLK_MQ_H

#include <pinio/blkdev.h>

/**
 * struct request - a passthrough command's data: a chain of bios.
 * @q: the queue whose limits the mapping follows.
 * @cmd_flags: REQ_OP_* | REQ_*; the data direction of every bio.
 * @bio, @biotail: the chain, linked through bi_next.
 * @__data_len: bytes in the chain.
 * @__sector: device address of the first byte (for execution).
 * @nr_phys_segments: segments the chain needs (blk_rq_append_bio()).
 */
struct request {
	struct request_queue *q;
	blk_opf_t cmd_flags;
	struct bio *bio;
	struct bio *biotail;
	unsigned int __data_len;
	sector_t __sector;
	unsigned short nr_phys_segments;
};

static inline void blk_rq_init(struct request_queue *q, struct request *rq, blk_opf_t opf)
{
	*rq = (struct request){ .q = q, .cmd_flags = opf };
}

static inline enum req_op req_op(const struct request *rq)
{
	return bio_op_of(rq->cmd_flags);
}

static inline unsigned int blk_rq_bytes(const struct request *rq)
{
	return rq->__data_len;
}

/**
 * struct rq_map_data - caller-provided pages for a copy mapping (sg's
 * reserved buffer).
 * @pages: @nr_entries blocks of 2^@page_order pages each.
 * @page_order: order of each block.
 * @nr_entries: blocks in @pages.
 * @offset: byte offset into the pages to start at; advanced by each bio.
 * @null_mapped: no user buffer: nothing is copied in either direction.
 * @from_user: copy the user data in even for a READ.
 */
struct rq_map_data {
	struct page **pages;
	unsigned long offset;
	unsigned short page_order;
	unsigned short nr_entries;
	bool null_mapped;
	bool from_user;
};

/**
 * blk_rq_map_user_iov() - map or copy user (or kernel) memory into @rq.
 * @q: the queue whose limits decide.
 * @rq: a request with no bios yet.
 * @map_data: caller pages for a copy, or NULL.
 * @iter: the memory; not advanced (a private copy is consumed).
 * @gfp_mask: allocation flags (unused).
 *
 * Copies (bounce pages, no pins) when @map_data is given, when an address
 * or length is misaligned to dma_alignment | dma_pad_mask, for kernel
 * iterators other than BVEC, and when a virt_boundary would see a gap;
 * maps a BVEC iterator as is (no pins; -EREMOTEIO from the limits falls
 * back to copying); otherwise pins the user pages (R-MAP-1).
 * Return: 0, or -EINVAL, -ENOMEM, -EFAULT; on error no bio is left, no pin
 * is held and no bounce page remains.
 */
int blk_rq_map_user_iov(struct request_queue *q, struct request *rq,
			struct rq_map_data *map_data, const struct iov_iter *iter,
			unsigned int gfp_mask);

/**
 * blk_rq_append_bio() - add @bio to @rq's chain if the limits allow.
 *
 * The first bio is always taken; a later one must keep the request within
 * max_hw_sectors and max_segments. Takes no pins or references.
 * Return: 0, or -EINVAL (the caller still owns @bio).
 */
int blk_rq_append_bio(struct request *rq, struct bio *bio);

/**
 * blk_rq_unmap_user() - undo blk_rq_map_user_iov() after the I/O.
 * @bio: the first bio of the chain (saved before execution).
 *
 * Copied bios: a READ copies the bounce pages back to the user memory,
 * then the bounce pages are freed. Mapped bios: each page is dirtied (for
 * a READ) and unpinned. Every bio is freed.
 * Return: 0, or the first error: -EINTR for a copied bio when there is
 * no mm (current->mm is NULL: the request was orphaned to a worker; a
 * WRITE's copy gets it too, as in the kernel), -EFAULT.
 */
int blk_rq_unmap_user(struct bio *bio);

/**
 * blk_rq_execute_bios() - run @rq on @bdev: submit each bio of the chain
 * in turn at consecutive sectors from @rq->__sector, and wait for each.
 * A failed bio does not stop the ones after it.
 * Return: 0 or the first I/O error as -errno.
 */
int blk_rq_execute_bios(struct block_device *bdev, struct request *rq);

/**
 * blkdev_passthrough_rw() - an SG_IO-like read or write of user memory:
 * map @iter into a request, execute it at @sector, unmap.
 * @bdev: the device.
 * @write: true to write @iter to the device.
 * @iter: the memory; must hold a multiple of the logical block size.
 * @sector: first 512-byte sector; must be block-aligned.
 *
 * Pins the user pages for the duration (or bounces them, per R-MAP-1).
 * Return: bytes transferred, or -EINVAL (empty, misaligned, past the
 * end, longer than max_hw_sectors), -ENOMEM, -EFAULT, -EIO.
 */
ssize_t blkdev_passthrough_rw(struct block_device *bdev, bool write, struct iov_iter *iter,
			      sector_t sector);

#endif /* PINIO_BLK_MQ_H */
