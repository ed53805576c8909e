// SPDX-License-Identifier: GPL-2.0
/*
 * block/blk-core.c - submitting bios: the checks, splitting to the queue
 * limits, per-disk in-flight accounting and submit_bio_wait().
 *
 * Models block/blk-core.c (submit_bio, submit_bio_noacct with its
 * per-thread bio list that turns recursion into iteration, the end-of-
 * device check), block/blk-merge.c's bio_split_to_limits() for reads and
 * writes (max sectors, segment count, segment size, segment boundary,
 * virtual boundary; each front piece is a clone chained to the original;
 * submission cuts all the pieces of a bio before the driver sees the
 * first), and block/bio.c's submit_bio_wait(). Added: the
 * logical-block alignment check that later kernels make, in-flight counts
 * per disk for draining, and a few counters (sim_blk_stat()). The
 * blk_status_t <-> errno tables are here, as in the kernel.
 * Left out: blk-mq, plugging, cgroups, throttling, integrity, zoned
 * devices, polling, the write-cache flags (drivers decide what a flush
 * means).
 */
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <pinio/blkdev.h>
#include <pinio/sim.h>
#include "block/sim_tstat.h"

enum {
	BS_SUBMITTED,	/* bios through submit_bio_noacct() */
	BS_SPLIT,	/* front pieces split off */
	BS_REJECTED,	/* failed by the checks */
	NR_BLK_STATS,
};

/* Per-thread (block/sim_tstat.h): one moves on every bio. */
static struct sim_tstat blk_stats = SIM_TSTAT_INIT(blk_stats, NR_BLK_STATS);
static __thread long *blk_stats_this;

static inline void blk_stat_inc(unsigned int i)
{
	sim_tstat_add(&blk_stats, &blk_stats_this, i, 1);
}

/* ---- in-flight accounting -------------------------------------------- */

/**
 * disk_io_done() - a driver finished one bio it got through ->submit_bio.
 * @disk: the bio's disk, read before the bio was completed.
 *
 * submit_bio_noacct() counts a bio in @disk->inflight before handing it
 * to the driver; the driver calls this once per such bio, after its
 * bio_endio() has returned, and touches @disk no more: blk_drain_disk()
 * may return, and a deleted disk be freed, as soon as the count reaches 0.
 * So a drained disk has no completion running either. (The kernel's
 * bio_end_io_acct() comes before bio_endio(); the order here makes
 * teardown safe without a queue reference.)
 */
void disk_io_done(struct gendisk *disk)
{
	int left = atomic_dec_return(&disk->inflight);

	WARN_ON_ONCE(left < 0);
}

/**
 * blk_drain_disk() - wait until @disk has no I/O in flight.
 * @disk: the disk.
 *
 * I/O submitted meanwhile is waited for too; del_gendisk() stops new I/O
 * first so the wait ends.
 *
 * Context: may sleep; never from a completion of @disk's I/O.
 */
void blk_drain_disk(struct gendisk *disk)
{
	struct timespec ts = { 0, 20000 };

	while (__atomic_load_n(&disk->inflight.counter, __ATOMIC_ACQUIRE) > 0)
		nanosleep(&ts, NULL);
}

/* ---- splitting --------------------------------------------------------- */

static bool bio_is_passthrough(const struct bio *bio)
{
	return bio_op(bio) == REQ_OP_DRV_IN || bio_op(bio) == REQ_OP_DRV_OUT;
}

/*
 * Bytes one piece may carry: max_sectors (max_hw_sectors for passthrough),
 * ending on a physical block boundary when that leaves something, always
 * whole logical blocks.
 */
static unsigned int max_io_bytes(const struct queue_limits *lim, const struct bio *bio)
{
	unsigned int max_sectors = bio_is_passthrough(bio) ? lim->max_hw_sectors
							   : lim->max_sectors;
	unsigned int pbs = lim->physical_block_size >> SECTOR_SHIFT;
	unsigned int lbs = lim->logical_block_size >> SECTOR_SHIFT;
	unsigned int start = (unsigned int)(bio->bi_iter.bi_sector & (pbs - 1));
	unsigned int end = start + max_sectors;

	if (end > pbs) {
		unsigned int aligned_end = ALIGN_DOWN(end, pbs);

		if (aligned_end > start)
			return (aligned_end - start) << SECTOR_SHIFT;
	}
	return ALIGN_DOWN(max_sectors, lbs) << SECTOR_SHIFT;
}

/* Would a segment starting at @offset leave a gap after @prv (virt_boundary)? */
static bool bvec_gap_to_prev(const struct queue_limits *lim, const struct bio_vec *prv,
			     unsigned int offset)
{
	if (!lim->virt_boundary_mask)
		return false;
	return (offset & lim->virt_boundary_mask) ||
	       ((prv->bv_offset + prv->bv_len) & lim->virt_boundary_mask);
}

/* Longest segment starting at physical address @phys. */
static unsigned int max_segment_at(const struct queue_limits *lim, unsigned long phys)
{
	unsigned long mask = lim->seg_boundary_mask;
	unsigned long to_boundary = mask - (phys & mask) + 1;

	if (!to_boundary)	/* mask of all ones */
		return lim->max_segment_size;
	return (unsigned int)min_t(unsigned long, to_boundary, lim->max_segment_size);
}

/*
 * Count the segments of a (multi-page) bvec into *nsegs and its bytes into
 * *bytes, stopping at the limits. True if it did not fit whole.
 */
static bool bvec_split_segs(const struct queue_limits *lim, const struct bio_vec *bv,
			    unsigned int *nsegs, unsigned int *bytes,
			    unsigned int max_segs, unsigned int max_bytes)
{
	unsigned int room = max_bytes - *bytes;
	unsigned int len = min(bv->bv_len, room);
	unsigned int total = 0;
	unsigned long phys = (page_to_pfn(bv->bv_page) << PAGE_SHIFT) + bv->bv_offset;

	while (len && *nsegs < max_segs) {
		unsigned int seg = min(max_segment_at(lim, phys + total), len);

		(*nsegs)++;
		total += seg;
		len -= seg;
	}
	*bytes += total;
	return len > 0 || bv->bv_len > room;
}

/*
 * Where must @bio be split? Returns the bytes of the front piece, 0 if the
 * whole bio fits, or -EINVAL if not even one logical block fits.
 */
static long split_point(const struct queue_limits *lim, struct bio *bio)
{
	unsigned int max_bytes = max_io_bytes(lim, bio);
	unsigned int max_segs = lim->max_segments;
	unsigned int nsegs = 0, bytes = 0;
	struct bio_vec bv, bvprv = { 0 };
	struct bvec_iter iter;
	bool have_prv = false;

	/*
	 * One bvec within one page, which is all the iterator covers: the
	 * loop below would count one segment and split only if it is larger
	 * than max_bytes. Answer that directly (the 4 KiB I/O's case; the
	 * kernel's bio_may_exceed_limits() shortcut).
	 */
	if (bio->bi_vcnt == 1 && bio->bi_iter.bi_idx == 0 && max_segs) {
		const struct bio_vec *v = bio->bi_io_vec;

		if (v->bv_offset + v->bv_len <= PAGE_SIZE &&
		    bio->bi_iter.bi_size <= v->bv_len - bio->bi_iter.bi_bvec_done &&
		    bio->bi_iter.bi_size <= max_bytes)
			return 0;
	}
	bio_for_each_bvec(bv, bio, iter) {
		if (have_prv && bvec_gap_to_prev(lim, &bvprv, bv.bv_offset))
			goto split;
		if (nsegs < max_segs && bytes + bv.bv_len <= max_bytes &&
		    bv.bv_offset + bv.bv_len <= PAGE_SIZE) {
			nsegs++;
			bytes += bv.bv_len;
		} else if (bvec_split_segs(lim, &bv, &nsegs, &bytes, max_segs, max_bytes)) {
			goto split;
		}
		bvprv = bv;
		have_prv = true;
	}
	return 0;
split:
	bytes = ALIGN_DOWN(bytes, lim->logical_block_size);
	return bytes ? (long)bytes : -EINVAL;
}

/*
 * Split the front off @bio if it breaks the limits. Returns the piece to
 * hand to the driver (@bio itself when it fits) and sets *@rest to the
 * advanced remainder, or NULL. Returns NULL, @bio completed with an error,
 * if it cannot be split.
 */
static struct bio *__bio_split_to_limits(struct bio *bio, struct bio **rest)
{
	const struct queue_limits *lim = &bdev_get_queue(bio->bi_bdev)->limits;
	struct bio *split;
	long bytes;

	*rest = NULL;
	switch (bio_op(bio)) {
	case REQ_OP_READ:
	case REQ_OP_WRITE:
	case REQ_OP_DRV_IN:
	case REQ_OP_DRV_OUT:
		break;
	default:
		return bio;
	}
	bytes = split_point(lim, bio);
	if (!bytes)
		return bio;
	if (bytes < 0) {
		bio_io_error(bio);
		return NULL;
	}
	split = bio_split(bio, (int)(bytes >> SECTOR_SHIFT), 0, NULL);
	if (IS_ERR_OR_NULL(split)) {
		bio->bi_status = BLK_STS_RESOURCE;
		bio_endio(bio);
		return NULL;
	}
	blk_stat_inc(BS_SPLIT);
	bio_chain(split, bio);
	*rest = bio;
	return split;
}

/**
 * bio_split_to_limits() - cut the front off @bio if it breaks the queue limits.
 * @bio: a read, write or passthrough bio for @bio->bi_bdev's queue.
 *
 * If @bio fits (max_sectors, or max_hw_sectors for passthrough;
 * max_segments; max_segment_size; seg_boundary_mask; virt_boundary_mask)
 * it is returned as is. Otherwise a clone covering the largest front that
 * fits, in whole logical blocks, is split off with bio_split() and
 * chained to @bio (bio_chain(), so @bio completes once, after every
 * piece), @bio is advanced past it and resubmitted with
 * submit_bio_noacct(), and the clone is returned. The clone owns no pages.
 *
 * Return: the bio to hand to the driver now, or NULL if @bio was
 * completed instead: BLK_STS_IOERR when no logical block fits in one
 * piece, BLK_STS_RESOURCE when the split could not be allocated.
 */
struct bio *bio_split_to_limits(struct bio *bio)
{
	struct bio *rest, *split = __bio_split_to_limits(bio, &rest);

	if (split && rest)
		submit_bio_noacct(rest);
	return split;
}

/* ---- submission --------------------------------------------------------- */

/*
 * The bios submitted while this thread is already inside
 * submit_bio_noacct() (a split's remainder, or a bio submitted from a
 * completion that ran inline) wait here, so that submission never
 * recurses (the kernel's current->bio_list).
 */
struct bio_list {
	struct bio *head, *tail;
};

static __thread struct bio_list *current_bio_list;

static void bio_list_add(struct bio_list *bl, struct bio *bio)
{
	bio->bi_next = NULL;
	if (bl->tail)
		bl->tail->bi_next = bio;
	else
		bl->head = bio;
	bl->tail = bio;
}

static struct bio *bio_list_pop(struct bio_list *bl)
{
	struct bio *bio = bl->head;

	if (bio) {
		bl->head = bio->bi_next;
		if (!bl->head)
			bl->tail = NULL;
		bio->bi_next = NULL;
	}
	return bio;
}

static void bio_fail(struct bio *bio, blk_status_t status)
{
	blk_stat_inc(BS_REJECTED);
	bio->bi_status = status;
	bio_endio(bio);
}

/* submit_bio_checks(): BLK_STS_OK if the driver may see @bio. */
static blk_status_t bio_check(struct bio *bio)
{
	struct gendisk *disk = bio->bi_bdev->bd_disk;
	unsigned int lbs = bdev_logical_block_size(bio->bi_bdev);
	sector_t nr = bio_sectors(bio), cap = get_capacity(disk);
	sector_t lbs_mask = (lbs >> SECTOR_SHIFT) - 1;

	if (nr > cap || bio->bi_iter.bi_sector > cap - nr)
		return BLK_STS_IOERR;
	switch (bio_op(bio)) {
	case REQ_OP_FLUSH:
		return bio->bi_iter.bi_size ? BLK_STS_IOERR : BLK_STS_OK;
	case REQ_OP_READ:
	case REQ_OP_WRITE:
	case REQ_OP_DRV_IN:
	case REQ_OP_DRV_OUT:
	case REQ_OP_DISCARD:
	case REQ_OP_WRITE_ZEROES:
		break;
	default:
		return BLK_STS_NOTSUPP;
	}
	if ((bio->bi_iter.bi_sector & lbs_mask) || (bio->bi_iter.bi_size & (lbs - 1)))
		return BLK_STS_IOERR;
	return BLK_STS_OK;
}

/* Hand one piece that fits to the driver. */
static inline void submit_piece(struct gendisk *disk, struct bio *bio)
{
	/* Count first, then look: del_gendisk() marks dead, then drains. */
	atomic_inc_return(&disk->inflight);
	if (disk_dead(disk)) {
		bio_fail(bio, BLK_STS_IOERR);
		disk_io_done(disk);
		return;
	}
	disk->fops->submit_bio(bio);
}

static void __submit_bio(struct bio *bio)
{
	struct bio_list pieces = { NULL, NULL };
	struct bio *piece, *rest;
	struct gendisk *disk;
	blk_status_t status;

	blk_stat_inc(BS_SUBMITTED);
	if (WARN_ON_ONCE(!bio->bi_bdev)) {
		bio_fail(bio, BLK_STS_IOERR);
		return;
	}
	disk = bio->bi_bdev->bd_disk;
	if (disk_dead(disk)) {
		bio_fail(bio, BLK_STS_IOERR);
		return;
	}
	status = bio_check(bio);
	if (status != BLK_STS_OK) {
		bio_fail(bio, status);
		return;
	}
	/*
	 * Cut every piece before the driver sees the first: chaining a piece
	 * writes the parent, which an earlier piece's completion may read.
	 */
	piece = __bio_split_to_limits(bio, &rest);
	if (likely(piece == bio && !rest)) {
		/* It fits (the usual case): no list. */
		submit_piece(disk, bio);
		return;
	}
	for (;;) {
		if (piece)
			bio_list_add(&pieces, piece);
		if (!rest)
			break;
		/* The kernel resubmits the remainder: count it as submitted. */
		blk_stat_inc(BS_SUBMITTED);
		piece = __bio_split_to_limits(rest, &rest);
	}
	while ((bio = bio_list_pop(&pieces)))
		submit_piece(disk, bio);
}

/**
 * submit_bio_noacct() - check a bio, split it to the limits and hand the
 * pieces to the driver.
 * @bio: a bio with bi_bdev, bi_opf, bi_iter, bi_end_io set.
 *
 * A bio past the end of the disk, not in whole logical blocks, to a
 * deleted disk or for an op the disk does not do is completed with
 * BLK_STS_IOERR (BLK_STS_NOTSUPP for the op) without reaching the driver.
 * The completion may run before this returns (inline DMA, errors) or later
 * on a DMA worker. Neither pins nor references pages.
 *
 * Context: any thread; a completion may call it.
 */
void submit_bio_noacct(struct bio *bio)
{
	struct bio_list list = { NULL, NULL };

	if (current_bio_list) {
		bio_list_add(current_bio_list, bio);
		return;
	}
	current_bio_list = &list;
	do {
		__submit_bio(bio);
		bio = bio_list_pop(&list);
	} while (bio);
	current_bio_list = NULL;
}

/**
 * submit_bio() - submit a bio to its block device.
 * @bio: as for submit_bio_noacct().
 *
 * Context: any thread.
 */
void submit_bio(struct bio *bio)
{
	submit_bio_noacct(bio);
}

/*
 * submit_bio_wait()'s completion (the kernel's on-stack completion).
 * @state goes RUNNING -> DONE when the bio completes before its submitter
 * waits (inline DMA: always), and then neither side touches the lock or
 * the condition variable. A submitter that must wait moves it RUNNING ->
 * WAITING first (after initialising @lock and @cond); the completion then
 * finds WAITING and sets DONE under @lock, so the submitter can only
 * return (and its stack frame go away) after the completion unlocked.
 *
 * A completion that runs on the submitting thread, inside that thread's
 * submit_bio() (inline DMA), cannot race with the wait: the submitter has
 * not got there. submit_bio_wait() marks its wait in sbw_submitting for
 * the length of submit_bio(), and such a completion stores DONE without
 * the locked compare-exchange.
 */
enum { SBW_RUNNING, SBW_WAITING, SBW_DONE };

struct submit_wait {
	int state;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

static __thread struct submit_wait *sbw_submitting;

static void submit_bio_wait_endio(struct bio *bio)
{
	struct submit_wait *w = bio->bi_private;
	int running = SBW_RUNNING;

	if (w == sbw_submitting) {
		__atomic_store_n(&w->state, SBW_DONE, __ATOMIC_RELAXED);
		return;
	}
	if (__atomic_compare_exchange_n(&w->state, &running, SBW_DONE, false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&w->lock);
	__atomic_store_n(&w->state, SBW_DONE, __ATOMIC_RELEASE);
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

/**
 * submit_bio_wait() - submit a bio and wait for it.
 * @bio: as for submit_bio(); its bi_end_io and bi_private are replaced.
 *
 * The bio is not freed. Neither pins nor references pages. A bio that
 * completed during submit_bio() (inline DMA) is not waited for.
 *
 * Context: may sleep; not from a completion.
 * Return: 0, or the -errno of the bio's status (-EIO for an I/O error).
 */
int submit_bio_wait(struct bio *bio)
{
	struct submit_wait w, *outer = sbw_submitting;
	int running = SBW_RUNNING;

	/* Only @state is read before the slow path initialises the rest. */
	w.state = SBW_RUNNING;
	bio->bi_private = &w;
	bio->bi_end_io = submit_bio_wait_endio;
	bio->bi_opf |= REQ_SYNC;
	sbw_submitting = &w;
	submit_bio(bio);
	sbw_submitting = outer;
	if (__atomic_load_n(&w.state, __ATOMIC_ACQUIRE) == SBW_DONE)
		goto out;
	pthread_mutex_init(&w.lock, NULL);
	pthread_cond_init(&w.cond, NULL);
	if (__atomic_compare_exchange_n(&w.state, &running, SBW_WAITING, false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&w.lock);
		while (__atomic_load_n(&w.state, __ATOMIC_ACQUIRE) != SBW_DONE)
			pthread_cond_wait(&w.cond, &w.lock);
		pthread_mutex_unlock(&w.lock);
	}
	pthread_cond_destroy(&w.cond);
	pthread_mutex_destroy(&w.lock);
out:
	return blk_status_to_errno(bio->bi_status);
}

/**
 * sim_blk_stat() - a block-layer counter, since the program started.
 * @name: "bios_submitted" (bios through submit_bio_noacct(), remainders
 *	of splits included), "bios_split" (front pieces split off),
 *	"bios_rejected" (completed with an error by the checks).
 *
 * Return: the value, 0 for an unknown name.
 */
unsigned long sim_blk_stat(const char *name)
{
	if (!strcmp(name, "bios_submitted"))
		return (unsigned long)sim_tstat_read(&blk_stats, BS_SUBMITTED);
	if (!strcmp(name, "bios_split"))
		return (unsigned long)sim_tstat_read(&blk_stats, BS_SPLIT);
	if (!strcmp(name, "bios_rejected"))
		return (unsigned long)sim_tstat_read(&blk_stats, BS_REJECTED);
	return 0;
}

/* ---- block status and errno (the kernel's blk_errors[] table) ------------- */

/**
 * blk_status_to_errno() - the errno for a BLK_STS_* value (-EIO for an
 * unknown one, with a WARN).
 * @status: the block status.
 *
 * Return: 0 for BLK_STS_OK, else the -errno the kernel's table gives.
 */
int blk_status_to_errno(blk_status_t status)
{
	switch (status) {
	case BLK_STS_OK:
		return 0;
	case BLK_STS_NOTSUPP:
		return -EOPNOTSUPP;
	case BLK_STS_TIMEOUT:
		return -ETIMEDOUT;
	case BLK_STS_NOSPC:
		return -ENOSPC;
	case BLK_STS_TRANSPORT:
		return -ENOLINK;
	case BLK_STS_TARGET:
		return -EREMOTEIO;
	case BLK_STS_RESV_CONFLICT:
		return -EBADE;
	case BLK_STS_MEDIUM:
		return -ENODATA;
	case BLK_STS_PROTECTION:
		return -EILSEQ;
	case BLK_STS_RESOURCE:
		return -ENOMEM;
	case BLK_STS_IOERR:
		return -EIO;
	case BLK_STS_AGAIN:
		return -EAGAIN;
	}
	WARN_ON_ONCE(1);
	return -EIO;
}

/**
 * errno_to_blk_status() - the BLK_STS_* for a -errno (BLK_STS_IOERR for
 * one with no status of its own).
 * @errno_val: 0 or a negative errno.
 *
 * Return: the status whose blk_status_to_errno() is @errno_val.
 */
blk_status_t errno_to_blk_status(int errno_val)
{
	static const blk_status_t all[] = {
		BLK_STS_OK, BLK_STS_NOTSUPP, BLK_STS_TIMEOUT, BLK_STS_NOSPC,
		BLK_STS_TRANSPORT, BLK_STS_TARGET, BLK_STS_RESV_CONFLICT, BLK_STS_MEDIUM,
		BLK_STS_PROTECTION, BLK_STS_RESOURCE, BLK_STS_IOERR, BLK_STS_AGAIN,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(all); i++)
		if (blk_status_to_errno(all[i]) == errno_val)
			return all[i];
	return BLK_STS_IOERR;
}
