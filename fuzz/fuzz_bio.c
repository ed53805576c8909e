// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz/fuzz_bio.c - libFuzzer target for building, merging, trimming,
 * splitting, cloning and releasing bios (block/bio.c, kernel-semantics.md
 * §5, R-BIO-1..12) under each profile's cleanup modes: v6.5 (PINNED or
 * none), v21 (PINNED, REFFED or none), v6.4 (REFFED unless NO_PAGE_REF).
 *
 * Memory: 8 user pages (anon, faulted in ascending or descending order so
 * that neighbours are sometimes physically contiguous; the last one may
 * stay untouched and read as the zero page) and a kernel order-2 folio.
 * Up to 6 bios live at once. Operations, decoded from the input: allocate
 * a bio in a mode; add a fragment of a page (bio_add_page,
 * sim_bio_add_page_mode, bio_add_pc_page under fuzzed queue limits,
 * bio_add_folio with offsets past PAGE_SIZE), acquiring it the way the
 * bio's mode says; bio_iov_iter_get_pages() over a UBUF, IOVEC or BVEC;
 * bio_advance; bio_split; bio_alloc_clone; release (bio_release_pages,
 * the bio_set_pages_dirty/bio_check_pages_dirty pair, or bio_endio).
 *
 * The model keeps each bio's expected bvec table (bio_add_page merges
 * exactly when R-BIO-5 says: physically contiguous; same_page when the
 * fragment starts in the page where the bvec ends, and then the caller
 * drops its extra pin or ref at once, R-BIO-6), and checks after every
 * operation that every folio's refcount is its baseline plus, for every
 * page occurrence in a live owning bio (R-BIO-3's walk), 1024 for a pin
 * (none for a v6.5 zero page, R-ZERO-6), 1 for a reference. Splits and
 * clones own nothing (R-BIO-1) and must walk exactly the bytes their
 * parent did. bio_add_pc_page results must obey the queue limits
 * (R-BIO-9). At the end every bio is released, every count must be back
 * at its baseline, no bio may be live and the machine must shut down
 * without a leak. Any mismatch prints what differed and aborts. The
 * oracle (ledger, walks, model) is fuzz/bio/check.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mm/internal.h"
#include "sim/scenarios/scen.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/bio/fuzz_bio.h"

/* ---- operations ----------------------------------------------------------- */

static int fb_free_slot(void)
{
	int i;

	for (i = 0; i < FB_BIOS; i++)
		if (!fb_st.b[i].bio)
			return i;
	return -1;
}

static int fb_pick(unsigned int v, bool owner)
{
	unsigned int k;

	for (k = 0; k < FB_BIOS; k++) {
		unsigned int i = (v + k) % FB_BIOS;

		/* @owner: a bio pages may be added to (no clone, no borrowed table). */
		if (fb_st.b[i].bio && (!owner || (!fb_st.b[i].clone &&
					       !bio_flagged(fb_st.b[i].bio, BIO_CLONED))))
			return (int)i;
	}
	return -1;
}

static void fb_op_alloc(unsigned int a)
{
	static const unsigned short nr[4] = { 1, 4, 5, 16 };
	int i = fb_free_slot();
	struct fb_bio *b;

	if (i < 0)
		return;
	b = &fb_st.b[i];
	memset(b, 0, sizeof(*b));
	b->bio = bio_alloc(&fb_st.bdev, nr[a & 3], a & 4 ? REQ_OP_WRITE : REQ_OP_READ, 0);
	FB_CHECK(b->bio, "bio_alloc failed");
	b->parent = -1;
	b->exact = true;
	b->hw_only = true;
	switch (sim_profile()) {
	case SIM_PROFILE_V6_4:
		if (a & 8)
			bio_set_flag(b->bio, BIO_NO_PAGE_REF);
		break;
	case SIM_PROFILE_V21:
		if (a & 8)
			bio_set_flag(b->bio, (a & 16) ? BIO_PAGE_REFFED : BIO_PAGE_PINNED);
		break;
	default:
		if (a & 8)
			bio_set_flag(b->bio, BIO_PAGE_PINNED);
		break;
	}
}

static void fb_op_add(unsigned int a, unsigned int v, unsigned int w)
{
	int i = fb_pick(v, true);
	struct fb_bio *b;
	enum bio_page_mode mode;
	struct page *page;
	unsigned int off = w & (PAGE_SIZE - 1), len, got, want, how = (a >> 4) & 3, before;
	bool write, merged, same_page;

	if (i < 0)
		return;
	b = &fb_st.b[i];
	mode = bio_page_mode(b->bio);
	write = op_is_write(b->bio->bi_opf);
	if (w & 0x8000)
		off &= ~511U;
	len = (v >> 3) % (PAGE_SIZE - off) + 1;
	if (v & 4)
		len = min(PAGE_SIZE - off, ALIGN(len, 512));
	if ((a & 7) < FB_UPAGES) {
		page = fb_acquire_user(a & 7, mode, write);
		if (!page)
			return;
	} else {
		/* Kernel memory: none or a reference (never pinned). */
		if (mode == BIO_PAGE_MODE_PINNED)
			return;
		page = folio_page(fb_st.pool, (w >> 12) & (FB_POOL_PAGES - 1));
		if (mode == BIO_PAGE_MODE_REFFED)
			get_page(page);
	}
	before = fb_occurrences(b->bio, page);
	if (how == 3) {
		/* bio_add_pc_page(): the limits decide; the ledger checks the rest. */
		got = (unsigned int)bio_add_pc_page(&fb_st.q, b->bio, page, len, off);
		b->exact = false;
		if (b->hw_only)
			fb_check_hw_limits((unsigned int)i);
		if (!got || fb_occurrences(b->bio, page) == before)
			fb_drop(page, mode);
		return;
	}
	b->hw_only = false;
	want = b->exact ? fb_model_add(b, page, len, off, &merged, &same_page) : 0;
	if (how == 2)
		got = (unsigned int)sim_bio_add_page_mode(b->bio, page, len, off, mode);
	else
		got = (unsigned int)bio_add_page(b->bio, page, len, off);
	if (b->exact) {
		FB_CHECK(got == want, "bio %d: add pfn %lu +%u len %u gave %d, model %u", i,
			 page_to_pfn(page), off, len, (int)got, want);
		fb_check_table((unsigned int)i);
		/* Exactly one hold per occurrence: drop the duplicate (R-BIO-6). */
		if (!got || same_page)
			fb_drop(page, mode);
		FB_CHECK(fb_occurrences(b->bio, page) == before + (got && !same_page),
			 "bio %d: occurrences of pfn %lu went %u -> %u", i, page_to_pfn(page),
			 before, fb_occurrences(b->bio, page));
	} else if (!got || fb_occurrences(b->bio, page) == before) {
		fb_drop(page, mode);
	}
}

/*
 * The zero page (colour 0) added with no hold to a bio: neutral only where
 * pinning it changes nothing (v6.5, R-ZERO-6); v21 and v6.4 count pins on
 * it (R-ZERO-9), so only a bio with no cleanup mode may take it.
 */
static void fb_op_add_zero(unsigned int v)
{
	int i = fb_pick(v, true);
	struct fb_bio *b;
	enum bio_page_mode mode;
	unsigned int len = (v >> 3) % PAGE_SIZE + 1;
	bool ok, merged, same_page;
	int got;

	if (i < 0)
		return;
	b = &fb_st.b[i];
	mode = bio_page_mode(b->bio);
	ok = mode == BIO_PAGE_MODE_NONE ||
	     (mode == BIO_PAGE_MODE_PINNED && !profile_pins_zero_page());
	fb_track(page_folio(ZERO_PAGE(0)));
	b->hw_only = false;
	got = sim_bio_add_page_mode(b->bio, ZERO_PAGE(0), len, 0, BIO_PAGE_MODE_NONE);
	if (!ok) {
		FB_CHECK(got == -EINVAL, "bio %d (mode %d): the bare zero page gave %d", i, mode,
			 got);
		fb_check_table((unsigned int)i);
		return;
	}
	if (b->exact) {
		unsigned int want = fb_model_add(b, ZERO_PAGE(0), len, 0, &merged, &same_page);

		FB_CHECK(got == (int)want, "bio %d: zero page gave %d, model %u", i, got, want);
		fb_check_table((unsigned int)i);
	}
}

static void fb_op_folio(unsigned int v, unsigned int w)
{
	int i = fb_pick(v, true);
	struct fb_bio *b;
	size_t off = w % (FB_POOL_PAGES * PAGE_SIZE), len;
	bool merged, same_page, got;
	unsigned int want = 0;

	if (i < 0)
		return;
	b = &fb_st.b[i];
	if (bio_page_mode(b->bio) != BIO_PAGE_MODE_NONE)
		return;
	len = (v >> 3) % (FB_POOL_PAGES * PAGE_SIZE - off) + 1;
	fb_track(fb_st.pool);
	b->hw_only = false;
	if (b->exact)
		want = fb_model_add(b, &fb_st.pool->page, (unsigned int)len, (unsigned int)off,
				    &merged, &same_page);
	got = bio_add_folio(b->bio, fb_st.pool, len, off);
	if (b->exact) {
		FB_CHECK(got == !!want, "bio %d: bio_add_folio +%zu len %zu gave %d", i, off, len,
			 got);
		fb_check_table((unsigned int)i);
	}
}

/* bio_iov_iter_get_pages() into a new bio (R-BIO-4, 7, 8, 10). */
static void fb_op_iov(unsigned int a, unsigned int v, unsigned int w)
{
	int i = fb_free_slot();
	struct fb_bio *b;
	struct iovec iov[3];
	struct iov_iter it;
	bool write = a & 1, pages_ok;
	unsigned int upages = FB_UPAGES - (!write && fb_st.untouched_last), lbs;
	size_t start = v % (upages * PAGE_SIZE), len, before, k, pos;
	int ret, nr;

	if (i < 0)
		return;
	b = &fb_st.b[i];
	memset(b, 0, sizeof(*b));
	b->parent = -1;
	len = w % (upages * PAGE_SIZE - start) + 1;
	switch ((a >> 1) & 3) {
	case 0:
		iov_iter_ubuf(&it, write ? ITER_SOURCE : ITER_DEST, fb_st.ubase + start, len);
		break;
	case 1:
		/* Three pieces: [start, +len/3) [same end, +0) [a gap, rest). */
		iov[0].iov_base = (void *)(fb_st.ubase + start);
		iov[0].iov_len = len / 3;
		iov[1].iov_base = (void *)(fb_st.ubase + start + len / 3);
		iov[1].iov_len = 0;
		iov[2].iov_base = (void *)(fb_st.ubase + start + len / 3);
		iov[2].iov_len = len - len / 3;
		iov_iter_init(&it, write ? ITER_SOURCE : ITER_DEST, iov, 3, len);
		break;
	default:
		/* A BVEC over the pool: borrowed, no cleanup (R-BIO-10). */
		start %= FB_POOL_PAGES * PAGE_SIZE;
		len = w % (FB_POOL_PAGES * PAGE_SIZE - start) + 1;
		bvec_set_page(&b->borrowed[0], &fb_st.pool->page, (unsigned int)len / 2,
			      (unsigned int)start);
		bvec_set_page(&b->borrowed[1], folio_page(fb_st.pool, 0), (unsigned int)(len - len / 2),
			      (unsigned int)(start + len / 2));
		iov_iter_bvec(&it, write ? ITER_SOURCE : ITER_DEST, b->borrowed, 2, len);
		fb_track(fb_st.pool);
		break;
	}
	if (((a >> 1) & 3) < 2) {
		/* Map the user pages first, so that their baselines hold nothing of the bio's. */
		for (k = start / PAGE_SIZE; k <= (start + len - 1) / PAGE_SIZE; k++) {
			char c;

			if (!fb_user_page((unsigned int)k))
				FB_CHECK(sim_user_read(fb_st.ubase + k * PAGE_SIZE, &c, 1) == 1,
					 "user page %zu unreadable", k);
			fb_track(page_folio(fb_user_page((unsigned int)k)));
		}
	}
	before = iov_iter_count(&it);
	nr = bio_iov_vecs_to_alloc(&it, (a & 8) ? 2 : FB_VECS);
	b->bio = bio_alloc(&fb_st.bdev, (unsigned short)nr, write ? REQ_OP_WRITE : REQ_OP_READ, 0);
	FB_CHECK(b->bio, "bio_alloc(%d) failed", nr);
	ret = bio_iov_iter_get_pages(b->bio, &it);
	lbs = queue_logical_block_size(&fb_st.q);
	FB_CHECK(ret == 0 || (ret < 0 && !b->bio->bi_vcnt && iov_iter_count(&it) == before),
		 "bio_iov_iter_get_pages %d with %u vecs, %zu bytes taken", ret, b->bio->bi_vcnt,
		 before - iov_iter_count(&it));
	FB_CHECK(before - iov_iter_count(&it) == b->bio->bi_iter.bi_size,
		 "iterator moved %zu, bio holds %u", before - iov_iter_count(&it),
		 b->bio->bi_iter.bi_size);
	FB_CHECK(ret < 0 || b->bio->bi_iter.bi_size % lbs == 0 || ((a >> 1) & 3) >= 2,
		 "bio size %u not a multiple of %u", b->bio->bi_iter.bi_size, lbs);
	FB_CHECK(ret < 0 || b->bio->bi_iter.bi_size, "success with an empty bio");
	/* Every byte lies where the iterator said (UBUF and contiguous IOVEC). */
	pages_ok = true;
	if (((a >> 1) & 3) < 2) {
		struct bvec_iter bit;
		struct bio_vec bv;

		pos = start;
		bio_for_each_segment(bv, b->bio, bit) {
			k = pos / PAGE_SIZE;
			pages_ok &= bv.bv_page == fb_user_page((unsigned int)k) ||
				    (is_zero_page(bv.bv_page) && !fb_user_page((unsigned int)k));
			pages_ok &= bv.bv_offset == pos % PAGE_SIZE;
			pos += bv.bv_len;
		}
	}
	FB_CHECK(pages_ok, "the bio's pages are not the iterator's");
	b->exact = false;
}

static void fb_op_split(unsigned int v, unsigned int w)
{
	int i = fb_pick(v, false), j = fb_free_slot();
	struct bio *bio, *split;
	unsigned int na, nb, sectors, size;

	if (i < 0 || j < 0)
		return;
	bio = fb_st.b[i].bio;
	if (bio_sectors(bio) < 2)
		return;
	sectors = w % (bio_sectors(bio) - 1) + 1;
	size = bio->bi_iter.bi_size;
	na = fb_walk(bio, fb_st.walk_a);
	split = bio_split(bio, (int)sectors, 0, NULL);
	FB_CHECK(split, "bio_split failed");
	FB_CHECK(split->bi_iter.bi_size == sectors << SECTOR_SHIFT &&
		 bio->bi_iter.bi_size == size - (sectors << SECTOR_SHIFT),
		 "split %u + rest %u != %u", split->bi_iter.bi_size, bio->bi_iter.bi_size, size);
	nb = fb_walk(split, fb_st.walk_b);
	FB_CHECK(fb_walk_has(fb_st.walk_a, na, 0, fb_st.walk_b, nb), "the split walks other bytes");
	nb = fb_walk(bio, fb_st.walk_b);
	FB_CHECK(fb_walk_has(fb_st.walk_a, na, sectors << SECTOR_SHIFT, fb_st.walk_b, nb),
		 "the rest walks other bytes");
	fb_st.b[i].done += sectors << SECTOR_SHIFT;
	fb_check_table((unsigned int)i);
	memset(&fb_st.b[j], 0, sizeof(fb_st.b[j]));
	fb_st.b[j].bio = split;
	fb_st.b[j].clone = true;
	fb_st.b[j].parent = fb_st.b[i].clone ? fb_st.b[i].parent : i;
}

static void fb_op_clone(unsigned int v)
{
	int i = fb_pick(v, false), j = fb_free_slot();
	struct bio *clone;
	unsigned int na, nb;

	if (i < 0 || j < 0)
		return;
	clone = bio_alloc_clone(NULL, fb_st.b[i].bio, 0);
	FB_CHECK(clone, "bio_alloc_clone failed");
	na = fb_walk(fb_st.b[i].bio, fb_st.walk_a);
	nb = fb_walk(clone, fb_st.walk_b);
	FB_CHECK(na == nb && fb_walk_has(fb_st.walk_a, na, 0, fb_st.walk_b, nb),
		 "the clone walks other bytes");
	memset(&fb_st.b[j], 0, sizeof(fb_st.b[j]));
	fb_st.b[j].bio = clone;
	fb_st.b[j].clone = true;
	fb_st.b[j].parent = fb_st.b[i].clone ? fb_st.b[i].parent : i;
}

static void fb_op_advance(unsigned int v, unsigned int w)
{
	int i = fb_pick(v, false);
	struct bio *bio;
	unsigned int na, nb, bytes;

	if (i < 0)
		return;
	bio = fb_st.b[i].bio;
	bytes = bio->bi_iter.bi_size ? w % (bio->bi_iter.bi_size + 1) : 0;
	na = fb_walk(bio, fb_st.walk_a);
	bio_advance(bio, bytes);
	nb = fb_walk(bio, fb_st.walk_b);
	FB_CHECK(fb_walk_has(fb_st.walk_a, na, bytes, fb_st.walk_b, nb),
		 "after bio_advance(%u) the bio walks other bytes", bytes);
	/* bio_advance moves bi_iter only: the table (and the model) stay. */
	fb_st.b[i].done += bytes;
	fb_check_table((unsigned int)i);
}

static unsigned int fb_end_calls;

static void fb_end_io(struct bio *bio)
{
	fb_end_calls++;
	bio_release_pages(bio, false);
	bio_put(bio);
}

static void fb_release(int i, unsigned int how)
{
	struct fb_bio *b = &fb_st.b[i];
	unsigned int k;

	/* Clones and splits first: they borrow the owner's table. */
	if (!b->clone)
		for (k = 0; k < FB_BIOS; k++)
			if (fb_st.b[k].bio && fb_st.b[k].clone && fb_st.b[k].parent == i)
				fb_release((int)k, 0);
	if (b->clone) {
		bio_release_pages(b->bio, how & 1);	/* a clone releases nothing */
		bio_put(b->bio);
	} else {
		switch (how % 4) {
		case 0:
		case 1:
			bio_release_pages(b->bio, how & 1);
			bio_put(b->bio);
			break;
		case 2:
			/* R-BIO-11/12: dirty before, check after; may defer to the worker. */
			bio_set_pages_dirty(b->bio);
			bio_check_pages_dirty(b->bio);
			bio_dirty_flush();
			break;
		default:
			k = fb_end_calls;
			b->bio->bi_end_io = fb_end_io;
			bio_endio(b->bio);
			FB_CHECK(fb_end_calls == k + 1, "bi_end_io ran %u times", fb_end_calls - k);
			break;
		}
	}
	b->bio = NULL;
}

/* ---- setup ---------------------------------------------------------------- */

static void fb_setup(struct fuzz_input *in)
{
	static const unsigned int lbs[4] = { 512, 512, 1024, 4096 };
	static const unsigned int seg_size[4] = { 65536, 4096, 8192, 65536 };
	static const unsigned long boundary[4] = { 0xffffffffUL, 0xffffffffUL, 0x1fff, 0xfff };
	static const unsigned short segs[4] = { 128, 2, 4, 128 };
	struct sim_config cfg = { .mem_bytes = 16UL << 20 };
	unsigned int c = fuzz_u8(in), l = fuzz_u8(in), k;
	struct queue_limits *lim = &fb_st.q.limits;
	char fill[PAGE_SIZE];

	cfg.profile = (enum sim_profile)((c & 3) == 3 ? 0 : c & 3);
	cfg.nr_zero_pages = c & 4 ? 8 : 1;
	if (sim_boot(&cfg))
		abort();
	lim->logical_block_size = lbs[l & 3];
	lim->physical_block_size = lim->logical_block_size;
	lim->max_sectors = 2560;
	lim->max_hw_sectors = l & 4 ? 16 : 2560;
	lim->max_segments = segs[(l >> 3) & 3];
	lim->max_segment_size = seg_size[(l >> 5) & 3];
	lim->dma_alignment = 511;
	lim->seg_boundary_mask = boundary[(c >> 6) & 3];
	lim->virt_boundary_mask = l & 0x80 ? PAGE_SIZE - 1 : 0;
	fb_st.bdev.bd_queue = &fb_st.q;

	fb_st.ubase = sim_mmap(0, FB_UPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (IS_ERR_VALUE(fb_st.ubase))
		abort();
	fb_st.untouched_last = c & 8;
	for (k = 0; k < FB_UPAGES; k++) {
		/* Ascending faults give neighbouring frames; descending do not. */
		unsigned int p = c & 16 ? FB_UPAGES - 1 - k : k;

		if (p == FB_UPAGES - 1 && fb_st.untouched_last)
			continue;
		memset(fill, 'a' + (int)p, sizeof(fill));
		if (sim_user_write(fb_st.ubase + p * PAGE_SIZE, fill, PAGE_SIZE) != PAGE_SIZE)
			abort();
	}
	for (k = 0; k < FB_UPAGES; k++)
		if (fb_user_page(k))
			fb_track(page_folio(fb_user_page(k)));
	fb_st.pool = folio_alloc_owner(GFP_KERNEL, FB_POOL_ORDER, OWNER_TEST);
	if (!fb_st.pool)
		abort();
	fb_track(fb_st.pool);
	fb_track(page_folio(ZERO_PAGE(0)));
}

static void fb_teardown(void)
{
	unsigned int k;
	long leaks;

	for (k = 0; k < FB_BIOS; k++)
		if (fb_st.b[k].bio && !fb_st.b[k].clone)
			fb_release((int)k, 0);
	bio_dirty_flush();
	fb_check_ledger();
	FB_CHECK(nr_live_bios() == 0, "%ld bio(s) still live", nr_live_bios());
	sim_munmap(fb_st.ubase, FB_UPAGES * PAGE_SIZE);
	folio_put(fb_st.pool);
	leaks = sim_shutdown();
	FB_CHECK(!leaks, "%ld leaked object(s) at shutdown", leaks);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };

	if (size < 2)
		return 0;
	memset(&fb_st, 0, sizeof(fb_st));
	fb_setup(&in);
	for (fb_st.op = 0; fb_st.op < FB_OPS_MAX && in.left; fb_st.op++) {
		unsigned int op = fuzz_u8(&in), a = fuzz_u8(&in), v = fuzz_u16(&in), w = fuzz_u16(&in);
		int i;

		switch (op % 12) {
		case 0:
			fb_op_alloc(a);
			break;
		case 1:
		case 2:
		case 3:
			fb_op_add(a, v, w);
			break;
		case 4:
			fb_op_add_zero(v);
			break;
		case 5:
			fb_op_folio(v, w);
			break;
		case 6:
			fb_op_iov(a, v, w);
			break;
		case 7:
			fb_op_split(v, w);
			break;
		case 8:
			fb_op_clone(v);
			break;
		case 9:
			fb_op_advance(v, w);
			break;
		default:
			i = fb_pick(v, false);
			if (i >= 0)
				fb_release(i, a);
			break;
		}
		fb_check_ledger();
	}
	fb_teardown();
	return 0;
}
