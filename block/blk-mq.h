/* SPDX-License-Identifier: GPL-2.0 */
/*
 * block/blk-mq.h - blk-map internals that tests reach (the kernel keeps
 * bio_map_user_iov() and bio_copy_user_iov() static in block/blk-map.c).
 */
#ifndef PINIO_BLOCK_BLK_MQ_H
#define PINIO_BLOCK_BLK_MQ_H

#include <pinio/blk-mq.h>

/*
 * Test knob: bio_map_user_iov() as v6.5 shipped it, dropping the extra pin
 * of a same-page merge only when bio_add_hw_page() fails (which never
 * reports same_page), so a successful same-page merge leaks one pin
 * (R-BUG-6, EDGE-16). false (the default): the v6.6 fix 5905afc2c7bb,
 * backported to stable, drops it after the successful merge. A test that
 * sets it must restore it and unpin the leaked page itself.
 */
extern bool blk_map_v65_same_page_leak;

/* Bios that blk_rq_map_user_iov()'s error path unmapped, since boot. */
extern atomic_long_t blk_map_nr_unwound;

/* Is @bio a bounce copy (bi_private holds its struct bio_map_data)? */
static inline bool blk_map_bio_is_copy(const struct bio *bio)
{
	return bio->bi_private != NULL;
}

int bio_map_user_iov(struct request *rq, struct iov_iter *iter, unsigned int gfp_mask);
int bio_copy_user_iov(struct request *rq, struct rq_map_data *map_data, struct iov_iter *iter,
		      unsigned int gfp_mask);

#endif /* PINIO_BLOCK_BLK_MQ_H */
