/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/iov_iter_fixture.h - the fixture of the iov_iter suites (iov_iter,
 * iov_iter_extract, iov_iter_bad_input), after the kernel's
 * lib/kunit_iov_iter.c: the ledger and GUP counters a case may not
 * change, user memory, the 1 MiB test buffer of any kind (user-backed in
 * task 1's memory, kernel-backed in frames from the page allocator) and
 * the range tables.
 */
#ifndef PINIO_TESTS_IOV_ITER_FIXTURE_H
#define PINIO_TESTS_IOV_ITER_FIXTURE_H

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

struct iov_kunit_snap {
	struct sim_ledger l;
	unsigned long pin_acquired, pin_released, foll_get, pgfault;
};

#define iov_kunit_expect_unchanged(test, a) __iov_kunit_expect_unchanged(test, a, false)

enum iov_kunit_kind {
	IOV_KUNIT_KVEC,
	IOV_KUNIT_BVEC,
	IOV_KUNIT_IOVEC,
	IOV_KUNIT_UBUF,
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

extern const char *const iov_kunit_kind_name[];
extern struct iov_kunit_buf iov_kunit_buf;
extern unsigned char iov_kunit_scratch[IOV_KUNIT_BUF_SIZE];
extern unsigned char iov_kunit_expect[IOV_KUNIT_BUF_SIZE];
extern unsigned char iov_kunit_seen[IOV_KUNIT_BUF_SIZE];
extern const struct iov_kunit_table iov_kunit_mixed;
extern const struct iov_kunit_table iov_kunit_empties;
extern const struct iov_kunit_table iov_kunit_aligned;
extern const struct iov_kunit_table iov_kunit_edges;
extern const struct iov_kunit_table iov_kunit_single;

int iov_kunit_init(struct kunit *test);

void iov_kunit_exit(struct kunit *test);

void iov_kunit_snap(struct iov_kunit_snap *s);

/*
 * Nothing may have moved since @a; with @pinned, pins may have been taken
 * as long as as many were released.
 */
void __iov_kunit_expect_unchanged(struct kunit *test, const struct iov_kunit_snap *a,
				  bool pinned);

bool iov_kunit_iter_eq(const struct iov_iter *a, const struct iov_iter *b);

unsigned long iov_kunit_mmap(struct kunit *test, size_t len);

/* The page task 1 maps at @addr, or NULL: a look at the page tables, no ref. */
struct page *iov_kunit_user_page(unsigned long addr);

unsigned char iov_kunit_pattern(size_t x);

struct iov_kunit_buf *iov_kunit_buf_setup(struct kunit *test, enum iov_kunit_kind kind);

void iov_kunit_buf_teardown(struct kunit *test, struct iov_kunit_buf *b);

/* Read or write the whole buffer through its own kind of access. */
void iov_kunit_buf_access(struct kunit *test, struct iov_kunit_buf *b, void *host,
			  bool write);

/*
 * Build an iterator of the buffer's kind over table @t: one segment per
 * range, except that a BVEC range is split wherever the next page is not
 * physically contiguous (as kunit_iov_iter.c's loader merges). Returns the
 * bytes covered.
 */
size_t iov_kunit_load(struct kunit *test, struct iov_kunit_buf *b, struct iov_iter *iter,
		      unsigned int dir, const struct iov_kunit_table *t);

#endif /* PINIO_TESTS_IOV_ITER_FIXTURE_H */
