/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/pin_test_util.h - helpers shared by the page_ref, zero_page and gup
 * suites: page-array poisoning, a look at what a user address maps without
 * taking a reference, user mappings that fail the case when they cannot be
 * made, and one dispatcher over the nine GUP entry points so that tables
 * can name an API.
 *
 * Everything here is static inline: each suite includes it and uses what it
 * needs. Tests reach internals through mm/internal.h (conventions 7.6).
 */
#ifndef PINIO_TESTS_PIN_TEST_UTIL_H
#define PINIO_TESTS_PIN_TEST_UTIL_H

#include <sys/mman.h>

#include "mm/internal.h"
#include "kunit/test.h"

/* The simulated machine the suites boot: small, so a boot per case is cheap. */
#define PIN_TEST_MEM_BYTES	(32UL << 20)

/* Page arrays are filled with this before every GUP call (conventions 7.6). */
#define PIN_TEST_POISON		((struct page *)0xaa55aa55aa55aa55UL)

static inline void pin_test_poison(struct page **pages, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		pages[i] = PIN_TEST_POISON;
}

/*
 * Expect a GUP call that returned @ret to have written exactly the first
 * @ret entries of @pages (none when @ret <= 0): those are not poison, the
 * rest up to @n still are.
 */
static inline void pin_test_expect_written(struct kunit *test, struct page **pages,
					   unsigned long n, long ret)
{
	unsigned long i, written = ret > 0 ? (unsigned long)ret : 0;

	for (i = 0; i < n; i++) {
		if (i < written)
			KUNIT_EXPECT_PTR_NE_MSG(test, pages[i], PIN_TEST_POISON,
						"entry %lu of %ld not written", i, ret);
		else
			KUNIT_EXPECT_PTR_EQ_MSG(test, pages[i], PIN_TEST_POISON,
						"entry %lu written past %ld", i, ret);
	}
}

/*
 * The page @mm maps at @addr (the exact subpage of a PMD mapping, the zero
 * page of a special PTE), or NULL if nothing is mapped. Takes no reference:
 * the test owns the machine and nothing else runs.
 */
static inline struct page *pin_test_page_at_mm(struct mm_struct *mm, unsigned long addr)
{
	pmd_t *pmdp = pmd_lookup_lockless(mm, addr);
	pmd_t pmd;
	pte_t pte;

	if (!pmdp)
		return NULL;
	pmd = pmdp_get(pmdp);
	if (pmd_leaf(pmd))
		return pte_page(pmd) + pte_index(addr);
	if (!pmd_table(pmd))
		return NULL;
	pte = ptep_get(&pmd_pgtable(pmd)[pte_index(addr)]);
	return pte_none(pte) ? NULL : pte_page(pte);
}

static inline struct page *pin_test_page_at(unsigned long addr)
{
	return pin_test_page_at_mm(current->mm, addr);
}

/* The PTE (or leaf PMD) @mm has for @addr; 0 if none. */
static inline pte_t pin_test_pte_at_mm(struct mm_struct *mm, unsigned long addr)
{
	pmd_t *pmdp = pmd_lookup_lockless(mm, addr);
	pmd_t pmd;

	if (!pmdp)
		return 0;
	pmd = pmdp_get(pmdp);
	if (pmd_leaf(pmd) || !pmd_table(pmd))
		return pmd;
	return ptep_get(&pmd_pgtable(pmd)[pte_index(addr)]);
}

/* sim_mmap() of anonymous memory in current; the case fails if it cannot. */
static inline unsigned long pin_test_mmap(struct kunit *test, size_t len, int prot, int flags)
{
	unsigned long addr = sim_mmap(0, len, prot, flags | MAP_ANONYMOUS, -1, 0);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_VALUE(addr), "sim_mmap(%zu) = %ld", len, (long)addr);
	return addr;
}

static inline void pin_test_munmap(struct kunit *test, unsigned long addr, size_t len)
{
	KUNIT_EXPECT_EQ(test, sim_munmap(addr, len), 0);
}

/* Write-fault @len bytes at @addr with @c (fresh private pages, or THP). */
static inline void pin_test_touch_write(struct kunit *test, unsigned long addr, size_t len, int c)
{
	KUNIT_ASSERT_EQ(test, sim_user_memset(addr, c, len), (ssize_t)len);
}

/* Read-fault every page of [addr, addr+len): untouched anon maps zero pages. */
static inline void pin_test_touch_read(struct kunit *test, unsigned long addr, size_t len)
{
	unsigned long a;
	char c;

	for (a = addr; a < addr + len; a += PAGE_SIZE)
		KUNIT_ASSERT_EQ(test, sim_user_read(a, &c, 1), (ssize_t)1);
}

static inline long pin_test_vmstat(enum node_stat_item item)
{
	return node_page_state(item);
}

/* ---- the GUP entry points, by name ------------------------------------ */

enum pin_test_api {
	API_GUP_FAST,		/* get_user_pages_fast() */
	API_GUP_FAST_ONLY,	/* get_user_pages_fast_only() */
	API_GUP,		/* get_user_pages(), mmap_lock held */
	API_GUP_UNLOCKED,	/* get_user_pages_unlocked() */
	API_GUP_REMOTE,		/* get_user_pages_remote(current->mm), lock held */
	API_PUP_FAST,		/* pin_user_pages_fast() */
	API_PUP,		/* pin_user_pages(), mmap_lock held */
	API_PUP_UNLOCKED,	/* pin_user_pages_unlocked() */
	API_PUP_REMOTE,		/* pin_user_pages_remote(current->mm), lock held */
	NR_PIN_TEST_APIS,
};

static inline const char *pin_test_api_name(enum pin_test_api api)
{
	static const char *const names[NR_PIN_TEST_APIS] = {
		[API_GUP_FAST] = "get_user_pages_fast",
		[API_GUP_FAST_ONLY] = "get_user_pages_fast_only",
		[API_GUP] = "get_user_pages",
		[API_GUP_UNLOCKED] = "get_user_pages_unlocked",
		[API_GUP_REMOTE] = "get_user_pages_remote",
		[API_PUP_FAST] = "pin_user_pages_fast",
		[API_PUP] = "pin_user_pages",
		[API_PUP_UNLOCKED] = "pin_user_pages_unlocked",
		[API_PUP_REMOTE] = "pin_user_pages_remote",
	};

	return api < NR_PIN_TEST_APIS ? names[api] : "?";
}

static inline bool pin_test_api_pins(enum pin_test_api api)
{
	return api >= API_PUP_FAST;
}

/* Does the API return 0 rather than -EINVAL for invalid arguments (R-GUP-1)? */
static inline bool pin_test_api_invalid_is_zero(enum pin_test_api api)
{
	return api == API_PUP || api == API_PUP_UNLOCKED || api == API_PUP_REMOTE;
}

/*
 * Call @api on current's mm. get_user_pages(), pin_user_pages() and the
 * remote variants want the mmap_lock held by the caller: it is taken here
 * around the call, as a driver would.
 */
static inline long pin_test_gup(enum pin_test_api api, unsigned long start, long nr_pages,
				unsigned int flags, struct page **pages)
{
	struct mm_struct *mm = current->mm;
	long ret;

	switch (api) {
	case API_GUP_FAST:
		return get_user_pages_fast(start, (int)nr_pages, flags, pages);
	case API_GUP_FAST_ONLY:
		return get_user_pages_fast_only(start, (int)nr_pages, flags, pages);
	case API_PUP_FAST:
		return pin_user_pages_fast(start, (int)nr_pages, flags, pages);
	case API_GUP_UNLOCKED:
		return get_user_pages_unlocked(start, (unsigned long)nr_pages, pages, flags);
	case API_PUP_UNLOCKED:
		return pin_user_pages_unlocked(start, (unsigned long)nr_pages, pages, flags);
	default:
		break;
	}
	mmap_read_lock(mm);
	switch (api) {
	case API_GUP:
		ret = get_user_pages(start, (unsigned long)nr_pages, flags, pages);
		break;
	case API_PUP:
		ret = pin_user_pages(start, (unsigned long)nr_pages, flags, pages);
		break;
	case API_GUP_REMOTE:
		ret = get_user_pages_remote(mm, start, (unsigned long)nr_pages, flags, pages, NULL);
		break;
	case API_PUP_REMOTE:
		ret = pin_user_pages_remote(mm, start, (unsigned long)nr_pages, flags, pages, NULL);
		break;
	default:
		ret = -ENOSYS;
		break;
	}
	mmap_read_unlock(mm);
	return ret;
}

/*
 * pin_test_gup() with the page-array discipline of conventions 7.6: poison
 * all @size entries of @pages first, and expect exactly the returned number
 * of them written afterwards.
 */
static inline long pin_test_gup_checked(struct kunit *test, enum pin_test_api api,
					unsigned long start, long nr_pages, unsigned int flags,
					struct page **pages, unsigned long size)
{
	long ret;

	pin_test_poison(pages, size);
	ret = pin_test_gup(api, start, nr_pages, flags, pages);
	pin_test_expect_written(test, pages, size, ret);
	return ret;
}

/* Release what @api grabbed: unpin for pin APIs, put_page() for get APIs. */
static inline void pin_test_release(enum pin_test_api api, struct page **pages, long n)
{
	long i;

	if (n <= 0)
		return;
	if (pin_test_api_pins(api)) {
		unpin_user_pages(pages, (unsigned long)n);
		return;
	}
	for (i = 0; i < n; i++)
		put_page(pages[i]);
}

#endif /* PINIO_TESTS_PIN_TEST_UTIL_H */
