/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/cli_fixture.h - the fixture of the `pinio run` suites (cli_args,
 * cli_job, cli_run): a command line split into argv, run_main() with both
 * streams captured, and the parser plus validation as `pinio run` calls
 * them.
 */
#ifndef PINIO_TESTS_CLI_FIXTURE_H
#define PINIO_TESTS_CLI_FIXTURE_H

#include <pinio/sim.h>

#include "kunit/test.h"
#include "tools/pinio/jobfile.h"
#include "tools/pinio/json.h"
#include "tools/pinio/run.h"
#include "tools/pinio/stats.h"
#include "tools/pinio/verify.h"

#define MIB (1ULL << 20)

struct cli_result {
	int code;
	char *out;
	char *err;
};

/* Split @line on spaces into argv (argv[0] = "run"); @buf keeps the strings. */
int cli_split(const char *line, char *buf, size_t size, char **argv, int max);

/* run_main() on @line with both streams captured. */
void cli_run(struct kunit *test, const char *line, struct cli_result *r);

void cli_result_free(struct cli_result *r);

/* Parse and check @line as `pinio run` would, on a device of @dev_bytes. */
int cli_parse_validate(const char *line, struct run_opts *opts, struct job_list *jobs,
		       char *err, size_t errlen);

#endif /* PINIO_TESTS_CLI_FIXTURE_H */
