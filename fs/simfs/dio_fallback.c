// SPDX-License-Identifier: GPL-2.0
/*
 * fs/simfs/dio_fallback.c - a weak stand-in for the legacy direct-I/O
 * engine while fs/direct-io.c is being written.
 *
 * simfs mounted with dio=legacy calls __blockdev_direct_IO(). Until the
 * real engine (fs/direct-io.c, a strong definition, which the linker
 * prefers) is in the tree, this one answers -ENOTBLK, the engine's own
 * "fall back to buffered I/O" signal, so every legacy O_DIRECT request is
 * done through the page cache. Delete this file once fs/direct-io.c lands.
 */
#include <errno.h>
#include <pinio/buffer_head.h>

__attribute__((weak))
ssize_t __blockdev_direct_IO(struct kiocb *iocb, struct inode *inode, struct block_device *bdev,
			     struct iov_iter *iter, get_block_t get_block,
			     dio_iodone_t end_io, int flags)
{
	return -ENOTBLK;
}
