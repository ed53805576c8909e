/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tools/pinio/pinio.h - the pinio command-line tool: subcommand entry points.
 *
 * No kernel twin. Each subcommand takes the arguments after its own name
 * (argv[0] is the subcommand name, as for a program's main) and returns the
 * process exit code: 0 success, 1 the run found a problem (violations,
 * leaks, verify failures), 2 bad usage (nothing was created).
 */
#ifndef PINIO_TOOL_PINIO_H
#define PINIO_TOOL_PINIO_H

#define PINIO_TOOL_VERSION "0.1.0"

/* Exit codes shared by every subcommand. */
enum pinio_exit {
	PINIO_EXIT_OK = 0,
	PINIO_EXIT_FAIL = 1,
	PINIO_EXIT_USAGE = 2,
};

int cmd_run(int argc, char **argv);
int cmd_scenario(int argc, char **argv);
int cmd_kcompare(int argc, char **argv);
int cmd_trace(int argc, char **argv);

#endif /* PINIO_TOOL_PINIO_H */
