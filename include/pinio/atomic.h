/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinio/atomic.h - atomic_t and atomic_long_t as the kernel spells them,
 * on the compiler's __atomic builtins (sequentially consistent where the
 * kernel's op is fully ordered, relaxed for plain reads and sets).
 * ThreadSanitizer understands these builtins.
 */
#ifndef PINIO_ATOMIC_H
#define PINIO_ATOMIC_H

#include <pinio/compiler.h>

typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;

#define ATOMIC_INIT(i)	{ (i) }

static inline int atomic_read(const atomic_t *v) { return __atomic_load_n(&v->counter, __ATOMIC_RELAXED); }
static inline void atomic_set(atomic_t *v, int i) { __atomic_store_n(&v->counter, i, __ATOMIC_RELAXED); }
static inline void atomic_add(int i, atomic_t *v) { __atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED); }
static inline void atomic_sub(int i, atomic_t *v) { __atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED); }
static inline void atomic_inc(atomic_t *v) { atomic_add(1, v); }
static inline void atomic_dec(atomic_t *v) { atomic_sub(1, v); }
/*
 * The kernel's page refcounts wrap like unsigned arithmetic; the builtins do
 * the same on the underlying bits, so no signed-overflow UB is involved.
 */
static inline int atomic_add_return(int i, atomic_t *v) { return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }
static inline int atomic_sub_return(int i, atomic_t *v) { return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }
static inline int atomic_inc_return(atomic_t *v) { return atomic_add_return(1, v); }
static inline int atomic_dec_return(atomic_t *v) { return atomic_sub_return(1, v); }
static inline bool atomic_dec_and_test(atomic_t *v) { return atomic_sub_return(1, v) == 0; }
static inline bool atomic_sub_and_test(int i, atomic_t *v) { return atomic_sub_return(i, v) == 0; }
static inline int atomic_cmpxchg(atomic_t *v, int old, int new)
{
	__atomic_compare_exchange_n(&v->counter, &old, new, false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
	return old;
}
/* Add @a unless the value is @u; returns true if the add happened. */
static inline bool atomic_add_unless(atomic_t *v, int a, int u)
{
	int c = atomic_read(v);

	do {
		if (unlikely(c == u))
			return false;
	} while (!__atomic_compare_exchange_n(&v->counter, &c, (int)((unsigned int)c + (unsigned int)a),
					      true, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
	return true;
}

static inline long atomic_long_read(const atomic_long_t *v) { return __atomic_load_n(&v->counter, __ATOMIC_RELAXED); }
static inline void atomic_long_set(atomic_long_t *v, long i) { __atomic_store_n(&v->counter, i, __ATOMIC_RELAXED); }
static inline void atomic_long_add(long i, atomic_long_t *v) { __atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED); }
static inline void atomic_long_sub(long i, atomic_long_t *v) { __atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED); }
static inline void atomic_long_inc(atomic_long_t *v) { atomic_long_add(1, v); }
static inline void atomic_long_dec(atomic_long_t *v) { atomic_long_sub(1, v); }
static inline long atomic_long_add_return(long i, atomic_long_t *v) { return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }

/* Bit operations on unsigned long words (page flags, mm flags). */
static inline void set_bit(unsigned int nr, unsigned long *addr) { __atomic_fetch_or(addr, 1UL << nr, __ATOMIC_SEQ_CST); }
static inline void clear_bit(unsigned int nr, unsigned long *addr) { __atomic_fetch_and(addr, ~(1UL << nr), __ATOMIC_SEQ_CST); }
static inline bool test_bit(unsigned int nr, const unsigned long *addr) { return (__atomic_load_n(addr, __ATOMIC_RELAXED) >> nr) & 1; }
static inline bool test_and_set_bit(unsigned int nr, unsigned long *addr) { return (__atomic_fetch_or(addr, 1UL << nr, __ATOMIC_SEQ_CST) >> nr) & 1; }
static inline bool test_and_clear_bit(unsigned int nr, unsigned long *addr) { return (__atomic_fetch_and(addr, ~(1UL << nr), __ATOMIC_SEQ_CST) >> nr) & 1; }

#endif /* PINIO_ATOMIC_H */
