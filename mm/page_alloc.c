// SPDX-License-Identifier: GPL-2.0
/*
 * mm/page_alloc.c - physical memory: the frame arena, the memmap and a
 * buddy allocator for folios of order 0..MAX_ORDER.
 *
 * Models mm/page_alloc.c (free lists per order, buddy merging by pfn XOR,
 * "bad page state" checks on free) plus page_poison=1 (freed frames are
 * filled with PAGE_POISON and checked when handed out again; a boot
 * switch, page_poisoning_enabled(), off only in benchmarks) and
 * page_owner (an owner tag and allocation site per folio). Each frame also
 * carries an allocation generation, bumped on every allocation, which the
 * DMA engine compares against the one it saw at submit (I9). Left out:
 * zones, per-cpu lists, watermarks, reclaim, migration types.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <pinio/fault-inject.h>
#include <pinio/trace.h>
#include "mm/internal.h"

#define PAGE_POISON	0xaa

struct page *mem_map;
unsigned long max_pfn;
unsigned char *phys_base;
static size_t phys_bytes;

/* See page_poisoning_enabled() in mm/internal.h; set by sim_boot(). */
bool pinio_page_poison = true;

atomic_long_t nr_live_folios;
atomic_long_t nr_violations;

static pthread_mutex_t zone_lock = PTHREAD_MUTEX_INITIALIZER;
static struct list_head free_area[NR_PAGE_ORDERS];
static unsigned long nr_free[NR_PAGE_ORDERS];
static atomic_long_t free_frames;
static const char **owner_site;		/* per head pfn: allocation site */
static unsigned char poison_page[PAGE_SIZE];

static const char *const owner_names[NR_PAGE_OWNERS] = {
	[OWNER_NONE] = "none",		[OWNER_KERNEL] = "kernel",
	[OWNER_ANON] = "anon",		[OWNER_SHMEM] = "shmem",
	[OWNER_PAGECACHE] = "pagecache", [OWNER_BOUNCE] = "bounce",
	[OWNER_PIPE] = "pipe",		[OWNER_TEST] = "test",
};

/**
 * page_owner_name() - "anon", "pagecache", ... for @owner ("?" if unknown).
 * @owner: a folio's owner tag.
 */
const char *page_owner_name(enum page_owner owner)
{
	return owner < NR_PAGE_OWNERS ? owner_names[owner] : "?";
}

/**
 * page_owner_site() - where frame @pfn was last allocated ("?" if unknown).
 * @pfn: a frame number.
 *
 * Return: the allocating function's name (__func__ of the caller).
 */
const char *page_owner_site(unsigned long pfn)
{
	return (owner_site && pfn < max_pfn && owner_site[pfn]) ? owner_site[pfn] : "?";
}

/**
 * page_alloc_report_violation() - report a memory-safety violation on a frame.
 * @page: the frame.
 * @what: one line saying what went wrong.
 *
 * Counts the violation (sim_check()/the ledger see it) and prints the frame
 * with its owner and its last events. Never aborts: the caller decides.
 */
void page_alloc_report_violation(struct page *page, const char *what)
{
	unsigned long pfn = page_to_pfn(page);

	atomic_long_inc(&nr_violations);
	trace_page_event(pfn, PE_VIOLATION, 0);
	fprintf(stderr, "pinio: VIOLATION pfn %lu: %s\n", pfn, what);
	dump_page(page, what);
}

static void buddy_add(unsigned long pfn, unsigned int order)
{
	struct page *page = pfn_to_page(pfn);

	page->private = order;
	set_bit(PG_buddy, &page->flags);
	list_add(&page->lru, &free_area[order]);
	nr_free[order]++;
}

static void buddy_del(struct page *page, unsigned int order)
{
	list_del(&page->lru);
	clear_bit(PG_buddy, &page->flags);
	page->private = 0;
	nr_free[order]--;
}

/*
 * The host memory behind the frames, and the memmap, are kept over a
 * shutdown for the next boot of the same size: first touches of fresh host
 * memory cost a host page fault per 4 KiB, which was most of a THP
 * machine's boot (the huge zero folio) and of a short test, and test
 * programs boot thousands of machines. A frame not yet handed out since
 * boot may then hold bytes of an earlier boot, as real RAM does;
 * allocations that must be zeroed ask for __GFP_ZERO. The memmap is
 * cleared. Under ASan what is kept is poisoned until the next boot, so a
 * pointer kept past a shutdown is still caught.
 */
#if defined(__SANITIZE_ADDRESS__)
#define MEM_CACHE_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MEM_CACHE_ASAN	1
#endif
#endif
#ifdef MEM_CACHE_ASAN
#include <sanitizer/asan_interface.h>
#define mem_poison(p, n)	ASAN_POISON_MEMORY_REGION(p, n)
#define mem_unpoison(p, n)	ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define mem_poison(p, n)	do { (void)(p); (void)(n); } while (0)
#define mem_unpoison(p, n)	do { (void)(p); (void)(n); } while (0)
#endif

static struct {
	unsigned char *base;
	size_t bytes;
	struct page *map;
	const char **sites;
} mem_cache;

static void mem_cache_unpoison(void)
{
	unsigned long nr = mem_cache.bytes >> PAGE_SHIFT;

	mem_unpoison(mem_cache.base, mem_cache.bytes);
	mem_unpoison(mem_cache.map, nr * sizeof(*mem_cache.map));
	mem_unpoison(mem_cache.sites, nr * sizeof(*mem_cache.sites));
}

/* Boot on the kept memory if it has the size asked for. */
static bool mem_cache_get(size_t bytes)
{
	if (!mem_cache.base || mem_cache.bytes != bytes)
		return false;
	mem_cache_unpoison();
	phys_base = mem_cache.base;
	mem_map = mem_cache.map;
	owner_site = mem_cache.sites;
	memset(&mem_cache, 0, sizeof(mem_cache));
	memset(mem_map, 0, max_pfn * sizeof(*mem_map));
	memset(owner_site, 0, max_pfn * sizeof(*owner_site));
	return true;
}

static void mem_cache_drop(void)
{
	if (!mem_cache.base)
		return;
	/* The host may map something else there: no stale poison. */
	mem_cache_unpoison();
	munmap(mem_cache.base, mem_cache.bytes);
	free(mem_cache.map);
	free(mem_cache.sites);
	memset(&mem_cache, 0, sizeof(mem_cache));
}

/**
 * mem_init() - map @bytes of simulated physical memory and free it all.
 * @bytes: size of the arena (whole pages).
 *
 * Return: 0, or -ENOMEM if the host cannot provide the arena.
 */
int mem_init(size_t bytes)
{
	unsigned long pfn, o;

	max_pfn = bytes >> PAGE_SHIFT;
	phys_bytes = max_pfn << PAGE_SHIFT;
	if (!mem_cache_get(phys_bytes)) {
		mem_cache_drop();
		phys_base = mmap(NULL, phys_bytes, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (phys_base == MAP_FAILED) {
			phys_base = NULL;
			return -ENOMEM;
		}
		mem_map = calloc(max_pfn, sizeof(struct page));
		owner_site = calloc(max_pfn, sizeof(*owner_site));
		if (!mem_map || !owner_site) {
			mem_exit();
			return -ENOMEM;
		}
	}
	memset(poison_page, PAGE_POISON, sizeof(poison_page));
	for (o = 0; o < NR_PAGE_ORDERS; o++) {
		INIT_LIST_HEAD(&free_area[o]);
		nr_free[o] = 0;
	}
	for (pfn = 0; pfn < max_pfn; pfn++)
		atomic_set(&mem_map[pfn]._mapcount, -1);
	/* Largest aligned blocks first, then whatever fits at the end. */
	for (pfn = 0; pfn < max_pfn;) {
		unsigned int order = MAX_ORDER;

		while ((pfn & ((1UL << order) - 1)) || pfn + (1UL << order) > max_pfn)
			order--;
		buddy_add(pfn, order);
		pfn += 1UL << order;
	}
	atomic_long_set(&free_frames, (long)max_pfn);
	atomic_long_set(&nr_live_folios, 0);
	atomic_long_set(&nr_violations, 0);
	return 0;
}

/**
 * mem_exit() - release the simulated physical memory at shutdown.
 *
 * The host memory, memmap and site table are kept for the next boot of
 * the same size (see mem_cache); under ASan they are poisoned until then,
 * so a pointer kept past a shutdown is still caught.
 */
void mem_exit(void)
{
	if (phys_base && mem_map && owner_site) {
		/* Kept for the next boot (see mem_cache). */
		mem_cache_drop();
		mem_cache.base = phys_base;
		mem_cache.bytes = phys_bytes;
		mem_cache.map = mem_map;
		mem_cache.sites = owner_site;
		mem_poison(phys_base, phys_bytes);
		mem_poison(mem_map, max_pfn * sizeof(*mem_map));
		mem_poison(owner_site, max_pfn * sizeof(*owner_site));
	} else {
		if (phys_base)
			munmap(phys_base, phys_bytes);
		free(mem_map);
		free(owner_site);
	}
	phys_base = NULL;
	mem_map = NULL;
	owner_site = NULL;
	max_pfn = 0;
}

/**
 * nr_free_frames() - frames in the buddy allocator's free lists.
 */
unsigned long nr_free_frames(void)
{
	return (unsigned long)atomic_long_read(&free_frames);
}

/* Split a free block of @high down to @low, giving back the upper halves. */
static void expand(unsigned long pfn, unsigned int low, unsigned int high)
{
	while (high > low) {
		high--;
		buddy_add(pfn + (1UL << high), high);
	}
}

static struct page *rmqueue(unsigned int order)
{
	unsigned int o;

	for (o = order; o < NR_PAGE_ORDERS; o++) {
		struct page *page;

		if (list_empty(&free_area[o]))
			continue;
		page = list_first_entry(&free_area[o], struct page, lru);
		buddy_del(page, o);
		expand(page_to_pfn(page), order, o);
		return page;
	}
	return NULL;
}

static void check_poison(struct page *page)
{
	/*
	 * gen 0: never handed out, never poisoned. Without poisoning, nothing
	 * was written at free to compare with.
	 */
	if (page->gen && page_poisoning_enabled() && memcmp(page_address(page), poison_page, PAGE_SIZE))
		page_alloc_report_violation(page, "freed frame was written while free (poison changed)");
}

/*
 * @zero_each: zero each frame right after its poison check, while it is in
 * the cache (with poisoning on, a THP allocation read 2 MiB of poison and
 * then wrote 2 MiB of zeros in a second pass).
 */
static void prep_new_folio(struct page *head, unsigned int order, enum page_owner owner,
			   const char *site, bool zero_each)
{
	unsigned long i, nr = 1UL << order;

	for (i = 0; i < nr; i++) {
		struct page *p = head + i;

		check_poison(p);
		if (zero_each)
			memset(page_address(p), 0, PAGE_SIZE);
		WRITE_ONCE(p->gen, p->gen + 1);
		p->owner = owner;
		/*
		 * Outside zone_lock: a racing free_folio() of a neighbour may be
		 * reading this word (test_bit(PG_buddy)) to decide on a merge,
		 * so the flags word is only ever stored atomically.
		 */
		WRITE_ONCE(p->flags, 0);
		p->private = 0;
		atomic_set(&p->_mapcount, -1);
		if (i) {
			WRITE_ONCE(p->compound_head, (unsigned long)head | 1);
			p->lru.prev = NULL;
			p->mapping = NULL;
			p->index = 0;
		}
	}
	head->mapping = NULL;
	head->index = 0;
	INIT_LIST_HEAD(&head->lru);
	atomic_set(&head->_refcount, 1);
	if (order) {
		struct folio *folio = (struct folio *)head;

		set_bit(PG_head, &head->flags);
		folio->_folio_order = (unsigned char)order;
		atomic_set(&folio->_entire_mapcount, -1);
		atomic_set(&folio->_nr_pages_mapped, 0);
		atomic_set(&folio->_pincount, 0);
	}
	owner_site[page_to_pfn(head)] = site;
}

/**
 * __folio_alloc() - allocate a folio of 2^@order frames.
 * @gfp: __GFP_ZERO to zero it; __GFP_NOFAIL for boot reservations (never
 *	failed by fault injection).
 * @order: 0..MAX_ORDER.
 * @owner: owner tag for the leak report.
 * @site: allocation site (function name).
 *
 * Return: the folio with _refcount 1 and _mapcount -1, or NULL when memory
 * is exhausted or the allocation was failed by fault injection.
 */
struct folio *__folio_alloc(gfp_t gfp, unsigned int order, enum page_owner owner,
			    const char *site)
{
	struct page *page;
	bool zero_each;

	if (order > MAX_ORDER)
		return NULL;
	if (!(gfp & __GFP_NOFAIL) && should_fail_alloc(FAULT_PAGE_ALLOC))
		return NULL;
	pthread_mutex_lock(&zone_lock);
	page = rmqueue(order);
	pthread_mutex_unlock(&zone_lock);
	if (!page)
		return NULL;
	atomic_long_sub(1L << order, &free_frames);
	zero_each = (gfp & __GFP_ZERO) && page_poisoning_enabled();
	prep_new_folio(page, order, owner, site, zero_each);
	if ((gfp & __GFP_ZERO) && !zero_each)
		memset(page_address(page), 0, PAGE_SIZE << order);
	atomic_long_inc(&nr_live_folios);
	mod_node_page_state(PGALLOC, 1L << order);
	trace_page_event(page_to_pfn(page), PE_ALLOC, order);
	return (struct folio *)page;
}

static bool free_page_is_bad(struct page *page, bool head)
{
	if (atomic_read(&page->_mapcount) != -1)
		return true;
	if (head && atomic_read(&page->_refcount) != 0)
		return true;
	return test_bit(PG_locked, &page->flags) || test_bit(PG_writeback, &page->flags);
}

/**
 * free_folio() - give a folio whose last reference is gone back to the
 * buddy allocator. Its frames are poisoned first (with page poisoning on,
 * the default; without it their bytes stay as they were, and an
 * allocation that must be zeroed asks for __GFP_ZERO as always).
 * @folio: a folio whose _refcount dropped to 0 (no pin, mapped nowhere).
 */
void free_folio(struct folio *folio)
{
	unsigned int order = folio_order(folio);
	unsigned long pfn = folio_pfn(folio), nr = 1UL << order, i;

	if (order && atomic_read(&folio->_pincount))
		page_alloc_report_violation(&folio->page, "freeing a folio with _pincount != 0");
	for (i = 0; i < nr; i++) {
		struct page *p = &folio->page + i;

		if (free_page_is_bad(p, i == 0))
			page_alloc_report_violation(p, "bad page state on free (mapped or referenced)");
		WRITE_ONCE(p->flags, 0);	/* see prep_new_folio() */
		/*
		 * GUP-fast and the user-copy path read this word (page_folio())
		 * of pages they hold no reference on yet; it is also lru.next,
		 * which the buddy lists write (list.h stores ->next atomically).
		 */
		WRITE_ONCE(p->compound_head, 0);
		p->lru.prev = NULL;
		p->mapping = NULL;
		p->index = 0;
		p->private = 0;
		p->owner = OWNER_NONE;
		atomic_set(&p->_mapcount, -1);
	}
	if (order) {
		struct folio *f = folio;

		WRITE_ONCE(f->_flags_1, 0);
		f->_head_1 = 0;
		f->_folio_order = 0;
		atomic_set(&f->_entire_mapcount, 0);
		atomic_set(&f->_nr_pages_mapped, 0);
		atomic_set(&f->_pincount, 0);
		atomic_set(&f->__page_1._mapcount, -1);
	}
	if (page_poisoning_enabled())
		memset(page_address(&folio->page), PAGE_POISON, PAGE_SIZE << order);
	trace_page_event(pfn, PE_FREE, order);
	owner_site[pfn] = NULL;

	pthread_mutex_lock(&zone_lock);
	while (order < MAX_ORDER) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		struct page *buddy;

		if (buddy_pfn + (1UL << order) > max_pfn)
			break;
		buddy = pfn_to_page(buddy_pfn);
		if (!test_bit(PG_buddy, &buddy->flags) || buddy->private != order)
			break;
		buddy_del(buddy, order);
		pfn &= buddy_pfn;
		order++;
	}
	buddy_add(pfn, order);
	pthread_mutex_unlock(&zone_lock);
	atomic_long_add((long)nr, &free_frames);
	atomic_long_dec(&nr_live_folios);
	mod_node_page_state(PGFREE, (long)nr);
}

/**
 * split_folio_frames() - make every page of the large @folio an order-0
 * folio of its own (the memmap half of __split_huge_page()).
 * @folio: the locked large folio (its head).
 *
 * Each tail gets the head's owner, allocation site and its uptodate, dirty
 * and referenced bits, _refcount 1 and no mapping; the head keeps its own
 * references and flags but loses PG_head. The caller has checked that no
 * page is mapped or pinned, holds the head locked, and sets each new
 * folio's mapping and index. Each page is then freed on its own.
 */
void split_folio_frames(struct folio *folio)
{
	unsigned long nr = (unsigned long)folio_nr_pages(folio), pfn = folio_pfn(folio), i;
	unsigned long keep = folio->flags & ((1UL << PG_uptodate) | (1UL << PG_dirty) |
					     (1UL << PG_referenced));

	VM_BUG_ON_FOLIO(!folio_test_large(folio) || atomic_read(&folio->_pincount), folio);
	WRITE_ONCE(folio->_flags_1, 0);
	folio->_folio_order = 0;
	atomic_set(&folio->_entire_mapcount, 0);
	atomic_set(&folio->_nr_pages_mapped, 0);
	atomic_set(&folio->_pincount, 0);
	for (i = 1; i < nr; i++) {
		struct page *p = &folio->page + i;

		INIT_LIST_HEAD(&p->lru);	/* compound_head: no longer a tail */
		p->mapping = NULL;
		p->index = 0;
		p->private = 0;
		p->owner = folio->page.owner;
		atomic_set(&p->_mapcount, -1);
		atomic_set(&p->_refcount, 1);
		WRITE_ONCE(p->flags, keep);
		owner_site[pfn + i] = owner_site[pfn];
	}
	clear_bit(PG_head, &folio->flags);
	atomic_long_add((long)(nr - 1), &nr_live_folios);
}
