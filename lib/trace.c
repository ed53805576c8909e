// SPDX-License-Identifier: GPL-2.0
/*
 * Page-lifetime events: a four-entry ring per frame, and a global recorder.
 *
 * Stands in for the kernel's page_ref tracepoints (CONFIG_DEBUG_PAGE_REF,
 * include/trace/events/page_ref.h, mm/debug_page_ref.c): the rings are what
 * an invariant failure prints about a page; the recorder keeps a whole run
 * for `pinio trace`. Left out: stacks, flags/mapcount/mapping snapshots and
 * the tracefs plumbing. Records written by racing threads may be torn (fields
 * from two events) but are never data races.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>

#include <pinio/trace.h>

#define TRACE_RING_SIZE	4	/* a power of two */

/* Fields are split into arrays so a frame costs 72 bytes, not 4 x 24 + 4. */
struct page_ring {
	unsigned int seq;			/* events ever recorded on the frame */
	uint8_t ev[TRACE_RING_SIZE];
	long val[TRACE_RING_SIZE];
	const char *site[TRACE_RING_SIZE];
};

struct trace_rings {
	unsigned long nr_frames;
	struct page_ring ring[];
};

/* Published with release and read with acquire, so ->nr_frames is seen. */
static struct trace_rings *trace_rings;

__thread int trace_pid;

/*
 * The recorder. Writers announce themselves in @inflight before looking at
 * @on, and stop waits for @inflight to drain, so after trace_recorder_stop()
 * every record is complete and visible to the stopping thread.
 */
bool trace_recording;	/* the recorder's on switch, see trace.h */

static struct {
	unsigned long inflight;
	struct trace_record *recs;
	size_t max;
	size_t next;
	unsigned long dropped;
	uint64_t start_ns;
} rec;

enum ev_arg { ARG_NONE, ARG_ORDER, ARG_ADDR, ARG_REFS, ARG_BIO, ARG_CODE };

static const struct {
	const char *name;
	enum ev_arg arg;
} page_events[NR_PAGE_EVENTS] = {
	[PE_ALLOC]	= { "alloc",	 ARG_ORDER },
	[PE_FREE]	= { "free",	 ARG_ORDER },
	[PE_MAP]	= { "map",	 ARG_ADDR },
	[PE_UNMAP]	= { "unmap",	 ARG_ADDR },
	[PE_FAULT]	= { "fault",	 ARG_ADDR },
	[PE_GET]	= { "get",	 ARG_REFS },
	[PE_PUT]	= { "put",	 ARG_REFS },
	[PE_PIN]	= { "pin",	 ARG_REFS },
	[PE_UNPIN]	= { "unpin",	 ARG_REFS },
	[PE_ADD_PIN]	= { "add_pin",	 ARG_REFS },
	[PE_BIO_ADD]	= { "bio_add",	 ARG_BIO },
	[PE_DMA_START]	= { "dma_start", ARG_BIO },
	[PE_DMA_END]	= { "dma_end",	 ARG_BIO },
	[PE_COMPLETE]	= { "complete",	 ARG_BIO },
	[PE_DIRTY]	= { "dirty",	 ARG_NONE },
	[PE_COW]	= { "cow",	 ARG_ADDR },
	[PE_VIOLATION]	= { "violation", ARG_CODE },
};

/**
 * page_event_name() - short lower-case name of a page event.
 * @ev: the event.
 *
 * Return: a static string such as "pin" or "dma_start"; "?" if @ev is not
 * an event.
 */
const char *page_event_name(enum page_event ev)
{
	if ((unsigned int)ev >= NR_PAGE_EVENTS || !page_events[ev].name)
		return "?";
	return page_events[ev].name;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/**
 * trace_init() - allocate the per-frame event rings.
 * @nr_frames: number of physical frames; events on higher pfns are ignored.
 *
 * Context: machine boot, before other threads record events.
 * Return: 0, -EINVAL if @nr_frames is 0, -EBUSY if already initialised,
 * -ENOMEM.
 */
int trace_init(unsigned long nr_frames)
{
	struct trace_rings *tr, *none = NULL;

	if (!nr_frames)
		return -EINVAL;
	if (__atomic_load_n(&trace_rings, __ATOMIC_ACQUIRE))
		return -EBUSY;
	if (nr_frames > (SIZE_MAX - sizeof(*tr)) / sizeof(tr->ring[0]))
		return -ENOMEM;
	tr = calloc(1, sizeof(*tr) + nr_frames * sizeof(tr->ring[0]));
	if (!tr)
		return -ENOMEM;
	tr->nr_frames = nr_frames;
	if (!__atomic_compare_exchange_n(&trace_rings, &none, tr, false,
					 __ATOMIC_RELEASE, __ATOMIC_RELAXED)) {
		free(tr);
		return -EBUSY;
	}
	return 0;
}

/**
 * trace_exit() - stop the recorder and free the rings and the records.
 *
 * Context: machine shutdown, once no other thread records events.
 */
void trace_exit(void)
{
	trace_recorder_stop();
	free(rec.recs);
	rec.recs = NULL;
	rec.max = 0;
	__atomic_store_n(&rec.next, 0, __ATOMIC_RELAXED);
	free(__atomic_exchange_n(&trace_rings, NULL, __ATOMIC_ACQ_REL));
}

static __noinline void trace_record(unsigned long pfn, enum page_event ev, long val)
{
	struct trace_record *r;
	size_t idx;

	__atomic_fetch_add(&rec.inflight, 1, __ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&trace_recording, __ATOMIC_SEQ_CST))
		goto out;
	idx = __atomic_fetch_add(&rec.next, 1, __ATOMIC_RELAXED);
	if (idx >= rec.max) {
		__atomic_fetch_add(&rec.dropped, 1, __ATOMIC_RELAXED);
		goto out;
	}
	r = &rec.recs[idx];
	r->ns = now_ns() - rec.start_ns;
	r->pfn = pfn;
	r->val = val;
	r->ev = (uint16_t)ev;
	r->task = (uint16_t)trace_pid;
out:
	__atomic_fetch_sub(&rec.inflight, 1, __ATOMIC_ACQ_REL);
}

/**
 * __trace_page_event() - record an event on a frame.
 * @pfn: the frame; ignored if beyond trace_init()'s @nr_frames.
 * @ev: what happened.
 * @val: the event's argument (see enum page_event).
 * @site: the caller's name; must be a string that outlives the trace.
 *
 * Writes the frame's ring (with page checks on) and, while it is on,
 * appends to the recorder.
 * A no-op before trace_init() and after trace_exit().
 *
 * Context: any thread; takes no lock.
 */
void __trace_page_event(unsigned long pfn, enum page_event ev, long val, const char *site)
{
	struct trace_rings *tr = __atomic_load_n(&trace_rings, __ATOMIC_ACQUIRE);
	struct page_ring *r;
	unsigned int slot;

	if (!tr || pfn >= tr->nr_frames)
		return;
	if (!page_checks_enabled())
		goto record;
	r = &tr->ring[pfn];
	/*
	 * Not a locked increment: this runs on every pin and unpin. Two
	 * threads racing on one frame may lose an event of its history; the
	 * history is a debugging aid, never an input to a check.
	 */
	slot = __atomic_load_n(&r->seq, __ATOMIC_RELAXED);
	__atomic_store_n(&r->seq, slot + 1, __ATOMIC_RELAXED);
	slot &= TRACE_RING_SIZE - 1;
	__atomic_store_n(&r->ev[slot], (uint8_t)ev, __ATOMIC_RELAXED);
	__atomic_store_n(&r->val[slot], val, __ATOMIC_RELAXED);
	__atomic_store_n(&r->site[slot], site, __ATOMIC_RELAXED);
record:
	if (unlikely(__atomic_load_n(&trace_recording, __ATOMIC_RELAXED)))
		trace_record(pfn, ev, val);
}

/**
 * trace_page_history() - print a frame's last events, oldest first.
 * @f: where to print.
 * @pfn: the frame.
 * @prefix: printed at the start of every line (indentation).
 *
 * Each line reads "#<n> <event> <arg>=<val> at <site>", where n counts the
 * frame's events from 1 since trace_init(). A frame with no events, or no
 * rings at all, prints one line saying so.
 *
 * Context: any thread; lines may be torn if the frame is being traced
 * concurrently.
 */
void trace_page_history(FILE *f, unsigned long pfn, const char *prefix)
{
	struct trace_rings *tr = __atomic_load_n(&trace_rings, __ATOMIC_ACQUIRE);
	struct page_ring *r;
	unsigned int seq, i;

	if (!prefix)
		prefix = "";
	if (!tr || pfn >= tr->nr_frames) {
		fprintf(f, "%s(page events not traced)\n", prefix);
		return;
	}
	if (!page_checks_enabled()) {
		fprintf(f, "%s(page events not kept: page checks off)\n", prefix);
		return;
	}
	r = &tr->ring[pfn];
	seq = __atomic_load_n(&r->seq, __ATOMIC_RELAXED);
	if (!seq) {
		fprintf(f, "%s(no page events)\n", prefix);
		return;
	}
	for (i = seq > TRACE_RING_SIZE ? seq - TRACE_RING_SIZE : 0; i != seq; i++) {
		unsigned int slot = i & (TRACE_RING_SIZE - 1);
		enum page_event ev = __atomic_load_n(&r->ev[slot], __ATOMIC_RELAXED);
		long val = __atomic_load_n(&r->val[slot], __ATOMIC_RELAXED);
		const char *site = __atomic_load_n(&r->site[slot], __ATOMIC_RELAXED);
		enum ev_arg arg = ARG_CODE;

		if (!ev)	/* slot claimed, not yet written */
			continue;
		if ((unsigned int)ev < NR_PAGE_EVENTS)
			arg = page_events[ev].arg;
		fprintf(f, "%s#%u %s", prefix, i + 1, page_event_name(ev));
		switch (arg) {
		case ARG_NONE:
			break;
		case ARG_ORDER:
			fprintf(f, " order=%ld", val);
			break;
		case ARG_ADDR:
			fprintf(f, " addr=%#lx", (unsigned long)val);
			break;
		case ARG_REFS:
			fprintf(f, " refs=%ld", val);
			break;
		case ARG_BIO:
			fprintf(f, " bio=%ld", val);
			break;
		case ARG_CODE:
			fprintf(f, " val=%ld", val);
			break;
		}
		fprintf(f, " at %s\n", site ? site : "?");
	}
}

/**
 * trace_recorder_start() - start keeping every page event.
 * @max_records: capacity; events past it are dropped and counted.
 *
 * Frees the records of the previous run. Events are recorded only on frames
 * that have rings (after trace_init()). Start, stop and reading the records
 * are meant for one controlling thread.
 *
 * Return: 0, -EINVAL if @max_records is 0, -EBUSY if already recording,
 * -ENOMEM.
 */
int trace_recorder_start(size_t max_records)
{
	struct trace_record *recs;

	if (!max_records)
		return -EINVAL;
	if (__atomic_load_n(&trace_recording, __ATOMIC_SEQ_CST))
		return -EBUSY;
	recs = calloc(max_records, sizeof(*recs));
	if (!recs)
		return -ENOMEM;
	free(rec.recs);
	rec.recs = recs;
	rec.max = max_records;
	__atomic_store_n(&rec.next, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&rec.dropped, 0, __ATOMIC_RELAXED);
	rec.start_ns = now_ns();
	__atomic_store_n(&trace_recording, true, __ATOMIC_SEQ_CST);
	return 0;
}

/**
 * trace_recorder_stop() - stop recording and keep what was recorded.
 *
 * Waits for events being written on other threads to finish, so the
 * records are complete when it returns. A no-op if not recording.
 */
void trace_recorder_stop(void)
{
	__atomic_store_n(&trace_recording, false, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&rec.inflight, __ATOMIC_ACQUIRE))
		sched_yield();
}

/**
 * trace_recorder_records() - the records of the current or last run.
 * @nr: set to the number of records (may be NULL).
 *
 * While recording, other threads may still be writing the last records;
 * read them after trace_recorder_stop(). Records are in the order their
 * slots were claimed, which may differ slightly from ->ns order.
 *
 * Return: the array, valid until the next trace_recorder_start() or
 * trace_exit(); NULL if nothing was ever recorded.
 */
const struct trace_record *trace_recorder_records(size_t *nr)
{
	size_t n = __atomic_load_n(&rec.next, __ATOMIC_RELAXED);

	if (nr)
		*nr = n < rec.max ? n : rec.max;
	return rec.recs;
}

/**
 * trace_recorder_dropped() - events the recorder had no room for.
 *
 * Return: the number of events dropped since the last trace_recorder_start().
 */
unsigned long trace_recorder_dropped(void)
{
	return __atomic_load_n(&rec.dropped, __ATOMIC_RELAXED);
}
