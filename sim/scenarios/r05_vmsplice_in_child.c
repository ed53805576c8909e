// SPDX-License-Identifier: GPL-2.0
/*
 * R05, vmsplice in the child (scenarios.md §6, bug B3, CVE-2020-29374;
 * selftests/mm/cow.c "vmsplice() + unmap in child"). vmsplice() pins the
 * pages it puts in a pipe R/O; the pipe stands here as that R/O pin, since
 * the simulation has no pipes yet.
 *
 *   parent fills P with 'A' -> fork -> child R/O-pins P (the pipe) and
 *   unmaps -> parent [mprotect RO->RW] writes 'B' -> child reads the pipe
 *
 * A R/O pin of a COW-shared anonymous page must unshare it first
 * (gup_must_unshare), or the pipe keeps a page the parent then takes over
 * and writes: the child would read the parent's later data. Also the
 * reverse: the parent pins before fork and the child writes. Expect the
 * old data through every pin, in both directions, on every profile (the
 * COW fix predates v6.4).
 */
#include <stdlib.h>

#include "sim/scenarios/scen.h"

#define R05_PAGES	4
#define R05_LEN		(R05_PAGES * PAGE_SIZE)

static bool r05_pages_are(struct page **pages, int c)
{
	int i;

	for (i = 0; i < R05_PAGES; i++)
		if (!scen_mem_is(page_address(pages[i]), c, PAGE_SIZE))
			return false;
	return true;
}

/* Variant 1 (and 2 with @mprotect): the child pins, the parent writes. */
static void r05_child_pins(struct sim_scenario_ctx *ctx, bool mprotect)
{
	struct task_struct *parent = sim_current(), *child;
	struct page *pages[R05_PAGES];
	unsigned long addr;
	long ret;

	scen_step(ctx, "parent: %d pages of 'A'; fork%s", R05_PAGES,
		  mprotect ? " (variant: parent does mprotect RO->RW after)" : "");
	addr = scen_mmap_small(ctx, R05_LEN);
	if (!addr || !scen_fill(ctx, addr, 'A', R05_LEN))
		goto out_unmap;
	child = sim_fork();
	if (IS_ERR_OR_NULL(child)) {
		scen_expect(ctx, false, "sim_fork() = %ld", PTR_ERR(child));
		goto out_unmap;
	}
	scen_counter(ctx, "pinio_cow_faults", (long)sim_vmstat("pinio_cow_faults"));

	scen_step(ctx, "child: vmsplice = R/O pin of the %d pages, then munmap", R05_PAGES);
	sim_task_switch(child);
	ret = pin_user_pages_fast(addr, R05_PAGES, 0, pages);
	scen_expect_eq(ctx, ret, R05_PAGES, "the child's R/O pins");
	if (ret == R05_PAGES)
		scen_expect(ctx, pages[0] != scen_page_at(parent->mm, addr),
			    "the pin unshared: the pipe holds the child's own copy, "
			    "not the parent's page");
	scen_munmap(ctx, addr, R05_LEN);
	sim_task_switch(parent);
	scen_counter(ctx, "pinio_cow_faults", (long)sim_vmstat("pinio_cow_faults"));
	if (ret != R05_PAGES) {
		/* A short count (an injected failure): drop the pins that were taken. */
		if (ret > 0)
			unpin_user_pages(pages, (unsigned long)ret);
		goto out_child;
	}

	scen_step(ctx, "parent:%s writes 'B'", mprotect ? " mprotect RO then RW," : "");
	if (mprotect) {
		sim_mprotect(addr, R05_LEN, PROT_READ);
		sim_mprotect(addr, R05_LEN, PROT_READ | PROT_WRITE);
	}
	scen_fill(ctx, addr, 'B', R05_LEN);

	scen_step(ctx, "child reads the pipe");
	scen_expect(ctx, r05_pages_are(pages, 'A'), "the pipe holds 'A': no leak from parent into child");
	scen_expect(ctx, scen_user_is(addr, 'B', R05_LEN), "the parent sees its 'B'");
	unpin_user_pages(pages, R05_PAGES);
out_child:
	sim_task_exit(child);
out_unmap:
	scen_munmap(ctx, addr, R05_LEN);
}

/* Variant 3: the parent pins before fork, the child writes. */
static void r05_parent_pins(struct sim_scenario_ctx *ctx)
{
	struct task_struct *parent = sim_current(), *child;
	struct page *pages[R05_PAGES];
	unsigned long addr;
	long ret;

	scen_step(ctx, "parent: %d pages of 'A', R/O-pins them (the pipe), then forks", R05_PAGES);
	addr = scen_mmap_small(ctx, R05_LEN);
	if (!addr || !scen_fill(ctx, addr, 'A', R05_LEN))
		goto out_unmap;
	ret = pin_user_pages_fast(addr, R05_PAGES, 0, pages);
	if (!scen_expect_eq(ctx, ret, R05_PAGES, "the parent's R/O pins")) {
		if (ret > 0)
			unpin_user_pages(pages, (unsigned long)ret);
		goto out_unmap;
	}
	scen_counter(ctx, "pinio_fork_copied_pinned", (long)sim_vmstat("pinio_fork_copied_pinned"));
	child = sim_fork();
	if (IS_ERR_OR_NULL(child)) {
		scen_expect(ctx, false, "sim_fork() = %ld", PTR_ERR(child));
		unpin_user_pages(pages, R05_PAGES);
		goto out_unmap;
	}
	scen_counter(ctx, "pinio_fork_copied_pinned", (long)sim_vmstat("pinio_fork_copied_pinned"));

	scen_step(ctx, "child writes 'B'; parent unmaps and reads the pipe");
	sim_task_switch(child);
	scen_fill(ctx, addr, 'B', R05_LEN);
	scen_expect(ctx, scen_page_at(child->mm, addr) != pages[0],
		    "the child never maps the pinned page");
	sim_task_switch(parent);
	scen_munmap(ctx, addr, R05_LEN);
	addr = 0;
	scen_expect(ctx, r05_pages_are(pages, 'A'), "the pipe holds 'A': no leak from child into parent");
	unpin_user_pages(pages, R05_PAGES);
	sim_task_exit(child);
out_unmap:
	scen_munmap(ctx, addr, R05_LEN);
}

/**
 * scen_r05_vmsplice_in_child() - run R05, vmsplice in child.
 * @ctx: the running scenario: its profile, narration and checks
 *	(sim_scenario_run() prepares it and calls this through the table).
 *
 * Boots its own machine, drives the steps the file's header describes,
 * records every expectation in @ctx and shuts the machine down.
 *
 * Return: 0 once it has run (the verdict is in @ctx), or the -errno of a
 * set-up that failed before any step (the boot).
 */
int scen_r05_vmsplice_in_child(struct sim_scenario_ctx *ctx)
{
	int err = scen_boot(ctx, NULL);

	if (err)
		return err;
	r05_child_pins(ctx, false);
	r05_child_pins(ctx, true);
	r05_parent_pins(ctx);
	scen_shutdown(ctx);
	return 0;
}
