// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for direct I/O on a raw block device (block/fops.c) through
 * the syscalls of sim/syscalls.c: opening and closing, and synchronous
 * O_DIRECT moving real bytes on a `ram` disk, pin counts equal to the
 * pages spanned, zero pages of untouched memory left untouched, the
 * O_DIRECT pin counts measured on the host kernel, bad inputs 25-28. The
 * async ring and R01 are the fops_aio suite.
 *
 * Every case boots a 64 MiB machine with THP on and a 16 MiB ram disk
 * "fram" (512-byte blocks, dma_alignment 511) in .init
 * (tests/fops_fixture.c); .exit destroys the disk and shuts down
 * expecting no leaks.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <pinio/blkdev.h>
#include <pinio/fs.h>
#include <pinio/sim.h>

#include "block/blk.h"
#include "kunit/test.h"
#include "mm_helpers.h"
#include "fops_fixture.h"

/* ---- opening and closing -------------------------------------------------- */

/*
 * Open the disk three ways, a missing disk, a path outside /dev and a bad
 * access mode; close twice.
 *   fds: 0 1 2 | close 1 | reopen -> 1
 * Expect the lowest free fd each time, -ENOENT for /dev/nope and /mnt/f
 * (simfs not built), -EINVAL for O_ACCMODE, -EBADF for a second close.
 */
static void fops_open_close_lowest_fd(struct kunit *test)
{
	int a = fops_open(test, O_RDONLY | O_DIRECT);
	int b = fops_open(test, O_WRONLY | O_DIRECT);
	int c = fops_open(test, O_RDWR | O_DIRECT);

	KUNIT_EXPECT_EQ(test, b, a + 1);
	KUNIT_EXPECT_EQ(test, c, a + 2);
	KUNIT_EXPECT_EQ(test, sim_open("/dev/nope", O_RDWR, 0), -ENOENT);
	KUNIT_EXPECT_EQ(test, sim_open("/mnt/f", O_RDWR, 0), -ENOENT);
	KUNIT_EXPECT_EQ(test, sim_open(FOPS_DEV, O_ACCMODE, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_open(NULL, O_RDWR, 0), -EFAULT);
	KUNIT_EXPECT_EQ(test, sim_close(b), 0);
	KUNIT_EXPECT_EQ(test, sim_close(b), -EBADF);
	KUNIT_EXPECT_EQ(test, fops_open(test, O_RDWR), b);
	KUNIT_EXPECT_EQ(test, sim_close(a), 0);
	KUNIT_EXPECT_EQ(test, sim_close(b), 0);
	KUNIT_EXPECT_EQ(test, sim_close(c), 0);
	KUNIT_EXPECT_EQ(test, sim_close(-1), -EBADF);
	KUNIT_EXPECT_EQ(test, nr_live_files(), 0);
}

/*
 * Buffered access to the raw device (no O_DIRECT): the block-device page
 * cache is not built.
 * Expect -EINVAL for read and write, and no pin taken.
 */
static void fops_buffered_io_not_built(struct kunit *test)
{
	unsigned long buf = fops_mmap(test, PAGE_SIZE);
	int fd = fops_open(test, O_RDWR);
	struct fops_counts c;

	fops_fill(test, buf, PAGE_SIZE, 1);
	fops_counts(&c);
	KUNIT_EXPECT_EQ(test, sim_pwrite(fd, buf, PAGE_SIZE, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_pread(fd, buf, PAGE_SIZE, 0), -EINVAL);
	FOPS_EXPECT_PINS(test, &c, 0, 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	t_mm_munmap(test, buf, PAGE_SIZE);
}

/* ---- synchronous O_DIRECT -------------------------------------------------- */

/*
 * 64 KiB pattern written from touched anonymous memory at 1 MiB, read back
 * into other touched memory (whose dirty bit was cleared first):
 *   src: |p0|p1|...|p15|  --pwrite-->  disk[1M, 1M+64K)  --pread-->  dst
 * Expect 16 pins acquired and released per direction, the pattern on the
 * disk and in dst, and every dst page dirtied by the read (R-BIO-13).
 */
static void fops_pwrite_pread_anon_round_trip(struct kunit *test)
{
	const size_t len = 64 << 10;
	unsigned long src = fops_mmap(test, len), dst = fops_mmap(test, len);
	int fd = fops_open(test, O_RDWR | O_DIRECT);
	struct fops_counts c;
	size_t i;

	fops_fill(test, src, len, 3);
	t_mm_fill(test, dst, 0x5a, len);
	for (i = 0; i < len; i += PAGE_SIZE)
		folio_clear_dirty_for_io(page_folio(t_mm_page(t_mm(), dst + i)));

	fops_counts(&c);
	KUNIT_EXPECT_EQ(test, sim_pwrite(fd, src, len, 1 << 20), (ssize_t)len);
	FOPS_EXPECT_PINS(test, &c, 16, 16);

	fops_counts(&c);
	KUNIT_EXPECT_EQ(test, sim_pread(fd, dst, len, 1 << 20), (ssize_t)len);
	FOPS_EXPECT_PINS(test, &c, 16, 16);
	KUNIT_EXPECT_TRUE(test, fops_user_is(dst, len, 3, false));
	for (i = 0; i < len; i += PAGE_SIZE)
		KUNIT_EXPECT_TRUE_MSG(test, folio_test_dirty(page_folio(t_mm_page(t_mm(), dst + i))),
				      "page %zu not dirtied by the O_DIRECT read", i / PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, fops_disk_is(test, 1 << 20, len, 3, false));
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	t_mm_munmap(test, src, len);
	t_mm_munmap(test, dst, len);
}

/*
 * The O_DIRECT pin counts measured on the host kernel (6.18, a loop device
 * with 512-byte blocks, /proc/vmstat nr_foll_pin_*), one row each, run as
 * a read and as a write on the raw ram disk. The buffer is page-aligned
 * touched memory B:
 *   aligned        B+0     4096 at pos 0        1 page     -> 4096, 1/1
 *   offset 512     B+512   4096 at pos 0        2 pages    -> 4096, 2/2
 *   page-spanning  B+3584  1024 at pos 4096     2 pages    -> 1024, 2/2
 *   two iovecs     B+0 2048, B+2048 2048        1 page, 2x -> 4096, 2/2
 *   misaligned pos B+0     4096 at pos 100                 -> -EINVAL, 0/0
 *   misaligned len B+0     100 at pos 0                    -> -EINVAL, 0/0
 *   misaligned buf B+100   4096 at pos 0                   -> -EINVAL, 0/0 (v6.5;
 *                                                          the 6.18 host: 2/2)
 * Expect exactly these results and pin deltas (a misaligned offset, length
 * or buffer is refused before pinning; two iovecs in one page pin it twice and the
 * same-page merge drops one at once, R-BIO-6), with the zero page unmoved.
 */
struct fops_host_case {
	const char *desc;
	unsigned long off0, len0;	/* first iovec: B+off0, len0 */
	unsigned long off1, len1;	/* second iovec, when len1 */
	off_t pos;
	ssize_t ret;
	unsigned long pins;		/* acquired == released */
	bool write;
};

static const struct fops_host_case fops_host_cases[] = {
	{ "aligned read", 0, 4096, 0, 0, 0, 4096, 1, false },
	{ "aligned write", 0, 4096, 0, 0, 0, 4096, 1, true },
	{ "offset 512 read", 512, 4096, 0, 0, 0, 4096, 2, false },
	{ "offset 512 write", 512, 4096, 0, 0, 0, 4096, 2, true },
	{ "page-spanning read", 3584, 1024, 0, 0, 4096, 1024, 2, false },
	{ "page-spanning write", 3584, 1024, 0, 0, 4096, 1024, 2, true },
	{ "two iovecs one page read", 0, 2048, 2048, 2048, 0, 4096, 2, false },
	{ "two iovecs one page write", 0, 2048, 2048, 2048, 0, 4096, 2, true },
	{ "misaligned pos read (bad input 25)", 0, 4096, 0, 0, 100, -EINVAL, 0, false },
	{ "misaligned pos write (bad input 25)", 0, 4096, 0, 0, 100, -EINVAL, 0, true },
	{ "misaligned len read (bad input 26)", 0, 100, 0, 0, 0, -EINVAL, 0, false },
	{ "misaligned len write (bad input 26)", 0, 100, 0, 0, 0, -EINVAL, 0, true },
	{ "misaligned buffer read (bad input 26)", 100, 4096, 0, 0, 0, -EINVAL, 0, false },
	{ "misaligned buffer write (bad input 26)", 100, 4096, 0, 0, 0, -EINVAL, 0, true },
};

static void fops_host_case_desc(const struct fops_host_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(fops_host, fops_host_cases, fops_host_case_desc);

static void fops_odirect_host_pin_counts(struct kunit *test)
{
	const struct fops_host_case *hc = test->param_value;
	unsigned long buf = fops_mmap(test, 4 * PAGE_SIZE);
	int fd = fops_open(test, O_RDWR | O_DIRECT);
	struct iovec iov[2] = {
		{ (void *)(buf + hc->off0), hc->len0 },
		{ (void *)(buf + hc->off1), hc->len1 },
	};
	int iovcnt = hc->len1 ? 2 : 1;
	struct fops_counts c;
	ssize_t ret;

	fops_fill(test, buf, 4 * PAGE_SIZE, 9);
	fops_counts(&c);
	if (hc->write)
		ret = sim_pwritev(fd, iov, iovcnt, hc->pos);
	else
		ret = sim_preadv(fd, iov, iovcnt, hc->pos);
	KUNIT_EXPECT_EQ(test, ret, hc->ret);
	FOPS_EXPECT_PINS(test, &c, hc->pins, hc->pins);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	t_mm_munmap(test, buf, 4 * PAGE_SIZE);
}

/*
 * A write from untouched memory: every PTE is faulted to the zero page and
 * pinned as such (EDGE-7). The disk first holds pattern 5 in [0, 64K).
 * Expect 0 pins counted, 16 zero-page pins that only pretended, the zero
 * page's refcount unmoved, and zeros on the disk.
 */
static void fops_write_untouched_pins_zero_pages(struct kunit *test)
{
	const size_t len = 64 << 10;
	unsigned long src = fops_mmap(test, len), untouched = fops_mmap(test, len);
	int fd = fops_open(test, O_RDWR | O_DIRECT);
	struct fops_counts c, now;

	fops_fill(test, src, len, 5);
	KUNIT_ASSERT_EQ(test, sim_pwrite(fd, src, len, 0), (ssize_t)len);
	KUNIT_ASSERT_TRUE(test, fops_disk_is(test, 0, len, 5, false));

	fops_counts(&c);
	KUNIT_EXPECT_EQ(test, sim_pwrite(fd, untouched, len, 0), (ssize_t)len);
	FOPS_EXPECT_PINS(test, &c, 0, 0);
	fops_counts(&now);
	KUNIT_EXPECT_EQ(test, now.zero_pins - c.zero_pins, 16UL);
	KUNIT_EXPECT_TRUE(test, is_zero_page(t_mm_page(t_mm(), untouched)));
	KUNIT_EXPECT_TRUE(test, fops_disk_is(test, 0, len, 0, true));
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	t_mm_munmap(test, src, len);
	t_mm_munmap(test, untouched, len);
}

/*
 * A read into untouched memory needs writable pages: GUP write-faults
 * fresh anonymous pages, never the zero page (EDGE-7, INV-11).
 * Expect 4 pins acquired and released, the device's pattern in the
 * buffer, and no zero page mapped there afterwards.
 */
static void fops_read_untouched_gets_fresh_pages(struct kunit *test)
{
	const size_t len = 4 * PAGE_SIZE;
	unsigned long src = fops_mmap(test, len), dst = fops_mmap(test, len);
	int fd = fops_open(test, O_RDWR | O_DIRECT);
	struct fops_counts c;
	size_t i;

	fops_fill(test, src, len, 6);
	KUNIT_ASSERT_EQ(test, sim_pwrite(fd, src, len, 8192), (ssize_t)len);
	fops_counts(&c);
	KUNIT_EXPECT_EQ(test, sim_pread(fd, dst, len, 8192), (ssize_t)len);
	FOPS_EXPECT_PINS(test, &c, 4, 4);
	for (i = 0; i < len; i += PAGE_SIZE) {
		struct page *page = t_mm_page(t_mm(), dst + i);

		KUNIT_EXPECT_NOT_NULL(test, page);
		if (page)
			KUNIT_EXPECT_FALSE(test, is_zero_page(page));
	}
	KUNIT_EXPECT_TRUE(test, fops_user_is(dst, len, 6, false));
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	t_mm_munmap(test, src, len);
	t_mm_munmap(test, dst, len);
}

/*
 * A 2 MiB THP-backed buffer (one PMD-mapped folio); write 64 KiB from its
 * middle and read it back into the same spot:
 *   folio: |..........[16 pages]..........|   (512 subpages)
 * Expect 16 pins acquired and released each way (+1 refcount and +1
 * _pincount per subpage while in flight, R-REF-3), _pincount 0 after, and
 * the data on the disk.
 */
static void fops_thp_buffer_round_trip(struct kunit *test)
{
	const size_t len = 64 << 10;
	unsigned long map = fops_mmap(test, 4UL << 20);
	unsigned long thp = ALIGN(map, 2UL << 20), buf = thp + (1UL << 20);
	int fd = fops_open(test, O_RDWR | O_DIRECT);
	struct fops_counts c;
	struct folio *folio;

	t_mm_fill(test, thp, 0, 2UL << 20);
	folio = page_folio(t_mm_page(t_mm(), thp));
	KUNIT_ASSERT_TRUE_MSG(test, folio_test_large(folio), "no THP at %#lx", thp);
	fops_fill(test, buf, len, 7);

	fops_counts(&c);
	KUNIT_EXPECT_EQ(test, sim_pwrite(fd, buf, len, 0), (ssize_t)len);
	FOPS_EXPECT_PINS(test, &c, 16, 16);
	t_mm_fill(test, buf, 0, len);
	fops_counts(&c);
	KUNIT_EXPECT_EQ(test, sim_pread(fd, buf, len, 0), (ssize_t)len);
	FOPS_EXPECT_PINS(test, &c, 16, 16);
	KUNIT_EXPECT_EQ(test, atomic_read(&folio->_pincount), 0);
	KUNIT_EXPECT_TRUE(test, fops_user_is(buf, len, 7, false));
	KUNIT_EXPECT_TRUE(test, fops_disk_is(test, 0, len, 7, false));
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	t_mm_munmap(test, map, 4UL << 20);
}

/*
 * Large copies of the `ram` store (drivers/block/ram.c): the store is in
 * 2 MiB chunks, one copy per chunk a transfer touches, and copies of at
 * least 64 KiB are one `rep movsb` on an ERMS CPU (memcpy() below that).
 * The user buffer is one THP, so a whole transfer is one host segment:
 *
 *   disk  |   chunk 1   |   chunk 2   |  ...  | chunk 5 |     | chunk 7 |
 *   case  |[== 1 MiB ==]|    [==|==]  |  [=]  |  [=|=]  | [=====]     [0s]
 *          at 2 MiB       straddles    64 KiB   below    1.25 MiB  unwritten
 *                         4 MiB: 2x512K exactly  64 KiB   (max bio)
 *
 * Each case writes its range with its own pattern, reads it back into a
 * cleared buffer, and checks the 512 bytes on either side are still zero.
 * Expect every range read back as written (all zeros for the unwritten
 * one), untouched margins, and as many pins released as acquired.
 */
static const struct {
	unsigned long off;
	size_t len;
	bool unwritten;
} fops_large_copies[] = {
	{ 2UL << 20, 1UL << 20, false },			/* one 1 MiB copy */
	{ (7UL << 20) / 2, 1UL << 20, false },			/* 2 x 512 KiB */
	{ (6UL << 20) - (64UL << 10), 64UL << 10, false },	/* exactly 64 KiB */
	{ (8UL << 20) - (32UL << 10), (64UL << 10) - 512, false }, /* 32 KiB + 31.5 KiB */
	{ 10UL << 20, (5UL << 20) / 4, false },		/* 1.25 MiB, the largest bio */
	{ 14UL << 20, 1UL << 20, true },			/* never written: zeros */
};

static void fops_large_copies_round_trip(struct kunit *test)
{
	unsigned long map = fops_mmap(test, 4UL << 20);
	unsigned long thp = ALIGN(map, 2UL << 20);
	int fd = fops_open(test, O_RDWR | O_DIRECT);
	struct fops_counts c;
	unsigned int i;

	t_mm_fill(test, thp, 0, 2UL << 20);
	KUNIT_ASSERT_TRUE_MSG(test, folio_test_large(page_folio(t_mm_page(t_mm(), thp))),
			      "no THP at %#lx", thp);
	fops_counts(&c);
	for (i = 0; i < ARRAY_SIZE(fops_large_copies); i++) {
		unsigned long off = fops_large_copies[i].off;
		size_t len = fops_large_copies[i].len;
		unsigned int seed = 11 + i;

		if (!fops_large_copies[i].unwritten) {
			fops_fill(test, thp, len, seed);
			KUNIT_EXPECT_EQ_MSG(test, sim_pwrite(fd, thp, len, (off_t)off), (ssize_t)len,
					    "case %u write", i);
		}
		t_mm_fill(test, thp, 0xa5, len);
		KUNIT_EXPECT_EQ_MSG(test, sim_pread(fd, thp, len, (off_t)off), (ssize_t)len,
				    "case %u read", i);
		if (fops_large_copies[i].unwritten)
			KUNIT_EXPECT_TRUE_MSG(test, fops_user_is(thp, len, 0, true), "case %u", i);
		else
			KUNIT_EXPECT_TRUE_MSG(test, fops_user_is(thp, len, seed, false), "case %u", i);
		KUNIT_EXPECT_TRUE_MSG(test, fops_disk_is(test, (off_t)off - 512, 512, 0, true),
				      "case %u: the sector before was written", i);
		KUNIT_EXPECT_TRUE_MSG(test, fops_disk_is(test, (off_t)(off + len), 512, 0, true),
				      "case %u: the sector after was written", i);
	}
	{
		struct fops_counts now;

		fops_counts(&now);
		KUNIT_EXPECT_EQ(test, now.acquired - c.acquired, now.released - c.released);
	}
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	t_mm_munmap(test, map, 4UL << 20);
}

/*
 * 2 MiB (512 small pages) is more than one bio holds (BIO_MAX_VECS = 256):
 * the multi-bio path with a struct blkdev_dio counting the bios.
 * Expect 2 MiB each way, 512 pins acquired and released each way, at least
 * two bios submitted each way, and the data on the disk.
 */
static void fops_multi_bio_sync_round_trip(struct kunit *test)
{
	const size_t len = 2UL << 20;
	unsigned long src = fops_mmap_small(test, len), dst = fops_mmap_small(test, len);
	int fd = fops_open(test, O_RDWR | O_DIRECT);
	unsigned long bios = sim_blk_stat("bios_submitted");
	struct fops_counts c;
	size_t i;

	/*
	 * Fault the two buffers in alternately, so that no two neighbouring
	 * pages of one are neighbours in memory: no bvec merges, one bvec
	 * per page, and 512 pages need two bios.
	 */
	for (i = 0; i < len; i += PAGE_SIZE) {
		t_mm_fill(test, src + i, 0, PAGE_SIZE);
		t_mm_fill(test, dst + i, 0, PAGE_SIZE);
	}
	fops_fill(test, src, len, 8);
	fops_counts(&c);
	KUNIT_EXPECT_EQ(test, sim_pwrite(fd, src, len, 4UL << 20), (ssize_t)len);
	KUNIT_EXPECT_EQ(test, sim_pread(fd, dst, len, 4UL << 20), (ssize_t)len);
	FOPS_EXPECT_PINS(test, &c, 1024, 1024);
	KUNIT_EXPECT_GE(test, sim_blk_stat("bios_submitted") - bios, 4UL);
	KUNIT_EXPECT_TRUE(test, fops_user_is(dst, len, 8, false));
	KUNIT_EXPECT_TRUE(test, fops_disk_is(test, 4UL << 20, len, 8, false));
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	t_mm_munmap(test, src, len);
	t_mm_munmap(test, dst, len);
}

/*
 * pwritev from three iovecs on different pages and offsets into one
 * request, preadv back into one buffer:
 *   iov: [A+512, 1024) [B+0, 4096) [C+3072, 3072)   = 8 KiB, 1+1+2 pages
 * Expect 8192 both ways, 4 pins each way for the write, 2 for the read,
 * and the bytes in order on the disk.
 */
static void fops_pwritev_preadv_scatter(struct kunit *test)
{
	unsigned long a = fops_mmap(test, 4 * PAGE_SIZE), dst = fops_mmap(test, 2 * PAGE_SIZE);
	int fd = fops_open(test, O_RDWR | O_DIRECT);
	unsigned char *expect = malloc(8192), *got = malloc(8192);
	struct iovec iov[3] = {
		{ (void *)(a + 512), 1024 },
		{ (void *)(a + PAGE_SIZE), 4096 },
		{ (void *)(a + 2 * PAGE_SIZE + 3072), 3072 },
	};
	struct fops_counts c;
	size_t i, done = 0;

	KUNIT_ASSERT_NOT_NULL(test, expect);
	KUNIT_ASSERT_NOT_NULL(test, got);
	fops_fill(test, a, 4 * PAGE_SIZE, 10);
	for (i = 0; i < 3; i++) {
		KUNIT_ASSERT_EQ(test, sim_user_read((unsigned long)iov[i].iov_base, expect + done,
						    iov[i].iov_len), (ssize_t)iov[i].iov_len);
		done += iov[i].iov_len;
	}
	fops_counts(&c);
	KUNIT_EXPECT_EQ(test, sim_pwritev(fd, iov, 3, 65536), 8192);
	FOPS_EXPECT_PINS(test, &c, 4, 4);
	t_mm_fill(test, dst, 0, 8192);
	fops_counts(&c);
	iov[0] = (struct iovec){ (void *)dst, 8192 };
	KUNIT_EXPECT_EQ(test, sim_preadv(fd, iov, 1, 65536), 8192);
	FOPS_EXPECT_PINS(test, &c, 2, 2);
	KUNIT_ASSERT_EQ(test, sim_user_read(dst, got, 8192), 8192);
	KUNIT_EXPECT_MEMEQ(test, got, expect, 8192);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	free(expect);
	free(got);
	t_mm_munmap(test, a, 4 * PAGE_SIZE);
	t_mm_munmap(test, dst, 2 * PAGE_SIZE);
}

/*
 * sim_write()/sim_read() use and advance the file position; sim_lseek()
 * moves it (SEEK_SET, SEEK_CUR, SEEK_END) within [0, size].
 * Expect each call to land where the position says, and lseek past the end
 * or before 0 to give -EINVAL.
 */
static void fops_read_write_file_position(struct kunit *test)
{
	unsigned long buf = fops_mmap(test, 2 * PAGE_SIZE);
	int fd = fops_open(test, O_RDWR | O_DIRECT);

	fops_fill(test, buf, 2 * PAGE_SIZE, 11);
	KUNIT_EXPECT_EQ(test, sim_lseek(fd, 8192, SEEK_SET), 8192);
	KUNIT_EXPECT_EQ(test, sim_write(fd, buf, PAGE_SIZE), PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sim_write(fd, buf + PAGE_SIZE, PAGE_SIZE), PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sim_lseek(fd, 0, SEEK_CUR), 16384);
	KUNIT_EXPECT_EQ(test, sim_lseek(fd, -8192, SEEK_CUR), 8192);
	t_mm_fill(test, buf, 0, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sim_read(fd, buf, 2 * PAGE_SIZE), 2 * PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, fops_user_is(buf, 2 * PAGE_SIZE, 11, false));
	KUNIT_EXPECT_EQ(test, sim_lseek(fd, 0, SEEK_END), (off_t)FOPS_DISK_BYTES);
	KUNIT_EXPECT_EQ(test, sim_lseek(fd, 1, SEEK_END), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_lseek(fd, -1, SEEK_SET), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_read(fd, buf, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	t_mm_munmap(test, buf, 2 * PAGE_SIZE);
}

/*
 * Bad inputs 25-28 that the pin table does not cover, on touched memory:
 *   25: negative offset                         -> -EINVAL
 *   27: read at the end / straddling the end    -> 0 / short (4096 of 8192)
 *       write at the end / straddling           -> -ENOSPC / short
 *   28: write on a read-only fd, read on a write-only fd -> -EBADF
 *       a buffer outside the address space      -> -EFAULT
 * Expect those results, pins only for the short transfers (1 each), none
 * for the refusals.
 */
static void fops_bad_inputs_25_to_28(struct kunit *test)
{
	unsigned long buf = fops_mmap(test, 2 * PAGE_SIZE);
	int rw = fops_open(test, O_RDWR | O_DIRECT);
	int ro = fops_open(test, O_RDONLY | O_DIRECT);
	int wo = fops_open(test, O_WRONLY | O_DIRECT);
	const off_t end = FOPS_DISK_BYTES;
	struct iovec iov = { (void *)buf, PAGE_SIZE };
	struct fops_counts c;

	fops_fill(test, buf, 2 * PAGE_SIZE, 12);
	fops_counts(&c);
	KUNIT_EXPECT_EQ(test, sim_pread(rw, buf, PAGE_SIZE, -512), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_pwrite(rw, buf, PAGE_SIZE, -512), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_preadv(rw, &iov, 1, -512), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_pread(rw, buf, PAGE_SIZE, end), 0);
	KUNIT_EXPECT_EQ(test, sim_pread(rw, buf, PAGE_SIZE, end + 4096), 0);
	KUNIT_EXPECT_EQ(test, sim_pwrite(rw, buf, PAGE_SIZE, end), -ENOSPC);
	KUNIT_EXPECT_EQ(test, sim_pwrite(ro, buf, PAGE_SIZE, 0), -EBADF);
	KUNIT_EXPECT_EQ(test, sim_pwritev(ro, &iov, 1, 0), -EBADF);
	KUNIT_EXPECT_EQ(test, sim_write(ro, buf, PAGE_SIZE), -EBADF);
	KUNIT_EXPECT_EQ(test, sim_pread(wo, buf, PAGE_SIZE, 0), -EBADF);
	KUNIT_EXPECT_EQ(test, sim_pread(rw, TASK_SIZE_MAX, PAGE_SIZE, 0), -EFAULT);
	KUNIT_EXPECT_EQ(test, sim_preadv(rw, &iov, -1, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_pread(99, buf, PAGE_SIZE, 0), -EBADF);
	FOPS_EXPECT_PINS(test, &c, 0, 0);

	fops_counts(&c);
	KUNIT_EXPECT_EQ(test, sim_pwrite(rw, buf, 2 * PAGE_SIZE, end - 4096), 4096);
	KUNIT_EXPECT_EQ(test, sim_pread(rw, buf, 2 * PAGE_SIZE, end - 4096), 4096);
	FOPS_EXPECT_PINS(test, &c, 2, 2);
	KUNIT_EXPECT_TRUE(test, fops_user_is(buf, PAGE_SIZE, 12, false));

	KUNIT_EXPECT_EQ(test, sim_close(rw), 0);
	KUNIT_EXPECT_EQ(test, sim_close(ro), 0);
	KUNIT_EXPECT_EQ(test, sim_close(wo), 0);
	t_mm_munmap(test, buf, 2 * PAGE_SIZE);
}

/*
 * O_DSYNC: the write carries REQ_FUA instead of a flush afterwards; an
 * fsync sends an empty REQ_PREFLUSH write.
 * Expect one FUA write counted by the DMA engine and fsync to return 0.
 */
static void fops_dsync_write_is_fua(struct kunit *test)
{
	unsigned long buf = fops_mmap(test, PAGE_SIZE);
	int fd = fops_open(test, O_RDWR | O_DIRECT | O_DSYNC);
	unsigned long fua = sim_dma_stat("dma_fua");

	fops_fill(test, buf, PAGE_SIZE, 13);
	KUNIT_EXPECT_EQ(test, sim_pwrite(fd, buf, PAGE_SIZE, 0), PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sim_dma_stat("dma_fua") - fua, 1UL);
	KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	t_mm_munmap(test, buf, PAGE_SIZE);
}

/*
 * fork copies the descriptor table: the child's fd 0 is the parent's open
 * file (shared, one more reference); the child closing it leaves the
 * parent's working; the child's exit closes the rest.
 * Expect the child's I/O and the parent's to both work, and every file
 * released once both have closed.
 */
static void fops_fork_copies_fd_table(struct kunit *test)
{
	unsigned long buf = fops_mmap(test, PAGE_SIZE);
	int fd = fops_open(test, O_RDWR | O_DIRECT), fd2 = fops_open(test, O_RDONLY | O_DIRECT);
	struct task_struct *parent = sim_current(), *child;

	fops_fill(test, buf, PAGE_SIZE, 14);
	child = t_mm_fork(test);
	sim_task_switch(child);
	KUNIT_EXPECT_EQ(test, sim_pwrite(fd, buf, PAGE_SIZE, 0), PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	sim_task_switch(parent);
	sim_task_exit(child);
	KUNIT_EXPECT_EQ(test, nr_live_files(), 2);
	t_mm_fill(test, buf, 0, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sim_pread(fd, buf, PAGE_SIZE, 0), PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, fops_user_is(buf, PAGE_SIZE, 14, false));
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd2), 0);
	KUNIT_EXPECT_EQ(test, nr_live_files(), 0);
	t_mm_munmap(test, buf, PAGE_SIZE);
}

static struct kunit_case fops_cases[] = {
	KUNIT_CASE(fops_open_close_lowest_fd),
	KUNIT_CASE(fops_buffered_io_not_built),
	KUNIT_CASE(fops_pwrite_pread_anon_round_trip),
	KUNIT_CASE_PARAM(fops_odirect_host_pin_counts, fops_host_gen_params),
	KUNIT_CASE(fops_write_untouched_pins_zero_pages),
	KUNIT_CASE(fops_read_untouched_gets_fresh_pages),
	KUNIT_CASE(fops_thp_buffer_round_trip),
	KUNIT_CASE(fops_large_copies_round_trip),
	KUNIT_CASE(fops_multi_bio_sync_round_trip),
	KUNIT_CASE(fops_pwritev_preadv_scatter),
	KUNIT_CASE(fops_read_write_file_position),
	KUNIT_CASE(fops_bad_inputs_25_to_28),
	KUNIT_CASE(fops_dsync_write_is_fua),
	KUNIT_CASE(fops_fork_copies_fd_table),
	{}
};

struct kunit_suite fops_suite = {
	.name = "fops",
	.init = fops_test_init,
	.exit = fops_test_exit,
	.test_cases = fops_cases,
};
