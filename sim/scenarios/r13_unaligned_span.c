// SPDX-License-Identifier: GPL-2.0
/*
 * R13, an unaligned span (scenarios.md §6, bug B8, 38b43539d64b "block:
 * fix page pin accounting ... unaligned"): __bio_release_pages() looped
 * "done += PAGE_SIZE while done < length", so a buffer that does not start
 * on a page boundary - which spans one page more than length / 4096 -
 * leaked a pin on its last page.
 *
 * On a `ram` disk, O_DIRECT writes from
 *   small pages: B + 512, 4096 bytes       -> S0[512,4096) S1[0,512): 2 pages
 *   a 2 MiB THP: T + 3584, 8192 bytes      -> T0, T1, T2: 3 pages, one bvec
 * and a hook on the disk counts what each page holds while the driver has
 * the bio. Expect holds == pages spanned in flight, unpins == pins
 * (vmstat), and every page back to its base after completion.
 * v6.4 holds FOLL_GET references instead of pins.
 */
#include "sim/scenarios/scen.h"

struct r13_seen {
	struct page *pages[3];
	int n;
	long held[3];
	int vcnt;
};

static void r13_hook(const struct bio *bio, void *arg)
{
	struct r13_seen *s = arg;
	int i;

	s->vcnt = bio->bi_vcnt;
	/* Pins, or under v6.4 the references beyond the mapping's one. */
	for (i = 0; i < s->n; i++)
		s->held[i] = folio_test_large(page_folio(s->pages[i])) ||
			     sim_profile() != SIM_PROFILE_V6_4 ?
			     scen_pins(s->pages[i]) : scen_refs(s->pages[i]) - 1;
}

/**
 * scen_r13_unaligned_span() - run R13, unaligned span.
 * @ctx: the running scenario: its profile, narration and checks
 *	(sim_scenario_run() prepares it and calls this through the table).
 *
 * Boots its own machine, drives the steps the file's header describes,
 * records every expectation in @ctx and shuts the machine down.
 *
 * Return: 0 once it has run (the verdict is in @ctx), or the -errno of a
 * set-up that failed before any step (the boot).
 */
int scen_r13_unaligned_span(struct sim_scenario_ctx *ctx)
{
	const struct sim_config cfg = { .mem_bytes = 64UL << 20, .thp = true };
	struct r13_seen seen = { .n = 0 };
	unsigned long buf = 0, thp = 0, map = 0;
	long acq, rel, gets, base[3], ret;
	size_t map_len = 0;
	bool v64 = scen_v64(ctx);
	int fd = -1, err, i;

	err = scen_boot(ctx, &cfg);
	if (err)
		return err;
	if (scen_ramdisk(ctx, "ram0", 1UL << 20, 512))
		goto out;
	fd = scen_open(ctx, "/dev/ram0", O_RDWR | O_DIRECT);
	if (fd < 0)
		goto out;
	sim_disk_set_bio_hook("ram0", r13_hook, &seen);

	scen_step(ctx, "small pages: O_DIRECT write of 4096 bytes from B + 512 (spans 2 pages)");
	buf = scen_mmap_small(ctx, 2 * PAGE_SIZE);
	if (!buf || !scen_fill(ctx, buf, 'S', 2 * PAGE_SIZE))
		goto out;
	seen.n = 2;
	for (i = 0; i < 2; i++) {
		seen.pages[i] = scen_page(buf + (unsigned long)i * PAGE_SIZE);
		base[i] = scen_refs(seen.pages[i]);
	}
	acq = (long)sim_vmstat("nr_foll_pin_acquired");
	rel = (long)sim_vmstat("nr_foll_pin_released");
	gets = (long)sim_vmstat("pinio_foll_get_acquired");
	scen_pin_counters(ctx);
	ret = sim_pwrite(fd, buf + 512, PAGE_SIZE, 0);
	scen_pin_counters(ctx);
	scen_expect_eq(ctx, ret, PAGE_SIZE, "the write");
	scen_expect(ctx, seen.held[0] == 1 && seen.held[1] == 1,
		    "in flight: S0 and S1 each held once (%s)", v64 ? "a reference" : "a pin");
	if (v64)
		scen_expect_eq(ctx, (long)sim_vmstat("pinio_foll_get_acquired") - gets, 2,
			       "v6.4: 2 references taken");
	else
		scen_expect_eq(ctx, (long)sim_vmstat("nr_foll_pin_acquired") - acq, 2, "2 pins taken");
	scen_expect_eq(ctx, (long)sim_vmstat("nr_foll_pin_released") - rel,
		       (long)sim_vmstat("nr_foll_pin_acquired") - acq, "as many unpins as pins");
	scen_expect(ctx, scen_refs(seen.pages[0]) == base[0] && scen_refs(seen.pages[1]) == base[1],
		    "S0 and S1 back to their base refcount: the last page was not leaked");

	scen_step(ctx, "a THP: O_DIRECT write of 8192 bytes from T + 3584 (spans 3 subpages)");
	thp = scen_mmap_thp(ctx, 'T', &map, &map_len);
	if (!thp)
		goto out;
	seen.n = 1;
	seen.pages[0] = scen_page(thp);
	base[0] = scen_refs(seen.pages[0]);
	acq = (long)sim_vmstat("nr_foll_pin_acquired");
	rel = (long)sim_vmstat("nr_foll_pin_released");
	scen_counter(ctx, "_pincount(T)", scen_pins(seen.pages[0]));
	scen_counter(ctx, "ref(T)", scen_refs(seen.pages[0]));
	ret = sim_pwrite(fd, thp + 3584, 2 * PAGE_SIZE, 8192);
	scen_counter(ctx, "_pincount(T)", scen_pins(seen.pages[0]));
	scen_counter(ctx, "ref(T)", scen_refs(seen.pages[0]));
	scen_pin_counters(ctx);
	scen_expect_eq(ctx, ret, 2 * PAGE_SIZE, "the write");
	scen_expect_eq(ctx, seen.vcnt, 1, "one multi-page bvec");
	scen_expect_eq(ctx, seen.held[0], v64 ? 0 : 3,
		       "_pincount(T) while in flight: %s", v64 ? "v6.4 takes no pin" : "3 subpages");
	if (!v64)
		scen_expect_eq(ctx, (long)sim_vmstat("nr_foll_pin_acquired") - acq, 3, "3 pins taken");
	scen_expect_eq(ctx, (long)sim_vmstat("nr_foll_pin_released") - rel,
		       (long)sim_vmstat("nr_foll_pin_acquired") - acq, "as many unpins as pins");
	scen_expect_eq(ctx, scen_pins(seen.pages[0]), 0, "_pincount(T) back to 0");
	scen_expect_eq(ctx, scen_refs(seen.pages[0]), base[0], "ref(T) back to its base");
	scen_expect(ctx, scen_disk_is(ctx, fd, 8192, 'T', 2 * PAGE_SIZE), "the disk holds the data");

out:
	sim_disk_set_bio_hook("ram0", NULL, NULL);
	if (fd >= 0)
		sim_close(fd);
	scen_munmap(ctx, buf, 2 * PAGE_SIZE);
	scen_munmap(ctx, map, map_len);
	sim_disk_destroy("ram0");
	scen_shutdown(ctx);
	return 0;
}
