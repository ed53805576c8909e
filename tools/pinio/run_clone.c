// SPDX-License-Identifier: GPL-2.0
/*
 * tools/pinio/run_clone.c - `pinio run`: one job clone's life. Setup
 * gives it a simulated task, its region and its per-slot state; on its
 * own thread it opens the device or file, maps its buffers (anonymous,
 * shared, THP, untouched or a mapped simfs file), waits for the others,
 * then lays out, ramps, runs and verifies (run_io.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "run_internal.h"

#define THP_SIZE		(2UL << 20)

/* ---- a clone's life ----------------------------------------------------------- */

static void set_phase(struct clone *c, enum clone_phase ph)
{
	atomic_store_explicit(&c->phase_start_ns, run_now_ns(), memory_order_relaxed);
	atomic_store_explicit(&c->phase, ph, memory_order_relaxed);
}

/* Map and (unless untouched) fault in and fill the clone's buffers. */
static int clone_map(struct clone *c)
{
	const struct run_opts *o = c->ctx->opts;
	int flags = o->buffer == RUN_BUFFER_SHARED ? MAP_SHARED : MAP_PRIVATE;
	size_t len = c->buf_len;
	unsigned long addr;
	ssize_t ret;
	size_t i;

	if (o->buffer == RUN_BUFFER_THP)
		len += THP_SIZE;
	if (o->buffer == RUN_BUFFER_FILE_MMAP) {
		/* The buffers are a shared mapping of a second file on simfs. */
		char path[64];
		int e;

		job_buffer_file_path(c->job_idx, c->clone_idx, path, sizeof(path));
		c->buf_fd = sim_open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
		if (c->buf_fd < 0) {
			run_clone_fail(c, c->buf_fd, "open %s: %s", path, run_errname(c->buf_fd));
			return -1;
		}
		e = sim_ftruncate(c->buf_fd, (off_t)len);
		if (e) {
			run_clone_fail(c, e, "ftruncate %s: %s", path, run_errname(e));
			return -1;
		}
		addr = sim_mmap(0, len, PROT_READ | PROT_WRITE, MAP_SHARED, c->buf_fd, 0);
	} else {
		addr = sim_mmap(0, len, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);
	}
	if (IS_ERR_VALUE(addr)) {
		run_clone_fail(c, (long)addr, "mmap of %zu bytes: %s", len, run_errname((long)addr));
		return -1;
	}
	c->map_addr = addr;
	c->map_len = len;
	c->buf = addr;
	if (o->buffer == RUN_BUFFER_THP) {
		/* Trim to a 2 MiB-aligned range so that whole huge pages back it. */
		unsigned long start = (addr + THP_SIZE - 1) & ~(THP_SIZE - 1);

		if (start > addr)
			sim_munmap(addr, start - addr);
		if (start + c->buf_len < addr + len)
			sim_munmap(start + c->buf_len, addr + len - start - c->buf_len);
		c->map_addr = c->buf = start;
		c->map_len = c->buf_len;
		sim_madvise(c->buf, c->buf_len, MADV_HUGEPAGE);
	}
	if (o->buffer == RUN_BUFFER_UNTOUCHED)
		return 0;
	/* fio fills its buffers with random data once; so do we. */
	for (i = 0; i + 8 <= c->buf_len; i += 8) {
		uint64_t v = run_splitmix64(&c->rng);

		memcpy(c->host + i, &v, 8);
	}
	ret = sim_user_write(c->buf, c->host, c->buf_len);
	if (ret != (ssize_t)c->buf_len) {
		run_clone_fail(c, ret < 0 ? ret : -EFAULT, "filling the buffers: %s",
			   run_errname(ret < 0 ? ret : -EFAULT));
		return -1;
	}
	return 0;
}

static void clone_ready(struct clone *c)
{
	struct run_ctx *ctx = c->ctx;

	pthread_mutex_lock(&ctx->lock);
	ctx->nr_ready++;
	pthread_cond_broadcast(&ctx->cond);
	while (!ctx->go)
		pthread_cond_wait(&ctx->cond, &ctx->lock);
	pthread_mutex_unlock(&ctx->lock);
}

void *run_clone_main(void *arg)
{
	struct clone *c = arg;
	const struct job *job = c->job;
	struct sim_aio *ring = NULL;
	uint64_t t_start, t_run, t_end, deadline;
	struct rusage ru1;
	bool ready = false;

	sim_task_switch(c->task);
	getrusage(RUSAGE_THREAD, &c->ru0);
	c->fd = sim_open(c->path, O_RDWR | (job->direct ? O_DIRECT : 0), 0);
	if (c->fd < 0) {
		run_clone_fail(c, c->fd, "open %s: %s", c->path, run_errname(c->fd));
		goto out;
	}
	if (clone_map(c))
		goto out;
	if (c->async) {
		ring = sim_aio_create(c->depth);
		if (IS_ERR(ring)) {
			run_clone_fail(c, PTR_ERR(ring), "creating the ring: %s", run_errname(PTR_ERR(ring)));
			ring = NULL;
			goto out;
		}
		if (job->fixedbufs) {
			/* fio's fixedbufs: the whole buffer, registered once (buffer 0). */
			struct iovec iov = { (void *)c->buf, c->buf_len };
			int ret = sim_aio_register_buffers(ring, &iov, 1);

			if (ret) {
				run_clone_fail(c, ret, "registering the buffer (fixedbufs): %s",
					       run_errname(ret));
				goto out;
			}
		}
	}
	clone_ready(c);
	ready = true;

	t_start = run_now_ns();
	/*
	 * A file device holds unknown data: lay out what the job will read.
	 * A verifying job's file on simfs (written whole, in order, by
	 * run_setup_simfs()) gets its headers the same way.
	 */
	if (c->verify && job_rw_reads(job->rw) &&
	    (c->ctx->opts->dev_kind == RUN_DEV_FILE || c->ctx->opts->fs == RUN_FS_SIMFS)) {
		set_phase(c, PH_LAYOUT);
		run_sweep(c, true);
	}
	if (job->ramp_ns && !c->rep.error) {
		set_phase(c, PH_RAMP);
		run_io_phase(c, ring, run_now_ns() + job->ramp_ns, 0, false);
	}
	set_phase(c, PH_RUN);
	t_run = run_now_ns();
	c->rs.window_start = t_run;
	deadline = job->runtime_ns ? t_run + job->runtime_ns : 0;
	if (!c->rep.error)
		run_io_phase(c, ring, deadline,
			 job->time_based ? 0 : (c->verify ? c->nblocks * c->bs : job->size),
			 true);
	t_end = run_now_ns();
	run_sample_rates(c, t_end, true);
	c->rep.runtime_ns = t_end - t_run;
	if (c->verify && !job_rw_reads(job->rw) && !c->rep.error) {
		set_phase(c, PH_VERIFY);
		run_sweep(c, false);
	}
	c->rep.elapsed_ns = run_now_ns() - t_start;
out:
	if (!ready)
		clone_ready(c);
	if (ring)
		sim_aio_destroy(ring);
	if (c->map_len)
		sim_munmap(c->map_addr, c->map_len);
	if (c->buf_fd >= 0)
		sim_close(c->buf_fd);
	/* A file on simfs: what the job wrote is made durable before the unmount. */
	if (c->fd >= 0 && c->ctx->opts->fs == RUN_FS_SIMFS && !run_interrupted) {
		int e = sim_fsync(c->fd);

		if (e)
			run_clone_fail(c, e, "fsync %s: %s", c->path, run_errname(e));
	}
	if (c->fd >= 0)
		sim_close(c->fd);
	getrusage(RUSAGE_THREAD, &ru1);
	c->rep.usr_sec = (double)(ru1.ru_utime.tv_sec - c->ru0.ru_utime.tv_sec) +
			 (double)(ru1.ru_utime.tv_usec - c->ru0.ru_utime.tv_usec) / 1e6;
	c->rep.sys_sec = (double)(ru1.ru_stime.tv_sec - c->ru0.ru_stime.tv_sec) +
			 (double)(ru1.ru_stime.tv_usec - c->ru0.ru_stime.tv_usec) / 1e6;
	c->rep.ctx = (uint64_t)((ru1.ru_nvcsw - c->ru0.ru_nvcsw) + (ru1.ru_nivcsw - c->ru0.ru_nivcsw));
	sim_task_exit(c->task);
	c->task = NULL;
	set_phase(c, PH_DONE);
	pthread_mutex_lock(&c->ctx->lock);
	c->ctx->nr_done++;
	pthread_cond_broadcast(&c->ctx->cond);
	pthread_mutex_unlock(&c->ctx->lock);
	return NULL;
}

/* ---- setting clones up ---------------------------------------------------------- */

int run_clone_setup(struct run_ctx *ctx, struct clone *c, const struct job *job,
		    unsigned int job_idx, unsigned int clone_idx)
{
	const struct run_opts *o = ctx->opts;
	uint64_t nblocks = job->size / job->bs;
	unsigned int i;

	c->ctx = ctx;
	c->job = job;
	c->job_idx = job_idx;
	c->clone_idx = clone_idx;
	c->fd = -1;
	c->buf_fd = -1;
	if (o->fs == RUN_FS_SIMFS)
		job_file_path(job, clone_idx, c->path, sizeof(c->path));	/* checked by job_validate() */
	else
		snprintf(c->path, sizeof(c->path), "%s", ctx->devpath);
	c->bs = (uint32_t)job->bs;
	c->verify = job->verify != JOB_VERIFY_NONE;
	c->async = job_ioengine_async(job->ioengine) && o->engine != RUN_ENGINE_PASSTHROUGH;
	c->depth = c->async ? job->iodepth : 1;
	c->offset = job->offset;
	c->nblocks = nblocks;
	if (c->verify && job_clones_share_file(o, job)) {
		/* Each clone verifies its own slice, so no clone overwrites another's. */
		c->nblocks = nblocks / job->numjobs;
		c->offset = job->offset + clone_idx * c->nblocks * job->bs;
	}
	if (c->depth > c->nblocks && c->verify)
		c->depth = (unsigned int)c->nblocks;
	c->rng = job->randseed ^ ((uint64_t)job_idx << 40) ^ ((uint64_t)clone_idx << 20);
	run_splitmix64(&c->rng);
	for (c->perm_bits = 1; (1ULL << c->perm_bits) < c->nblocks; c->perm_bits++)
		;
	c->perm_mask = (1ULL << c->perm_bits) - 1;
	run_perm_rekey(c);
	c->next_gen = 1;
	c->stride = o->buffer == RUN_BUFFER_UNTOUCHED ? (c->bs + 4095ULL) / 4096 * 4096 : c->bs;
	c->buf_len = (size_t)job_buffer_bytes(o, job);
	c->host = calloc(1, c->buf_len);
	c->inflight_block = calloc(c->depth, sizeof(*c->inflight_block));
	c->t_start = calloc(c->depth, sizeof(*c->t_start));
	c->t_issued = calloc(c->depth, sizeof(*c->t_issued));
	c->slot_off = calloc(c->depth, sizeof(*c->slot_off));
	c->slot_write = calloc(c->depth, sizeof(*c->slot_write));
	if (c->verify)
		c->gen = calloc(c->nblocks, sizeof(*c->gen));
	if (!c->host || !c->inflight_block || !c->t_start || !c->t_issued || !c->slot_off ||
	    !c->slot_write || (c->verify && !c->gen))
		return -ENOMEM;
	for (i = 0; i < c->depth; i++)
		c->inflight_block[i] = UINT64_MAX;
	snprintf(c->rep.name, sizeof(c->rep.name), "%s", job->name);
	c->rep.job = job;
	c->rep.nr_clones = 1;
	c->task = sim_task_create();
	if (!c->task)
		return -ENOMEM;
	c->rep.pid = sim_task_pid(c->task);
	return 0;
}

void run_clone_free(struct clone *c)
{
	free(c->host);
	free(c->inflight_block);
	free(c->t_start);
	free(c->t_issued);
	free(c->slot_off);
	free(c->slot_write);
	free(c->gen);
	if (c->task)
		sim_task_exit(c->task);
}
