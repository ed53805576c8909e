// SPDX-License-Identifier: GPL-2.0
/*
 * drivers/block/file.c - a disk backed by a host file or host block device.
 *
 * Models drivers/block/loop.c: the disk is the backing file's size in
 * whole logical blocks; reads and writes go to the file at the same byte
 * offset, with the data copied for real between the host file and
 * page_address() of the bio's pages. Two backends:
 *   psync     preadv2/pwritev2 on the DMA worker (or inline), retrying
 *             short transfers and EINTR; a read that meets end of file is
 *             filled with zeros, as loop does;
 *   io_uring  readv/writev SQEs on a per-disk ring (liburing; only with
 *             HAVE_LIBURING) that the disk's own thread alone submits, in
 *             batches, and reaps; it resubmits the rest of a short transfer
 *             (drivers/block/file-uring.c).
 * ",direct" opens the file O_DIRECT as loop's use_dio does; an I/O whose
 * memory address, length or offset breaks the host's O_DIRECT alignment
 * (statx STATX_DIOALIGN) goes through a second, buffered descriptor of the
 * same file instead (the host keeps the two coherent). REQ_PREFLUSH and
 * REQ_OP_FLUSH become fdatasync(), REQ_FUA a RWF_DSYNC write, discard a
 * punched hole, write-zeroes a zeroed range (zeros written if the host
 * file system cannot). Left out: loop's ioctls (LOOP_SET_FD, offsets,
 * size limits), crypto transfer functions, partitions, read-only files.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include "drivers/block/file.h"

/* Which descriptor may do this transfer: O_DIRECT only if it is aligned. */
int file_pick_fd(struct file_disk *fdk, const struct iovec *iov, int cnt, uint64_t pos)
{
	int i;

	if (fdk->dfd < 0 || pos % fdk->off_align)
		return fdk->fd;
	for (i = 0; i < cnt; i++)
		if ((uintptr_t)iov[i].iov_base % fdk->mem_align || iov[i].iov_len % fdk->off_align)
			return fdk->fd;
	return fdk->dfd;
}

/* Copy up to FILE_IOV_BATCH iovecs from position (@i, @skip) of @iov into @v. */
int file_iov_window(struct iovec *v, const struct iovec *iov, int cnt, int i, size_t skip)
{
	int nv = 0;

	for (; i < cnt && nv < FILE_IOV_BATCH; i++, skip = 0) {
		v[nv].iov_base = (char *)iov[i].iov_base + skip;
		v[nv].iov_len = iov[i].iov_len - skip;
		nv++;
	}
	return nv;
}

/* Move (@i, @skip) forward by @n bytes. */
void file_iov_skip(const struct iovec *iov, int *i, size_t *skip, size_t n)
{
	while (n) {
		size_t rem = iov[*i].iov_len - *skip;

		if (n < rem) {
			*skip += n;
			return;
		}
		n -= rem;
		(*i)++;
		*skip = 0;
	}
}

/* Zero everything from (@i, @skip) on; return the bytes zeroed. */
size_t file_iov_zero_rest(const struct iovec *iov, int cnt, int i, size_t skip)
{
	size_t n = 0;

	for (; i < cnt; i++, skip = 0) {
		memset((char *)iov[i].iov_base + skip, 0, iov[i].iov_len - skip);
		n += iov[i].iov_len - skip;
	}
	return n;
}

static ssize_t file_psync_rw(struct dma_dev *dd, bool write, const struct iovec *iov, int cnt,
			     uint64_t pos, blk_opf_t opf)
{
	struct file_disk *fdk = to_file(dd);
	int fd = file_pick_fd(fdk, iov, cnt, pos);
	int flags = write && (opf & REQ_FUA) ? RWF_DSYNC : 0;
	struct iovec v[FILE_IOV_BATCH];
	ssize_t total = 0;
	size_t skip = 0;
	int i = 0;

	if (flags)
		dma_count("file_dsync_writes", 1);

	while (i < cnt) {
		int nv = file_iov_window(v, iov, cnt, i, skip);
		ssize_t n;

		if (write)
			n = pwritev2(fd, v, nv, (off_t)pos, flags);
		else
			n = preadv2(fd, v, nv, (off_t)pos, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!n) {
			if (write)
				return -EIO;
			total += (ssize_t)file_iov_zero_rest(iov, cnt, i, skip);
			break;
		}
		total += n;
		pos += (uint64_t)n;
		file_iov_skip(iov, &i, &skip, (size_t)n);
	}
	return total;
}

static int file_flush(struct dma_dev *dd)
{
	dma_count("file_fdatasync", 1);
	return fdatasync(to_file(dd)->fd) ? -errno : 0;
}

static int file_write_zeros(int fd, uint64_t pos, uint64_t len)
{
	static const char zeros[PAGE_SIZE];

	while (len) {
		size_t n = (size_t)min_t(uint64_t, len, sizeof(zeros));
		ssize_t w = pwrite(fd, zeros, n, (off_t)pos);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!w)
			return -EIO;
		pos += (uint64_t)w;
		len -= (uint64_t)w;
	}
	return 0;
}

static int file_discard(struct dma_dev *dd, uint64_t pos, uint64_t len, bool zeroes)
{
	struct file_disk *fdk = to_file(dd);
	int mode = FALLOC_FL_KEEP_SIZE | (zeroes ? FALLOC_FL_ZERO_RANGE : FALLOC_FL_PUNCH_HOLE);

	if (!fallocate(fdk->fd, mode, (off_t)pos, (off_t)len))
		return 0;
	return file_write_zeros(fdk->fd, pos, len);
}

/* ---- creation ----------------------------------------------------------------- */

static void file_free(struct dma_dev *dd)
{
	struct file_disk *fdk = to_file(dd);

	if (fdk->ur)
		file_uring_exit(fdk->ur);
	if (fdk->dfd >= 0)
		close(fdk->dfd);
	if (fdk->fd >= 0)
		close(fdk->fd);
	free(fdk);
}

static const struct dma_ops file_psync_ops = {
	.rw = file_psync_rw,
	.flush = file_flush,
	.discard = file_discard,
	.free = file_free,
};

#ifdef HAVE_LIBURING
static const struct dma_ops file_uring_ops = {
	.rw_async = file_uring_rw,
	.flush = file_flush,
	.discard = file_discard,
	.free = file_free,
};
#endif

static const struct block_device_operations file_fops = {
	.name = "file",
	.submit_bio = dma_submit_bio,
	.free_disk = dma_disk_free,
};

/* "psync" | "io_uring", then ",direct": 0 or -EINVAL. */
static int parse_backend(const char *backend, bool *uring, bool *direct)
{
	const char *comma;
	size_t len;

	*uring = false;
	*direct = false;
	if (!backend)
		return 0;
	comma = strchr(backend, ',');
	len = comma ? (size_t)(comma - backend) : strlen(backend);
	if (len == 5 && !strncmp(backend, "psync", 5))
		*uring = false;
	else if (len == 8 && !strncmp(backend, "io_uring", 8))
		*uring = true;
	else
		return -EINVAL;
	if (comma) {
		if (strcmp(comma + 1, "direct"))
			return -EINVAL;
		*direct = true;
	}
	return 0;
}

/* Size of the host file or block device behind @fd. */
static int host_size(int fd, uint64_t *bytes)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (S_ISREG(st.st_mode)) {
		*bytes = (uint64_t)st.st_size;
		return 0;
	}
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, bytes) ? -errno : 0;
	return -EINVAL;
}

/* Open @path O_DIRECT too and learn the host's alignment rules. */
static int open_direct(struct file_disk *fdk, const char *path)
{
	struct statx stx;

	fdk->dfd = open(path, O_RDWR | O_DIRECT | O_CLOEXEC);
	if (fdk->dfd < 0)
		return errno == EINVAL ? -EOPNOTSUPP : -errno;
	fdk->mem_align = PAGE_SIZE;
	fdk->off_align = PAGE_SIZE;
	if (!statx(fdk->dfd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &stx) &&
	    (stx.stx_mask & STATX_DIOALIGN)) {
		if (!stx.stx_dio_offset_align)
			return -EOPNOTSUPP;	/* the host file system does no O_DIRECT here */
		fdk->mem_align = stx.stx_dio_mem_align ? stx.stx_dio_mem_align : 1;
		fdk->off_align = stx.stx_dio_offset_align;
	}
	return 0;
}

/**
 * sim_filedisk_create() - create /dev/NAME on a host file or block device.
 * @name: NAME.
 * @host_path: an existing host file (its size, rounded down to @lbs, is
 *	the capacity) or host block device, opened read-write.
 * @backend: "psync" or "io_uring", optionally with ",direct"; NULL:
 *	"psync".
 * @lbs: logical block size (0: 512).
 *
 * Return: 0; -EINVAL (bad name, lbs, backend, or a host file smaller
 * than one block); the -errno of open(2) (-ENOENT, -EACCES...);
 * -EOPNOTSUPP (io_uring without liburing, or the host refuses O_DIRECT);
 * the -errno of io_uring_queue_init(); -EEXIST; -ENOMEM.
 */
int sim_filedisk_create(const char *name, const char *host_path,
			const char *backend, unsigned int lbs)
{
	const struct dma_ops *ops = &file_psync_ops;
	struct queue_limits lim;
	struct file_disk *fdk;
	bool uring, direct;
	uint64_t bytes;
	int err;

	err = sim_disk_check_geometry(name, lbs ? lbs : SECTOR_SIZE, &lbs);
	if (err)
		return err;
	if (!host_path || parse_backend(backend, &uring, &direct))
		return -EINVAL;
#ifdef HAVE_LIBURING
	if (uring)
		ops = &file_uring_ops;
#else
	if (uring)
		return -EOPNOTSUPP;
#endif
	fdk = calloc(1, sizeof(*fdk));
	if (!fdk)
		return -ENOMEM;
	fdk->dfd = -1;
	fdk->dd.ops = ops;
	fdk->fd = open(host_path, O_RDWR | O_CLOEXEC);
	if (fdk->fd < 0) {
		err = -errno;
		goto out_free;
	}
	err = host_size(fdk->fd, &bytes);
	if (err)
		goto out_free;
	bytes = ALIGN_DOWN(bytes, (uint64_t)lbs);
	if (!bytes) {
		err = -EINVAL;
		goto out_free;
	}
	if (direct) {
		err = open_direct(fdk, host_path);
		if (err)
			goto out_free;
	}
	if (uring) {
		err = file_uring_init(fdk);
		if (err)
			goto out_free;
	}
	sim_disk_default_limits(&lim, lbs);
	return dma_disk_add(&fdk->dd, name, &file_fops, &lim, bytes);

out_free:
	file_free(&fdk->dd);
	return err;
}
