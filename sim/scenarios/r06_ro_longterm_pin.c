// SPDX-License-Identifier: GPL-2.0
/*
 * R06, a R/O long-term pin on a shared page is reliable (scenarios.md §6;
 * selftests/mm/cow.c "R/O longterm GUP pin on a shared / previously shared
 * / R/O exclusive page"). A long-term R/O pin (FOLL_LONGTERM without
 * FOLL_WRITE, as RDMA or vfio take) of an anonymous page that is - or may
 * be - COW-shared must unshare it first; otherwise the owner's next write
 * COWs away from the pinned page and the pin keeps reading stale data.
 *
 *   shared:            fork, child kept           \
 *   previously shared: fork, child exited          > R/O LONGTERM pin
 *   R/O exclusive:     mprotect(PROT_READ)        /  -> parent writes 'C'
 *   -> read through the pin: must show 'C'
 *
 * Expect 'C' through the pin each time, never a zero page in it, and a
 * kept child that still sees 'A'. The same on every profile.
 */
#include "sim/scenarios/scen.h"

#define R06_PAGES	4
#define R06_LEN		(R06_PAGES * PAGE_SIZE)

static const char *const r06_kinds[] = { "shared", "previously shared", "R/O exclusive" };

static void r06_one(struct sim_scenario_ctx *ctx, int kind)
{
	struct task_struct *parent = sim_current(), *child = NULL;
	struct page *pages[R06_PAGES];
	unsigned long addr;
	bool ok = true;
	long ret;
	int i;

	scen_step(ctx, "%s page: parent fills 'A'%s", r06_kinds[kind],
		  kind == 0 ? ", forks, keeps the child" :
		  kind == 1 ? ", forks, the child exits" : ", mprotect(PROT_READ)");
	addr = scen_mmap_small(ctx, R06_LEN);
	if (!addr || !scen_fill(ctx, addr, 'A', R06_LEN))
		goto out_unmap;
	if (kind < 2) {
		child = sim_fork();
		if (IS_ERR_OR_NULL(child)) {
			scen_expect(ctx, false, "sim_fork() = %ld", PTR_ERR(child));
			goto out_unmap;
		}
		if (kind == 1) {
			sim_task_exit(child);
			child = NULL;
		}
	} else {
		sim_mprotect(addr, R06_LEN, PROT_READ);
	}
	scen_counter(ctx, "pinio_cow_faults", (long)sim_vmstat("pinio_cow_faults"));

	scen_step(ctx, "parent: R/O long-term pin (FOLL_LONGTERM, no FOLL_WRITE)");
	ret = pin_user_pages_fast(addr, R06_PAGES, FOLL_LONGTERM, pages);
	scen_counter(ctx, "pinio_cow_faults", (long)sim_vmstat("pinio_cow_faults"));
	if (!scen_expect_eq(ctx, ret, R06_PAGES, "pinned")) {
		/* A short count (an injected failure): the pins taken are ours to drop. */
		if (ret > 0)
			unpin_user_pages(pages, (unsigned long)ret);
		goto out_child;
	}
	for (i = 0; i < R06_PAGES; i++)
		ok &= !is_zero_page(pages[i]) && PageAnonExclusive(pages[i]);
	scen_expect(ctx, ok, "every pinned page is the parent's exclusively (unshared), none is Z");
	if (kind == 2)
		sim_mprotect(addr, R06_LEN, PROT_READ | PROT_WRITE);

	scen_step(ctx, "parent writes 'C' through its mapping; read through the pin");
	scen_fill(ctx, addr, 'C', R06_LEN);
	for (i = 0, ok = true; i < R06_PAGES; i++)
		ok &= scen_mem_is(page_address(pages[i]), 'C', PAGE_SIZE);
	scen_expect(ctx, ok, "the pin shows 'C': the long-term R/O pin is reliable");
	if (child) {
		sim_task_switch(child);
		scen_expect(ctx, scen_user_is(addr, 'A', R06_LEN), "the kept child still sees 'A'");
		sim_task_switch(parent);
	}
	unpin_user_pages(pages, R06_PAGES);
out_child:
	if (child)
		sim_task_exit(child);
out_unmap:
	scen_munmap(ctx, addr, R06_LEN);
}

/**
 * scen_r06_ro_longterm_pin() - run R06, R/O long-term pin on a shared page.
 * @ctx: the running scenario: its profile, narration and checks
 *	(sim_scenario_run() prepares it and calls this through the table).
 *
 * Boots its own machine, drives the steps the file's header describes,
 * records every expectation in @ctx and shuts the machine down.
 *
 * Return: 0 once it has run (the verdict is in @ctx), or the -errno of a
 * set-up that failed before any step (the boot).
 */
int scen_r06_ro_longterm_pin(struct sim_scenario_ctx *ctx)
{
	int kind, err = scen_boot(ctx, NULL);

	if (err)
		return err;
	for (kind = 0; kind < 3; kind++)
		r06_one(ctx, kind);
	scen_shutdown(ctx);
	return 0;
}
