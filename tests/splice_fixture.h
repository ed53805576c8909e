/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/splice_fixture.h - the fixture of the splice suites (splice,
 * splice_dio, splice_simfs): a 64 MiB machine with THP and two 4 MiB ram
 * disks "spa" and "spb" (512-byte blocks) per case, pipes, patterns and
 * counters.
 */
#ifndef PINIO_TESTS_SPLICE_FIXTURE_H
#define PINIO_TESTS_SPLICE_FIXTURE_H

#include <pinio/blkdev.h>
#include <pinio/fault-inject.h>
#include <pinio/pagemap.h>
#include <pinio/pipe_fs_i.h>
#include <pinio/sim.h>

#include "kunit/test.h"
#include "mm_helpers.h"
#include "suites.h"
#include "sim/sim.h"

#define SP_DISK_A	"spa"
#define SP_DISK_B	"spb"
#define SP_DEV_A	"/dev/spa"
#define SP_DEV_B	"/dev/spb"
#define SP_DISK_BYTES	(4UL << 20)
#define SP_PIPE_BYTES	(PIPE_DEF_BUFFERS * PAGE_SIZE)

extern const struct sim_config sp_cfg;

int sp_test_init(struct kunit *test);

void sp_test_exit(struct kunit *test);

long sp_live_folios(void);

/* The byte at device offset @pos of the pattern the disks are filled with. */
unsigned char sp_pat(unsigned long pos, unsigned int seed);

void sp_pipe(struct kunit *test, int fds[2], int flags);

void sp_close2(int fds[2]);

/* Fill user memory with pattern @seed starting at logical offset @base. */
void sp_fill(struct kunit *test, unsigned long addr, size_t len, unsigned long base,
	     unsigned int seed);

bool sp_user_is(unsigned long addr, size_t len, unsigned long base, unsigned int seed);

/* Write pattern @seed over the whole disk through O_DIRECT. */
void sp_fill_disk(struct kunit *test, const char *dev, unsigned int seed);

/* Read the whole pipe (it must hold @len bytes) into new user memory. */
unsigned long sp_drain(struct kunit *test, int rfd, size_t len);

/* Seconds on CLOCK_MONOTONIC, for the R09 stresses' time limits. */
double r09_now(void);

/* xorshift64: the R09 stresses' repeatable random numbers. */
unsigned long r09_rand(unsigned long *s);

#endif /* PINIO_TESTS_SPLICE_FIXTURE_H */
