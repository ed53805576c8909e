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
 * trace_internal.h lists the files the command is spread over.
 *
 * Exit: 0 recorded and written (and a scenario passed), 1 a failure,
 * 2 bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pinio/trace.h>

#include "pinio.h"
#include "subcmd.h"
#include "trace_internal.h"

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

/* ---- the output file ------------------------------------------------------------ */

#define TR_PATH_MAX	4096

/*
 * Check, before anything runs, that --out=@path can be written: not a
 * directory, writable if it exists, in a directory that exists and takes
 * new files. 0, or -1 with the reason in @msg.
 */
static int tr_out_check(const char *path, char *msg, size_t len)
{
	char dir[TR_PATH_MAX];
	struct stat st;
	char *slash;
	int e = 0;

	if (!*path) {
		snprintf(msg, len, "an empty path");
		return -1;
	}
	if (strlen(path) >= sizeof(dir)) {
		snprintf(msg, len, "path too long");
		return -1;
	}
	if (!stat(path, &st)) {
		if (S_ISDIR(st.st_mode)) {
			snprintf(msg, len, "%s", strerror(EISDIR));
			return -1;
		}
		if (access(path, W_OK)) {
			snprintf(msg, len, "%s", strerror(errno));
			return -1;
		}
	}
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st))
		e = errno;
	else if (!S_ISDIR(st.st_mode))
		e = ENOTDIR;
	else if (access(dir, W_OK | X_OK))
		e = errno;
	if (e) {
		snprintf(msg, len, "its directory: %s", strerror(e));
		return -1;
	}
	return 0;
}

/*
 * The output, written whole or not at all: a regular file goes to
 * PATH.PID.tmp first and is renamed over PATH only when everything was
 * written, so a failed write leaves no partial file (and an old PATH as it
 * was). Anything else - a symlink (--out=/dev/stdout), a device, a FIFO -
 * is written in place, through the link: renaming over it would replace
 * the link or the device node.
 */
struct tr_out {
	FILE *f;
	const char *path;
	char tmp[TR_PATH_MAX + 32];
};

static FILE *tr_out_open(struct tr_out *o, const char *path)
{
	struct stat st;
	int fd;

	o->path = path;
	o->tmp[0] = '\0';
	if (!lstat(path, &st) && !S_ISREG(st.st_mode)) {
		o->f = fopen(path, "w");
		return o->f;
	}
	snprintf(o->tmp, sizeof(o->tmp), "%s.%ld.tmp", path, (long)getpid());
	fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0) {
		o->tmp[0] = '\0';
		return NULL;
	}
	o->f = fdopen(fd, "w");
	if (!o->f) {
		close(fd);
		unlink(o->tmp);
		o->tmp[0] = '\0';
	}
	return o->f;
}

/* Close the output; with @werr (or a failed close) drop it. 0 or -errno. */
static int tr_out_close(struct tr_out *o, int werr)
{
	if (fclose(o->f) && !werr)
		werr = -EIO;
	if (!o->tmp[0])
		return werr;
	if (!werr && rename(o->tmp, o->path))
		werr = -errno;
	if (werr)
		unlink(o->tmp);
	return werr;
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
			uint64_t n;

			if (job_parse_u64(v, 4096, &n) || !n) {
				fprintf(err, "pinio trace: bad --max-lanes \"%s\" (1 to 4096)\n", v);
				return -1;
			}
			o->max_lanes = (unsigned int)n;
		} else if ((v = tr_optval(argc, argv, &i, "--max-events", &missing))) {
			uint64_t n;

			if (job_parse_u64(v, 100000000UL, &n) || !n) {
				fprintf(err, "pinio trace: bad --max-events \"%s\" (1 to 10^8)\n", v);
				return -1;
			}
			o->max_events = (size_t)n;
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
	struct tr_out to;
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
	if (o.out && tr_out_check(o.out, msg, sizeof(msg))) {
		fprintf(err, "pinio trace: cannot write --out=%s: %s\n", o.out, msg);
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

	f = o.out ? tr_out_open(&to, o.out) : out;
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
	if (f != out)
		werr = tr_out_close(&to, werr);
	else
		fflush(f);
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

