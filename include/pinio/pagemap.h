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
 * re-inserted (I7). Deviation: only order-0 folios are cached.
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
 * __filemap_get_folio() - find (or create) the folio at @index.
 * @fgp_flags: FGP_LOCK, FGP_CREAT.
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
/* Is @folio still indexed at folio->index of @mapping? (tests, I7) */
bool filemap_folio_indexed(struct address_space *mapping, struct folio *folio);

/* An uptodate folio at @index (read in through a_ops->read_folio), with a reference. */
struct folio *filemap_get_uptodate_folio(struct file *file, struct address_space *mapping,
					 pgoff_t index);

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
/* Unmap @folio (locked) from every VMA of its mapping. */
void folio_unmap_mapping(struct folio *folio);

#endif /* PINIO_PAGEMAP_H */
