// SPDX-License-Identifier: GPL-2.0
/*
 * tools/pinio/output.c - `pinio run`'s report: fio's normal output and
 * fio's JSON (its key names wherever fio has one), each followed by the
 * pin ledger, which fio has no notion of.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "pinio.h"
#include "run.h"

static const char *const dir_names[NR_DIRS] = { "read", "write" };
static const char *const dir_upper[NR_DIRS] = { "READ", "WRITE" };

const char *output_num(double v, bool binary, char *buf, size_t size)
{
	static const char *const dec[] = { "", "k", "M", "G", "T", "P", "E" };
	static const char *const bin[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };
	double base = binary ? 1024 : 1000;
	int u = 0;

	if (!(v > 0))
		v = 0;
	while (v >= 10000 && u < 6) {
		v /= base;
		u++;
	}
	if (!u)
		snprintf(buf, size, "%.0f%s", v, binary ? "" : "");
	else if (v < 10)
		snprintf(buf, size, "%.2f%s", v, binary ? bin[u] : dec[u]);
	else if (v < 100)
		snprintf(buf, size, "%.1f%s", v, binary ? bin[u] : dec[u]);
	else
		snprintf(buf, size, "%.0f%s", v, binary ? bin[u] : dec[u]);
	return buf;
}

/* A byte count for the summary: "256MiB" or "1234B". */
static const char *bytes_str(double v, char *buf, size_t size)
{
	char n[24];

	output_num(v, true, n, sizeof(n));
	snprintf(buf, size, "%.23sB", n);
	return buf;
}

static double per_sec(uint64_t n, uint64_t ns)
{
	return ns ? (double)n * 1e9 / (double)ns : 0;
}

static uint64_t clamp_u64(uint64_t v, uint64_t lo, uint64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* ---- usage and header -------------------------------------------------------- */

void run_usage(FILE *f)
{
	fputs("usage: pinio run [OPTIONS] [JOBFILE...]\n"
	      "\n"
	      "Run fio-style I/O jobs on the simulated machine and show, beside fio's\n"
	      "numbers, where every page's pin went (the pin ledger). With no job given,\n"
	      "runs the default job: 4 KiB randrw with verify=crc32c, iodepth 8 on the\n"
	      "async ring (io_uring), 3 s time_based, on a 64 MiB file on simfs on a\n"
	      "256 MiB ram device, through iomap direct I/O.\n"
	      "\n"
	      "Job options (fio syntax: --key=value on the command line, key=value in\n"
	      "[sections] of a job file; options before the first --name apply to every\n"
	      "job):\n"
	      "  --name=NAME          start a new job\n"
	      "  --filename=PATH      the device's node (/dev/ram0 ...), or with --fs=simfs\n"
	      "                       a file /mnt/NAME (default: /mnt/JOBNAME.N per clone)\n"
	      "  --rw=MODE            read write randread randwrite rw|readwrite randrw\n"
	      "  --rwmixread=PCT      reads in a mixed job (default 50); --rwmixwrite\n"
	      "  --bs=SIZE            block size (default 4k)\n"
	      "  --size=SIZE|PCT%     bytes the job covers (default: the device; on simfs\n"
	      "                       a share of the filesystem; the default job 64M)\n"
	      "  --offset=SIZE|PCT%   where the job starts (default 0)\n"
	      "  --direct=1|0         O_DIRECT (the default); direct=0, buffered through\n"
	      "                       the page cache, needs --fs=simfs\n"
	      "  --ioengine=ENGINE    psync pvsync (synchronous) libaio io_uring (async ring)\n"
	      "  --iodepth=N          I/Os in flight with libaio/io_uring (default 1)\n"
	      "  --fixedbufs          io_uring: register the buffer, READ/WRITE_FIXED\n"
	      "  --numjobs=N          clones, each its own task and address space\n"
	      "  --group_reporting    one report for all clones\n"
	      "  --runtime=TIME       stop after TIME (default unit s; ms, us, m, h)\n"
	      "  --time_based         run for runtime, wrapping around the region\n"
	      "  --ramp_time=TIME     run this long before measuring\n"
	      "  --randseed=N         seed of the random offsets and mix\n"
	      "  --verify=crc32c      check every block read against its header (or 0)\n"
	      "\n"
	      "pinio's options:\n"
	      "  --device=ram:SIZE|null:SIZE|file:PATH[,psync|io_uring][,direct]\n"
	      "                       the device, /dev/ram0, /dev/nullb0 or /dev/loop0\n"
	      "                       (default ram:256M); a file must exist already\n"
	      "  --fs=none|simfs[,bs=N]\n"
	      "                       simfs (block size N, default 4096) made on the\n"
	      "                       device and mounted at /mnt; the default job's\n"
	      "                       default, and implied by --engine=iomap|legacy\n"
	      "  --engine=raw|passthrough|iomap|legacy\n"
	      "                       O_DIRECT on the block device, or SG_IO-like blk-map\n"
	      "                       commands (synchronous), both with --fs=none; with\n"
	      "                       simfs its direct-I/O engine (default iomap)\n"
	      "  --buffer=anon|untouched|shared|thp|file-mmap\n"
	      "                       the user buffers: private anonymous memory filled\n"
	      "                       once; never touched (dropped before each I/O, so\n"
	      "                       writes come from the zero page); MAP_SHARED; 2 MiB\n"
	      "                       folios; a MAP_SHARED mapping of a file on simfs\n"
	      "  --profile=v6.5|v6.4|v21  the kernel behaviour to model (default v6.5)\n"
	      "  --dma=inline|threads:N   DMA in the submitter, or N worker threads (1-8)\n"
	      "  --mem=SIZE           simulated memory (default 256M)\n"
	      "  --zero-colours=N     zero pages (1, 2, 4 ... 128)\n"
	      "  --lbs=N              the device's logical block size (512 ... 4096)\n"
	      "  --output-format=normal|json\n"
	      "  --help, --version\n"
	      "\n"
	      "Sizes take fio's units k m g t p (powers of 1024). Exit status: 0 clean,\n"
	      "1 violations, leaks, verify failures or I/O errors, 2 bad usage (nothing\n"
	      "is created). docs/cli.md has the details.\n",
	      f);
}

static void device_desc(const struct run_report *r, char *buf, size_t size)
{
	const struct run_opts *o = r->opts;
	char b[32];

	bytes_str((double)r->dev_bytes, b, sizeof(b));
	if (o->dev_kind == RUN_DEV_FILE)
		snprintf(buf, size, "/dev/%s (file %s, %s backend%s, %s, %u-byte blocks)",
			 run_dev_name(o), o->dev_path, o->dev_backend,
			 o->dev_host_direct ? ", host O_DIRECT" : "", b, o->lbs);
	else
		snprintf(buf, size, "/dev/%s (%s, %s, %u-byte blocks)", run_dev_name(o),
			 run_dev_kind_name(o->dev_kind), b, o->lbs);
}

static void dma_desc(const struct run_report *r, char *buf, size_t size)
{
	if (!r->dma_threads)
		snprintf(buf, size, "inline");
	else
		snprintf(buf, size, "threads:%u", r->dma_threads);
}

void output_header(FILE *f, const struct run_report *r)
{
	const struct run_opts *o = r->opts;
	char dev[JOB_PATH_MAX + 160], dma[24], mem[32], fs[48];
	unsigned int i, clones = 0;

	device_desc(r, dev, sizeof(dev));
	dma_desc(r, dma, sizeof(dma));
	bytes_str((double)o->mem_bytes, mem, sizeof(mem));

	if (o->fs == RUN_FS_SIMFS)
		snprintf(fs, sizeof(fs), "simfs (bs=%u) at %s", o->fs_bs, RUN_MOUNT_DIR);
	else
		snprintf(fs, sizeof(fs), "none");
	fprintf(f, "pinio %s run: profile %s, %s, fs %s, engine %s, buffer %s, dma %s, mem %s",
		PINIO_TOOL_VERSION, run_profile_name(o->profile), dev, fs,
		run_engine_name(o->engine), run_buffer_name(o->buffer), dma, mem);
	if (o->zero_colours > 1)
		fprintf(f, ", %u zero-page colours", o->zero_colours);
	fputc('\n', f);
	for (i = 0; i < r->jobs->nr; i++) {
		const struct job *j = &r->jobs->jobs[i];
		bool async = job_ioengine_async(j->ioengine) && o->engine != RUN_ENGINE_PASSTHROUGH;

		fprintf(f, "%s: (g=0): rw=%s, bs=(R) %lluB-%lluB, (W) %lluB-%lluB, ioengine=%s, iodepth=%u",
			j->name, job_rw_name(j->rw), (unsigned long long)j->bs,
			(unsigned long long)j->bs, (unsigned long long)j->bs,
			(unsigned long long)j->bs, job_ioengine_name(j->ioengine),
			async ? j->iodepth : 1);
		if (j->verify != JOB_VERIFY_NONE)
			fprintf(f, ", verify=%s", job_verify_name(j->verify));
		if (o->fs == RUN_FS_SIMFS) {
			char path[JOB_PATH_MAX + 16], size[32];

			if (j->filename[0])
				snprintf(path, sizeof(path), "%s", j->filename);
			else
				snprintf(path, sizeof(path), "%s/%s.%s", RUN_MOUNT_DIR, j->name,
					 j->numjobs > 1 ? "N" : "0");
			bytes_str((double)(j->offset + j->size), size, sizeof(size));
			fprintf(f, ", filename=%s (%s), direct=%d", path, size, j->direct);
		}
		if (o->engine == RUN_ENGINE_PASSTHROUGH && job_ioengine_async(j->ioengine))
			fputs(" (passthrough is synchronous: iodepth 1)", f);
		fputc('\n', f);
		clones += j->numjobs;
	}
	fprintf(f, "Starting %u thread%s\n", clones, clones == 1 ? "" : "s");
}

/* ---- normal output ------------------------------------------------------------ */

struct lat_unit {
	const char *name;
	double div;
};

/* The unit that shows the mean with 2 to 4 digits before the point. */
static struct lat_unit pick_unit(double mean_ns)
{
	if (mean_ns >= 10000000.0)
		return (struct lat_unit){ "msec", 1e6 };
	if (mean_ns >= 10000.0)
		return (struct lat_unit){ "usec", 1e3 };
	return (struct lat_unit){ "nsec", 1 };
}

static void print_lat(FILE *f, const char *label, const struct lat_stat *s)
{
	struct lat_unit u = pick_unit(s->mean);

	if (!s->n)
		return;
	fprintf(f, "    %s (%s): min=%.0f, max=%.0f, avg=%.2f, stdev=%.2f\n", label, u.name,
		(double)s->min / u.div, (double)s->max / u.div, s->mean / u.div,
		lat_stat_stddev(s) / u.div);
}

static void print_percentiles(FILE *f, const char *label, const struct lat_stat *s,
			      const struct lat_hist *h)
{
	struct lat_unit u = pick_unit(s->mean);
	double vals[NR_LAT_PERCENTILES];
	int i, width = 5;

	if (!h->n)
		return;
	for (i = 0; i < NR_LAT_PERCENTILES; i++) {
		char tmp[32];
		int w;

		vals[i] = (double)clamp_u64(lat_hist_percentile(h, lat_percentiles[i]), s->min,
					    s->max) / u.div;
		w = snprintf(tmp, sizeof(tmp), "%.0f", vals[i]);
		if (w > width)
			width = w;
	}
	fprintf(f, "    %s percentiles (%s):\n", label, u.name);
	for (i = 0; i < NR_LAT_PERCENTILES; i++) {
		if (i % 4 == 0)
			fputs("     |", f);
		fprintf(f, " %5.2fth=[%*.0f]%s", lat_percentiles[i], width, vals[i],
			i == NR_LAT_PERCENTILES - 1 ? "\n" : i % 4 == 3 ? ",\n" : ",");
	}
}

static void print_dir(FILE *f, const struct job_report *jr, int d)
{
	const struct dir_stats *ds = &jr->dir[d];
	double iops = per_sec(ds->ios, jr->runtime_ns), bw = per_sec(ds->bytes, jr->runtime_ns);
	char a[24], b[24], c[24], e[24];

	if (!ds->ios)
		return;
	output_num(iops, false, a, sizeof(a));
	output_num(bw, true, b, sizeof(b));
	output_num(bw, false, c, sizeof(c));
	output_num((double)ds->bytes, true, e, sizeof(e));
	fprintf(f, "  %s: IOPS=%s, BW=%sB/s (%sB/s)(%sB/%llumsec)\n", dir_names[d], a, b, c, e,
		(unsigned long long)(jr->runtime_ns / 1000000));
	print_lat(f, "slat", &ds->slat);
	print_lat(f, "clat", &ds->clat);
	print_lat(f, " lat", &ds->lat);
	print_percentiles(f, "clat", &ds->clat, &ds->clat_hist);
	if (ds->bw_samples.n) {
		fprintf(f, "   bw (  KiB/s): min=%llu, max=%llu, avg=%.2f, stdev=%.2f, samples=%llu\n",
			(unsigned long long)ds->bw_samples.min,
			(unsigned long long)ds->bw_samples.max, ds->bw_samples.mean,
			lat_stat_stddev(&ds->bw_samples), (unsigned long long)ds->bw_samples.n);
		fprintf(f, "   iops        : min=%llu, max=%llu, avg=%.2f, stdev=%.2f, samples=%llu\n",
			(unsigned long long)ds->iops_samples.min,
			(unsigned long long)ds->iops_samples.max, ds->iops_samples.mean,
			lat_stat_stddev(&ds->iops_samples),
			(unsigned long long)ds->iops_samples.n);
	}
}

/* fio's latency buckets: upper bounds in the unit of each row. */
static const uint64_t lat_bounds[] = { 2, 4, 10, 20, 50, 100, 250, 500, 750, 1000 };
static const uint64_t lat_bounds_ms[] = { 2, 4, 10, 20, 50, 100, 250, 500, 750, 1000, 2000 };

/* Share of the I/Os in (lo, hi] ns, in percent. */
static double lat_share(const struct lat_hist *h, uint64_t lo, uint64_t hi)
{
	uint64_t n;

	if (!h->n)
		return 0;
	n = lat_hist_count_le(h, hi) - (lo ? lat_hist_count_le(h, lo) : 0);
	return 100.0 * (double)n / (double)h->n;
}

static void merged_lat_hist(const struct job_report *jr, struct lat_hist *h)
{
	memset(h, 0, sizeof(*h));
	lat_hist_merge(h, &jr->dir[DIR_READ].lat_hist);
	lat_hist_merge(h, &jr->dir[DIR_WRITE].lat_hist);
}

/* One of fio's "lat (usec)   : 10=0.01%, 20=45.23%" rows; nothing if all are < 0.01 %. */
static void print_lat_row(FILE *f, const char *unit, const struct lat_hist *h, uint64_t mult,
			  uint64_t first_lo, const uint64_t *bounds, size_t nb, bool ge_last)
{
	uint64_t lo = first_lo;
	bool any = false;
	size_t i;

	for (i = 0; i <= nb; i++) {
		bool last = i == nb;
		double pct;

		if (last && !ge_last)
			break;
		pct = lat_share(h, lo, last ? UINT64_MAX : bounds[i] * mult);
		if (pct >= 0.01) {
			if (!any)
				fprintf(f, "  lat (%s)   : ", unit);
			fprintf(f, "%s%s%llu=%.2f%%", any ? ", " : "", last ? ">=" : "",
				(unsigned long long)bounds[last ? nb - 1 : i], pct);
			any = true;
		}
		if (!last)
			lo = bounds[i] * mult;
	}
	if (any)
		fputc('\n', f);
}

static void print_lat_buckets(FILE *f, const struct job_report *jr, struct lat_hist *h)
{
	merged_lat_hist(jr, h);
	if (!h->n)
		return;
	print_lat_row(f, "nsec", h, 1, 0, lat_bounds, 10, false);
	print_lat_row(f, "usec", h, 1000, 1000, lat_bounds, 10, false);
	print_lat_row(f, "msec", h, 1000000, 1000000, lat_bounds_ms, 11, true);
}

static void print_job(FILE *f, const struct job_report *jr, const struct run_report *r,
		      struct lat_hist *scratch)
{
	static const char *const depth_names[NR_DEPTH_BUCKETS] = { "1", "2", "4", "8", "16", "32",
								   ">=64" };
	uint64_t depth_total = 0;
	time_t t = (time_t)r->start_time;
	char when[64];
	double cpu_base;
	int d;

	strftime(when, sizeof(when), "%a %b %e %H:%M:%S %Y", localtime(&t));
	fprintf(f, "%s: (groupid=%u, jobs=%u): err=%3d: pid=%d: %s\n", jr->name, jr->groupid,
		jr->nr_clones, jr->error < 0 ? -jr->error : jr->error, jr->pid, when);
	if (jr->error)
		fprintf(f, "  error: %s\n", jr->errmsg);
	for (d = 0; d < NR_DIRS; d++)
		print_dir(f, jr, d);
	print_lat_buckets(f, jr, scratch);
	cpu_base = jr->elapsed_ns ? (double)jr->elapsed_ns / 1e9 : 1;
	fprintf(f, "  cpu          : usr=%.2f%%, sys=%.2f%%, ctx=%llu, majf=0, minf=0\n",
		100.0 * jr->usr_sec / cpu_base / jr->nr_clones,
		100.0 * jr->sys_sec / cpu_base / jr->nr_clones, (unsigned long long)jr->ctx);
	for (d = 0; d < NR_DEPTH_BUCKETS; d++)
		depth_total += jr->depth[d];
	fputs("  IO depths    :", f);
	for (d = 0; d < NR_DEPTH_BUCKETS; d++)
		fprintf(f, " %s=%.1f%%%s", depth_names[d],
			depth_total ? 100.0 * (double)jr->depth[d] / (double)depth_total : 0,
			d == NR_DEPTH_BUCKETS - 1 ? "\n" : ",");
	fprintf(f, "     issued rwts: total=%llu,%llu,0,0 short=%llu,%llu,0,0 dropped=0,0,0,0\n",
		(unsigned long long)jr->dir[DIR_READ].ios, (unsigned long long)jr->dir[DIR_WRITE].ios,
		(unsigned long long)jr->dir[DIR_READ].short_ios,
		(unsigned long long)jr->dir[DIR_WRITE].short_ios);
	if (jr->job->verify != JOB_VERIFY_NONE)
		fprintf(f, "  verify       : crc32c, blocks laid out=%llu, checked=%llu, failures=%llu\n",
			(unsigned long long)jr->prefilled, (unsigned long long)jr->verified,
			(unsigned long long)jr->verify_failures);
	fputc('\n', f);
}

static void print_group(FILE *f, const struct run_report *r)
{
	const struct job_report *t = &r->total;
	int d;

	fputs("Run status group 0 (all jobs):\n", f);
	for (d = 0; d < NR_DIRS; d++) {
		uint64_t maxrun = r->run_max_ns[d];
		char a[24], b[24], c[24], e[24], g[24], h[24], i[24], k[24];

		if (!t->dir[d].ios)
			continue;
		output_num(per_sec(t->dir[d].bytes, maxrun), true, a, sizeof(a));
		output_num(per_sec(t->dir[d].bytes, maxrun), false, b, sizeof(b));
		output_num((double)r->bw_min[d], true, c, sizeof(c));
		output_num((double)r->bw_max[d], true, e, sizeof(e));
		output_num((double)r->bw_min[d], false, g, sizeof(g));
		output_num((double)r->bw_max[d], false, h, sizeof(h));
		output_num((double)t->dir[d].bytes, true, i, sizeof(i));
		output_num((double)t->dir[d].bytes, false, k, sizeof(k));
		fprintf(f,
			"%7s: bw=%sB/s (%sB/s), %sB/s-%sB/s (%sB/s-%sB/s), io=%sB (%sB), run=%llu-%llumsec\n",
			dir_upper[d], a, b, c, e, g, h, i, k,
			(unsigned long long)(r->run_min_ns[d] / 1000000),
			(unsigned long long)(maxrun / 1000000));
	}
}

/* A vmstat counter's delta over the run, 0 if it did not move. */
static int64_t vmstat_delta(const struct pin_ledger *l, const char *name)
{
	unsigned int i;

	for (i = 0; i < l->nr_vmstat; i++)
		if (!strcmp(l->vmstat[i].name, name))
			return l->vmstat[i].delta;
	return 0;
}

static void print_ledger(FILE *f, const struct run_report *r)
{
	const struct pin_ledger *l = &r->ledger;
	int64_t added = vmstat_delta(l, "pinio_folio_add_pins");
	char b[24];

	fputs("\nPin ledger (the whole run):\n", f);
	fprintf(f, "  pins acquired     nr_foll_pin_acquired    %12llu\n",
		(unsigned long long)l->pins_acquired);
	fprintf(f, "  pins released     nr_foll_pin_released    %12llu   (balance %lld)\n",
		(unsigned long long)l->pins_released,
		(long long)(l->pins_acquired - l->pins_released));
	/*
	 * fs/direct-io.c (--engine=legacy) adds pins with folio_add_pin(),
	 * which, as in the kernel, counts no acquisition; their unpins count.
	 */
	if (added)
		fprintf(f, "  pins added        pinio_folio_add_pins    %12lld   (legacy DIO's folio_add_pin(), not in nr_foll_pin_acquired; balance with them %lld)\n",
			(long long)added,
			(long long)(l->pins_acquired + (uint64_t)added - l->pins_released));
	fprintf(f, "  plain references  pinio_foll_get_acquired %12llu\n",
		(unsigned long long)l->foll_get);
	fprintf(f, "  zero-page pins    pinio_zero_page_pins    %12llu   (unpins %llu)\n",
		(unsigned long long)l->zero_pins, (unsigned long long)l->zero_unpins);
	fprintf(f, "  GUP pages         fast %llu, slow %llu, fast fell back %llu\n",
		(unsigned long long)l->gup_fast, (unsigned long long)l->gup_slow,
		(unsigned long long)l->gup_fast_fallback);
	fprintf(f, "  page faults       %llu (COW %llu, THP %llu)\n",
		(unsigned long long)l->pgfault, (unsigned long long)l->cow_faults,
		(unsigned long long)l->thp_fault_alloc);
	fprintf(f, "  bios              submitted %llu, split %llu, rejected %llu, live at end %ld\n",
		(unsigned long long)l->bios_submitted, (unsigned long long)l->bios_split,
		(unsigned long long)l->bios_rejected, l->live_bios);
	fprintf(f, "  DMA               requests %llu, %sB moved, pages checked %llu, violations %llu\n",
		(unsigned long long)l->dma_requests, output_num((double)l->dma_bytes, true, b, sizeof(b)),
		(unsigned long long)l->dma_checks, (unsigned long long)l->dma_violations);
	fprintf(f, "  invariants        sim_check() at the end: %ld violations; reported during the run: %ld\n",
		l->check_violations, l->ledger_violations);
	fprintf(f, "  leaks             pins outstanding at the end %ld; sim_shutdown(): %ld leaked objects\n",
		l->pins_outstanding, l->leaks);
	fprintf(f, "  merges, bounces   bvec merges %lld, blk-map bounce bios %lld\n",
		(long long)vmstat_delta(l, "pinio_bio_merges"),
		(long long)vmstat_delta(l, "pinio_bounce_copies"));
}

void output_normal(FILE *f, const struct run_report *r)
{
	struct lat_hist *scratch = calloc(1, sizeof(*scratch));
	unsigned int i;

	if (!scratch)
		return;
	for (i = 0; i < r->nr_reports; i++)
		print_job(f, &r->reports[i], r, scratch);
	print_group(f, r);
	print_ledger(f, r);
	if (r->exit_code == PINIO_EXIT_OK) {
		fputs("\nResult: OK: no violations, no leaks", f);
		fputs(r->verify_failures || r->total.verified ? ", no verify failures\n" : "\n", f);
	} else {
		fputs("\nResult: FAIL:", f);
		if (r->ledger.check_violations || r->ledger.dma_violations ||
		    r->ledger.ledger_violations)
			fputs(" violations", f);
		if (r->ledger.leaks)
			fputs(" leaks", f);
		if (r->verify_failures)
			fprintf(f, " %llu verify failures", (unsigned long long)r->verify_failures);
		if (r->io_errors)
			fprintf(f, " I/O errors in %u job%s", r->io_errors, r->io_errors == 1 ? "" : "s");
		if (r->interrupted)
			fputs(" interrupted", f);
		fputc('\n', f);
	}
	free(scratch);
}

/* ---- JSON --------------------------------------------------------------------- */

static void json_lat(struct json_writer *w, const char *key, const struct lat_stat *s,
		     const struct lat_hist *h)
{
	char pk[32];
	int i;

	json_begin_object(w, key);
	json_u64(w, "min", s->min);
	json_u64(w, "max", s->max);
	json_double(w, "mean", s->mean);
	json_double(w, "stddev", lat_stat_stddev(s));
	json_u64(w, "N", s->n);
	if (h && h->n) {
		json_begin_object(w, "percentile");
		for (i = 0; i < NR_LAT_PERCENTILES; i++) {
			snprintf(pk, sizeof(pk), "%f", lat_percentiles[i]);
			json_u64(w, pk, clamp_u64(lat_hist_percentile(h, lat_percentiles[i]),
						  s->min, s->max));
		}
		json_end_object(w);
	}
	json_end_object(w);
}

static void json_dir(struct json_writer *w, const char *key, const struct job_report *jr,
		     const struct dir_stats *ds, uint64_t total_bw)
{
	static const struct dir_stats empty;
	double bw, iops;

	if (!ds)
		ds = &empty;
	bw = per_sec(ds->bytes, jr->runtime_ns);
	iops = per_sec(ds->ios, jr->runtime_ns);
	json_begin_object(w, key);
	json_u64(w, "io_bytes", ds->bytes);
	json_u64(w, "io_kbytes", ds->bytes / 1024);
	json_u64(w, "bw_bytes", (uint64_t)bw);
	json_u64(w, "bw", (uint64_t)(bw / 1024));
	json_double(w, "iops", iops);
	json_u64(w, "runtime", ds->ios ? jr->runtime_ns / 1000000 : 0);
	json_u64(w, "total_ios", ds->ios);
	json_u64(w, "short_ios", ds->short_ios);
	json_u64(w, "drop_ios", 0);
	json_lat(w, "slat_ns", &ds->slat, NULL);
	json_lat(w, "clat_ns", &ds->clat, &ds->clat_hist);
	json_lat(w, "lat_ns", &ds->lat, &ds->lat_hist);
	json_u64(w, "bw_min", ds->bw_samples.min);
	json_u64(w, "bw_max", ds->bw_samples.max);
	json_double(w, "bw_agg", total_bw && ds->ios ? 100.0 * bw / (double)total_bw : 0);
	json_double(w, "bw_mean", ds->bw_samples.mean);
	json_double(w, "bw_dev", lat_stat_stddev(&ds->bw_samples));
	json_u64(w, "bw_samples", ds->bw_samples.n);
	json_u64(w, "iops_min", ds->iops_samples.min);
	json_u64(w, "iops_max", ds->iops_samples.max);
	json_double(w, "iops_mean", ds->iops_samples.mean);
	json_double(w, "iops_stddev", lat_stat_stddev(&ds->iops_samples));
	json_u64(w, "iops_samples", ds->iops_samples.n);
	json_end_object(w);
}

static void json_job_options(struct json_writer *w, const struct job *j, const char *devpath)
{
	char v[48];

	json_begin_object(w, "job options");
	json_string(w, "name", j->name);
	json_string(w, "filename", j->filename[0] ? j->filename : devpath);
	json_string(w, "rw", job_rw_name(j->rw));
	if (job_rw_reads(j->rw) && job_rw_writes(j->rw)) {
		snprintf(v, sizeof(v), "%u", j->rwmixread);
		json_string(w, "rwmixread", v);
	}
	snprintf(v, sizeof(v), "%llu", (unsigned long long)j->bs);
	json_string(w, "bs", v);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)j->size);
	json_string(w, "size", v);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)j->offset);
	json_string(w, "offset", v);
	json_string(w, "direct", j->direct ? "1" : "0");
	json_string(w, "ioengine", job_ioengine_name(j->ioengine));
	snprintf(v, sizeof(v), "%u", j->iodepth);
	json_string(w, "iodepth", v);
	if (j->fixedbufs)
		json_string(w, "fixedbufs", "1");
	snprintf(v, sizeof(v), "%u", j->numjobs);
	json_string(w, "numjobs", v);
	if (j->runtime_ns) {
		snprintf(v, sizeof(v), "%llums", (unsigned long long)(j->runtime_ns / 1000000));
		json_string(w, "runtime", v);
	}
	if (j->time_based)
		json_string(w, "time_based", "1");
	if (j->ramp_ns) {
		snprintf(v, sizeof(v), "%llums", (unsigned long long)(j->ramp_ns / 1000000));
		json_string(w, "ramp_time", v);
	}
	snprintf(v, sizeof(v), "%llu", (unsigned long long)j->randseed);
	json_string(w, "randseed", v);
	if (j->verify != JOB_VERIFY_NONE)
		json_string(w, "verify", job_verify_name(j->verify));
	if (j->group_reporting)
		json_string(w, "group_reporting", "1");
	json_end_object(w);
}

/* fio's latency_ns/us/ms maps: percent of I/Os per bucket. */
static void json_lat_buckets(struct json_writer *w, const struct lat_hist *h)
{
	char k[16];
	uint64_t lo;
	size_t i;

	json_begin_object(w, "latency_ns");
	for (i = 0, lo = 0; i < 10; lo = lat_bounds[i], i++) {
		snprintf(k, sizeof(k), "%llu", (unsigned long long)lat_bounds[i]);
		json_double(w, k, lat_share(h, lo, lat_bounds[i]));
	}
	json_end_object(w);
	json_begin_object(w, "latency_us");
	for (i = 0, lo = 1000; i < 10; lo = lat_bounds[i] * 1000, i++) {
		snprintf(k, sizeof(k), "%llu", (unsigned long long)lat_bounds[i]);
		json_double(w, k, lat_share(h, lo, lat_bounds[i] * 1000));
	}
	json_end_object(w);
	json_begin_object(w, "latency_ms");
	for (i = 0, lo = 1000000; i < 11; lo = lat_bounds_ms[i] * 1000000, i++) {
		snprintf(k, sizeof(k), "%llu", (unsigned long long)lat_bounds_ms[i]);
		json_double(w, k, lat_share(h, lo, lat_bounds_ms[i] * 1000000));
	}
	json_double(w, ">=2000", lat_share(h, 2000000000ULL, UINT64_MAX));
	json_end_object(w);
}

static void json_job(struct json_writer *w, const struct job_report *jr, const struct run_report *r,
		     const char *devpath, struct lat_hist *scratch)
{
	static const char *const depth_names[NR_DEPTH_BUCKETS] = { "1", "2", "4", "8", "16", "32",
								   ">=64" };
	uint64_t total_bw[NR_DIRS], depth_total = 0;
	double cpu_base = jr->elapsed_ns ? (double)jr->elapsed_ns / 1e9 : 1;
	int d;

	for (d = 0; d < NR_DIRS; d++)
		total_bw[d] = (uint64_t)per_sec(r->total.dir[d].bytes, r->run_max_ns[d]);
	json_begin_object(w, NULL);
	json_string(w, "jobname", jr->name);
	json_u64(w, "groupid", jr->groupid);
	json_i64(w, "error", jr->error < 0 ? -jr->error : jr->error);
	json_u64(w, "eta", 0);
	json_u64(w, "elapsed", (jr->elapsed_ns + 999999999ULL) / 1000000000ULL);
	json_job_options(w, jr->job, devpath);
	json_dir(w, "read", jr, &jr->dir[DIR_READ], total_bw[DIR_READ]);
	json_dir(w, "write", jr, &jr->dir[DIR_WRITE], total_bw[DIR_WRITE]);
	json_dir(w, "trim", jr, NULL, 0);
	json_u64(w, "job_runtime", jr->runtime_ns / 1000000);
	json_double(w, "usr_cpu", 100.0 * jr->usr_sec / cpu_base / jr->nr_clones);
	json_double(w, "sys_cpu", 100.0 * jr->sys_sec / cpu_base / jr->nr_clones);
	json_u64(w, "ctx", jr->ctx);
	json_u64(w, "majf", 0);
	json_u64(w, "minf", 0);
	for (d = 0; d < NR_DEPTH_BUCKETS; d++)
		depth_total += jr->depth[d];
	json_begin_object(w, "iodepth_level");
	for (d = 0; d < NR_DEPTH_BUCKETS; d++)
		json_double(w, depth_names[d],
			    depth_total ? 100.0 * (double)jr->depth[d] / (double)depth_total : 0);
	json_end_object(w);
	merged_lat_hist(jr, scratch);
	json_lat_buckets(w, scratch);
	json_u64(w, "latency_depth", jr->job->iodepth);
	json_begin_object(w, "pinio");
	json_u64(w, "clones", jr->nr_clones);
	json_i64(w, "pid", jr->pid);
	json_u64(w, "submits", jr->submits);
	json_u64(w, "verify_blocks_laid_out", jr->prefilled);
	json_u64(w, "verify_blocks_checked", jr->verified);
	json_u64(w, "verify_failures", jr->verify_failures);
	json_string(w, "error_message", jr->errmsg);
	json_end_object(w);
	json_end_object(w);
}

void output_json(FILE *f, const struct run_report *r)
{
	const struct run_opts *o = r->opts;
	const struct pin_ledger *l = &r->ledger;
	struct lat_hist *scratch = calloc(1, sizeof(*scratch));
	struct json_writer w;
	char devpath[40], buf[64];
	time_t t = (time_t)r->start_time;
	unsigned int i;

	if (!scratch)
		return;
	snprintf(devpath, sizeof(devpath), "/dev/%s", run_dev_name(o));
	json_writer_init(&w, f);
	json_begin_object(&w, NULL);
	snprintf(buf, sizeof(buf), "pinio-%s", PINIO_TOOL_VERSION);
	json_string(&w, "fio version", buf);
	json_i64(&w, "timestamp", r->start_time);
	json_i64(&w, "timestamp_ms", r->start_time * 1000);
	strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Y", localtime(&t));
	json_string(&w, "time", buf);
	json_begin_array(&w, "jobs");
	for (i = 0; i < r->nr_reports; i++)
		json_job(&w, &r->reports[i], r, devpath, scratch);
	json_end_array(&w);
	json_begin_array(&w, "disk_util");
	json_end_array(&w);

	json_begin_object(&w, "pinio");
	json_string(&w, "version", PINIO_TOOL_VERSION);
	json_string(&w, "profile", run_profile_name(o->profile));
	json_begin_object(&w, "device");
	json_string(&w, "name", devpath);
	json_string(&w, "kind", run_dev_kind_name(o->dev_kind));
	json_u64(&w, "bytes", r->dev_bytes);
	json_u64(&w, "logical_block_size", o->lbs);
	if (o->dev_kind == RUN_DEV_FILE) {
		json_string(&w, "path", o->dev_path);
		json_string(&w, "backend", o->dev_backend);
		json_bool(&w, "host_direct", o->dev_host_direct);
	}
	json_end_object(&w);
	json_string(&w, "fs", run_fs_name(o->fs));
	if (o->fs == RUN_FS_SIMFS)
		json_u64(&w, "fs_block_size", o->fs_bs);
	json_string(&w, "engine", run_engine_name(o->engine));
	json_string(&w, "buffer", run_buffer_name(o->buffer));
	json_u64(&w, "dma_threads", r->dma_threads);
	json_u64(&w, "mem_bytes", o->mem_bytes);
	json_u64(&w, "zero_colours", o->zero_colours);
	json_bool(&w, "default_job", o->default_job);
	json_begin_object(&w, "ledger");
	json_u64(&w, "pins_acquired", l->pins_acquired);
	json_u64(&w, "pins_released", l->pins_released);
	json_i64(&w, "pins_balance", (int64_t)(l->pins_acquired - l->pins_released));
	json_i64(&w, "folio_add_pins", vmstat_delta(l, "pinio_folio_add_pins"));
	json_u64(&w, "plain_refs", l->foll_get);
	json_u64(&w, "zero_page_pins", l->zero_pins);
	json_u64(&w, "zero_page_unpins", l->zero_unpins);
	json_u64(&w, "gup_fast_pages", l->gup_fast);
	json_u64(&w, "gup_slow_pages", l->gup_slow);
	json_u64(&w, "gup_fast_fallback", l->gup_fast_fallback);
	json_u64(&w, "pgfault", l->pgfault);
	json_u64(&w, "cow_faults", l->cow_faults);
	json_u64(&w, "thp_fault_alloc", l->thp_fault_alloc);
	json_u64(&w, "bios_submitted", l->bios_submitted);
	json_u64(&w, "bios_split", l->bios_split);
	json_u64(&w, "bios_rejected", l->bios_rejected);
	json_i64(&w, "live_bios_at_end", l->live_bios);
	json_u64(&w, "dma_requests", l->dma_requests);
	json_u64(&w, "dma_bytes", l->dma_bytes);
	json_u64(&w, "dma_checks", l->dma_checks);
	json_u64(&w, "dma_violations", l->dma_violations);
	json_i64(&w, "check_violations", l->check_violations);
	json_i64(&w, "reported_violations", l->ledger_violations);
	json_i64(&w, "pins_outstanding_at_end", l->pins_outstanding);
	json_i64(&w, "leaks", l->leaks);
	json_i64(&w, "merges", vmstat_delta(l, "pinio_bio_merges"));
	json_i64(&w, "bounce_copies", vmstat_delta(l, "pinio_bounce_copies"));
	json_end_object(&w);
	json_begin_object(&w, "vmstat_delta");
	for (i = 0; i < l->nr_vmstat; i++)
		json_i64(&w, l->vmstat[i].name, l->vmstat[i].delta);
	json_end_object(&w);
	json_u64(&w, "verify_failures", r->verify_failures);
	json_u64(&w, "io_errors", r->io_errors);
	json_bool(&w, "interrupted", r->interrupted);
	json_i64(&w, "exit_code", r->exit_code);
	json_end_object(&w);
	json_finish(&w);
	free(scratch);
}
