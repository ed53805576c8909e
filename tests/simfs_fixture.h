/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/simfs_fixture.h - the fixture of the simfs suites (simfs, simfs_pin): a
 * 64 MiB machine with a 16 MiB ram disk "sfs" (512-byte blocks) per
 * case, and helpers for mounting, patterns in user memory and files, pin
 * counts and what the raw disk holds.
 */
#ifndef PINIO_TESTS_SIMFS_FIXTURE_H
#define PINIO_TESTS_SIMFS_FIXTURE_H

#include <pinio/blkdev.h>
#include <pinio/fs.h>
#include <pinio/pagemap.h>
#include <pinio/sim.h>

#include "kunit/test.h"
#include "mm_helpers.h"
#include "sim/sim.h"

#define SFS_DISK	"sfs"
#define SFS_DEV		"/dev/sfs"
#define SFS_RAW		"sraw"
#define SFS_DISK_BYTES	(16UL << 20)
#define SFS_MNT		"/mnt"

extern const struct sim_config sfs_cfg;

/* Suite init/exit: boot with the "sfs" disk; unmount, destroy, shut down. */
int simfs_test_init(struct kunit *test);
void simfs_test_exit(struct kunit *test);

/* Byte @i of pattern @seed. */
unsigned char sfs_pat(unsigned long i, unsigned int seed);

/* mkfs simfs on "sfs" with @mkfs_opts and mount it at /mnt with @mount_opts. */
void sfs_mkfs_mount(struct kunit *test, const char *mkfs_opts, const char *mount_opts);

/* Unmount /mnt and mount "sfs" there again with @mount_opts. */
void sfs_remount(struct kunit *test, const char *mount_opts);

/* Open /mnt/@name with @flags (mode 0644); ASSERT it opened. */
int sfs_open(struct kunit *test, const char *name, int flags);

/* Anonymous read-write user memory. */
unsigned long sfs_ubuf(struct kunit *test, size_t len);

/* Put pattern @seed into user memory at @ubuf. */
void sfs_fill(struct kunit *test, unsigned long ubuf, size_t len, unsigned int seed);

/* Does user memory hold pattern @seed (or, with @seed 0, zeros)? */
bool sfs_user_is(unsigned long ubuf, size_t len, unsigned int seed);

/* Write pattern @seed at @off of @fd through user memory; ASSERT all of it went. */
void sfs_pwrite(struct kunit *test, int fd, size_t len, off_t off, unsigned int seed);

/* Read @len at @off of @fd: is it pattern @seed (0: zeros) and exactly @len? */
bool sfs_pread_is(struct kunit *test, int fd, size_t len, off_t off, unsigned int seed);

/* Pins outstanding now (the ledger's count). */
long sfs_pins(void);

/* Read @len at @off: is it bytes [@base, @base+@len) of pattern @seed? */
bool sfs_pread_pat(struct kunit *test, int fd, size_t len, off_t off, unsigned int seed,
		   size_t base);

/* The page cache of the file open at @fd. */
struct address_space *sfs_mapping(int fd);

/* Does the raw disk hold pattern @seed (@len bytes) somewhere, block-aligned? */
bool sfs_disk_has(struct kunit *test, const char *dev, size_t len, unsigned int seed);

#endif /* PINIO_TESTS_SIMFS_FIXTURE_H */
