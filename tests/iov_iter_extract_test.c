// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for page extraction from iterators (kernel-semantics.md §4):
 * iov_iter_extract_pages() over range tables with a poisoned 8-entry page
 * list, regression R15 (B9, zero-length entries), EDGE-11..13, pin
 * accounting (R-ITER-6, EDGE-7, EDGE-38) and the FOLL_GET contrast of
 * iov_iter_get_pages2() (R-ITER-13). The fixture (the 1 MiB buffer of
 * any kind, the range tables) is tests/iov_iter_fixture.c; each case
 * boots its own machine.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pinio/fault-inject.h>
#include <pinio/fs.h>
#include <pinio/sim.h>
#include <pinio/uaccess.h>
#include <pinio/uio.h>

#include "kunit/test.h"
#include "mm/internal.h"
#include "mm_helpers.h"
#include "sim/sim.h"
#include "iov_iter_fixture.h"

/* ---- extraction over range tables (R15) ---------------------------------- */

struct iov_kunit_extract_param {
	enum iov_kunit_kind kind;
	const struct iov_kunit_table *t;
};

static const struct iov_kunit_extract_param iov_kunit_extract_params[] = {
	{ IOV_KUNIT_KVEC, &iov_kunit_mixed },
	{ IOV_KUNIT_KVEC, &iov_kunit_empties },
	{ IOV_KUNIT_KVEC, &iov_kunit_aligned },
	{ IOV_KUNIT_KVEC, &iov_kunit_edges },
	{ IOV_KUNIT_BVEC, &iov_kunit_mixed },
	{ IOV_KUNIT_BVEC, &iov_kunit_empties },
	{ IOV_KUNIT_BVEC, &iov_kunit_aligned },
	{ IOV_KUNIT_BVEC, &iov_kunit_edges },
	{ IOV_KUNIT_IOVEC, &iov_kunit_mixed },
	{ IOV_KUNIT_IOVEC, &iov_kunit_empties },
	{ IOV_KUNIT_IOVEC, &iov_kunit_aligned },
	{ IOV_KUNIT_IOVEC, &iov_kunit_edges },
	{ IOV_KUNIT_UBUF, &iov_kunit_single },
};

static void iov_kunit_extract_desc(const struct iov_kunit_extract_param *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s %s", iov_kunit_kind_name[p->kind], p->t->name);
}

KUNIT_ARRAY_PARAM(iov_kunit_extract, iov_kunit_extract_params, iov_kunit_extract_desc);

/*
 * R15 (B9) and R-ITER-5..8: extract a whole table of ranges, at most
 * 100 KiB and 8 pages per call, into a list poisoned with
 * 0xaa55aa55aa55aa55 before each call. Zero-length ranges (the leading
 * {2,2} among them) must be skipped, not end the walk.
 *   ranges:  {2,2} {0x27,0x3000} {0x5193,0x18794} ...
 *   calls:    ---   [8 pages]     [8 pages][8 pages] ...
 * Expect each call > 0 while bytes remain, offset0 < PAGE_SIZE and equal
 * to the range's page offset, len <= remaining, iter.count == size - len,
 * every page pointer exact, entries past the last page still poisoned,
 * and the total equal to the sum of the non-empty ranges. User-backed
 * pages are pinned once each (then unpinned); kernel ones are not.
 */
static void iov_kunit_extract_ranges(struct kunit *test)
{
	const struct iov_kunit_extract_param *p = test->param_value;
	const struct iov_kunit_table *t = p->t;
	struct iov_kunit_buf *b = iov_kunit_buf_setup(test, p->kind);
	struct page *pagelist[IOV_KUNIT_LIST], **pages = pagelist;
	bool user = p->kind == IOV_KUNIT_IOVEC || p->kind == IOV_KUNIT_UBUF;
	size_t size, total = 0, from;
	unsigned int ri = 0, calls = 0;
	struct iov_kunit_snap snap;
	struct iov_iter iter;

	size = iov_kunit_load(test, b, &iter, ITER_DEST, t);
	KUNIT_EXPECT_EQ(test, iov_iter_extract_will_pin(&iter), user);
	iov_kunit_snap(&snap);
	from = t->r[0].from;
	while (iov_iter_count(&iter) > 0) {
		size_t offset0 = SIZE_MAX, npages, k, left;
		unsigned long pins = sim_vmstat("nr_foll_pin_acquired");
		ssize_t len;

		for (k = 0; k < IOV_KUNIT_LIST; k++)
			pagelist[k] = IOV_KUNIT_POISON;
		len = iov_iter_extract_pages(&iter, &pages, IOV_KUNIT_CHUNK, IOV_KUNIT_LIST, 0,
					     &offset0);
		KUNIT_ASSERT_GT_MSG(test, len, 0, "call %u, %zu bytes left", calls, size);
		KUNIT_ASSERT_PTR_EQ(test, pages, pagelist);
		KUNIT_EXPECT_LT(test, offset0, PAGE_SIZE);
		KUNIT_EXPECT_LE(test, len, size);
		KUNIT_EXPECT_LE(test, len, IOV_KUNIT_CHUNK);
		KUNIT_EXPECT_EQ(test, iter.count, size - len);
		size -= len;
		total += len;
		npages = DIV_ROUND_UP(offset0 + len, PAGE_SIZE);
		KUNIT_ASSERT_LE(test, npages, IOV_KUNIT_LIST);
		KUNIT_EXPECT_EQ(test, sim_vmstat("nr_foll_pin_acquired") - pins,
				user ? npages : 0);

		left = len;
		for (k = 0; k < npages; k++) {
			size_t part = min(left, PAGE_SIZE - (k ? 0 : offset0));

			while (from == t->r[ri].to) {
				KUNIT_ASSERT_LT(test, ++ri, t->nr);
				from = t->r[ri].from;
			}
			KUNIT_EXPECT_LE(test, from + part, t->r[ri].to);
			KUNIT_EXPECT_PTR_EQ_MSG(test, pagelist[k], b->pages[from / PAGE_SIZE],
						"call %u, page %zu, byte %#zx", calls, k, from);
			KUNIT_EXPECT_EQ(test, k ? 0 : offset0, from % PAGE_SIZE);
			KUNIT_EXPECT_EQ(test, page_maybe_dma_pinned(pagelist[k]), user);
			from += part;
			left -= part;
		}
		KUNIT_EXPECT_EQ(test, left, 0);
		for (; k < IOV_KUNIT_LIST; k++)
			KUNIT_EXPECT_PTR_EQ(test, pagelist[k], IOV_KUNIT_POISON);
		if (user)
			unpin_user_pages(pagelist, npages);
		calls++;
		if (test->status == KUNIT_FAILURE)
			break;
	}
	KUNIT_EXPECT_EQ(test, size, 0);
	KUNIT_EXPECT_EQ(test, iter.count, 0);
	KUNIT_EXPECT_EQ(test, total, iov_kunit_load(test, b, &iter, ITER_DEST, t));
	__iov_kunit_expect_unchanged(test, &snap, user);
	iov_kunit_buf_teardown(test, b);
}

/*
 * R15 with *pages == NULL: extraction allocates the array itself
 * (R-ITER-5), min(maxpages, pages spanned) entries, and the caller
 * kvfree()s it. KVEC with a leading {2,2} range.
 * Expect the first call to skip the empty range and return the 8 pages
 * of {0x27, 0x9000} at offset0 0x27 in a fresh array.
 */
static void extract_pages_allocates_array(struct kunit *test)
{
	static const struct iov_kunit_table t = {
		"alloc", 2, { { 0x2, 0x2 }, { 0x27, 0x9000 } },
	};
	struct iov_kunit_buf *b = iov_kunit_buf_setup(test, IOV_KUNIT_KVEC);
	struct page **pages = NULL;
	struct iov_iter iter;
	size_t offset0 = SIZE_MAX;
	ssize_t len;
	int k;

	iov_kunit_load(test, b, &iter, ITER_SOURCE, &t);
	len = iov_iter_extract_pages(&iter, &pages, SIZE_MAX, 64, 0, &offset0);
	KUNIT_EXPECT_EQ(test, len, 0x9000 - 0x27);
	KUNIT_EXPECT_EQ(test, offset0, 0x27);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	for (k = 0; k < 9; k++)
		KUNIT_EXPECT_PTR_EQ(test, pages[k], b->pages[k]);
	KUNIT_EXPECT_EQ(test, iter.count, 0);
	kvfree(pages);
	iov_kunit_buf_teardown(test, b);
}

/*
 * The page array allocation fails (fault injection F2, FAULT_META_ALLOC)
 * for each iterator kind with *pages == NULL.
 * Expect -ENOMEM, *pages still NULL, the iterator unchanged and no pin,
 * reference or fault taken.
 */
static void extract_pages_alloc_fails(struct kunit *test)
{
	static const struct iov_kunit_table t = { "one", 1, { { 0x100, 0x5000 } } };
	enum iov_kunit_kind kind;

	for (kind = IOV_KUNIT_KVEC; kind <= IOV_KUNIT_UBUF; kind++) {
		struct iov_kunit_buf *b = iov_kunit_buf_setup(test, kind);
		struct page **pages = NULL;
		struct iov_iter iter, before;
		struct iov_kunit_snap snap;
		size_t offset0;
		ssize_t ret;

		iov_kunit_load(test, b, &iter, ITER_DEST, &t);
		before = iter;
		iov_kunit_snap(&snap);
		sim_fail_site_after(FAULT_META_ALLOC, 1);
		ret = iov_iter_extract_pages(&iter, &pages, SIZE_MAX, 16, 0, &offset0);
		sim_fault_reset();
		KUNIT_EXPECT_EQ_MSG(test, ret, -ENOMEM, "%s", iov_kunit_kind_name[kind]);
		KUNIT_EXPECT_NULL(test, pages);
		KUNIT_EXPECT_TRUE(test, iov_kunit_iter_eq(&iter, &before));
		iov_kunit_expect_unchanged(test, &snap);
		iov_kunit_buf_teardown(test, b);
	}
}

/* ---- EDGE-11..13 --------------------------------------------------------- */

/*
 * EDGE-11 (R-ITER-6): iovecs {0 B, 0 B, 4096 B at offset 100, 512 B}:
 *   page:   |    0    |    1    |    2    |
 *   iov[2]:    ^100 ******** ^100
 *   iov[3]:                        ^0 ***
 * Expect the first call to skip the empties and pin only iov[2]: 2 pages,
 * offset0 100, 4096 bytes; the second call to return iov[3]'s 512 bytes
 * in 1 page; one pin per page, all dropped by unpin_user_pages().
 */
static void extract_pages_iovec_skips_empty_segments(struct kunit *test)
{
	unsigned long ubase = iov_kunit_mmap(test, 3 * PAGE_SIZE);
	struct iovec iov[4] = {
		{ (void *)ubase, 0 },
		{ (void *)(ubase + 7), 0 },
		{ (void *)(ubase + 100), 4096 },
		{ (void *)(ubase + 2 * PAGE_SIZE), 512 },
	};
	struct page *pagelist[IOV_KUNIT_LIST], **pages = pagelist;
	unsigned long pins = sim_vmstat("nr_foll_pin_acquired");
	struct iov_iter iter;
	size_t offset0 = SIZE_MAX;
	ssize_t len;
	int k;

	KUNIT_ASSERT_EQ(test, sim_user_memset(ubase, 1, 3 * PAGE_SIZE), (ssize_t)(3 * PAGE_SIZE));
	iov_iter_init(&iter, ITER_SOURCE, iov, 4, 4096 + 512);
	for (k = 0; k < IOV_KUNIT_LIST; k++)
		pagelist[k] = IOV_KUNIT_POISON;

	len = iov_iter_extract_pages(&iter, &pages, SIZE_MAX, IOV_KUNIT_LIST, 0, &offset0);
	KUNIT_EXPECT_EQ(test, len, 4096);
	KUNIT_EXPECT_EQ(test, offset0, 100);
	KUNIT_EXPECT_PTR_EQ(test, pagelist[0], iov_kunit_user_page(ubase));
	KUNIT_EXPECT_PTR_EQ(test, pagelist[1], iov_kunit_user_page(ubase + PAGE_SIZE));
	KUNIT_EXPECT_PTR_EQ(test, pagelist[2], IOV_KUNIT_POISON);
	KUNIT_EXPECT_EQ(test, sim_vmstat("nr_foll_pin_acquired") - pins, 2);
	KUNIT_EXPECT_PTR_EQ(test, iter.__iov, &iov[3]);
	KUNIT_EXPECT_EQ(test, iter.nr_segs, 1);
	KUNIT_EXPECT_EQ(test, iter.iov_offset, 0);
	KUNIT_EXPECT_EQ(test, iter.count, 512);
	if (len > 0)
		unpin_user_pages(pagelist, 2);

	len = iov_iter_extract_pages(&iter, &pages, SIZE_MAX, IOV_KUNIT_LIST, 0, &offset0);
	KUNIT_EXPECT_EQ(test, len, 512);
	KUNIT_EXPECT_EQ(test, offset0, 0);
	KUNIT_EXPECT_PTR_EQ(test, pagelist[0], iov_kunit_user_page(ubase + 2 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, iter.count, 0);
	if (len > 0)
		unpin_user_pages(pagelist, 1);
	KUNIT_EXPECT_EQ(test, sim_munmap(ubase, 3 * PAGE_SIZE), 0);
}

/*
 * EDGE-12 (R-ITER-7/8): KVEC and BVEC iterators whose first two segments
 * are empty, the data in the third.
 * Expect the empties consumed (nr_segs 3 -> 1 before the advance to the
 * end), the right page at offset0 = 0x10, and no reference taken.
 */
static void extract_pages_kvec_bvec_skip_leading_empty(struct kunit *test)
{
	struct folio *folio = folio_alloc_owner(__GFP_ZERO, 1, OWNER_TEST);
	struct page *pagelist[IOV_KUNIT_LIST], **pages = pagelist;
	struct kvec kv[3];
	struct bio_vec bv[3];
	struct iov_iter iter;
	size_t offset0;
	int ref;

	KUNIT_ASSERT_NOT_NULL(test, folio);
	ref = folio_ref_count(folio);
	kv[0] = (struct kvec){ folio_address(folio), 0 };
	kv[1] = (struct kvec){ (char *)folio_address(folio) + 5, 0 };
	kv[2] = (struct kvec){ (char *)folio_address(folio) + PAGE_SIZE + 0x10, 100 };
	iov_iter_kvec(&iter, ITER_DEST, kv, 3, 100);
	offset0 = SIZE_MAX;
	KUNIT_EXPECT_EQ(test, iov_iter_extract_pages(&iter, &pages, 1000, 8, 0, &offset0), 100);
	KUNIT_EXPECT_EQ(test, offset0, 0x10);
	KUNIT_EXPECT_PTR_EQ(test, pagelist[0], folio_page(folio, 1));
	KUNIT_EXPECT_EQ(test, iter.count, 0);

	bvec_set_folio(&bv[0], folio, 0, 0);
	bvec_set_folio(&bv[1], folio, 0, 100);
	bvec_set_folio(&bv[2], folio, 100, PAGE_SIZE + 0x10);
	iov_iter_bvec(&iter, ITER_DEST, bv, 3, 100);
	offset0 = SIZE_MAX;
	KUNIT_EXPECT_EQ(test, iov_iter_extract_pages(&iter, &pages, 1000, 8, 0, &offset0), 100);
	KUNIT_EXPECT_EQ(test, offset0, 0x10);
	KUNIT_EXPECT_PTR_EQ(test, pagelist[0], folio_page(folio, 1));
	KUNIT_EXPECT_EQ(test, iter.count, 0);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), ref);
	folio_put(folio);
}

/*
 * EDGE-12 (R-ITER-8): one bvec spanning 3 pages at bv_offset 5000 of an
 * order-2 folio:
 *   folio: | page 0 | page 1 | page 2 | page 3 |
 *                     ^904 ************** ^100
 * Expect pages = bv_page + 1, + 2, + 3, offset0 = 904, the whole bvec
 * (8192 + 100 - 904 bytes) returned, and with maxpages 2 only the first 2
 * pages (8192 - 904 bytes) with the iterator left mid-bvec.
 */
static void extract_pages_bvec_multipage_offset(struct kunit *test)
{
	struct folio *folio = folio_alloc_owner(__GFP_ZERO, 2, OWNER_TEST);
	struct page *pagelist[IOV_KUNIT_LIST], **pages = pagelist;
	const size_t len = 2 * PAGE_SIZE + 100 - 904;
	size_t offset0 = SIZE_MAX;
	struct bio_vec bv;
	struct iov_iter iter;
	int k;

	KUNIT_ASSERT_NOT_NULL(test, folio);
	bvec_set_folio(&bv, folio, (unsigned int)len, 5000);
	iov_iter_bvec(&iter, ITER_SOURCE, &bv, 1, len);
	for (k = 0; k < IOV_KUNIT_LIST; k++)
		pagelist[k] = IOV_KUNIT_POISON;
	KUNIT_EXPECT_EQ(test, iov_iter_extract_pages(&iter, &pages, SIZE_MAX, 8, 0, &offset0),
			len);
	KUNIT_EXPECT_EQ(test, offset0, 904);
	for (k = 0; k < 3; k++)
		KUNIT_EXPECT_PTR_EQ(test, pagelist[k], folio_page(folio, k + 1));
	KUNIT_EXPECT_PTR_EQ(test, pagelist[3], IOV_KUNIT_POISON);

	iov_iter_bvec(&iter, ITER_SOURCE, &bv, 1, len);
	KUNIT_EXPECT_EQ(test, iov_iter_extract_pages(&iter, &pages, SIZE_MAX, 2, 0, &offset0),
			2 * PAGE_SIZE - 904);
	KUNIT_EXPECT_EQ(test, iter.count, len - (2 * PAGE_SIZE - 904));
	KUNIT_EXPECT_EQ(test, iter.iov_offset, 2 * PAGE_SIZE - 904);
	folio_put(folio);
}

/*
 * EDGE-13 (R-ITER-5): extraction from a count-0 iterator of every kind,
 * then from a DISCARD (and an XARRAY) with bytes.
 * Expect 0 with *offset0 and the page list untouched for count 0; -EFAULT
 * for DISCARD with count > 0, and 0 for an XARRAY that starts at a hole
 * (R-ITER-9: the walk stops at the first hole); nothing pinned or faulted.
 */
static void extract_pages_count0_and_discard(struct kunit *test)
{
	struct page *pagelist[IOV_KUNIT_LIST], **pages = pagelist;
	struct iov_kunit_snap snap;
	char host[16];
	struct kvec kv = { host, sizeof(host) };
	struct iovec iov = { (void *)0x10000, 16 };
	struct iov_iter iters[6], before;
	size_t offset0;
	int n, k;

	iov_kunit_snap(&snap);
	iov_iter_ubuf(&iters[0], ITER_DEST, 0x10000, 0);
	iov_iter_init(&iters[1], ITER_DEST, &iov, 1, 0);
	iov_iter_kvec(&iters[2], ITER_DEST, &kv, 1, 0);
	iov_iter_bvec(&iters[3], ITER_DEST, NULL, 0, 0);
	iov_iter_discard(&iters[4], READ, 0);
	iov_iter_xarray(&iters[5], ITER_DEST, NULL, 0, 0);
	for (n = 0; n < 6; n++) {
		for (k = 0; k < IOV_KUNIT_LIST; k++)
			pagelist[k] = IOV_KUNIT_POISON;
		offset0 = 12345;
		before = iters[n];
		KUNIT_EXPECT_EQ(test, iov_iter_extract_pages(&iters[n], &pages, SIZE_MAX, 8, 0,
							     &offset0), 0);
		KUNIT_EXPECT_EQ(test, offset0, 12345);
		KUNIT_EXPECT_PTR_EQ(test, pagelist[0], IOV_KUNIT_POISON);
		KUNIT_EXPECT_TRUE(test, iov_kunit_iter_eq(&iters[n], &before));
	}

	iov_iter_discard(&iters[4], READ, 4096);
	KUNIT_EXPECT_EQ(test, iov_iter_extract_pages(&iters[4], &pages, SIZE_MAX, 8, 0, &offset0),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, iters[4].count, 4096);
	iov_iter_xarray(&iters[5], ITER_DEST, NULL, 0, 4096);
	KUNIT_EXPECT_EQ(test, iov_iter_extract_pages(&iters[5], &pages, SIZE_MAX, 8, 0, &offset0),
			0);
	KUNIT_EXPECT_EQ(test, iters[5].count, 4096);
	KUNIT_EXPECT_PTR_EQ(test, pagelist[0], IOV_KUNIT_POISON);
	iov_kunit_expect_unchanged(test, &snap);
}

/*
 * R-ITER-7: a kvec over host memory outside the simulated physical memory
 * (a stack buffer) has no struct page.
 * Expect -EFAULT and the iterator unchanged.
 */
static void extract_pages_kvec_outside_direct_map(struct kunit *test)
{
	struct page *pagelist[IOV_KUNIT_LIST], **pages = pagelist;
	char host[64];
	struct kvec kv = { host, sizeof(host) };
	struct iov_iter iter, before;
	size_t offset0;

	iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, sizeof(host));
	before = iter;
	KUNIT_EXPECT_EQ(test, iov_iter_extract_pages(&iter, &pages, SIZE_MAX, 8, 0, &offset0),
			-EFAULT);
	KUNIT_EXPECT_TRUE(test, iov_kunit_iter_eq(&iter, &before));
}

/* ---- R-ITER-6 pin accounting, EDGE-7, EDGE-38 ---------------------------- */

/*
 * R-ITER-6 / EDGE-7: a DIO-read-style (ITER_DEST) UBUF extraction over
 * 4 pages of never-touched anonymous memory, then over 4 pages that a read
 * mapped to the zero page. Both pin with FOLL_WRITE.
 * Expect 4 fresh, zeroed, pinned pages each time, never the zero page;
 * nr_foll_pin_acquired +4 and ledger pins +4 per extraction; all back to
 * the baseline after unpin_user_pages().
 */
static void extract_pages_ubuf_dest_pins_fresh_pages(struct kunit *test)
{
	unsigned long ubase = iov_kunit_mmap(test, 8 * PAGE_SIZE);
	struct page *pagelist[IOV_KUNIT_LIST], **pages = pagelist;
	static const char zero[PAGE_SIZE];
	struct sim_ledger l0, l1;
	unsigned long pins;
	struct iov_iter iter;
	size_t offset0;
	char c;
	int pass, k;

	for (k = 4; k < 8; k++)
		KUNIT_ASSERT_EQ(test, sim_user_read(ubase + k * PAGE_SIZE, &c, 1), 1);
	KUNIT_ASSERT_TRUE(test, is_zero_page(iov_kunit_user_page(ubase + 4 * PAGE_SIZE)));

	for (pass = 0; pass < 2; pass++) {
		unsigned long base = ubase + pass * 4 * PAGE_SIZE;

		sim_ledger_read(&l0);
		pins = sim_vmstat("nr_foll_pin_acquired");
		iov_iter_ubuf(&iter, ITER_DEST, base, 4 * PAGE_SIZE);
		KUNIT_ASSERT_EQ(test, iov_iter_extract_pages(&iter, &pages, SIZE_MAX, 8, 0,
							     &offset0), (ssize_t)(4 * PAGE_SIZE));
		sim_ledger_read(&l1);
		KUNIT_EXPECT_EQ(test, sim_vmstat("nr_foll_pin_acquired") - pins, 4);
		KUNIT_EXPECT_EQ(test, l1.pins - l0.pins, 4);
		for (k = 0; k < 4; k++) {
			KUNIT_EXPECT_FALSE(test, is_zero_page(pagelist[k]));
			KUNIT_EXPECT_TRUE(test, page_maybe_dma_pinned(pagelist[k]));
			KUNIT_EXPECT_PTR_EQ(test, pagelist[k],
					    iov_kunit_user_page(base + k * PAGE_SIZE));
			KUNIT_EXPECT_MEMEQ(test, page_address(pagelist[k]), zero, PAGE_SIZE);
		}
		unpin_user_pages(pagelist, 4);
		sim_ledger_read(&l1);
		KUNIT_EXPECT_EQ(test, l1.pins, l0.pins);
	}
	KUNIT_EXPECT_EQ(test, sim_munmap(ubase, 8 * PAGE_SIZE), 0);
}

/*
 * R-ITER-6 / R-ZERO-6 / EDGE-7: a DIO-write-style (ITER_SOURCE) UBUF
 * extraction from never-touched memory: GUP faults read-only, which maps
 * the zero page.
 * Expect 3 pages that are all the zero page, holding no pin: the zero
 * page's refcount, ledger pins and nr_foll_pin_acquired unchanged, and
 * unpin_user_pages() on them a no-op (nr_foll_pin_released unchanged).
 */
static void extract_pages_ubuf_source_zero_pages_unpinned(struct kunit *test)
{
	unsigned long ubase = iov_kunit_mmap(test, 3 * PAGE_SIZE);
	struct page *pagelist[IOV_KUNIT_LIST], **pages = pagelist;
	struct page *zp = ZERO_PAGE(0);
	int ref = page_ref_count(zp), k;
	unsigned long acq = sim_vmstat("nr_foll_pin_acquired");
	unsigned long rel = sim_vmstat("nr_foll_pin_released");
	struct sim_ledger l0, l1;
	struct iov_iter iter;
	size_t offset0 = SIZE_MAX;

	sim_ledger_read(&l0);
	iov_iter_ubuf(&iter, ITER_SOURCE, ubase + 10, 3 * PAGE_SIZE - 10);
	KUNIT_EXPECT_FALSE(test, iov_iter_rw(&iter) == READ);
	KUNIT_ASSERT_EQ(test, iov_iter_extract_pages(&iter, &pages, SIZE_MAX, 8, 0, &offset0),
			(ssize_t)(3 * PAGE_SIZE - 10));
	KUNIT_EXPECT_EQ(test, offset0, 10);
	for (k = 0; k < 3; k++)
		KUNIT_EXPECT_TRUE(test, is_zero_page(pagelist[k]));
	KUNIT_EXPECT_EQ(test, page_ref_count(zp), ref);
	KUNIT_EXPECT_EQ(test, sim_vmstat("nr_foll_pin_acquired"), acq);
	sim_ledger_read(&l1);
	KUNIT_EXPECT_EQ(test, l1.pins, l0.pins);
	KUNIT_EXPECT_EQ(test, l1.zero_refs, l0.zero_refs);
	unpin_user_pages(pagelist, 3);
	KUNIT_EXPECT_EQ(test, page_ref_count(zp), ref);
	KUNIT_EXPECT_EQ(test, sim_vmstat("nr_foll_pin_released"), rel);
	KUNIT_EXPECT_EQ(test, sim_munmap(ubase, 3 * PAGE_SIZE), 0);
}

/*
 * EDGE-38: a nofault UBUF iterator over unpopulated memory, then over a
 * buffer whose first page only is populated:
 *   page: | present |  none  |
 * Expect -EFAULT with no fault taken (pgfault unchanged, no PTE created)
 * for the first; for the second a partial count, PAGE_SIZE - offset0,
 * with one pin, and still no fault.
 */
static void extract_pages_nofault_takes_no_fault(struct kunit *test)
{
	unsigned long ubase = iov_kunit_mmap(test, 4 * PAGE_SIZE);
	struct page *pagelist[IOV_KUNIT_LIST], **pages = pagelist;
	struct iov_kunit_snap snap;
	struct iov_iter iter, before;
	unsigned long faults, pins;
	size_t offset0;

	iov_kunit_snap(&snap);
	iov_iter_ubuf(&iter, ITER_DEST, ubase, 2 * PAGE_SIZE);
	iter.nofault = true;
	before = iter;
	KUNIT_EXPECT_EQ(test, iov_iter_extract_pages(&iter, &pages, SIZE_MAX, 8, 0, &offset0),
			-EFAULT);
	KUNIT_EXPECT_TRUE(test, iov_kunit_iter_eq(&iter, &before));
	KUNIT_EXPECT_NULL(test, iov_kunit_user_page(ubase));
	KUNIT_EXPECT_NULL(test, iov_kunit_user_page(ubase + PAGE_SIZE));
	iov_kunit_expect_unchanged(test, &snap);

	KUNIT_ASSERT_EQ(test, sim_user_memset(ubase + 2 * PAGE_SIZE, 3, PAGE_SIZE),
			(ssize_t)PAGE_SIZE);
	faults = sim_vmstat("pgfault");
	pins = sim_vmstat("nr_foll_pin_acquired");
	iov_iter_ubuf(&iter, ITER_DEST, ubase + 2 * PAGE_SIZE + 300, 2 * PAGE_SIZE);
	iter.nofault = true;
	KUNIT_EXPECT_EQ(test, iov_iter_extract_pages(&iter, &pages, SIZE_MAX, 8, 0, &offset0),
			(ssize_t)(PAGE_SIZE - 300));
	KUNIT_EXPECT_EQ(test, offset0, 300);
	KUNIT_EXPECT_EQ(test, iter.count, PAGE_SIZE + 300);
	KUNIT_EXPECT_EQ(test, sim_vmstat("pgfault"), faults);
	KUNIT_EXPECT_EQ(test, sim_vmstat("nr_foll_pin_acquired") - pins, 1);
	KUNIT_EXPECT_NULL(test, iov_kunit_user_page(ubase + 3 * PAGE_SIZE));
	unpin_user_pages(pagelist, 1);
	KUNIT_EXPECT_EQ(test, sim_munmap(ubase, 4 * PAGE_SIZE), 0);
}

/*
 * R-ITER-6 partial pin: a UBUF of 3 pages from offset 200 whose last page
 * is a hole:
 *   page: |  0  |  1  | hole |
 *            ^200 ------------->
 * Expect GUP to pin 2 pages and the extraction to return
 * min(maxsize, 2 * PAGE_SIZE - 200), the iterator advanced by exactly
 * that, one pin on each of the 2 pages and no entry written past them.
 */
static void extract_pages_partial_pin(struct kunit *test)
{
	unsigned long ubase = iov_kunit_mmap(test, 3 * PAGE_SIZE);
	struct page *pagelist[IOV_KUNIT_LIST], **pages = pagelist;
	unsigned long pins;
	struct iov_iter iter;
	size_t offset0 = SIZE_MAX;
	int k;

	KUNIT_ASSERT_EQ(test, sim_munmap(ubase + 2 * PAGE_SIZE, PAGE_SIZE), 0);
	for (k = 0; k < IOV_KUNIT_LIST; k++)
		pagelist[k] = IOV_KUNIT_POISON;
	pins = sim_vmstat("nr_foll_pin_acquired");
	iov_iter_ubuf(&iter, ITER_DEST, ubase + 200, 3 * PAGE_SIZE - 200);
	KUNIT_EXPECT_EQ(test, iov_iter_extract_pages(&iter, &pages, SIZE_MAX, 8, 0, &offset0),
			(ssize_t)(2 * PAGE_SIZE - 200));
	KUNIT_EXPECT_EQ(test, offset0, 200);
	KUNIT_EXPECT_EQ(test, iter.count, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, iter.iov_offset, 2 * PAGE_SIZE - 200);
	KUNIT_EXPECT_EQ(test, sim_vmstat("nr_foll_pin_acquired") - pins, 2);
	KUNIT_EXPECT_PTR_EQ(test, pagelist[2], IOV_KUNIT_POISON);
	for (k = 0; k < 2; k++)
		KUNIT_EXPECT_PTR_EQ(test, pagelist[k], iov_kunit_user_page(ubase + k * PAGE_SIZE));
	unpin_user_pages(pagelist, 2);
	KUNIT_EXPECT_EQ(test, sim_munmap(ubase, 2 * PAGE_SIZE), 0);
}

/* ---- R-ITER-13: the FOLL_GET contrast ------------------------------------ */

/*
 * R-ITER-13: iov_iter_get_pages2() on a populated UBUF takes references
 * (get_user_pages_fast), never pins; _alloc2 allocates the array.
 * Expect refcount +1 per page, nr_foll_pin_acquired unchanged, ledger
 * pins unchanged, put_page() restoring everything.
 */
static void get_pages2_ubuf_takes_references(struct kunit *test)
{
	unsigned long ubase = iov_kunit_mmap(test, 2 * PAGE_SIZE);
	struct page *pagelist[IOV_KUNIT_LIST], **alloc = NULL;
	unsigned long pins = sim_vmstat("nr_foll_pin_acquired");
	struct iov_iter iter;
	int ref[2], k;
	size_t start = SIZE_MAX;

	KUNIT_ASSERT_EQ(test, sim_user_memset(ubase, 9, 2 * PAGE_SIZE), (ssize_t)(2 * PAGE_SIZE));
	for (k = 0; k < 2; k++)
		ref[k] = page_ref_count(iov_kunit_user_page(ubase + k * PAGE_SIZE));
	iov_iter_ubuf(&iter, ITER_DEST, ubase + 8, 2 * PAGE_SIZE - 8);
	KUNIT_ASSERT_EQ(test, iov_iter_get_pages2(&iter, pagelist, SIZE_MAX, 8, &start),
			(ssize_t)(2 * PAGE_SIZE - 8));
	KUNIT_EXPECT_EQ(test, start, 8);
	KUNIT_EXPECT_EQ(test, iter.count, 0);
	for (k = 0; k < 2; k++) {
		KUNIT_EXPECT_PTR_EQ(test, pagelist[k], iov_kunit_user_page(ubase + k * PAGE_SIZE));
		KUNIT_EXPECT_EQ(test, page_ref_count(pagelist[k]), ref[k] + 1);
		KUNIT_EXPECT_FALSE(test, page_maybe_dma_pinned(pagelist[k]));
		put_page(pagelist[k]);
	}
	KUNIT_EXPECT_EQ(test, sim_vmstat("nr_foll_pin_acquired"), pins);

	iov_iter_ubuf(&iter, ITER_SOURCE, ubase, PAGE_SIZE + 1);
	KUNIT_ASSERT_EQ(test, iov_iter_get_pages_alloc2(&iter, &alloc, SIZE_MAX, &start),
			(ssize_t)(PAGE_SIZE + 1));
	KUNIT_ASSERT_NOT_NULL(test, alloc);
	for (k = 0; k < 2; k++) {
		KUNIT_EXPECT_EQ(test, page_ref_count(alloc[k]), ref[k] + 1);
		put_page(alloc[k]);
	}
	kvfree(alloc);
	KUNIT_EXPECT_EQ(test, iov_iter_get_pages2(&iter, pagelist, SIZE_MAX, 0, &start), 0);
	KUNIT_EXPECT_EQ(test, sim_munmap(ubase, 2 * PAGE_SIZE), 0);
}

/*
 * R-ITER-13: iov_iter_get_pages2() on BVEC references each page with
 * get_page() and does not skip an empty bvec; on KVEC it is -EFAULT.
 *   bvec: [0] 0 bytes   [1] 6000 bytes at offset 100 of an order-1 folio
 * Expect 0 from the empty bvec with nothing referenced, then (once past
 * it) 6000 bytes in 2 pages with the folio's refcount +2; KVEC -EFAULT.
 */
static void get_pages2_bvec_refs_kvec_efault(struct kunit *test)
{
	struct folio *folio = folio_alloc_owner(__GFP_ZERO, 1, OWNER_TEST);
	struct page *pagelist[IOV_KUNIT_LIST];
	struct bio_vec bv[2];
	struct kvec kv;
	struct iov_iter iter;
	size_t start;
	int ref;

	KUNIT_ASSERT_NOT_NULL(test, folio);
	ref = folio_ref_count(folio);
	bvec_set_folio(&bv[0], folio, 0, 0);
	bvec_set_folio(&bv[1], folio, 6000, 100);
	iov_iter_bvec(&iter, ITER_SOURCE, bv, 2, 6000);
	KUNIT_EXPECT_EQ(test, iov_iter_get_pages2(&iter, pagelist, SIZE_MAX, 8, &start), 0);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), ref);
	KUNIT_EXPECT_EQ(test, iter.count, 6000);

	iov_iter_bvec(&iter, ITER_SOURCE, &bv[1], 1, 6000);
	KUNIT_EXPECT_EQ(test, iov_iter_get_pages2(&iter, pagelist, SIZE_MAX, 8, &start), 6000);
	KUNIT_EXPECT_EQ(test, start, 100);
	KUNIT_EXPECT_PTR_EQ(test, pagelist[0], folio_page(folio, 0));
	KUNIT_EXPECT_PTR_EQ(test, pagelist[1], folio_page(folio, 1));
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), ref + 2);
	KUNIT_EXPECT_EQ(test, iter.nr_segs, 0);
	put_page(pagelist[0]);
	put_page(pagelist[1]);

	kv = (struct kvec){ folio_address(folio), 100 };
	iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, 100);
	KUNIT_EXPECT_EQ(test, iov_iter_get_pages2(&iter, pagelist, SIZE_MAX, 8, &start), -EFAULT);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), ref);
	folio_put(folio);
}

static struct kunit_case iov_iter_extract_cases[] = {
	KUNIT_CASE_PARAM(iov_kunit_extract_ranges, iov_kunit_extract_gen_params),
	KUNIT_CASE(extract_pages_allocates_array),
	KUNIT_CASE(extract_pages_alloc_fails),
	KUNIT_CASE(extract_pages_iovec_skips_empty_segments),
	KUNIT_CASE(extract_pages_kvec_bvec_skip_leading_empty),
	KUNIT_CASE(extract_pages_bvec_multipage_offset),
	KUNIT_CASE(extract_pages_count0_and_discard),
	KUNIT_CASE(extract_pages_kvec_outside_direct_map),
	KUNIT_CASE(extract_pages_ubuf_dest_pins_fresh_pages),
	KUNIT_CASE(extract_pages_ubuf_source_zero_pages_unpinned),
	KUNIT_CASE(extract_pages_nofault_takes_no_fault),
	KUNIT_CASE(extract_pages_partial_pin),
	KUNIT_CASE(get_pages2_ubuf_takes_references),
	KUNIT_CASE(get_pages2_bvec_refs_kvec_efault),
	{}
};

struct kunit_suite iov_iter_extract_suite = {
	.name = "iov_iter_extract",
	.init = iov_kunit_init,
	.exit = iov_kunit_exit,
	.test_cases = iov_iter_extract_cases,
};
