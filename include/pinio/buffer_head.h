/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinio/buffer_head.h - the get_block interface of the legacy direct-I/O
 * engine (include/linux/buffer_head.h, fs/direct-io.c).
 *
 * Only what __blockdev_direct_IO() needs: a buffer_head used as the
 * answer of get_block() ("file block iblock maps to disk block b_blocknr,
 * for b_size bytes; BH_Mapped / BH_New / BH_Unwritten / BH_Boundary").
 * No buffer cache.
 */
#ifndef PINIO_BUFFER_HEAD_H
#define PINIO_BUFFER_HEAD_H

#include <pinio/fs.h>
#include <pinio/uio.h>

enum bh_state_bits {
	BH_Uptodate,
	BH_Dirty,
	BH_Mapped,
	BH_New,
	BH_Boundary,
	BH_Unwritten,
};

struct buffer_head {
	unsigned long b_state;
	uint64_t b_blocknr;		/* in filesystem blocks */
	size_t b_size;			/* bytes wanted on input, mapped on output */
	struct block_device *b_bdev;
	void *b_private;
};

#define BUFFER_FNS(bit, name)						\
static inline void set_buffer_##name(struct buffer_head *bh) { bh->b_state |= 1UL << BH_##bit; } \
static inline void clear_buffer_##name(struct buffer_head *bh) { bh->b_state &= ~(1UL << BH_##bit); } \
static inline bool buffer_##name(const struct buffer_head *bh) { return bh->b_state & (1UL << BH_##bit); }

BUFFER_FNS(Mapped, mapped)
BUFFER_FNS(New, new)
BUFFER_FNS(Boundary, boundary)
BUFFER_FNS(Unwritten, unwritten)

/* Map file block @iblock of @inode; @create allocates (writes). 0 or -errno. */
typedef int (get_block_t)(struct inode *inode, uint64_t iblock, struct buffer_head *bh_result,
			  int create);
typedef int (dio_iodone_t)(struct kiocb *iocb, long long offset, ssize_t bytes, void *private);

/* __blockdev_direct_IO() flags */
#define DIO_LOCKING		0x01
#define DIO_SKIP_HOLES		0x02

ssize_t __blockdev_direct_IO(struct kiocb *iocb, struct inode *inode, struct block_device *bdev,
			     struct iov_iter *iter, get_block_t get_block,
			     dio_iodone_t end_io, int flags);

#endif /* PINIO_BUFFER_HEAD_H */
