// SPDX-License-Identifier: GPL-2.0
/*
 * R04, refcount_t saturation (scenarios.md §6; kernel-semantics §3,
 * include/linux/refcount.h). The counter of a bio, pipe buffer or file -
 * here a stand-in object whose release frees it - is misused four ways:
 * an increment from 0 (use after free), an add past INT_MAX, a decrement
 * below 0, and a refcount_dec() that reaches 0. Each is reported with its
 * type (ADD_UAF, ADD_OVF, SUB_UAF, DEC_LEAK) and a WARN, and leaves the
 * counter saturated at REFCOUNT_SATURATED (0xc0000000), where it stays:
 * the object leaks rather than being freed while still in use.
 * The profile changes nothing here.
 */
#include <limits.h>

#include <pinio/refcount.h>

#include "sim/scenarios/scen.h"

/* A stand-in for a bio or pipe buffer: its release is the free. */
struct r04_obj {
	refcount_t ref;
	int frees;
};

static void r04_put(struct r04_obj *o)
{
	if (refcount_dec_and_test(&o->ref))
		o->frees++;
}

static void r04_show(struct sim_scenario_ctx *ctx, struct r04_obj *o)
{
	scen_counter(ctx, "refcount (unsigned)", (long)refcount_read(&o->ref));
}

/* Expect @type to have fired once more than @before, and the counter saturated. */
static void r04_saturated(struct sim_scenario_ctx *ctx, struct r04_obj *o,
			  enum refcount_saturation_type type, unsigned long before)
{
	scen_expect_eq(ctx, (long)(refcount_warn_count(type) - before), 1, "%s reported",
		       refcount_saturation_name(type));
	scen_expect_eq(ctx, (long)refcount_read(&o->ref), 0xc0000000L,
		       "the counter is saturated at 0xc0000000");
}

/**
 * scen_r04_refcount_saturation() - run R04, refcount_t saturation.
 * @ctx: the running scenario: its profile, narration and checks
 *	(sim_scenario_run() prepares it and calls this through the table).
 *
 * Boots its own machine, drives the steps the file's header describes,
 * records every expectation in @ctx and shuts the machine down.
 *
 * Return: 0 once it has run (the verdict is in @ctx), or the -errno of a
 * set-up that failed before any step (the boot).
 */
int scen_r04_refcount_saturation(struct sim_scenario_ctx *ctx)
{
	struct r04_obj o = { .ref = REFCOUNT_INIT(0) };
	unsigned long before;
	int i, err;

	err = scen_boot(ctx, &(struct sim_config){ .mem_bytes = 16UL << 20 });
	if (err)
		return err;

	scen_step(ctx, "refcount_inc() of a counter at 0: the object was already freed");
	r04_show(ctx, &o);
	before = refcount_warn_count(REFCOUNT_ADD_UAF);
	SCEN_EXPECT_WARN(ctx, "refcount_t: addition on 0; use-after-free", refcount_inc(&o.ref));
	r04_show(ctx, &o);
	r04_saturated(ctx, &o, REFCOUNT_ADD_UAF, before);

	scen_step(ctx, "set to INT_MAX - 1, refcount_add(2): past INT_MAX");
	refcount_set(&o.ref, INT_MAX - 1);
	r04_show(ctx, &o);
	before = refcount_warn_count(REFCOUNT_ADD_OVF);
	SCEN_EXPECT_WARN(ctx, "refcount_t: saturated; leaking memory", refcount_add(2, &o.ref));
	r04_show(ctx, &o);
	r04_saturated(ctx, &o, REFCOUNT_ADD_OVF, before);

	scen_step(ctx, "set to 1, refcount_sub_and_test(2): below 0");
	refcount_set(&o.ref, 1);
	r04_show(ctx, &o);
	before = refcount_warn_count(REFCOUNT_SUB_UAF);
	SCEN_EXPECT_WARN(ctx, "refcount_t: underflow; use-after-free",
			 scen_expect(ctx, !refcount_sub_and_test(2, &o.ref),
				     "sub_and_test() says false: nobody frees the object"));
	r04_show(ctx, &o);
	r04_saturated(ctx, &o, REFCOUNT_SUB_UAF, before);

	scen_step(ctx, "set to 1, refcount_dec(): the last reference dropped without a free");
	refcount_set(&o.ref, 1);
	r04_show(ctx, &o);
	before = refcount_warn_count(REFCOUNT_DEC_LEAK);
	SCEN_EXPECT_WARN(ctx, "refcount_t: decrement hit 0; leaking memory", refcount_dec(&o.ref));
	r04_show(ctx, &o);
	r04_saturated(ctx, &o, REFCOUNT_DEC_LEAK, before);

	scen_step(ctx, "1000 puts of the saturated object");
	SCEN_EXPECT_WARN(ctx, "each put re-saturates", for (i = 0; i < 1000; i++) r04_put(&o));
	r04_show(ctx, &o);
	scen_expect_eq(ctx, (long)refcount_read(&o.ref), 0xc0000000L, "still saturated");
	scen_expect_eq(ctx, o.frees, 0, "the object was never freed");

	scen_shutdown(ctx);
	return 0;
}
