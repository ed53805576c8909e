// SPDX-License-Identifier: GPL-2.0
/*
 * bench/dio/random.c - case random_ops of dio_bench: the stateful random
 * tester's throughput mode (tests/ops/stream.c). Generated sequences,
 * joined by reset ops into programs of 20,000 ops, each program on one
 * booted machine; the full comparison with the model, sim_check() (I1-I4,
 * I6), exact folio pins and the pin bindings every 1,000 ops and at the
 * end of each program; each op's own results and pages and the pin and
 * zero-page balances after every op.
 *
 * Two mixes, each ROUNDS times for SECS_STREAM seconds, medians:
 *   mm    the generator's memory ops only (mmap, munmap, touch read/write,
 *         get/pin fast/slow, unpin/put, fork, exit, mprotect, madvise,
 *         device read/write through a pin): the goal's mix; run twice per
 *         round on the same programs, with the machine's defaults (page
 *         poisoning on: the verdict) and on machines booted with
 *         sim_config.no_page_poison (poison=off: freed frames are not
 *         filled and checked, the one place page poisoning is left out);
 *   full  the generator's whole mix, block and filesystem ops included
 *         (about a quarter of the ops); a run stops at its first failure
 *         (the open stale-file-bytes finding, docs/reliability.md), and
 *         what ran until then is counted.
 * Wall-clock ops/s and ops per CPU-second (the 2-core machine is shared),
 * and from the full mix the op time per class.
 */
#include "bench/dio/dio_bench.h"

#if __has_include("tests/ops/ops.h")
#include "tests/ops/ops.h"
#define HAVE_STREAM 1
#endif

void case_random_ops_stream(void);
void callgrind_random(unsigned long nops, bool poison);

#define SECS_STREAM	2.0

#ifdef HAVE_STREAM
struct mix_run {
	double wall, cpu;		/* ops/s, ops per CPU-second */
	double mm_op, blk_op;		/* ops/s of op time, per class (sweeps excluded) */
	double sweep_share;		/* of the wall time */
	unsigned long ops, skipped;
	bool failed;
	char kind[24];
};

static void class_rates(const struct ops_prof *p, struct mix_run *m)
{
	double ns[2] = { 0, 0 }, all;
	unsigned long n[2] = { 0, 0 };
	unsigned int i;

	for (i = 0; i < OPS_NR_OPS; i++) {
		n[ops_is_blk_op(i)] += p->n[i];
		ns[ops_is_blk_op(i)] += p->ns[i];
	}
	all = ns[0] + ns[1] + p->sweep_ns + p->boot_ns + p->end_ns;
	m->mm_op = ns[0] > 0 ? n[0] / ns[0] * 1e9 : 0;
	m->blk_op = ns[1] > 0 ? n[1] / ns[1] * 1e9 : 0;
	m->sweep_share = all > 0 ? p->sweep_ns / all : 0;
}

static void mix_once(uint64_t seed, bool mm_only, bool poison, struct mix_run *m)
{
	struct ops_stream_config sc = {
		.seed = seed,
		.check_every = 1000,
		.seconds = SECS_STREAM,
		.mm_only = mm_only,
		.quiet = true,
		.just_stop = true,
		.no_page_poison = !poison,
	};
	struct ops_stream_result *r = calloc(1, sizeof(*r));

	if (!r)
		die("calloc", 0);
	ops_stream_run(&sc, r);
	memset(m, 0, sizeof(*m));
	m->wall = r->secs > 0 ? r->ops / r->secs : 0;
	m->cpu = r->cpu_secs > 0 ? r->ops / r->cpu_secs : 0;
	m->ops = r->ops;
	m->skipped = r->skipped;
	m->failed = r->failed;
	if (r->failed) {
		snprintf(m->kind, sizeof(m->kind), "%s", r->res.kind);
		if (mm_only)
			fprintf(stderr, "dio_bench: random_ops mm%s seed %llu program %lu failed at op %ld: [%s] %s\n",
				poison ? "" : " poison=off", (unsigned long long)seed, r->program,
				r->res.failed_at, r->res.kind, r->res.msg);
	}
	class_rates(&r->prof, m);
	free(r);
}
#endif

#ifdef HAVE_STREAM
/*
 * The counted workload of `dio_bench --callgrind-random N`: one program of
 * N mm-mix ops (seed 5), sweeps every 1,000, with the machine's defaults
 * (or without page poisoning), after the same program ran once uncounted.
 */
__attribute__((noinline)) void cg_random_ops(struct ops_stream_config *sc,
					     struct ops_stream_result *r);
__attribute__((noinline)) void cg_random_ops(struct ops_stream_config *sc,
					     struct ops_stream_result *r)
{
	ops_stream_run(sc, r);
}
#endif

/**
 * callgrind_random() - for scripts/bench-random-callgrind.sh: @nops mm-mix
 * ops of the throughput mode, counted inside cg_random_ops().
 * @nops: the program's length.
 * @poison: page poisoning on (the default) or off (sim_config.no_page_poison).
 */
void callgrind_random(unsigned long nops, bool poison)
{
#ifdef HAVE_STREAM
	struct ops_stream_config sc = {
		.seed = 5,
		.program_ops = nops,
		.check_every = 1000,
		.programs = 1,
		.mm_only = true,
		.quiet = true,
		.just_stop = true,
		.no_page_poison = !poison,
	};
	struct ops_stream_result *r = calloc(1, sizeof(*r));

	if (!r)
		die("calloc", 0);
	/*
	 * Once uncounted first, as the bench's later programs run: on the
	 * host memory an earlier boot touched (mm/page_alloc.c keeps it), so
	 * a profile of the counted run shows no first-touch host faults.
	 */
	ops_stream_run(&sc, r);
	cg_random_ops(&sc, r);
	printf("callgrind: random_ops poison=%s ops=%lu did_nothing=%lu failed=%d\n",
	       poison ? "on" : "off", r->ops, r->skipped, r->failed);
	free(r);
#else
	(void)nops;
	(void)poison;
	printf("callgrind: random_ops skipped (no tests/ops)\n");
#endif
}

void case_random_ops_stream(void)
{
	res_set("random_ops", ">=1M ops/s sweep/1000, mm mix");
#ifdef HAVE_STREAM
	double mw[ROUNDS], mc[ROUNDS], fw[ROUNDS], fc[ROUNDS], fm[ROUNDS], fb[ROUNDS], sw[ROUNDS];
	double nw[ROUNDS], nc[ROUNDS];
	unsigned long mops = 0, mskip = 0, fops = 0, fskip = 0, nops = 0;
	int r, mfail = 0, ffail = 0, nfail = 0;
	struct mix_run m;

	for (r = 0; r < ROUNDS; r++) {
		mix_once(1000 + (uint64_t)r, true, true, &m);
		mw[r] = m.wall;
		mc[r] = m.cpu;
		sw[r] = m.sweep_share;
		mops += m.ops;
		mskip += m.skipped;
		mfail += m.failed;
		/* The same programs on a machine without page poisoning. */
		mix_once(1000 + (uint64_t)r, true, false, &m);
		nw[r] = m.wall;
		nc[r] = m.cpu;
		nops += m.ops;
		nfail += m.failed;
		mix_once(2000 + (uint64_t)r, false, true, &m);
		fw[r] = m.wall;
		fc[r] = m.cpu;
		fm[r] = m.mm_op;
		fb[r] = m.blk_op;
		fops += m.ops;
		fskip += m.skipped;
		ffail += m.failed;
	}
	printf("bench: random_ops ops/s=%.0f cpu_ops/s=%.0f mix=mm poison=on program_ops=%d "
	       "check_every=1000 ops=%lu did_nothing=%lu sweep_share=%.3f failed=%d "
	       "poison_off_ops/s=%.0f poison_off_cpu_ops/s=%.0f poison_off_ops=%lu "
	       "poison_off_failed=%d full_ops/s=%.0f full_cpu_ops/s=%.0f "
	       "full_mm_op/s=%.0f full_blk_op/s=%.0f full_ops=%lu full_did_nothing=%lu "
	       "full_stopped_by_failure=%d rounds=%d secs=%.1f\n",
	       median(mw, ROUNDS), median(mc, ROUNDS), OPS_STREAM_PROGRAM_OPS, mops, mskip,
	       median(sw, ROUNDS), mfail, median(nw, ROUNDS), median(nc, ROUNDS), nops, nfail,
	       median(fw, ROUNDS), median(fc, ROUNDS), median(fm, ROUNDS), median(fb, ROUNDS),
	       fops, fskip, ffail, ROUNDS, SECS_STREAM);
	snprintf(res.measured, sizeof(res.measured), "%.0fk ops/s (%.0fk/CPU-s); poison off %.0fk (%.0fk)%s",
		 median(mw, ROUNDS) / 1e3, median(mc, ROUNDS) / 1e3, median(nw, ROUNDS) / 1e3,
		 median(nc, ROUNDS) / 1e3, mfail || nfail ? ", FAILED" : "");
	snprintf(res.reference, sizeof(res.reference),
		 "full mix %.0fk ops/s (%.0fk/CPU-s); op time: mm %.0fk, blk/fs %.0fk ops/s",
		 median(fw, ROUNDS) / 1e3, median(fc, ROUNDS) / 1e3, median(fm, ROUNDS) / 1e3,
		 median(fb, ROUNDS) / 1e3);
	res.status = !mfail && median(mw, ROUNDS) >= 1e6 ? R_PASS : R_FAIL;
#else
	printf("bench: random_ops skipped=\"tests/ops/ops.h not found: no tester entry point\"\n");
	snprintf(res.measured, sizeof(res.measured), "skipped");
	snprintf(res.reference, sizeof(res.reference), "no tests/ops entry point");
	res.status = R_SKIP;
#endif
}
