// SPDX-License-Identifier: GPL-2.0
/*
 * tests/cli_fixture.c - the fixture of the `pinio run` suites (cli_args,
 * cli_job, cli_run): a command line split into argv, run_main() with both
 * streams captured, and the parser plus validation as `pinio run` calls
 * them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pinio/sim.h>

#include "kunit/test.h"
#include "tools/pinio/jobfile.h"
#include "tools/pinio/json.h"
#include "tools/pinio/run.h"
#include "tools/pinio/stats.h"
#include "tools/pinio/verify.h"
#include "cli_fixture.h"

/* ---- helpers ------------------------------------------------------------------ */

/* Split @line on spaces into argv (argv[0] = "run"); @buf keeps the strings. */
int cli_split(const char *line, char *buf, size_t size, char **argv, int max)
{
	int argc = 0;
	char *p;

	snprintf(buf, size, "run %s", line);
	for (p = strtok(buf, " "); p && argc < max - 1; p = strtok(NULL, " "))
		argv[argc++] = p;
	argv[argc] = NULL;
	return argc;
}

/* run_main() on @line with both streams captured. */
void cli_run(struct kunit *test, const char *line, struct cli_result *r)
{
	size_t out_len = 0, err_len = 0;
	char buf[1024], *argv[64];
	FILE *out, *err;
	int argc = cli_split(line, buf, sizeof(buf), argv, 64);

	r->out = NULL;
	r->err = NULL;
	out = open_memstream(&r->out, &out_len);
	err = open_memstream(&r->err, &err_len);
	KUNIT_ASSERT_NOT_NULL(test, out);
	KUNIT_ASSERT_NOT_NULL(test, err);
	r->code = run_main(argc, argv, out, err);
	fclose(out);
	fclose(err);
}

void cli_result_free(struct cli_result *r)
{
	free(r->out);
	free(r->err);
}

/* Parse and check @line as `pinio run` would, on a device of @dev_bytes. */
int cli_parse_validate(const char *line, struct run_opts *opts, struct job_list *jobs,
		       char *err, size_t errlen)
{
	char buf[1024], *argv[64];
	int argc = cli_split(line, buf, sizeof(buf), argv, 64);

	if (job_parse_args(argc, argv, opts, jobs, err, errlen))
		return -1;
	if (job_validate(opts, jobs, opts->dev_bytes, err, errlen)) {
		job_list_free(jobs);
		return -1;
	}
	return 0;
}
