// SPDX-License-Identifier: GPL-2.0
/*
 * R16, kernel iterators are not pinned (scenarios.md §6; the series'
 * patches 3-5: "iov_iter: Define flags to qualify page extraction",
 * "block: Replace BIO_NO_PAGE_REF with BIO_PAGE_REFFED ...", "block: Use
 * iov_iter_extract_pages() and page pinning in direct-io.c").
 *
 * Memory the kernel owns - here test folios - goes to a `ram` disk through
 * bio_iov_iter_get_pages() from a BVEC iterator (a write; the bio borrows
 * the bvec array) and from a KVEC iterator (a read back). The caller's own
 * references keep the pages alive, so the bio must take nothing: mode
 * NONE, no pin, no reference on submit, none dropped on completion.
 * A hook on the disk looks at the pages while the driver has each bio.
 * v6.4: a BVEC bio is BIO_NO_PAGE_REF (no reference either), but
 * iov_iter_get_pages2() cannot take pages from a KVEC at all (-EFAULT):
 * the series' iov_iter_extract_pages() is what made KVEC I/O possible.
 */
#include <string.h>

#include "sim/scenarios/scen.h"

struct r16_seen {
	struct folio *f[3];
	long refs[3];
	enum bio_page_mode mode;
	int bios;
};

static void r16_hook(const struct bio *bio, void *arg)
{
	struct r16_seen *s = arg;
	int i;

	s->bios++;
	s->mode = bio_page_mode(bio);
	for (i = 0; i < 3; i++)
		s->refs[i] = folio_ref_count(s->f[i]);
}

static const char *const r16_modes[] = { "NONE", "PINNED", "REFFED" };

/* Build a bio from @iter, submit it and wait: 0 or an error, with checks. */
static int r16_io(struct sim_scenario_ctx *ctx, struct block_device *bdev, struct iov_iter *iter,
		  blk_opf_t op, struct r16_seen *seen)
{
	unsigned long acq = sim_vmstat("nr_foll_pin_acquired");
	long refs[3];
	struct bio *bio;
	int i, ret;

	for (i = 0; i < 3; i++)
		refs[i] = folio_ref_count(seen->f[i]);
	bio = bio_alloc(bdev, (unsigned short)bio_iov_vecs_to_alloc(iter, BIO_MAX_VECS), op, 0);
	if (!bio)
		return scen_expect(ctx, false, "bio_alloc()") ? 0 : -ENOMEM;
	bio->bi_iter.bi_sector = 0;
	ret = bio_iov_iter_get_pages(bio, iter);
	if (!scen_expect_eq(ctx, ret, 0, "bio_iov_iter_get_pages()")) {
		bio_put(bio);
		return ret;
	}
	scen_note(ctx, "bio: %u bytes, %u bvec(s), mode %s", bio->bi_iter.bi_size, bio->bi_vcnt,
		  r16_modes[bio_page_mode(bio)]);
	scen_expect(ctx, bio_page_mode(bio) == BIO_PAGE_MODE_NONE, "cleanup mode NONE");
	ret = submit_bio_wait(bio);
	scen_expect_eq(ctx, ret, 0, "submit_bio_wait()");
	scen_expect_eq(ctx, seen->mode, BIO_PAGE_MODE_NONE, "the driver saw mode NONE");
	for (i = 0; i < 3; i++)
		if (seen->refs[i] != refs[i])
			break;
	scen_expect(ctx, i == 3, "no reference taken: the refcounts the driver saw are the caller's");
	bio_release_pages(bio, op == REQ_OP_READ);
	bio_put(bio);
	for (i = 0; i < 3; i++)
		if (folio_ref_count(seen->f[i]) != refs[i])
			break;
	scen_expect(ctx, i == 3, "no reference dropped at completion");
	scen_expect_eq(ctx, (long)(sim_vmstat("nr_foll_pin_acquired") - acq), 0, "no pin");
	return ret;
}

/**
 * scen_r16_kernel_iterators() - run R16, kernel iterators are not pinned.
 * @ctx: the running scenario: its profile, narration and checks
 *	(sim_scenario_run() prepares it and calls this through the table).
 *
 * Boots its own machine, drives the steps the file's header describes,
 * records every expectation in @ctx and shuts the machine down.
 *
 * Return: 0 once it has run (the verdict is in @ctx), or the -errno of a
 * set-up that failed before any step (the boot).
 */
int scen_r16_kernel_iterators(struct sim_scenario_ctx *ctx)
{
	struct r16_seen seen = { .bios = 0 };
	struct block_device *bdev = NULL;
	struct bio_vec bv[2];
	struct kvec kv;
	struct iov_iter iter;
	int i, err;

	err = scen_boot(ctx, NULL);
	if (err)
		return err;
	if (scen_ramdisk(ctx, "ram0", 1UL << 20, 512))
		goto out;
	bdev = blkdev_get_by_name("ram0");
	if (IS_ERR_OR_NULL(bdev)) {
		scen_expect(ctx, false, "blkdev_get_by_name(ram0)");
		bdev = NULL;
		goto out;
	}

	scen_step(ctx, "three kernel folios: K0, K1 hold 'K', R will receive the read");
	for (i = 0; i < 3; i++) {
		seen.f[i] = folio_alloc_owner(GFP_KERNEL, 0, OWNER_TEST);
		if (!seen.f[i]) {
			scen_expect(ctx, false, "folio %d", i);
			goto out;
		}
		memset(folio_address(seen.f[i]), i < 2 ? 'K' : 'r', PAGE_SIZE);
	}
	scen_counter(ctx, "ref(K0)", folio_ref_count(seen.f[0]));
	scen_counter(ctx, "ref(K1)", folio_ref_count(seen.f[1]));
	sim_disk_set_bio_hook("ram0", r16_hook, &seen);

	scen_step(ctx, "BVEC write of K0, K1 (the bio borrows the bvec array)");
	bv[0].bv_page = &seen.f[0]->page;
	bv[1].bv_page = &seen.f[1]->page;
	bv[0].bv_offset = bv[1].bv_offset = 0;
	bv[0].bv_len = bv[1].bv_len = PAGE_SIZE;
	iov_iter_bvec(&iter, ITER_SOURCE, bv, 2, 2 * PAGE_SIZE);
	r16_io(ctx, bdev, &iter, REQ_OP_WRITE, &seen);
	scen_counter(ctx, "ref(K0)", folio_ref_count(seen.f[0]));
	scen_counter(ctx, "ref(K1)", folio_ref_count(seen.f[1]));

	scen_step(ctx, "KVEC read of the first 4 KiB into R (kernel virtual address)");
	kv.iov_base = folio_address(seen.f[2]);
	kv.iov_len = PAGE_SIZE;
	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, PAGE_SIZE);
	scen_counter(ctx, "ref(R)", folio_ref_count(seen.f[2]));
	if (scen_v64(ctx)) {
		struct bio *bio = bio_alloc(bdev, 1, REQ_OP_READ, 0);

		if (!bio)
			goto out;
		scen_expect_eq(ctx, bio_iov_iter_get_pages(bio, &iter), -EFAULT,
			       "v6.4: iov_iter_get_pages2() refuses a KVEC");
		bio_put(bio);
		scen_counter(ctx, "ref(R)", folio_ref_count(seen.f[2]));
		scen_expect_eq(ctx, seen.bios, 1, "bios the driver received");
		goto out;
	}
	r16_io(ctx, bdev, &iter, REQ_OP_READ, &seen);
	scen_counter(ctx, "ref(R)", folio_ref_count(seen.f[2]));
	scen_expect(ctx, scen_mem_is(folio_address(seen.f[2]), 'K', PAGE_SIZE),
		    "R holds the bytes written from K0");
	scen_expect_eq(ctx, seen.bios, 2, "bios the driver received");

out:
	sim_disk_set_bio_hook("ram0", NULL, NULL);
	for (i = 0; i < 3; i++)
		if (seen.f[i])
			folio_put(seen.f[i]);
	if (bdev)
		blkdev_put(bdev);
	sim_disk_destroy("ram0");
	scen_shutdown(ctx);
	return 0;
}
