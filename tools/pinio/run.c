// SPDX-License-Identifier: GPL-2.0
/*
 * tools/pinio/run.c - `pinio run`: fio-style jobs on the simulated machine.
 *
 * The flow: parse and check everything (jobfile.c) before anything is
 * created, so bad input exits 2 with nothing made; boot the machine,
 * create the one device, give every job clone its own task (address
 * space, descriptor table) on its own host thread; with --fs=simfs, make
 * and mount simfs on the device and create the jobs' files; lay out the
 * blocks a verifying job will read (on simfs, every file); ramp, run and measure; read back what a
 * write-only verifying job wrote; then check the machine (sim_check(),
 * DMA violations; with simfs, after each clone's fsync and the unmount),
 * shut it down (leaks) and print the report (output.c).
 *
 * Each clone keeps its own statistics and merges nothing until the end;
 * the only shared state while jobs run is the progress counters, which
 * are relaxed atomics read once a second by the main thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <pinio/pinio.h>

#include "pinio.h"
#include "run.h"
#include "verify.h"

#define MAX_VERIFY_REPORTS	5	/* verify failures printed per clone */
#define SAMPLE_NS		500000000ULL	/* fio's bw/iops sample window */
#define THP_SIZE		(2UL << 20)

enum clone_phase {
	PH_SETUP, PH_LAYOUT, PH_RAMP, PH_RUN, PH_VERIFY, PH_DONE,
};

struct run_ctx;

/* Per-clone rate windows (fio's bw_* and iops_* samples, every 500 ms). */
struct rate_sampler {
	uint64_t window_start;
	uint64_t bytes[NR_DIRS];
	uint64_t ios[NR_DIRS];
};

struct clone {
	struct run_ctx *ctx;
	const struct job *job;
	unsigned int job_idx;
	unsigned int clone_idx;
	struct task_struct *task;
	pthread_t thread;
	bool started;

	/* the region: nblocks blocks of bs from offset */
	uint64_t offset;
	uint64_t nblocks;
	uint32_t bs;
	unsigned int depth;		/* I/Os in flight at most */
	bool async;
	bool verify;

	/* verify state: the generation each block was last written with */
	uint32_t *gen;
	uint32_t next_gen;
	uint64_t *inflight_block;	/* per slot, UINT64_MAX when free */

	/* block order */
	uint64_t rng;
	uint64_t seq_next;
	uint64_t perm_counter;
	uint64_t perm_mask;
	unsigned int perm_bits;
	uint64_t perm_key[3];

	/* memory: simulated user addresses, and the host staging copy */
	unsigned long map_addr;
	size_t map_len;
	unsigned long buf;
	size_t buf_len;
	uint64_t stride;
	unsigned char *host;
	int fd;
	int buf_fd;			/* --buffer=file-mmap: the mapped file */
	char path[JOB_PATH_MAX + 16];	/* the device node or the file on simfs */

	/* per-slot timing of async I/O */
	uint64_t *t_start;
	uint64_t *t_issued;
	uint64_t *slot_off;
	bool *slot_write;

	struct job_report rep;
	struct rate_sampler rs;
	unsigned int verify_reported;
	struct rusage ru0;

	/* progress, read by the main thread */
	_Atomic uint64_t p_bytes[NR_DIRS];
	_Atomic uint64_t p_ios[NR_DIRS];
	_Atomic int phase;
	_Atomic uint64_t phase_start_ns;
};

struct run_ctx {
	const struct run_opts *opts;
	FILE *err;
	char devpath[40];
	struct clone *clones;
	unsigned int nr_clones;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int nr_ready;
	unsigned int nr_done;
	bool go;
};

static volatile sig_atomic_t run_interrupted;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* ---- random numbers and block order ---------------------------------------- */

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void perm_rekey(struct clone *c)
{
	unsigned int i;

	for (i = 0; i < 3; i++)
		c->perm_key[i] = splitmix64(&c->rng) & c->perm_mask;
}

/* A bijection on perm_bits-bit numbers: adds, odd multiplies, xorshifts. */
static uint64_t perm_apply(const struct clone *c, uint64_t x)
{
	unsigned int s = c->perm_bits / 2 + 1;
	uint64_t m = c->perm_mask;

	x = (x + c->perm_key[0]) & m;
	x = (x * (c->perm_key[1] | 1)) & m;
	x ^= x >> s;
	x = (x + c->perm_key[2]) & m;
	x = (x * 0x2545f4914f6cdd1dULL) & m;
	x ^= x >> s;
	return x;
}

/*
 * The next random block: every block once per pass over the region, as
 * fio's random map gives (a new order each pass).
 */
static uint64_t next_random_block(struct clone *c)
{
	for (;;) {
		uint64_t v = perm_apply(c, c->perm_counter & c->perm_mask);

		c->perm_counter++;
		if (!(c->perm_counter & c->perm_mask))
			perm_rekey(c);
		if (v < c->nblocks)
			return v;
	}
}

static bool block_in_flight(const struct clone *c, uint64_t b)
{
	unsigned int i;

	for (i = 0; i < c->depth; i++)
		if (c->inflight_block[i] == b)
			return true;
	return false;
}

static uint64_t pick_block(struct clone *c)
{
	unsigned int tries;
	uint64_t b = 0;

	for (tries = 0; tries < 64; tries++) {
		if (job_rw_random(c->job->rw)) {
			b = next_random_block(c);
		} else {
			b = c->seq_next;
			c->seq_next = (c->seq_next + 1) % c->nblocks;
		}
		/* A verifying clone never has two I/Os on one block at once. */
		if (!c->verify || c->depth == 1 || !block_in_flight(c, b))
			return b;
	}
	return UINT64_MAX;
}

static bool pick_write(struct clone *c)
{
	switch (c->job->rw) {
	case JOB_RW_READ:
	case JOB_RW_RANDREAD:
		return false;
	case JOB_RW_WRITE:
	case JOB_RW_RANDWRITE:
		return true;
	default:
		return splitmix64(&c->rng) % 100 >= c->job->rwmixread;
	}
}

/* ---- errors and verify ------------------------------------------------------ */

static const char *errname(long e)
{
	return strerror((int)(e < 0 ? -e : e));
}

static void clone_fail(struct clone *c, long error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void clone_fail(struct clone *c, long error, const char *fmt, ...)
{
	va_list ap;

	if (c->rep.error)
		return;
	c->rep.error = error ? (int)error : -EIO;
	va_start(ap, fmt);
	vsnprintf(c->rep.errmsg, sizeof(c->rep.errmsg), fmt, ap);
	va_end(ap);
}

#define GEN_UNKNOWN	UINT32_MAX	/* a write failed: the block holds anything */

static bool all_zero(const unsigned char *p, size_t len)
{
	static const unsigned char zero[4096];

	while (len) {
		size_t n = len < sizeof(zero) ? len : sizeof(zero);

		if (memcmp(p, zero, n))
			return false;
		p += n;
		len -= n;
	}
	return true;
}

/*
 * Check block @b read into host memory at @data: against its header and
 * the generation last written; a block never written on a ram device
 * must read as zeros (brd's unwritten sectors). A block whose last write
 * failed, or never written on a file device, is not checked.
 */
static void check_block(struct clone *c, uint64_t b, const unsigned char *data)
{
	uint64_t off = c->offset + b * c->bs;
	char why[128];

	if (c->gen[b] == GEN_UNKNOWN)
		return;
	if (!c->gen[b]) {
		if (c->ctx->opts->dev_kind != RUN_DEV_RAM)
			return;
		c->rep.verified++;
		if (all_zero(data, c->bs))
			return;
		snprintf(why, sizeof(why), "never written, but does not read as zeros");
	} else {
		c->rep.verified++;
		if (!verify_check(data, c->bs, off, c->gen[b], why, sizeof(why)))
			return;
	}
	c->rep.verify_failures++;
	if (c->verify_reported++ < MAX_VERIFY_REPORTS)
		fprintf(c->ctx->err, "pinio: verify: job %s (clone %u): block at offset %llu: %s\n",
			c->job->name, c->clone_idx, (unsigned long long)off, why);
}

/* The generation of the next write: never 0 (unwritten) or GEN_UNKNOWN. */
static uint32_t take_gen(struct clone *c)
{
	uint32_t gen = c->next_gen++;

	if (c->next_gen == GEN_UNKNOWN)
		c->next_gen = 1;
	return gen;
}

/* ---- one synchronous I/O ------------------------------------------------------ */

static ssize_t sync_io(struct clone *c, bool write, unsigned long addr, size_t len, uint64_t off)
{
	struct iovec iov = { .iov_base = (void *)addr, .iov_len = len };

	if (c->ctx->opts->engine == RUN_ENGINE_PASSTHROUGH) {
		ssize_t ret = sim_passthrough(c->fd, write, &iov, 1, off >> 9);

		return ret;
	}
	if (c->job->ioengine == JOB_IOENGINE_PVSYNC)
		return write ? sim_pwritev(c->fd, &iov, 1, (off_t)off)
			     : sim_preadv(c->fd, &iov, 1, (off_t)off);
	return write ? sim_pwrite(c->fd, addr, len, (off_t)off)
		     : sim_pread(c->fd, addr, len, (off_t)off);
}

/* ---- statistics ------------------------------------------------------------- */

static unsigned int depth_bucket(unsigned int depth)
{
	unsigned int b = 0;

	while (depth > 1 && b < NR_DEPTH_BUCKETS - 1) {
		depth >>= 1;
		b++;
	}
	return b;
}

static void sample_rates(struct clone *c, uint64_t now, bool final)
{
	struct rate_sampler *rs = &c->rs;
	uint64_t span = now - rs->window_start;
	int d;

	if (!final && span < SAMPLE_NS)
		return;
	if (span < SAMPLE_NS / 5 && final)
		return;		/* too short a tail to be a sample */
	for (d = 0; d < NR_DIRS; d++) {
		if (!c->rep.dir[d].ios)
			continue;
		lat_stat_add(&c->rep.dir[d].bw_samples,
			     (uint64_t)((double)rs->bytes[d] * 1e9 / 1024 / (double)span));
		lat_stat_add(&c->rep.dir[d].iops_samples,
			     (uint64_t)((double)rs->ios[d] * 1e9 / (double)span));
		rs->bytes[d] = 0;
		rs->ios[d] = 0;
	}
	rs->window_start = now;
}

static void account(struct clone *c, bool write, uint64_t t0, uint64_t t1, uint64_t t2,
		    bool record)
{
	int d = write ? DIR_WRITE : DIR_READ;
	struct dir_stats *ds = &c->rep.dir[d];

	atomic_fetch_add_explicit(&c->p_bytes[d], c->bs, memory_order_relaxed);
	atomic_fetch_add_explicit(&c->p_ios[d], 1, memory_order_relaxed);
	if (!record)
		return;
	ds->ios++;
	ds->bytes += c->bs;
	if (c->async)
		lat_stat_add(&ds->slat, t1 - t0);
	lat_stat_add(&ds->clat, t2 - t1);
	lat_hist_add(&ds->clat_hist, t2 - t1);
	lat_stat_add(&ds->lat, t2 - t0);
	lat_hist_add(&ds->lat_hist, t2 - t0);
	c->rs.bytes[d] += c->bs;
	c->rs.ios[d]++;
	sample_rates(c, t2, false);
}

/* ---- preparing and finishing one block I/O ------------------------------------ */

static unsigned long slot_addr(const struct clone *c, unsigned int slot)
{
	return c->buf + slot * c->stride;
}

/* Fill the slot for a write of block @b (verify), or drop its pages (untouched). */
static int prepare_io(struct clone *c, unsigned int slot, bool write, uint64_t b)
{
	unsigned long addr = slot_addr(c, slot);
	unsigned char *h = c->host + (size_t)slot * c->bs;
	ssize_t ret;

	if (c->ctx->opts->buffer == RUN_BUFFER_UNTOUCHED) {
		int e = sim_madvise(addr, c->stride, MADV_DONTNEED);

		if (e) {
			clone_fail(c, e, "madvise(MADV_DONTNEED): %s", errname(e));
			return -1;
		}
	}
	if (write && c->verify) {
		uint32_t gen = take_gen(c);

		verify_fill(h, c->bs, c->offset + b * c->bs, gen, c->job->randseed);
		ret = sim_user_write(addr, h, c->bs);
		if (ret != (ssize_t)c->bs) {
			clone_fail(c, ret < 0 ? ret : -EFAULT, "writing the buffer: %s",
				   errname(ret < 0 ? ret : -EFAULT));
			return -1;
		}
	}
	return 0;
}

/* An I/O of block @b in @slot ended with @res. */
static void finish_io(struct clone *c, unsigned int slot, bool write, uint64_t b, int64_t res)
{
	uint64_t off = c->offset + b * c->bs;
	unsigned char *h = c->host + (size_t)slot * c->bs;

	if (res != (int64_t)c->bs) {
		if (res >= 0)
			c->rep.dir[write].short_ios++;
		if (c->verify && write)
			c->gen[b] = GEN_UNKNOWN;
		clone_fail(c, res < 0 ? res : -EIO, "%s of %u bytes at offset %llu: %s",
			   write ? "write" : "read", c->bs, (unsigned long long)off,
			   res < 0 ? errname(res) : "short transfer");
		return;
	}
	if (!c->verify)
		return;
	if (write) {
		uint32_t gen;

		memcpy(&gen, h + 20, sizeof(gen));
		c->gen[b] = gen;
		return;
	}
	if (sim_user_read(slot_addr(c, slot), h, c->bs) != (ssize_t)c->bs) {
		clone_fail(c, -EFAULT, "reading the buffer back failed");
		return;
	}
	check_block(c, b, h);
}

/* ---- the I/O loops ---------------------------------------------------------- */

/* Whether the phase may issue another I/O. */
static bool keep_going(struct clone *c, uint64_t now, uint64_t deadline, uint64_t issued,
		       uint64_t limit)
{
	if (c->rep.error || run_interrupted)
		return false;
	if (deadline && now >= deadline)
		return false;
	return !limit || issued < limit;
}

static void sync_loop(struct clone *c, uint64_t deadline, uint64_t limit, bool record)
{
	uint64_t issued = 0;

	while (keep_going(c, now_ns(), deadline, issued, limit)) {
		bool write = pick_write(c);
		uint64_t b = pick_block(c), t0, t2;
		ssize_t res;

		if (prepare_io(c, 0, write, b))
			return;
		t0 = now_ns();
		res = sync_io(c, write, slot_addr(c, 0), c->bs, c->offset + b * c->bs);
		t2 = now_ns();
		c->rep.submits++;
		if (record)
			c->rep.depth[0]++;
		issued += c->bs;
		finish_io(c, 0, write, b, res);
		if (res == (ssize_t)c->bs)
			account(c, write, t0, t0, t2, record);
	}
}

static void async_loop(struct clone *c, struct sim_aio *ring, uint64_t deadline, uint64_t limit,
		       bool record)
{
	int64_t *res = calloc(c->depth, sizeof(*res));
	uint64_t *tags = calloc(c->depth, sizeof(*tags));
	unsigned int inflight = 0, i, free_slot = 0;
	uint64_t issued = 0;

	if (!res || !tags) {
		clone_fail(c, -ENOMEM, "out of memory");
		goto out;
	}
	for (;;) {
		uint64_t now = now_ns();
		int n;

		while (inflight < c->depth && keep_going(c, now, deadline, issued, limit)) {
			bool write = pick_write(c);
			uint64_t b = pick_block(c);
			unsigned int slot;
			int ret;

			if (b == UINT64_MAX)
				break;	/* every candidate is in flight: reap first */
			for (slot = free_slot; c->inflight_block[slot] != UINT64_MAX;)
				slot = (slot + 1) % c->depth;
			free_slot = (slot + 1) % c->depth;
			if (prepare_io(c, slot, write, b))
				break;
			c->t_start[slot] = now_ns();
			ret = sim_aio_submit(ring, c->fd, write, slot_addr(c, slot), c->bs,
					     (off_t)(c->offset + b * c->bs), slot);
			now = now_ns();
			if (ret) {
				clone_fail(c, ret, "%s submit at offset %llu: %s",
					   write ? "write" : "read",
					   (unsigned long long)(c->offset + b * c->bs), errname(ret));
				break;
			}
			c->t_issued[slot] = now;
			c->inflight_block[slot] = b;
			c->slot_write[slot] = write;
			inflight++;
			issued += c->bs;
			c->rep.submits++;
			if (record)
				c->rep.depth[depth_bucket(inflight)]++;
		}
		if (!inflight)
			break;
		n = sim_aio_reap(ring, 1, c->depth, res, tags);
		now = now_ns();
		for (i = 0; i < (unsigned int)(n > 0 ? n : 0); i++) {
			unsigned int slot = (unsigned int)tags[i];
			uint64_t b = c->inflight_block[slot];
			bool write = c->slot_write[slot];

			finish_io(c, slot, write, b, res[i]);
			if (res[i] == (int64_t)c->bs)
				account(c, write, c->t_start[slot], c->t_issued[slot], now, record);
			c->inflight_block[slot] = UINT64_MAX;
			inflight--;
		}
		if (n <= 0) {
			clone_fail(c, n < 0 ? n : -EIO, "reaping completions: %s",
				   errname(n < 0 ? n : -EIO));
			break;
		}
	}
out:
	free(res);
	free(tags);
}

/* Run one phase: until @deadline (0: none) or @limit bytes issued (0: none). */
static void io_phase(struct clone *c, struct sim_aio *ring, uint64_t deadline, uint64_t limit,
		     bool record)
{
	if (c->async)
		async_loop(c, ring, deadline, limit, record);
	else
		sync_loop(c, deadline, limit, record);
}

/*
 * Lay out every block of the region with a verify header before reads
 * check them (fio's layout of a file), or read back everything a
 * write-only job wrote (fio's verify phase): whole chunks, synchronously.
 */
static void sweep(struct clone *c, bool write)
{
	uint64_t per = c->buf_len / c->bs, b = 0, k;

	while (b < c->nblocks && !c->rep.error && !run_interrupted) {
		uint64_t n = c->nblocks - b < per ? c->nblocks - b : per;
		uint64_t off = c->offset + b * c->bs;
		size_t len = (size_t)(n * c->bs);
		ssize_t ret;

		if (write) {
			for (k = 0; k < n; k++) {
				uint32_t gen = take_gen(c);

				verify_fill(c->host + k * c->bs, c->bs, off + k * c->bs, gen,
					    c->job->randseed);
				c->gen[b + k] = gen;
			}
			ret = sim_user_write(c->buf, c->host, len);
			if (ret != (ssize_t)len) {
				clone_fail(c, -EFAULT, "writing the layout buffer failed");
				return;
			}
			ret = sim_pwrite(c->fd, c->buf, len, (off_t)off);
		} else {
			ret = sim_pread(c->fd, c->buf, len, (off_t)off);
		}
		if (ret != (ssize_t)len) {
			clone_fail(c, ret < 0 ? ret : -EIO, "%s of %zu bytes at offset %llu: %s",
				   write ? "layout write" : "verify read", len,
				   (unsigned long long)off, ret < 0 ? errname(ret) : "short transfer");
			return;
		}
		atomic_fetch_add_explicit(&c->p_bytes[write], len, memory_order_relaxed);
		if (write) {
			c->rep.prefilled += n;
		} else {
			if (sim_user_read(c->buf, c->host, len) != (ssize_t)len) {
				clone_fail(c, -EFAULT, "reading the verify buffer failed");
				return;
			}
			for (k = 0; k < n; k++)
				check_block(c, b + k, c->host + k * c->bs);
		}
		b += n;
	}
}

/* ---- a clone's life ----------------------------------------------------------- */

static void set_phase(struct clone *c, enum clone_phase ph)
{
	atomic_store_explicit(&c->phase_start_ns, now_ns(), memory_order_relaxed);
	atomic_store_explicit(&c->phase, ph, memory_order_relaxed);
}

/* Map and (unless untouched) fault in and fill the clone's buffers. */
static int clone_map(struct clone *c)
{
	const struct run_opts *o = c->ctx->opts;
	int flags = o->buffer == RUN_BUFFER_SHARED ? MAP_SHARED : MAP_PRIVATE;
	size_t len = c->buf_len;
	unsigned long addr;
	ssize_t ret;
	size_t i;

	if (o->buffer == RUN_BUFFER_THP)
		len += THP_SIZE;
	if (o->buffer == RUN_BUFFER_FILE_MMAP) {
		/* The buffers are a shared mapping of a second file on simfs. */
		char path[64];
		int e;

		job_buffer_file_path(c->job_idx, c->clone_idx, path, sizeof(path));
		c->buf_fd = sim_open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
		if (c->buf_fd < 0) {
			clone_fail(c, c->buf_fd, "open %s: %s", path, errname(c->buf_fd));
			return -1;
		}
		e = sim_ftruncate(c->buf_fd, (off_t)len);
		if (e) {
			clone_fail(c, e, "ftruncate %s: %s", path, errname(e));
			return -1;
		}
		addr = sim_mmap(0, len, PROT_READ | PROT_WRITE, MAP_SHARED, c->buf_fd, 0);
	} else {
		addr = sim_mmap(0, len, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);
	}
	if (IS_ERR_VALUE(addr)) {
		clone_fail(c, (long)addr, "mmap of %zu bytes: %s", len, errname((long)addr));
		return -1;
	}
	c->map_addr = addr;
	c->map_len = len;
	c->buf = addr;
	if (o->buffer == RUN_BUFFER_THP) {
		/* Trim to a 2 MiB-aligned range so that whole huge pages back it. */
		unsigned long start = (addr + THP_SIZE - 1) & ~(THP_SIZE - 1);

		if (start > addr)
			sim_munmap(addr, start - addr);
		if (start + c->buf_len < addr + len)
			sim_munmap(start + c->buf_len, addr + len - start - c->buf_len);
		c->map_addr = c->buf = start;
		c->map_len = c->buf_len;
		sim_madvise(c->buf, c->buf_len, MADV_HUGEPAGE);
	}
	if (o->buffer == RUN_BUFFER_UNTOUCHED)
		return 0;
	/* fio fills its buffers with random data once; so do we. */
	for (i = 0; i + 8 <= c->buf_len; i += 8) {
		uint64_t v = splitmix64(&c->rng);

		memcpy(c->host + i, &v, 8);
	}
	ret = sim_user_write(c->buf, c->host, c->buf_len);
	if (ret != (ssize_t)c->buf_len) {
		clone_fail(c, ret < 0 ? ret : -EFAULT, "filling the buffers: %s",
			   errname(ret < 0 ? ret : -EFAULT));
		return -1;
	}
	return 0;
}

static void clone_ready(struct clone *c)
{
	struct run_ctx *ctx = c->ctx;

	pthread_mutex_lock(&ctx->lock);
	ctx->nr_ready++;
	pthread_cond_broadcast(&ctx->cond);
	while (!ctx->go)
		pthread_cond_wait(&ctx->cond, &ctx->lock);
	pthread_mutex_unlock(&ctx->lock);
}

static void *clone_main(void *arg)
{
	struct clone *c = arg;
	const struct job *job = c->job;
	struct sim_aio *ring = NULL;
	uint64_t t_start, t_run, t_end, deadline;
	struct rusage ru1;
	bool ready = false;

	sim_task_switch(c->task);
	getrusage(RUSAGE_THREAD, &c->ru0);
	c->fd = sim_open(c->path, O_RDWR | (job->direct ? O_DIRECT : 0), 0);
	if (c->fd < 0) {
		clone_fail(c, c->fd, "open %s: %s", c->path, errname(c->fd));
		goto out;
	}
	if (clone_map(c))
		goto out;
	if (c->async) {
		ring = sim_aio_create(c->depth);
		if (IS_ERR(ring)) {
			clone_fail(c, PTR_ERR(ring), "creating the ring: %s", errname(PTR_ERR(ring)));
			ring = NULL;
			goto out;
		}
	}
	clone_ready(c);
	ready = true;

	t_start = now_ns();
	/*
	 * A file device holds unknown data: lay out what the job will read.
	 * A verifying job's file on simfs (written whole, in order, by
	 * setup_simfs()) gets its headers the same way.
	 */
	if (c->verify && job_rw_reads(job->rw) &&
	    (c->ctx->opts->dev_kind == RUN_DEV_FILE || c->ctx->opts->fs == RUN_FS_SIMFS)) {
		set_phase(c, PH_LAYOUT);
		sweep(c, true);
	}
	if (job->ramp_ns && !c->rep.error) {
		set_phase(c, PH_RAMP);
		io_phase(c, ring, now_ns() + job->ramp_ns, 0, false);
	}
	set_phase(c, PH_RUN);
	t_run = now_ns();
	c->rs.window_start = t_run;
	deadline = job->runtime_ns ? t_run + job->runtime_ns : 0;
	if (!c->rep.error)
		io_phase(c, ring, deadline,
			 job->time_based ? 0 : (c->verify ? c->nblocks * c->bs : job->size),
			 true);
	t_end = now_ns();
	sample_rates(c, t_end, true);
	c->rep.runtime_ns = t_end - t_run;
	if (c->verify && !job_rw_reads(job->rw) && !c->rep.error) {
		set_phase(c, PH_VERIFY);
		sweep(c, false);
	}
	c->rep.elapsed_ns = now_ns() - t_start;
out:
	if (!ready)
		clone_ready(c);
	if (ring)
		sim_aio_destroy(ring);
	if (c->map_len)
		sim_munmap(c->map_addr, c->map_len);
	if (c->buf_fd >= 0)
		sim_close(c->buf_fd);
	/* A file on simfs: what the job wrote is made durable before the unmount. */
	if (c->fd >= 0 && c->ctx->opts->fs == RUN_FS_SIMFS && !run_interrupted) {
		int e = sim_fsync(c->fd);

		if (e)
			clone_fail(c, e, "fsync %s: %s", c->path, errname(e));
	}
	if (c->fd >= 0)
		sim_close(c->fd);
	getrusage(RUSAGE_THREAD, &ru1);
	c->rep.usr_sec = (double)(ru1.ru_utime.tv_sec - c->ru0.ru_utime.tv_sec) +
			 (double)(ru1.ru_utime.tv_usec - c->ru0.ru_utime.tv_usec) / 1e6;
	c->rep.sys_sec = (double)(ru1.ru_stime.tv_sec - c->ru0.ru_stime.tv_sec) +
			 (double)(ru1.ru_stime.tv_usec - c->ru0.ru_stime.tv_usec) / 1e6;
	c->rep.ctx = (uint64_t)((ru1.ru_nvcsw - c->ru0.ru_nvcsw) + (ru1.ru_nivcsw - c->ru0.ru_nivcsw));
	sim_task_exit(c->task);
	c->task = NULL;
	set_phase(c, PH_DONE);
	pthread_mutex_lock(&c->ctx->lock);
	c->ctx->nr_done++;
	pthread_cond_broadcast(&c->ctx->cond);
	pthread_mutex_unlock(&c->ctx->lock);
	return NULL;
}

/* ---- setting clones up ---------------------------------------------------------- */

static int clone_setup(struct run_ctx *ctx, struct clone *c, const struct job *job,
		       unsigned int job_idx, unsigned int clone_idx)
{
	const struct run_opts *o = ctx->opts;
	uint64_t nblocks = job->size / job->bs;
	unsigned int i;

	c->ctx = ctx;
	c->job = job;
	c->job_idx = job_idx;
	c->clone_idx = clone_idx;
	c->fd = -1;
	c->buf_fd = -1;
	if (o->fs == RUN_FS_SIMFS)
		job_file_path(job, clone_idx, c->path, sizeof(c->path));	/* checked by job_validate() */
	else
		snprintf(c->path, sizeof(c->path), "%s", ctx->devpath);
	c->bs = (uint32_t)job->bs;
	c->verify = job->verify != JOB_VERIFY_NONE;
	c->async = job_ioengine_async(job->ioengine) && o->engine != RUN_ENGINE_PASSTHROUGH;
	c->depth = c->async ? job->iodepth : 1;
	c->offset = job->offset;
	c->nblocks = nblocks;
	if (c->verify && job_clones_share_file(o, job)) {
		/* Each clone verifies its own slice, so no clone overwrites another's. */
		c->nblocks = nblocks / job->numjobs;
		c->offset = job->offset + clone_idx * c->nblocks * job->bs;
	}
	if (c->depth > c->nblocks && c->verify)
		c->depth = (unsigned int)c->nblocks;
	c->rng = job->randseed ^ ((uint64_t)job_idx << 40) ^ ((uint64_t)clone_idx << 20);
	splitmix64(&c->rng);
	for (c->perm_bits = 1; (1ULL << c->perm_bits) < c->nblocks; c->perm_bits++)
		;
	c->perm_mask = (1ULL << c->perm_bits) - 1;
	perm_rekey(c);
	c->next_gen = 1;
	c->stride = o->buffer == RUN_BUFFER_UNTOUCHED ? (c->bs + 4095ULL) / 4096 * 4096 : c->bs;
	c->buf_len = (size_t)job_buffer_bytes(o, job);
	c->host = calloc(1, c->buf_len);
	c->inflight_block = calloc(c->depth, sizeof(*c->inflight_block));
	c->t_start = calloc(c->depth, sizeof(*c->t_start));
	c->t_issued = calloc(c->depth, sizeof(*c->t_issued));
	c->slot_off = calloc(c->depth, sizeof(*c->slot_off));
	c->slot_write = calloc(c->depth, sizeof(*c->slot_write));
	if (c->verify)
		c->gen = calloc(c->nblocks, sizeof(*c->gen));
	if (!c->host || !c->inflight_block || !c->t_start || !c->t_issued || !c->slot_off ||
	    !c->slot_write || (c->verify && !c->gen))
		return -ENOMEM;
	for (i = 0; i < c->depth; i++)
		c->inflight_block[i] = UINT64_MAX;
	snprintf(c->rep.name, sizeof(c->rep.name), "%s", job->name);
	c->rep.job = job;
	c->rep.nr_clones = 1;
	c->task = sim_task_create();
	if (!c->task)
		return -ENOMEM;
	c->rep.pid = sim_task_pid(c->task);
	return 0;
}

static void clone_free(struct clone *c)
{
	free(c->host);
	free(c->inflight_block);
	free(c->t_start);
	free(c->t_issued);
	free(c->slot_off);
	free(c->slot_write);
	free(c->gen);
	if (c->task)
		sim_task_exit(c->task);
}

/* ---- the progress line ------------------------------------------------------------ */

static char phase_char(const struct clone *c, int ph)
{
	bool rnd = job_rw_random(c->job->rw);

	switch (ph) {
	case PH_SETUP:
	case PH_LAYOUT:
		return 'P';
	case PH_VERIFY:
		return 'V';
	case PH_DONE:
		return '_';
	default:
		break;
	}
	if (!job_rw_writes(c->job->rw))
		return rnd ? 'r' : 'R';
	if (!job_rw_reads(c->job->rw))
		return rnd ? 'w' : 'W';
	return rnd ? 'm' : 'M';
}

struct progress {
	uint64_t last_ns;
	uint64_t last_bytes[NR_DIRS];
	uint64_t last_ios[NR_DIRS];
	int width;
};

static void progress_line(FILE *f, struct run_ctx *ctx, struct progress *p, uint64_t start)
{
	uint64_t now = now_ns(), bytes[NR_DIRS] = { 0 }, ios[NR_DIRS] = { 0 }, eta_ns = 0;
	double span = (double)(now - p->last_ns) / 1e9, frac_sum = 0;
	char line[256], status[48], a[16], b[16], c2[16], d[16];
	unsigned int i, running = 0, n = 0, shown = 0;
	int len;

	for (i = 0; i < ctx->nr_clones; i++) {
		struct clone *c = &ctx->clones[i];
		int ph = atomic_load_explicit(&c->phase, memory_order_relaxed);
		uint64_t since = now - atomic_load_explicit(&c->phase_start_ns, memory_order_relaxed);
		const struct job *job = c->job;
		int dd;

		for (dd = 0; dd < NR_DIRS; dd++) {
			bytes[dd] += atomic_load_explicit(&c->p_bytes[dd], memory_order_relaxed);
			ios[dd] += atomic_load_explicit(&c->p_ios[dd], memory_order_relaxed);
		}
		if (ph != PH_DONE)
			running++;
		if (shown < 8 && n + 2 < sizeof(status))
			status[n++] = phase_char(c, ph), shown++;
		if (ph == PH_DONE) {
			frac_sum += 1;
		} else if (ph == PH_RUN && job->runtime_ns) {
			double fr = (double)since / (double)job->runtime_ns;

			frac_sum += fr > 1 ? 1 : fr;
			if (job->runtime_ns > since && job->runtime_ns - since > eta_ns)
				eta_ns = job->runtime_ns - since;
		} else if (ph == PH_RAMP && job->ramp_ns > since) {
			if (job->ramp_ns - since + job->runtime_ns > eta_ns)
				eta_ns = job->ramp_ns - since + job->runtime_ns;
		}
	}
	if (ctx->nr_clones > shown && n + 4 < sizeof(status))
		status[n++] = '.', status[n++] = '.';
	status[n] = '\0';
	len = snprintf(line, sizeof(line),
		       "Jobs: %u (f=%u): [%s][%.1f%%][r=%sB/s,w=%sB/s][r=%s,w=%s IOPS][pins %llu][eta %02llum:%02llus]",
		       running, running, status, 100.0 * frac_sum / ctx->nr_clones,
		       output_num((double)(bytes[0] - p->last_bytes[0]) / span, true, a, sizeof(a)),
		       output_num((double)(bytes[1] - p->last_bytes[1]) / span, true, b, sizeof(b)),
		       output_num((double)(ios[0] - p->last_ios[0]) / span, false, c2, sizeof(c2)),
		       output_num((double)(ios[1] - p->last_ios[1]) / span, false, d, sizeof(d)),
		       (unsigned long long)(sim_vmstat("nr_foll_pin_acquired") -
					    sim_vmstat("nr_foll_pin_released")),
		       (unsigned long long)(eta_ns / 60000000000ULL),
		       (unsigned long long)(eta_ns / 1000000000ULL % 60));
	(void)start;
	fprintf(f, "\r%s%*s", line, p->width > len ? p->width - len : 0, "");
	fflush(f);
	p->width = len;
	p->last_ns = now;
	memcpy(p->last_bytes, bytes, sizeof(bytes));
	memcpy(p->last_ios, ios, sizeof(ios));
}

static void progress_clear(FILE *f, struct progress *p)
{
	if (p->width) {
		fprintf(f, "\r%*s\r", p->width, "");
		fflush(f);
	}
}

/* Wait for every clone, drawing the progress line about once a second on a tty. */
static void wait_clones(struct run_ctx *ctx, FILE *out, bool tty)
{
	struct progress p = { .last_ns = now_ns() };
	uint64_t start = p.last_ns, next = start + 1000000000ULL;

	pthread_mutex_lock(&ctx->lock);
	while (ctx->nr_done < ctx->nr_clones) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&ctx->cond, &ctx->lock, &ts);
		if (tty && now_ns() >= next && ctx->nr_done < ctx->nr_clones) {
			pthread_mutex_unlock(&ctx->lock);
			progress_line(out, ctx, &p, start);
			next += 1000000000ULL;
			pthread_mutex_lock(&ctx->lock);
		}
	}
	pthread_mutex_unlock(&ctx->lock);
	if (tty)
		progress_clear(out, &p);
}

/* ---- the ledger ------------------------------------------------------------------- */

struct counter_snap {
	unsigned int nr;
	struct {
		char name[40];
		unsigned long val;
	} v[64];
};

static void snap_cb(const char *name, unsigned long val, void *arg)
{
	struct counter_snap *s = arg;

	if (s->nr >= sizeof(s->v) / sizeof(s->v[0]))
		return;
	snprintf(s->v[s->nr].name, sizeof(s->v[s->nr].name), "%s", name);
	s->v[s->nr].val = val;
	s->nr++;
}

static unsigned long snap_get(const struct counter_snap *s, const char *name)
{
	unsigned int i;

	for (i = 0; i < s->nr; i++)
		if (!strcmp(s->v[i].name, name))
			return s->v[i].val;
	return 0;
}

static const char *const blk_stat_names[] = { "bios_submitted", "bios_split", "bios_rejected" };
static const char *const dma_stat_names[] = { "dma_checks", "dma_violations", "dma_bytes",
					      "dma_requests" };

struct run_snap {
	struct counter_snap vm;
	unsigned long blk[3];
	unsigned long dma[4];
	struct sim_ledger ledger;
};

static void take_snap(struct run_snap *s)
{
	unsigned int i;

	s->vm.nr = 0;
	sim_vmstat_foreach(snap_cb, &s->vm);
	for (i = 0; i < 3; i++)
		s->blk[i] = sim_blk_stat(blk_stat_names[i]);
	for (i = 0; i < 4; i++)
		s->dma[i] = sim_dma_stat(dma_stat_names[i]);
	sim_ledger_read(&s->ledger);
}

static void fill_ledger(struct pin_ledger *l, const struct run_snap *a, const struct run_snap *b)
{
#define VM_DELTA(n) ((uint64_t)(snap_get(&b->vm, n) - snap_get(&a->vm, n)))
	unsigned int i;

	l->pins_acquired = VM_DELTA("nr_foll_pin_acquired");
	l->pins_released = VM_DELTA("nr_foll_pin_released");
	l->foll_get = VM_DELTA("pinio_foll_get_acquired");
	l->zero_pins = VM_DELTA("pinio_zero_page_pins");
	l->zero_unpins = VM_DELTA("pinio_zero_page_unpins");
	l->gup_fast = VM_DELTA("pinio_gup_fast_pages");
	l->gup_slow = VM_DELTA("pinio_gup_slow_pages");
	l->gup_fast_fallback = VM_DELTA("pinio_gup_fast_fallback");
	l->pgfault = VM_DELTA("pgfault");
	l->cow_faults = VM_DELTA("pinio_cow_faults");
	l->thp_fault_alloc = VM_DELTA("thp_fault_alloc");
#undef VM_DELTA
	l->bios_submitted = b->blk[0] - a->blk[0];
	l->bios_split = b->blk[1] - a->blk[1];
	l->bios_rejected = b->blk[2] - a->blk[2];
	l->dma_checks = b->dma[0] - a->dma[0];
	l->dma_violations = b->dma[1] - a->dma[1];
	l->dma_bytes = b->dma[2] - a->dma[2];
	l->dma_requests = b->dma[3] - a->dma[3];
	l->pins_outstanding = b->ledger.pins;
	l->live_bios = b->ledger.live_bios;
	l->ledger_violations = b->ledger.violations - a->ledger.violations;
	l->nr_vmstat = 0;
	for (i = 0; i < b->vm.nr && i < sizeof(l->vmstat) / sizeof(l->vmstat[0]); i++) {
		snprintf(l->vmstat[i].name, sizeof(l->vmstat[i].name), "%s", b->vm.v[i].name);
		l->vmstat[i].delta = (int64_t)(b->vm.v[i].val - snap_get(&a->vm, b->vm.v[i].name));
		l->vmstat[i].value = b->vm.v[i].val;
		l->nr_vmstat++;
	}
}

/* ---- merging reports ------------------------------------------------------------- */

static void report_merge(struct job_report *dst, const struct job_report *src)
{
	int d, i;

	for (d = 0; d < NR_DIRS; d++) {
		struct dir_stats *a = &dst->dir[d];
		const struct dir_stats *b = &src->dir[d];

		a->ios += b->ios;
		a->bytes += b->bytes;
		a->short_ios += b->short_ios;
		lat_stat_merge(&a->slat, &b->slat);
		lat_stat_merge(&a->clat, &b->clat);
		lat_stat_merge(&a->lat, &b->lat);
		lat_hist_merge(&a->clat_hist, &b->clat_hist);
		lat_hist_merge(&a->lat_hist, &b->lat_hist);
		lat_stat_merge(&a->bw_samples, &b->bw_samples);
		lat_stat_merge(&a->iops_samples, &b->iops_samples);
	}
	if (src->runtime_ns > dst->runtime_ns)
		dst->runtime_ns = src->runtime_ns;
	if (src->elapsed_ns > dst->elapsed_ns)
		dst->elapsed_ns = src->elapsed_ns;
	dst->usr_sec += src->usr_sec;
	dst->sys_sec += src->sys_sec;
	dst->ctx += src->ctx;
	for (i = 0; i < NR_DEPTH_BUCKETS; i++)
		dst->depth[i] += src->depth[i];
	dst->submits += src->submits;
	dst->verified += src->verified;
	dst->verify_failures += src->verify_failures;
	dst->prefilled += src->prefilled;
	dst->nr_clones += src->nr_clones;
	if (!dst->error && src->error) {
		dst->error = src->error;
		snprintf(dst->errmsg, sizeof(dst->errmsg), "%s", src->errmsg);
	}
}

/* ---- the run ------------------------------------------------------------------------ */

static void on_sigint(int sig)
{
	(void)sig;
	run_interrupted = 1;
}

/* The device's size; for file:PATH, checks the host file (nothing is created). */
static int device_bytes(const struct run_opts *o, uint64_t *bytes, char *err, size_t errlen)
{
	struct stat st;
	off_t end;
	int fd;

	if (o->dev_kind != RUN_DEV_FILE) {
		*bytes = o->dev_bytes;
		return 0;
	}
#ifndef HAVE_LIBURING
	if (!strcmp(o->dev_backend, "io_uring")) {
		snprintf(err, errlen, "--device=file:%s,io_uring: this build has no liburing",
			 o->dev_path);
		return -1;
	}
#endif
	if (stat(o->dev_path, &st)) {
		snprintf(err, errlen, "--device=file:%s: %s", o->dev_path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		snprintf(err, errlen, "--device=file:%s: not a regular file or block device",
			 o->dev_path);
		return -1;
	}
	if (access(o->dev_path, R_OK | W_OK)) {
		snprintf(err, errlen, "--device=file:%s: %s", o->dev_path, strerror(errno));
		return -1;
	}
	fd = open(o->dev_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "--device=file:%s: %s", o->dev_path, strerror(errno));
		return -1;
	}
	end = lseek(fd, 0, SEEK_END);
	close(fd);
	if (end < 0) {
		snprintf(err, errlen, "--device=file:%s: cannot find its size", o->dev_path);
		return -1;
	}
	*bytes = (uint64_t)end / o->lbs * o->lbs;
	if (*bytes < o->lbs) {
		snprintf(err, errlen, "--device=file:%s: smaller than one %u-byte block",
			 o->dev_path, o->lbs);
		return -1;
	}
	return 0;
}

static int create_device(const struct run_opts *o, char *err, size_t errlen)
{
	const char *name = run_dev_name(o);
	char backend[32];
	int ret;

	switch (o->dev_kind) {
	case RUN_DEV_RAM:
		ret = sim_ramdisk_create(name, o->dev_bytes, o->lbs);
		break;
	case RUN_DEV_NULL:
		ret = sim_nulldisk_create(name, o->dev_bytes, o->lbs);
		break;
	default:
		snprintf(backend, sizeof(backend), "%s%s", o->dev_backend,
			 o->dev_host_direct ? ",direct" : "");
		ret = sim_filedisk_create(name, o->dev_path, backend, o->lbs);
		break;
	}
	if (ret)
		snprintf(err, errlen, "--device: creating /dev/%s failed: %s", name,
			 strerror(-ret));
	return ret;
}

#define LAYOUT_CHUNK	(1UL << 20)

/*
 * Grow the file open on @fd from its end to @want bytes, with O_DIRECT
 * writes of @chunk (zeros) at @buf: blocks allocated in file order, and
 * no hole is left inside i_size. (Extending writes, not ftruncate: the
 * legacy engine's write into a hole below i_size, which should fall back
 * to buffered I/O, comes back short.)
 */
static int extend_file(int fd, unsigned long buf, off_t want)
{
	off_t have = sim_lseek(fd, 0, SEEK_END);

	if (have < 0)
		return (int)have;
	while (have < want) {
		size_t len = want - have < (off_t)LAYOUT_CHUNK ? (size_t)(want - have) : LAYOUT_CHUNK;
		ssize_t ret = sim_pwrite(fd, buf, len, have);

		if (ret != (ssize_t)len)
			return ret < 0 ? (int)ret : -EIO;
		have += (off_t)len;
	}
	return 0;
}

/*
 * --fs=simfs: make simfs on the device, mount it at /mnt with the engine
 * as its dio= option, and create every job's file at its size, rounded up
 * to simfs's block size (a file several jobs name grows to the largest of
 * them), by writing it in order. A verifying clone then lays out its
 * region with its headers before it runs.
 */
static int setup_simfs(const struct run_opts *o, const struct job_list *jobs, const char *devpath,
		       char *err, size_t errlen)
{
	char opt[32], path[JOB_PATH_MAX + 16];
	unsigned long buf;
	unsigned int i, k;
	int ret;

	snprintf(opt, sizeof(opt), "bs=%u", o->fs_bs);
	ret = sim_mkfs(devpath, "simfs", opt);
	if (ret) {
		snprintf(err, errlen, "--fs=simfs: mkfs on %s (%s) failed: %s", devpath, opt,
			 strerror(-ret));
		return ret;
	}
	snprintf(opt, sizeof(opt), "dio=%s", run_engine_name(o->engine));
	ret = sim_mount(devpath, RUN_MOUNT_DIR, opt);
	if (ret) {
		snprintf(err, errlen, "--fs=simfs: mounting %s at %s (%s) failed: %s", devpath,
			 RUN_MOUNT_DIR, opt, strerror(-ret));
		return ret;
	}
	buf = sim_mmap(0, LAYOUT_CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (IS_ERR_VALUE(buf)) {
		ret = (int)(long)buf;
		snprintf(err, errlen, "--fs=simfs: mmap of the layout buffer failed: %s",
			 strerror(-ret));
		sim_umount(RUN_MOUNT_DIR);
		return ret;
	}
	sim_user_memset(buf, 0, LAYOUT_CHUNK);
	for (i = 0; i < jobs->nr; i++) {
		const struct job *job = &jobs->jobs[i];

		for (k = 0; k < job->numjobs; k++) {
			off_t want = (off_t)((job->offset + job->size + o->fs_bs - 1) /
					     o->fs_bs * o->fs_bs);
			int fd;

			job_file_path(job, k, path, sizeof(path));
			fd = sim_open(path, O_CREAT | O_RDWR | O_DIRECT, 0644);
			if (fd < 0) {
				ret = fd;
				snprintf(err, errlen, "creating %s failed: %s", path, strerror(-ret));
				goto fail;
			}
			ret = extend_file(fd, buf, want);
			if (!ret)
				ret = sim_fsync(fd);
			sim_close(fd);
			if (ret) {
				snprintf(err, errlen, "sizing %s to %lld bytes failed: %s", path,
					 (long long)want, strerror(-ret));
				goto fail;
			}
			if (job->filename[0])
				break;	/* the clones share it */
		}
	}
	sim_munmap(buf, LAYOUT_CHUNK);
	return 0;
fail:
	sim_munmap(buf, LAYOUT_CHUNK);
	sim_umount(RUN_MOUNT_DIR);
	return ret;
}

static void build_reports(struct run_report *r, struct run_ctx *ctx, bool group)
{
	unsigned int i;
	int d;

	memset(&r->total, 0, sizeof(r->total));
	r->nr_reports = 0;
	for (i = 0; i < ctx->nr_clones; i++) {
		struct job_report *src = &ctx->clones[i].rep;

		if (group) {
			if (!r->nr_reports) {
				r->reports[0] = *src;
				r->nr_reports = 1;
			} else {
				report_merge(&r->reports[0], src);
			}
		} else {
			r->reports[r->nr_reports++] = *src;
		}
		if (!i) {
			r->total = *src;
		} else {
			report_merge(&r->total, src);
		}
		r->verify_failures += src->verify_failures;
		if (src->error)
			r->io_errors++;
	}
	for (d = 0; d < NR_DIRS; d++) {
		r->bw_min[d] = UINT64_MAX;
		r->bw_max[d] = 0;
		r->run_min_ns[d] = UINT64_MAX;
		r->run_max_ns[d] = 0;
		for (i = 0; i < r->nr_reports; i++) {
			const struct job_report *jr = &r->reports[i];
			uint64_t bw;

			if (!jr->dir[d].ios)
				continue;
			bw = jr->runtime_ns ? (uint64_t)((double)jr->dir[d].bytes * 1e9 /
							  (double)jr->runtime_ns)
					    : 0;
			if (bw < r->bw_min[d])
				r->bw_min[d] = bw;
			if (bw > r->bw_max[d])
				r->bw_max[d] = bw;
			if (jr->runtime_ns < r->run_min_ns[d])
				r->run_min_ns[d] = jr->runtime_ns;
			if (jr->runtime_ns > r->run_max_ns[d])
				r->run_max_ns[d] = jr->runtime_ns;
		}
		if (r->bw_min[d] == UINT64_MAX)
			r->bw_min[d] = 0;
		if (r->run_min_ns[d] == UINT64_MAX)
			r->run_min_ns[d] = 0;
	}
}

static int run_jobs(struct run_opts *opts, struct job_list *jobs, uint64_t dev_bytes, FILE *out,
		    FILE *errf)
{
	struct sim_config cfg = {
		.mem_bytes = (size_t)opts->mem_bytes,
		.nr_zero_pages = opts->zero_colours,
		.thp = opts->buffer == RUN_BUFFER_THP,
		.profile = opts->profile == RUN_PROFILE_V6_4 ? SIM_PROFILE_V6_4
			   : opts->profile == RUN_PROFILE_V21 ? SIM_PROFILE_V21
							     : SIM_PROFILE_V6_5,
	};
	struct run_ctx ctx = { .opts = opts, .err = errf };
	struct run_report *r = calloc(1, sizeof(*r));
	struct run_snap *snap0 = NULL, *snap1 = NULL;
	struct sigaction sa, old_sa;
	unsigned int i, k, n = 0;
	bool group = false, tty;
	char err[JOB_PATH_MAX + 320];
	int ret, code = PINIO_EXIT_FAIL;

	for (i = 0; i < jobs->nr; i++) {
		ctx.nr_clones += jobs->jobs[i].numjobs;
		group |= jobs->jobs[i].group_reporting;
	}
	if (!r) {
		fprintf(errf, "pinio: out of memory\n");
		return PINIO_EXIT_FAIL;
	}
	r->opts = opts;
	r->jobs = jobs;
	r->dev_bytes = dev_bytes;
	ctx.clones = calloc(ctx.nr_clones, sizeof(*ctx.clones));
	r->reports = calloc(ctx.nr_clones, sizeof(*r->reports));
	snap0 = calloc(1, sizeof(*snap0));
	snap1 = calloc(1, sizeof(*snap1));
	if (!ctx.clones || !r->reports || !snap0 || !snap1) {
		fprintf(errf, "pinio: out of memory\n");
		goto out_free;
	}
	snprintf(ctx.devpath, sizeof(ctx.devpath), "/dev/%s", run_dev_name(opts));
	pthread_mutex_init(&ctx.lock, NULL);
	pthread_cond_init(&ctx.cond, NULL);

	ret = sim_boot(&cfg);
	if (ret) {
		fprintf(errf, "pinio: cannot boot the machine (--mem=%llu): %s\n",
			(unsigned long long)opts->mem_bytes, strerror(-ret));
		code = ret == -EINVAL ? PINIO_EXIT_USAGE : PINIO_EXIT_FAIL;
		goto out_free;
	}
	if (opts->dma_threads >= 0) {
		ret = sim_dma_set_threads((unsigned int)opts->dma_threads);
		if (ret) {
			fprintf(errf, "pinio: --dma: %s\n", strerror(-ret));
			goto out_shutdown;
		}
	}
	r->dma_threads = sim_dma_threads();
	if (create_device(opts, err, sizeof(err))) {
		fprintf(errf, "pinio: %s\n", err);
		sim_shutdown();
		code = PINIO_EXIT_USAGE;
		goto out_free;
	}
	if (opts->fs == RUN_FS_SIMFS && setup_simfs(opts, jobs, ctx.devpath, err, sizeof(err))) {
		fprintf(errf, "pinio: %s\n", err);
		sim_disk_destroy(run_dev_name(opts));
		goto out_shutdown;
	}
	r->start_time = (int64_t)time(NULL);
	take_snap(snap0);

	for (i = 0; i < jobs->nr; i++)
		for (k = 0; k < jobs->jobs[i].numjobs; k++) {
			if (clone_setup(&ctx, &ctx.clones[n], &jobs->jobs[i], i, k)) {
				fprintf(errf, "pinio: out of memory setting up job %s\n",
					jobs->jobs[i].name);
				n++;
				goto out_clones;
			}
			n++;
		}

	if (opts->format == RUN_FORMAT_NORMAL)
		output_header(out, r);
	fflush(out);
	tty = isatty(fileno(out)) == 1;
	run_interrupted = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_sa);

	for (i = 0; i < ctx.nr_clones; i++) {
		if (pthread_create(&ctx.clones[i].thread, NULL, clone_main, &ctx.clones[i])) {
			fprintf(errf, "pinio: cannot start a thread for job %s\n",
				ctx.clones[i].job->name);
			pthread_mutex_lock(&ctx.lock);
			ctx.go = true;
			run_interrupted = 1;
			pthread_cond_broadcast(&ctx.cond);
			pthread_mutex_unlock(&ctx.lock);
			break;
		}
		ctx.clones[i].started = true;
	}
	pthread_mutex_lock(&ctx.lock);
	while (ctx.nr_ready < i)
		pthread_cond_wait(&ctx.cond, &ctx.lock);
	ctx.go = true;
	pthread_cond_broadcast(&ctx.cond);
	pthread_mutex_unlock(&ctx.lock);
	if (i == ctx.nr_clones)
		wait_clones(&ctx, out, tty);
	for (k = 0; k < ctx.nr_clones; k++)
		if (ctx.clones[k].started)
			pthread_join(ctx.clones[k].thread, NULL);
	sigaction(SIGINT, &old_sa, NULL);
	if (i < ctx.nr_clones)
		goto out_clones;
	/* Every clone closed its files: write everything back and unmount. */
	if (opts->fs == RUN_FS_SIMFS) {
		ret = sim_umount(RUN_MOUNT_DIR);
		if (ret) {
			fprintf(errf, "pinio: unmounting %s failed: %s\n", RUN_MOUNT_DIR,
				strerror(-ret));
			r->io_errors++;
		}
	}

	/* The deferred re-dirtying of read pages holds bios: let it finish. */
	bio_dirty_flush();
	r->ledger.check_violations = sim_check();
	take_snap(snap1);
	fill_ledger(&r->ledger, snap0, snap1);
	r->ledger.live_bios = nr_live_bios();
	for (k = 0; k < ctx.nr_clones; k++)
		clone_free(&ctx.clones[k]);
	sim_disk_destroy(run_dev_name(opts));
	r->ledger.leaks = sim_shutdown();

	build_reports(r, &ctx, group);
	code = PINIO_EXIT_OK;
	if (r->ledger.check_violations || r->ledger.dma_violations || r->ledger.ledger_violations ||
	    r->ledger.leaks || r->verify_failures || r->io_errors || run_interrupted)
		code = PINIO_EXIT_FAIL;
	r->exit_code = code;
	r->interrupted = run_interrupted;
	for (k = 0; k < ctx.nr_clones; k++)
		if (ctx.clones[k].rep.error)
			fprintf(errf, "pinio: job %s (clone %u): %s\n", ctx.clones[k].job->name,
				ctx.clones[k].clone_idx, ctx.clones[k].rep.errmsg);
	if (run_interrupted)
		fprintf(errf, "pinio: interrupted\n");
	if (opts->format == RUN_FORMAT_JSON)
		output_json(out, r);
	else
		output_normal(out, r);
	fflush(out);
	goto out_free;

out_clones:
	for (k = 0; k < n; k++)
		clone_free(&ctx.clones[k]);
	if (opts->fs == RUN_FS_SIMFS)
		sim_umount(RUN_MOUNT_DIR);
	sim_disk_destroy(run_dev_name(opts));
out_shutdown:
	sim_shutdown();
	code = PINIO_EXIT_FAIL;
out_free:
	free(ctx.clones);
	free(r->reports);
	free(r);
	free(snap0);
	free(snap1);
	return code;
}

int run_main(int argc, char **argv, FILE *out, FILE *errf)
{
	struct run_opts opts;
	struct job_list jobs;
	uint64_t dev_bytes = 0;
	char err[320];
	int code;

	if (job_parse_args(argc, argv, &opts, &jobs, err, sizeof(err))) {
		fprintf(errf, "pinio: %s\n", err);
		return PINIO_EXIT_USAGE;
	}
	if (opts.help) {
		run_usage(out);
		job_list_free(&jobs);
		return PINIO_EXIT_OK;
	}
	if (opts.version) {
		fprintf(out, "pinio %s\n", PINIO_TOOL_VERSION);
		job_list_free(&jobs);
		return PINIO_EXIT_OK;
	}
	if (device_bytes(&opts, &dev_bytes, err, sizeof(err)) ||
	    job_validate(&opts, &jobs, dev_bytes, err, sizeof(err))) {
		fprintf(errf, "pinio: %s\n", err);
		job_list_free(&jobs);
		return PINIO_EXIT_USAGE;
	}
	if (sim_booted()) {
		fprintf(errf, "pinio: the simulated machine is already running\n");
		job_list_free(&jobs);
		return PINIO_EXIT_FAIL;
	}
	code = run_jobs(&opts, &jobs, dev_bytes, out, errf);
	job_list_free(&jobs);
	return code;
}

int cmd_run(int argc, char **argv)
{
	return run_main(argc, argv, stdout, stderr);
}
