// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the page events of a real I/O on a booted machine
 * (include/pinio/trace.h): the events every I/O writes into the per-frame
 * rings (pin, bio_add, dma_start, dma_end, unpin), and the four that are
 * recorded only while the global recorder runs, so that they cost one
 * load and a branch otherwise: PE_GET and PE_PUT (FOLL_GET references of
 * GUP and their release by a bio), PE_COMPLETE (each page of a bio at
 * bio_endio()) and PE_MAP (an existing page mapped without a fault of
 * its own: the zero page on a read fault, a fork's shared page).
 *
 * Every case boots a 64 MiB machine (v6.5) and a 4 MiB ram disk "tio" with
 * inline DMA in .init, and reboots under another profile if it needs one;
 * .exit destroys the disk and shuts down expecting no leaks.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <pinio/blkdev.h>
#include <pinio/sim.h>
#include <pinio/trace.h>

#include "kunit/test.h"
#include "mm_helpers.h"

#define TIO_DISK	"tio"
#define TIO_DEV		"/dev/tio"
#define TIO_DISK_BYTES	(4UL << 20)
#define TIO_MAX_RECS	4096

static int tio_test_init(struct kunit *test)
{
	struct sim_config cfg = { .mem_bytes = 64UL << 20 };
	int ret = t_mm_boot(&cfg);

	if (!ret)
		ret = sim_ramdisk_create(TIO_DISK, TIO_DISK_BYTES, 512);
	if (!ret)
		ret = sim_dma_set_threads(0);
	return ret;
}

/* Reboot under @profile unless the machine runs it already (the ledger
 * check of the case then covers the new machine's shutdown only). */
static void tio_profile(struct kunit *test, enum sim_profile profile)
{
	struct sim_config cfg = { .mem_bytes = 64UL << 20, .profile = profile };

	if (sim_profile() == profile)
		return;
	sim_disk_destroy(TIO_DISK);
	t_mm_reboot(test, &cfg);
	KUNIT_ASSERT_EQ(test, sim_ramdisk_create(TIO_DISK, TIO_DISK_BYTES, 512), 0);
	KUNIT_ASSERT_EQ(test, sim_dma_set_threads(0), 0);
}

static void tio_test_exit(struct kunit *test)
{
	trace_recorder_stop();
	sim_disk_destroy(TIO_DISK);
	t_mm_shutdown(test);
}

/* Index of the first record at or after @from of event @ev on frame @pfn, or -1. */
static long tio_find(const struct trace_record *r, size_t n, size_t from, unsigned long pfn,
		     enum page_event ev)
{
	size_t i;

	for (i = from; i < n; i++)
		if (r[i].pfn == pfn && r[i].ev == ev)
			return (long)i;
	return -1;
}

/* One 4 KiB O_DIRECT read from the disk into a touched anonymous page. */
static unsigned long tio_read_one(struct kunit *test, unsigned long *pfn)
{
	unsigned long buf = t_mm_mmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	int fd;

	t_mm_fill(test, buf, 'x', PAGE_SIZE);
	*pfn = page_to_pfn(t_mm_page(t_mm(), buf));
	fd = sim_open(TIO_DEV, O_RDWR | O_DIRECT, 0);
	KUNIT_ASSERT_GE(test, fd, 0);
	KUNIT_EXPECT_EQ(test, sim_pread(fd, buf, PAGE_SIZE, 8 * PAGE_SIZE), (ssize_t)PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	return buf;
}

struct tio_read_case {
	const char *desc;
	enum sim_profile profile;
	enum page_event grab, release;	/* how the bio holds the page */
	bool gated;			/* the grab/release events are recorder-only */
};

/*
 * A 4 KiB O_DIRECT read, recorder on, traced on the buffer's frame:
 *
 *   v6.5:  pin --- bio_add --- dma_start --- dma_end --- complete --- unpin
 *   v6.4:  get --- bio_add --- dma_start --- dma_end --- complete --- put
 *
 * in this order, with bio_add and complete naming the same bio.
 * Expect every event, once, in order (R-BIO-2/3 by profile).
 */
static const struct tio_read_case tio_read_cases[] = {
	{ "v6.5: pinned bio", SIM_PROFILE_V6_5, PE_PIN, PE_UNPIN, false },
	{ "v6.4: referenced bio", SIM_PROFILE_V6_4, PE_GET, PE_PUT, true },
};

static void tio_read_case_desc(const struct tio_read_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(tio_read, tio_read_cases, tio_read_case_desc);

static void trace_io_dio_read_events_in_order(struct kunit *test)
{
	const struct tio_read_case *c = test->param_value;
	const enum page_event order[] = {
		c->grab, PE_BIO_ADD, PE_DMA_START, PE_DMA_END, PE_COMPLETE, c->release,
	};
	const struct trace_record *r;
	unsigned long pfn, buf;
	long at = 0, add = -1;
	size_t n, i;

	tio_profile(test, c->profile);
	KUNIT_ASSERT_EQ(test, trace_recorder_start(TIO_MAX_RECS), 0);
	buf = tio_read_one(test, &pfn);
	trace_recorder_stop();
	r = trace_recorder_records(&n);
	KUNIT_ASSERT_NOT_NULL(test, r);
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		at = tio_find(r, n, (size_t)at, pfn, order[i]);
		KUNIT_ASSERT_GE_MSG(test, at, 0, "event %s missing or out of order",
				    page_event_name(order[i]));
		if (order[i] == PE_BIO_ADD)
			add = at;
		if (order[i] == PE_COMPLETE)
			KUNIT_EXPECT_EQ(test, r[at].val, r[add].val);
		/* Once: no second occurrence of the same event on the frame. */
		KUNIT_EXPECT_LT(test, tio_find(r, n, (size_t)at + 1, pfn, order[i]), 0);
	}
	t_mm_munmap(test, buf, PAGE_SIZE);
}

/*
 * The same read with the recorder off: the frame's ring (its last four
 * events) ends  ... dma_start dma_end unpin|put  without "complete",
 * and under v6.4 without "put" either: the recorder-only events are not
 * written when nobody records. Expect the ring to hold dma_end but no
 * complete (and no put).
 */
static void trace_io_gated_events_off_without_recorder(struct kunit *test)
{
	const struct tio_read_case *c = test->param_value;
	unsigned long pfn, buf;
	char *h;

	tio_profile(test, c->profile);
	buf = tio_read_one(test, &pfn);
	h = t_page_history(pfn);
	KUNIT_ASSERT_NOT_NULL(test, h);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(h, " dma_end "), "%s", h);
	KUNIT_EXPECT_NULL_MSG(test, strstr(h, " complete "), "%s", h);
	if (c->gated)
		KUNIT_EXPECT_NULL_MSG(test, strstr(h, " put "), "%s", h);
	else
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(h, " unpin "), "%s", h);
	free(h);
	t_mm_munmap(test, buf, PAGE_SIZE);
}

/*
 * PE_MAP, recorder on:
 *
 *   page 0: read fault  -> the zero page mapped at it   map addr=page 0
 *   page 1: write fault -> a fresh page                  fault addr=page 1
 *   fork                -> the child maps page 1 too     map addr=page 1
 *
 * Expect a map event on the zero page's frame with page 0's address, a
 * fault and then a map on page 1's frame with page 1's address.
 */
static void trace_io_map_events(struct kunit *test)
{
	struct task_struct *self, *child;
	const struct trace_record *r;
	unsigned long a, zpfn, pfn1;
	char c;
	long i;
	size_t n;

	self = sim_current();
	a = t_mm_mmap(test, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	KUNIT_ASSERT_EQ(test, trace_recorder_start(TIO_MAX_RECS), 0);
	KUNIT_ASSERT_EQ(test, sim_user_read(a, &c, 1), 1);
	KUNIT_EXPECT_EQ(test, c, 0);
	t_mm_fill(test, a + PAGE_SIZE, 'y', PAGE_SIZE);
	zpfn = page_to_pfn(t_mm_page(t_mm(), a));
	pfn1 = page_to_pfn(t_mm_page(t_mm(), a + PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, is_zero_page(pfn_to_page(zpfn)));
	child = t_mm_fork(test);
	trace_recorder_stop();
	sim_task_exit(child);
	sim_task_switch(self);

	r = trace_recorder_records(&n);
	KUNIT_ASSERT_NOT_NULL(test, r);
	i = tio_find(r, n, 0, zpfn, PE_MAP);
	KUNIT_ASSERT_GE(test, i, 0);
	KUNIT_EXPECT_EQ(test, (unsigned long)r[i].val, a);
	i = tio_find(r, n, 0, pfn1, PE_FAULT);
	KUNIT_ASSERT_GE(test, i, 0);
	i = tio_find(r, n, (size_t)i, pfn1, PE_MAP);
	KUNIT_ASSERT_GE(test, i, 0);
	KUNIT_EXPECT_EQ(test, (unsigned long)r[i].val, a + PAGE_SIZE);
	t_mm_munmap(test, a, 2 * PAGE_SIZE);
}

static struct kunit_case trace_io_test_cases[] = {
	KUNIT_CASE_PARAM(trace_io_dio_read_events_in_order, tio_read_gen_params),
	KUNIT_CASE_PARAM(trace_io_gated_events_off_without_recorder, tio_read_gen_params),
	KUNIT_CASE(trace_io_map_events),
	{}
};

struct kunit_suite trace_io_suite = {
	.name = "trace_io",
	.init = tio_test_init,
	.exit = tio_test_exit,
	.test_cases = trace_io_test_cases,
};
