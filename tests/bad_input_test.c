// SPDX-License-Identifier: GPL-2.0
/*
 * tests/bad_input_test.c - the bad inputs of scenarios.md §5.3: items
 * 1-20 (GUP, pins, iov_iter) here, items 21-32 in tests/bad_input_io_test.c,
 * both through one harness (tests/bad_input_fixture.c).
 *
 * Every row sets up a small world (user pages, a raw disk, a simfs file, a
 * bio, a pipe, an async ring), takes a snapshot of the machine
 * (tests/snapshot.h: ledger, pin and reference counters, DMA requests,
 * open files, locked pages, the page-table entries, refcounts and bytes of
 * the row's user pages, and the size and bytes of the row's disk or file),
 * makes one bad call, and checks the row's result and that the snapshot is
 * unchanged but for what the row allows:
 *
 *   setup -> snapshot -> call (errno, or 0 / short count) -> snapshot'
 *         -> release what the call legitimately kept -> snapshot''
 *
 *   snapshot' == snapshot  but for the row's pins / violations / I/O
 *   snapshot'' == snapshot but for violations (pins balanced again)
 *
 * The rows cover each item with its main call; the suites named in
 * docs/reliability.md ("Bad inputs") hold the variants (every GUP entry
 * point, every iterator type, both bio paths, ...). Rows 32f* extend item
 * 32 to the I/O on registered buffers (sim_aio_submit_fixed(): index and
 * range checks, -EFAULT; O_DIRECT misalignment on each path, -EINVAL as
 * a completion; a read-only fd, -EBADF): the buffer stays registered
 * (pinned) in the snapshot and no call may pin, reference or move
 * anything.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <pinio/bio.h>
#include <pinio/blkdev.h>
#include <pinio/fault-inject.h>
#include <pinio/fs.h>
#include <pinio/pipe_fs_i.h>
#include <pinio/sim.h>
#include <pinio/uio.h>

#include "kunit/test.h"
#include "mm_helpers.h"
#include "snapshot.h"
#include "suites.h"

#include "bad_input_fixture.h"
#include "suites.h"

/* ---- setups and calls ------------------------------------------------------- */

static void bi_rw4(struct kunit *test, struct bi_ctx *ctx)
{
	bi_map(test, ctx, 4, 0x22);
}

/* Pages 0, 1 and 3 written, page 2 unmapped. */
static void bi_hole(struct kunit *test, struct bi_ctx *ctx)
{
	bi_map(test, ctx, 4, 0x22);
	KUNIT_ASSERT_EQ(test, sim_munmap(ctx->addr + 2 * PAGE_SIZE, PAGE_SIZE), 0);
}

/* The last user page, [TASK_SIZE_MAX - PAGE_SIZE, TASK_SIZE_MAX). */
static void bi_top(struct kunit *test, struct bi_ctx *ctx)
{
	ctx->map_len = ctx->len = PAGE_SIZE;
	ctx->map = ctx->addr = sim_mmap(TASK_SIZE_MAX - PAGE_SIZE, PAGE_SIZE,
					PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	KUNIT_ASSERT_EQ(test, ctx->addr, TASK_SIZE_MAX - PAGE_SIZE);
	t_mm_fill(test, ctx->addr, 0x33, PAGE_SIZE);
}

/* One PROT_READ page, read-faulted: the zero page is mapped. */
static void bi_readonly(struct kunit *test, struct bi_ctx *ctx)
{
	ctx->map_len = ctx->len = PAGE_SIZE;
	ctx->map = ctx->addr = t_mm_mmap(test, PAGE_SIZE, PROT_READ, MAP_PRIVATE);
	t_mm_touch_read(test, ctx->addr, PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, is_zero_page(bi_page(ctx, 0)));
}

static void bi_protnone(struct kunit *test, struct bi_ctx *ctx)
{
	ctx->map_len = ctx->len = PAGE_SIZE;
	ctx->map = ctx->addr = t_mm_mmap(test, PAGE_SIZE, PROT_NONE, MAP_PRIVATE);
}

/* A driver's VM_IO|VM_PFNMAP mapping: GUP refuses the VMA. */
static void bi_pfnmap(struct kunit *test, struct bi_ctx *ctx)
{
	struct vm_area_struct *vma;

	ctx->map_len = ctx->len = PAGE_SIZE;
	ctx->map = ctx->addr = t_mm_mmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	mmap_write_lock(current->mm);
	vma = vma_lookup(current->mm, ctx->addr);
	if (vma)
		vma->vm_flags |= VM_IO | VM_PFNMAP;
	mmap_write_unlock(current->mm);
	KUNIT_ASSERT_NOT_NULL(test, vma);
}

/* Page 0's refcount forced to 0. */
static void bi_ref0(struct kunit *test, struct bi_ctx *ctx)
{
	bi_map(test, ctx, 3, 0x22);
	ctx->tweaked = bi_page(ctx, 0);
	ctx->tweaked_ref = page_ref_count(ctx->tweaked);
	set_page_count(ctx->tweaked, 0);
}

/* Two pinned pages in pages[0..1]; the harness unpins them. */
static void bi_pinned2(struct kunit *test, struct bi_ctx *ctx)
{
	bi_map(test, ctx, 2, 0x22);
	bi_pin(test, ctx, 0, 2);
	ctx->pages[0] = ctx->pinned[0];
	ctx->pages[1] = ctx->pinned[1];
}

/* pages[] = { P0, NULL, P1, NULL }, both pinned; the call releases them. */
static void bi_pinned_holes(struct kunit *test, struct bi_ctx *ctx)
{
	struct page *p[2];

	bi_map(test, ctx, 2, 0x22);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(ctx->addr, 2, FOLL_WRITE, p), 2);
	ctx->pages[0] = p[0];
	ctx->pages[1] = NULL;
	ctx->pages[2] = p[1];
	ctx->pages[3] = NULL;
}

/* A page pinned and unpinned once: the next unpin is the double one. */
static void bi_unpinned_once(struct kunit *test, struct bi_ctx *ctx)
{
	bi_map(test, ctx, 1, 0x22);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(ctx->addr, 1, 0, ctx->pages), 1);
	unpin_user_page(ctx->pages[0]);
}

/* A MAP_SHARED, read-faulted page of a simfs file (writeback-backed). */
static void bi_file_shared(struct kunit *test, struct bi_ctx *ctx)
{
	bi_file(test, ctx, NULL, O_RDWR);
	ctx->map_len = ctx->len = PAGE_SIZE;
	ctx->map = ctx->addr = sim_mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
					ctx->fd, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(ctx->addr));
	t_mm_touch_read(test, ctx->addr, PAGE_SIZE);
}

static long bi_pup_null_pages(struct kunit *test, struct bi_ctx *ctx)
{
	return pin_user_pages_fast(ctx->addr, 1, FOLL_WRITE, NULL);
}

static long bi_pup_foll_get(struct kunit *test, struct bi_ctx *ctx)
{
	return pin_user_pages_fast(ctx->addr, 1, FOLL_GET, ctx->pages);
}

static long bi_gup_longterm(struct kunit *test, struct bi_ctx *ctx)
{
	return get_user_pages_fast(ctx->addr, 1, FOLL_LONGTERM, ctx->pages);
}

static long bi_pup_bit30(struct kunit *test, struct bi_ctx *ctx)
{
	return pin_user_pages_fast(ctx->addr, 1, 1U << 30, ctx->pages);
}

static long bi_pup_touch(struct kunit *test, struct bi_ctx *ctx)
{
	return pin_user_pages_fast(ctx->addr, 1, FOLL_TOUCH, ctx->pages);
}

static long bi_pup_zero(struct kunit *test, struct bi_ctx *ctx)
{
	return pin_user_pages_fast(ctx->addr, 0, FOLL_WRITE, ctx->pages);
}

static long bi_pup_wraps(struct kunit *test, struct bi_ctx *ctx)
{
	return pin_user_pages_fast(ULONG_MAX & PAGE_MASK, 2, 0, ctx->pages);
}

static long bi_pup_past_top(struct kunit *test, struct bi_ctx *ctx)
{
	return pin_user_pages_fast(ctx->addr, 2, FOLL_WRITE, ctx->pages);
}

static long bi_pup_at_hole(struct kunit *test, struct bi_ctx *ctx)
{
	return pin_user_pages_fast(ctx->addr + 2 * PAGE_SIZE, 2, FOLL_WRITE, ctx->pages);
}

static long bi_pup_over_hole(struct kunit *test, struct bi_ctx *ctx)
{
	long ret = pin_user_pages_fast(ctx->addr, 4, FOLL_WRITE, ctx->pages);

	if (ret == 2) {
		KUNIT_EXPECT_PTR_EQ(test, ctx->pages[0], bi_page(ctx, 0));
		KUNIT_EXPECT_PTR_EQ(test, ctx->pages[1], bi_page(ctx, 1));
	}
	return ret;
}

static long bi_pup_write(struct kunit *test, struct bi_ctx *ctx)
{
	return pin_user_pages_fast(ctx->addr, 1, FOLL_WRITE, ctx->pages);
}

static long bi_pup_read(struct kunit *test, struct bi_ctx *ctx)
{
	return pin_user_pages_unlocked(ctx->addr, 1, ctx->pages, 0);
}

static long bi_pup_longterm_write(struct kunit *test, struct bi_ctx *ctx)
{
	return pin_user_pages_fast(ctx->addr, 1, FOLL_WRITE | FOLL_LONGTERM, ctx->pages);
}

static long bi_pup3(struct kunit *test, struct bi_ctx *ctx)
{
	return pin_user_pages_fast(ctx->addr, 3, 0, ctx->pages);
}

static long bi_unpin_errno(struct kunit *test, struct bi_ctx *ctx)
{
	unpin_user_pages(ctx->pages, (unsigned long)-EFAULT);
	return 0;
}

static long bi_unpin4(struct kunit *test, struct bi_ctx *ctx)
{
	unpin_user_pages(ctx->pages, 4);
	return 0;
}

static long bi_sim_unpin_page0(struct kunit *test, struct bi_ctx *ctx)
{
	return sim_unpin_user_page(ctx->pages[0] ? ctx->pages[0] : bi_page(ctx, 0));
}

static long bi_add_pin(struct kunit *test, struct bi_ctx *ctx)
{
	return __folio_add_pin(page_folio(bi_page(ctx, 0)));
}

static long bi_import_too_many(struct kunit *test, struct bi_ctx *ctx)
{
	static struct iovec uvec[UIO_MAXIOV + 1];
	struct iovec fast[UIO_FASTIOV], *iov = fast;
	struct iov_iter iter;
	ssize_t ret;
	int k;

	for (k = 0; k <= UIO_MAXIOV; k++)
		uvec[k] = (struct iovec){ (void *)(ctx->addr + (unsigned long)k), 1 };
	ret = import_iovec(ITER_DEST, uvec, UIO_MAXIOV + 1, UIO_FASTIOV, &iov, &iter);
	KUNIT_EXPECT_NULL(test, iov);
	return ret;
}

static long bi_import_clamped(struct kunit *test, struct bi_ctx *ctx)
{
	struct iovec uvec[2] = {
		{ (void *)ctx->addr, MAX_RW_COUNT - PAGE_SIZE },
		{ (void *)ctx->addr, 2 * PAGE_SIZE },
	};
	struct iovec fast[UIO_FASTIOV], *iov = fast;
	struct iov_iter iter;
	ssize_t ret = import_iovec(ITER_SOURCE, uvec, 2, UIO_FASTIOV, &iov, &iter);

	KUNIT_EXPECT_EQ(test, iov_iter_count(&iter), MAX_RW_COUNT);
	KUNIT_EXPECT_EQ(test, uvec[1].iov_len, 2 * PAGE_SIZE);	/* the caller's array untouched */
	kvfree(iov);
	return ret;
}

static long bi_import_overflow(struct kunit *test, struct bi_ctx *ctx)
{
	struct iovec uvec[2] = {
		{ (void *)ctx->addr, 100 },
		{ (void *)ctx->addr, (size_t)SSIZE_MAX + 1 },
	};
	struct iovec fast[UIO_FASTIOV], *iov = fast;
	struct iov_iter iter;
	ssize_t ret = import_iovec(ITER_DEST, uvec, 2, UIO_FASTIOV, &iov, &iter);

	KUNIT_EXPECT_NULL(test, iov);
	return ret;
}

static long bi_extract(struct kunit *test, struct bi_ctx *ctx, unsigned long start,
		       size_t maxsize, unsigned int maxpages)
{
	struct page **pages = ctx->pages;
	struct iov_iter iter;
	size_t off = 777;
	ssize_t ret;

	iov_iter_ubuf(&iter, ITER_DEST, start, 2 * PAGE_SIZE);
	ret = iov_iter_extract_pages(&iter, &pages, maxsize, maxpages, 0, &off);
	KUNIT_EXPECT_EQ(test, iov_iter_count(&iter), 2 * PAGE_SIZE);
	KUNIT_EXPECT_PTR_EQ(test, pages, ctx->pages);
	return ret;
}

static long bi_extract_maxsize0(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_extract(test, ctx, ctx->addr, 0, 8);
}

static long bi_extract_maxpages0(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_extract(test, ctx, ctx->addr, SIZE_MAX, 0);
}

static long bi_extract_hole(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_extract(test, ctx, ctx->addr + 2 * PAGE_SIZE + 100, SIZE_MAX, 8);
}

static void bi_release_pins(struct bi_ctx *ctx, long ret)
{
	if (ret > 0)
		unpin_user_pages(ctx->pages, (unsigned long)ret);
}

/* ---- the table --------------------------------------------------------------- */

static const struct bi_row bi_rows[] = {
	ROW("1", "pin_user_pages_fast(pages = NULL)", bi_rw4, bi_pup_null_pages, -EINVAL, WARNS),
	ROW("2", "pin_user_pages_fast(FOLL_GET): PIN and GET", bi_rw4, bi_pup_foll_get, -EINVAL,
	  WARNS),
	ROW("3", "get_user_pages_fast(FOLL_LONGTERM) without PIN", bi_rw4, bi_gup_longterm,
	  -EINVAL, WARNS),
	ROW("4a", "unknown flag bit 30", bi_rw4, bi_pup_bit30, -EINVAL, WARNS),
	ROW("4b", "internal-only FOLL_TOUCH", bi_rw4, bi_pup_touch, -EINVAL, WARNS),
	ROW("5", "nr_pages == 0", bi_rw4, bi_pup_zero, 0),
	ROW("6", "start + len wraps", bi_rw4, bi_pup_wraps, -EOVERFLOW),
	ROW("7", "end above TASK_SIZE_MAX", bi_top, bi_pup_past_top, -EFAULT),
	ROW("8a", "first page unmapped", bi_hole, bi_pup_at_hole, -EFAULT),
	ROW("8b", "page 2 unmapped: short count 2, those 2 pins held", bi_hole, bi_pup_over_hole, 2,
	  .allow = { .pins = 2 }, .release = bi_release_pins),
	ROW("9a", "FOLL_WRITE on a PROT_READ VMA", bi_readonly, bi_pup_write, -EFAULT),
	ROW("9b", "read pin of PROT_NONE", bi_protnone, bi_pup_read, -EFAULT),
	ROW("9c", "VM_IO|VM_PFNMAP mapping", bi_pfnmap, bi_pup_write, -EFAULT),
	ROW("10", "LONGTERM|WRITE on MAP_SHARED of a simfs file", bi_file_shared,
	  bi_pup_longterm_write, -EFAULT),
	ROW("11", "refcount 0 on the first page", bi_ref0, bi_pup3, -ENOMEM, WARNS),
	ROW("12", "unpin_user_pages(npages = -EFAULT)", bi_pinned2, bi_unpin_errno, 0, WARNS),
	ROW("13", "unpin {P0, NULL, P1, NULL}: NULLs skipped, 2 pins dropped", bi_pinned_holes,
	  bi_unpin4, 0, .allow = { .pins = -2 }),
	ROW("14a", "unpin a page never pinned", bi_rw4, bi_sim_unpin_page0, -EINVAL,
	  .allow = { .violations = 1 }),
	ROW("14b", "double unpin", bi_unpinned_once, bi_sim_unpin_page0, -EINVAL,
	  .allow = { .violations = 1 }),
	ROW("15", "folio_add_pin() on an unpinned folio", bi_rw4, bi_add_pin, -EINVAL, WARNS),
	ROW("16", "import_iovec() of UIO_MAXIOV + 1 segments", bi_rw4, bi_import_too_many,
	  -EINVAL),
	ROW("17", "iovecs totalling more than MAX_RW_COUNT: clamped", bi_rw4, bi_import_clamped,
	  (long)MAX_RW_COUNT),
	ROW("18", "iovec length above SSIZE_MAX", bi_rw4, bi_import_overflow, -EINVAL),
	ROW("19a", "extract with maxsize 0", bi_rw4, bi_extract_maxsize0, 0),
	ROW("19b", "extract with maxpages 0", bi_rw4, bi_extract_maxpages0, 0),
	ROW("20", "extract from a user iterator over unmapped memory", bi_hole, bi_extract_hole,
	  -EFAULT),
};

KUNIT_ARRAY_PARAM(bi_row, bi_rows, bi_row_desc);

static struct kunit_case bad_input_test_cases[] = {
	KUNIT_CASE_PARAM(bad_input_row, bi_row_gen_params),
	{}
};

struct kunit_suite bad_input_suite = {
	.name = "bad_input",
	.init = bi_init,
	.exit = bi_exit,
	.test_cases = bad_input_test_cases,
};
