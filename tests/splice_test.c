// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for pipes and splice (fs/pipe.c, fs/splice.c) through the
 * syscalls sim_pipe(), sim_splice() and sim_vmsplice(): pipe read/write by
 * copy, bad input 30, vmsplice's FOLL_GET references and R05 with real
 * vmsplice, direct_splice_read() from an O_DIRECT raw `ram` device into a
 * pipe and out to another device (fresh pages, no pins, no ITER_PIPE),
 * pipe-to-pipe moves, the ITER_BVEC revert rule (R-ITER-14), R09 on the
 * raw device as a concurrent stress (`make tsan` runs it), and on simfs:
 * filemap_splice_read() of cache folios, pipe to file, and R09 as
 * reported (truncate waits for the DIO; the 0x800-byte file stress on
 * both DIO engines).
 *
 * Every case boots a 64 MiB machine and two 4 MiB ram disks "spa" and
 * "spb" (512-byte blocks) in .init; .exit destroys them and shuts down
 * expecting no leaks. Cases close every fd they open (the runner checks
 * the leak ledger after each case).
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

#define SP_DISK_A	"spa"
#define SP_DISK_B	"spb"
#define SP_DEV_A	"/dev/spa"
#define SP_DEV_B	"/dev/spb"
#define SP_DISK_BYTES	(4UL << 20)
#define SP_PIPE_BYTES	(PIPE_DEF_BUFFERS * PAGE_SIZE)

static const struct sim_config sp_cfg = {
	.mem_bytes = 64UL << 20,
	.thp = true,
};

static int sp_test_init(struct kunit *test)
{
	int ret = t_mm_boot(&sp_cfg);

	if (ret)
		return ret;
	ret = sim_ramdisk_create(SP_DISK_A, SP_DISK_BYTES, 512);
	if (ret)
		return ret;
	return sim_ramdisk_create(SP_DISK_B, SP_DISK_BYTES, 512);
}

static void sp_test_exit(struct kunit *test)
{
	sim_disk_inject(SP_DISK_A, NULL);
	sim_disk_destroy(SP_DISK_A);
	sim_disk_destroy(SP_DISK_B);
	t_mm_shutdown(test);
}

/* ---- helpers ---------------------------------------------------------------- */

static long sp_live_folios(void)
{
	struct sim_ledger l;

	sim_ledger_read(&l);
	return l.live_folios;
}

/* The byte at device offset @pos of the pattern the disks are filled with. */
static unsigned char sp_pat(unsigned long pos, unsigned int seed)
{
	return (unsigned char)((pos * 13 + (pos >> 9) * 7 + seed) & 0xff);
}

static void sp_pipe(struct kunit *test, int fds[2], int flags)
{
	KUNIT_ASSERT_EQ(test, sim_pipe2(fds, flags), 0);
}

static void sp_close2(int fds[2])
{
	sim_close(fds[0]);
	sim_close(fds[1]);
}

/* Fill user memory with pattern @seed starting at logical offset @base. */
static void sp_fill(struct kunit *test, unsigned long addr, size_t len, unsigned long base,
		    unsigned int seed)
{
	unsigned char *buf = malloc(len);
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < len; i++)
		buf[i] = sp_pat(base + i, seed);
	KUNIT_ASSERT_EQ(test, sim_user_write(addr, buf, len), (ssize_t)len);
	free(buf);
}

static bool sp_user_is(unsigned long addr, size_t len, unsigned long base, unsigned int seed)
{
	unsigned char *buf = malloc(len);
	bool ok = buf && sim_user_read(addr, buf, len) == (ssize_t)len;
	size_t i;

	for (i = 0; ok && i < len; i++)
		ok = buf[i] == sp_pat(base + i, seed);
	free(buf);
	return ok;
}

/* Write pattern @seed over the whole disk through O_DIRECT. */
static void sp_fill_disk(struct kunit *test, const char *dev, unsigned int seed)
{
	size_t chunk = 256UL << 10;
	unsigned long buf = t_mm_mmap(test, chunk, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	int fd = sim_open(dev, O_RDWR | O_DIRECT, 0);
	unsigned long off;

	KUNIT_ASSERT_GE(test, fd, 0);
	for (off = 0; off < SP_DISK_BYTES; off += chunk) {
		sp_fill(test, buf, chunk, off, seed);
		KUNIT_ASSERT_EQ(test, sim_pwrite(fd, buf, chunk, (off_t)off), (ssize_t)chunk);
	}
	sim_close(fd);
	t_mm_munmap(test, buf, chunk);
}

/* Read the whole pipe (it must hold @len bytes) into new user memory. */
static unsigned long sp_drain(struct kunit *test, int rfd, size_t len)
{
	unsigned long buf = t_mm_mmap(test, len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	size_t done = 0;

	while (done < len) {
		ssize_t n = sim_read(rfd, buf + done, len - done);

		KUNIT_ASSERT_GT_MSG(test, n, 0, "pipe read at %zu of %zu", done, len);
		done += (size_t)n;
	}
	return buf;
}

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

/* ---- O_DIRECT raw device -> pipe -> device ---------------------------------- */

/*
 * direct_splice_read() on a raw device, then iter_file_splice_write():
 *   spa (pattern 6) --splice O_DIRECT 64 KiB at 8 KiB--> [pipe: 16 fresh
 *   OWNER_PIPE pages] --splice--> spb at 1 MiB; then spa -> pipe via the
 *   file position (off NULL) 12 KiB, read() by the consumer
 * Expect 65536 moved each way, 16 pages alive while queued and freed once
 * consumed, *off_in and *off_out and f_pos advanced, spb's bytes equal spa's,
 * no pin taken or released (an ITER_BVEC: no pins, no references), bios
 * all freed and no DMA violation. Rules: R-ITER-4, R-ITER-14, R-BUG-3.
 */
static void splice_dio_raw_roundtrip(struct kunit *test)
{
	unsigned long acq = sim_vmstat("nr_foll_pin_acquired");
	unsigned long rel = sim_vmstat("nr_foll_pin_released");
	unsigned long viol = sim_dma_stat("dma_violations");
	int da, db, fds[2];
	off_t oin = 8192, oout = 1 << 20;
	unsigned long q;
	long folios;

	sp_fill_disk(test, SP_DEV_A, 6);
	acq = sim_vmstat("nr_foll_pin_acquired");
	rel = sim_vmstat("nr_foll_pin_released");
	da = sim_open(SP_DEV_A, O_RDONLY | O_DIRECT, 0);
	db = sim_open(SP_DEV_B, O_RDWR | O_DIRECT, 0);
	KUNIT_ASSERT_GE(test, da, 0);
	KUNIT_ASSERT_GE(test, db, 0);
	sp_pipe(test, fds, 0);
	folios = sp_live_folios();

	KUNIT_EXPECT_EQ(test, sim_splice(da, &oin, fds[1], NULL, 1 << 20, 0),
			(ssize_t)SP_PIPE_BYTES);
	KUNIT_EXPECT_EQ(test, oin, 8192 + (off_t)SP_PIPE_BYTES);
	KUNIT_EXPECT_EQ(test, sp_live_folios() - folios, PIPE_DEF_BUFFERS);
	KUNIT_EXPECT_EQ(test, sim_vmstat("nr_foll_pin_acquired"), acq);

	KUNIT_EXPECT_EQ(test, sim_splice(fds[0], NULL, db, &oout, 1 << 20, SPLICE_F_NONBLOCK),
			(ssize_t)SP_PIPE_BYTES);
	KUNIT_EXPECT_EQ(test, oout, (1 << 20) + (off_t)SP_PIPE_BYTES);
	KUNIT_EXPECT_EQ(test, sp_live_folios() - folios, 0);

	/* Through the file position; the consumer is read(). */
	KUNIT_EXPECT_EQ(test, sim_lseek(da, 4096, SEEK_SET), 4096);
	KUNIT_EXPECT_EQ(test, sim_splice(da, NULL, fds[1], NULL, 12288, 0), 12288);
	KUNIT_EXPECT_EQ(test, sim_lseek(da, 0, SEEK_CUR), 4096 + 12288);
	KUNIT_EXPECT_EQ(test, sp_live_folios() - folios, 3);
	q = sp_drain(test, fds[0], 12288);
	KUNIT_EXPECT_TRUE(test, sp_user_is(q, 12288, 4096, 6));
	/* Only the consumer's 3 anon pages remain. */
	KUNIT_EXPECT_EQ(test, sp_live_folios() - folios, 3);
	t_mm_munmap(test, q, 12288);

	/* spb now holds spa[8K, 72K) at 1 MiB. */
	q = t_mm_mmap(test, SP_PIPE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	KUNIT_EXPECT_EQ(test, sim_pread(db, q, SP_PIPE_BYTES, 1 << 20), (ssize_t)SP_PIPE_BYTES);
	KUNIT_EXPECT_TRUE(test, sp_user_is(q, SP_PIPE_BYTES, 8192, 6));
	t_mm_munmap(test, q, SP_PIPE_BYTES);

	sp_close2(fds);
	sim_close(da);
	sim_close(db);
	/* The preads pinned and unpinned their own buffers: balanced. */
	KUNIT_EXPECT_EQ(test, sim_vmstat("nr_foll_pin_acquired") - acq,
			sim_vmstat("nr_foll_pin_released") - rel);
	KUNIT_EXPECT_EQ(test, sim_dma_stat("dma_violations"), viol);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/*
 * Edges of direct_splice_read() on the raw device:
 *   (a) 4 KiB before the end, ask 64 KiB -> 4096 (reads stop at EOF);
 *   (b) at the end -> 0;
 *   (c) 1000 bytes (not a multiple of the 512-byte block) -> -EINVAL from
 *       the DIO, and every fresh page freed again;
 *   (d) a pipe with 15 buffers used -> one page of room -> 4096;
 *   (e) a buffered (non-O_DIRECT) raw device -> -EINVAL (no block-device
 *       page cache).
 * Expect those results and no page left behind by (b), (c), (e).
 */
static void splice_dio_raw_edges(struct kunit *test)
{
	unsigned long a = t_mm_mmap(test, SP_PIPE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	int da = sim_open(SP_DEV_A, O_RDONLY | O_DIRECT, 0);
	int dbuf = sim_open(SP_DEV_A, O_RDONLY, 0);
	off_t off;
	long folios;
	int fds[2];

	KUNIT_ASSERT_GE(test, da, 0);
	KUNIT_ASSERT_GE(test, dbuf, 0);
	sp_pipe(test, fds, 0);
	folios = sp_live_folios();

	off = SP_DISK_BYTES - 4096;
	KUNIT_EXPECT_EQ(test, sim_splice(da, &off, fds[1], NULL, 1 << 16, 0), 4096);
	KUNIT_EXPECT_EQ(test, off, (off_t)SP_DISK_BYTES);
	KUNIT_EXPECT_EQ(test, sp_live_folios() - folios, 1);
	KUNIT_EXPECT_EQ(test, sim_splice(da, &off, fds[1], NULL, 1 << 16, 0), 0);
	KUNIT_EXPECT_EQ(test, sp_live_folios() - folios, 1);
	off = 0;
	KUNIT_EXPECT_EQ(test, sim_splice(da, &off, fds[1], NULL, 1000, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, off, 0);
	KUNIT_EXPECT_EQ(test, sp_live_folios() - folios, 1);
	KUNIT_EXPECT_EQ(test, sim_splice(dbuf, &off, fds[1], NULL, 4096, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, sp_live_folios() - folios, 1);

	/* 1 + 14 buffers queued: one slot of room left. */
	KUNIT_ASSERT_EQ(test, sim_write(fds[1], a, 14 * PAGE_SIZE), (ssize_t)(14 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, sim_splice(da, &off, fds[1], NULL, 1 << 16, 0), 4096);
	KUNIT_EXPECT_EQ(test, sp_live_folios() - folios, PIPE_DEF_BUFFERS);

	sp_close2(fds);
	KUNIT_EXPECT_EQ(test, sp_live_folios() - folios, 0);
	sim_close(da);
	sim_close(dbuf);
	t_mm_munmap(test, a, SP_PIPE_BYTES);
}

/*
 * R-ITER-14 at the iterator: reverting a non-pinning iterator never frees
 * pages.
 *   4 fresh OWNER_PIPE pages -> ITER_BVEC -> advance 10000 -> revert
 *   10000 -> revert again after a full advance
 * Expect each page's refcount to stay 1, the pages to stay allocated
 * (live folios unchanged), and the iterator back at the start. (With
 * ITER_PIPE, the kernel's revert freed pipe pages a bio was still DMAing
 * into: syzbot a440341a59e3b7142895, R-BUG-3.)
 */
static void splice_bvec_revert_frees_nothing(struct kunit *test)
{
	struct bio_vec bv[4];
	struct iov_iter it;
	long folios;
	int i;

	for (i = 0; i < 4; i++) {
		struct folio *f = folio_alloc_owner(GFP_KERNEL, 0, OWNER_PIPE);

		KUNIT_ASSERT_NOT_NULL(test, f);
		bv[i] = (struct bio_vec){ .bv_page = &f->page, .bv_len = PAGE_SIZE };
	}
	folios = sp_live_folios();
	iov_iter_bvec(&it, ITER_DEST, bv, 4, 4 * PAGE_SIZE);
	iov_iter_advance(&it, 10000);
	iov_iter_revert(&it, 10000);
	KUNIT_EXPECT_EQ(test, iov_iter_count(&it), 4 * PAGE_SIZE);
	iov_iter_advance(&it, 4 * PAGE_SIZE);
	iov_iter_revert(&it, 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, iov_iter_count(&it), 4 * PAGE_SIZE);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, page_ref_count(bv[i].bv_page), 1);
	KUNIT_EXPECT_EQ(test, sp_live_folios(), folios);
	for (i = 0; i < 4; i++)
		put_page(bv[i].bv_page);
}

/*
 * Pipe to pipe:
 *   pipe A holds 3 pages (12288 bytes) -> splice A->B 5000 -> buffer 0
 *   moves whole (its reference goes with it), buffer 1 is shared (904
 *   bytes to B with one more reference, the rest stays in A)
 * Expect 5000, A then reads bytes 5000.., B reads bytes 0..4999, the
 * shared page's refcount 2 while both hold it, all freed at the end.
 */
static void splice_pipe_to_pipe(struct kunit *test)
{
	unsigned long a = t_mm_mmap(test, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	int pa[2], pb[2];
	unsigned long q, r;
	long folios;

	sp_fill(test, a, 3 * PAGE_SIZE, 0, 7);
	sp_pipe(test, pa, 0);
	sp_pipe(test, pb, 0);
	folios = sp_live_folios();
	KUNIT_ASSERT_EQ(test, sim_write(pa[1], a, 3 * PAGE_SIZE), (ssize_t)(3 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, sim_splice(pa[0], NULL, pb[1], NULL, 5000, 0), 5000);
	KUNIT_EXPECT_EQ(test, sp_live_folios() - folios, 3);
	q = sp_drain(test, pb[0], 5000);
	KUNIT_EXPECT_TRUE(test, sp_user_is(q, 5000, 0, 7));
	r = sp_drain(test, pa[0], 3 * PAGE_SIZE - 5000);
	KUNIT_EXPECT_TRUE(test, sp_user_is(r, 3 * PAGE_SIZE - 5000, 5000, 7));
	/* Only the readers' own anon pages remain (2 + 2). */
	KUNIT_EXPECT_EQ(test, sp_live_folios() - folios, 4);
	/* Empty input whose writer is gone: 0. */
	sim_close(pa[1]);
	KUNIT_EXPECT_EQ(test, sim_splice(pa[0], NULL, pb[1], NULL, 5000, 0), 0);
	sim_close(pa[0]);
	sp_close2(pb);
	t_mm_munmap(test, a, 3 * PAGE_SIZE);
	t_mm_munmap(test, q, 5000);
	t_mm_munmap(test, r, 3 * PAGE_SIZE - 5000);
}

/*
 * Fault injection F1/F2 on direct_splice_read():
 *   first page fails -> -ENOMEM; bvec table fails -> -ENOMEM; third page
 *   fails -> the bulk allocation is short (2 pages) -> 8 KiB spliced
 * Expect those results, the position unchanged on failure, the 2 pages
 * holding the right bytes, and nothing leaked. Rules: F1, F2.
 */
static void splice_dio_alloc_failure(struct kunit *test)
{
	int da = sim_open(SP_DEV_A, O_RDONLY | O_DIRECT, 0);
	off_t off = 0;
	long folios;
	int fds[2];

	KUNIT_ASSERT_GE(test, da, 0);
	sp_fill_disk(test, SP_DEV_A, 8);
	sp_pipe(test, fds, 0);
	folios = sp_live_folios();

	/* The first page fails: nothing to read into. */
	sim_fail_site_after(FAULT_PAGE_ALLOC, 1);
	KUNIT_EXPECT_EQ(test, sim_splice(da, &off, fds[1], NULL, 1 << 16, 0), -ENOMEM);
	sim_fault_reset();
	KUNIT_EXPECT_EQ(test, sp_live_folios(), folios);
	KUNIT_EXPECT_EQ(test, off, 0);

	/* The bvec table fails. */
	sim_fail_site_after(FAULT_META_ALLOC, 1);
	KUNIT_EXPECT_EQ(test, sim_splice(da, &off, fds[1], NULL, 1 << 16, 0), -ENOMEM);
	sim_fault_reset();
	KUNIT_EXPECT_EQ(test, sp_live_folios(), folios);

	/* The third page fails: the bulk allocation gives 2, 8 KiB are read. */
	sim_fail_site_after(FAULT_PAGE_ALLOC, 3);
	KUNIT_EXPECT_EQ(test, sim_splice(da, &off, fds[1], NULL, 1 << 16, 0), 8192);
	sim_fault_reset();
	KUNIT_EXPECT_EQ(test, off, 8192);
	KUNIT_EXPECT_EQ(test, sp_live_folios() - folios, 2);
	{
		unsigned long q = sp_drain(test, fds[0], 8192);

		KUNIT_EXPECT_TRUE(test, sp_user_is(q, 8192, 0, 8));
		t_mm_munmap(test, q, 8192);
	}
	sp_close2(fds);
	sim_close(da);
	KUNIT_EXPECT_EQ(test, sp_live_folios(), folios);
}

/* ---- R09 on the raw device: concurrent stress ------------------------------ */

#define R09_MAX_PAIRS	4
#define R09_SECTOR	512UL

/*
 * Each 512-byte sector s of the stress disk starts with s (8 bytes) and
 * continues with (s * 7 + i) & 0xff, so a reader can check any stream of
 * whole sectors without knowing where they came from.
 */
static unsigned char r09_byte(unsigned long s, unsigned long i)
{
	if (i < 8)
		return (unsigned char)(s >> (8 * i));
	return (unsigned char)((s * 7 + i) & 0xff);
}

struct r09_pair {
	struct task_struct *splicer, *reader;
	int rfd, wfd, dfd;
	unsigned long rbuf;
	unsigned long rounds, seed, rseed;
	int *stop, *done;
	/* results */
	unsigned long spliced, read, bad_sectors, past_eof, errors;
	long last_error;
	pthread_t st, rt;
};

struct r09_run {
	struct r09_pair pairs[R09_MAX_PAIRS];
	int nr_pairs;
	int stop, stop_splice, done;
	unsigned long churn_ops, churn_errors;
	struct task_struct *churn_task;
	unsigned long churn_buf;
	double deadline;
};

static double r09_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned long r09_rand(unsigned long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Splice random block-aligned ranges, some straddling the end, into the pipe. */
static void *r09_splicer_fn(void *arg)
{
	struct r09_pair *p = arg;
	unsigned long i;

	sim_task_switch(p->splicer);
	for (i = 0; i < p->rounds && !__atomic_load_n(p->stop, __ATOMIC_RELAXED); i++) {
		unsigned long sectors = SP_DISK_BYTES / R09_SECTOR;
		unsigned long r = r09_rand(&p->seed);
		/* A quarter of the rounds start in the last 32 sectors. */
		unsigned long s = (r & 3) ? (r >> 8) % sectors : sectors - 1 - ((r >> 8) % 32);
		size_t len = ((r >> 40) % 128 + 1) * R09_SECTOR;
		off_t off = (off_t)(s * R09_SECTOR);
		ssize_t ret = sim_splice(p->dfd, &off, p->wfd, NULL, len, 0);

		if (ret < 0) {
			p->errors++;
			p->last_error = ret;
			continue;
		}
		if ((unsigned long)ret > SP_DISK_BYTES - s * R09_SECTOR || ret % R09_SECTOR)
			p->past_eof++;
		p->spliced += (unsigned long)ret;
	}
	sim_close(p->wfd);	/* EOF for the reader */
	__atomic_add_fetch(p->done, 1, __ATOMIC_RELEASE);
	sim_task_switch(NULL);
	return NULL;
}

/* Read the pipe to EOF in odd-sized pieces; check every whole sector. */
static void *r09_reader_fn(void *arg)
{
	struct r09_pair *p = arg;
	unsigned char sector[R09_SECTOR], chunk[3000];
	size_t have = 0;

	sim_task_switch(p->reader);
	for (;;) {
		size_t want = 1 + r09_rand(&p->rseed) % sizeof(chunk), i;
		ssize_t n = sim_read(p->rfd, p->rbuf, want);

		if (n <= 0) {
			if (n < 0) {
				p->errors++;
				p->last_error = n;
			}
			break;
		}
		if (sim_user_read(p->rbuf, chunk, (size_t)n) != n) {
			p->errors++;
			break;
		}
		p->read += (unsigned long)n;
		for (i = 0; i < (size_t)n; i++) {
			sector[have++] = chunk[i];
			if (have == R09_SECTOR) {
				unsigned long s = 0, k;

				for (k = 0; k < 8; k++)
					s |= (unsigned long)sector[k] << (8 * k);
				for (k = 0; k < R09_SECTOR; k++)
					if (s >= SP_DISK_BYTES / R09_SECTOR ||
					    sector[k] != r09_byte(s, k))
						break;
				if (k != R09_SECTOR)
					p->bad_sectors++;
				have = 0;
			}
		}
	}
	if (have)
		p->bad_sectors++;
	sim_task_switch(NULL);
	return NULL;
}

/* Pin/unpin churn on its own task, plus faults and frees of anon pages. */
static void *r09_churn_fn(void *arg)
{
	struct r09_run *run = arg;
	unsigned long seed = 0x9e3779b97f4a7c15UL;
	struct page *pages[8];

	sim_task_switch(run->churn_task);
	while (!__atomic_load_n(&run->stop, __ATOMIC_ACQUIRE)) {
		unsigned long r = r09_rand(&seed);
		unsigned long addr = run->churn_buf + ((r >> 4) % 56) * PAGE_SIZE;
		int n = (int)(r % 8) + 1;
		int got = pin_user_pages_fast(addr, n, (r & 16) ? FOLL_WRITE : 0, pages);

		if (got > 0)
			unpin_user_pages(pages, (unsigned long)got);
		else
			run->churn_errors++;
		if (!(r & 0x70))
			sim_madvise(addr, PAGE_SIZE, MADV_DONTNEED);
		run->churn_ops++;
	}
	sim_task_switch(NULL);
	return NULL;
}

/*
 * R09 on the raw device (B6, syzbot a440341a59e3b7142895), as a stress:
 *
 *   splicer i (task Si) --splice O_DIRECT fd @ random sector, 512 B..64 KiB,
 *        |                 some straddling the device end-->  pipe i
 *        |                                                     |
 *        +- fork -> reader i (task Ri, shares the pipe) --read odd sizes--+
 *   churn task: pin_user_pages_fast/unpin + MADV_DONTNEED in a loop
 *   main: re-arms SIM_IO_DELAY on the disk with random 0..300 us delays
 *
 * 2 pairs and ~2,000 rounds each by default (time-capped at 2 s), 4 pairs
 * x 10,000 rounds with -l. The DIO goes into fresh pages through an
 * ITER_BVEC; no pipe page can be freed while a bio targets it, since the
 * pipe only sees the pages after the synchronous read returned.
 * Expect: sim_dma_stat("dma_violations") unchanged (I9), every byte the
 * readers see is a whole, correct sector, every splice ≤ EOF, no error,
 * sim_check() == 0, and the ledger back to baseline (0 leaks).
 * Rules: R09, R-ITER-14, R-BUG-3, I9.
 */
static void splice_r09_raw_stress(struct kunit *test)
{
	unsigned long viol = sim_dma_stat("dma_violations");
	bool longrun = kunit_long();
	unsigned long rounds = longrun ? 10000 : 2000, chunk = 256UL << 10, off;
	struct r09_run *run = calloc(1, sizeof(*run));
	struct task_struct *main_task = sim_current();
	unsigned long seed = kunit_seed() | 1, buf;
	pthread_t churn;
	int i, dfd;

	KUNIT_ASSERT_NOT_NULL(test, run);
	run->nr_pairs = longrun ? 4 : 2;
	run->deadline = r09_now() + (longrun ? 600.0 : 2.0);

	/* The self-describing sectors. */
	buf = t_mm_mmap(test, chunk, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	dfd = sim_open(SP_DEV_A, O_RDWR | O_DIRECT, 0);
	KUNIT_ASSERT_GE(test, dfd, 0);
	for (off = 0; off < SP_DISK_BYTES; off += chunk) {
		unsigned char *host = malloc(chunk);
		unsigned long k;

		KUNIT_ASSERT_NOT_NULL(test, host);
		for (k = 0; k < chunk; k++)
			host[k] = r09_byte((off + k) / R09_SECTOR, (off + k) % R09_SECTOR);
		KUNIT_ASSERT_EQ(test, sim_user_write(buf, host, chunk), (ssize_t)chunk);
		free(host);
		KUNIT_ASSERT_EQ(test, sim_pwrite(dfd, buf, chunk, (off_t)off), (ssize_t)chunk);
	}
	sim_close(dfd);
	t_mm_munmap(test, buf, chunk);

	for (i = 0; i < run->nr_pairs; i++) {
		struct r09_pair *p = &run->pairs[i];
		int fds[2];

		p->splicer = sim_task_create();
		KUNIT_ASSERT_NOT_NULL(test, p->splicer);
		sim_task_switch(p->splicer);
		KUNIT_ASSERT_EQ(test, sim_pipe(fds), 0);
		p->dfd = sim_open(SP_DEV_A, O_RDONLY | O_DIRECT, 0);
		KUNIT_ASSERT_GE(test, p->dfd, 0);
		p->reader = t_mm_fork(test);
		p->rfd = fds[0];
		p->wfd = fds[1];
		sim_close(p->rfd);		/* the splicer keeps the write end */
		sim_task_switch(p->reader);
		sim_close(p->wfd);		/* the reader keeps the read end */
		sim_close(p->dfd);
		p->rbuf = t_mm_mmap(test, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
		p->rounds = rounds;
		p->stop = &run->stop_splice;
		p->done = &run->done;
		p->seed = seed + (unsigned long)i * 0x1000193UL;
		p->rseed = ~p->seed;
	}
	run->churn_task = sim_task_create();
	KUNIT_ASSERT_NOT_NULL(test, run->churn_task);
	sim_task_switch(run->churn_task);
	run->churn_buf = t_mm_mmap(test, 64 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	sim_task_switch(main_task);

	KUNIT_ASSERT_EQ(test, pthread_create(&churn, NULL, r09_churn_fn, run), 0);
	for (i = 0; i < run->nr_pairs; i++) {
		KUNIT_ASSERT_EQ(test, pthread_create(&run->pairs[i].st, NULL, r09_splicer_fn,
						     &run->pairs[i]), 0);
		KUNIT_ASSERT_EQ(test, pthread_create(&run->pairs[i].rt, NULL, r09_reader_fn,
						     &run->pairs[i]), 0);
	}

	/* Random completion delays until the splicers are done or time is up. */
	while (__atomic_load_n(&run->done, __ATOMIC_ACQUIRE) < run->nr_pairs) {
		struct sim_io_fault f = {
			.flags = SIM_IO_DELAY,
			.delay_us = r09_rand(&seed) % 300,
		};

		if (r09_now() > run->deadline)
			__atomic_store_n(&run->stop_splice, 1, __ATOMIC_RELAXED);
		sim_disk_inject(SP_DISK_A, (r09_rand(&seed) & 3) ? &f : NULL);
		usleep(2000);
	}
	for (i = 0; i < run->nr_pairs; i++)
		pthread_join(run->pairs[i].st, NULL);
	sim_disk_inject(SP_DISK_A, NULL);
	for (i = 0; i < run->nr_pairs; i++)
		pthread_join(run->pairs[i].rt, NULL);
	__atomic_store_n(&run->stop, 1, __ATOMIC_RELEASE);
	pthread_join(churn, NULL);

	for (i = 0; i < run->nr_pairs; i++) {
		struct r09_pair *p = &run->pairs[i];

		KUNIT_EXPECT_EQ_MSG(test, p->errors, 0UL, "pair %d: last error %ld", i,
				    p->last_error);
		KUNIT_EXPECT_EQ_MSG(test, p->bad_sectors, 0UL, "pair %d", i);
		KUNIT_EXPECT_EQ_MSG(test, p->past_eof, 0UL, "pair %d: splice past EOF", i);
		KUNIT_EXPECT_EQ_MSG(test, p->read, p->spliced, "pair %d", i);
		KUNIT_EXPECT_GT(test, p->spliced, 0UL);
		if (kunit_verbose())
			kunit_info(test, "pair %d: %lu bytes spliced and read", i, p->spliced);
		sim_task_exit(p->splicer);
		sim_task_exit(p->reader);
	}
	KUNIT_EXPECT_GT(test, run->churn_ops, 0UL);
	KUNIT_EXPECT_EQ(test, run->churn_errors, 0UL);
	sim_task_exit(run->churn_task);
	sim_task_switch(main_task);
	KUNIT_EXPECT_EQ(test, sim_dma_stat("dma_violations"), viol);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
	free(run);
}

/* ---- simfs: buffered splice and R09 as reported -------------------------------- */

#define R09_FILE	"/mnt/r09"
#define R09_SIZE	0x800
#define R09_OFF		0x200
#define R09_LEN		0x1dd00

/* mkfs + mount spb at /mnt with @dio, a file of R09_SIZE bytes of pattern 9. */
static void sp_simfs_setup(struct kunit *test, const char *dio)
{
	unsigned long buf;
	int ret, fd;

	ret = sim_mkfs(SP_DISK_B, "simfs", "bs=512");
	if (ret)
		kunit_skip(test, "sim_mkfs: %d", ret);
	ret = sim_mount(SP_DISK_B, "/mnt", dio);
	if (ret)
		kunit_skip(test, "sim_mount(%s): %d", dio, ret);
	buf = t_mm_mmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	sp_fill(test, buf, R09_SIZE, 0, 9);
	/* Written through O_DIRECT: the blocks are on the disk at once. */
	fd = sim_open(R09_FILE, O_CREAT | O_RDWR | O_DIRECT, 0644);
	KUNIT_ASSERT_GE(test, fd, 0);
	KUNIT_ASSERT_EQ(test, sim_pwrite(fd, buf, R09_SIZE, 0), R09_SIZE);
	KUNIT_ASSERT_EQ(test, sim_fsync(fd), 0);
	sim_close(fd);
	t_mm_munmap(test, buf, PAGE_SIZE);
}

static void sp_simfs_teardown(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sim_umount("/mnt"), 0);
}

/*
 * Buffered splice through the page cache (filemap_splice_read(), called
 * on the open file directly since simfs does not set ->splice_read yet):
 *   /mnt/r09 (0x800 bytes, cached) --splice 64 KiB at 0x100--> pipe:
 *   one buffer holding the cache folio itself, 0x700 bytes (EOF)
 * Expect 0x700, the folio's refcount +1 while queued (a reference, never
 * a pin), no new folio, the right bytes, and the refcount back after the
 * read; at EOF 0. Then truncate to 0 while the folio is in the pipe: it
 * leaves the cache but the pipe still reads the old bytes (I7).
 */
static void splice_simfs_filemap_read(struct kunit *test)
{
	unsigned long pins, q;
	struct pipe_inode_info *pipe;
	struct file *in, *pw;
	struct folio *folio;
	loff_t pos = 0x100;
	int fd, fds[2], ref;
	long folios;
	ssize_t ret;

	sp_simfs_setup(test, "dio=iomap");
	pins = sim_vmstat("nr_foll_pin_acquired");
	fd = sim_open(R09_FILE, O_RDWR, 0);
	KUNIT_ASSERT_GE(test, fd, 0);
	sp_pipe(test, fds, 0);
	in = sim_fget(fd);
	pw = sim_fget(fds[1]);
	pipe = get_pipe_info(pw);
	KUNIT_ASSERT_NOT_NULL(test, pipe);
	folio = filemap_get_uptodate_folio(in, in->f_mapping, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(folio));
	ref = folio_ref_count(folio);
	folios = sp_live_folios();

	pipe_lock(pipe);
	ret = filemap_splice_read(in, &pos, pipe, 1 << 16, 0);
	pipe_unlock(pipe);
	KUNIT_EXPECT_EQ(test, ret, 0x700);
	KUNIT_EXPECT_EQ(test, pos, 0x800);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), ref + 1);
	KUNIT_EXPECT_EQ(test, sp_live_folios(), folios);
	pipe_lock(pipe);
	KUNIT_EXPECT_EQ(test, filemap_splice_read(in, &pos, pipe, 1 << 16, 0), 0);
	pipe_unlock(pipe);

	/* Truncate while the pipe holds the folio: orphaned, still readable. */
	KUNIT_EXPECT_EQ(test, sim_ftruncate(fd, 0), 0);
	KUNIT_EXPECT_FALSE(test, filemap_folio_indexed(in->f_mapping, folio));
	q = sp_drain(test, fds[0], 0x700);
	KUNIT_EXPECT_TRUE(test, sp_user_is(q, 0x700, 0x100, 9));
	/* The cache's reference went with the truncate, the pipe's with the read. */
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), ref - 1);
	folio_put(folio);	/* ours: the orphan is freed here */
	KUNIT_EXPECT_EQ(test, sim_vmstat("nr_foll_pin_acquired"), pins);

	fput(pw);
	fput(in);
	sp_close2(fds);
	sim_close(fd);
	t_mm_munmap(test, q, 0x700);
	sp_simfs_teardown(test);
}

/*
 * Pipe to simfs files (iter_file_splice_write() into ->write_iter):
 *   user (pattern 10, 8 KiB) --write--> pipe --splice--> /mnt/od (O_DIRECT)
 *   user --write--> pipe --splice--> /mnt/buf (buffered, at offset 100)
 * Expect 8192 each time, the bytes back through pread, the pipe's pages
 * freed once written, and no pin taken for the pipe's pages (ITER_BVEC).
 */
static void splice_simfs_pipe_to_file(struct kunit *test)
{
	unsigned long a, q;
	int fds[2], od, bf;
	off_t off = 100;
	long folios;

	sp_simfs_setup(test, "dio=iomap");
	a = t_mm_mmap(test, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	q = t_mm_mmap(test, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	sp_fill(test, a, 8192, 0, 10);
	KUNIT_ASSERT_EQ(test, sim_user_memset(q, 0, 8192), 8192);
	od = sim_open("/mnt/od", O_CREAT | O_RDWR | O_DIRECT, 0644);
	bf = sim_open("/mnt/buf", O_CREAT | O_RDWR, 0644);
	KUNIT_ASSERT_GE(test, od, 0);
	KUNIT_ASSERT_GE(test, bf, 0);
	sp_pipe(test, fds, 0);
	folios = sp_live_folios();

	KUNIT_ASSERT_EQ(test, sim_write(fds[1], a, 8192), 8192);
	KUNIT_EXPECT_EQ(test, sim_splice(fds[0], NULL, od, NULL, 8192, 0), 8192);
	KUNIT_EXPECT_EQ(test, sim_lseek(od, 0, SEEK_CUR), 8192);
	KUNIT_EXPECT_EQ(test, sp_live_folios(), folios);
	KUNIT_EXPECT_EQ(test, sim_pread(od, q, 8192, 0), 8192);
	KUNIT_EXPECT_TRUE(test, sp_user_is(q, 8192, 0, 10));

	KUNIT_ASSERT_EQ(test, sim_write(fds[1], a, 8192), 8192);
	KUNIT_EXPECT_EQ(test, sim_splice(fds[0], NULL, bf, &off, 8192, 0), 8192);
	KUNIT_EXPECT_EQ(test, off, 8292);
	KUNIT_EXPECT_EQ(test, sim_pread(bf, q, 8192, 100), 8192);
	KUNIT_EXPECT_TRUE(test, sp_user_is(q, 8192, 0, 10));

	sp_close2(fds);
	sim_close(od);
	sim_close(bf);
	t_mm_munmap(test, a, 8192);
	t_mm_munmap(test, q, 8192);
	sp_simfs_teardown(test);
}

struct sp_r09_one {
	struct task_struct *task;
	int fd, wfd;
	ssize_t ret;
	int finished;
};

static void *sp_r09_splice_one(void *arg)
{
	struct sp_r09_one *o = arg;
	off_t off = R09_OFF;

	sim_task_switch(o->task);
	o->ret = sim_splice(o->fd, &off, o->wfd, NULL, R09_LEN, 0);
	sim_task_switch(NULL);
	return NULL;
}

static void *sp_r09_truncate_one(void *arg)
{
	struct sp_r09_one *o = arg;

	sim_task_switch(o->task);
	o->ret = sim_ftruncate(o->fd, 0);
	__atomic_store_n(&o->finished, 1, __ATOMIC_RELEASE);
	sim_task_switch(NULL);
	return NULL;
}

/*
 * R09 step by step on simfs (syzbot a440341a59e3b7142895's repro:
 * ftruncate 0x800, O_DIRECT splice at 0x200 for 0x1dd00):
 *   disk holds every bio (SIM_IO_HOLD) -> thread S splices (its DIO bios
 *   are held) -> thread T ftruncate(0) -> 50 ms later T has not returned
 *   -> release the bios -> both finish
 * Expect T to wait for the in-flight DIO (inode_dio_wait()/i_rwsem), S to
 * return at most 0x600 bytes (reads <= EOF), the pipe's pages to hold the
 * file's bytes, no DMA violation and nothing leaked. Rules: R09, R-BUG-3,
 * R-ITER-14.
 */
static void splice_r09_simfs_truncate_waits(struct kunit *test)
{
	const char *dio = *(const char *const *)test->param_value;
	unsigned long viol = sim_dma_stat("dma_violations");
	struct sim_io_fault hold = { .flags = SIM_IO_HOLD };
	struct task_struct *main_task = sim_current();
	struct sp_r09_one s = { 0 }, t = { 0 };
	pthread_t sth, tth;
	int fds[2], released = 0;

	sp_simfs_setup(test, dio);
	sp_pipe(test, fds, 0);
	s.fd = sim_open(R09_FILE, O_RDONLY | O_DIRECT, 0);
	t.fd = sim_open(R09_FILE, O_RDWR, 0);
	KUNIT_ASSERT_GE(test, s.fd, 0);
	KUNIT_ASSERT_GE(test, t.fd, 0);
	s.wfd = fds[1];
	s.task = t_mm_fork(test);
	t.task = s.task;

	KUNIT_ASSERT_EQ(test, sim_disk_inject(SP_DISK_B, &hold), 0);
	KUNIT_ASSERT_EQ(test, pthread_create(&sth, NULL, sp_r09_splice_one, &s), 0);
	usleep(30000);
	KUNIT_ASSERT_EQ(test, pthread_create(&tth, NULL, sp_r09_truncate_one, &t), 0);
	usleep(50000);
	KUNIT_EXPECT_EQ_MSG(test, __atomic_load_n(&t.finished, __ATOMIC_ACQUIRE), 0,
			    "truncate returned while the DIO was in flight");
	sim_disk_inject(SP_DISK_B, NULL);
	while (pthread_tryjoin_np(sth, NULL)) {
		released += sim_disk_release(SP_DISK_B);
		usleep(1000);
	}
	pthread_join(tth, NULL);
	KUNIT_EXPECT_GT(test, released, 0);
	KUNIT_EXPECT_EQ(test, t.ret, 0);
	KUNIT_EXPECT_GE(test, s.ret, 0);
	KUNIT_EXPECT_LE(test, s.ret, R09_SIZE - R09_OFF);
	if (s.ret > 0) {
		unsigned long q = sp_drain(test, fds[0], (size_t)s.ret);

		KUNIT_EXPECT_TRUE(test, sp_user_is(q, (size_t)s.ret, R09_OFF, 9));
		t_mm_munmap(test, q, (size_t)s.ret);
	}
	sim_task_switch(main_task);
	sim_task_exit(s.task);
	sp_close2(fds);
	sim_close(s.fd);
	sim_close(t.fd);
	KUNIT_EXPECT_EQ(test, sim_dma_stat("dma_violations"), viol);
	sp_simfs_teardown(test);
}

struct r09fs_thread {
	struct task_struct *task;
	int fd, rfd, wfd;
	unsigned long rbuf, rounds, done, bad, past_eof, errors, bytes;
	long last_error;
	int *stop;
	pthread_t th;
};

/* Loop: splice 0x1dd00 at 0x200 into the pipe, then read it all back. */
static void *r09fs_splicer_fn(void *arg)
{
	struct r09fs_thread *w = arg;
	unsigned char buf[R09_SIZE];

	sim_task_switch(w->task);
	for (w->done = 0; w->done < w->rounds && !__atomic_load_n(w->stop, __ATOMIC_RELAXED);
	     w->done++) {
		off_t off = R09_OFF;
		ssize_t ret = sim_splice(w->fd, &off, w->wfd, NULL, R09_LEN, 0), got = 0, i;

		if (ret < 0) {
			w->errors++;
			w->last_error = ret;
			continue;
		}
		if (ret > R09_SIZE - R09_OFF)
			w->past_eof++;
		while (got < ret) {
			ssize_t n = sim_read(w->rfd, w->rbuf, (size_t)(ret - got));

			if (n <= 0 || n > (ssize_t)sizeof(buf) ||
			    sim_user_read(w->rbuf, buf, (size_t)n) != n) {
				w->errors++;
				w->last_error = n;
				break;
			}
			/* The file's bytes, or zeros where truncate + extend left a hole. */
			for (i = 0; i < n; i++)
				if (buf[i] && buf[i] != sp_pat((unsigned long)(R09_OFF + got + i), 9))
					w->bad++;
			got += n;
		}
		w->bytes += (unsigned long)ret;
	}
	sim_task_switch(NULL);
	return NULL;
}

/* Loop: truncate to 0 and back to 0x800 (the hole reads as zeros). */
static void *r09fs_truncater_fn(void *arg)
{
	struct r09fs_thread *w = arg;

	sim_task_switch(w->task);
	while (!__atomic_load_n(w->stop, __ATOMIC_ACQUIRE)) {
		long r1 = sim_ftruncate(w->fd, 0), r2 = sim_ftruncate(w->fd, R09_SIZE);

		if (r1 || r2) {
			w->errors++;
			w->last_error = r1 ? r1 : r2;
		}
		w->done++;
	}
	sim_task_switch(NULL);
	return NULL;
}

/*
 * R09 as reported, on simfs (B6, syzbot a440341a59e3b7142895):
 *
 *   file /mnt/r09: 0x800 bytes
 *   splicer x2 (x4 with -l): O_DIRECT fd --splice @0x200, 0x1dd00--> own
 *       pipe --read--> check bytes           (loops)
 *   truncater: ftruncate(0); ftruncate(0x800)  (loops)
 *   main: the disk completes after random 0..300 us delays
 *
 * ~1 s per DIO engine by default, 10,000 splices per splicer with -l.
 * Expect: every splice returns 0..0x600 bytes (reads <= EOF), every byte
 * read is the file's or a hole's zero, no errors, no DMA violation (I9),
 * sim_check() == 0, and nothing leaked once the file and pipes are closed.
 * Rules: R09, R-BUG-3, R-ITER-14, I9.
 */
static void splice_r09_simfs_stress(struct kunit *test)
{
	const char *dio = *(const char *const *)test->param_value;
	unsigned long viol = sim_dma_stat("dma_violations");
	bool longrun = kunit_long();
	int nr = longrun ? 4 : 2, i, stop = 0;
	struct task_struct *main_task = sim_current();
	struct r09fs_thread w[5], *tr = &w[4];
	unsigned long seed = kunit_seed() | 1;
	double deadline = r09_now() + (longrun ? 900.0 : 1.0);
	bool running = true, joined[4] = { false };

	memset(w, 0, sizeof(w));
	sp_simfs_setup(test, dio);
	for (i = 0; i < nr; i++) {
		int fds[2];

		w[i].task = sim_task_create();
		KUNIT_ASSERT_NOT_NULL(test, w[i].task);
		sim_task_switch(w[i].task);
		KUNIT_ASSERT_EQ(test, sim_pipe(fds), 0);
		w[i].rfd = fds[0];
		w[i].wfd = fds[1];
		w[i].fd = sim_open(R09_FILE, O_RDONLY | O_DIRECT, 0);
		KUNIT_ASSERT_GE(test, w[i].fd, 0);
		w[i].rbuf = t_mm_mmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
		w[i].rounds = longrun ? 10000 : 1000000;
		w[i].stop = &stop;
	}
	tr->task = sim_task_create();
	KUNIT_ASSERT_NOT_NULL(test, tr->task);
	sim_task_switch(tr->task);
	tr->fd = sim_open(R09_FILE, O_RDWR, 0);
	KUNIT_ASSERT_GE(test, tr->fd, 0);
	tr->stop = &stop;
	sim_task_switch(main_task);

	KUNIT_ASSERT_EQ(test, pthread_create(&tr->th, NULL, r09fs_truncater_fn, tr), 0);
	for (i = 0; i < nr; i++)
		KUNIT_ASSERT_EQ(test, pthread_create(&w[i].th, NULL, r09fs_splicer_fn, &w[i]), 0);
	while (running) {
		struct sim_io_fault f = { .flags = SIM_IO_DELAY, .delay_us = r09_rand(&seed) % 300 };

		if (r09_now() > deadline)
			__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
		sim_disk_inject(SP_DISK_B, (r09_rand(&seed) & 3) ? &f : NULL);
		usleep(2000);
		running = false;
		for (i = 0; i < nr; i++) {
			if (joined[i])
				continue;
			if (pthread_tryjoin_np(w[i].th, NULL) == EBUSY)
				running = true;
			else
				joined[i] = true;
		}
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	pthread_join(tr->th, NULL);
	sim_disk_inject(SP_DISK_B, NULL);

	for (i = 0; i < nr; i++) {
		KUNIT_EXPECT_EQ_MSG(test, w[i].errors, 0UL, "splicer %d: last %ld", i,
				    w[i].last_error);
		KUNIT_EXPECT_EQ_MSG(test, w[i].bad, 0UL, "splicer %d: wrong bytes", i);
		KUNIT_EXPECT_EQ_MSG(test, w[i].past_eof, 0UL, "splicer %d: read past EOF", i);
		KUNIT_EXPECT_GT(test, w[i].done, 0UL);
		if (kunit_verbose())
			kunit_info(test, "splicer %d: %lu splices, %lu bytes", i, w[i].done,
				   w[i].bytes);
		sim_task_exit(w[i].task);
	}
	KUNIT_EXPECT_EQ_MSG(test, tr->errors, 0UL, "truncate: last %ld", tr->last_error);
	KUNIT_EXPECT_GT(test, tr->done, 0UL);
	if (kunit_verbose())
		kunit_info(test, "truncater: %lu rounds", tr->done);
	sim_task_exit(tr->task);
	sim_task_switch(main_task);
	KUNIT_EXPECT_EQ(test, sim_dma_stat("dma_violations"), viol);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
	sp_simfs_teardown(test);
}

static const char *const sp_dio_engines[] = { "dio=iomap", "dio=legacy" };

static void sp_dio_desc(const char *const *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", *p);
}
KUNIT_ARRAY_PARAM(sp_dio, sp_dio_engines, sp_dio_desc);

static struct kunit_case splice_test_cases[] = {
	KUNIT_CASE(splice_pipe_read_write),
	KUNIT_CASE(splice_pipe_nonblock_and_close),
	KUNIT_CASE(splice_pipe_blocking_reader),
	KUNIT_CASE(splice_bad_input_30),
	KUNIT_CASE(splice_vmsplice_refs),
	KUNIT_CASE(splice_vmsplice_owner_writes_after),
	KUNIT_CASE_PARAM(splice_r05_vmsplice, sp_r05_gen_params),
	KUNIT_CASE(splice_dio_raw_roundtrip),
	KUNIT_CASE(splice_dio_raw_edges),
	KUNIT_CASE(splice_bvec_revert_frees_nothing),
	KUNIT_CASE(splice_pipe_to_pipe),
	KUNIT_CASE(splice_dio_alloc_failure),
	KUNIT_CASE(splice_r09_raw_stress),
	KUNIT_CASE(splice_simfs_filemap_read),
	KUNIT_CASE(splice_simfs_pipe_to_file),
	KUNIT_CASE_PARAM(splice_r09_simfs_truncate_waits, sp_dio_gen_params),
	KUNIT_CASE_PARAM(splice_r09_simfs_stress, sp_dio_gen_params),
	{}
};

struct kunit_suite splice_suite = {
	.name = "splice",
	.init = sp_test_init,
	.exit = sp_test_exit,
	.test_cases = splice_test_cases,
};
