/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/ops/interp.h - what the interpreter (tests/ops/ops.c, gup_ops.c,
 * blk*.c) and its checks (tests/ops/check.c) share: the state of one run
 * and the comparisons with the model. Not for users of the op language: they use
 * tests/ops/ops.h.
 */
#ifndef PINIO_TESTS_OPS_INTERP_H
#define PINIO_TESTS_OPS_INTERP_H

#include "mm/internal.h"
#include "tests/ops/ops.h"
#include "tests/ops/model.h"

#define OPS_RW_MAX_PAGES	16
#define VCACHE_SIZE		8192

/* One frame already found to hold the model's bytes in this sweep. */
struct vcache_slot {
	unsigned long pfn;
	const void *want;
	unsigned int stamp;
};

/* One run: the machine is booted, the model follows it op by op. */
struct ops_ctx {
	const struct ops_config *cfg;
	struct ops_result *res;
	struct ops_model m;
	const struct ops_op *op;
	long op_index;
	long zero_base;
	long violations_base;
	unsigned long warnings_base;
	bool zero_pins_count;		/* v6.4: a pin of a zero page is a real pin */
	unsigned long va_budget;	/* frames mappings and sets may hold */
	unsigned long free_at_fail;	/* free frames when the first check failed */
	struct ops_blk *blk;		/* tests/ops/blk.c, set up by the first block op */
	double op_sweep_ns;		/* of the op's time, its end-of-sequence sweep (reset) */
	struct vcache_slot *vcache;
	unsigned int vstamp;
	unsigned char buf[OPS_RW_MAX_PAGES * PAGE_SIZE];
};

/* What the page tables map at an address (lockless, never faulting). */
struct ops_peek {
	bool present;		/* a PTE/PMD with a frame, PROT_NONE included */
	struct page *page;
};

/* Record the run's first failure (later ones are dropped). */
void ops_fail(struct ops_ctx *c, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool ops_failed(const struct ops_ctx *c);

void ops_peek_at(struct mm_struct *mm, unsigned long addr, struct ops_peek *p);
bool ops_page_ptr_valid(const struct page *page);
enum ops_page_kind ops_classify(const struct page *page);
/* Index of the first differing byte, or @n. */
unsigned int ops_first_diff(const unsigned char *a, const unsigned char *b, size_t n);

/* Page comparisons with the model; a sweep starts with ops_vcache_reset(). */
void ops_vcache_reset(struct ops_ctx *c);
void ops_verify_page(struct ops_ctx *c, struct ops_mtask *t, struct ops_region *r,
		     unsigned long addr);
void ops_verify_range(struct ops_ctx *c, struct ops_mtask *t, unsigned long start,
		      unsigned long n, bool others);
void ops_verify_task(struct ops_ctx *c, struct ops_mtask *t);
void ops_verify_all(struct ops_ctx *c);
/* Around fork: what a task maps, and its frames fork could not have written. */
struct page **ops_snap_task(struct ops_mtask *t, unsigned long *n);
void ops_vcache_trust_unchanged(struct ops_ctx *c, struct ops_mtask *t, struct ops_mtask *child,
				struct page **snap, unsigned long n);
void ops_verify_addr_everywhere(struct ops_ctx *c, unsigned long addr);
void ops_verify_obj_page(struct ops_ctx *c, struct ops_obj *obj, unsigned long idx);

/* Does entry @e of set @s count as a pin (not a zero page under v6.5)? */
bool ops_entry_counts_pin(const struct ops_ctx *c, const struct ops_set *s,
			  const struct ops_entry *e);
/* After every op: pins, zero-page references, mms, violations, WARNs. */
void ops_check_balances(struct ops_ctx *c);
/* Every bound pin maps where it was taken; no other task maps it (I6). */
void ops_check_bindings(struct ops_ctx *c);
/* sim_check(), exact pins and references of held folios, bindings. */
void ops_check_machine(struct ops_ctx *c);

/* tests/ops/gup_ops.c: get/pin, unpin/put, a device through a held pin. */
void ops_op_gup(struct ops_ctx *c, bool pin);
void ops_op_release(struct ops_ctx *c, bool pin);
/* Release set @si on the machine and in the model, checking the counters. */
void ops_release_set(struct ops_ctx *c, unsigned int si, unsigned int how);
void ops_op_dma_write(struct ops_ctx *c);
void ops_op_dma_read(struct ops_ctx *c);

/* tests/ops/mm_ops.c: the address-space ops. */
void ops_op_mmap(struct ops_ctx *c);
void ops_op_munmap(struct ops_ctx *c);
void ops_op_read(struct ops_ctx *c);
void ops_op_write(struct ops_ctx *c);
void ops_op_fork(struct ops_ctx *c);
void ops_op_exit(struct ops_ctx *c);
void ops_op_mprotect(struct ops_ctx *c);
void ops_op_madvise(struct ops_ctx *c);
/* Fail unless @buf (read at @addr of @t) holds the model's bytes. */
void ops_compare_bytes(struct ops_ctx *c, struct ops_mtask *t, unsigned long addr,
		       const unsigned char *buf, unsigned long len);

/* tests/ops/blk.c: the block and filesystem ops. */
struct ops_mtask *ops_op_task(struct ops_ctx *c);
void ops_expect_ret(struct ops_ctx *c, const char *call, long ret, long want);
void ops_skip(struct ops_ctx *c);
void ops_blk_exec(struct ops_ctx *c);
/*
 * Around every op (@on, then !@on) and the final checks: the hold
 * watchdog. An op that waited for held I/O fails "hold-wait" at !@on.
 */
void ops_blk_watch(struct ops_ctx *c, bool on);

/* tests/ops/hold_watch.c: the thread behind ops_blk_watch(). */
struct ops_hold_watch;
struct ops_hold_watch *ops_hold_watch_start(double limit);
void ops_hold_watch_disk(struct ops_hold_watch *w, const char *disk);
long ops_hold_watch_op(struct ops_hold_watch *w, bool on, double *waited);
void ops_hold_watch_stop(struct ops_hold_watch *w);
/* End of run: complete what is in flight, compare every file with the model. */
void ops_blk_finish(struct ops_ctx *c);
/* Complete every in-flight async I/O (the OPS_RESET op). */
void ops_blk_quiesce(struct ops_ctx *c);
/* Free what blk.c holds (after a failure too); the machine is still up. */
void ops_blk_free(struct ops_ctx *c);
/* Pins held by in-flight async I/O (counted in the model's pins). */
bool ops_blk_folio_busy(const struct ops_ctx *c, const struct folio *folio);

/* ---- addressing (tests/ops/ops.c, gup_ops.c) ------------------------------ */

/* Between MMAP_MIN_ADDR and the mmap base: nothing is ever mapped here. */
#define OPS_UNMAPPED_ADDR	0xff000000UL

static inline struct ops_handle *op_handle(struct ops_mtask *t, const struct ops_op *op)
{
	return t->nh ? &t->h[op->idx % t->nh] : NULL;
}

/*
 * A page range: the op's mapping handle, a page offset in it (arg bits
 * 0-15) and 1 + (len bits 0-11) % @maxpages pages; @maxpages 0 means the
 * handle's size and a little more. With no mapping, an unmapped address.
 */
static inline void op_range(const struct ops_op *op, struct ops_mtask *t, unsigned long maxpages,
			    unsigned long *start, unsigned long *n)
{
	struct ops_handle *h = op_handle(t, op);

	if (!maxpages)
		maxpages = (h ? h->npages : 1) + 8;
	*n = 1 + (op->len & 0xfff) % maxpages;
	if (!h) {
		*start = OPS_UNMAPPED_ADDR;
		return;
	}
	*start = h->start + (((op->arg & 0xffff) % h->npages) << PAGE_SHIFT);
}

static inline uint8_t op_pattern(const struct ops_op *op)
{
	return (uint8_t)(op->arg >> 16);
}

static inline unsigned int op_sel(const struct ops_op *op)
{
	return op->arg >> 24;
}

#endif /* PINIO_TESTS_OPS_INTERP_H */
