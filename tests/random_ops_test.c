// SPDX-License-Identifier: GPL-2.0
/*
 * tests/random_ops_test.c - stateful random testing with a reference
 * model (suite "random_ops"; issue 6, scenarios.md §4 items 1-2, §5.1-5.2).
 *
 * Seeded sequences of up to 200 ops (mmap, munmap, touches, get/pin/unpin
 * fast and slow, fork, exit, mprotect, madvise, device reads and writes
 * through held pins) run through the interpreter of tests/ops/, which
 * compares the machine with the reference model after every op and runs
 * sim_check() and the pin balances after every op as well. Every sequence
 * boots its own small machine (64 MiB, THP on or off and 1 or 8 zero
 * colours by seed) and must shut down leak-free. A failing sequence is
 * shrunk and written out as a replayable file; tests/ops/regressions/
 * holds such files, each replayed by a case.
 *
 * `-s SEED` reproduces a run; sequence i uses ops_seed_mix(SEED, i).
 * PINIO_OPS_TRACE=1 prints each sequence's seed before it runs (to find a
 * crashing one); PINIO_SOAK_SECONDS=N makes random_ops_sequences run for N
 * seconds instead of a fixed count (`make soak`); PINIO_OPS_DIR=dir replays
 * every .ops file of dir instead of tests/ops/regressions/.
 */
#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#include "mm_helpers.h"
#include "suites.h"
#include "tests/ops/ops.h"

#define REGRESSION_DIR	"tests/ops/regressions"

#if defined(__SANITIZE_ADDRESS__)
#define RANDOM_OPS_SAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RANDOM_OPS_SAN 1
#endif
#endif

/*
 * Sequences per run: about 20 s with gcc -O2 and DEBUG_VM off on the
 * 2-core CI machine; a tenth under ASan, ten times more with -l.
 */
#define RANDOM_OPS_SEQUENCES	3500
/* A full sweep of every mapped page every this many ops (the op's own pages: always). */
#define RANDOM_OPS_VERIFY_EVERY	8

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned int env_uint(const char *name, unsigned int dflt)
{
	const char *v = getenv(name);

	return v && *v ? (unsigned int)strtoul(v, NULL, 0) : dflt;
}

static unsigned long nr_sequences(void)
{
	unsigned long n = RANDOM_OPS_SEQUENCES;
	const char *env = getenv("PINIO_OPS_SEQUENCES");

	if (env && *env)
		return strtoul(env, NULL, 0);
#ifdef RANDOM_OPS_SAN
	n /= 10;
#endif
	if (kunit_long())
		n *= 10;
	return n;
}

/* ---- crash report: which sequence was running ----------------------------- */

static uint64_t crash_seed;
static bool crash_seed_valid;
static void (*prev_abrt)(int);

static void random_ops_on_abort(int sig)
{
	char line[160];
	size_t i;

	if (crash_seed_valid) {
		snprintf(line, sizeof(line), "# random_ops: aborted in sequence seed %llu at op %ld:\n",
			 (unsigned long long)crash_seed, ops_current_op);
		if (write(STDERR_FILENO, line, strlen(line)) < 0)
			_exit(1);
		if (ops_current_cfg) {
			snprintf(line, sizeof(line), "config mem=%zuM zero=%u thp=%d\n",
				 ops_current_cfg->mem_bytes >> 20, ops_current_cfg->zero_pages,
				 ops_current_cfg->thp);
			if (write(STDERR_FILENO, line, strlen(line)) < 0)
				_exit(1);
		}
		for (i = 0; ops_current_seq && i < ops_current_len; i++) {
			size_t n;

			ops_format_op(&ops_current_seq[i], line, sizeof(line) - 2);
			n = strlen(line);
			line[n++] = '\n';
			if (write(STDERR_FILENO, line, n) < 0)
				break;
		}
	}
	signal(sig, prev_abrt ? prev_abrt : SIG_DFL);
	raise(sig);
}

/* ---- failure: shrink, save, print ----------------------------------------- */

static void report_failure(struct kunit *test, const struct ops_config *cfg,
			   struct ops_op *ops, size_t n, const struct ops_result *res,
			   const char *origin)
{
	char path[256], comment[256];
	const char *dir = getenv("TMPDIR");
	size_t m;
	FILE *f;

	kunit_err(test, "%s failed: [%s] %s", origin, res->kind, res->msg);
	m = ops_shrink(cfg, ops, n, res->kind, 4000);
	snprintf(path, sizeof(path), "%s/pinio-ops-%d.ops", dir && *dir ? dir : "/tmp",
		 (int)getpid());
	snprintf(comment, sizeof(comment), "%s; shrunk from %zu to %zu ops; failure: [%s]",
		 origin, n, m, res->kind);
	f = fopen(path, "w");
	if (f) {
		ops_write_text(f, cfg, ops, m, comment);
		fclose(f);
		kunit_err(test, "shrunk to %zu ops, saved as %s (copy it to %s/ to keep it):",
			  m, path, REGRESSION_DIR);
	}
	if (m <= 64) {
		char line[128];
		size_t i;

		for (i = 0; i < m; i++) {
			ops_format_op(&ops[i], line, sizeof(line));
			kunit_err(test, "  %s", line);
		}
	}
	KUNIT_FAIL(test, "random op sequence failed: [%s] %s", res->kind, res->msg);
}

/* ---- cases ------------------------------------------------------------------ */

/*
 * Scenario: N seeded sequences (scaled by build and -l), each on a fresh
 * 64 MiB machine, every op compared with the model and checked.
 * Expect every sequence to match the model, every check to hold and every
 * shutdown to find no leak.
 */
static void random_ops_sequences(struct kunit *test)
{
	static struct ops_op ops[OPS_MAX_SEQ];
	const char *soak = getenv("PINIO_SOAK_SECONDS");
	bool trace = getenv("PINIO_OPS_TRACE") != NULL;
	double limit = soak && *soak ? strtod(soak, NULL) : 0, t0 = now(), dt;
	unsigned long total = nr_sequences(), i, skipped = 0;
	struct ops_stats st = ops_stats, end = { 0 };
	unsigned int verify_every = env_uint("PINIO_OPS_VERIFY_EVERY", RANDOM_OPS_VERIFY_EVERY);
	unsigned int check_every = env_uint("PINIO_OPS_CHECK_EVERY", 1);

	prev_abrt = signal(SIGABRT, random_ops_on_abort);
	for (i = 0; soak && *soak ? (limit <= 0 || now() - t0 < limit) : i < total; i++) {
		uint64_t seed = ops_seed_mix(kunit_seed(), i);
		struct ops_config cfg;
		struct ops_result res;
		size_t n;

		ops_config_from_seed(seed, &cfg);
		cfg.verify_every = verify_every;
		cfg.check_every = check_every;
		n = ops_generate(seed, ops, OPS_MAX_SEQ);
		crash_seed = seed;
		crash_seed_valid = true;
		if (trace)
			fprintf(stderr, "random_ops: sequence %lu seed %llu\n", i,
				(unsigned long long)seed);
		if (ops_run(&cfg, ops, n, &res)) {
			char origin[96];

			end = ops_stats;	/* not the shrinking's re-runs */
			crash_seed_valid = false;
			snprintf(origin, sizeof(origin), "sequence %lu (seed %llu, run seed %lu)",
				 i, (unsigned long long)seed, kunit_seed());
			report_failure(test, &cfg, ops, n, &res, origin);
			break;
		}
		skipped += res.ops_skipped;
	}
	crash_seed_valid = false;
	signal(SIGABRT, prev_abrt);
	dt = now() - t0;
	if (!end.sequences)
		end = ops_stats;
	kunit_info(test, "random_ops: the machine did %lu pins (%lu of zero pages), %lu THP faults, %lu PMD splits, %lu COW faults, %lu fork copies of pinned pages, %lu GUP-fast fallbacks",
		   end.pins - st.pins, end.zero_pins - st.zero_pins,
		   end.thp_faults - st.thp_faults, end.thp_splits - st.thp_splits,
		   end.cow_faults - st.cow_faults, end.fork_copies - st.fork_copies,
		   end.fast_fallbacks - st.fast_fallbacks);
	kunit_info(test, "random_ops: %lu sequences, %lu ops, %.0f ops/s (%lu did nothing, %lu runs stopped by OOM)",
		   end.sequences - st.sequences, end.ops - st.ops,
		   (double)(end.ops - st.ops) / (dt > 0 ? dt : 1), skipped,
		   end.oom_stops - st.oom_stops);
}

/* ---- throughput mode: tests/ops/stream.c ----------------------------------- */

static void corrupt_after_write(const struct ops_op *op, long index, void *arg);

static void print_stream_mix(struct kunit *test, const struct ops_prof *p)
{
	unsigned long n[2] = { 0, 0 }, sk[2] = { 0, 0 };
	double ns[2] = { 0, 0 }, all = p->sweep_ns + p->boot_ns + p->end_ns;
	unsigned int i;

	for (i = 0; i < OPS_NR_OPS; i++) {
		n[ops_is_blk_op(i)] += p->n[i];
		sk[ops_is_blk_op(i)] += p->skipped[i];
		ns[ops_is_blk_op(i)] += p->ns[i];
	}
	all += ns[0] + ns[1];
	for (i = 0; i < OPS_NR_OPS; i++)
		if (p->n[i])
			kunit_info(test, "random_ops:   %-9s %7lu ops (%5.1f%%, %lu did nothing) %7.2f us/op %5.1f%% of the time",
				   ops_names[i], p->n[i], 100.0 * p->n[i] / (n[0] + n[1]),
				   p->skipped[i], p->ns[i] / p->n[i] / 1e3,
				   all ? 100 * p->ns[i] / all : 0);
	kunit_info(test, "random_ops: mm ops %lu (%lu did nothing) at %.0f ops/s, block/fs ops %lu (%lu did nothing) at %.0f ops/s; time: mm %.0f%%, block/fs %.0f%%, sweeps %.0f%% (%lu), boot %.0f%%, ends %.0f%%",
		   n[0], sk[0], ns[0] > 0 ? n[0] / ns[0] * 1e9 : 0, n[1], sk[1],
		   ns[1] > 0 ? n[1] / ns[1] * 1e9 : 0, all ? 100 * ns[0] / all : 0,
		   all ? 100 * ns[1] / all : 0, all ? 100 * p->sweep_ns / all : 0, p->sweeps,
		   all ? 100 * p->boot_ns / all : 0, all ? 100 * p->end_ns / all : 0);
}

static void report_stream_failure(struct kunit *test, const struct ops_stream_config *sc,
				  const struct ops_stream_result *r)
{
	char line[128];
	size_t i;

	kunit_err(test, "random_ops stream: seed %llu program %lu failed at op %ld: [%s] %s",
		  (unsigned long long)sc->seed, r->program, r->res.failed_at, r->res.kind,
		  r->res.msg);
	if (r->per_op_found)
		kunit_err(test, "re-run of its %zu ops with every check after every op: op %ld: [%s] %s",
			  r->window, r->per_op.failed_at, r->per_op.kind, r->per_op.msg);
	else
		kunit_err(test, "re-run of its %zu ops with every check after every op: no failure; shrunk with sweeps every %u",
			  r->window, sc->check_every);
	kunit_err(test, "shrunk to %zu ops, saved as %s (%s; replay: PINIO_OPS_DIR=<its dir> -f 'random_ops.random_ops_regression*')",
		  r->shrunk, r->path[0] ? r->path : "(could not write)",
		  r->replay_fails ? "loaded back and failed again" : "loaded back and DID NOT fail again");
	if (r->needs_history)
		kunit_err(test, "it fails only on reused host memory (an earlier boot's bytes in a frame not yet handed out): replays of the file on a fresh process will pass");
	for (i = 0; i < r->shrunk && i < OPS_STREAM_SHOWN; i++) {
		ops_format_op(&r->shown[i], line, sizeof(line));
		kunit_err(test, "  %s", line);
	}
	KUNIT_FAIL(test, "random op stream failed: [%s] %s", r->res.kind, r->res.msg);
}

/*
 * Scenario: the throughput mode. Generated sequences concatenated into
 * programs of 20,000 ops (2,000 under ASan), each program on one booted
 * machine, the full comparison with the model and sim_check() every 1,000
 * ops and at its end:
 *
 *   boot | seq seq seq ... (20,000 ops) | final checks | shutdown
 *              ^ sweep every 1,000 ops
 *
 * PINIO_OPS_STREAM_PROGRAMS=n runs n programs; PINIO_SOAK_SECONDS=N runs
 * programs for N seconds instead (`make soak`, 0: until stopped). The
 * whole mix by default (block and filesystem ops too: it found simfs's
 * EOF-folio writeback bug, docs/reliability.md); PINIO_OPS_STREAM_MM=1
 * runs the memory ops only.
 * Expect every program to run clean and shut down leak-free.
 */
static void random_ops_stream(struct kunit *test)
{
	const char *soak = getenv("PINIO_SOAK_SECONDS");
	struct ops_stream_config sc = {
		.seed = kunit_seed(),
		.check_every = env_uint("PINIO_OPS_CHECK_EVERY", 1000),
		.programs = env_uint("PINIO_OPS_STREAM_PROGRAMS", 1),
		.mm_only = env_uint("PINIO_OPS_STREAM_MM", 0) != 0,
		.shrink_budget = 4000,
		.no_shrink = env_uint("PINIO_OPS_NO_SHRINK", 0) != 0,
	};
	struct ops_stream_result *r = calloc(1, sizeof(*r));

	KUNIT_ASSERT_NOT_NULL(test, r);
#ifdef RANDOM_OPS_SAN
	sc.program_ops = 2000;
#endif
	if (soak && *soak) {
		sc.seconds = strtod(soak, NULL);
		if (sc.seconds <= 0)
			sc.seconds = 1e18;
	}
	if (ops_stream_run(&sc, r))
		report_stream_failure(test, &sc, r);
	kunit_info(test, "random_ops stream: seed %llu, %lu programs, %lu sequences, %lu ops in %.1f s: %.0f ops/s, %.0f per CPU-second (%lu did nothing, %lu programs stopped by OOM), sweeps every %u ops",
		   (unsigned long long)sc.seed, r->programs, r->sequences, r->ops, r->secs,
		   r->secs > 0 ? r->ops / r->secs : 0, r->cpu_secs > 0 ? r->ops / r->cpu_secs : 0,
		   r->skipped, r->oom_stops, sc.check_every);
	print_stream_mix(test, &r->prof);
	free(r);
}

/*
 * Scenario: the throughput mode's failure path. A stray write into a
 * mapped frame is injected after the first write of each program (of
 * 3,000 memory ops, sweeps every 1,000); nothing checks that page until
 * a sweep or a later op touching it:
 *
 *   op 0 .. w (write, then the stray byte) .. [sweep 999] <- seen here or earlier
 *   re-run ops 0..failure with every check -> fails at w
 *   shrink -> <= 3 ops -> saved file -> loaded and run again (same hook)
 *
 * Expect the failure found, pinned to the write by the per-op re-run,
 * shrunk to at most 3 ops ending with that write, and the saved file
 * failing again the same way.
 */
static void random_ops_stream_failure_shrinks(struct kunit *test)
{
	struct ops_stream_config sc = {
		.seed = 42,
		.program_ops = 3000,
		.check_every = 1000,
		.programs = 1,
		.mm_only = true,
		.quiet = true,
		.shrink_budget = 500,
		.after_op = corrupt_after_write,
	};
	struct ops_stream_result *r = calloc(1, sizeof(*r));
	struct ops_config cfg;
	struct ops_op *ops = malloc(3000 * sizeof(*ops));
	bool done = false;
	size_t n, first_write;

	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_NOT_NULL(test, ops);
	sc.hook_arg = &done;
	n = ops_stream_program(&sc, 0, &cfg, ops, 3000, NULL);
	for (first_write = 0; first_write < n && ops[first_write].op != OPS_WRITE; first_write++)
		;
	KUNIT_ASSERT_LT(test, first_write, n);
	KUNIT_EXPECT_EQ(test, ops_stream_run(&sc, r), -1);
	KUNIT_EXPECT_TRUE(test, r->failed);
	KUNIT_EXPECT_GE(test, r->res.failed_at, (long)first_write);
	KUNIT_EXPECT_TRUE(test, r->per_op_found);
	KUNIT_EXPECT_STREQ(test, r->kind, "data");
	KUNIT_EXPECT_LE(test, r->per_op.failed_at, r->res.failed_at);
	KUNIT_EXPECT_LE(test, r->shrunk, 3);
	if (r->shrunk)
		KUNIT_EXPECT_EQ(test, r->shown[r->shrunk - 1].op, OPS_WRITE);
	KUNIT_EXPECT_NE(test, r->path[0], '\0');
	KUNIT_EXPECT_TRUE(test, r->replay_fails);
	if (r->path[0])
		unlink(r->path);
	free(ops);
	free(r);
}

/* ---- regressions: tests/ops/regressions/ --------------------------------- */

#define MAX_REGRESSIONS	256

static char *regression_files[MAX_REGRESSIONS];
static size_t nr_regression_files;
static bool regressions_listed;

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* PINIO_OPS_DIR=dir replays the .ops files of dir instead (a saved failure, say). */
static const char *regression_dir(void)
{
	const char *d = getenv("PINIO_OPS_DIR");

	return d && *d ? d : REGRESSION_DIR;
}

static void list_regressions(void)
{
	struct dirent *de;
	DIR *d;

	if (regressions_listed)
		return;
	regressions_listed = true;
	d = opendir(regression_dir());
	if (!d)
		return;
	while ((de = readdir(d)) && nr_regression_files < MAX_REGRESSIONS) {
		size_t len = strlen(de->d_name);

		if (len > 4 && !strcmp(de->d_name + len - 4, ".ops"))
			regression_files[nr_regression_files++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(regression_files, nr_regression_files, sizeof(char *), name_cmp);
}

static const char *const no_regressions = "";

static const void *random_ops_regression_gen(const void *prev, char *desc)
{
	size_t i;

	list_regressions();
	if (!nr_regression_files) {
		if (prev)
			return NULL;
		snprintf(desc, KUNIT_PARAM_DESC_SIZE, "none");
		return no_regressions;
	}
	if (!prev)
		i = 0;
	else if (prev == no_regressions)
		return NULL;
	else
		i = (size_t)((char *const *)prev - regression_files) + 1;
	if (i >= nr_regression_files)
		return NULL;
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", regression_files[i]);
	return &regression_files[i];
}

/*
 * Scenario: one replayable file of tests/ops/regressions/ (a shrunk
 * failure, or a hand-written sequence), loaded with ops_load_file() and run
 * with every check after every op.
 * Expect the sequence to load and to run clean.
 */
static void random_ops_regression(struct kunit *test)
{
	char path[512], err[160] = "";
	struct ops_config cfg;
	struct ops_result res;
	struct ops_op *ops = NULL;
	size_t n = 0;
	int ret;

	if (test->param_value == no_regressions)
		kunit_skip(test, "no %s/*.ops found (run from the top of the tree)", REGRESSION_DIR);
	snprintf(path, sizeof(path), "%s/%s", regression_dir(),
		 *(char *const *)test->param_value);
	ret = ops_load_file(path, &cfg, &ops, &n, err, sizeof(err));
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "%s: %s", path, err);
	KUNIT_ASSERT_GT_MSG(test, n, 0, "%s holds no op", path);
	cfg.check_every = 1;
	cfg.verify_every = 1;
	cfg.fresh_memory = true;	/* whatever the suite booted before */
	cfg.trace = getenv("PINIO_OPS_TRACE") != NULL;
	if (ops_run(&cfg, ops, n, &res))
		report_failure(test, &cfg, ops, n, &res, path);
	free(ops);
}

/*
 * Scenario: a generated sequence written as text and parsed back, with
 * comments and blank lines in between.
 * Expect the same config and the same op records.
 */
static void random_ops_text_round_trip(struct kunit *test)
{
	struct ops_op ops[OPS_MAX_SEQ], *back = NULL;
	struct ops_config cfg, cfg2;
	char *text = NULL, err[160] = "";
	size_t n, n2 = 0, size = 0;
	FILE *f;

	ops_config_from_seed(kunit_seed(), &cfg);
	cfg.thp = true;
	cfg.zero_pages = 8;
	n = ops_generate(kunit_seed(), ops, OPS_MAX_SEQ);
	f = open_memstream(&text, &size);
	KUNIT_ASSERT_NOT_NULL(test, f);
	ops_write_text(f, &cfg, ops, n, "round trip");
	fprintf(f, "\n   # a comment line\n");
	fclose(f);
	KUNIT_ASSERT_EQ_MSG(test, ops_parse_text(text, &cfg2, &back, &n2, err, sizeof(err)), 0,
			    "%s", err);
	KUNIT_EXPECT_EQ(test, n2, n);
	KUNIT_EXPECT_EQ(test, cfg2.mem_bytes, cfg.mem_bytes);
	KUNIT_EXPECT_EQ(test, cfg2.zero_pages, 8);
	KUNIT_EXPECT_TRUE(test, cfg2.thp);
	KUNIT_EXPECT_EQ(test, cfg2.profile, SIM_PROFILE_V6_5);
	if (n2 == n)
		KUNIT_EXPECT_MEMEQ(test, back, ops, n * sizeof(*ops));
	free(back);
	free(text);
	KUNIT_EXPECT_EQ(test, ops_parse_text("mmap task=1 bogus=2\n", &cfg2, &back, &n2, err,
					     sizeof(err)), -EINVAL);
	KUNIT_EXPECT_EQ(test, ops_parse_text("fly task=1\n", &cfg2, &back, &n2, err,
					     sizeof(err)), -EINVAL);
}

/* After the first write: flip one byte of the first page it wrote, behind the model's back. */
static void corrupt_after_write(const struct ops_op *op, long index, void *arg)
{
	struct mm_struct *mm = sim_current()->mm;
	struct vm_area_struct *vma;
	bool *done = arg;

	if (index == 0)
		*done = false;
	if (*done || op->op != OPS_WRITE)
		return;
	list_for_each_entry(vma, &mm->mmap, vm_list) {
		unsigned long a;

		for (a = vma->vm_start; a < vma->vm_end; a += PAGE_SIZE) {
			struct page *page = t_mm_page(mm, a);

			if (page && !is_zero_page(page) && !is_huge_zero_page(page)) {
				((unsigned char *)page_address(page))[100] ^= 0x5a;
				*done = true;
				return;
			}
		}
	}
}

/*
 * Scenario: the oracle itself. A stray write to one mapped frame (what a
 * DMA into the wrong page would do) is injected after the first write of
 * a sequence padded with unrelated ops; the failure is then shrunk.
 * Expect a "data" failure, and a shrunk sequence of at most 3 ops that
 * still fails the same way.
 */
static void random_ops_oracle_catches_stray_write(struct kunit *test)
{
	static const char text[] =
		"config mem=64M zero=1 thp=0\n"
		"mmap flags=0x00 len=7 arg=0\n"
		"mmap flags=0x01 len=3 arg=0\n"
		"read idx=1 len=2 arg=0\n"
		"pin idx=1 flags=0x03 len=1 arg=0\n"
		"fork\n"
		"write idx=0 len=1 arg=0x00330000\n"
		"read task=1 idx=0 len=3 arg=0\n"
		"unpin\n"
		"mprotect idx=1 len=0 arg=0x01000000\n";
	struct ops_op *ops = NULL;
	struct ops_config cfg;
	struct ops_result res;
	char err[160] = "";
	bool done = false;
	size_t n = 0, m;

	KUNIT_ASSERT_EQ_MSG(test, ops_parse_text(text, &cfg, &ops, &n, err, sizeof(err)), 0,
			    "%s", err);
	cfg.quiet = true;
	cfg.after_op = corrupt_after_write;
	cfg.hook_arg = &done;
	KUNIT_EXPECT_EQ(test, ops_run(&cfg, ops, n, &res), -1);
	KUNIT_EXPECT_TRUE(test, done);
	KUNIT_EXPECT_STREQ(test, res.kind, "data");
	KUNIT_EXPECT_EQ(test, res.failed_at, 5);

	m = ops_shrink(&cfg, ops, n, "data", 500);
	KUNIT_EXPECT_LE(test, m, 3);
	KUNIT_EXPECT_EQ(test, ops[m - 1].op, OPS_WRITE);
	free(ops);
}

/* After op 1: the iomap target's disk holds its next bio (the tester does not know). */
static void hold_after_op1(const struct ops_op *op, long index, void *arg)
{
	struct sim_io_fault hold = { .flags = SIM_IO_HOLD, .nth = 1 };
	int *err = arg;

	if (index == 1)
		*err = sim_disk_inject("opsfsi", &hold);
}

/*
 * Scenario: the hold watchdog (tests/ops/blk.c). After the first O_DIRECT
 * write on the dio=iomap file, its disk is told behind the tester's back
 * to hold the next bio; the next write then waits for a bio no op will
 * ever complete, as one the model forgot to complete first would:
 *
 *   op 0 mmap   op 1 dio write [0, 4K)   <hook: HOLD nth=1>
 *   op 2 dio write [1536, 2048) -> its bio held -> submitter waits ...
 *        watchdog (0.3 s): releases the bio -> op 2 returns -> "hold-wait"
 *
 * Expect the run to fail at op 2 with kind "hold-wait", the message naming
 * the one bio released, in a few seconds rather than a hang.
 */
static void random_ops_hold_watchdog(struct kunit *test)
{
	static const char text[] =
		"config mem=64M zero=1 thp=0 profile=v6.5\n"
		"mmap flags=0x00 len=0 arg=0\n"
		"dio flags=0x01 len=7 arg=0x01000000\n"
		"dio flags=0x01 len=0 arg=0x01030000\n"
		"mmap flags=0x00 len=0 arg=0\n";
	struct ops_op *ops = NULL;
	struct ops_config cfg;
	struct ops_result res;
	char err[160] = "";
	int inject = 1;
	size_t n = 0;
	double t0;

	KUNIT_ASSERT_EQ_MSG(test, ops_parse_text(text, &cfg, &ops, &n, err, sizeof(err)), 0,
			    "%s", err);
	cfg.quiet = true;
	cfg.after_op = hold_after_op1;
	cfg.hook_arg = &inject;
	cfg.hold_wait = 0.3;
	t0 = now();
	KUNIT_EXPECT_EQ(test, ops_run(&cfg, ops, n, &res), -1);
	KUNIT_EXPECT_EQ(test, inject, 0);
	KUNIT_EXPECT_STREQ(test, res.kind, "hold-wait");
	KUNIT_EXPECT_EQ(test, res.failed_at, 2);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(res.msg, "released 1 bios"), "%s", res.msg);
	KUNIT_EXPECT_LT(test, now() - t0, 10.0);
	free(ops);
}

/*
 * Scenario: fuzz bytes decode into the same records: a config byte, then
 * 10 bytes per op, the opcode taken modulo the number of ops; a trailing
 * partial record is dropped.
 * Expect the fields in order, little-endian len and arg.
 */
static void random_ops_decode_bytes(struct kunit *test)
{
	static const uint8_t in[] = {
		0x03,
		OPS_PIN, 1, 2, 0x03, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12,
		OPS_NR_DECODE + OPS_FORK, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		9, 9, 9,
	};
	struct ops_op ops[4];
	struct ops_config cfg;
	size_t n = ops_decode(in, sizeof(in), &cfg, ops, ARRAY_SIZE(ops));

	KUNIT_ASSERT_EQ(test, n, 2);
	KUNIT_EXPECT_TRUE(test, cfg.thp);
	KUNIT_EXPECT_EQ(test, cfg.zero_pages, 8);
	KUNIT_EXPECT_EQ(test, ops[0].op, OPS_PIN);
	KUNIT_EXPECT_EQ(test, ops[0].task, 1);
	KUNIT_EXPECT_EQ(test, ops[0].idx, 2);
	KUNIT_EXPECT_EQ(test, ops[0].flags, 3);
	KUNIT_EXPECT_EQ(test, ops[0].len, 0x1234);
	KUNIT_EXPECT_EQ(test, ops[0].arg, 0x12345678);
	KUNIT_EXPECT_EQ(test, ops[1].op, OPS_FORK);
}

static struct kunit_case random_ops_test_cases[] = {
	KUNIT_CASE(random_ops_text_round_trip),
	KUNIT_CASE(random_ops_decode_bytes),
	KUNIT_CASE(random_ops_oracle_catches_stray_write),
	KUNIT_CASE(random_ops_hold_watchdog),
	KUNIT_CASE_PARAM(random_ops_regression, random_ops_regression_gen),
	KUNIT_CASE(random_ops_sequences),
	KUNIT_CASE(random_ops_stream),
	KUNIT_CASE(random_ops_stream_failure_shrinks),
	{}
};

struct kunit_suite random_ops_suite = {
	.name = "random_ops",
	.test_cases = random_ops_test_cases,
};
