// SPDX-License-Identifier: GPL-2.0
/*
 * lib/iov_iter_xarray.c - ITER_XARRAY over the page cache (R-ITER-9).
 *
 * The kernel walks mapping->i_pages under RCU from index pos >> PAGE_SHIFT
 * and stops at the first hole; it takes neither a pin nor a reference, so
 * the iterator's owner (netfs, a filesystem) keeps the folios alive. Here
 * the lookup goes through the page cache's index (mm/filemap.c), and the
 * reference that lookup returns is dropped again at once: the caller's
 * guarantee is what keeps the page alive, exactly as in the kernel.
 */
#include "mm/internal.h"
#include "lib/iov_iter_xarray.h"

/**
 * xarray_page_at() - the cached page holding byte @pos of @mapping.
 * @mapping: the page cache; NULL gives NULL.
 * @pos: a byte position; negative gives NULL.
 *
 * Takes no reference. Return: the page, or NULL for a hole.
 */
struct page *xarray_page_at(struct address_space *mapping, long long pos)
{
	struct page *page = xarray_get_page_at(mapping, pos);

	if (page)
		put_page(page);	/* the caller keeps it alive (R-ITER-9) */
	return page;
}

/**
 * xarray_get_page_at() - the cached page holding byte @pos of @mapping,
 * with a reference (the lookup's, as iter_xarray_populate_pages()'s
 * get_page() under RCU: the page cannot be freed in between).
 * @mapping: the page cache; NULL gives NULL.
 * @pos: a byte position; negative gives NULL.
 *
 * Return: the page, or NULL for a hole.
 */
struct page *xarray_get_page_at(struct address_space *mapping, long long pos)
{
	unsigned long index = (unsigned long)(pos >> PAGE_SHIFT), next;
	struct folio *folio;

	if (!mapping || pos < 0 ||
	    !pc_gang_lookup_range(mapping, index, index, &folio, 1, &next))
		return NULL;
	return folio_page(folio, index - folio->index);
}

/*
 * Up to @nr consecutive cached pages from the page holding @pos, stopping
 * at the first hole; each referenced if @refs. Return: pages stored.
 */
static unsigned int xarray_walk(struct address_space *mapping, long long pos,
				struct page **pages, unsigned int nr, bool refs)
{
	long long first = pos & ~(long long)(PAGE_SIZE - 1);
	unsigned int k;

	for (k = 0; k < nr; k++) {
		long long at = first + (long long)k * (long long)PAGE_SIZE;
		struct page *page = refs ? xarray_get_page_at(mapping, at) :
					   xarray_page_at(mapping, at);

		if (!page)
			break;
		pages[k] = page;
	}
	return k;
}

/**
 * xarray_extract_pages() - the cached pages of a mapping from a position on.
 * @mapping: the page cache to walk; NULL gives 0.
 * @pos: a byte position; the walk starts at the page holding it.
 * @pages: receives the pages, in file order.
 * @nr: at most this many pages.
 *
 * Stores consecutive pages until @nr or the first hole, one entry per
 * page even inside a large folio. Takes neither a pin nor a reference
 * (iov_iter_extract_pages() on ITER_XARRAY, R-ITER-9): whoever built the
 * iterator must keep the folios in the cache until it is done with them,
 * as in the kernel.
 *
 * Context: any thread; takes and drops the page cache's lookup locks.
 * Return: the number of pages stored, 0 if @pos is in a hole or negative.
 */
unsigned int xarray_extract_pages(struct address_space *mapping, long long pos,
				  struct page **pages, unsigned int nr)
{
	return xarray_walk(mapping, pos, pages, nr, false);
}

/**
 * xarray_get_pages() - xarray_extract_pages(), but each page referenced
 * (iov_iter_get_pages2() on ITER_XARRAY, R-ITER-13): the caller
 * put_page()s each.
 * @mapping: the page cache to walk; NULL gives 0.
 * @pos: a byte position; the walk starts at the page holding it.
 * @pages: receives the pages, in file order.
 * @nr: at most this many pages.
 *
 * Return: pages found (and referenced) before the first hole.
 */
unsigned int xarray_get_pages(struct address_space *mapping, long long pos,
			      struct page **pages, unsigned int nr)
{
	return xarray_walk(mapping, pos, pages, nr, true);
}
