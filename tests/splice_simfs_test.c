// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for splice on simfs: filemap_splice_read() of cache folios,
 * pipe to file, and R09 as reported (truncate waits for the DIO; the
 * 0x800-byte file stress on both DIO engines). The fixture (a 64 MiB
 * machine and two ram disks per case) is tests/splice_fixture.c; the
 * runner checks the leak ledger after each case.
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

static struct kunit_case splice_simfs_cases[] = {
	KUNIT_CASE(splice_simfs_filemap_read),
	KUNIT_CASE(splice_simfs_pipe_to_file),
	KUNIT_CASE_PARAM(splice_r09_simfs_truncate_waits, sp_dio_gen_params),
	KUNIT_CASE_PARAM(splice_r09_simfs_stress, sp_dio_gen_params),
	{}
};

struct kunit_suite splice_simfs_suite = {
	.name = "splice_simfs",
	.init = sp_test_init,
	.exit = sp_test_exit,
	.test_cases = splice_simfs_cases,
};
