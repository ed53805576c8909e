// SPDX-License-Identifier: GPL-2.0
/*
 * tests/bad_input_test.c - the 32 bad inputs of scenarios.md §5.3, one
 * table, one harness.
 *
 * Every row sets up a small world (user pages, a raw disk, a simfs file, a
 * bio, a pipe, an async ring), takes a snapshot of the machine
 * (tests/snapshot.h: ledger, pin and reference counters, DMA requests,
 * open files, locked pages, the page-table entries, refcounts and bytes of
 * the row's user pages, and the size and bytes of the row's disk or file),
 * makes one bad call, and checks the row's result and that the snapshot is
 * unchanged but for what the row allows:
 *
 *   setup -> snapshot -> call (errno, or 0 / short count) -> snapshot'
 *         -> release what the call legitimately kept -> snapshot''
 *
 *   snapshot' == snapshot  but for the row's pins / violations / I/O
 *   snapshot'' == snapshot but for violations (pins balanced again)
 *
 * The rows cover each item with its main call; the suites named in
 * docs/reliability.md ("Bad inputs") hold the variants (every GUP entry
 * point, every iterator type, both bio paths, ...). Rows 32f* extend item
 * 32 to the I/O on registered buffers (sim_aio_submit_fixed(): index and
 * range checks, -EFAULT; O_DIRECT misalignment on each path, -EINVAL as
 * a completion; a read-only fd, -EBADF): the buffer stays registered
 * (pinned) in the snapshot and no call may pin, reference or move
 * anything.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <pinio/bio.h>
#include <pinio/blkdev.h>
#include <pinio/fault-inject.h>
#include <pinio/fs.h>
#include <pinio/pipe_fs_i.h>
#include <pinio/sim.h>
#include <pinio/uio.h>

#include "kunit/test.h"
#include "mm_helpers.h"
#include "snapshot.h"
#include "suites.h"

#define BI_DISK		"bad"
#define BI_DEV		"/dev/bad"
#define BI_DISK_BYTES	(4UL << 20)
#define BI_FSDISK	"badfs"
#define BI_FSDEV	"/dev/badfs"
#define BI_FSDISK_BYTES	(8UL << 20)
#define BI_MNT		"/mnt"
#define BI_FILE		BI_MNT "/f"
#define BI_FILE_BYTES	6144		/* 1.5 fs blocks: EOF inside a block */
#define BI_DATA		0x5a		/* every byte of the disk and the file */
#define BI_WRITE	0xc3		/* what bad writes would write */
#define BI_OTHER	0xa5		/* user bytes a short read must not reach */

static const struct sim_config bi_cfg = { .mem_bytes = 64UL << 20 };

/* What one row set up, and what the harness undoes. */
struct bi_ctx {
	unsigned long addr, len;	/* the snapshotted user range */
	unsigned long map, map_len;	/* what to munmap */
	const char *path;		/* the snapshotted disk or file */
	struct page *pages[8];
	struct page *pinned[8];		/* pins the setup took for the harness to drop */
	int nr_pinned;
	struct page *ref_page;		/* a reference the setup took */
	struct page *tweaked;		/* refcount forced by the setup */
	int tweaked_ref;
	struct folio *owned;
	struct bio *bio;
	int bio_puts;			/* bio_put()s the harness owes */
	unsigned int bio_size;		/* bi_size to restore */
	int fd, fd2;
	int pipe[2];
	bool mounted;
	struct sim_aio *ring;
	unsigned long n;		/* a row's number (allocation to fail) */
};

struct bi_row {
	const char *id;			/* §5.3 number and a letter */
	const char *desc;
	void (*setup)(struct kunit *test, struct bi_ctx *ctx);
	long (*call)(struct kunit *test, struct bi_ctx *ctx);
	long want;			/* return value: -errno, 0 or a count */
	bool warn;			/* the call WARNs */
	struct t_snap_allow allow;	/* what the call may change */
	void (*release)(struct bi_ctx *ctx, long ret);	/* drop what it kept */
};

static unsigned long bi_scratch;	/* the snapshot's read buffer */

static int bi_init(struct kunit *test)
{
	int ret = t_mm_boot(&bi_cfg);

	if (!ret)
		ret = sim_ramdisk_create(BI_DISK, BI_DISK_BYTES, 512);
	if (!ret)
		ret = sim_ramdisk_create(BI_FSDISK, BI_FSDISK_BYTES, 512);
	if (ret)
		return ret;
	bi_scratch = t_mm_mmap(test, T_SNAP_DATA, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	t_mm_fill(test, bi_scratch, 0, T_SNAP_DATA);
	return 0;
}

static void bi_exit(struct kunit *test)
{
	if (!sim_booted())
		return;
	sim_umount(BI_MNT);
	sim_munmap(bi_scratch, T_SNAP_DATA);
	sim_disk_destroy(BI_DISK);
	sim_disk_destroy(BI_FSDISK);
	bio_dirty_flush();
	t_mm_shutdown(test);
}

/* ---- setups ---------------------------------------------------------------- */

/* @nr private pages holding @c, each faulted in. */
static void bi_map(struct kunit *test, struct bi_ctx *ctx, unsigned long nr, int c)
{
	ctx->map_len = ctx->len = nr * PAGE_SIZE;
	ctx->map = ctx->addr = t_mm_mmap(test, ctx->len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	t_mm_fill(test, ctx->addr, c, ctx->len);
}

static struct page *bi_page(struct bi_ctx *ctx, unsigned long i)
{
	return t_mm_page(current->mm, ctx->addr + i * PAGE_SIZE);
}

static void bi_rw4(struct kunit *test, struct bi_ctx *ctx)
{
	bi_map(test, ctx, 4, 0x22);
}

/* Pages 0, 1 and 3 written, page 2 unmapped. */
static void bi_hole(struct kunit *test, struct bi_ctx *ctx)
{
	bi_map(test, ctx, 4, 0x22);
	KUNIT_ASSERT_EQ(test, sim_munmap(ctx->addr + 2 * PAGE_SIZE, PAGE_SIZE), 0);
}

/* The last user page, [TASK_SIZE_MAX - PAGE_SIZE, TASK_SIZE_MAX). */
static void bi_top(struct kunit *test, struct bi_ctx *ctx)
{
	ctx->map_len = ctx->len = PAGE_SIZE;
	ctx->map = ctx->addr = sim_mmap(TASK_SIZE_MAX - PAGE_SIZE, PAGE_SIZE,
					PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	KUNIT_ASSERT_EQ(test, ctx->addr, TASK_SIZE_MAX - PAGE_SIZE);
	t_mm_fill(test, ctx->addr, 0x33, PAGE_SIZE);
}

/* One PROT_READ page, read-faulted: the zero page is mapped. */
static void bi_readonly(struct kunit *test, struct bi_ctx *ctx)
{
	ctx->map_len = ctx->len = PAGE_SIZE;
	ctx->map = ctx->addr = t_mm_mmap(test, PAGE_SIZE, PROT_READ, MAP_PRIVATE);
	t_mm_touch_read(test, ctx->addr, PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, is_zero_page(bi_page(ctx, 0)));
}

static void bi_protnone(struct kunit *test, struct bi_ctx *ctx)
{
	ctx->map_len = ctx->len = PAGE_SIZE;
	ctx->map = ctx->addr = t_mm_mmap(test, PAGE_SIZE, PROT_NONE, MAP_PRIVATE);
}

/* A driver's VM_IO|VM_PFNMAP mapping: GUP refuses the VMA. */
static void bi_pfnmap(struct kunit *test, struct bi_ctx *ctx)
{
	struct vm_area_struct *vma;

	ctx->map_len = ctx->len = PAGE_SIZE;
	ctx->map = ctx->addr = t_mm_mmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	mmap_write_lock(current->mm);
	vma = vma_lookup(current->mm, ctx->addr);
	if (vma)
		vma->vm_flags |= VM_IO | VM_PFNMAP;
	mmap_write_unlock(current->mm);
	KUNIT_ASSERT_NOT_NULL(test, vma);
}

static void bi_pin(struct kunit *test, struct bi_ctx *ctx, unsigned long first, int nr)
{
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(ctx->addr + first * PAGE_SIZE, nr, FOLL_WRITE,
						  ctx->pinned + ctx->nr_pinned), nr);
	ctx->nr_pinned += nr;
}

/* Page 0's refcount forced to 0. */
static void bi_ref0(struct kunit *test, struct bi_ctx *ctx)
{
	bi_map(test, ctx, 3, 0x22);
	ctx->tweaked = bi_page(ctx, 0);
	ctx->tweaked_ref = page_ref_count(ctx->tweaked);
	set_page_count(ctx->tweaked, 0);
}

/* Two pinned pages in pages[0..1]; the harness unpins them. */
static void bi_pinned2(struct kunit *test, struct bi_ctx *ctx)
{
	bi_map(test, ctx, 2, 0x22);
	bi_pin(test, ctx, 0, 2);
	ctx->pages[0] = ctx->pinned[0];
	ctx->pages[1] = ctx->pinned[1];
}

/* pages[] = { P0, NULL, P1, NULL }, both pinned; the call releases them. */
static void bi_pinned_holes(struct kunit *test, struct bi_ctx *ctx)
{
	struct page *p[2];

	bi_map(test, ctx, 2, 0x22);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(ctx->addr, 2, FOLL_WRITE, p), 2);
	ctx->pages[0] = p[0];
	ctx->pages[1] = NULL;
	ctx->pages[2] = p[1];
	ctx->pages[3] = NULL;
}

/* A page pinned and unpinned once: the next unpin is the double one. */
static void bi_unpinned_once(struct kunit *test, struct bi_ctx *ctx)
{
	bi_map(test, ctx, 1, 0x22);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(ctx->addr, 1, 0, ctx->pages), 1);
	unpin_user_page(ctx->pages[0]);
}

/* The raw disk: BI_DATA over its first T_SNAP_DATA bytes, fd O_RDWR|O_DIRECT. */
static void bi_disk(struct kunit *test, struct bi_ctx *ctx, int flags)
{
	unsigned long buf = t_mm_mmap(test, T_SNAP_DATA, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	int fd = sim_open(BI_DEV, O_RDWR | O_DIRECT, 0);

	KUNIT_ASSERT_GE(test, fd, 0);
	t_mm_fill(test, buf, BI_DATA, T_SNAP_DATA);
	KUNIT_ASSERT_EQ(test, sim_pwrite(fd, buf, T_SNAP_DATA, 0), (ssize_t)T_SNAP_DATA);
	KUNIT_ASSERT_EQ(test, sim_close(fd), 0);
	t_mm_munmap(test, buf, T_SNAP_DATA);
	ctx->fd = sim_open(BI_DEV, flags, 0);
	KUNIT_ASSERT_GE(test, ctx->fd, 0);
	ctx->path = BI_DEV;
}

/*
 * simfs mounted with @opts, BI_FILE of BI_FILE_BYTES BI_DATA written with
 * O_DIRECT (so nothing is cached: an O_DIRECT write drops cached pages of
 * its range before it checks alignment, in the kernel too), then @flags.
 */
static void bi_file(struct kunit *test, struct bi_ctx *ctx, const char *opts, int flags)
{
	unsigned long buf = t_mm_mmap(test, BI_FILE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	int fd;

	KUNIT_ASSERT_EQ(test, sim_mkfs(BI_FSDEV, "simfs", NULL), 0);
	KUNIT_ASSERT_EQ(test, sim_mount(BI_FSDEV, BI_MNT, opts), 0);
	ctx->mounted = true;
	fd = sim_open(BI_FILE, O_RDWR | O_CREAT | O_DIRECT, 0644);
	KUNIT_ASSERT_GE(test, fd, 0);
	t_mm_fill(test, buf, BI_DATA, BI_FILE_BYTES);
	KUNIT_ASSERT_EQ(test, sim_pwrite(fd, buf, BI_FILE_BYTES, 0), (ssize_t)BI_FILE_BYTES);
	KUNIT_ASSERT_EQ(test, sim_fsync(fd), 0);
	KUNIT_ASSERT_EQ(test, sim_close(fd), 0);
	t_mm_munmap(test, buf, BI_FILE_BYTES);
	ctx->fd = sim_open(BI_FILE, flags, 0);
	KUNIT_ASSERT_GE(test, ctx->fd, 0);
	ctx->path = BI_FILE;
}

/*
 * An I/O buffer of 4 pages: 0-1 hold BI_WRITE, 2-3 are unmapped (a buffer
 * at page 2 is "misaligned and unmapped").
 */
static void bi_iobuf(struct kunit *test, struct bi_ctx *ctx)
{
	bi_map(test, ctx, 4, BI_WRITE);
	KUNIT_ASSERT_EQ(test, sim_munmap(ctx->addr + 2 * PAGE_SIZE, 2 * PAGE_SIZE), 0);
}

static void bi_disk_rw(struct kunit *test, struct bi_ctx *ctx)
{
	bi_disk(test, ctx, O_RDWR | O_DIRECT);
	bi_iobuf(test, ctx);
}

static void bi_disk_ro(struct kunit *test, struct bi_ctx *ctx)
{
	bi_disk(test, ctx, O_RDONLY | O_DIRECT);
	bi_iobuf(test, ctx);
}

static void bi_iomap_rw(struct kunit *test, struct bi_ctx *ctx)
{
	bi_file(test, ctx, "dio=iomap", O_RDWR | O_DIRECT);
	bi_iobuf(test, ctx);
}

static void bi_legacy_rw(struct kunit *test, struct bi_ctx *ctx)
{
	bi_file(test, ctx, "dio=legacy", O_RDWR | O_DIRECT);
	bi_iobuf(test, ctx);
}

static void bi_iomap_ro(struct kunit *test, struct bi_ctx *ctx)
{
	bi_file(test, ctx, "dio=iomap", O_RDONLY);
	bi_iobuf(test, ctx);
}

static void bi_file_plain(struct kunit *test, struct bi_ctx *ctx)
{
	bi_file(test, ctx, NULL, O_RDWR);
	bi_iobuf(test, ctx);
}

/*
 * A read buffer for a short read: the first 2048 bytes already hold what
 * the read brings (BI_DATA), the rest BI_OTHER, which it must not touch.
 * Snapshot-equal after the read means: those bytes came, nothing more.
 */
static void bi_shortbuf(struct kunit *test, struct bi_ctx *ctx)
{
	bi_map(test, ctx, 2, BI_OTHER);
	t_mm_fill(test, ctx->addr, BI_DATA, 2048);
}

static void bi_disk_short(struct kunit *test, struct bi_ctx *ctx)
{
	bi_disk(test, ctx, O_RDWR | O_DIRECT);
	bi_shortbuf(test, ctx);
}

/*
 * For a file: an O_DIRECT read of the block that holds EOF reads the whole
 * block into the buffer and then reports only the bytes up to EOF (v6.5
 * iomap_dio_complete(), dio_complete()), so the buffer gets the block's
 * tail too: zeros, which simfs wrote with the block. Page 1 (BI_OTHER)
 * must stay untouched.
 */
static void bi_file_shortbuf(struct kunit *test, struct bi_ctx *ctx)
{
	bi_shortbuf(test, ctx);
	t_mm_fill(test, ctx->addr + 2048, 0, PAGE_SIZE - 2048);
}

static void bi_iomap_short(struct kunit *test, struct bi_ctx *ctx)
{
	bi_file(test, ctx, "dio=iomap", O_RDWR | O_DIRECT);
	bi_file_shortbuf(test, ctx);
}

static void bi_legacy_short(struct kunit *test, struct bi_ctx *ctx)
{
	bi_file(test, ctx, "dio=legacy", O_RDWR | O_DIRECT);
	bi_file_shortbuf(test, ctx);
}

/* A MAP_SHARED, read-faulted page of a simfs file (writeback-backed). */
static void bi_file_shared(struct kunit *test, struct bi_ctx *ctx)
{
	bi_file(test, ctx, NULL, O_RDWR);
	ctx->map_len = ctx->len = PAGE_SIZE;
	ctx->map = ctx->addr = sim_mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
					ctx->fd, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(ctx->addr));
	t_mm_touch_read(test, ctx->addr, PAGE_SIZE);
}

/* A full bio: 4 inline vecs, 512-byte pieces of page 0 with gaps between. */
static void bi_bio_full(struct kunit *test, struct bi_ctx *ctx)
{
	unsigned int off;

	bi_map(test, ctx, 4, 0x21);
	ctx->bio = bio_alloc(NULL, 4, REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, ctx->bio);
	ctx->bio_puts = 1;
	for (off = 0; off < PAGE_SIZE; off += 1024)
		KUNIT_ASSERT_EQ(test, bio_add_page(ctx->bio, bi_page(ctx, 0), 512, off), 512);
	KUNIT_ASSERT_TRUE(test, bio_full(ctx->bio, 0));
}

/* A bio whose bi_size is 100 bytes short of UINT_MAX. */
static void bi_bio_huge(struct kunit *test, struct bi_ctx *ctx)
{
	bi_map(test, ctx, 2, 0x21);
	ctx->bio = bio_alloc(NULL, 4, REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, ctx->bio);
	ctx->bio_puts = 1;
	KUNIT_ASSERT_EQ(test, bio_add_page(ctx->bio, bi_page(ctx, 0), 512, 0), 512);
	ctx->bio_size = ctx->bio->bi_iter.bi_size;
	ctx->bio->bi_iter.bi_size = UINT_MAX - 100;
}

/* A BIO_PAGE_PINNED bio holding pinned page 0; page 1 holds a reference. */
static void bi_bio_pinned(struct kunit *test, struct bi_ctx *ctx)
{
	bi_map(test, ctx, 2, 0x21);
	bi_pin(test, ctx, 0, 1);
	ctx->bio = bio_alloc(NULL, 4, REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, ctx->bio);
	ctx->bio_puts = 1;
	bio_set_flag(ctx->bio, BIO_PAGE_PINNED);
	KUNIT_ASSERT_EQ(test, sim_bio_add_page_mode(ctx->bio, ctx->pinned[0], 2048, 0,
						    BIO_PAGE_MODE_PINNED), 2048);
	ctx->ref_page = bi_page(ctx, 1);
	get_page(ctx->ref_page);
}

static int bi_end_calls;

static void bi_end_io(struct bio *bio)
{
	bi_end_calls++;
}

/* A bio completed once while its owner still holds a reference. */
static void bi_bio_ended(struct kunit *test, struct bi_ctx *ctx)
{
	ctx->bio = bio_alloc(NULL, 0, REQ_OP_WRITE, 0);
	KUNIT_ASSERT_NOT_NULL(test, ctx->bio);
	ctx->bio->bi_end_io = bi_end_io;
	bi_end_calls = 0;
	bio_get(ctx->bio);
	ctx->bio_puts = 2;
	bio_endio(ctx->bio);
	KUNIT_ASSERT_EQ(test, bi_end_calls, 1);
}

static void bi_pipe(struct kunit *test, struct bi_ctx *ctx, int flags)
{
	KUNIT_ASSERT_EQ(test, sim_pipe2(ctx->pipe, flags), 0);
}

static void bi_splice_disk_pipe(struct kunit *test, struct bi_ctx *ctx)
{
	bi_disk(test, ctx, O_RDWR | O_DIRECT);
	bi_pipe(test, ctx, 0);
}

static void bi_splice_disk_disk(struct kunit *test, struct bi_ctx *ctx)
{
	bi_disk(test, ctx, O_RDWR | O_DIRECT);
	ctx->fd2 = sim_open(BI_DEV, O_RDWR | O_DIRECT, 0);
	KUNIT_ASSERT_GE(test, ctx->fd2, 0);
}

/* A full O_NONBLOCK pipe (PIPE_DEF_BUFFERS pages written into it). */
static void bi_splice_full_pipe(struct kunit *test, struct bi_ctx *ctx)
{
	size_t bytes = PIPE_DEF_BUFFERS * PAGE_SIZE;
	unsigned long src = t_mm_mmap(test, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE);

	bi_disk(test, ctx, O_RDWR | O_DIRECT);
	bi_pipe(test, ctx, O_NONBLOCK);
	t_mm_fill(test, src, 0x30, bytes);
	KUNIT_ASSERT_EQ(test, sim_write(ctx->pipe[1], src, bytes), (ssize_t)bytes);
	t_mm_munmap(test, src, bytes);
}

/*
 * 6 written private pages (2 pinned: fork copies them) and a dry-run fork
 * that counts the allocations of one sim_fork(). The dry run also leaves
 * the parent's PTEs write-protected, as a failed fork may.
 */
static unsigned long bi_fork_count(struct kunit *test, struct bi_ctx *ctx)
{
	struct task_struct *child;
	unsigned long total;

	bi_map(test, ctx, 6, 0x31);
	bi_pin(test, ctx, 0, 2);
	sim_fault_reset();
	child = sim_fork();
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(child));
	total = sim_fault_alloc_count();
	sim_task_exit(child);
	KUNIT_ASSERT_GE(test, total, 2UL);
	return total;
}

static void bi_fork_first(struct kunit *test, struct bi_ctx *ctx)
{
	bi_fork_count(test, ctx);
	ctx->n = 1;
}

static void bi_fork_last(struct kunit *test, struct bi_ctx *ctx)
{
	ctx->n = bi_fork_count(test, ctx);
}

/* 16 written pages, RLIMIT_MEMLOCK of 8 pages, an async ring. */
static void bi_ring(struct kunit *test, struct bi_ctx *ctx)
{
	bi_map(test, ctx, 16, 0x32);
	KUNIT_ASSERT_EQ(test, sim_setrlimit_memlock(8 * PAGE_SIZE), 0);
	ctx->ring = sim_aio_create(4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx->ring));
}

/*
 * 4 pages of BI_WRITE, the row's range, on a ring with them registered as
 * buffer 0 (@reg), or registered and unregistered again (@unreg).
 */
static void bi_fixed(struct kunit *test, struct bi_ctx *ctx, bool reg, bool unreg)
{
	struct iovec iov;

	bi_map(test, ctx, 4, BI_WRITE);
	ctx->ring = sim_aio_create(4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx->ring));
	iov.iov_base = (void *)ctx->addr;
	iov.iov_len = ctx->len;
	if (reg)
		KUNIT_ASSERT_EQ(test, sim_aio_register_buffers(ctx->ring, &iov, 1), 0);
	if (unreg)
		KUNIT_ASSERT_EQ(test, sim_aio_unregister_buffers(ctx->ring), 0);
}

static void bi_fixed_disk_rw(struct kunit *test, struct bi_ctx *ctx)
{
	bi_disk(test, ctx, O_RDWR | O_DIRECT);
	bi_fixed(test, ctx, true, false);
}

static void bi_fixed_disk_ro(struct kunit *test, struct bi_ctx *ctx)
{
	bi_disk(test, ctx, O_RDONLY | O_DIRECT);
	bi_fixed(test, ctx, true, false);
}

static void bi_fixed_disk_none(struct kunit *test, struct bi_ctx *ctx)
{
	bi_disk(test, ctx, O_RDWR | O_DIRECT);
	bi_fixed(test, ctx, false, false);
}

static void bi_fixed_disk_unreg(struct kunit *test, struct bi_ctx *ctx)
{
	bi_disk(test, ctx, O_RDWR | O_DIRECT);
	bi_fixed(test, ctx, true, true);
}

static void bi_fixed_iomap_rw(struct kunit *test, struct bi_ctx *ctx)
{
	bi_file(test, ctx, "dio=iomap", O_RDWR | O_DIRECT);
	bi_fixed(test, ctx, true, false);
}

static void bi_fixed_legacy_rw(struct kunit *test, struct bi_ctx *ctx)
{
	bi_file(test, ctx, "dio=legacy", O_RDWR | O_DIRECT);
	bi_fixed(test, ctx, true, false);
}

/* ---- calls ----------------------------------------------------------------- */

static long bi_pup_null_pages(struct kunit *test, struct bi_ctx *ctx)
{
	return pin_user_pages_fast(ctx->addr, 1, FOLL_WRITE, NULL);
}

static long bi_pup_foll_get(struct kunit *test, struct bi_ctx *ctx)
{
	return pin_user_pages_fast(ctx->addr, 1, FOLL_GET, ctx->pages);
}

static long bi_gup_longterm(struct kunit *test, struct bi_ctx *ctx)
{
	return get_user_pages_fast(ctx->addr, 1, FOLL_LONGTERM, ctx->pages);
}

static long bi_pup_bit30(struct kunit *test, struct bi_ctx *ctx)
{
	return pin_user_pages_fast(ctx->addr, 1, 1U << 30, ctx->pages);
}

static long bi_pup_touch(struct kunit *test, struct bi_ctx *ctx)
{
	return pin_user_pages_fast(ctx->addr, 1, FOLL_TOUCH, ctx->pages);
}

static long bi_pup_zero(struct kunit *test, struct bi_ctx *ctx)
{
	return pin_user_pages_fast(ctx->addr, 0, FOLL_WRITE, ctx->pages);
}

static long bi_pup_wraps(struct kunit *test, struct bi_ctx *ctx)
{
	return pin_user_pages_fast(ULONG_MAX & PAGE_MASK, 2, 0, ctx->pages);
}

static long bi_pup_past_top(struct kunit *test, struct bi_ctx *ctx)
{
	return pin_user_pages_fast(ctx->addr, 2, FOLL_WRITE, ctx->pages);
}

static long bi_pup_at_hole(struct kunit *test, struct bi_ctx *ctx)
{
	return pin_user_pages_fast(ctx->addr + 2 * PAGE_SIZE, 2, FOLL_WRITE, ctx->pages);
}

static long bi_pup_over_hole(struct kunit *test, struct bi_ctx *ctx)
{
	long ret = pin_user_pages_fast(ctx->addr, 4, FOLL_WRITE, ctx->pages);

	if (ret == 2) {
		KUNIT_EXPECT_PTR_EQ(test, ctx->pages[0], bi_page(ctx, 0));
		KUNIT_EXPECT_PTR_EQ(test, ctx->pages[1], bi_page(ctx, 1));
	}
	return ret;
}

static long bi_pup_write(struct kunit *test, struct bi_ctx *ctx)
{
	return pin_user_pages_fast(ctx->addr, 1, FOLL_WRITE, ctx->pages);
}

static long bi_pup_read(struct kunit *test, struct bi_ctx *ctx)
{
	return pin_user_pages_unlocked(ctx->addr, 1, ctx->pages, 0);
}

static long bi_pup_longterm_write(struct kunit *test, struct bi_ctx *ctx)
{
	return pin_user_pages_fast(ctx->addr, 1, FOLL_WRITE | FOLL_LONGTERM, ctx->pages);
}

static long bi_pup3(struct kunit *test, struct bi_ctx *ctx)
{
	return pin_user_pages_fast(ctx->addr, 3, 0, ctx->pages);
}

static long bi_unpin_errno(struct kunit *test, struct bi_ctx *ctx)
{
	unpin_user_pages(ctx->pages, (unsigned long)-EFAULT);
	return 0;
}

static long bi_unpin4(struct kunit *test, struct bi_ctx *ctx)
{
	unpin_user_pages(ctx->pages, 4);
	return 0;
}

static long bi_sim_unpin_page0(struct kunit *test, struct bi_ctx *ctx)
{
	return sim_unpin_user_page(ctx->pages[0] ? ctx->pages[0] : bi_page(ctx, 0));
}

static long bi_add_pin(struct kunit *test, struct bi_ctx *ctx)
{
	return __folio_add_pin(page_folio(bi_page(ctx, 0)));
}

static long bi_import_too_many(struct kunit *test, struct bi_ctx *ctx)
{
	static struct iovec uvec[UIO_MAXIOV + 1];
	struct iovec fast[UIO_FASTIOV], *iov = fast;
	struct iov_iter iter;
	ssize_t ret;
	int k;

	for (k = 0; k <= UIO_MAXIOV; k++)
		uvec[k] = (struct iovec){ (void *)(ctx->addr + (unsigned long)k), 1 };
	ret = import_iovec(ITER_DEST, uvec, UIO_MAXIOV + 1, UIO_FASTIOV, &iov, &iter);
	KUNIT_EXPECT_NULL(test, iov);
	return ret;
}

static long bi_import_clamped(struct kunit *test, struct bi_ctx *ctx)
{
	struct iovec uvec[2] = {
		{ (void *)ctx->addr, MAX_RW_COUNT - PAGE_SIZE },
		{ (void *)ctx->addr, 2 * PAGE_SIZE },
	};
	struct iovec fast[UIO_FASTIOV], *iov = fast;
	struct iov_iter iter;
	ssize_t ret = import_iovec(ITER_SOURCE, uvec, 2, UIO_FASTIOV, &iov, &iter);

	KUNIT_EXPECT_EQ(test, iov_iter_count(&iter), MAX_RW_COUNT);
	KUNIT_EXPECT_EQ(test, uvec[1].iov_len, 2 * PAGE_SIZE);	/* the caller's array untouched */
	kvfree(iov);
	return ret;
}

static long bi_import_overflow(struct kunit *test, struct bi_ctx *ctx)
{
	struct iovec uvec[2] = {
		{ (void *)ctx->addr, 100 },
		{ (void *)ctx->addr, (size_t)SSIZE_MAX + 1 },
	};
	struct iovec fast[UIO_FASTIOV], *iov = fast;
	struct iov_iter iter;
	ssize_t ret = import_iovec(ITER_DEST, uvec, 2, UIO_FASTIOV, &iov, &iter);

	KUNIT_EXPECT_NULL(test, iov);
	return ret;
}

static long bi_extract(struct kunit *test, struct bi_ctx *ctx, unsigned long start,
		       size_t maxsize, unsigned int maxpages)
{
	struct page **pages = ctx->pages;
	struct iov_iter iter;
	size_t off = 777;
	ssize_t ret;

	iov_iter_ubuf(&iter, ITER_DEST, start, 2 * PAGE_SIZE);
	ret = iov_iter_extract_pages(&iter, &pages, maxsize, maxpages, 0, &off);
	KUNIT_EXPECT_EQ(test, iov_iter_count(&iter), 2 * PAGE_SIZE);
	KUNIT_EXPECT_PTR_EQ(test, pages, ctx->pages);
	return ret;
}

static long bi_extract_maxsize0(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_extract(test, ctx, ctx->addr, 0, 8);
}

static long bi_extract_maxpages0(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_extract(test, ctx, ctx->addr, SIZE_MAX, 0);
}

static long bi_extract_hole(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_extract(test, ctx, ctx->addr + 2 * PAGE_SIZE + 100, SIZE_MAX, 8);
}

static long bi_bio_add_page1(struct kunit *test, struct bi_ctx *ctx)
{
	int ret = bio_add_page(ctx->bio, bi_page(ctx, 0), 512, 512);

	KUNIT_EXPECT_EQ(test, ctx->bio->bi_vcnt, 4);
	KUNIT_EXPECT_EQ(test, ctx->bio->bi_iter.bi_size, 4 * 512);
	return ret;
}

static long bi_bio_add_page_huge(struct kunit *test, struct bi_ctx *ctx)
{
	int ret = bio_add_page(ctx->bio, bi_page(ctx, 1), 512, 0);

	KUNIT_EXPECT_EQ(test, ctx->bio->bi_vcnt, 1);
	KUNIT_EXPECT_EQ(test, ctx->bio->bi_iter.bi_size, UINT_MAX - 100);
	return ret;
}

static long bi_bio_add_reffed(struct kunit *test, struct bi_ctx *ctx)
{
	struct bio_vec saved = ctx->bio->bi_io_vec[0];
	int ret = sim_bio_add_page_mode(ctx->bio, ctx->ref_page, PAGE_SIZE, 0,
					BIO_PAGE_MODE_REFFED);

	KUNIT_EXPECT_EQ(test, ctx->bio->bi_vcnt, 1);
	KUNIT_EXPECT_EQ(test, ctx->bio->bi_iter.bi_size, 2048);
	KUNIT_EXPECT_MEMEQ(test, &ctx->bio->bi_io_vec[0], &saved, sizeof(saved));
	return ret;
}

static long bi_bio_endio_again(struct kunit *test, struct bi_ctx *ctx)
{
	bio_endio(ctx->bio);
	KUNIT_EXPECT_EQ(test, bi_end_calls, 1);
	return 0;
}

/* O_DIRECT at (buffer page @page + @boff, @len, file position @pos). */
static long bi_dio(struct bi_ctx *ctx, bool write, unsigned long page, unsigned long boff,
		   size_t len, off_t pos)
{
	unsigned long buf = ctx->addr + page * PAGE_SIZE + boff;

	return write ? sim_pwrite(ctx->fd, buf, len, pos) : sim_pread(ctx->fd, buf, len, pos);
}

static long bi_dio_write_pos100(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_dio(ctx, true, 0, 0, PAGE_SIZE, 100);
}

static long bi_dio_read_pos100(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_dio(ctx, false, 0, 0, PAGE_SIZE, 100);
}

static long bi_dio_write_len100(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_dio(ctx, true, 0, 0, 100, 0);
}

static long bi_dio_write_buf100(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_dio(ctx, true, 0, 100, PAGE_SIZE, 0);
}

static long bi_dio_read_buf100(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_dio(ctx, false, 0, 100, PAGE_SIZE, 0);
}

/* Misaligned and unmapped: the alignment check comes first (-EINVAL). */
static long bi_dio_read_hole100(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_dio(ctx, false, 2, 100, PAGE_SIZE, 0);
}

static long bi_dio_write_hole100(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_dio(ctx, true, 2, 100, PAGE_SIZE, 0);
}

static long bi_dio_read_disk_end(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_dio(ctx, false, 0, 0, PAGE_SIZE, BI_DISK_BYTES);
}

/* 4096 from 2048 before the end: 2048 come, into the buffer's BI_DATA part. */
static long bi_dio_read_disk_straddle(struct kunit *test, struct bi_ctx *ctx)
{
	struct iovec iov = { (void *)ctx->addr, 2048 };
	int fd = ctx->fd;
	long ret;

	/* The disk's last 2048 bytes must hold BI_DATA, as the buffer does. */
	ret = sim_pwritev(fd, &iov, 1, BI_DISK_BYTES - 2048);
	KUNIT_EXPECT_EQ(test, ret, 2048);
	return bi_dio(ctx, false, 0, 0, PAGE_SIZE, BI_DISK_BYTES - 2048);
}

static long bi_dio_read_eof(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_dio(ctx, false, 0, 0, PAGE_SIZE, 8192);
}

static long bi_dio_read_file_straddle(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_dio(ctx, false, 0, 0, PAGE_SIZE, 4096);
}

static long bi_write_ro(struct kunit *test, struct bi_ctx *ctx)
{
	return sim_pwrite(ctx->fd, ctx->addr, PAGE_SIZE, 0);
}

static long bi_truncate_neg(struct kunit *test, struct bi_ctx *ctx)
{
	return sim_ftruncate(ctx->fd, -1);
}

static long bi_truncate_huge(struct kunit *test, struct bi_ctx *ctx)
{
	return sim_ftruncate(ctx->fd, (1LL << 40) + 1);
}

static long bi_splice_len0(struct kunit *test, struct bi_ctx *ctx)
{
	return sim_splice(ctx->fd, NULL, ctx->pipe[1], NULL, 0, 0);
}

static long bi_splice_no_pipe(struct kunit *test, struct bi_ctx *ctx)
{
	return sim_splice(ctx->fd, NULL, ctx->fd2, NULL, PAGE_SIZE, 0);
}

static long bi_splice_full(struct kunit *test, struct bi_ctx *ctx)
{
	return sim_splice(ctx->fd, NULL, ctx->pipe[1], NULL, PAGE_SIZE, 0);
}

static long bi_fork_fail(struct kunit *test, struct bi_ctx *ctx)
{
	struct task_struct *child;
	unsigned char byte = 0;

	sim_fault_reset();
	sim_fail_alloc_after(ctx->n);
	child = sim_fork();
	sim_fault_reset();
	if (!IS_ERR_OR_NULL(child)) {
		sim_task_exit(child);
		return 0;
	}
	KUNIT_EXPECT_EQ(test, sim_user_read(ctx->addr + 5 * PAGE_SIZE + 7, &byte, 1), 1);
	KUNIT_EXPECT_EQ(test, byte, 0x31);
	return IS_ERR(child) ? PTR_ERR(child) : -EINVAL;
}

static long bi_register_beyond(struct kunit *test, struct bi_ctx *ctx)
{
	struct iovec iov = { (void *)ctx->addr, 16 * PAGE_SIZE };

	return sim_aio_register_buffers(ctx->ring, &iov, 1);
}

/*
 * READ_FIXED / WRITE_FIXED of buffer @idx at the range's start + @boff:
 * the submit's errno, or the completion's result.
 */
static long bi_fixed_io(struct bi_ctx *ctx, bool write, unsigned int idx, long boff, size_t len,
			off_t pos)
{
	int64_t res = 0;
	int ret;

	ret = sim_aio_submit_fixed(ctx->ring, ctx->fd, write, idx, ctx->addr + (unsigned long)boff,
				   len, pos, 1);
	if (ret)
		return ret;
	if (sim_aio_reap(ctx->ring, 1, 1, &res, NULL) != 1)
		return -ENODATA;
	return (long)res;
}

static long bi_fixed_index1(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_fixed_io(ctx, false, 1, 0, PAGE_SIZE, 0);
}

static long bi_fixed_read(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_fixed_io(ctx, false, 0, 0, PAGE_SIZE, 0);
}

static long bi_fixed_before(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_fixed_io(ctx, true, 0, -512, PAGE_SIZE, 0);
}

static long bi_fixed_past(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_fixed_io(ctx, false, 0, 512, 4 * PAGE_SIZE, 0);
}

static long bi_fixed_wraps(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_fixed_io(ctx, true, 0, 0, SIZE_MAX - 2 * PAGE_SIZE, 0);
}

static long bi_fixed_write_pos100(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_fixed_io(ctx, true, 0, 0, PAGE_SIZE, 100);
}

static long bi_fixed_read_pos100(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_fixed_io(ctx, false, 0, 0, PAGE_SIZE, 100);
}

static long bi_fixed_read_buf100(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_fixed_io(ctx, false, 0, 100, PAGE_SIZE, 0);
}

static long bi_fixed_write_buf100(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_fixed_io(ctx, true, 0, 100, PAGE_SIZE, 0);
}

static long bi_fixed_write_len100(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_fixed_io(ctx, true, 0, 0, 100, 0);
}

static long bi_fixed_write(struct kunit *test, struct bi_ctx *ctx)
{
	return bi_fixed_io(ctx, true, 0, 0, PAGE_SIZE, 0);
}

/* ---- releases ---------------------------------------------------------------- */

static void bi_release_pins(struct bi_ctx *ctx, long ret)
{
	if (ret > 0)
		unpin_user_pages(ctx->pages, (unsigned long)ret);
}

/* ---- the table --------------------------------------------------------------- */

/* One row: designated initialisers, so the optional fields default to 0. */
#define ROW(i, d, s, c, w, ...) \
	{ .id = i, .desc = d, .setup = s, .call = c, .want = w, ##__VA_ARGS__ }
#define WARNS	.warn = true
#define IO	.allow = { .io = true, .dirty = true }

static const struct bi_row bi_rows[] = {
	ROW("1", "pin_user_pages_fast(pages = NULL)", bi_rw4, bi_pup_null_pages, -EINVAL, WARNS),
	ROW("2", "pin_user_pages_fast(FOLL_GET): PIN and GET", bi_rw4, bi_pup_foll_get, -EINVAL,
	  WARNS),
	ROW("3", "get_user_pages_fast(FOLL_LONGTERM) without PIN", bi_rw4, bi_gup_longterm,
	  -EINVAL, WARNS),
	ROW("4a", "unknown flag bit 30", bi_rw4, bi_pup_bit30, -EINVAL, WARNS),
	ROW("4b", "internal-only FOLL_TOUCH", bi_rw4, bi_pup_touch, -EINVAL, WARNS),
	ROW("5", "nr_pages == 0", bi_rw4, bi_pup_zero, 0),
	ROW("6", "start + len wraps", bi_rw4, bi_pup_wraps, -EOVERFLOW),
	ROW("7", "end above TASK_SIZE_MAX", bi_top, bi_pup_past_top, -EFAULT),
	ROW("8a", "first page unmapped", bi_hole, bi_pup_at_hole, -EFAULT),
	ROW("8b", "page 2 unmapped: short count 2, those 2 pins held", bi_hole, bi_pup_over_hole, 2,
	  .allow = { .pins = 2 }, .release = bi_release_pins),
	ROW("9a", "FOLL_WRITE on a PROT_READ VMA", bi_readonly, bi_pup_write, -EFAULT),
	ROW("9b", "read pin of PROT_NONE", bi_protnone, bi_pup_read, -EFAULT),
	ROW("9c", "VM_IO|VM_PFNMAP mapping", bi_pfnmap, bi_pup_write, -EFAULT),
	ROW("10", "LONGTERM|WRITE on MAP_SHARED of a simfs file", bi_file_shared,
	  bi_pup_longterm_write, -EFAULT),
	ROW("11", "refcount 0 on the first page", bi_ref0, bi_pup3, -ENOMEM, WARNS),
	ROW("12", "unpin_user_pages(npages = -EFAULT)", bi_pinned2, bi_unpin_errno, 0, WARNS),
	ROW("13", "unpin {P0, NULL, P1, NULL}: NULLs skipped, 2 pins dropped", bi_pinned_holes,
	  bi_unpin4, 0, .allow = { .pins = -2 }),
	ROW("14a", "unpin a page never pinned", bi_rw4, bi_sim_unpin_page0, -EINVAL,
	  .allow = { .violations = 1 }),
	ROW("14b", "double unpin", bi_unpinned_once, bi_sim_unpin_page0, -EINVAL,
	  .allow = { .violations = 1 }),
	ROW("15", "folio_add_pin() on an unpinned folio", bi_rw4, bi_add_pin, -EINVAL, WARNS),
	ROW("16", "import_iovec() of UIO_MAXIOV + 1 segments", bi_rw4, bi_import_too_many,
	  -EINVAL),
	ROW("17", "iovecs totalling more than MAX_RW_COUNT: clamped", bi_rw4, bi_import_clamped,
	  (long)MAX_RW_COUNT),
	ROW("18", "iovec length above SSIZE_MAX", bi_rw4, bi_import_overflow, -EINVAL),
	ROW("19a", "extract with maxsize 0", bi_rw4, bi_extract_maxsize0, 0),
	ROW("19b", "extract with maxpages 0", bi_rw4, bi_extract_maxpages0, 0),
	ROW("20", "extract from a user iterator over unmapped memory", bi_hole, bi_extract_hole,
	  -EFAULT),
	ROW("21", "bio_add_page() to a full bio", bi_bio_full, bi_bio_add_page1, 0),
	ROW("22", "bio_add_page() past bi_size UINT_MAX (0, see the note)", bi_bio_huge,
	  bi_bio_add_page_huge, 0),
	ROW("23", "REFFED page into a PINNED bio", bi_bio_pinned, bi_bio_add_reffed, -EINVAL),
	ROW("24", "bio completed twice", bi_bio_ended, bi_bio_endio_again, 0,
	  .allow = { .violations = 1 }),
	ROW("25a", "raw disk: O_DIRECT write at position 100", bi_disk_rw, bi_dio_write_pos100,
	  -EINVAL),
	ROW("25b", "simfs iomap: O_DIRECT read at position 100", bi_iomap_rw, bi_dio_read_pos100,
	  -EINVAL),
	ROW("25c", "simfs legacy: O_DIRECT write at position 100", bi_legacy_rw,
	  bi_dio_write_pos100, -EINVAL),
	ROW("26a", "raw disk: O_DIRECT length 100", bi_disk_rw, bi_dio_write_len100, -EINVAL),
	ROW("26b", "raw disk: O_DIRECT write from buffer + 100", bi_disk_rw, bi_dio_write_buf100,
	  -EINVAL),
	ROW("26c", "raw disk: O_DIRECT read into buffer + 100, unmapped", bi_disk_rw,
	  bi_dio_read_hole100, -EINVAL),
	ROW("26d", "simfs iomap: O_DIRECT write from buffer + 100", bi_iomap_rw,
	  bi_dio_write_buf100, -EINVAL),
	ROW("26e", "simfs iomap: O_DIRECT read into buffer + 100, unmapped", bi_iomap_rw,
	  bi_dio_read_hole100, -EINVAL),
	ROW("26e2", "simfs iomap: O_DIRECT write from buffer + 100, unmapped", bi_iomap_rw,
	  bi_dio_write_hole100, -EINVAL),
	ROW("26f", "simfs legacy: O_DIRECT read into buffer + 100", bi_legacy_rw,
	  bi_dio_read_buf100, -EINVAL),
	ROW("26g", "simfs legacy: O_DIRECT write from buffer + 100, unmapped", bi_legacy_rw,
	  bi_dio_write_hole100, -EINVAL),
	ROW("26g2", "simfs legacy: O_DIRECT read into buffer + 100, unmapped", bi_legacy_rw,
	  bi_dio_read_hole100, -EINVAL),
	ROW("27a", "raw disk: O_DIRECT read at the end", bi_disk_short, bi_dio_read_disk_end, 0),
	ROW("27b", "raw disk: O_DIRECT read straddling the end: short", bi_disk_short,
	  bi_dio_read_disk_straddle, 2048, IO),
	ROW("27c", "simfs iomap: O_DIRECT read at EOF", bi_iomap_short, bi_dio_read_eof, 0),
	ROW("27d", "simfs iomap: O_DIRECT read straddling EOF: short", bi_iomap_short,
	  bi_dio_read_file_straddle, 2048, IO),
	ROW("27e", "simfs legacy: O_DIRECT read straddling EOF: short", bi_legacy_short,
	  bi_dio_read_file_straddle, 2048, IO),
	ROW("28a", "raw disk: write on an O_RDONLY fd", bi_disk_ro, bi_write_ro, -EBADF),
	ROW("28b", "simfs: write on an O_RDONLY fd", bi_iomap_ro, bi_write_ro, -EBADF),
	ROW("29a", "ftruncate to -1", bi_file_plain, bi_truncate_neg, -EINVAL),
	ROW("29b", "ftruncate above the maximum size", bi_file_plain, bi_truncate_huge, -EFBIG),
	ROW("30a", "splice of length 0", bi_splice_disk_pipe, bi_splice_len0, 0),
	ROW("30b", "splice with neither end a pipe", bi_splice_disk_disk, bi_splice_no_pipe,
	  -EINVAL),
	ROW("30c", "splice into a full O_NONBLOCK pipe", bi_splice_full_pipe, bi_splice_full,
	  -EAGAIN),
	ROW("31a", "fork, its first allocation fails", bi_fork_first, bi_fork_fail, -ENOMEM),
	ROW("31b", "fork, its last allocation fails", bi_fork_last, bi_fork_fail, -ENOMEM),
	ROW("32", "register buffers beyond RLIMIT_MEMLOCK", bi_ring, bi_register_beyond,
	  -ENOMEM),
	ROW("32f1", "read_fixed of buffer 1 with one registered", bi_fixed_disk_rw,
	  bi_fixed_index1, -EFAULT),
	ROW("32f2", "read_fixed with no buffers registered", bi_fixed_disk_none, bi_fixed_read,
	  -EFAULT),
	ROW("32f3", "read_fixed after the buffers were unregistered", bi_fixed_disk_unreg,
	  bi_fixed_read, -EFAULT),
	ROW("32f4", "write_fixed starting 512 bytes before the buffer", bi_fixed_disk_rw,
	  bi_fixed_before, -EFAULT),
	ROW("32f5", "read_fixed ending 512 bytes past the buffer", bi_fixed_disk_rw,
	  bi_fixed_past, -EFAULT),
	ROW("32f6", "write_fixed whose addr + len wraps", bi_fixed_disk_rw, bi_fixed_wraps,
	  -EFAULT),
	ROW("32f7", "raw disk: write_fixed at position 100", bi_fixed_disk_rw,
	  bi_fixed_write_pos100, -EINVAL),
	ROW("32f8", "raw disk: read_fixed into buffer + 100", bi_fixed_disk_rw,
	  bi_fixed_read_buf100, -EINVAL),
	ROW("32f9", "raw disk: write_fixed of length 100", bi_fixed_disk_rw,
	  bi_fixed_write_len100, -EINVAL),
	ROW("32f10", "simfs iomap: read_fixed at position 100", bi_fixed_iomap_rw,
	  bi_fixed_read_pos100, -EINVAL),
	ROW("32f11", "simfs iomap: write_fixed from buffer + 100", bi_fixed_iomap_rw,
	  bi_fixed_write_buf100, -EINVAL),
	ROW("32f12", "simfs legacy: read_fixed into buffer + 100", bi_fixed_legacy_rw,
	  bi_fixed_read_buf100, -EINVAL),
	ROW("32f13", "simfs legacy: write_fixed of length 100", bi_fixed_legacy_rw,
	  bi_fixed_write_len100, -EINVAL),
	ROW("32f14", "raw disk: write_fixed on an O_RDONLY fd", bi_fixed_disk_ro, bi_fixed_write,
	  -EBADF),
};

static void bi_row_desc(const struct bi_row *r, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s %s", r->id, r->desc);
}

KUNIT_ARRAY_PARAM(bi_row, bi_rows, bi_row_desc);

static void bi_teardown(struct kunit *test, struct bi_ctx *ctx)
{
	if (ctx->tweaked)
		set_page_count(ctx->tweaked, ctx->tweaked_ref);
	if (ctx->bio) {
		if (ctx->bio_size)
			ctx->bio->bi_iter.bi_size = ctx->bio_size;
		while (ctx->bio_puts--)
			bio_put(ctx->bio);
	}
	if (ctx->nr_pinned)
		unpin_user_pages(ctx->pinned, (unsigned long)ctx->nr_pinned);
	if (ctx->ref_page)
		put_page(ctx->ref_page);
	if (ctx->ring) {
		sim_aio_destroy(ctx->ring);
		sim_setrlimit_memlock(SIM_DEFAULT_MEMLOCK);
	}
	if (ctx->pipe[0] >= 0)
		sim_close(ctx->pipe[0]);
	if (ctx->pipe[1] >= 0)
		sim_close(ctx->pipe[1]);
	if (ctx->map_len)
		KUNIT_EXPECT_EQ(test, sim_munmap(ctx->map, ctx->map_len), 0);
	if (ctx->fd2 >= 0)
		sim_close(ctx->fd2);
	if (ctx->fd >= 0)
		sim_close(ctx->fd);
	if (ctx->mounted)
		KUNIT_EXPECT_EQ(test, sim_umount(BI_MNT), 0);
}

/*
 * scenarios.md §5.3, every bad input (table above), on a 64 MiB machine
 * without THP with a 4 MiB raw RAM disk and a simfs (4 KiB blocks) on an
 * 8 MiB one.
 *
 *   setup -> snapshot -> bad call -> snapshot' -> release -> snapshot''
 *
 * Expect the row's return value, a WARN exactly when the row says, and
 * snapshot' equal to snapshot but for the row's allowance (pins the call
 * legitimately kept or dropped, violations it reports, I/O of a short
 * read whose bytes were already in the buffer); after releasing what the
 * call kept, snapshot'' equal to snapshot but for the violations.
 */
static void bad_input_row(struct kunit *test)
{
	const struct bi_row *r = test->param_value;
	struct bi_ctx ctx = { .fd = -1, .fd2 = -1, .pipe = { -1, -1 } };
	struct t_snap_spec spec;
	struct t_snap_allow after = r->allow;
	struct t_snap before;
	long ret = 0;

	r->setup(test, &ctx);
	spec = (struct t_snap_spec){ .addr = ctx.addr, .len = ctx.len, .path = ctx.path,
				     .scratch = bi_scratch };
	t_snap_take(test, &before, &spec);
	kunit_expect_violations(test, r->allow.violations);
	if (r->warn)
		KUNIT_EXPECT_WARN(test, ret = r->call(test, &ctx));
	else
		ret = r->call(test, &ctx);
	KUNIT_EXPECT_EQ(test, ret, r->want);
	t_snap_expect(test, &before, &r->allow, "after the call");
	if (r->release) {
		r->release(&ctx, ret);
		after.pins = 0;
		after.churn = true;
		t_snap_expect(test, &before, &after, "after the release");
	}
	t_snap_free(&before);
	bi_teardown(test, &ctx);
}

static struct kunit_case bad_input_test_cases[] = {
	KUNIT_CASE_PARAM(bad_input_row, bi_row_gen_params),
	{}
};

struct kunit_suite bad_input_suite = {
	.name = "bad_input",
	.init = bi_init,
	.exit = bi_exit,
	.test_cases = bad_input_test_cases,
};
