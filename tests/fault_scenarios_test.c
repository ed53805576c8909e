// SPDX-License-Identifier: GPL-2.0
/*
 * Systematic fault injection over the regression scenarios R01-R25
 * (suite "fault_scenarios"; issue 6, scenarios.md §5.4 F1/F2).
 *
 * For each runnable scenario a dry run counts the allocations it makes
 * (every site: folios, metadata, page tables, user copies); then the Nth
 * allocation is failed for N in 1..total: every N with PINIO_FAULT_ALL=1
 * (`make fault-exhaustive`), else a bounded sample (the first three, the
 * last, and evenly spaced ones in between; PINIO_FAULT_SAMPLES=n, default
 * 10, about a minute for all 25 on 2 cores). Each run happens in a forked
 * child with a time limit, so a crash or a hang is caught and named.
 *
 * The scenario's own expectations may fail under injection (it expects
 * success): what must hold is that the run ends - no crash, no hang - with
 * nothing leaked at shutdown (pins, references, folios, bios, mms) and no
 * invariant violation beyond the ones the scenario announces. Runs where
 * the failure was absorbed (a fallback; the scenario still passes) and
 * runs where it surfaced (an error, so an expectation failed) are counted.
 * PINIO_FAULT_SHOW=R06:21 narrates one such run in-process instead.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include <pinio/fault-inject.h>
#include <pinio/fs.h>
#include <pinio/mm.h>
#include <pinio/scenario.h>
#include <pinio/sim.h>

#include "kunit/test.h"
#include "mm/internal.h"
#include "sim/sim.h"
#include "suites.h"

/* Sampled values of N per scenario in the bounded run. */
#define FS_SAMPLES		10
/*
 * Seconds a single faulted run may take before it counts as a hang;
 * PINIO_FS_TIMEOUT overrides it (make coverage's -O0 build is slower).
 */
#define FS_TIMEOUT		60

static unsigned int fs_timeout(void)
{
	const char *v = getenv("PINIO_FS_TIMEOUT");
	long t = v ? strtol(v, NULL, 10) : 0;

	return t > 0 && t < 86400 ? (unsigned int)t : FS_TIMEOUT;
}

struct fs_result {
	int status;			/* enum sim_scenario_status */
	long leaks;
	long violations;		/* reported beyond the announced ones */
	unsigned long allocs;		/* allocations seen up to the shutdown */
	unsigned long injected;
	unsigned long dev_faults;	/* device faults that fired (dma_faults) */
	unsigned long dev_run_faults;	/* of them, the run's (dma_faults_run) */
	unsigned long dev_requests;	/* bios the devices ran (dma_requests) */
	bool reached_shutdown;
};

static void fs_before_shutdown(struct sim_scenario_ctx *ctx)
{
	struct fs_result *r = ctx->hook_arg;

	r->reached_shutdown = true;
	r->allocs = sim_fault_alloc_count();
	r->injected = sim_fault_injected();
}

/* A device fault every disk of the run starts with (NULL: none). */
static const struct sim_io_fault *fs_dev_fault;

/* Run @s once with allocation @nth failed (0: none), in this process. */
static void fs_run_here(const struct sim_scenario *s, unsigned long nth, struct fs_result *r)
{
	struct sim_scenario_ctx ctx;
	unsigned long dev_faults = sim_dma_stat("dma_faults");
	unsigned long dev_run_faults = sim_dma_stat("dma_faults_run");
	unsigned long dev_requests = sim_dma_stat("dma_requests");

	memset(r, 0, sizeof(*r));
	sim_scenario_ctx_init(&ctx, SIM_PROFILE_V6_5, NULL);
	ctx.quiet = true;
	ctx.before_shutdown = fs_before_shutdown;
	ctx.hook_arg = r;
	sim_fault_reset();
	if (nth)
		sim_fail_alloc_after(nth);
	if (fs_dev_fault)
		sim_disk_inject_new(fs_dev_fault);
	pinio_warn_quiet(true);
	r->status = sim_scenario_run(s, &ctx);
	pinio_warn_quiet(false);
	r->dev_faults = sim_dma_stat("dma_faults") - dev_faults;
	r->dev_run_faults = sim_dma_stat("dma_faults_run") - dev_run_faults;
	r->dev_requests = sim_dma_stat("dma_requests") - dev_requests;
	r->leaks = ctx.leaks;
	r->violations = atomic_long_read(&nr_violations) - ctx.violations_expected;
	if (r->violations < 0)
		r->violations = 0;
}

/*
 * Run it in a child: 0 and *@r filled, or -1 with @why set (a crash or a
 * hang).
 */
static int fs_run(const struct sim_scenario *s, unsigned long nth, struct fs_result *r,
		  char *why, size_t whysize)
{
	int fds[2], st;
	pid_t pid;
	ssize_t n;

	if (pipe(fds))
		return snprintf(why, whysize, "pipe failed"), -1;
	fflush(NULL);
	/* kunit_fork(): the child must not inherit the runner's SIGALRM handler. */
	pid = kunit_fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return snprintf(why, whysize, "fork failed"), -1;
	}
	if (!pid) {
		struct fs_result res;

		close(fds[0]);
		alarm(fs_timeout());
		if (!freopen("/dev/null", "w", stderr))
			_exit(3);
		fs_run_here(s, nth, &res);
		n = write(fds[1], &res, sizeof(res));
		_exit(n == (ssize_t)sizeof(res) ? 0 : 3);
	}
	close(fds[1]);
	n = read(fds[0], r, sizeof(*r));
	close(fds[0]);
	if (waitpid(pid, &st, 0) != pid)
		return snprintf(why, whysize, "waitpid failed"), -1;
	if (WIFSIGNALED(st)) {
		if (WTERMSIG(st) == SIGALRM)
			snprintf(why, whysize, "hung (no end after %u s)", fs_timeout());
		else
			snprintf(why, whysize, "%s", strsignal(WTERMSIG(st)));
		return -1;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) || n != (ssize_t)sizeof(*r)) {
		snprintf(why, whysize, "exited with %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		return -1;
	}
	return 0;
}

static bool fs_all(void)
{
	const char *e = getenv("PINIO_FAULT_ALL");

	return e && *e && strcmp(e, "0");
}

#if defined(__SANITIZE_ADDRESS__)
#define FS_SAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FS_SAN 1
#endif
#endif

/* PINIO_FAULT_SAMPLES=n: how many Ns per scenario (default FS_SAMPLES; 4 under ASan). */
static unsigned long fs_samples(void)
{
	const char *e = getenv("PINIO_FAULT_SAMPLES");
#ifdef FS_SAN
	unsigned long n = e && *e ? strtoul(e, NULL, 0) : 4;
#else
	unsigned long n = e && *e ? strtoul(e, NULL, 0) : FS_SAMPLES;
#endif

	return n < 4 ? 4 : n;
}

/* The Ns to try out of @total: all of them, or a spread of fs_samples(). */
static unsigned long fs_next(unsigned long prev, unsigned long total, bool all)
{
	unsigned long step, samples = fs_samples();

	if (all || total <= samples)
		return prev + 1;
	if (prev < 3)
		return prev + 1;
	step = (total - 3) / (samples - 3);
	if (!step)
		step = 1;
	if (prev < total && prev + step >= total)
		return total;
	return prev + step;
}

static const struct sim_scenario *fs_table(size_t *nr)
{
	return sim_scenario_table(nr);
}

static const void *fs_gen(const void *prev, char *desc)
{
	size_t nr, i;
	const struct sim_scenario *t = fs_table(&nr);

	i = prev ? (size_t)((const struct sim_scenario *)prev - t) + 1 : 0;
	if (i >= nr)
		return NULL;
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s %s", t[i].id, t[i].name);
	return &t[i];
}

/* Totals for the summary line (and docs/reliability.md). */
static unsigned long fs_total_runs, fs_total_absorbed, fs_total_surfaced;

/*
 * Scenario: one of R01-R25 with its allocations failed one at a time.
 *   dry run: count allocations A (and expect a pass)
 *   for N in sample(1..A): fork { fail allocation N; run; shutdown }
 * Expect every run to end (no crash, no hang), no leak at shutdown, no
 * unannounced violation; a failed allocation that is absorbed (the run
 * still passes) or surfaces as an error are both fine.
 */
static void fault_scenarios_fail_nth_alloc(struct kunit *test)
{
	const struct sim_scenario *s = test->param_value;
	unsigned long total, nth, runs = 0, absorbed = 0, surfaced = 0;
	bool all = fs_all();
	struct fs_result r;
	char why[96];

	if (s->needs || !s->run)
		kunit_skip(test, "%s needs %s", s->id, s->needs ? s->needs : "an implementation");
	if (getenv("PINIO_FAULT_SHOW")) {
		/* PINIO_FAULT_SHOW=ID:N narrates one faulted run here, to stderr. */
		const char *v = getenv("PINIO_FAULT_SHOW"), *colon = strchr(v, ':');
		struct sim_scenario_ctx ctx;

		if (!colon || strncmp(v, s->id, (size_t)(colon - v)))
			kunit_skip(test, "PINIO_FAULT_SHOW names another scenario");
		sim_scenario_ctx_init(&ctx, SIM_PROFILE_V6_5, stderr);
		sim_fault_reset();
		sim_fail_alloc_after(strtoul(colon + 1, NULL, 0));
		sim_scenario_run(s, &ctx);
		kunit_info(test, "%s: %ld leaks", s->id, ctx.leaks);
		return;
	}
	KUNIT_ASSERT_EQ_MSG(test, fs_run(s, 0, &r, why, sizeof(why)), 0, "dry run: %s", why);
	if (r.status == SIM_SCENARIO_SKIP)
		kunit_skip(test, "%s skips itself", s->id);
	KUNIT_ASSERT_EQ_MSG(test, r.status, SIM_SCENARIO_PASS, "%s fails without injection", s->id);
	KUNIT_EXPECT_EQ(test, r.leaks, 0);
	total = r.allocs;
	if (!r.reached_shutdown || !total)
		kunit_skip(test, "%s: no allocation counted before its shutdown", s->id);
	for (nth = fs_next(0, total, all); nth <= total; nth = fs_next(nth, total, all)) {
		if (fs_run(s, nth, &r, why, sizeof(why))) {
			KUNIT_FAIL(test, "%s with allocation %lu of %lu failed: %s", s->id, nth, total,
				   why);
			break;
		}
		runs++;
		KUNIT_EXPECT_EQ_MSG(test, r.leaks, 0, "%s, allocation %lu of %lu failed: leaks",
				    s->id, nth, total);
		KUNIT_EXPECT_EQ_MSG(test, r.violations, 0,
				    "%s, allocation %lu of %lu failed: unannounced violations", s->id,
				    nth, total);
		if (r.status == SIM_SCENARIO_PASS)
			absorbed++;
		else
			surfaced++;
		if (nth == total)
			break;
	}
	fs_total_runs += runs;
	fs_total_absorbed += absorbed;
	fs_total_surfaced += surfaced;
	kunit_info(test, "%s: %lu allocations, %lu runs with one failed: %lu absorbed, %lu surfaced as errors (totals so far: %lu runs, %lu absorbed, %lu surfaced)",
		   s->id, total, runs, absorbed, surfaced, fs_total_runs, fs_total_absorbed,
		   fs_total_surfaced);
}

/*
 * Device completions of F4-F7. Reordering is a random per-bio delay
 * (jitter_us), so bios the scenario has in flight together complete out of
 * submit order on the DMA workers; REORDER and HOLD, which hold bios until
 * more arrive or a release, would hang a scenario's synchronous I/O.
 */
/* Totals of the device-fault runs for the summary line. */
static unsigned long fs_dev_total_runs, fs_dev_total_reached, fs_dev_total_surfaced;

static const struct {
	const char *what;
	struct sim_io_fault f;
} fs_dev_faults[] = {
	{ "refuse the first bio at submit (-EAGAIN)", { .flags = SIM_IO_FAIL_SUBMIT, .error = -EAGAIN, .nth = 1 } },
	{ "fail the first bio (-EIO)", { .flags = SIM_IO_FAIL, .nth = 1 } },
	{ "fail the second bio (-EIO)", { .flags = SIM_IO_FAIL, .nth = 2 } },
	{ "fail every bio (-EIO)", { .flags = SIM_IO_FAIL } },
	{ "partial: 0 bytes of the first bio", { .flags = SIM_IO_PARTIAL, .nth = 1, .bytes = 0 } },
	{ "partial: 511 bytes of the first bio", { .flags = SIM_IO_PARTIAL, .nth = 1, .bytes = 511 } },
	{ "partial: 4095 bytes of the first bio", { .flags = SIM_IO_PARTIAL, .nth = 1, .bytes = 4095 } },
	{ "partial: 4096 bytes of the third bio", { .flags = SIM_IO_PARTIAL, .nth = 3, .bytes = 4096 } },
	{ "delay every bio 200 us", { .flags = SIM_IO_DELAY, .delay_us = 200 } },
	{ "reorder: delay every bio 0-500 us at random", { .flags = SIM_IO_DELAY, .jitter_us = 500 } },
};

/*
 * Scenario: one of R01-R25 with each device completion fault of the table
 * armed on every disk it creates (error, partial transfer, delay, reorder).
 *   clean run: must pass; count the bios and the scenario's own faults
 *   for each fault: fork { arm it in new disks' run slot; run; shutdown }
 *     disk slots:  [own: HOLD, hook... (R01, R07, R25...)] [run: the row]
 *                  both apply to a bio both hit (enum dma_fault_slot)
 * Expect every run to end with nothing leaked and no unannounced
 * violation; the scenario may pass (no disk, or the fault absorbed) or
 * fail its expectations (the error surfaced), but only if the run's fault
 * fired ("dma_faults_run"): a failure without it is the scenario's own.
 * Every scenario that runs bios - R01 and R25, which hold theirs, too -
 * must be reached by at least one row. PINIO_FAULT_VERBOSE=1 says how
 * each run went.
 */
static void fault_scenarios_device_faults(struct kunit *test)
{
	const struct sim_scenario *s = test->param_value;
	unsigned long runs = 0, surfaced = 0, reached = 0, own, requests;
	struct fs_result r;
	char why[96];
	size_t i;

	if (s->needs || !s->run)
		kunit_skip(test, "%s needs %s", s->id, s->needs ? s->needs : "an implementation");
	/*
	 * A clean run first: the faults the scenario arms itself (a HOLD, a
	 * delay) count in dma_faults, in the disk's own slot; the run's fault
	 * has the other slot, and "dma_faults_run" counts it alone.
	 */
	fs_dev_fault = NULL;
	if (fs_run(s, 0, &r, why, sizeof(why))) {
		KUNIT_FAIL(test, "%s without a fault: %s", s->id, why);
		return;
	}
	if (r.status == SIM_SCENARIO_SKIP)
		kunit_skip(test, "%s skips itself", s->id);
	KUNIT_ASSERT_EQ_MSG(test, r.status, SIM_SCENARIO_PASS, "%s fails without a fault", s->id);
	KUNIT_EXPECT_EQ(test, r.dev_run_faults, 0UL);
	own = r.dev_faults;
	requests = r.dev_requests;
	for (i = 0; i < ARRAY_SIZE(fs_dev_faults); i++) {
		fs_dev_fault = &fs_dev_faults[i].f;
		if (fs_run(s, 0, &r, why, sizeof(why))) {
			KUNIT_FAIL(test, "%s with \"%s\": %s", s->id, fs_dev_faults[i].what, why);
			continue;
		}
		runs++;
		/* Reached: the run's fault fired (on a bio its own may hit too). */
		reached += r.dev_run_faults > 0;
		surfaced += r.status != SIM_SCENARIO_PASS;
		if (getenv("PINIO_FAULT_VERBOSE"))
			kunit_info(test, "%s with \"%s\": %lu fired (%lu the run's), %s", s->id,
				   fs_dev_faults[i].what, r.dev_faults, r.dev_run_faults,
				   r.status == SIM_SCENARIO_PASS ? "passed" : "failed");
		/* A verdict the run's fault did not change must be the clean run's. */
		KUNIT_EXPECT_TRUE_MSG(test, r.status == SIM_SCENARIO_PASS || r.dev_run_faults,
				      "%s with \"%s\": failed, but the run's fault never fired",
				      s->id, fs_dev_faults[i].what);
		KUNIT_EXPECT_EQ_MSG(test, r.leaks, 0, "%s with \"%s\": leaks", s->id,
				    fs_dev_faults[i].what);
		KUNIT_EXPECT_EQ_MSG(test, r.violations, 0, "%s with \"%s\": unannounced violations",
				    s->id, fs_dev_faults[i].what);
	}
	fs_dev_fault = NULL;
	/*
	 * A scenario that moves data through a disk must meet the run's
	 * faults ("fail every bio" at least), whether or not it arms faults
	 * of its own: a fault that never fires tests nothing (the plain-disk
	 * bug, see fault_scenarios_inject_new; R01 and R25 before a disk had
	 * a slot for each).
	 */
	if (requests)
		KUNIT_EXPECT_GT_MSG(test, reached, 0UL,
				    "%s ran %lu bios but no device fault reached it", s->id,
				    requests);
	fs_dev_total_runs += runs;
	fs_dev_total_reached += reached;
	fs_dev_total_surfaced += surfaced;
	kunit_info(test, "%s: %lu device-fault runs, %lu reached by the fault, %lu surfaced as errors (the scenario's own faults: %lu; totals so far: %lu runs, %lu reached, %lu surfaced)",
		   s->id, runs, reached, surfaced, own, fs_dev_total_runs, fs_dev_total_reached,
		   fs_dev_total_surfaced);
}

/*
 * sim_disk_inject_new() rows: the fault armed before the disk exists, and
 * what a 4 KiB O_DIRECT write to the new disk then returns.
 */
static const struct fs_new_case {
	const char *what;
	struct sim_io_fault f;
	ssize_t expect;
} fs_new_cases[] = {
	{ "fail the first bio (-EIO)", { .flags = SIM_IO_FAIL, .nth = 1 }, -EIO },
	{ "fail every bio (-EIO)", { .flags = SIM_IO_FAIL }, -EIO },
	{ "refuse at submit (-EAGAIN)", { .flags = SIM_IO_FAIL_SUBMIT, .error = -EAGAIN, .nth = 1 },
	  -EAGAIN },
	{ "delay every bio 100 us", { .flags = SIM_IO_DELAY, .delay_us = 100 }, PAGE_SIZE },
};

static void fs_new_desc(const struct fs_new_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->what);
}

KUNIT_ARRAY_PARAM(fs_new, fs_new_cases, fs_new_desc);

static ssize_t fs_new_write(struct kunit *test, const char *dev, unsigned long buf)
{
	int fd = sim_open(dev, O_RDWR | O_DIRECT, 0);
	ssize_t ret;

	KUNIT_ASSERT_GE(test, fd, 0);
	ret = sim_pwrite(fd, buf, PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	return ret;
}

/*
 * Scenario: the device-fault runs above arm a fault for disks not yet
 * created (sim_disk_inject_new()), because each scenario makes its own.
 *   ram "old" exists -> inject_new(fault) -> ram "new" created
 *   write 4 KiB O_DIRECT to each -> sim_fault_reset() -> ram "new2"
 * Expect the write to "new" to see the fault (its errno, or the delay as
 * one fired fault and a full write), "old" and "new2" to be untouched by
 * it. Regression: the plain-disk submit shortcut (e8c4b6e) left a new
 * disk marked plain with its fault armed, so dma_submit_bio() never
 * looked at the fault and every device-fault run tested nothing unless
 * the scenario armed a fault of its own.
 */
static void fault_scenarios_inject_new(struct kunit *test)
{
	const struct fs_new_case *c = test->param_value;
	struct sim_config cfg = { .mem_bytes = 32UL << 20 };
	unsigned long buf, fired;

	KUNIT_ASSERT_EQ(test, sim_boot(&cfg), 0);
	buf = sim_mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(buf));
	KUNIT_ASSERT_EQ(test, sim_user_memset(buf, 0x5a, PAGE_SIZE), PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("fsold", 1UL << 20, 512), 0);
	KUNIT_ASSERT_EQ(test, sim_disk_inject_new(&c->f), 0);
	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("fsnew", 1UL << 20, 512), 0);

	fired = sim_dma_stat("dma_faults");
	KUNIT_EXPECT_EQ(test, fs_new_write(test, "/dev/fsold", buf), PAGE_SIZE);
	KUNIT_EXPECT_EQ_MSG(test, sim_dma_stat("dma_faults") - fired, 0UL,
			    "a disk made before inject_new has no fault");
	fired = sim_dma_stat("dma_faults");
	KUNIT_EXPECT_EQ(test, fs_new_write(test, "/dev/fsnew", buf), c->expect);
	KUNIT_EXPECT_EQ_MSG(test, sim_dma_stat("dma_faults") - fired, 1UL,
			    "the new disk's fault fired once");

	sim_fault_reset();
	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("fsnew2", 1UL << 20, 512), 0);
	fired = sim_dma_stat("dma_faults");
	KUNIT_EXPECT_EQ(test, fs_new_write(test, "/dev/fsnew2", buf), PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sim_dma_stat("dma_faults") - fired, 0UL);

	KUNIT_EXPECT_EQ(test, sim_disk_destroy("fsold"), 0);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("fsnew"), 0);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("fsnew2"), 0);
	KUNIT_EXPECT_EQ(test, sim_munmap(buf, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, sim_shutdown(), 0);
}

/*
 * Scenario: scenarios.md §5.3 bad input 31 and F9, fork failing part-way:
 *   parent: 8 written private pages (2 pinned: fork must copy them),
 *           an open pipe (the child's descriptor table is a copy),
 *           4 shared pages, 2 untouched pages
 *   dry run: count the allocations of one sim_fork() (child exits)
 *   for N in 1..count: fail allocation N; sim_fork()
 * Expect ERR_PTR(-ENOMEM) every time, the snapshot (folios, pins, mms, open files,
 * zero-page references, violations) unchanged, the parent's bytes intact;
 * then a fork with no failure succeeds.
 */
static void fault_scenarios_fork_fail_nth_alloc(struct kunit *test)
{
	struct sim_config cfg = { .mem_bytes = 32UL << 20 };
	struct sim_ledger before, after;
	struct page *pinned[2];
	unsigned long priv, shared, total, n;
	struct task_struct *child;
	unsigned char byte;
	long pins_before, files;
	int pfd[2];

	KUNIT_ASSERT_EQ(test, sim_boot(&cfg), 0);
	priv = sim_mmap(0, 10 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	shared = sim_mmap(0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			  -1, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(priv) || IS_ERR_VALUE(shared));
	KUNIT_ASSERT_EQ(test, sim_user_memset(priv, 0x31, 8 * PAGE_SIZE), 8 * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, sim_user_memset(shared, 0x32, 4 * PAGE_SIZE), 4 * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(priv, 2, FOLL_WRITE, pinned), 2);
	/* An open pipe: fork copies the descriptor table too (copy_files()). */
	KUNIT_ASSERT_EQ(test, sim_pipe2(pfd, 0), 0);
	files = nr_live_files();

	sim_fault_reset();
	child = sim_fork();
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(child));
	total = sim_fault_alloc_count();
	sim_task_exit(child);
	KUNIT_EXPECT_GE(test, total, 3);
	for (n = 1; n <= total; n++) {
		sim_ledger_read(&before);
		pins_before = (long)(sim_vmstat("nr_foll_pin_acquired") -
				     sim_vmstat("nr_foll_pin_released"));
		sim_fault_reset();
		sim_fail_alloc_after(n);
		child = sim_fork();
		sim_fault_reset();
		sim_ledger_read(&after);
		KUNIT_EXPECT_TRUE_MSG(test, IS_ERR(child) && PTR_ERR(child) == -ENOMEM,
				      "allocation %lu of %lu failed: sim_fork() = %ld", n, total,
				      IS_ERR(child) ? PTR_ERR(child) : 0L);
		if (!IS_ERR_OR_NULL(child)) {
			sim_task_exit(child);
			continue;
		}
		KUNIT_EXPECT_EQ_MSG(test, after.live_folios, before.live_folios, "N=%lu folios", n);
		KUNIT_EXPECT_EQ_MSG(test, after.pins, before.pins, "N=%lu pins", n);
		KUNIT_EXPECT_EQ_MSG(test, after.live_mms, before.live_mms, "N=%lu mms", n);
		KUNIT_EXPECT_EQ_MSG(test, after.zero_refs, before.zero_refs, "N=%lu zero refs", n);
		KUNIT_EXPECT_EQ_MSG(test, after.violations, before.violations, "N=%lu violations", n);
		KUNIT_EXPECT_EQ_MSG(test, nr_live_files(), files, "N=%lu open files", n);
		KUNIT_EXPECT_EQ_MSG(test, (long)(sim_vmstat("nr_foll_pin_acquired") -
						 sim_vmstat("nr_foll_pin_released")), pins_before,
				    "N=%lu net pins", n);
		KUNIT_EXPECT_EQ(test, sim_user_read(priv + 7 * PAGE_SIZE + 5, &byte, 1), 1);
		KUNIT_EXPECT_EQ(test, byte, 0x31);
	}
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
	child = sim_fork();
	KUNIT_EXPECT_FALSE(test, IS_ERR_OR_NULL(child));
	if (!IS_ERR_OR_NULL(child)) {
		struct task_struct *parent = sim_current();
		struct file *f;

		sim_task_switch(child);		/* the child holds the pipe too */
		f = sim_fget(pfd[1]);
		sim_task_switch(parent);
		KUNIT_EXPECT_NOT_NULL(test, f);
		if (f)
			fput(f);
		sim_task_exit(child);
	}
	unpin_user_pages(pinned, 2);
	KUNIT_EXPECT_EQ(test, sim_close(pfd[0]), 0);
	KUNIT_EXPECT_EQ(test, sim_close(pfd[1]), 0);
	kunit_info(test, "fork: %lu allocations, each failed once", total);
	KUNIT_EXPECT_EQ(test, sim_shutdown(), 0);
}

static struct kunit_case fault_scenarios_test_cases[] = {
	KUNIT_CASE(fault_scenarios_fork_fail_nth_alloc),
	KUNIT_CASE_PARAM(fault_scenarios_fail_nth_alloc, fs_gen),
	KUNIT_CASE_PARAM(fault_scenarios_device_faults, fs_gen),
	KUNIT_CASE_PARAM(fault_scenarios_inject_new, fs_new_gen_params),
	{}
};

struct kunit_suite fault_scenarios_suite = {
	.name = "fault_scenarios",
	.test_cases = fault_scenarios_test_cases,
};
