/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz/bio/fuzz_bio.h - private to fuzz_bio: the fuzzer's state (user
 * pages, bios and their model tables, folio baselines) and the checks of
 * fuzz/bio/check.c. See fuzz/fuzz_bio.c for what the fuzzer does.
 */
#ifndef PINIO_FUZZ_BIO_H
#define PINIO_FUZZ_BIO_H

#include <stdbool.h>

#include <pinio/bio.h>
#include <pinio/blkdev.h>

#define FB_UPAGES	8
#define FB_POOL_ORDER	2
#define FB_POOL_PAGES	(1U << FB_POOL_ORDER)
#define FB_BIOS		6
#define FB_VECS		16
#define FB_OPS_MAX	80
#define FB_WALK_MAX	4096

struct fb_bio {
	struct bio *bio;
	int parent;			/* clones and splits: the owner's slot */
	bool clone;
	bool exact;			/* model[] predicts the bvec table */
	bool hw_only;			/* every page came through bio_add_pc_page() */
	unsigned short nr;
	unsigned int done;		/* bytes bio_advance()d or split off */
	struct bio_vec model[FB_VECS];
	struct bio_vec borrowed[4];	/* a BVEC iterator's array the bio borrows */
};

/* A page-sized step of a segment walk: where the bytes are. */
struct fb_step {
	struct page *page;
	unsigned int off, len;
};

struct fb_state {
	unsigned long ubase;
	bool untouched_last;
	struct folio *pool;
	struct request_queue q;
	struct block_device bdev;
	struct fb_bio b[FB_BIOS];
	/* Baselines: user pages' folios, the zero page, the pool. */
	struct folio *folio[FB_UPAGES + 2 + SIM_MAX_ZERO_PAGES];
	int base[FB_UPAGES + 2 + SIM_MAX_ZERO_PAGES];
	unsigned int nfolios;
	unsigned int op;
	struct fb_step walk_a[FB_WALK_MAX], walk_b[FB_WALK_MAX];
};

extern struct fb_state fb_st;

/* Print what differed (profile, op number) and abort. */
void __attribute__((format(printf, 1, 2), noreturn)) fb_fail(const char *fmt, ...);
#define FB_CHECK(cond, ...)	do { if (!(cond)) fb_fail(__VA_ARGS__); } while (0)

struct page *fb_user_page(unsigned int k);

/* The ledger (R-BIO-3, R-BIO-6) and the bvec table against the model. */
void fb_track(struct folio *folio);
void fb_check_ledger(void);
void fb_check_table(unsigned int i);
void fb_check_hw_limits(unsigned int i);

/* Page-granular walks of what a bio's bi_iter covers. */
unsigned int fb_walk(struct bio *bio, struct fb_step *w);
bool fb_walk_has(const struct fb_step *a, unsigned int na, size_t skip,
		 const struct fb_step *b, unsigned int nb);

/* Acquiring and dropping a user page the way a cleanup mode says. */
struct page *fb_acquire_user(unsigned int k, enum bio_page_mode mode, bool write);
void fb_drop(struct page *page, enum bio_page_mode mode);

/* The model of bio_add_page() (R-BIO-5, R-BIO-9). */
unsigned int fb_model_add(struct fb_bio *b, struct page *page, unsigned int len,
			  unsigned int off, bool *merged, bool *same_page);
unsigned int fb_occurrences(struct bio *bio, struct page *page);

#endif /* PINIO_FUZZ_BIO_H */
