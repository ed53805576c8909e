/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinio/sched.h - tasks and `current`.
 *
 * Models the part of include/linux/sched.h pinio needs: a task has a pid,
 * an mm and (once the VFS exists) a file table. `current` is per host
 * thread; a host thread runs one simulated task at a time.
 */
#ifndef PINIO_SCHED_H
#define PINIO_SCHED_H

#include <pinio/mm_types.h>

struct files_struct;

struct task_struct {
	int pid;
	struct mm_struct *mm;
	struct files_struct *files;
	struct task_struct *parent;
	bool exited;
	struct list_head tasks;		/* all tasks */
	char comm[16];
	unsigned long rlim_memlock;	/* RLIMIT_MEMLOCK in bytes; fork inherits it */
};

/* RLIMIT_MEMLOCK of a new task: 8 MiB, Linux's default since 5.16. */
#define SIM_DEFAULT_MEMLOCK	(8UL << 20)

extern __thread struct task_struct *current_task;
#define current current_task

#endif /* PINIO_SCHED_H */
