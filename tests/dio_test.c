// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the two direct-I/O engines, fs/iomap/direct-io.c
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

#define DIO_DISK		"dio0"
#define DIO_DISK_BYTES		(8UL << 20)
#define TFS_MAX_EXTENTS		160

static const struct sim_config dio_cfg = {
	.mem_bytes = 64UL << 20,
};

static int dio_test_init(struct kunit *test)
{
	int ret = t_mm_boot(&dio_cfg);

	if (ret)
		return ret;
	return sim_ramdisk_create(DIO_DISK, DIO_DISK_BYTES, 512);
}

/* Devices a case opened and did not close (it stopped at an ASSERT). */
static struct block_device *tfs_open_bdevs[4];

static void dio_test_exit(struct kunit *test)
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

/* An extent type beyond iomap's: mapping it fails with -EIO. */
#define TFS_ERROR	100

struct tfs_extent {
	loff_t off;
	uint64_t len;
	unsigned short type;	/* IOMAP_HOLE, IOMAP_MAPPED, IOMAP_UNWRITTEN, TFS_ERROR */
	unsigned short flags;	/* IOMAP_F_NEW */
	uint64_t addr;		/* disk byte address of off */
};

struct tfs {
	struct inode inode;
	struct super_block sb;
	struct file file;
	struct block_device *bdev;
	struct tfs_extent ext[TFS_MAX_EXTENTS];
	int nr;
	bool write_hole_enotblk;	/* iomap_begin: a write into a hole says -ENOTBLK */
	/* end_io records */
	int end_io_calls;
	unsigned int end_io_flags;
	ssize_t end_io_size;
	int end_io_error;
};

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

static const struct iomap_ops tfs_iomap_ops = {
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

static const struct iomap_dio_ops tfs_dio_ops = {
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

static void tfs_init(struct kunit *test, struct tfs *fs, const char *disk, unsigned int blkbits,
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

static void tfs_destroy(struct kunit *test, struct tfs *fs)
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

static void tfs_add(struct tfs *fs, loff_t off, uint64_t len, unsigned short type,
		    unsigned short flags, uint64_t addr)
{
	BUG_ON(fs->nr >= TFS_MAX_EXTENTS);
	fs->ext[fs->nr++] = (struct tfs_extent){ off, len, type, flags, addr };
}

/* ---- issuing I/O ------------------------------------------------------------- */

enum tdio_engine { TDIO_IOMAP, TDIO_LEGACY };

static const enum tdio_engine tdio_engines[] = { TDIO_IOMAP, TDIO_LEGACY };

static void tdio_engine_desc(const enum tdio_engine *e, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", *e == TDIO_IOMAP ? "iomap" : "legacy");
}
KUNIT_ARRAY_PARAM(tdio_engine, tdio_engines, tdio_engine_desc);

struct tdio_async {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int calls;
	long ret;
};

static void tdio_ki_complete(struct kiocb *iocb, long ret)
{
	struct tdio_async *a = iocb->private;

	pthread_mutex_lock(&a->lock);
	a->calls++;
	a->ret = ret;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
}

static void tdio_async_init(struct tdio_async *a)
{
	memset(a, 0, sizeof(*a));
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->cond, NULL);
}

/* Wait (at most 5 s) for the completion. True if it came. */
static bool tdio_async_wait(struct tdio_async *a)
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

static void tdio_async_destroy(struct tdio_async *a)
{
	pthread_cond_destroy(&a->cond);
	pthread_mutex_destroy(&a->lock);
}

static ssize_t tfs_engine_rw(struct tfs *fs, enum tdio_engine e, struct kiocb *iocb,
			     struct iov_iter *iter, unsigned int dio_flags, size_t done_before)
{
	if (e == TDIO_IOMAP)
		return iomap_dio_rw(iocb, iter, &tfs_iomap_ops, &tfs_dio_ops, dio_flags, NULL,
				    done_before);
	return __blockdev_direct_IO(iocb, &fs->inode, fs->bdev, iter, tfs_get_block, NULL, 0);
}

static void tfs_kiocb(struct tfs *fs, struct kiocb *iocb, loff_t pos, bool write)
{
	init_sync_kiocb(iocb, &fs->file);
	iocb->ki_pos = pos;
	if (write)
		iocb->ki_flags |= IOCB_WRITE;
}

/* A synchronous direct I/O of user memory [addr, addr+len) at @pos. */
static ssize_t tfs_dio(struct tfs *fs, enum tdio_engine e, bool write, unsigned long addr,
		       size_t len, loff_t pos)
{
	struct iov_iter iter;
	struct kiocb iocb;

	iov_iter_ubuf(&iter, write ? ITER_SOURCE : ITER_DEST, addr, len);
	tfs_kiocb(fs, &iocb, pos, write);
	return tfs_engine_rw(fs, e, &iocb, &iter, 0, 0);
}

/* ---- observing ------------------------------------------------------------------ */

struct tdio_counts {
	unsigned long acquired, released, add_pins, gets;
	int zero_ref;
};

static void tdio_counts(struct tdio_counts *c)
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
static void tdio_expect_balanced(struct kunit *test, const struct tdio_counts *b)
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

/* What a disk received: one record per bio (hook, any thread). */
#define TDIO_MAX_SEEN	128
struct tdio_seen {
	pthread_mutex_t lock;
	int n;
	struct {
		bool write, pinned, reffed, no_page_ref, fua, nowait;
		unsigned int vcnt, zero_entries, user_entries;
		unsigned int size;
		sector_t sector;
	} b[TDIO_MAX_SEEN];
};

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

static void tdio_seen_start(struct kunit *test, struct tdio_seen *s, const char *disk)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	KUNIT_ASSERT_EQ(test, sim_disk_set_bio_hook(disk, tdio_seen_hook, s), 0);
}

static void tdio_seen_stop(struct tdio_seen *s, const char *disk)
{
	sim_disk_set_bio_hook(disk, NULL, NULL);
	pthread_mutex_destroy(&s->lock);
}

/* ---- memory helpers -------------------------------------------------------------- */

static unsigned char tdio_pat(unsigned long i, unsigned int seed)
{
	return (unsigned char)((i * 131 + seed * 17 + (i >> 10)) & 0xff);
}

/* Small-page anonymous memory, untouched. */
static unsigned long tdio_mmap(struct kunit *test, size_t len)
{
	unsigned long addr = t_mm_mmap(test, len, PROT_READ | PROT_WRITE, MAP_PRIVATE);

	KUNIT_ASSERT_EQ(test, sim_madvise(addr, len, MADV_NOHUGEPAGE), 0);
	return addr;
}

static void tdio_fill(struct kunit *test, unsigned long addr, size_t len, unsigned int seed)
{
	unsigned char *buf = malloc(len);
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < len; i++)
		buf[i] = tdio_pat(i, seed);
	KUNIT_ASSERT_EQ(test, sim_user_write(addr, buf, len), (ssize_t)len);
	free(buf);
}

static bool tdio_buf_is_pat(const unsigned char *buf, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != tdio_pat(i, seed))
			return false;
	return true;
}

static bool tdio_user_is_pat(unsigned long addr, size_t len, unsigned int seed)
{
	unsigned char *buf = malloc(len);
	bool ok = buf && sim_user_read(addr, buf, len) == (ssize_t)len &&
		  tdio_buf_is_pat(buf, len, seed);

	free(buf);
	return ok;
}

/* Read or write @len bytes of @disk at byte @off, in 1 MiB bios. */
static void tdio_disk_rw(struct kunit *test, struct block_device *bdev, bool write, loff_t off,
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

static void tdio_disk_fill(struct kunit *test, struct block_device *bdev, loff_t off, size_t len,
			   int c)
{
	void *buf = malloc(len);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, c, len);
	tdio_disk_rw(test, bdev, true, off, buf, len);
	free(buf);
}

static void tdio_disk_fill_pat(struct kunit *test, struct block_device *bdev, loff_t off,
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
static bool tdio_disk_is(struct kunit *test, struct block_device *bdev, loff_t off, size_t len,
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

static bool tdio_disk_is_pat(struct kunit *test, struct block_device *bdev, loff_t off,
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
static void tdio_reboot(struct kunit *test, enum sim_profile profile)
{
	struct sim_config cfg = dio_cfg;

	cfg.profile = profile;
	sim_disk_destroy(DIO_DISK);
	t_mm_reboot(test, &cfg);
	KUNIT_ASSERT_EQ(test, sim_ramdisk_create(DIO_DISK, DIO_DISK_BYTES, 512), 0);
}

/* ---- holes ------------------------------------------------------------------------ */

/*
 * A read over mapped, hole and unwritten extents (4 KiB fs blocks).
 *
 *   file:  [0,4K) MAPPED@64K   [4K,8K) hole   [8K,12K) UNWRITTEN@72K
 *   disk:  64K..76K all 0xAB;  user buffer pre-filled 0x55
 *
 * Expect the first 4 KiB to be 0xAB and the other 8 KiB zeros written by
 * the CPU, exactly one read bio (of the mapped block) reaching the disk,
 * the read's pins balanced and the user pages dirty. R-IOMAP-3, R-DIO-6
 * (holes read as CPU zeros, no bio), R-BIO-13.
 */
static void dio_read_holes_zero_filled(struct kunit *test)
{
	enum tdio_engine e = *(const enum tdio_engine *)test->param_value;
	unsigned long buf = tdio_mmap(test, 3 * PAGE_SIZE);
	struct tdio_counts c;
	struct tdio_seen seen;
	struct tfs fs;

	tfs_init(test, &fs, DIO_DISK, 12, 12 * 1024);
	tfs_add(&fs, 0, 4096, IOMAP_MAPPED, 0, 64 * 1024);
	tfs_add(&fs, 8192, 4096, IOMAP_UNWRITTEN, 0, 72 * 1024);
	tdio_disk_fill(test, fs.bdev, 64 * 1024, 12 * 1024, 0xab);
	t_mm_fill(test, buf, 0x55, 3 * PAGE_SIZE);
	tdio_seen_start(test, &seen, DIO_DISK);
	tdio_counts(&c);

	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, e, false, buf, 3 * PAGE_SIZE, 0), 3 * 4096L);
	tdio_seen_stop(&seen, DIO_DISK);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(buf, 0xab, PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(buf + PAGE_SIZE, 0, 2 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, seen.n, 1);
	KUNIT_EXPECT_FALSE(test, seen.b[0].write);
	KUNIT_EXPECT_TRUE(test, seen.b[0].pinned);
	KUNIT_EXPECT_TRUE(test, PageDirty(t_mm_page(t_mm(), buf)));
	tdio_expect_balanced(test, &c);
	t_mm_munmap(test, buf, 3 * PAGE_SIZE);
	tfs_destroy(test, &fs);
}

/*
 * A write that runs into a hole.
 *
 *   file:  [0,4K) MAPPED@64K  [4K,8K) hole       write 8 KiB at 0
 *
 * Legacy: do_direct_IO() says -ENOTBLK at the hole and the request ends
 * short with the 4 KiB before it (the caller does the rest buffered).
 * iomap: the filesystem's iomap_begin answers -ENOTBLK for the hole, and
 * iomap_dio_rw() also returns the 4 KiB done. A write that starts in the
 * hole gives 0. Expect the mapped block written, pins balanced. R-DIO-6,
 * R-IOMAP (ENOTBLK fallback).
 */
static void dio_write_into_hole_falls_back(struct kunit *test)
{
	enum tdio_engine e = *(const enum tdio_engine *)test->param_value;
	unsigned long buf = tdio_mmap(test, 2 * PAGE_SIZE);
	struct tdio_counts c;
	struct dio_stats st;
	struct tfs fs;

	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	fs.write_hole_enotblk = true;
	tfs_add(&fs, 0, 4096, IOMAP_MAPPED, 0, 64 * 1024);
	tdio_fill(test, buf, 2 * PAGE_SIZE, 3);
	tdio_counts(&c);

	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, e, true, buf, 2 * PAGE_SIZE, 0), 4096L);
	if (e == TDIO_LEGACY) {
		dio_stats_read(&st);
		KUNIT_EXPECT_EQ(test, st.last_do_direct_io, (long)-ENOTBLK);
	}
	KUNIT_EXPECT_TRUE(test, tdio_disk_is_pat(test, fs.bdev, 64 * 1024, 4096, 3));
	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, e, true, buf, PAGE_SIZE, 4096), 0L);
	if (e == TDIO_LEGACY) {
		dio_stats_read(&st);
		KUNIT_EXPECT_EQ(test, st.last_do_direct_io, (long)-ENOTBLK);
	}
	tdio_expect_balanced(test, &c);
	t_mm_munmap(test, buf, 2 * PAGE_SIZE);
	tfs_destroy(test, &fs);
}

/* ---- EDGE-26: fault while writing into mapped blocks -------------------------- */

/*
 * A 3-page write whose middle source page is unmapped, into mapped blocks.
 *
 *   user:  [P0][ -- ][P2]      file [0,12K) MAPPED@128K, disk pre-filled 0xEE
 *   legacy queue: P0 | fault -> ZERO_PAGE(0) | fault -> ZERO_PAGE(0)
 *
 * Legacy: the first extraction gives P0; the next faults while mapped
 * blocks remain, so ZERO_PAGE(0) is queued twice (page_errors keeps
 * -EFAULT) and the blocks get zeros, not stale 0xEE. Expect -EFAULT, disk
 * = P0 data then 8 KiB zeros, one PINNED bio holding P0 and two zero-page
 * entries, the zero page's refcount unchanged, pins balanced. iomap stops
 * at the fault: P0 written, the rest untouched, -EFAULT (no
 * IOMAP_DIO_PARTIAL). EDGE-26, R-DIO-2/3.
 */
static void dio_edge26_fault_substitutes_zero_page(struct kunit *test)
{
	enum tdio_engine e = *(const enum tdio_engine *)test->param_value;
	unsigned long buf = tdio_mmap(test, 3 * PAGE_SIZE);
	struct dio_stats st0, st;
	struct tdio_counts c;
	struct tdio_seen seen;
	struct tfs fs;
	ssize_t ret;

	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	tfs_add(&fs, 0, 12 * 1024, IOMAP_MAPPED, 0, 128 * 1024);
	tdio_disk_fill(test, fs.bdev, 128 * 1024, 12 * 1024, 0xee);
	tdio_fill(test, buf, 3 * PAGE_SIZE, 7);
	t_mm_munmap(test, buf + PAGE_SIZE, PAGE_SIZE);
	dio_stats_read(&st0);
	tdio_seen_start(test, &seen, DIO_DISK);
	tdio_counts(&c);

	ret = tfs_dio(&fs, e, true, buf, 3 * PAGE_SIZE, 0);
	tdio_seen_stop(&seen, DIO_DISK);
	KUNIT_EXPECT_TRUE(test, tdio_disk_is_pat(test, fs.bdev, 128 * 1024, 4096, 7));
	if (e == TDIO_LEGACY) {
		dio_stats_read(&st);
		KUNIT_EXPECT_EQ(test, ret, (ssize_t)-EFAULT);
		KUNIT_EXPECT_EQ(test, st.zero_substitutions - st0.zero_substitutions, 2UL);
		KUNIT_EXPECT_EQ(test, st.last_page_errors, (long)-EFAULT);
		KUNIT_EXPECT_TRUE(test, tdio_disk_is(test, fs.bdev, 132 * 1024, 8192, 0));
		KUNIT_ASSERT_EQ(test, seen.n, 1);
		KUNIT_EXPECT_TRUE(test, seen.b[0].pinned);
		KUNIT_EXPECT_EQ(test, seen.b[0].user_entries, 1U);
		KUNIT_EXPECT_EQ(test, seen.b[0].zero_entries, 2U);
		KUNIT_EXPECT_EQ(test, seen.b[0].size, 12288U);
	} else {
		/* Without IOMAP_DIO_PARTIAL a fault fails the request, P0 written. */
		KUNIT_EXPECT_EQ(test, ret, (ssize_t)-EFAULT);
		KUNIT_EXPECT_TRUE(test, tdio_disk_is(test, fs.bdev, 132 * 1024, 8192, 0xee));
		KUNIT_EXPECT_EQ(test, seen.n, 1);
	}
	tdio_expect_balanced(test, &c);
	t_mm_munmap(test, buf, PAGE_SIZE);
	t_mm_munmap(test, buf + 2 * PAGE_SIZE, PAGE_SIZE);
	tfs_destroy(test, &fs);
}

/* ---- EDGE-27: dio_cleanup twice ------------------------------------------------- */

/*
 * do_direct_IO() fails with pages still queued, then dio_cleanup() runs
 * twice (after the error and "short IO due to EOF").
 *
 *   user: 4 pages, one extraction: queue [P0 P1 P2 P3]
 *   file: [0,8K) MAPPED   [8K,16K) get_block -> -EIO
 *   P0,P1 -> bio;  P2 taken, -EIO, its pin dropped;  P3 queued -> cleanup
 *
 * Expect -EIO, every pin dropped exactly once (head = tail after the first
 * cleanup), no violation. With the knob cleanup_no_advance (the first
 * conversion, R-BUG-4) the second call unpins P3 again: the simulation
 * refuses and reports one violation. EDGE-27, R-DIO-4, R-BUG-4.
 */
static void dio_edge27_cleanup_twice(struct kunit *test)
{
	unsigned long buf = tdio_mmap(test, 4 * PAGE_SIZE);
	struct dio_stats st0, st;
	struct tdio_counts c;
	struct tfs fs;

	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	tfs_add(&fs, 0, 8192, IOMAP_MAPPED, 0, 64 * 1024);
	tfs_add(&fs, 8192, 8192, TFS_ERROR, 0, 0);
	tdio_fill(test, buf, 4 * PAGE_SIZE, 1);
	dio_stats_read(&st0);
	tdio_counts(&c);

	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, TDIO_LEGACY, true, buf, 4 * PAGE_SIZE, 0),
			(ssize_t)-EIO);
	dio_stats_read(&st);
	KUNIT_EXPECT_EQ(test, st.cleanups - st0.cleanups, 2UL);
	KUNIT_EXPECT_TRUE(test, tdio_disk_is_pat(test, fs.bdev, 64 * 1024, 8192, 1));
	tdio_expect_balanced(test, &c);

	/* The bug, on purpose: P3 unpinned twice, caught and refused. */
	kunit_expect_violations(test, 1);
	dio_test_knobs.cleanup_no_advance = true;
	tdio_counts(&c);
	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, TDIO_LEGACY, true, buf, 4 * PAGE_SIZE, 0),
			(ssize_t)-EIO);
	dio_test_knobs.cleanup_no_advance = false;
	KUNIT_EXPECT_EQ(test, sim_small_folio_pins(page_folio(t_mm_page(t_mm(), buf + 3 * PAGE_SIZE))),
			0L);
	tdio_expect_balanced(test, &c);
	t_mm_munmap(test, buf, 4 * PAGE_SIZE);
	tfs_destroy(test, &fs);
}

/* ---- EDGE-28: kernel iterators ---------------------------------------------------- */

/*
 * Legacy and iomap direct I/O from and to kernel memory (KVEC and BVEC
 * over test folios), 16 KiB through a mapped extent.
 *
 *   folio pages --kvec/bvec--> engine --bio--> disk --bio--> other folio
 *
 * Expect no pin operation at all (acquired, released, folio_add_pin
 * unchanged), no bio PINNED, the bytes round-trip, and the folios' refcount
 * back where it was. EDGE-28, R-DIO-1, INV-4.
 */
static void dio_edge28_kernel_iter_no_pins(struct kunit *test)
{
	enum tdio_engine e = *(const enum tdio_engine *)test->param_value;
	struct folio *src = t_blk_folio(test, 2, 0), *dst = t_blk_folio(test, 2, 0);
	struct tdio_counts c, a;
	struct tdio_seen seen;
	struct iov_iter iter;
	struct kiocb iocb;
	struct kvec kv;
	struct bio_vec bv[4];
	unsigned int i;
	int ref_src = folio_ref_count(src), ref_dst = folio_ref_count(dst);
	struct tfs fs;

	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	tfs_add(&fs, 0, 1 << 20, IOMAP_MAPPED, 0, 256 * 1024);
	for (i = 0; i < 4 * PAGE_SIZE; i++)
		((unsigned char *)folio_address(src))[i] = tdio_pat(i, 9);
	tdio_seen_start(test, &seen, DIO_DISK);
	tdio_counts(&c);

	kv = (struct kvec){ folio_address(src), 4 * PAGE_SIZE };
	iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, 4 * PAGE_SIZE);
	tfs_kiocb(&fs, &iocb, 0, true);
	KUNIT_EXPECT_EQ(test, tfs_engine_rw(&fs, e, &iocb, &iter, 0, 0), 4 * 4096L);

	for (i = 0; i < 4; i++)
		bv[i] = (struct bio_vec){ .bv_page = folio_page(dst, i), .bv_len = PAGE_SIZE };
	iov_iter_bvec(&iter, ITER_DEST, bv, 4, 4 * PAGE_SIZE);
	tfs_kiocb(&fs, &iocb, 0, false);
	KUNIT_EXPECT_EQ(test, tfs_engine_rw(&fs, e, &iocb, &iter, 0, 0), 4 * 4096L);
	tdio_seen_stop(&seen, DIO_DISK);

	tdio_counts(&a);
	KUNIT_EXPECT_EQ(test, a.acquired, c.acquired);
	KUNIT_EXPECT_EQ(test, a.released, c.released);
	KUNIT_EXPECT_EQ(test, a.add_pins, c.add_pins);
	KUNIT_EXPECT_GE(test, seen.n, 2);
	for (i = 0; i < (unsigned int)seen.n && i < TDIO_MAX_SEEN; i++)
		KUNIT_EXPECT_FALSE_MSG(test, seen.b[i].pinned, "bio %u is PINNED", i);
	KUNIT_EXPECT_TRUE(test, tdio_buf_is_pat(folio_address(dst), 4 * PAGE_SIZE, 9));
	KUNIT_EXPECT_EQ(test, folio_ref_count(src), ref_src);
	KUNIT_EXPECT_EQ(test, folio_ref_count(dst), ref_dst);
	folio_put(src);
	folio_put(dst);
	tfs_destroy(test, &fs);
}

/* ---- EDGE-29 / EDGE-30: sub-block zeroing ---------------------------------------- */

/*
 * A 1 KiB write at file offset 1 KiB into a new 4 KiB block (512-byte
 * device blocks, so the I/O is finer than the fs block).
 *
 *   fs block @64K: [ zero 1K | user 1K | zero 2K ]     disk pre-filled 0xEE
 *
 * Legacy: dio_zero_block() puts ZERO_PAGE(0) sections before and after the
 * user section. The head section is recorded at the I/O's file offset, so
 * dio_send_cur_page() sees it as not file-contiguous with the user section
 * and gives it its own bio (as the kernel does); the tail joins the user
 * section: a PINNED bio with the pinned user page next to a zero-page
 * entry. Both bios are PINNED. iomap: two
 * iomap_dio_zero() bios (one ZERO_PAGE(0) bvec each, no page flag) and one
 * PINNED data bio. Expect the block to read zeros | data | zeros, the zero
 * page's refcount unchanged, pins balanced. EDGE-29, R-DIO-5, R-IOMAP-1/2.
 */
static void dio_edge29_subblock_zeroing(struct kunit *test)
{
	enum tdio_engine e = *(const enum tdio_engine *)test->param_value;
	unsigned long buf = tdio_mmap(test, PAGE_SIZE);
	struct dio_stats st0, st;
	struct iomap_dio_stats is0, is;
	struct tdio_counts c;
	struct tdio_seen seen;
	struct tfs fs;
	int i, zero_bios = 0, data_bios = 0;

	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	tfs_add(&fs, 0, 4096, IOMAP_MAPPED, IOMAP_F_NEW, 64 * 1024);
	tdio_disk_fill(test, fs.bdev, 64 * 1024, 4096, 0xee);
	tdio_fill(test, buf, 1024, 5);
	dio_stats_read(&st0);
	iomap_dio_stats_read(&is0);
	tdio_seen_start(test, &seen, DIO_DISK);
	tdio_counts(&c);

	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, e, true, buf, 1024, 1024), 1024L);
	tdio_seen_stop(&seen, DIO_DISK);
	KUNIT_EXPECT_TRUE(test, tdio_disk_is(test, fs.bdev, 64 * 1024, 1024, 0));
	KUNIT_EXPECT_TRUE(test, tdio_disk_is_pat(test, fs.bdev, 65 * 1024, 1024, 5));
	KUNIT_EXPECT_TRUE(test, tdio_disk_is(test, fs.bdev, 66 * 1024, 2048, 0));
	if (e == TDIO_LEGACY) {
		dio_stats_read(&st);
		KUNIT_EXPECT_EQ(test, st.zero_block_chunks - st0.zero_block_chunks, 2UL);
		KUNIT_ASSERT_EQ(test, seen.n, 2);
		/* The head zero's file offset is not the user section's: own bio. */
		KUNIT_EXPECT_TRUE(test, seen.b[0].pinned);
		KUNIT_EXPECT_EQ(test, seen.b[0].zero_entries, 1U);
		KUNIT_EXPECT_EQ(test, seen.b[0].user_entries, 0U);
		KUNIT_EXPECT_EQ(test, seen.b[0].size, 1024U);
		KUNIT_EXPECT_TRUE(test, seen.b[1].pinned);
		KUNIT_EXPECT_EQ(test, seen.b[1].vcnt, 2U);
		KUNIT_EXPECT_EQ(test, seen.b[1].user_entries, 1U);
		KUNIT_EXPECT_EQ(test, seen.b[1].zero_entries, 1U);
		KUNIT_EXPECT_EQ(test, seen.b[1].size, 3072U);
	} else {
		iomap_dio_stats_read(&is);
		KUNIT_EXPECT_EQ(test, is.zero_bios - is0.zero_bios, 2UL);
		KUNIT_ASSERT_EQ(test, seen.n, 3);
		for (i = 0; i < 3; i++) {
			if (seen.b[i].zero_entries) {
				zero_bios++;
				KUNIT_EXPECT_EQ(test, seen.b[i].vcnt, 1U);
				KUNIT_EXPECT_FALSE(test, seen.b[i].pinned);
				KUNIT_EXPECT_TRUE(test, seen.b[i].write);
			} else {
				data_bios++;
				KUNIT_EXPECT_TRUE(test, seen.b[i].pinned);
			}
		}
		KUNIT_EXPECT_EQ(test, zero_bios, 2);
		KUNIT_EXPECT_EQ(test, data_bios, 1);
	}
	tdio_expect_balanced(test, &c);
	t_mm_munmap(test, buf, PAGE_SIZE);
	tfs_destroy(test, &fs);
}

static const enum sim_profile tdio_zero_profiles[] = { SIM_PROFILE_V6_5, SIM_PROFILE_V6_4 };

static void tdio_profile_desc(const enum sim_profile *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", *p == SIM_PROFILE_V6_5 ? "v6.5" : "v6.4");
}
KUNIT_ARRAY_PARAM(tdio_zero_profile, tdio_zero_profiles, tdio_profile_desc);

/*
 * iomap_dio_zero() with the bios held at the disk, async.
 *
 *   write 1K @ 1K of a new 4K block: zero bio [0,1K) + data + zero bio [2K,4K)
 *   v6.5: ZERO_PAGE(0) refcount  r -> r (held)   -> r (completed)
 *   v6.4:                        r -> r+2 (held) -> r (completed)
 *
 * Expect -EIOCBQUEUED, the zero page's refcount unchanged while the two
 * zeroing bios are in flight under v6.5 and +1 per bio under v6.4 (get_page,
 * no BIO_NO_PAGE_REF), back to its start after completion, and ki_complete
 * called once with 1024. EDGE-30, R-IOMAP-1.
 */
static void dio_edge30_iomap_dio_zero_refcount(struct kunit *test)
{
	enum sim_profile profile = *(const enum sim_profile *)test->param_value;
	const struct sim_io_fault hold = { .flags = SIM_IO_HOLD };
	struct tdio_async a;
	struct iov_iter iter;
	struct kiocb iocb;
	struct tdio_seen seen;
	unsigned long buf;
	struct tfs fs;
	int zref, i;

	tdio_reboot(test, profile);
	buf = tdio_mmap(test, PAGE_SIZE);
	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	tfs_add(&fs, 0, 4096, IOMAP_MAPPED, IOMAP_F_NEW, 64 * 1024);
	tdio_fill(test, buf, 1024, 6);
	tdio_async_init(&a);
	tdio_seen_start(test, &seen, DIO_DISK);
	zref = page_ref_count(ZERO_PAGE(0));

	KUNIT_ASSERT_EQ(test, sim_disk_inject(DIO_DISK, &hold), 0);
	iov_iter_ubuf(&iter, ITER_SOURCE, buf, 1024);
	tfs_kiocb(&fs, &iocb, 1024, true);
	iocb.ki_complete = tdio_ki_complete;
	iocb.private = &a;
	KUNIT_EXPECT_EQ(test, tfs_engine_rw(&fs, TDIO_IOMAP, &iocb, &iter, 0, 0),
			(ssize_t)-EIOCBQUEUED);
	KUNIT_EXPECT_EQ(test, page_ref_count(ZERO_PAGE(0)),
			zref + (profile == SIM_PROFILE_V6_4 ? 2 : 0));
	KUNIT_EXPECT_EQ(test, sim_disk_inject(DIO_DISK, NULL), 0);
	KUNIT_EXPECT_EQ(test, sim_disk_release(DIO_DISK), 3);
	KUNIT_ASSERT_TRUE(test, tdio_async_wait(&a));
	tdio_seen_stop(&seen, DIO_DISK);
	KUNIT_EXPECT_EQ(test, a.calls, 1);
	KUNIT_EXPECT_EQ(test, a.ret, 1024L);
	KUNIT_EXPECT_EQ(test, iocb.ki_pos, 2048);
	KUNIT_EXPECT_EQ(test, page_ref_count(ZERO_PAGE(0)), zref);
	for (i = 0; i < seen.n && i < TDIO_MAX_SEEN; i++) {
		if (!seen.b[i].zero_entries)
			continue;
		KUNIT_EXPECT_EQ(test, seen.b[i].vcnt, 1U);
		KUNIT_EXPECT_FALSE(test, seen.b[i].pinned);
		KUNIT_EXPECT_FALSE(test, seen.b[i].no_page_ref);
	}
	KUNIT_EXPECT_TRUE(test, tdio_disk_is(test, fs.bdev, 64 * 1024, 1024, 0));
	KUNIT_EXPECT_TRUE(test, tdio_disk_is_pat(test, fs.bdev, 65 * 1024, 1024, 6));
	KUNIT_EXPECT_TRUE(test, tdio_disk_is(test, fs.bdev, 66 * 1024, 2048, 0));
	tdio_async_destroy(&a);
	t_mm_munmap(test, buf, PAGE_SIZE);
	tfs_destroy(test, &fs);
}

/* ---- INV-14: holder counting ------------------------------------------------------ */

struct tdio_inv14 {
	struct page *pages[80];
	unsigned int nr;
	unsigned long checks;
	unsigned long mismatches;
	char first[160];
};

static void tdio_inv14_hook(const struct dio_holders *h, void *arg)
{
	struct tdio_inv14 *v = arg;
	unsigned int i;

	for (i = 0; i < v->nr; i++) {
		long want = dio_holders_expected(h, v->pages[i]);
		long have = sim_small_folio_pins(page_folio(v->pages[i]));

		v->checks++;
		if (want != have && !v->mismatches++)
			snprintf(v->first, sizeof(v->first), "%s: page %u has %ld pins, INV-14 says %ld",
				 h->where, i, have, want);
	}
}

/*
 * A 40-page sync write and read through the legacy engine with the INV-14
 * hook checking every user page at every checkpoint.
 *
 *   file: 10 extents of 16 KiB, each on disk 16 KiB after the previous one
 *         (gaps: every extent its own bio)
 *   pins(P) == queued + working + cur_page + bio entries (in flight or reaped later)
 *
 * Expect no mismatch in hundreds of checks, 10 bios per request, the
 * bytes round-trip, and pins balanced. INV-14, R-DIO-3.
 */
static void dio_inv14_holders(struct kunit *test)
{
	const size_t len = 40 * PAGE_SIZE;
	unsigned long wbuf = tdio_mmap(test, len), rbuf = tdio_mmap(test, len);
	struct tdio_inv14 v = { 0 };
	struct dio_stats st0, st;
	struct tdio_counts c;
	struct tfs fs;
	unsigned int i;

	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	for (i = 0; i < 10; i++)
		tfs_add(&fs, (loff_t)i * 16384, 16384, IOMAP_MAPPED, 0, 1048576 + i * 32768ULL);
	tdio_fill(test, wbuf, len, 11);
	t_mm_fill(test, rbuf, 0, len);
	v.nr = 40;
	for (i = 0; i < 40; i++)
		v.pages[i] = t_mm_page(t_mm(), wbuf + i * PAGE_SIZE);
	dio_test_knobs.holders_arg = &v;
	dio_test_knobs.holders_hook = tdio_inv14_hook;
	dio_stats_read(&st0);
	tdio_counts(&c);

	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, TDIO_LEGACY, true, wbuf, len, 0), (ssize_t)len);
	for (i = 0; i < 40; i++)
		v.pages[i] = t_mm_page(t_mm(), rbuf + i * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, TDIO_LEGACY, false, rbuf, len, 0), (ssize_t)len);
	dio_test_knobs.holders_hook = NULL;
	dio_stats_read(&st);

	KUNIT_EXPECT_EQ_MSG(test, v.mismatches, 0UL, "%s", v.first);
	KUNIT_EXPECT_GE(test, v.checks, 80UL * 40);
	KUNIT_EXPECT_EQ(test, st.bios - st0.bios, 20UL);
	KUNIT_EXPECT_TRUE(test, tdio_user_is_pat(rbuf, len, 11));
	tdio_expect_balanced(test, &c);
	t_mm_munmap(test, wbuf, len);
	t_mm_munmap(test, rbuf, len);
	tfs_destroy(test, &fs);
}

/*
 * 80 single-page extents scattered on disk: 80 bios in one sync request.
 *
 *   bio 1..64 -> bio_list;  the 66th new bio reaps the finished ones
 *   (inline DMA, so every earlier bio has finished by then)
 *
 * Expect exactly one reap pass that collected bios, the bytes on disk, pins balanced. R-DIO-6.
 */
static void dio_legacy_reaps_every_64_bios(struct kunit *test)
{
	const size_t len = 80 * PAGE_SIZE;
	unsigned long buf = tdio_mmap(test, len);
	struct dio_stats st0, st;
	struct tdio_counts c;
	struct tfs fs;
	unsigned int i;
	bool ok = true;

	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	for (i = 0; i < 80; i++)
		tfs_add(&fs, (loff_t)i * 4096, 4096, IOMAP_MAPPED, 0, 1048576 + i * 8192ULL);
	tdio_fill(test, buf, len, 12);
	/* Inline DMA: each bio is finished when the next is built, so the reap finds them. */
	KUNIT_ASSERT_EQ(test, sim_dma_set_threads(0), 0);
	dio_stats_read(&st0);
	tdio_counts(&c);
	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, TDIO_LEGACY, true, buf, len, 0), (ssize_t)len);
	dio_stats_read(&st);
	KUNIT_EXPECT_EQ(test, sim_dma_set_threads(2), 0);
	KUNIT_EXPECT_EQ(test, st.bios - st0.bios, 80UL);
	KUNIT_EXPECT_EQ(test, st.reaps - st0.reaps, 1UL);
	for (i = 0; i < 80 && ok; i++) {
		unsigned char blk[4096];
		size_t j;

		tdio_disk_rw(test, fs.bdev, false, 1048576 + i * 8192LL, blk, 4096);
		for (j = 0; j < 4096 && ok; j++)
			ok = blk[j] == tdio_pat(i * 4096 + j, 12);
	}
	KUNIT_EXPECT_TRUE(test, ok);
	tdio_expect_balanced(test, &c);
	t_mm_munmap(test, buf, len);
	tfs_destroy(test, &fs);
}

/* ---- completions and dirtying -------------------------------------------------- */

/*
 * Async write then async read of 64 KiB through each engine.
 *
 *   submit -> -EIOCBQUEUED ... DMA thread: last bio -> ki_complete(64K)
 *
 * Expect -EIOCBQUEUED (or the byte count if everything finished before the
 * submitter looked), ki_complete called exactly once with 65536 when
 * queued, ki_pos advanced (legacy: only by an async completion; a result
 * returned directly is for the caller to add), the bytes round-trip, the read pages dirty,
 * pins balanced after the deferred re-dirty worker is flushed. R-IOMAP-3,
 * R-DIO-6, R-BIO-11/12.
 */
static void dio_async_round_trip(struct kunit *test)
{
	enum tdio_engine e = *(const enum tdio_engine *)test->param_value;
	const size_t len = 16 * PAGE_SIZE;
	unsigned long wbuf = tdio_mmap(test, len), rbuf = tdio_mmap(test, len);
	struct tdio_counts c;
	struct tfs fs;
	int pass;

	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	tfs_add(&fs, 0, 1 << 20, IOMAP_MAPPED, 0, 2 << 20);
	tdio_fill(test, wbuf, len, 21);
	t_mm_fill(test, rbuf, 0x33, len);
	clear_bit(PG_dirty, &page_folio(t_mm_page(t_mm(), rbuf))->flags);
	tdio_counts(&c);

	for (pass = 0; pass < 2; pass++) {
		bool write = pass == 0;
		struct tdio_async a;
		struct iov_iter iter;
		struct kiocb iocb;
		ssize_t ret;

		tdio_async_init(&a);
		iov_iter_ubuf(&iter, write ? ITER_SOURCE : ITER_DEST, write ? wbuf : rbuf, len);
		tfs_kiocb(&fs, &iocb, 8192, write);
		iocb.ki_complete = tdio_ki_complete;
		iocb.private = &a;
		ret = tfs_engine_rw(&fs, e, &iocb, &iter, 0, 0);
		if (ret == -EIOCBQUEUED) {
			KUNIT_EXPECT_TRUE(test, tdio_async_wait(&a));
			KUNIT_EXPECT_EQ(test, a.calls, 1);
			KUNIT_EXPECT_EQ(test, a.ret, (long)len);
			KUNIT_EXPECT_EQ(test, iocb.ki_pos, 8192 + (loff_t)len);
		} else {
			/* Done before the submitter looked: returned like a sync request. */
			KUNIT_EXPECT_EQ(test, ret, (ssize_t)len);
			KUNIT_EXPECT_EQ(test, a.calls, 0);
			/* __blockdev_direct_IO leaves a sync result's ki_pos to its caller. */
			KUNIT_EXPECT_EQ(test, iocb.ki_pos,
					8192 + (e == TDIO_IOMAP ? (loff_t)len : 0));
		}
		tdio_async_destroy(&a);
	}
	KUNIT_EXPECT_TRUE(test, tdio_user_is_pat(rbuf, len, 21));
	KUNIT_EXPECT_TRUE(test, PageDirty(t_mm_page(t_mm(), rbuf)));
	tdio_expect_balanced(test, &c);
	t_mm_munmap(test, wbuf, len);
	t_mm_munmap(test, rbuf, len);
	tfs_destroy(test, &fs);
}

/*
 * Sync reads dirty their destination pages: a clean user page becomes dirty.
 *
 *   clear PG_dirty on P0..P3 -> DIO read -> PG_dirty set on all four
 *
 * Expect every destination page dirty (iomap: bio_set_pages_dirty() before
 * submission; legacy sync: bio_release_pages(bio, true) when reaped), and
 * pins balanced. R-BIO-11..13, INV-12.
 */
static void dio_sync_read_dirties_pages(struct kunit *test)
{
	enum tdio_engine e = *(const enum tdio_engine *)test->param_value;
	unsigned long buf = tdio_mmap(test, 4 * PAGE_SIZE);
	struct tdio_counts c;
	struct tfs fs;
	unsigned int i;

	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	tfs_add(&fs, 0, 1 << 20, IOMAP_MAPPED, 0, 2 << 20);
	tdio_disk_fill_pat(test, fs.bdev, 2 << 20, 4 * PAGE_SIZE, 4);
	t_mm_fill(test, buf, 0, 4 * PAGE_SIZE);
	for (i = 0; i < 4; i++)
		clear_bit(PG_dirty, &page_folio(t_mm_page(t_mm(), buf + i * PAGE_SIZE))->flags);
	tdio_counts(&c);
	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, e, false, buf, 4 * PAGE_SIZE, 0), 4 * 4096L);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_TRUE_MSG(test, PageDirty(t_mm_page(t_mm(), buf + i * PAGE_SIZE)),
				      "page %u not dirtied", i);
	KUNIT_EXPECT_TRUE(test, tdio_user_is_pat(buf, 4 * PAGE_SIZE, 4));
	tdio_expect_balanced(test, &c);
	t_mm_munmap(test, buf, 4 * PAGE_SIZE);
	tfs_destroy(test, &fs);
}

/* ---- iomap specifics ----------------------------------------------------------- */

/*
 * The first of two bios of one extent fails on the disk before the second
 * is built (inline DMA), so dio->error is set when the loop comes round.
 *
 *   2 MiB read into 512 physically scattered pages
 *            = bio#1 (256 pages, -EIO) | pass 2 sees dio->error:
 *                revert 1 MiB of the iterator, stop
 *
 * Expect -EIO, one revert, exactly one data bio submitted, pins balanced.
 * R-IOMAP-3.
 */
static void dio_iomap_error_reverts_iter(struct kunit *test)
{
	const size_t len = 2UL << 20;
	const struct sim_io_fault fail = { .flags = SIM_IO_FAIL, .error = -EIO, .nth = 1 };
	unsigned long buf = tdio_mmap(test, len);
	struct iomap_dio_stats s0, s;
	struct tdio_counts c;
	struct tfs fs;

	unsigned long i;

	tfs_init(test, &fs, DIO_DISK, 12, 4 << 20);
	tfs_add(&fs, 0, 4 << 20, IOMAP_MAPPED, 0, 0);
	/* Fault the pages in backwards: physically discontiguous, no bvec merges. */
	for (i = len / PAGE_SIZE; i-- > 0;)
		t_mm_fill(test, buf + i * PAGE_SIZE, 1, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, sim_dma_set_threads(0), 0);
	KUNIT_ASSERT_EQ(test, sim_disk_inject(DIO_DISK, &fail), 0);
	iomap_dio_stats_read(&s0);
	tdio_counts(&c);
	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, TDIO_IOMAP, false, buf, len, 0), (ssize_t)-EIO);
	iomap_dio_stats_read(&s);
	KUNIT_EXPECT_EQ(test, s.reverted - s0.reverted, 1UL);
	KUNIT_EXPECT_EQ(test, s.data_bios - s0.data_bios, 1UL);
	sim_disk_inject(DIO_DISK, NULL);
	KUNIT_EXPECT_EQ(test, sim_dma_set_threads(2), 0);
	tdio_expect_balanced(test, &c);
	t_mm_munmap(test, buf, len);
	tfs_destroy(test, &fs);
}

/*
 * A read whose destination faults after the first page, with and without
 * IOMAP_DIO_PARTIAL, and done_before.
 *
 *   user: [P0][unmapped]    read 8 KiB, done_before = 100
 *
 * Expect -EFAULT without PARTIAL, 4096 + 100 with it (P0 holds the data),
 * pins balanced. R-IOMAP (IOMAP_DIO_PARTIAL, done_before).
 */
static void dio_iomap_partial_and_done_before(struct kunit *test)
{
	unsigned long buf = tdio_mmap(test, 2 * PAGE_SIZE);
	struct tdio_counts c;
	struct iov_iter iter;
	struct kiocb iocb;
	struct tfs fs;

	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	tfs_add(&fs, 0, 1 << 20, IOMAP_MAPPED, 0, 2 << 20);
	tdio_disk_fill_pat(test, fs.bdev, 2 << 20, PAGE_SIZE, 8);
	t_mm_fill(test, buf, 0, PAGE_SIZE);
	t_mm_munmap(test, buf + PAGE_SIZE, PAGE_SIZE);
	tdio_counts(&c);

	iov_iter_ubuf(&iter, ITER_DEST, buf, 2 * PAGE_SIZE);
	tfs_kiocb(&fs, &iocb, 0, false);
	KUNIT_EXPECT_EQ(test, iomap_dio_rw(&iocb, &iter, &tfs_iomap_ops, NULL, 0, NULL, 100),
			(ssize_t)-EFAULT);
	iov_iter_ubuf(&iter, ITER_DEST, buf, 2 * PAGE_SIZE);
	tfs_kiocb(&fs, &iocb, 0, false);
	KUNIT_EXPECT_EQ(test, iomap_dio_rw(&iocb, &iter, &tfs_iomap_ops, NULL, IOMAP_DIO_PARTIAL,
					   NULL, 100), 4196L);
	KUNIT_EXPECT_EQ(test, iocb.ki_pos, 4096);
	KUNIT_EXPECT_TRUE(test, tdio_user_is_pat(buf, PAGE_SIZE, 8));
	tdio_expect_balanced(test, &c);
	t_mm_munmap(test, buf, PAGE_SIZE);
	tfs_destroy(test, &fs);
}

/*
 * A block-aligned write into an unwritten extent, and a read of it first.
 *
 *   file [0,8K) UNWRITTEN@64K: read -> zeros, no bio;
 *   write 8K -> bios, end_io(size 8K, IOMAP_DIO_UNWRITTEN)
 *
 * Expect the read to give zeros without touching the disk (which holds
 * 0xEE), the write to reach the disk, and end_io called once per request
 * with the size and, for the write, IOMAP_DIO_UNWRITTEN. R-IOMAP-2/3.
 */
static void dio_iomap_unwritten_end_io(struct kunit *test)
{
	unsigned long buf = tdio_mmap(test, 2 * PAGE_SIZE);
	struct tdio_counts c;
	struct tfs fs;

	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	tfs_add(&fs, 0, 8192, IOMAP_UNWRITTEN, 0, 64 * 1024);
	tdio_disk_fill(test, fs.bdev, 64 * 1024, 8192, 0xee);
	t_mm_fill(test, buf, 0x77, 2 * PAGE_SIZE);
	tdio_counts(&c);

	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, TDIO_IOMAP, false, buf, 2 * PAGE_SIZE, 0), 8192L);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(buf, 0, 2 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, fs.end_io_calls, 1);
	KUNIT_EXPECT_EQ(test, fs.end_io_flags & IOMAP_DIO_UNWRITTEN, 0U);

	tdio_fill(test, buf, 2 * PAGE_SIZE, 14);
	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, TDIO_IOMAP, true, buf, 2 * PAGE_SIZE, 0), 8192L);
	KUNIT_EXPECT_EQ(test, fs.end_io_calls, 2);
	KUNIT_EXPECT_EQ(test, fs.end_io_size, 8192L);
	KUNIT_EXPECT_EQ(test, fs.end_io_error, 0);
	KUNIT_EXPECT_TRUE(test, fs.end_io_flags & IOMAP_DIO_UNWRITTEN);
	KUNIT_EXPECT_TRUE(test, tdio_disk_is_pat(test, fs.bdev, 64 * 1024, 8192, 14));
	KUNIT_EXPECT_EQ(test, atomic_read(&fs.inode.i_dio_count), 0);
	tdio_expect_balanced(test, &c);
	t_mm_munmap(test, buf, 2 * PAGE_SIZE);
	tfs_destroy(test, &fs);
}

/*
 * iomap_dio_rw() at the edges of what iomap_begin may say, one request each
 * on a 4 KiB-block file of 64 KiB (one page of user memory, pattern 21):
 *
 *   case            | extent at 0          | request           | expect
 *   past EOF        | MAPPED               | read at 64 KiB    | 0, no bio, iter unmoved
 *   inline          | INLINE               | read              | -EOPNOTSUPP, no bio
 *   delalloc        | DELALLOC             | read              | -EIO + 1 WARN (never in DIO)
 *   nowait hole     | HOLE                 | NOWAIT write      | -EAGAIN, no bio (R-IOMAP)
 *   nowait new      | MAPPED, F_NEW        | NOWAIT write      | -EAGAIN, no bio
 *   nowait mapped   | MAPPED               | NOWAIT write      | 4096, one bio
 *   shared          | MAPPED, F_SHARED     | write             | 4096, end_io has IOMAP_DIO_COW
 *   dsync           | MAPPED               | O_DSYNC write     | 4096, the bio is REQ_FUA
 *   no memory       | MAPPED               | read, 1st meta    | -ENOMEM, no bio
 *                   |                      | allocation fails  |
 * Every case: the disk's bytes are what the request says, pins balance,
 * i_dio_count back to 0.
 */
static void dio_iomap_extent_edges(struct kunit *test)
{
	static const struct {
		const char *name;
		unsigned short type, flags;
		bool write;
		int iocb_flags;		/* IOCB_NOWAIT, IOCB_DSYNC */
		loff_t pos;
		bool fail_meta;
		ssize_t ret;
		int bios, warns;
		unsigned int end_io_flags;
	} cases[] = {
		{ "past EOF", IOMAP_MAPPED, 0, false, 0, 64 << 10, false, 0, 0, 0, 0 },
		{ "inline", IOMAP_INLINE, 0, false, 0, 0, false, -EOPNOTSUPP, 0, 0, 0 },
		{ "delalloc", IOMAP_DELALLOC, 0, false, 0, 0, false, -EIO, 0, 1, 0 },
		{ "nowait hole", IOMAP_HOLE, 0, true, IOCB_NOWAIT, 0, false, -EAGAIN, 0, 0, 0 },
		{ "nowait new", IOMAP_MAPPED, IOMAP_F_NEW, true, IOCB_NOWAIT, 0, false, -EAGAIN,
		  0, 0, 0 },
		{ "nowait mapped", IOMAP_MAPPED, 0, true, IOCB_NOWAIT, 0, false, 4096, 1, 0, 0 },
		{ "shared", IOMAP_MAPPED, IOMAP_F_SHARED, true, 0, 0, false, 4096, 1, 0,
		  IOMAP_DIO_COW },
		{ "dsync", IOMAP_MAPPED, 0, true, IOCB_DSYNC, 0, false, 4096, 1, 0, 0 },
		{ "no memory", IOMAP_MAPPED, 0, false, 0, 0, true, -ENOMEM, 0, 0, 0 },
	};
	unsigned long buf = tdio_mmap(test, PAGE_SIZE);
	struct tdio_seen *seen = calloc(1, sizeof(*seen));
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, seen);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct tdio_counts c;
		struct iov_iter iter;
		struct kiocb iocb;
		struct tfs fs;
		unsigned long warns = pinio_warnings();
		ssize_t ret;

		tfs_init(test, &fs, DIO_DISK, 12, 64 << 10);
		tfs_add(&fs, 0, 64 << 10, cases[i].type, cases[i].flags, 1 << 20);
		tdio_disk_fill(test, fs.bdev, 1 << 20, PAGE_SIZE, 0xee);
		tdio_fill(test, buf, PAGE_SIZE, 21);
		tdio_counts(&c);
		tdio_seen_start(test, seen, DIO_DISK);
		iov_iter_ubuf(&iter, cases[i].write ? ITER_SOURCE : ITER_DEST, buf, PAGE_SIZE);
		tfs_kiocb(&fs, &iocb, cases[i].pos, cases[i].write);
		iocb.ki_flags |= cases[i].iocb_flags;
		if (cases[i].fail_meta)
			sim_fail_site_after(FAULT_META_ALLOC, 1);
		ret = iomap_dio_rw(&iocb, &iter, &tfs_iomap_ops, &tfs_dio_ops, 0, NULL, 0);
		sim_fail_site_after(FAULT_META_ALLOC, 0);
		tdio_seen_stop(seen, DIO_DISK);
		KUNIT_EXPECT_EQ_MSG(test, ret, cases[i].ret, "%s", cases[i].name);
		KUNIT_EXPECT_EQ_MSG(test, seen->n, cases[i].bios, "%s: bios", cases[i].name);
		KUNIT_EXPECT_EQ_MSG(test, pinio_warnings() - warns, (unsigned long)cases[i].warns,
				    "%s: WARNs", cases[i].name);
		if (ret <= 0)
			KUNIT_EXPECT_EQ_MSG(test, iov_iter_count(&iter), PAGE_SIZE,
					    "%s: the iterator moved", cases[i].name);
		if (cases[i].write && ret > 0) {
			KUNIT_EXPECT_TRUE_MSG(test, tdio_disk_is_pat(test, fs.bdev, 1 << 20,
								   PAGE_SIZE, 21),
					      "%s: data", cases[i].name);
			KUNIT_EXPECT_EQ_MSG(test, fs.end_io_flags & IOMAP_DIO_COW,
					    cases[i].end_io_flags, "%s: COW", cases[i].name);
			KUNIT_EXPECT_EQ_MSG(test, seen->b[0].fua,
					    !!(cases[i].iocb_flags & IOCB_DSYNC), "%s: FUA",
					    cases[i].name);
		} else {
			/* Nothing moved: the disk and the user page are as they were. */
			KUNIT_EXPECT_TRUE_MSG(test, tdio_disk_is(test, fs.bdev, 1 << 20, PAGE_SIZE,
							       0xee), "%s: disk", cases[i].name);
			KUNIT_EXPECT_TRUE_MSG(test, tdio_user_is_pat(buf, PAGE_SIZE, 21),
					      "%s: memory", cases[i].name);
		}
		tdio_expect_balanced(test, &c);
		tfs_destroy(test, &fs);
	}
	kunit_expect_warnings(test, 1);
	free(seen);
	t_mm_munmap(test, buf, PAGE_SIZE);
}

/*
 * __blockdev_direct_IO() (legacy engine) at the request's edges, on a
 * 4 KiB-block file of 64 KiB, MAPPED at 1 MiB, one page of user memory:
 *
 *   case          | request              | expect
 *   past EOF      | read at 64 KiB       | 0, no bio, iterator unmoved, memory unchanged
 *   nowait write  | NOWAIT write at 0    | 4096, one REQ_NOWAIT write bio, data on disk
 *   plain write   | write at 0           | 4096, one write bio without REQ_NOWAIT
 * Pins balance and i_dio_count is back to 0 after each.
 */
static void dio_legacy_request_edges(struct kunit *test)
{
	static const struct {
		const char *name;
		bool write;
		int iocb_flags;
		loff_t pos;
		ssize_t ret;
		int bios;
		bool nowait;
	} cases[] = {
		{ "past EOF", false, 0, 64 << 10, 0, 0, false },
		{ "nowait write", true, IOCB_NOWAIT, 0, 4096, 1, true },
		{ "plain write", true, 0, 0, 4096, 1, false },
	};
	unsigned long buf = tdio_mmap(test, PAGE_SIZE);
	struct tdio_seen *seen = calloc(1, sizeof(*seen));
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, seen);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct tdio_counts c;
		struct iov_iter iter;
		struct kiocb iocb;
		struct tfs fs;
		ssize_t ret;

		tfs_init(test, &fs, DIO_DISK, 12, 64 << 10);
		tfs_add(&fs, 0, 64 << 10, IOMAP_MAPPED, 0, 1 << 20);
		tdio_disk_fill(test, fs.bdev, 1 << 20, PAGE_SIZE, 0xee);
		tdio_fill(test, buf, PAGE_SIZE, 22);
		tdio_counts(&c);
		tdio_seen_start(test, seen, DIO_DISK);
		iov_iter_ubuf(&iter, cases[i].write ? ITER_SOURCE : ITER_DEST, buf, PAGE_SIZE);
		tfs_kiocb(&fs, &iocb, cases[i].pos, cases[i].write);
		iocb.ki_flags |= cases[i].iocb_flags;
		ret = tfs_engine_rw(&fs, TDIO_LEGACY, &iocb, &iter, 0, 0);
		tdio_seen_stop(seen, DIO_DISK);
		KUNIT_EXPECT_EQ_MSG(test, ret, cases[i].ret, "%s", cases[i].name);
		KUNIT_EXPECT_EQ_MSG(test, seen->n, cases[i].bios, "%s: bios", cases[i].name);
		if (cases[i].bios)
			KUNIT_EXPECT_EQ_MSG(test, seen->b[0].nowait, cases[i].nowait, "%s: NOWAIT",
					    cases[i].name);
		if (cases[i].write)
			KUNIT_EXPECT_TRUE_MSG(test, tdio_disk_is_pat(test, fs.bdev, 1 << 20,
								   PAGE_SIZE, 22),
					      "%s: data", cases[i].name);
		else
			KUNIT_EXPECT_TRUE_MSG(test, iov_iter_count(&iter) == PAGE_SIZE &&
					      tdio_user_is_pat(buf, PAGE_SIZE, 22),
					      "%s: nothing moved", cases[i].name);
		tdio_expect_balanced(test, &c);
		tfs_destroy(test, &fs);
	}
	free(seen);
	t_mm_munmap(test, buf, PAGE_SIZE);
}

/* ---- profiles: v21 references and R-BUG-5 ------------------------------------------ */

static const enum sim_profile tdio_ref_profiles[] = { SIM_PROFILE_V6_4, SIM_PROFILE_V21 };

static void tdio_ref_profile_desc(const enum sim_profile *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", *p == SIM_PROFILE_V21 ? "v21" : "v6.4");
}
KUNIT_ARRAY_PARAM(tdio_ref_profile, tdio_ref_profiles, tdio_ref_profile_desc);

/*
 * The legacy engine before it used pins: a 3-page write with the middle
 * page unmapped, under the v6.4 and v21 profiles.
 *
 *   v6.4: FOLL_GET refs, bio flag none (BIO_NO_PAGE_REF clear = put)
 *   v21:  FOLL_GET refs, bio BIO_PAGE_REFFED ("for now require references")
 *   zero page substituted with get_page() and put at completion
 *
 * Expect no pin acquired or released, references balanced (refcounts of
 * the user pages and the zero page back to their start), the bio flagged
 * as the profile says, the zero entries present. R-DIO-2, R-DIO-6, R-BIO-1.
 */
static void dio_legacy_reference_profiles(struct kunit *test)
{
	enum sim_profile profile = *(const enum sim_profile *)test->param_value;
	struct tdio_counts c, a;
	struct tdio_seen seen;
	unsigned long buf;
	struct tfs fs;
	int ref0;

	tdio_reboot(test, profile);
	buf = tdio_mmap(test, 3 * PAGE_SIZE);
	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	tfs_add(&fs, 0, 12 * 1024, IOMAP_MAPPED, 0, 128 * 1024);
	tdio_fill(test, buf, 3 * PAGE_SIZE, 2);
	t_mm_munmap(test, buf + PAGE_SIZE, PAGE_SIZE);
	ref0 = page_ref_count(t_mm_page(t_mm(), buf));
	tdio_seen_start(test, &seen, DIO_DISK);
	tdio_counts(&c);

	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, TDIO_LEGACY, true, buf, 3 * PAGE_SIZE, 0),
			(ssize_t)-EFAULT);
	tdio_seen_stop(&seen, DIO_DISK);
	tdio_counts(&a);
	KUNIT_EXPECT_EQ(test, a.acquired, c.acquired);
	KUNIT_EXPECT_EQ(test, a.released, c.released);
	KUNIT_EXPECT_GT(test, a.gets, c.gets);
	KUNIT_EXPECT_EQ(test, a.zero_ref, c.zero_ref);
	KUNIT_EXPECT_EQ(test, page_ref_count(t_mm_page(t_mm(), buf)), ref0);
	KUNIT_ASSERT_EQ(test, seen.n, 1);
	KUNIT_EXPECT_FALSE(test, seen.b[0].pinned);
	KUNIT_EXPECT_EQ(test, seen.b[0].reffed, profile == SIM_PROFILE_V21);
	KUNIT_EXPECT_FALSE(test, seen.b[0].no_page_ref);
	KUNIT_EXPECT_EQ(test, seen.b[0].zero_entries, 2U);
	KUNIT_EXPECT_TRUE(test, tdio_disk_is_pat(test, fs.bdev, 128 * 1024, 4096, 2));
	KUNIT_EXPECT_TRUE(test, tdio_disk_is(test, fs.bdev, 132 * 1024, 8192, 0));
	t_mm_munmap(test, buf, PAGE_SIZE);
	t_mm_munmap(test, buf + 2 * PAGE_SIZE, PAGE_SIZE);
	tfs_destroy(test, &fs);
}

/*
 * R-BUG-5 on purpose: under v21, the knob pinned_but_reffed pins the pages
 * (extraction pin, folio_add_pin for cur_page and the bio) but leaves the
 * bio BIO_PAGE_REFFED, so completion put_page()s a page holding +1024.
 *
 *   per page: +1024 extract, +1024 cur, +1024 bio; -1024, -1024, -1 (put)
 *   => refcount +1023 and one pin left per page
 *
 * Expect both user pages at base + 1023 with one pin outstanding each (the
 * leak the kernel test robot hit); the test then repairs them. R-BUG-5,
 * EDGE-33.
 */
static void dio_rbug5_pinned_but_reffed_leaks(struct kunit *test)
{
	unsigned long buf;
	struct page *p[2];
	struct tfs fs;
	int ref0[2], i;

	tdio_reboot(test, SIM_PROFILE_V21);
	buf = tdio_mmap(test, 2 * PAGE_SIZE);
	tfs_init(test, &fs, DIO_DISK, 12, 1 << 20);
	tfs_add(&fs, 0, 1 << 20, IOMAP_MAPPED, 0, 2 << 20);
	tdio_fill(test, buf, 2 * PAGE_SIZE, 3);
	for (i = 0; i < 2; i++) {
		p[i] = t_mm_page(t_mm(), buf + (unsigned long)i * PAGE_SIZE);
		ref0[i] = page_ref_count(p[i]);
	}
	dio_test_knobs.pinned_but_reffed = true;
	KUNIT_EXPECT_EQ(test, tfs_dio(&fs, TDIO_LEGACY, true, buf, 2 * PAGE_SIZE, 0),
			2 * 4096L);
	dio_test_knobs.pinned_but_reffed = false;
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ(test, page_ref_count(p[i]) - ref0[i], 1023);
		KUNIT_EXPECT_EQ(test, sim_small_folio_pins(page_folio(p[i])), 1L);
		/* Repair: give back the missing reference, then the leaked pin. */
		get_page(p[i]);
		unpin_user_page(p[i]);
		KUNIT_EXPECT_EQ(test, page_ref_count(p[i]), ref0[i]);
	}
	KUNIT_EXPECT_TRUE(test, tdio_disk_is_pat(test, fs.bdev, 2 << 20, 2 * PAGE_SIZE, 3));
	t_mm_munmap(test, buf, 2 * PAGE_SIZE);
	tfs_destroy(test, &fs);
}

/* ---- the same workload through three paths ------------------------------------------ */

struct tdio_op {
	bool write;
	loff_t off;
	size_t len;
	unsigned int seed;
	size_t buf_off;		/* offset into the user buffer (512-aligned) */
};

static const struct tdio_op tdio_workload[] = {
	{ true, 0, 4096, 1, 0 },
	{ true, 8192, 65536, 2, 512 },
	{ true, 4096, 512, 3, 1024 },
	{ true, 131072, 1 << 20, 4, 0 },
	{ true, 1536, 2560, 5, 3584 },
	{ false, 0, 1 << 20, 0, 0 },
	{ true, 2 << 20, 300 * 4096, 6, 4096 },
	{ false, 4096, 8192, 0, 512 },
	{ true, 65536 + 512, 7 * 512, 7, 2048 },
	{ false, 2 << 20, 300 * 4096, 0, 0 },
};

enum tdio_path { TDIO_PATH_IOMAP, TDIO_PATH_LEGACY, TDIO_PATH_RAW };

/*
 * One O_DIRECT workload (aligned and 512-byte-granular writes, reads,
 * multi-bio requests, odd user buffer offsets) through iomap on "dio0",
 * legacy on "dio1" (both with a 4 KiB-block tfs mapping file offset x to
 * disk byte x) and the raw device /dev/dio2.
 *
 *   same ops ─┬─ iomap_dio_rw ──────── dio0 ─┐
 *             ├─ __blockdev_direct_IO ─ dio1 ─┼─ byte-for-byte equal
 *             └─ sim_pwrite/pread ──── dio2 ─┘
 *
 * Expect every call to return its length, the three disks identical over
 * the 4 MiB touched, reads returning the same bytes on every path, and
 * pins balanced per path (legacy: released - acquired == folio_add_pin
 * calls, R-BUG-7), nothing outstanding. R-IOMAP-3, R-DIO-1..6, INV-9.
 */
static void dio_same_workload_three_paths(struct kunit *test)
{
	static const char *const disks[] = { "dio0", "dio1", "dio2" };
	const size_t ulen = 2UL << 20, cmp = 4UL << 20;
	unsigned char *img[3], *rd[3];
	struct block_device *bdevs[3];
	unsigned long buf;
	struct tfs fs;
	unsigned int p, k;

	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("dio1", DIO_DISK_BYTES, 512), 0);
	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("dio2", DIO_DISK_BYTES, 512), 0);
	buf = tdio_mmap(test, ulen);
	for (p = 0; p < 3; p++) {
		img[p] = malloc(cmp);
		rd[p] = malloc(ulen * ARRAY_SIZE(tdio_workload));
		KUNIT_ASSERT_NOT_NULL(test, img[p]);
		KUNIT_ASSERT_NOT_NULL(test, rd[p]);
	}

	for (p = 0; p < 3; p++) {
		struct tdio_counts c, a;
		int fd = -1;

		if (p == TDIO_PATH_RAW) {
			fd = sim_open("/dev/dio2", O_RDWR | O_DIRECT, 0);
			KUNIT_ASSERT_GE(test, fd, 0);
		} else {
			tfs_init(test, &fs, disks[p], 12, DIO_DISK_BYTES);
			tfs_add(&fs, 0, DIO_DISK_BYTES, IOMAP_MAPPED, 0, 0);
		}
		tdio_counts(&c);
		for (k = 0; k < ARRAY_SIZE(tdio_workload); k++) {
			const struct tdio_op *op = &tdio_workload[k];
			unsigned long ua = buf + op->buf_off;
			ssize_t ret;

			if (op->write)
				tdio_fill(test, ua, op->len, op->seed);
			else
				t_mm_fill(test, ua, 0x5a, op->len);
			if (p == TDIO_PATH_RAW)
				ret = op->write ? sim_pwrite(fd, ua, op->len, op->off)
						: sim_pread(fd, ua, op->len, op->off);
			else
				ret = tfs_dio(&fs, p == TDIO_PATH_IOMAP ? TDIO_IOMAP : TDIO_LEGACY,
					      op->write, ua, op->len, op->off);
			KUNIT_EXPECT_EQ_MSG(test, ret, (ssize_t)op->len, "path %u op %u", p, k);
			if (!op->write)
				KUNIT_EXPECT_EQ(test, sim_user_read(ua, rd[p] + k * ulen, op->len),
						(ssize_t)op->len);
		}
		bio_dirty_flush();
		tdio_counts(&a);
		KUNIT_EXPECT_GT_MSG(test, a.acquired - c.acquired, 0UL, "path %u pinned nothing", p);
		KUNIT_EXPECT_EQ_MSG(test, (a.released - c.released) - (a.acquired - c.acquired),
				    p == TDIO_PATH_LEGACY ? a.add_pins - c.add_pins : 0UL,
				    "path %u: acquired %lu released %lu add_pin %lu", p,
				    a.acquired - c.acquired, a.released - c.released,
				    a.add_pins - c.add_pins);
		if (p == TDIO_PATH_LEGACY)
			KUNIT_EXPECT_GT(test, a.add_pins - c.add_pins, 0UL);
		KUNIT_EXPECT_EQ(test, sim_vmstat("pinio_pins_outstanding"), 0UL);
		if (p == TDIO_PATH_RAW) {
			KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
		} else {
			tfs_destroy(test, &fs);
		}
		bdevs[p] = t_blk_open(test, disks[p]);
		tdio_disk_rw(test, bdevs[p], false, 0, img[p], cmp);
		blkdev_put(bdevs[p]);
	}
	KUNIT_EXPECT_TRUE(test, memcmp(img[0], img[2], cmp) == 0);
	KUNIT_EXPECT_TRUE(test, memcmp(img[1], img[2], cmp) == 0);
	for (k = 0; k < ARRAY_SIZE(tdio_workload); k++) {
		if (tdio_workload[k].write)
			continue;
		KUNIT_EXPECT_TRUE_MSG(test, !memcmp(rd[0] + k * ulen, rd[2] + k * ulen,
						    tdio_workload[k].len), "iomap read %u differs", k);
		KUNIT_EXPECT_TRUE_MSG(test, !memcmp(rd[1] + k * ulen, rd[2] + k * ulen,
						    tdio_workload[k].len), "legacy read %u differs", k);
	}
	/* Spot check: op 3's 1 MiB landed where it was written. */
	KUNIT_EXPECT_TRUE(test, tdio_buf_is_pat(img[2] + 131072, 1 << 20, 4));
	for (p = 0; p < 3; p++) {
		free(img[p]);
		free(rd[p]);
	}
	t_mm_munmap(test, buf, ulen);
}

/* ---- through simfs (both dio= mount options) ---------------------------------------- */

static const char *const tdio_mount_opts[] = { "dio=iomap", "dio=legacy" };

static void tdio_mount_desc(const char *const *o, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", *o);
}
KUNIT_ARRAY_PARAM(tdio_mount, tdio_mount_opts, tdio_mount_desc);

static int tdio_simfs_open(struct kunit *test, const char *opts, const char *name, int flags)
{
	char path[64];
	int fd;

	KUNIT_ASSERT_EQ(test, sim_mkfs("/dev/" DIO_DISK, "simfs", "bs=4096"), 0);
	KUNIT_ASSERT_EQ(test, sim_mount("/dev/" DIO_DISK, "/mnt", opts), 0);
	snprintf(path, sizeof(path), "/mnt/%s", name);
	fd = sim_open(path, flags, 0644);
	KUNIT_ASSERT_GE_MSG(test, fd, 0, "sim_open(%s): %d", path, fd);
	return fd;
}

/*
 * A sub-block O_DIRECT write into a new file on simfs (4 KiB blocks on a
 * 512-byte disk), read back directly.
 *
 *   file block 0: [ 1K zeros | 1K data | ... ]   i_size 2048
 *
 * Expect 1024 written, a 4 KiB direct read to return 2048 (EOF), the
 * first KiB zeros and the second the data, the zero page's refcount
 * untouched and pins balanced with either engine. R-IOMAP-2, R-DIO-5.
 */
static void dio_simfs_subblock_write(struct kunit *test)
{
	const char *opts = *(const char *const *)test->param_value;
	unsigned long buf = tdio_mmap(test, PAGE_SIZE);
	unsigned char got[2048];
	struct tdio_counts c;
	int fd;

	fd = tdio_simfs_open(test, opts, "sub", O_RDWR | O_CREAT | O_DIRECT);
	tdio_fill(test, buf, 1024, 31);
	tdio_counts(&c);
	KUNIT_EXPECT_EQ(test, sim_pwrite(fd, buf, 1024, 1024), 1024L);
	t_mm_fill(test, buf, 0x99, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sim_pread(fd, buf, PAGE_SIZE, 0), 2048L);
	KUNIT_ASSERT_EQ(test, sim_user_read(buf, got, sizeof(got)), (ssize_t)sizeof(got));
	KUNIT_EXPECT_TRUE(test, t_mem_is(got, 0, 1024));
	KUNIT_EXPECT_TRUE(test, tdio_buf_is_pat(got + 1024, 1024, 31));
	tdio_expect_balanced(test, &c);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount("/mnt"), 0);
	t_mm_munmap(test, buf, PAGE_SIZE);
}

/*
 * A sparse simfs file read with O_DIRECT, sync and async.
 *
 *   file: [ hole 0..64K ][ data 64K..128K ]
 *   aio read 128K -> one completion of 131072
 *
 * Expect the hole to read as zeros and the data as written, through the
 * sync path and through the async ring (one completion, the full count),
 * and pins balanced with either engine. R-IOMAP-3, R-DIO-6.
 */
static void dio_simfs_sparse_sync_async(struct kunit *test)
{
	const char *opts = *(const char *const *)test->param_value;
	const size_t len = 128 * 1024;
	unsigned long wbuf = tdio_mmap(test, len / 2), rbuf = tdio_mmap(test, len);
	struct sim_aio *ring;
	struct tdio_counts c;
	int64_t res = 0;
	uint64_t tag = 0;
	int fd, pass;

	fd = tdio_simfs_open(test, opts, "sparse", O_RDWR | O_CREAT | O_DIRECT);
	tdio_fill(test, wbuf, len / 2, 32);
	tdio_counts(&c);
	KUNIT_EXPECT_EQ(test, sim_pwrite(fd, wbuf, len / 2, (off_t)(len / 2)), (ssize_t)(len / 2));
	ring = sim_aio_create(4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ring));
	for (pass = 0; pass < 2; pass++) {
		t_mm_fill(test, rbuf, 0x44, len);
		if (pass == 0) {
			KUNIT_EXPECT_EQ(test, sim_pread(fd, rbuf, len, 0), (ssize_t)len);
		} else {
			KUNIT_EXPECT_EQ(test, sim_aio_submit(ring, fd, false, rbuf, len, 0, 7), 0);
			KUNIT_EXPECT_EQ(test, sim_aio_reap(ring, 1, 1, &res, &tag), 1);
			KUNIT_EXPECT_EQ(test, res, (int64_t)len);
			KUNIT_EXPECT_EQ(test, tag, 7ULL);
		}
		KUNIT_EXPECT_TRUE_MSG(test, t_mm_bytes_are(rbuf, 0, len / 2), "pass %d", pass);
		KUNIT_EXPECT_TRUE_MSG(test, tdio_user_is_pat(rbuf + len / 2, len / 2, 32),
				      "pass %d", pass);
	}
	sim_aio_destroy(ring);
	tdio_expect_balanced(test, &c);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount("/mnt"), 0);
	t_mm_munmap(test, wbuf, len / 2);
	t_mm_munmap(test, rbuf, len);
}

static struct kunit_case dio_test_cases[] = {
	KUNIT_CASE_PARAM(dio_read_holes_zero_filled, tdio_engine_gen_params),
	KUNIT_CASE_PARAM(dio_write_into_hole_falls_back, tdio_engine_gen_params),
	KUNIT_CASE_PARAM(dio_edge26_fault_substitutes_zero_page, tdio_engine_gen_params),
	KUNIT_CASE(dio_edge27_cleanup_twice),
	KUNIT_CASE_PARAM(dio_edge28_kernel_iter_no_pins, tdio_engine_gen_params),
	KUNIT_CASE_PARAM(dio_edge29_subblock_zeroing, tdio_engine_gen_params),
	KUNIT_CASE_PARAM(dio_edge30_iomap_dio_zero_refcount, tdio_zero_profile_gen_params),
	KUNIT_CASE(dio_inv14_holders),
	KUNIT_CASE(dio_legacy_reaps_every_64_bios),
	KUNIT_CASE_PARAM(dio_async_round_trip, tdio_engine_gen_params),
	KUNIT_CASE_PARAM(dio_sync_read_dirties_pages, tdio_engine_gen_params),
	KUNIT_CASE(dio_iomap_error_reverts_iter),
	KUNIT_CASE(dio_iomap_partial_and_done_before),
	KUNIT_CASE(dio_iomap_unwritten_end_io),
	KUNIT_CASE(dio_iomap_extent_edges),
	KUNIT_CASE(dio_legacy_request_edges),
	KUNIT_CASE_PARAM(dio_legacy_reference_profiles, tdio_ref_profile_gen_params),
	KUNIT_CASE(dio_rbug5_pinned_but_reffed_leaks),
	KUNIT_CASE(dio_same_workload_three_paths),
	KUNIT_CASE_PARAM(dio_simfs_subblock_write, tdio_mount_gen_params),
	KUNIT_CASE_PARAM(dio_simfs_sparse_sync_async, tdio_mount_gen_params),
	{}
};

struct kunit_suite dio_suite = {
	.name = "dio",
	.init = dio_test_init,
	.exit = dio_test_exit,
	.test_cases = dio_test_cases,
};
