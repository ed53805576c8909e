// SPDX-License-Identifier: GPL-2.0
/*
 * drivers/block/ram.c - a RAM disk.
 *
 * Models drivers/block/brd.c: the store is host memory allocated on first
 * write (a never-written block reads as zeros), discard zeroes what it
 * covers and gives back whole store chunks, and data is copied for real
 * between page_address() of the bio's pages and the store by the DMA
 * engine's workers.
 *
 * The store is made of 2 MiB chunks, each a 2 MiB-aligned anonymous
 * mapping advised for transparent huge pages. brd allocates 4 KiB pages,
 * but the kernel reaches them through its direct map, which is mapped
 * with huge pages: a 4 KiB store page per host page (the first version
 * here) paid a TLB miss per 4 KiB block that brd does not, and cut a 1 MiB
 * transfer into 256 copies. Now a transfer is one memcpy() per contiguous
 * host segment per chunk. Writers and discards take one of a small array
 * of striped locks, so overlapping I/O is well defined (a copy within a
 * chunk is atomic: the later writer wins). Reads take no lock: each stripe
 * has a sequence count that writers make odd while they change a chunk,
 * and a read that saw it odd or changed copies again (a seqlock, as the
 * kernel's seqcount_t; see ram_read()). A chunk, once allocated, stays
 * mapped until the disk goes: a discard that covers it whole gives its
 * memory back with MADV_DONTNEED instead of unmapping it, so a lockless
 * read never touches an unmapped chunk. Left out: the xarray (a flat table
 * instead), highmem, partitions, the module parameters.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif
#include "drivers/block/dma.h"

#define RAM_LOCKS	64
#define RAM_CHUNK_SHIFT	21
#define RAM_CHUNK_SIZE	(1UL << RAM_CHUNK_SHIFT)
#define RAM_CHUNK_MASK	(RAM_CHUNK_SIZE - 1)

struct ram_disk {
	struct dma_dev dd;
	uint64_t bytes;			/* capacity, rounded up to PAGE_SIZE */
	unsigned long nr_chunks;
	unsigned char **chunks;		/* RAM_CHUNK_SIZE each, NULL until written */
	pthread_mutex_t locks[RAM_LOCKS];
	unsigned int seq[RAM_LOCKS];	/* per stripe: odd while a writer changes a chunk */
};

static struct ram_disk *to_ram(struct dma_dev *dd)
{
	return container_of(dd, struct ram_disk, dd);
}

static pthread_mutex_t *chunk_lock(struct ram_disk *rd, unsigned long c)
{
	return &rd->locks[c % RAM_LOCKS];
}

/* Bytes of chunk @c: RAM_CHUNK_SIZE, less for the last one of a small disk. */
static size_t chunk_bytes(struct ram_disk *rd, unsigned long c)
{
	uint64_t start = (uint64_t)c << RAM_CHUNK_SHIFT;

	return (size_t)min_t(uint64_t, RAM_CHUNK_SIZE, rd->bytes - start);
}

/*
 * A zeroed chunk of @len bytes: an anonymous mapping, 2 MiB-aligned when
 * it is a whole chunk so that one huge page can back it. Memory is only
 * touched (and counted by the host) as it is written.
 */
static unsigned char *chunk_alloc(size_t len)
{
	size_t map = len == RAM_CHUNK_SIZE ? 2 * RAM_CHUNK_SIZE : len;
	unsigned char *p = mmap(NULL, map, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED)
		return NULL;
	if (map == len)
		return p;
	/* Keep the aligned 2 MiB inside the 4 MiB mapping, unmap the rest. */
	a = ((uintptr_t)p + RAM_CHUNK_MASK) & ~(uintptr_t)RAM_CHUNK_MASK;
	if (a > (uintptr_t)p)
		munmap(p, a - (uintptr_t)p);
	if ((uintptr_t)p + map > a + RAM_CHUNK_SIZE)
		munmap((void *)(a + RAM_CHUNK_SIZE), (uintptr_t)p + map - (a + RAM_CHUNK_SIZE));
#ifdef MADV_HUGEPAGE
	madvise((void *)a, RAM_CHUNK_SIZE, MADV_HUGEPAGE);	/* advice: failure is harmless */
#endif
	return (unsigned char *)a;
}

/* Unmap chunk @c: only once no I/O can reach the disk (ram_free()). */
static void chunk_free(struct ram_disk *rd, unsigned long c)
{
	unsigned char *p = rd->chunks[c];

	rd->chunks[c] = NULL;
	if (p)
		munmap(p, chunk_bytes(rd, c));
}

/*
 * Discard chunk @c whole: give its memory back, keep it mapped (lockless
 * reads may be copying from it; they see the sequence count change and
 * copy again). It reads as zeros, as a never-written chunk does.
 */
static void chunk_discard(struct ram_disk *rd, unsigned long c)
{
	unsigned char *p = rd->chunks[c];

	if (p && madvise(p, chunk_bytes(rd, c), MADV_DONTNEED))
		memset(p, 0, chunk_bytes(rd, c));	/* not expected: zero it by hand */
}

/*
 * The stripe's sequence count around a change of a chunk's bytes or
 * pointer; stripe lock held. Odd in between: readers copy again.
 */
static void ram_write_begin(struct ram_disk *rd, unsigned long c)
{
	unsigned int *seq = &rd->seq[c % RAM_LOCKS];

	__atomic_store_n(seq, *seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static void ram_write_end(struct ram_disk *rd, unsigned long c)
{
	unsigned int *seq = &rd->seq[c % RAM_LOCKS];

	__atomic_store_n(seq, *seq + 1, __ATOMIC_RELEASE);
}

/*
 * The data movement itself. The kernel's memcpy() on a CPU with ERMS/FSRM
 * is one `rep movsb` whatever the size. glibc's memcpy() uses `rep movsb`
 * from about 2 KiB up to its rep_movsb_stop_threshold (the L2 size, 1 MiB
 * on the bench machine) and a vector loop from there on, which runs at
 * 60% of the speed of `rep movsb` here (22 vs 37 GB/s for a 1 MiB copy out
 * of a huge-page store): a 1 MiB read aligned to the disk's 2 MiB chunks
 * took that slow path, while a read straddling two chunks (two copies
 * under 1 MiB: every other read of a simfs file) did not. So copies of at
 * least RAM_MOVSB_MIN bytes use `rep movsb` directly when the CPU has
 * ERMS; smaller ones stay with memcpy(), which picks `rep movsb` itself
 * there. Sanitizer builds always call memcpy(), which they check.
 */
#define RAM_MOVSB_MIN	(64UL << 10)

#if defined(__x86_64__) && !PINIO_ASAN && !defined(__SANITIZE_THREAD__)
#define RAM_HAVE_MOVSB	1
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#undef RAM_HAVE_MOVSB
#endif
#endif
#endif

#ifdef RAM_HAVE_MOVSB
#define RAM_CPUID7_EBX_ERMS	(1U << 9)	/* CPUID.(EAX=7,ECX=0):EBX bit 9 */
/* 1: ERMS, use rep movsb for large copies; -1: no; 0: not asked yet. */
static int ram_erms;

static bool ram_use_movsb(void)
{
	int v = __atomic_load_n(&ram_erms, __ATOMIC_RELAXED);

	if (unlikely(!v)) {
		unsigned int a, b, c, d;

		v = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & RAM_CPUID7_EBX_ERMS) ? 1 : -1;
		__atomic_store_n(&ram_erms, v, __ATOMIC_RELAXED);
	}
	return v > 0;
}
#endif

static __noinline void ram_memcpy(void *dst, const void *src, size_t len)
{
#ifdef RAM_HAVE_MOVSB
	if (len >= RAM_MOVSB_MIN && ram_use_movsb()) {
		__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(len) : : "memory");
		return;
	}
#endif
	memcpy(dst, src, len);
}

/* One copy out of chunk @c (zeros if never written). */
static void ram_read_once(struct ram_disk *rd, char *buf, size_t len, unsigned long c, size_t off)
{
	const unsigned char *chunk = __atomic_load_n(&rd->chunks[c], __ATOMIC_RELAXED);

	if (chunk)
		ram_memcpy(buf, chunk + off, len);
	else
		memset(buf, 0, len);
}

/*
 * Lockless reads: no locked read-modify-write (a mutex lock and unlock
 * pair was two of the ~20 of a 4 KiB read). ThreadSanitizer builds take
 * the lock instead: a copy racing a writer's, then thrown away, is what a
 * seqlock does and what TSan reports.
 */
#if defined(__SANITIZE_THREAD__)
#define RAM_LOCKLESS_READ	0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RAM_LOCKLESS_READ	0
#endif
#endif
#ifndef RAM_LOCKLESS_READ
#define RAM_LOCKLESS_READ	1
#endif

/* Tries before a read takes the stripe lock (writers keep changing the chunk). */
#define RAM_READ_TRIES	4

/*
 * Copy @len bytes of chunk @c from @off to @buf: a copy no write overlapped,
 * so all of one write or all of another, never a mix. Without the lock: a
 * copy between two reads of the stripe's sequence count that found it even
 * and unchanged; otherwise (or after RAM_READ_TRIES) under the lock.
 */
static void ram_read(struct ram_disk *rd, char *buf, size_t len, unsigned long c, size_t off)
{
	const unsigned int *seq = &rd->seq[c % RAM_LOCKS];
	int i;

	for (i = 0; RAM_LOCKLESS_READ && i < RAM_READ_TRIES; i++) {
		unsigned int s = __atomic_load_n(seq, __ATOMIC_ACQUIRE);

		if (s & 1)
			continue;
		ram_read_once(rd, buf, len, c, off);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(seq, __ATOMIC_RELAXED) == s)
			return;
	}
	pthread_mutex_lock(chunk_lock(rd, c));
	ram_read_once(rd, buf, len, c, off);
	pthread_mutex_unlock(chunk_lock(rd, c));
}

/* Copy @len bytes between @buf and the store at @pos, within one chunk. */
static int ram_copy(struct ram_disk *rd, bool write, char *buf, size_t len, uint64_t pos)
{
	unsigned long c = (unsigned long)(pos >> RAM_CHUNK_SHIFT);
	size_t off = (size_t)(pos & RAM_CHUNK_MASK);
	int ret = 0;

	if (!write) {
		ram_read(rd, buf, len, c, off);
		return 0;
	}
	pthread_mutex_lock(chunk_lock(rd, c));
	ram_write_begin(rd, c);
	if (!rd->chunks[c])
		__atomic_store_n(&rd->chunks[c], chunk_alloc(chunk_bytes(rd, c)), __ATOMIC_RELAXED);
	if (rd->chunks[c])
		ram_memcpy(rd->chunks[c] + off, buf, len);
	else
		ret = -ENOMEM;
	ram_write_end(rd, c);
	pthread_mutex_unlock(chunk_lock(rd, c));
	return ret;
}

/* One copy per host segment and chunk: a 1 MiB read of contiguous memory is one memcpy(). */
static ssize_t ram_rw(struct dma_dev *dd, bool write, const struct iovec *iov, int cnt,
		      uint64_t pos, blk_opf_t opf)
{
	struct ram_disk *rd = to_ram(dd);
	ssize_t done = 0;
	int i;

	for (i = 0; i < cnt; i++) {
		char *buf = iov[i].iov_base;
		size_t left = iov[i].iov_len;

		while (left) {
			size_t n = min_t(size_t, left, RAM_CHUNK_SIZE - (pos & RAM_CHUNK_MASK));
			int err = ram_copy(rd, write, buf, n, pos);

			if (err)
				return done ? done : err;
			buf += n;
			left -= n;
			pos += n;
			done += (ssize_t)n;
		}
	}
	return done;
}

/* Zero what the range covers in each chunk; a chunk covered whole gives its memory back. */
static int ram_discard(struct dma_dev *dd, uint64_t pos, uint64_t len, bool zeroes)
{
	struct ram_disk *rd = to_ram(dd);

	while (len) {
		unsigned long c = (unsigned long)(pos >> RAM_CHUNK_SHIFT);
		size_t off = (size_t)(pos & RAM_CHUNK_MASK);
		size_t n = (size_t)min_t(uint64_t, len, RAM_CHUNK_SIZE - off);

		pthread_mutex_lock(chunk_lock(rd, c));
		ram_write_begin(rd, c);
		if (!off && n >= chunk_bytes(rd, c))
			chunk_discard(rd, c);
		else if (rd->chunks[c])
			memset(rd->chunks[c] + off, 0, n);
		ram_write_end(rd, c);
		pthread_mutex_unlock(chunk_lock(rd, c));
		pos += n;
		len -= n;
	}
	return 0;
}

static void ram_free(struct dma_dev *dd)
{
	struct ram_disk *rd = to_ram(dd);
	unsigned long c;
	int i;

	for (c = 0; c < rd->nr_chunks; c++)
		chunk_free(rd, c);
	for (i = 0; i < RAM_LOCKS; i++)
		pthread_mutex_destroy(&rd->locks[i]);
	free(rd->chunks);
	free(rd);
}

static const struct dma_ops ram_dma_ops = {
	.rw = ram_rw,
	.discard = ram_discard,
	.free = ram_free,
};

/*
 * Start pulling the first RAM_PREFETCH_BYTES of a read's store range into
 * the cache when the bio arrives (the hardware prefetcher carries on from
 * there: 2 KiB did as well as the whole 4 KiB block in an A/B), the way a device starts fetching when it
 * gets the command, so that the DRAM latency of a cold block overlaps the
 * DMA engine's request setup and page checks instead of adding to the copy.
 * Prefetches never fault, and they change no data: a chunk pointer read
 * here may be stale (a concurrent first write) and then only the hint is
 * wasted. Larger reads are left to the hardware prefetcher.
 */
#define RAM_PREFETCH_BYTES	2048UL

static void ram_prefetch(struct ram_disk *rd, uint64_t pos, unsigned int size)
{
	unsigned long c = (unsigned long)(pos >> RAM_CHUNK_SHIFT);
	size_t off = (size_t)(pos & RAM_CHUNK_MASK), n, i;
	const unsigned char *chunk;

	if (c >= rd->nr_chunks)
		return;
	chunk = __atomic_load_n(&rd->chunks[c], __ATOMIC_RELAXED);
	if (!chunk)
		return;
	n = min_t(size_t, min_t(size_t, size, RAM_PREFETCH_BYTES), RAM_CHUNK_SIZE - off);
	chunk += off;
	/* Eight 64-byte lines per sector (n is whole sectors): few instructions. */
	for (i = 0; i < n; i += SECTOR_SIZE) {
		__builtin_prefetch(chunk + i, 0, 3);
		__builtin_prefetch(chunk + i + 64, 0, 3);
		__builtin_prefetch(chunk + i + 128, 0, 3);
		__builtin_prefetch(chunk + i + 192, 0, 3);
		__builtin_prefetch(chunk + i + 256, 0, 3);
		__builtin_prefetch(chunk + i + 320, 0, 3);
		__builtin_prefetch(chunk + i + 384, 0, 3);
		__builtin_prefetch(chunk + i + 448, 0, 3);
	}
}

static void ram_submit_bio(struct bio *bio)
{
	if (bio_op(bio) == REQ_OP_READ)
		ram_prefetch(to_ram(bio->bi_bdev->bd_disk->private_data),
			     bio->bi_iter.bi_sector << SECTOR_SHIFT, bio->bi_iter.bi_size);
	dma_submit_bio(bio);
}

static const struct block_device_operations ram_fops = {
	.name = "ram",
	.submit_bio = ram_submit_bio,
	.free_disk = dma_disk_free,
};

/**
 * sim_ramdisk_create() - create /dev/NAME, a RAM disk of @bytes.
 * @name: NAME.
 * @bytes: capacity, a multiple of @lbs.
 * @lbs: logical block size (0: 512).
 *
 * Host memory for the store is allocated as blocks are written; none of
 * it comes from the simulated machine's memory.
 *
 * Return: 0, -EINVAL, -EEXIST, -ENOMEM.
 */
int sim_ramdisk_create(const char *name, uint64_t bytes, unsigned int lbs)
{
	struct queue_limits lim;
	struct ram_disk *rd;
	int err, i;

	err = sim_disk_check_geometry(name, bytes, &lbs);
	if (err)
		return err;
	rd = calloc(1, sizeof(*rd));
	if (!rd)
		return -ENOMEM;
	rd->bytes = ALIGN(bytes, (uint64_t)PAGE_SIZE);
	rd->nr_chunks = (unsigned long)DIV_ROUND_UP(rd->bytes, RAM_CHUNK_SIZE);
	rd->chunks = calloc(rd->nr_chunks, sizeof(*rd->chunks));
	if (!rd->chunks) {
		free(rd);
		return -ENOMEM;
	}
	for (i = 0; i < RAM_LOCKS; i++)
		pthread_mutex_init(&rd->locks[i], NULL);
	rd->dd.ops = &ram_dma_ops;
	sim_disk_default_limits(&lim, lbs);
	return dma_disk_add(&rd->dd, name, &ram_fops, &lim, bytes);
}
