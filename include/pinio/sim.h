/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinio/sim.h - what the simulation adds: the machine, tasks, user memory,
 * devices, files as syscalls of the current task, and the observers.
 *
 * Nothing here has a kernel twin; everything is sim_-prefixed. Calls that
 * behave like syscalls take simulated user addresses (never host pointers)
 * and return bytes or -errno. Library code never sets errno.
 */
#ifndef PINIO_SIM_H
#define PINIO_SIM_H

#include <pinio/compiler.h>
#include <sys/types.h>
#include <sys/uio.h>

/* ---- boot ---------------------------------------------------------- */

enum sim_profile {
	SIM_PROFILE_V6_5 = 0,	/* the series and its follow-ups, as merged */
	SIM_PROFILE_V6_4,	/* before the series: FOLL_GET, BIO_NO_PAGE_REF */
	SIM_PROFILE_V21,	/* the v21 series as posted: PINNED + REFFED */
};

struct sim_config {
	size_t mem_bytes;		/* 0: default 256 MiB */
	unsigned int nr_zero_pages;	/* colours: 0 or 1 = one zero page; 8; up to 128 */
	bool thp;			/* anonymous memory may use 2 MiB folios */
	enum sim_profile profile;
	/*
	 * Leave out the page checks (page_checks_enabled(), pinio/bug.h):
	 * the shadow pin count of small folios and the per-frame event rings.
	 * For benchmarks only (checks=off); every test keeps the default.
	 */
	bool no_page_checks;
	/*
	 * Leave out page poisoning (page_poisoning_enabled(), mm/internal.h;
	 * the kernel's page_poison=0): freed frames are neither filled with
	 * PAGE_POISON nor checked when handed out again. A DMA into a freed
	 * frame is still refused by the DMA engine (I9). For benchmarks only
	 * (random_ops poison=off); every test keeps the default.
	 */
	bool no_page_poison;
};

#define SIM_DEFAULT_MEM_BYTES	(256UL << 20)
#define SIM_MAX_ZERO_PAGES	128

/**
 * sim_boot() - boot the simulated machine.
 * @cfg: configuration, or NULL for all defaults.
 *
 * Maps physical memory, builds the memmap and the buddy allocator, reserves
 * the zero pages (and the huge zero folio when @cfg->thp), and creates task 1,
 * which becomes current for the calling host thread.
 *
 * Return: 0, -EINVAL for a bad config, -EBUSY if already booted, -ENOMEM.
 */
int sim_boot(const struct sim_config *cfg);

/**
 * sim_shutdown() - exit every task, tear the machine down and report leaks.
 *
 * Return: the number of leaked objects (folios still allocated, pins still
 * outstanding, bios, ...), each printed with its owner; 0 when clean.
 */
long sim_shutdown(void);

bool sim_booted(void);
const struct sim_config *sim_get_config(void);
enum sim_profile sim_profile(void);

/* ---- tasks: current is per host thread ------------------------------ */

struct task_struct;
struct mm_struct;

struct task_struct *sim_task_create(void);
/* A task sharing @t's mm (CLONE_VM), for multi-threaded tests. */
struct task_struct *sim_thread_create(struct task_struct *t);
void sim_task_switch(struct task_struct *t);
struct task_struct *sim_current(void);
struct task_struct *sim_fork(void);		/* child of current, or ERR_PTR */
void sim_task_exit(struct task_struct *t);
int sim_task_pid(const struct task_struct *t);

/* ---- memory of current (host PROT_ / MAP_ / MADV_ values) ----------- */

unsigned long sim_mmap(unsigned long addr, size_t len, int prot, int flags,
		       int fd, off_t off);	/* address, or -errno (IS_ERR_VALUE) */
int sim_munmap(unsigned long addr, size_t len);
int sim_mprotect(unsigned long addr, size_t len, int prot);
int sim_madvise(unsigned long addr, size_t len, int advice);
ssize_t sim_user_read(unsigned long addr, void *buf, size_t len);
ssize_t sim_user_write(unsigned long addr, const void *buf, size_t len);
/* Fill [addr, addr+len) with byte @c through the page tables (faults). */
ssize_t sim_user_memset(unsigned long addr, int c, size_t len);

/* ---- devices: the name appears as /dev/NAME ------------------------- */

struct bio;
struct queue_limits;

/*
 * Every simulated disk moves its data on the shared DMA engine (drivers/
 * block/dma.c), which checks each page before touching it (I9). A disk
 * starts with these limits: logical = physical block size = @lbs,
 * max_sectors = max_hw_sectors = 2560, 128 segments of at most 64 KiB,
 * segment boundary 0xffffffff, no virtual boundary, dma_alignment 511.
 * @lbs is 512, 1024, 2048 or 4096; 0 means 512.
 */

/**
 * sim_ramdisk_create() - a RAM disk (brd) of @bytes of host memory,
 * allocated as it is written; never-written blocks read as zeros.
 *
 * Return: 0; -EINVAL for a bad name (empty, 32+ characters, a '/'), lbs
 * or size (0 or not a multiple of @lbs); -EEXIST if NAME is taken;
 * -ENOMEM.
 */
int sim_ramdisk_create(const char *name, uint64_t bytes, unsigned int lbs);

/**
 * sim_nulldisk_create() - a null disk (null_blk): no data moves; a read
 * leaves the memory as it was, as null_blk does.
 *
 * Return: as sim_ramdisk_create().
 */
int sim_nulldisk_create(const char *name, uint64_t bytes, unsigned int lbs);

/**
 * sim_filedisk_create() - a loop-like disk backed by a host file or host
 * block device, of its size rounded down to @lbs.
 * @backend: "psync" (preadv2/pwritev2 from the DMA worker) or "io_uring"
 *	(its own ring and completion thread), optionally followed by
 *	",direct" to open the host file O_DIRECT; NULL means "psync".
 *	REQ_PREFLUSH and REQ_OP_FLUSH become fdatasync(), REQ_FUA a
 *	RWF_DSYNC write. With ",direct", an I/O whose memory, length or
 *	offset breaks the host's O_DIRECT alignment goes through a second,
 *	buffered descriptor of the same file.
 *
 * Return: 0; -EINVAL (bad name, lbs, backend, or a file smaller than one
 * block); -ENOENT (no such host file) or another -errno of open(2);
 * -EOPNOTSUPP (io_uring without liburing, or the host refused O_DIRECT);
 * the -errno of io_uring_queue_init(); -EEXIST; -ENOMEM.
 */
int sim_filedisk_create(const char *name, const char *host_path,
			const char *backend, unsigned int lbs);

/*
 * sim_disk_destroy() - delete /dev/NAME: run the bios it holds, wait for
 * those in flight; it is freed once closed. 0 or -ENOENT.
 */
int sim_disk_destroy(const char *name);

/*
 * sim_disk_set_limits() - replace the queue limits once the I/O in flight
 * is done. 0, -ENOENT, -EBUSY (I/O held by a fault), -EINVAL (refused by
 * blk_validate_limits(), or a capacity not in whole blocks).
 */
int sim_disk_set_limits(const char *name, const struct queue_limits *lim);
/* sim_disk_get_limits() - copy the queue limits out. 0 or -ENOENT. */
int sim_disk_get_limits(const char *name, struct queue_limits *lim);

/*
 * sim_disk_set_latency() - every bio of NAME completes @ns nanoseconds
 * after it reached the driver, its data moving at the end (null_blk's
 * completion_nsec). 0 or -ENOENT.
 */
int sim_disk_set_latency(const char *name, uint64_t ns);

/* Called with every bio a disk's driver receives (after splitting), before it is queued. */
typedef void (*sim_bio_hook_fn)(const struct bio *bio, void *arg);
/* sim_disk_set_bio_hook() - install (NULL: remove) NAME's hook. 0 or -ENOENT. */
int sim_disk_set_bio_hook(const char *name, sim_bio_hook_fn fn, void *arg);

/*
 * Device faults (scenarios.md F4-F7, R21). Each flag is one behaviour;
 * they combine. A fault hits the @nth bio the driver receives after
 * sim_disk_inject() (1 = the next one) and is then spent, or every bio
 * while @nth is 0. sim_fault_reset() disarms every disk's fault, removes
 * its hook and runs what it holds.
 */
enum sim_io_fault_flags {
	/* F4: refuse the bio at submit with @error (-EAGAIN or -EIO). */
	SIM_IO_FAIL_SUBMIT	= 1U << 0,
	/* F5: complete with @error, moving no data. */
	SIM_IO_FAIL		= 1U << 1,
	/* F5: a bio covering @sector moves the bytes before it, then fails. */
	SIM_IO_FAIL_SECTOR	= 1U << 2,
	/* F6: move exactly @bytes (at most the bio's), then fail with @error. */
	SIM_IO_PARTIAL		= 1U << 3,
	/* F7: move the data and complete @delay_us (+ 0..@jitter_us) after the submit. */
	SIM_IO_DELAY		= 1U << 4,
	/* F7: hold bios until @depth are held, then run them newest first. */
	SIM_IO_REORDER		= 1U << 5,
	/* Hold bios, data unmoved, until sim_disk_release(). */
	SIM_IO_HOLD		= 1U << 6,
};

struct sim_io_fault {
	unsigned int flags;		/* SIM_IO_* */
	int error;			/* -errno to fail with; 0 means -EIO */
	unsigned long nth;		/* 0: every bio; n: only the nth from now */
	uint64_t sector;		/* SIM_IO_FAIL_SECTOR: the bad 512-byte sector */
	uint64_t bytes;			/* SIM_IO_PARTIAL: bytes that move */
	unsigned long delay_us;		/* SIM_IO_DELAY */
	/*
	 * SIM_IO_DELAY: plus 0..@jitter_us per bio, drawn from the disk's
	 * bio count (repeatable), so with DMA workers later bios may complete
	 * first: F7's reordering for I/O that is never held.
	 */
	unsigned long jitter_us;
	unsigned int depth;		/* SIM_IO_REORDER: bios held before release (>= 2) */
};

/*
 * A disk has two fault slots: its own (sim_disk_inject()) and the run's
 * (sim_disk_inject_new(), armed when the disk is created). Each counts
 * nth on its own and fires on its own; a bio both hit gets the union, in
 * that order: a submit refusal wins (the first refusing slot's error);
 * else at most the smaller partial/bad-sector cut moves and the bio fails
 * with the first failing slot's error (SIM_IO_FAIL moves nothing);
 * delays add up (counted from the submit, so a hold outlasting one absorbs
 * it); HOLD holds (the bio then fails or moves partially when released)
 * and wins over REORDER. "dma_faults" counts one per slot that hit;
 * sim_fault_injected() counts allocation failures only. sim_fault_reset()
 * disarms both slots of every disk and releases what they hold.
 *
 * sim_disk_inject() - arm @f in NAME's own slot (NULL disarms that slot
 * only; held bios stay held). 0, -ENOENT, -EINVAL (unknown flag, positive
 * error, REORDER depth < 2).
 */
int sim_disk_inject(const char *name, const struct sim_io_fault *f);
/*
 * sim_disk_inject_new() - arm @f in the run slot of every disk created
 * from now on (each gets its own copy), until sim_fault_reset(); NULL
 * stops arming new disks. 0 or -EINVAL.
 */
int sim_disk_inject_new(const struct sim_io_fault *f);
/*
 * sim_disk_release() - run the bios NAME holds (HOLD: in arrival order,
 * REORDER: newest first). The number released, or -ENOENT.
 */
int sim_disk_release(const char *name);

/*
 * sim_dma_set_threads() - 0 = inline DMA (each transfer runs in the
 * submitter's context, still completing through bio_endio()), or 1..8
 * worker threads (default 2; sim_shutdown() restores it). Waits for the
 * queued and running I/O; the caller submits nothing meanwhile.
 * Return: 0, -EINVAL (n > 8), -EBUSY (a disk holds I/O by a fault).
 */
int sim_dma_set_threads(unsigned int n);
unsigned int sim_dma_threads(void);

/*
 * sim_dma_stat() - DMA counters since the program started: "dma_checks"
 * (pages checked), "dma_violations" (pages refused: freed, reused, or a
 * zero page as a read target), "dma_bytes" (bytes moved between memory
 * and a device), "dma_requests" (bios the engine completed),
 * "dma_flushes" (flushes done), "dma_fua" (FUA writes), "dma_faults"
 * (fault hits: a bio two slots hit counts twice), "dma_faults_run" (those
 * of them in the run slot, sim_disk_inject_new()), "file_fdatasync"
 * (fdatasync() calls of file disks), "file_dsync_writes" (host writes of
 * file disks with RWF_DSYNC, one per FUA bio); of the io_uring backend:
 * "file_uring_sqes" (I/O SQEs submitted, resubmitted short transfers
 * included), "file_uring_enters" (io_uring_enter() calls that submitted I/O
 * SQEs; an enter with only the doorbell's read is not counted),
 * "file_uring_depth_sum" (I/Os in flight at the host after each of those,
 * summed), "file_uring_waits" (waits for a CQE), "file_uring_kicks"
 * (doorbells rung to wake the ring's thread), "file_uring_op_chunks"
 * (chunks of 32 ops the rings' pools allocated: they grow to the most
 * I/Os a disk had in flight, not per I/O). 0 for an unknown name.
 */
unsigned long sim_dma_stat(const char *name);
/*
 * sim_blk_stat() - block-layer counters (block/blk-core.c):
 * "bios_submitted" (split remainders included), "bios_split",
 * "bios_rejected". 0 for an unknown name.
 */
unsigned long sim_blk_stat(const char *name);

/* ---- files and syscalls of current (host O_ flags; user addresses) --- */

/*
 * Each task has its own descriptor table (fork copies it, exit closes it).
 * "/dev/NAME" opens the disk NAME; O_DIRECT I/O on it pins the user pages
 * for the transfer. Buffered I/O on a disk is not built yet (-EINVAL), and
 * other paths give -ENOENT until simfs exists. Errors are -errno as the
 * syscalls return them: -EBADF (bad fd, or write on a read-only fd),
 * -EINVAL (negative offset, offset or length not a multiple of the
 * logical block size; a buffer misaligned to the queue's dma_alignment
 * after its pages were pinned and released), -EFAULT, -ENOSPC (write at
 * or past the end); a read at the end gives 0, one straddling it a short
 * count. struct iovec arrays are host arrays whose iov_base hold
 * simulated user addresses.
 */
int sim_open(const char *path, int flags, mode_t mode);
int sim_close(int fd);
ssize_t sim_read(int fd, unsigned long buf, size_t len);
ssize_t sim_write(int fd, unsigned long buf, size_t len);
ssize_t sim_pread(int fd, unsigned long buf, size_t len, off_t off);
ssize_t sim_pwrite(int fd, unsigned long buf, size_t len, off_t off);
ssize_t sim_preadv(int fd, const struct iovec *iov, int iovcnt, off_t off);
ssize_t sim_pwritev(int fd, const struct iovec *iov, int iovcnt, off_t off);
off_t sim_lseek(int fd, off_t off, int whence);
/* A disk flushes its volatile cache (an empty REQ_PREFLUSH write). */
int sim_fsync(int fd);

/*
 * Filesystems: simfs on a disk (docs/simfs.md). sim_mkfs(dev, "simfs",
 * "bs=N") makes one (N: 512..4096, at least the disk's logical block
 * size); sim_mount(dev, "/mnt", "dio=iomap" or "dio=legacy") mounts it, and
 * "/mnt/NAME" is then file NAME for sim_open() (O_CREAT, O_EXCL, O_TRUNC,
 * O_DIRECT, O_APPEND, O_DSYNC). A file can be mapped with sim_mmap()
 * (MAP_SHARED or MAP_PRIVATE). sim_fsync() of a file writes its cache back
 * and commits the metadata: what was fsync'd survives an unmount, a crash
 * or a kill of the process on a `file` disk. sim_umount() writes everything
 * back; -EBUSY while a file is open or mapped. sim_ftruncate(): -EINVAL for
 * a negative length or a file not open for writing, -EFBIG above the
 * maximum file size (1 TiB). Errors of sim_mkfs(): -ENODEV (fstype),
 * -ENOENT (disk), -EINVAL; of sim_mount(): -EINVAL (not a simfs, bad
 * option), -EBUSY (directory in use), -EUCLEAN (corrupt metadata).
 */
int sim_mkfs(const char *dev, const char *fstype, const char *opts);
int sim_mount(const char *dev, const char *dir, const char *opts);
int sim_umount(const char *dir);
int sim_unlink(const char *path);
int sim_ftruncate(int fd, off_t len);

/*
 * Pipes and splice (fs/pipe.c, fs/splice.c). sim_pipe(): fds[0] reads,
 * fds[1] writes; 16 page buffers, each holding a page reference (never a
 * pin). sim_splice(): file to pipe, pipe to file or pipe to pipe; an
 * O_DIRECT file is read into fresh pages (direct_splice_read(), no
 * ITER_PIPE); @off_in/@off_out are host pointers, NULL for the file
 * position. sim_vmsplice(): a write end takes FOLL_GET references on the
 * user pages until they are read; a read end copies out. Flags are
 * SPLICE_F_* (include/pinio/pipe_fs_i.h: MOVE 1, NONBLOCK 2, MORE 4, GIFT
 * 8). Errors: len 0 gives 0; neither end a pipe -EINVAL; a full (or
 * empty) pipe with SPLICE_F_NONBLOCK or O_NONBLOCK -EAGAIN; -EBADF,
 * -ESPIPE, -EPIPE, -ENOMEM, or the file's error.
 */
int sim_pipe(int fds[2]);
int sim_pipe2(int fds[2], int flags);
ssize_t sim_splice(int fd_in, off_t *off_in, int fd_out, off_t *off_out,
		   size_t len, unsigned int flags);
ssize_t sim_vmsplice(int fd, const struct iovec *iov, unsigned long nr, unsigned int flags);

/**
 * sim_passthrough() - an SG_IO-like READ (@write false) or WRITE of whole
 * logical blocks at 512-byte @sector, to or from user memory, through the
 * block layer's blk-map: the pages are pinned for the command, or bounced
 * when misaligned to the queue (R-MAP-1).
 * Return: bytes transferred; -EBADF, -ENOTTY (not a disk), -EINVAL (length
 * or sector not block-aligned, past the end, too large for the queue),
 * -EFAULT, -ENOMEM, -EIO.
 */
ssize_t sim_passthrough(int fd, bool write, const struct iovec *iov, int iovcnt,
			uint64_t sector);

/*
 * Asynchronous I/O, io_uring-like: up to @depth reads and writes in flight
 * per ring. sim_aio_create() returns the ring or ERR_PTR(-EINVAL / -ENOMEM).
 * sim_aio_submit() starts one I/O on a file of current: 0, or -EAGAIN (all
 * @depth slots taken until a reap), -EBADF, -EINVAL, -EFAULT; every other
 * result, error or byte count, arrives as a completion. sim_aio_reap()
 * waits for at least @min (clamped to what can still complete), returns
 * up to @max results (bytes or -errno) and their tags, and how many.
 * A reaped I/O holds no pin. sim_aio_destroy() waits for I/O in flight.
 */
struct sim_aio;
struct sim_aio *sim_aio_create(unsigned int depth);
int sim_aio_submit(struct sim_aio *ring, int fd, bool write, unsigned long buf,
		   size_t len, off_t off, uint64_t tag);
int sim_aio_reap(struct sim_aio *ring, unsigned int min, unsigned int max,
		 int64_t *res, uint64_t *tags);
void sim_aio_destroy(struct sim_aio *ring);

/*
 * Registered (fixed) buffers, io_uring's IORING_REGISTER_BUFFERS: each
 * buffer's pages are pinned FOLL_WRITE | FOLL_LONGTERM until unregistered
 * (or the ring is destroyed), and charged to the user's locked memory
 * against current's RLIMIT_MEMLOCK before anything is pinned (scenarios.md
 * §5.3 bad input 32, F2). sim_aio_register_buffers(): 0; -EINVAL (NULL
 * ring or iov, @nr 0 or above SIM_AIO_MAX_REG_BUFFERS); -EFAULT (a buffer
 * of length 0 or above 1 GiB, as io_buffer_validate()); -EOVERFLOW (a
 * buffer whose page-rounded end wraps); -EBUSY (buffers registered
 * already); -ENOMEM (the pages would exceed the limit, or an allocation
 * failed: nothing pinned, nothing charged); -EFAULT (a page cannot be
 * pinned: the pages pinned so far are released). sim_aio_unregister_buffers():
 * 0, -EINVAL (NULL ring), -ENXIO (none registered).
 */
#define SIM_AIO_MAX_REG_BUFFERS	1024
int sim_aio_register_buffers(struct sim_aio *ring, const struct iovec *iov, unsigned int nr);
/*
 * sim_aio_unregister_buffers() quiesces first, as v6.5 does: a fixed I/O
 * submitted after it started is refused, and it sleeps until the fixed
 * I/O in flight has completed before it unpins (so a disk holding such
 * I/O by a fault must be released from another thread).
 */
int sim_aio_unregister_buffers(struct sim_aio *ring);
/*
 * Fixed I/O on a registered buffer, io_uring's READ_FIXED / WRITE_FIXED
 * (io_uring_prep_read_fixed()): @len bytes at file offset @off to or from
 * [@addr, @addr + @len), which must lie inside buffer @buf_index. The
 * file's O_DIRECT path gets an ITER_BVEC over the registered pages and
 * takes no pin or reference per I/O; the buffers stay pinned until the
 * I/O completes, whatever an unregister does meanwhile. Returns 0, or
 * -EINVAL (NULL ring, negative @off), -EFAULT (no buffers, @buf_index
 * out of range, an unregister under way, the range not inside the
 * buffer or wrapping), -EBADF, -EAGAIN; every other result (bytes, or
 * -EINVAL for an I/O misaligned to the device, ...) arrives as a
 * completion, as with sim_aio_submit().
 */
int sim_aio_submit_fixed(struct sim_aio *ring, int fd, bool write, unsigned int buf_index,
			 unsigned long addr, size_t len, off_t off, uint64_t tag);
/* sim_setrlimit_memlock() - set current's RLIMIT_MEMLOCK (bytes). 0, or -ESRCH with no task. */
int sim_setrlimit_memlock(unsigned long bytes);
/* Pages the (single) user has charged as locked memory (registered buffers). */
unsigned long sim_user_locked_pages(void);

/* ---- memory pressure (mm/vmscan.c) ------------------------------------ */

/**
 * sim_reclaim() - reclaim page-cache memory now, as memory pressure does:
 * dirty file folios are written back (@may_writepage), then folios that are
 * clean, unmapped, unpinned and held only by the cache are evicted; a folio
 * that may be DMA-pinned is never touched.
 * @nr_pages: at most this many pages (0: all that can go).
 * Return: pages evicted.
 */
unsigned long sim_reclaim(unsigned long nr_pages, bool may_writepage);
/**
 * sim_set_watermarks() - free-frame watermarks: a page-cache allocation
 * below @low reclaims up to @high. 0, 0: the defaults (1/64 of memory and
 * twice that). Return: 0, -EINVAL (@high < @low, or only one of them 0).
 */
int sim_set_watermarks(unsigned long low, unsigned long high);

/* ---- observing ------------------------------------------------------ */

/**
 * sim_vmstat() - read a counter by its /proc/vmstat name.
 * @name: "nr_foll_pin_acquired", "nr_foll_pin_released", "pgfault", ...
 *
 * Return: the counter's value; 0 for an unknown name.
 */
unsigned long sim_vmstat(const char *name);

/* Visit every counter: name and value. */
void sim_vmstat_foreach(void (*fn)(const char *name, unsigned long val, void *arg), void *arg);

/**
 * sim_check() - run every invariant now.
 *
 * Return: the number of violations found; each is printed with the page,
 * its owner and the last events recorded on it.
 */
long sim_check(void);

/*
 * The leak ledger: what the test runner compares before and after every
 * case. All counts are of live objects; a case must leave them as it found
 * them.
 */
struct sim_ledger {
	long live_folios;	/* folios allocated from the buddy allocator */
	long pins;		/* outstanding FOLL_PIN pins on non-zero folios */
	long zero_refs;		/* sum of _refcount over all zero pages + huge zero */
	long zero_pins;		/* _pincount of the huge zero folio */
	long live_bios;		/* bios allocated and not yet freed */
	long live_mms;		/* mm_structs alive */
	long violations;	/* invariant/DMA violations reported so far */
};
void sim_ledger_read(struct sim_ledger *l);

/* Physical memory facts, for tests and tools. */
unsigned long sim_nr_frames(void);
unsigned long sim_nr_free_frames(void);

#endif /* PINIO_SIM_H */
