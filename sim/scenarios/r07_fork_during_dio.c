// SPDX-License-Identifier: GPL-2.0
/*
 * R07, fork during an in-flight DIO read (scenarios.md §6; EDGE-31). The
 * classic reason O_DIRECT moved from FOLL_GET to FOLL_PIN: fork()
 * write-protects anonymous pages for COW, but a page under DMA must stay
 * the parent's.
 *
 * Three times, once per backing: the raw `ram` disk raw0, then a file on
 * simfs through dio=iomap (iomap_dio_rw()) and through dio=legacy
 * (__blockdev_direct_IO()). The target holds 'D' in [0, 16K) and holds its
 * bios; an async O_DIRECT read into anonymous buffer B (bytes 'O') is
 * started; the process forks while the read is in flight; the disk then
 * writes its data 'D' into the pages; both processes read B.
 *
 *        parent B: O O O O --pinned by the read--> D D D D
 *  fork  child  B': copies of the pinned pages:    O O O O
 *
 * v6.5 and v21: the read pinned B, so fork gives the child a copy of each
 * pinned page at once (copy_present_page); the DMA lands in the parent's.
 * Expect the parent to see 'D', the child 'O' in an unpinned copy,
 * pins(B) == 0 after completion, and no DMA violation (I9), through every
 * backing.
 * v6.4 (every backing) and v21 through dio=legacy (the series left
 * fs/direct-io.c on references, BIO_PAGE_REFFED, "for now"): the read took
 * plain FOLL_GET references; fork shares B's pages COW between both
 * processes, and the device writes into the shared pages: the child sees
 * the parent's I/O data - the leak FOLL_PIN fixed.
 */
#include "sim/scenarios/scen.h"

#define R07_PAGES	4
#define R07_LEN		(R07_PAGES * PAGE_SIZE)

/* One round through @t; false when it could not set itself up. */
static bool r07_round(struct sim_scenario_ctx *ctx, struct scen_dio_target *t)
{
	struct sim_io_fault hold = { .flags = SIM_IO_HOLD };
	struct task_struct *parent = sim_current(), *child = NULL;
	struct sim_aio *ring = NULL;
	/* References, not pins: v6.4, and v21's legacy engine (R-DIO-*). */
	bool refs = scen_v64(ctx) ||
		    (ctx->profile == SIM_PROFILE_V21 && t->backing == SCEN_LEGACY);
	struct page *pp, *cp;
	unsigned long buf;
	long dma_viol;
	int64_t res = 0;
	uint64_t tag;
	int err;

	scen_step(ctx, "%s: the target holds 'D' in [0, 16K); buffer B (4 pages) holds 'O'",
		  scen_backing_name(t->backing));
	buf = scen_mmap_small(ctx, R07_LEN);
	if (!buf || !scen_fill(ctx, buf, 'O', R07_LEN)) {
		scen_munmap(ctx, buf, R07_LEN);
		return false;
	}
	pp = scen_page(buf);
	scen_counter(ctx, "pins(B[0])", scen_pins(pp));
	scen_counter(ctx, "ref(B[0])", scen_refs(pp));
	dma_viol = (long)sim_dma_stat("dma_violations");

	scen_step(ctx, "async O_DIRECT read of 16K into B; the disk holds the bio");
	ring = sim_aio_create(4);
	if (IS_ERR(ring)) {
		scen_expect(ctx, false, "sim_aio_create() = %ld", PTR_ERR(ring));
		scen_munmap(ctx, buf, R07_LEN);
		return false;
	}
	sim_disk_inject(t->disk, &hold);
	err = sim_aio_submit(ring, t->fd, false, buf, R07_LEN, 0, 7);
	if (!scen_expect_eq(ctx, err, 0, "submitted")) {
		sim_disk_inject(t->disk, NULL);
		goto out;
	}
	scen_counter(ctx, "pins(B[0])", scen_pins(pp));
	scen_counter(ctx, "ref(B[0])", scen_refs(pp));
	if (refs)
		scen_note(ctx, "%s: a FOLL_GET reference, not a pin", sim_profile_name(ctx->profile));

	scen_step(ctx, "fork while the read is in flight");
	scen_counter(ctx, "pinio_fork_copied_pinned", (long)sim_vmstat("pinio_fork_copied_pinned"));
	child = sim_fork();
	if (IS_ERR_OR_NULL(child)) {
		scen_expect(ctx, false, "sim_fork() = %ld", PTR_ERR(child));
		child = NULL;
		sim_disk_inject(t->disk, NULL);
		sim_disk_release(t->disk);
		sim_aio_reap(ring, 1, 1, &res, &tag);
		goto out;
	}
	scen_counter(ctx, "pinio_fork_copied_pinned", (long)sim_vmstat("pinio_fork_copied_pinned"));
	cp = scen_page_at(child->mm, buf);
	if (refs) {
		scen_expect(ctx, cp == pp, "references: the child maps the very page under DMA (COW-shared)");
	} else {
		scen_expect(ctx, cp && cp != pp, "the child got its own copy of the pinned page");
		scen_expect(ctx, cp && scen_pins(cp) == 0, "the child's copy is not pinned");
	}

	scen_step(ctx, "the disk moves 'D' into the pages and completes; reap");
	sim_disk_inject(t->disk, NULL);
	sim_disk_release(t->disk);
	scen_expect_eq(ctx, sim_aio_reap(ring, 1, 1, &res, &tag), 1, "one completion");
	scen_expect_eq(ctx, (long)res, R07_LEN, "the read's result");
	scen_counter(ctx, "pins(B[0])", scen_pins(pp));
	scen_counter(ctx, "ref(B[0])", scen_refs(pp));
	scen_expect_eq(ctx, scen_pins(pp), 0, "pins(B) == 0 after completion");
	scen_expect_eq(ctx, (long)sim_dma_stat("dma_violations") - dma_viol, 0,
		       "no DMA violation (I9)");

	scen_step(ctx, "both processes read B");
	scen_expect(ctx, scen_user_is(buf, 'D', R07_LEN), "the parent sees the device's 'D'");
	sim_task_switch(child);
	if (refs)
		scen_expect(ctx, scen_user_is(buf, 'D', R07_LEN),
			    "references: the child sees 'D' too - the parent's I/O leaked into the child");
	else
		scen_expect(ctx, scen_user_is(buf, 'O', R07_LEN),
			    "the child sees the pre-I/O 'O'");
	sim_task_switch(parent);

out:
	if (child)
		sim_task_exit(child);
	sim_aio_destroy(ring);
	scen_munmap(ctx, buf, R07_LEN);
	return true;
}

/**
 * scen_r07_fork_during_dio() - run R07, fork during in-flight DIO read.
 * @ctx: the running scenario: its profile, narration and checks
 *	(sim_scenario_run() prepares it and calls this through the table).
 *
 * Boots its own machine, drives the steps the file's header describes,
 * records every expectation in @ctx and shuts the machine down.
 *
 * Return: 0 once it has run (the verdict is in @ctx), or the -errno of a
 * set-up that failed before any step (the boot).
 */
int scen_r07_fork_during_dio(struct sim_scenario_ctx *ctx)
{
	static const struct scen_backings run = {
		.name = "d", .c = 'D', .len = R07_LEN, .round = r07_round,
	};

	return scen_run_backings(ctx, &run);
}
