// SPDX-License-Identifier: GPL-2.0
/*
 * bench/pin_fast_bench.c - PIN_FAST_BENCHMARK of the kernel's gup_test
 * (tools/testing/selftests/mm/gup_test.c), against the simulated machine.
 *
 * Times pin_user_pages_fast() + unpin_user_pages() over 512 pages, called
 * in chunks of 1, 123 and 512 pages, with R/O and R/W pins, and, for
 * comparison, get_user_pages_fast() + put_page() per page (GUP_FAST_BENCHMARK).
 * Two backings: 512 small pages (touched by writes, MADV_NOHUGEPAGE) and
 * one PMD-mapped 2 MiB THP. Every case runs REPS times, interleaved with the
 * others, and the median is reported (ns/page), with the fastest single
 * 512-page round of all reps (best_ns/page: what the code costs while the
 * CPU is not taken away, on a shared machine): one parseable line per case
 *   bench: pin_fast checks=off backing=small chunk=123 op=pin_rw ns/page=...
 * then a goal table, judged on the median, with small get+put as the
 * reference floor (pass/fail is printed, never the exit status: a
 * benchmark records, it does not gate).
 *
 * The whole set runs twice, each on a machine of its own: checks=on, the
 * machine every test boots (the shadow pin count of small folios and the
 * per-frame event rings, see page_checks_enabled()), then checks=off
 * (sim_config.no_page_checks), the optimized path the goals are about.
 *
 *   pin_fast_bench [checks=on|checks=off]     both sets, or only one
 *   pin_fast_bench --callgrind ROUNDS [checks=on|checks=off]
 *	ROUNDS x (pin_user_pages_fast() + unpin_user_pages()) of the 512 small
 *	pages in cg_pin_small(), then of the 2 MiB folio in cg_pin_thp(), for
 *	valgrind --tool=callgrind --toggle-collect=cg_pin_small (default
 *	checks=off); see scripts/pin-callgrind.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <pinio/mm.h>
#include <pinio/sim.h>

#define NR_PAGES	512
#define REPS		5
#define PAGES_PER_SAMPLE (256UL * 1024)	/* pages grabbed per timed sample */

/*
 * OP_FLOOR is no GUP at all: per page, the three locked RMWs a small pin
 * and unpin must make (R-REF-2: try-add of 1 unless zero, add of 1023, then
 * the unpin's sub of 1024) on a counter of its own 64-byte line, as a
 * struct page has. It runs interleaved with the real cases, so the goal
 * table can show how much of a pin is the atomics the kernel itself makes.
 */
enum bench_op { OP_PIN_RO, OP_PIN_RW, OP_GET, NR_OPS, OP_FLOOR = NR_OPS };
enum bench_backing { BK_SMALL, BK_THP, NR_BACKINGS };

static const char *const op_names[NR_OPS] = { "pin_ro", "pin_rw", "get" };
static const char *const backing_names[NR_BACKINGS] = { "small", "thp" };
static const int chunks[] = { 1, 123, 512 };
#define NR_CHUNKS	((int)(sizeof(chunks) / sizeof(chunks[0])))

struct bench_case {
	enum bench_backing backing;
	int chunk;
	enum bench_op op;
	double grab[REPS], release[REPS];	/* ns per page */
	double best;	/* ns per page of the fastest single round, all reps */
};

static unsigned long base[NR_BACKINGS];
static struct page *pages[NR_PAGES];
static struct { int ref; } __attribute__((aligned(64))) floor_refs[NR_PAGES];
static int *floor_taken[NR_PAGES];
static const char *checks_name;	/* "on" or "off": the machine booted */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what, long v)
{
	fprintf(stderr, "pin_fast_bench: %s (%ld)\n", what, v);
	exit(1);
}

/* Grab all NR_PAGES pages of @c's backing in chunks; returns ns spent. */
static double grab_all(const struct bench_case *c)
{
	unsigned int flags = c->op == OP_PIN_RW ? FOLL_WRITE : 0;
	unsigned long addr = base[c->backing];
	double t0 = now_ns();
	int done, n, ret;

	if (c->op == OP_FLOOR) {
		for (done = 0; done < NR_PAGES; done++) {
			int *r = &floor_refs[done].ref, old = __atomic_load_n(r, __ATOMIC_RELAXED);

			do {
				if (!old)
					die("floor counter at zero", done);
			} while (!__atomic_compare_exchange_n(r, &old, old + 1, false,
							      __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
			__atomic_fetch_add(r, 1023, __ATOMIC_SEQ_CST);
			floor_taken[done] = r;
		}
		return now_ns() - t0;
	}
	for (done = 0; done < NR_PAGES; done += n) {
		n = NR_PAGES - done < c->chunk ? NR_PAGES - done : c->chunk;
		if (c->op == OP_GET)
			ret = get_user_pages_fast(addr + done * PAGE_SIZE, n, flags, pages + done);
		else
			ret = pin_user_pages_fast(addr + done * PAGE_SIZE, n, flags, pages + done);
		if (ret != n)
			die("short grab", ret);
	}
	return now_ns() - t0;
}

static double release_all(const struct bench_case *c)
{
	double t0 = now_ns();
	int i;

	if (c->op == OP_FLOOR) {
		for (i = 0; i < NR_PAGES; i++)
			if (__atomic_sub_fetch(floor_taken[i], 1024, __ATOMIC_SEQ_CST) <= 0)
				die("floor counter dropped to zero", i);
	} else if (c->op == OP_GET) {
		for (i = 0; i < NR_PAGES; i++)
			put_page(pages[i]);
	} else {
		unpin_user_pages(pages, NR_PAGES);
	}
	return now_ns() - t0;
}

static void sample(struct bench_case *c, int rep)
{
	unsigned long rounds = PAGES_PER_SAMPLE / NR_PAGES, r;
	double grab = 0, release = 0;

	for (r = 0; r < rounds; r++) {
		double g = grab_all(c), rel = release_all(c);

		grab += g;
		release += rel;
		if (!c->best || (g + rel) / NR_PAGES < c->best)
			c->best = (g + rel) / NR_PAGES;
	}
	c->grab[rep] = grab / (rounds * NR_PAGES);
	c->release[rep] = release / (rounds * NR_PAGES);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(const double *v)
{
	double s[REPS];

	memcpy(s, v, sizeof(s));
	qsort(s, REPS, sizeof(double), cmp_double);
	return s[REPS / 2];
}

static void map_backings(void)
{
	unsigned long a;
	struct page *p;

	a = sim_mmap(0, NR_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (IS_ERR_VALUE(a))
		die("mmap small", (long)a);
	if (sim_madvise(a, NR_PAGES * PAGE_SIZE, MADV_NOHUGEPAGE))
		die("madvise", 0);
	if (sim_user_memset(a, 's', NR_PAGES * PAGE_SIZE) != (ssize_t)(NR_PAGES * PAGE_SIZE))
		die("touch small", 0);
	base[BK_SMALL] = a;

	a = sim_mmap(0, PMD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (IS_ERR_VALUE(a))
		die("mmap thp", (long)a);
	if (sim_user_memset(a, 't', PMD_SIZE) != (ssize_t)PMD_SIZE)
		die("touch thp", 0);
	base[BK_THP] = a;

	/* Check the backings are what their names say. */
	if (get_user_pages_fast(base[BK_SMALL], 1, 0, &p) != 1 || folio_test_large(page_folio(p)))
		die("small backing is not small pages", 0);
	put_page(p);
	if (get_user_pages_fast(base[BK_THP], 1, 0, &p) != 1 ||
	    folio_order(page_folio(p)) != HPAGE_PMD_ORDER)
		die("thp backing is not a 2 MiB folio", 0);
	put_page(p);
}

static void boot(bool checks)
{
	const struct sim_config cfg = { .mem_bytes = 64UL << 20, .thp = true,
					.no_page_checks = !checks };

	if (sim_boot(&cfg))
		die("sim_boot", 0);
	checks_name = checks ? "on" : "off";
	map_backings();
}

static void shutdown(void)
{
	long leaks;

	sim_munmap(base[BK_SMALL], NR_PAGES * PAGE_SIZE);
	sim_munmap(base[BK_THP], PMD_SIZE);
	leaks = sim_shutdown();
	if (leaks)
		die("leaks at shutdown", leaks);
}

/* Whole 512-page pin+unpin rounds of @backing, 512 pages per call. */
static __attribute__((always_inline)) inline void pin_rounds(enum bench_backing backing,
							      long rounds)
{
	long r;

	for (r = 0; r < rounds; r++) {
		if (pin_user_pages_fast(base[backing], NR_PAGES, FOLL_WRITE, pages) != NR_PAGES)
			die("short pin", r);
		unpin_user_pages(pages, NR_PAGES);
	}
}

/* The callgrind workloads: only these functions are counted. */
__attribute__((noinline)) void cg_pin_small(long rounds);
__attribute__((noinline)) void cg_pin_thp(long rounds);

__attribute__((noinline)) void cg_pin_small(long rounds)
{
	pin_rounds(BK_SMALL, rounds);
}

__attribute__((noinline)) void cg_pin_thp(long rounds)
{
	pin_rounds(BK_THP, rounds);
}

static int run_callgrind(long rounds, bool checks)
{
	boot(checks);
	pin_rounds(BK_SMALL, 1);	/* warm: first-touch and lazy set-up */
	pin_rounds(BK_THP, 1);
	cg_pin_small(rounds);
	cg_pin_thp(rounds);
	printf("bench: pin_fast callgrind checks=%s rounds=%ld pages/round=%d\n", checks_name,
	       rounds, NR_PAGES);
	shutdown();
	return 0;
}

/* One full set of cases on a machine booted with or without page checks. */
static int run_set(bool checks)
{
	static const struct {
		enum bench_backing backing;
		double goal;
	} goals[] = { { BK_SMALL, 10.0 }, { BK_THP, 2.0 } };
	struct bench_case cases[NR_BACKINGS * NR_CHUNKS * NR_OPS + 1];
	int nr = 0, i, rep, g, fails = 0;

	boot(checks);
	for (i = 0; i < NR_PAGES; i++)
		floor_refs[i].ref = 1;	/* the mapping's reference */
	cases[nr++] = (struct bench_case){ .backing = BK_SMALL, .chunk = NR_PAGES, .op = OP_FLOOR };
	for (i = 0; i < NR_BACKINGS; i++) {
		int ci, op;

		for (ci = 0; ci < NR_CHUNKS; ci++)
			for (op = 0; op < NR_OPS; op++)
				cases[nr++] = (struct bench_case){ .backing = i, .chunk = chunks[ci],
								   .op = op };
	}
	/* Warm up once, then REPS interleaved rounds over all cases. */
	for (i = 0; i < nr; i++)
		sample(&cases[i], 0);
	for (rep = 0; rep < REPS; rep++)
		for (i = 0; i < nr; i++)
			sample(&cases[i], rep);

	for (i = 0; i < nr; i++) {
		const struct bench_case *c = &cases[i];
		double gm = median(c->grab), rm = median(c->release);

		if (c->op == OP_FLOOR) {
			printf("bench: pin_fast checks=%s ref=3rmw_floor ns/page=%.2f "
			       "best_ns/page=%.2f reps=%d pages=%lu\n", checks_name, gm + rm,
			       c->best, REPS, PAGES_PER_SAMPLE);
			continue;
		}
		printf("bench: pin_fast checks=%s backing=%s chunk=%d op=%s ns/page=%.2f "
		       "grab_ns/page=%.2f release_ns/page=%.2f best_ns/page=%.2f reps=%d "
		       "pages=%lu\n", checks_name, backing_names[c->backing],
		       c->chunk, op_names[c->op], gm + rm, gm, rm, c->best, REPS,
		       PAGES_PER_SAMPLE);
	}

	printf("\n%-6s %-7s %-7s %-6s %-12s %-12s %-8s %s\n", "checks", "backing", "op", "chunk",
	       "goal ns/page", "measured", "best", "result");
	for (g = 0; g < (int)(sizeof(goals) / sizeof(goals[0])); g++) {
		for (i = 0; i < nr; i++) {
			const struct bench_case *c = &cases[i];
			double m;

			if (c->backing != goals[g].backing || c->chunk != NR_PAGES ||
			    c->op == OP_GET || c->op == OP_FLOOR)
				continue;
			m = median(c->grab) + median(c->release);
			fails += m > goals[g].goal;
			printf("%-6s %-7s %-7s %-6d <= %-9.1f %-12.2f %-8.2f %s\n", checks_name,
			       backing_names[c->backing], op_names[c->op], c->chunk,
			       goals[g].goal, m, c->best, m <= goals[g].goal ? "pass" : "FAIL");
		}
	}
	/*
	 * The floors: get+put is two locked RMWs per page and a small pin
	 * needs three; "atomics" is those three alone, without any GUP.
	 */
	for (i = 0; i < nr; i++) {
		const struct bench_case *c = &cases[i];

		if (c->backing == BK_SMALL && c->chunk == NR_PAGES && c->op == OP_GET)
			printf("%-6s %-7s %-7s %-6d %-12s %-12.2f %-8.2f %s\n", checks_name,
			       "small", "get", c->chunk, "(reference)",
			       median(c->grab) + median(c->release), c->best,
			       "2 locked RMWs/page");
		if (c->op == OP_FLOOR)
			printf("%-6s %-7s %-7s %-6d %-12s %-12.2f %-8.2f %s\n", checks_name,
			       "-", "atomics", c->chunk, "(reference)",
			       median(c->grab) + median(c->release), c->best,
			       "the 3 locked RMWs of a small pin, no GUP");
	}
	printf("bench: pin_fast checks=%s goals %s (%d of 4 over goal; recorded, not enforced)\n\n",
	       checks_name, fails ? "missed" : "met", fails);
	shutdown();
	return 0;
}

int main(int argc, char **argv)
{
	bool on = true, off = true;
	long rounds = 0;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "checks=on")) {
			off = false;
		} else if (!strcmp(argv[i], "checks=off")) {
			on = false;
		} else if (!strcmp(argv[i], "--callgrind") && i + 1 < argc) {
			rounds = strtol(argv[++i], NULL, 10);
			if (rounds <= 0)
				die("--callgrind wants a round count", rounds);
		} else {
			fprintf(stderr, "usage: %s [--callgrind ROUNDS] [checks=on|checks=off]\n",
				argv[0]);
			return 2;
		}
	}
	if (!on && !off)
		die("checks=on and checks=off exclude each other", 0);
	if (rounds)
		return run_callgrind(rounds, on && !off ? true : false);
	if (on)
		run_set(true);
	if (off)
		run_set(false);
	return 0;
}
