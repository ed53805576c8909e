// SPDX-License-Identifier: GPL-2.0
/*
 * tests/ops/model.c - the reference model of tests/ops/model.h: tasks,
 * their mappings and the bytes behind them, and what held sets are bound
 * to. It knows nothing of page tables, folios or THP; it says what
 * userspace and a device must observe, and ops.c compares.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "tests/ops/model.h"

const unsigned char ops_zero_bytes[PAGE_SIZE];

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		abort();
	return p;
}

/* ---- patterns ---------------------------------------------------------- */

/* The ramp's offsets for the longest write (k < 17 pages), added to the pattern. */
#define RAMP_BYTES	(17 * PAGE_SIZE)
static unsigned char ramp_table[RAMP_BYTES];
typedef unsigned char v16u8 __attribute__((vector_size(16)));
static bool ramp_ready;

void ops_pattern_fill(unsigned char *dst, uint8_t pattern, bool ramp, unsigned long k0,
		      unsigned long len)
{
	const unsigned char *tab = ramp_table + k0;
	unsigned long k;

	if (!ramp) {
		memset(dst, pattern, len);
		return;
	}
	if (k0 + len > RAMP_BYTES) {
		for (k = 0; k < len; k++)
			dst[k] = ops_pattern_byte(pattern, true, k0 + k);
		return;
	}
	if (!ramp_ready) {
		for (k = 0; k < RAMP_BYTES; k++)
			ramp_table[k] = ops_pattern_byte(0, true, k);
		ramp_ready = true;
	}
	/* 16 bytes at a time: the byte loop was a quarter of a run's instructions. */
	for (k = 0; k + 16 <= len; k += 16) {
		v16u8 v;

		memcpy(&v, tab + k, sizeof(v));
		v += pattern;
		memcpy(dst + k, &v, sizeof(v));
	}
	for (; k < len; k++)
		dst[k] = (unsigned char)(pattern + tab[k]);
}

/* ---- blobs and objects --------------------------------------------- */

/*
 * Freed blobs are kept for the next writes (a long program frees and
 * allocates one per written page; malloc() of 4 KiB was a tenth of the
 * time, with page faults when the heap shrank and grew again).
 */
#define BLOB_CACHE_MAX	4096
static struct ops_blob *blob_cache[BLOB_CACHE_MAX];
static unsigned int blob_cached;

static struct ops_blob *blob_alloc(void)
{
	struct ops_blob *b;

	if (blob_cached)
		return blob_cache[--blob_cached];
	b = malloc(sizeof(*b));
	if (!b)
		abort();
	return b;
}

static void blob_put(struct ops_blob *b)
{
	if (!b || --b->refs)
		return;
	if (blob_cached < BLOB_CACHE_MAX)
		blob_cache[blob_cached++] = b;
	else
		free(b);
}

/*
 * The page's blob, private to it, for writing [@sub, @sub + @len). A new
 * blob gets the old bytes (or zeros) only outside that range: a whole-page
 * write copied 4 KiB just to overwrite them.
 */
static struct ops_blob *blob_unique(struct ops_blob **slot, unsigned int sub, unsigned int len)
{
	struct ops_blob *b = *slot, *n;
	const unsigned char *old;

	if (b && b->refs == 1)
		return b;
	n = blob_alloc();
	n->refs = 1;
	old = b ? b->data : ops_zero_bytes;
	memcpy(n->data, old, sub);
	memcpy(n->data + sub + len, old + sub + len, PAGE_SIZE - sub - len);
	blob_put(b);
	*slot = n;
	return n;
}

static struct ops_obj *obj_new(struct ops_model *m, unsigned long npages, bool shared)
{
	struct ops_obj *obj = xcalloc(1, sizeof(*obj));

	obj->refs = 1;
	obj->shared = shared;
	obj->id = m->next_obj_id++;
	obj->npages = npages;
	obj->pg = xcalloc(npages, sizeof(*obj->pg));
	obj->gen = xcalloc(npages, sizeof(*obj->gen));
	return obj;
}

void obj_get(struct ops_obj *obj)
{
	obj->refs++;
}

void obj_put(struct ops_obj *obj)
{
	unsigned long i;

	if (!obj || --obj->refs)
		return;
	for (i = 0; i < obj->npages; i++)
		blob_put(obj->pg[i]);
	free(obj->pg);
	free(obj->gen);
	free(obj);
}

/* A private page goes away: its bytes are gone, bindings to it lapse. */
static void obj_zap(struct ops_obj *obj, unsigned long idx)
{
	if (obj->shared)
		return;
	blob_put(obj->pg[idx]);
	obj->pg[idx] = NULL;
	obj->gen[idx]++;
}

void model_obj_write(struct ops_obj *obj, unsigned long idx, unsigned int sub,
		     unsigned int len, uint8_t pattern, bool ramp)
{
	struct ops_blob *b = blob_unique(&obj->pg[idx], sub, len);

	ops_pattern_fill(b->data + sub, pattern, ramp, 0, len);
}

/* ---- tasks and regions ----------------------------------------------- */

void model_init(struct ops_model *m)
{
	memset(m, 0, sizeof(*m));
	m->next_task_id = 1;
	m->next_obj_id = 1;
	m->next_set_id = 1;
}

struct ops_mtask *model_task_add(struct ops_model *m, struct task_struct *t)
{
	struct ops_mtask *mt;

	if (m->ntasks == OPS_MAX_TASKS)
		return NULL;
	mt = &m->tasks[m->ntasks++];
	memset(mt, 0, sizeof(*mt));
	mt->t = t;
	mt->id = m->next_task_id++;
	return mt;
}

struct ops_mtask *model_task_by_id(struct ops_model *m, int id)
{
	unsigned int i;

	for (i = 0; i < m->ntasks; i++)
		if (m->tasks[i].id == id)
			return &m->tasks[i];
	return NULL;
}

/* Index of the region containing @addr, or of the first one after it. */
static unsigned int region_index(const struct ops_mtask *t, unsigned long addr)
{
	unsigned int lo = 0, hi = t->nr;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;
		const struct ops_region *r = &t->r[mid];

		if (r->start + (r->npages << PAGE_SHIFT) <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct ops_region *model_region_at(struct ops_mtask *t, unsigned long addr)
{
	unsigned int i = t->hint;

	/* Sweeps and ranges ask page by page: mostly the region of the last call. */
	if (i < t->nr && t->r[i].start <= addr &&
	    addr - t->r[i].start < (t->r[i].npages << PAGE_SHIFT))
		return &t->r[i];
	i = region_index(t, addr);
	if (i < t->nr && t->r[i].start <= addr) {
		t->hint = i;
		return &t->r[i];
	}
	return NULL;
}

struct ops_region *model_region_span(struct ops_mtask *t, unsigned long addr, unsigned long *lo,
				     unsigned long *hi)
{
	unsigned int i = region_index(t, addr);

	if (i < t->nr && t->r[i].start <= addr) {
		*lo = t->r[i].start;
		*hi = t->r[i].start + (t->r[i].npages << PAGE_SHIFT);
		return &t->r[i];
	}
	*lo = i ? t->r[i - 1].start + (t->r[i - 1].npages << PAGE_SHIFT) : 0;
	*hi = i < t->nr ? t->r[i].start : ~0UL;
	return NULL;
}

static struct ops_region *region_insert(struct ops_mtask *t, unsigned int i)
{
	if (t->nr == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->r = realloc(t->r, t->cap * sizeof(*t->r));
		if (!t->r)
			abort();
	}
	memmove(&t->r[i + 1], &t->r[i], (t->nr - i) * sizeof(*t->r));
	t->nr++;
	return &t->r[i];
}

static void region_remove(struct ops_mtask *t, unsigned int i)
{
	struct ops_region *r = &t->r[i];

	r->obj->nregions--;
	obj_put(r->obj);
	memmove(&t->r[i], &t->r[i + 1], (t->nr - i - 1) * sizeof(*t->r));
	t->nr--;
}

/* Split the region containing @addr so that one starts at @addr. */
static void region_split(struct ops_mtask *t, unsigned long addr)
{
	unsigned int i = region_index(t, addr);
	struct ops_region *r, *n;
	unsigned long head;

	if (i == t->nr || t->r[i].start >= addr)
		return;
	r = region_insert(t, i + 1) - 1;
	n = r + 1;
	head = (addr - r->start) >> PAGE_SHIFT;
	*n = *r;
	n->start = addr;
	n->npages = r->npages - head;
	n->off = r->off + head;
	r->npages = head;
	obj_get(n->obj);
	n->obj->nregions++;
}

bool model_range_free(struct ops_mtask *t, unsigned long start, unsigned long npages)
{
	unsigned int i = region_index(t, start);

	return i == t->nr || t->r[i].start >= start + (npages << PAGE_SHIFT);
}

void model_mmap(struct ops_model *m, struct ops_mtask *t, unsigned long start,
		unsigned long npages, int prot, bool shared)
{
	unsigned int i = region_index(t, start);
	struct ops_region *r = region_insert(t, i);

	memset(r, 0, sizeof(*r));
	r->start = start;
	r->npages = npages;
	r->prot = prot;
	r->thp = npages >= HPAGE_PMD_NR;
	r->obj = obj_new(m, npages, shared);
	r->obj->nregions = 1;
}

void model_munmap(struct ops_model *m, struct ops_mtask *t, unsigned long start,
		  unsigned long npages)
{
	unsigned long end = start + (npages << PAGE_SHIFT), p;
	unsigned int i;

	region_split(t, start);
	region_split(t, end);
	i = region_index(t, start);
	while (i < t->nr && t->r[i].start < end) {
		struct ops_region *r = &t->r[i];

		for (p = 0; p < r->npages; p++)
			obj_zap(r->obj, r->off + p);
		region_remove(t, i);
	}
}

int model_range_holes(struct ops_mtask *t, unsigned long start, unsigned long npages)
{
	unsigned long a = start, end = start + (npages << PAGE_SHIFT);

	while (a < end) {
		struct ops_region *r = model_region_at(t, a);

		if (!r)
			return -ENOMEM;
		a = r->start + (r->npages << PAGE_SHIFT);
	}
	return 0;
}

int model_mprotect(struct ops_mtask *t, unsigned long start, unsigned long npages, int prot)
{
	unsigned long end = start + (npages << PAGE_SHIFT);
	unsigned int i;

	if (model_range_holes(t, start, npages))
		return -ENOMEM;
	region_split(t, start);
	region_split(t, end);
	for (i = region_index(t, start); i < t->nr && t->r[i].start < end; i++)
		t->r[i].prot = prot;
	return 0;
}

int model_set_dontcopy(struct ops_mtask *t, unsigned long start, unsigned long npages,
		       bool dontcopy)
{
	unsigned long end = start + (npages << PAGE_SHIFT);
	unsigned int i;

	region_split(t, start);
	region_split(t, end);
	for (i = region_index(t, start); i < t->nr && t->r[i].start < end; i++)
		t->r[i].dontcopy = dontcopy;
	return model_range_holes(t, start, npages);
}

int model_dontneed(struct ops_mtask *t, unsigned long start, unsigned long npages)
{
	unsigned long a;

	for (a = start; a < start + (npages << PAGE_SHIFT); a += PAGE_SIZE) {
		struct ops_region *r = model_region_at(t, a);

		if (r)
			obj_zap(r->obj, r->off + ((a - r->start) >> PAGE_SHIFT));
	}
	return model_range_holes(t, start, npages);
}

void model_task_exit(struct ops_model *m, struct ops_mtask *t)
{
	unsigned int i = (unsigned int)(t - m->tasks);

	while (t->nr)
		model_munmap(m, t, t->r[0].start, t->r[0].npages);
	free(t->r);
	memmove(&m->tasks[i], &m->tasks[i + 1], (m->ntasks - i - 1) * sizeof(*t));
	m->ntasks--;
}

unsigned long model_region_footprint(unsigned long start, unsigned long npages, bool thp)
{
	unsigned long end = start + (npages << PAGE_SHIFT);

	if (!thp)
		return npages;
	return ((ALIGN(end, PMD_SIZE) - (start & PMD_MASK)) >> PMD_SHIFT) * HPAGE_PMD_NR;
}

unsigned long model_task_private_footprint(const struct ops_mtask *t)
{
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; i < t->nr; i++)
		if (!t->r[i].obj->shared)
			n += model_region_footprint(t->r[i].start, t->r[i].npages, t->r[i].thp);
	return n;
}

unsigned long model_footprint(struct ops_model *m)
{
	unsigned long n = 0;
	unsigned int i, j;

	m->stamp++;
	for (i = 0; i < m->ntasks; i++) {
		struct ops_mtask *t = &m->tasks[i];

		n += model_task_private_footprint(t);
		for (j = 0; j < t->nr; j++) {
			struct ops_obj *obj = t->r[j].obj;

			if (obj->shared && obj->stamp != m->stamp) {
				obj->stamp = m->stamp;
				n += obj->npages;
			}
		}
	}
	return n;
}

struct ops_mtask *model_fork(struct ops_model *m, struct ops_mtask *parent,
			     struct task_struct *child)
{
	unsigned int pi = (unsigned int)(parent - m->tasks), i;
	struct ops_mtask *c = model_task_add(m, child);

	if (!c)
		return NULL;
	parent = &m->tasks[pi];
	memcpy(c->h, parent->h, sizeof(c->h));
	memcpy(c->fd, parent->fd, sizeof(c->fd));	/* fork copies the descriptor table */
	c->nh = parent->nh;
	c->nh_added = parent->nh_added;
	for (i = 0; i < parent->nr; i++) {
		const struct ops_region *pr = &parent->r[i];
		struct ops_region *r;
		unsigned long p;

		if (pr->dontcopy)
			continue;
		r = region_insert(c, c->nr);
		*r = *pr;
		if (pr->obj->shared) {
			obj_get(r->obj);
			r->obj->nregions++;
			continue;
		}
		/* What COW must look like: the child's own copy, as of now. */
		r->obj = obj_new(m, pr->npages, false);
		r->obj->nregions = 1;
		r->off = 0;
		for (p = 0; p < pr->npages; p++) {
			struct ops_blob *b = pr->obj->pg[pr->off + p];

			if (b)
				b->refs++;
			r->obj->pg[p] = b;
		}
	}
	return c;
}

/* ---- access ----------------------------------------------------------- */

static bool prot_allows(int prot, bool write)
{
	return write ? (prot & PROT_WRITE) : (prot & (PROT_READ | PROT_WRITE));
}

unsigned long model_access_prefix(struct ops_mtask *t, unsigned long addr,
				  unsigned long len, bool write)
{
	unsigned long done = 0;

	while (done < len) {
		unsigned long a = addr + done;
		struct ops_region *r = model_region_at(t, a);

		if (!r || !prot_allows(r->prot, write))
			break;
		done += PAGE_SIZE - (a & ~PAGE_MASK);
	}
	return done < len ? done : len;
}

unsigned long model_gup_prefix(struct ops_mtask *t, unsigned long start,
			       unsigned long n, bool write)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		struct ops_region *r = model_region_at(t, start + (i << PAGE_SHIFT));

		if (!r || !prot_allows(r->prot, write))
			break;
	}
	return i;
}

const unsigned char *model_page_bytes(struct ops_mtask *t, unsigned long addr)
{
	struct ops_region *r = model_region_at(t, addr);
	struct ops_blob *b;

	if (!r)
		return NULL;
	b = r->obj->pg[r->off + ((addr - r->start) >> PAGE_SHIFT)];
	return b ? b->data : NULL;
}

/*
 * t's own copy (COW broken in the model) of the page at @a, which is
 * mapped, for writing @n bytes from @a (within the page).
 */
static unsigned char *model_page_for_write(struct ops_mtask *t, unsigned long a, unsigned int n)
{
	struct ops_region *r = model_region_at(t, a);

	if (!r)
		abort();
	return blob_unique(&r->obj->pg[r->off + ((a - r->start) >> PAGE_SHIFT)],
			   (unsigned int)(a & ~PAGE_MASK), n)->data;
}

/* Bytes of page @a from @a up to the page end, at most @left. */
static unsigned int model_page_part(unsigned long a, unsigned long left)
{
	unsigned long room = PAGE_SIZE - (a & ~PAGE_MASK);

	return (unsigned int)(room < left ? room : left);
}

void model_write(struct ops_mtask *t, unsigned long addr, unsigned long len,
		 uint8_t pattern, bool ramp)
{
	unsigned long done, a;
	unsigned int n;

	for (done = 0; done < len; done += n) {
		a = addr + done;
		n = model_page_part(a, len - done);
		ops_pattern_fill(model_page_for_write(t, a, n) + (a & ~PAGE_MASK), pattern, ramp,
				 done, n);
	}
}

/* Copy @len bytes of @buf into [addr, addr+len) of t's memory (all mapped). */
void model_write_buf(struct ops_mtask *t, unsigned long addr, const unsigned char *buf,
		     unsigned long len)
{
	unsigned long done, a;
	unsigned int n;

	for (done = 0; done < len; done += n) {
		a = addr + done;
		n = model_page_part(a, len - done);
		memcpy(model_page_for_write(t, a, n) + (a & ~PAGE_MASK), buf + done, n);
	}
}

/* ---- held sets -------------------------------------------------------- */

void model_bind(struct ops_entry *e, struct ops_mtask *t, unsigned long vaddr)
{
	struct ops_region *r = model_region_at(t, vaddr);

	e->task_id = t->id;
	e->vaddr = vaddr;
	e->obj = NULL;
	if (!r)
		return;
	e->obj = r->obj;
	e->idx = r->off + ((vaddr - r->start) >> PAGE_SHIFT);
	e->gen = r->obj->gen[e->idx];
	obj_get(e->obj);
}

bool model_entry_bound(const struct ops_entry *e)
{
	if (!e->obj)
		return false;
	if (e->obj->shared)
		return e->obj->nregions > 0;
	return e->gen == e->obj->gen[e->idx];
}

void model_set_free(struct ops_model *m, unsigned int i)
{
	struct ops_set *s = &m->sets[i];
	unsigned long k;

	for (k = 0; k < s->n; k++)
		obj_put(s->e[k].obj);
	free(s->e);
	memmove(&m->sets[i], &m->sets[i + 1], (m->nsets - i - 1) * sizeof(*s));
	m->nsets--;
}

void model_free(struct ops_model *m)
{
	while (m->nsets)
		model_set_free(m, m->nsets - 1);
	while (m->ntasks)
		model_task_exit(m, &m->tasks[m->ntasks - 1]);
}
