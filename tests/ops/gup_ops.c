// SPDX-License-Identifier: GPL-2.0
/*
 * tests/ops/gup_ops.c - the interpreter's pin ops (tests/ops/ops.c runs
 * them): get and pin, in every flavour GUP has (fast, unlocked, locked;
 * FOLL_WRITE, FOLL_LONGTERM), checking each returned page against what
 * the task maps and the rules (R-GUP-6/7/9/10) and the vmstat deltas;
 * unpin and put of held sets; a device writing and reading through a held
 * pin (I8, I9).
 */
#include <stdlib.h>
#include <string.h>
#include "mm/internal.h"
#include "sim/sim.h"
#include "tests/ops/interp.h"

#define OPS_POISON_PTR		((struct page *)0xaa55aa55aa55aa55UL)

struct vm_snap {
	long acq, rel, zpin, zunpin, get;
};

static void vm_snap(struct vm_snap *s)
{
	s->acq = node_page_state(NR_FOLL_PIN_ACQUIRED);
	s->rel = node_page_state(NR_FOLL_PIN_RELEASED);
	s->zpin = node_page_state(ZERO_PAGE_PIN);
	s->zunpin = node_page_state(ZERO_PAGE_UNPIN);
	s->get = node_page_state(FOLL_GET_ACQUIRED);
}

static long gup_call(bool pin, unsigned int oflags, struct mm_struct *mm, unsigned long start,
		     unsigned long n, unsigned int gf, struct page **pages)
{
	long ret;

	if (oflags & OPS_GUP_FAST)
		return pin ? pin_user_pages_fast(start, (int)n, gf, pages) :
			     get_user_pages_fast(start, (int)n, gf, pages);
	if (!(oflags & OPS_GUP_LOCKED))
		return pin ? pin_user_pages_unlocked(start, n, pages, gf) :
			     get_user_pages_unlocked(start, n, pages, gf);
	mmap_read_lock(mm);
	ret = pin ? pin_user_pages(start, n, gf, pages) : get_user_pages(start, n, gf, pages);
	mmap_read_unlock(mm);
	return ret;
}

/* One page GUP returned: what it is, and whether the rules allowed it. */
static void gup_check_entry(struct ops_ctx *c, struct ops_mtask *t, const struct ops_set *s,
			    struct ops_entry *e, unsigned long vaddr)
{
	struct ops_region *r = model_region_at(t, vaddr);
	struct ops_peek p;
	struct folio *folio;

	if (!ops_page_ptr_valid(e->page)) {
		ops_fail(c, "gup", "entry for %#lx is %p, not a page", vaddr, (void *)e->page);
		return;
	}
	e->kind = ops_classify(e->page);
	ops_peek_at(t->t->mm, vaddr, &p);
	if (!p.present || p.page != e->page) {
		ops_fail(c, "gup", "%#lx: GUP returned pfn %lu, the task maps %s %lu", vaddr,
			 page_to_pfn(e->page), p.present ? "pfn" : "nothing",
			 p.present ? page_to_pfn(p.page) : 0);
		return;
	}
	folio = page_folio(e->page);
	if (e->kind != OPS_PG_NORMAL) {
		if (s->write)
			ops_fail(c, "gup", "%#lx: FOLL_WRITE returned a zero page", vaddr);
		else if (r->obj->shared)
			ops_fail(c, "gup", "%#lx: zero page in a shared mapping (R-GUP-6)", vaddr);
		else if (s->gup_flags & FOLL_LONGTERM)
			ops_fail(c, "gup", "%#lx: long-term R/O pin kept a zero page (R-GUP-7)", vaddr);
		else if (e->kind == OPS_PG_ZERO && e->page != ZERO_PAGE(vaddr))
			ops_fail(c, "gup", "%#lx: zero page of the wrong colour", vaddr);
	} else if (s->pin && !r->obj->shared) {
		if (!folio_test_anon(folio))
			ops_fail(c, "gup", "%#lx: pinned a non-anon page in a private mapping", vaddr);
		else if (!PageAnonExclusive(e->page) &&
			 !(folio_test_large(folio) && PageAnonExclusive(&folio->page)))
			ops_fail(c, "gup", "%#lx: pinned anon page pfn %lu is not exclusive (R-GUP-10)",
				 vaddr, page_to_pfn(e->page));
	} else if (r->obj->shared && folio_test_anon(folio)) {
		ops_fail(c, "gup", "%#lx: anon page in a shared mapping", vaddr);
	}
	/*
	 * Its bytes: the page is what @t maps at @vaddr (checked above), and
	 * op_gup()'s ops_verify_range() over the set compares every page @t
	 * maps there with the model once, after all the entries passed.
	 */
}

void ops_op_gup(struct ops_ctx *c, bool pin)
{
	const struct ops_op *op = c->op;
	struct ops_mtask *t = ops_op_task(c);
	bool write = op->flags & OPS_GUP_WRITE;
	unsigned int gf = (write ? FOLL_WRITE : 0) |
			  (pin && (op->flags & OPS_GUP_LONGTERM) ? FOLL_LONGTERM : 0);
	unsigned long start, n, want, i, counted = 0, zeros = 0;
	struct vm_snap before, after;
	struct page **pages;
	struct ops_set *s;
	long ret;

	if (c->m.nsets == OPS_MAX_SETS) {
		ops_skip(c);
		return;
	}
	op_range(op, t, (op->flags & OPS_GUP_BIG) ? 600 : 64, &start, &n);
	want = model_gup_prefix(t, start, n, write);
	pages = malloc(n * sizeof(*pages));
	if (!pages)
		abort();
	for (i = 0; i < n; i++)
		pages[i] = OPS_POISON_PTR;
	vm_snap(&before);
	ret = gup_call(pin, op->flags, t->t->mm, start, n, gf, pages);
	vm_snap(&after);
	ops_expect_ret(c, pin ? "pin_user_pages" : "get_user_pages", ret, want ? (long)want : -EFAULT);
	for (i = ret > 0 ? (unsigned long)ret : 0; i < n && !ops_failed(c); i++)
		if (pages[i] != OPS_POISON_PTR)
			ops_fail(c, "gup", "entry %lu written past the %ld pages returned (R-GUP-9)", i, ret);
	if (ops_failed(c) || ret <= 0) {
		if (!ops_failed(c) && (after.acq != before.acq || after.rel != before.rel ||
				   after.get != before.get))
			ops_fail(c, "vmstat", "a failed GUP moved the pin/get counters");
		free(pages);
		return;
	}

	s = &c->m.sets[c->m.nsets];
	memset(s, 0, sizeof(*s));
	s->pin = pin;
	s->write = write;
	s->gup_flags = gf;
	s->task_id = t->id;
	s->start = start;
	s->n = (unsigned long)ret;
	s->e = calloc(s->n, sizeof(*s->e));
	if (!s->e)
		abort();
	for (i = 0; i < s->n && !ops_failed(c); i++) {
		struct ops_entry *e = &s->e[i];

		e->page = pages[i];
		gup_check_entry(c, t, s, e, start + (i << PAGE_SHIFT));
		if (ops_entry_counts_pin(c, s, e))
			counted++;
		zeros += e->kind == OPS_PG_ZERO;
	}
	free(pages);
	if (ops_failed(c)) {
		free(s->e);	/* leaked on purpose: the machine's state is suspect */
		return;
	}
	if (pin) {
		long zpins = c->zero_pins_count ? 0 : (long)zeros;

		if (after.acq - after.rel - (before.acq - before.rel) != (long)counted ||
		    after.acq - before.acq < (long)counted)
			ops_fail(c, "vmstat", "pinned %lu non-zero pages: nr_foll_pin_acquired %+ld, released %+ld",
				 counted, after.acq - before.acq, after.rel - before.rel);
		else if (after.zpin - before.zpin != zpins)
			ops_fail(c, "vmstat", "%lu zero pages: pinio_zero_page_pins %+ld", zeros,
				 after.zpin - before.zpin);
		else if (after.get != before.get)
			ops_fail(c, "vmstat", "a pin moved pinio_foll_get_acquired");
	} else if (after.acq != before.acq || after.rel != before.rel ||
		   after.get - before.get != ret) {
		ops_fail(c, "vmstat", "get of %ld pages: foll_get %+ld, pins %+ld/%+ld", ret,
			 after.get - before.get, after.acq - before.acq, after.rel - before.rel);
	}

	/*
	 * The bytes of every page returned (each is what @t maps, checked
	 * above), and a COW break or unshare for this task must leave the
	 * others' views alone.
	 */
	if (!ops_failed(c))
		ops_verify_range(c, t, start, s->n, true);
	if (ops_failed(c)) {
		free(s->e);
		return;
	}
	s->id = c->m.next_set_id++;
	c->m.nsets++;
	for (i = 0; i < s->n; i++) {
		struct ops_entry *e = &s->e[i];

		if (pin && e->kind == OPS_PG_NORMAL) {
			model_bind(e, t, start + (i << PAGE_SHIFT));
		} else {
			e->task_id = t->id;
			e->vaddr = start + (i << PAGE_SHIFT);
		}
		if (ops_entry_counts_pin(c, s, e))
			c->m.pins++;
		if (!pin && e->kind != OPS_PG_NORMAL)
			c->m.zero_refs++;
		if (pin && e->kind == OPS_PG_HZERO) {
			c->m.zero_refs++;
			c->m.hz_pins++;
		}
		if (pin && e->kind == OPS_PG_ZERO && c->zero_pins_count)
			c->m.zero_refs += GUP_PIN_COUNTING_BIAS;
	}
}

/* The @k-th held set with @pin (and @write if asked), or -1. */
static int pick_set(struct ops_ctx *c, unsigned int k, bool pin, bool need_write)
{
	unsigned int i, nr = 0;

	for (i = 0; i < c->m.nsets; i++)
		if (c->m.sets[i].pin == pin && (!need_write || c->m.sets[i].write))
			nr++;
	if (!nr)
		return -1;
	k %= nr;
	for (i = 0; i < c->m.nsets; i++)
		if (c->m.sets[i].pin == pin && (!need_write || c->m.sets[i].write) && !k--)
			return (int)i;
	return -1;
}

/* Release set @si on the machine and in the model, checking the counters. */
void ops_release_set(struct ops_ctx *c, unsigned int si, unsigned int how)
{
	struct ops_set *s = &c->m.sets[si];
	unsigned long k, counted = 0, zeros = 0, hz = 0;
	struct vm_snap before, after;
	struct page **pages;

	pages = malloc(s->n * sizeof(*pages));
	if (!pages)
		abort();
	for (k = 0; k < s->n; k++) {
		pages[k] = s->e[k].page;
		counted += ops_entry_counts_pin(c, s, &s->e[k]);
		zeros += s->e[k].kind == OPS_PG_ZERO;
		hz += s->e[k].kind == OPS_PG_HZERO;
	}
	vm_snap(&before);
	if (!s->pin) {
		for (k = 0; k < s->n; k++)
			put_page(pages[k]);
	} else if (how & OPS_UNPIN_ONE_BY_ONE) {
		for (k = 0; k < s->n; k++)
			unpin_user_page(pages[k]);
	} else if (how & OPS_UNPIN_DIRTY) {
		unpin_user_pages_dirty_lock(pages, s->n, true);
	} else {
		unpin_user_pages(pages, s->n);
	}
	vm_snap(&after);
	free(pages);
	if (after.acq != before.acq || after.rel - before.rel != (long)counted)
		ops_fail(c, "vmstat", "released set %d (%lu pins): nr_foll_pin_acquired %+ld, released %+ld",
			 s->id, counted, after.acq - before.acq, after.rel - before.rel);
	else if (s->pin && !c->zero_pins_count && after.zunpin - before.zunpin != (long)zeros)
		ops_fail(c, "vmstat", "set %d: %lu zero pages, pinio_zero_page_unpins %+ld", s->id,
			 zeros, after.zunpin - before.zunpin);
	c->m.pins -= (long)counted;
	if (s->pin) {
		c->m.zero_refs -= (long)hz;
		c->m.hz_pins -= (long)hz;
		if (c->zero_pins_count)
			c->m.zero_refs -= (long)zeros * GUP_PIN_COUNTING_BIAS;
	} else {
		c->m.zero_refs -= (long)(zeros + hz);
	}
	model_set_free(&c->m, si);
}

void ops_op_release(struct ops_ctx *c, bool pin)
{
	int si = pick_set(c, c->op->idx, pin, false);

	if (si < 0) {
		ops_skip(c);
		return;
	}
	ops_release_set(c, (unsigned int)si, c->op->flags);
}

/* A device moves data through a held pin: I9 at each page, then where it must land. */
void ops_op_dma_write(struct ops_ctx *c)
{
	const struct ops_op *op = c->op;
	int si = pick_set(c, op->idx, true, true);
	unsigned long i0, cnt, k;
	unsigned int sub, len, trim;
	struct ops_set *s;

	if (si < 0) {
		ops_skip(c);
		return;
	}
	s = &c->m.sets[si];
	i0 = (op->arg & 0xffff) % s->n;
	cnt = 1 + (op->len & 0xfff) % (s->n - i0);
	sub = (op_sel(op) * 16U) % PAGE_SIZE;
	len = PAGE_SIZE - sub;
	trim = (unsigned int)(op->len >> 12) * 256;
	if (trim < len)
		len -= trim;
	for (k = i0; k < i0 + cnt && !ops_failed(c); k++) {
		struct ops_entry *e = &s->e[k];
		struct folio *folio = page_folio(e->page);
		unsigned char *dst = (unsigned char *)page_address(e->page) + sub;
		bool ramp = op->flags & 1;

		if (e->kind != OPS_PG_NORMAL || folio_ref_count(folio) <= 0 ||
		    !folio_maybe_dma_pinned(folio)) {
			ops_fail(c, "I9", "set %d entry %lu: DMA target pfn %lu refcount %d, %spinned",
				 s->id, k, page_to_pfn(e->page), folio_ref_count(folio),
				 folio_maybe_dma_pinned(folio) ? "" : "not ");
			return;
		}
		ops_pattern_fill(dst, op_pattern(op), ramp, 0, len);
		if (model_entry_bound(e))
			model_obj_write(e->obj, e->idx, sub, len, op_pattern(op), ramp);
	}
	ops_vcache_reset(c);
	for (k = i0; k < i0 + cnt && !ops_failed(c); k++) {
		struct ops_entry *e = &s->e[k];

		if (!model_entry_bound(e))
			continue;
		if (e->obj->shared)
			ops_verify_obj_page(c, e->obj, e->idx);
		else
			ops_verify_addr_everywhere(c, e->vaddr);
	}
}

/* A device reads through a held pin: it must see what the pinner's task sees. */
void ops_op_dma_read(struct ops_ctx *c)
{
	int si = pick_set(c, c->op->idx, true, false);
	struct ops_set *s;
	unsigned long k;

	if (si < 0) {
		ops_skip(c);
		return;
	}
	s = &c->m.sets[si];
	for (k = 0; k < s->n && !ops_failed(c); k++) {
		struct ops_entry *e = &s->e[k];
		const unsigned char *want = ops_zero_bytes;
		struct ops_blob *b;
		unsigned int d;

		if (e->kind == OPS_PG_NORMAL) {
			if (!model_entry_bound(e))
				continue;
			b = e->obj->pg[e->idx];
			if (b)
				want = b->data;
		}
		d = ops_first_diff(page_address(e->page), want, PAGE_SIZE);
		if (d < PAGE_SIZE)
			ops_fail(c, "I8", "set %d entry %lu (%#lx, pfn %lu): the device reads %#x at byte %u, the task sees %#x",
				 s->id, k, e->vaddr, page_to_pfn(e->page),
				 ((unsigned char *)page_address(e->page))[d], d, want[d]);
	}
}
