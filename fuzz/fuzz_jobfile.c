// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz/fuzz_jobfile.c - libFuzzer target for pinio run's option and job-file
 * parser (tools/pinio/jobfile.c), which makes no simulation calls.
 *
 * The first byte chooses the input's meaning: even, a job file's text for
 * jobfile_parse_string(); odd, `pinio run` arguments, one per line, for
 * job_parse_args() (only "--" options: a bare argument would name a job
 * file on the host). Whatever parses is then validated. Expect no crash,
 * no sanitizer report and no leak, whatever the bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tools/pinio/jobfile.h"

#define FUZZ_MAX_ARGS	32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_validate(const struct run_opts *opts, struct job_list *jobs)
{
	char err[256];

	job_validate(opts, jobs, 256ULL << 20, err, sizeof(err));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run_opts opts;
	struct job_list jobs;
	char err[256], *text;

	if (!size)
		return 0;
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';

	if (!(data[0] & 1)) {
		run_opts_init(&opts);
		job_list_init(&jobs);
		if (!jobfile_parse_string(text, &jobs, err, sizeof(err)))
			fuzz_validate(&opts, &jobs);
		job_list_free(&jobs);
	} else {
		char *argv[FUZZ_MAX_ARGS + 1], *line, *save = NULL;
		int argc = 0;

		argv[argc++] = "run";
		for (line = strtok_r(text, "\n", &save); line && argc < FUZZ_MAX_ARGS;
		     line = strtok_r(NULL, "\n", &save))
			if (!strncmp(line, "--", 2))
				argv[argc++] = line;
		argv[argc] = NULL;
		if (!job_parse_args(argc, argv, &opts, &jobs, err, sizeof(err)))
			fuzz_validate(&opts, &jobs);
		job_list_free(&jobs);
	}
	free(text);
	return 0;
}
