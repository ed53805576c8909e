/* SPDX-License-Identifier: GPL-2.0 */
/*
 * block/blk.h - what the block/ files share (block/blk.h).
 *
 * Faithful: bio_release_page(), the one place that knows how a page in a
 * bio is given back, per behaviour profile (R-BIO-2):
 *   v6.5  PINNED -> unpin_user_page(); otherwise nothing;
 *   v21   PINNED -> unpin_user_page(); REFFED -> put_page(); else nothing;
 *   v6.4  !BIO_NO_PAGE_REF -> put_page(); otherwise nothing.
 * A zero page's unpin is a no-op in mm (R-ZERO-6), so there is no special
 * case here. An unpin of a page holding no pin (a get_page'd page in a
 * PINNED bio, EDGE-33) is refused and reported by mm's shadow pin count.
 * Added: bio_dirty_exit(), which stops the deferred re-dirty worker
 * (sim_shutdown() calls it).
 */
#ifndef PINIO_BLOCK_BLK_H
#define PINIO_BLOCK_BLK_H

#include <pinio/bio.h>
#include <pinio/blkdev.h>
#include <pinio/sim.h>
#include <pinio/trace.h>

/* put_page() of a reference a bio held (PE_PUT while the recorder runs). */
static inline void bio_put_page_ref(struct page *page)
{
	trace_page_event_rec(page_to_pfn(page), PE_PUT, 1);
	put_page(page);
}

/**
 * bio_release_page() - give back one page occurrence of @bio.
 * @bio: the bio whose cleanup mode says how @page was acquired.
 * @page: a page that @bio holds (or held just before a same-page merge).
 *
 * Drops one pin (PINNED) or one reference (v21 REFFED, v6.4 without
 * BIO_NO_PAGE_REF), or does nothing for a bio that owns no pages.
 */
static inline void bio_release_page(struct bio *bio, struct page *page)
{
	switch (sim_profile()) {
	case SIM_PROFILE_V6_4:
		if (!bio_flagged(bio, BIO_NO_PAGE_REF))
			bio_put_page_ref(page);
		break;
	case SIM_PROFILE_V21:
		if (bio_flagged(bio, BIO_PAGE_PINNED))
			unpin_user_page(page);
		else if (bio_flagged(bio, BIO_PAGE_REFFED))
			bio_put_page_ref(page);
		break;
	default:
		if (bio_flagged(bio, BIO_PAGE_PINNED))
			unpin_user_page(page);
		break;
	}
}

/* Does bio_release_pages() do anything for @bio under the current profile? */
static inline bool bio_owns_pages(const struct bio *bio)
{
	switch (sim_profile()) {
	case SIM_PROFILE_V6_4:
		return !bio_flagged(bio, BIO_NO_PAGE_REF);
	case SIM_PROFILE_V21:
		return bio_flagged(bio, BIO_PAGE_PINNED) || bio_flagged(bio, BIO_PAGE_REFFED);
	default:
		return bio_flagged(bio, BIO_PAGE_PINNED);
	}
}

/*
 * bio_dirty_exit() - drain the deferred re-dirty list and stop its worker
 * thread. Safe to call when the worker never started, and more than once;
 * a later bio_check_pages_dirty() starts it again.
 */
void bio_dirty_exit(void);

/*
 * __bio_try_merge_page() - grow @bio's last bvec by (@page, @off, @len)
 * if R-BIO-5 allows; *@same_page says the fragment starts in the page
 * where the bvec ended. block/bio.c; used by block/bio-iov.c.
 */
bool __bio_try_merge_page(struct bio *bio, struct page *page, unsigned int len,
			  unsigned int off, bool *same_page);
/* The same without counting BIO_MERGES: the caller counts its merges at once. */
bool bio_try_merge_page_nocount(struct bio *bio, struct page *page, unsigned int len,
				unsigned int off, bool *same_page);

#endif /* PINIO_BLOCK_BLK_H */
