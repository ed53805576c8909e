// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for lib/iov_iter.c, after the kernel's lib/kunit_iov_iter.c:
 * copies to and from every iterator type over a 1 MiB buffer, page
 * extraction over range tables with a poisoned 8-entry page list, and the
 * rules of kernel-semantics.md §4 (R-ITER-1..14), EDGE-11..14 and 38,
 * regression R15 (B9) and bad inputs 16-20 of scenarios.md §5.3. Each case
 * boots its own machine; user-backed buffers live in task 1's memory and
 * kernel-backed ones in frames taken from the page allocator.
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

#define IOV_KUNIT_BUF_SIZE	(1UL << 20)
#define IOV_KUNIT_NPAGES	(IOV_KUNIT_BUF_SIZE / PAGE_SIZE)
#define IOV_KUNIT_MAX_RANGES	16
#define IOV_KUNIT_POISON	((struct page *)(uintptr_t)0xaa55aa55aa55aa55ULL)
#define IOV_KUNIT_LIST		8		/* page-list entries per call */
#define IOV_KUNIT_CHUNK		(100 * 1024)	/* bytes asked for per call */

static int iov_kunit_init(struct kunit *test)
{
	return sim_boot(NULL);
}

static void iov_kunit_exit(struct kunit *test)
{
	if (sim_booted())
		KUNIT_EXPECT_EQ(test, sim_shutdown(), 0);
}

/* ---- what a case may not change: ledger and GUP counters ----------------- */

struct iov_kunit_snap {
	struct sim_ledger l;
	unsigned long pin_acquired, pin_released, foll_get, pgfault;
};

static void iov_kunit_snap(struct iov_kunit_snap *s)
{
	sim_ledger_read(&s->l);
	s->pin_acquired = sim_vmstat("nr_foll_pin_acquired");
	s->pin_released = sim_vmstat("nr_foll_pin_released");
	s->foll_get = sim_vmstat("pinio_foll_get_acquired");
	s->pgfault = sim_vmstat("pgfault");
}

/*
 * Nothing may have moved since @a; with @pinned, pins may have been taken
 * as long as as many were released.
 */
static void __iov_kunit_expect_unchanged(struct kunit *test, const struct iov_kunit_snap *a,
					 bool pinned)
{
	struct iov_kunit_snap b;

	iov_kunit_snap(&b);
	KUNIT_EXPECT_EQ(test, b.l.live_folios, a->l.live_folios);
	KUNIT_EXPECT_EQ(test, b.l.pins, a->l.pins);
	KUNIT_EXPECT_EQ(test, b.l.zero_refs, a->l.zero_refs);
	KUNIT_EXPECT_EQ(test, b.l.violations, a->l.violations);
	if (pinned) {
		KUNIT_EXPECT_EQ(test, b.pin_acquired - a->pin_acquired,
				b.pin_released - a->pin_released);
	} else {
		KUNIT_EXPECT_EQ(test, b.pin_acquired, a->pin_acquired);
		KUNIT_EXPECT_EQ(test, b.pin_released, a->pin_released);
	}
	KUNIT_EXPECT_EQ(test, b.foll_get, a->foll_get);
	KUNIT_EXPECT_EQ(test, b.pgfault, a->pgfault);
}

#define iov_kunit_expect_unchanged(test, a) __iov_kunit_expect_unchanged(test, a, false)

static bool iov_kunit_iter_eq(const struct iov_iter *a, const struct iov_iter *b)
{
	return a->iter_type == b->iter_type && a->data_source == b->data_source &&
	       a->nofault == b->nofault && a->user_backed == b->user_backed &&
	       a->iov_offset == b->iov_offset && a->count == b->count &&
	       a->ubuf == b->ubuf && a->nr_segs == b->nr_segs;
}

/* ---- user memory --------------------------------------------------------- */

static unsigned long iov_kunit_mmap(struct kunit *test, size_t len)
{
	return t_mm_mmap(test, len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
}

/* The page task 1 maps at @addr, or NULL: a look at the page tables, no ref. */
static struct page *iov_kunit_user_page(unsigned long addr)
{
	pte_t *ptep = pte_offset_mm(current->mm, addr, false);
	pte_t pte;

	if (!ptep)
		return NULL;
	pte = ptep_get(ptep);
	return pte_present(pte) ? pte_page(pte) : NULL;
}

/* ---- the 1 MiB test buffer, of any kind ---------------------------------- */

enum iov_kunit_kind {
	IOV_KUNIT_KVEC,
	IOV_KUNIT_BVEC,
	IOV_KUNIT_IOVEC,
	IOV_KUNIT_UBUF,
};

static const char *const iov_kunit_kind_name[] = {
	[IOV_KUNIT_KVEC] = "kvec",
	[IOV_KUNIT_BVEC] = "bvec",
	[IOV_KUNIT_IOVEC] = "iovec",
	[IOV_KUNIT_UBUF] = "ubuf",
};

struct iov_kunit_range {
	size_t from, to;
};

struct iov_kunit_table {
	const char *name;
	unsigned int nr;
	struct iov_kunit_range r[IOV_KUNIT_MAX_RANGES];
};

/*
 * KVEC: one 1 MiB folio seen through the direct map. BVEC: 256 single
 * frames, some runs physically contiguous and some not, so that bvecs are
 * sometimes multi-page. IOVEC/UBUF: 1 MiB of task 1's anonymous memory,
 * populated. pages[k] is the page under bytes [k*4K, (k+1)*4K).
 */
struct iov_kunit_buf {
	enum iov_kunit_kind kind;
	struct folio *folio;
	unsigned long ubase;
	struct page *pages[IOV_KUNIT_NPAGES];
	struct kvec kvec[IOV_KUNIT_MAX_RANGES];
	struct iovec iov[IOV_KUNIT_MAX_RANGES];
	struct bio_vec bvec[IOV_KUNIT_NPAGES + IOV_KUNIT_MAX_RANGES];
};

static struct iov_kunit_buf iov_kunit_buf;
static unsigned char iov_kunit_scratch[IOV_KUNIT_BUF_SIZE];
static unsigned char iov_kunit_expect[IOV_KUNIT_BUF_SIZE];
static unsigned char iov_kunit_seen[IOV_KUNIT_BUF_SIZE];

static unsigned char iov_kunit_pattern(size_t x)
{
	return (unsigned char)((x >> 12) * 13 + x * 31 + 1);
}

static struct iov_kunit_buf *iov_kunit_buf_setup(struct kunit *test, enum iov_kunit_kind kind)
{
	struct iov_kunit_buf *b = &iov_kunit_buf;
	unsigned long k;

	memset(b, 0, sizeof(*b));
	b->kind = kind;
	switch (kind) {
	case IOV_KUNIT_KVEC:
		b->folio = folio_alloc_owner(__GFP_ZERO, 8, OWNER_TEST);
		KUNIT_ASSERT_NOT_NULL(test, b->folio);
		for (k = 0; k < IOV_KUNIT_NPAGES; k++)
			b->pages[k] = folio_page(b->folio, k);
		break;
	case IOV_KUNIT_BVEC:
		for (k = 0; k < IOV_KUNIT_NPAGES; k++) {
			struct folio *f = folio_alloc_owner(__GFP_ZERO, 0, OWNER_TEST);

			KUNIT_ASSERT_NOT_NULL(test, f);
			/* Reverse every other group of 4: breaks some runs. */
			b->pages[(k / 4) % 2 ? (k & ~3UL) + 3 - k % 4 : k] = &f->page;
		}
		break;
	case IOV_KUNIT_IOVEC:
	case IOV_KUNIT_UBUF:
		b->ubase = iov_kunit_mmap(test, IOV_KUNIT_BUF_SIZE);
		KUNIT_ASSERT_EQ(test, sim_user_memset(b->ubase, 0, IOV_KUNIT_BUF_SIZE),
				(ssize_t)IOV_KUNIT_BUF_SIZE);
		for (k = 0; k < IOV_KUNIT_NPAGES; k++) {
			b->pages[k] = iov_kunit_user_page(b->ubase + k * PAGE_SIZE);
			KUNIT_ASSERT_NOT_NULL(test, b->pages[k]);
		}
		break;
	}
	return b;
}

static void iov_kunit_buf_teardown(struct kunit *test, struct iov_kunit_buf *b)
{
	unsigned long k;

	switch (b->kind) {
	case IOV_KUNIT_KVEC:
		folio_put(b->folio);
		break;
	case IOV_KUNIT_BVEC:
		for (k = 0; k < IOV_KUNIT_NPAGES; k++)
			put_page(b->pages[k]);
		break;
	case IOV_KUNIT_IOVEC:
	case IOV_KUNIT_UBUF:
		KUNIT_EXPECT_EQ(test, sim_munmap(b->ubase, IOV_KUNIT_BUF_SIZE), 0);
		break;
	}
}

/* Read or write the whole buffer through its own kind of access. */
static void iov_kunit_buf_access(struct kunit *test, struct iov_kunit_buf *b, void *host,
				 bool write)
{
	unsigned long k;

	if (b->kind == IOV_KUNIT_IOVEC || b->kind == IOV_KUNIT_UBUF) {
		ssize_t n = write ? sim_user_write(b->ubase, host, IOV_KUNIT_BUF_SIZE) :
				    sim_user_read(b->ubase, host, IOV_KUNIT_BUF_SIZE);

		KUNIT_ASSERT_EQ(test, n, (ssize_t)IOV_KUNIT_BUF_SIZE);
		return;
	}
	for (k = 0; k < IOV_KUNIT_NPAGES; k++) {
		unsigned char *h = (unsigned char *)host + k * PAGE_SIZE;

		if (write)
			memcpy(page_address(b->pages[k]), h, PAGE_SIZE);
		else
			memcpy(h, page_address(b->pages[k]), PAGE_SIZE);
	}
}

/*
 * Build an iterator of the buffer's kind over table @t: one segment per
 * range, except that a BVEC range is split wherever the next page is not
 * physically contiguous (as kunit_iov_iter.c's loader merges). Returns the
 * bytes covered.
 */
static size_t iov_kunit_load(struct kunit *test, struct iov_kunit_buf *b, struct iov_iter *iter,
			     unsigned int dir, const struct iov_kunit_table *t)
{
	size_t size = 0;
	unsigned int n, nbv = 0;

	for (n = 0; n < t->nr; n++) {
		size_t from = t->r[n].from, to = t->r[n].to;

		KUNIT_ASSERT_LE(test, from, to);
		KUNIT_ASSERT_LE(test, to, IOV_KUNIT_BUF_SIZE);
		size += to - from;
		b->kvec[n] = (struct kvec){ (char *)page_address(b->pages[0]) + from, to - from };
		b->iov[n] = (struct iovec){ (void *)(b->ubase + from), to - from };
		if (from == to) {
			bvec_set_page(&b->bvec[nbv++], b->pages[from / PAGE_SIZE % IOV_KUNIT_NPAGES],
				      0, (unsigned int)(from % PAGE_SIZE));
			continue;
		}
		while (from < to) {
			size_t part = min(to - from, PAGE_SIZE - from % PAGE_SIZE);
			struct page *p = b->pages[from / PAGE_SIZE];
			struct bio_vec *prev = nbv ? &b->bvec[nbv - 1] : NULL;

			if (prev && from != t->r[n].from && from % PAGE_SIZE == 0 &&
			    prev->bv_page + (prev->bv_offset + prev->bv_len) / PAGE_SIZE == p) {
				prev->bv_len += (unsigned int)part;
			} else {
				bvec_set_page(&b->bvec[nbv++], p, (unsigned int)part,
					      (unsigned int)(from % PAGE_SIZE));
			}
			from += part;
		}
	}
	switch (b->kind) {
	case IOV_KUNIT_KVEC:
		iov_iter_kvec(iter, dir, b->kvec, t->nr, size);
		break;
	case IOV_KUNIT_BVEC:
		iov_iter_bvec(iter, dir, b->bvec, nbv, size);
		break;
	case IOV_KUNIT_IOVEC:
		iov_iter_init(iter, dir, b->iov, t->nr, size);
		break;
	case IOV_KUNIT_UBUF:
		KUNIT_ASSERT_EQ(test, t->nr, 1U);
		iov_iter_ubuf(iter, dir, b->ubase + t->r[0].from, size);
		break;
	}
	return size;
}

/* ---- range tables -------------------------------------------------------- */

/* In the spirit of kunit_iov_iter.c's table: an empty range first, then odd ones. */
static const struct iov_kunit_table iov_kunit_mixed = {
	"mixed", 9, {
		{ 0x00002, 0x00002 }, { 0x00027, 0x03000 }, { 0x05193, 0x18794 },
		{ 0x1f000, 0x1f000 }, { 0x20000, 0x21000 }, { 0x21000, 0x2b7ff },
		{ 0x33333, 0x33334 }, { 0x40001, 0xc5fff }, { 0xffffc, 0xfffff },
	},
};

/* Runs of empty ranges before, between and after the data. */
static const struct iov_kunit_table iov_kunit_empties = {
	"empties", 9, {
		{ 0x00000, 0x00000 }, { 0x00000, 0x00000 }, { 0x01000, 0x01000 },
		{ 0x01064, 0x02064 }, { 0x03000, 0x03000 }, { 0x03000, 0x03000 },
		{ 0x07ff0, 0x08010 }, { 0x09000, 0x09000 }, { 0x0a000, 0x0a000 },
	},
};

/* Page-aligned ranges, one of 512 KiB: several calls per range. */
static const struct iov_kunit_table iov_kunit_aligned = {
	"aligned", 4, {
		{ 0x00000, 0x01000 }, { 0x02000, 0x06000 }, { 0x10000, 0x30000 },
		{ 0x80000, 0x100000 },
	},
};

/* Tiny ranges on page edges. */
static const struct iov_kunit_table iov_kunit_edges = {
	"edges", 5, {
		{ 0x00fff, 0x01000 }, { 0x01000, 0x01001 }, { 0x01fff, 0x02001 },
		{ 0x05ffe, 0x06002 }, { 0xfffff, 0x100000 },
	},
};

/* One range, for UBUF. */
static const struct iov_kunit_table iov_kunit_single = {
	"single", 1, { { 0x00123, 0x54321 } },
};

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

/* ---- importing: bad inputs 16-18 ----------------------------------------- */

/*
 * Bad input 16: import_iovec() with UIO_MAXIOV + 1 segments; the limit
 * itself is fine.
 * Expect -EINVAL and *iovp NULL for 1025; 1024 segments of 1 byte give
 * 1024 and an allocated array (nr_segs > fast_segs) the caller kvfree()s.
 * Nothing in the ledger or vmstat moves.
 */
static void import_iovec_too_many_segments(struct kunit *test)
{
	static struct iovec uvec[UIO_MAXIOV + 1];
	struct iovec fast[UIO_FASTIOV], *iov = fast;
	struct iov_kunit_snap snap;
	struct iov_iter iter;
	int k;

	iov_kunit_snap(&snap);
	for (k = 0; k <= UIO_MAXIOV; k++)
		uvec[k] = (struct iovec){ (void *)(0x10000UL + k), 1 };
	KUNIT_EXPECT_EQ(test, import_iovec(ITER_DEST, uvec, UIO_MAXIOV + 1, UIO_FASTIOV, &iov,
					   &iter), -EINVAL);
	KUNIT_EXPECT_NULL(test, iov);

	iov = fast;
	KUNIT_EXPECT_EQ(test, import_iovec(ITER_DEST, uvec, UIO_MAXIOV, UIO_FASTIOV, &iov, &iter),
			UIO_MAXIOV);
	KUNIT_ASSERT_NOT_NULL(test, iov);
	KUNIT_EXPECT_TRUE(test, iov != fast);
	KUNIT_EXPECT_PTR_EQ(test, iter.__iov, iov);
	KUNIT_EXPECT_EQ(test, iter.nr_segs, UIO_MAXIOV);
	KUNIT_EXPECT_TRUE(test, iter_is_iovec(&iter));
	kvfree(iov);
	iov_kunit_expect_unchanged(test, &snap);
}

/*
 * Bad input 17: segments totalling more than MAX_RW_COUNT.
 *   [0] MAX_RW_COUNT - 4096   [1] 8192 -> 4096   [2] 100 -> 0
 * Expect MAX_RW_COUNT returned, the crossing segment shortened in the
 * copy (the caller's array untouched), later ones cut to 0; and a single
 * segment (imported as UBUF) clamped the same way.
 */
static void import_iovec_total_clamped(struct kunit *test)
{
	struct iovec uvec[3] = {
		{ (void *)0x10000, MAX_RW_COUNT - 4096 },
		{ (void *)0x10000, 8192 },
		{ (void *)0x20000, 100 },
	};
	struct iovec fast[UIO_FASTIOV], *iov = fast;
	struct iov_kunit_snap snap;
	struct iov_iter iter;

	iov_kunit_snap(&snap);
	KUNIT_EXPECT_EQ(test, import_iovec(ITER_SOURCE, uvec, 3, UIO_FASTIOV, &iov, &iter),
			(ssize_t)MAX_RW_COUNT);
	KUNIT_EXPECT_NULL(test, iov);
	KUNIT_EXPECT_PTR_EQ(test, iter.__iov, fast);
	KUNIT_EXPECT_EQ(test, fast[1].iov_len, 4096);
	KUNIT_EXPECT_EQ(test, fast[2].iov_len, 0);
	KUNIT_EXPECT_EQ(test, uvec[1].iov_len, 8192);
	KUNIT_EXPECT_EQ(test, iov_iter_count(&iter), MAX_RW_COUNT);
	KUNIT_EXPECT_EQ(test, iov_iter_rw(&iter), WRITE);

	iov = fast;
	uvec[0].iov_len = MAX_RW_COUNT + 12345;
	KUNIT_EXPECT_EQ(test, import_iovec(ITER_DEST, uvec, 1, UIO_FASTIOV, &iov, &iter),
			(ssize_t)MAX_RW_COUNT);
	KUNIT_EXPECT_TRUE(test, iter_is_ubuf(&iter));
	KUNIT_EXPECT_NULL(test, iov);
	KUNIT_EXPECT_EQ(test, import_ubuf(ITER_DEST, 0x10000, SIZE_MAX / 4, &iter), 0);
	KUNIT_EXPECT_EQ(test, iter.count, MAX_RW_COUNT);
	iov_kunit_expect_unchanged(test, &snap);
}

/*
 * Bad input 18 and access_ok(): a length negative as ssize_t, and ranges
 * that leave the user address space (end > TASK_SIZE_MAX).
 * Expect -EINVAL for the length (in either position), -EFAULT for the
 * ranges from import_iovec() and import_ubuf(), *iovp NULL and the
 * iterator untouched each time; a range ending exactly at TASK_SIZE_MAX
 * is fine. No allocation failure injected, no ledger or vmstat change.
 */
static void import_iovec_bad_lengths_and_ranges(struct kunit *test)
{
	struct iovec uvec[3] = {
		{ (void *)0x10000, 100 },
		{ (void *)0x20000, (size_t)SSIZE_MAX + 1 },
		{ (void *)0x30000, 100 },
	};
	struct iovec fast[UIO_FASTIOV], *iov = fast;
	struct iov_kunit_snap snap;
	struct iov_iter iter, before;

	iov_kunit_snap(&snap);
	iov_iter_discard(&iter, READ, 7);
	before = iter;
	KUNIT_EXPECT_EQ(test, import_iovec(ITER_DEST, uvec, 3, UIO_FASTIOV, &iov, &iter), -EINVAL);
	KUNIT_EXPECT_NULL(test, iov);
	iov = fast;
	KUNIT_EXPECT_EQ(test, import_iovec(ITER_DEST, &uvec[1], 1, UIO_FASTIOV, &iov, &iter),
			-EINVAL);
	KUNIT_EXPECT_NULL(test, iov);
	iov = fast;
	uvec[1] = (struct iovec){ (void *)(TASK_SIZE_MAX - 10), 100 };
	KUNIT_EXPECT_EQ(test, import_iovec(ITER_DEST, uvec, 3, UIO_FASTIOV, &iov, &iter), -EFAULT);
	KUNIT_EXPECT_NULL(test, iov);
	KUNIT_EXPECT_TRUE(test, iov_kunit_iter_eq(&iter, &before));
	KUNIT_EXPECT_EQ(test, import_ubuf(ITER_DEST, TASK_SIZE_MAX - 10, 100, &iter), -EFAULT);
	KUNIT_EXPECT_EQ(test, import_ubuf(ITER_DEST, ULONG_MAX - 10, 100, &iter), -EFAULT);
	KUNIT_EXPECT_TRUE(test, iov_kunit_iter_eq(&iter, &before));

	iov = fast;
	uvec[1] = (struct iovec){ (void *)(TASK_SIZE_MAX - 100), 100 };
	KUNIT_EXPECT_EQ(test, import_iovec(ITER_DEST, uvec, 3, UIO_FASTIOV, &iov, &iter), 300);
	KUNIT_EXPECT_EQ(test, import_ubuf(ITER_DEST, TASK_SIZE_MAX - 100, 100, &iter), 0);
	iov_kunit_expect_unchanged(test, &snap);
}

/*
 * import_iovec() when copying the array needs an allocation that fails
 * (fault injection F2): 20 segments with 8 fast ones.
 * Expect -ENOMEM, *iovp NULL, the iterator untouched, 0 segments import
 * as an empty IOVEC of 0 bytes.
 */
static void import_iovec_alloc_fails(struct kunit *test)
{
	struct iovec uvec[20], fast[UIO_FASTIOV], *iov = fast;
	struct iov_iter iter, before;
	int k;

	for (k = 0; k < 20; k++)
		uvec[k] = (struct iovec){ (void *)(0x10000UL * (k + 1)), 10 };
	iov_iter_discard(&iter, READ, 7);
	before = iter;
	sim_fail_site_after(FAULT_META_ALLOC, 1);
	KUNIT_EXPECT_EQ(test, import_iovec(ITER_DEST, uvec, 20, UIO_FASTIOV, &iov, &iter),
			-ENOMEM);
	sim_fault_reset();
	KUNIT_EXPECT_NULL(test, iov);
	KUNIT_EXPECT_TRUE(test, iov_kunit_iter_eq(&iter, &before));

	iov = fast;
	KUNIT_EXPECT_EQ(test, import_iovec(ITER_DEST, uvec, 0, UIO_FASTIOV, &iov, &iter), 0);
	KUNIT_EXPECT_TRUE(test, iter_is_iovec(&iter));
	KUNIT_EXPECT_EQ(test, iter.count, 0);
	KUNIT_EXPECT_NULL(test, iov);
}

/* ---- bad inputs 19-20 ---------------------------------------------------- */

/*
 * Bad input 19 (R-ITER-5): extract with maxsize 0 and with maxpages 0,
 * from a populated UBUF, an IOVEC, a KVEC and a BVEC with bytes.
 * Expect 0 each time, the iterator, *offset0 and the page list untouched,
 * no pin, reference or fault.
 */
static void extract_pages_maxsize0_maxpages0(struct kunit *test)
{
	static const struct iov_kunit_table t = { "one", 1, { { 0x10, 0x3000 } } };
	enum iov_kunit_kind kind;

	for (kind = IOV_KUNIT_KVEC; kind <= IOV_KUNIT_UBUF; kind++) {
		struct iov_kunit_buf *b = iov_kunit_buf_setup(test, kind);
		struct page *pagelist[IOV_KUNIT_LIST], **pages = pagelist;
		struct iov_kunit_snap snap;
		struct iov_iter iter, before;
		size_t offset0 = 777;
		int k;

		for (k = 0; k < IOV_KUNIT_LIST; k++)
			pagelist[k] = IOV_KUNIT_POISON;
		iov_kunit_load(test, b, &iter, ITER_DEST, &t);
		before = iter;
		iov_kunit_snap(&snap);
		KUNIT_EXPECT_EQ(test, iov_iter_extract_pages(&iter, &pages, 0, 8, 0, &offset0), 0);
		KUNIT_EXPECT_EQ(test, iov_iter_extract_pages(&iter, &pages, SIZE_MAX, 0, 0,
							     &offset0), 0);
		KUNIT_EXPECT_TRUE_MSG(test, iov_kunit_iter_eq(&iter, &before), "%s",
				      iov_kunit_kind_name[kind]);
		KUNIT_EXPECT_EQ(test, offset0, 777);
		KUNIT_EXPECT_PTR_EQ(test, pagelist[0], IOV_KUNIT_POISON);
		iov_kunit_expect_unchanged(test, &snap);
		iov_kunit_buf_teardown(test, b);
	}
}

/*
 * Bad input 20 (R-ITER-6): a user iterator over unmapped memory, both
 * directions, UBUF and IOVEC, with a caller array and with *pages NULL.
 *   | mapped | hole (munmapped) |
 * Expect -EFAULT, the iterator not advanced, no pin, no folio allocated,
 * and an array the extraction allocated freed again (*pages NULL).
 */
static void extract_pages_unmapped_efault(struct kunit *test)
{
	unsigned long ubase = iov_kunit_mmap(test, 2 * PAGE_SIZE), hole = ubase + PAGE_SIZE;
	struct page *pagelist[IOV_KUNIT_LIST], **pages;
	struct iovec iov[2] = { { (void *)ubase, 0 }, { (void *)(hole + 5), 100 } };
	struct iov_kunit_snap snap;
	struct iov_iter iter, before;
	size_t offset0;
	int dir;

	KUNIT_ASSERT_EQ(test, sim_munmap(hole, PAGE_SIZE), 0);
	sim_ledger_read(&snap.l);
	for (dir = ITER_DEST; dir <= ITER_SOURCE; dir++) {
		unsigned long pins = sim_vmstat("nr_foll_pin_acquired");
		struct sim_ledger l;

		iov_iter_ubuf(&iter, (unsigned int)dir, hole, 3000);
		before = iter;
		pages = pagelist;
		KUNIT_EXPECT_EQ(test, iov_iter_extract_pages(&iter, &pages, SIZE_MAX, 8, 0,
							     &offset0), -EFAULT);
		KUNIT_EXPECT_TRUE(test, iov_kunit_iter_eq(&iter, &before));
		pages = NULL;
		KUNIT_EXPECT_EQ(test, iov_iter_extract_pages(&iter, &pages, SIZE_MAX, 8, 0,
							     &offset0), -EFAULT);
		KUNIT_EXPECT_NULL(test, pages);

		iov_iter_init(&iter, (unsigned int)dir, iov, 2, 100);
		before = iter;
		pages = pagelist;
		KUNIT_EXPECT_EQ(test, iov_iter_extract_pages(&iter, &pages, SIZE_MAX, 8, 0,
							     &offset0), -EFAULT);
		KUNIT_EXPECT_TRUE(test, iov_kunit_iter_eq(&iter, &before));
		KUNIT_EXPECT_PTR_EQ(test, iter.__iov, &iov[0]);
		KUNIT_EXPECT_EQ(test, sim_vmstat("nr_foll_pin_acquired"), pins);
		sim_ledger_read(&l);
		KUNIT_EXPECT_EQ(test, l.pins, snap.l.pins);
		KUNIT_EXPECT_EQ(test, l.live_folios, snap.l.live_folios);
	}
	KUNIT_EXPECT_EQ(test, sim_munmap(ubase, PAGE_SIZE), 0);
}

/*
 * R-ITER-2/3/4: what each constructor sets.
 * Expect the type, user_backed (UBUF and IOVEC only), extract_will_pin
 * equal to user_backed, iov_offset 0, nofault false, and the direction.
 */
static void constructors_set_fields(struct kunit *test)
{
	struct iovec iov = { (void *)0x1000, 10 };
	char host[10];
	struct kvec kv = { host, 10 };
	struct iov_iter it[6];
	static const struct { unsigned char type; bool user; } want[6] = {
		{ ITER_UBUF, true }, { ITER_IOVEC, true }, { ITER_KVEC, false },
		{ ITER_BVEC, false }, { ITER_XARRAY, false }, { ITER_DISCARD, false },
	};
	int k;

	iov_iter_ubuf(&it[0], ITER_SOURCE, 0x1000, 10);
	iov_iter_init(&it[1], ITER_SOURCE, &iov, 1, 10);
	iov_iter_kvec(&it[2], ITER_SOURCE, &kv, 1, 10);
	iov_iter_bvec(&it[3], ITER_SOURCE, NULL, 0, 0);
	iov_iter_xarray(&it[4], ITER_SOURCE, NULL, 8192, 10);
	iov_iter_discard(&it[5], READ, 10);
	for (k = 0; k < 6; k++) {
		KUNIT_EXPECT_EQ(test, iov_iter_type(&it[k]), want[k].type);
		KUNIT_EXPECT_EQ(test, user_backed_iter(&it[k]), want[k].user);
		KUNIT_EXPECT_EQ(test, iov_iter_extract_will_pin(&it[k]), want[k].user);
		KUNIT_EXPECT_EQ(test, it[k].iov_offset, 0);
		KUNIT_EXPECT_FALSE(test, it[k].nofault);
		KUNIT_EXPECT_EQ(test, iov_iter_rw(&it[k]), k == 5 ? READ : WRITE);
	}
	KUNIT_EXPECT_EQ(test, it[0].nr_segs, 1);
	KUNIT_EXPECT_EQ(test, it[4].xarray_start, 8192);
}

/*
 * R-ITER-9: ITER_XARRAY over a real page cache. A simfs file gets 5 pages
 * of buffered data (cached, dirty), then a hole is punched into the cache
 * view by reading past what was written:
 *
 *   index:  0    1    2    3    4  | 5 (not cached)
 *           [A0] [A1] [A2] [A3] [A4]
 *   iter:   xarray_start = 100, count = 6 pages
 *
 * Expect extraction to return the cached pages (offset0 100) up to the
 * first hole, with no pin and no reference taken, and a copy out of the
 * iterator to give back the file's bytes.
 */
static void extract_xarray_page_cache(struct kunit *test)
{
	struct page *pagelist[IOV_KUNIT_LIST], **pages = pagelist;
	unsigned char *data = malloc(5 * PAGE_SIZE), *back = malloc(5 * PAGE_SIZE);
	struct iov_kunit_snap snap;
	struct iov_iter iter;
	struct file *file;
	unsigned long ubuf;
	size_t offset0 = 0;
	ssize_t n;
	int fd, k, refs[5];

	KUNIT_ASSERT_NOT_NULL(test, data);
	KUNIT_ASSERT_NOT_NULL(test, back);
	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("ixa", 8 << 20, 512), 0);
	KUNIT_ASSERT_EQ(test, sim_mkfs("/dev/ixa", "simfs", "bs=4096"), 0);
	KUNIT_ASSERT_EQ(test, sim_mount("/dev/ixa", "/mnt", NULL), 0);
	fd = sim_open("/mnt/x", O_CREAT | O_RDWR, 0644);
	KUNIT_ASSERT_GE(test, fd, 0);
	for (k = 0; k < (int)(5 * PAGE_SIZE); k++)
		data[k] = (unsigned char)(k * 7 + 3);
	ubuf = sim_mmap(0, 5 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(ubuf));
	KUNIT_ASSERT_EQ(test, sim_user_write(ubuf, data, 5 * PAGE_SIZE), (ssize_t)(5 * PAGE_SIZE));
	KUNIT_ASSERT_EQ(test, sim_pwrite(fd, ubuf, 5 * PAGE_SIZE, 0), (ssize_t)(5 * PAGE_SIZE));
	file = sim_fget(fd);
	KUNIT_ASSERT_NOT_NULL(test, file);

	iov_kunit_snap(&snap);
	iov_iter_xarray(&iter, ITER_SOURCE, file->f_mapping, 0, 6 * PAGE_SIZE);
	iov_iter_advance(&iter, 100);
	for (k = 0; k < IOV_KUNIT_LIST; k++)
		pagelist[k] = IOV_KUNIT_POISON;
	n = iov_iter_extract_pages(&iter, &pages, SIZE_MAX, IOV_KUNIT_LIST, 0, &offset0);
	KUNIT_EXPECT_EQ(test, n, (ssize_t)(5 * PAGE_SIZE - 100));
	KUNIT_EXPECT_EQ(test, offset0, 100);
	KUNIT_EXPECT_EQ(test, iter.count, 6 * PAGE_SIZE - 100 - (size_t)n);
	for (k = 0; k < 5; k++) {
		KUNIT_EXPECT_TRUE(test, pagelist[k] != IOV_KUNIT_POISON);
		if (pagelist[k] == IOV_KUNIT_POISON)
			break;
		refs[k] = page_ref_count(pagelist[k]);
		KUNIT_EXPECT_FALSE(test, page_maybe_dma_pinned(pagelist[k]));
		KUNIT_EXPECT_EQ(test, memcmp(page_address(pagelist[k]), data + k * PAGE_SIZE,
					     PAGE_SIZE), 0);
	}
	KUNIT_EXPECT_PTR_EQ(test, pagelist[5], IOV_KUNIT_POISON);
	iov_kunit_expect_unchanged(test, &snap);

	/* Copy back out through a fresh iterator: the file's bytes. */
	iov_iter_xarray(&iter, ITER_SOURCE, file->f_mapping, 0, 6 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, copy_from_iter(back, 5 * PAGE_SIZE, &iter), 5 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, memcmp(back, data, 5 * PAGE_SIZE), 0);
	for (k = 0; k < 5 && pagelist[k] != IOV_KUNIT_POISON; k++)
		KUNIT_EXPECT_EQ(test, page_ref_count(pagelist[k]), refs[k]);

	fput(file);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_munmap(ubuf, 5 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, sim_umount("/mnt"), 0);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("ixa"), 0);
	free(data);
	free(back);
}

static struct kunit_case iov_iter_test_cases[] = {
	KUNIT_CASE(constructors_set_fields),
	KUNIT_CASE_PARAM(iov_kunit_copy_ranges, iov_kunit_copy_gen_params),
	KUNIT_CASE(copy_to_iter_ubuf_short_at_hole),
	KUNIT_CASE(copy_from_iter_iovec_stops_at_fault),
	KUNIT_CASE(copy_wrong_direction_warns),
	KUNIT_CASE(copy_page_iter_folio_bounds),
	KUNIT_CASE(iov_iter_zero_kvec_ubuf_discard),
	KUNIT_CASE(copy_xarray_and_discard),
	KUNIT_CASE(extract_xarray_page_cache),
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
	KUNIT_CASE(extract_pages_maxsize0_maxpages0),
	KUNIT_CASE(extract_pages_unmapped_efault),
	KUNIT_CASE(get_pages2_ubuf_takes_references),
	KUNIT_CASE(get_pages2_bvec_refs_kvec_efault),
	KUNIT_CASE(advance_segments),
	KUNIT_CASE_PARAM(revert_restores_segments, iov_kunit_revert_gen_params),
	KUNIT_CASE(revert_zero_and_too_large),
	KUNIT_CASE(revert_before_start_bugs),
	KUNIT_CASE(npages_counts_offsets),
	KUNIT_CASE(alignment_and_gaps),
	KUNIT_CASE(import_iovec_too_many_segments),
	KUNIT_CASE(import_iovec_total_clamped),
	KUNIT_CASE(import_iovec_bad_lengths_and_ranges),
	KUNIT_CASE(import_iovec_alloc_fails),
	{}
};

struct kunit_suite iov_iter_suite = {
	.name = "iov_iter",
	.init = iov_kunit_init,
	.exit = iov_kunit_exit,
	.test_cases = iov_iter_test_cases,
};
