/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lib/iov_iter_xarray.h - page-cache lookups behind ITER_XARRAY.
 */
#ifndef PINIO_LIB_IOV_ITER_XARRAY_H
#define PINIO_LIB_IOV_ITER_XARRAY_H

#include <pinio/mm.h>

struct address_space;

struct page *xarray_page_at(struct address_space *mapping, long long pos);
struct page *xarray_get_page_at(struct address_space *mapping, long long pos);
unsigned int xarray_extract_pages(struct address_space *mapping, long long pos,
				  struct page **pages, unsigned int nr);
unsigned int xarray_get_pages(struct address_space *mapping, long long pos,
			      struct page **pages, unsigned int nr);

#endif /* PINIO_LIB_IOV_ITER_XARRAY_H */
