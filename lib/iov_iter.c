// SPDX-License-Identifier: GPL-2.0
/*
 * lib/iov_iter.c - building, walking and importing an iov_iter
 * (lib/iov_iter.c, v6.5; rules R-ITER-1..14).
 *
 * The iov_iter code is three files: this one (constructors, advance and
 * revert, npages and alignment, import_ubuf/import_iovec),
 * lib/iov_iter_copy.c (copy_to_iter and friends) and
 * lib/iov_iter_extract.c (iov_iter_extract_pages and the FOLL_GET
 * iov_iter_get_pages2). ITER_XARRAY's page-cache walk is
 * lib/iov_iter_xarray.c.
 *
 * User-backed iterators (UBUF, IOVEC) reach memory only through the user
 * copy helpers and GUP: extraction pins (FOLL_PIN), iov_iter_get_pages2()
 * takes references (FOLL_GET). Kernel iterators (KVEC, BVEC) hand out their
 * pages with neither; ITER_XARRAY walks the page cache and also takes
 * neither. Left out: vmalloc addresses in kvecs (there is no vmalloc area,
 * so a kvec outside the direct map cannot be extracted: -EFAULT); copy_mc
 * and the compat ABI.
 */
#include <string.h>

#include <pinio/uaccess.h>
#include <pinio/uio.h>
#include "lib/iov_iter.h"

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
	if (likely(iter_is_ubuf(i))) {
		/* The common case (a single-buffer read/write): no jump table. */
		i->iov_offset += bytes;
		i->count -= bytes;
		return;
	}
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
	if (likely(iter_is_ubuf(i))) {
		offs = (i->ubuf + i->iov_offset) % PAGE_SIZE;
		return (int)min_t(size_t, DIV_ROUND_UP(offs + size, PAGE_SIZE), (size_t)maxpages);
	}
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

	if (likely(iter_is_ubuf(i)))
		return size ? (i->ubuf + i->iov_offset) | size : 0;
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
