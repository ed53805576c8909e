// SPDX-License-Identifier: GPL-2.0
/*
 * R17, mode mixing (scenarios.md §6; Christoph Hellwig in the series'
 * thread): a bio's cleanup mode says how *every* page in it was acquired,
 * and bio_release_pages() releases them all the same way. A page taken
 * another way must not join: unpinning a page that only holds a reference
 * subtracts 1024 from it (and frees it under the caller), putting a pinned
 * one leaves 1023 behind.
 *
 * sim_bio_add_page_mode() checks the rule on the real bio code:
 *   v6.5, v21: a PINNED bio refuses a referenced page and a page claimed
 *     pinned that is not; a bio with no mode refuses a pinned page (v21:
 *     a REFFED bio too). v6.5 never pins the zero page, which joins a
 *     PINNED bio as neutral; v21 still pins it, so it joins pinned.
 *   v6.4: a bio is REFFED unless BIO_NO_PAGE_REF; pinned pages do not
 *     exist for it, so a page claimed pinned is refused.
 * Expect -EINVAL with the bio unchanged for each refusal, and every pin
 * and reference released exactly once at completion.
 */
#include "sim/scenarios/scen.h"

static const char *const r17_modes[] = { "NONE", "PINNED", "REFFED" };

/* Try to add @page claimed as @mode; expect @want; the bio unchanged on refusal. */
static void r17_try(struct sim_scenario_ctx *ctx, struct bio *bio, struct page *page,
		    unsigned int len, enum bio_page_mode mode, int want, const char *what)
{
	unsigned short vcnt = bio->bi_vcnt;
	unsigned int size = bio->bi_iter.bi_size;
	int ret = sim_bio_add_page_mode(bio, page, len, 0, mode);

	scen_expect_eq(ctx, ret, want, "%s bio + %s claimed %s", r17_modes[bio_page_mode(bio)],
		       what, r17_modes[mode]);
	if (want < 0)
		scen_expect(ctx, bio->bi_vcnt == vcnt && bio->bi_iter.bi_size == size,
			    "the bio is unchanged");
}

/**
 * scen_r17_mode_mixing() - run R17, mode mixing.
 * @ctx: the running scenario: its profile, narration and checks
 *	(sim_scenario_run() prepares it and calls this through the table).
 *
 * Boots its own machine, drives the steps the file's header describes,
 * records every expectation in @ctx and shuts the machine down.
 *
 * Return: 0 once it has run (the verdict is in @ctx), or the -errno of a
 * set-up that failed before any step (the boot).
 */
int scen_r17_mode_mixing(struct sim_scenario_ctx *ctx)
{
	struct page *s0 = NULL, *s1;
	struct bio *bio = NULL, *plain = NULL;
	unsigned long buf = 0;
	long base1;
	int err;

	err = scen_boot(ctx, NULL);
	if (err)
		return err;
	buf = scen_mmap_small(ctx, 3 * PAGE_SIZE);
	if (!buf || !scen_fill(ctx, buf, '7', 2 * PAGE_SIZE))
		goto out;
	s1 = scen_page(buf + PAGE_SIZE);
	base1 = scen_refs(s1);

	if (scen_v64(ctx)) {
		scen_step(ctx, "v6.4: a bio without BIO_NO_PAGE_REF is REFFED; S1 get_page()'d");
		bio = bio_alloc(NULL, 4, REQ_OP_WRITE, 0);
		if (!bio)
			goto out;
		get_page(s1);
		r17_try(ctx, bio, s1, PAGE_SIZE, BIO_PAGE_MODE_REFFED, PAGE_SIZE, "referenced S1");
		scen_step(ctx, "pin S0 and try to add it");
		if (!scen_expect_eq(ctx, pin_user_pages_fast(buf, 1, 0, &s0), 1, "S0 pinned"))
			goto out;
		r17_try(ctx, bio, s0, PAGE_SIZE, BIO_PAGE_MODE_PINNED, -EINVAL, "pinned S0");
		unpin_user_page(s0);
		scen_step(ctx, "completion: bio_release_pages() puts S1 once");
		bio_release_pages(bio, false);
		bio_put(bio);
		bio = NULL;
		scen_expect_eq(ctx, scen_refs(s1), base1, "ref(S1) back to its base");
		goto out;
	}

	scen_step(ctx, "a PINNED bio with S0 pinned in it");
	bio = bio_alloc(NULL, 4, REQ_OP_WRITE, 0);
	if (!bio || !scen_expect_eq(ctx, pin_user_pages_fast(buf, 1, 0, &s0), 1, "S0 pinned"))
		goto out;
	bio_set_flag(bio, BIO_PAGE_PINNED);
	r17_try(ctx, bio, s0, 2048, BIO_PAGE_MODE_PINNED, 2048, "pinned S0");

	scen_step(ctx, "S1 with a plain reference (get_page)");
	get_page(s1);
	scen_counter(ctx, "ref(S1)", scen_refs(s1));
	r17_try(ctx, bio, s1, PAGE_SIZE, BIO_PAGE_MODE_REFFED, -EINVAL, "referenced S1");
	r17_try(ctx, bio, s1, PAGE_SIZE, BIO_PAGE_MODE_PINNED, -EINVAL, "unpinned S1");
	put_page(s1);
	scen_counter(ctx, "ref(S1)", scen_refs(s1));

	if (scen_pins_zero_page(ctx)) {
		struct page *z = NULL;

		scen_step(ctx, "v21 pins the zero page like any page: pin an untouched address");
		scen_expect_eq(ctx, pin_user_pages_fast(buf + 2 * PAGE_SIZE, 1, 0, &z), 1,
			       "pinned");
		scen_counter(ctx, "ref(Z)", page_ref_count(ZERO_PAGE(0)));
		if (z)
			r17_try(ctx, bio, z, 512, BIO_PAGE_MODE_PINNED, 512, "the pinned zero page");
	} else {
		scen_step(ctx, "the zero page, neither pinned nor referenced");
		scen_counter(ctx, "ref(Z)", page_ref_count(ZERO_PAGE(0)));
		r17_try(ctx, bio, ZERO_PAGE(0), 512, BIO_PAGE_MODE_NONE, 512, "the zero page");
	}

	scen_step(ctx, "a bio with no mode (kernel memory) and the pinned S0");
	plain = bio_alloc(NULL, 4, REQ_OP_WRITE, 0);
	if (!plain)
		goto out;
	r17_try(ctx, plain, s0, 512, BIO_PAGE_MODE_PINNED, -EINVAL, "pinned S0");
	if (ctx->profile == SIM_PROFILE_V21) {
		scen_step(ctx, "v21 also has REFFED bios: one refuses the pinned S0");
		bio_set_flag(plain, BIO_PAGE_REFFED);
		r17_try(ctx, plain, s0, 512, BIO_PAGE_MODE_PINNED, -EINVAL, "pinned S0");
	}
	bio_put(plain);
	plain = NULL;

	scen_step(ctx, "completion: bio_release_pages() unpins S0 once, and the zero page%s",
		  scen_pins_zero_page(ctx) ? " once" : " not at all (no-op)");
	scen_counter(ctx, "pins(S0)", scen_pins(s0));
	bio_release_pages(bio, false);
	bio_put(bio);
	bio = NULL;
	scen_counter(ctx, "pins(S0)", scen_pins(s0));
	scen_counter(ctx, "ref(Z)", page_ref_count(ZERO_PAGE(0)));
	scen_expect_eq(ctx, scen_pins(s0), 0, "S0 unpinned");
	scen_expect_eq(ctx, page_ref_count(ZERO_PAGE(0)), 1, "ref(Z) back to 1");

out:
	if (plain)
		bio_put(plain);
	/* An early exit (an injected allocation failure): drop what the bio holds. */
	if (bio) {
		bio_release_pages(bio, false);
		bio_put(bio);
	}
	scen_munmap(ctx, buf, 3 * PAGE_SIZE);
	scen_shutdown(ctx);
	return 0;
}
