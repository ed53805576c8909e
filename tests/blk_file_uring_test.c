// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the `file` disk's io_uring backend under load
 * (drivers/block/file.c): one owner thread per ring submits in batches
 * and reaps every CQE there is; submitters hand ops over and ring a
 * doorbell. Batching must not lose, repeat or misplace a completion, must
 * keep at most FILE_URING_DEPTH (64) I/Os in flight at the host, and the
 * bytes must still move on the device's own thread.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "blk_helpers.h"

#define FU_NR		96	/* bios in flight at once: more than the ring's 64 */
#define FU_DEPTH	64	/* FILE_URING_DEPTH */

struct fu_case {
	const char *backend;
	unsigned int threads;
};

static const struct fu_case fu_cases[] = {
	{ "io_uring", 0 },
	{ "io_uring", 2 },
	{ "io_uring,direct", 0 },
	{ "io_uring,direct", 2 },
};

static void fu_case_desc(const struct fu_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s, %u DMA threads", c->backend, c->threads);
}

KUNIT_ARRAY_PARAM(fu, fu_cases, fu_case_desc);

struct fu_io;
struct fu_slot {
	struct fu_io *io;
	int id;
};

/* Completions of one batch of bios: how often each ended, how, and where. The end_io puts the bio. */
struct fu_io {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t submitter;
	int done;
	int count[FU_NR];
	blk_status_t status[FU_NR];
	bool on_submitter[FU_NR];
	struct fu_slot slot[FU_NR];
};

static void fu_end_io(struct bio *bio)
{
	struct fu_slot *slot = bio->bi_private;
	struct fu_io *io = slot->io;
	int id = slot->id;

	pthread_mutex_lock(&io->lock);
	io->count[id]++;
	io->status[id] = bio->bi_status;
	if (pthread_equal(pthread_self(), io->submitter))
		io->on_submitter[id] = true;
	io->done++;
	pthread_cond_broadcast(&io->cond);
	pthread_mutex_unlock(&io->lock);
	bio_put(bio);
}

/*
 * Submit FU_NR 4 KiB bios (bio i: folio i at sector 8 i) without waiting,
 * then wait up to 10 s for all of them. Return the completions seen.
 */
static int fu_run(struct kunit *test, struct block_device *bdev, blk_opf_t op,
		  struct folio **f, struct fu_io *io)
{
	struct timespec ts;
	int i, done;

	memset(io, 0, sizeof(*io));
	pthread_mutex_init(&io->lock, NULL);
	pthread_cond_init(&io->cond, NULL);
	io->submitter = pthread_self();
	for (i = 0; i < FU_NR; i++) {
		struct bio *bio = t_blk_bio(test, bdev, op, (sector_t)i * 8, 1);

		t_blk_add(test, bio, &f[i]->page, PAGE_SIZE, 0);
		io->slot[i].io = io;
		io->slot[i].id = i;
		bio->bi_private = &io->slot[i];
		bio->bi_end_io = fu_end_io;
		submit_bio(bio);
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 10;
	pthread_mutex_lock(&io->lock);
	while (io->done < FU_NR)
		if (pthread_cond_timedwait(&io->cond, &io->lock, &ts))
			break;
	done = io->done;
	pthread_mutex_unlock(&io->lock);
	return done;
}

/* Each bio completed exactly once, without error, not on the submitter. */
static void fu_check(struct kunit *test, struct fu_io *io, const char *what)
{
	int i;

	for (i = 0; i < FU_NR; i++) {
		KUNIT_EXPECT_EQ_MSG(test, io->count[i], 1, "%s bio %d completions", what, i);
		KUNIT_EXPECT_EQ_MSG(test, io->status[i], BLK_STS_OK, "%s bio %d", what, i);
		KUNIT_EXPECT_FALSE_MSG(test, io->on_submitter[i],
				       "%s bio %d completed on the submitting thread", what, i);
	}
	pthread_cond_destroy(&io->cond);
	pthread_mutex_destroy(&io->lock);
}

static unsigned char fu_pat(int i, int b)
{
	return (unsigned char)(i * 37 + b * 7 + 1);
}

/*
 * 96 writes, then 96 reads, each batch submitted at once (no waiting in
 * between), of 4 KiB blocks of a 1 MiB host file:
 *   submitter --96 bios--> [DMA] --ops--> owner --<=64 SQEs--> host
 *                                          owner <--CQEs-- host
 *   bio i <-> host bytes [4096 i, 4096 (i + 1))
 * Expect every bio to complete exactly once with BLK_STS_OK on a thread
 * other than the submitter, the host file to hold pattern i in block i,
 * the reads to bring the patterns back, one SQE per 4 KiB transfer (no
 * short ones here), one completed DMA request per bio, and the host depth
 * after each submitting enter never above 64 (the sum over enters is at
 * most 64 per enter).
 */
static void file_uring_batch_exactly_once(struct kunit *test)
{
	const struct fu_case *c = test->param_value;
	unsigned long sqes, enters, depth, reqs;
	unsigned int old = sim_dma_threads();
	struct block_device *bdev;
	static unsigned char host[PAGE_SIZE];
	static struct fu_io io;
	struct folio *f[FU_NR];
	char path[PATH_MAX];
	int i, b, fd, err;

	t_blk_tmpfile(test, MiB, path);
	err = sim_filedisk_create("file0", path, c->backend, 512);
	if (err == -EOPNOTSUPP || err == -ENOSYS || err == -EPERM) {
		unlink(path);
		kunit_skip(test, "backend %s unavailable here: %d", c->backend, err);
	}
	if (err)
		unlink(path);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_ASSERT_EQ(test, sim_dma_set_threads(c->threads), 0);
	bdev = t_blk_open(test, "file0");
	for (i = 0; i < FU_NR; i++) {
		f[i] = t_blk_folio(test, 0, 0);
		for (b = 0; b < (int)PAGE_SIZE; b++)
			((unsigned char *)folio_address(f[i]))[b] = fu_pat(i, b);
	}

	sqes = sim_dma_stat("file_uring_sqes");
	enters = sim_dma_stat("file_uring_enters");
	depth = sim_dma_stat("file_uring_depth_sum");
	reqs = sim_dma_stat("dma_requests");
	KUNIT_ASSERT_EQ(test, fu_run(test, bdev, REQ_OP_WRITE, f, &io), FU_NR);
	fu_check(test, &io, "write");
	fd = open(path, O_RDONLY);
	KUNIT_ASSERT_GE(test, fd, 0);
	for (i = 0; i < FU_NR; i++) {
		bool same = true;

		KUNIT_ASSERT_EQ(test, pread(fd, host, PAGE_SIZE, (off_t)i * PAGE_SIZE),
				(ssize_t)PAGE_SIZE);
		for (b = 0; b < (int)PAGE_SIZE && same; b++)
			same = host[b] == fu_pat(i, b);
		KUNIT_EXPECT_TRUE_MSG(test, same, "host block %d", i);
	}
	close(fd);

	for (i = 0; i < FU_NR; i++)
		memset(folio_address(f[i]), 0xee, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, fu_run(test, bdev, REQ_OP_READ, f, &io), FU_NR);
	fu_check(test, &io, "read");
	for (i = 0; i < FU_NR; i++) {
		const unsigned char *p = folio_address(f[i]);
		bool same = true;

		for (b = 0; b < (int)PAGE_SIZE && same; b++)
			same = p[b] == fu_pat(i, b);
		KUNIT_EXPECT_TRUE_MSG(test, same, "read back block %d", i);
	}

	sqes = sim_dma_stat("file_uring_sqes") - sqes;
	enters = sim_dma_stat("file_uring_enters") - enters;
	depth = sim_dma_stat("file_uring_depth_sum") - depth;
	KUNIT_EXPECT_EQ(test, sim_dma_stat("dma_requests") - reqs, 2UL * FU_NR);
	KUNIT_EXPECT_EQ(test, sqes, 2UL * FU_NR);
	KUNIT_EXPECT_GE(test, enters, 1UL);
	KUNIT_EXPECT_LE(test, enters, sqes);
	KUNIT_EXPECT_LE(test, depth, enters * FU_DEPTH);

	for (i = 0; i < FU_NR; i++)
		folio_put(f[i]);
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("file0"), 0);
	KUNIT_EXPECT_EQ(test, sim_dma_set_threads(old), 0);
	unlink(path);
}

/* Create "file0" with @backend on a new 1 MiB host file; false: skip (unavailable). */
static bool fu_disk(struct kunit *test, const char *backend, char *path)
{
	int err;

	t_blk_tmpfile(test, MiB, path);
	err = sim_filedisk_create("file0", path, backend, 512);
	if (err == -EOPNOTSUPP || err == -ENOSYS || err == -EPERM) {
		unlink(path);
		return false;
	}
	if (err)
		unlink(path);
	KUNIT_ASSERT_EQ(test, err, 0);
	return true;
}

#define FU_ROUNDS	16
#define FU_OP_CHUNK	32	/* URING_OP_CHUNK */

/*
 * The ring's ops come from a per-ring pool that grows by chunks of 32
 * when it runs dry and gets every finished op back, never from malloc()
 * per I/O:
 *   16 rounds x 96 writes in flight at once = 1,536 I/Os
 *   pool: [chunk 0][chunk 1][chunk 2]  <- ops taken by submitters,
 *                                         given back by the ring's owner
 * Expect every bio of every round to complete exactly once with 0, and
 * the pool to have allocated at most 2 x 96 / 32 chunks (a finished op
 * goes back on the owner's next trip, which may come after the next
 * round has started) plus one per DMA worker that could have found it
 * empty at the same time - not one per 32 I/Os (1,536 / 32 = 48 if ops
 * were never given back). Destroying the disk WARNs if an op did not
 * come back.
 */
static void file_uring_op_pool_bounded(struct kunit *test)
{
	const struct fu_case *c = test->param_value;
	unsigned int old = sim_dma_threads();
	unsigned long chunks;
	struct block_device *bdev;
	static struct fu_io io;
	struct folio *f[FU_NR];
	char path[PATH_MAX];
	int i, round;

	if (!fu_disk(test, c->backend, path))
		kunit_skip(test, "backend %s unavailable here", c->backend);
	KUNIT_ASSERT_EQ(test, sim_dma_set_threads(c->threads), 0);
	bdev = t_blk_open(test, "file0");
	for (i = 0; i < FU_NR; i++)
		f[i] = t_blk_folio(test, 0, i);
	chunks = sim_dma_stat("file_uring_op_chunks");
	for (round = 0; round < FU_ROUNDS; round++) {
		KUNIT_ASSERT_EQ(test, fu_run(test, bdev, round & 1 ? REQ_OP_READ : REQ_OP_WRITE,
					     f, &io), FU_NR);
		fu_check(test, &io, round & 1 ? "read" : "write");
	}
	chunks = sim_dma_stat("file_uring_op_chunks") - chunks;
	KUNIT_EXPECT_GE(test, chunks, 1UL);
	KUNIT_EXPECT_LE(test, chunks, (unsigned long)(2 * FU_NR / FU_OP_CHUNK + c->threads));
	for (i = 0; i < FU_NR; i++)
		folio_put(f[i]);
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("file0"), 0);
	KUNIT_EXPECT_EQ(test, sim_dma_set_threads(old), 0);
	unlink(path);
}

#define FU_STRESS_THREADS	4
#define FU_STRESS_BATCH		24
#define FU_STRESS_ROUNDS	24

struct fu_stress_arg {
	struct block_device *bdev;
	int id;
	int alloc_failed, bad_status, bad_data;
};

/* One submitter: rounds of a batch of writes, then the batch read back. */
static void *fu_stress_thread(void *arg)
{
	struct fu_stress_arg *a = arg;
	struct folio *w[FU_STRESS_BATCH], *r[FU_STRESS_BATCH];
	struct bio *bio[FU_STRESS_BATCH];
	struct t_blk_io io;
	int round, i, dir;

	for (i = 0; i < FU_STRESS_BATCH; i++) {
		w[i] = folio_alloc_owner(GFP_KERNEL, 0, OWNER_TEST);
		r[i] = folio_alloc_owner(GFP_KERNEL, 0, OWNER_TEST);
		if (!w[i] || !r[i]) {
			a->alloc_failed++;
			for (; i >= 0; i--) {
				if (w[i])
					folio_put(w[i]);
				if (r[i])
					folio_put(r[i]);
			}
			return NULL;
		}
	}
	for (round = 0; round < FU_STRESS_ROUNDS; round++) {
		for (dir = 0; dir < 2; dir++) {
			t_blk_io_init(&io);
			for (i = 0; i < FU_STRESS_BATCH; i++) {
				struct folio *f = dir ? r[i] : w[i];

				if (dir)
					memset(folio_address(f), 0, PAGE_SIZE);
				else
					memset(folio_address(f), (a->id << 5) ^ (round + i), PAGE_SIZE);
				bio[i] = bio_alloc(a->bdev, 1, dir ? REQ_OP_READ : REQ_OP_WRITE, 0);
				if (!bio[i]) {
					a->alloc_failed++;
					break;
				}
				bio[i]->bi_iter.bi_sector =
					(sector_t)(a->id * FU_STRESS_BATCH + i) * (PAGE_SIZE >> 9);
				bio_add_page(bio[i], &f->page, PAGE_SIZE, 0);
				t_blk_submit(&io, i, bio[i]);
			}
			if (!t_blk_wait(&io, i, 10000))
				a->bad_status++;
			for (i--; i >= 0; i--) {
				if (io.status[i] || io.count[i] != 1)
					a->bad_status++;
				if (dir && memcmp(folio_address(r[i]), folio_address(w[i]), PAGE_SIZE))
					a->bad_data++;
				bio_put(bio[i]);
			}
			t_blk_io_destroy(&io);
		}
	}
	for (i = 0; i < FU_STRESS_BATCH; i++) {
		folio_put(w[i]);
		folio_put(r[i]);
	}
	return NULL;
}

/*
 * Four host threads submit to one io_uring file disk at once on a
 * 2-thread DMA engine, so ops are taken from the ring's pool by several
 * submitters while its owner gives finished ones back:
 *   thread t -> 24 writes of 4 KiB to blocks 24t..24t+23, then 24 reads
 *   (24 rounds) --> one ring, <= 64 I/Os at the host, pool of ops
 * Expect every bio to complete once with 0, every read to return its
 * write, the disk's destruction to find every op back in the pool (no
 * WARN), and under `make tsan` no data race.
 */
static void file_uring_pool_stress(struct kunit *test)
{
	struct fu_stress_arg args[FU_STRESS_THREADS];
	pthread_t tids[FU_STRESS_THREADS];
	unsigned int old = sim_dma_threads();
	struct block_device *bdev;
	char path[PATH_MAX];
	int i;

	if (!fu_disk(test, "io_uring", path))
		kunit_skip(test, "backend io_uring unavailable here");
	KUNIT_ASSERT_EQ(test, sim_dma_set_threads(2), 0);
	bdev = t_blk_open(test, "file0");
	for (i = 0; i < FU_STRESS_THREADS; i++) {
		args[i] = (struct fu_stress_arg){ .bdev = bdev, .id = i };
		KUNIT_ASSERT_EQ(test, pthread_create(&tids[i], NULL, fu_stress_thread, &args[i]), 0);
	}
	for (i = 0; i < FU_STRESS_THREADS; i++) {
		pthread_join(tids[i], NULL);
		KUNIT_EXPECT_EQ_MSG(test, args[i].alloc_failed, 0, "thread %d", i);
		KUNIT_EXPECT_EQ_MSG(test, args[i].bad_status, 0, "thread %d", i);
		KUNIT_EXPECT_EQ_MSG(test, args[i].bad_data, 0, "thread %d", i);
	}
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("file0"), 0);
	KUNIT_EXPECT_EQ(test, sim_dma_set_threads(old), 0);
	unlink(path);
}

static struct kunit_case blk_file_uring_cases[] = {
	KUNIT_CASE_PARAM(file_uring_batch_exactly_once, fu_gen_params),
	KUNIT_CASE_PARAM(file_uring_op_pool_bounded, fu_gen_params),
	KUNIT_CASE(file_uring_pool_stress),
	{}
};

struct kunit_suite blk_file_uring_suite = {
	.name = "blk_file_uring",
	.init = t_blk_init,
	.exit = t_blk_exit,
	.test_cases = blk_file_uring_cases,
};
