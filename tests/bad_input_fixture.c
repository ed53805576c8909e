// SPDX-License-Identifier: GPL-2.0
/*
 * tests/bad_input_fixture.c - the harness of the bad-input suites: the
 * machine every row boots (init/exit), the setups both tables share, the
 * teardown, and the runner (setup -> snapshot -> call -> snapshot ->
 * release -> snapshot); see tests/bad_input_test.c for the method.
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

#include "bad_input_fixture.h"

static const struct sim_config bi_cfg = { .mem_bytes = 64UL << 20 };

static unsigned long bi_scratch;	/* the snapshot's read buffer */

int bi_init(struct kunit *test)
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

void bi_exit(struct kunit *test)
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

/* @nr private pages holding @c, each faulted in. */
void bi_map(struct kunit *test, struct bi_ctx *ctx, unsigned long nr, int c)
{
	ctx->map_len = ctx->len = nr * PAGE_SIZE;
	ctx->map = ctx->addr = t_mm_mmap(test, ctx->len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	t_mm_fill(test, ctx->addr, c, ctx->len);
}

struct page *bi_page(struct bi_ctx *ctx, unsigned long i)
{
	return t_mm_page(current->mm, ctx->addr + i * PAGE_SIZE);
}

void bi_pin(struct kunit *test, struct bi_ctx *ctx, unsigned long first, int nr)
{
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(ctx->addr + first * PAGE_SIZE, nr, FOLL_WRITE,
						  ctx->pinned + ctx->nr_pinned), nr);
	ctx->nr_pinned += nr;
}

/*
 * simfs mounted with @opts, BI_FILE of BI_FILE_BYTES BI_DATA written with
 * O_DIRECT (so nothing is cached: an O_DIRECT write drops cached pages of
 * its range before it checks alignment, in the kernel too), then @flags.
 */
void bi_file(struct kunit *test, struct bi_ctx *ctx, const char *opts, int flags)
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

void bi_row_desc(const struct bi_row *r, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s %s", r->id, r->desc);
}

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
void bad_input_row(struct kunit *test)
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
