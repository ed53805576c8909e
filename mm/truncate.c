// SPDX-License-Identifier: GPL-2.0
/*
 * mm/truncate.c - taking folios out of the page cache: truncation and
 * invalidation around direct I/O.
 *
 * Models mm/truncate.c (v6.5). A folio leaves the index at once, under its
 * lock, after being unmapped from every VMA of the file; dirty data past
 * the new end is dropped. A folio that someone still holds (a pipe buffer,
 * a bio, a pin) is orphaned: mapping = NULL, out of the index, freed by its
 * last folio_put(), never re-inserted (I7). invalidate_inode_pages2_range()
 * writes dirty folios first (the kernel's launder_folio) instead of
 * dropping them. Left out: shadow entries, large-folio splitting, the
 * "cannot invalidate a pinned folio" -EBUSY of some filesystems.
 */
#include <string.h>
#include <pinio/pagemap.h>
#include "mm/internal.h"

#define TRUNC_BATCH	16

/* Unmap, clean and drop one locked folio from its mapping. */
static void truncate_one_folio(struct folio *folio)
{
	folio_unmap_mapping(folio);
	clear_bit(PG_dirty, &folio->flags);
	filemap_remove_folio(folio);
}

/* Zero bytes [@from, @to) of a cached folio that stays. */
static void folio_zero_segment(struct folio *folio, size_t from, size_t to)
{
	if (from < to)
		memset((char *)folio_address(folio) + from, 0, to - from);
}

void truncate_inode_pages_range(struct address_space *mapping, loff_t lstart, loff_t lend)
{
	struct folio *batch[TRUNC_BATCH];
	pgoff_t start, end, next;
	size_t n, i;

	if (lend < 0)
		lend = LLONG_MAX;
	if (lend < lstart)
		return;
	/* The partial folio at the start is zeroed from lstart, not dropped. */
	start = (pgoff_t)((lstart + PAGE_SIZE - 1) >> PAGE_SHIFT);
	end = (pgoff_t)(lend >> PAGE_SHIFT);
	if ((lend & ~PAGE_MASK) != ~PAGE_MASK) {
		if (!end)
			goto partial;
		end--;		/* partial folio at the end */
	}
	next = start;
	while (next <= end) {
		n = pc_gang_lookup_range(mapping, next, end, batch, TRUNC_BATCH, &next);
		if (!n)
			break;
		for (i = 0; i < n; i++) {
			folio_lock(batch[i]);
			if (batch[i]->mapping == mapping)
				truncate_one_folio(batch[i]);
			folio_unlock(batch[i]);
			folio_put(batch[i]);
		}
		if (!next)
			break;
	}
partial:
	if (lstart & ~PAGE_MASK) {
		struct folio *folio = __filemap_get_folio(mapping, (pgoff_t)(lstart >> PAGE_SHIFT),
							  FGP_LOCK);

		if (!IS_ERR(folio)) {
			size_t to = PAGE_SIZE;

			if ((lend >> PAGE_SHIFT) == (lstart >> PAGE_SHIFT))
				to = (size_t)(lend & ~PAGE_MASK) + 1;
			folio_zero_segment(folio, (size_t)(lstart & ~PAGE_MASK), to);
			folio_unlock(folio);
			folio_put(folio);
		}
	}
	if ((lend & ~PAGE_MASK) != ~PAGE_MASK &&
	    !((lstart & ~PAGE_MASK) && (lend >> PAGE_SHIFT) == (lstart >> PAGE_SHIFT))) {
		struct folio *folio = __filemap_get_folio(mapping, (pgoff_t)(lend >> PAGE_SHIFT),
							  FGP_LOCK);

		if (!IS_ERR(folio)) {
			folio_zero_segment(folio, 0, (size_t)(lend & ~PAGE_MASK) + 1);
			folio_unlock(folio);
			folio_put(folio);
		}
	}
}

void truncate_inode_pages(struct address_space *mapping, loff_t lstart)
{
	truncate_inode_pages_range(mapping, lstart, -1);
}

void truncate_pagecache(struct inode *inode, loff_t newsize)
{
	truncate_inode_pages(inode->i_mapping, newsize);
}

int invalidate_inode_pages2_range(struct address_space *mapping, pgoff_t start, pgoff_t end)
{
	struct folio *batch[TRUNC_BATCH];
	pgoff_t next = start;
	int ret = 0;
	size_t n, i;

	while (next <= end) {
		n = pc_gang_lookup_range(mapping, next, end, batch, TRUNC_BATCH, &next);
		if (!n)
			break;
		for (i = 0; i < n; i++) {
			struct folio *folio = batch[i];

			folio_lock(folio);
			if (folio->mapping == mapping) {
				folio_unmap_mapping(folio);
				if (folio_test_dirty(folio) && folio_write_one(folio))
					ret = -EBUSY;
				else
					filemap_remove_folio(folio);
			}
			folio_unlock(folio);
			folio_put(folio);
		}
		if (!next)
			break;
	}
	return ret;
}
