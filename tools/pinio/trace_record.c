// SPDX-License-Identifier: GPL-2.0
/*
 * tools/pinio/trace_record.c - `pinio trace`: starting the library's
 * recorder, the scenario hooks that note steps and capture the records
 * just before the machine shuts down (sim_scenario_ctx.before_shutdown),
 * and turning the records into lanes: one per page that was pinned or
 * put in a bio, with the folio (head and order) each record's page was
 * part of at that point, and the owner of pages still alive.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pinio/mm.h>
#include <pinio/trace.h>

#include "trace_internal.h"

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

void tr_data_free(struct tr_data *d)
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
int tr_capture(struct tr_data *d)
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

/* When the recorder started, on the same clock as its records. */
static uint64_t tr_start_ns;

static uint64_t tr_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int tr_recorder_start(size_t max_events)
{
	int err = trace_recorder_start(max_events);

	tr_start_ns = tr_now();
	return err;
}

void tr_add_step(struct tr_data *d, unsigned int nr, const char *text)
{
	struct tr_step *st;

	if (d->nr_steps == TR_MAX_STEPS)
		return;
	st = &d->steps[d->nr_steps++];
	st->ns = tr_now() - tr_start_ns;
	st->nr = nr;
	snprintf(st->text, sizeof(st->text), "%s", text);
}

void tr_on_step(struct sim_scenario_ctx *ctx, unsigned int step, const char *text)
{
	struct tr_hook *h = ctx->hook_arg;

	if (!h->captured)
		tr_add_step(h->d, step, text);
}

void tr_before_shutdown(struct sim_scenario_ctx *ctx)
{
	struct tr_hook *h = ctx->hook_arg;

	if (h->captured)
		return;
	h->captured = true;
	h->err = tr_capture(h->d);
}

