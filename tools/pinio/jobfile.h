/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tools/pinio/jobfile.h - `pinio run`'s options and fio job files.
 *
 * A pure module: it parses and checks, and never calls the simulation, so
 * that a fuzzer can drive it. fio's syntax and meaning for the job options
 * it knows (name, [global] and job sections, filename, rw, rwmixread, bs,
 * size, offset, direct, ioengine, iodepth, fixedbufs, numjobs,
 * group_reporting, runtime, time_based, ramp_time, randseed, verify);
 * pinio's own options
 * (--device, --fs, --engine, --buffer, --profile, --dma, --mem,
 * --zero-colours, --output-format, --lbs) on the command line only.
 * docs/cli.md documents every option.
 *
 * Every parse or check error fills @err with one line naming the problem
 * (no "pinio: " prefix, no newline) and returns -1; the caller prints it
 * and exits 2.
 */
#ifndef PINIO_TOOL_JOBFILE_H
#define PINIO_TOOL_JOBFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JOB_NAME_MAX		64
#define JOB_PATH_MAX		256
#define JOB_MAX_SECTIONS	64	/* jobs named in files and with --name */
#define JOB_MAX_NUMJOBS		64	/* clones of one job */
#define JOB_MAX_THREADS		128	/* clones of all jobs together */
#define JOB_MAX_IODEPTH		1024
#define JOB_MAX_BS		(16U << 20)
/* What fixedbufs may register in all: the simulation's RLIMIT_MEMLOCK. */
#define JOB_MEMLOCK_BYTES	(8ULL << 20)

enum job_rw {
	JOB_RW_READ,
	JOB_RW_WRITE,
	JOB_RW_RANDREAD,
	JOB_RW_RANDWRITE,
	JOB_RW_RW,		/* rw, readwrite: sequential mix */
	JOB_RW_RANDRW,		/* random mix, rwmixread percent reads */
};

enum job_ioengine {
	JOB_IOENGINE_PSYNC,	/* sim_pread/sim_pwrite */
	JOB_IOENGINE_PVSYNC,	/* sim_preadv/sim_pwritev, one iovec */
	JOB_IOENGINE_LIBAIO,	/* the async ring */
	JOB_IOENGINE_IO_URING,	/* the async ring */
};

enum job_verify {
	JOB_VERIFY_NONE,
	JOB_VERIFY_CRC32C,	/* crc32c of each block, in the block's header */
};

/* One job section (or --name): what fio calls a job before cloning. */
struct job {
	char name[JOB_NAME_MAX];
	char filename[JOB_PATH_MAX];	/* "": the --device */
	enum job_rw rw;
	unsigned int rwmixread;		/* percent of reads in rw/randrw */
	uint64_t bs;
	uint64_t size;			/* bytes; 0: to the device's end */
	unsigned int size_pct;		/* size=N%: percent of the device; 0 unused */
	uint64_t offset;
	unsigned int offset_pct;	/* offset=N% */
	bool direct;
	enum job_ioengine ioengine;
	unsigned int iodepth;
	bool fixedbufs;			/* io_uring: register the buffer, READ/WRITE_FIXED */
	unsigned int numjobs;
	bool group_reporting;
	bool time_based;
	uint64_t runtime_ns;		/* 0: no time limit */
	uint64_t ramp_ns;
	uint64_t randseed;
	enum job_verify verify;
};

/* The jobs of a run, in the order they were defined. */
struct job_list {
	struct job *jobs;
	unsigned int nr;
	unsigned int cap;
};

enum run_dev_kind { RUN_DEV_RAM, RUN_DEV_NULL, RUN_DEV_FILE };
enum run_fs { RUN_FS_NONE, RUN_FS_SIMFS };
enum run_engine { RUN_ENGINE_RAW, RUN_ENGINE_PASSTHROUGH, RUN_ENGINE_IOMAP, RUN_ENGINE_LEGACY };
enum run_buffer { RUN_BUFFER_ANON, RUN_BUFFER_UNTOUCHED, RUN_BUFFER_SHARED, RUN_BUFFER_THP,
		  RUN_BUFFER_FILE_MMAP };

#define RUN_MOUNT_DIR		"/mnt"
#define RUN_SIMFS_NAME_MAX	63	/* bytes of a simfs file name */
/* Bytes simfs keeps for itself: superblock and two 256 KiB metadata areas. */
#define RUN_SIMFS_RESERVE	(1ULL << 20)
/* The size of the default job's file when it runs on simfs. */
#define RUN_DEFAULT_SIMFS_SIZE	(64ULL << 20)
enum run_profile { RUN_PROFILE_V6_5, RUN_PROFILE_V6_4, RUN_PROFILE_V21 };
enum run_format { RUN_FORMAT_NORMAL, RUN_FORMAT_JSON };

/* pinio's own options: the machine and the device the jobs run on. */
struct run_opts {
	enum run_dev_kind dev_kind;
	uint64_t dev_bytes;		/* ram, null; a file's size is found by run.c */
	char dev_path[JOB_PATH_MAX];	/* file: the host file */
	char dev_backend[16];		/* file: "psync" or "io_uring" */
	bool dev_host_direct;		/* file: ",direct" (host O_DIRECT) */
	enum run_fs fs;
	unsigned int fs_bs;		/* simfs block size (mkfs bs=), default 4096 */
	bool fs_set;			/* --fs given */
	enum run_engine engine;
	bool engine_set;		/* --engine given */
	enum run_buffer buffer;
	enum run_profile profile;
	int dma_threads;		/* -1: the machine's default; 0: inline */
	uint64_t mem_bytes;
	unsigned int zero_colours;
	enum run_format format;
	unsigned int lbs;
	bool help;
	bool version;
	bool default_job;		/* no job named: the built-in default job */
};

/* The device node the run creates for @opts->dev_kind: "/dev/ram0" ... */
const char *run_dev_name(const struct run_opts *opts);	/* "ram0" */
const char *run_dev_kind_name(enum run_dev_kind kind);	/* "ram" */
const char *job_rw_name(enum job_rw rw);
const char *job_ioengine_name(enum job_ioengine e);
const char *job_verify_name(enum job_verify v);
const char *run_engine_name(enum run_engine e);
const char *run_fs_name(enum run_fs fs);

/* Whether @e is a filesystem's direct-I/O engine (iomap, legacy). */
static inline bool run_engine_fs(enum run_engine e)
{
	return e == RUN_ENGINE_IOMAP || e == RUN_ENGINE_LEGACY;
}

/*
 * The file clone @clone_idx of @job runs on with --fs=simfs: its filename,
 * or RUN_MOUNT_DIR "/NAME.N" when it has none. 0, or -1 when too long.
 */
int job_file_path(const struct job *job, unsigned int clone_idx, char *buf, size_t size);
/* The file a --buffer=file-mmap clone maps: RUN_MOUNT_DIR "/.buf.J.N". */
void job_buffer_file_path(unsigned int job_idx, unsigned int clone_idx, char *buf, size_t size);
const char *run_buffer_name(enum run_buffer b);
const char *run_profile_name(enum run_profile p);

static inline bool job_rw_reads(enum job_rw rw)
{
	return rw != JOB_RW_WRITE && rw != JOB_RW_RANDWRITE;
}

static inline bool job_rw_writes(enum job_rw rw)
{
	return rw != JOB_RW_READ && rw != JOB_RW_RANDREAD;
}

static inline bool job_rw_random(enum job_rw rw)
{
	return rw == JOB_RW_RANDREAD || rw == JOB_RW_RANDWRITE || rw == JOB_RW_RANDRW;
}

static inline bool job_ioengine_async(enum job_ioengine e)
{
	return e == JOB_IOENGINE_LIBAIO || e == JOB_IOENGINE_IO_URING;
}

/*
 * Whether the clones of @job share one file (the device, or a filename on
 * simfs), so that verifying clones split it into slices; on simfs a job
 * without a filename gives each clone its own file.
 */
static inline bool job_clones_share_file(const struct run_opts *opts, const struct job *job)
{
	return opts->fs == RUN_FS_NONE || job->filename[0];
}

/* fio's defaults for a job nobody configured (pinio: direct=1). */
void job_init_defaults(struct job *job);
/* The job `pinio run` runs with no job given: 4 KiB randrw with verify... */
void job_init_builtin(struct job *job);
void run_opts_init(struct run_opts *opts);

void job_list_init(struct job_list *list);
void job_list_free(struct job_list *list);

/*
 * Values. fio's units: sizes take k, m, g, t, p (with optional "b" or
 * "ib"), all powers of 1024, any case, or a "0x" hex number; times take
 * us, ms, s, m, h, d and default to seconds. Return 0 or -1.
 */
int job_parse_size(const char *s, uint64_t *out);
int job_parse_time_ns(const char *s, uint64_t *out);
/* A plain decimal number: digits only (no sign, space or unit), at most @max. */
int job_parse_u64(const char *s, uint64_t max, uint64_t *out);

/**
 * job_set_option() - apply one fio job option to @job.
 * @key, @val: "bs", "4k"; @val is NULL for a bare option ("time_based").
 *
 * Return: 0, or -1 with @err set (unknown option, bad value).
 */
int job_set_option(struct job *job, const char *key, const char *val, char *err, size_t errlen);

/**
 * jobfile_parse_string() - parse a job file's text, appending its jobs.
 * @text: the file, NUL-terminated: [global] and [job] sections of
 *	key=value lines, comments starting with # or ;.
 * @out: jobs are appended; on error, jobs of this text are dropped.
 *
 * Return: 0, or -1 with @err set ("line 3: bad value for bs: ...").
 */
int jobfile_parse_string(const char *text, struct job_list *out, char *err, size_t errlen);

/**
 * job_parse_args() - parse `pinio run`'s arguments.
 * @argc, @argv: argv[0] is "run"; options are --key=value or --key value;
 *	other arguments are job files (read here with stdio).
 * @opts: pinio's own options (initialized here).
 * @out: the jobs, initialized here; the built-in default job when the
 *	arguments name none. Job options before the first --name apply to
 *	every job (as overrides of job-file values); options after a --name
 *	to that job only.
 *
 * Return: 0, or -1 with @err set. --help sets @opts->help and returns 0.
 */
int job_parse_args(int argc, char **argv, struct run_opts *opts, struct job_list *out,
		   char *err, size_t errlen);

/**
 * job_validate() - check the jobs against the options and the device.
 * @dev_bytes: the device's size (for file:PATH, the host file's size
 *	rounded down to the block size).
 *
 * Resolves sizes and offsets (size 0 or N% become bytes; on simfs, of the
 * file the job creates), and refuses what cannot run: a filename that is
 * not the device (or, on simfs, not a file under /mnt), buffered I/O
 * without simfs, an engine that contradicts --fs, bs not a multiple of the logical block size with direct=1, bs
 * larger than size, a region past the device's end, verify on a null
 * device, overlapping regions of two verifying jobs, buffers that do not
 * fit the machine's memory, ...
 *
 * Return: 0, or -1 with @err set.
 */
int job_validate(const struct run_opts *opts, struct job_list *jobs, uint64_t dev_bytes,
		 char *err, size_t errlen);

/* Bytes of simulated memory one clone of @job maps for its buffers. */
uint64_t job_buffer_bytes(const struct run_opts *opts, const struct job *job);

#endif /* PINIO_TOOL_JOBFILE_H */
