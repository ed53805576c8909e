// SPDX-License-Identifier: GPL-2.0
/*
 * lib/iov_iter_copy.c - copying through an iov_iter: copy_to_iter,
 * copy_from_iter, the page variants and iov_iter_zero (lib/iov_iter.c,
 * v6.5; R-ITER-3, R-ITER-4, R-ITER-9).
 *
 * User segments go through the user copy helpers and may fault part way
 * (the copy is short, the iterator advances by what moved); kernel
 * segments are copied through their host addresses and cannot fault.
 */
#include <string.h>

#include <pinio/uaccess.h>
#include <pinio/uio.h>
#include "lib/iov_iter.h"
#include "lib/iov_iter_xarray.h"

/* Host address of the start of segment @k of a KVEC or BVEC. */
static char *seg_kaddr(const struct iov_iter *i, unsigned long k)
{
	if (i->iter_type == ITER_KVEC)
		return i->kvec[k].iov_base;
	return (char *)page_address(i->bvec[k].bv_page) + i->bvec[k].bv_offset;
}

/* ---- copying ------------------------------------------------------------- */

/*
 * A step moves @len bytes between one range of the iterator and the
 * caller's buffer at @progress, returning the bytes it could NOT move.
 * User steps get a simulated address and may fault; kernel steps get a
 * host address and cannot fail.
 */
struct iov_step {
	size_t (*user)(unsigned long uaddr, size_t progress, size_t len, void *priv);
	void (*kern)(void *kaddr, size_t progress, size_t len, void *priv);
	void *priv;
};

/* Run @step over the next @len bytes of @i, advance by what moved. */
static size_t iterate_and_advance(struct iov_iter *i, size_t len, const struct iov_step *step)
{
	size_t progress = 0, skip = i->iov_offset;
	unsigned long k;

	if (len > i->count)
		len = i->count;
	if (!len)
		return 0;
	switch (i->iter_type) {
	case ITER_UBUF:
		progress = len - step->user(i->ubuf + skip, 0, len, step->priv);
		break;
	case ITER_IOVEC:
	case ITER_KVEC:
	case ITER_BVEC:
		for (k = 0; progress < len && k < i->nr_segs; k++, skip = 0) {
			size_t part = min(seg_len(i, k) - skip, len - progress), left = 0;

			if (!part)
				continue;
			if (iter_is_iovec(i))
				left = step->user((unsigned long)i->__iov[k].iov_base + skip, progress,
						  part, step->priv);
			else
				step->kern(seg_kaddr(i, k) + skip, progress, part, step->priv);
			progress += part - left;
			if (left)
				break;
		}
		break;
	case ITER_DISCARD:
		progress = len;
		break;
	case ITER_XARRAY:
		/* Cached page by cached page; a hole ends the copy (R-ITER-9). */
		while (progress < len) {
			long long pos = i->xarray_start + (long long)(skip + progress);
			struct page *page = xarray_page_at(i->xarray, pos);
			size_t off = (size_t)(pos & (long long)(PAGE_SIZE - 1));
			size_t part = min(PAGE_SIZE - off, len - progress);

			if (!page)
				break;
			step->kern((char *)page_address(page) + off, progress, part, step->priv);
			progress += part;
		}
		break;
	default:
		return 0;
	}
	iov_iter_advance(i, progress);
	return progress;
}

static size_t to_user_step(unsigned long uaddr, size_t progress, size_t len, void *priv)
{
	return copy_to_user(uaddr, (const char *)priv + progress, len);
}

static void to_kern_step(void *kaddr, size_t progress, size_t len, void *priv)
{
	memcpy(kaddr, (const char *)priv + progress, len);
}

static size_t from_user_step(unsigned long uaddr, size_t progress, size_t len, void *priv)
{
	return copy_from_user((char *)priv + progress, uaddr, len);
}

static void from_kern_step(void *kaddr, size_t progress, size_t len, void *priv)
{
	memcpy((char *)priv + progress, kaddr, len);
}

/**
 * copy_to_iter() - store @bytes from host buffer @addr into @i.
 * @addr: source.
 * @bytes: bytes wanted; clamped to the count.
 * @i: the destination; must be ITER_DEST (WARN and 0 otherwise).
 *
 * User ranges are written with copy_to_user(), which faults pages in; a
 * fault it cannot resolve makes the copy short. DISCARD stores nothing but
 * counts. Neither pins nor references.
 * Return: bytes copied; @i is advanced by exactly that.
 */
size_t copy_to_iter(const void *addr, size_t bytes, struct iov_iter *i)
{
	struct iov_step step = { to_user_step, to_kern_step, (void *)addr };

	if (WARN_ON_ONCE(i->data_source))
		return 0;
	return iterate_and_advance(i, bytes, &step);
}

/**
 * copy_from_iter() - load @bytes from @i into host buffer @addr.
 * @addr: destination.
 * @bytes: bytes wanted; clamped to the count.
 * @i: the source; must be ITER_SOURCE (WARN and 0 otherwise).
 *
 * User ranges are read with copy_from_user() (reading untouched anonymous
 * memory maps the zero page). Neither pins nor references.
 * Return: bytes copied; @i is advanced by exactly that.
 */
size_t copy_from_iter(void *addr, size_t bytes, struct iov_iter *i)
{
	struct iov_step step = { from_user_step, from_kern_step, addr };

	if (WARN_ON_ONCE(!i->data_source))
		return 0;
	return iterate_and_advance(i, bytes, &step);
}

/* Does [offset, offset + n) lie within @page's folio? WARN if not. */
static bool page_copy_sane(struct page *page, size_t offset, size_t n)
{
	struct page *head;
	size_t v = n + offset;

	if (n <= v && v <= PAGE_SIZE)
		return true;
	head = compound_head(page);
	v += (size_t)(page - head) << PAGE_SHIFT;
	if (WARN_ON(n > v || v > folio_size(page_folio(head))))
		return false;
	return true;
}

/**
 * copy_page_to_iter() - store @bytes of @page at @offset into @i.
 * @page: source page; the range may run into later pages of its folio.
 * @offset: byte offset in @page (may exceed PAGE_SIZE within the folio).
 * @bytes: bytes wanted.
 * @i: the destination (ITER_DEST).
 *
 * Neither pins nor references @page; the caller holds it.
 * Return: bytes copied (0, with a WARN, if the range leaves the folio).
 */
size_t copy_page_to_iter(struct page *page, size_t offset, size_t bytes, struct iov_iter *i)
{
	if (!page_copy_sane(page, offset, bytes))
		return 0;
	return copy_to_iter((char *)page_address(page) + offset, bytes, i);
}

/**
 * copy_page_from_iter() - load @bytes from @i into @page at @offset.
 * @page: destination page; the range may run into later pages of its folio.
 * @offset: byte offset in @page.
 * @bytes: bytes wanted.
 * @i: the source (ITER_SOURCE).
 *
 * Neither pins nor references @page.
 * Return: bytes copied (0, with a WARN, if the range leaves the folio).
 */
size_t copy_page_from_iter(struct page *page, size_t offset, size_t bytes, struct iov_iter *i)
{
	if (!page_copy_sane(page, offset, bytes))
		return 0;
	return copy_from_iter((char *)page_address(page) + offset, bytes, i);
}

static const char zeroes[PAGE_SIZE];

static size_t zero_user_step(unsigned long uaddr, size_t progress, size_t len, void *priv)
{
	size_t done = 0;

	while (done < len) {
		size_t n = min(len - done, PAGE_SIZE);
		size_t left = copy_to_user(uaddr + done, zeroes, n);

		done += n - left;
		if (left)
			break;
	}
	return len - done;
}

static void zero_kern_step(void *kaddr, size_t progress, size_t len, void *priv)
{
	memset(kaddr, 0, len);
}

/**
 * iov_iter_zero() - store @bytes zero bytes into @i.
 * @bytes: bytes wanted; clamped to the count.
 * @i: the destination.
 *
 * User ranges are cleared through copy_to_user() and may come up short.
 * Neither pins nor references.
 * Return: bytes zeroed; @i is advanced by exactly that.
 */
size_t iov_iter_zero(size_t bytes, struct iov_iter *i)
{
	struct iov_step step = { zero_user_step, zero_kern_step, NULL };

	return iterate_and_advance(i, bytes, &step);
}
