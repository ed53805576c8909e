/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lib/iov_iter.h - helpers shared by the lib/iov_iter*.c files (not part
 * of the public API): walking the segments of an IOVEC, KVEC or BVEC.
 */
#ifndef PINIO_LIB_IOV_ITER_H
#define PINIO_LIB_IOV_ITER_H

#include <pinio/uio.h>

/* Length of segment @k counted from the current one. */
static inline size_t seg_len(const struct iov_iter *i, unsigned long k)
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


#endif /* PINIO_LIB_IOV_ITER_H */
