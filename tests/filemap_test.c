// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for large folios in the page cache (mm/filemap.c,
 * mm/truncate.c, mm/huge_memory.c's split_folio(), mm/rmap.c) on simfs:
 * the orders that buffered writes and reads allocate, per-folio
 * dirty/writeback/uptodate state, mmap faults mapping the right subpage,
 * pins of file pages on large folios (R-REF-3, EDGE-5), truncate splitting
 * a straddling folio or keeping it as truncate_inode_partial_folio() does,
 * ITER_XARRAY (extraction and iov_iter_get_pages2()) and splice over large
 * folios, and the bad inputs of watermarks and folio_order=. Reclaim is the
 * filemap_reclaim suite.
 *
 * Every case boots a 64 MiB machine with a 16 MiB ram disk "fmd" in .init
 * (tests/filemap_fixture.c), makes and mounts simfs at /mnt itself and
 * unmounts it, so every cache folio is gone before the ledger is compared.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <pinio/fs.h>
#include <pinio/pagemap.h>
#include <pinio/pipe_fs_i.h>
#include <pinio/sim.h>
#include <pinio/uio.h>

#include "kunit/test.h"
#include "mm_helpers.h"
#include "mm/internal.h"
#include "sim/sim.h"
#include "filemap_fixture.h"

/* ---- orders ------------------------------------------------------------------- */

/*
 * Which folios a buffered write allocates (FGP_WRITEBEGIN with the size of
 * what is left as the order hint, clamped to the mount's folio_order and
 * to the alignment of the index):
 *
 *   64K at 0, max 4:   [0 ........ 15]                     one order-4
 *   64K at 12K, max 4: [3][4..7][8 ...... 15][16,17][18]   0,2,3,1,0
 *   64K at 0, max 2:   [0..3][4..7][8..11][12..15]         four order-2
 *   64K at 0, max 0:   16 order-0 folios
 *   16K at 32K, max 4: [8..11]                             order 2
 *
 * Expect those orders at the listed indexes, nrpages = the pages written,
 * the bytes read back, and (after a remount, cache empty) a 64K read to
 * bring the file in as large folios again.
 */
struct fm_order_case {
	const char *name;
	const char *opts;
	off_t off;
	size_t len;
	unsigned int nr;
	struct { pgoff_t index; int order; } want[6];
};

static const struct fm_order_case fm_order_cases[] = {
	{ "64K at 0, folio_order=4", "folio_order=4", 0, 65536, 1, { { 0, 4 } } },
	{ "64K at 12K, folio_order=4", NULL, 12288, 65536, 5,
	  { { 3, 0 }, { 4, 2 }, { 8, 3 }, { 16, 1 }, { 18, 0 } } },
	{ "64K at 0, folio_order=2", "folio_order=2", 0, 65536, 4,
	  { { 0, 2 }, { 4, 2 }, { 8, 2 }, { 12, 2 } } },
	{ "64K at 0, folio_order=0", "folio_order=0", 0, 65536, 3,
	  { { 0, 0 }, { 7, 0 }, { 15, 0 } } },
	{ "16K at 32K, folio_order=4", "folio_order=4", 32768, 16384, 2, { { 8, 2 }, { 7, -1 } } },
};

static void fm_order_desc(const struct fm_order_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(fm_order, fm_order_cases, fm_order_desc);

static void filemap_write_orders(struct kunit *test)
{
	const struct fm_order_case *c = test->param_value;
	struct address_space *m;
	unsigned int k;
	int fd;

	fm_mount(test, c->opts);
	fd = fm_open(test, FM_FILE, O_RDWR | O_CREAT);
	m = fm_mapping(fd);
	fm_pwrite(test, fd, c->off, c->len, 1);
	for (k = 0; k < c->nr; k++)
		KUNIT_EXPECT_EQ_MSG(test, fm_order_at(m, c->want[k].index), c->want[k].order,
				    "index %lu", c->want[k].index);
	KUNIT_EXPECT_EQ(test, m->nrpages,
			(unsigned long)(DIV_ROUND_UP(c->off + (off_t)c->len, PAGE_SIZE) -
					c->off / PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, fm_pread_is(test, fd, c->off, c->len, 1, LLONG_MAX));
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);

	/* Cold cache: one read of the whole range brings it in, large again. */
	KUNIT_ASSERT_EQ(test, sim_umount(FM_MNT), 0);
	KUNIT_ASSERT_EQ(test, sim_mount(FM_DEV, FM_MNT, c->opts), 0);
	fd = fm_open(test, FM_FILE, O_RDONLY);
	m = fm_mapping(fd);
	KUNIT_EXPECT_EQ(test, m->nrpages, 0UL);
	KUNIT_EXPECT_TRUE(test, fm_pread_is(test, fd, c->off, c->len, 1, LLONG_MAX));
	if (!c->off && c->len == 65536)
		KUNIT_EXPECT_EQ(test, fm_order_at(m, 5), c->want[0].order);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(FM_MNT), 0);
}

/* ---- per-folio state ---------------------------------------------------------- */

/*
 * Dirty, writeback and uptodate are per folio:
 *
 *   write 64K -> [0..15] dirty, uptodate
 *   fsync     -> clean; nr_written += 16 (every page of the folio)
 *   remount, read 4K at 0 -> [0] order 0 only (a 4K read asks for order 0)
 *   write 100 bytes at 40000 -> a new order-0 folio [9], read in from the
 *   disk first (not uptodate, and the write covers only part of it)
 *
 * Expect the counters and bytes above, and every byte on disk after a
 * second remount.
 */
static void filemap_large_folio_state(struct kunit *test)
{
	unsigned long written;
	struct address_space *m;
	struct folio *f;
	int fd;

	fm_mount(test, NULL);
	fd = fm_open(test, FM_FILE, O_RDWR | O_CREAT);
	m = fm_mapping(fd);
	fm_pwrite(test, fd, 0, 65536, 2);
	f = filemap_get_folio(m, 7);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	KUNIT_EXPECT_EQ(test, folio_order(f), 4U);
	KUNIT_EXPECT_TRUE(test, folio_test_dirty(f) && folio_test_uptodate(f));
	written = sim_vmstat("nr_written");
	KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
	KUNIT_EXPECT_FALSE(test, folio_test_dirty(f));
	KUNIT_EXPECT_FALSE(test, folio_test_writeback(f));
	KUNIT_EXPECT_EQ(test, sim_vmstat("nr_written") - written, 16UL);
	folio_put(f);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);

	KUNIT_ASSERT_EQ(test, sim_umount(FM_MNT), 0);
	KUNIT_ASSERT_EQ(test, sim_mount(FM_DEV, FM_MNT, NULL), 0);
	fd = fm_open(test, FM_FILE, O_RDWR);
	m = fm_mapping(fd);
	KUNIT_EXPECT_TRUE(test, fm_pread_is(test, fd, 0, 4096, 2, LLONG_MAX));
	KUNIT_EXPECT_EQ(test, fm_order_at(m, 0), 0);
	KUNIT_EXPECT_EQ(test, fm_order_at(m, 1), -1);
	/* A partial write into an uncached page reads it in first. */
	fm_pwrite(test, fd, 40000, 100, 3);
	KUNIT_EXPECT_EQ(test, fm_order_at(m, 9), 0);
	KUNIT_EXPECT_TRUE(test, fm_pread_is(test, fd, 36864, 3136, 2, LLONG_MAX));
	KUNIT_EXPECT_TRUE(test, fm_pread_is(test, fd, 40000, 100, 3, LLONG_MAX));
	KUNIT_EXPECT_TRUE(test, fm_pread_is(test, fd, 40100, 65536 - 40100, 2, LLONG_MAX));
	KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_ASSERT_EQ(test, sim_umount(FM_MNT), 0);
	KUNIT_ASSERT_EQ(test, sim_mount(FM_DEV, FM_MNT, NULL), 0);
	fd = fm_open(test, FM_FILE, O_RDONLY);
	KUNIT_EXPECT_TRUE(test, fm_pread_is(test, fd, 0, 40000, 2, LLONG_MAX));
	KUNIT_EXPECT_TRUE(test, fm_pread_is(test, fd, 40000, 100, 3, LLONG_MAX));
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(FM_MNT), 0);
}

/* ---- mmap and pins ------------------------------------------------------------- */

/*
 * A 64K file in one order-4 folio, mapped MAP_SHARED:
 *
 *   VA:    +0   +4K  ...  +20K ... +60K
 *   PTE -> p0   p1        p5        p15   (subpages of the one folio)
 *
 * Expect each touched address to map folio_page(F, k) (the right subpage),
 * one folio reference per PTE; a store through +20K to dirty the folio and
 * reach the disk at fsync. Pinning 5 pages from +12K (R-REF-3, EDGE-5):
 * _pincount 5 and _refcount +5, folio_maybe_dma_pinned(); unpinning gives
 * both back. A long-term writable pin is refused (R-GUP-8).
 */
static void filemap_large_folio_mmap_pin(struct kunit *test)
{
	static const unsigned int touch[] = { 0, 1, 5, 15 };
	struct page *pages[5];
	unsigned long addr;
	struct folio *f;
	unsigned int k;
	int fd, ref0;

	fm_mount(test, NULL);
	fd = fm_open(test, FM_FILE, O_RDWR | O_CREAT);
	fm_pwrite(test, fd, 0, 65536, 4);
	KUNIT_ASSERT_EQ(test, sim_fsync(fd), 0);
	f = filemap_get_folio(fm_mapping(fd), 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	KUNIT_ASSERT_EQ(test, folio_order(f), 4U);
	addr = sim_mmap(0, 65536, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	ref0 = folio_ref_count(f);
	for (k = 0; k < ARRAY_SIZE(touch); k++) {
		unsigned char c = 0;

		KUNIT_EXPECT_EQ(test, sim_user_read(addr + touch[k] * PAGE_SIZE + 9, &c, 1), 1);
		KUNIT_EXPECT_EQ(test, c, fm_pat(touch[k] * PAGE_SIZE + 9, 4));
		KUNIT_EXPECT_PTR_EQ(test, t_mm_page(t_mm(), addr + touch[k] * PAGE_SIZE),
				    folio_page(f, touch[k]));
	}
	KUNIT_EXPECT_EQ(test, folio_ref_count(f), ref0 + (int)ARRAY_SIZE(touch));
	ref0 = folio_ref_count(f);
	KUNIT_EXPECT_FALSE(test, folio_test_dirty(f));

	/* A store through the mapping dirties the (whole) folio. */
	{
		unsigned char z = 0xee;

		KUNIT_EXPECT_EQ(test, sim_user_write(addr + 5 * PAGE_SIZE + 100, &z, 1), 1);
	}
	KUNIT_EXPECT_TRUE(test, folio_test_dirty(f));

	/* R-REF-3 / EDGE-5: 5 pins through 5 subpages of one large folio. */
	{
		unsigned char *all = malloc(65536);

		KUNIT_ASSERT_NOT_NULL(test, all);	/* fault every page in first */
		KUNIT_EXPECT_EQ(test, sim_user_read(addr, all, 65536), 65536L);
		free(all);
	}
	KUNIT_EXPECT_EQ(test, folio_ref_count(f), ref0 + 16 - (int)ARRAY_SIZE(touch));
	ref0 = folio_ref_count(f);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr + 3 * PAGE_SIZE, 5, FOLL_WRITE, pages), 5);
	for (k = 0; k < 5; k++)
		KUNIT_EXPECT_PTR_EQ(test, pages[k], folio_page(f, 3 + k));
	KUNIT_EXPECT_EQ(test, atomic_read(&f->_pincount), 5);
	KUNIT_EXPECT_EQ(test, folio_ref_count(f), ref0 + 5);
	KUNIT_EXPECT_TRUE(test, folio_maybe_dma_pinned(f));
	unpin_user_pages(pages, 5);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->_pincount), 0);
	KUNIT_EXPECT_EQ(test, folio_ref_count(f), ref0);
	/* R-GUP-8: no long-term writable pin of a writeback-backed file. */
	KUNIT_EXPECT_EQ(test, pin_user_pages_fast(addr, 1, FOLL_WRITE | FOLL_LONGTERM, pages),
			-EFAULT);

	t_mm_munmap(test, addr, 65536);
	folio_put(f);
	KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_ASSERT_EQ(test, sim_umount(FM_MNT), 0);
	KUNIT_ASSERT_EQ(test, sim_mount(FM_DEV, FM_MNT, NULL), 0);
	fd = fm_open(test, FM_FILE, O_RDONLY);
	KUNIT_EXPECT_TRUE(test, fm_pread_is(test, fd, 0, 5 * PAGE_SIZE + 100, 4, LLONG_MAX));
	{
		unsigned long b = t_mm_mmap(test, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE);
		unsigned char c = 0;

		KUNIT_EXPECT_EQ(test, sim_pread(fd, b, 1, 5 * PAGE_SIZE + 100), 1);
		KUNIT_EXPECT_EQ(test, sim_user_read(b, &c, 1), 1);
		KUNIT_EXPECT_EQ(test, c, 0xee);
		t_mm_munmap(test, b, 4096);
	}
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(FM_MNT), 0);
}

/* ---- truncate -------------------------------------------------------------- */

/*
 * ftruncate(f, 10000) of a 64K file cached as one order-4 folio F:
 *
 *   F: [0 1 2|3 ................ 15]      10000 falls in page 2
 *        keep  zero from 10000 on, pages 3..15 go
 *
 *   split:  nobody else holds F -> split; pages 0..2 stay (order 0),
 *           3..15 leave the cache; thp_split_page + 1
 *   pinned, dirty: split refused (folio_maybe_dma_pinned) -> F stays whole
 *           and indexed, zeroed from 10000, unmapped; the pin is intact
 *   pinned, clean: split refused -> F leaves the cache whole (orphaned,
 *           still pinned); it reads back from the disk
 *
 * Expect the cache shape above and, in every case, a 10000-byte file whose
 * bytes are the pattern, with zeros after a re-extension to 64K.
 */
enum fm_trunc_kind { FM_TRUNC_SPLIT, FM_TRUNC_PINNED_DIRTY, FM_TRUNC_PINNED_CLEAN };

struct fm_trunc_case {
	const char *name;
	enum fm_trunc_kind kind;
};

static const struct fm_trunc_case fm_trunc_cases[] = {
	{ "unheld: split", FM_TRUNC_SPLIT },
	{ "pinned, dirty: kept whole", FM_TRUNC_PINNED_DIRTY },
	{ "pinned, clean: dropped whole", FM_TRUNC_PINNED_CLEAN },
};

static void fm_trunc_desc(const struct fm_trunc_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(fm_trunc, fm_trunc_cases, fm_trunc_desc);

static void filemap_truncate_large_folio(struct kunit *test)
{
	const struct fm_trunc_case *c = test->param_value;
	unsigned long splits, addr = 0;
	struct address_space *m;
	struct page *pin = NULL;
	struct folio *f;
	int fd;

	fm_mount(test, NULL);
	fd = fm_open(test, FM_FILE, O_RDWR | O_CREAT);
	m = fm_mapping(fd);
	fm_pwrite(test, fd, 0, 65536, 5);
	if (c->kind == FM_TRUNC_PINNED_CLEAN)
		KUNIT_ASSERT_EQ(test, sim_fsync(fd), 0);
	f = filemap_get_folio(m, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	KUNIT_ASSERT_EQ(test, folio_order(f), 4U);
	if (c->kind != FM_TRUNC_SPLIT) {
		/* A short (DIO-style) pin on page 1, then the mapping goes away. */
		addr = sim_mmap(0, 65536, PROT_READ, MAP_SHARED, fd, 0);
		KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
		KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr + PAGE_SIZE, 1, 0, &pin), 1);
		KUNIT_EXPECT_PTR_EQ(test, pin, folio_page(f, 1));
		t_mm_munmap(test, addr, 65536);
	}
	folio_put(f);	/* the test's reference would make the split fail */
	splits = sim_vmstat("thp_split_page");

	KUNIT_ASSERT_EQ(test, sim_ftruncate(fd, 10000), 0);
	switch (c->kind) {
	case FM_TRUNC_SPLIT:
		KUNIT_EXPECT_EQ(test, sim_vmstat("thp_split_page") - splits, 1UL);
		KUNIT_EXPECT_EQ(test, m->nrpages, 3UL);
		KUNIT_EXPECT_EQ(test, fm_order_at(m, 0), 0);
		KUNIT_EXPECT_EQ(test, fm_order_at(m, 2), 0);
		KUNIT_EXPECT_EQ(test, fm_order_at(m, 3), -1);
		break;
	case FM_TRUNC_PINNED_DIRTY:
		KUNIT_EXPECT_EQ(test, sim_vmstat("thp_split_page") - splits, 0UL);
		KUNIT_EXPECT_EQ(test, m->nrpages, 16UL);
		KUNIT_EXPECT_EQ(test, fm_order_at(m, 15), 4);
		KUNIT_EXPECT_TRUE(test, filemap_folio_indexed(m, f));
		KUNIT_EXPECT_TRUE(test, t_mem_is((char *)folio_address(f) + 10000, 0,
						 65536 - 10000));
		KUNIT_EXPECT_FALSE(test, folio_mapped(f));
		KUNIT_EXPECT_EQ(test, atomic_read(&f->_pincount), 1);
		break;
	case FM_TRUNC_PINNED_CLEAN:
		KUNIT_EXPECT_EQ(test, sim_vmstat("thp_split_page") - splits, 0UL);
		KUNIT_EXPECT_FALSE(test, filemap_folio_indexed(m, f));
		KUNIT_EXPECT_NULL(test, f->mapping);
		KUNIT_EXPECT_EQ(test, atomic_read(&f->_pincount), 1);
		/* Only the page holding the new EOF came back (read for its zero tail). */
		KUNIT_EXPECT_EQ(test, fm_order_at(m, 5), -1);
		break;
	}
	if (pin)
		unpin_user_page(pin);
	KUNIT_EXPECT_TRUE(test, fm_pread_is(test, fd, 0, 10000, 5, LLONG_MAX));
	KUNIT_ASSERT_EQ(test, sim_ftruncate(fd, 65536), 0);
	KUNIT_EXPECT_TRUE(test, fm_pread_is(test, fd, 0, 65536, 5, 10000));
	KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_ASSERT_EQ(test, sim_umount(FM_MNT), 0);
	KUNIT_ASSERT_EQ(test, sim_mount(FM_DEV, FM_MNT, NULL), 0);
	fd = fm_open(test, FM_FILE, O_RDONLY);
	KUNIT_EXPECT_TRUE(test, fm_pread_is(test, fd, 0, 65536, 5, 10000));
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(FM_MNT), 0);
}

/* ---- ITER_XARRAY and splice ---------------------------------------------------- */

/*
 * ITER_XARRAY over a cached order-4 folio F (R-ITER-9), from byte 5000 for
 * 20000 bytes:
 *
 *   F: [0 |1 2 3 4 5 |6 ... 15]   pages 1..5 hold bytes 5000..24999
 *
 * Expect iov_iter_extract_pages() to hand out folio_page(F, 1..5) with
 * offset 904 and neither pin nor reference; copy_from_iter() over a fresh
 * iterator to give the file's bytes.
 */
static void filemap_xarray_large_folio(struct kunit *test)
{
	struct page *pagev[8], **pages = pagev;
	struct address_space *m;
	struct iov_iter iter;
	unsigned char *b;
	size_t off0 = 0, i;
	struct folio *f;
	ssize_t got;
	bool same = true;
	int fd, ref0;
	long pins0;

	fm_mount(test, NULL);
	fd = fm_open(test, FM_FILE, O_RDWR | O_CREAT);
	m = fm_mapping(fd);
	fm_pwrite(test, fd, 0, 65536, 6);
	f = filemap_get_folio(m, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	KUNIT_ASSERT_EQ(test, folio_order(f), 4U);
	ref0 = folio_ref_count(f);
	pins0 = (long)sim_vmstat("nr_foll_pin_acquired");

	iov_iter_xarray(&iter, ITER_SOURCE, m, 5000, 20000);
	got = iov_iter_extract_pages(&iter, &pages, 20000, 8, 0, &off0);
	KUNIT_EXPECT_EQ(test, got, 20000L);
	KUNIT_EXPECT_EQ(test, off0, (size_t)(5000 - 4096));
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_PTR_EQ(test, pages[i], folio_page(f, 1 + i));
	KUNIT_EXPECT_EQ(test, folio_ref_count(f), ref0);
	KUNIT_EXPECT_EQ(test, (long)sim_vmstat("nr_foll_pin_acquired"), pins0);

	b = malloc(20000);
	KUNIT_ASSERT_NOT_NULL(test, b);
	iov_iter_xarray(&iter, ITER_SOURCE, m, 5000, 20000);
	KUNIT_EXPECT_EQ(test, copy_from_iter(b, 20000, &iter), 20000UL);
	for (i = 0; i < 20000; i++)
		same &= b[i] == fm_pat(5000 + i, 6);
	KUNIT_EXPECT_TRUE(test, same);
	free(b);
	folio_put(f);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(FM_MNT), 0);
}

/*
 * R-ITER-13 on ITER_XARRAY: iov_iter_get_pages2() takes a reference on
 * each cached page, where extraction takes nothing (R-ITER-9). The file is
 * cached in one order-4 folio F (bytes 0..65535); beyond it is a hole.
 *
 *   F: [0 |1 2 3 4 5 6 |7 ... 15] | hole    bytes 5000..24999: pages 1..6
 *      get_pages2(5000, 20000, maxpages 8) -> pages 1..6, +6 on F
 *      get_pages2(5000, 20000, maxpages 2) -> pages 1..2, 2 * 4096 - 904
 *      get_pages_alloc2(65536 + 100, 4096)  -> 0, no array, nothing taken
 *
 * Expect those counts, offset 904, the iterator advanced by the bytes
 * returned, F's refcount up by the pages returned until they are put.
 */
static void filemap_xarray_get_pages2_refs(struct kunit *test)
{
	struct page *pages[8], **alloc = (struct page **)1;
	struct address_space *m;
	struct iov_iter iter;
	size_t start = 1, i;
	struct folio *f;
	int fd, ref0;

	fm_mount(test, NULL);
	fd = fm_open(test, FM_FILE, O_RDWR | O_CREAT);
	m = fm_mapping(fd);
	fm_pwrite(test, fd, 0, 65536, 7);
	f = filemap_get_folio(m, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	KUNIT_ASSERT_EQ(test, folio_order(f), 4U);
	ref0 = folio_ref_count(f);

	iov_iter_xarray(&iter, ITER_SOURCE, m, 5000, 20000);
	KUNIT_EXPECT_EQ(test, iov_iter_get_pages2(&iter, pages, SIZE_MAX, 8, &start), 20000L);
	KUNIT_EXPECT_EQ(test, start, (size_t)(5000 - 4096));
	KUNIT_EXPECT_EQ(test, iov_iter_count(&iter), 0UL);
	KUNIT_EXPECT_EQ(test, folio_ref_count(f), ref0 + 6);
	for (i = 0; i < 6; i++) {
		KUNIT_EXPECT_PTR_EQ(test, pages[i], folio_page(f, 1 + i));
		put_page(pages[i]);
	}
	KUNIT_EXPECT_EQ(test, folio_ref_count(f), ref0);

	iov_iter_xarray(&iter, ITER_SOURCE, m, 5000, 20000);
	KUNIT_EXPECT_EQ(test, iov_iter_get_pages2(&iter, pages, SIZE_MAX, 2, &start),
			(long)(2 * 4096 - 904));
	KUNIT_EXPECT_EQ(test, iov_iter_count(&iter), 20000UL - (2 * 4096 - 904));
	KUNIT_EXPECT_EQ(test, folio_ref_count(f), ref0 + 2);
	put_page(pages[0]);
	put_page(pages[1]);

	iov_iter_xarray(&iter, ITER_SOURCE, m, 65536 + 100, 4096);
	KUNIT_EXPECT_EQ(test, iov_iter_get_pages_alloc2(&iter, &alloc, SIZE_MAX, &start), 0L);
	KUNIT_EXPECT_PTR_EQ(test, alloc, NULL);
	KUNIT_EXPECT_EQ(test, iov_iter_count(&iter), 4096UL);
	KUNIT_EXPECT_EQ(test, folio_ref_count(f), ref0);

	folio_put(f);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(FM_MNT), 0);
}

/*
 * splice from a buffered file cached in one order-4 folio F, 20000 bytes
 * at 1000 (filemap_splice_read(), splice_folio_into_pipe()):
 *
 *   pipe: [F.p0 +1000 3096][F.p1 4096]...[F.p5 520]   one buffer per page
 *         part (bytes 1000..20999 touch pages 0..5), each with a reference on F
 *
 * Then truncate the file to 0 while F sits in the pipe.
 * Expect 6 buffers and _refcount(F) + 6; after the truncate F is out of the
 * cache (orphaned) but the pipe still reads the file's old bytes (I7);
 * draining the pipe gives the references back.
 */
static void filemap_splice_large_folio(struct kunit *test)
{
	struct address_space *m;
	struct folio *f;
	unsigned long ubuf;
	unsigned char *b;
	off_t off = 1000;
	int fd, pfd[2], ref0;
	bool same = true;
	size_t i;

	fm_mount(test, NULL);
	fd = fm_open(test, FM_FILE, O_RDWR | O_CREAT);
	m = fm_mapping(fd);
	fm_pwrite(test, fd, 0, 65536, 7);
	f = filemap_get_folio(m, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	KUNIT_ASSERT_EQ(test, folio_order(f), 4U);
	ref0 = folio_ref_count(f);
	KUNIT_ASSERT_EQ(test, sim_pipe(pfd), 0);
	KUNIT_ASSERT_EQ(test, sim_splice(fd, &off, pfd[1], NULL, 20000, 0), 20000L);
	KUNIT_EXPECT_EQ(test, folio_ref_count(f), ref0 + 6);

	KUNIT_ASSERT_EQ(test, sim_ftruncate(fd, 0), 0);
	KUNIT_EXPECT_NULL(test, f->mapping);
	KUNIT_EXPECT_EQ(test, folio_ref_count(f), 6 + 1);	/* the pipe's and ours */

	ubuf = t_mm_mmap(test, 20000, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	KUNIT_EXPECT_EQ(test, sim_read(pfd[0], ubuf, 20000), 20000L);
	b = malloc(20000);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, sim_user_read(ubuf, b, 20000), 20000L);
	for (i = 0; i < 20000; i++)
		same &= b[i] == fm_pat(1000 + i, 7);
	KUNIT_EXPECT_TRUE(test, same);
	free(b);
	KUNIT_EXPECT_EQ(test, folio_ref_count(f), 1);
	folio_put(f);
	t_mm_munmap(test, ubuf, 20000);
	KUNIT_EXPECT_EQ(test, sim_close(pfd[0]), 0);
	KUNIT_EXPECT_EQ(test, sim_close(pfd[1]), 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(FM_MNT), 0);
}

/* ---- bad inputs -------------------------------------------------------------- */

/*
 * Bad input: sim_set_watermarks() with high < low or only one of them 0
 * is -EINVAL and changes nothing; sim_mount() with folio_order out of
 * 0..4 is -EINVAL.
 */
static void filemap_bad_inputs(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sim_set_watermarks(100, 50), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_set_watermarks(0, 50), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_set_watermarks(50, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_set_watermarks(0, 0), 0);
	KUNIT_ASSERT_EQ(test, sim_mkfs(FM_DEV, "simfs", NULL), 0);
	KUNIT_EXPECT_EQ(test, sim_mount(FM_DEV, FM_MNT, "folio_order=5"), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_mount(FM_DEV, FM_MNT, "folio_order=x"), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_mount(FM_DEV, FM_MNT, "folio_order=12"), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_mount(FM_DEV, FM_MNT, "folio_order=3"), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(FM_MNT), 0);
}

static struct kunit_case filemap_cases[] = {
	KUNIT_CASE_PARAM(filemap_write_orders, fm_order_gen_params),
	KUNIT_CASE(filemap_large_folio_state),
	KUNIT_CASE(filemap_large_folio_mmap_pin),
	KUNIT_CASE_PARAM(filemap_truncate_large_folio, fm_trunc_gen_params),
	KUNIT_CASE(filemap_xarray_large_folio),
	KUNIT_CASE(filemap_xarray_get_pages2_refs),
	KUNIT_CASE(filemap_splice_large_folio),
	KUNIT_CASE(filemap_bad_inputs),
	{}
};

struct kunit_suite filemap_suite = {
	.name = "filemap",
	.init = filemap_test_init,
	.exit = filemap_test_exit,
	.test_cases = filemap_cases,
};
