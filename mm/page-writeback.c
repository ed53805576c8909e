// SPDX-License-Identifier: GPL-2.0
/*
 * mm/page-writeback.c - dirtying folios.
 *
 * Models folio_mark_dirty(), set_page_dirty_lock() and
 * folio_clear_dirty_for_io(). A folio with an address_space whose a_ops
 * provide dirty_folio is dirtied through it (the page cache tracks dirty
 * folios for writeback); anonymous and shmem folios just get PG_dirty.
 */
#include <pinio/trace.h>
#include "mm/internal.h"

static struct address_space *folio_mapping_space(struct folio *folio)
{
	if (folio_test_anon(folio))
		return NULL;
	return folio->mapping;
}

/**
 * folio_mark_dirty() - mark @folio dirty.
 *
 * Return: true if the folio was clean before.
 */
bool folio_mark_dirty(struct folio *folio)
{
	struct address_space *mapping = folio_mapping_space(folio);

	if (mapping && mapping->a_ops && mapping->a_ops->dirty_folio)
		return mapping->a_ops->dirty_folio(mapping, folio);
	if (!test_and_set_bit(PG_dirty, &folio->flags)) {
		trace_page_event(folio_pfn(folio), PE_DIRTY, 0);
		return true;
	}
	return false;
}

bool set_page_dirty(struct page *page)
{
	return folio_mark_dirty(page_folio(page));
}

/**
 * set_page_dirty_lock() - dirty @page's folio under the folio lock.
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
 *
 * Return: true if the folio was dirty (and so must be written).
 */
bool folio_clear_dirty_for_io(struct folio *folio)
{
	return test_and_clear_bit(PG_dirty, &folio->flags);
}
