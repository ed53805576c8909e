/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fs/dio_internal.h - what the two direct-I/O engines (fs/iomap/direct-io.c,
 * fs/direct-io.c) share, and show to tests and nothing else should call: counters,
 * the INV-14 holder view of the legacy engine, and knobs that switch on a
 * historical bug on purpose (R-BUG-4, R-BUG-5) so a test can show that the
 * simulation catches it.
 *
 * No kernel twin: the kernel has tracepoints here. Knobs default to off and
 * every test that sets one clears it before it ends.
 */
#ifndef PINIO_FS_DIO_INTERNAL_H
#define PINIO_FS_DIO_INTERNAL_H

#include <pinio/bio.h>
#include <pinio/mm.h>

/*
 * Run @fn(@arg) on a fresh detached thread (the kernel's s_dio_done_wq),
 * or inline if none can be started. Shared by both engines.
 */
void dio_defer_work(void (*fn)(void *arg), void *arg);

/* ---- iomap engine ------------------------------------------------------ */

/* Counters since boot of the program (never reset): relative use only. */
struct iomap_dio_stats {
	unsigned long data_bios;	/* bios built from the iterator and submitted */
	unsigned long zero_bios;	/* iomap_dio_zero() bios (R-IOMAP-1/2) */
	unsigned long hole_bytes;	/* bytes zero-filled into the iterator (holes, unwritten reads) */
	unsigned long reverted;		/* passes that reverted the iterator after dio->error (R-IOMAP-3) */
};
void iomap_dio_stats_read(struct iomap_dio_stats *s);

/* ---- legacy engine ----------------------------------------------------- */

struct dio_stats {
	unsigned long bios;		/* bios submitted */
	unsigned long reaps;		/* dio_bio_reap() passes that collected bios */
	unsigned long zero_substitutions;	/* ZERO_PAGE(0) queued after a fault (R-DIO-2) */
	unsigned long zero_block_chunks;	/* dio_zero_block() sections (R-DIO-5) */
	unsigned long cleanups;		/* dio_cleanup() calls */
	long last_do_direct_io;		/* do_direct_IO()'s result in the last request */
	long last_page_errors;		/* dio->page_errors of the last request */
};
void dio_stats_read(struct dio_stats *s);

/*
 * The holders of INV-14 at one moment of a request, handed to the hook:
 * queue[head..tail) each hold an extraction pin; @working is the page
 * do_direct_IO() took off the queue and still holds one for; @cur_page
 * holds one; every page entry of @open_bio and of the @nr_inflight
 * submitted, not yet released bios holds one. @where names the point.
 */
struct dio_holders {
	const char *where;
	bool is_pinned;
	struct page *const *queue;
	unsigned int head, tail;
	struct page *working;
	struct page *cur_page;
	const struct bio *open_bio;
	const struct bio *const *inflight;
	unsigned int nr_inflight;
};

/* Pins INV-14 says @page must hold now (0 for a zero page). */
long dio_holders_expected(const struct dio_holders *h, const struct page *page);

struct dio_test_knobs {
	/*
	 * Called at each checkpoint of a request (after every page section,
	 * each dio_cleanup(), the end of submission) on the submitting thread.
	 */
	void (*holders_hook)(const struct dio_holders *h, void *arg);
	void *holders_arg;
	/* R-BUG-4: dio_cleanup() without head = tail (the first conversion). */
	bool cleanup_no_advance;
	/*
	 * R-BUG-5 (SIM_PROFILE_V21 only): pin the pages as v6.5 does but leave
	 * the bio BIO_PAGE_REFFED, as the first direct-io conversion did.
	 */
	bool pinned_but_reffed;
};
extern struct dio_test_knobs dio_test_knobs;

#endif /* PINIO_FS_DIO_INTERNAL_H */
