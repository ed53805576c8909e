// SPDX-License-Identifier: GPL-2.0
/*
 * R03, a refcount near overflow refuses cleanly (scenarios.md §6, bug B2,
 * CVE-2019-11487: more than 2^32 references through GUP and pipes).
 *
 * P, the 3rd of 4 written anonymous pages, has its refcount raised by a
 * test hook to INT_MAX - 100. The kernel checks "refcount <= 0" before it
 * adds, so a GET (+1) and a PIN (+1024, wrapping the count) both pass;
 * from then on every grab is refused (-ENOMEM and a WARN), and a 4-page
 * O_DIRECT write from the buffer stops at P: a short write of 2 pages.
 * No refused attempt changes P's count. Same in every profile.
 */
#include <limits.h>

#include "sim/scenarios/scen.h"

#define R03_NEAR	(INT_MAX - 100)

/**
 * scen_r03_near_overflow() - run R03, near-overflow refuses cleanly.
 * @ctx: the running scenario: its profile, narration and checks
 *	(sim_scenario_run() prepares it and calls this through the table).
 *
 * Boots its own machine, drives the steps the file's header describes,
 * records every expectation in @ctx and shuts the machine down.
 *
 * Return: 0 once it has run (the verdict is in @ctx), or the -errno of a
 * set-up that failed before any step (the boot).
 */
int scen_r03_near_overflow(struct sim_scenario_ctx *ctx)
{
	struct page *got = NULL, *pinned = NULL, *x = NULL, *pages[4] = { NULL };
	unsigned long addr, pa;
	struct folio *folio;
	long ret = 0, acq;
	int fd, err;

	err = scen_boot(ctx, NULL);
	if (err)
		return err;
	if (scen_ramdisk(ctx, "ram0", 1UL << 20, 512))
		goto out_shutdown;

	scen_step(ctx, "4 written anonymous pages; P is the 3rd");
	addr = scen_mmap_small(ctx, 4 * PAGE_SIZE);
	if (!addr || !scen_fill(ctx, addr, 'R', 4 * PAGE_SIZE))
		goto out_unmap;
	pa = addr + 2 * PAGE_SIZE;
	folio = page_folio(scen_page(pa));
	scen_counter(ctx, "ref(P)", folio_ref_count(folio));

	scen_step(ctx, "test hook: raise ref(P) to INT_MAX - 100");
	folio_ref_add(folio, R03_NEAR - 1);
	scen_counter(ctx, "ref(P)", folio_ref_count(folio));

	scen_step(ctx, "GET P (+1), then PIN P (+1024): the guard tests ref <= 0 before adding");
	scen_expect_eq(ctx, get_user_pages_fast(pa, 1, 0, &got), 1, "the GET succeeds");
	scen_counter(ctx, "ref(P)", folio_ref_count(folio));
	scen_expect_eq(ctx, pin_user_pages_fast(pa, 1, 0, &pinned), 1, "the PIN succeeds");
	scen_counter(ctx, "ref(P)", folio_ref_count(folio));
	scen_expect_eq(ctx, folio_ref_count(folio), INT_MIN + 924,
		       "ref(P) wrapped: the guard cannot see a wrap it has not caused yet");

	scen_step(ctx, "PIN and GET P again");
	acq = (long)sim_vmstat("nr_foll_pin_acquired");
	SCEN_EXPECT_WARN(ctx, "try_grab_folio refuses ref <= 0",
			 ret = pin_user_pages_fast(pa, 1, 0, &x));
	scen_expect_eq(ctx, ret, -ENOMEM, "the PIN is refused");
	SCEN_EXPECT_WARN(ctx, "the GET too", ret = get_user_pages_fast(pa, 1, 0, &x));
	scen_expect_eq(ctx, ret, -ENOMEM, "the GET is refused");
	scen_counter(ctx, "ref(P)", folio_ref_count(folio));
	scen_expect_eq(ctx, folio_ref_count(folio), INT_MIN + 924, "no refusal changed ref(P)");

	scen_step(ctx, "pin_user_pages_fast of all 4 pages");
	SCEN_EXPECT_WARN(ctx, "refused at P", ret = pin_user_pages_fast(addr, 4, 0, pages));
	scen_expect_eq(ctx, ret, 2, "a short count: pages 1-2 pinned, stopped at P");
	scen_expect_eq(ctx, (long)sim_vmstat("nr_foll_pin_acquired") - acq, 2, "pins taken");
	if (ret > 0)
		unpin_user_pages(pages, (unsigned long)ret);
	scen_expect_eq(ctx, folio_ref_count(page_folio(scen_page(addr))), 1,
		       "page 1 released (ref back to 1)");

	scen_step(ctx, "O_DIRECT write of the 4 pages to a `ram` disk");
	fd = scen_open(ctx, "/dev/ram0", O_RDWR | O_DIRECT);
	if (fd >= 0) {
		long in_flight = scen_pins_in_flight();

		scen_pin_counters(ctx);
		SCEN_EXPECT_WARN(ctx, "the DIO's grab of P is refused",
				 ret = sim_pwrite(fd, addr, 4 * PAGE_SIZE, 0));
		scen_pin_counters(ctx);
		scen_expect(ctx, ret == 2 * (long)PAGE_SIZE || ret < 0,
			    "a short write of 2 pages (8192) or an error, never P's data (%ld)", ret);
		scen_expect_eq(ctx, scen_pins_in_flight() - in_flight, 0,
			       "every page the DIO pinned was released");
		scen_counter(ctx, "ref(P)", folio_ref_count(folio));
		scen_expect_eq(ctx, folio_ref_count(folio), INT_MIN + 924, "ref(P) still unchanged");
		sim_close(fd);
	}

	scen_step(ctx, "undo: unpin, put, and the hook's references");
	unpin_user_page(pinned);
	put_page(got);
	folio_ref_sub(folio, R03_NEAR - 1);
	scen_counter(ctx, "ref(P)", folio_ref_count(folio));
	scen_expect_eq(ctx, folio_ref_count(folio), 1, "ref(P) back to 1");

out_unmap:
	scen_munmap(ctx, addr, 4 * PAGE_SIZE);
	sim_disk_destroy("ram0");
out_shutdown:
	scen_shutdown(ctx);
	return 0;
}
