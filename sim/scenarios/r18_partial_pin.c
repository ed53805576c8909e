// SPDX-License-Identifier: GPL-2.0
/*
 * R18, a partial pin (scenarios.md §6, bug B13, 17d51b10d777 "block: don't
 * deal with discontiguous pages in bio_iov_iter_get_pages"): a short pin
 * must become a short I/O reported as such, never a silent fallback that
 * writes other data.
 *
 * An 8-page buffer whose 6th page (index 5) is unmapped, written with
 * O_DIRECT to a `ram` disk:
 *   S0 S1 S2 S3 S4 [hole] S6 S7
 * Expect 20480 bytes written and reported (pages 0-4; -EFAULT only if
 * nothing could be pinned), exactly 5 pages held and released, S6 and S7
 * never pinned, the disk holding S0-S4's bytes and nothing after them.
 * v6.4 holds FOLL_GET references instead of pins.
 */
#include "sim/scenarios/scen.h"

/**
 * scen_r18_partial_pin() - run R18, partial pin.
 * @ctx: the running scenario: its profile, narration and checks
 *	(sim_scenario_run() prepares it and calls this through the table).
 *
 * Boots its own machine, drives the steps the file's header describes,
 * records every expectation in @ctx and shuts the machine down.
 *
 * Return: 0 once it has run (the verdict is in @ctx), or the -errno of a
 * set-up that failed before any step (the boot).
 */
int scen_r18_partial_pin(struct sim_scenario_ctx *ctx)
{
	unsigned long buf = 0, acq, rel, gets;
	struct page *s6 = NULL, *s7 = NULL;
	long ret;
	int fd = -1, err;

	err = scen_boot(ctx, NULL);
	if (err)
		return err;
	if (scen_ramdisk(ctx, "ram0", 1UL << 20, 512))
		goto out;
	fd = scen_open(ctx, "/dev/ram0", O_RDWR | O_DIRECT);
	if (fd < 0)
		goto out;
	scen_disk_fill(ctx, fd, 0, '.', 8 * PAGE_SIZE);

	scen_step(ctx, "8 pages of '8'; unmap the 6th (index 5)");
	buf = scen_mmap_small(ctx, 8 * PAGE_SIZE);
	if (!buf || !scen_fill(ctx, buf, '8', 8 * PAGE_SIZE))
		goto out;
	s6 = scen_page(buf + 6 * PAGE_SIZE);
	s7 = scen_page(buf + 7 * PAGE_SIZE);
	scen_munmap(ctx, buf + 5 * PAGE_SIZE, PAGE_SIZE);

	scen_step(ctx, "O_DIRECT write of all 8 pages");
	scen_pin_counters(ctx);
	scen_counter(ctx, "pinio_foll_get_acquired", (long)sim_vmstat("pinio_foll_get_acquired"));
	acq = sim_vmstat("nr_foll_pin_acquired");
	rel = sim_vmstat("nr_foll_pin_released");
	gets = sim_vmstat("pinio_foll_get_acquired");
	ret = sim_pwrite(fd, buf, 8 * PAGE_SIZE, 0);
	scen_pin_counters(ctx);
	scen_counter(ctx, "pinio_foll_get_acquired", (long)sim_vmstat("pinio_foll_get_acquired"));
	scen_expect_eq(ctx, ret, 5 * PAGE_SIZE, "a short write of the 5 pages before the hole");
	if (scen_v64(ctx))
		scen_expect_eq(ctx, (long)(sim_vmstat("pinio_foll_get_acquired") - gets), 5,
			       "v6.4: references taken on S0-S4 only");
	else
		scen_expect_eq(ctx, (long)(sim_vmstat("nr_foll_pin_acquired") - acq), 5,
			       "pins taken on S0-S4 only");
	scen_expect_eq(ctx, (long)(sim_vmstat("nr_foll_pin_released") - rel),
		       (long)(sim_vmstat("nr_foll_pin_acquired") - acq), "and all released");
	scen_expect(ctx, scen_pins(s6) == 0 && scen_pins(s7) == 0 &&
			 scen_refs(s6) == 1 && scen_refs(s7) == 1,
		    "S6 and S7 never pinned nor referenced");
	scen_expect(ctx, scen_disk_is(ctx, fd, 0, '8', 5 * PAGE_SIZE),
		    "the disk holds S0-S4's bytes");
	scen_expect(ctx, scen_disk_is(ctx, fd, 5 * PAGE_SIZE, '.', 3 * PAGE_SIZE),
		    "and nothing past them: no silent fallback");

out:
	if (fd >= 0)
		sim_close(fd);
	if (buf) {
		scen_munmap(ctx, buf, 5 * PAGE_SIZE);
		scen_munmap(ctx, buf + 6 * PAGE_SIZE, 2 * PAGE_SIZE);
	}
	sim_disk_destroy("ram0");
	scen_shutdown(ctx);
	return 0;
}
