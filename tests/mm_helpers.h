/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/mm_helpers.h - helpers for the mm-level suites (mm, fork_cow,
 * scenarios_mm, mm_stress): booting, mapping and filling user memory,
 * reading what the page tables map at an address, and poisoned page
 * arrays. Cross-suite helpers are t_mm_-prefixed (conventions 7.2).
 *
 * Helpers that ASSERT must run on the case's own thread; the t_mm_walk()
 * and t_mem_*() ones are safe from any thread.
 */
#ifndef PINIO_TESTS_MM_HELPERS_H
#define PINIO_TESTS_MM_HELPERS_H

#include "kunit/test.h"
#include "mm/internal.h"

/* What a page array holds before a GUP call writes it (kunit_iov_iter). */
#define T_MM_POISON_PTR		((struct page *)0xaa55aa55aa55aa55UL)

void t_mm_poison(struct page **pages, size_t n);

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
/* The page mapped at @addr in @mm, or NULL. */
struct page *t_mm_page(struct mm_struct *mm, unsigned long addr);
/* The VMA flags at @addr in @mm, or 0 if nothing is mapped there. */
unsigned long t_mm_vm_flags(struct mm_struct *mm, unsigned long addr);

static inline struct mm_struct *t_mm(void)
{
	return sim_current()->mm;
}

#endif /* PINIO_TESTS_MM_HELPERS_H */
