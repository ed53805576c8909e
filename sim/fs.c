// SPDX-License-Identifier: GPL-2.0
/*
 * sim/fs.c - the filesystem syscalls of the simulated machine: mkfs,
 * mount, umount, unlink, ftruncate, and the hook that lets sim_mmap()
 * map a file.
 *
 * Models the syscall entry points of fs/namespace.c (mount, umount2),
 * fs/namei.c (unlink) and fs/open.c (ftruncate) for the one filesystem
 * there is, simfs; sim_mkfs() stands for mkfs(8). A file mapping is set
 * up by the file's f_op->mmap. Left out: mount flags, bind mounts,
 * lazy unmount, truncate(2) by path.
 */
#include <string.h>
#include <pinio/blkdev.h>
#include <pinio/fs.h>
#include "fs/simfs/simfs.h"
#include "mm/internal.h"
#include "sim/sim.h"

extern int (*mmap_file_hook)(struct vm_area_struct *vma, int fd, off_t off);

/* sim_mmap() of a file: the file's own ->mmap sets the VMA up. */
static int sim_mmap_file(struct vm_area_struct *vma, int fd, off_t off)
{
	struct file *file = sim_fget(fd);
	int ret;

	if (!file)
		return -EBADF;
	ret = file->f_op->mmap ? file->f_op->mmap(file, vma) : -ENODEV;
	fput(file);
	return ret;
}

/**
 * sim_mkfs() - make a filesystem on the disk @dev ("NAME" or "/dev/NAME").
 * @dev: the disk, "NAME" or "/dev/NAME".
 * @fstype: "simfs".
 * @opts: "bs=N" (512..4096, >= the disk's logical block size), "meta=BYTES".
 *
 * Return: 0, -ENODEV (unknown @fstype), -ENOENT (no such disk), -EINVAL
 * (@dev or @fstype NULL, bad option, too small a disk), -EIO, -ENOMEM.
 */
int sim_mkfs(const char *dev, const char *fstype, const char *opts)
{
	struct block_device *bdev;
	int ret;

	if (!dev || !fstype)
		return -EINVAL;
	if (strcmp(fstype, "simfs"))
		return -ENODEV;
	bdev = blkdev_get_by_name(dev);
	if (IS_ERR(bdev))
		return (int)PTR_ERR(bdev);
	ret = simfs_mkfs(bdev, opts);
	blkdev_put(bdev);
	return ret;
}

/**
 * sim_mount() - mount the simfs on disk @dev at directory @dir ("/mnt").
 * @dev: the disk, "NAME" or "/dev/NAME".
 * @dir: the mount point, e.g. "/mnt".
 * @opts: "dio=iomap" (default) or "dio=legacy": the O_DIRECT engine.
 *
 * Files are then "DIR/NAME" for sim_open(). Return: 0, -ENOENT (no such
 * disk), -EINVAL (not a simfs, bad @dir or option), -EBUSY (@dir in use),
 * -EUCLEAN (corrupt metadata), -EIO, -ENOMEM.
 */
int sim_mount(const char *dev, const char *dir, const char *opts)
{
	struct block_device *bdev;

	if (!dev || !dir)
		return -EINVAL;
	bdev = blkdev_get_by_name(dev);
	if (IS_ERR(bdev))
		return (int)PTR_ERR(bdev);
	mmap_file_hook = sim_mmap_file;
	return simfs_mount(bdev, dir, opts);
}

/**
 * sim_umount() - write back, commit and unmount the filesystem at @dir.
 * @dir: the mount point.
 *
 * Return: 0, -EINVAL (not a mount point), -EBUSY (a file is open or
 * mapped), -EIO (the last writeback failed; it is unmounted anyway).
 */
int sim_umount(const char *dir)
{
	return simfs_umount(dir);
}

/**
 * sim_unlink() - remove "DIR/NAME"; an open file lives until its last close.
 * @path: "DIR/NAME" of a mounted simfs.
 *
 * Return: 0, -ENOENT, -EINVAL, -EFAULT (@path NULL).
 */
int sim_unlink(const char *path)
{
	if (!path)
		return -EFAULT;
	return simfs_unlink_path(path);
}

/**
 * sim_ftruncate() - ftruncate(2) on @fd of the current task.
 * @fd: a file descriptor of the current task.
 * @len: the new size in bytes.
 *
 * Waits for direct I/O in flight on the file, drops its cached pages past
 * @len (pages still held by a pin, bio or pipe are orphaned, I7) and frees
 * its blocks. Return: 0, -EINVAL (negative @len, @fd not open for
 * writing, not a regular file), -EFBIG (above the maximum file size),
 * -EBADF, -ENOMEM, -EIO.
 */
int sim_ftruncate(int fd, off_t len)
{
	struct file *file;
	int ret;

	if (len < 0)
		return -EINVAL;
	file = sim_fget(fd);
	if (!file)
		return -EBADF;
	if (file->f_op != &simfs_file_ops || !(file->f_mode & FMODE_WRITE))
		ret = -EINVAL;
	else
		ret = simfs_setsize(file->f_mapping->host, len);
	fput(file);
	return ret;
}

/**
 * sim_fs_shutdown() - unmount every file system at machine shutdown.
 *
 * Each idle mount is written back, committed and unmounted
 * (simfs_umount_all()); its write-back or commit errors are not reported.
 * A mount with a file still open is dropped from the mount table without
 * being unmounted, so no later boot can reach it, and is counted as a leak.
 *
 * Context: sim_shutdown() only, before the block devices are deleted;
 * may sleep (I/O).
 * Return: the number of mounts left busy (0 when clean).
 */
long sim_fs_shutdown(void)
{
	return simfs_umount_all();
}
