// SPDX-License-Identifier: GPL-2.0
/*
 * R25, close and exit release everything (scenarios.md §6; the release
 * path gup_test checks, and F10: a handle closed or a process exiting with
 * I/O in flight). Pins belong to the I/O, not to the descriptor or the
 * address space: they must stay until the device completes, then go.
 *
 * On a raw `ram` disk that holds its bios, with the async ring:
 *   1. submit a 16 KiB O_DIRECT write, close the descriptor: the I/O keeps
 *      the file and its pins; release the disk: all pins dropped;
 *   2. a child process opens the disk and submits a write from its own
 *      buffer, then exits: its address space is gone but the 4 pinned
 *      pages stay alive (refcount > 0, no DMA violation) until the device
 *      completes, then the pins drop and the pages are freed.
 * Expect the pin counters and the ledger back to their baseline. (Long-
 * term pins held by a handle - io_uring registered buffers - need a
 * registration API the simulation does not have yet.)
 * v6.4 holds FOLL_GET references instead of pins.
 */
#include "sim/scenarios/scen.h"

#define R25_PAGES	4
#define R25_LEN		(R25_PAGES * PAGE_SIZE)

static long r25_held(struct sim_scenario_ctx *ctx, struct page *p)
{
	return scen_v64(ctx) ? scen_refs(p) - 1 : scen_pins(p);
}

/**
 * scen_r25_close_exit_release() - run R25, close and exit release everything.
 * @ctx: the running scenario: its profile, narration and checks
 *	(sim_scenario_run() prepares it and calls this through the table).
 *
 * Boots its own machine, drives the steps the file's header describes,
 * records every expectation in @ctx and shuts the machine down.
 *
 * Return: 0 once it has run (the verdict is in @ctx), or the -errno of a
 * set-up that failed before any step (the boot).
 */
int scen_r25_close_exit_release(struct sim_scenario_ctx *ctx)
{
	struct sim_io_fault hold = { .flags = SIM_IO_HOLD };
	struct task_struct *parent, *child;
	struct sim_ledger base, now;
	struct sim_aio *ring = NULL;
	unsigned long buf = 0, cbuf;
	struct page *p, *cp = NULL;
	long viol;
	int64_t res = 0;
	uint64_t tag;
	int fd = -1, cfd, err;

	err = scen_boot(ctx, NULL);
	if (err)
		return err;
	parent = sim_current();
	if (scen_ramdisk(ctx, "ram0", 1UL << 20, 512))
		goto out;
	ring = sim_aio_create(4);
	if (IS_ERR(ring)) {
		scen_expect(ctx, false, "sim_aio_create() = %ld", PTR_ERR(ring));
		ring = NULL;
		goto out;
	}
	viol = (long)sim_dma_stat("dma_violations");
	sim_ledger_read(&base);

	scen_step(ctx, "open /dev/ram0, submit a 16 KiB O_DIRECT write; the disk holds it");
	fd = scen_open(ctx, "/dev/ram0", O_RDWR | O_DIRECT);
	buf = scen_mmap_small(ctx, R25_LEN);
	if (fd < 0 || !buf || !scen_fill(ctx, buf, 'C', R25_LEN))
		goto out;
	p = scen_page(buf);
	sim_disk_inject("ram0", &hold);
	scen_expect_eq(ctx, sim_aio_submit(ring, fd, true, buf, R25_LEN, 0, 1), 0, "submitted");
	scen_counter(ctx, scen_v64(ctx) ? "refs held on B[0]" : "pins(B[0])", r25_held(ctx, p));
	scen_counter(ctx, "pins in flight", scen_pins_in_flight());

	scen_step(ctx, "close the descriptor with the write in flight");
	scen_expect_eq(ctx, sim_close(fd), 0, "sim_close()");
	fd = -1;
	scen_counter(ctx, scen_v64(ctx) ? "refs held on B[0]" : "pins(B[0])", r25_held(ctx, p));
	scen_expect_eq(ctx, r25_held(ctx, p), 1, "the I/O still holds B: pins are not the fd's");

	scen_step(ctx, "the disk completes; reap");
	sim_disk_inject("ram0", NULL);
	sim_disk_release("ram0");
	scen_expect_eq(ctx, sim_aio_reap(ring, 1, 1, &res, &tag), 1, "one completion");
	scen_expect_eq(ctx, (long)res, R25_LEN, "the write's result");
	scen_counter(ctx, scen_v64(ctx) ? "refs held on B[0]" : "pins(B[0])", r25_held(ctx, p));
	scen_counter(ctx, "pins in flight", scen_pins_in_flight());
	scen_expect_eq(ctx, r25_held(ctx, p), 0, "released at completion");
	scen_munmap(ctx, buf, R25_LEN);
	buf = 0;

	scen_step(ctx, "a child opens the disk and writes 16 KiB of 'X' from its own buffer");
	child = sim_fork();
	if (IS_ERR_OR_NULL(child)) {
		scen_expect(ctx, false, "sim_fork() = %ld", PTR_ERR(child));
		goto out;
	}
	sim_task_switch(child);
	cfd = scen_open(ctx, "/dev/ram0", O_RDWR | O_DIRECT);
	cbuf = scen_mmap_small(ctx, R25_LEN);
	if (cfd >= 0 && cbuf && scen_fill(ctx, cbuf, 'X', R25_LEN)) {
		cp = scen_page(cbuf);
		sim_disk_inject("ram0", &hold);
		scen_expect_eq(ctx, sim_aio_submit(ring, cfd, true, cbuf, R25_LEN, 0, 2), 0,
			       "submitted");
	}
	sim_task_switch(parent);
	if (!cp) {
		sim_task_exit(child);
		goto out;
	}
	scen_counter(ctx, scen_v64(ctx) ? "refs held on C[0]" : "pins(C[0])", r25_held(ctx, cp));
	scen_counter(ctx, "live address spaces", base.live_mms + 1);

	scen_step(ctx, "the child exits with the write in flight");
	sim_task_exit(child);
	sim_ledger_read(&now);
	scen_counter(ctx, "live address spaces", now.live_mms);
	scen_counter(ctx, "ref(C[0])", scen_refs(cp));
	scen_expect(ctx, scen_refs(cp) > 0, "the child's page is still alive: the I/O holds it");
	if (scen_v64(ctx))
		scen_expect_eq(ctx, scen_refs(cp), 1, "one reference left: the I/O's (mapping gone)");
	else
		scen_expect(ctx, scen_pins(cp) == 1 && scen_refs(cp) == (int)GUP_PIN_COUNTING_BIAS,
			    "only the I/O's pin is left (ref 1024: the mapping's is gone)");

	scen_step(ctx, "the disk completes; reap");
	sim_disk_inject("ram0", NULL);
	sim_disk_release("ram0");
	scen_expect_eq(ctx, sim_aio_reap(ring, 1, 1, &res, &tag), 1, "one completion");
	scen_expect_eq(ctx, (long)res, R25_LEN, "the write's result");
	scen_expect_eq(ctx, (long)sim_dma_stat("dma_violations") - viol, 0,
		       "no DMA violation: the device never touched a freed page");
	sim_ledger_read(&now);
	scen_counter(ctx, "pins in flight", scen_pins_in_flight());
	scen_counter(ctx, "live folios (vs. before)", now.live_folios - base.live_folios);
	scen_expect_eq(ctx, scen_pins_in_flight(), 0, "every pin released");
	scen_expect_eq(ctx, now.live_folios - base.live_folios, 0,
		       "the child's pages were freed after completion");
	scen_expect_eq(ctx, now.live_mms, base.live_mms, "the child's address space is gone");
	fd = scen_open(ctx, "/dev/ram0", O_RDWR | O_DIRECT);
	if (fd >= 0)
		scen_expect(ctx, scen_disk_is(ctx, fd, 0, 'X', R25_LEN), "the disk holds the 'X'");

out:
	if (ring)
		sim_aio_destroy(ring);
	if (fd >= 0)
		sim_close(fd);
	scen_munmap(ctx, buf, R25_LEN);
	sim_disk_destroy("ram0");
	scen_shutdown(ctx);
	return 0;
}
