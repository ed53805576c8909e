// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for direct I/O on a raw block device (block/fops.c) through
 * the syscalls of sim/syscalls.c and the async ring of sim/aio.c: real
 * bytes on a `ram` disk, pin counts equal to the pages spanned, zero pages
 * of untouched memory left untouched, the O_DIRECT pin counts measured on
 * the host kernel, bad inputs 25-28, and R01 (the zero-page pin storm) as
 * real I/O on a `null` disk.
 *
 * Every case boots a 64 MiB machine with THP on and a 16 MiB ram disk
 * "fram" (512-byte blocks, dma_alignment 511) in .init; .exit destroys the
 * disk and shuts down expecting no leaks.
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

#define FOPS_DISK		"fram"
#define FOPS_DEV		"/dev/fram"
#define FOPS_DISK_BYTES		(16UL << 20)

static const struct sim_config fops_cfg = {
	.mem_bytes = 64UL << 20,
	.thp = true,
};

static int fops_test_init(struct kunit *test)
{
	int ret = t_mm_boot(&fops_cfg);

	if (ret)
		return ret;
	return sim_ramdisk_create(FOPS_DISK, FOPS_DISK_BYTES, 512);
}

static void fops_test_exit(struct kunit *test)
{
	sim_disk_destroy(FOPS_DISK);
	bio_dirty_flush();
	t_mm_shutdown(test);
}

/* ---- helpers ------------------------------------------------------------- */

/* Pin and zero-page counters, before and after an I/O. */
struct fops_counts {
	unsigned long acquired;
	unsigned long released;
	unsigned long zero_pins;
	unsigned long gets;
	int zero_ref;
};

static void fops_counts(struct fops_counts *c)
{
	c->acquired = sim_vmstat("nr_foll_pin_acquired");
	c->released = sim_vmstat("nr_foll_pin_released");
	c->zero_pins = sim_vmstat("pinio_zero_page_pins");
	c->gets = sim_vmstat("pinio_foll_get_acquired");
	c->zero_ref = page_ref_count(ZERO_PAGE(0));
}

#define FOPS_EXPECT_PINS(test, before, acq, rel) do {				\
	struct fops_counts __now;						\
	fops_counts(&__now);							\
	KUNIT_EXPECT_EQ_MSG(test, __now.acquired - (before)->acquired, (unsigned long)(acq), \
			    "nr_foll_pin_acquired delta");			\
	KUNIT_EXPECT_EQ_MSG(test, __now.released - (before)->released, (unsigned long)(rel), \
			    "nr_foll_pin_released delta");			\
	KUNIT_EXPECT_EQ_MSG(test, __now.zero_ref, (before)->zero_ref,		\
			    "the zero page's refcount moved");			\
} while (0)

static int fops_open(struct kunit *test, int flags)
{
	int fd = sim_open(FOPS_DEV, flags, 0);

	KUNIT_ASSERT_GE_MSG(test, fd, 0, "sim_open(%s): %d", FOPS_DEV, fd);
	return fd;
}

/* Anonymous read-write memory, untouched. */
static unsigned long fops_mmap(struct kunit *test, size_t len)
{
	return t_mm_mmap(test, len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
}

/* Anonymous memory that stays in small pages (MADV_NOHUGEPAGE). */
static unsigned long fops_mmap_small(struct kunit *test, size_t len)
{
	unsigned long addr = fops_mmap(test, len);

	KUNIT_ASSERT_EQ(test, sim_madvise(addr, len, MADV_NOHUGEPAGE), 0);
	return addr;
}

/* The byte at offset @i of pattern @seed. */
static unsigned char fops_pat(unsigned long i, unsigned int seed)
{
	return (unsigned char)((i * 31 + seed * 7 + (i >> 9)) & 0xff);
}

/* Fill user memory [addr, addr+len) with pattern @seed (faulting it in). */
static void fops_fill(struct kunit *test, unsigned long addr, size_t len, unsigned int seed)
{
	unsigned char *buf = malloc(len);
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < len; i++)
		buf[i] = fops_pat(i, seed);
	KUNIT_ASSERT_EQ(test, sim_user_write(addr, buf, len), (ssize_t)len);
	free(buf);
}

/* Does user memory [addr, addr+len) hold pattern @seed (or all @seed-bytes if @flat)? */
static bool fops_user_is(unsigned long addr, size_t len, unsigned int seed, bool flat)
{
	unsigned char *buf = malloc(len);
	bool ok = buf && sim_user_read(addr, buf, len) == (ssize_t)len;
	size_t i;

	for (i = 0; ok && i < len; i++)
		ok = buf[i] == (flat ? (unsigned char)seed : fops_pat(i, seed));
	free(buf);
	return ok;
}

/*
 * Read [off, off+len) of the disk through a fresh O_DIRECT descriptor
 * into fresh memory, and check it holds pattern @seed (or the byte @seed
 * everywhere if @flat): the bytes the device really has.
 */
static bool fops_disk_is(struct kunit *test, off_t off, size_t len, unsigned int seed,
			 bool flat)
{
	unsigned long buf = fops_mmap(test, len);
	int fd = fops_open(test, O_RDONLY | O_DIRECT);
	ssize_t ret = sim_pread(fd, buf, len, off);
	bool ok = ret == (ssize_t)len && fops_user_is(buf, len, seed, flat);

	KUNIT_EXPECT_EQ(test, ret, (ssize_t)len);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	t_mm_munmap(test, buf, len);
	return ok;
}

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

/* ---- the asynchronous ring -------------------------------------------------- */

/*
 * QD 8 with the disk reordering: it holds bios until 8 are held, then runs
 * them newest first (inline DMA, so the order is exact).
 *   submit: tags 0 1 2 ... 7     (a 9th submit: -EAGAIN)
 *   reap:   tags 7 6 5 ... 0
 * Expect 8 completions of 4096 in reverse order, each tag's 4 KiB on the
 * disk at tag*4096, 1 pin per write acquired and released, and after the
 * reaps a second round of 8 async reads returning the data.
 */
static void fops_aio_qd8_reordered(struct kunit *test)
{
	const unsigned int qd = 8;
	unsigned long src = fops_mmap(test, qd * PAGE_SIZE), dst = fops_mmap(test, qd * PAGE_SIZE);
	struct sim_io_fault f = { .flags = SIM_IO_REORDER, .depth = qd };
	unsigned int threads = sim_dma_threads(), i;
	int fd = fops_open(test, O_RDWR | O_DIRECT);
	struct sim_aio *ring = sim_aio_create(qd);
	int64_t res[8];
	uint64_t tags[8];
	struct fops_counts c;

	KUNIT_ASSERT_FALSE(test, IS_ERR(ring));
	KUNIT_ASSERT_EQ(test, sim_dma_set_threads(0), 0);
	for (i = 0; i < qd; i++)
		fops_fill(test, src + i * PAGE_SIZE, PAGE_SIZE, 20 + i);
	t_mm_fill(test, dst, 0, qd * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, sim_disk_inject(FOPS_DISK, &f), 0);

	fops_counts(&c);
	for (i = 0; i < qd; i++)
		KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, fd, true, src + i * PAGE_SIZE, PAGE_SIZE,
						     i * PAGE_SIZE, i), 0);
	KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, fd, true, src, PAGE_SIZE, 0, 99), -EAGAIN);
	KUNIT_ASSERT_EQ(test, sim_aio_reap(ring, qd, qd, res, tags), (int)qd);
	for (i = 0; i < qd; i++) {
		KUNIT_EXPECT_EQ(test, res[i], PAGE_SIZE);
		KUNIT_EXPECT_EQ_MSG(test, tags[i], qd - 1 - i, "completion %u", i);
	}
	FOPS_EXPECT_PINS(test, &c, qd, qd);
	sim_disk_inject(FOPS_DISK, NULL);

	for (i = 0; i < qd; i++)
		KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, fd, false, dst + i * PAGE_SIZE, PAGE_SIZE,
						     i * PAGE_SIZE, 100 + i), 0);
	KUNIT_ASSERT_EQ(test, sim_aio_reap(ring, qd, qd, res, tags), (int)qd);
	for (i = 0; i < qd; i++) {
		KUNIT_EXPECT_EQ(test, res[i], PAGE_SIZE);
		KUNIT_EXPECT_TRUE(test, fops_user_is(dst + i * PAGE_SIZE, PAGE_SIZE, 20 + i, false));
	}
	sim_aio_destroy(ring);
	KUNIT_EXPECT_EQ(test, sim_dma_set_threads(threads), 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	t_mm_munmap(test, src, qd * PAGE_SIZE);
	t_mm_munmap(test, dst, qd * PAGE_SIZE);
}

/*
 * What the ring refuses at submit and what it reports as a completion:
 *   bad fd, write on a read-only fd           -> submit: -EBADF
 *   NULL ring, negative offset                -> submit: -EINVAL
 *   misaligned position                       -> completion -EINVAL, 0 pins
 *   misaligned buffer (B+100, 4096)           -> completion -EINVAL, 0 pins
 *                                                (refused before pinning, v6.5)
 *   read at the end of the disk               -> completion 0
 *   1 MiB + 4 KiB write (257 pages: multi-bio) -> completion 1052672
 * Expect those, and the ring empty afterwards (reap with min 0 gives 0).
 */
static void fops_aio_errors_and_multi_bio(struct kunit *test)
{
	const size_t big = (1UL << 20) + PAGE_SIZE;
	unsigned long buf = fops_mmap_small(test, big);
	int fd = fops_open(test, O_RDWR | O_DIRECT), ro = fops_open(test, O_RDONLY | O_DIRECT);
	struct sim_aio *ring = sim_aio_create(4);
	int64_t res[4];
	uint64_t tags[4];
	struct fops_counts c;
	int n;

	KUNIT_ASSERT_FALSE(test, IS_ERR(ring));
	KUNIT_EXPECT_PTR_EQ(test, sim_aio_create(0), ERR_PTR(-EINVAL));
	fops_fill(test, buf, big, 30);
	KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, 77, true, buf, 4096, 0, 0), -EBADF);
	KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, ro, true, buf, 4096, 0, 0), -EBADF);
	KUNIT_EXPECT_EQ(test, sim_aio_submit(NULL, fd, true, buf, 4096, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, fd, true, buf, 4096, -4096, 0), -EINVAL);

	fops_counts(&c);
	KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, fd, true, buf, 4096, 100, 1), 0);
	KUNIT_EXPECT_EQ(test, sim_aio_reap(ring, 1, 4, res, tags), 1);
	KUNIT_EXPECT_EQ(test, res[0], -EINVAL);
	FOPS_EXPECT_PINS(test, &c, 0, 0);

	fops_counts(&c);
	KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, fd, false, buf + 100, 4096, 0, 2), 0);
	KUNIT_EXPECT_EQ(test, sim_aio_reap(ring, 1, 4, res, tags), 1);
	KUNIT_EXPECT_EQ(test, res[0], -EINVAL);
	FOPS_EXPECT_PINS(test, &c, 0, 0);

	KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, fd, false, buf, 4096, FOPS_DISK_BYTES, 3), 0);
	KUNIT_EXPECT_EQ(test, sim_aio_reap(ring, 1, 4, res, tags), 1);
	KUNIT_EXPECT_EQ(test, res[0], 0);

	fops_counts(&c);
	KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, fd, true, buf, big, 0, 4), 0);
	n = sim_aio_reap(ring, 1, 4, res, tags);
	KUNIT_EXPECT_EQ(test, n, 1);
	KUNIT_EXPECT_EQ(test, res[0], (int64_t)big);
	KUNIT_EXPECT_EQ(test, tags[0], 4ULL);
	FOPS_EXPECT_PINS(test, &c, big / PAGE_SIZE, big / PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, fops_disk_is(test, 0, big, 30, false));
	KUNIT_EXPECT_EQ(test, sim_aio_reap(ring, 0, 4, res, tags), 0);
	KUNIT_EXPECT_EQ(test, sim_aio_reap(ring, 2, 1, res, tags), -EINVAL);

	sim_aio_destroy(ring);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_close(ro), 0);
	t_mm_munmap(test, buf, big);
}

struct fops_release_arg {
	const char *disk;
	int released;
};

static void *fops_release_later(void *p)
{
	struct fops_release_arg *arg = p;
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	arg->released = sim_disk_release(arg->disk);
	return NULL;
}

/*
 * Close the fd and destroy the ring while its I/O is still held by the
 * disk; another thread releases the disk 20 ms later (F10):
 *   submit x4 (held) -> close(fd) -> destroy ... release -> destroy returns
 * Expect the file to live on until the ring lets go of it, destroy to
 * return only after the 4 held writes completed, and every pin to be back
 * by then (reaped or not, a completed I/O holds no pin).
 */
static void fops_aio_destroy_waits_for_inflight(struct kunit *test)
{
	unsigned long buf = fops_mmap(test, 4 * PAGE_SIZE);
	struct sim_io_fault f = { .flags = SIM_IO_HOLD };
	struct fops_release_arg arg = { .disk = FOPS_DISK };
	int fd = fops_open(test, O_RDWR | O_DIRECT);
	struct sim_aio *ring = sim_aio_create(4);
	struct fops_counts c;
	pthread_t th;
	int i;

	KUNIT_ASSERT_FALSE(test, IS_ERR(ring));
	fops_fill(test, buf, 4 * PAGE_SIZE, 40);
	KUNIT_ASSERT_EQ(test, sim_disk_inject(FOPS_DISK, &f), 0);
	fops_counts(&c);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, fd, true, buf + i * PAGE_SIZE, PAGE_SIZE,
						     i * PAGE_SIZE, i), 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, nr_live_files(), 1);
	KUNIT_EXPECT_EQ(test, sim_vmstat("nr_foll_pin_acquired") - c.acquired, 4UL);
	KUNIT_EXPECT_EQ(test, sim_vmstat("nr_foll_pin_released") - c.released, 0UL);
	KUNIT_ASSERT_EQ(test, pthread_create(&th, NULL, fops_release_later, &arg), 0);
	sim_aio_destroy(ring);
	pthread_join(th, NULL);
	KUNIT_EXPECT_EQ(test, arg.released, 4);
	FOPS_EXPECT_PINS(test, &c, 4, 4);
	KUNIT_EXPECT_EQ(test, nr_live_files(), 0);
	sim_disk_inject(FOPS_DISK, NULL);
	KUNIT_EXPECT_TRUE(test, fops_disk_is(test, 0, 4 * PAGE_SIZE, 40, false));
	t_mm_munmap(test, buf, 4 * PAGE_SIZE);
}

/* ---- R01: the zero-page pin storm, as real I/O --------------------------------- */

struct fops_r01_case {
	const char *desc;
	enum sim_profile profile;
};

static const struct fops_r01_case fops_r01_cases[] = {
	{ "v6.5: zero pages are never pinned", SIM_PROFILE_V6_5 },
	{ "v6.4: FOLL_GET references, one per page in flight", SIM_PROFILE_V6_4 },
	{ "v21: pinned DIO, zero page pinned: the overflow", SIM_PROFILE_V21 },
};

static void fops_r01_desc(const struct fops_r01_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(fops_r01, fops_r01_cases, fops_r01_desc);

#define R01_WRITE_PAGES		64UL			/* 256 KiB per write */
#define R01_WRITES		((1UL << 15) + 1)	/* 2^21 + 64 pages in flight */
#define R01_PAGES		(R01_WRITES * R01_WRITE_PAGES)
#define R01_BYTES		(R01_PAGES * PAGE_SIZE)	/* 8 GiB + 256 KiB */

/*
 * R01 (B1, R-BUG-1): async O_DIRECT writes from an 8 GiB + 256 KiB buffer
 * that was never touched, to a `null` disk that holds every bio until
 * released, so all 2^21 + 64 zero-page PTEs are in flight at once:
 *   buf:  |Z|Z|Z| ... 2^21+64 PTEs, all the zero page ... |Z|
 *   ring: 2^15+1 writes of 64 pages, depth 2^15+1, all held
 * 2^21 is where a 1024-per-pin count overflows (31 - 10 = 21 bits).
 * v6.5: every pin of the zero page succeeds and changes nothing.
 * v6.4: block direct I/O takes FOLL_GET references (one per page, not
 * 1024), so 2^21+64 of them raise the refcount by exactly that, far from
 * INT_MAX; the pin overflow needs pinning DIO (the v21 series before
 * c8070b787519), which is the v21 profile.
 * v21: the series as posted: DIO pins, and a pin of the zero page still
 * adds 1024. Pin #2^21 (the last page of write #32767) wraps the refcount
 * negative; the first pin of write #32768 is refused (-ENOMEM, WARN).
 * When the device releases the bios, write #0 finds its source page with
 * a refcount <= 0 and the DMA engine refuses it (I9: one violation, -EIO);
 * its 64 unpins wrap the count back to positive, so the rest complete.
 * Expect every write to complete with 256 KiB, the zero page's refcount
 * unchanged (v6.5) or up by exactly the pages in flight (v6.4) while
 * held, and back to its value afterwards; the pin counters balanced. Under
 * v21 expect exactly the two failures above and a negative refcount while
 * held, and the refcount back to its base once everything completed.
 */
/* Submit every R01 write; a refused one completes with an error later. */
static void r01_submit_all(struct kunit *test, struct sim_aio *ring, int fd, unsigned long buf,
			   size_t wlen)
{
	unsigned long i;

	for (i = 0; i < R01_WRITES; i++) {
		int ret = sim_aio_submit(ring, fd, true, buf + i * wlen, wlen, (off_t)(i * wlen), i);

		if (ret) {
			KUNIT_FAIL(test, "submit %lu: %d", i, ret);
			break;
		}
	}
}

static void scenario_r01_zero_page_pin_storm(struct kunit *test)
{
	const struct fops_r01_case *rc = test->param_value;
	struct sim_config cfg = fops_cfg;
	struct sim_io_fault f = { .flags = SIM_IO_HOLD };
	const size_t wlen = R01_WRITE_PAGES * PAGE_SIZE;
	struct fops_counts c, held;
	struct sim_aio *ring;
	unsigned long buf, i, bad = 0;
	int64_t *res;
	uint64_t *tags;
	unsigned int dma_threads;
	int fd, n;

	cfg.mem_bytes = 128UL << 20;
	cfg.profile = rc->profile;
	sim_disk_destroy(FOPS_DISK);
	t_mm_reboot(test, &cfg);
	KUNIT_ASSERT_EQ(test, sim_ramdisk_create(FOPS_DISK, FOPS_DISK_BYTES, 512), 0);
	KUNIT_ASSERT_EQ(test, sim_nulldisk_create("fnull", R01_BYTES, 512), 0);
	/*
	 * Inline DMA: the released writes are transferred in order, so under
	 * v21 exactly write #0 sees the wrapped refcount (its unpins wrap it
	 * back); two workers could check two writes before that.
	 */
	dma_threads = sim_dma_threads();
	KUNIT_ASSERT_EQ(test, sim_dma_set_threads(0), 0);
	res = calloc(R01_WRITES, sizeof(*res));
	tags = calloc(R01_WRITES, sizeof(*tags));
	KUNIT_ASSERT_NOT_NULL(test, res);
	KUNIT_ASSERT_NOT_NULL(test, tags);
	/* Small zero pages, not the huge zero folio (a large folio: R-REF-12). */
	buf = fops_mmap_small(test, R01_BYTES);
	fd = sim_open("/dev/fnull", O_WRONLY | O_DIRECT, 0);
	KUNIT_ASSERT_GE(test, fd, 0);
	ring = sim_aio_create(R01_WRITES);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ring));
	KUNIT_ASSERT_EQ(test, sim_disk_inject("fnull", &f), 0);

	fops_counts(&c);
	if (rc->profile == SIM_PROFILE_V21) {
		/* The refused pin WARNs (R-REF-9); the refused DMA is a violation. */
		KUNIT_EXPECT_WARN(test, r01_submit_all(test, ring, fd, buf, wlen));
		kunit_expect_violations(test, 1);
	} else {
		r01_submit_all(test, ring, fd, buf, wlen);
	}
	fops_counts(&held);
	if (rc->profile == SIM_PROFILE_V21) {
		KUNIT_EXPECT_LT(test, held.zero_ref, 0);
		KUNIT_EXPECT_EQ(test, held.acquired - c.acquired, 1UL << 21);
	} else {
		KUNIT_EXPECT_EQ(test, held.acquired - c.acquired, 0UL);
	}
	if (rc->profile == SIM_PROFILE_V21) {
		/* checked above */
	} else if (rc->profile == SIM_PROFILE_V6_5) {
		KUNIT_EXPECT_EQ(test, held.zero_ref, c.zero_ref);
		KUNIT_EXPECT_EQ(test, held.zero_pins - c.zero_pins, R01_PAGES);
	} else {
		KUNIT_EXPECT_EQ(test, (long)held.zero_ref - c.zero_ref, (long)R01_PAGES);
		KUNIT_EXPECT_EQ(test, held.gets - c.gets, R01_PAGES);
		KUNIT_EXPECT_GT(test, held.zero_ref, 0);
	}

	/* Under v21 the refused write never reached the device. */
	KUNIT_EXPECT_EQ(test, sim_disk_release("fnull"),
			(int)R01_WRITES - (rc->profile == SIM_PROFILE_V21));
	n = sim_aio_reap(ring, R01_WRITES, R01_WRITES, res, tags);
	KUNIT_EXPECT_EQ(test, n, (int)R01_WRITES);
	for (i = 0; i < (unsigned long)(n > 0 ? n : 0); i++) {
		if (res[i] == (int64_t)wlen)
			continue;
		bad++;
		if (rc->profile == SIM_PROFILE_V21)
			KUNIT_EXPECT_TRUE_MSG(test, (tags[i] == 0 && res[i] == -EIO) ||
					  (tags[i] == R01_WRITES - 1 && res[i] == -ENOMEM),
					  "write %llu: %lld", (unsigned long long)tags[i],
					  (long long)res[i]);
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, rc->profile == SIM_PROFILE_V21 ? 2UL : 0UL,
			    "writes that did not complete with 256 KiB");
	if (rc->profile == SIM_PROFILE_V21) {
		struct fops_counts after;

		fops_counts(&after);
		KUNIT_EXPECT_EQ(test, after.zero_ref, c.zero_ref);
		KUNIT_EXPECT_EQ(test, after.released - c.released, 1UL << 21);
	} else {
		FOPS_EXPECT_PINS(test, &c, 0, 0);
	}

	sim_aio_destroy(ring);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	t_mm_munmap(test, buf, R01_BYTES);
	sim_disk_destroy("fnull");
	sim_dma_set_threads(dma_threads);
	free(res);
	free(tags);
}

static struct kunit_case fops_test_cases[] = {
	KUNIT_CASE(fops_open_close_lowest_fd),
	KUNIT_CASE(fops_buffered_io_not_built),
	KUNIT_CASE(fops_pwrite_pread_anon_round_trip),
	KUNIT_CASE_PARAM(fops_odirect_host_pin_counts, fops_host_gen_params),
	KUNIT_CASE(fops_write_untouched_pins_zero_pages),
	KUNIT_CASE(fops_read_untouched_gets_fresh_pages),
	KUNIT_CASE(fops_thp_buffer_round_trip),
	KUNIT_CASE(fops_multi_bio_sync_round_trip),
	KUNIT_CASE(fops_pwritev_preadv_scatter),
	KUNIT_CASE(fops_read_write_file_position),
	KUNIT_CASE(fops_bad_inputs_25_to_28),
	KUNIT_CASE(fops_dsync_write_is_fua),
	KUNIT_CASE(fops_fork_copies_fd_table),
	KUNIT_CASE(fops_aio_qd8_reordered),
	KUNIT_CASE(fops_aio_errors_and_multi_bio),
	KUNIT_CASE(fops_aio_destroy_waits_for_inflight),
	KUNIT_CASE_PARAM(scenario_r01_zero_page_pin_storm, fops_r01_gen_params),
	{}
};

struct kunit_suite fops_suite = {
	.name = "fops",
	.init = fops_test_init,
	.exit = fops_test_exit,
	.test_cases = fops_test_cases,
};
