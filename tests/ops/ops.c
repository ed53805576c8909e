// SPDX-License-Identifier: GPL-2.0
/*
 * tests/ops/ops.c - the interpreter of the op language (tests/ops/ops.h):
 * runs each op on the simulated machine and on the reference model
 * (tests/ops/model.c) and compares, with the checks of tests/ops/check.c.
 * The pin ops are in tests/ops/gup_ops.c, the block and filesystem ops in
 * tests/ops/blk*.c.
 *
 * After every op: the op's own result (return value, errno, the pages GUP
 * returned and their bytes, vmstat deltas), the pages the op touched, the
 * pin and zero-page balances (I3, I4) and the WARN count. Every
 * check_every ops: sim_check() (I1-I4, I6), each held folio's exact pin
 * count (I1) and that every bound pin still maps where it was taken
 * (R-COW-2, I6). Every verify_every ops: every mapped page of every task
 * against the model (I8), read through the page tables without faulting
 * so that checking does not change what it checks. At the end, every
 * readable page once more through sim_user_read(), every set released,
 * the balances back to zero and sim_shutdown() leak-free.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "mm/internal.h"
#include "sim/sim.h"
#include "tests/ops/ops.h"
#include "tests/ops/model.h"
#include "tests/ops/interp.h"

/* Fewer free frames than this when a check fails: call it OOM, not a bug. */
#define OPS_OOM_FRAMES		(2 * HPAGE_PMD_NR)

const char *const ops_names[OPS_NR_OPS] = {
	[OPS_NOP] = "nop",
	[OPS_MMAP] = "mmap",
	[OPS_MUNMAP] = "munmap",
	[OPS_READ] = "read",
	[OPS_WRITE] = "write",
	[OPS_GET] = "get",
	[OPS_PIN] = "pin",
	[OPS_UNPIN] = "unpin",
	[OPS_PUT] = "put",
	[OPS_FORK] = "fork",
	[OPS_EXIT] = "exit",
	[OPS_MPROTECT] = "mprotect",
	[OPS_MADVISE] = "madvise",
	[OPS_DMA_WRITE] = "dma_write",
	[OPS_DMA_READ] = "dma_read",
	[OPS_DIO] = "dio",
	[OPS_BUFRW] = "bufrw",
	[OPS_FMMAP] = "fmmap",
	[OPS_TRUNCATE] = "truncate",
	[OPS_SPLICE] = "splice",
	[OPS_VMSPLICE] = "vmsplice",
	[OPS_FSYNC] = "fsync",
	[OPS_COMPLETE] = "complete",
	[OPS_RESET] = "reset",
};

struct ops_stats ops_stats;
const struct ops_config *ops_current_cfg;
const struct ops_op *ops_current_seq;
size_t ops_current_len;
long ops_current_op = -1;

static void skip(struct ops_ctx *c)
{
	c->res->ops_skipped++;
}

/* ---- addressing ----------------------------------------------------------- */

static struct ops_mtask *op_task(struct ops_ctx *c)
{
	struct ops_mtask *t = &c->m.tasks[c->op->task % c->m.ntasks];

	sim_task_switch(t->t);
	return t;
}

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

static void expect_ret(struct ops_ctx *c, const char *call, long ret, long want)
{
	if (ret != want)
		ops_fail(c, "errno", "%s returned %ld, expected %ld", call, ret, want);
}

void ops_expect_ret(struct ops_ctx *c, const char *call, long ret, long want)
{
	expect_ret(c, call, ret, want);
}

void ops_skip(struct ops_ctx *c)
{
	skip(c);
}

struct ops_mtask *ops_op_task(struct ops_ctx *c)
{
	return op_task(c);
}

/* ---- the ops ---------------------------------------------------------------- */

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
	expect_ret(c, "sim_mmap", (long)ret, want);
}

static int sel_prot(unsigned int sel)
{
	sel %= 8;
	if (sel < 6)
		return PROT_READ | PROT_WRITE;
	return sel == 6 ? PROT_READ : PROT_NONE;
}

static void op_mmap(struct ops_ctx *c)
{
	const struct ops_op *op = c->op;
	struct ops_mtask *t = op_task(c);
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
		skip(c);
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

static void op_munmap(struct ops_ctx *c)
{
	const struct ops_op *op = c->op;
	struct ops_mtask *t = op_task(c);
	unsigned long start, n;

	op_range(op, t, 0, &start, &n);
	if (op->flags & OPS_F_BAD) {
		if (op_sel(op) % 2)
			expect_ret(c, "sim_munmap(len 0)", sim_munmap(start, 0), -EINVAL);
		else
			expect_ret(c, "sim_munmap(misaligned)", sim_munmap(start + 1, PAGE_SIZE),
				   -EINVAL);
		return;
	}
	expect_ret(c, "sim_munmap", sim_munmap(start, n << PAGE_SHIFT), 0);
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

static void compare_bytes(struct ops_ctx *c, struct ops_mtask *t, unsigned long addr,
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

static void op_read(struct ops_ctx *c)
{
	struct ops_mtask *t = op_task(c);
	unsigned long start, n, addr, len, want;
	ssize_t ret;

	op_bytes(c->op, t, &start, &n, &addr, &len);
	want = model_access_prefix(t, addr, len, false);
	ret = sim_user_read(addr, c->buf, len);
	expect_ret(c, "sim_user_read", ret, want ? (long)want : -EFAULT);
	if (ret > 0 && !ops_failed(c))
		compare_bytes(c, t, addr, c->buf, (unsigned long)ret);
	ops_verify_range(c, t, start, n, false);
}

static void op_write(struct ops_ctx *c)
{
	const struct ops_op *op = c->op;
	struct ops_mtask *t = op_task(c);
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
	expect_ret(c, ramp ? "sim_user_write" : "sim_user_memset", ret,
		   want ? (long)want : -EFAULT);
	if (ops_failed(c))
		return;
	model_write(t, addr, want, op_pattern(op), ramp);
	ops_verify_range(c, t, start, n, true);
}

static void op_fork(struct ops_ctx *c)
{
	struct ops_mtask *t = op_task(c), *child;
	struct task_struct *ct;
	int parent_id = t->id;
	struct page **snap;
	unsigned long nsnap;

	if (c->m.ntasks == OPS_MAX_TASKS || !fits(c, model_task_private_footprint(t))) {
		skip(c);
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

static void op_exit(struct ops_ctx *c)
{
	struct ops_mtask *t = op_task(c);

	if (c->m.ntasks == 1) {
		skip(c);
		return;
	}
	sim_task_exit(t->t);
	model_task_exit(&c->m, t);
}

static void op_mprotect(struct ops_ctx *c)
{
	const struct ops_op *op = c->op;
	struct ops_mtask *t = op_task(c);
	static const int prots[3] = { PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE };
	unsigned long start, n;
	int prot = prots[op_sel(op) % 3];

	op_range(op, t, 0, &start, &n);
	if (op->flags & OPS_F_BAD) {
		if (op_sel(op) % 2)
			expect_ret(c, "sim_mprotect(bad prot)",
				   sim_mprotect(start, PAGE_SIZE, 0x10), -EINVAL);
		else
			expect_ret(c, "sim_mprotect(misaligned)",
				   sim_mprotect(start + 1, PAGE_SIZE, PROT_READ), -EINVAL);
		return;
	}
	expect_ret(c, "sim_mprotect", sim_mprotect(start, n << PAGE_SHIFT, prot),
		   model_mprotect(t, start, n, prot));
	ops_verify_range(c, t, start, n, false);
}

static void op_madvise(struct ops_ctx *c)
{
	const struct ops_op *op = c->op;
	struct ops_mtask *t = op_task(c);
	unsigned long start, n;
	int ret, want;

	op_range(op, t, 0, &start, &n);
	if (op->flags & OPS_F_BAD) {
		if (op_sel(op) % 2)
			expect_ret(c, "sim_madvise(bad advice)",
				   sim_madvise(start, PAGE_SIZE, 1000), -EINVAL);
		else
			expect_ret(c, "sim_madvise(misaligned)",
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
	expect_ret(c, "sim_madvise", ret, want);
	ops_verify_range(c, t, start, n, true);
}

/*
 * The end of one sequence of a longer program: first the sweep (every
 * mapped page against the model, sim_check(), exact pins, bindings) on
 * what the sequence left, then back to one task with no mapping and no
 * held set, on the same machine. Each release is checked as unpin/put ops
 * check it, each unmapped range must read as unmapped, and the balances
 * after the op must show no pin and no zero-page reference left.
 */
static double prof_now(const struct ops_config *cfg);

static void op_reset(struct ops_ctx *c)
{
	double t0 = prof_now(c->cfg);
	struct ops_mtask *t;

	ops_verify_all(c);
	if (!ops_failed(c))
		ops_check_machine(c);
	c->op_sweep_ns += prof_now(c->cfg) - t0;
	ops_blk_quiesce(c);
	while (!ops_failed(c) && c->m.nsets)
		ops_release_set(c, c->m.nsets - 1, 0);
	while (!ops_failed(c) && c->m.ntasks > 1) {
		t = &c->m.tasks[c->m.ntasks - 1];
		sim_task_switch(t->t);
		sim_task_exit(t->t);
		model_task_exit(&c->m, t);
	}
	t = &c->m.tasks[0];
	sim_task_switch(t->t);
	while (!ops_failed(c) && t->nr) {
		unsigned long start = t->r[0].start, n = t->r[0].npages;

		expect_ret(c, "sim_munmap (reset)", sim_munmap(start, n << PAGE_SHIFT), 0);
		model_munmap(&c->m, t, start, n);
		ops_verify_range(c, t, start, n, false);
	}
	t->nh = 0;
	t->nh_added = 0;
}

static void exec_op(struct ops_ctx *c)
{
	switch (c->op->op) {
	case OPS_MMAP:		op_mmap(c); break;
	case OPS_MUNMAP:	op_munmap(c); break;
	case OPS_READ:		op_read(c); break;
	case OPS_WRITE:		op_write(c); break;
	case OPS_GET:		ops_op_gup(c, false); break;
	case OPS_PIN:		ops_op_gup(c, true); break;
	case OPS_UNPIN:		ops_op_release(c, true); break;
	case OPS_PUT:		ops_op_release(c, false); break;
	case OPS_FORK:		op_fork(c); break;
	case OPS_EXIT:		op_exit(c); break;
	case OPS_MPROTECT:	op_mprotect(c); break;
	case OPS_MADVISE:	op_madvise(c); break;
	case OPS_DMA_WRITE:	ops_op_dma_write(c); break;
	case OPS_DMA_READ:	ops_op_dma_read(c); break;
	case OPS_DIO:
	case OPS_BUFRW:
	case OPS_FMMAP:
	case OPS_TRUNCATE:
	case OPS_SPLICE:
	case OPS_VMSPLICE:
	case OPS_FSYNC:
	case OPS_COMPLETE:	ops_blk_exec(c); break;
	case OPS_RESET:		op_reset(c); break;
	default:		skip(c); break;
	}
}

/* ---- the end of a run ------------------------------------------------------ */

/*
 * Every readable page of every task, through the CPU's path (faulting),
 * except never-written shared pages no task maps: reading those would
 * only allocate zeroed shmem pages.
 */
static void read_back_all(struct ops_ctx *c)
{
	unsigned int i, j;

	for (i = 0; i < c->m.ntasks && !ops_failed(c); i++) {
		struct ops_mtask *t = &c->m.tasks[i];

		sim_task_switch(t->t);
		for (j = 0; j < t->nr && !ops_failed(c); j++) {
			struct ops_region *r = &t->r[j];
			unsigned long p;

			if (r->prot == PROT_NONE)
				continue;
			for (p = 0; p < r->npages && !ops_failed(c); p++) {
				unsigned long a = r->start + (p << PAGE_SHIFT);
				struct ops_peek pk;
				ssize_t ret;

				if (r->obj->shared && !r->obj->pg[r->off + p]) {
					ops_peek_at(t->t->mm, a, &pk);
					if (!pk.present)
						continue;
				}
				ret = sim_user_read(a, c->buf, PAGE_SIZE);
				expect_ret(c, "sim_user_read (final)", ret, (long)PAGE_SIZE);
				if (!ops_failed(c))
					compare_bytes(c, t, a, c->buf, PAGE_SIZE);
			}
		}
	}
}

static void finish(struct ops_ctx *c)
{
	c->op = NULL;
	ops_blk_watch(c, true);
	ops_blk_finish(c);
	ops_blk_watch(c, false);
	ops_verify_all(c);
	if (!ops_failed(c))
		ops_check_machine(c);
	if (!ops_failed(c))
		read_back_all(c);
	while (!ops_failed(c) && c->m.nsets)
		ops_release_set(c, c->m.nsets - 1, 0);
	if (!ops_failed(c))
		ops_check_balances(c);
	if (!ops_failed(c) && c->m.pins)
		ops_fail(c, "I4", "%ld pins left in the model after releasing every set", c->m.pins);
	if (!ops_failed(c))
		ops_check_machine(c);
}

/* ---- running a sequence ----------------------------------------------------- */

static double prof_now(const struct ops_config *cfg)
{
	struct timespec ts;

	if (!cfg->prof)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void count_machine_stats(const struct ops_config *cfg)
{
	ops_stats.pins += node_page_state(NR_FOLL_PIN_ACQUIRED);
	ops_stats.zero_pins += node_page_state(ZERO_PAGE_PIN);
	ops_stats.thp_faults += node_page_state(THP_FAULT_ALLOC);
	ops_stats.thp_splits += node_page_state(THP_SPLIT_PMD);
	ops_stats.cow_faults += node_page_state(COW_FAULT);
	ops_stats.fork_copies += node_page_state(COW_FORK_COPY);
	ops_stats.fast_fallbacks += node_page_state(GUP_FAST_FALLBACK);
	if (cfg->trace)
		fprintf(stderr, "ops: pins %ld (zero %ld), thp faults %ld, splits %ld, cow faults %ld, fork copies %ld\n",
			node_page_state(NR_FOLL_PIN_ACQUIRED), node_page_state(ZERO_PAGE_PIN),
			node_page_state(THP_FAULT_ALLOC), node_page_state(THP_SPLIT_PMD),
			node_page_state(COW_FAULT), node_page_state(COW_FORK_COPY));
}

/* After a failure: drop what the sets hold (each passed its checks when taken). */
static void release_all_quietly(struct ops_ctx *c)
{
	unsigned long k;

	while (c->m.nsets) {
		struct ops_set *s = &c->m.sets[c->m.nsets - 1];

		for (k = 0; k < s->n; k++) {
			if (s->pin)
				sim_unpin_user_page(s->e[k].page);
			else
				put_page(s->e[k].page);
		}
		model_set_free(&c->m, c->m.nsets - 1);
	}
}

/* Quiet runs (shrinking) send the machine's reports to /dev/null. */
static int quiet_begin(const struct ops_config *cfg)
{
	int saved, devnull;

	if (!cfg->quiet)
		return -1;
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	devnull = open("/dev/null", O_WRONLY);
	if (saved >= 0 && devnull >= 0)
		dup2(devnull, STDERR_FILENO);
	if (devnull >= 0)
		close(devnull);
	pinio_warn_quiet(true);
	return saved;
}

static void quiet_end(const struct ops_config *cfg, int saved)
{
	if (!cfg->quiet)
		return;
	pinio_warn_quiet(false);
	fflush(stderr);
	if (saved >= 0) {
		dup2(saved, STDERR_FILENO);
		close(saved);
	}
}

int ops_run(const struct ops_config *cfg, const struct ops_op *ops, size_t n,
	    struct ops_result *res)
{
	struct sim_config sc = {
		.mem_bytes = cfg->mem_bytes,
		.nr_zero_pages = cfg->zero_pages,
		.thp = cfg->thp,
		.profile = cfg->profile,
		.no_page_poison = cfg->no_page_poison,
	};
	struct ops_prof *prof = cfg->prof;
	struct ops_ctx *c;
	struct sim_ledger l;
	double t0 = prof_now(cfg), t1 = t0;
	long leaks;
	int err, saved_err;

	memset(res, 0, sizeof(*res));
	res->failed_at = -1;
	c = calloc(1, sizeof(*c));
	if (!c)
		abort();
	c->cfg = cfg;
	c->res = res;
	c->op_index = -1;
	c->vcache = calloc(VCACHE_SIZE, sizeof(*c->vcache));
	if (!c->vcache)
		abort();
	model_init(&c->m);
	saved_err = quiet_begin(cfg);
	if (cfg->fresh_memory) {
		/* A boot of another size drops the kept memory (mm/page_alloc.c). */
		struct sim_config other = { .mem_bytes = cfg->mem_bytes + (2UL << 20) };

		if (!sim_boot(&other))
			sim_shutdown();
	}
	err = sim_boot(&sc);
	if (err) {
		ops_fail(c, "boot", "sim_boot() failed: %d", err);
		goto out;
	}
	c->zero_pins_count = sim_profile() == SIM_PROFILE_V6_4;
	/*
	 * Inline DMA: a transfer runs in the submitter's context (held bios in
	 * sim_disk_release()'s caller), so runs are deterministic and no op
	 * pays a hand-off to a worker thread (a quarter of the time, measured).
	 * PINIO_OPS_DMA_THREADS=n runs with n workers instead.
	 */
	err = getenv("PINIO_OPS_DMA_THREADS") ?
	      sim_dma_set_threads((unsigned int)atoi(getenv("PINIO_OPS_DMA_THREADS"))) :
	      sim_dma_set_threads(0);
	if (err)
		ops_fail(c, "boot", "sim_dma_set_threads(0) failed: %d", err);
	/* Room for the huge zero folio, page-table-free slack and fragmentation. */
	c->va_budget = sim_nr_frames() * 3 / 4;
	model_task_add(&c->m, sim_current());
	sim_ledger_read(&l);
	c->zero_base = l.zero_refs;
	c->violations_base = l.violations;
	c->warnings_base = pinio_warnings();
	ops_current_cfg = cfg;
	ops_current_seq = ops;
	ops_current_len = n;
	t1 = prof_now(cfg);
	if (prof)
		prof->boot_ns += t1 - t0;

	for (c->op_index = 0; (size_t)c->op_index < n && !ops_failed(c); c->op_index++) {
		unsigned long i = (unsigned long)c->op_index + 1, skipped;
		bool verify = cfg->verify_every && i % cfg->verify_every == 0;
		bool check = cfg->check_every && i % cfg->check_every == 0;

		c->op = &ops[c->op_index];
		ops_current_op = c->op_index;
		skipped = res->ops_skipped;
		ops_blk_watch(c, true);
		exec_op(c);
		ops_blk_watch(c, false);
		res->ops_run++;
		if (cfg->trace) {
			char line[128];

			ops_format_op(c->op, line, sizeof(line));
			fprintf(stderr, "ops: %4ld %s%s (tasks %u, sets %u, pins %ld)\n", c->op_index,
				line, res->ops_skipped != skipped ? " [nothing to do]" : "",
				c->m.ntasks, c->m.nsets, c->m.pins);
		}
		if (cfg->after_op && !ops_failed(c))
			cfg->after_op(c->op, c->op_index, cfg->hook_arg);
		if (!ops_failed(c))
			ops_check_balances(c);
		if (prof) {
			unsigned int code = c->op->op < OPS_NR_OPS ? c->op->op : OPS_NOP;

			t0 = prof_now(cfg);
			prof->n[code]++;
			prof->skipped[code] += res->ops_skipped != skipped;
			prof->ns[code] += t0 - t1 - c->op_sweep_ns;
			if (c->op_sweep_ns) {
				prof->sweeps++;
				prof->sweep_ns += c->op_sweep_ns;
				c->op_sweep_ns = 0;
			}
			t1 = t0;
		}
		if (!ops_failed(c) && verify)
			ops_verify_all(c);
		if (!ops_failed(c) && check)
			ops_check_machine(c);
		if (prof && (verify || check)) {
			t0 = prof_now(cfg);
			prof->sweeps++;
			prof->sweep_ns += t0 - t1;
			t1 = t0;
		}
	}
	ops_current_op = -1;
	if (!ops_failed(c))
		finish(c);
	ops_blk_free(c);
	if (ops_failed(c) && c->free_at_fail < OPS_OOM_FRAMES) {
		/* Out of memory: not a verdict on the machine, but it must not leak. */
		res->failed = false;
		res->oom = true;
		ops_stats.oom_stops++;
		release_all_quietly(c);
		c->op_index = (long)n;
		leaks = sim_shutdown();
		if (leaks)
			ops_fail(c, "leak", "sim_shutdown() found %ld leaked object(s) after OOM", leaks);
	} else if (ops_failed(c)) {
		/* Give the machine back; what it reports now is noise. */
		release_all_quietly(c);
		sim_shutdown();
	} else {
		c->op_index = (long)n;
		count_machine_stats(cfg);
		leaks = sim_shutdown();
		if (leaks)
			ops_fail(c, "leak", "sim_shutdown() found %ld leaked object(s)", leaks);
	}
out:
	if (prof)
		prof->end_ns += prof_now(cfg) - t1;
	quiet_end(cfg, saved_err);
	ops_current_cfg = NULL;
	ops_current_seq = NULL;
	ops_stats.sequences++;
	ops_stats.ops += res->ops_run;
	model_free(&c->m);
	free(c->vcache);
	free(c);
	return res->failed ? -1 : 0;
}
