/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tools/pinio/subcmd.h - the scenario, kcompare and trace subcommands with
 * their output streams as parameters, so that tests can capture them
 * (cmd_scenario() and friends in pinio.h call these with stdout/stderr).
 *
 * Each takes the arguments after `pinio` (argv[0] is the subcommand's
 * name) and returns the exit code: 0, 1 (PINIO_EXIT_FAIL), 2 (usage) or,
 * for kcompare, 77 (cannot measure on this host).
 */
#ifndef PINIO_TOOL_SUBCMD_H
#define PINIO_TOOL_SUBCMD_H

#include <stdio.h>

#define PINIO_EXIT_SKIP	77

int scenario_main(int argc, char **argv, FILE *out, FILE *err);
int kcompare_main(int argc, char **argv, FILE *out, FILE *err);
int trace_main(int argc, char **argv, FILE *out, FILE *err);

#endif /* PINIO_TOOL_SUBCMD_H */
