/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tools/pinio/run_internal.h - what the files of `pinio run` share and
 * nobody else sees: a job clone (one simulated task on one host thread),
 * the run's context, and the functions each file gives the others.
 *
 *   run.c          the flow: boot, clones, threads, the final checks
 *   run_device.c   the device and, with --fs=simfs, the file system
 *   run_io.c       one clone's I/O: block order, the loops, verify
 *   run_clone.c    one clone's life: setup, buffers, phases, teardown
 *   run_report.c   the progress line, the ledger, merged reports
 */
#ifndef PINIO_TOOL_RUN_INTERNAL_H
#define PINIO_TOOL_RUN_INTERNAL_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

#include <pinio/pinio.h>

#include "run.h"

enum clone_phase {
	PH_SETUP, PH_LAYOUT, PH_RAMP, PH_RUN, PH_VERIFY, PH_DONE,
};

struct run_ctx;

/* Per-clone rate windows (fio's bw_* and iops_* samples, every 500 ms). */
struct rate_sampler {
	uint64_t window_start;
	uint64_t bytes[NR_DIRS];
	uint64_t ios[NR_DIRS];
};

struct clone {
	struct run_ctx *ctx;
	const struct job *job;
	unsigned int job_idx;
	unsigned int clone_idx;
	struct task_struct *task;
	pthread_t thread;
	bool started;

	/* the region: nblocks blocks of bs from offset */
	uint64_t offset;
	uint64_t nblocks;
	uint32_t bs;
	unsigned int depth;		/* I/Os in flight at most */
	bool async;
	bool verify;

	/* verify state: the generation each block was last written with */
	uint32_t *gen;
	uint32_t next_gen;
	uint64_t *inflight_block;	/* per slot, UINT64_MAX when free */

	/* block order */
	uint64_t rng;
	uint64_t seq_next;
	uint64_t perm_counter;
	uint64_t perm_mask;
	unsigned int perm_bits;
	uint64_t perm_key[3];

	/* memory: simulated user addresses, and the host staging copy */
	unsigned long map_addr;
	size_t map_len;
	unsigned long buf;
	size_t buf_len;
	uint64_t stride;
	unsigned char *host;
	int fd;
	int buf_fd;			/* --buffer=file-mmap: the mapped file */
	char path[JOB_PATH_MAX + 16];	/* the device node or the file on simfs */

	/* per-slot timing of async I/O */
	uint64_t *t_start;
	uint64_t *t_issued;
	uint64_t *slot_off;
	bool *slot_write;

	struct job_report rep;
	struct rate_sampler rs;
	unsigned int verify_reported;
	struct rusage ru0;

	/* progress, read by the main thread */
	_Atomic uint64_t p_bytes[NR_DIRS];
	_Atomic uint64_t p_ios[NR_DIRS];
	_Atomic int phase;
	_Atomic uint64_t phase_start_ns;
};

struct run_ctx {
	const struct run_opts *opts;
	FILE *err;
	char devpath[40];
	struct clone *clones;
	unsigned int nr_clones;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int nr_ready;
	unsigned int nr_done;
	bool go;
};

/* Set by SIGINT: every clone stops issuing I/O. */
extern volatile sig_atomic_t run_interrupted;

static inline uint64_t run_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* run_io.c */
uint64_t run_splitmix64(uint64_t *s);
void run_perm_rekey(struct clone *c);
const char *run_errname(long e);
void run_clone_fail(struct clone *c, long error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void run_sample_rates(struct clone *c, uint64_t now, bool final);
void run_io_phase(struct clone *c, struct sim_aio *ring, uint64_t deadline, uint64_t limit,
		  bool record);
void run_sweep(struct clone *c, bool write);

/* run_clone.c */
int run_clone_setup(struct run_ctx *ctx, struct clone *c, const struct job *job,
		    unsigned int job_idx, unsigned int clone_idx);
void *run_clone_main(void *arg);
void run_clone_free(struct clone *c);

/* run_report.c */
struct run_snap;
struct run_snap *run_snap_alloc(void);
void run_take_snap(struct run_snap *s);
void run_fill_ledger(struct pin_ledger *l, const struct run_snap *a, const struct run_snap *b);
void run_build_reports(struct run_report *r, struct run_ctx *ctx, bool group);
void run_wait_clones(struct run_ctx *ctx, FILE *out, bool tty);

/* run_device.c */
int run_device_bytes(const struct run_opts *o, uint64_t *bytes, char *err, size_t errlen);
int run_create_device(const struct run_opts *o, char *err, size_t errlen);
int run_setup_simfs(const struct run_opts *o, const struct job_list *jobs, const char *devpath,
		    char *err, size_t errlen);

#endif /* PINIO_TOOL_RUN_INTERNAL_H */
