// SPDX-License-Identifier: GPL-2.0
/*
 * tools/pinio/run_device.c - `pinio run`: the one device (ram, null, or a
 * host file or block device) and, with --fs=simfs, the file system on it
 * with every job's file created at its size. The size check of a host
 * file runs before anything is created, so that a bad --device exits 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run_internal.h"

/* The device's size; for file:PATH, checks the host file (nothing is created). */
int run_device_bytes(const struct run_opts *o, uint64_t *bytes, char *err, size_t errlen)
{
	struct stat st;
	off_t end;
	int fd;

	if (o->dev_kind != RUN_DEV_FILE) {
		*bytes = o->dev_bytes;
		return 0;
	}
#ifndef HAVE_LIBURING
	if (!strcmp(o->dev_backend, "io_uring")) {
		snprintf(err, errlen, "--device=file:%s,io_uring: this build has no liburing",
			 o->dev_path);
		return -1;
	}
#endif
	if (stat(o->dev_path, &st)) {
		snprintf(err, errlen, "--device=file:%s: %s", o->dev_path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		snprintf(err, errlen, "--device=file:%s: not a regular file or block device",
			 o->dev_path);
		return -1;
	}
	if (access(o->dev_path, R_OK | W_OK)) {
		snprintf(err, errlen, "--device=file:%s: %s", o->dev_path, strerror(errno));
		return -1;
	}
	fd = open(o->dev_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "--device=file:%s: %s", o->dev_path, strerror(errno));
		return -1;
	}
	end = lseek(fd, 0, SEEK_END);
	close(fd);
	if (end < 0) {
		snprintf(err, errlen, "--device=file:%s: cannot find its size", o->dev_path);
		return -1;
	}
	*bytes = (uint64_t)end / o->lbs * o->lbs;
	if (*bytes < o->lbs) {
		snprintf(err, errlen, "--device=file:%s: smaller than one %u-byte block",
			 o->dev_path, o->lbs);
		return -1;
	}
	return 0;
}

int run_create_device(const struct run_opts *o, char *err, size_t errlen)
{
	const char *name = run_dev_name(o);
	char backend[32];
	int ret;

	switch (o->dev_kind) {
	case RUN_DEV_RAM:
		ret = sim_ramdisk_create(name, o->dev_bytes, o->lbs);
		break;
	case RUN_DEV_NULL:
		ret = sim_nulldisk_create(name, o->dev_bytes, o->lbs);
		break;
	default:
		snprintf(backend, sizeof(backend), "%s%s", o->dev_backend,
			 o->dev_host_direct ? ",direct" : "");
		ret = sim_filedisk_create(name, o->dev_path, backend, o->lbs);
		break;
	}
	if (ret)
		snprintf(err, errlen, "--device: creating /dev/%s failed: %s", name,
			 strerror(-ret));
	return ret;
}

#define LAYOUT_CHUNK	(1UL << 20)

/*
 * Grow the file open on @fd from its end to @want bytes, with O_DIRECT
 * writes of @chunk (zeros) at @buf: blocks allocated in file order, and
 * no hole is left inside i_size. (Extending writes, not ftruncate: the
 * legacy engine's write into a hole below i_size, which should fall back
 * to buffered I/O, comes back short.)
 */
static int extend_file(int fd, unsigned long buf, off_t want)
{
	off_t have = sim_lseek(fd, 0, SEEK_END);

	if (have < 0)
		return (int)have;
	while (have < want) {
		size_t len = want - have < (off_t)LAYOUT_CHUNK ? (size_t)(want - have) : LAYOUT_CHUNK;
		ssize_t ret = sim_pwrite(fd, buf, len, have);

		if (ret != (ssize_t)len)
			return ret < 0 ? (int)ret : -EIO;
		have += (off_t)len;
	}
	return 0;
}

/*
 * --fs=simfs: make simfs on the device, mount it at /mnt with the engine
 * as its dio= option, and create every job's file at its size, rounded up
 * to simfs's block size (a file several jobs name grows to the largest of
 * them), by writing it in order. A verifying clone then lays out its
 * region with its headers before it runs.
 */
int run_setup_simfs(const struct run_opts *o, const struct job_list *jobs, const char *devpath,
		    char *err, size_t errlen)
{
	char opt[32], path[JOB_PATH_MAX + 16];
	unsigned long buf;
	unsigned int i, k;
	int ret;

	snprintf(opt, sizeof(opt), "bs=%u", o->fs_bs);
	ret = sim_mkfs(devpath, "simfs", opt);
	if (ret) {
		snprintf(err, errlen, "--fs=simfs: mkfs on %s (%s) failed: %s", devpath, opt,
			 strerror(-ret));
		return ret;
	}
	snprintf(opt, sizeof(opt), "dio=%s", run_engine_name(o->engine));
	ret = sim_mount(devpath, RUN_MOUNT_DIR, opt);
	if (ret) {
		snprintf(err, errlen, "--fs=simfs: mounting %s at %s (%s) failed: %s", devpath,
			 RUN_MOUNT_DIR, opt, strerror(-ret));
		return ret;
	}
	buf = sim_mmap(0, LAYOUT_CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (IS_ERR_VALUE(buf)) {
		ret = (int)(long)buf;
		snprintf(err, errlen, "--fs=simfs: mmap of the layout buffer failed: %s",
			 strerror(-ret));
		sim_umount(RUN_MOUNT_DIR);
		return ret;
	}
	sim_user_memset(buf, 0, LAYOUT_CHUNK);
	for (i = 0; i < jobs->nr; i++) {
		const struct job *job = &jobs->jobs[i];

		for (k = 0; k < job->numjobs; k++) {
			off_t want = (off_t)((job->offset + job->size + o->fs_bs - 1) /
					     o->fs_bs * o->fs_bs);
			int fd;

			job_file_path(job, k, path, sizeof(path));
			fd = sim_open(path, O_CREAT | O_RDWR | O_DIRECT, 0644);
			if (fd < 0) {
				ret = fd;
				snprintf(err, errlen, "creating %s failed: %s", path, strerror(-ret));
				goto fail;
			}
			ret = extend_file(fd, buf, want);
			if (!ret)
				ret = sim_fsync(fd);
			sim_close(fd);
			if (ret) {
				snprintf(err, errlen, "sizing %s to %lld bytes failed: %s", path,
					 (long long)want, strerror(-ret));
				goto fail;
			}
			if (job->filename[0])
				break;	/* the clones share it */
		}
	}
	sim_munmap(buf, LAYOUT_CHUNK);
	return 0;
fail:
	sim_munmap(buf, LAYOUT_CHUNK);
	sim_umount(RUN_MOUNT_DIR);
	return ret;
}
