// SPDX-License-Identifier: GPL-2.0
/*
 * tests/page_ref_fixture.c - the fixture of the page reference suites (page_ref,
 * page_ref_acct): a 32 MiB machine with THP per case, and mappings of
 * small pages and of one PMD-mapped 2 MiB folio.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <pinio/sim.h>

#include "kunit/test.h"
#include "mm_helpers.h"
#include "page_ref_fixture.h"
int page_ref_test_init(struct kunit *test)
{
	struct sim_config cfg = { .mem_bytes = T_MM_MEM_BYTES, .thp = true };

	return sim_boot(&cfg);
}

void page_ref_test_exit(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
	KUNIT_EXPECT_EQ(test, sim_shutdown(), 0);
}

/* Map @nr small anonymous pages, write-fault them, return the first page. */
struct page *page_ref_map_small(struct kunit *test, unsigned long *addrp, unsigned long nr)
{
	unsigned long addr = t_mm_mmap(test, nr * PAGE_SIZE, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE);
	struct page *page;

	t_mm_fill(test, addr, 0x5a, nr * PAGE_SIZE);
	page = t_mm_page(current->mm, addr);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_FALSE(test, folio_test_large(page_folio(page)));
	*addrp = addr;
	return page;
}

/* Map 2 MiB and write-fault it: one PMD-mapped order-9 anonymous folio. */
struct folio *page_ref_map_thp(struct kunit *test, unsigned long *addrp)
{
	unsigned long addr = t_mm_mmap(test, PMD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	struct folio *folio;

	KUNIT_ASSERT_TRUE(test, IS_ALIGNED(addr, PMD_SIZE));
	t_mm_fill(test, addr, 0x5a, PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, t_mm_page(current->mm, addr));
	folio = page_folio(t_mm_page(current->mm, addr));
	KUNIT_ASSERT_TRUE(test, folio_test_large(folio));
	KUNIT_ASSERT_EQ(test, folio_order(folio), (unsigned int)HPAGE_PMD_ORDER);
	KUNIT_ASSERT_TRUE(test, pmd_leaf(t_mm_pte(current->mm, addr)));
	*addrp = addr;
	return folio;
}
