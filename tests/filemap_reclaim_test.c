// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for reclaim of the page cache under memory pressure
 * (mm/vmscan.c) on simfs: writeback plus eviction with pinned and mapped
 * folios left alone (R-WB-2), reclaim started by allocations below the
 * watermark, and a stress run of writers against reclaim. The fixture (a
 * 64 MiB machine and the "fmd" ram disk per case) is
 * tests/filemap_fixture.c.
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

/* ---- reclaim ------------------------------------------------------------------- */

/*
 * sim_reclaim() over a file of 256K (dirty, large folios) with one page
 * pinned by a short pin whose mapping is gone, and one page still mapped:
 *
 *   cache: [F0 pinned][F1 ...][F2 mapped][F3]    all dirty
 *   reclaim(may_writepage = false): nothing goes (every folio is dirty)
 *   reclaim(true): F1, F3 written and evicted; F0 (maybe pinned, R-WB-2)
 *                  and F2 (mapped) stay; F0 is not even written
 *   unpin, unmap, reclaim: the cache is empty
 *
 * Expect the counters (nr_vmscan_write, pgsteal_file,
 * pinio_reclaim_skipped_pinned) to move by those pages, and every byte to
 * read back through a cold cache.
 */
static void filemap_reclaim_writeback_evict(struct kunit *test)
{
	unsigned long vw, steal, skipped, addr;
	struct address_space *m;
	struct page *pin;
	struct folio *f0;
	int fd;

	fm_mount(test, NULL);
	fd = fm_open(test, FM_FILE, O_RDWR | O_CREAT);
	m = fm_mapping(fd);
	fm_pwrite(test, fd, 0, 4 * 65536, 8);
	KUNIT_ASSERT_EQ(test, m->nrpages, 64UL);
	f0 = filemap_get_folio(m, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f0));
	addr = sim_mmap(0, 65536, PROT_READ, MAP_SHARED, fd, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr + 2 * PAGE_SIZE, 1, 0, &pin), 1);
	t_mm_munmap(test, addr, 65536);
	folio_put(f0);
	addr = sim_mmap(0, 65536, PROT_READ, MAP_SHARED, fd, 2 * 65536);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	{
		unsigned char c;

		KUNIT_ASSERT_EQ(test, sim_user_read(addr, &c, 1), 1);	/* fault F2 in */
	}

	vw = sim_vmstat("nr_vmscan_write");
	steal = sim_vmstat("pgsteal_file");
	skipped = sim_vmstat("pinio_reclaim_skipped_pinned");
	KUNIT_EXPECT_EQ(test, sim_reclaim(0, false), 0UL);
	KUNIT_EXPECT_EQ(test, m->nrpages, 64UL);

	KUNIT_EXPECT_EQ(test, sim_reclaim(0, true), 32UL);
	KUNIT_EXPECT_EQ(test, sim_vmstat("nr_vmscan_write") - vw, 32UL);
	KUNIT_EXPECT_EQ(test, sim_vmstat("pgsteal_file") - steal, 32UL);
	KUNIT_EXPECT_GE(test, sim_vmstat("pinio_reclaim_skipped_pinned") - skipped, 1UL);
	KUNIT_EXPECT_EQ(test, m->nrpages, 32UL);
	KUNIT_EXPECT_TRUE(test, filemap_folio_indexed(m, f0));
	KUNIT_EXPECT_TRUE(test, folio_test_dirty(f0));
	KUNIT_EXPECT_EQ(test, fm_order_at(m, 2 * 16), 4);

	unpin_user_page(pin);
	t_mm_munmap(test, addr, 65536);
	KUNIT_EXPECT_EQ(test, sim_reclaim(0, true), 32UL);
	KUNIT_EXPECT_EQ(test, m->nrpages, 0UL);
	KUNIT_EXPECT_TRUE(test, fm_pread_is(test, fd, 0, 4 * 65536, 8, LLONG_MAX));
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_ASSERT_EQ(test, sim_umount(FM_MNT), 0);
	KUNIT_ASSERT_EQ(test, sim_mount(FM_DEV, FM_MNT, NULL), 0);
	fd = fm_open(test, FM_FILE, O_RDONLY);
	KUNIT_EXPECT_TRUE(test, fm_pread_is(test, fd, 0, 4 * 65536, 8, LLONG_MAX));
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(FM_MNT), 0);
}

/*
 * Memory pressure: file a (1 MiB, dirty) is in the cache with one page
 * pinned; the test allocates frames until fewer than 300 are free (the
 * default low watermark of a 64 MiB machine is 256), then writes file b
 * (1 MiB) buffered:
 *
 *   free: ....|300|--- b's folios ---> below 256: reclaim writes a back,
 *   evicts it (not the pinned folio) and brings free up to 512
 *
 * Expect pinio_pressure_reclaims and pgsteal_file to move, the pinned
 * folio of a to stay cached, and both files to read back whole after the
 * test's frames are freed.
 */
static void filemap_reclaim_on_pressure(struct kunit *test)
{
	unsigned long steal, runs, addr, nr = 0, cap = 1UL << 15;
	struct folio **hog = calloc(cap, sizeof(*hog));
	struct address_space *ma;
	struct page *pin;
	struct folio *pf;
	int fa, fb;

	KUNIT_ASSERT_NOT_NULL(test, hog);
	fm_mount(test, NULL);
	fa = fm_open(test, FM_MNT "/a", O_RDWR | O_CREAT);
	fb = fm_open(test, FM_MNT "/b", O_RDWR | O_CREAT);
	ma = fm_mapping(fa);
	fm_pwrite(test, fa, 0, 1UL << 20, 9);
	addr = sim_mmap(0, PAGE_SIZE, PROT_READ, MAP_SHARED, fa, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr, 1, 0, &pin), 1);
	t_mm_munmap(test, addr, PAGE_SIZE);
	pf = page_folio(pin);

	while (nr_free_frames() > 300 && nr < cap) {
		hog[nr] = folio_alloc_owner(0, 0, OWNER_TEST);
		if (!hog[nr])
			break;
		nr++;
	}
	KUNIT_ASSERT_LE(test, nr_free_frames(), 300UL);
	steal = sim_vmstat("pgsteal_file");
	runs = sim_vmstat("pinio_pressure_reclaims");
	fm_pwrite(test, fb, 0, 1UL << 20, 10);
	KUNIT_EXPECT_GT(test, sim_vmstat("pinio_pressure_reclaims"), runs);
	KUNIT_EXPECT_GT(test, sim_vmstat("pgsteal_file"), steal);
	KUNIT_EXPECT_LT(test, ma->nrpages, 256UL);
	KUNIT_EXPECT_TRUE(test, filemap_folio_indexed(ma, pf));
	KUNIT_EXPECT_GE(test, nr_free_frames(), 256UL);

	while (nr)
		folio_put(hog[--nr]);
	free(hog);
	unpin_user_page(pin);
	KUNIT_EXPECT_TRUE(test, fm_pread_is(test, fa, 0, 1UL << 20, 9, LLONG_MAX));
	KUNIT_EXPECT_TRUE(test, fm_pread_is(test, fb, 0, 1UL << 20, 10, LLONG_MAX));
	KUNIT_EXPECT_EQ(test, sim_close(fa), 0);
	KUNIT_EXPECT_EQ(test, sim_close(fb), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(FM_MNT), 0);
}

/*
 * Reclaim racing the page cache (`make tsan` runs this): a host thread
 * calls sim_reclaim(32, true) in a loop while the test task, for each
 * round r, writes 256K of pattern r buffered (large folios), reads it
 * back, faults it through a MAP_SHARED mapping, truncates the file to a
 * random length and extends it again.
 *
 *   task:     write r -> read -> mmap read -> truncate/extend -> ...
 *   reclaim:  write back dirty folios, evict clean unmapped ones, again...
 *
 * Expect every read and mapped byte to be pattern r below the truncation
 * point and zero above it, whatever reclaim evicted in between; no
 * violation; nothing leaked.
 */
struct fm_reclaimer {
	int stop;
	unsigned long runs, freed;
};

static void *fm_reclaim_fn(void *arg)
{
	struct fm_reclaimer *r = arg;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		r->freed += sim_reclaim(32, true);
		r->runs++;
	}
	return NULL;
}

static void filemap_reclaim_stress(struct kunit *test)
{
	const size_t len = 4 * 65536;
	unsigned int rounds = kunit_long() ? 200 : 40, r;
	struct fm_reclaimer rec = { 0 };
	unsigned char *b = malloc(len);
	pthread_t th;
	int fd;

	KUNIT_ASSERT_NOT_NULL(test, b);
	fm_mount(test, NULL);
	fd = fm_open(test, FM_FILE, O_RDWR | O_CREAT);
	KUNIT_ASSERT_EQ(test, pthread_create(&th, NULL, fm_reclaim_fn, &rec), 0);
	srand((unsigned int)kunit_seed());
	for (r = 1; r <= rounds; r++) {
		off_t cut = (off_t)(rand() % (int)len);
		unsigned long addr;
		bool same = true;
		size_t i;

		fm_pwrite(test, fd, 0, len, r);
		KUNIT_EXPECT_TRUE_MSG(test, fm_pread_is(test, fd, 0, len, r, LLONG_MAX),
				      "round %u", r);
		addr = sim_mmap(0, len, PROT_READ, MAP_SHARED, fd, 0);
		KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
		KUNIT_EXPECT_EQ(test, sim_user_read(addr, b, len), (ssize_t)len);
		for (i = 0; i < len; i++)
			same &= b[i] == fm_pat(i, r);
		KUNIT_EXPECT_TRUE_MSG(test, same, "round %u: mapped bytes", r);
		t_mm_munmap(test, addr, len);
		KUNIT_ASSERT_EQ(test, sim_ftruncate(fd, cut), 0);
		KUNIT_ASSERT_EQ(test, sim_ftruncate(fd, (off_t)len), 0);
		KUNIT_EXPECT_TRUE_MSG(test, fm_pread_is(test, fd, 0, len, r, cut),
				      "round %u: cut at %lld", r, (long long)cut);
		if (!same)
			break;
	}
	__atomic_store_n(&rec.stop, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	kunit_info(test, "%u rounds; reclaim ran %lu times, evicted %lu pages", r - 1, rec.runs,
		   rec.freed);
	KUNIT_EXPECT_EQ(test, sim_check(), 0L);
	free(b);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(FM_MNT), 0);
}

static struct kunit_case filemap_reclaim_cases[] = {
	KUNIT_CASE(filemap_reclaim_writeback_evict),
	KUNIT_CASE(filemap_reclaim_on_pressure),
	KUNIT_CASE(filemap_reclaim_stress),
	{}
};

struct kunit_suite filemap_reclaim_suite = {
	.name = "filemap_reclaim",
	.init = filemap_test_init,
	.exit = filemap_test_exit,
	.test_cases = filemap_reclaim_cases,
};
