/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinio/bio.h - building, completing and releasing bios (include/linux/bio.h,
 * block/bio.c).
 *
 * Page policy lives with the caller, never in bio_add_page(): a bio's
 * cleanup mode (BIO_PAGE_PINNED in v6.5) says how every page in it was
 * acquired, and bio_release_pages() releases each page occurrence exactly
 * once with the matching primitive (R-BIO-1..13).
 */
#ifndef PINIO_BIO_H
#define PINIO_BIO_H

#include <pinio/blk_types.h>
#include <pinio/uio.h>

struct request_queue;

typedef unsigned int gfp_flags_t;

/*
 * Allocation and lifetime. bio_alloc() and bio_kmalloc() return NULL on
 * (injected, FAULT_META_ALLOC) allocation failure. Deviation: bio_put()
 * also frees a bio_kmalloc() bio (the kernel's bio_uninit() + kfree()).
 * nr_live_bios() counts bios allocated and not freed (the ledger).
 */
struct bio *bio_alloc(struct block_device *bdev, unsigned short nr_vecs, blk_opf_t opf,
		      gfp_flags_t gfp);
struct bio *bio_kmalloc(unsigned short nr_vecs, gfp_flags_t gfp);
void bio_init(struct bio *bio, struct block_device *bdev, struct bio_vec *table,
	      unsigned short max_vecs, blk_opf_t opf);
void bio_uninit(struct bio *bio);
void bio_reset(struct bio *bio, struct block_device *bdev, blk_opf_t opf);
void bio_get(struct bio *bio);
void bio_put(struct bio *bio);
long nr_live_bios(void);

/*
 * Completion. bio_endio() runs bi_end_io once all chained children are
 * done; a second completion of a live bio is a reported violation
 * (BIO_SIM_ENDED; bad input 24) and does nothing. Cleared by bio_init()
 * and bio_reset(): resubmitting a completed bio needs a bio_reset().
 */
void bio_endio(struct bio *bio);
void bio_chain(struct bio *bio, struct bio *parent);

/* One more completion to wait for before bi_end_io runs (BIO_CHAIN). */
static inline void bio_inc_remaining(struct bio *bio)
{
	bio_set_flag(bio, BIO_CHAIN);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	atomic_inc(&bio->__bi_remaining);
}
static inline void bio_io_error(struct bio *bio)
{
	bio->bi_status = BLK_STS_IOERR;
	bio_endio(bio);
}

/* Adding memory. Never takes or drops pins or references. */
int bio_add_page(struct bio *bio, struct page *page, unsigned int len, unsigned int offset);
void __bio_add_page(struct bio *bio, struct page *page, unsigned int len, unsigned int off);
bool bio_add_folio(struct bio *bio, struct folio *folio, size_t len, size_t off);
int bio_add_hw_page(struct request_queue *q, struct bio *bio, struct page *page,
		    unsigned int len, unsigned int offset, unsigned int max_sectors,
		    bool *same_page);
int bio_add_pc_page(struct request_queue *q, struct bio *bio, struct page *page,
		    unsigned int len, unsigned int offset);

/*
 * How the pages of a bio were acquired (its cleanup mode, R-BIO-4, INV-5),
 * read from its flags under the current profile: v6.5 PINNED or NONE; v21
 * PINNED, REFFED or NONE; v6.4 REFFED unless BIO_NO_PAGE_REF.
 */
enum bio_page_mode {
	BIO_PAGE_MODE_NONE,	/* no pin, no reference: the owner keeps pages alive */
	BIO_PAGE_MODE_PINNED,	/* one FOLL_PIN pin per page occurrence */
	BIO_PAGE_MODE_REFFED,	/* one reference per page occurrence */
};
enum bio_page_mode bio_page_mode(const struct bio *bio);

/*
 * The simulation's checked add (R17, bad input 23): bio_add_page() of a
 * page acquired in @mode. -EINVAL, with the bio unchanged, if @mode differs
 * from bio_page_mode(@bio) (zero pages pinned or unreferenced are neutral
 * outside v6.4), or if a page claimed PINNED is not pinned. Else as
 * bio_add_page(): @len, or 0 when it does not fit. Never pins or refs.
 */
int sim_bio_add_page_mode(struct bio *bio, struct page *page, unsigned int len,
			  unsigned int off, enum bio_page_mode mode);

static inline bool bio_full(const struct bio *bio, unsigned int len)
{
	if (bio->bi_vcnt >= bio->bi_max_vecs)
		return true;
	if (bio->bi_iter.bi_size > UINT_MAX - len)
		return true;
	return false;
}

/*
 * User memory into a bio (R-BIO-4, 7, 8, 10), v6.5 semantics: BVEC ->
 * borrowed (allocate the bio with bio_iov_vecs_to_alloc() == 0 vecs);
 * otherwise BIO_PAGE_PINNED iff iov_iter_extract_will_pin(), one pin per
 * page occurrence, each extraction trimmed to the logical block size of
 * bi_bdev (512 without a bdev; 6.6+ would not trim at all). Returns 0 when
 * the bio got any pages (possibly short), else -EFAULT, -EINVAL (zone
 * append limit) or the extraction's error. v6.4 profile: FOLL_GET
 * references, no flag (put at release); BVEC gets BIO_NO_PAGE_REF.
 */
int bio_iov_iter_get_pages(struct bio *bio, struct iov_iter *iter);
void bio_iov_bvec_set(struct bio *bio, struct iov_iter *iter);
static inline int bio_iov_vecs_to_alloc(struct iov_iter *iter, int max_segs)
{
	if (iov_iter_is_bvec(iter))
		return 0;
	return iov_iter_npages(iter, max_segs);
}

/* Releasing pages (R-BIO-2, 3, 11, 12). */
void __bio_release_pages(struct bio *bio, bool mark_dirty);
/* Per profile: v6.5 PINNED; v21 PINNED or REFFED; v6.4 !NO_PAGE_REF. */
void bio_release_pages(struct bio *bio, bool mark_dirty);
void bio_set_pages_dirty(struct bio *bio);
void bio_check_pages_dirty(struct bio *bio);
/*
 * Wait until the deferred re-dirty worker (a thread, the kernel's
 * workqueue) has released every bio bio_check_pages_dirty() queued.
 */
void bio_dirty_flush(void);

/*
 * Splitting and cloning: the result never owns pages (BIO_CLONED). One
 * allocator serves every bio set: bio_split()'s @bs is ignored (NULL is
 * fine).
 */
struct bio *bio_split(struct bio *bio, int sectors, gfp_flags_t gfp, struct bio_set *bs);
struct bio *bio_alloc_clone(struct block_device *bdev, struct bio *bio_src, gfp_flags_t gfp);
void bio_advance(struct bio *bio, unsigned int bytes);

static inline unsigned int bio_data_dir(const struct bio *bio)
{
	return op_is_write(bio->bi_opf) ? WRITE : READ;
}

static inline bool bio_has_data(const struct bio *bio)
{
	return bio && bio->bi_iter.bi_size && bio_op(bio) != REQ_OP_DISCARD;
}

static inline unsigned int bio_sectors(const struct bio *bio)
{
	return bio->bi_iter.bi_size >> SECTOR_SHIFT;
}

static inline sector_t bio_end_sector(const struct bio *bio)
{
	return bio->bi_iter.bi_sector + bio_sectors(bio);
}

/* Page-granular walk of every page in bi_io_vec[0..bi_vcnt), ignoring bi_iter. */
#define bio_for_each_segment_all(bvl, bio, iter)				\
	for (bvl = bvec_init_iter_all(&iter); bio_next_segment((bio), &iter); )

static inline struct bio_vec *bvec_init_iter_all(struct bvec_iter_all *iter_all)
{
	bvec_iter_all_init(iter_all);
	return &iter_all->bv;
}

static inline bool bio_next_segment(const struct bio *bio, struct bvec_iter_all *iter)
{
	if (iter->idx >= bio->bi_vcnt)
		return false;
	bvec_advance(&bio->bi_io_vec[iter->idx], iter);
	return true;
}

/* Page-granular walk of what bi_iter still covers. */
#define __bio_for_each_segment(bvl, bio, iter, start)			\
	for (iter = (start);						\
	     (iter).bi_size &&						\
		((bvl = bvec_iter_bvec((bio)->bi_io_vec, (iter))), 1);	\
	     bvec_iter_advance_single((bio)->bi_io_vec, &(iter), (bvl).bv_len))
#define bio_for_each_segment(bvl, bio, iter)				\
	__bio_for_each_segment(bvl, bio, iter, (bio)->bi_iter)

/* Per-bvec walk of what bi_iter still covers. */
#define __bio_for_each_bvec(bvl, bio, iter, start)			\
	for (iter = (start);						\
	     (iter).bi_size &&						\
		((bvl = mp_bvec_iter_bvec((bio)->bi_io_vec, (iter))), 1); \
	     bvec_iter_advance_single((bio)->bi_io_vec, &(iter), (bvl).bv_len))
#define bio_for_each_bvec(bvl, bio, iter)				\
	__bio_for_each_bvec(bvl, bio, iter, (bio)->bi_iter)

#endif /* PINIO_BIO_H */
