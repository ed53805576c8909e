// SPDX-License-Identifier: GPL-2.0
/*
 * sim/task.c - simulated tasks: creation, `current`, fork and exit.
 *
 * A task is a pid and an address space (and, once the VFS exists, a file
 * table). Each host thread runs one task at a time: `current` is
 * thread-local. sim_fork() duplicates the current task's mm with the
 * kernel's COW and pinned-page rules (mm/fork.c); sim_task_exit() tears
 * the task down, dropping every mapping's reference.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <pinio/trace.h>
#include "mm/internal.h"
#include "sim/sim.h"

__thread struct task_struct *current_task;
static LIST_HEAD(all_tasks);
static pthread_mutex_t tasks_lock = PTHREAD_MUTEX_INITIALIZER;
static int next_pid = 1;

static struct task_struct *task_alloc(struct mm_struct *mm)
{
	struct task_struct *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->mm = mm;
	t->rlim_memlock = current_task ? current_task->rlim_memlock : SIM_DEFAULT_MEMLOCK;
	pthread_mutex_lock(&tasks_lock);
	t->pid = next_pid++;
	list_add_tail(&t->tasks, &all_tasks);
	pthread_mutex_unlock(&tasks_lock);
	snprintf(t->comm, sizeof(t->comm), "task%d", t->pid);
	return t;
}

/**
 * sim_task_create() - a new task with an empty address space.
 * Return: the task, or NULL when out of memory.
 */
struct task_struct *sim_task_create(void)
{
	struct mm_struct *mm = mm_alloc();
	struct task_struct *t;

	if (!mm)
		return NULL;
	t = task_alloc(mm);
	if (!t)
		mmput(mm);
	return t;
}

/**
 * sim_thread_create() - a task sharing @t's address space (CLONE_VM).
 * @t: the task whose mm the new one shares (one more mm_users reference).
 */
struct task_struct *sim_thread_create(struct task_struct *t)
{
	struct task_struct *n;

	mmget(t->mm);
	n = task_alloc(t->mm);
	if (!n)
		mmput(t->mm);
	else
		n->parent = t;
	return n;
}

/**
 * sim_task_switch() - make @t current on the calling host thread.
 * @t: the task, or NULL for none.
 */
void sim_task_switch(struct task_struct *t)
{
	current_task = t;
	trace_pid = t ? t->pid : 0;
}

/**
 * sim_current() - the simulated task current on the calling host thread.
 *
 * Each host thread has its own current, set by sim_task_switch(); the
 * booting thread gets task 1.
 *
 * Return: the task, or NULL if none is current on this thread.
 */
struct task_struct *sim_current(void)
{
	return current_task;
}

/**
 * sim_task_pid() - the pid of a simulated task.
 * @t: the task, or NULL.
 *
 * Pids count up from 1 after each boot.
 *
 * Return: the pid, or 0 for NULL.
 */
int sim_task_pid(const struct task_struct *t)
{
	return t ? t->pid : 0;
}

/**
 * sim_fork() - a child of current with a copy of its address space and of
 * its descriptor table (sim_files_fork()).
 *
 * Anonymous pages are shared copy-on-write, except pages that may be
 * pinned for DMA, which the child gets copies of at once (R-COW-2).
 * Return: the child (not switched to), or ERR_PTR(-ENOMEM) with the parent
 * unchanged and nothing of the child left; ERR_PTR(-EINVAL) when there is
 * no current task or it has no address space.
 */
struct task_struct *sim_fork(void)
{
	struct mm_struct *mm;
	struct task_struct *child;
	int err;

	if (!current_task || !current_task->mm)
		return ERR_PTR(-EINVAL);
	mm = dup_mm(current_task->mm);
	if (IS_ERR(mm))
		return ERR_CAST_TASK(mm);
	child = task_alloc(mm);
	if (!child) {
		mmput(mm);
		return ERR_PTR(-ENOMEM);
	}
	child->parent = current_task;
	err = sim_files_fork(child, current_task);
	if (err) {
		sim_task_exit(child);	/* drops the copied mm; no files yet */
		return ERR_PTR(err);
	}
	return child;
}

/**
 * sim_task_exit() - exit @t: close its files, drop its address space.
 * @t: the task; freed on return. NULL does nothing.
 *
 * Pages still pinned stay allocated until unpinned. If @t is current on
 * this thread, current becomes NULL.
 */
void sim_task_exit(struct task_struct *t)
{
	if (!t)
		return;
	sim_files_exit(t);
	pthread_mutex_lock(&tasks_lock);
	list_del(&t->tasks);
	pthread_mutex_unlock(&tasks_lock);
	if (t->mm)
		mmput(t->mm);
	if (current_task == t)
		sim_task_switch(NULL);
	free(t);
}

/**
 * sim_tasks_exit_all() - exit every task still alive, at machine shutdown.
 *
 * Calls sim_task_exit() on each (closing its files, dropping its address
 * space), then restarts pid numbering at 1 for the next boot. Pinned pages
 * stay allocated and are reported as leaks by sim_shutdown().
 *
 * Context: sim_shutdown() only; no other host thread may use a task, as
 * their current pointers are not cleared.
 */
void sim_tasks_exit_all(void)
{
	for (;;) {
		struct task_struct *t = NULL;

		pthread_mutex_lock(&tasks_lock);
		if (!list_empty(&all_tasks))
			t = list_first_entry(&all_tasks, struct task_struct, tasks);
		pthread_mutex_unlock(&tasks_lock);
		if (!t)
			break;
		sim_task_exit(t);
	}
	next_pid = 1;
}

/**
 * sim_nr_tasks() - count the simulated tasks alive.
 *
 * Context: any thread; takes the task list lock.
 * Return: the number of tasks created and not yet exited.
 */
long sim_nr_tasks(void)
{
	struct task_struct *t;
	long n = 0;

	pthread_mutex_lock(&tasks_lock);
	list_for_each_entry(t, &all_tasks, tasks)
		n++;
	pthread_mutex_unlock(&tasks_lock);
	return n;
}
