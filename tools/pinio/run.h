/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tools/pinio/run.h - `pinio run`: what a run measured, shared by run.c
 * (which runs the jobs on the simulated machine) and output.c (which
 * prints it, as fio's normal or JSON output plus the pin ledger).
 */
#ifndef PINIO_TOOL_RUN_H
#define PINIO_TOOL_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "jobfile.h"
#include "stats.h"

enum { DIR_READ, DIR_WRITE, NR_DIRS };

/* fio's "IO depths" buckets: 1, 2, 4, 8, 16, 32, >=64. */
#define NR_DEPTH_BUCKETS 7

struct dir_stats {
	uint64_t ios;
	uint64_t bytes;
	uint64_t short_ios;
	struct lat_stat slat;		/* submission (async engines) */
	struct lat_stat clat;		/* submission done to completion */
	struct lat_stat lat;		/* the whole I/O */
	struct lat_hist clat_hist;
	struct lat_hist lat_hist;
	struct lat_stat bw_samples;	/* KiB/s over 500 ms windows, as fio's bw_* */
	struct lat_stat iops_samples;
};

/* One job clone, or several merged by group_reporting. */
struct job_report {
	char name[JOB_NAME_MAX];
	const struct job *job;		/* the (first) job's options */
	unsigned int groupid;
	unsigned int nr_clones;
	int pid;			/* the (first) clone's simulated task */
	struct dir_stats dir[NR_DIRS];
	uint64_t runtime_ns;		/* measured phase; the longest clone's */
	uint64_t elapsed_ns;		/* the whole job, with prefill and verify */
	double usr_sec;
	double sys_sec;
	uint64_t ctx;
	uint64_t depth[NR_DEPTH_BUCKETS];
	uint64_t submits;
	uint64_t verified;		/* blocks checked */
	uint64_t verify_failures;
	uint64_t prefilled;		/* blocks laid out before the measured phase */
	int error;			/* first -errno, 0 none */
	char errmsg[160];
};

/* Counters of the whole run: deltas over the run, or states at its end. */
struct pin_ledger {
	uint64_t pins_acquired;		/* nr_foll_pin_acquired */
	uint64_t pins_released;		/* nr_foll_pin_released */
	uint64_t foll_get;		/* pinio_foll_get_acquired */
	uint64_t zero_pins;		/* pinio_zero_page_pins */
	uint64_t zero_unpins;		/* pinio_zero_page_unpins */
	uint64_t gup_fast;		/* pinio_gup_fast_pages */
	uint64_t gup_slow;		/* pinio_gup_slow_pages */
	uint64_t gup_fast_fallback;	/* pinio_gup_fast_fallback */
	uint64_t pgfault;
	uint64_t cow_faults;		/* pinio_cow_faults */
	uint64_t thp_fault_alloc;
	uint64_t bios_submitted;
	uint64_t bios_split;
	uint64_t bios_rejected;
	uint64_t dma_checks;
	uint64_t dma_violations;
	uint64_t dma_bytes;
	uint64_t dma_requests;
	long pins_outstanding;		/* ledger at the end, before shutdown */
	long live_bios;			/* nr_live_bios() at the end */
	long check_violations;		/* sim_check() at the end */
	long ledger_violations;		/* sim_ledger.violations over the run */
	long leaks;			/* sim_shutdown() */
	unsigned int nr_vmstat;
	struct {
		char name[40];
		int64_t delta;		/* over the run (gauges may go down) */
		uint64_t value;		/* at the end */
	} vmstat[64];			/* every vmstat counter */
};

struct run_report {
	const struct run_opts *opts;
	const struct job_list *jobs;
	uint64_t dev_bytes;
	unsigned int dma_threads;
	int64_t start_time;		/* time(NULL) at the start */
	struct job_report *reports;	/* as printed: clones or groups */
	unsigned int nr_reports;
	struct job_report total;	/* all jobs: fio's "Run status group 0" */
	uint64_t bw_min[NR_DIRS], bw_max[NR_DIRS];	/* over the reports, B/s */
	uint64_t run_min_ns[NR_DIRS], run_max_ns[NR_DIRS];
	struct pin_ledger ledger;
	uint64_t verify_failures;
	unsigned int io_errors;		/* jobs that stopped on an error */
	bool interrupted;		/* SIGINT */
	int exit_code;
};

/*
 * run_main() - `pinio run` with its output on @out and diagnostics on @err.
 * @argv[0] is "run". The progress line goes to @out when it is a terminal.
 * Return: 0, 1 (violations, leaks, verify failures, I/O errors) or 2 (bad
 * usage: nothing was created).
 */
int run_main(int argc, char **argv, FILE *out, FILE *err);

void output_normal(FILE *f, const struct run_report *r);
void output_json(FILE *f, const struct run_report *r);
/* The header printed before the jobs start (normal format). */
void output_header(FILE *f, const struct run_report *r);
void run_usage(FILE *f);

/* fio's num2str: "51.2k", "1234", "200MiB"; @buf of 16 bytes or more. */
const char *output_num(double v, bool binary, char *buf, size_t size);

#endif /* PINIO_TOOL_RUN_H */
