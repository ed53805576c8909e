// SPDX-License-Identifier: GPL-2.0
/*
 * block/bio-iov.c - user memory into a bio, and giving its pages back
 * (block/bio.c, v6.5; split off pinio's block/bio.c).
 *
 * Faithful: bio_iov_iter_get_pages() with the per-extraction trim and the
 * same-page pin drop, the page-pointer scratch array at the end of the
 * unused bvec space (R-BIO-6..8, 10), BVEC iterators borrowed without a
 * pin (R-BIO-10); bio_release_pages() per profile (R-BIO-3); the dirty
 * protocol for reads into user memory with a real worker thread
 * (R-BIO-11/12).
 */
#include <pthread.h>
#include "block/blk.h"
#include "mm/internal.h"

/* ---- user memory into a bio ------------------------------------------------ */

/**
 * bio_iov_bvec_set() - make @bio borrow @iter's bvec array (R-BIO-10).
 *
 * @bio must have been allocated with no vecs (WARN otherwise). Sets
 * BIO_CLONED and no cleanup mode (v6.4: BIO_NO_PAGE_REF): no pin, no
 * reference; the iterator's owner keeps the pages alive until completion.
 * Does not advance @iter.
 */
void bio_iov_bvec_set(struct bio *bio, struct iov_iter *iter)
{
	size_t size = iov_iter_count(iter);

	WARN_ON_ONCE(bio->bi_max_vecs);
	if (bio_op(bio) == REQ_OP_ZONE_APPEND) {
		struct request_queue *q = bdev_get_queue(bio->bi_bdev);

		size = min(size, (size_t)q->limits.max_zone_append_sectors << SECTOR_SHIFT);
	}
	bio->bi_vcnt = (unsigned short)iter->nr_segs;
	bio->bi_io_vec = (struct bio_vec *)iter->bvec;
	bio->bi_iter.bi_bvec_done = (unsigned int)iter->iov_offset;
	bio->bi_iter.bi_size = (unsigned int)size;
	bio_set_flag(bio, BIO_CLONED);
	if (sim_profile() == SIM_PROFILE_V6_4)
		bio_set_flag(bio, BIO_NO_PAGE_REF);
}

/*
 * Add one extracted page; drop the new pin if it merged into its own page.
 * A merge is added to *@merges, which the caller counts in BIO_MERGES once
 * per extraction rather than once per page.
 */
static int bio_iov_add_page(struct bio *bio, struct page *page, unsigned int len,
			    unsigned int offset, unsigned int *merges)
{
	bool same_page = false;

	if (WARN_ON_ONCE(bio->bi_iter.bi_size > UINT_MAX - len))
		return -EIO;
	if (!bio_try_merge_page_nocount(bio, page, len, offset, &same_page)) {
		__bio_add_page(bio, page, len, offset);
		return 0;
	}
	(*merges)++;
	if (same_page)
		bio_release_page(bio, page);
	return 0;
}

static int bio_iov_add_zone_append_page(struct bio *bio, struct page *page, unsigned int len,
					unsigned int offset)
{
	struct request_queue *q = bdev_get_queue(bio->bi_bdev);
	bool same_page = false;

	if (bio_add_hw_page(q, bio, page, len, offset, q->limits.max_zone_append_sectors,
			    &same_page) != (int)len)
		return -EINVAL;
	if (same_page)
		bio_release_page(bio, page);
	return 0;
}

/*
 * The logical block size to trim each extraction to. v6.5 reads it from
 * bi_bdev unconditionally; 6.6+ trims only when bi_bdev is set. Here a bio
 * with no bdev is trimmed to 512 bytes, the default, so INV-8 holds for it
 * too.
 */
static unsigned int bio_trim_block_size(struct bio *bio)
{
	if (bio->bi_bdev && bio->bi_bdev->bd_queue)
		return bdev_logical_block_size(bio->bi_bdev);
	return SECTOR_SIZE;
}

/*
 * One extraction (R-BIO-7). The page pointers are written into the unused
 * end of the bvec table, as the kernel does: page i sits past every bvec
 * the loop can have written when it is read.
 */
static int __bio_iov_iter_get_pages(struct bio *bio, struct iov_iter *iter)
{
	const unsigned int ptrs_per_bvec = sizeof(struct bio_vec) / sizeof(struct page *);
	unsigned short entries_left = bio->bi_max_vecs - bio->bi_vcnt;
	unsigned int nr_pages = entries_left;
	struct page **pages = (struct page **)(bio->bi_io_vec + bio->bi_vcnt);
	unsigned int lbs = bio_trim_block_size(bio);
	ssize_t size, left;
	unsigned int len, i = 0, merges = 0;
	size_t offset = 0, trim;
	int ret = 0;

	pages += entries_left * (ptrs_per_bvec - 1);
	if (sim_profile() == SIM_PROFILE_V6_4)
		size = iov_iter_get_pages2(iter, pages, UINT_MAX - bio->bi_iter.bi_size,
					   nr_pages, &offset);
	else
		size = iov_iter_extract_pages(iter, &pages, UINT_MAX - bio->bi_iter.bi_size,
					      nr_pages, 0, &offset);
	if (unlikely(size <= 0))
		return size ? (int)size : -EFAULT;

	nr_pages = DIV_ROUND_UP(offset + size, PAGE_SIZE);

	trim = (size_t)size & (lbs - 1);
	if (trim)
		iov_iter_revert(iter, trim);
	size -= trim;
	if (unlikely(!size)) {
		ret = -EFAULT;
		goto out;
	}

	for (left = size, i = 0; left > 0; left -= len, i++) {
		struct page *page = pages[i];

		len = (unsigned int)min_t(size_t, PAGE_SIZE - offset, (size_t)left);
		if (bio_op(bio) == REQ_OP_ZONE_APPEND) {
			ret = bio_iov_add_zone_append_page(bio, page, len, (unsigned int)offset);
			if (ret)
				break;
		} else {
			ret = bio_iov_add_page(bio, page, len, (unsigned int)offset, &merges);
			if (ret)
				break;
		}
		offset = 0;
	}
	if (merges)
		mod_node_page_state(BIO_MERGES, merges);
	if (left)
		iov_iter_revert(iter, (size_t)left);
out:
	while (i < nr_pages)
		bio_release_page(bio, pages[i++]);
	return ret;
}

/*
 * DEBUG_VM validator for a bio just built from an iterator: INV-5 (one
 * cleanup mode, no pages in a clone), INV-6 (sizes add up, every bvec
 * non-empty, vcnt within the table) and INV-8 (block-aligned size).
 */
static void bio_check_built(struct bio *bio, unsigned int lbs)
{
#ifdef DEBUG_VM
	unsigned long sum = 0;
	unsigned int i;

	VM_WARN_ON(bio_flagged(bio, BIO_PAGE_PINNED) && bio_flagged(bio, BIO_PAGE_REFFED));
	if (bio_flagged(bio, BIO_CLONED))
		return;
	VM_WARN_ON(bio->bi_vcnt > bio->bi_max_vecs);
	for (i = 0; i < bio->bi_vcnt; i++) {
		VM_WARN_ON(!bio->bi_io_vec[i].bv_len);
		sum += bio->bi_io_vec[i].bv_len;
	}
	VM_WARN_ON(sum != bio->bi_iter.bi_size);
	/* A zone-append limit may stop mid-block (v6.5 does not re-trim). */
	if (bio_op(bio) != REQ_OP_ZONE_APPEND)
		VM_WARN_ON(bio->bi_iter.bi_size & (lbs - 1));
#else
	(void)bio;
	(void)lbs;
#endif
}

/**
 * bio_iov_iter_get_pages() - add user or kernel memory from @iter to @bio
 * (R-BIO-4, 7, 8, 10).
 * @bio: a fresh bio; for a BVEC iterator one allocated with 0 vecs
 *	(bio_iov_vecs_to_alloc() says so).
 * @iter: advanced by exactly the bytes added.
 *
 * BVEC: the bio borrows the array (BIO_CLONED, no pin, no reference).
 * Otherwise BIO_PAGE_PINNED is set iff iov_iter_extract_will_pin(), before
 * any page is added, and each page occurrence in the bio then holds one
 * pin (zero pages excepted, R-ZERO-6); kernel iterators take neither pin
 * nor reference. Each extraction is trimmed to the logical block size
 * (v6.5: per extraction, not once at the end). Under the v6.4 profile
 * pages come with FOLL_GET references from iov_iter_get_pages2() and the
 * bio releases them with put_page().
 *
 * Return: 0 if the bio has pages (a short bio is success: the caller
 * compares bi_size with what it asked for), else the last error: -EFAULT
 * (nothing extracted, or less than one logical block), -EINVAL (zone
 * append limit), -ENOMEM, or another extraction error.
 */
int bio_iov_iter_get_pages(struct bio *bio, struct iov_iter *iter)
{
	int ret = 0;

	if (iov_iter_is_bvec(iter)) {
		bio_iov_bvec_set(bio, iter);
		iov_iter_advance(iter, bio->bi_iter.bi_size);
		return 0;
	}
	if (sim_profile() != SIM_PROFILE_V6_4 && iov_iter_extract_will_pin(iter))
		bio_set_flag(bio, BIO_PAGE_PINNED);
	do {
		ret = __bio_iov_iter_get_pages(bio, iter);
	} while (!ret && iov_iter_count(iter) && !bio_full(bio, 0));
	bio_check_built(bio, bio_trim_block_size(bio));
	return bio->bi_vcnt ? 0 : ret;
}

/* ---- releasing and dirtying --------------------------------------------------- */

/**
 * __bio_release_pages() - release every page occurrence of @bio, whatever
 * bi_iter says (R-BIO-3).
 * @mark_dirty: first dirty each non-compound page (v6.5 skips compound
 *	pages) with set_page_dirty_lock().
 *
 * Unpins (PINNED) or puts (REFFED / v6.4) one per page per bvec it
 * covers; the caller has checked that the bio owns pages.
 */
void __bio_release_pages(struct bio *bio, bool mark_dirty)
{
	const struct bio_vec *bv = bio->bi_io_vec, *end = bv + bio->bi_vcnt;

	/*
	 * Every page of every bvec, as bio_for_each_segment_all() visits
	 * them, without its per-segment bookkeeping (a 4 KiB read has one
	 * bvec of one page).
	 */
	for (; bv < end; bv++) {
		struct page *page = bv->bv_page + bv->bv_offset / PAGE_SIZE;
		unsigned int off = bv->bv_offset % PAGE_SIZE, left = bv->bv_len;

		while (left) {
			unsigned int len = min_t(unsigned int, PAGE_SIZE - off, left);

			if (mark_dirty && !PageCompound(page))
				set_page_dirty_lock(page);
			bio_release_page(bio, page);
			left -= len;
			off = 0;
			page++;
		}
	}
}

/**
 * bio_release_pages() - drop what @bio holds on its pages, per profile:
 * v6.5 only if PINNED (unpin); v21 PINNED (unpin) or REFFED (put); v6.4
 * unless BIO_NO_PAGE_REF (put). A bio that owns no pages is left alone,
 * not even dirtied. A clone or split never owns pages.
 */
void bio_release_pages(struct bio *bio, bool mark_dirty)
{
	if (bio_owns_pages(bio))
		__bio_release_pages(bio, mark_dirty);
}

/**
 * bio_set_pages_dirty() - dirty every non-compound page of @bio before a
 * read is submitted (R-BIO-11). Neither pins nor references.
 */
void bio_set_pages_dirty(struct bio *bio)
{
	struct bvec_iter_all iter_all;
	struct bio_vec *bvec;

	bio_for_each_segment_all(bvec, bio, iter_all) {
		if (!PageCompound(bvec->bv_page))
			set_page_dirty_lock(bvec->bv_page);
	}
}

/*
 * The deferred re-dirty work (R-BIO-12): a global list of bios linked
 * through bi_private and one worker thread, started on first use. The
 * worker re-dirties and releases in process context; bio_dirty_flush()
 * waits until the list is empty and the worker idle.
 */
static pthread_mutex_t bio_dirty_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t bio_dirty_work = PTHREAD_COND_INITIALIZER;
static pthread_cond_t bio_dirty_idle = PTHREAD_COND_INITIALIZER;
static struct bio *bio_dirty_list;
static bool bio_dirty_busy, bio_dirty_running, bio_dirty_stop;
static pthread_t bio_dirty_thread;

static void *bio_dirty_fn(void *arg)
{
	struct bio *bio, *next;

	pthread_mutex_lock(&bio_dirty_lock);
	for (;;) {
		while (!bio_dirty_list && !bio_dirty_stop)
			pthread_cond_wait(&bio_dirty_work, &bio_dirty_lock);
		if (!bio_dirty_list)
			break;
		next = bio_dirty_list;
		bio_dirty_list = NULL;
		bio_dirty_busy = true;
		pthread_mutex_unlock(&bio_dirty_lock);
		while ((bio = next) != NULL) {
			next = bio->bi_private;
			bio_release_pages(bio, true);
			bio_put(bio);
		}
		pthread_mutex_lock(&bio_dirty_lock);
		bio_dirty_busy = false;
		pthread_cond_broadcast(&bio_dirty_idle);
	}
	pthread_mutex_unlock(&bio_dirty_lock);
	return NULL;
}

/**
 * bio_check_pages_dirty() - release a completed read bio, keeping its
 * pages dirty (R-BIO-12). Takes ownership of @bio.
 *
 * If every non-compound page is still dirty: release (unpin) and put now.
 * If writeback cleaned one during the read: queue the bio for the worker,
 * which re-dirties every page, releases and puts. Each page occurrence is
 * released exactly once either way.
 */
void bio_check_pages_dirty(struct bio *bio)
{
	struct bvec_iter_all iter_all;
	struct bio_vec *bvec;

	bio_for_each_segment_all(bvec, bio, iter_all) {
		if (!PageDirty(bvec->bv_page) && !PageCompound(bvec->bv_page))
			goto defer;
	}
	bio_release_pages(bio, false);
	bio_put(bio);
	return;
defer:
	pthread_mutex_lock(&bio_dirty_lock);
	if (!bio_dirty_running) {
		bio_dirty_stop = false;
		if (pthread_create(&bio_dirty_thread, NULL, bio_dirty_fn, NULL)) {
			/* No thread: do the work here rather than lose it. */
			pthread_mutex_unlock(&bio_dirty_lock);
			bio_release_pages(bio, true);
			bio_put(bio);
			return;
		}
		bio_dirty_running = true;
	}
	bio->bi_private = bio_dirty_list;
	bio_dirty_list = bio;
	pthread_cond_signal(&bio_dirty_work);
	pthread_mutex_unlock(&bio_dirty_lock);
}

/**
 * bio_dirty_flush() - wait until the deferred re-dirty worker has released
 * every bio queued so far.
 */
void bio_dirty_flush(void)
{
	pthread_mutex_lock(&bio_dirty_lock);
	while (bio_dirty_running && (bio_dirty_list || bio_dirty_busy))
		pthread_cond_wait(&bio_dirty_idle, &bio_dirty_lock);
	pthread_mutex_unlock(&bio_dirty_lock);
}

/**
 * bio_dirty_exit() - drain the deferred re-dirty list and stop its worker
 * thread (sim_shutdown()). Safe if it never started, and more than once.
 */
void bio_dirty_exit(void)
{
	bool running;

	pthread_mutex_lock(&bio_dirty_lock);
	running = bio_dirty_running;
	bio_dirty_stop = true;
	pthread_cond_signal(&bio_dirty_work);
	pthread_mutex_unlock(&bio_dirty_lock);
	if (!running)
		return;
	pthread_join(bio_dirty_thread, NULL);
	pthread_mutex_lock(&bio_dirty_lock);
	bio_dirty_running = false;
	bio_dirty_stop = false;
	pthread_mutex_unlock(&bio_dirty_lock);
}
