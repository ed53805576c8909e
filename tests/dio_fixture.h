/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/dio_fixture.h - the fixture of the dio suites (tests/dio_fixture.c):
 * the extent table fs (tfs), issuing I/O through either engine, observing
 * bios and counters, user and disk patterns.
 */
#ifndef PINIO_TESTS_DIO_FIXTURE_H
#define PINIO_TESTS_DIO_FIXTURE_H

#include <pthread.h>
#include <stdbool.h>

#include <pinio/blkdev.h>
#include <pinio/fs.h>
#include <pinio/iomap.h>
#include <pinio/sim.h>

#include "kunit/test.h"

#define DIO_DISK		"dio0"
#define DIO_DISK_BYTES		(8UL << 20)
#define TFS_MAX_EXTENTS		160

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

enum tdio_engine { TDIO_IOMAP, TDIO_LEGACY };

struct tdio_async {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int calls;
	long ret;
};

struct tdio_counts {
	unsigned long acquired, released, add_pins, gets;
	int zero_ref;
};

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

extern const struct sim_config dio_cfg;
extern const enum tdio_engine tdio_engines[2];
/* The tfs's iomap_begin and end_io (a test may call iomap_dio_rw() itself). */
extern const struct iomap_ops tfs_iomap_ops;
extern const struct iomap_dio_ops tfs_dio_ops;

/* An async kiocb's ki_complete: records into the struct tdio_async at iocb->private. */
void tdio_ki_complete(struct kiocb *iocb, long ret);

int dio_test_init(struct kunit *test);
void dio_test_exit(struct kunit *test);
void tfs_init(struct kunit *test, struct tfs *fs, const char *disk, unsigned int blkbits,
	      loff_t i_size);
void tfs_destroy(struct kunit *test, struct tfs *fs);
void tfs_add(struct tfs *fs, loff_t off, uint64_t len, unsigned short type,
	     unsigned short flags, uint64_t addr);
void tdio_engine_desc(const enum tdio_engine *e, char *desc);
void tdio_async_init(struct tdio_async *a);
bool tdio_async_wait(struct tdio_async *a);
void tdio_async_destroy(struct tdio_async *a);
ssize_t tfs_engine_rw(struct tfs *fs, enum tdio_engine e, struct kiocb *iocb,
		      struct iov_iter *iter, unsigned int dio_flags, size_t done_before);
void tfs_kiocb(struct tfs *fs, struct kiocb *iocb, loff_t pos, bool write);
ssize_t tfs_dio(struct tfs *fs, enum tdio_engine e, bool write, unsigned long addr,
		size_t len, loff_t pos);
void tdio_counts(struct tdio_counts *c);
void tdio_expect_balanced(struct kunit *test, const struct tdio_counts *b);
void tdio_seen_start(struct kunit *test, struct tdio_seen *s, const char *disk);
void tdio_seen_stop(struct tdio_seen *s, const char *disk);
unsigned char tdio_pat(unsigned long i, unsigned int seed);
unsigned long tdio_mmap(struct kunit *test, size_t len);
void tdio_fill(struct kunit *test, unsigned long addr, size_t len, unsigned int seed);
bool tdio_buf_is_pat(const unsigned char *buf, size_t len, unsigned int seed);
bool tdio_user_is_pat(unsigned long addr, size_t len, unsigned int seed);
void tdio_disk_rw(struct kunit *test, struct block_device *bdev, bool write, loff_t off,
		  void *buf, size_t len);
void tdio_disk_fill(struct kunit *test, struct block_device *bdev, loff_t off, size_t len,
		    int c);
void tdio_disk_fill_pat(struct kunit *test, struct block_device *bdev, loff_t off,
			size_t len, unsigned int seed);
bool tdio_disk_is(struct kunit *test, struct block_device *bdev, loff_t off, size_t len,
		  int c);
bool tdio_disk_is_pat(struct kunit *test, struct block_device *bdev, loff_t off,
		      size_t len, unsigned int seed);
void tdio_reboot(struct kunit *test, enum sim_profile profile);

#endif /* PINIO_TESTS_DIO_FIXTURE_H */
