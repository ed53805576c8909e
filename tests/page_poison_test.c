// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the page-poisoning switch (page_poisoning_enabled(),
 * sim_config.no_page_poison; the kernel's page_poison=): freed frames are
 * filled with PAGE_POISON (0xaa) and a frame whose poison changed while it
 * was free is reported when it is handed out again. On in every test
 * machine; a machine booted without it (the benchmark's random_ops
 * poison=off pass) leaves freed frames as they were and checks nothing at
 * allocation, and keeps everything else: __GFP_ZERO and anonymous faults
 * still hand out zeroed frames, the leak ledger still balances and
 * reports, and a DMA into a freed page is still refused by the DMA
 * engine's transfer-time check (I9: the frame's allocation generation,
 * PG_buddy, its refcount), which never depended on the poison. What only
 * poisoning catches is a write into a free frame that goes around the
 * DMA engine (a CPU store through a stale pointer): that case is written
 * down here too.
 *
 * Every case boots a 64 MiB machine (poisoning on); cases about poisoning
 * off reboot the machine without it, and the suite's exit shuts that one
 * down expecting no leaks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "blk_helpers.h"

#define PP_MAX_TRIES	(T_BLK_MEM_BYTES >> PAGE_SHIFT)

static const struct sim_config pp_cfg_on = { .mem_bytes = T_BLK_MEM_BYTES };
static const struct sim_config pp_cfg_off = { .mem_bytes = T_BLK_MEM_BYTES,
					      .no_page_poison = true };

static int page_poison_test_init(struct kunit *test)
{
	return sim_boot(&pp_cfg_on);
}

static void page_poison_test_exit(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sim_shutdown(), 0);
}

/*
 * Allocate order-0 folios with @gfp until frame @pfn comes back (the frames
 * in between are freed again afterwards). ASSERTs that it does.
 */
static struct folio *pp_alloc_pfn(struct kunit *test, gfp_t gfp, unsigned long pfn)
{
	struct folio **held = calloc(PP_MAX_TRIES, sizeof(*held));
	struct folio *folio = NULL;
	size_t n = 0, i;

	KUNIT_ASSERT_NOT_NULL(test, held);
	while (n < PP_MAX_TRIES) {
		struct folio *f = folio_alloc_owner(gfp, 0, OWNER_TEST);

		if (!f)
			break;
		if (folio_pfn(f) == pfn) {
			folio = f;
			break;
		}
		held[n++] = f;
	}
	for (i = 0; i < n; i++)
		folio_put(held[i]);
	free(held);
	KUNIT_ASSERT_NOT_NULL_MSG(test, folio, "pfn %lu was not handed out again", pfn);
	return folio;
}

/* A freed folio's frame number and host address; its bytes were @fill. */
static unsigned long pp_free_one(struct kunit *test, int fill, unsigned char **addr)
{
	struct folio *f = t_blk_folio(test, 0, fill);
	unsigned long pfn = folio_pfn(f);

	*addr = folio_address(f);
	folio_put(f);
	return pfn;
}

/*
 * On by default, off after a no_page_poison boot, on again after the next
 * default boot and after shutdown:
 *   boot (default) -> reboot no_page_poison -> reboot default
 */
static void page_poison_on_by_default(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, page_poisoning_enabled());
	KUNIT_EXPECT_FALSE(test, sim_get_config()->no_page_poison);
	t_mm_reboot(test, &pp_cfg_off);
	KUNIT_EXPECT_FALSE(test, page_poisoning_enabled());
	KUNIT_EXPECT_TRUE(test, sim_get_config()->no_page_poison);
	KUNIT_EXPECT_EQ(test, sim_shutdown(), 0);
	KUNIT_EXPECT_TRUE(test, page_poisoning_enabled());
	KUNIT_ASSERT_EQ(test, sim_boot(&pp_cfg_on), 0);
	KUNIT_EXPECT_TRUE(test, page_poisoning_enabled());
}

/*
 * With poisoning, a store into a free frame is reported when the frame is
 * handed out again:
 *   F = alloc, fill 0x5c -> free F: frame all 0xaa
 *   store 0x42 at byte 100 of the free frame (no DMA: a CPU store)
 *   alloc until F's frame comes back
 * Expect the frame all poison after the free, exactly one violation at the
 * allocation ("poison changed"), and the frame's history showing it.
 */
static void page_poison_on_reports_write_after_free(struct kunit *test)
{
	unsigned char *addr;
	unsigned long pfn = pp_free_one(test, 0x5c, &addr);
	struct sim_ledger l;
	struct folio *again;
	char *h;

	KUNIT_EXPECT_TRUE(test, t_mem_is(addr, 0xaa, PAGE_SIZE));
	addr[100] = 0x42;
	kunit_expect_violations(test, 1);
	again = pp_alloc_pfn(test, GFP_KERNEL, pfn);
	sim_ledger_read(&l);
	KUNIT_EXPECT_EQ(test, l.violations, 1L);
	h = t_page_history(pfn);
	KUNIT_ASSERT_NOT_NULL(test, h);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(h, "violation"), "%s", h);
	free(h);
	folio_put(again);
}

/*
 * Without poisoning, the same store goes unreported, and allocation still
 * zeroes what must be zeroed:
 *   reboot no_page_poison -> F = alloc, fill 0x5c -> free F: still 0x5c
 *   store 0x42 at byte 100 -> alloc(__GFP_ZERO) until F's frame comes back
 * Expect no violation, the frame all zero from the __GFP_ZERO allocation;
 * and an anonymous page written, unmapped and faulted in again reads zero.
 */
static void page_poison_off_not_filled_zeroing_kept(struct kunit *test)
{
	unsigned char *addr;
	unsigned long pfn, va;
	struct folio *again;
	struct sim_ledger l;

	t_mm_reboot(test, &pp_cfg_off);
	pfn = pp_free_one(test, 0x5c, &addr);
	KUNIT_EXPECT_TRUE(test, t_mem_is(addr, 0x5c, PAGE_SIZE));
	addr[100] = 0x42;
	again = pp_alloc_pfn(test, __GFP_ZERO, pfn);
	KUNIT_EXPECT_TRUE(test, t_mem_is(folio_address(again), 0, PAGE_SIZE));
	sim_ledger_read(&l);
	KUNIT_EXPECT_EQ(test, l.violations, 0L);
	folio_put(again);

	va = t_mm_mmap(test, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	t_mm_fill(test, va, 'w', 4 * PAGE_SIZE);
	t_mm_munmap(test, va, 4 * PAGE_SIZE);
	va = t_mm_mmap(test, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	t_mm_fill(test, va + PAGE_SIZE, 'x', 1);	/* a write fault: a fresh frame */
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(va + PAGE_SIZE + 1, 0, PAGE_SIZE - 1));
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(va, 0, PAGE_SIZE));
	t_mm_munmap(test, va, 4 * PAGE_SIZE);
}

/*
 * Without poisoning, a DMA into a page freed while its bio is in flight is
 * still refused, by the DMA engine (I9), not by the poison:
 *   reboot no_page_poison -> READ [A|B] held -> folio_put(B) -> release
 * Expect one violation, BLK_STS_IOERR, A holding the disk's bytes and B's
 * frame still holding its own 0x77 (the disk's 0xc3 never landed there).
 */
static void page_poison_off_dma_into_freed_page_refused(struct kunit *test)
{
	struct sim_io_fault hold = { .flags = SIM_IO_HOLD };
	static unsigned char disk[2 * PAGE_SIZE];
	struct block_device *bdev;
	struct folio *a, *b;
	struct page *bpage;
	struct t_blk_io io;
	struct bio *bio;

	t_mm_reboot(test, &pp_cfg_off);
	KUNIT_ASSERT_EQ(test, sim_dma_set_threads(0), 0);
	KUNIT_ASSERT_EQ(test, sim_ramdisk_create("ram0", 1UL << 20, 512), 0);
	bdev = t_blk_open(test, "ram0");
	memset(disk, 0xc3, sizeof(disk));
	KUNIT_ASSERT_EQ(test, t_blk_rw(test, bdev, true, 0, disk, sizeof(disk)), 0);
	a = t_blk_folio(test, 0, 0x77);
	b = t_blk_folio(test, 0, 0x77);
	bpage = &b->page;
	bio = t_blk_bio(test, bdev, REQ_OP_READ, 0, 2);
	t_blk_add(test, bio, &a->page, PAGE_SIZE, 0);
	t_blk_add(test, bio, bpage, PAGE_SIZE, 0);
	KUNIT_ASSERT_EQ(test, sim_disk_inject("ram0", &hold), 0);
	t_blk_io_init(&io);
	t_blk_submit(&io, 0, bio);

	folio_put(b);	/* B goes back to the buddy allocator, unpoisoned */
	KUNIT_EXPECT_TRUE(test, t_mem_is(page_address(bpage), 0x77, PAGE_SIZE));
	kunit_expect_violations(test, 1);
	KUNIT_EXPECT_EQ(test, sim_disk_release("ram0"), 1);
	KUNIT_EXPECT_TRUE(test, t_blk_wait(&io, 1, 5000));
	KUNIT_EXPECT_EQ(test, io.status[0], BLK_STS_IOERR);
	KUNIT_EXPECT_TRUE(test, t_mem_is(folio_address(a), 0xc3, PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, t_mem_is(page_address(bpage), 0x77, PAGE_SIZE));
	bio_put(bio);
	t_blk_io_destroy(&io);
	folio_put(a);
	blkdev_put(bdev);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy("ram0"), 0);
}

/*
 * The leak ledger without poisoning (its counters do not look at bytes):
 *   reboot no_page_poison -> pin 3 pages -> unpin 2 -> munmap
 *   -> a kernel folio left allocated -> shutdown
 * Expect sim_shutdown() to report 3: the pin outstanding, the folio it
 * keeps alive and the kernel folio.
 */
static void page_poison_off_ledger_reports_leaks(struct kunit *test)
{
	struct page *pages[3];
	struct sim_ledger l;
	unsigned long va;

	t_mm_reboot(test, &pp_cfg_off);
	va = t_mm_mmap(test, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	t_mm_fill(test, va, 'l', 3 * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(va, 3, FOLL_WRITE, pages), 3);
	unpin_user_pages(pages, 2);
	sim_ledger_read(&l);
	KUNIT_EXPECT_EQ(test, l.pins, 1L);
	t_mm_munmap(test, va, 3 * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, folio_alloc_owner(GFP_KERNEL, 0, OWNER_TEST));
	KUNIT_EXPECT_EQ(test, sim_shutdown(), 3L);
	KUNIT_ASSERT_EQ(test, sim_boot(&pp_cfg_on), 0);
}

static struct kunit_case page_poison_test_cases[] = {
	KUNIT_CASE(page_poison_on_by_default),
	KUNIT_CASE(page_poison_on_reports_write_after_free),
	KUNIT_CASE(page_poison_off_not_filled_zeroing_kept),
	KUNIT_CASE(page_poison_off_dma_into_freed_page_refused),
	KUNIT_CASE(page_poison_off_ledger_reports_leaks),
	{}
};

struct kunit_suite page_poison_suite = {
	.name = "page_poison",
	.init = page_poison_test_init,
	.exit = page_poison_test_exit,
	.test_cases = page_poison_test_cases,
};
