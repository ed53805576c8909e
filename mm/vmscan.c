// SPDX-License-Identifier: GPL-2.0
/*
 * mm/vmscan.c - reclaiming page-cache memory: writeback of dirty file
 * folios and eviction of clean ones when free memory runs low.
 *
 * Models the file half of mm/vmscan.c (v6.5) without LRU lists or zones:
 * every address_space with a page cache is on one list, and reclaim walks
 * their indexes in order. A folio is skipped, as shrink_folio_list() skips
 * it, while it is locked (trylock only), under writeback, mapped into a
 * page table (the kernel would try_to_unmap() it; here mapped folios stay),
 * possibly DMA-pinned (folio_maybe_dma_pinned(): the kernel leaves pinned
 * folios alone, R-WB-2), or referenced by anyone but the cache and reclaim
 * itself (a pipe buffer, a bio, a reader). A dirty folio is written with
 * a_ops->writepage first (pageout(); the kernel leaves that to kswapd and
 * the flushers, the simulation does it in the reclaiming thread) and then
 * evicted if it came back clean.
 *
 * Memory pressure: pressure_reclaim() runs from page-cache allocations
 * whose caller may reclaim (FGP_RECLAIM) when free frames are below the
 * low watermark, and reclaims up to the high one. sim_reclaim() runs it on
 * demand. Watermarks: low = 1/64 of memory, high = 2 x low, or what
 * sim_set_watermarks() says. Left out: anonymous memory and swap, the
 * referenced bit and active/inactive aging, shadow entries.
 */
#include <sched.h>
#include <pinio/pagemap.h>
#include <pinio/sim.h>
#include "mm/internal.h"

#define RECLAIM_BATCH	16

/*
 * reclaim_list_lock guards the list and each mapping's reclaim_busy, and is
 * held only briefly (mapping_init() runs under filesystem locks that
 * writepage takes). reclaim_run_lock makes one reclaimer run at a time.
 */
static pthread_mutex_t reclaim_list_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t reclaim_run_lock = PTHREAD_MUTEX_INITIALIZER;
static LIST_HEAD(reclaim_mappings);
static unsigned long wmark_low, wmark_high;	/* 0: the default */
static __thread bool in_reclaim;		/* PF_MEMALLOC */

/**
 * mapping_reclaim_register() - put @mapping on reclaim's list (mapping_init()).
 * @mapping: a new address_space.
 */
void mapping_reclaim_register(struct address_space *mapping)
{
	pthread_mutex_lock(&reclaim_list_lock);
	mapping->reclaim_busy = 0;
	list_add_tail(&mapping->reclaim_link, &reclaim_mappings);
	pthread_mutex_unlock(&reclaim_list_lock);
}

/**
 * mapping_reclaim_unregister() - take @mapping off reclaim's list.
 * @mapping: an address_space going away (mapping_destroy()).
 *
 * Context: waits for a reclaim walking @mapping to leave it.
 */
void mapping_reclaim_unregister(struct address_space *mapping)
{
	pthread_mutex_lock(&reclaim_list_lock);
	while (mapping->reclaim_busy) {
		pthread_mutex_unlock(&reclaim_list_lock);
		sched_yield();
		pthread_mutex_lock(&reclaim_list_lock);
	}
	list_del(&mapping->reclaim_link);
	pthread_mutex_unlock(&reclaim_list_lock);
}

static unsigned long low_wmark(void)
{
	return wmark_low ? wmark_low : max_t(unsigned long, max_pfn / 64, 16);
}

static unsigned long high_wmark(void)
{
	return wmark_high ? wmark_high : 2 * low_wmark();
}

/*
 * Try to evict @folio (we hold a reference): return its pages if it left
 * the cache, 0 if it was skipped.
 */
static unsigned long reclaim_folio(struct address_space *mapping, struct folio *folio,
				   bool may_writepage)
{
	unsigned long nr = (unsigned long)folio_nr_pages(folio);

	if (!folio_trylock(folio))
		return 0;
	if (folio->mapping != mapping || folio_test_writeback(folio) || folio_mapped(folio))
		goto keep;
	if (folio_maybe_dma_pinned(folio)) {
		count_vm_event(RECLAIM_SKIP_PINNED);
		goto keep;
	}
	if (folio_test_dirty(folio)) {
		if (!may_writepage || folio_write_one(folio) || folio_test_dirty(folio))
			goto keep;
		mod_node_page_state(NR_VMSCAN_WRITE, (long)nr);
	}
	/* Only the cache's reference and ours, checked with lookups locked out. */
	if (!filemap_remove_folio_unused(mapping, folio))
		goto keep;
	folio_unlock(folio);
	mod_node_page_state(PGSTEAL, (long)nr);
	return nr;
keep:
	folio_unlock(folio);
	return 0;
}

static unsigned long shrink_mapping(struct address_space *mapping, unsigned long nr_to_reclaim,
				    bool may_writepage)
{
	struct folio *batch[RECLAIM_BATCH];
	unsigned long next = 0, freed = 0;
	size_t n, i;

	while (freed < nr_to_reclaim) {
		n = pc_gang_lookup_range(mapping, next, ULONG_MAX, batch, RECLAIM_BATCH, &next);
		if (!n)
			break;
		for (i = 0; i < n; i++) {
			if (freed < nr_to_reclaim)
				freed += reclaim_folio(mapping, batch[i], may_writepage);
			folio_put(batch[i]);
		}
		if (!next)
			break;
	}
	return freed;
}

static unsigned long __shrink_page_cache(unsigned long nr_to_reclaim, bool may_writepage)
{
	struct list_head *pos;
	unsigned long freed = 0;

	in_reclaim = true;
	pthread_mutex_lock(&reclaim_list_lock);
	for (pos = reclaim_mappings.next; pos != &reclaim_mappings && freed < nr_to_reclaim;
	     pos = pos->next) {
		struct address_space *mapping = list_entry(pos, struct address_space, reclaim_link);

		if (!READ_ONCE(mapping->nrpages))
			continue;
		/* Busy: mapping_destroy() waits, so it stays on the list. */
		mapping->reclaim_busy++;
		pthread_mutex_unlock(&reclaim_list_lock);
		freed += shrink_mapping(mapping, nr_to_reclaim - freed, may_writepage);
		pthread_mutex_lock(&reclaim_list_lock);
		mapping->reclaim_busy--;
	}
	pthread_mutex_unlock(&reclaim_list_lock);
	in_reclaim = false;
	return freed;
}

/**
 * shrink_page_cache() - reclaim up to @nr_to_reclaim page-cache pages.
 * @nr_to_reclaim: pages wanted.
 * @may_writepage: write dirty folios back first (else skip them).
 *
 * Context: any thread that holds no folio lock; returns at once if another
 * reclaim runs or this thread is reclaiming already. Takes no pin.
 * Return: pages evicted.
 */
unsigned long shrink_page_cache(unsigned long nr_to_reclaim, bool may_writepage)
{
	unsigned long freed;

	if (in_reclaim)
		return 0;
	/* The pressure path must not wait for another reclaimer. */
	if (pthread_mutex_trylock(&reclaim_run_lock))
		return 0;
	freed = __shrink_page_cache(nr_to_reclaim, may_writepage);
	pthread_mutex_unlock(&reclaim_run_lock);
	return freed;
}

/**
 * pressure_reclaim() - reclaim up to the high watermark if an allocation
 * of @nr_pages would leave free frames below the low one.
 * @nr_pages: what the caller is about to allocate.
 *
 * Context: as shrink_page_cache(); called for FGP_RECLAIM allocations.
 */
void pressure_reclaim(unsigned long nr_pages)
{
	unsigned long free = nr_free_frames(), high = high_wmark();

	if (in_reclaim || free >= low_wmark() + nr_pages)
		return;
	count_vm_event(PRESSURE_RECLAIM);
	shrink_page_cache(high + nr_pages - free, true);
}

/**
 * sim_reclaim() - reclaim page-cache memory now, as memory pressure would.
 * @nr_pages: pages to free at most (0: every folio that can go).
 * @may_writepage: write dirty folios back first (else skip them).
 *
 * Waits for a reclaim already running. Return: pages evicted.
 */
unsigned long sim_reclaim(unsigned long nr_pages, bool may_writepage)
{
	unsigned long freed;

	if (in_reclaim)
		return 0;
	pthread_mutex_lock(&reclaim_run_lock);
	freed = __shrink_page_cache(nr_pages ? nr_pages : ULONG_MAX, may_writepage);
	pthread_mutex_unlock(&reclaim_run_lock);
	return freed;
}

/**
 * sim_set_watermarks() - free-frame watermarks of pressure reclaim.
 * @low: below this many free frames a page-cache allocation reclaims.
 * @high: reclaim goes on until this many are free (>= @low).
 * Both 0: back to the defaults (1/64 of memory, twice that).
 * Return: 0, -EINVAL.
 */
int sim_set_watermarks(unsigned long low, unsigned long high)
{
	if (high < low || (!low) != (!high))
		return -EINVAL;
	wmark_low = low;
	wmark_high = high;
	return 0;
}
