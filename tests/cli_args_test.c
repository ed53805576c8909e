// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for `pinio run`'s option parser called directly
 * (tools/pinio/jobfile.c), table-driven: sizes and times, every bad input
 * of the CLI contract (one line naming the problem, a non-zero exit,
 * nothing run), and the command line's options. The job files, stats and
 * JSON are the cli_job suite, real runs the cli_run suite; the fixture is
 * tests/cli_fixture.c. No case boots a machine.
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

static struct kunit_case cli_args_cases[] = {
	KUNIT_CASE_PARAM(cli_run_parse_size, size_gen_params),
	KUNIT_CASE(cli_run_parse_time),
	KUNIT_CASE_PARAM(cli_run_parse_bad_input, bad_gen_params),
	KUNIT_CASE_PARAM(cli_run_bad_input_exits_2, bad_gen_params),
	KUNIT_CASE_PARAM(cli_run_bad_file_exits_2, bad_file_gen_params),
	KUNIT_CASE(cli_run_parse_no_args_is_builtin_default),
	KUNIT_CASE(cli_run_parse_globals_and_names),
	KUNIT_CASE_PARAM(cli_run_parse_fs_engine_buffer, fs_gen_params),
	KUNIT_CASE(cli_run_job_file_path),
	{}
};

struct kunit_suite cli_args_suite = {
	.name = "cli_args",
	.test_cases = cli_args_cases,
};
