// SPDX-License-Identifier: GPL-2.0
/*
 * mm/debug.c - dump_page(), as the kernel prints a page on a VM_BUG_ON or
 * a bad page state: pfn, folio, counts, flags, owner and the last events
 * recorded on the frame (our stand-in for page_owner + page_ref tracing).
 */
#include <stdio.h>
#include <pinio/trace.h>
#include "mm/internal.h"

/* See page_checks_enabled() in include/pinio/bug.h; set by sim_boot(). */
bool pinio_page_checks = true;

static const char *const pageflag_names[NR_PAGEFLAGS] = {
	"locked", "referenced", "uptodate", "dirty", "lru", "head", "reserved",
	"private", "writeback", "swapbacked", "anon_exclusive", "buddy",
	"has_hwpoisoned", "huge_zero", "checked",
};

/**
 * dump_page() - print what is known about @page to stderr.
 * @page: any page pointer; one outside the memmap is reported as such.
 * @reason: why it is dumped (VM_BUG_ON_PAGE() passes the condition).
 *
 * Prints the refcount, mapcount, mapping and index, the folio's order and
 * pincount, its flags, owner and allocation site, then the page's recorded
 * event history (lib/trace.c). Takes no reference. Context: any.
 */
void dump_page(struct page *page, const char *reason)
{
	struct folio *folio;
	unsigned long pfn;
	int i;

	if (!page || !mem_map || page < mem_map || page >= mem_map + max_pfn) {
		fprintf(stderr, "page:%p outside the memmap (%s)\n", (void *)page, reason);
		return;
	}
	pfn = page_to_pfn(page);
	folio = page_folio(page);
	fprintf(stderr, "page:pfn %lu refcount:%d mapcount:%d mapping:%p index:%#lx gen:%u\n",
		pfn, page_ref_count(&folio->page), page_mapcount(page),
		(void *)page->mapping, page->index, page->gen);
	if (folio_test_large(folio))
		fprintf(stderr, "head:pfn %lu order:%u entire_mapcount:%d pincount:%d\n",
			folio_pfn(folio), folio_order(folio),
			atomic_read(&folio->_entire_mapcount) + 1, atomic_read(&folio->_pincount));
	fprintf(stderr, "flags:");
	for (i = 0; i < NR_PAGEFLAGS; i++)
		if (test_bit(i, &folio->flags) || (i == PG_anon_exclusive && PageAnonExclusive(page)))
			fprintf(stderr, " %s", pageflag_names[i]);
	fprintf(stderr, "%s%s\n", is_zero_page(page) ? " zero_page" : "",
		folio_test_anon(folio) ? " anon" : "");
	fprintf(stderr, "owner:%s site:%s\n", page_owner_name(folio->owner),
		page_owner_site(folio_pfn(folio)));
	fprintf(stderr, "page dumped because: %s\n", reason);
	trace_page_history(stderr, pfn, "  ");
}
