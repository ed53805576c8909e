// SPDX-License-Identifier: GPL-2.0
/*
 * bench/dio/qd32.c - the QD32 cases through the sim_aio ring:
 * dma_threads (`ram`, 1 vs 2 DMA workers) and file_uring_qd32 (a `file`
 * disk with io_uring against fio).
 */
#include "bench/dio/dio_bench.h"

/* ---- QD32 through the async ring ---------------------------------------- */


/* QD32 4 KiB random reads for about @secs on @fd; IOPS. */
double qd32_run(int fd, unsigned long bufs, uint64_t blocks, double secs)
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

void case_dma_threads(void)
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

/*
 * The host file of this run, made unique by mkstemp() so that two
 * concurrent `make bench` runs do not share (and delete) one file. It is
 * removed at the end of the case, and by an atexit() handler on every
 * path that ends the process early (die(), which exit()s).
 */
static char uring_path[sizeof(URING_TEMPLATE)];
static bool uring_path_live;

static void uring_path_remove(void)
{
	if (uring_path_live) {
		unlink(uring_path);
		uring_path_live = false;
	}
}

/* Create this run's host file of @bytes; exits (removing it) on failure. */
static void uring_path_create(uint64_t bytes)
{
	static bool registered;
	int fd, err;

	if (!registered) {
		if (atexit(uring_path_remove))
			die("atexit", 0);
		registered = true;
	}
	memcpy(uring_path, URING_TEMPLATE, sizeof(URING_TEMPLATE));
	fd = mkstemp(uring_path);
	if (fd < 0)
		die("mkstemp " URING_TEMPLATE, errno);
	close(fd);
	uring_path_live = true;
	err = host_file_create(uring_path, bytes);
	if (err)
		die(uring_path, err);
}

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

void case_file_uring_qd32(void)
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
	uring_path_create(URING_BYTES);

	boot(64UL << 20);
	ret = sim_filedisk_create("file0", uring_path, "io_uring,direct", 512);
	if (ret) {
		snprintf(why, sizeof(why), "sim_filedisk_create io_uring,direct: %s", strerror(-ret));
		printf("bench: file_uring_qd32 skipped=\"%s\"\n", why);
		snprintf(res.measured, sizeof(res.measured), "skipped");
		snprintf(res.reference, sizeof(res.reference), "%.100s", why);
		res.status = R_SKIP;
		shutdown_checked();
		uring_path_remove();
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
		f[r] = fio_iops(uring_path, why, sizeof(why));
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
	uring_path_remove();
}
