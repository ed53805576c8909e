// SPDX-License-Identifier: GPL-2.0
/*
 * tools/pinio/job_names.c - `pinio run`'s parser: the names of its enums
 * as options spell them, the paths of a job's files on simfs, the
 * defaults of a job and of the run, and the growing list of jobs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobfile_internal.h"

/* ---- names ---------------------------------------------------------------- */

const char *const job_rw_names[JOB_RW_RANDRW + 1] = {
	[JOB_RW_READ] = "read", [JOB_RW_WRITE] = "write",
	[JOB_RW_RANDREAD] = "randread", [JOB_RW_RANDWRITE] = "randwrite",
	[JOB_RW_RW] = "rw", [JOB_RW_RANDRW] = "randrw",
};

const char *const job_ioengine_names[JOB_IOENGINE_IO_URING + 1] = {
	[JOB_IOENGINE_PSYNC] = "psync", [JOB_IOENGINE_PVSYNC] = "pvsync",
	[JOB_IOENGINE_LIBAIO] = "libaio", [JOB_IOENGINE_IO_URING] = "io_uring",
};

const char *job_rw_name(enum job_rw rw)
{
	return rw <= JOB_RW_RANDRW ? job_rw_names[rw] : "?";
}

const char *job_ioengine_name(enum job_ioengine e)
{
	return e <= JOB_IOENGINE_IO_URING ? job_ioengine_names[e] : "?";
}

const char *job_verify_name(enum job_verify v)
{
	return v == JOB_VERIFY_CRC32C ? "crc32c" : "0";
}

const char *run_engine_name(enum run_engine e)
{
	static const char *const names[] = {
		[RUN_ENGINE_RAW] = "raw", [RUN_ENGINE_PASSTHROUGH] = "passthrough",
		[RUN_ENGINE_IOMAP] = "iomap", [RUN_ENGINE_LEGACY] = "legacy",
	};

	return e <= RUN_ENGINE_LEGACY ? names[e] : "?";
}

const char *run_fs_name(enum run_fs fs)
{
	return fs == RUN_FS_SIMFS ? "simfs" : "none";
}

int job_file_path(const struct job *job, unsigned int clone_idx, char *buf, size_t size)
{
	int n;

	if (job->filename[0])
		n = snprintf(buf, size, "%s", job->filename);
	else
		n = snprintf(buf, size, RUN_MOUNT_DIR "/%s.%u", job->name, clone_idx);
	if (n < 0 || (size_t)n >= size ||
	    (size_t)n > sizeof(RUN_MOUNT_DIR) + RUN_SIMFS_NAME_MAX)
		return -1;
	return 0;
}

void job_buffer_file_path(unsigned int job_idx, unsigned int clone_idx, char *buf, size_t size)
{
	snprintf(buf, size, RUN_MOUNT_DIR "/.buf.%u.%u", job_idx, clone_idx);
}

const char *run_buffer_name(enum run_buffer b)
{
	static const char *const names[] = {
		[RUN_BUFFER_ANON] = "anon", [RUN_BUFFER_UNTOUCHED] = "untouched",
		[RUN_BUFFER_SHARED] = "shared", [RUN_BUFFER_THP] = "thp",
		[RUN_BUFFER_FILE_MMAP] = "file-mmap",
	};

	return b <= RUN_BUFFER_FILE_MMAP ? names[b] : "?";
}

const char *run_profile_name(enum run_profile p)
{
	static const char *const names[] = {
		[RUN_PROFILE_V6_5] = "v6.5", [RUN_PROFILE_V6_4] = "v6.4",
		[RUN_PROFILE_V21] = "v21",
	};

	return p <= RUN_PROFILE_V21 ? names[p] : "?";
}

const char *run_dev_kind_name(enum run_dev_kind kind)
{
	switch (kind) {
	case RUN_DEV_RAM:
		return "ram";
	case RUN_DEV_NULL:
		return "null";
	case RUN_DEV_FILE:
		return "file";
	}
	return "?";
}

const char *run_dev_name(const struct run_opts *opts)
{
	switch (opts->dev_kind) {
	case RUN_DEV_RAM:
		return "ram0";
	case RUN_DEV_NULL:
		return "nullb0";
	case RUN_DEV_FILE:
		return "loop0";
	}
	return "?";
}

/* ---- defaults ------------------------------------------------------------- */

void job_init_defaults(struct job *job)
{
	memset(job, 0, sizeof(*job));
	job->rw = JOB_RW_READ;
	job->rwmixread = 50;
	job->bs = 4096;
	job->direct = true;	/* pinio: buffered I/O needs --fs=simfs */
	job->ioengine = JOB_IOENGINE_PSYNC;
	job->iodepth = 1;
	job->numjobs = 1;
	job->randseed = 1234;
	job->verify = JOB_VERIFY_NONE;
}

void job_init_builtin(struct job *job)
{
	job_init_defaults(job);
	snprintf(job->name, sizeof(job->name), "default");
	job->rw = JOB_RW_RANDRW;
	job->ioengine = JOB_IOENGINE_IO_URING;
	job->iodepth = 8;
	job->time_based = true;
	job->runtime_ns = 3 * NSEC_PER_SEC;
	job->verify = JOB_VERIFY_CRC32C;
}

void run_opts_init(struct run_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->dev_kind = RUN_DEV_RAM;
	opts->dev_bytes = 256 * MIB;
	opts->fs = RUN_FS_NONE;
	opts->fs_bs = 4096;
	opts->engine = RUN_ENGINE_RAW;
	opts->buffer = RUN_BUFFER_ANON;
	opts->profile = RUN_PROFILE_V6_5;
	opts->dma_threads = -1;
	opts->mem_bytes = 256 * MIB;
	opts->zero_colours = 1;
	opts->format = RUN_FORMAT_NORMAL;
	opts->lbs = 512;
}

void job_list_init(struct job_list *list)
{
	list->jobs = NULL;
	list->nr = 0;
	list->cap = 0;
}

void job_list_free(struct job_list *list)
{
	free(list->jobs);
	job_list_init(list);
}

struct job *job_list_add(struct job_list *list, const struct job *job, char *err,
			 size_t errlen)
{
	if (list->nr >= JOB_MAX_SECTIONS) {
		job_seterr(err, errlen, "too many jobs (at most %d)", JOB_MAX_SECTIONS);
		return NULL;
	}
	if (list->nr == list->cap) {
		unsigned int cap = list->cap ? list->cap * 2 : 8;
		struct job *jobs = realloc(list->jobs, cap * sizeof(*jobs));

		if (!jobs) {
			job_seterr(err, errlen, "out of memory");
			return NULL;
		}
		list->jobs = jobs;
		list->cap = cap;
	}
	list->jobs[list->nr] = *job;
	return &list->jobs[list->nr++];
}
