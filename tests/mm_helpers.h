/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/mm_helpers.h - helpers for the mm-level suites (mm, fork_cow,
 * scenarios_mm, mm_stress, page_ref, zero_page, gup, and the block suites
 * that map user memory): booting, mapping and faulting user memory,
 * reading what the page tables map at an address, poisoned page arrays
 * (conventions 7.6), and one dispatcher over the nine GUP entry points so
 * that tables can name an API. Cross-suite helpers are t_-prefixed
 * (conventions 7.2).
 *
 * Helpers that ASSERT must run on the case's own thread; the t_mm_walk()
 * and t_mem_*() ones are safe from any thread.
 */
#ifndef PINIO_TESTS_MM_HELPERS_H
#define PINIO_TESTS_MM_HELPERS_H

#include "kunit/test.h"
#include "mm/internal.h"

/* The machine the pin suites boot: small, so a boot per case is cheap. */
#define T_MM_MEM_BYTES		(32UL << 20)

/* What a page array holds before a GUP call writes it (kunit_iov_iter). */
#define T_MM_POISON_PTR		((struct page *)0xaa55aa55aa55aa55UL)

void t_mm_poison(struct page **pages, size_t n);
/*
 * Expect a GUP call that returned @ret to have written exactly the first
 * @ret entries of @pages (none when @ret <= 0): those are not poison, the
 * rest up to @n still are.
 */
void t_mm_expect_written(struct kunit *test, struct page **pages, size_t n, long ret);

/* sim_boot() for a suite's .init: 0 or the error (the runner fails the case). */
int t_mm_boot(const struct sim_config *cfg);
/* .exit: shut down and expect no leaks. */
void t_mm_shutdown(struct kunit *test);
/* Shut the machine down (expecting no leaks) and boot it again with @cfg. */
void t_mm_reboot(struct kunit *test, const struct sim_config *cfg);

/* sim_mmap() of anonymous memory that must succeed (ASSERT). */
unsigned long t_mm_mmap(struct kunit *test, size_t len, int prot, int flags);
/* sim_munmap() that must succeed (EXPECT). */
void t_mm_munmap(struct kunit *test, unsigned long addr, size_t len);
/* Fill [addr, addr+len) with @c through the page tables (ASSERT). */
void t_mm_fill(struct kunit *test, unsigned long addr, int c, size_t len);
/* Read-fault every page of [addr, addr+len) (ASSERT): untouched anon maps zero pages. */
void t_mm_touch_read(struct kunit *test, unsigned long addr, size_t len);
/* Read [addr, addr+len) through the page tables: does every byte equal @c? */
bool t_mm_bytes_are(unsigned long addr, int c, size_t len);
/* Does every byte of [p, p+len) equal @c? */
bool t_mem_is(const void *p, int c, size_t len);
/* Does every byte of every page in @pages[0..n) equal @c (read via page_address)? */
bool t_pages_are(struct page *const *pages, size_t n, int c);

/* sim_fork() that must succeed (ASSERT); the child is not switched to. */
struct task_struct *t_mm_fork(struct kunit *test);

/**
 * struct t_mm_walk - what the page tables of an mm map at one address.
 * @entry: the PMD leaf or the PTE (0 when nothing is mapped).
 * @pmd_leaf: @entry is a PMD leaf (a 2 MiB mapping).
 * @pmd_table: the PMD points at a PTE table.
 * @page: the page @entry maps at this address (the subpage for a PMD
 *	leaf), zero pages included; NULL when not present.
 */
struct t_mm_walk {
	unsigned long entry;
	bool pmd_leaf;
	bool pmd_table;
	struct page *page;
};

/* Walk @mm's tables at @addr (lockless, as the CPU does). */
void t_mm_walk(struct mm_struct *mm, unsigned long addr, struct t_mm_walk *w);
/*
 * The page mapped at @addr in @mm (the exact subpage of a PMD mapping, the
 * zero page of a special PTE), or NULL. Takes no reference: the test owns
 * the machine and nothing else runs.
 */
struct page *t_mm_page(struct mm_struct *mm, unsigned long addr);
/* The PTE (or leaf PMD) @mm has for @addr; 0 if none. */
pte_t t_mm_pte(struct mm_struct *mm, unsigned long addr);
/* The VMA flags at @addr in @mm, or 0 if nothing is mapped there. */
unsigned long t_mm_vm_flags(struct mm_struct *mm, unsigned long addr);

static inline struct mm_struct *t_mm(void)
{
	return sim_current()->mm;
}

static inline long t_mm_vmstat(enum node_stat_item item)
{
	return node_page_state(item);
}

/* ---- the GUP entry points, by name ------------------------------------ */

enum t_gup_api {
	T_API_GUP_FAST,		/* get_user_pages_fast() */
	T_API_GUP_FAST_ONLY,	/* get_user_pages_fast_only() */
	T_API_GUP,		/* get_user_pages(), mmap_lock held */
	T_API_GUP_UNLOCKED,	/* get_user_pages_unlocked() */
	T_API_GUP_REMOTE,	/* get_user_pages_remote(current->mm), lock held */
	T_API_PUP_FAST,		/* pin_user_pages_fast() */
	T_API_PUP,		/* pin_user_pages(), mmap_lock held */
	T_API_PUP_UNLOCKED,	/* pin_user_pages_unlocked() */
	T_API_PUP_REMOTE,	/* pin_user_pages_remote(current->mm), lock held */
	NR_T_GUP_APIS,
};

const char *t_gup_api_name(enum t_gup_api api);
/* Does @api pin (FOLL_PIN) rather than take references (FOLL_GET)? */
bool t_gup_api_pins(enum t_gup_api api);
/* Does @api return 0 rather than -EINVAL for invalid arguments (R-GUP-1)? */
bool t_gup_api_invalid_is_zero(enum t_gup_api api);
/*
 * Call @api on current's mm. get_user_pages(), pin_user_pages() and the
 * remote variants want the mmap_lock held by the caller: it is taken here
 * around the call, as a driver would.
 */
long t_gup(enum t_gup_api api, unsigned long start, long nr_pages, unsigned int flags,
	   struct page **pages);
/*
 * t_gup() with the page-array discipline of conventions 7.6: poison all
 * @size entries of @pages first, and expect exactly the returned number
 * of them written afterwards.
 */
long t_gup_checked(struct kunit *test, enum t_gup_api api, unsigned long start, long nr_pages,
		   unsigned int flags, struct page **pages, unsigned long size);
/* Release what @api grabbed: unpin for pin APIs, put_page() for get APIs. */
void t_gup_release(enum t_gup_api api, struct page **pages, long n);

/* Frame @pfn's event history (trace_page_history()) as a string the caller frees; NULL on ENOMEM. */
char *t_page_history(unsigned long pfn);

#endif /* PINIO_TESTS_MM_HELPERS_H */
