// SPDX-License-Identifier: GPL-2.0
/*
 * The out-of-line half of refcount_t: saturating a misused counter.
 *
 * Mirrors lib/refcount.c's refcount_warn_saturate(). The inline operations
 * live in include/pinio/refcount.h. Added for tests: a counter per
 * saturation type. Left out: the refcount_dec_and_lock family.
 */
#include <pinio/bug.h>
#include <pinio/refcount.h>

static unsigned long saturations[NR_REFCOUNT_SATURATION_TYPES];

static const char *const saturation_names[NR_REFCOUNT_SATURATION_TYPES] = {
	[REFCOUNT_ADD_NOT_ZERO_OVF]	= "ADD_NOT_ZERO_OVF",
	[REFCOUNT_ADD_OVF]		= "ADD_OVF",
	[REFCOUNT_ADD_UAF]		= "ADD_UAF",
	[REFCOUNT_SUB_UAF]		= "SUB_UAF",
	[REFCOUNT_DEC_LEAK]		= "DEC_LEAK",
};

/**
 * refcount_warn_saturate() - saturate a counter that misbehaved, and warn.
 * @r: the counter.
 * @type: which misuse was detected.
 *
 * Stores REFCOUNT_SATURATED into @r, far from both 0 and INT_MAX, so that
 * racing increments and decrements cannot bring it back to a live value.
 * Counts @type and fires a WARN: printed once per type, counted every time.
 *
 * Context: any thread.
 */
void refcount_warn_saturate(refcount_t *r, enum refcount_saturation_type type)
{
	atomic_set(&r->refs, REFCOUNT_SATURATED);
	if ((unsigned int)type < NR_REFCOUNT_SATURATION_TYPES)
		__atomic_fetch_add(&saturations[type], 1, __ATOMIC_RELAXED);

	/* One WARN site per type, so each type prints once. */
	switch (type) {
	case REFCOUNT_ADD_NOT_ZERO_OVF:
		WARN_ONCE(type == REFCOUNT_ADD_NOT_ZERO_OVF,
			  "refcount_t: saturated; leaking memory.\n");
		break;
	case REFCOUNT_ADD_OVF:
		WARN_ONCE(type == REFCOUNT_ADD_OVF,
			  "refcount_t: saturated; leaking memory.\n");
		break;
	case REFCOUNT_ADD_UAF:
		WARN_ONCE(type == REFCOUNT_ADD_UAF,
			  "refcount_t: addition on 0; use-after-free.\n");
		break;
	case REFCOUNT_SUB_UAF:
		WARN_ONCE(type == REFCOUNT_SUB_UAF,
			  "refcount_t: underflow; use-after-free.\n");
		break;
	case REFCOUNT_DEC_LEAK:
		WARN_ONCE(type == REFCOUNT_DEC_LEAK,
			  "refcount_t: decrement hit 0; leaking memory.\n");
		break;
	default:
		WARN_ONCE(1, "refcount_t: unknown saturation event!?\n");
	}
}

/**
 * refcount_warn_count() - how often a saturation type has fired.
 * @type: the saturation type.
 *
 * Return: the number of refcount_warn_saturate() calls with @type since the
 * process started; 0 for an invalid type.
 */
unsigned long refcount_warn_count(enum refcount_saturation_type type)
{
	if ((unsigned int)type >= NR_REFCOUNT_SATURATION_TYPES)
		return 0;
	return __atomic_load_n(&saturations[type], __ATOMIC_RELAXED);
}

/**
 * refcount_saturation_name() - the saturation type's name, without prefix.
 * @type: the saturation type.
 *
 * Return: a static string such as "ADD_UAF"; "?" for an invalid type.
 */
const char *refcount_saturation_name(enum refcount_saturation_type type)
{
	if ((unsigned int)type >= NR_REFCOUNT_SATURATION_TYPES)
		return "?";
	return saturation_names[type];
}
