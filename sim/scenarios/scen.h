/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim/scenarios/scen.h - what the scenario files share: their entry points
 * (listed in sim/scenario.c's registry) and small helpers over the public
 * API (user buffers, page lookups, pin and counter snapshots, disks).
 *
 * Scenarios sit at the top of the machine (sim/) and may look at mm
 * internals (mm/internal.h) to show what the kernel would not let a user
 * see: a page's refcount, its exact pin count, the zero page.
 */
#ifndef PINIO_SIM_SCENARIOS_SCEN_H
#define PINIO_SIM_SCENARIOS_SCEN_H

#include <fcntl.h>
#include <sys/mman.h>

#include <pinio/scenario.h>
#include <pinio/bio.h>
#include <pinio/blkdev.h>
#include <pinio/fault-inject.h>
#include <pinio/mm.h>
#include <pinio/sched.h>
#include <pinio/sim.h>

#include "mm/internal.h"

/* ---- entry points (sim/scenarios/rNN_*.c) ------------------------------ */

int scen_r01_zero_page_pin_storm(struct sim_scenario_ctx *ctx);
int scen_r02_coloured_zero_pages(struct sim_scenario_ctx *ctx);
int scen_r03_near_overflow(struct sim_scenario_ctx *ctx);
int scen_r04_refcount_saturation(struct sim_scenario_ctx *ctx);
int scen_r05_vmsplice_in_child(struct sim_scenario_ctx *ctx);
int scen_r06_ro_longterm_pin(struct sim_scenario_ctx *ctx);
int scen_r07_fork_during_dio(struct sim_scenario_ctx *ctx);
int scen_r08_dirty_cow(struct sim_scenario_ctx *ctx);
int scen_r09_splice_dio_truncate(struct sim_scenario_ctx *ctx);
int scen_r10_truncate_pinned(struct sim_scenario_ctx *ctx);
int scen_r11_writeback_vs_pin(struct sim_scenario_ctx *ctx);
int scen_r12_same_page_merge(struct sim_scenario_ctx *ctx);
int scen_r13_unaligned_span(struct sim_scenario_ctx *ctx);
int scen_r14_large_folio_tail(struct sim_scenario_ctx *ctx);
int scen_r15_zero_length_segments(struct sim_scenario_ctx *ctx);
int scen_r16_kernel_iterators(struct sim_scenario_ctx *ctx);
int scen_r17_mode_mixing(struct sim_scenario_ctx *ctx);
int scen_r18_partial_pin(struct sim_scenario_ctx *ctx);
int scen_r19_alloc_failure(struct sim_scenario_ctx *ctx);
int scen_r20_error_path_arrays(struct sim_scenario_ctx *ctx);
int scen_r21_partial_completion(struct sim_scenario_ctx *ctx);
int scen_r22_double_unpin(struct sim_scenario_ctx *ctx);
int scen_r23_longterm_pin_fork(struct sim_scenario_ctx *ctx);
int scen_r24_dio_read_dirties(struct sim_scenario_ctx *ctx);
int scen_r25_close_exit_release(struct sim_scenario_ctx *ctx);

/* ---- helpers (sim/scenarios/scen_util.c) -------------------------------- */

/*
 * Does FOLL_PIN still count on the zero page? v6.4 and the v21 series as
 * posted: yes (+1024 per pin); v6.5 (after c8070b787519): never.
 */
static inline bool scen_pins_zero_page(const struct sim_scenario_ctx *ctx)
{
	return ctx->profile != SIM_PROFILE_V6_5;
}

/* The profile decides: v6.4 takes FOLL_GET references where v6.5 pins. */
static inline bool scen_v64(const struct sim_scenario_ctx *ctx)
{
	return ctx->profile == SIM_PROFILE_V6_4;
}

/* Anonymous private R/W memory of current, untouched; 0 (and a FAIL) on error. */
unsigned long scen_mmap(struct sim_scenario_ctx *ctx, size_t len);
/* As scen_mmap(), kept in small pages (MADV_NOHUGEPAGE). */
unsigned long scen_mmap_small(struct sim_scenario_ctx *ctx, size_t len);
/* A PMD-aligned 2 MiB THP, every byte @c; @map and @map_len get what to unmap. 0 on error. */
unsigned long scen_mmap_thp(struct sim_scenario_ctx *ctx, int c, unsigned long *map,
			    size_t *map_len);
void scen_munmap(struct sim_scenario_ctx *ctx, unsigned long addr, size_t len);
/* Write byte @c over [addr, addr+len) through the page tables (faults). */
bool scen_fill(struct sim_scenario_ctx *ctx, unsigned long addr, int c, size_t len);
/* Does every byte of user memory [addr, addr+len) equal @c? */
bool scen_user_is(unsigned long addr, int c, size_t len);
/* Does every byte of [p, p+len) equal @c? */
bool scen_mem_is(const void *p, int c, size_t len);

/* The page @mm maps at @addr (zero pages and THP subpages included), or NULL. */
struct page *scen_page_at(struct mm_struct *mm, unsigned long addr);
static inline struct page *scen_page(unsigned long addr)
{
	return scen_page_at(current->mm, addr);
}
/* Exact pins on @page's folio: _pincount (large) or the shadow count (small). */
long scen_pins(const struct page *page);
static inline long scen_refs(const struct page *page)
{
	return folio_ref_count(page_folio(page));
}

/* Print the vmstat pin counters as scen_counter()s. */
void scen_pin_counters(struct sim_scenario_ctx *ctx);
/* nr_foll_pin_acquired - nr_foll_pin_released right now. */
long scen_pins_in_flight(void);

/* A `ram` disk NAME of @bytes with @lbs blocks; 0 or -errno (FAIL). */
int scen_ramdisk(struct sim_scenario_ctx *ctx, const char *name, uint64_t bytes,
		 unsigned int lbs);
/* sim_open() that must succeed; -errno (FAIL) otherwise. */
int scen_open(struct sim_scenario_ctx *ctx, const char *path, int flags);
/* Write byte @c over [off, off+len) of the disk behind @fd (O_DIRECT, via a bounce buffer). */
bool scen_disk_fill(struct sim_scenario_ctx *ctx, int fd, off_t off, int c, size_t len);
/* Does [off, off+len) of the disk behind @fd hold byte @c everywhere? */
bool scen_disk_is(struct sim_scenario_ctx *ctx, int fd, off_t off, int c, size_t len);

/* ---- simfs (sim/scenarios/scen_fs.c) --------------------------------------- */

#define SCEN_FS_DISK	"fs0"

struct address_space;

/* A 16 MiB `ram` disk fs0 with simfs mounted at /mnt (@mount_opts: "dio=..."). */
int scen_fs_setup(struct sim_scenario_ctx *ctx, const char *mount_opts);
/* Unmount /mnt and destroy fs0. */
void scen_fs_teardown(struct sim_scenario_ctx *ctx);
/* Create /mnt/NAME holding @len bytes of @c, fsync'd; its fd (O_RDWR) or -errno. */
int scen_fs_create(struct sim_scenario_ctx *ctx, const char *name, int c, size_t len);
/* The page cache of open file @fd. */
struct address_space *scen_fs_mapping(int fd);
/* The cached folio at @index of @fd, with a reference (folio_put()), or NULL. */
struct folio *scen_fs_cache_folio(int fd, unsigned long index);
/* Remount /mnt (all files closed) and check /mnt/NAME's bytes: what the disk holds. */
bool scen_fs_file_is(struct sim_scenario_ctx *ctx, const char *name, off_t off, int c,
		     size_t len);

/*
 * Where a scenario's O_DIRECT I/O goes: the raw disk raw0, or a file on
 * the simfs at /mnt through one of its two engines (scenarios.md asks for
 * R07-R11 and R23-R25 "on both DIO engines where they apply").
 */
enum scen_backing {
	SCEN_RAW,
	SCEN_IOMAP,
	SCEN_LEGACY,
	NR_SCEN_BACKINGS,
};

struct scen_dio_target {
	enum scen_backing backing;
	int fd;			/* O_RDWR | O_DIRECT */
	const char *disk;	/* what to hold (SIM_IO_HOLD) to keep its bios in flight */
};

/* "raw device", "simfs dio=iomap", "simfs dio=legacy". */
const char *scen_backing_name(enum scen_backing b);
/* "dio=iomap" / "dio=legacy" (NULL for the raw disk). */
const char *scen_backing_mount_opts(enum scen_backing b);
/*
 * scen_dio_target_open() - an O_DIRECT descriptor whose first @len bytes
 * hold @c: raw0 (a new 1 MiB `ram` disk), or /mnt/@name (simfs must be
 * mounted with scen_backing_mount_opts(), written and fsync'd, so every
 * block is allocated and the engines go straight to the disk).
 * Return: true, or false (FAIL recorded, t->fd < 0).
 */
bool scen_dio_target_open(struct sim_scenario_ctx *ctx, enum scen_backing b, const char *name,
			  int c, size_t len, struct scen_dio_target *t);
/* Close the target (and destroy raw0). */
void scen_dio_target_close(struct sim_scenario_ctx *ctx, struct scen_dio_target *t);

/* One scenario round per backing: what scen_run_backings() is to do. */
struct scen_backings {
	const char *name;	/* the file's name on simfs */
	int c;			/* the target's first @len bytes hold @c */
	size_t len;
	const char *mount_opts;	/* simfs options besides dio=, or NULL */
	bool fs_for_raw;	/* mount simfs for the raw round too */
	/* The round on an open target; false: a check failed, stop. */
	bool (*round)(struct sim_scenario_ctx *ctx, struct scen_dio_target *t);
	/* Optional, after a passed round with the target closed, simfs mounted. */
	void (*after)(struct sim_scenario_ctx *ctx, enum scen_backing b);
};

/*
 * scen_run_backings() - boot, run @run->round on the raw disk, then on
 * simfs through iomap and through legacy direct-io (stopping at the first
 * round that fails), shut down. Return: 0, or scen_boot()'s error.
 */
int scen_run_backings(struct sim_scenario_ctx *ctx, const struct scen_backings *run);

#endif /* PINIO_SIM_SCENARIOS_SCEN_H */
