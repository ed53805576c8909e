// SPDX-License-Identifier: GPL-2.0
/*
 * lib/bug.c - WARN and BUG reporting.
 *
 * Models the reporting half of the kernel's lib/bug.c and kernel/panic.c
 * (__warn(), report_bug()). A WARN is counted every time it fires so the
 * test runner can tell expected warnings from unexpected ones; it prints
 * once per WARN_ON_ONCE() site, and every time for WARN_ON(). There is no
 * taint, no stack trace and no panic_on_warn. A BUG prints and aborts.
 */
#include <pinio/bug.h>

#include <stdio.h>
#include <stdlib.h>

static unsigned long nr_warnings;
static bool warn_quiet;

/**
 * pinio_warnings() - number of WARNs fired so far in this process.
 *
 * Context: any thread.
 * Return: the count, over all sites, of every time a WARN condition was true.
 */
unsigned long pinio_warnings(void)
{
	return __atomic_load_n(&nr_warnings, __ATOMIC_SEQ_CST);
}

/**
 * pinio_warn_quiet() - stop or resume printing WARNs.
 * @quiet: true to stop printing; warnings are still counted.
 *
 * Used by tests that provoke a warning on purpose (KUNIT_EXPECT_WARN()).
 */
void pinio_warn_quiet(bool quiet)
{
	__atomic_store_n(&warn_quiet, quiet, __ATOMIC_SEQ_CST);
}

/**
 * __pinio_warn() - slow path of WARN_ON() and WARN_ON_ONCE().
 * @file: source file of the WARN site.
 * @line: line of the WARN site.
 * @cond: the condition, as text.
 * @once: the site's once flag (WARN_ON_ONCE), or NULL to print every time.
 *
 * Counts the warning, then prints "WARNING: at FILE:LINE cond" to stderr
 * unless quiet or, for a once site, already printed. A quiet warning does
 * not use up the once flag, so an unexpected one later still shows.
 */
void __pinio_warn(const char *file, int line, const char *cond, bool *once)
{
	__atomic_fetch_add(&nr_warnings, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&warn_quiet, __ATOMIC_SEQ_CST))
		return;
	if (once && __atomic_exchange_n(once, true, __ATOMIC_RELAXED))
		return;
	fprintf(stderr, "WARNING: at %s:%d %s\n", file, line, cond);
	fflush(stderr);
}

/**
 * __pinio_bug() - BUG() and BUG_ON(): report and abort.
 * @file: source file of the BUG site.
 * @line: line of the BUG site.
 * @cond: the condition, as text.
 *
 * Never returns: the state would corrupt data if execution went on.
 */
void __pinio_bug(const char *file, int line, const char *cond)
{
	fflush(stdout);
	fprintf(stderr, "kernel BUG at %s:%d: %s\n", file, line, cond);
	fflush(stderr);
	abort();
}
