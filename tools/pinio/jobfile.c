// SPDX-License-Identifier: GPL-2.0
/*
 * tools/pinio/jobfile.c - `pinio run`'s parser: fio's job file syntax
 * ([global] and [job] sections, `key=value` or bare `key` lines, `;` and
 * `#` comments), and reading a job file from the host.
 *
 * The whole parser (jobfile_internal.h lists its files) is pure: strings
 * in, structs and one-line errors out, no simulation calls
 * (job_parse_args() reads job files with stdio and nothing else), so a
 * fuzzer can drive jobfile_parse_string() and job_parse_args() directly.
 * The syntax and the meaning of each job option follow fio's; see
 * docs/cli.md for the list and for where pinio differs.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobfile_internal.h"

#define JOB_LINE_MAX	1024

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
int jobfile_parse(const char *text, const char *const *over, unsigned int nover,
		  struct job_list *out, char *err, size_t errlen)
{
	unsigned int first = out->nr, lineno = 0, i;
	struct job global, cur;
	bool in_job = false, in_section = false;
	char line[JOB_LINE_MAX], msg[256];
	const char *p = text, *nl;

	if (!text) {
		job_seterr(err, errlen, "no job file text");
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
			job_seterr(err, errlen, "line %u: line too long (at most %d characters)", lineno,
			       JOB_LINE_MAX - 1);
			goto fail;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		p += len + (nl ? 1 : 0);
		if (memchr(line, '\0', len)) {
			job_seterr(err, errlen, "line %u: NUL byte in a job file", lineno);
			goto fail;
		}
		s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *end = strchr(s, ']');

			if (!end || trim(end + 1)[0]) {
				job_seterr(err, errlen, "line %u: malformed section header", lineno);
				goto fail;
			}
			*end = '\0';
			s = trim(s + 1);
			if (!*s || strlen(s) >= JOB_NAME_MAX || !job_printable(s)) {
				job_seterr(err, errlen, "line %u: bad section name", lineno);
				goto fail;
			}
			if (in_job) {
				for (i = 0; i + 1 < 2 * nover; i += 2)
					if (job_set_option(&cur, over[i], over[i + 1], msg, sizeof(msg))) {
						job_seterr(err, errlen, "%s", msg);
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
			job_seterr(err, errlen, "line %u: option outside a [section]", lineno);
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
			job_seterr(err, errlen, "line %u: %s", lineno, msg);
			goto fail;
		}
	}
	if (in_job) {
		for (i = 0; i + 1 < 2 * nover; i += 2)
			if (job_set_option(&cur, over[i], over[i + 1], msg, sizeof(msg))) {
				job_seterr(err, errlen, "%s", msg);
				goto fail;
			}
		if (!job_list_add(out, &cur, err, errlen))
			goto fail;
	}
	if (out->nr == first) {
		job_seterr(err, errlen, "no job section (only [global])");
		goto fail;
	}
	return 0;
fail:
	out->nr = first;
	return -1;
}

int jobfile_parse_string(const char *text, struct job_list *out, char *err, size_t errlen)
{
	return jobfile_parse(text, NULL, 0, out, err, errlen);
}

char *job_read_text_file(const char *path, char *err, size_t errlen)
{
	size_t len = 0, cap = 4096, n;
	char *buf, *tmp;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		job_seterr(err, errlen, "job file %s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(cap);
	if (!buf)
		goto oom;
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 == cap) {
			if (cap >= (16U << 20)) {
				job_seterr(err, errlen, "job file %s: larger than 16 MiB", path);
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
		job_seterr(err, errlen, "job file %s: %s", path, strerror(errno));
		goto fail;
	}
	fclose(f);
	buf[len] = '\0';
	if (strlen(buf) != len) {
		job_seterr(err, errlen, "job file %s: not a text file (NUL byte)", path);
		free(buf);
		return NULL;
	}
	return buf;
oom:
	job_seterr(err, errlen, "job file %s: out of memory", path);
fail:
	free(buf);
	fclose(f);
	return NULL;
}
