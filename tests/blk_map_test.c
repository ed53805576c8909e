// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for blk-map (block/blk-map.c): how user or kernel memory is
 * mapped into a passthrough request, pinned, borrowed or bounced, and
 * released again. The decision table of R-MAP-1 (EDGE-23), the bounce
 * copy's zero fill, copy-back and -EINTR without an mm (R-MAP-3/4), the
 * same-page pin leak of v6.5 (R-BUG-6, EDGE-16), unwinding on failure
 * (EDGE-24), and sim_passthrough() end to end on a ram disk.
 *
 * Every case boots a 32 MiB machine (THP off) with a 4 MiB ram disk
 * "bmram" in .init. Most cases map against a queue of their own (a struct
 * request_queue with default limits, adjusted per case) and never touch
 * the disk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <pinio/blk-mq.h>
#include <pinio/fault-inject.h>
#include <pinio/fs.h>
#include <pinio/sim.h>

#include "block/blk-mq.h"
#include "kunit/test.h"
#include "mm_helpers.h"

#define BM_DISK		"bmram"
#define BM_DEV		"/dev/bmram"
#define BM_DISK_BYTES	(4UL << 20)

static const struct sim_config bm_cfg = { .mem_bytes = 32UL << 20 };

static int bm_test_init(struct kunit *test)
{
	int ret = t_mm_boot(&bm_cfg);

	if (ret)
		return ret;
	return sim_ramdisk_create(BM_DISK, BM_DISK_BYTES, 512);
}

static void bm_test_exit(struct kunit *test)
{
	blk_map_v65_same_page_leak = false;
	sim_disk_destroy(BM_DISK);
	t_mm_shutdown(test);
}

/* ---- helpers ---------------------------------------------------------------- */

static void bm_queue_init(struct request_queue *q)
{
	memset(q, 0, sizeof(*q));
	blk_set_default_limits(&q->limits);
}

struct bm_pins {
	unsigned long acquired, released;
};

static void bm_pins(struct bm_pins *p)
{
	p->acquired = sim_vmstat("nr_foll_pin_acquired");
	p->released = sim_vmstat("nr_foll_pin_released");
}

static unsigned long bm_acquired_since(const struct bm_pins *p)
{
	return sim_vmstat("nr_foll_pin_acquired") - p->acquired;
}

static unsigned long bm_released_since(const struct bm_pins *p)
{
	return sim_vmstat("nr_foll_pin_released") - p->released;
}

/* Touched anonymous memory filled with @c. */
static unsigned long bm_user_buf(struct kunit *test, size_t len, int c)
{
	unsigned long addr = t_mm_mmap(test, len, PROT_READ | PROT_WRITE, MAP_PRIVATE);

	t_mm_fill(test, addr, c, len);
	return addr;
}

/* @n kernel pages (OWNER_TEST), each filled with @c. */
static void bm_kpages(struct kunit *test, struct page **pages, unsigned int n, int c)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct folio *folio = folio_alloc_owner(GFP_KERNEL, 0, OWNER_TEST);

		KUNIT_ASSERT_NOT_NULL(test, folio);
		pages[i] = &folio->page;
		memset(page_address(pages[i]), c, PAGE_SIZE);
	}
}

static void bm_kpages_free(struct page **pages, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		put_page(pages[i]);
}

/* Bios in @rq's chain. */
static unsigned int bm_nr_bios(const struct request *rq)
{
	const struct bio *bio;
	unsigned int n = 0;

	for (bio = rq->bio; bio; bio = bio->bi_next)
		n++;
	return n;
}

/* Is every page of every bio of @rq a bounce page the bio owns? */
static bool bm_all_bounce(const struct request *rq)
{
	struct bvec_iter_all it;
	struct bio_vec *bv;
	struct bio *bio;

	for (bio = rq->bio; bio; bio = bio->bi_next)
		bio_for_each_segment_all(bv, bio, it)
			if (page_folio(bv->bv_page)->owner != OWNER_BOUNCE)
				return false;
	return true;
}

/* ---- EDGE-23: the decision table ------------------------------------------------ */

enum bm_kind { BM_UBUF, BM_IOVEC, BM_BVEC, BM_KVEC };
enum bm_outcome { BM_MAP, BM_MAP_BVEC, BM_COPY };

struct bm_decision_case {
	const char *desc;
	enum bm_kind kind;
	/* up to two segments: offset into the buffer (or page index * 4096 + offset) and length */
	unsigned long off[2], len[2];
	unsigned long virt_boundary;
	unsigned int dma_alignment;	/* 0: default 511 */
	unsigned int dma_pad_mask;
	bool map_data;
	enum bm_outcome outcome;
	unsigned long pins;		/* held while mapped */
};

static const struct bm_decision_case bm_decision_cases[] = {
	{ "aligned UBUF -> map, pinned", BM_UBUF, { 0 }, { 8192 }, 0, 0, 0, false, BM_MAP, 2 },
	{ "aligned IOVEC x2 -> map, pinned", BM_IOVEC, { 0, 8192 }, { 4096, 4096 }, 0, 0, 0,
	  false, BM_MAP, 2 },
	{ "misaligned address -> copy", BM_UBUF, { 100 }, { 4096 }, 0, 0, 0, false, BM_COPY, 0 },
	{ "misaligned length -> copy", BM_UBUF, { 0 }, { 1000 }, 0, 0, 0, false, BM_COPY, 0 },
	{ "dma_alignment 3, address +512 -> map", BM_UBUF, { 512 }, { 4096 }, 0, 3, 0, false,
	  BM_MAP, 2 },
	{ "dma_pad_mask 4095, address +512 -> copy", BM_UBUF, { 512 }, { 4096 }, 0, 0, 4095,
	  false, BM_COPY, 0 },
	{ "map_data given -> copy into its pages", BM_UBUF, { 0 }, { 8192 }, 0, 0, 0, true,
	  BM_COPY, 0 },
	{ "BVEC -> map_bvec, borrowed", BM_BVEC, { 0, 4096 }, { 4096, 4096 }, 0, 0, 0, false,
	  BM_MAP_BVEC, 0 },
	{ "BVEC with a virt_boundary gap -> -EREMOTEIO -> copy", BM_BVEC, { 0, 4096 },
	  { 2048, 4096 }, 4095, 0, 0, false, BM_COPY, 0 },
	{ "KVEC -> copy", BM_KVEC, { 0, 4096 }, { 4096, 4096 }, 0, 0, 0, false, BM_COPY, 0 },
	{ "IOVEC gap under virt_boundary -> copy", BM_IOVEC, { 0, 8192 }, { 2048, 4096 }, 4095,
	  0, 0, false, BM_COPY, 0 },
	{ "IOVEC without a gap under virt_boundary -> map", BM_IOVEC, { 0, 8192 },
	  { 4096, 4096 }, 4095, 0, 0, false, BM_MAP, 2 },
};

static void bm_decision_desc(const struct bm_decision_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(bm_decision, bm_decision_cases, bm_decision_desc);

/*
 * EDGE-23, R-MAP-1: one row per branch of blk_rq_map_user_iov(), each a
 * WRITE of one or two segments. User rows use touched memory B (4 pages of
 * 0x11); kernel rows use pages K0, K1 (0x22):
 *   UBUF  B+off[0], len[0]        IOVEC {B+off[i], len[i]}
 *   BVEC  {K_i, off % 4096, len}  KVEC  {page_address(K_i), len}
 * Expect the row's outcome: map (PINNED bio, one pin per page), map_bvec
 * (a BIO_CLONED bio borrowing the bvec array, no pin), or copy (a bio with
 * map data, bounce pages holding the data, no pin); and after
 * blk_rq_unmap_user() 0 returned, every pin released and every bounce page
 * freed (the runner's ledger).
 */
static void blk_map_edge23_decision_table(struct kunit *test)
{
	const struct bm_decision_case *dc = test->param_value;
	unsigned long buf = bm_user_buf(test, 4 * PAGE_SIZE, 0x11);
	struct page *kp[2], *mdp[2];
	struct bio_vec bvec[2];
	struct kvec kvec[2];
	struct iovec iov[2];
	struct rq_map_data md = { .pages = mdp, .nr_entries = 2 };
	struct request_queue q;
	struct request rq;
	struct iov_iter iter;
	struct bm_pins p;
	unsigned int nsegs = dc->len[1] ? 2 : 1, i;
	size_t total = dc->len[0] + dc->len[1];
	int ret;

	bm_queue_init(&q);
	q.limits.virt_boundary_mask = dc->virt_boundary;
	if (dc->dma_alignment)
		q.limits.dma_alignment = dc->dma_alignment;
	q.dma_pad_mask = dc->dma_pad_mask;
	bm_kpages(test, kp, 2, 0x22);
	if (dc->map_data)
		bm_kpages(test, mdp, 2, 0);

	switch (dc->kind) {
	case BM_UBUF:
		iov_iter_ubuf(&iter, ITER_SOURCE, buf + dc->off[0], dc->len[0]);
		break;
	case BM_IOVEC:
		for (i = 0; i < nsegs; i++)
			iov[i] = (struct iovec){ (void *)(buf + dc->off[i]), dc->len[i] };
		iov_iter_init(&iter, ITER_SOURCE, iov, nsegs, total);
		break;
	case BM_BVEC:
		for (i = 0; i < nsegs; i++)
			bvec_set_page(&bvec[i], kp[i], (unsigned int)dc->len[i],
				      (unsigned int)(dc->off[i] % PAGE_SIZE));
		iov_iter_bvec(&iter, ITER_SOURCE, bvec, nsegs, total);
		break;
	case BM_KVEC:
		for (i = 0; i < nsegs; i++)
			kvec[i] = (struct kvec){ page_address(kp[i]), dc->len[i] };
		iov_iter_kvec(&iter, ITER_SOURCE, kvec, nsegs, total);
		break;
	}

	blk_rq_init(&q, &rq, REQ_OP_DRV_OUT);
	bm_pins(&p);
	ret = blk_rq_map_user_iov(&q, &rq, dc->map_data ? &md : NULL, &iter, 0);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_ASSERT_NOT_NULL(test, rq.bio);
	KUNIT_EXPECT_EQ(test, blk_rq_bytes(&rq), total);
	KUNIT_EXPECT_EQ(test, iov_iter_count(&iter), total);	/* a private copy was used */
	KUNIT_EXPECT_EQ(test, bm_acquired_since(&p) - bm_released_since(&p), dc->pins);

	switch (dc->outcome) {
	case BM_MAP:
		KUNIT_EXPECT_TRUE(test, bio_flagged(rq.bio, BIO_PAGE_PINNED));
		KUNIT_EXPECT_FALSE(test, blk_map_bio_is_copy(rq.bio));
		break;
	case BM_MAP_BVEC:
		KUNIT_EXPECT_TRUE(test, bio_flagged(rq.bio, BIO_CLONED));
		KUNIT_EXPECT_FALSE(test, bio_flagged(rq.bio, BIO_PAGE_PINNED));
		KUNIT_EXPECT_PTR_EQ(test, rq.bio->bi_io_vec, bvec);
		break;
	case BM_COPY: {
		unsigned char *want = malloc(total), *got = malloc(total);
		struct bvec_iter_all it;
		struct bio_vec *bv;
		size_t done = 0;

		KUNIT_EXPECT_TRUE(test, blk_map_bio_is_copy(rq.bio));
		KUNIT_EXPECT_FALSE(test, bio_flagged(rq.bio, BIO_PAGE_PINNED));
		if (dc->map_data)
			KUNIT_EXPECT_PTR_EQ(test, rq.bio->bi_io_vec[0].bv_page, mdp[0]);
		else
			KUNIT_EXPECT_TRUE(test, bm_all_bounce(&rq));
		/* The bounce pages hold the source bytes, in order. */
		KUNIT_ASSERT_NOT_NULL(test, want);
		KUNIT_ASSERT_NOT_NULL(test, got);
		memset(want, dc->kind == BM_BVEC || dc->kind == BM_KVEC ? 0x22 : 0x11, total);
		bio_for_each_segment_all(bv, rq.bio, it) {
			memcpy(got + done, (char *)page_address(bv->bv_page) + bv->bv_offset,
			       bv->bv_len);
			done += bv->bv_len;
		}
		KUNIT_EXPECT_EQ(test, done, total);
		KUNIT_EXPECT_MEMEQ(test, got, want, total);
		free(want);
		free(got);
		break;
	}
	}

	KUNIT_EXPECT_EQ(test, blk_rq_unmap_user(rq.bio), 0);
	KUNIT_EXPECT_EQ(test, bm_acquired_since(&p), dc->pins);
	KUNIT_EXPECT_EQ(test, bm_released_since(&p), dc->pins);
	bm_kpages_free(kp, 2);
	if (dc->map_data)
		bm_kpages_free(mdp, 2);
	t_mm_munmap(test, buf, 4 * PAGE_SIZE);
}

/* ---- EDGE-23: the bounce copy of a READ -------------------------------------------- */

/*
 * A READ whose buffer is misaligned (B+100, 4096 bytes, B filled with 0x77)
 * is bounced. The device's part is played by writing 0xc3 into the bounce
 * pages:
 *   map:    bounce = 00 00 ... 00   (zero-filled: nothing stale leaks)
 *   "DMA":  bounce = c3 c3 ... c3   user buffer still 77
 *   unmap:  user [B+100, B+4196) = c3, the bytes around it still 77
 * Expect that, no pin at any point, and the bounce pages freed.
 */
static void blk_map_edge23_copy_read_zero_fill_and_copy_back(struct kunit *test)
{
	unsigned long buf = bm_user_buf(test, 2 * PAGE_SIZE, 0x77);
	struct request_queue q;
	struct request rq;
	struct iov_iter iter;
	struct bvec_iter_all it;
	struct bio_vec *bv;
	struct bm_pins p;
	bool zero = true;
	size_t i;

	bm_queue_init(&q);
	iov_iter_ubuf(&iter, ITER_DEST, buf + 100, 4096);
	blk_rq_init(&q, &rq, REQ_OP_DRV_IN);
	bm_pins(&p);
	KUNIT_ASSERT_EQ(test, blk_rq_map_user_iov(&q, &rq, NULL, &iter, 0), 0);
	KUNIT_ASSERT_TRUE(test, blk_map_bio_is_copy(rq.bio));
	bio_for_each_segment_all(bv, rq.bio, it) {
		unsigned char *p8 = (unsigned char *)page_address(bv->bv_page) + bv->bv_offset;

		for (i = 0; i < bv->bv_len; i++)
			zero &= p8[i] == 0;
		memset(p8, 0xc3, bv->bv_len);
	}
	KUNIT_EXPECT_TRUE_MSG(test, zero, "READ bounce pages not zero-filled");
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(buf, 0x77, 2 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, blk_rq_unmap_user(rq.bio), 0);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(buf, 0x77, 100));
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(buf + 100, 0xc3, 4096));
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(buf + 4196, 0x77, 2 * PAGE_SIZE - 4196));
	KUNIT_EXPECT_EQ(test, bm_acquired_since(&p), 0UL);
	t_mm_munmap(test, buf, 2 * PAGE_SIZE);
}

/*
 * R-MAP-4: the unmap of a bounced READ runs where there is no user address
 * space (a worker: current->mm is NULL), e.g. after the submitter died.
 * Expect -EINTR, nothing copied into the user buffer, and the bounce pages
 * freed all the same.
 */
static void blk_map_copy_read_unmap_without_mm_is_eintr(struct kunit *test)
{
	unsigned long buf = bm_user_buf(test, 2 * PAGE_SIZE, 0x77);
	struct task_struct *task = sim_current();
	struct task_struct kworker = { .pid = 0, .mm = NULL };
	struct request_queue q;
	struct request rq;
	struct iov_iter iter;
	struct bvec_iter_all it;
	struct bio_vec *bv;
	int ret;

	bm_queue_init(&q);
	iov_iter_ubuf(&iter, ITER_DEST, buf + 100, 4096);
	blk_rq_init(&q, &rq, REQ_OP_DRV_IN);
	KUNIT_ASSERT_EQ(test, blk_rq_map_user_iov(&q, &rq, NULL, &iter, 0), 0);
	bio_for_each_segment_all(bv, rq.bio, it)
		memset((char *)page_address(bv->bv_page) + bv->bv_offset, 0xc3, bv->bv_len);
	sim_task_switch(&kworker);
	ret = blk_rq_unmap_user(rq.bio);
	sim_task_switch(task);
	KUNIT_EXPECT_EQ(test, ret, -EINTR);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(buf, 0x77, 2 * PAGE_SIZE));
	t_mm_munmap(test, buf, 2 * PAGE_SIZE);
}

/* ---- EDGE-16 / R-BUG-6: the same-page pin ------------------------------------------- */

struct bm_same_page_case {
	const char *desc;
	bool v65_leak;
};

static const struct bm_same_page_case bm_same_page_cases[] = {
	{ "v6.6 fix: one pin", false },
	{ "v6.5: one pin leaked", true },
};

static void bm_same_page_desc(const struct bm_same_page_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(bm_same_page, bm_same_page_cases, bm_same_page_desc);

/*
 * EDGE-16 through blk-map: two iovecs in one page P, mapped for a WRITE:
 *   P: |  iov[0] 0..2047  |  iov[1] 2048..4095  |
 * Each extraction pins P; the second fragment merges into the bvec that
 * already ends in P (same_page).
 * Expect one bvec of 4096 bytes; with the v6.6 fix P holds one pin while
 * mapped (2 acquired, 1 released at once) and none after the unmap; with
 * the v6.5 behaviour P holds two pins and one is still held after the
 * unmap: the leak, which the test then drops by hand.
 */
static void blk_map_edge16_same_page_pins(struct kunit *test)
{
	const struct bm_same_page_case *sc = test->param_value;
	unsigned long buf = bm_user_buf(test, PAGE_SIZE, 0x33);
	struct iovec iov[2] = { { (void *)buf, 2048 }, { (void *)(buf + 2048), 2048 } };
	struct page *page = t_mm_page(t_mm(), buf);
	int ref = page_ref_count(page);
	struct request_queue q;
	struct request rq;
	struct iov_iter iter;
	struct bm_pins p;

	blk_map_v65_same_page_leak = sc->v65_leak;
	bm_queue_init(&q);
	iov_iter_init(&iter, ITER_SOURCE, iov, 2, 4096);
	blk_rq_init(&q, &rq, REQ_OP_DRV_OUT);
	bm_pins(&p);
	KUNIT_ASSERT_EQ(test, blk_rq_map_user_iov(&q, &rq, NULL, &iter, 0), 0);
	KUNIT_EXPECT_EQ(test, bm_nr_bios(&rq), 1U);
	KUNIT_EXPECT_EQ(test, rq.bio->bi_vcnt, 1);
	KUNIT_EXPECT_EQ(test, rq.bio->bi_io_vec[0].bv_len, 4096U);
	KUNIT_EXPECT_EQ(test, bm_acquired_since(&p), 2UL);
	KUNIT_EXPECT_EQ(test, bm_released_since(&p), sc->v65_leak ? 0UL : 1UL);
	KUNIT_EXPECT_EQ(test, page_ref_count(page),
			ref + (sc->v65_leak ? 2 : 1) * (int)GUP_PIN_COUNTING_BIAS);

	KUNIT_EXPECT_EQ(test, blk_rq_unmap_user(rq.bio), 0);
	KUNIT_EXPECT_EQ(test, bm_released_since(&p), sc->v65_leak ? 1UL : 2UL);
	KUNIT_EXPECT_EQ(test, page_ref_count(page),
			ref + (sc->v65_leak ? (int)GUP_PIN_COUNTING_BIAS : 0));
	KUNIT_EXPECT_EQ(test, folio_maybe_dma_pinned(page_folio(page)), sc->v65_leak);
	if (sc->v65_leak)
		unpin_user_page(page);	/* the leaked pin */
	KUNIT_EXPECT_EQ(test, page_ref_count(page), ref);
	blk_map_v65_same_page_leak = false;
	t_mm_munmap(test, buf, PAGE_SIZE);
}

/* ---- EDGE-24: unwinding ----------------------------------------------------------------- */

/*
 * EDGE-24, blk_rq_append_bio() failing: a queue of at most 4 segments of
 * one page each, and an 8-page WRITE:
 *   bio 1: pages 0-3 (pages 4-7 extracted too, unpinned at once) -> appended
 *   bio 2: pages 4-7 -> append: 4 + 4 segments > 4 -> -EINVAL
 * Expect -EINVAL, no bio left on the request, bio 2's pins dropped by its
 * own error path and bio 1 unmapped by blk_rq_map_user_iov(): 12 pins
 * acquired and 12 released, every page's refcount back.
 */
static void blk_map_edge24_append_failure_drops_every_pin(struct kunit *test)
{
	unsigned long buf = bm_user_buf(test, 8 * PAGE_SIZE, 0x44);
	long unwound = atomic_long_read(&blk_map_nr_unwound);
	struct request_queue q;
	struct request rq;
	struct iov_iter iter;
	struct bm_pins p;

	bm_queue_init(&q);
	q.limits.max_segments = 4;
	q.limits.max_segment_size = PAGE_SIZE;
	iov_iter_ubuf(&iter, ITER_SOURCE, buf, 8 * PAGE_SIZE);
	blk_rq_init(&q, &rq, REQ_OP_DRV_OUT);
	bm_pins(&p);
	KUNIT_EXPECT_EQ(test, blk_rq_map_user_iov(&q, &rq, NULL, &iter, 0), -EINVAL);
	KUNIT_EXPECT_NULL(test, rq.bio);
	KUNIT_EXPECT_EQ(test, bm_acquired_since(&p), 12UL);
	KUNIT_EXPECT_EQ(test, bm_released_since(&p), 12UL);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&blk_map_nr_unwound) - unwound, 1L);
	KUNIT_EXPECT_FALSE(test, folio_maybe_dma_pinned(page_folio(t_mm_page(t_mm(), buf))));
	t_mm_munmap(test, buf, 8 * PAGE_SIZE);
}

struct bm_sweep_case {
	const char *desc;
	unsigned long off;	/* 0: pinned mapping; 100: bounce copy */
};

static const struct bm_sweep_case bm_sweep_cases[] = {
	{ "mapped (pinned) bios", 0 },
	{ "copied (bounce) bios", 100 },
};

static void bm_sweep_desc(const struct bm_sweep_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(bm_sweep, bm_sweep_cases, bm_sweep_desc);

#define BM_SWEEP_PAGES	300

/*
 * EDGE-24 with fault injection (F1, F2): a 300-page WRITE needs two bios
 * (256 one-page segments, then 44: max_segment_size is one page). Fail the
 * Nth allocation of any kind, N = 1, 2, ... until the mapping succeeds:
 *   N:      1 ......... k (bio 2's allocations) ......... success
 *   fails:  in bio 1    in bio 2: bio 1 already appended, unwound
 * Expect every failing N to return -ENOMEM (-EFAULT when it hits the copy
 * of user data into a bounce page) with no bio on the request and
 * no pin or bounce page left (pins acquired == released), at least one
 * failure inside the second bio that unwound the first, and the final
 * mapping to hold two bios that unmap cleanly.
 */
static void blk_map_edge24_fail_nth_alloc_unwinds(struct kunit *test)
{
	const struct bm_sweep_case *sc = test->param_value;
	const size_t len = BM_SWEEP_PAGES * PAGE_SIZE;
	unsigned long buf = bm_user_buf(test, len + PAGE_SIZE, 0x55);
	long unwound = atomic_long_read(&blk_map_nr_unwound);
	unsigned long nth, second_bio_failures = 0;
	long live = sim_nr_free_frames();
	struct request_queue q;
	struct request rq;
	struct iov_iter iter;
	struct bm_pins p;
	int ret = -ENOMEM;

	bm_queue_init(&q);
	q.limits.max_segments = 512;
	q.limits.max_segment_size = PAGE_SIZE;
	q.limits.max_hw_sectors = 4096;
	for (nth = 1; nth < 2000 && ret; nth++) {
		long before = atomic_long_read(&blk_map_nr_unwound);

		iov_iter_ubuf(&iter, ITER_SOURCE, buf + sc->off, len);
		blk_rq_init(&q, &rq, REQ_OP_DRV_OUT);
		bm_pins(&p);
		sim_fail_alloc_after(nth);
		ret = blk_rq_map_user_iov(&q, &rq, NULL, &iter, 0);
		sim_fail_alloc_after(0);
		if (!ret)
			break;
		/* -EFAULT: the failure hit the copy from user memory (F8). */
		KUNIT_EXPECT_TRUE_MSG(test, ret == -ENOMEM || ret == -EFAULT, "nth %lu: %d", nth,
				      ret);
		KUNIT_EXPECT_NULL_MSG(test, rq.bio, "nth %lu", nth);
		KUNIT_EXPECT_EQ_MSG(test, bm_acquired_since(&p), bm_released_since(&p), "nth %lu",
				    nth);
		KUNIT_EXPECT_EQ_MSG(test, (long)sim_nr_free_frames(), live, "nth %lu", nth);
		second_bio_failures += atomic_long_read(&blk_map_nr_unwound) != before;
	}
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_GT(test, nth, 2UL);
	KUNIT_EXPECT_GT(test, second_bio_failures, 0UL);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&blk_map_nr_unwound) - unwound,
			(long)second_bio_failures);
	KUNIT_EXPECT_EQ(test, bm_nr_bios(&rq), 2U);
	KUNIT_EXPECT_EQ(test, blk_rq_bytes(&rq), len);
	KUNIT_EXPECT_EQ(test, blk_rq_unmap_user(rq.bio), 0);
	KUNIT_EXPECT_EQ(test, bm_acquired_since(&p), bm_released_since(&p));
	t_mm_munmap(test, buf, len + PAGE_SIZE);
}

/* ---- sim_passthrough() on a ram disk -------------------------------------------------- */

/*
 * sim_passthrough() end to end: WRITE 8 KiB from an aligned buffer at
 * sector 16 (mapped: 2 pins), READ it back into another aligned buffer
 * (mapped, dirtied, 2 pins); then WRITE from a misaligned buffer B+100 at
 * sector 64 (bounced: no pin) and READ it back through a misaligned
 * buffer (bounced, copied back).
 * Expect 8192 for each, the bytes round-tripping, pins only for the
 * aligned ones, and O_DIRECT reads seeing the same bytes on the disk.
 */
static void blk_map_passthrough_round_trip(struct kunit *test)
{
	unsigned long src = bm_user_buf(test, 3 * PAGE_SIZE, 0x5c);
	unsigned long dst = bm_user_buf(test, 3 * PAGE_SIZE, 0);
	int fd = sim_open(BM_DEV, O_RDWR | O_DIRECT, 0);
	struct iovec iov = { (void *)src, 8192 };
	struct bm_pins p;

	KUNIT_ASSERT_GE(test, fd, 0);
	bm_pins(&p);
	KUNIT_EXPECT_EQ(test, sim_passthrough(fd, true, &iov, 1, 16), 8192);
	iov.iov_base = (void *)dst;
	KUNIT_EXPECT_EQ(test, sim_passthrough(fd, false, &iov, 1, 16), 8192);
	KUNIT_EXPECT_EQ(test, bm_acquired_since(&p), 4UL);
	KUNIT_EXPECT_EQ(test, bm_released_since(&p), 4UL);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(dst, 0x5c, 8192));
	KUNIT_EXPECT_TRUE(test, folio_test_dirty(page_folio(t_mm_page(t_mm(), dst))));

	t_mm_fill(test, src + 100, 0xa7, 8192);
	t_mm_fill(test, dst, 0, 3 * PAGE_SIZE);
	bm_pins(&p);
	iov = (struct iovec){ (void *)(src + 100), 8192 };
	KUNIT_EXPECT_EQ(test, sim_passthrough(fd, true, &iov, 1, 64), 8192);
	iov = (struct iovec){ (void *)(dst + 100), 8192 };
	KUNIT_EXPECT_EQ(test, sim_passthrough(fd, false, &iov, 1, 64), 8192);
	KUNIT_EXPECT_EQ(test, bm_acquired_since(&p), 0UL);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(dst + 100, 0xa7, 8192));
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(dst, 0, 100));

	t_mm_fill(test, dst, 0, 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sim_pread(fd, dst, 8192, 64 * 512), 8192);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(dst, 0xa7, 8192));
	KUNIT_EXPECT_EQ(test, sim_pread(fd, dst, 8192, 16 * 512), 8192);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(dst, 0x5c, 8192));
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	t_mm_munmap(test, src, 3 * PAGE_SIZE);
	t_mm_munmap(test, dst, 3 * PAGE_SIZE);
}

/*
 * sim_passthrough() of 300 pages on a disk whose segments hold one page:
 * the request is a chain of two bios, executed one after the other.
 *   bio 1: extract 256, add 256; extract 44 more, the bio is full: unpin 44
 *   bio 2: extract 44, add 44
 * Expect 1228800 bytes both ways, the data round-tripping, and per
 * direction 344 pins acquired and released: the 44 pages that bio 1
 * extracted without room for them are pinned twice (R-MAP-2).
 */
static void blk_map_passthrough_two_bio_chain(struct kunit *test)
{
	const size_t len = BM_SWEEP_PAGES * PAGE_SIZE;
	unsigned long src = bm_user_buf(test, len, 0x6d), dst = bm_user_buf(test, len, 0);
	struct iovec iov = { (void *)src, len };
	struct queue_limits lim;
	struct bm_pins p;
	int fd;

	KUNIT_ASSERT_EQ(test, sim_disk_get_limits(BM_DISK, &lim), 0);
	lim.max_segments = 512;
	lim.max_segment_size = PAGE_SIZE;
	lim.max_hw_sectors = 4096;
	lim.max_sectors = 4096;
	KUNIT_ASSERT_EQ(test, sim_disk_set_limits(BM_DISK, &lim), 0);
	fd = sim_open(BM_DEV, O_RDWR, 0);
	KUNIT_ASSERT_GE(test, fd, 0);
	bm_pins(&p);
	KUNIT_EXPECT_EQ(test, sim_passthrough(fd, true, &iov, 1, 0), (ssize_t)len);
	iov.iov_base = (void *)dst;
	KUNIT_EXPECT_EQ(test, sim_passthrough(fd, false, &iov, 1, 0), (ssize_t)len);
	KUNIT_EXPECT_EQ(test, bm_acquired_since(&p), 2UL * (BM_SWEEP_PAGES + 44));
	KUNIT_EXPECT_EQ(test, bm_released_since(&p), 2UL * (BM_SWEEP_PAGES + 44));
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(dst, 0x6d, len));
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	t_mm_munmap(test, src, len);
	t_mm_munmap(test, dst, len);
}

/*
 * sim_passthrough() refusals, none of which pins:
 *   length 100 (not whole blocks), a sector at the end, a range straddling
 *   the end, a negative iovcnt, an empty iovec               -> -EINVAL
 *   WRITE on a read-only fd, an fd that is not open          -> -EBADF
 * Expect those and no pin taken; the last whole 4 KiB of the disk then
 * reads fine.
 */
static void blk_map_passthrough_bad_inputs(struct kunit *test)
{
	unsigned long buf = bm_user_buf(test, PAGE_SIZE, 0x12);
	int ro = sim_open(BM_DEV, O_RDONLY, 0);
	struct iovec iov = { (void *)buf, 100 };
	struct bm_pins p;

	KUNIT_ASSERT_GE(test, ro, 0);
	bm_pins(&p);
	KUNIT_EXPECT_EQ(test, sim_passthrough(ro, false, &iov, 1, 0), -EINVAL);
	iov.iov_len = 4096;
	KUNIT_EXPECT_EQ(test, sim_passthrough(ro, false, &iov, 1, BM_DISK_BYTES / 512), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_passthrough(ro, false, &iov, 1, BM_DISK_BYTES / 512 - 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_passthrough(ro, false, &iov, -1, 0), -EINVAL);
	iov.iov_len = 0;
	KUNIT_EXPECT_EQ(test, sim_passthrough(ro, false, &iov, 1, 0), -EINVAL);
	iov.iov_len = 4096;
	KUNIT_EXPECT_EQ(test, sim_passthrough(ro, true, &iov, 1, 0), -EBADF);
	KUNIT_EXPECT_EQ(test, sim_passthrough(ro + 1, false, &iov, 1, 0), -EBADF);
	KUNIT_EXPECT_EQ(test, bm_acquired_since(&p), 0UL);
	KUNIT_EXPECT_EQ(test, sim_passthrough(ro, false, &iov, 1, BM_DISK_BYTES / 512 - 8), 4096);
	KUNIT_EXPECT_EQ(test, sim_close(ro), 0);
	t_mm_munmap(test, buf, PAGE_SIZE);
}

static struct kunit_case bm_test_cases[] = {
	KUNIT_CASE_PARAM(blk_map_edge23_decision_table, bm_decision_gen_params),
	KUNIT_CASE(blk_map_edge23_copy_read_zero_fill_and_copy_back),
	KUNIT_CASE(blk_map_copy_read_unmap_without_mm_is_eintr),
	KUNIT_CASE_PARAM(blk_map_edge16_same_page_pins, bm_same_page_gen_params),
	KUNIT_CASE(blk_map_edge24_append_failure_drops_every_pin),
	KUNIT_CASE_PARAM(blk_map_edge24_fail_nth_alloc_unwinds, bm_sweep_gen_params),
	KUNIT_CASE(blk_map_passthrough_round_trip),
	KUNIT_CASE(blk_map_passthrough_two_bio_chain),
	KUNIT_CASE(blk_map_passthrough_bad_inputs),
	{}
};

struct kunit_suite blk_map_suite = {
	.name = "blk_map",
	.init = bm_test_init,
	.exit = bm_test_exit,
	.test_cases = bm_test_cases,
};
