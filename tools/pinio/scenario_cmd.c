// SPDX-License-Identifier: GPL-2.0
/*
 * tools/pinio/scenario_cmd.c - `pinio scenario`: list and run the
 * regression scenarios R01-R25 (scenarios.md §6) as narrated
 * demonstrations.
 *
 * No kernel twin. The scenarios are the library's (sim/scenario.c and
 * sim/scenarios/), the same code tests/scenario_test.c runs; this file only
 * parses the command line, picks scenarios and profiles, and sums up.
 *
 *   pinio scenario --list
 *   pinio scenario [--profile=v6.5|v6.4|v21|both|all] [--quiet] NAME|all ...
 *
 * Exit: 0 when every scenario that ran passed (skips are fine), 1 when one
 * failed, 2 on bad usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pinio/scenario.h>

#include "pinio.h"
#include "subcmd.h"

#define SCEN_MAX_PROFILES	3

static void scenario_usage(FILE *f)
{
	fprintf(f,
		"usage: pinio scenario [OPTIONS] NAME|all [NAME...]\n"
		"       pinio scenario --list\n"
		"\n"
		"Run the regression scenarios R01-R25 (scenarios.md) as narrated\n"
		"demonstrations: each step with the counters before and after, the\n"
		"expectation, and PASS or FAIL. NAME is an id (R01, r01, 1) or a name\n"
		"(\"zero-page pin storm\").\n"
		"\n"
		"Options:\n"
		"  --list               list the scenarios and whether they can run\n"
		"  --profile=P          v6.5 (default), v6.4, v21, both (v6.5 and v6.4)\n"
		"                       or all; a comma-separated list works too\n"
		"  --quiet, -q          one line per scenario (and any failed check)\n"
		"  --help, -h           this text\n"
		"\n"
		"Exit status: 0 every scenario run passed (skips are fine), 1 one\n"
		"failed, 2 bad usage.\n");
}

static void scenario_list(FILE *out)
{
	const struct sim_scenario *t;
	size_t nr, i;

	t = sim_scenario_table(&nr);
	fprintf(out, "%-4s %-44s %-20s %s\n", "ID", "NAME", "STATUS", "ORIGIN");
	for (i = 0; i < nr; i++) {
		char status[40];

		if (t[i].needs)
			snprintf(status, sizeof(status), "skip: needs %s", t[i].needs);
		else
			snprintf(status, sizeof(status), "runnable");
		fprintf(out, "%-4s %-44s %-20s %s\n", t[i].id, t[i].name, status, t[i].bug ? t[i].bug : "");
	}
}

/* Parse "v6.5,v6.4", "both" or "all" into @p; the number of profiles, or -EINVAL. */
static int scenario_parse_profiles(const char *arg, enum sim_profile *p)
{
	char buf[64], *tok, *next;
	int n = 0;

	if (!strcmp(arg, "both")) {
		p[0] = SIM_PROFILE_V6_5;
		p[1] = SIM_PROFILE_V6_4;
		return 2;
	}
	if (!strcmp(arg, "all")) {
		p[0] = SIM_PROFILE_V6_5;
		p[1] = SIM_PROFILE_V6_4;
		p[2] = SIM_PROFILE_V21;
		return 3;
	}
	if (strlen(arg) >= sizeof(buf))
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s", arg);
	/* strsep, not strtok: an empty element ("v6.5,,v6.4", "v6.5,") is an error */
	for (next = buf; (tok = strsep(&next, ",")) != NULL; n++)
		if (n == SCEN_MAX_PROFILES || sim_profile_parse(tok, &p[n]))
			return -EINVAL;
	return n;
}

int scenario_main(int argc, char **argv, FILE *out, FILE *err)
{
	enum sim_profile profiles[SCEN_MAX_PROFILES] = { SIM_PROFILE_V6_5 };
	const struct sim_scenario *table, **pick;
	unsigned int passed = 0, failed = 0, skipped = 0;
	int nr_profiles = 1, nr_pick = 0, i, j;
	bool quiet = false, list = false, all = false;
	size_t nr;

	table = sim_scenario_table(&nr);
	pick = calloc(nr + (size_t)argc, sizeof(*pick));
	if (!pick) {
		fprintf(err, "pinio scenario: out of memory\n");
		return PINIO_EXIT_FAIL;
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			scenario_usage(out);
			free(pick);
			return PINIO_EXIT_OK;
		} else if (!strcmp(a, "--list") || !strcmp(a, "-l")) {
			list = true;
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			quiet = true;
		} else if (!strncmp(a, "--profile=", 10) || !strcmp(a, "--profile")) {
			const char *v = a[9] == '=' ? a + 10 : (i + 1 < argc ? argv[++i] : NULL);

			if (!v) {
				fprintf(err, "pinio scenario: --profile needs a value (--profile=P)\n");
				free(pick);
				return PINIO_EXIT_USAGE;
			}
			nr_profiles = scenario_parse_profiles(v, profiles);
			if (nr_profiles < 0) {
				fprintf(err, "pinio scenario: bad profile \"%s\" "
					"(v6.5, v6.4, v21, both or all)\n", v);
				free(pick);
				return PINIO_EXIT_USAGE;
			}
		} else if (a[0] == '-' && a[1]) {
			fprintf(err, "pinio scenario: unknown option \"%s\" "
				"(pinio scenario --help)\n", a);
			free(pick);
			return PINIO_EXIT_USAGE;
		} else if (!strcmp(a, "all")) {
			all = true;
		} else {
			const struct sim_scenario *s = sim_scenario_find(a);

			if (!s) {
				fprintf(err, "pinio scenario: no scenario \"%s\" "
					"(pinio scenario --list)\n", a);
				free(pick);
				return PINIO_EXIT_USAGE;
			}
			pick[nr_pick++] = s;
		}
	}
	if (list) {
		scenario_list(out);
		free(pick);
		return PINIO_EXIT_OK;
	}
	if (all) {
		nr_pick = 0;
		for (j = 0; j < (int)nr; j++)
			pick[nr_pick++] = &table[j];
	}
	if (!nr_pick) {
		fprintf(err, "pinio scenario: name a scenario, or all (pinio scenario --list)\n");
		free(pick);
		return PINIO_EXIT_USAGE;
	}

	for (i = 0; i < nr_pick; i++) {
		for (j = 0; j < nr_profiles; j++) {
			struct sim_scenario_ctx ctx;

			sim_scenario_ctx_init(&ctx, profiles[j], out);
			ctx.quiet = quiet;
			switch (sim_scenario_run(pick[i], &ctx)) {
			case SIM_SCENARIO_PASS:
				passed++;
				break;
			case SIM_SCENARIO_FAIL:
				failed++;
				break;
			case SIM_SCENARIO_SKIP:
				skipped++;
				break;
			}
			/* A skip is the same under every profile: say it once. */
			if (pick[i]->needs)
				break;
		}
	}
	if (nr_pick * nr_profiles > 1)
		fprintf(out, "%u passed, %u failed, %u skipped\n", passed, failed, skipped);
	fflush(out);
	free(pick);
	return failed ? PINIO_EXIT_FAIL : PINIO_EXIT_OK;
}

int cmd_scenario(int argc, char **argv)
{
	return scenario_main(argc, argv, stdout, stderr);
}
