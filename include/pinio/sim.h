/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinio/sim.h - what the simulation adds: the machine, tasks, user memory,
 * devices, files as syscalls of the current task, and the observers.
 *
 * Nothing here has a kernel twin; everything is sim_-prefixed. Calls that
 * behave like syscalls take simulated user addresses (never host pointers)
 * and return bytes or -errno. Library code never sets errno.
 */
#ifndef PINIO_SIM_H
#define PINIO_SIM_H

#include <pinio/compiler.h>
#include <sys/types.h>
#include <sys/uio.h>

/* ---- boot ---------------------------------------------------------- */

enum sim_profile {
	SIM_PROFILE_V6_5 = 0,	/* the series and its follow-ups, as merged */
	SIM_PROFILE_V6_4,	/* before the series: FOLL_GET, BIO_NO_PAGE_REF */
	SIM_PROFILE_V21,	/* the v21 series as posted: PINNED + REFFED */
};

struct sim_config {
	size_t mem_bytes;		/* 0: default 256 MiB */
	unsigned int nr_zero_pages;	/* colours: 0 or 1 = one zero page; 8; up to 128 */
	bool thp;			/* anonymous memory may use 2 MiB folios */
	enum sim_profile profile;
};

#define SIM_DEFAULT_MEM_BYTES	(256UL << 20)
#define SIM_MAX_ZERO_PAGES	128

/**
 * sim_boot() - boot the simulated machine.
 * @cfg: configuration, or NULL for all defaults.
 *
 * Maps physical memory, builds the memmap and the buddy allocator, reserves
 * the zero pages (and the huge zero folio when @cfg->thp), and creates task 1,
 * which becomes current for the calling host thread.
 *
 * Return: 0, -EINVAL for a bad config, -EBUSY if already booted, -ENOMEM.
 */
int sim_boot(const struct sim_config *cfg);

/**
 * sim_shutdown() - exit every task, tear the machine down and report leaks.
 *
 * Return: the number of leaked objects (folios still allocated, pins still
 * outstanding, bios, ...), each printed with its owner; 0 when clean.
 */
long sim_shutdown(void);

bool sim_booted(void);
const struct sim_config *sim_get_config(void);
enum sim_profile sim_profile(void);

/* ---- tasks: current is per host thread ------------------------------ */

struct task_struct;
struct mm_struct;

struct task_struct *sim_task_create(void);
/* A task sharing @t's mm (CLONE_VM), for multi-threaded tests. */
struct task_struct *sim_thread_create(struct task_struct *t);
void sim_task_switch(struct task_struct *t);
struct task_struct *sim_current(void);
struct task_struct *sim_fork(void);		/* child of current, or ERR_PTR */
void sim_task_exit(struct task_struct *t);
int sim_task_pid(const struct task_struct *t);

/* ---- memory of current (host PROT_ / MAP_ / MADV_ values) ----------- */

unsigned long sim_mmap(unsigned long addr, size_t len, int prot, int flags,
		       int fd, off_t off);	/* address, or -errno (IS_ERR_VALUE) */
int sim_munmap(unsigned long addr, size_t len);
int sim_mprotect(unsigned long addr, size_t len, int prot);
int sim_madvise(unsigned long addr, size_t len, int advice);
ssize_t sim_user_read(unsigned long addr, void *buf, size_t len);
ssize_t sim_user_write(unsigned long addr, const void *buf, size_t len);
/* Fill [addr, addr+len) with byte @c through the page tables (faults). */
ssize_t sim_user_memset(unsigned long addr, int c, size_t len);

/* ---- observing ------------------------------------------------------ */

/**
 * sim_vmstat() - read a counter by its /proc/vmstat name.
 * @name: "nr_foll_pin_acquired", "nr_foll_pin_released", "pgfault", ...
 *
 * Return: the counter's value; 0 for an unknown name.
 */
unsigned long sim_vmstat(const char *name);

/* Visit every counter: name and value. */
void sim_vmstat_foreach(void (*fn)(const char *name, unsigned long val, void *arg), void *arg);

/**
 * sim_check() - run every invariant now.
 *
 * Return: the number of violations found; each is printed with the page,
 * its owner and the last events recorded on it.
 */
long sim_check(void);

/*
 * The leak ledger: what the test runner compares before and after every
 * case. All counts are of live objects; a case must leave them as it found
 * them.
 */
struct sim_ledger {
	long live_folios;	/* folios allocated from the buddy allocator */
	long pins;		/* outstanding FOLL_PIN pins on non-zero folios */
	long zero_refs;		/* sum of _refcount over all zero pages + huge zero */
	long zero_pins;		/* _pincount of the huge zero folio */
	long live_bios;		/* bios allocated and not yet freed */
	long live_mms;		/* mm_structs alive */
	long violations;	/* invariant/DMA violations reported so far */
};
void sim_ledger_read(struct sim_ledger *l);

/* Physical memory facts, for tests and tools. */
unsigned long sim_nr_frames(void);
unsigned long sim_nr_free_frames(void);

#endif /* PINIO_SIM_H */
