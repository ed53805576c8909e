// SPDX-License-Identifier: GPL-2.0
/*
 * tools/pinio/run_report.c - `pinio run`: what the main thread reads
 * while and after the clones run. The once-a-second progress line (fio's
 * "Jobs:" line, plus the pins held), counter snapshots before and after
 * the run that make the pin ledger, and the clones' reports merged per
 * group and in total.
 */
#include <stdlib.h>
#include <string.h>

#include "run_internal.h"

/* ---- the progress line ------------------------------------------------------------ */

static char phase_char(const struct clone *c, int ph)
{
	bool rnd = job_rw_random(c->job->rw);

	switch (ph) {
	case PH_SETUP:
	case PH_LAYOUT:
		return 'P';
	case PH_VERIFY:
		return 'V';
	case PH_DONE:
		return '_';
	default:
		break;
	}
	if (!job_rw_writes(c->job->rw))
		return rnd ? 'r' : 'R';
	if (!job_rw_reads(c->job->rw))
		return rnd ? 'w' : 'W';
	return rnd ? 'm' : 'M';
}

struct progress {
	uint64_t last_ns;
	uint64_t last_bytes[NR_DIRS];
	uint64_t last_ios[NR_DIRS];
	int width;
};

static void progress_line(FILE *f, struct run_ctx *ctx, struct progress *p, uint64_t start)
{
	uint64_t now = run_now_ns(), bytes[NR_DIRS] = { 0 }, ios[NR_DIRS] = { 0 }, eta_ns = 0;
	double span = (double)(now - p->last_ns) / 1e9, frac_sum = 0;
	char line[256], status[48], a[16], b[16], c2[16], d[16];
	unsigned int i, running = 0, n = 0, shown = 0;
	int len;

	for (i = 0; i < ctx->nr_clones; i++) {
		struct clone *c = &ctx->clones[i];
		int ph = atomic_load_explicit(&c->phase, memory_order_relaxed);
		uint64_t since = now - atomic_load_explicit(&c->phase_start_ns, memory_order_relaxed);
		const struct job *job = c->job;
		int dd;

		for (dd = 0; dd < NR_DIRS; dd++) {
			bytes[dd] += atomic_load_explicit(&c->p_bytes[dd], memory_order_relaxed);
			ios[dd] += atomic_load_explicit(&c->p_ios[dd], memory_order_relaxed);
		}
		if (ph != PH_DONE)
			running++;
		if (shown < 8 && n + 2 < sizeof(status))
			status[n++] = phase_char(c, ph), shown++;
		if (ph == PH_DONE) {
			frac_sum += 1;
		} else if (ph == PH_RUN && job->runtime_ns) {
			double fr = (double)since / (double)job->runtime_ns;

			frac_sum += fr > 1 ? 1 : fr;
			if (job->runtime_ns > since && job->runtime_ns - since > eta_ns)
				eta_ns = job->runtime_ns - since;
		} else if (ph == PH_RAMP && job->ramp_ns > since) {
			if (job->ramp_ns - since + job->runtime_ns > eta_ns)
				eta_ns = job->ramp_ns - since + job->runtime_ns;
		}
	}
	if (ctx->nr_clones > shown && n + 4 < sizeof(status))
		status[n++] = '.', status[n++] = '.';
	status[n] = '\0';
	len = snprintf(line, sizeof(line),
		       "Jobs: %u (f=%u): [%s][%.1f%%][r=%sB/s,w=%sB/s][r=%s,w=%s IOPS][pins %llu][eta %02llum:%02llus]",
		       running, running, status, 100.0 * frac_sum / ctx->nr_clones,
		       output_num((double)(bytes[0] - p->last_bytes[0]) / span, true, a, sizeof(a)),
		       output_num((double)(bytes[1] - p->last_bytes[1]) / span, true, b, sizeof(b)),
		       output_num((double)(ios[0] - p->last_ios[0]) / span, false, c2, sizeof(c2)),
		       output_num((double)(ios[1] - p->last_ios[1]) / span, false, d, sizeof(d)),
		       (unsigned long long)(sim_vmstat("nr_foll_pin_acquired") -
					    sim_vmstat("nr_foll_pin_released")),
		       (unsigned long long)(eta_ns / 60000000000ULL),
		       (unsigned long long)(eta_ns / 1000000000ULL % 60));
	(void)start;
	fprintf(f, "\r%s%*s", line, p->width > len ? p->width - len : 0, "");
	fflush(f);
	p->width = len;
	p->last_ns = now;
	memcpy(p->last_bytes, bytes, sizeof(bytes));
	memcpy(p->last_ios, ios, sizeof(ios));
}

static void progress_clear(FILE *f, struct progress *p)
{
	if (p->width) {
		fprintf(f, "\r%*s\r", p->width, "");
		fflush(f);
	}
}

/* Wait for every clone, drawing the progress line about once a second on a tty. */
void run_wait_clones(struct run_ctx *ctx, FILE *out, bool tty)
{
	struct progress p = { .last_ns = run_now_ns() };
	uint64_t start = p.last_ns, next = start + 1000000000ULL;

	pthread_mutex_lock(&ctx->lock);
	while (ctx->nr_done < ctx->nr_clones) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&ctx->cond, &ctx->lock, &ts);
		if (tty && run_now_ns() >= next && ctx->nr_done < ctx->nr_clones) {
			pthread_mutex_unlock(&ctx->lock);
			progress_line(out, ctx, &p, start);
			next += 1000000000ULL;
			pthread_mutex_lock(&ctx->lock);
		}
	}
	pthread_mutex_unlock(&ctx->lock);
	if (tty)
		progress_clear(out, &p);
}

/* ---- the ledger ------------------------------------------------------------------- */

struct counter_snap {
	unsigned int nr;
	struct {
		char name[40];
		unsigned long val;
	} v[64];
};

static void snap_cb(const char *name, unsigned long val, void *arg)
{
	struct counter_snap *s = arg;

	if (s->nr >= sizeof(s->v) / sizeof(s->v[0]))
		return;
	snprintf(s->v[s->nr].name, sizeof(s->v[s->nr].name), "%s", name);
	s->v[s->nr].val = val;
	s->nr++;
}

static unsigned long snap_get(const struct counter_snap *s, const char *name)
{
	unsigned int i;

	for (i = 0; i < s->nr; i++)
		if (!strcmp(s->v[i].name, name))
			return s->v[i].val;
	return 0;
}

static const char *const blk_stat_names[] = { "bios_submitted", "bios_split", "bios_rejected" };
static const char *const dma_stat_names[] = { "dma_checks", "dma_violations", "dma_bytes",
					      "dma_requests" };

struct run_snap {
	struct counter_snap vm;
	unsigned long blk[3];
	unsigned long dma[4];
	struct sim_ledger ledger;
};

struct run_snap *run_snap_alloc(void)
{
	return calloc(1, sizeof(struct run_snap));
}

void run_take_snap(struct run_snap *s)
{
	unsigned int i;

	s->vm.nr = 0;
	sim_vmstat_foreach(snap_cb, &s->vm);
	for (i = 0; i < 3; i++)
		s->blk[i] = sim_blk_stat(blk_stat_names[i]);
	for (i = 0; i < 4; i++)
		s->dma[i] = sim_dma_stat(dma_stat_names[i]);
	sim_ledger_read(&s->ledger);
}

void run_fill_ledger(struct pin_ledger *l, const struct run_snap *a, const struct run_snap *b)
{
#define VM_DELTA(n) ((uint64_t)(snap_get(&b->vm, n) - snap_get(&a->vm, n)))
	unsigned int i;

	l->pins_acquired = VM_DELTA("nr_foll_pin_acquired");
	l->pins_released = VM_DELTA("nr_foll_pin_released");
	l->foll_get = VM_DELTA("pinio_foll_get_acquired");
	l->zero_pins = VM_DELTA("pinio_zero_page_pins");
	l->zero_unpins = VM_DELTA("pinio_zero_page_unpins");
	l->gup_fast = VM_DELTA("pinio_gup_fast_pages");
	l->gup_slow = VM_DELTA("pinio_gup_slow_pages");
	l->gup_fast_fallback = VM_DELTA("pinio_gup_fast_fallback");
	l->pgfault = VM_DELTA("pgfault");
	l->cow_faults = VM_DELTA("pinio_cow_faults");
	l->thp_fault_alloc = VM_DELTA("thp_fault_alloc");
#undef VM_DELTA
	l->bios_submitted = b->blk[0] - a->blk[0];
	l->bios_split = b->blk[1] - a->blk[1];
	l->bios_rejected = b->blk[2] - a->blk[2];
	l->dma_checks = b->dma[0] - a->dma[0];
	l->dma_violations = b->dma[1] - a->dma[1];
	l->dma_bytes = b->dma[2] - a->dma[2];
	l->dma_requests = b->dma[3] - a->dma[3];
	l->pins_outstanding = b->ledger.pins;
	l->live_bios = b->ledger.live_bios;
	l->ledger_violations = b->ledger.violations - a->ledger.violations;
	l->nr_vmstat = 0;
	for (i = 0; i < b->vm.nr && i < sizeof(l->vmstat) / sizeof(l->vmstat[0]); i++) {
		snprintf(l->vmstat[i].name, sizeof(l->vmstat[i].name), "%s", b->vm.v[i].name);
		l->vmstat[i].delta = (int64_t)(b->vm.v[i].val - snap_get(&a->vm, b->vm.v[i].name));
		l->vmstat[i].value = b->vm.v[i].val;
		l->nr_vmstat++;
	}
}

/* ---- merging reports ------------------------------------------------------------- */

static void report_merge(struct job_report *dst, const struct job_report *src)
{
	int d, i;

	for (d = 0; d < NR_DIRS; d++) {
		struct dir_stats *a = &dst->dir[d];
		const struct dir_stats *b = &src->dir[d];

		a->ios += b->ios;
		a->bytes += b->bytes;
		a->short_ios += b->short_ios;
		lat_stat_merge(&a->slat, &b->slat);
		lat_stat_merge(&a->clat, &b->clat);
		lat_stat_merge(&a->lat, &b->lat);
		lat_hist_merge(&a->clat_hist, &b->clat_hist);
		lat_hist_merge(&a->lat_hist, &b->lat_hist);
		lat_stat_merge(&a->bw_samples, &b->bw_samples);
		lat_stat_merge(&a->iops_samples, &b->iops_samples);
	}
	if (src->runtime_ns > dst->runtime_ns)
		dst->runtime_ns = src->runtime_ns;
	if (src->elapsed_ns > dst->elapsed_ns)
		dst->elapsed_ns = src->elapsed_ns;
	dst->usr_sec += src->usr_sec;
	dst->sys_sec += src->sys_sec;
	dst->ctx += src->ctx;
	for (i = 0; i < NR_DEPTH_BUCKETS; i++)
		dst->depth[i] += src->depth[i];
	dst->submits += src->submits;
	dst->verified += src->verified;
	dst->verify_failures += src->verify_failures;
	dst->prefilled += src->prefilled;
	dst->nr_clones += src->nr_clones;
	if (!dst->error && src->error) {
		dst->error = src->error;
		snprintf(dst->errmsg, sizeof(dst->errmsg), "%s", src->errmsg);
	}
}

void run_build_reports(struct run_report *r, struct run_ctx *ctx, bool group)
{
	unsigned int i;
	int d;

	memset(&r->total, 0, sizeof(r->total));
	r->nr_reports = 0;
	for (i = 0; i < ctx->nr_clones; i++) {
		struct job_report *src = &ctx->clones[i].rep;

		if (group) {
			if (!r->nr_reports) {
				r->reports[0] = *src;
				r->nr_reports = 1;
			} else {
				report_merge(&r->reports[0], src);
			}
		} else {
			r->reports[r->nr_reports++] = *src;
		}
		if (!i) {
			r->total = *src;
		} else {
			report_merge(&r->total, src);
		}
		r->verify_failures += src->verify_failures;
		if (src->error)
			r->io_errors++;
	}
	for (d = 0; d < NR_DIRS; d++) {
		r->bw_min[d] = UINT64_MAX;
		r->bw_max[d] = 0;
		r->run_min_ns[d] = UINT64_MAX;
		r->run_max_ns[d] = 0;
		for (i = 0; i < r->nr_reports; i++) {
			const struct job_report *jr = &r->reports[i];
			uint64_t bw;

			if (!jr->dir[d].ios)
				continue;
			bw = jr->runtime_ns ? (uint64_t)((double)jr->dir[d].bytes * 1e9 /
							  (double)jr->runtime_ns)
					    : 0;
			if (bw < r->bw_min[d])
				r->bw_min[d] = bw;
			if (bw > r->bw_max[d])
				r->bw_max[d] = bw;
			if (jr->runtime_ns < r->run_min_ns[d])
				r->run_min_ns[d] = jr->runtime_ns;
			if (jr->runtime_ns > r->run_max_ns[d])
				r->run_max_ns[d] = jr->runtime_ns;
		}
		if (r->bw_min[d] == UINT64_MAX)
			r->bw_min[d] = 0;
		if (r->run_min_ns[d] == UINT64_MAX)
			r->run_min_ns[d] = 0;
	}
}
