// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for fixed I/O on registered buffers (sim/aio_rsrc.c,
 * sim_aio_submit_fixed(), io_uring's READ_FIXED/WRITE_FIXED): the data
 * moves through each O_DIRECT path (raw block device, simfs iomap, simfs
 * legacy direct-io) from an ITER_BVEC over the registered pages, with no
 * pin and no reference taken per I/O (R-ITER-4, R-ITER-8, R-BIO-4,
 * R-BIO-10), and the buffers stay pinned until the last fixed I/O in
 * flight completes, even across an unregister (v6.5 quiesce).
 *
 * Every case boots a 64 MiB machine (THP on; small-page buffers are
 * MADV_NOHUGEPAGE) with a 4 MiB raw RAM disk and an 8 MiB one for simfs,
 * and shuts it down expecting no leaks. The bad inputs of the call are
 * rows of tests/bad_input_test.c (32f*).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pinio/bio.h>
#include <pinio/blk_types.h>
#include <pinio/mm.h>
#include <pinio/sched.h>
#include <pinio/sim.h>

#include "kunit/test.h"
#include "mm_helpers.h"
#include "suites.h"

#define FX_DISK		"fx"
#define FX_DEV		"/dev/fx"
#define FX_FSDISK	"fxfs"
#define FX_FSDEV	"/dev/fxfs"
#define FX_MNT		"/mnt"
#define FX_FILE		FX_MNT "/f"
#define FX_TARGET	(1UL << 20)	/* bytes of the disk or file written first */
#define FX_MAX_PAGES	256		/* largest registered buffer, in pages */
#define FX_SEED_TARGET	1
#define FX_SEED_BUF	2

static const struct sim_config fx_cfg = { .mem_bytes = 64UL << 20, .thp = true };

static int fx_init(struct kunit *test)
{
	int ret = t_mm_boot(&fx_cfg);

	if (!ret)
		ret = sim_ramdisk_create(FX_DISK, 4UL << 20, 512);
	if (!ret)
		ret = sim_ramdisk_create(FX_FSDISK, 8UL << 20, 512);
	return ret;
}

static void fx_exit(struct kunit *test)
{
	if (!sim_booted())
		return;
	sim_umount(FX_MNT);
	sim_disk_destroy(FX_DISK);
	sim_disk_destroy(FX_FSDISK);
	t_mm_shutdown(test);
}

static unsigned char fx_pat(unsigned long i, unsigned int seed)
{
	return (unsigned char)((i * 13 + seed * 101 + (i >> 9) * 7) & 0xff);
}

static void fx_fill(struct kunit *test, unsigned long addr, size_t len, unsigned int seed)
{
	unsigned char *b = malloc(len);
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, b);
	for (i = 0; i < len; i++)
		b[i] = fx_pat(i, seed);
	KUNIT_ASSERT_EQ(test, sim_user_write(addr, b, len), (ssize_t)len);
	free(b);
}

/* ---- the three O_DIRECT paths ------------------------------------------ */

enum fx_path { FX_RAW, FX_IOMAP, FX_LEGACY };

struct fx_world {
	enum fx_path path;
	int fd;
	const char *disk;	/* the disk the bios go to */
	bool mounted;
};

/*
 * Open the target O_DIRECT and write FX_TARGET bytes of pattern
 * FX_SEED_TARGET to it (simfs: allocated and fsync'd, so nothing is
 * cached and every later I/O is inside the file).
 */
static void fx_open(struct kunit *test, struct fx_world *w, enum fx_path path)
{
	unsigned long tmp = t_mm_mmap(test, FX_TARGET, PROT_READ | PROT_WRITE, MAP_PRIVATE);

	w->path = path;
	if (path == FX_RAW) {
		w->disk = FX_DISK;
		w->fd = sim_open(FX_DEV, O_RDWR | O_DIRECT, 0);
	} else {
		w->disk = FX_FSDISK;
		KUNIT_ASSERT_EQ(test, sim_mkfs(FX_FSDEV, "simfs", NULL), 0);
		KUNIT_ASSERT_EQ(test, sim_mount(FX_FSDEV, FX_MNT,
						path == FX_IOMAP ? "dio=iomap" : "dio=legacy"), 0);
		w->mounted = true;
		w->fd = sim_open(FX_FILE, O_RDWR | O_CREAT | O_DIRECT, 0644);
	}
	KUNIT_ASSERT_GE(test, w->fd, 0);
	fx_fill(test, tmp, FX_TARGET, FX_SEED_TARGET);
	KUNIT_ASSERT_EQ(test, sim_pwrite(w->fd, tmp, FX_TARGET, 0), (ssize_t)FX_TARGET);
	if (w->mounted)
		KUNIT_ASSERT_EQ(test, sim_fsync(w->fd), 0);
	t_mm_munmap(test, tmp, FX_TARGET);
}

static void fx_close(struct kunit *test, struct fx_world *w)
{
	KUNIT_EXPECT_EQ(test, sim_close(w->fd), 0);
	if (w->mounted)
		KUNIT_EXPECT_EQ(test, sim_umount(FX_MNT), 0);
}

/* The target's first FX_TARGET bytes, read back O_DIRECT (malloc'ed). */
static unsigned char *fx_target_bytes(struct kunit *test, struct fx_world *w)
{
	unsigned long tmp = t_mm_mmap(test, FX_TARGET, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	unsigned char *b = malloc(FX_TARGET);

	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, sim_pread(w->fd, tmp, FX_TARGET, 0), (ssize_t)FX_TARGET);
	KUNIT_EXPECT_EQ(test, sim_user_read(tmp, b, FX_TARGET), (ssize_t)FX_TARGET);
	t_mm_munmap(test, tmp, FX_TARGET);
	return b;
}

/* ---- what the driver sees ------------------------------------------------- */

struct fx_seen {
	pthread_mutex_t lock;
	unsigned int bios;
	unsigned int flags_or;		/* OR of every bio's bi_flags */
};

static void fx_seen_hook(const struct bio *bio, void *arg)
{
	struct fx_seen *s = arg;

	pthread_mutex_lock(&s->lock);
	s->bios++;
	s->flags_or |= bio->bi_flags;
	pthread_mutex_unlock(&s->lock);
}

/* ---- the buffer ----------------------------------------------------------- */

struct fx_buf {
	unsigned long map, map_len;	/* what to munmap */
	unsigned long base;		/* first page of the buffer */
	unsigned int npages;
};

/*
 * @npages of pattern FX_SEED_BUF (indexed from @base): small pages, or,
 * with @thp, inside one 2 MiB folio (64 KiB into it).
 */
static void fx_buf_map(struct kunit *test, struct fx_buf *b, unsigned int npages, bool thp)
{
	b->npages = npages;
	if (thp) {
		unsigned long hp;

		b->map_len = 4UL << 20;
		b->map = t_mm_mmap(test, b->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
		hp = ALIGN(b->map, 2UL << 20);
		t_mm_fill(test, hp, 0, 2UL << 20);
		KUNIT_ASSERT_TRUE_MSG(test, folio_test_large(page_folio(t_mm_page(t_mm(), hp))),
				      "no THP at %#lx", hp);
		b->base = hp + (64UL << 10);
	} else {
		b->map_len = (unsigned long)npages * PAGE_SIZE;
		b->map = t_mm_mmap(test, b->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
		KUNIT_ASSERT_EQ(test, sim_madvise(b->map, b->map_len, MADV_NOHUGEPAGE), 0);
		b->base = b->map;
	}
	fx_fill(test, b->base, (size_t)npages * PAGE_SIZE, FX_SEED_BUF);
}

/* The buffer pages' folio refcounts. */
static void fx_refs(const struct fx_buf *b, int *ref)
{
	unsigned int i;

	for (i = 0; i < b->npages; i++)
		ref[i] = folio_ref_count(page_folio(t_mm_page(t_mm(), b->base + i * PAGE_SIZE)));
}

struct fx_counts {
	struct sim_ledger l;
	unsigned long pin_acq, pin_rel, get_acq;
	int ref[FX_MAX_PAGES];
};

static void fx_counts(const struct fx_buf *b, struct fx_counts *c)
{
	sim_ledger_read(&c->l);
	c->pin_acq = sim_vmstat("nr_foll_pin_acquired");
	c->pin_rel = sim_vmstat("nr_foll_pin_released");
	c->get_acq = sim_vmstat("pinio_foll_get_acquired");
	fx_refs(b, c->ref);
}

/* Nothing pinned, referenced or released since @a: the ledger too. */
static void fx_counts_same(struct kunit *test, const struct fx_buf *b, const struct fx_counts *a,
			   const char *when)
{
	struct fx_counts c;

	fx_counts(b, &c);
	KUNIT_EXPECT_EQ_MSG(test, c.l.pins, a->l.pins, "%s: ledger pins", when);
	KUNIT_EXPECT_EQ_MSG(test, c.l.violations, a->l.violations, "%s: violations", when);
	KUNIT_EXPECT_EQ_MSG(test, c.pin_acq, a->pin_acq, "%s: pins acquired", when);
	KUNIT_EXPECT_EQ_MSG(test, c.pin_rel, a->pin_rel, "%s: pins released", when);
	KUNIT_EXPECT_EQ_MSG(test, c.get_acq, a->get_acq, "%s: FOLL_GET refs", when);
	KUNIT_EXPECT_MEMEQ_MSG(test, c.ref, a->ref, b->npages * sizeof(int),
			       "%s: buffer page refcounts", when);
}

/* ---- read_fixed / write_fixed on each path ------------------------------------ */

struct fx_row {
	const char *desc;
	enum fx_path path;
	bool write;
	bool thp;		/* the buffer lies in one THP: one coalesced bvec */
	unsigned int npages;	/* buffer pages mapped */
	unsigned int reg_off;	/* registration starts this far into the first page */
	unsigned long io_off;	/* the I/O starts this far into the registered range */
	size_t len;
	off_t pos;		/* file offset */
};

/*
 *   pages:      | p0        | p1        | p2 ...            (pattern FX_SEED_BUF)
 *   registered:    [reg_off ..................... end of the last page)
 *   bvecs:      [p0+reg_off, rest of p0] [p1] [p2] ...   (THP: one bvec)
 *   fixed I/O:           [io_off, io_off + len)  <->  file [pos, pos + len)
 *
 * io_off past the first bvec takes io_import_fixed()'s whole-bvec skip;
 * 180 pages make 180 bvecs, split by the raw disk's 128-segment limit.
 * simfs rows keep to whole 4 KiB blocks (no sub-block zeroing).
 */
static const struct fx_row fx_rows[] = {
	{ "raw read_fixed, one page", FX_RAW, false, false, 8, 0, 0, 4096, 0 },
	{ "raw write_fixed, 3 pages, registered at +512, I/O at +512", FX_RAW, true, false, 8,
	  512, 512, 3 * 4096, 8192 },
	{ "raw read_fixed past the first bvec (bvec skip)", FX_RAW, false, false, 8, 512, 5120,
	  8192, 4096 },
	{ "raw write_fixed, the buffer's last 512 bytes", FX_RAW, true, false, 8, 512,
	  8 * 4096 - 1024, 512, 512 },
	{ "raw read_fixed of 0 bytes", FX_RAW, false, false, 8, 0, 4096, 0, 0 },
	{ "raw write_fixed of 180 bvecs: split", FX_RAW, true, false, 200, 0, 8192,
	  180 * 4096, 65536 },
	{ "raw read_fixed from a THP buffer (one bvec)", FX_RAW, false, true, 16, 0, 4096 + 512,
	  5 * 4096, 1024 },
	{ "iomap read_fixed, 4 pages", FX_IOMAP, false, false, 8, 0, 0, 4 * 4096, 4096 },
	{ "iomap write_fixed past the first bvec", FX_IOMAP, true, false, 8, 512, 5120, 8192,
	  8192 },
	{ "iomap write_fixed from a THP buffer", FX_IOMAP, true, true, 16, 0, 512, 8 * 4096,
	  0 },
	{ "iomap read_fixed of 180 bvecs", FX_IOMAP, false, false, 200, 512, 4096, 180 * 4096,
	  0 },
	{ "legacy read_fixed past the first bvec", FX_LEGACY, false, false, 8, 512, 5120, 8192,
	  0 },
	{ "legacy write_fixed, 3 pages", FX_LEGACY, true, false, 8, 0, 4096, 3 * 4096, 4096 },
	{ "legacy read_fixed into a THP buffer", FX_LEGACY, false, true, 16, 512, 1024,
	  6 * 4096, 8192 },
};

static void fx_row_desc(const struct fx_row *r, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", r->desc);
}

KUNIT_ARRAY_PARAM(fx_row, fx_rows, fx_row_desc);

/*
 * Scenario: one READ_FIXED or WRITE_FIXED per row (table above), the disk
 * holding its bios (SIM_IO_HOLD) so the I/O can be looked at in flight.
 *   register -> (counts) -> hold -> submit_fixed -> (in flight: counts)
 *            -> release -> reap -> (counts) -> data -> unregister
 * Expect while in flight and after: not one pin, unpin or FOLL_GET, the
 * ledger's pins and the buffer pages' refcounts as after the registration
 * (R-ITER-4/8: a bvec iterator is neither pinned nor reffed); every bio the
 * driver got carries neither BIO_PAGE_PINNED nor BIO_PAGE_REFFED (R-BIO-4,
 * R-BIO-10); the result is the length; a write put the buffer's bytes at
 * [pos, pos + len) of the file and nothing else changed, a read put the
 * file's bytes at [addr, addr + len) of the buffer and nothing else
 * changed; the registration pinned each page once (THP: one pin for the
 * folio) and unregistering drops exactly that.
 */
static void aio_fixed_rw(struct kunit *test)
{
	const struct fx_row *r = test->param_value;
	const struct sim_io_fault hold = { .flags = SIM_IO_HOLD };
	const size_t buf_bytes = (size_t)r->npages * PAGE_SIZE;
	struct fx_seen seen = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct fx_world w = { 0 };
	struct fx_counts *c0 = malloc(sizeof(*c0));
	struct sim_ledger l_reg;
	struct fx_buf b;
	struct sim_aio *ring = sim_aio_create(4);
	unsigned char *before = malloc(buf_bytes), *after = malloc(buf_bytes), *t;
	unsigned long addr;
	struct iovec iov;
	int64_t res = 0;
	uint64_t tag = 0;
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, c0);
	KUNIT_ASSERT_NOT_NULL(test, before);
	KUNIT_ASSERT_NOT_NULL(test, after);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ring));
	/* The buffer first: a 2 MiB range that held page tables gets no THP. */
	fx_buf_map(test, &b, r->npages, r->thp);
	fx_open(test, &w, r->path);
	KUNIT_ASSERT_EQ(test, sim_user_read(b.base, before, buf_bytes), (ssize_t)buf_bytes);

	sim_ledger_read(&l_reg);
	iov.iov_base = (void *)(b.base + r->reg_off);
	iov.iov_len = buf_bytes - r->reg_off;
	KUNIT_ASSERT_EQ(test, sim_aio_register_buffers(ring, &iov, 1), 0);
	addr = b.base + r->reg_off + r->io_off;
	fx_counts(&b, c0);
	KUNIT_EXPECT_EQ(test, c0->l.pins - l_reg.pins, r->thp ? 1 : (long)r->npages);

	KUNIT_ASSERT_EQ(test, sim_disk_set_bio_hook(w.disk, fx_seen_hook, &seen), 0);
	KUNIT_ASSERT_EQ(test, sim_disk_inject(w.disk, &hold), 0);
	KUNIT_ASSERT_EQ(test, sim_aio_submit_fixed(ring, w.fd, r->write, 0, addr, r->len, r->pos,
						   42), 0);
	if (r->len) {
		KUNIT_EXPECT_EQ(test, sim_aio_reap(ring, 0, 1, &res, &tag), 0);
		KUNIT_EXPECT_GT(test, seen.bios, 0U);
	}
	fx_counts_same(test, &b, c0, "in flight");
	KUNIT_ASSERT_EQ(test, sim_disk_inject(w.disk, NULL), 0);
	sim_disk_release(w.disk);
	KUNIT_EXPECT_EQ(test, sim_aio_reap(ring, 1, 1, &res, &tag), 1);
	KUNIT_EXPECT_EQ(test, res, (int64_t)r->len);
	KUNIT_EXPECT_EQ(test, tag, 42U);
	fx_counts_same(test, &b, c0, "completed");
	sim_disk_set_bio_hook(w.disk, NULL, NULL);
	KUNIT_EXPECT_EQ(test, seen.bios > 0, r->len > 0);
	KUNIT_EXPECT_FALSE(test, seen.flags_or & (1U << BIO_PAGE_PINNED));
	KUNIT_EXPECT_FALSE(test, seen.flags_or & (1U << BIO_PAGE_REFFED));

	/* The bytes. */
	KUNIT_ASSERT_EQ(test, sim_user_read(b.base, after, buf_bytes), (ssize_t)buf_bytes);
	t = fx_target_bytes(test, &w);
	if (r->write) {
		KUNIT_EXPECT_MEMEQ(test, after, before, buf_bytes);
		for (i = 0; i < FX_TARGET; i++) {
			unsigned char want = fx_pat(i, FX_SEED_TARGET);

			if (i >= (size_t)r->pos && i < (size_t)r->pos + r->len)
				want = before[addr - b.base + (i - (size_t)r->pos)];
			if (t[i] != want) {
				KUNIT_FAIL(test, "file byte %zu: %#x, want %#x", i, t[i], want);
				break;
			}
		}
	} else {
		for (i = 0; i < buf_bytes; i++) {
			unsigned char want = before[i];

			if (i >= addr - b.base && i < addr - b.base + r->len)
				want = fx_pat((size_t)r->pos + i - (addr - b.base), FX_SEED_TARGET);
			if (after[i] != want) {
				KUNIT_FAIL(test, "buffer byte %zu: %#x, want %#x", i, after[i], want);
				break;
			}
		}
		for (i = 0; i < FX_TARGET; i++)
			if (t[i] != fx_pat(i, FX_SEED_TARGET)) {
				KUNIT_FAIL(test, "file byte %zu changed by a read", i);
				break;
			}
	}
	free(t);

	KUNIT_EXPECT_EQ(test, sim_aio_unregister_buffers(ring), 0);
	fx_counts(&b, c0);
	KUNIT_EXPECT_EQ(test, c0->l.pins, l_reg.pins);
	sim_aio_destroy(ring);
	t_mm_munmap(test, b.map, b.map_len);
	fx_close(test, &w);
	free(before);
	free(after);
	free(c0);
}

/* ---- unregister (or destroy) while fixed I/O is in flight --------------------- */

struct fx_releaser {
	const char *disk;
	int released;
};

/* Another thread: let the held bios go after a while, say so first. */
static void *fx_release_later(void *arg)
{
	struct fx_releaser *rel = arg;

	usleep(30 * 1000);
	__atomic_store_n(&rel->released, 1, __ATOMIC_SEQ_CST);
	sim_disk_inject(rel->disk, NULL);
	sim_disk_release(rel->disk);
	return NULL;
}

struct fx_inflight_row {
	const char *desc;
	enum fx_path path;
	bool destroy;		/* sim_aio_destroy() instead of unregister */
};

/*
 *   register B (4 pages) -> write_fixed B -> disk holds the bio
 *   munmap B: its pages are held by the registration's pins alone
 *   unregister ... blocks (quiesce) ...  <- other thread: release the bio
 *                                           DMA reads B's pages, CQE posted
 *   ... unregister returns: B unpinned, its pages freed
 */
static const struct fx_inflight_row fx_inflight_rows[] = {
	{ "raw: unregister waits for the write_fixed", FX_RAW, false },
	{ "raw: destroy waits for the write_fixed", FX_RAW, true },
	{ "iomap: unregister waits for the write_fixed", FX_IOMAP, false },
	{ "legacy: unregister waits for the write_fixed", FX_LEGACY, false },
};

static void fx_inflight_desc(const struct fx_inflight_row *r, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", r->desc);
}

KUNIT_ARRAY_PARAM(fx_inflight, fx_inflight_rows, fx_inflight_desc);

/*
 * Scenario: unregister (or destroy the ring) while a WRITE_FIXED from the
 * buffer is held at the disk, with the buffer already unmapped, so the
 * registration's pins are all that keep its pages (table above). v6.5
 * quiesces (io_rsrc_ref_quiesce()): the unregister sleeps until the fixed
 * I/O completed, then unpins.
 * Expect the unregister to return 0 only after the other thread released
 * the bio, the completion (the full length) to be posted by then, no
 * violation (I9: the device never read an unpinned or freed page: a freed
 * page would hand the disk its poison pattern), the disk to hold B's
 * bytes, and the ledger's pins and live folios back to where they were
 * before B existed.
 */
static void aio_fixed_unregister_inflight(struct kunit *test)
{
	const struct fx_inflight_row *r = test->param_value;
	const struct sim_io_fault hold = { .flags = SIM_IO_HOLD };
	const size_t len = 4 * PAGE_SIZE;
	struct fx_world w = { 0 };
	struct fx_releaser rel = { 0 };
	struct sim_ledger l0, l1;
	struct sim_aio *ring = sim_aio_create(2);
	struct fx_buf b;
	struct iovec iov;
	pthread_t thr;
	unsigned char *t;
	int64_t res = 0;
	size_t i;

	KUNIT_ASSERT_FALSE(test, IS_ERR(ring));
	fx_open(test, &w, r->path);
	sim_ledger_read(&l0);
	fx_buf_map(test, &b, 4, false);
	iov.iov_base = (void *)b.base;
	iov.iov_len = len;
	KUNIT_ASSERT_EQ(test, sim_aio_register_buffers(ring, &iov, 1), 0);
	KUNIT_ASSERT_EQ(test, sim_disk_inject(w.disk, &hold), 0);
	KUNIT_ASSERT_EQ(test, sim_aio_submit_fixed(ring, w.fd, true, 0, b.base, len, 0, 7), 0);
	KUNIT_EXPECT_EQ(test, sim_aio_reap(ring, 0, 1, &res, NULL), 0);
	t_mm_munmap(test, b.map, b.map_len);

	rel.disk = w.disk;
	KUNIT_ASSERT_EQ(test, pthread_create(&thr, NULL, fx_release_later, &rel), 0);
	if (r->destroy) {
		sim_aio_destroy(ring);
		ring = NULL;
	} else {
		KUNIT_EXPECT_EQ(test, sim_aio_unregister_buffers(ring), 0);
	}
	KUNIT_EXPECT_EQ(test, __atomic_load_n(&rel.released, __ATOMIC_SEQ_CST), 1);
	if (ring) {
		KUNIT_EXPECT_EQ(test, sim_aio_reap(ring, 0, 1, &res, NULL), 1);
		KUNIT_EXPECT_EQ(test, res, (int64_t)len);
	}
	pthread_join(thr, NULL);
	sim_ledger_read(&l1);
	KUNIT_EXPECT_EQ(test, l1.pins, l0.pins);
	KUNIT_EXPECT_EQ(test, l1.live_folios, l0.live_folios);
	KUNIT_EXPECT_EQ(test, l1.violations, l0.violations);
	KUNIT_EXPECT_EQ(test, sim_user_locked_pages(), 0);

	t = fx_target_bytes(test, &w);
	for (i = 0; i < len; i++)
		if (t[i] != fx_pat(i, FX_SEED_BUF)) {
			KUNIT_FAIL(test, "disk byte %zu: %#x, want B's %#x", i, t[i],
				   fx_pat(i, FX_SEED_BUF));
			break;
		}
	free(t);
	sim_aio_destroy(ring);
	fx_close(test, &w);
}

/* ---- many fixed I/Os, no pin per I/O ------------------------------------------- */

#define FX_MANY		64

/*
 * Scenario: the same 64 4 KiB writes then reads, at queue depth 16, once
 * from a registered buffer (write_fixed/read_fixed) and once from the same
 * memory unregistered (sim_aio_submit(), UBUF), on the raw disk.
 *   fixed: 64 x (bvec -> bio)                  pins: 0 per I/O
 *   plain: 64 x (pin 1 page -> bio -> unpin)   pins: 1 per I/O
 * Expect the fixed run to acquire and release no pin at all and the
 * plain run one per I/O (R-ITER-6 vs R-ITER-8), both to return 4096 for
 * every I/O, and the reads to bring back what the writes wrote.
 */
static void aio_fixed_no_pin_per_io(struct kunit *test)
{
	const size_t bs = 4096;
	struct fx_world w = { 0 };
	struct sim_aio *ring = sim_aio_create(16);
	unsigned long acq0, rel0;
	struct fx_buf b;
	struct iovec iov;
	int pass;

	KUNIT_ASSERT_FALSE(test, IS_ERR(ring));
	fx_open(test, &w, FX_RAW);
	fx_buf_map(test, &b, 16, false);
	iov.iov_base = (void *)b.base;
	iov.iov_len = 16 * PAGE_SIZE;
	KUNIT_ASSERT_EQ(test, sim_aio_register_buffers(ring, &iov, 1), 0);

	for (pass = 0; pass < 2; pass++) {
		bool fixed = pass == 0;
		unsigned int n, done = 0, dir;

		acq0 = sim_vmstat("nr_foll_pin_acquired");
		rel0 = sim_vmstat("nr_foll_pin_released");
		for (dir = 0; dir < 2; dir++) {
			bool write = dir == 0;

			for (n = 0, done = 0; n < FX_MANY; n++) {
				unsigned long addr = b.base + (n % 16) * PAGE_SIZE;
				off_t pos = (off_t)(n * bs);
				int64_t res[16];
				int got, k, ret;

				ret = fixed ? sim_aio_submit_fixed(ring, w.fd, write, 0, addr, bs,
								   pos, n)
					    : sim_aio_submit(ring, w.fd, write, addr, bs, pos, n);
				if (ret == -EAGAIN) {
					got = sim_aio_reap(ring, 1, 16, res, NULL);
					for (k = 0; k < got; k++)
						KUNIT_EXPECT_EQ(test, res[k], (int64_t)bs);
					done += (unsigned int)got;
					n--;
					continue;
				}
				KUNIT_ASSERT_EQ(test, ret, 0);
			}
			while (done < FX_MANY) {
				int64_t res[16];
				int got = sim_aio_reap(ring, 1, 16, res, NULL), k;

				for (k = 0; k < got; k++)
					KUNIT_EXPECT_EQ(test, res[k], (int64_t)bs);
				done += (unsigned int)got;
			}
		}
		KUNIT_EXPECT_EQ_MSG(test, sim_vmstat("nr_foll_pin_acquired") - acq0,
				    fixed ? 0UL : 2UL * FX_MANY, "%s", fixed ? "fixed" : "plain");
		KUNIT_EXPECT_EQ_MSG(test, sim_vmstat("nr_foll_pin_released") - rel0,
				    fixed ? 0UL : 2UL * FX_MANY, "%s", fixed ? "fixed" : "plain");
	}
	/* Disk block n holds buffer page n % 16, whichever run wrote it last. */
	{
		unsigned char *t = fx_target_bytes(test, &w);
		size_t i;

		for (i = 0; i < FX_MANY * bs; i++)
			if (t[i] != fx_pat(i % (16 * PAGE_SIZE), FX_SEED_BUF)) {
				KUNIT_FAIL(test, "disk byte %zu", i);
				break;
			}
		free(t);
	}
	sim_aio_destroy(ring);
	t_mm_munmap(test, b.map, b.map_len);
	fx_close(test, &w);
}

static struct kunit_case aio_fixed_test_cases[] = {
	KUNIT_CASE_PARAM(aio_fixed_rw, fx_row_gen_params),
	KUNIT_CASE_PARAM(aio_fixed_unregister_inflight, fx_inflight_gen_params),
	KUNIT_CASE(aio_fixed_no_pin_per_io),
	{}
};

struct kunit_suite aio_fixed_suite = {
	.name = "aio_fixed",
	.init = fx_init,
	.exit = fx_exit,
	.test_cases = aio_fixed_test_cases,
};
