// SPDX-License-Identifier: GPL-2.0
/*
 * tools/pinio/job_validate.c - `pinio run`'s parser: the checks that need
 * the whole run - the device's size, block alignment, memory for every
 * clone's buffers, simfs paths and limits, files shared by jobs - made
 * before anything is created, so that bad input exits 2 with nothing done.
 */
#include <stdio.h>
#include <string.h>

#include "jobfile_internal.h"

/* ---- checking -------------------------------------------------------------- */

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

/* Bytes of the prefill/verify-pass chunk: about 1 MiB of whole blocks. */
static uint64_t job_chunk_bytes(const struct job *job)
{
	uint64_t chunk = MIB / job->bs * job->bs;

	return chunk ? chunk : job->bs;
}

uint64_t job_buffer_bytes(const struct run_opts *opts, const struct job *job)
{
	uint64_t stride = opts->buffer == RUN_BUFFER_UNTOUCHED ? round_up(job->bs, 4096) : job->bs;
	unsigned int depth = job_ioengine_async(job->ioengine) &&
			     opts->engine != RUN_ENGINE_PASSTHROUGH ? job->iodepth : 1;
	uint64_t bytes = depth * stride;

	if (job->verify != JOB_VERIFY_NONE && job_chunk_bytes(job) > bytes)
		bytes = job_chunk_bytes(job);
	bytes = round_up(bytes, 4096);
	if (opts->buffer == RUN_BUFFER_THP)
		bytes = round_up(bytes, 2 * MIB);
	return bytes;
}

static void fmt_bytes(uint64_t v, char *buf, size_t size)
{
	static const char units[] = "KMGTP";
	int u = -1;

	while (v >= 1024 && !(v & 1023) && u < 4) {
		v >>= 10;
		u++;
	}
	if (u < 0)
		snprintf(buf, size, "%llu", (unsigned long long)v);
	else
		snprintf(buf, size, "%llu%c", (unsigned long long)v, units[u]);
}

/* Whether @path names a file simfs can hold: /mnt/NAME, NAME without '/'. */
static bool simfs_path_ok(const char *path)
{
	const char *name = path + sizeof(RUN_MOUNT_DIR);

	if (strncmp(path, RUN_MOUNT_DIR "/", sizeof(RUN_MOUNT_DIR)))
		return false;
	return *name && !strchr(name, '/') && strlen(name) <= RUN_SIMFS_NAME_MAX &&
	       strcmp(name, ".") && strcmp(name, "..");
}

/* Files of the run on simfs: one per clone, or one per distinct filename. */
static unsigned int simfs_nr_files(const struct job_list *jobs)
{
	unsigned int i, k, n = 0;

	for (i = 0; i < jobs->nr; i++) {
		const struct job *a = &jobs->jobs[i];
		bool seen = false;

		if (!a->filename[0]) {
			n += a->numjobs;
			continue;
		}
		for (k = 0; k < i && !seen; k++)
			seen = !strcmp(jobs->jobs[k].filename, a->filename);
		n += !seen;
	}
	return n;
}

/* Whether jobs @a and @b do I/O on the same file (or device). */
static bool jobs_share_file(const struct run_opts *opts, const struct job *a, const struct job *b)
{
	if (opts->fs == RUN_FS_NONE)
		return true;
	return a->filename[0] && !strcmp(a->filename, b->filename);
}

int job_validate(const struct run_opts *opts, struct job_list *jobs, uint64_t dev_bytes,
		 char *err, size_t errlen)
{
	char devpath[32], where[JOB_PATH_MAX + 16], path[JOB_PATH_MAX + 16], b1[32], b2[32];
	uint64_t mem_need = 0, space = dev_bytes, fs_need = 0, locked_need = 0;
	unsigned int i, k, threads = 0, nfiles = 1;
	bool simfs = opts->fs == RUN_FS_SIMFS;

	snprintf(devpath, sizeof(devpath), "/dev/%s", run_dev_name(opts));
	if (!jobs->nr) {
		job_seterr(err, errlen, "no jobs");
		return -1;
	}
	if (opts->dev_kind != RUN_DEV_FILE && (dev_bytes % opts->lbs)) {
		fmt_bytes(dev_bytes, b1, sizeof(b1));
		job_seterr(err, errlen, "--device size %s is not a multiple of the logical block size %u",
		       b1, opts->lbs);
		return -1;
	}
	if (dev_bytes < opts->lbs) {
		job_seterr(err, errlen, "the device is smaller than one %u-byte block", opts->lbs);
		return -1;
	}
	if (simfs) {
		/* What simfs leaves for file data, shared by the run's files. */
		if (dev_bytes < 2 * RUN_SIMFS_RESERVE) {
			fmt_bytes(dev_bytes, b1, sizeof(b1));
			job_seterr(err, errlen, "--fs=simfs needs a device of at least 2M; %s is %s",
			       devpath, b1);
			return -1;
		}
		space = (dev_bytes - RUN_SIMFS_RESERVE) / opts->fs_bs * opts->fs_bs;
		nfiles = simfs_nr_files(jobs);
	}
	for (i = 0; i < jobs->nr; i++) {
		struct job *job = &jobs->jobs[i];
		const char *n = job->name;
		uint64_t nblocks, region = space;

		if (simfs) {
			if (job->filename[0] && !strncmp(job->filename, "/dev/", 5)) {
				job_seterr(err, errlen,
				       "job %s: filename=%s: with --fs=simfs jobs run on files under %s/, not on a device",
				       n, job->filename, RUN_MOUNT_DIR);
				return -1;
			}
			if (job->filename[0] && !simfs_path_ok(job->filename)) {
				job_seterr(err, errlen,
				       "job %s: filename=%s: not a file on simfs (%s/NAME, NAME without '/', at most %d bytes)",
				       n, job->filename, RUN_MOUNT_DIR, RUN_SIMFS_NAME_MAX);
				return -1;
			}
			if (job_file_path(job, job->numjobs - 1, path, sizeof(path))) {
				job_seterr(err, errlen,
				       "job %s: the job's file name (%s/NAME.N) is longer than simfs allows (%d bytes); use a shorter name or filename=",
				       n, RUN_MOUNT_DIR, RUN_SIMFS_NAME_MAX);
				return -1;
			}
			if (job->filename[0])
				snprintf(where, sizeof(where), "%s", job->filename);
			else
				snprintf(where, sizeof(where), "%s/%s.N", RUN_MOUNT_DIR, n);
			region = space / nfiles / opts->fs_bs * opts->fs_bs;
		} else if (job->filename[0] && strcmp(job->filename, devpath)) {
			if (!strncmp(job->filename, "/dev/", 5))
				job_seterr(err, errlen,
				       "job %s: filename=%s: no such device (this run has %s; see --device)",
				       n, job->filename, devpath);
			else if (simfs_path_ok(job->filename))
				job_seterr(err, errlen,
				       "job %s: filename=%s: a file needs --fs=simfs (this run has no filesystem)",
				       n, job->filename);
			else
				job_seterr(err, errlen,
				       "job %s: filename=%s: neither the device %s nor a file on simfs (%s/NAME with --fs=simfs)",
				       n, job->filename, devpath, RUN_MOUNT_DIR);
			return -1;
		} else {
			snprintf(where, sizeof(where), "%s", devpath);
		}
		if (!job->direct && !simfs) {
			job_seterr(err, errlen,
			       "job %s: direct=0: buffered I/O goes through simfs's page cache; it needs --fs=simfs (or use direct=1)",
			       n);
			return -1;
		}
		if (job->fixedbufs) {
			if (job->ioengine != JOB_IOENGINE_IO_URING) {
				job_seterr(err, errlen,
				       "job %s: fixedbufs is an io_uring option (ioengine=%s)", n,
				       job_ioengine_name(job->ioengine));
				return -1;
			}
			if (opts->engine == RUN_ENGINE_PASSTHROUGH) {
				job_seterr(err, errlen,
				       "job %s: fixedbufs needs the async ring; --engine=passthrough is synchronous",
				       n);
				return -1;
			}
			if (opts->buffer == RUN_BUFFER_FILE_MMAP) {
				job_seterr(err, errlen,
				       "job %s: fixedbufs cannot register --buffer=file-mmap: a long-term pin of a simfs page is refused",
				       n);
				return -1;
			}
			locked_need += job->numjobs * job_buffer_bytes(opts, job);
		}
		/* The simulated queues' default max_hw_sectors: 2560 sectors. */
		if (opts->engine == RUN_ENGINE_PASSTHROUGH && job->bs > 2560 * 512) {
			fmt_bytes(job->bs, b1, sizeof(b1));
			job_seterr(err, errlen,
			       "job %s: bs=%s is too large for --engine=passthrough: a command moves at most 1280K (the queue's max_hw_sectors)",
			       n, b1);
			return -1;
		}
		if (job->direct && job->bs % opts->lbs) {
			job_seterr(err, errlen,
			       "job %s: bs=%llu is not a multiple of the logical block size %u (direct=1)",
			       n, (unsigned long long)job->bs, opts->lbs);
			return -1;
		}
		if (job->offset_pct)
			job->offset = region * job->offset_pct / 100 / opts->lbs * opts->lbs;
		job->offset_pct = 0;
		if (job->direct && job->offset % opts->lbs) {
			job_seterr(err, errlen,
			       "job %s: offset=%llu is not a multiple of the logical block size %u (direct=1)",
			       n, (unsigned long long)job->offset, opts->lbs);
			return -1;
		}
		if (job->offset >= (simfs ? space : region)) {
			fmt_bytes(job->offset, b1, sizeof(b1));
			fmt_bytes(simfs ? space : region, b2, sizeof(b2));
			job_seterr(err, errlen, "job %s: offset=%s is past the end of %s (%s)", n, b1,
			       simfs ? "what simfs holds" : where, b2);
			return -1;
		}
		if (simfs) {
			/* A file's size is the job's: a share of what simfs holds, from offset on. */
			if (job->size_pct)
				job->size = region * job->size_pct / 100;
			else if (!job->size)
				job->size = region;
			/* The default job's 64M file, or what simfs holds if less. */
			if (opts->default_job && job->size == RUN_DEFAULT_SIMFS_SIZE &&
			    job->offset + job->size > space)
				job->size = job->offset < space ? space - job->offset : 0;
		} else if (job->size_pct) {
			job->size = region * job->size_pct / 100;
			if (job->size > region - job->offset)
				job->size = region - job->offset;
		} else if (!job->size) {
			job->size = region - job->offset;
		}
		job->size_pct = 0;
		if (job->size > (simfs ? space : region) - job->offset) {
			fmt_bytes(job->offset, b1, sizeof(b1));
			fmt_bytes(job->size, b2, sizeof(b2));
			job_seterr(err, errlen, "job %s: offset=%s + size=%s is past the end of %s", n, b1,
			       b2, simfs ? "what simfs holds" : devpath);
			return -1;
		}
		if (job->bs > job->size) {
			fmt_bytes(job->bs, b1, sizeof(b1));
			fmt_bytes(job->size, b2, sizeof(b2));
			job_seterr(err, errlen, "job %s: bs=%s is larger than size=%s", n, b1, b2);
			return -1;
		}
		nblocks = job->size / job->bs;
		job->size = nblocks * job->bs;
		if (job->time_based && !job->runtime_ns) {
			job_seterr(err, errlen, "job %s: time_based needs a runtime", n);
			return -1;
		}
		if (job->verify != JOB_VERIFY_NONE) {
			if (opts->dev_kind == RUN_DEV_NULL) {
				job_seterr(err, errlen,
				       "job %s: verify needs a device that keeps data; --device=null discards it",
				       n);
				return -1;
			}
			if (opts->buffer == RUN_BUFFER_UNTOUCHED && job_rw_writes(job->rw)) {
				job_seterr(err, errlen,
				       "job %s: verify writes a header into each block, which --buffer=untouched forbids; use one or the other",
				       n);
				return -1;
			}
			if (job->bs < 64) {
				job_seterr(err, errlen, "job %s: verify needs bs of at least 64 bytes", n);
				return -1;
			}
			if (job_clones_share_file(opts, job) && nblocks < job->numjobs) {
				job_seterr(err, errlen,
				       "job %s: size holds %llu blocks, too few for numjobs=%u with verify (each clone verifies its own slice)",
				       n, (unsigned long long)nblocks, job->numjobs);
				return -1;
			}
		}
		threads += job->numjobs;
		if (threads > JOB_MAX_THREADS) {
			job_seterr(err, errlen, "too many clones: numjobs add up to more than %d",
			       JOB_MAX_THREADS);
			return -1;
		}
		mem_need += job->numjobs * job_buffer_bytes(opts, job);
		if (simfs) {
			uint64_t file = round_up(job->offset + job->size, opts->fs_bs);
			unsigned int copies = job->filename[0] ? 1 : job->numjobs;

			/* A shared filename counts once, at its largest extent. */
			for (k = 0; k < jobs->nr && job->filename[0]; k++) {
				const struct job *o = &jobs->jobs[k];

				if (k != i && !strcmp(o->filename, job->filename) &&
				    (k < i ? o->offset + o->size >= job->offset + job->size
					   : o->offset + o->size > job->offset + job->size))
					copies = 0;
			}
			fs_need += copies * file;
			/*
			 * Buffered I/O needs no room for the whole file: reclaim
			 * (mm/vmscan.c) writes back and evicts page-cache folios
			 * when free memory falls below the low watermark.
			 */
			if (opts->buffer == RUN_BUFFER_FILE_MMAP)
				fs_need += job->numjobs * job_buffer_bytes(opts, job);
		}
	}
	if (simfs && fs_need > space) {
		fmt_bytes(round_up(fs_need, MIB), b1, sizeof(b1));
		fmt_bytes(space, b2, sizeof(b2));
		job_seterr(err, errlen,
		       "the jobs' files need %s, more than simfs on %s holds (%s); use a smaller size or a larger --device",
		       b1, devpath, b2);
		return -1;
	}
	/* A verifying job's blocks must be its own: no other job may write them. */
	for (i = 0; i < jobs->nr; i++) {
		const struct job *a = &jobs->jobs[i];

		if (a->verify == JOB_VERIFY_NONE)
			continue;
		for (k = 0; k < jobs->nr; k++) {
			const struct job *b = &jobs->jobs[k];

			if (k == i || !job_rw_writes(b->rw) || !jobs_share_file(opts, a, b))
				continue;
			if (a->offset < b->offset + b->size && b->offset < a->offset + a->size) {
				job_seterr(err, errlen,
				       "jobs %s and %s overlap on %s and %s verifies: give them separate offset/size",
				       a->name, b->name, simfs ? a->filename : devpath, a->name);
				return -1;
			}
		}
	}
	if (locked_need > JOB_MEMLOCK_BYTES) {
		fmt_bytes(round_up(locked_need, 4096), b1, sizeof(b1));
		fmt_bytes(JOB_MEMLOCK_BYTES, b2, sizeof(b2));
		job_seterr(err, errlen,
		       "fixedbufs: the jobs' buffers are %s, more than RLIMIT_MEMLOCK (%s) lets a user register",
		       b1, b2);
		return -1;
	}
	if (mem_need > opts->mem_bytes / 2) {
		fmt_bytes(round_up(mem_need, MIB), b1, sizeof(b1));
		fmt_bytes(opts->mem_bytes, b2, sizeof(b2));
		job_seterr(err, errlen,
		       "the jobs' %s need %s of simulated memory, more than half of --mem=%s",
		       "buffers", b1, b2);
		return -1;
	}
	return 0;
}

