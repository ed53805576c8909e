// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for how sim/aio.c wakes its reapers: a completion wakes a
 * waiting reaper only once the count it waits for is there (or the last
 * I/O in flight ended), not on every post. What must not change: every
 * I/O completes exactly once, a reap returns no more than @max and waits
 * for @min, and nobody sleeps through a completion it needs. Fixture:
 * tests/fops_fixture.c (the "fram" ram disk).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <pinio/fs.h>
#include <pinio/sim.h>

#include "kunit/test.h"
#include "mm_helpers.h"
#include "fops_fixture.h"

#define REAP_QD		32

static const unsigned int reap_threads[] = { 0, 1, 2 };

static void reap_threads_desc(const unsigned int *n, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u DMA threads", *n);
}

KUNIT_ARRAY_PARAM(reap_threads, reap_threads, reap_threads_desc);

/* Write pattern 60 + i to block i (4 KiB) of the disk, i < @n, through @buf. */
static void reap_fill_disk(struct kunit *test, int fd, unsigned long buf, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		fops_fill(test, buf + i * PAGE_SIZE, PAGE_SIZE, 60 + i);
	KUNIT_ASSERT_EQ(test, sim_pwrite(fd, buf, n * PAGE_SIZE, 0), (ssize_t)(n * PAGE_SIZE));
}

/*
 * QD32 reads on a disk that completes each bio after 20 us plus 0..300 us
 * of jitter, so that completions trickle in out of order (on the workers,
 * or inline in the submitter), reaped 5 at a time:
 *   submit tags 0..31 (tag i reads block 31 - i)
 *   reap(min 5, max 5) x6, reap(min 2, max 5) x1
 * Expect every reap to return exactly what it asked for (5, then 2), each
 * tag exactly once with 4096 bytes, each buffer holding its block's
 * pattern, a final reap(0, 5) to return 0, and the pins all released.
 */
static void aio_reap_min_with_jitter(struct kunit *test)
{
	unsigned int threads = *(const unsigned int *)test->param_value, old = sim_dma_threads();
	struct sim_io_fault f = { .flags = SIM_IO_DELAY, .delay_us = 20, .jitter_us = 300 };
	unsigned long buf = fops_mmap(test, REAP_QD * PAGE_SIZE);
	int fd = fops_open(test, O_RDWR | O_DIRECT);
	struct sim_aio *ring = sim_aio_create(REAP_QD);
	unsigned int seen[REAP_QD] = { 0 }, got = 0, i;
	struct fops_counts c;
	int64_t res[5];
	uint64_t tags[5];

	KUNIT_ASSERT_FALSE(test, IS_ERR(ring));
	KUNIT_ASSERT_EQ(test, sim_dma_set_threads(threads), 0);
	reap_fill_disk(test, fd, buf, REAP_QD);
	t_mm_fill(test, buf, 0, REAP_QD * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, sim_disk_inject(FOPS_DISK, &f), 0);
	fops_counts(&c);
	for (i = 0; i < REAP_QD; i++)
		KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, fd, false, buf + i * PAGE_SIZE, PAGE_SIZE,
						     (REAP_QD - 1 - i) * PAGE_SIZE, i), 0);
	while (got < REAP_QD) {
		unsigned int want = min(5U, REAP_QD - got);
		int n = sim_aio_reap(ring, want, 5, res, tags);

		KUNIT_ASSERT_EQ_MSG(test, n, (int)want, "after %u reaped", got);
		for (i = 0; i < (unsigned int)n; i++) {
			KUNIT_ASSERT_LT(test, tags[i], (uint64_t)REAP_QD);
			KUNIT_EXPECT_EQ(test, res[i], PAGE_SIZE);
			seen[tags[i]]++;
		}
		got += (unsigned int)n;
	}
	KUNIT_EXPECT_EQ(test, sim_aio_reap(ring, 0, 5, res, tags), 0);
	for (i = 0; i < REAP_QD; i++) {
		KUNIT_EXPECT_EQ_MSG(test, seen[i], 1U, "tag %u", i);
		KUNIT_EXPECT_TRUE_MSG(test, fops_user_is(buf + i * PAGE_SIZE, PAGE_SIZE,
							 60 + REAP_QD - 1 - i, false), "tag %u", i);
	}
	FOPS_EXPECT_PINS(test, &c, REAP_QD, REAP_QD);
	sim_disk_inject(FOPS_DISK, NULL);
	sim_aio_destroy(ring);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_dma_set_threads(old), 0);
	t_mm_munmap(test, buf, REAP_QD * PAGE_SIZE);
}

struct reap_release {
	int released;
};

static void *reap_release_later(void *p)
{
	struct reap_release *r = p;
	struct timespec ts = { 0, 30 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	r->released = sim_disk_release(FOPS_DISK);
	return NULL;
}

/*
 * The reaper is surely asleep when the completion it needs arrives: 4
 * reads held by the disk (F10), released 30 ms later by another thread,
 * inline DMA (they complete one by one on the releasing thread):
 *   reap(min 4) sleeps ......... release: post 1, 2, 3, 4 -> wake once
 *   then 4 more held, reap(min 6, max 8): only 4 can come -> wait for 4
 * Expect reap(4, 4) to return 4 and reap(6, 8) to return 4 (it asks for
 * more than is in flight and must wake when the last one ends), each tag
 * once.
 */
static void aio_reap_wakes_at_exact_min(struct kunit *test)
{
	struct sim_io_fault f = { .flags = SIM_IO_HOLD };
	unsigned long buf = fops_mmap(test, 8 * PAGE_SIZE);
	int fd = fops_open(test, O_RDWR | O_DIRECT);
	struct sim_aio *ring = sim_aio_create(8);
	unsigned int old = sim_dma_threads(), seen[8] = { 0 }, round, i;
	int64_t res[8];
	uint64_t tags[8];

	KUNIT_ASSERT_FALSE(test, IS_ERR(ring));
	KUNIT_ASSERT_EQ(test, sim_dma_set_threads(0), 0);
	reap_fill_disk(test, fd, buf, 8);
	KUNIT_ASSERT_EQ(test, sim_disk_inject(FOPS_DISK, &f), 0);
	for (round = 0; round < 2; round++) {
		struct reap_release r = { 0 };
		pthread_t th;

		for (i = 0; i < 4; i++)
			KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, fd, false,
							     buf + (round * 4 + i) * PAGE_SIZE,
							     PAGE_SIZE, i * PAGE_SIZE,
							     round * 4 + i), 0);
		KUNIT_ASSERT_EQ(test, pthread_create(&th, NULL, reap_release_later, &r), 0);
		KUNIT_EXPECT_EQ(test, round ? sim_aio_reap(ring, 6, 8, res, tags)
					    : sim_aio_reap(ring, 4, 4, res, tags), 4);
		pthread_join(th, NULL);
		KUNIT_EXPECT_EQ(test, r.released, 4);
		for (i = 0; i < 4; i++) {
			KUNIT_EXPECT_EQ(test, res[i], PAGE_SIZE);
			if (tags[i] < 8)
				seen[tags[i]]++;
		}
	}
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ_MSG(test, seen[i], 1U, "tag %u", i);
	sim_disk_inject(FOPS_DISK, NULL);
	sim_aio_destroy(ring);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_dma_set_threads(old), 0);
	t_mm_munmap(test, buf, 8 * PAGE_SIZE);
}

struct reap_share {
	struct kunit *test;
	struct sim_aio *ring;
	pthread_mutex_t lock;
	unsigned int seen[REAP_QD];
	unsigned int reaped;		/* by both reapers */
	unsigned int calls;		/* reap calls that returned > 0 */
	bool bad;			/* a result other than 4096, or a bad tag */
};

/* Reap (min 1, max 3) until both reapers together have every completion. */
static void *reap_worker(void *p)
{
	struct reap_share *s = p;
	int64_t res[3];
	uint64_t tags[3];

	for (;;) {
		int n, i;

		pthread_mutex_lock(&s->lock);
		if (s->reaped == REAP_QD) {
			pthread_mutex_unlock(&s->lock);
			return NULL;
		}
		pthread_mutex_unlock(&s->lock);
		/* Returns 0 at once once the other reaper took the last one. */
		n = sim_aio_reap(s->ring, 1, 3, res, tags);
		pthread_mutex_lock(&s->lock);
		if (n < 0 || n > 3)
			s->bad = true;
		for (i = 0; i < n; i++) {
			if (tags[i] >= REAP_QD || res[i] != PAGE_SIZE)
				s->bad = true;
			else
				s->seen[tags[i]]++;
		}
		if (n > 0) {
			s->reaped += (unsigned int)n;
			s->calls++;
		}
		pthread_mutex_unlock(&s->lock);
	}
}

/*
 * Two threads reap the same ring while 32 delayed reads complete on two
 * DMA workers:
 *   test thread: submit 0..31, then reap(1, 3) in a loop  \
 *   helper:                         reap(1, 3) in a loop  /  one CQ
 * A wakeup is shared (the smallest count anyone waits for), so a reaper
 * must not sleep through completions while the other one is awake.
 * Expect both loops to end (no lost wakeup), every tag reaped exactly
 * once by one of them with 4096 bytes, and the ring empty afterwards.
 */
static void aio_reap_two_reapers(struct kunit *test)
{
	struct sim_io_fault f = { .flags = SIM_IO_DELAY, .delay_us = 10, .jitter_us = 200 };
	unsigned long buf = fops_mmap(test, REAP_QD * PAGE_SIZE);
	int fd = fops_open(test, O_RDWR | O_DIRECT);
	unsigned int old = sim_dma_threads(), i;
	struct reap_share s;
	pthread_t th;

	memset(&s, 0, sizeof(s));
	s.test = test;
	s.ring = sim_aio_create(REAP_QD);
	pthread_mutex_init(&s.lock, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(s.ring));
	KUNIT_ASSERT_EQ(test, sim_dma_set_threads(2), 0);
	reap_fill_disk(test, fd, buf, REAP_QD);
	KUNIT_ASSERT_EQ(test, sim_disk_inject(FOPS_DISK, &f), 0);
	for (i = 0; i < REAP_QD; i++)
		KUNIT_EXPECT_EQ(test, sim_aio_submit(s.ring, fd, false, buf + i * PAGE_SIZE,
						     PAGE_SIZE, i * PAGE_SIZE, i), 0);
	KUNIT_ASSERT_EQ(test, pthread_create(&th, NULL, reap_worker, &s), 0);
	reap_worker(&s);
	pthread_join(th, NULL);
	KUNIT_EXPECT_FALSE(test, s.bad);
	KUNIT_EXPECT_EQ(test, s.reaped, (unsigned int)REAP_QD);
	for (i = 0; i < REAP_QD; i++) {
		KUNIT_EXPECT_EQ_MSG(test, s.seen[i], 1U, "tag %u", i);
		KUNIT_EXPECT_TRUE_MSG(test, fops_user_is(buf + i * PAGE_SIZE, PAGE_SIZE, 60 + i,
							 false), "tag %u", i);
	}
	KUNIT_EXPECT_EQ(test, sim_aio_reap(s.ring, 0, 3, NULL, NULL), 0);
	sim_disk_inject(FOPS_DISK, NULL);
	sim_aio_destroy(s.ring);
	pthread_mutex_destroy(&s.lock);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_dma_set_threads(old), 0);
	t_mm_munmap(test, buf, REAP_QD * PAGE_SIZE);
}

static struct kunit_case aio_reap_cases[] = {
	KUNIT_CASE_PARAM(aio_reap_min_with_jitter, reap_threads_gen_params),
	KUNIT_CASE(aio_reap_wakes_at_exact_min),
	KUNIT_CASE(aio_reap_two_reapers),
	{}
};

struct kunit_suite aio_reap_suite = {
	.name = "aio_reap",
	.init = fops_test_init,
	.exit = fops_test_exit,
	.test_cases = aio_reap_cases,
};
