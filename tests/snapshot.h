/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/snapshot.h - a snapshot of the machine for "bad input changes
 * nothing" checks (scenarios.md §5.3).
 *
 * What is recorded:
 *   - the leak ledger (live folios, pins, zero-page refs and pins, bios,
 *     mms, violations), the pin and FOLL_GET counters, DMA requests, open
 *     files, pages charged to RLIMIT_MEMLOCK, the zero page's refcount;
 *   - for a user range of up to T_SNAP_PAGES pages of the current task: each
 *     page-table entry (the accessed bit masked), the refcount of the folio
 *     it maps and a checksum of the page's bytes;
 *   - for a path (a raw disk or a file): its size and its first
 *     T_SNAP_DATA bytes, read with O_DIRECT into a scratch buffer.
 *
 * Reading the data moves counters (pins, DMA), so t_snap_take() reads the
 * data first and the counters last, and t_snap_expect() compares the
 * counters first and reads the data last: the reads of the snapshot itself
 * never show up as a change.
 */
#ifndef PINIO_TESTS_SNAPSHOT_H
#define PINIO_TESTS_SNAPSHOT_H

#include <stdint.h>

#include <pinio/sim.h>

#include "kunit/test.h"

#define T_SNAP_PAGES	16
#define T_SNAP_DATA	(64UL << 10)

/* What to record besides the counters. */
struct t_snap_spec {
	unsigned long addr;		/* user range (0: none) */
	unsigned long len;
	const char *path;		/* raw disk or file (NULL: none) */
	unsigned long scratch;		/* T_SNAP_DATA bytes of user memory for the read */
};

struct t_snap {
	struct t_snap_spec spec;
	struct sim_ledger ledger;
	unsigned long pin_acq, pin_rel, get_acq, dma;
	long files;
	unsigned long locked;
	int zero_ref;
	unsigned long entry[T_SNAP_PAGES];
	int ref[T_SNAP_PAGES];
	uint32_t sum[T_SNAP_PAGES];
	long long size;
	unsigned char *data;		/* T_SNAP_DATA bytes, malloc'ed */
	long data_len;			/* bytes read, or -errno */
};

/* What a row may change; everything else must be equal. */
struct t_snap_allow {
	long pins;		/* pins gained (> 0) or released (< 0) */
	long violations;	/* violations reported */
	bool io;		/* DMA requests may be issued */
	bool dirty;		/* PTE dirty bits may be set (a read into the range) */
	bool churn;		/* pins may be taken and dropped again (net: @pins) */
};

void t_snap_take(struct kunit *test, struct t_snap *s, const struct t_snap_spec *spec);
void t_snap_expect(struct kunit *test, const struct t_snap *before,
		   const struct t_snap_allow *allow, const char *what);
void t_snap_free(struct t_snap *s);

#endif /* PINIO_TESTS_SNAPSHOT_H */
