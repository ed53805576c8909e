// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for edges of lib/iov_iter.c the iov_iter suite does not
 * reach: the page-count and alignment queries on the iterator types that
 * have no segments (ITER_XARRAY, ITER_DISCARD; R-ITER-12), and
 * import_iovec() failing on a bad range after it had to allocate the
 * array (bad inputs §5.3: a range outside the user address space).
 *
 * Every case boots a 32 MiB machine and shuts it down expecting no
 * leaks; the runner checks the leak ledger after each case. The heap
 * copy of an iovec array is plain malloc(): a leak of it is what the
 * clang SAN=1 build's LeakSanitizer reports.
 */
#include <stdio.h>
#include <string.h>

#include <pinio/sim.h>
#include <pinio/uaccess.h>
#include <pinio/uio.h>

#include "kunit/test.h"
#include "mm_helpers.h"

static int iov_edge_init(struct kunit *test)
{
	struct sim_config cfg = { .mem_bytes = T_MM_MEM_BYTES };

	return t_mm_boot(&cfg);
}

static void iov_edge_exit(struct kunit *test)
{
	if (sim_booted())
		t_mm_shutdown(test);
}

/* ---- R-ITER-12: npages and alignment without segments ------------------------- */

enum iov_edge_kind { EDGE_XARRAY, EDGE_DISCARD };

struct iov_edge_query_case {
	const char *desc;
	enum iov_edge_kind kind;
	long long start;	/* XARRAY: file position of the first byte */
	size_t count;
	size_t advance;		/* iov_iter_advance() before the queries */
	int maxpages;
	int npages;		/* expected iov_iter_npages() */
	unsigned long align;	/* expected iov_iter_alignment() */
};

static const struct iov_edge_query_case iov_edge_query_cases[] = {
	/* 5000 % 4096 = 904: bytes 904 .. 10903 of pages 1..3 of the file. */
	{ "xarray 10000 bytes at 5000: 3 pages", EDGE_XARRAY, 5000, 10000, 0, 64, 3,
	  5000UL | 10000UL },
	{ "xarray capped by maxpages", EDGE_XARRAY, 5000, 10000, 0, 2, 2, 5000UL | 10000UL },
	{ "xarray page aligned, 2 pages exactly", EDGE_XARRAY, 8192, 8192, 0, 64, 2,
	  8192UL | 8192UL },
	/* After 3192 bytes: position 8192, 6808 bytes left -> 2 pages. */
	{ "xarray advanced to a page boundary", EDGE_XARRAY, 5000, 10000, 3192, 64, 2,
	  8192UL | 6808UL },
	{ "xarray, one byte before a page end", EDGE_XARRAY, 4095, 2, 0, 64, 2, 4095UL | 2UL },
	{ "discard 5000 bytes: no pages, alignment 0", EDGE_DISCARD, 0, 5000, 0, 64, 0, 0 },
	{ "discard advanced: still nothing", EDGE_DISCARD, 0, 5000, 100, 64, 0, 0 },
};

static void iov_edge_query_desc(const struct iov_edge_query_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(iov_edge_query, iov_edge_query_cases, iov_edge_query_desc);

/*
 * R-ITER-12: iov_iter_npages() counts the pages the data left spans, with
 * the first page's offset; an ITER_XARRAY has no segments, its offset is
 * that of the file position. iov_iter_alignment() ORs that position with
 * the count, as the kernel does for a DIO alignment check. An
 * ITER_DISCARD spans no pages and is aligned (0).
 *
 *   file:   |  page 0  |  page 1  |  page 2  |  page 3  |
 *                        ^5000 ............... ^15000      10000 bytes: 3 pages
 *
 * Expect the row's npages and alignment, and neither query to move the
 * iterator.
 */
static void iov_edge_npages_alignment(struct kunit *test)
{
	const struct iov_edge_query_case *c = test->param_value;
	struct iov_iter iter, before;

	if (c->kind == EDGE_XARRAY)
		iov_iter_xarray(&iter, ITER_DEST, NULL, c->start, c->count);
	else
		iov_iter_discard(&iter, READ, c->count);
	iov_iter_advance(&iter, c->advance);
	KUNIT_ASSERT_EQ(test, iov_iter_count(&iter), c->count - c->advance);
	before = iter;

	KUNIT_EXPECT_EQ(test, iov_iter_npages(&iter, c->maxpages), c->npages);
	KUNIT_EXPECT_EQ(test, iov_iter_alignment(&iter), c->align);
	KUNIT_EXPECT_EQ(test, memcmp(&iter, &before, sizeof(iter)), 0);
}

/* ---- import_iovec(): a bad range after the array was copied ------------------- */

#define IOV_EDGE_SEGS	20
#define IOV_EDGE_FAST	UIO_FASTIOV	/* 8 */

/*
 * Bad input (scenarios.md §5.3, a range outside the user address space)
 * given to import_iovec():
 *
 *   one segment       [TASK_SIZE_MAX - 10, +100)         -> -EFAULT (import_ubuf)
 *   20 segments > 8 fast:  seg 0..18 fine, seg 19 crosses TASK_SIZE_MAX
 *                     copied to a kvmalloc'd array first  -> -EFAULT, array freed
 *
 * Expect -EFAULT both times, *iovp NULL (nothing for the caller to free),
 * the iterator untouched, and in the 20-segment case the caller's fast
 * array not written at all (the copy went to the heap, which is freed:
 * LeakSanitizer would report it under SAN=1). Then the same 20 segments
 * with the last one fixed import, and the caller kvfree()s the array.
 */
static void iov_edge_import_bad_range(struct kunit *test)
{
	struct iovec uvec[IOV_EDGE_SEGS], fast[IOV_EDGE_FAST], fast_before[IOV_EDGE_FAST];
	struct iovec one = { (void *)(TASK_SIZE_MAX - 10), 100 };
	struct iovec *iov = fast;
	struct iov_iter iter, before;
	ssize_t ret;
	int k;

	memset(fast, 0x5c, sizeof(fast));
	memcpy(fast_before, fast, sizeof(fast));
	iov_iter_discard(&iter, READ, 7);
	before = iter;

	KUNIT_EXPECT_EQ(test, import_iovec(ITER_DEST, &one, 1, IOV_EDGE_FAST, &iov, &iter),
			-EFAULT);
	KUNIT_EXPECT_NULL(test, iov);
	KUNIT_EXPECT_EQ(test, memcmp(&iter, &before, sizeof(iter)), 0);

	for (k = 0; k < IOV_EDGE_SEGS; k++)
		uvec[k] = (struct iovec){ (void *)(0x10000UL * (k + 1)), 10 };
	uvec[IOV_EDGE_SEGS - 1].iov_base = (void *)(TASK_SIZE_MAX - 5);
	iov = fast;
	KUNIT_EXPECT_EQ(test, import_iovec(ITER_SOURCE, uvec, IOV_EDGE_SEGS, IOV_EDGE_FAST, &iov,
					   &iter), -EFAULT);
	KUNIT_EXPECT_NULL(test, iov);
	KUNIT_EXPECT_EQ(test, memcmp(&iter, &before, sizeof(iter)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(fast, fast_before, sizeof(fast)), 0);

	uvec[IOV_EDGE_SEGS - 1].iov_base = (void *)0x200000UL;
	iov = fast;
	ret = import_iovec(ITER_SOURCE, uvec, IOV_EDGE_SEGS, IOV_EDGE_FAST, &iov, &iter);
	KUNIT_EXPECT_EQ(test, ret, (ssize_t)(10 * IOV_EDGE_SEGS));
	KUNIT_ASSERT_NOT_NULL(test, iov);
	KUNIT_EXPECT_TRUE(test, iov != fast);
	KUNIT_EXPECT_TRUE(test, iter_is_iovec(&iter));
	KUNIT_EXPECT_EQ(test, iter.nr_segs, (unsigned long)IOV_EDGE_SEGS);
	KUNIT_EXPECT_EQ(test, memcmp(fast, fast_before, sizeof(fast)), 0);
	kvfree(iov);
}

static struct kunit_case iov_edge_test_cases[] = {
	KUNIT_CASE_PARAM(iov_edge_npages_alignment, iov_edge_query_gen_params),
	KUNIT_CASE(iov_edge_import_bad_range),
	{}
};

struct kunit_suite iov_iter_edge_suite = {
	.name = "iov_iter_edge",
	.init = iov_edge_init,
	.exit = iov_edge_exit,
	.test_cases = iov_edge_test_cases,
};
