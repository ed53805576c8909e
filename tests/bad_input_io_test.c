// SPDX-License-Identifier: GPL-2.0
/*
 * tests/bad_input_io_test.c - scenarios.md §5.3 items 21-32: bad inputs
 * to bios, O_DIRECT on the raw disk and on simfs (iomap and legacy),
 * truncate, splice, fork and the async ring's registered buffers. Same
 * method and harness as tests/bad_input_test.c (items 1-20): one table,
 * one snapshot before and after each bad call.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <pinio/bio.h>
#include <pinio/blkdev.h>
#include <pinio/fault-inject.h>
#include <pinio/fs.h>
#include <pinio/pipe_fs_i.h>
#include <pinio/sim.h>
#include <pinio/uio.h>

#include "kunit/test.h"
#include "mm_helpers.h"
#include "snapshot.h"
#include "suites.h"

#include "bad_input_fixture.h"
#include "suites.h"

/* ---- setups and calls ------------------------------------------------------- */

/* The raw disk: BI_DATA over its first T_SNAP_DATA bytes, fd O_RDWR|O_DIRECT. */
static void bi_disk(struct kunit *test, struct bi_ctx *ctx, int flags)
{
	unsigned long buf = t_mm_mmap(test, T_SNAP_DATA, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	int fd = sim_open(BI_DEV, O_RDWR | O_DIRECT, 0);

	KUNIT_ASSERT_GE(test, fd, 0);
	t_mm_fill(test, buf, BI_DATA, T_SNAP_DATA);
	KUNIT_ASSERT_EQ(test, sim_pwrite(fd, buf, T_SNAP_DATA, 0), (ssize_t)T_SNAP_DATA);
	KUNIT_ASSERT_EQ(test, sim_close(fd), 0);
	t_mm_munmap(test, buf, T_SNAP_DATA);
	ctx->fd = sim_open(BI_DEV, flags, 0);
	KUNIT_ASSERT_GE(test, ctx->fd, 0);
	ctx->path = BI_DEV;
}

/*
 * An I/O buffer of 4 pages: 0-1 hold BI_WRITE, 2-3 are unmapped (a buffer
 * at page 2 is "misaligned and unmapped").
 */
static void bi_iobuf(struct kunit *test, struct bi_ctx *ctx)
{
	bi_map(test, ctx, 4, BI_WRITE);
	KUNIT_ASSERT_EQ(test, sim_munmap(ctx->addr + 2 * PAGE_SIZE, 2 * PAGE_SIZE), 0);
}

static void bi_disk_rw(struct kunit *test, struct bi_ctx *ctx)
{
	bi_disk(test, ctx, O_RDWR | O_DIRECT);
	bi_iobuf(test, ctx);
}

static void bi_disk_ro(struct kunit *test, struct bi_ctx *ctx)
{
	bi_disk(test, ctx, O_RDONLY | O_DIRECT);
	bi_iobuf(test, ctx);
}

static void bi_iomap_rw(struct kunit *test, struct bi_ctx *ctx)
{
	bi_file(test, ctx, "dio=iomap", O_RDWR | O_DIRECT);
	bi_iobuf(test, ctx);
}

static void bi_legacy_rw(struct kunit *test, struct bi_ctx *ctx)
{
	bi_file(test, ctx, "dio=legacy", O_RDWR | O_DIRECT);
	bi_iobuf(test, ctx);
}

static void bi_iomap_ro(struct kunit *test, struct bi_ctx *ctx)
{
	bi_file(test, ctx, "dio=iomap", O_RDONLY);
	bi_iobuf(test, ctx);
}

static void bi_file_plain(struct kunit *test, struct bi_ctx *ctx)
{
	bi_file(test, ctx, NULL, O_RDWR);
	bi_iobuf(test, ctx);
}

/*
 * A read buffer for a short read: the first 2048 bytes already hold what
 * the read brings (BI_DATA), the rest BI_OTHER, which it must not touch.
 * Snapshot-equal after the read means: those bytes came, nothing more.
 */
static void bi_shortbuf(struct kunit *test, struct bi_ctx *ctx)
{
	bi_map(test, ctx, 2, BI_OTHER);
	t_mm_fill(test, ctx->addr, BI_DATA, 2048);
}

static void bi_disk_short(struct kunit *test, struct bi_ctx *ctx)
{
	bi_disk(test, ctx, O_RDWR | O_DIRECT);
	bi_shortbuf(test, ctx);
}

/*
 * For a file: an O_DIRECT read of the block that holds EOF reads the whole
 * block into the buffer and then reports only the bytes up to EOF (v6.5
 * iomap_dio_complete(), dio_complete()), so the buffer gets the block's
 * tail too: zeros, which simfs wrote with the block. Page 1 (BI_OTHER)
 * must stay untouched.
 */
static void bi_file_shortbuf(struct kunit *test, struct bi_ctx *ctx)
{
	bi_shortbuf(test, ctx);
	t_mm_fill(test, ctx->addr + 2048, 0, PAGE_SIZE - 2048);
}

static void bi_iomap_short(struct kunit *test, struct bi_ctx *ctx)
{
	bi_file(test, ctx, "dio=iomap", O_RDWR | O_DIRECT);
	bi_file_shortbuf(test, ctx);
}

static void bi_legacy_short(struct kunit *test, struct bi_ctx *ctx)
{
	bi_file(test, ctx, "dio=legacy", O_RDWR | O_DIRECT);
	bi_file_shortbuf(test, ctx);
}

/* A full bio: 4 inline vecs, 512-byte pieces of page 0 with gaps between. */
static void bi_bio_full(struct kunit *test, struct bi_ctx *ctx)
{
	unsigned int off;

	bi_map(test, ctx, 4, 0x21);
	ctx->bio = bio_alloc(NULL, 4, REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, ctx->bio);
	ctx->bio_puts = 1;
	for (off = 0; off < PAGE_SIZE; off += 1024)
		KUNIT_ASSERT_EQ(test, bio_add_page(ctx->bio, bi_page(ctx, 0), 512, off), 512);
	KUNIT_ASSERT_TRUE(test, bio_full(ctx->bio, 0));
}

/* A bio whose bi_size is 100 bytes short of UINT_MAX. */
static void bi_bio_huge(struct kunit *test, struct bi_ctx *ctx)
{
	bi_map(test, ctx, 2, 0x21);
	ctx->bio = bio_alloc(NULL, 4, REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, ctx->bio);
	ctx->bio_puts = 1;
	KUNIT_ASSERT_EQ(test, bio_add_page(ctx->bio, bi_page(ctx, 0), 512, 0), 512);
	ctx->bio_size = ctx->bio->bi_iter.bi_size;
	ctx->bio->bi_iter.bi_size = UINT_MAX - 100;
}

/* A BIO_PAGE_PINNED bio holding pinned page 0; page 1 holds a reference. */
static void bi_bio_pinned(struct kunit *test, struct bi_ctx *ctx)
{
	bi_map(test, ctx, 2, 0x21);
	bi_pin(test, ctx, 0, 1);
	ctx->bio = bio_alloc(NULL, 4, REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, ctx->bio);
	ctx->bio_puts = 1;
	bio_set_flag(ctx->bio, BIO_PAGE_PINNED);
	KUNIT_ASSERT_EQ(test, sim_bio_add_page_mode(ctx->bio, ctx->pinned[0], 2048, 0,
						    BIO_PAGE_MODE_PINNED), 2048);
	ctx->ref_page = bi_page(ctx, 1);
	get_page(ctx->ref_page);
}

static int bi_end_calls;

static void bi_end_io(struct bio *bio)
{
	bi_end_calls++;
}

/* A bio completed once while its owner still holds a reference. */
static void bi_bio_ended(struct kunit *test, struct bi_ctx *ctx)
{
	ctx->bio = bio_alloc(NULL, 0, REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, ctx->bio);
	ctx->bio->bi_end_io = bi_end_io;
	bi_end_calls = 0;
	bio_get(ctx->bio);
	ctx->bio_puts = 2;
	bio_endio(ctx->bio);
	KUNIT_ASSERT_EQ(test, bi_end_calls, 1);
}

static void bi_pipe(struct kunit *test, struct bi_ctx *ctx, int flags)
{
	KUNIT_ASSERT_EQ(test, sim_pipe2(ctx->pipe, flags), 0);
}

static void bi_splice_disk_pipe(struct kunit *test, struct bi_ctx *ctx)
{
	bi_disk(test, ctx, O_RDWR | O_DIRECT);
	bi_pipe(test, ctx, 0);
}

static void bi_splice_disk_disk(struct kunit *test, struct bi_ctx *ctx)
{
	bi_disk(test, ctx, O_RDWR | O_DIRECT);
	ctx->fd2 = sim_open(BI_DEV, O_RDWR | O_DIRECT, 0);
	KUNIT_ASSERT_GE(test, ctx->fd2, 0);
}

/* A full O_NONBLOCK pipe (PIPE_DEF_BUFFERS pages written into it). */
static void bi_splice_full_pipe(struct kunit *test, struct bi_ctx *ctx)
{
	size_t bytes = PIPE_DEF_BUFFERS * PAGE_SIZE;
	unsigned long src = t_mm_mmap(test, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE);

	bi_disk(test, ctx, O_RDWR | O_DIRECT);
	bi_pipe(test, ctx, O_NONBLOCK);
	t_mm_fill(test, src, 0x30, bytes);
	KUNIT_ASSERT_EQ(test, sim_write(ctx->pipe[1], src, bytes), (ssize_t)bytes);
	t_mm_munmap(test, src, bytes);
}

/*
 * 6 written private pages (2 pinned: fork copies them) and a dry-run fork
 * that counts the allocations of one sim_fork(). The dry run also leaves
 * the parent's PTEs write-protected, as a failed fork may.
 */
static unsigned long bi_fork_count(struct kunit *test, struct bi_ctx *ctx)
{
	struct task_struct *child;
	unsigned long total;

	bi_map(test, ctx, 6, 0x31);
	bi_pin(test, ctx, 0, 2);
	sim_fault_reset();
	child = sim_fork();
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(child));
	total = sim_fault_alloc_count();
	sim_task_exit(child);
	KUNIT_ASSERT_GE(test, total, 2UL);
	return total;
}

static void bi_fork_first(struct kunit *test, struct bi_ctx *ctx)
{
	bi_fork_count(test, ctx);
	ctx->n = 1;
}

static void bi_fork_last(struct kunit *test, struct bi_ctx *ctx)
{
	ctx->n = bi_fork_count(test, ctx);
}

/* 16 written pages, RLIMIT_MEMLOCK of 8 pages, an async ring. */
static void bi_ring(struct kunit *test, struct bi_ctx *ctx)
{
	bi_map(test, ctx, 16, 0x32);
	KUNIT_ASSERT_EQ(test, sim_setrlimit_memlock(8 * PAGE_SIZE), 0);
	ctx->ring = sim_aio_create(4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx->ring));
}

/*
 * 4 pages of BI_WRITE, the row's range, on a ring with them registered as
 * buffer 0 (@reg), or registered and unregistered again (@unreg).
 */
static void bi_fixed(struct kunit *test, struct bi_ctx *ctx, bool reg, bool unreg)
{
	struct iovec iov;

	bi_map(test, ctx, 4, BI_WRITE);
	ctx->ring = sim_aio_create(4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx->ring));
	iov.iov_base = (void *)ctx->addr;
	iov.iov_len = ctx->len;
	if (reg)
		KUNIT_ASSERT_EQ(test, sim_aio_register_buffers(ctx->ring, &iov, 1), 0);
	if (unreg)
		KUNIT_ASSERT_EQ(test, sim_aio_unregister_buffers(ctx->ring), 0);
}

static void bi_fixed_disk_rw(struct kunit *test, struct bi_ctx *ctx)
{
	bi_disk(test, ctx, O_RDWR | O_DIRECT);
	bi_fixed(test, ctx, true, false);
}

static void bi_fixed_disk_ro(struct kunit *test, struct bi_ctx *ctx)
{
	bi_disk(test, ctx, O_RDONLY | O_DIRECT);
	bi_fixed(test, ctx, true, false);
}

static void bi_fixed_disk_none(struct kunit *test, struct bi_ctx *ctx)
{
	bi_disk(test, ctx, O_RDWR | O_DIRECT);
	bi_fixed(test, ctx, false, false);
}

static void bi_fixed_disk_unreg(struct kunit *test, struct bi_ctx *ctx)
{
	bi_disk(test, ctx, O_RDWR | O_DIRECT);
	bi_fixed(test, ctx, true, true);
}

static void bi_fixed_iomap_rw(struct kunit *test, struct bi_ctx *ctx)
{
	bi_file(test, ctx, "dio=iomap", O_RDWR | O_DIRECT);
	bi_fixed(test, ctx, true, false);
}

static void bi_fixed_legacy_rw(struct kunit *test, struct bi_ctx *ctx)
{
	bi_file(test, ctx, "dio=legacy", O_RDWR | O_DIRECT);
	bi_fixed(test, ctx, true, false);
}

static long bi_bio_add_page1(struct kunit *test, struct bi_ctx *ctx)
{
	int ret = bio_add_page(ctx->bio, bi_page(ctx, 0), 512, 512);

	KUNIT_EXPECT_EQ(test, ctx->bio->bi_vcnt, 4);
	KUNIT_EXPECT_EQ(test, ctx->bio->bi_iter.bi_size, 4 * 512);
	return ret;
}

static long bi_bio_add_page_huge(struct kunit *test, struct bi_ctx *ctx)
{
	int ret = bio_add_page(ctx->bio, bi_page(ctx, 1), 512, 0);

	KUNIT_EXPECT_EQ(test, ctx->bio->bi_vcnt, 1);
	KUNIT_EXPECT_EQ(test, ctx->bio->bi_iter.bi_size, UINT_MAX - 100);
	return ret;
}

static long bi_bio_add_reffed(struct kunit *test, struct bi_ctx *ctx)
{
	struct bio_vec saved = ctx->bio->bi_io_vec[0];
	int ret = sim_bio_add_page_mode(ctx->bio, ctx->ref_page, PAGE_SIZE, 0,
					BIO_PAGE_MODE_REFFED);

	KUNIT_EXPECT_EQ(test, ctx->bio->bi_vcnt, 1);
	KUNIT_EXPECT_EQ(test, ctx->bio->bi_iter.bi_size, 2048);
	KUNIT_EXPECT_MEMEQ(test, &ctx->bio->bi_io_vec[0], &saved, sizeof(saved));
	return ret;
}

static long bi_bio_endio_again(struct kunit *test, struct bi_ctx *ctx)
{
	bio_endio(ctx->bio);
	KUNIT_EXPECT_EQ(test, bi_end_calls, 1);
	return 0;
}

/* O_DIRECT at (buffer page @page + @boff, @len, file position @pos). */
static long bi_dio(struct bi_ctx *ctx, bool write, unsigned long page, unsigned long boff,
		   size_t len, off_t pos)
{
	unsigned long buf = ctx->addr + page * PAGE_SIZE + boff;

	return write ? sim_pwrite(ctx->fd, buf, len, pos) : sim_pread(ctx->fd, buf, len, pos);
}

static long bi_dio_write_pos100(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_dio(ctx, true, 0, 0, PAGE_SIZE, 100);
}

static long bi_dio_read_pos100(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_dio(ctx, false, 0, 0, PAGE_SIZE, 100);
}

static long bi_dio_write_len100(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_dio(ctx, true, 0, 0, 100, 0);
}

static long bi_dio_write_buf100(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_dio(ctx, true, 0, 100, PAGE_SIZE, 0);
}

static long bi_dio_read_buf100(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_dio(ctx, false, 0, 100, PAGE_SIZE, 0);
}

/* Misaligned and unmapped: the alignment check comes first (-EINVAL). */
static long bi_dio_read_hole100(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_dio(ctx, false, 2, 100, PAGE_SIZE, 0);
}

static long bi_dio_write_hole100(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_dio(ctx, true, 2, 100, PAGE_SIZE, 0);
}

static long bi_dio_read_disk_end(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_dio(ctx, false, 0, 0, PAGE_SIZE, BI_DISK_BYTES);
}

/* 4096 from 2048 before the end: 2048 come, into the buffer's BI_DATA part. */
static long bi_dio_read_disk_straddle(struct kunit *test, struct bi_ctx *ctx)
{
	struct iovec iov = { (void *)ctx->addr, 2048 };
	int fd = ctx->fd;
	long ret;

	/* The disk's last 2048 bytes must hold BI_DATA, as the buffer does. */
	ret = sim_pwritev(fd, &iov, 1, BI_DISK_BYTES - 2048);
	KUNIT_EXPECT_EQ(test, ret, 2048);
	return bi_dio(ctx, false, 0, 0, PAGE_SIZE, BI_DISK_BYTES - 2048);
}

static long bi_dio_read_eof(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_dio(ctx, false, 0, 0, PAGE_SIZE, 8192);
}

static long bi_dio_read_file_straddle(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_dio(ctx, false, 0, 0, PAGE_SIZE, 4096);
}

static long bi_write_ro(struct kunit *test, struct bi_ctx *ctx)
{
	return sim_pwrite(ctx->fd, ctx->addr, PAGE_SIZE, 0);
}

static long bi_truncate_neg(struct kunit *test, struct bi_ctx *ctx)
{
	return sim_ftruncate(ctx->fd, -1);
}

static long bi_truncate_huge(struct kunit *test, struct bi_ctx *ctx)
{
	return sim_ftruncate(ctx->fd, (1LL << 40) + 1);
}

static long bi_splice_len0(struct kunit *test, struct bi_ctx *ctx)
{
	return sim_splice(ctx->fd, NULL, ctx->pipe[1], NULL, 0, 0);
}

static long bi_splice_no_pipe(struct kunit *test, struct bi_ctx *ctx)
{
	return sim_splice(ctx->fd, NULL, ctx->fd2, NULL, PAGE_SIZE, 0);
}

static long bi_splice_full(struct kunit *test, struct bi_ctx *ctx)
{
	return sim_splice(ctx->fd, NULL, ctx->pipe[1], NULL, PAGE_SIZE, 0);
}

static long bi_fork_fail(struct kunit *test, struct bi_ctx *ctx)
{
	struct task_struct *child;
	unsigned char byte = 0;

	sim_fault_reset();
	sim_fail_alloc_after(ctx->n);
	child = sim_fork();
	sim_fault_reset();
	if (!IS_ERR_OR_NULL(child)) {
		sim_task_exit(child);
		return 0;
	}
	KUNIT_EXPECT_EQ(test, sim_user_read(ctx->addr + 5 * PAGE_SIZE + 7, &byte, 1), 1);
	KUNIT_EXPECT_EQ(test, byte, 0x31);
	return IS_ERR(child) ? PTR_ERR(child) : -EINVAL;
}

static long bi_register_beyond(struct kunit *test, struct bi_ctx *ctx)
{
	struct iovec iov = { (void *)ctx->addr, 16 * PAGE_SIZE };

	return sim_aio_register_buffers(ctx->ring, &iov, 1);
}

/*
 * READ_FIXED / WRITE_FIXED of buffer @idx at the range's start + @boff:
 * the submit's errno, or the completion's result.
 */
static long bi_fixed_io(struct bi_ctx *ctx, bool write, unsigned int idx, long boff, size_t len,
			off_t pos)
{
	int64_t res = 0;
	int ret;

	ret = sim_aio_submit_fixed(ctx->ring, ctx->fd, write, idx, ctx->addr + (unsigned long)boff,
				   len, pos, 1);
	if (ret)
		return ret;
	if (sim_aio_reap(ctx->ring, 1, 1, &res, NULL) != 1)
		return -ENODATA;
	return (long)res;
}

static long bi_fixed_index1(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_fixed_io(ctx, false, 1, 0, PAGE_SIZE, 0);
}

static long bi_fixed_read(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_fixed_io(ctx, false, 0, 0, PAGE_SIZE, 0);
}

static long bi_fixed_before(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_fixed_io(ctx, true, 0, -512, PAGE_SIZE, 0);
}

static long bi_fixed_past(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_fixed_io(ctx, false, 0, 512, 4 * PAGE_SIZE, 0);
}

static long bi_fixed_wraps(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_fixed_io(ctx, true, 0, 0, SIZE_MAX - 2 * PAGE_SIZE, 0);
}

static long bi_fixed_write_pos100(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_fixed_io(ctx, true, 0, 0, PAGE_SIZE, 100);
}

static long bi_fixed_read_pos100(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_fixed_io(ctx, false, 0, 0, PAGE_SIZE, 100);
}

static long bi_fixed_read_buf100(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_fixed_io(ctx, false, 0, 100, PAGE_SIZE, 0);
}

static long bi_fixed_write_buf100(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_fixed_io(ctx, true, 0, 100, PAGE_SIZE, 0);
}

static long bi_fixed_write_len100(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_fixed_io(ctx, true, 0, 0, 100, 0);
}

static long bi_fixed_write(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_fixed_io(ctx, true, 0, 0, PAGE_SIZE, 0);
}

/* ---- the table --------------------------------------------------------------- */

static const struct bi_row bi_rows[] = {
	ROW("21", "bio_add_page() to a full bio", bi_bio_full, bi_bio_add_page1, 0),
	ROW("22", "bio_add_page() past bi_size UINT_MAX (0, see the note)", bi_bio_huge,
	  bi_bio_add_page_huge, 0),
	ROW("23", "REFFED page into a PINNED bio", bi_bio_pinned, bi_bio_add_reffed, -EINVAL),
	ROW("24", "bio completed twice", bi_bio_ended, bi_bio_endio_again, 0,
	  .allow = { .violations = 1 }),
	ROW("25a", "raw disk: O_DIRECT write at position 100", bi_disk_rw, bi_dio_write_pos100,
	  -EINVAL),
	ROW("25b", "simfs iomap: O_DIRECT read at position 100", bi_iomap_rw, bi_dio_read_pos100,
	  -EINVAL),
	ROW("25c", "simfs legacy: O_DIRECT write at position 100", bi_legacy_rw,
	  bi_dio_write_pos100, -EINVAL),
	ROW("26a", "raw disk: O_DIRECT length 100", bi_disk_rw, bi_dio_write_len100, -EINVAL),
	ROW("26b", "raw disk: O_DIRECT write from buffer + 100", bi_disk_rw, bi_dio_write_buf100,
	  -EINVAL),
	ROW("26c", "raw disk: O_DIRECT read into buffer + 100, unmapped", bi_disk_rw,
	  bi_dio_read_hole100, -EINVAL),
	ROW("26d", "simfs iomap: O_DIRECT write from buffer + 100", bi_iomap_rw,
	  bi_dio_write_buf100, -EINVAL),
	ROW("26e", "simfs iomap: O_DIRECT read into buffer + 100, unmapped", bi_iomap_rw,
	  bi_dio_read_hole100, -EINVAL),
	ROW("26e2", "simfs iomap: O_DIRECT write from buffer + 100, unmapped", bi_iomap_rw,
	  bi_dio_write_hole100, -EINVAL),
	ROW("26f", "simfs legacy: O_DIRECT read into buffer + 100", bi_legacy_rw,
	  bi_dio_read_buf100, -EINVAL),
	ROW("26g", "simfs legacy: O_DIRECT write from buffer + 100, unmapped", bi_legacy_rw,
	  bi_dio_write_hole100, -EINVAL),
	ROW("26g2", "simfs legacy: O_DIRECT read into buffer + 100, unmapped", bi_legacy_rw,
	  bi_dio_read_hole100, -EINVAL),
	ROW("27a", "raw disk: O_DIRECT read at the end", bi_disk_short, bi_dio_read_disk_end, 0),
	ROW("27b", "raw disk: O_DIRECT read straddling the end: short", bi_disk_short,
	  bi_dio_read_disk_straddle, 2048, IO),
	ROW("27c", "simfs iomap: O_DIRECT read at EOF", bi_iomap_short, bi_dio_read_eof, 0),
	ROW("27d", "simfs iomap: O_DIRECT read straddling EOF: short", bi_iomap_short,
	  bi_dio_read_file_straddle, 2048, IO),
	ROW("27e", "simfs legacy: O_DIRECT read straddling EOF: short", bi_legacy_short,
	  bi_dio_read_file_straddle, 2048, IO),
	ROW("28a", "raw disk: write on an O_RDONLY fd", bi_disk_ro, bi_write_ro, -EBADF),
	ROW("28b", "simfs: write on an O_RDONLY fd", bi_iomap_ro, bi_write_ro, -EBADF),
	ROW("29a", "ftruncate to -1", bi_file_plain, bi_truncate_neg, -EINVAL),
	ROW("29b", "ftruncate above the maximum size", bi_file_plain, bi_truncate_huge, -EFBIG),
	ROW("30a", "splice of length 0", bi_splice_disk_pipe, bi_splice_len0, 0),
	ROW("30b", "splice with neither end a pipe", bi_splice_disk_disk, bi_splice_no_pipe,
	  -EINVAL),
	ROW("30c", "splice into a full O_NONBLOCK pipe", bi_splice_full_pipe, bi_splice_full,
	  -EAGAIN),
	ROW("31a", "fork, its first allocation fails", bi_fork_first, bi_fork_fail, -ENOMEM),
	ROW("31b", "fork, its last allocation fails", bi_fork_last, bi_fork_fail, -ENOMEM),
	ROW("32", "register buffers beyond RLIMIT_MEMLOCK", bi_ring, bi_register_beyond,
	  -ENOMEM),
	ROW("32f1", "read_fixed of buffer 1 with one registered", bi_fixed_disk_rw,
	  bi_fixed_index1, -EFAULT),
	ROW("32f2", "read_fixed with no buffers registered", bi_fixed_disk_none, bi_fixed_read,
	  -EFAULT),
	ROW("32f3", "read_fixed after the buffers were unregistered", bi_fixed_disk_unreg,
	  bi_fixed_read, -EFAULT),
	ROW("32f4", "write_fixed starting 512 bytes before the buffer", bi_fixed_disk_rw,
	  bi_fixed_before, -EFAULT),
	ROW("32f5", "read_fixed ending 512 bytes past the buffer", bi_fixed_disk_rw,
	  bi_fixed_past, -EFAULT),
	ROW("32f6", "write_fixed whose addr + len wraps", bi_fixed_disk_rw, bi_fixed_wraps,
	  -EFAULT),
	ROW("32f7", "raw disk: write_fixed at position 100", bi_fixed_disk_rw,
	  bi_fixed_write_pos100, -EINVAL),
	ROW("32f8", "raw disk: read_fixed into buffer + 100", bi_fixed_disk_rw,
	  bi_fixed_read_buf100, -EINVAL),
	ROW("32f9", "raw disk: write_fixed of length 100", bi_fixed_disk_rw,
	  bi_fixed_write_len100, -EINVAL),
	ROW("32f10", "simfs iomap: read_fixed at position 100", bi_fixed_iomap_rw,
	  bi_fixed_read_pos100, -EINVAL),
	ROW("32f11", "simfs iomap: write_fixed from buffer + 100", bi_fixed_iomap_rw,
	  bi_fixed_write_buf100, -EINVAL),
	ROW("32f12", "simfs legacy: read_fixed into buffer + 100", bi_fixed_legacy_rw,
	  bi_fixed_read_buf100, -EINVAL),
	ROW("32f13", "simfs legacy: write_fixed of length 100", bi_fixed_legacy_rw,
	  bi_fixed_write_len100, -EINVAL),
	ROW("32f14", "raw disk: write_fixed on an O_RDONLY fd", bi_fixed_disk_ro, bi_fixed_write,
	  -EBADF),
};

KUNIT_ARRAY_PARAM(bi_row, bi_rows, bi_row_desc);

static struct kunit_case bad_input_io_test_cases[] = {
	KUNIT_CASE_PARAM(bad_input_row, bi_row_gen_params),
	{}
};

struct kunit_suite bad_input_io_suite = {
	.name = "bad_input_io",
	.init = bi_init,
	.exit = bi_exit,
	.test_cases = bad_input_io_test_cases,
};
