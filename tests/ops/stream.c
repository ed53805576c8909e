// SPDX-License-Identifier: GPL-2.0
/*
 * tests/ops/stream.c - the throughput mode of the stateful random tester
 * (issue 7 case random_ops, issue 6): many generated sequences share one
 * booted machine.
 *
 * A program is the generator's sequences concatenated (an op names its
 * task, mapping and set modulo what exists, so any concatenation is a
 * valid program in the same op language), run by ops_run() on one machine
 * with the full comparison with the model, sim_check() (I1-I4, I6), exact
 * folio pins and the pin bindings every check_every ops, and at the end
 * the final checks of every run (files read back, every page read, sets
 * released, balances zero, sim_shutdown() leak-free). Each op's own result
 * and pages and the pin/zero balances are still checked after it.
 *
 * A failure found at a sweep is pinned down by re-running the program up
 * to that sweep with every check after every op (runs are deterministic:
 * inline DMA) on fresh host memory, as a test loading a file in a new
 * process would (struct ops_config @fresh_memory), then shrunk with
 * ops_shrink() in that mode, saved as a text file that
 * random_ops_regression (PINIO_OPS_DIR) replays, and that file is loaded
 * back and run once more to show it still fails. A failure that shows only
 * on reused memory (stale bytes of an earlier boot) is shrunk and replayed
 * that way, and its file says so.
 *
 *      program p = seq(mix(P,0)) ++ seq(mix(P,1)) ++ ...   P = mix(seed, p)
 *      |<------ check_every ------>|<------ check_every ------>|  ...
 *      op op op ... op [sweep]      op op ... op [sweep]          [final]
 *                                        ^ failure seen at this sweep
 *      re-run ops[0..sweep] checking every op -> first failing op f
 *      ops_shrink(ops[0..f]) -> saved .ops file -> loaded and run again
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "tests/ops/ops.h"

static double stream_clock(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double stream_now(void)
{
	return stream_clock(CLOCK_MONOTONIC);
}

bool ops_is_blk_op(unsigned int code)
{
	return code >= OPS_DIO && code < OPS_RESET;
}

size_t ops_stream_program(const struct ops_stream_config *sc, unsigned long index,
			  struct ops_config *cfg, struct ops_op *ops, size_t max,
			  unsigned long *nseq)
{
	uint64_t pseed = ops_seed_mix(sc->seed, index);
	size_t n = 0, k, i, kept;
	unsigned long s = 0;

	ops_config_from_seed(pseed, cfg);
	cfg->check_every = sc->check_every;
	cfg->verify_every = sc->check_every;
	do {
		if (n && n < max) {
			memset(&ops[n], 0, sizeof(ops[n]));
			ops[n++].op = OPS_RESET;
		}
		k = ops_generate(ops_seed_mix(pseed, s++), ops + n, max - n);
		if (sc->mm_only) {
			for (i = 0, kept = 0; i < k; i++)
				if (!ops_is_blk_op(ops[n + i].op))
					ops[n + kept++] = ops[n + i];
			k = kept;
		}
		n += k;
	} while (n < max && s < max);
	if (nseq)
		*nseq = s;
	return n;
}

/* Pin a sweep's failure to its op, shrink it, save it, load it back and run it. */
static void stream_failure(const struct ops_stream_config *sc, const struct ops_config *cfg,
			   struct ops_op *ops, size_t n, struct ops_stream_result *r)
{
	struct ops_config per_op = *cfg, loaded;
	struct ops_op *back = NULL;
	struct ops_result again;
	const char *dir = sc->save_dir;
	char comment[320], err[160];
	size_t window, m, nb = 0;
	FILE *f;

	window = r->res.failed_at < 0 ? 0 : (size_t)r->res.failed_at + 1;
	if (window > n)
		window = n;
	per_op.check_every = 1;
	per_op.verify_every = 1;
	per_op.quiet = true;
	per_op.prof = NULL;
	per_op.fresh_memory = true;
	r->window = window;
	snprintf(r->kind, sizeof(r->kind), "%s", r->res.kind);
	/* As a test loading the file in a new process runs it; else as it ran here. */
	if (!ops_run(&per_op, ops, window, &r->per_op)) {
		per_op.fresh_memory = false;
		if (ops_run(&per_op, ops, window, &r->per_op))
			r->needs_history = true;
	}
	r->shrink_cfg = per_op;
	if (r->per_op.failed) {
		r->per_op_found = true;
		snprintf(r->kind, sizeof(r->kind), "%s", r->per_op.kind);
		if (r->per_op.failed_at >= 0 && (size_t)r->per_op.failed_at < window)
			window = (size_t)r->per_op.failed_at + 1;
	} else {
		/* Only the sweeps' spacing shows it: shrink in the mode that found it. */
		r->shrink_cfg = *cfg;
		r->shrink_cfg.quiet = true;
		r->shrink_cfg.prof = NULL;
		window = n;
	}
	m = sc->no_shrink ? window : ops_shrink(&r->shrink_cfg, ops, window, r->kind,
						 sc->shrink_budget);
	r->shrunk = m;
	memcpy(r->shown, ops, (m < OPS_STREAM_SHOWN ? m : OPS_STREAM_SHOWN) * sizeof(*ops));
	if (!dir || !*dir)
		dir = getenv("TMPDIR");
	snprintf(r->path, sizeof(r->path), "%s/pinio-ops-stream-%llu-%lu.ops",
		 dir && *dir ? dir : "/tmp", (unsigned long long)sc->seed, r->program);
	snprintf(comment, sizeof(comment),
		 "random_ops stream seed %llu program %lu (%zu ops, sweeps every %u); failure at op %ld: [%s]; window %zu ops, shrunk to %zu%s%s",
		 (unsigned long long)sc->seed, r->program, n, cfg->check_every, r->res.failed_at,
		 r->kind, r->window, m, r->per_op_found ? "" : " (only with the sweeps' spacing)",
		 r->needs_history ? " (only on reused host memory: it shows an earlier boot's bytes)" : "");
	f = fopen(r->path, "w");
	if (!f) {
		r->path[0] = '\0';
		return;
	}
	ops_write_text(f, &r->shrink_cfg, ops, m, comment);
	if (!r->per_op_found)
		fprintf(f, "config check_every=%u verify_every=%u\n", cfg->check_every,
			cfg->verify_every);
	fclose(f);
	/* The saved file, loaded as a test loads it, must fail the same way. */
	if (ops_load_file(r->path, &loaded, &back, &nb, err, sizeof(err)))
		return;
	loaded.quiet = true;
	loaded.fresh_memory = r->shrink_cfg.fresh_memory;
	loaded.after_op = sc->after_op;
	loaded.hook_arg = sc->hook_arg;
	r->replay_fails = ops_run(&loaded, back, nb, &again) && !strcmp(again.kind, r->kind);
	free(back);
}

int ops_stream_run(const struct ops_stream_config *sc, struct ops_stream_result *r)
{
	size_t max = sc->program_ops ? sc->program_ops : OPS_STREAM_PROGRAM_OPS;
	double t0 = stream_now(), cpu0 = stream_clock(CLOCK_PROCESS_CPUTIME_ID);
	struct ops_op *ops;
	unsigned long p;

	memset(r, 0, sizeof(*r));
	ops = malloc(max * sizeof(*ops));
	if (!ops)
		abort();
	for (p = 0; sc->seconds > 0 ? stream_now() - t0 < sc->seconds : p < sc->programs; p++) {
		struct ops_config cfg;
		unsigned long nseq;
		size_t n = ops_stream_program(sc, p, &cfg, ops, max, &nseq);

		cfg.quiet = sc->quiet;
		cfg.no_page_poison = sc->no_page_poison;
		cfg.prof = &r->prof;
		cfg.after_op = sc->after_op;
		cfg.hook_arg = sc->hook_arg;
		r->program = p;
		if (ops_run(&cfg, ops, n, &r->res)) {
			r->failed = true;
			r->secs = stream_now() - t0;
			r->cpu_secs = stream_clock(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
			r->ops += r->res.ops_run;
			if (!sc->just_stop)
				stream_failure(sc, &cfg, ops, n, r);
			break;
		}
		r->programs++;
		r->sequences += nseq;
		r->ops += r->res.ops_run;
		r->skipped += r->res.ops_skipped;
		r->oom_stops += r->res.oom;
	}
	if (!r->failed) {
		r->secs = stream_now() - t0;
		r->cpu_secs = stream_clock(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
	}
	free(ops);
	return r->failed ? -1 : 0;
}
