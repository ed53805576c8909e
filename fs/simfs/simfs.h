/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fs/simfs/simfs.h - what the simfs files share: the on-disk format, the
 * in-memory superblock and inode, extents and the block allocator.
 *
 * simfs is the simulation's own extent-mapped filesystem (no kernel twin;
 * it plays the part ext4/xfs play for the DIO engines): a flat namespace
 * of files, per-file extent lists with holes and unwritten extents, a
 * bitmap block allocator, and a crash-safe commit (data, then a metadata
 * blob in the inactive of two areas, then the superblock). docs/simfs.md
 * describes the format.
 */
#ifndef PINIO_FS_SIMFS_H
#define PINIO_FS_SIMFS_H

#include <stdint.h>
#include <pinio/blkdev.h>
#include <pinio/fs.h>
#include <pinio/list.h>
#include <pinio/mm.h>

#define SIMFS_MAGIC		"SIMFS\0\001\0"
#define SIMFS_META_MAGIC	0x54454d5346534d49ULL	/* "IMSFSMET" */
#define SIMFS_VERSION		1
#define SIMFS_NAME_MAX		63
#define SIMFS_MAX_BYTES		(1LL << 40)		/* s_maxbytes: 1 TiB */
#define SIMFS_DEFAULT_META	(256U << 10)		/* bytes per metadata area */

/*
 * struct simfs_disk_super - block 0 (little-endian host order; the
 * simulation never moves a disk between hosts).
 * @meta_start: first block of metadata area 0 and 1.
 * @active: the area holding the committed blob of @meta_bytes bytes.
 */
struct simfs_disk_super {
	char magic[8];
	uint32_t version;
	uint32_t block_size;
	uint64_t nr_blocks;
	uint64_t meta_start[2];
	uint32_t meta_blocks;
	uint32_t active;
	uint64_t data_start;
	uint64_t generation;
	uint32_t meta_bytes;
	uint32_t meta_csum;
	uint32_t pad;
	uint32_t csum;		/* of this struct with csum = 0 */
};

/* The metadata blob: a header, then one record per inode. */
struct simfs_disk_meta {
	uint64_t magic;
	uint64_t generation;
	uint32_t nr_inodes;
	uint32_t pad;
	uint64_t next_ino;
};

struct simfs_disk_inode {
	uint64_t ino;
	int64_t size;
	uint32_t mode;
	uint32_t nr_extents;
	char name[SIMFS_NAME_MAX + 1];
	/* followed by nr_extents struct simfs_extent */
};

#define SIMFS_EXT_UNWRITTEN	0x1U

/* One run of blocks: file blocks [fblk, fblk+len) at disk blocks [pblk, ...). */
struct simfs_extent {
	uint64_t fblk;
	uint64_t pblk;
	uint32_t len;
	uint32_t flags;
};

enum simfs_dio_engine {
	SIMFS_DIO_IOMAP,
	SIMFS_DIO_LEGACY,
};

/**
 * struct simfs_sb_info - one mounted simfs.
 * @lock: inodes, extents and bitmaps; never held across I/O.
 * @commit_lock: one simfs_commit() at a time.
 * @map: blocks in use now; @committed: in use by the last commit. A block
 *	is allocatable only when free in both, so a crash never finds a
 *	committed file pointing at blocks reused since.
 */
/* Largest page-cache folio of a mount without folio_order=: 2^N pages. */
#define SIMFS_DEFAULT_FOLIO_ORDER	4U

struct simfs_sb_info {
	struct super_block sb;
	struct block_device *bdev;
	char dir[256];
	enum simfs_dio_engine dio;
	unsigned int folio_order;
	pthread_mutex_t lock;
	pthread_mutex_t commit_lock;
	struct simfs_disk_super ds;
	unsigned int bits;
	uint64_t nr_blocks;
	unsigned long *map;
	unsigned long *committed;
	uint64_t alloc_hint;
	struct simfs_inode **inodes;
	size_t nr_inodes, cap_inodes;
	uint64_t next_ino;
	struct list_head mounts;
};

/**
 * struct simfs_inode - an in-memory inode.
 * @opens: open files (and mappings, through their file) on this inode.
 * @unlinked: removed from the namespace; freed at the last close.
 */
struct simfs_inode {
	struct inode vfs;
	struct simfs_sb_info *sbi;
	char name[SIMFS_NAME_MAX + 1];
	struct simfs_extent *ext;
	size_t nr_ext, cap_ext;
	int opens;
	bool unlinked;
};

static inline struct simfs_inode *SIMFS_I(struct inode *inode)
{
	return container_of(inode, struct simfs_inode, vfs);
}

/* super.c: the entry points of sim/fs.c */
int simfs_mkfs(struct block_device *bdev, const char *opts);
int simfs_mount(struct block_device *bdev, const char *dir, const char *opts);
int simfs_umount(const char *dir);
long simfs_umount_all(void);
struct file *simfs_open_path(const char *path, int flags, mode_t mode);
int simfs_unlink_path(const char *path);

/* super.c */
int simfs_io(struct simfs_sb_info *sbi, blk_opf_t op, uint64_t byte_off, void *buf,
	     size_t len);
int simfs_commit(struct simfs_sb_info *sbi);
uint32_t simfs_csum(const void *p, size_t len);

/* inode.c */
struct simfs_inode *simfs_inode_new(struct simfs_sb_info *sbi, const char *name, uint64_t ino);
void simfs_inode_evict(struct simfs_inode *si);
struct simfs_inode *simfs_lookup(struct simfs_sb_info *sbi, const char *name);
size_t simfs_meta_size(struct simfs_sb_info *sbi);
size_t simfs_meta_serialize(struct simfs_sb_info *sbi, void *buf, size_t size);
int simfs_meta_load(struct simfs_sb_info *sbi, const void *buf, size_t len);
int simfs_unlink(struct simfs_sb_info *sbi, const char *name);

/* extent.c (callers hold sbi->lock) */
int simfs_ext_lookup(struct simfs_inode *si, uint64_t fblk, struct simfs_extent *out);
int simfs_ext_insert(struct simfs_inode *si, uint64_t fblk, uint64_t pblk, uint32_t len,
		     uint32_t flags);
int simfs_ext_set_written(struct simfs_inode *si, uint64_t fblk, uint64_t len);
void simfs_ext_truncate(struct simfs_inode *si, uint64_t from);
int simfs_alloc_blocks(struct simfs_sb_info *sbi, uint64_t goal, uint32_t want,
		       uint64_t *pblk, uint32_t *got);
void simfs_free_blocks(struct simfs_sb_info *sbi, uint64_t pblk, uint64_t len);
void simfs_mark_used(struct simfs_sb_info *sbi, uint64_t pblk, uint64_t len);
bool simfs_blocks_unused(const struct simfs_sb_info *sbi, uint64_t pblk, uint64_t len);
int simfs_map_alloc(struct simfs_inode *si, uint64_t fblk, uint32_t want, uint32_t flags,
		    struct simfs_extent *out);

/* file.c */
extern const struct file_operations simfs_file_ops;
extern const struct address_space_operations simfs_aops;
struct file *simfs_open_file(struct simfs_sb_info *sbi, const char *name, int flags,
			     mode_t mode);
int simfs_setsize(struct inode *inode, loff_t newsize);

/* iomap.c */
struct iomap_ops;
struct iomap_dio_ops;
struct buffer_head;
extern const struct iomap_ops simfs_iomap_ops;
extern const struct iomap_dio_ops simfs_dio_ops;
int simfs_get_block(struct inode *inode, uint64_t iblock, struct buffer_head *bh, int create);

#endif /* PINIO_FS_SIMFS_H */
