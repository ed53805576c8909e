// SPDX-License-Identifier: GPL-2.0
/*
 * tests/fops_fixture.c - the fixture of the raw block device suites (fops,
 * fops_aio): a 64 MiB machine with THP and a 16 MiB ram disk "fram"
 * (512-byte blocks, dma_alignment 511) per case, user buffers, patterns
 * and pin counts.
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

const struct sim_config fops_cfg = {
	.mem_bytes = 64UL << 20,
	.thp = true,
};

int fops_test_init(struct kunit *test)
{
	int ret = t_mm_boot(&fops_cfg);

	if (ret)
		return ret;
	return sim_ramdisk_create(FOPS_DISK, FOPS_DISK_BYTES, 512);
}

void fops_test_exit(struct kunit *test)
{
	sim_disk_destroy(FOPS_DISK);
	bio_dirty_flush();
	t_mm_shutdown(test);
}

/* ---- helpers ------------------------------------------------------------- */

void fops_counts(struct fops_counts *c)
{
	c->acquired = sim_vmstat("nr_foll_pin_acquired");
	c->released = sim_vmstat("nr_foll_pin_released");
	c->zero_pins = sim_vmstat("pinio_zero_page_pins");
	c->gets = sim_vmstat("pinio_foll_get_acquired");
	c->zero_ref = page_ref_count(ZERO_PAGE(0));
}

int fops_open(struct kunit *test, int flags)
{
	int fd = sim_open(FOPS_DEV, flags, 0);

	KUNIT_ASSERT_GE_MSG(test, fd, 0, "sim_open(%s): %d", FOPS_DEV, fd);
	return fd;
}

/* Anonymous read-write memory, untouched. */
unsigned long fops_mmap(struct kunit *test, size_t len)
{
	return t_mm_mmap(test, len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
}

/* Anonymous memory that stays in small pages (MADV_NOHUGEPAGE). */
unsigned long fops_mmap_small(struct kunit *test, size_t len)
{
	unsigned long addr = fops_mmap(test, len);

	KUNIT_ASSERT_EQ(test, sim_madvise(addr, len, MADV_NOHUGEPAGE), 0);
	return addr;
}

/* The byte at offset @i of pattern @seed. */
unsigned char fops_pat(unsigned long i, unsigned int seed)
{
	return (unsigned char)((i * 31 + seed * 7 + (i >> 9)) & 0xff);
}

/* Fill user memory [addr, addr+len) with pattern @seed (faulting it in). */
void fops_fill(struct kunit *test, unsigned long addr, size_t len, unsigned int seed)
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
bool fops_user_is(unsigned long addr, size_t len, unsigned int seed, bool flat)
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
bool fops_disk_is(struct kunit *test, off_t off, size_t len, unsigned int seed,
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
