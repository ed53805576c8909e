/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tools/pinio/jobfile_internal.h - what the files of `pinio run`'s parser
 * share and nobody else sees. The parser is pure (strings in, structs and
 * one-line errors out) and is spread over:
 *
 *   job_value.c     error messages; numbers, sizes, times, booleans
 *   job_names.c     enum names, paths, defaults, the job list
 *   job_option.c    the job option table and job_set_option()
 *   jobfile.c       the fio-style job file syntax
 *   job_args.c      the command line: run options, job options, files
 *   job_validate.c  whole-run checks once everything is parsed
 */
#ifndef PINIO_TOOL_JOBFILE_INTERNAL_H
#define PINIO_TOOL_JOBFILE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jobfile.h"

#define MIB		(1ULL << 20)
#define NSEC_PER_SEC	1000000000ULL

/* job_value.c */
void job_seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Quote @s for an error message: printable, and at most 60 characters. */
const char *job_quoted(const char *s, char *buf, size_t size);
/* "bad value for KEY: "VAL"" and the hint @extra formats after it. */
void job_badval(char *err, size_t errlen, const char *key, const char *val, const char *extra,
		...) __attribute__((format(printf, 5, 6)));
#define BADVAL(err, errlen, key, val) job_badval(err, errlen, key, val, "%s", "")
#define BADVALH(err, errlen, key, val, ...) job_badval(err, errlen, key, val, __VA_ARGS__)

bool job_str_ieq(const char *a, const char *b);
int job_parse_hex(const char *s, uint64_t *out);
int job_parse_pct(const char *s, unsigned int *out);
int job_parse_bool(const char *s, bool *out);
bool job_printable(const char *s);

/* job_names.c */
extern const char *const job_rw_names[JOB_RW_RANDRW + 1];
extern const char *const job_ioengine_names[JOB_IOENGINE_IO_URING + 1];
struct job *job_list_add(struct job_list *list, const struct job *job, char *err,
			 size_t errlen);

/* job_option.c: the index of job option @key, or -1; whether it may stand alone */
int job_find_opt(const char *key);
bool job_opt_flag(int idx);

/* jobfile.c */
int jobfile_parse(const char *text, const char *const *over, unsigned int nover,
		  struct job_list *out, char *err, size_t errlen);
char *job_read_text_file(const char *path, char *err, size_t errlen);

#endif /* PINIO_TOOL_JOBFILE_INTERNAL_H */
