// SPDX-License-Identifier: GPL-2.0
/*
 * lib/iov_iter.c - walking, copying through and extracting pages from an
 * iov_iter (lib/iov_iter.c, v6.5; rules R-ITER-1..14).
 *
 * User-backed iterators (UBUF, IOVEC) reach memory only through the user
 * copy helpers and GUP: extraction pins (FOLL_PIN), iov_iter_get_pages2()
 * takes references (FOLL_GET). Kernel iterators (KVEC, BVEC) hand out their
 * pages with neither; ITER_XARRAY walks the page cache
 * (lib/iov_iter_xarray.c) and also takes neither. Left out: vmalloc addresses in kvecs (there is no vmalloc area, so a kvec outside
 * the direct map cannot be extracted: -EFAULT); copy_mc and the compat ABI.
 */
#include <string.h>

#include <pinio/uaccess.h>
#include <pinio/uio.h>
#include "lib/iov_iter_xarray.h"

static size_t min3_size(size_t a, size_t b, size_t c)
{
	return min(min(a, b), c);
}

/* The range lies in the user address space (x86-64's access_ok()). */
static bool access_ok(unsigned long addr, size_t len)
{
	return len <= TASK_SIZE_MAX && addr <= TASK_SIZE_MAX - len;
}

/* ---- constructors (R-ITER-2) --------------------------------------------- */

/**
 * iov_iter_init() - an ITER_IOVEC over @nr_segs user ranges.
 * @i: the iterator.
 * @direction: ITER_DEST (READ) or ITER_SOURCE (WRITE).
 * @iov: the segments; iov_base is a simulated user address. Borrowed: it
 *	must outlive the iterator.
 * @nr_segs: number of segments.
 * @count: bytes covered, at most the sum of the segment lengths.
 *
 * Touches no memory; neither pins nor references.
 */
void iov_iter_init(struct iov_iter *i, unsigned int direction, const struct iovec *iov,
		   unsigned long nr_segs, size_t count)
{
	WARN_ON(direction & ~(READ | WRITE));
	*i = (struct iov_iter){
		.iter_type = ITER_IOVEC,
		.data_source = direction,
		.user_backed = true,
		.__iov = iov,
		.nr_segs = nr_segs,
		.count = count,
	};
}

/**
 * iov_iter_ubuf() - an ITER_UBUF over one user range.
 * @i: the iterator.
 * @direction: ITER_DEST or ITER_SOURCE.
 * @buf: simulated user address.
 * @count: bytes.
 *
 * Touches no memory; neither pins nor references.
 */
void iov_iter_ubuf(struct iov_iter *i, unsigned int direction, unsigned long buf, size_t count)
{
	WARN_ON(direction & ~(READ | WRITE));
	*i = (struct iov_iter){
		.iter_type = ITER_UBUF,
		.data_source = direction,
		.user_backed = true,
		.ubuf = buf,
		.nr_segs = 1,
		.count = count,
	};
}

/**
 * iov_iter_kvec() - an ITER_KVEC over host (direct-map) ranges.
 * @i: the iterator.
 * @direction: ITER_DEST or ITER_SOURCE.
 * @kvec: the segments, borrowed.
 * @nr_segs: number of segments.
 * @count: bytes covered.
 *
 * Neither pins nor references; the owner keeps the memory alive.
 */
void iov_iter_kvec(struct iov_iter *i, unsigned int direction, const struct kvec *kvec,
		   unsigned long nr_segs, size_t count)
{
	WARN_ON(direction & ~(READ | WRITE));
	*i = (struct iov_iter){
		.iter_type = ITER_KVEC,
		.data_source = direction,
		.kvec = kvec,
		.nr_segs = nr_segs,
		.count = count,
	};
}

/**
 * iov_iter_bvec() - an ITER_BVEC over (possibly multi-page) bio_vecs.
 * @i: the iterator.
 * @direction: ITER_DEST or ITER_SOURCE.
 * @bvec: the segments, borrowed.
 * @nr_segs: number of segments.
 * @count: bytes covered.
 *
 * Neither pins nor references; the owner keeps the pages alive.
 */
void iov_iter_bvec(struct iov_iter *i, unsigned int direction, const struct bio_vec *bvec,
		   unsigned long nr_segs, size_t count)
{
	WARN_ON(direction & ~(READ | WRITE));
	*i = (struct iov_iter){
		.iter_type = ITER_BVEC,
		.data_source = direction,
		.bvec = bvec,
		.nr_segs = nr_segs,
		.count = count,
	};
}

/**
 * iov_iter_discard() - an iterator that swallows @count bytes.
 * @i: the iterator.
 * @direction: must be READ (BUG otherwise).
 * @count: bytes.
 *
 * Copies into it succeed and store nothing; extraction gives -EFAULT.
 */
void iov_iter_discard(struct iov_iter *i, unsigned int direction, size_t count)
{
	BUG_ON(direction != READ);
	*i = (struct iov_iter){
		.iter_type = ITER_DISCARD,
		.data_source = false,
		.count = count,
	};
}

/**
 * iov_iter_xarray() - an ITER_XARRAY over @mapping's page cache.
 * @i: the iterator.
 * @direction: ITER_DEST or ITER_SOURCE.
 * @mapping: the address space.
 * @start: file position of the first byte.
 * @count: bytes.
 *
 * Neither pins nor references. Until the page cache has an index, copies
 * through it move nothing and extraction fails with -EFAULT.
 */
void iov_iter_xarray(struct iov_iter *i, unsigned int direction, struct address_space *mapping,
		     long long start, size_t count)
{
	WARN_ON(direction & ~(READ | WRITE));
	*i = (struct iov_iter){
		.iter_type = ITER_XARRAY,
		.data_source = direction,
		.xarray = mapping,
		.xarray_start = start,
		.count = count,
	};
}

/* ---- segments ------------------------------------------------------------ */

static bool iter_is_segmented(const struct iov_iter *i)
{
	return i->iter_type == ITER_IOVEC || i->iter_type == ITER_KVEC ||
	       i->iter_type == ITER_BVEC;
}

/* Length of segment @k counted from the current one. */
static size_t seg_len(const struct iov_iter *i, unsigned long k)
{
	switch (i->iter_type) {
	case ITER_IOVEC:
		return i->__iov[k].iov_len;
	case ITER_KVEC:
		return i->kvec[k].iov_len;
	case ITER_BVEC:
		return i->bvec[k].bv_len;
	default:
		return 0;
	}
}

/* Make segment @k (negative: before the current one) the current one. */
static void seg_forward(struct iov_iter *i, long k)
{
	switch (i->iter_type) {
	case ITER_IOVEC:
		i->__iov += k;
		break;
	case ITER_KVEC:
		i->kvec += k;
		break;
	case ITER_BVEC:
		i->bvec += k;
		break;
	default:
		return;
	}
	i->nr_segs -= k;
}

/**
 * iov_iter_advance() - move @i forward by @bytes (R-ITER-10).
 * @i: the iterator.
 * @bytes: bytes to skip; clamped to the count.
 *
 * Segments whose end is reached are consumed, so landing exactly on a
 * segment end leaves @i at offset 0 of the next one (zero-length segments
 * in between are consumed too). Neither pins nor unpins.
 */
void iov_iter_advance(struct iov_iter *i, size_t bytes)
{
	unsigned long k;

	if (bytes > i->count)
		bytes = i->count;
	switch (i->iter_type) {
	case ITER_UBUF:
	case ITER_XARRAY:
		i->iov_offset += bytes;
		i->count -= bytes;
		return;
	case ITER_DISCARD:
		i->count -= bytes;
		return;
	case ITER_IOVEC:
	case ITER_KVEC:
	case ITER_BVEC:
		break;
	default:
		return;
	}
	if (!i->count)
		return;
	i->count -= bytes;
	bytes += i->iov_offset;
	for (k = 0; k < i->nr_segs; k++) {
		size_t len = seg_len(i, k);

		if (bytes < len)
			break;
		bytes -= len;
	}
	i->iov_offset = bytes;
	seg_forward(i, (long)k);
}

/**
 * iov_iter_revert() - move @i back by @bytes (R-ITER-11).
 * @i: the iterator.
 * @bytes: bytes to go back; the caller must have advanced at least this far.
 *
 * 0 is a no-op; more than MAX_RW_COUNT WARNs and is a no-op. IOVEC, KVEC
 * and BVEC step back whole segments. Going back past the start of a UBUF
 * or XARRAY is a BUG (the bytes before it were never pinned), and so
 * aborts. Revert never pins, unpins or frees: the caller releases whatever
 * the reverted bytes covered (R-ITER-14).
 */
void iov_iter_revert(struct iov_iter *i, size_t bytes)
{
	if (!bytes)
		return;
	if (WARN_ON(bytes > MAX_RW_COUNT))
		return;
	i->count += bytes;
	if (iov_iter_is_discard(i))
		return;
	if (bytes <= i->iov_offset) {
		i->iov_offset -= bytes;
		return;
	}
	bytes -= i->iov_offset;
	if (iter_is_ubuf(i) || iov_iter_is_xarray(i))
		BUG();
	if (!iter_is_segmented(i))
		return;
	for (;;) {
		size_t len;

		seg_forward(i, -1);
		len = seg_len(i, 0);
		if (bytes <= len) {
			i->iov_offset = len - bytes;
			return;
		}
		bytes -= len;
	}
}

/* Host address of the start of segment @k of a KVEC or BVEC. */
static char *seg_kaddr(const struct iov_iter *i, unsigned long k)
{
	if (i->iter_type == ITER_KVEC)
		return i->kvec[k].iov_base;
	return (char *)page_address(i->bvec[k].bv_page) + i->bvec[k].bv_offset;
}

/* Page offset of byte @skip of segment @k. */
static size_t seg_page_offset(const struct iov_iter *i, unsigned long k, size_t skip)
{
	switch (i->iter_type) {
	case ITER_IOVEC:
		return ((unsigned long)i->__iov[k].iov_base + skip) % PAGE_SIZE;
	case ITER_KVEC:
		return ((uintptr_t)i->kvec[k].iov_base + skip) % PAGE_SIZE;
	case ITER_BVEC:
		return (i->bvec[k].bv_offset + skip) % PAGE_SIZE;
	default:
		return 0;
	}
}

/**
 * iov_iter_npages() - pages spanned by what is left of @i (R-ITER-12).
 * @i: the iterator.
 * @maxpages: cap on the answer.
 *
 * Each segment's page offset counts; zero-length segments add nothing.
 * Return: min(pages, @maxpages); 0 when the count is 0 and for DISCARD.
 */
int iov_iter_npages(const struct iov_iter *i, int maxpages)
{
	size_t size = i->count, skip = i->iov_offset, offs;
	unsigned long k;
	long npages = 0;

	if (!size)
		return 0;
	switch (i->iter_type) {
	case ITER_UBUF:
		offs = (i->ubuf + i->iov_offset) % PAGE_SIZE;
		return (int)min_t(size_t, DIV_ROUND_UP(offs + size, PAGE_SIZE), (size_t)maxpages);
	case ITER_XARRAY:
		offs = (size_t)(i->xarray_start + (long long)i->iov_offset) % PAGE_SIZE;
		return (int)min_t(size_t, DIV_ROUND_UP(offs + size, PAGE_SIZE), (size_t)maxpages);
	case ITER_IOVEC:
	case ITER_KVEC:
	case ITER_BVEC:
		break;
	default:
		return 0;
	}
	for (k = 0; size && k < i->nr_segs; k++, skip = 0) {
		size_t len = min(seg_len(i, k) - skip, size);

		if (!len)
			continue;
		size -= len;
		npages += DIV_ROUND_UP(seg_page_offset(i, k, skip) + len, PAGE_SIZE);
		if (npages > maxpages)
			return maxpages;
	}
	return (int)npages;
}

/**
 * iov_iter_alignment() - OR of every start address and length left in @i.
 * @i: the iterator.
 *
 * For a DIO alignment check: (result & (lbs - 1)) != 0 means some segment
 * is misaligned. BVEC contributes bv_offset rather than an address, as in
 * the kernel. Zero-length IOVEC/KVEC segments are ignored.
 * Return: the OR; 0 for an empty iterator and for DISCARD.
 */
unsigned long iov_iter_alignment(const struct iov_iter *i)
{
	size_t size = i->count, skip = i->iov_offset;
	unsigned long res = 0, k;

	switch (i->iter_type) {
	case ITER_UBUF:
		return size ? (i->ubuf + i->iov_offset) | size : 0;
	case ITER_XARRAY:
		return (unsigned long)(i->xarray_start + (long long)i->iov_offset) | size;
	case ITER_IOVEC:
	case ITER_KVEC:
		for (k = 0; size && k < i->nr_segs; k++, skip = 0) {
			size_t len = seg_len(i, k) - skip;
			unsigned long base = i->iter_type == ITER_IOVEC ?
				(unsigned long)i->__iov[k].iov_base :
				(unsigned long)(uintptr_t)i->kvec[k].iov_base;

			if (!len)
				continue;
			len = min(len, size);
			res |= (base + skip) | len;
			size -= len;
		}
		return res;
	case ITER_BVEC:
		for (k = 0; size && k < i->nr_segs; k++, skip = 0) {
			size_t len = min(i->bvec[k].bv_len - skip, size);

			res |= (i->bvec[k].bv_offset + skip) | len;
			size -= len;
		}
		return res;
	default:
		return 0;
	}
}

/**
 * iov_iter_gap_alignment() - OR of each inner gap edge of an IOVEC.
 * @i: the iterator.
 *
 * For each non-empty segment after the first, ORs its start with the end
 * of the previous non-empty one (what a virt_boundary mask must not see).
 * As in the kernel, the walk starts from the current segment's base and
 * ignores iov_offset. WARNs for anything but UBUF and IOVEC.
 * Return: the OR; 0 for UBUF; ~0U after the WARN.
 */
unsigned long iov_iter_gap_alignment(const struct iov_iter *i)
{
	unsigned long res = 0, prev_end = 0, k;
	size_t size = i->count;

	if (iter_is_ubuf(i))
		return 0;
	if (WARN_ON(!iter_is_iovec(i)))
		return ~0U;
	for (k = 0; k < i->nr_segs; k++) {
		const struct iovec *iov = &i->__iov[k];
		unsigned long base = (unsigned long)iov->iov_base;

		if (!iov->iov_len)
			continue;
		if (prev_end)
			res |= base | prev_end;
		prev_end = base + iov->iov_len;
		if (size <= iov->iov_len)
			break;
		size -= iov->iov_len;
	}
	return res;
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

/* ---- importing from "syscalls" ------------------------------------------- */

/**
 * import_ubuf() - an ITER_UBUF for a read()/write() style buffer.
 * @type: ITER_DEST or ITER_SOURCE.
 * @buf: simulated user address.
 * @len: bytes; more than MAX_RW_COUNT is clamped to it.
 * @i: the iterator to set up.
 *
 * Touches no memory; neither pins nor references.
 * Return: 0, or -EFAULT if [buf, buf + len) leaves the user address space
 * (@i untouched).
 */
int import_ubuf(int type, unsigned long buf, size_t len, struct iov_iter *i)
{
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	if (!access_ok(buf, len))
		return -EFAULT;
	iov_iter_ubuf(i, (unsigned int)type, buf, len);
	return 0;
}

/**
 * import_iovec() - copy an iovec array in and set up an iterator over it.
 * @type: ITER_DEST or ITER_SOURCE.
 * @uvec: the caller's array (a host array here; iov_base fields are
 *	simulated user addresses).
 * @nr_segs: entries in @uvec; at most UIO_MAXIOV.
 * @fast_segs: entries available at *@iovp.
 * @iovp: in: a caller array of @fast_segs entries; out: what to kvfree().
 * @i: the iterator to set up.
 *
 * One segment gives an ITER_UBUF (v6.4+). Otherwise the array is copied to
 * *@iovp if it fits, or to a kvmalloc_array() allocation. Each range must
 * lie in the user address space; the total is clamped to MAX_RW_COUNT by
 * shortening the segment that crosses it. On return *@iovp is NULL if
 * nothing was allocated (also on every error), else the allocation @i
 * uses, which the caller frees with kvfree() when done with @i.
 * Touches no user memory; neither pins nor references.
 * Return: total bytes, or -EINVAL (too many segments, a length negative
 * as ssize_t), -EFAULT (a range outside the user address space), -ENOMEM.
 */
ssize_t import_iovec(int type, const struct iovec *uvec, unsigned int nr_segs,
		     unsigned int fast_segs, struct iovec **iovp, struct iov_iter *i)
{
	struct iovec *iov = *iovp;
	size_t total = 0;
	unsigned int seg;
	int ret;

	if (nr_segs > UIO_MAXIOV) {
		ret = -EINVAL;
		goto out_err;
	}
	for (seg = 0; seg < nr_segs; seg++) {
		if ((ssize_t)uvec[seg].iov_len < 0) {
			ret = -EINVAL;
			goto out_err;
		}
	}
	if (nr_segs == 1) {
		ret = import_ubuf(type, (unsigned long)uvec[0].iov_base, uvec[0].iov_len, i);
		if (ret)
			goto out_err;
		*iovp = NULL;
		return (ssize_t)i->count;
	}
	if (nr_segs > fast_segs) {
		iov = kvmalloc_array(nr_segs, sizeof(*iov));
		if (!iov) {
			ret = -ENOMEM;
			goto out_err;
		}
	}
	if (nr_segs)
		memcpy(iov, uvec, nr_segs * sizeof(*iov));

	for (seg = 0; seg < nr_segs; seg++) {
		size_t len = iov[seg].iov_len;

		if (!access_ok((unsigned long)iov[seg].iov_base, len)) {
			ret = -EFAULT;
			goto out_free;
		}
		if (len > MAX_RW_COUNT - total) {
			len = MAX_RW_COUNT - total;
			iov[seg].iov_len = len;
		}
		total += len;
	}
	iov_iter_init(i, (unsigned int)type, iov, nr_segs, total);
	*iovp = iov == *iovp ? NULL : iov;
	return (ssize_t)total;

out_free:
	if (iov != *iovp)
		kvfree(iov);
out_err:
	*iovp = NULL;
	return ret;
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
	switch (i->iter_type) {
	case ITER_UBUF:
	case ITER_IOVEC:
		if (!maxpages)
			return 0;
		return extract_user_pages(i, pages, maxsize, maxpages, extraction_flags, offset0);
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
 * pages included), BVEC with get_page() on each page; the caller drops
 * each with put_page(). KVEC, XARRAY and DISCARD give -EFAULT.
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
