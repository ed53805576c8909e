// SPDX-License-Identifier: GPL-2.0
/*
 * tests/ops/blk_dio.c - the O_DIRECT op of the op language (OPS_DIO):
 * sync and async reads and writes on the raw RAM disk and on simfs files
 * mounted dio=iomap and dio=legacy, bad inputs (misaligned, unmapped,
 * read-only buffers), device faults; what each must return and where its
 * bytes must land (I8). The model and the held async I/O are in
 * tests/ops/blk.c.
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

/* ---- the ops ---------------------------------------------------------------- */

/* The user buffer of a block op: in the op's mapping, @len bytes, @shift into its page. */
void blk_op_buf(const struct ops_op *op, struct ops_mtask *t, unsigned long len,
		unsigned long shift, bool to_mem, struct blk_buf *bb)
{
	struct ops_handle *h = t->nh ? &t->h[op->idx % t->nh] : NULL;
	unsigned long pre;

	bb->len = len;
	bb->addr = h ? h->start + ((((op->arg & 0xffff) % h->npages) << PAGE_SHIFT)) + shift :
		       0xff000000UL + shift;
	pre = h ? model_access_prefix(t, bb->addr, len, to_mem) : 0;
	bb->ok = pre == len;
	bb->none = pre == 0;
}

unsigned long blk_dio_want(const struct blk_target *tg, bool write, unsigned long off,
			   unsigned long len)
{
	unsigned long size = tg->size;

	if (write && !tg->raw)
		return len;
	if (off >= size)
		return 0;
	return len < size - off ? len : size - off;
}

/*
 * Does a direct write of [@off, @off+@len) on target @ti wait for the
 * direct I/O in flight on the file, and then complete before its submit
 * returns? On simfs dio=iomap one that starts or ends inside an fs block
 * does (IOMAP_DIO_FORCE_WAIT, see simfs_dio_subblock_flags()). The legacy
 * engine, as fs/direct-io.c, serialises none (an extending write waits
 * for itself only: see op_dio_async()); the raw disk neither.
 */
static bool dio_write_waits(unsigned int ti, unsigned long off, unsigned long len)
{
	return ti == BLK_IOMAP && ((off | len) & (tg_bsize[ti] - 1));
}

static void op_dio_bad(struct ops_ctx *c, struct ops_mtask *t, unsigned int ti, int fd,
		       bool write, unsigned long off, struct blk_buf *bb)
{
	struct blk_target *tg = &c->blk->tg[ti];
	unsigned long addr = bb->addr, len = bb->len;
	ssize_t ret;

	/*
	 * A bad alignment at or past the end may be answered 0 or -ENOSPC
	 * first; simfs checks alignment per extent, as iomap does for ext4, so
	 * a misaligned read of a hole succeeds there: the raw disk only.
	 */
	if (!tg->raw || off + bb->len + 1024 > tg->size || !bb->ok) {
		ops_skip(c);
		return;
	}
	switch (op_sub(c->op) % 3) {
	case 0:
		off += 1 + op_sub(c->op) % 511;
		break;
	case 1:
		len = len > 512 ? len - 1 - op_sub(c->op) % 511 : 100;
		break;
	default:
		/* The sim checks the buffer's alignment after pinning it: keep it mapped. */
		addr += 8 + op_sub(c->op) % 500;
		if (model_access_prefix(t, addr, len, !write) != len) {
			ops_skip(c);
			return;
		}
		break;
	}
	ret = write ? sim_pwrite(fd, addr, len, (off_t)off) : sim_pread(fd, addr, len, (off_t)off);
	ops_expect_ret(c, write ? "sim_pwrite(O_DIRECT, misaligned)" :
			  "sim_pread(O_DIRECT, misaligned)", ret, -EINVAL);
}

/* Write back a file's cache so that no writeback bio meets a held or failing bio. */
static bool target_clean(struct ops_ctx *c, struct ops_mtask *t, unsigned int ti)
{
	int fd;

	if (c->blk->tg[ti].raw)
		return true;
	fd = blk_target_fd(c, t, ti, false);
	if (fd < 0)
		return false;
	ops_expect_ret(c, "sim_fsync (before a held or faulted I/O)", sim_fsync(fd), 0);
	return !ops_failed(c);
}

static void op_dio_async(struct ops_ctx *c, struct ops_mtask *t, unsigned int ti, int fd,
			 bool write, unsigned long off, struct blk_buf *bb, unsigned long want)
{
	struct ops_blk *b = c->blk;
	struct blk_target *tg = &b->tg[ti];
	struct sim_io_fault hold = { .flags = SIM_IO_HOLD };
	struct sim_ledger before, after;
	struct blk_aio *io;
	bool held;
	unsigned int k;
	int ret;

	if (b->nio == BLK_MAX_INFLIGHT || !bb->ok || !want) {
		ops_skip(c);
		return;
	}
	/*
	 * Two I/Os in flight on the same user pages land in DMA order, and the
	 * later one overwrites what the model would take from the earlier:
	 * the earlier completes first.
	 */
	for (k = 0; k < b->nio && !ops_failed(c); k++) {
		struct blk_aio *o = &b->io[k];

		if ((o->addr & PAGE_MASK) < PAGE_ALIGN_UP(bb->addr + bb->len) &&
		    (bb->addr & PAGE_MASK) < PAGE_ALIGN_UP(o->addr + o->len)) {
			blk_complete_target(c, o->target);
			k = (unsigned int)-1;	/* the list changed: look again */
		}
	}
	if (ops_failed(c))
		return;
	/*
	 * Writes that complete at submit are not held (holding one would hang
	 * its submitter): a sub-block write on dio=iomap (dio_write_waits(),
	 * blk_op_dio() completed what was in flight), and every legacy write: the
	 * engine waits for an extending write even when async, and falls back
	 * to buffered I/O (waiting for writeback) at a hole inside the file.
	 * They are reaped right away.
	 */
	held = !(write && (ti == BLK_LEGACY || dio_write_waits(ti, off, bb->len)));
	if (!target_clean(c, t, ti))
		return;
	io = &b->io[b->nio];
	memset(io, 0, sizeof(*io));
	io->tag = ++b->next_tag;
	io->target = (int)ti;
	io->write = write;
	io->off = (long)off;
	io->addr = bb->addr;
	io->len = bb->len;
	io->want = want;
	sim_ledger_read(&before);
	if (held && sim_disk_inject(tg->dev, &hold)) {
		ops_fail(c, "aio", "sim_disk_inject(HOLD) failed");
		return;
	}
	ret = sim_aio_submit(b->ring, fd, write, bb->addr, bb->len, (off_t)off, io->tag);
	if (held)
		sim_disk_inject(tg->dev, NULL);
	if (ret) {
		ops_fail(c, "errno", "sim_aio_submit(%s %lu bytes at %lu) failed: %d",
			 write ? "write" : "read", bb->len, off, ret);
		return;
	}
	sim_ledger_read(&after);
	io->pins = after.pins - before.pins;
	io->zrefs = after.zero_refs - before.zero_refs;
	io->hzpins = after.zero_pins - before.zero_pins;
	io->npages = (unsigned int)(((bb->addr + bb->len - 1) >> PAGE_SHIFT) -
				    (bb->addr >> PAGE_SHIFT) + 1);
	/*
	 * A page that several bios share (extent boundaries inside it) is
	 * pinned by each; every bio holds at least one 512-byte sector.
	 */
	if (io->pins < 0 || io->pins > (long)(io->npages + (bb->len >> 9))) {
		ops_fail(c, "I4", "an async %s of %u pages took %ld pins", write ? "write" : "read",
			 io->npages, io->pins);
		return;
	}
	for (k = 0; k < io->npages; k++) {
		unsigned long a = (bb->addr & PAGE_MASK) + ((unsigned long)k << PAGE_SHIFT);
		struct ops_peek p;

		ops_peek_at(t->t->mm, a, &p);
		io->e[k].kind = p.present ? ops_classify(p.page) : OPS_PG_NORMAL;
		io->page[k] = p.present ? p.page : NULL;
		if (io->e[k].kind == OPS_PG_NORMAL)
			model_bind(&io->e[k], t, a);
		else
			io->e[k].obj = NULL;
	}
	io->submit_op = c->op_index;
	/* A read may have zero-filled holes of the buffer already (CPU, at submit). */
	if (!write)
		blk_mem_adopt(c, t, bb->addr, bb->len);
	c->m.pins += io->pins;
	c->m.zero_refs += io->zrefs;
	c->m.hz_pins += io->hzpins;
	tg->inflight++;
	tg->inflight_writes += write;
	b->nio++;
	/* A read of a hole, or an unheld write, may have completed already. */
	blk_reap(c, held ? 0 : 1);
}

void blk_op_dio(struct ops_ctx *c)
{
	const struct ops_op *op = c->op;
	struct ops_mtask *t = ops_op_task(c);
	unsigned int ti = op_target(op);
	bool write = op->flags & OPS_DIO_WRITE;
	unsigned long off = ((op->arg >> 16) & 0xff) * 512UL;
	unsigned long len = (1 + (op->len & 0xff) % 32) * 512UL;
	unsigned long shift = ((op->len >> 12) & 7) * 512UL, want;
	struct blk_target *tg;
	struct blk_buf bb;
	ssize_t ret;
	int fd;

	if (sim_profile() != SIM_PROFILE_V6_5 || !blk_target_setup(c, ti)) {
		if (!ops_failed(c))
			ops_skip(c);
		return;
	}
	tg = &c->blk->tg[ti];
	fd = blk_target_fd(c, t, ti, true);
	if (fd < 0)
		return;
	blk_op_buf(op, t, len, shift, !write, &bb);
	if (op->flags & OPS_F_BAD) {
		op_dio_bad(c, t, ti, fd, write, off, &bb);
		return;
	}
	/*
	 * Before a write, everything in flight on the target completes.
	 * On simfs dio=iomap a sub-block write waits for it in the kernel
	 * (simfs_dio_subblock_flags(): inode_dio_wait(), reads included), so
	 * with I/O held it would never return. For the rest it is the model's
	 * need: overlapping writes in flight land in whatever order the DMA
	 * takes them. An async read with a write in flight may see either (a
	 * hole zero-filled at submit, or the data): it waits for the write too.
	 */
	if (write || ((op->flags & OPS_DIO_ASYNC) && tg->inflight_writes))
		blk_complete_target(c, (int)ti);
	if (ops_failed(c))
		return;
	if (write && dio_write_waits(ti, off, len) && tg->inflight) {
		ops_fail(c, "hold-wait", "a sub-block O_DIRECT write on %s with %u I/Os held would wait for them",
			 tg->path, tg->inflight);
		return;
	}
	want = blk_dio_want(tg, write, off, len);
	if (op->flags & OPS_DIO_ASYNC) {
		op_dio_async(c, t, ti, fd, write, off, &bb, want);
		return;
	}
	if (!bb.ok && !bb.none) {
		ops_skip(c);
		return;
	}
	if (write && tg->raw && off >= tg->size) {
		ret = sim_pwrite(fd, bb.addr, len, (off_t)off);
		ops_expect_ret(c, "sim_pwrite(O_DIRECT, past the end)", ret, -ENOSPC);
		return;
	}
	if (bb.none) {
		/* Nothing of the buffer can be pinned: -EFAULT, nothing changes (unless 0 bytes). */
		ret = write ? sim_pwrite(fd, bb.addr, len, (off_t)off) :
			      sim_pread(fd, bb.addr, len, (off_t)off);
		ops_expect_ret(c, write ? "sim_pwrite(O_DIRECT, unmapped buffer)" :
				  "sim_pread(O_DIRECT, unmapped buffer)", ret, want ? -EFAULT : 0);
		return;
	}
	if (op->flags & OPS_DIO_FAULT) {
		static const unsigned int kinds[3] = { SIM_IO_FAIL, SIM_IO_PARTIAL, SIM_IO_FAIL_SECTOR };
		struct sim_io_fault f = { .nth = 1 };
		unsigned long faults = sim_dma_stat("dma_faults");
		long had_size = (long)tg->size;

		if (!want || !target_clean(c, t, ti)) {
			if (!ops_failed(c))
				ops_skip(c);
			return;
		}
		blk_complete_target(c, (int)ti);
		/*
		 * What may move is known only now: an extending async write
		 * completed just above moves the end of the file.
		 */
		want = blk_dio_want(tg, write, off, len);
		/* A bad sector is a disk address: only the raw disk maps file offsets to it. */
		f.flags = kinds[op_sub(op) % (tg->raw ? 3 : 2)];
		f.bytes = (op_sub(op) * 512UL + (op->len >> 8)) % len;
		f.sector = (off >> 9) + op_sub(op) % (want >> 9 ? want >> 9 : 1);
		sim_disk_inject(tg->dev, &f);
		ret = write ? sim_pwrite(fd, bb.addr, len, (off_t)off) :
			      sim_pread(fd, bb.addr, len, (off_t)off);
		sim_disk_inject(tg->dev, NULL);
		faults = sim_dma_stat("dma_faults") - faults;
		if (faults && ret == (ssize_t)want) {
			ops_fail(c, "fault", "%s of %lu bytes at %lu on %s: the device failed a bio, the call returned %zd (full)",
				 write ? "O_DIRECT write" : "O_DIRECT read", len, off, tg->path, ret);
			return;
		}
		if (ret < 0 && ret != -EIO) {
			ops_fail(c, "fault", "%s on %s with a device error returned %zd",
				 write ? "O_DIRECT write" : "O_DIRECT read", tg->path, ret);
			return;
		}
		if (ret > (ssize_t)want) {
			ops_fail(c, "fault", "faulted O_DIRECT I/O returned %zd of %lu", ret, want);
			return;
		}
		if (write) {
			/* What reached the device is undefined: forget the range, re-read the size. */
			blk_file_forget(tg, off, len);
			if (!tg->raw) {
				off_t end = sim_lseek(fd, 0, SEEK_END);

				if (end < 0) {
					ops_fail(c, "errno", "sim_lseek(SEEK_END) failed: %ld", (long)end);
					return;
				}
				if ((long)end > had_size) {
					tg->size = (unsigned long)end;
					blk_file_forget(tg, (unsigned long)had_size,
							(unsigned long)end - (unsigned long)had_size);
				} else {
					blk_file_resize(tg, (unsigned long)end);
				}
			}
		} else {
			blk_mem_adopt(c, t, bb.addr, len);
		}
		ops_verify_range(c, t, bb.addr & PAGE_MASK,
				 ((bb.addr + len - 1) >> PAGE_SHIFT) - (bb.addr >> PAGE_SHIFT) + 1, true);
		return;
	}
	if (write) {
		blk_mem_bytes(t, bb.addr, len, c->blk->want);
		ret = sim_pwrite(fd, bb.addr, len, (off_t)off);
		ops_expect_ret(c, "sim_pwrite(O_DIRECT)", ret, (long)want);
		if (ops_failed(c))
			return;
		if (!tg->raw && off + want > tg->size)
			blk_file_resize(tg, off + want);
		blk_file_store(tg, off, c->blk->want, want);
		return;
	}
	ret = sim_pread(fd, bb.addr, len, (off_t)off);
	ops_expect_ret(c, "sim_pread(O_DIRECT)", ret, (long)want);
	if (ops_failed(c))
		return;
	blk_mem_landed(c, t, tg, off, bb.addr, want, "O_DIRECT read of");
	/* Past the end of a file the block may have been read whole: undefined. */
	if (!ops_failed(c) && want < len)
		blk_mem_adopt(c, t, bb.addr + want, len - want);
	ops_verify_range(c, t, bb.addr & PAGE_MASK,
			 ((bb.addr + len - 1) >> PAGE_SHIFT) - (bb.addr >> PAGE_SHIFT) + 1, true);
}

/* Buffered ops use a simfs file: on the raw disk they are refused. */
