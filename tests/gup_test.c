// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for get_user_pages()/pin_user_pages() (kernel-semantics.md
 * §2): argument validation (R-GUP-1, R-REF-11, EDGE-10), the bad inputs
 * 1-15 of scenarios.md §5.3 each checked against a snapshot of the machine,
 * the fast path and where it stops (R-GUP-2), the slow path and the
 * mmap_lock it needs (R-GUP-3), VMA checks (R-GUP-4), follow_page_pte()
 * (R-GUP-5), untouched memory (R-GUP-6, EDGE-7), unsharing for R/O pins
 * (R-GUP-7, EDGE-9), long-term pins (R-GUP-8), partial success (R-GUP-9,
 * EDGE-8), exclusivity of pinned anon pages (R-GUP-10), GUP-fast racing
 * fork (EDGE-32), FOLL_NOFAULT (EDGE-38's GUP half) and remote GUP.
 *
 * Every case boots a 32 MiB machine without THP (page_ref covers GUP on
 * PMD-mapped folios; booting THP zeroes a 2 MiB huge zero folio, which the
 * host makes costly), so every mapping gets small pages. Page arrays are
 * poisoned before every GUP call and checked for exactly the returned
 * number of writes.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <pinio/sim.h>

#include "kunit/test.h"
#include "mm_helpers.h"

static struct task_struct *gup_test_child;	/* forked by a case or a hook */

static int gup_test_init(struct kunit *test)
{
	struct sim_config cfg = { .mem_bytes = T_MM_MEM_BYTES };

	gup_test_child = NULL;
	return sim_boot(&cfg);
}

static void gup_test_exit(struct kunit *test)
{
	gup_fast_test_hook = NULL;
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
	KUNIT_EXPECT_EQ(test, sim_shutdown(), 0);
	gup_test_child = NULL;
}

/* Map @nr small pages read-write and write-fault them with @c. */
static unsigned long gup_map_written(struct kunit *test, unsigned long nr, int c)
{
	unsigned long addr = t_mm_mmap(test, nr * PAGE_SIZE, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE);

	t_mm_fill(test, addr, c, nr * PAGE_SIZE);
	return addr;
}

/* Add @flags to the VMA at @addr, as a driver's mmap would (VM_IO, VM_PFNMAP). */
static void gup_set_vm_flags(struct kunit *test, unsigned long addr, unsigned long flags)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;

	mmap_write_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma)
		vma->vm_flags |= flags;
	mmap_write_unlock(mm);
	KUNIT_ASSERT_NOT_NULL(test, vma);
}

/* ---- R-GUP-1, R-REF-11, EDGE-10: invalid arguments ------------------------ */

struct invalid_args_case {
	const char *desc;
	enum t_gup_api api;
	unsigned int flags;
	bool no_pages;		/* pass pages == NULL */
	bool locked_zero;	/* remote APIs: pass *locked == 0 */
};

static const struct invalid_args_case invalid_args_cases[] = {
	{ "GET|PIN: pin_user_pages_fast(FOLL_GET)", .api = T_API_PUP_FAST, .flags = FOLL_GET },
	{ "GET|PIN: pin_user_pages(FOLL_GET)", .api = T_API_PUP, .flags = FOLL_GET },
	{ "GET|PIN: pin_user_pages_unlocked(FOLL_GET)", .api = T_API_PUP_UNLOCKED,
	  .flags = FOLL_GET },
	{ "GET|PIN: pin_user_pages_remote(FOLL_GET)", .api = T_API_PUP_REMOTE, .flags = FOLL_GET },
	{ "external FOLL_PIN: get_user_pages_fast", .api = T_API_GUP_FAST, .flags = FOLL_PIN },
	{ "external FOLL_PIN: get_user_pages", .api = T_API_GUP, .flags = FOLL_PIN },
	{ "external FOLL_PIN: get_user_pages_unlocked", .api = T_API_GUP_UNLOCKED,
	  .flags = FOLL_PIN },
	{ "external FOLL_PIN: get_user_pages_remote", .api = T_API_GUP_REMOTE, .flags = FOLL_PIN },
	{ "external FOLL_PIN: pin_user_pages_fast", .api = T_API_PUP_FAST, .flags = FOLL_PIN },
	{ "external FOLL_PIN: pin_user_pages", .api = T_API_PUP, .flags = FOLL_PIN },
	{ "LONGTERM without PIN: get_user_pages_fast", .api = T_API_GUP_FAST,
	  .flags = FOLL_LONGTERM },
	{ "LONGTERM without PIN: get_user_pages", .api = T_API_GUP, .flags = FOLL_LONGTERM },
	{ "LONGTERM without PIN: get_user_pages_unlocked", .api = T_API_GUP_UNLOCKED,
	  .flags = FOLL_LONGTERM },
	{ "LONGTERM without PIN: get_user_pages_remote", .api = T_API_GUP_REMOTE,
	  .flags = FOLL_LONGTERM },
	{ "LONGTERM|PCI_P2PDMA: pin_user_pages_fast", .api = T_API_PUP_FAST,
	  .flags = FOLL_LONGTERM | FOLL_PCI_P2PDMA },
	{ "LONGTERM|PCI_P2PDMA: pin_user_pages_unlocked", .api = T_API_PUP_UNLOCKED,
	  .flags = FOLL_LONGTERM | FOLL_PCI_P2PDMA },
	{ "no pages[]: get_user_pages_fast", .api = T_API_GUP_FAST, .no_pages = true },
	{ "no pages[]: pin_user_pages_fast", .api = T_API_PUP_FAST, .no_pages = true },
	{ "no pages[]: pin_user_pages", .api = T_API_PUP, .no_pages = true },
	{ "no pages[]: pin_user_pages_remote", .api = T_API_PUP_REMOTE, .no_pages = true },
	{ "internal FOLL_TOUCH: pin_user_pages_fast", .api = T_API_PUP_FAST, .flags = FOLL_TOUCH },
	{ "internal FOLL_TRIED: pin_user_pages_unlocked", .api = T_API_PUP_UNLOCKED,
	  .flags = FOLL_TRIED },
	{ "internal FOLL_REMOTE: get_user_pages", .api = T_API_GUP, .flags = FOLL_REMOTE },
	{ "internal FOLL_FAST_ONLY: get_user_pages_fast", .api = T_API_GUP_FAST,
	  .flags = FOLL_FAST_ONLY },
	{ "internal FOLL_UNLOCKABLE: pin_user_pages_remote", .api = T_API_PUP_REMOTE,
	  .flags = FOLL_UNLOCKABLE },
	{ "not a fast flag (FOLL_DUMP): get_user_pages_fast", .api = T_API_GUP_FAST,
	  .flags = FOLL_DUMP },
	{ "not a fast flag (FOLL_ANON): pin_user_pages_fast", .api = T_API_PUP_FAST,
	  .flags = FOLL_ANON },
	{ "unknown bit 30: pin_user_pages_fast", .api = T_API_PUP_FAST, .flags = 1U << 30 },
	{ "*locked == 0: get_user_pages_remote", .api = T_API_GUP_REMOTE, .locked_zero = true },
	{ "*locked == 0: pin_user_pages_remote", .api = T_API_PUP_REMOTE, .locked_zero = true },
};

static void invalid_args_desc(const struct invalid_args_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(invalid_args, invalid_args_cases, invalid_args_desc);

static long invalid_args_call(const struct invalid_args_case *c, unsigned long addr,
			      struct page **pages)
{
	struct mm_struct *mm = current->mm;
	int locked = 0;
	long ret;

	if (!c->locked_zero)
		return t_gup(c->api, addr, 2, c->flags, c->no_pages ? NULL : pages);
	mmap_read_lock(mm);
	if (c->api == T_API_GUP_REMOTE)
		ret = get_user_pages_remote(mm, addr, 2, c->flags, pages, &locked);
	else
		ret = pin_user_pages_remote(mm, addr, 2, c->flags, pages, &locked);
	mmap_read_unlock(mm);
	return ret;
}

/*
 * R-GUP-1, R-REF-11, EDGE-10: is_valid_gup_args() and the fast path's flag
 * mask reject each bad combination before touching anything.
 *
 *   two written pages; call(api, flags) -> WARN
 *   fast and get_* APIs: -EINVAL      pin_user_pages{,_unlocked,_remote}: 0
 *
 * Expect the WARN, that return value, no page array entry written, no
 * refcount or vmstat movement, and MMF_HAS_PINNED still clear.
 */
static void gup_invalid_args(struct kunit *test)
{
	const struct invalid_args_case *c = test->param_value;
	long acquired = t_mm_vmstat(NR_FOLL_PIN_ACQUIRED);
	long got = t_mm_vmstat(FOLL_GET_ACQUIRED);
	unsigned long addr = gup_map_written(test, 2, 0x11);
	struct page *pages[4];
	long ret;

	t_mm_poison(pages, ARRAY_SIZE(pages));
	KUNIT_EXPECT_WARN(test, ret = invalid_args_call(c, addr, pages));
	KUNIT_EXPECT_EQ(test, ret, t_gup_api_invalid_is_zero(c->api) ? 0L : (long)-EINVAL);
	t_mm_expect_written(test, pages, ARRAY_SIZE(pages), 0);
	KUNIT_EXPECT_EQ(test, page_ref_count(t_mm_page(current->mm, addr)), 1);
	KUNIT_EXPECT_EQ(test, page_ref_count(t_mm_page(current->mm, addr + PAGE_SIZE)), 1);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_ACQUIRED), acquired);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(FOLL_GET_ACQUIRED), got);
	KUNIT_EXPECT_FALSE(test, test_bit(MMF_HAS_PINNED, &current->mm->flags));
	t_mm_munmap(test, addr, 2 * PAGE_SIZE);
}

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

/* ---- R-GUP-2: the fast path ---------------------------------------------- */

/*
 * R-GUP-2 (steps 1, 2, 5): pin_user_pages_fast() on four written,
 * PTE-mapped pages, from an address inside the first page.
 *
 *   start = a + 123 -> a      4 present, writable PTEs -> all taken lockless
 *
 * Expect the four pages of a, a+1, a+2, a+3 (start rounded down), taken by
 * the fast walk alone (pinio_gup_fast_pages +4, no fallback, no slow-path
 * page), MMF_HAS_PINNED set by the pin and still set after the unpin, never
 * set by get_user_pages_fast() in another mm, and not inherited by a fork.
 */
static void gup_fast_path_all_pages(struct kunit *test)
{
	long fast = t_mm_vmstat(GUP_FAST_PAGES), fallback = t_mm_vmstat(GUP_FAST_FALLBACK);
	long slow = t_mm_vmstat(GUP_SLOW_PAGES);
	struct task_struct *me = current, *other, *child;
	struct page *pages[6];
	unsigned long addr, oaddr;
	int ret, i;

	addr = gup_map_written(test, 4, 0x66);
	KUNIT_EXPECT_FALSE(test, test_bit(MMF_HAS_PINNED, &current->mm->flags));
	t_mm_poison(pages, ARRAY_SIZE(pages));
	ret = pin_user_pages_fast(addr + 123, 4, FOLL_WRITE, pages);
	KUNIT_ASSERT_EQ(test, ret, 4);
	t_mm_expect_written(test, pages, ARRAY_SIZE(pages), ret);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_PTR_EQ(test, pages[i], t_mm_page(current->mm, addr + i * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(GUP_FAST_PAGES), fast + 4);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(GUP_FAST_FALLBACK), fallback);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(GUP_SLOW_PAGES), slow);
	KUNIT_EXPECT_TRUE(test, test_bit(MMF_HAS_PINNED, &current->mm->flags));
	unpin_user_pages(pages, 4);
	KUNIT_EXPECT_TRUE(test, test_bit(MMF_HAS_PINNED, &current->mm->flags));

	child = sim_fork();
	KUNIT_ASSERT_FALSE(test, IS_ERR(child));
	KUNIT_EXPECT_FALSE(test, test_bit(MMF_HAS_PINNED, &child->mm->flags));
	sim_task_exit(child);

	other = sim_task_create();
	KUNIT_ASSERT_NOT_NULL(test, other);
	sim_task_switch(other);
	oaddr = gup_map_written(test, 1, 0x67);
	KUNIT_EXPECT_EQ(test, t_gup_checked(test, T_API_GUP_FAST, oaddr, 1, 0, pages,
					    ARRAY_SIZE(pages)), 1L);
	put_page(pages[0]);
	KUNIT_EXPECT_FALSE(test, test_bit(MMF_HAS_PINNED, &other->mm->flags));
	sim_task_switch(me);
	sim_task_exit(other);
	t_mm_munmap(test, addr, 4 * PAGE_SIZE);
}

enum fast_stop_kind {
	STOP_ZERO_PAGE,		/* page 2 read-faulted: a special zero-page PTE */
	STOP_NONE,		/* page 2 never touched: no PTE */
	STOP_COW_SHARED,	/* page 2 shared with a child after fork: R/O PTE */
};

struct fast_stop_case {
	const char *desc;
	enum fast_stop_kind kind;
	unsigned int flags;
	int fast_only;		/* get_user_pages_fast_only()'s count, same flags */
};

static const struct fast_stop_case fast_stop_cases[] = {
	{ "special zero-page PTE, R/O pin", STOP_ZERO_PAGE, 0, 2 },
	{ "none PTE, write pin", STOP_NONE, FOLL_WRITE, 2 },
	{ "R/O COW-shared PTE, write pin", STOP_COW_SHARED, FOLL_WRITE, 2 },
	{ "R/O COW-shared PTE, R/O pin must unshare", STOP_COW_SHARED, 0, 4 },
};

static void fast_stop_desc(const struct fast_stop_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(fast_stop, fast_stop_cases, fast_stop_desc);

/*
 * R-GUP-2 (steps 4-6): the lockless walk stops at the first PTE it cannot
 * take and keeps what it has; the slow path does the rest.
 *
 *   page:   0     1     2     3
 *   PTE:    rw    rw    [X]   rw        X: the row's PTE
 *   fast:   pin   pin   stop
 *   slow:               pin   pin
 *
 * Expect get_user_pages_fast_only() to return the row's count without a
 * fault, then pin_user_pages_fast() to return 4 with pages 0, 1, 3 the
 * written ones and page 2 the zero page (special PTE) or a fresh private
 * page (none PTE, COW, unshare: never the child's page),
 * pinio_gup_fast_pages +2, one fallback, two slow-path pages, and
 * nr_foll_pin_acquired - released == 4.
 */
static void gup_fast_stops_at_first_unusable_pte(struct kunit *test)
{
	const struct fast_stop_case *c = test->param_value;
	long fast, fallback, slow, acquired, released, faults;
	struct page *pages[6], *cpage = NULL;
	unsigned long addr;
	int ret, i;

	addr = t_mm_mmap(test, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	t_mm_fill(test, addr, 0x70, 2 * PAGE_SIZE);
	t_mm_fill(test, addr + 3 * PAGE_SIZE, 0x73, PAGE_SIZE);
	if (c->kind == STOP_ZERO_PAGE)
		t_mm_touch_read(test, addr + 2 * PAGE_SIZE, PAGE_SIZE);
	if (c->kind == STOP_COW_SHARED) {
		t_mm_fill(test, addr + 2 * PAGE_SIZE, 0x72, PAGE_SIZE);
		gup_test_child = sim_fork();
		KUNIT_ASSERT_FALSE(test, IS_ERR(gup_test_child));
		/* The parent's writes break COW on pages 0, 1, 3 only. */
		t_mm_fill(test, addr, 0x70, 2 * PAGE_SIZE);
		t_mm_fill(test, addr + 3 * PAGE_SIZE, 0x73, PAGE_SIZE);
		cpage = t_mm_page(gup_test_child->mm, addr + 2 * PAGE_SIZE);
		KUNIT_ASSERT_PTR_EQ(test, t_mm_page(current->mm, addr + 2 * PAGE_SIZE), cpage);
		KUNIT_ASSERT_FALSE(test, pte_write(t_mm_pte(current->mm,
							    addr + 2 * PAGE_SIZE)));
	}

	faults = t_mm_vmstat(PGFAULT);
	t_mm_poison(pages, ARRAY_SIZE(pages));
	ret = get_user_pages_fast_only(addr, 4, c->flags, pages);
	KUNIT_EXPECT_EQ(test, ret, c->fast_only);
	t_mm_expect_written(test, pages, ARRAY_SIZE(pages), ret);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(PGFAULT), faults);
	for (i = 0; i < ret; i++)
		put_page(pages[i]);

	fast = t_mm_vmstat(GUP_FAST_PAGES);
	fallback = t_mm_vmstat(GUP_FAST_FALLBACK);
	slow = t_mm_vmstat(GUP_SLOW_PAGES);
	acquired = t_mm_vmstat(NR_FOLL_PIN_ACQUIRED);
	released = t_mm_vmstat(NR_FOLL_PIN_RELEASED);
	t_mm_poison(pages, ARRAY_SIZE(pages));
	ret = pin_user_pages_fast(addr, 4, c->flags, pages);
	KUNIT_ASSERT_EQ(test, ret, 4);
	t_mm_expect_written(test, pages, ARRAY_SIZE(pages), ret);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_PTR_EQ(test, pages[i], t_mm_page(current->mm, addr + i * PAGE_SIZE));
	if (c->kind == STOP_ZERO_PAGE) {
		KUNIT_EXPECT_TRUE(test, is_zero_page(pages[2]));
	} else {
		KUNIT_EXPECT_FALSE(test, is_zero_page(pages[2]));
		KUNIT_EXPECT_TRUE(test, PageAnonExclusive(pages[2]));
		KUNIT_EXPECT_PTR_NE(test, pages[2], cpage);
	}
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(GUP_FAST_PAGES), fast + 2);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(GUP_FAST_FALLBACK), fallback + 1);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(GUP_SLOW_PAGES), slow + 2);
	/* Four pins held; the zero page's is not counted (R-ZERO-6). */
	KUNIT_EXPECT_EQ(test, (t_mm_vmstat(NR_FOLL_PIN_ACQUIRED) - acquired) -
			(t_mm_vmstat(NR_FOLL_PIN_RELEASED) - released),
			c->kind == STOP_ZERO_PAGE ? 3L : 4L);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
	unpin_user_pages(pages, 4);
	if (gup_test_child) {
		sim_task_exit(gup_test_child);
		gup_test_child = NULL;
	}
	t_mm_munmap(test, addr, 4 * PAGE_SIZE);
}

/* ---- R-GUP-3: the slow path needs the caller's mmap_lock -------------------- */

/*
 * R-GUP-3: pin_user_pages() and get_user_pages() walk current->mm under the
 * mmap_lock their caller holds; only the *_unlocked and *_fast variants
 * take it themselves.
 *
 *   no lock: pin_user_pages(a, 2) / get_user_pages(a, 2) -> WARN, -EINVAL
 *   lock:    pin_user_pages(a, 2)                         -> 2
 *
 * Expect nothing grabbed without the lock (no entry written, refcounts 1,
 * no vmstat movement) and an ordinary pin with it. The kernel asserts the
 * lock (lockdep, VM_BUG_ON with DEBUG_VM); the model WARNs and refuses.
 */
static void gup_slow_path_needs_mmap_lock(struct kunit *test)
{
	long acquired = t_mm_vmstat(NR_FOLL_PIN_ACQUIRED);
	unsigned long addr = gup_map_written(test, 2, 0x77);
	struct page *pages[4];
	long ret;

	t_mm_poison(pages, ARRAY_SIZE(pages));
	KUNIT_EXPECT_WARN(test, ret = pin_user_pages(addr, 2, FOLL_WRITE, pages));
	KUNIT_EXPECT_EQ(test, ret, (long)-EINVAL);
	t_mm_expect_written(test, pages, ARRAY_SIZE(pages), 0);
	KUNIT_EXPECT_WARN(test, ret = get_user_pages(addr, 2, FOLL_WRITE, pages));
	KUNIT_EXPECT_EQ(test, ret, (long)-EINVAL);
	t_mm_expect_written(test, pages, ARRAY_SIZE(pages), 0);
	KUNIT_EXPECT_EQ(test, page_ref_count(t_mm_page(current->mm, addr)), 1);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_ACQUIRED), acquired);

	/* t_gup() takes the mmap_lock around pin_user_pages(). */
	ret = t_gup_checked(test, T_API_PUP, addr, 2, FOLL_WRITE, pages, ARRAY_SIZE(pages));
	KUNIT_ASSERT_EQ(test, ret, 2L);
	KUNIT_EXPECT_EQ(test, page_ref_count(pages[0]), 1 + (int)GUP_PIN_COUNTING_BIAS);
	unpin_user_pages(pages, 2);
	t_mm_munmap(test, addr, 2 * PAGE_SIZE);
}

/* ---- R-GUP-4, R-GUP-8: what the VMA allows ------------------------------------ */

enum gup_touch { TOUCH_NONE, TOUCH_READ, TOUCH_WRITE };

enum gup_page_kind {
	KIND_NONE,		/* nothing returned */
	KIND_ZERO,		/* a zero page */
	KIND_ANON,		/* an exclusive anon page */
	KIND_SHMEM,		/* a shmem page (not anon) */
};

struct vma_case {
	const char *desc;
	int prot;
	int map;		/* MAP_PRIVATE or MAP_SHARED */
	unsigned long vm_flags;	/* added to the VMA after mmap */
	enum gup_touch touch;
	unsigned int flags;
	long ret;		/* 1 or -errno */
	enum gup_page_kind kind;
	bool pte_writable;	/* the PTE after a successful FOLL_WRITE pin */
};

static const struct vma_case vma_cases[] = {
	{ "WRITE on PROT_READ private: -EFAULT", .prot = PROT_READ, .map = MAP_PRIVATE,
	  .touch = TOUCH_READ, .flags = FOLL_WRITE, .ret = -EFAULT, .kind = KIND_NONE },
	{ "WRITE|FORCE on PROT_READ private: COW, PTE stays R/O", .prot = PROT_READ,
	  .map = MAP_PRIVATE, .touch = TOUCH_READ, .flags = FOLL_WRITE | FOLL_FORCE, .ret = 1,
	  .kind = KIND_ANON },
	{ "WRITE|FORCE on PROT_READ shared: -EFAULT", .prot = PROT_READ, .map = MAP_SHARED,
	  .touch = TOUCH_NONE, .flags = FOLL_WRITE | FOLL_FORCE, .ret = -EFAULT,
	  .kind = KIND_NONE },
	{ "read of PROT_NONE: -EFAULT", .prot = PROT_NONE, .map = MAP_PRIVATE,
	  .touch = TOUCH_NONE, .ret = -EFAULT, .kind = KIND_NONE },
	{ "read of PROT_WRITE-only: -EFAULT", .prot = PROT_WRITE, .map = MAP_PRIVATE,
	  .touch = TOUCH_NONE, .ret = -EFAULT, .kind = KIND_NONE },
	{ "read|FORCE of PROT_WRITE-only: VM_MAYREAD allows it", .prot = PROT_WRITE,
	  .map = MAP_PRIVATE, .touch = TOUCH_NONE, .flags = FOLL_FORCE, .ret = 1,
	  .kind = KIND_ZERO },
	{ "WRITE on PROT_READ|PROT_WRITE private: allowed", .prot = PROT_READ | PROT_WRITE,
	  .map = MAP_PRIVATE, .touch = TOUCH_READ, .flags = FOLL_WRITE, .ret = 1,
	  .kind = KIND_ANON, .pte_writable = true },
	{ "VM_IO: -EFAULT", .prot = PROT_READ | PROT_WRITE, .map = MAP_PRIVATE,
	  .vm_flags = VM_IO, .touch = TOUCH_NONE, .ret = -EFAULT, .kind = KIND_NONE },
	{ "VM_PFNMAP: -EFAULT", .prot = PROT_READ | PROT_WRITE, .map = MAP_PRIVATE,
	  .vm_flags = VM_PFNMAP, .touch = TOUCH_NONE, .flags = FOLL_WRITE, .ret = -EFAULT,
	  .kind = KIND_NONE },
	{ "FOLL_ANON on shmem: -EFAULT", .prot = PROT_READ | PROT_WRITE, .map = MAP_SHARED,
	  .touch = TOUCH_WRITE, .flags = FOLL_ANON, .ret = -EFAULT, .kind = KIND_NONE },
	{ "FOLL_ANON on private anon: allowed", .prot = PROT_READ | PROT_WRITE,
	  .map = MAP_PRIVATE, .touch = TOUCH_WRITE, .flags = FOLL_ANON, .ret = 1,
	  .kind = KIND_ANON },
	{ "LONGTERM|WRITE on shmem: allowed (R-GUP-8)", .prot = PROT_READ | PROT_WRITE,
	  .map = MAP_SHARED, .touch = TOUCH_NONE, .flags = FOLL_LONGTERM | FOLL_WRITE, .ret = 1,
	  .kind = KIND_SHMEM, .pte_writable = true },
	{ "LONGTERM|WRITE on private anon: allowed", .prot = PROT_READ | PROT_WRITE,
	  .map = MAP_PRIVATE, .touch = TOUCH_NONE, .flags = FOLL_LONGTERM | FOLL_WRITE,
	  .ret = 1, .kind = KIND_ANON, .pte_writable = true },
};

static void vma_desc(const struct vma_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(vma, vma_cases, vma_desc);

static void gup_expect_kind(struct kunit *test, struct page *page, enum gup_page_kind kind)
{
	switch (kind) {
	case KIND_NONE:
		break;
	case KIND_ZERO:
		KUNIT_EXPECT_TRUE(test, is_zero_page(page));
		break;
	case KIND_ANON:
		KUNIT_EXPECT_FALSE(test, is_zero_page(page));
		KUNIT_EXPECT_TRUE(test, PageAnon(page));
		KUNIT_EXPECT_TRUE(test, PageAnonExclusive(page));
		KUNIT_EXPECT_FALSE(test, folio_test_large(page_folio(page)));
		break;
	case KIND_SHMEM:
		KUNIT_EXPECT_FALSE(test, is_zero_page(page));
		KUNIT_EXPECT_FALSE(test, PageAnon(page));
		KUNIT_EXPECT_EQ(test, page_folio(page)->owner, (unsigned short)OWNER_SHMEM);
		break;
	}
}

/*
 * R-GUP-4, R-GUP-8, EDGE-8: check_vma_flags() on one page per row,
 * through pin_user_pages_unlocked(): the slow path is where VMAs are
 * checked (GUP-fast never looks at one, and FOLL_ANON is no fast flag).
 *
 *   mmap(prot, map) [+ vm_flags] [touch] -> pin(flags) -> 1 or -errno
 *
 * Expect the row's result; on success the page kind the row names, mapped
 * at the address (FOLL_FORCE on a R/O private mapping: a private copy
 * whose PTE stays read-only), and nothing left changed after the unpin.
 */
static void gup_check_vma_flags(struct kunit *test)
{
	const struct vma_case *c = test->param_value;
	long pins = mm_pins_outstanding();
	struct page *pages[3];
	unsigned long addr;
	long ret;

	addr = t_mm_mmap(test, PAGE_SIZE, c->prot, c->map);
	if (c->vm_flags)
		gup_set_vm_flags(test, addr, c->vm_flags);
	if (c->touch == TOUCH_READ)
		t_mm_touch_read(test, addr, PAGE_SIZE);
	else if (c->touch == TOUCH_WRITE)
		t_mm_fill(test, addr, 0x88, PAGE_SIZE);

	t_mm_poison(pages, ARRAY_SIZE(pages));
	ret = pin_user_pages_unlocked(addr, 1, pages, c->flags);
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	t_mm_expect_written(test, pages, ARRAY_SIZE(pages), ret);
	if (ret == 1) {
		gup_expect_kind(test, pages[0], c->kind);
		KUNIT_EXPECT_PTR_EQ(test, pages[0], t_mm_page(current->mm, addr));
		if (c->flags & FOLL_WRITE)
			KUNIT_EXPECT_EQ(test, pte_write(t_mm_pte(current->mm, addr)),
					c->pte_writable);
		KUNIT_EXPECT_EQ(test, sim_check(), 0);
		unpin_user_pages(pages, 1);
	}
	KUNIT_EXPECT_EQ(test, mm_pins_outstanding(), pins);
	t_mm_munmap(test, addr, PAGE_SIZE);
}

/* ---- R-GUP-6, EDGE-7: untouched memory ------------------------------------------ */

struct untouched_case {
	const char *desc;
	int map;
	size_t len;
	enum t_gup_api api;
	unsigned int flags;
	enum gup_page_kind kind;
	long new_folios;	/* live folios the call allocates */
};

static const struct untouched_case untouched_cases[] = {
	{ "private anon, R/O pin (DIO write): zero pages", MAP_PRIVATE, 4 * PAGE_SIZE,
	  T_API_PUP_FAST, 0, KIND_ZERO, 0 },
	{ "private anon, FOLL_GET R/O: zero pages, referenced", MAP_PRIVATE, 4 * PAGE_SIZE,
	  T_API_GUP_UNLOCKED, 0, KIND_ZERO, 0 },
	{ "private anon, write pin (DIO read): fresh pages", MAP_PRIVATE, 4 * PAGE_SIZE,
	  T_API_PUP_FAST, FOLL_WRITE, KIND_ANON, 4 },
	{ "shmem, R/O pin: shmem pages, never the zero page", MAP_SHARED, 4 * PAGE_SIZE,
	  T_API_PUP_UNLOCKED, 0, KIND_SHMEM, 4 },
	{ "shmem, write pin: shmem pages", MAP_SHARED, 4 * PAGE_SIZE, T_API_PUP_FAST, FOLL_WRITE,
	  KIND_SHMEM, 4 },
};

static void untouched_desc(const struct untouched_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(untouched, untouched_cases, untouched_desc);

/*
 * R-GUP-6, EDGE-7: GUP on never-touched memory faults it in first.
 *
 *   private anon, read fault  -> special PTE to ZERO_PAGE(addr), nothing allocated
 *   private anon, write fault -> a zeroed anon page
 *   shmem (VM_SHARED)         -> the object's page, read or write
 *
 * Expect four pages of the row's kind, each the page now mapped at its
 * address and zero-filled, exactly the row's number of new folios, and
 * the refcounts back where they were after the release.
 */
static void gup_untouched_memory(struct kunit *test)
{
	static const unsigned char zeros[PAGE_SIZE];
	const struct untouched_case *c = test->param_value;
	long live = atomic_long_read(&nr_live_folios);
	struct page *pages[6];
	unsigned long addr;
	long ret, i;

	addr = t_mm_mmap(test, c->len, PROT_READ | PROT_WRITE, c->map);
	t_mm_poison(pages, ARRAY_SIZE(pages));
	ret = t_gup(c->api, addr, 4, c->flags, pages);
	KUNIT_ASSERT_EQ(test, ret, 4L);
	t_mm_expect_written(test, pages, ARRAY_SIZE(pages), ret);
	for (i = 0; i < 4; i++) {
		gup_expect_kind(test, pages[i], c->kind);
		KUNIT_EXPECT_PTR_EQ(test, pages[i], t_mm_page(current->mm, addr + i * PAGE_SIZE));
		if (c->kind == KIND_ZERO)
			KUNIT_EXPECT_PTR_EQ(test, pages[i], ZERO_PAGE(addr + i * PAGE_SIZE));
		KUNIT_EXPECT_MEMEQ(test, page_address(pages[i]), zeros, PAGE_SIZE);
	}
	KUNIT_EXPECT_EQ(test, atomic_long_read(&nr_live_folios), live + c->new_folios);
	if (c->kind == KIND_ZERO && !t_gup_api_pins(c->api))
		KUNIT_EXPECT_EQ(test, page_ref_count(ZERO_PAGE(0)), 1 + 4);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
	t_gup_release(c->api, pages, ret);
	KUNIT_EXPECT_EQ(test, page_ref_count(ZERO_PAGE(0)), 1);
	t_mm_munmap(test, addr, c->len);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&nr_live_folios), live);
}

/* ---- R-GUP-7, R-GUP-10, EDGE-9: unsharing for R/O pins ------------------------ */

enum unshare_src {
	SRC_EXCLUSIVE,		/* a written anon page, exclusive */
	SRC_COW_SHARED,		/* a written anon page shared with a child by fork */
	SRC_ZERO,		/* the zero page (read fault) */
	SRC_SHMEM,		/* a shmem page */
};

enum unshare_result {
	SAME_PAGE,		/* the page mapped before the call */
	NEW_ANON,		/* a new exclusive anon page, now mapped instead */
};

struct unshare_case {
	const char *desc;
	enum unshare_src src;
	enum t_gup_api api;
	unsigned int flags;
	enum unshare_result result;
};

static const struct unshare_case unshare_cases[] = {
	{ "exclusive anon, R/O pin: same page", SRC_EXCLUSIVE, T_API_PUP_FAST, 0, SAME_PAGE },
	{ "COW-shared anon, R/O pin: unshared copy", SRC_COW_SHARED, T_API_PUP_FAST, 0,
	  NEW_ANON },
	{ "COW-shared anon, R/O LONGTERM pin: unshared copy", SRC_COW_SHARED, T_API_PUP_UNLOCKED,
	  FOLL_LONGTERM, NEW_ANON },
	{ "COW-shared anon, write pin: COW copy", SRC_COW_SHARED, T_API_PUP_FAST, FOLL_WRITE,
	  NEW_ANON },
	{ "COW-shared anon, FOLL_GET R/O: same page, no unshare", SRC_COW_SHARED, T_API_GUP_FAST,
	  0, SAME_PAGE },
	{ "zero page, short-term R/O pin: the zero page", SRC_ZERO, T_API_PUP_FAST, 0,
	  SAME_PAGE },
	{ "zero page, R/O LONGTERM pin: unshared (EDGE-9)", SRC_ZERO, T_API_PUP_FAST,
	  FOLL_LONGTERM, NEW_ANON },
	{ "shmem, R/O LONGTERM pin: same page (not a COW mapping)", SRC_SHMEM, T_API_PUP_FAST,
	  FOLL_LONGTERM, SAME_PAGE },
};

static void unshare_desc(const struct unshare_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(unshare, unshare_cases, unshare_desc);

/*
 * R-GUP-7, R-GUP-10, EDGE-9: gup_must_unshare() for R/O pins.
 *
 *   parent PTE (R/O) -> P  [child PTE -> P after fork]
 *   R/O pin of a non-exclusive anon page, or long-term R/O pin in a COW
 *   mapping of a non-anon page (the zero page) -> unshare: parent -> P'
 *
 * Expect the row's result: the same page, or a new exclusive anon page
 * with P's contents that the parent now maps while the child keeps P;
 * every pinned anon page PageAnonExclusive (R-GUP-10) and sim_check()
 * clean (INV-13) while the pin is held.
 */
static void gup_must_unshare_table(struct kunit *test)
{
	const struct unshare_case *c = test->param_value;
	struct page *pages[3], *before;
	unsigned long addr;
	long ret;

	addr = t_mm_mmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE,
			 c->src == SRC_SHMEM ? MAP_SHARED : MAP_PRIVATE);
	if (c->src == SRC_ZERO)
		t_mm_touch_read(test, addr, PAGE_SIZE);
	else
		t_mm_fill(test, addr, 0x99, PAGE_SIZE);
	if (c->src == SRC_COW_SHARED) {
		gup_test_child = sim_fork();
		KUNIT_ASSERT_FALSE(test, IS_ERR(gup_test_child));
		KUNIT_ASSERT_FALSE(test, PageAnonExclusive(t_mm_page(current->mm, addr)));
	}
	before = t_mm_page(current->mm, addr);

	t_mm_poison(pages, ARRAY_SIZE(pages));
	ret = t_gup(c->api, addr, 1, c->flags, pages);
	KUNIT_ASSERT_EQ(test, ret, 1L);
	t_mm_expect_written(test, pages, ARRAY_SIZE(pages), ret);
	KUNIT_EXPECT_PTR_EQ(test, pages[0], t_mm_page(current->mm, addr));
	if (c->result == SAME_PAGE) {
		KUNIT_EXPECT_PTR_EQ(test, pages[0], before);
	} else {
		KUNIT_EXPECT_PTR_NE(test, pages[0], before);
		KUNIT_EXPECT_FALSE(test, is_zero_page(pages[0]));
		KUNIT_EXPECT_TRUE(test, PageAnon(pages[0]));
		KUNIT_EXPECT_EQ(test, *(unsigned char *)page_address(pages[0]),
				c->src == SRC_ZERO ? 0 : 0x99);
		KUNIT_EXPECT_EQ(test, pte_write(t_mm_pte(current->mm, addr)),
				(bool)(c->flags & FOLL_WRITE));
	}
	if (gup_test_child)
		KUNIT_EXPECT_PTR_EQ(test, t_mm_page(gup_test_child->mm, addr), before);
	if (t_gup_api_pins(c->api) && PageAnon(pages[0]))
		KUNIT_EXPECT_TRUE(test, PageAnonExclusive(pages[0]));
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
	t_gup_release(c->api, pages, ret);
	if (gup_test_child) {
		sim_task_exit(gup_test_child);
		gup_test_child = NULL;
	}
	t_mm_munmap(test, addr, PAGE_SIZE);
}

/* ---- R-GUP-9, EDGE-8: partial success ------------------------------------------ */

enum partial_layout {
	LAYOUT_RO_TAIL,		/* pages 0-2 RW, page 3 PROT_READ (its own VMA) */
	LAYOUT_HOLE,		/* pages 0-1 RW, page 2 unmapped, page 3 RW */
	LAYOUT_PROTNONE,	/* page 0 RW, page 1 PROT_NONE, pages 2-3 RW */
	LAYOUT_RO_HEAD,		/* page 0 PROT_READ, pages 1-3 RW */
};

struct partial_case {
	const char *desc;
	enum partial_layout layout;
	enum t_gup_api api;
	unsigned int flags;
	long ret;
};

static const struct partial_case partial_cases[] = {
	{ "RW x3 + RO, write: pin_user_pages_fast -> 3", LAYOUT_RO_TAIL, T_API_PUP_FAST,
	  FOLL_WRITE, 3 },
	{ "RW x3 + RO, write: pin_user_pages_unlocked -> 3", LAYOUT_RO_TAIL, T_API_PUP_UNLOCKED,
	  FOLL_WRITE, 3 },
	{ "RW x3 + RO, write: pin_user_pages -> 3", LAYOUT_RO_TAIL, T_API_PUP, FOLL_WRITE, 3 },
	{ "RW x3 + RO, write: pin_user_pages_remote -> 3", LAYOUT_RO_TAIL, T_API_PUP_REMOTE,
	  FOLL_WRITE, 3 },
	{ "RW x3 + RO, write: get_user_pages_fast -> 3", LAYOUT_RO_TAIL, T_API_GUP_FAST,
	  FOLL_WRITE, 3 },
	{ "RW x3 + RO, read: all 4", LAYOUT_RO_TAIL, T_API_PUP_FAST, 0, 4 },
	{ "hole at page 2: pin_user_pages_fast -> 2", LAYOUT_HOLE, T_API_PUP_FAST, 0, 2 },
	{ "PROT_NONE at page 1: pin_user_pages_unlocked -> 1", LAYOUT_PROTNONE,
	  T_API_PUP_UNLOCKED, 0, 1 },
	{ "RO at page 0, write: -EFAULT, nothing held", LAYOUT_RO_HEAD, T_API_PUP_FAST,
	  FOLL_WRITE, -EFAULT },
};

static void partial_desc(const struct partial_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(partial, partial_cases, partial_desc);

/*
 * R-GUP-9, EDGE-8: a range whose page k cannot be had returns k (the
 * first k entries grabbed) or, for k == 0, the error; never a negative
 * value after something was grabbed.
 *
 *   page:     0    1    2    3
 *   RO_TAIL:  rw   rw   rw   ro      HOLE:     rw  rw  --  rw
 *   PROTNONE: rw   --   rw   rw      RO_HEAD:  ro  rw  rw  rw
 *
 * Expect the row's return, exactly that many entries written, exactly
 * those pages grabbed (+1024 or +1 each, the ledger's pins +k for pins)
 * and every other page untouched; releasing exactly k restores all.
 */
static void gup_partial_success(struct kunit *test)
{
	const struct partial_case *c = test->param_value;
	bool pin = t_gup_api_pins(c->api);
	long pins = mm_pins_outstanding();
	struct page *pages[6], *mapped[4];
	unsigned long addr;
	int i;
	long ret;

	addr = gup_map_written(test, 4, 0xab);
	switch (c->layout) {
	case LAYOUT_RO_TAIL:
		KUNIT_ASSERT_EQ(test, sim_mprotect(addr + 3 * PAGE_SIZE, PAGE_SIZE, PROT_READ), 0);
		break;
	case LAYOUT_HOLE:
		KUNIT_ASSERT_EQ(test, sim_munmap(addr + 2 * PAGE_SIZE, PAGE_SIZE), 0);
		break;
	case LAYOUT_PROTNONE:
		KUNIT_ASSERT_EQ(test, sim_mprotect(addr + PAGE_SIZE, PAGE_SIZE, PROT_NONE), 0);
		break;
	case LAYOUT_RO_HEAD:
		KUNIT_ASSERT_EQ(test, sim_mprotect(addr, PAGE_SIZE, PROT_READ), 0);
		break;
	}
	for (i = 0; i < 4; i++)
		mapped[i] = t_mm_page(current->mm, addr + i * PAGE_SIZE);

	t_mm_poison(pages, ARRAY_SIZE(pages));
	ret = t_gup(c->api, addr, 4, c->flags, pages);
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	t_mm_expect_written(test, pages, ARRAY_SIZE(pages), ret);
	for (i = 0; i < 4; i++) {
		int want = 1;

		if (!mapped[i])
			continue;
		if (i < ret) {
			KUNIT_EXPECT_PTR_EQ(test, pages[i], mapped[i]);
			want += pin ? (int)GUP_PIN_COUNTING_BIAS : 1;
		}
		KUNIT_EXPECT_EQ_MSG(test, page_ref_count(mapped[i]), want, "page %d", i);
	}
	KUNIT_EXPECT_EQ(test, mm_pins_outstanding(),
			pins + (pin && ret > 0 ? ret : 0));
	t_gup_release(c->api, pages, ret);
	for (i = 0; i < 4; i++)
		if (mapped[i])
			KUNIT_EXPECT_EQ(test, page_ref_count(mapped[i]), 1);
	KUNIT_EXPECT_EQ(test, mm_pins_outstanding(), pins);
	KUNIT_EXPECT_EQ(test, sim_munmap(addr, 4 * PAGE_SIZE), 0);
}

/* ---- R-GUP-10: pinned anon pages are exclusive ---------------------------------- */

/*
 * R-GUP-10, INV-13: every anon page handed out pinned is PageAnonExclusive,
 * and stays so through a fork, which gives the child copies instead.
 *
 *   parent: P0..P3 written, pinned (write and R/O)  fork  child: C0..C3 (copies)
 *
 * Expect all four pinned pages exclusive, the fork to copy each
 * (pinio_fork_copied_pinned +4) so the parent keeps mapping P0..P3 once
 * each, the child to see the same bytes in different pages, and
 * sim_check() clean while the pins are held.
 */
static void gup_pinned_anon_is_exclusive(struct kunit *test)
{
	long copies = t_mm_vmstat(COW_FORK_COPY);
	struct page *pages[6];
	unsigned long addr = gup_map_written(test, 4, 0xcd);
	struct task_struct *parent = current;
	unsigned char byte = 0;
	int i;

	KUNIT_ASSERT_EQ(test, t_gup_checked(test, T_API_PUP_FAST, addr, 2, FOLL_WRITE, pages,
					    3), 2L);
	KUNIT_ASSERT_EQ(test, t_gup_checked(test, T_API_PUP_UNLOCKED, addr + 2 * PAGE_SIZE, 2,
					    0, &pages[2], 4), 2L);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_TRUE(test, PageAnonExclusive(pages[i]));

	gup_test_child = sim_fork();
	KUNIT_ASSERT_FALSE(test, IS_ERR(gup_test_child));
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(COW_FORK_COPY), copies + 4);
	for (i = 0; i < 4; i++) {
		struct page *c = t_mm_page(gup_test_child->mm, addr + i * PAGE_SIZE);

		KUNIT_EXPECT_PTR_EQ(test, t_mm_page(current->mm, addr + i * PAGE_SIZE), pages[i]);
		KUNIT_EXPECT_TRUE(test, PageAnonExclusive(pages[i]));
		KUNIT_EXPECT_EQ(test, page_mapcount(pages[i]), 1);
		KUNIT_EXPECT_PTR_NE(test, c, pages[i]);
	}
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
	sim_task_switch(gup_test_child);
	KUNIT_EXPECT_EQ(test, sim_user_read(addr + 3 * PAGE_SIZE, &byte, 1), (ssize_t)1);
	sim_task_switch(parent);
	KUNIT_EXPECT_EQ(test, byte, 0xcd);

	unpin_user_pages(pages, 4);
	sim_task_exit(gup_test_child);
	gup_test_child = NULL;
	t_mm_munmap(test, addr, 4 * PAGE_SIZE);
}

/* ---- EDGE-32: GUP-fast racing fork ---------------------------------------------- */

enum race_mode {
	RACE_HOOK_BUMP,		/* write_protect_seq moves after the first grab */
	RACE_HOOK_FORK,		/* a real fork runs after the first grab */
	RACE_ODD_AT_START,	/* a fork is write-protecting when the walk starts */
};

struct race_case {
	const char *desc;
	enum race_mode mode;
	enum t_gup_api api;
	long fast_pages;	/* pinio_gup_fast_pages delta */
	long fallbacks;		/* pinio_gup_fast_fallback delta */
	long acquired;		/* nr_foll_pin_acquired delta after the call */
	long released;		/* nr_foll_pin_released delta after the call */
};

#define RACE_NR	4

static const struct race_case race_cases[] = {
	{ "seq moved mid-walk, pin: fast grabs undone, slow path", RACE_HOOK_BUMP,
	  T_API_PUP_FAST, 0, 1, 2 * RACE_NR, RACE_NR },
	{ "real fork mid-walk, pin: parent keeps exclusive copies", RACE_HOOK_FORK,
	  T_API_PUP_FAST, 0, 1, 1 + RACE_NR, 1 },
	{ "seq odd at start, pin: no fast walk at all", RACE_ODD_AT_START, T_API_PUP_FAST, 0, 1,
	  RACE_NR, 0 },
	{ "seq moved mid-walk, get: the seq is not sampled", RACE_HOOK_BUMP, T_API_GUP_FAST,
	  RACE_NR, 0, 0, 0 },
	{ "seq odd at start, get: fast walk as usual", RACE_ODD_AT_START, T_API_GUP_FAST,
	  RACE_NR, 0, 0, 0 },
};

static void race_desc(const struct race_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(race, race_cases, race_desc);

/* Fork's write-protect window, opened and closed where the walk is. */
static void race_hook_bump(struct mm_struct *mm)
{
	gup_fast_test_hook = NULL;
	raw_write_seqcount_begin(&mm->write_protect_seq);
	raw_write_seqcount_end(&mm->write_protect_seq);
}

static void race_hook_fork(struct mm_struct *mm)
{
	gup_fast_test_hook = NULL;
	gup_test_child = sim_fork();
}

/*
 * EDGE-32, R-GUP-2 (step 3): GUP-fast against a concurrent fork, emulated
 * through gup_fast_test_hook, which runs right after the walk's first
 * grab, or by leaving write_protect_seq odd across the call.
 *
 *   FOLL_PIN: seq = read; odd -> no fast walk      walk ... (hook) ...
 *             seq changed at the end -> unpin every fast grab, slow path
 *   FOLL_GET: the seq is never sampled
 *
 * Expect 4 pages pinned exactly once each (+1024, not +2048), the row's
 * fast/fallback/acquired/released deltas (so that a grab undone counts on
 * both sides and the pair balances after the unpin), and with a real fork
 * every pinned page exclusive to the parent, the child holding the old
 * pages with the same bytes.
 */
static void gup_fast_vs_fork(struct kunit *test)
{
	const struct race_case *c = test->param_value;
	long fast = t_mm_vmstat(GUP_FAST_PAGES), fallback = t_mm_vmstat(GUP_FAST_FALLBACK);
	long acquired = t_mm_vmstat(NR_FOLL_PIN_ACQUIRED);
	long released = t_mm_vmstat(NR_FOLL_PIN_RELEASED);
	bool pin = t_gup_api_pins(c->api);
	struct mm_struct *mm = current->mm;
	struct page *pages[RACE_NR + 2], *old[RACE_NR];
	unsigned long addr = gup_map_written(test, RACE_NR, 0xef);
	long ret;
	int i;

	for (i = 0; i < RACE_NR; i++)
		old[i] = t_mm_page(current->mm, addr + i * PAGE_SIZE);
	if (c->mode == RACE_ODD_AT_START)
		raw_write_seqcount_begin(&mm->write_protect_seq);
	else
		gup_fast_test_hook = c->mode == RACE_HOOK_FORK ? race_hook_fork : race_hook_bump;
	t_mm_poison(pages, ARRAY_SIZE(pages));
	ret = t_gup(c->api, addr, RACE_NR, FOLL_WRITE, pages);
	gup_fast_test_hook = NULL;
	if (c->mode == RACE_ODD_AT_START)
		raw_write_seqcount_end(&mm->write_protect_seq);

	KUNIT_ASSERT_EQ(test, ret, (long)RACE_NR);
	t_mm_expect_written(test, pages, ARRAY_SIZE(pages), ret);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(GUP_FAST_PAGES) - fast, c->fast_pages);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(GUP_FAST_FALLBACK) - fallback, c->fallbacks);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_ACQUIRED) - acquired, c->acquired);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_RELEASED) - released, c->released);
	for (i = 0; i < RACE_NR; i++) {
		KUNIT_EXPECT_PTR_EQ(test, pages[i], t_mm_page(current->mm, addr + i * PAGE_SIZE));
		KUNIT_EXPECT_EQ(test, page_ref_count(pages[i]),
				1 + (pin ? (int)GUP_PIN_COUNTING_BIAS : 1));
		KUNIT_EXPECT_TRUE(test, PageAnonExclusive(pages[i]));
	}
	if (c->mode == RACE_HOOK_FORK) {
		KUNIT_ASSERT_NOT_NULL(test, gup_test_child);
		KUNIT_ASSERT_FALSE(test, IS_ERR(gup_test_child));
		for (i = 0; i < RACE_NR; i++) {
			struct page *cp = t_mm_page(gup_test_child->mm,
						    addr + i * PAGE_SIZE);

			KUNIT_EXPECT_PTR_NE(test, cp, pages[i]);
			KUNIT_EXPECT_EQ(test, *(unsigned char *)page_address(cp), 0xef);
			KUNIT_EXPECT_EQ(test, *(unsigned char *)page_address(pages[i]), 0xef);
		}
		/* Page 0 was maybe-pinned at fork time: the child got a copy of it. */
		KUNIT_EXPECT_PTR_EQ(test, pages[0], old[0]);
		for (i = 1; i < RACE_NR; i++)
			KUNIT_EXPECT_PTR_EQ(test, t_mm_page(gup_test_child->mm,
							    addr + i * PAGE_SIZE), old[i]);
	} else {
		for (i = 0; i < RACE_NR; i++)
			KUNIT_EXPECT_PTR_EQ(test, pages[i], old[i]);
	}
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
	t_gup_release(c->api, pages, ret);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(NR_FOLL_PIN_ACQUIRED) - acquired,
			t_mm_vmstat(NR_FOLL_PIN_RELEASED) - released);
	if (gup_test_child) {
		sim_task_exit(gup_test_child);
		gup_test_child = NULL;
	}
	t_mm_munmap(test, addr, RACE_NR * PAGE_SIZE);
}

/* ---- FOLL_NOFAULT (EDGE-38's GUP half) ------------------------------------------ */

struct nofault_case {
	const char *desc;
	int written;		/* leading pages written */
	bool zero_rest;		/* the rest read-faulted (zero pages) or untouched */
	enum t_gup_api api;
	unsigned int flags;
	long ret;
};

static const struct nofault_case nofault_cases[] = {
	{ "untouched, R/O pin: -EFAULT", 0, false, T_API_PUP_FAST, 0, -EFAULT },
	{ "untouched, get_user_pages_unlocked: -EFAULT", 0, false, T_API_GUP_UNLOCKED, 0,
	  -EFAULT },
	{ "2 written + 2 untouched: 2", 2, false, T_API_PUP_FAST, FOLL_WRITE, 2 },
	{ "2 written + 2 untouched, slow only: 2", 2, false, T_API_PUP_UNLOCKED, 0, 2 },
	{ "zero-page mapped, R/O pin: no fault needed", 0, true, T_API_PUP_FAST, 0, 4 },
	{ "zero-page mapped, write pin: COW needs a fault", 0, true, T_API_PUP_FAST, FOLL_WRITE,
	  -EFAULT },
};

static void nofault_desc(const struct nofault_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(nofault, nofault_cases, nofault_desc);

/*
 * EDGE-38 (GUP half), R-GUP-3: FOLL_NOFAULT takes what is mapped and
 * never faults: where a fault would be needed the call stops, -EFAULT or a
 * short count.
 *
 *   page:   0 .. written-1   written .. 3
 *           present (rw)     untouched (no PTE) or zero page (R/O PTE)
 *
 * Expect the row's return, no fault taken (pgfault unchanged, no PTE
 * created where there was none), only the returned entries written, and
 * nothing held after releasing them.
 */
static void gup_nofault(struct kunit *test)
{
	const struct nofault_case *c = test->param_value;
	long faults, pins = mm_pins_outstanding();
	struct page *pages[6];
	unsigned long addr;
	long ret;
	int i;

	addr = t_mm_mmap(test, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	if (c->written)
		t_mm_fill(test, addr, 0x12, c->written * PAGE_SIZE);
	if (c->zero_rest)
		t_mm_touch_read(test, addr + c->written * PAGE_SIZE,
				(4 - c->written) * PAGE_SIZE);
	faults = t_mm_vmstat(PGFAULT);
	t_mm_poison(pages, ARRAY_SIZE(pages));
	ret = t_gup(c->api, addr, 4, c->flags | FOLL_NOFAULT, pages);
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	t_mm_expect_written(test, pages, ARRAY_SIZE(pages), ret);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(PGFAULT), faults);
	for (i = c->written; i < 4; i++) {
		struct page *p = t_mm_page(current->mm, addr + i * PAGE_SIZE);

		if (c->zero_rest)
			KUNIT_EXPECT_TRUE(test, p && is_zero_page(p));
		else
			KUNIT_EXPECT_NULL(test, p);
	}
	t_gup_release(c->api, pages, ret);
	KUNIT_EXPECT_EQ(test, mm_pins_outstanding(), pins);
	t_mm_munmap(test, addr, 4 * PAGE_SIZE);
}

/* ---- R-GUP-5: follow_page_pte() ---------------------------------------------- */

struct follow_case {
	const char *desc;
	int map;
	enum gup_touch touch;
	unsigned int flags;
	bool no_pages;
	long ret;
	bool faults;		/* the call takes a fault */
	bool dirty;		/* the page ends up PageDirty */
};

static const struct follow_case follow_cases[] = {
	{ "FOLL_DUMP on a zero-page PTE: -EFAULT", .map = MAP_PRIVATE, .touch = TOUCH_READ,
	  .flags = FOLL_DUMP, .ret = -EFAULT },
	{ "FOLL_DUMP on untouched anon: -EFAULT, no fault", .map = MAP_PRIVATE,
	  .touch = TOUCH_NONE, .flags = FOLL_DUMP, .ret = -EFAULT },
	{ "FOLL_DUMP on a written page: 1", .map = MAP_PRIVATE, .touch = TOUCH_WRITE,
	  .flags = FOLL_DUMP, .ret = 1 },
	{ "no pages[]: faults the page in, grabs nothing", .map = MAP_PRIVATE,
	  .touch = TOUCH_NONE, .flags = FOLL_WRITE, .no_pages = true, .ret = 1, .faults = true },
	{ "WRITE|TOUCH on a clean shmem PTE: page dirtied", .map = MAP_SHARED,
	  .touch = TOUCH_READ, .flags = FOLL_WRITE, .ret = 1, .dirty = true },
};

static void follow_desc(const struct follow_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(follow, follow_cases, follow_desc);

/*
 * R-GUP-5, R-REF-11, R-REF-12: follow_page_pte() through get_user_pages()
 * (the slow path, FOLL_TOUCH, mmap_lock held).
 *
 *   FOLL_DUMP: no page for the zero pfn, and no fault for a none PTE
 *             (no_page_table(): a hole in the core dump)
 *   pages == NULL: fault in only; FOLL_GET is added only with an array
 *   FOLL_WRITE|FOLL_TOUCH on a clean PTE: set_page_dirty()
 *
 * Expect the row's return, a fault only where the row says (pgfault and
 * the PTE), the page dirty where the row says, and refcounts 1 after
 * put_page() of what was returned.
 */
static void gup_follow_page(struct kunit *test)
{
	const struct follow_case *c = test->param_value;
	struct page *pages[3], *page;
	unsigned long addr;
	long faults, ret;

	addr = t_mm_mmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE, c->map);
	if (c->touch == TOUCH_READ)
		t_mm_touch_read(test, addr, PAGE_SIZE);
	else if (c->touch == TOUCH_WRITE)
		t_mm_fill(test, addr, 0x34, PAGE_SIZE);
	faults = t_mm_vmstat(PGFAULT);
	t_mm_poison(pages, ARRAY_SIZE(pages));
	ret = t_gup(T_API_GUP, addr, 1, c->flags, c->no_pages ? NULL : pages);
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	if (!c->no_pages)
		t_mm_expect_written(test, pages, ARRAY_SIZE(pages), ret);
	else
		t_mm_expect_written(test, pages, ARRAY_SIZE(pages), 0);
	KUNIT_EXPECT_EQ(test, t_mm_vmstat(PGFAULT) != faults, c->faults);
	page = t_mm_page(current->mm, addr);
	if (c->touch == TOUCH_NONE)
		KUNIT_EXPECT_EQ(test, page != NULL, c->faults);
	if (page && !is_zero_page(page))
		KUNIT_EXPECT_EQ(test, PageDirty(page), c->dirty);
	if (ret > 0 && !c->no_pages)
		put_page(pages[0]);
	if (page)
		KUNIT_EXPECT_EQ(test, page_ref_count(page),
				is_zero_page(page) || PageAnon(page) ? 1 : 2);
	t_mm_munmap(test, addr, PAGE_SIZE);
}

/* ---- remote GUP ---------------------------------------------------------- */

/*
 * R-GUP-1 (*locked), R-GUP-9: pin_user_pages_remote() on another task's
 * mm, then that task exits while the pins are held.
 *
 *   task B: b..b+1 written     A: lock B's mm, pin_user_pages_remote(B, b, 2, &locked)
 *   B exits (mm torn down)     pages stay allocated until A unpins
 *
 * Expect B's pages, *locked still 1, MMF_HAS_PINNED on B's mm and not on
 * A's, get_user_pages_remote() to take plain references, the pinned pages
 * to outlive B's mm (unmapped, still pinned) and to be freed by the unpin.
 */
static void gup_remote_other_mm(struct kunit *test)
{
	struct task_struct *a = current, *b;
	long live = atomic_long_read(&nr_live_folios);
	struct page *pages[4], *refs[3], *bpages[2];
	struct mm_struct *bmm;
	unsigned long baddr;
	int locked = 1;
	long ret;

	b = sim_task_create();
	KUNIT_ASSERT_NOT_NULL(test, b);
	sim_task_switch(b);
	baddr = gup_map_written(test, 2, 0x5b);
	bpages[0] = t_mm_page(current->mm, baddr);
	bpages[1] = t_mm_page(current->mm, baddr + PAGE_SIZE);
	sim_task_switch(a);
	bmm = b->mm;

	t_mm_poison(pages, ARRAY_SIZE(pages));
	t_mm_poison(refs, ARRAY_SIZE(refs));
	mmap_read_lock(bmm);
	ret = pin_user_pages_remote(bmm, baddr, 2, FOLL_WRITE, pages, &locked);
	KUNIT_EXPECT_EQ(test, get_user_pages_remote(bmm, baddr, 2, 0, refs, &locked), 2L);
	mmap_read_unlock(bmm);
	t_mm_expect_written(test, refs, ARRAY_SIZE(refs), 2);
	KUNIT_ASSERT_EQ(test, ret, 2L);
	KUNIT_EXPECT_EQ(test, locked, 1);
	t_mm_expect_written(test, pages, ARRAY_SIZE(pages), ret);
	KUNIT_EXPECT_PTR_EQ(test, pages[0], bpages[0]);
	KUNIT_EXPECT_PTR_EQ(test, pages[1], bpages[1]);
	KUNIT_EXPECT_PTR_EQ(test, refs[1], bpages[1]);
	KUNIT_EXPECT_EQ(test, page_ref_count(bpages[0]), 2 + (int)GUP_PIN_COUNTING_BIAS);
	KUNIT_EXPECT_TRUE(test, test_bit(MMF_HAS_PINNED, &bmm->flags));
	KUNIT_EXPECT_FALSE(test, test_bit(MMF_HAS_PINNED, &a->mm->flags));
	put_page(refs[0]);
	put_page(refs[1]);

	sim_task_exit(b);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&nr_live_folios), live + 2);
	KUNIT_EXPECT_EQ(test, page_ref_count(bpages[0]), (int)GUP_PIN_COUNTING_BIAS);
	KUNIT_EXPECT_EQ(test, page_mapcount(bpages[0]), 0);
	KUNIT_EXPECT_TRUE(test, page_maybe_dma_pinned(bpages[1]));
	unpin_user_pages(pages, 2);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&nr_live_folios), live);
}

/*
 * Bad input 10a (R-GUP-4, R-GUP-8, R-WB-1): a long-term writable pin of a
 * MAP_SHARED mapping of a file whose filesystem does writeback (simfs) is
 * refused; a short-term writable pin of the same page, and a long-term
 * read-only one, are not.
 *
 *   /mnt/f:   [page 0]  <-- MAP_SHARED, PROT_READ|PROT_WRITE
 *   pin FOLL_LONGTERM|FOLL_WRITE  -> -EFAULT, nothing pinned
 *   pin FOLL_WRITE                -> 1 page pinned (then released)
 *
 * Expect -EFAULT with the ledger and the page's refcount unchanged and the
 * pin counters in balance, from both the fast and the slow entry points.
 */
static void gup_bad_input_10a_file_mapping(struct kunit *test)
{
	struct page *pages[2] = { T_MM_POISON_PTR, T_MM_POISON_PTR };
	unsigned long addr, acq, rel;
	struct sim_ledger before, after;
	char byte = 'x';
	int fd, ref;

	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("g10a", 8 << 20, 512), 0);
	KUNIT_ASSERT_EQ(test, sim_mkfs("/dev/g10a", "simfs", "bs=4096"), 0);
	KUNIT_ASSERT_EQ(test, sim_mount("/dev/g10a", "/mnt", NULL), 0);
	fd = sim_open("/mnt/f", O_CREAT | O_RDWR, 0644);
	KUNIT_ASSERT_GE(test, fd, 0);
	KUNIT_ASSERT_EQ(test, sim_ftruncate(fd, PAGE_SIZE), 0);
	addr = sim_mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	KUNIT_ASSERT_EQ(test, sim_user_write(addr, &byte, 1), 1);

	/* A short-term pin finds the cache page; remember its refcount. */
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr, 1, FOLL_WRITE, pages), 1);
	unpin_user_page(pages[0]);
	ref = page_ref_count(pages[0]);

	sim_ledger_read(&before);
	acq = sim_vmstat("nr_foll_pin_acquired");
	rel = sim_vmstat("nr_foll_pin_released");
	pages[1] = T_MM_POISON_PTR;
	KUNIT_EXPECT_EQ(test, pin_user_pages_fast(addr, 1, FOLL_LONGTERM | FOLL_WRITE, &pages[1]),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, pin_user_pages_unlocked(addr, 1, &pages[1],
						      FOLL_LONGTERM | FOLL_WRITE), -EFAULT);
	KUNIT_EXPECT_PTR_EQ(test, pages[1], T_MM_POISON_PTR);
	sim_ledger_read(&after);
	KUNIT_EXPECT_EQ(test, after.pins, before.pins);
	KUNIT_EXPECT_EQ(test, after.live_folios, before.live_folios);
	/*
	 * GUP-fast grabs the page, then folio_fast_pin_allowed() says no and
	 * gup_put_folio() gives it back: both counters move by one, in
	 * balance (R-REF-7), before the slow path refuses the VMA.
	 */
	KUNIT_EXPECT_EQ(test, sim_vmstat("nr_foll_pin_acquired") - acq,
			sim_vmstat("nr_foll_pin_released") - rel);
	KUNIT_EXPECT_EQ(test, page_ref_count(pages[0]), ref);

	/* A long-term read-only pin of a shared mapping is fine. */
	KUNIT_EXPECT_EQ(test, pin_user_pages_fast(addr, 1, FOLL_LONGTERM, &pages[1]), 1);
	if (pages[1] != T_MM_POISON_PTR)
		unpin_user_page(pages[1]);

	KUNIT_EXPECT_EQ(test, sim_munmap(addr, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount("/mnt"), 0);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("g10a"), 0);
}

static struct kunit_case gup_test_cases[] = {
	KUNIT_CASE_PARAM(gup_invalid_args, invalid_args_gen_params),
	KUNIT_CASE_PARAM(gup_bad_input, bad_input_gen_params),
	KUNIT_CASE(gup_bad_input_10a_file_mapping),
	KUNIT_CASE(gup_fast_path_all_pages),
	KUNIT_CASE_PARAM(gup_fast_stops_at_first_unusable_pte, fast_stop_gen_params),
	KUNIT_CASE(gup_slow_path_needs_mmap_lock),
	KUNIT_CASE_PARAM(gup_check_vma_flags, vma_gen_params),
	KUNIT_CASE_PARAM(gup_untouched_memory, untouched_gen_params),
	KUNIT_CASE_PARAM(gup_must_unshare_table, unshare_gen_params),
	KUNIT_CASE_PARAM(gup_partial_success, partial_gen_params),
	KUNIT_CASE(gup_pinned_anon_is_exclusive),
	KUNIT_CASE_PARAM(gup_fast_vs_fork, race_gen_params),
	KUNIT_CASE_PARAM(gup_nofault, nofault_gen_params),
	KUNIT_CASE_PARAM(gup_follow_page, follow_gen_params),
	KUNIT_CASE(gup_remote_other_mm),
	{}
};

struct kunit_suite gup_suite = {
	.name = "gup",
	.init = gup_test_init,
	.exit = gup_test_exit,
	.test_cases = gup_test_cases,
};
