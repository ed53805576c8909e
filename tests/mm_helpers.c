// SPDX-License-Identifier: GPL-2.0
/*
 * tests/mm_helpers.c - helpers for the mm-level and pin suites; see
 * mm_helpers.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <pinio/trace.h>

#include "mm_helpers.h"

void t_mm_poison(struct page **pages, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		pages[i] = T_MM_POISON_PTR;
}

void t_mm_expect_written(struct kunit *test, struct page **pages, size_t n, long ret)
{
	size_t i, written = ret > 0 ? (size_t)ret : 0;

	for (i = 0; i < n; i++) {
		if (i < written)
			KUNIT_EXPECT_PTR_NE_MSG(test, pages[i], T_MM_POISON_PTR,
						"entry %zu of %ld not written", i, ret);
		else
			KUNIT_EXPECT_PTR_EQ_MSG(test, pages[i], T_MM_POISON_PTR,
						"entry %zu written past %ld", i, ret);
	}
}

int t_mm_boot(const struct sim_config *cfg)
{
	return sim_boot(cfg);
}

void t_mm_shutdown(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sim_shutdown(), 0);
}

void t_mm_reboot(struct kunit *test, const struct sim_config *cfg)
{
	KUNIT_ASSERT_EQ(test, sim_shutdown(), 0);
	KUNIT_ASSERT_EQ(test, sim_boot(cfg), 0);
}

unsigned long t_mm_mmap(struct kunit *test, size_t len, int prot, int flags)
{
	unsigned long addr = sim_mmap(0, len, prot, flags | MAP_ANONYMOUS, -1, 0);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_VALUE(addr), "sim_mmap(%zu): %ld", len, (long)addr);
	return addr;
}

void t_mm_munmap(struct kunit *test, unsigned long addr, size_t len)
{
	KUNIT_EXPECT_EQ(test, sim_munmap(addr, len), 0);
}

void t_mm_fill(struct kunit *test, unsigned long addr, int c, size_t len)
{
	KUNIT_ASSERT_EQ(test, sim_user_memset(addr, c, len), (ssize_t)len);
}

void t_mm_touch_read(struct kunit *test, unsigned long addr, size_t len)
{
	unsigned long a;
	char c;

	for (a = addr; a < addr + len; a += PAGE_SIZE)
		KUNIT_ASSERT_EQ(test, sim_user_read(a, &c, 1), (ssize_t)1);
}

bool t_mem_is(const void *p, int c, size_t len)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != (unsigned char)c)
			return false;
	return true;
}

bool t_mm_bytes_are(unsigned long addr, int c, size_t len)
{
	unsigned char buf[PAGE_SIZE];
	size_t done;

	for (done = 0; done < len; done += PAGE_SIZE) {
		size_t n = min(len - done, PAGE_SIZE);

		if (sim_user_read(addr + done, buf, n) != (ssize_t)n || !t_mem_is(buf, c, n))
			return false;
	}
	return true;
}

bool t_pages_are(struct page *const *pages, size_t n, int c)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!t_mem_is(page_address(pages[i]), c, PAGE_SIZE))
			return false;
	return true;
}

struct task_struct *t_mm_fork(struct kunit *test)
{
	struct task_struct *child = sim_fork();

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, child);
	return child;
}

void t_mm_walk(struct mm_struct *mm, unsigned long addr, struct t_mm_walk *w)
{
	pmd_t *pmdp = pmd_lookup_lockless(mm, addr);
	pmd_t pmd;
	pte_t pte;

	memset(w, 0, sizeof(*w));
	if (!pmdp)
		return;
	pmd = pmdp_get(pmdp);
	if (pmd_leaf(pmd)) {
		w->pmd_leaf = true;
		w->entry = pmd;
		w->page = pte_page(pmd) + pte_index(addr);
		return;
	}
	if (!pmd_table(pmd))
		return;
	w->pmd_table = true;
	pte = ptep_get(&pmd_pgtable(pmd)[pte_index(addr)]);
	w->entry = pte;
	if (pte_present(pte))
		w->page = pte_page(pte);
}

struct page *t_mm_page(struct mm_struct *mm, unsigned long addr)
{
	struct t_mm_walk w;

	t_mm_walk(mm, addr, &w);
	return w.page;
}

pte_t t_mm_pte(struct mm_struct *mm, unsigned long addr)
{
	struct t_mm_walk w;

	t_mm_walk(mm, addr, &w);
	return w.entry;
}

unsigned long t_mm_vm_flags(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long flags = 0;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma)
		flags = vma->vm_flags;
	mmap_read_unlock(mm);
	return flags;
}

/* ---- the GUP entry points, by name ------------------------------------ */

const char *t_gup_api_name(enum t_gup_api api)
{
	static const char *const names[NR_T_GUP_APIS] = {
		[T_API_GUP_FAST] = "get_user_pages_fast",
		[T_API_GUP_FAST_ONLY] = "get_user_pages_fast_only",
		[T_API_GUP] = "get_user_pages",
		[T_API_GUP_UNLOCKED] = "get_user_pages_unlocked",
		[T_API_GUP_REMOTE] = "get_user_pages_remote",
		[T_API_PUP_FAST] = "pin_user_pages_fast",
		[T_API_PUP] = "pin_user_pages",
		[T_API_PUP_UNLOCKED] = "pin_user_pages_unlocked",
		[T_API_PUP_REMOTE] = "pin_user_pages_remote",
	};

	return api < NR_T_GUP_APIS ? names[api] : "?";
}

bool t_gup_api_pins(enum t_gup_api api)
{
	return api >= T_API_PUP_FAST;
}

bool t_gup_api_invalid_is_zero(enum t_gup_api api)
{
	return api == T_API_PUP || api == T_API_PUP_UNLOCKED || api == T_API_PUP_REMOTE;
}

long t_gup(enum t_gup_api api, unsigned long start, long nr_pages, unsigned int flags,
	   struct page **pages)
{
	struct mm_struct *mm = current->mm;
	long ret;

	switch (api) {
	case T_API_GUP_FAST:
		return get_user_pages_fast(start, (int)nr_pages, flags, pages);
	case T_API_GUP_FAST_ONLY:
		return get_user_pages_fast_only(start, (int)nr_pages, flags, pages);
	case T_API_PUP_FAST:
		return pin_user_pages_fast(start, (int)nr_pages, flags, pages);
	case T_API_GUP_UNLOCKED:
		return get_user_pages_unlocked(start, (unsigned long)nr_pages, pages, flags);
	case T_API_PUP_UNLOCKED:
		return pin_user_pages_unlocked(start, (unsigned long)nr_pages, pages, flags);
	default:
		break;
	}
	mmap_read_lock(mm);
	switch (api) {
	case T_API_GUP:
		ret = get_user_pages(start, (unsigned long)nr_pages, flags, pages);
		break;
	case T_API_PUP:
		ret = pin_user_pages(start, (unsigned long)nr_pages, flags, pages);
		break;
	case T_API_GUP_REMOTE:
		ret = get_user_pages_remote(mm, start, (unsigned long)nr_pages, flags, pages, NULL);
		break;
	case T_API_PUP_REMOTE:
		ret = pin_user_pages_remote(mm, start, (unsigned long)nr_pages, flags, pages, NULL);
		break;
	default:
		ret = -ENOSYS;
		break;
	}
	mmap_read_unlock(mm);
	return ret;
}

long t_gup_checked(struct kunit *test, enum t_gup_api api, unsigned long start, long nr_pages,
		   unsigned int flags, struct page **pages, unsigned long size)
{
	long ret;

	t_mm_poison(pages, size);
	ret = t_gup(api, start, nr_pages, flags, pages);
	t_mm_expect_written(test, pages, size, ret);
	return ret;
}

void t_gup_release(enum t_gup_api api, struct page **pages, long n)
{
	long i;

	if (n <= 0)
		return;
	if (t_gup_api_pins(api)) {
		unpin_user_pages(pages, (unsigned long)n);
		return;
	}
	for (i = 0; i < n; i++)
		put_page(pages[i]);
}

char *t_page_history(unsigned long pfn)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	trace_page_history(f, pfn, "");
	fclose(f);
	return buf;
}
