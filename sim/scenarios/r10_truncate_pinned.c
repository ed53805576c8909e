// SPDX-License-Identifier: GPL-2.0
/*
 * R10, truncate while a page-cache page is pinned (scenarios.md §6,
 * invariant I7): a file page that a device is still reading must leave the
 * cache index at once, stay alive and unchanged until the I/O completes,
 * be freed exactly once after it, and never come back.
 *
 * Page P of file p on simfs ('P') is mapped MAP_SHARED; an async O_DIRECT
 * write from the mapping pins P, and the disk holds the bio; then
 * ftruncate(p, 0). Three rounds: the write goes to the raw disk raw0, then
 * to file q on the same simfs through dio=iomap and through dio=legacy.
 *
 *   p's cache: [P] --truncate--> (out of the index, orphan, pinned)
 *   P --DIO write (held)--> target ... release --> target == 'P', P freed
 * Expect P out of the index, unmapped, mapping NULL, still pinned and
 * still 'P'; when the disk runs the bio it reads 'P' from P (no DMA
 * violation); P freed at completion (live folios -1); after growing the
 * file back, a read gives zeros from a new folio (P's generation is gone).
 * v6.4 holds a FOLL_GET reference instead of the pin.
 */
#include <pinio/pagemap.h>

#include "sim/scenarios/scen.h"

/* One round with the write going to @t; false if it could not set itself up. */
static bool r10_round(struct sim_scenario_ctx *ctx, struct scen_dio_target *t)
{
	struct sim_io_fault hold = { .flags = SIM_IO_HOLD };
	struct sim_aio *ring;
	struct sim_ledger before, after;
	struct address_space *m;
	unsigned long addr = 0, viol;
	struct folio *p, *q;
	unsigned int gen;
	int fd;
	int64_t res = 0;
	uint64_t tag;

	ring = sim_aio_create(2);
	if (IS_ERR(ring)) {
		scen_expect(ctx, false, "sim_aio_create() = %ld", PTR_ERR(ring));
		return false;
	}
	viol = sim_dma_stat("dma_violations");

	scen_step(ctx, "%s: file p (4 KiB of 'P'); page P mapped MAP_SHARED",
		  scen_backing_name(t->backing));
	fd = scen_fs_create(ctx, "p", 'P', PAGE_SIZE);
	if (fd < 0) {
		sim_aio_destroy(ring);
		return false;
	}
	m = scen_fs_mapping(fd);
	addr = sim_mmap(0, PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	if (IS_ERR_VALUE(addr) || !scen_user_is(addr, 'P', PAGE_SIZE)) {
		scen_expect(ctx, false, "map p and read 'P'");
		addr = IS_ERR_VALUE(addr) ? 0 : addr;
		goto out_close;
	}
	p = page_folio(scen_page(addr));
	gen = p->gen;
	scen_expect(ctx, filemap_folio_indexed(m, p), "P is p's page-cache page");

	scen_step(ctx, "async O_DIRECT write from P to the target; the disk holds it");
	sim_disk_inject(t->disk, &hold);
	scen_expect_eq(ctx, sim_aio_submit(ring, t->fd, true, addr, PAGE_SIZE, 0, 1), 0,
		       "submitted");
	scen_counter(ctx, "pins(P)", scen_pins(&p->page));
	scen_counter(ctx, "ref(P)", scen_refs(&p->page));

	scen_step(ctx, "ftruncate(p, 0) while the device has not read P yet");
	scen_expect_eq(ctx, sim_ftruncate(fd, 0), 0, "ftruncate");
	scen_counter(ctx, "pins(P)", scen_pins(&p->page));
	scen_counter(ctx, "ref(P)", scen_refs(&p->page));
	scen_expect(ctx, !filemap_folio_indexed(m, p), "P left the cache index at once");
	scen_expect(ctx, !p->mapping, "P is orphaned (mapping NULL)");
	scen_expect(ctx, !scen_page(addr), "and unmapped");
	scen_expect(ctx, scen_refs(&p->page) > 0 && p->gen == gen, "but alive: the I/O holds it");
	scen_expect(ctx, scen_mem_is(folio_address(p), 'P', PAGE_SIZE), "and unchanged");

	scen_step(ctx, "the disk reads P and completes");
	sim_ledger_read(&before);
	sim_disk_inject(t->disk, NULL);
	sim_disk_release(t->disk);
	scen_expect_eq(ctx, sim_aio_reap(ring, 1, 1, &res, &tag), 1, "one completion");
	scen_expect_eq(ctx, (long)res, PAGE_SIZE, "the write's result");
	sim_ledger_read(&after);
	scen_counter(ctx, "live folios", after.live_folios);
	scen_expect_eq(ctx, (long)(sim_dma_stat("dma_violations") - viol), 0,
		       "no DMA violation: P was alive when the device read it");
	scen_expect(ctx, scen_disk_is(ctx, t->fd, 0, 'P', PAGE_SIZE), "the target holds 'P'");
	scen_expect_eq(ctx, after.live_folios - before.live_folios, -1,
		       "P was freed once, by the I/O's release");

	scen_step(ctx, "grow p back to 4 KiB and read it");
	scen_expect_eq(ctx, sim_ftruncate(fd, PAGE_SIZE), 0, "ftruncate(p, 4096)");
	{
		unsigned long b = scen_mmap(ctx, PAGE_SIZE);

		scen_expect(ctx, b && sim_pread(fd, b, PAGE_SIZE, 0) == PAGE_SIZE &&
				 scen_user_is(b, 0, PAGE_SIZE), "a hole: zeros");
		scen_munmap(ctx, b, PAGE_SIZE);
	}
	q = scen_fs_cache_folio(fd, 0);
	scen_expect(ctx, q && q->gen != gen, "a new cache folio: P never came back");
	if (q)
		folio_put(q);

out_close:
	scen_munmap(ctx, addr, PAGE_SIZE);
	sim_close(fd);
	sim_aio_destroy(ring);
	return true;
}

/**
 * scen_r10_truncate_pinned() - run R10, truncate while a page-cache page is pinned.
 * @ctx: the running scenario: its profile, narration and checks
 *	(sim_scenario_run() prepares it and calls this through the table).
 *
 * Boots its own machine, drives the steps the file's header describes,
 * records every expectation in @ctx and shuts the machine down.
 *
 * Return: 0 once it has run (the verdict is in @ctx), or the -errno of a
 * set-up that failed before any step (the boot).
 */
int scen_r10_truncate_pinned(struct sim_scenario_ctx *ctx)
{
	static const struct scen_backings run = {
		.name = "q", .c = 'Q', .len = PAGE_SIZE, .fs_for_raw = true, .round = r10_round,
	};

	return scen_run_backings(ctx, &run);
}
