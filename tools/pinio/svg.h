/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tools/pinio/svg.h - what `pinio trace` hands its renderers: the page
 * events one run recorded (include/pinio/trace.h), grouped into lanes,
 * one per page (a large folio is one lane), plus what the run knew about
 * them before the machine went down.
 *
 * No kernel twin. trace_cmd.c records and builds this; svg.c draws it.
 */
#ifndef PINIO_TOOL_SVG_H
#define PINIO_TOOL_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <pinio/trace.h>

/**
 * struct tr_lane - one page (or large folio) of the trace.
 * @pfn: the frame (a folio's head).
 * @order: the folio's order when first seen (0: a small page).
 * @owner: who owned it ("anon", "test", "kernel", ...), as far as known.
 * @va: user address it was first faulted or mapped at, 0 if none.
 * @gen: which use of the frame this is (1, 2, ...: a freed frame is reused).
 * @zero: one of the shared zero pages.
 * @io: it took part in the I/O path (pin, bio, DMA, COW, violation).
 * @during_io: it was allocated while some page was pinned (a fork's copy
 *	of a pinned page, a bounce buffer).
 * @first_ns, @last_ns: its first and last event.
 * @nr_events: events recorded on it.
 * @max_pins: the most pins it held at once.
 */
struct tr_lane {
	unsigned long pfn;
	unsigned int order;
	char owner[16];
	unsigned long va;
	unsigned int gen;
	bool zero;
	bool io;
	bool during_io;
	uint64_t first_ns, last_ns;
	unsigned long nr_events;
	long max_pins;
};

#define TR_MAX_STEPS	32

/* A scenario step (or job phase), at the recorder's time. */
struct tr_step {
	uint64_t ns;
	unsigned int nr;
	char text[120];
};

/**
 * struct tr_data - one recorded run.
 * @title: what ran ("R12 same-page merge", "rw=randread bs=4k ...").
 * @profile: "v6.5", "v6.4" or "v21".
 * @recs, @nr: the records, in recording order.
 * @lane_of: for each record, its index in @lanes.
 * @lanes, @nr_lanes: every page that has an event.
 * @dropped: events the recorder had no room for.
 * @zero_pins_skipped: pins of a zero page that took nothing (v6.5).
 * @zero_pfn, @nr_zero: the zero pages' frames.
 * @steps, @nr_steps: what the run was doing when (marked on the time axis).
 */
struct tr_data {
	char title[160];
	const char *profile;
	struct trace_record *recs;
	size_t nr;
	unsigned int *lane_of;
	struct tr_lane *lanes;
	size_t nr_lanes;
	unsigned long dropped;
	unsigned long zero_pins_skipped;
	unsigned long zero_pfn;
	unsigned int nr_zero;
	struct tr_step steps[TR_MAX_STEPS];
	unsigned int nr_steps;
};

/* Is @ev one of the I/O path's events (pin, bio, DMA, COW, violation)? */
bool tr_io_event(unsigned int ev);

/* "anon va 0x100000000", "test", ...: a lane's label; returns @buf. */
const char *tr_lane_label(const struct tr_lane *l, char *buf, size_t size);

/*
 * svg_write() - draw @d: one lane per page (per use of a frame) that took
 * part in the I/O path (pins, bios, DMA, COW) or was allocated while pages
 * were pinned, the zero page's lane always, at most @max_lanes in
 * order of first appearance; pinned intervals as bars, DMA transfers as
 * marks, faults, allocations, frees and bio additions as ticks; a time
 * axis (idle stretches compressed and marked), a legend and a title.
 * Return: 0, or -EIO if writing failed.
 */
int svg_write(FILE *f, const struct tr_data *d, unsigned int max_lanes);

#endif /* PINIO_TOOL_SVG_H */
