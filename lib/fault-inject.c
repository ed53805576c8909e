// SPDX-License-Identifier: GPL-2.0
/*
 * Deterministic allocation-failure injection.
 *
 * Models the knobs of the kernel's lib/fault-inject.c as used by failslab
 * and fail_page_alloc, but counts calls instead of sampling: a test can fail
 * exactly the Nth allocation, at any site or at one site, and replay the run
 * for N = 1 ... total. A seeded probability mode covers random runs.
 * sim_fault_reset() also runs the reset hooks of the layers above (device
 * faults), which register themselves. Left out: interval, times, space,
 * the task filter, stack filters and debugfs.
 */
#include <errno.h>
#include <pinio/bug.h>
#include <pinio/fault-inject.h>

#define ARM_ANY		(1U << 0)
#define ARM_SITE	(1U << 1)
#define ARM_PROB	(1U << 2)

/* Only this word and the site's counter are touched while nothing is armed. */
static unsigned int fault_armed;
static unsigned long nr_allocs[NR_FAULT_SITES];
static unsigned long nr_injected;

static void (*reset_hooks[SIM_FAULT_MAX_RESET_HOOKS])(void);

static unsigned long any_left;
static unsigned long site_left[NR_FAULT_SITES];
static unsigned int prob_permille;
static uint64_t prng_state;

static void fault_arm(unsigned int bit)
{
	__atomic_fetch_or(&fault_armed, bit, __ATOMIC_SEQ_CST);
}

/*
 * Clear @bit once every countdown behind it is spent. The re-check pairs with
 * fault_arm(): an arm that raced with the clear finds its bit set again.
 */
static void fault_disarm_if_spent(unsigned int bit, unsigned long *left, int n)
{
	int i;

	__atomic_fetch_and(&fault_armed, ~bit, __ATOMIC_SEQ_CST);
	for (i = 0; i < n; i++) {
		if (__atomic_load_n(&left[i], __ATOMIC_SEQ_CST)) {
			fault_arm(bit);
			return;
		}
	}
}

/* Consume one call from a countdown; true when this call is the one it names. */
static bool countdown_hit(unsigned long *left)
{
	unsigned long c = __atomic_load_n(left, __ATOMIC_RELAXED);

	do {
		if (!c)
			return false;
	} while (!__atomic_compare_exchange_n(left, &c, c - 1, true,
					      __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
	return c == 1;
}

/* splitmix64: a counter-based generator, so one fetch_add makes it thread-safe. */
static uint64_t prng_next(void)
{
	uint64_t z = __atomic_add_fetch(&prng_state, 0x9e3779b97f4a7c15ULL,
					__ATOMIC_RELAXED);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static __noinline bool should_fail_armed(enum fault_site site, unsigned int armed)
{
	bool fail = false;

	if (armed & ARM_ANY) {
		if (countdown_hit(&any_left)) {
			fail = true;
			fault_disarm_if_spent(ARM_ANY, &any_left, 1);
		}
	}
	if (armed & ARM_SITE) {
		if (countdown_hit(&site_left[site])) {
			fail = true;
			fault_disarm_if_spent(ARM_SITE, site_left, NR_FAULT_SITES);
		}
	}
	if (armed & ARM_PROB) {
		unsigned int p = __atomic_load_n(&prob_permille, __ATOMIC_RELAXED);

		if (prng_next() % 1000 < p)
			fail = true;
	}
	if (fail)
		__atomic_fetch_add(&nr_injected, 1, __ATOMIC_RELAXED);
	return fail;
}

/**
 * should_fail_alloc() - consult the fault-injection knobs at an allocation site.
 * @site: which kind of allocation this is.
 *
 * Counts the call; while nothing is armed that is all it does.
 *
 * Context: any thread, any lock held.
 * Return: true if this allocation must fail as if memory had run out.
 */
bool should_fail_alloc(enum fault_site site)
{
	unsigned int armed;

	if (WARN_ON_ONCE((unsigned int)site >= NR_FAULT_SITES))
		return false;
	__atomic_fetch_add(&nr_allocs[site], 1, __ATOMIC_RELAXED);
	armed = __atomic_load_n(&fault_armed, __ATOMIC_RELAXED);
	if (likely(!armed))
		return false;
	return should_fail_armed(site, armed);
}

/**
 * sim_fail_alloc_after() - fail one upcoming allocation, whatever its site.
 * @nth: 1 fails the very next should_fail_alloc() call, 2 the one after...;
 *	 0 disarms.
 *
 * The failure is injected once; later calls succeed again. Re-arming
 * replaces an earlier countdown that has not fired yet.
 *
 * Context: any thread; normally the test thread before the operation.
 */
void sim_fail_alloc_after(unsigned long nth)
{
	__atomic_store_n(&any_left, nth, __ATOMIC_SEQ_CST);
	if (nth)
		fault_arm(ARM_ANY);
	else
		fault_disarm_if_spent(ARM_ANY, &any_left, 1);
}

/**
 * sim_fail_site_after() - fail one upcoming allocation at one site.
 * @site: the site whose calls are counted.
 * @nth: 1 fails the next allocation at @site; 0 disarms that site.
 *
 * Calls at other sites neither fail nor advance the countdown. Each site
 * has its own countdown, so several sites may be armed at once.
 *
 * Context: any thread.
 */
void sim_fail_site_after(enum fault_site site, unsigned long nth)
{
	if (WARN_ON_ONCE((unsigned int)site >= NR_FAULT_SITES))
		return;
	__atomic_store_n(&site_left[site], nth, __ATOMIC_SEQ_CST);
	if (nth)
		fault_arm(ARM_SITE);
	else
		fault_disarm_if_spent(ARM_SITE, site_left, NR_FAULT_SITES);
}

/**
 * sim_fail_alloc_prob() - fail allocations at random, reproducibly.
 * @permille: chance of failure per call, in thousandths (0 disarms; values
 *	      above 1000 mean always).
 * @seed: PRNG seed; the same seed and call sequence give the same failures.
 *
 * The draw sequence is shared by all threads, so it is reproducible only
 * when the allocation order is.
 *
 * Context: any thread.
 */
void sim_fail_alloc_prob(unsigned int permille, uint64_t seed)
{
	if (permille > 1000)
		permille = 1000;
	__atomic_store_n(&prng_state, seed, __ATOMIC_RELAXED);
	__atomic_store_n(&prob_permille, permille, __ATOMIC_RELAXED);
	if (permille)
		fault_arm(ARM_PROB);
	else
		__atomic_fetch_and(&fault_armed, ~ARM_PROB, __ATOMIC_SEQ_CST);
}

/**
 * sim_fault_alloc_count() - allocations seen since the last reset.
 *
 * Return: the number of should_fail_alloc() calls at every site, failed or not.
 */
unsigned long sim_fault_alloc_count(void)
{
	unsigned long sum = 0;
	int i;

	for (i = 0; i < NR_FAULT_SITES; i++)
		sum += __atomic_load_n(&nr_allocs[i], __ATOMIC_RELAXED);
	return sum;
}

/**
 * sim_fault_site_count() - allocations seen at one site since the last reset.
 * @site: the site.
 *
 * Return: the number of should_fail_alloc(@site) calls, failed or not;
 * 0 for an invalid site.
 */
unsigned long sim_fault_site_count(enum fault_site site)
{
	if ((unsigned int)site >= NR_FAULT_SITES)
		return 0;
	return __atomic_load_n(&nr_allocs[site], __ATOMIC_RELAXED);
}

/**
 * sim_fault_injected() - failures injected since the last reset.
 *
 * Return: the number of should_fail_alloc() calls that returned true.
 */
unsigned long sim_fault_injected(void)
{
	return __atomic_load_n(&nr_injected, __ATOMIC_RELAXED);
}

/**
 * sim_fault_reset() - disarm every knob and zero every counter.
 *
 * Context: the test runner calls it after every case, with the machine
 * quiescent; allocations racing with a reset may be counted either side.
 */
void sim_fault_reset(void)
{
	int i;

	__atomic_store_n(&fault_armed, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&any_left, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&prob_permille, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&prng_state, 0, __ATOMIC_RELAXED);
	for (i = 0; i < NR_FAULT_SITES; i++) {
		__atomic_store_n(&site_left[i], 0, __ATOMIC_RELAXED);
		__atomic_store_n(&nr_allocs[i], 0, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&nr_injected, 0, __ATOMIC_RELAXED);
	for (i = 0; i < SIM_FAULT_MAX_RESET_HOOKS; i++) {
		void (*fn)(void) = __atomic_load_n(&reset_hooks[i], __ATOMIC_ACQUIRE);

		if (fn)
			fn();
	}
}

/**
 * sim_fault_register_reset() - have sim_fault_reset() call @fn too.
 * @fn: the hook; registering it twice is a no-op.
 *
 * Context: any thread.
 * Return: 0, -EINVAL for NULL, -ENOSPC when every slot is taken.
 */
int sim_fault_register_reset(void (*fn)(void))
{
	int i;

	if (!fn)
		return -EINVAL;
	for (i = 0; i < SIM_FAULT_MAX_RESET_HOOKS; i++) {
		void (*cur)(void) = NULL;

		if (__atomic_compare_exchange_n(&reset_hooks[i], &cur, fn, false,
						__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return 0;
		if (cur == fn)
			return 0;
	}
	return -ENOSPC;
}
