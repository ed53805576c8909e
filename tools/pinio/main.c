// SPDX-License-Identifier: GPL-2.0
/*
 * tools/pinio/main.c - `pinio SUBCOMMAND [ARGS...]`: dispatch only.
 */
#include <stdio.h>
#include <string.h>

#include "pinio.h"

struct subcommand {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct subcommand subcommands[] = {
	{ "run", cmd_run, "fio-style I/O jobs, with the pin ledger" },
	{ "scenario", cmd_scenario, "the regression scenarios R01-R25, narrated" },
	{ "kcompare", cmd_kcompare, "the same O_DIRECT cases on the host kernel and in pinio" },
	{ "trace", cmd_trace, "page-lifetime events of a small run, as JSON or SVG" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: pinio [--help] [--version] SUBCOMMAND [ARGS...]\n\n");
	fprintf(f, "Subcommands:\n");
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %-10s %s\n", subcommands[i].name,
			subcommands[i].summary);
	fprintf(f, "\n`pinio SUBCOMMAND --help` describes one subcommand.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return PINIO_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return PINIO_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("pinio %s\n", PINIO_TOOL_VERSION);
		return PINIO_EXIT_OK;
	}
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "pinio: unknown subcommand \"%s\" (try pinio --help)\n",
		argv[1]);
	return PINIO_EXIT_USAGE;
}
