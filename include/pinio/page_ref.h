/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinio/page_ref.h - raw reference-count operations on pages and folios.
 *
 * Models include/linux/page_ref.h: plain atomic operations on _refcount
 * with no policy. The policy (pins, zero pages, overflow guards) lives in
 * mm.h and mm/gup.c.
 */
#ifndef PINIO_PAGE_REF_H
#define PINIO_PAGE_REF_H

#include <pinio/mm_types.h>

static inline int page_ref_count(const struct page *page)
{
	return atomic_read(&page->_refcount);
}

static inline int folio_ref_count(const struct folio *folio)
{
	return page_ref_count(&folio->page);
}

static inline void set_page_count(struct page *page, int v)
{
	atomic_set(&page->_refcount, v);
}

static inline void folio_set_count(struct folio *folio, int v)
{
	set_page_count(&folio->page, v);
}

static inline void page_ref_add(struct page *page, int nr)
{
	atomic_add(nr, &page->_refcount);
}

static inline void folio_ref_add(struct folio *folio, int nr)
{
	page_ref_add(&folio->page, nr);
}

static inline void folio_ref_sub(struct folio *folio, int nr)
{
	atomic_sub(nr, &folio->page._refcount);
}

static inline int folio_ref_sub_return(struct folio *folio, int nr)
{
	return atomic_sub_return(nr, &folio->page._refcount);
}

static inline bool folio_ref_sub_and_test(struct folio *folio, int nr)
{
	return atomic_sub_and_test(nr, &folio->page._refcount);
}

static inline void folio_ref_inc(struct folio *folio)
{
	folio_ref_add(folio, 1);
}

static inline bool folio_ref_dec_and_test(struct folio *folio)
{
	return folio_ref_sub_and_test(folio, 1);
}

/* Add @nr unless the count is 0 (freed or frozen). */
static inline bool folio_ref_try_add(struct folio *folio, int nr)
{
	return atomic_add_unless(&folio->page._refcount, nr, 0);
}

static inline bool folio_try_get(struct folio *folio)
{
	return folio_ref_try_add(folio, 1);
}

/* (unsigned)ref + 127 <= 127: the count is in [-127, 0]. */
static inline bool page_ref_zero_or_close_to_overflow(const struct page *page)
{
	return ((unsigned int)page_ref_count(page) + 127u) <= 127u;
}

#endif /* PINIO_PAGE_REF_H */
