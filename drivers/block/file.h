/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drivers/block/file.h - what the file disk's two parts share: the disk
 * (drivers/block/file.c: creation, the psync backend) and its io_uring
 * backend (drivers/block/file-uring.c).
 */
#ifndef PINIO_DRIVERS_BLOCK_FILE_H
#define PINIO_DRIVERS_BLOCK_FILE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>
#include "drivers/block/dma.h"

#define FILE_IOV_BATCH		64
#define FILE_URING_DEPTH	64

struct uring_be;

struct file_disk {
	struct dma_dev dd;
	int fd;				/* buffered */
	int dfd;			/* O_DIRECT, or -1 */
	unsigned int mem_align;		/* host O_DIRECT alignment of memory */
	unsigned int off_align;		/* ... and of offsets and lengths */
	struct uring_be *ur;		/* io_uring backend, or NULL (psync) */
};

static inline struct file_disk *to_file(struct dma_dev *dd)
{
	return container_of(dd, struct file_disk, dd);
}

int file_pick_fd(struct file_disk *fdk, const struct iovec *iov, int cnt, uint64_t pos);
int file_iov_window(struct iovec *v, const struct iovec *iov, int cnt, int i, size_t skip);
void file_iov_skip(const struct iovec *iov, int *i, size_t *skip, size_t n);
size_t file_iov_zero_rest(const struct iovec *iov, int cnt, int i, size_t skip);

#ifdef HAVE_LIBURING
/* The io_uring backend (drivers/block/file-uring.c). */
int file_uring_init(struct file_disk *fdk);
void file_uring_exit(struct uring_be *ur);
int file_uring_rw(struct dma_dev *dd, struct dma_req *rq, bool write,
		  const struct iovec *iov, int cnt, uint64_t pos, blk_opf_t opf);
#else
static inline int file_uring_init(struct file_disk *fdk)
{
	return -EOPNOTSUPP;
}

static inline void file_uring_exit(struct uring_be *ur)
{
}
#endif

#endif /* PINIO_DRIVERS_BLOCK_FILE_H */
