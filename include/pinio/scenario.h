/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinio/scenario.h - the regression scenarios R01-R25 of scenarios.md §6
 * as narrated, self-checking runs of the simulated machine.
 *
 * No kernel twin. One registry serves both `pinio scenario` and the test
 * suite (tests/scenario_test.c), so the two run the same code. Each
 * scenario boots its own machine with the profile its context names, drives
 * the library's real paths (GUP, iov_iter, bio, the block layer and its
 * DMA engine, O_DIRECT syscalls, the async ring), narrates every step with
 * the counters before and after, checks what scenarios.md expects under
 * that profile, shuts the machine down and counts a leak as a failure.
 *
 * A scenario that needs a layer which is not built yet (simfs: the page
 * cache, iomap and legacy direct I/O, splice) is registered with ->needs
 * set and reported as skipped with the reason.
 */
#ifndef PINIO_SCENARIO_H
#define PINIO_SCENARIO_H

#include <pinio/sim.h>
#include <stdarg.h>
#include <stdio.h>

struct sim_scenario_ctx;

/**
 * struct sim_scenario - one registered scenario.
 * @id: stable id, "R01" .. "R25".
 * @name: short name, "zero-page pin storm".
 * @needs: NULL when runnable; else what must exist first ("simfs").
 * @bug: the bug or property it comes from (scenarios.md), one line.
 * @run: boots, runs, checks and shuts down; returns 0 (the verdict is in
 *	the context), SIM_SCENARIO_SKIP via scen_skip(), or -errno when it
 *	could not set itself up (a failure).
 */
struct sim_scenario {
	const char *id;
	const char *name;
	const char *needs;
	const char *bug;
	int (*run)(struct sim_scenario_ctx *ctx);
};

enum sim_scenario_status {
	SIM_SCENARIO_PASS = 0,
	SIM_SCENARIO_FAIL = 1,
	SIM_SCENARIO_SKIP = 2,
};

#define SCEN_MAX_COUNTERS	24
#define SCEN_COUNTER_NAME	40

/**
 * struct sim_scenario_ctx - one run of one scenario.
 * @profile: the behaviour profile to boot (caller).
 * @out: where the narration goes; NULL for none (caller).
 * @quiet: narrate only failed expectations and the verdict (caller).
 * @before_shutdown: called by scen_shutdown() just before the machine goes
 *	down, with everything the scenario did still recorded (pinio trace
 *	copies the page-event records here); may be NULL (caller).
 * @on_step: called by scen_step() with the step's number and text, after
 *	it is printed (pinio trace marks the steps on its time axis); may be
 *	NULL (caller).
 * @hook_arg: for @before_shutdown and @on_step (caller).
 *
 * The rest is filled in by the run: @scenario, @checks and @failed
 * (expectations made and failed), @warnings (WARNs the scenario expected
 * and saw), @leaks (sim_shutdown()'s count), @reason (the skip reason, or
 * the first failed expectation).
 */
struct sim_scenario_ctx {
	enum sim_profile profile;
	FILE *out;
	bool quiet;
	void (*before_shutdown)(struct sim_scenario_ctx *ctx);
	void (*on_step)(struct sim_scenario_ctx *ctx, unsigned int step, const char *text);
	void *hook_arg;

	const struct sim_scenario *scenario;
	unsigned int checks;
	unsigned int failed;
	unsigned long warnings;
	long leaks;
	char reason[200];

	/* private: */
	unsigned int step;
	char step_text[160];
	bool step_shown;
	unsigned long warn_base;
	long violations_expected;
	long violations_base;
	int warn_depth;
	unsigned int nr_counters;
	struct {
		char name[SCEN_COUNTER_NAME];
		long value;
	} counters[SCEN_MAX_COUNTERS];
};

/* ---- the registry ----------------------------------------------------- */

/* Every scenario, R01..R25 in order; *@nr gets the count. */
const struct sim_scenario *sim_scenario_table(size_t *nr);

/*
 * sim_scenario_find() - a scenario by id ("R01", "r01", "1") or by name
 * ("zero-page pin storm", case-insensitive, '-', '_' and ' ' alike).
 * Return: the scenario, or NULL.
 */
const struct sim_scenario *sim_scenario_find(const char *name);

/* A context for @profile narrating to @out (NULL: silent). */
void sim_scenario_ctx_init(struct sim_scenario_ctx *ctx, enum sim_profile profile, FILE *out);

/**
 * sim_scenario_run() - run @s once in @ctx.
 *
 * Skips (with ctx->reason) a scenario whose ->needs is set. Otherwise runs
 * it: the machine must not be booted before, and is not after - one left
 * up is shut down and counted as a failure. A WARN the scenario did not
 * announce with SCEN_EXPECT_WARN(), or a leak, fails it. Fault injection
 * is reset afterwards. Prints a header and a verdict line to ctx->out.
 *
 * Return: SIM_SCENARIO_PASS, _FAIL or _SKIP.
 */
enum sim_scenario_status sim_scenario_run(const struct sim_scenario *s,
					  struct sim_scenario_ctx *ctx);

/* "v6.5", "v6.4", "v21". */
const char *sim_profile_name(enum sim_profile p);
/* Parse "v6.5"/"6.5", "v6.4"/"6.4", "v21"/"21": 0 or -EINVAL. */
int sim_profile_parse(const char *s, enum sim_profile *p);

/* ---- narration, for the scenarios ----------------------------------- */

/* A numbered step: "[3] pin 3*2^21 zero-page PTEs". */
void scen_step(struct sim_scenario_ctx *ctx, const char *fmt, ...) __printf(2, 3);
/* An explanatory line under the current step. */
void scen_note(struct sim_scenario_ctx *ctx, const char *fmt, ...) __printf(2, 3);
/*
 * A counter by name: the first call prints "name  value"; each later call
 * with the same name prints "name  before -> after  (+delta)", or
 * "(unchanged)".
 */
void scen_counter(struct sim_scenario_ctx *ctx, const char *name, long value);
/* The last value scen_counter() recorded for @name (0 if none). */
long scen_counter_last(const struct sim_scenario_ctx *ctx, const char *name);
/* An expectation: prints PASS or FAIL and the text; returns @cond. */
bool scen_expect(struct sim_scenario_ctx *ctx, bool cond, const char *fmt, ...) __printf(3, 4);
/* As scen_expect() for @got == @want, printing both values on failure. */
bool scen_expect_eq(struct sim_scenario_ctx *ctx, long got, long want, const char *fmt, ...)
	__printf(4, 5);

/* Skip the scenario with a reason: `return scen_skip(ctx, "...")`. */
int scen_skip(struct sim_scenario_ctx *ctx, const char *fmt, ...) __printf(2, 3);

/*
 * Boot the scenario's machine: @cfg with ctx->profile (NULL: 64 MiB, one
 * zero page, no THP). 0, or -errno (counted as a failed expectation).
 */
int scen_boot(struct sim_scenario_ctx *ctx, const struct sim_config *cfg);
/*
 * Check the invariants (sim_check() == 0 and exactly the expected
 * violations), call ctx->before_shutdown, shut down and expect no leaks.
 */
void scen_shutdown(struct sim_scenario_ctx *ctx);
/* The scenario will cause @n invariant violations (reported ones). */
void scen_expect_violations(struct sim_scenario_ctx *ctx, long n);

/* WARNs: quiet and counted between begin and end; end expects at least one. */
void scen_warn_begin(struct sim_scenario_ctx *ctx);
unsigned long scen_warn_end(struct sim_scenario_ctx *ctx, const char *what);

/* Run @stmt, which must raise at least one WARN (announced, not printed). */
#define SCEN_EXPECT_WARN(ctx, what, ...) do {				\
	scen_warn_begin(ctx);						\
	__VA_ARGS__;							\
	scen_warn_end(ctx, what);					\
} while (0)

#endif /* PINIO_SCENARIO_H */
