// SPDX-License-Identifier: GPL-2.0
/*
 * R23, a long-term R/W pin plus fork (scenarios.md §6; selftests/mm/cow.c
 * "io_uring fixed buffer" + fork). io_uring's buffer registration pins a
 * buffer long-term for writing (FOLL_LONGTERM | FOLL_WRITE) and later
 * write_fixed requests DMA straight from the pinned pages, whatever the
 * page tables say by then.
 *
 * The real thing: sim_aio_register_buffers() pins B, and a WRITE_FIXED
 * (sim_aio_submit_fixed(), an ITER_BVEC over the registered pages, no pin
 * per I/O: R-ITER-8, R-BIO-10) writes it to the target. Three rounds: the
 * raw disk raw0, then file r23 on simfs through dio=iomap and through
 * dio=legacy.
 *   register B (4 pages of 'A') -> fork, keep the child -> parent writes
 *   0xff through its mapping -> write_fixed from the registration to the
 *   target -> unregister
 * Expect the target (the file) to equal the parent's mapping (0xff): the
 * pinned pages stayed the parent's - fork gave the child copies - so the
 * child never maps a pinned page and still reads 'A'; the write_fixed
 * pins nothing (the pin counters do not move) and the unregister drops
 * B's pins. The same on every profile (pinned pages are copied at fork
 * since 5.11).
 */
#include "sim/scenarios/scen.h"

#define R23_PAGES	4
#define R23_LEN		(R23_PAGES * PAGE_SIZE)

static bool r23_round(struct sim_scenario_ctx *ctx, struct scen_dio_target *t)
{
	struct task_struct *parent = sim_current(), *child = NULL;
	struct page *pages[R23_PAGES];
	struct sim_aio *ring;
	unsigned long buf, acq;
	struct iovec iov;
	bool mapped = false, ok = false;
	int64_t res = 0;
	long ret;
	int i;

	ring = sim_aio_create(1);
	if (IS_ERR(ring)) {
		scen_expect(ctx, false, "sim_aio_create() = %ld", PTR_ERR(ring));
		return false;
	}
	scen_step(ctx, "%s: register B (4 pages of 'A'): a long-term R/W pin, held",
		  scen_backing_name(t->backing));
	buf = scen_mmap_small(ctx, R23_LEN);
	if (!buf || !scen_fill(ctx, buf, 'A', R23_LEN))
		goto out;
	iov.iov_base = (void *)buf;
	iov.iov_len = R23_LEN;
	ret = sim_aio_register_buffers(ring, &iov, 1);
	if (!scen_expect_eq(ctx, ret, 0, "registered"))
		goto out;
	for (i = 0; i < R23_PAGES; i++)
		pages[i] = scen_page(buf + (unsigned long)i * PAGE_SIZE);
	scen_counter(ctx, "pins(B[0])", scen_pins(pages[0]));
	scen_counter(ctx, "pinio_fork_copied_pinned", (long)sim_vmstat("pinio_fork_copied_pinned"));

	scen_step(ctx, "fork, keep the child");
	child = sim_fork();
	if (IS_ERR_OR_NULL(child)) {
		scen_expect(ctx, false, "sim_fork() = %ld", PTR_ERR(child));
		child = NULL;
		goto out;
	}
	scen_counter(ctx, "pinio_fork_copied_pinned", (long)sim_vmstat("pinio_fork_copied_pinned"));
	for (i = 0; i < R23_PAGES; i++)
		mapped |= scen_page_at(child->mm, buf + (unsigned long)i * PAGE_SIZE) == pages[i];
	scen_expect(ctx, !mapped, "the child never maps a pinned page: fork copied them");

	scen_step(ctx, "parent writes 0xff through its mapping");
	scen_fill(ctx, buf, 0xff, R23_LEN);
	for (i = 0, mapped = true; i < R23_PAGES; i++)
		mapped &= scen_page(buf + (unsigned long)i * PAGE_SIZE) == pages[i];
	scen_expect(ctx, mapped, "the parent still maps the registered pages (no COW away)");

	scen_step(ctx, "write_fixed from the registered buffer to the target");
	acq = sim_vmstat("nr_foll_pin_acquired");
	ret = sim_aio_submit_fixed(ring, t->fd, true, 0, buf, R23_LEN, 0, 23);
	if (!scen_expect_eq(ctx, ret, 0, "submitted"))
		goto out;
	scen_expect_eq(ctx, sim_aio_reap(ring, 1, 1, &res, NULL), 1, "one completion");
	scen_expect_eq(ctx, (long)res, R23_LEN, "the write_fixed's result");
	scen_expect_eq(ctx, (long)(sim_vmstat("nr_foll_pin_acquired") - acq), 0,
		       "the write_fixed took no pin: it borrowed the registration's pages");
	scen_expect(ctx, scen_disk_is(ctx, t->fd, 0, 0xff, R23_LEN),
		    "the target equals the parent's mapping (0xff)");
	sim_task_switch(child);
	scen_expect(ctx, scen_user_is(buf, 'A', R23_LEN), "the child still reads 'A'");
	sim_task_switch(parent);
	ok = true;

out:
	scen_step(ctx, "unregister (unpin), the child exits");
	sim_aio_destroy(ring);
	if (ok)
		scen_counter(ctx, "pins(B[0])", scen_pins(pages[0]));
	if (child)
		sim_task_exit(child);
	scen_munmap(ctx, buf, R23_LEN);
	return ok;
}

/**
 * scen_r23_longterm_pin_fork() - run R23, long-term R/W pin plus fork.
 * @ctx: the running scenario: its profile, narration and checks
 *	(sim_scenario_run() prepares it and calls this through the table).
 *
 * Boots its own machine, drives the steps the file's header describes,
 * records every expectation in @ctx and shuts the machine down.
 *
 * Return: 0 once it has run (the verdict is in @ctx), or the -errno of a
 * set-up that failed before any step (the boot).
 */
int scen_r23_longterm_pin_fork(struct sim_scenario_ctx *ctx)
{
	static const struct scen_backings run = {
		.name = "r23", .c = 'T', .len = R23_LEN, .round = r23_round,
	};

	return scen_run_backings(ctx, &run);
}
