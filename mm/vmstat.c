// SPDX-License-Identifier: GPL-2.0
/*
 * mm/vmstat.c - the machine's counters under their /proc/vmstat names.
 *
 * Models mm/vmstat.c for one node: node_page_state() and the name table.
 * Counters are relaxed atomics (the kernel's per-cpu deltas folded on read
 * would buy nothing at two cores). Names starting with pinio_ are the
 * simulation's own and have no /proc/vmstat twin.
 */
#include <string.h>
#include "mm/internal.h"

static atomic_long_t vm_stat[NR_VM_STAT_ITEMS];

static const char *const vmstat_text[NR_VM_STAT_ITEMS] = {
	[NR_FOLL_PIN_ACQUIRED]	= "nr_foll_pin_acquired",
	[NR_FOLL_PIN_RELEASED]	= "nr_foll_pin_released",
	[NR_ANON_MAPPED]	= "nr_mapped_anon",
	[NR_FILE_MAPPED]	= "nr_mapped",
	[NR_PAGETABLE]		= "nr_page_table_pages",
	[NR_FREE_PAGES]		= "nr_free_pages",
	[NR_ANON_THPS]		= "nr_anon_transparent_hugepages",
	[NR_DIRTIED]		= "nr_dirtied",
	[NR_WRITTEN]		= "nr_written",
	[PGFAULT]		= "pgfault",
	[PGALLOC]		= "pgalloc_normal",
	[PGFREE]		= "pgfree",
	[THP_FAULT_ALLOC]	= "thp_fault_alloc",
	[THP_SPLIT_PMD]		= "thp_split_pmd",
	[COW_FAULT]		= "pinio_cow_faults",
	[COW_FORK_COPY]		= "pinio_fork_copied_pinned",
	[ZERO_PAGE_PIN]		= "pinio_zero_page_pins",
	[ZERO_PAGE_UNPIN]	= "pinio_zero_page_unpins",
	[GUP_FAST_PAGES]	= "pinio_gup_fast_pages",
	[GUP_SLOW_PAGES]	= "pinio_gup_slow_pages",
	[GUP_FAST_FALLBACK]	= "pinio_gup_fast_fallback",
	[FOLL_GET_ACQUIRED]	= "pinio_foll_get_acquired",
};

void mod_node_page_state(enum node_stat_item item, long delta)
{
	atomic_long_add(delta, &vm_stat[item]);
}

long node_page_state(enum node_stat_item item)
{
	if (item == NR_FREE_PAGES)
		return (long)nr_free_frames();
	return atomic_long_read(&vm_stat[item]);
}

const char *vmstat_name(enum node_stat_item item)
{
	return item < NR_VM_STAT_ITEMS ? vmstat_text[item] : NULL;
}

void vmstat_reset(void)
{
	int i;

	for (i = 0; i < NR_VM_STAT_ITEMS; i++)
		atomic_long_set(&vm_stat[i], 0);
}

/**
 * sim_vmstat() - read a counter by its /proc/vmstat name.
 * @name: e.g. "nr_foll_pin_acquired".
 *
 * Return: the value (counters are unsigned in /proc/vmstat), 0 if unknown.
 */
unsigned long sim_vmstat(const char *name)
{
	int i;

	for (i = 0; i < NR_VM_STAT_ITEMS; i++)
		if (!strcmp(name, vmstat_text[i]))
			return (unsigned long)node_page_state(i);
	return 0;
}

void sim_vmstat_foreach(void (*fn)(const char *name, unsigned long val, void *arg), void *arg)
{
	int i;

	for (i = 0; i < NR_VM_STAT_ITEMS; i++)
		fn(vmstat_text[i], (unsigned long)node_page_state(i), arg);
}
