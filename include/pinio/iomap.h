/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinio/iomap.h - the iomap interface between a filesystem and the
 * direct-I/O engine (include/linux/iomap.h, fs/iomap/direct-io.c, v6.5).
 *
 * The filesystem answers "what is at file offset pos, for how long" with a
 * struct iomap (a hole, a mapped extent, an unwritten extent; IOMAP_F_NEW
 * for blocks it just allocated); iomap_dio_rw() builds bios from the user's
 * iov_iter per extent, zeroes the uncovered head and tail of new or
 * unwritten blocks with ZERO_PAGE(0) (R-IOMAP-1/2) and completes sync or
 * async.
 */
#ifndef PINIO_IOMAP_H
#define PINIO_IOMAP_H

#include <pinio/fs.h>
#include <pinio/uio.h>
#include <pinio/blk_types.h>

#define IOMAP_NULL_ADDR		((uint64_t)-1)

/* iomap->type */
#define IOMAP_HOLE		0
#define IOMAP_DELALLOC		1
#define IOMAP_MAPPED		2
#define IOMAP_UNWRITTEN		3
#define IOMAP_INLINE		4

/* iomap->flags */
#define IOMAP_F_NEW		(1U << 0)
#define IOMAP_F_DIRTY		(1U << 1)
#define IOMAP_F_SHARED		(1U << 2)

/* iomap_begin() flags */
#define IOMAP_WRITE		(1U << 0)
#define IOMAP_ZERO		(1U << 1)
#define IOMAP_REPORT		(1U << 2)
#define IOMAP_DIRECT		(1U << 4)
#define IOMAP_NOWAIT		(1U << 5)

/**
 * struct iomap - one extent of a file.
 * @addr: disk address in bytes, or IOMAP_NULL_ADDR for a hole.
 * @offset: file offset of the extent's start.
 * @length: bytes.
 * @type: IOMAP_HOLE, IOMAP_MAPPED, IOMAP_UNWRITTEN, ...
 * @flags: IOMAP_F_NEW, ...
 * @bdev: the device @addr refers to.
 */
struct iomap {
	uint64_t addr;
	long long offset;
	uint64_t length;
	unsigned short type;
	unsigned short flags;
	struct block_device *bdev;
	void *private;
};

struct iomap_ops {
	int (*iomap_begin)(struct inode *inode, long long pos, long long length,
			   unsigned int flags, struct iomap *iomap, struct iomap *srcmap);
	int (*iomap_end)(struct inode *inode, long long pos, long long length,
			 ssize_t written, unsigned int flags, struct iomap *iomap);
};

struct iomap_dio;

struct iomap_dio_ops {
	/* Convert unwritten extents, update i_size: after all bios completed. */
	int (*end_io)(struct kiocb *iocb, ssize_t size, int error, unsigned int flags);
};

/* iomap_dio_rw() dio_flags */
#define IOMAP_DIO_FORCE_WAIT	(1U << 0)
#define IOMAP_DIO_OVERWRITE_ONLY (1U << 1)
#define IOMAP_DIO_PARTIAL	(1U << 2)

/* end_io flags */
#define IOMAP_DIO_UNWRITTEN	(1U << 0)
#define IOMAP_DIO_COW		(1U << 1)

ssize_t iomap_dio_rw(struct kiocb *iocb, struct iov_iter *iter, const struct iomap_ops *ops,
		     const struct iomap_dio_ops *dops, unsigned int dio_flags, void *private,
		     size_t done_before);

#endif /* PINIO_IOMAP_H */
