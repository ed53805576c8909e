// SPDX-License-Identifier: GPL-2.0
/*
 * sim/files.c - per-task file tables.
 *
 * Placeholder until the VFS exists: tasks have no open files yet, so fork
 * has nothing to share and exit nothing to close.
 */
#include "sim/sim.h"

void sim_files_fork(struct task_struct *child, struct task_struct *parent)
{
	child->files = NULL;
	(void)parent;
}

void sim_files_exit(struct task_struct *t)
{
	t->files = NULL;
}
