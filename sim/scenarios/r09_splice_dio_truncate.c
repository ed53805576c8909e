// SPDX-License-Identifier: GPL-2.0
/*
 * R09, splice from an O_DIRECT file racing truncate (scenarios.md §6, bug
 * B6, syzbot "general protection fault in skb_dequeue (3)"): splice read
 * used an ITER_PIPE iterator, and __iomap_dio_rw()'s iov_iter_revert()
 * freed pipe pages that sat, unpinned, in a bio still under DMA; the
 * corruption surfaced far away, once slab reused the pages. The fix reads
 * O_DIRECT files for splice into fresh pages through ITER_BVEC
 * (direct_splice_read()), and truncate waits for direct I/O in flight.
 *
 * The syzbot reproducer's shape on simfs, once through dio=iomap and once
 * through dio=legacy (direct_splice_read() calls ->read_iter with a BVEC
 * either way): file s of 0x800
 * bytes of 'S'; one task splices from an O_DIRECT descriptor at 0x200 for
 * 0x1dd00 bytes into a pipe and drains it, 3000 times, while a second
 * task (another host thread) truncates s to 0 and writes it back; every
 * bio completes 30 us after it reached the device.
 * Expect every splice to return 0..0x600 bytes (never past EOF), every
 * byte to be 'S' or 0 (a freed page would show the 0xaa poison), no DMA
 * violation (I9), no pin left and nothing leaked.
 */
#include <pthread.h>
#include <stdlib.h>

#include "sim/scenarios/scen.h"

#define R09_SIZE	0x800
#define R09_OFF		0x200
#define R09_LEN		0x1dd00
#define R09_ROUNDS	3000

struct r09_truncator {
	struct task_struct *task;
	int fd;
	unsigned long buf;
	int stop;
	unsigned long rounds, errors;
};

/* The other task: a thread of the same process, with its own descriptor. */
static void *r09_truncate_fn(void *arg)
{
	struct r09_truncator *t = arg;
	int fd;

	sim_task_switch(t->task);
	fd = sim_open("/mnt/s", O_RDWR, 0);
	if (fd < 0) {
		t->errors++;
		return NULL;
	}
	while (!__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE)) {
		if (sim_ftruncate(fd, 0) || sim_pwrite(fd, t->buf, R09_SIZE, 0) != R09_SIZE)
			t->errors++;
		t->rounds++;
	}
	sim_close(fd);
	return NULL;
}

/* One run of the race on simfs mounted with engine @b. */
static void r09_round(struct sim_scenario_ctx *ctx, enum scen_backing b, unsigned char *img)
{
	struct sim_io_fault delay = { .flags = SIM_IO_DELAY, .delay_us = 30 };
	struct r09_truncator t = { .fd = -1 };
	unsigned long buf = 0, viol, i, past_eof = 0, bad_bytes = 0, errors = 0, total = 0;
	int fds[2] = { -1, -1 }, dfd = -1, err;
	pthread_t th;
	bool started = false;

	if (scen_fs_setup(ctx, scen_backing_mount_opts(b)))
		return;

	scen_step(ctx, "%s: file s: 0x800 bytes of 'S'; an O_DIRECT descriptor; a pipe",
		  scen_backing_name(b));
	t.fd = scen_fs_create(ctx, "s", 'S', R09_SIZE);
	if (t.fd < 0)
		goto out_fs;
	dfd = scen_open(ctx, "/mnt/s", O_RDONLY | O_DIRECT);
	err = sim_pipe(fds);
	buf = scen_mmap(ctx, R09_LEN);
	t.buf = scen_mmap(ctx, R09_SIZE);
	if (dfd < 0 || err || !buf || !t.buf || !scen_fill(ctx, t.buf, 'S', R09_SIZE)) {
		scen_expect(ctx, err == 0, "sim_pipe() = %d", err);
		goto out_files;
	}
	viol = sim_dma_stat("dma_violations");
	scen_counter(ctx, "dma_violations", (long)viol);

	scen_step(ctx, "another task loops ftruncate(s, 0) + rewrite; bios complete after 30 us");
	t.task = sim_thread_create(sim_current());
	if (!t.task || pthread_create(&th, NULL, r09_truncate_fn, &t)) {
		scen_expect(ctx, false, "start the truncating task");
		goto out_files;
	}
	started = true;
	sim_disk_inject(SCEN_FS_DISK, &delay);

	scen_step(ctx, "%d times: splice(O_DIRECT s at 0x200, 0x1dd00 bytes) into the pipe, drain",
		  R09_ROUNDS);
	for (i = 0; i < R09_ROUNDS; i++) {
		off_t off = R09_OFF;
		ssize_t got = 0, ret = sim_splice(dfd, &off, fds[1], NULL, R09_LEN, 0), j;

		if (ret < 0) {
			errors++;
			continue;
		}
		past_eof += ret > R09_SIZE - R09_OFF;
		while (got < ret) {
			ssize_t n = sim_read(fds[0], buf, (size_t)(ret - got));

			if (n <= 0 || sim_user_read(buf, img + got, (size_t)n) != n) {
				errors++;
				break;
			}
			got += n;
		}
		for (j = 0; j < got; j++)
			bad_bytes += img[j] != 'S' && img[j] != 0;
		total += (unsigned long)got;
	}
	__atomic_store_n(&t.stop, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	started = false;
	sim_disk_inject(SCEN_FS_DISK, NULL);
	scen_note(ctx, "%lu bytes spliced; the other task truncated and rewrote s %lu times",
		  total, t.rounds);
	scen_counter(ctx, "dma_violations", (long)sim_dma_stat("dma_violations"));
	scen_expect_eq(ctx, (long)errors, 0, "splices or pipe reads that failed");
	scen_expect_eq(ctx, (long)t.errors, 0, "truncates or rewrites that failed");
	scen_expect_eq(ctx, (long)past_eof, 0, "splices that returned bytes past EOF");
	scen_expect_eq(ctx, (long)bad_bytes, 0,
		       "bytes that were neither 'S' nor 0 (0xaa: a freed page was read)");
	scen_expect_eq(ctx, (long)(sim_dma_stat("dma_violations") - viol), 0,
		       "DMA violations: no transfer into a freed or reused page (I9)");
	scen_expect(ctx, t.rounds > 0, "the truncating task really ran");
	scen_expect_eq(ctx, (long)sim_vmstat("pinio_pins_outstanding"), 0, "no pin left");

out_files:
	if (started) {
		__atomic_store_n(&t.stop, 1, __ATOMIC_RELEASE);
		pthread_join(th, NULL);
	}
	sim_disk_inject(SCEN_FS_DISK, NULL);
	if (t.task)
		sim_task_exit(t.task);
	if (fds[0] >= 0)
		sim_close(fds[0]);
	if (fds[1] >= 0)
		sim_close(fds[1]);
	if (dfd >= 0)
		sim_close(dfd);
	if (t.fd >= 0)
		sim_close(t.fd);
	scen_munmap(ctx, buf, R09_LEN);
	scen_munmap(ctx, t.buf, R09_SIZE);
out_fs:
	scen_fs_teardown(ctx);
}

/**
 * scen_r09_splice_dio_truncate() - run R09, splice-DIO vs truncate.
 * @ctx: the running scenario: its profile, narration and checks
 *	(sim_scenario_run() prepares it and calls this through the table).
 *
 * Boots its own machine, drives the steps the file's header describes,
 * records every expectation in @ctx and shuts the machine down.
 *
 * Return: 0 once it has run (the verdict is in @ctx), or the -errno of a
 * set-up that failed before any step (the boot).
 */
int scen_r09_splice_dio_truncate(struct sim_scenario_ctx *ctx)
{
	unsigned char *img = malloc(R09_LEN);
	enum scen_backing b;
	int err;

	err = scen_boot(ctx, NULL);
	if (err) {
		free(img);
		return err;
	}
	if (!img)
		scen_expect(ctx, false, "allocate the image buffer");
	for (b = SCEN_IOMAP; img && b < NR_SCEN_BACKINGS; b++)
		r09_round(ctx, b, img);
	free(img);
	scen_shutdown(ctx);
	return 0;
}
