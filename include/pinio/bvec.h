/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinio/bvec.h - bio_vec and the bvec iterator (include/linux/bvec.h).
 *
 * A bio_vec names a run of physically contiguous memory: a page, an offset
 * (which, as in v6.5, may exceed PAGE_SIZE when a folio was added whole)
 * and a length, possibly spanning several pages ("multi-page bvec").
 * Iteration comes in two grains: per bvec (mp_) and per page (the
 * single-page view bio_for_each_segment_all() gives, which is how release
 * visits pages, R-BIO-3).
 */
#ifndef PINIO_BVEC_H
#define PINIO_BVEC_H

#include <pinio/mm.h>

typedef uint64_t sector_t;
#define SECTOR_SHIFT	9
#define SECTOR_SIZE	(1U << SECTOR_SHIFT)

struct bio_vec {
	struct page *bv_page;
	unsigned int bv_len;
	unsigned int bv_offset;
};

static inline void bvec_set_page(struct bio_vec *bv, struct page *page, unsigned int len,
				 unsigned int offset)
{
	bv->bv_page = page;
	bv->bv_len = len;
	bv->bv_offset = offset;
}

static inline void bvec_set_folio(struct bio_vec *bv, struct folio *folio, unsigned int len,
				  unsigned int offset)
{
	bvec_set_page(bv, &folio->page, len, offset);
}

/* Host address of the first byte of @bv (the direct map). */
static inline void *bvec_virt(const struct bio_vec *bv)
{
	return (char *)page_address(bv->bv_page) + bv->bv_offset;
}

struct bvec_iter {
	sector_t bi_sector;		/* device address in 512-byte sectors */
	unsigned int bi_size;		/* residual I/O count */
	unsigned int bi_idx;		/* current index into bvl_vec */
	unsigned int bi_bvec_done;	/* bytes completed in current bvec */
};

/* Multi-page view: the current bvec, clipped to what is left. */
#define __bvec_iter_bvec(bvec, iter)	(&(bvec)[(iter).bi_idx])
#define mp_bvec_iter_len(bvec, iter) \
	min((iter).bi_size, __bvec_iter_bvec((bvec), (iter))->bv_len - (iter).bi_bvec_done)
#define mp_bvec_iter_offset(bvec, iter) \
	(__bvec_iter_bvec((bvec), (iter))->bv_offset + (iter).bi_bvec_done)
#define mp_bvec_iter_page(bvec, iter)	(__bvec_iter_bvec((bvec), (iter))->bv_page)

/* Single-page view: clipped to the page the current position is in. */
#define bvec_iter_page(bvec, iter) \
	(mp_bvec_iter_page((bvec), (iter)) + mp_bvec_iter_offset((bvec), (iter)) / PAGE_SIZE)
#define bvec_iter_offset(bvec, iter)	(mp_bvec_iter_offset((bvec), (iter)) % PAGE_SIZE)
#define bvec_iter_len(bvec, iter) \
	min_t(unsigned int, mp_bvec_iter_len((bvec), (iter)), \
	      PAGE_SIZE - bvec_iter_offset((bvec), (iter)))

static inline struct bio_vec bvec_iter_bvec(const struct bio_vec *bvec, struct bvec_iter iter)
{
	struct bio_vec bv = {
		.bv_page = bvec_iter_page(bvec, iter),
		.bv_len = bvec_iter_len(bvec, iter),
		.bv_offset = (unsigned int)bvec_iter_offset(bvec, iter),
	};
	return bv;
}

static inline struct bio_vec mp_bvec_iter_bvec(const struct bio_vec *bvec, struct bvec_iter iter)
{
	struct bio_vec bv = {
		.bv_page = mp_bvec_iter_page(bvec, iter),
		.bv_len = mp_bvec_iter_len(bvec, iter),
		.bv_offset = mp_bvec_iter_offset(bvec, iter),
	};
	return bv;
}

/* Advance @iter by @bytes; false (with a WARN) if that runs past the end. */
static inline bool bvec_iter_advance(const struct bio_vec *bv, struct bvec_iter *iter,
				     unsigned int bytes)
{
	unsigned int idx = iter->bi_idx;

	if (WARN_ONCE(bytes > iter->bi_size, "Attempted to advance past end of bvec iter\n")) {
		iter->bi_size = 0;
		return false;
	}
	iter->bi_size -= bytes;
	bytes += iter->bi_bvec_done;
	while (bytes && bytes >= bv[idx].bv_len) {
		bytes -= bv[idx].bv_len;
		idx++;
	}
	iter->bi_idx = idx;
	iter->bi_bvec_done = bytes;
	return true;
}

/*
 * Advance by @bytes that stay within the current bvec (a walk's step).
 * Reaching the bvec's end moves to the next one, so a zero-length bvec is
 * stepped over (after being seen once, with length 0) instead of being
 * returned forever, which bvec_iter_advance(0) would do: its loop only
 * runs while bytes remain.
 */
static inline void bvec_iter_advance_single(const struct bio_vec *bv, struct bvec_iter *iter,
					    unsigned int bytes)
{
	unsigned int done = iter->bi_bvec_done + bytes;

	if (done == bv[iter->bi_idx].bv_len) {
		done = 0;
		iter->bi_idx++;
	}
	iter->bi_bvec_done = done;
	iter->bi_size -= bytes;
}

#define for_each_bvec(bvl, bio_vec, iter, start)			\
	for (iter = (start);						\
	     (iter).bi_size && ((bvl = bvec_iter_bvec((bio_vec), (iter))), 1); \
	     bvec_iter_advance_single((bio_vec), &(iter), (bvl).bv_len))

/*
 * Page-granular walk of a whole bvec table, ignoring any iterator: one
 * entry per page each bvec covers (bio_for_each_segment_all()).
 */
struct bvec_iter_all {
	struct bio_vec bv;
	int idx;
	unsigned int done;
};

static inline void bvec_iter_all_init(struct bvec_iter_all *iter_all)
{
	iter_all->done = 0;
	iter_all->idx = 0;
}

static inline void bvec_advance(const struct bio_vec *bvec, struct bvec_iter_all *iter_all)
{
	struct bio_vec *bv = &iter_all->bv;
	unsigned int off = bvec->bv_offset + iter_all->done;

	bv->bv_page = bvec->bv_page + off / PAGE_SIZE;
	bv->bv_offset = off % PAGE_SIZE;
	bv->bv_len = min_t(unsigned int, PAGE_SIZE - bv->bv_offset, bvec->bv_len - iter_all->done);
	iter_all->done += bv->bv_len;
	if (iter_all->done == bvec->bv_len) {
		iter_all->idx++;
		iter_all->done = 0;
	}
}

#endif /* PINIO_BVEC_H */
