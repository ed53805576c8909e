// SPDX-License-Identifier: GPL-2.0
/*
 * tests/ops/blk.c - the block and filesystem ops of the op language:
 * O_DIRECT reads and writes (sync and async, on a raw RAM disk and on
 * simfs files mounted dio=iomap and dio=legacy), buffered reads and
 * writes, stores through a file mapping, truncate, splice, vmsplice,
 * fsync, device faults and the completion of held async I/O.
 *
 * The model: each target is a byte array (a file: its size too) with a
 * per-byte "unknown" mark. Bytes are unknown only after a device fault or
 * an async write whose source page was unmapped before the device read
 * it; reading unknown bytes adopts what the machine shows, reading known
 * bytes must match exactly (I8 for files). User memory goes through the
 * mm model of tests/ops/model.c: a read puts the file's bytes there, a
 * write takes the model's bytes of the buffer.
 *
 * Async I/O is held at the device (SIM_IO_HOLD) until OPS_COMPLETE, so
 * munmap, fork, exit, MADV_DONTNEED and stores may run while it holds its
 * pins. Each in-flight page is bound to the object page it pinned (as held
 * pin sets are): at completion a write takes that page's bytes then, a
 * read lands in it and shows only where it is still mapped (R-COW-2, I8).
 * The pins it holds are measured at submit (large folios coalesce) and
 * counted in the model's total until it completes (I4). Before an op that
 * is not O_DIRECT touches a target, what is in flight on it completes
 * first (the kernel's inode_dio_wait() for truncate; for the rest it keeps
 * the model free of cache/disk incoherence the tests do not predict), and
 * before an O_DIRECT write (on dio=iomap a sub-block write waits for it in
 * the kernel; for the rest overlapping writes would land in DMA order).
 * Where the kernel waits for I/O, held I/O would never complete: writes
 * that complete before their submit returns (legacy writes, sub-block
 * iomap writes) are not held, and the hold watchdog turns a wait the
 * model missed into a "hold-wait" failure instead of a hang.
 *
 * Field use: arg bits 0-15 page offset in the op's mapping (op->idx),
 * bits 16-23 the file offset in 512-byte units, bits 24-31 the target
 * (and a sub-choice); len bits 0-7 the length in 512-byte units (bytes
 * for buffered ops), bits 12-15 a sub-page shift of the buffer.
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

const char *const tg_dev[OPS_NR_TARGETS] = { "opsraw", "opsfsi", "opsfsl" };
static const char *const tg_path[OPS_NR_TARGETS] = { "/dev/opsraw", "/opsi/f", "/opsl/f" };
static const char *const tg_dir[OPS_NR_TARGETS] = { NULL, "/opsi", "/opsl" };
static const char *const tg_mount[OPS_NR_TARGETS] = { NULL, "dio=iomap", "dio=legacy" };
static const char *const tg_mkfs[OPS_NR_TARGETS] = { NULL, "bs=1024", "bs=2048" };
const unsigned long tg_bsize[OPS_NR_TARGETS] = { 512, 1024, 2048 };	/* as tg_mkfs */

/* ---- set-up ------------------------------------------------------------------ */

static struct ops_blk *blk_get(struct ops_ctx *c)
{
	if (!c->blk) {
		c->blk = calloc(1, sizeof(*c->blk));
		if (!c->blk)
			abort();
		c->blk->w = ops_hold_watch_start(c->cfg->hold_wait);
	}
	return c->blk;
}

void ops_blk_watch(struct ops_ctx *c, bool on)
{
	double waited;
	long released;

	if (!c->blk && (!on || !c->op || !ops_is_blk_op(c->op->op)))
		return;
	released = ops_hold_watch_op(blk_get(c)->w, on, &waited);
	if (!on && released)
		ops_fail(c, "hold-wait", "%s waited %.1f s for I/O held at the device (the watchdog released %ld bios): the model neither completed it first nor let it run",
			 c->op ? ops_names[c->op->op < OPS_NR_OPS ? c->op->op : OPS_NOP] : "the final check",
			 waited, released);
}

bool blk_target_setup(struct ops_ctx *c, unsigned int i)
{
	struct ops_blk *b = blk_get(c);
	struct blk_target *tg = &b->tg[i];
	int err, fd;

	if (tg->ready)
		return true;
	tg->raw = i == BLK_RAW;
	tg->dev = tg_dev[i];
	tg->path = tg_path[i];
	tg->data = calloc(1, BLK_CAP);
	tg->unknown = calloc(1, BLK_CAP);
	if (!tg->data || !tg->unknown)
		abort();
	err = sim_ramdisk_create(tg->dev, tg->raw ? BLK_RAW_SIZE : BLK_FS_DISK, 512);
	if (!err && !tg->raw) {
		char dev[32];

		snprintf(dev, sizeof(dev), "/dev/%s", tg->dev);
		err = sim_mkfs(dev, "simfs", tg_mkfs[i]);
		if (!err)
			err = sim_mount(dev, tg_dir[i], tg_mount[i]);
		if (!err) {
			fd = sim_open(tg->path, O_RDWR | O_CREAT, 0644);
			err = fd < 0 ? fd : sim_close(fd);
		}
	}
	if (err) {
		ops_fail(c, "setup", "target %s: set-up failed: %d", tg->path, err);
		return false;
	}
	tg->size = tg->raw ? BLK_RAW_SIZE : 0;
	tg->ready = true;
	ops_hold_watch_disk(b->w, tg->dev);
	if (!b->ring) {
		b->ring = sim_aio_create(BLK_MAX_INFLIGHT + 1);
		if (IS_ERR(b->ring)) {
			b->ring = NULL;
			ops_fail(c, "setup", "sim_aio_create() failed");
			return false;
		}
	}
	return true;
}

/* The current task's descriptor for target @i (opened on first use). */
int blk_target_fd(struct ops_ctx *c, struct ops_mtask *t, unsigned int i, bool direct)
{
	int fd;

	if (t->fd[i][direct])
		return t->fd[i][direct] - 1;
	fd = sim_open(tg_path[i], O_RDWR | (direct ? O_DIRECT : 0), 0);
	if (fd < 0) {
		ops_fail(c, "errno", "sim_open(%s) failed: %d", tg_path[i], fd);
		return -1;
	}
	t->fd[i][direct] = fd + 1;
	return fd;
}

/* ---- the file model --------------------------------------------------------- */

void blk_file_store(struct blk_target *tg, unsigned long off, const unsigned char *buf,
		    unsigned long len)
{
	if (off >= BLK_CAP)
		return;
	if (len > BLK_CAP - off)
		len = BLK_CAP - off;
	memcpy(tg->data + off, buf, len);
	memset(tg->unknown + off, 0, len);
}

void blk_file_forget(struct blk_target *tg, unsigned long off, unsigned long len)
{
	if (off >= BLK_CAP)
		return;
	if (len > BLK_CAP - off)
		len = BLK_CAP - off;
	memset(tg->unknown + off, 1, len);
}

/* A file's size changes: new bytes are zeros (a hole), cut bytes are gone. */
void blk_file_resize(struct blk_target *tg, unsigned long size)
{
	unsigned long cap = size < BLK_CAP ? size : BLK_CAP;

	/*
	 * Unknown marks past the end stay: the blocks of a failed extending
	 * write are not trimmed by simfs (the kernel's filesystems truncate
	 * them), so growing the file again shows what that write left there.
	 * tests/ops/regressions/legacy_failed_write_tail.ops keeps the case.
	 */
	if (size > tg->size && tg->size < BLK_CAP)
		memset(tg->data + tg->size, 0, cap - tg->size);
	tg->size = size;
}

/*
 * @got holds @len bytes the machine read from @tg at @off: the known ones
 * must be the model's; the unknown ones become known.
 */
void blk_file_check(struct ops_ctx *c, struct blk_target *tg, unsigned long off,
		    const unsigned char *got, unsigned long len, const char *how)
{
	unsigned long k;

	if (off < BLK_CAP && len > BLK_CAP - off)
		len = BLK_CAP - off;
	/* The common case: nothing unknown, the bytes match. */
	if (off < BLK_CAP && !memchr(tg->unknown + off, 1, len) &&
	    !memcmp(got, tg->data + off, len))
		return;
	for (k = 0; k < len && off + k < BLK_CAP; k++) {
		if (tg->unknown[off + k]) {
			tg->data[off + k] = got[k];
			tg->unknown[off + k] = 0;
		} else if (got[k] != tg->data[off + k]) {
			ops_fail(c, "file", "%s %s: byte %lu is %#x, the model says %#x", how,
				 tg->path, off + k, got[k], tg->data[off + k]);
			return;
		}
	}
}

/* The model's bytes of t's memory [addr, addr+len) into @buf. */
void blk_mem_bytes(struct ops_mtask *t, unsigned long addr, unsigned long len,
		   unsigned char *buf)
{
	unsigned long done = 0;

	while (done < len) {
		unsigned long a = addr + done;
		unsigned int sub = a & ~PAGE_MASK;
		unsigned long n = PAGE_SIZE - sub < len - done ? PAGE_SIZE - sub : len - done;
		const unsigned char *p = model_page_bytes(t, a);

		memcpy(buf + done, (p ? p : ops_zero_bytes) + sub, n);
		done += n;
	}
}

/*
 * A read of @len bytes of @tg at @off landed in t's memory at @addr: check
 * it (through sim_user_read(), the pages are mapped and readable) and make
 * the model hold it.
 */
void blk_mem_landed(struct ops_ctx *c, struct ops_mtask *t, struct blk_target *tg,
		    unsigned long off, unsigned long addr, unsigned long len, const char *how)
{
	struct ops_blk *b = c->blk;
	ssize_t ret;

	if (!len)
		return;
	ret = sim_user_read(addr, b->tmp, len);
	if (ret != (ssize_t)len) {
		ops_fail(c, "errno", "%s: reading back %lu bytes at %#lx gave %zd", how, len, addr,
			 ret);
		return;
	}
	blk_file_check(c, tg, off, b->tmp, len, how);
	if (!ops_failed(c))
		model_write_buf(t, addr, b->tmp, len);
}

/* Bytes of t's memory the machine holds now become the model's (undefined after an error). */
void blk_mem_adopt(struct ops_ctx *c, struct ops_mtask *t, unsigned long addr,
		   unsigned long len)
{
	struct ops_blk *b = c->blk;

	if (!len)
		return;
	if (sim_user_read(addr, b->tmp, len) != (ssize_t)len) {
		ops_fail(c, "errno", "adopting %lu bytes at %#lx: sim_user_read failed", len, addr);
		return;
	}
	model_write_buf(t, addr, b->tmp, len);
}

/* ---- async I/O in flight ---------------------------------------------------- */

bool ops_blk_folio_busy(const struct ops_ctx *c, const struct folio *folio)
{
	const struct ops_blk *b = c->blk;
	unsigned int i, k;

	for (i = 0; b && i < b->nio; i++)
		for (k = 0; k < b->io[i].npages; k++)
			if (b->io[i].page[k] && page_folio(b->io[i].page[k]) == folio)
				return true;
	return false;
}

static void io_unbind(struct blk_aio *io)
{
	unsigned int k;

	for (k = 0; k < io->npages; k++)
		obj_put(io->e[k].obj);
	io->npages = 0;
}

/*
 * The byte at @a of page @pi of an async read that completed. Below the
 * result the I/O pinned the page, which entry @e is bound to: still mapped
 * there (a pinned anon page is exclusive, never unshared), or still in its
 * shared object, so alive. Above it the I/O may not have pinned the page
 * (a raw read is cut at the disk's end before pinning): only a page the
 * task still maps there is read, or a shared object's page.
 */
static bool entry_byte(struct ops_ctx *c, const struct blk_aio *io, unsigned int pi,
		       unsigned long a, bool pinned, unsigned char *byte)
{
	const struct ops_entry *e = &io->e[pi];

	if (!io->page[pi])
		return false;
	/* A bound shared entry is the object's (shmem) page itself: alive. */
	if (!pinned && !e->obj->shared) {
		struct ops_mtask *t = model_task_by_id(&c->m, e->task_id);
		struct ops_peek p;

		if (!t)
			return false;
		ops_peek_at(t->t->mm, e->vaddr, &p);
		if (!p.present || p.page != io->page[pi])
			return false;
	}
	*byte = ((unsigned char *)page_address(io->page[pi]))[a & ~PAGE_MASK];
	return true;
}

/*
 * The byte at @a of entry @pi's object page as a task maps it now (the
 * submitter at its address, or for a shared object any task mapping it);
 * a shared page mapped by no one (MADV_DONTNEED) is still the object's
 * shmem page, the one seen at submit: that holds for the bytes past the
 * result too (an iomap read past EOF moves the whole last block and
 * zero-fills past it), which a task faulting the page back in sees.
 */
static bool mapped_byte(struct ops_ctx *c, const struct blk_aio *io, unsigned int pi,
			unsigned long a, unsigned char *byte)
{
	const struct ops_entry *e = &io->e[pi];
	struct ops_peek p;
	unsigned int i, j;

	for (i = 0; i < c->m.ntasks; i++) {
		struct ops_mtask *t = &c->m.tasks[i];

		if (!e->obj->shared && t->id != e->task_id)
			continue;
		for (j = 0; j < t->nr; j++) {
			struct ops_region *r = &t->r[j];
			unsigned long v;

			if (r->obj != e->obj || e->idx < r->off || e->idx >= r->off + r->npages)
				continue;
			v = r->start + ((e->idx - r->off) << PAGE_SHIFT);
			ops_peek_at(t->t->mm, v, &p);
			if (!p.present)
				continue;
			*byte = ((unsigned char *)page_address(p.page))[a & ~PAGE_MASK];
			return true;
		}
	}
	if (e->obj->shared && io->page[pi]) {
		*byte = ((unsigned char *)page_address(io->page[pi]))[a & ~PAGE_MASK];
		return true;
	}
	return false;
}

/* The model's side of a completed async I/O with result @res. */
static void io_completed(struct ops_ctx *c, struct blk_aio *io, long res)
{
	struct ops_blk *b = c->blk;
	struct blk_target *tg = &b->tg[io->target];
	unsigned char seen;
	unsigned long k;
	bool quiet;

	c->m.pins -= io->pins;
	c->m.zero_refs -= io->zrefs;
	c->m.hz_pins -= io->hzpins;
	tg->inflight--;
	tg->inflight_writes -= io->write;
	if (res != (long)io->want) {
		ops_fail(c, "errno", "async %s of %lu bytes at %ld on %s completed with %ld, expected %lu",
			 io->write ? "write" : "read", io->len, io->off, tg->path, res, io->want);
		return;
	}
	if (io->write) {
		if (!tg->raw && (unsigned long)io->off + io->want > tg->size)
			blk_file_resize(tg, (unsigned long)io->off + io->want);
		/* The device read the pinned pages now: what each holds, if the model knows. */
		for (k = 0; k < io->want; k++) {
			unsigned long a = io->addr + k, off = (unsigned long)io->off + k;
			unsigned int pi = (unsigned int)((a >> PAGE_SHIFT) - (io->addr >> PAGE_SHIFT));
			struct ops_entry *e = &io->e[pi];
			const unsigned char *src = ops_zero_bytes;

			if (off >= BLK_CAP)
				break;
			if (e->kind == OPS_PG_NORMAL) {
				if (!model_entry_bound(e)) {
					tg->unknown[off] = 1;
					continue;
				}
				if (e->obj->pg[e->idx])
					src = e->obj->pg[e->idx]->data;
			}
			tg->data[off] = src[a & ~PAGE_MASK];
			tg->unknown[off] = 0;
		}
		return;
	}
	/*
	 * A read: the device wrote into the pinned pages; visible where still
	 * bound. Below the result: the file's bytes (unknown ones adopted from
	 * the page); above it (a read past the end moves whole blocks): undefined,
	 * adopted too. Holes were zero-filled by the CPU at submit (iomap's
	 * iomap_dio_hole_iter(), the legacy engine's zero_user; no bio covers
	 * them), so a store into the buffer while the read was in flight may
	 * legitimately stay: the page then shows the store, not the file. The
	 * bytes are checked against the file, and unknown file bytes learnt
	 * from the page, only when nothing ran in between (@quiet); the memory
	 * model adopts the page either way.
	 */
	quiet = c->op_index - io->submit_op <= 1;
	for (k = 0; k < io->len; k++) {
		unsigned long a = io->addr + k, off = (unsigned long)io->off + k;
		unsigned int pi = (unsigned int)((a >> PAGE_SHIFT) - (io->addr >> PAGE_SHIFT));
		struct ops_entry *e = &io->e[pi];
		bool from_page = k >= io->want || (off < BLK_CAP && tg->unknown[off]);
		unsigned char byte;

		if (e->kind != OPS_PG_NORMAL || !model_entry_bound(e))
			continue;
		if (!entry_byte(c, io, pi, a, k < io->want, &byte))
			continue;
		/* What the model takes is what a task sees there now. */
		if (!mapped_byte(c, io, pi, a, &seen))
			continue;
		if (from_page) {
			if (k < io->want && quiet) {
				tg->data[off] = byte;
				tg->unknown[off] = 0;
			}
		} else if (off < BLK_CAP && byte != tg->data[off] && quiet) {
			ops_fail(c, "file", "async read of %s: byte %lu landed as %#x, the model says %#x",
				 tg->path, off, byte, tg->data[off]);
			return;
		}
		model_obj_write(e->obj, e->idx, a & ~PAGE_MASK, 1, seen, false);
	}
}

/* Apply @n reaped completions to the model, in submission order. */
static void apply_completions(struct ops_ctx *c, const int64_t *res, const uint64_t *tags,
			      unsigned int n)
{
	struct ops_blk *b = c->blk;
	unsigned int j, k, found = 0;

	for (j = 0; j < b->nio && !ops_failed(c);) {
		struct blk_aio *io = &b->io[j];

		for (k = 0; k < n; k++)
			if (tags[k] == io->tag)
				break;
		if (k == n) {
			j++;
			continue;
		}
		found++;
		io_completed(c, io, (long)res[k]);
		io_unbind(io);
		memmove(&b->io[j], &b->io[j + 1], (b->nio - j - 1) * sizeof(b->io[0]));
		b->nio--;
	}
	if (found != n && !ops_failed(c))
		ops_fail(c, "aio", "%u of %u completions are of no I/O in flight", n - found, n);
	/* Every I/O of the batch landed before the first was applied: check after all. */
	if (found && !ops_failed(c)) {
		ops_vcache_reset(c);
		ops_verify_all(c);
	}
}

/* Reap what has completed already (@min 0) or wait for @min completions. */
void blk_reap(struct ops_ctx *c, unsigned int min)
{
	struct ops_blk *b = c->blk;
	int64_t res[BLK_MAX_INFLIGHT + 1];
	uint64_t tags[BLK_MAX_INFLIGHT + 1];
	unsigned int got = 0;
	int r;

	do {
		r = sim_aio_reap(b->ring, min > got ? min - got : 0, BLK_MAX_INFLIGHT + 1 - got,
				 res + got, tags + got);
		if (r < 0) {
			ops_fail(c, "aio", "sim_aio_reap() returned %d", r);
			return;
		}
		got += (unsigned int)r;
	} while (got < min && r > 0);
	if (got < min) {
		ops_fail(c, "aio", "%u I/Os never completed", min - got);
		return;
	}
	apply_completions(c, res, tags, got);
}

/*
 * Complete everything in flight on target @i (all targets: -1). One disk
 * at a time, the one with the oldest I/O first, each reaped before the
 * next is released: the DMA then runs in the order the model applies it
 * (a read landing in the source page of a write held on another disk).
 */
void blk_complete_target(struct ops_ctx *c, int i)
{
	struct ops_blk *b = c->blk;

	while (b && b->nio && !ops_failed(c)) {
		int t = -1;
		unsigned int j, n;

		for (j = 0; j < b->nio && t < 0; j++)
			if (i < 0 || b->io[j].target == i)
				t = b->io[j].target;
		if (t < 0)
			return;
		n = b->tg[t].inflight;
		if (sim_disk_release(b->tg[t].dev) < 0) {
			ops_fail(c, "aio", "sim_disk_release(%s) failed", b->tg[t].dev);
			return;
		}
		blk_reap(c, n);
	}
}

/*
 * The start of every op on target @ti: set the target up, complete the
 * I/O it holds, open it for task @t (O_DIRECT if @direct).
 * Return: the fd with *@tgp set, or -1 (the op is over: skipped or failed).
 */
int blk_target_begin(struct ops_ctx *c, struct ops_mtask *t, unsigned int ti, bool direct,
		     struct blk_target **tgp)
{
	int fd;

	if (!blk_target_setup(c, ti))
		return -1;
	*tgp = &c->blk->tg[ti];
	blk_complete_target(c, (int)ti);
	fd = blk_target_fd(c, t, ti, direct);
	return fd < 0 || ops_failed(c) ? -1 : fd;
}

void ops_blk_exec(struct ops_ctx *c)
{
	switch (c->op->op) {
	case OPS_DIO:		blk_op_dio(c); break;
	case OPS_BUFRW:		blk_op_bufrw(c); break;
	case OPS_FMMAP:		blk_op_fmmap(c); break;
	case OPS_TRUNCATE:	blk_op_truncate(c); break;
	case OPS_SPLICE:	blk_op_splice(c); break;
	case OPS_VMSPLICE:	blk_op_vmsplice(c); break;
	case OPS_FSYNC:		blk_op_fsync(c); break;
	case OPS_COMPLETE:	blk_op_complete(c); break;
	default:		ops_skip(c); break;
	}
}

/* ---- the end of a run ------------------------------------------------------- */

/* Read all of target @ti through the kernel (no user memory) and compare with the model. */
static void verify_target(struct ops_ctx *c, unsigned int ti)
{
	struct ops_blk *b = c->blk;
	struct blk_target *tg = &b->tg[ti];
	struct ops_mtask *t = &c->m.tasks[0];
	unsigned long len = tg->size < BLK_CAP ? tg->size : BLK_CAP, done = 0;
	unsigned long scratch;
	int fd;

	if (!len)
		return;
	sim_task_switch(t->t);
	fd = blk_target_fd(c, t, ti, tg->raw);
	if (fd < 0)
		return;
	scratch = sim_mmap(0, BLK_MAX_IO, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			   -1, 0);
	if (IS_ERR_VALUE(scratch)) {
		ops_fail(c, "errno", "sim_mmap(scratch) failed: %ld", (long)scratch);
		return;
	}
	while (done < len && !ops_failed(c)) {
		unsigned long n = len - done < BLK_MAX_IO ? len - done : BLK_MAX_IO;
		ssize_t ret = sim_pread(fd, scratch, n, (off_t)done);

		ops_expect_ret(c, "sim_pread (final check)", ret, (long)n);
		if (ops_failed(c))
			break;
		ret = sim_user_read(scratch, b->tmp, n);
		ops_expect_ret(c, "sim_user_read (final check)", ret, (long)n);
		if (!ops_failed(c))
			blk_file_check(c, tg, done, b->tmp, n, "final read of");
		done += n;
	}
	sim_munmap(scratch, BLK_MAX_IO);
}

void ops_blk_quiesce(struct ops_ctx *c)
{
	blk_complete_target(c, -1);
}

void ops_blk_finish(struct ops_ctx *c)
{
	unsigned int i;

	if (!c->blk)
		return;
	blk_complete_target(c, -1);
	for (i = 0; i < OPS_NR_TARGETS && !ops_failed(c); i++)
		if (c->blk->tg[i].ready)
			verify_target(c, i);
}

void ops_blk_free(struct ops_ctx *c)
{
	struct ops_blk *b = c->blk;
	unsigned int i, j;

	if (!b)
		return;
	ops_hold_watch_stop(b->w);
	b->w = NULL;
	for (i = 0; i < OPS_NR_TARGETS; i++)
		if (b->tg[i].ready)
			sim_disk_release(b->tg[i].dev);
	while (b->nio) {
		int64_t res[BLK_MAX_INFLIGHT + 1];
		uint64_t tags[BLK_MAX_INFLIGHT + 1];
		int got = b->ring ? sim_aio_reap(b->ring, 1, b->nio, res, tags) : 0;

		if (got <= 0)
			break;
		while (got-- > 0 && b->nio) {
			io_unbind(&b->io[b->nio - 1]);
			b->nio--;
		}
	}
	for (i = 0; i < b->nio; i++)
		io_unbind(&b->io[i]);
	if (b->ring)
		sim_aio_destroy(b->ring);
	/* Close what the tasks hold and unmount: the shutdown must find nothing open. */
	for (i = 0; i < c->m.ntasks; i++) {
		struct ops_mtask *t = &c->m.tasks[i];

		sim_task_switch(t->t);
		for (j = 0; j < OPS_NR_TARGETS; j++) {
			if (t->fd[j][0])
				sim_close(t->fd[j][0] - 1);
			if (t->fd[j][1])
				sim_close(t->fd[j][1] - 1);
			t->fd[j][0] = t->fd[j][1] = 0;
		}
	}
	for (i = 0; i < OPS_NR_TARGETS; i++) {
		if (b->tg[i].ready && tg_dir[i] && sim_umount(tg_dir[i]) && !ops_failed(c))
			ops_fail(c, "leak", "sim_umount(%s) failed", tg_dir[i]);
		if (b->tg[i].ready && sim_disk_destroy(tg_dev[i]) && !ops_failed(c))
			ops_fail(c, "leak", "sim_disk_destroy(%s) failed", tg_dev[i]);
	}
	for (i = 0; i < OPS_NR_TARGETS; i++) {
		free(b->tg[i].data);
		free(b->tg[i].unknown);
	}
	free(b);
	c->blk = NULL;
}
