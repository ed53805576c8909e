/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinio/trace.h - page-lifetime events.
 *
 * Two consumers: (1) every frame keeps its last few events (op, value,
 * call site) in a small ring, printed when an invariant fails, after the
 * kernel's CONFIG_DEBUG_PAGE_REF tracepoints; (2) an optional global
 * recorder that a tool turns on to keep every event of a run (pinio trace).
 *
 * Events on the hot paths of every I/O (pin, unpin, bio_add, dma_start,
 * dma_end) always go to the rings while page checks are on (the default;
 * see page_checks_enabled() in pinio/bug.h), and only to the recorder
 * when they are off. Four events are recorded only while
 * the recorder runs, so that they cost one load and a branch otherwise:
 * PE_GET and PE_PUT (FOLL_GET references taken and dropped by GUP and
 * bio release), PE_MAP (an existing page mapped at an address without a
 * fault of its own: the zero page, a page-cache page, a fork's shared
 * page) and PE_COMPLETE (each page of a bio at bio_endio()); see
 * trace_page_event_rec().
 */
#ifndef PINIO_TRACE_H
#define PINIO_TRACE_H

#include <pinio/bug.h>
#include <pinio/compiler.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum page_event {
	PE_ALLOC = 1,	/* val: order */
	PE_FREE,	/* val: order */
	PE_MAP,		/* val: user address */
	PE_UNMAP,	/* val: user address */
	PE_FAULT,	/* val: user address */
	PE_GET,		/* val: refs */
	PE_PUT,		/* val: refs */
	PE_PIN,		/* val: refs */
	PE_UNPIN,	/* val: refs */
	PE_ADD_PIN,	/* folio_add_pin */
	PE_BIO_ADD,	/* val: bio id */
	PE_DMA_START,	/* val: bio id */
	PE_DMA_END,	/* val: bio id */
	PE_COMPLETE,	/* val: bio id */
	PE_DIRTY,
	PE_COW,		/* val: user address */
	PE_VIOLATION,	/* val: violation code */
	NR_PAGE_EVENTS,
};

const char *page_event_name(enum page_event ev);

/* Boot/shutdown of the per-frame rings (called by the machine). */
int trace_init(unsigned long nr_frames);
void trace_exit(void);

/* Record an event on frame @pfn. Cheap; safe from any thread. */
void __trace_page_event(unsigned long pfn, enum page_event ev, long val, const char *site);

/* True while the global recorder runs (trace_recorder_start/stop). */
extern bool trace_recording;

static inline bool trace_recorder_on(void)
{
	return unlikely(__atomic_load_n(&trace_recording, __ATOMIC_RELAXED));
}

/*
 * An event for the frame's ring (and the recorder, while it runs). The
 * rings are one of the page checks (page_checks_enabled(), pinio/bug.h):
 * on a machine booted without them, an event costs two loads and a branch
 * unless the recorder runs.
 */
#define trace_page_event(pfn, ev, val)						\
	do {									\
		if (page_checks_enabled() || trace_recorder_on())		\
			__trace_page_event(pfn, ev, val, __func__);		\
	} while (0)

/*
 * An event recorded (ring and recorder) only while the recorder runs:
 * for events too frequent to pay for on every I/O.
 */
#define trace_page_event_rec(pfn, ev, val)					\
	do {									\
		if (trace_recorder_on())					\
			__trace_page_event(pfn, ev, val, __func__);		\
	} while (0)

/* Print the last events of frame @pfn, oldest first, each line prefixed by @prefix. */
void trace_page_history(FILE *f, unsigned long pfn, const char *prefix);

/* pid of the task current on this host thread; set by the task layer. */
extern __thread int trace_pid;

/* The global recorder (pinio trace). */
struct trace_record {
	uint64_t ns;		/* monotonic time since the recorder started */
	unsigned long pfn;
	long val;
	uint16_t ev;
	uint16_t task;		/* pid of current, 0 if none */
};
int trace_recorder_start(size_t max_records);
void trace_recorder_stop(void);
/* Records kept so far; the array stays valid until the next start. */
const struct trace_record *trace_recorder_records(size_t *nr);
/* Events dropped because the recorder was full, since the last start. */
unsigned long trace_recorder_dropped(void);

#endif /* PINIO_TRACE_H */
