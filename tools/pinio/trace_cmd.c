// SPDX-License-Identifier: GPL-2.0
/*
 * tools/pinio/trace_cmd.c - placeholder while it is being written.
 */
#include <stdio.h>

#include "pinio.h"

int cmd_trace(int argc, char **argv)
{
	fprintf(stderr, "pinio %s: not built yet\n", argv[0]);
	return PINIO_EXIT_FAIL;
}
