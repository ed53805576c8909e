// SPDX-License-Identifier: GPL-2.0
/*
 * tools/pinio/run.c - `pinio run`: fio-style jobs on the simulated machine.
 *
 * The flow: parse and check everything (jobfile.c) before anything is
 * created, so bad input exits 2 with nothing made; boot the machine,
 * create the one device, give every job clone its own task (address
 * space, descriptor table) on its own host thread; with --fs=simfs, make
 * and mount simfs on the device and create the jobs' files; lay out the
 * blocks a verifying job will read (on simfs, every file); ramp, run and
 * measure; read back what a write-only verifying job wrote; then check the
 * machine (sim_check(), DMA violations; with simfs, after each clone's
 * fsync and the unmount), shut it down (leaks) and print the report
 * (output.c). run_internal.h lists which file does which part.
 *
 * Each clone keeps its own statistics and merges nothing until the end;
 * the only shared state while jobs run is the progress counters, which
 * are relaxed atomics read once a second by the main thread.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pinio.h"
#include "run_internal.h"

volatile sig_atomic_t run_interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	run_interrupted = 1;
}

static int run_jobs(struct run_opts *opts, struct job_list *jobs, uint64_t dev_bytes, FILE *out,
		    FILE *errf)
{
	struct sim_config cfg = {
		.mem_bytes = (size_t)opts->mem_bytes,
		.nr_zero_pages = opts->zero_colours,
		.thp = opts->buffer == RUN_BUFFER_THP,
		.profile = opts->profile == RUN_PROFILE_V6_4 ? SIM_PROFILE_V6_4
			   : opts->profile == RUN_PROFILE_V21 ? SIM_PROFILE_V21
							     : SIM_PROFILE_V6_5,
	};
	struct run_ctx ctx = { .opts = opts, .err = errf };
	struct run_report *r = calloc(1, sizeof(*r));
	struct run_snap *snap0 = NULL, *snap1 = NULL;
	struct sigaction sa, old_sa;
	unsigned int i, k, n = 0;
	bool group = false, tty;
	char err[JOB_PATH_MAX + 320];
	int ret, code = PINIO_EXIT_FAIL;

	for (i = 0; i < jobs->nr; i++) {
		ctx.nr_clones += jobs->jobs[i].numjobs;
		group |= jobs->jobs[i].group_reporting;
	}
	if (!r) {
		fprintf(errf, "pinio: out of memory\n");
		return PINIO_EXIT_FAIL;
	}
	r->opts = opts;
	r->jobs = jobs;
	r->dev_bytes = dev_bytes;
	ctx.clones = calloc(ctx.nr_clones, sizeof(*ctx.clones));
	r->reports = calloc(ctx.nr_clones, sizeof(*r->reports));
	snap0 = run_snap_alloc();
	snap1 = run_snap_alloc();
	if (!ctx.clones || !r->reports || !snap0 || !snap1) {
		fprintf(errf, "pinio: out of memory\n");
		goto out_free;
	}
	snprintf(ctx.devpath, sizeof(ctx.devpath), "/dev/%s", run_dev_name(opts));
	pthread_mutex_init(&ctx.lock, NULL);
	pthread_cond_init(&ctx.cond, NULL);

	ret = sim_boot(&cfg);
	if (ret) {
		fprintf(errf, "pinio: cannot boot the machine (--mem=%llu): %s\n",
			(unsigned long long)opts->mem_bytes, strerror(-ret));
		code = ret == -EINVAL ? PINIO_EXIT_USAGE : PINIO_EXIT_FAIL;
		goto out_free;
	}
	if (opts->dma_threads >= 0) {
		ret = sim_dma_set_threads((unsigned int)opts->dma_threads);
		if (ret) {
			fprintf(errf, "pinio: --dma: %s\n", strerror(-ret));
			goto out_shutdown;
		}
	}
	r->dma_threads = sim_dma_threads();
	if (run_create_device(opts, err, sizeof(err))) {
		fprintf(errf, "pinio: %s\n", err);
		sim_shutdown();
		code = PINIO_EXIT_USAGE;
		goto out_free;
	}
	if (opts->fs == RUN_FS_SIMFS && run_setup_simfs(opts, jobs, ctx.devpath, err, sizeof(err))) {
		fprintf(errf, "pinio: %s\n", err);
		sim_disk_destroy(run_dev_name(opts));
		goto out_shutdown;
	}
	r->start_time = (int64_t)time(NULL);
	run_take_snap(snap0);

	for (i = 0; i < jobs->nr; i++)
		for (k = 0; k < jobs->jobs[i].numjobs; k++) {
			if (run_clone_setup(&ctx, &ctx.clones[n], &jobs->jobs[i], i, k)) {
				fprintf(errf, "pinio: out of memory setting up job %s\n",
					jobs->jobs[i].name);
				n++;
				goto out_clones;
			}
			n++;
		}

	if (opts->format == RUN_FORMAT_NORMAL)
		output_header(out, r);
	fflush(out);
	tty = isatty(fileno(out)) == 1;
	run_interrupted = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_sa);

	for (i = 0; i < ctx.nr_clones; i++) {
		if (pthread_create(&ctx.clones[i].thread, NULL, run_clone_main, &ctx.clones[i])) {
			fprintf(errf, "pinio: cannot start a thread for job %s\n",
				ctx.clones[i].job->name);
			pthread_mutex_lock(&ctx.lock);
			ctx.go = true;
			run_interrupted = 1;
			pthread_cond_broadcast(&ctx.cond);
			pthread_mutex_unlock(&ctx.lock);
			break;
		}
		ctx.clones[i].started = true;
	}
	pthread_mutex_lock(&ctx.lock);
	while (ctx.nr_ready < i)
		pthread_cond_wait(&ctx.cond, &ctx.lock);
	ctx.go = true;
	pthread_cond_broadcast(&ctx.cond);
	pthread_mutex_unlock(&ctx.lock);
	if (i == ctx.nr_clones)
		run_wait_clones(&ctx, out, tty);
	for (k = 0; k < ctx.nr_clones; k++)
		if (ctx.clones[k].started)
			pthread_join(ctx.clones[k].thread, NULL);
	sigaction(SIGINT, &old_sa, NULL);
	if (i < ctx.nr_clones)
		goto out_clones;
	/* Every clone closed its files: write everything back and unmount. */
	if (opts->fs == RUN_FS_SIMFS) {
		ret = sim_umount(RUN_MOUNT_DIR);
		if (ret) {
			fprintf(errf, "pinio: unmounting %s failed: %s\n", RUN_MOUNT_DIR,
				strerror(-ret));
			r->io_errors++;
		}
	}

	/* The deferred re-dirtying of read pages holds bios: let it finish. */
	bio_dirty_flush();
	r->ledger.check_violations = sim_check();
	run_take_snap(snap1);
	run_fill_ledger(&r->ledger, snap0, snap1);
	r->ledger.live_bios = nr_live_bios();
	for (k = 0; k < ctx.nr_clones; k++)
		run_clone_free(&ctx.clones[k]);
	sim_disk_destroy(run_dev_name(opts));
	r->ledger.leaks = sim_shutdown();

	run_build_reports(r, &ctx, group);
	code = PINIO_EXIT_OK;
	if (r->ledger.check_violations || r->ledger.dma_violations || r->ledger.ledger_violations ||
	    r->ledger.leaks || r->verify_failures || r->io_errors || run_interrupted)
		code = PINIO_EXIT_FAIL;
	r->exit_code = code;
	r->interrupted = run_interrupted;
	for (k = 0; k < ctx.nr_clones; k++)
		if (ctx.clones[k].rep.error)
			fprintf(errf, "pinio: job %s (clone %u): %s\n", ctx.clones[k].job->name,
				ctx.clones[k].clone_idx, ctx.clones[k].rep.errmsg);
	if (run_interrupted)
		fprintf(errf, "pinio: interrupted\n");
	if (opts->format == RUN_FORMAT_JSON)
		output_json(out, r);
	else
		output_normal(out, r);
	fflush(out);
	goto out_free;

out_clones:
	for (k = 0; k < n; k++)
		run_clone_free(&ctx.clones[k]);
	if (opts->fs == RUN_FS_SIMFS)
		sim_umount(RUN_MOUNT_DIR);
	sim_disk_destroy(run_dev_name(opts));
out_shutdown:
	sim_shutdown();
	code = PINIO_EXIT_FAIL;
out_free:
	free(ctx.clones);
	free(r->reports);
	free(r);
	free(snap0);
	free(snap1);
	return code;
}

int run_main(int argc, char **argv, FILE *out, FILE *errf)
{
	struct run_opts opts;
	struct job_list jobs;
	uint64_t dev_bytes = 0;
	char err[320];
	int code;

	if (job_parse_args(argc, argv, &opts, &jobs, err, sizeof(err))) {
		fprintf(errf, "pinio: %s\n", err);
		return PINIO_EXIT_USAGE;
	}
	if (opts.help) {
		run_usage(out);
		job_list_free(&jobs);
		return PINIO_EXIT_OK;
	}
	if (opts.version) {
		fprintf(out, "pinio %s\n", PINIO_TOOL_VERSION);
		job_list_free(&jobs);
		return PINIO_EXIT_OK;
	}
	if (run_device_bytes(&opts, &dev_bytes, err, sizeof(err)) ||
	    job_validate(&opts, &jobs, dev_bytes, err, sizeof(err))) {
		fprintf(errf, "pinio: %s\n", err);
		job_list_free(&jobs);
		return PINIO_EXIT_USAGE;
	}
	if (sim_booted()) {
		fprintf(errf, "pinio: the simulated machine is already running\n");
		job_list_free(&jobs);
		return PINIO_EXIT_FAIL;
	}
	code = run_jobs(&opts, &jobs, dev_bytes, out, errf);
	job_list_free(&jobs);
	return code;
}

int cmd_run(int argc, char **argv)
{
	return run_main(argc, argv, stdout, stderr);
}

