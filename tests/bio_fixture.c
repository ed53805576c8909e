// SPDX-License-Identifier: GPL-2.0
/*
 * tests/bio_fixture.c - what the bio suites (bio, bio_iov, bio_mode) share:
 * the machine each case boots, a device stand-in with queue limits, user
 * buffers whose pages are never physically contiguous, a THP, and small
 * helpers to pin, poison a bvec table and finish a bio.
 */
#include <sys/mman.h>

#include <pinio/bio.h>
#include <pinio/blkdev.h>

#include "bio_fixture.h"

static const struct sim_config bio_test_cfg = {
	.mem_bytes = 64UL << 20,
	.thp = true,
};

int bio_test_init(struct kunit *test)
{
	struct sim_config cfg = bio_test_cfg;

	if (test->param_value)
		cfg.profile = ((const struct bio_test_profile *)test->param_value)->profile;
	return t_mm_boot(&cfg);
}

void bio_test_exit(struct kunit *test)
{
	bio_dirty_flush();
	t_mm_shutdown(test);
}

void bio_test_dev_init(struct bio_test_dev *d, unsigned int lbs)
{
	memset(d, 0, sizeof(*d));
	d->q.limits.logical_block_size = lbs;
	d->q.limits.physical_block_size = lbs;
	d->q.limits.max_sectors = 2560;
	d->q.limits.max_hw_sectors = 2560;
	d->q.limits.max_segments = 128;
	d->q.limits.max_segment_size = 65536;
	d->q.limits.dma_alignment = 511;
	d->q.limits.seg_boundary_mask = 0xffffffffUL;
	d->bdev.bd_queue = &d->q;
}

/*
 * @npages of anonymous memory filled with @c, faulted in last page first
 * (descending frames): no page is physically followed by the next one.
 */
unsigned long bio_test_buf(struct kunit *test, unsigned int npages, int c)
{
	unsigned long addr = t_mm_mmap(test, npages * PAGE_SIZE, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE);
	unsigned int i;

	for (i = npages; i-- > 0;)
		t_mm_fill(test, addr + i * PAGE_SIZE, c, PAGE_SIZE);
	for (i = 0; i + 1 < npages; i++)
		KUNIT_ASSERT_TRUE_MSG(test, t_mm_page(t_mm(), addr + (i + 1) * PAGE_SIZE) !=
				      t_mm_page(t_mm(), addr + i * PAGE_SIZE) + 1,
				      "pages %u and %u are physically contiguous", i, i + 1);
	return addr;
}

/* A 2 MiB THP filled with @c: 512 physically contiguous pages. *@map: unmap this. */
unsigned long bio_test_thp(struct kunit *test, int c, unsigned long *map)
{
	unsigned long addr;
	struct page *page;

	*map = t_mm_mmap(test, 2 * PMD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	addr = ALIGN(*map, PMD_SIZE);
	t_mm_fill(test, addr, c, PMD_SIZE);
	page = t_mm_page(t_mm(), addr);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_EQ(test, folio_order(page_folio(page)), HPAGE_PMD_ORDER);
	return addr;
}

struct page *bio_test_page(unsigned long addr)
{
	return t_mm_page(t_mm(), addr);
}

/* Pins on @page's folio: exact for both sizes (the shadow count for small). */
long bio_test_pins(struct page *page)
{
	struct folio *folio = page_folio(page);

	if (folio_test_large(folio))
		return atomic_read(&folio->_pincount);
	return sim_small_folio_pins(folio);
}

unsigned long bio_test_acquired(void)
{
	return sim_vmstat("nr_foll_pin_acquired");
}

unsigned long bio_test_released(void)
{
	return sim_vmstat("nr_foll_pin_released");
}

/* Pin @n pages at @addr for a bio built by hand (ASSERT all pinned). */
void bio_test_pin(struct kunit *test, unsigned long addr, int n, struct page **pages)
{
	int i;

	for (i = 0; i < n; i++)
		pages[i] = BIO_TEST_POISON;
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr, n, 0, pages), n);
}

/*
 * Poison every slot of @bio's bvec table: bio_iov_iter_get_pages() keeps
 * its page pointers there, and must never read a slot it did not write.
 */
void bio_test_poison_table(struct bio *bio)
{
	struct page **slots = (struct page **)bio->bi_io_vec;
	size_t i, n = bio->bi_max_vecs * sizeof(struct bio_vec) / sizeof(*slots);

	for (i = 0; i < n; i++)
		slots[i] = BIO_TEST_POISON;
}

/* Release and free a bio its builder owns (the usual completion). */
void bio_test_finish(struct bio *bio, bool mark_dirty)
{
	bio_release_pages(bio, mark_dirty);
	bio_put(bio);
}

unsigned int bio_test_end_calls;

void bio_test_end_io(struct bio *bio)
{
	bio_test_end_calls++;
}
