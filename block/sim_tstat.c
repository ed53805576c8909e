// SPDX-License-Identifier: GPL-2.0
/*
 * block/sim_tstat.c - per-thread counters for the block layer's and the
 * DMA engine's statistics (see block/sim_tstat.h).
 */
#include <stdlib.h>
#include <pinio/bug.h>
#include "block/sim_tstat.h"

struct sim_tstat_local {
	long v[SIM_TSTAT_MAX];
	struct sim_tstat *set;
	long **slot;
	struct list_head list;
};

/* Thread exit: fold the thread's counts into the set, then forget them. */
static void sim_tstat_exit(void *arg)
{
	struct sim_tstat_local *l = arg;
	struct sim_tstat *s = l->set;
	unsigned int i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->nr; i++)
		s->folded[i] += __atomic_load_n(&l->v[i], __ATOMIC_RELAXED);
	list_del(&l->list);
	pthread_mutex_unlock(&s->lock);
	*l->slot = NULL;	/* the exiting thread's own slot */
	free(l);
}

/**
 * sim_tstat_register() - give this thread its array of @s's counters.
 * @s: the set.
 * @slot: the set's thread-local pointer; set to the array.
 *
 * Return: the array (zeroed). Aborts if the host is out of memory.
 */
long *sim_tstat_register(struct sim_tstat *s, long **slot)
{
	struct sim_tstat_local *l = calloc(1, sizeof(*l));

	BUG_ON(!l || s->nr > SIM_TSTAT_MAX);
	l->set = s;
	l->slot = slot;
	pthread_mutex_lock(&s->lock);
	if (!s->key_made) {
		int err = pthread_key_create(&s->key, sim_tstat_exit);

		BUG_ON(err);
		s->key_made = true;
	}
	list_add(&l->list, &s->threads);
	pthread_mutex_unlock(&s->lock);
	pthread_setspecific(s->key, l);
	*slot = l->v;
	return l->v;
}

/**
 * sim_tstat_read() - the sum of counter @i over every thread, live or gone.
 * @s: the set.
 * @i: the counter, below @s->nr.
 *
 * Return: the sum.
 */
long sim_tstat_read(struct sim_tstat *s, unsigned int i)
{
	struct sim_tstat_local *l;
	long sum;

	pthread_mutex_lock(&s->lock);
	sum = s->folded[i];
	list_for_each_entry(l, &s->threads, list)
		sum += __atomic_load_n(&l->v[i], __ATOMIC_RELAXED);
	pthread_mutex_unlock(&s->lock);
	return sum;
}
