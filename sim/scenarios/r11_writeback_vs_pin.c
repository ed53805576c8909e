// SPDX-License-Identifier: GPL-2.0
/*
 * R11, writeback vs pin (scenarios.md §6, bug B5, "the GUP problem": ext4
 * BUG()ed when a page pinned with a plain get was written back, its
 * buffers stripped, and then dirtied by the driver after DMA).
 *
 * File w on simfs ('W'), a writeback filesystem, mapped MAP_SHARED:
 *  1. a long-term R/W pin of the mapping is refused with -EFAULT (the
 *     page would be written behind the filesystem's back for ever);
 *  2. a short DIO pin: an async O_DIRECT read from a `raw` disk ('D')
 *     into the mapping, held by the disk; fsync writes the file back
 *     while the page is pinned; then the device stores 'D' into it and
 *     completes, which unpins it dirty.
 * Expect the refusal; writeback to succeed with the page pinned, leaving
 * it dirty (it may be DMA-pinned); the page dirty after the unpin, and the
 * next fsync to bring 'D' to the disk (checked after a remount). No crash,
 * no lost data. (The model refuses the long-term pin in every profile.)
 */
#include "sim/scenarios/scen.h"

/**
 * scen_r11_writeback_vs_pin() - run R11, writeback vs pin.
 * @ctx: the running scenario: its profile, narration and checks
 *	(sim_scenario_run() prepares it and calls this through the table).
 *
 * Boots its own machine, drives the steps the file's header describes,
 * records every expectation in @ctx and shuts the machine down.
 *
 * Return: 0 once it has run (the verdict is in @ctx), or the -errno of a
 * set-up that failed before any step (the boot).
 */
int scen_r11_writeback_vs_pin(struct sim_scenario_ctx *ctx)
{
	struct sim_io_fault hold = { .flags = SIM_IO_HOLD };
	struct sim_aio *ring = NULL;
	struct page *page = NULL;
	unsigned long addr = 0;
	struct folio *f = NULL;
	int fd = -1, raw = -1, err;
	int64_t res = 0;
	uint64_t tag;
	long ret;

	err = scen_boot(ctx, NULL);
	if (err)
		return err;
	if (scen_fs_setup(ctx, NULL))
		goto out;
	if (scen_ramdisk(ctx, "raw0", 1UL << 20, 512))
		goto out_fs;
	raw = scen_open(ctx, "/dev/raw0", O_RDWR | O_DIRECT);
	ring = sim_aio_create(2);
	if (raw < 0 || IS_ERR(ring)) {
		ring = IS_ERR(ring) ? NULL : ring;
		goto out_raw;
	}
	scen_disk_fill(ctx, raw, 0, 'D', PAGE_SIZE);

	scen_step(ctx, "file w (4 KiB of 'W'), mapped MAP_SHARED, R/W");
	fd = scen_fs_create(ctx, "w", 'W', PAGE_SIZE);
	if (fd < 0)
		goto out_raw;
	addr = sim_mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (IS_ERR_VALUE(addr)) {
		scen_expect(ctx, false, "sim_mmap(w) = %ld", (long)addr);
		addr = 0;
		goto out_close;
	}

	scen_step(ctx, "a long-term R/W pin of the mapping (RDMA-style)");
	ret = pin_user_pages_fast(addr, 1, FOLL_WRITE | FOLL_LONGTERM, &page);
	scen_expect_eq(ctx, ret, -EFAULT, "pin_user_pages_fast() refuses it");
	ret = pin_user_pages_unlocked(addr, 1, &page, FOLL_WRITE | FOLL_LONGTERM);
	scen_expect_eq(ctx, ret, -EFAULT, "pin_user_pages_unlocked() too");
	scen_expect_eq(ctx, scen_pins_in_flight(), 0, "nothing pinned");

	scen_step(ctx, "async O_DIRECT read from /dev/raw0 into the mapping; the disk holds it");
	sim_disk_inject("raw0", &hold);
	scen_expect_eq(ctx, sim_aio_submit(ring, raw, false, addr, PAGE_SIZE, 0, 1), 0,
		       "submitted");
	f = scen_fs_cache_folio(fd, 0);
	if (!f) {
		scen_expect(ctx, false, "w's cache folio");
		sim_disk_inject("raw0", NULL);
		sim_disk_release("raw0");
		sim_aio_reap(ring, 1, 1, &res, &tag);
		goto out_unmap;
	}
	scen_counter(ctx, "pins(P)", scen_pins(&f->page));
	scen_counter(ctx, "dirty(P)", folio_test_dirty(f));

	scen_step(ctx, "fsync(w): writeback while the page is pinned for DMA");
	scen_expect_eq(ctx, sim_fsync(fd), 0, "fsync succeeds, no crash");
	scen_counter(ctx, "dirty(P)", folio_test_dirty(f));
	scen_expect(ctx, folio_test_dirty(f) || scen_v64(ctx),
		    "the page stays dirty: it may be DMA-pinned, so it is written again later");
	scen_expect(ctx, f->mapping == scen_fs_mapping(fd), "its metadata is intact");

	scen_step(ctx, "the device stores 'D' into the page and completes (unpin, dirty)");
	sim_disk_inject("raw0", NULL);
	sim_disk_release("raw0");
	scen_expect_eq(ctx, sim_aio_reap(ring, 1, 1, &res, &tag), 1, "one completion");
	scen_expect_eq(ctx, (long)res, PAGE_SIZE, "the read's result");
	bio_dirty_flush();
	scen_counter(ctx, "pins(P)", scen_pins(&f->page));
	scen_counter(ctx, "dirty(P)", folio_test_dirty(f));
	scen_expect(ctx, folio_test_dirty(f), "the page is dirty after the unpin");
	scen_expect(ctx, scen_user_is(addr, 'D', PAGE_SIZE), "the mapping shows 'D'");
	folio_put(f);

	scen_step(ctx, "fsync(w) again, unmap, close");
	scen_expect_eq(ctx, sim_fsync(fd), 0, "fsync");
out_unmap:
	scen_munmap(ctx, addr, PAGE_SIZE);
out_close:
	if (fd >= 0)
		sim_close(fd);
out_raw:
	if (ring)
		sim_aio_destroy(ring);
	if (raw >= 0)
		sim_close(raw);
	sim_disk_destroy("raw0");
	if (fd >= 0) {
		scen_step(ctx, "remount: what w holds on the disk");
		scen_expect(ctx, scen_fs_file_is(ctx, "w", 0, 'D', PAGE_SIZE),
			    "the device's 'D' reached the file: written after the unpin");
	}
out_fs:
	scen_fs_teardown(ctx);
out:
	scen_shutdown(ctx);
	return 0;
}
