// SPDX-License-Identifier: GPL-2.0
/*
 * bench/dio/storm.c - zero_storm (R01: 2^21 zero-page pins in flight).
 * (The random tester's throughput, case random_ops, is bench/dio/random.c.)
 */
#include "bench/dio/dio_bench.h"

/* ---- zero_storm (R01) ---------------------------------------------------- */

#define R01_WRITE_PAGES	64UL
#define R01_WRITES	((1UL << 15) + 1)	/* 2^21 + 64 pages in flight */
#define R01_BYTES	(R01_WRITES * R01_WRITE_PAGES * 4096)

void case_zero_storm(void)
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
