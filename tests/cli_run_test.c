// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests: real short runs of `pinio run` through run_main() on a
 * small ram device and on simfs, in the normal format and in JSON parsed
 * back and checked. The runs boot and shut the machine down themselves,
 * as `pinio run` does; a case starts and ends with no machine booted.
 * The fixture is tests/cli_fixture.c.
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

static struct kunit_case cli_run_cases[] = {
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
	.test_cases = cli_run_cases,
};
