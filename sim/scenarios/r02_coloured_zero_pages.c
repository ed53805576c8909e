// SPDX-License-Identifier: GPL-2.0
/*
 * R02, coloured zero pages (scenarios.md §6, bug B1 as Linus pointed it
 * out in the series' thread): MIPS with virtual cache aliasing (and s390)
 * have several zero pages, ZERO_PAGE(vaddr) picking one by the address's
 * colour, so is_zero_page() must test a pfn range, not page == ZERO_PAGE(0).
 *
 * The machine has 8 colours. 19 untouched pages starting at colour 3 are
 * pinned R/O directly, then written to a `ram` disk with O_DIRECT.
 * v6.5: no colour's refcount ever moves. v6.4 and v21 (which still pin
 * the zero page): each pin adds 1024 to its colour; the release must
 * recognise every colour - all 8 go back to 1 either way.
 */
#include <stdio.h>

#include "sim/scenarios/scen.h"

#define R02_COLOURS	8
#define R02_PAGES	(2 * R02_COLOURS + 3)

static long r02_zero_refs(long *per)
{
	long sum = 0;
	int c;

	for (c = 0; c < R02_COLOURS; c++) {
		per[c] = page_ref_count(pfn_to_page(zero_pfn + c));
		sum += per[c];
	}
	return sum;
}

static void r02_show(struct sim_scenario_ctx *ctx)
{
	long per[R02_COLOURS];
	char line[200];
	int c, n = 0;

	scen_counter(ctx, "sum of ref(Z0..Z7)", r02_zero_refs(per));
	for (c = 0; c < R02_COLOURS; c++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, " Z%d=%ld", c, per[c]);
	scen_note(ctx, "ref:%s", line);
}

/**
 * scen_r02_coloured_zero_pages() - run R02, coloured zero pages.
 * @ctx: the running scenario: its profile, narration and checks
 *	(sim_scenario_run() prepares it and calls this through the table).
 *
 * Boots its own machine, drives the steps the file's header describes,
 * records every expectation in @ctx and shuts the machine down.
 *
 * Return: 0 once it has run (the verdict is in @ctx), or the -errno of a
 * set-up that failed before any step (the boot).
 */
int scen_r02_coloured_zero_pages(struct sim_scenario_ctx *ctx)
{
	const struct sim_config cfg = { .mem_bytes = 32UL << 20, .nr_zero_pages = R02_COLOURS };
	const size_t map_len = (R02_PAGES + R02_COLOURS) * PAGE_SIZE;
	long per[R02_COLOURS], want;
	struct page *pages[R02_PAGES];
	int per_colour[R02_COLOURS] = { 0 };
	unsigned long map, addr;
	int i, c, fd, err;
	long ret;
	bool exact = true, all_zero = true, only_c0 = true;

	err = scen_boot(ctx, &cfg);
	if (err)
		return err;
	if (scen_ramdisk(ctx, "ram0", 1UL << 20, 512))
		goto out_shutdown;

	scen_step(ctx, "map %d untouched pages starting at colour 3", R02_PAGES);
	map = scen_mmap_small(ctx, map_len);
	if (!map)
		goto out_disk;
	addr = map + ((3 - (map >> PAGE_SHIFT)) & (R02_COLOURS - 1)) * PAGE_SIZE;
	scen_note(ctx, "colours of the pages: 3 4 5 6 7 0 1 2 3 ... (ZERO_PAGE(vaddr) of each)");
	r02_show(ctx);

	scen_step(ctx, "pin all %d R/O (pin_user_pages_fast), hold them", R02_PAGES);
	ret = pin_user_pages_fast(addr, R02_PAGES, 0, pages);
	if (!scen_expect_eq(ctx, ret, R02_PAGES, "every pin succeeds"))
		goto out_unmap;
	for (i = 0; i < R02_PAGES; i++) {
		unsigned long a = addr + (unsigned long)i * PAGE_SIZE;

		c = (int)((a >> PAGE_SHIFT) % R02_COLOURS);
		per_colour[c]++;
		exact &= pages[i] == ZERO_PAGE(a) && page_to_pfn(pages[i]) == zero_pfn + c;
		all_zero &= is_zero_page(pages[i]);
		only_c0 &= (pages[i] == ZERO_PAGE(0)) == (c == 0);
	}
	r02_show(ctx);
	scen_expect(ctx, exact, "each pin returned exactly ZERO_PAGE(addr), its own colour");
	scen_expect(ctx, all_zero, "is_zero_page() is true for all 8 colours");
	scen_expect(ctx, only_c0, "but page == ZERO_PAGE(0) only for colour 0");
	r02_zero_refs(per);
	for (c = 0, exact = true; c < R02_COLOURS; c++) {
		want = scen_pins_zero_page(ctx) ? 1 + 1024L * per_colour[c] : 1;
		exact &= per[c] == want;
	}
	if (scen_pins_zero_page(ctx))
		scen_expect(ctx, exact, "%s: every colour's refcount rose by 1024 per pin",
			    sim_profile_name(ctx->profile));
	else
		scen_expect(ctx, exact, "no colour's refcount moved");

	scen_step(ctx, "unpin them all");
	unpin_user_pages(pages, R02_PAGES);
	r02_show(ctx);
	r02_zero_refs(per);
	for (c = 0, exact = true; c < R02_COLOURS; c++)
		exact &= per[c] == 1;
	scen_expect(ctx, exact, "the release recognised all 8 colours: every ref(Zc) is 1");

	scen_step(ctx, "O_DIRECT write of the %d untouched pages to a `ram` disk", R02_PAGES);
	fd = scen_open(ctx, "/dev/ram0", O_RDWR | O_DIRECT);
	if (fd >= 0) {
		scen_disk_fill(ctx, fd, 0, 0x5a, R02_PAGES * PAGE_SIZE);
		scen_counter(ctx, "pinio_zero_page_pins", (long)sim_vmstat("pinio_zero_page_pins"));
		ret = sim_pwrite(fd, addr, R02_PAGES * PAGE_SIZE, 0);
		scen_counter(ctx, "pinio_zero_page_pins", (long)sim_vmstat("pinio_zero_page_pins"));
		r02_show(ctx);
		scen_expect_eq(ctx, ret, R02_PAGES * (long)PAGE_SIZE, "the write completes");
		scen_expect(ctx, scen_disk_is(ctx, fd, 0, 0, R02_PAGES * PAGE_SIZE),
			    "the disk holds zeros: every colour reads as zeros");
		r02_zero_refs(per);
		for (c = 0, exact = true; c < R02_COLOURS; c++)
			exact &= per[c] == 1;
		scen_expect(ctx, exact, "every ref(Zc) is 1 after the I/O");
		sim_close(fd);
	}
	scen_expect_eq(ctx, scen_pins_in_flight(), 0, "pins acquired == released");

out_unmap:
	scen_munmap(ctx, map, map_len);
out_disk:
	sim_disk_destroy("ram0");
out_shutdown:
	scen_shutdown(ctx);
	return 0;
}
