// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the async ring's registered buffers (sim/aio.c,
 * sim_aio_register_buffers(), io_uring's IORING_REGISTER_BUFFERS): long-term
 * pins charged to the user's locked memory against RLIMIT_MEMLOCK.
 * scenarios.md §5.3 bad input 32 ("register a buffer beyond the pinned-page
 * limit: -ENOMEM; nothing pinned"), the other bad inputs of the call, and
 * F2 (the descriptor allocated after the pin, B11) failed systematically.
 *
 * Every case boots a 64 MiB machine in .init and shuts it down in .exit
 * expecting no leaks; each row checks its errno and that a snapshot of the
 * machine (leak ledger, net pins, locked pages, the buffer pages'
 * refcounts) is the same after the call as before.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <pinio/fault-inject.h>
#include <pinio/mm.h>
#include <pinio/sched.h>
#include <pinio/sim.h>

#include "kunit/test.h"
#include "mm_helpers.h"
#include "suites.h"

#define RS_PAGES	16		/* pages per buffer */
#define RS_BUFS		2
#define RS_BYTES	(RS_PAGES * PAGE_SIZE)

static const struct sim_config rs_cfg = { .mem_bytes = 64UL << 20 };

static int rs_init(struct kunit *test)
{
	return t_mm_boot(&rs_cfg);
}

static void rs_exit(struct kunit *test)
{
	t_mm_shutdown(test);
}

struct rs_snap {
	struct sim_ledger ledger;
	long net_pins;
	unsigned long locked;
	int ref[RS_BUFS * RS_PAGES];
};

static void rs_snap_take(struct rs_snap *s, const unsigned long *bufs)
{
	unsigned int b, p;

	sim_ledger_read(&s->ledger);
	s->net_pins = (long)(sim_vmstat("nr_foll_pin_acquired") -
			     sim_vmstat("nr_foll_pin_released"));
	s->locked = sim_user_locked_pages();
	for (b = 0; b < RS_BUFS; b++)
		for (p = 0; p < RS_PAGES; p++) {
			struct page *page = t_mm_page(current->mm, bufs[b] + p * PAGE_SIZE);

			s->ref[b * RS_PAGES + p] = page ? folio_ref_count(page_folio(page)) : -1;
		}
}

static void rs_snap_expect_same(struct kunit *test, const struct rs_snap *a,
				const struct rs_snap *b, const char *what)
{
	KUNIT_EXPECT_EQ_MSG(test, b->ledger.pins, a->ledger.pins, "%s: pins", what);
	KUNIT_EXPECT_EQ_MSG(test, b->ledger.live_folios, a->ledger.live_folios, "%s: folios", what);
	KUNIT_EXPECT_EQ_MSG(test, b->ledger.violations, a->ledger.violations, "%s: violations",
			    what);
	KUNIT_EXPECT_EQ_MSG(test, b->net_pins, a->net_pins, "%s: net pins", what);
	KUNIT_EXPECT_EQ_MSG(test, b->locked, a->locked, "%s: locked pages", what);
	KUNIT_EXPECT_MEMEQ_MSG(test, b->ref, a->ref, sizeof(a->ref), "%s: page refcounts", what);
}

/* Two written (faulted-in) buffers of RS_PAGES pages with an unmapped page between. */
static void rs_buffers(struct kunit *test, unsigned long *bufs)
{
	unsigned long base = t_mm_mmap(test, (2 * RS_PAGES + 1) * PAGE_SIZE,
				       PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);

	KUNIT_ASSERT_EQ(test, sim_user_memset(base, 0x5a, (2 * RS_PAGES + 1) * PAGE_SIZE),
			(ssize_t)((2 * RS_PAGES + 1) * PAGE_SIZE));
	KUNIT_ASSERT_EQ(test, sim_munmap(base + RS_BYTES, PAGE_SIZE), 0);
	bufs[0] = base;
	bufs[1] = base + RS_BYTES + PAGE_SIZE;
}

/* Unmap what rs_buffers() mapped (the runner's ledger counts its frames). */
static void rs_unmap(struct kunit *test, const unsigned long *bufs)
{
	KUNIT_EXPECT_EQ(test, sim_munmap(bufs[0], (2 * RS_PAGES + 1) * PAGE_SIZE), 0);
}

struct rs_row {
	const char *id;
	const char *what;
	unsigned long limit;	/* RLIMIT_MEMLOCK bytes; 0 means "0" */
	unsigned int nr;	/* buffers passed */
	long len0;		/* length of buffer 0 (-1: RS_BYTES) */
	int addr0;		/* 0: buffer 0; 1: straddles the hole; 2: wraps; 3: read-only;
				 * 4: 2 pages below the top of the address space */
	bool twice;		/* register on a ring that has buffers already */
	bool precharge;		/* another ring holds RS_PAGES pages of the limit */
	int want;
};

/*
 *   buffer 0: 16 pages | hole | buffer 1: 16 pages      (all written first)
 *   limit (RLIMIT_MEMLOCK) -> charge all pages -> pin each FOLL_WRITE|LONGTERM
 */
static const struct rs_row rs_rows[] = {
	{ "32", "two buffers beyond the limit", 24 * PAGE_SIZE, 2, -1, 0, false, false, -ENOMEM },
	{ "32", "one buffer beyond the limit", 15 * PAGE_SIZE, 1, -1, 0, false, false, -ENOMEM },
	{ "32", "limit 0", 0, 1, PAGE_SIZE, 0, false, false, -ENOMEM },
	{ "32", "limit used up by another ring", 24 * PAGE_SIZE, 1, -1, 0, false, true, -ENOMEM },
	{ "32b", "nr 0", SIM_DEFAULT_MEMLOCK, 0, -1, 0, false, false, -EINVAL },
	/* io_buffer_validate(): -EFAULT for length 0 or above 1 GiB ... */
	{ "32b", "zero-length buffer", SIM_DEFAULT_MEMLOCK, 1, 0, 0, false, false, -EFAULT },
	{ "32b", "buffer of 1 GiB + 1", SIM_DEFAULT_MEMLOCK, 1, (1L << 30) + 1, 0, false, false,
	  -EFAULT },
	/* ... and -EOVERFLOW when base + len + PAGE_SIZE - 1 wraps. */
	{ "32b", "buffer wraps the address space", SIM_DEFAULT_MEMLOCK, 1, 2 * PAGE_SIZE, 2, false,
	  false, -EOVERFLOW },
	{ "32b", "buffer's page-rounded end wraps", SIM_DEFAULT_MEMLOCK, 1, PAGE_SIZE + 1, 4, false,
	  false, -EOVERFLOW },
	{ "32b", "registered already", SIM_DEFAULT_MEMLOCK, 1, -1, 0, true, false, -EBUSY },
	{ "32c", "buffer over an unmapped page", SIM_DEFAULT_MEMLOCK, 1, -1, 1, false, false,
	  -EFAULT },
	{ "32c", "read-only buffer (FOLL_WRITE)", SIM_DEFAULT_MEMLOCK, 1, -1, 3, false, false,
	  -EFAULT },
};

static void rs_row_desc(const struct rs_row *r, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s %s", r->id, r->what);
}

KUNIT_ARRAY_PARAM(rs_row, rs_rows, rs_row_desc);

/*
 * Scenario: scenarios.md §5.3 bad input 32 and the call's other bad inputs,
 * one row each (table above). 32: the pages to register would pass
 * RLIMIT_MEMLOCK (alone, together, or with what another ring holds);
 * 32b: malformed arguments, with io_uring's errnos (io_buffer_validate():
 * -EFAULT for a length of 0 or above 1 GiB, -EOVERFLOW for an end that
 * wraps once rounded up to a page); 32c: a page that cannot be pinned for
 * write. Expect the row's errno, nothing pinned, nothing charged, no refcount
 * changed (snapshot before == after).
 */
static void aio_rsrc_bad_input(struct kunit *test)
{
	const struct rs_row *r = test->param_value;
	struct sim_aio *ring = sim_aio_create(4), *other = NULL;
	unsigned long bufs[RS_BUFS];
	struct iovec iov[RS_BUFS];
	struct rs_snap before, after;
	unsigned int i;
	int ret;

	KUNIT_ASSERT_FALSE(test, IS_ERR(ring));
	rs_buffers(test, bufs);
	for (i = 0; i < RS_BUFS; i++) {
		iov[i].iov_base = (void *)bufs[i];
		iov[i].iov_len = RS_BYTES;
	}
	if (r->len0 >= 0)
		iov[0].iov_len = (size_t)r->len0;
	if (r->addr0 == 1)
		iov[0].iov_base = (void *)(bufs[0] + PAGE_SIZE);
	if (r->addr0 == 2)
		iov[0].iov_base = (void *)(~0UL - PAGE_SIZE + 1);
	if (r->addr0 == 4)
		iov[0].iov_base = (void *)(~0UL - 2 * PAGE_SIZE + 1);
	if (r->addr0 == 3)
		KUNIT_ASSERT_EQ(test, sim_mprotect(bufs[0], RS_BYTES, PROT_READ), 0);
	KUNIT_ASSERT_EQ(test, sim_setrlimit_memlock(r->limit), 0);
	if (r->twice) {
		struct iovec one = { (void *)bufs[1], RS_BYTES };

		KUNIT_ASSERT_EQ(test, sim_aio_register_buffers(ring, &one, 1), 0);
	}
	if (r->precharge) {
		struct iovec one = { (void *)bufs[1], RS_BYTES };

		other = sim_aio_create(1);
		KUNIT_ASSERT_FALSE(test, IS_ERR(other));
		KUNIT_ASSERT_EQ(test, sim_aio_register_buffers(other, &one, 1), 0);
	}

	rs_snap_take(&before, bufs);
	ret = sim_aio_register_buffers(ring, iov, r->nr);
	rs_snap_take(&after, bufs);
	KUNIT_EXPECT_EQ(test, ret, r->want);
	rs_snap_expect_same(test, &before, &after, r->what);

	sim_aio_destroy(other);
	sim_aio_destroy(ring);
	KUNIT_EXPECT_EQ(test, sim_user_locked_pages(), 0);
	sim_setrlimit_memlock(SIM_DEFAULT_MEMLOCK);
	rs_unmap(test, bufs);
}

/*
 * Scenario: register two buffers within the limit, then unregister.
 *   register -> 32 pages pinned long-term, 32 pages charged
 *   unregister -> 0 and 0; a second unregister -> -ENXIO
 * Expect exactly RS_BUFS * RS_PAGES pins and locked pages while registered,
 * all back after, the same with the ring destroyed instead of unregistered.
 */
static void aio_rsrc_register_unregister(struct kunit *test)
{
	struct sim_aio *ring = sim_aio_create(4);
	unsigned long bufs[RS_BUFS];
	struct iovec iov[RS_BUFS];
	struct sim_ledger l0, l1;
	unsigned int i;

	KUNIT_ASSERT_FALSE(test, IS_ERR(ring));
	rs_buffers(test, bufs);
	for (i = 0; i < RS_BUFS; i++) {
		iov[i].iov_base = (void *)bufs[i];
		iov[i].iov_len = RS_BYTES;
	}
	/* Exactly at the limit is allowed. */
	KUNIT_ASSERT_EQ(test, sim_setrlimit_memlock(RS_BUFS * RS_BYTES), 0);
	sim_ledger_read(&l0);
	KUNIT_EXPECT_EQ(test, sim_aio_register_buffers(ring, iov, RS_BUFS), 0);
	sim_ledger_read(&l1);
	KUNIT_EXPECT_EQ(test, l1.pins - l0.pins, RS_BUFS * RS_PAGES);
	KUNIT_EXPECT_EQ(test, sim_user_locked_pages(), RS_BUFS * RS_PAGES);
	KUNIT_EXPECT_EQ(test, sim_aio_unregister_buffers(ring), 0);
	sim_ledger_read(&l1);
	KUNIT_EXPECT_EQ(test, l1.pins, l0.pins);
	KUNIT_EXPECT_EQ(test, sim_user_locked_pages(), 0);
	KUNIT_EXPECT_EQ(test, sim_aio_unregister_buffers(ring), -ENXIO);
	KUNIT_EXPECT_EQ(test, sim_aio_unregister_buffers(NULL), -EINVAL);

	/* Destroying the ring releases what it registered. */
	KUNIT_EXPECT_EQ(test, sim_aio_register_buffers(ring, iov, RS_BUFS), 0);
	sim_aio_destroy(ring);
	sim_ledger_read(&l1);
	KUNIT_EXPECT_EQ(test, l1.pins, l0.pins);
	KUNIT_EXPECT_EQ(test, sim_user_locked_pages(), 0);
	sim_setrlimit_memlock(SIM_DEFAULT_MEMLOCK);
	rs_unmap(test, bufs);
}

/*
 * Scenario: F2 systematically (B11: io_uring leaked the pins when the
 * descriptor allocation after io_pin_pages() failed). A dry run counts the
 * metadata allocations of a good registration; then for N = 1 .. that
 * count the Nth fails.
 *   fail alloc N -> register -> -ENOMEM
 * Expect -ENOMEM every time and the snapshot unchanged: what was pinned
 * before the failure is unpinned, the charge is dropped.
 */
static void aio_rsrc_fail_nth_alloc(struct kunit *test)
{
	struct sim_aio *ring = sim_aio_create(4);
	unsigned long bufs[RS_BUFS], total, n;
	struct iovec iov[RS_BUFS];
	struct rs_snap before, after;
	unsigned int i;

	KUNIT_ASSERT_FALSE(test, IS_ERR(ring));
	rs_buffers(test, bufs);
	for (i = 0; i < RS_BUFS; i++) {
		iov[i].iov_base = (void *)bufs[i];
		iov[i].iov_len = RS_BYTES;
	}
	sim_fault_reset();
	KUNIT_ASSERT_EQ(test, sim_aio_register_buffers(ring, iov, RS_BUFS), 0);
	total = sim_fault_site_count(FAULT_META_ALLOC);
	KUNIT_ASSERT_EQ(test, sim_aio_unregister_buffers(ring), 0);
	/* The array, then per buffer its page array and its descriptor. */
	KUNIT_EXPECT_GE(test, total, 1 + 2 * RS_BUFS);
	for (n = 1; n <= total; n++) {
		int ret;

		rs_snap_take(&before, bufs);
		sim_fault_reset();
		sim_fail_site_after(FAULT_META_ALLOC, n);
		ret = sim_aio_register_buffers(ring, iov, RS_BUFS);
		sim_fault_reset();
		rs_snap_take(&after, bufs);
		KUNIT_EXPECT_EQ_MSG(test, ret, -ENOMEM, "allocation %lu of %lu failed", n, total);
		rs_snap_expect_same(test, &before, &after, "after a failed allocation");
		if (!ret)
			sim_aio_unregister_buffers(ring);
	}
	sim_aio_destroy(ring);
	rs_unmap(test, bufs);
}

/* What a registered buffer of RS_PAGES pages may be mapped from. */
static const struct rs_map_case {
	const char *what;
	bool file;		/* a simfs file, else anonymous memory */
	int flags;		/* MAP_SHARED or MAP_PRIVATE */
	int want;
} rs_map_cases[] = {
	{ "MAP_SHARED of a simfs file (needs dirty tracking)", true, MAP_SHARED, -EFAULT },
	{ "MAP_PRIVATE of a simfs file (COW copies)", true, MAP_PRIVATE, 0 },
	{ "MAP_SHARED anonymous (shmem)", false, MAP_SHARED, 0 },
};

static void rs_map_desc(const struct rs_map_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->what);
}

KUNIT_ARRAY_PARAM(rs_map, rs_map_cases, rs_map_desc);

/*
 * Scenario: registering file-backed memory. v6.5 left the check to GUP
 * ("io_uring: rsrc: delegate VMA file-backed check to GUP"): the
 * registration's FOLL_WRITE | FOLL_LONGTERM pin is refused for a shared
 * mapping of a file that needs dirty tracking (check_vma_flags() ->
 * writable_file_mapping_allowed(), -EFAULT; GUP-fast refuses such folios
 * and falls back), while shmem and private file mappings (the pin breaks
 * COW into anonymous copies) are fine.
 *   simfs file "r" (RS_PAGES pages of 'F') -> mmap as the row says
 *   -> write one byte per page -> register
 * Expect the row's result; on -EFAULT the snapshot (pins, locked pages,
 * refcounts) unchanged; on success RS_PAGES pins and locked pages, all
 * dropped by unregister, and the file still all 'F' for a private map.
 */
static void aio_rsrc_file_backed(struct kunit *test)
{
	const struct rs_map_case *c = test->param_value;
	struct sim_aio *ring = sim_aio_create(4);
	struct rs_snap before, after;
	unsigned long bufs[RS_BUFS], fbuf;
	struct iovec iov;
	unsigned int i;
	int fd = -1;

	KUNIT_ASSERT_FALSE(test, IS_ERR(ring));
	if (c->file) {
		KUNIT_ASSERT_EQ(test, sim_ramdisk_create("rsfs", 4UL << 20, 512), 0);
		KUNIT_ASSERT_EQ(test, sim_mkfs("/dev/rsfs", "simfs", NULL), 0);
		KUNIT_ASSERT_EQ(test, sim_mount("/dev/rsfs", "/mnt", NULL), 0);
		fd = sim_open("/mnt/r", O_RDWR | O_CREAT, 0644);
		KUNIT_ASSERT_GE(test, fd, 0);
		fbuf = t_mm_mmap(test, RS_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE);
		t_mm_fill(test, fbuf, 'F', RS_BYTES);
		KUNIT_ASSERT_EQ(test, sim_pwrite(fd, fbuf, RS_BYTES, 0), (ssize_t)RS_BYTES);
		t_mm_munmap(test, fbuf, RS_BYTES);
	}
	bufs[0] = sim_mmap(0, RS_BYTES, PROT_READ | PROT_WRITE,
			   c->flags | (c->file ? 0 : MAP_ANONYMOUS), fd, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(bufs[0]));
	bufs[1] = bufs[0];	/* rs_snap_take() looks at RS_BUFS buffers */
	for (i = 0; i < RS_PAGES; i++)
		KUNIT_ASSERT_EQ(test, sim_user_memset(bufs[0] + i * PAGE_SIZE, 'F', 1), 1);
	iov.iov_base = (void *)bufs[0];
	iov.iov_len = RS_BYTES;

	rs_snap_take(&before, bufs);
	KUNIT_EXPECT_EQ(test, sim_aio_register_buffers(ring, &iov, 1), c->want);
	rs_snap_take(&after, bufs);
	if (c->want) {
		rs_snap_expect_same(test, &before, &after, "after the refused registration");
	} else {
		KUNIT_EXPECT_EQ(test, after.ledger.pins - before.ledger.pins, RS_PAGES);
		KUNIT_EXPECT_EQ(test, after.locked - before.locked, RS_PAGES);
		KUNIT_EXPECT_EQ(test, sim_aio_unregister_buffers(ring), 0);
		rs_snap_take(&after, bufs);
		KUNIT_EXPECT_EQ(test, after.ledger.pins, before.ledger.pins);
		KUNIT_EXPECT_EQ(test, after.locked, before.locked);
	}
	sim_aio_destroy(ring);
	KUNIT_EXPECT_EQ(test, sim_munmap(bufs[0], RS_BYTES), 0);
	if (c->file) {
		fbuf = t_mm_mmap(test, RS_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE);
		KUNIT_EXPECT_EQ(test, sim_pread(fd, fbuf, RS_BYTES, 0), (ssize_t)RS_BYTES);
		KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(fbuf, 'F', RS_BYTES));
		t_mm_munmap(test, fbuf, RS_BYTES);
		KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
		KUNIT_EXPECT_EQ(test, sim_umount("/mnt"), 0);
		KUNIT_EXPECT_EQ(test, sim_disk_destroy("rsfs"), 0);
	}
}

static struct kunit_case aio_rsrc_test_cases[] = {
	KUNIT_CASE_PARAM(aio_rsrc_bad_input, rs_row_gen_params),
	KUNIT_CASE(aio_rsrc_register_unregister),
	KUNIT_CASE(aio_rsrc_fail_nth_alloc),
	KUNIT_CASE_PARAM(aio_rsrc_file_backed, rs_map_gen_params),
	{}
};

struct kunit_suite aio_rsrc_suite = {
	.name = "aio_rsrc",
	.init = rs_init,
	.exit = rs_exit,
	.test_cases = aio_rsrc_test_cases,
};
