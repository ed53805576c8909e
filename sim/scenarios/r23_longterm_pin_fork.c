// SPDX-License-Identifier: GPL-2.0
/*
 * R23, a long-term R/W pin plus fork (scenarios.md §6; selftests/mm/cow.c
 * "io_uring fixed buffer" + fork). io_uring's buffer registration pins a
 * buffer long-term for writing (FOLL_LONGTERM | FOLL_WRITE) and later
 * write_fixed requests DMA straight from the pinned pages, whatever the
 * page tables say by then.
 *
 * Without simfs the "file" is the raw `ram` disk /dev/ram0, and write_fixed
 * is a bio built from the registered pages (a BVEC iterator, as io_uring
 * does) submitted to it:
 *   register B (4 pages of 'A') -> fork, keep the child -> parent writes
 *   0xff through its mapping -> write_fixed from the pin to the disk
 * Expect the disk to equal the parent's mapping (0xff): the pinned pages
 * stayed the parent's - fork gave the child copies - so the child never
 * maps a pinned page and still reads 'A'. The same on every profile
 * (pinned pages are copied at fork since 5.11).
 */
#include "sim/scenarios/scen.h"

#define R23_PAGES	4
#define R23_LEN		(R23_PAGES * PAGE_SIZE)

int scen_r23_longterm_pin_fork(struct sim_scenario_ctx *ctx)
{
	struct task_struct *parent, *child = NULL;
	struct page *pages[R23_PAGES] = { NULL };
	struct bio_vec bv[R23_PAGES];
	struct block_device *bdev = NULL;
	struct iov_iter iter;
	unsigned long buf = 0;
	struct bio *bio;
	bool mapped = false;
	long ret;
	int fd = -1, err, i;

	err = scen_boot(ctx, NULL);
	if (err)
		return err;
	parent = sim_current();
	if (scen_ramdisk(ctx, "ram0", 1UL << 20, 512))
		goto out;
	fd = scen_open(ctx, "/dev/ram0", O_RDWR | O_DIRECT);
	bdev = blkdev_get_by_name("ram0");
	if (fd < 0 || IS_ERR_OR_NULL(bdev)) {
		/* An injected failure of one of the two: keep nothing of the other. */
		if (!IS_ERR_OR_NULL(bdev))
			blkdev_put(bdev);
		bdev = NULL;
		goto out;
	}

	scen_step(ctx, "register B (4 pages of 'A'): a long-term R/W pin, held");
	buf = scen_mmap_small(ctx, R23_LEN);
	if (!buf || !scen_fill(ctx, buf, 'A', R23_LEN))
		goto out;
	ret = pin_user_pages_fast(buf, R23_PAGES, FOLL_LONGTERM | FOLL_WRITE, pages);
	if (!scen_expect_eq(ctx, ret, R23_PAGES, "registered")) {
		if (ret > 0)
			unpin_user_pages(pages, (unsigned long)ret);
		goto out;
	}
	scen_counter(ctx, "pins(B[0])", scen_pins(pages[0]));
	scen_counter(ctx, "pinio_fork_copied_pinned", (long)sim_vmstat("pinio_fork_copied_pinned"));

	scen_step(ctx, "fork, keep the child");
	child = sim_fork();
	if (IS_ERR_OR_NULL(child)) {
		scen_expect(ctx, false, "sim_fork() = %ld", PTR_ERR(child));
		child = NULL;
		goto out_unpin;
	}
	scen_counter(ctx, "pinio_fork_copied_pinned", (long)sim_vmstat("pinio_fork_copied_pinned"));
	for (i = 0; i < R23_PAGES; i++)
		mapped |= scen_page_at(child->mm, buf + (unsigned long)i * PAGE_SIZE) == pages[i];
	scen_expect(ctx, !mapped, "the child never maps a pinned page: fork copied them");

	scen_step(ctx, "parent writes 0xff through its mapping");
	scen_fill(ctx, buf, 0xff, R23_LEN);
	for (i = 0, mapped = true; i < R23_PAGES; i++)
		mapped &= scen_page(buf + (unsigned long)i * PAGE_SIZE) == pages[i];
	scen_expect(ctx, mapped, "the parent still maps the registered pages (no COW away)");

	scen_step(ctx, "write_fixed: a bio from the registered pages to /dev/ram0");
	for (i = 0; i < R23_PAGES; i++) {
		bv[i].bv_page = pages[i];
		bv[i].bv_offset = 0;
		bv[i].bv_len = PAGE_SIZE;
	}
	iov_iter_bvec(&iter, ITER_SOURCE, bv, R23_PAGES, R23_LEN);
	bio = bio_alloc(bdev, 0, REQ_OP_WRITE, 0);
	if (!bio) {
		scen_expect(ctx, false, "bio_alloc()");
		goto out_unpin;
	}
	bio->bi_iter.bi_sector = 0;
	scen_expect_eq(ctx, bio_iov_iter_get_pages(bio, &iter), 0, "the bio borrows the bvecs");
	scen_expect_eq(ctx, submit_bio_wait(bio), 0, "submit_bio_wait()");
	bio_put(bio);
	scen_expect(ctx, scen_disk_is(ctx, fd, 0, 0xff, R23_LEN),
		    "the disk equals the parent's mapping (0xff)");
	sim_task_switch(child);
	scen_expect(ctx, scen_user_is(buf, 'A', R23_LEN), "the child still reads 'A'");
	sim_task_switch(parent);

out_unpin:
	scen_step(ctx, "unregister (unpin), the child exits");
	unpin_user_pages(pages, R23_PAGES);
	scen_counter(ctx, "pins(B[0])", scen_pins(pages[0]));
out:
	if (child)
		sim_task_exit(child);
	if (bdev)
		blkdev_put(bdev);
	if (fd >= 0)
		sim_close(fd);
	scen_munmap(ctx, buf, R23_LEN);
	sim_disk_destroy("ram0");
	scen_shutdown(ctx);
	return 0;
}
