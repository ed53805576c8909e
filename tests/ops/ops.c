// SPDX-License-Identifier: GPL-2.0
/*
 * tests/ops/ops.c - the interpreter of the op language (tests/ops/ops.h):
 * runs each op on the simulated machine and on the reference model
 * (tests/ops/model.c) and compares, with the checks of tests/ops/check.c.
 * The address-space ops (mmap, munmap, read, write, fork, exit, mprotect,
 * madvise) are in tests/ops/mm_ops.c, the pin ops in tests/ops/gup_ops.c,
 * the block and filesystem ops in tests/ops/blk*.c.
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

/* ---- dispatching one op --------------------------------------------------- */

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
	case OPS_MMAP:		ops_op_mmap(c); break;
	case OPS_MUNMAP:	ops_op_munmap(c); break;
	case OPS_READ:		ops_op_read(c); break;
	case OPS_WRITE:		ops_op_write(c); break;
	case OPS_GET:		ops_op_gup(c, false); break;
	case OPS_PIN:		ops_op_gup(c, true); break;
	case OPS_UNPIN:		ops_op_release(c, true); break;
	case OPS_PUT:		ops_op_release(c, false); break;
	case OPS_FORK:		ops_op_fork(c); break;
	case OPS_EXIT:		ops_op_exit(c); break;
	case OPS_MPROTECT:	ops_op_mprotect(c); break;
	case OPS_MADVISE:	ops_op_madvise(c); break;
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
					ops_compare_bytes(c, t, a, c->buf, PAGE_SIZE);
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
