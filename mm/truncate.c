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
 * dropping them. A large folio that straddles the edge of a truncation is
 * zeroed over the range and split (truncate_inode_partial_folio()); one
 * that cannot be split stays whole if dirty. Invalidation drops large
 * folios whole. Left out: shadow entries, the "cannot invalidate a pinned
 * folio" -EBUSY of some filesystems.
 */
#include <string.h>
#include <pinio/pagemap.h>
#include "mm/internal.h"

#define TRUNC_BATCH	16

/*
 * Drop one locked folio from its mapping, clean, then unmap it. Out of
 * the index first: a racing fault installs its PTE only while
 * folio->mapping is still the file's (checked under i_mmap_lock in
 * do_fault()), so the unmap walk that follows removes it or it never
 * appears. The caller's reference keeps the folio until the walk is done.
 */
static void truncate_one_folio(struct folio *folio)
{
	struct address_space *mapping = folio->mapping;

	clear_bit(PG_dirty, &folio->flags);
	filemap_remove_folio(folio);
	mapping_unmap_folio(mapping, folio);
}

/* Zero bytes [@from, @to) of a cached folio that stays. */
static void folio_zero_segment(struct folio *folio, size_t from, size_t to)
{
	if (from < to)
		memset((char *)folio_address(folio) + from, 0, to - from);
}

/*
 * truncate_inode_partial_folio() - the locked @folio straddles an edge of
 * bytes [@start, @end]: zero what lies inside, and split a large folio so
 * that the pages wholly inside can leave the cache. A large folio that
 * cannot be split (pinned, or held by a pipe or bio) is dropped whole if
 * it is clean (it reads back from disk) and kept, zeroed over the range
 * and unmapped, if it is dirty.
 * Return: false if the folio stays large and in the cache.
 */
static bool truncate_inode_partial_folio(struct folio *folio, loff_t start, loff_t end)
{
	loff_t pos = folio_pos(folio);
	size_t offset = pos < start ? (size_t)(start - pos) : 0;
	size_t length = folio_size(folio);

	if (pos + (loff_t)length - 1 <= end)
		length -= offset;
	else
		length = (size_t)(end + 1 - pos) - offset;
	if (length == folio_size(folio)) {
		truncate_one_folio(folio);
		return true;
	}
	folio_zero_segment(folio, offset, offset + length);
	if (!folio_test_large(folio))
		return true;
	if (!split_folio(folio))
		return true;
	if (folio_test_dirty(folio)) {
		/* Stays; a PTE past the new end must not survive (unmap_mapping_range()). */
		if (folio_unmap_mapping(folio))
			folio_mark_dirty(folio);
		return false;
	}
	truncate_one_folio(folio);
	return true;
}

/**
 * truncate_inode_pages_range() - drop the cached bytes [@lstart, @lend].
 * @mapping: the cache.
 * @lstart: first byte.
 * @lend: last byte, -1 for "to the end".
 *
 * Folios wholly inside leave the cache (unmapped, dirty data dropped, held
 * ones orphaned, I7); folios across an edge are zeroed over the range and,
 * if large, split (truncate_inode_partial_folio()). Takes no pin.
 *
 * Context: may sleep (folio locks). The caller keeps new folios from being
 * added in the range, normally by holding i_rwsem exclusively with i_size
 * already cut, and has waited for direct I/O in flight (inode_dio_wait()).
 */
void truncate_inode_pages_range(struct address_space *mapping, loff_t lstart, loff_t lend)
{
	struct folio *batch[TRUNC_BATCH];
	pgoff_t next, last, resume = 0;
	bool rescan = false;
	size_t n, i;

	if (lend < 0)
		lend = LLONG_MAX;
	if (lend < lstart)
		return;
	next = (pgoff_t)(lstart >> PAGE_SHIFT);
	last = (pgoff_t)(lend >> PAGE_SHIFT);
	while (next <= last) {
		n = pc_gang_lookup_range(mapping, next, last, batch, TRUNC_BATCH, &next);
		if (!n)
			break;
		for (i = 0; i < n; i++) {
			struct folio *folio = batch[i];

			folio_lock(folio);
			if (folio->mapping == mapping && !rescan) {
				loff_t pos = folio_pos(folio);

				if (pos >= lstart && pos + (loff_t)folio_size(folio) - 1 <= lend) {
					truncate_one_folio(folio);
				} else if (folio_test_large(folio)) {
					/* Split: its other pages are looked up again. */
					if (truncate_inode_partial_folio(folio, lstart, lend) &&
					    folio->mapping == mapping) {
						rescan = true;
						resume = folio->index + 1;
					}
				} else {
					truncate_inode_partial_folio(folio, lstart, lend);
				}
			}
			folio_unlock(folio);
			folio_put(folio);
		}
		if (rescan) {
			rescan = false;
			next = resume;
			continue;
		}
		if (!next)
			break;
	}
}

/**
 * truncate_inode_pages() - drop the cache from byte @lstart to the end.
 * @mapping: the cache.
 * @lstart: first byte.
 *
 * truncate_inode_pages_range() to the end; with @lstart 0, the whole cache
 * (inode eviction).
 *
 * Context: as truncate_inode_pages_range().
 */
void truncate_inode_pages(struct address_space *mapping, loff_t lstart)
{
	truncate_inode_pages_range(mapping, lstart, -1);
}

/**
 * truncate_pagecache() - the cache side of truncating @inode to @newsize.
 * @inode: the file (i_size already @newsize).
 * @newsize: the new size.
 *
 * Drops the cached bytes from @newsize on; a folio straddling @newsize is
 * zeroed beyond it and stays (a large one is split first when it can be).
 *
 * Context: i_rwsem held exclusively; may sleep.
 */
void truncate_pagecache(struct inode *inode, loff_t newsize)
{
	truncate_inode_pages(inode->i_mapping, newsize);
}

/**
 * invalidate_inode_pages2_range() - drop cached folios around direct I/O.
 * @mapping: the cache.
 * @start: first page index.
 * @end: last page index (inclusive); large folios overlapping go whole.
 *
 * Each folio is unmapped from every VMA; dirty folios are written first
 * (the kernel's launder_folio); then it leaves the index, and one still
 * held elsewhere (a pin, a bio, a pipe) is orphaned (I7). A folio whose
 * write failed stays in the cache, and the walk goes on.
 *
 * Context: may sleep (folio locks, writeback). Usually called with
 * i_rwsem held; the deferred completion of an asynchronous direct write
 * calls it without.
 * Return: 0, or -EBUSY if a dirty folio could not be written.
 */
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
				if (folio_test_dirty(folio) && folio_write_one(folio)) {
					ret = -EBUSY;
				} else {
					filemap_remove_folio(folio);
					/*
					 * A read fault while the folio was being
					 * written found it still in the file and
					 * mapped it (the kernel's folio lock keeps
					 * such a fault out; ours does not lock): walk
					 * again, now that do_fault() can no longer
					 * map it. A store through that PTE went
					 * through page_mkwrite, which waited for our
					 * lock and retries, so no data is lost.
					 */
					mapping_unmap_folio(mapping, folio);
				}
			}
			folio_unlock(folio);
			folio_put(folio);
		}
		if (!next)
			break;
	}
	return ret;
}
