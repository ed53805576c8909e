// SPDX-License-Identifier: GPL-2.0
/*
 * tools/pinio/run_io.c - `pinio run`: one clone's I/O. The block order
 * (every block once per pass, as fio's random map), the synchronous and
 * the async-ring loops, per-I/O accounting and rate samples, and verify:
 * each written block carries a header with its offset and generation
 * (verify.c), checked when it is read back.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "run_internal.h"
#include "verify.h"

#define MAX_VERIFY_REPORTS	5	/* verify failures printed per clone */
#define SAMPLE_NS		500000000ULL	/* fio's bw/iops sample window */

/* ---- random numbers and block order ---------------------------------------- */

uint64_t run_splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void run_perm_rekey(struct clone *c)
{
	unsigned int i;

	for (i = 0; i < 3; i++)
		c->perm_key[i] = run_splitmix64(&c->rng) & c->perm_mask;
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
			run_perm_rekey(c);
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
		return run_splitmix64(&c->rng) % 100 >= c->job->rwmixread;
	}
}

/* ---- errors and verify ------------------------------------------------------ */

const char *run_errname(long e)
{
	return strerror((int)(e < 0 ? -e : e));
}

void run_clone_fail(struct clone *c, long error, const char *fmt, ...)
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

void run_sample_rates(struct clone *c, uint64_t now, bool final)
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
	run_sample_rates(c, t2, false);
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
			run_clone_fail(c, e, "madvise(MADV_DONTNEED): %s", run_errname(e));
			return -1;
		}
	}
	if (write && c->verify) {
		uint32_t gen = take_gen(c);

		verify_fill(h, c->bs, c->offset + b * c->bs, gen, c->job->randseed);
		ret = sim_user_write(addr, h, c->bs);
		if (ret != (ssize_t)c->bs) {
			run_clone_fail(c, ret < 0 ? ret : -EFAULT, "writing the buffer: %s",
				   run_errname(ret < 0 ? ret : -EFAULT));
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
		run_clone_fail(c, res < 0 ? res : -EIO, "%s of %u bytes at offset %llu: %s",
			   write ? "write" : "read", c->bs, (unsigned long long)off,
			   res < 0 ? run_errname(res) : "short transfer");
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
		run_clone_fail(c, -EFAULT, "reading the buffer back failed");
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

	while (keep_going(c, run_now_ns(), deadline, issued, limit)) {
		bool write = pick_write(c);
		uint64_t b = pick_block(c), t0, t2;
		ssize_t res;

		if (prepare_io(c, 0, write, b))
			return;
		t0 = run_now_ns();
		res = sync_io(c, write, slot_addr(c, 0), c->bs, c->offset + b * c->bs);
		t2 = run_now_ns();
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
		run_clone_fail(c, -ENOMEM, "out of memory");
		goto out;
	}
	for (;;) {
		uint64_t now = run_now_ns();
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
			c->t_start[slot] = run_now_ns();
			if (c->job->fixedbufs)
				ret = sim_aio_submit_fixed(ring, c->fd, write, 0, slot_addr(c, slot),
							   c->bs, (off_t)(c->offset + b * c->bs),
							   slot);
			else
				ret = sim_aio_submit(ring, c->fd, write, slot_addr(c, slot), c->bs,
						     (off_t)(c->offset + b * c->bs), slot);
			now = run_now_ns();
			if (ret) {
				run_clone_fail(c, ret, "%s submit at offset %llu: %s",
					   write ? "write" : "read",
					   (unsigned long long)(c->offset + b * c->bs), run_errname(ret));
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
		now = run_now_ns();
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
			run_clone_fail(c, n < 0 ? n : -EIO, "reaping completions: %s",
				   run_errname(n < 0 ? n : -EIO));
			break;
		}
	}
out:
	free(res);
	free(tags);
}

/* Run one phase: until @deadline (0: none) or @limit bytes issued (0: none). */
void run_io_phase(struct clone *c, struct sim_aio *ring, uint64_t deadline, uint64_t limit,
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
void run_sweep(struct clone *c, bool write)
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
				run_clone_fail(c, -EFAULT, "writing the layout buffer failed");
				return;
			}
			ret = sim_pwrite(c->fd, c->buf, len, (off_t)off);
		} else {
			ret = sim_pread(c->fd, c->buf, len, (off_t)off);
		}
		if (ret != (ssize_t)len) {
			run_clone_fail(c, ret < 0 ? ret : -EIO, "%s of %zu bytes at offset %llu: %s",
				   write ? "layout write" : "verify read", len,
				   (unsigned long long)off, ret < 0 ? run_errname(ret) : "short transfer");
			return;
		}
		atomic_fetch_add_explicit(&c->p_bytes[write], len, memory_order_relaxed);
		if (write) {
			c->rep.prefilled += n;
		} else {
			if (sim_user_read(c->buf, c->host, len) != (ssize_t)len) {
				run_clone_fail(c, -EFAULT, "reading the verify buffer failed");
				return;
			}
			for (k = 0; k < n; k++)
				check_block(c, b + k, c->host + k * c->bs);
		}
		b += n;
	}
}
