// SPDX-License-Identifier: GPL-2.0
/*
 * bench/dio/qd1.c - dio_4k_qd1: 4 KiB O_DIRECT random reads at QD1 on
 * `ram` with inline DMA, raw and through simfs with each DIO engine,
 * beside the host's tmpfs and loop device.
 */
#include "bench/dio/dio_bench.h"

/* ---- dio_4k_qd1 ---------------------------------------------------------- */

/* Reads of 4 KiB at random block offsets for about @secs; IOPS. */
double qd1_run(struct qd1 *q, double secs)
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
 * memcpy() from a random block of a store laid out like ram.c's (2 MiB
 * chunks advised for huge pages, @store) into one buffer, for about @secs;
 * copies/s. With @pages instead, from one calloc()ed page per block: the
 * store's layout before it moved to 2 MiB chunks, for comparison.
 */
static double copy_floor_run(const unsigned char *store, unsigned char **pages, uint64_t blocks,
			     void *dst, double secs)
{
	double t0 = now_s(), t;
	unsigned long n = 0;
	int i;

	do {
		for (i = 0; i < 256; i++) {
			uint64_t b = rnd() % blocks;

			memcpy(dst, pages ? pages[b] : store + (b << 12), 4096);
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

void pinio_qd1_setup(struct qd1 *q)
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

void pinio_qd1_teardown(struct qd1 *q)
{
	sim_munmap(q->ubuf, 4096);
	sim_close(q->fd);
	sim_disk_destroy("ram0");
	shutdown_checked();
}

/*
 * The same reads through simfs, one file of RAM_BYTES per DIO engine,
 * each on a `ram` disk of its own (bench/dio/simfs.c).
 */
void simfs_qd1_setup(struct qd1 *q, int e, char *why, size_t whysz)
{
	q->host = false;
	q->blocks = RAM_BYTES >> 12;
	q->ubuf = 0;
	simfs_file_setup(simfs_engines[e].disk, simfs_engines[e].mnt, simfs_engines[e].dio, RAM_BYTES, &q->fd,
			 why, whysz);
	if (!why[0])
		q->ubuf = user_buf(4096, 0);
}

void simfs_qd1_teardown(struct qd1 *q, int e)
{
	if (q->ubuf)
		sim_munmap(q->ubuf, 4096);
	simfs_file_teardown(simfs_engines[e].disk, simfs_engines[e].mnt, q->fd);
}

void case_dio_4k_qd1(void)
{
	char shm[64], loopdev[64] = "", why_tmpfs[96] = "", why_loop[160] = "", dio[8] = "?";
	double p[ROUNDS], t[ROUNDS], l[ROUNDS], f[2][ROUNDS], h[ROUNDS], c[ROUNDS], c4[ROUNDS];
	double tq[ROUNDS], lq[ROUNDS];
	double pm, tm = 0, lm = 0, fm[2] = { 0, 0 }, hm, cm, c4m, tqm = 0, lqm = 0;
	char why_simfs[2][128] = { "", "" };
	unsigned char **pages, *store;
	struct qd1 pin, hot, fsq[2], tmp = { .fd = -1, .host = true }, loop = { .fd = -1, .host = true };
	void *hbuf;
	int r, fd, e;

	res_set("dio_4k_qd1", ">=2M IOPS, >=5x tmpfs, >=40x loop");
	pinio_qd1_setup(&pin);
	hot = pin;
	hot.blocks = 256;	/* 1 MiB of the disk: the store stays in cache */
	for (e = 0; e < 2; e++)
		simfs_qd1_setup(&fsq[e], e, why_simfs[e], sizeof(why_simfs[e]));
	store = host_store_alloc(RAM_BYTES);
	pages = calloc(RAM_BYTES >> 12, sizeof(*pages));
	if (!pages)
		die("calloc", 0);
	for (r = 0; r < (int)(RAM_BYTES >> 12); r++) {
		pages[r] = calloc(1, 4096);
		if (!pages[r])
			die("calloc", 0);
		memset(pages[r], r, 4096);
		memset(store + ((size_t)r << 12), r, 4096);
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
		for (e = 0; e < 2; e++)
			if (!why_simfs[e][0])
				f[e][r] = qd1_run(&fsq[e], SECS_4K);
		h[r] = qd1_run(&hot, SECS_4K);
		c[r] = copy_floor_run(store, NULL, RAM_BYTES >> 12, hbuf, SECS_4K);
		c4[r] = copy_floor_run(NULL, pages, RAM_BYTES >> 12, hbuf, SECS_4K);
		if (!why_tmpfs[0]) {
			t[r] = qd1_run(&tmp, SECS_4K);
			tq[r] = p[r] / t[r];
		}
		if (!why_loop[0]) {
			l[r] = qd1_run(&loop, SECS_4K);
			lq[r] = p[r] / l[r];
		}
	}
	pm = median(p, ROUNDS);
	hm = median(h, ROUNDS);
	cm = median(c, ROUNDS);
	c4m = median(c4, ROUNDS);
	printf("bench: dio_4k_qd1 path=raw iops=%.0f ns/io=%.0f rounds=%d\n", pm, 1e9 / pm, ROUNDS);
	printf("bench: dio_4k_qd1 path=raw_hot blocks=256 iops=%.0f ns/io=%.0f rounds=%d\n", hm,
	       1e9 / hm, ROUNDS);
	printf("bench: dio_4k_qd1 ref=copy_floor copies/s=%.0f ns/copy=%.0f "
	       "raw_minus_copy_ns=%.0f rounds=%d\n", cm, 1e9 / cm, 1e9 / pm - 1e9 / cm, ROUNDS);
	printf("bench: dio_4k_qd1 ref=copy_floor_4k_pages copies/s=%.0f ns/copy=%.0f rounds=%d\n",
	       c4m, 1e9 / c4m, ROUNDS);
	/* ratio: the median of the per-round ratios (each round runs both back to back). */
	if (why_tmpfs[0]) {
		printf("bench: dio_4k_qd1 ref=host_tmpfs skipped=\"%s\"\n", why_tmpfs);
	} else {
		tm = median(t, ROUNDS);
		tqm = median(tq, ROUNDS);
		printf("bench: dio_4k_qd1 ref=host_tmpfs iops=%.0f ns/io=%.0f ratio=%.2f ratio_min=%.2f "
		       "ratio_max=%.2f rounds=%d\n", tm, 1e9 / tm, tqm, vmin(tq, ROUNDS),
		       vmax(tq, ROUNDS), ROUNDS);
	}
	if (why_loop[0]) {
		printf("bench: dio_4k_qd1 ref=host_loop skipped=\"%s\"\n", why_loop);
	} else {
		lm = median(l, ROUNDS);
		lqm = median(lq, ROUNDS);
		printf("bench: dio_4k_qd1 ref=host_loop dev=%s loop_dio=%s iops=%.0f ns/io=%.0f "
		       "ratio=%.2f ratio_min=%.2f ratio_max=%.2f rounds=%d\n", loopdev, dio, lm,
		       1e9 / lm, lqm, vmin(lq, ROUNDS), vmax(lq, ROUNDS), ROUNDS);
	}
	for (e = 0; e < 2; e++) {
		if (why_simfs[e][0]) {
			printf("bench: dio_4k_qd1 path=simfs dio=%s skipped=\"%s\"\n",
			       simfs_engines[e].name, why_simfs[e]);
			continue;
		}
		fm[e] = median(f[e], ROUNDS);
		printf("bench: dio_4k_qd1 path=simfs dio=%s iops=%.0f ns/io=%.0f raw_ratio=%.2f "
		       "tmpfs_ratio=%.2f loop_ratio=%.2f rounds=%d\n", simfs_engines[e].name, fm[e],
		       1e9 / fm[e], fm[e] / pm, tm ? fm[e] / tm : 0, lm ? fm[e] / lm : 0, ROUNDS);
	}

	{
		char a[24] = "skipped", b[24] = "skipped";

		if (!why_simfs[0][0])
			snprintf(a, sizeof(a), "%.2fM", fm[0] / 1e6);
		if (!why_simfs[1][0])
			snprintf(b, sizeof(b), "%.2fM", fm[1] / 1e6);
		snprintf(res.measured, sizeof(res.measured), "raw %.2fM, iomap %s, legacy %s",
			 pm / 1e6, a, b);
	}
	{
		char a[48] = "skipped", b[48] = "skipped";

		if (!why_tmpfs[0])
			snprintf(a, sizeof(a), "%.0fk (%.1fx)", tm / 1e3, tqm);
		if (!why_loop[0])
			snprintf(b, sizeof(b), "%.0fk (%.1fx)", lm / 1e3, lqm);
		snprintf(res.reference, sizeof(res.reference), "tmpfs %s; loop %s", a, b);
	}
	res.status = pm >= 2e6 && (why_simfs[0][0] || fm[0] >= 2e6) && (why_tmpfs[0] || tqm >= 5) &&
		     (why_loop[0] || lqm >= 40) ? R_PASS : R_FAIL;

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
		free(pages[r]);
	free(pages);
	free(store);
	free(hbuf);
	for (e = 0; e < 2; e++)
		simfs_qd1_teardown(&fsq[e], e);
	pinio_qd1_teardown(&pin);
}
