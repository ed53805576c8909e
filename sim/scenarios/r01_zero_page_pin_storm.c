// SPDX-License-Identifier: GPL-2.0
/*
 * R01, the zero-page pin storm (scenarios.md §6, bug B1, c8070b787519
 * "mm: Don't pin ZERO_PAGE in pin_user_pages()").
 *
 * A small folio's refcount is a signed 32-bit count and each FOLL_PIN adds
 * GUP_PIN_COUNTING_BIAS (1024): only 2^31 / 2^10 = 2^21 pins fit. Untouched
 * anonymous memory is read-faulted to the shared zero page, so async DIO
 * writes from an 8 GiB untouched buffer pinned the one zero page 2^21 times.
 *
 * Two parts, each on the real paths:
 *  A. 3 * 2^21 zero-page pins held at once through pin_user_pages
 *     (v6.5: nothing moves; v6.4 and v21, which still pin the zero page:
 *     pin 2^21 wraps the count, the next pin - and any plain get - is
 *     refused: a system-wide denial of service);
 *  B. 2^15 + 1 async O_DIRECT writes of 256 KiB from an untouched 8 GiB
 *     buffer to a `null` disk that holds them, 2^21 + 64 zero-page PTEs in
 *     flight. v6.5: the zero page never moves. v6.4: block DIO took
 *     FOLL_GET references, +1 each, so it climbs by exactly the pages in
 *     flight. v21 (the series as posted, before c8070b787519): DIO pins,
 *     so pin 2^21 wraps the count, the last write is refused (-ENOMEM),
 *     and when the disk runs the held bios the DMA engine finds write 0's
 *     source page with a count <= 0 and refuses it (I9: one violation,
 *     -EIO); its unpins wrap the count back and the rest complete.
 */
#include <stdlib.h>

#include "sim/scenarios/scen.h"

#define R01_WRAP	(1UL << 21)		/* the pin that wraps a base-1 count */
#define R01_STORM	(3 * R01_WRAP)		/* pins held in part A */
#define R01_CHUNK	(1UL << 16)
#define R01_WPAGES	64UL			/* 256 KiB per write */
#define R01_WRITES	((1UL << 15) + 1)	/* 2^21 + 64 pages in flight */
#define R01_BYTES	(R01_WRITES * R01_WPAGES * PAGE_SIZE)

static void r01_counters(struct sim_scenario_ctx *ctx)
{
	scen_counter(ctx, "ref(Z)", page_ref_count(ZERO_PAGE(0)));
	scen_pin_counters(ctx);
	scen_counter(ctx, "pinio_zero_page_pins", (long)sim_vmstat("pinio_zero_page_pins"));
	scen_counter(ctx, "pinio_foll_get_acquired", (long)sim_vmstat("pinio_foll_get_acquired"));
}

/* Pin @nr pages at @addr, R/O short-term, in chunks; the number pinned. */
static unsigned long r01_pin(unsigned long addr, unsigned long nr, struct page **pages)
{
	unsigned long done = 0;

	while (done < nr) {
		unsigned long n = min(R01_CHUNK, nr - done);
		long ret = pin_user_pages_unlocked(addr + done * PAGE_SIZE, n, pages + done, 0);

		if (ret <= 0)
			break;
		done += (unsigned long)ret;
		if ((unsigned long)ret < n)
			break;
	}
	return done;
}

static void r01_unpin(struct page **pages, unsigned long nr)
{
	unsigned long done;

	for (done = 0; done < nr; done += R01_CHUNK)
		unpin_user_pages(pages + done, min(R01_CHUNK, nr - done));
}

/* Part A, v6.5 and v21: the zero page is never pinned. */
static void r01_pins_untouched(struct sim_scenario_ctx *ctx, unsigned long addr,
			       struct page **pages)
{
	unsigned long got, i;

	scen_step(ctx, "pin all 3*2^21 pages R/O (pin_user_pages), held at once");
	got = r01_pin(addr, R01_STORM, pages);
	r01_counters(ctx);
	scen_expect_eq(ctx, (long)got, (long)R01_STORM, "every pin succeeds");
	for (i = 0; i < got && pages[i] == ZERO_PAGE(0); i++)
		;
	scen_expect(ctx, i == got, "every pinned page is the zero page Z");
	scen_expect_eq(ctx, page_ref_count(ZERO_PAGE(0)), 1, "ref(Z) unchanged while held");
	scen_expect(ctx, !page_maybe_dma_pinned(ZERO_PAGE(0)), "Z does not look DMA-pinned");
	scen_expect_eq(ctx, scen_pins_in_flight(), 0,
		       "zero-page pins are not counted as pins (acquired - released)");

	scen_step(ctx, "unpin them all");
	r01_unpin(pages, got);
	r01_counters(ctx);
	scen_expect_eq(ctx, page_ref_count(ZERO_PAGE(0)), 1, "ref(Z) unchanged after");
}

/* Part A, v6.4 and v21: each pin adds 1024 to Z's count; pin 2^21 wraps it. */
static void r01_pins_overflow(struct sim_scenario_ctx *ctx, unsigned long addr,
			      struct page **pages)
{
	struct page *extra = NULL;
	unsigned long got;
	long ret = 0;

	scen_step(ctx, "pin 2^21 - 1 zero-page PTEs R/O, held (%s pins Z: +1024 each)",
		  sim_profile_name(ctx->profile));
	got = r01_pin(addr, R01_WRAP - 1, pages);
	r01_counters(ctx);
	scen_expect_eq(ctx, (long)got, (long)(R01_WRAP - 1), "every pin succeeds");
	scen_expect_eq(ctx, page_ref_count(ZERO_PAGE(0)), 1 + 1024L * (long)(R01_WRAP - 1),
		       "ref(Z) = 1 + 1024 * (2^21 - 1), just below INT_MAX");

	scen_step(ctx, "pin number 2^21: the guard checks ref < 0 before adding, so it passes");
	got += r01_pin(addr + (R01_WRAP - 1) * PAGE_SIZE, 1, pages + R01_WRAP - 1);
	r01_counters(ctx);
	scen_expect_eq(ctx, (long)got, (long)R01_WRAP, "pin 2^21 succeeds");
	scen_expect(ctx, page_ref_count(ZERO_PAGE(0)) < 0,
		    "ref(Z) wrapped negative: the overflow is reached (%d)",
		    page_ref_count(ZERO_PAGE(0)));

	scen_step(ctx, "one more pin, and a plain get_user_pages, of the next untouched page");
	SCEN_EXPECT_WARN(ctx, "try_grab refuses a page whose count is <= 0",
			 ret = pin_user_pages_unlocked(addr + R01_WRAP * PAGE_SIZE, 1, &extra, 0));
	scen_expect_eq(ctx, ret, -ENOMEM, "the next pin is refused with -ENOMEM");
	SCEN_EXPECT_WARN(ctx, "FOLL_GET refused as well",
			 ret = get_user_pages_fast(addr + R01_WRAP * PAGE_SIZE, 1, 0, &extra));
	scen_expect_eq(ctx, ret, -ENOMEM,
		       "a plain get of Z is refused too: every untouched page is now unusable");
	r01_counters(ctx);

	scen_step(ctx, "unpin all 2^21");
	r01_unpin(pages, got);
	r01_counters(ctx);
	scen_expect_eq(ctx, page_ref_count(ZERO_PAGE(0)), 1, "ref(Z) back to 1");
	scen_expect_eq(ctx, scen_pins_in_flight(), 0, "pins acquired == released");
}

/* Part B: real async O_DIRECT writes from untouched memory, all in flight. */
static void r01_async_dio(struct sim_scenario_ctx *ctx)
{
	struct sim_io_fault hold = { .flags = SIM_IO_HOLD };
	const size_t wlen = R01_WPAGES * PAGE_SIZE;
	long zref = page_ref_count(ZERO_PAGE(0));
	long dma_viol = (long)sim_dma_stat("dma_violations");
	unsigned long buf, i, bad = 0, refused = 0, submitted = 0;
	struct sim_aio *ring;
	int64_t *res = calloc(R01_WRITES, sizeof(*res));
	uint64_t *tags = calloc(R01_WRITES, sizeof(*tags));
	int fd = -1, n, err;

	scen_step(ctx, "a `null` disk that holds every bio; map 8 GiB + 256 KiB untouched");
	if (!res || !tags) {
		scen_expect(ctx, false, "host memory for %lu completions", R01_WRITES);
		goto out_free;
	}
	err = sim_nulldisk_create("null0", R01_BYTES, 512);
	if (err) {
		scen_expect(ctx, false, "sim_nulldisk_create(null0, 8 GiB + 256 KiB) = %d", err);
		goto out_free;
	}
	buf = scen_mmap_small(ctx, R01_BYTES);
	if (!buf)
		goto out_disk;
	fd = scen_open(ctx, "/dev/null0", O_WRONLY | O_DIRECT);
	if (fd < 0)
		goto out_unmap;
	ring = sim_aio_create(R01_WRITES);
	if (IS_ERR(ring)) {
		scen_expect(ctx, false, "sim_aio_create(2^15 + 1) = %ld", PTR_ERR(ring));
		goto out_close;
	}
	if (ctx->profile == SIM_PROFILE_V21) {
		/*
		 * With worker threads, two held writes could be checked while
		 * ref(Z) is still negative; in order, write 0's unpins wrap it
		 * back before write 1 is looked at. Set before anything is
		 * held: the engine refuses to change while a disk holds I/O.
		 */
		scen_note(ctx, "DMA inline, in order: the count of refused writes is deterministic");
		scen_expect_eq(ctx, sim_dma_set_threads(0), 0, "inline DMA");
	}
	sim_disk_inject("null0", &hold);
	r01_counters(ctx);

	scen_step(ctx, "submit 2^15 + 1 async O_DIRECT writes of 256 KiB: 2^21 + 64 zero-page PTEs");
	if (ctx->profile == SIM_PROFILE_V21) {
		scen_note(ctx, "v21 DIO pins the zero page: pin 2^21 wraps ref(Z), the next is refused");
		scen_warn_begin(ctx);
	}
	for (i = 0; i < R01_WRITES; i++) {
		int ret = sim_aio_submit(ring, fd, true, buf + i * wlen, wlen, (off_t)(i * wlen), i);

		if (ret) {
			scen_expect(ctx, false, "submit %lu: %d", i, ret);
			break;
		}
		submitted++;
	}
	if (ctx->profile == SIM_PROFILE_V21)
		scen_warn_end(ctx, "the pin after the wrap is refused");
	r01_counters(ctx);
	scen_expect_eq(ctx, (long)submitted, (long)R01_WRITES, "every write submitted, all held");
	switch (ctx->profile) {
	case SIM_PROFILE_V6_4:
		scen_note(ctx, "v6.4 block DIO takes FOLL_GET references, +1 per page, not 1024");
		scen_expect_eq(ctx, page_ref_count(ZERO_PAGE(0)) - zref,
			       (long)(submitted * R01_WPAGES),
			       "ref(Z) up by exactly the pages in flight");
		scen_expect(ctx, page_ref_count(ZERO_PAGE(0)) > 0, "and no wrap");
		break;
	case SIM_PROFILE_V21:
		scen_expect(ctx, page_ref_count(ZERO_PAGE(0)) < 0,
			    "ref(Z) wrapped negative with the writes in flight (%d)",
			    page_ref_count(ZERO_PAGE(0)));
		scen_expect_eq(ctx, scen_pins_in_flight(), 1L << 21, "2^21 zero-page pins held");
		break;
	case SIM_PROFILE_V6_5:
		scen_expect_eq(ctx, page_ref_count(ZERO_PAGE(0)), zref,
			       "ref(Z) identical with 2^21 + 64 zero-page PTEs in flight");
		scen_expect_eq(ctx, scen_pins_in_flight(), 0, "no pin counted for them");
		break;
	}

	scen_step(ctx, "the disk completes everything; reap");
	sim_disk_inject("null0", NULL);
	scen_expect_eq(ctx, sim_disk_release("null0"),
		       (long)submitted - (ctx->profile == SIM_PROFILE_V21),
		       "bios the disk ran (v21: the refused write never reached it)");
	n = sim_aio_reap(ring, (unsigned int)submitted, (unsigned int)submitted, res, tags);
	for (i = 0; i < (unsigned long)(n > 0 ? n : 0); i++) {
		if (res[i] == (int64_t)wlen)
			continue;
		bad++;
		if (res[i] == -EIO)
			refused++;
		else if (ctx->profile != SIM_PROFILE_V21 || tags[i] != R01_WRITES - 1 ||
			 res[i] != -ENOMEM)
			scen_expect(ctx, false, "write %llu: %lld", (unsigned long long)tags[i],
				    (long long)res[i]);
	}
	r01_counters(ctx);
	scen_expect_eq(ctx, n, (long)submitted, "completions reaped");
	if (ctx->profile == SIM_PROFILE_V21) {
		scen_expect(ctx, refused == 1 && bad == 2,
			    "failed writes: write 0 (-EIO: the DMA engine found ref(Z) <= 0) and "
			    "the last (-ENOMEM: its pin was refused)");
		scen_expect_eq(ctx, (long)sim_dma_stat("dma_violations") - dma_viol, (long)refused,
			       "the DMA engine caught each (I9) instead of touching a dead page");
		scen_expect_violations(ctx, (long)refused);
	} else {
		scen_expect_eq(ctx, (long)bad, 0, "writes that did not complete with 256 KiB");
		scen_expect_eq(ctx, (long)sim_dma_stat("dma_violations") - dma_viol, 0,
			       "no DMA violation");
	}
	scen_expect_eq(ctx, page_ref_count(ZERO_PAGE(0)), zref, "ref(Z) back where it started");
	scen_expect_eq(ctx, scen_pins_in_flight(), 0, "pins acquired == released");

	sim_aio_destroy(ring);
out_close:
	sim_close(fd);
out_unmap:
	scen_munmap(ctx, buf, R01_BYTES);
out_disk:
	sim_disk_destroy("null0");
out_free:
	free(res);
	free(tags);
}

/**
 * scen_r01_zero_page_pin_storm() - run R01, zero-page pin storm.
 * @ctx: the running scenario: its profile, narration and checks
 *	(sim_scenario_run() prepares it and calls this through the table).
 *
 * Boots its own machine, drives the steps the file's header describes,
 * records every expectation in @ctx and shuts the machine down.
 *
 * Return: 0 once it has run (the verdict is in @ctx), or the -errno of a
 * set-up that failed before any step (the boot).
 */
int scen_r01_zero_page_pin_storm(struct sim_scenario_ctx *ctx)
{
	const struct sim_config cfg = { .mem_bytes = 128UL << 20 };
	unsigned long addr;
	struct page **pages;
	size_t len = (R01_STORM + 1) * PAGE_SIZE;
	int err;

	err = scen_boot(ctx, &cfg);
	if (err)
		return err;

	scen_step(ctx, "map 3*2^21 + 1 untouched anonymous pages (24 GiB virtual)");
	scen_note(ctx, "a R/O pin read-faults each PTE to the shared zero page Z");
	addr = scen_mmap_small(ctx, len);
	pages = malloc(R01_STORM * sizeof(*pages));
	r01_counters(ctx);
	if (!pages)
		scen_expect(ctx, false, "host memory for the page array");
	if (addr && pages) {
		if (ctx->profile != SIM_PROFILE_V6_5)
			r01_pins_overflow(ctx, addr, pages);
		else
			r01_pins_untouched(ctx, addr, pages);
	}
	free(pages);
	scen_munmap(ctx, addr, len);

	r01_async_dio(ctx);
	scen_shutdown(ctx);
	return 0;
}
