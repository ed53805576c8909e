/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinio/pagemap.h - the page cache: a per-file index of folios, buffered
 * read and write, writeback, invalidation and truncation, and the fault
 * handler of file mappings (include/linux/pagemap.h, mm/filemap.c,
 * mm/truncate.c, mm/page-writeback.c, v6.5).
 *
 * The cache holds one reference on every folio it indexes; folio->mapping
 * and folio->index say where it lives. A truncated or invalidated folio
 * leaves the index at once; if someone still holds it (a pipe, a bio, a
 * pin) it is orphaned (mapping = NULL) and freed by its last put, never
 * re-inserted (I7). Folios are order 0 up to mapping_max_folio_order()
 * (large folios, aligned to their size, one index slot and one cache
 * reference each, unlike the kernel's one reference per page).
 */
#ifndef PINIO_PAGEMAP_H
#define PINIO_PAGEMAP_H

#include <pinio/mm.h>
#include <pinio/fs.h>

#ifndef PINIO_PGOFF_T
#define PINIO_PGOFF_T
typedef unsigned long pgoff_t;
#endif

/* __filemap_get_folio() flags */
#define FGP_LOCK	0x01U	/* return the folio locked */
#define FGP_CREAT	0x02U	/* add a new (zeroed, !uptodate) folio if none */
/*
 * FGP_RECLAIM: the caller holds no folio lock, fs lock or page-table lock,
 * so a new folio may first run reclaim when memory is low (the simulation's
 * stand-in for the kernel's __GFP_FS-and-may-writepage context).
 */
#define FGP_RECLAIM	0x04U
#define FGP_WRITEBEGIN	(FGP_LOCK | FGP_CREAT)
/* Bits 26..31 of fgp_flags: the order a new folio should have (a hint). */
#define FGF_ORDER_SHIFT	26
#define FGF_GET_ORDER(fgp)	(((fgp) >> FGF_ORDER_SHIFT) & 0x3fU)

/* The largest page-cache folio: 2^4 pages, 64 KiB. */
#define MAX_PAGECACHE_ORDER	4U

/* fgf_set_order() - the hint for a folio of @order. */
static inline unsigned int fgf_set_order(unsigned int order)
{
	return (order & 0x3fU) << FGF_ORDER_SHIFT;
}

/* fgf_order_of() - the largest order whose folio fits in @size bytes. */
static inline unsigned int fgf_order_of(size_t size)
{
	unsigned int order = 0;

	while (order < MAX_PAGECACHE_ORDER && (PAGE_SIZE << (order + 1)) <= size)
		order++;
	return order;
}

/*
 * mapping_set_large_folios() - let @mapping cache folios up to @max_order
 * (at most MAX_PAGECACHE_ORDER); 0, the default, means order 0 only.
 */
static inline void mapping_set_large_folios(struct address_space *mapping,
					    unsigned int max_order)
{
	mapping->max_folio_order = (unsigned char)(max_order < MAX_PAGECACHE_ORDER ?
						   max_order : MAX_PAGECACHE_ORDER);
}

static inline unsigned int mapping_max_folio_order(const struct address_space *mapping)
{
	return mapping->max_folio_order;
}

/* Byte offset in the file of @folio's first byte. */
static inline loff_t folio_pos(const struct folio *folio)
{
	return (loff_t)folio->index << PAGE_SHIFT;
}

/* Does @folio (as indexed now) hold file byte @pos? */
static inline bool folio_contains_pos(const struct folio *folio, loff_t pos)
{
	return pos >= folio_pos(folio) && pos - folio_pos(folio) < (loff_t)folio_size(folio);
}

/**
 * mapping_init() - set up an address_space embedded in an inode.
 * @mapping: the space (zeroed memory).
 * @host: the inode.
 * @a_ops: read_folio/writepage/dirty_folio of the filesystem.
 */
void mapping_init(struct address_space *mapping, void *host,
		  const struct address_space_operations *a_ops);
/* mapping_destroy() - free the (empty) index and VMA set of @mapping. */
void mapping_destroy(struct address_space *mapping);

/**
 * __filemap_get_folio() - find (or create) the folio holding @index.
 * @fgp_flags: FGP_LOCK, FGP_CREAT, FGP_RECLAIM, fgf_set_order(): a new
 *	folio gets that order, clamped to the mapping's maximum and to the
 *	alignment of @index, and smaller if it would overlap a cached folio
 *	or memory is short.
 *
 * Takes a reference for the caller (folio_put() it); never a pin.
 * Return: the folio, ERR_PTR(-ENOENT) if not cached and no FGP_CREAT,
 * ERR_PTR(-ENOMEM).
 */
struct folio *__filemap_get_folio(struct address_space *mapping, pgoff_t index,
				  unsigned int fgp_flags);

static inline struct folio *filemap_get_folio(struct address_space *mapping, pgoff_t index)
{
	return __filemap_get_folio(mapping, index, 0);
}

/**
 * filemap_add_folio() - index @folio at @index of @mapping.
 *
 * The cache takes its own reference; the caller keeps its one.
 * Return: 0, -EEXIST (a folio is there already), -ENOMEM.
 */
int filemap_add_folio(struct address_space *mapping, struct folio *folio, pgoff_t index);
/*
 * filemap_remove_folio() - take @folio (locked) out of its mapping's index
 * and drop the cache's reference; mapping becomes NULL (orphan).
 */
void filemap_remove_folio(struct folio *folio);
/*
 * filemap_split_folio_index() - the page-cache half of split_folio(): the
 * slot of the locked, unmapped large @folio becomes one slot per page.
 * Return: 0, -EBUSY (held by someone but the cache and the caller), -ENOMEM.
 */
int filemap_split_folio_index(struct address_space *mapping, struct folio *folio);
/*
 * filemap_remove_folio_unused() - remove the locked, clean @folio only if
 * the cache and the caller are its sole holders and it is unmapped, all
 * under the index lock (reclaim). Return: true if removed.
 */
bool filemap_remove_folio_unused(struct address_space *mapping, struct folio *folio);
/* Is @folio still indexed at folio->index of @mapping? (tests, I7) */
bool filemap_folio_indexed(struct address_space *mapping, struct folio *folio);

/*
 * An uptodate folio holding @index (read in through a_ops->read_folio), with
 * a reference; it may be a large folio starting before @index.
 */
struct folio *filemap_get_uptodate_folio(struct file *file, struct address_space *mapping,
					 pgoff_t index);
/* The same, creating with @fgp_flags (fgf_set_order(), FGP_RECLAIM). */
struct folio *filemap_get_uptodate_folio_hint(struct file *file, struct address_space *mapping,
					      pgoff_t index, unsigned int fgp_flags);

/**
 * filemap_read() - buffered read at iocb->ki_pos into @iter, clamped to
 * i_size. Copies; takes no pin. Advances ki_pos.
 * Return: bytes read + @already_read, or -errno if nothing was read.
 */
ssize_t filemap_read(struct kiocb *iocb, struct iov_iter *iter, ssize_t already_read);
/**
 * generic_perform_write() - copy @i into cached folios at iocb->ki_pos,
 * marking them dirty and growing i_size. Blocks are allocated at writeback.
 * Caller holds i_rwsem exclusive. Does not advance ki_pos.
 * Return: bytes written, or -errno if none.
 */
ssize_t generic_perform_write(struct kiocb *iocb, struct iov_iter *i);

/* a_ops->dirty_folio of a page-cache filesystem: set PG_dirty. */
bool filemap_dirty_folio(struct address_space *mapping, struct folio *folio);

/**
 * filemap_write_and_wait_range() - write every dirty folio of bytes
 * [@lstart, @lend] (@lend -1: to the end) and wait for it. Mapped folios
 * are write-protected first (folio_mkclean()).
 * Return: 0 or the first -errno.
 */
int filemap_write_and_wait_range(struct address_space *mapping, loff_t lstart, loff_t lend);
/* Write one locked, dirty @folio now (writeback of a single page). 0 or -errno. */
int folio_write_one(struct folio *folio);

void folio_start_writeback(struct folio *folio);
void folio_end_writeback(struct folio *folio);

/**
 * invalidate_inode_pages2_range() - drop cached folios @start..@end (page
 * indexes, inclusive) before or after direct I/O: unmap them, write dirty
 * ones first, and take them out of the index (held ones are orphaned).
 * Return: 0, or -EBUSY if a dirty folio could not be written.
 */
int invalidate_inode_pages2_range(struct address_space *mapping, pgoff_t start, pgoff_t end);

/**
 * truncate_inode_pages_range() - remove cached folios of bytes
 * [@lstart, @lend] (@lend -1: to the end); partial folios at the edges are
 * zeroed over the range instead. Dirty data is dropped; mapped folios are
 * unmapped; a folio still held elsewhere is orphaned (I7).
 */
void truncate_inode_pages_range(struct address_space *mapping, loff_t lstart, loff_t lend);
void truncate_inode_pages(struct address_space *mapping, loff_t lstart);
/* truncate_pagecache() - the cache side of a size change to @newsize. */
void truncate_pagecache(struct inode *inode, loff_t newsize);

/**
 * split_folio() - split the locked, large page-cache @folio into order-0
 * folios in place (mm/huge_memory.c). The folio is unmapped from user
 * mappings first (they fault back in). Refused while anyone but the cache
 * and the caller holds it: a pin (folio_maybe_dma_pinned()), a pipe, a bio.
 * On success @folio is the first page's folio, still locked and holding the
 * caller's reference; the others are unlocked, each with the cache's.
 * Return: 0, -EBUSY (held elsewhere), -EINVAL (not a large cached folio),
 * -ENOMEM.
 */
int split_folio(struct folio *folio);

/**
 * shrink_page_cache() - reclaim page-cache folios (mm/vmscan.c): write back
 * dirty ones (@may_writepage), then evict folios that are clean, unmapped,
 * not under writeback, not pinned (folio_maybe_dma_pinned(), R-WB-2) and
 * held by nobody but the cache. Never blocks on a folio lock.
 * Return: pages evicted.
 */
unsigned long shrink_page_cache(unsigned long nr_to_reclaim, bool may_writepage);
/*
 * pressure_reclaim() - if free memory is below the low watermark (or
 * @nr_pages more would take it there), reclaim until it is above the high
 * one. Does nothing when called from reclaim itself.
 */
void pressure_reclaim(unsigned long nr_pages);

/* ---- file mappings ------------------------------------------------------ */

/* vm_ops->fault of a page-cache file: the uptodate cache folio, read in if needed. */
vm_fault_t filemap_fault(struct vm_fault *vmf);
/* vm_ops->page_mkwrite: lock, check it is still cached, mark dirty. */
vm_fault_t filemap_page_mkwrite(struct vm_fault *vmf);

/* The VMAs mapping a file (mm/rmap.c). */
int mapping_vma_add(struct address_space *mapping, struct vm_area_struct *vma);
void mapping_vma_del(struct address_space *mapping, struct vm_area_struct *vma);
void mapping_vma_set_free(struct address_space *mapping);
/*
 * folio_mkclean() - write-protect and clean every shared PTE mapping
 * @folio (locked). Return: true if one of them was dirty.
 */
bool folio_mkclean(struct folio *folio);
/* Unmap @folio (locked) from every VMA of its mapping. Return: a PTE was dirty. */
bool folio_unmap_mapping(struct folio *folio);

#endif /* PINIO_PAGEMAP_H */
