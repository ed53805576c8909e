// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the `file` disk (drivers/block/file.c): every host
 * backend moving real bytes to a host file, creation errors, REQ_PREFLUSH
 * and REQ_FUA reaching the host, and reads past the host file's end.
 */
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pinio/fault-inject.h>

#include "blk_helpers.h"

/* ---- file disk ----------------------------------------------------------------------- */

/* Create a file disk on a fresh 1 MiB host file, or skip if the backend is missing. */
static void blk_kunit_filedisk(struct kunit *test, const char *backend, char path[PATH_MAX])
{
	int err;

	t_blk_tmpfile(test, MiB, path);
	err = sim_filedisk_create("file0", path, backend, 512);
	if (err == -EOPNOTSUPP || err == -ENOSYS || err == -EPERM) {
		unlink(path);
		kunit_skip(test, "backend %s unavailable here: %d", backend, err);
	}
	if (err)
		unlink(path);
	KUNIT_ASSERT_EQ_MSG(test, err, 0, "sim_filedisk_create(%s)", backend);
}

static const char *const blk_file_backends[] = {
	"psync", "io_uring", "psync,direct", "io_uring,direct",
};

static void blk_file_backend_desc(const char *const *b, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", *b);
}

KUNIT_ARRAY_PARAM(blk_file_backend, blk_file_backends, blk_file_backend_desc);

/*
 * Bytes move for real between pages and the host file, both ways, through
 * each backend:
 *   bio write 8 KiB at sector 16 --> host file bytes [8192, 16384)
 *   host pwrite 512 B at 65536   --> bio read at sector 128
 * plus a 1-byte-offset sub-block read that O_DIRECT cannot do (the
 * buffered descriptor takes it).
 * Expect pread() of the host file to show the written bytes, the read bio
 * to return the host's bytes, and everything else to stay zero.
 */
static void file_backend_roundtrip(struct kunit *test)
{
	const char *backend = *(const char *const *)test->param_value;
	static unsigned char host[16384];
	struct block_device *bdev;
	char path[PATH_MAX];
	struct folio *f, *g;
	struct bio *bio;
	int fd, i;

	blk_kunit_filedisk(test, backend, path);
	bdev = t_blk_open(test, "file0");
	KUNIT_EXPECT_EQ(test, bdev_nr_sectors(bdev), (sector_t)(MiB >> 9));
	f = t_blk_folio(test, 1, 0);
	for (i = 0; i < 8192; i++)
		((unsigned char *)folio_address(f))[i] = (unsigned char)(i * 13 + 1);
	bio = t_blk_bio(test, bdev, REQ_OP_WRITE, 16, 1);
	KUNIT_ASSERT_TRUE(test, bio_add_folio(bio, f, 8192, 0));
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	bio_put(bio);

	fd = open(path, O_RDWR);
	KUNIT_ASSERT_GE(test, fd, 0);
	KUNIT_EXPECT_EQ(test, pread(fd, host, sizeof(host), 0), (ssize_t)sizeof(host));
	KUNIT_EXPECT_TRUE(test, t_mem_is(host, 0, 8192));
	KUNIT_EXPECT_MEMEQ(test, host + 8192, folio_address(f), 8192);
	memset(host, 0xc7, 512);
	KUNIT_EXPECT_EQ(test, pwrite(fd, host, 512, 65536), 512);
	close(fd);

	g = t_blk_folio(test, 0, 0x11);
	bio = t_blk_bio(test, bdev, REQ_OP_READ, 128, 1);
	t_blk_add(test, bio, &g->page, 512, 1);
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	bio_put(bio);
	KUNIT_EXPECT_EQ(test, ((unsigned char *)folio_address(g))[0], 0x11);
	KUNIT_EXPECT_TRUE(test, t_mem_is((char *)folio_address(g) + 1, 0xc7, 512));
	KUNIT_EXPECT_TRUE(test, t_mem_is((char *)folio_address(g) + 513, 0x11, 4096 - 513));

	folio_put(f);
	folio_put(g);
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("file0"), 0);
	unlink(path);
}

/*
 * Bad file-disk arguments.
 * Expect -ENOENT for a missing host file, -EINVAL for an unknown backend
 * or option, a NULL path, and a host file smaller than one block, and
 * NULL (default psync) to work.
 */
static void file_create_errors(struct kunit *test)
{
	char path[PATH_MAX];

	KUNIT_EXPECT_EQ(test, sim_filedisk_create("file0", "/tmp/pinio-no-such-file", "psync", 512),
			-ENOENT);
	t_blk_tmpfile(test, 4096, path);
	KUNIT_EXPECT_EQ(test, sim_filedisk_create("file0", path, "aio", 512), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_filedisk_create("file0", path, "psync,fast", 512), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_filedisk_create("file0", path, "psyncx", 512), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_filedisk_create("file0", NULL, "psync", 512), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_filedisk_create("file0", path, "psync", 8192), -EINVAL);
	KUNIT_EXPECT_EQ(test, truncate(path, 511), 0);
	KUNIT_EXPECT_EQ(test, sim_filedisk_create("file0", path, "psync", 512), -EINVAL);
	KUNIT_EXPECT_EQ(test, truncate(path, 4096 + 100), 0);
	KUNIT_EXPECT_EQ(test, sim_filedisk_create("file0", path, NULL, 1024), 0);
	KUNIT_EXPECT_EQ(test, sim_filedisk_create("file0", path, NULL, 512), -EEXIST);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("file0"), 0);
	KUNIT_EXPECT_EQ(test, blk_nr_live_disks(), 0);
	unlink(path);
}

/*
 * REQ_PREFLUSH and REQ_FUA reach the host (per backend): a PREFLUSH|FUA
 * write, an empty PREFLUSH write, and a REQ_OP_FLUSH.
 * Expect each to succeed, fdatasync() to be called once per flush (3),
 * one FUA write counted, and the data to be in the host file.
 */
static void file_flush_fua_reach_host(struct kunit *test)
{
	const char *backend = *(const char *const *)test->param_value;
	unsigned long syncs = sim_dma_stat("file_fdatasync");
	unsigned long fua = sim_dma_stat("dma_fua");
	struct block_device *bdev;
	unsigned char host[4096];
	char path[PATH_MAX];
	struct folio *f;
	struct bio *bio;
	int fd;

	blk_kunit_filedisk(test, backend, path);
	bdev = t_blk_open(test, "file0");
	f = t_blk_folio(test, 0, 0x6b);
	bio = t_blk_bio(test, bdev, REQ_OP_WRITE | REQ_PREFLUSH | REQ_FUA, 0, 1);
	t_blk_add(test, bio, &f->page, PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	bio_put(bio);
	bio = t_blk_bio(test, bdev, REQ_OP_WRITE | REQ_PREFLUSH, 0, 0);
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	bio_put(bio);
	bio = t_blk_bio(test, bdev, REQ_OP_FLUSH, 0, 0);
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	bio_put(bio);
	KUNIT_EXPECT_EQ(test, sim_dma_stat("file_fdatasync") - syncs, 3UL);
	KUNIT_EXPECT_EQ(test, sim_dma_stat("dma_fua") - fua, 1UL);

	fd = open(path, O_RDONLY);
	KUNIT_ASSERT_GE(test, fd, 0);
	KUNIT_EXPECT_EQ(test, pread(fd, host, sizeof(host), 0), (ssize_t)sizeof(host));
	KUNIT_EXPECT_TRUE(test, t_mem_is(host, 0x6b, sizeof(host)));
	close(fd);
	folio_put(f);
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("file0"), 0);
	unlink(path);
}

/*
 * A read past the host file's end (the file shrank under the disk) is
 * filled with zeros, as loop does: the disk is 8 KiB, then the host file
 * is cut to 4 KiB + 512.
 * Expect a read of [4 KiB, 8 KiB) to succeed with 512 bytes of data and
 * zeros after them.
 */
static void file_read_past_eof_zero_fills(struct kunit *test)
{
	const char *backend = *(const char *const *)test->param_value;
	struct block_device *bdev;
	char path[PATH_MAX];
	struct folio *f;
	struct bio *bio;
	int fd, err;

	t_blk_tmpfile(test, 8192, path);
	fd = open(path, O_RDWR);
	KUNIT_ASSERT_GE(test, fd, 0);
	f = t_blk_folio(test, 0, 0x3e);
	KUNIT_EXPECT_EQ(test, pwrite(fd, folio_address(f), 4096, 4096), 4096);
	err = sim_filedisk_create("file0", path, backend, 512);
	if (err == -EOPNOTSUPP || err == -ENOSYS || err == -EPERM) {
		close(fd);
		unlink(path);
		folio_put(f);
		kunit_skip(test, "backend %s unavailable here: %d", backend, err);
	}
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, ftruncate(fd, 4096 + 512), 0);
	close(fd);
	bdev = t_blk_open(test, "file0");
	memset(folio_address(f), 0x99, PAGE_SIZE);
	bio = t_blk_bio(test, bdev, REQ_OP_READ, 8, 1);
	t_blk_add(test, bio, &f->page, PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, submit_bio_wait(bio), 0);
	bio_put(bio);
	KUNIT_EXPECT_TRUE(test, t_mem_is(folio_address(f), 0x3e, 512));
	KUNIT_EXPECT_TRUE(test, t_mem_is((char *)folio_address(f) + 512, 0, 4096 - 512));
	folio_put(f);
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("file0"), 0);
	unlink(path);
}

static struct kunit_case blk_file_cases[] = {
	KUNIT_CASE_PARAM(file_backend_roundtrip, blk_file_backend_gen_params),
	KUNIT_CASE(file_create_errors),
	KUNIT_CASE_PARAM(file_flush_fua_reach_host, blk_file_backend_gen_params),
	KUNIT_CASE_PARAM(file_read_past_eof_zero_fills, blk_file_backend_gen_params),
	{}
};

struct kunit_suite blk_file_suite = {
	.name = "blk_file",
	.init = t_blk_init,
	.exit = t_blk_exit,
	.test_cases = blk_file_cases,
};
