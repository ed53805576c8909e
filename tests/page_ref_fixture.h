/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/page_ref_fixture.h - the fixture of the page reference suites (page_ref,
 * page_ref_acct): a 32 MiB machine with THP per case, and mappings of
 * small pages and of one PMD-mapped 2 MiB folio.
 */
#ifndef PINIO_TESTS_PAGE_REF_FIXTURE_H
#define PINIO_TESTS_PAGE_REF_FIXTURE_H

#include <pinio/sim.h>

#include "kunit/test.h"
#include "mm_helpers.h"

/* Suite init/exit: boot 32 MiB with THP; check the invariants, shut down. */
int page_ref_test_init(struct kunit *test);
void page_ref_test_exit(struct kunit *test);

/* Map @nr small anonymous pages, write-fault them, return the first page. */
struct page *page_ref_map_small(struct kunit *test, unsigned long *addrp, unsigned long nr);

/* Map 2 MiB and write-fault it: one PMD-mapped order-9 anonymous folio. */
struct folio *page_ref_map_thp(struct kunit *test, unsigned long *addrp);

#endif /* PINIO_TESTS_PAGE_REF_FIXTURE_H */
