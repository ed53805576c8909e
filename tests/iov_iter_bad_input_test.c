// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests: bad inputs 16-20 of scenarios.md §5.3 given to the
 * iterator imports and extraction (import_iovec() and friends, R-ITER-*),
 * each checked for its errno and that the ledger and the GUP counters
 * did not move. The fixture is tests/iov_iter_fixture.c; each case boots
 * its own machine.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pinio/fault-inject.h>
#include <pinio/fs.h>
#include <pinio/sim.h>
#include <pinio/uaccess.h>
#include <pinio/uio.h>

#include "kunit/test.h"
#include "mm/internal.h"
#include "mm_helpers.h"
#include "sim/sim.h"
#include "iov_iter_fixture.h"

/* ---- importing: bad inputs 16-18 ----------------------------------------- */

/*
 * Bad input 16: import_iovec() with UIO_MAXIOV + 1 segments; the limit
 * itself is fine.
 * Expect -EINVAL and *iovp NULL for 1025; 1024 segments of 1 byte give
 * 1024 and an allocated array (nr_segs > fast_segs) the caller kvfree()s.
 * Nothing in the ledger or vmstat moves.
 */
static void import_iovec_too_many_segments(struct kunit *test)
{
	static struct iovec uvec[UIO_MAXIOV + 1];
	struct iovec fast[UIO_FASTIOV], *iov = fast;
	struct iov_kunit_snap snap;
	struct iov_iter iter;
	int k;

	iov_kunit_snap(&snap);
	for (k = 0; k <= UIO_MAXIOV; k++)
		uvec[k] = (struct iovec){ (void *)(0x10000UL + k), 1 };
	KUNIT_EXPECT_EQ(test, import_iovec(ITER_DEST, uvec, UIO_MAXIOV + 1, UIO_FASTIOV, &iov,
					   &iter), -EINVAL);
	KUNIT_EXPECT_NULL(test, iov);

	iov = fast;
	KUNIT_EXPECT_EQ(test, import_iovec(ITER_DEST, uvec, UIO_MAXIOV, UIO_FASTIOV, &iov, &iter),
			UIO_MAXIOV);
	KUNIT_ASSERT_NOT_NULL(test, iov);
	KUNIT_EXPECT_TRUE(test, iov != fast);
	KUNIT_EXPECT_PTR_EQ(test, iter.__iov, iov);
	KUNIT_EXPECT_EQ(test, iter.nr_segs, UIO_MAXIOV);
	KUNIT_EXPECT_TRUE(test, iter_is_iovec(&iter));
	kvfree(iov);
	iov_kunit_expect_unchanged(test, &snap);
}

/*
 * Bad input 17: segments totalling more than MAX_RW_COUNT.
 *   [0] MAX_RW_COUNT - 4096   [1] 8192 -> 4096   [2] 100 -> 0
 * Expect MAX_RW_COUNT returned, the crossing segment shortened in the
 * copy (the caller's array untouched), later ones cut to 0; and a single
 * segment (imported as UBUF) clamped the same way.
 */
static void import_iovec_total_clamped(struct kunit *test)
{
	struct iovec uvec[3] = {
		{ (void *)0x10000, MAX_RW_COUNT - 4096 },
		{ (void *)0x10000, 8192 },
		{ (void *)0x20000, 100 },
	};
	struct iovec fast[UIO_FASTIOV], *iov = fast;
	struct iov_kunit_snap snap;
	struct iov_iter iter;

	iov_kunit_snap(&snap);
	KUNIT_EXPECT_EQ(test, import_iovec(ITER_SOURCE, uvec, 3, UIO_FASTIOV, &iov, &iter),
			(ssize_t)MAX_RW_COUNT);
	KUNIT_EXPECT_NULL(test, iov);
	KUNIT_EXPECT_PTR_EQ(test, iter.__iov, fast);
	KUNIT_EXPECT_EQ(test, fast[1].iov_len, 4096);
	KUNIT_EXPECT_EQ(test, fast[2].iov_len, 0);
	KUNIT_EXPECT_EQ(test, uvec[1].iov_len, 8192);
	KUNIT_EXPECT_EQ(test, iov_iter_count(&iter), MAX_RW_COUNT);
	KUNIT_EXPECT_EQ(test, iov_iter_rw(&iter), WRITE);

	iov = fast;
	uvec[0].iov_len = MAX_RW_COUNT + 12345;
	KUNIT_EXPECT_EQ(test, import_iovec(ITER_DEST, uvec, 1, UIO_FASTIOV, &iov, &iter),
			(ssize_t)MAX_RW_COUNT);
	KUNIT_EXPECT_TRUE(test, iter_is_ubuf(&iter));
	KUNIT_EXPECT_NULL(test, iov);
	KUNIT_EXPECT_EQ(test, import_ubuf(ITER_DEST, 0x10000, SIZE_MAX / 4, &iter), 0);
	KUNIT_EXPECT_EQ(test, iter.count, MAX_RW_COUNT);
	iov_kunit_expect_unchanged(test, &snap);
}

/*
 * Bad input 18 and access_ok(): a length negative as ssize_t, and ranges
 * that leave the user address space (end > TASK_SIZE_MAX).
 * Expect -EINVAL for the length (in either position), -EFAULT for the
 * ranges from import_iovec() and import_ubuf(), *iovp NULL and the
 * iterator untouched each time; a range ending exactly at TASK_SIZE_MAX
 * is fine. No allocation failure injected, no ledger or vmstat change.
 */
static void import_iovec_bad_lengths_and_ranges(struct kunit *test)
{
	struct iovec uvec[3] = {
		{ (void *)0x10000, 100 },
		{ (void *)0x20000, (size_t)SSIZE_MAX + 1 },
		{ (void *)0x30000, 100 },
	};
	struct iovec fast[UIO_FASTIOV], *iov = fast;
	struct iov_kunit_snap snap;
	struct iov_iter iter, before;

	iov_kunit_snap(&snap);
	iov_iter_discard(&iter, READ, 7);
	before = iter;
	KUNIT_EXPECT_EQ(test, import_iovec(ITER_DEST, uvec, 3, UIO_FASTIOV, &iov, &iter), -EINVAL);
	KUNIT_EXPECT_NULL(test, iov);
	iov = fast;
	KUNIT_EXPECT_EQ(test, import_iovec(ITER_DEST, &uvec[1], 1, UIO_FASTIOV, &iov, &iter),
			-EINVAL);
	KUNIT_EXPECT_NULL(test, iov);
	iov = fast;
	uvec[1] = (struct iovec){ (void *)(TASK_SIZE_MAX - 10), 100 };
	KUNIT_EXPECT_EQ(test, import_iovec(ITER_DEST, uvec, 3, UIO_FASTIOV, &iov, &iter), -EFAULT);
	KUNIT_EXPECT_NULL(test, iov);
	KUNIT_EXPECT_TRUE(test, iov_kunit_iter_eq(&iter, &before));
	KUNIT_EXPECT_EQ(test, import_ubuf(ITER_DEST, TASK_SIZE_MAX - 10, 100, &iter), -EFAULT);
	KUNIT_EXPECT_EQ(test, import_ubuf(ITER_DEST, ULONG_MAX - 10, 100, &iter), -EFAULT);
	KUNIT_EXPECT_TRUE(test, iov_kunit_iter_eq(&iter, &before));

	iov = fast;
	uvec[1] = (struct iovec){ (void *)(TASK_SIZE_MAX - 100), 100 };
	KUNIT_EXPECT_EQ(test, import_iovec(ITER_DEST, uvec, 3, UIO_FASTIOV, &iov, &iter), 300);
	KUNIT_EXPECT_EQ(test, import_ubuf(ITER_DEST, TASK_SIZE_MAX - 100, 100, &iter), 0);
	iov_kunit_expect_unchanged(test, &snap);
}

/*
 * import_iovec() when copying the array needs an allocation that fails
 * (fault injection F2): 20 segments with 8 fast ones.
 * Expect -ENOMEM, *iovp NULL, the iterator untouched, 0 segments import
 * as an empty IOVEC of 0 bytes.
 */
static void import_iovec_alloc_fails(struct kunit *test)
{
	struct iovec uvec[20], fast[UIO_FASTIOV], *iov = fast;
	struct iov_iter iter, before;
	int k;

	for (k = 0; k < 20; k++)
		uvec[k] = (struct iovec){ (void *)(0x10000UL * (k + 1)), 10 };
	iov_iter_discard(&iter, READ, 7);
	before = iter;
	sim_fail_site_after(FAULT_META_ALLOC, 1);
	KUNIT_EXPECT_EQ(test, import_iovec(ITER_DEST, uvec, 20, UIO_FASTIOV, &iov, &iter),
			-ENOMEM);
	sim_fault_reset();
	KUNIT_EXPECT_NULL(test, iov);
	KUNIT_EXPECT_TRUE(test, iov_kunit_iter_eq(&iter, &before));

	iov = fast;
	KUNIT_EXPECT_EQ(test, import_iovec(ITER_DEST, uvec, 0, UIO_FASTIOV, &iov, &iter), 0);
	KUNIT_EXPECT_TRUE(test, iter_is_iovec(&iter));
	KUNIT_EXPECT_EQ(test, iter.count, 0);
	KUNIT_EXPECT_NULL(test, iov);
}

/* ---- bad inputs 19-20 ---------------------------------------------------- */

/*
 * Bad input 19 (R-ITER-5): extract with maxsize 0 and with maxpages 0,
 * from a populated UBUF, an IOVEC, a KVEC and a BVEC with bytes.
 * Expect 0 each time, the iterator, *offset0 and the page list untouched,
 * no pin, reference or fault.
 */
static void extract_pages_maxsize0_maxpages0(struct kunit *test)
{
	static const struct iov_kunit_table t = { "one", 1, { { 0x10, 0x3000 } } };
	enum iov_kunit_kind kind;

	for (kind = IOV_KUNIT_KVEC; kind <= IOV_KUNIT_UBUF; kind++) {
		struct iov_kunit_buf *b = iov_kunit_buf_setup(test, kind);
		struct page *pagelist[IOV_KUNIT_LIST], **pages = pagelist;
		struct iov_kunit_snap snap;
		struct iov_iter iter, before;
		size_t offset0 = 777;
		int k;

		for (k = 0; k < IOV_KUNIT_LIST; k++)
			pagelist[k] = IOV_KUNIT_POISON;
		iov_kunit_load(test, b, &iter, ITER_DEST, &t);
		before = iter;
		iov_kunit_snap(&snap);
		KUNIT_EXPECT_EQ(test, iov_iter_extract_pages(&iter, &pages, 0, 8, 0, &offset0), 0);
		KUNIT_EXPECT_EQ(test, iov_iter_extract_pages(&iter, &pages, SIZE_MAX, 0, 0,
							     &offset0), 0);
		KUNIT_EXPECT_TRUE_MSG(test, iov_kunit_iter_eq(&iter, &before), "%s",
				      iov_kunit_kind_name[kind]);
		KUNIT_EXPECT_EQ(test, offset0, 777);
		KUNIT_EXPECT_PTR_EQ(test, pagelist[0], IOV_KUNIT_POISON);
		iov_kunit_expect_unchanged(test, &snap);
		iov_kunit_buf_teardown(test, b);
	}
}

/*
 * Bad input 20 (R-ITER-6): a user iterator over unmapped memory, both
 * directions, UBUF and IOVEC, with a caller array and with *pages NULL.
 *   | mapped | hole (munmapped) |
 * Expect -EFAULT, the iterator not advanced, no pin, no folio allocated,
 * and an array the extraction allocated freed again (*pages NULL).
 */
static void extract_pages_unmapped_efault(struct kunit *test)
{
	unsigned long ubase = iov_kunit_mmap(test, 2 * PAGE_SIZE), hole = ubase + PAGE_SIZE;
	struct page *pagelist[IOV_KUNIT_LIST], **pages;
	struct iovec iov[2] = { { (void *)ubase, 0 }, { (void *)(hole + 5), 100 } };
	struct iov_kunit_snap snap;
	struct iov_iter iter, before;
	size_t offset0;
	int dir;

	KUNIT_ASSERT_EQ(test, sim_munmap(hole, PAGE_SIZE), 0);
	sim_ledger_read(&snap.l);
	for (dir = ITER_DEST; dir <= ITER_SOURCE; dir++) {
		unsigned long pins = sim_vmstat("nr_foll_pin_acquired");
		struct sim_ledger l;

		iov_iter_ubuf(&iter, (unsigned int)dir, hole, 3000);
		before = iter;
		pages = pagelist;
		KUNIT_EXPECT_EQ(test, iov_iter_extract_pages(&iter, &pages, SIZE_MAX, 8, 0,
							     &offset0), -EFAULT);
		KUNIT_EXPECT_TRUE(test, iov_kunit_iter_eq(&iter, &before));
		pages = NULL;
		KUNIT_EXPECT_EQ(test, iov_iter_extract_pages(&iter, &pages, SIZE_MAX, 8, 0,
							     &offset0), -EFAULT);
		KUNIT_EXPECT_NULL(test, pages);

		iov_iter_init(&iter, (unsigned int)dir, iov, 2, 100);
		before = iter;
		pages = pagelist;
		KUNIT_EXPECT_EQ(test, iov_iter_extract_pages(&iter, &pages, SIZE_MAX, 8, 0,
							     &offset0), -EFAULT);
		KUNIT_EXPECT_TRUE(test, iov_kunit_iter_eq(&iter, &before));
		KUNIT_EXPECT_PTR_EQ(test, iter.__iov, &iov[0]);
		KUNIT_EXPECT_EQ(test, sim_vmstat("nr_foll_pin_acquired"), pins);
		sim_ledger_read(&l);
		KUNIT_EXPECT_EQ(test, l.pins, snap.l.pins);
		KUNIT_EXPECT_EQ(test, l.live_folios, snap.l.live_folios);
	}
	KUNIT_EXPECT_EQ(test, sim_munmap(ubase, PAGE_SIZE), 0);
}

/*
 * R-ITER-2/3/4: what each constructor sets.
 * Expect the type, user_backed (UBUF and IOVEC only), extract_will_pin
 * equal to user_backed, iov_offset 0, nofault false, and the direction.
 */
static void constructors_set_fields(struct kunit *test)
{
	struct iovec iov = { (void *)0x1000, 10 };
	char host[10];
	struct kvec kv = { host, 10 };
	struct iov_iter it[6];
	static const struct { unsigned char type; bool user; } want[6] = {
		{ ITER_UBUF, true }, { ITER_IOVEC, true }, { ITER_KVEC, false },
		{ ITER_BVEC, false }, { ITER_XARRAY, false }, { ITER_DISCARD, false },
	};
	int k;

	iov_iter_ubuf(&it[0], ITER_SOURCE, 0x1000, 10);
	iov_iter_init(&it[1], ITER_SOURCE, &iov, 1, 10);
	iov_iter_kvec(&it[2], ITER_SOURCE, &kv, 1, 10);
	iov_iter_bvec(&it[3], ITER_SOURCE, NULL, 0, 0);
	iov_iter_xarray(&it[4], ITER_SOURCE, NULL, 8192, 10);
	iov_iter_discard(&it[5], READ, 10);
	for (k = 0; k < 6; k++) {
		KUNIT_EXPECT_EQ(test, iov_iter_type(&it[k]), want[k].type);
		KUNIT_EXPECT_EQ(test, user_backed_iter(&it[k]), want[k].user);
		KUNIT_EXPECT_EQ(test, iov_iter_extract_will_pin(&it[k]), want[k].user);
		KUNIT_EXPECT_EQ(test, it[k].iov_offset, 0);
		KUNIT_EXPECT_FALSE(test, it[k].nofault);
		KUNIT_EXPECT_EQ(test, iov_iter_rw(&it[k]), k == 5 ? READ : WRITE);
	}
	KUNIT_EXPECT_EQ(test, it[0].nr_segs, 1);
	KUNIT_EXPECT_EQ(test, it[4].xarray_start, 8192);
}

/*
 * R-ITER-9: ITER_XARRAY over a real page cache. A simfs file gets 5 pages
 * of buffered data (cached, dirty), then a hole is punched into the cache
 * view by reading past what was written:
 *
 *   index:  0    1    2    3    4  | 5 (not cached)
 *           [A0] [A1] [A2] [A3] [A4]
 *   iter:   xarray_start = 100, count = 6 pages
 *
 * Expect extraction to return the cached pages (offset0 100) up to the
 * first hole, with no pin and no reference taken, and a copy out of the
 * iterator to give back the file's bytes.
 */
static void extract_xarray_page_cache(struct kunit *test)
{
	struct page *pagelist[IOV_KUNIT_LIST], **pages = pagelist;
	unsigned char *data = malloc(5 * PAGE_SIZE), *back = malloc(5 * PAGE_SIZE);
	struct iov_kunit_snap snap;
	struct iov_iter iter;
	struct file *file;
	unsigned long ubuf;
	size_t offset0 = 0;
	ssize_t n;
	int fd, k, refs[5];

	KUNIT_ASSERT_NOT_NULL(test, data);
	KUNIT_ASSERT_NOT_NULL(test, back);
	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("ixa", 8 << 20, 512), 0);
	KUNIT_ASSERT_EQ(test, sim_mkfs("/dev/ixa", "simfs", "bs=4096"), 0);
	KUNIT_ASSERT_EQ(test, sim_mount("/dev/ixa", "/mnt", NULL), 0);
	fd = sim_open("/mnt/x", O_CREAT | O_RDWR, 0644);
	KUNIT_ASSERT_GE(test, fd, 0);
	for (k = 0; k < (int)(5 * PAGE_SIZE); k++)
		data[k] = (unsigned char)(k * 7 + 3);
	ubuf = sim_mmap(0, 5 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(ubuf));
	KUNIT_ASSERT_EQ(test, sim_user_write(ubuf, data, 5 * PAGE_SIZE), (ssize_t)(5 * PAGE_SIZE));
	KUNIT_ASSERT_EQ(test, sim_pwrite(fd, ubuf, 5 * PAGE_SIZE, 0), (ssize_t)(5 * PAGE_SIZE));
	file = sim_fget(fd);
	KUNIT_ASSERT_NOT_NULL(test, file);

	iov_kunit_snap(&snap);
	iov_iter_xarray(&iter, ITER_SOURCE, file->f_mapping, 0, 6 * PAGE_SIZE);
	iov_iter_advance(&iter, 100);
	for (k = 0; k < IOV_KUNIT_LIST; k++)
		pagelist[k] = IOV_KUNIT_POISON;
	n = iov_iter_extract_pages(&iter, &pages, SIZE_MAX, IOV_KUNIT_LIST, 0, &offset0);
	KUNIT_EXPECT_EQ(test, n, (ssize_t)(5 * PAGE_SIZE - 100));
	KUNIT_EXPECT_EQ(test, offset0, 100);
	KUNIT_EXPECT_EQ(test, iter.count, 6 * PAGE_SIZE - 100 - (size_t)n);
	for (k = 0; k < 5; k++) {
		KUNIT_EXPECT_TRUE(test, pagelist[k] != IOV_KUNIT_POISON);
		if (pagelist[k] == IOV_KUNIT_POISON)
			break;
		refs[k] = page_ref_count(pagelist[k]);
		KUNIT_EXPECT_FALSE(test, page_maybe_dma_pinned(pagelist[k]));
		KUNIT_EXPECT_EQ(test, memcmp(page_address(pagelist[k]), data + k * PAGE_SIZE,
					     PAGE_SIZE), 0);
	}
	KUNIT_EXPECT_PTR_EQ(test, pagelist[5], IOV_KUNIT_POISON);
	iov_kunit_expect_unchanged(test, &snap);

	/* Copy back out through a fresh iterator: the file's bytes. */
	iov_iter_xarray(&iter, ITER_SOURCE, file->f_mapping, 0, 6 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, copy_from_iter(back, 5 * PAGE_SIZE, &iter), 5 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, memcmp(back, data, 5 * PAGE_SIZE), 0);
	for (k = 0; k < 5 && pagelist[k] != IOV_KUNIT_POISON; k++)
		KUNIT_EXPECT_EQ(test, page_ref_count(pagelist[k]), refs[k]);

	fput(file);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_munmap(ubuf, 5 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, sim_umount("/mnt"), 0);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("ixa"), 0);
	free(data);
	free(back);
}

static struct kunit_case iov_iter_bad_input_cases[] = {
	KUNIT_CASE(constructors_set_fields),
	KUNIT_CASE(extract_xarray_page_cache),
	KUNIT_CASE(extract_pages_maxsize0_maxpages0),
	KUNIT_CASE(extract_pages_unmapped_efault),
	KUNIT_CASE(import_iovec_too_many_segments),
	KUNIT_CASE(import_iovec_total_clamped),
	KUNIT_CASE(import_iovec_bad_lengths_and_ranges),
	KUNIT_CASE(import_iovec_alloc_fails),
	{}
};

struct kunit_suite iov_iter_bad_input_suite = {
	.name = "iov_iter_bad_input",
	.init = iov_kunit_init,
	.exit = iov_kunit_exit,
	.test_cases = iov_iter_bad_input_cases,
};
