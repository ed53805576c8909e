// SPDX-License-Identifier: GPL-2.0
/*
 * mm/filemap.c - the folio lock.
 *
 * Models folio_lock()/folio_unlock() of mm/filemap.c as a bit lock on
 * PG_locked; waiters yield instead of sleeping on a wait queue. The page
 * cache itself arrives with the filesystem layer.
 */
#include <sched.h>
#include "mm/internal.h"

bool folio_trylock(struct folio *folio)
{
	return !test_and_set_bit(PG_locked, &folio->flags);
}

void folio_lock(struct folio *folio)
{
	while (!folio_trylock(folio))
		sched_yield();
}

void folio_unlock(struct folio *folio)
{
	VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio);
	clear_bit(PG_locked, &folio->flags);
}
