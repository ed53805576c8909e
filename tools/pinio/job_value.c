// SPDX-License-Identifier: GPL-2.0
/*
 * tools/pinio/job_value.c - `pinio run`'s parser: one-line error messages
 * (a bad value quoted, printable and cut at 60 characters), and the value
 * syntaxes fio's options share: plain and hex numbers, sizes with k/m/g
 * suffixes, times with units, percentages and booleans.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "jobfile_internal.h"

void job_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

const char *job_quoted(const char *s, char *buf, size_t size)
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

void job_badval(char *err, size_t errlen, const char *key, const char *val, const char *extra,
		...)
{
	char q[96], hint[128] = "";
	va_list ap;

	va_start(ap, extra);
	vsnprintf(hint, sizeof(hint), extra, ap);
	va_end(ap);
	job_seterr(err, errlen, "bad value for %s: %s%s", key, job_quoted(val, q, sizeof(q)), hint);
}

/* ---- values --------------------------------------------------------------- */

bool job_str_ieq(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

/*
 * The decimal digits at the start of @s into @v. Return: the first
 * character after them, or NULL when @s does not start with a digit or the
 * number overflows.
 */
static const char *parse_digits(const char *s, uint64_t *v)
{
	*v = 0;
	if (!s || !isdigit((unsigned char)*s))
		return NULL;
	for (; isdigit((unsigned char)*s); s++) {
		unsigned int d = (unsigned int)(*s - '0');

		if (*v > (UINT64_MAX - d) / 10)
			return NULL;
		*v = *v * 10 + d;
	}
	return s;
}

int job_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v;

	s = parse_digits(s, &v);
	if (!s || *s || v > max)
		return -1;
	*out = v;
	return 0;
}

int job_parse_hex(const char *s, uint64_t *out)
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
		return job_parse_hex(s + 2, out);
	p = parse_digits(s, &v);
	if (!p)
		return -1;
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

	p = parse_digits(s, &v);
	if (!p)
		return -1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!job_str_ieq(p, units[i].suffix))
			continue;
		if (v && units[i].ns > UINT64_MAX / v)
			return -1;
		*out = v * units[i].ns;
		return 0;
	}
	return -1;
}

/* "N%", N in 1..100. */
int job_parse_pct(const char *s, unsigned int *out)
{
	char buf[8];
	size_t n = strlen(s);
	uint64_t v;

	if (n < 2 || n >= sizeof(buf) || s[n - 1] != '%')
		return -1;
	memcpy(buf, s, n - 1);
	buf[n - 1] = '\0';
	if (job_parse_u64(buf, 100, &v) || !v)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

int job_parse_bool(const char *s, bool *out)
{
	if (!s || !strcmp(s, "1") || job_str_ieq(s, "true") || job_str_ieq(s, "yes") || job_str_ieq(s, "on")) {
		*out = true;
		return 0;
	}
	if (!strcmp(s, "0") || job_str_ieq(s, "false") || job_str_ieq(s, "no") || job_str_ieq(s, "off")) {
		*out = false;
		return 0;
	}
	return -1;
}

bool job_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

