// SPDX-License-Identifier: GPL-2.0
/*
 * R08, the Dirty COW race (scenarios.md §6, bug B4, CVE-2016-5195): a
 * FOLL_FORCE write through GUP into a private read-only file mapping must
 * COW a private copy, and keep writing to that copy even when the copy is
 * discarded under it. The old bug retried as a read after the COW broke,
 * and a racing MADV_DONTNEED let the write reach the page-cache page of a
 * file the process could not write.
 *
 * File F on simfs holds 'F'. A private R/O mapping of it; then, 5000
 * times, as the exploit interleaves: a FORCE|WRITE pin of the mapping,
 * 'X' stored through the pin, unpin (dirtying), MADV_DONTNEED.
 * Expect every pin to return a private anonymous copy, never the cache
 * page; the cache page and F's bytes on the disk (after a remount) still
 * 'F'; the mapping reading 'F' again after each discard.
 */
#include <string.h>

#include "sim/scenarios/scen.h"

#define R08_ROUNDS	5000

/**
 * scen_r08_dirty_cow() - run R08, dirty-COW race.
 * @ctx: the running scenario: its profile, narration and checks
 *	(sim_scenario_run() prepares it and calls this through the table).
 *
 * Boots its own machine, drives the steps the file's header describes,
 * records every expectation in @ctx and shuts the machine down.
 *
 * Return: 0 once it has run (the verdict is in @ctx), or the -errno of a
 * set-up that failed before any step (the boot).
 */
int scen_r08_dirty_cow(struct sim_scenario_ctx *ctx)
{
	unsigned long addr = 0, i, not_copy = 0, cache_hit = 0, failed = 0;
	struct folio *cache = NULL;
	int fd = -1, err;

	err = scen_boot(ctx, NULL);
	if (err)
		return err;
	if (scen_fs_setup(ctx, NULL))
		goto out;

	scen_step(ctx, "file F (4 KiB of 'F', fsync'd); mmap(PROT_READ, MAP_PRIVATE)");
	fd = scen_fs_create(ctx, "F", 'F', PAGE_SIZE);
	if (fd < 0)
		goto out_fs;
	addr = sim_mmap(0, PAGE_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
	if (IS_ERR_VALUE(addr)) {
		scen_expect(ctx, false, "sim_mmap(F) = %ld", (long)addr);
		addr = 0;
		goto out_close;
	}
	scen_expect(ctx, scen_user_is(addr, 'F', PAGE_SIZE), "the mapping reads 'F'");
	cache = scen_fs_cache_folio(fd, 0);
	if (!cache) {
		scen_expect(ctx, false, "F's page-cache folio");
		goto out_unmap;
	}
	scen_counter(ctx, "pinio_cow_faults", (long)sim_vmstat("pinio_cow_faults"));

	scen_step(ctx, "%d rounds: pin(FOLL_WRITE|FOLL_FORCE), store 'X', unpin, MADV_DONTNEED",
		  R08_ROUNDS);
	for (i = 0; i < R08_ROUNDS; i++) {
		struct page *page = NULL;

		if (pin_user_pages_unlocked(addr, 1, &page, FOLL_WRITE | FOLL_FORCE) != 1) {
			failed++;
			break;
		}
		not_copy += !PageAnon(page);
		cache_hit += page == &cache->page;
		memset(page_address(page), 'X', 64);
		unpin_user_pages_dirty_lock(&page, 1, true);
		if (sim_madvise(addr, PAGE_SIZE, MADV_DONTNEED)) {
			failed++;
			break;
		}
	}
	scen_counter(ctx, "pinio_cow_faults", (long)sim_vmstat("pinio_cow_faults"));
	scen_expect_eq(ctx, (long)failed, 0, "pins or discards that failed");
	scen_expect_eq(ctx, (long)not_copy, 0, "forced writes that did not land in an anon copy");
	scen_expect_eq(ctx, (long)cache_hit, 0, "forced writes that got the page-cache page");
	scen_expect(ctx, scen_mem_is(folio_address(cache), 'F', PAGE_SIZE),
		    "the page-cache page still holds 'F'");
	scen_expect(ctx, !folio_test_dirty(cache), "and was never dirtied");
	scen_expect(ctx, scen_user_is(addr, 'F', PAGE_SIZE),
		    "after the last discard the mapping reads 'F' again");
	folio_put(cache);

out_unmap:
	scen_munmap(ctx, addr, PAGE_SIZE);
out_close:
	if (fd >= 0)
		sim_close(fd);
	if (fd >= 0) {
		scen_step(ctx, "remount: what F holds on the disk");
		scen_expect(ctx, scen_fs_file_is(ctx, "F", 0, 'F', PAGE_SIZE),
			    "F's bytes on the disk are still 'F'");
	}
out_fs:
	scen_fs_teardown(ctx);
out:
	scen_shutdown(ctx);
	return 0;
}
