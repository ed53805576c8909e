// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for splice and O_DIRECT on a raw `ram` device:
 * direct_splice_read() from an O_DIRECT device into a pipe and out to
 * another device (fresh pages, no pins, no ITER_PIPE), pipe-to-pipe
 * moves, the ITER_BVEC revert rule (R-ITER-14), and R09 on the raw
 * device as a concurrent stress (`make tsan` runs it). The fixture (two
 * ram disks, a 64 MiB machine per case) is tests/splice_fixture.c.
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

static struct kunit_case splice_dio_cases[] = {
	KUNIT_CASE(splice_dio_raw_roundtrip),
	KUNIT_CASE(splice_dio_raw_edges),
	KUNIT_CASE(splice_bvec_revert_frees_nothing),
	KUNIT_CASE(splice_pipe_to_pipe),
	KUNIT_CASE(splice_dio_alloc_failure),
	KUNIT_CASE(splice_r09_raw_stress),
	{}
};

struct kunit_suite splice_dio_suite = {
	.name = "splice_dio",
	.init = sp_test_init,
	.exit = sp_test_exit,
	.test_cases = splice_dio_cases,
};
