// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for lib/iov_iter.c, after the kernel's lib/kunit_iov_iter.c:
 * copies to and from every iterator type over a 1 MiB buffer, advance and
 * revert (R-ITER-10, R-ITER-11, EDGE-14), npages and alignment
 * (R-ITER-12). Page extraction is the iov_iter_extract suite, bad inputs
 * 16-20 the iov_iter_bad_input suite; the fixture is
 * tests/iov_iter_fixture.c. Each case boots its own machine.
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

/* ---- copies -------------------------------------------------------------- */

struct iov_kunit_copy_param {
	enum iov_kunit_kind kind;
	bool to_iter;
	const struct iov_kunit_table *t;
};

static const struct iov_kunit_copy_param iov_kunit_copy_params[] = {
	{ IOV_KUNIT_KVEC, true, &iov_kunit_mixed },
	{ IOV_KUNIT_KVEC, false, &iov_kunit_mixed },
	{ IOV_KUNIT_BVEC, true, &iov_kunit_mixed },
	{ IOV_KUNIT_BVEC, false, &iov_kunit_mixed },
	{ IOV_KUNIT_BVEC, true, &iov_kunit_empties },
	{ IOV_KUNIT_IOVEC, true, &iov_kunit_mixed },
	{ IOV_KUNIT_IOVEC, false, &iov_kunit_mixed },
	{ IOV_KUNIT_IOVEC, false, &iov_kunit_empties },
	{ IOV_KUNIT_UBUF, true, &iov_kunit_single },
	{ IOV_KUNIT_UBUF, false, &iov_kunit_single },
};

static void iov_kunit_copy_desc(const struct iov_kunit_copy_param *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s %s %s", p->to_iter ? "copy_to" : "copy_from",
		 iov_kunit_kind_name[p->kind], p->t->name);
}

KUNIT_ARRAY_PARAM(iov_kunit_copy, iov_kunit_copy_params, iov_kunit_copy_desc);

/*
 * copy_to_iter()/copy_from_iter() over a table of ranges in a 1 MiB buffer
 * (R-ITER-1, R-ITER-10), for every iterator kind. copy_to scatters a
 * patterned scratch buffer into the ranges in order; copy_from gathers
 * the ranges of a patterned buffer:
 *   buffer: |..AAA....BBBBBBB..C...|      scratch: |AAABBBBBBBC|
 * Expect every byte of the ranges moved, bytes outside the ranges
 * untouched, the return value equal to the bytes covered and the
 * iterator's count 0.
 */
static void iov_kunit_copy_ranges(struct kunit *test)
{
	const struct iov_kunit_copy_param *p = test->param_value;
	struct iov_kunit_buf *b = iov_kunit_buf_setup(test, p->kind);
	struct iov_iter iter;
	size_t size, copied, pos = 0, k;
	unsigned int n;

	for (k = 0; k < IOV_KUNIT_BUF_SIZE; k++)
		iov_kunit_scratch[k] = iov_kunit_pattern(k);
	if (p->to_iter) {
		size = iov_kunit_load(test, b, &iter, ITER_DEST, p->t);
		copied = copy_to_iter(iov_kunit_scratch, IOV_KUNIT_BUF_SIZE, &iter);
		memset(iov_kunit_expect, 0, IOV_KUNIT_BUF_SIZE);
		for (n = 0; n < p->t->nr; n++) {
			size_t len = p->t->r[n].to - p->t->r[n].from;

			memcpy(iov_kunit_expect + p->t->r[n].from, iov_kunit_scratch + pos, len);
			pos += len;
		}
		iov_kunit_buf_access(test, b, iov_kunit_seen, false);
		KUNIT_EXPECT_MEMEQ(test, iov_kunit_seen, iov_kunit_expect, IOV_KUNIT_BUF_SIZE);
	} else {
		iov_kunit_buf_access(test, b, iov_kunit_scratch, true);
		size = iov_kunit_load(test, b, &iter, ITER_SOURCE, p->t);
		memset(iov_kunit_seen, 0xee, IOV_KUNIT_BUF_SIZE);
		memset(iov_kunit_expect, 0xee, IOV_KUNIT_BUF_SIZE);
		copied = copy_from_iter(iov_kunit_seen, IOV_KUNIT_BUF_SIZE, &iter);
		for (n = 0; n < p->t->nr; n++) {
			size_t len = p->t->r[n].to - p->t->r[n].from;

			memcpy(iov_kunit_expect + pos, iov_kunit_scratch + p->t->r[n].from, len);
			pos += len;
		}
		KUNIT_EXPECT_MEMEQ(test, iov_kunit_seen, iov_kunit_expect, IOV_KUNIT_BUF_SIZE);
	}
	KUNIT_EXPECT_EQ(test, pos, size);
	KUNIT_EXPECT_EQ(test, copied, size);
	KUNIT_EXPECT_EQ(test, iter.count, 0);
	iov_kunit_buf_teardown(test, b);
}

/*
 * Copy to a UBUF whose middle page is unmapped (R-ITER-1; copies fault and
 * may come up short):
 *   page: |  0  |hole |  2  |
 *             ^100 -------> 8192 bytes wanted
 * Expect 4096 - 100 bytes copied, the iterator advanced by exactly that,
 * and the bytes before the hole in place.
 */
static void copy_to_iter_ubuf_short_at_hole(struct kunit *test)
{
	unsigned long ubase = iov_kunit_mmap(test, 3 * PAGE_SIZE);
	unsigned char got[PAGE_SIZE];
	struct iov_iter iter;
	size_t copied, k;

	KUNIT_ASSERT_EQ(test, sim_munmap(ubase + PAGE_SIZE, PAGE_SIZE), 0);
	for (k = 0; k < 2 * PAGE_SIZE; k++)
		iov_kunit_scratch[k] = iov_kunit_pattern(k);
	iov_iter_ubuf(&iter, ITER_DEST, ubase + 100, 2 * PAGE_SIZE);
	copied = copy_to_iter(iov_kunit_scratch, 2 * PAGE_SIZE, &iter);
	KUNIT_EXPECT_EQ(test, copied, PAGE_SIZE - 100);
	KUNIT_EXPECT_EQ(test, iter.count, PAGE_SIZE + 100);
	KUNIT_EXPECT_EQ(test, iter.iov_offset, PAGE_SIZE - 100);
	KUNIT_ASSERT_EQ(test, sim_user_read(ubase + 100, got, PAGE_SIZE - 100),
			(ssize_t)(PAGE_SIZE - 100));
	KUNIT_EXPECT_MEMEQ(test, got, iov_kunit_scratch, PAGE_SIZE - 100);
	KUNIT_EXPECT_EQ(test, sim_munmap(ubase, 3 * PAGE_SIZE), 0);
}

/*
 * Copy from an IOVEC whose second segment is unmapped:
 *   iov: [0] 50 B mapped   [1] 100 B in a hole   [2] 100 B mapped
 * Expect 50 bytes, the iterator left at segment [1] offset 0 with 2
 * segments and 200 bytes to go: the copy stops at the first fault.
 */
static void copy_from_iter_iovec_stops_at_fault(struct kunit *test)
{
	unsigned long ubase = iov_kunit_mmap(test, 3 * PAGE_SIZE);
	struct iovec iov[3] = {
		{ (void *)(ubase + 100), 50 },
		{ (void *)(ubase + PAGE_SIZE + 10), 100 },
		{ (void *)(ubase + 2 * PAGE_SIZE), 100 },
	};
	unsigned char got[250];
	struct iov_iter iter;

	KUNIT_ASSERT_EQ(test, sim_munmap(ubase + PAGE_SIZE, PAGE_SIZE), 0);
	iov_iter_init(&iter, ITER_SOURCE, iov, 3, 250);
	KUNIT_EXPECT_EQ(test, copy_from_iter(got, sizeof(got), &iter), 50);
	KUNIT_EXPECT_PTR_EQ(test, iter.__iov, &iov[1]);
	KUNIT_EXPECT_EQ(test, iter.nr_segs, 2);
	KUNIT_EXPECT_EQ(test, iter.iov_offset, 0);
	KUNIT_EXPECT_EQ(test, iter.count, 200);
	KUNIT_EXPECT_EQ(test, sim_munmap(ubase, 3 * PAGE_SIZE), 0);
}

/*
 * copy_to_iter() on ITER_SOURCE and copy_from_iter() on ITER_DEST
 * (R-ITER-1: the direction says which way data may flow).
 * Expect a WARN and 0 bytes each, the iterator unchanged.
 */
static void copy_wrong_direction_warns(struct kunit *test)
{
	char host[64] = { 0 }, buf[16] = { 0 };
	struct kvec kv = { host, sizeof(host) };
	struct iov_iter iter, before;
	size_t ret = 1;

	iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, sizeof(host));
	before = iter;
	KUNIT_EXPECT_WARN(test, ret = copy_to_iter(buf, sizeof(buf), &iter));
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_TRUE(test, iov_kunit_iter_eq(&iter, &before));

	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, sizeof(host));
	before = iter;
	ret = 1;
	KUNIT_EXPECT_WARN(test, ret = copy_from_iter(buf, sizeof(buf), &iter));
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_TRUE(test, iov_kunit_iter_eq(&iter, &before));
}

/*
 * copy_page_to_iter()/copy_page_from_iter() with a range that runs from
 * page 0 into page 1 of an order-1 folio, then one that leaves the folio:
 *   folio: | page 0 | page 1 |
 *                 ****         offset 4000, 200 bytes: fine
 *                       ****** page 1 + 4000, 200 bytes: out of the folio
 * Expect 200 bytes both ways for the first; a WARN and 0 for the second.
 */
static void copy_page_iter_folio_bounds(struct kunit *test)
{
	struct folio *folio = folio_alloc_owner(__GFP_ZERO, 1, OWNER_TEST);
	unsigned char src[200], dst[200];
	struct kvec kv;
	struct iov_iter iter;
	size_t k, ret = 1;

	KUNIT_ASSERT_NOT_NULL(test, folio);
	for (k = 0; k < sizeof(src); k++)
		src[k] = iov_kunit_pattern(k);
	kv = (struct kvec){ src, sizeof(src) };
	iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, sizeof(src));
	KUNIT_EXPECT_EQ(test, copy_page_from_iter(&folio->page, 4000, 200, &iter), 200);
	KUNIT_EXPECT_MEMEQ(test, (char *)folio_address(folio) + 4000, src, 200);

	kv = (struct kvec){ dst, sizeof(dst) };
	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, sizeof(dst));
	KUNIT_EXPECT_EQ(test, copy_page_to_iter(&folio->page, 4000, 200, &iter), 200);
	KUNIT_EXPECT_MEMEQ(test, dst, src, 200);

	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, sizeof(dst));
	KUNIT_EXPECT_WARN(test, ret = copy_page_to_iter(folio_page(folio, 1), 4000, 200, &iter));
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, iter.count, sizeof(dst));
	folio_put(folio);
}

/*
 * iov_iter_zero() into a KVEC of three segments and into never-touched
 * user memory (which it faults in), then a DISCARD (which only counts).
 * Expect every covered byte zero, neighbours untouched, counts exact.
 */
static void iov_iter_zero_kvec_ubuf_discard(struct kunit *test)
{
	unsigned char host[300], zero[PAGE_SIZE + 10] = { 0 }, got[PAGE_SIZE + 10];
	struct kvec kv[3] = { { host, 10 }, { host + 50, 0 }, { host + 100, 200 } };
	unsigned long ubase = iov_kunit_mmap(test, 2 * PAGE_SIZE);
	struct iov_iter iter;
	size_t k;

	memset(host, 0x5a, sizeof(host));
	iov_iter_kvec(&iter, ITER_DEST, kv, 3, 210);
	KUNIT_EXPECT_EQ(test, iov_iter_zero(1000, &iter), 210);
	KUNIT_EXPECT_EQ(test, iter.count, 0);
	for (k = 0; k < sizeof(host); k++)
		KUNIT_EXPECT_EQ(test, host[k], (k < 10 || k >= 100) ? 0 : 0x5a);

	KUNIT_ASSERT_EQ(test, sim_user_memset(ubase, 0x77, 2 * PAGE_SIZE),
			(ssize_t)(2 * PAGE_SIZE));
	iov_iter_ubuf(&iter, ITER_DEST, ubase + 5, PAGE_SIZE + 10);
	KUNIT_EXPECT_EQ(test, iov_iter_zero(PAGE_SIZE + 10, &iter), PAGE_SIZE + 10);
	KUNIT_ASSERT_EQ(test, sim_user_read(ubase + 5, got, sizeof(got)), (ssize_t)sizeof(got));
	KUNIT_EXPECT_MEMEQ(test, got, zero, sizeof(got));
	KUNIT_ASSERT_EQ(test, sim_user_read(ubase + 4, got, 1), 1);
	KUNIT_EXPECT_EQ(test, got[0], 0x77);

	iov_iter_discard(&iter, READ, 5000);
	KUNIT_EXPECT_EQ(test, iov_iter_zero(6000, &iter), 5000);
	KUNIT_EXPECT_EQ(test, iter.count, 0);
	KUNIT_EXPECT_EQ(test, sim_munmap(ubase, 2 * PAGE_SIZE), 0);
}

/*
 * ITER_XARRAY and ITER_DISCARD copies. An XARRAY over an empty mapping
 * (here: none at all) starts at a hole, so it moves nothing; a DISCARD
 * swallows what it is given.
 * Expect XARRAY: 0 and count unchanged; DISCARD: min(bytes, count).
 */
static void copy_xarray_and_discard(struct kunit *test)
{
	char buf[100] = { 0 };
	struct iov_iter iter;

	iov_iter_xarray(&iter, ITER_DEST, NULL, 4096, 100);
	KUNIT_EXPECT_EQ(test, copy_to_iter(buf, sizeof(buf), &iter), 0);
	KUNIT_EXPECT_EQ(test, iter.count, 100);
	iov_iter_discard(&iter, READ, 60);
	KUNIT_EXPECT_EQ(test, copy_to_iter(buf, sizeof(buf), &iter), 60);
	KUNIT_EXPECT_EQ(test, iter.count, 0);
}

/* ---- advance, revert (R-ITER-10, R-ITER-11, EDGE-14) --------------------- */

/*
 * R-ITER-10: advance through iovecs {100, 0, 4096, 1}.
 * Expect landing exactly on the end of [0] to move to [2] (skipping the
 * empty [1]) at offset 0; a mid-segment advance to set iov_offset; an
 * advance past the end to be clamped to the count; DISCARD to count only.
 */
static void advance_segments(struct kunit *test)
{
	struct iovec iov[4] = {
		{ (void *)0x10000, 100 }, { (void *)0x20000, 0 },
		{ (void *)0x30000, 4096 }, { (void *)0x40000, 1 },
	};
	struct iov_iter iter;

	iov_iter_init(&iter, ITER_DEST, iov, 4, 4197);
	iov_iter_advance(&iter, 100);
	KUNIT_EXPECT_PTR_EQ(test, iter.__iov, &iov[2]);
	KUNIT_EXPECT_EQ(test, iter.nr_segs, 2);
	KUNIT_EXPECT_EQ(test, iter.iov_offset, 0);
	KUNIT_EXPECT_EQ(test, iter.count, 4097);
	iov_iter_advance(&iter, 4000);
	KUNIT_EXPECT_PTR_EQ(test, iter.__iov, &iov[2]);
	KUNIT_EXPECT_EQ(test, iter.iov_offset, 4000);
	iov_iter_advance(&iter, 1000000);
	KUNIT_EXPECT_EQ(test, iter.count, 0);
	KUNIT_EXPECT_EQ(test, iter.nr_segs, 0);
	KUNIT_EXPECT_EQ(test, iter.iov_offset, 0);

	iov_iter_discard(&iter, READ, 50);
	iov_iter_advance(&iter, 20);
	KUNIT_EXPECT_EQ(test, iter.count, 30);
	KUNIT_EXPECT_EQ(test, iter.iov_offset, 0);
}

/* EDGE-14 revert rows: start at @start, advance and revert by @n. */
struct iov_kunit_revert_case {
	const char *desc;
	size_t start, n;
};

static const struct iov_kunit_revert_case iov_kunit_revert_cases[] = {
	{ "within segment 0", 10, 50 },
	{ "onto the end of segment 0", 0, 100 },
	{ "0 to 3 segments on", 0, 4196 + 1 },
	{ "mid 1 to mid 3", 150, 4100 },
	{ "boundary to boundary", 100, 4096 + 1 },
	{ "everything", 0, 100 + 4096 + 1 + 3000 },
	{ "last byte", 100 + 4096 + 1 + 2999, 1 },
};

static void iov_kunit_revert_desc(const struct iov_kunit_revert_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(iov_kunit_revert, iov_kunit_revert_cases, iov_kunit_revert_desc);

/*
 * EDGE-14 (R-ITER-11): revert across IOVEC, KVEC and BVEC segment
 * boundaries. Segments {100, 4096, 1, 3000}:
 *   |--100--|-------4096-------|1|----3000----|
 *        start ^........... advance n ....^ then revert n
 * Expect the iterator after advance(n) + revert(n) identical to the one
 * before: segment pointer, nr_segs, iov_offset and count.
 */
static void revert_restores_segments(struct kunit *test)
{
	const struct iov_kunit_revert_case *c = test->param_value;
	static const size_t lens[4] = { 100, 4096, 1, 3000 };
	const size_t total = 100 + 4096 + 1 + 3000;
	struct iovec iov[4];
	struct kvec kv[4];
	struct bio_vec bv[4];
	struct iov_iter iters[3], before;
	int k, t;

	for (k = 0; k < 4; k++) {
		iov[k] = (struct iovec){ (void *)(0x100000UL * (k + 1)), lens[k] };
		kv[k] = (struct kvec){ (void *)(uintptr_t)(0x100000UL * (k + 1)), lens[k] };
		bvec_set_page(&bv[k], IOV_KUNIT_POISON, (unsigned int)lens[k], 0);
	}
	iov_iter_init(&iters[0], ITER_DEST, iov, 4, total);
	iov_iter_kvec(&iters[1], ITER_DEST, kv, 4, total);
	iov_iter_bvec(&iters[2], ITER_DEST, bv, 4, total);
	for (t = 0; t < 3; t++) {
		struct iov_iter *it = &iters[t];

		iov_iter_advance(it, c->start);
		before = *it;
		iov_iter_advance(it, c->n);
		KUNIT_EXPECT_EQ(test, it->count, before.count - c->n);
		iov_iter_revert(it, c->n);
		KUNIT_EXPECT_PTR_EQ_MSG(test, it->__iov, before.__iov, "type %d", it->iter_type);
		KUNIT_EXPECT_TRUE_MSG(test, iov_kunit_iter_eq(it, &before),
				      "type %d: nr_segs %lu/%lu offset %zu/%zu count %zu/%zu",
				      it->iter_type, it->nr_segs, before.nr_segs, it->iov_offset,
				      before.iov_offset, it->count, before.count);
	}
}

/*
 * EDGE-14 (R-ITER-11): revert by 0 and by more than MAX_RW_COUNT, and a
 * UBUF revert that stays within what was advanced.
 * Expect 0: no change, no WARN; MAX_RW_COUNT + 1: a WARN and no change;
 * UBUF: iov_offset and count restored.
 */
static void revert_zero_and_too_large(struct kunit *test)
{
	struct iov_iter iter, before;

	iov_iter_ubuf(&iter, ITER_DEST, 0x10000, 8192);
	iov_iter_advance(&iter, 300);
	before = iter;
	iov_iter_revert(&iter, 0);
	KUNIT_EXPECT_TRUE(test, iov_kunit_iter_eq(&iter, &before));
	KUNIT_EXPECT_WARN(test, iov_iter_revert(&iter, MAX_RW_COUNT + 1));
	KUNIT_EXPECT_TRUE(test, iov_kunit_iter_eq(&iter, &before));
	iov_iter_revert(&iter, 300);
	KUNIT_EXPECT_EQ(test, iter.iov_offset, 0);
	KUNIT_EXPECT_EQ(test, iter.count, 8192);

	iov_iter_discard(&iter, READ, 10);
	iov_iter_revert(&iter, 5);
	KUNIT_EXPECT_EQ(test, iter.count, 15);
}

/* Run iov_iter_revert(@iter, @n) in a forked host child; did it abort? */
static bool iov_kunit_revert_aborts(struct kunit *test, struct iov_iter *iter, size_t n)
{
	int status = 0, fd;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	KUNIT_ASSERT_GE(test, pid, 0);
	if (pid == 0) {
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		signal(SIGABRT, SIG_DFL);
		iov_iter_revert(iter, n);
		_exit(0);
	}
	KUNIT_ASSERT_EQ(test, waitpid(pid, &status, 0), pid);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

/*
 * EDGE-14 (R-ITER-11): revert a UBUF or XARRAY to before its start. The
 * bytes before it were never pinned, so the kernel BUG()s; here BUG()
 * aborts, which a forked host child absorbs.
 *   ubuf: |<-101 back|--100 advanced--|.......|
 * Expect the child killed by SIGABRT for 101 bytes back, and a clean exit
 * for exactly 100.
 */
static void revert_before_start_bugs(struct kunit *test)
{
	struct iov_iter iter;

	iov_iter_ubuf(&iter, ITER_DEST, 0x10000, 8192);
	iov_iter_advance(&iter, 100);
	KUNIT_EXPECT_TRUE(test, iov_kunit_revert_aborts(test, &iter, 101));
	KUNIT_EXPECT_FALSE(test, iov_kunit_revert_aborts(test, &iter, 100));

	iov_iter_xarray(&iter, ITER_DEST, NULL, 4096, 8192);
	iov_iter_advance(&iter, 100);
	KUNIT_EXPECT_TRUE(test, iov_kunit_revert_aborts(test, &iter, 101));
}

/* ---- npages, alignment (R-ITER-12) --------------------------------------- */

/*
 * R-ITER-12: iov_iter_npages() counts each segment's page offset and skips
 * empty segments:
 *   iov: [0] 0x1ff0+0x20 (pages 1-2)  [1] empty  [2] 0x7000+0x1000 (page 7)
 * Expect 3 (2 with maxpages 2); UBUF at offset 0xfff of 2 bytes: 2; a
 * count-0 or DISCARD iterator: 0; a bvec at bv_offset 5000 of 4000 bytes: 2.
 */
static void npages_counts_offsets(struct kunit *test)
{
	struct iovec iov[3] = {
		{ (void *)0x1ff0, 0x20 }, { (void *)0x5000, 0 }, { (void *)0x7000, 0x1000 },
	};
	struct bio_vec bv;
	struct iov_iter iter;

	iov_iter_init(&iter, ITER_DEST, iov, 3, 0x1020);
	KUNIT_EXPECT_EQ(test, iov_iter_npages(&iter, 100), 3);
	KUNIT_EXPECT_EQ(test, iov_iter_npages(&iter, 2), 2);
	iov_iter_advance(&iter, 0x10);
	KUNIT_EXPECT_EQ(test, iov_iter_npages(&iter, 100), 2);
	iov_iter_ubuf(&iter, ITER_SOURCE, 0xfff, 2);
	KUNIT_EXPECT_EQ(test, iov_iter_npages(&iter, 100), 2);
	iov_iter_ubuf(&iter, ITER_SOURCE, 0xfff, 0);
	KUNIT_EXPECT_EQ(test, iov_iter_npages(&iter, 100), 0);
	iov_iter_discard(&iter, READ, 100000);
	KUNIT_EXPECT_EQ(test, iov_iter_npages(&iter, 100), 0);
	bvec_set_page(&bv, IOV_KUNIT_POISON, 4000, 5000);
	iov_iter_bvec(&iter, ITER_SOURCE, &bv, 1, 4000);
	KUNIT_EXPECT_EQ(test, iov_iter_npages(&iter, 100), 2);
}

/*
 * iov_iter_alignment() ORs every start and length; gap_alignment() ORs
 * the inner edges of an IOVEC:
 *   iov: [0] 0x1000+0x200  [1] empty at 0x3  [2] 0x1200+0x400
 * Expect alignment 0x1000|0x200|0x1200|0x400 = 0x1600 (the empty
 * segment's base ignored), gap alignment 0x1200|0x1200 = 0x1200, UBUF
 * gap 0, and a WARN with ~0U for gap_alignment on a KVEC.
 */
static void alignment_and_gaps(struct kunit *test)
{
	struct iovec iov[3] = {
		{ (void *)0x1000, 0x200 }, { (void *)0x3, 0 }, { (void *)0x1200, 0x400 },
	};
	char host[8];
	struct kvec kv = { host, sizeof(host) };
	struct iov_iter iter;
	unsigned long ret = 0;

	iov_iter_init(&iter, ITER_DEST, iov, 3, 0x600);
	KUNIT_EXPECT_EQ(test, iov_iter_alignment(&iter), 0x1600);
	KUNIT_EXPECT_EQ(test, iov_iter_gap_alignment(&iter), 0x1200);
	iov_iter_ubuf(&iter, ITER_DEST, 0x1000, 0x200);
	KUNIT_EXPECT_EQ(test, iov_iter_alignment(&iter), 0x1200);
	KUNIT_EXPECT_EQ(test, iov_iter_gap_alignment(&iter), 0);
	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, sizeof(host));
	KUNIT_EXPECT_WARN(test, ret = iov_iter_gap_alignment(&iter));
	KUNIT_EXPECT_EQ(test, ret, ~0U);
}

static struct kunit_case iov_iter_cases[] = {
	KUNIT_CASE_PARAM(iov_kunit_copy_ranges, iov_kunit_copy_gen_params),
	KUNIT_CASE(copy_to_iter_ubuf_short_at_hole),
	KUNIT_CASE(copy_from_iter_iovec_stops_at_fault),
	KUNIT_CASE(copy_wrong_direction_warns),
	KUNIT_CASE(copy_page_iter_folio_bounds),
	KUNIT_CASE(iov_iter_zero_kvec_ubuf_discard),
	KUNIT_CASE(copy_xarray_and_discard),
	KUNIT_CASE(advance_segments),
	KUNIT_CASE_PARAM(revert_restores_segments, iov_kunit_revert_gen_params),
	KUNIT_CASE(revert_zero_and_too_large),
	KUNIT_CASE(revert_before_start_bugs),
	KUNIT_CASE(npages_counts_offsets),
	KUNIT_CASE(alignment_and_gaps),
	{}
};

struct kunit_suite iov_iter_suite = {
	.name = "iov_iter",
	.init = iov_kunit_init,
	.exit = iov_kunit_exit,
	.test_cases = iov_iter_cases,
};
