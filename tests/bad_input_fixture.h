/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/bad_input_fixture.h - the harness of the bad-input suites
 * (bad_input: scenarios.md §5.3 items 1-20, mm, GUP and iov_iter;
 * bad_input_io: items 21-32, bios, O_DIRECT, truncate, splice, fork and
 * async rings): the row type, the shared context and setups, and the
 * one runner both tables go through (tests/bad_input_fixture.c).
 */
#ifndef PINIO_TESTS_BAD_INPUT_FIXTURE_H
#define PINIO_TESTS_BAD_INPUT_FIXTURE_H

#include <pinio/sim.h>

#include "kunit/test.h"
#include "snapshot.h"

#define BI_DISK		"bad"
#define BI_DEV		"/dev/bad"
#define BI_DISK_BYTES	(4UL << 20)
#define BI_FSDISK	"badfs"
#define BI_FSDEV	"/dev/badfs"
#define BI_FSDISK_BYTES	(8UL << 20)
#define BI_MNT		"/mnt"
#define BI_FILE		BI_MNT "/f"
#define BI_FILE_BYTES	6144		/* 1.5 fs blocks: EOF inside a block */
#define BI_DATA		0x5a		/* every byte of the disk and the file */
#define BI_WRITE	0xc3		/* what bad writes would write */
#define BI_OTHER	0xa5		/* user bytes a short read must not reach */

/* What one row set up, and what the harness undoes. */
struct bi_ctx {
	unsigned long addr, len;	/* the snapshotted user range */
	unsigned long map, map_len;	/* what to munmap */
	const char *path;		/* the snapshotted disk or file */
	struct page *pages[8];
	struct page *pinned[8];		/* pins the setup took for the harness to drop */
	int nr_pinned;
	struct page *ref_page;		/* a reference the setup took */
	struct page *tweaked;		/* refcount forced by the setup */
	int tweaked_ref;
	struct folio *owned;
	struct bio *bio;
	int bio_puts;			/* bio_put()s the harness owes */
	unsigned int bio_size;		/* bi_size to restore */
	int fd, fd2;
	int pipe[2];
	bool mounted;
	struct sim_aio *ring;
	unsigned long n;		/* a row's number (allocation to fail) */
};

struct bi_row {
	const char *id;			/* §5.3 number and a letter */
	const char *desc;
	void (*setup)(struct kunit *test, struct bi_ctx *ctx);
	long (*call)(struct kunit *test, struct bi_ctx *ctx);
	long want;			/* return value: -errno, 0 or a count */
	bool warn;			/* the call WARNs */
	struct t_snap_allow allow;	/* what the call may change */
	void (*release)(struct bi_ctx *ctx, long ret);	/* drop what it kept */
};

/* One row: designated initialisers, so the optional fields default to 0. */
#define ROW(i, d, s, c, w, ...) \
	{ .id = i, .desc = d, .setup = s, .call = c, .want = w, ##__VA_ARGS__ }
#define WARNS	.warn = true
#define IO	.allow = { .io = true, .dirty = true }

/* Suite init/exit: a 64 MiB machine, the raw disk and the simfs disk. */
int bi_init(struct kunit *test);
void bi_exit(struct kunit *test);

/* Map @nr pages filled with @c as the row's snapshotted range. */
void bi_map(struct kunit *test, struct bi_ctx *ctx, unsigned long nr, int c);
/* The page behind page @i of the row's range. */
struct page *bi_page(struct bi_ctx *ctx, unsigned long i);
/* Pin @nr pages from page @first; the harness drops them. */
void bi_pin(struct kunit *test, struct bi_ctx *ctx, unsigned long first, int nr);
/* Mount simfs with @opts, create the file of BI_DATA, open it with @flags. */
void bi_file(struct kunit *test, struct bi_ctx *ctx, const char *opts, int flags);

/* bi_rows[] descriptions for KUNIT_ARRAY_PARAM(). */
void bi_row_desc(const struct bi_row *r, char *desc);
/* The runner: the row at test->param_value, see bad_input_fixture.c. */
void bad_input_row(struct kunit *test);

#endif /* PINIO_TESTS_BAD_INPUT_FIXTURE_H */
