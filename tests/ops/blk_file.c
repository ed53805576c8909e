// SPDX-License-Identifier: GPL-2.0
/*
 * tests/ops/blk_file.c - the page-cache ops of the op language: buffered
 * reads and writes, stores through a shared file mapping, truncate,
 * splice and vmsplice through a pipe, fsync, and the completion of held
 * async I/O (OPS_COMPLETE). The model is in tests/ops/blk.c.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <pinio/fault-inject.h>
#include <pinio/pipe_fs_i.h>
#include "mm/internal.h"
#include "sim/sim.h"
#include "tests/ops/blk.h"

static unsigned int fs_target(const struct ops_op *op)
{
	return 1 + (op->arg >> 24) % 2;
}

void blk_op_bufrw(struct ops_ctx *c)
{
	const struct ops_op *op = c->op;
	struct ops_mtask *t = ops_op_task(c);
	unsigned int ti = fs_target(op);
	bool write = op->flags & 1;
	unsigned long off = ((op->arg >> 16) & 0xff) * 509UL;
	unsigned long len = 1 + (op->len & 0xfff) * 4UL % BLK_MAX_IO;
	unsigned long shift = ((op->len >> 12) & 0xf) * 257UL, want;
	struct blk_target *tg;
	struct blk_buf bb;
	ssize_t ret;
	int fd;

	fd = blk_target_begin(c, t, ti, false, &tg);
	if (fd < 0)
		return;
	blk_op_buf(op, t, len, shift, !write, &bb);
	if (!bb.ok && !bb.none) {
		ops_skip(c);
		return;
	}
	if (write) {
		if (bb.none) {
			ops_expect_ret(c, "sim_pwrite(unmapped buffer)",
				       sim_pwrite(fd, bb.addr, len, (off_t)off), -EFAULT);
			return;
		}
		blk_mem_bytes(t, bb.addr, len, c->blk->want);
		ret = sim_pwrite(fd, bb.addr, len, (off_t)off);
		ops_expect_ret(c, "sim_pwrite", ret, (long)len);
		if (ops_failed(c))
			return;
		if (off + len > tg->size)
			blk_file_resize(tg, off + len);
		blk_file_store(tg, off, c->blk->want, len);
		return;
	}
	want = blk_dio_want(tg, false, off, len);
	ret = sim_pread(fd, bb.addr, len, (off_t)off);
	if (bb.none) {
		ops_expect_ret(c, "sim_pread(unmapped buffer)", ret, want ? -EFAULT : 0);
		return;
	}
	ops_expect_ret(c, "sim_pread", ret, (long)want);
	if (!ops_failed(c))
		blk_mem_landed(c, t, tg, off, bb.addr, want, "buffered read of");
	ops_verify_range(c, t, bb.addr & PAGE_MASK,
			 ((bb.addr + len - 1) >> PAGE_SHIFT) - (bb.addr >> PAGE_SHIFT) + 1, true);
}

void blk_op_fmmap(struct ops_ctx *c)
{
	const struct ops_op *op = c->op;
	struct ops_mtask *t = ops_op_task(c);
	unsigned int ti = fs_target(op);
	bool priv = op->flags & OPS_FMMAP_PRIVATE;
	struct blk_target *tg;
	unsigned long maplen, addr, off, len, k;
	uint8_t pat = (uint8_t)(op->arg >> 8);
	ssize_t ret;
	int fd;

	fd = blk_target_begin(c, t, ti, false, &tg);
	if (fd < 0)
		return;
	if (!tg->size || tg->size > BLK_CAP) {
		ops_skip(c);
		return;
	}
	off = (op->arg & 0xffff) * 61UL % tg->size;
	len = 1 + (op->len * 7UL) % (tg->size - off);
	if (len > BLK_MAX_IO)
		len = BLK_MAX_IO;
	maplen = (tg->size + PAGE_SIZE - 1) & PAGE_MASK;
	addr = sim_mmap(0, maplen, PROT_READ | PROT_WRITE, priv ? MAP_PRIVATE : MAP_SHARED, fd, 0);
	if (IS_ERR_VALUE(addr)) {
		ops_fail(c, "errno", "sim_mmap(%s, %lu) failed: %ld", tg->path, maplen, (long)addr);
		return;
	}
	/* What the mapping shows first is the file. */
	ret = sim_user_read(addr + off, c->blk->tmp, len);
	ops_expect_ret(c, "sim_user_read (file mapping)", ret, (long)len);
	if (!ops_failed(c))
		blk_file_check(c, tg, off, c->blk->tmp, len, "mapping of");
	if (!ops_failed(c)) {
		ret = sim_user_memset(addr + off, pat, len);
		ops_expect_ret(c, "sim_user_memset (file mapping)", ret, (long)len);
	}
	ops_expect_ret(c, "sim_munmap (file mapping)", sim_munmap(addr, maplen), 0);
	if (ops_failed(c) || priv)
		return;
	for (k = 0; k < len; k++)
		c->blk->want[k] = pat;
	blk_file_store(tg, off, c->blk->want, len);
}

void blk_op_truncate(struct ops_ctx *c)
{
	const struct ops_op *op = c->op;
	struct ops_mtask *t = ops_op_task(c);
	unsigned int ti = op_target(op);
	unsigned long size = ((op->arg >> 16) & 0xff) * 613UL + (op->len & 0x1ff);
	struct blk_target *tg;
	int fd;

	fd = blk_target_begin(c, t, ti, false, &tg);
	if (fd < 0)
		return;
	if (tg->raw) {
		ops_expect_ret(c, "sim_ftruncate(disk)", sim_ftruncate(fd, (off_t)size), -EINVAL);
		return;
	}
	if (op->flags & OPS_F_BAD) {
		if (op_sub(op) % 2)
			ops_expect_ret(c, "sim_ftruncate(-1)", sim_ftruncate(fd, -1), -EINVAL);
		else
			ops_expect_ret(c, "sim_ftruncate(2 TiB)", sim_ftruncate(fd, (off_t)2 << 40),
				       -EFBIG);
		return;
	}
	ops_expect_ret(c, "sim_ftruncate", sim_ftruncate(fd, (off_t)size), 0);
	if (!ops_failed(c))
		blk_file_resize(tg, size);
}

static void close_pipe(int p[2])
{
	sim_close(p[0]);
	sim_close(p[1]);
}

/* A file into a pipe, the pipe into user memory. */
void blk_op_splice(struct ops_ctx *c)
{
	const struct ops_op *op = c->op;
	struct ops_mtask *t = ops_op_task(c);
	unsigned int ti = op_target(op);
	bool raw = ti == BLK_RAW;
	unsigned long off = ((op->arg >> 16) & 0xff) * (raw ? 512UL : 509UL);
	unsigned long len = raw ? (1 + (op->len & 0xff) % 32) * 512UL :
				  1 + (op->len & 0xfff) * 4UL % BLK_MAX_IO;
	unsigned long shift = ((op->len >> 12) & 0xf) * 257UL, want;
	struct blk_target *tg;
	struct blk_buf bb;
	loff_t pos;
	ssize_t ret, r2;
	int fd, p[2];

	fd = blk_target_begin(c, t, ti, raw, &tg);
	if (fd < 0)
		return;
	blk_op_buf(op, t, len, shift, true, &bb);
	want = blk_dio_want(tg, false, off, len);
	if (!bb.ok) {
		ops_skip(c);
		return;
	}
	ret = sim_pipe(p);
	if (ret) {
		ops_fail(c, "errno", "sim_pipe() failed: %zd", ret);
		return;
	}
	pos = (loff_t)off;
	ret = sim_splice(fd, &pos, p[1], NULL, len, 0);
	if (ret < 0 || (unsigned long)ret > want || (want && !ret)) {
		ops_fail(c, "errno", "sim_splice(%s at %lu, %lu bytes) returned %zd, expected 1..%lu",
			 tg->path, off, len, ret, want);
		close_pipe(p);
		return;
	}
	if (pos != (loff_t)(off + (unsigned long)ret))
		ops_fail(c, "splice", "sim_splice() moved the offset to %lld after %zd bytes from %lu",
			 (long long)pos, ret, off);
	r2 = ret ? sim_read(p[0], bb.addr, (size_t)ret) : 0;
	close_pipe(p);
	ops_expect_ret(c, "sim_read(pipe)", r2, ret);
	if (!ops_failed(c))
		blk_mem_landed(c, t, tg, off, bb.addr, (unsigned long)ret, "splice of");
	ops_verify_range(c, t, bb.addr & PAGE_MASK,
			 ((bb.addr + len - 1) >> PAGE_SHIFT) - (bb.addr >> PAGE_SHIFT) + 1, true);
}

/* User memory into a pipe (FOLL_GET references), the pipe into a simfs file. */
void blk_op_vmsplice(struct ops_ctx *c)
{
	const struct ops_op *op = c->op;
	struct ops_mtask *t = ops_op_task(c);
	unsigned int ti = fs_target(op);
	unsigned long off = ((op->arg >> 16) & 0xff) * 509UL;
	unsigned long len = 1 + (op->len & 0xfff) * 4UL % (BLK_MAX_IO - PAGE_SIZE);
	unsigned long shift = ((op->len >> 12) & 0xf) * 257UL;
	struct blk_target *tg;
	struct blk_buf bb;
	struct iovec iov;
	loff_t pos;
	ssize_t ret, w;
	int fd, p[2];

	fd = blk_target_begin(c, t, ti, false, &tg);
	if (fd < 0)
		return;
	blk_op_buf(op, t, len, shift, false, &bb);
	if (!bb.ok && !bb.none) {
		ops_skip(c);
		return;
	}
	ret = sim_pipe(p);
	if (ret) {
		ops_fail(c, "errno", "sim_pipe() failed: %zd", ret);
		return;
	}
	iov.iov_base = (void *)bb.addr;
	iov.iov_len = len;
	ret = sim_vmsplice(p[1], &iov, 1, SPLICE_F_NONBLOCK);
	if (bb.none) {
		close_pipe(p);
		ops_expect_ret(c, "sim_vmsplice(unmapped)", ret, -EFAULT);
		return;
	}
	if (ret <= 0 || (unsigned long)ret > len) {
		close_pipe(p);
		ops_fail(c, "errno", "sim_vmsplice(%lu bytes) returned %zd", len, ret);
		return;
	}
	blk_mem_bytes(t, bb.addr, (unsigned long)ret, c->blk->want);
	pos = (loff_t)off;
	w = sim_splice(p[0], NULL, fd, &pos, (size_t)ret, 0);
	close_pipe(p);
	ops_expect_ret(c, "sim_splice(pipe to file)", w, ret);
	if (ops_failed(c))
		return;
	if (off + (unsigned long)w > tg->size)
		blk_file_resize(tg, off + (unsigned long)w);
	blk_file_store(tg, off, c->blk->want, (unsigned long)w);
}

void blk_op_fsync(struct ops_ctx *c)
{
	struct ops_mtask *t = ops_op_task(c);
	unsigned int ti = op_target(c->op);
	int fd;

	if (!blk_target_setup(c, ti))
		return;
	if (!c->blk->tg[ti].raw)
		blk_complete_target(c, (int)ti);
	fd = blk_target_fd(c, t, ti, c->op->flags & 1);
	if (fd < 0 || ops_failed(c))
		return;
	ops_expect_ret(c, "sim_fsync", sim_fsync(fd), 0);
}

void blk_op_complete(struct ops_ctx *c)
{
	struct ops_blk *b = c->blk;

	if (!b || !b->nio) {
		ops_skip(c);
		return;
	}
	blk_complete_target(c, b->io[c->op->idx % b->nio].target);
}
