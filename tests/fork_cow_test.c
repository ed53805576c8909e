// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for fork, copy-on-write and pins (mm/memory.c, mm/fork.c,
 * mm/huge_memory.c, mm/gup.c): the R-COW rules of kernel-semantics.md §8,
 * INV-13, EDGE-6 and EDGE-31 at mm level, and scenarios R05 and R06 - the
 * userspace twin of tools/testing/selftests/mm/cow.c.
 *
 * Most cases run over the backings of scenarios.md §5.2's COW/pin matrix,
 * set up as cow.c sets them up:
 *   small                one order-0 anon page
 *   thp_pmd              a 2 MiB THP mapped by one PMD
 *   thp_pte              the same, PTE-mapped (mprotect of page 1 RO and back)
 *   thp_single_pte       one PTE of a THP left mapped (MADV_DONTNEED the rest)
 *   thp_partially_shared page 0 once shared with a child that exited
 *                        (MADV_DONTFORK on the rest around the fork)
 *   zero_page            the shared zero page (read fault)
 *   huge_zero_page       the huge zero folio (read fault on a THP range)
 * "old" is what the range holds before the test writes: 'A', or zeros on
 * the zero-page backings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "mm_helpers.h"
#include "suites.h"

static const struct sim_config fork_cow_cfg = {
	.mem_bytes = 64UL << 20,
	.thp = true,
};

static int fork_cow_test_init(struct kunit *test)
{
	return t_mm_boot(&fork_cow_cfg);
}

static void fork_cow_test_exit(struct kunit *test)
{
	t_mm_shutdown(test);
}

enum fc_backing {
	FC_SMALL,
	FC_THP_PMD,
	FC_THP_PTE,
	FC_THP_SINGLE_PTE,
	FC_THP_PARTIAL_SHARED,
	FC_ZERO,
	FC_HUGE_ZERO,
	NR_FC_BACKINGS,
};

static const char *const fc_backing_names[NR_FC_BACKINGS] = {
	[FC_SMALL] = "small",
	[FC_THP_PMD] = "thp_pmd",
	[FC_THP_PTE] = "thp_pte",
	[FC_THP_SINGLE_PTE] = "thp_single_pte",
	[FC_THP_PARTIAL_SHARED] = "thp_partially_shared",
	[FC_ZERO] = "zero_page",
	[FC_HUGE_ZERO] = "huge_zero_page",
};

static bool fc_is_zero(enum fc_backing b)
{
	return b == FC_ZERO || b == FC_HUGE_ZERO;
}

/* One parameter: a backing and a case-specific variant. */
struct fc_param {
	enum fc_backing backing;
	unsigned int variant;
};

#define FC_ANON_BACKINGS(v)						\
	{ FC_SMALL, v }, { FC_THP_PMD, v }, { FC_THP_PTE, v },		\
	{ FC_THP_SINGLE_PTE, v }, { FC_THP_PARTIAL_SHARED, v }
#define FC_ALL_BACKINGS(v)						\
	FC_ANON_BACKINGS(v), { FC_ZERO, v }, { FC_HUGE_ZERO, v }

/**
 * struct fc_region - a backing set up in the current task.
 * @map: the whole mapping, @map_len its length.
 * @addr: the range under test, @nr its pages.
 * @old: the byte the range holds.
 */
struct fc_region {
	enum fc_backing backing;
	unsigned long map;
	size_t map_len;
	unsigned long addr;
	unsigned long nr;
	int old;
	size_t len;
};

/* Map and populate @b in the current task: the range holds @fill (or zeros). */
static void fc_setup(struct kunit *test, enum fc_backing b, int fill, struct fc_region *r)
{
	struct task_struct *self = sim_current(), *child;
	bool thp = b != FC_SMALL && b != FC_ZERO;
	struct t_mm_walk w;

	memset(r, 0, sizeof(*r));
	r->backing = b;
	r->map_len = thp ? PMD_SIZE : PAGE_SIZE;
	r->map = t_mm_mmap(test, r->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	r->addr = r->map;
	r->len = r->map_len;
	r->old = fc_is_zero(b) ? 0 : fill;
	if (fc_is_zero(b))
		KUNIT_ASSERT_TRUE(test, t_mm_bytes_are(r->map, 0, r->map_len));
	else
		t_mm_fill(test, r->map, fill, r->map_len);
	if (thp) {
		t_mm_walk(t_mm(), r->map, &w);
		KUNIT_ASSERT_TRUE_MSG(test, w.pmd_leaf, "%s: no PMD mapping", fc_backing_names[b]);
	}

	switch (b) {
	case FC_THP_PTE:
		KUNIT_ASSERT_EQ(test, sim_mprotect(r->map + PAGE_SIZE, PAGE_SIZE, PROT_READ), 0);
		KUNIT_ASSERT_EQ(test, sim_mprotect(r->map + PAGE_SIZE, PAGE_SIZE,
						   PROT_READ | PROT_WRITE), 0);
		break;
	case FC_THP_SINGLE_PTE:
		KUNIT_ASSERT_EQ(test, sim_madvise(r->map + PAGE_SIZE, PMD_SIZE - PAGE_SIZE,
						  MADV_DONTNEED), 0);
		r->len = PAGE_SIZE;
		break;
	case FC_THP_PARTIAL_SHARED:
		KUNIT_ASSERT_EQ(test, sim_madvise(r->map + PAGE_SIZE, PMD_SIZE - PAGE_SIZE,
						  MADV_DONTFORK), 0);
		child = t_mm_fork(test);
		sim_task_exit(child);
		sim_task_switch(self);
		KUNIT_ASSERT_EQ(test, sim_madvise(r->map + PAGE_SIZE, PMD_SIZE - PAGE_SIZE,
						  MADV_DOFORK), 0);
		KUNIT_ASSERT_FALSE(test, PageAnonExclusive(t_mm_page(t_mm(), r->map)));
		KUNIT_ASSERT_TRUE(test, PageAnonExclusive(t_mm_page(t_mm(), r->map + PAGE_SIZE)));
		break;
	default:
		break;
	}
	r->nr = r->len >> PAGE_SHIFT;

	/* The backing is what its name says. */
	t_mm_walk(t_mm(), r->addr, &w);
	KUNIT_ASSERT_NOT_NULL(test, w.page);
	switch (b) {
	case FC_SMALL:
		KUNIT_ASSERT_FALSE(test, folio_test_large(page_folio(w.page)));
		break;
	case FC_THP_PMD:
		KUNIT_ASSERT_EQ(test, folio_order(page_folio(w.page)), HPAGE_PMD_ORDER);
		break;
	case FC_THP_PTE:
	case FC_THP_SINGLE_PTE:
	case FC_THP_PARTIAL_SHARED:
		KUNIT_ASSERT_TRUE(test, w.pmd_table);
		KUNIT_ASSERT_EQ(test, folio_order(page_folio(w.page)), HPAGE_PMD_ORDER);
		break;
	case FC_ZERO:
		KUNIT_ASSERT_TRUE(test, is_zero_page(w.page));
		break;
	case FC_HUGE_ZERO:
		KUNIT_ASSERT_TRUE(test, w.pmd_leaf && is_huge_zero_page(w.page));
		break;
	default:
		break;
	}
}

static void fc_teardown(struct kunit *test, struct fc_region *r)
{
	t_mm_munmap(test, r->map, r->map_len);
}

static struct page **fc_pages(struct kunit *test, struct fc_region *r)
{
	struct page **pages = calloc(r->nr, sizeof(*pages));

	KUNIT_ASSERT_NOT_NULL(test, pages);
	t_mm_poison(pages, r->nr);
	return pages;
}

static long fc_pin(unsigned long addr, unsigned long nr, unsigned int flags, bool fast,
		   struct page **pages)
{
	if (fast)
		return pin_user_pages_fast(addr, (int)nr, flags, pages);
	return pin_user_pages_unlocked(addr, nr, pages, flags);
}

/*
 * Pin the whole range of @r, tail first: pages 1..nr-1 in one call, then
 * page 0, so a PMD-mapped backing is entered at a tail subpage.
 */
static void fc_pin_range(struct kunit *test, struct fc_region *r, unsigned int flags,
			 bool fast, struct page **pages)
{
	t_mm_poison(pages, r->nr);
	if (r->nr > 1)
		KUNIT_ASSERT_EQ(test, fc_pin(r->addr + PAGE_SIZE, r->nr - 1, flags, fast, pages + 1),
				(long)r->nr - 1);
	KUNIT_ASSERT_EQ(test, fc_pin(r->addr, 1, flags, fast, pages), 1);
}

/*
 * Is pinned anon @page exclusive? A PMD-mapped THP keeps the flag on its
 * head, a PTE-mapped one on each subpage: either will do, as for the
 * kernel's sanity_check_pinned_pages() (R-GUP-10).
 */
static bool fc_anon_exclusive(struct page *page)
{
	return PageAnon(page) &&
	       (PageAnonExclusive(page) || PageAnonExclusive(&page_folio(page)->page));
}

/* Run @fn... as @t, then switch back to @back. */
#define fc_as(t, back, ...) do {		\
	sim_task_switch(t);			\
	__VA_ARGS__;				\
	sim_task_switch(back);			\
} while (0)

/* ---- R-COW-1 / R-COW-2 ---------------------------------------------------- */

/*
 * R-COW-1: MMF_HAS_PINNED is set by the first FOLL_PIN GUP, fast or slow,
 * never by FOLL_GET, never cleared, and not inherited by a child:
 *   task A: get fast, get slow (clear) -> pin fast (set) -> unpin (still set)
 *           -> fork: child clear;  task B: pin slow (set)
 * Expect the flag exactly as above.
 */
static void fork_cow_has_pinned_set_by_pin_only_and_sticky(struct kunit *test)
{
	struct task_struct *init = sim_current(), *a, *b, *child;
	struct page *page = T_MM_POISON_PTR;
	unsigned long addr;

	a = sim_task_create();
	b = sim_task_create();
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);

	sim_task_switch(a);
	addr = t_mm_mmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	t_mm_fill(test, addr, 'a', PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, get_user_pages_fast(addr, 1, FOLL_WRITE, &page), 1);
	put_page(page);
	page = T_MM_POISON_PTR;
	KUNIT_ASSERT_EQ(test, get_user_pages_unlocked(addr, 1, &page, 0), 1);
	put_page(page);
	KUNIT_EXPECT_FALSE(test, test_bit(MMF_HAS_PINNED, &a->mm->flags));
	page = T_MM_POISON_PTR;
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr, 1, 0, &page), 1);
	KUNIT_EXPECT_TRUE(test, test_bit(MMF_HAS_PINNED, &a->mm->flags));
	unpin_user_page(page);
	KUNIT_EXPECT_TRUE(test, test_bit(MMF_HAS_PINNED, &a->mm->flags));
	child = t_mm_fork(test);
	KUNIT_EXPECT_FALSE(test, test_bit(MMF_HAS_PINNED, &child->mm->flags));
	sim_task_exit(child);

	sim_task_switch(b);
	addr = t_mm_mmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	KUNIT_EXPECT_FALSE(test, test_bit(MMF_HAS_PINNED, &b->mm->flags));
	page = T_MM_POISON_PTR;
	KUNIT_ASSERT_EQ(test, pin_user_pages_unlocked(addr, 1, &page, FOLL_WRITE), 1);
	KUNIT_EXPECT_TRUE(test, test_bit(MMF_HAS_PINNED, &b->mm->flags));
	unpin_user_page(page);

	sim_task_switch(init);
	sim_task_exit(a);
	sim_task_exit(b);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/*
 * R-COW-2: fork copies exactly the exclusive, maybe-pinned anon pages of an
 * mm with MMF_HAS_PINNED; the rest is shared and write-protected:
 *   p0: R/O pin (exclusive)   -> child gets a copy, parent PTE stays writable
 *   p1: no GUP at all         -> shared, R/O in both, not exclusive
 *   p2: one FOLL_GET ref      -> shared as well (1 ref is not "maybe pinned")
 * Expect pinio_fork_copied_pinned +1, identical contents, and the parent
 * still mapping its pinned page.
 */
static void fork_cow_copies_only_pinned_exclusive_pages(struct kunit *test)
{
	unsigned long addr = t_mm_mmap(test, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	struct page *pinned = T_MM_POISON_PTR, *got = T_MM_POISON_PTR, *p1;
	long copies = node_page_state(COW_FORK_COPY);
	struct task_struct *child;
	struct t_mm_walk w;

	t_mm_fill(test, addr, 'A', 3 * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr, 1, 0, &pinned), 1);
	KUNIT_ASSERT_EQ(test, get_user_pages_fast(addr + 2 * PAGE_SIZE, 1, 0, &got), 1);
	p1 = t_mm_page(t_mm(), addr + PAGE_SIZE);

	child = t_mm_fork(test);
	KUNIT_EXPECT_EQ(test, node_page_state(COW_FORK_COPY), copies + 1);
	KUNIT_EXPECT_PTR_NE(test, t_mm_page(child->mm, addr), pinned);
	KUNIT_EXPECT_MEMEQ(test, page_address(t_mm_page(child->mm, addr)),
			   page_address(pinned), PAGE_SIZE);
	t_mm_walk(t_mm(), addr, &w);
	KUNIT_EXPECT_PTR_EQ(test, w.page, pinned);
	KUNIT_EXPECT_TRUE(test, pte_write(w.entry));
	KUNIT_EXPECT_TRUE(test, PageAnonExclusive(pinned));

	KUNIT_EXPECT_PTR_EQ(test, t_mm_page(child->mm, addr + PAGE_SIZE), p1);
	KUNIT_EXPECT_PTR_EQ(test, t_mm_page(child->mm, addr + 2 * PAGE_SIZE), got);
	KUNIT_EXPECT_FALSE(test, PageAnonExclusive(p1));
	KUNIT_EXPECT_FALSE(test, PageAnonExclusive(got));
	t_mm_walk(t_mm(), addr + PAGE_SIZE, &w);
	KUNIT_EXPECT_FALSE(test, pte_write(w.entry));
	t_mm_walk(child->mm, addr + 2 * PAGE_SIZE, &w);
	KUNIT_EXPECT_FALSE(test, pte_write(w.entry));
	KUNIT_EXPECT_EQ(test, sim_check(), 0);

	unpin_user_page(pinned);
	put_page(got);
	sim_task_exit(child);
	t_mm_munmap(test, addr, 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/* ---- EDGE-31 / INV-13 / R-COW-4 -------------------------------------------- */

static void fc_backing_desc(const struct fc_param *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", fc_backing_names[p->backing]);
}

static const struct fc_param fc_all_params[] = { FC_ALL_BACKINGS(0) };
KUNIT_ARRAY_PARAM(fc_all, fc_all_params, fc_backing_desc);

/*
 * EDGE-31 / INV-13 at mm level: the parent pins its range R/W for a "DMA
 * read", then forks; the device writes 'D' through page_address():
 *   parent: [pinned P] <- DMA 'D'      child: [copy of P] keeps old
 * Expect every pinned page still mapped (writable, exclusive, once) by the
 * parent, the child mapping an unpinned copy with the same contents, and
 * the DMA data visible to the parent only - also after a parent write.
 */
static void fork_cow_dma_into_pinned_page_parent_only(struct kunit *test)
{
	const struct fc_param *p = test->param_value;
	struct task_struct *parent = sim_current(), *child;
	struct fc_region r;
	struct page **pages;
	unsigned long i;
	long copies;
	char e = 'E';

	fc_setup(test, p->backing, 'A', &r);
	pages = fc_pages(test, &r);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(r.addr, (int)r.nr, FOLL_WRITE, pages), (int)r.nr);
	copies = node_page_state(COW_FORK_COPY);
	child = t_mm_fork(test);

	KUNIT_EXPECT_EQ(test, node_page_state(COW_FORK_COPY), copies + (long)r.nr);
	for (i = 0; i < r.nr; i++) {
		unsigned long a = r.addr + i * PAGE_SIZE;
		struct page *cp = t_mm_page(child->mm, a);
		struct t_mm_walk w;

		t_mm_walk(parent->mm, a, &w);
		KUNIT_EXPECT_PTR_EQ(test, w.page, pages[i]);
		KUNIT_EXPECT_TRUE(test, pte_write(w.entry));
		KUNIT_EXPECT_TRUE(test, fc_anon_exclusive(pages[i]));
		KUNIT_EXPECT_EQ(test, page_mapcount(pages[i]), 1);
		KUNIT_ASSERT_NOT_NULL(test, cp);
		KUNIT_EXPECT_PTR_NE(test, cp, pages[i]);
		KUNIT_EXPECT_FALSE(test, page_maybe_dma_pinned(cp));
		KUNIT_EXPECT_MEMEQ(test, page_address(cp), page_address(pages[i]), PAGE_SIZE);
	}
	KUNIT_EXPECT_EQ(test, sim_check(), 0);

	for (i = 0; i < r.nr; i++)
		memset(page_address(pages[i]), 'D', PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(r.addr, 'D', r.len));
	fc_as(child, parent, KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(r.addr, r.old, r.len)));
	/* The parent's own write lands in the pinned page: no COW. */
	KUNIT_EXPECT_EQ(test, sim_user_write(r.addr, &e, 1), 1);
	KUNIT_EXPECT_PTR_EQ(test, t_mm_page(parent->mm, r.addr), pages[0]);
	KUNIT_EXPECT_EQ(test, *(char *)page_address(pages[0]), 'E');

	unpin_user_pages_dirty_lock(pages, r.nr, true);
	free(pages);
	sim_task_exit(child);
	fc_teardown(test, &r);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/*
 * R-COW-4, the bug pins fix: with a FOLL_GET reference instead of a pin,
 * fork shares the DMA target, the parent's next write COWs it away, and the
 * DMA lands in the page only the child maps:
 *   get P -> fork (P shared) -> parent writes: parent now maps P' -> DMA 'D' into P
 * Expect no copy at fork, the child seeing 'D' it never asked for, and the
 * parent losing it.
 */
static void fork_cow_foll_get_dma_lands_in_child(struct kunit *test)
{
	unsigned long addr = t_mm_mmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	long copies = node_page_state(COW_FORK_COPY);
	struct task_struct *parent = sim_current(), *child;
	struct page *page = T_MM_POISON_PTR;
	char b = 'B', buf[2];

	t_mm_fill(test, addr, 'A', PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, get_user_pages_fast(addr, 1, FOLL_WRITE, &page), 1);
	child = t_mm_fork(test);
	KUNIT_EXPECT_EQ(test, node_page_state(COW_FORK_COPY), copies);
	KUNIT_EXPECT_PTR_EQ(test, t_mm_page(child->mm, addr), page);

	KUNIT_ASSERT_EQ(test, sim_user_write(addr + 100, &b, 1), 1);
	KUNIT_EXPECT_PTR_NE(test, t_mm_page(parent->mm, addr), page);
	memset(page_address(page), 'D', PAGE_SIZE);
	fc_as(child, parent, KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr, 'D', PAGE_SIZE)));
	KUNIT_ASSERT_EQ(test, sim_user_read(addr + 99, buf, 2), 2);
	KUNIT_EXPECT_EQ(test, buf[0], 'A');
	KUNIT_EXPECT_EQ(test, buf[1], 'B');

	put_page(page);
	sim_task_exit(child);
	t_mm_munmap(test, addr, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/* ---- R-COW-3 ---------------------------------------------------------------- */

static void fc_rw_desc(const struct fc_param *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s %s", fc_backing_names[p->backing],
		 p->variant ? "R/W pin" : "R/O pin");
}

static const struct fc_param fc_shared_pin_params[] = {
	FC_ANON_BACKINGS(0), FC_ANON_BACKINGS(FOLL_WRITE),
};
KUNIT_ARRAY_PARAM(fc_shared_pin, fc_shared_pin_params, fc_rw_desc);

/*
 * R-COW-3: an anon page shared after fork can never pick up a pin: a R/O
 * pin unshares it (R-GUP-7), a R/W pin breaks COW, both in the pinner:
 *   parent, child -> P (shared)   parent pins -> parent P' (pinned), child P
 * Expect every pinned page to differ from the child's, to be exclusive, to
 * hold the old data, and the child's pages to look unpinned.
 */
static void fork_cow_pin_of_shared_page_unshares(struct kunit *test)
{
	const struct fc_param *p = test->param_value;
	struct task_struct *child;
	struct fc_region r;
	struct page **pages;
	unsigned long i;

	fc_setup(test, p->backing, 'A', &r);
	child = t_mm_fork(test);
	pages = fc_pages(test, &r);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(r.addr, (int)r.nr, p->variant, pages), (int)r.nr);
	for (i = 0; i < r.nr; i++) {
		struct page *cp = t_mm_page(child->mm, r.addr + i * PAGE_SIZE);

		KUNIT_EXPECT_PTR_NE(test, pages[i], cp);
		KUNIT_EXPECT_TRUE(test, fc_anon_exclusive(pages[i]));
		KUNIT_EXPECT_PTR_EQ(test, t_mm_page(t_mm(), r.addr + i * PAGE_SIZE), pages[i]);
		KUNIT_EXPECT_FALSE(test, page_maybe_dma_pinned(cp));
	}
	KUNIT_EXPECT_TRUE(test, t_pages_are(pages, r.nr, r.old));
	KUNIT_EXPECT_EQ(test, sim_check(), 0);

	unpin_user_pages(pages, r.nr);
	free(pages);
	sim_task_exit(child);
	fc_teardown(test, &r);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/* ---- R-COW-5 / EDGE-6 --------------------------------------------------------- */

static const struct fc_param fc_gets_params[] = { { FC_SMALL, 0 }, { FC_THP_PMD, 0 } };
KUNIT_ARRAY_PARAM(fc_gets, fc_gets_params, fc_backing_desc);

#define FC_PLAIN_GETS	1024

/*
 * EDGE-6 / R-COW-5: 1024 plain FOLL_GET references on a small page read as
 * "maybe pinned" (refcount >= GUP_PIN_COUNTING_BIAS), so fork of an mm with
 * MMF_HAS_PINNED copies it - needlessly but correctly. A large folio's
 * answer is exact (_pincount), so the same refs on a THP copy nothing:
 *   small: ref 1+1024 -> maybe_dma_pinned -> child gets a copy
 *   thp:   ref 1+1024, _pincount 0 -> not pinned -> PMD shared
 * Expect one copy with identical contents for small, none for THP, and
 * the parent keeping its page in both.
 */
static void fork_cow_1024_gets_copied_needlessly(struct kunit *test)
{
	const struct fc_param *p = test->param_value;
	long copies;
	bool small = p->backing == FC_SMALL;
	struct task_struct *child;
	struct page *page = T_MM_POISON_PTR, *mapped;
	struct fc_region r;
	int i;

	fc_setup(test, p->backing, 'A', &r);
	/* MMF_HAS_PINNED is sticky: one pin and unpin is enough. */
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(r.addr, 1, 0, &page), 1);
	unpin_user_page(page);
	for (i = 0; i < FC_PLAIN_GETS; i++) {
		page = T_MM_POISON_PTR;
		KUNIT_ASSERT_EQ(test, get_user_pages_fast(r.addr, 1, 0, &page), 1);
	}
	mapped = t_mm_page(t_mm(), r.addr);
	KUNIT_EXPECT_PTR_EQ(test, page, mapped);
	KUNIT_EXPECT_EQ(test, page_maybe_dma_pinned(page), small);

	copies = node_page_state(COW_FORK_COPY);
	child = t_mm_fork(test);
	KUNIT_EXPECT_EQ(test, node_page_state(COW_FORK_COPY), copies + (small ? 1 : 0));
	KUNIT_EXPECT_PTR_EQ(test, t_mm_page(t_mm(), r.addr), page);
	if (small) {
		KUNIT_EXPECT_PTR_NE(test, t_mm_page(child->mm, r.addr), page);
		KUNIT_EXPECT_MEMEQ(test, page_address(t_mm_page(child->mm, r.addr)),
				   page_address(page), PAGE_SIZE);
		KUNIT_EXPECT_TRUE(test, PageAnonExclusive(page));
	} else {
		KUNIT_EXPECT_PTR_EQ(test, t_mm_page(child->mm, r.addr), page);
	}
	KUNIT_EXPECT_EQ(test, sim_check(), 0);

	for (i = 0; i < FC_PLAIN_GETS; i++)
		put_page(page);
	sim_task_exit(child);
	fc_teardown(test, &r);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/* ---- basic COW ---------------------------------------------------------------- */

enum { FC_PLAIN, FC_MPROTECT };

static void fc_mprotect_desc(const struct fc_param *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s%s", fc_backing_names[p->backing],
		 p->variant == FC_MPROTECT ? " mprotect" : "");
}

static const struct fc_param fc_mprotect_params[] = {
	FC_ALL_BACKINGS(FC_PLAIN), FC_ALL_BACKINGS(FC_MPROTECT),
};
KUNIT_ARRAY_PARAM(fc_mprotect, fc_mprotect_params, fc_mprotect_desc);

/* mprotect(RO) then mprotect(RW): the "mprotect optimisation" of cow.c. */
static void fc_mprotect_ro_rw(struct kunit *test, struct fc_region *r)
{
	KUNIT_ASSERT_EQ(test, sim_mprotect(r->map, r->map_len, PROT_READ), 0);
	KUNIT_ASSERT_EQ(test, sim_mprotect(r->map, r->map_len, PROT_READ | PROT_WRITE), 0);
}

/*
 * Basic COW after fork (cow.c test_cow_in_parent[_mprotect]):
 *   fork -> parent [mprotect RO->RW] writes 'B' -> child still old
 *        -> child writes 'C' -> parent still 'B'
 * Expect no leak from parent into child, nor from child into parent.
 */
static void fork_cow_no_leak_between_parent_and_child(struct kunit *test)
{
	const struct fc_param *p = test->param_value;
	struct task_struct *parent = sim_current(), *child;
	struct fc_region r;

	fc_setup(test, p->backing, 'A', &r);
	child = t_mm_fork(test);
	if (p->variant == FC_MPROTECT)
		fc_mprotect_ro_rw(test, &r);
	t_mm_fill(test, r.addr, 'B', r.len);
	fc_as(child, parent, KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(r.addr, r.old, r.len)));
	fc_as(child, parent, t_mm_fill(test, r.addr, 'C', r.len));
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(r.addr, 'B', r.len));
	fc_as(child, parent, KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(r.addr, 'C', r.len)));
	KUNIT_EXPECT_EQ(test, sim_check(), 0);

	sim_task_exit(child);
	fc_teardown(test, &r);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/* ---- R05 ------------------------------------------------------------------------- */

/*
 * R05, vmsplice in the child (CVE-2020-29374; cow.c "vmsplice() + unmap in
 * child", with and without the mprotect optimisation):
 *   parent fills P with old -> fork -> child R/O-pins P (the pipe) and
 *   unmaps -> parent [mprotect RO->RW] writes 'B' -> child reads the pipe
 * Expect the pipe (the pinned pages) to hold the old data: no leak from
 * parent into child, on every backing.
 */
static void scenario_r05_vmsplice_in_child(struct kunit *test)
{
	const struct fc_param *p = test->param_value;
	struct task_struct *parent = sim_current(), *child;
	struct fc_region r;
	struct page **pages;

	fc_setup(test, p->backing, 'A', &r);
	pages = fc_pages(test, &r);
	child = t_mm_fork(test);
	sim_task_switch(child);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(r.addr, (int)r.nr, 0, pages), (int)r.nr);
	t_mm_munmap(test, r.map, r.map_len);
	sim_task_switch(parent);

	if (p->variant == FC_MPROTECT)
		fc_mprotect_ro_rw(test, &r);
	t_mm_fill(test, r.addr, 'B', r.len);
	KUNIT_EXPECT_TRUE_MSG(test, t_pages_are(pages, r.nr, r.old),
			      "leak from parent into child");
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(r.addr, 'B', r.len));
	KUNIT_EXPECT_EQ(test, sim_check(), 0);

	unpin_user_pages(pages, r.nr);
	free(pages);
	sim_task_exit(child);
	fc_teardown(test, &r);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

enum { FC_PIN_BEFORE_FORK, FC_PIN_AFTER_FORK };

static void fc_when_desc(const struct fc_param *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s pin %s fork", fc_backing_names[p->backing],
		 p->variant == FC_PIN_BEFORE_FORK ? "before" : "after");
}

static const struct fc_param fc_when_params[] = {
	FC_ALL_BACKINGS(FC_PIN_BEFORE_FORK), FC_ALL_BACKINGS(FC_PIN_AFTER_FORK),
};
KUNIT_ARRAY_PARAM(fc_when, fc_when_params, fc_when_desc);

/*
 * R05, the parent holds the pipe (cow.c "vmsplice() before fork(), unmap
 * in parent after fork()" and "vmsplice() + unmap in parent after fork()"):
 *   parent R/O-pins P [before | after] fork -> child writes 'B' -> parent
 *   unmaps -> parent reads the pipe
 * Expect the old data through the pin: no leak from child into parent.
 */
static void scenario_r05_vmsplice_in_parent(struct kunit *test)
{
	const struct fc_param *p = test->param_value;
	struct task_struct *parent = sim_current(), *child;
	struct fc_region r;
	struct page **pages;

	fc_setup(test, p->backing, 'A', &r);
	pages = fc_pages(test, &r);
	if (p->variant == FC_PIN_BEFORE_FORK)
		KUNIT_ASSERT_EQ(test, pin_user_pages_fast(r.addr, (int)r.nr, 0, pages), (int)r.nr);
	child = t_mm_fork(test);
	if (p->variant == FC_PIN_AFTER_FORK)
		KUNIT_ASSERT_EQ(test, pin_user_pages_fast(r.addr, (int)r.nr, 0, pages), (int)r.nr);
	fc_as(child, parent, t_mm_fill(test, r.addr, 'B', r.len));
	t_mm_munmap(test, r.map, r.map_len);

	KUNIT_EXPECT_TRUE_MSG(test, t_pages_are(pages, r.nr, r.old),
			      "leak from child into parent");
	fc_as(child, parent, KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(r.addr, 'B', r.len)));
	KUNIT_EXPECT_EQ(test, sim_check(), 0);

	unpin_user_pages(pages, r.nr);
	free(pages);
	sim_task_exit(child);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/* ---- R06 ------------------------------------------------------------------------- */

enum {
	FC_R06_SHARED,
	FC_R06_PREVIOUSLY_SHARED,
	FC_R06_RO_EXCLUSIVE,
	FC_R06_KINDS,
	FC_R06_FAST = 0x10,	/* or'ed in: GUP-fast instead of the slow path */
};

static void fc_r06_desc(const struct fc_param *p, char *desc)
{
	static const char *const kinds[FC_R06_KINDS] = {
		"shared", "previously shared", "R/O exclusive",
	};

	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s %s %s", fc_backing_names[p->backing],
		 kinds[p->variant & ~FC_R06_FAST], p->variant & FC_R06_FAST ? "gup_fast" : "gup");
}

static const struct fc_param fc_r06_params[] = {
	FC_ALL_BACKINGS(FC_R06_SHARED),
	FC_ALL_BACKINGS(FC_R06_SHARED | FC_R06_FAST),
	FC_ALL_BACKINGS(FC_R06_PREVIOUSLY_SHARED),
	FC_ALL_BACKINGS(FC_R06_PREVIOUSLY_SHARED | FC_R06_FAST),
	FC_ALL_BACKINGS(FC_R06_RO_EXCLUSIVE),
	FC_ALL_BACKINGS(FC_R06_RO_EXCLUSIVE | FC_R06_FAST),
};
KUNIT_ARRAY_PARAM(fc_r06, fc_r06_params, fc_r06_desc);

/*
 * R06, a R/O long-term pin is reliable (cow.c "R/O longterm GUP pin on a
 * shared / previously shared / R/O exclusive page", GUP and GUP-fast):
 *   shared:            fork, child kept          \
 *   previously shared: fork, child exited         > R/O LONGTERM pin (unshares
 *   R/O exclusive:     mprotect(PROT_READ)       /  what must be) -> parent
 *   writes 'C' through its mapping -> read through the pin
 * The range is pinned tail first, so PMD mappings are entered at a tail
 * subpage. Expect 'C' through the pin on every backing, never a zero page
 * in the pin (EDGE-9), exclusive pinned anon pages, and a kept child that
 * still sees the old data.
 */
static void scenario_r06_ro_longterm_pin(struct kunit *test)
{
	const struct fc_param *p = test->param_value;
	unsigned int kind = p->variant & ~FC_R06_FAST;
	bool fast = p->variant & FC_R06_FAST;
	struct task_struct *parent = sim_current(), *child = NULL;
	struct fc_region r;
	struct page **pages;
	unsigned long i;

	fc_setup(test, p->backing, 'A', &r);
	pages = fc_pages(test, &r);
	switch (kind) {
	case FC_R06_SHARED:
		child = t_mm_fork(test);
		break;
	case FC_R06_PREVIOUSLY_SHARED:
		sim_task_exit(t_mm_fork(test));
		break;
	case FC_R06_RO_EXCLUSIVE:
		KUNIT_ASSERT_EQ(test, sim_mprotect(r.map, r.map_len, PROT_READ), 0);
		break;
	}

	fc_pin_range(test, &r, FOLL_LONGTERM, fast, pages);
	for (i = 0; i < r.nr; i++) {
		KUNIT_EXPECT_FALSE(test, is_zero_page(pages[i]) || is_huge_zero_page(pages[i]));
		KUNIT_EXPECT_TRUE(test, fc_anon_exclusive(pages[i]));
	}
	if (kind == FC_R06_RO_EXCLUSIVE)
		KUNIT_ASSERT_EQ(test, sim_mprotect(r.map, r.map_len, PROT_READ | PROT_WRITE), 0);

	t_mm_fill(test, r.addr, 'C', r.len);
	KUNIT_EXPECT_TRUE_MSG(test, t_pages_are(pages, r.nr, 'C'), "longterm R/O pin is unreliable");
	if (child)
		fc_as(child, parent, KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(r.addr, r.old, r.len)));
	KUNIT_EXPECT_EQ(test, sim_check(), 0);

	unpin_user_pages(pages, r.nr);
	free(pages);
	if (child)
		sim_task_exit(child);
	fc_teardown(test, &r);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

static struct kunit_case fork_cow_test_cases[] = {
	KUNIT_CASE(fork_cow_has_pinned_set_by_pin_only_and_sticky),
	KUNIT_CASE(fork_cow_copies_only_pinned_exclusive_pages),
	KUNIT_CASE_PARAM(fork_cow_dma_into_pinned_page_parent_only, fc_all_gen_params),
	KUNIT_CASE(fork_cow_foll_get_dma_lands_in_child),
	KUNIT_CASE_PARAM(fork_cow_pin_of_shared_page_unshares, fc_shared_pin_gen_params),
	KUNIT_CASE_PARAM(fork_cow_1024_gets_copied_needlessly, fc_gets_gen_params),
	KUNIT_CASE_PARAM(fork_cow_no_leak_between_parent_and_child, fc_mprotect_gen_params),
	KUNIT_CASE_PARAM(scenario_r05_vmsplice_in_child, fc_mprotect_gen_params),
	KUNIT_CASE_PARAM(scenario_r05_vmsplice_in_parent, fc_when_gen_params),
	KUNIT_CASE_PARAM(scenario_r06_ro_longterm_pin, fc_r06_gen_params),
	{}
};

struct kunit_suite fork_cow_suite = {
	.name = "fork_cow",
	.init = fork_cow_test_init,
	.exit = fork_cow_test_exit,
	.test_cases = fork_cow_test_cases,
};
