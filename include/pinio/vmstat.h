/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinio/vmstat.h - the machine's event and state counters, under the names
 * /proc/vmstat uses (include/linux/mmzone.h node_stat_item and
 * vm_event_item). One node; counters are per thread and summed on read,
 * like the kernel's per-cpu counters. Names with a pinio_ prefix are the
 * simulation's own and have no kernel twin.
 */
#ifndef PINIO_VMSTAT_H
#define PINIO_VMSTAT_H

#include <pinio/compiler.h>

enum node_stat_item {
	NR_FOLL_PIN_ACQUIRED,	/* nr_foll_pin_acquired */
	NR_FOLL_PIN_RELEASED,	/* nr_foll_pin_released */
	NR_ANON_MAPPED,		/* nr_mapped_anon (pages) */
	NR_FILE_MAPPED,		/* nr_mapped */
	NR_PAGETABLE,		/* nr_page_table_pages */
	NR_FREE_PAGES,		/* nr_free_pages */
	NR_ANON_THPS,		/* nr_anon_transparent_hugepages */
	NR_DIRTIED,		/* nr_dirtied */
	NR_WRITTEN,		/* nr_written */
	PGFAULT,		/* pgfault */
	PGALLOC,		/* pgalloc_normal */
	PGFREE,			/* pgfree */
	THP_FAULT_ALLOC,	/* thp_fault_alloc */
	THP_SPLIT_PMD,		/* thp_split_pmd */
	COW_FAULT,		/* pinio_cow_faults */
	COW_FORK_COPY,		/* pinio_fork_copied_pinned (R-COW-2 copies) */
	ZERO_PAGE_PIN,		/* pinio_zero_page_pins: pins that only pretended */
	ZERO_PAGE_UNPIN,	/* pinio_zero_page_unpins */
	GUP_FAST_PAGES,		/* pinio_gup_fast_pages */
	GUP_SLOW_PAGES,		/* pinio_gup_slow_pages */
	GUP_FAST_FALLBACK,	/* pinio_gup_fast_fallback */
	FOLL_GET_ACQUIRED,	/* pinio_foll_get_acquired */
	PINS_OUTSTANDING,	/* pinio_pins_outstanding: pins held on non-zero folios */
	FOLIO_ADD_PIN,		/* pinio_folio_add_pins: folio_add_pin() on non-zero folios */
	BIO_MERGES,		/* pinio_bio_merges: fragments merged into a bio's last bvec */
	BOUNCE_COPIES,		/* pinio_bounce_copies: blk-map bounce bios (copy, not map) */
	THP_SPLIT_PAGE,		/* thp_split_page: large folios split */
	PGSTEAL,		/* pgsteal_file: page-cache pages evicted by reclaim */
	NR_VMSCAN_WRITE,	/* nr_vmscan_write: pages reclaim wrote back */
	RECLAIM_SKIP_PINNED,	/* pinio_reclaim_skipped_pinned: maybe-pinned folios kept */
	PRESSURE_RECLAIM,	/* pinio_pressure_reclaims: runs below the low watermark */
	NR_VM_STAT_ITEMS,
};

/*
 * This thread's counter deltas (NULL until its first update). The update
 * is inline: the hot paths (a pin, an unpin) add with one plain relaxed
 * load and store on the thread's own array, no call and no locked
 * instruction; readers sum every thread's array (mm/vmstat.c).
 */
extern __thread long *vm_stat_this_v;
void __mod_node_page_state_register(enum node_stat_item item, long delta);

/**
 * mod_node_page_state() - add @delta to counter @item on this thread.
 * @item: the counter.
 * @delta: the amount to add (may be negative).
 */
static inline void mod_node_page_state(enum node_stat_item item, long delta)
{
	long *v = vm_stat_this_v;

	if (unlikely(!v)) {
		__mod_node_page_state_register(item, delta);
		return;
	}
	__atomic_store_n(&v[item], __atomic_load_n(&v[item], __ATOMIC_RELAXED) + delta,
			 __ATOMIC_RELAXED);
}
static inline void inc_node_page_state(enum node_stat_item item) { mod_node_page_state(item, 1); }
static inline void count_vm_event(enum node_stat_item item) { mod_node_page_state(item, 1); }
long node_page_state(enum node_stat_item item);
const char *vmstat_name(enum node_stat_item item);
void vmstat_reset(void);

#endif /* PINIO_VMSTAT_H */
