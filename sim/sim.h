/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim/sim.h - what the sim/ files share.
 */
#ifndef PINIO_SIM_SIM_H
#define PINIO_SIM_SIM_H

#include <pinio/sim.h>
#include <pinio/sched.h>

#define ERR_CAST_TASK(p) ((struct task_struct *)(p))

void sim_tasks_exit_all(void);
long sim_nr_tasks(void);

/* File tables (sim/syscalls.c). */
int sim_files_fork(struct task_struct *child, struct task_struct *parent);
void sim_files_exit(struct task_struct *t);
struct file;
/* current's open file @fd with a reference (fput() it), or NULL. */
struct file *sim_fget(int fd);

/* Filesystems (sim/fs.c): unmount every idle mount; the busy ones left. */
long sim_fs_shutdown(void);

/* Invariant checker (sim/check.c). */
long sim_check_quiet(bool print);

#endif /* PINIO_SIM_SIM_H */
