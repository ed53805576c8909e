// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests: the bad inputs 1-15 of scenarios.md §5.3 given to
 * get_user_pages()/pin_user_pages(), each checked for its errno and
 * against a snapshot of the machine (nothing pinned, nothing mapped,
 * nothing counted). A 32 MiB machine without THP per case
 * (tests/gup_fixture.c); page arrays are poisoned before every call.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <pinio/sim.h>

#include "kunit/test.h"
#include "mm_helpers.h"
#include "gup_fixture.h"

/* ---- scenarios.md §5.3, bad inputs 1-15 -------------------------------- */

#define BAD_NR	8

/* What one bad-input row set up, and what it must undo. */
struct bad_ctx {
	unsigned long addr, len;		/* the row's mapping */
	struct page *pages[BAD_NR];		/* GUP output, or unpin input */
	struct page *involved[BAD_NR];		/* pages whose refcount is snapshotted */
	int nr_involved;
	struct page *setup_pins[BAD_NR];	/* pins the setup took for the case to drop */
	int nr_setup_pins;
	struct page *setup_ref;			/* a FOLL_GET reference the setup took */
	struct folio *owned;			/* a folio the setup allocated itself */
	struct page *tweaked;			/* refcount forced by the setup */
	int tweaked_ref;
};

/* The snapshot: the ledger, the pin counters and the involved refcounts. */
struct bad_snap {
	struct sim_ledger ledger;
	long acquired, released;
	int ref[BAD_NR];
};

static void bad_snap_take(struct bad_snap *s, const struct bad_ctx *ctx)
{
	int i;

	sim_ledger_read(&s->ledger);
	s->acquired = t_mm_vmstat(NR_FOLL_PIN_ACQUIRED);
	s->released = t_mm_vmstat(NR_FOLL_PIN_RELEASED);
	for (i = 0; i < ctx->nr_involved; i++)
		s->ref[i] = folio_ref_count(page_folio(ctx->involved[i]));
}

/*
 * Expect @after to equal @before except: @pins pins gained (> 0) or dropped
 * (< 0) on the first |@pins| involved pages, one each (+-1024 on their
 * refcounts), nr_foll_pin_acquired/released moved by @acquired/@released,
 * and @violations more violations. Counts wrap as the kernel's atomic_t does.
 */
static void bad_snap_expect(struct kunit *test, const struct bad_ctx *ctx,
			    const struct bad_snap *before, const struct bad_snap *after,
			    int pins, long acquired, long released, int violations)
{
	int i, n = pins < 0 ? -pins : pins;

	KUNIT_EXPECT_EQ(test, after->ledger.live_folios, before->ledger.live_folios);
	KUNIT_EXPECT_EQ(test, after->ledger.pins, before->ledger.pins + pins);
	KUNIT_EXPECT_EQ(test, after->ledger.zero_refs, before->ledger.zero_refs);
	KUNIT_EXPECT_EQ(test, after->ledger.zero_pins, before->ledger.zero_pins);
	KUNIT_EXPECT_EQ(test, after->ledger.live_bios, before->ledger.live_bios);
	KUNIT_EXPECT_EQ(test, after->ledger.live_mms, before->ledger.live_mms);
	KUNIT_EXPECT_EQ(test, after->ledger.violations, before->ledger.violations + violations);
	KUNIT_EXPECT_EQ(test, after->acquired, before->acquired + acquired);
	KUNIT_EXPECT_EQ(test, after->released, before->released + released);
	for (i = 0; i < ctx->nr_involved; i++) {
		unsigned int delta = i < n ? GUP_PIN_COUNTING_BIAS : 0;
		int want = (int)(pins < 0 ? (unsigned int)before->ref[i] - delta
					  : (unsigned int)before->ref[i] + delta);

		KUNIT_EXPECT_EQ_MSG(test, after->ref[i], want, "involved page %d", i);
	}
}

static void bad_involve(struct bad_ctx *ctx, struct page *page)
{
	ctx->involved[ctx->nr_involved++] = page;
}

/* @nr written small pages, all involved. */
static void bad_setup_written(struct kunit *test, struct bad_ctx *ctx, unsigned long nr)
{
	unsigned long i;

	ctx->len = nr * PAGE_SIZE;
	ctx->addr = gup_map_written(test, nr, 0x22);
	for (i = 0; i < nr; i++)
		bad_involve(ctx, t_mm_page(current->mm, ctx->addr + i * PAGE_SIZE));
}

static void bad_setup_rw4(struct kunit *test, struct bad_ctx *ctx)
{
	bad_setup_written(test, ctx, 4);
}

/* Pages 0, 1 and 3 written, page 2 a hole (unmapped). */
static void bad_setup_hole(struct kunit *test, struct bad_ctx *ctx)
{
	ctx->len = 4 * PAGE_SIZE;
	ctx->addr = gup_map_written(test, 4, 0x22);
	KUNIT_ASSERT_EQ(test, sim_munmap(ctx->addr + 2 * PAGE_SIZE, PAGE_SIZE), 0);
	bad_involve(ctx, t_mm_page(current->mm, ctx->addr));
	bad_involve(ctx, t_mm_page(current->mm, ctx->addr + PAGE_SIZE));
	bad_involve(ctx, t_mm_page(current->mm, ctx->addr + 3 * PAGE_SIZE));
}

/* The last user page, [TASK_SIZE_MAX - PAGE_SIZE, TASK_SIZE_MAX), written. */
static void bad_setup_top(struct kunit *test, struct bad_ctx *ctx)
{
	ctx->len = PAGE_SIZE;
	ctx->addr = sim_mmap(TASK_SIZE_MAX - PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	KUNIT_ASSERT_EQ(test, ctx->addr, TASK_SIZE_MAX - PAGE_SIZE);
	t_mm_fill(test, ctx->addr, 0x33, PAGE_SIZE);
	bad_involve(ctx, t_mm_page(current->mm, ctx->addr));
}

/* One PROT_READ page, read-faulted: the zero page. */
static void bad_setup_readonly(struct kunit *test, struct bad_ctx *ctx)
{
	ctx->len = PAGE_SIZE;
	ctx->addr = t_mm_mmap(test, PAGE_SIZE, PROT_READ, MAP_PRIVATE);
	t_mm_touch_read(test, ctx->addr, PAGE_SIZE);
	bad_involve(ctx, t_mm_page(current->mm, ctx->addr));
	KUNIT_ASSERT_TRUE(test, is_zero_page(ctx->involved[0]));
}

static void bad_setup_protnone(struct kunit *test, struct bad_ctx *ctx)
{
	ctx->len = PAGE_SIZE;
	ctx->addr = t_mm_mmap(test, PAGE_SIZE, PROT_NONE, MAP_PRIVATE);
}

/*
 * A driver's VM_IO / VM_PFNMAP mapping. Its PTEs would be special, so
 * GUP-fast never takes them; the range is left unpopulated to the same
 * effect, and the slow path's VMA check decides.
 */
static void bad_setup_io(struct kunit *test, struct bad_ctx *ctx)
{
	ctx->len = PAGE_SIZE;
	ctx->addr = t_mm_mmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	gup_set_vm_flags(test, ctx->addr, VM_IO);
}

static void bad_setup_pfnmap(struct kunit *test, struct bad_ctx *ctx)
{
	ctx->len = PAGE_SIZE;
	ctx->addr = t_mm_mmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	gup_set_vm_flags(test, ctx->addr, VM_PFNMAP);
}

/* MAP_SHARED|MAP_ANONYMOUS (shmem: no writeback, no dirty tracking). */
static void bad_setup_shmem(struct kunit *test, struct bad_ctx *ctx)
{
	ctx->len = PAGE_SIZE;
	ctx->addr = t_mm_mmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED);
	t_mm_fill(test, ctx->addr, 0x44, PAGE_SIZE);
	bad_involve(ctx, t_mm_page(current->mm, ctx->addr));
	KUNIT_ASSERT_FALSE(test, PageAnon(ctx->involved[0]));
}

static void bad_tweak(struct bad_ctx *ctx, int idx, int ref)
{
	ctx->tweaked = ctx->involved[idx];
	ctx->tweaked_ref = page_ref_count(ctx->tweaked);
	set_page_count(ctx->tweaked, ref);
}

static void bad_setup_ref0_first(struct kunit *test, struct bad_ctx *ctx)
{
	bad_setup_written(test, ctx, 3);
	bad_tweak(ctx, 0, 0);
}

static void bad_setup_ref0_second(struct kunit *test, struct bad_ctx *ctx)
{
	bad_setup_written(test, ctx, 3);
	bad_tweak(ctx, 1, 0);
}

/* Page 1 holds an overflowed (negative) count, as after R-BUG-1. */
static void bad_setup_refneg_second(struct kunit *test, struct bad_ctx *ctx)
{
	bad_setup_written(test, ctx, 3);
	bad_tweak(ctx, 1, INT_MIN + 1);
}

/* Page 0 one pin short of overflowing: INT_MAX - 1023 + 1024 wraps. */
static void bad_setup_ref_near_max(struct kunit *test, struct bad_ctx *ctx)
{
	bad_setup_written(test, ctx, 1);
	bad_tweak(ctx, 0, INT_MAX - (int)GUP_PIN_COUNTING_BIAS + 1);
}

/* Two pinned pages in pages[]; the case drops the pins at the end. */
static void bad_setup_pinned2(struct kunit *test, struct bad_ctx *ctx)
{
	bad_setup_written(test, ctx, 2);
	KUNIT_ASSERT_EQ(test, t_gup_checked(test, T_API_PUP_FAST, ctx->addr, 2, FOLL_WRITE,
					    ctx->setup_pins, BAD_NR), 2L);
	ctx->nr_setup_pins = 2;
	ctx->pages[0] = ctx->setup_pins[0];
	ctx->pages[1] = ctx->setup_pins[1];
}

/* pages[] = { P0, NULL, P1, NULL }, both pinned; the call releases them. */
static void bad_setup_pinned_holes(struct kunit *test, struct bad_ctx *ctx)
{
	struct page *pinned[3];

	bad_setup_written(test, ctx, 2);
	KUNIT_ASSERT_EQ(test, t_gup_checked(test, T_API_PUP_FAST, ctx->addr, 2, FOLL_WRITE,
					    pinned, ARRAY_SIZE(pinned)), 2L);
	ctx->pages[0] = pinned[0];
	ctx->pages[1] = NULL;
	ctx->pages[2] = pinned[1];
	ctx->pages[3] = NULL;
}

static void bad_setup_all_null(struct kunit *test, struct bad_ctx *ctx)
{
	bad_setup_written(test, ctx, 1);
	ctx->pages[0] = NULL;
	ctx->pages[1] = NULL;
}

/* A written page that was never pinned, in pages[0]. */
static void bad_setup_unpinned(struct kunit *test, struct bad_ctx *ctx)
{
	bad_setup_written(test, ctx, 1);
	ctx->pages[0] = ctx->involved[0];
}

/* A page pinned and unpinned once already: the next unpin is the double one. */
static void bad_setup_unpinned_once(struct kunit *test, struct bad_ctx *ctx)
{
	bad_setup_written(test, ctx, 1);
	KUNIT_ASSERT_EQ(test, t_gup_checked(test, T_API_PUP_FAST, ctx->addr, 1, 0,
					    ctx->pages, BAD_NR), 1L);
	unpin_user_page(ctx->pages[0]);
}

/* A page that holds a FOLL_GET reference, not a pin (R-BUG-5's mix-up). */
static void bad_setup_referenced(struct kunit *test, struct bad_ctx *ctx)
{
	bad_setup_written(test, ctx, 1);
	KUNIT_ASSERT_EQ(test, t_gup_checked(test, T_API_GUP_FAST, ctx->addr, 1, 0,
					    ctx->pages, BAD_NR), 1L);
	ctx->setup_ref = ctx->pages[0];
}

/* A large (order-2) folio never pinned; its head is involved. */
static void bad_setup_large(struct kunit *test, struct bad_ctx *ctx)
{
	ctx->owned = folio_alloc_owner(__GFP_ZERO, 2, OWNER_TEST);
	KUNIT_ASSERT_NOT_NULL(test, ctx->owned);
	KUNIT_ASSERT_TRUE(test, folio_test_large(ctx->owned));
	bad_involve(ctx, &ctx->owned->page);
}

static long bad_call_unpin_errno(struct bad_ctx *ctx)
{
	unpin_user_pages(ctx->pages, (unsigned long)-EFAULT);
	return 0;
}

static long bad_call_unpin_dirty_errno(struct bad_ctx *ctx)
{
	unpin_user_pages_dirty_lock(ctx->pages, (unsigned long)-ENOMEM, true);
	return 0;
}

static long bad_call_unpin4(struct bad_ctx *ctx)
{
	unpin_user_pages(ctx->pages, 4);
	return 0;
}

static long bad_call_unpin2(struct bad_ctx *ctx)
{
	unpin_user_pages(ctx->pages, 2);
	return 0;
}

static long bad_call_sim_unpin(struct bad_ctx *ctx)
{
	return sim_unpin_user_page(ctx->pages[0]);
}

static long bad_call_unpin_user_page(struct bad_ctx *ctx)
{
	unpin_user_page(ctx->pages[0]);
	return 0;
}

static long bad_call_add_pin(struct bad_ctx *ctx)
{
	return __folio_add_pin(page_folio(ctx->involved[0]));
}

struct bad_input {
	const char *id;			/* scenarios.md §5.3 number, with a letter */
	const char *desc;
	void (*setup)(struct kunit *test, struct bad_ctx *ctx);
	/* Either a GUP call ... */
	enum t_gup_api api;
	long at;			/* first page, relative to the mapping */
	unsigned long abs;		/* or an absolute start address */
	long nr;
	unsigned int flags;
	bool no_pages;
	/* ... or another call. */
	long (*call)(struct bad_ctx *ctx);
	long ret;			/* expected return value */
	bool warn;			/* a WARN is expected */
	int violations;			/* violations expected */
	int held;			/* pins gained (> 0) or released (< 0) */
	const char *skip;		/* not testable yet: why */
};

static const struct bad_input bad_inputs[] = {
	{ "1a", "pages == NULL: pin_user_pages_fast", bad_setup_rw4, T_API_PUP_FAST, 0, 0, 1, 0,
	  true, .ret = -EINVAL, .warn = true },
	{ "1b", "pages == NULL: get_user_pages_fast", bad_setup_rw4, T_API_GUP_FAST, 0, 0, 1, 0,
	  true, .ret = -EINVAL, .warn = true },
	{ "1c", "pages == NULL: pin_user_pages_unlocked returns 0", bad_setup_rw4,
	  T_API_PUP_UNLOCKED, 0, 0, 1, 0, true, .ret = 0, .warn = true },
	{ "2a", "PIN|GET: pin_user_pages_fast(FOLL_GET)", bad_setup_rw4, T_API_PUP_FAST, 0, 0, 1,
	  FOLL_GET, .ret = -EINVAL, .warn = true },
	{ "2b", "PIN|GET: pin_user_pages(FOLL_GET) returns 0", bad_setup_rw4, T_API_PUP, 0, 0, 1,
	  FOLL_GET, .ret = 0, .warn = true },
	{ "2c", "PIN|GET: get_user_pages_fast(FOLL_PIN)", bad_setup_rw4, T_API_GUP_FAST, 0, 0, 1,
	  FOLL_PIN, .ret = -EINVAL, .warn = true },
	{ "3a", "LONGTERM without PIN: get_user_pages_fast", bad_setup_rw4, T_API_GUP_FAST, 0, 0,
	  1, FOLL_LONGTERM, .ret = -EINVAL, .warn = true },
	{ "3b", "LONGTERM without PIN: get_user_pages_unlocked", bad_setup_rw4,
	  T_API_GUP_UNLOCKED, 0, 0, 1, FOLL_LONGTERM, .ret = -EINVAL, .warn = true },
	{ "4a", "internal flag FOLL_TOUCH: pin_user_pages_fast", bad_setup_rw4, T_API_PUP_FAST,
	  0, 0, 1, FOLL_TOUCH, .ret = -EINVAL, .warn = true },
	{ "4b", "internal flag FOLL_REMOTE: pin_user_pages_unlocked returns 0", bad_setup_rw4,
	  T_API_PUP_UNLOCKED, 0, 0, 1, FOLL_REMOTE, .ret = 0, .warn = true },
	{ "4c", "internal flag FOLL_UNLOCKABLE: get_user_pages", bad_setup_rw4, T_API_GUP, 0, 0,
	  1, FOLL_UNLOCKABLE, .ret = -EINVAL, .warn = true },
	{ "4d", "unknown bit 30: pin_user_pages_fast", bad_setup_rw4, T_API_PUP_FAST, 0, 0, 1,
	  1U << 30, .ret = -EINVAL, .warn = true },
	{ "4e", "FOLL_DUMP is no fast flag: pin_user_pages_fast", bad_setup_rw4, T_API_PUP_FAST,
	  0, 0, 1, FOLL_DUMP, .ret = -EINVAL, .warn = true },
	{ "5a", "nr_pages == 0: pin_user_pages_fast", bad_setup_rw4, T_API_PUP_FAST, 0, 0, 0, 0,
	  .ret = 0 },
	{ "5b", "nr_pages == 0: pin_user_pages_unlocked", bad_setup_rw4, T_API_PUP_UNLOCKED, 0,
	  0, 0, 0, .ret = 0 },
	{ "5c", "nr_pages == 0: get_user_pages", bad_setup_rw4, T_API_GUP, 0, 0, 0, 0, .ret = 0 },
	{ "6a", "start + len wraps: pin_user_pages_fast", bad_setup_rw4, T_API_PUP_FAST, 0,
	  ULONG_MAX & PAGE_MASK, 2, 0, .ret = -EOVERFLOW },
	{ "6b", "nr_pages = -1 wraps: get_user_pages_fast", bad_setup_rw4, T_API_GUP_FAST, 0, 0,
	  -1, 0, .ret = -EOVERFLOW },
	{ "7a", "end past TASK_SIZE_MAX: pin_user_pages_fast", bad_setup_top, T_API_PUP_FAST, 0,
	  0, 2, FOLL_WRITE, .ret = -EFAULT },
	{ "7b", "end == TASK_SIZE_MAX is inside: pin_user_pages_fast", bad_setup_top,
	  T_API_PUP_FAST, 0, 0, 1, FOLL_WRITE, .ret = 1, .held = 1 },
	{ "7c", "start at TASK_SIZE_MAX: get_user_pages_fast", bad_setup_top, T_API_GUP_FAST, 0,
	  TASK_SIZE_MAX, 1, 0, .ret = -EFAULT },
	{ "7d", "start at TASK_SIZE_MAX: pin_user_pages_unlocked", bad_setup_top,
	  T_API_PUP_UNLOCKED, 0, TASK_SIZE_MAX, 1, 0, .ret = -EFAULT },
	{ "8a", "first page unmapped: pin_user_pages_fast", bad_setup_hole, T_API_PUP_FAST, 2, 0,
	  2, FOLL_WRITE, .ret = -EFAULT },
	{ "8b", "page 2 unmapped: pin_user_pages_fast keeps 2", bad_setup_hole, T_API_PUP_FAST,
	  0, 0, 4, FOLL_WRITE, .ret = 2, .held = 2 },
	{ "8c", "page 2 unmapped: pin_user_pages_unlocked keeps 2", bad_setup_hole,
	  T_API_PUP_UNLOCKED, 0, 0, 4, FOLL_WRITE, .ret = 2, .held = 2 },
	{ "8d", "page 2 unmapped: pin_user_pages keeps 2", bad_setup_hole, T_API_PUP, 0, 0, 4, 0,
	  .ret = 2, .held = 2 },
	{ "9a", "WRITE on a PROT_READ VMA: pin_user_pages_fast", bad_setup_readonly,
	  T_API_PUP_FAST, 0, 0, 1, FOLL_WRITE, .ret = -EFAULT },
	{ "9b", "WRITE on a PROT_READ VMA: get_user_pages_unlocked", bad_setup_readonly,
	  T_API_GUP_UNLOCKED, 0, 0, 1, FOLL_WRITE, .ret = -EFAULT },
	{ "9c", "read of PROT_NONE: pin_user_pages_fast", bad_setup_protnone, T_API_PUP_FAST, 0,
	  0, 1, 0, .ret = -EFAULT },
	{ "9d", "VM_IO: pin_user_pages_unlocked", bad_setup_io, T_API_PUP_UNLOCKED, 0, 0, 1, 0,
	  .ret = -EFAULT },
	{ "9e", "VM_PFNMAP: pin_user_pages_fast", bad_setup_pfnmap, T_API_PUP_FAST, 0, 0, 1,
	  FOLL_WRITE, .ret = -EFAULT },
	/* 10a (a writeback-fs file mapping) is gup_bad_input_10a_file_mapping. */
	{ "10b", "LONGTERM|WRITE on shmem is allowed", bad_setup_shmem, T_API_PUP_FAST, 0, 0, 1,
	  FOLL_LONGTERM | FOLL_WRITE, .ret = 1, .held = 1 },
	{ "11a", "refcount 0 on the first page: -ENOMEM", bad_setup_ref0_first, T_API_PUP_FAST,
	  0, 0, 3, 0, .ret = -ENOMEM, .warn = true },
	{ "11b", "refcount 0 on page 1: short count 1", bad_setup_ref0_second,
	  T_API_PUP_UNLOCKED, 0, 0, 3, 0, .ret = 1, .warn = true, .held = 1 },
	{ "11c", "refcount < 0 on page 1: fast WARN, short count 1", bad_setup_refneg_second,
	  T_API_PUP_FAST, 0, 0, 3, FOLL_WRITE, .ret = 1, .warn = true, .held = 1 },
	/*
	 * scenarios.md lists "would overflow" with -ENOMEM; kernel-semantics.md
	 * (R-REF-9, R-BUG-1) says the guard runs before the add, so the pin that
	 * overflows succeeds and only the next one fails. We follow the latter.
	 */
	{ "11d", "refcount INT_MAX-1023: the pin succeeds and wraps", bad_setup_ref_near_max,
	  T_API_PUP_FAST, 0, 0, 1, FOLL_WRITE, .ret = 1, .held = 1 },
	{ "12a", "unpin_user_pages(npages = -EFAULT)", bad_setup_pinned2,
	  .call = bad_call_unpin_errno, .ret = 0, .warn = true },
	{ "12b", "unpin_user_pages_dirty_lock(npages = -ENOMEM)", bad_setup_pinned2,
	  .call = bad_call_unpin_dirty_errno, .ret = 0, .warn = true },
	{ "13a", "unpin {P0, NULL, P1, NULL}: NULLs skipped", bad_setup_pinned_holes,
	  .call = bad_call_unpin4, .ret = 0, .held = -2 },
	{ "13b", "unpin {NULL, NULL}: nothing", bad_setup_all_null, .call = bad_call_unpin2,
	  .ret = 0 },
	{ "14a", "unpin a page never pinned", bad_setup_unpinned, .call = bad_call_sim_unpin,
	  .ret = -EINVAL, .violations = 1 },
	{ "14b", "double unpin", bad_setup_unpinned_once, .call = bad_call_sim_unpin,
	  .ret = -EINVAL, .violations = 1 },
	{ "14c", "unpin a page that holds only a FOLL_GET reference", bad_setup_referenced,
	  .call = bad_call_sim_unpin, .ret = -EINVAL, .violations = 1 },
	{ "14d", "unpin_user_page() of a page never pinned", bad_setup_unpinned,
	  .call = bad_call_unpin_user_page, .ret = 0, .violations = 1 },
	{ "15a", "folio_add_pin on an unpinned small folio", bad_setup_unpinned,
	  .call = bad_call_add_pin, .ret = -EINVAL, .warn = true },
	{ "15b", "folio_add_pin on an unpinned large folio", bad_setup_large,
	  .call = bad_call_add_pin, .ret = -EINVAL, .warn = true },
};

static void bad_input_desc(const struct bad_input *b, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s %s", b->id, b->desc);
}

KUNIT_ARRAY_PARAM(bad_input, bad_inputs, bad_input_desc);

static long bad_input_call(const struct bad_input *b, struct bad_ctx *ctx)
{
	unsigned long start = b->abs ? b->abs : ctx->addr + (unsigned long)b->at * PAGE_SIZE;

	if (b->call)
		return b->call(ctx);
	return t_gup(b->api, start, b->nr, b->flags, b->no_pages ? NULL : ctx->pages);
}

/*
 * scenarios.md §5.3, bad inputs 1-15: each row sets up memory, snapshots the
 * machine, makes one bad call, and compares.
 *
 *   snapshot = sim_ledger + nr_foll_pin_{acquired,released}
 *              + _refcount of every page the row involves
 *   setup -> snapshot -> call -> snapshot' -> release what it kept -> snapshot''
 *
 * Expect the row's return value (errno, 0 or a short count), a WARN or a
 * violation exactly where the row says, only the returned entries of the
 * page array written, snapshot' == snapshot except for the pins the row
 * keeps or releases (one per page, +1024 each), and snapshot'' == snapshot
 * once those are released.
 */
static void gup_bad_input(struct kunit *test)
{
	const struct bad_input *b = test->param_value;
	struct bad_snap before, after;
	struct bad_ctx ctx = { 0 };
	bool gup_out = !b->call && !b->no_pages;
	long ret;
	int i;

	if (b->skip)
		kunit_skip(test, "%s", b->skip);
	b->setup(test, &ctx);
	bad_snap_take(&before, &ctx);
	if (gup_out)
		t_mm_poison(ctx.pages, BAD_NR);
	kunit_expect_violations(test, b->violations);
	if (b->warn)
		KUNIT_EXPECT_WARN(test, ret = bad_input_call(b, &ctx));
	else
		ret = bad_input_call(b, &ctx);
	KUNIT_EXPECT_EQ(test, ret, b->ret);
	if (gup_out)
		t_mm_expect_written(test, ctx.pages, BAD_NR, ret);
	for (i = 0; i < b->held; i++)
		KUNIT_EXPECT_PTR_EQ(test, ctx.pages[i], ctx.involved[i]);

	bad_snap_take(&after, &ctx);
	bad_snap_expect(test, &ctx, &before, &after, b->held, b->held > 0 ? b->held : 0,
			b->held < 0 ? -b->held : 0, b->violations);

	/* Released again, the kept pins leave only the counters moved, in balance. */
	if (b->held > 0 && ret > 0)
		unpin_user_pages(ctx.pages, (unsigned long)ret);
	if (b->held >= 0) {
		bad_snap_take(&after, &ctx);
		bad_snap_expect(test, &ctx, &before, &after, 0, b->held, b->held, b->violations);
	}
	if (ctx.tweaked)
		set_page_count(ctx.tweaked, ctx.tweaked_ref);
	if (ctx.nr_setup_pins)
		unpin_user_pages(ctx.setup_pins, (unsigned long)ctx.nr_setup_pins);
	if (ctx.setup_ref)
		put_page(ctx.setup_ref);
	if (ctx.owned)
		folio_put(ctx.owned);
	if (ctx.len)
		t_mm_munmap(test, ctx.addr, ctx.len);
}

static struct kunit_case gup_bad_input_cases[] = {
	KUNIT_CASE_PARAM(gup_bad_input, bad_input_gen_params),
	{}
};

struct kunit_suite gup_bad_input_suite = {
	.name = "gup_bad_input",
	.init = gup_test_init,
	.exit = gup_test_exit,
	.test_cases = gup_bad_input_cases,
};
