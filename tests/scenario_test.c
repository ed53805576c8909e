// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the scenario registry (sim/scenario.c, sim/scenarios/):
 * every regression scenario R01-R25 of scenarios.md §6 run under each
 * behaviour profile through the same sim_scenario_run() that `pinio
 * scenario` uses, plus the registry's lookups and the narration format.
 *
 * The runner boots nothing for this suite: each scenario boots its own
 * machine and shuts it down, and a leak, a WARN it did not announce or a
 * machine left booted is a failure. Narration goes to a memory stream and
 * is printed only when a scenario fails. A scenario that needs a layer not
 * built yet (simfs) must be skipped, with the reason.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pinio/scenario.h>

#include "kunit/test.h"
#include "suites.h"

/* ---- every scenario under every profile ------------------------------ */

struct scenario_param {
	const struct sim_scenario *s;
	enum sim_profile profile;
};

static const enum sim_profile scenario_profiles[] = {
	SIM_PROFILE_V6_5, SIM_PROFILE_V6_4, SIM_PROFILE_V21,
};

#define SCENARIO_MAX_PARAMS	(32 * ARRAY_SIZE(scenario_profiles))

static struct scenario_param scenario_params[SCENARIO_MAX_PARAMS];
static size_t scenario_nr_params;

/* Scenario by scenario, each under every profile. */
static const void *scenario_gen_params(const void *prev, char *desc)
{
	const struct scenario_param *p = prev;
	size_t i;

	if (!scenario_nr_params) {
		size_t nr, j, k;
		const struct sim_scenario *t = sim_scenario_table(&nr);

		for (j = 0; j < nr; j++)
			for (k = 0; k < ARRAY_SIZE(scenario_profiles); k++)
				if (scenario_nr_params < SCENARIO_MAX_PARAMS)
					scenario_params[scenario_nr_params++] =
						(struct scenario_param){ &t[j], scenario_profiles[k] };
	}
	i = p ? (size_t)(p - scenario_params) + 1 : 0;
	if (i >= scenario_nr_params)
		return NULL;
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s %s [%s]", scenario_params[i].s->id,
		 scenario_params[i].s->name, sim_profile_name(scenario_params[i].profile));
	return &scenario_params[i];
}

/* Print a failed run's narration into the case's diagnostics, line by line. */
static void scenario_dump(struct kunit *test, char *text)
{
	char *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		kunit_info(test, "%s", line);
}

/*
 * Run one registered scenario under one profile, narration captured.
 * Expect PASS with at least one check, no failed check and no leak for a
 * runnable scenario; a skip, with "needs simfs" as the reason, for one
 * registered with ->needs. The WARNs a scenario announced (the v6.4
 * overflow refusals, refcount_t saturation) are the expected ones.
 */
static void scenario_runs_clean(struct kunit *test)
{
	const struct scenario_param *p = test->param_value;
	struct sim_scenario_ctx ctx;
	enum sim_scenario_status st;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	KUNIT_ASSERT_NOT_NULL(test, out);
	sim_scenario_ctx_init(&ctx, p->profile, out);
	st = sim_scenario_run(p->s, &ctx);
	fclose(out);
	kunit_expect_warnings(test, ctx.warnings);
	KUNIT_EXPECT_FALSE(test, sim_booted());

	if (st == SIM_SCENARIO_SKIP) {
		char reason[sizeof(ctx.reason)];

		free(text);
		snprintf(reason, sizeof(reason), "%s", ctx.reason);
		KUNIT_EXPECT_NOT_NULL_MSG(test, p->s->needs, "%s skipped: %s", p->s->id, reason);
		KUNIT_EXPECT_NOT_NULL(test, strstr(reason, "needs simfs"));
		kunit_skip(test, "%s", reason);
	}
	KUNIT_EXPECT_NULL_MSG(test, p->s->needs, "%s ran although it needs %s", p->s->id,
			      p->s->needs);
	if (st != SIM_SCENARIO_PASS)
		scenario_dump(test, text);
	KUNIT_EXPECT_EQ_MSG(test, st, SIM_SCENARIO_PASS, "%s", ctx.reason);
	KUNIT_EXPECT_EQ(test, ctx.failed, 0U);
	KUNIT_EXPECT_GT(test, ctx.checks, 0U);
	KUNIT_EXPECT_EQ(test, ctx.leaks, 0L);
	free(text);
}

/* ---- the registry ------------------------------------------------------- */

/*
 * The table: R01..R25 in order, each once, named, with a bug line; a
 * scenario has a run function exactly when it needs nothing.
 * Expect exactly that, and every scenario runnable now that simfs exists.
 */
static void scenario_registry_complete(struct kunit *test)
{
	size_t nr, i;
	const struct sim_scenario *t = sim_scenario_table(&nr);

	KUNIT_ASSERT_EQ(test, nr, 25UL);
	for (i = 0; i < nr; i++) {
		char id[24];

		snprintf(id, sizeof(id), "R%02zu", i + 1);
		KUNIT_EXPECT_STREQ(test, t[i].id, id);
		KUNIT_EXPECT_TRUE(test, t[i].name && *t[i].name);
		KUNIT_EXPECT_TRUE(test, t[i].bug && *t[i].bug);
		KUNIT_EXPECT_EQ_MSG(test, !t[i].run, !!t[i].needs, "%s", t[i].id);
	}
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_NULL_MSG(test, t[i].needs, "%s needs %s", t[i].id, t[i].needs);
}

/*
 * sim_scenario_find(): by id in any case, by number, by name with '-',
 * '_' and ' ' alike; NULL for unknown, empty and NULL names.
 */
static void scenario_find_by_id_and_name(struct kunit *test)
{
	const struct sim_scenario *t = sim_scenario_table(NULL);

	KUNIT_EXPECT_PTR_EQ(test, sim_scenario_find("R01"), &t[0]);
	KUNIT_EXPECT_PTR_EQ(test, sim_scenario_find("r01"), &t[0]);
	KUNIT_EXPECT_PTR_EQ(test, sim_scenario_find("1"), &t[0]);
	KUNIT_EXPECT_PTR_EQ(test, sim_scenario_find("R25"), &t[24]);
	KUNIT_EXPECT_PTR_EQ(test, sim_scenario_find("zero-page pin storm"), &t[0]);
	KUNIT_EXPECT_PTR_EQ(test, sim_scenario_find("Zero_Page PIN-storm"), &t[0]);
	KUNIT_EXPECT_PTR_EQ(test, sim_scenario_find("same-page merge"), &t[11]);
	KUNIT_EXPECT_NULL(test, sim_scenario_find("R26"));
	KUNIT_EXPECT_NULL(test, sim_scenario_find("R0"));
	KUNIT_EXPECT_NULL(test, sim_scenario_find("R01x"));
	KUNIT_EXPECT_NULL(test, sim_scenario_find("zero-page"));
	KUNIT_EXPECT_NULL(test, sim_scenario_find(""));
	KUNIT_EXPECT_NULL(test, sim_scenario_find(NULL));
}

/* Profile names round-trip; unknown names are -EINVAL. */
static void scenario_profile_names(struct kunit *test)
{
	enum sim_profile p = SIM_PROFILE_V6_5;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(scenario_profiles); i++) {
		KUNIT_EXPECT_EQ(test, sim_profile_parse(sim_profile_name(scenario_profiles[i]), &p),
				0);
		KUNIT_EXPECT_EQ(test, p, scenario_profiles[i]);
	}
	KUNIT_EXPECT_EQ(test, sim_profile_parse("6.4", &p), 0);
	KUNIT_EXPECT_EQ(test, p, SIM_PROFILE_V6_4);
	KUNIT_EXPECT_EQ(test, sim_profile_parse("v6.6", &p), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_profile_parse("", &p), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_profile_parse(NULL, &p), -EINVAL);
}

/* Run @id under v6.5 into a string (caller frees); the status in *@st. */
static char *scenario_capture(struct kunit *test, const char *id, bool quiet,
			      enum sim_scenario_status *st, struct sim_scenario_ctx *ctx)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	KUNIT_ASSERT_NOT_NULL(test, out);
	sim_scenario_ctx_init(ctx, SIM_PROFILE_V6_5, out);
	ctx->quiet = quiet;
	*st = sim_scenario_run(sim_scenario_find(id), ctx);
	fclose(out);
	kunit_expect_warnings(test, ctx->warnings);
	return text;
}

/*
 * The narration of R20 (4 steps, WARNs announced): a header, numbered
 * steps, counters printed once and then as "before -> after", PASS lines
 * and a verdict. Quiet: the verdict line alone.
 * Expect each element, and exactly one line when quiet.
 */
static void scenario_narration_format(struct kunit *test)
{
	struct sim_scenario_ctx ctx;
	enum sim_scenario_status st;
	char *text = scenario_capture(test, "R20", false, &st, &ctx);

	KUNIT_EXPECT_EQ(test, st, SIM_SCENARIO_PASS);
	KUNIT_EXPECT_TRUE(test, !strncmp(text, "== R20 error-path arrays (profile v6.5) ==", 42));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "\n  [1] boot: "));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "\n  [2] "));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "ref(P1)                      1025\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "ref(P1)                      1025 -> 1  (-1024)"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "(unchanged)"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "\n    PASS "));
	KUNIT_EXPECT_NULL(test, strstr(text, "FAIL"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "\nR20 error-path arrays"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, " PASS ("));
	KUNIT_EXPECT_GT(test, ctx.warnings, 0UL);
	free(text);

	text = scenario_capture(test, "R20", true, &st, &ctx);
	KUNIT_EXPECT_EQ(test, st, SIM_SCENARIO_PASS);
	KUNIT_EXPECT_TRUE(test, !strncmp(text, "R20 error-path arrays", 21));
	KUNIT_EXPECT_PTR_EQ(test, strchr(text, '\n'), text + strlen(text) - 1);
	free(text);
}

/*
 * A scenario refuses to run on a machine that is already up (it boots its
 * own), and leaves that machine alone.
 * Expect FAIL with the reason, the machine still booted, and a clean
 * shutdown of it afterwards.
 */
static void scenario_refuses_booted_machine(struct kunit *test)
{
	struct sim_scenario_ctx ctx;

	KUNIT_ASSERT_EQ(test, sim_boot(&(struct sim_config){ .mem_bytes = 16UL << 20 }), 0);
	sim_scenario_ctx_init(&ctx, SIM_PROFILE_V6_5, NULL);
	KUNIT_EXPECT_EQ(test, sim_scenario_run(sim_scenario_find("R20"), &ctx), SIM_SCENARIO_FAIL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(ctx.reason, "already booted"));
	KUNIT_EXPECT_TRUE(test, sim_booted());
	KUNIT_EXPECT_EQ(test, sim_shutdown(), 0L);
}

/*
 * A scenario registered with ->needs (a layer not built yet) says why it
 * is skipped, under any profile, without booting; one that skips itself
 * with scen_skip() too.
 * Expect SKIP, "needs simfs, not built yet" (and the scenario's own
 * reason), no check made, no machine left.
 */
static int scenario_test_skips_itself(struct sim_scenario_ctx *ctx)
{
	return scen_skip(ctx, "host has no %s", "frobnicator");
}

static void scenario_skip_says_why(struct kunit *test)
{
	static const struct sim_scenario later = {
		"R99", "needs a layer", "simfs", "a test stand-in", NULL,
	};
	static const struct sim_scenario self = {
		"R98", "skips itself", NULL, "a test stand-in", scenario_test_skips_itself,
	};
	struct sim_scenario_ctx ctx;

	sim_scenario_ctx_init(&ctx, SIM_PROFILE_V6_4, NULL);
	KUNIT_EXPECT_EQ(test, sim_scenario_run(&later, &ctx), SIM_SCENARIO_SKIP);
	KUNIT_EXPECT_STREQ(test, ctx.reason, "needs simfs, not built yet");
	KUNIT_EXPECT_EQ(test, ctx.checks, 0U);
	KUNIT_EXPECT_EQ(test, sim_scenario_run(&self, &ctx), SIM_SCENARIO_SKIP);
	KUNIT_EXPECT_STREQ(test, ctx.reason, "host has no frobnicator");
	KUNIT_EXPECT_FALSE(test, sim_booted());
}

static struct kunit_case scenario_test_cases[] = {
	KUNIT_CASE(scenario_registry_complete),
	KUNIT_CASE(scenario_find_by_id_and_name),
	KUNIT_CASE(scenario_profile_names),
	KUNIT_CASE(scenario_narration_format),
	KUNIT_CASE(scenario_refuses_booted_machine),
	KUNIT_CASE(scenario_skip_says_why),
	KUNIT_CASE_PARAM(scenario_runs_clean, scenario_gen_params),
	{}
};

struct kunit_suite scenario_suite = {
	.name = "scenario",
	.test_cases = scenario_test_cases,
};
