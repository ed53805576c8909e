// SPDX-License-Identifier: GPL-2.0
/*
 * mm/vmstat.c - the machine's counters under their /proc/vmstat names.
 *
 * Models mm/vmstat.c for one node: node_page_state() and the name table,
 * with per-thread deltas summed on read (the kernel's per-cpu counters). Names starting with pinio_ are the
 * simulation's own and have no /proc/vmstat twin.
 */
#include <stdlib.h>
#include <string.h>
#include "mm/internal.h"

/*
 * Per-thread deltas, like the kernel's per-cpu vm_stat_diff: the owner
 * thread updates its own counters with plain (relaxed, non-RMW) stores, so
 * the hot paths (a pin bumps nr_foll_pin_acquired) cost no locked
 * instruction; readers sum every live thread's deltas plus what exited
 * threads folded into vm_stat_folded.
 */
struct vm_stat_local {
	long v[NR_VM_STAT_ITEMS];
	struct list_head list;
};

static atomic_long_t vm_stat_folded[NR_VM_STAT_ITEMS];
static LIST_HEAD(vm_stat_threads);
static pthread_mutex_t vm_stat_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t vm_stat_once = PTHREAD_ONCE_INIT;
static pthread_key_t vm_stat_key;
__thread long *vm_stat_this_v;	/* this thread's ->v, see vmstat.h */

static void vm_stat_thread_exit(void *arg)
{
	struct vm_stat_local *l = arg;
	int i;

	pthread_mutex_lock(&vm_stat_lock);
	for (i = 0; i < NR_VM_STAT_ITEMS; i++)
		atomic_long_add(__atomic_load_n(&l->v[i], __ATOMIC_RELAXED), &vm_stat_folded[i]);
	list_del(&l->list);
	pthread_mutex_unlock(&vm_stat_lock);
	vm_stat_this_v = NULL;	/* runs on the exiting thread */
	free(l);
}

static void vm_stat_key_init(void)
{
	pthread_key_create(&vm_stat_key, vm_stat_thread_exit);
}

static __attribute__((noinline)) struct vm_stat_local *vm_stat_register(void)
{
	struct vm_stat_local *l = calloc(1, sizeof(*l));

	BUG_ON(!l);
	pthread_once(&vm_stat_once, vm_stat_key_init);
	pthread_mutex_lock(&vm_stat_lock);
	list_add(&l->list, &vm_stat_threads);
	pthread_mutex_unlock(&vm_stat_lock);
	pthread_setspecific(vm_stat_key, l);
	vm_stat_this_v = l->v;
	return l;
}

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
	[PINS_OUTSTANDING]	= "pinio_pins_outstanding",
	[FOLIO_ADD_PIN]		= "pinio_folio_add_pins",
	[BIO_MERGES]		= "pinio_bio_merges",
	[BOUNCE_COPIES]		= "pinio_bounce_copies",
	[THP_SPLIT_PAGE]	= "thp_split_page",
	[PGSTEAL]		= "pgsteal_file",
	[NR_VMSCAN_WRITE]	= "nr_vmscan_write",
	[RECLAIM_SKIP_PINNED]	= "pinio_reclaim_skipped_pinned",
	[PRESSURE_RECLAIM]	= "pinio_pressure_reclaims",
};

/**
 * __mod_node_page_state_register() - mod_node_page_state() on a thread's
 * first update: register its counter array, then add.
 * @item: the counter.
 * @delta: what to add (may be negative).
 */
void __mod_node_page_state_register(enum node_stat_item item, long delta)
{
	struct vm_stat_local *l = vm_stat_register();

	__atomic_store_n(&l->v[item], __atomic_load_n(&l->v[item], __ATOMIC_RELAXED) + delta,
			 __ATOMIC_RELAXED);
}

/**
 * node_page_state() - read one counter of the (single) node.
 * @item: the counter.
 *
 * Sums what exited threads folded in and every live thread's deltas, as
 * the kernel sums its per-cpu diffs; NR_FREE_PAGES is read from the buddy
 * allocator instead. Updates racing with the read may or may not be in
 * the sum, and a thread's delta can be negative (a pin taken on one thread
 * and dropped on another), so only the total means anything.
 *
 * Context: any thread; takes vm_stat_lock, does not sleep for long.
 * Return: the counter's value.
 */
long node_page_state(enum node_stat_item item)
{
	struct vm_stat_local *l;
	long sum;

	if (item == NR_FREE_PAGES)
		return (long)nr_free_frames();
	pthread_mutex_lock(&vm_stat_lock);
	sum = atomic_long_read(&vm_stat_folded[item]);
	list_for_each_entry(l, &vm_stat_threads, list)
		sum += __atomic_load_n(&l->v[item], __ATOMIC_RELAXED);
	pthread_mutex_unlock(&vm_stat_lock);
	return sum;
}

/**
 * vmstat_name() - the /proc/vmstat name of a counter.
 * @item: the counter.
 *
 * Names starting with "pinio_" are the simulation's own counters and have
 * no /proc/vmstat twin.
 *
 * Return: a static string, or NULL if @item is out of range.
 */
const char *vmstat_name(enum node_stat_item item)
{
	return item < NR_VM_STAT_ITEMS ? vmstat_text[item] : NULL;
}

/**
 * vmstat_reset() - set every counter back to zero.
 *
 * Clears the folded totals and every registered thread's deltas. A thread
 * updating a counter meanwhile could lose the reset of that counter (its
 * updates are plain stores), which is why only sim_boot() calls this,
 * before any other thread of the machine runs.
 *
 * Context: boot; takes vm_stat_lock.
 */
void vmstat_reset(void)
{
	struct vm_stat_local *l;
	int i;

	pthread_mutex_lock(&vm_stat_lock);
	for (i = 0; i < NR_VM_STAT_ITEMS; i++) {
		atomic_long_set(&vm_stat_folded[i], 0);
		list_for_each_entry(l, &vm_stat_threads, list)
			__atomic_store_n(&l->v[i], 0, __ATOMIC_RELAXED);
	}
	pthread_mutex_unlock(&vm_stat_lock);
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

/**
 * sim_vmstat_foreach() - visit every counter with its name and value.
 * @fn: called once per counter, in enum node_stat_item order, with the
 *	/proc/vmstat name, the value read by node_page_state() (as unsigned,
 *	as /proc/vmstat prints it), and @arg.
 * @arg: passed through to @fn.
 *
 * Each counter is read separately, so the set is not a snapshot if other
 * threads are counting.
 *
 * Context: any thread; @fn runs without any vmstat lock held.
 */
void sim_vmstat_foreach(void (*fn)(const char *name, unsigned long val, void *arg), void *arg)
{
	int i;

	for (i = 0; i < NR_VM_STAT_ITEMS; i++)
		fn(vmstat_text[i], (unsigned long)node_page_state(i), arg);
}
