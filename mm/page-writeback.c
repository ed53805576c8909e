// SPDX-License-Identifier: GPL-2.0
/*
 * mm/page-writeback.c - dirtying folios.
 *
 * Models folio_mark_dirty(), set_page_dirty_lock(), folio_clear_dirty_for_io()
 * (which write-protects mapped PTEs first, page_mkclean) and synchronous
 * writeback of one folio or a range of a mapping through a_ops->writepage,
 * under the folio lock with PG_writeback set. Left out: background
 * writeback and dirty throttling (writeback on memory pressure is
 * mm/vmscan.c's). Dirty, writeback and uptodate state is per folio, large
 * folios included. A folio with an address_space whose a_ops
 * provide dirty_folio is dirtied through it (the page cache tracks dirty
 * folios for writeback); anonymous and shmem folios just get PG_dirty.
 */
#include <pinio/trace.h>
#include <pinio/pagemap.h>
#include "mm/internal.h"

static struct address_space *folio_mapping_space(struct folio *folio)
{
	if (folio_test_anon(folio))
		return NULL;
	return folio->mapping;
}

/**
 * folio_mark_dirty() - mark @folio dirty.
 * @folio: the folio; its mapping's ->dirty_folio is used when it has one.
 *
 * Return: true if the folio was clean before.
 */
bool folio_mark_dirty(struct folio *folio)
{
	struct address_space *mapping = folio_mapping_space(folio);

	if (mapping && mapping->a_ops && mapping->a_ops->dirty_folio)
		return mapping->a_ops->dirty_folio(mapping, folio);
	/* noop_dirty_folio(): look before the locked test-and-set. */
	if (!folio_test_dirty(folio) && !test_and_set_bit(PG_dirty, &folio->flags)) {
		trace_page_event(folio_pfn(folio), PE_DIRTY, 0);
		return true;
	}
	return false;
}

/**
 * set_page_dirty() - mark the folio holding @page dirty.
 * @page: any page of the folio.
 *
 * folio_mark_dirty() on page_folio(@page), without the folio lock: the
 * caller must keep truncate away (set_page_dirty_lock() takes the lock).
 * Return: true if the folio was clean before.
 */
bool set_page_dirty(struct page *page)
{
	return folio_mark_dirty(page_folio(page));
}

/**
 * set_page_dirty_lock() - dirty @page's folio under the folio lock.
 * @page: any page of the folio.
 *
 * The lock keeps truncate and writeback from racing the dirtying.
 */
bool set_page_dirty_lock(struct page *page)
{
	struct folio *folio = page_folio(page);
	bool ret;

	folio_lock(folio);
	ret = folio_mark_dirty(folio);
	folio_unlock(folio);
	return ret;
}

/**
 * folio_clear_dirty_for_io() - clear the dirty bit before writeback.
 * @folio: the locked folio about to be written.
 *
 * Return: true if the folio was dirty (and so must be written).
 */
bool folio_clear_dirty_for_io(struct folio *folio)
{
	struct address_space *mapping = folio_mapping_space(folio);

	/*
	 * Write-protect the user PTEs first, moving their dirty bits to the
	 * folio: a later store through a mapping faults and dirties it again
	 * (page_mkwrite). DMA through a pin is not stopped (R-WB-1).
	 */
	if (mapping && mapping->needs_writeback && folio_mkclean(folio))
		test_and_set_bit(PG_dirty, &folio->flags);
	return test_and_clear_bit(PG_dirty, &folio->flags);
}

/**
 * folio_start_writeback() - set PG_writeback before @folio is written.
 * @folio: the folio, locked by the caller (a BUG otherwise).
 */
void folio_start_writeback(struct folio *folio)
{
	VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio);
	set_bit(PG_writeback, &folio->flags);
}

/**
 * folio_end_writeback() - clear PG_writeback once @folio's write is done.
 * @folio: the folio folio_start_writeback() marked.
 */
void folio_end_writeback(struct folio *folio)
{
	clear_bit(PG_writeback, &folio->flags);
}

/**
 * folio_write_one() - write the locked @folio if it is dirty, and wait.
 * @folio: the folio, locked by the caller and still locked on return.
 *
 * A folio that may be DMA-pinned is written but stays dirty: the device
 * may still store into it, and what it stores must reach the disk on a
 * later writeback, after the unpin (R-WB-2). Takes no pin or reference.
 * Return: 0, or the -errno of a_ops->writepage (the folio is dirty again).
 */
int folio_write_one(struct folio *folio)
{
	struct address_space *mapping = folio->mapping;
	int err;

	if (!mapping || !mapping->a_ops || !mapping->a_ops->writepage)
		return 0;
	if (!folio_clear_dirty_for_io(folio))
		return 0;
	folio_start_writeback(folio);
	err = mapping->a_ops->writepage(folio);
	folio_end_writeback(folio);
	if (err || folio_maybe_dma_pinned(folio))
		set_bit(PG_dirty, &folio->flags);
	if (!err)
		mod_node_page_state(NR_WRITTEN, folio_nr_pages(folio));
	return err;
}

#define WB_BATCH	16

int filemap_write_and_wait_range(struct address_space *mapping, loff_t lstart, loff_t lend)
{
	struct folio *batch[WB_BATCH];
	unsigned long next, end;
	int ret = 0;
	size_t n, i;

	if (lend < 0)
		lend = LLONG_MAX;
	if (lend < lstart || !mapping->nrpages)
		return 0;
	next = (unsigned long)(lstart >> PAGE_SHIFT);
	end = (unsigned long)(lend >> PAGE_SHIFT);
	while (next <= end) {
		n = pc_gang_lookup_range(mapping, next, end, batch, WB_BATCH, &next);
		if (!n)
			break;
		for (i = 0; i < n; i++) {
			struct folio *folio = batch[i];
			int err = 0;

			if (folio_test_dirty(folio)) {
				folio_lock(folio);
				if (folio->mapping == mapping)
					err = folio_write_one(folio);
				folio_unlock(folio);
			}
			if (err && !ret)
				ret = err;
			folio_put(folio);
		}
		if (!next)
			break;
	}
	return ret;
}
