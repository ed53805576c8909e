// SPDX-License-Identifier: GPL-2.0
/*
 * tools/pinio/trace_cmd.c - `pinio trace`: record the page-lifetime events
 * (allocate, fault, pin, unpin, add to bio, DMA start and end, dirty, COW,
 * free, violations; include/pinio/trace.h) of a small run - a regression
 * scenario, or a tiny built-in O_DIRECT job - and write them as JSON, as an
 * SVG timeline (svg.c) or as a text summary.
 *
 *   pinio trace [--profile=P] [--out=FILE] [--format=svg|json|text] R12
 *   pinio trace --job 'rw=randread bs=4k size=64k' --out=trace.svg
 *
 * No kernel twin (the kernel's page_ref tracepoints feed perf/ftrace).
 * The recorder is the library's; records are copied out, and the pages
 * they name looked up, just before the machine shuts down - a scenario
 * calls back through sim_scenario_ctx.before_shutdown for that. The --job
 * string uses `pinio run`'s job option syntax (jobfile.c); the job itself
 * runs here, on a `ram` disk, through sim_pread/sim_pwrite or the async
 * ring.
 *
 * Exit: 0 recorded and written (and a scenario passed), 1 a failure,
 * 2 bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <pinio/mm.h>
#include <pinio/scenario.h>
#include <pinio/sim.h>
#include <pinio/trace.h>

#include "jobfile.h"
#include "pinio.h"
#include "subcmd.h"
#include "svg.h"

#define TR_DEFAULT_EVENTS	1000000UL
#define TR_DEFAULT_LANES	32
#define TR_JOB_MAX_BYTES	(16UL << 20)
#define TR_JOB_SLOTS		16

enum tr_format { TR_FMT_AUTO, TR_FMT_SVG, TR_FMT_JSON, TR_FMT_TEXT };
enum tr_buffer { TR_BUF_ANON, TR_BUF_UNTOUCHED, TR_BUF_THP };

struct tr_opts {
	enum sim_profile profile;
	enum tr_format format;
	const char *out;
	unsigned int max_lanes;
	size_t max_events;
	enum tr_buffer buffer;
	const char *job;
	const char *scenario;
};

/* ---- building lanes from the records ------------------------------------- */

/* A small open-addressing map pfn -> order of the folios alive at a point. */
struct tr_folios {
	unsigned long *pfn;	/* ~0UL: empty */
	unsigned char *order;
	size_t cap;
};

static size_t tr_hash(unsigned long pfn, size_t cap)
{
	return (size_t)(pfn * 0x9e3779b97f4a7c15ULL >> 17) & (cap - 1);
}

static long tr_folio_find(const struct tr_folios *m, unsigned long pfn)
{
	size_t i = tr_hash(pfn, m->cap);

	while (m->pfn[i] != ~0UL) {
		if (m->pfn[i] == pfn)
			return (long)i;
		i = (i + 1) & (m->cap - 1);
	}
	return -1;
}

static void tr_folio_set(struct tr_folios *m, unsigned long pfn, unsigned int order)
{
	size_t i = tr_hash(pfn, m->cap);

	while (m->pfn[i] != ~0UL && m->pfn[i] != pfn)
		i = (i + 1) & (m->cap - 1);
	m->pfn[i] = pfn;
	m->order[i] = (unsigned char)order;
}

/* Linear probing: delete by re-inserting the rest of the cluster. */
static void tr_folio_del(struct tr_folios *m, unsigned long pfn)
{
	long at = tr_folio_find(m, pfn);
	size_t i;

	if (at < 0)
		return;
	m->pfn[at] = ~0UL;
	for (i = ((size_t)at + 1) & (m->cap - 1); m->pfn[i] != ~0UL; i = (i + 1) & (m->cap - 1)) {
		unsigned long p = m->pfn[i];
		unsigned int o = m->order[i];

		m->pfn[i] = ~0UL;
		tr_folio_set(m, p, o);
	}
}

/* The head of the live large folio covering @pfn, or @pfn itself. */
static unsigned long tr_head(const struct tr_folios *m, unsigned long pfn, unsigned int *order)
{
	unsigned int o;
	long at;

	for (o = 1; o <= 10; o++) {
		unsigned long head = pfn & ~((1UL << o) - 1);

		at = tr_folio_find(m, head);
		if (at >= 0 && m->order[at] >= o) {
			*order = m->order[at];
			return head;
		}
	}
	at = tr_folio_find(m, pfn);
	*order = at >= 0 ? m->order[at] : 0;
	return pfn;
}

/* pfn -> lane index map, same scheme. */
struct tr_lanemap {
	unsigned long *pfn;
	unsigned int *lane;
	size_t cap;
};

static long tr_lane_find(const struct tr_lanemap *m, unsigned long pfn)
{
	size_t i = tr_hash(pfn, m->cap);

	while (m->pfn[i] != ~0UL) {
		if (m->pfn[i] == pfn)
			return m->lane[i];
		i = (i + 1) & (m->cap - 1);
	}
	return -1;
}

static void tr_lane_add(struct tr_lanemap *m, unsigned long pfn, unsigned int lane)
{
	size_t i = tr_hash(pfn, m->cap);

	while (m->pfn[i] != ~0UL)
		i = (i + 1) & (m->cap - 1);
	m->pfn[i] = pfn;
	m->lane[i] = lane;
}

/* enum page_owner (mm_types.h) as the leak report names it. */
static const char *tr_owner_name(unsigned int owner)
{
	static const char *const names[NR_PAGE_OWNERS] = {
		[OWNER_NONE] = "none",		[OWNER_KERNEL] = "kernel",
		[OWNER_ANON] = "anon",		[OWNER_SHMEM] = "shmem",
		[OWNER_PAGECACHE] = "pagecache", [OWNER_BOUNCE] = "bounce",
		[OWNER_PIPE] = "pipe",		[OWNER_TEST] = "test",
	};

	return owner < NR_PAGE_OWNERS && names[owner] ? names[owner] : "?";
}

static void tr_lane_del(struct tr_lanemap *m, unsigned long pfn)
{
	size_t i = tr_hash(pfn, m->cap), j;

	while (m->pfn[i] != ~0UL && m->pfn[i] != pfn)
		i = (i + 1) & (m->cap - 1);
	if (m->pfn[i] == ~0UL)
		return;
	m->pfn[i] = ~0UL;
	for (j = (i + 1) & (m->cap - 1); m->pfn[j] != ~0UL; j = (j + 1) & (m->cap - 1)) {
		unsigned long p = m->pfn[j];
		unsigned int l = m->lane[j];

		m->pfn[j] = ~0UL;
		tr_lane_add(m, p, l);
	}
}

/* How many lanes a frame has had: a counter per pfn, same scheme. */
static unsigned int *tr_gen_slot(struct tr_lanemap *m, unsigned long pfn)
{
	size_t i = tr_hash(pfn, m->cap);

	while (m->pfn[i] != ~0UL && m->pfn[i] != pfn)
		i = (i + 1) & (m->cap - 1);
	if (m->pfn[i] == ~0UL) {
		m->pfn[i] = pfn;
		m->lane[i] = 0;
	}
	return &m->lane[i];
}

/*
 * Build @d's lanes from its records: one lane per page, a large folio's
 * subpages folded into its head's lane (folios known from their alloc
 * events); owners read now from the memmap, or inferred from the events
 * of pages already freed. Runs while the machine is still up.
 */
static int tr_build(struct tr_data *d)
{
	struct tr_folios fm = { 0 };
	struct tr_lanemap lm = { 0 }, gm = { 0 };
	size_t i, cap = 64, lanes_cap = 64;
	long *pins = NULL, outstanding = 0;
	int ret = -ENOMEM;

	while (cap < 4 * (d->nr + 16))
		cap <<= 1;
	fm.cap = lm.cap = gm.cap = cap;
	fm.pfn = malloc(cap * sizeof(*fm.pfn));
	fm.order = calloc(cap, 1);
	lm.pfn = malloc(cap * sizeof(*lm.pfn));
	lm.lane = calloc(cap, sizeof(*lm.lane));
	gm.pfn = malloc(cap * sizeof(*gm.pfn));
	gm.lane = calloc(cap, sizeof(*gm.lane));
	d->lane_of = calloc(d->nr ? d->nr : 1, sizeof(*d->lane_of));
	d->lanes = calloc(lanes_cap, sizeof(*d->lanes));
	pins = calloc(lanes_cap, sizeof(*pins));
	if (!fm.pfn || !fm.order || !lm.pfn || !lm.lane || !gm.pfn || !gm.lane || !d->lane_of ||
	    !d->lanes || !pins)
		goto out;
	memset(fm.pfn, 0xff, cap * sizeof(*fm.pfn));
	memset(lm.pfn, 0xff, cap * sizeof(*lm.pfn));
	memset(gm.pfn, 0xff, cap * sizeof(*gm.pfn));

	for (i = 0; i < d->nr; i++) {
		const struct trace_record *r = &d->recs[i];
		unsigned int order = 0;
		unsigned long head;
		struct tr_lane *l;
		long li;

		if (r->ev == PE_PIN)
			outstanding += r->val;
		else if (r->ev == PE_ADD_PIN)
			outstanding++;
		else if (r->ev == PE_UNPIN)
			outstanding -= r->val;

		if (r->ev == PE_ALLOC)
			tr_folio_set(&fm, r->pfn, (unsigned int)r->val);
		head = tr_head(&fm, r->pfn, &order);
		li = tr_lane_find(&lm, head);
		if (li < 0) {
			if (d->nr_lanes == lanes_cap) {
				struct tr_lane *nl = realloc(d->lanes, 2 * lanes_cap * sizeof(*nl));
				long *np;

				if (!nl)
					goto out;
				d->lanes = nl;
				np = realloc(pins, 2 * lanes_cap * sizeof(*np));
				if (!np)
					goto out;
				pins = np;
				memset(d->lanes + lanes_cap, 0, lanes_cap * sizeof(*nl));
				memset(pins + lanes_cap, 0, lanes_cap * sizeof(*np));
				lanes_cap *= 2;
			}
			li = (long)d->nr_lanes++;
			tr_lane_add(&lm, head, (unsigned int)li);
			l = &d->lanes[li];
			l->pfn = head;
			l->order = order;
			l->first_ns = r->ns;
			l->zero = head >= d->zero_pfn && head < d->zero_pfn + d->nr_zero;
			l->gen = ++*tr_gen_slot(&gm, head);
			l->during_io = r->ev == PE_ALLOC && outstanding > 0;
		}
		l = &d->lanes[li];
		d->lane_of[i] = (unsigned int)li;
		l->nr_events++;
		l->last_ns = r->ns;
		if (r->ev == PE_ALLOC && r->val)
			l->order = (unsigned int)r->val;
		if ((r->ev == PE_FAULT || r->ev == PE_MAP || r->ev == PE_COW || r->ev == PE_UNMAP) &&
		    !l->va)
			l->va = (unsigned long)r->val;
		if ((r->ev == PE_FAULT || r->ev == PE_MAP || r->ev == PE_COW || r->ev == PE_UNMAP) &&
		    !l->owner[0])
			snprintf(l->owner, sizeof(l->owner), "anon");
		if (tr_io_event(r->ev))
			l->io = true;
		if (r->ev == PE_PIN)
			pins[li] += r->val;
		else if (r->ev == PE_ADD_PIN)
			pins[li]++;
		else if (r->ev == PE_UNPIN)
			pins[li] -= r->val;
		if (pins[li] > l->max_pins)
			l->max_pins = pins[li];
		if (r->ev == PE_FREE && r->pfn == head) {
			/* The frame's next use is another lane. */
			tr_folio_del(&fm, head);
			tr_lane_del(&lm, head);
		}
	}
	/* The zero page always has a lane: flat, unless the profile pins it. */
	for (i = 0; i < d->nr_lanes && !d->lanes[i].zero; i++)
		;
	if (i == d->nr_lanes) {
		if (d->nr_lanes == lanes_cap) {
			struct tr_lane *nl = realloc(d->lanes, (lanes_cap + 1) * sizeof(*nl));

			if (!nl)
				goto out;
			d->lanes = nl;
		}
		memset(&d->lanes[d->nr_lanes], 0, sizeof(d->lanes[0]));
		d->lanes[d->nr_lanes].pfn = d->zero_pfn;
		d->lanes[d->nr_lanes].zero = true;
		d->lanes[d->nr_lanes].gen = 1;
		d->nr_lanes++;
	}
	/* Owners of pages still allocated; the rest keep what their events said. */
	for (i = 0; i < d->nr_lanes; i++) {
		struct tr_lane *l = &d->lanes[i];
		struct page *page;

		if (l->zero) {
			snprintf(l->owner, sizeof(l->owner), "zero page");
			continue;
		}
		if (!pfn_valid(l->pfn) || l->gen != *tr_gen_slot(&gm, l->pfn))
			continue;	/* an earlier use of a frame used again */
		page = pfn_to_page(l->pfn);
		if (page->owner != OWNER_NONE)
			snprintf(l->owner, sizeof(l->owner), "%s", tr_owner_name(page->owner));
		else if (!l->owner[0])
			snprintf(l->owner, sizeof(l->owner), "freed");
	}
	ret = 0;
out:
	free(fm.pfn);
	free(fm.order);
	free(lm.pfn);
	free(lm.lane);
	free(gm.pfn);
	free(gm.lane);
	free(pins);
	return ret;
}

static void tr_data_free(struct tr_data *d)
{
	free(d->recs);
	free(d->lane_of);
	free(d->lanes);
	memset(d, 0, sizeof(*d));
}

/*
 * Stop the recorder and keep its records, with what only the running
 * machine knows: the zero pages and the owners of pages still alive.
 */
static int tr_capture(struct tr_data *d)
{
	const struct trace_record *recs;
	size_t nr;

	trace_recorder_stop();
	recs = trace_recorder_records(&nr);
	d->dropped = trace_recorder_dropped();
	d->recs = malloc((nr ? nr : 1) * sizeof(*d->recs));
	if (!d->recs)
		return -ENOMEM;
	if (nr)
		memcpy(d->recs, recs, nr * sizeof(*recs));
	d->nr = nr;
	d->zero_pfn = zero_pfn;
	d->nr_zero = sim_get_config()->nr_zero_pages ? sim_get_config()->nr_zero_pages : 1;
	d->zero_pins_skipped = sim_vmstat("pinio_zero_page_pins");
	return tr_build(d);
}

struct tr_hook {
	struct tr_data *d;
	int err;
	bool captured;
};

/* When the recorder started, on the same clock as its records. */
static uint64_t tr_start_ns;

static uint64_t tr_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int tr_recorder_start(size_t max_events)
{
	int err = trace_recorder_start(max_events);

	tr_start_ns = tr_now();
	return err;
}

static void tr_add_step(struct tr_data *d, unsigned int nr, const char *text)
{
	struct tr_step *st;

	if (d->nr_steps == TR_MAX_STEPS)
		return;
	st = &d->steps[d->nr_steps++];
	st->ns = tr_now() - tr_start_ns;
	st->nr = nr;
	snprintf(st->text, sizeof(st->text), "%s", text);
}

static void tr_on_step(struct sim_scenario_ctx *ctx, unsigned int step, const char *text)
{
	struct tr_hook *h = ctx->hook_arg;

	if (!h->captured)
		tr_add_step(h->d, step, text);
}

static void tr_before_shutdown(struct sim_scenario_ctx *ctx)
{
	struct tr_hook *h = ctx->hook_arg;

	if (h->captured)
		return;
	h->captured = true;
	h->err = tr_capture(h->d);
}

/* ---- output ------------------------------------------------------------------ */

static void tr_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static int tr_write_json(FILE *f, const struct tr_data *d)
{
	size_t i;

	fputs("{\n  \"title\": ", f);
	tr_json_str(f, d->title);
	fputs(",\n  \"profile\": ", f);
	tr_json_str(f, d->profile ? d->profile : "?");
	fprintf(f, ",\n  \"nr_events\": %zu,\n  \"dropped\": %lu,\n  \"zero_pins_skipped\": %lu,\n"
		"  \"zero_pfn\": %lu,\n  \"nr_zero_pages\": %u,\n  \"pages\": [", d->nr, d->dropped,
		d->zero_pins_skipped, d->zero_pfn, d->nr_zero);
	for (i = 0; i < d->nr_lanes; i++) {
		const struct tr_lane *l = &d->lanes[i];

		fprintf(f, "%s\n    {\"lane\": %zu, \"pfn\": %lu, \"use\": %u, \"order\": %u, "
			"\"owner\": ", i ? "," : "", i, l->pfn, l->gen, l->order);
		tr_json_str(f, l->owner);
		fprintf(f, ", \"va\": \"%#lx\", \"zero\": %s, \"io\": %s, \"during_io\": %s, "
			"\"events\": %lu, \"max_pins\": %ld, \"first_ns\": %llu, \"last_ns\": %llu}",
			l->va, l->zero ? "true" : "false", l->io ? "true" : "false",
			l->during_io ? "true" : "false", l->nr_events, l->max_pins,
			(unsigned long long)l->first_ns, (unsigned long long)l->last_ns);
	}
	fputs("\n  ],\n  \"events\": [", f);
	for (i = 0; i < d->nr; i++) {
		const struct trace_record *r = &d->recs[i];

		fprintf(f, "%s\n    {\"t_ns\": %llu, \"pfn\": %lu, \"lane\": %u, \"event\": \"%s\", "
			"\"val\": %ld, \"task\": %u}", i ? "," : "", (unsigned long long)r->ns, r->pfn,
			d->lane_of[i], page_event_name((enum page_event)r->ev), r->val, r->task);
	}
	fputs("\n  ]\n}\n", f);
	return ferror(f) ? -EIO : 0;
}

static int tr_write_text(FILE *f, const struct tr_data *d, unsigned int max_lanes)
{
	unsigned long per[NR_PAGE_EVENTS];
	unsigned int shown = 0;
	size_t i, j;

	fprintf(f, "pinio trace: %s (profile %s)\n", d->title, d->profile ? d->profile : "?");
	fprintf(f, "%zu events on %zu pages", d->nr, d->nr_lanes);
	if (d->dropped)
		fprintf(f, ", %lu dropped", d->dropped);
	fprintf(f, "; %lu zero-page pins took nothing\n\n", d->zero_pins_skipped);
	fprintf(f, "%-44s %6s %5s  %s\n", "page", "events", "pins", "events by kind");
	for (i = 0; i < d->nr_lanes; i++) {
		const struct tr_lane *l = &d->lanes[i];
		char label[96];
		bool first = true;

		if (!l->io && !l->during_io && !l->zero)
			continue;
		if (shown++ == max_lanes) {
			fprintf(f, "... (more pages; raise --max-lanes)\n");
			break;
		}
		memset(per, 0, sizeof(per));
		for (j = 0; j < d->nr; j++)
			if (d->lane_of[j] == i && d->recs[j].ev < NR_PAGE_EVENTS)
				per[d->recs[j].ev]++;
		fprintf(f, "%-44s %6lu %5ld  ", tr_lane_label(l, label, sizeof(label)),
			l->nr_events, l->max_pins);
		for (j = 1; j < NR_PAGE_EVENTS; j++)
			if (per[j]) {
				fprintf(f, "%s%s %lu", first ? "" : ", ",
					page_event_name((enum page_event)j), per[j]);
				first = false;
			}
		fputc('\n', f);
	}
	return ferror(f) ? -EIO : 0;
}

/* ---- the built-in job --------------------------------------------------------------- */

/* Parse "rw=randread bs=4k size=64k" with `pinio run`'s option parser. */
static int tr_job_parse(const char *spec, struct job *job, char *err, size_t errlen)
{
	char *copy = strdup(spec), *tok, *save = NULL;
	int ret = 0;

	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	job_init_defaults(job);
	job->size = 64 << 10;
	for (tok = strtok_r(copy, " \t,", &save); tok && !ret; tok = strtok_r(NULL, " \t,", &save)) {
		char *eq = strchr(tok, '=');

		if (eq)
			*eq++ = '\0';
		if (!strcmp(tok, "filename") || !strcmp(tok, "numjobs") || !strcmp(tok, "verify")) {
			snprintf(err, errlen, "%s is not supported by pinio trace's built-in job", tok);
			ret = -1;
		} else {
			ret = job_set_option(job, tok, eq, err, errlen);
		}
	}
	free(copy);
	if (ret)
		return -1;
	if (!job->direct) {
		snprintf(err, errlen, "direct=0: only O_DIRECT I/O is traced (buffered I/O needs simfs)");
		return -1;
	}
	if (!job->size || job->size > TR_JOB_MAX_BYTES) {
		snprintf(err, errlen, "size must be 1 to 16m for a trace (a small run)");
		return -1;
	}
	if (job->bs > job->size || job->bs % 512) {
		snprintf(err, errlen, "bs must be a multiple of 512 no larger than size");
		return -1;
	}
	return 0;
}

static uint64_t tr_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Run @job on a fresh machine, recording; fills @d before shutting down. */
static int tr_job_run(const struct tr_opts *o, const struct job *job, struct tr_data *d)
{
	struct sim_config cfg = { .mem_bytes = 64UL << 20, .thp = o->buffer == TR_BUF_THP,
				  .profile = o->profile };
	unsigned int depth = job_ioengine_async(job->ioengine) ? job->iodepth : 1;
	uint64_t nr_ios = job->size / job->bs, i, seed = job->randseed ? job->randseed : 0x9e37;
	/*
	 * fio gives each of the iodepth I/Os its own buffer; here every I/O
	 * gets its own slot, up to TR_JOB_SLOTS of them (or iodepth, if
	 * more), so that the picture shows one page after another rather than
	 * one page reused.
	 */
	unsigned int slots = (unsigned int)max_t(uint64_t, depth,
						 min_t(uint64_t, nr_ios, TR_JOB_SLOTS));
	size_t buf_len = (size_t)slots * job->bs;
	unsigned long map, buf;
	size_t map_len = buf_len + (o->buffer == TR_BUF_THP ? 4UL << 20 : 0);
	struct sim_aio *ring = NULL;
	char err_step[120];
	unsigned int inflight = 0, reads = 0;
	int fd, err, bad = 0;
	long leaks;

	err = sim_boot(&cfg);
	if (err)
		return err;
	err = sim_ramdisk_create("ram0", ALIGN(job->size, 1UL << 20), 512);
	if (err)
		goto out_shutdown;
	fd = sim_open("/dev/ram0", O_RDWR | O_DIRECT, 0);
	if (fd < 0) {
		err = fd;
		goto out_disk;
	}
	map = sim_mmap(0, map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (IS_ERR_VALUE(map)) {
		err = (int)(long)map;
		goto out_close;
	}
	buf = o->buffer == TR_BUF_THP ? ALIGN(map + 1, 2UL << 20) : map;
	if (o->buffer != TR_BUF_THP)
		sim_madvise(map, map_len, MADV_NOHUGEPAGE);
	if (depth > 1) {
		ring = sim_aio_create(depth);
		if (IS_ERR(ring)) {
			err = (int)PTR_ERR(ring);
			goto out_unmap;
		}
	}
	err = tr_recorder_start(o->max_events);
	if (err)
		goto out_ring;
	/* Anonymous buffers are written first, so that their faults are in the trace too. */
	if (o->buffer != TR_BUF_UNTOUCHED) {
		tr_add_step(d, 1, "fill the buffer (write faults)");
		sim_user_memset(buf, 0x6a, buf_len);
	}
	snprintf(err_step, sizeof(err_step), "%llu O_DIRECT %s of %llu bytes, %s",
		 (unsigned long long)nr_ios, job_rw_name(job->rw), (unsigned long long)job->bs,
		 ring ? "async ring" : "synchronous");
	tr_add_step(d, 2, err_step);

	for (i = 0; i < nr_ios; i++) {
		uint64_t off = job_rw_random(job->rw) ? tr_rand(&seed) % nr_ios * job->bs :
			       i * job->bs;
		bool write = !job_rw_reads(job->rw) ||
			     (job_rw_writes(job->rw) && tr_rand(&seed) % 100 >= job->rwmixread);
		unsigned long b = buf + (i % slots) * job->bs;
		ssize_t ret;

		reads += !write;
		if (!ring) {
			ret = write ? sim_pwrite(fd, b, job->bs, (off_t)off) :
				      sim_pread(fd, b, job->bs, (off_t)off);
			bad += ret != (ssize_t)job->bs;
			continue;
		}
		if (inflight == depth) {
			int64_t res;
			uint64_t tag;

			if (sim_aio_reap(ring, 1, 1, &res, &tag) == 1) {
				inflight--;
				bad += res != (int64_t)job->bs;
			}
		}
		if (sim_aio_submit(ring, fd, write, b, job->bs, (off_t)off, i))
			bad++;
		else
			inflight++;
	}
	while (ring && inflight) {
		int64_t res;
		uint64_t tag;

		if (sim_aio_reap(ring, 1, 1, &res, &tag) != 1)
			break;
		inflight--;
		bad += res != (int64_t)job->bs;
	}
	(void)reads;
	err = tr_capture(d);
	if (!err && bad)
		err = -EIO;
out_ring:
	trace_recorder_stop();
	if (ring)
		sim_aio_destroy(ring);
out_unmap:
	sim_munmap(map, map_len);
out_close:
	sim_close(fd);
out_disk:
	sim_disk_destroy("ram0");
out_shutdown:
	leaks = sim_shutdown();
	if (!err && leaks)
		err = -EUCLEAN;
	return err;
}

/* ---- the command ------------------------------------------------------------------ */

static void trace_usage(FILE *f)
{
	fprintf(f,
		"usage: pinio trace [OPTIONS] SCENARIO\n"
		"       pinio trace [OPTIONS] --job 'rw=randread bs=4k size=64k'\n"
		"\n"
		"Record every page-lifetime event (alloc, fault, pin, unpin, add to bio,\n"
		"DMA start/end, dirty, COW, free, violation) of a small run and write it\n"
		"out: an SVG timeline (one lane per page: pinned intervals as bars, DMA\n"
		"transfers as marks), JSON, or a text summary.\n"
		"\n"
		"  SCENARIO             a regression scenario: R12, r07, \"same-page merge\"\n"
		"  --job='K=V ...'      a tiny O_DIRECT job on a `ram` disk, in `pinio run`'s\n"
		"                       job syntax: rw, bs, size (<= 16m), iodepth, ioengine,\n"
		"                       rwmixread, randseed, direct=1\n"
		"  --buffer=B           the job's buffer: anon (default), untouched, thp\n"
		"  --profile=P          v6.5 (default), v6.4 or v21\n"
		"  --out=FILE, -o FILE  write there (default: standard output)\n"
		"  --format=F           svg, json or text; default from --out's extension\n"
		"                       (.svg, .json), else text\n"
		"  --max-lanes=N        pages drawn or listed (default %d)\n"
		"  --max-events=N       records kept (default %lu); the rest are counted\n"
		"\n"
		"Exit status: 0 written (and the scenario passed), 1 failure, 2 bad usage.\n",
		TR_DEFAULT_LANES, TR_DEFAULT_EVENTS);
}

/* "--key=value" or "--key value": the value, advancing *@i; NULL if not @key. */
static const char *tr_optval(int argc, char **argv, int *i, const char *key, bool *missing)
{
	size_t n = strlen(key);
	const char *a = argv[*i];

	if (strncmp(a, key, n))
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n])
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

static int tr_parse(int argc, char **argv, struct tr_opts *o, FILE *err)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		bool missing = false;
		char *end;

		if ((v = tr_optval(argc, argv, &i, "--profile", &missing))) {
			if (sim_profile_parse(v, &o->profile)) {
				fprintf(err, "pinio trace: bad profile \"%s\" (v6.5, v6.4, v21)\n", v);
				return -1;
			}
		} else if ((v = tr_optval(argc, argv, &i, "--out", &missing)) ||
			   (v = tr_optval(argc, argv, &i, "-o", &missing))) {
			o->out = v;
		} else if ((v = tr_optval(argc, argv, &i, "--format", &missing))) {
			if (!strcmp(v, "svg"))
				o->format = TR_FMT_SVG;
			else if (!strcmp(v, "json"))
				o->format = TR_FMT_JSON;
			else if (!strcmp(v, "text"))
				o->format = TR_FMT_TEXT;
			else {
				fprintf(err, "pinio trace: bad format \"%s\" (svg, json, text)\n", v);
				return -1;
			}
		} else if ((v = tr_optval(argc, argv, &i, "--max-lanes", &missing))) {
			unsigned long n = strtoul(v, &end, 10);

			if (*end || !n || n > 4096 || *v == '-') {
				fprintf(err, "pinio trace: bad --max-lanes \"%s\" (1 to 4096)\n", v);
				return -1;
			}
			o->max_lanes = (unsigned int)n;
		} else if ((v = tr_optval(argc, argv, &i, "--max-events", &missing))) {
			unsigned long n = strtoul(v, &end, 10);

			if (*end || !n || n > 100000000UL || *v == '-') {
				fprintf(err, "pinio trace: bad --max-events \"%s\" (1 to 10^8)\n", v);
				return -1;
			}
			o->max_events = n;
		} else if ((v = tr_optval(argc, argv, &i, "--buffer", &missing))) {
			if (!strcmp(v, "anon"))
				o->buffer = TR_BUF_ANON;
			else if (!strcmp(v, "untouched"))
				o->buffer = TR_BUF_UNTOUCHED;
			else if (!strcmp(v, "thp"))
				o->buffer = TR_BUF_THP;
			else {
				fprintf(err, "pinio trace: bad buffer \"%s\" (anon, untouched, thp)\n",
					v);
				return -1;
			}
		} else if ((v = tr_optval(argc, argv, &i, "--job", &missing))) {
			o->job = v;
		} else if (missing) {
			fprintf(err, "pinio trace: %s needs a value\n", a);
			return -1;
		} else if (a[0] == '-' && a[1]) {
			fprintf(err, "pinio trace: unknown option \"%s\" (pinio trace --help)\n", a);
			return -1;
		} else if (o->scenario) {
			fprintf(err, "pinio trace: one scenario at a time (\"%s\" and \"%s\")\n",
				o->scenario, a);
			return -1;
		} else {
			o->scenario = a;
		}
	}
	if (!!o->scenario == !!o->job) {
		fprintf(err, "pinio trace: name one scenario or give one --job (pinio trace --help)\n");
		return -1;
	}
	if (o->format == TR_FMT_AUTO) {
		size_t n = o->out ? strlen(o->out) : 0;

		if (n > 4 && !strcmp(o->out + n - 4, ".svg"))
			o->format = TR_FMT_SVG;
		else if (n > 5 && !strcmp(o->out + n - 5, ".json"))
			o->format = TR_FMT_JSON;
		else
			o->format = TR_FMT_TEXT;
	}
	return 0;
}

int trace_main(int argc, char **argv, FILE *out, FILE *err)
{
	struct tr_opts o = { .profile = SIM_PROFILE_V6_5, .max_lanes = TR_DEFAULT_LANES,
			     .max_events = TR_DEFAULT_EVENTS };
	struct tr_data d = { .profile = NULL };
	const struct sim_scenario *s = NULL;
	struct job job;
	char msg[256];
	FILE *f;
	int i, ret = PINIO_EXIT_OK, werr;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			trace_usage(out);
			return PINIO_EXIT_OK;
		}
	if (tr_parse(argc, argv, &o, err))
		return PINIO_EXIT_USAGE;
	if (o.scenario) {
		s = sim_scenario_find(o.scenario);
		if (!s) {
			fprintf(err, "pinio trace: no scenario \"%s\" (pinio scenario --list)\n",
				o.scenario);
			return PINIO_EXIT_USAGE;
		}
		if (s->needs) {
			fprintf(err, "pinio trace: %s needs %s, not built yet\n", s->id, s->needs);
			return PINIO_EXIT_FAIL;
		}
	} else if (tr_job_parse(o.job, &job, msg, sizeof(msg))) {
		fprintf(err, "pinio trace: --job: %s\n", msg);
		return PINIO_EXIT_USAGE;
	}
	if (sim_booted()) {
		fprintf(err, "pinio trace: the machine is already booted\n");
		return PINIO_EXIT_FAIL;
	}
	d.profile = sim_profile_name(o.profile);

	if (s) {
		struct tr_hook hook = { .d = &d };
		struct sim_scenario_ctx ctx;
		enum sim_scenario_status st;

		snprintf(d.title, sizeof(d.title), "%s %s", s->id, s->name);
		sim_scenario_ctx_init(&ctx, o.profile, err);
		ctx.quiet = true;
		ctx.before_shutdown = tr_before_shutdown;
		ctx.on_step = tr_on_step;
		ctx.hook_arg = &hook;
		if (tr_recorder_start(o.max_events)) {
			fprintf(err, "pinio trace: cannot start the recorder\n");
			return PINIO_EXIT_FAIL;
		}
		st = sim_scenario_run(s, &ctx);
		trace_recorder_stop();
		if (!hook.captured || hook.err) {
			fprintf(err, "pinio trace: nothing captured (%s)\n",
				hook.err ? strerror(-hook.err) : "the scenario never shut down cleanly");
			tr_data_free(&d);
			return PINIO_EXIT_FAIL;
		}
		if (st == SIM_SCENARIO_FAIL)
			ret = PINIO_EXIT_FAIL;
	} else {
		int e;

		snprintf(d.title, sizeof(d.title), "job %s", o.job);
		e = tr_job_run(&o, &job, &d);
		if (e && !d.recs) {
			fprintf(err, "pinio trace: the job failed: %s\n", strerror(-e));
			tr_data_free(&d);
			return PINIO_EXIT_FAIL;
		}
		if (e) {
			fprintf(err, "pinio trace: the job %s\n", e == -EUCLEAN ? "leaked objects" :
				"had I/O errors");
			ret = PINIO_EXIT_FAIL;
		}
	}

	f = o.out ? fopen(o.out, "w") : out;
	if (!f) {
		fprintf(err, "pinio trace: cannot write %s: %s\n", o.out, strerror(errno));
		tr_data_free(&d);
		return PINIO_EXIT_FAIL;
	}
	if (o.format == TR_FMT_SVG)
		werr = svg_write(f, &d, o.max_lanes);
	else if (o.format == TR_FMT_JSON)
		werr = tr_write_json(f, &d);
	else
		werr = tr_write_text(f, &d, o.max_lanes);
	if (f != out) {
		if (fclose(f))
			werr = -EIO;
	} else {
		fflush(f);
	}
	if (werr) {
		fprintf(err, "pinio trace: writing failed: %s\n", strerror(-werr));
		ret = PINIO_EXIT_FAIL;
	} else if (o.out) {
		fprintf(err, "pinio trace: %zu events on %zu page(s) written to %s\n", d.nr,
			d.nr_lanes, o.out);
	}
	tr_data_free(&d);
	return ret;
}

int cmd_trace(int argc, char **argv)
{
	return trace_main(argc, argv, stdout, stderr);
}
