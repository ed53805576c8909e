// SPDX-License-Identifier: GPL-2.0
/*
 * bench/dio/common.c - the helpers of bench/dio_bench: timing, medians,
 * booting, user buffers, the per-block data pattern, host files and
 * shell commands.
 */
#include "bench/dio/dio_bench.h"

struct result res;

void res_set(const char *name, const char *goal)
{
	memset(&res, 0, sizeof(res));
	snprintf(res.name, sizeof(res.name), "%s", name);
	snprintf(res.goal, sizeof(res.goal), "%s", goal);
	res.status = R_NONE;
}

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void die(const char *what, long v)
{
	fprintf(stderr, "dio_bench: %s (%ld)\n", what, v);
	exit(1);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double median(const double *v, int n)
{
	double s[16];

	memcpy(s, v, n * sizeof(double));
	qsort(s, n, sizeof(double), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

double vmin(const double *v, int n)
{
	double m = v[0];
	int i;

	for (i = 1; i < n; i++)
		m = v[i] < m ? v[i] : m;
	return m;
}

double vmax(const double *v, int n)
{
	double m = v[0];
	int i;

	for (i = 1; i < n; i++)
		m = v[i] > m ? v[i] : m;
	return m;
}

/*
 * Host memory laid out like the `ram` disk's store (drivers/block/ram.c):
 * 2 MiB-aligned, advised for transparent huge pages, touched (zeroed) so
 * that no fault lands in a timed loop. @bytes is a multiple of 2 MiB.
 */
unsigned char *host_store_alloc(size_t bytes)
{
	void *p;

	if (posix_memalign(&p, 2UL << 20, bytes))
		die("posix_memalign store", 0);
	madvise(p, bytes, MADV_HUGEPAGE);
	memset(p, 0, bytes);
	return p;
}

void boot(size_t mem)
{
	struct sim_config cfg = { .mem_bytes = mem };

	if (sim_boot(&cfg))
		die("sim_boot", 0);
}

void shutdown_checked(void)
{
	long leaks = sim_shutdown();

	if (leaks)
		die("leaks at shutdown", leaks);
}

/* A touched (faulted-in, small-page) mapping of @len bytes filled with @c. */
unsigned long user_buf(size_t len, int c)
{
	unsigned long a = sim_mmap(0, len, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (IS_ERR_VALUE(a))
		die("sim_mmap", (long)a);
	if (sim_user_memset(a, c, len) != (ssize_t)len)
		die("sim_user_memset", 0);
	return a;
}

/* The byte at disk offset @off: each 4 KiB block has its own value. */
unsigned char pat(uint64_t off)
{
	return (unsigned char)((off >> 12) * 131 + 7);
}

void fill_pattern(unsigned char *p, uint64_t off, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += 4096)
		memset(p + i, pat(off + i), len - i < 4096 ? len - i : 4096);
}

/* Write the whole simulated disk behind @fd with the pattern, 1 MiB at a time. */
void sim_disk_fill(int fd, uint64_t bytes)
{
	size_t chunk = 1UL << 20;
	unsigned long buf = user_buf(chunk, 0);
	unsigned char *host = malloc(chunk);
	uint64_t off;

	if (!host)
		die("malloc", 0);
	for (off = 0; off < bytes; off += chunk) {
		fill_pattern(host, off, chunk);
		if (sim_user_write(buf, host, chunk) != (ssize_t)chunk)
			die("sim_user_write", 0);
		if (sim_pwrite(fd, buf, chunk, off) != (ssize_t)chunk)
			die("sim_pwrite fill", 0);
	}
	free(host);
	sim_munmap(buf, chunk);
}

/* A pinio read of 4 KiB at @off must have brought block @off's pattern. */
void check_block(unsigned long buf, uint64_t off)
{
	unsigned char b[4096];
	int i;

	if (sim_user_read(buf, b, sizeof(b)) != (ssize_t)sizeof(b))
		die("sim_user_read", 0);
	for (i = 0; i < 4096; i++)
		if (b[i] != pat(off))
			die("data mismatch at", (long)off);
}

int host_file_create(const char *path, uint64_t bytes)
{
	size_t chunk = 1UL << 20;
	unsigned char *p = malloc(chunk);
	uint64_t off;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || !p) {
		free(p);
		return -errno;
	}
	for (off = 0; off < bytes; off += chunk) {
		fill_pattern(p, off, chunk);
		if (pwrite(fd, p, chunk, off) != (ssize_t)chunk) {
			free(p);
			close(fd);
			return -EIO;
		}
	}
	free(p);
	fsync(fd);
	close(fd);
	return 0;
}

/* Run a shell command, return its first output line (trimmed) or "". */
int run_cmd(const char *cmd, char *out, size_t outsz)
{
	FILE *f = popen(cmd, "r");
	int st;

	if (out && outsz)
		out[0] = 0;
	if (!f)
		return -1;
	if (out && outsz && fgets(out, outsz, f))
		out[strcspn(out, "\n")] = 0;
	while (fgetc(f) != EOF)
		;
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}
