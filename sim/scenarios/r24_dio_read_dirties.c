// SPDX-License-Identifier: GPL-2.0
/*
 * R24, a DIO read dirties its destination (scenarios.md §6; the series'
 * dio_bio_submit and bio_set_pages_dirty(); bug B5's other half): memory
 * a device wrote into must be marked dirty, or a file page that received
 * the data is never written back and the data is lost.
 *
 * File r on simfs (two pages of 'R'), mapped MAP_SHARED. An O_DIRECT read
 * from a `raw` disk ('D') into the first page; an O_DIRECT write from the
 * second (clean) page to the raw disk.
 * Expect the first page dirty at completion and 'D' in the file after
 * fsync and a remount; the second page, only read by the device, still
 * clean; no pin left.
 */
#include "sim/scenarios/scen.h"

int scen_r24_dio_read_dirties(struct sim_scenario_ctx *ctx)
{
	unsigned long addr = 0;
	struct folio *f0 = NULL, *f1 = NULL;
	int fd = -1, raw = -1, err;
	long ret;

	err = scen_boot(ctx, NULL);
	if (err)
		return err;
	if (scen_fs_setup(ctx, NULL))
		goto out;
	if (scen_ramdisk(ctx, "raw0", 1UL << 20, 512))
		goto out_fs;
	raw = scen_open(ctx, "/dev/raw0", O_RDWR | O_DIRECT);
	if (raw < 0)
		goto out_raw;
	scen_disk_fill(ctx, raw, 0, 'D', PAGE_SIZE);

	scen_step(ctx, "file r (8 KiB of 'R', fsync'd: clean), mapped MAP_SHARED");
	fd = scen_fs_create(ctx, "r", 'R', 2 * PAGE_SIZE);
	if (fd < 0)
		goto out_raw;
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
	if (!f0 || !f1) {
		scen_expect(ctx, false, "r's cache folios");
		goto out_unmap;
	}
	scen_counter(ctx, "dirty(page 0)", folio_test_dirty(f0));
	scen_counter(ctx, "dirty(page 1)", folio_test_dirty(f1));

	scen_step(ctx, "O_DIRECT read of 4 KiB from /dev/raw0 into page 0");
	ret = sim_pread(raw, addr, PAGE_SIZE, 0);
	bio_dirty_flush();
	scen_expect_eq(ctx, ret, PAGE_SIZE, "the read");
	scen_counter(ctx, "dirty(page 0)", folio_test_dirty(f0));
	scen_expect(ctx, folio_test_dirty(f0), "page 0 is dirty at completion");
	scen_expect(ctx, scen_user_is(addr, 'D', PAGE_SIZE), "and holds the device's 'D'");

	scen_step(ctx, "O_DIRECT write of page 1 to /dev/raw0");
	ret = sim_pwrite(raw, addr + PAGE_SIZE, PAGE_SIZE, 8192);
	scen_expect_eq(ctx, ret, PAGE_SIZE, "the write");
	scen_counter(ctx, "dirty(page 1)", folio_test_dirty(f1));
	scen_expect(ctx, !folio_test_dirty(f1), "page 1, only read by the device, stays clean");
	scen_expect_eq(ctx, scen_pins_in_flight(), 0, "no pin left");

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
	if (fd >= 0)
		sim_close(fd);
out_raw:
	if (raw >= 0)
		sim_close(raw);
	sim_disk_destroy("raw0");
	if (fd >= 0) {
		scen_step(ctx, "remount: what r holds on the disk");
		scen_expect(ctx, scen_fs_file_is(ctx, "r", 0, 'D', PAGE_SIZE),
			    "page 0's 'D' reached the file");
		scen_expect(ctx, scen_fs_file_is(ctx, "r", PAGE_SIZE, 'R', PAGE_SIZE),
			    "page 1 still 'R'");
	}
out_fs:
	scen_fs_teardown(ctx);
out:
	scen_shutdown(ctx);
	return 0;
}
