// SPDX-License-Identifier: GPL-2.0
/*
 * R20, error-path arrays (scenarios.md §6, bug B12: an error path handed
 * unpin_user_pages() a partly filled array and sanity_check_pinned_pages()
 * dereferenced NULL).
 *
 * P1 and P3 pinned R/W; the array an error path leaves is {P1, NULL, P3}:
 *   unpin_user_pages(arr, -EFAULT)  -> a negative count: WARN, rejected
 *   unpin_user_pages(arr, 3)        -> P1 and P3 unpinned, NULL skipped
 * Expect the first call to change nothing and the second to release
 * exactly the two pins. The same on every profile.
 */
#include <string.h>

#include "sim/scenarios/scen.h"

/**
 * scen_r20_error_path_arrays() - run R20, error-path arrays.
 * @ctx: the running scenario: its profile, narration and checks
 *	(sim_scenario_run() prepares it and calls this through the table).
 *
 * Boots its own machine, drives the steps the file's header describes,
 * records every expectation in @ctx and shuts the machine down.
 *
 * Return: 0 once it has run (the verdict is in @ctx), or the -errno of a
 * set-up that failed before any step (the boot).
 */
int scen_r20_error_path_arrays(struct sim_scenario_ctx *ctx)
{
	struct page *arr[3] = { NULL, NULL, NULL };
	struct sim_ledger before, after;
	unsigned long addr;
	int err;

	err = scen_boot(ctx, NULL);
	if (err)
		return err;
	scen_step(ctx, "pin P1 and P3 R/W; the array is {P1, NULL, P3}");
	addr = scen_mmap_small(ctx, 3 * PAGE_SIZE);
	if (!addr || !scen_fill(ctx, addr, 'E', 3 * PAGE_SIZE))
		goto out;
	scen_expect_eq(ctx, pin_user_pages_fast(addr, 1, FOLL_WRITE, &arr[0]), 1, "P1 pinned");
	scen_expect_eq(ctx, pin_user_pages_fast(addr + 2 * PAGE_SIZE, 1, FOLL_WRITE, &arr[2]), 1,
		       "P3 pinned");
	if (!arr[0] || !arr[2])
		goto out;
	scen_counter(ctx, "ref(P1)", scen_refs(arr[0]));
	scen_counter(ctx, "ref(P3)", scen_refs(arr[2]));
	scen_pin_counters(ctx);

	scen_step(ctx, "unpin_user_pages(arr, -EFAULT): an error code as the count");
	sim_ledger_read(&before);
	SCEN_EXPECT_WARN(ctx, "unpin_user_pages: IS_ERR_VALUE(npages)",
			 unpin_user_pages(arr, (unsigned long)-EFAULT));
	sim_ledger_read(&after);
	scen_counter(ctx, "ref(P1)", scen_refs(arr[0]));
	scen_counter(ctx, "ref(P3)", scen_refs(arr[2]));
	scen_pin_counters(ctx);
	scen_expect(ctx, !memcmp(&before, &after, sizeof(before)),
		    "rejected: the ledger is unchanged");

	scen_step(ctx, "unpin_user_pages(arr, 3)");
	unpin_user_pages(arr, 3);
	scen_counter(ctx, "ref(P1)", scen_refs(arr[0]));
	scen_counter(ctx, "ref(P3)", scen_refs(arr[2]));
	scen_pin_counters(ctx);
	scen_expect(ctx, scen_refs(arr[0]) == 1 && scen_refs(arr[2]) == 1,
		    "P1 and P3 unpinned, the NULL skipped");
	scen_expect_eq(ctx, scen_pins_in_flight(), 0, "acquired == released");

out:
	scen_munmap(ctx, addr, 3 * PAGE_SIZE);
	scen_shutdown(ctx);
	return 0;
}
