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

static const char *const tg_dev[OPS_NR_TARGETS] = { "opsraw", "opsfsi", "opsfsl" };
static const char *const tg_path[OPS_NR_TARGETS] = { "/dev/opsraw", "/opsi/f", "/opsl/f" };
static const char *const tg_dir[OPS_NR_TARGETS] = { NULL, "/opsi", "/opsl" };
static const char *const tg_mount[OPS_NR_TARGETS] = { NULL, "dio=iomap", "dio=legacy" };
static const char *const tg_mkfs[OPS_NR_TARGETS] = { NULL, "bs=1024", "bs=2048" };
static const unsigned long tg_bsize[OPS_NR_TARGETS] = { 512, 1024, 2048 };	/* as tg_mkfs */

static unsigned int op_target(const struct ops_op *op)
{
	return (op->arg >> 24) % OPS_NR_TARGETS;
}

static unsigned int op_sub(const struct ops_op *op)
{
	return (op->arg >> 24) / OPS_NR_TARGETS;
}

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

static bool target_setup(struct ops_ctx *c, unsigned int i)
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
static int target_fd(struct ops_ctx *c, struct ops_mtask *t, unsigned int i, bool direct)
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

static void file_store(struct blk_target *tg, unsigned long off, const unsigned char *buf,
		       unsigned long len)
{
	if (off >= BLK_CAP)
		return;
	if (len > BLK_CAP - off)
		len = BLK_CAP - off;
	memcpy(tg->data + off, buf, len);
	memset(tg->unknown + off, 0, len);
}

static void file_forget(struct blk_target *tg, unsigned long off, unsigned long len)
{
	if (off >= BLK_CAP)
		return;
	if (len > BLK_CAP - off)
		len = BLK_CAP - off;
	memset(tg->unknown + off, 1, len);
}

/* A file's size changes: new bytes are zeros (a hole), cut bytes are gone. */
static void file_resize(struct blk_target *tg, unsigned long size)
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
static void file_check(struct ops_ctx *c, struct blk_target *tg, unsigned long off,
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
static void mem_bytes(struct ops_mtask *t, unsigned long addr, unsigned long len,
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
static void mem_landed(struct ops_ctx *c, struct ops_mtask *t, struct blk_target *tg,
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
	file_check(c, tg, off, b->tmp, len, how);
	if (!ops_failed(c))
		model_write_buf(t, addr, b->tmp, len);
}

/* Bytes of t's memory the machine holds now become the model's (undefined after an error). */
static void mem_adopt(struct ops_ctx *c, struct ops_mtask *t, unsigned long addr,
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
			file_resize(tg, (unsigned long)io->off + io->want);
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
static void reap(struct ops_ctx *c, unsigned int min)
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
static void complete_target(struct ops_ctx *c, int i)
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
		reap(c, n);
	}
}

/*
 * The start of every op on target @ti: set the target up, complete the
 * I/O it holds, open it for task @t (O_DIRECT if @direct).
 * Return: the fd with *@tgp set, or -1 (the op is over: skipped or failed).
 */
static int target_begin(struct ops_ctx *c, struct ops_mtask *t, unsigned int ti, bool direct,
			struct blk_target **tgp)
{
	int fd;

	if (!target_setup(c, ti))
		return -1;
	*tgp = &c->blk->tg[ti];
	complete_target(c, (int)ti);
	fd = target_fd(c, t, ti, direct);
	return fd < 0 || ops_failed(c) ? -1 : fd;
}

/* ---- the ops ---------------------------------------------------------------- */

struct blk_buf {
	unsigned long addr, len;
	bool ok;		/* the whole buffer has the access the op needs */
	bool none;		/* not even its first byte has it */
};

/* The user buffer of a block op: in the op's mapping, @len bytes, @shift into its page. */
static void op_buf(const struct ops_op *op, struct ops_mtask *t, unsigned long len,
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

static unsigned long dio_want(const struct blk_target *tg, bool write, unsigned long off,
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
	fd = target_fd(c, t, ti, false);
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
			complete_target(c, o->target);
			k = (unsigned int)-1;	/* the list changed: look again */
		}
	}
	if (ops_failed(c))
		return;
	/*
	 * Writes that complete at submit are not held (holding one would hang
	 * its submitter): a sub-block write on dio=iomap (dio_write_waits(),
	 * op_dio() completed what was in flight), and every legacy write: the
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
		mem_adopt(c, t, bb->addr, bb->len);
	c->m.pins += io->pins;
	c->m.zero_refs += io->zrefs;
	c->m.hz_pins += io->hzpins;
	tg->inflight++;
	tg->inflight_writes += write;
	b->nio++;
	/* A read of a hole, or an unheld write, may have completed already. */
	reap(c, held ? 0 : 1);
}

static void op_dio(struct ops_ctx *c)
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

	if (sim_profile() != SIM_PROFILE_V6_5 || !target_setup(c, ti)) {
		if (!ops_failed(c))
			ops_skip(c);
		return;
	}
	tg = &c->blk->tg[ti];
	fd = target_fd(c, t, ti, true);
	if (fd < 0)
		return;
	op_buf(op, t, len, shift, !write, &bb);
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
		complete_target(c, (int)ti);
	if (ops_failed(c))
		return;
	if (write && dio_write_waits(ti, off, len) && tg->inflight) {
		ops_fail(c, "hold-wait", "a sub-block O_DIRECT write on %s with %u I/Os held would wait for them",
			 tg->path, tg->inflight);
		return;
	}
	want = dio_want(tg, write, off, len);
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
		complete_target(c, (int)ti);
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
			file_forget(tg, off, len);
			if (!tg->raw) {
				off_t end = sim_lseek(fd, 0, SEEK_END);

				if (end < 0) {
					ops_fail(c, "errno", "sim_lseek(SEEK_END) failed: %ld", (long)end);
					return;
				}
				if ((long)end > had_size) {
					tg->size = (unsigned long)end;
					file_forget(tg, (unsigned long)had_size,
						    (unsigned long)end - (unsigned long)had_size);
				} else {
					file_resize(tg, (unsigned long)end);
				}
			}
		} else {
			mem_adopt(c, t, bb.addr, len);
		}
		ops_verify_range(c, t, bb.addr & PAGE_MASK,
				 ((bb.addr + len - 1) >> PAGE_SHIFT) - (bb.addr >> PAGE_SHIFT) + 1, true);
		return;
	}
	if (write) {
		mem_bytes(t, bb.addr, len, c->blk->want);
		ret = sim_pwrite(fd, bb.addr, len, (off_t)off);
		ops_expect_ret(c, "sim_pwrite(O_DIRECT)", ret, (long)want);
		if (ops_failed(c))
			return;
		if (!tg->raw && off + want > tg->size)
			file_resize(tg, off + want);
		file_store(tg, off, c->blk->want, want);
		return;
	}
	ret = sim_pread(fd, bb.addr, len, (off_t)off);
	ops_expect_ret(c, "sim_pread(O_DIRECT)", ret, (long)want);
	if (ops_failed(c))
		return;
	mem_landed(c, t, tg, off, bb.addr, want, "O_DIRECT read of");
	/* Past the end of a file the block may have been read whole: undefined. */
	if (!ops_failed(c) && want < len)
		mem_adopt(c, t, bb.addr + want, len - want);
	ops_verify_range(c, t, bb.addr & PAGE_MASK,
			 ((bb.addr + len - 1) >> PAGE_SHIFT) - (bb.addr >> PAGE_SHIFT) + 1, true);
}

/* Buffered ops use a simfs file: on the raw disk they are refused. */
static unsigned int fs_target(const struct ops_op *op)
{
	return 1 + (op->arg >> 24) % 2;
}

static void op_bufrw(struct ops_ctx *c)
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

	fd = target_begin(c, t, ti, false, &tg);
	if (fd < 0)
		return;
	op_buf(op, t, len, shift, !write, &bb);
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
		mem_bytes(t, bb.addr, len, c->blk->want);
		ret = sim_pwrite(fd, bb.addr, len, (off_t)off);
		ops_expect_ret(c, "sim_pwrite", ret, (long)len);
		if (ops_failed(c))
			return;
		if (off + len > tg->size)
			file_resize(tg, off + len);
		file_store(tg, off, c->blk->want, len);
		return;
	}
	want = dio_want(tg, false, off, len);
	ret = sim_pread(fd, bb.addr, len, (off_t)off);
	if (bb.none) {
		ops_expect_ret(c, "sim_pread(unmapped buffer)", ret, want ? -EFAULT : 0);
		return;
	}
	ops_expect_ret(c, "sim_pread", ret, (long)want);
	if (!ops_failed(c))
		mem_landed(c, t, tg, off, bb.addr, want, "buffered read of");
	ops_verify_range(c, t, bb.addr & PAGE_MASK,
			 ((bb.addr + len - 1) >> PAGE_SHIFT) - (bb.addr >> PAGE_SHIFT) + 1, true);
}

static void op_fmmap(struct ops_ctx *c)
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

	fd = target_begin(c, t, ti, false, &tg);
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
		file_check(c, tg, off, c->blk->tmp, len, "mapping of");
	if (!ops_failed(c)) {
		ret = sim_user_memset(addr + off, pat, len);
		ops_expect_ret(c, "sim_user_memset (file mapping)", ret, (long)len);
	}
	ops_expect_ret(c, "sim_munmap (file mapping)", sim_munmap(addr, maplen), 0);
	if (ops_failed(c) || priv)
		return;
	for (k = 0; k < len; k++)
		c->blk->want[k] = pat;
	file_store(tg, off, c->blk->want, len);
}

static void op_truncate(struct ops_ctx *c)
{
	const struct ops_op *op = c->op;
	struct ops_mtask *t = ops_op_task(c);
	unsigned int ti = op_target(op);
	unsigned long size = ((op->arg >> 16) & 0xff) * 613UL + (op->len & 0x1ff);
	struct blk_target *tg;
	int fd;

	fd = target_begin(c, t, ti, false, &tg);
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
		file_resize(tg, size);
}

static void close_pipe(int p[2])
{
	sim_close(p[0]);
	sim_close(p[1]);
}

/* A file into a pipe, the pipe into user memory. */
static void op_splice(struct ops_ctx *c)
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

	fd = target_begin(c, t, ti, raw, &tg);
	if (fd < 0)
		return;
	op_buf(op, t, len, shift, true, &bb);
	want = dio_want(tg, false, off, len);
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
		mem_landed(c, t, tg, off, bb.addr, (unsigned long)ret, "splice of");
	ops_verify_range(c, t, bb.addr & PAGE_MASK,
			 ((bb.addr + len - 1) >> PAGE_SHIFT) - (bb.addr >> PAGE_SHIFT) + 1, true);
}

/* User memory into a pipe (FOLL_GET references), the pipe into a simfs file. */
static void op_vmsplice(struct ops_ctx *c)
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

	fd = target_begin(c, t, ti, false, &tg);
	if (fd < 0)
		return;
	op_buf(op, t, len, shift, false, &bb);
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
	mem_bytes(t, bb.addr, (unsigned long)ret, c->blk->want);
	pos = (loff_t)off;
	w = sim_splice(p[0], NULL, fd, &pos, (size_t)ret, 0);
	close_pipe(p);
	ops_expect_ret(c, "sim_splice(pipe to file)", w, ret);
	if (ops_failed(c))
		return;
	if (off + (unsigned long)w > tg->size)
		file_resize(tg, off + (unsigned long)w);
	file_store(tg, off, c->blk->want, (unsigned long)w);
}

static void op_fsync(struct ops_ctx *c)
{
	struct ops_mtask *t = ops_op_task(c);
	unsigned int ti = op_target(c->op);
	int fd;

	if (!target_setup(c, ti))
		return;
	if (!c->blk->tg[ti].raw)
		complete_target(c, (int)ti);
	fd = target_fd(c, t, ti, c->op->flags & 1);
	if (fd < 0 || ops_failed(c))
		return;
	ops_expect_ret(c, "sim_fsync", sim_fsync(fd), 0);
}

static void op_complete(struct ops_ctx *c)
{
	struct ops_blk *b = c->blk;

	if (!b || !b->nio) {
		ops_skip(c);
		return;
	}
	complete_target(c, b->io[c->op->idx % b->nio].target);
}

void ops_blk_exec(struct ops_ctx *c)
{
	switch (c->op->op) {
	case OPS_DIO:		op_dio(c); break;
	case OPS_BUFRW:		op_bufrw(c); break;
	case OPS_FMMAP:		op_fmmap(c); break;
	case OPS_TRUNCATE:	op_truncate(c); break;
	case OPS_SPLICE:	op_splice(c); break;
	case OPS_VMSPLICE:	op_vmsplice(c); break;
	case OPS_FSYNC:		op_fsync(c); break;
	case OPS_COMPLETE:	op_complete(c); break;
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
	fd = target_fd(c, t, ti, tg->raw);
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
			file_check(c, tg, done, b->tmp, n, "final read of");
		done += n;
	}
	sim_munmap(scratch, BLK_MAX_IO);
}

void ops_blk_quiesce(struct ops_ctx *c)
{
	complete_target(c, -1);
}

void ops_blk_finish(struct ops_ctx *c)
{
	unsigned int i;

	if (!c->blk)
		return;
	complete_target(c, -1);
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
