// SPDX-License-Identifier: GPL-2.0
/*
 * R14, large-folio coalescing and tail pages (scenarios.md §6, bugs B10,
 * 5afb4bf9fc62 - io_uring pinned a tail page and unpinned the head - and
 * B14, a folio's N pages coalesced into one bvec must be pinned and
 * released per page, charged to the one folio).
 *
 * An O_DIRECT read of 16 KiB into a 2 MiB THP starting at its tail page
 * 100 (the model has no 64 KiB mTHP; the folio is bigger, the point the
 * same), on a `ram` disk whose hook looks at the folio while the driver
 * holds the bio:
 *   head ... [T100 T101 T102 T103] ... T511
 * Expect the bvec to name tail page 100, the folio's _pincount 0 -> 4 -> 0
 * and its refcount base -> base + 4 -> base, no "unpinning an unpinned
 * page" violation, and the device's bytes in the buffer. v6.4 holds 4
 * FOLL_GET references and no pin.
 */
#include "sim/scenarios/scen.h"

struct r14_seen {
	struct folio *folio;
	struct page *first;
	long pincount, refs;
	unsigned int vcnt;
};

static void r14_hook(const struct bio *bio, void *arg)
{
	struct r14_seen *s = arg;

	s->first = bio->bi_vcnt ? bio->bi_io_vec[0].bv_page : NULL;
	s->vcnt = bio->bi_vcnt;
	s->pincount = atomic_read(&s->folio->_pincount);
	s->refs = folio_ref_count(s->folio);
}

/**
 * scen_r14_large_folio_tail() - run R14, large-folio coalescing and tail pages.
 * @ctx: the running scenario: its profile, narration and checks
 *	(sim_scenario_run() prepares it and calls this through the table).
 *
 * Boots its own machine, drives the steps the file's header describes,
 * records every expectation in @ctx and shuts the machine down.
 *
 * Return: 0 once it has run (the verdict is in @ctx), or the -errno of a
 * set-up that failed before any step (the boot).
 */
int scen_r14_large_folio_tail(struct sim_scenario_ctx *ctx)
{
	const struct sim_config cfg = { .mem_bytes = 64UL << 20, .thp = true };
	struct r14_seen seen = { 0 };
	unsigned long thp = 0, map = 0, dst;
	struct page *head;
	size_t map_len = 0;
	long base, ret;
	int fd = -1, err;

	err = scen_boot(ctx, &cfg);
	if (err)
		return err;
	if (scen_ramdisk(ctx, "ram0", 1UL << 20, 512))
		goto out;
	fd = scen_open(ctx, "/dev/ram0", O_RDWR | O_DIRECT);
	if (fd < 0)
		goto out;
	scen_disk_fill(ctx, fd, 0, 'F', 4 * PAGE_SIZE);

	scen_step(ctx, "a 2 MiB THP; the buffer starts at its tail page 100");
	thp = scen_mmap_thp(ctx, 'x', &map, &map_len);
	if (!thp)
		goto out;
	head = scen_page(thp);
	seen.folio = page_folio(head);
	dst = thp + 100 * PAGE_SIZE;
	base = folio_ref_count(seen.folio);
	scen_counter(ctx, "_pincount(folio)", atomic_read(&seen.folio->_pincount));
	scen_counter(ctx, "ref(folio)", folio_ref_count(seen.folio));
	sim_disk_set_bio_hook("ram0", r14_hook, &seen);

	scen_step(ctx, "O_DIRECT read of 16 KiB into T100..T103");
	ret = sim_pread(fd, dst, 4 * PAGE_SIZE, 0);
	scen_expect_eq(ctx, ret, 4 * PAGE_SIZE, "the read");
	scen_note(ctx, "while the driver held the bio: bvec[0] = head + %ld, %u bvec(s)",
		  seen.first ? (long)(seen.first - head) : -1L, seen.vcnt);
	scen_counter(ctx, "_pincount(folio)", seen.pincount);
	scen_counter(ctx, "ref(folio)", seen.refs);
	scen_expect(ctx, seen.first == head + 100, "the bvec names tail page 100, not the head");
	scen_expect_eq(ctx, seen.vcnt, 1, "the 4 subpages coalesced into one bvec");
	if (scen_v64(ctx)) {
		scen_expect_eq(ctx, seen.pincount, 0, "v6.4: no pin");
		scen_expect_eq(ctx, seen.refs - base, 4, "v6.4: 4 references on the folio");
	} else {
		scen_expect_eq(ctx, seen.pincount, 4, "_pincount(folio) = 4 while in flight");
		scen_expect_eq(ctx, seen.refs - base, 4, "ref(folio) + 4 (one per subpage pin)");
	}
	scen_note(ctx, "after completion:");
	scen_counter(ctx, "_pincount(folio)", atomic_read(&seen.folio->_pincount));
	scen_counter(ctx, "ref(folio)", folio_ref_count(seen.folio));
	scen_expect_eq(ctx, atomic_read(&seen.folio->_pincount), 0, "_pincount back to 0");
	scen_expect_eq(ctx, folio_ref_count(seen.folio), base, "ref(folio) back to its base");
	scen_expect(ctx, scen_user_is(dst, 'F', 4 * PAGE_SIZE), "the buffer holds the disk's bytes");
	scen_expect(ctx, scen_user_is(dst - PAGE_SIZE, 'x', PAGE_SIZE) &&
			 scen_user_is(dst + 4 * PAGE_SIZE, 'x', PAGE_SIZE),
		    "its neighbours T99 and T104 untouched");

out:
	sim_disk_set_bio_hook("ram0", NULL, NULL);
	if (fd >= 0)
		sim_close(fd);
	scen_munmap(ctx, map, map_len);
	sim_disk_destroy("ram0");
	scen_shutdown(ctx);
	return 0;
}
