// SPDX-License-Identifier: GPL-2.0
/*
 * tests/kunit/test.c - the runner of our small KUnit: options, KTAP v1
 * output and the after-case checks (assertion reports: assert.c).
 *
 * Models lib/kunit/test.c and lib/kunit/executor.c (filter glob, KTAP
 * layout, per-suite and total statistics) without kernel threads: a case
 * runs on the calling thread and ASSERT longjmps back here. After every
 * case the runner compares the simulation's leak ledger and the WARN count
 * with their values before it, resets fault injection, and fails the case
 * on any difference it was not told to expect.
 */
#include "test.h"
#include "test-internal.h"

#include <pinio/bug.h>
#include <pinio/fault-inject.h>
#include <pinio/sim.h>

#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define INDENT1	"    "
#define INDENT2	"        "
#define MAX_FILTERS	16

struct kunit_stats {
	unsigned long pass, fail, skip;
};

static unsigned long seed;
static bool long_mode, verbose;
static unsigned int timeout_secs = 600;
static const char *filters[MAX_FILTERS];
static int nr_filters;
static pthread_t runner_thread;
static pid_t runner_pid;		/* the process that runs the suites */
static char running[256];	/* "suite.case", for the signal handlers */
static char failed_names[32][256];	/* listed again before the totals */
static unsigned int nr_failed_names;

unsigned long kunit_seed(void)
{
	return seed;
}

bool kunit_long(void)
{
	return long_mode;
}

bool kunit_verbose(void)
{
	return verbose;
}

/* ---- output ----------------------------------------------------------- */

void __printf(3, 0) kunit_vout(struct kunit *test, const char *prefix,
			       const char *fmt, va_list ap)
{
	char line[1024];
	size_t n;

	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	if (n && line[n - 1] == '\n')
		line[--n] = '\0';
	if (test->capture) {
		size_t used = strlen(test->capture);

		snprintf(test->capture + used, test->capture_size - used, "%s%s%s\n",
			 test->indent, prefix, line);
		return;
	}
	printf("%s%s%s\n", test->indent, prefix, line);
}

void kunit_printk(struct kunit *test, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kunit_vout(test, "# ", fmt, ap);
	va_end(ap);
}

/* ---- case state ----------------------------------------------------------- */

void kunit_set_failure(struct kunit *test)
{
	test->status = KUNIT_FAILURE;
}

void kunit_mark_skipped(struct kunit *test, const char *fmt, ...)
{
	va_list ap;

	if (test->status == KUNIT_FAILURE)
		return;
	test->status = KUNIT_SKIPPED;
	va_start(ap, fmt);
	vsnprintf(test->status_comment, sizeof(test->status_comment), fmt, ap);
	va_end(ap);
}

/*
 * A forked child that got back into the runner (an ASSERT, or returning
 * from the case) must never run another case or print a result: it ends
 * here, at once.
 */
static void kunit_child_guard(void)
{
	static const char msg[] = "kunit: a forked child reached the runner; it exits\n";
	ssize_t n;

	if (!runner_pid || getpid() == runner_pid)
		return;
	n = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)n;
	_exit(127);
}

void kunit_abort(struct kunit *test)
{
	kunit_child_guard();
	if (!test->abort_env || !pthread_equal(pthread_self(), runner_thread)) {
		fflush(stdout);
		fprintf(stderr, "kunit: %s: ASSERT or skip outside the case's own thread\n",
			test->name);
		abort();
	}
	longjmp(*test->abort_env, 1);
}

static void try_run(struct kunit *test, void (*fn)(struct kunit *test))
{
	jmp_buf env;
	jmp_buf *saved = test->abort_env;

	test->abort_env = &env;
	if (!setjmp(env))
		fn(test);
	kunit_child_guard();
	test->abort_env = saved;
}

static int try_init(struct kunit *test, int (*init)(struct kunit *test))
{
	jmp_buf env;
	volatile int ret = -EINTR;

	test->abort_env = &env;
	if (!setjmp(env))
		ret = init(test);
	test->abort_env = NULL;
	return ret;
}

enum kunit_status kunit_run_isolated(void (*fn)(struct kunit *test), char *buf, size_t size)
{
	struct kunit test = {
		.name = "isolated", .indent = "", .capture = buf, .capture_size = size,
	};

	buf[0] = '\0';
	try_run(&test, fn);
	return test.status;
}

/* ---- warnings and the ledger ------------------------------------------------ */

unsigned long __kunit_warn_begin(struct kunit *test)
{
	if (test->warn_depth++ == 0)
		pinio_warn_quiet(true);
	return pinio_warnings();
}

void __kunit_warn_end(struct kunit *test, unsigned long before,
		      const char *file, int line, const char *what)
{
	unsigned long fired = pinio_warnings() - before;

	if (--test->warn_depth == 0)
		pinio_warn_quiet(false);
	if (!fired) {
		__kunit_fail(test, KUNIT_EXPECTATION, file, line,
			     "Expected a WARN from %s, but none fired", what);
		return;
	}
	test->expected_warnings += fired;
}

static const struct {
	const char *name;
	size_t offset;
} ledger_fields[] = {
	{ "live_folios", offsetof(struct sim_ledger, live_folios) },
	{ "pins", offsetof(struct sim_ledger, pins) },
	{ "zero_refs", offsetof(struct sim_ledger, zero_refs) },
	{ "zero_pins", offsetof(struct sim_ledger, zero_pins) },
	{ "live_bios", offsetof(struct sim_ledger, live_bios) },
	{ "live_mms", offsetof(struct sim_ledger, live_mms) },
	{ "violations", offsetof(struct sim_ledger, violations) },
};

#define LEDGER_SLOTS	(sizeof(struct sim_ledger) / sizeof(long))
_Static_assert(sizeof(struct sim_ledger) % sizeof(long) == 0,
	       "struct sim_ledger must hold only longs");
_Static_assert(LEDGER_SLOTS <= 32, "kunit.ledger_ignored has one bit per field");

static int ledger_slot(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ledger_fields); i++)
		if (!strcmp(ledger_fields[i].name, name))
			return ledger_fields[i].offset / sizeof(long);
	return -1;
}

static const char *ledger_name(size_t slot, char *buf, size_t size)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ledger_fields); i++)
		if (ledger_fields[i].offset == slot * sizeof(long))
			return ledger_fields[i].name;
	snprintf(buf, size, "ledger[%zu]", slot);
	return buf;
}

void kunit_ledger_ignore(struct kunit *test, const char *field)
{
	int slot = ledger_slot(field);

	if (slot < 0) {
		kunit_set_failure(test);
		kunit_printk(test, "%s: kunit_ledger_ignore: no ledger field \"%s\"",
			  test->name, field);
		return;
	}
	test->ledger_ignored |= 1u << slot;
}

void kunit_expect_violations(struct kunit *test, long n)
{
	test->expected_violations += n;
}

void kunit_expect_warnings(struct kunit *test, unsigned long n)
{
	test->expected_warnings += n;
}

static void ledger_compare(struct kunit *test, const struct sim_ledger *before,
			   const struct sim_ledger *after)
{
	const long *b = (const long *)before, *a = (const long *)after;
	int violations = ledger_slot("violations");
	char buf[32];
	size_t i;

	for (i = 0; i < LEDGER_SLOTS; i++) {
		long expect = (int)i == violations ? test->expected_violations : 0;

		if (test->ledger_ignored & (1u << i) || a[i] - b[i] == expect)
			continue;
		kunit_set_failure(test);
		if (expect)
			kunit_printk(test, "ledger: %s %ld -> %ld (%+ld, expected %+ld)",
				  ledger_name(i, buf, sizeof(buf)), b[i], a[i], a[i] - b[i], expect);
		else
			kunit_printk(test, "ledger: %s %ld -> %ld (%+ld)",
				  ledger_name(i, buf, sizeof(buf)), b[i], a[i], a[i] - b[i]);
	}
}

/* ---- running -------------------------------------------------------------- */

static bool case_selected(const struct kunit_suite *suite, const struct kunit_case *kc)
{
	char name[256];
	int i;

	if (!nr_filters)
		return true;
	snprintf(name, sizeof(name), "%s.%s", suite->name, kc->name);
	for (i = 0; i < nr_filters; i++) {
		if (!fnmatch(filters[i], name, 0))
			return true;
		/* A glob without a dot may also name whole suites. */
		if (!strchr(filters[i], '.') && !fnmatch(filters[i], suite->name, 0))
			return true;
	}
	return false;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * One case, or one parameter of a case: init, snapshot, body, ledger check,
 * exit, warning check, fault-injection reset.
 */
static enum kunit_status run_one(const struct kunit_suite *suite, const struct kunit_case *kc,
				 const void *param, const char *indent, char *comment,
				 size_t comment_size)
{
	struct kunit test = {
		.param_value = param, .name = kc->name, .suite = suite, .indent = indent,
	};
	struct sim_ledger before, after;
	bool was_booted = sim_booted(), checked = false;
	unsigned long warnings = pinio_warnings();
	double start = now();
	int ret = 0;

	snprintf(running, sizeof(running), "%s.%s", suite->name, kc->name);
	alarm(timeout_secs);
	if (suite->init)
		ret = try_init(&test, suite->init);
	if (ret && test.status != KUNIT_SKIPPED) {
		kunit_set_failure(&test);
		kunit_printk(&test, "%s: init failed: %d", kc->name, ret);
	} else if (test.status == KUNIT_SUCCESS) {
		bool snap = sim_booted();

		if (snap)
			sim_ledger_read(&before);
		try_run(&test, kc->run_case);
		if (snap && sim_booted()) {
			sim_ledger_read(&after);
			ledger_compare(&test, &before, &after);
			checked = true;
		}
	}
	if (suite->exit)
		try_run(&test, suite->exit);

	pinio_warn_quiet(false);
	warnings = pinio_warnings() - warnings;
	if (warnings != test.expected_warnings) {
		kunit_set_failure(&test);
		kunit_printk(&test, "%s: %lu unexpected WARN(s) (%lu fired, %lu expected; see stderr)",
			  kc->name, warnings - test.expected_warnings, warnings,
			  test.expected_warnings);
	}
	if (!was_booted && sim_booted()) {
		kunit_set_failure(&test);
		kunit_printk(&test, "%s: left the machine booted; sim_shutdown() found %ld leaks",
			  kc->name, sim_shutdown());
	}
	sim_fault_reset();
	alarm(0);
	if (test.status == KUNIT_FAILURE && nr_failed_names < ARRAY_SIZE(failed_names) &&
	    (!nr_failed_names || strcmp(failed_names[nr_failed_names - 1], running)))
		snprintf(failed_names[nr_failed_names++], sizeof(failed_names[0]), "%s", running);
	if (verbose)
		kunit_printk(&test, "%s: %.3fs, ledger %s, %lu WARN(s) expected", kc->name,
			  now() - start, checked ? "checked" : "not checked (not booted)",
			  test.expected_warnings);
	snprintf(comment, comment_size, "%s", test.status_comment);
	return test.status;
}

static void print_result(const char *indent, enum kunit_status st, unsigned long nr,
			 const char *name, const char *comment)
{
	if (st == KUNIT_SKIPPED)
		printf("%sok %lu %s # SKIP %s\n", indent, nr, name, comment);
	else
		printf("%s%s %lu %s\n", indent, st == KUNIT_FAILURE ? "not ok" : "ok", nr, name);
}

static void count(struct kunit_stats *stats, enum kunit_status st)
{
	if (st == KUNIT_FAILURE)
		stats->fail++;
	else if (st == KUNIT_SKIPPED)
		stats->skip++;
	else
		stats->pass++;
}

static enum kunit_status stats_status(const struct kunit_stats *s)
{
	if (s->fail)
		return KUNIT_FAILURE;
	if (s->pass)
		return KUNIT_SUCCESS;
	return KUNIT_SKIPPED;
}

static void print_stats(const char *indent, const char *name, const struct kunit_stats *s)
{
	printf("%s# %s: pass:%lu fail:%lu skip:%lu total:%lu\n", indent, name,
	       s->pass, s->fail, s->skip, s->pass + s->fail + s->skip);
}

/* A KUNIT_CASE_PARAM() case: one nested KTAP level, a result per parameter. */
static enum kunit_status run_param_case(const struct kunit_suite *suite,
					const struct kunit_case *kc, struct kunit_stats *totals,
					char *reason, size_t reason_size)
{
	struct kunit_stats stats = { 0 };
	char desc[KUNIT_PARAM_DESC_SIZE], comment[256];
	const void *param;
	unsigned long n = 0;

	for (param = kc->generate_params(NULL, desc); param; param = kc->generate_params(param, desc))
		n++;
	printf(INDENT1 "KTAP version 1\n" INDENT1 "# Subtest: %s\n" INDENT1 "1..%lu\n",
	       kc->name, n);
	n = 0;
	desc[0] = '\0';
	for (param = kc->generate_params(NULL, desc); param; param = kc->generate_params(param, desc)) {
		enum kunit_status st;

		if (!desc[0])
			snprintf(desc, sizeof(desc), "param-%lu", n);
		st = run_one(suite, kc, param, INDENT2, comment, sizeof(comment));
		print_result(INDENT2, st, ++n, desc, comment);
		count(&stats, st);
		count(totals, st);
		desc[0] = '\0';
	}
	print_stats(INDENT1, kc->name, &stats);
	if (!n)
		totals->skip++;
	snprintf(reason, reason_size, n ? "every parameter skipped" : "no parameters");
	return stats_status(&stats);
}

static struct kunit_stats run_suite(struct kunit_suite *suite, unsigned long nr,
				    struct kunit_stats *totals)
{
	struct kunit_stats stats = { 0 };
	const struct kunit_case *kc;
	bool was_booted = sim_booted();
	unsigned long n = 0, i = 0;
	char comment[256];
	int ret = 0;

	for (kc = suite->test_cases; kc->run_case; kc++)
		n += case_selected(suite, kc);
	printf(INDENT1 "KTAP version 1\n" INDENT1 "# Subtest: %s\n" INDENT1 "1..%lu\n",
	       suite->name, n);
	if (suite->suite_init)
		ret = suite->suite_init(suite);
	if (ret)
		printf(INDENT1 "# %s: suite_init failed: %d\n", suite->name, ret);

	for (kc = suite->test_cases; kc->run_case; kc++) {
		enum kunit_status st;

		if (!case_selected(suite, kc))
			continue;
		comment[0] = '\0';
		if (ret) {
			st = KUNIT_FAILURE;
			count(totals, st);
		} else if (kc->generate_params) {
			st = run_param_case(suite, kc, totals, comment, sizeof(comment));
		} else {
			st = run_one(suite, kc, NULL, INDENT1, comment, sizeof(comment));
			count(totals, st);
		}
		print_result(INDENT1, st, ++i, kc->name, comment);
		count(&stats, st);
	}

	if (!ret && suite->suite_exit)
		suite->suite_exit(suite);
	if (!was_booted && sim_booted()) {
		printf(INDENT1 "# %s: suite left the machine booted; sim_shutdown() found %ld leaks\n",
		       suite->name, sim_shutdown());
		stats.fail++;
		totals->fail++;
	}
	sim_fault_reset();
	print_stats(INDENT1, suite->name, &stats);
	print_result("", stats_status(&stats), nr, suite->name, "every case skipped");
	return stats;
}

static void write_str(const char *s)
{
	ssize_t ret = write(STDOUT_FILENO, s, strlen(s));

	(void)ret;
}

static void on_alarm(int sig)
{
	write_str("Bail out! timeout in ");
	write_str(running);
	write_str("\n");
	_exit(1);
}

static void on_fatal(int sig)
{
	write_str("Bail out! ");
	write_str(running);
	write_str(sig == SIGABRT ? ": aborted\n" : ": fatal signal\n");
	signal(sig, SIG_DFL);
	raise(sig);
}

#if defined(__SANITIZE_ADDRESS__)
#define KUNIT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KUNIT_ASAN 1
#endif
#endif

static void install_handlers(void)
{
	signal(SIGALRM, on_alarm);
	signal(SIGABRT, on_fatal);
#ifndef KUNIT_ASAN
	/* ASan reports these better than we can. */
	signal(SIGSEGV, on_fatal);
	signal(SIGBUS, on_fatal);
	signal(SIGFPE, on_fatal);
#endif
}

/**
 * kunit_fork() - fork() for a case that needs a host child process.
 *
 * Flushes stdio first (a child must not print the parent's buffered
 * output again). In the child: the runner's signal handlers and alarm are
 * gone (its "Bail out!" lines are the parent's alone), and it is killed if
 * the parent dies (PR_SET_PDEATHSIG), so it never outlives the run. The
 * child must end with _exit(); if it returns into the runner instead, the
 * runner makes it _exit(127) before it can run or report anything.
 * Return: as fork(): the child's pid in the parent, 0 in the child, -1.
 */
pid_t kunit_fork(void)
{
	pid_t parent = getpid(), pid;

	fflush(NULL);
	pid = fork();
	if (pid)
		return pid;
	alarm(0);
	signal(SIGALRM, SIG_DFL);
	signal(SIGABRT, SIG_DFL);
	signal(SIGSEGV, SIG_DFL);
	signal(SIGBUS, SIG_DFL);
	signal(SIGFPE, SIG_DFL);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(126);
	return 0;
}

static void usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [-f GLOB]... [-s SEED] [-t SECS] [-v] [-l] [-h]\n"
		"  -f GLOB  run the cases whose suite.case matches GLOB; a GLOB\n"
		"           without a dot may also match a suite name; repeatable\n"
		"  -s SEED  seed for kunit_seed() (default: time-based, printed)\n"
		"  -t SECS  fail the run when one case takes longer (default 600, 0: never)\n"
		"  -v       verbose: time and checks of every case\n"
		"  -l       long mode: cases may scale up (kunit_long())\n"
		"  -h       this help\n", prog);
}

static bool parse_ulong(const char *s, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 0);
	return !errno && *s && !*end;
}

int kunit_main(int argc, char **argv, struct kunit_suite *const *suites)
{
	struct kunit_stats totals = { 0 };
	struct timespec ts;
	unsigned long nr_suites = 0, nr = 0, secs;
	bool seeded = false;
	int opt, i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	runner_thread = pthread_self();
	runner_pid = getpid();
	while ((opt = getopt(argc, argv, "f:s:t:vlh")) != -1) {
		switch (opt) {
		case 'f':
			if (nr_filters == MAX_FILTERS) {
				printf("Bail out! more than %d -f options\n", MAX_FILTERS);
				return 1;
			}
			filters[nr_filters++] = optarg;
			break;
		case 's':
			if (!parse_ulong(optarg, &seed)) {
				printf("Bail out! bad seed \"%s\"\n", optarg);
				return 1;
			}
			seeded = true;
			break;
		case 't':
			if (!parse_ulong(optarg, &secs) || secs > 1000000) {
				printf("Bail out! bad timeout \"%s\"\n", optarg);
				return 1;
			}
			timeout_secs = secs;
			break;
		case 'v':
			verbose = true;
			break;
		case 'l':
			long_mode = true;
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			printf("Bail out! bad arguments\n");
			return 1;
		}
	}
	if (optind < argc) {
		usage(stderr, argv[0]);
		printf("Bail out! unexpected argument \"%s\"\n", argv[optind]);
		return 1;
	}
	if (!seeded) {
		clock_gettime(CLOCK_REALTIME, &ts);
		seed = ((unsigned long)ts.tv_sec ^ (unsigned long)ts.tv_nsec) & 0xffffffffUL;
	}

	for (i = 0; suites[i]; i++) {
		const struct kunit_case *kc;
		bool any = false;

		if (!suites[i]->name || !suites[i]->test_cases) {
			printf("Bail out! suite %d has no name or no cases\n", i);
			return 1;
		}
		if (i && strcmp(suites[i - 1]->name, suites[i]->name) >= 0) {
			printf("Bail out! tests/main.c: suites not sorted: \"%s\" before \"%s\"\n",
			       suites[i - 1]->name, suites[i]->name);
			return 1;
		}
		for (kc = suites[i]->test_cases; kc->run_case; kc++)
			any |= case_selected(suites[i], kc);
		nr_suites += any;
	}

	install_handlers();
	printf("KTAP version 1\n# seed: %lu\n1..%lu\n", seed, nr_suites);
	for (i = 0; suites[i]; i++) {
		const struct kunit_case *kc;

		for (kc = suites[i]->test_cases; kc->run_case; kc++)
			if (case_selected(suites[i], kc))
				break;
		if (kc->run_case)
			run_suite(suites[i], ++nr, &totals);
	}
	for (i = 0; i < (int)nr_failed_names; i++)
		printf("# failed: %s (rerun: -s %lu -f '%s')\n", failed_names[i], seed,
		       failed_names[i]);
	printf("# Totals: pass:%lu fail:%lu skip:%lu total:%lu\n", totals.pass, totals.fail,
	       totals.skip, totals.pass + totals.fail + totals.skip);
	printf("%lu passed, %lu failed, %lu skipped\n", totals.pass, totals.fail, totals.skip);
	return totals.fail ? 1 : 0;
}
