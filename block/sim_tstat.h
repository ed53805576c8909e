/* SPDX-License-Identifier: GPL-2.0 */
/*
 * block/sim_tstat.h - counters that each thread adds to on its own, for
 * the block layer's and the DMA engine's statistics (sim_blk_stat(),
 * sim_dma_stat()).
 *
 * A counter bumped on every I/O with a locked add costs several ns in this
 * VM, more than the rest of its line of code by far. Like mm's vmstat
 * (and the kernel's per-cpu counters), each thread here has its own array
 * of the set's counters, written with relaxed loads and stores; a reader
 * sums every live thread's array and what exited threads left behind,
 * under the set's lock. Totals are exact once the writers are quiet (the
 * I/O completed), which is when the simulation's callers read them; a
 * concurrent reader may see a slightly older sum.
 */
#ifndef PINIO_BLOCK_SIM_TSTAT_H
#define PINIO_BLOCK_SIM_TSTAT_H

#include <pthread.h>
#include <pinio/atomic.h>
#include <pinio/list.h>

#define SIM_TSTAT_MAX	16

/**
 * struct sim_tstat - one set of per-thread counters.
 * @nr: counters in the set (at most SIM_TSTAT_MAX).
 * @lock: guards @threads, @folded and @key_made.
 * @threads: each live thread's struct sim_tstat_local.
 * @folded: what threads that exited had counted.
 * @key: its destructor folds a thread's counters when the thread exits.
 *
 * Define one with SIM_TSTAT_INIT(nr) and a `static __thread long *` slot
 * for the thread's array.
 */
struct sim_tstat {
	unsigned int nr;
	pthread_mutex_t lock;
	struct list_head threads;
	long folded[SIM_TSTAT_MAX];
	bool key_made;
	pthread_key_t key;
};

#define SIM_TSTAT_INIT(name, n) { .nr = (n), .lock = PTHREAD_MUTEX_INITIALIZER, \
				  .threads = LIST_HEAD_INIT((name).threads) }

long *sim_tstat_register(struct sim_tstat *s, long **slot);
long sim_tstat_read(struct sim_tstat *s, unsigned int i);

/**
 * sim_tstat_this() - this thread's array of @s's counters.
 * @slot: the set's thread-local pointer (NULL until the thread's first use).
 */
static inline long *sim_tstat_this(struct sim_tstat *s, long **slot)
{
	long *v = *slot;

	return likely(v) ? v : sim_tstat_register(s, slot);
}

/* Add @n to counter @i of the array sim_tstat_this() gave. */
static inline void sim_tstat_bump(long *v, unsigned int i, long n)
{
	__atomic_store_n(&v[i], __atomic_load_n(&v[i], __ATOMIC_RELAXED) + n, __ATOMIC_RELAXED);
}

/**
 * sim_tstat_add() - add @n to counter @i of this thread's copy of @s.
 * @slot: the set's thread-local pointer.
 */
static inline void sim_tstat_add(struct sim_tstat *s, long **slot, unsigned int i, long n)
{
	sim_tstat_bump(sim_tstat_this(s, slot), i, n);
}

#endif /* PINIO_BLOCK_SIM_TSTAT_H */
