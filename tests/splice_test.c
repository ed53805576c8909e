// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for pipes and splice (fs/pipe.c, fs/splice.c) through the
 * syscalls sim_pipe(), sim_splice() and sim_vmsplice(): pipe read/write by
 * copy, bad input 30, vmsplice's FOLL_GET references and R05 with real
 * vmsplice. The O_DIRECT raw-device paths and R09's stress are the
 * splice_dio suite, simfs the splice_simfs suite.
 *
 * Every case boots a 64 MiB machine and two 4 MiB ram disks "spa" and
 * "spb" (512-byte blocks) in .init (tests/splice_fixture.c); .exit
 * destroys them and shuts down expecting no leaks. Cases close every fd
 * they open (the runner checks the leak ledger after each case).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <pinio/blkdev.h>
#include <pinio/fault-inject.h>
#include <pinio/pagemap.h>
#include <pinio/pipe_fs_i.h>
#include <pinio/sim.h>

#include "kunit/test.h"
#include "mm_helpers.h"
#include "suites.h"
#include "sim/sim.h"
#include "splice_fixture.h"

/* ---- pipes ------------------------------------------------------------------ */

/*
 * Pipe read and write by copy:
 *   user A --write 10000--> [pipe: 3 fresh pages] --read--> user B
 * then a 100-byte write merges into the last page; lseek/pread give
 * -ESPIPE; closing the write end gives EOF (0).
 * Expect the bytes back unchanged, 3 OWNER_PIPE pages alive while queued
 * (2 after the merge of a fourth-page write is not needed: still 3), none
 * after the read, and no pin taken. Rules: pipe buffers hold references
 * (issue 4 "Pipes and splice").
 */
static void splice_pipe_read_write(struct kunit *test)
{
	unsigned long pins = sim_vmstat("nr_foll_pin_acquired");
	unsigned long a, b;
	long folios;
	int fds[2];

	a = t_mm_mmap(test, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	sp_fill(test, a, 10100, 0, 1);
	sp_pipe(test, fds, 0);
	folios = sp_live_folios();

	KUNIT_EXPECT_EQ(test, sim_write(fds[1], a, 10000), 10000);
	KUNIT_EXPECT_EQ(test, sp_live_folios() - folios, 3);
	/* 10000 = 2 pages + 1808: 100 more bytes fit into the third page. */
	KUNIT_EXPECT_EQ(test, sim_write(fds[1], a + 10000, 100), 100);
	KUNIT_EXPECT_EQ(test, sp_live_folios() - folios, 3);

	KUNIT_EXPECT_EQ(test, sim_lseek(fds[0], 0, SEEK_SET), -ESPIPE);
	KUNIT_EXPECT_EQ(test, sim_pread(fds[0], a, 1, 0), -ESPIPE);
	KUNIT_EXPECT_EQ(test, sim_write(fds[0], a, 1), -EBADF);

	b = sp_drain(test, fds[0], 10100);
	KUNIT_EXPECT_TRUE(test, sp_user_is(b, 10100, 0, 1));
	/* Only the reader's own 3 anon pages remain: the pipe pages are freed. */
	KUNIT_EXPECT_EQ(test, sp_live_folios() - folios, 3);

	sim_close(fds[1]);
	KUNIT_EXPECT_EQ(test, sim_read(fds[0], b, 10), 0);
	sim_close(fds[0]);
	KUNIT_EXPECT_EQ(test, sim_vmstat("nr_foll_pin_acquired"), pins);
	t_mm_munmap(test, a, 4 * PAGE_SIZE);
	t_mm_munmap(test, b, 10100);
}

/*
 * Non-blocking ends and closed ends:
 *   O_NONBLOCK pipe: read empty -> -EAGAIN; write 80 KiB -> 64 KiB (16
 *   buffers); write more -> -EAGAIN; close the read end -> write -EPIPE;
 *   close all -> the 16 queued pages are freed.
 * Expect exactly those results and every pipe page freed at the last
 * close (fput releases each buffer's reference).
 */
static void splice_pipe_nonblock_and_close(struct kunit *test)
{
	unsigned long a = t_mm_mmap(test, 80 << 10, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	long folios;
	int fds[2];

	sp_fill(test, a, 80 << 10, 0, 2);
	sp_pipe(test, fds, O_NONBLOCK);
	folios = sp_live_folios();
	KUNIT_EXPECT_EQ(test, sim_read(fds[0], a, 100), -EAGAIN);
	KUNIT_EXPECT_EQ(test, sim_write(fds[1], a, 80 << 10), (ssize_t)SP_PIPE_BYTES);
	KUNIT_EXPECT_EQ(test, sim_write(fds[1], a, 1), -EAGAIN);
	KUNIT_EXPECT_EQ(test, sp_live_folios() - folios, PIPE_DEF_BUFFERS);
	sim_close(fds[0]);
	KUNIT_EXPECT_EQ(test, sim_write(fds[1], a, 1), -EPIPE);
	sim_close(fds[1]);
	KUNIT_EXPECT_EQ(test, sp_live_folios() - folios, 0);
	t_mm_munmap(test, a, 80 << 10);
}

struct sp_blocked_reader {
	struct task_struct *task;
	int fd;
	unsigned long buf;
	ssize_t ret;
};

static void *sp_blocked_reader_fn(void *arg)
{
	struct sp_blocked_reader *r = arg;

	sim_task_switch(r->task);
	r->ret = sim_read(r->fd, r->buf, 4096);
	sim_task_switch(NULL);
	return NULL;
}

/*
 * A blocking reader wakes up for data:
 *   child task (fork: shares the pipe) reads an empty pipe and sleeps ->
 *   parent writes 1000 bytes -> the reader returns them.
 * Expect 1000 and the bytes written.
 */
static void splice_pipe_blocking_reader(struct kunit *test)
{
	unsigned long a = t_mm_mmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	struct task_struct *parent = sim_current();
	struct sp_blocked_reader r;
	pthread_t th;
	int fds[2];

	sp_fill(test, a, 1000, 0, 3);
	sp_pipe(test, fds, 0);
	r.task = t_mm_fork(test);
	r.fd = fds[0];
	sim_task_switch(r.task);
	r.buf = t_mm_mmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	sim_task_switch(parent);
	KUNIT_ASSERT_EQ(test, pthread_create(&th, NULL, sp_blocked_reader_fn, &r), 0);
	usleep(20000);
	KUNIT_EXPECT_EQ(test, sim_write(fds[1], a, 1000), 1000);
	pthread_join(th, NULL);
	KUNIT_EXPECT_EQ(test, r.ret, 1000);
	sim_task_switch(r.task);
	KUNIT_EXPECT_TRUE(test, sp_user_is(r.buf, 1000, 0, 3));
	sim_task_switch(parent);
	sim_task_exit(r.task);
	sp_close2(fds);
	t_mm_munmap(test, a, PAGE_SIZE);
}

/* ---- bad input 30 ---------------------------------------------------------- */

struct sp_snap {
	struct sim_ledger l;
	unsigned long pins, gets, dma;
};

static void sp_snap(struct sp_snap *s)
{
	sim_ledger_read(&s->l);
	s->pins = sim_vmstat("nr_foll_pin_acquired");
	s->gets = sim_vmstat("pinio_foll_get_acquired");
	s->dma = sim_dma_stat("dma_requests");
}

static void sp_expect_snap(struct kunit *test, const struct sp_snap *a, const char *what)
{
	struct sp_snap b;

	sp_snap(&b);
	KUNIT_EXPECT_EQ_MSG(test, b.l.live_folios, a->l.live_folios, "%s: live folios", what);
	KUNIT_EXPECT_EQ_MSG(test, b.l.pins, a->l.pins, "%s: pins", what);
	KUNIT_EXPECT_EQ_MSG(test, b.l.live_bios, a->l.live_bios, "%s: bios", what);
	KUNIT_EXPECT_EQ_MSG(test, b.pins, a->pins, "%s: pins acquired", what);
	KUNIT_EXPECT_EQ_MSG(test, b.gets, a->gets, "%s: references taken", what);
	KUNIT_EXPECT_EQ_MSG(test, b.dma, a->dma, "%s: I/O issued", what);
}

/*
 * Bad input 30 (scenarios.md §5.3), each with a state snapshot before and
 * after:
 *   splice(len 0)                       -> 0 (even with bad fds)
 *   splice(/dev/spa -> /dev/spb)        -> -EINVAL (neither end a pipe)
 *   splice(/dev/spa -> full pipe, SPLICE_F_NONBLOCK) -> -EAGAIN
 *   and: the same into a full O_NONBLOCK pipe -> -EAGAIN; unknown flags
 *   -> -EINVAL; an offset on a pipe end -> -ESPIPE; a bad fd -> -EBADF;
 *   pipe -> its own pipe -> -EINVAL; vmsplice on a non-pipe -> -EBADF.
 * Expect those errnos and nothing allocated, pinned, referenced or issued.
 */
static void splice_bad_input_30(struct kunit *test)
{
	int da = sim_open(SP_DEV_A, O_RDWR | O_DIRECT, 0);
	int db = sim_open(SP_DEV_B, O_RDWR | O_DIRECT, 0);
	unsigned long a = t_mm_mmap(test, SP_PIPE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	struct iovec iov = { .iov_base = (void *)a, .iov_len = 512 };
	struct sp_snap s;
	off_t off = 0;
	int fds[2], nb[2];

	KUNIT_ASSERT_GE(test, da, 0);
	KUNIT_ASSERT_GE(test, db, 0);
	sp_fill(test, a, SP_PIPE_BYTES, 0, 4);
	sp_pipe(test, fds, 0);
	sp_pipe(test, nb, O_NONBLOCK);

	sp_snap(&s);
	KUNIT_EXPECT_EQ(test, sim_splice(da, NULL, fds[1], NULL, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, sim_splice(-1, NULL, 999, NULL, 0, 0), 0);
	sp_expect_snap(test, &s, "len 0");

	KUNIT_EXPECT_EQ(test, sim_splice(da, NULL, db, NULL, 4096, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_splice(da, &off, db, &off, 4096, 0), -EINVAL);
	sp_expect_snap(test, &s, "neither end a pipe");

	KUNIT_EXPECT_EQ(test, sim_splice(da, NULL, fds[1], NULL, 4096, 0x100), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_splice(da, NULL, fds[1], &off, 4096, 0), -ESPIPE);
	KUNIT_EXPECT_EQ(test, sim_splice(fds[0], &off, db, NULL, 4096, 0), -ESPIPE);
	KUNIT_EXPECT_EQ(test, sim_splice(77, NULL, fds[1], NULL, 4096, 0), -EBADF);
	KUNIT_EXPECT_EQ(test, sim_splice(fds[1], NULL, db, NULL, 4096, 0), -EBADF);
	KUNIT_EXPECT_EQ(test, sim_splice(fds[0], NULL, fds[1], NULL, 4096, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_vmsplice(da, &iov, 1, 0), -EBADF);
	KUNIT_EXPECT_EQ(test, sim_vmsplice(fds[1], &iov, 1, 0x100), -EINVAL);
	sp_expect_snap(test, &s, "other bad inputs");

	/* Fill both pipes, then snapshot. */
	KUNIT_ASSERT_EQ(test, sim_write(fds[1], a, SP_PIPE_BYTES), (ssize_t)SP_PIPE_BYTES);
	KUNIT_ASSERT_EQ(test, sim_write(nb[1], a, SP_PIPE_BYTES), (ssize_t)SP_PIPE_BYTES);
	sp_snap(&s);
	KUNIT_EXPECT_EQ(test, sim_splice(da, NULL, fds[1], NULL, 4096, SPLICE_F_NONBLOCK),
			-EAGAIN);
	KUNIT_EXPECT_EQ(test, sim_splice(da, NULL, nb[1], NULL, 4096, 0), -EAGAIN);
	KUNIT_EXPECT_EQ(test, sim_vmsplice(fds[1], &iov, 1, SPLICE_F_NONBLOCK), -EAGAIN);
	sp_expect_snap(test, &s, "full non-blocking pipe");

	sp_close2(nb);
	sp_close2(fds);
	sim_close(da);
	sim_close(db);
	t_mm_munmap(test, a, SP_PIPE_BYTES);
}

/* ---- vmsplice ----------------------------------------------------------------- */

/*
 * vmsplice takes references, not pins (v6.5 vmsplice_to_pipe():
 * iov_iter_get_pages2(), FOLL_GET):
 *   user P[0..3] (filled) --vmsplice--> [pipe: P0 P1 P2 P3 by reference]
 *   --read--> user Q
 * Expect +1 on each page's refcount while queued, 4 FOLL_GET references
 * and no pin taken, Q == P, and every refcount back after the read.
 * Also: an untouched page (the zero page) goes in by reference and comes
 * back out as zeros with the zero page's count restored. Rules: R-GUP-1
 * (FOLL_GET), R-ITER-13.
 */
static void splice_vmsplice_refs(struct kunit *test)
{
	unsigned long pins = sim_vmstat("nr_foll_pin_acquired");
	unsigned long gets = sim_vmstat("pinio_foll_get_acquired");
	size_t len = 4 * PAGE_SIZE;
	unsigned long p = t_mm_mmap(test, len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	unsigned long z = t_mm_mmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	struct iovec iov[2] = {
		{ .iov_base = (void *)p, .iov_len = len },
		{ .iov_base = (void *)z, .iov_len = PAGE_SIZE },
	};
	int before[4], i, fds[2], zref;
	struct page *pg[4], *zp;
	unsigned long q;
	char zbuf[64];

	KUNIT_ASSERT_EQ(test, sim_madvise(p, len, MADV_NOHUGEPAGE), 0);
	sp_fill(test, p, len, 0, 5);
	KUNIT_ASSERT_EQ(test, sim_user_read(z, zbuf, 1), 1);	/* maps the zero page */
	zp = t_mm_page(t_mm(), z);
	KUNIT_ASSERT_TRUE(test, zp && is_zero_page(zp));
	zref = page_ref_count(zp);
	for (i = 0; i < 4; i++) {
		pg[i] = t_mm_page(t_mm(), p + i * PAGE_SIZE);
		KUNIT_ASSERT_NOT_NULL(test, pg[i]);
		before[i] = page_ref_count(pg[i]);
	}
	sp_pipe(test, fds, 0);

	KUNIT_EXPECT_EQ(test, sim_vmsplice(fds[1], iov, 2, 0), (ssize_t)(len + PAGE_SIZE));
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ_MSG(test, page_ref_count(pg[i]), before[i] + 1, "page %d", i);
	KUNIT_EXPECT_EQ(test, page_ref_count(zp), zref + 1);
	KUNIT_EXPECT_EQ(test, sim_vmstat("nr_foll_pin_acquired"), pins);
	KUNIT_EXPECT_EQ(test, sim_vmstat("pinio_foll_get_acquired") - gets, 5UL);
	KUNIT_EXPECT_FALSE(test, page_maybe_dma_pinned(pg[0]));

	q = sp_drain(test, fds[0], len);
	KUNIT_EXPECT_TRUE(test, sp_user_is(q, len, 0, 5));
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ_MSG(test, page_ref_count(pg[i]), before[i], "page %d", i);
	KUNIT_EXPECT_EQ(test, sim_read(fds[0], q, PAGE_SIZE), (ssize_t)PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(q, 0, PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, page_ref_count(zp), zref);

	sp_close2(fds);
	t_mm_munmap(test, q, len);
	t_mm_munmap(test, p, len);
	t_mm_munmap(test, z, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/*
 * vmsplice then the owner writes, no fork:
 *   P = 'A' -> vmsplice(P) -> owner writes 'B' into P -> read the pipe
 * The page is exclusively the owner's, so its write fault reuses it (the
 * pipe's reference does not matter to an AnonExclusive page) and the
 * reader sees 'B': the documented vmsplice contract (the user must not
 * touch the pages until they are consumed, or gift them). Expect 'B' and
 * the refcount back after the read. Rule: R-COW-1 (exclusive pages are
 * reused).
 */
static void splice_vmsplice_owner_writes_after(struct kunit *test)
{
	unsigned long p = t_mm_mmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	struct iovec iov = { .iov_base = (void *)p, .iov_len = PAGE_SIZE };
	unsigned long q;
	int fds[2];

	t_mm_fill(test, p, 'A', PAGE_SIZE);
	sp_pipe(test, fds, 0);
	KUNIT_ASSERT_EQ(test, sim_vmsplice(fds[1], &iov, 1, 0), (ssize_t)PAGE_SIZE);
	t_mm_fill(test, p, 'B', PAGE_SIZE);
	q = sp_drain(test, fds[0], PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(q, 'B', PAGE_SIZE));
	sp_close2(fds);
	t_mm_munmap(test, q, PAGE_SIZE);
	t_mm_munmap(test, p, PAGE_SIZE);
}

enum { SP_R05_CHILD, SP_R05_CHILD_MPROTECT, SP_R05_PARENT_BEFORE_FORK,
       SP_R05_PARENT_AFTER_FORK };

struct sp_r05_param {
	int variant;
	bool thp;
};

static const struct sp_r05_param sp_r05_params[] = {
	{ SP_R05_CHILD, false }, { SP_R05_CHILD_MPROTECT, false },
	{ SP_R05_PARENT_BEFORE_FORK, false }, { SP_R05_PARENT_AFTER_FORK, false },
	{ SP_R05_CHILD, true }, { SP_R05_CHILD_MPROTECT, true },
	{ SP_R05_PARENT_BEFORE_FORK, true }, { SP_R05_PARENT_AFTER_FORK, true },
};

static void sp_r05_desc(const struct sp_r05_param *p, char *desc)
{
	static const char *const names[] = {
		"vmsplice in child", "vmsplice in child, mprotect RO->RW",
		"vmsplice in parent before fork", "vmsplice in parent after fork",
	};

	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s, %s", names[p->variant],
		 p->thp ? "PMD-mapped THP" : "small page");
}
KUNIT_ARRAY_PARAM(sp_r05, sp_r05_params, sp_r05_desc);

/*
 * R05 with a real vmsplice (CVE-2020-29374; cow.c "vmsplice() + unmap"):
 *   child variants:  parent P='A' -> fork -> child vmsplices P (FOLL_GET
 *     reference) and unmaps -> parent [mprotect RO->RW] writes 'B' ->
 *     the pipe is read
 *   parent variants: parent vmsplices P [before | after] fork -> child
 *     writes 'B' -> parent unmaps -> the pipe is read
 * vmsplice takes references, not pins, so no unsharing happens at GUP
 * time (gup_must_unshare() is for R/O FOLL_PIN only); what protects the
 * pipe is the write fault: a page that is not AnonExclusive is reused
 * only when its refcount is 1, and the pipe's reference makes it 2, so
 * the writer gets a copy (the v5.8 "COW can break either way" rule kept
 * by the PageAnonExclusive rework). Expect the reader to see 'A' in every
 * variant, the writer to see 'B', and every count back after the read.
 * Rules: R05, R-COW-1, R-COW-3.
 */
static void splice_r05_vmsplice(struct kunit *test)
{
	const struct sp_r05_param *p = test->param_value;
	size_t len = p->thp ? PMD_SIZE : PAGE_SIZE;
	struct task_struct *parent = sim_current(), *child, *splicer, *writer;
	unsigned long map_len = p->thp ? 2 * PMD_SIZE : PAGE_SIZE, map, addr, q;
	struct iovec iov;
	int fds[2];

	map = t_mm_mmap(test, map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	addr = p->thp ? ALIGN(map, PMD_SIZE) : map;
	if (!p->thp)
		KUNIT_ASSERT_EQ(test, sim_madvise(map, map_len, MADV_NOHUGEPAGE), 0);
	t_mm_fill(test, addr, 'A', len);
	if (p->thp) {
		struct t_mm_walk w;

		t_mm_walk(t_mm(), addr, &w);
		if (!w.pmd_leaf)
			kunit_skip(test, "no PMD-mapped THP at %#lx", addr);
	}
	iov = (struct iovec){ .iov_base = (void *)addr, .iov_len = len };
	sp_pipe(test, fds, 0);

	/* vmsplice of 2 MiB needs 512 buffers: queue the first 16 pages. */
	if (p->variant == SP_R05_PARENT_BEFORE_FORK)
		KUNIT_ASSERT_EQ(test, sim_vmsplice(fds[1], &iov, 1, SPLICE_F_NONBLOCK),
				(ssize_t)min_t(size_t, len, SP_PIPE_BYTES));
	child = t_mm_fork(test);
	splicer = p->variant <= SP_R05_CHILD_MPROTECT ? child : parent;
	writer = splicer == child ? parent : child;
	if (p->variant != SP_R05_PARENT_BEFORE_FORK) {
		sim_task_switch(splicer);
		KUNIT_ASSERT_EQ(test, sim_vmsplice(fds[1], &iov, 1, SPLICE_F_NONBLOCK),
				(ssize_t)min_t(size_t, len, SP_PIPE_BYTES));
		if (splicer == child)
			t_mm_munmap(test, map, map_len);
	}
	sim_task_switch(writer);
	if (p->variant == SP_R05_CHILD_MPROTECT) {
		KUNIT_ASSERT_EQ(test, sim_mprotect(addr, len, PROT_READ), 0);
		KUNIT_ASSERT_EQ(test, sim_mprotect(addr, len, PROT_READ | PROT_WRITE), 0);
	}
	t_mm_fill(test, addr, 'B', len);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr, 'B', len));
	sim_task_switch(parent);
	if (splicer == parent)
		t_mm_munmap(test, map, map_len);

	q = sp_drain(test, fds[0], min_t(size_t, len, SP_PIPE_BYTES));
	KUNIT_EXPECT_TRUE_MSG(test, t_mm_bytes_are(q, 'A', min_t(size_t, len, SP_PIPE_BYTES)),
			      "the pipe saw the other process's write");
	KUNIT_EXPECT_EQ(test, sim_check(), 0);

	sim_task_exit(child);
	sp_close2(fds);
	t_mm_munmap(test, q, min_t(size_t, len, SP_PIPE_BYTES));
	if (splicer == child)
		t_mm_munmap(test, map, map_len);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

static struct kunit_case splice_cases[] = {
	KUNIT_CASE(splice_pipe_read_write),
	KUNIT_CASE(splice_pipe_nonblock_and_close),
	KUNIT_CASE(splice_pipe_blocking_reader),
	KUNIT_CASE(splice_bad_input_30),
	KUNIT_CASE(splice_vmsplice_refs),
	KUNIT_CASE(splice_vmsplice_owner_writes_after),
	KUNIT_CASE_PARAM(splice_r05_vmsplice, sp_r05_gen_params),
	{}
};

struct kunit_suite splice_suite = {
	.name = "splice",
	.init = sp_test_init,
	.exit = sp_test_exit,
	.test_cases = splice_cases,
};
