// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for `pinio scenario`, `pinio kcompare` and `pinio trace`
 * (tools/pinio/scenario_cmd.c, kcompare.c, trace_cmd.c, svg.c), called
 * through their *_main() functions with both output streams captured:
 * listing and running scenarios (all of them under both profiles), bad
 * usage exiting 2, kcompare on the host kernel (or its skip, 77, with the
 * reason), and trace output that must be well-formed SVG - balanced tags,
 * one <svg> root, a legend, one lane per page the JSON says took part in
 * the I/O - and valid JSON.
 *
 * The subcommands boot and shut the machine down themselves; a case starts
 * and ends with no machine booted.
 */
#include <ctype.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <pinio/bug.h>
#include <pinio/scenario.h>
#include <pinio/sim.h>

#include "kunit/test.h"
#include "suites.h"
#include "tools/pinio/json.h"
#include "tools/pinio/subcmd.h"

/* ---- helpers -------------------------------------------------------------- */

struct cli_out {
	int code;
	char *out;
	char *err;
	unsigned long warnings;	/* WARNs fired during the command */
};

typedef int (*cli_main_fn)(int argc, char **argv, FILE *out, FILE *err);

/*
 * Run @fn on @line (split on spaces; a 'quoted part' stays one argument),
 * argv[0] = @name, both streams captured. The WARNs the command's
 * scenarios fired are its business: it fails itself on one they did not
 * announce, so the case accepts them.
 */
static void cli_call(struct kunit *test, cli_main_fn fn, const char *name, const char *line,
		     struct cli_out *r)
{
	char buf[1024], *argv[32], *p;
	size_t out_len = 0, err_len = 0;
	FILE *out, *err;
	unsigned long warn;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	argv[argc++] = (char *)name;
	for (p = buf; *p && argc < 31;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (*p == '\'') {
			argv[argc++] = ++p;
			p = strchr(p, '\'');
			KUNIT_ASSERT_NOT_NULL(test, p);
		} else {
			argv[argc++] = p;
			p += strcspn(p, " ");
		}
		if (*p)
			*p++ = '\0';
	}
	argv[argc] = NULL;
	r->out = r->err = NULL;
	out = open_memstream(&r->out, &out_len);
	err = open_memstream(&r->err, &err_len);
	KUNIT_ASSERT_NOT_NULL(test, out);
	KUNIT_ASSERT_NOT_NULL(test, err);
	warn = pinio_warnings();
	r->code = fn(argc, argv, out, err);
	r->warnings = pinio_warnings() - warn;
	fclose(out);
	fclose(err);
	kunit_expect_warnings(test, r->warnings);
	KUNIT_EXPECT_FALSE_MSG(test, sim_booted(), "%s %s left the machine booted", name, line);
}

static void cli_free(struct cli_out *r)
{
	free(r->out);
	free(r->err);
}

static unsigned int cli_count(const char *hay, const char *needle)
{
	unsigned int n = 0;

	for (; (hay = strstr(hay, needle)); hay += strlen(needle))
		n++;
	return n;
}

/* ---- pinio scenario ------------------------------------------------------------ */

/*
 * --list: a header and one line per registered scenario, each with its
 * status (runnable, or skip and why).
 * Expect exit 0 and every id R01..R25 once, with a status.
 */
static void cli_scenario_list(struct kunit *test)
{
	struct cli_out r;
	char id[8];
	int i;

	cli_call(test, scenario_main, "scenario", "--list", &r);
	KUNIT_EXPECT_EQ(test, r.code, 0);
	KUNIT_EXPECT_TRUE(test, !strncmp(r.out, "ID ", 3));
	for (i = 1; i <= 25; i++) {
		char *line;

		snprintf(id, sizeof(id), "\nR%02d ", i);
		line = strstr(r.out, id);
		KUNIT_EXPECT_NOT_NULL_MSG(test, line, "%s missing", id + 1);
		if (line)
			KUNIT_EXPECT_TRUE(test, strstr(line, "runnable") || strstr(line, "skip: needs"));
	}
	KUNIT_EXPECT_EQ(test, cli_count(r.out, "\n"), 26U);
	cli_free(&r);
}

/*
 * Two scenarios under both profiles, narrated and quiet.
 * Expect exit 0; narrated: headers, numbered steps, counters with arrows,
 * PASS lines and verdicts; quiet: four verdict lines and the summary.
 */
static void cli_scenario_run_narrated_and_quiet(struct kunit *test)
{
	struct cli_out r;

	cli_call(test, scenario_main, "scenario", "R20 r22 --profile=both", &r);
	KUNIT_EXPECT_EQ(test, r.code, 0);
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.out, "== R20 error-path arrays (profile v6.5) =="));
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.out, "== R22 double unpin (profile v6.4) =="));
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.out, "  [1] boot: "));
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.out, " -> "));
	KUNIT_EXPECT_GT(test, cli_count(r.out, "    PASS "), 20U);
	KUNIT_EXPECT_EQ(test, cli_count(r.out, "FAIL"), 0U);
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.out, "4 passed, 0 failed, 0 skipped"));
	cli_free(&r);

	cli_call(test, scenario_main, "scenario", "-q --profile=v6.4,v6.5 R20 R22", &r);
	KUNIT_EXPECT_EQ(test, r.code, 0);
	KUNIT_EXPECT_EQ(test, cli_count(r.out, "\n"), 5U);
	KUNIT_EXPECT_EQ(test, cli_count(r.out, " PASS ("), 4U);
	cli_free(&r);
}

/*
 * `scenario all` under both profiles (the test), quietly.
 * Expect exit 0, no FAIL, a summary with 0 failed, and every runnable
 * scenario passing twice.
 */
static void cli_scenario_all_both_profiles(struct kunit *test)
{
	const struct sim_scenario *t;
	unsigned int runnable = 0, skipped = 0;
	char want[64];
	struct cli_out r;
	size_t nr, i;

	t = sim_scenario_table(&nr);
	for (i = 0; i < nr; i++) {
		runnable += !t[i].needs;
		skipped += !!t[i].needs;
	}
	cli_call(test, scenario_main, "scenario", "all --profile=both --quiet", &r);
	KUNIT_EXPECT_EQ_MSG(test, r.code, 0, "%s", r.out);
	KUNIT_EXPECT_EQ(test, cli_count(r.out, "FAIL"), 0U);
	snprintf(want, sizeof(want), "%u passed, 0 failed, %u skipped", 2 * runnable, skipped);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(r.out, want), "no \"%s\" in the output", want);
	cli_free(&r);
}

struct cli_bad_case {
	const char *line;
	int code;
	const char *says;	/* in stderr (or stdout for --help) */
};

static const struct cli_bad_case cli_scenario_bad[] = {
	{ "", 2, "name a scenario" },
	{ "R26", 2, "no scenario \"R26\"" },
	{ "banana", 2, "no scenario" },
	{ "--profile=v7 R01", 2, "bad profile \"v7\"" },
	{ "--profile= R01", 2, "bad profile" },
	{ "--profile=v6.5,,v6.4 R01", 2, "bad profile" },
	{ "--profile=v6.5, R01", 2, "bad profile" },
	{ "--profile=v6.5,v6.4,v21,v6.5 R01", 2, "bad profile" },
	{ "R01 --profile", 2, "--profile needs a value" },
	{ "--frobnicate R01", 2, "unknown option" },
	{ "R01 R26", 2, "no scenario \"R26\"" },
	{ "--list banana", 2, "no scenario \"banana\"" },
	{ "-q", 2, "name a scenario" },
	{ "--help", 0, "usage: pinio scenario" },
};

static void cli_bad_desc(const struct cli_bad_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "'%s' -> %d", c->line, c->code);
}

/*
 * The CLI's contract for bad usage (docs/cli.md): exit 2 with exactly one
 * line on stderr naming the problem and nothing on stdout - nothing ran
 * (a scenario or job that ran would print its verdict). --help (exit 0)
 * prints its text on stdout.
 */
static void cli_expect_bad(struct kunit *test, const struct cli_bad_case *c,
			   const struct cli_out *r)
{
	KUNIT_EXPECT_EQ(test, r->code, c->code);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(c->code ? r->err : r->out, c->says),
				  "expected \"%s\" in: %s%s", c->says, r->out, r->err);
	if (!c->code)
		return;
	KUNIT_EXPECT_EQ_MSG(test, cli_count(r->err, "\n"), 1U, "stderr: %s", r->err);
	KUNIT_EXPECT_NOT_NULL(test, strstr(r->err, "pinio "));
	KUNIT_EXPECT_STREQ(test, r->out, "");
}

KUNIT_ARRAY_PARAM(cli_scenario_bad, cli_scenario_bad, cli_bad_desc);

/* Bad usage: one clear line naming the problem, exit 2, nothing run. */
static void cli_scenario_bad_usage(struct kunit *test)
{
	const struct cli_bad_case *c = test->param_value;
	struct cli_out r;

	cli_call(test, scenario_main, "scenario", c->line, &r);
	cli_expect_bad(test, c, &r);
	cli_free(&r);
}

/* ---- pinio kcompare ------------------------------------------------------------- */

/*
 * kcompare against the host kernel, three measurements per case: the
 * host's pin counters are machine-wide, and with one measurement another
 * process's O_DIRECT during it made a case disagree (seen once under load
 * 8); kcompare keeps the smallest deltas, which filters that. Without root, pin
 * counters or O_DIRECT it exits 77 and says why: the case is skipped with
 * that reason. Otherwise expect a table with a row per case and direction,
 * an agreement line, and exit 0 (full agreement on the comparable cases).
 */
static void cli_kcompare_runs_or_skips(struct kunit *test)
{
	struct cli_out r;

	cli_call(test, kcompare_main, "kcompare", "--reps=3", &r);
	if (r.code == PINIO_EXIT_SKIP) {
		char reason[200];

		snprintf(reason, sizeof(reason), "%s", r.out);
		reason[strcspn(reason, "\n")] = '\0';
		KUNIT_EXPECT_NOT_NULL(test, strstr(reason, "skipped"));
		cli_free(&r);
		kunit_skip(test, "%s", reason);
	}
	if (r.code) {
		char *line, *save = NULL;

		for (line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			if (!strstr(line, "| yes"))
				kunit_info(test, "%s", line);
		KUNIT_FAIL(test, "kcompare exited %d", r.code);
		cli_free(&r);
		return;
	}
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.out, "host ret"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.out, "\n2 iovecs in one page"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.out, "\n1 MiB + 4 KiB aligned"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.out, "misaligned buffer (+100)"));
	KUNIT_EXPECT_EQ(test, cli_count(r.out, " read  |"), cli_count(r.out, " write |"));
	KUNIT_EXPECT_GE(test, cli_count(r.out, " read  |"), 15U);
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.out, "agreement: "));
	cli_free(&r);
}

static const struct cli_bad_case cli_kcompare_bad[] = {
	{ "--reps=0", 2, "bad --reps" },
	{ "--reps=-3", 2, "bad --reps" },
	{ "--reps=banana", 2, "bad --reps" },
	{ "--reps=1001", 2, "bad --reps \"1001\" (1 to 1000)" },
	{ "--reps=+3", 2, "bad --reps" },
	{ "--reps=3x", 2, "bad --reps" },
	{ "--reps", 2, "--reps needs a value" },
	{ "--dir", 2, "--dir needs a value" },
	{ "--dir=", 2, "--dir needs a value" },
	{ "--dir=/nonexistent/pinio-kcompare", 2, "No such file or directory" },
	{ "--dir=/dev/null", 2, "Not a directory" },
	{ "--bogus", 2, "unknown argument" },
	{ "extra", 2, "unknown argument \"extra\"" },
	{ "--help", 0, "usage: pinio kcompare" },
};

KUNIT_ARRAY_PARAM(cli_kcompare_bad, cli_kcompare_bad, cli_bad_desc);

static void cli_kcompare_bad_usage(struct kunit *test)
{
	const struct cli_bad_case *c = test->param_value;
	struct cli_out r;

	cli_call(test, kcompare_main, "kcompare", c->line, &r);
	cli_expect_bad(test, c, &r);
	cli_free(&r);
}

/* ---- pinio trace: a small XML checker --------------------------------------------- */

struct xml_check {
	unsigned int elements;
	unsigned int svg_roots;
	unsigned int lanes;	/* <text class="lbl"> */
	char error[160];
};

/*
 * Walk @s as XML: a declaration, then exactly one element tree. Tags must
 * balance (a stack of names), attribute values must be quoted, text must
 * not hold a bare '<' or '&' that starts no entity. Fills @x; false with
 * x->error on the first problem.
 */
static bool xml_well_formed(const char *s, struct xml_check *x)
{
	char stack[64][32];
	int depth = 0;
	bool root_done = false;

	memset(x, 0, sizeof(*x));
	if (strncmp(s, "<?xml", 5)) {
		snprintf(x->error, sizeof(x->error), "no XML declaration");
		return false;
	}
	s = strstr(s, "?>");
	if (!s)
		return false;
	s += 2;
	while (*s) {
		if (*s != '<') {
			if (*s == '&' && !(strncmp(s, "&amp;", 5) == 0 || !strncmp(s, "&lt;", 4) ||
					   !strncmp(s, "&gt;", 4) || !strncmp(s, "&quot;", 6))) {
				snprintf(x->error, sizeof(x->error), "bare '&'");
				return false;
			}
			if (!depth && !isspace((unsigned char)*s)) {
				snprintf(x->error, sizeof(x->error), "text outside the root");
				return false;
			}
			s++;
			continue;
		}
		if (s[1] == '/') {
			size_t n = strcspn(s + 2, ">");

			if (!depth || n != strlen(stack[depth - 1]) ||
			    strncmp(s + 2, stack[depth - 1], n)) {
				snprintf(x->error, sizeof(x->error), "unbalanced </%.*s>", (int)n, s + 2);
				return false;
			}
			depth--;
			if (!depth)
				root_done = true;
			s += 2 + n + 1;
			continue;
		}
		{
			size_t n = strcspn(s + 1, " \t\n/>");
			const char *end = s + 1 + n;
			char quote = 0;

			if (!n || n >= sizeof(stack[0])) {
				snprintf(x->error, sizeof(x->error), "bad tag name");
				return false;
			}
			if (!depth && root_done) {
				snprintf(x->error, sizeof(x->error), "a second root element");
				return false;
			}
			if (!depth)
				x->svg_roots += n == 3 && !strncmp(s + 1, "svg", 3);
			if (n == 4 && !strncmp(s + 1, "text", 4) && !strncmp(end, " x=", 3)) {
				const char *close = strchr(end, '>');

				if (close && memmem(end, (size_t)(close - end), "class=\"lbl\"", 11))
					x->lanes++;
			}
			for (; *end && (quote || *end != '>'); end++) {
				if (*end == '"' || *end == '\'')
					quote = quote == *end ? 0 : quote ? quote : *end;
				else if (!quote && *end == '<') {
					snprintf(x->error, sizeof(x->error), "'<' inside a tag");
					return false;
				}
			}
			if (!*end) {
				snprintf(x->error, sizeof(x->error), "unterminated tag");
				return false;
			}
			x->elements++;
			if (end[-1] != '/') {
				if (depth == 64)
					return false;
				memcpy(stack[depth], s + 1, n);
				stack[depth++][n] = '\0';
			} else if (!depth) {
				root_done = true;
			}
			s = end + 1;
		}
	}
	if (depth) {
		snprintf(x->error, sizeof(x->error), "%d element(s) left open", depth);
		return false;
	}
	return root_done;
}

/* The lanes a trace's JSON says the SVG draws: the zero page + I/O pages, capped. */
static unsigned int cli_json_lanes(struct kunit *test, const char *json, unsigned int max)
{
	const struct json_value *pages, *p;
	struct json_value *v;
	unsigned int io = 0, zero = 0;
	char err[128];
	size_t i;

	v = json_parse(json, err, sizeof(err));
	KUNIT_ASSERT_NOT_NULL_MSG(test, v, "JSON: %s", err);
	pages = json_get(v, "pages");
	KUNIT_ASSERT_NOT_NULL(test, pages);
	for (i = 0; (p = json_at(pages, i)); i++) {
		const struct json_value *z = json_get(p, "zero"), *a = json_get(p, "io"),
					*b = json_get(p, "during_io");

		if (z && z->type == JSON_TRUE)
			zero = 1;
		else if ((a && a->type == JSON_TRUE) || (b && b->type == JSON_TRUE))
			io++;
	}
	json_free(v);
	return zero + (io < max ? io : max);
}

/*
 * `trace R12` as SVG and as JSON. Expect both to exit 0; the SVG well
 * formed with one <svg> root, a title, a legend, a time axis, pinned bars
 * and DMA marks, and exactly as many lanes as the JSON has pages that
 * took part in the I/O (plus the zero page's); the JSON to parse, with
 * events whose lane indexes are in range and names that are events.
 */
static void cli_trace_scenario_svg_and_json(struct kunit *test)
{
	const struct json_value *ev, *pages, *e;
	struct cli_out svg, js;
	struct xml_check x;
	struct json_value *v;
	char err[128];
	size_t i;

	cli_call(test, trace_main, "trace", "R12 --format=svg", &svg);
	KUNIT_ASSERT_EQ_MSG(test, svg.code, 0, "%s", svg.err);
	KUNIT_EXPECT_TRUE_MSG(test, xml_well_formed(svg.out, &x), "SVG: %s", x.error);
	KUNIT_EXPECT_EQ(test, x.svg_roots, 1U);
	KUNIT_EXPECT_GT(test, x.elements, 30U);
	KUNIT_EXPECT_NOT_NULL(test, strstr(svg.out, "pinio trace: R12 same-page merge"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(svg.out, ">Legend</text>"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(svg.out, "time since the first event shown"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(svg.out, "fill=\"#2f6db5\""));	/* a pinned bar */
	KUNIT_EXPECT_NOT_NULL(test, strstr(svg.out, "<title>DMA of bio"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(svg.out, "shared zero page"));

	cli_call(test, trace_main, "trace", "R12 --format=json", &js);
	KUNIT_ASSERT_EQ(test, js.code, 0);
	KUNIT_EXPECT_EQ(test, x.lanes, cli_json_lanes(test, js.out, 32));
	KUNIT_EXPECT_GE(test, x.lanes, 2U);

	v = json_parse(js.out, err, sizeof(err));
	KUNIT_ASSERT_NOT_NULL_MSG(test, v, "JSON: %s", err);
	KUNIT_EXPECT_STREQ(test, json_get(v, "profile")->str, "v6.5");
	pages = json_get(v, "pages");
	ev = json_get(v, "events");
	KUNIT_ASSERT_NOT_NULL(test, pages);
	KUNIT_ASSERT_NOT_NULL(test, ev);
	KUNIT_EXPECT_EQ(test, (double)ev->nr, json_get(v, "nr_events")->num);
	for (i = 0; (e = json_at(ev, i)); i++) {
		const char *name = json_get(e, "event")->str;

		KUNIT_EXPECT_LT(test, json_get(e, "lane")->num, (double)pages->nr);
		KUNIT_EXPECT_STRNEQ(test, name, "?");
	}
	json_free(v);
	cli_free(&svg);
	cli_free(&js);
}

/*
 * A built-in job: 16 random 4 KiB reads, traced. Expect exit 0, SVG with
 * 16 lanes of buffer pages plus the zero page's, and JSON with 16 pages
 * that were each pinned exactly once at a time.
 */
static void cli_trace_job(struct kunit *test)
{
	const struct json_value *pages, *p;
	struct cli_out svg, js;
	struct xml_check x;
	struct json_value *v;
	unsigned int pinned = 0;
	char err[128];
	size_t i;

	cli_call(test, trace_main, "trace", "--job 'rw=randread bs=4k size=64k' --format=svg", &svg);
	KUNIT_ASSERT_EQ_MSG(test, svg.code, 0, "%s", svg.err);
	KUNIT_EXPECT_TRUE_MSG(test, xml_well_formed(svg.out, &x), "SVG: %s", x.error);
	KUNIT_EXPECT_EQ(test, x.lanes, 17U);

	cli_call(test, trace_main, "trace", "--job 'rw=randread bs=4k size=64k' --format=json", &js);
	KUNIT_ASSERT_EQ(test, js.code, 0);
	v = json_parse(js.out, err, sizeof(err));
	KUNIT_ASSERT_NOT_NULL_MSG(test, v, "JSON: %s", err);
	pages = json_get(v, "pages");
	KUNIT_ASSERT_NOT_NULL(test, pages);
	for (i = 0; (p = json_at(pages, i)); i++)
		pinned += json_get(p, "max_pins")->num == 1;
	KUNIT_EXPECT_EQ(test, pinned, 16U);
	json_free(v);
	cli_free(&svg);
	cli_free(&js);
}

static const struct cli_bad_case cli_trace_bad[] = {
	{ "", 2, "name one scenario or give one --job" },
	{ "R12 --job 'rw=read'", 2, "name one scenario or give one --job" },
	{ "R12 R13", 2, "one scenario at a time" },
	{ "R99", 2, "no scenario \"R99\"" },
	{ "R12 --format=png", 2, "bad format" },
	{ "R12 --profile=v5", 2, "bad profile" },
	{ "R12 --profile=both", 2, "bad profile" },
	{ "R12 --max-lanes=0", 2, "bad --max-lanes" },
	{ "R12 --max-lanes=4097", 2, "bad --max-lanes" },
	{ "R12 --max-lanes=+5", 2, "bad --max-lanes" },
	{ "R12 --max-events=0", 2, "bad --max-events" },
	{ "R12 --max-events=1e6", 2, "bad --max-events" },
	{ "R12 --frobnicate", 2, "unknown option \"--frobnicate\"" },
	{ "--job 'bs=banana'", 2, "bad value for bs" },
	{ "--job 'rw'", 2, "option rw needs a value" },
	{ "--job 'iodepth=0'", 2, "bad value for iodepth" },
	{ "--job 'bs=1000'", 2, "multiple of 512" },
	{ "--job 'numjobs=2'", 2, "not supported by pinio trace" },
	{ "--job 'rw=read direct=0'", 2, "only O_DIRECT" },
	{ "--job 'size=1g'", 2, "size must be" },
	{ "--job 'rw=read' --buffer=shm", 2, "bad buffer" },
	{ "R12 --out", 2, "needs a value" },
	{ "R12 -o", 2, "needs a value" },
	/* --out is checked before anything runs: no verdict line, no file */
	{ "R12 --out=", 2, "an empty path" },
	{ "R12 --out=/nonexistent/pinio-trace/r12.svg", 2, "No such file or directory" },
	{ "R12 --out=/dev/null/r12.svg", 2, "Not a directory" },
	{ "R12 --out=/", 2, "Is a directory" },
	{ "--help", 0, "usage: pinio trace" },
};

KUNIT_ARRAY_PARAM(cli_trace_bad, cli_trace_bad, cli_bad_desc);

static void cli_trace_bad_usage(struct kunit *test)
{
	const struct cli_bad_case *c = test->param_value;
	struct cli_out r;

	cli_call(test, trace_main, "trace", c->line, &r);
	cli_expect_bad(test, c, &r);
	cli_free(&r);
}

/* Entries of directory @dir other than . and .. */
static unsigned int cli_dir_entries(const char *dir)
{
	unsigned int n = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

/*
 * --out=FILE is written whole or not at all: the trace goes to a
 * temporary FILE.PID.tmp beside it, renamed over FILE only once every byte
 * is written; a failed write removes it and leaves FILE as it was.
 *
 *   dir/r12.svg "old"  --trace, RLIMIT_FSIZE 4 KiB (write fails)-->  "old"
 *   dir/r12.svg "old"  --trace-->                                   <svg ...>
 *
 * Expect exit 1 ("writing failed") and "old" with nothing else in dir
 * after the first; exit 0 and an SVG, still one entry, after the second.
 */
static void cli_trace_out_whole_or_nothing(struct kunit *test)
{
	char dir[] = "/tmp/pinio-trace-XXXXXX", path[64], line[128], got[16] = "";
	struct rlimit old_lim, lim;
	void (*old_sig)(int);
	struct cli_out r;
	FILE *f;

	KUNIT_ASSERT_NOT_NULL(test, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/r12.svg", dir);
	f = fopen(path, "w");
	KUNIT_ASSERT_NOT_NULL(test, f);
	fputs("old\n", f);
	fclose(f);
	snprintf(line, sizeof(line), "R12 --out=%s", path);

	KUNIT_ASSERT_EQ(test, getrlimit(RLIMIT_FSIZE, &old_lim), 0);
	lim = old_lim;
	lim.rlim_cur = 4096;
	old_sig = signal(SIGXFSZ, SIG_IGN);
	KUNIT_ASSERT_EQ(test, setrlimit(RLIMIT_FSIZE, &lim), 0);
	cli_call(test, trace_main, "trace", line, &r);
	setrlimit(RLIMIT_FSIZE, &old_lim);
	signal(SIGXFSZ, old_sig);
	KUNIT_EXPECT_EQ(test, r.code, 1);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(r.err, "writing failed"), "stderr: %s", r.err);
	cli_free(&r);
	f = fopen(path, "r");
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_NOT_NULL(test, fgets(got, sizeof(got), f));
	fclose(f);
	KUNIT_EXPECT_STREQ(test, got, "old\n");
	KUNIT_EXPECT_EQ(test, cli_dir_entries(dir), 1U);

	cli_call(test, trace_main, "trace", line, &r);
	KUNIT_EXPECT_EQ(test, r.code, 0);
	cli_free(&r);
	f = fopen(path, "r");
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_NOT_NULL(test, fgets(got, sizeof(got), f));
	fclose(f);
	KUNIT_EXPECT_EQ(test, strncmp(got, "<?xml", 5), 0);
	KUNIT_EXPECT_EQ(test, cli_dir_entries(dir), 1U);
	unlink(path);
	rmdir(dir);
}

/*
 * The checker itself: it must refuse what is not well formed.
 * Expect false for unbalanced, unclosed, doubled-root and bare-'&' input.
 */
static void cli_xml_checker_refuses_bad_svg(struct kunit *test)
{
	static const char *const bad[] = {
		"<?xml version=\"1.0\"?><svg><g></svg>",
		"<?xml version=\"1.0\"?><svg><text>a</svg>",
		"<?xml version=\"1.0\"?><svg></svg><svg></svg>",
		"<?xml version=\"1.0\"?><svg><text>a & b</text></svg>",
		"<svg></svg>",
		"<?xml version=\"1.0\"?><svg><rect x=\"1/></svg>",
	};
	struct xml_check x;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_FALSE_MSG(test, xml_well_formed(bad[i], &x), "accepted: %s", bad[i]);
	KUNIT_EXPECT_TRUE(test, xml_well_formed("<?xml version=\"1.0\"?>\n<svg a=\"b\">"
						"<text x=\"1\" class=\"lbl\">a &amp; b</text>"
						"<rect/></svg>\n", &x));
	KUNIT_EXPECT_EQ(test, x.lanes, 1U);
	KUNIT_EXPECT_EQ(test, x.elements, 3U);
}

static struct kunit_case cli_tools_test_cases[] = {
	KUNIT_CASE(cli_scenario_list),
	KUNIT_CASE(cli_scenario_run_narrated_and_quiet),
	KUNIT_CASE(cli_scenario_all_both_profiles),
	KUNIT_CASE_PARAM(cli_scenario_bad_usage, cli_scenario_bad_gen_params),
	KUNIT_CASE(cli_kcompare_runs_or_skips),
	KUNIT_CASE_PARAM(cli_kcompare_bad_usage, cli_kcompare_bad_gen_params),
	KUNIT_CASE(cli_xml_checker_refuses_bad_svg),
	KUNIT_CASE(cli_trace_scenario_svg_and_json),
	KUNIT_CASE(cli_trace_job),
	KUNIT_CASE_PARAM(cli_trace_bad_usage, cli_trace_bad_gen_params),
	KUNIT_CASE(cli_trace_out_whole_or_nothing),
	{}
};

struct kunit_suite cli_tools_suite = {
	.name = "cli_tools",
	.test_cases = cli_tools_test_cases,
};
