// SPDX-License-Identifier: GPL-2.0
/*
 * bench/dio_bench.c - the I/O benchmarks of issue 7, each beside a
 * reference measured in the same run on the same machine:
 *
 *   dio_4k_qd1       4 KiB O_DIRECT random reads, QD1, `ram` disk, inline
 *                    DMA, raw path and a simfs file (iomap and legacy DIO); vs the
 *                    host's O_DIRECT pread on a tmpfs file and on a loop
 *                    device (direct I/O) over tmpfs.
 *   dio_1m_seq       1 MiB sequential O_DIRECT reads on `ram`, raw and through
 *                    simfs (iomap and legacy DIO), vs memcpy().
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
 *   dio_bench --callgrind-4k N [simfs=iomap|legacy]
 *                                 N 4 KiB QD1 reads (inline DMA), raw path or
 *                                 a simfs file with that DIO engine
 *   dio_bench --callgrind-1m N [simfs=iomap|legacy]
 *                                 N sequential 1 MiB reads (inline DMA), the same
 *   dio_bench --callgrind-random N [poison=off]
 *                                 one random_ops program of N mm-mix ops (seed
 *                                 5, sweeps every 1,000), in cg_random_ops
 *   dio_bench --callgrind-pin N   N x pin+unpin of 512 small pages, then
 *                                 of one 2 MiB THP folio (512 pages)
 *   dio_bench CASE...             only the named cases
 *
 * This file holds the driver and the callgrind modes; the cases are in
 * bench/dio/ (qd1.c, seq.c, qd32.c, storm.c; simfs.c makes their simfs
 * files, common.c has the helpers).
 */
#include "bench/dio/dio_bench.h"

/* ---- callgrind modes ----------------------------------------------------- */

/* @e: -1 for the raw device, else the simfs engine simfs_engines[e]. */
static void callgrind_4k(unsigned long n, int e)
{
	char why[128] = "";
	struct qd1 q;

	if (e < 0) {
		pinio_qd1_setup(&q);		/* its reads warm the path up, uncounted */
		cg_dio_4k(&q, n);
		pinio_qd1_teardown(&q);
		return;
	}
	boot(64UL << 20);
	if (sim_dma_set_threads(0))
		die("dma threads 0", 0);
	simfs_qd1_setup(&q, e, why, sizeof(why));
	if (why[0])
		die(why, 0);
	cg_dio_4k(&q, n);
	simfs_qd1_teardown(&q, e);
	shutdown_checked();
}

/* N sequential 1 MiB reads of a 16 MiB `ram` disk (inline DMA), counted. */
__attribute__((noinline)) void cg_dio_1m(int fd, unsigned long buf, unsigned long n);
__attribute__((noinline)) void cg_dio_1m(int fd, unsigned long buf, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		if (sim_pread(fd, buf, 1UL << 20, (off_t)((i % 16) << 20)) != 1L << 20)
			die("sim_pread 1m", 0);
}

/* @e: -1 for the raw device, else a 32 MiB file (16 MiB read) with simfs engine simfs_engines[e]. */
static void callgrind_1m(unsigned long n, int e)
{
	char why[128] = "";
	unsigned long buf;
	int fd;

	boot(64UL << 20);
	if (sim_dma_set_threads(0))
		die("dma threads 0", 0);
	if (e < 0) {
		if (sim_ramdisk_create("ram0", 16UL << 20, 512))
			die("ramdisk", 0);
		fd = sim_open("/dev/ram0", O_RDWR | O_DIRECT, 0);
		if (fd < 0)
			die("sim_open", fd);
		sim_disk_fill(fd, 16UL << 20);
	} else {
		simfs_file_setup(simfs_engines[e].disk, simfs_engines[e].mnt, simfs_engines[e].dio,
				 32UL << 20, &fd, why, sizeof(why));
		if (why[0])
			die(why, 0);
	}
	buf = user_buf(1UL << 20, 0);
	if (sim_pread(fd, buf, 1UL << 20, 0) != 1L << 20)	/* warm-up, uncounted */
		die("sim_pread 1m", 0);
	check_block(buf + 4096, 4096);
	cg_dio_1m(fd, buf, n);
	sim_munmap(buf, 1UL << 20);
	if (e < 0) {
		sim_close(fd);
		sim_disk_destroy("ram0");
	} else {
		simfs_file_teardown(simfs_engines[e].disk, simfs_engines[e].mnt, fd);
	}
	shutdown_checked();
}

/* "simfs=iomap" / "simfs=legacy" -> index into simfs_engines[]; -1 for none (raw). */
static int cg_engine(int argc, char **argv)
{
	int e;

	if (argc < 4)
		return -1;
	for (e = 0; e < 2; e++)
		if (!strncmp(argv[3], "simfs=", 6) && !strcmp(argv[3] + 6, simfs_engines[e].name))
			return e;
	die("unknown engine (simfs=iomap|simfs=legacy)", 0);
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

void case_random_ops_stream(void);
void callgrind_random(unsigned long nops, bool poison);	/* bench/dio/random.c */

static const struct {
	const char *name;
	void (*fn)(void);
} cases[] = {
	{ "dio_4k_qd1", case_dio_4k_qd1 },
	{ "dio_1m_seq", case_dio_1m_seq },
	{ "file_uring_qd32", case_file_uring_qd32 },
	{ "zero_storm", case_zero_storm },
	{ "dma_threads", case_dma_threads },
	{ "random_ops", case_random_ops_stream },	/* bench/dio/random.c */
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
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "--callgrind-4k")) {
		callgrind_4k(strtoul(argv[2], NULL, 0), cg_engine(argc, argv));
		return 0;
	}
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "--callgrind-1m")) {
		callgrind_1m(strtoul(argv[2], NULL, 0), cg_engine(argc, argv));
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--callgrind-pin")) {
		callgrind_pin(strtoul(argv[2], NULL, 0));
		return 0;
	}
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "--callgrind-random")) {
		callgrind_random(strtoul(argv[2], NULL, 0),
				 argc == 3 || strcmp(argv[3], "poison=off"));
		return 0;
	}
	for (i = 0; i < NR_CASES; i++) {
		bool want = argc < 2;

		for (a = 1; a < argc; a++)
			want |= !strcmp(argv[a], cases[i].name);
		if (want)
			run_case(i, &results[nr++]);
	}
	printf("\n%-16s %-34s %-40s %-44s %s\n", "case", "goal", "measured", "reference",
	       "result");
	for (i = 0; i < nr; i++) {
		printf("%-16s %-34s %-40s %-44s %s\n", results[i].name, results[i].goal,
		       results[i].measured, results[i].reference, status[results[i].status]);
		fails += results[i].status == R_FAIL;
	}
	printf("bench: dio goals %s (%d case%s over goal; recorded, not enforced)\n",
	       fails ? "missed" : "met", fails, fails == 1 ? "" : "s");
	return 0;
}
