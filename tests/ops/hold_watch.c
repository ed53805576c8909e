// SPDX-License-Identifier: GPL-2.0
/*
 * tests/ops/hold_watch.c - the hold watchdog of the random tester.
 *
 * The block ops hold async I/O at the device (SIM_IO_HOLD) until a
 * 'complete' op. An op the kernel makes wait for such I/O (I/O the model
 * should have completed first, or a held bio its own submitter waits for)
 * would hang the run. A thread per run watches each op; one still running
 * after the limit gets the bios of every disk it was told about released
 * (again every 100 ms, for bios held after that), and the op's end
 * reports how many and how long it had waited, so tests/ops/blk.c fails
 * it with kind "hold-wait": the run, its shrinking and its saved file end
 * with a reason instead of the runner's timeout.
 *
 *   main thread:  op_on ---- sim call waits on a held bio ........ op_off
 *   watchdog:          (limit passes) sim_disk_release() -> bio runs ^
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "sim/sim.h"
#include "tests/ops/interp.h"

#define WATCH_MAX_DISKS	8
#define WATCH_TICK_NS	(100L * 1000 * 1000)

struct ops_hold_watch {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
	bool busy;		/* an op (or the final checks) is running */
	double since;		/* when it started (CLOCK_MONOTONIC seconds) */
	double limit;		/* seconds */
	unsigned int ndisks;
	const char *disk[WATCH_MAX_DISKS];
	long released;		/* bios released during this op */
	double waited;		/* how long the op had run then */
};

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Release every watched disk's held bios; @w->lock held, dropped meanwhile. */
static long release_all(struct ops_hold_watch *w)
{
	const char *disk[WATCH_MAX_DISKS];
	unsigned int n = w->ndisks, i;
	long released = 0;
	int r;

	memcpy(disk, w->disk, sizeof(disk));
	pthread_mutex_unlock(&w->lock);
	for (i = 0; i < n; i++) {
		r = sim_disk_release(disk[i]);
		if (r > 0)
			released += r;
	}
	pthread_mutex_lock(&w->lock);
	return released;
}

static void *watch_thread(void *arg)
{
	struct ops_hold_watch *w = arg;

	pthread_mutex_lock(&w->lock);
	while (!w->stop) {
		struct timespec ts;
		double now = mono_now();

		if (w->busy && now - w->since > w->limit) {
			long n = release_all(w);

			if (n && w->busy) {
				w->released += n;
				w->waited = now - w->since;
			}
		}
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += WATCH_TICK_NS;
		if (ts.tv_nsec >= 1000L * 1000 * 1000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000L * 1000 * 1000;
		}
		pthread_cond_timedwait(&w->cond, &w->lock, &ts);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/**
 * ops_hold_watch_start() - start a run's watchdog.
 * @limit: seconds an op may run; <= 0: $PINIO_OPS_HOLD_WAIT, else
 *	OPS_HOLD_WAIT_SECS.
 * Return: the watchdog (aborts when no thread can be made).
 */
struct ops_hold_watch *ops_hold_watch_start(double limit)
{
	struct ops_hold_watch *w = calloc(1, sizeof(*w));
	const char *env = getenv("PINIO_OPS_HOLD_WAIT");
	pthread_condattr_t ca;

	if (!w)
		abort();
	w->limit = limit > 0 ? limit : env ? atof(env) : 0;
	if (w->limit <= 0)
		w->limit = OPS_HOLD_WAIT_SECS;
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&w->thread, NULL, watch_thread, w))
		abort();
	return w;
}

/**
 * ops_hold_watch_disk() - release @disk's bios too when an op overruns.
 * @w: the watchdog.
 * @disk: a disk name that outlives @w (a string constant).
 */
void ops_hold_watch_disk(struct ops_hold_watch *w, const char *disk)
{
	pthread_mutex_lock(&w->lock);
	if (w->ndisks < WATCH_MAX_DISKS)
		w->disk[w->ndisks++] = disk;
	pthread_mutex_unlock(&w->lock);
}

/**
 * ops_hold_watch_op() - an op starts (@on) or ends (!@on).
 * @w: the watchdog.
 * @on: starting.
 * @waited: out: how long the op had run when its bios were released.
 * Return: bios the watchdog released during the op (0 at the start).
 */
long ops_hold_watch_op(struct ops_hold_watch *w, bool on, double *waited)
{
	long released;

	pthread_mutex_lock(&w->lock);
	w->busy = on;
	if (on) {
		w->since = mono_now();
		w->released = 0;
		w->waited = 0;
	}
	released = w->released;
	*waited = w->waited;
	pthread_mutex_unlock(&w->lock);
	return released;
}

/**
 * ops_hold_watch_stop() - stop and free the watchdog (NULL: nothing).
 * @w: the watchdog.
 */
void ops_hold_watch_stop(struct ops_hold_watch *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
