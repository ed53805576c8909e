// SPDX-License-Identifier: GPL-2.0
/*
 * tests/filemap_fixture.c - the fixture of the page-cache suites (filemap,
 * filemap_reclaim): a 64 MiB machine with a 16 MiB ram disk "fmd" per
 * case, mounting simfs, patterns written and read back, folio orders.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <pinio/fs.h>
#include <pinio/pagemap.h>
#include <pinio/pipe_fs_i.h>
#include <pinio/sim.h>
#include <pinio/uio.h>

#include "kunit/test.h"
#include "mm_helpers.h"
#include "mm/internal.h"
#include "sim/sim.h"
#include "filemap_fixture.h"

const struct sim_config fm_cfg = {
	.mem_bytes = 64UL << 20,
};

int filemap_test_init(struct kunit *test)
{
	int ret = t_mm_boot(&fm_cfg);

	if (ret)
		return ret;
	return sim_ramdisk_create(FM_DISK, 16UL << 20, 512);
}

void filemap_test_exit(struct kunit *test)
{
	if (!sim_booted())
		return;
	sim_set_watermarks(0, 0);
	sim_umount(FM_MNT);
	sim_disk_destroy(FM_DISK);
	t_mm_shutdown(test);
}

/* ---- helpers -------------------------------------------------------------- */

unsigned char fm_pat(size_t i, unsigned int seed)
{
	return (unsigned char)((i * 7 + seed * 31 + (i >> 12)) & 0xff) | 1;
}

void fm_mount(struct kunit *test, const char *opts)
{
	KUNIT_ASSERT_EQ(test, sim_mkfs(FM_DEV, "simfs", NULL), 0);
	KUNIT_ASSERT_EQ(test, sim_mount(FM_DEV, FM_MNT, opts), 0);
}

int fm_open(struct kunit *test, const char *path, int flags)
{
	int fd = sim_open(path, flags, 0644);

	KUNIT_ASSERT_GE_MSG(test, fd, 0, "sim_open(%s) = %d", path, fd);
	return fd;
}

struct address_space *fm_mapping(int fd)
{
	struct file *file = sim_fget(fd);
	struct address_space *m = file ? file->f_mapping : NULL;

	if (file)
		fput(file);
	return m;
}

/* Write bytes [@off, @off + @len) of pattern @seed (indexed by file offset). */
void fm_pwrite(struct kunit *test, int fd, off_t off, size_t len, unsigned int seed)
{
	unsigned long ubuf = t_mm_mmap(test, len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	unsigned char *b = malloc(len);
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, b);
	for (i = 0; i < len; i++)
		b[i] = fm_pat((size_t)off + i, seed);
	KUNIT_ASSERT_EQ(test, sim_user_write(ubuf, b, len), (ssize_t)len);
	KUNIT_ASSERT_EQ(test, sim_pwrite(fd, ubuf, len, off), (ssize_t)len);
	free(b);
	t_mm_munmap(test, ubuf, len);
}

/*
 * Read [@off, @off + @len): pattern @seed below @zero_from (file offset),
 * zeros from there on.
 */
bool fm_pread_is(struct kunit *test, int fd, off_t off, size_t len, unsigned int seed,
		 off_t zero_from)
{
	unsigned long ubuf = t_mm_mmap(test, len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	unsigned char *b = malloc(len);
	bool ok = b && sim_pread(fd, ubuf, len, off) == (ssize_t)len &&
		  sim_user_read(ubuf, b, len) == (ssize_t)len;
	size_t i;

	for (i = 0; ok && i < len; i++)
		ok = b[i] == ((off_t)(off + (off_t)i) < zero_from ? fm_pat((size_t)off + i, seed) : 0);
	free(b);
	t_mm_munmap(test, ubuf, len);
	return ok;
}

/* The order of the cached folio holding @index, or -1 if none. */
int fm_order_at(struct address_space *m, pgoff_t index)
{
	struct folio *f = filemap_get_folio(m, index);
	int order;

	if (IS_ERR(f))
		return -1;
	order = (int)folio_order(f);
	folio_put(f);
	return order;
}
