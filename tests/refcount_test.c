// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for refcount_t (include/pinio/refcount.h, lib/refcount.c):
 * ordinary get/put, the five saturation cases of the kernel's refcount_t
 * (scenarios.md §3 "refcount_t saturation", scenario R04), and racing
 * threads. No simulated machine is needed.
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>

#include <pinio/bug.h>
#include <pinio/refcount.h>

#include "kunit/test.h"

#define SATURATED	0xc0000000U

/* What a test did to the counter: one operation with its argument. */
enum refcount_test_op {
	OP_INC,
	OP_ADD,
	OP_INC_NOT_ZERO,
	OP_ADD_NOT_ZERO,
	OP_DEC,
	OP_DEC_AND_TEST,
	OP_SUB_AND_TEST,
};

/* Apply @op; returns the op's bool result, or -1 for ops returning void. */
static int refcount_test_apply(enum refcount_test_op op, refcount_t *r, int arg)
{
	switch (op) {
	case OP_INC:
		refcount_inc(r);
		return -1;
	case OP_ADD:
		refcount_add(arg, r);
		return -1;
	case OP_INC_NOT_ZERO:
		return refcount_inc_not_zero(r);
	case OP_ADD_NOT_ZERO:
		return refcount_add_not_zero(arg, r);
	case OP_DEC:
		refcount_dec(r);
		return -1;
	case OP_DEC_AND_TEST:
		return refcount_dec_and_test(r);
	case OP_SUB_AND_TEST:
		return refcount_sub_and_test(arg, r);
	}
	return -1;
}

static void refcount_test_snapshot(unsigned long counts[NR_REFCOUNT_SATURATION_TYPES])
{
	int t;

	for (t = 0; t < NR_REFCOUNT_SATURATION_TYPES; t++)
		counts[t] = refcount_warn_count(t);
}

/*
 * Expect exactly @type to have fired once since @before, and no other type.
 */
static void refcount_test_expect_fired(struct kunit *test,
				       const unsigned long before[NR_REFCOUNT_SATURATION_TYPES],
				       int type)
{
	int t;

	for (t = 0; t < NR_REFCOUNT_SATURATION_TYPES; t++)
		KUNIT_EXPECT_EQ_MSG(test, refcount_warn_count(t) - before[t],
				    (unsigned long)(t == type),
				    "saturation type %s", refcount_saturation_name(t));
}

/*
 * A fresh counter: set, read, one get and two puts.
 *   1 -inc-> 2 -dec_and_test-> 1 -dec_and_test-> 0 (last put)
 * Expect only the second put to report the last reference, and no WARN.
 */
static void refcount_inc_dec_and_test_last_put(struct kunit *test)
{
	refcount_t r = REFCOUNT_INIT(1);

	KUNIT_EXPECT_EQ(test, refcount_read(&r), 1U);
	refcount_inc(&r);
	KUNIT_EXPECT_EQ(test, refcount_read(&r), 2U);
	KUNIT_EXPECT_FALSE(test, refcount_dec_and_test(&r));
	KUNIT_EXPECT_EQ(test, refcount_read(&r), 1U);
	KUNIT_EXPECT_TRUE(test, refcount_dec_and_test(&r));
	KUNIT_EXPECT_EQ(test, refcount_read(&r), 0U);
}

/*
 * Bulk references: 1 -add(5)-> 6 -sub_and_test(5)-> 1 -sub_and_test(1)-> 0;
 * refcount_dec() from 3 leaves 2; refcount_set() overwrites.
 * Expect the sums, true only at 0, and no WARN.
 */
static void refcount_add_sub_and_test_bulk(struct kunit *test)
{
	refcount_t r;

	refcount_set(&r, 1);
	refcount_add(5, &r);
	KUNIT_EXPECT_EQ(test, refcount_read(&r), 6U);
	KUNIT_EXPECT_FALSE(test, refcount_sub_and_test(5, &r));
	KUNIT_EXPECT_EQ(test, refcount_read(&r), 1U);
	KUNIT_EXPECT_TRUE(test, refcount_sub_and_test(1, &r));

	refcount_set(&r, 3);
	refcount_dec(&r);
	KUNIT_EXPECT_EQ(test, refcount_read(&r), 2U);
	refcount_set(&r, REFCOUNT_MAX);
	KUNIT_EXPECT_EQ(test, refcount_read(&r), (unsigned int)INT_MAX);
}

/*
 * Lookup under RCU in the kernel: inc_not_zero on a live object takes a
 * reference; on a dying object (count 0) it must not.
 * Expect 3 -> 4 and 4 -> 6 on the live counter, false and 0 kept on the
 * dead one, and no WARN: 0 here is legal, not a use after free.
 */
static void refcount_inc_not_zero_skips_dying_object(struct kunit *test)
{
	refcount_t live = REFCOUNT_INIT(3), dead = REFCOUNT_INIT(0);

	KUNIT_EXPECT_TRUE(test, refcount_inc_not_zero(&live));
	KUNIT_EXPECT_EQ(test, refcount_read(&live), 4U);
	KUNIT_EXPECT_TRUE(test, refcount_add_not_zero(2, &live));
	KUNIT_EXPECT_EQ(test, refcount_read(&live), 6U);

	KUNIT_EXPECT_FALSE(test, refcount_inc_not_zero(&dead));
	KUNIT_EXPECT_FALSE(test, refcount_add_not_zero(7, &dead));
	KUNIT_EXPECT_EQ(test, refcount_read(&dead), 0U);
}

/* One misuse of a healthy counter and the saturation type it must report. */
struct refcount_saturation_case {
	const char *desc;
	int start;
	enum refcount_test_op op;
	int arg;
	int ret;	/* the op's result; -1 for void ops */
	enum refcount_saturation_type type;
};

/*
 * Each row starts a counter at @start, applies one operation that is a
 * bug, and names the type the kernel's refcount_warn_saturate() reports:
 *
 *   0 ---inc/add---------------------> ADD_UAF        (object already freed)
 *   INT_MAX - k ---add(> k)----------> ADD_OVF        (would wrap negative)
 *   INT_MAX - k ---add_not_zero(> k)-> ADD_NOT_ZERO_OVF
 *   k ---sub_and_test(> k)-----------> SUB_UAF        (put without a get)
 *   1 ---dec-------------------------> DEC_LEAK       (last ref, nobody frees)
 */
static const struct refcount_saturation_case refcount_saturation_cases[] = {
	{ "inc from 0 is ADD_UAF", 0, OP_INC, 1, -1, REFCOUNT_ADD_UAF },
	{ "add from 0 is ADD_UAF", 0, OP_ADD, 4, -1, REFCOUNT_ADD_UAF },
	{ "inc at INT_MAX is ADD_OVF", INT_MAX, OP_INC, 1, -1, REFCOUNT_ADD_OVF },
	{ "add past INT_MAX is ADD_OVF", INT_MAX - 1, OP_ADD, 2, -1, REFCOUNT_ADD_OVF },
	{ "add to a negative count is ADD_OVF", -5, OP_ADD, 1, -1, REFCOUNT_ADD_OVF },
	{ "inc_not_zero at INT_MAX is ADD_NOT_ZERO_OVF", INT_MAX, OP_INC_NOT_ZERO, 1, 1,
	  REFCOUNT_ADD_NOT_ZERO_OVF },
	{ "add_not_zero past INT_MAX is ADD_NOT_ZERO_OVF", INT_MAX - 5, OP_ADD_NOT_ZERO, 10, 1,
	  REFCOUNT_ADD_NOT_ZERO_OVF },
	{ "dec_and_test from 0 is SUB_UAF", 0, OP_DEC_AND_TEST, 1, 0, REFCOUNT_SUB_UAF },
	{ "sub_and_test below 0 is SUB_UAF", 3, OP_SUB_AND_TEST, 4, 0, REFCOUNT_SUB_UAF },
	{ "dec_and_test on a negative count is SUB_UAF", -1, OP_DEC_AND_TEST, 1, 0,
	  REFCOUNT_SUB_UAF },
	{ "dec to 0 is DEC_LEAK", 1, OP_DEC, 1, -1, REFCOUNT_DEC_LEAK },
	{ "dec from 0 is DEC_LEAK", 0, OP_DEC, 1, -1, REFCOUNT_DEC_LEAK },
};

static void refcount_saturation_desc(const struct refcount_saturation_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(refcount_saturation, refcount_saturation_cases, refcount_saturation_desc);

/*
 * One row of refcount_saturation_cases (R04, §3).
 * Expect the op's usual return value, the row's type counted once and no
 * other, one WARN, and the counter parked at 0xc0000000.
 */
static void refcount_saturation_reports_type(struct kunit *test)
{
	const struct refcount_saturation_case *c = test->param_value;
	unsigned long before[NR_REFCOUNT_SATURATION_TYPES];
	unsigned long warns;
	refcount_t r;
	int ret = 0;

	refcount_set(&r, c->start);
	refcount_test_snapshot(before);
	warns = pinio_warnings();
	KUNIT_EXPECT_WARN(test, ret = refcount_test_apply(c->op, &r, c->arg));

	KUNIT_EXPECT_EQ(test, ret, c->ret);
	KUNIT_EXPECT_EQ(test, refcount_read(&r), SATURATED);
	KUNIT_EXPECT_EQ(test, pinio_warnings() - warns, 1UL);
	refcount_test_expect_fired(test, before, c->type);
}

/* Every operation, applied to a counter that is already saturated. */
struct refcount_saturated_case {
	const char *desc;
	enum refcount_test_op op;
	int arg;
	int ret;
	enum refcount_saturation_type type;
};

static const struct refcount_saturated_case refcount_saturated_cases[] = {
	{ "inc", OP_INC, 1, -1, REFCOUNT_ADD_OVF },
	{ "add(1000)", OP_ADD, 1000, -1, REFCOUNT_ADD_OVF },
	{ "inc_not_zero", OP_INC_NOT_ZERO, 1, 1, REFCOUNT_ADD_NOT_ZERO_OVF },
	{ "add_not_zero(1000)", OP_ADD_NOT_ZERO, 1000, 1, REFCOUNT_ADD_NOT_ZERO_OVF },
	{ "dec", OP_DEC, 1, -1, REFCOUNT_DEC_LEAK },
	{ "dec_and_test", OP_DEC_AND_TEST, 1, 0, REFCOUNT_SUB_UAF },
	{ "sub_and_test(1000)", OP_SUB_AND_TEST, 1000, 0, REFCOUNT_SUB_UAF },
};

static void refcount_saturated_desc(const struct refcount_saturated_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s on a saturated count", c->desc);
}

KUNIT_ARRAY_PARAM(refcount_saturated, refcount_saturated_cases, refcount_saturated_desc);

/*
 * A saturated counter is sticky: whatever is done to it, it is put back.
 *   0xc0000000 --op--> 0xc0000000 (+ a WARN of the op's type)
 * Expect the value unchanged, one WARN, and no op reporting a last put.
 */
static void refcount_saturated_never_moves(struct kunit *test)
{
	const struct refcount_saturated_case *c = test->param_value;
	unsigned long before[NR_REFCOUNT_SATURATION_TYPES];
	refcount_t r = REFCOUNT_INIT(REFCOUNT_SATURATED);
	int ret = 0;

	refcount_test_snapshot(before);
	KUNIT_EXPECT_WARN(test, ret = refcount_test_apply(c->op, &r, c->arg));
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	KUNIT_EXPECT_EQ(test, refcount_read(&r), SATURATED);
	refcount_test_expect_fired(test, before, c->type);
}

/* A stand-in for a bio or pipe buffer: a count and a free counter. */
struct r04_obj {
	refcount_t ref;
	int frees;
};

static void r04_obj_put(struct r04_obj *o)
{
	if (refcount_dec_and_test(&o->ref))
		o->frees++;
}

static void r04_obj_put_many(struct r04_obj *o, int n)
{
	while (n--)
		r04_obj_put(o);
}

/*
 * R04: misuse a bio's count in the four ways of scenarios.md, resetting
 * it through the test hook (refcount_set) before each step:
 *
 *   step               start        op                 reports
 *   1 inc from 0       0            refcount_inc       ADD_UAF
 *   2 add past max     INT_MAX-1    refcount_add(2)    ADD_OVF
 *   3 dec below 0      0            put (dec_and_test) SUB_UAF
 *   4 dec to 0         1            refcount_dec       DEC_LEAK
 *
 * After each step, 1000 more puts are made, as racing holders would.
 * Expect each step to report its type, the value to stay 0xc0000000
 * throughout, and the object never to be freed.
 */
static void scenario_r04_refcount_saturation(struct kunit *test)
{
	unsigned long before[NR_REFCOUNT_SATURATION_TYPES];
	struct r04_obj bio = { .frees = 0 };

	refcount_set(&bio.ref, 0);
	refcount_test_snapshot(before);
	KUNIT_EXPECT_WARN(test, refcount_inc(&bio.ref));
	refcount_test_expect_fired(test, before, REFCOUNT_ADD_UAF);
	KUNIT_EXPECT_EQ(test, refcount_read(&bio.ref), SATURATED);
	KUNIT_EXPECT_WARN(test, r04_obj_put_many(&bio, 1000));
	KUNIT_EXPECT_EQ(test, refcount_read(&bio.ref), SATURATED);

	refcount_set(&bio.ref, INT_MAX - 1);
	refcount_test_snapshot(before);
	KUNIT_EXPECT_WARN(test, refcount_add(2, &bio.ref));
	refcount_test_expect_fired(test, before, REFCOUNT_ADD_OVF);
	KUNIT_EXPECT_EQ(test, refcount_read(&bio.ref), SATURATED);
	KUNIT_EXPECT_WARN(test, r04_obj_put_many(&bio, 1000));
	KUNIT_EXPECT_EQ(test, refcount_read(&bio.ref), SATURATED);

	refcount_set(&bio.ref, 0);
	refcount_test_snapshot(before);
	KUNIT_EXPECT_WARN(test, r04_obj_put(&bio));
	refcount_test_expect_fired(test, before, REFCOUNT_SUB_UAF);
	KUNIT_EXPECT_EQ(test, refcount_read(&bio.ref), SATURATED);
	KUNIT_EXPECT_WARN(test, r04_obj_put_many(&bio, 1000));
	KUNIT_EXPECT_EQ(test, refcount_read(&bio.ref), SATURATED);

	refcount_set(&bio.ref, 1);
	refcount_test_snapshot(before);
	KUNIT_EXPECT_WARN(test, refcount_dec(&bio.ref));
	refcount_test_expect_fired(test, before, REFCOUNT_DEC_LEAK);
	KUNIT_EXPECT_EQ(test, refcount_read(&bio.ref), SATURATED);
	KUNIT_EXPECT_WARN(test, r04_obj_put_many(&bio, 1000));
	KUNIT_EXPECT_EQ(test, refcount_read(&bio.ref), SATURATED);

	KUNIT_EXPECT_EQ(test, bio.frees, 0);
}

/*
 * Out-of-range types read as nothing fired, and name as "?".
 * Expect 0, "?", and the real names for real types.
 */
static void refcount_warn_count_bad_type(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, refcount_warn_count(NR_REFCOUNT_SATURATION_TYPES), 0UL);
	KUNIT_EXPECT_EQ(test, refcount_warn_count((enum refcount_saturation_type)-1), 0UL);
	KUNIT_EXPECT_STREQ(test, refcount_saturation_name(NR_REFCOUNT_SATURATION_TYPES), "?");
	KUNIT_EXPECT_STREQ(test, refcount_saturation_name(REFCOUNT_ADD_UAF), "ADD_UAF");
	KUNIT_EXPECT_STREQ(test, refcount_saturation_name(REFCOUNT_DEC_LEAK), "DEC_LEAK");
}

#define RACE_THREADS	4
#define RACE_LOOPS	100000

struct refcount_race {
	refcount_t ref;
	int loops;
	int last_puts;		/* dec_and_test() calls that returned true */
};

static void *refcount_race_get_put(void *arg)
{
	struct refcount_race *race = arg;
	int i;

	for (i = 0; i < race->loops; i++) {
		refcount_inc(&race->ref);
		if (refcount_dec_and_test(&race->ref))
			__atomic_fetch_add(&race->last_puts, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/*
 * Four threads each do 100000 get/put pairs (ten times more with -l) on a
 * count held at 1 by the test:
 *   T0: inc dec inc dec ...   T1..T3: the same, interleaved
 * Expect the count back at 1, no put ever seen as the last, and no WARN.
 */
static void refcount_stress_get_put_balances(struct kunit *test)
{
	struct refcount_race race = {
		.ref = REFCOUNT_INIT(1),
		.loops = RACE_LOOPS * (kunit_long() ? 10 : 1),
	};
	pthread_t th[RACE_THREADS];
	int i, nr;

	for (i = 0; i < RACE_THREADS; i++)
		if (pthread_create(&th[i], NULL, refcount_race_get_put, &race))
			break;
	nr = i;
	for (i = 0; i < nr; i++)
		pthread_join(th[i], NULL);
	KUNIT_ASSERT_EQ(test, nr, RACE_THREADS);
	KUNIT_EXPECT_EQ(test, refcount_read(&race.ref), 1U);
	KUNIT_EXPECT_EQ(test, race.last_puts, 0);
}

static void *refcount_race_put_once(void *arg)
{
	struct refcount_race *race = arg;

	if (refcount_dec_and_test(&race->ref))
		__atomic_fetch_add(&race->last_puts, 1, __ATOMIC_RELAXED);
	return NULL;
}

/*
 * Sixteen holders drop their references at once (bio completions racing).
 * Expect exactly one of them to see the last put, and the count at 0.
 */
static void refcount_stress_last_put_once(struct kunit *test)
{
	enum { HOLDERS = 16 };
	struct refcount_race race = { .ref = REFCOUNT_INIT(HOLDERS) };
	pthread_t th[HOLDERS];
	int i, nr;

	for (i = 0; i < HOLDERS; i++)
		if (pthread_create(&th[i], NULL, refcount_race_put_once, &race))
			break;
	nr = i;
	for (i = 0; i < nr; i++)
		pthread_join(th[i], NULL);
	KUNIT_ASSERT_EQ(test, nr, (int)HOLDERS);
	KUNIT_EXPECT_EQ(test, race.last_puts, 1);
	KUNIT_EXPECT_EQ(test, refcount_read(&race.ref), 0U);
}

static struct kunit_case refcount_test_cases[] = {
	KUNIT_CASE(refcount_inc_dec_and_test_last_put),
	KUNIT_CASE(refcount_add_sub_and_test_bulk),
	KUNIT_CASE(refcount_inc_not_zero_skips_dying_object),
	KUNIT_CASE_PARAM(refcount_saturation_reports_type, refcount_saturation_gen_params),
	KUNIT_CASE_PARAM(refcount_saturated_never_moves, refcount_saturated_gen_params),
	KUNIT_CASE(scenario_r04_refcount_saturation),
	KUNIT_CASE(refcount_warn_count_bad_type),
	KUNIT_CASE(refcount_stress_get_put_balances),
	KUNIT_CASE(refcount_stress_last_put_once),
	{}
};

struct kunit_suite refcount_suite = {
	.name = "refcount",
	.test_cases = refcount_test_cases,
};
