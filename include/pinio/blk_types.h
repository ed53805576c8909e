/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinio/blk_types.h - struct bio, its flags and the request op encoding
 * (include/linux/blk_types.h).
 *
 * The bio flag bits of all three profiles live in one enum: v6.5 uses only
 * BIO_PAGE_PINNED; the v21 series adds BIO_PAGE_REFFED (never together with
 * PINNED); v6.4 uses BIO_NO_PAGE_REF with the opposite meaning ("don't put
 * the pages"). The bit numbers are the simulation's, not any one kernel's.
 */
#ifndef PINIO_BLK_TYPES_H
#define PINIO_BLK_TYPES_H

#include <pinio/bvec.h>

struct bio;
struct bio_set;
struct block_device;

typedef void (bio_end_io_t)(struct bio *);

typedef unsigned char blk_status_t;
#define BLK_STS_OK		0
#define BLK_STS_NOTSUPP		1
#define BLK_STS_TIMEOUT		2
#define BLK_STS_NOSPC		3
#define BLK_STS_TRANSPORT	4
#define BLK_STS_TARGET		5
#define BLK_STS_RESV_CONFLICT	6
#define BLK_STS_MEDIUM		7
#define BLK_STS_PROTECTION	8
#define BLK_STS_RESOURCE	9
#define BLK_STS_IOERR		10
#define BLK_STS_AGAIN		12

int blk_status_to_errno(blk_status_t status);
blk_status_t errno_to_blk_status(int errno_val);

typedef unsigned int blk_opf_t;

enum req_op {
	REQ_OP_READ		= 0,
	REQ_OP_WRITE		= 1,
	REQ_OP_FLUSH		= 2,
	REQ_OP_DISCARD		= 3,
	REQ_OP_WRITE_ZEROES	= 9,
	REQ_OP_ZONE_APPEND	= 13,
	REQ_OP_DRV_IN		= 34,
	REQ_OP_DRV_OUT		= 35,
	REQ_OP_LAST		= 36,
};

#define REQ_OP_BITS	8
#define REQ_OP_MASK	((1U << REQ_OP_BITS) - 1)

enum req_flag_bits {
	__REQ_FAILFAST_DEV = REQ_OP_BITS,
	__REQ_SYNC,
	__REQ_META,
	__REQ_PRIO,
	__REQ_NOMERGE,
	__REQ_IDLE,
	__REQ_FUA,
	__REQ_PREFLUSH,
	__REQ_RAHEAD,
	__REQ_BACKGROUND,
	__REQ_NOWAIT,
	__REQ_POLLED,
	__REQ_ALLOC_CACHE,
	__REQ_NR_BITS,
};

#define REQ_FAILFAST_DEV	(1U << __REQ_FAILFAST_DEV)
#define REQ_SYNC		(1U << __REQ_SYNC)
#define REQ_META		(1U << __REQ_META)
#define REQ_PRIO		(1U << __REQ_PRIO)
#define REQ_NOMERGE		(1U << __REQ_NOMERGE)
#define REQ_IDLE		(1U << __REQ_IDLE)
#define REQ_FUA			(1U << __REQ_FUA)
#define REQ_PREFLUSH		(1U << __REQ_PREFLUSH)
#define REQ_RAHEAD		(1U << __REQ_RAHEAD)
#define REQ_BACKGROUND		(1U << __REQ_BACKGROUND)
#define REQ_NOWAIT		(1U << __REQ_NOWAIT)
#define REQ_POLLED		(1U << __REQ_POLLED)
#define REQ_ALLOC_CACHE		(1U << __REQ_ALLOC_CACHE)

static inline enum req_op bio_op_of(blk_opf_t opf) { return (enum req_op)(opf & REQ_OP_MASK); }
/* Odd ops transfer data to the device (WRITE, DRV_OUT, ZONE_APPEND...). */
static inline bool op_is_write(blk_opf_t op) { return op & 1; }

/* bio->bi_flags bits. */
enum {
	BIO_PAGE_PINNED,	/* unpin pages in bio_release_pages() (v21, v6.5+) */
	BIO_PAGE_REFFED,	/* put pages in bio_release_pages() (v21 only) */
	BIO_NO_PAGE_REF,	/* v6.4: don't put the pages (set: no cleanup) */
	BIO_CLONED,		/* doesn't own its data: never releases pages */
	BIO_BOUNCED,
	BIO_QUIET,
	BIO_CHAIN,		/* chained: __bi_remaining counts */
	BIO_REFFED,		/* the bio's own refcount (__bi_cnt) is in use */
	BIO_SIM_ENDED,		/* simulation: bi_end_io ran; a second bio_endio() is a violation */
	BIO_FLAG_LAST
};

/**
 * struct bio - one block I/O: a device address and a list of memory runs.
 * @bi_next: request queue link.
 * @bi_bdev: target device.
 * @bi_opf: REQ_OP_* | REQ_* flags.
 * @bi_flags: BIO_* bits.
 * @bi_status: BLK_STS_* result, set before bi_end_io runs.
 * @__bi_remaining: completions outstanding (chained bios).
 * @bi_iter: where the I/O stands (sector, residual size, bvec index).
 * @bi_end_io: completion callback.
 * @bi_private: owner's data.
 * @bi_vcnt: bvecs in use.
 * @bi_max_vecs: bvecs available.
 * @__bi_cnt: references on the bio itself.
 * @bi_io_vec: the bvec table (inline, allocated, or borrowed).
 * @bi_pool: bio_set it came from (NULL: bio_kmalloc()).
 * @bi_id: the simulation's serial number, for traces and reports.
 * @bi_inline_vecs: BIO_INLINE_VECS bvecs when allocated with them.
 */
struct bio {
	struct bio *bi_next;
	struct block_device *bi_bdev;
	blk_opf_t bi_opf;
	unsigned short bi_flags;
	unsigned short bi_ioprio;
	blk_status_t bi_status;
	atomic_t __bi_remaining;
	struct bvec_iter bi_iter;
	bio_end_io_t *bi_end_io;
	void *bi_private;
	unsigned short bi_vcnt;
	unsigned short bi_max_vecs;
	atomic_t __bi_cnt;
	struct bio_vec *bi_io_vec;
	struct bio_set *bi_pool;
	unsigned long bi_id;
	struct bio_vec bi_inline_vecs[];
};

#define BIO_MAX_VECS		256U
#define BIO_INLINE_VECS		4U

static inline bool bio_flagged(const struct bio *bio, unsigned int bit)
{
	return bio->bi_flags & (1U << bit);
}

static inline void bio_set_flag(struct bio *bio, unsigned int bit)
{
	bio->bi_flags |= (unsigned short)(1U << bit);
}

static inline void bio_clear_flag(struct bio *bio, unsigned int bit)
{
	bio->bi_flags &= (unsigned short)~(1U << bit);
}

static inline enum req_op bio_op(const struct bio *bio)
{
	return bio_op_of(bio->bi_opf);
}

#endif /* PINIO_BLK_TYPES_H */
