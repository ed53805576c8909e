// SPDX-License-Identifier: GPL-2.0
/*
 * bench/dio/simfs.c - a simfs file for the O_DIRECT cases: its own `ram`
 * disk, mkfs (bs=4096), a mount with the DIO engine under test
 * ("dio=iomap" or "dio=legacy"), and one file written with the per-block
 * pattern through O_DIRECT. Needs the filesystem layer; any error is
 * reported through *why, and the case then skips that path.
 */
#include "bench/dio/dio_bench.h"

const struct simfs_engine simfs_engines[2] = {
	{ "dio=iomap", "ram1", "/mnt", "iomap" },
	{ "dio=legacy", "ram2", "/mnt2", "legacy" },
};

/* Room for simfs's metadata besides the file. */
#define SIMFS_SLACK	(32UL << 20)

void simfs_file_setup(const char *disk, const char *mnt, const char *dio, uint64_t bytes,
		      int *fd, char *why, size_t whysz)
{
	const size_t chunk = 1UL << 20;
	char path[64];
	unsigned char *host;
	unsigned long buf;
	uint64_t off;
	int ret;

	*fd = -1;
	ret = sim_ramdisk_create(disk, bytes + SIMFS_SLACK, 512);
	if (!ret)
		ret = sim_mkfs(disk, "simfs", "bs=4096");
	if (ret) {
		snprintf(why, whysz, "sim_mkfs simfs: %s", strerror(-ret));
		return;
	}
	ret = sim_mount(disk, mnt, dio);
	if (ret) {
		snprintf(why, whysz, "sim_mount %s: %s", dio, strerror(-ret));
		return;
	}
	snprintf(path, sizeof(path), "%s/bench", mnt);
	ret = sim_open(path, O_RDWR | O_CREAT | O_DIRECT, 0644);
	if (ret < 0) {
		snprintf(why, whysz, "sim_open %s O_DIRECT: %s", path, strerror(-ret));
		return;
	}
	*fd = ret;
	buf = user_buf(chunk, 0);
	host = malloc(chunk);
	if (!host)
		die("malloc", 0);
	for (off = 0; off < bytes; off += chunk) {
		fill_pattern(host, off, chunk);
		if (sim_user_write(buf, host, chunk) != (ssize_t)chunk)
			die("sim_user_write", 0);
		if (sim_pwrite(*fd, buf, chunk, off) != (ssize_t)chunk) {
			snprintf(why, whysz, "simfs %s O_DIRECT write failed", dio);
			break;
		}
	}
	free(host);
	if (!why[0] && sim_pread(*fd, buf, 4096, 4321UL << 12) != 4096)
		snprintf(why, whysz, "simfs %s O_DIRECT read failed", dio);
	if (!why[0])
		check_block(buf, 4321UL << 12);
	sim_munmap(buf, chunk);
}

void simfs_file_teardown(const char *disk, const char *mnt, int fd)
{
	if (fd >= 0)
		sim_close(fd);
	sim_umount(mnt);
	sim_disk_destroy(disk);
}
