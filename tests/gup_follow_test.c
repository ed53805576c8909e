// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for how GUP follows page tables beyond the plain paths:
 * pinned anon pages are exclusive (R-GUP-10), GUP-fast racing fork
 * (EDGE-32), FOLL_NOFAULT (EDGE-38's GUP half), follow_page_pte()
 * (R-GUP-5) and remote GUP on another mm. A 32 MiB machine without THP
 * per case (tests/gup_fixture.c); page arrays are poisoned before every
 * GUP call and checked for exactly the returned number of writes.
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

static struct kunit_case gup_follow_cases[] = {
	KUNIT_CASE(gup_bad_input_10a_file_mapping),
	KUNIT_CASE(gup_pinned_anon_is_exclusive),
	KUNIT_CASE_PARAM(gup_fast_vs_fork, race_gen_params),
	KUNIT_CASE_PARAM(gup_nofault, nofault_gen_params),
	KUNIT_CASE_PARAM(gup_follow_page, follow_gen_params),
	KUNIT_CASE(gup_remote_other_mm),
	{}
};

struct kunit_suite gup_follow_suite = {
	.name = "gup_follow",
	.init = gup_test_init,
	.exit = gup_test_exit,
	.test_cases = gup_follow_cases,
};
