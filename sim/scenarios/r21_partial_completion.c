// SPDX-License-Identifier: GPL-2.0
/*
 * R21, a device error with partial completion (scenarios.md §6, fault
 * points F5/F6): the device moves k bytes of a 16 KiB O_DIRECT transfer,
 * then fails the bio with -EIO, for k in {0, 1, 511, 512, 4095, 4096,
 * 16383}, as a write and as a read on a `ram` disk.
 *
 * A raw block device reports a failed bio as -EIO whatever k was (the
 * kernel's block/fops.c does the same; the "whole blocks completed"
 * short count of scenarios.md is a filesystem DIO's, which needs simfs).
 * Expect -EIO, exactly one completion, every pin released, exactly k bytes
 * landed (on the disk for the write, in the buffer for the read) and
 * nothing past them changed. v6.4 holds references instead of pins.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/scenarios/scen.h"

#define R21_LEN		(4 * PAGE_SIZE)

static const unsigned int r21_ks[] = { 0, 1, 511, 512, 4095, 4096, R21_LEN - 1 };

/* Read [0, R21_LEN) of the disk into @out through a fresh buffer. */
static bool r21_disk(struct sim_scenario_ctx *ctx, int fd, unsigned char *out)
{
	unsigned long b = scen_mmap(ctx, R21_LEN);
	bool ok = b && sim_pread(fd, b, R21_LEN, 0) == R21_LEN &&
		  sim_user_read(b, out, R21_LEN) == R21_LEN;

	scen_munmap(ctx, b, R21_LEN);
	return ok;
}

static void r21_round(struct sim_scenario_ctx *ctx, int fd, unsigned long buf, bool write,
		      unsigned int k, unsigned char *img)
{
	struct sim_io_fault f = { .flags = SIM_IO_PARTIAL, .bytes = k, .nth = 1 };
	unsigned long reqs;
	long acq, rel, gets;
	ssize_t ret;
	bool ok;

	/* The disk holds 0x11 (write) or 0x33 (read); memory 0x22 or 0x44. */
	scen_disk_fill(ctx, fd, 0, write ? 0x11 : 0x33, R21_LEN);
	scen_fill(ctx, buf, write ? 0x22 : 0x44, R21_LEN);
	reqs = sim_dma_stat("dma_requests");
	acq = (long)sim_vmstat("nr_foll_pin_acquired");
	rel = (long)sim_vmstat("nr_foll_pin_released");
	gets = (long)sim_vmstat("pinio_foll_get_acquired");
	sim_disk_inject("ram0", &f);
	ret = write ? sim_pwrite(fd, buf, R21_LEN, 0) : sim_pread(fd, buf, R21_LEN, 0);
	sim_disk_inject("ram0", NULL);
	reqs = sim_dma_stat("dma_requests") - reqs;
	acq = (long)sim_vmstat("nr_foll_pin_acquired") - acq;
	rel = (long)sim_vmstat("nr_foll_pin_released") - rel;
	gets = (long)sim_vmstat("pinio_foll_get_acquired") - gets;
	if (write)
		ok = r21_disk(ctx, fd, img);
	else
		ok = sim_user_read(buf, img, R21_LEN) == R21_LEN;
	/* Write: the disk has k bytes of 0x22, then its 0x11; read: memory 0x33 then 0x44. */
	ok = ok && scen_mem_is(img, write ? 0x22 : 0x33, k) &&
	     scen_mem_is(img + k, write ? 0x11 : 0x44, R21_LEN - k);
	ok = ok && scen_refs(scen_page(buf)) == 1;
	if (scen_v64(ctx))
		scen_expect(ctx, ret == -EIO && ok && reqs == 1 && gets == 4 && acq == 0,
			    "%-5s k=%-5u -> %zd, %lu completion, %u bytes landed and no more, "
			    "%ld references taken and dropped", write ? "write" : "read", k, ret,
			    reqs, k, gets);
	else
		scen_expect(ctx, ret == -EIO && ok && reqs == 1 && acq == 4 && rel == 4,
			    "%-5s k=%-5u -> %zd, %lu completion, %u bytes landed and no more, "
			    "pins %ld/%ld", write ? "write" : "read", k, ret, reqs, k, acq, rel);
}

/**
 * scen_r21_partial_completion() - run R21, device error and partial completion.
 * @ctx: the running scenario: its profile, narration and checks
 *	(sim_scenario_run() prepares it and calls this through the table).
 *
 * Boots its own machine, drives the steps the file's header describes,
 * records every expectation in @ctx and shuts the machine down.
 *
 * Return: 0 once it has run (the verdict is in @ctx), or the -errno of a
 * set-up that failed before any step (the boot).
 */
int scen_r21_partial_completion(struct sim_scenario_ctx *ctx)
{
	unsigned char *img = malloc(R21_LEN);
	unsigned long buf = 0;
	unsigned int i;
	int fd = -1, err;

	err = scen_boot(ctx, NULL);
	if (err) {
		free(img);
		return err;
	}
	if (!img || scen_ramdisk(ctx, "ram0", 1UL << 20, 512))
		goto out;
	fd = scen_open(ctx, "/dev/ram0", O_RDWR | O_DIRECT);
	buf = scen_mmap_small(ctx, R21_LEN);
	if (fd < 0 || !buf)
		goto out;

	scen_step(ctx, "16 KiB O_DIRECT writes; the disk moves k bytes, then fails -EIO");
	scen_pin_counters(ctx);
	for (i = 0; i < ARRAY_SIZE(r21_ks); i++)
		r21_round(ctx, fd, buf, true, r21_ks[i], img);
	scen_pin_counters(ctx);

	scen_step(ctx, "16 KiB O_DIRECT reads; the disk moves k bytes, then fails -EIO");
	for (i = 0; i < ARRAY_SIZE(r21_ks); i++)
		r21_round(ctx, fd, buf, false, r21_ks[i], img);
	scen_pin_counters(ctx);
	scen_expect_eq(ctx, scen_pins_in_flight(), 0, "acquired == released");
	scen_expect(ctx, scen_refs(scen_page(buf)) == 1, "the buffer holds no extra reference");

out:
	if (fd >= 0)
		sim_close(fd);
	scen_munmap(ctx, buf, R21_LEN);
	sim_disk_destroy("ram0");
	free(img);
	scen_shutdown(ctx);
	return 0;
}
