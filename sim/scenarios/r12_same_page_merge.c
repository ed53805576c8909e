// SPDX-License-Identifier: GPL-2.0
/*
 * R12, same-page merge (scenarios.md §6, bug B7, 5905afc2c7bb "block: fix
 * pin count management when merging same-page segments").
 *
 * Two iovecs P[0,512) and P[512,1024) in one O_DIRECT write: each
 * extraction pins P, the second merges into the first bvec, and the extra
 * pin must be dropped at once - completion releases one pin per bvec page.
 * Then P split across two writes in flight together: P[0,2048) and
 * P[2048,4096), one pin per page per bio. A hook on the `ram` disk looks
 * at P while the driver holds each bio.
 *
 * v6.5/v21: pins. v6.4: the same with FOLL_GET references (+1 each).
 * Expect one hold per page per bio while in flight, and P back to its
 * base refcount with no pin after completion.
 */
#include "sim/scenarios/scen.h"

struct r12_seen {
	struct page *p;
	int bios;
	int vcnt;
	long pins, refs;
};

/* The driver received a bio: what does P hold right now? */
static void r12_hook(const struct bio *bio, void *arg)
{
	struct r12_seen *s = arg;

	s->bios++;
	s->vcnt = bio->bi_vcnt;
	s->pins = scen_pins(s->p);
	s->refs = scen_refs(s->p);
}

/**
 * scen_r12_same_page_merge() - run R12, same-page merge.
 * @ctx: the running scenario: its profile, narration and checks
 *	(sim_scenario_run() prepares it and calls this through the table).
 *
 * Boots its own machine, drives the steps the file's header describes,
 * records every expectation in @ctx and shuts the machine down.
 *
 * Return: 0 once it has run (the verdict is in @ctx), or the -errno of a
 * set-up that failed before any step (the boot).
 */
int scen_r12_same_page_merge(struct sim_scenario_ctx *ctx)
{
	struct sim_io_fault hold = { .flags = SIM_IO_HOLD };
	struct r12_seen seen = { 0 };
	struct sim_aio *ring = NULL;
	unsigned long buf = 0;
	struct iovec iov[2];
	int64_t res[2];
	uint64_t tags[2];
	long base, ret, acq;
	int fd = -1, err;

	err = scen_boot(ctx, NULL);
	if (err)
		return err;
	if (scen_ramdisk(ctx, "ram0", 1UL << 20, 512))
		goto out;
	fd = scen_open(ctx, "/dev/ram0", O_RDWR | O_DIRECT);
	if (fd < 0)
		goto out;
	buf = scen_mmap_small(ctx, PAGE_SIZE);
	if (!buf || !scen_fill(ctx, buf, 'M', PAGE_SIZE))
		goto out;
	seen.p = scen_page(buf);
	base = scen_refs(seen.p);
	sim_disk_set_bio_hook("ram0", r12_hook, &seen);

	scen_step(ctx, "pwritev of two iovecs in one page: P[0,512) + P[512,1024)");
	scen_pin_counters(ctx);
	acq = (long)sim_vmstat("nr_foll_pin_acquired");
	iov[0].iov_base = (void *)buf;
	iov[0].iov_len = 512;
	iov[1].iov_base = (void *)(buf + 512);
	iov[1].iov_len = 512;
	ret = sim_pwritev(fd, iov, 2, 0);
	scen_pin_counters(ctx);
	scen_expect_eq(ctx, ret, 1024, "the write");
	scen_expect_eq(ctx, seen.bios, 1, "bios the driver received");
	scen_expect_eq(ctx, seen.vcnt, 1, "one merged bvec");
	if (scen_v64(ctx)) {
		scen_expect_eq(ctx, seen.refs - base, 1, "v6.4: one reference on P while in flight");
	} else {
		scen_expect_eq(ctx, seen.pins, 1, "one pin on P while in flight (the merge dropped one)");
		scen_expect_eq(ctx, (long)sim_vmstat("nr_foll_pin_acquired") - acq, 2,
			       "two pins taken, one per extraction; the merge released one at once");
	}
	scen_expect_eq(ctx, scen_pins_in_flight(), 0, "acquired == released after completion");
	scen_expect_eq(ctx, scen_refs(seen.p), base, "ref(P) back to its base");

	scen_step(ctx, "P split across two async writes held together: P[0,2K) and P[2K,4K)");
	ring = sim_aio_create(2);
	if (IS_ERR(ring)) {
		scen_expect(ctx, false, "sim_aio_create() = %ld", PTR_ERR(ring));
		ring = NULL;
		goto out;
	}
	sim_disk_inject("ram0", &hold);
	scen_counter(ctx, "pins(P)", scen_pins(seen.p));
	scen_counter(ctx, "ref(P)", scen_refs(seen.p));
	sim_aio_submit(ring, fd, true, buf, 2048, 0, 0);
	sim_aio_submit(ring, fd, true, buf + 2048, 2048, 2048, 1);
	scen_counter(ctx, "pins(P)", scen_pins(seen.p));
	scen_counter(ctx, "ref(P)", scen_refs(seen.p));
	if (scen_v64(ctx))
		scen_expect_eq(ctx, scen_refs(seen.p) - base, 2, "v6.4: one reference per bio");
	else
		scen_expect_eq(ctx, scen_pins(seen.p), 2, "one pin per bio on the same page");

	scen_step(ctx, "the disk completes both; reap");
	sim_disk_inject("ram0", NULL);
	sim_disk_release("ram0");
	scen_expect_eq(ctx, sim_aio_reap(ring, 2, 2, res, tags), 2, "two completions");
	scen_expect(ctx, res[0] == 2048 && res[1] == 2048, "each wrote 2048 bytes");
	scen_counter(ctx, "pins(P)", scen_pins(seen.p));
	scen_counter(ctx, "ref(P)", scen_refs(seen.p));
	scen_pin_counters(ctx);
	scen_expect_eq(ctx, scen_pins(seen.p), 0, "no pin left on P");
	scen_expect_eq(ctx, scen_refs(seen.p), base, "ref(P) back to its base");
	scen_expect(ctx, scen_disk_is(ctx, fd, 0, 'M', PAGE_SIZE), "the disk holds P's bytes");

out:
	sim_disk_set_bio_hook("ram0", NULL, NULL);
	if (ring)
		sim_aio_destroy(ring);
	if (fd >= 0)
		sim_close(fd);
	scen_munmap(ctx, buf, PAGE_SIZE);
	sim_disk_destroy("ram0");
	scen_shutdown(ctx);
	return 0;
}
