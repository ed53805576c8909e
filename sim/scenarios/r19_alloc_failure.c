// SPDX-License-Identifier: GPL-2.0
/*
 * R19, an allocation failing after the pins were taken (scenarios.md §6,
 * bugs B11, e1c75831f682 - io_uring leaked the pins of a buffer whose
 * descriptor allocation failed, "mostly theoretical ... requiring fault
 * injection to hit" - and B15, a bounce-read folio leaked on early exit).
 *
 * Fail the Nth allocation, N = 1, 2, ... until the operation succeeds, on
 * two real paths:
 *   "build bio":      an O_DIRECT write of 300 pages (two bios: the
 *                     multi-bio path) to a `ram` disk;
 *   "register buffer": a 300-page passthrough WRITE through blk-map (one
 *                     request of two bios, on a queue that allows 512
 *                     segments since a request is never split), which
 *                     pins the buffer and maps it into the request's bios
 *                     - the closest thing the simulation has to io_uring's
 *                     buffer registration.
 * ("splice read" needs simfs and is not run.)
 * Expect every failing N to report an error (-ENOMEM, or -EFAULT when the
 * failure hits a user copy) or a short count of whole bios, every pin taken
 * so far released (acquired == released), no bio and no page left behind,
 * and the final, unfailed run to move all the data.
 */
#include "sim/scenarios/scen.h"

#define R19_PAGES	300
#define R19_LEN		((ssize_t)(R19_PAGES * PAGE_SIZE))
#define R19_MAX_N	400

typedef ssize_t (*r19_op_fn)(int fd, unsigned long buf, ssize_t len);

static ssize_t r19_dio(int fd, unsigned long buf, ssize_t len)
{
	return sim_pwrite(fd, buf, (size_t)len, 0);
}

static ssize_t r19_passthrough(int fd, unsigned long buf, ssize_t len)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = (size_t)len };

	return sim_passthrough(fd, true, &iov, 1, 0);
}

/* Does every page of the buffer hold only its mapping's reference? */
static bool r19_idle(unsigned long buf, ssize_t len)
{
	ssize_t off;

	for (off = 0; off < len; off += PAGE_SIZE) {
		struct page *page = scen_page(buf + (unsigned long)off);

		if (!page || scen_refs(page) != 1)
			return false;
	}
	return true;
}

static void r19_sweep(struct sim_scenario_ctx *ctx, const char *what, r19_op_fn op, int fd,
		      unsigned long buf, ssize_t len)
{
	unsigned long n, errors = 0, shorts = 0, leaks = 0, bad = 0, injected;
	struct sim_ledger before, after;
	ssize_t ret = -ENOMEM;

	scen_step(ctx, "%s: fail allocation N = 1, 2, ... until it succeeds", what);
	scen_pin_counters(ctx);
	sim_ledger_read(&before);
	for (n = 1; n <= R19_MAX_N; n++) {
		long acq = (long)sim_vmstat("nr_foll_pin_acquired");
		long rel = (long)sim_vmstat("nr_foll_pin_released");
		long gets = (long)sim_vmstat("pinio_foll_get_acquired");

		/*
		 * Not sim_fault_reset(): that would also disarm a device
		 * fault a systematic fault run armed around the scenario.
		 */
		injected = sim_fault_injected();
		sim_fail_alloc_after(n);
		ret = op(fd, buf, len);
		sim_fail_alloc_after(0);
		if (ret == len && sim_fault_injected() == injected)
			break;
		if (ret == -ENOMEM || ret == -EFAULT)
			errors++;
		else if (ret > 0 && ret < len && ret % PAGE_SIZE == 0)
			shorts++;
		else if (ret != len)
			bad++;
		sim_ledger_read(&after);
		acq = (long)sim_vmstat("nr_foll_pin_acquired") - acq;
		rel = (long)sim_vmstat("nr_foll_pin_released") - rel;
		gets = (long)sim_vmstat("pinio_foll_get_acquired") - gets;
		if (scen_v64(ctx))
			scen_note(ctx, "N=%lu: %zd; %ld references taken before the failure, "
				  "all dropped: %s", n, ret, gets,
				  r19_idle(buf, len) ? "yes" : "NO");
		else
			scen_note(ctx, "N=%lu: %zd; %ld pins taken before the failure, %ld released",
				  n, ret, acq, rel);
		if (acq != rel || !r19_idle(buf, len) ||
		    after.live_bios != before.live_bios || after.live_folios != before.live_folios ||
		    after.pins != before.pins)
			leaks++;
	}
	scen_pin_counters(ctx);
	scen_note(ctx, "%lu injected failures: %lu errors, %lu short counts", n - 1, errors, shorts);
	scen_expect(ctx, n > 1, "at least one allocation could be failed");
	scen_expect_eq(ctx, (long)bad, 0, "failures reported as something else than an error or a "
		       "short count of whole pages");
	scen_expect_eq(ctx, (long)leaks, 0,
		       "failures that left a pin, a reference, a bio or a page behind");
	scen_expect_eq(ctx, ret, len, "with no failure injected, all %zd pages move",
		       len / (ssize_t)PAGE_SIZE);
}

/**
 * scen_r19_alloc_failure() - run R19, allocation failure after pinning.
 * @ctx: the running scenario: its profile, narration and checks
 *	(sim_scenario_run() prepares it and calls this through the table).
 *
 * Boots its own machine, drives the steps the file's header describes,
 * records every expectation in @ctx and shuts the machine down.
 *
 * Return: 0 once it has run (the verdict is in @ctx), or the -errno of a
 * set-up that failed before any step (the boot).
 */
int scen_r19_alloc_failure(struct sim_scenario_ctx *ctx)
{
	struct queue_limits lim;
	unsigned long buf = 0;
	int fd = -1, err, i;

	err = scen_boot(ctx, NULL);
	if (err)
		return err;
	if (scen_ramdisk(ctx, "ram0", 4UL << 20, 512))
		goto out;
	fd = scen_open(ctx, "/dev/ram0", O_RDWR | O_DIRECT);
	if (fd < 0)
		goto out;
	/*
	 * Fault the buffer in last page first: descending frames, so no two
	 * pages coalesce into one bvec and 300 pages need two bios.
	 */
	buf = scen_mmap_small(ctx, R19_LEN);
	if (!buf)
		goto out;
	for (i = R19_PAGES; i-- > 0;)
		if (!scen_fill(ctx, buf + (unsigned long)i * PAGE_SIZE, 'N', PAGE_SIZE))
			goto out;

	r19_sweep(ctx, "build bio (O_DIRECT write, 300 pages, 2 bios)", r19_dio, fd, buf, R19_LEN);
	/* A passthrough request is never split: let the queue take 300 segments. */
	if (!sim_disk_get_limits("ram0", &lim)) {
		lim.max_segments = 512;
		lim.max_hw_sectors = 4096;
		scen_expect_eq(ctx, sim_disk_set_limits("ram0", &lim), 0,
			       "queue limits: 512 segments, 2 MiB per request");
	}
	r19_sweep(ctx, "register buffer (blk-map passthrough WRITE, 300 pages, one request)",
		  r19_passthrough, fd, buf, R19_LEN);
	scen_step(ctx, "splice read: needs simfs (not built yet), not run");
	scen_expect(ctx, scen_disk_is(ctx, fd, 0, 'N', R19_LEN), "the disk holds the data");

out:
	if (fd >= 0)
		sim_close(fd);
	scen_munmap(ctx, buf, R19_LEN);
	sim_disk_destroy("ram0");
	scen_shutdown(ctx);
	return 0;
}
