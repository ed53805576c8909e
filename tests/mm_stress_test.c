// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrency stress on one address space (scenarios.md §5.2
 * "Concurrency"): 2 threads (4 with -l), each running its own task on one
 * shared mm (sim_thread_create()), mix GUP-fast pins R/O and R/W, unpins,
 * user reads and writes, munmap + mmap of sub-ranges, MADV_DONTNEED, and
 * fork + exit of a child, for a bounded time. Built for ThreadSanitizer by
 * `make tsan`, which runs every case whose suite.case matches *stress*.
 *
 *   mm: [ own 0: 2 MiB ][ own 1: 2 MiB ] ... [ shared: 2 MiB ]
 *   thread i: remaps/zaps/writes only in own i; pins anywhere; writes and
 *   reads only its 64-byte slot of each shared page, so the test itself
 *   has no data races: whatever TSan reports is the library's.
 *
 * Checked on the way: a page pinned R/W is what the mapping writes into
 * (the pin stays coherent across a racing fork, R-COW-2), and a pin of a
 * range the pinner owns never fails. At the end: every pin released,
 * sim_check() == 0, the ledger as before.
 */
#include <errno.h>
#include <pthread.h>
#include <pinio/fault-inject.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>

#include "mm_helpers.h"
#include "suites.h"

#define MS_MAX_THREADS	4
#define MS_REGION	PMD_SIZE
#define MS_ACTIVE_PAGES	64		/* own-region pages the ops touch */
#define MS_SHARED_PAGES	(MS_REGION >> PAGE_SHIFT)
#define MS_SLOT		64		/* bytes of a shared page per thread */
#define MS_MAX_HELD	24		/* pins a thread holds at once */
#define MS_MAX_OPS	400000UL

static const struct sim_config ms_cfg = {
	.mem_bytes = 64UL << 20,
	.thp = true,
};

static int ms_test_init(struct kunit *test)
{
	return t_mm_boot(&ms_cfg);
}

static void ms_test_exit(struct kunit *test)
{
	t_mm_shutdown(test);
}

struct ms_run {
	int nr_threads;
	unsigned long own[MS_MAX_THREADS];
	unsigned long shared;
	double deadline;
};

struct ms_held {
	struct page *page;
};

struct ms_thread {
	struct ms_run *run;
	struct task_struct *task;
	pthread_t thread;
	int id;
	uint64_t rng;
	struct ms_held held[MS_MAX_HELD];
	int nr_held;
	unsigned long ops, pins, forks, remaps, errors;
	char err[192];
};

static double ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t ms_rand(struct ms_thread *t)
{
	t->rng ^= t->rng << 13;
	t->rng ^= t->rng >> 7;
	t->rng ^= t->rng << 17;
	return t->rng;
}

static unsigned long ms_below(struct ms_thread *t, unsigned long n)
{
	return ms_rand(t) % n;
}

static void __printf(2, 3) ms_error(struct ms_thread *t, const char *fmt, ...)
{
	va_list ap;

	if (!t->errors++) {
		va_start(ap, fmt);
		vsnprintf(t->err, sizeof(t->err), fmt, ap);
		va_end(ap);
	}
}

static void ms_unpin_one(struct ms_thread *t, int i)
{
	unpin_user_page(t->held[i].page);
	t->held[i] = t->held[--t->nr_held];
}

static void ms_unpin_all(struct ms_thread *t)
{
	while (t->nr_held)
		ms_unpin_one(t, t->nr_held - 1);
}

/* A page of own region @id: one of the active ones. */
static unsigned long ms_own_page(struct ms_thread *t, int id)
{
	return t->run->own[id] + ms_below(t, MS_ACTIVE_PAGES) * PAGE_SIZE;
}

/* This thread's slot in a random shared page. */
static unsigned long ms_shared_slot(struct ms_thread *t)
{
	return t->run->shared + ms_below(t, MS_SHARED_PAGES) * PAGE_SIZE + t->id * MS_SLOT;
}

/*
 * Pin 1..4 pages R/O somewhere: own region, shared region or another
 * thread's, which may be being unmapped right now (-EFAULT or short is
 * fine): GUP-fast then looks at pages being freed under it.
 */
static void ms_op_pin_ro(struct ms_thread *t)
{
	struct page *pages[4];
	int n = 1 + (int)ms_below(t, 4), other, ret, i;
	unsigned long addr;
	bool must;

	if (t->nr_held + n > MS_MAX_HELD)
		ms_unpin_all(t);
	switch (ms_below(t, 3)) {
	case 0:
		addr = ms_own_page(t, t->id);
		n = min(n, (int)((t->run->own[t->id] + MS_ACTIVE_PAGES * PAGE_SIZE - addr) >> PAGE_SHIFT));
		must = true;
		break;
	case 1:
		addr = t->run->shared + ms_below(t, MS_SHARED_PAGES - 4) * PAGE_SIZE;
		must = true;
		break;
	default:
		other = (t->id + 1 + (int)ms_below(t, t->run->nr_threads - 1)) % t->run->nr_threads;
		addr = ms_own_page(t, other);
		n = min(n, (int)((t->run->own[other] + MS_ACTIVE_PAGES * PAGE_SIZE - addr) >> PAGE_SHIFT));
		must = other == t->id;
		break;
	}
	t_mm_poison(pages, n);
	ret = pin_user_pages_fast(addr, n, 0, pages);
	if (must && ret != n)
		ms_error(t, "R/O pin of %d mapped pages at %#lx returned %d", n, addr, ret);
	for (i = 0; i < ret; i++) {
		if (pages[i] == T_MM_POISON_PTR) {
			ms_error(t, "R/O pin returned %d but left entry %d poisoned", ret, i);
			continue;
		}
		t->held[t->nr_held++].page = pages[i];
	}
	t->pins += ret > 0 ? ret : 0;
}

/*
 * Pin one page R/W (own page or own shared slot), then write through the
 * mapping: the write must land in the pinned page.
 */
static void ms_op_pin_rw(struct ms_thread *t)
{
	bool own = ms_below(t, 2);
	unsigned long addr = own ? ms_own_page(t, t->id) + 8 * ms_below(t, 8) : ms_shared_slot(t);
	struct page *page = T_MM_POISON_PTR;
	uint64_t v = ms_rand(t), seen;
	int ret;

	if (t->nr_held == MS_MAX_HELD)
		ms_unpin_one(t, (int)ms_below(t, MS_MAX_HELD));
	ret = pin_user_pages_fast(addr, 1, FOLL_WRITE, &page);
	if (ret != 1) {
		ms_error(t, "R/W pin of mapped %#lx returned %d", addr, ret);
		return;
	}
	t->held[t->nr_held++].page = page;
	t->pins++;
	if (sim_user_write(addr, &v, sizeof(v)) != sizeof(v)) {
		ms_error(t, "write to %#lx failed", addr);
		return;
	}
	memcpy(&seen, (char *)page_address(page) + (addr & ~PAGE_MASK), sizeof(seen));
	if (seen != v)
		ms_error(t, "R/W pin of %#lx is not what the mapping writes to", addr);
}

static void ms_op_user_access(struct ms_thread *t)
{
	bool own = ms_below(t, 2), write = ms_below(t, 2);
	unsigned long addr = own ? ms_own_page(t, t->id) : ms_shared_slot(t);
	char buf[MS_SLOT];
	size_t len = own ? (size_t)MS_SLOT : sizeof(buf);
	ssize_t ret;

	memset(buf, t->id + 'a', sizeof(buf));
	ret = write ? sim_user_write(addr, buf, len) : sim_user_read(addr, buf, len);
	if (ret != (ssize_t)len)
		ms_error(t, "user %s of %#lx returned %zd", write ? "write" : "read", addr, ret);
}

/* munmap + mmap(MAP_FIXED) 1..8 pages of the own region: a window of -EFAULT. */
static void ms_op_remap(struct ms_thread *t)
{
	unsigned long n = 1 + ms_below(t, 8);
	unsigned long addr = t->run->own[t->id] + ms_below(t, MS_ACTIVE_PAGES - 8) * PAGE_SIZE;
	unsigned long r;

	if (sim_munmap(addr, n * PAGE_SIZE))
		ms_error(t, "munmap %#lx failed", addr);
	r = sim_mmap(addr, n * PAGE_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (r != addr)
		ms_error(t, "mmap MAP_FIXED %#lx returned %#lx", addr, r);
	t->remaps++;
}

static void ms_op_dontneed(struct ms_thread *t)
{
	unsigned long n = 1 + ms_below(t, 8);
	unsigned long addr = t->run->own[t->id] + ms_below(t, MS_ACTIVE_PAGES - 8) * PAGE_SIZE;

	if (sim_madvise(addr, n * PAGE_SIZE, MADV_DONTNEED))
		ms_error(t, "MADV_DONTNEED %#lx failed", addr);
}

/* fork; the child writes into its copy of the own region (COW) and exits. */
static void ms_op_fork(struct ms_thread *t)
{
	struct task_struct *child = sim_fork();
	char c = 'c';

	if (IS_ERR_OR_NULL(child)) {
		ms_error(t, "fork failed: %ld", PTR_ERR(child));
		return;
	}
	sim_task_switch(child);
	if (sim_user_write(ms_own_page(t, t->id), &c, 1) != 1)
		ms_error(t, "child write failed");
	sim_task_switch(t->task);
	sim_task_exit(child);
	t->forks++;
}

static void *ms_thread_fn(void *arg)
{
	struct ms_thread *t = arg;

	sim_task_switch(t->task);
	while (t->ops < MS_MAX_OPS && !(t->ops % 64 == 0 && ms_now() > t->run->deadline)) {
		unsigned long op = ms_below(t, 100);

		if (op < 30)
			ms_op_pin_ro(t);
		else if (op < 40)
			ms_op_pin_rw(t);
		else if (op < 55) {
			if (t->nr_held)
				ms_unpin_one(t, (int)ms_below(t, t->nr_held));
		} else if (op < 80)
			ms_op_user_access(t);
		else if (op < 88)
			ms_op_remap(t);
		else if (op < 95)
			ms_op_dontneed(t);
		else
			ms_op_fork(t);
		t->ops++;
	}
	ms_unpin_all(t);
	sim_task_switch(NULL);
	return NULL;
}

static void ms_run(struct kunit *test, int nr_threads, double seconds)
{
	struct task_struct *init = sim_current();
	struct ms_thread threads[MS_MAX_THREADS];
	struct ms_run run = { .nr_threads = nr_threads };
	unsigned long ops = 0, pins = 0, forks = 0, remaps = 0;
	int i;

	for (i = 0; i < nr_threads; i++) {
		run.own[i] = t_mm_mmap(test, MS_REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE);
		t_mm_fill(test, run.own[i], 'o', MS_ACTIVE_PAGES * PAGE_SIZE);
	}
	run.shared = t_mm_mmap(test, MS_REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	t_mm_fill(test, run.shared, 's', MS_REGION);

	memset(threads, 0, sizeof(threads));
	run.deadline = ms_now() + seconds;
	for (i = 0; i < nr_threads; i++) {
		struct ms_thread *t = &threads[i];

		t->run = &run;
		t->id = i;
		t->rng = (kunit_seed() + 1) * 0x9e3779b97f4a7c15ULL + (uint64_t)i * 0x2545f4914f6cdd1dULL;
		t->task = sim_thread_create(init);
		KUNIT_ASSERT_NOT_NULL(test, t->task);
	}
	for (i = 0; i < nr_threads; i++)
		KUNIT_ASSERT_EQ(test, pthread_create(&threads[i].thread, NULL, ms_thread_fn,
						     &threads[i]), 0);
	for (i = 0; i < nr_threads; i++) {
		struct ms_thread *t = &threads[i];

		pthread_join(t->thread, NULL);
		KUNIT_EXPECT_EQ_MSG(test, t->errors, 0, "thread %d: %s", i, t->err);
		KUNIT_EXPECT_EQ(test, t->nr_held, 0);
		ops += t->ops;
		pins += t->pins;
		forks += t->forks;
		remaps += t->remaps;
		sim_task_exit(t->task);
	}
	if (kunit_verbose())
		kunit_info(test, "%d threads: %lu ops, %lu pins, %lu forks, %lu remaps",
			   nr_threads, ops, pins, forks, remaps);
	KUNIT_EXPECT_GT(test, forks, 0);

	KUNIT_EXPECT_EQ(test, mm_pins_outstanding(), 0);
	KUNIT_EXPECT_EQ(test, node_page_state(NR_FOLL_PIN_ACQUIRED),
			node_page_state(NR_FOLL_PIN_RELEASED));
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
	for (i = 0; i < nr_threads; i++)
		t_mm_munmap(test, run.own[i], MS_REGION);
	t_mm_munmap(test, run.shared, MS_REGION);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/*
 * Two threads on one mm for about half a second (or 400,000 ops each).
 * Expect no thread error, no pin left, sim_check() == 0, no TSan report.
 */
static void mm_stress_pin_fork_munmap_2_threads(struct kunit *test)
{
	ms_run(test, 2, 0.5);
}

/* The same with four threads for about a second; only with -l. */
static void mm_stress_pin_fork_munmap_4_threads(struct kunit *test)
{
	if (!kunit_long())
		kunit_skip(test, "4-thread stress runs with -l (kunit_long())");
	ms_run(test, 4, 1.0);
}

/* ---- a huge-page fault that falls back, racing one that maps a PMD ---- */

#define MS_RACE_ROUNDS	3000
/*
 * Each round maps a fresh 2 MiB range from here up: munmap leaves a
 * range's PTE table in place (the simulation frees page tables only at
 * exit), so a reused range would never take the huge-page path again.
 */
#define MS_RACE_BASE	(1UL << 44)

struct ms_race {
	struct task_struct *task;
	pthread_barrier_t *start, *done;
	unsigned long *addr;	/* this round's 2 MiB range, set before start */
	bool write;		/* write fault at +0, else read fault at +4 KiB */
	unsigned long rounds, ooms;
	int err;
};

static void *ms_race_fn(void *arg)
{
	struct ms_race *r = arg;
	unsigned long i;
	char c = 'w';

	sim_task_switch(r->task);
	for (i = 0; i < r->rounds; i++) {
		pthread_barrier_wait(r->start);
		if (r->write) {
			ssize_t w = sim_user_write(*r->addr, &c, 1);

			/*
			 * When B's PMD came first, the failure meant for A's
			 * huge folio hits A's small COW folio instead: an
			 * honest -ENOMEM; the fault is spent, so retry.
			 */
			if (w == -ENOMEM) {
				r->ooms++;
				w = sim_user_write(*r->addr, &c, 1);
			}
			if (w != 1)
				r->err++;
		} else if (sim_user_read(*r->addr + PAGE_SIZE, &c, 1) != 1 || c) {
			r->err++;
		}
		pthread_barrier_wait(r->done);
	}
	sim_task_switch(NULL);
	return NULL;
}

/*
 * Two threads fault the same untouched THP-eligible 2 MiB range at once:
 * A writes (its huge folio allocation is made to fail, so it falls back to
 * a PTE table), B reads (the huge zero folio needs no allocation, so B
 * maps a PMD leaf).
 *
 *   A: pmd none -> huge alloc fails -> install PTE table -> map a page
 *   B: pmd none -> ptl: pmd none? -> set PMD leaf (huge zero)
 *
 * The PMD slot takes either A's table or B's leaf, never both, and A must
 * never read B's leaf as a table pointer (the kernel's pmd_install() and
 * the huge fault both decide under the page table lock). Expect, every
 * round: both faults succeed, B reads 0, A's byte reads back, sim_check()
 * == 0; at the end no page table, folio or pin leaked (the ledger).
 */
static void mm_stress_thp_fallback_fault_race(struct kunit *test)
{
	struct task_struct *init = sim_current();
	pthread_barrier_t start, done;
	struct ms_race r[2];
	unsigned long addr = 0, warm, i, lost = 0;
	pthread_t th[2];
	char c;

	/* The huge zero folio exists from here on: B's read allocates nothing. */
	warm = t_mm_mmap(test, MS_REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	KUNIT_ASSERT_TRUE(test, IS_ALIGNED(warm, PMD_SIZE));
	KUNIT_ASSERT_EQ(test, sim_user_read(warm, &c, 1), 1);
	pthread_barrier_init(&start, NULL, 3);
	pthread_barrier_init(&done, NULL, 3);
	for (i = 0; i < 2; i++) {
		r[i] = (struct ms_race){ .start = &start, .done = &done, .addr = &addr,
					 .write = i == 0, .rounds = MS_RACE_ROUNDS };
		r[i].task = sim_thread_create(init);
		KUNIT_ASSERT_NOT_NULL(test, r[i].task);
		KUNIT_ASSERT_EQ(test, pthread_create(&th[i], NULL, ms_race_fn, &r[i]), 0);
	}
	for (i = 0; i < MS_RACE_ROUNDS; i++) {
		addr = sim_mmap(MS_RACE_BASE + i * MS_REGION, MS_REGION, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		KUNIT_ASSERT_EQ(test, addr, MS_RACE_BASE + i * MS_REGION);
		sim_fault_reset();
		sim_fail_site_after(FAULT_PAGE_ALLOC, 1);	/* A's huge folio */
		pthread_barrier_wait(&start);
		pthread_barrier_wait(&done);
		sim_fault_reset();
		lost += sim_user_read(addr, &c, 1) != 1 || c != 'w';
		t_mm_munmap(test, addr, MS_REGION);
	}
	for (i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		KUNIT_EXPECT_EQ_MSG(test, r[i].err, 0, "thread %s: failed faults",
				    r[i].write ? "A (write)" : "B (read)");
		sim_task_exit(r[i].task);
	}
	pthread_barrier_destroy(&start);
	pthread_barrier_destroy(&done);
	KUNIT_EXPECT_EQ_MSG(test, lost, 0UL, "rounds where A's write did not read back");
	kunit_info(test, "%d rounds: A's huge folio failed first in %lu, B's PMD came first in %lu",
		   MS_RACE_ROUNDS, MS_RACE_ROUNDS - r[0].ooms, r[0].ooms);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
	t_mm_munmap(test, warm, MS_REGION);
}

static struct kunit_case ms_test_cases[] = {
	KUNIT_CASE(mm_stress_pin_fork_munmap_2_threads),
	KUNIT_CASE(mm_stress_pin_fork_munmap_4_threads),
	KUNIT_CASE(mm_stress_thp_fallback_fault_race),
	{}
};

struct kunit_suite mm_stress_suite = {
	.name = "mm_stress",
	.init = ms_test_init,
	.exit = ms_test_exit,
	.test_cases = ms_test_cases,
};
