// SPDX-License-Identifier: GPL-2.0
/*
 * R22, double unpin and unpin of a page never pinned (scenarios.md §6,
 * bad input 14). In the kernel the second unpin subtracts another 1024
 * from a count that does not hold it - a use after free in waiting;
 * DEBUG_VM's sanity checks catch some of it. The simulation refuses it
 * and reports a violation with the page, its owner and its last events.
 *
 *   P: pinned, unpinned, unpinned again   Q: only mapped   G: one FOLL_GET
 *   sim_unpin_user_page() of P (2nd), Q and G; unpin_user_page() of Q
 * Expect -EINVAL and one reported violation each (4 in all, printed with
 * the page's history on stderr), and refcounts, the pin ledger and the
 * vmstat pin counters unchanged by them. The same on every profile.
 */
#include <string.h>

#include "sim/scenarios/scen.h"

/**
 * scen_r22_double_unpin() - run R22, double unpin.
 * @ctx: the running scenario: its profile, narration and checks
 *	(sim_scenario_run() prepares it and calls this through the table).
 *
 * Boots its own machine, drives the steps the file's header describes,
 * records every expectation in @ctx and shuts the machine down.
 *
 * Return: 0 once it has run (the verdict is in @ctx), or the -errno of a
 * set-up that failed before any step (the boot).
 */
int scen_r22_double_unpin(struct sim_scenario_ctx *ctx)
{
	struct page *p = NULL, *q, *g = NULL;
	struct sim_ledger before, after;
	unsigned long addr;
	int err;

	err = scen_boot(ctx, NULL);
	if (err)
		return err;
	scen_step(ctx, "P pinned then unpinned; Q only mapped; G with one FOLL_GET reference");
	addr = scen_mmap_small(ctx, 3 * PAGE_SIZE);
	if (!addr || !scen_fill(ctx, addr, 'U', 3 * PAGE_SIZE))
		goto out;
	if (pin_user_pages_fast(addr, 1, FOLL_WRITE, &p) != 1 ||
	    get_user_pages_fast(addr + 2 * PAGE_SIZE, 1, 0, &g) != 1) {
		scen_expect(ctx, false, "pin P and get G");
		goto out;
	}
	q = scen_page(addr + PAGE_SIZE);
	scen_expect_eq(ctx, sim_unpin_user_page(p), 0, "the first unpin of P");
	scen_counter(ctx, "ref(P)", scen_refs(p));
	scen_counter(ctx, "ref(Q)", scen_refs(q));
	scen_counter(ctx, "ref(G)", scen_refs(g));
	scen_pin_counters(ctx);

	scen_step(ctx, "unpin P again, unpin Q and G (never pinned)");
	scen_note(ctx, "each violation is printed on stderr with the page's owner and history");
	sim_ledger_read(&before);
	scen_expect_violations(ctx, 4);
	scen_expect_eq(ctx, sim_unpin_user_page(p), -EINVAL, "second unpin of P refused");
	scen_expect_eq(ctx, sim_unpin_user_page(q), -EINVAL, "unpin of Q refused");
	scen_expect_eq(ctx, sim_unpin_user_page(g), -EINVAL, "unpin of G (a reference) refused");
	unpin_user_page(q);
	sim_ledger_read(&after);
	scen_counter(ctx, "ref(P)", scen_refs(p));
	scen_counter(ctx, "ref(Q)", scen_refs(q));
	scen_counter(ctx, "ref(G)", scen_refs(g));
	scen_pin_counters(ctx);
	scen_expect_eq(ctx, after.violations - before.violations, 4,
		       "4 violations reported (unpin_user_page(Q) too)");
	after.violations = before.violations;
	scen_expect(ctx, !memcmp(&after, &before, sizeof(before)),
		    "otherwise the ledger is unchanged");
	scen_expect(ctx, scen_refs(p) == 1 && scen_refs(q) == 1 && scen_refs(g) == 2,
		    "refcounts unchanged");
	scen_expect(ctx, scen_user_is(addr, 'U', 3 * PAGE_SIZE), "the data is intact");
	put_page(g);

out:
	scen_munmap(ctx, addr, 3 * PAGE_SIZE);
	scen_shutdown(ctx);
	return 0;
}
