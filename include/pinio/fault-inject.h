/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinio/fault-inject.h - deterministic fault injection, after the kernel's
 * lib/fault-inject.c (failslab, fail_page_alloc, fail_make_request) but
 * driven by counts rather than probabilities so that a test can fail the
 * Nth allocation for N = 1 ... total.
 *
 * Every allocation site in the library asks should_fail_alloc(site) first;
 * device faults live with the devices (sim_disk_inject() in sim.h). Knobs
 * are global and reset by sim_fault_reset() (the test runner calls it
 * after every case), which also runs the hooks other layers register.
 */
#ifndef PINIO_FAULT_INJECT_H
#define PINIO_FAULT_INJECT_H

#include <pinio/compiler.h>
#include <stdint.h>

enum fault_site {
	FAULT_PAGE_ALLOC,	/* F1: folio allocation (anon fault, COW copy, cache fill, bounce) */
	FAULT_META_ALLOC,	/* F2: metadata: page arrays, bio, bvec table, pipe buffer, vma, mm */
	FAULT_PGTABLE_ALLOC,	/* page-table page */
	FAULT_USER_COPY,	/* F8: user copy */
	NR_FAULT_SITES,
};

/* Fail the @nth next allocation (1 = the very next) of any site; 0 disables. */
void sim_fail_alloc_after(unsigned long nth);
/* Fail the @nth next allocation at @site only; 0 disables. */
void sim_fail_site_after(enum fault_site site, unsigned long nth);
/* Fail every allocation with probability @permille/1000 from a seeded PRNG. */
void sim_fail_alloc_prob(unsigned int permille, uint64_t seed);
/* Number of allocations (all sites) seen since the last reset. */
unsigned long sim_fault_alloc_count(void);
/* Number of allocations at @site since the last reset; 0 for a bad site. */
unsigned long sim_fault_site_count(enum fault_site site);
/* Number of injected failures since the last reset. */
unsigned long sim_fault_injected(void);
/* Clear every knob and counter, then run every registered reset hook. */
void sim_fault_reset(void);

/**
 * sim_fault_register_reset() - have sim_fault_reset() call @fn too.
 * @fn: clears the knobs of a layer above lib/ (device faults in
 *	drivers/block/), so that lib/ never calls up into it.
 *
 * Registering the same @fn again is a no-op. Hooks run in registration
 * order, on the thread calling sim_fault_reset().
 *
 * Return: 0, -EINVAL for NULL, -ENOSPC when SIM_FAULT_MAX_RESET_HOOKS are
 * registered.
 */
#define SIM_FAULT_MAX_RESET_HOOKS	8
int sim_fault_register_reset(void (*fn)(void));

/**
 * should_fail_alloc() - consult the knobs at an allocation site.
 * @site: which kind of allocation this is.
 *
 * Return: true if this allocation must fail (the caller returns -ENOMEM /
 * NULL exactly as if memory had run out).
 */
bool should_fail_alloc(enum fault_site site);

#endif /* PINIO_FAULT_INJECT_H */
