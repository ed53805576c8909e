// SPDX-License-Identifier: GPL-2.0
/*
 * Crash safety of a `file` disk (suite "crash"; issue 6, scenarios.md §5):
 * a writer on a disk backed by a host file is killed with SIGKILL at a
 * random moment; every write it was told is durable must be in the host
 * file afterwards. And the file disk really asks the host for durability:
 * REQ_FUA becomes an RWF_DSYNC write, REQ_PREFLUSH an fdatasync().
 *
 * The writer (a forked child, its own machine) writes 512-byte records to
 * the raw disk with O_DIRECT: a third with O_DSYNC (FUA: acknowledged at
 * completion), the rest plainly and acknowledged only after the next
 * sim_fsync() (an empty REQ_PREFLUSH write). Each acknowledgement goes to
 * the parent through a pipe. A record holds a magic, its sequence number,
 * its block and a checksum. After the kill the parent reads the host file
 * directly: the record of each block must be whole and at least as new as
 * the last acknowledged write of that block.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include <pinio/sim.h>

#include "kunit/test.h"
#include "suites.h"

#define CR_BLOCKS	64
#define CR_BYTES	(CR_BLOCKS * 512)
#define CR_MAGIC	0x43524153485245CULL	/* "CRASHREC"-ish */
#define CR_ROUNDS	10
#define CR_FIRST_ACK_MS	30000	/* boot + first durable write, even under ASan */

struct cr_rec {
	uint64_t magic;
	uint64_t seq;
	uint64_t block;
	uint64_t sum;
	unsigned char fill[512 - 32];
};

struct cr_ack {
	uint64_t seq;
	uint64_t block;
};

static uint64_t cr_sum(const struct cr_rec *r)
{
	uint64_t h = 1469598103934665603ULL ^ r->seq ^ (r->block << 32);
	size_t i;

	for (i = 0; i < sizeof(r->fill); i++)
		h = (h ^ r->fill[i]) * 1099511628211ULL;
	return h;
}

static void cr_make(struct cr_rec *r, uint64_t seq, uint64_t block)
{
	size_t i;

	r->magic = CR_MAGIC;
	r->seq = seq;
	r->block = block;
	for (i = 0; i < sizeof(r->fill); i++)
		r->fill[i] = (unsigned char)(seq * 31 + i);
	r->sum = cr_sum(r);
}

static char *cr_tmpfile(struct kunit *test)
{
	const char *dir = getenv("TMPDIR");
	char *path = malloc(256);
	int fd;

	KUNIT_ASSERT_NOT_NULL(test, path);
	snprintf(path, 256, "%s/pinio-crash-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	KUNIT_ASSERT_GE(test, fd, 0);
	KUNIT_ASSERT_EQ(test, ftruncate(fd, CR_BYTES), 0);
	close(fd);
	return path;
}

/* The writer: never returns; killed by the parent. */
static void __attribute__((noreturn)) cr_writer(const char *path, const char *backend, int ackfd)
{
	struct sim_config cfg = { .mem_bytes = 32UL << 20 };
	struct cr_ack pending[CR_BLOCKS * 4];
	unsigned int npending = 0;
	struct cr_rec rec;
	unsigned long buf;
	uint64_t seq;
	int fua, plain;

	if (sim_boot(&cfg) || sim_filedisk_create("cr", path, backend, 512))
		_exit(2);
	fua = sim_open("/dev/cr", O_RDWR | O_DIRECT | O_DSYNC, 0);
	plain = sim_open("/dev/cr", O_RDWR | O_DIRECT, 0);
	buf = sim_mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fua < 0 || plain < 0 || IS_ERR_VALUE(buf))
		_exit(2);
	for (seq = 1;; seq++) {
		uint64_t block = (seq * 7) % CR_BLOCKS;
		bool dsync = seq % 3 == 0;
		struct cr_ack a = { seq, block };

		cr_make(&rec, seq, block);
		if (sim_user_write(buf, &rec, sizeof(rec)) != sizeof(rec) ||
		    sim_pwrite(dsync ? fua : plain, buf, 512, (off_t)(block * 512)) != 512)
			_exit(3);
		if (dsync) {
			if (write(ackfd, &a, sizeof(a)) != sizeof(a))
				_exit(4);
		} else {
			pending[npending++] = a;
		}
		if (npending == 4 || npending == ARRAY_SIZE(pending)) {
			unsigned int i;

			if (sim_fsync(plain))
				_exit(3);
			for (i = 0; i < npending; i++)
				if (write(ackfd, &pending[i], sizeof(pending[i])) != sizeof(pending[i]))
					_exit(4);
			npending = 0;
		}
	}
}

/*
 * Wait up to CR_FIRST_ACK_MS for the writer's first ack on @fd; *@a gets it.
 * Return: true if one came (false: the writer exited or is still booting).
 */
static bool cr_wait_first_ack(int fd, struct cr_ack *a)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, CR_FIRST_ACK_MS) != 1 || !(p.revents & POLLIN))
		return false;
	return read(fd, a, sizeof(*a)) == (ssize_t)sizeof(*a) && a->block < CR_BLOCKS;
}

/*
 * Scenario: CR_ROUNDS rounds, psync and io_uring backends alternating:
 *   child: boot; file disk on the host file; loop { write record
 *          (FUA, or plain + fsync every 4); ack through the pipe }
 *   parent: wait for the first ack (at most CR_FIRST_ACK_MS), let it run
 *           0..180 ms more (seeded), SIGKILL, read the host file
 * Expect every block's record whole (magic, block, checksum) and at least
 * as new as its last acknowledged write, in every round.
 */
static void crash_kill_durable_writes(struct kunit *test)
{
	char *path = cr_tmpfile(test);
	unsigned int round, checked = 0, acks_total = 0;
	unsigned int seed = (unsigned int)kunit_seed();

	for (round = 0; round < CR_ROUNDS; round++) {
		const char *backend = round % 2 ? "io_uring" : "psync";
		uint64_t last[CR_BLOCKS] = { 0 };
		struct timespec ts;
		struct cr_ack a;
		int fds[2], st, hostfd;
		unsigned int b, acks = 0;
		bool first_ack;
		pid_t pid;

		KUNIT_ASSERT_EQ(test, pipe(fds), 0);
		pid = kunit_fork();
		KUNIT_ASSERT_GE(test, pid, 0);
		if (!pid) {
			close(fds[0]);
			if (!freopen("/dev/null", "w", stderr))
				_exit(2);
			cr_writer(path, backend, fds[1]);
		}
		close(fds[1]);
		/*
		 * The kill point is counted from the writer's first ack, not
		 * from fork: booting can take longer than the whole window on
		 * a loaded machine or under ASan, and a kill before the first
		 * durable write would check nothing.
		 */
		first_ack = cr_wait_first_ack(fds[0], &a);
		if (first_ack) {
			last[a.block] = a.seq;
			acks++;
		}
		ts.tv_sec = 0;
		ts.tv_nsec = (long)(rand_r(&seed) % 181) * 1000000L;
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		KUNIT_ASSERT_EQ(test, waitpid(pid, &st, 0), pid);
		/* What the child acknowledged before it died is in the pipe. */
		while (read(fds[0], &a, sizeof(a)) == (ssize_t)sizeof(a)) {
			if (a.block < CR_BLOCKS && a.seq > last[a.block])
				last[a.block] = a.seq;
			acks++;
		}
		close(fds[0]);
		if (WIFEXITED(st)) {
			/* io_uring may be refused by the host: the writer gives up at once. */
			KUNIT_EXPECT_TRUE_MSG(test, round % 2 && WEXITSTATUS(st) == 2,
					      "round %u (%s): the writer exited with %d", round,
					      backend, WEXITSTATUS(st));
			continue;
		}
		KUNIT_EXPECT_EQ(test, WTERMSIG(st), SIGKILL);
		hostfd = open(path, O_RDONLY);
		KUNIT_ASSERT_GE(test, hostfd, 0);
		for (b = 0; b < CR_BLOCKS; b++) {
			struct cr_rec r;

			KUNIT_ASSERT_EQ(test, pread(hostfd, &r, sizeof(r), (off_t)b * 512),
					(ssize_t)sizeof(r));
			if (!last[b])
				continue;
			checked++;
			KUNIT_EXPECT_TRUE_MSG(test, r.magic == CR_MAGIC && r.block == b &&
					      r.sum == cr_sum(&r),
					      "round %u (%s): block %u is not a whole record", round,
					      backend, b);
			KUNIT_EXPECT_GE_MSG(test, r.seq, last[b],
					    "round %u (%s): block %u holds write %llu, write %llu was acknowledged",
					    round, backend, b, (unsigned long long)r.seq,
					    (unsigned long long)last[b]);
		}
		close(hostfd);
		acks_total += acks;
	}
	kunit_info(test, "crash: %u rounds, %u acknowledged writes, %u blocks checked after SIGKILL",
		   CR_ROUNDS, acks_total, checked);
	KUNIT_EXPECT_GT(test, acks_total, 0);
	unlink(path);
	free(path);
}

/*
 * Scenario: the file disk turns durability requests into host calls.
 *   O_DSYNC O_DIRECT write of 1 block -> one RWF_DSYNC host write (FUA)
 *   sim_fsync() -> an empty REQ_PREFLUSH write -> one fdatasync()
 *   plain O_DIRECT write -> neither
 * Expect dma_fua and file_dsync_writes +1 per O_DSYNC write,
 * file_fdatasync +1 per fsync, nothing for a plain write; both backends.
 */
static void crash_file_disk_honours_flush_and_fua(struct kunit *test)
{
	static const char *const backends[] = { "psync", "io_uring" };
	struct sim_config cfg = { .mem_bytes = 32UL << 20 };
	char *path = cr_tmpfile(test);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(backends); i++) {
		unsigned long fua0, dsync0, sync0;
		unsigned long buf;
		int err, fua, plain;

		KUNIT_ASSERT_EQ(test, sim_boot(&cfg), 0);
		err = sim_filedisk_create("crf", path, backends[i], 512);
		if (err == -EOPNOTSUPP || (i && err)) {
			sim_shutdown();
			kunit_info(test, "%s backend not available here (%d)", backends[i], err);
			continue;
		}
		KUNIT_ASSERT_EQ(test, err, 0);
		fua = sim_open("/dev/crf", O_RDWR | O_DIRECT | O_DSYNC, 0);
		plain = sim_open("/dev/crf", O_RDWR | O_DIRECT, 0);
		KUNIT_ASSERT_GE(test, fua, 0);
		KUNIT_ASSERT_GE(test, plain, 0);
		buf = sim_mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(buf));
		KUNIT_ASSERT_EQ(test, sim_user_memset(buf, 0x11, 4096), 4096);

		fua0 = sim_dma_stat("dma_fua");
		dsync0 = sim_dma_stat("file_dsync_writes");
		sync0 = sim_dma_stat("file_fdatasync");
		KUNIT_EXPECT_EQ(test, sim_pwrite(plain, buf, 512, 0), 512);
		KUNIT_EXPECT_EQ(test, sim_dma_stat("file_dsync_writes"), dsync0);
		KUNIT_EXPECT_EQ(test, sim_dma_stat("file_fdatasync"), sync0);
		KUNIT_EXPECT_EQ(test, sim_pwrite(fua, buf, 512, 512), 512);
		KUNIT_EXPECT_EQ(test, sim_dma_stat("dma_fua"), fua0 + 1);
		KUNIT_EXPECT_EQ(test, sim_dma_stat("file_dsync_writes"), dsync0 + 1);
		KUNIT_EXPECT_EQ(test, sim_fsync(plain), 0);
		KUNIT_EXPECT_EQ(test, sim_dma_stat("file_fdatasync"), sync0 + 1);
		KUNIT_EXPECT_EQ(test, sim_dma_stat("file_dsync_writes"), dsync0 + 1);

		KUNIT_EXPECT_EQ(test, sim_munmap(buf, 4096), 0);
		KUNIT_EXPECT_EQ(test, sim_close(fua), 0);
		KUNIT_EXPECT_EQ(test, sim_close(plain), 0);
		KUNIT_EXPECT_EQ(test, sim_disk_destroy("crf"), 0);
		KUNIT_EXPECT_EQ(test, sim_shutdown(), 0);
	}
	unlink(path);
	free(path);
}

static struct kunit_case crash_test_cases[] = {
	KUNIT_CASE(crash_file_disk_honours_flush_and_fua),
	KUNIT_CASE(crash_kill_durable_writes),
	{}
};

struct kunit_suite crash_suite = {
	.name = "crash",
	.test_cases = crash_test_cases,
};
