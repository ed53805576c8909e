// SPDX-License-Identifier: GPL-2.0
/*
 * tools/pinio/job_args.c - `pinio run`'s parser: the command line. Run
 * options (--device, --fs, --engine, ...) and job options (--bs=4k, or
 * `bs 4k`) in any order, job files, and --name starting a new job, as in
 * fio; job options given with job files override each file's jobs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobfile_internal.h"

/* ---- the command line ------------------------------------------------------ */

enum run_opt {
	ROPT_DEVICE, ROPT_FS, ROPT_ENGINE, ROPT_BUFFER, ROPT_PROFILE, ROPT_DMA, ROPT_MEM,
	ROPT_ZERO_COLOURS, ROPT_OUTPUT_FORMAT, ROPT_LBS,
};

static const struct {
	const char *key;
	enum run_opt opt;
} run_options[] = {
	{ "device", ROPT_DEVICE },
	{ "fs", ROPT_FS },
	{ "engine", ROPT_ENGINE },
	{ "buffer", ROPT_BUFFER },
	{ "profile", ROPT_PROFILE },
	{ "dma", ROPT_DMA },
	{ "mem", ROPT_MEM },
	{ "zero-colours", ROPT_ZERO_COLOURS },
	{ "zero-colors", ROPT_ZERO_COLOURS },
	{ "output-format", ROPT_OUTPUT_FORMAT },
	{ "lbs", ROPT_LBS },
};

static int parse_device(struct run_opts *opts, const char *val, char *err, size_t errlen)
{
	char buf[JOB_PATH_MAX + 32], *comma;
	uint64_t v;

	if (!strncmp(val, "ram:", 4) || !strncmp(val, "null:", 5)) {
		bool ram = val[0] == 'r';

		if (job_parse_size(val + (ram ? 4 : 5), &v) || !v) {
			BADVAL(err, errlen, "--device size", val + (ram ? 4 : 5));
			return -1;
		}
		opts->dev_kind = ram ? RUN_DEV_RAM : RUN_DEV_NULL;
		opts->dev_bytes = v;
		return 0;
	}
	if (strncmp(val, "file:", 5)) {
		BADVALH(err, errlen, "--device", val,
		       " (ram:SIZE, null:SIZE or file:PATH[,psync|io_uring][,direct])");
		return -1;
	}
	if (strlen(val + 5) >= sizeof(buf) - 1) {
		BADVALH(err, errlen, "--device", val, " (path too long)");
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", val + 5);
	snprintf(opts->dev_backend, sizeof(opts->dev_backend), "psync");
	opts->dev_host_direct = false;
	/* Trailing ",psync", ",io_uring", ",direct" are options, not path. */
	while ((comma = strrchr(buf, ',')) != NULL) {
		if (!strcmp(comma + 1, "direct"))
			opts->dev_host_direct = true;
		else if (!strcmp(comma + 1, "psync") || !strcmp(comma + 1, "io_uring"))
			snprintf(opts->dev_backend, sizeof(opts->dev_backend), "%s", comma + 1);
		else
			break;
		*comma = '\0';
	}
	if (!buf[0] || strlen(buf) >= sizeof(opts->dev_path)) {
		BADVALH(err, errlen, "--device", val, " (file:PATH needs a path)");
		return -1;
	}
	opts->dev_kind = RUN_DEV_FILE;
	snprintf(opts->dev_path, sizeof(opts->dev_path), "%s", buf);
	return 0;
}

static int set_run_option(struct run_opts *opts, enum run_opt opt, const char *name, const char *val,
			  char *err, size_t errlen)
{
	char key[64];
	uint64_t v;

	snprintf(key, sizeof(key), "--%s", name);
	switch (opt) {
	case ROPT_DEVICE:
		return parse_device(opts, val, err, errlen);
	case ROPT_FS:
		opts->fs_set = true;
		if (!strcmp(val, "none")) {
			opts->fs = RUN_FS_NONE;
			return 0;
		}
		if (!strcmp(val, "simfs")) {
			opts->fs = RUN_FS_SIMFS;
			opts->fs_bs = 4096;
			return 0;
		}
		if (!strncmp(val, "simfs,bs=", 9)) {
			if (job_parse_size(val + 9, &v) ||
			    (v != 512 && v != 1024 && v != 2048 && v != 4096)) {
				BADVALH(err, errlen, key, val, " (simfs,bs=N: N is 512, 1024, 2048 or 4096)");
				return -1;
			}
			opts->fs = RUN_FS_SIMFS;
			opts->fs_bs = (unsigned int)v;
			return 0;
		}
		BADVALH(err, errlen, key, val, " (none, simfs or simfs,bs=N)");
		return -1;
	case ROPT_ENGINE:
		opts->engine_set = true;
		if (!strcmp(val, "raw"))
			opts->engine = RUN_ENGINE_RAW;
		else if (!strcmp(val, "passthrough"))
			opts->engine = RUN_ENGINE_PASSTHROUGH;
		else if (!strcmp(val, "iomap"))
			opts->engine = RUN_ENGINE_IOMAP;
		else if (!strcmp(val, "legacy"))
			opts->engine = RUN_ENGINE_LEGACY;
		else {
			BADVALH(err, errlen, key, val, " (raw, passthrough, iomap or legacy)");
			return -1;
		}
		return 0;
	case ROPT_BUFFER:
		if (!strcmp(val, "anon"))
			opts->buffer = RUN_BUFFER_ANON;
		else if (!strcmp(val, "untouched"))
			opts->buffer = RUN_BUFFER_UNTOUCHED;
		else if (!strcmp(val, "shared"))
			opts->buffer = RUN_BUFFER_SHARED;
		else if (!strcmp(val, "thp"))
			opts->buffer = RUN_BUFFER_THP;
		else if (!strcmp(val, "file-mmap"))
			opts->buffer = RUN_BUFFER_FILE_MMAP;
		else {
			BADVALH(err, errlen, key, val, " (anon, untouched, shared, thp or file-mmap)");
			return -1;
		}
		return 0;
	case ROPT_PROFILE:
		if (!strcmp(val, "v6.5"))
			opts->profile = RUN_PROFILE_V6_5;
		else if (!strcmp(val, "v6.4"))
			opts->profile = RUN_PROFILE_V6_4;
		else if (!strcmp(val, "v21"))
			opts->profile = RUN_PROFILE_V21;
		else {
			BADVALH(err, errlen, key, val, " (v6.5, v6.4 or v21)");
			return -1;
		}
		return 0;
	case ROPT_DMA:
		if (!strcmp(val, "inline")) {
			opts->dma_threads = 0;
			return 0;
		}
		if (!strncmp(val, "threads:", 8) && !job_parse_u64(val + 8, 8, &v) && v) {
			opts->dma_threads = (int)v;
			return 0;
		}
		BADVALH(err, errlen, key, val, " (inline or threads:N, N from 1 to 8)");
		return -1;
	case ROPT_MEM:
		if (job_parse_size(val, &v) || v < 8 * MIB || v > (64ULL << 30) || (v & 4095)) {
			BADVALH(err, errlen, key, val, " (8M to 64G, whole pages)");
			return -1;
		}
		opts->mem_bytes = v;
		return 0;
	case ROPT_ZERO_COLOURS:
		if (job_parse_u64(val, 128, &v) || !v || (v & (v - 1))) {
			BADVALH(err, errlen, key, val, " (a power of two from 1 to 128)");
			return -1;
		}
		opts->zero_colours = (unsigned int)v;
		return 0;
	case ROPT_OUTPUT_FORMAT:
		if (!strcmp(val, "normal"))
			opts->format = RUN_FORMAT_NORMAL;
		else if (!strcmp(val, "json"))
			opts->format = RUN_FORMAT_JSON;
		else {
			BADVALH(err, errlen, key, val, " (normal or json)");
			return -1;
		}
		return 0;
	case ROPT_LBS:
		if (job_parse_u64(val, 4096, &v) || (v != 512 && v != 1024 && v != 2048 && v != 4096)) {
			BADVALH(err, errlen, key, val, " (512, 1024, 2048 or 4096)");
			return -1;
		}
		opts->lbs = (unsigned int)v;
		return 0;
	}
	return -1;
}

/*
 * Settle --fs and --engine together. Without --fs: simfs when the engine
 * is a filesystem's (iomap, legacy), and for the default job unless an
 * engine was named or the device keeps no data; none otherwise. simfs
 * without --engine means iomap. What contradicts itself exits 2.
 */
static int resolve_fs(struct run_opts *opts, const char **over, unsigned int nover,
		      struct job_list *jobs, char *err, size_t errlen)
{
	unsigned int i;
	bool size_given = false;

	if (!opts->fs_set) {
		if (run_engine_fs(opts->engine) ||
		    (opts->default_job && !opts->engine_set && opts->dev_kind != RUN_DEV_NULL))
			opts->fs = RUN_FS_SIMFS;
	}
	if (opts->fs == RUN_FS_SIMFS) {
		if (!opts->engine_set) {
			opts->engine = RUN_ENGINE_IOMAP;
		} else if (!run_engine_fs(opts->engine)) {
			job_seterr(err, errlen,
			       "--engine=%s contradicts --fs=simfs: files on simfs go through --engine=iomap or legacy",
			       run_engine_name(opts->engine));
			return -1;
		}
		if (opts->dev_kind == RUN_DEV_NULL) {
			job_seterr(err, errlen,
			       "--fs=simfs needs a device that keeps data; --device=null discards it");
			return -1;
		}
		if (opts->fs_bs < opts->lbs) {
			job_seterr(err, errlen,
			       "--fs=simfs,bs=%u is smaller than the logical block size %u (--lbs)",
			       opts->fs_bs, opts->lbs);
			return -1;
		}
		/* The default job's file: 64M, unless --size says otherwise. */
		for (i = 0; i < nover; i++)
			size_given |= !strcmp(over[2 * i], "size");
		if (opts->default_job && !size_given && jobs->nr == 1)
			jobs->jobs[0].size = RUN_DEFAULT_SIMFS_SIZE;
		return 0;
	}
	if (run_engine_fs(opts->engine)) {
		job_seterr(err, errlen, "--engine=%s needs a filesystem; it contradicts --fs=none (use --fs=simfs)",
		       run_engine_name(opts->engine));
		return -1;
	}
	if (opts->buffer == RUN_BUFFER_FILE_MMAP) {
		job_seterr(err, errlen, "--buffer=file-mmap maps a file on simfs: it needs --fs=simfs");
		return -1;
	}
	return 0;
}

/* Copies of "key" from "--key=value", kept for the life of the parse. */
struct arg_kv {
	char key[48];
	const char *val;
};

int job_parse_args(int argc, char **argv, struct run_opts *opts, struct job_list *out,
		   char *err, size_t errlen)
{
	const char **over = NULL;	/* global overrides: key, value, key, value ... */
	struct arg_kv *kv = NULL;
	unsigned int nover = 0, nkv = 0, named_first = 0, i;
	struct job *named = NULL;	/* the job the last --name started */
	bool any_named = false;
	char msg[256];
	int a, ret = -1;

	run_opts_init(opts);
	job_list_init(out);
	if (argc < 1)
		argc = 1;
	over = calloc((size_t)argc * 2, sizeof(*over));
	kv = calloc((size_t)argc, sizeof(*kv));
	if (!over || !kv) {
		job_seterr(err, errlen, "out of memory");
		goto out;
	}
	/*
	 * Two passes: the first records global options and pinio's own, so a
	 * job file anywhere on the line sees every override; the second builds
	 * the jobs in order.
	 */
	for (a = 1; a < argc; a++) {
		const char *arg = argv[a], *eq, *val = NULL;
		char key[48];
		size_t klen;
		int idx;

		if (!arg)
			break;
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			opts->help = true;
			ret = 0;
			goto out;
		}
		if (!strcmp(arg, "--version") || !strcmp(arg, "-V")) {
			opts->version = true;
			ret = 0;
			goto out;
		}
		if (strncmp(arg, "--", 2) || !arg[2]) {
			if (arg[0] == '-' && arg[1]) {
				char q[96];

				job_seterr(err, errlen, "unknown option %s", job_quoted(arg, q, sizeof(q)));
				goto out;
			}
			continue;	/* a job file, read in the second pass */
		}
		eq = strchr(arg + 2, '=');
		klen = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
		if (klen >= sizeof(key)) {
			char q[96];

			job_seterr(err, errlen, "unknown option %s", job_quoted(arg, q, sizeof(q)));
			goto out;
		}
		memcpy(key, arg + 2, klen);
		key[klen] = '\0';
		for (idx = 0; idx < (int)(sizeof(run_options) / sizeof(run_options[0])); idx++)
			if (!strcmp(run_options[idx].key, key))
				break;
		if (idx < (int)(sizeof(run_options) / sizeof(run_options[0]))) {
			val = eq ? eq + 1 : (a + 1 < argc ? argv[++a] : NULL);
			if (!val) {
				job_seterr(err, errlen, "option --%s needs a value (--%s=...)", key, key);
				goto out;
			}
			if (set_run_option(opts, run_options[idx].opt, key, val, err, errlen))
				goto out;
			continue;
		}
		idx = job_find_opt(key);
		if (idx < 0) {
			char q[96];

			job_seterr(err, errlen, "unknown option %s", job_quoted(arg, q, sizeof(q)));
			goto out;
		}
		if (eq)
			val = eq + 1;
		else if (!job_opt_flag(idx))
			val = a + 1 < argc ? argv[++a] : NULL;
		if (!val && !job_opt_flag(idx)) {
			job_seterr(err, errlen, "option --%s needs a value (--%s=...)", key, key);
			goto out;
		}
		snprintf(kv[nkv].key, sizeof(kv[nkv].key), "%s", key);
		kv[nkv].val = val;
		if (!strcmp(key, "name")) {
			any_named = true;
		} else if (!any_named) {
			over[2 * nover] = kv[nkv].key;
			over[2 * nover + 1] = val;
			nover++;
		}
		nkv++;
	}

	/* Second pass: job files and --name jobs, in order. */
	nkv = 0;
	for (a = 1; a < argc; a++) {
		const char *arg = argv[a];
		int idx;

		if (!strncmp(arg, "--", 2) && arg[2]) {
			const char *eq = strchr(arg + 2, '=');
			size_t klen = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
			bool is_run = false;

			for (idx = 0; idx < (int)(sizeof(run_options) / sizeof(run_options[0])); idx++)
				if (strlen(run_options[idx].key) == klen &&
				    !strncmp(run_options[idx].key, arg + 2, klen))
					is_run = true;
			if (is_run) {
				if (!eq)
					a++;
				continue;
			}
			idx = job_find_opt(kv[nkv].key);
			if (!eq && !job_opt_flag(idx))
				a++;
			if (!strcmp(kv[nkv].key, "name")) {
				struct job job;

				job_init_defaults(&job);
				for (i = 0; i < nover; i++)
					if (job_set_option(&job, over[2 * i], over[2 * i + 1], err,
							   errlen))
						goto out;
				if (job_set_option(&job, "name", kv[nkv].val, err, errlen))
					goto out;
				named = job_list_add(out, &job, err, errlen);
				if (!named)
					goto out;
				named_first = out->nr - 1;
			} else if (named) {
				/* The list may have grown: find the job by index. */
				named = &out->jobs[named_first];
				if (job_set_option(named, kv[nkv].key, kv[nkv].val, err, errlen))
					goto out;
			} else if (job_set_option(&(struct job){ 0 }, kv[nkv].key, kv[nkv].val, err,
						  errlen)) {
				/* A global override: check its value now. */
				goto out;
			}
			nkv++;
			continue;
		}
		{
			char *text = job_read_text_file(arg, err, errlen);

			if (!text)
				goto out;
			if (jobfile_parse(text, over, nover, out, msg, sizeof(msg))) {
				job_seterr(err, errlen, "%s: %s", arg, msg);
				free(text);
				goto out;
			}
			free(text);
		}
	}
	if (!out->nr) {
		bool verify_given = false;
		struct job job;

		job_init_builtin(&job);
		/*
		 * The default job verifies where it can: not on a null device
		 * (no data kept) nor from untouched buffers (no header can be
		 * written), unless --verify was asked for (and is then refused).
		 */
		for (i = 0; i < nover; i++)
			verify_given |= !strcmp(over[2 * i], "verify");
		if (!verify_given && (opts->dev_kind == RUN_DEV_NULL ||
				      opts->buffer == RUN_BUFFER_UNTOUCHED))
			job.verify = JOB_VERIFY_NONE;
		for (i = 0; i < nover; i++)
			if (job_set_option(&job, over[2 * i], over[2 * i + 1], err, errlen))
				goto out;
		if (!job_list_add(out, &job, err, errlen))
			goto out;
		opts->default_job = true;
	}
	if (resolve_fs(opts, over, nover, out, err, errlen))
		goto out;
	ret = 0;
out:
	free(over);
	free(kv);
	if (ret)
		job_list_free(out);
	return ret;
}
