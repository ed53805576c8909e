/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinio/uio.h - struct iov_iter and its operations (include/linux/uio.h,
 * lib/iov_iter.c), v6.5.
 *
 * Iterator types in v6.5's order; ITER_PIPE is gone (the splice-read
 * series). User-backed types (UBUF, IOVEC) hold simulated user addresses
 * and reach memory only through GUP and the user-copy helpers; extraction
 * from them pins (R-ITER-4..6). Kernel types (KVEC, BVEC, XARRAY) take
 * neither pin nor reference. Deviation: import_iovec() takes the iovec
 * array as a host array (its iov_base fields are simulated user
 * addresses), since the syscall layer receives it that way.
 */
#ifndef PINIO_UIO_H
#define PINIO_UIO_H

#include <pinio/bvec.h>
#include <sys/uio.h>

#define UIO_FASTIOV	8
#undef UIO_MAXIOV
#define UIO_MAXIOV	1024	/* glibc's is IOV_MAX; the kernel's is 1024 */
#define MAX_RW_COUNT	((size_t)(INT_MAX & PAGE_MASK))

#ifndef READ
#define READ	0
#define WRITE	1
#endif
#define ITER_SOURCE	1	/* == WRITE: the iterator supplies data */
#define ITER_DEST	0	/* == READ: data is stored into the iterator */

enum iter_type {
	ITER_IOVEC,
	ITER_KVEC,
	ITER_BVEC,
	ITER_XARRAY,
	ITER_DISCARD,
	ITER_UBUF,
};

/* extraction_flags */
typedef unsigned int iov_iter_extraction_t;
#define ITER_ALLOW_P2PDMA	((iov_iter_extraction_t)0x01)

struct address_space;

/**
 * struct iov_iter - a position in a list of memory ranges.
 * @iter_type: enum iter_type.
 * @nofault: user extraction adds FOLL_NOFAULT.
 * @data_source: ITER_SOURCE (write from it) or ITER_DEST.
 * @user_backed: UBUF or IOVEC.
 * @iov_offset: offset in the current segment (UBUF/XARRAY: from the start).
 * @count: bytes left.
 * @ubuf: ITER_UBUF: simulated user address.
 * @__iov, @kvec, @bvec: the segment array at the current segment.
 * @xarray: ITER_XARRAY: the mapping whose cache is walked.
 * @nr_segs: segments left, the current one included.
 * @xarray_start: ITER_XARRAY: file position of the start.
 */
struct iov_iter {
	unsigned char iter_type;
	bool nofault;
	bool data_source;
	bool user_backed;
	size_t iov_offset;
	size_t count;
	union {
		const struct iovec *__iov;
		const struct kvec *kvec;
		const struct bio_vec *bvec;
		struct address_space *xarray;
		unsigned long ubuf;
	};
	union {
		unsigned long nr_segs;
		long long xarray_start;
	};
};

struct kvec {
	void *iov_base;		/* host address (the kernel's direct map) */
	size_t iov_len;
};

static inline enum iter_type iov_iter_type(const struct iov_iter *i) { return i->iter_type; }
static inline bool iter_is_ubuf(const struct iov_iter *i) { return i->iter_type == ITER_UBUF; }
static inline bool iter_is_iovec(const struct iov_iter *i) { return i->iter_type == ITER_IOVEC; }
static inline bool iov_iter_is_kvec(const struct iov_iter *i) { return i->iter_type == ITER_KVEC; }
static inline bool iov_iter_is_bvec(const struct iov_iter *i) { return i->iter_type == ITER_BVEC; }
static inline bool iov_iter_is_discard(const struct iov_iter *i) { return i->iter_type == ITER_DISCARD; }
static inline bool iov_iter_is_xarray(const struct iov_iter *i) { return i->iter_type == ITER_XARRAY; }
static inline unsigned char iov_iter_rw(const struct iov_iter *i) { return i->data_source ? WRITE : READ; }
static inline bool user_backed_iter(const struct iov_iter *i) { return i->user_backed; }
static inline size_t iov_iter_count(const struct iov_iter *i) { return i->count; }
static inline void iov_iter_truncate(struct iov_iter *i, size_t count)
{
	if (i->count > count)
		i->count = count;
}
static inline void iov_iter_reexpand(struct iov_iter *i, size_t count) { i->count = count; }

/**
 * iov_iter_extract_will_pin() - will extraction from @i pin the pages?
 *
 * True for user-backed iterators: each extracted page then holds one
 * FOLL_PIN pin (zero pages excepted) that the caller must unpin. False:
 * no pin and no reference; the caller keeps the pages alive (R-ITER-4).
 */
static inline bool iov_iter_extract_will_pin(const struct iov_iter *i)
{
	return user_backed_iter(i);
}

void iov_iter_init(struct iov_iter *i, unsigned int direction, const struct iovec *iov,
		   unsigned long nr_segs, size_t count);
void iov_iter_ubuf(struct iov_iter *i, unsigned int direction, unsigned long buf, size_t count);
void iov_iter_kvec(struct iov_iter *i, unsigned int direction, const struct kvec *kvec,
		   unsigned long nr_segs, size_t count);
void iov_iter_bvec(struct iov_iter *i, unsigned int direction, const struct bio_vec *bvec,
		   unsigned long nr_segs, size_t count);
void iov_iter_discard(struct iov_iter *i, unsigned int direction, size_t count);
void iov_iter_xarray(struct iov_iter *i, unsigned int direction, struct address_space *mapping,
		     long long start, size_t count);

void iov_iter_advance(struct iov_iter *i, size_t bytes);
void iov_iter_revert(struct iov_iter *i, size_t bytes);
unsigned long iov_iter_alignment(const struct iov_iter *i);
unsigned long iov_iter_gap_alignment(const struct iov_iter *i);
int iov_iter_npages(const struct iov_iter *i, int maxpages);

size_t copy_to_iter(const void *addr, size_t bytes, struct iov_iter *i);
size_t copy_from_iter(void *addr, size_t bytes, struct iov_iter *i);
size_t copy_page_to_iter(struct page *page, size_t offset, size_t bytes, struct iov_iter *i);
size_t copy_page_from_iter(struct page *page, size_t offset, size_t bytes, struct iov_iter *i);
size_t iov_iter_zero(size_t bytes, struct iov_iter *i);

ssize_t import_iovec(int type, const struct iovec *uvec, unsigned int nr_segs,
		     unsigned int fast_segs, struct iovec **iovp, struct iov_iter *i);
int import_ubuf(int type, unsigned long buf, size_t len, struct iov_iter *i);

ssize_t iov_iter_extract_pages(struct iov_iter *i, struct page ***pages, size_t maxsize,
			       unsigned int maxpages, iov_iter_extraction_t extraction_flags,
			       size_t *offset0);
/* The FOLL_GET contrast (R-ITER-13): references, not pins. */
ssize_t iov_iter_get_pages2(struct iov_iter *i, struct page **pages, size_t maxsize,
			    unsigned int maxpages, size_t *start);
ssize_t iov_iter_get_pages_alloc2(struct iov_iter *i, struct page ***pages, size_t maxsize,
				  size_t *start);

/* Host memory for page arrays (kvmalloc/kvfree). */
void *kvmalloc_array(size_t n, size_t size);
void kvfree(void *p);

#endif /* PINIO_UIO_H */
