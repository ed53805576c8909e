// SPDX-License-Identifier: GPL-2.0
/*
 * tools/pinio/job_option.c - `pinio run`'s parser: the table of fio job
 * options it knows (with fio's aliases: readwrite, blocksize, timeout)
 * and job_set_option(), which checks one value and stores it in a job.
 */
#include <stdio.h>
#include <string.h>

#include "jobfile_internal.h"

/* ---- job options ---------------------------------------------------------- */

enum job_opt {
	OPT_NAME, OPT_FILENAME, OPT_RW, OPT_RWMIXREAD, OPT_RWMIXWRITE, OPT_BS, OPT_SIZE,
	OPT_OFFSET, OPT_DIRECT, OPT_IOENGINE, OPT_IODEPTH, OPT_NUMJOBS, OPT_GROUP_REPORTING,
	OPT_RUNTIME, OPT_TIME_BASED, OPT_RAMP_TIME, OPT_RANDSEED, OPT_VERIFY, OPT_THREAD,
	OPT_DESCRIPTION, OPT_FIXEDBUFS,
};

static const struct {
	const char *key;
	enum job_opt opt;
	bool flag;		/* may stand alone: "time_based" */
} job_opts[] = {
	{ "name", OPT_NAME, false },
	{ "filename", OPT_FILENAME, false },
	{ "rw", OPT_RW, false },
	{ "readwrite", OPT_RW, false },
	{ "rwmixread", OPT_RWMIXREAD, false },
	{ "rwmixwrite", OPT_RWMIXWRITE, false },
	{ "bs", OPT_BS, false },
	{ "blocksize", OPT_BS, false },
	{ "size", OPT_SIZE, false },
	{ "offset", OPT_OFFSET, false },
	{ "direct", OPT_DIRECT, true },
	{ "ioengine", OPT_IOENGINE, false },
	{ "iodepth", OPT_IODEPTH, false },
	{ "fixedbufs", OPT_FIXEDBUFS, true },
	{ "numjobs", OPT_NUMJOBS, false },
	{ "group_reporting", OPT_GROUP_REPORTING, true },
	{ "runtime", OPT_RUNTIME, false },
	{ "timeout", OPT_RUNTIME, false },
	{ "time_based", OPT_TIME_BASED, true },
	{ "ramp_time", OPT_RAMP_TIME, false },
	{ "randseed", OPT_RANDSEED, false },
	{ "verify", OPT_VERIFY, false },
	{ "thread", OPT_THREAD, true },
	{ "description", OPT_DESCRIPTION, false },
};

int job_find_opt(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(job_opts) / sizeof(job_opts[0]); i++)
		if (!strcmp(job_opts[i].key, key))
			return (int)i;
	return -1;
}

bool job_opt_flag(int idx)
{
	return job_opts[idx].flag;
}

int job_set_option(struct job *job, const char *key, const char *val, char *err, size_t errlen)
{
	int idx = job_find_opt(key);
	uint64_t v;
	size_t i;
	bool b;

	if (idx < 0) {
		char q[96];

		job_seterr(err, errlen, "unknown option %s", job_quoted(key, q, sizeof(q)));
		return -1;
	}
	if (!val && !job_opts[idx].flag) {
		job_seterr(err, errlen, "option %s needs a value (%s=...)", key, key);
		return -1;
	}
	switch (job_opts[idx].opt) {
	case OPT_NAME:
		if (!*val || strlen(val) >= sizeof(job->name) || !job_printable(val))
			goto bad;
		snprintf(job->name, sizeof(job->name), "%s", val);
		return 0;
	case OPT_FILENAME:
		if (!*val || strlen(val) >= sizeof(job->filename) || !job_printable(val))
			goto bad;
		snprintf(job->filename, sizeof(job->filename), "%s", val);
		return 0;
	case OPT_RW:
		if (!strcmp(val, "readwrite")) {
			job->rw = JOB_RW_RW;
			return 0;
		}
		for (i = 0; i < sizeof(job_rw_names) / sizeof(job_rw_names[0]); i++) {
			if (!strcmp(val, job_rw_names[i])) {
				job->rw = (enum job_rw)i;
				return 0;
			}
		}
		BADVALH(err, errlen, key, val,
		       " (read, write, randread, randwrite, rw, readwrite or randrw)");
		return -1;
	case OPT_RWMIXREAD:
	case OPT_RWMIXWRITE:
		if (job_parse_u64(val, 100, &v)) {
			BADVALH(err, errlen, key, val, " (a percentage, 0 to 100)");
			return -1;
		}
		job->rwmixread = job_opts[idx].opt == OPT_RWMIXREAD ? (unsigned int)v
								    : 100 - (unsigned int)v;
		return 0;
	case OPT_BS:
		if (job_parse_size(val, &v) || !v || v > JOB_MAX_BS) {
			if (!job_parse_size(val, &v) && v)
				BADVALH(err, errlen, key, val, " (at most 16M)");
			else
				BADVAL(err, errlen, key, val);
			return -1;
		}
		job->bs = v;
		return 0;
	case OPT_SIZE:
	case OPT_OFFSET: {
		unsigned int pct = 0;

		if (strchr(val, '%')) {
			if (job_parse_pct(val, &pct))
				goto bad;
			v = 0;
		} else if (job_parse_size(val, &v)) {
			goto bad;
		}
		if (job_opts[idx].opt == OPT_SIZE) {
			job->size = v;
			job->size_pct = pct;
		} else {
			job->offset = v;
			job->offset_pct = pct;
		}
		return 0;
	}
	case OPT_DIRECT:
		if (job_parse_bool(val, &b))
			goto bad;
		job->direct = b;
		return 0;
	case OPT_FIXEDBUFS:
		if (job_parse_bool(val, &b))
			goto bad;
		job->fixedbufs = b;
		return 0;
	case OPT_IOENGINE:
		for (i = 0; i < sizeof(job_ioengine_names) / sizeof(job_ioengine_names[0]); i++) {
			if (!strcmp(val, job_ioengine_names[i])) {
				job->ioengine = (enum job_ioengine)i;
				return 0;
			}
		}
		BADVALH(err, errlen, key, val, " (psync, pvsync, libaio or io_uring)");
		return -1;
	case OPT_IODEPTH:
		if (job_parse_u64(val, JOB_MAX_IODEPTH, &v) || !v) {
			BADVALH(err, errlen, key, val, " (1 to %d)", JOB_MAX_IODEPTH);
			return -1;
		}
		job->iodepth = (unsigned int)v;
		return 0;
	case OPT_NUMJOBS:
		if (job_parse_u64(val, JOB_MAX_NUMJOBS, &v) || !v) {
			BADVALH(err, errlen, key, val, " (1 to %d)", JOB_MAX_NUMJOBS);
			return -1;
		}
		job->numjobs = (unsigned int)v;
		return 0;
	case OPT_GROUP_REPORTING:
		if (job_parse_bool(val, &b))
			goto bad;
		job->group_reporting = b;
		return 0;
	case OPT_TIME_BASED:
		if (job_parse_bool(val, &b))
			goto bad;
		job->time_based = b;
		return 0;
	case OPT_THREAD:
		/* Every job is a host thread already; accepted for fio's sake. */
		if (job_parse_bool(val, &b))
			goto bad;
		return 0;
	case OPT_RUNTIME:
	case OPT_RAMP_TIME:
		if (job_parse_time_ns(val, &v))
			goto bad;
		if (job_opts[idx].opt == OPT_RUNTIME)
			job->runtime_ns = v;
		else
			job->ramp_ns = v;
		return 0;
	case OPT_RANDSEED:
		if ((val[0] == '0' && (val[1] == 'x' || val[1] == 'X')) ? job_parse_hex(val + 2, &v)
									 : job_parse_u64(val, UINT64_MAX, &v))
			goto bad;
		job->randseed = v;
		return 0;
	case OPT_VERIFY:
		if (!strcmp(val, "0") || !strcmp(val, "null") || !strcmp(val, "none")) {
			job->verify = JOB_VERIFY_NONE;
			return 0;
		}
		if (!strcmp(val, "crc32c") || !strcmp(val, "crc32c-intel")) {
			job->verify = JOB_VERIFY_CRC32C;
			return 0;
		}
		BADVALH(err, errlen, key, val, " (crc32c, crc32c-intel or 0)");
		return -1;
	case OPT_DESCRIPTION:
		return 0;
	}
bad:
	BADVAL(err, errlen, key, val);
	return -1;
}
