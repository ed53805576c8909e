// SPDX-License-Identifier: GPL-2.0
/*
 * mm/swap.c - the end of a folio's life: __folio_put() when the last
 * reference goes, and release_pages() for arrays.
 *
 * Models mm/swap.c without LRU lists or the swap cache: a folio whose
 * refcount reaches zero goes straight back to the buddy allocator. The
 * zero pages and the huge zero folio are never freed this way; reaching
 * zero on one of them is an underflow and is reported (R-BUG-2/5).
 */
#include <pinio/trace.h>
#include "mm/internal.h"

/**
 * __folio_put() - free @folio, whose last reference was just dropped.
 * @folio: a folio with refcount 0 (folio_put() and put_page() call this).
 *
 * The zero page, the huge zero folio and reserved pages are never freed:
 * their refcount reaching 0 is reported as a violation (an unbalanced put:
 * freeing them would be the use-after-free) and the folio stays allocated.
 * Takes or drops no pin.
 */
void __folio_put(struct folio *folio)
{
	if (unlikely(is_zero_folio(folio) || folio_test_huge_zero(folio) ||
		     folio_test_reserved(folio))) {
		page_alloc_report_violation(&folio->page,
					    "refcount of a reserved/zero page reached 0");
		/* Leave it allocated: freeing the zero page is the use-after-free. */
		return;
	}
	free_folio(folio);
}

/**
 * release_pages() - drop one reference on each page of @pages.
 * @pages: page pointers (NULL entries are skipped).
 * @nr: number of entries.
 *
 * Takes no pins and drops no pins: for FOLL_GET references only. The huge
 * zero folio is skipped, as in the kernel.
 */
void release_pages(struct page **pages, int nr)
{
	int i;

	for (i = 0; i < nr; i++) {
		struct folio *folio;

		if (!pages[i])
			continue;
		folio = page_folio(pages[i]);
		if (folio_test_huge_zero(folio))
			continue;
		folio_put(folio);
	}
}
