// SPDX-License-Identifier: GPL-2.0
/*
 * tests/iov_iter_fixture.c - the fixture of the iov_iter suites (iov_iter,
 * iov_iter_extract, iov_iter_bad_input), after the kernel's
 * lib/kunit_iov_iter.c: the ledger and GUP counters a case may not
 * change, user memory, the 1 MiB test buffer of any kind (user-backed in
 * task 1's memory, kernel-backed in frames from the page allocator) and
 * the range tables.
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

int iov_kunit_init(struct kunit *test)
{
	return sim_boot(NULL);
}

void iov_kunit_exit(struct kunit *test)
{
	if (sim_booted())
		KUNIT_EXPECT_EQ(test, sim_shutdown(), 0);
}

/* ---- what a case may not change: ledger and GUP counters ----------------- */

void iov_kunit_snap(struct iov_kunit_snap *s)
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
void __iov_kunit_expect_unchanged(struct kunit *test, const struct iov_kunit_snap *a,
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

bool iov_kunit_iter_eq(const struct iov_iter *a, const struct iov_iter *b)
{
	return a->iter_type == b->iter_type && a->data_source == b->data_source &&
	       a->nofault == b->nofault && a->user_backed == b->user_backed &&
	       a->iov_offset == b->iov_offset && a->count == b->count &&
	       a->ubuf == b->ubuf && a->nr_segs == b->nr_segs;
}

/* ---- user memory --------------------------------------------------------- */

unsigned long iov_kunit_mmap(struct kunit *test, size_t len)
{
	return t_mm_mmap(test, len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
}

/* The page task 1 maps at @addr, or NULL: a look at the page tables, no ref. */
struct page *iov_kunit_user_page(unsigned long addr)
{
	pte_t *ptep = pte_offset_mm(current->mm, addr, false);
	pte_t pte;

	if (!ptep)
		return NULL;
	pte = ptep_get(ptep);
	return pte_present(pte) ? pte_page(pte) : NULL;
}

/* ---- the 1 MiB test buffer, of any kind ---------------------------------- */

const char *const iov_kunit_kind_name[] = {
	[IOV_KUNIT_KVEC] = "kvec",
	[IOV_KUNIT_BVEC] = "bvec",
	[IOV_KUNIT_IOVEC] = "iovec",
	[IOV_KUNIT_UBUF] = "ubuf",
};

struct iov_kunit_buf iov_kunit_buf;
unsigned char iov_kunit_scratch[IOV_KUNIT_BUF_SIZE];
unsigned char iov_kunit_expect[IOV_KUNIT_BUF_SIZE];
unsigned char iov_kunit_seen[IOV_KUNIT_BUF_SIZE];

unsigned char iov_kunit_pattern(size_t x)
{
	return (unsigned char)((x >> 12) * 13 + x * 31 + 1);
}

struct iov_kunit_buf *iov_kunit_buf_setup(struct kunit *test, enum iov_kunit_kind kind)
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

void iov_kunit_buf_teardown(struct kunit *test, struct iov_kunit_buf *b)
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
void iov_kunit_buf_access(struct kunit *test, struct iov_kunit_buf *b, void *host,
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
size_t iov_kunit_load(struct kunit *test, struct iov_kunit_buf *b, struct iov_iter *iter,
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
const struct iov_kunit_table iov_kunit_mixed = {
	"mixed", 9, {
		{ 0x00002, 0x00002 }, { 0x00027, 0x03000 }, { 0x05193, 0x18794 },
		{ 0x1f000, 0x1f000 }, { 0x20000, 0x21000 }, { 0x21000, 0x2b7ff },
		{ 0x33333, 0x33334 }, { 0x40001, 0xc5fff }, { 0xffffc, 0xfffff },
	},
};

/* Runs of empty ranges before, between and after the data. */
const struct iov_kunit_table iov_kunit_empties = {
	"empties", 9, {
		{ 0x00000, 0x00000 }, { 0x00000, 0x00000 }, { 0x01000, 0x01000 },
		{ 0x01064, 0x02064 }, { 0x03000, 0x03000 }, { 0x03000, 0x03000 },
		{ 0x07ff0, 0x08010 }, { 0x09000, 0x09000 }, { 0x0a000, 0x0a000 },
	},
};

/* Page-aligned ranges, one of 512 KiB: several calls per range. */
const struct iov_kunit_table iov_kunit_aligned = {
	"aligned", 4, {
		{ 0x00000, 0x01000 }, { 0x02000, 0x06000 }, { 0x10000, 0x30000 },
		{ 0x80000, 0x100000 },
	},
};

/* Tiny ranges on page edges. */
const struct iov_kunit_table iov_kunit_edges = {
	"edges", 5, {
		{ 0x00fff, 0x01000 }, { 0x01000, 0x01001 }, { 0x01fff, 0x02001 },
		{ 0x05ffe, 0x06002 }, { 0xfffff, 0x100000 },
	},
};

/* One range, for UBUF. */
const struct iov_kunit_table iov_kunit_single = {
	"single", 1, { { 0x00123, 0x54321 } },
};
