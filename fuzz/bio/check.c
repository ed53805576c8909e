// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz/bio/check.c - fuzz_bio's oracle: the refcount ledger of every
 * folio the bios may hold, the bvec-table and queue-limit checks, the
 * page-granular walks that splits and clones are compared with, and the
 * model of bio_add_page()'s merging.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "mm/internal.h"
#include "sim/scenarios/scen.h"
#include "fuzz/bio/fuzz_bio.h"

struct fb_state fb_st;

void fb_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_bio: profile %d, op %u: ", sim_profile(), fb_st.op);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* The page user page @k of the buffer maps now, or NULL. */
struct page *fb_user_page(unsigned int k)
{
	return scen_page_at(current->mm, fb_st.ubase + k * PAGE_SIZE);
}

/* ---- the ledger: what every folio must hold ----------------------------- */

static int fb_folio_slot(struct folio *folio)
{
	unsigned int f;

	for (f = 0; f < fb_st.nfolios; f++)
		if (fb_st.folio[f] == folio)
			return (int)f;
	return -1;
}

void fb_track(struct folio *folio)
{
	if (fb_folio_slot(folio) >= 0)
		return;
	FB_CHECK(fb_st.nfolios < ARRAY_SIZE(fb_st.folio), "too many folios");
	fb_st.folio[fb_st.nfolios] = folio;
	fb_st.base[fb_st.nfolios++] = folio_ref_count(folio);
}

/* What one page occurrence of a bio in @mode holds on @page. */
static int fb_weight(enum bio_page_mode mode, struct page *page)
{
	switch (mode) {
	case BIO_PAGE_MODE_PINNED:
		return is_zero_page(page) && !profile_pins_zero_page() ? 0 :
			(int)GUP_PIN_COUNTING_BIAS;
	case BIO_PAGE_MODE_REFFED:
		return 1;
	default:
		return 0;
	}
}

/*
 * Every folio's count is its base plus what the owning bios' page
 * occurrences hold (R-BIO-3's walk over bi_io_vec[0..bi_vcnt), R-BIO-6).
 */
void fb_check_ledger(void)
{
	int held[ARRAY_SIZE(fb_st.folio)] = { 0 };
	unsigned int i, f;

	for (i = 0; i < FB_BIOS; i++) {
		struct bio *bio = fb_st.b[i].bio;
		struct bvec_iter_all it;
		struct bio_vec *bv;
		enum bio_page_mode mode;

		if (!bio)
			continue;
		mode = bio_page_mode(bio);
		if (fb_st.b[i].clone) {
			FB_CHECK(mode == BIO_PAGE_MODE_NONE && bio_flagged(bio, BIO_CLONED),
				 "bio %u: a clone with cleanup mode %d", i, mode);
			continue;
		}
		bio_for_each_segment_all(bv, bio, it) {
			int slot = fb_folio_slot(page_folio(bv->bv_page));

			FB_CHECK(slot >= 0, "bio %u holds an unknown page, pfn %lu", i,
				 page_to_pfn(bv->bv_page));
			held[slot] += fb_weight(mode, bv->bv_page);
		}
	}
	for (f = 0; f < fb_st.nfolios; f++)
		FB_CHECK(folio_ref_count(fb_st.folio[f]) == fb_st.base[f] + held[f],
			 "pfn %lu: refcount %d, base %d + held %d", folio_pfn(fb_st.folio[f]),
			 folio_ref_count(fb_st.folio[f]), fb_st.base[f], held[f]);
	FB_CHECK(!atomic_long_read(&nr_violations), "%ld violation(s) reported",
		 atomic_long_read(&nr_violations));
}

/* The bvec table against the model, where the model is exact. */
void fb_check_table(unsigned int i)
{
	struct fb_bio *b = &fb_st.b[i];
	unsigned int k, size = 0;

	if (!b->exact)
		return;
	FB_CHECK(b->bio->bi_vcnt == b->nr, "bio %u: vcnt %u, model %u", i, b->bio->bi_vcnt, b->nr);
	for (k = 0; k < b->nr; k++) {
		const struct bio_vec *got = &b->bio->bi_io_vec[k], *want = &b->model[k];

		FB_CHECK(got->bv_page == want->bv_page && got->bv_offset == want->bv_offset &&
			 got->bv_len == want->bv_len,
			 "bio %u bvec %u: pfn %lu +%u len %u, model pfn %lu +%u len %u", i, k,
			 page_to_pfn(got->bv_page), got->bv_offset, got->bv_len,
			 page_to_pfn(want->bv_page), want->bv_offset, want->bv_len);
		size += want->bv_len;
	}
	FB_CHECK(b->bio->bi_iter.bi_size == size - b->done, "bio %u: size %u, model %u - %u", i,
		 b->bio->bi_iter.bi_size, size, b->done);
}

/* The page-granular walk of what bi_iter covers, into @w. */
unsigned int fb_walk(struct bio *bio, struct fb_step *w)
{
	struct bvec_iter it;
	struct bio_vec bv;
	unsigned int n = 0;

	unsigned int steps = 0;

	bio_for_each_segment(bv, bio, it) {
		/* An empty bvec is seen once and stepped over, never forever. */
		FB_CHECK(++steps <= 2 * FB_WALK_MAX, "the walk does not end");
		FB_CHECK(bv.bv_offset + bv.bv_len <= PAGE_SIZE,
			 "segment +%u len %u crosses its page", bv.bv_offset, bv.bv_len);
		if (!bv.bv_len)
			continue;
		FB_CHECK(n < FB_WALK_MAX, "walk too long");
		/* Coalesce steps that continue in the same page. */
		if (n && w[n - 1].page == bv.bv_page && w[n - 1].off + w[n - 1].len == bv.bv_offset) {
			w[n - 1].len += bv.bv_len;
			continue;
		}
		w[n].page = bv.bv_page;
		w[n].off = bv.bv_offset;
		w[n++].len = bv.bv_len;
	}
	return n;
}

/* Does walk @a, after skipping @skip bytes, start with all of walk @b? */
bool fb_walk_has(const struct fb_step *a, unsigned int na, size_t skip,
			const struct fb_step *b, unsigned int nb)
{
	unsigned int i = 0, j = 0;
	size_t ai = 0, bj = 0;

	while (i < na && skip >= a[i].len - ai) {
		skip -= a[i].len - ai;
		i++;
	}
	ai = skip;
	while (j < nb) {
		size_t n;

		if (i >= na)
			return false;
		if (a[i].page != b[j].page || a[i].off + ai != b[j].off + bj)
			return false;
		n = min(a[i].len - ai, b[j].len - bj);
		ai += n;
		bj += n;
		if (ai == a[i].len) {
			i++;
			ai = 0;
		}
		if (bj == b[j].len) {
			j++;
			bj = 0;
		}
	}
	return true;
}

/* ---- acquiring and dropping one page the way a mode says ----------------- */

/*
 * Acquire user page @k for a bio in @mode. Returns the page, or NULL when
 * the mode cannot hold it.
 */
struct page *fb_acquire_user(unsigned int k, enum bio_page_mode mode, bool write)
{
	unsigned long addr = fb_st.ubase + k * PAGE_SIZE;
	struct page *page = NULL;

	/* A read bio writes memory: the untouched page must not be COWed in. */
	if (k == FB_UPAGES - 1 && fb_st.untouched_last && !write)
		return NULL;
	/* Map it first (a read maps the zero page), so the baseline holds nothing of ours. */
	if (!fb_user_page(k)) {
		char c;

		FB_CHECK(sim_user_read(addr, &c, 1) == 1, "user page %u unreadable", k);
		FB_CHECK(fb_user_page(k), "user page %u not mapped by a read", k);
	}
	fb_track(page_folio(fb_user_page(k)));
	switch (mode) {
	case BIO_PAGE_MODE_PINNED:
		FB_CHECK(pin_user_pages_fast(addr, 1, write ? 0 : FOLL_WRITE, &page) == 1,
			 "pin of user page %u failed", k);
		break;
	case BIO_PAGE_MODE_REFFED:
		FB_CHECK(get_user_pages_fast(addr, 1, write ? 0 : FOLL_WRITE, &page) == 1,
			 "get of user page %u failed", k);
		break;
	default:
		page = fb_user_page(k);
		break;
	}
	FB_CHECK(page == fb_user_page(k), "user page %u: GUP gave pfn %lu, mapped pfn %lu", k,
		 page_to_pfn(page), page_to_pfn(fb_user_page(k)));
	return page;
}

void fb_drop(struct page *page, enum bio_page_mode mode)
{
	if (mode == BIO_PAGE_MODE_PINNED)
		unpin_user_page(page);
	else if (mode == BIO_PAGE_MODE_REFFED)
		put_page(page);
}

/* ---- the model of bio_add_page (R-BIO-5, R-BIO-9) ------------------------ */

/* Predict bio_add_page(): 0 (full), or len with *merged / *same_page. */
unsigned int fb_model_add(struct fb_bio *b, struct page *page, unsigned int len,
				 unsigned int off, bool *merged, bool *same_page)
{
	unsigned int size = 0, k;

	*merged = *same_page = false;
	for (k = 0; k < b->nr; k++)
		size += b->model[k].bv_len;
	if (b->nr) {
		struct bio_vec *bv = &b->model[b->nr - 1];
		unsigned long end = (page_to_pfn(bv->bv_page) << PAGE_SHIFT) + bv->bv_offset +
				    bv->bv_len;
		unsigned long start = (page_to_pfn(page) << PAGE_SHIFT) + off;

		if (end == start && size <= UINT_MAX - len) {
			*merged = true;
			*same_page = ((end - 1) >> PAGE_SHIFT) == (start >> PAGE_SHIFT);
			bv->bv_len += len;
			return len;
		}
	}
	if (b->nr >= b->bio->bi_max_vecs || size > UINT_MAX - len)
		return 0;
	bvec_set_page(&b->model[b->nr++], page, len, off);
	return len;
}

/* Occurrences of @page in @bio's release walk. */
unsigned int fb_occurrences(struct bio *bio, struct page *page)
{
	struct bvec_iter_all it;
	struct bio_vec *bv;
	unsigned int n = 0;

	bio_for_each_segment_all(bv, bio, it)
		n += bv->bv_page == page;
	return n;
}

/* bio_add_pc_page results obey the queue limits (R-BIO-9). */
void fb_check_hw_limits(unsigned int i)
{
	const struct queue_limits *lim = &fb_st.q.limits;
	struct bio *bio = fb_st.b[i].bio;
	unsigned int k;

	FB_CHECK(bio->bi_vcnt <= lim->max_segments, "bio %u: %u segments > max %u", i,
		 bio->bi_vcnt, lim->max_segments);
	FB_CHECK((bio->bi_iter.bi_size >> SECTOR_SHIFT) <= lim->max_hw_sectors,
		 "bio %u: %u bytes > max_hw_sectors", i, bio->bi_iter.bi_size);
	for (k = 0; k < bio->bi_vcnt; k++) {
		const struct bio_vec *bv = &bio->bi_io_vec[k];
		unsigned long a = (page_to_pfn(bv->bv_page) << PAGE_SHIFT) + bv->bv_offset;

		FB_CHECK(bv->bv_len <= max(lim->max_segment_size, PAGE_SIZE),
			 "bio %u bvec %u: %u bytes > max_segment_size", i, k, bv->bv_len);
		if (bv->bv_len > PAGE_SIZE - bv->bv_offset % PAGE_SIZE)
			FB_CHECK((a | lim->seg_boundary_mask) ==
				 ((a + bv->bv_len - 1) | lim->seg_boundary_mask),
				 "bio %u bvec %u crosses a segment boundary", i, k);
		if (k && lim->virt_boundary_mask)
			FB_CHECK(!(bv->bv_offset & lim->virt_boundary_mask) &&
				 !((bio->bi_io_vec[k - 1].bv_offset + bio->bi_io_vec[k - 1].bv_len) &
				   lim->virt_boundary_mask),
				 "bio %u bvec %u leaves a virt_boundary gap", i, k);
	}
}
