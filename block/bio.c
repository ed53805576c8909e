// SPDX-License-Identifier: GPL-2.0
/*
 * block/bio.c - allocating, building, completing and releasing bios
 * (block/bio.c, v6.5).
 *
 * Faithful: allocation with BIO_INLINE_VECS inline vecs or a table rounded
 * to 16/64/128/256; bio_endio() with chaining; the merge rule (R-BIO-5);
 * bio_add_page/folio/hw_page/pc_page (R-BIO-9); splits and clones that
 * own nothing. User memory into a bio (bio_iov_iter_get_pages()), page
 * release and the dirty protocol are in block/bio-iov.c.
 * Simplified: one global bio allocator stands in for every bio_set; no
 * integrity, crypt, cgroup or mempool reserve; a per-thread cache of
 * freed bios stands in for the per-cpu one. Added: a live-bio count,
 * a serial bi_id, detection of a double completion, a checked add for
 * mode-mixing tests (sim_bio_add_page_mode()), FAULT_META_ALLOC injection.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pinio/fault-inject.h>
#include <pinio/trace.h>
#include "block/blk.h"
#include "mm/internal.h"

/*
 * Every bio from bio_alloc()/bio_kmalloc() sits behind this header (the
 * kernel's bio_set front_pad), which remembers the separately allocated
 * bvec table: bio_iov_bvec_set() may overwrite bi_io_vec.
 */
struct bio_alloc_hdr {
	unsigned int magic;
	bool kmalloced;
	struct bio_vec *table;
} __attribute__((aligned(16)));

#define BIO_HDR_MAGIC	0xb10b10b1U
#define BIO_HDR_FREED	0xdeadb10bU

struct bio_set {
	const char *name;
};

static struct bio_set fs_bio_set = { .name = "fs_bio_set" };
static atomic_long_t live_bios;
static atomic_long_t next_bio_id;

/*
 * bi_id: unique in the process and increasing on each thread. A thread
 * takes BIO_ID_BATCH numbers with one locked add and hands them out one by
 * one (a locked read-modify-write per bio was one of the ~20 of a 4 KiB
 * read), so ids of bios made on different threads no longer follow the
 * order in which they were made. A thread's unused numbers are lost when it
 * exits.
 */
#define BIO_ID_BATCH	256

static __thread unsigned long bio_id_next, bio_id_end;

static unsigned long bio_id_new(void)
{
	if (unlikely(bio_id_next == bio_id_end)) {
		bio_id_end = (unsigned long)atomic_long_add_return(BIO_ID_BATCH, &next_bio_id) + 1;
		bio_id_next = bio_id_end - BIO_ID_BATCH;
	}
	return bio_id_next++;
}

static struct bio_alloc_hdr *bio_hdr(struct bio *bio)
{
	return (struct bio_alloc_hdr *)bio - 1;
}

/**
 * nr_live_bios() - bios allocated by bio_alloc()/bio_kmalloc() and not yet
 * freed. The leak ledger's live_bios.
 */
long nr_live_bios(void)
{
	return atomic_long_read(&live_bios);
}

/*
 * A per-thread cache of freed bio_alloc() bios (the kernel's per-cpu bio
 * cache behind REQ_ALLOC_CACHE), so that a bio allocated and freed on one
 * thread (inline DMA) costs no malloc()/free(). Every bio_alloc() bio has
 * the same size (header, bio, BIO_INLINE_VECS inline vecs; a larger table
 * is separate and freed), so any of them can be reused. A cached bio is
 * "freed" for the ledger (nr_live_bios()) and its header says so, so a
 * double bio_put() is still caught. Under AddressSanitizer the cache is
 * off, so that a use after free of a bio is still reported. The cache of
 * a thread is freed when the thread exits.
 */
#define BIO_CACHE_MAX	(PINIO_ASAN ? 0 : 16)

struct bio_cache {
	struct bio_alloc_hdr *free;	/* linked through ->table */
	unsigned int nr;
};

static __thread struct bio_cache bio_cache;
static __thread bool bio_cache_armed;
static pthread_key_t bio_cache_key;
static pthread_once_t bio_cache_key_once = PTHREAD_ONCE_INIT;

static void bio_cache_exit(void *arg)
{
	struct bio_alloc_hdr *hdr;

	while ((hdr = bio_cache.free) != NULL) {
		bio_cache.free = (struct bio_alloc_hdr *)hdr->table;
		free(hdr);
	}
	bio_cache.nr = 0;
}

static void bio_cache_key_init(void)
{
	pthread_key_create(&bio_cache_key, bio_cache_exit);
}

static size_t bio_alloc_size(unsigned short inline_vecs)
{
	return sizeof(struct bio_alloc_hdr) + sizeof(struct bio) +
	       inline_vecs * sizeof(struct bio_vec);
}

static struct bio *bio_alloc_raw(unsigned short inline_vecs, bool kmalloced)
{
	struct bio_alloc_hdr *hdr = NULL;
	size_t size = bio_alloc_size(inline_vecs);

	if (should_fail_alloc(FAULT_META_ALLOC))
		return NULL;
	if (!kmalloced && bio_cache.free) {
		hdr = bio_cache.free;
		bio_cache.free = (struct bio_alloc_hdr *)hdr->table;
		bio_cache.nr--;
		memset(hdr, 0, size);
	} else {
		hdr = calloc(1, size);
		if (!hdr)
			return NULL;
	}
	hdr->magic = BIO_HDR_MAGIC;
	hdr->kmalloced = kmalloced;
	atomic_long_inc(&live_bios);
	return (struct bio *)(hdr + 1);
}

static void bio_free_raw(struct bio *bio)
{
	struct bio_alloc_hdr *hdr = bio_hdr(bio);

	BUG_ON(hdr->magic != BIO_HDR_MAGIC);
	hdr->magic = BIO_HDR_FREED;
	free(hdr->table);
	atomic_long_dec(&live_bios);
	if (!hdr->kmalloced && bio_cache.nr < BIO_CACHE_MAX) {
		if (unlikely(!bio_cache_armed)) {
			/* The key's destructor empties the cache at thread exit. */
			pthread_once(&bio_cache_key_once, bio_cache_key_init);
			pthread_setspecific(bio_cache_key, &bio_cache);
			bio_cache_armed = true;
		}
		hdr->table = (struct bio_vec *)bio_cache.free;
		bio_cache.free = hdr;
		bio_cache.nr++;
		return;
	}
	free(hdr);
}

/* The bvec slab sizes: 16, 64, 128 or 256 entries (biovec_slabs). */
static unsigned short bvec_slab_size(unsigned short nr_vecs)
{
	if (nr_vecs <= 16)
		return 16;
	if (nr_vecs <= 64)
		return 64;
	if (nr_vecs <= 128)
		return 128;
	return BIO_MAX_VECS;
}

/**
 * bio_init() - initialise a bio the caller provides.
 * @bio: the bio (from bio_kmalloc(), or embedded in the caller's object).
 * @bdev: target device, or NULL.
 * @table: bvec table of @max_vecs entries (NULL with 0).
 * @max_vecs: entries in @table.
 * @opf: REQ_OP_* | REQ_* flags.
 *
 * Clears the flags (so no cleanup mode), sets one reference and one
 * outstanding completion, and gives the bio a new bi_id (unique; increasing
 * on each thread). Takes no pins.
 */
void bio_init(struct bio *bio, struct block_device *bdev, struct bio_vec *table,
	      unsigned short max_vecs, blk_opf_t opf)
{
	bio->bi_next = NULL;
	bio->bi_bdev = bdev;
	bio->bi_opf = opf;
	bio->bi_flags = 0;
	bio->bi_ioprio = 0;
	bio->bi_status = BLK_STS_OK;
	memset(&bio->bi_iter, 0, sizeof(bio->bi_iter));
	bio->bi_end_io = NULL;
	bio->bi_private = NULL;
	atomic_set(&bio->__bi_remaining, 1);
	atomic_set(&bio->__bi_cnt, 1);
	bio->bi_vcnt = 0;
	bio->bi_max_vecs = max_vecs;
	bio->bi_io_vec = table;
	bio->bi_pool = NULL;
	bio->bi_id = bio_id_new();
}

/**
 * bio_alloc() - allocate a bio with room for @nr_vecs bvecs.
 * @bdev: target device, or NULL.
 * @nr_vecs: 0 (a bio that will borrow a bvec array, R-BIO-10), up to
 *	BIO_INLINE_VECS (inline vecs; bi_max_vecs = 4), or up to BIO_MAX_VECS
 *	(a table rounded up to 16, 64, 128 or 256 entries).
 * @opf: REQ_OP_* | REQ_* flags.
 * @gfp: ignored.
 *
 * Return: the bio with one reference, or NULL (allocation failure or
 * injected FAULT_META_ALLOC; @nr_vecs > BIO_MAX_VECS with a WARN).
 */
struct bio *bio_alloc(struct block_device *bdev, unsigned short nr_vecs, blk_opf_t opf,
		      gfp_flags_t gfp)
{
	struct bio *bio;
	struct bio_vec *table;
	unsigned short nr;

	if (WARN_ON_ONCE(nr_vecs > BIO_MAX_VECS))
		return NULL;
	bio = bio_alloc_raw(BIO_INLINE_VECS, false);
	if (!bio)
		return NULL;
	if (nr_vecs > BIO_INLINE_VECS) {
		nr = bvec_slab_size(nr_vecs);
		/* Not zeroed, as the kernel's bvec_alloc(): entries past bi_vcnt are never read. */
		table = should_fail_alloc(FAULT_META_ALLOC) ? NULL : malloc(nr * sizeof(*table));
		if (!table) {
			bio_free_raw(bio);
			return NULL;
		}
		bio_hdr(bio)->table = table;
		bio_init(bio, bdev, table, nr, opf);
	} else if (nr_vecs) {
		bio_init(bio, bdev, bio->bi_inline_vecs, BIO_INLINE_VECS, opf);
	} else {
		bio_init(bio, bdev, NULL, 0, opf);
	}
	bio->bi_pool = &fs_bio_set;
	return bio;
}

/**
 * bio_kmalloc() - allocate an uninitialised bio with @nr_vecs inline vecs.
 * @nr_vecs: at most UIO_MAXIOV (else NULL with a WARN).
 * @gfp: ignored.
 *
 * The caller runs bio_init(bio, bdev, bio->bi_inline_vecs, nr_vecs, opf).
 * The kernel frees it with bio_uninit() + kfree(); here bio_put() does
 * both for a bio whose bi_pool is NULL. Return: the bio, or NULL.
 */
struct bio *bio_kmalloc(unsigned short nr_vecs, gfp_flags_t gfp)
{
	if (WARN_ON_ONCE(nr_vecs > UIO_MAXIOV))
		return NULL;
	return bio_alloc_raw(nr_vecs, true);
}

/**
 * bio_uninit() - release what a bio holds besides its pages and memory.
 *
 * Nothing to do in the simulation (no integrity or cgroup state); kept
 * so callers follow the kernel's sequence. Never touches pages.
 */
void bio_uninit(struct bio *bio)
{
}

/**
 * bio_reset() - make @bio ready for a new I/O, keeping its bvec table.
 *
 * Clears everything up to bi_max_vecs: flags (cleanup mode included),
 * iterator, vcnt, end_io. The caller must have released the pages first:
 * a reset bio forgets them.
 */
void bio_reset(struct bio *bio, struct block_device *bdev, blk_opf_t opf)
{
	bio_uninit(bio);
	memset(bio, 0, offsetof(struct bio, bi_max_vecs));
	atomic_set(&bio->__bi_remaining, 1);
	bio->bi_bdev = bdev;
	bio->bi_opf = opf;
}

/**
 * bio_get() - take a reference on the bio itself (not on its pages).
 */
void bio_get(struct bio *bio)
{
	bio_set_flag(bio, BIO_REFFED);
	smp_mb();
	atomic_inc(&bio->__bi_cnt);
}

/**
 * bio_put() - drop a reference on @bio; frees it at the last one.
 *
 * Never releases pages: the owner calls bio_release_pages() first.
 */
void bio_put(struct bio *bio)
{
	if (unlikely(bio_flagged(bio, BIO_REFFED))) {
		BUG_ON(!atomic_read(&bio->__bi_cnt));
		if (!atomic_dec_and_test(&bio->__bi_cnt))
			return;
	}
	bio_uninit(bio);
	bio_free_raw(bio);
}

/* ---- completion --------------------------------------------------------- */

static void bio_chain_endio(struct bio *bio);

static bool bio_remaining_done(struct bio *bio)
{
	if (!bio_flagged(bio, BIO_CHAIN))
		return true;
	BUG_ON(atomic_read(&bio->__bi_remaining) <= 0);
	if (atomic_dec_and_test(&bio->__bi_remaining)) {
		bio_clear_flag(bio, BIO_CHAIN);
		return true;
	}
	return false;
}

/* Hand a chained child's status to its parent, free the child. */
static struct bio *__bio_chain_endio(struct bio *bio)
{
	struct bio *parent = bio->bi_private;

	if (bio->bi_status && !parent->bi_status)
		parent->bi_status = bio->bi_status;
	bio_put(bio);
	return parent;
}

static void bio_chain_endio(struct bio *bio)
{
	bio_endio(__bio_chain_endio(bio));
}

/*
 * PE_COMPLETE on every page @bio owns a bvec of (while the recorder runs;
 * a split clone has none of its own: its parent's completion covers them).
 */
static void bio_trace_complete(struct bio *bio)
{
	struct bvec_iter_all iter_all;
	struct bio_vec *bvec;

	if (bio_flagged(bio, BIO_CLONED) && !bio->bi_vcnt)
		return;
	bio_for_each_segment_all(bvec, bio, iter_all)
		trace_page_event(page_to_pfn(bvec->bv_page), PE_COMPLETE, (long)bio->bi_id);
}

static void bio_report_double_completion(struct bio *bio)
{
	atomic_long_inc(&nr_violations);
	fprintf(stderr, "pinio: VIOLATION: bio %lu completed twice (bad input 24)\n", bio->bi_id);
}

/**
 * bio_endio() - end I/O on @bio: run bi_end_io once every chained child
 * has completed (R-BIO-1's __bi_remaining). Never releases pages itself;
 * bi_end_io does.
 *
 * A second completion of a bio that is still allocated (a reference kept
 * with bio_get()) is a violation: reported, counted in the ledger, and
 * ignored (bi_end_io does not run again). A completion after the bio was
 * freed is a use-after-free that only the sanitizers see.
 */
void bio_endio(struct bio *bio)
{
again:
	if (!bio_remaining_done(bio))
		return;
	if (bio_flagged(bio, BIO_SIM_ENDED)) {
		bio_report_double_completion(bio);
		return;
	}
	if (bio->bi_end_io == bio_chain_endio) {
		bio = __bio_chain_endio(bio);
		goto again;
	}
	bio_set_flag(bio, BIO_SIM_ENDED);
	if (trace_recorder_on())
		bio_trace_complete(bio);
	bio_uninit(bio);
	if (bio->bi_end_io)
		bio->bi_end_io(bio);
}

/**
 * bio_chain() - make @parent's completion wait for @bio's.
 *
 * @bio must have no bi_private or bi_end_io yet. @bio's completion frees
 * @bio and passes its error to @parent.
 */
void bio_chain(struct bio *bio, struct bio *parent)
{
	BUG_ON(bio->bi_private || bio->bi_end_io);
	bio->bi_private = parent;
	bio->bi_end_io = bio_chain_endio;
	bio_inc_remaining(parent);
}

/* ---- adding pages --------------------------------------------------------- */

static unsigned long page_to_phys(const struct page *page)
{
	return page_to_pfn(page) << PAGE_SHIFT;
}

/*
 * R-BIO-5: may (page, off, len) extend @bv? Physically contiguous, and
 * either in the page where @bv ends or with contiguous struct pages (all
 * of the simulation's memmap is one array, so the second test is the
 * kernel's check kept for fidelity). @same_page: the fragment starts in
 * the page where @bv ends. The kernel's v6.5 compares with the page's own
 * address, which differs only when bio_add_folio() passes an offset of a
 * PAGE_SIZE or more; this uses the page the fragment starts in.
 */
static bool page_is_mergeable(const struct bio_vec *bv, struct page *page, unsigned int len,
			      unsigned int off, bool *same_page)
{
	size_t bv_end = (size_t)bv->bv_offset + bv->bv_len;
	/*
	 * Physical addresses relative to @bv's first frame: the memmap is one
	 * array in pfn order, so the distance of two struct pages is the
	 * distance of their frames (page_to_phys() of both, without the
	 * memmap base). Contiguous: the fragment starts where @bv ends.
	 */
	long start = (long)(page - bv->bv_page) * (long)PAGE_SIZE + (long)off;

	if (start != (long)bv_end)
		return false;
	*same_page = ((bv_end - 1) & PAGE_MASK) == (bv_end & PAGE_MASK);
	if (*same_page)
		return true;
	return bv->bv_page + bv_end / PAGE_SIZE == page + off / PAGE_SIZE;
}

/**
 * __bio_try_merge_page() - grow @bio's last bvec by a fragment (R-BIO-5).
 * @bio: the bio (not a clone: WARN and false).
 * @page: the fragment's page.
 * @len: its length.
 * @off: its offset in @page.
 * @same_page: set when the fragment starts in the page where the bvec ends.
 *
 * Never touches pins. Return: true if merged (BIO_MERGES counted).
 */
bool __bio_try_merge_page(struct bio *bio, struct page *page, unsigned int len,
			  unsigned int off, bool *same_page)
{
	if (!bio_try_merge_page_nocount(bio, page, len, off, same_page))
		return false;
	mod_node_page_state(BIO_MERGES, 1);
	return true;
}

/**
 * bio_try_merge_page_nocount() - __bio_try_merge_page() without counting
 * the merge in BIO_MERGES: for a caller that adds up its merges and
 * counts them once (bio_iov_iter_get_pages(), per extraction).
 * @bio: the bio (not a clone: WARN and false).
 * @page: the fragment's page.
 * @len: its length.
 * @off: its offset in @page.
 * @same_page: set when the fragment starts in the page where the bvec ends.
 *
 * Never touches pins.
 * Return: true if merged.
 */
bool bio_try_merge_page_nocount(struct bio *bio, struct page *page, unsigned int len,
				unsigned int off, bool *same_page)
{
	struct bio_vec *bv;

	if (WARN_ON_ONCE(bio_flagged(bio, BIO_CLONED)))
		return false;
	if (!bio->bi_vcnt)
		return false;
	bv = &bio->bi_io_vec[bio->bi_vcnt - 1];
	if (!page_is_mergeable(bv, page, len, off, same_page))
		return false;
	if (bio->bi_iter.bi_size > UINT_MAX - len) {
		*same_page = false;
		return false;
	}
	bv->bv_len += len;
	bio->bi_iter.bi_size += len;
	return true;
}

/**
 * __bio_add_page() - append a bvec for (@page, @off, @len) without merging.
 *
 * The caller guarantees room. A cloned or full bio is a bug: WARN, and
 * (unlike the kernel, which writes past the table) nothing is added.
 * Neither pins nor references the page.
 */
void __bio_add_page(struct bio *bio, struct page *page, unsigned int len, unsigned int off)
{
	WARN_ON_ONCE(bio_flagged(bio, BIO_CLONED));
	if (WARN_ON_ONCE(bio_full(bio, len)))
		return;
	bvec_set_page(&bio->bi_io_vec[bio->bi_vcnt], page, len, off);
	bio->bi_iter.bi_size += len;
	bio->bi_vcnt++;
	trace_page_event(page_to_pfn(page) + off / PAGE_SIZE, PE_BIO_ADD, (long)bio->bi_id);
}

/**
 * bio_add_page() - add (@page, @offset, @len) to @bio, merging into the
 * last bvec when R-BIO-5 allows.
 *
 * Neither pins nor references the page: the bio's cleanup mode is the
 * caller's business (R-BIO-6). Return: @len, or 0 if it does not fit (full
 * bio and no merge, EDGE-22; bi_size would pass UINT_MAX; a cloned bio,
 * with a WARN).
 */
int bio_add_page(struct bio *bio, struct page *page, unsigned int len, unsigned int offset)
{
	bool same_page = false;

	if (!__bio_try_merge_page(bio, page, len, offset, &same_page)) {
		if (bio_full(bio, len))
			return 0;
		__bio_add_page(bio, page, len, offset);
	}
	return (int)len;
}

/**
 * bio_add_folio() - add @len bytes at @off of @folio (v6.5: as the head
 * page with an offset that may pass PAGE_SIZE).
 *
 * Neither pins nor references. Return: true if added.
 */
bool bio_add_folio(struct bio *bio, struct folio *folio, size_t len, size_t off)
{
	if (len > UINT_MAX || off > UINT_MAX)
		return false;
	return bio_add_page(bio, &folio->page, (unsigned int)len, (unsigned int)off) > 0;
}

/* Would a new bvec at @offset leave a gap the virt_boundary forbids? */
static bool bvec_gap_to_prev(const struct queue_limits *lim, const struct bio_vec *bprv,
			     unsigned int offset)
{
	if (!lim->virt_boundary_mask)
		return false;
	return (offset & lim->virt_boundary_mask) ||
	       ((bprv->bv_offset + bprv->bv_len) & lim->virt_boundary_mask);
}

static bool bio_try_merge_hw_seg(struct request_queue *q, struct bio *bio, struct page *page,
				 unsigned int len, unsigned int offset, bool *same_page)
{
	struct bio_vec *bv = &bio->bi_io_vec[bio->bi_vcnt - 1];
	unsigned long mask = queue_segment_boundary(q);
	unsigned long addr1 = page_to_phys(bv->bv_page) + bv->bv_offset;
	unsigned long addr2 = page_to_phys(page) + offset + len - 1;

	if ((addr1 | mask) != (addr2 | mask))
		return false;
	if (bv->bv_len + len > q->limits.max_segment_size)
		return false;
	return __bio_try_merge_page(bio, page, len, offset, same_page);
}

/**
 * bio_add_hw_page() - add a page under the hardware limits of @q
 * (passthrough and zone append; R-BIO-9 steps 1-6).
 * @max_sectors: the size limit in 512-byte sectors.
 * @same_page: set when the fragment merged into the page where the last
 *	bvec ended (the caller then drops its extra pin, R-BIO-6).
 *
 * Neither pins nor references. Return: @len, or 0 if a limit refuses it.
 */
int bio_add_hw_page(struct request_queue *q, struct bio *bio, struct page *page,
		    unsigned int len, unsigned int offset, unsigned int max_sectors,
		    bool *same_page)
{
	if (WARN_ON_ONCE(bio_flagged(bio, BIO_CLONED)))
		return 0;
	if ((((unsigned long)bio->bi_iter.bi_size + len) >> SECTOR_SHIFT) > max_sectors)
		return 0;
	if (bio->bi_vcnt > 0) {
		if (bio_try_merge_hw_seg(q, bio, page, len, offset, same_page))
			return (int)len;
		if (bvec_gap_to_prev(&q->limits, &bio->bi_io_vec[bio->bi_vcnt - 1], offset))
			return 0;
	}
	if (bio_full(bio, len))
		return 0;
	if (bio->bi_vcnt >= queue_max_segments(q))
		return 0;
	__bio_add_page(bio, page, len, offset);
	return (int)len;
}

/**
 * bio_add_pc_page() - bio_add_hw_page() with queue_max_hw_sectors(@q).
 *
 * Neither pins nor references. Return: @len or 0.
 */
int bio_add_pc_page(struct request_queue *q, struct bio *bio, struct page *page,
		    unsigned int len, unsigned int offset)
{
	bool same_page = false;

	return bio_add_hw_page(q, bio, page, len, offset, queue_max_hw_sectors(q), &same_page);
}

/**
 * bio_page_mode() - how every page of @bio was acquired, by its flags
 * under the current profile (R-BIO-4, INV-5).
 */
enum bio_page_mode bio_page_mode(const struct bio *bio)
{
	switch (sim_profile()) {
	case SIM_PROFILE_V6_4:
		return bio_flagged(bio, BIO_NO_PAGE_REF) ? BIO_PAGE_MODE_NONE : BIO_PAGE_MODE_REFFED;
	case SIM_PROFILE_V21:
		WARN_ON_ONCE(bio_flagged(bio, BIO_PAGE_PINNED) && bio_flagged(bio, BIO_PAGE_REFFED));
		if (bio_flagged(bio, BIO_PAGE_PINNED))
			return BIO_PAGE_MODE_PINNED;
		return bio_flagged(bio, BIO_PAGE_REFFED) ? BIO_PAGE_MODE_REFFED : BIO_PAGE_MODE_NONE;
	default:
		return bio_flagged(bio, BIO_PAGE_PINNED) ? BIO_PAGE_MODE_PINNED : BIO_PAGE_MODE_NONE;
	}
}

/**
 * sim_bio_add_page_mode() - bio_add_page() that checks the page's mode.
 * @mode: how the caller acquired @page: BIO_PAGE_MODE_PINNED (it holds a
 *	pin for the bio), _REFFED (a reference) or _NONE (the caller keeps the
 *	page alive).
 *
 * Hellwig's rule (R-BUG-5, R17): every page of a bio was acquired the same
 * way, and the bio's flags say which. In v6.5 a zero page pinned or
 * unreferenced is neutral and joins a PINNED or NONE bio, since pinning it
 * changes nothing (R-ZERO-6). Where pins count on the zero page (v21 as
 * posted, v6.4: R-ZERO-9, profile_pins_zero_page()) it is an ordinary page:
 * a pinned zero page in a NONE bio would never be unpinned, and an
 * unreferenced one in a PINNED bio would be unpinned without a pin. A page
 * claimed PINNED must look pinned (folio_maybe_dma_pinned()), the zero
 * page too when its pins count.
 *
 * Neither pins nor references. Return: @len, 0 if it does not fit, or
 * -EINVAL (and @bio unchanged) when @mode does not match the bio's.
 */
int sim_bio_add_page_mode(struct bio *bio, struct page *page, unsigned int len,
			  unsigned int off, enum bio_page_mode mode)
{
	enum bio_page_mode bio_mode = bio_page_mode(bio);
	bool zero_neutral = is_zero_page(page) && !profile_pins_zero_page();

	if (mode == BIO_PAGE_MODE_PINNED && !zero_neutral &&
	    !folio_maybe_dma_pinned(page_folio(page)))
		return -EINVAL;
	if (mode != bio_mode) {
		bool neutral = zero_neutral && mode != BIO_PAGE_MODE_REFFED &&
			       bio_mode != BIO_PAGE_MODE_REFFED;

		if (!neutral)
			return -EINVAL;
	}
	return bio_add_page(bio, page, len, off);
}

/* ---- advancing, cloning, splitting --------------------------------------------- */

/**
 * bio_advance() - move @bio's iterator @bytes forward (partial completion).
 *
 * Only bi_iter moves: release still walks every bvec (R-BIO-3).
 */
void bio_advance(struct bio *bio, unsigned int bytes)
{
	if (!bytes)
		return;
	bio->bi_iter.bi_sector += bytes >> SECTOR_SHIFT;
	switch (bio_op(bio)) {
	case REQ_OP_DISCARD:
	case REQ_OP_WRITE_ZEROES:
		bio->bi_iter.bi_size -= bytes;
		break;
	default:
		bvec_iter_advance(bio->bi_io_vec, &bio->bi_iter, bytes);
	}
}

/**
 * bio_alloc_clone() - a bio sharing @bio_src's bvec table and iterator.
 *
 * The clone is BIO_CLONED and has no cleanup mode: it never releases
 * pages, and no page may be added to it. Return: the clone or NULL.
 */
struct bio *bio_alloc_clone(struct block_device *bdev, struct bio *bio_src, gfp_flags_t gfp)
{
	struct bio *bio = bio_alloc(bdev, 0, bio_src->bi_opf, gfp);

	if (!bio)
		return NULL;
	bio_set_flag(bio, BIO_CLONED);
	/* v6.4 relied on callers never releasing a clone; make that explicit. */
	if (sim_profile() == SIM_PROFILE_V6_4)
		bio_set_flag(bio, BIO_NO_PAGE_REF);
	bio->bi_ioprio = bio_src->bi_ioprio;
	bio->bi_iter = bio_src->bi_iter;
	bio->bi_io_vec = bio_src->bi_io_vec;
	return bio;
}

/**
 * bio_split() - split the first @sectors off @bio.
 * @bs: ignored (one allocator serves every bio set).
 *
 * The returned bio is a clone covering the first @sectors; @bio advances
 * past them. The clone never releases pages; @bio still owns them all.
 * Return: the split, or NULL (allocation failure; zone append, with a
 * WARN). @sectors must be > 0 and below bio_sectors(@bio) (BUG).
 */
struct bio *bio_split(struct bio *bio, int sectors, gfp_flags_t gfp, struct bio_set *bs)
{
	struct bio *split;

	BUG_ON(sectors <= 0);
	BUG_ON((unsigned int)sectors >= bio_sectors(bio));
	if (WARN_ON_ONCE(bio_op(bio) == REQ_OP_ZONE_APPEND))
		return NULL;
	split = bio_alloc_clone(bio->bi_bdev, bio, gfp);
	if (!split)
		return NULL;
	split->bi_iter.bi_size = (unsigned int)sectors << SECTOR_SHIFT;
	bio_advance(bio, split->bi_iter.bi_size);
	return split;
}
