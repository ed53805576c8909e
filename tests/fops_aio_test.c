// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for asynchronous O_DIRECT on a raw block device through the
 * ring of sim/aio.c (block/fops.c's async and multi-bio paths), and R01,
 * the zero-page pin storm, as real I/O on a `null` disk. The fixture (a
 * 64 MiB machine with THP and the "fram" ram disk per case) is
 * tests/fops_fixture.c.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <pinio/blkdev.h>
#include <pinio/fs.h>
#include <pinio/sim.h>

#include "block/blk.h"
#include "kunit/test.h"
#include "mm_helpers.h"
#include "fops_fixture.h"

/* ---- the asynchronous ring -------------------------------------------------- */

/*
 * QD 8 with the disk reordering: it holds bios until 8 are held, then runs
 * them newest first (inline DMA, so the order is exact).
 *   submit: tags 0 1 2 ... 7     (a 9th submit: -EAGAIN)
 *   reap:   tags 7 6 5 ... 0
 * Expect 8 completions of 4096 in reverse order, each tag's 4 KiB on the
 * disk at tag*4096, 1 pin per write acquired and released, and after the
 * reaps a second round of 8 async reads returning the data.
 */
static void fops_aio_qd8_reordered(struct kunit *test)
{
	const unsigned int qd = 8;
	unsigned long src = fops_mmap(test, qd * PAGE_SIZE), dst = fops_mmap(test, qd * PAGE_SIZE);
	struct sim_io_fault f = { .flags = SIM_IO_REORDER, .depth = qd };
	unsigned int threads = sim_dma_threads(), i;
	int fd = fops_open(test, O_RDWR | O_DIRECT);
	struct sim_aio *ring = sim_aio_create(qd);
	int64_t res[8];
	uint64_t tags[8];
	struct fops_counts c;

	KUNIT_ASSERT_FALSE(test, IS_ERR(ring));
	KUNIT_ASSERT_EQ(test, sim_dma_set_threads(0), 0);
	for (i = 0; i < qd; i++)
		fops_fill(test, src + i * PAGE_SIZE, PAGE_SIZE, 20 + i);
	t_mm_fill(test, dst, 0, qd * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, sim_disk_inject(FOPS_DISK, &f), 0);

	fops_counts(&c);
	for (i = 0; i < qd; i++)
		KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, fd, true, src + i * PAGE_SIZE, PAGE_SIZE,
						     i * PAGE_SIZE, i), 0);
	KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, fd, true, src, PAGE_SIZE, 0, 99), -EAGAIN);
	KUNIT_ASSERT_EQ(test, sim_aio_reap(ring, qd, qd, res, tags), (int)qd);
	for (i = 0; i < qd; i++) {
		KUNIT_EXPECT_EQ(test, res[i], PAGE_SIZE);
		KUNIT_EXPECT_EQ_MSG(test, tags[i], qd - 1 - i, "completion %u", i);
	}
	FOPS_EXPECT_PINS(test, &c, qd, qd);
	sim_disk_inject(FOPS_DISK, NULL);

	for (i = 0; i < qd; i++)
		KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, fd, false, dst + i * PAGE_SIZE, PAGE_SIZE,
						     i * PAGE_SIZE, 100 + i), 0);
	KUNIT_ASSERT_EQ(test, sim_aio_reap(ring, qd, qd, res, tags), (int)qd);
	for (i = 0; i < qd; i++) {
		KUNIT_EXPECT_EQ(test, res[i], PAGE_SIZE);
		KUNIT_EXPECT_TRUE(test, fops_user_is(dst + i * PAGE_SIZE, PAGE_SIZE, 20 + i, false));
	}
	sim_aio_destroy(ring);
	KUNIT_EXPECT_EQ(test, sim_dma_set_threads(threads), 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	t_mm_munmap(test, src, qd * PAGE_SIZE);
	t_mm_munmap(test, dst, qd * PAGE_SIZE);
}

/*
 * What the ring refuses at submit and what it reports as a completion:
 *   bad fd, write on a read-only fd           -> submit: -EBADF
 *   NULL ring, negative offset                -> submit: -EINVAL
 *   misaligned position                       -> completion -EINVAL, 0 pins
 *   misaligned buffer (B+100, 4096)           -> completion -EINVAL, 0 pins
 *                                                (refused before pinning, v6.5)
 *   read at the end of the disk               -> completion 0
 *   1 MiB + 4 KiB write (257 pages: multi-bio) -> completion 1052672
 * Expect those, and the ring empty afterwards (reap with min 0 gives 0).
 */
static void fops_aio_errors_and_multi_bio(struct kunit *test)
{
	const size_t big = (1UL << 20) + PAGE_SIZE;
	unsigned long buf = fops_mmap_small(test, big);
	int fd = fops_open(test, O_RDWR | O_DIRECT), ro = fops_open(test, O_RDONLY | O_DIRECT);
	struct sim_aio *ring = sim_aio_create(4);
	int64_t res[4];
	uint64_t tags[4];
	struct fops_counts c;
	int n;

	KUNIT_ASSERT_FALSE(test, IS_ERR(ring));
	KUNIT_EXPECT_PTR_EQ(test, sim_aio_create(0), ERR_PTR(-EINVAL));
	fops_fill(test, buf, big, 30);
	KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, 77, true, buf, 4096, 0, 0), -EBADF);
	KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, ro, true, buf, 4096, 0, 0), -EBADF);
	KUNIT_EXPECT_EQ(test, sim_aio_submit(NULL, fd, true, buf, 4096, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, fd, true, buf, 4096, -4096, 0), -EINVAL);

	fops_counts(&c);
	KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, fd, true, buf, 4096, 100, 1), 0);
	KUNIT_EXPECT_EQ(test, sim_aio_reap(ring, 1, 4, res, tags), 1);
	KUNIT_EXPECT_EQ(test, res[0], -EINVAL);
	FOPS_EXPECT_PINS(test, &c, 0, 0);

	fops_counts(&c);
	KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, fd, false, buf + 100, 4096, 0, 2), 0);
	KUNIT_EXPECT_EQ(test, sim_aio_reap(ring, 1, 4, res, tags), 1);
	KUNIT_EXPECT_EQ(test, res[0], -EINVAL);
	FOPS_EXPECT_PINS(test, &c, 0, 0);

	KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, fd, false, buf, 4096, FOPS_DISK_BYTES, 3), 0);
	KUNIT_EXPECT_EQ(test, sim_aio_reap(ring, 1, 4, res, tags), 1);
	KUNIT_EXPECT_EQ(test, res[0], 0);

	fops_counts(&c);
	KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, fd, true, buf, big, 0, 4), 0);
	n = sim_aio_reap(ring, 1, 4, res, tags);
	KUNIT_EXPECT_EQ(test, n, 1);
	KUNIT_EXPECT_EQ(test, res[0], (int64_t)big);
	KUNIT_EXPECT_EQ(test, tags[0], 4ULL);
	FOPS_EXPECT_PINS(test, &c, big / PAGE_SIZE, big / PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, fops_disk_is(test, 0, big, 30, false));
	KUNIT_EXPECT_EQ(test, sim_aio_reap(ring, 0, 4, res, tags), 0);
	KUNIT_EXPECT_EQ(test, sim_aio_reap(ring, 2, 1, res, tags), -EINVAL);

	sim_aio_destroy(ring);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_close(ro), 0);
	t_mm_munmap(test, buf, big);
}

struct fops_release_arg {
	const char *disk;
	int released;
};

static void *fops_release_later(void *p)
{
	struct fops_release_arg *arg = p;
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	arg->released = sim_disk_release(arg->disk);
	return NULL;
}

/*
 * Close the fd and destroy the ring while its I/O is still held by the
 * disk; another thread releases the disk 20 ms later (F10):
 *   submit x4 (held) -> close(fd) -> destroy ... release -> destroy returns
 * Expect the file to live on until the ring lets go of it, destroy to
 * return only after the 4 held writes completed, and every pin to be back
 * by then (reaped or not, a completed I/O holds no pin).
 */
static void fops_aio_destroy_waits_for_inflight(struct kunit *test)
{
	unsigned long buf = fops_mmap(test, 4 * PAGE_SIZE);
	struct sim_io_fault f = { .flags = SIM_IO_HOLD };
	struct fops_release_arg arg = { .disk = FOPS_DISK };
	int fd = fops_open(test, O_RDWR | O_DIRECT);
	struct sim_aio *ring = sim_aio_create(4);
	struct fops_counts c;
	pthread_t th;
	int i;

	KUNIT_ASSERT_FALSE(test, IS_ERR(ring));
	fops_fill(test, buf, 4 * PAGE_SIZE, 40);
	KUNIT_ASSERT_EQ(test, sim_disk_inject(FOPS_DISK, &f), 0);
	fops_counts(&c);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, fd, true, buf + i * PAGE_SIZE, PAGE_SIZE,
						     i * PAGE_SIZE, i), 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, nr_live_files(), 1);
	KUNIT_EXPECT_EQ(test, sim_vmstat("nr_foll_pin_acquired") - c.acquired, 4UL);
	KUNIT_EXPECT_EQ(test, sim_vmstat("nr_foll_pin_released") - c.released, 0UL);
	KUNIT_ASSERT_EQ(test, pthread_create(&th, NULL, fops_release_later, &arg), 0);
	sim_aio_destroy(ring);
	pthread_join(th, NULL);
	KUNIT_EXPECT_EQ(test, arg.released, 4);
	FOPS_EXPECT_PINS(test, &c, 4, 4);
	KUNIT_EXPECT_EQ(test, nr_live_files(), 0);
	sim_disk_inject(FOPS_DISK, NULL);
	KUNIT_EXPECT_TRUE(test, fops_disk_is(test, 0, 4 * PAGE_SIZE, 40, false));
	t_mm_munmap(test, buf, 4 * PAGE_SIZE);
}

/* ---- R01: the zero-page pin storm, as real I/O --------------------------------- */

struct fops_r01_case {
	const char *desc;
	enum sim_profile profile;
};

static const struct fops_r01_case fops_r01_cases[] = {
	{ "v6.5: zero pages are never pinned", SIM_PROFILE_V6_5 },
	{ "v6.4: FOLL_GET references, one per page in flight", SIM_PROFILE_V6_4 },
	{ "v21: pinned DIO, zero page pinned: the overflow", SIM_PROFILE_V21 },
};

static void fops_r01_desc(const struct fops_r01_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(fops_r01, fops_r01_cases, fops_r01_desc);

#define R01_WRITE_PAGES		64UL			/* 256 KiB per write */
#define R01_WRITES		((1UL << 15) + 1)	/* 2^21 + 64 pages in flight */
#define R01_PAGES		(R01_WRITES * R01_WRITE_PAGES)
#define R01_BYTES		(R01_PAGES * PAGE_SIZE)	/* 8 GiB + 256 KiB */

/*
 * R01 (B1, R-BUG-1): async O_DIRECT writes from an 8 GiB + 256 KiB buffer
 * that was never touched, to a `null` disk that holds every bio until
 * released, so all 2^21 + 64 zero-page PTEs are in flight at once:
 *   buf:  |Z|Z|Z| ... 2^21+64 PTEs, all the zero page ... |Z|
 *   ring: 2^15+1 writes of 64 pages, depth 2^15+1, all held
 * 2^21 is where a 1024-per-pin count overflows (31 - 10 = 21 bits).
 * v6.5: every pin of the zero page succeeds and changes nothing.
 * v6.4: block direct I/O takes FOLL_GET references (one per page, not
 * 1024), so 2^21+64 of them raise the refcount by exactly that, far from
 * INT_MAX; the pin overflow needs pinning DIO (the v21 series before
 * c8070b787519), which is the v21 profile.
 * v21: the series as posted: DIO pins, and a pin of the zero page still
 * adds 1024. Pin #2^21 (the last page of write #32767) wraps the refcount
 * negative; the first pin of write #32768 is refused (-ENOMEM, WARN).
 * When the device releases the bios, write #0 finds its source page with
 * a refcount <= 0 and the DMA engine refuses it (I9: one violation, -EIO);
 * its 64 unpins wrap the count back to positive, so the rest complete.
 * Expect every write to complete with 256 KiB, the zero page's refcount
 * unchanged (v6.5) or up by exactly the pages in flight (v6.4) while
 * held, and back to its value afterwards; the pin counters balanced. Under
 * v21 expect exactly the two failures above and a negative refcount while
 * held, and the refcount back to its base once everything completed.
 */
/* Submit every R01 write; a refused one completes with an error later. */
static void r01_submit_all(struct kunit *test, struct sim_aio *ring, int fd, unsigned long buf,
			   size_t wlen)
{
	unsigned long i;

	for (i = 0; i < R01_WRITES; i++) {
		int ret = sim_aio_submit(ring, fd, true, buf + i * wlen, wlen, (off_t)(i * wlen), i);

		if (ret) {
			KUNIT_FAIL(test, "submit %lu: %d", i, ret);
			break;
		}
	}
}

static void scenario_r01_zero_page_pin_storm(struct kunit *test)
{
	const struct fops_r01_case *rc = test->param_value;
	struct sim_config cfg = fops_cfg;
	struct sim_io_fault f = { .flags = SIM_IO_HOLD };
	const size_t wlen = R01_WRITE_PAGES * PAGE_SIZE;
	struct fops_counts c, held;
	struct sim_aio *ring;
	unsigned long buf, i, bad = 0;
	int64_t *res;
	uint64_t *tags;
	unsigned int dma_threads;
	int fd, n;

	cfg.mem_bytes = 128UL << 20;
	cfg.profile = rc->profile;
	sim_disk_destroy(FOPS_DISK);
	t_mm_reboot(test, &cfg);
	KUNIT_ASSERT_EQ(test, sim_ramdisk_create(FOPS_DISK, FOPS_DISK_BYTES, 512), 0);
	KUNIT_ASSERT_EQ(test, sim_nulldisk_create("fnull", R01_BYTES, 512), 0);
	/*
	 * Inline DMA: the released writes are transferred in order, so under
	 * v21 exactly write #0 sees the wrapped refcount (its unpins wrap it
	 * back); two workers could check two writes before that.
	 */
	dma_threads = sim_dma_threads();
	KUNIT_ASSERT_EQ(test, sim_dma_set_threads(0), 0);
	res = calloc(R01_WRITES, sizeof(*res));
	tags = calloc(R01_WRITES, sizeof(*tags));
	KUNIT_ASSERT_NOT_NULL(test, res);
	KUNIT_ASSERT_NOT_NULL(test, tags);
	/* Small zero pages, not the huge zero folio (a large folio: R-REF-12). */
	buf = fops_mmap_small(test, R01_BYTES);
	fd = sim_open("/dev/fnull", O_WRONLY | O_DIRECT, 0);
	KUNIT_ASSERT_GE(test, fd, 0);
	ring = sim_aio_create(R01_WRITES);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ring));
	KUNIT_ASSERT_EQ(test, sim_disk_inject("fnull", &f), 0);

	fops_counts(&c);
	if (rc->profile == SIM_PROFILE_V21) {
		/* The refused pin WARNs (R-REF-9); the refused DMA is a violation. */
		KUNIT_EXPECT_WARN(test, r01_submit_all(test, ring, fd, buf, wlen));
		kunit_expect_violations(test, 1);
	} else {
		r01_submit_all(test, ring, fd, buf, wlen);
	}
	fops_counts(&held);
	if (rc->profile == SIM_PROFILE_V21) {
		KUNIT_EXPECT_LT(test, held.zero_ref, 0);
		KUNIT_EXPECT_EQ(test, held.acquired - c.acquired, 1UL << 21);
	} else {
		KUNIT_EXPECT_EQ(test, held.acquired - c.acquired, 0UL);
	}
	if (rc->profile == SIM_PROFILE_V21) {
		/* checked above */
	} else if (rc->profile == SIM_PROFILE_V6_5) {
		KUNIT_EXPECT_EQ(test, held.zero_ref, c.zero_ref);
		KUNIT_EXPECT_EQ(test, held.zero_pins - c.zero_pins, R01_PAGES);
	} else {
		KUNIT_EXPECT_EQ(test, (long)held.zero_ref - c.zero_ref, (long)R01_PAGES);
		KUNIT_EXPECT_EQ(test, held.gets - c.gets, R01_PAGES);
		KUNIT_EXPECT_GT(test, held.zero_ref, 0);
	}

	/* Under v21 the refused write never reached the device. */
	KUNIT_EXPECT_EQ(test, sim_disk_release("fnull"),
			(int)R01_WRITES - (rc->profile == SIM_PROFILE_V21));
	n = sim_aio_reap(ring, R01_WRITES, R01_WRITES, res, tags);
	KUNIT_EXPECT_EQ(test, n, (int)R01_WRITES);
	for (i = 0; i < (unsigned long)(n > 0 ? n : 0); i++) {
		if (res[i] == (int64_t)wlen)
			continue;
		bad++;
		if (rc->profile == SIM_PROFILE_V21)
			KUNIT_EXPECT_TRUE_MSG(test, (tags[i] == 0 && res[i] == -EIO) ||
					  (tags[i] == R01_WRITES - 1 && res[i] == -ENOMEM),
					  "write %llu: %lld", (unsigned long long)tags[i],
					  (long long)res[i]);
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, rc->profile == SIM_PROFILE_V21 ? 2UL : 0UL,
			    "writes that did not complete with 256 KiB");
	if (rc->profile == SIM_PROFILE_V21) {
		struct fops_counts after;

		fops_counts(&after);
		KUNIT_EXPECT_EQ(test, after.zero_ref, c.zero_ref);
		KUNIT_EXPECT_EQ(test, after.released - c.released, 1UL << 21);
	} else {
		FOPS_EXPECT_PINS(test, &c, 0, 0);
	}

	sim_aio_destroy(ring);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	t_mm_munmap(test, buf, R01_BYTES);
	sim_disk_destroy("fnull");
	sim_dma_set_threads(dma_threads);
	free(res);
	free(tags);
}

static struct kunit_case fops_aio_cases[] = {
	KUNIT_CASE(fops_aio_qd8_reordered),
	KUNIT_CASE(fops_aio_errors_and_multi_bio),
	KUNIT_CASE(fops_aio_destroy_waits_for_inflight),
	KUNIT_CASE_PARAM(scenario_r01_zero_page_pin_storm, fops_r01_gen_params),
	{}
};

struct kunit_suite fops_aio_suite = {
	.name = "fops_aio",
	.init = fops_test_init,
	.exit = fops_test_exit,
	.test_cases = fops_aio_cases,
};
