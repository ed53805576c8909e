// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz/fuzz_ops.c - libFuzzer target over the op language of tests/ops/:
 * the input is a config byte and 10-byte op records (ops_decode()), run
 * through the same interpreter and reference model as the random_ops
 * suite, on a freshly booted 64 MiB machine that is shut down
 * (leak-checked) before the next input.
 *
 * A mismatch with the model, a failed check or a leak prints the failure
 * and the program as text (loadable by ops_load_file(), for
 * tests/ops/regressions/), then aborts so that libFuzzer saves the input.
 */
#include <stdio.h>
#include <stdlib.h>
#include "tests/ops/ops.h"

/* Ops per input: enough for fork-pin-COW stories, short enough to run fast. */
#define FUZZ_OPS_MAX	96

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ops_op ops[FUZZ_OPS_MAX];
	struct ops_config cfg;
	struct ops_result res;
	size_t n = ops_decode(data, size, &cfg, ops, FUZZ_OPS_MAX);

	/*
	 * The sweeps are instrumented loops over every frame and page: every
	 * 8 ops (and at the end) keeps the executions fast. Each op's own
	 * results, pages and balances are still checked after it.
	 */
	cfg.check_every = 8;
	cfg.verify_every = 8;
	if (!ops_run(&cfg, ops, n, &res))
		return 0;
	fprintf(stderr, "fuzz_ops: op %ld failed: [%s] %s\n", res.failed_at, res.kind, res.msg);
	ops_write_text(stderr, &cfg, ops, n, "fuzz_ops failure (save as tests/ops/regressions/NAME.ops)");
	abort();
}
