/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/filemap_fixture.h - the fixture of the page-cache suites (filemap,
 * filemap_reclaim): a 64 MiB machine with a 16 MiB ram disk "fmd" per
 * case, mounting simfs, patterns written and read back, folio orders.
 */
#ifndef PINIO_TESTS_FILEMAP_FIXTURE_H
#define PINIO_TESTS_FILEMAP_FIXTURE_H

#include <pinio/fs.h>
#include <pinio/pagemap.h>
#include <pinio/pipe_fs_i.h>
#include <pinio/sim.h>
#include <pinio/uio.h>

#include "kunit/test.h"
#include "mm_helpers.h"
#include "mm/internal.h"
#include "sim/sim.h"

#define FM_DISK		"fmd"
#define FM_DEV		"/dev/fmd"
#define FM_MNT		"/mnt"
#define FM_FILE		FM_MNT "/f"

extern const struct sim_config fm_cfg;

/* Suite init/exit: boot with the "fmd" disk; unmount, destroy, shut down. */
int filemap_test_init(struct kunit *test);
void filemap_test_exit(struct kunit *test);

/* Byte @i of pattern @seed. */
unsigned char fm_pat(size_t i, unsigned int seed);

/* mkfs simfs on "fmd" and mount it at /mnt with @opts. */
void fm_mount(struct kunit *test, const char *opts);

/* sim_open(@path, @flags, 0644); ASSERT it opened. */
int fm_open(struct kunit *test, const char *path, int flags);

/* The page cache of the file open at @fd. */
struct address_space *fm_mapping(int fd);

/* Write bytes [@off, @off + @len) of pattern @seed (indexed by file offset). */
void fm_pwrite(struct kunit *test, int fd, off_t off, size_t len, unsigned int seed);

/*
 * Read [@off, @off + @len): pattern @seed below @zero_from (file offset),
 * zeros from there on.
 */
bool fm_pread_is(struct kunit *test, int fd, off_t off, size_t len, unsigned int seed,
		 off_t zero_from);

/* The order of the cached folio holding @index, or -1 if none. */
int fm_order_at(struct address_space *m, pgoff_t index);

#endif /* PINIO_TESTS_FILEMAP_FIXTURE_H */
