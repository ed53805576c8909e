// SPDX-License-Identifier: GPL-2.0
/*
 * tests/ops/check.c - the interpreter's checks (tests/ops/interp.h): pages
 * against the model, read through the page tables without faulting so
 * that checking does not change what it checks; the pin and zero-page
 * balances (I3, I4); each held folio's exact pins and references (I1);
 * pins still mapped where they were taken (R-COW-2) and by no one else
 * (I6); sim_check().
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "sim/sim.h"
#include "tests/ops/interp.h"

/* ---- failures ----------------------------------------------------------- */

void ops_fail(struct ops_ctx *c, const char *kind, const char *fmt, ...)
{
	struct ops_result *res = c->res;
	char where[96] = "";
	va_list ap;
	int n;

	if (res->failed)
		return;
	res->failed = true;
	c->free_at_fail = sim_booted() ? sim_nr_free_frames() : ~0UL;
	res->failed_at = c->op_index;
	snprintf(res->kind, sizeof(res->kind), "%s", kind);
	if (c->op)
		ops_format_op(c->op, where, sizeof(where));
	n = snprintf(res->msg, sizeof(res->msg), "op %ld%s%s: ", c->op_index,
		     c->op ? " " : "", where);
	if (n < 0 || (size_t)n >= sizeof(res->msg))
		return;
	va_start(ap, fmt);
	vsnprintf(res->msg + n, sizeof(res->msg) - (size_t)n, fmt, ap);
	va_end(ap);
}

bool ops_failed(const struct ops_ctx *c)
{
	return c->res->failed;
}

/* ---- what the page tables map (lockless, never faulting) ---------------- */

/*
 * The PMD entry of one 2 MiB block of one mm, read once for all the pages
 * of a pass that fall in it: a sweep peeks at every page, and walking from
 * the PGD for each was a seventh of the run's time. Exact within a pass:
 * nothing changes page tables while the checks run (they run between ops,
 * on the op's thread; DMA workers move data only), and each PTE is still
 * read when its page is peeked at.
 */
struct pmd_walk {
	struct mm_struct *mm;
	unsigned long base;	/* of the PMD read; 1 (never PMD-aligned): none yet */
	pmd_t pmd;
};

static void walk_init(struct pmd_walk *w, struct mm_struct *mm)
{
	w->mm = mm;
	w->base = 1;
	w->pmd = 0;
}

static __always_inline void walk_peek(struct pmd_walk *w, unsigned long addr, struct ops_peek *p)
{
	pte_t pte;

	if ((addr & PMD_MASK) != w->base) {
		pmd_t *pmdp = pmd_lookup_lockless(w->mm, addr);

		w->pmd = pmdp ? pmdp_get(pmdp) : 0;
		w->base = addr & PMD_MASK;
	}
	p->present = false;
	p->page = NULL;
	if (pmd_leaf(w->pmd)) {
		if (!pte_present(w->pmd))
			return;
		p->page = pte_page(w->pmd) + pte_index(addr);
	} else if (pmd_table(w->pmd)) {
		pte = ptep_get(&pmd_pgtable(w->pmd)[pte_index(addr)]);
		if (!pte_present(pte))
			return;
		p->page = pte_page(pte);
	} else {
		return;
	}
	p->present = true;
}

void ops_peek_at(struct mm_struct *mm, unsigned long addr, struct ops_peek *p)
{
	struct pmd_walk w;

	walk_init(&w, mm);
	walk_peek(&w, addr, p);
}

bool ops_page_ptr_valid(const struct page *page)
{
	return page >= mem_map && page < mem_map + max_pfn;
}

enum ops_page_kind ops_classify(const struct page *page)
{
	if (is_zero_page(page))
		return OPS_PG_ZERO;
	if (is_huge_zero_page(page))
		return OPS_PG_HZERO;
	return OPS_PG_NORMAL;
}

unsigned int ops_first_diff(const unsigned char *a, const unsigned char *b, size_t n)
{
	size_t i;

	if (!memcmp(a, b, n))
		return (unsigned int)n;
	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return (unsigned int)i;
	return (unsigned int)n;
}

/* ---- comparing pages with the model ------------------------------------ */

/* Was this frame already found to hold @want in this sweep? */
static bool vcache_hit(struct ops_ctx *c, unsigned long pfn, const void *want)
{
	struct vcache_slot *s = &c->vcache[pfn % VCACHE_SIZE];

	return s->stamp == c->vstamp && s->pfn == pfn && s->want == want;
}

static void vcache_add(struct ops_ctx *c, unsigned long pfn, const void *want)
{
	struct vcache_slot *s = &c->vcache[pfn % VCACHE_SIZE];

	s->stamp = c->vstamp;
	s->pfn = pfn;
	s->want = want;
}

void ops_vcache_reset(struct ops_ctx *c)
{
	if (++c->vstamp == 0) {
		memset(c->vcache, 0, VCACHE_SIZE * sizeof(*c->vcache));
		c->vstamp = 1;
	}
}

/* Page @addr of region @r, which @t does not map: it must hold nothing written. */
static __always_inline void verify_unmapped(struct ops_ctx *c, struct ops_mtask *t,
					    struct ops_region *r, unsigned long addr)
{
	struct ops_blob *b = r->obj->pg[r->off + ((addr - r->start) >> PAGE_SHIFT)];

	if (!r->obj->shared && b && memcmp(b->data, ops_zero_bytes, PAGE_SIZE))
		ops_fail(c, "data", "task %d %#lx: nothing mapped, but the page was written (lost data)",
			 t->id, addr);
}

/* One page of @t in region @r against the model; @pp: what @t maps there. */
static void verify_peeked(struct ops_ctx *c, struct ops_mtask *t, struct ops_region *r,
			  unsigned long addr, const struct ops_peek *pp)
{
	unsigned long idx = r->off + ((addr - r->start) >> PAGE_SHIFT);
	struct ops_blob *b = r->obj->pg[idx];
	const unsigned char *want = b ? b->data : ops_zero_bytes;
	const unsigned char *have;
	struct ops_peek p = *pp;
	unsigned int d;

	if (!p.present) {
		verify_unmapped(c, t, r, addr);
		return;
	}
	if (!ops_page_ptr_valid(p.page)) {
		ops_fail(c, "pgtable", "task %d %#lx maps pfn %lu, outside memory", t->id, addr,
			 page_to_pfn(p.page));
		return;
	}
	switch (ops_classify(p.page)) {
	case OPS_PG_ZERO:
		if (r->obj->shared)
			ops_fail(c, "zero", "task %d %#lx: zero page in a shared mapping (R-GUP-6)",
				 t->id, addr);
		else if (p.page != ZERO_PAGE(addr))
			ops_fail(c, "zero", "task %d %#lx: zero page of the wrong colour (pfn %lu, want %lu)",
				 t->id, addr, page_to_pfn(p.page), page_to_pfn(ZERO_PAGE(addr)));
		break;
	case OPS_PG_HZERO:
		if (r->obj->shared || p.page != folio_page(huge_zero_folio, pte_index(addr)))
			ops_fail(c, "zero", "task %d %#lx: huge zero subpage %ld misplaced", t->id, addr,
				 (long)(p.page - &huge_zero_folio->page));
		break;
	default:
		break;
	}
	if (ops_failed(c) || vcache_hit(c, page_to_pfn(p.page), want))
		return;
	have = page_address(p.page);
	d = ops_first_diff(have, want, PAGE_SIZE);
	if (d < PAGE_SIZE) {
		ops_fail(c, "data", "task %d %#lx (obj %d page %lu, pfn %lu): byte %u is %#x, the model says %#x",
			 t->id, addr, r->obj->id, idx, page_to_pfn(p.page), d, have[d], want[d]);
		return;
	}
	vcache_add(c, page_to_pfn(p.page), want);
}

/* One mapped page of @t against the model. */
void ops_verify_page(struct ops_ctx *c, struct ops_mtask *t, struct ops_region *r,
		     unsigned long addr)
{
	struct ops_peek p;

	ops_peek_at(t->t->mm, addr, &p);
	verify_peeked(c, t, r, addr, &p);
}

/*
 * The model region of a task at an address, remembered with the span of
 * addresses that have the same answer (a region, or a hole between two):
 * a range walks page by page, and looking up each page was a sixth of a
 * range check.
 */
struct region_cursor {
	struct ops_mtask *t;
	struct ops_region *r;
	unsigned long lo, hi;	/* [lo, hi): r holds; lo > hi: nothing looked up yet */
};

static void cursor_init(struct region_cursor *rc, struct ops_mtask *t)
{
	rc->t = t;
	rc->r = NULL;
	rc->lo = 1;
	rc->hi = 0;
}

static __always_inline struct ops_region *cursor_at(struct region_cursor *rc, unsigned long a)
{
	if (a < rc->lo || a >= rc->hi)
		rc->r = model_region_span(rc->t, a, &rc->lo, &rc->hi);
	return rc->r;
}

/*
 * [start, start + n pages) of @t: mapped pages match, unmapped ones are
 * unmapped. With @others, the same addresses in every other task too:
 * where a write that COW failed to separate would show.
 */
void ops_verify_range(struct ops_ctx *c, struct ops_mtask *t, unsigned long start,
			 unsigned long n, bool others)
{
	struct pmd_walk w, ow[OPS_MAX_TASKS];
	struct region_cursor tc, oc[OPS_MAX_TASKS];
	struct ops_region *r;
	unsigned long a;
	unsigned int i;

	ops_vcache_reset(c);
	walk_init(&w, t->t->mm);
	cursor_init(&tc, t);
	for (i = 0; others && i < c->m.ntasks; i++) {
		walk_init(&ow[i], c->m.tasks[i].t->mm);
		cursor_init(&oc[i], &c->m.tasks[i]);
	}
	for (a = start; a < start + (n << PAGE_SHIFT) && !ops_failed(c); a += PAGE_SIZE) {
		struct ops_peek p;

		r = cursor_at(&tc, a);
		walk_peek(&w, a, &p);
		if (r && p.present)
			verify_peeked(c, t, r, a, &p);
		else if (r)
			verify_unmapped(c, t, r, a);
		else if (p.present)
			ops_fail(c, "pgtable", "task %d %#lx: mapped (pfn %lu) where nothing should be",
				 t->id, a, page_to_pfn(p.page));
		for (i = 0; others && i < c->m.ntasks && !ops_failed(c); i++) {
			struct ops_mtask *o = &c->m.tasks[i];

			r = o == t ? NULL : cursor_at(&oc[i], a);
			if (!r)
				continue;
			walk_peek(&ow[i], a, &p);
			if (p.present)
				verify_peeked(c, o, r, a, &p);
			else
				verify_unmapped(c, o, r, a);
		}
	}
}

void ops_verify_task(struct ops_ctx *c, struct ops_mtask *t)
{
	struct pmd_walk w;
	struct ops_peek p;
	unsigned int i;
	unsigned long a;

	walk_init(&w, t->t->mm);
	for (i = 0; i < t->nr && !ops_failed(c); i++) {
		struct ops_region *r = &t->r[i];

		for (a = r->start; a < r->start + (r->npages << PAGE_SHIFT) && !ops_failed(c);
		     a += PAGE_SIZE) {
			walk_peek(&w, a, &p);
			if (p.present)
				verify_peeked(c, t, r, a, &p);
			else
				verify_unmapped(c, t, r, a);
		}
	}
}

/*
 * What @t maps, page by page in the order of its regions (NULL where
 * nothing), before an op that may write only frames it allocates itself:
 * fork, which copies into new frames for the child and changes no byte of
 * a frame the parent maps.
 */
struct page **ops_snap_task(struct ops_mtask *t, unsigned long *n)
{
	struct page **pg;
	struct pmd_walk w;
	struct ops_peek p;
	unsigned long a, k = 0;
	unsigned int i;

	*n = 0;
	for (i = 0; i < t->nr; i++)
		*n += t->r[i].npages;
	pg = malloc((*n ? *n : 1) * sizeof(*pg));
	if (!pg)
		abort();
	walk_init(&w, t->t->mm);
	for (i = 0; i < t->nr; i++) {
		const struct ops_region *r = &t->r[i];

		for (a = r->start; a < r->start + (r->npages << PAGE_SHIFT); a += PAGE_SIZE) {
			walk_peek(&w, a, &p);
			pg[k++] = p.present ? p.page : NULL;
		}
	}
	return pg;
}

/*
 * After fork, with a fresh vcache: each page the parent @t still maps to
 * the frame it mapped in @snap (ops_snap_task()) holds what it held then,
 * so it goes into the vcache as holding the model's bytes without a
 * compare; except where the child @child maps another frame there (fork
 * copied that page: its source is compared too, so a copy that wrote the
 * wrong way shows at the fork). ops_verify_task() then still checks every
 * page's mapping (present or not, zero-page colour, sharing) and compares
 * each frame that changed or appeared, the child's copies and their
 * sources; a frame fork did not touch is compared at the next sweep, as
 * between sweeps. A snapshot that no longer lines up with @t's regions
 * trusts nothing.
 */
void ops_vcache_trust_unchanged(struct ops_ctx *c, struct ops_mtask *t, struct ops_mtask *child,
				struct page **snap, unsigned long n)
{
	struct pmd_walk w, cw;
	struct ops_peek p, cp;
	unsigned long a, k = 0, total = 0;
	unsigned int i;

	for (i = 0; i < t->nr; i++)
		total += t->r[i].npages;
	if (total != n)
		return;
	walk_init(&w, t->t->mm);
	walk_init(&cw, child->t->mm);
	for (i = 0; i < t->nr; i++) {
		const struct ops_region *r = &t->r[i];
		unsigned long idx = r->off;

		for (a = r->start; a < r->start + (r->npages << PAGE_SHIFT); a += PAGE_SIZE, k++, idx++) {
			const struct ops_blob *b = r->obj->pg[idx];

			walk_peek(&w, a, &p);
			if (!p.present || p.page != snap[k] || !ops_page_ptr_valid(p.page))
				continue;
			if (!r->dontcopy) {
				walk_peek(&cw, a, &cp);
				if (cp.present && cp.page != p.page)
					continue;
			}
			vcache_add(c, page_to_pfn(p.page), b ? b->data : ops_zero_bytes);
		}
	}
}

/* Every mapped page of every task. */
void ops_verify_all(struct ops_ctx *c)
{
	unsigned int i;

	ops_vcache_reset(c);
	for (i = 0; i < c->m.ntasks && !ops_failed(c); i++)
		ops_verify_task(c, &c->m.tasks[i]);
	ops_stats.verifies++;
}

/* The same address in every task: where a stray device write would show. */
void ops_verify_addr_everywhere(struct ops_ctx *c, unsigned long addr)
{
	unsigned int i;

	for (i = 0; i < c->m.ntasks && !ops_failed(c); i++) {
		struct ops_mtask *t = &c->m.tasks[i];
		struct ops_region *r = model_region_at(t, addr);

		if (r)
			ops_verify_page(c, t, r, addr);
	}
}

/* Every page that maps object page (@obj, @idx), in every task. */
void ops_verify_obj_page(struct ops_ctx *c, struct ops_obj *obj, unsigned long idx)
{
	unsigned int i, j;

	for (i = 0; i < c->m.ntasks && !ops_failed(c); i++) {
		struct ops_mtask *t = &c->m.tasks[i];

		for (j = 0; j < t->nr && !ops_failed(c); j++) {
			struct ops_region *r = &t->r[j];

			if (r->obj == obj && idx >= r->off && idx < r->off + r->npages)
				ops_verify_page(c, t, r, r->start + ((idx - r->off) << PAGE_SHIFT));
		}
	}
}

/* ---- balances, checked after every op ----------------------------------- */

/*
 * Pins taken minus pins released. The legacy DIO engine's folio_add_pin()
 * takes a pin without counting it in nr_foll_pin_acquired (the kernel's
 * asymmetry, R-BUG-7); its own counter makes up the difference.
 */
static long pins_net(void)
{
	return node_page_state(NR_FOLL_PIN_ACQUIRED) + node_page_state(FOLIO_ADD_PIN) -
	       node_page_state(NR_FOLL_PIN_RELEASED);
}

void ops_check_balances(struct ops_ctx *c)
{
	struct sim_ledger l;
	unsigned long w;

	sim_ledger_read(&l);
	if (l.pins != c->m.pins)
		ops_fail(c, "I4", "outstanding pins %ld, the model holds %ld", l.pins, c->m.pins);
	else if (pins_net() != c->m.pins)
		ops_fail(c, "I4", "nr_foll_pin_acquired + folio_add_pin - nr_foll_pin_released = %ld, the model holds %ld",
			 pins_net(), c->m.pins);
	else if (l.zero_refs != c->zero_base + c->m.zero_refs)
		ops_fail(c, "I3", "zero pages hold %ld references, expected %ld (base %ld + %ld held)",
			 l.zero_refs, c->zero_base + c->m.zero_refs, c->zero_base, c->m.zero_refs);
	else if (l.zero_pins != c->m.hz_pins)
		ops_fail(c, "I3", "huge zero folio _pincount %ld, the model holds %ld", l.zero_pins,
			 c->m.hz_pins);
	else if (l.live_mms != (long)c->m.ntasks)
		ops_fail(c, "mm", "%ld mm_structs alive for %u tasks", l.live_mms, c->m.ntasks);
	else if (l.violations != c->violations_base)
		ops_fail(c, "violation", "the machine reported %ld violation(s)",
			 l.violations - c->violations_base);
	w = pinio_warnings();
	if (w != c->warnings_base) {
		ops_fail(c, "warn", "%lu WARN(s) fired", w - c->warnings_base);
		c->warnings_base = w;
	}
}

struct folio_count {
	struct folio *folio;
	long pins, gets;
};

static int folio_count_cmp(const void *a, const void *b)
{
	const struct folio_count *x = a, *y = b;

	return x->folio < y->folio ? -1 : x->folio > y->folio;
}

/* References the page tables hold on @folio: one per PTE, one per PMD mapping. */
static long folio_map_refs(const struct folio *folio)
{
	long n, i;

	if (!folio_test_large(folio))
		return atomic_read(&folio->_mapcount) + 1;
	n = atomic_read(&folio->_entire_mapcount) + 1;
	for (i = 0; i < folio_nr_pages(folio); i++)
		n += atomic_read(&folio_page(folio, i)->_mapcount) + 1;
	return n;
}

bool ops_entry_counts_pin(const struct ops_ctx *c, const struct ops_set *s,
			     const struct ops_entry *e)
{
	return s->pin && (e->kind != OPS_PG_ZERO || c->zero_pins_count);
}

/*
 * I1: every held folio carries exactly the model's pins, and exactly the
 * references of its mappings, pins and gets.
 */
static void check_folio_pins(struct ops_ctx *c)
{
	struct folio_count *fc;
	unsigned long total = 0, n = 0, i, k;
	unsigned int si;

	for (si = 0; si < c->m.nsets; si++)
		total += c->m.sets[si].n;
	if (!total)
		return;
	fc = malloc(total * sizeof(*fc));
	if (!fc)
		abort();
	for (si = 0; si < c->m.nsets; si++) {
		struct ops_set *s = &c->m.sets[si];

		for (k = 0; k < s->n; k++) {
			struct ops_entry *e = &s->e[k];

			fc[n].folio = page_folio(e->page);
			fc[n].pins = ops_entry_counts_pin(c, s, e);
			fc[n].gets = !s->pin;
			n++;
		}
	}
	qsort(fc, n, sizeof(*fc), folio_count_cmp);
	for (i = 0, k = 0; i < n; i++) {
		if (k && fc[k - 1].folio == fc[i].folio) {
			fc[k - 1].pins += fc[i].pins;
			fc[k - 1].gets += fc[i].gets;
		} else {
			fc[k++] = fc[i];
		}
	}
	for (i = 0; i < k && !ops_failed(c); i++) {
		struct folio *folio = fc[i].folio;
		long have, ref = folio_ref_count(folio), need;

		if (is_zero_folio(folio)) {
			/* Its refcount is checked as a whole: zero_refs (I3). */
			if (c->zero_pins_count && sim_small_folio_pins(folio) != fc[i].pins)
				ops_fail(c, "I1", "zero page pfn %lu holds %ld pins, the model %ld",
					 folio_pfn(folio), sim_small_folio_pins(folio), fc[i].pins);
			continue;
		}
		if (folio_test_large(folio)) {
			have = atomic_read(&folio->_pincount);
			need = fc[i].pins + fc[i].gets;
		} else {
			have = sim_small_folio_pins(folio);
			need = fc[i].pins * (long)GUP_PIN_COUNTING_BIAS + fc[i].gets;
		}
		/* Each mapping holds one reference, a shmem slot one more; no one else does. */
		if (folio == huge_zero_folio)
			need += 1;
		else
			need += folio_map_refs(folio) + (folio->mapping && !folio_test_anon(folio));
		/* In-flight async I/O pins some too (measured, in the model's total). */
		if (ops_blk_folio_busy(c, folio))
			continue;
		if (have != fc[i].pins)
			ops_fail(c, "I1", "folio pfn %lu (order %u) holds %ld pins, the model %ld",
				 folio_pfn(folio), folio_order(folio), have, fc[i].pins);
		else if (ref != need)
			ops_fail(c, "I1",
				 "folio pfn %lu (order %u) refcount %ld, expected %ld (maps, %ld pins, %ld gets)",
				 folio_pfn(folio), folio_order(folio), ref, need, fc[i].pins,
				 fc[i].gets);
	}
	free(fc);
}

/* A pin of a private page: its task maps it there still, and no other task does. */
static void check_private_binding(struct ops_ctx *c, const struct ops_set *s,
				  const struct ops_entry *e)
{
	struct ops_mtask *t = model_task_by_id(&c->m, e->task_id);
	struct ops_peek p;
	unsigned int i;

	if (!t) {
		ops_fail(c, "model", "set %d: bound to exited task %d", s->id, e->task_id);
		return;
	}
	ops_peek_at(t->t->mm, e->vaddr, &p);
	if (!p.present || p.page != e->page) {
		ops_fail(c, "pin",
			 "set %d: task %d no longer maps its pinned pfn %lu at %#lx (%s %lu) (R-COW-2)",
			 s->id, t->id, page_to_pfn(e->page), e->vaddr,
			 p.present ? "maps pfn" : "maps nothing",
			 p.present ? page_to_pfn(p.page) : 0);
		return;
	}
	for (i = 0; i < c->m.ntasks && !ops_failed(c); i++) {
		struct ops_mtask *o = &c->m.tasks[i];

		if (o == t)
			continue;
		ops_peek_at(o->t->mm, e->vaddr, &p);
		if (p.present && p.page == e->page)
			ops_fail(c, "I6",
				 "set %d: task %d's pinned pfn %lu at %#lx is also mapped by task %d",
				 s->id, t->id, page_to_pfn(e->page), e->vaddr, o->id);
	}
}

/* A pin of a shared page: every mapping of that object page maps it, if any. */
static void check_shared_binding(struct ops_ctx *c, const struct ops_set *s,
				 const struct ops_entry *e)
{
	unsigned int i, j;
	struct ops_peek p;

	for (i = 0; i < c->m.ntasks && !ops_failed(c); i++) {
		struct ops_mtask *t = &c->m.tasks[i];

		for (j = 0; j < t->nr && !ops_failed(c); j++) {
			struct ops_region *r = &t->r[j];
			unsigned long a;

			if (r->obj != e->obj || e->idx < r->off || e->idx >= r->off + r->npages)
				continue;
			a = r->start + ((e->idx - r->off) << PAGE_SHIFT);
			ops_peek_at(t->t->mm, a, &p);
			if (p.present && p.page != e->page)
				ops_fail(c, "pin",
					 "set %d: shared page pinned as pfn %lu, task %d maps pfn %lu at %#lx",
					 s->id, page_to_pfn(e->page), t->id,
					 page_to_pfn(p.page), a);
		}
	}
}

/*
 * Every bound pin still is what its pinner maps there (R-COW-2, R-GUP-10),
 * and no other task maps a pinned private page (I6).
 */
void ops_check_bindings(struct ops_ctx *c)
{
	unsigned int si;
	unsigned long k;

	for (si = 0; si < c->m.nsets && !ops_failed(c); si++) {
		struct ops_set *s = &c->m.sets[si];

		for (k = 0; k < s->n && !ops_failed(c); k++) {
			struct ops_entry *e = &s->e[k];

			if (!s->pin || !model_entry_bound(e))
				continue;
			if (e->obj->shared)
				check_shared_binding(c, s, e);
			else
				check_private_binding(c, s, e);
		}
	}
}

void ops_check_machine(struct ops_ctx *c)
{
	long v = sim_check_quiet(!c->cfg->quiet);

	ops_stats.checks++;
	if (v) {
		ops_fail(c, "sim_check", "sim_check() found %ld violation(s)", v);
		return;
	}
	/* sim_check() counts what it printed in the ledger; nothing here. */
	check_folio_pins(c);
	ops_check_bindings(c);
}
