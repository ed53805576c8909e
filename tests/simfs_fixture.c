// SPDX-License-Identifier: GPL-2.0
/*
 * tests/simfs_fixture.c - the fixture of the simfs suites (simfs, simfs_pin): a
 * 64 MiB machine with a 16 MiB ram disk "sfs" (512-byte blocks) per
 * case, and helpers for mounting, patterns in user memory and files, pin
 * counts and what the raw disk holds.
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

const struct sim_config sfs_cfg = {
	.mem_bytes = 64UL << 20,
};

int simfs_test_init(struct kunit *test)
{
	int ret = t_mm_boot(&sfs_cfg);

	if (ret)
		return ret;
	return sim_ramdisk_create(SFS_DISK, SFS_DISK_BYTES, 512);
}

void simfs_test_exit(struct kunit *test)
{
	if (!sim_booted())
		return;
	sim_umount(SFS_MNT);
	sim_disk_destroy(SFS_RAW);
	sim_disk_destroy(SFS_DISK);
	t_mm_shutdown(test);
}

/* ---- helpers -------------------------------------------------------------- */

unsigned char sfs_pat(unsigned long i, unsigned int seed)
{
	return (unsigned char)((i * 13 + seed * 101 + (i >> 11)) & 0xff) | 1;
}

void sfs_mkfs_mount(struct kunit *test, const char *mkfs_opts, const char *mount_opts)
{
	KUNIT_ASSERT_EQ(test, sim_mkfs(SFS_DEV, "simfs", mkfs_opts), 0);
	KUNIT_ASSERT_EQ(test, sim_mount(SFS_DEV, SFS_MNT, mount_opts), 0);
}

void sfs_remount(struct kunit *test, const char *mount_opts)
{
	KUNIT_ASSERT_EQ(test, sim_umount(SFS_MNT), 0);
	KUNIT_ASSERT_EQ(test, sim_mount(SFS_DEV, SFS_MNT, mount_opts), 0);
}

int sfs_open(struct kunit *test, const char *name, int flags)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), SFS_MNT "/%s", name);
	fd = sim_open(path, flags, 0644);
	KUNIT_ASSERT_GE_MSG(test, fd, 0, "sim_open(%s): %d", path, fd);
	return fd;
}

/* Anonymous read-write user memory. */
unsigned long sfs_ubuf(struct kunit *test, size_t len)
{
	return t_mm_mmap(test, len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
}

/* Put pattern @seed into user memory at @ubuf. */
void sfs_fill(struct kunit *test, unsigned long ubuf, size_t len, unsigned int seed)
{
	unsigned char *b = malloc(len);
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, b);
	for (i = 0; i < len; i++)
		b[i] = sfs_pat(i, seed);
	KUNIT_ASSERT_EQ(test, sim_user_write(ubuf, b, len), (ssize_t)len);
	free(b);
}

/* Does user memory hold pattern @seed (or, with @seed 0, zeros)? */
bool sfs_user_is(unsigned long ubuf, size_t len, unsigned int seed)
{
	unsigned char *b = malloc(len);
	bool ok = b && sim_user_read(ubuf, b, len) == (ssize_t)len;
	size_t i;

	for (i = 0; ok && i < len; i++)
		ok = b[i] == (seed ? sfs_pat(i, seed) : 0);
	free(b);
	return ok;
}

/* Write pattern @seed at @off of @fd through user memory; ASSERT all of it went. */
void sfs_pwrite(struct kunit *test, int fd, size_t len, off_t off, unsigned int seed)
{
	unsigned long ubuf = sfs_ubuf(test, len);

	sfs_fill(test, ubuf, len, seed);
	KUNIT_ASSERT_EQ(test, sim_pwrite(fd, ubuf, len, off), (ssize_t)len);
	t_mm_munmap(test, ubuf, len);
}

/* Read @len at @off of @fd: is it pattern @seed (0: zeros) and exactly @len? */
bool sfs_pread_is(struct kunit *test, int fd, size_t len, off_t off, unsigned int seed)
{
	unsigned long ubuf = sfs_ubuf(test, len);
	bool ok = sim_pread(fd, ubuf, len, off) == (ssize_t)len && sfs_user_is(ubuf, len, seed);

	t_mm_munmap(test, ubuf, len);
	return ok;
}

/* Pins outstanding now (the ledger's count). */
long sfs_pins(void)
{
	struct sim_ledger l;

	sim_ledger_read(&l);
	return l.pins;
}

/* Read @len at @off: is it bytes [@base, @base+@len) of pattern @seed? */
bool sfs_pread_pat(struct kunit *test, int fd, size_t len, off_t off, unsigned int seed,
		   size_t base)
{
	unsigned long ubuf = sfs_ubuf(test, len);
	unsigned char *b = malloc(len);
	bool ok = b && sim_pread(fd, ubuf, len, off) == (ssize_t)len &&
		  sim_user_read(ubuf, b, len) == (ssize_t)len;
	size_t i;

	for (i = 0; ok && i < len; i++)
		ok = b[i] == sfs_pat(base + i, seed);
	free(b);
	t_mm_munmap(test, ubuf, len);
	return ok;
}

struct address_space *sfs_mapping(int fd)
{
	struct file *file = sim_fget(fd);
	struct address_space *m = file ? file->f_mapping : NULL;

	if (file)
		fput(file);
	return m;
}

/* Does the raw disk hold pattern @seed (@len bytes) somewhere, block-aligned? */
bool sfs_disk_has(struct kunit *test, const char *dev, size_t len, unsigned int seed)
{
	size_t bytes = SFS_DISK_BYTES, off, i;
	unsigned long ubuf = sfs_ubuf(test, bytes);
	unsigned char *b = malloc(bytes), first = sfs_pat(0, seed);
	int fd = sim_open(dev, O_RDONLY | O_DIRECT, 0);
	bool found = false;

	if (!b || fd < 0 || sim_pread(fd, ubuf, bytes, 0) != (ssize_t)bytes ||
	    sim_user_read(ubuf, b, bytes) != (ssize_t)bytes)
		goto out;
	for (off = 0; off + len <= bytes && !found; off += 512) {
		if (b[off] != first)
			continue;
		for (i = 0; i < len && b[off + i] == sfs_pat(i, seed); i++)
			;
		found = i == len;
	}
out:
	if (fd >= 0)
		sim_close(fd);
	free(b);
	t_mm_munmap(test, ubuf, bytes);
	return found;
}
