// SPDX-License-Identifier: GPL-2.0
/*
 * tests/ops/mm_ops.c - the address-space ops of the op language
 * (tests/ops/ops.h): mmap (and its bad inputs), munmap, read and write
 * through the page tables, fork, exit, mprotect and madvise. Each runs on
 * the simulated machine and on the reference model (tests/ops/model.c)
 * and checks the op's result and the pages it touched; the interpreter
 * that dispatches them, the end-of-run sweep and ops_run() are
 * tests/ops/ops.c, the pin ops tests/ops/gup_ops.c.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include "mm/internal.h"
#include "sim/sim.h"
#include "tests/ops/ops.h"
#include "tests/ops/model.h"
#include "tests/ops/interp.h"

/* Frames held sets keep: whole folios, a run of entries in one folio counted once. */
static unsigned long held_frames(struct ops_ctx *c)
{
	unsigned long n = 0, k;
	unsigned int i;

	for (i = 0; i < c->m.nsets; i++) {
		struct ops_set *s = &c->m.sets[i];
		struct folio *prev = NULL;

		for (k = 0; k < s->n; k++) {
			struct folio *folio = page_folio(s->e[k].page);

			if (folio != prev && s->e[k].kind == OPS_PG_NORMAL)
				n += (unsigned long)folio_nr_pages(folio);
			prev = folio;
		}
	}
	return n;
}

/* May @more frames be mapped without risking the machine running out? */
static bool fits(struct ops_ctx *c, unsigned long more)
{
	return model_footprint(&c->m) + held_frames(c) + more <= c->va_budget;
}

static void handle_add(struct ops_mtask *t, unsigned long start, unsigned long npages)
{
	struct ops_handle *h;

	if (t->nh < OPS_MAX_HANDLES)
		h = &t->h[t->nh++];
	else
		h = &t->h[t->nh_added % OPS_MAX_HANDLES];
	t->nh_added++;
	h->start = start;
	h->npages = npages;
}

static void op_mmap_bad(struct ops_ctx *c, struct ops_mtask *t)
{
	struct ops_handle *h = op_handle(t, c->op);
	unsigned long base = h ? h->start : OPS_UNMAPPED_ADDR, ret;
	long want;

	switch (op_sel(c->op) % 4) {
	case 0:
		ret = sim_mmap(0, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		want = -EINVAL;
		break;
	case 1:
		ret = sim_mmap(base + 123, PAGE_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		want = -EINVAL;
		break;
	case 2:
		ret = sim_mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_ANONYMOUS, -1, 0);
		want = -EINVAL;
		break;
	default:
		ret = sim_mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, -1, 0);
		want = -EBADF;
		break;
	}
	ops_expect_ret(c, "sim_mmap", (long)ret, want);
}

static int sel_prot(unsigned int sel)
{
	sel %= 8;
	if (sel < 6)
		return PROT_READ | PROT_WRITE;
	return sel == 6 ? PROT_READ : PROT_NONE;
}

void ops_op_mmap(struct ops_ctx *c)
{
	const struct ops_op *op = c->op;
	struct ops_mtask *t = ops_op_task(c);
	bool shared = op->flags & OPS_MMAP_SHARED;
	bool fixed = (op->flags & OPS_MMAP_FIXED) && t->nh;
	int prot = sel_prot(op_sel(op)), flags;
	unsigned long npages, addr = 0, ret;

	if (op->flags & OPS_F_BAD) {
		op_mmap_bad(c, t);
		return;
	}
	if (op->flags & OPS_MMAP_THP) {
		static const unsigned long thp_sizes[3] = { 512, 1024, 512 };

		npages = thp_sizes[op->len % 3];
		if (op->len % 3 == 2)
			npages += 1 + (op->len >> 2) % 64;
	} else {
		npages = 1 + op->len % 32;
	}
	if (fixed) {
		struct ops_handle *h = op_handle(t, op);

		addr = h->start + (((op->arg & 0xffff) % h->npages) << PAGE_SHIFT);
	}
	if (!fits(c, shared ? npages :
		     model_region_footprint(addr, npages, npages >= HPAGE_PMD_NR))) {
		ops_skip(c);
		return;
	}
	flags = (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS;
	if (op->flags & OPS_MMAP_POPULATE)
		flags |= MAP_POPULATE;
	if (fixed)
		flags |= MAP_FIXED;
	ret = sim_mmap(addr, npages << PAGE_SHIFT, prot, flags, -1, 0);
	if (IS_ERR_VALUE(ret)) {
		ops_fail(c, "errno", "sim_mmap(%#lx, %lu pages) failed: %ld", addr, npages, (long)ret);
		return;
	}
	if ((ret & ~PAGE_MASK) || (fixed && ret != addr)) {
		ops_fail(c, "mmap", "sim_mmap() returned %#lx (asked %#lx)", ret, addr);
		return;
	}
	if (fixed)
		model_munmap(&c->m, t, addr, npages);
	else if (!model_range_free(t, ret, npages)) {
		ops_fail(c, "mmap", "sim_mmap() returned %#lx + %lu pages, over a live mapping",
			 ret, npages);
		return;
	}
	model_mmap(&c->m, t, ret, npages, prot, shared);
	handle_add(t, ret, npages);
	ops_verify_range(c, t, ret, npages, false);
}

void ops_op_munmap(struct ops_ctx *c)
{
	const struct ops_op *op = c->op;
	struct ops_mtask *t = ops_op_task(c);
	unsigned long start, n;

	op_range(op, t, 0, &start, &n);
	if (op->flags & OPS_F_BAD) {
		if (op_sel(op) % 2)
			ops_expect_ret(c, "sim_munmap(len 0)", sim_munmap(start, 0), -EINVAL);
		else
			ops_expect_ret(c, "sim_munmap(misaligned)", sim_munmap(start + 1, PAGE_SIZE),
				   -EINVAL);
		return;
	}
	ops_expect_ret(c, "sim_munmap", sim_munmap(start, n << PAGE_SHIFT), 0);
	model_munmap(&c->m, t, start, n);
	ops_verify_range(c, t, start, n, false);
}

/* The byte range of a read or write: whole pages, or trimmed at both ends. */
static void op_bytes(const struct ops_op *op, struct ops_mtask *t, unsigned long *start,
		     unsigned long *n, unsigned long *addr, unsigned long *len)
{
	op_range(op, t, OPS_RW_MAX_PAGES, start, n);
	*addr = *start;
	*len = *n << PAGE_SHIFT;
	if (op->flags & OPS_RW_SUBPAGE) {
		unsigned long sub = (op_sel(op) * 16UL) % PAGE_SIZE;
		unsigned long trim = (unsigned long)(op->len >> 12) * 256;

		*addr += sub;
		*len -= sub;
		if (trim < *len)
			*len -= trim;
	}
}

void ops_compare_bytes(struct ops_ctx *c, struct ops_mtask *t, unsigned long addr,
		       const unsigned char *buf, unsigned long len)
{
	unsigned long done = 0;

	while (done < len && !ops_failed(c)) {
		unsigned long a = addr + done;
		unsigned int sub = a & ~PAGE_MASK;
		unsigned long n = PAGE_SIZE - sub < len - done ? PAGE_SIZE - sub : len - done;
		const unsigned char *want = model_page_bytes(t, a);
		unsigned int d;

		if (!want)
			want = ops_zero_bytes;
		d = ops_first_diff(buf + done, want + sub, n);
		if (d < n)
			ops_fail(c, "data", "task %d read %#lx: byte is %#x, the model says %#x", t->id,
				 a + d, buf[done + d], want[sub + d]);
		done += n;
	}
}

void ops_op_read(struct ops_ctx *c)
{
	struct ops_mtask *t = ops_op_task(c);
	unsigned long start, n, addr, len, want;
	ssize_t ret;

	op_bytes(c->op, t, &start, &n, &addr, &len);
	want = model_access_prefix(t, addr, len, false);
	ret = sim_user_read(addr, c->buf, len);
	ops_expect_ret(c, "sim_user_read", ret, want ? (long)want : -EFAULT);
	if (ret > 0 && !ops_failed(c))
		ops_compare_bytes(c, t, addr, c->buf, (unsigned long)ret);
	ops_verify_range(c, t, start, n, false);
}

void ops_op_write(struct ops_ctx *c)
{
	const struct ops_op *op = c->op;
	struct ops_mtask *t = ops_op_task(c);
	bool ramp = op->flags & OPS_RW_RAMP;
	unsigned long start, n, addr, len, want;
	ssize_t ret;

	op_bytes(op, t, &start, &n, &addr, &len);
	want = model_access_prefix(t, addr, len, true);
	if (ramp) {
		ops_pattern_fill(c->buf, op_pattern(op), true, 0, len);
		ret = sim_user_write(addr, c->buf, len);
	} else {
		ret = sim_user_memset(addr, op_pattern(op), len);
	}
	ops_expect_ret(c, ramp ? "sim_user_write" : "sim_user_memset", ret,
		   want ? (long)want : -EFAULT);
	if (ops_failed(c))
		return;
	model_write(t, addr, want, op_pattern(op), ramp);
	ops_verify_range(c, t, start, n, true);
}

void ops_op_fork(struct ops_ctx *c)
{
	struct ops_mtask *t = ops_op_task(c), *child;
	struct task_struct *ct;
	int parent_id = t->id;
	struct page **snap;
	unsigned long nsnap;

	if (c->m.ntasks == OPS_MAX_TASKS || !fits(c, model_task_private_footprint(t))) {
		ops_skip(c);
		return;
	}
	snap = ops_snap_task(t, &nsnap);
	ct = sim_fork();
	if (IS_ERR(ct)) {
		ops_fail(c, "errno", "sim_fork() failed: %ld", PTR_ERR(ct));
		free(snap);
		return;
	}
	child = model_fork(&c->m, t, ct);
	if (!child)
		abort();
	t = model_task_by_id(&c->m, parent_id);
	/*
	 * Every page of both tasks is checked (mapped or not, which frame,
	 * zero pages); the bytes of each frame fork made (the child's copies
	 * of pinned pages, a parent page it replaced) and of each copy's
	 * source are compared; a frame the parent kept that fork did not
	 * copy holds what it held (fork writes only new frames), and the
	 * child's pages on it are the same frame.
	 */
	ops_vcache_reset(c);
	ops_vcache_trust_unchanged(c, t, child, snap, nsnap);
	free(snap);
	ops_verify_task(c, t);
	ops_verify_task(c, child);
	ops_check_bindings(c);
}

void ops_op_exit(struct ops_ctx *c)
{
	struct ops_mtask *t = ops_op_task(c);

	if (c->m.ntasks == 1) {
		ops_skip(c);
		return;
	}
	sim_task_exit(t->t);
	model_task_exit(&c->m, t);
}

void ops_op_mprotect(struct ops_ctx *c)
{
	const struct ops_op *op = c->op;
	struct ops_mtask *t = ops_op_task(c);
	static const int prots[3] = { PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE };
	unsigned long start, n;
	int prot = prots[op_sel(op) % 3];

	op_range(op, t, 0, &start, &n);
	if (op->flags & OPS_F_BAD) {
		if (op_sel(op) % 2)
			ops_expect_ret(c, "sim_mprotect(bad prot)",
				   sim_mprotect(start, PAGE_SIZE, 0x10), -EINVAL);
		else
			ops_expect_ret(c, "sim_mprotect(misaligned)",
				   sim_mprotect(start + 1, PAGE_SIZE, PROT_READ), -EINVAL);
		return;
	}
	ops_expect_ret(c, "sim_mprotect", sim_mprotect(start, n << PAGE_SHIFT, prot),
		   model_mprotect(t, start, n, prot));
	ops_verify_range(c, t, start, n, false);
}

void ops_op_madvise(struct ops_ctx *c)
{
	const struct ops_op *op = c->op;
	struct ops_mtask *t = ops_op_task(c);
	unsigned long start, n;
	int ret, want;

	op_range(op, t, 0, &start, &n);
	if (op->flags & OPS_F_BAD) {
		if (op_sel(op) % 2)
			ops_expect_ret(c, "sim_madvise(bad advice)",
				   sim_madvise(start, PAGE_SIZE, 1000), -EINVAL);
		else
			ops_expect_ret(c, "sim_madvise(misaligned)",
				   sim_madvise(start + 1, PAGE_SIZE, MADV_DONTNEED), -EINVAL);
		return;
	}
	switch (op_sel(op) % 8) {
	case 0: case 1: case 2: case 3:
		ret = sim_madvise(start, n << PAGE_SHIFT, MADV_DONTNEED);
		want = model_dontneed(t, start, n);
		break;
	case 4:
		ret = sim_madvise(start, n << PAGE_SHIFT, MADV_DONTFORK);
		want = model_set_dontcopy(t, start, n, true);
		break;
	case 5:
		ret = sim_madvise(start, n << PAGE_SHIFT, MADV_DOFORK);
		want = model_set_dontcopy(t, start, n, false);
		break;
	case 6:
		ret = sim_madvise(start, n << PAGE_SHIFT, MADV_NOHUGEPAGE);
		want = model_range_holes(t, start, n);
		break;
	default:
		ret = sim_madvise(start, n << PAGE_SHIFT, MADV_HUGEPAGE);
		want = model_range_holes(t, start, n);
		break;
	}
	ops_expect_ret(c, "sim_madvise", ret, want);
	ops_verify_range(c, t, start, n, true);
}
