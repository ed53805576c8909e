// SPDX-License-Identifier: GPL-2.0
/*
 * tests/dio_fixture.c - the fixture of the dio suites (dio_test.c,
 * dio_paths_test.c): the two direct-I/O engines, fs/iomap/direct-io.c
 * (iomap_dio_rw) and fs/direct-io.c (__blockdev_direct_IO), tested alone
 * on a tiny filesystem defined here: the "extent table fs" (tfs), one
 * inode whose iomap_begin() and get_block() answer from a table of extents
 * each case sets (holes, mapped, unwritten, new, failing), over a `ram`
 * disk. Rules: R-IOMAP-1..3, R-DIO-1..6, R-BIO-11..13, R-BUG-4/5, INV-14,
 * EDGE-26..30.
 *
 * Every case boots a 64 MiB machine (THP off, so user buffers are small
 * folios whose pins sim_small_folio_pins() counts) and an 8 MiB ram disk
 * "dio0" with 512-byte blocks in .init; .exit destroys the disks, waits for
 * the deferred re-dirty worker and shuts down expecting no leaks. The
 * runner also checks the leak ledger (folios, pins, zero refs, bios, mms)
 * after every case.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#include <pinio/blkdev.h>
#include <pinio/buffer_head.h>
#include <pinio/fault-inject.h>
#include <pinio/fs.h>
#include <pinio/iomap.h>
#include <pinio/sim.h>

#include "block/blk.h"
#include "fs/dio_internal.h"
#include "blk_helpers.h"
#include "kunit/test.h"
#include "mm_helpers.h"
#include "dio_fixture.h"

const struct sim_config dio_cfg = {
	.mem_bytes = 64UL << 20,
};

int dio_test_init(struct kunit *test)
{
	int ret = t_mm_boot(&dio_cfg);

	if (ret)
		return ret;
	return sim_ramdisk_create(DIO_DISK, DIO_DISK_BYTES, 512);
}

/* Devices a case opened and did not close (it stopped at an ASSERT). */
static struct block_device *tfs_open_bdevs[4];

void dio_test_exit(struct kunit *test)
{
	unsigned int i;

	memset(&dio_test_knobs, 0, sizeof(dio_test_knobs));
	if (!sim_booted())
		return;
	sim_umount("/mnt");
	for (i = 0; i < ARRAY_SIZE(tfs_open_bdevs); i++) {
		if (tfs_open_bdevs[i])
			blkdev_put(tfs_open_bdevs[i]);
		tfs_open_bdevs[i] = NULL;
	}
	sim_disk_destroy(DIO_DISK);
	sim_disk_destroy("dio1");
	sim_disk_destroy("dio2");
	bio_dirty_flush();
	t_mm_shutdown(test);
}

/* ---- the extent table fs ------------------------------------------------- */

static struct tfs *tfs_of(struct inode *inode)
{
	return inode->i_private;
}

/* The extent holding @pos, or NULL (a hole up to the next extent). */
static const struct tfs_extent *tfs_find(const struct tfs *fs, loff_t pos, loff_t *hole_end)
{
	loff_t next = LLONG_MAX;
	int i;

	for (i = 0; i < fs->nr; i++) {
		const struct tfs_extent *e = &fs->ext[i];

		if (pos >= e->off && pos < e->off + (loff_t)e->len)
			return e;
		if (e->off > pos && e->off < next)
			next = e->off;
	}
	*hole_end = next;
	return NULL;
}

static int tfs_iomap_begin(struct inode *inode, long long pos, long long length,
			   unsigned int flags, struct iomap *iomap, struct iomap *srcmap)
{
	struct tfs *fs = tfs_of(inode);
	const struct tfs_extent *e;
	loff_t hole_end;

	(void)length;
	(void)srcmap;
	e = tfs_find(fs, pos, &hole_end);
	iomap->bdev = fs->bdev;
	if (!e || e->type == IOMAP_HOLE) {
		if ((flags & IOMAP_WRITE) && fs->write_hole_enotblk)
			return -ENOTBLK;
		iomap->type = IOMAP_HOLE;
		iomap->addr = IOMAP_NULL_ADDR;
		iomap->offset = e ? e->off : pos;
		iomap->length = e ? e->len : (uint64_t)(hole_end - pos);
		return 0;
	}
	if (e->type == TFS_ERROR)
		return -EIO;
	iomap->type = e->type;
	iomap->flags = e->flags;
	iomap->offset = e->off;
	iomap->length = e->len;
	iomap->addr = e->addr;
	return 0;
}

const struct iomap_ops tfs_iomap_ops = {
	.iomap_begin = tfs_iomap_begin,
};

static int tfs_end_io(struct kiocb *iocb, ssize_t size, int error, unsigned int flags)
{
	struct tfs *fs = tfs_of(iocb->ki_filp->f_mapping->host);

	fs->end_io_calls++;
	fs->end_io_flags = flags;
	fs->end_io_size = size;
	fs->end_io_error = error;
	return error;
}

const struct iomap_dio_ops tfs_dio_ops = {
	.end_io = tfs_end_io,
};

/* get_block for the legacy engine: a read of an unwritten extent is a hole. */
static int tfs_get_block(struct inode *inode, uint64_t iblock, struct buffer_head *bh,
			 int create)
{
	struct tfs *fs = tfs_of(inode);
	loff_t pos = (loff_t)iblock << inode->i_blkbits, hole_end;
	const struct tfs_extent *e = tfs_find(fs, pos, &hole_end);
	uint64_t left;

	bh->b_bdev = fs->bdev;
	if (e && e->type == TFS_ERROR)
		return -EIO;
	if (!e || e->type == IOMAP_HOLE || (e->type == IOMAP_UNWRITTEN && !create))
		return 0;
	left = e->len - (uint64_t)(pos - e->off);
	if (bh->b_size > left)
		bh->b_size = left;
	bh->b_blocknr = (e->addr + (uint64_t)(pos - e->off)) >> inode->i_blkbits;
	set_buffer_mapped(bh);
	if (e->flags & IOMAP_F_NEW)
		set_buffer_new(bh);
	if (e->type == IOMAP_UNWRITTEN)
		set_buffer_unwritten(bh);
	return 0;
}

void tfs_init(struct kunit *test, struct tfs *fs, const char *disk, unsigned int blkbits,
	      loff_t i_size)
{
	unsigned int i;

	memset(fs, 0, sizeof(*fs));
	fs->bdev = t_blk_open(test, disk);
	for (i = 0; i < ARRAY_SIZE(tfs_open_bdevs); i++) {
		if (!tfs_open_bdevs[i]) {
			tfs_open_bdevs[i] = fs->bdev;
			break;
		}
	}
	fs->sb.s_bdev = fs->bdev;
	fs->sb.s_blocksize = 1UL << blkbits;
	fs->sb.s_blocksize_bits = (unsigned char)blkbits;
	fs->inode.i_ino = 2;
	fs->inode.i_size = i_size;
	fs->inode.i_blkbits = blkbits;
	fs->inode.i_sb = &fs->sb;
	fs->inode.i_data.host = &fs->inode;
	fs->inode.i_mapping = &fs->inode.i_data;
	fs->inode.i_private = fs;
	pthread_rwlock_init(&fs->inode.i_rwsem, NULL);
	fs->file.f_mapping = &fs->inode.i_data;
	fs->file.f_mode = FMODE_READ | FMODE_WRITE | FMODE_CAN_ODIRECT;
	fs->file.f_flags = O_RDWR | O_DIRECT;
}

void tfs_destroy(struct kunit *test, struct tfs *fs)
{
	unsigned int i;

	KUNIT_EXPECT_EQ(test, atomic_read(&fs->inode.i_dio_count), 0);
	pthread_rwlock_destroy(&fs->inode.i_rwsem);
	for (i = 0; i < ARRAY_SIZE(tfs_open_bdevs); i++) {
		if (tfs_open_bdevs[i] == fs->bdev) {
			tfs_open_bdevs[i] = NULL;
			break;
		}
	}
	blkdev_put(fs->bdev);
}

void tfs_add(struct tfs *fs, loff_t off, uint64_t len, unsigned short type,
	     unsigned short flags, uint64_t addr)
{
	BUG_ON(fs->nr >= TFS_MAX_EXTENTS);
	fs->ext[fs->nr++] = (struct tfs_extent){ off, len, type, flags, addr };
}

/* ---- issuing I/O ------------------------------------------------------------- */

const enum tdio_engine tdio_engines[] = { TDIO_IOMAP, TDIO_LEGACY };

void tdio_engine_desc(const enum tdio_engine *e, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", *e == TDIO_IOMAP ? "iomap" : "legacy");
}

void tdio_ki_complete(struct kiocb *iocb, long ret)
{
	struct tdio_async *a = iocb->private;

	pthread_mutex_lock(&a->lock);
	a->calls++;
	a->ret = ret;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
}

void tdio_async_init(struct tdio_async *a)
{
	memset(a, 0, sizeof(*a));
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->cond, NULL);
}

/* Wait (at most 5 s) for the completion. True if it came. */
bool tdio_async_wait(struct tdio_async *a)
{
	struct timespec ts;
	bool done;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 5;
	pthread_mutex_lock(&a->lock);
	while (!a->calls && pthread_cond_timedwait(&a->cond, &a->lock, &ts) == 0)
		;
	done = a->calls > 0;
	pthread_mutex_unlock(&a->lock);
	return done;
}

void tdio_async_destroy(struct tdio_async *a)
{
	pthread_cond_destroy(&a->cond);
	pthread_mutex_destroy(&a->lock);
}

ssize_t tfs_engine_rw(struct tfs *fs, enum tdio_engine e, struct kiocb *iocb,
		      struct iov_iter *iter, unsigned int dio_flags, size_t done_before)
{
	if (e == TDIO_IOMAP)
		return iomap_dio_rw(iocb, iter, &tfs_iomap_ops, &tfs_dio_ops, dio_flags, NULL,
				    done_before);
	return __blockdev_direct_IO(iocb, &fs->inode, fs->bdev, iter, tfs_get_block, NULL, 0);
}

void tfs_kiocb(struct tfs *fs, struct kiocb *iocb, loff_t pos, bool write)
{
	init_sync_kiocb(iocb, &fs->file);
	iocb->ki_pos = pos;
	if (write)
		iocb->ki_flags |= IOCB_WRITE;
}

/* A synchronous direct I/O of user memory [addr, addr+len) at @pos. */
ssize_t tfs_dio(struct tfs *fs, enum tdio_engine e, bool write, unsigned long addr,
		size_t len, loff_t pos)
{
	struct iov_iter iter;
	struct kiocb iocb;

	iov_iter_ubuf(&iter, write ? ITER_SOURCE : ITER_DEST, addr, len);
	tfs_kiocb(fs, &iocb, pos, write);
	return tfs_engine_rw(fs, e, &iocb, &iter, 0, 0);
}

/* ---- observing ------------------------------------------------------------------ */

void tdio_counts(struct tdio_counts *c)
{
	c->acquired = sim_vmstat("nr_foll_pin_acquired");
	c->released = sim_vmstat("nr_foll_pin_released");
	c->add_pins = sim_vmstat("pinio_folio_add_pins");
	c->gets = sim_vmstat("pinio_foll_get_acquired");
	c->zero_ref = page_ref_count(ZERO_PAGE(0));
}

/*
 * Pins taken and dropped since @b balance: released - acquired equals the
 * folio_add_pin() calls (R-BUG-7, INV-9), and the zero page is unmoved.
 */
void tdio_expect_balanced(struct kunit *test, const struct tdio_counts *b)
{
	struct tdio_counts a;

	bio_dirty_flush();
	tdio_counts(&a);
	KUNIT_EXPECT_EQ_MSG(test, (a.released - b->released) - (a.acquired - b->acquired),
			    a.add_pins - b->add_pins, "unbalanced pins: acq %lu rel %lu add %lu",
			    a.acquired - b->acquired, a.released - b->released,
			    a.add_pins - b->add_pins);
	KUNIT_EXPECT_EQ_MSG(test, a.zero_ref, b->zero_ref, "the zero page's refcount moved");
	KUNIT_EXPECT_EQ(test, sim_vmstat("pinio_pins_outstanding"), 0UL);
}

static void tdio_seen_hook(const struct bio *bio, void *arg)
{
	struct tdio_seen *s = arg;
	unsigned int i, z = 0, u = 0;
	int n;

	for (i = 0; i < bio->bi_vcnt; i++) {
		if (is_zero_page(bio->bi_io_vec[i].bv_page))
			z++;
		else
			u++;
	}
	pthread_mutex_lock(&s->lock);
	n = s->n++;
	if (n < TDIO_MAX_SEEN) {
		s->b[n].write = op_is_write(bio->bi_opf);
		s->b[n].pinned = bio_flagged(bio, BIO_PAGE_PINNED);
		s->b[n].reffed = bio_flagged(bio, BIO_PAGE_REFFED);
		s->b[n].no_page_ref = bio_flagged(bio, BIO_NO_PAGE_REF);
		s->b[n].fua = bio->bi_opf & REQ_FUA;
		s->b[n].nowait = bio->bi_opf & REQ_NOWAIT;
		s->b[n].vcnt = bio->bi_vcnt;
		s->b[n].zero_entries = z;
		s->b[n].user_entries = u;
		s->b[n].size = bio->bi_iter.bi_size;
		s->b[n].sector = bio->bi_iter.bi_sector;
	}
	pthread_mutex_unlock(&s->lock);
}

void tdio_seen_start(struct kunit *test, struct tdio_seen *s, const char *disk)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	KUNIT_ASSERT_EQ(test, sim_disk_set_bio_hook(disk, tdio_seen_hook, s), 0);
}

void tdio_seen_stop(struct tdio_seen *s, const char *disk)
{
	sim_disk_set_bio_hook(disk, NULL, NULL);
	pthread_mutex_destroy(&s->lock);
}

/* ---- memory helpers -------------------------------------------------------------- */

unsigned char tdio_pat(unsigned long i, unsigned int seed)
{
	return (unsigned char)((i * 131 + seed * 17 + (i >> 10)) & 0xff);
}

/* Small-page anonymous memory, untouched. */
unsigned long tdio_mmap(struct kunit *test, size_t len)
{
	unsigned long addr = t_mm_mmap(test, len, PROT_READ | PROT_WRITE, MAP_PRIVATE);

	KUNIT_ASSERT_EQ(test, sim_madvise(addr, len, MADV_NOHUGEPAGE), 0);
	return addr;
}

void tdio_fill(struct kunit *test, unsigned long addr, size_t len, unsigned int seed)
{
	unsigned char *buf = malloc(len);
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < len; i++)
		buf[i] = tdio_pat(i, seed);
	KUNIT_ASSERT_EQ(test, sim_user_write(addr, buf, len), (ssize_t)len);
	free(buf);
}

bool tdio_buf_is_pat(const unsigned char *buf, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != tdio_pat(i, seed))
			return false;
	return true;
}

bool tdio_user_is_pat(unsigned long addr, size_t len, unsigned int seed)
{
	unsigned char *buf = malloc(len);
	bool ok = buf && sim_user_read(addr, buf, len) == (ssize_t)len &&
		  tdio_buf_is_pat(buf, len, seed);

	free(buf);
	return ok;
}

/* Read or write @len bytes of @disk at byte @off, in 1 MiB bios. */
void tdio_disk_rw(struct kunit *test, struct block_device *bdev, bool write, loff_t off,
		  void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		size_t n = min_t(size_t, len - done, 1UL << 20);

		KUNIT_ASSERT_EQ(test, t_blk_rw(test, bdev, write,
					       (sector_t)((off + (loff_t)done) >> SECTOR_SHIFT),
					       (char *)buf + done, n), 0);
		done += n;
	}
}

void tdio_disk_fill(struct kunit *test, struct block_device *bdev, loff_t off, size_t len,
		    int c)
{
	void *buf = malloc(len);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, c, len);
	tdio_disk_rw(test, bdev, true, off, buf, len);
	free(buf);
}

void tdio_disk_fill_pat(struct kunit *test, struct block_device *bdev, loff_t off,
			size_t len, unsigned int seed)
{
	unsigned char *buf = malloc(len);
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < len; i++)
		buf[i] = tdio_pat(i, seed);
	tdio_disk_rw(test, bdev, true, off, buf, len);
	free(buf);
}

/* Does the disk hold byte @c over [off, off+len)? */
bool tdio_disk_is(struct kunit *test, struct block_device *bdev, loff_t off, size_t len,
		  int c)
{
	void *buf = malloc(len);
	bool ok;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	tdio_disk_rw(test, bdev, false, off, buf, len);
	ok = t_mem_is(buf, c, len);
	free(buf);
	return ok;
}

bool tdio_disk_is_pat(struct kunit *test, struct block_device *bdev, loff_t off,
		      size_t len, unsigned int seed)
{
	unsigned char *buf = malloc(len);
	bool ok;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	tdio_disk_rw(test, bdev, false, off, buf, len);
	ok = tdio_buf_is_pat(buf, len, seed);
	free(buf);
	return ok;
}

/* Reboot into @profile, with the disk recreated. */
void tdio_reboot(struct kunit *test, enum sim_profile profile)
{
	struct sim_config cfg = dio_cfg;

	cfg.profile = profile;
	sim_disk_destroy(DIO_DISK);
	t_mm_reboot(test, &cfg);
	KUNIT_ASSERT_EQ(test, sim_ramdisk_create(DIO_DISK, DIO_DISK_BYTES, 512), 0);
}
