// SPDX-License-Identifier: GPL-2.0
/*
 * tools/pinio/jobfile.c - `pinio run`'s option and job-file parser.
 *
 * Pure: strings in, structs and one-line errors out, no simulation calls
 * (job_parse_args() reads job files with stdio and nothing else), so a
 * fuzzer can drive jobfile_parse_string() and job_parse_args() directly.
 * The syntax and the meaning of each job option follow fio's; see
 * docs/cli.md for the list and for where pinio differs.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobfile.h"

#define MIB		(1ULL << 20)
#define JOB_LINE_MAX	1024
#define NSEC_PER_SEC	1000000000ULL

static void seterr(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Quote @s for an error message: printable, and at most 60 characters. */
static const char *quoted(const char *s, char *buf, size_t size)
{
	size_t i, n = 0;

	if (!s)
		s = "";
	buf[n++] = '"';
	for (i = 0; s[i] && n + 6 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i >= 60) {
			n += (size_t)snprintf(buf + n, size - n, "...");
			break;
		}
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			n += (size_t)snprintf(buf + n, size - n, "\\x%02x", c);
		else
			buf[n++] = (char)c;
	}
	buf[n++] = '"';
	buf[n] = '\0';
	return buf;
}

/* "bad value for KEY: "VAL"" and the hint @extra formats after it. */
static void badval(char *err, size_t errlen, const char *key, const char *val, const char *extra,
		   ...) __attribute__((format(printf, 5, 6)));

static void badval(char *err, size_t errlen, const char *key, const char *val, const char *extra,
		   ...)
{
	char q[96], hint[128] = "";
	va_list ap;

	va_start(ap, extra);
	vsnprintf(hint, sizeof(hint), extra, ap);
	va_end(ap);
	seterr(err, errlen, "bad value for %s: %s%s", key, quoted(val, q, sizeof(q)), hint);
}

#define BADVAL(err, errlen, key, val) badval(err, errlen, key, val, "%s", "")
#define BADVALH(err, errlen, key, val, ...) badval(err, errlen, key, val, __VA_ARGS__)

/* ---- names ---------------------------------------------------------------- */

static const char *const rw_names[] = {
	[JOB_RW_READ] = "read", [JOB_RW_WRITE] = "write",
	[JOB_RW_RANDREAD] = "randread", [JOB_RW_RANDWRITE] = "randwrite",
	[JOB_RW_RW] = "rw", [JOB_RW_RANDRW] = "randrw",
};

static const char *const ioengine_names[] = {
	[JOB_IOENGINE_PSYNC] = "psync", [JOB_IOENGINE_PVSYNC] = "pvsync",
	[JOB_IOENGINE_LIBAIO] = "libaio", [JOB_IOENGINE_IO_URING] = "io_uring",
};

const char *job_rw_name(enum job_rw rw)
{
	return rw <= JOB_RW_RANDRW ? rw_names[rw] : "?";
}

const char *job_ioengine_name(enum job_ioengine e)
{
	return e <= JOB_IOENGINE_IO_URING ? ioengine_names[e] : "?";
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

static struct job *job_list_add(struct job_list *list, const struct job *job, char *err,
				size_t errlen)
{
	if (list->nr >= JOB_MAX_SECTIONS) {
		seterr(err, errlen, "too many jobs (at most %d)", JOB_MAX_SECTIONS);
		return NULL;
	}
	if (list->nr == list->cap) {
		unsigned int cap = list->cap ? list->cap * 2 : 8;
		struct job *jobs = realloc(list->jobs, cap * sizeof(*jobs));

		if (!jobs) {
			seterr(err, errlen, "out of memory");
			return NULL;
		}
		list->jobs = jobs;
		list->cap = cap;
	}
	list->jobs[list->nr] = *job;
	return &list->jobs[list->nr++];
}

/* ---- values --------------------------------------------------------------- */

static bool str_ieq(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

/* A decimal number, digits only, no sign; at most @max. */
static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		unsigned int d = (unsigned int)(*s - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (*s || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_hex(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	int n = 0;

	for (; *s; s++, n++) {
		int d;

		if (isdigit((unsigned char)*s))
			d = *s - '0';
		else if (isxdigit((unsigned char)*s))
			d = tolower((unsigned char)*s) - 'a' + 10;
		else
			return -1;
		if (v >> 60)
			return -1;
		v = (v << 4) | (uint64_t)d;
	}
	if (!n)
		return -1;
	*out = v;
	return 0;
}

int job_parse_size(const char *s, uint64_t *out)
{
	static const char units[] = "kmgtp";
	const char *p, *u;
	uint64_t v = 0, mult = 1;
	char suffix[8];
	size_t i, n;

	if (!s || !*s)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return parse_hex(s + 2, out);
	if (!isdigit((unsigned char)*s))
		return -1;
	for (p = s; isdigit((unsigned char)*p); p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	n = strlen(p);
	if (n >= sizeof(suffix))
		return -1;
	for (i = 0; i <= n; i++)
		suffix[i] = (char)tolower((unsigned char)p[i]);
	if (n) {
		/* "k", "kb", "kib"; or "b" alone for bytes. */
		if (!strcmp(suffix, "b")) {
			mult = 1;
		} else {
			u = strchr(units, suffix[0]);
			if (!u || !suffix[0])
				return -1;
			if (suffix[1] && strcmp(suffix + 1, "b") && strcmp(suffix + 1, "ib"))
				return -1;
			mult = 1ULL << (10 * (u - units + 1));
		}
	}
	if (v && mult > UINT64_MAX / v)
		return -1;
	*out = v * mult;
	return 0;
}

int job_parse_time_ns(const char *s, uint64_t *out)
{
	static const struct {
		const char *suffix;
		uint64_t ns;
	} units[] = {
		{ "", NSEC_PER_SEC }, { "s", NSEC_PER_SEC }, { "sec", NSEC_PER_SEC },
		{ "ms", 1000000ULL }, { "msec", 1000000ULL },
		{ "us", 1000ULL }, { "usec", 1000ULL },
		{ "m", 60 * NSEC_PER_SEC }, { "min", 60 * NSEC_PER_SEC },
		{ "h", 3600 * NSEC_PER_SEC }, { "d", 86400 * NSEC_PER_SEC },
	};
	const char *p;
	uint64_t v = 0;
	size_t i;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	for (p = s; isdigit((unsigned char)*p); p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!str_ieq(p, units[i].suffix))
			continue;
		if (v && units[i].ns > UINT64_MAX / v)
			return -1;
		*out = v * units[i].ns;
		return 0;
	}
	return -1;
}

/* "N%", N in 1..100. */
static int parse_pct(const char *s, unsigned int *out)
{
	char buf[8];
	size_t n = strlen(s);
	uint64_t v;

	if (n < 2 || n >= sizeof(buf) || s[n - 1] != '%')
		return -1;
	memcpy(buf, s, n - 1);
	buf[n - 1] = '\0';
	if (parse_u64(buf, 100, &v) || !v)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

static int parse_bool(const char *s, bool *out)
{
	if (!s || !strcmp(s, "1") || str_ieq(s, "true") || str_ieq(s, "yes") || str_ieq(s, "on")) {
		*out = true;
		return 0;
	}
	if (!strcmp(s, "0") || str_ieq(s, "false") || str_ieq(s, "no") || str_ieq(s, "off")) {
		*out = false;
		return 0;
	}
	return -1;
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* ---- job options ---------------------------------------------------------- */

enum job_opt {
	OPT_NAME, OPT_FILENAME, OPT_RW, OPT_RWMIXREAD, OPT_RWMIXWRITE, OPT_BS, OPT_SIZE,
	OPT_OFFSET, OPT_DIRECT, OPT_IOENGINE, OPT_IODEPTH, OPT_NUMJOBS, OPT_GROUP_REPORTING,
	OPT_RUNTIME, OPT_TIME_BASED, OPT_RAMP_TIME, OPT_RANDSEED, OPT_VERIFY, OPT_THREAD,
	OPT_DESCRIPTION,
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

static int find_job_opt(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(job_opts) / sizeof(job_opts[0]); i++)
		if (!strcmp(job_opts[i].key, key))
			return (int)i;
	return -1;
}

int job_set_option(struct job *job, const char *key, const char *val, char *err, size_t errlen)
{
	int idx = find_job_opt(key);
	uint64_t v;
	size_t i;
	bool b;

	if (idx < 0) {
		char q[96];

		seterr(err, errlen, "unknown option %s", quoted(key, q, sizeof(q)));
		return -1;
	}
	if (!val && !job_opts[idx].flag) {
		seterr(err, errlen, "option %s needs a value (%s=...)", key, key);
		return -1;
	}
	switch (job_opts[idx].opt) {
	case OPT_NAME:
		if (!*val || strlen(val) >= sizeof(job->name) || !printable(val))
			goto bad;
		snprintf(job->name, sizeof(job->name), "%s", val);
		return 0;
	case OPT_FILENAME:
		if (!*val || strlen(val) >= sizeof(job->filename) || !printable(val))
			goto bad;
		snprintf(job->filename, sizeof(job->filename), "%s", val);
		return 0;
	case OPT_RW:
		if (!strcmp(val, "readwrite")) {
			job->rw = JOB_RW_RW;
			return 0;
		}
		for (i = 0; i < sizeof(rw_names) / sizeof(rw_names[0]); i++) {
			if (!strcmp(val, rw_names[i])) {
				job->rw = (enum job_rw)i;
				return 0;
			}
		}
		BADVALH(err, errlen, key, val,
		       " (read, write, randread, randwrite, rw, readwrite or randrw)");
		return -1;
	case OPT_RWMIXREAD:
	case OPT_RWMIXWRITE:
		if (parse_u64(val, 100, &v)) {
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
			if (parse_pct(val, &pct))
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
		if (parse_bool(val, &b))
			goto bad;
		job->direct = b;
		return 0;
	case OPT_IOENGINE:
		for (i = 0; i < sizeof(ioengine_names) / sizeof(ioengine_names[0]); i++) {
			if (!strcmp(val, ioengine_names[i])) {
				job->ioengine = (enum job_ioengine)i;
				return 0;
			}
		}
		BADVALH(err, errlen, key, val, " (psync, pvsync, libaio or io_uring)");
		return -1;
	case OPT_IODEPTH:
		if (parse_u64(val, JOB_MAX_IODEPTH, &v) || !v) {
			BADVALH(err, errlen, key, val, " (1 to %d)", JOB_MAX_IODEPTH);
			return -1;
		}
		job->iodepth = (unsigned int)v;
		return 0;
	case OPT_NUMJOBS:
		if (parse_u64(val, JOB_MAX_NUMJOBS, &v) || !v) {
			BADVALH(err, errlen, key, val, " (1 to %d)", JOB_MAX_NUMJOBS);
			return -1;
		}
		job->numjobs = (unsigned int)v;
		return 0;
	case OPT_GROUP_REPORTING:
		if (parse_bool(val, &b))
			goto bad;
		job->group_reporting = b;
		return 0;
	case OPT_TIME_BASED:
		if (parse_bool(val, &b))
			goto bad;
		job->time_based = b;
		return 0;
	case OPT_THREAD:
		/* Every job is a host thread already; accepted for fio's sake. */
		if (parse_bool(val, &b))
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
		if ((val[0] == '0' && (val[1] == 'x' || val[1] == 'X')) ? parse_hex(val + 2, &v)
									 : parse_u64(val, UINT64_MAX, &v))
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

/* ---- job files ------------------------------------------------------------ */

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Parse @text; apply @nover overrides (key, value pairs) to each job at its end. */
static int parse_jobfile(const char *text, const char *const *over, unsigned int nover,
			 struct job_list *out, char *err, size_t errlen)
{
	unsigned int first = out->nr, lineno = 0, i;
	struct job global, cur;
	bool in_job = false, in_section = false;
	char line[JOB_LINE_MAX], msg[256];
	const char *p = text, *nl;

	if (!text) {
		seterr(err, errlen, "no job file text");
		return -1;
	}
	job_init_defaults(&global);
	while (*p) {
		size_t len;
		char *s, *eq, *key, *val;

		lineno++;
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		if (len >= sizeof(line)) {
			seterr(err, errlen, "line %u: line too long (at most %d characters)", lineno,
			       JOB_LINE_MAX - 1);
			goto fail;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		p += len + (nl ? 1 : 0);
		if (memchr(line, '\0', len)) {
			seterr(err, errlen, "line %u: NUL byte in a job file", lineno);
			goto fail;
		}
		s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *end = strchr(s, ']');

			if (!end || trim(end + 1)[0]) {
				seterr(err, errlen, "line %u: malformed section header", lineno);
				goto fail;
			}
			*end = '\0';
			s = trim(s + 1);
			if (!*s || strlen(s) >= JOB_NAME_MAX || !printable(s)) {
				seterr(err, errlen, "line %u: bad section name", lineno);
				goto fail;
			}
			if (in_job) {
				for (i = 0; i + 1 < 2 * nover; i += 2)
					if (job_set_option(&cur, over[i], over[i + 1], msg, sizeof(msg))) {
						seterr(err, errlen, "%s", msg);
						goto fail;
					}
				if (!job_list_add(out, &cur, err, errlen))
					goto fail;
			}
			in_section = true;
			in_job = strcmp(s, "global") != 0;
			if (in_job) {
				cur = global;
				snprintf(cur.name, sizeof(cur.name), "%s", s);
			}
			continue;
		}
		if (!in_section) {
			seterr(err, errlen, "line %u: option outside a [section]", lineno);
			goto fail;
		}
		eq = strchr(s, '=');
		if (eq) {
			*eq = '\0';
			key = trim(s);
			val = trim(eq + 1);
		} else {
			key = s;
			val = NULL;
		}
		if (job_set_option(in_job ? &cur : &global, key, val, msg, sizeof(msg))) {
			seterr(err, errlen, "line %u: %s", lineno, msg);
			goto fail;
		}
	}
	if (in_job) {
		for (i = 0; i + 1 < 2 * nover; i += 2)
			if (job_set_option(&cur, over[i], over[i + 1], msg, sizeof(msg))) {
				seterr(err, errlen, "%s", msg);
				goto fail;
			}
		if (!job_list_add(out, &cur, err, errlen))
			goto fail;
	}
	if (out->nr == first) {
		seterr(err, errlen, "no job section (only [global])");
		goto fail;
	}
	return 0;
fail:
	out->nr = first;
	return -1;
}

int jobfile_parse_string(const char *text, struct job_list *out, char *err, size_t errlen)
{
	return parse_jobfile(text, NULL, 0, out, err, errlen);
}

static char *read_text_file(const char *path, char *err, size_t errlen)
{
	size_t len = 0, cap = 4096, n;
	char *buf, *tmp;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		seterr(err, errlen, "job file %s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(cap);
	if (!buf)
		goto oom;
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 == cap) {
			if (cap >= (16U << 20)) {
				seterr(err, errlen, "job file %s: larger than 16 MiB", path);
				goto fail;
			}
			tmp = realloc(buf, cap * 2);
			if (!tmp)
				goto oom;
			buf = tmp;
			cap *= 2;
		}
	}
	if (ferror(f)) {
		seterr(err, errlen, "job file %s: %s", path, strerror(errno));
		goto fail;
	}
	fclose(f);
	buf[len] = '\0';
	if (strlen(buf) != len) {
		seterr(err, errlen, "job file %s: not a text file (NUL byte)", path);
		free(buf);
		return NULL;
	}
	return buf;
oom:
	seterr(err, errlen, "job file %s: out of memory", path);
fail:
	free(buf);
	fclose(f);
	return NULL;
}

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
		if (!strncmp(val, "threads:", 8) && !parse_u64(val + 8, 8, &v) && v) {
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
		if (parse_u64(val, 128, &v) || !v || (v & (v - 1))) {
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
		if (parse_u64(val, 4096, &v) || (v != 512 && v != 1024 && v != 2048 && v != 4096)) {
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
			seterr(err, errlen,
			       "--engine=%s contradicts --fs=simfs: files on simfs go through --engine=iomap or legacy",
			       run_engine_name(opts->engine));
			return -1;
		}
		if (opts->dev_kind == RUN_DEV_NULL) {
			seterr(err, errlen,
			       "--fs=simfs needs a device that keeps data; --device=null discards it");
			return -1;
		}
		if (opts->fs_bs < opts->lbs) {
			seterr(err, errlen,
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
		seterr(err, errlen, "--engine=%s needs a filesystem; it contradicts --fs=none (use --fs=simfs)",
		       run_engine_name(opts->engine));
		return -1;
	}
	if (opts->buffer == RUN_BUFFER_FILE_MMAP) {
		seterr(err, errlen, "--buffer=file-mmap maps a file on simfs: it needs --fs=simfs");
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
		seterr(err, errlen, "out of memory");
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

				seterr(err, errlen, "unknown option %s", quoted(arg, q, sizeof(q)));
				goto out;
			}
			continue;	/* a job file, read in the second pass */
		}
		eq = strchr(arg + 2, '=');
		klen = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
		if (klen >= sizeof(key)) {
			char q[96];

			seterr(err, errlen, "unknown option %s", quoted(arg, q, sizeof(q)));
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
				seterr(err, errlen, "option --%s needs a value (--%s=...)", key, key);
				goto out;
			}
			if (set_run_option(opts, run_options[idx].opt, key, val, err, errlen))
				goto out;
			continue;
		}
		idx = find_job_opt(key);
		if (idx < 0) {
			char q[96];

			seterr(err, errlen, "unknown option %s", quoted(arg, q, sizeof(q)));
			goto out;
		}
		if (eq)
			val = eq + 1;
		else if (!job_opts[idx].flag)
			val = a + 1 < argc ? argv[++a] : NULL;
		if (!val && !job_opts[idx].flag) {
			seterr(err, errlen, "option --%s needs a value (--%s=...)", key, key);
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
			idx = find_job_opt(kv[nkv].key);
			if (!eq && !job_opts[idx].flag)
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
			char *text = read_text_file(arg, err, errlen);

			if (!text)
				goto out;
			if (parse_jobfile(text, over, nover, out, msg, sizeof(msg))) {
				seterr(err, errlen, "%s: %s", arg, msg);
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
	uint64_t mem_need = 0, space = dev_bytes, fs_need = 0;
	unsigned int i, k, threads = 0, nfiles = 1;
	bool simfs = opts->fs == RUN_FS_SIMFS;

	snprintf(devpath, sizeof(devpath), "/dev/%s", run_dev_name(opts));
	if (!jobs->nr) {
		seterr(err, errlen, "no jobs");
		return -1;
	}
	if (opts->dev_kind != RUN_DEV_FILE && (dev_bytes % opts->lbs)) {
		fmt_bytes(dev_bytes, b1, sizeof(b1));
		seterr(err, errlen, "--device size %s is not a multiple of the logical block size %u",
		       b1, opts->lbs);
		return -1;
	}
	if (dev_bytes < opts->lbs) {
		seterr(err, errlen, "the device is smaller than one %u-byte block", opts->lbs);
		return -1;
	}
	if (simfs) {
		/* What simfs leaves for file data, shared by the run's files. */
		if (dev_bytes < 2 * RUN_SIMFS_RESERVE) {
			fmt_bytes(dev_bytes, b1, sizeof(b1));
			seterr(err, errlen, "--fs=simfs needs a device of at least 2M; %s is %s",
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
				seterr(err, errlen,
				       "job %s: filename=%s: with --fs=simfs jobs run on files under %s/, not on a device",
				       n, job->filename, RUN_MOUNT_DIR);
				return -1;
			}
			if (job->filename[0] && !simfs_path_ok(job->filename)) {
				seterr(err, errlen,
				       "job %s: filename=%s: not a file on simfs (%s/NAME, NAME without '/', at most %d bytes)",
				       n, job->filename, RUN_MOUNT_DIR, RUN_SIMFS_NAME_MAX);
				return -1;
			}
			if (job_file_path(job, job->numjobs - 1, path, sizeof(path))) {
				seterr(err, errlen,
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
				seterr(err, errlen,
				       "job %s: filename=%s: no such device (this run has %s; see --device)",
				       n, job->filename, devpath);
			else if (simfs_path_ok(job->filename))
				seterr(err, errlen,
				       "job %s: filename=%s: a file needs --fs=simfs (this run has no filesystem)",
				       n, job->filename);
			else
				seterr(err, errlen,
				       "job %s: filename=%s: neither the device %s nor a file on simfs (%s/NAME with --fs=simfs)",
				       n, job->filename, devpath, RUN_MOUNT_DIR);
			return -1;
		} else {
			snprintf(where, sizeof(where), "%s", devpath);
		}
		if (!job->direct && !simfs) {
			seterr(err, errlen,
			       "job %s: direct=0: buffered I/O goes through simfs's page cache; it needs --fs=simfs (or use direct=1)",
			       n);
			return -1;
		}
		/* The simulated queues' default max_hw_sectors: 2560 sectors. */
		if (opts->engine == RUN_ENGINE_PASSTHROUGH && job->bs > 2560 * 512) {
			fmt_bytes(job->bs, b1, sizeof(b1));
			seterr(err, errlen,
			       "job %s: bs=%s is too large for --engine=passthrough: a command moves at most 1280K (the queue's max_hw_sectors)",
			       n, b1);
			return -1;
		}
		if (job->direct && job->bs % opts->lbs) {
			seterr(err, errlen,
			       "job %s: bs=%llu is not a multiple of the logical block size %u (direct=1)",
			       n, (unsigned long long)job->bs, opts->lbs);
			return -1;
		}
		if (job->offset_pct)
			job->offset = region * job->offset_pct / 100 / opts->lbs * opts->lbs;
		job->offset_pct = 0;
		if (job->direct && job->offset % opts->lbs) {
			seterr(err, errlen,
			       "job %s: offset=%llu is not a multiple of the logical block size %u (direct=1)",
			       n, (unsigned long long)job->offset, opts->lbs);
			return -1;
		}
		if (job->offset >= (simfs ? space : region)) {
			fmt_bytes(job->offset, b1, sizeof(b1));
			fmt_bytes(simfs ? space : region, b2, sizeof(b2));
			seterr(err, errlen, "job %s: offset=%s is past the end of %s (%s)", n, b1,
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
			seterr(err, errlen, "job %s: offset=%s + size=%s is past the end of %s", n, b1,
			       b2, simfs ? "what simfs holds" : devpath);
			return -1;
		}
		if (job->bs > job->size) {
			fmt_bytes(job->bs, b1, sizeof(b1));
			fmt_bytes(job->size, b2, sizeof(b2));
			seterr(err, errlen, "job %s: bs=%s is larger than size=%s", n, b1, b2);
			return -1;
		}
		nblocks = job->size / job->bs;
		job->size = nblocks * job->bs;
		if (job->time_based && !job->runtime_ns) {
			seterr(err, errlen, "job %s: time_based needs a runtime", n);
			return -1;
		}
		if (job->verify != JOB_VERIFY_NONE) {
			if (opts->dev_kind == RUN_DEV_NULL) {
				seterr(err, errlen,
				       "job %s: verify needs a device that keeps data; --device=null discards it",
				       n);
				return -1;
			}
			if (opts->buffer == RUN_BUFFER_UNTOUCHED && job_rw_writes(job->rw)) {
				seterr(err, errlen,
				       "job %s: verify writes a header into each block, which --buffer=untouched forbids; use one or the other",
				       n);
				return -1;
			}
			if (job->bs < 64) {
				seterr(err, errlen, "job %s: verify needs bs of at least 64 bytes", n);
				return -1;
			}
			if (job_clones_share_file(opts, job) && nblocks < job->numjobs) {
				seterr(err, errlen,
				       "job %s: size holds %llu blocks, too few for numjobs=%u with verify (each clone verifies its own slice)",
				       n, (unsigned long long)nblocks, job->numjobs);
				return -1;
			}
		}
		threads += job->numjobs;
		if (threads > JOB_MAX_THREADS) {
			seterr(err, errlen, "too many clones: numjobs add up to more than %d",
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
			/* Buffered I/O: the page cache keeps the whole file (no reclaim). */
			if (!job->direct)
				mem_need += copies * file;
			if (opts->buffer == RUN_BUFFER_FILE_MMAP)
				fs_need += job->numjobs * job_buffer_bytes(opts, job);
		}
	}
	if (simfs && fs_need > space) {
		fmt_bytes(round_up(fs_need, MIB), b1, sizeof(b1));
		fmt_bytes(space, b2, sizeof(b2));
		seterr(err, errlen,
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
				seterr(err, errlen,
				       "jobs %s and %s overlap on %s and %s verifies: give them separate offset/size",
				       a->name, b->name, simfs ? a->filename : devpath, a->name);
				return -1;
			}
		}
	}
	if (mem_need > opts->mem_bytes / 2) {
		fmt_bytes(round_up(mem_need, MIB), b1, sizeof(b1));
		fmt_bytes(opts->mem_bytes, b2, sizeof(b2));
		seterr(err, errlen,
		       "the jobs' %s need %s of simulated memory, more than half of --mem=%s",
		       simfs ? "buffers and page cache" : "buffers", b1, b2);
		return -1;
	}
	return 0;
}
