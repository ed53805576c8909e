/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/ops/model.h - the reference model behind tests/ops/ops.c: what
 * every mapped page of every task must hold, and which pages each held
 * pin or get set holds and where a device write through it must land.
 *
 * Pages are backed by objects: a private object belongs to one task (fork
 * copies it, which is what COW must look like from userspace), a shared
 * object (MAP_SHARED|MAP_ANONYMOUS) is mapped by every task that inherited
 * it. Each page's bytes are a reference-counted 4 KiB blob, NULL meaning
 * zeros. A pin entry is bound to the object page it pinned; the binding
 * holds while that page stays mapped (a private page's generation moves on
 * munmap, MADV_DONTNEED and exit; a shared object lives while mapped), so
 * a device write through a bound entry must show in exactly the mappings
 * of that object page and nowhere else (I8, R-COW-2).
 */
#ifndef PINIO_TESTS_OPS_MODEL_H
#define PINIO_TESTS_OPS_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <pinio/mm.h>
#include <pinio/sched.h>

#define OPS_MAX_TASKS		6
#define OPS_MAX_HANDLES		16
#define OPS_MAX_SETS		12
#define OPS_NR_TARGETS		3	/* tests/ops/blk.c: raw disk, simfs iomap, simfs legacy */

struct ops_blob {
	unsigned int refs;
	unsigned char data[PAGE_SIZE];
};

struct ops_obj {
	unsigned int refs;	/* regions and pin bindings */
	unsigned int nregions;	/* regions mapping it: a shared object's life */
	bool shared;
	int id;
	unsigned int stamp;	/* model_footprint(): counted already */
	unsigned long npages;
	struct ops_blob **pg;	/* per page: bytes, NULL = zeros */
	uint32_t *gen;		/* per page: bumped when a private page is zapped */
};

struct ops_region {
	unsigned long start;
	unsigned long npages;
	int prot;		/* PROT_NONE, PROT_READ or PROT_READ|PROT_WRITE */
	bool dontcopy;		/* MADV_DONTFORK */
	bool thp;		/* was mapped THP-sized: may hold 2 MiB folios */
	struct ops_obj *obj;
	unsigned long off;	/* obj page of the first page */
};

/* Where ops address memory: what mmap returned, whatever became of it. */
struct ops_handle {
	unsigned long start;
	unsigned long npages;
};

struct ops_mtask {
	struct task_struct *t;
	int id;
	struct ops_region *r;	/* sorted by start, disjoint */
	unsigned int nr, cap;
	unsigned int hint;	/* the region model_region_at() found last (checked before use) */
	struct ops_handle h[OPS_MAX_HANDLES];
	unsigned int nh, nh_added;
	int fd[OPS_NR_TARGETS][2];	/* tests/ops/blk.c: fd + 1 per target, buffered/O_DIRECT; 0: none */
};

enum ops_page_kind {
	OPS_PG_NORMAL,
	OPS_PG_ZERO,		/* a coloured small zero page */
	OPS_PG_HZERO,		/* a subpage of the huge zero folio */
};

struct ops_entry {
	struct page *page;
	uint8_t kind;
	struct ops_obj *obj;	/* binding (pins of normal pages), or NULL */
	unsigned long idx;
	uint32_t gen;
	int task_id;
	unsigned long vaddr;
};

struct ops_set {
	bool pin;
	bool write;
	unsigned int gup_flags;
	int id;
	int task_id;
	unsigned long start;
	unsigned long n;
	struct ops_entry *e;
};

struct ops_model {
	struct ops_mtask tasks[OPS_MAX_TASKS];	/* live, in creation order */
	unsigned int ntasks;
	struct ops_set sets[OPS_MAX_SETS];
	unsigned int nsets;
	long pins;		/* pins the machine must count (I4) */
	long zero_refs;		/* references on zero pages above their base (I3) */
	long hz_pins;		/* pins on the huge zero folio */
	int next_task_id, next_obj_id, next_set_id;
	unsigned int stamp;
};

void model_init(struct ops_model *m);
void model_free(struct ops_model *m);

struct ops_mtask *model_task_add(struct ops_model *m, struct task_struct *t);
struct ops_mtask *model_task_by_id(struct ops_model *m, int id);
void model_task_exit(struct ops_model *m, struct ops_mtask *t);
struct ops_mtask *model_fork(struct ops_model *m, struct ops_mtask *parent,
			     struct task_struct *child);
/*
 * Frames the mappings may hold at most: private pages (whole 2 MiB folios
 * where a THP may be), each live shared object once. The interpreter keeps
 * this plus what held sets pin within a share of memory, so that the
 * machine never runs out (the model does not predict OOM).
 */
unsigned long model_footprint(struct ops_model *m);
unsigned long model_task_private_footprint(const struct ops_mtask *t);
unsigned long model_region_footprint(unsigned long start, unsigned long npages, bool thp);

struct ops_region *model_region_at(struct ops_mtask *t, unsigned long addr);
/* model_region_at(), and [*lo, *hi): the addresses with the same answer. */
struct ops_region *model_region_span(struct ops_mtask *t, unsigned long addr, unsigned long *lo,
				     unsigned long *hi);
bool model_range_free(struct ops_mtask *t, unsigned long start, unsigned long npages);
void model_mmap(struct ops_model *m, struct ops_mtask *t, unsigned long start,
		unsigned long npages, int prot, bool shared);
void model_munmap(struct ops_model *m, struct ops_mtask *t, unsigned long start,
		  unsigned long npages);
/* -ENOMEM (nothing changed) if a page of the range is unmapped, else 0. */
int model_mprotect(struct ops_mtask *t, unsigned long start, unsigned long npages, int prot);
/* MADV_DONTNEED: private pages become zeros. Return: -ENOMEM if a hole. */
int model_dontneed(struct ops_mtask *t, unsigned long start, unsigned long npages);
int model_set_dontcopy(struct ops_mtask *t, unsigned long start, unsigned long npages,
		       bool dontcopy);
/* 0, or -ENOMEM if the range has a hole (the mapped parts are unchanged). */
int model_range_holes(struct ops_mtask *t, unsigned long start, unsigned long npages);

/* Bytes of [addr, addr+len) with access @write (or read) before the first fault. */
unsigned long model_access_prefix(struct ops_mtask *t, unsigned long addr,
				  unsigned long len, bool write);
/* Pages of [start, start+n) GUP can take for @write before the first failure. */
unsigned long model_gup_prefix(struct ops_mtask *t, unsigned long start,
			       unsigned long n, bool write);

/* The bytes of the page at @addr (NULL when zeros); @addr must be mapped. */
const unsigned char *model_page_bytes(struct ops_mtask *t, unsigned long addr);
/* Write a pattern (see ops_pattern_byte()) to [addr, addr+len) of t's memory. */
void model_write(struct ops_mtask *t, unsigned long addr, unsigned long len,
		 uint8_t pattern, bool ramp);
/* Copy @buf to [addr, addr+len) of t's memory (what a read or a device put there). */
void model_write_buf(struct ops_mtask *t, unsigned long addr, const unsigned char *buf,
		     unsigned long len);
/* Write a pattern into [sub, sub+len) of one object page. */
void model_obj_write(struct ops_obj *obj, unsigned long idx, unsigned int sub,
		     unsigned int len, uint8_t pattern, bool ramp);

void model_bind(struct ops_entry *e, struct ops_mtask *t, unsigned long vaddr);
bool model_entry_bound(const struct ops_entry *e);
void model_set_free(struct ops_model *m, unsigned int i);

void obj_get(struct ops_obj *obj);
void obj_put(struct ops_obj *obj);

/* Byte @k of a pattern write: one byte, or a ramp that shows offsets. */
static inline uint8_t ops_pattern_byte(uint8_t pattern, bool ramp, unsigned long k)
{
	return ramp ? (uint8_t)(pattern + k * 13 + (k >> 8)) : pattern;
}

/* dst[i] = ops_pattern_byte(@pattern, @ramp, @k0 + i) for i < @len, vectorised. */
void ops_pattern_fill(unsigned char *dst, uint8_t pattern, bool ramp, unsigned long k0,
		      unsigned long len);

extern const unsigned char ops_zero_bytes[PAGE_SIZE];

#endif /* PINIO_TESTS_OPS_MODEL_H */
