/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinio/fs.h - the address_space a page-cache or shmem folio belongs to.
 *
 * Models the part of include/linux/fs.h the mm needs: struct address_space
 * with its operations. The VFS proper (files, inodes, kiocb) arrives with
 * the filesystem layer and extends this header.
 */
#ifndef PINIO_FS_H
#define PINIO_FS_H

#include <pinio/mm_types.h>

struct address_space;

struct address_space_operations {
	/* Mark @folio dirty in @mapping; return true if it was clean. */
	bool (*dirty_folio)(struct address_space *mapping, struct folio *folio);
};

/**
 * struct address_space - the owner of page-cache or shmem folios.
 * @a_ops: operations; NULL means "just set PG_dirty".
 * @host: the inode or shmem object.
 * @nrpages: folios currently indexed.
 * @needs_writeback: dirty folios must be written back (false for shmem):
 *	decides whether long-term writable pins are refused (R-GUP-4, R-WB-1).
 */
struct address_space {
	const struct address_space_operations *a_ops;
	void *host;
	unsigned long nrpages;
	bool needs_writeback;
};

#endif /* PINIO_FS_H */
