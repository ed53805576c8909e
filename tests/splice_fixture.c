// SPDX-License-Identifier: GPL-2.0
/*
 * tests/splice_fixture.c - the fixture of the splice suites (splice,
 * splice_dio, splice_simfs): a 64 MiB machine with THP and two 4 MiB ram
 * disks "spa" and "spb" (512-byte blocks) per case, pipes, patterns and
 * counters.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <pinio/blkdev.h>
#include <pinio/fault-inject.h>
#include <pinio/pagemap.h>
#include <pinio/pipe_fs_i.h>
#include <pinio/sim.h>

#include "kunit/test.h"
#include "mm_helpers.h"
#include "suites.h"
#include "sim/sim.h"
#include "splice_fixture.h"

const struct sim_config sp_cfg = {
	.mem_bytes = 64UL << 20,
	.thp = true,
};

int sp_test_init(struct kunit *test)
{
	int ret = t_mm_boot(&sp_cfg);

	if (ret)
		return ret;
	ret = sim_ramdisk_create(SP_DISK_A, SP_DISK_BYTES, 512);
	if (ret)
		return ret;
	return sim_ramdisk_create(SP_DISK_B, SP_DISK_BYTES, 512);
}

void sp_test_exit(struct kunit *test)
{
	sim_disk_inject(SP_DISK_A, NULL);
	sim_disk_destroy(SP_DISK_A);
	sim_disk_destroy(SP_DISK_B);
	t_mm_shutdown(test);
}

/* ---- helpers ---------------------------------------------------------------- */

long sp_live_folios(void)
{
	struct sim_ledger l;

	sim_ledger_read(&l);
	return l.live_folios;
}

/* The byte at device offset @pos of the pattern the disks are filled with. */
unsigned char sp_pat(unsigned long pos, unsigned int seed)
{
	return (unsigned char)((pos * 13 + (pos >> 9) * 7 + seed) & 0xff);
}

void sp_pipe(struct kunit *test, int fds[2], int flags)
{
	KUNIT_ASSERT_EQ(test, sim_pipe2(fds, flags), 0);
}

void sp_close2(int fds[2])
{
	sim_close(fds[0]);
	sim_close(fds[1]);
}

/* Fill user memory with pattern @seed starting at logical offset @base. */
void sp_fill(struct kunit *test, unsigned long addr, size_t len, unsigned long base,
	     unsigned int seed)
{
	unsigned char *buf = malloc(len);
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < len; i++)
		buf[i] = sp_pat(base + i, seed);
	KUNIT_ASSERT_EQ(test, sim_user_write(addr, buf, len), (ssize_t)len);
	free(buf);
}

bool sp_user_is(unsigned long addr, size_t len, unsigned long base, unsigned int seed)
{
	unsigned char *buf = malloc(len);
	bool ok = buf && sim_user_read(addr, buf, len) == (ssize_t)len;
	size_t i;

	for (i = 0; ok && i < len; i++)
		ok = buf[i] == sp_pat(base + i, seed);
	free(buf);
	return ok;
}

/* Write pattern @seed over the whole disk through O_DIRECT. */
void sp_fill_disk(struct kunit *test, const char *dev, unsigned int seed)
{
	size_t chunk = 256UL << 10;
	unsigned long buf = t_mm_mmap(test, chunk, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	int fd = sim_open(dev, O_RDWR | O_DIRECT, 0);
	unsigned long off;

	KUNIT_ASSERT_GE(test, fd, 0);
	for (off = 0; off < SP_DISK_BYTES; off += chunk) {
		sp_fill(test, buf, chunk, off, seed);
		KUNIT_ASSERT_EQ(test, sim_pwrite(fd, buf, chunk, (off_t)off), (ssize_t)chunk);
	}
	sim_close(fd);
	t_mm_munmap(test, buf, chunk);
}

/* Read the whole pipe (it must hold @len bytes) into new user memory. */
unsigned long sp_drain(struct kunit *test, int rfd, size_t len)
{
	unsigned long buf = t_mm_mmap(test, len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	size_t done = 0;

	while (done < len) {
		ssize_t n = sim_read(rfd, buf + done, len - done);

		KUNIT_ASSERT_GT_MSG(test, n, 0, "pipe read at %zu of %zu", done, len);
		done += (size_t)n;
	}
	return buf;
}

/* Seconds on CLOCK_MONOTONIC, for the R09 stresses' time limits. */
double r09_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* xorshift64: the R09 stresses' repeatable random numbers. */
unsigned long r09_rand(unsigned long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}
