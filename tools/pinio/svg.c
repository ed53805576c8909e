// SPDX-License-Identifier: GPL-2.0
/*
 * tools/pinio/svg.c - draw a recorded page-event trace as an SVG timeline:
 * one lane per page (a large folio is one lane), pinned intervals as bars
 * shaded by how many pins they hold, DMA transfers as marks on top,
 * faults, allocations, frees, bio additions, COW copies and violations as
 * ticks, the zero page's lane flat unless the profile pins it, a time axis
 * whose idle stretches are compressed (and marked so), a legend and a title.
 *
 * No kernel twin. Plain SVG 1.1 with no scripts or external resources, so
 * any browser or rsvg-convert renders it; each mark carries a <title>
 * tooltip with its exact event.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "svg.h"

#define SVG_W		1200
#define SVG_LABEL_W	300
#define SVG_RIGHT	30
#define SVG_TOP		78
#define SVG_LANE_H	26
#define SVG_BAR_H	14
#define SVG_AXIS_H	44
#define SVG_LEGEND_H	64
#define SVG_TICKS	8

const char *tr_lane_label(const struct tr_lane *l, char *buf, size_t size)
{
	int n;

	if (l->zero) {
		snprintf(buf, size, "Z  pfn %lu  shared zero page", l->pfn);
		return buf;
	}
	n = snprintf(buf, size, "pfn %lu", l->pfn);
	if (l->gen > 1)
		n += snprintf(buf + n, size - (size_t)n, " #%u", l->gen);
	if (l->order)
		n += snprintf(buf + n, size - (size_t)n, " (folio of %u)", 1U << l->order);
	n += snprintf(buf + n, size - (size_t)n, "  %s", l->owner[0] ? l->owner : "?");
	if (l->va && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " @%#lx", l->va);
	return buf;
}

/* ---- time: a piecewise-linear axis with idle stretches compressed ------- */

struct svg_time {
	uint64_t *t;		/* event times, sorted, unique */
	double *v;		/* virtual (compressed) time of each */
	size_t n;
	double vmax;
	uint64_t cap;		/* a gap longer than this is drawn this long */
	double x0, w;
};

static int svg_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double svg_vt(const struct svg_time *tm, uint64_t t)
{
	size_t lo = 0, hi = tm->n;

	if (!tm->n)
		return 0;
	if (t <= tm->t[0])
		return 0;
	if (t >= tm->t[tm->n - 1])
		return tm->vmax;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (tm->t[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return tm->v[lo] + (double)(t - tm->t[lo]) * (tm->v[lo + 1] - tm->v[lo]) /
			   (double)(tm->t[lo + 1] - tm->t[lo]);
}

static double svg_x(const struct svg_time *tm, uint64_t t)
{
	return tm->x0 + (tm->vmax > 0 ? svg_vt(tm, t) / tm->vmax * tm->w : tm->w / 2);
}

/* The real time at virtual time @v (for the axis labels). */
static uint64_t svg_t_of_v(const struct svg_time *tm, double v)
{
	size_t i;

	for (i = 0; i + 1 < tm->n; i++)
		if (tm->v[i + 1] >= v)
			return tm->t[i] + (uint64_t)((v - tm->v[i]) / (tm->v[i + 1] - tm->v[i]) *
						     (double)(tm->t[i + 1] - tm->t[i]));
	return tm->n ? tm->t[tm->n - 1] : 0;
}

static void svg_fmt_time(char *buf, size_t size, uint64_t ns)
{
	if (ns < 1000)
		snprintf(buf, size, "%lu ns", (unsigned long)ns);
	else if (ns < 1000000)
		snprintf(buf, size, "%.1f \xc2\xb5s", ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, size, "%.2f ms", ns / 1e6);
	else
		snprintf(buf, size, "%.2f s", ns / 1e9);
}

/* ---- output helpers --------------------------------------------------------- */

static void svg_text_esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

static void svg_tip(FILE *f, const char *what, const struct trace_record *r, uint64_t t0)
{
	char t[32];

	svg_fmt_time(t, sizeof(t), r->ns - t0);
	fprintf(f, "<title>%s val=%ld at %s (task %u)</title>", what, r->val, t, r->task);
}

bool tr_io_event(unsigned int ev)
{
	return ev == PE_PIN || ev == PE_UNPIN || ev == PE_ADD_PIN || ev == PE_BIO_ADD ||
	       ev == PE_DMA_START || ev == PE_DMA_END || ev == PE_COMPLETE || ev == PE_COW ||
	       ev == PE_VIOLATION;
}

static int svg_cmp_rec(const void *a, const void *b, void *arg)
{
	const struct trace_record *recs = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	if (recs[x].ns != recs[y].ns)
		return recs[x].ns < recs[y].ns ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* ---- one lane -------------------------------------------------------------- */

/* A pinned bar being extended over runs closer than a pixel. */
struct svg_bar {
	double x, w;		/* w < 0: none pending */
	long max;		/* highest pin count in it */
	bool open;		/* still pinned when the trace ends */
};

static void svg_bar_flush(FILE *f, struct svg_bar *b, double y)
{
	double op = 0.45 + 0.15 * (double)(b->max - 1);

	if (b->w < 0)
		return;
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"#2f6db5\" "
		"fill-opacity=\"%.2f\"%s><title>%s%ld pin%s</title></rect>\n", b->x, y,
		b->w > 1 ? b->w : 1, SVG_BAR_H, op > 1 ? 1 : op,
		b->open ? " stroke=\"#2f6db5\" stroke-dasharray=\"3,2\"" : "",
		b->open ? "still pinned at the end: " : "up to ", b->max, b->max == 1 ? "" : "s");
	if (b->w > 18 && b->max > 1)
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"cnt\">%ld</text>\n", b->x + b->w / 2,
			y + SVG_BAR_H - 3, b->max);
	b->w = -1;
}

static void svg_lane(FILE *f, const struct tr_data *d, const struct svg_time *tm, size_t li,
		     const size_t *idx, size_t n, double y, uint64_t t0, uint64_t t1)
{
	const struct tr_lane *l = &d->lanes[li];
	double bar_y = y + (SVG_LANE_H - SVG_BAR_H) / 2.0, mid = y + SVG_LANE_H / 2.0;
	struct svg_bar bar = { .w = -1 };
	double last_x[NR_PAGE_EVENTS];
	long pins = 0;
	uint64_t seg_start = 0;
	size_t i, j;

	for (i = 0; i < NR_PAGE_EVENTS; i++)
		last_x[i] = -10;

	if (l->zero && !l->max_pins) {
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#9aa5b1\" "
			"stroke-width=\"2\"/>\n", tm->x0, mid, tm->x0 + tm->w, mid);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"note\">never pinned, refcount never "
			"moved", tm->x0 + 8, mid + 10);
		if (d->zero_pins_skipped)
			fprintf(f, ": %lu zero-page pins took nothing", d->zero_pins_skipped);
		fputs("</text>\n", f);
	}

	/*
	 * Pinned intervals: the count between consecutive pin events. Runs
	 * that fall within a pixel of each other are drawn as one bar shaded
	 * by their highest count, so a storm of pins stays one element.
	 */
	for (i = 0; i <= n; i++) {
		const struct trace_record *r = i < n ? &d->recs[idx[i]] : NULL;
		long next = pins;

		if (r && r->ev == PE_PIN)
			next += r->val;
		else if (r && r->ev == PE_ADD_PIN)
			next += 1;
		else if (r && r->ev == PE_UNPIN)
			next -= r->val;
		else if (r)
			continue;
		if (pins > 0 && (!r || r->ns >= seg_start)) {
			double x = svg_x(tm, seg_start), x2 = svg_x(tm, r ? r->ns : t1);

			/*
			 * Merge into the pending bar when it touches it and
			 * either holds the same count or one of the two is
			 * too thin to see on its own.
			 */
			if (bar.w >= 0 && x <= bar.x + bar.w + 1 &&
			    (pins == bar.max || bar.w < 1.5 || x2 - x < 1.5)) {
				bar.w = x2 - bar.x;
				bar.max = pins > bar.max ? pins : bar.max;
				bar.open = !r;
			} else {
				svg_bar_flush(f, &bar, bar_y);
				bar.x = x;
				bar.w = x2 - x;
				bar.max = pins;
				bar.open = !r;
			}
		}
		if (!r)
			break;
		pins = next < 0 ? 0 : next;
		seg_start = r->ns;
	}
	svg_bar_flush(f, &bar, bar_y);

	/* DMA transfers: start to end of the same bio. */
	for (i = 0; i < n; i++) {
		const struct trace_record *r = &d->recs[idx[i]];
		uint64_t end = t1;
		double x, x2;

		if (r->ev != PE_DMA_START)
			continue;
		for (j = i + 1; j < n; j++)
			if (d->recs[idx[j]].ev == PE_DMA_END && d->recs[idx[j]].val == r->val) {
				end = d->recs[idx[j]].ns;
				break;
			}
		x = svg_x(tm, r->ns);
		x2 = svg_x(tm, end);
		if (x2 - x < 3)
			x2 = x + 3;
		if (x2 <= last_x[PE_DMA_START] + 0.5)
			continue;	/* within a mark already drawn */
		last_x[PE_DMA_START] = x2;
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"#f28e2b\" "
			"stroke=\"#a85a12\" stroke-width=\"0.6\"><title>DMA of bio %ld</title></rect>\n",
			x, bar_y + 3, x2 - x, SVG_BAR_H - 6, r->val);
	}

	/* Ticks. */
	for (i = 0; i < n; i++) {
		const struct trace_record *r = &d->recs[idx[i]];
		double x = svg_x(tm, r->ns);

		/* One tick of a kind per pixel is all the eye can see. */
		if (r->ev >= NR_PAGE_EVENTS || x < last_x[r->ev] + 1)
			continue;
		last_x[r->ev] = x;
		switch (r->ev) {
		case PE_ALLOC:
			fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"alloc\">",
				x, y + 3, x, y + SVG_LANE_H - 3);
			svg_tip(f, "alloc order", r, t0);
			fputs("</line>\n", f);
			break;
		case PE_FREE:
			fprintf(f, "<path d=\"M%.1f %.1f l6 6 m0 -6 l-6 6\" class=\"free\">", x - 3,
				mid - 3);
			svg_tip(f, "free order", r, t0);
			fputs("</path>\n", f);
			break;
		case PE_FAULT:
		case PE_MAP:
			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.2\" class=\"fault\">", x, mid);
			svg_tip(f, r->ev == PE_FAULT ? "fault addr" : "map addr", r, t0);
			fputs("</circle>\n", f);
			break;
		case PE_UNMAP:
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"2\" height=\"10\" class=\"unmap\">",
				x - 1, mid - 5);
			svg_tip(f, "unmap addr", r, t0);
			fputs("</rect>\n", f);
			break;
		case PE_BIO_ADD:
			fprintf(f, "<path d=\"M%.1f %.1f l4 -6 h-8 z\" class=\"bio\">", x, bar_y);
			svg_tip(f, "added to bio", r, t0);
			fputs("</path>\n", f);
			break;
		case PE_COW:
			fprintf(f, "<path d=\"M%.1f %.1f l4 4 l-4 4 l-4 -4 z\" class=\"cow\">", x,
				mid - 4);
			svg_tip(f, "COW copy addr", r, t0);
			fputs("</path>\n", f);
			break;
		case PE_DIRTY:
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"5\" height=\"5\" class=\"dirty\">",
				x - 2.5, bar_y + SVG_BAR_H + 1);
			svg_tip(f, "dirtied", r, t0);
			fputs("</rect>\n", f);
			break;
		case PE_VIOLATION:
			fprintf(f, "<path d=\"M%.1f %.1f l10 10 m0 -10 l-10 10\" class=\"viol\">", x - 5,
				mid - 5);
			svg_tip(f, "VIOLATION code", r, t0);
			fputs("</path>\n", f);
			break;
		default:
			break;
		}
	}
}

/* ---- the picture --------------------------------------------------------------- */

static void svg_legend(FILE *f, double y)
{
	double x = 20;

	fprintf(f, "<g class=\"legend\" transform=\"translate(0,%.1f)\">\n", y);
	fprintf(f, "<text x=\"%.1f\" y=\"14\" class=\"lh\">Legend</text>\n", x);
	y = 24;
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"26\" height=\"%d\" fill=\"#2f6db5\" "
		"fill-opacity=\"0.45\"/><rect x=\"%.1f\" y=\"%.1f\" width=\"26\" height=\"%d\" "
		"fill=\"#2f6db5\" fill-opacity=\"0.9\"/>", x, y, SVG_BAR_H, x + 28, y, SVG_BAR_H);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">pinned (darker: more pins)</text>\n", x + 60,
		y + 11);
	x += 250;
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"26\" height=\"8\" fill=\"#f28e2b\" "
		"stroke=\"#a85a12\" stroke-width=\"0.6\"/><text x=\"%.1f\" y=\"%.1f\">DMA transfer"
		"</text>\n", x, y + 3, x + 32, y + 11);
	x += 135;
	fprintf(f, "<path d=\"M%.1f %.1f l4 -6 h-8 z\" class=\"bio\"/><text x=\"%.1f\" y=\"%.1f\">"
		"added to a bio</text>\n", x + 5, y + 10, x + 14, y + 11);
	x += 125;
	fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.2\" class=\"fault\"/><text x=\"%.1f\" "
		"y=\"%.1f\">fault</text>\n", x + 4, y + 7, x + 12, y + 11);
	x += 60;
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"alloc\"/>"
		"<text x=\"%.1f\" y=\"%.1f\">alloc</text>\n", x + 3, y, x + 3, y + 14, x + 10, y + 11);
	x += 60;
	fprintf(f, "<path d=\"M%.1f %.1f l6 6 m0 -6 l-6 6\" class=\"free\"/><text x=\"%.1f\" "
		"y=\"%.1f\">free</text>\n", x, y + 4, x + 12, y + 11);
	x += 55;
	fprintf(f, "<path d=\"M%.1f %.1f l4 4 l-4 4 l-4 -4 z\" class=\"cow\"/><text x=\"%.1f\" "
		"y=\"%.1f\">COW copy</text>\n", x + 4, y + 3, x + 12, y + 11);
	x += 85;
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"5\" height=\"5\" class=\"dirty\"/>"
		"<text x=\"%.1f\" y=\"%.1f\">dirtied</text>\n", x, y + 5, x + 9, y + 11);
	x += 70;
	fprintf(f, "<path d=\"M%.1f %.1f l10 10 m0 -10 l-10 10\" class=\"viol\"/><text x=\"%.1f\" "
		"y=\"%.1f\">violation</text>\n", x, y + 2, x + 14, y + 11);
	fprintf(f, "<text x=\"20\" y=\"%.1f\" class=\"note\">Time runs left to right from the "
		"first event shown; \xe2\x89\x88 on the axis marks an idle stretch drawn shorter "
		"than it was. Hover a mark for its exact event.</text>\n", y + 32);
	fputs("</g>\n", f);
}

int svg_write(FILE *f, const struct tr_data *d, unsigned int max_lanes)
{
	size_t *shown, nr_shown = 0, nr_io = 0, i, k, *idx, *nidx, nt = 0;
	struct svg_time tm = { 0 };
	uint64_t t0 = UINT64_MAX, t1 = 0;
	size_t zero_lane = SIZE_MAX, nr_step_lines;
	double y, h;
	int ret = 0;

	if (!max_lanes)
		max_lanes = 1;
	shown = calloc(d->nr_lanes + 1, sizeof(*shown));
	nidx = calloc(d->nr_lanes + 1, sizeof(*nidx));
	idx = calloc(d->nr ? d->nr : 1, sizeof(*idx));
	tm.t = calloc(d->nr + 2, sizeof(*tm.t));
	tm.v = calloc(d->nr + 2, sizeof(*tm.v));
	if (!shown || !nidx || !idx || !tm.t || !tm.v) {
		ret = -ENOMEM;
		goto out;
	}

	/* The zero page's lane first (one with events, else colour 0), then the I/O pages. */
	for (i = 0; i < d->nr_lanes; i++)
		if (d->lanes[i].zero && (zero_lane == SIZE_MAX || d->lanes[i].io))
			zero_lane = i;
	if (zero_lane != SIZE_MAX)
		shown[nr_shown++] = zero_lane;
	for (i = 0; i < d->nr_lanes; i++) {
		if (d->lanes[i].zero || !(d->lanes[i].io || d->lanes[i].during_io))
			continue;
		nr_io++;
		if (nr_shown < max_lanes)
			shown[nr_shown++] = i;
	}
	/* The window: the I/O lanes' events (a zero page's boot-time alloc is not news). */
	for (k = 0; k < nr_shown; k++) {
		const struct tr_lane *l = &d->lanes[shown[k]];

		if (!l->nr_events || (!l->io && !l->during_io && nr_io))
			continue;
		t0 = l->first_ns < t0 ? l->first_ns : t0;
		t1 = l->last_ns > t1 ? l->last_ns : t1;
	}
	if (t0 == UINT64_MAX)
		t0 = t1 = 0;

	/* The records of the shown lanes, per lane, in time order. */
	for (k = 0; k < nr_shown; k++)
		nidx[shown[k]] = k + 1;
	for (i = 0; i < d->nr; i++)
		if (nidx[d->lane_of[i]] && d->recs[i].ns >= t0 && d->recs[i].ns <= t1) {
			idx[nt] = i;
			tm.t[nt++] = d->recs[i].ns;
		}
	qsort_r(idx, nt, sizeof(*idx), svg_cmp_rec, d->recs);

	/* The axis: sorted unique times, gaps longer than 1/30 of the span drawn that long. */
	qsort(tm.t, nt, sizeof(*tm.t), svg_cmp_u64);
	for (i = 0; i < nt; i++)
		if (!tm.n || tm.t[tm.n - 1] != tm.t[i])
			tm.t[tm.n++] = tm.t[i];
	if (tm.n == 1)
		tm.t[tm.n++] = tm.t[0] + 1;
	tm.cap = (t1 - t0) / 30 + 1;
	for (i = 1; i < tm.n; i++) {
		uint64_t dt = tm.t[i] - tm.t[i - 1];

		tm.v[i] = tm.v[i - 1] + (double)(dt > tm.cap ? tm.cap : dt);
	}
	tm.vmax = tm.n ? tm.v[tm.n - 1] : 0;
	tm.x0 = SVG_LABEL_W;
	tm.w = SVG_W - SVG_LABEL_W - SVG_RIGHT;

	nr_step_lines = 0;
	for (k = 0; k < d->nr_steps; k++)
		if (d->steps[k].ns <= t1)
			nr_step_lines++;
	h = SVG_TOP + (double)nr_shown * SVG_LANE_H + SVG_AXIS_H + SVG_LEGEND_H +
	    (nr_step_lines ? 22 + 15.0 * (double)nr_step_lines : 0);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" "
		"viewBox=\"0 0 %d %.0f\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" "
		"font-size=\"12\">\n", SVG_W, h, SVG_W, h);
	fputs("<style>\n"
	      ".title{font-size:17px;font-weight:bold;fill:#1b2430}\n"
	      ".sub{font-size:12px;fill:#4a5568}\n"
	      ".lbl{font-family:DejaVu Sans Mono,monospace;font-size:11px;fill:#1b2430}\n"
	      ".note{font-size:11px;fill:#5a6473;font-style:italic}\n"
	      ".cnt{font-size:9px;fill:#ffffff;text-anchor:middle;font-weight:bold}\n"
	      ".tick{font-size:10px;fill:#4a5568;text-anchor:middle}\n"
	      ".lh{font-weight:bold;fill:#1b2430}\n"
	      ".alloc{stroke:#2ca02c;stroke-width:2}\n"
	      ".free{stroke:#6b6b6b;stroke-width:1.8;fill:none}\n"
	      ".fault{fill:#2ca02c;stroke:#ffffff;stroke-width:0.8}\n"
	      ".unmap{fill:#8a8a8a}\n"
	      ".bio{fill:#8e44ad}\n"
	      ".cow{fill:#17becf;stroke:#0e7c87;stroke-width:0.6}\n"
	      ".dirty{fill:#8c564b}\n"
	      ".viol{stroke:#d62728;stroke-width:3;fill:none}\n"
	      ".step{stroke:#c0392b;stroke-width:1;stroke-dasharray:5,3;stroke-opacity:0.7}\n"
	      ".stepn{font-size:11px;font-weight:bold;fill:#c0392b;text-anchor:middle}\n"
	      ".steps{font-size:11px;fill:#1b2430}\n"
	      "</style>\n", f);
	fprintf(f, "<rect width=\"%d\" height=\"%.0f\" fill=\"#ffffff\"/>\n", SVG_W, h);
	fputs("<text x=\"20\" y=\"28\" class=\"title\">pinio trace: ", f);
	svg_text_esc(f, d->title);
	fprintf(f, " (profile %s)</text>\n", d->profile ? d->profile : "?");
	fprintf(f, "<text x=\"20\" y=\"50\" class=\"sub\">%zu page events on %zu page(s); one lane "
		"per page that was pinned, in a bio, under DMA or allocated meanwhile (%zu of %zu shown)%s",
		d->nr, d->nr_lanes, nr_shown - (zero_lane != SIZE_MAX), nr_io,
		zero_lane != SIZE_MAX ? ", plus the zero page" : "");
	if (d->dropped)
		fprintf(f, "; %lu events dropped (recorder full)", d->dropped);
	fputs("</text>\n", f);

	/* Lanes. */
	y = SVG_TOP;
	for (k = 0; k < nr_shown; k++) {
		size_t li = shown[k], n = 0, first = SIZE_MAX;
		char label[96];

		for (i = 0; i < nt; i++)
			if (d->lane_of[idx[i]] == li) {
				if (first == SIZE_MAX)
					first = i;
				n++;
			}
		if (k % 2)
			fprintf(f, "<rect x=\"10\" y=\"%.1f\" width=\"%d\" height=\"%d\" "
				"fill=\"#f3f5f8\"/>\n", y, SVG_W - 20, SVG_LANE_H);
		fprintf(f, "<text x=\"16\" y=\"%.1f\" class=\"lbl\">", y + SVG_LANE_H / 2.0 + 4);
		svg_text_esc(f, tr_lane_label(&d->lanes[li], label, sizeof(label)));
		fputs("</text>\n", f);
		/* The lane's records are contiguous in idx only per lane: collect them. */
		if (n) {
			size_t *mine = malloc(n * sizeof(*mine)), m = 0;

			if (!mine) {
				ret = -ENOMEM;
				goto out;
			}
			for (i = first; i < nt; i++)
				if (d->lane_of[idx[i]] == li)
					mine[m++] = idx[i];
			svg_lane(f, d, &tm, li, mine, m, y, t0, t1);
			free(mine);
		} else {
			svg_lane(f, d, &tm, li, NULL, 0, y, t0, t1);
		}
		y += SVG_LANE_H;
	}

	/* Steps: a dashed line where each began, numbered at the top. */
	for (k = 0; k < d->nr_steps; k++) {
		const struct tr_step *st = &d->steps[k];
		bool last_before = st->ns < t0 && (k + 1 == d->nr_steps || d->steps[k + 1].ns >= t0);
		double x;

		if (st->ns > t1 || (st->ns < t0 && !last_before))
			continue;
		x = svg_x(&tm, st->ns < t0 ? t0 : st->ns);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" class=\"step\"/>"
			"<text x=\"%.1f\" y=\"%d\" class=\"stepn\">%u<title>", x, SVG_TOP - 10, x, y,
			x, SVG_TOP - 12, st->nr);
		svg_text_esc(f, st->text);
		fputs("</title></text>\n", f);
	}

	/* Axis: a baseline, ticks labelled in real time, idle stretches marked. */
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#1b2430\"/>\n",
		tm.x0, y + 4, tm.x0 + tm.w, y + 4);
	for (i = 0; i <= SVG_TICKS; i++) {
		double v = tm.vmax * (double)i / SVG_TICKS, x = tm.x0 + tm.w * (double)i / SVG_TICKS;
		char t[32];

		svg_fmt_time(t, sizeof(t), svg_t_of_v(&tm, v) - t0);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#1b2430\"/>"
			"<text x=\"%.1f\" y=\"%.1f\" class=\"tick\">%s</text>\n", x, y + 4, x, y + 9,
			x, y + 21, t);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#d5dae1\" "
			"stroke-dasharray=\"2,4\"/>\n", x, SVG_TOP, x, y + 4);
	}
	for (i = 1; i < tm.n; i++)
		if (tm.t[i] - tm.t[i - 1] > tm.cap) {
			double x = svg_x(&tm, tm.t[i - 1]) + (svg_x(&tm, tm.t[i]) -
							      svg_x(&tm, tm.t[i - 1])) / 2;

			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" fill=\"#b03a2e\">"
				"\xe2\x89\x88</text>\n", x, y + 8);
		}
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\">time since the first event shown"
		"</text>\n", tm.x0 + tm.w / 2, y + 36);
	svg_legend(f, y + SVG_AXIS_H);
	if (nr_step_lines) {
		double sy = y + SVG_AXIS_H + SVG_LEGEND_H + 14;

		fprintf(f, "<text x=\"20\" y=\"%.1f\" class=\"lh\">Steps (red dashed lines)</text>\n",
			sy);
		for (k = 0; k < d->nr_steps; k++) {
			if (d->steps[k].ns > t1)
				continue;
			sy += 15;
			fprintf(f, "<text x=\"28\" y=\"%.1f\" class=\"steps\"><tspan font-weight=\"bold\" "
				"fill=\"#c0392b\">%u</tspan>  ", sy, d->steps[k].nr);
			svg_text_esc(f, d->steps[k].text);
			fputs("</text>\n", f);
		}
	}
	fputs("</svg>\n", f);
	if (ferror(f))
		ret = -EIO;
out:
	free(shown);
	free(nidx);
	free(idx);
	free(tm.t);
	free(tm.v);
	return ret;
}
