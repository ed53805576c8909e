// SPDX-License-Identifier: GPL-2.0
/*
 * mm/filemap.c - the folio lock and the page cache: the per-mapping index,
 * lookup and insertion, buffered read and write, and the fault handler of
 * file mappings.
 *
 * Models mm/filemap.c (v6.5). folio_lock()/folio_unlock() are a bit lock on
 * PG_locked; waiters yield instead of sleeping on a wait queue. The index
 * (the kernel's xarray in address_space->i_pages) is a sorted array of
 * (index, folio) under i_pages_lock, searched by bisection; a large folio
 * (order 1..mapping_max_folio_order(), aligned to its size) has one slot
 * and covers folio_nr_pages() indexes. The cache holds one reference on
 * each folio it indexes (the kernel holds one per page). New folios get
 * the order their caller hints at (fgf_set_order(): a buffered write asks
 * for what is left to write, a read for what is left to read up to EOF,
 * like page_cache_ra_order()), clamped to the mapping's maximum, to the
 * alignment of the index and to what does not overlap a cached folio.
 * Buffered writes only dirty the cache; blocks are allocated when
 * a_ops->writepage runs. Left out: readahead beyond the read itself, LRU
 * lists (reclaim walks the index, mm/vmscan.c), shadow entries, the
 * xarray's marks (dirty folios are found by scanning the index).
 */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <pinio/pagemap.h>
#include <pinio/uio.h>
#include "mm/internal.h"

/**
 * folio_trylock() - take the folio lock (PG_locked) if it is free.
 * @folio: the folio.
 *
 * Context: never sleeps. Return: true if the caller now holds the lock.
 */
bool folio_trylock(struct folio *folio)
{
	return !test_and_set_bit(PG_locked, &folio->flags);
}

/**
 * folio_lock() - take the folio lock, yielding while someone holds it.
 * @folio: the folio (the caller holds a reference).
 */
void folio_lock(struct folio *folio)
{
	while (!folio_trylock(folio))
		sched_yield();
}

/**
 * folio_unlock() - drop the folio lock the caller holds.
 * @folio: the locked folio.
 */
void folio_unlock(struct folio *folio)
{
	VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio);
	clear_bit(PG_locked, &folio->flags);
}

/* ---- the index ------------------------------------------------------------ */

struct pc_slot {
	pgoff_t index;
	struct folio *folio;
};

/* address_space->i_pages: slots sorted by index. */
struct pc_index {
	size_t nr, cap;
	struct pc_slot *slots;
};

/**
 * mapping_init() - set up an address_space and put it on reclaim's list.
 * @mapping: zeroed memory, embedded in @host.
 * @host: the inode (or shmem object).
 * @a_ops: read_folio/writepage/dirty_folio of the owner.
 *
 * Order-0 folios only until mapping_set_large_folios().
 */
void mapping_init(struct address_space *mapping, void *host,
		  const struct address_space_operations *a_ops)
{
	memset(mapping, 0, sizeof(*mapping));
	mapping->host = host;
	mapping->a_ops = a_ops;
	mapping->needs_writeback = true;
	pthread_mutex_init(&mapping->i_pages_lock, NULL);
	pthread_mutex_init(&mapping->i_mmap_lock, NULL);
	mapping_reclaim_register(mapping);
}

/**
 * mapping_destroy() - tear down an empty address_space.
 * @mapping: nothing cached any more (WARN otherwise).
 *
 * Context: waits for a reclaim walking @mapping to leave it.
 */
void mapping_destroy(struct address_space *mapping)
{
	struct pc_index *pc = mapping->i_pages;

	mapping_reclaim_unregister(mapping);
	WARN_ON_ONCE(mapping->nrpages);
	if (pc) {
		free(pc->slots);
		free(pc);
		mapping->i_pages = NULL;
	}
	mapping_vma_set_free(mapping);
	pthread_mutex_destroy(&mapping->i_pages_lock);
	pthread_mutex_destroy(&mapping->i_mmap_lock);
}

/* First slot with index > @index. Caller holds i_pages_lock. */
static size_t pc_bisect_after(const struct pc_index *pc, pgoff_t index)
{
	size_t lo = 0, hi = pc ? pc->nr : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pc->slots[mid].index <= index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The slot of the folio covering @index (maybe a tail page), or pc->nr. */
static size_t pc_find(const struct pc_index *pc, pgoff_t index)
{
	size_t i = pc_bisect_after(pc, index);

	if (i && index - pc->slots[i - 1].index <
		 (pgoff_t)folio_nr_pages(pc->slots[i - 1].folio))
		return i - 1;
	return pc ? pc->nr : 0;
}

static struct folio *pc_lookup(struct address_space *mapping, pgoff_t index)
{
	struct pc_index *pc = mapping->i_pages;
	size_t i = pc_find(pc, index);

	return pc && i < pc->nr ? pc->slots[i].folio : NULL;
}

/*
 * Up to @max folios overlapping indexes [@start, @end], each with a
 * reference, into @out. Return: how many; *@next: the index after the last
 * folio returned (0 if that wrapped).
 */
/**
 * pc_gang_lookup_range() - the cached folios overlapping indexes
 * [@start, @end], in index order.
 * @mapping: the cache.
 * @start: first index; a large folio holding it is returned too.
 * @end: last index.
 * @out: where the folios go, each with a reference the caller puts.
 * @max: room in @out.
 * @next: out: the index after the last folio returned (0 if that wrapped).
 *
 * Return: how many folios were stored.
 */
size_t pc_gang_lookup_range(struct address_space *mapping, pgoff_t start, pgoff_t end,
			    struct folio **out, size_t max, pgoff_t *next)
{
	struct pc_index *pc;
	size_t i, n = 0;

	pthread_mutex_lock(&mapping->i_pages_lock);
	pc = mapping->i_pages;
	i = pc_find(pc, start);
	if (pc && i == pc->nr)
		i = pc_bisect_after(pc, start);
	for (; pc && i < pc->nr && n < max; i++) {
		struct folio *folio = pc->slots[i].folio;

		if (pc->slots[i].index > end)
			break;
		folio_get(folio);
		out[n++] = folio;
		*next = pc->slots[i].index + (pgoff_t)folio_nr_pages(folio);
	}
	pthread_mutex_unlock(&mapping->i_pages_lock);
	return n;
}

/**
 * filemap_add_folio() - index @folio at @index of @mapping.
 * @mapping: the cache.
 * @folio: a new folio, order <= mapping_max_folio_order().
 * @index: its first index, aligned to its size.
 *
 * The cache takes one reference; the caller keeps its own.
 * Return: 0, -EEXIST (it would overlap a cached folio), -EINVAL
 * (misaligned or too large), -ENOMEM.
 */
int filemap_add_folio(struct address_space *mapping, struct folio *folio, pgoff_t index)
{
	pgoff_t nr = (pgoff_t)folio_nr_pages(folio);
	struct pc_index *pc;
	size_t i;

	/* A large folio starts at an index aligned to its size. */
	if (WARN_ON_ONCE(index & (nr - 1)) ||
	    WARN_ON_ONCE(folio_order(folio) > mapping_max_folio_order(mapping)))
		return -EINVAL;
	pthread_mutex_lock(&mapping->i_pages_lock);
	pc = mapping->i_pages;
	if (!pc) {
		pc = calloc(1, sizeof(*pc));
		if (!pc)
			goto out_nomem;
		mapping->i_pages = pc;
	}
	i = pc_bisect_after(pc, index);
	/* Overlaps the folio before it, or the one after it? */
	if ((i && index - pc->slots[i - 1].index <
		      (pgoff_t)folio_nr_pages(pc->slots[i - 1].folio)) ||
	    (i < pc->nr && pc->slots[i].index - index < nr)) {
		pthread_mutex_unlock(&mapping->i_pages_lock);
		return -EEXIST;
	}
	if (pc->nr == pc->cap) {
		size_t cap = pc->cap ? pc->cap * 2 : 16;
		struct pc_slot *s = realloc(pc->slots, cap * sizeof(*s));

		if (!s)
			goto out_nomem;
		pc->slots = s;
		pc->cap = cap;
	}
	memmove(&pc->slots[i + 1], &pc->slots[i], (pc->nr - i) * sizeof(pc->slots[0]));
	pc->slots[i].index = index;
	pc->slots[i].folio = folio;
	pc->nr++;
	folio_get(folio);		/* the cache's reference (one per folio) */
	folio->index = index;
	WRITE_ONCE(folio->mapping, mapping);
	WRITE_ONCE(mapping->nrpages, mapping->nrpages + nr);	/* reclaim peeks */
	pthread_mutex_unlock(&mapping->i_pages_lock);
	return 0;

out_nomem:
	pthread_mutex_unlock(&mapping->i_pages_lock);
	return -ENOMEM;
}

/**
 * filemap_remove_folio() - take @folio out of its mapping's index.
 * @folio: locked; may be held elsewhere, which makes it an orphan (I7).
 *
 * Clears PG_dirty and drops the cache's reference; mapping becomes NULL.
 */
void filemap_remove_folio(struct folio *folio)
{
	struct address_space *mapping = folio->mapping;
	struct pc_index *pc;
	bool removed = false;
	size_t i;

	if (!mapping)
		return;
	pthread_mutex_lock(&mapping->i_pages_lock);
	pc = mapping->i_pages;
	i = pc_find(pc, folio->index);
	if (pc && i < pc->nr && pc->slots[i].folio == folio) {
		memmove(&pc->slots[i], &pc->slots[i + 1], (pc->nr - i - 1) * sizeof(pc->slots[0]));
		pc->nr--;
		WRITE_ONCE(mapping->nrpages,
			   mapping->nrpages - (unsigned long)folio_nr_pages(folio));
		WRITE_ONCE(folio->mapping, NULL);
		removed = true;
	}
	pthread_mutex_unlock(&mapping->i_pages_lock);
	if (removed) {
		clear_bit(PG_dirty, &folio->flags);
		folio_put(folio);	/* the cache's reference; held ones become orphans */
	}
}

/**
 * filemap_remove_folio_unused() - reclaim's removal: take the locked
 * @folio out of the index only if nobody but the cache and the caller
 * holds it and no PTE maps it, checked under the index lock so that no
 * lookup can take a reference in between (the kernel freezes the
 * refcount, folio_ref_freeze() in __remove_mapping()).
 * @mapping: the page cache @folio is in.
 * @folio: the locked folio reclaim wants to free.
 * Return: true if it was removed (the cache's reference is dropped).
 */
bool filemap_remove_folio_unused(struct address_space *mapping, struct folio *folio)
{
	struct pc_index *pc;
	bool removed = false;
	size_t i;

	pthread_mutex_lock(&mapping->i_pages_lock);
	pc = mapping->i_pages;
	i = pc_find(pc, folio->index);
	/*
	 * Acquire: whoever dropped the other references (a zap, a reader)
	 * is done with the folio before we orphan it.
	 */
	if (pc && i < pc->nr && pc->slots[i].folio == folio &&
	    __atomic_load_n(&folio->_refcount.counter, __ATOMIC_ACQUIRE) == 2 &&
	    !folio_mapped(folio) && !folio_test_dirty(folio)) {
		memmove(&pc->slots[i], &pc->slots[i + 1], (pc->nr - i - 1) * sizeof(pc->slots[0]));
		pc->nr--;
		WRITE_ONCE(mapping->nrpages,
			   mapping->nrpages - (unsigned long)folio_nr_pages(folio));
		WRITE_ONCE(folio->mapping, NULL);
		removed = true;
	}
	pthread_mutex_unlock(&mapping->i_pages_lock);
	if (removed)
		folio_put(folio);
	return removed;
}

/**
 * filemap_split_folio_index() - the page-cache half of split_folio(): under
 * the index lock, check once more that only the cache and the caller hold
 * the large @folio, split its frames (split_folio_frames()) and give each
 * page its own slot, mapping and index.
 * @mapping: the page cache @folio is in.
 * @folio: the locked, unmapped large folio.
 *
 * Context: @folio is locked and unmapped. Return: 0, -EBUSY (someone
 * else holds it, or it left the cache), -ENOMEM (nothing changed).
 */
int filemap_split_folio_index(struct address_space *mapping, struct folio *folio)
{
	unsigned long nr = (unsigned long)folio_nr_pages(folio), k;
	struct pc_index *pc;
	size_t i;

	pthread_mutex_lock(&mapping->i_pages_lock);
	pc = mapping->i_pages;
	i = pc_find(pc, folio->index);
	if (!pc || i == pc->nr || pc->slots[i].folio != folio || folio_mapped(folio) ||
	    folio_ref_count(folio) != 2 || folio_maybe_dma_pinned(folio)) {
		pthread_mutex_unlock(&mapping->i_pages_lock);
		return -EBUSY;
	}
	if (pc->nr + nr - 1 > pc->cap) {
		size_t cap = pc->cap * 2 + nr;
		struct pc_slot *s = realloc(pc->slots, cap * sizeof(*s));

		if (!s) {
			pthread_mutex_unlock(&mapping->i_pages_lock);
			return -ENOMEM;
		}
		pc->slots = s;
		pc->cap = cap;
	}
	split_folio_frames(folio);
	memmove(&pc->slots[i + nr], &pc->slots[i + 1], (pc->nr - i - 1) * sizeof(pc->slots[0]));
	for (k = 0; k < nr; k++) {
		struct folio *f = (struct folio *)folio_page(folio, k);

		if (k) {
			f->index = folio->index + k;
			WRITE_ONCE(f->mapping, mapping);
		}
		pc->slots[i + k].index = folio->index + k;
		pc->slots[i + k].folio = f;
	}
	pc->nr += nr - 1;
	pthread_mutex_unlock(&mapping->i_pages_lock);
	return 0;
}

/**
 * filemap_folio_indexed() - is @folio still the one cached at its index?
 * @mapping: the cache.
 * @folio: the folio (the caller holds a reference).
 *
 * Return: true if the index maps folio->index to @folio.
 */
bool filemap_folio_indexed(struct address_space *mapping, struct folio *folio)
{
	bool ret;

	pthread_mutex_lock(&mapping->i_pages_lock);
	ret = pc_lookup(mapping, folio->index) == folio;
	pthread_mutex_unlock(&mapping->i_pages_lock);
	return ret;
}

/*
 * The order of a new folio at @index: what the caller asked for, at most
 * the mapping's maximum, and no more than @index is aligned to (the kernel
 * takes __ffs(index) the same way).
 */
static unsigned int filemap_new_order(struct address_space *mapping, pgoff_t index,
				      unsigned int fgp_flags)
{
	unsigned int order = FGF_GET_ORDER(fgp_flags);

	if (order > mapping_max_folio_order(mapping))
		order = mapping_max_folio_order(mapping);
	while (order && (index & ((1UL << order) - 1)))
		order--;
	return order;
}

/*
 * A new page-cache folio: memory is short, so first let reclaim have a go
 * (sim_pressure_reclaim(): only from callers that said they may,
 * FGP_RECLAIM); a large folio falls back to smaller ones.
 */
static struct folio *filemap_alloc_folio(unsigned int order, unsigned int fgp_flags)
{
	struct folio *folio;

	if (fgp_flags & FGP_RECLAIM)
		pressure_reclaim(1UL << order);
	for (;;) {
		folio = folio_alloc_owner(__GFP_ZERO, order, OWNER_PAGECACHE);
		if (folio || !order)
			break;
		order--;
	}
	if (!folio && (fgp_flags & FGP_RECLAIM) && shrink_page_cache(8, true))
		folio = folio_alloc_owner(__GFP_ZERO, 0, OWNER_PAGECACHE);
	return folio;
}

/**
 * __filemap_get_folio() - find, or create, the folio holding @index.
 * @mapping: the cache.
 * @index: a page index; the folio found may start before it.
 * @fgp_flags: FGP_LOCK, FGP_CREAT, FGP_RECLAIM, fgf_set_order().
 *
 * Takes a reference for the caller, never a pin. A new folio is zeroed and
 * not uptodate; its order is the hint clamped to the mapping's maximum,
 * the alignment of @index and the free room in the index.
 * Return: the folio, ERR_PTR(-ENOENT) (not cached, no FGP_CREAT),
 * ERR_PTR(-ENOMEM).
 */
struct folio *__filemap_get_folio(struct address_space *mapping, pgoff_t index,
				  unsigned int fgp_flags)
{
	struct folio *folio;
	unsigned int order;
	int err;

	order = filemap_new_order(mapping, index, fgp_flags);
repeat:
	pthread_mutex_lock(&mapping->i_pages_lock);
	folio = pc_lookup(mapping, index);
	if (folio)
		folio_get(folio);
	pthread_mutex_unlock(&mapping->i_pages_lock);
	if (folio) {
		if (fgp_flags & FGP_LOCK) {
			folio_lock(folio);
			if (unlikely(folio->mapping != mapping ||
				     index - folio->index >= (pgoff_t)folio_nr_pages(folio))) {
				/* Truncated or split while we waited: look again. */
				folio_unlock(folio);
				folio_put(folio);
				goto repeat;
			}
		}
		return folio;
	}
	if (!(fgp_flags & FGP_CREAT))
		return ERR_PTR(-ENOENT);
	folio = filemap_alloc_folio(order, fgp_flags);
	if (!folio)
		return ERR_PTR(-ENOMEM);
	if (fgp_flags & FGP_LOCK)
		folio_lock(folio);
	err = filemap_add_folio(mapping, folio, index & ~((pgoff_t)folio_nr_pages(folio) - 1));
	if (err) {
		if (fgp_flags & FGP_LOCK)
			folio_unlock(folio);
		order = folio_order(folio);
		folio_put(folio);
		if (err == -EEXIST) {
			/* Overlaps a folio already cached: try a smaller one. */
			if (order) {
				order--;
				while (order && (index & ((1UL << order) - 1)))
					order--;
			}
			goto repeat;
		}
		return ERR_PTR(err);
	}
	return folio;
}

/**
 * filemap_get_uptodate_folio() - the folio holding @index, read in if needed.
 * @file: passed to read_folio (may be NULL).
 * @mapping: the cache.
 * @index: a page index.
 *
 * Return: the uptodate folio with a reference, or ERR_PTR(-ENOMEM, -EIO or
 * read_folio's error).
 */
struct folio *filemap_get_uptodate_folio(struct file *file, struct address_space *mapping,
					 pgoff_t index)
{
	return filemap_get_uptodate_folio_hint(file, mapping, index, 0);
}

/**
 * filemap_get_uptodate_folio_hint() - filemap_get_uptodate_folio() creating
 * a missing folio with @fgp_flags (an order hint, FGP_RECLAIM).
 * @file: passed to read_folio (may be NULL).
 * @mapping: the cache.
 * @index: a page index.
 * @fgp_flags: added to FGP_CREAT.
 *
 * Return: as filemap_get_uptodate_folio().
 */
struct folio *filemap_get_uptodate_folio_hint(struct file *file, struct address_space *mapping,
					      pgoff_t index, unsigned int fgp_flags)
{
	struct folio *folio;
	int err;

repeat:
	folio = __filemap_get_folio(mapping, index, FGP_CREAT | fgp_flags);
	if (IS_ERR(folio) || folio_test_uptodate(folio))
		return folio;
	folio_lock(folio);
	if (folio->mapping != mapping) {
		folio_unlock(folio);
		folio_put(folio);
		goto repeat;
	}
	if (folio_test_uptodate(folio)) {
		folio_unlock(folio);
		return folio;
	}
	err = mapping->a_ops->read_folio(file, folio);
	if (!err && !folio_test_uptodate(folio))
		err = -EIO;
	if (err) {
		folio_put(folio);
		return ERR_PTR(err);
	}
	return folio;
}

/*
 * The order a read of @count bytes at @pos asks for (the readahead
 * window, page_cache_ra_order()): what the read covers, clipped at EOF.
 */
static unsigned int filemap_read_order(loff_t pos, size_t count, loff_t isize)
{
	loff_t end = min_t(loff_t, pos + (loff_t)count, isize);
	pgoff_t first = (pgoff_t)(pos >> PAGE_SHIFT);
	pgoff_t last = (pgoff_t)((end + (loff_t)PAGE_SIZE - 1) >> PAGE_SHIFT);

	return last > first ? fgf_order_of((size_t)(last - first) << PAGE_SHIFT) : 0;
}

/**
 * filemap_read() - buffered read at iocb->ki_pos into @iter, to i_size.
 * @iocb: the request; ki_pos is advanced.
 * @iter: the destination.
 * @already_read: bytes a caller did before (direct I/O), added to the result.
 *
 * Copies folio by folio (large folios in one step); takes no pin. New
 * folios are as large as the rest of the read up to EOF.
 * Return: bytes read + @already_read, or -errno if nothing was read.
 */
ssize_t filemap_read(struct kiocb *iocb, struct iov_iter *iter, ssize_t already_read)
{
	struct file *file = iocb->ki_filp;
	struct address_space *mapping = file->f_mapping;
	struct inode *inode = mapping->host;
	loff_t pos = iocb->ki_pos;
	ssize_t done = 0;
	int err = 0;

	while (iov_iter_count(iter)) {
		loff_t isize = i_size_read(inode);
		size_t offset, bytes, copied;
		struct folio *folio;
		unsigned int order;

		if (pos >= isize)
			break;
		order = filemap_read_order(pos, iov_iter_count(iter), isize);
		folio = filemap_get_uptodate_folio_hint(file, mapping, (pgoff_t)(pos >> PAGE_SHIFT),
							fgf_set_order(order) | FGP_RECLAIM);
		if (IS_ERR(folio)) {
			err = (int)PTR_ERR(folio);
			break;
		}
		/* i_size again: a truncate may have run while we read the folio. */
		isize = i_size_read(inode);
		if (pos >= isize || !folio_contains_pos(folio, pos)) {
			folio_put(folio);
			if (pos >= isize)
				break;
			continue;	/* split or truncated under us: look again */
		}
		offset = (size_t)(pos - folio_pos(folio));
		bytes = min_t(size_t, folio_size(folio) - offset, iov_iter_count(iter));
		bytes = min_t(size_t, bytes, (size_t)(isize - pos));
		copied = copy_page_to_iter(&folio->page, offset, bytes, iter);
		folio_put(folio);
		pos += copied;
		done += copied;
		if (copied < bytes) {
			err = -EFAULT;
			break;
		}
	}
	iocb->ki_pos = pos;
	if (!done && !already_read && err)
		return err;
	return done + already_read;
}

/**
 * generic_perform_write() - copy @i into cached folios at iocb->ki_pos.
 * @iocb: the request; ki_pos is not advanced.
 * @i: the source.
 *
 * Context: i_rwsem held exclusive. New folios are as large as what is
 * left to write (FGP_WRITEBEGIN); a folio the write covers only in part
 * and that is not uptodate is read first. Marks folios dirty and grows
 * i_size; blocks are allocated at writeback. Takes no pin.
 * Return: bytes written, or -errno if none.
 */
ssize_t generic_perform_write(struct kiocb *iocb, struct iov_iter *i)
{
	struct file *file = iocb->ki_filp;
	struct address_space *mapping = file->f_mapping;
	struct inode *inode = mapping->host;
	loff_t pos = iocb->ki_pos;
	ssize_t written = 0;
	int err = 0;

	while (iov_iter_count(i)) {
		size_t offset, copied, bytes;
		struct folio *folio;
		bool was_uptodate;

		/* FGP_WRITEBEGIN with the size of what is left as the hint. */
		folio = __filemap_get_folio(mapping, (pgoff_t)(pos >> PAGE_SHIFT),
					    FGP_WRITEBEGIN | FGP_RECLAIM |
					    fgf_set_order(fgf_order_of(iov_iter_count(i) +
								       (pos & ~PAGE_MASK))));
		if (IS_ERR(folio)) {
			err = (int)PTR_ERR(folio);
			break;
		}
		offset = (size_t)(pos - folio_pos(folio));
		bytes = min_t(size_t, folio_size(folio) - offset, iov_iter_count(i));
		if (!folio_test_uptodate(folio) && bytes != folio_size(folio)) {
			if (folio_pos(folio) >= i_size_read(inode)) {
				/* Wholly past EOF: nothing on disk to read, the folio is zeroed. */
				memset(folio_address(folio), 0, folio_size(folio));
				set_bit(PG_uptodate, &folio->flags);
			} else {
				err = mapping->a_ops->read_folio(file, folio);
				folio_lock(folio);
				if (!err && folio->mapping != mapping)
					err = -EAGAIN;
				if (err) {
					folio_unlock(folio);
					folio_put(folio);
					if (err == -EAGAIN) {
						err = 0;
						continue;
					}
					break;
				}
			}
		}
		was_uptodate = folio_test_uptodate(folio);
		copied = copy_page_from_iter(&folio->page, offset, bytes, i);
		if (!was_uptodate && copied < bytes) {
			/* A short copy into a folio never read: keep none of it. */
			iov_iter_revert(i, copied);
			copied = 0;
		}
		if (copied) {
			set_bit(PG_uptodate, &folio->flags);
			folio_mark_dirty(folio);
			if (pos + (loff_t)copied > i_size_read(inode))
				i_size_write(inode, pos + (loff_t)copied);
		}
		folio_unlock(folio);
		folio_put(folio);
		pos += copied;
		written += copied;
		if (copied < bytes) {
			err = -EFAULT;
			break;
		}
	}
	return written ? written : err;
}

/**
 * filemap_dirty_folio() - a_ops->dirty_folio of a page-cache filesystem.
 * @mapping: the folio's mapping.
 * @folio: the folio (all its pages become dirty together).
 *
 * Return: true if it was clean (nr_dirtied counts its pages).
 */
bool filemap_dirty_folio(struct address_space *mapping, struct folio *folio)
{
	if (test_and_set_bit(PG_dirty, &folio->flags))
		return false;
	mod_node_page_state(NR_DIRTIED, folio_nr_pages(folio));
	return true;
}

/* ---- file mappings ---------------------------------------------------------- */

/**
 * filemap_fault() - vm_ops->fault of a page-cache file.
 * @vmf: the fault; vmf->page gets the subpage at vmf->pgoff.
 *
 * The lookup's folio reference becomes the PTE's.
 * Return: 0, VM_FAULT_SIGBUS (past EOF, read error), VM_FAULT_OOM.
 */
vm_fault_t filemap_fault(struct vm_fault *vmf)
{
	struct file *file = vmf->vma->vm_file;
	struct address_space *mapping = file->f_mapping;
	struct inode *inode = mapping->host;
	struct folio *folio;

	if (vmf->pgoff >= DIV_ROUND_UP((unsigned long long)i_size_read(inode), PAGE_SIZE))
		return VM_FAULT_SIGBUS;
	folio = filemap_get_uptodate_folio(file, mapping, vmf->pgoff);
	if (IS_ERR(folio))
		return PTR_ERR(folio) == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
	/* The subpage at pgoff; our folio reference becomes the PTE's. */
	vmf->page = folio_page(folio, vmf->pgoff - folio->index);
	return 0;
}

/**
 * filemap_page_mkwrite() - vm_ops->page_mkwrite: dirty the folio of
 * vmf->page under its lock before a shared PTE becomes writable.
 * @vmf: the fault.
 *
 * Return: 0, or VM_FAULT_NOPAGE if the folio left the file meanwhile
 * (truncate or invalidation): the fault is retried, and finds EOF (SIGBUS)
 * or the file's new page, as in the kernel.
 */
vm_fault_t filemap_page_mkwrite(struct vm_fault *vmf)
{
	struct folio *folio = page_folio(vmf->page);
	struct address_space *mapping = vmf->vma->vm_file->f_mapping;

	folio_lock(folio);
	if (folio->mapping != mapping) {
		folio_unlock(folio);
		return VM_FAULT_NOPAGE;		/* truncated or invalidated: retry */
	}
	folio_mark_dirty(folio);
	folio_unlock(folio);
	return 0;
}
