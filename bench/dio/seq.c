// SPDX-License-Identifier: GPL-2.0
/*
 * bench/dio/seq.c - dio_1m_seq: 1 MiB sequential O_DIRECT reads on
 * `ram` with inline DMA, raw and through a simfs file with each DIO
 * engine, against memcpy() of the same 1 MiB pieces from memory laid out
 * like the store (2 MiB THP-advised chunks), interleaved; memcpy() from a
 * plain 4 KiB-page buffer is printed beside it.
 */
#include "bench/dio/dio_bench.h"

#define SZ_1M	(1UL << 20)

/* Sequential 1 MiB reads of @fd (wrapping at @bytes) for about @secs; GB/s. */
static double seq_run(int fd, unsigned long buf, uint64_t bytes, uint64_t *off, double secs)
{
	double t0 = now_s(), t;
	unsigned long n = 0;

	do {
		if (sim_pread(fd, buf, SZ_1M, (off_t)*off) != (ssize_t)SZ_1M)
			die("sim_pread 1m", 0);
		*off = (*off + SZ_1M) % bytes;
		n++;
	} while ((t = now_s() - t0) < secs);
	return n * SZ_1M / t / 1e9;
}

static double memcpy_run(unsigned char *dst, const unsigned char *src, double secs)
{
	double t0 = now_s(), t;
	unsigned long n = 0, moff = 0;

	do {
		memcpy(dst, src + moff, SZ_1M);
		__asm__ volatile("" : : "r"(dst) : "memory");
		moff = (moff + SZ_1M) % SEQ_BYTES;	/* sequential, like seq_run() */
		n++;
	} while ((t = now_s() - t0) < secs);
	return n * SZ_1M / t / 1e9;
}

/*
 * Rounds of dio_1m_seq: more and shorter than the other cases, because the
 * ratio swings with the machine's load; each round times the raw path and
 * memcpy() back to back, in alternating order, and the verdict is the
 * median of the per-round ratios.
 */
#define SEQ_ROUNDS	9
#define SEQ_SECS	0.20

void case_dio_1m_seq(void)
{
	double p[SEQ_ROUNDS], m[SEQ_ROUNDS], q[SEQ_ROUNDS], f[2][SEQ_ROUNDS], m4[SEQ_ROUNDS];
	double pm, mm, qm, m4m;
	double fm[2] = { 0, 0 };
	char why[2][128] = { "", "" }, fs[2][24];
	uint64_t off = 0, foff[2] = { 0, 0 };
	int ffd[2] = { -1, -1 };
	unsigned char *src, *src4k, *dst;
	unsigned long buf;
	int r, fd, e;

	res_set("dio_1m_seq", ">=80% of memcpy");
	boot(64UL << 20);
	if (sim_ramdisk_create("ram0", SEQ_BYTES, 512) || sim_dma_set_threads(0))
		die("ramdisk", 0);
	fd = sim_open("/dev/ram0", O_RDWR | O_DIRECT, 0);
	if (fd < 0)
		die("sim_open", fd);
	sim_disk_fill(fd, SEQ_BYTES);
	for (e = 0; e < 2; e++)
		simfs_file_setup(simfs_engines[e].disk, simfs_engines[e].mnt, simfs_engines[e].dio,
				 SEQ_BYTES, &ffd[e], why[e], sizeof(why[e]));
	buf = user_buf(SZ_1M, 0);
	/* The reference reads memory laid out like the store: same pages, same TLB cost. */
	src = host_store_alloc(SEQ_BYTES);
	/* For comparison only: a plain malloc()ed source (4 KiB host pages), the old reference. */
	src4k = malloc(SEQ_BYTES);
	dst = malloc(SZ_1M);
	if (!dst || !src4k)
		die("malloc", 0);
	madvise(src4k, SEQ_BYTES, MADV_NOHUGEPAGE);
	fill_pattern(src, 0, SEQ_BYTES);
	fill_pattern(src4k, 0, SEQ_BYTES);
	memset(dst, 0, SZ_1M);
	if (sim_pread(fd, buf, SZ_1M, 5 * SZ_1M) != (ssize_t)SZ_1M)
		die("sim_pread 1m", 0);
	check_block(buf + SZ_1M - 4096, 6 * SZ_1M - 4096);
	for (e = 0; e < 2; e++) {
		if (why[e][0])
			continue;
		if (sim_pread(ffd[e], buf, SZ_1M, 7 * SZ_1M) != (ssize_t)SZ_1M)
			snprintf(why[e], sizeof(why[e]), "simfs %s 1 MiB O_DIRECT read failed",
				 simfs_engines[e].name);
		else
			check_block(buf + SZ_1M - 4096, 8 * SZ_1M - 4096);
	}

	for (r = -1; r < SEQ_ROUNDS; r++) {	/* round -1: warm-up */
		double v, w;

		if (r & 1) {
			w = memcpy_run(dst, src, SEQ_SECS);
			v = seq_run(fd, buf, SEQ_BYTES, &off, SEQ_SECS);
		} else {
			v = seq_run(fd, buf, SEQ_BYTES, &off, SEQ_SECS);
			w = memcpy_run(dst, src, SEQ_SECS);
		}
		if (r >= 0) {
			p[r] = v;
			m[r] = w;
			q[r] = v / w;
		}
		w = memcpy_run(dst, src4k, SEQ_SECS);
		if (r >= 0)
			m4[r] = w;
		for (e = 0; e < 2; e++) {
			if (why[e][0])
				continue;
			v = seq_run(ffd[e], buf, SEQ_BYTES, &foff[e], SEQ_SECS);
			if (r >= 0)
				f[e][r] = v;
		}
	}
	pm = median(p, SEQ_ROUNDS);
	mm = median(m, SEQ_ROUNDS);
	qm = median(q, SEQ_ROUNDS);
	m4m = median(m4, SEQ_ROUNDS);
	printf("bench: dio_1m_seq gbps=%.2f memcpy_gbps=%.2f ratio=%.2f ratio_min=%.2f ratio_max=%.2f "
	       "memcpy_4k_pages_gbps=%.2f rounds=%d\n", pm, mm, qm, vmin(q, SEQ_ROUNDS),
	       vmax(q, SEQ_ROUNDS), m4m, SEQ_ROUNDS);
	for (e = 0; e < 2; e++) {
		snprintf(fs[e], sizeof(fs[e]), "skipped");
		if (why[e][0]) {
			printf("bench: dio_1m_seq path=simfs dio=%s skipped=\"%s\"\n",
			       simfs_engines[e].name, why[e]);
			continue;
		}
		fm[e] = median(f[e], SEQ_ROUNDS);
		printf("bench: dio_1m_seq path=simfs dio=%s gbps=%.2f raw_ratio=%.2f "
		       "memcpy_ratio=%.2f rounds=%d\n", simfs_engines[e].name, fm[e], fm[e] / pm,
		       fm[e] / mm, SEQ_ROUNDS);
		snprintf(fs[e], sizeof(fs[e]), "%.2f", fm[e]);
	}
	snprintf(res.measured, sizeof(res.measured), "%.2f GB/s (%.0f%%); simfs %s/%s", pm, 100 * qm,
		 fs[0], fs[1]);
	snprintf(res.reference, sizeof(res.reference), "memcpy %.2f GB/s; rounds %.0f-%.0f%%", mm,
		 100 * vmin(q, SEQ_ROUNDS), 100 * vmax(q, SEQ_ROUNDS));
	res.status = qm >= 0.8 ? R_PASS : R_FAIL;
	free(src);
	free(src4k);
	free(dst);
	sim_munmap(buf, SZ_1M);
	sim_close(fd);
	for (e = 0; e < 2; e++)
		simfs_file_teardown(simfs_engines[e].disk, simfs_engines[e].mnt, ffd[e]);
	sim_disk_destroy("ram0");
	shutdown_checked();
}
