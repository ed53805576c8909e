// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for deterministic fault injection (lib/fault-inject.c): the
 * count-driven knobs behind scenarios.md §5.4 (F1, F2) and the systematic
 * "fail the Nth allocation, N = 1 ... total" runs of §5.2, the seeded
 * probability mode, and racing allocation sites. No machine is booted.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

#include <pinio/bug.h>
#include <pinio/fault-inject.h>

#include "kunit/test.h"

static int fault_inject_test_init(struct kunit *test)
{
	sim_fault_reset();
	return 0;
}

static void fault_inject_test_exit(struct kunit *test)
{
	sim_fault_reset();
}

/* Call should_fail_alloc() @n times at @site; return a bitmap of failures. */
static uint64_t fault_kunit_calls(enum fault_site site, int n)
{
	uint64_t failed = 0;
	int i;

	for (i = 0; i < n; i++)
		if (should_fail_alloc(site))
			failed |= 1ULL << i;
	return failed;
}

/*
 * Nothing armed: 1000 allocations spread over every site.
 * Expect none to fail, 1000 counted, each site's share counted, 0 injected.
 */
static void should_fail_alloc_disarmed_never_fails(struct kunit *test)
{
	int i, fails = 0;

	for (i = 0; i < 1000; i++)
		fails += should_fail_alloc(i % NR_FAULT_SITES);
	KUNIT_EXPECT_EQ(test, fails, 0);
	KUNIT_EXPECT_EQ(test, sim_fault_alloc_count(), 1000UL);
	for (i = 0; i < NR_FAULT_SITES; i++)
		KUNIT_EXPECT_EQ(test, sim_fault_site_count(i), 1000UL / NR_FAULT_SITES);
	KUNIT_EXPECT_EQ(test, sim_fault_injected(), 0UL);
}

/* sim_fail_alloc_after(nth) rows: which call of 2*nth must fail. */
struct fault_nth_case {
	const char *desc;
	unsigned long nth;
};

static const struct fault_nth_case fault_nth_cases[] = {
	{ "the very next allocation", 1 },
	{ "the second allocation", 2 },
	{ "the seventh allocation", 7 },
	{ "the 31st allocation", 31 },
};

static void fault_nth_desc(const struct fault_nth_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s (nth=%lu)", c->desc, c->nth);
}

KUNIT_ARRAY_PARAM(fault_nth, fault_nth_cases, fault_nth_desc);

/*
 * Arm nth, then make 2*nth allocations rotating over the sites:
 *   call:  1  2  ...  nth  ...  2*nth
 *   fail:  .  .  ...   X   ...    .
 * Expect only call nth to fail, whatever its site, and 1 injected.
 */
static void sim_fail_alloc_after_fails_nth_once(struct kunit *test)
{
	const struct fault_nth_case *c = test->param_value;
	unsigned long i;
	uint64_t failed = 0;

	sim_fail_alloc_after(c->nth);
	for (i = 0; i < 2 * c->nth; i++)
		if (should_fail_alloc(i % NR_FAULT_SITES))
			failed |= 1ULL << i;
	KUNIT_EXPECT_EQ(test, failed, 1ULL << (c->nth - 1));
	KUNIT_EXPECT_EQ(test, sim_fault_injected(), 1UL);
	KUNIT_EXPECT_EQ(test, sim_fault_alloc_count(), 2 * c->nth);
}

/*
 * Arm 3, disarm with 0 before it fires; separately, arm 5, spend two calls,
 * re-arm with 2:
 *   call:       1  2 | 3  4  5
 *   fail:       .  . | .  X  .     (re-armed at "|")
 * Expect no failure after disarming, and the re-armed count to replace the
 * old one (call 4 fails, call 5 does not).
 */
static void sim_fail_alloc_after_rearm_replaces(struct kunit *test)
{
	sim_fail_alloc_after(3);
	sim_fail_alloc_after(0);
	KUNIT_EXPECT_EQ(test, fault_kunit_calls(FAULT_META_ALLOC, 10), 0ULL);

	sim_fault_reset();
	sim_fail_alloc_after(5);
	KUNIT_EXPECT_EQ(test, fault_kunit_calls(FAULT_PAGE_ALLOC, 2), 0ULL);
	sim_fail_alloc_after(2);
	KUNIT_EXPECT_EQ(test, fault_kunit_calls(FAULT_PAGE_ALLOC, 3), 0x2ULL);
	KUNIT_EXPECT_EQ(test, sim_fault_injected(), 1UL);
}

/*
 * Arm FAULT_PAGE_ALLOC with nth = 2 and interleave other sites:
 *   site:  META PAGE META PGTABLE PAGE PAGE
 *   fail:   .    .    .     .      X    .
 * Expect only the second PAGE call to fail; other sites neither fail nor
 * advance the count.
 */
static void sim_fail_site_after_counts_only_its_site(struct kunit *test)
{
	static const enum fault_site seq[] = {
		FAULT_META_ALLOC, FAULT_PAGE_ALLOC, FAULT_META_ALLOC,
		FAULT_PGTABLE_ALLOC, FAULT_PAGE_ALLOC, FAULT_PAGE_ALLOC,
	};
	unsigned int i, failed = 0;

	sim_fail_site_after(FAULT_PAGE_ALLOC, 2);
	for (i = 0; i < ARRAY_SIZE(seq); i++)
		if (should_fail_alloc(seq[i]))
			failed |= 1U << i;
	KUNIT_EXPECT_EQ(test, failed, 1U << 4);
	KUNIT_EXPECT_EQ(test, sim_fault_site_count(FAULT_PAGE_ALLOC), 3UL);
	KUNIT_EXPECT_EQ(test, sim_fault_site_count(FAULT_META_ALLOC), 2UL);
	KUNIT_EXPECT_EQ(test, sim_fault_injected(), 1UL);
}

/*
 * Two sites armed at once, each with its own count, plus the any-site knob
 * naming the same call as a site knob:
 *   PAGE nth=1, META nth=2, any nth=1
 *   site:  PAGE META META PAGE
 *   fail:   X    .    X    .
 * Expect the first PAGE call to fail once (counted once though two knobs
 * named it), the second META call to fail, and 2 injected in all.
 */
static void sim_fail_site_after_sites_independent(struct kunit *test)
{
	sim_fail_site_after(FAULT_PAGE_ALLOC, 1);
	sim_fail_site_after(FAULT_META_ALLOC, 2);
	sim_fail_alloc_after(1);

	KUNIT_EXPECT_TRUE(test, should_fail_alloc(FAULT_PAGE_ALLOC));
	KUNIT_EXPECT_FALSE(test, should_fail_alloc(FAULT_META_ALLOC));
	KUNIT_EXPECT_TRUE(test, should_fail_alloc(FAULT_META_ALLOC));
	KUNIT_EXPECT_FALSE(test, should_fail_alloc(FAULT_PAGE_ALLOC));
	KUNIT_EXPECT_EQ(test, sim_fault_injected(), 2UL);
}

/*
 * Seeded probability mode at 300 permille over 64 allocations, run twice
 * with seed 42 and once with seed 43.
 * Expect the two seed-42 runs to fail the same calls, seed 43 to differ,
 * and a failure rate near 30% over 10000 calls.
 */
static void sim_fail_alloc_prob_is_reproducible(struct kunit *test)
{
	uint64_t a, b, c;
	unsigned long n;

	sim_fail_alloc_prob(300, 42);
	a = fault_kunit_calls(FAULT_PAGE_ALLOC, 64);
	sim_fail_alloc_prob(300, 42);
	b = fault_kunit_calls(FAULT_META_ALLOC, 64);
	sim_fail_alloc_prob(300, 43);
	c = fault_kunit_calls(FAULT_PAGE_ALLOC, 64);
	KUNIT_EXPECT_EQ(test, a, b);
	KUNIT_EXPECT_NE(test, a, c);
	KUNIT_EXPECT_NE(test, a, 0ULL);

	sim_fault_reset();
	sim_fail_alloc_prob(300, 1);
	for (n = 0; n < 10000; n++)
		should_fail_alloc(FAULT_PAGE_ALLOC);
	KUNIT_EXPECT_GT(test, sim_fault_injected(), 2500UL);
	KUNIT_EXPECT_LT(test, sim_fault_injected(), 3500UL);
}

/* Probability extremes: the permille given and the failures expected in 100 calls. */
struct fault_prob_case {
	const char *desc;
	unsigned int permille;
	uint64_t failures;
};

static const struct fault_prob_case fault_prob_cases[] = {
	{ "0 permille disarms", 0, 0 },
	{ "1000 permille fails every call", 1000, 100 },
	{ "above 1000 is clamped to always", 5000, 100 },
};

static void fault_prob_desc(const struct fault_prob_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(fault_prob, fault_prob_cases, fault_prob_desc);

/*
 * One row of fault_prob_cases, 100 calls at any site.
 * Expect exactly the row's number of failures.
 */
static void sim_fail_alloc_prob_extremes(struct kunit *test)
{
	const struct fault_prob_case *c = test->param_value;
	int i;

	sim_fail_alloc_prob(c->permille, 7);
	for (i = 0; i < 100; i++)
		should_fail_alloc(i % NR_FAULT_SITES);
	KUNIT_EXPECT_EQ(test, (uint64_t)sim_fault_injected(), c->failures);
}

/*
 * Arm every knob and make some allocations, then reset.
 * Expect all counters at 0 and 100 further allocations to succeed.
 */
static void sim_fault_reset_clears_everything(struct kunit *test)
{
	int i;

	sim_fail_alloc_after(50);
	sim_fail_site_after(FAULT_USER_COPY, 3);
	sim_fail_alloc_prob(500, 9);
	fault_kunit_calls(FAULT_USER_COPY, 10);
	KUNIT_EXPECT_GT(test, sim_fault_injected(), 0UL);

	sim_fault_reset();
	KUNIT_EXPECT_EQ(test, sim_fault_alloc_count(), 0UL);
	KUNIT_EXPECT_EQ(test, sim_fault_injected(), 0UL);
	for (i = 0; i < NR_FAULT_SITES; i++)
		KUNIT_EXPECT_EQ(test, sim_fault_site_count(i), 0UL);
	for (i = 0; i < 100; i++)
		KUNIT_EXPECT_FALSE(test, should_fail_alloc(i % NR_FAULT_SITES));
}

/*
 * A site number outside enum fault_site is a caller bug.
 * Expect should_fail_alloc() and sim_fail_site_after() to WARN and do
 * nothing, and sim_fault_site_count() to read 0.
 */
static void should_fail_alloc_bad_site_warns(struct kunit *test)
{
	bool failed = true;

	KUNIT_EXPECT_WARN(test, failed = should_fail_alloc(NR_FAULT_SITES));
	KUNIT_EXPECT_FALSE(test, failed);
	KUNIT_EXPECT_WARN(test, sim_fail_site_after(NR_FAULT_SITES, 1));
	KUNIT_EXPECT_EQ(test, sim_fault_site_count(NR_FAULT_SITES), 0UL);
	KUNIT_EXPECT_EQ(test, sim_fault_alloc_count(), 0UL);
}

/*
 * A toy three-step operation with goto unwinding, the shape every
 * allocation path in the library has: page array, bio, then page.
 * @undone counts how many earlier steps an error path released.
 */
static int fault_kunit_toy_op(int *undone)
{
	if (should_fail_alloc(FAULT_META_ALLOC))
		return -ENOMEM;
	if (should_fail_alloc(FAULT_META_ALLOC))
		goto out_free_array;
	if (should_fail_alloc(FAULT_PAGE_ALLOC))
		goto out_put_bio;
	return 0;

out_put_bio:
	(*undone)++;
out_free_array:
	(*undone)++;
	return -ENOMEM;
}

/*
 * The systematic run of §5.2: count the allocations of one clean run, then
 * fail each one in turn.
 *   N:     1        2         3          4
 *   step:  array X  bio X     page X     (none: N > total)
 *   undo:  0        1         2          -
 * Expect -ENOMEM with N-1 steps unwound for N = 1..3, success at N = 4,
 * and exactly one injection per failing run.
 */
static void sim_fail_alloc_after_systematic_walk(struct kunit *test)
{
	unsigned long total, n;
	int undone = 0;

	KUNIT_ASSERT_EQ(test, fault_kunit_toy_op(&undone), 0);
	total = sim_fault_alloc_count();
	KUNIT_ASSERT_EQ(test, total, 3UL);

	for (n = 1; n <= total + 1; n++) {
		sim_fault_reset();
		undone = 0;
		sim_fail_alloc_after(n);
		if (n <= total) {
			KUNIT_EXPECT_EQ(test, fault_kunit_toy_op(&undone), -ENOMEM);
			KUNIT_EXPECT_EQ(test, (unsigned long)undone, n - 1);
			KUNIT_EXPECT_EQ(test, sim_fault_injected(), 1UL);
		} else {
			KUNIT_EXPECT_EQ(test, fault_kunit_toy_op(&undone), 0);
			KUNIT_EXPECT_EQ(test, sim_fault_injected(), 0UL);
		}
	}
}

#define RACE_THREADS	4
#define RACE_CALLS	20000

static unsigned long fault_race_failures;

static void *fault_race_allocator(void *arg)
{
	enum fault_site site = (enum fault_site)(uintptr_t)arg;
	int i;

	for (i = 0; i < RACE_CALLS; i++)
		if (should_fail_alloc(site))
			__atomic_fetch_add(&fault_race_failures, 1, __ATOMIC_RELAXED);
	return NULL;
}

/*
 * Four threads allocate at once, two at PAGE and two at META, with
 * any-site nth = 12345 and META nth = 777 armed:
 *   T0,T1: PAGE x 20000      T2,T3: META x 20000
 * Expect exactly two failures in all (one per knob, or one if both knobs
 * named the same call), 80000 allocations counted, and every call seen.
 */
static void should_fail_alloc_stress_fails_once(struct kunit *test)
{
	pthread_t th[RACE_THREADS];
	unsigned long failures;
	int i, nr;

	fault_race_failures = 0;
	sim_fail_alloc_after(12345);
	sim_fail_site_after(FAULT_META_ALLOC, 777);
	for (i = 0; i < RACE_THREADS; i++) {
		enum fault_site site = i < 2 ? FAULT_PAGE_ALLOC : FAULT_META_ALLOC;

		if (pthread_create(&th[i], NULL, fault_race_allocator, (void *)(uintptr_t)site))
			break;
	}
	nr = i;
	for (i = 0; i < nr; i++)
		pthread_join(th[i], NULL);
	KUNIT_ASSERT_EQ(test, nr, RACE_THREADS);

	failures = __atomic_load_n(&fault_race_failures, __ATOMIC_RELAXED);
	KUNIT_EXPECT_GE(test, failures, 1UL);
	KUNIT_EXPECT_LE(test, failures, 2UL);
	KUNIT_EXPECT_EQ(test, sim_fault_injected(), failures);
	KUNIT_EXPECT_EQ(test, sim_fault_alloc_count(), (unsigned long)RACE_THREADS * RACE_CALLS);
	KUNIT_EXPECT_EQ(test, sim_fault_site_count(FAULT_META_ALLOC), 2UL * RACE_CALLS);
}

static struct kunit_case fault_inject_test_cases[] = {
	KUNIT_CASE(should_fail_alloc_disarmed_never_fails),
	KUNIT_CASE_PARAM(sim_fail_alloc_after_fails_nth_once, fault_nth_gen_params),
	KUNIT_CASE(sim_fail_alloc_after_rearm_replaces),
	KUNIT_CASE(sim_fail_site_after_counts_only_its_site),
	KUNIT_CASE(sim_fail_site_after_sites_independent),
	KUNIT_CASE(sim_fail_alloc_prob_is_reproducible),
	KUNIT_CASE_PARAM(sim_fail_alloc_prob_extremes, fault_prob_gen_params),
	KUNIT_CASE(sim_fault_reset_clears_everything),
	KUNIT_CASE(should_fail_alloc_bad_site_warns),
	KUNIT_CASE(sim_fail_alloc_after_systematic_walk),
	KUNIT_CASE(should_fail_alloc_stress_fails_once),
	{}
};

struct kunit_suite fault_inject_suite = {
	.name = "fault_inject",
	.init = fault_inject_test_init,
	.exit = fault_inject_test_exit,
	.test_cases = fault_inject_test_cases,
};
