// SPDX-License-Identifier: GPL-2.0
/*
 * tools/pinio/kcompare.c - placeholder while it is being written.
 */
#include <stdio.h>

#include "pinio.h"

int cmd_kcompare(int argc, char **argv)
{
	fprintf(stderr, "pinio %s: not built yet\n", argv[0]);
	return PINIO_EXIT_FAIL;
}
