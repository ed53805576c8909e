/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench/dio/dio_bench.h - what the pieces of bench/dio_bench share: the
 * result of a case, the timing and checking helpers (bench/dio/common.c)
 * and the cases (the other files of bench/dio/).
 */
#ifndef PINIO_BENCH_DIO_H
#define PINIO_BENCH_DIO_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pinio/mm.h>
#include <pinio/sim.h>

#define ROUNDS		5
#define SECS_4K		0.30	/* per subject per round */
#define SECS_1M		0.30
#define SECS_QD32	0.40
#define SECS_URING	3	/* fio --runtime, and pinio's window */
#define URING_ROUNDS	3

#define RAM_BYTES	(64UL << 20)
#define SEQ_BYTES	(128UL << 20)
#define URING_BYTES	(512UL << 20)
/* mkstemp() template of file_uring_qd32's host file: one per run (ext4 here). */
#define URING_TEMPLATE	"/var/tmp/pinio-bench-uring-XXXXXX"

#define QD	32		/* queue depth of the ring cases */

/* ---- results: one per case, sent from the child through a pipe --------- */

enum { R_FAIL, R_PASS, R_NONE, R_SKIP };

struct result {
	char name[24];
	char goal[40];
	char measured[72];
	char reference[112];
	int status;
};

extern struct result res;	/* the child's */
void res_set(const char *name, const char *goal);

/* ---- helpers (common.c) ------------------------------------------------- */

double now_s(void);
void die(const char *what, long v) __attribute__((noreturn));
uint64_t rnd(void);
double median(const double *v, int n);
double vmin(const double *v, int n);
double vmax(const double *v, int n);
unsigned char *host_store_alloc(size_t bytes);
void boot(size_t mem);
void shutdown_checked(void);
unsigned long user_buf(size_t len, int c);
unsigned char pat(uint64_t off);
void fill_pattern(unsigned char *p, uint64_t off, size_t len);
void sim_disk_fill(int fd, uint64_t bytes);
void check_block(unsigned long buf, uint64_t off);
int host_file_create(const char *path, uint64_t bytes);
int run_cmd(const char *cmd, char *out, size_t outsz);

/* ---- 4 KiB QD1 reads (qd1.c) -------------------------------------------- */

struct qd1 {
	int fd;			/* sim fd, or host fd */
	unsigned long ubuf;	/* sim buffer */
	void *hbuf;		/* host buffer (aligned) */
	uint64_t blocks;	/* 4 KiB blocks on the target */
	bool host;
};

double qd1_run(struct qd1 *q, double secs);
void pinio_qd1_setup(struct qd1 *q);
void pinio_qd1_teardown(struct qd1 *q);
/* N reads; counting (callgrind) covers exactly this function. */
__attribute__((noinline)) void cg_dio_4k(struct qd1 *q, unsigned long n);
/* The same reads of a simfs file, engine @e of simfs_engines[] (why[0]: skipped). */
void simfs_qd1_setup(struct qd1 *q, int e, char *why, size_t whysz);
void simfs_qd1_teardown(struct qd1 *q, int e);

/* ---- simfs files for the O_DIRECT cases (simfs.c) ----------------------- */

/*
 * A simfs on its own `ram` disk @disk, mounted at @mnt with @dio
 * ("dio=iomap" or "dio=legacy"), holding one file of @bytes written with
 * the pattern through O_DIRECT and opened O_DIRECT: *fd. On error *why
 * says why and *fd is -1.
 */
/* The two DIO engines, each with its own disk and mount point. */
struct simfs_engine {
	const char *dio, *disk, *mnt, *name;
};
extern const struct simfs_engine simfs_engines[2];

void simfs_file_setup(const char *disk, const char *mnt, const char *dio, uint64_t bytes,
		      int *fd, char *why, size_t whysz);
void simfs_file_teardown(const char *disk, const char *mnt, int fd);

/* ---- QD32 through the async ring (qd32.c) ------------------------------- */

double qd32_run(int fd, unsigned long bufs, uint64_t blocks, double secs);

/* ---- the cases ---------------------------------------------------------- */

void case_dio_4k_qd1(void);
void case_dio_1m_seq(void);
void case_file_uring_qd32(void);
void case_zero_storm(void);
void case_dma_threads(void);

#endif /* PINIO_BENCH_DIO_H */
