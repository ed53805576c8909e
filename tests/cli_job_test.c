// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for `pinio run`'s job files ([global] and job sections) and
 * its pure helpers: the latency histogram, crc32c block headers for
 * verify, the JSON writer and parser. The fixture is tests/cli_fixture.c;
 * no case boots a machine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pinio/sim.h>

#include "kunit/test.h"
#include "tools/pinio/jobfile.h"
#include "tools/pinio/json.h"
#include "tools/pinio/run.h"
#include "tools/pinio/stats.h"
#include "tools/pinio/verify.h"
#include "cli_fixture.h"

/* ---- job files ---------------------------------------------------------------------- */

static const char jobfile_text[] =
	"; fio job file\n"
	"[global]\n"
	"ioengine=libaio\n"
	"  iodepth = 16  \n"
	"bs=64k\n"
	"direct=1\n"
	"time_based\n"
	"runtime=2\n"
	"\n"
	"[seq-read]\n"
	"rw=read\n"
	"# a comment\n"
	"size=1g\n"
	"numjobs=4\n"
	"[rand]\n"
	"rw=randrw\n"
	"rwmixread=70\n"
	"bs=4k\n"
	"name=renamed\n"
	"[global]\n"
	"iodepth=2\n"
	"[late]\n"
	"verify=crc32c\n"
	"group_reporting\n";

static void cli_run_jobfile_global_and_sections(struct kunit *test)
{
	struct job_list jobs;
	char err[320] = "";

	job_list_init(&jobs);
	KUNIT_ASSERT_EQ_MSG(test, jobfile_parse_string(jobfile_text, &jobs, err, sizeof(err)), 0,
			    "%s", err);
	KUNIT_ASSERT_EQ(test, jobs.nr, 3U);
	KUNIT_EXPECT_STREQ(test, jobs.jobs[0].name, "seq-read");
	KUNIT_EXPECT_EQ(test, jobs.jobs[0].ioengine, JOB_IOENGINE_LIBAIO);
	KUNIT_EXPECT_EQ(test, jobs.jobs[0].iodepth, 16U);
	KUNIT_EXPECT_EQ(test, jobs.jobs[0].bs, 65536ULL);
	KUNIT_EXPECT_TRUE(test, jobs.jobs[0].time_based);
	KUNIT_EXPECT_EQ(test, jobs.jobs[0].runtime_ns, 2000000000ULL);
	KUNIT_EXPECT_EQ(test, jobs.jobs[0].size, 1ULL << 30);
	KUNIT_EXPECT_EQ(test, jobs.jobs[0].numjobs, 4U);
	KUNIT_EXPECT_STREQ(test, jobs.jobs[1].name, "renamed");
	KUNIT_EXPECT_EQ(test, jobs.jobs[1].rw, JOB_RW_RANDRW);
	KUNIT_EXPECT_EQ(test, jobs.jobs[1].rwmixread, 70U);
	KUNIT_EXPECT_EQ(test, jobs.jobs[1].bs, 4096ULL);
	KUNIT_EXPECT_EQ(test, jobs.jobs[1].iodepth, 16U);
	/* A later [global] applies to the jobs after it only. */
	KUNIT_EXPECT_STREQ(test, jobs.jobs[2].name, "late");
	KUNIT_EXPECT_EQ(test, jobs.jobs[2].iodepth, 2U);
	KUNIT_EXPECT_EQ(test, jobs.jobs[2].bs, 65536ULL);
	KUNIT_EXPECT_EQ(test, jobs.jobs[2].verify, JOB_VERIFY_CRC32C);
	KUNIT_EXPECT_TRUE(test, jobs.jobs[2].group_reporting);
	KUNIT_EXPECT_EQ(test, jobs.jobs[2].rw, JOB_RW_READ);
	job_list_free(&jobs);
}

struct jobfile_bad_case {
	const char *text;
	const char *msg;
};

static const struct jobfile_bad_case jobfile_bad_cases[] = {
	{ "bs=4k\n[a]\n", "line 1: option outside a [section]" },
	{ "[a]\nbs=banana\n", "line 2: bad value for bs: \"banana\"" },
	{ "[a]\nrw=read\nfrobnicate=1\n", "line 3: unknown option \"frobnicate\"" },
	{ "[a\nbs=4k\n", "line 1: malformed section header" },
	{ "[a] x\n", "line 1: malformed section header" },
	{ "[]\n", "line 1: bad section name" },
	{ "[global]\nbs=4k\n", "no job section" },
	{ "", "no job section" },
	{ "[a]\nbs=\n", "line 2: bad value for bs: \"\"" },
	{ "[a]\nbs\n", "line 2: option bs needs a value" },
	{ "[a]\nnumjobs=0\n", "line 2: bad value for numjobs" },
	{ "[a]\nsize=-4k\n", "line 2: bad value for size: \"-4k\"" },
	{ "[global]\nrw=sideways\n[a]\n", "line 2: bad value for rw" },
};

static void jobfile_bad_desc(const struct jobfile_bad_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->msg);
}

KUNIT_ARRAY_PARAM(jobfile_bad, jobfile_bad_cases, jobfile_bad_desc);

static void cli_run_jobfile_bad(struct kunit *test)
{
	const struct jobfile_bad_case *c = test->param_value;
	struct job_list jobs;
	char err[320] = "";

	job_list_init(&jobs);
	KUNIT_EXPECT_EQ(test, jobfile_parse_string(c->text, &jobs, err, sizeof(err)), -1);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(err, c->msg), "error \"%s\"", err);
	KUNIT_EXPECT_EQ(test, jobs.nr, 0U);
	job_list_free(&jobs);
}

static void cli_run_jobfile_long_line_and_junk(struct kunit *test)
{
	struct job_list jobs;
	char err[320] = "", *text = malloc(3000);

	KUNIT_ASSERT_NOT_NULL(test, text);
	job_list_init(&jobs);
	memset(text, 'x', 2999);
	text[0] = '[';
	text[2999] = '\0';
	KUNIT_EXPECT_EQ(test, jobfile_parse_string(text, &jobs, err, sizeof(err)), -1);
	KUNIT_EXPECT_NOT_NULL(test, strstr(err, "too long"));
	free(text);
	KUNIT_EXPECT_EQ(test, jobfile_parse_string("[a]\nname=\x01\n", &jobs, err, sizeof(err)), -1);
	KUNIT_EXPECT_EQ(test, jobfile_parse_string(NULL, &jobs, err, sizeof(err)), -1);
	job_list_free(&jobs);
}

/* A job file on disk, with a command-line override before any --name. */
static void cli_run_jobfile_with_cli_override(struct kunit *test)
{
	char path[] = "/tmp/pinio-cli-run-XXXXXX";
	char line[256], err[320] = "";
	struct run_opts opts;
	struct job_list jobs;
	FILE *f;
	int fd = mkstemp(path);

	KUNIT_ASSERT_GE(test, fd, 0);
	f = fdopen(fd, "w");
	KUNIT_ASSERT_NOT_NULL(test, f);
	fputs("[global]\nbs=16k\nsize=4m\n[one]\nrw=write\n[two]\nrw=read\noffset=8m\n", f);
	fclose(f);
	snprintf(line, sizeof(line), "--bs=8k %s --device=ram:32M", path);
	KUNIT_EXPECT_EQ(test, cli_parse_validate(line, &opts, &jobs, err, sizeof(err)), 0);
	unlink(path);
	KUNIT_ASSERT_EQ(test, jobs.nr, 2U);
	KUNIT_EXPECT_EQ(test, jobs.jobs[0].bs, 8192ULL);
	KUNIT_EXPECT_EQ(test, jobs.jobs[1].bs, 8192ULL);
	KUNIT_EXPECT_EQ(test, jobs.jobs[1].offset, 8 * MIB);
	KUNIT_EXPECT_EQ(test, jobs.jobs[0].size, 4 * MIB);
	job_list_free(&jobs);
}

/* ---- stats, verify, JSON ------------------------------------------------------------- */

static void cli_run_lat_hist(struct kunit *test)
{
	struct lat_hist *h = calloc(1, sizeof(*h));
	struct lat_stat s = { 0 }, a = { 0 }, b = { 0 };
	uint64_t v, prev = 0;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, h);
	/* Buckets are in order and a value's bucket is within 1/64 of it. */
	for (i = 0; i < LAT_HIST_NR; i++) {
		v = lat_hist_value(i);
		KUNIT_EXPECT_TRUE(test, !i || v > prev);
		KUNIT_EXPECT_EQ(test, lat_hist_index(v), i);
		prev = v;
	}
	for (v = 1; v < (1ULL << 62); v = v * 3 + 1) {
		uint64_t m = lat_hist_value(lat_hist_index(v));
		uint64_t diff = m > v ? m - v : v - m;

		KUNIT_EXPECT_LE(test, diff * 64, v);
	}
	KUNIT_EXPECT_EQ(test, lat_hist_index(UINT64_MAX), (unsigned int)LAT_HIST_NR - 1);
	/* 1..1000 us: the percentiles land where they should, within 1.6 %. */
	for (v = 1; v <= 1000; v++) {
		lat_hist_add(h, v * 1000);
		lat_stat_add(&s, v * 1000);
		lat_stat_add(v <= 300 ? &a : &b, v * 1000);
	}
	KUNIT_EXPECT_LE(test, lat_hist_percentile(h, 50), 508000ULL);
	KUNIT_EXPECT_GE(test, lat_hist_percentile(h, 50), 492000ULL);
	KUNIT_EXPECT_GE(test, lat_hist_percentile(h, 99), 975000ULL);
	KUNIT_EXPECT_LE(test, lat_hist_percentile(h, 1), 10200ULL);
	KUNIT_EXPECT_EQ(test, s.min, 1000ULL);
	KUNIT_EXPECT_EQ(test, s.max, 1000000ULL);
	KUNIT_EXPECT_EQ(test, (uint64_t)s.mean, 500500ULL);
	/* stddev of 1..1000 (sample) is 288.8194...; here in ns */
	KUNIT_EXPECT_EQ(test, (uint64_t)lat_stat_stddev(&s), 288819ULL);
	lat_stat_merge(&a, &b);
	KUNIT_EXPECT_EQ(test, a.n, s.n);
	KUNIT_EXPECT_EQ(test, (uint64_t)a.mean, (uint64_t)s.mean);
	KUNIT_EXPECT_EQ(test, (uint64_t)lat_stat_stddev(&a), (uint64_t)lat_stat_stddev(&s));
	free(h);
}

static void cli_run_verify_header(struct kunit *test)
{
	unsigned char block[4096];
	char why[128];

	KUNIT_EXPECT_EQ(test, verify_crc32c(0, "123456789", 9), 0xe3069283U);
	KUNIT_EXPECT_EQ(test, verify_crc32c(verify_crc32c(0, "1234", 4), "56789", 5), 0xe3069283U);
	verify_fill(block, sizeof(block), 8192, 7, 42);
	KUNIT_EXPECT_EQ(test, verify_check(block, sizeof(block), 8192, 7, why, sizeof(why)), 0);
	KUNIT_EXPECT_EQ(test, verify_check(block, sizeof(block), 8192, 0, why, sizeof(why)), 0);
	KUNIT_EXPECT_EQ(test, verify_check(block, sizeof(block), 4096, 7, why, sizeof(why)), -1);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "offset"));
	KUNIT_EXPECT_EQ(test, verify_check(block, sizeof(block), 8192, 8, why, sizeof(why)), -1);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "stale"));
	block[1000] ^= 1;
	KUNIT_EXPECT_EQ(test, verify_check(block, sizeof(block), 8192, 7, why, sizeof(why)), -1);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "crc32c"));
	memset(block, 0, sizeof(block));
	KUNIT_EXPECT_EQ(test, verify_check(block, sizeof(block), 8192, 0, why, sizeof(why)), -1);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "magic"));
}

static void cli_run_output_num(struct kunit *test)
{
	char buf[32];

	KUNIT_EXPECT_STREQ(test, output_num(0, false, buf, sizeof(buf)), "0");
	KUNIT_EXPECT_STREQ(test, output_num(1234, false, buf, sizeof(buf)), "1234");
	KUNIT_EXPECT_STREQ(test, output_num(51234, false, buf, sizeof(buf)), "51.2k");
	KUNIT_EXPECT_STREQ(test, output_num(200.0 * MIB, true, buf, sizeof(buf)), "200Mi");
	KUNIT_EXPECT_STREQ(test, output_num(210e6, false, buf, sizeof(buf)), "210M");
	KUNIT_EXPECT_STREQ(test, output_num(-5, false, buf, sizeof(buf)), "0");
}

static void cli_run_json_roundtrip(struct kunit *test)
{
	const struct json_value *v;
	struct json_value *root;
	struct json_writer w;
	char *text = NULL, err[128];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	KUNIT_ASSERT_NOT_NULL(test, f);
	json_writer_init(&w, f);
	json_begin_object(&w, NULL);
	json_string(&w, "fio version", "a \"quoted\" \\ line\n\t\x01 é \xff");
	json_u64(&w, "big", UINT64_MAX);
	json_i64(&w, "neg", -5);
	json_double(&w, "nan", 0.0 / 0.0);
	json_double(&w, "pi", 3.25);
	json_bool(&w, "yes", true);
	json_begin_array(&w, "jobs");
	json_begin_object(&w, NULL);
	json_begin_object(&w, "percentile");
	json_u64(&w, "99.000000", 42);
	json_end_object(&w);
	json_end_object(&w);
	json_begin_array(&w, NULL);
	json_end_array(&w);
	json_end_array(&w);
	json_begin_object(&w, "empty");
	json_end_object(&w);
	json_finish(&w);
	fclose(f);

	root = json_parse(text, err, sizeof(err));
	KUNIT_ASSERT_NOT_NULL_MSG(test, root, "%s in:\n%s", err, text);
	v = json_get(root, "fio version");
	KUNIT_ASSERT_NOT_NULL(test, v);
	KUNIT_EXPECT_STREQ(test, v->str, "a \"quoted\" \\ line\n\t\x01 é \xef\xbf\xbd");
	KUNIT_EXPECT_EQ(test, json_get(root, "neg")->num, -5.0);
	KUNIT_EXPECT_EQ(test, json_get(root, "nan")->num, 0.0);
	KUNIT_EXPECT_EQ(test, json_get(root, "pi")->num, 3.25);
	KUNIT_EXPECT_EQ(test, json_get(root, "yes")->type, JSON_TRUE);
	v = json_path(root, "jobs/0/percentile/99.000000");
	KUNIT_ASSERT_NOT_NULL(test, v);
	KUNIT_EXPECT_EQ(test, v->num, 42.0);
	KUNIT_EXPECT_EQ(test, json_path(root, "jobs/1")->type, JSON_ARRAY);
	KUNIT_EXPECT_EQ(test, json_path(root, "jobs/1")->nr, 0UL);
	KUNIT_EXPECT_NULL(test, json_path(root, "jobs/2"));
	KUNIT_EXPECT_EQ(test, json_get(root, "empty")->type, JSON_OBJECT);
	json_free(root);
	free(text);
}

static void cli_run_json_rejects_bad_documents(struct kunit *test)
{
	static const char *const bad[] = {
		"", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[01]", "[1.]",
		"[.5]", "[1e]", "[-]", "\"abc", "\"a\x01\"", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"",
		"\"\\udc00\"", "[1] [2]", "tru", "nul", "[NaN]", "{\"a\":1}x", "[\"a\",,]",
	};
	static const char *const good[] = {
		"0", "-0.5e+3", "\"\\ud83d\\ude00\"", "[]", "{}", " { \"a\" : [ 1 , true , null ] } ",
		"\"\\/\\b\\f\\n\\r\\t\"",
	};
	char deep[200], err[128];
	struct json_value *v;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = json_parse(bad[i], err, sizeof(err));
		KUNIT_EXPECT_NULL_MSG(test, v, "accepted \"%s\"", bad[i]);
		json_free(v);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = json_parse(good[i], err, sizeof(err));
		KUNIT_EXPECT_NOT_NULL_MSG(test, v, "refused \"%s\": %s", good[i], err);
		json_free(v);
	}
	memset(deep, '[', sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = '\0';
	KUNIT_EXPECT_NULL(test, json_parse(deep, err, sizeof(err)));
}

static struct kunit_case cli_job_cases[] = {
	KUNIT_CASE(cli_run_jobfile_global_and_sections),
	KUNIT_CASE_PARAM(cli_run_jobfile_bad, jobfile_bad_gen_params),
	KUNIT_CASE(cli_run_jobfile_long_line_and_junk),
	KUNIT_CASE(cli_run_jobfile_with_cli_override),
	KUNIT_CASE(cli_run_lat_hist),
	KUNIT_CASE(cli_run_verify_header),
	KUNIT_CASE(cli_run_output_num),
	KUNIT_CASE(cli_run_json_roundtrip),
	KUNIT_CASE(cli_run_json_rejects_bad_documents),
	{}
};

struct kunit_suite cli_job_suite = {
	.name = "cli_job",
	.test_cases = cli_job_cases,
};
