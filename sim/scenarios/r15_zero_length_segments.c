// SPDX-License-Identifier: GPL-2.0
/*
 * R15, zero-length segments (scenarios.md §6, bug B9, f741bd7178c9
 * "iov_iter: Fix iov_iter_extract_pages() with zero-sized entries"):
 * iov_iter_extract_{kvec,bvec}_pages() clamped maxsize to the current
 * segment's remaining length; a zero-length first segment made it 0, and
 * extraction returned nothing at all.
 *
 * The range table of the kernel's lib/kunit_iov_iter.c - a leading {2,2},
 * then odd ranges up to the end of a 1 MiB buffer - loaded as a KVEC and
 * as a BVEC iterator over a 1 MiB kernel folio, extracted at most 8 pages
 * and 100 KiB per call into a list poisoned before each call.
 * Expect every call to return > 0 while bytes remain, offset0 < PAGE_SIZE,
 * iter.count == size - len after each call, every page pointer exact, no
 * pin or reference taken (kernel iterators), and the total equal to the
 * sum of the non-empty ranges. The profile changes nothing here.
 */
#include "sim/scenarios/scen.h"

#define R15_LIST	8
#define R15_CHUNK	(100UL << 10)
#define R15_POISON	((struct page *)0xaa55aa55aa55aa55UL)

static const struct { size_t from, to; } r15_ranges[] = {
	{ 0x00002, 0x00002 }, { 0x00027, 0x03000 }, { 0x05193, 0x18794 },
	{ 0x20000, 0x20000 }, { 0x20000, 0x24000 }, { 0x24000, 0x27001 },
	{ 0x29000, 0xffffb }, { 0xffffd, 0xffffe },
};
#define R15_NR	ARRAY_SIZE(r15_ranges)

/* Extract everything from @iter, checking each call against the table. */
static void r15_extract(struct sim_scenario_ctx *ctx, struct iov_iter *iter, struct folio *f,
			size_t size)
{
	struct page *list[R15_LIST], **pages = list;
	size_t total = 0, from = r15_ranges[0].from, remaining = size;
	unsigned long acq = sim_vmstat("nr_foll_pin_acquired");
	unsigned int ri = 0, calls = 0, bad_ptr = 0, bad_count = 0, bad_off = 0;
	long ref = folio_ref_count(f);

	while (iov_iter_count(iter) > 0) {
		size_t offset0 = SIZE_MAX, npages, k, left;
		ssize_t len;

		for (k = 0; k < R15_LIST; k++)
			list[k] = R15_POISON;
		len = iov_iter_extract_pages(iter, &pages, R15_CHUNK, R15_LIST, 0, &offset0);
		calls++;
		if (len <= 0) {
			scen_expect(ctx, false, "call %u returned %zd with %zu bytes left", calls, len,
				    remaining);
			return;
		}
		bad_off += offset0 >= PAGE_SIZE;
		remaining -= (size_t)len;
		bad_count += iter->count != remaining;
		total += (size_t)len;
		npages = DIV_ROUND_UP(offset0 + (size_t)len, PAGE_SIZE);
		left = (size_t)len;
		for (k = 0; k < npages && k < R15_LIST; k++) {
			size_t part = min(left, PAGE_SIZE - (k ? 0 : offset0));

			while (ri < R15_NR && from == r15_ranges[ri].to) {
				if (++ri < R15_NR)
					from = r15_ranges[ri].from;
			}
			if (ri >= R15_NR || list[k] != folio_page(f, from / PAGE_SIZE))
				bad_ptr++;
			from += part;
			left -= part;
		}
	}
	scen_note(ctx, "%u calls, %zu bytes", calls, total);
	scen_expect_eq(ctx, (long)total, (long)size, "total == sum of the non-empty ranges");
	scen_expect_eq(ctx, bad_count, 0, "calls after which iter.count != size - len");
	scen_expect_eq(ctx, bad_off, 0, "calls with offset0 >= PAGE_SIZE");
	scen_expect_eq(ctx, bad_ptr, 0, "page pointers that were not exactly the expected page");
	scen_expect_eq(ctx, (long)(sim_vmstat("nr_foll_pin_acquired") - acq), 0, "no pin taken");
	scen_expect_eq(ctx, folio_ref_count(f), ref, "no reference taken");
}

/**
 * scen_r15_zero_length_segments() - run R15, zero-length segments.
 * @ctx: the running scenario: its profile, narration and checks
 *	(sim_scenario_run() prepares it and calls this through the table).
 *
 * Boots its own machine, drives the steps the file's header describes,
 * records every expectation in @ctx and shuts the machine down.
 *
 * Return: 0 once it has run (the verdict is in @ctx), or the -errno of a
 * set-up that failed before any step (the boot).
 */
int scen_r15_zero_length_segments(struct sim_scenario_ctx *ctx)
{
	struct kvec kv[R15_NR];
	struct bio_vec bv[R15_NR];
	struct iov_iter iter;
	struct folio *f;
	size_t size = 0;
	unsigned int i;
	int err;

	err = scen_boot(ctx, NULL);
	if (err)
		return err;

	scen_step(ctx, "a 1 MiB kernel folio; the kunit_iov_iter range table, {2,2} first");
	f = folio_alloc_owner(GFP_KERNEL, 8, OWNER_TEST);
	if (!f) {
		scen_expect(ctx, false, "an order-8 folio");
		goto out;
	}
	for (i = 0; i < R15_NR; i++) {
		size_t from = r15_ranges[i].from, len = r15_ranges[i].to - from;

		kv[i].iov_base = (char *)folio_address(f) + from;
		kv[i].iov_len = len;
		bv[i].bv_page = folio_page(f, from / PAGE_SIZE);
		bv[i].bv_offset = (unsigned int)(from % PAGE_SIZE);
		bv[i].bv_len = (unsigned int)len;
		size += len;
		scen_note(ctx, "{%#07zx, %#07zx}%s", from, r15_ranges[i].to, len ? "" : "  (empty)");
	}

	scen_step(ctx, "KVEC: extract at most 8 pages / 100 KiB per call until empty");
	iov_iter_kvec(&iter, ITER_DEST, kv, R15_NR, size);
	scen_expect(ctx, !iov_iter_extract_will_pin(&iter), "a kernel iterator: extraction will not pin");
	r15_extract(ctx, &iter, f, size);

	scen_step(ctx, "BVEC: the same ranges as multi-page bvecs");
	iov_iter_bvec(&iter, ITER_DEST, bv, R15_NR, size);
	r15_extract(ctx, &iter, f, size);

	folio_put(f);
out:
	scen_shutdown(ctx);
	return 0;
}
