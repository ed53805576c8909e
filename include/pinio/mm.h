/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinio/mm.h - pages, folios, zero pages, references, pins and GUP.
 *
 * Models include/linux/mm.h (and the bits of pgtable.h, huge_mm.h and
 * mm/gup.c's interface that callers see), v6.5. Faithful: the reference
 * and pin model of R-REF-1..12, GUP_PIN_COUNTING_BIAS, coloured zero pages
 * with is_zero_pfn()'s unsigned-wrap range test, the GUP entry points with
 * their v6.5 signatures and return conventions. The behaviour profile
 * (sim_boot()) switches the few points the series changed: under v6.4 a pin
 * of a zero page counts like any small page.
 */
#ifndef PINIO_MM_H
#define PINIO_MM_H

#include <pinio/mm_types.h>
#include <pinio/page_ref.h>
#include <pinio/bug.h>
#include <pinio/err.h>
#include <pinio/vmstat.h>
#include <errno.h>

#define GUP_PIN_COUNTING_BIAS	(1U << 10)

/* FOLL_* flags callers may pass (include/linux/mm_types.h, v6.5). */
#define FOLL_WRITE		(1U << 0)
#define FOLL_GET		(1U << 1)
#define FOLL_DUMP		(1U << 2)
#define FOLL_FORCE		(1U << 3)
#define FOLL_NOWAIT		(1U << 4)
#define FOLL_NOFAULT		(1U << 5)
#define FOLL_HWPOISON		(1U << 6)
#define FOLL_ANON		(1U << 7)
#define FOLL_LONGTERM		(1U << 8)
#define FOLL_SPLIT_PMD		(1U << 9)
#define FOLL_PCI_P2PDMA		(1U << 10)
#define FOLL_INTERRUPTIBLE	(1U << 11)
#define FOLL_HONOR_NUMA_FAULT	(1U << 12)

/* ---- physical memory: the memmap and the direct map ----------------- */

extern struct page *mem_map;		/* one struct page per frame */
extern unsigned long max_pfn;		/* frames in the machine */
extern unsigned char *phys_base;	/* host address of frame 0 */

static inline unsigned long page_to_pfn(const struct page *page)
{
	return (unsigned long)(page - mem_map);
}

static inline struct page *pfn_to_page(unsigned long pfn)
{
	return mem_map + pfn;
}

static inline bool pfn_valid(unsigned long pfn)
{
	return pfn < max_pfn;
}

/* The frame's host address: the simulation's direct map. */
static inline void *page_address(const struct page *page)
{
	return phys_base + (page_to_pfn(page) << PAGE_SHIFT);
}

static inline struct page *virt_to_page(const void *addr)
{
	return pfn_to_page((unsigned long)((const unsigned char *)addr - phys_base) >> PAGE_SHIFT);
}

static inline bool virt_addr_valid(const void *addr)
{
	return (const unsigned char *)addr >= phys_base &&
	       (const unsigned char *)addr < phys_base + (max_pfn << PAGE_SHIFT);
}

/* ---- folios ----------------------------------------------------------- */

static inline struct page *compound_head(const struct page *page)
{
	unsigned long head = READ_ONCE(page->compound_head);

	if (unlikely(head & 1))
		return (struct page *)(head - 1);
	return (struct page *)page;
}

#define page_folio(p)		((struct folio *)compound_head(p))
#define folio_page(folio, n)	(&(folio)->page + (n))

static inline bool PageTail(const struct page *page)
{
	return READ_ONCE(page->compound_head) & 1;
}

static inline bool folio_test_large(const struct folio *folio)
{
	return test_bit(PG_head, &folio->flags);
}

static inline unsigned int folio_order(const struct folio *folio)
{
	return folio_test_large(folio) ? folio->_folio_order : 0;
}

static inline long folio_nr_pages(const struct folio *folio)
{
	return 1L << folio_order(folio);
}

static inline size_t folio_size(const struct folio *folio)
{
	return PAGE_SIZE << folio_order(folio);
}

static inline unsigned long folio_pfn(const struct folio *folio)
{
	return page_to_pfn(&folio->page);
}

static inline void *folio_address(const struct folio *folio)
{
	return page_address(&folio->page);
}

static inline bool folio_test_anon(const struct folio *folio)
{
	return ((unsigned long)folio->mapping & PAGE_MAPPING_ANON) != 0;
}

static inline bool PageAnon(const struct page *page)
{
	return folio_test_anon(page_folio(page));
}

static inline bool folio_test_dirty(const struct folio *folio) { return test_bit(PG_dirty, &folio->flags); }
static inline bool folio_test_locked(const struct folio *folio) { return test_bit(PG_locked, &folio->flags); }
static inline bool folio_test_writeback(const struct folio *folio) { return test_bit(PG_writeback, &folio->flags); }
static inline bool folio_test_uptodate(const struct folio *folio) { return test_bit(PG_uptodate, &folio->flags); }
static inline bool folio_test_reserved(const struct folio *folio) { return test_bit(PG_reserved, &folio->flags); }
static inline bool PageReserved(const struct page *page) { return test_bit(PG_reserved, &page->flags); }
static inline bool PageCompound(const struct page *page)
{
	return test_bit(PG_head, &page->flags) || PageTail(page);
}
static inline bool PageDirty(const struct page *page) { return folio_test_dirty(page_folio(page)); }

static inline bool PageAnonExclusive(const struct page *page)
{
	return test_bit(PG_anon_exclusive, &page->flags);
}
static inline void SetPageAnonExclusive(struct page *page) { set_bit(PG_anon_exclusive, &page->flags); }
static inline void ClearPageAnonExclusive(struct page *page) { clear_bit(PG_anon_exclusive, &page->flags); }

static inline bool folio_test_huge_zero(const struct folio *folio)
{
	return test_bit(PG_huge_zero, &folio->flags);
}

/* Mapped in some page table: small folio _mapcount, or any PMD/PTE mapping. */
static inline int page_mapcount(const struct page *page)
{
	int n = atomic_read(&page->_mapcount) + 1;

	if (PageCompound(page))
		n += atomic_read(&page_folio(page)->_entire_mapcount) + 1;
	return n;
}

static inline int folio_mapcount(const struct folio *folio)
{
	if (!folio_test_large(folio))
		return atomic_read(&folio->_mapcount) + 1;
	return atomic_read(&folio->_nr_pages_mapped) + atomic_read(&folio->_entire_mapcount) + 1;
}

static inline bool folio_mapped(const struct folio *folio)
{
	return folio_mapcount(folio) > 0;
}

/* ---- zero pages (R-ZERO-1..5) ---------------------------------------- */

extern unsigned long zero_pfn;		/* colour 0 */
extern unsigned long zero_page_mask;	/* ((PAGE_SIZE << order) - 1) & PAGE_MASK */
extern struct folio *huge_zero_folio;	/* NULL unless THP is on */

/* ZERO_PAGE(vaddr): the zero page of @vaddr's colour. */
#define ZERO_PAGE(vaddr) pfn_to_page(zero_pfn + (((unsigned long)(vaddr) & zero_page_mask) >> PAGE_SHIFT))

static inline unsigned long my_zero_pfn(unsigned long addr)
{
	return page_to_pfn(ZERO_PAGE(addr));
}

/* Unsigned subtraction: pfns below zero_pfn wrap and test false (EDGE-3). */
static inline bool is_zero_pfn(unsigned long pfn)
{
	return (pfn - zero_pfn) <= (zero_page_mask >> PAGE_SHIFT);
}

/**
 * is_zero_page() - is @page one of the (coloured) shared zero pages?
 * @page: the page to test.
 *
 * True for every colour, false for the huge zero folio (R-ZERO-4).
 */
static inline bool is_zero_page(const struct page *page)
{
	return is_zero_pfn(page_to_pfn(page));
}

static inline bool is_zero_folio(const struct folio *folio)
{
	return is_zero_page(&folio->page);
}

static inline bool is_huge_zero_page(const struct page *page)
{
	return huge_zero_folio && page_folio(page) == huge_zero_folio;
}

/* ---- references (R-REF-1, R-REF-10) ----------------------------------- */

void __folio_put(struct folio *folio);

/**
 * folio_get() - take a reference on @folio. Never a pin.
 * @folio: the folio; the caller already holds a reference.
 */
static inline void folio_get(struct folio *folio)
{
	VM_BUG_ON_FOLIO(page_ref_zero_or_close_to_overflow(&folio->page), folio);
	folio_ref_inc(folio);
}

static inline void get_page(struct page *page)
{
	folio_get(page_folio(page));
}

/* try_get_page(): WARN and refuse when the count is <= 0 (R-REF-10). */
static inline bool try_get_page(struct page *page)
{
	struct folio *folio = page_folio(page);

	if (WARN_ON_ONCE(folio_ref_count(folio) <= 0))
		return false;
	folio_ref_inc(folio);
	return true;
}

/**
 * folio_put() - drop a reference on @folio; frees it at zero.
 * @folio: the folio.
 */
static inline void folio_put(struct folio *folio)
{
	if (folio_ref_dec_and_test(folio))
		__folio_put(folio);
}

/**
 * folio_put_refs() - drop @refs references on @folio; frees it at zero.
 * @folio: the folio.
 * @refs: how many references to drop (> 0).
 */
static inline void folio_put_refs(struct folio *folio, int refs)
{
	if (folio_ref_sub_and_test(folio, refs))
		__folio_put(folio);
}

static inline void put_page(struct page *page)
{
	folio_put(page_folio(page));
}

/* ---- pins (R-REF-2..7) ----------------------------------------------- */

/**
 * folio_maybe_dma_pinned() - might @folio be pinned for DMA?
 * @folio: the folio to test.
 *
 * Large folios: exact (_pincount > 0). Small folios: (unsigned)_refcount >=
 * GUP_PIN_COUNTING_BIAS, which gives false positives at 1024 plain
 * references and reads an overflowed count as pinned (R-REF-5).
 */
static inline bool folio_maybe_dma_pinned(const struct folio *folio)
{
	if (folio_test_large(folio))
		return atomic_read(&folio->_pincount) > 0;
	return (unsigned int)folio_ref_count(folio) >= GUP_PIN_COUNTING_BIAS;
}

static inline bool page_maybe_dma_pinned(const struct page *page)
{
	return folio_maybe_dma_pinned(page_folio(page));
}


void unpin_user_page(struct page *page);
void unpin_user_pages(struct page **pages, unsigned long npages);
void unpin_user_pages_dirty_lock(struct page **pages, unsigned long npages, bool make_dirty);
void unpin_user_page_range_dirty_lock(struct page *page, unsigned long npages, bool make_dirty);
void unpin_user_folio(struct folio *folio, unsigned long npages);
void folio_add_pin(struct folio *folio);
/* Checked variants (the simulation's): -EINVAL and nothing changed on misuse. */
int sim_unpin_user_page(struct page *page);
int __folio_add_pin(struct folio *folio);
void release_pages(struct page **pages, int nr);

/* ---- GUP (R-GUP-1..10), v6.5 signatures ------------------------------- */

int get_user_pages_fast(unsigned long start, int nr_pages, unsigned int gup_flags,
			struct page **pages);
int pin_user_pages_fast(unsigned long start, int nr_pages, unsigned int gup_flags,
			struct page **pages);
int get_user_pages_fast_only(unsigned long start, int nr_pages, unsigned int gup_flags,
			     struct page **pages);
long get_user_pages(unsigned long start, unsigned long nr_pages, unsigned int gup_flags,
		    struct page **pages);
long pin_user_pages(unsigned long start, unsigned long nr_pages, unsigned int gup_flags,
		    struct page **pages);
long get_user_pages_unlocked(unsigned long start, unsigned long nr_pages,
			     struct page **pages, unsigned int gup_flags);
long pin_user_pages_unlocked(unsigned long start, unsigned long nr_pages,
			     struct page **pages, unsigned int gup_flags);
long get_user_pages_remote(struct mm_struct *mm, unsigned long start, unsigned long nr_pages,
			   unsigned int gup_flags, struct page **pages, int *locked);
long pin_user_pages_remote(struct mm_struct *mm, unsigned long start, unsigned long nr_pages,
			   unsigned int gup_flags, struct page **pages, int *locked);

/* ---- dirtying ------------------------------------------------------- */

bool folio_mark_dirty(struct folio *folio);
bool set_page_dirty(struct page *page);
bool set_page_dirty_lock(struct page *page);
/**
 * folio_lock() - take @folio's lock (PG_locked).
 * @folio: the folio.
 *
 * Context: spins, yielding the host thread, while another holds it; the
 * lock is not recursive. Held around truncation, writeback and dirtying
 * under set_page_dirty_lock().
 */
void folio_lock(struct folio *folio);
/**
 * folio_trylock() - take @folio's lock if it is free.
 * @folio: the folio.
 *
 * Return: true if the lock was taken.
 */
bool folio_trylock(struct folio *folio);
/**
 * folio_unlock() - release @folio's lock; unlocking a folio that is not
 * locked is a VM_BUG_ON_FOLIO().
 * @folio: the folio.
 */
void folio_unlock(struct folio *folio);
bool folio_clear_dirty_for_io(struct folio *folio);

/* ---- the mm locks (include/linux/mmap_lock.h) ------------------------- */

void mmap_read_lock(struct mm_struct *mm);
void mmap_read_unlock(struct mm_struct *mm);
void mmap_write_lock(struct mm_struct *mm);
void mmap_write_unlock(struct mm_struct *mm);
/* Does this host thread hold @mm's mmap_lock (either mode)? */
bool mmap_lock_is_held(struct mm_struct *mm);

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr);

static inline bool vma_is_anonymous(const struct vm_area_struct *vma)
{
	return !vma->vm_ops;
}

/* A private writable (or may-become-writable) mapping: COW applies. */
static inline bool is_cow_mapping(unsigned long flags)
{
	return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

#endif /* PINIO_MM_H */
