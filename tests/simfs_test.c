// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for simfs (fs/simfs/), the page cache (mm/filemap.c,
 * mm/truncate.c, mm/page-writeback.c): persistence across unmount and a
 * killed writer, holes, buffered and direct I/O with real bytes on the
 * disk, truncate, unlink of an open file, truncate waiting for DIO, and
 * bad inputs 27-29. Pages held, mapped and pinned across truncate and
 * writeback (I7, R08, R10, R11, R24) are the simfs_pin suite.
 *
 * Every case boots a 64 MiB machine with a 16 MiB ram disk "sfs" (512-byte
 * blocks) in .init (tests/simfs_fixture.c); a case makes and mounts its own
 * filesystem at /mnt and unmounts it, so that every page-cache folio is
 * freed before the ledger is compared. .exit unmounts (if a case failed
 * half-way), destroys the disk and shuts down expecting no leaks.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pinio/blkdev.h>
#include <pinio/fault-inject.h>
#include <pinio/fs.h>
#include <pinio/pagemap.h>
#include <pinio/sim.h>

#include "kunit/test.h"
#include "mm_helpers.h"
#include "sim/sim.h"
#include "fs/simfs/simfs.h"
#include "simfs_fixture.h"

/* ---- cases ------------------------------------------------------------------ */

/*
 * mkfs, mount, write, fsync, unmount, mount again: the bytes are there.
 *
 *   pwrite(a, 0..20K) -> fsync -> umount -> mount -> pread(a) == same
 *
 * Expect the data and the size to persist, and the page cache to be empty
 * (every folio freed) after each unmount.
 */
static void simfs_persist_remount(struct kunit *test)
{
	static const char *const bss[] = { "bs=512", "bs=1024", "bs=4096" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bss); i++) {
		long folios = sim_vmstat("pgalloc_normal") - sim_vmstat("pgfree");
		int fd;

		sfs_mkfs_mount(test, bss[i], NULL);
		fd = sfs_open(test, "a", O_RDWR | O_CREAT);
		sfs_pwrite(test, fd, 20480, 0, (unsigned int)i + 1);
		sfs_pwrite(test, fd, 3000, 40000, (unsigned int)i + 7);
		KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
		KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
		sfs_remount(test, NULL);
		fd = sfs_open(test, "a", O_RDONLY);
		KUNIT_EXPECT_EQ(test, sim_lseek(fd, 0, SEEK_END), 43000);
		KUNIT_EXPECT_TRUE_MSG(test, sfs_pread_is(test, fd, 20480, 0, (unsigned int)i + 1),
				      "%s", bss[i]);
		KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, fd, 40000 - 20480, 20480, 0));
		KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, fd, 3000, 40000, (unsigned int)i + 7));
		KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
		KUNIT_EXPECT_EQ(test, sim_umount(SFS_MNT), 0);
		KUNIT_EXPECT_EQ(test, (long)(sim_vmstat("pgalloc_normal") - sim_vmstat("pgfree")),
				folios);
	}
}

/*
 * Holes read as zeros, buffered and direct, and take no blocks.
 *
 *   [hole 0..64K) [data 64K..68K) [hole ..1M)  size 1M (ftruncate)
 *
 * Expect zeros everywhere but the data, also after a remount.
 */
static void simfs_holes_read_zero(struct kunit *test)
{
	int fd, dfd;

	sfs_mkfs_mount(test, "bs=1024", NULL);
	fd = sfs_open(test, "h", O_RDWR | O_CREAT);
	sfs_pwrite(test, fd, 4096, 65536, 3);
	KUNIT_ASSERT_EQ(test, sim_ftruncate(fd, 1 << 20), 0);
	KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, fd, 65536, 0, 0));
	KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, fd, 4096, 65536, 3));
	KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, fd, (1 << 20) - 69632, 69632, 0));
	KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	sfs_remount(test, NULL);
	dfd = sfs_open(test, "h", O_RDONLY | O_DIRECT);
	KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, dfd, 65536, 0, 0));
	KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, dfd, 4096, 65536, 3));
	KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, dfd, 8192, 1 << 19, 0));
	KUNIT_EXPECT_EQ(test, sim_close(dfd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(SFS_MNT), 0);
}

/*
 * A buffered write reaches the disk at fsync, as real bytes.
 *
 *   pwrite(8K, pattern 5) --fsync--> /dev/sfs holds pattern 5
 *
 * Expect the pattern on the raw disk after fsync, and not before (it is
 * only in the cache until then).
 */
static void simfs_buffered_bytes_on_disk(struct kunit *test)
{
	int fd;

	sfs_mkfs_mount(test, NULL, NULL);
	fd = sfs_open(test, "b", O_RDWR | O_CREAT);
	sfs_pwrite(test, fd, 8192, 0, 5);
	KUNIT_EXPECT_FALSE(test, sfs_disk_has(test, SFS_DEV, 8192, 5));
	KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, fd, 8192, 0, 5));
	KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
	KUNIT_EXPECT_TRUE(test, sfs_disk_has(test, SFS_DEV, 8192, 5));
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(SFS_MNT), 0);
}

/*
 * O_DIRECT through each engine: write, read back direct and buffered.
 *
 *   user buf --DIO write--> file [4K, 68K) --DIO read / pread--> same bytes
 *
 * Expect identical bytes, a hole before 4K, pins balanced after each call,
 * and a sub-block direct write (512 bytes into a new 4K block) whose
 * uncovered head and tail read as zeros (R-IOMAP-2, R-DIO-5).
 */
static void simfs_dio_both_engines(struct kunit *test)
{
	static const char *const engines[] = { "dio=iomap", "dio=legacy" };
	size_t e;

	for (e = 0; e < ARRAY_SIZE(engines); e++) {
		unsigned long ubuf;
		int fd, bfd;

		sfs_mkfs_mount(test, "bs=4096", engines[e]);
		fd = sfs_open(test, "d", O_RDWR | O_CREAT | O_DIRECT);
		ubuf = sfs_ubuf(test, 65536);
		sfs_fill(test, ubuf, 65536, 9);
		KUNIT_EXPECT_EQ_MSG(test, sim_pwrite(fd, ubuf, 65536, 4096), 65536, "%s", engines[e]);
		KUNIT_EXPECT_EQ(test, sfs_pins(), 0L);
		sim_user_memset(ubuf, 0, 65536);
		KUNIT_EXPECT_EQ(test, sim_pread(fd, ubuf, 65536, 4096), 65536);
		KUNIT_EXPECT_TRUE_MSG(test, sfs_user_is(ubuf, 65536, 9), "%s", engines[e]);
		bfd = sfs_open(test, "d", O_RDONLY);
		KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, bfd, 4096, 0, 0));
		KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, bfd, 65536, 4096, 9));
		/* A 512-byte direct write at 512 of a new file: one new 4K block. */
		KUNIT_EXPECT_EQ(test, sim_pwrite(fd, ubuf, 512, 200 * 4096 + 512), 512);
		KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, bfd, 512, 200 * 4096, 0));
		KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, bfd, 512, 200 * 4096 + 512, 9));
		KUNIT_EXPECT_EQ(test, sim_lseek(bfd, 0, SEEK_END), 200 * 4096 + 1024);
		KUNIT_EXPECT_EQ(test, sim_close(bfd), 0);
		KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
		KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
		t_mm_munmap(test, ubuf, 65536);
		sfs_remount(test, engines[e]);
		bfd = sfs_open(test, "d", O_RDONLY);
		KUNIT_EXPECT_TRUE_MSG(test, sfs_pread_is(test, bfd, 65536, 4096, 9), "%s after remount",
				      engines[e]);
		KUNIT_EXPECT_EQ(test, sim_close(bfd), 0);
		KUNIT_EXPECT_EQ(test, sim_umount(SFS_MNT), 0);
		KUNIT_EXPECT_EQ(test, sfs_pins(), 0L);
	}
}

/*
 * Regression (found by pinio run's simfs jobs): an O_DIRECT write into a
 * hole below i_size through the legacy engine. do_direct_IO() queues up to
 * 64 pages, meets the hole and stops with -ENOTBLK (R-DIO-6); the caller
 * must put the iterator back to what was written before the buffered
 * fallback writes the rest, as generic_file_direct_write() does.
 *
 *   file: |<------------- 16 MiB hole (ftruncate) ------------->|
 *   write:    [1 MiB]  [1 MiB]  [1 MiB] ...  [4K at 8 MiB]
 *
 * Expect every write to return its full length, for both engines, and the
 * bytes to read back.
 */
static void simfs_dio_write_into_hole_falls_back(struct kunit *test)
{
	static const char *const engines[] = { "dio=legacy", "dio=iomap" };
	unsigned int e;

	for (e = 0; e < ARRAY_SIZE(engines); e++) {
		int fd;

		sfs_mkfs_mount(test, "bs=4096", engines[e]);
		fd = sfs_open(test, "hole", O_RDWR | O_CREAT | O_DIRECT);
		KUNIT_ASSERT_EQ(test, sim_ftruncate(fd, 8 << 20), 0);
		sfs_pwrite(test, fd, 1 << 20, 0, 11);
		sfs_pwrite(test, fd, 1 << 20, 1 << 20, 12);
		sfs_pwrite(test, fd, 4096, 6 << 20, 13);
		KUNIT_EXPECT_TRUE_MSG(test, sfs_pread_is(test, fd, 1 << 20, 0, 11), "%s", engines[e]);
		KUNIT_EXPECT_TRUE_MSG(test, sfs_pread_is(test, fd, 1 << 20, 1 << 20, 12), "%s", engines[e]);
		KUNIT_EXPECT_TRUE_MSG(test, sfs_pread_is(test, fd, 4096, 6 << 20, 13), "%s", engines[e]);
		KUNIT_EXPECT_TRUE_MSG(test, sfs_pread_is(test, fd, 4096, 7 << 20, 0), "%s", engines[e]);
		KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
		KUNIT_EXPECT_EQ(test, sim_umount(SFS_MNT), 0);
	}
}

/*
 * Truncate down and up.
 *
 *   [data 0..10000) --ftruncate(5000)--> [data 0..5000) --ftruncate(9000)-->
 *   [data 0..5000)[zeros 5000..9000)
 *
 * Expect the cut bytes to read as zeros after growing again (also after a
 * remount), the cached pages past the end to be gone, and reads past EOF
 * to return 0.
 */
static void simfs_truncate_down_up(struct kunit *test)
{
	struct address_space *m;
	int fd;

	sfs_mkfs_mount(test, "bs=1024", NULL);
	fd = sfs_open(test, "t", O_RDWR | O_CREAT);
	sfs_pwrite(test, fd, 10000, 0, 4);
	KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
	m = sfs_mapping(fd);
	KUNIT_EXPECT_EQ(test, m->nrpages, 3UL);
	KUNIT_ASSERT_EQ(test, sim_ftruncate(fd, 5000), 0);
	KUNIT_EXPECT_EQ(test, m->nrpages, 2UL);
	KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, fd, 5000, 0, 4));
	KUNIT_EXPECT_TRUE(test, !sfs_pread_is(test, fd, 1, 5000, 0));	/* EOF: 0 bytes */
	KUNIT_ASSERT_EQ(test, sim_ftruncate(fd, 9000), 0);
	KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, fd, 4000, 5000, 0));
	KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	sfs_remount(test, NULL);
	fd = sfs_open(test, "t", O_RDWR);
	KUNIT_EXPECT_EQ(test, sim_lseek(fd, 0, SEEK_END), 9000);
	KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, fd, 5000, 0, 4));
	KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, fd, 4000, 5000, 0));
	KUNIT_ASSERT_EQ(test, sim_ftruncate(fd, 0), 0);
	KUNIT_EXPECT_EQ(test, m == sfs_mapping(fd) ? 0UL : sfs_mapping(fd)->nrpages, 0UL);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(SFS_MNT), 0);
}

/*
 * A truncate down whose new last block cannot be read (to zero its tail)
 * fails before it changes anything (half-done state on an error path):
 *
 *   [data 0..10000) on disk, not cached
 *   ftruncate(5000): read the folio of byte 5000 -> F1 fails -> -ENOMEM
 *   ftruncate(9000): grows from 10000, not from a half-cut 5000
 *
 * Expect -ENOMEM with size and bytes unchanged (not i_size cut to 5000
 * over blocks kept past it); then a good truncate, and zeros when grown.
 */
static void simfs_truncate_read_error_changes_nothing(struct kunit *test)
{
	int fd;

	sfs_mkfs_mount(test, "bs=1024", NULL);
	fd = sfs_open(test, "t", O_RDWR | O_CREAT);
	sfs_pwrite(test, fd, 10000, 0, 4);
	KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	sfs_remount(test, NULL);
	fd = sfs_open(test, "t", O_RDWR);
	KUNIT_ASSERT_EQ(test, sfs_mapping(fd)->nrpages, 0UL);

	sim_fail_site_after(FAULT_PAGE_ALLOC, 1);
	KUNIT_EXPECT_EQ(test, sim_ftruncate(fd, 5000), -ENOMEM);
	sim_fail_site_after(FAULT_PAGE_ALLOC, 0);
	KUNIT_EXPECT_EQ(test, sim_lseek(fd, 0, SEEK_END), 10000);
	KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, fd, 10000, 0, 4));
	KUNIT_ASSERT_EQ(test, sim_ftruncate(fd, 9000), 0);
	KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, fd, 9000, 0, 4));

	KUNIT_ASSERT_EQ(test, sim_ftruncate(fd, 5000), 0);
	KUNIT_ASSERT_EQ(test, sim_ftruncate(fd, 9000), 0);
	KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, fd, 5000, 0, 4));
	KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, fd, 4000, 5000, 0));
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(SFS_MNT), 0);
}

/* ---- bad inputs, unlink, truncate against DIO ---------------------------- */

/*
 * Bad inputs 27-29 on simfs.
 *
 *   27: read at EOF -> 0; straddling EOF -> short (buffered, iomap, legacy)
 *   28: write on an O_RDONLY fd -> -EBADF
 *   29: ftruncate(-1) -> -EINVAL; ftruncate(> 1 TiB) -> -EFBIG
 *
 * Expect exactly those results and the file unchanged.
 */
static void simfs_bad_inputs_27_28_29(struct kunit *test)
{
	static const char *const engines[] = { "dio=iomap", "dio=legacy" };
	size_t e;

	for (e = 0; e < ARRAY_SIZE(engines); e++) {
		unsigned long ubuf;
		int fd, dfd, ro;

		sfs_mkfs_mount(test, NULL, engines[e]);
		fd = sfs_open(test, "e", O_RDWR | O_CREAT);
		sfs_pwrite(test, fd, 6144, 0, 16);
		KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
		ubuf = sfs_ubuf(test, 8192);
		KUNIT_EXPECT_EQ(test, sim_pread(fd, ubuf, 4096, 6144), 0);
		KUNIT_EXPECT_EQ(test, sim_pread(fd, ubuf, 4096, 4096), 2048);
		dfd = sfs_open(test, "e", O_RDONLY | O_DIRECT);
		KUNIT_EXPECT_EQ_MSG(test, sim_pread(dfd, ubuf, 4096, 8192), 0, "%s", engines[e]);
		KUNIT_EXPECT_EQ_MSG(test, sim_pread(dfd, ubuf, 8192, 0), 6144, "%s", engines[e]);
		KUNIT_EXPECT_TRUE(test, sfs_user_is(ubuf, 6144, 16));
		ro = sfs_open(test, "e", O_RDONLY);
		KUNIT_EXPECT_EQ(test, sim_pwrite(ro, ubuf, 512, 0), -EBADF);
		KUNIT_EXPECT_EQ(test, sim_write(ro, ubuf, 512), -EBADF);
		KUNIT_EXPECT_EQ(test, sim_ftruncate(ro, 0), -EINVAL);
		KUNIT_EXPECT_EQ(test, sim_ftruncate(fd, -1), -EINVAL);
		KUNIT_EXPECT_EQ(test, sim_ftruncate(fd, (1LL << 40) + 1), -EFBIG);
		KUNIT_EXPECT_EQ(test, sim_lseek(fd, 0, SEEK_END), 6144);
		KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, fd, 6144, 0, 16));
		KUNIT_EXPECT_EQ(test, sim_close(ro), 0);
		KUNIT_EXPECT_EQ(test, sim_close(dfd), 0);
		KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
		t_mm_munmap(test, ubuf, 8192);
		KUNIT_EXPECT_EQ(test, sim_umount(SFS_MNT), 0);
	}
	/* And the filesystem calls themselves. */
	KUNIT_EXPECT_EQ(test, sim_mkfs(SFS_DEV, "ext4", NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, sim_mkfs(SFS_DEV, "simfs", "bs=256"), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_mkfs(SFS_DEV, "simfs", "bs=3000"), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_mkfs(SFS_DEV, "simfs", "colour=red"), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_mkfs("/dev/none", "simfs", NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, sim_mount(SFS_DEV, SFS_MNT, "dio=magic"), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_mount(SFS_DEV, SFS_MNT, NULL), 0);
	KUNIT_EXPECT_EQ(test, sim_mount(SFS_DEV, SFS_MNT, NULL), -EBUSY);
	KUNIT_EXPECT_EQ(test, sim_mount(SFS_DEV, "/mnt2", NULL), -EBUSY);
	KUNIT_EXPECT_EQ(test, sim_umount(SFS_MNT), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(SFS_MNT), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_open(SFS_MNT "/nothing", O_RDONLY, 0), -ENOENT);
}

/*
 * Unlink of an open file, and namespace basics.
 *
 *   create u (8K) -- unlink --> open fd still reads it; lookup -ENOENT;
 *   close --> blocks freed; remount --> still gone; O_EXCL on an existing
 *   name --> -EEXIST; O_TRUNC --> size 0
 *
 * Expect the open file to stay readable until its last close and the name
 * to be gone at once and after a remount.
 */
static void simfs_unlink_open_file(struct kunit *test)
{
	int fd, fd2;

	sfs_mkfs_mount(test, NULL, NULL);
	fd = sfs_open(test, "u", O_RDWR | O_CREAT);
	sfs_pwrite(test, fd, 8192, 0, 18);
	KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_unlink(SFS_MNT "/u"), 0);
	KUNIT_EXPECT_EQ(test, sim_open(SFS_MNT "/u", O_RDONLY, 0), -ENOENT);
	KUNIT_EXPECT_EQ(test, sim_unlink(SFS_MNT "/u"), -ENOENT);
	KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, fd, 8192, 0, 18));
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	fd = sfs_open(test, "v", O_RDWR | O_CREAT | O_EXCL);
	sfs_pwrite(test, fd, 4096, 0, 19);
	KUNIT_EXPECT_EQ(test, sim_open(SFS_MNT "/v", O_RDWR | O_CREAT | O_EXCL, 0644), -EEXIST);
	KUNIT_EXPECT_EQ(test, sim_open(SFS_MNT "/a/b", O_RDWR | O_CREAT, 0644), -EINVAL);
	fd2 = sfs_open(test, "v", O_RDWR | O_TRUNC);
	KUNIT_EXPECT_EQ(test, sim_lseek(fd, 0, SEEK_END), 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd2), 0);
	KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	sfs_remount(test, NULL);
	KUNIT_EXPECT_EQ(test, sim_open(SFS_MNT "/u", O_RDONLY, 0), -ENOENT);
	fd = sfs_open(test, "v", O_RDONLY);
	KUNIT_EXPECT_EQ(test, sim_lseek(fd, 0, SEEK_END), 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount(SFS_MNT), 0);
}

struct sfs_trunc_arg {
	struct task_struct *task;
	int ret;
	int done;
};

static void *sfs_trunc_thread(void *p)
{
	struct sfs_trunc_arg *a = p;
	int fd;

	sim_task_switch(a->task);
	fd = sim_open(SFS_MNT "/q", O_RDWR, 0);
	a->ret = fd < 0 ? fd : sim_ftruncate(fd, 0);
	if (fd >= 0)
		sim_close(fd);
	__atomic_store_n(&a->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * Truncate waits for direct I/O in flight (R-BUG-3, R09/R10's "truncate
 * waits"), on both engines: an async O_DIRECT read is held by the disk;
 * a second thread's ftruncate(0) blocks in inode_dio_wait() until the
 * disk lets the read complete.
 *
 *   aio DIO read [0,4K) --held--> ftruncate(0) waits ... release -->
 *   read completes with the old bytes --> truncate returns
 *
 * Expect the truncate not to finish while the read is held, the read to
 * return 4096 bytes of the old data, then size 0, and no pins left.
 */
static void simfs_truncate_waits_for_dio(struct kunit *test)
{
	static const char *const engines[] = { "dio=iomap", "dio=legacy" };
	size_t e;

	for (e = 0; e < ARRAY_SIZE(engines); e++) {
		struct sim_io_fault hold = { .flags = SIM_IO_HOLD };
		struct sfs_trunc_arg a = { 0 };
		struct sim_aio *ring;
		unsigned long ubuf;
		pthread_t th;
		int64_t res = 0;
		uint64_t tag = 0;
		int fd;

		sfs_mkfs_mount(test, NULL, engines[e]);
		fd = sfs_open(test, "q", O_RDWR | O_CREAT);
		sfs_pwrite(test, fd, 16384, 0, 17);
		KUNIT_EXPECT_EQ(test, sim_fsync(fd), 0);
		KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
		fd = sfs_open(test, "q", O_RDONLY | O_DIRECT);
		ubuf = sfs_ubuf(test, 4096);
		ring = sim_aio_create(4);
		KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(ring));
		KUNIT_ASSERT_EQ(test, sim_disk_inject(SFS_DISK, &hold), 0);
		KUNIT_ASSERT_EQ(test, sim_aio_submit(ring, fd, false, ubuf, 4096, 0, 1), 0);
		a.task = sim_thread_create(sim_current());
		KUNIT_ASSERT_NOT_NULL(test, a.task);
		KUNIT_ASSERT_EQ(test, pthread_create(&th, NULL, sfs_trunc_thread, &a), 0);
		usleep(50000);
		KUNIT_EXPECT_EQ_MSG(test, __atomic_load_n(&a.done, __ATOMIC_ACQUIRE), 0,
				    "%s: truncate did not wait for the DIO", engines[e]);
		KUNIT_EXPECT_GT(test, sfs_pins(), 0L);
		KUNIT_EXPECT_EQ(test, sim_disk_inject(SFS_DISK, NULL), 0);
		KUNIT_EXPECT_GE(test, sim_disk_release(SFS_DISK), 1);
		KUNIT_EXPECT_EQ(test, sim_aio_reap(ring, 1, 1, &res, &tag), 1);
		KUNIT_EXPECT_EQ_MSG(test, res, 4096, "%s", engines[e]);
		KUNIT_EXPECT_TRUE(test, sfs_user_is(ubuf, 4096, 17));
		pthread_join(th, NULL);
		KUNIT_EXPECT_EQ(test, a.ret, 0);
		sim_task_exit(a.task);
		sim_aio_destroy(ring);
		KUNIT_EXPECT_EQ(test, sim_lseek(fd, 0, SEEK_END), 0);
		KUNIT_EXPECT_EQ(test, sfs_pins(), 0L);
		KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
		t_mm_munmap(test, ubuf, 4096);
		KUNIT_EXPECT_EQ(test, sim_umount(SFS_MNT), 0);
	}
}

/* ---- the crash test ------------------------------------------------------- */

#define SFS_CRASH_DISK	"scrash"
#define SFS_CRASH_BYTES	(8UL << 20)
#define SFS_CRASH_FILE	(48 * 1024)
#define SFS_CRASH_ROUNDS	10	/* the issue asks for 10 kills */
#define SFS_CRASH_WAIT_MS	60000	/* longest wait for one report */

/* One report from the child, or false on EOF, error or @ms without one. */
static bool sfs_crash_read(int fd, unsigned int *r, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (poll(&p, 1, ms) < 0)
		if (errno != EINTR)
			return false;
	if (!(p.revents & (POLLIN | POLLHUP)))
		return false;
	return read(fd, r, sizeof(*r)) == sizeof(*r);
}

/*
 * The child: boot a machine of its own, mount the file-backed simfs, and
 * write forever: file f<r> (pattern r+1) then fsync, then tell the parent
 * r is durable; between fsyncs, unsynced writes to u<r> and appends to
 * f<r-1>. Never returns: it is killed by the parent (or with it, through
 * kunit_fork()'s PR_SET_PDEATHSIG), or ends with _exit() on any error.
 */
static void __attribute__((noreturn)) sfs_crash_child(const char *host, int wfd)
{
	unsigned long ubuf;
	unsigned int r;

	if (sim_boot(&sfs_cfg) || sim_filedisk_create(SFS_CRASH_DISK, host, "psync", 512) ||
	    sim_mount("/dev/" SFS_CRASH_DISK, SFS_MNT, NULL))
		_exit(2);
	ubuf = sim_mmap(0, SFS_CRASH_FILE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	for (r = 0; ; r++) {
		unsigned char *b = malloc(SFS_CRASH_FILE);
		char name[16];
		size_t i;
		int fd;

		if (!b)
			_exit(5);
		for (i = 0; i < SFS_CRASH_FILE; i++)
			b[i] = sfs_pat(i, r + 1);
		sim_user_write(ubuf, b, SFS_CRASH_FILE);
		free(b);
		snprintf(name, sizeof(name), SFS_MNT "/f%u", r % 40);
		fd = sim_open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || sim_pwrite(fd, ubuf, SFS_CRASH_FILE, 0) != SFS_CRASH_FILE ||
		    sim_fsync(fd))
			_exit(3);
		sim_close(fd);
		if (write(wfd, &r, sizeof(r)) != sizeof(r))
			_exit(4);
		/* Unsynced work that a crash may or may not keep. */
		snprintf(name, sizeof(name), SFS_MNT "/u%u", r % 8);
		fd = sim_open(name, O_RDWR | O_CREAT, 0644);
		if (fd >= 0) {
			sim_pwrite(fd, ubuf, SFS_CRASH_FILE, (off_t)(r % 5) * 4096);
			sim_close(fd);
		}
	}
}

/*
 * Crash safety on a `file` disk: a child process writes and fsyncs, and
 * is killed with SIGKILL at a random moment; the parent mounts the host
 * file again.
 *
 *   child: [f0 fsync] -> "0" -> [u..] [f1 fsync] -> "1" -> ... SIGKILL
 *   parent: remount -> every f<r> reported durable holds pattern r+1
 *
 * Expect every fsync'd byte after each of 10 rounds (kill after 1..8
 * reported fsyncs, plus a random delay), and a mountable filesystem.
 */
static void simfs_crash_kill_remount(struct kunit *test)
{
	char host[64];
	unsigned int round;
	int hfd;

	snprintf(host, sizeof(host), "/tmp/pinio-simfs-crash-%d.img", (int)getpid());
	hfd = open(host, O_RDWR | O_CREAT | O_TRUNC, 0600);
	KUNIT_ASSERT_GE(test, hfd, 0);
	KUNIT_ASSERT_EQ(test, ftruncate(hfd, SFS_CRASH_BYTES), 0);
	close(hfd);
	/* mkfs on the parent's machine, then give the machine up for the child's. */
	KUNIT_ASSERT_EQ(test, sim_filedisk_create(SFS_CRASH_DISK, host, "psync", 512), 0);
	KUNIT_ASSERT_EQ(test, sim_mkfs("/dev/" SFS_CRASH_DISK, "simfs", "bs=1024"), 0);
	KUNIT_ASSERT_EQ(test, sim_disk_destroy(SFS_CRASH_DISK), 0);
	KUNIT_ASSERT_EQ(test, sim_disk_destroy(SFS_DISK), 0);
	KUNIT_ASSERT_EQ(test, sim_shutdown(), 0);

	srand((unsigned int)kunit_seed());
	for (round = 0; round < SFS_CRASH_ROUNDS; round++) {
		unsigned int want = 1 + (unsigned int)rand() % 8, got = 0, r, last = 0;
		bool seen[40] = { false };
		unsigned int gen[40] = { 0 };
		int pfd[2], status, bad = 0;
		pid_t pid, reaped;

		KUNIT_ASSERT_EQ(test, pipe(pfd), 0);
		pid = kunit_fork();
		KUNIT_ASSERT_GE(test, pid, 0);
		if (!pid) {
			close(pfd[0]);
			sfs_crash_child(host, pfd[1]);	/* never returns: _exit() */
		}
		/*
		 * From here to the reap nothing may ASSERT: the child must be
		 * killed and reaped on every path. A child that stops reporting
		 * fails the round after SFS_CRASH_WAIT_MS instead of hanging.
		 */
		close(pfd[1]);
		while (got < want && sfs_crash_read(pfd[0], &r, SFS_CRASH_WAIT_MS)) {
			seen[r % 40] = true;
			gen[r % 40] = r + 1;
			last = r;
			got++;
		}
		usleep((useconds_t)(rand() % 3000));
		kill(pid, SIGKILL);
		/* Reports written before the kill are durable too. */
		while (read(pfd[0], &r, sizeof(r)) == sizeof(r)) {
			seen[r % 40] = true;
			gen[r % 40] = r + 1;
			last = r;
		}
		close(pfd[0]);
		while ((reaped = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
			;
		KUNIT_ASSERT_EQ(test, reaped, pid);
		KUNIT_EXPECT_EQ_MSG(test, got, want, "round %u: the child stopped reporting", round);
		KUNIT_EXPECT_TRUE_MSG(test, WIFSIGNALED(status), "child exited with %d",
				      WEXITSTATUS(status));

		KUNIT_ASSERT_EQ(test, sim_boot(&sfs_cfg), 0);
		KUNIT_ASSERT_EQ(test, sim_filedisk_create(SFS_CRASH_DISK, host, "psync", 512), 0);
		KUNIT_ASSERT_EQ(test, sim_mount("/dev/" SFS_CRASH_DISK, SFS_MNT, NULL), 0);
		for (r = 0; r < 40; r++) {
			char name[16];
			int fd;

			if (!seen[r])
				continue;
			snprintf(name, sizeof(name), "f%u", r);
			fd = sfs_open(test, name, O_RDONLY);
			/* A later round may have rewritten it (and fsync'd or not): newest wins. */
			if (!sfs_pread_is(test, fd, SFS_CRASH_FILE, 0, gen[r]) &&
			    !sfs_pread_is(test, fd, SFS_CRASH_FILE, 0, gen[r] + 40))
				bad++;
			sim_close(fd);
		}
		KUNIT_EXPECT_EQ_MSG(test, bad, 0, "round %u: %u fsyncs reported, last %u", round,
				    got, last);
		KUNIT_EXPECT_EQ(test, sim_umount(SFS_MNT), 0);
		KUNIT_EXPECT_EQ(test, sim_disk_destroy(SFS_CRASH_DISK), 0);
		KUNIT_ASSERT_EQ(test, sim_shutdown(), 0);
	}
	unlink(host);
	/* Leave the machine as .init made it, for the ledger and .exit. */
	KUNIT_ASSERT_EQ(test, simfs_test_init(test), 0);
}

/* ---- corrupted metadata ------------------------------------------------------ */

enum sfs_corrupt { SFS_C_NONE, SFS_C_PAST_END, SFS_C_WRAPS, SFS_C_EMPTY, SFS_C_SHARED };

static const struct sfs_corrupt_case {
	const char *what;
	enum sfs_corrupt how;
	int want;
} sfs_corrupt_cases[] = {
	{ "unchanged, checksums rewritten", SFS_C_NONE, 0 },
	{ "extent past the device's end", SFS_C_PAST_END, -EUCLEAN },
	{ "extent whose end wraps around 2^64", SFS_C_WRAPS, -EUCLEAN },
	{ "zero-length extent", SFS_C_EMPTY, -EUCLEAN },
	{ "two files' extents on the same blocks", SFS_C_SHARED, -EUCLEAN },
};

static void sfs_corrupt_desc(const struct sfs_corrupt_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->what);
}

KUNIT_ARRAY_PARAM(sfs_corrupt, sfs_corrupt_cases, sfs_corrupt_desc);

/* The first extent of the record named @name in metadata blob @m, or NULL. */
static struct simfs_extent *sfs_first_extent(unsigned char *m, size_t len, const char *name)
{
	const struct simfs_disk_meta *h = (const void *)m;
	size_t off = sizeof(*h);
	uint32_t i;

	for (i = 0; i < h->nr_inodes && off + sizeof(struct simfs_disk_inode) <= len; i++) {
		struct simfs_disk_inode *di = (void *)(m + off);

		off += sizeof(*di);
		if (!strcmp(di->name, name) && di->nr_extents)
			return (struct simfs_extent *)(m + off);
		off += di->nr_extents * sizeof(struct simfs_extent);
	}
	return NULL;
}

/*
 * Bad input: a metadata area whose checksums are right but whose extents
 * are not (a bug or a crafted image). Files "a" and "b" (8 KiB each) are
 * written and unmounted; the committed blob is read off the raw disk, the
 * row's change made to an extent, both checksums recomputed, and both
 * written back; then mount.
 *
 *   block 0: super (csum) -> meta area[active]: blob (meta_csum)
 *            a: ext {fblk 0, pblk P, len 2}   b: ext {fblk 0, pblk Q, len 2}
 *
 * Expect the unchanged image to mount with "a" intact (the rewrite itself
 * is right) and every changed one to fail with -EUCLEAN, leaving nothing
 * behind (the case's ledger check): an extent past the end, one whose
 * pblk + len wraps (accepted before, marking no block used), an empty
 * one, and one on blocks another file owns (accepted before: the blocks
 * would be freed twice and reused while in use).
 */
static void simfs_mount_corrupt_extents(struct kunit *test)
{
	const struct sfs_corrupt_case *c = test->param_value;
	struct simfs_disk_super ds;
	struct simfs_extent *a, *b;
	unsigned long ubuf, meta_len;
	unsigned char *blob;
	int fd, raw;

	sfs_mkfs_mount(test, NULL, NULL);
	fd = sfs_open(test, "a", O_RDWR | O_CREAT);
	sfs_pwrite(test, fd, 8192, 0, 21);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	fd = sfs_open(test, "b", O_RDWR | O_CREAT);
	sfs_pwrite(test, fd, 8192, 0, 22);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_ASSERT_EQ(test, sim_umount(SFS_MNT), 0);

	raw = sim_open(SFS_DEV, O_RDWR | O_DIRECT, 0);
	KUNIT_ASSERT_GE(test, raw, 0);
	ubuf = sfs_ubuf(test, 1UL << 20);
	KUNIT_ASSERT_EQ(test, sim_pread(raw, ubuf, 4096, 0), 4096);
	KUNIT_ASSERT_EQ(test, sim_user_read(ubuf, &ds, sizeof(ds)), (ssize_t)sizeof(ds));
	meta_len = ALIGN(ds.meta_bytes, ds.block_size);
	KUNIT_ASSERT_LE(test, meta_len, 1UL << 20);
	KUNIT_ASSERT_EQ(test, sim_pread(raw, ubuf, meta_len,
					(off_t)(ds.meta_start[ds.active] * ds.block_size)),
			(ssize_t)meta_len);
	blob = malloc(meta_len);
	KUNIT_ASSERT_NOT_NULL(test, blob);
	KUNIT_ASSERT_EQ(test, sim_user_read(ubuf, blob, meta_len), (ssize_t)meta_len);
	a = sfs_first_extent(blob, ds.meta_bytes, "a");
	b = sfs_first_extent(blob, ds.meta_bytes, "b");
	KUNIT_ASSERT_TRUE(test, a && b);

	switch (c->how) {
	case SFS_C_NONE:
		break;
	case SFS_C_PAST_END:
		b->pblk = ds.nr_blocks - 1;
		break;
	case SFS_C_WRAPS:
		b->pblk = UINT64_MAX - 1;
		break;
	case SFS_C_EMPTY:
		b->len = 0;
		break;
	case SFS_C_SHARED:
		b->pblk = a->pblk;
		break;
	}
	ds.meta_csum = simfs_csum(blob, ds.meta_bytes);
	ds.csum = 0;
	ds.csum = simfs_csum(&ds, sizeof(ds));
	KUNIT_ASSERT_EQ(test, sim_user_write(ubuf, blob, meta_len), (ssize_t)meta_len);
	KUNIT_ASSERT_EQ(test, sim_pwrite(raw, ubuf, meta_len,
					 (off_t)(ds.meta_start[ds.active] * ds.block_size)),
			(ssize_t)meta_len);
	KUNIT_ASSERT_EQ(test, sim_pread(raw, ubuf, 4096, 0), 4096);
	KUNIT_ASSERT_EQ(test, sim_user_write(ubuf, &ds, sizeof(ds)), (ssize_t)sizeof(ds));
	KUNIT_ASSERT_EQ(test, sim_pwrite(raw, ubuf, 4096, 0), 4096);
	free(blob);
	KUNIT_EXPECT_EQ(test, sim_close(raw), 0);
	t_mm_munmap(test, ubuf, 1UL << 20);

	KUNIT_EXPECT_EQ(test, sim_mount(SFS_DEV, SFS_MNT, NULL), c->want);
	if (!c->want) {
		fd = sfs_open(test, "a", O_RDONLY);
		KUNIT_EXPECT_TRUE(test, sfs_pread_is(test, fd, 8192, 0, 21));
		KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
		KUNIT_EXPECT_EQ(test, sim_umount(SFS_MNT), 0);
	}
}

static struct kunit_case simfs_cases[] = {
	KUNIT_CASE(simfs_persist_remount),
	KUNIT_CASE(simfs_holes_read_zero),
	KUNIT_CASE(simfs_buffered_bytes_on_disk),
	KUNIT_CASE(simfs_dio_both_engines),
	KUNIT_CASE(simfs_dio_write_into_hole_falls_back),
	KUNIT_CASE(simfs_truncate_down_up),
	KUNIT_CASE(simfs_truncate_read_error_changes_nothing),
	KUNIT_CASE(simfs_bad_inputs_27_28_29),
	KUNIT_CASE(simfs_truncate_waits_for_dio),
	KUNIT_CASE(simfs_unlink_open_file),
	KUNIT_CASE(simfs_crash_kill_remount),
	KUNIT_CASE_PARAM(simfs_mount_corrupt_extents, sfs_corrupt_gen_params),
	{}
};

struct kunit_suite simfs_suite = {
	.name = "simfs",
	.init = simfs_test_init,
	.exit = simfs_test_exit,
	.test_cases = simfs_cases,
};
