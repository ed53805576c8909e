// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for simfs pages that are held, mapped or pinned while the
 * file changes under them: I7 (a truncated page still referenced is
 * orphaned), shared and private file mappings, R08 (Dirty COW through a
 * FOLL_FORCE pin), R10 (truncate of a pinned page), R11 (writeback against
 * a pin) and the buffered half of R24. The fixture (a 64 MiB machine and
 * the "sfs" ram disk per case) is tests/simfs_fixture.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pinio/blkdev.h>
#include <pinio/fs.h>
#include <pinio/pagemap.h>
#include <pinio/sim.h>

#include "kunit/test.h"
#include "mm_helpers.h"
#include "sim/sim.h"
#include "simfs_fixture.h"

/* ---- pages held, mapped, pinned and truncated ------------------------------ */

/*
 * I7: a truncated page that is still referenced is orphaned.
 *
 *   cache[0] = P (+1 extra ref) --ftruncate(0)--> index empty, P->mapping
 *   NULL, P alive --folio_put--> P freed
 *
 * Expect P out of the index at once, alive until the last put, freed
 * exactly then, and a new read not to bring P back.
 */
static void simfs_i7_truncate_orphans_held_page(struct kunit *test)
{
	struct address_space *m;
	struct sim_ledger before, after;
	struct folio *p;
	unsigned int gen;
	int fd;

	sfs_mkfs_mount(test, NULL, NULL);
	fd = sfs_open(test, "o", O_RDWR | O_CREAT);
	sfs_pwrite(test, fd, 4096, 0, 6);
	m = sfs_mapping(fd);
	p = filemap_get_folio(m, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(p));
	gen = p->gen;
	KUNIT_EXPECT_EQ(test, folio_ref_count(p), 2);
	KUNIT_ASSERT_EQ(test, sim_ftruncate(fd, 0), 0);
	KUNIT_EXPECT_FALSE(test, filemap_folio_indexed(m, p));
	KUNIT_EXPECT_PTR_EQ(test, p->mapping, NULL);
	KUNIT_EXPECT_EQ(test, folio_ref_count(p), 1);
	KUNIT_EXPECT_EQ(test, m->nrpages, 0UL);
	KUNIT_EXPECT_EQ(test, ((unsigned char *)folio_address(p))[1], sfs_pat(1, 6));
	sim_ledger_read(&before);
	folio_put(p);
	sim_ledger_read(&after);
	KUNIT_EXPECT_EQ(test, after.live_folios, before.live_folios - 1);
	KUNIT_ASSERT_EQ(test, sim_ftruncate(fd, 4096), 0);
	KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, fd, 4096, 0, 0));
	p = filemap_get_folio(m, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(p));
	KUNIT_EXPECT_NE(test, p->gen, gen);	/* a new allocation, never P again */
	folio_put(p);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(SFS_MNT), 0);
}

/*
 * MAP_SHARED: stores through the mapping reach the file; writeback
 * write-protects the PTE, and the next store faults and dirties again.
 *
 *   mmap(SHARED, RW) -- store 'S' --> dirty --fsync--> clean, PTE R/O
 *   -- store 'T' --> dirty again --fsync/remount--> file holds 'T'
 *
 * Expect the file to follow the mapping, and MAP_PRIVATE stores never to
 * reach the file or the cache.
 */
static void simfs_mmap_shared_private(struct kunit *test)
{
	struct mm_struct *mm = t_mm();
	struct address_space *m;
	unsigned long sh, pr;
	struct folio *f;
	int fd;

	sfs_mkfs_mount(test, NULL, NULL);
	fd = sfs_open(test, "m", O_RDWR | O_CREAT);
	sfs_pwrite(test, fd, 8192, 0, 8);
	KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
	m = sfs_mapping(fd);
	sh = sim_mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(sh));
	pr = sim_mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(pr));
	KUNIT_EXPECT_TRUE(test, sfs_user_is(sh, 8192, 8));
	KUNIT_EXPECT_TRUE(test, sfs_user_is(pr, 8192, 8));

	t_mm_fill(test, sh, 'S', 4096);
	f = filemap_get_folio(m, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	KUNIT_EXPECT_TRUE(test, folio_test_dirty(f));
	KUNIT_EXPECT_PTR_EQ(test, t_mm_page(mm, sh), &f->page);
	KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
	KUNIT_EXPECT_FALSE(test, folio_test_dirty(f));
	{
		struct t_mm_walk w;

		t_mm_walk(mm, sh, &w);
		KUNIT_EXPECT_FALSE(test, w.entry & _PAGE_RW);
	}
	t_mm_fill(test, sh, 'T', 100);
	KUNIT_EXPECT_TRUE(test, folio_test_dirty(f));
	folio_put(f);

	/* Private: a copy, the cache keeps 'T'. */
	t_mm_fill(test, pr + 4096, 'P', 4096);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(sh + 4096, sfs_pat(4096, 8), 1));
	KUNIT_EXPECT_TRUE(test, sfs_pread_pat(test, fd, 4096, 4096, 8, 4096));

	t_mm_munmap(test, sh, 8192);
	t_mm_munmap(test, pr, 8192);
	KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	sfs_remount(test, NULL);
	fd = sfs_open(test, "m", O_RDONLY);
	sh = sfs_ubuf(test, 4096);
	KUNIT_EXPECT_EQ(test, sim_pread(fd, sh, 4096, 0), 4096);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(sh, 'T', 100));
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(sh + 100, 'S', 4096 - 100));
	t_mm_munmap(test, sh, 4096);
	/* A write mapping of a read-only fd is refused; a mapping holds the mount. */
	KUNIT_EXPECT_EQ(test, (long)sim_mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0),
			(long)-EACCES);
	sh = sim_mmap(0, 4096, PROT_READ, MAP_SHARED, fd, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(sh));
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(SFS_MNT), -EBUSY);
	t_mm_munmap(test, sh, 4096);
	KUNIT_EXPECT_EQ(test, sim_umount(SFS_MNT), 0);
}

/*
 * R08 Dirty COW: FORCE-write pins of a private R/O file mapping against
 * MADV_DONTNEED never touch the page cache or the disk.
 *
 *   mmap(PRIVATE, R/O) of F; loop { pin(WRITE|FORCE) -> private copy C;
 *   store 'X' into C; unpin; MADV_DONTNEED } ; F's cache page stays 'F'
 *
 * Expect every forced write to land in a private anon copy, F's cache
 * page and its disk bytes unchanged after 2000 rounds (R-COW-3, B4).
 */
static void simfs_r08_dirty_cow_force_pin(struct kunit *test)
{
	struct address_space *m;
	struct folio *cache;
	unsigned long addr;
	int fd, i, bad = 0;

	sfs_mkfs_mount(test, NULL, NULL);
	fd = sfs_open(test, "F", O_RDWR | O_CREAT);
	sfs_pwrite(test, fd, 4096, 0, 11);
	KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
	m = sfs_mapping(fd);
	addr = sim_mmap(0, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	KUNIT_EXPECT_TRUE(test, sfs_user_is(addr, 4096, 11));
	cache = filemap_get_folio(m, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(cache));
	for (i = 0; i < 2000; i++) {
		struct page *page = NULL;
		long n = pin_user_pages_unlocked(addr, 1, &page, FOLL_WRITE | FOLL_FORCE);

		if (n != 1) {
			bad++;
			break;
		}
		if (page == &cache->page || !PageAnon(page))
			bad++;
		memset(page_address(page), 'X', 64);
		unpin_user_pages_dirty_lock(&page, 1, true);
		KUNIT_ASSERT_EQ(test, sim_madvise(addr, 4096, MADV_DONTNEED), 0);
		if (((unsigned char *)folio_address(cache))[0] != sfs_pat(0, 11))
			bad++;
	}
	KUNIT_EXPECT_EQ(test, bad, 0);
	KUNIT_EXPECT_FALSE(test, folio_test_dirty(cache));
	KUNIT_EXPECT_TRUE(test, sfs_user_is(addr, 4096, 11));
	folio_put(cache);
	t_mm_munmap(test, addr, 4096);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	sfs_remount(test, NULL);
	fd = sfs_open(test, "F", O_RDONLY);
	KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, fd, 4096, 0, 11));
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(SFS_MNT), 0);
}

/*
 * R10: truncate while a page-cache page is pinned for a DIO write.
 *
 *   mmap(SHARED) page P --pin (device reads P)--> ftruncate(0):
 *   P out of index, unmapped, alive, unchanged --unpin--> P freed once;
 *   ftruncate(4096) + read --> zeros, a new folio
 *
 * Expect exactly that (I7, R-BUG-3's "truncate waits" has no DIO in
 * flight here, so it goes through at once).
 */
static void simfs_r10_truncate_pinned_page(struct kunit *test)
{
	struct mm_struct *mm = t_mm();
	struct sim_ledger before, after;
	struct address_space *m;
	struct page *page = NULL;
	struct folio *p;
	unsigned long addr;
	unsigned int gen;
	int fd;

	sfs_mkfs_mount(test, NULL, NULL);
	fd = sfs_open(test, "p", O_RDWR | O_CREAT);
	sfs_pwrite(test, fd, 4096, 0, 12);
	KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
	m = sfs_mapping(fd);
	addr = sim_mmap(0, 4096, PROT_READ, MAP_SHARED, fd, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr, 1, 0, &page), 1);
	p = page_folio(page);
	gen = p->gen;
	KUNIT_EXPECT_TRUE(test, filemap_folio_indexed(m, p));
	KUNIT_ASSERT_EQ(test, sim_ftruncate(fd, 0), 0);
	KUNIT_EXPECT_FALSE(test, filemap_folio_indexed(m, p));
	KUNIT_EXPECT_PTR_EQ(test, p->mapping, NULL);
	KUNIT_EXPECT_PTR_EQ(test, t_mm_page(mm, addr), NULL);
	KUNIT_EXPECT_TRUE(test, folio_maybe_dma_pinned(p));
	KUNIT_EXPECT_EQ(test, ((unsigned char *)folio_address(p))[7], sfs_pat(7, 12));
	sim_ledger_read(&before);
	unpin_user_page(page);
	sim_ledger_read(&after);
	KUNIT_EXPECT_EQ(test, after.live_folios, before.live_folios - 1);
	KUNIT_ASSERT_EQ(test, sim_ftruncate(fd, 4096), 0);
	KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, fd, 4096, 0, 0));
	p = filemap_get_folio(m, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(p));
	KUNIT_EXPECT_NE(test, p->gen, gen);
	folio_put(p);
	t_mm_munmap(test, addr, 4096);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(SFS_MNT), 0);
}

/*
 * R11: writeback vs pins on a MAP_SHARED simfs page.
 *
 *   long-term R/W pin --> -EFAULT (R-GUP-8, bad input 10)
 *   short pin P; fsync (writeback); "DMA" stores 'D' into P;
 *   unpin_user_pages_dirty_lock(P) --> fsync --> disk holds 'D'
 *
 * Expect the refusal, and the late DMA data on disk after the unpin and
 * the next writeback, never lost (R-WB-1/2).
 */
static void simfs_r11_writeback_vs_pin(struct kunit *test)
{
	struct page *page = NULL;
	unsigned long addr;
	int fd;

	sfs_mkfs_mount(test, NULL, NULL);
	fd = sfs_open(test, "w", O_RDWR | O_CREAT);
	sfs_pwrite(test, fd, 4096, 0, 13);
	KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
	addr = sim_mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	KUNIT_EXPECT_EQ(test, pin_user_pages_fast(addr, 1, FOLL_WRITE | FOLL_LONGTERM, &page),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, pin_user_pages_unlocked(addr, 1, &page, FOLL_WRITE | FOLL_LONGTERM),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, sfs_pins(), 0L);

	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr, 1, FOLL_WRITE, &page), 1);
	KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
	memset(page_address(page), 'D', 4096);		/* the device, after writeback */
	unpin_user_pages_dirty_lock(&page, 1, true);
	KUNIT_EXPECT_TRUE(test, PageDirty(page));
	KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
	t_mm_munmap(test, addr, 4096);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	sfs_remount(test, NULL);
	fd = sfs_open(test, "w", O_RDONLY);
	addr = sfs_ubuf(test, 4096);
	KUNIT_EXPECT_EQ(test, sim_pread(fd, addr, 4096, 0), 4096);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr, 'D', 4096));
	t_mm_munmap(test, addr, 4096);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(SFS_MNT), 0);
}

/*
 * R24 (the part without the simfs DIO engines): an O_DIRECT read from a
 * raw disk into a MAP_SHARED simfs page dirties it and the data reaches
 * the file; an O_DIRECT write from a clean mapped page leaves it clean.
 *
 *   /dev/sraw (pattern 14) --DIO read--> mmap(SHARED) of f --fsync--> f == 14
 *   clean page of f --DIO write--> /dev/sraw : page still clean
 *
 * Expect the page dirty at completion, the file to hold the device data
 * after writeback, and the source page of the write to stay clean.
 */
static void simfs_r24_dio_read_dirties_file_page(struct kunit *test)
{
	struct address_space *m;
	unsigned long addr, ubuf;
	struct folio *f;
	int fd, raw;

	KUNIT_ASSERT_EQ(test, sim_ramdisk_create(SFS_RAW, 1 << 20, 512), 0);
	raw = sim_open("/dev/" SFS_RAW, O_RDWR | O_DIRECT, 0);
	KUNIT_ASSERT_GE(test, raw, 0);
	ubuf = sfs_ubuf(test, 4096);
	sfs_fill(test, ubuf, 4096, 14);
	KUNIT_ASSERT_EQ(test, sim_pwrite(raw, ubuf, 4096, 0), 4096);

	/* Order-0 folios: the two pages must be separate dirty units. */
	sfs_mkfs_mount(test, NULL, "folio_order=0");
	fd = sfs_open(test, "r", O_RDWR | O_CREAT);
	sfs_pwrite(test, fd, 8192, 0, 15);
	KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
	m = sfs_mapping(fd);
	addr = sim_mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	KUNIT_EXPECT_EQ(test, sim_pread(raw, addr, 4096, 0), 4096);
	f = filemap_get_folio(m, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	KUNIT_EXPECT_TRUE(test, folio_test_dirty(f));
	folio_put(f);

	/* The second page: read-faulted (clean), then the source of a DIO write. */
	KUNIT_EXPECT_TRUE(test, sfs_user_is(addr + 4096, 4096, 0) == false);
	KUNIT_EXPECT_EQ(test, sim_pwrite(raw, addr + 4096, 4096, 8192), 4096);
	f = filemap_get_folio(m, 1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	KUNIT_EXPECT_FALSE(test, folio_test_dirty(f));
	folio_put(f);
	KUNIT_EXPECT_EQ(test, sfs_pins(), 0L);

	t_mm_munmap(test, addr, 8192);
	KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	sfs_remount(test, NULL);
	fd = sfs_open(test, "r", O_RDONLY);
	KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, fd, 4096, 0, 14));
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_close(raw), 0);
	t_mm_munmap(test, ubuf, 4096);
	KUNIT_EXPECT_EQ(test, sim_umount(SFS_MNT), 0);
}

/* ->page_mkwrite that lets a truncate in first (see the case below). */
static struct {
	int fd;
	int refs;		/* the folio's references as page_mkwrite starts */
	int trunc_ret;
	bool orphan;		/* after the truncate: out of the cache, still held */
} racing;

static vm_fault_t racing_page_mkwrite(struct vm_fault *vmf)
{
	struct folio *folio = page_folio(vmf->page);

	racing.refs = folio_ref_count(folio);
	racing.trunc_ret = sim_ftruncate(racing.fd, 0);
	racing.orphan = !folio->mapping && folio_ref_count(folio) > 0;
	return filemap_page_mkwrite(vmf);
}

/*
 * A store into a read-only PTE of a MAP_SHARED simfs page (dirty
 * tracking) calls ->page_mkwrite with the ptl dropped, so the fault must
 * hold its own reference on the page meanwhile (wp_page_shared()): else a
 * truncate in that window frees the folio that page_mkwrite then locks
 * and checks. The window is made deterministic by a ->page_mkwrite that
 * truncates the file to 0 before it does its work:
 *   read fault: PTE -> P (R/O)          P: cache + PTE references
 *   store -> do_wp_page -> drop ptl -> page_mkwrite { ftruncate(0) }
 * Expect page_mkwrite to see one reference more than the cache's and the
 * PTE's, P to survive the truncate as an orphan (no mapping, still held),
 * the store to fail with -EFAULT (the page left the file: SIGBUS), and P
 * freed once the fault lets go (ledger).
 */
static void simfs_wp_shared_holds_page_across_page_mkwrite(struct kunit *test)
{
	struct vm_operations_struct ops;
	struct vm_area_struct *vma;
	struct sim_ledger before, after;
	unsigned long addr;
	int base;
	char c = 'x';

	sfs_mkfs_mount(test, NULL, NULL);
	racing.fd = sfs_open(test, "w", O_RDWR | O_CREAT);
	sfs_pwrite(test, racing.fd, 4096, 0, 5);
	KUNIT_EXPECT_EQ(test, sim_fsync(racing.fd), 0);
	addr = sim_mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, racing.fd, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	KUNIT_ASSERT_EQ(test, sim_user_read(addr, &c, 1), 1);
	KUNIT_ASSERT_NOT_NULL(test, t_mm_page(t_mm(), addr));
	base = folio_ref_count(page_folio(t_mm_page(t_mm(), addr)));
	vma = vma_lookup(t_mm(), addr);
	KUNIT_ASSERT_NOT_NULL(test, vma);
	ops = *vma->vm_ops;
	ops.page_mkwrite = racing_page_mkwrite;
	vma->vm_ops = &ops;

	sim_ledger_read(&before);
	KUNIT_EXPECT_EQ(test, sim_user_write(addr, &c, 1), -EFAULT);
	sim_ledger_read(&after);
	KUNIT_EXPECT_EQ(test, racing.trunc_ret, 0);
	KUNIT_EXPECT_EQ(test, racing.refs, base + 1);
	KUNIT_EXPECT_TRUE(test, racing.orphan);
	KUNIT_EXPECT_EQ(test, after.live_folios, before.live_folios - 1);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);

	t_mm_munmap(test, addr, 4096);
	KUNIT_EXPECT_EQ(test, sim_close(racing.fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(SFS_MNT), 0);
}

/* ->page_mkwrite whose first call lets an invalidation in first (see below). */
static struct {
	struct address_space *mapping;
	int calls;
	int inval_ret;
} inval_mkwrite;

static vm_fault_t invalidating_page_mkwrite(struct vm_fault *vmf)
{
	if (inval_mkwrite.calls++ == 0)
		inval_mkwrite.inval_ret = invalidate_inode_pages2_range(inval_mkwrite.mapping, 0, 0);
	return filemap_page_mkwrite(vmf);
}

/*
 * A store into a read-only PTE of a MAP_SHARED simfs page, while an
 * invalidation (as around a direct write) takes the page out of the
 * cache. page_mkwrite finds the folio gone from the file and answers
 * VM_FAULT_NOPAGE, as the kernel's filemap_page_mkwrite() does, and the
 * fault is retried: it reads the file's page in anew and the store lands
 * there. (A truncate in the same window ends in SIGBUS only because the
 * retry meets EOF: simfs_wp_shared_holds_page_across_page_mkwrite.)
 *   read fault: PTE -> P (R/O, clean)
 *   store -> do_wp_page -> page_mkwrite { invalidate: P unmapped, out }
 *         -> NOPAGE -> retry -> fault in Q (from disk) -> store into Q
 * Expect the store to succeed, page_mkwrite called twice, P freed, Q
 * mapped in its place, and the byte in the file after fsync.
 */
static void simfs_wp_shared_invalidated_page_mkwrite_retries(struct kunit *test)
{
	struct vm_operations_struct ops;
	struct vm_area_struct *vma;
	struct page *p, *q;
	unsigned long addr;
	unsigned long ubuf;
	unsigned int gen;
	char c = 0;
	int fd, fd2;

	sfs_mkfs_mount(test, NULL, NULL);
	fd = sfs_open(test, "i", O_RDWR | O_CREAT);
	sfs_pwrite(test, fd, 4096, 0, 7);
	KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
	addr = sim_mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	KUNIT_ASSERT_EQ(test, sim_user_read(addr, &c, 1), 1);
	p = t_mm_page(t_mm(), addr);
	KUNIT_ASSERT_NOT_NULL(test, p);
	gen = page_folio(p)->gen;
	vma = vma_lookup(t_mm(), addr);
	KUNIT_ASSERT_NOT_NULL(test, vma);
	ops = *vma->vm_ops;
	ops.page_mkwrite = invalidating_page_mkwrite;
	vma->vm_ops = &ops;
	inval_mkwrite.mapping = sfs_mapping(fd);
	inval_mkwrite.calls = 0;
	inval_mkwrite.inval_ret = -1;

	c = 'x';
	KUNIT_EXPECT_EQ(test, sim_user_write(addr, &c, 1), 1);
	KUNIT_EXPECT_EQ(test, inval_mkwrite.inval_ret, 0);
	KUNIT_EXPECT_EQ(test, inval_mkwrite.calls, 2);
	q = t_mm_page(t_mm(), addr);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_NE(test, page_folio(q)->gen, gen);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
	KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
	fd2 = sfs_open(test, "i", O_RDONLY | O_DIRECT);	/* from the disk */
	ubuf = sfs_ubuf(test, 4096);
	KUNIT_EXPECT_EQ(test, sim_pread(fd2, ubuf, 4096, 0), 4096);
	c = 0;
	KUNIT_EXPECT_EQ(test, sim_user_read(ubuf, &c, 1), 1);
	KUNIT_EXPECT_EQ(test, c, 'x');

	t_mm_munmap(test, ubuf, 4096);
	t_mm_munmap(test, addr, 4096);
	KUNIT_EXPECT_EQ(test, sim_close(fd2), 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(SFS_MNT), 0);
}

/* ->fault that lets a truncate run before the PTE goes in (see below). */
static vm_fault_t racing_fault(struct vm_fault *vmf)
{
	vm_fault_t ret = filemap_fault(vmf);

	racing.trunc_ret = sim_ftruncate(racing.fd, 0);
	return ret;
}

/*
 * A read fault on a MAP_SHARED simfs page whose ->fault returned the cache
 * folio just before a truncate to 0 took it out of the file. The PTE must
 * not then be installed on the orphan (a page past EOF, whose stores
 * would never reach the file): the kernel holds the folio lock from
 * ->fault to the PTE; here do_fault() checks folio->mapping under
 * i_mmap_lock and truncate unmaps after removing (I7).
 *   ->fault: P (cache, ref)  | ftruncate(0): P out of the index, unmapped
 *   do_fault: P no longer the file's -> no PTE, retry -> EOF: SIGBUS
 * Expect the read to fail with -EFAULT, nothing mapped at the address,
 * and P freed (no leak).
 */
static void simfs_fault_vs_truncate_maps_no_orphan(struct kunit *test)
{
	struct vm_operations_struct ops;
	struct vm_area_struct *vma;
	struct sim_ledger before, after;
	unsigned long addr;
	char c = 0;

	sfs_mkfs_mount(test, NULL, NULL);
	racing.fd = sfs_open(test, "f", O_RDWR | O_CREAT);
	sfs_pwrite(test, racing.fd, 4096, 0, 6);
	addr = sim_mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, racing.fd, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	vma = vma_lookup(t_mm(), addr);
	KUNIT_ASSERT_NOT_NULL(test, vma);
	ops = *vma->vm_ops;
	ops.fault = racing_fault;
	vma->vm_ops = &ops;

	sim_ledger_read(&before);
	KUNIT_EXPECT_EQ(test, sim_user_read(addr, &c, 1), -EFAULT);
	sim_ledger_read(&after);
	KUNIT_EXPECT_EQ(test, racing.trunc_ret, 0);
	KUNIT_EXPECT_PTR_EQ(test, t_mm_page(t_mm(), addr), NULL);
	KUNIT_EXPECT_EQ(test, after.live_folios, before.live_folios - 1);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);

	t_mm_munmap(test, addr, 4096);
	KUNIT_EXPECT_EQ(test, sim_close(racing.fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(SFS_MNT), 0);
}

/* The invalidating thread of simfs_fault_vs_invalidate_maps_no_orphan(). */
struct sfs_inval_arg {
	struct task_struct *task;
	struct address_space *mapping;
	int ret;
	int done;
};

static void *sfs_inval_thread(void *p)
{
	struct sfs_inval_arg *a = p;

	sim_task_switch(a->task);
	a->ret = invalidate_inode_pages2_range(a->mapping, 0, 0);
	__atomic_store_n(&a->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * A read fault on a MAP_SHARED simfs page while invalidate_inode_pages2_range()
 * is between unmapping a dirty folio and taking it out of the index (it
 * is writing the folio first, and the disk holds that write). The fault
 * finds the folio still in the file and maps it. When the invalidation
 * then removes the folio, that PTE must not survive on the orphan (a page
 * no longer in the file: stores through it would never reach the file,
 * I7). The kernel keeps the fault out with the folio lock; here the
 * invalidation unmaps again after the removal, as truncate does.
 *   thread: lock P, unmap (none), write P --held by the disk--
 *   main:   read fault -> P still indexed -> PTE on P
 *   release: write done, P out of the index, unmapped again
 * Expect 0 from the invalidation, nothing mapped at the address, P freed
 * (no leak), and a new read to fault in a fresh page with the file's data.
 */
static void simfs_fault_vs_invalidate_maps_no_orphan(struct kunit *test)
{
	struct sim_io_fault hold = { .flags = SIM_IO_HOLD };
	struct sfs_inval_arg a = { 0 };
	struct sim_ledger before, after;
	struct folio *p;
	unsigned long addr;
	unsigned int gen;
	pthread_t th;
	char c = 0;
	int fd, i;

	sfs_mkfs_mount(test, NULL, NULL);
	fd = sfs_open(test, "v", O_RDWR | O_CREAT);
	sfs_pwrite(test, fd, 4096, 0, 9);
	a.mapping = sfs_mapping(fd);
	p = filemap_get_folio(a.mapping, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(p));
	gen = p->gen;
	KUNIT_ASSERT_TRUE(test, folio_test_dirty(p));
	addr = sim_mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	sim_ledger_read(&before);

	KUNIT_ASSERT_EQ(test, sim_disk_inject(SFS_DISK, &hold), 0);
	a.task = sim_thread_create(sim_current());
	KUNIT_ASSERT_NOT_NULL(test, a.task);
	KUNIT_ASSERT_EQ(test, pthread_create(&th, NULL, sfs_inval_thread, &a), 0);
	for (i = 0; i < 5000 && !folio_test_writeback(p); i++)
		usleep(1000);
	KUNIT_EXPECT_TRUE(test, folio_test_writeback(p));
	KUNIT_EXPECT_EQ(test, sim_user_read(addr, &c, 1), 1);
	KUNIT_EXPECT_EQ(test, c, (char)sfs_pat(0, 9));
	KUNIT_EXPECT_EQ(test, __atomic_load_n(&a.done, __ATOMIC_ACQUIRE), 0);
	KUNIT_EXPECT_EQ(test, sim_disk_inject(SFS_DISK, NULL), 0);
	KUNIT_EXPECT_GE(test, sim_disk_release(SFS_DISK), 1);
	pthread_join(th, NULL);
	sim_task_exit(a.task);
	KUNIT_EXPECT_EQ(test, a.ret, 0);
	KUNIT_EXPECT_PTR_EQ(test, p->mapping, NULL);
	KUNIT_EXPECT_PTR_EQ(test, t_mm_page(t_mm(), addr), NULL);
	folio_put(p);
	sim_ledger_read(&after);
	KUNIT_EXPECT_EQ(test, after.live_folios, before.live_folios - 1);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);

	/* The next read faults in a new page, read back from the disk. */
	KUNIT_EXPECT_EQ(test, sim_user_read(addr, &c, 1), 1);
	KUNIT_EXPECT_EQ(test, c, (char)sfs_pat(0, 9));
	p = filemap_get_folio(a.mapping, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(p));
	KUNIT_EXPECT_NE(test, p->gen, gen);
	folio_put(p);
	t_mm_munmap(test, addr, 4096);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(SFS_MNT), 0);
}

static struct kunit_case simfs_pin_cases[] = {
	KUNIT_CASE(simfs_i7_truncate_orphans_held_page),
	KUNIT_CASE(simfs_mmap_shared_private),
	KUNIT_CASE(simfs_r08_dirty_cow_force_pin),
	KUNIT_CASE(simfs_r10_truncate_pinned_page),
	KUNIT_CASE(simfs_r11_writeback_vs_pin),
	KUNIT_CASE(simfs_r24_dio_read_dirties_file_page),
	KUNIT_CASE(simfs_wp_shared_holds_page_across_page_mkwrite),
	KUNIT_CASE(simfs_wp_shared_invalidated_page_mkwrite_retries),
	KUNIT_CASE(simfs_fault_vs_truncate_maps_no_orphan),
	KUNIT_CASE(simfs_fault_vs_invalidate_maps_no_orphan),
	{}
};

struct kunit_suite simfs_pin_suite = {
	.name = "simfs_pin",
	.init = simfs_test_init,
	.exit = simfs_test_exit,
	.test_cases = simfs_pin_cases,
};
