// SPDX-License-Identifier: GPL-2.0
/*
 * lib/iov_iter_extract.c - getting the pages behind an iov_iter
 * (lib/iov_iter.c, v6.5; R-ITER-5..9, R-ITER-13).
 *
 * iov_iter_extract_pages() pins user pages (FOLL_PIN) and hands out kernel
 * (KVEC, BVEC, XARRAY) pages with no reference at all; the caller learns
 * which from iov_iter_extract_will_pin(). iov_iter_get_pages2() is the
 * older FOLL_GET path, kept for the contrast the v21 series is about.
 */
#include <pinio/uaccess.h>
#include <pinio/uio.h>
#include "lib/iov_iter_xarray.h"

static size_t min3_size(size_t a, size_t b, size_t c)
{
	return min(min(a, b), c);
}

/* ---- extracting pages (R-ITER-5..9) -------------------------------------- */

/*
 * The number of pages to extract, allocating the array if *@res is NULL:
 * min(@maxpages, pages spanned by @size bytes at page offset @start).
 * Returns 0 if the allocation failed.
 */
static unsigned int want_pages_array(struct page ***res, size_t size, size_t start,
				     unsigned int maxpages)
{
	size_t count = DIV_ROUND_UP(size + start, PAGE_SIZE);

	if (count > maxpages)
		count = maxpages;
	if (!*res) {
		*res = kvmalloc_array(count, sizeof(struct page *));
		if (!*res)
			return 0;
	}
	return (unsigned int)count;
}

/*
 * The user address of the first byte of the first non-empty segment at or
 * after the current position, with *@size clamped to what that segment has.
 */
static unsigned long first_iovec_segment(const struct iov_iter *i, size_t *size)
{
	size_t skip = i->iov_offset;
	unsigned long k;

	if (iter_is_ubuf(i))
		return i->ubuf + skip;
	for (k = 0; k < i->nr_segs; k++, skip = 0) {
		size_t len = i->__iov[k].iov_len - skip;

		if (!len)
			continue;
		if (*size > len)
			*size = len;
		return (unsigned long)i->__iov[k].iov_base + skip;
	}
	/* count > 0 with no bytes left in any segment: a corrupt iterator. */
	BUG();
}

static ssize_t extract_user_pages(struct iov_iter *i, struct page ***pages, size_t maxsize,
				  unsigned int maxpages, iov_iter_extraction_t extraction_flags,
				  size_t *offset0)
{
	unsigned int gup_flags = 0, n;
	bool allocated = !*pages;
	unsigned long addr;
	size_t offset;
	int res;

	if (i->data_source == ITER_DEST)
		gup_flags |= FOLL_WRITE;
	if (extraction_flags & ITER_ALLOW_P2PDMA)
		gup_flags |= FOLL_PCI_P2PDMA;
	if (i->nofault)
		gup_flags |= FOLL_NOFAULT;

	addr = first_iovec_segment(i, &maxsize);
	offset = addr % PAGE_SIZE;
	*offset0 = offset;
	n = want_pages_array(pages, maxsize, offset, maxpages);
	if (!n)
		return -ENOMEM;
	res = pin_user_pages_fast(addr & PAGE_MASK, (int)n, gup_flags, *pages);
	if (res <= 0) {
		if (allocated) {
			kvfree(*pages);
			*pages = NULL;
		}
		return res;
	}
	maxsize = min_t(size_t, maxsize, (size_t)res * PAGE_SIZE - offset);
	iov_iter_advance(i, maxsize);
	return (ssize_t)maxsize;
}

static ssize_t extract_kvec_pages(struct iov_iter *i, struct page ***pages, size_t maxsize,
				  unsigned int maxpages, size_t *offset0)
{
	size_t skip = i->iov_offset, size, offset;
	unsigned int n, k;
	const char *kaddr;

	/* Skip empty leading kvecs (B9: they used to end the extraction). */
	for (;;) {
		if (!i->nr_segs)
			return 0;
		size = min(maxsize, i->kvec->iov_len - skip);
		if (size)
			break;
		i->iov_offset = 0;
		i->nr_segs--;
		i->kvec++;
		skip = 0;
	}
	kaddr = (const char *)i->kvec->iov_base + skip;
	if (!virt_addr_valid(kaddr) || !virt_addr_valid(kaddr + size - 1))
		return -EFAULT;
	offset = (size_t)(kaddr - (const char *)phys_base) % PAGE_SIZE;
	*offset0 = offset;
	n = want_pages_array(pages, size, offset, maxpages);
	if (!n)
		return -ENOMEM;
	kaddr -= offset;
	for (k = 0; k < n; k++)
		(*pages)[k] = virt_to_page(kaddr + (size_t)k * PAGE_SIZE);
	size = min_t(size_t, size, (size_t)n * PAGE_SIZE - offset);
	iov_iter_advance(i, size);
	return (ssize_t)size;
}

static ssize_t extract_bvec_pages(struct iov_iter *i, struct page ***pages, size_t maxsize,
				  unsigned int maxpages, size_t *offset0)
{
	size_t skip = i->iov_offset, size, offset;
	struct page *page;
	unsigned int n, k;

	/* Skip empty and exhausted leading bvecs (B9). */
	for (;;) {
		if (!i->nr_segs)
			return 0;
		size = min(maxsize, i->bvec->bv_len - skip);
		if (size)
			break;
		i->iov_offset = 0;
		i->nr_segs--;
		i->bvec++;
		skip = 0;
	}
	skip += i->bvec->bv_offset;
	page = i->bvec->bv_page + skip / PAGE_SIZE;
	offset = skip % PAGE_SIZE;
	*offset0 = offset;
	n = want_pages_array(pages, size, offset, maxpages);
	if (!n)
		return -ENOMEM;
	for (k = 0; k < n; k++)
		(*pages)[k] = page + k;
	size = min_t(size_t, size, (size_t)n * PAGE_SIZE - offset);
	iov_iter_advance(i, size);
	return (ssize_t)size;
}

/*
 * ITER_XARRAY (R-ITER-9): the cached pages from xarray_start + iov_offset,
 * stopping at the first hole; neither pinned nor referenced.
 */
static ssize_t extract_xarray_pages(struct iov_iter *i, struct page ***pages, size_t maxsize,
				    unsigned int maxpages, size_t *offset0)
{
	long long pos = i->xarray_start + (long long)i->iov_offset;
	size_t offset = (size_t)(pos & (long long)(PAGE_SIZE - 1));
	bool allocated = !*pages;
	unsigned int want, got;

	want = want_pages_array(pages, maxsize, offset, maxpages);
	if (!want)
		return -ENOMEM;
	got = xarray_extract_pages(i->xarray, pos, *pages, want);
	if (!got) {
		if (allocated) {
			kvfree(*pages);
			*pages = NULL;
		}
		return 0;
	}
	maxsize = min(maxsize, (size_t)got * PAGE_SIZE - offset);
	*offset0 = offset;
	iov_iter_advance(i, maxsize);
	return (ssize_t)maxsize;
}

/**
 * iov_iter_extract_pages() - the pages under the next bytes of @i.
 * @i: the iterator; advanced by the return value.
 * @pages: in/out: the page array, or NULL to have one allocated with
 *	kvmalloc_array() (the caller kvfree()s it; left NULL on error).
 * @maxsize: bytes wanted; clamped to the count and to MAX_RW_COUNT.
 * @maxpages: size of *@pages.
 * @extraction_flags: ITER_ALLOW_P2PDMA or 0.
 * @offset0: out: offset of the data in the first page.
 *
 * UBUF and IOVEC **pin** (FOLL_PIN through pin_user_pages_fast(); FOLL_WRITE
 * iff ITER_DEST, FOLL_NOFAULT iff @i->nofault, never FOLL_LONGTERM), from
 * the first non-empty segment only: each page holds one pin (zero pages
 * excepted) that the caller drops with unpin_user_pages() (R-ITER-6). KVEC
 * and BVEC take **neither** pin nor reference, skip empty leading segments
 * and use the current segment only (R-ITER-7/8); a kvec outside the direct
 * map gives -EFAULT. See iov_iter_extract_will_pin().
 * Later pages start at offset 0; the pages are DIV_ROUND_UP(*@offset0 +
 * return, PAGE_SIZE) <= @maxpages.
 *
 * Deviation: @maxpages == 0 returns 0 touching nothing for the types that
 * have pages (scenarios.md bad input 19); the kernel WARNs in
 * want_pages_array() and gives -ENOMEM.
 * Return: bytes extracted (> 0); 0 if there is nothing to extract (then
 * nothing, not even *@offset0, is touched); or -EFAULT (user range not
 * mapped, DISCARD, XARRAY, unknown type), -ENOMEM, another GUP -errno. On
 * an error or 0 the iterator is not advanced (KVEC/BVEC may have consumed
 * empty segments).
 */
ssize_t iov_iter_extract_pages(struct iov_iter *i, struct page ***pages, size_t maxsize,
			       unsigned int maxpages, iov_iter_extraction_t extraction_flags,
			       size_t *offset0)
{
	maxsize = min3_size(maxsize, i->count, MAX_RW_COUNT);
	if (!maxsize)
		return 0;
	/* User memory, the common case, ahead of the jump table. */
	if (likely(iter_is_ubuf(i) || iter_is_iovec(i))) {
		if (!maxpages)
			return 0;
		return extract_user_pages(i, pages, maxsize, maxpages, extraction_flags, offset0);
	}
	switch (i->iter_type) {
	case ITER_KVEC:
		if (!maxpages)
			return 0;
		return extract_kvec_pages(i, pages, maxsize, maxpages, offset0);
	case ITER_BVEC:
		if (!maxpages)
			return 0;
		return extract_bvec_pages(i, pages, maxsize, maxpages, offset0);
	case ITER_XARRAY:
		if (!maxpages)
			return 0;
		return extract_xarray_pages(i, pages, maxsize, maxpages, offset0);
	default:
		/* DISCARD: no pages at all. */
		return -EFAULT;
	}
}

/* ---- the FOLL_GET contrast (R-ITER-13) ----------------------------------- */

static ssize_t __iov_iter_get_pages_alloc(struct iov_iter *i, struct page ***pages,
					  size_t maxsize, unsigned int maxpages, size_t *start)
{
	unsigned int gup_flags = 0, n, k;
	struct page *page;
	size_t skip;
	int res;

	maxsize = min3_size(maxsize, i->count, MAX_RW_COUNT);
	if (!maxsize)
		return 0;
	if (user_backed_iter(i)) {
		unsigned long addr;

		if (iov_iter_rw(i) != WRITE)
			gup_flags |= FOLL_WRITE;
		if (i->nofault)
			gup_flags |= FOLL_NOFAULT;
		addr = first_iovec_segment(i, &maxsize);
		*start = addr % PAGE_SIZE;
		n = want_pages_array(pages, maxsize, *start, maxpages);
		if (!n)
			return -ENOMEM;
		res = get_user_pages_fast(addr & PAGE_MASK, (int)n, gup_flags, *pages);
		if (res <= 0)
			return res;
		maxsize = min_t(size_t, maxsize, (size_t)res * PAGE_SIZE - *start);
		iov_iter_advance(i, maxsize);
		return (ssize_t)maxsize;
	}
	if (iov_iter_is_xarray(i)) {
		long long pos = i->xarray_start + (long long)i->iov_offset;

		/* iter_xarray_get_pages(): as extraction, with a reference each. */
		*start = (size_t)(pos & (long long)(PAGE_SIZE - 1));
		n = want_pages_array(pages, maxsize, *start, maxpages);
		if (!n)
			return -ENOMEM;
		k = xarray_get_pages(i->xarray, pos, *pages, n);
		if (!k)
			return 0;
		maxsize = min_t(size_t, maxsize, (size_t)k * PAGE_SIZE - *start);
		iov_iter_advance(i, maxsize);
		return (ssize_t)maxsize;
	}
	if (!iov_iter_is_bvec(i))
		return -EFAULT;

	/*
	 * Unlike extraction, an empty current bvec is not skipped. The kernel
	 * then WARNs in want_pages_array() or references a page for 0 bytes;
	 * we stop before either and report no progress.
	 */
	maxsize = min(maxsize, i->bvec->bv_len - i->iov_offset);
	if (!maxsize)
		return 0;
	skip = i->iov_offset + i->bvec->bv_offset;
	page = i->bvec->bv_page + skip / PAGE_SIZE;
	*start = skip % PAGE_SIZE;
	n = want_pages_array(pages, maxsize, *start, maxpages);
	if (!n)
		return -ENOMEM;
	for (k = 0; k < n; k++) {
		(*pages)[k] = page + k;
		get_page(page + k);
	}
	maxsize = min_t(size_t, maxsize, (size_t)n * PAGE_SIZE - *start);
	i->count -= maxsize;
	i->iov_offset += maxsize;
	if (i->iov_offset == i->bvec->bv_len) {
		i->iov_offset = 0;
		i->bvec++;
		i->nr_segs--;
	}
	return (ssize_t)maxsize;
}

/**
 * iov_iter_get_pages2() - **reference** the pages under the next bytes of @i.
 * @i: the iterator; advanced by the return value.
 * @pages: the caller's array of @maxpages entries.
 * @maxsize: bytes wanted; clamped to the count and MAX_RW_COUNT.
 * @maxpages: entries in @pages; 0 returns 0.
 * @start: out: offset of the data in the first page.
 *
 * FOLL_GET, not FOLL_PIN: UBUF/IOVEC through get_user_pages_fast() (zero
 * pages included), BVEC with get_page() on each page, XARRAY with a
 * reference on each cached page up to the first hole (R-ITER-13); the
 * caller drops each with put_page(). KVEC and DISCARD give -EFAULT.
 * Return: bytes (> 0), 0, or -errno as iov_iter_extract_pages().
 */
ssize_t iov_iter_get_pages2(struct iov_iter *i, struct page **pages, size_t maxsize,
			    unsigned int maxpages, size_t *start)
{
	if (!maxpages)
		return 0;
	BUG_ON(!pages);
	return __iov_iter_get_pages_alloc(i, &pages, maxsize, maxpages, start);
}

/**
 * iov_iter_get_pages_alloc2() - iov_iter_get_pages2() into a new array.
 * @i: the iterator; advanced by the return value.
 * @pages: out: a kvmalloc_array() of the pages (kvfree() it), or NULL
 *	when nothing was returned.
 * @maxsize: bytes wanted.
 * @start: out: offset of the data in the first page.
 *
 * Takes **references** (FOLL_GET) as iov_iter_get_pages2().
 * Return: bytes (> 0), 0, or -errno.
 */
ssize_t iov_iter_get_pages_alloc2(struct iov_iter *i, struct page ***pages, size_t maxsize,
				  size_t *start)
{
	ssize_t len;

	*pages = NULL;
	len = __iov_iter_get_pages_alloc(i, pages, maxsize, ~0U, start);
	if (len <= 0) {
		kvfree(*pages);
		*pages = NULL;
	}
	return len;
}
