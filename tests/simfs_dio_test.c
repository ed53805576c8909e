// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests: one O_DIRECT workload through simfs with dio=iomap, simfs
 * with dio=legacy and the raw block device, on three `ram` disks, giving
 * identical bytes and balanced pins (issue 4's "same workload" test on the
 * real filesystem; tests/dio_test.c has the same idea on its test mapper).
 *
 * Every case boots a 64 MiB machine in .init with three 16 MiB ram disks;
 * the case mounts and unmounts the two filesystems itself.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <pinio/fs.h>
#include <pinio/sim.h>
#include <pinio/uio.h>

#include "kunit/test.h"
#include "mm_helpers.h"
#include "sim/sim.h"

#define SD_BYTES	(16UL << 20)
#define SD_SPAN		(2UL << 20)	/* what the workload touches */

static const struct sim_config sd_cfg = {
	.mem_bytes = 64UL << 20,
};

static const char *const sd_disks[3] = { "sdio0", "sdio1", "sdio2" };
static const char *const sd_mnts[2] = { "/mnt", "/mnt2" };
static const char *const sd_opts[2] = { "dio=iomap", "dio=legacy" };
static const char *const sd_path_names[3] = { "simfs dio=iomap", "simfs dio=legacy", "raw" };

static int simfs_dio_test_init(struct kunit *test)
{
	int ret = t_mm_boot(&sd_cfg);
	unsigned int k;

	for (k = 0; !ret && k < 3; k++)
		ret = sim_ramdisk_create(sd_disks[k], SD_BYTES, 512);
	return ret;
}

static void simfs_dio_test_exit(struct kunit *test)
{
	unsigned int k;

	if (!sim_booted())
		return;
	for (k = 0; k < 2; k++)
		sim_umount(sd_mnts[k]);
	for (k = 0; k < 3; k++)
		sim_disk_destroy(sd_disks[k]);
	t_mm_shutdown(test);
}

/*
 * The workload: writes and reads at file (and device) offsets, from user
 * buffers at offset @uoff into their mapping (512-aligned, as O_DIRECT
 * requires of the device's logical block).
 */
struct sd_op {
	bool write;
	off_t off;
	size_t len;
	size_t uoff;
	unsigned int seed;
};

static const struct sd_op sd_ops[] = {
	{ true, 0, 1UL << 20, 0, 1 },			/* multi-bio, new blocks */
	{ true, (1L << 20) + 65536, 4096, 0, 2 },	/* leaves a 64K hole */
	{ true, (1L << 20) + 8192 + 512, 512, 512, 3 },	/* sub-block, into the hole */
	{ false, (1L << 20) - 32768, 65536, 0, 0 },	/* data, then the hole */
	{ true, 102400, 12288, 512, 4 },		/* overwrite, user buffer + 512 */
	{ true, 4096 + 1024, 1536, 1024, 5 },		/* 512-granular overwrite */
	{ false, 0, (1UL << 20) + 69632, 512, 0 },	/* everything, buffer + 512 */
	{ false, 4096 + 512, 2048, 1536, 0 },		/* 512-granular read */
};

static unsigned char sd_pat(size_t i, unsigned int seed)
{
	return (unsigned char)((i * 11 + seed * 53 + (i >> 9)) & 0xff) | 1;
}

/*
 * Run @op on the three descriptors; for a read, also compare each result
 * with @model. Return: the op succeeded identically everywhere.
 */
static bool sd_run_op(struct kunit *test, const int *fds, const struct sd_op *op,
		      unsigned char *model)
{
	size_t ulen = op->uoff + op->len;
	unsigned char *b = malloc(op->len);
	bool ok = b != NULL;
	unsigned int k;
	size_t i;

	if (op->write) {
		for (i = 0; b && i < op->len; i++)
			b[i] = sd_pat((size_t)op->off + i, op->seed);
		if (b)
			memcpy(model + op->off, b, op->len);
	}
	for (k = 0; ok && k < 3; k++) {
		unsigned long ubuf = t_mm_mmap(test, ulen, PROT_READ | PROT_WRITE, MAP_PRIVATE);
		ssize_t ret;

		if (op->write) {
			KUNIT_ASSERT_EQ(test, sim_user_write(ubuf + op->uoff, b, op->len),
					(ssize_t)op->len);
			ret = sim_pwrite(fds[k], ubuf + op->uoff, op->len, op->off);
		} else {
			ret = sim_pread(fds[k], ubuf + op->uoff, op->len, op->off);
		}
		KUNIT_EXPECT_EQ_MSG(test, ret, (ssize_t)op->len, "%s %s at %lld",
				    sd_path_names[k], op->write ? "write" : "read",
				    (long long)op->off);
		ok = ret == (ssize_t)op->len;
		if (ok && !op->write) {
			ok = sim_user_read(ubuf + op->uoff, b, op->len) == (ssize_t)op->len &&
			     !memcmp(b, model + op->off, op->len);
			KUNIT_EXPECT_TRUE_MSG(test, ok, "%s read at %lld differs from the model",
					      sd_path_names[k], (long long)op->off);
		}
		t_mm_munmap(test, ubuf, ulen);
	}
	free(b);
	return ok;
}

/*
 * The same O_DIRECT workload (sd_ops: multi-bio, a hole, a sub-block write
 * into the hole, 512-granular I/O, user buffers at +512 and +1024) through
 * simfs dio=iomap, simfs dio=legacy (a write into the hole falls back to
 * buffered I/O there) and the raw device:
 *
 *   sd_ops ─┬─ iomap_dio_rw ────────── simfs on sdio0 ─┐
 *           ├─ __blockdev_direct_IO ── simfs on sdio1 ─┼─ same bytes as the model
 *           └─ blkdev_direct_IO ────── raw sdio2 ──────┘
 *
 * Expect every call to return its length, every read to equal an
 * in-memory model (holes and sub-block zeroing read as zeros, as the fresh
 * raw disk does), no pin outstanding after any call (pinio_pins_outstanding
 * 0, the ledger's count 0), and after a remount the two files to read back
 * the model buffered as well. R-IOMAP-1..3, R-DIO-1..6, INV-9.
 */
static void simfs_dio_same_workload_three_paths(struct kunit *test)
{
	unsigned char *model = calloc(1, SD_SPAN);
	struct sim_ledger l;
	int fds[3];
	unsigned int k, i;

	KUNIT_ASSERT_NOT_NULL(test, model);
	for (k = 0; k < 2; k++) {
		char dev[32], path[32];

		snprintf(dev, sizeof(dev), "/dev/%s", sd_disks[k]);
		KUNIT_ASSERT_EQ(test, sim_mkfs(dev, "simfs", NULL), 0);
		KUNIT_ASSERT_EQ(test, sim_mount(dev, sd_mnts[k], sd_opts[k]), 0);
		snprintf(path, sizeof(path), "%s/w", sd_mnts[k]);
		fds[k] = sim_open(path, O_RDWR | O_CREAT | O_DIRECT, 0644);
		KUNIT_ASSERT_GE(test, fds[k], 0);
	}
	fds[2] = sim_open("/dev/sdio2", O_RDWR | O_DIRECT, 0);
	KUNIT_ASSERT_GE(test, fds[2], 0);

	for (i = 0; i < ARRAY_SIZE(sd_ops); i++) {
		KUNIT_EXPECT_TRUE_MSG(test, sd_run_op(test, fds, &sd_ops[i], model), "op %u", i);
		sim_ledger_read(&l);
		KUNIT_EXPECT_EQ_MSG(test, l.pins, 0L, "op %u", i);
		KUNIT_EXPECT_EQ_MSG(test, sim_vmstat("pinio_pins_outstanding"), 0UL, "op %u", i);
	}

	/* What reached the disks: remount and read buffered. */
	for (k = 0; k < 3; k++)
		KUNIT_EXPECT_EQ(test, sim_close(fds[k]), 0);
	for (k = 0; k < 2; k++) {
		const size_t size = (1UL << 20) + 69632;
		unsigned long ubuf = t_mm_mmap(test, size, PROT_READ | PROT_WRITE, MAP_PRIVATE);
		unsigned char *b = malloc(size);
		char dev[32], path[32];
		int fd;

		KUNIT_ASSERT_NOT_NULL(test, b);
		snprintf(dev, sizeof(dev), "/dev/%s", sd_disks[k]);
		KUNIT_ASSERT_EQ(test, sim_umount(sd_mnts[k]), 0);
		KUNIT_ASSERT_EQ(test, sim_mount(dev, sd_mnts[k], sd_opts[k]), 0);
		snprintf(path, sizeof(path), "%s/w", sd_mnts[k]);
		fd = sim_open(path, O_RDONLY, 0);
		KUNIT_ASSERT_GE(test, fd, 0);
		KUNIT_EXPECT_EQ(test, sim_pread(fd, ubuf, size, 0), (ssize_t)size);
		KUNIT_EXPECT_EQ(test, sim_user_read(ubuf, b, size), (ssize_t)size);
		KUNIT_EXPECT_TRUE_MSG(test, !memcmp(b, model, size), "%s after remount",
				      sd_path_names[k]);
		free(b);
		t_mm_munmap(test, ubuf, size);
		KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
		KUNIT_EXPECT_EQ(test, sim_umount(sd_mnts[k]), 0);
	}
	free(model);
}

/* ---- a failed extending write ------------------------------------------------- */

struct sd_fail_case {
	const char *desc;
	unsigned int engine;		/* index into sd_opts */
	unsigned int flags;		/* SIM_IO_FAIL or SIM_IO_PARTIAL */
	uint64_t bytes;			/* SIM_IO_PARTIAL: bytes that reach the disk */
};

static const struct sd_fail_case sd_fail_cases[] = {
	{ "legacy, bio fails", 1, SIM_IO_FAIL, 0 },
	{ "legacy, 2560 bytes reach the disk", 1, SIM_IO_PARTIAL, 2560 },
	{ "iomap, bio fails", 0, SIM_IO_FAIL, 0 },
	{ "iomap, 2560 bytes reach the disk", 0, SIM_IO_PARTIAL, 2560 },
};

static void sd_fail_desc(const struct sd_fail_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(sd_fail, sd_fail_cases, sd_fail_desc);

/*
 * A direct write past EOF whose bio fails, then the file grows over it
 * (tests/ops/regressions/legacy_failed_write_tail.ops, found by random_ops):
 *
 *   file: [A 4K]                 size 4K
 *   write B [64K, 72K): device fails its bio (or moves 2560 bytes, then
 *   fails)                       -> -EIO, size 4K
 *   write C [128K, 128K+512)     size 128K+512
 *   read [4K, 128K)              -> zeros: the failed write left nothing
 *
 * Expect -EIO (the legacy engine reports any bio error; iomap reports the
 * error when no byte completed), the size unchanged by the failure, and
 * zeros where the failed write was: legacy trims the blocks it allocated
 * past i_size (ext2_write_failed() after blockdev_direct_IO()), iomap
 * leaves them unwritten (read as zeros). Before the fix the legacy case
 * read back B's bytes.
 */
static void simfs_dio_failed_extending_write(struct kunit *test)
{
	const struct sd_fail_case *c = test->param_value;
	const size_t gap = (128UL << 10) - 4096;
	struct sim_io_fault f = { .flags = c->flags, .nth = 1, .bytes = c->bytes };
	unsigned long ubuf = t_mm_mmap(test, gap, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	unsigned char *b = malloc(gap);
	char dev[32], path[32];
	ssize_t ret;
	size_t i;
	int fd;

	KUNIT_ASSERT_NOT_NULL(test, b);
	snprintf(dev, sizeof(dev), "/dev/%s", sd_disks[0]);
	KUNIT_ASSERT_EQ(test, sim_mkfs(dev, "simfs", NULL), 0);
	KUNIT_ASSERT_EQ(test, sim_mount(dev, sd_mnts[0], sd_opts[c->engine]), 0);
	snprintf(path, sizeof(path), "%s/f", sd_mnts[0]);
	fd = sim_open(path, O_RDWR | O_CREAT | O_DIRECT, 0644);
	KUNIT_ASSERT_GE(test, fd, 0);
	t_mm_fill(test, ubuf, 'A', 4096);
	KUNIT_ASSERT_EQ(test, sim_pwrite(fd, ubuf, 4096, 0), 4096);

	t_mm_fill(test, ubuf, 'B', 8192);
	KUNIT_ASSERT_EQ(test, sim_disk_inject(sd_disks[0], &f), 0);
	ret = sim_pwrite(fd, ubuf, 8192, 65536);
	KUNIT_ASSERT_EQ(test, sim_disk_inject(sd_disks[0], NULL), 0);
	KUNIT_EXPECT_EQ(test, ret, -EIO);
	KUNIT_EXPECT_EQ(test, sim_lseek(fd, 0, SEEK_END), 4096);

	t_mm_fill(test, ubuf, 'C', 512);
	KUNIT_EXPECT_EQ(test, sim_pwrite(fd, ubuf, 512, 128L << 10), 512);
	KUNIT_EXPECT_EQ(test, sim_lseek(fd, 0, SEEK_END), (128L << 10) + 512);
	t_mm_fill(test, ubuf, 0x77, gap);
	KUNIT_EXPECT_EQ(test, sim_pread(fd, ubuf, gap, 4096), (ssize_t)gap);
	KUNIT_ASSERT_EQ(test, sim_user_read(ubuf, b, gap), (ssize_t)gap);
	for (i = 0; i < gap && !b[i]; i++)
		;
	KUNIT_EXPECT_EQ_MSG(test, i, gap, "byte %zu past the old EOF is %#x, not 0", 4096 + i,
			    i < gap ? b[i] : 0);

	/* And after a remount (the blocks, not just the cache). */
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_ASSERT_EQ(test, sim_umount(sd_mnts[0]), 0);
	KUNIT_ASSERT_EQ(test, sim_mount(dev, sd_mnts[0], sd_opts[c->engine]), 0);
	fd = sim_open(path, O_RDONLY, 0);
	KUNIT_ASSERT_GE(test, fd, 0);
	t_mm_fill(test, ubuf, 0x77, gap);
	KUNIT_EXPECT_EQ(test, sim_pread(fd, ubuf, gap, 4096), (ssize_t)gap);
	KUNIT_ASSERT_EQ(test, sim_user_read(ubuf, b, gap), (ssize_t)gap);
	for (i = 0; i < gap && !b[i]; i++)
		;
	KUNIT_EXPECT_EQ_MSG(test, i, gap, "after remount: byte %zu is %#x, not 0", 4096 + i,
			    i < gap ? b[i] : 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(sd_mnts[0]), 0);
	free(b);
	t_mm_munmap(test, ubuf, gap);
}

/* ---- an async read of a hole, its buffer stored into while in flight ---------- */

struct sd_hole_case {
	const char *desc;
	unsigned int engine;		/* index into sd_opts */
	bool failed_write;		/* a faulted O_DIRECT write into the hole first */
};

static const struct sd_hole_case sd_hole_cases[] = {
	{ "iomap", 0, false },
	{ "iomap, after a failed write into the hole", 0, true },
	{ "legacy", 1, false },
};

static void sd_hole_desc(const struct sd_hole_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(sd_hole, sd_hole_cases, sd_hole_desc);

/* Is user memory [addr, addr+len) all @c? */
static bool sd_user_all(unsigned long addr, size_t len, unsigned char c)
{
	unsigned char *b = malloc(len);
	bool ok = b && sim_user_read(addr, b, len) == (ssize_t)len;
	size_t i;

	for (i = 0; ok && i < len; i++)
		ok = b[i] == c;
	free(b);
	return ok;
}

/*
 * An async O_DIRECT read over data and a hole, held at the device, while
 * the user stores into its buffer (tests/ops pinio-ops-870: the op model
 * took such a store for the file's bytes). A READ of a hole (or of an
 * unwritten extent) builds no bio: the CPU zero-fills that part of the
 * user buffer at submit (iomap_dio_hole_iter(); the legacy engine's
 * zero_user, kernel-semantics.md §7 legacy "Holes"), and only the
 * bio-covered part is written by the device at completion (R-IOMAP-3).
 *
 *   file:  [A 0..4K)[ hole 4K..16K )              size 16K
 *          (optionally an O_DIRECT write [4K,12K) that fails: -EIO)
 *   buf:   [0x77 .......................]        16K
 *   submit read [0,16K), held   -> buf [4K,16K) zeros now, [0,4K) untouched
 *   store 'S' at buf[0,512) and buf[8K,8K+512)
 *   release, reap               -> 16384
 *
 * Expect buf[0,4K) = 'A' (the DMA overwrote the store), buf[8K,8K+512) =
 * 'S' (the store stays: no DMA covers a hole), the rest of the hole zeros,
 * and the file's hole still reading zeros (O_DIRECT and buffered).
 */
static void simfs_dio_async_hole_read_store_in_flight(struct kunit *test)
{
	const struct sd_hole_case *c = test->param_value;
	struct sim_io_fault hold = { .flags = SIM_IO_HOLD };
	struct sim_io_fault fail = { .flags = SIM_IO_FAIL, .nth = 1 };
	const size_t len = 16384;
	unsigned long ubuf = t_mm_mmap(test, len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	struct sim_aio *ring;
	char dev[32], path[32];
	int64_t res = 0;
	uint64_t tag = 0;
	int fd, bfd;

	snprintf(dev, sizeof(dev), "/dev/%s", sd_disks[0]);
	KUNIT_ASSERT_EQ(test, sim_mkfs(dev, "simfs", "bs=1024"), 0);
	KUNIT_ASSERT_EQ(test, sim_mount(dev, sd_mnts[0], sd_opts[c->engine]), 0);
	snprintf(path, sizeof(path), "%s/f", sd_mnts[0]);
	fd = sim_open(path, O_RDWR | O_CREAT | O_DIRECT, 0644);
	KUNIT_ASSERT_GE(test, fd, 0);
	t_mm_fill(test, ubuf, 'A', 4096);
	KUNIT_ASSERT_EQ(test, sim_pwrite(fd, ubuf, 4096, 0), 4096);
	KUNIT_ASSERT_EQ(test, sim_ftruncate(fd, (off_t)len), 0);
	if (c->failed_write) {
		t_mm_fill(test, ubuf, 'B', 8192);
		KUNIT_ASSERT_EQ(test, sim_disk_inject(sd_disks[0], &fail), 0);
		KUNIT_EXPECT_EQ(test, sim_pwrite(fd, ubuf, 8192, 4096), -EIO);
		KUNIT_ASSERT_EQ(test, sim_disk_inject(sd_disks[0], NULL), 0);
		KUNIT_EXPECT_EQ(test, sim_lseek(fd, 0, SEEK_END), (off_t)len);
	}
	KUNIT_ASSERT_EQ(test, sim_fsync(fd), 0);

	t_mm_fill(test, ubuf, 0x77, len);
	ring = sim_aio_create(2);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(ring));
	KUNIT_ASSERT_EQ(test, sim_disk_inject(sd_disks[0], &hold), 0);
	KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, fd, false, ubuf, len, 0, 1), 0);
	KUNIT_EXPECT_EQ(test, sim_disk_inject(sd_disks[0], NULL), 0);
	KUNIT_EXPECT_TRUE_MSG(test, sd_user_all(ubuf + 4096, len - 4096, 0),
			      "the hole was not zero-filled at submit");
	KUNIT_EXPECT_TRUE_MSG(test, sd_user_all(ubuf, 4096, 0x77),
			      "the held data bio moved bytes before its release");
	t_mm_fill(test, ubuf, 'S', 512);
	t_mm_fill(test, ubuf + 8192, 'S', 512);
	KUNIT_EXPECT_GE(test, sim_disk_release(sd_disks[0]), 1);
	KUNIT_EXPECT_EQ(test, sim_aio_reap(ring, 1, 1, &res, &tag), 1);
	KUNIT_EXPECT_EQ(test, res, (int64_t)len);
	sim_aio_destroy(ring);
	KUNIT_EXPECT_TRUE_MSG(test, sd_user_all(ubuf, 4096, 'A'), "the data part is not the file's");
	KUNIT_EXPECT_TRUE_MSG(test, sd_user_all(ubuf + 8192, 512, 'S'),
			      "the store into the hole part did not stay");
	KUNIT_EXPECT_TRUE(test, sd_user_all(ubuf + 4096, 4096, 0));
	KUNIT_EXPECT_TRUE(test, sd_user_all(ubuf + 8192 + 512, len - 8192 - 512, 0));

	/* The file is untouched by the store: the hole reads zeros both ways. */
	t_mm_fill(test, ubuf, 0x77, len);
	KUNIT_EXPECT_EQ(test, sim_pread(fd, ubuf, len - 4096, 4096), (ssize_t)(len - 4096));
	KUNIT_EXPECT_TRUE(test, sd_user_all(ubuf, len - 4096, 0));
	bfd = sim_open(path, O_RDONLY, 0);
	KUNIT_ASSERT_GE(test, bfd, 0);
	t_mm_fill(test, ubuf, 0x77, len);
	KUNIT_EXPECT_EQ(test, sim_pread(bfd, ubuf, len - 4096, 4096), (ssize_t)(len - 4096));
	KUNIT_EXPECT_TRUE(test, sd_user_all(ubuf, len - 4096, 0));
	KUNIT_EXPECT_EQ(test, sim_close(bfd), 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(sd_mnts[0]), 0);
	t_mm_munmap(test, ubuf, len);
}

/* ---- blocks past EOF after writeback of the EOF folio ----------------------- */

struct sd_eof_case {
	const char *desc;
	unsigned int engine;		/* index into sd_opts */
	bool grow;			/* truncate up and read, else a sub-block DIO write */
};

static const struct sd_eof_case sd_eof_cases[] = {
	{ "iomap, sub-block write past EOF", 0, false },
	{ "iomap, truncate up", 0, true },
	{ "legacy, sub-block write past EOF", 1, false },
	{ "legacy, truncate up", 1, true },
};

static void sd_eof_desc(const struct sd_eof_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(sd_eof, sd_eof_cases, sd_eof_desc);

/*
 * Writeback of the folio holding EOF must allocate no block wholly past
 * EOF (iomap_writepage_handle_eof() trims the range to i_size; ext4 maps
 * only blocks below it): such a block would be a written extent holding
 * whatever the disk had, and a sub-block O_DIRECT write into it (mapped,
 * so no R-IOMAP-2 / R-DIO-5 zeroing) or growing the file would expose
 * that. Found by random_ops (tests/ops/regressions/iomap_eof_folio_*.ops).
 *
 *   raw disk: 0xEE everywhere (an earlier user's data), then mkfs bs=1024
 *   buffered write 'D' [0,100), fsync   page 0 = blocks 0..3, EOF in block 0
 *     write:  O_DIRECT 'W' [2560,3072)   -> [100,2560) zeros
 *     grow:   ftruncate 4096, O_DIRECT read [0,4K) -> [100,4K) zeros
 *
 * Expect 'D' at [0,100), zeros up to the new data (or the end), also after
 * a remount. Before the fix blocks 1..3 were allocated written at the
 * fsync and read back 0xEE.
 */
static void simfs_dio_eof_folio_writeback(struct kunit *test)
{
	const struct sd_eof_case *c = test->param_value;
	const size_t chunk = 256UL << 10, dirty = 4UL << 20;
	unsigned long ubuf = t_mm_mmap(test, chunk, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	unsigned char *b = malloc(4096);
	char dev[32], path[32];
	size_t i, off, zero_end;
	unsigned int pass;
	int fd;

	KUNIT_ASSERT_NOT_NULL(test, b);
	snprintf(dev, sizeof(dev), "/dev/%s", sd_disks[0]);
	fd = sim_open(dev, O_RDWR | O_DIRECT, 0);
	KUNIT_ASSERT_GE(test, fd, 0);
	t_mm_fill(test, ubuf, 0xEE, chunk);
	for (off = 0; off < dirty; off += chunk)
		KUNIT_ASSERT_EQ(test, sim_pwrite(fd, ubuf, chunk, (off_t)off), (ssize_t)chunk);
	KUNIT_ASSERT_EQ(test, sim_close(fd), 0);

	KUNIT_ASSERT_EQ(test, sim_mkfs(dev, "simfs", "bs=1024"), 0);
	KUNIT_ASSERT_EQ(test, sim_mount(dev, sd_mnts[0], sd_opts[c->engine]), 0);
	snprintf(path, sizeof(path), "%s/f", sd_mnts[0]);
	fd = sim_open(path, O_RDWR | O_CREAT, 0644);
	KUNIT_ASSERT_GE(test, fd, 0);
	t_mm_fill(test, ubuf, 'D', 100);
	KUNIT_ASSERT_EQ(test, sim_pwrite(fd, ubuf, 100, 0), 100);
	KUNIT_ASSERT_EQ(test, sim_fsync(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);

	fd = sim_open(path, O_RDWR | O_DIRECT, 0);
	KUNIT_ASSERT_GE(test, fd, 0);
	if (c->grow) {
		KUNIT_ASSERT_EQ(test, sim_ftruncate(fd, 4096), 0);
		zero_end = 4096;
	} else {
		t_mm_fill(test, ubuf, 'W', 512);
		KUNIT_ASSERT_EQ(test, sim_pwrite(fd, ubuf, 512, 2560), 512);
		zero_end = 2560;
	}
	for (pass = 0; pass < 2; pass++) {
		t_mm_fill(test, ubuf, 0x77, 4096);
		KUNIT_EXPECT_EQ(test, sim_pread(fd, ubuf, 4096, 0), (ssize_t)(c->grow ? 4096 : 3072));
		KUNIT_ASSERT_EQ(test, sim_user_read(ubuf, b, 4096), 4096);
		for (i = 0; i < 100 && b[i] == 'D'; i++)
			;
		KUNIT_EXPECT_EQ_MSG(test, i, (size_t)100, "pass %u: byte %zu is %#x, not 'D'", pass,
				    i, b[i]);
		for (i = 100; i < zero_end && !b[i]; i++)
			;
		KUNIT_EXPECT_EQ_MSG(test, i, zero_end, "pass %u: byte %zu past the old EOF is %#x, not 0",
				    pass, i, i < zero_end ? b[i] : 0);
		if (!c->grow)
			KUNIT_EXPECT_TRUE(test, sd_user_all(ubuf + 2560, 512, 'W'));
		/* Again after a remount: the blocks, not the cache. */
		KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
		KUNIT_ASSERT_EQ(test, sim_umount(sd_mnts[0]), 0);
		if (pass)
			break;
		KUNIT_ASSERT_EQ(test, sim_mount(dev, sd_mnts[0], sd_opts[c->engine]), 0);
		fd = sim_open(path, O_RDWR | O_DIRECT, 0);
		KUNIT_ASSERT_GE(test, fd, 0);
	}
	free(b);
	t_mm_munmap(test, ubuf, chunk);
}

/* ---- sub-block writes wait for the direct I/O in flight ------------------------ */

/*
 * simfs dio=iomap (4 KiB blocks) serialises sub-block direct writes as
 * ext4 does (inode_dio_wait(), then IOMAP_DIO_FORCE_WAIT):
 *
 *   W1 async, block-aligned [0, 8K), its bio delayed 150 ms   (in flight)
 *   W2 async, aligned [64K, 68K)                              (in flight too)
 *   W3 async, sub-block [16K+512, 16K+1024)   -> waits for W1 and W2, then
 *                                                completes before it returns
 *   W4 async, aligned [32K, 36K), delayed; W5 sync sub-block in the next
 *   block                                     -> returns after W4's I/O ended
 *
 * Expect: when sim_aio_submit() returns for W3 no direct I/O is in flight
 * on the inode (i_dio_count 0) and W3's own result is there at once, 512;
 * W1 and W2 complete with their lengths (their results may be posted just
 * after: as in the kernel, iomap ends the inode's DIO count before it
 * calls ki_complete); an aligned async write issued behind a delayed one
 * is not waited for (not both results at once); after W5 i_dio_count is 0
 * and W4 completes with 4096; the bytes on disk are the writes', with
 * zeros around W3 in its block (R-IOMAP-2).
 */
static void simfs_dio_subblock_write_waits(struct kunit *test)
{
	struct sim_io_fault delay = { .flags = SIM_IO_DELAY, .nth = 1, .delay_us = 150000 };
	unsigned long ubuf = t_mm_mmap(test, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	struct sim_aio *ring = sim_aio_create(8);
	struct inode *inode;
	struct file *file;
	unsigned char b[4096];
	uint64_t tags[8];
	int64_t res[8];
	bool seen3 = false;
	char dev[32];
	size_t i;
	int fd, n, r;

	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(ring));
	snprintf(dev, sizeof(dev), "/dev/%s", sd_disks[0]);
	KUNIT_ASSERT_EQ(test, sim_mkfs(dev, "simfs", NULL), 0);
	KUNIT_ASSERT_EQ(test, sim_mount(dev, sd_mnts[0], "dio=iomap"), 0);
	fd = sim_open("/mnt/s", O_RDWR | O_CREAT | O_DIRECT, 0644);
	KUNIT_ASSERT_GE(test, fd, 0);
	file = sim_fget(fd);
	KUNIT_ASSERT_NOT_NULL(test, file);
	inode = file->f_mapping->host;
	fput(file);	/* the open fd keeps the inode */
	t_mm_fill(test, ubuf, 'W', 8192);

	/* An aligned write behind a delayed one does not wait. */
	KUNIT_ASSERT_EQ(test, sim_disk_inject(sd_disks[0], &delay), 0);
	KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, fd, true, ubuf, 8192, 0, 1), 0);
	KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, fd, true, ubuf, 4096, 65536, 2), 0);
	n = sim_aio_reap(ring, 0, 8, res, tags);
	KUNIT_EXPECT_LT_MSG(test, n, 2, "the delayed aligned write completed at once");

	/* The sub-block write waits for both, then completes before returning. */
	KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, fd, true, ubuf, 512, 16384 + 512, 3), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&inode->i_dio_count), 0);
	r = sim_aio_reap(ring, 0, 8, res + n, tags + n);
	for (i = (size_t)n; r > 0 && i < (size_t)(n + r); i++)
		seen3 |= tags[i] == 3;
	KUNIT_EXPECT_TRUE_MSG(test, seen3, "the sub-block write's result was not there at once");
	n += r > 0 ? r : 0;
	if (n < 3 && n >= 0)
		n += sim_aio_reap(ring, (unsigned int)(3 - n), 8 - n, res + n, tags + n);
	KUNIT_EXPECT_EQ(test, n, 3);
	for (i = 0; i < (size_t)n && i < 3; i++)
		KUNIT_EXPECT_EQ_MSG(test, res[i], tags[i] == 1 ? 8192 : tags[i] == 2 ? 4096 : 512,
				    "tag %llu", (unsigned long long)tags[i]);
	KUNIT_EXPECT_EQ(test, sim_disk_inject(sd_disks[0], NULL), 0);

	/* A sync sub-block write behind a delayed aligned one waits as well. */
	KUNIT_ASSERT_EQ(test, sim_disk_inject(sd_disks[0], &delay), 0);
	KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, fd, true, ubuf, 4096, 32768, 4), 0);
	KUNIT_EXPECT_EQ(test, sim_pwrite(fd, ubuf, 1024, 32768 + 4096 + 1024), 1024);
	KUNIT_EXPECT_EQ(test, atomic_read(&inode->i_dio_count), 0);
	n = sim_aio_reap(ring, 1, 8, res, tags);
	KUNIT_EXPECT_EQ(test, n, 1);
	KUNIT_EXPECT_EQ(test, n > 0 ? tags[0] : 0, 4);
	KUNIT_EXPECT_EQ(test, n > 0 ? res[0] : 0, 4096);
	KUNIT_EXPECT_EQ(test, sim_disk_inject(sd_disks[0], NULL), 0);

	/* The sub-block write's block: zeros around its 512 bytes. */
	KUNIT_EXPECT_EQ(test, sim_pread(fd, ubuf, 4096, 16384), 4096);
	KUNIT_ASSERT_EQ(test, sim_user_read(ubuf, b, 4096), 4096);
	for (i = 0; i < 4096; i++)
		if (b[i] != (i >= 512 && i < 1024 ? 'W' : 0))
			break;
	KUNIT_EXPECT_EQ_MSG(test, i, 4096, "byte %zu of the sub-block write's block", i);

	sim_aio_destroy(ring);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(sd_mnts[0]), 0);
	t_mm_munmap(test, ubuf, 8192);
}

/*
 * An IOCB_NOWAIT write through the file's ->write_iter (what RWF_NOWAIT
 * does), on dio=iomap (4 KiB blocks), with nothing in flight:
 *
 *   [0, 4K) written ('A')                  -> a written extent
 *   NOWAIT aligned overwrite [0, 4K) ('B') -> 4096: nothing to wait for
 *   NOWAIT sub-block [512, 1024) ('C')     -> -EAGAIN: it would have to
 *                                             wait (inode_dio_wait())
 *
 * Expect: as ext4 does, the sub-block write is refused with -EAGAIN
 * whether I/O is in flight or not, and changes nothing: the block reads
 * back all 'B'.
 */
static void simfs_dio_subblock_nowait(struct kunit *test)
{
	unsigned long ubuf = t_mm_mmap(test, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	unsigned char b[4096];
	struct iov_iter it;
	struct kiocb kiocb;
	struct file *file;
	char dev[32];
	size_t i;
	int fd;

	snprintf(dev, sizeof(dev), "/dev/%s", sd_disks[0]);
	KUNIT_ASSERT_EQ(test, sim_mkfs(dev, "simfs", NULL), 0);
	KUNIT_ASSERT_EQ(test, sim_mount(dev, sd_mnts[0], "dio=iomap"), 0);
	fd = sim_open("/mnt/n", O_RDWR | O_CREAT | O_DIRECT, 0644);
	KUNIT_ASSERT_GE(test, fd, 0);
	t_mm_fill(test, ubuf, 'A', 4096);
	KUNIT_EXPECT_EQ(test, sim_pwrite(fd, ubuf, 4096, 0), 4096);
	file = sim_fget(fd);
	KUNIT_ASSERT_NOT_NULL(test, file);

	t_mm_fill(test, ubuf, 'B', 4096);
	init_sync_kiocb(&kiocb, file);
	kiocb.ki_flags |= IOCB_NOWAIT;
	iov_iter_ubuf(&it, ITER_SOURCE, ubuf, 4096);
	KUNIT_EXPECT_EQ(test, vfs_iocb_iter_write(file, &kiocb, &it), 4096);

	t_mm_fill(test, ubuf, 'C', 4096);
	init_sync_kiocb(&kiocb, file);
	kiocb.ki_flags |= IOCB_NOWAIT;
	kiocb.ki_pos = 512;
	iov_iter_ubuf(&it, ITER_SOURCE, ubuf, 512);
	KUNIT_EXPECT_EQ(test, vfs_iocb_iter_write(file, &kiocb, &it), -EAGAIN);
	KUNIT_EXPECT_EQ(test, kiocb.ki_pos, 512);
	fput(file);

	KUNIT_EXPECT_EQ(test, sim_pread(fd, ubuf, 4096, 0), 4096);
	KUNIT_ASSERT_EQ(test, sim_user_read(ubuf, b, 4096), 4096);
	for (i = 0; i < 4096 && b[i] == 'B'; i++)
		;
	KUNIT_EXPECT_EQ_MSG(test, i, 4096, "byte %zu is %#x", i, i < 4096 ? b[i] : 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(sd_mnts[0]), 0);
	t_mm_munmap(test, ubuf, 4096);
}

static struct kunit_case simfs_dio_test_cases[] = {
	KUNIT_CASE(simfs_dio_same_workload_three_paths),
	KUNIT_CASE_PARAM(simfs_dio_failed_extending_write, sd_fail_gen_params),
	KUNIT_CASE_PARAM(simfs_dio_async_hole_read_store_in_flight, sd_hole_gen_params),
	KUNIT_CASE_PARAM(simfs_dio_eof_folio_writeback, sd_eof_gen_params),
	KUNIT_CASE(simfs_dio_subblock_write_waits),
	KUNIT_CASE(simfs_dio_subblock_nowait),
	{}
};

struct kunit_suite simfs_dio_suite = {
	.name = "simfs_dio",
	.init = simfs_dio_test_init,
	.exit = simfs_dio_test_exit,
	.test_cases = simfs_dio_test_cases,
};
