/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/ops/blk.h - what the block and filesystem ops share: the targets
 * and their byte models (tests/ops/blk.c), the held async I/O, the
 * O_DIRECT ops (tests/ops/blk_dio.c) and the buffered, mmap, truncate,
 * splice and fsync ops (tests/ops/blk_file.c). Internal to tests/ops/.
 */
#ifndef PINIO_TESTS_OPS_BLK_H
#define PINIO_TESTS_OPS_BLK_H

#include "tests/ops/interp.h"

#define BLK_RAW		0
#define BLK_IOMAP	1
#define BLK_LEGACY	2
#define BLK_CAP		(192UL << 10)		/* model bytes per target */
#define BLK_RAW_SIZE	(132UL << 10)		/* raw disk: reads and writes straddle its end */
#define BLK_FS_DISK	(4UL << 20)
#define BLK_MAX_IO	(OPS_RW_MAX_PAGES * PAGE_SIZE - PAGE_SIZE)
#define BLK_MAX_INFLIGHT 8
#define BLK_IO_PAGES	6
#define PAGE_ALIGN_UP(x)	(((x) + PAGE_SIZE - 1) & PAGE_MASK)

struct blk_target {
	bool ready;
	bool raw;
	const char *dev;	/* disk name */
	const char *path;	/* what sim_open() takes */
	unsigned long size;	/* file size, or the disk's capacity */
	unsigned char *data;	/* BLK_CAP bytes */
	unsigned char *unknown;	/* BLK_CAP marks */
	unsigned int inflight;
	unsigned int inflight_writes;
};

/* One async I/O held in flight. */
struct blk_aio {
	uint64_t tag;
	int target;
	bool write;
	long off;
	unsigned long addr, len, want;
	long pins, zrefs, hzpins;	/* what it holds, measured at submit */
	long submit_op;			/* index of the op that submitted it */
	unsigned int npages;
	struct ops_entry e[BLK_IO_PAGES];
	struct page *page[BLK_IO_PAGES];	/* what the task mapped after the submit */
};

struct ops_blk {
	struct ops_hold_watch *w;
	struct blk_target tg[OPS_NR_TARGETS];
	struct sim_aio *ring;
	struct blk_aio io[BLK_MAX_INFLIGHT];
	unsigned int nio;
	uint64_t next_tag;
	unsigned char tmp[OPS_RW_MAX_PAGES * PAGE_SIZE];
	unsigned char want[OPS_RW_MAX_PAGES * PAGE_SIZE];
};

extern const char *const tg_dev[OPS_NR_TARGETS];
extern const unsigned long tg_bsize[OPS_NR_TARGETS];

static inline unsigned int op_target(const struct ops_op *op)
{
	return (op->arg >> 24) % OPS_NR_TARGETS;
}

static inline unsigned int op_sub(const struct ops_op *op)
{
	return (op->arg >> 24) / OPS_NR_TARGETS;
}

struct blk_buf {
	unsigned long addr, len;
	bool ok;		/* the whole buffer has the access the op needs */
	bool none;		/* not even its first byte has it */
};

/* tests/ops/blk.c */
bool blk_target_setup(struct ops_ctx *c, unsigned int i);
int blk_target_fd(struct ops_ctx *c, struct ops_mtask *t, unsigned int i, bool direct);
void blk_file_store(struct blk_target *tg, unsigned long off, const unsigned char *buf,
		    unsigned long len);
void blk_file_forget(struct blk_target *tg, unsigned long off, unsigned long len);
void blk_file_resize(struct blk_target *tg, unsigned long size);
void blk_file_check(struct ops_ctx *c, struct blk_target *tg, unsigned long off,
		    const unsigned char *got, unsigned long len, const char *how);
void blk_mem_bytes(struct ops_mtask *t, unsigned long addr, unsigned long len,
		   unsigned char *buf);
void blk_mem_landed(struct ops_ctx *c, struct ops_mtask *t, struct blk_target *tg,
		    unsigned long off, unsigned long addr, unsigned long len, const char *how);
void blk_mem_adopt(struct ops_ctx *c, struct ops_mtask *t, unsigned long addr,
		   unsigned long len);
void blk_reap(struct ops_ctx *c, unsigned int min);
void blk_complete_target(struct ops_ctx *c, int i);
int blk_target_begin(struct ops_ctx *c, struct ops_mtask *t, unsigned int ti, bool direct,
		     struct blk_target **tgp);

/* tests/ops/blk_dio.c */
void blk_op_buf(const struct ops_op *op, struct ops_mtask *t, unsigned long len,
		unsigned long shift, bool to_mem, struct blk_buf *bb);
unsigned long blk_dio_want(const struct blk_target *tg, bool write, unsigned long off,
			   unsigned long len);
void blk_op_dio(struct ops_ctx *c);

/* tests/ops/blk_file.c */
void blk_op_bufrw(struct ops_ctx *c);
void blk_op_fmmap(struct ops_ctx *c);
void blk_op_truncate(struct ops_ctx *c);
void blk_op_splice(struct ops_ctx *c);
void blk_op_vmsplice(struct ops_ctx *c);
void blk_op_fsync(struct ops_ctx *c);
void blk_op_complete(struct ops_ctx *c);

#endif /* PINIO_TESTS_OPS_BLK_H */
