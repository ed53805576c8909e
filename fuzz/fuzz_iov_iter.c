// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz/fuzz_iov_iter.c - libFuzzer target for iov_iter extraction
 * (lib/iov_iter.c, kernel-semantics.md §4, R-ITER-*).
 *
 * Each input builds one iterator of any type (UBUF, IOVEC, KVEC, BVEC,
 * XARRAY, DISCARD) over up to 8 segments of any start and length (zero
 * length and unaligned included) laid over three 8-page regions:
 *
 *   user   [u0][u1]..[u7]  anon mmap; a page untouched (zero page on read),
 *                           filled, or unmapped (a hole)
 *   pool   [p0 ....... p7] one order-3 folio (KVEC: its direct map; BVEC:
 *                           bv_page + bv_offset, bv_offset may pass 4096);
 *                           a KVEC segment may point at host memory instead
 *   file   [f0][f1]..[f7]  a page cache (XARRAY); a page cached or a hole
 *
 * then runs operations on it: extract (iov_iter_extract_pages, with a
 * caller or an allocated array, maxpages 0..16, optionally reverting part
 * of it as bio trimming does), advance, revert, truncate, reexpand, copy
 * to/from the iterator, and iov_iter_get_pages2 (FOLL_GET).
 *
 * A byte-level model predicts, for every byte of the iterator, where it
 * lives (region and offset) and what it holds (a shadow of each region),
 * and, from the model position, the current segment and offset. After
 * every operation it checks: the iterator's count, segment and offset;
 * each extraction's length, first-page offset and every page boundary
 * (the page holding byte j is pages[(offset0 + j) / PAGE_SIZE]); that user
 * extraction holds exactly one pin per page (zero pages: none under v6.5,
 * R-ZERO-6; one under v21/v6.4, R-ZERO-9) and unpinning returns every
 * folio to its count; that kernel types take neither pin nor reference
 * (R-ITER-4, 7..9); copies move the right bytes and stop at the first
 * hole. The machine is shut down after each input and must report no
 * leak. Any mismatch prints what differed and aborts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <pinio/pagemap.h>
#include <pinio/uio.h>
#include "mm/internal.h"
#include "sim/scenarios/scen.h"
#include "fuzz/fuzz_input.h"

#define FI_PAGES	8
#define FI_REGION	(FI_PAGES * PAGE_SIZE)
#define FI_SEGS		8
#define FI_LIST		16
#define FI_OPS_MAX	64

enum fi_space { FI_USER, FI_POOL, FI_FILE, FI_HOST, FI_NONE };

struct fi_seg {
	enum fi_space space;
	size_t start, len;		/* offset in the region */
};

struct fi_state {
	enum iter_type type;
	bool source;
	unsigned char holes;		/* user pages unmapped */
	unsigned char cached;		/* file pages in the page cache */
	unsigned long ubase;
	struct folio *pool;
	struct folio *file_folio[FI_PAGES];
	struct address_space mapping;
	unsigned char ushadow[FI_REGION], pshadow[FI_REGION], fshadow[FI_REGION];
	unsigned char host[FI_REGION];
	int pool_ref, file_ref[FI_PAGES];

	struct fi_seg seg[FI_SEGS];
	unsigned int nsegs;
	size_t total;			/* bytes in all segments */
	struct iovec iov[FI_SEGS];
	struct kvec kvec[FI_SEGS];
	struct bio_vec bvec[FI_SEGS];
	struct iov_iter it;

	/* The model: flat position, count, and current segment + offset. */
	size_t pos, count;
	unsigned int mseg;
	size_t moff;
	unsigned int op;
};

static struct fi_state st;

static void __attribute__((format(printf, 1, 2), noreturn)) fi_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_iov_iter: type %d %s, op %u, pos %zu count %zu seg %u+%zu: ",
		st.type, st.source ? "SOURCE" : "DEST", st.op, st.pos, st.count, st.mseg, st.moff);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

#define FI_CHECK(cond, ...)	do { if (!(cond)) fi_fail(__VA_ARGS__); } while (0)

static unsigned char fi_pattern(unsigned int space, size_t off)
{
	return (unsigned char)(space * 71 + off * 13 + (off >> 12) * 5 + 1);
}

/* ---- input ---------------------------------------------------------------- */

/* Lengths: mostly small and odd, sometimes around page multiples. */
static size_t fi_len(unsigned int v)
{
	switch (v >> 14) {
	case 0:
		return v & 0x3f;
	case 1:
		/* k pages, -8 .. +7 bytes */
		if (!((v >> 4) & 3) && (v & 0xf) < 8)
			return v & 0xf;
		return ((v >> 4) & 3) * PAGE_SIZE + (v & 0xf) - 8;
	default:
		return v & 0x7fff;
	}
}

/* ---- where a byte lives --------------------------------------------------- */

struct fi_loc {
	enum fi_space space;
	size_t off;
};

static struct fi_loc fi_loc_of(size_t pos)
{
	struct fi_loc loc = { FI_NONE, 0 };
	unsigned int k;

	for (k = 0; k < st.nsegs; k++) {
		if (pos < st.seg[k].len) {
			loc.space = st.seg[k].space;
			loc.off = st.seg[k].start + pos;
			return loc;
		}
		pos -= st.seg[k].len;
	}
	fi_fail("byte beyond the segments");
}

/* The page holding @loc now, or NULL (user hole, file hole, host memory). */
static struct page *fi_page_of(struct fi_loc loc)
{
	switch (loc.space) {
	case FI_USER:
		return scen_page_at(current->mm, st.ubase + loc.off);
	case FI_POOL:
		return folio_page(st.pool, loc.off / PAGE_SIZE);
	case FI_FILE:
		return (st.cached >> (loc.off / PAGE_SIZE)) & 1 ?
			&st.file_folio[loc.off / PAGE_SIZE]->page : NULL;
	default:
		return NULL;
	}
}

static unsigned char *fi_shadow(struct fi_loc loc)
{
	switch (loc.space) {
	case FI_USER:
		return &st.ushadow[loc.off];
	case FI_POOL:
		return &st.pshadow[loc.off];
	case FI_FILE:
		return &st.fshadow[loc.off];
	case FI_HOST:
		return &st.host[loc.off];
	default:
		return NULL;
	}
}

static bool fi_readable(struct fi_loc loc)
{
	switch (loc.space) {
	case FI_USER:
		return !((st.holes >> (loc.off / PAGE_SIZE)) & 1);
	case FI_FILE:
		return (st.cached >> (loc.off / PAGE_SIZE)) & 1;
	default:
		return true;
	}
}

/* ---- the model's position ------------------------------------------------- */

static bool fi_segmented(void)
{
	return st.type == ITER_IOVEC || st.type == ITER_KVEC || st.type == ITER_BVEC;
}

static size_t fi_seg_start(unsigned int k)
{
	size_t s = 0;
	unsigned int j;

	for (j = 0; j < k; j++)
		s += st.seg[j].len;
	return s;
}

/* iov_iter_advance(): consume segments whose end is reached (R-ITER-10). */
static void fi_model_advance(size_t n)
{
	if (n > st.count)
		n = st.count;
	if (!st.count)
		return;
	st.count -= n;
	st.pos += n;
	if (!fi_segmented())
		return;
	n += st.moff;
	while (st.mseg < st.nsegs && n >= st.seg[st.mseg].len) {
		n -= st.seg[st.mseg].len;
		st.mseg++;
	}
	st.moff = n;
}

/* iov_iter_revert(): step back whole segments (R-ITER-11). */
static void fi_model_revert(size_t n)
{
	if (!n)
		return;
	st.count += n;
	st.pos -= n;
	if (!fi_segmented())
		return;
	if (n <= st.moff) {
		st.moff -= n;
		return;
	}
	n -= st.moff;
	for (;;) {
		st.mseg--;
		if (n <= st.seg[st.mseg].len) {
			st.moff = st.seg[st.mseg].len - n;
			return;
		}
		n -= st.seg[st.mseg].len;
	}
}

/* The iterator's own fields against the model. */
static void fi_check_iter(void)
{
	const struct iov_iter *i = &st.it;

	FI_CHECK(i->count == st.count, "count %zu, model %zu", i->count, st.count);
	if (fi_segmented()) {
		FI_CHECK(i->nr_segs == st.nsegs - st.mseg && i->iov_offset == st.moff,
			 "segment: nr_segs %lu offset %zu, model %u left, offset %zu",
			 i->nr_segs, i->iov_offset, st.nsegs - st.mseg, st.moff);
		FI_CHECK(fi_seg_start(st.mseg) + st.moff == st.pos,
			 "segment position %zu + %zu is not the flat position",
			 fi_seg_start(st.mseg), st.moff);
	} else if (st.type == ITER_UBUF || st.type == ITER_XARRAY) {
		FI_CHECK(i->iov_offset == st.pos, "iov_offset %zu, model %zu", i->iov_offset,
			 st.pos);
	}
}

/* Kernel memory never gains a pin or a reference from extraction. */
static void fi_check_kernel_refs(void)
{
	unsigned int k;

	FI_CHECK(folio_ref_count(st.pool) == st.pool_ref, "pool folio ref %d, base %d",
		 folio_ref_count(st.pool), st.pool_ref);
	for (k = 0; k < FI_PAGES; k++)
		if (st.file_folio[k])
			FI_CHECK(folio_ref_count(st.file_folio[k]) == st.file_ref[k],
				 "file page %u ref %d, base %d", k,
				 folio_ref_count(st.file_folio[k]), st.file_ref[k]);
}

/* ---- expected extraction -------------------------------------------------- */

/*
 * What iov_iter_extract_pages(@maxsize, @maxpages) must give from the model
 * position: the length (0, or < 0 for an error) and the first-page offset.
 * May move the model past empty KVEC/BVEC segments, as extraction does.
 */
static ssize_t fi_expect_extract(size_t maxsize, unsigned int maxpages, size_t *off0, bool get)
{
	size_t size = min(min(maxsize, st.count), MAX_RW_COUNT), seglen, off, n, k, h;
	unsigned int s;
	struct fi_loc loc;

	if (get && !maxpages)
		return 0;
	if (!size)
		return 0;
	if (st.type == ITER_DISCARD)
		return -EFAULT;
	if (!maxpages)
		return 0;
	if (get && st.type == ITER_KVEC)
		return -EFAULT;
	switch (st.type) {
	case ITER_UBUF:
	case ITER_XARRAY:
		seglen = st.count;
		break;
	case ITER_IOVEC:
		/* The first non-empty segment, not consumed until advance. */
		for (s = st.mseg; s < st.nsegs && st.seg[s].len == (s == st.mseg ? st.moff : 0); s++)
			;
		FI_CHECK(s < st.nsegs, "count left but no bytes in the segments");
		seglen = st.seg[s].len - (s == st.mseg ? st.moff : 0);
		break;
	default:
		if (get) {
			/* get_pages2 on a BVEC: the current bvec only, empty or not. */
			seglen = st.seg[st.mseg].len - st.moff;
			if (!seglen)
				return 0;
			break;
		}
		while (st.mseg < st.nsegs && st.seg[st.mseg].len == st.moff) {
			st.mseg++;
			st.moff = 0;
		}
		FI_CHECK(st.mseg < st.nsegs, "count left but no segment");
		seglen = st.seg[st.mseg].len - st.moff;
		break;
	}
	size = min(size, seglen);
	/* The first byte: fi_loc_of() passes over empty segments too. */
	loc = fi_loc_of(st.pos);
	if (loc.space == FI_HOST)
		return -EFAULT;
	off = loc.off % PAGE_SIZE;
	*off0 = off;
	n = DIV_ROUND_UP(size + off, PAGE_SIZE);
	if (n > maxpages)
		n = maxpages;
	/* Pages present before the first hole (user: unmapped; file: not cached). */
	for (h = 0, k = loc.off / PAGE_SIZE; h < n; h++, k++) {
		struct fi_loc l = { loc.space, k * PAGE_SIZE };

		if (!fi_readable(l))
			break;
	}
	if (!h)
		return loc.space == FI_USER ? -EFAULT : 0;
	return (ssize_t)min(size, h * PAGE_SIZE - off);
}

/* Every page boundary of an extraction against the byte model. */
static void fi_check_pages(struct page **pages, ssize_t len, size_t off0)
{
	size_t j;

	for (j = 0; j < (size_t)len;) {
		struct fi_loc loc = fi_loc_of(st.pos + j);
		struct page *want = fi_page_of(loc);
		size_t at = off0 + j;

		FI_CHECK(at % PAGE_SIZE == loc.off % PAGE_SIZE,
			 "byte %zu: offset %zu in its page, model %zu", j, at % PAGE_SIZE,
			 loc.off % PAGE_SIZE);
		FI_CHECK(pages[at / PAGE_SIZE] == want,
			 "byte %zu: pages[%zu] pfn %lu, model pfn %lu (space %d off %zu)", j,
			 at / PAGE_SIZE, page_to_pfn(pages[at / PAGE_SIZE]),
			 want ? page_to_pfn(want) : 0UL, loc.space, loc.off);
		j += PAGE_SIZE - at % PAGE_SIZE;
		if (j >= (size_t)len && len > 0) {
			/* ... and the last byte. */
			loc = fi_loc_of(st.pos + len - 1);
			FI_CHECK(pages[(off0 + len - 1) / PAGE_SIZE] == fi_page_of(loc),
				 "last byte: wrong page");
		}
	}
}

/*
 * Release what an extraction or get_pages2 took: unpin (@pin) or put each
 * page, checking that each folio's count drops by exactly what it held:
 * GUP_PIN_COUNTING_BIAS per pin (none for a v6.5 zero page), 1 per ref.
 */
static void fi_release(struct page **pages, unsigned int n, bool pin)
{
	struct folio *folios[FI_LIST];
	int before[FI_LIST], held[FI_LIST];
	unsigned int nf = 0, k, f;

	for (k = 0; k < n; k++) {
		struct folio *folio = page_folio(pages[k]);
		int each = pin ? (int)GUP_PIN_COUNTING_BIAS : 1;

		if (pin && is_zero_folio(folio) && !profile_pins_zero_page())
			each = 0;
		for (f = 0; f < nf && folios[f] != folio; f++)
			;
		if (f == nf) {
			folios[nf] = folio;
			before[nf] = folio_ref_count(folio);
			held[nf++] = 0;
		}
		held[f] += each;
	}
	if (pin)
		unpin_user_pages(pages, n);
	else
		for (k = 0; k < n; k++)
			put_page(pages[k]);
	for (f = 0; f < nf; f++)
		FI_CHECK(before[f] - folio_ref_count(folios[f]) == held[f],
			 "pfn %lu: release dropped %d, it held %d", folio_pfn(folios[f]),
			 before[f] - folio_ref_count(folios[f]), held[f]);
}

/* ---- operations ----------------------------------------------------------- */

static void fi_op_extract(unsigned int a, unsigned int b, bool get)
{
	struct page *list[FI_LIST], **pages = list;
	size_t maxsize = fi_len(b) ? fi_len(b) : SIZE_MAX, off0 = 0, want_off = 0;
	unsigned int maxpages = a & 0xf, k, n;
	bool alloc = !get && (a & 0x10), user = st.type == ITER_UBUF || st.type == ITER_IOVEC;
	size_t pos = st.pos;
	unsigned long acq = sim_vmstat("nr_foll_pin_acquired");
	ssize_t want, got;

	if (a & 0x80)
		maxpages = FI_LIST;
	want = fi_expect_extract(maxsize, maxpages, &want_off, get);
	pos = st.pos;
	for (k = 0; k < FI_LIST; k++)
		list[k] = NULL;
	if (alloc)
		pages = NULL;
	if (get)
		got = iov_iter_get_pages2(&st.it, pages, maxsize, maxpages, &off0);
	else
		got = iov_iter_extract_pages(&st.it, &pages, maxsize, maxpages, 0, &off0);
	FI_CHECK(got == want || (want < 0 && got < 0), "%s returned %zd, model %zd",
		 get ? "get_pages2" : "extract", got, want);
	if (got <= 0) {
		FI_CHECK(!alloc || !pages, "an allocated array is left after %zd", got);
		FI_CHECK(sim_vmstat("nr_foll_pin_acquired") == acq, "pins taken for nothing");
		fi_check_iter();
		return;
	}
	FI_CHECK(off0 == want_off, "offset0 %zu, model %zu", off0, want_off);
	n = DIV_ROUND_UP(off0 + (size_t)got, PAGE_SIZE);
	FI_CHECK(n <= (maxpages ? maxpages : FI_LIST), "%u pages for maxpages %u", n, maxpages);
	fi_check_pages(pages, got, off0);
	if (!get && user) {
		unsigned long pinned = 0;

		for (k = 0; k < n; k++)
			pinned += !(is_zero_page(pages[k]) && !profile_pins_zero_page());
		FI_CHECK(sim_vmstat("nr_foll_pin_acquired") - acq == pinned,
			 "pins acquired %lu, model %lu", sim_vmstat("nr_foll_pin_acquired") - acq,
			 pinned);
	} else if (!get) {
		FI_CHECK(sim_vmstat("nr_foll_pin_acquired") == acq, "kernel pages pinned");
		fi_check_kernel_refs();
	}
	if (get) {
		/* get_pages2 on a BVEC consumes only the current bvec. */
		if (st.type == ITER_BVEC) {
			st.count -= (size_t)got;
			st.pos += (size_t)got;
			st.moff += (size_t)got;
			if (st.moff == st.seg[st.mseg].len) {
				st.mseg++;
				st.moff = 0;
			}
		} else {
			fi_model_advance((size_t)got);
		}
	} else {
		fi_model_advance((size_t)got);
	}
	FI_CHECK(st.pos == pos + (size_t)got, "advanced by %zu, extracted %zd", st.pos - pos, got);
	fi_check_iter();
	if (get || user)
		fi_release(pages, n, !get);
	if (alloc)
		kvfree(pages);
	fi_check_kernel_refs();
	/* Trim as bio does: hand back the tail (R-BIO-7 step 5). */
	if (!get && (a & 0x20)) {
		size_t back = (size_t)(b % ((unsigned int)got + 1));

		iov_iter_revert(&st.it, back);
		fi_model_revert(back);
		fi_check_iter();
	}
}

static void fi_op_copy(size_t n)
{
	static unsigned char buf[FI_REGION * 3];
	size_t want = 0, lim = min(n, st.count), got, j;

	if (st.type == ITER_DISCARD) {
		got = copy_to_iter(buf, n, &st.it);
		FI_CHECK(got == lim, "discard copy %zu, model %zu", got, lim);
		fi_model_advance(got);
		fi_check_iter();
		return;
	}
	while (want < lim && fi_readable(fi_loc_of(st.pos + want)))
		want++;
	if (st.source) {
		memset(buf, 0xee, lim);
		got = copy_from_iter(buf, n, &st.it);
		FI_CHECK(got == want, "copy_from_iter %zu, model %zu", got, want);
		for (j = 0; j < got; j++) {
			unsigned char exp = *fi_shadow(fi_loc_of(st.pos + j));

			FI_CHECK(buf[j] == exp, "copied byte %zu is %#x, model %#x", j, buf[j], exp);
		}
	} else {
		for (j = 0; j < lim; j++)
			buf[j] = fi_pattern(7 + st.op, st.pos + j);
		got = copy_to_iter(buf, n, &st.it);
		FI_CHECK(got == want, "copy_to_iter %zu, model %zu", got, want);
		for (j = 0; j < got; j++)
			*fi_shadow(fi_loc_of(st.pos + j)) = buf[j];
	}
	/* Nothing asked (0 bytes or no count): the copy does not even advance. */
	if (lim)
		fi_model_advance(got);
	fi_check_iter();
}

/* Every readable byte of every region against its shadow. */
static void fi_check_memory(void)
{
	unsigned char page[PAGE_SIZE];
	unsigned int k;

	for (k = 0; k < FI_PAGES; k++) {
		if (!((st.holes >> k) & 1)) {
			FI_CHECK(sim_user_read(st.ubase + k * PAGE_SIZE, page, PAGE_SIZE) ==
				 (ssize_t)PAGE_SIZE, "user page %u unreadable", k);
			FI_CHECK(!memcmp(page, &st.ushadow[k * PAGE_SIZE], PAGE_SIZE),
				 "user page %u differs from the model", k);
		}
		FI_CHECK(!memcmp(page_address(folio_page(st.pool, k)), &st.pshadow[k * PAGE_SIZE],
				 PAGE_SIZE), "pool page %u differs from the model", k);
		if (st.file_folio[k])
			FI_CHECK(!memcmp(folio_address(st.file_folio[k]),
					 &st.fshadow[k * PAGE_SIZE], PAGE_SIZE),
				 "file page %u differs from the model", k);
	}
}

/* ---- setup ---------------------------------------------------------------- */

static bool fi_setup(struct fuzz_input *in)
{
	static const enum iter_type types[8] = {
		ITER_UBUF, ITER_IOVEC, ITER_KVEC, ITER_BVEC, ITER_XARRAY, ITER_DISCARD,
		ITER_IOVEC, ITER_BVEC,
	};
	struct sim_config cfg = { .mem_bytes = 16UL << 20 };
	unsigned int c = fuzz_u8(in), touched = fuzz_u8(in), k;
	size_t j;

	cfg.profile = (enum sim_profile)((c & 3) == 3 ? 0 : c & 3);
	cfg.nr_zero_pages = c & 4 ? 8 : 1;
	st.type = types[(c >> 4) & 7];
	st.source = (c & 8) && st.type != ITER_DISCARD;
	st.holes = (unsigned char)fuzz_u8(in);
	st.cached = (unsigned char)fuzz_u8(in);
	st.nsegs = fuzz_u8(in) % FI_SEGS + 1;
	if (sim_boot(&cfg))
		abort();

	st.ubase = sim_mmap(0, FI_REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);
	if (IS_ERR_VALUE(st.ubase))
		abort();
	memset(st.ushadow, 0, sizeof(st.ushadow));
	for (k = 0; k < FI_PAGES; k++) {
		if ((st.holes >> k) & 1) {
			if (sim_munmap(st.ubase + k * PAGE_SIZE, PAGE_SIZE))
				abort();
		} else if ((touched >> k) & 1) {
			for (j = 0; j < PAGE_SIZE; j++)
				st.ushadow[k * PAGE_SIZE + j] = fi_pattern(0, k * PAGE_SIZE + j);
			if (sim_user_write(st.ubase + k * PAGE_SIZE, &st.ushadow[k * PAGE_SIZE],
					   PAGE_SIZE) != (ssize_t)PAGE_SIZE)
				abort();
		}
	}
	st.pool = folio_alloc_owner(GFP_KERNEL, 3, OWNER_TEST);
	if (!st.pool)
		abort();
	for (j = 0; j < FI_REGION; j++) {
		st.pshadow[j] = fi_pattern(1, j);
		st.host[j] = fi_pattern(3, j);
	}
	memcpy(folio_address(st.pool), st.pshadow, FI_REGION);
	st.pool_ref = folio_ref_count(st.pool);
	mapping_init(&st.mapping, NULL, NULL);
	for (k = 0; k < FI_PAGES; k++) {
		st.file_folio[k] = NULL;
		if (!((st.cached >> k) & 1))
			continue;
		st.file_folio[k] = folio_alloc_owner(GFP_KERNEL, 0, OWNER_PAGECACHE);
		if (!st.file_folio[k] || filemap_add_folio(&st.mapping, st.file_folio[k], k))
			abort();
		for (j = 0; j < PAGE_SIZE; j++)
			st.fshadow[k * PAGE_SIZE + j] = fi_pattern(2, k * PAGE_SIZE + j);
		memcpy(folio_address(st.file_folio[k]), &st.fshadow[k * PAGE_SIZE], PAGE_SIZE);
		st.file_ref[k] = folio_ref_count(st.file_folio[k]);
	}

	st.total = 0;
	for (k = 0; k < st.nsegs; k++) {
		unsigned int start = fuzz_u16(in), len = fuzz_u16(in);
		struct fi_seg *s = &st.seg[k];

		s->start = (start & 0x7fff) % FI_REGION;
		s->len = min(fi_len(len), FI_REGION - s->start);
		switch (st.type) {
		case ITER_UBUF:
		case ITER_IOVEC:
			s->space = FI_USER;
			st.iov[k].iov_base = (void *)(st.ubase + s->start);
			st.iov[k].iov_len = s->len;
			break;
		case ITER_KVEC:
			s->space = start & 0x8000 ? FI_HOST : FI_POOL;
			st.kvec[k].iov_base = s->space == FI_HOST ? (void *)&st.host[s->start] :
				(char *)folio_address(st.pool) + s->start;
			st.kvec[k].iov_len = s->len;
			break;
		case ITER_BVEC:
			/* bv_page: any pool page at or before the start. */
			s->space = FI_POOL;
			j = (start >> 15) ? 0 : s->start / PAGE_SIZE;
			bvec_set_page(&st.bvec[k], folio_page(st.pool, j), (unsigned int)s->len,
				      (unsigned int)(s->start - j * PAGE_SIZE));
			break;
		case ITER_XARRAY:
			s->space = FI_FILE;
			break;
		default:
			s->space = FI_NONE;
			break;
		}
		st.total += s->len;
		if (st.type == ITER_UBUF || st.type == ITER_XARRAY || st.type == ITER_DISCARD) {
			st.nsegs = 1;
			break;
		}
	}
	/* IOVEC/KVEC/BVEC may cover less than their segments. */
	st.count = st.total;
	k = fuzz_u8(in);
	if (fi_segmented() && (k & 0x80))
		st.count -= min((size_t)(k & 0x7f) * 97, st.total);
	switch (st.type) {
	case ITER_UBUF:
		iov_iter_ubuf(&st.it, st.source, st.ubase + st.seg[0].start, st.count);
		break;
	case ITER_IOVEC:
		iov_iter_init(&st.it, st.source, st.iov, st.nsegs, st.count);
		break;
	case ITER_KVEC:
		iov_iter_kvec(&st.it, st.source, st.kvec, st.nsegs, st.count);
		break;
	case ITER_BVEC:
		iov_iter_bvec(&st.it, st.source, st.bvec, st.nsegs, st.count);
		break;
	case ITER_XARRAY:
		iov_iter_xarray(&st.it, st.source, &st.mapping, (long long)st.seg[0].start,
				st.count);
		break;
	default:
		iov_iter_discard(&st.it, ITER_DEST, st.count);
		break;
	}
	st.pos = 0;
	st.mseg = 0;
	st.moff = 0;
	return true;
}

static void fi_teardown(void)
{
	unsigned int k;
	long leaks;

	sim_munmap(st.ubase, FI_REGION);
	for (k = 0; k < FI_PAGES; k++) {
		if (st.file_folio[k]) {
			filemap_remove_folio(st.file_folio[k]);
			folio_put(st.file_folio[k]);
		}
	}
	mapping_destroy(&st.mapping);
	folio_put(st.pool);
	leaks = sim_shutdown();
	FI_CHECK(!leaks, "%ld leaked object(s) at shutdown", leaks);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };

	if (size < 5)
		return 0;
	memset(&st, 0, sizeof(st));
	fi_setup(&in);
	fi_check_iter();
	for (st.op = 0; st.op < FI_OPS_MAX && in.left; st.op++) {
		unsigned int op = fuzz_u8(&in), a = fuzz_u8(&in), b = fuzz_u16(&in);
		size_t n = fi_len(b);

		switch (op % 8) {
		case 0:
		case 1:
			fi_op_extract(a, b, false);
			break;
		case 2:
			iov_iter_advance(&st.it, n);
			fi_model_advance(n);
			break;
		case 3:
			n = min(n, st.pos);
			iov_iter_revert(&st.it, n);
			fi_model_revert(n);
			break;
		case 4:
			iov_iter_truncate(&st.it, n);
			if (st.count > n)
				st.count = n;
			break;
		case 5:
			/* Back up to what is left in the segments (the saved count). */
			n = min(n + st.count, st.total - st.pos);
			iov_iter_reexpand(&st.it, n);
			st.count = n;
			break;
		case 6:
			fi_op_copy(n);
			break;
		default:
			if (st.type == ITER_UBUF || st.type == ITER_IOVEC || st.type == ITER_BVEC ||
			    (a & 1))
				fi_op_extract(a, b, true);
			break;
		}
		fi_check_iter();
	}
	fi_check_kernel_refs();
	fi_check_memory();
	fi_teardown();
	return 0;
}
