// SPDX-License-Identifier: GPL-2.0
/*
 * sim/scenarios/scen_fs.c - what the simfs scenarios (R08-R11, R24) share:
 * a `ram` disk with simfs mounted at /mnt, files written with a pattern
 * through O_DIRECT-free buffered writes, the page cache of an open file,
 * and checks of a file's bytes after a remount (what reached the disk).
 *
 * No kernel twin.
 */
#include <stdlib.h>
#include <string.h>

#include <pinio/fs.h>
#include <pinio/pagemap.h>

#include "sim/sim.h"
#include "sim/scenarios/scen.h"

int scen_fs_setup(struct sim_scenario_ctx *ctx, const char *mount_opts)
{
	int err = scen_ramdisk(ctx, SCEN_FS_DISK, 16UL << 20, 512);

	if (err)
		return err;
	err = sim_mkfs("/dev/" SCEN_FS_DISK, "simfs", NULL);
	if (!err)
		err = sim_mount("/dev/" SCEN_FS_DISK, "/mnt", mount_opts);
	if (err) {
		scen_expect(ctx, false, "mkfs and mount simfs on /dev/%s: %d", SCEN_FS_DISK, err);
		sim_disk_destroy(SCEN_FS_DISK);
	}
	return err;
}

void scen_fs_teardown(struct sim_scenario_ctx *ctx)
{
	int err = sim_umount("/mnt");

	if (err && err != -EINVAL)
		scen_expect(ctx, false, "sim_umount(/mnt) = %d", err);
	sim_disk_destroy(SCEN_FS_DISK);
}

int scen_fs_create(struct sim_scenario_ctx *ctx, const char *name, int c, size_t len)
{
	char path[64];
	unsigned long buf;
	int fd;

	snprintf(path, sizeof(path), "/mnt/%s", name);
	fd = scen_open(ctx, path, O_RDWR | O_CREAT | O_TRUNC);
	if (fd < 0)
		return fd;
	buf = scen_mmap(ctx, len);
	if (!buf || !scen_fill(ctx, buf, c, len) || sim_pwrite(fd, buf, len, 0) != (ssize_t)len ||
	    sim_fsync(fd)) {
		scen_expect(ctx, false, "write and fsync %zu bytes of %#x to %s", len, c, path);
		scen_munmap(ctx, buf, len);
		sim_close(fd);
		return -EIO;
	}
	scen_munmap(ctx, buf, len);
	return fd;
}

struct address_space *scen_fs_mapping(int fd)
{
	struct file *file = sim_fget(fd);
	struct address_space *m = file ? file->f_mapping : NULL;

	if (file)
		fput(file);
	return m;
}

struct folio *scen_fs_cache_folio(int fd, unsigned long index)
{
	struct address_space *m = scen_fs_mapping(fd);
	struct folio *f = m ? filemap_get_folio(m, index) : NULL;

	return IS_ERR_OR_NULL(f) ? NULL : f;
}

bool scen_fs_file_is(struct sim_scenario_ctx *ctx, const char *name, off_t off, int c,
		     size_t len)
{
	char path[64];
	bool ok = false;
	int fd;

	if (sim_umount("/mnt") || sim_mount("/dev/" SCEN_FS_DISK, "/mnt", NULL)) {
		scen_expect(ctx, false, "remount /mnt");
		return false;
	}
	snprintf(path, sizeof(path), "/mnt/%s", name);
	fd = scen_open(ctx, path, O_RDONLY);
	if (fd >= 0) {
		unsigned long buf = scen_mmap(ctx, len);

		ok = buf && sim_pread(fd, buf, len, off) == (ssize_t)len && scen_user_is(buf, c, len);
		scen_munmap(ctx, buf, len);
		sim_close(fd);
	}
	return ok;
}

/* ---- O_DIRECT targets: the raw disk or simfs through an engine ------------- */

const char *scen_backing_name(enum scen_backing b)
{
	switch (b) {
	case SCEN_RAW:
		return "raw device";
	case SCEN_IOMAP:
		return "simfs dio=iomap";
	case SCEN_LEGACY:
		return "simfs dio=legacy";
	default:
		return "?";
	}
}

const char *scen_backing_mount_opts(enum scen_backing b)
{
	return b == SCEN_IOMAP ? "dio=iomap" : b == SCEN_LEGACY ? "dio=legacy" : NULL;
}

bool scen_dio_target_open(struct sim_scenario_ctx *ctx, enum scen_backing b, const char *name,
			  int c, size_t len, struct scen_dio_target *t)
{
	char path[64];
	int fd;

	t->backing = b;
	t->fd = -1;
	if (b == SCEN_RAW) {
		t->disk = "raw0";
		if (scen_ramdisk(ctx, "raw0", 1UL << 20, 512))
			return false;
		t->fd = scen_open(ctx, "/dev/raw0", O_RDWR | O_DIRECT);
		if (t->fd >= 0 && !scen_disk_fill(ctx, t->fd, 0, c, len)) {
			sim_close(t->fd);
			t->fd = -1;
		}
		if (t->fd < 0)
			sim_disk_destroy("raw0");
		return t->fd >= 0;
	}
	t->disk = SCEN_FS_DISK;
	fd = scen_fs_create(ctx, name, c, len);
	if (fd < 0)
		return false;
	sim_close(fd);
	snprintf(path, sizeof(path), "/mnt/%s", name);
	t->fd = scen_open(ctx, path, O_RDWR | O_DIRECT);
	return t->fd >= 0;
}

void scen_dio_target_close(struct sim_scenario_ctx *ctx, struct scen_dio_target *t)
{
	(void)ctx;
	if (t->fd >= 0)
		sim_close(t->fd);
	t->fd = -1;
	if (t->backing == SCEN_RAW)
		sim_disk_destroy("raw0");
}

/* "dio=ENGINE" joined with @run's own options (either may be missing). */
static const char *scen_backing_opts(const struct scen_backings *run, enum scen_backing b,
				     char *buf, size_t size)
{
	const char *engine = scen_backing_mount_opts(b);

	if (!run->mount_opts)
		return engine;
	snprintf(buf, size, "%s%s%s", run->mount_opts, engine ? "," : "", engine ? engine : "");
	return buf;
}

int scen_run_backings(struct sim_scenario_ctx *ctx, const struct scen_backings *run)
{
	enum scen_backing b;
	int err;

	err = scen_boot(ctx, NULL);
	if (err)
		return err;
	for (b = SCEN_RAW; b < NR_SCEN_BACKINGS; b++) {
		bool fs = b != SCEN_RAW || run->fs_for_raw;
		struct scen_dio_target t;
		char opts[128];
		bool ok = false;

		if (fs && scen_fs_setup(ctx, scen_backing_opts(run, b, opts, sizeof(opts))))
			break;
		if (scen_dio_target_open(ctx, b, run->name, run->c, run->len, &t)) {
			ok = run->round(ctx, &t);
			scen_dio_target_close(ctx, &t);
		}
		if (ok && run->after)
			run->after(ctx, b);
		if (fs)
			scen_fs_teardown(ctx);
		if (!ok)
			break;
	}
	scen_shutdown(ctx);
	return 0;
}
