// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for `pinio run` (tools/pinio/): the option and job-file
 * parser called directly (table-driven: sizes, times, every bad input of
 * the CLI contract, [global] and job sections), the pure helpers (latency
 * histogram, crc32c block headers, the JSON writer and parser), and real
 * short runs through run_main() on a small ram device, in the normal
 * format and in JSON parsed back and checked.
 *
 * The runs boot and shut the machine down themselves, as `pinio run`
 * does; a case starts and ends with no machine booted.
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

#define MIB (1ULL << 20)

/* ---- helpers ------------------------------------------------------------------ */

/* Split @line on spaces into argv (argv[0] = "run"); @buf keeps the strings. */
static int cli_split(const char *line, char *buf, size_t size, char **argv, int max)
{
	int argc = 0;
	char *p;

	snprintf(buf, size, "run %s", line);
	for (p = strtok(buf, " "); p && argc < max - 1; p = strtok(NULL, " "))
		argv[argc++] = p;
	argv[argc] = NULL;
	return argc;
}

struct cli_result {
	int code;
	char *out;
	char *err;
};

/* run_main() on @line with both streams captured. */
static void cli_run(struct kunit *test, const char *line, struct cli_result *r)
{
	size_t out_len = 0, err_len = 0;
	char buf[1024], *argv[64];
	FILE *out, *err;
	int argc = cli_split(line, buf, sizeof(buf), argv, 64);

	r->out = NULL;
	r->err = NULL;
	out = open_memstream(&r->out, &out_len);
	err = open_memstream(&r->err, &err_len);
	KUNIT_ASSERT_NOT_NULL(test, out);
	KUNIT_ASSERT_NOT_NULL(test, err);
	r->code = run_main(argc, argv, out, err);
	fclose(out);
	fclose(err);
}

static void cli_result_free(struct cli_result *r)
{
	free(r->out);
	free(r->err);
}

/* Parse and check @line as `pinio run` would, on a device of @dev_bytes. */
static int cli_parse_validate(const char *line, struct run_opts *opts, struct job_list *jobs,
			      char *err, size_t errlen)
{
	char buf[1024], *argv[64];
	int argc = cli_split(line, buf, sizeof(buf), argv, 64);

	if (job_parse_args(argc, argv, opts, jobs, err, errlen))
		return -1;
	if (job_validate(opts, jobs, opts->dev_bytes, err, errlen)) {
		job_list_free(jobs);
		return -1;
	}
	return 0;
}

/* ---- sizes and times ------------------------------------------------------------ */

struct size_case {
	const char *text;
	int ret;
	uint64_t value;
};

static const struct size_case size_cases[] = {
	{ "512", 0, 512 },
	{ "4k", 0, 4096 },
	{ "4K", 0, 4096 },
	{ "4kb", 0, 4096 },
	{ "4KiB", 0, 4096 },
	{ "1M", 0, MIB },
	{ "1m", 0, MIB },
	{ "1g", 0, 1ULL << 30 },
	{ "2T", 0, 2ULL << 40 },
	{ "1p", 0, 1ULL << 50 },
	{ "0x1000", 0, 4096 },
	{ "4096b", 0, 4096 },
	{ "0", 0, 0 },
	{ "banana", -1, 0 },
	{ "-4k", -1, 0 },
	{ "", -1, 0 },
	{ "4q", -1, 0 },
	{ "1.5M", -1, 0 },
	{ "4 k", -1, 0 },
	{ "k", -1, 0 },
	{ "4kk", -1, 0 },
	{ "4kib2", -1, 0 },
	{ "0x", -1, 0 },
	{ "0xg", -1, 0 },
	{ "99999999999999999999", -1, 0 },
	{ "16777216p", -1, 0 },
	{ "+4k", -1, 0 },
};

static void size_case_desc(const struct size_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "\"%s\"", c->text);
}

KUNIT_ARRAY_PARAM(size, size_cases, size_case_desc);

static void cli_run_parse_size(struct kunit *test)
{
	const struct size_case *c = test->param_value;
	uint64_t v = 12345;

	KUNIT_EXPECT_EQ(test, job_parse_size(c->text, &v), c->ret);
	if (!c->ret)
		KUNIT_EXPECT_EQ(test, v, c->value);
}

static void cli_run_parse_time(struct kunit *test)
{
	uint64_t v;

	KUNIT_EXPECT_EQ(test, job_parse_time_ns("3", &v), 0);
	KUNIT_EXPECT_EQ(test, v, 3000000000ULL);
	KUNIT_EXPECT_EQ(test, job_parse_time_ns("3s", &v), 0);
	KUNIT_EXPECT_EQ(test, v, 3000000000ULL);
	KUNIT_EXPECT_EQ(test, job_parse_time_ns("500ms", &v), 0);
	KUNIT_EXPECT_EQ(test, v, 500000000ULL);
	KUNIT_EXPECT_EQ(test, job_parse_time_ns("10us", &v), 0);
	KUNIT_EXPECT_EQ(test, v, 10000ULL);
	KUNIT_EXPECT_EQ(test, job_parse_time_ns("2m", &v), 0);
	KUNIT_EXPECT_EQ(test, v, 120000000000ULL);
	KUNIT_EXPECT_EQ(test, job_parse_time_ns("1h", &v), 0);
	KUNIT_EXPECT_EQ(test, v, 3600000000000ULL);
	KUNIT_EXPECT_EQ(test, job_parse_time_ns("3x", &v), -1);
	KUNIT_EXPECT_EQ(test, job_parse_time_ns("-1", &v), -1);
	KUNIT_EXPECT_EQ(test, job_parse_time_ns("", &v), -1);
	KUNIT_EXPECT_EQ(test, job_parse_time_ns("99999999999999d", &v), -1);
}

/* ---- bad input: one line naming the problem --------------------------------------- */

struct bad_case {
	const char *args;
	const char *msg;	/* a substring of the error */
};

static const struct bad_case bad_cases[] = {
	{ "--bs=banana", "bad value for bs: \"banana\"" },
	{ "--bs=-4k", "bad value for bs: \"-4k\"" },
	{ "--bs=0", "bad value for bs: \"0\"" },
	{ "--bs=32M", "at most 16M" },
	{ "--size=banana", "bad value for size: \"banana\"" },
	{ "--size=-1", "bad value for size" },
	{ "--offset=x", "bad value for offset" },
	{ "--size=0%", "bad value for size" },
	{ "--size=101%", "bad value for size" },
	{ "--banana", "unknown option \"--banana\"" },
	{ "--banana=1", "unknown option \"--banana=1\"" },
	{ "-x", "unknown option \"-x\"" },
	{ "--bs", "option --bs needs a value" },
	{ "--device", "option --device needs a value" },
	{ "--numjobs=0", "bad value for numjobs: \"0\"" },
	{ "--numjobs=65", "bad value for numjobs" },
	{ "--iodepth=0", "bad value for iodepth: \"0\"" },
	{ "--iodepth=many", "bad value for iodepth" },
	{ "--rw=trim", "bad value for rw: \"trim\"" },
	{ "--rwmixread=101", "bad value for rwmixread" },
	{ "--ioengine=mmap", "bad value for ioengine: \"mmap\"" },
	{ "--verify=md5", "bad value for verify: \"md5\"" },
	{ "--direct=maybe", "bad value for direct" },
	{ "--runtime=3x", "bad value for runtime" },
	{ "--runtime=1.5", "bad value for runtime" },
	{ "--runtime=-1", "bad value for runtime" },
	{ "--runtime=1000000000000000s", "bad value for runtime" },
	{ "--ramp_time=abc", "bad value for ramp_time" },
	{ "--randseed=abc", "bad value for randseed" },
	{ "--randseed=0x", "bad value for randseed" },
	{ "--randseed=0x10000000000000000", "bad value for randseed" },
	{ "--size=99999999999999999999", "bad value for size" },
	{ "--size=16e", "bad value for size" },
	{ "--size=+4k", "bad value for size" },
	{ "--iodepth=1025", "bad value for iodepth: \"1025\" (1 to 1024)" },
	{ "--rwmixwrite=101", "bad value for rwmixwrite" },
	{ "--name=", "bad value for name: \"\"" },
	{ "--filename=", "bad value for filename: \"\"" },
	{ "--output-format", "option --output-format needs a value" },
	{ "--device=ram:banana", "bad value for --device size: \"banana\"" },
	{ "--device=ram:0", "bad value for --device size" },
	{ "--device=ram:", "bad value for --device size: \"\"" },
	{ "--device=disk:1G", "bad value for --device" },
	{ "--device=file:", "file:PATH needs a path" },
	{ "--fs=ext4", "bad value for --fs" },
	{ "--fs=simfs,bs=3000", "bad value for --fs: \"simfs,bs=3000\"" },
	{ "--fs=simfs,bs=8k", "bad value for --fs" },
	{ "--fs=simfs,blocks=4", "bad value for --fs" },
	{ "--engine=aio", "bad value for --engine" },
	{ "--buffer=heap", "bad value for --buffer" },
	/* --fs, --engine and --buffer together */
	{ "--fs=simfs --engine=raw", "--engine=raw contradicts --fs=simfs" },
	{ "--fs=simfs --engine=passthrough", "--engine=passthrough contradicts --fs=simfs" },
	{ "--fs=none --engine=iomap", "--engine=iomap needs a filesystem" },
	{ "--fs=none --engine=legacy", "--engine=legacy needs a filesystem" },
	{ "--engine=raw --buffer=file-mmap", "--buffer=file-mmap maps a file on simfs" },
	{ "--name=a --buffer=file-mmap", "it needs --fs=simfs" },
	{ "--fs=simfs --device=null:64M", "--device=null discards it" },
	{ "--fs=simfs,bs=1024 --lbs=4096", "smaller than the logical block size 4096" },
	{ "--fs=simfs --device=ram:1M", "needs a device of at least 2M" },
	{ "--fs=simfs --filename=/dev/ram0", "not on a device" },
	{ "--fs=simfs --filename=/tmp/foo", "not a file on simfs" },
	{ "--fs=simfs --filename=/mnt/a/b", "not a file on simfs" },
	{ ("--fs=simfs --name=abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij12"),
	  "longer than simfs allows" },
	{ "--fs=simfs --size=300M", "past the end of what simfs holds" },
	{ "--device=ram:8M --fs=simfs --name=x --numjobs=4 --size=2m", "more than simfs on /dev/ram0 holds" },
	{ "--fs=simfs --name=a --filename=/mnt/f --rw=randrw --verify=crc32c --size=4m "
	  "--name=b --filename=/mnt/f --rw=write --size=4m", "overlap on /mnt/f" },
	{ "--profile=v7", "bad value for --profile" },
	{ "--dma=threads:9", "bad value for --dma" },
	{ "--dma=threads:0", "bad value for --dma" },
	{ "--dma=lots", "bad value for --dma" },
	{ "--dma=threads:", "bad value for --dma" },
	{ "--mem=", "bad value for --mem" },
	{ "--zero-colours=0", "bad value for --zero-colours" },
	{ "--lbs=0", "bad value for --lbs" },
	{ "--mem=1M", "bad value for --mem" },
	{ "--mem=100G", "bad value for --mem" },
	{ "--mem=9000001", "bad value for --mem" },
	{ "--zero-colours=3", "bad value for --zero-colours" },
	{ "--zero-colours=256", "bad value for --zero-colours" },
	{ "--output-format=xml", "bad value for --output-format" },
	{ "--lbs=1000", "bad value for --lbs" },
	/* checked against the device and the other options */
	{ "--bs=1000", "not a multiple of the logical block size 512" },
	{ "--fs=simfs --bs=1000", "not a multiple of the logical block size 512" },
	{ "--lbs=4096 --bs=2k", "not a multiple of the logical block size 4096" },
	{ "--bs=8k --size=4k", "larger than size" },
	{ "--offset=100", "offset=100 is not a multiple" },
	{ "--offset=300M", "past the end" },
	{ "--size=200M --offset=100M", "past the end" },
	{ "--direct=0 --engine=raw", "buffered I/O goes through simfs's page cache" },
	{ "--name=a --direct=0", "it needs --fs=simfs" },
	{ "--filename=/tmp/foo --engine=raw", "neither the device /dev/ram0 nor a file on simfs" },
	{ "--name=a --filename=/mnt/foo", "a file needs --fs=simfs" },
	{ "--engine=raw --filename=/dev/sdb", "no such device" },
	{ "--filename=/dev/sdb", "not on a device" },
	{ "--time_based --runtime=0", "time_based needs a runtime" },
	{ "--device=null:64M --verify=crc32c", "--device=null discards it" },
	{ "--buffer=untouched --verify=crc32c", "--buffer=untouched forbids" },
	{ "--engine=raw --size=8k --numjobs=4", "too few for numjobs=4" },
	{ "--fs=simfs --name=a --filename=/mnt/f --size=8k --numjobs=4 --verify=crc32c", "too few for numjobs=4" },
	{ "--name=a --rw=write --name=b --rw=randrw --verify=crc32c", "overlap" },
	{ "--device=ram:1000", "not a multiple of the logical block size" },
	{ "--engine=passthrough --bs=2M", "too large for --engine=passthrough" },
	{ "--numjobs=64 --verify=0 --name=a --name=b --name=c", "too many clones" },
	{ "--mem=16M --iodepth=1024 --bs=1M", "more than half of --mem" },
	{ "--fixedbufs=maybe", "bad value for fixedbufs: \"maybe\"" },
	{ "--ioengine=libaio --fixedbufs", "fixedbufs is an io_uring option (ioengine=libaio)" },
	{ "--ioengine=psync --fixedbufs=1", "fixedbufs is an io_uring option (ioengine=psync)" },
	{ "--engine=passthrough --fixedbufs", "--engine=passthrough is synchronous" },
	{ "--buffer=file-mmap --fixedbufs", "cannot register --buffer=file-mmap" },
	{ "--iodepth=1024 --bs=16k --fixedbufs", "more than RLIMIT_MEMLOCK (8M)" },
	{ "--ioengine=io_uring --fixedbufs --bs=1M --verify=0 --name=a --iodepth=5 --name=b "
	  "--iodepth=4", "fixedbufs: the jobs' buffers are 9M" },
};

static void bad_case_desc(const struct bad_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->args);
}

KUNIT_ARRAY_PARAM(bad, bad_cases, bad_case_desc);

/* The pure parser refuses it with the message, before anything runs. */
static void cli_run_parse_bad_input(struct kunit *test)
{
	const struct bad_case *c = test->param_value;
	struct run_opts opts;
	struct job_list jobs;
	char err[320] = "";

	KUNIT_EXPECT_EQ(test, cli_parse_validate(c->args, &opts, &jobs, err, sizeof(err)), -1);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(err, c->msg), "error \"%s\", wanted \"%s\"", err,
				  c->msg);
	KUNIT_EXPECT_NULL(test, strchr(err, '\n'));
}

/*
 * The CLI's contract for bad usage: exit 2 with exactly one line on stderr,
 * "pinio: " and a message containing @msg, nothing on stdout, no machine
 * left booted.
 */
static void cli_expect_usage_error(struct kunit *test, const struct cli_result *r,
				   const char *msg)
{
	KUNIT_EXPECT_EQ(test, r->code, 2);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(r->err, msg), "stderr \"%s\"", r->err);
	KUNIT_EXPECT_EQ(test, strncmp(r->err, "pinio: ", 7), 0);
	KUNIT_EXPECT_NOT_NULL(test, strchr(r->err, '\n'));
	if (strchr(r->err, '\n'))
		KUNIT_EXPECT_EQ(test, strchr(r->err, '\n')[1], '\0');
	KUNIT_EXPECT_STREQ(test, r->out, "");
	KUNIT_EXPECT_FALSE(test, sim_booted());
}

/* `pinio run` exits 2 with one line on stderr, nothing on stdout, no machine left. */
static void cli_run_bad_input_exits_2(struct kunit *test)
{
	const struct bad_case *c = test->param_value;
	struct cli_result r;

	cli_run(test, c->args, &r);
	cli_expect_usage_error(test, &r, c->msg);
	cli_result_free(&r);
}

/*
 * Files that are missing or wrong: a --device=file: or a job file checked
 * on the host before anything is created. @content, when set, is written
 * to a temporary file whose path replaces "@" in @args.
 */
struct bad_file_case {
	const char *args;
	const char *content;	/* NULL: @args names existing host paths */
	size_t len;		/* of @content (it may hold a NUL) */
	const char *msg;
};

/* A file's text and its length (the text may hold a NUL). */
#define FILE_TEXT(t)	t, sizeof(t) - 1

static const struct bad_file_case bad_file_cases[] = {
	{ "--device=file:/nonexistent/pinio-cli-test.img", NULL, 0, "No such file or directory" },
	{ "--device=file:/tmp", NULL, 0, "not a regular file or block device" },
	{ "--device=file:/dev/null", NULL, 0, "not a regular file or block device" },
	{ "--device=file:@", FILE_TEXT("tiny"), "smaller than one 512-byte block" },
	{ "--device=file:", NULL, 0, "file:PATH needs a path" },
	{ "/nonexistent/job.fio", NULL, 0, "job file /nonexistent/job.fio: No such file" },
	{ "/tmp", NULL, 0, "job file /tmp: Is a directory" },
	{ "@", FILE_TEXT(""), "no job section" },
	{ "@", FILE_TEXT("[a]\nbs=4k\0\n"), "not a text file (NUL byte)" },
	/* the parser's errors (jobfile_bad_cases) come back as FILE: line N: ... */
	{ "@", FILE_TEXT("[a]\nbs=4k\nfoo=1\n"), ": line 3: unknown option \"foo\"" },
	{ "--runtime=1 @", FILE_TEXT("[a]\nbs=banana\n"), ": line 2: bad value for bs" },
};

static void bad_file_case_desc(const struct bad_file_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s%s%.40s", c->args, c->content ? " with " : "",
		 c->content ? c->content : "");
	for (; *desc; desc++)
		if (*desc == '\n')
			*desc = ' ';
}

KUNIT_ARRAY_PARAM(bad_file, bad_file_cases, bad_file_case_desc);

/* `pinio run` exits 2 with one line naming the file, nothing on stdout, no machine. */
static void cli_run_bad_file_exits_2(struct kunit *test)
{
	const struct bad_file_case *c = test->param_value;
	char path[] = "/tmp/pinio-cli-XXXXXX", args[256];
	const char *at = strchr(c->args, '@');
	struct cli_result r;
	int fd = -1;

	snprintf(args, sizeof(args), "%s", c->args);
	if (c->content) {
		fd = mkstemp(path);
		KUNIT_ASSERT_GE(test, fd, 0);
		KUNIT_ASSERT_EQ(test, write(fd, c->content, c->len), (ssize_t)c->len);
		close(fd);
		KUNIT_ASSERT_NOT_NULL(test, at);
		snprintf(args, sizeof(args), "%.*s%s%s", (int)(at - c->args), c->args, path, at + 1);
	}
	cli_run(test, args, &r);
	if (c->content)
		unlink(path);
	cli_expect_usage_error(test, &r, c->msg);
	cli_result_free(&r);
}

/* ---- the command line ----------------------------------------------------------- */

static void cli_run_parse_no_args_is_builtin_default(struct kunit *test)
{
	struct run_opts opts;
	struct job_list jobs;
	char err[320];
	const struct job *j;

	KUNIT_ASSERT_EQ(test, cli_parse_validate("", &opts, &jobs, err, sizeof(err)), 0);
	KUNIT_ASSERT_EQ(test, jobs.nr, 1U);
	j = &jobs.jobs[0];
	KUNIT_EXPECT_TRUE(test, opts.default_job);
	KUNIT_EXPECT_EQ(test, opts.dev_kind, RUN_DEV_RAM);
	KUNIT_EXPECT_EQ(test, opts.dev_bytes, 256 * MIB);
	/* iomap direct I/O on simfs, as issue 5 asks */
	KUNIT_EXPECT_EQ(test, opts.fs, RUN_FS_SIMFS);
	KUNIT_EXPECT_EQ(test, opts.fs_bs, 4096U);
	KUNIT_EXPECT_EQ(test, opts.engine, RUN_ENGINE_IOMAP);
	KUNIT_EXPECT_TRUE(test, j->direct);
	KUNIT_EXPECT_EQ(test, j->rw, JOB_RW_RANDRW);
	KUNIT_EXPECT_EQ(test, j->bs, 4096ULL);
	KUNIT_EXPECT_EQ(test, j->iodepth, 8U);
	KUNIT_EXPECT_EQ(test, j->ioengine, JOB_IOENGINE_IO_URING);
	KUNIT_EXPECT_EQ(test, j->verify, JOB_VERIFY_CRC32C);
	KUNIT_EXPECT_TRUE(test, j->time_based);
	KUNIT_EXPECT_EQ(test, j->runtime_ns, 3000000000ULL);
	KUNIT_EXPECT_EQ(test, j->size, 64 * MIB);	/* the default job's file */
	KUNIT_EXPECT_STREQ(test, j->filename, "");	/* /mnt/default.0 */
	job_list_free(&jobs);
}

struct fs_case {
	const char *args;
	enum run_fs fs;
	enum run_engine engine;
	enum run_buffer buffer;
	unsigned int fs_bs;
	uint64_t size;		/* of the first job, after job_validate() */
};

/* How --fs, --engine and --buffer settle, with and without a named job. */
static const struct fs_case fs_cases[] = {
	{ "", RUN_FS_SIMFS, RUN_ENGINE_IOMAP, RUN_BUFFER_ANON, 4096, 64 * MIB },
	{ "--engine=legacy", RUN_FS_SIMFS, RUN_ENGINE_LEGACY, RUN_BUFFER_ANON, 4096, 64 * MIB },
	{ "--engine=raw", RUN_FS_NONE, RUN_ENGINE_RAW, RUN_BUFFER_ANON, 4096, 256 * MIB },
	{ "--engine=passthrough", RUN_FS_NONE, RUN_ENGINE_PASSTHROUGH, RUN_BUFFER_ANON, 4096,
	  256 * MIB },
	{ "--fs=none", RUN_FS_NONE, RUN_ENGINE_RAW, RUN_BUFFER_ANON, 4096, 256 * MIB },
	{ "--device=null:64M", RUN_FS_NONE, RUN_ENGINE_RAW, RUN_BUFFER_ANON, 4096, 64 * MIB },
	{ "--device=ram:16M", RUN_FS_SIMFS, RUN_ENGINE_IOMAP, RUN_BUFFER_ANON, 4096, 15 * MIB },
	{ "--fs=simfs,bs=1024 --size=8m", RUN_FS_SIMFS, RUN_ENGINE_IOMAP, RUN_BUFFER_ANON, 1024,
	  8 * MIB },
	{ "--buffer=file-mmap", RUN_FS_SIMFS, RUN_ENGINE_IOMAP, RUN_BUFFER_FILE_MMAP, 4096,
	  64 * MIB },
	{ "--name=a", RUN_FS_NONE, RUN_ENGINE_RAW, RUN_BUFFER_ANON, 4096, 256 * MIB },
	{ "--name=a --engine=iomap", RUN_FS_SIMFS, RUN_ENGINE_IOMAP, RUN_BUFFER_ANON, 4096,
	  255 * MIB },
	{ "--fs=simfs,bs=2k --engine=legacy --name=a --numjobs=2", RUN_FS_SIMFS,
	  RUN_ENGINE_LEGACY, RUN_BUFFER_ANON, 2048, 255 * MIB / 2 },
	{ "--fs=simfs --name=a --size=50% --direct=0 --bs=1000", RUN_FS_SIMFS, RUN_ENGINE_IOMAP,
	  RUN_BUFFER_ANON, 4096, 255 * MIB / 2 / 1000 * 1000 },
	{ "--fs=simfs --name=a --filename=/mnt/data --size=1m", RUN_FS_SIMFS, RUN_ENGINE_IOMAP,
	  RUN_BUFFER_ANON, 4096, MIB },
};

static void fs_case_desc(const struct fs_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->args[0] ? c->args : "(no arguments)");
}

KUNIT_ARRAY_PARAM(fs, fs_cases, fs_case_desc);

static void cli_run_parse_fs_engine_buffer(struct kunit *test)
{
	const struct fs_case *c = test->param_value;
	struct run_opts opts;
	struct job_list jobs;
	char err[320] = "";

	KUNIT_ASSERT_EQ_MSG(test, cli_parse_validate(c->args, &opts, &jobs, err, sizeof(err)), 0,
			    "%s", err);
	KUNIT_EXPECT_EQ(test, opts.fs, c->fs);
	KUNIT_EXPECT_EQ(test, opts.engine, c->engine);
	KUNIT_EXPECT_EQ(test, opts.buffer, c->buffer);
	KUNIT_EXPECT_EQ(test, opts.fs_bs, c->fs_bs);
	KUNIT_EXPECT_EQ(test, jobs.jobs[0].size, c->size);
	job_list_free(&jobs);
}

/* The file each clone runs on with simfs. */
static void cli_run_job_file_path(struct kunit *test)
{
	struct job job;
	char path[JOB_PATH_MAX + 16];

	job_init_defaults(&job);
	snprintf(job.name, sizeof(job.name), "seq");
	KUNIT_EXPECT_EQ(test, job_file_path(&job, 3, path, sizeof(path)), 0);
	KUNIT_EXPECT_STREQ(test, path, "/mnt/seq.3");
	snprintf(job.filename, sizeof(job.filename), "/mnt/shared");
	KUNIT_EXPECT_EQ(test, job_file_path(&job, 3, path, sizeof(path)), 0);
	KUNIT_EXPECT_STREQ(test, path, "/mnt/shared");
	job.filename[0] = '\0';
	memset(job.name, 'x', 62);
	job.name[62] = '\0';
	KUNIT_EXPECT_EQ(test, job_file_path(&job, 1, path, sizeof(path)), -1);
	job_buffer_file_path(2, 5, path, sizeof(path));
	KUNIT_EXPECT_STREQ(test, path, "/mnt/.buf.2.5");
	KUNIT_EXPECT_STREQ(test, run_engine_name(RUN_ENGINE_LEGACY), "legacy");
	KUNIT_EXPECT_STREQ(test, run_buffer_name(RUN_BUFFER_FILE_MMAP), "file-mmap");
	KUNIT_EXPECT_STREQ(test, run_fs_name(RUN_FS_SIMFS), "simfs");
}

static void cli_run_parse_globals_and_names(struct kunit *test)
{
	struct run_opts opts;
	struct job_list jobs;
	char err[320];

	/* Before the first --name: every job; after: that job only; "--k v" works too. */
	KUNIT_ASSERT_EQ(test,
			cli_parse_validate("--bs 8k --device=ram:64M --name=a --rw=write --size=16M "
					   "--name b --iodepth=4 --offset=32M --size=50%",
					   &opts, &jobs, err, sizeof(err)),
			0);
	KUNIT_ASSERT_EQ(test, jobs.nr, 2U);
	KUNIT_EXPECT_FALSE(test, opts.default_job);
	KUNIT_EXPECT_STREQ(test, jobs.jobs[0].name, "a");
	KUNIT_EXPECT_EQ(test, jobs.jobs[0].bs, 8192ULL);
	KUNIT_EXPECT_EQ(test, jobs.jobs[0].rw, JOB_RW_WRITE);
	KUNIT_EXPECT_EQ(test, jobs.jobs[0].size, 16 * MIB);
	KUNIT_EXPECT_EQ(test, jobs.jobs[0].ioengine, JOB_IOENGINE_PSYNC); /* fio's default */
	KUNIT_EXPECT_STREQ(test, jobs.jobs[1].name, "b");
	KUNIT_EXPECT_EQ(test, jobs.jobs[1].bs, 8192ULL);
	KUNIT_EXPECT_EQ(test, jobs.jobs[1].rw, JOB_RW_READ);
	KUNIT_EXPECT_EQ(test, jobs.jobs[1].iodepth, 4U);
	KUNIT_EXPECT_EQ(test, jobs.jobs[1].offset, 32 * MIB);
	KUNIT_EXPECT_EQ(test, jobs.jobs[1].size, 32 * MIB);	/* 50% of 64M */
	job_list_free(&jobs);

	KUNIT_ASSERT_EQ(test,
			cli_parse_validate("--device=null:1G --rw=rw --rwmixwrite=30 --lbs=4096 "
					   "--profile=v6.4 --dma=threads:3 --mem=64M --zero-colours=8 "
					   "--buffer=thp --engine=passthrough --output-format=json "
					   "--runtime=2m --ramp_time=500ms --randseed=0x10 --numjobs=3 "
					   "--group_reporting --time_based",
					   &opts, &jobs, err, sizeof(err)),
			0);
	KUNIT_EXPECT_EQ(test, opts.dev_kind, RUN_DEV_NULL);
	KUNIT_EXPECT_EQ(test, opts.dev_bytes, 1ULL << 30);
	KUNIT_EXPECT_EQ(test, opts.lbs, 4096U);
	KUNIT_EXPECT_EQ(test, opts.profile, RUN_PROFILE_V6_4);
	KUNIT_EXPECT_EQ(test, opts.dma_threads, 3);
	KUNIT_EXPECT_EQ(test, opts.mem_bytes, 64 * MIB);
	KUNIT_EXPECT_EQ(test, opts.zero_colours, 8U);
	KUNIT_EXPECT_EQ(test, opts.buffer, RUN_BUFFER_THP);
	KUNIT_EXPECT_EQ(test, opts.engine, RUN_ENGINE_PASSTHROUGH);
	KUNIT_EXPECT_EQ(test, opts.format, RUN_FORMAT_JSON);
	KUNIT_EXPECT_EQ(test, jobs.jobs[0].rwmixread, 70U);
	KUNIT_EXPECT_EQ(test, jobs.jobs[0].runtime_ns, 120000000000ULL);
	KUNIT_EXPECT_EQ(test, jobs.jobs[0].ramp_ns, 500000000ULL);
	KUNIT_EXPECT_EQ(test, jobs.jobs[0].randseed, 16ULL);
	KUNIT_EXPECT_EQ(test, jobs.jobs[0].numjobs, 3U);
	KUNIT_EXPECT_TRUE(test, jobs.jobs[0].group_reporting);
	job_list_free(&jobs);

	{
		char *argv[] = { "run", "--device=file:/x/y.img,io_uring,direct", "--help", NULL };

		/* --help stops the parse: no jobs, nothing to check */
		KUNIT_ASSERT_EQ(test, job_parse_args(3, argv, &opts, &jobs, err, sizeof(err)), 0);
	}
	KUNIT_EXPECT_EQ(test, opts.dev_kind, RUN_DEV_FILE);
	KUNIT_EXPECT_STREQ(test, opts.dev_path, "/x/y.img");
	KUNIT_EXPECT_STREQ(test, opts.dev_backend, "io_uring");
	KUNIT_EXPECT_TRUE(test, opts.dev_host_direct);
	KUNIT_EXPECT_TRUE(test, opts.help);
	job_list_free(&jobs);
}

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

/* ---- real runs ----------------------------------------------------------------------- */

static void cli_run_help_and_version(struct kunit *test)
{
	struct cli_result r;

	cli_run(test, "--help", &r);
	KUNIT_EXPECT_EQ(test, r.code, 0);
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.out, "usage: pinio run"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.out, "--fs=none|simfs[,bs=N]"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.out, "--engine=raw|passthrough|iomap|legacy"));
	KUNIT_EXPECT_NULL(test, strstr(r.out, "not built yet"));
	KUNIT_EXPECT_STREQ(test, r.err, "");
	cli_result_free(&r);
	cli_run(test, "--version", &r);
	KUNIT_EXPECT_EQ(test, r.code, 0);
	KUNIT_EXPECT_EQ(test, strncmp(r.out, "pinio ", 6), 0);
	cli_result_free(&r);
}

/* A short verified randrw on a small ram device: exit 0 and fio's summary plus the ledger. */
static void cli_run_short_run_normal(struct kunit *test)
{
	struct cli_result r;

	cli_run(test,
		"--device=ram:16M --mem=32M --name=short --rw=randrw --bs=4k --ioengine=io_uring "
		"--iodepth=4 --time_based --runtime=300ms --verify=crc32c",
		&r);
	KUNIT_EXPECT_EQ_MSG(test, r.code, 0, "stderr: %s", r.err);
	KUNIT_EXPECT_STREQ(test, r.err, "");
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.out, "short: (groupid=0, jobs=1): err=  0"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.out, "  read: IOPS="));
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.out, "  write: IOPS="));
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.out, "clat percentiles (usec):"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.out, "99.99th=["));
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.out, "Run status group 0 (all jobs):"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.out, "nr_foll_pin_acquired"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.out, "(balance 0)"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.out, "failures=0"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.out, "Result: OK"));
	KUNIT_EXPECT_NULL(test, strchr(r.out, '\r'));	/* no progress line off a tty */
	KUNIT_EXPECT_FALSE(test, sim_booted());
	cli_result_free(&r);
}

static double jnum(struct kunit *test, const struct json_value *root, const char *path)
{
	const struct json_value *v = json_path(root, path);

	KUNIT_EXPECT_NOT_NULL_MSG(test, v, "no %s", path);
	if (!v)
		return -1;
	KUNIT_EXPECT_EQ_MSG(test, v->type, JSON_NUMBER, "%s is not a number", path);
	return v->num;
}

/* JSON output parses, has fio's keys, and its numbers agree with each other. */
static void cli_run_short_run_json(struct kunit *test)
{
	static const char *const dirs[] = { "read", "write" };
	const struct json_value *v, *job;
	struct json_value *root;
	struct cli_result r;
	char err[128], path[128];
	double acquired, released;
	size_t d;
	int i;

	cli_run(test,
		"--device=ram:16M --mem=32M --output-format=json --name=j --rw=randrw --bs=8k "
		"--ioengine=libaio --iodepth=8 --time_based --runtime=300ms --verify=crc32c "
		"--numjobs=2 --group_reporting",
		&r);
	KUNIT_EXPECT_EQ_MSG(test, r.code, 0, "stderr: %s", r.err);
	root = json_parse(r.out, err, sizeof(err));
	KUNIT_ASSERT_NOT_NULL_MSG(test, root, "%s", err);
	v = json_get(root, "fio version");
	KUNIT_ASSERT_NOT_NULL(test, v);
	KUNIT_EXPECT_EQ(test, v->type, JSON_STRING);
	v = json_get(root, "jobs");
	KUNIT_ASSERT_NOT_NULL(test, v);
	KUNIT_EXPECT_EQ(test, v->nr, 1UL);	/* group_reporting: one report */
	job = json_at(v, 0);
	KUNIT_ASSERT_NOT_NULL(test, job);
	KUNIT_EXPECT_STREQ(test, json_get(job, "jobname")->str, "j");
	KUNIT_EXPECT_EQ(test, jnum(test, job, "error"), 0.0);
	KUNIT_EXPECT_EQ(test, jnum(test, job, "pinio/clones"), 2.0);
	KUNIT_EXPECT_STREQ(test, json_path(job, "job options/rw")->str, "randrw");
	for (d = 0; d < 2; d++) {
		double ios, bytes, runtime, iops, bw_bytes, p1, p50, p99, p9999, min, max, mean;

		snprintf(path, sizeof(path), "%s/total_ios", dirs[d]);
		ios = jnum(test, job, path);
		snprintf(path, sizeof(path), "%s/io_bytes", dirs[d]);
		bytes = jnum(test, job, path);
		snprintf(path, sizeof(path), "%s/runtime", dirs[d]);
		runtime = jnum(test, job, path);
		snprintf(path, sizeof(path), "%s/iops", dirs[d]);
		iops = jnum(test, job, path);
		snprintf(path, sizeof(path), "%s/bw_bytes", dirs[d]);
		bw_bytes = jnum(test, job, path);
		snprintf(path, sizeof(path), "%s/bw", dirs[d]);
		KUNIT_EXPECT_EQ(test, (uint64_t)jnum(test, job, path), (uint64_t)bw_bytes / 1024);
		KUNIT_EXPECT_GT(test, ios, 0.0);
		KUNIT_EXPECT_EQ(test, bytes, ios * 8192);
		KUNIT_EXPECT_GE(test, runtime, 300.0);
		KUNIT_EXPECT_GT(test, iops, 0.0);
		/* iops ~ ios / runtime (runtime in ms, rounded down) */
		KUNIT_EXPECT_LE(test, iops, ios * 1000 / runtime * 1.01);
		KUNIT_EXPECT_GE(test, iops, ios * 1000 / (runtime + 1) * 0.99);
		snprintf(path, sizeof(path), "%s/lat_ns/min", dirs[d]);
		min = jnum(test, job, path);
		snprintf(path, sizeof(path), "%s/lat_ns/max", dirs[d]);
		max = jnum(test, job, path);
		snprintf(path, sizeof(path), "%s/lat_ns/mean", dirs[d]);
		mean = jnum(test, job, path);
		snprintf(path, sizeof(path), "%s/lat_ns/stddev", dirs[d]);
		KUNIT_EXPECT_GE(test, jnum(test, job, path), 0.0);
		KUNIT_EXPECT_LE(test, min, mean);
		KUNIT_EXPECT_LE(test, mean, max);
		snprintf(path, sizeof(path), "%s/clat_ns/percentile/1.000000", dirs[d]);
		p1 = jnum(test, job, path);
		snprintf(path, sizeof(path), "%s/clat_ns/percentile/50.000000", dirs[d]);
		p50 = jnum(test, job, path);
		snprintf(path, sizeof(path), "%s/clat_ns/percentile/99.000000", dirs[d]);
		p99 = jnum(test, job, path);
		snprintf(path, sizeof(path), "%s/clat_ns/percentile/99.990000", dirs[d]);
		p9999 = jnum(test, job, path);
		KUNIT_EXPECT_LE(test, p1, p50);
		KUNIT_EXPECT_LE(test, p50, p99);
		KUNIT_EXPECT_LE(test, p99, p9999);
		snprintf(path, sizeof(path), "%s/lat_ns/percentile/99.000000", dirs[d]);
		KUNIT_EXPECT_GT(test, jnum(test, job, path), 0.0);
		snprintf(path, sizeof(path), "%s/clat_ns/percentile", dirs[d]);
		KUNIT_EXPECT_EQ(test, json_path(job, path)->nr, 17UL);
	}
	KUNIT_EXPECT_EQ(test, jnum(test, job, "trim/total_ios"), 0.0);
	KUNIT_EXPECT_GT(test, jnum(test, job, "pinio/verify_blocks_checked"), 0.0);
	KUNIT_EXPECT_EQ(test, jnum(test, job, "pinio/verify_failures"), 0.0);
	/* the ledger balances and nothing leaked */
	acquired = jnum(test, root, "pinio/ledger/pins_acquired");
	released = jnum(test, root, "pinio/ledger/pins_released");
	KUNIT_EXPECT_GT(test, acquired, 0.0);
	KUNIT_EXPECT_EQ(test, acquired, released);
	KUNIT_EXPECT_GE(test, acquired,
			jnum(test, job, "read/total_ios") + jnum(test, job, "write/total_ios"));
	KUNIT_EXPECT_EQ(test, jnum(test, root, "pinio/ledger/leaks"), 0.0);
	KUNIT_EXPECT_EQ(test, jnum(test, root, "pinio/ledger/dma_violations"), 0.0);
	KUNIT_EXPECT_EQ(test, jnum(test, root, "pinio/ledger/check_violations"), 0.0);
	KUNIT_EXPECT_EQ(test, jnum(test, root, "pinio/ledger/pins_outstanding_at_end"), 0.0);
	KUNIT_EXPECT_GT(test, jnum(test, root, "pinio/ledger/bios_submitted"), 0.0);
	KUNIT_EXPECT_EQ(test, jnum(test, root, "pinio/exit_code"), 0.0);
	KUNIT_EXPECT_EQ(test, jnum(test, root, "pinio/vmstat_delta/nr_foll_pin_acquired"), acquired);
	for (i = 0; i < 7; i++) {
		static const char *const lv[] = { "1", "2", "4", "8", "16", "32", ">=64" };

		snprintf(path, sizeof(path), "iodepth_level/%s", lv[i]);
		KUNIT_EXPECT_GE(test, jnum(test, job, path), 0.0);
	}
	json_free(root);
	cli_result_free(&r);
}

/* Each engine and buffer kind runs clean: sync, vectored, passthrough, untouched under v6.4. */
static void cli_run_engines_and_buffers(struct kunit *test)
{
	static const char *const lines[] = {
		"--device=ram:8M --mem=32M --name=p --rw=randrw --ioengine=psync --size=1M --verify=crc32c",
		"--device=ram:8M --mem=32M --name=v --rw=write --ioengine=pvsync --bs=16k --verify=crc32c",
		"--device=ram:8M --mem=32M --engine=passthrough --name=t --rw=randrw --size=1M",
		"--device=null:8M --mem=32M --profile=v6.4 --buffer=untouched --name=z --rw=write --size=1M",
		("--device=ram:8M --mem=32M --buffer=shared --dma=inline --name=s --rw=rw --size=1M "
		 "--ioengine=io_uring --iodepth=16"),
	};
	struct cli_result r;
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		cli_run(test, lines[i], &r);
		KUNIT_EXPECT_EQ_MSG(test, r.code, 0, "%s: %s", lines[i], r.err);
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(r.out, "Result: OK"), "%s", lines[i]);
		cli_result_free(&r);
	}
	/* untouched buffers under v6.4: writes from the zero page take plain references */
	cli_run(test,
		"--device=null:8M --mem=32M --profile=v6.4 --buffer=untouched --output-format=json "
		"--name=z --rw=write --size=256k",
		&r);
	KUNIT_EXPECT_EQ(test, r.code, 0);
	{
		char err[128];
		struct json_value *root = json_parse(r.out, err, sizeof(err));

		KUNIT_ASSERT_NOT_NULL_MSG(test, root, "%s", err);
		KUNIT_EXPECT_EQ(test, jnum(test, root, "pinio/ledger/plain_refs"), 64.0);
		KUNIT_EXPECT_EQ(test, jnum(test, root, "pinio/ledger/pins_acquired"), 0.0);
		json_free(root);
	}
	cli_result_free(&r);
}

/*
 * Real runs through simfs: both direct-I/O engines with verify, sync and
 * async, buffered I/O, and file-mmap buffers; each exits 0 with the ledger
 * clean and the header naming simfs.
 */
static void cli_run_simfs_runs(struct kunit *test)
{
	static const char *const lines[] = {
		("--device=ram:16M --mem=32M --fs=simfs --engine=iomap --name=i --rw=randrw "
		 "--ioengine=io_uring --iodepth=8 --size=4m --time_based --runtime=200ms --verify=crc32c"),
		("--device=ram:16M --mem=32M --fs=simfs --engine=legacy --name=l --rw=randrw "
		 "--ioengine=libaio --iodepth=8 --size=4m --time_based --runtime=200ms --verify=crc32c"),
		("--device=ram:16M --mem=32M --fs=simfs,bs=1024 --engine=legacy --name=l --rw=randread "
		 "--ioengine=psync --size=2m --time_based --runtime=200ms --verify=crc32c"),
		("--device=ram:16M --mem=32M --fs=simfs --name=w --rw=write --bs=16k --size=2m "
		 "--verify=crc32c --numjobs=2"),
		("--device=ram:16M --mem=32M --fs=simfs --name=b --direct=0 --rw=randrw --bs=1000 "
		 "--size=1m --verify=crc32c --ioengine=pvsync"),
		("--device=ram:16M --mem=32M --fs=simfs --buffer=file-mmap --name=m --rw=randrw "
		 "--ioengine=io_uring --iodepth=4 --size=2m --time_based --runtime=200ms --verify=crc32c"),
		("--device=ram:16M --mem=32M --fs=simfs --engine=legacy --buffer=file-mmap --name=m "
		 "--rw=randrw --size=1m --verify=crc32c"),
		("--device=ram:16M --mem=32M --fs=simfs --name=a --filename=/mnt/f --rw=randrw --size=1m "
		 "--verify=crc32c --numjobs=2 --name=r --filename=/mnt/f --offset=1m --size=1m --rw=read"),
		/* Buffered file larger than --mem: reclaim writes back and evicts (mm/vmscan.c). */
		("--device=ram:64M --mem=32M --fs=simfs --name=p --direct=0 --rw=randrw --size=40m "
		 "--verify=crc32c --time_based --runtime=200ms"),
	};
	struct cli_result r;
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		cli_run(test, lines[i], &r);
		KUNIT_EXPECT_EQ_MSG(test, r.code, 0, "%s: %s", lines[i], r.err);
		KUNIT_EXPECT_STREQ_MSG(test, r.err, "", "%s", lines[i]);
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(r.out, ", fs simfs (bs="), "%s", lines[i]);
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(r.out, "failures=0"), "%s", lines[i]);
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(r.out, "Result: OK"), "%s", lines[i]);
		KUNIT_EXPECT_FALSE(test, sim_booted());
		cli_result_free(&r);
	}
}

/*
 * Both engines in JSON: I/O pinned and unpinned, nothing outstanding or
 * leaked; legacy's folio_add_pin() pins, which nr_foll_pin_acquired does
 * not count (as in the kernel), make up the difference exactly.
 */
/*
 * fixedbufs: one registration per clone, READ/WRITE_FIXED after it.
 *   raw:   register 1M (the verify chunk: 256 pages) -> N I/Os, 0 pins each
 *   simfs: the same, besides the layout sweep's plain O_DIRECT writes
 * Expect exactly 256 pins on the raw device however many I/Os ran (more
 * than 256), balanced by as many unpins; on simfs through iomap and
 * legacy no leak, no violation, verified blocks; "fixedbufs" in the job
 * options.
 */
static void cli_run_fixedbufs_json(struct kunit *test)
{
	static const char *const engines[] = { "raw", "iomap", "legacy" };
	char line[320], err[128];
	struct cli_result r;
	size_t i;

	for (i = 0; i < 3; i++) {
		const struct json_value *job;
		struct json_value *root;
		double acquired, ios;

		snprintf(line, sizeof(line),
			 "--device=ram:16M --mem=32M --output-format=json --fs=%s --engine=%s "
			 "--name=j --rw=randrw --ioengine=io_uring --iodepth=4 --fixedbufs --size=2m "
			 "--time_based --runtime=200ms --verify=crc32c",
			 i ? "simfs" : "none", engines[i]);
		cli_run(test, line, &r);
		KUNIT_EXPECT_EQ_MSG(test, r.code, 0, "%s: %s", engines[i], r.err);
		root = json_parse(r.out, err, sizeof(err));
		KUNIT_ASSERT_NOT_NULL_MSG(test, root, "%s", err);
		job = json_at(json_get(root, "jobs"), 0);
		KUNIT_ASSERT_NOT_NULL(test, job);
		KUNIT_EXPECT_STREQ(test, json_path(job, "job options/fixedbufs")->str, "1");
		acquired = jnum(test, root, "pinio/ledger/pins_acquired");
		ios = jnum(test, job, "read/total_ios") + jnum(test, job, "write/total_ios");
		if (i == 0) {
			KUNIT_EXPECT_EQ_MSG(test, acquired, 256.0, "%.0f I/Os", ios);
			KUNIT_EXPECT_GT(test, ios, 256.0);
		}
		KUNIT_EXPECT_EQ(test, jnum(test, root, "pinio/ledger/pins_released"),
				acquired + jnum(test, root, "pinio/ledger/folio_add_pins"));
		KUNIT_EXPECT_EQ(test, jnum(test, root, "pinio/ledger/leaks"), 0.0);
		KUNIT_EXPECT_EQ(test, jnum(test, root, "pinio/ledger/pins_outstanding_at_end"), 0.0);
		KUNIT_EXPECT_EQ(test, jnum(test, root, "pinio/ledger/dma_violations"), 0.0);
		KUNIT_EXPECT_GT(test, jnum(test, job, "pinio/verify_blocks_checked"), 0.0);
		json_free(root);
		cli_result_free(&r);
	}
}

static void cli_run_simfs_engines_json(struct kunit *test)
{
	static const char *const engines[] = { "iomap", "legacy" };
	char line[320], err[128];
	struct cli_result r;
	size_t i;

	for (i = 0; i < 2; i++) {
		struct json_value *root;
		double acquired, released, added;

		snprintf(line, sizeof(line),
			 "--device=ram:16M --mem=32M --output-format=json --fs=simfs --engine=%s "
			 "--name=j --rw=randrw --ioengine=io_uring --iodepth=4 --size=2m "
			 "--time_based --runtime=200ms --verify=crc32c",
			 engines[i]);
		cli_run(test, line, &r);
		KUNIT_EXPECT_EQ_MSG(test, r.code, 0, "%s: %s", engines[i], r.err);
		root = json_parse(r.out, err, sizeof(err));
		KUNIT_ASSERT_NOT_NULL_MSG(test, root, "%s", err);
		KUNIT_EXPECT_STREQ(test, json_path(root, "pinio/fs")->str, "simfs");
		KUNIT_EXPECT_STREQ(test, json_path(root, "pinio/engine")->str, engines[i]);
		KUNIT_EXPECT_EQ(test, jnum(test, root, "pinio/fs_block_size"), 4096.0);
		acquired = jnum(test, root, "pinio/ledger/pins_acquired");
		released = jnum(test, root, "pinio/ledger/pins_released");
		added = jnum(test, root, "pinio/ledger/folio_add_pins");
		KUNIT_EXPECT_GT(test, acquired, 0.0);
		KUNIT_EXPECT_EQ(test, acquired + added, released);
		if (i == 0)
			KUNIT_EXPECT_EQ(test, added, 0.0);
		else
			KUNIT_EXPECT_GT(test, added, 0.0);
		KUNIT_EXPECT_EQ(test, jnum(test, root, "pinio/ledger/leaks"), 0.0);
		KUNIT_EXPECT_EQ(test, jnum(test, root, "pinio/ledger/pins_outstanding_at_end"), 0.0);
		KUNIT_EXPECT_EQ(test, jnum(test, root, "pinio/ledger/dma_violations"), 0.0);
		KUNIT_EXPECT_GT(test, jnum(test, json_at(json_get(root, "jobs"), 0),
					   "pinio/verify_blocks_checked"), 0.0);
		json_free(root);
		cli_result_free(&r);
	}
}

static struct kunit_case cli_run_test_cases[] = {
	KUNIT_CASE_PARAM(cli_run_parse_size, size_gen_params),
	KUNIT_CASE(cli_run_parse_time),
	KUNIT_CASE_PARAM(cli_run_parse_bad_input, bad_gen_params),
	KUNIT_CASE_PARAM(cli_run_bad_input_exits_2, bad_gen_params),
	KUNIT_CASE_PARAM(cli_run_bad_file_exits_2, bad_file_gen_params),
	KUNIT_CASE(cli_run_parse_no_args_is_builtin_default),
	KUNIT_CASE(cli_run_parse_globals_and_names),
	KUNIT_CASE_PARAM(cli_run_parse_fs_engine_buffer, fs_gen_params),
	KUNIT_CASE(cli_run_job_file_path),
	KUNIT_CASE(cli_run_jobfile_global_and_sections),
	KUNIT_CASE_PARAM(cli_run_jobfile_bad, jobfile_bad_gen_params),
	KUNIT_CASE(cli_run_jobfile_long_line_and_junk),
	KUNIT_CASE(cli_run_jobfile_with_cli_override),
	KUNIT_CASE(cli_run_lat_hist),
	KUNIT_CASE(cli_run_verify_header),
	KUNIT_CASE(cli_run_output_num),
	KUNIT_CASE(cli_run_json_roundtrip),
	KUNIT_CASE(cli_run_json_rejects_bad_documents),
	KUNIT_CASE(cli_run_help_and_version),
	KUNIT_CASE(cli_run_short_run_normal),
	KUNIT_CASE(cli_run_short_run_json),
	KUNIT_CASE(cli_run_engines_and_buffers),
	KUNIT_CASE(cli_run_simfs_runs),
	KUNIT_CASE(cli_run_simfs_engines_json),
	KUNIT_CASE(cli_run_fixedbufs_json),
	{}
};

struct kunit_suite cli_run_suite = {
	.name = "cli_run",
	.test_cases = cli_run_test_cases,
};
