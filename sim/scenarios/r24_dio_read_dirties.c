// SPDX-License-Identifier: GPL-2.0
/*
 * R24, a DIO read dirties its destination (scenarios.md §6; the series'
 * dio_bio_submit and bio_set_pages_dirty(); bug B5's other half): memory
 * a device wrote into must be marked dirty, or a file page that received
 * the data is never written back and the data is lost.
 *
 * File r on simfs (two pages of 'R', mounted folio_order=0 so that they
 * are two folios), mapped MAP_SHARED. An O_DIRECT read from the target
 * ('D') into the first page; an O_DIRECT write from the second (clean)
 * page to the target. Three rounds: the target is the raw disk raw0, then
 * file d on the same simfs through dio=iomap and through dio=legacy.
 *
 *   target 'D' --DIO read--> r[0] (dirty) --fsync--> disk: r = D R
 *   r[1] (clean) --DIO write--> target        r[1] stays clean
 * Expect the first page dirty at completion and 'D' in the file after
 * fsync and a remount; the second page, only read by the device, still
 * clean; no pin left.
 */
#include <stdio.h>

#include "sim/scenarios/scen.h"

/* One round against @t (the raw disk or file d); false if it could not set up. */
static bool r24_round(struct sim_scenario_ctx *ctx, struct scen_dio_target *t)
{
	unsigned long addr = 0;
	struct folio *f0 = NULL, *f1 = NULL;
	int fd;
	long ret;

	scen_step(ctx, "%s: file r (8 KiB of 'R', fsync'd: clean), mapped MAP_SHARED",
		  scen_backing_name(t->backing));
	fd = scen_fs_create(ctx, "r", 'R', 2 * PAGE_SIZE);
	if (fd < 0)
		return false;
	addr = sim_mmap(0, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (IS_ERR_VALUE(addr) || !scen_user_is(addr, 'R', 2 * PAGE_SIZE)) {
		scen_expect(ctx, false, "map r and read 'R'");
		if (IS_ERR_VALUE(addr)) {
			addr = 0;
			goto out_close;
		}
		/* Mapped but unreadable (an injected failure): unmap it too. */
		goto out_unmap;
	}
	f0 = scen_fs_cache_folio(fd, 0);
	f1 = scen_fs_cache_folio(fd, 1);
	if (!f0 || !f1 || f0 == f1) {
		scen_expect(ctx, false, "r's two order-0 cache folios");
		goto out_unmap;
	}
	scen_counter(ctx, "dirty(page 0)", folio_test_dirty(f0));
	scen_counter(ctx, "dirty(page 1)", folio_test_dirty(f1));

	scen_step(ctx, "O_DIRECT read of 4 KiB from the target ('D') into page 0");
	ret = sim_pread(t->fd, addr, PAGE_SIZE, 0);
	bio_dirty_flush();
	scen_expect_eq(ctx, ret, PAGE_SIZE, "the read");
	scen_counter(ctx, "dirty(page 0)", folio_test_dirty(f0));
	scen_expect(ctx, folio_test_dirty(f0), "page 0 is dirty at completion");
	scen_expect(ctx, scen_user_is(addr, 'D', PAGE_SIZE), "and holds the device's 'D'");

	scen_step(ctx, "O_DIRECT write of page 1 to the target at 8K");
	ret = sim_pwrite(t->fd, addr + PAGE_SIZE, PAGE_SIZE, 8192);
	scen_expect_eq(ctx, ret, PAGE_SIZE, "the write");
	scen_counter(ctx, "dirty(page 1)", folio_test_dirty(f1));
	scen_expect(ctx, !folio_test_dirty(f1), "page 1, only read by the device, stays clean");
	/*
	 * Pins held now, not acquired - released: the legacy engine's
	 * folio_add_pin() is not counted as acquired (R-REF-6, INV-9).
	 */
	scen_expect_eq(ctx, (long)sim_vmstat("pinio_pins_outstanding"), 0, "no pin left");

	scen_step(ctx, "fsync(r)");
	scen_expect_eq(ctx, sim_fsync(fd), 0, "fsync");
	scen_counter(ctx, "dirty(page 0)", folio_test_dirty(f0));
out_unmap:
	if (f0)
		folio_put(f0);
	if (f1)
		folio_put(f1);
	scen_munmap(ctx, addr, 2 * PAGE_SIZE);
out_close:
	sim_close(fd);
	return true;
}

/* After a passed round: remount and check what r holds on the disk. */
static void r24_after(struct sim_scenario_ctx *ctx, enum scen_backing b)
{
	(void)b;
	scen_step(ctx, "remount: what r holds on the disk");
	scen_expect(ctx, scen_fs_file_is(ctx, "r", 0, 'D', PAGE_SIZE), "page 0's 'D' reached the file");
	scen_expect(ctx, scen_fs_file_is(ctx, "r", PAGE_SIZE, 'R', PAGE_SIZE), "page 1 still 'R'");
}

/**
 * scen_r24_dio_read_dirties() - run R24, DIO read dirties the destination.
 * @ctx: the running scenario: its profile, narration and checks
 *	(sim_scenario_run() prepares it and calls this through the table).
 *
 * Boots its own machine, drives the steps the file's header describes,
 * records every expectation in @ctx and shuts the machine down.
 *
 * Return: 0 once it has run (the verdict is in @ctx), or the -errno of a
 * set-up that failed before any step (the boot).
 */
int scen_r24_dio_read_dirties(struct sim_scenario_ctx *ctx)
{
	/* Order-0 folios: page 0 and page 1 must be separate dirty units. */
	static const struct scen_backings run = {
		.name = "d", .c = 'D', .len = 3 * PAGE_SIZE, .mount_opts = "folio_order=0",
		.fs_for_raw = true, .round = r24_round, .after = r24_after,
	};

	return scen_run_backings(ctx, &run);
}
