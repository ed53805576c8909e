// SPDX-License-Identifier: GPL-2.0
/*
 * bench/dio_bench.c - the I/O benchmarks of issue 7, each beside a
 * reference measured in the same run on the same machine:
 *
 *   dio_4k_qd1       4 KiB O_DIRECT random reads, QD1, `ram` disk, inline
 *                    DMA, raw path and a simfs file (iomap DIO); vs the
 *                    host's O_DIRECT pread on a tmpfs file and on a loop
 *                    device (direct I/O) over tmpfs.
 *   dio_1m_seq       1 MiB sequential O_DIRECT reads on `ram` vs memcpy().
 *   file_uring_qd32  4 KiB random reads, QD32, `file` disk (io_uring,
 *                    direct) on a host file in /var/tmp vs fio on that file.
 *   zero_storm       R01: 2^15+1 async 256 KiB O_DIRECT writes from an
 *                    untouched 8 GiB buffer held by a `null` disk.
 *   dma_threads      QD32 4 KiB random reads on `ram`, 1 vs 2 DMA threads.
 *   random_ops       the stateful random tester (tests/ops/) in ops/s.
 *
 * Each case runs in its own child process (its own simulated machine, its
 * own peak RSS), prints one parseable line
 *   bench: NAME key=value ...
 * and the program ends with a table: case, goal, measured, reference,
 * result. Pass/fail is recorded, never the exit status. Subjects of one
 * case are run interleaved, ROUNDS times, and medians are reported.
 *
 * Other modes (for scripts/bench-callgrind.sh; counting starts and stops
 * at the cg_* functions, see --toggle-collect there):
 *   dio_bench --callgrind-4k N    N 4 KiB QD1 raw-path reads (inline DMA)
 *   dio_bench --callgrind-pin N   N x pin+unpin of 512 small pages, then
 *                                 of one 2 MiB THP folio (512 pages)
 *   dio_bench CASE...             only the named cases
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pinio/mm.h>
#include <pinio/sim.h>

#if __has_include("tests/ops/ops.h")
#include "tests/ops/ops.h"
#define HAVE_OPS 1
#endif

#define ROUNDS		5
#define SECS_4K		0.30	/* per subject per round */
#define SECS_1M		0.30
#define SECS_QD32	0.40
#define SECS_URING	3	/* fio --runtime, and pinio's window */
#define URING_ROUNDS	3
#define SECS_OPS	0.60

#define RAM_BYTES	(64UL << 20)
#define SEQ_BYTES	(128UL << 20)
#define URING_BYTES	(512UL << 20)
#define URING_PATH	"/var/tmp/pinio-bench-uring.dat"

/* ---- results: one per case, sent from the child through a pipe --------- */

enum { R_FAIL, R_PASS, R_NONE, R_SKIP };

struct result {
	char name[24];
	char goal[40];
	char measured[72];
	char reference[112];
	int status;
};

static struct result res;	/* the child's */

static void res_set(const char *name, const char *goal)
{
	memset(&res, 0, sizeof(res));
	snprintf(res.name, sizeof(res.name), "%s", name);
	snprintf(res.goal, sizeof(res.goal), "%s", goal);
	res.status = R_NONE;
}

/* ---- helpers ------------------------------------------------------------ */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, long v)
{
	fprintf(stderr, "dio_bench: %s (%ld)\n", what, v);
	exit(1);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(const double *v, int n)
{
	double s[16];

	memcpy(s, v, n * sizeof(double));
	qsort(s, n, sizeof(double), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static void boot(size_t mem)
{
	struct sim_config cfg = { .mem_bytes = mem };

	if (sim_boot(&cfg))
		die("sim_boot", 0);
}

static void shutdown_checked(void)
{
	long leaks = sim_shutdown();

	if (leaks)
		die("leaks at shutdown", leaks);
}

/* A touched (faulted-in, small-page) mapping of @len bytes filled with @c. */
static unsigned long user_buf(size_t len, int c)
{
	unsigned long a = sim_mmap(0, len, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (IS_ERR_VALUE(a))
		die("sim_mmap", (long)a);
	if (sim_user_memset(a, c, len) != (ssize_t)len)
		die("sim_user_memset", 0);
	return a;
}

/* The byte at disk offset @off: each 4 KiB block has its own value. */
static unsigned char pat(uint64_t off)
{
	return (unsigned char)((off >> 12) * 131 + 7);
}

static void fill_pattern(unsigned char *p, uint64_t off, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += 4096)
		memset(p + i, pat(off + i), len - i < 4096 ? len - i : 4096);
}

/* Write the whole simulated disk behind @fd with the pattern, 1 MiB at a time. */
static void sim_disk_fill(int fd, uint64_t bytes)
{
	size_t chunk = 1UL << 20;
	unsigned long buf = user_buf(chunk, 0);
	unsigned char *host = malloc(chunk);
	uint64_t off;

	if (!host)
		die("malloc", 0);
	for (off = 0; off < bytes; off += chunk) {
		fill_pattern(host, off, chunk);
		if (sim_user_write(buf, host, chunk) != (ssize_t)chunk)
			die("sim_user_write", 0);
		if (sim_pwrite(fd, buf, chunk, off) != (ssize_t)chunk)
			die("sim_pwrite fill", 0);
	}
	free(host);
	sim_munmap(buf, chunk);
}

/* A pinio read of 4 KiB at @off must have brought block @off's pattern. */
static void check_block(unsigned long buf, uint64_t off)
{
	unsigned char b[4096];
	int i;

	if (sim_user_read(buf, b, sizeof(b)) != (ssize_t)sizeof(b))
		die("sim_user_read", 0);
	for (i = 0; i < 4096; i++)
		if (b[i] != pat(off))
			die("data mismatch at", (long)off);
}

static int host_file_create(const char *path, uint64_t bytes)
{
	size_t chunk = 1UL << 20;
	unsigned char *p = malloc(chunk);
	uint64_t off;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || !p) {
		free(p);
		return -errno;
	}
	for (off = 0; off < bytes; off += chunk) {
		fill_pattern(p, off, chunk);
		if (pwrite(fd, p, chunk, off) != (ssize_t)chunk) {
			free(p);
			close(fd);
			return -EIO;
		}
	}
	free(p);
	fsync(fd);
	close(fd);
	return 0;
}

/* Run a shell command, return its first output line (trimmed) or "". */
static int run_cmd(const char *cmd, char *out, size_t outsz)
{
	FILE *f = popen(cmd, "r");
	int st;

	if (out && outsz)
		out[0] = 0;
	if (!f)
		return -1;
	if (out && outsz && fgets(out, outsz, f))
		out[strcspn(out, "\n")] = 0;
	while (fgetc(f) != EOF)
		;
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ---- dio_4k_qd1 ---------------------------------------------------------- */

struct qd1 {
	int fd;			/* sim fd, or host fd */
	unsigned long ubuf;	/* sim buffer */
	void *hbuf;		/* host buffer (aligned) */
	uint64_t blocks;	/* 4 KiB blocks on the target */
	bool host;
};

/* Reads of 4 KiB at random block offsets for about @secs; IOPS. */
static double qd1_run(struct qd1 *q, double secs)
{
	double t0 = now_s(), t;
	unsigned long n = 0;
	int i;

	do {
		for (i = 0; i < 256; i++) {
			off_t off = (off_t)(rnd() % q->blocks) << 12;
			ssize_t r = q->host ? pread(q->fd, q->hbuf, 4096, off)
					    : sim_pread(q->fd, q->ubuf, 4096, off);

			if (r != 4096)
				die(q->host ? "host pread" : "sim_pread", (long)r);
		}
		n += 256;
		t = now_s() - t0;
	} while (t < secs);
	return n / t;
}

/*
 * The copy floor: what the `ram` disk's data movement alone costs, 4 KiB
 * memcpy() from a random page of a store laid out like ram.c's (one
 * calloc()ed page per block) into one buffer, for about @secs; copies/s.
 */
static double copy_floor_run(unsigned char **store, uint64_t blocks, void *dst, double secs)
{
	double t0 = now_s(), t;
	unsigned long n = 0;
	int i;

	do {
		for (i = 0; i < 256; i++) {
			memcpy(dst, store[rnd() % blocks], 4096);
			__asm__ volatile("" : : "r"(dst) : "memory");
		}
		n += 256;
		t = now_s() - t0;
	} while (t < secs);
	return n / t;
}

/* N reads; counting (callgrind) covers exactly this function. */
__attribute__((noinline)) void cg_dio_4k(struct qd1 *q, unsigned long n);
__attribute__((noinline)) void cg_dio_4k(struct qd1 *q, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		if (sim_pread(q->fd, q->ubuf, 4096, (off_t)(rnd() % q->blocks) << 12) != 4096)
			die("sim_pread", 0);
}

static void pinio_qd1_setup(struct qd1 *q)
{
	boot(64UL << 20);
	if (sim_ramdisk_create("ram0", RAM_BYTES, 512))
		die("ramdisk", 0);
	if (sim_dma_set_threads(0))
		die("dma threads 0", 0);
	q->fd = sim_open("/dev/ram0", O_RDWR | O_DIRECT, 0);
	if (q->fd < 0)
		die("sim_open ram0", q->fd);
	sim_disk_fill(q->fd, RAM_BYTES);
	q->ubuf = user_buf(4096, 0);
	q->blocks = RAM_BYTES >> 12;
	q->host = false;
	if (sim_pread(q->fd, q->ubuf, 4096, 12345 << 12) != 4096)
		die("sim_pread", 0);
	check_block(q->ubuf, 12345UL << 12);
}

static void pinio_qd1_teardown(struct qd1 *q)
{
	sim_munmap(q->ubuf, 4096);
	sim_close(q->fd);
	sim_disk_destroy("ram0");
	shutdown_checked();
}

/*
 * The same reads through simfs with iomap DIO: a file of RAM_BYTES on a
 * second `ram` disk (bs=4096), written through O_DIRECT first. Needs the
 * filesystem layer (sim_mkfs/sim_mount); on any error, *why says why.
 */
#define SIMFS_DISK_BYTES	(RAM_BYTES + (32UL << 20))

static void simfs_qd1_setup(struct qd1 *q, const char *dio, char *why, size_t whysz)
{
	const size_t chunk = 1UL << 20;
	unsigned char *host;
	unsigned long buf;
	uint64_t off;
	int ret;

	q->fd = -1;
	q->host = false;
	q->blocks = RAM_BYTES >> 12;
	ret = sim_ramdisk_create("ram1", SIMFS_DISK_BYTES, 512);
	if (!ret)
		ret = sim_mkfs("ram1", "simfs", "bs=4096");
	if (ret) {
		snprintf(why, whysz, "sim_mkfs simfs: %s", strerror(-ret));
		return;
	}
	ret = sim_mount("ram1", "/mnt", dio);
	if (ret) {
		snprintf(why, whysz, "sim_mount %s: %s", dio, strerror(-ret));
		return;
	}
	ret = sim_open("/mnt/bench", O_RDWR | O_CREAT | O_DIRECT, 0644);
	if (ret < 0) {
		snprintf(why, whysz, "sim_open /mnt/bench O_DIRECT: %s", strerror(-ret));
		return;
	}
	q->fd = ret;
	buf = user_buf(chunk, 0);
	host = malloc(chunk);
	if (!host)
		die("malloc", 0);
	for (off = 0; off < RAM_BYTES; off += chunk) {
		fill_pattern(host, off, chunk);
		if (sim_user_write(buf, host, chunk) != (ssize_t)chunk)
			die("sim_user_write", 0);
		if (sim_pwrite(q->fd, buf, chunk, off) != (ssize_t)chunk) {
			snprintf(why, whysz, "simfs O_DIRECT write failed");
			break;
		}
	}
	free(host);
	sim_munmap(buf, chunk);
	q->ubuf = user_buf(4096, 0);
	if (!why[0] && sim_pread(q->fd, q->ubuf, 4096, 4321UL << 12) != 4096)
		snprintf(why, whysz, "simfs O_DIRECT read failed");
	if (!why[0])
		check_block(q->ubuf, 4321UL << 12);
}

static void simfs_qd1_teardown(struct qd1 *q)
{
	if (q->fd >= 0) {
		sim_munmap(q->ubuf, 4096);
		sim_close(q->fd);
	}
	sim_umount("/mnt");
	sim_disk_destroy("ram1");
}

static void case_dio_4k_qd1(void)
{
	char shm[64], loopdev[64] = "", why_tmpfs[96] = "", why_loop[160] = "", dio[8] = "?";
	double p[ROUNDS], t[ROUNDS], l[ROUNDS], f[ROUNDS], h[ROUNDS], c[ROUNDS];
	double pm, tm = 0, lm = 0, fm = 0, hm, cm;
	char why_simfs[128] = "";
	unsigned char **store;
	struct qd1 pin, hot, fsq, tmp = { .fd = -1, .host = true }, loop = { .fd = -1, .host = true };
	void *hbuf;
	int r, fd;

	res_set("dio_4k_qd1", ">=2M IOPS, >=5x tmpfs, >=40x loop");
	pinio_qd1_setup(&pin);
	hot = pin;
	hot.blocks = 256;	/* 1 MiB of the disk: the store stays in cache */
	simfs_qd1_setup(&fsq, "dio=iomap", why_simfs, sizeof(why_simfs));
	store = calloc(RAM_BYTES >> 12, sizeof(*store));
	if (!store)
		die("calloc", 0);
	for (r = 0; r < (int)(RAM_BYTES >> 12); r++) {
		store[r] = calloc(1, 4096);
		if (!store[r])
			die("calloc", 0);
		memset(store[r], r, 4096);
	}
	if (posix_memalign(&hbuf, 4096, 4096))
		die("posix_memalign", 0);
	memset(hbuf, 0, 4096);

	snprintf(shm, sizeof(shm), "/dev/shm/pinio-bench-%d.dat", (int)getpid());
	if (host_file_create(shm, RAM_BYTES)) {
		snprintf(why_tmpfs, sizeof(why_tmpfs), "cannot create %s", shm);
		snprintf(why_loop, sizeof(why_loop), "no tmpfs file");
	} else {
		fd = open(shm, O_RDONLY | O_DIRECT);
		if (fd < 0)
			snprintf(why_tmpfs, sizeof(why_tmpfs), "tmpfs refused O_DIRECT: %s",
				 strerror(errno));
		else if (pread(fd, hbuf, 4096, 0) != 4096)
			snprintf(why_tmpfs, sizeof(why_tmpfs), "tmpfs O_DIRECT pread: %s",
				 strerror(errno));
		tmp.fd = fd;
		tmp.hbuf = hbuf;
		tmp.blocks = RAM_BYTES >> 12;

		/* The host's block layer: a loop device with direct I/O over tmpfs. */
		{
			char cmd[160], path[96];

			snprintf(cmd, sizeof(cmd), "losetup --direct-io=on -f --show %s 2>&1", shm);
			if (run_cmd(cmd, loopdev, sizeof(loopdev)) || strncmp(loopdev, "/dev/loop", 9)) {
				snprintf(why_loop, sizeof(why_loop), "losetup failed: %.120s", loopdev);
				loopdev[0] = 0;
			} else {
				snprintf(path, sizeof(path), "/sys/block/%s/loop/dio", loopdev + 5);
				FILE *f = fopen(path, "r");

				if (f) {
					if (fgets(dio, sizeof(dio), f))
						dio[strcspn(dio, "\n")] = 0;
					fclose(f);
				}
				loop.fd = open(loopdev, O_RDONLY | O_DIRECT);
				if (loop.fd < 0)
					snprintf(why_loop, sizeof(why_loop), "open %s O_DIRECT: %s",
						 loopdev, strerror(errno));
				else if (pread(loop.fd, hbuf, 4096, 0) != 4096)
					snprintf(why_loop, sizeof(why_loop), "pread %s: %s",
						 loopdev, strerror(errno));
				loop.hbuf = hbuf;
				loop.blocks = RAM_BYTES >> 12;
			}
		}
	}

	/* Warm-up, then interleaved rounds. */
	qd1_run(&pin, 0.1);
	for (r = 0; r < ROUNDS; r++) {
		p[r] = qd1_run(&pin, SECS_4K);
		if (!why_simfs[0])
			f[r] = qd1_run(&fsq, SECS_4K);
		h[r] = qd1_run(&hot, SECS_4K);
		c[r] = copy_floor_run(store, RAM_BYTES >> 12, hbuf, SECS_4K);
		if (!why_tmpfs[0])
			t[r] = qd1_run(&tmp, SECS_4K);
		if (!why_loop[0])
			l[r] = qd1_run(&loop, SECS_4K);
	}
	pm = median(p, ROUNDS);
	hm = median(h, ROUNDS);
	cm = median(c, ROUNDS);
	printf("bench: dio_4k_qd1 path=raw iops=%.0f ns/io=%.0f rounds=%d\n", pm, 1e9 / pm, ROUNDS);
	printf("bench: dio_4k_qd1 path=raw_hot blocks=256 iops=%.0f ns/io=%.0f rounds=%d\n", hm,
	       1e9 / hm, ROUNDS);
	printf("bench: dio_4k_qd1 ref=copy_floor copies/s=%.0f ns/copy=%.0f "
	       "raw_minus_copy_ns=%.0f rounds=%d\n", cm, 1e9 / cm, 1e9 / pm - 1e9 / cm, ROUNDS);
	if (why_tmpfs[0]) {
		printf("bench: dio_4k_qd1 ref=host_tmpfs skipped=\"%s\"\n", why_tmpfs);
	} else {
		tm = median(t, ROUNDS);
		printf("bench: dio_4k_qd1 ref=host_tmpfs iops=%.0f ns/io=%.0f ratio=%.2f rounds=%d\n",
		       tm, 1e9 / tm, pm / tm, ROUNDS);
	}
	if (why_loop[0]) {
		printf("bench: dio_4k_qd1 ref=host_loop skipped=\"%s\"\n", why_loop);
	} else {
		lm = median(l, ROUNDS);
		printf("bench: dio_4k_qd1 ref=host_loop dev=%s loop_dio=%s iops=%.0f ns/io=%.0f "
		       "ratio=%.2f rounds=%d\n", loopdev, dio, lm, 1e9 / lm, pm / lm, ROUNDS);
	}
	if (why_simfs[0]) {
		printf("bench: dio_4k_qd1 path=simfs skipped=\"%s\"\n", why_simfs);
	} else {
		fm = median(f, ROUNDS);
		printf("bench: dio_4k_qd1 path=simfs dio=iomap iops=%.0f ns/io=%.0f raw_ratio=%.2f "
		       "tmpfs_ratio=%.2f loop_ratio=%.2f rounds=%d\n", fm, 1e9 / fm, fm / pm,
		       tm ? fm / tm : 0, lm ? fm / lm : 0, ROUNDS);
	}

	if (why_simfs[0])
		snprintf(res.measured, sizeof(res.measured), "raw %.2fM IOPS, simfs skipped",
			 pm / 1e6);
	else
		snprintf(res.measured, sizeof(res.measured), "raw %.2fM, simfs %.2fM IOPS",
			 pm / 1e6, fm / 1e6);
	{
		char a[48] = "skipped", b[48] = "skipped";

		if (!why_tmpfs[0])
			snprintf(a, sizeof(a), "%.0fk (%.1fx)", tm / 1e3, pm / tm);
		if (!why_loop[0])
			snprintf(b, sizeof(b), "%.0fk (%.1fx)", lm / 1e3, pm / lm);
		snprintf(res.reference, sizeof(res.reference), "tmpfs %s; loop %s", a, b);
	}
	res.status = pm >= 2e6 && (why_simfs[0] || fm >= 2e6) && (why_tmpfs[0] || pm >= 5 * tm) &&
		     (why_loop[0] || pm >= 40 * lm) ? R_PASS : R_FAIL;

	if (tmp.fd >= 0)
		close(tmp.fd);
	if (loop.fd >= 0)
		close(loop.fd);
	if (loopdev[0]) {
		char cmd[96];

		snprintf(cmd, sizeof(cmd), "losetup -d %s 2>&1", loopdev);
		if (run_cmd(cmd, NULL, 0))
			fprintf(stderr, "dio_bench: could not detach %s\n", loopdev);
	}
	unlink(shm);
	for (r = 0; r < (int)(RAM_BYTES >> 12); r++)
		free(store[r]);
	free(store);
	free(hbuf);
	simfs_qd1_teardown(&fsq);
	pinio_qd1_teardown(&pin);
}

/* ---- dio_1m_seq ---------------------------------------------------------- */

static void case_dio_1m_seq(void)
{
	const size_t sz = 1UL << 20;
	double p[ROUNDS], m[ROUNDS], pm, mm;
	unsigned char *src, *dst;
	unsigned long buf;
	uint64_t off = 0;
	int r, fd;

	res_set("dio_1m_seq", ">=80% of memcpy");
	boot(64UL << 20);
	if (sim_ramdisk_create("ram0", SEQ_BYTES, 512) || sim_dma_set_threads(0))
		die("ramdisk", 0);
	fd = sim_open("/dev/ram0", O_RDWR | O_DIRECT, 0);
	if (fd < 0)
		die("sim_open", fd);
	sim_disk_fill(fd, SEQ_BYTES);
	buf = user_buf(sz, 0);
	src = malloc(SEQ_BYTES);
	dst = malloc(sz);
	if (!src || !dst)
		die("malloc", 0);
	fill_pattern(src, 0, SEQ_BYTES);
	memset(dst, 0, sz);
	if (sim_pread(fd, buf, sz, 5 * sz) != (ssize_t)sz)
		die("sim_pread 1m", 0);
	check_block(buf + sz - 4096, 6 * sz - 4096);

	for (r = -1; r < ROUNDS; r++) {		/* round -1: warm-up */
		double t0 = now_s(), t;
		unsigned long n = 0, moff = 0;

		do {
			if (sim_pread(fd, buf, sz, off) != (ssize_t)sz)
				die("sim_pread 1m", 0);
			off = (off + sz) % SEQ_BYTES;
			n++;
		} while ((t = now_s() - t0) < SECS_1M);
		if (r >= 0)
			p[r] = n * sz / t / 1e9;

		n = 0;
		t0 = now_s();
		do {
			memcpy(dst, src + moff, sz);
			__asm__ volatile("" : : "r"(dst) : "memory");
			moff = (moff + sz) % SEQ_BYTES;
			n++;
		} while ((t = now_s() - t0) < SECS_1M);
		if (r >= 0)
			m[r] = n * sz / t / 1e9;
	}
	pm = median(p, ROUNDS);
	mm = median(m, ROUNDS);
	printf("bench: dio_1m_seq gbps=%.2f memcpy_gbps=%.2f ratio=%.2f rounds=%d\n",
	       pm, mm, pm / mm, ROUNDS);
	snprintf(res.measured, sizeof(res.measured), "%.2f GB/s (%.0f%%)", pm, 100 * pm / mm);
	snprintf(res.reference, sizeof(res.reference), "memcpy %.2f GB/s", mm);
	res.status = pm >= 0.8 * mm ? R_PASS : R_FAIL;
	free(src);
	free(dst);
	sim_munmap(buf, sz);
	sim_close(fd);
	sim_disk_destroy("ram0");
	shutdown_checked();
}

/* ---- QD32 through the async ring ---------------------------------------- */

#define QD	32

/* QD32 4 KiB random reads for about @secs on @fd; IOPS. */
static double qd32_run(int fd, unsigned long bufs, uint64_t blocks, double secs)
{
	struct sim_aio *ring = sim_aio_create(QD);
	int64_t rv[QD];
	uint64_t tags[QD];
	unsigned long done = 0;
	double t0, t;
	int i, n;

	if (IS_ERR(ring))
		die("sim_aio_create", PTR_ERR(ring));
	t0 = now_s();
	for (i = 0; i < QD; i++)
		if (sim_aio_submit(ring, fd, false, bufs + i * 4096UL, 4096,
				   (off_t)(rnd() % blocks) << 12, i))
			die("sim_aio_submit", i);
	do {
		n = sim_aio_reap(ring, 1, QD, rv, tags);
		if (n <= 0)
			die("sim_aio_reap", n);
		for (i = 0; i < n; i++) {
			if (rv[i] != 4096)
				die("aio read", (long)rv[i]);
			if (sim_aio_submit(ring, fd, false, bufs + tags[i] * 4096UL, 4096,
					   (off_t)(rnd() % blocks) << 12, tags[i]))
				die("sim_aio_submit", 0);
		}
		done += n;
		t = now_s() - t0;
	} while (t < secs);
	/* Drain (not counted). */
	n = sim_aio_reap(ring, QD, QD, rv, tags);
	if (n != QD)
		die("drain", n);
	sim_aio_destroy(ring);
	return done / t;
}

/* ---- dma_threads --------------------------------------------------------- */

static void case_dma_threads(void)
{
	double a[ROUNDS], b[ROUNDS], z[ROUNDS], am, bm, zm;
	unsigned long bufs;
	int r, fd;

	res_set("dma_threads", "report 2/1 scaling");
	boot(64UL << 20);
	if (sim_ramdisk_create("ram0", RAM_BYTES, 512))
		die("ramdisk", 0);
	fd = sim_open("/dev/ram0", O_RDWR | O_DIRECT, 0);
	if (fd < 0)
		die("sim_open", fd);
	sim_disk_fill(fd, RAM_BYTES);
	bufs = user_buf(QD * 4096UL, 0);
	sim_dma_set_threads(1);
	qd32_run(fd, bufs, RAM_BYTES >> 12, 0.1);
	for (r = 0; r < ROUNDS; r++) {
		sim_dma_set_threads(1);
		a[r] = qd32_run(fd, bufs, RAM_BYTES >> 12, SECS_QD32);
		sim_dma_set_threads(2);
		b[r] = qd32_run(fd, bufs, RAM_BYTES >> 12, SECS_QD32);
		sim_dma_set_threads(0);
		z[r] = qd32_run(fd, bufs, RAM_BYTES >> 12, SECS_QD32);
	}
	am = median(a, ROUNDS);
	bm = median(b, ROUNDS);
	zm = median(z, ROUNDS);
	printf("bench: dma_threads qd=32 threads1_iops=%.0f threads2_iops=%.0f scaling=%.2f "
	       "inline_iops=%.0f rounds=%d\n", am, bm, bm / am, zm, ROUNDS);
	snprintf(res.measured, sizeof(res.measured), "1t %.0fk, 2t %.0fk IOPS: x%.2f",
		 am / 1e3, bm / 1e3, bm / am);
	snprintf(res.reference, sizeof(res.reference), "inline (0 threads) %.0fk IOPS", zm / 1e3);
	res.status = R_NONE;
	sim_munmap(bufs, QD * 4096UL);
	sim_close(fd);
	sim_disk_destroy("ram0");
	shutdown_checked();
}

/* ---- file_uring_qd32 ----------------------------------------------------- */

/* fio's read IOPS from its JSON output, or a negative number. */
static double fio_iops(const char *path, char *why, size_t whysz)
{
	char cmd[512], *out = NULL, *p;
	size_t cap = 0, len = 0;
	double iops = -1;
	FILE *f;
	int st;

	snprintf(cmd, sizeof(cmd),
		 "fio --name=pinio-ref --ioengine=io_uring --iodepth=%d --direct=1 "
		 "--rw=randread --bs=4k --filename=%s --runtime=%d --time_based "
		 "--output-format=json 2>/dev/null", QD, path, SECS_URING);
	f = popen(cmd, "r");
	if (!f) {
		snprintf(why, whysz, "popen fio failed");
		return -1;
	}
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			out = realloc(out, cap);
			if (!out)
				die("realloc", 0);
		}
		size_t n = fread(out + len, 1, 4096, f);

		if (!n)
			break;
		len += n;
	}
	st = pclose(f);
	if (!out) {
		snprintf(why, whysz, "fio gave no output (status %d)", st);
		return -1;
	}
	out[len] = 0;
	p = strstr(out, "\"read\"");
	if (p)
		p = strstr(p, "\"iops\"");
	if (p && (p = strchr(p, ':')))
		iops = strtod(p + 1, NULL);
	if (iops <= 0)
		snprintf(why, whysz, "could not parse fio output (status %d)", st);
	free(out);
	return iops;
}

static void case_file_uring_qd32(void)
{
	double p[URING_ROUNDS], f[URING_ROUNDS], pm, fm;
	char why[160] = "", fstype[32] = "?";
	unsigned long bufs;
	int r, fd, ret;

	res_set("file_uring_qd32", ">=90% of fio");
#ifndef HAVE_LIBURING
	snprintf(why, sizeof(why), "liburing not installed (libpinio built without io_uring)");
#endif
	if (!why[0] && run_cmd("command -v fio", NULL, 0))
		snprintf(why, sizeof(why), "fio not installed (apt-get install fio)");
	if (why[0]) {
		printf("bench: file_uring_qd32 skipped=\"%s\"\n", why);
		snprintf(res.measured, sizeof(res.measured), "skipped");
		snprintf(res.reference, sizeof(res.reference), "%s", why);
		res.status = R_SKIP;
		return;
	}
	run_cmd("df --output=fstype /var/tmp | tail -1", fstype, sizeof(fstype));
	if (host_file_create(URING_PATH, URING_BYTES))
		die("create " URING_PATH, 0);

	boot(64UL << 20);
	ret = sim_filedisk_create("file0", URING_PATH, "io_uring,direct", 512);
	if (ret) {
		snprintf(why, sizeof(why), "sim_filedisk_create io_uring,direct: %s", strerror(-ret));
		printf("bench: file_uring_qd32 skipped=\"%s\"\n", why);
		snprintf(res.measured, sizeof(res.measured), "skipped");
		snprintf(res.reference, sizeof(res.reference), "%.100s", why);
		res.status = R_SKIP;
		shutdown_checked();
		unlink(URING_PATH);
		return;
	}
	fd = sim_open("/dev/file0", O_RDWR | O_DIRECT, 0);
	if (fd < 0)
		die("sim_open file0", fd);
	bufs = user_buf(QD * 4096UL, 0);
	if (sim_pread(fd, bufs, 4096, 777UL << 12) != 4096)
		die("sim_pread file0", 0);
	check_block(bufs, 777UL << 12);

	for (r = 0; r < URING_ROUNDS; r++) {
		p[r] = qd32_run(fd, bufs, URING_BYTES >> 12, SECS_URING);
		f[r] = fio_iops(URING_PATH, why, sizeof(why));
		if (f[r] < 0)
			break;
	}
	pm = median(p, r < URING_ROUNDS ? 1 : URING_ROUNDS);
	if (why[0]) {
		printf("bench: file_uring_qd32 iops=%.0f fs=%s dma_threads=%u ref=fio skipped=\"%s\"\n",
		       pm, fstype, sim_dma_threads(), why);
		snprintf(res.measured, sizeof(res.measured), "%.0fk IOPS", pm / 1e3);
		snprintf(res.reference, sizeof(res.reference), "fio: %.100s", why);
		res.status = R_SKIP;
	} else {
		fm = median(f, URING_ROUNDS);
		printf("bench: file_uring_qd32 iops=%.0f fio_iops=%.0f ratio=%.2f fs=%s "
		       "dma_threads=%u rounds=%d secs=%d\n", pm, fm, pm / fm, fstype,
		       sim_dma_threads(), URING_ROUNDS, SECS_URING);
		snprintf(res.measured, sizeof(res.measured), "%.0fk IOPS (%.0f%%)", pm / 1e3,
			 100 * pm / fm);
		snprintf(res.reference, sizeof(res.reference), "fio %.0fk IOPS (%s)", fm / 1e3, fstype);
		res.status = pm >= 0.9 * fm ? R_PASS : R_FAIL;
	}
	sim_munmap(bufs, QD * 4096UL);
	sim_close(fd);
	sim_disk_destroy("file0");
	shutdown_checked();
	unlink(URING_PATH);
}

/* ---- zero_storm (R01) ---------------------------------------------------- */

#define R01_WRITE_PAGES	64UL
#define R01_WRITES	((1UL << 15) + 1)	/* 2^21 + 64 pages in flight */
#define R01_BYTES	(R01_WRITES * R01_WRITE_PAGES * 4096)

static void case_zero_storm(void)
{
	struct sim_io_fault hold = { .flags = SIM_IO_HOLD };
	const size_t wlen = R01_WRITE_PAGES * 4096;
	double t0, t_sub, t_rel, t_all;
	unsigned long buf, i, bad = 0, pt_bytes, zero_pins;
	struct sim_aio *ring;
	int64_t *rv = calloc(R01_WRITES, sizeof(*rv));
	uint64_t *tags = calloc(R01_WRITES, sizeof(*tags));
	unsigned long zp0, acq0, acq;
	struct rusage ru;
	int fd, n;

	res_set("zero_storm", "<=5 s, <=20 MiB page tables");
	if (!rv || !tags)
		die("calloc", 0);
	boot(128UL << 20);
	if (sim_nulldisk_create("null0", R01_BYTES, 512))
		die("nulldisk", 0);
	buf = sim_mmap(0, R01_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (IS_ERR_VALUE(buf))
		die("sim_mmap 8 GiB", (long)buf);
	if (sim_madvise(buf, R01_BYTES, MADV_NOHUGEPAGE))
		die("madvise", 0);
	fd = sim_open("/dev/null0", O_WRONLY | O_DIRECT, 0);
	if (fd < 0)
		die("sim_open null0", fd);
	ring = sim_aio_create(R01_WRITES);
	if (IS_ERR(ring))
		die("sim_aio_create", PTR_ERR(ring));
	if (sim_disk_inject("null0", &hold))
		die("inject", 0);
	zp0 = sim_vmstat("pinio_zero_page_pins");
	acq0 = sim_vmstat("nr_foll_pin_acquired");

	t0 = now_s();
	for (i = 0; i < R01_WRITES; i++)
		if (sim_aio_submit(ring, fd, true, buf + i * wlen, wlen, (off_t)(i * wlen), i))
			die("sim_aio_submit", (long)i);
	t_sub = now_s() - t0;
	zero_pins = sim_vmstat("pinio_zero_page_pins") - zp0;
	acq = sim_vmstat("nr_foll_pin_acquired") - acq0;
	pt_bytes = sim_vmstat("nr_page_table_pages") * 4096;
	if (sim_disk_release("null0") != (int)R01_WRITES)
		die("release", 0);
	n = sim_aio_reap(ring, R01_WRITES, R01_WRITES, rv, tags);
	t_all = now_s() - t0;
	t_rel = t_all - t_sub;
	if (n != (int)R01_WRITES)
		die("reap", n);
	for (i = 0; i < R01_WRITES; i++)
		bad += rv[i] != (int64_t)wlen;
	getrusage(RUSAGE_SELF, &ru);
	printf("bench: zero_storm writes=%lu pages=%lu secs=%.2f submit_secs=%.2f "
	       "release_reap_secs=%.2f page_table_bytes=%lu page_table_mib=%.1f "
	       "peak_rss_mib=%.1f zero_page_pins=%lu foll_pins_acquired=%lu bad=%lu\n",
	       R01_WRITES, R01_WRITES * R01_WRITE_PAGES, t_all, t_sub, t_rel, pt_bytes,
	       pt_bytes / 1048576.0, ru.ru_maxrss / 1024.0, zero_pins, acq, bad);
	snprintf(res.measured, sizeof(res.measured), "%.2f s, PT %.1f MiB, RSS %.0f MiB",
		 t_all, pt_bytes / 1048576.0, ru.ru_maxrss / 1024.0);
	snprintf(res.reference, sizeof(res.reference), "-");
	res.status = !bad && t_all <= 5 && pt_bytes <= (20UL << 20) ? R_PASS : R_FAIL;

	sim_aio_destroy(ring);
	sim_close(fd);
	sim_munmap(buf, R01_BYTES);
	sim_disk_destroy("null0");
	free(rv);
	free(tags);
	shutdown_checked();
}

/* ---- random_ops ---------------------------------------------------------- */

#ifdef HAVE_OPS
/*
 * One run: sequences from the generator, concatenated to OPS_MAX_LOAD ops
 * (an op names its targets modulo what exists, so any concatenation is a
 * valid program), on a machine booted for the run; sim_check() and the pin
 * checks every 1,000 ops, a full page sweep every 1,000 ops, and always
 * the pages each op touched and the final checks.
 */
static struct ops_op ops_buf[OPS_MAX_LOAD];

static unsigned long ops_one(uint64_t seed, bool concat, unsigned long *runs)
{
	struct ops_config cfg;
	struct ops_result r;
	size_t n = 0, k;
	unsigned long s = 0;

	ops_config_from_seed(seed, &cfg);
	cfg.check_every = 1000;
	cfg.verify_every = 1000;
	cfg.quiet = true;
	do {
		k = ops_generate(ops_seed_mix(seed, s++), ops_buf + n, OPS_MAX_LOAD - n);
		n += k;
	} while (concat && k && n < OPS_MAX_LOAD);
	memset(&r, 0, sizeof(r));
	if (ops_run(&cfg, ops_buf, n, &r)) {
		fprintf(stderr, "dio_bench: random_ops seed %llu failed at %ld: %s: %s\n",
			(unsigned long long)seed, r.failed_at, r.kind, r.msg);
		exit(1);
	}
	(*runs)++;
	return r.ops_run;
}

static double ops_rate(bool concat, double secs, uint64_t *seed, unsigned long *runs)
{
	double t0 = now_s(), t;
	unsigned long ops = 0;

	do {
		ops += ops_one((*seed)++, concat, runs);
	} while ((t = now_s() - t0) < secs);
	return ops / t;
}
#endif

static void case_random_ops(void)
{
	res_set("random_ops", ">=1M ops/s (check/1000)");
#ifdef HAVE_OPS
	double l[ROUNDS], s[ROUNDS], lm, sm;
	unsigned long lruns = 0, sruns = 0;
	uint64_t seed = 1;
	int r;

	ops_rate(true, 0.1, &seed, &lruns);
	lruns = 0;
	for (r = 0; r < ROUNDS; r++) {
		l[r] = ops_rate(true, SECS_OPS, &seed, &lruns);
		s[r] = ops_rate(false, SECS_OPS, &seed, &sruns);
	}
	lm = median(l, ROUNDS);
	sm = median(s, ROUNDS);
	printf("bench: random_ops ops/s=%.0f ops_per_run=%d check_every=1000 verify_every=1000 "
	       "runs=%lu seq_ops/s=%.0f seq_runs=%lu rounds=%d\n", lm, OPS_MAX_LOAD, lruns, sm,
	       sruns, ROUNDS);
	snprintf(res.measured, sizeof(res.measured), "%.0fk ops/s", lm / 1e3);
	snprintf(res.reference, sizeof(res.reference),
		 "%.0fk ops/s as 50-200-op sequences (boot each)", sm / 1e3);
	res.status = lm >= 1e6 ? R_PASS : R_FAIL;
#else
	printf("bench: random_ops skipped=\"tests/ops/ops.h not found: no tester entry point\"\n");
	snprintf(res.measured, sizeof(res.measured), "skipped");
	snprintf(res.reference, sizeof(res.reference), "no tests/ops entry point");
	res.status = R_SKIP;
#endif
}

/* ---- callgrind modes ----------------------------------------------------- */

static void callgrind_4k(unsigned long n)
{
	struct qd1 q;

	pinio_qd1_setup(&q);		/* its reads warm the path up, uncounted */
	cg_dio_4k(&q, n);
	pinio_qd1_teardown(&q);
}

static struct page *cg_pages[512];

__attribute__((noinline)) void cg_pin_small(unsigned long base, unsigned long n);
__attribute__((noinline)) void cg_pin_small(unsigned long base, unsigned long n)
{
	while (n--) {
		if (pin_user_pages_fast(base, 512, FOLL_WRITE, cg_pages) != 512)
			die("pin small", 0);
		unpin_user_pages(cg_pages, 512);
	}
}

__attribute__((noinline)) void cg_pin_thp(unsigned long base, unsigned long n);
__attribute__((noinline)) void cg_pin_thp(unsigned long base, unsigned long n)
{
	while (n--) {
		if (pin_user_pages_fast(base, 512, FOLL_WRITE, cg_pages) != 512)
			die("pin thp", 0);
		unpin_user_pages(cg_pages, 512);
	}
}

static void callgrind_pin(unsigned long n)
{
	struct sim_config cfg = { .mem_bytes = 64UL << 20, .thp = true };
	unsigned long small, thp;

	if (sim_boot(&cfg))
		die("sim_boot", 0);
	/* Small pages: no THP for this range before it is touched. */
	small = sim_mmap(0, PMD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (IS_ERR_VALUE(small) || sim_madvise(small, PMD_SIZE, MADV_NOHUGEPAGE) ||
	    sim_user_memset(small, 's', PMD_SIZE) != (ssize_t)PMD_SIZE)
		die("small backing", 0);
	if (pin_user_pages_fast(small, 1, 0, cg_pages) != 1 ||
	    folio_test_large(page_folio(cg_pages[0])))
		die("small backing is not small pages", 0);
	unpin_user_pages(cg_pages, 1);
	thp = sim_mmap(0, PMD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (IS_ERR_VALUE(thp) || sim_user_memset(thp, 't', PMD_SIZE) != (ssize_t)PMD_SIZE)
		die("thp", 0);
	if (pin_user_pages_fast(thp, 1, 0, cg_pages) != 1 ||
	    folio_order(page_folio(cg_pages[0])) != HPAGE_PMD_ORDER)
		die("thp backing is not a 2 MiB folio", 0);
	unpin_user_pages(cg_pages, 1);
	cg_pin_small(small, n);
	cg_pin_thp(thp, n);
	sim_munmap(small, PMD_SIZE);
	sim_munmap(thp, PMD_SIZE);
	shutdown_checked();
}

/* ---- driver -------------------------------------------------------------- */

static const struct {
	const char *name;
	void (*fn)(void);
} cases[] = {
	{ "dio_4k_qd1", case_dio_4k_qd1 },
	{ "dio_1m_seq", case_dio_1m_seq },
	{ "file_uring_qd32", case_file_uring_qd32 },
	{ "zero_storm", case_zero_storm },
	{ "dma_threads", case_dma_threads },
	{ "random_ops", case_random_ops },
};
#define NR_CASES	((int)(sizeof(cases) / sizeof(cases[0])))

/* Run case @i in a child; its result comes back through a pipe. */
static void run_case(int i, struct result *out)
{
	int pfd[2], st;
	pid_t pid;
	ssize_t got;

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", cases[i].name);
	out->status = R_FAIL;
	snprintf(out->measured, sizeof(out->measured), "crashed");
	fflush(stdout);
	if (pipe(pfd))
		die("pipe", errno);
	pid = fork();
	if (pid < 0)
		die("fork", errno);
	if (!pid) {
		close(pfd[0]);
		cases[i].fn();
		fflush(stdout);
		if (write(pfd[1], &res, sizeof(res)) != (ssize_t)sizeof(res))
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	got = read(pfd[0], out, sizeof(*out));
	close(pfd[0]);
	waitpid(pid, &st, 0);
	if (got != (ssize_t)sizeof(*out) || !WIFEXITED(st) || WEXITSTATUS(st)) {
		snprintf(out->name, sizeof(out->name), "%s", cases[i].name);
		snprintf(out->measured, sizeof(out->measured), "error (status %d)", st);
		out->status = R_FAIL;
		printf("bench: %s error=\"child exited with status %d\"\n", cases[i].name, st);
	}
}

int main(int argc, char **argv)
{
	static const char *const status[] = { "FAIL", "pass", "-", "skipped" };
	struct result results[NR_CASES];
	int i, a, nr = 0, fails = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "--callgrind-4k")) {
		callgrind_4k(strtoul(argv[2], NULL, 0));
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--callgrind-pin")) {
		callgrind_pin(strtoul(argv[2], NULL, 0));
		return 0;
	}
	for (i = 0; i < NR_CASES; i++) {
		bool want = argc < 2;

		for (a = 1; a < argc; a++)
			want |= !strcmp(argv[a], cases[i].name);
		if (want)
			run_case(i, &results[nr++]);
	}
	printf("\n%-16s %-34s %-34s %-44s %s\n", "case", "goal", "measured", "reference",
	       "result");
	for (i = 0; i < nr; i++) {
		printf("%-16s %-34s %-34s %-44s %s\n", results[i].name, results[i].goal,
		       results[i].measured, results[i].reference, status[results[i].status]);
		fails += results[i].status == R_FAIL;
	}
	printf("bench: dio goals %s (%d case%s over goal; recorded, not enforced)\n",
	       fails ? "missed" : "met", fails, fails == 1 ? "" : "s");
	return 0;
}
