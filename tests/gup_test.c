// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for get_user_pages()/pin_user_pages() (kernel-semantics.md
 * §2): argument validation (R-GUP-1, R-REF-11, EDGE-10), the fast path
 * and where it stops (R-GUP-2), the slow path and the mmap_lock it needs
 * (R-GUP-3), VMA checks (R-GUP-4), untouched memory (R-GUP-6, EDGE-7),
 * unsharing for R/O pins (R-GUP-7, EDGE-9), long-term pins (R-GUP-8) and
 * partial success (R-GUP-9, EDGE-8). The bad inputs 1-15 are the
 * gup_bad_input suite; exclusivity, GUP-fast racing fork, FOLL_NOFAULT,
 * follow_page_pte() and remote GUP the gup_follow suite.
 *
 * Every case boots a 32 MiB machine without THP (page_ref covers GUP on
 * PMD-mapped folios; booting THP zeroes a 2 MiB huge zero folio, which the
 * host makes costly), so every mapping gets small pages (tests/gup_fixture.c).
 * Page arrays are poisoned before every GUP call and checked for exactly
 * the returned number of writes.
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

static struct kunit_case gup_cases[] = {
	KUNIT_CASE_PARAM(gup_invalid_args, invalid_args_gen_params),
	KUNIT_CASE(gup_fast_path_all_pages),
	KUNIT_CASE_PARAM(gup_fast_stops_at_first_unusable_pte, fast_stop_gen_params),
	KUNIT_CASE(gup_slow_path_needs_mmap_lock),
	KUNIT_CASE_PARAM(gup_check_vma_flags, vma_gen_params),
	KUNIT_CASE_PARAM(gup_untouched_memory, untouched_gen_params),
	KUNIT_CASE_PARAM(gup_must_unshare_table, unshare_gen_params),
	KUNIT_CASE_PARAM(gup_partial_success, partial_gen_params),
	{}
};

struct kunit_suite gup_suite = {
	.name = "gup",
	.init = gup_test_init,
	.exit = gup_test_exit,
	.test_cases = gup_cases,
};
