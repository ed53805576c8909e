// SPDX-License-Identifier: GPL-2.0
/*
 * sim/scenario.c - the registry of regression scenarios (scenarios.md §6)
 * and the narration and checking a scenario run is made of.
 *
 * No kernel twin: this is the simulation's own demonstration harness,
 * shared by `pinio scenario` and tests/scenario_test.c. The scenarios
 * themselves live in sim/scenarios/rNN_*.c, one file each; this file lists
 * them, runs one in a context (boot checks, WARN accounting, leak check,
 * fault-injection reset) and prints the narration: numbered steps, counters
 * before and after, expectations with PASS or FAIL, and a verdict.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pinio/bug.h>
#include <pinio/fault-inject.h>
#include <pinio/scenario.h>

#include "sim/scenarios/scen.h"

#define SIMFS "simfs"

static const struct sim_scenario scenarios[] = {
	{ "R01", "zero-page pin storm", NULL,
	  "B1: pins add 1024 to a 31-bit count, so 2^21 zero-page pins overflowed it",
	  scen_r01_zero_page_pin_storm },
	{ "R02", "coloured zero pages", NULL,
	  "B1 (Linus): MIPS/s390 have several zero pages; all must be recognised",
	  scen_r02_coloured_zero_pages },
	{ "R03", "near-overflow refuses cleanly", NULL,
	  "B2, CVE-2019-11487: a refcount near INT_MAX must refuse, not wrap",
	  scen_r03_near_overflow },
	{ "R04", "refcount_t saturation", NULL,
	  "refcount_t saturates at 0xc0000000 instead of wrapping or freeing",
	  scen_r04_refcount_saturation },
	{ "R05", "vmsplice in child", NULL,
	  "B3, CVE-2020-29374: a R/O pin after fork must not see the other side's writes",
	  scen_r05_vmsplice_in_child },
	{ "R06", "R/O long-term pin on a shared page", NULL,
	  "cow.c: a R/O long-term pin must unshare, so it sees later writes",
	  scen_r06_ro_longterm_pin },
	{ "R07", "fork during in-flight DIO read", NULL,
	  "DIO vs fork: the device's data must land in the parent, not the child",
	  scen_r07_fork_during_dio },
	{ "R08", "dirty-COW race", NULL,
	  "B4, CVE-2016-5195: a forced write pin must never reach the page cache",
	  scen_r08_dirty_cow },
	{ "R09", "splice-DIO vs truncate", NULL,
	  "B6, syzbot: ITER_PIPE revert freed pages still under DMA",
	  scen_r09_splice_dio_truncate },
	{ "R10", "truncate while a page-cache page is pinned", NULL,
	  "a truncated, pinned page-cache page is orphaned and freed once",
	  scen_r10_truncate_pinned },
	{ "R11", "writeback vs pin", NULL,
	  "B5, the GUP problem: writeback of a page pinned for DMA",
	  scen_r11_writeback_vs_pin },
	{ "R12", "same-page merge", NULL,
	  "B7, 5905afc2c7bb: merging into the last bvec of a page leaked a pin",
	  scen_r12_same_page_merge },
	{ "R13", "unaligned span", NULL,
	  "B8, 38b43539d64b: an unaligned buffer spans one more page than len/4096",
	  scen_r13_unaligned_span },
	{ "R14", "large-folio coalescing and tail pages", NULL,
	  "B10/B14: pins of tail pages are charged to, and released from, one folio",
	  scen_r14_large_folio_tail },
	{ "R15", "zero-length segments", NULL,
	  "B9, f741bd7178c9: a zero-length first segment made extraction return 0",
	  scen_r15_zero_length_segments },
	{ "R16", "kernel iterators are not pinned", NULL,
	  "the series, patches 3-5: BVEC/KVEC I/O takes neither pin nor reference",
	  scen_r16_kernel_iterators },
	{ "R17", "mode mixing", NULL,
	  "hch in the series: a bio's pages are all pinned or all unreferenced",
	  scen_r17_mode_mixing },
	{ "R18", "partial pin", NULL,
	  "B13, 17d51b10d777: a short pin must give a short I/O, not a silent fallback",
	  scen_r18_partial_pin },
	{ "R19", "allocation failure after pinning", NULL,
	  "B11/B15: an allocation failing after the pins were taken leaked them",
	  scen_r19_alloc_failure },
	{ "R20", "error-path arrays", NULL,
	  "B12: unpin_user_pages() of an array with NULL holes, or a negative count",
	  scen_r20_error_path_arrays },
	{ "R21", "device error and partial completion", NULL,
	  "F5/F6: a device that moves k bytes and fails; pins and result",
	  scen_r21_partial_completion },
	{ "R22", "double unpin", NULL,
	  "unpinning twice, or a page never pinned, is reported and changes nothing",
	  scen_r22_double_unpin },
	{ "R23", "long-term R/W pin plus fork", NULL,
	  "cow.c io_uring: a registered buffer stays the parent's after fork",
	  scen_r23_longterm_pin_fork },
	{ "R24", "DIO read dirties the destination", NULL,
	  "B5: a DIO read into a MAP_SHARED file page must dirty it",
	  scen_r24_dio_read_dirties },
	{ "R25", "close and exit release everything", NULL,
	  "gup_test release: close and exit drop every pin, after in-flight I/O ends",
	  scen_r25_close_exit_release },
};

/**
 * sim_scenario_table() - every built-in scenario, R01 to R25 in order.
 * @nr: receives the number of entries; may be NULL.
 *
 * Return: the static table (never NULL).
 */
const struct sim_scenario *sim_scenario_table(size_t *nr)
{
	if (nr)
		*nr = ARRAY_SIZE(scenarios);
	return scenarios;
}

/* Compare names ignoring case, with '-', '_' and ' ' equal. */
static bool scen_name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = (char)tolower((unsigned char)*a), y = (char)tolower((unsigned char)*b);

		if (x == '_' || x == ' ')
			x = '-';
		if (y == '_' || y == ' ')
			y = '-';
		if (x != y)
			return false;
	}
	return !*a && !*b;
}

/**
 * sim_scenario_find() - look a scenario up by id or by name.
 * @name: an id with or without its R and leading zeroes ("R01", "r01",
 *	"1"), or the scenario's name compared without case and with '-',
 *	'_' and ' ' treated as the same character.
 *
 * Anything that parses as a whole number (after an optional R) is taken
 * as an id, never as a name.
 *
 * Return: the scenario, or NULL if none matches (or @name is NULL or
 * empty).
 */
const struct sim_scenario *sim_scenario_find(const char *name)
{
	size_t i;
	char *end;
	long n;

	if (!name || !*name)
		return NULL;
	n = strtol(name + (toupper((unsigned char)name[0]) == 'R'), &end, 10);
	if (!*end && end != name + (toupper((unsigned char)name[0]) == 'R')) {
		for (i = 0; i < ARRAY_SIZE(scenarios); i++)
			if (strtol(scenarios[i].id + 1, NULL, 10) == n)
				return &scenarios[i];
		return NULL;
	}
	for (i = 0; i < ARRAY_SIZE(scenarios); i++)
		if (scen_name_eq(name, scenarios[i].name))
			return &scenarios[i];
	return NULL;
}

/**
 * sim_profile_name() - the short printable name of a profile.
 * @p: the profile.
 *
 * Return: "v6.5", "v6.4" or "v21"; "?" for a value outside the enum.
 */
const char *sim_profile_name(enum sim_profile p)
{
	switch (p) {
	case SIM_PROFILE_V6_5:
		return "v6.5";
	case SIM_PROFILE_V6_4:
		return "v6.4";
	case SIM_PROFILE_V21:
		return "v21";
	}
	return "?";
}

/**
 * sim_profile_parse() - parse a profile name given on a command line.
 * @s: "v6.5", "v6.4" or "v21", the leading v optional and either case.
 * @p: receives the profile; unchanged on error.
 *
 * Return: 0, or -EINVAL if @s is NULL or no profile's name.
 */
int sim_profile_parse(const char *s, enum sim_profile *p)
{
	if (!s)
		return -EINVAL;
	if (*s == 'v' || *s == 'V')
		s++;
	if (!strcmp(s, "6.5"))
		*p = SIM_PROFILE_V6_5;
	else if (!strcmp(s, "6.4"))
		*p = SIM_PROFILE_V6_4;
	else if (!strcmp(s, "21"))
		*p = SIM_PROFILE_V21;
	else
		return -EINVAL;
	return 0;
}

/**
 * sim_scenario_ctx_init() - prepare a context for sim_scenario_run().
 * @ctx: the context; every field is cleared first.
 * @profile: the kernel profile each scenario boots with.
 * @out: where the narration goes, or NULL for none.
 *
 * The caller may set ->quiet and the hooks afterwards.
 */
void sim_scenario_ctx_init(struct sim_scenario_ctx *ctx, enum sim_profile profile, FILE *out)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->profile = profile;
	ctx->out = out;
}

/* ---- narration ------------------------------------------------------- */

static void scen_vprint(struct sim_scenario_ctx *ctx, const char *prefix, const char *fmt,
			va_list ap)
{
	if (!ctx->out)
		return;
	fputs(prefix, ctx->out);
	vfprintf(ctx->out, fmt, ap);
	fputc('\n', ctx->out);
}

/* In quiet mode, show the step a failure belongs to, once. */
static void scen_show_step(struct sim_scenario_ctx *ctx)
{
	if (!ctx->out || ctx->step_shown || !ctx->step)
		return;
	fprintf(ctx->out, "  [%u] %s\n", ctx->step, ctx->step_text);
	ctx->step_shown = true;
}

/**
 * scen_step() - start the next numbered step of a scenario.
 * @ctx: the running scenario.
 * @fmt: printf format of the step's text (kept up to 159 bytes).
 *
 * Prints "[n] text" unless the context is quiet; in quiet mode the step is
 * printed later, once, if an expectation under it fails. Calls ->on_step
 * with the number and text when set.
 */
void scen_step(struct sim_scenario_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	ctx->step++;
	va_start(ap, fmt);
	vsnprintf(ctx->step_text, sizeof(ctx->step_text), fmt, ap);
	va_end(ap);
	ctx->step_shown = false;
	if (!ctx->quiet)
		scen_show_step(ctx);
	if (ctx->on_step)
		ctx->on_step(ctx, ctx->step, ctx->step_text);
}

/**
 * scen_note() - print an explanatory line under the current step.
 * @ctx: the running scenario.
 * @fmt: printf format of the line.
 *
 * Nothing is printed in quiet mode or without an output stream.
 */
void scen_note(struct sim_scenario_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->quiet)
		return;
	va_start(ap, fmt);
	scen_vprint(ctx, "      ", fmt, ap);
	va_end(ap);
}

/**
 * scen_counter() - record a named counter and print how it changed.
 * @ctx: the running scenario.
 * @name: the counter's name (kept up to SCEN_COUNTER_NAME - 1 bytes).
 * @value: its value now.
 *
 * The first call for @name prints the name and value; each later call
 * prints "before -> after" with the difference, or "(unchanged)". Only
 * SCEN_MAX_COUNTERS names are remembered: beyond that a new name is
 * printed as a first call every time and scen_counter_last() answers 0
 * for it. Nothing is printed in quiet mode, but the value is recorded.
 */
void scen_counter(struct sim_scenario_ctx *ctx, const char *name, long value)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_counters; i++)
		if (!strcmp(ctx->counters[i].name, name))
			break;
	if (i == ctx->nr_counters) {
		if (i < SCEN_MAX_COUNTERS) {
			snprintf(ctx->counters[i].name, SCEN_COUNTER_NAME, "%s", name);
			ctx->counters[i].value = value;
			ctx->nr_counters++;
		}
		if (ctx->out && !ctx->quiet)
			fprintf(ctx->out, "        %-28s %ld\n", name, value);
		return;
	}
	if (ctx->out && !ctx->quiet) {
		long before = ctx->counters[i].value;

		if (value == before)
			fprintf(ctx->out, "        %-28s %ld -> %ld  (unchanged)\n", name, before,
				value);
		else
			fprintf(ctx->out, "        %-28s %ld -> %ld  (%+ld)\n", name, before, value,
				value - before);
	}
	ctx->counters[i].value = value;
}

/**
 * scen_counter_last() - the value scen_counter() last recorded for a name.
 * @ctx: the running scenario.
 * @name: the counter's name.
 *
 * Return: that value, or 0 if @name was never recorded.
 */
long scen_counter_last(const struct sim_scenario_ctx *ctx, const char *name)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_counters; i++)
		if (!strcmp(ctx->counters[i].name, name))
			return ctx->counters[i].value;
	return 0;
}

static void scen_record(struct sim_scenario_ctx *ctx, bool ok, const char *text)
{
	ctx->checks++;
	if (!ok) {
		ctx->failed++;
		if (!ctx->reason[0])
			snprintf(ctx->reason, sizeof(ctx->reason), "[%u] %s", ctx->step, text);
		scen_show_step(ctx);
	}
	if (ctx->out && (!ok || !ctx->quiet))
		fprintf(ctx->out, "    %s %s\n", ok ? "PASS" : "FAIL", text);
}

/**
 * scen_expect() - check one expectation of a scenario.
 * @ctx: the running scenario.
 * @cond: whether it holds.
 * @fmt: printf format of what is expected (kept up to 255 bytes).
 *
 * Counts the check and prints "PASS text" (unless quiet) or "FAIL text"
 * (always, with its step). The first failure becomes ctx->reason; any
 * failure makes the scenario fail.
 *
 * Return: @cond, so a scenario can stop early on a failure.
 */
bool scen_expect(struct sim_scenario_ctx *ctx, bool cond, const char *fmt, ...)
{
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	scen_record(ctx, cond, text);
	return cond;
}

/**
 * scen_expect_eq() - check that a value is what the scenario expects.
 * @ctx: the running scenario.
 * @got: the value observed.
 * @want: the value expected.
 * @fmt: printf format of what is compared.
 *
 * As scen_expect(), with the value appended to the text: "(got G,
 * expected W)" on a mismatch, "(G)" on a match.
 *
 * Return: true if @got == @want.
 */
bool scen_expect_eq(struct sim_scenario_ctx *ctx, long got, long want, const char *fmt, ...)
{
	char text[256];
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	n = strlen(text);
	if (got != want)
		snprintf(text + n, sizeof(text) - n, " (got %ld, expected %ld)", got, want);
	else
		snprintf(text + n, sizeof(text) - n, " (%ld)", got);
	scen_record(ctx, got == want, text);
	return got == want;
}

/**
 * scen_skip() - give the reason a scenario cannot run here.
 * @ctx: the running scenario.
 * @fmt: printf format of the reason, stored in ctx->reason.
 *
 * Used as "return scen_skip(ctx, ...)" from a scenario body.
 *
 * Return: SIM_SCENARIO_SKIP.
 */
int scen_skip(struct sim_scenario_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->reason, sizeof(ctx->reason), fmt, ap);
	va_end(ap);
	return SIM_SCENARIO_SKIP;
}

/* ---- the machine ------------------------------------------------------ */

/**
 * scen_boot() - boot the machine for a scenario, as a numbered step.
 * @ctx: the running scenario; its profile overrides @cfg->profile.
 * @cfg: the configuration, or NULL for 64 MiB, one zero page, no THP.
 *
 * Narrates the step, boots, and records the violation count so that
 * scen_shutdown() checks only the violations of this run. A boot failure
 * is recorded as a failed expectation.
 *
 * Return: 0, or sim_boot()'s -errno.
 */
int scen_boot(struct sim_scenario_ctx *ctx, const struct sim_config *cfg)
{
	struct sim_config c = { .mem_bytes = 64UL << 20 };
	struct sim_ledger l;
	int err;

	if (cfg)
		c = *cfg;
	c.profile = ctx->profile;
	scen_step(ctx, "boot: %zu MiB, %u zero page%s, THP %s, profile %s", c.mem_bytes >> 20,
		  c.nr_zero_pages ? c.nr_zero_pages : 1, c.nr_zero_pages > 1 ? "s" : "",
		  c.thp ? "on" : "off", sim_profile_name(c.profile));
	err = sim_boot(&c);
	if (err) {
		scen_expect(ctx, false, "sim_boot() = %d", err);
		return err;
	}
	sim_ledger_read(&l);
	ctx->violations_base = l.violations;
	return 0;
}

/**
 * scen_expect_violations() - announce violations the scenario will cause.
 * @ctx: the running scenario.
 * @n: how many more reported invariant violations to expect.
 *
 * Adds up over calls; scen_shutdown() expects exactly the total.
 */
void scen_expect_violations(struct sim_scenario_ctx *ctx, long n)
{
	ctx->violations_expected += n;
}

/**
 * scen_shutdown() - check the machine and shut it down, as the last step.
 * @ctx: the running scenario.
 *
 * Expects sim_check() to find nothing, exactly the violations announced
 * with scen_expect_violations(), and no pin outstanding; then calls
 * ->before_shutdown (when set), shuts down and expects no leaked object.
 * Does nothing if the machine is not booted.
 */
void scen_shutdown(struct sim_scenario_ctx *ctx)
{
	struct sim_ledger l;
	long leaks;

	if (!sim_booted())
		return;
	scen_step(ctx, "check the invariants and shut down");
	scen_expect_eq(ctx, sim_check(), 0, "sim_check(): no invariant violated");
	sim_ledger_read(&l);
	scen_expect_eq(ctx, l.violations - ctx->violations_base, ctx->violations_expected,
		       "violations reported during the run");
	scen_expect_eq(ctx, l.pins, 0, "no pin outstanding");
	if (ctx->before_shutdown)
		ctx->before_shutdown(ctx);
	leaks = sim_shutdown();
	ctx->leaks += leaks;
	scen_expect_eq(ctx, leaks, 0, "sim_shutdown(): leaked objects");
}

/**
 * scen_warn_begin() - start a region whose WARNs the scenario expects.
 * @ctx: the running scenario.
 *
 * WARNs raised until the matching scen_warn_end() are counted but not
 * printed.
 * Regions may nest for the quieting, but each begin restarts the count,
 * so an outer region's end counts only from the innermost begin. Use
 * SCEN_EXPECT_WARN() rather than the pair directly.
 */
void scen_warn_begin(struct sim_scenario_ctx *ctx)
{
	if (ctx->warn_depth++ == 0)
		pinio_warn_quiet(true);
	ctx->warn_base = pinio_warnings();
}

/**
 * scen_warn_end() - end a region opened by scen_warn_begin().
 * @ctx: the running scenario.
 * @what: what should have warned, for the expectation's text.
 *
 * Expects at least one WARN since the begin and adds them to
 * ctx->warnings, so sim_scenario_run() does not count them as unexpected.
 *
 * Return: the number of WARNs raised in the region.
 */
unsigned long scen_warn_end(struct sim_scenario_ctx *ctx, const char *what)
{
	unsigned long fired = pinio_warnings() - ctx->warn_base;

	if (--ctx->warn_depth == 0)
		pinio_warn_quiet(false);
	ctx->warnings += fired;
	scen_expect(ctx, fired > 0, "WARN fired (%lu): %s", fired, what);
	return fired;
}

/* ---- running ----------------------------------------------------------- */

static void scen_header(struct sim_scenario_ctx *ctx, const struct sim_scenario *s)
{
	if (!ctx->out || ctx->quiet)
		return;
	fprintf(ctx->out, "== %s %s (profile %s) ==\n", s->id, s->name,
		sim_profile_name(ctx->profile));
	if (s->bug)
		fprintf(ctx->out, "   %s\n", s->bug);
}

static void scen_verdict(struct sim_scenario_ctx *ctx, const struct sim_scenario *s,
			 enum sim_scenario_status st)
{
	if (!ctx->out)
		return;
	switch (st) {
	case SIM_SCENARIO_SKIP:
		fprintf(ctx->out, "%s %-44s %-5s SKIP (%s)\n", s->id, s->name,
			sim_profile_name(ctx->profile), ctx->reason);
		break;
	case SIM_SCENARIO_PASS:
		fprintf(ctx->out, "%s %-44s %-5s PASS (%u checks)\n", s->id, s->name,
			sim_profile_name(ctx->profile), ctx->checks);
		break;
	case SIM_SCENARIO_FAIL:
		fprintf(ctx->out, "%s %-44s %-5s FAIL (%u of %u checks failed; first: %s)\n",
			s->id, s->name, sim_profile_name(ctx->profile), ctx->failed, ctx->checks,
			ctx->reason);
		break;
	}
	if (!ctx->quiet)
		fputc('\n', ctx->out);
	fflush(ctx->out);
}

enum sim_scenario_status sim_scenario_run(const struct sim_scenario *s,
					  struct sim_scenario_ctx *ctx)
{
	enum sim_scenario_status st;
	unsigned long warn_before, unexpected;
	int ret;

	ctx->scenario = s;
	ctx->checks = ctx->failed = 0;
	ctx->warnings = 0;
	ctx->leaks = 0;
	ctx->reason[0] = '\0';
	ctx->step = 0;
	ctx->step_shown = false;
	ctx->warn_depth = 0;
	ctx->violations_expected = ctx->violations_base = 0;
	ctx->nr_counters = 0;

	if (s->needs || !s->run) {
		snprintf(ctx->reason, sizeof(ctx->reason), "needs %s, not built yet",
			 s->needs ? s->needs : "an implementation");
		scen_verdict(ctx, s, SIM_SCENARIO_SKIP);
		return SIM_SCENARIO_SKIP;
	}
	scen_header(ctx, s);
	if (sim_booted()) {
		scen_expect(ctx, false, "the machine is already booted; a scenario boots its own");
		scen_verdict(ctx, s, SIM_SCENARIO_FAIL);
		return SIM_SCENARIO_FAIL;
	}

	warn_before = pinio_warnings();
	ret = s->run(ctx);
	if (ctx->warn_depth) {
		ctx->warn_depth = 0;
		pinio_warn_quiet(false);
	}
	if (sim_booted()) {
		long leaks = sim_shutdown();

		ctx->leaks += leaks;
		scen_expect(ctx, false, "the scenario left the machine booted (%ld leaks)", leaks);
	}
	unexpected = pinio_warnings() - warn_before - ctx->warnings;
	if (unexpected)
		scen_expect(ctx, false, "%lu unexpected WARN(s), see stderr", unexpected);
	sim_fault_reset();

	if (ret == SIM_SCENARIO_SKIP && !ctx->failed) {
		st = SIM_SCENARIO_SKIP;
	} else {
		if (ret < 0)
			scen_expect(ctx, false, "could not set up: %s", strerror(-ret));
		st = ctx->failed ? SIM_SCENARIO_FAIL : SIM_SCENARIO_PASS;
	}
	scen_verdict(ctx, s, st);
	return st;
}
