/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinio/mm_types.h - struct page, struct folio, VMAs and the mm.
 *
 * Models include/linux/mm_types.h. Faithful: struct folio overlays the
 * first two struct pages of a compound page exactly as the kernel's does
 * (head fields in page 0, _folio_order/_entire_mapcount/_pincount in page 1,
 * tail pages point at the head through compound_head with bit 0 set), so
 * page_folio() is the kernel's pointer trick. Simplified: no memcg, no
 * LRU lists, no anon_vma (anon pages carry PAGE_MAPPING_ANON and the owning
 * mm is found through the page tables). Added: an allocation generation and
 * an owner tag per frame for the DMA checker and the leak report.
 */
#ifndef PINIO_MM_TYPES_H
#define PINIO_MM_TYPES_H

#include <pinio/compiler.h>
#include <pinio/atomic.h>
#include <pinio/list.h>
#include <pthread.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define PMD_SHIFT	21
#define PMD_SIZE	(1UL << PMD_SHIFT)
#define PMD_MASK	(~(PMD_SIZE - 1))
#define PUD_SHIFT	30
#define PGDIR_SHIFT	39
#define PTRS_PER_TABLE	512
#define HPAGE_PMD_ORDER	(PMD_SHIFT - PAGE_SHIFT)
#define HPAGE_PMD_NR	(1 << HPAGE_PMD_ORDER)
/* Folio orders 0 .. MAX_ORDER inclusive; the largest folio is PMD-sized. */
#define MAX_ORDER	HPAGE_PMD_ORDER
#define NR_PAGE_ORDERS	(MAX_ORDER + 1)

/* 47-bit user address space, as x86-64 with 4-level paging. */
#define TASK_SIZE_MAX	((1UL << 47) - PAGE_SIZE)

/* Who allocated a frame: printed by the leak report. */
enum page_owner {
	OWNER_NONE = 0,
	OWNER_KERNEL,		/* zero pages, huge zero folio, boot */
	OWNER_ANON,		/* anonymous user memory */
	OWNER_SHMEM,		/* MAP_SHARED|MAP_ANONYMOUS */
	OWNER_PAGECACHE,
	OWNER_BOUNCE,		/* blk-map bounce buffers */
	OWNER_PIPE,		/* pipe / splice pages */
	OWNER_TEST,		/* allocated directly by a test */
	NR_PAGE_OWNERS,
};

struct address_space;

/**
 * struct page - one 4 KiB frame of simulated physical memory (64 bytes).
 * @flags: PG_* bits, atomic.
 * @lru: buddy free list linkage while free.
 * @mapping: anon pages: PAGE_MAPPING_ANON; file/shmem pages: the mapping.
 * @index: page offset within the mapping.
 * @compound_head: tail pages only: head page address | 1.
 * @private: buddy order while free; filesystem private otherwise.
 * @_mapcount: page table mappings of this page, minus one (-1 = unmapped).
 * @_refcount: references; GUP_PIN_COUNTING_BIAS per pin on small folios.
 * @gen: allocation generation, bumped each time the frame is allocated.
 * @owner: enum page_owner of the current allocation.
 */
struct page {
	unsigned long flags;
	union {
		struct {
			struct list_head lru;
			struct address_space *mapping;
			unsigned long index;
		};
		struct {
			unsigned long compound_head;
		};
	};
	unsigned long private;
	atomic_t _mapcount;
	atomic_t _refcount;
	unsigned int gen;
	unsigned short owner;
	unsigned short _pad;
};

/**
 * struct folio - a power-of-two run of pages managed as one unit.
 *
 * Overlays struct page[0] (and struct page[1] for large folios). Fields of
 * page 1 are only valid when folio_test_large().
 */
struct folio {
	union {
		struct {
			unsigned long flags;
			struct list_head lru;
			struct address_space *mapping;
			unsigned long index;
			unsigned long private;
			atomic_t _mapcount;
			atomic_t _refcount;
			unsigned int gen;
			unsigned short owner;
			unsigned short _pad;
		};
		struct page page;
	};
	union {
		struct {
			unsigned long _flags_1;
			unsigned long _head_1;
			unsigned char _folio_order;
			unsigned char _pad1[3];
			atomic_t _entire_mapcount;	/* PMD mappings, minus one */
			atomic_t _nr_pages_mapped;
			atomic_t _pincount;		/* FOLL_PIN pins, large folios */
		};
		struct page __page_1;
	};
};

_Static_assert(sizeof(struct page) == 64, "struct page must stay 64 bytes");
_Static_assert(offsetof(struct folio, _refcount) == offsetof(struct page, _refcount), "folio overlay");
_Static_assert(offsetof(struct folio, _head_1) == sizeof(struct page) + offsetof(struct page, compound_head),
	       "folio page-1 overlay");

/* Page flags. */
enum pageflags {
	PG_locked,
	PG_referenced,
	PG_uptodate,
	PG_dirty,
	PG_lru,
	PG_head,
	PG_reserved,
	PG_private,
	PG_writeback,
	PG_swapbacked,
	PG_anon_exclusive,	/* kernel: PG_mappedtodisk reused on anon pages */
	PG_buddy,		/* free, in the buddy allocator */
	PG_has_hwpoisoned,
	PG_huge_zero,		/* the huge zero folio */
	PG_checked,
	NR_PAGEFLAGS,
};

#define PAGE_MAPPING_ANON	0x1UL

/* VMA flags (include/linux/mm.h values). */
#define VM_NONE		0x00000000UL
#define VM_READ		0x00000001UL
#define VM_WRITE	0x00000002UL
#define VM_EXEC		0x00000004UL
#define VM_SHARED	0x00000008UL
#define VM_MAYREAD	0x00000010UL
#define VM_MAYWRITE	0x00000020UL
#define VM_MAYEXEC	0x00000040UL
#define VM_MAYSHARE	0x00000080UL
#define VM_PFNMAP	0x00000400UL
#define VM_LOCKED	0x00002000UL
#define VM_IO		0x00004000UL
#define VM_DONTCOPY	0x00020000UL
#define VM_DONTEXPAND	0x00040000UL
#define VM_NORESERVE	0x00200000UL
#define VM_HUGEPAGE	0x20000000UL
#define VM_NOHUGEPAGE	0x40000000UL

struct vm_area_struct;
struct vm_fault;
struct file;

typedef unsigned int vm_fault_t;
enum vm_fault_reason {
	VM_FAULT_OOM		= 0x000001,
	VM_FAULT_SIGBUS		= 0x000002,
	VM_FAULT_MAJOR		= 0x000004,
	VM_FAULT_HWPOISON	= 0x000010,
	VM_FAULT_SIGSEGV	= 0x000040,
	VM_FAULT_NOPAGE		= 0x000100,
	VM_FAULT_LOCKED		= 0x000200,
	VM_FAULT_RETRY		= 0x000400,
	VM_FAULT_FALLBACK	= 0x000800,
};
#define VM_FAULT_ERROR (VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV | VM_FAULT_HWPOISON)

enum fault_flag {
	FAULT_FLAG_WRITE	= 1 << 0,
	FAULT_FLAG_REMOTE	= 1 << 7,
	FAULT_FLAG_UNSHARE	= 1 << 10,
};

/**
 * struct vm_operations_struct - what a file-backed or shmem VMA provides.
 * @fault: find (or create) the folio for vmf->pgoff, return it in vmf->page
 *	with one reference held for the caller (which the mapping keeps).
 * @page_mkwrite: a write fault on a shared mapping is about to make the
 *	page writable (dirty tracking); may be NULL.
 * @open: a VMA was duplicated (fork, split); take a reference on private data.
 * @close: a VMA goes away; drop what @open took.
 * @needs_dirty_tracking: writable shared mappings must be write-protected
 *	for writeback (a filesystem with writeback; false for shmem).
 */
struct vm_operations_struct {
	vm_fault_t (*fault)(struct vm_fault *vmf);
	vm_fault_t (*page_mkwrite)(struct vm_fault *vmf);
	void (*open)(struct vm_area_struct *vma);
	void (*close)(struct vm_area_struct *vma);
	bool needs_dirty_tracking;
};

struct vm_fault {
	struct vm_area_struct *vma;
	unsigned long address;
	unsigned int flags;		/* FAULT_FLAG_* */
	unsigned long pgoff;
	struct page *page;		/* out: from ->fault */
};

/**
 * struct vm_area_struct - one mapping of the address space.
 * @vm_start, @vm_end: [start, end) user addresses, page aligned.
 * @vm_flags: VM_* bits.
 * @vm_pgoff: offset of vm_start in the object, in pages.
 * @vm_ops: NULL for private anonymous memory.
 * @vm_private_data: the object behind vm_ops (shmem object, file).
 * @vm_file: the file for file mappings, NULL otherwise.
 */
struct vm_area_struct {
	unsigned long vm_start;
	unsigned long vm_end;
	struct mm_struct *vm_mm;
	unsigned long vm_flags;
	unsigned long vm_pgoff;
	const struct vm_operations_struct *vm_ops;
	void *vm_private_data;
	struct file *vm_file;
	struct list_head vm_list;
};

/* mm->flags bits. */
enum mm_flag {
	MMF_HAS_PINNED = 27,	/* sticky: a FOLL_PIN GUP happened on this mm */
	MMF_HUGE_ZERO_PAGE = 23,
};

typedef struct { unsigned int sequence; } seqcount_t;

/**
 * struct mm_struct - an address space.
 * @pgd: top-level page table (512 entries of 8 bytes, host memory).
 * @mmap: VMAs sorted by address.
 * @mmap_lock: the rwsem, as a pthread rwlock.
 * @page_table_lock: protects page-table updates (one lock per mm).
 * @write_protect_seq: odd while fork write-protects this mm's anon PTEs.
 * @flags: MMF_* bits.
 * @mm_users: tasks using this mm; the mm is torn down when it reaches 0.
 */
struct mm_struct {
	unsigned long *pgd;
	struct list_head mmap;
	int map_count;
	pthread_rwlock_t mmap_lock;
	pthread_mutex_t page_table_lock;
	seqcount_t write_protect_seq;
	unsigned long flags;
	atomic_t mm_users;
	atomic_long_t pgtables_bytes;
	atomic_long_t rss_anon;
	atomic_long_t rss_file;
	unsigned long mmap_base;
	struct list_head mm_list;	/* all mms, for sim_check() */
	int owner_pid;
};

#endif /* PINIO_MM_TYPES_H */
