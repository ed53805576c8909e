// SPDX-License-Identifier: GPL-2.0
/*
 * block/blk-map.c - mapping user (or kernel) memory into a passthrough
 * request: pin it, borrow it, or copy it through bounce pages.
 *
 * Models block/blk-map.c (v6.5, with the v6.6 same-page fix): the decision
 * of blk_rq_map_user_iov() (R-MAP-1), bio_map_user_iov() on pinned pages
 * (R-MAP-2; blk_map_v65_same_page_leak brings back the v6.5 leak, R-BUG-6),
 * blk_rq_map_user_bvec() borrowing a BVEC iterator, bio_copy_user_iov()
 * with its deep copy of the iterator and zero-filled READ bounce pages
 * (R-MAP-3), blk_rq_append_bio() with the segment and size limits, and
 * blk_rq_unmap_user() (R-MAP-4). Simplified: a request is a bio chain;
 * blk_rq_execute_bios() submits the bios to the disk in turn instead of
 * handing the request to a blk-mq driver. Left out: REQ_ALLOC_CACHE,
 * P2PDMA, integrity, blk_rq_map_kern(), highmem bouncing. Under the v6.4
 * profile user pages are mapped with FOLL_GET references, as v6.4 did.
 */
#include <stdlib.h>
#include <string.h>
#include <pinio/fault-inject.h>
#include <pinio/sched.h>
#include "block/blk.h"
#include "block/blk-mq.h"
#include "mm/internal.h"

bool blk_map_v65_same_page_leak;
atomic_long_t blk_map_nr_unwound;

/*
 * What a copy bio keeps in bi_private: where the user data is, as it was
 * before the copy (with its own copy of the iovec array, which the caller
 * may free), and whose pages the bounce pages are.
 */
struct bio_map_data {
	bool is_our_pages;
	bool is_null_mapped;
	struct iov_iter iter;
	struct iovec iov[];
};

static struct bio_map_data *bio_alloc_map_data(const struct iov_iter *data)
{
	struct bio_map_data *bmd;

	if (data->nr_segs > UIO_MAXIOV)
		return NULL;
	if (should_fail_alloc(FAULT_META_ALLOC))
		return NULL;
	bmd = calloc(1, sizeof(*bmd) + (iter_is_iovec(data) ? data->nr_segs : 0) *
				       sizeof(struct iovec));
	if (!bmd)
		return NULL;
	bmd->iter = *data;
	if (iter_is_iovec(data)) {
		memcpy(bmd->iov, data->__iov, sizeof(struct iovec) * data->nr_segs);
		bmd->iter.__iov = bmd->iov;
	}
	return bmd;
}

/* Copy the user data into the bounce pages of @bio, advancing @iter. */
static int bio_copy_from_iter(struct bio *bio, struct iov_iter *iter)
{
	struct bvec_iter_all iter_all;
	struct bio_vec *bvec;

	bio_for_each_segment_all(bvec, bio, iter_all) {
		size_t ret = copy_page_from_iter(bvec->bv_page, bvec->bv_offset, bvec->bv_len,
						 iter);

		if (!iov_iter_count(iter))
			break;
		if (ret < bvec->bv_len)
			return -EFAULT;
	}
	return 0;
}

/* Copy the bounce pages of @bio back to the user memory @iter describes. */
static int bio_copy_to_iter(struct bio *bio, struct iov_iter iter)
{
	struct bvec_iter_all iter_all;
	struct bio_vec *bvec;

	bio_for_each_segment_all(bvec, bio, iter_all) {
		size_t ret = copy_page_to_iter(bvec->bv_page, bvec->bv_offset, bvec->bv_len,
					       &iter);

		if (!iov_iter_count(&iter))
			break;
		if (ret < bvec->bv_len)
			return -EFAULT;
	}
	return 0;
}

static void bio_zero_fill(struct bio *bio)
{
	struct bvec_iter_all iter_all;
	struct bio_vec *bvec;

	bio_for_each_segment_all(bvec, bio, iter_all)
		memset((char *)page_address(bvec->bv_page) + bvec->bv_offset, 0, bvec->bv_len);
}

/* Free bounce pages the bio allocated itself (one reference each). */
static void bio_free_pages(struct bio *bio)
{
	struct bvec_iter_all iter_all;
	struct bio_vec *bvec;

	bio_for_each_segment_all(bvec, bio, iter_all)
		put_page(bvec->bv_page);
}

/* A bio for @rq: bio_kmalloc() + bio_init(), freed by bio_put(). */
static struct bio *blk_rq_map_bio_alloc(struct request *rq, unsigned int nr_vecs)
{
	struct bio *bio = bio_kmalloc((unsigned short)nr_vecs, 0);

	if (!bio)
		return NULL;
	bio_init(bio, NULL, nr_vecs ? bio->bi_inline_vecs : NULL, (unsigned short)nr_vecs,
		 req_op(rq));
	return bio;
}

/**
 * bio_copy_user_iov() - one bounce bio for as much of @iter as fits.
 * @rq: the request; the bio is appended to it.
 * @map_data: pages to use instead of allocating (may be NULL).
 * @iter: advanced by the bytes the bio covers.
 * @gfp_mask: allocation flags (unused).
 *
 * WRITE (or @map_data->from_user): the user data is copied in now. READ:
 * our pages are zero-filled, so a short device transfer leaks nothing.
 * No user page is pinned; the bio has no cleanup mode.
 * Return: 0, -ENOMEM, -EFAULT, or blk_rq_append_bio()'s -EINVAL; on error
 * nothing is left allocated.
 */
int bio_copy_user_iov(struct request *rq, struct rq_map_data *map_data, struct iov_iter *iter,
		      unsigned int gfp_mask)
{
	unsigned int len = (unsigned int)iov_iter_count(iter);
	unsigned int offset = map_data ? map_data->offset & ~PAGE_MASK : 0;
	struct bio_map_data *bmd;
	unsigned int nr_pages;
	struct page *page;
	struct bio *bio;
	unsigned long i = 0;
	int ret;

	bmd = bio_alloc_map_data(iter);
	if (!bmd)
		return -ENOMEM;
	bmd->is_our_pages = !map_data;
	bmd->is_null_mapped = map_data && map_data->null_mapped;

	nr_pages = min_t(unsigned int, DIV_ROUND_UP(offset + len, PAGE_SIZE), BIO_MAX_VECS);
	ret = -ENOMEM;
	bio = blk_rq_map_bio_alloc(rq, nr_pages);
	if (!bio)
		goto out_bmd;

	if (map_data) {
		nr_pages = 1U << map_data->page_order;
		i = map_data->offset / PAGE_SIZE;
	}
	while (len) {
		unsigned int bytes = min_t(unsigned int, PAGE_SIZE - offset, len);

		if (map_data) {
			if (i == (unsigned long)map_data->nr_entries * nr_pages) {
				ret = -ENOMEM;
				goto cleanup;
			}
			page = map_data->pages[i / nr_pages] + (i % nr_pages);
			i++;
		} else {
			struct folio *folio = folio_alloc_owner(GFP_KERNEL, 0, OWNER_BOUNCE);

			if (!folio) {
				ret = -ENOMEM;
				goto cleanup;
			}
			page = &folio->page;
		}
		if (bio_add_pc_page(rq->q, bio, page, bytes, offset) < (int)bytes) {
			if (!map_data)
				put_page(page);
			break;
		}
		len -= bytes;
		offset = 0;
	}
	if (!bio->bi_vcnt) {
		/* Not even one page fits the queue: no progress is possible. */
		ret = -EINVAL;
		goto cleanup;
	}
	if (map_data)
		map_data->offset += bio->bi_iter.bi_size;

	if ((iov_iter_rw(iter) == WRITE && !bmd->is_null_mapped) ||
	    (map_data && map_data->from_user)) {
		ret = bio_copy_from_iter(bio, iter);
		if (ret)
			goto cleanup;
	} else {
		if (bmd->is_our_pages)
			bio_zero_fill(bio);
		iov_iter_advance(iter, bio->bi_iter.bi_size);
	}

	bio->bi_private = bmd;
	ret = blk_rq_append_bio(rq, bio);
	if (ret)
		goto cleanup;
	mod_node_page_state(BOUNCE_COPIES, 1);
	return 0;

cleanup:
	if (!map_data)
		bio_free_pages(bio);
	bio->bi_private = NULL;
	bio_put(bio);
out_bmd:
	free(bmd);
	return ret;
}

/*
 * The pages behind the next stretch of @iter: pinned (v6.5, v21), or with
 * FOLL_GET references under the v6.4 profile, where the bio then has no
 * BIO_NO_PAGE_REF and bio_release_page() puts them. Uses @stack (of
 * @nr_stack entries) when @maxpages fits, else an array freed by kvfree().
 */
static ssize_t blk_map_get_pages(struct iov_iter *iter, struct page **stack,
				 unsigned int nr_stack, struct page ***pages,
				 unsigned int maxpages, size_t *offs)
{
	ssize_t ret;

	*pages = maxpages <= nr_stack ? stack : NULL;
	if (sim_profile() != SIM_PROFILE_V6_4)
		return iov_iter_extract_pages(iter, pages, LONG_MAX, maxpages, 0, offs);
	if (!*pages) {
		*pages = kvmalloc_array(maxpages, sizeof(struct page *));
		if (!*pages)
			return -ENOMEM;
	}
	ret = iov_iter_get_pages2(iter, *pages, LONG_MAX, maxpages, offs);
	if (ret <= 0 && *pages != stack) {
		kvfree(*pages);
		*pages = stack;
	}
	return ret;
}

/**
 * bio_map_user_iov() - one bio of pinned user pages for as much of @iter
 * as the queue takes.
 * @rq: the request; the bio is appended to it.
 * @iter: a user-backed iterator; advanced by the bytes mapped.
 * @gfp_mask: allocation flags (unused).
 *
 * BIO_PAGE_PINNED iff iov_iter_extract_will_pin(). Each page occurrence in
 * the bio holds one pin: pages extracted but not added are unpinned at
 * once, and so is the second pin of a fragment merged into the page its
 * bvec already ends in (v6.6; see blk_map_v65_same_page_leak).
 * Return: 0; -EINVAL (empty @iter, or blk_rq_append_bio()), -ENOMEM,
 * -EFAULT or another extraction error, with every pin taken dropped.
 */
int bio_map_user_iov(struct request *rq, struct iov_iter *iter, unsigned int gfp_mask)
{
	unsigned int max_sectors = queue_max_hw_sectors(rq->q);
	unsigned int nr_vecs;
	struct bio *bio;
	int ret, j;

	if (!iov_iter_count(iter))
		return -EINVAL;
	nr_vecs = (unsigned int)iov_iter_npages(iter, BIO_MAX_VECS);
	bio = blk_rq_map_bio_alloc(rq, nr_vecs);
	if (!bio)
		return -ENOMEM;
	if (sim_profile() != SIM_PROFILE_V6_4 && iov_iter_extract_will_pin(iter))
		bio_set_flag(bio, BIO_PAGE_PINNED);

	while (iov_iter_count(iter)) {
		struct page *stack_pages[UIO_FASTIOV];
		struct page **pages = stack_pages;
		ssize_t bytes;
		size_t offs;
		int npages;

		bytes = blk_map_get_pages(iter, stack_pages, ARRAY_SIZE(stack_pages), &pages,
					  nr_vecs, &offs);
		if (unlikely(bytes <= 0)) {
			if (pages != stack_pages)
				kvfree(pages);
			ret = bytes ? (int)bytes : -EFAULT;
			goto out_unmap;
		}
		npages = (int)DIV_ROUND_UP(offs + (size_t)bytes, PAGE_SIZE);

		if (unlikely(offs & queue_dma_alignment(rq->q))) {
			j = 0;
		} else {
			for (j = 0; j < npages; j++) {
				struct page *page = pages[j];
				unsigned int n = (unsigned int)min_t(size_t, PAGE_SIZE - offs,
								     (size_t)bytes);
				bool same_page = false;

				if (!bio_add_hw_page(rq->q, bio, page, n, (unsigned int)offs,
						     max_sectors, &same_page)) {
					if (same_page && blk_map_v65_same_page_leak)
						bio_release_page(bio, page);
					break;
				}
				/* The bio's pin on this page is the earlier one. */
				if (same_page && !blk_map_v65_same_page_leak)
					bio_release_page(bio, page);
				bytes -= n;
				offs = 0;
			}
		}
		/* Pages extracted but not mapped give their pins back now. */
		while (j < npages)
			bio_release_page(bio, pages[j++]);
		if (pages != stack_pages)
			kvfree(pages);
		if (bytes) {
			/* The bio is full: the rest goes into the next one. */
			iov_iter_revert(iter, (size_t)bytes);
			break;
		}
	}
	if (!bio->bi_vcnt) {
		/* The kernel would append an empty bio and loop for ever. */
		ret = -EINVAL;
		goto out_unmap;
	}

	ret = blk_rq_append_bio(rq, bio);
	if (ret)
		goto out_unmap;
	return 0;

out_unmap:
	bio_release_pages(bio, false);
	bio_put(bio);
	return ret;
}

/* A gap between two bvecs that a virt_boundary queue cannot take. */
static bool blk_map_bvec_gap(const struct queue_limits *lim, const struct bio_vec *prv,
			     unsigned int offset)
{
	if (!lim->virt_boundary_mask)
		return false;
	return (offset & lim->virt_boundary_mask) ||
	       ((prv->bv_offset + prv->bv_len) & lim->virt_boundary_mask);
}

/*
 * Map a BVEC iterator directly: the bio borrows the bvec array (no pin, no
 * reference). -EREMOTEIO when the bvecs break the queue's limits in a way
 * a copy would not (the caller then copies); -EINVAL for a request too big
 * for the queue at all.
 */
static int blk_rq_map_user_bvec(struct request *rq, const struct iov_iter *iter)
{
	const struct queue_limits *lim = &rq->q->limits;
	size_t nr_iter = iov_iter_count(iter), nr_segs = iter->nr_segs, i;
	const struct bio_vec *bvecs = iter->bvec, *bvprvp = NULL;
	unsigned int bytes = 0;
	struct iov_iter it = *iter;
	struct bio *bio;
	int ret;

	if (!nr_iter || (nr_iter >> SECTOR_SHIFT) > queue_max_hw_sectors(rq->q))
		return -EINVAL;
	if (nr_segs > queue_max_segments(rq->q))
		return -EINVAL;

	for (i = 0; i < nr_segs && bytes < nr_iter; i++) {
		const struct bio_vec *bv = &bvecs[i];

		/* A gap a virt_boundary queue cannot take: copy instead. */
		if (bvprvp && blk_map_bvec_gap(lim, bvprvp, bv->bv_offset))
			return -EREMOTEIO;
		if (bytes > UINT_MAX - bv->bv_len)
			return -EINVAL;
		if (bv->bv_offset + bv->bv_len > PAGE_SIZE)
			return -EINVAL;
		bytes += bv->bv_len;
		bvprvp = bv;
	}
	bio = blk_rq_map_bio_alloc(rq, 0);
	if (!bio)
		return -ENOMEM;
	bio_iov_bvec_set(bio, &it);
	ret = blk_rq_append_bio(rq, bio);
	if (ret) {
		bio_put(bio);
		return ret;
	}
	return 0;
}

int blk_rq_append_bio(struct request *rq, struct bio *bio)
{
	struct bvec_iter iter;
	struct bio_vec bv;
	unsigned int nr_segs = 0;

	bio_for_each_bvec(bv, bio, iter)
		nr_segs++;

	if (rq->bio) {
		/* ll_back_merge_fn(): the whole chain must fit the queue. */
		if (((rq->__data_len + bio->bi_iter.bi_size) >> SECTOR_SHIFT) >
		    queue_max_hw_sectors(rq->q))
			return -EINVAL;
		if (rq->nr_phys_segments + nr_segs > queue_max_segments(rq->q))
			return -EINVAL;
		rq->biotail->bi_next = bio;
		rq->biotail = bio;
	} else {
		rq->bio = rq->biotail = bio;
	}
	rq->__data_len += bio->bi_iter.bi_size;
	rq->nr_phys_segments += nr_segs;
	return 0;
}

int blk_rq_map_user_iov(struct request_queue *q, struct request *rq,
			struct rq_map_data *map_data, const struct iov_iter *iter,
			unsigned int gfp_mask)
{
	unsigned long align = q->dma_pad_mask | queue_dma_alignment(q);
	bool copy = false, map_bvec = false;
	struct bio *bio = NULL;
	struct iov_iter i;
	int ret = -EINVAL;

	if (map_data)
		copy = true;
	else if (iov_iter_alignment(iter) & align)
		copy = true;
	else if (iov_iter_is_bvec(iter))
		map_bvec = true;
	else if (!user_backed_iter(iter))
		copy = true;
	else if (queue_virt_boundary(q))
		copy = queue_virt_boundary(q) & iov_iter_gap_alignment(iter);

	if (map_bvec) {
		ret = blk_rq_map_user_bvec(rq, iter);
		if (!ret)
			return 0;
		if (ret != -EREMOTEIO)
			goto fail;
		/* The bvecs break the queue limits: copy them instead. */
		copy = true;
	}

	i = *iter;
	do {
		if (copy)
			ret = bio_copy_user_iov(rq, map_data, &i, gfp_mask);
		else
			ret = bio_map_user_iov(rq, &i, gfp_mask);
		if (ret)
			goto unmap_rq;
		if (!bio)
			bio = rq->bio;
	} while (iov_iter_count(&i));
	return 0;

unmap_rq:
	if (bio) {
		struct bio *b;

		for (b = bio; b; b = b->bi_next)
			atomic_long_inc(&blk_map_nr_unwound);
		blk_rq_unmap_user(bio);
	}
fail:
	rq->bio = rq->biotail = NULL;
	rq->__data_len = 0;
	rq->nr_phys_segments = 0;
	return ret;
}

/* Undo one copy bio: copy a READ back (unless orphaned), free the bounce. */
static int bio_uncopy_user(struct bio *bio)
{
	struct bio_map_data *bmd = bio->bi_private;
	int ret = 0;

	if (!bmd->is_null_mapped) {
		/*
		 * Run from a worker after the submitter went away: there is no
		 * user address space to copy into, so say no data arrived.
		 */
		if (!current || !current->mm)
			ret = -EINTR;
		else if (bio_data_dir(bio) == READ)
			ret = bio_copy_to_iter(bio, bmd->iter);
		if (bmd->is_our_pages)
			bio_free_pages(bio);
	}
	free(bmd);
	bio->bi_private = NULL;
	return ret;
}

int blk_rq_unmap_user(struct bio *bio)
{
	struct bio *next_bio;
	int ret = 0, ret2;

	while (bio) {
		if (bio->bi_private) {
			ret2 = bio_uncopy_user(bio);
			if (ret2 && !ret)
				ret = ret2;
		} else {
			bio_release_pages(bio, bio_data_dir(bio) == READ);
		}
		next_bio = bio->bi_next;
		bio->bi_next = NULL;
		bio_put(bio);
		bio = next_bio;
	}
	return ret;
}

int blk_rq_execute_bios(struct block_device *bdev, struct request *rq)
{
	sector_t sector = rq->__sector;
	struct bio *bio;
	int ret = 0;

	for (bio = rq->bio; bio; bio = bio->bi_next) {
		struct bio *next = bio->bi_next;
		void *private = bio->bi_private;
		unsigned int size = bio->bi_iter.bi_size;
		int err;

		/*
		 * submit_bio_wait() borrows bi_private and bi_end_io, and the
		 * block layer may queue through bi_next: keep the chain and
		 * the copy bio's map data aside meanwhile.
		 */
		bio->bi_next = NULL;
		bio->bi_bdev = bdev;
		bio->bi_iter.bi_sector = sector;
		err = submit_bio_wait(bio);
		bio->bi_private = private;
		bio->bi_end_io = NULL;
		bio->bi_next = next;
		if (err && !ret)
			ret = err;
		sector += size >> SECTOR_SHIFT;
	}
	return ret;
}

ssize_t blkdev_passthrough_rw(struct block_device *bdev, bool write, struct iov_iter *iter,
			      sector_t sector)
{
	struct request_queue *q = bdev_get_queue(bdev);
	unsigned int lbs = queue_logical_block_size(q);
	size_t len = iov_iter_count(iter);
	struct request rq;
	struct bio *bio;
	int ret, ret2;

	if (!len || (len & (lbs - 1)) || ((sector << SECTOR_SHIFT) & (lbs - 1)))
		return -EINVAL;
	if (sector > bdev_nr_sectors(bdev) ||
	    (len >> SECTOR_SHIFT) > bdev_nr_sectors(bdev) - sector)
		return -EINVAL;
	if ((len >> SECTOR_SHIFT) > queue_max_hw_sectors(q))
		return -EINVAL;

	blk_rq_init(q, &rq, write ? REQ_OP_WRITE : REQ_OP_READ);
	rq.__sector = sector;
	ret = blk_rq_map_user_iov(q, &rq, NULL, iter, 0);
	if (ret)
		return ret;
	bio = rq.bio;
	ret = blk_rq_execute_bios(bdev, &rq);
	ret2 = blk_rq_unmap_user(bio);
	if (ret)
		return ret;
	if (ret2)
		return ret2;
	return (ssize_t)len;
}
