// SPDX-License-Identifier: GPL-2.0
/*
 * sim/boot.c - booting and shutting down the simulated machine, its
 * configuration, and the leak ledger the test runner compares.
 *
 * Boot order: the page-checks switch (sim_config.no_page_checks) and the
 * page-poisoning switch (sim_config.no_page_poison), physical
 * memory and the buddy allocator, the per-frame event rings (written only
 * with page checks), GUP's shadow pin counts (kept only with page checks),
 * the zero pages (and the huge zero folio with THP), then task 1, made
 * current for the booting host thread.
 * Shutdown deletes every disk (draining its I/O, so no DMA outlives the
 * memory), exits every task and reports every object still alive with its
 * owner before giving the memory back.
 */
#include <stdio.h>
#include <string.h>
#include <pinio/trace.h>
#include <pinio/fault-inject.h>
#include "mm/internal.h"
#include "sim/sim.h"
#include "block/blk.h"
#include "drivers/block/dma.h"

enum sim_profile pinio_profile;
static bool booted;
static struct sim_config boot_cfg;

/**
 * sim_booted() - is the simulated machine up?
 *
 * Context: any thread; a plain read, meaningful where boot and shutdown
 * cannot run concurrently (the usual case: one host thread drives them).
 * Return: true between a successful sim_boot() and sim_shutdown().
 */
bool sim_booted(void)
{
	return booted;
}

/**
 * sim_get_config() - the configuration the machine booted with.
 *
 * The copy taken by sim_boot(), with its defaults filled in (memory size,
 * zero pages, ...), not the caller's original struct.
 *
 * Return: the configuration (valid until sim_shutdown()), or NULL when the
 * machine is not booted.
 */
const struct sim_config *sim_get_config(void)
{
	return booted ? &boot_cfg : NULL;
}

/**
 * sim_profile() - the kernel version whose behaviour the machine follows.
 *
 * Set by sim_boot() from sim_config.profile; it selects, for example,
 * whether pins on the zero page are counted and how bios drop their pages
 * (FOLL_GET in v6.4, BIO_PAGE_PINNED in v6.5). Not reset by
 * sim_shutdown().
 *
 * Return: the profile of the current (or last) boot; SIM_PROFILE_V6_5
 * before the first.
 */
enum sim_profile sim_profile(void)
{
	return pinio_profile;
}

static bool is_power_of_2(unsigned long n)
{
	return n && !(n & (n - 1));
}

int sim_boot(const struct sim_config *cfg)
{
	struct sim_config c = { 0 };
	struct task_struct *init;
	int err;

	if (booted)
		return -EBUSY;
	if (cfg)
		c = *cfg;
	if (!c.mem_bytes)
		c.mem_bytes = SIM_DEFAULT_MEM_BYTES;
	if (!c.nr_zero_pages)
		c.nr_zero_pages = 1;
	sim_set_watermarks(0, 0);	/* reclaim's defaults for the new memory size */
	if (c.mem_bytes < (8UL << 20) || (c.mem_bytes & ~PAGE_MASK) ||
	    c.mem_bytes > (64UL << 30))
		return -EINVAL;
	if (!is_power_of_2(c.nr_zero_pages) || c.nr_zero_pages > SIM_MAX_ZERO_PAGES)
		return -EINVAL;
	if (c.profile != SIM_PROFILE_V6_5 && c.profile != SIM_PROFILE_V6_4 &&
	    c.profile != SIM_PROFILE_V21)
		return -EINVAL;

	/* Before the rings and the shadow counts, which exist only with it. */
	__atomic_store_n(&pinio_page_checks, !c.no_page_checks, __ATOMIC_RELAXED);
	__atomic_store_n(&pinio_page_poison, !c.no_page_poison, __ATOMIC_RELAXED);
	err = mem_init(c.mem_bytes);
	if (err)
		goto out_checks;
	err = trace_init(max_pfn);
	if (err)
		goto out_mem;
	err = gup_init(max_pfn);
	if (err)
		goto out_trace;
	vmstat_reset();
	pinio_profile = c.profile;
	pinio_thp_enabled = c.thp;
	err = zero_pages_init(c.nr_zero_pages, c.thp);
	if (err)
		goto out_gup;
	boot_cfg = c;
	booted = true;
	init = sim_task_create();
	if (!init) {
		sim_shutdown();
		return -ENOMEM;
	}
	sim_task_switch(init);
	return 0;

out_gup:
	gup_exit();
out_trace:
	trace_exit();
out_mem:
	mem_exit();
out_checks:
	__atomic_store_n(&pinio_page_checks, true, __ATOMIC_RELAXED);
	__atomic_store_n(&pinio_page_poison, true, __ATOMIC_RELAXED);
	return err;
}

/* Print every folio still allocated (boot reservations excluded). */
static long report_leaked_folios(void)
{
	unsigned long pfn = 0;
	long leaks = 0;

	while (pfn < max_pfn) {
		struct page *page = pfn_to_page(pfn);
		struct folio *folio;

		if (test_bit(PG_buddy, &page->flags)) {
			pfn += 1UL << page->private;
			continue;
		}
		folio = (struct folio *)page;
		if (!is_zero_folio(folio) && folio != huge_zero_folio) {
			leaks++;
			fprintf(stderr, "pinio: leak: pfn %lu order %u owner %s site %s refcount %d%s\n",
				pfn, folio_order(folio), page_owner_name(folio->owner),
				page_owner_site(pfn), folio_ref_count(folio),
				folio_maybe_dma_pinned(folio) ? " (pinned)" : "");
			if (leaks <= 8)
				trace_page_history(stderr, pfn, "    ");
		}
		pfn += folio_nr_pages(folio);
	}
	return leaks;
}

long sim_shutdown(void)
{
	long leaks, pins;

	if (!booted)
		return 0;
	leaks = sim_fs_shutdown();
	if (leaks)
		fprintf(stderr, "pinio: leak: %ld filesystems still mounted with open files\n", leaks);
	sim_block_shutdown();
	bio_dirty_exit();
	sim_tasks_exit_all();
	leaks += report_leaked_folios();
	pins = mm_pins_outstanding();
	if (pins) {
		fprintf(stderr, "pinio: leak: %ld pins still outstanding\n", pins);
		leaks += pins > 0 ? pins : -pins;
	}
	if (nr_live_bios()) {
		fprintf(stderr, "pinio: leak: %ld bios still allocated\n", nr_live_bios());
		leaks += nr_live_bios();
	}
	if (blk_nr_live_disks()) {
		fprintf(stderr, "pinio: leak: %ld disks still open\n", blk_nr_live_disks());
		leaks += blk_nr_live_disks();
	}
	if (nr_live_mms()) {
		fprintf(stderr, "pinio: leak: %ld mm_structs still alive\n", nr_live_mms());
		leaks += nr_live_mms();
	}
	if (!leaks)
		zero_pages_exit();
	/* With leaks, memory is not handed back piecemeal: it all goes at once. */
	gup_exit();
	trace_exit();
	mem_exit();
	sim_fault_reset();
	/* The defaults again for whatever runs next without a boot. */
	__atomic_store_n(&pinio_page_checks, true, __ATOMIC_RELAXED);
	__atomic_store_n(&pinio_page_poison, true, __ATOMIC_RELAXED);
	booted = false;
	return leaks;
}

/**
 * sim_ledger_read() - read the leak ledger of the running machine.
 * @l: filled in; all zero when the machine is not booted.
 *
 * Counts the live folios, outstanding pins on non-zero folios, references
 * and pins held on the zero pages and the huge zero folio, live bios and
 * mm_structs, and violations reported so far. The test runner reads it
 * before and after every case and fails a case that changed it. The
 * fields are read one by one, without a lock: read it when no I/O is in
 * flight for a consistent picture.
 */
void sim_ledger_read(struct sim_ledger *l)
{
	unsigned int i;

	memset(l, 0, sizeof(*l));
	if (!booted)
		return;
	l->live_folios = atomic_long_read(&nr_live_folios);
	l->pins = mm_pins_outstanding();
	for (i = 0; i < nr_zero_pages(); i++)
		l->zero_refs += page_ref_count(pfn_to_page(zero_pfn + i));
	if (huge_zero_folio) {
		l->zero_refs += folio_ref_count(huge_zero_folio);
		l->zero_pins = atomic_read(&huge_zero_folio->_pincount);
	}
	l->live_bios = nr_live_bios();
	l->live_mms = nr_live_mms();
	l->violations = atomic_long_read(&nr_violations);
}

/**
 * sim_nr_frames() - the number of physical page frames (max_pfn).
 *
 * Return: the frame count of the booted machine, 0 when it is not booted.
 */
unsigned long sim_nr_frames(void)
{
	return max_pfn;
}

/**
 * sim_nr_free_frames() - page frames free in the buddy allocator now.
 *
 * Context: any thread; the answer may be stale at once.
 * Return: the number of free frames.
 */
unsigned long sim_nr_free_frames(void)
{
	return nr_free_frames();
}
