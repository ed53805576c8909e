/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinio/refcount.h - refcount_t, the saturating reference counter.
 *
 * Models include/linux/refcount.h (the inline operations) and lib/refcount.c
 * (refcount_warn_saturate()). Used for bio, pipe-buffer and file references;
 * page _refcount is a plain atomic_t with its own checks (mm.h, page_ref.h).
 *
 * Faithful: REFCOUNT_SATURATED = INT_MIN / 2, the five saturation cases and
 * when each fires, relaxed increments, release decrements with an acquire
 * on reaching zero. Added: a per-type counter, refcount_warn_count(), so
 * tests can tell which case fired. Left out: the dec_and_lock family,
 * refcount_dec_if_one()/refcount_dec_not_one() and the _oldp wrappers.
 *
 * Once saturated, a counter stays at REFCOUNT_SATURATED: every later
 * operation re-saturates it (and warns again), and dec_and_test() never
 * returns true, so the object leaks instead of being freed early.
 */
#ifndef PINIO_REFCOUNT_H
#define PINIO_REFCOUNT_H

#include <limits.h>
#include <pinio/atomic.h>
#include <pinio/compiler.h>

typedef struct refcount_struct {
	atomic_t refs;
} refcount_t;

#define REFCOUNT_INIT(n)	{ .refs = ATOMIC_INIT(n) }
#define REFCOUNT_MAX		INT_MAX
#define REFCOUNT_SATURATED	(INT_MIN / 2)

enum refcount_saturation_type {
	REFCOUNT_ADD_NOT_ZERO_OVF,	/* add_not_zero/inc_not_zero overflowed */
	REFCOUNT_ADD_OVF,		/* add/inc overflowed past INT_MAX */
	REFCOUNT_ADD_UAF,		/* add/inc on a counter that was 0 */
	REFCOUNT_SUB_UAF,		/* sub/dec_and_test went below 0 */
	REFCOUNT_DEC_LEAK,		/* refcount_dec() reached 0 (or went below) */
};
#define NR_REFCOUNT_SATURATION_TYPES	(REFCOUNT_DEC_LEAK + 1)

/**
 * refcount_warn_saturate() - saturate a counter that misbehaved, and warn.
 * @r: the counter.
 * @type: which misuse was detected.
 *
 * Sets @r to REFCOUNT_SATURATED, counts @type and fires a WARN (printed
 * once per type, counted every time).
 */
void refcount_warn_saturate(refcount_t *r, enum refcount_saturation_type type);

/**
 * refcount_warn_count() - how often a saturation type has fired.
 * @type: the saturation type.
 *
 * Return: the number of refcount_warn_saturate() calls with @type since the
 * process started; 0 for an invalid type.
 */
unsigned long refcount_warn_count(enum refcount_saturation_type type);

/**
 * refcount_saturation_name() - the enumerator's name without the prefix.
 * @type: the saturation type.
 *
 * Return: "ADD_NOT_ZERO_OVF", "ADD_OVF", "ADD_UAF", "SUB_UAF", "DEC_LEAK",
 * or "?" for an invalid type.
 */
const char *refcount_saturation_name(enum refcount_saturation_type type);

/* @old + @i and @old - @i wrap as the hardware does, without C's overflow UB. */
static inline bool __refcount_sum_negative(int old, int i)
{
	return (int)((unsigned int)old + (unsigned int)i) < 0;
}

static inline bool __refcount_diff_negative(int old, int i)
{
	return (int)((unsigned int)old - (unsigned int)i) < 0;
}

/**
 * refcount_set() - set a refcount's value.
 * @r: the refcount.
 * @n: the value; not checked.
 */
static inline void refcount_set(refcount_t *r, int n)
{
	atomic_set(&r->refs, n);
}

/**
 * refcount_read() - get a refcount's value.
 * @r: the refcount.
 *
 * Return: the value, as unsigned: a saturated counter reads 0xc0000000.
 */
static inline unsigned int refcount_read(const refcount_t *r)
{
	return (unsigned int)atomic_read(&r->refs);
}

/**
 * refcount_add_not_zero() - add to a refcount unless it is 0.
 * @i: the amount to add.
 * @r: the refcount.
 *
 * An overflow, or a counter that was already negative, saturates it with
 * REFCOUNT_ADD_NOT_ZERO_OVF. No memory ordering is provided: the caller must
 * keep the object's memory valid (as RCU would); there is a control
 * dependency on the result.
 *
 * Return: false if the counter was 0 (nothing added), true otherwise.
 */
static inline __must_check bool refcount_add_not_zero(int i, refcount_t *r)
{
	int old = atomic_read(&r->refs);

	do {
		if (!old)
			break;
	} while (!__atomic_compare_exchange_n(&r->refs.counter, &old,
					      (int)((unsigned int)old + (unsigned int)i),
					      true, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	if (unlikely(old < 0 || __refcount_sum_negative(old, i)))
		refcount_warn_saturate(r, REFCOUNT_ADD_NOT_ZERO_OVF);
	return old != 0;
}

/**
 * refcount_inc_not_zero() - take a reference unless the count is 0.
 * @r: the refcount.
 *
 * As refcount_add_not_zero() with @i = 1.
 *
 * Return: false if the counter was 0 (no reference taken), true otherwise.
 */
static inline __must_check bool refcount_inc_not_zero(refcount_t *r)
{
	return refcount_add_not_zero(1, r);
}

/**
 * refcount_add() - add to a refcount.
 * @i: the amount to add.
 * @r: the refcount.
 *
 * Adding to 0 is a use after free: the counter saturates with
 * REFCOUNT_ADD_UAF. Overflowing past INT_MAX, or adding to a negative
 * counter, saturates it with REFCOUNT_ADD_OVF. No memory ordering.
 */
static inline void refcount_add(int i, refcount_t *r)
{
	int old = __atomic_fetch_add(&r->refs.counter, i, __ATOMIC_RELAXED);

	if (unlikely(!old))
		refcount_warn_saturate(r, REFCOUNT_ADD_UAF);
	else if (unlikely(old < 0 || __refcount_sum_negative(old, i)))
		refcount_warn_saturate(r, REFCOUNT_ADD_OVF);
}

/**
 * refcount_inc() - take a reference.
 * @r: the refcount.
 *
 * As refcount_add() with @i = 1.
 */
static inline void refcount_inc(refcount_t *r)
{
	refcount_add(1, r);
}

/**
 * refcount_sub_and_test() - drop references and test for zero.
 * @i: the amount to subtract.
 * @r: the refcount.
 *
 * Release ordering before the decrement, acquire ordering when it reaches
 * 0, so the caller may free the object. Going below 0 (or starting from a
 * negative count) saturates it with REFCOUNT_SUB_UAF and returns false: the
 * object leaks rather than being freed twice.
 *
 * Return: true if this call brought the counter to exactly 0.
 */
static inline __must_check bool refcount_sub_and_test(int i, refcount_t *r)
{
	int old = __atomic_fetch_sub(&r->refs.counter, i, __ATOMIC_RELEASE);

	if (old == i) {
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		return true;
	}
	if (unlikely(old < 0 || __refcount_diff_negative(old, i)))
		refcount_warn_saturate(r, REFCOUNT_SUB_UAF);
	return false;
}

/**
 * refcount_dec_and_test() - drop a reference and test for zero.
 * @r: the refcount.
 *
 * As refcount_sub_and_test() with @i = 1.
 *
 * Return: true if this call dropped the last reference.
 */
static inline __must_check bool refcount_dec_and_test(refcount_t *r)
{
	return refcount_sub_and_test(1, r);
}

/**
 * refcount_dec() - drop a reference that must not be the last.
 * @r: the refcount.
 *
 * Nobody frees the object here, so reaching 0 (or going below it) means
 * the object leaks: the counter saturates with REFCOUNT_DEC_LEAK. Release
 * ordering.
 */
static inline void refcount_dec(refcount_t *r)
{
	int old = __atomic_fetch_sub(&r->refs.counter, 1, __ATOMIC_RELEASE);

	if (unlikely(old <= 1))
		refcount_warn_saturate(r, REFCOUNT_DEC_LEAK);
}

#endif /* PINIO_REFCOUNT_H */
