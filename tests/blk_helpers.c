// SPDX-License-Identifier: GPL-2.0
/*
 * tests/blk_helpers.c - helpers for the block-layer suites; see
 * blk_helpers.h.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "blk_helpers.h"

int t_blk_init(struct kunit *test)
{
	struct sim_config cfg = { .mem_bytes = T_BLK_MEM_BYTES };

	return sim_boot(&cfg);
}

void t_blk_exit(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sim_shutdown(), 0);
}

struct folio *t_blk_folio(struct kunit *test, unsigned int order, int fill)
{
	struct folio *folio = folio_alloc_owner(GFP_KERNEL, order, OWNER_TEST);

	KUNIT_ASSERT_NOT_NULL(test, folio);
	memset(folio_address(folio), fill, folio_size(folio));
	return folio;
}

struct block_device *t_blk_open(struct kunit *test, const char *name)
{
	struct block_device *bdev = blkdev_get_by_name(name);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, bdev);
	return bdev;
}

struct bio *t_blk_bio(struct kunit *test, struct block_device *bdev, blk_opf_t opf,
		      sector_t sector, unsigned short nr_vecs)
{
	struct bio *bio = bio_alloc(bdev, nr_vecs, opf, 0);

	KUNIT_ASSERT_NOT_NULL(test, bio);
	bio->bi_iter.bi_sector = sector;
	return bio;
}

void t_blk_add(struct kunit *test, struct bio *bio, struct page *page, unsigned int len,
	       unsigned int off)
{
	KUNIT_ASSERT_EQ(test, bio_add_page(bio, page, len, off), (int)len);
}

/* ---- asynchronous completion ------------------------------------------------ */

static void t_blk_end_io(struct bio *bio)
{
	struct t_blk_slot *slot = bio->bi_private;
	struct t_blk_io *io = slot->io;
	int id = slot->id;

	pthread_mutex_lock(&io->lock);
	if (io->completions < T_BLK_MAX_IO)
		io->order[io->completions] = id;
	io->completions++;
	io->count[id]++;
	io->status[id] = bio->bi_status;
	pthread_cond_broadcast(&io->cond);
	pthread_mutex_unlock(&io->lock);
}

void t_blk_io_init(struct t_blk_io *io)
{
	memset(io, 0, sizeof(*io));
	pthread_mutex_init(&io->lock, NULL);
	pthread_cond_init(&io->cond, NULL);
}

void t_blk_io_destroy(struct t_blk_io *io)
{
	pthread_cond_destroy(&io->cond);
	pthread_mutex_destroy(&io->lock);
}

void t_blk_submit(struct t_blk_io *io, int id, struct bio *bio)
{
	io->slot[id].io = io;
	io->slot[id].id = id;
	bio->bi_private = &io->slot[id];
	bio->bi_end_io = t_blk_end_io;
	submit_bio(bio);
}

bool t_blk_wait(struct t_blk_io *io, int n, unsigned int ms)
{
	struct timespec ts;
	bool ok;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&io->lock);
	while (io->completions < n)
		if (pthread_cond_timedwait(&io->cond, &io->lock, &ts))
			break;
	ok = io->completions >= n;
	pthread_mutex_unlock(&io->lock);
	return ok;
}

int t_blk_done(struct t_blk_io *io)
{
	int n;

	pthread_mutex_lock(&io->lock);
	n = io->completions;
	pthread_mutex_unlock(&io->lock);
	return n;
}

/* ---- what the driver saw --------------------------------------------------- */

void t_blk_seen_init(struct t_blk_seen *seen)
{
	memset(seen, 0, sizeof(*seen));
	pthread_mutex_init(&seen->lock, NULL);
}

void t_blk_seen_hook(const struct bio *bio, void *arg)
{
	struct t_blk_seen *seen = arg;
	struct bvec_iter iter;
	struct bio_vec bv;
	unsigned int segs = 0;

	if (bio_has_data(bio))
		bio_for_each_segment(bv, bio, iter)
			segs++;
	pthread_mutex_lock(&seen->lock);
	if (seen->n < T_BLK_MAX_IO) {
		seen->sector[seen->n] = bio->bi_iter.bi_sector;
		seen->size[seen->n] = bio->bi_iter.bi_size;
		seen->segs[seen->n] = segs;
		seen->cloned[seen->n] = bio_flagged(bio, BIO_CLONED);
	}
	seen->n++;
	pthread_mutex_unlock(&seen->lock);
}

/* ---- whole ranges ------------------------------------------------------------- */

int t_blk_rw(struct kunit *test, struct block_device *bdev, bool write, sector_t sector,
	     void *buf, size_t len)
{
	unsigned int nr = (unsigned int)DIV_ROUND_UP(len, PAGE_SIZE), i;
	struct folio *folios[BIO_MAX_VECS];
	struct bio *bio;
	int ret;

	KUNIT_ASSERT_LE(test, nr, BIO_MAX_VECS);
	bio = t_blk_bio(test, bdev, write ? REQ_OP_WRITE : REQ_OP_READ, sector,
			(unsigned short)nr);
	for (i = 0; i < nr; i++) {
		size_t n = min_t(size_t, PAGE_SIZE, len - i * PAGE_SIZE);

		folios[i] = t_blk_folio(test, 0, 0);
		if (write)
			memcpy(folio_address(folios[i]), (char *)buf + i * PAGE_SIZE, n);
		t_blk_add(test, bio, &folios[i]->page, (unsigned int)n, 0);
	}
	ret = submit_bio_wait(bio);
	for (i = 0; i < nr; i++) {
		size_t n = min_t(size_t, PAGE_SIZE, len - i * PAGE_SIZE);

		if (!write)
			memcpy((char *)buf + i * PAGE_SIZE, folio_address(folios[i]), n);
		folio_put(folios[i]);
	}
	bio_put(bio);
	return ret;
}

void t_blk_tmpfile(struct kunit *test, size_t size, char path[PATH_MAX])
{
	int fd;

	snprintf(path, PATH_MAX, "/tmp/pinio-blk-XXXXXX");
	fd = mkstemp(path);
	KUNIT_ASSERT_GE_MSG(test, fd, 0, "mkstemp: %s", strerror(errno));
	if (ftruncate(fd, (off_t)size)) {
		close(fd);
		unlink(path);
		KUNIT_FAIL(test, "ftruncate %s: %s", path, strerror(errno));
		kunit_abort(test);
	}
	close(fd);
}

uint64_t t_blk_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Set one field of @name's limits (idle disk) and ASSERT it took. */
void t_blk_limits(struct kunit *test, const char *name,
		  void (*edit)(struct queue_limits *lim, unsigned long v), unsigned long v)
{
	struct queue_limits lim;

	KUNIT_ASSERT_EQ(test, sim_disk_get_limits(name, &lim), 0);
	edit(&lim, v);
	KUNIT_ASSERT_EQ(test, sim_disk_set_limits(name, &lim), 0);
}

void t_blk_set_max_sectors(struct queue_limits *lim, unsigned long v)
{
	lim->max_sectors = (unsigned int)v;
}

void t_blk_set_max_segments(struct queue_limits *lim, unsigned long v)
{
	lim->max_segments = (unsigned short)v;
}
