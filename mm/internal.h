/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mm/internal.h - what the mm files share and nothing outside mm/ should
 * call, except tests reaching internals (as the kernel's own mm selftests
 * reach mm/internal.h through debugfs).
 *
 * Models mm/internal.h: the internal FOLL_* flags, the page allocator's
 * entry points, the page-table format and walkers, the fault handler.
 */
#ifndef PINIO_MM_INTERNAL_H
#define PINIO_MM_INTERNAL_H

#include <pinio/mm.h>
#include <pinio/sched.h>
#include <pinio/sim.h>
#include <pinio/fs.h>

/* Internal FOLL_* flags (mm/internal.h, v6.5). */
#define FOLL_TOUCH		(1U << 16)
#define FOLL_TRIED		(1U << 17)
#define FOLL_REMOTE		(1U << 18)
#define FOLL_PIN		(1U << 19)
#define FOLL_FAST_ONLY		(1U << 20)
#define FOLL_UNLOCKABLE		(1U << 21)
#define INTERNAL_GUP_FLAGS	(FOLL_TOUCH | FOLL_TRIED | FOLL_REMOTE | FOLL_PIN | \
				 FOLL_FAST_ONLY | FOLL_UNLOCKABLE)

/* ---- machine-wide mm state ------------------------------------------- */

extern enum sim_profile pinio_profile;
extern bool pinio_thp_enabled;
extern atomic_long_t nr_live_folios;	/* allocated, not counting boot reservations */
extern atomic_long_t nr_violations;

/*
 * Does FOLL_PIN count on a zero page? Before c8070b787519 ("mm: Don't pin
 * ZERO_PAGE in pin_user_pages()") it did: in v6.4 (R-ZERO-9) and in the
 * v21 series as posted, whose block layer pinned user pages without that
 * follow-up -- which is exactly the window in which the R01 storm
 * overflows the zero page's refcount.
 */
static inline bool profile_pins_zero_page(void)
{
	return pinio_profile != SIM_PROFILE_V6_5;
}

/* ---- page allocator (mm/page_alloc.c) -------------------------------- */

typedef unsigned int gfp_t;
#define __GFP_ZERO	0x1u
#define __GFP_NOFAIL	0x2u	/* boot-time reservations: never injected */
#define GFP_KERNEL	0x0u

/*
 * Page poisoning (the kernel's page_poison=1): free_folio() fills freed
 * frames with PAGE_POISON and __folio_alloc() reports a frame whose poison
 * changed while it was free. On by default, so in every test, fuzz and
 * tool run; off on a machine booted with sim_config.no_page_poison.
 * Read-mostly: written only by sim_boot() and sim_shutdown(), while no
 * other thread of the machine runs (mm/page_alloc.c).
 */
extern bool pinio_page_poison;

static __always_inline bool page_poisoning_enabled(void)
{
	return likely(__atomic_load_n(&pinio_page_poison, __ATOMIC_RELAXED));
}

int mem_init(size_t bytes);
void mem_exit(void);
struct folio *__folio_alloc(gfp_t gfp, unsigned int order, enum page_owner owner,
			    const char *site);
#define folio_alloc_owner(gfp, order, owner) __folio_alloc(gfp, order, owner, __func__)
void free_folio(struct folio *folio);
unsigned long nr_free_frames(void);
const char *page_owner_site(unsigned long pfn);
const char *page_owner_name(enum page_owner owner);
void page_alloc_report_violation(struct page *page, const char *what);

/* ---- zero pages (mm/memory.c init) ----------------------------------- */

int zero_pages_init(unsigned int nr_colours, bool thp);
void zero_pages_exit(void);
unsigned int nr_zero_pages(void);

/* ---- page tables (mm/pgtable-generic.c) ------------------------------- */

typedef unsigned long pte_t;
typedef unsigned long pmd_t;

#define _PAGE_PRESENT	0x001UL
#define _PAGE_RW	0x002UL
#define _PAGE_USER	0x004UL
#define _PAGE_ACCESSED	0x020UL
#define _PAGE_DIRTY	0x040UL
#define _PAGE_PSE	0x080UL		/* PMD leaf */
#define _PAGE_PROTNONE	0x100UL		/* present but inaccessible */
#define _PAGE_SPECIAL	0x200UL		/* no struct page to touch (zero page) */
#define _PAGE_TABLE	0x001UL		/* upper-level entry points at a table */
#define PTE_PFN_MASK	0x000ffffffffff000UL

static inline pte_t ptep_get(const pte_t *ptep) { return __atomic_load_n(ptep, __ATOMIC_ACQUIRE); }
static inline void set_pte(pte_t *ptep, pte_t v) { __atomic_store_n(ptep, v, __ATOMIC_RELEASE); }
static inline pte_t ptep_get_and_clear(pte_t *ptep) { return __atomic_exchange_n(ptep, 0UL, __ATOMIC_SEQ_CST); }
#define pmdp_get(p)	ptep_get(p)
#define set_pmd(p, v)	set_pte(p, v)

static inline bool pte_none(pte_t pte) { return pte == 0; }
static inline bool pte_present(pte_t pte) { return pte & (_PAGE_PRESENT | _PAGE_PROTNONE); }
static inline bool pte_protnone(pte_t pte)
{
	return (pte & (_PAGE_PRESENT | _PAGE_PROTNONE)) == _PAGE_PROTNONE;
}
static inline bool pte_write(pte_t pte) { return pte & _PAGE_RW; }
static inline bool pte_dirty(pte_t pte) { return pte & _PAGE_DIRTY; }
static inline bool pte_special(pte_t pte) { return pte & _PAGE_SPECIAL; }
static inline unsigned long pte_pfn(pte_t pte) { return (pte & PTE_PFN_MASK) >> PAGE_SHIFT; }
static inline struct page *pte_page(pte_t pte) { return pfn_to_page(pte_pfn(pte)); }
static inline pte_t pfn_pte(unsigned long pfn, unsigned long prot) { return (pfn << PAGE_SHIFT) | prot; }
static inline pte_t pte_wrprotect(pte_t pte) { return pte & ~_PAGE_RW; }
static inline pte_t pte_mkwrite(pte_t pte) { return pte | _PAGE_RW | _PAGE_DIRTY; }
static inline bool pmd_none(pmd_t pmd) { return pmd == 0; }
static inline bool pmd_leaf(pmd_t pmd) { return (pmd & _PAGE_PSE) != 0; }
static inline bool pmd_table(pmd_t pmd) { return pmd && !(pmd & _PAGE_PSE); }
static inline pte_t *pmd_pgtable(pmd_t pmd) { return (pte_t *)(pmd & ~0xfffUL); }

static inline unsigned int pgd_index(unsigned long a) { return (a >> PGDIR_SHIFT) & 511; }
static inline unsigned int pud_index(unsigned long a) { return (a >> PUD_SHIFT) & 511; }
static inline unsigned int pmd_index(unsigned long a) { return (a >> PMD_SHIFT) & 511; }
static inline unsigned int pte_index(unsigned long a) { return (a >> PAGE_SHIFT) & 511; }

/* PTE protection bits for a VMA's flags (vm_get_page_prot). */
unsigned long vm_pgprot(unsigned long vm_flags);
pte_t *pgtable_alloc(struct mm_struct *mm);
void pgtable_free(struct mm_struct *mm, void *table);
/* Find the PMD slot of @addr, allocating upper tables if @alloc. */
pmd_t *pmd_offset_mm(struct mm_struct *mm, unsigned long addr, bool alloc);
/* Find the PTE slot of @addr; allocates the PTE table if @alloc (not on a leaf PMD). */
pte_t *pte_offset_mm(struct mm_struct *mm, unsigned long addr, bool alloc);
/* Lockless lookup for GUP-fast and the CPU: NULL if no table. */
pmd_t *pmd_lookup_lockless(struct mm_struct *mm, unsigned long addr);
void free_pgd_range(struct mm_struct *mm);

/* ---- faults and mappings (mm/memory.c, mm/huge_memory.c) -------------- */

vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long address,
			   unsigned int flags);
void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end);
bool mapping_unmap_folio(struct address_space *mapping, struct folio *folio);
int copy_page_range(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma);
void change_protection(struct vm_area_struct *vma, unsigned long start, unsigned long end,
		       unsigned long newflags);

bool vma_thp_eligible(struct vm_area_struct *vma, unsigned long haddr);
vm_fault_t do_huge_pmd_anonymous_page(struct vm_area_struct *vma, pmd_t *pmdp,
				      unsigned long address, unsigned int flags);
vm_fault_t do_huge_pmd_wp_page(struct vm_area_struct *vma, pmd_t *pmdp,
			       unsigned long address, unsigned int flags);
/* Split a PMD mapping of @haddr into 512 PTEs. Caller holds the ptl. 0 or -ENOMEM. */
int __split_huge_pmd_locked(struct vm_area_struct *vma, pmd_t *pmdp, unsigned long haddr);
int split_huge_pmd_address(struct vm_area_struct *vma, unsigned long address);
void zap_huge_pmd(struct vm_area_struct *vma, pmd_t *pmdp, unsigned long haddr);
int copy_huge_pmd(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma,
		  pmd_t *dst_pmd, pmd_t *src_pmd, unsigned long haddr);

/* rmap-ish accounting for one mapped page (mm/rmap.c in the kernel). */
void page_add_anon_rmap_new(struct folio *folio, struct vm_area_struct *vma,
			    unsigned long address, bool pmd);
void page_dup_rmap(struct page *page, bool pmd);
void page_remove_rmap(struct page *page, bool pmd);

/* ---- address spaces (mm/fork.c, mm/mmap.c) ---------------------------- */

struct mm_struct *mm_alloc(void);
void mmget(struct mm_struct *mm);
void mmput(struct mm_struct *mm);
struct mm_struct *dup_mm(struct mm_struct *oldmm);
void exit_mmap(struct mm_struct *mm);
long nr_live_mms(void);
void mm_list_lock(void);
void mm_list_unlock(void);
extern struct list_head all_mms;

struct vm_area_struct *vm_area_alloc(struct mm_struct *mm);
struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig);
void vm_area_free(struct vm_area_struct *vma);
void vma_link(struct mm_struct *mm, struct vm_area_struct *vma);
void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma);
int split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr);
int do_munmap(struct mm_struct *mm, unsigned long start, size_t len);
#define for_each_vma(mm, vma) list_for_each_entry(vma, &(mm)->mmap, vm_list)

/* shmem: MAP_SHARED|MAP_ANONYMOUS (mm/shmem.c). */
int shmem_zero_setup(struct vm_area_struct *vma, size_t size);

/* ---- the page cache (mm/filemap.c) ------------------------------------- */

/*
 * Up to @max cached folios of @mapping with index in [@start, @end], each
 * with a reference, into @out. Return: how many; *@next: where to go on
 * (0 after the last possible index).
 */
size_t pc_gang_lookup_range(struct address_space *mapping, unsigned long start,
			    unsigned long end, struct folio **out, size_t max,
			    unsigned long *next);

/* Reclaim's list of mappings (mm/vmscan.c), from mapping_init()/_destroy(). */
void mapping_reclaim_register(struct address_space *mapping);
void mapping_reclaim_unregister(struct address_space *mapping);
/* Turn the frames of large @folio into order-0 folios (mm/page_alloc.c). */
void split_folio_frames(struct folio *folio);

/* ---- GUP internals (mm/gup.c) ------------------------------------------ */

struct folio *try_grab_folio(struct page *page, int refs, unsigned int flags);
int try_grab_page(struct page *page, unsigned int flags);
void gup_put_folio(struct folio *folio, int refs, unsigned int flags);
bool gup_must_unshare(struct vm_area_struct *vma, unsigned int flags, struct page *page);
/* mm/gup.c's argument checks, shared with the slow path (mm/gup_slow.c). */
bool is_valid_gup_args(struct page **pages, int *locked, unsigned int *gup_flags_p,
		       unsigned int to_set);
/* mm/gup_slow.c: the slow path proper, also the fast path's fallback. */
long __gup_longterm_locked(struct mm_struct *mm, unsigned long start, unsigned long nr_pages,
			   struct page **pages, int *locked, unsigned int gup_flags);
/*
 * Test hook: called in the middle of the GUP-fast walk (after the first
 * grab), so a test can emulate a racing fork by bumping write_protect_seq.
 */
extern void (*gup_fast_test_hook)(struct mm_struct *mm);

int gup_init(unsigned long nr_frames);
void gup_exit(void);
/* Pins held on a small folio (the simulation's shadow count). */
long sim_small_folio_pins(const struct folio *folio);
/* folio_add_pin() calls on non-zero folios since boot (INV-9's F). */
static inline long mm_folio_add_pins(void)
{
	return node_page_state(FOLIO_ADD_PIN);
}

/* ---- seqcount (include/linux/seqlock.h), fork vs GUP-fast --------------- */

static inline unsigned int raw_read_seqcount(const seqcount_t *s)
{
	return __atomic_load_n(&s->sequence, __ATOMIC_ACQUIRE);
}
static inline void raw_write_seqcount_begin(seqcount_t *s)
{
	__atomic_fetch_add(&s->sequence, 1, __ATOMIC_SEQ_CST);
}
static inline void raw_write_seqcount_end(seqcount_t *s)
{
	__atomic_fetch_add(&s->sequence, 1, __ATOMIC_SEQ_CST);
}
static inline bool read_seqcount_retry(const seqcount_t *s, unsigned int start)
{
	smp_rmb();
	return __atomic_load_n(&s->sequence, __ATOMIC_ACQUIRE) != start;
}

/* ---- per-page accounting of outstanding pins (the ledger's "pins") ----- */

static inline void pins_outstanding_add(long n)
{
	mod_node_page_state(PINS_OUTSTANDING, n);
}

/* Pins held on non-zero folios now (GUP pins and folio_add_pin pins). */
static inline long mm_pins_outstanding(void)
{
	return node_page_state(PINS_OUTSTANDING);
}

#endif /* PINIO_MM_INTERNAL_H */
