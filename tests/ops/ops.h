/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/ops/ops.h - the operation language of the stateful random tests
 * and of the fuzz_ops fuzzer: fixed-size op records, an interpreter that
 * runs them on a freshly booted machine and checks every result against a
 * reference model, a seeded generator, shrinking, and a replayable text
 * form (scenarios.md §4 items 1-2, §5.1 I1-I9, conventions 7.7).
 *
 * No kernel twin; the closest relatives are syzkaller programs and
 * mimalloc's fuzz records. Nothing here depends on the KUnit runner, so
 * fuzzers link it too. An op names its task, mapping and pin set by index
 * modulo what exists when it runs, so any sequence (a shrunk one, or fuzz
 * bytes) is meaningful. Each op clamps its fields with `%`; some flag bits
 * ask for a bad input on purpose, and then the interpreter checks the errno.
 */
#ifndef PINIO_TESTS_OPS_H
#define PINIO_TESTS_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <pinio/sim.h>

/*
 * The opcodes. Keep the numbers stable: fuzz inputs decode a byte modulo
 * OPS_NR_OPS and text files use the names. Block-layer ops (O_DIRECT
 * read/write, async submit/complete, device faults) go after OPS_DMA_READ.
 */
enum ops_opcode {
	OPS_NOP,
	OPS_MMAP,	/* flags: OPS_MMAP_*; len: size class; arg: prot, offset */
	OPS_MUNMAP,	/* range of a mapping */
	OPS_READ,	/* touch-read a byte range: sim_user_read() */
	OPS_WRITE,	/* touch-write a byte range with a pattern */
	OPS_GET,	/* FOLL_GET a page range into a new held set */
	OPS_PIN,	/* FOLL_PIN a page range into a new held set */
	OPS_UNPIN,	/* unpin one held pin set */
	OPS_PUT,	/* put_page() one held get set */
	OPS_FORK,	/* fork the task */
	OPS_EXIT,	/* exit the task (never the last one) */
	OPS_MPROTECT,	/* arg: prot */
	OPS_MADVISE,	/* arg: advice */
	OPS_DMA_WRITE,	/* a device writes into the pages of a held R/W pin set */
	OPS_DMA_READ,	/* a device reads a held pin set: must see the user's bytes */
	/* Block and filesystem ops (tests/ops/blk.c); arg bits 24-31 pick the target. */
	OPS_DIO,	/* O_DIRECT pread/pwrite, sync or async (flags: OPS_DIO_*) */
	OPS_BUFRW,	/* buffered pread/pwrite of a simfs file (flags bit 0: write) */
	OPS_FMMAP,	/* map a file, store a pattern through the mapping, unmap */
	OPS_TRUNCATE,	/* ftruncate() a simfs file */
	OPS_SPLICE,	/* splice a file into a pipe, read the pipe into user memory */
	OPS_VMSPLICE,	/* vmsplice user memory into a pipe, splice the pipe into a file */
	OPS_FSYNC,	/* fsync() a target */
	OPS_COMPLETE,	/* complete one in-flight async I/O (its disk's held bios) */
	/*
	 * The end of a sequence inside a longer program (tests/ops/stream.c):
	 * in-flight I/O completes, every set is released, every task but the
	 * first exits and the first unmaps everything; the machine, its
	 * filesystems and their files stay. Never generated inside a
	 * sequence; fuzz bytes do not decode to it.
	 */
	OPS_RESET,
	OPS_NR_OPS,
};

/* Fuzz bytes decode an opcode modulo this (stable: OPS_RESET came later). */
#define OPS_NR_DECODE	OPS_RESET

/* Flag bits shared by the range ops. */
#define OPS_F_BAD	0x80	/* a deliberately bad input: arg picks which */

/* OPS_MMAP */
#define OPS_MMAP_SHARED		0x01	/* MAP_SHARED|MAP_ANONYMOUS (shmem) */
#define OPS_MMAP_THP		0x02	/* 2 MiB or more: THP-eligible */
#define OPS_MMAP_POPULATE	0x04
#define OPS_MMAP_FIXED		0x08	/* MAP_FIXED over a part of an existing mapping */

/* OPS_READ / OPS_WRITE */
#define OPS_RW_SUBPAGE		0x01	/* start and end inside pages */
#define OPS_RW_RAMP		0x02	/* write pattern+i, not one byte (memset) */

/* OPS_GET / OPS_PIN */
#define OPS_GUP_FAST		0x01	/* *_fast(); else the slow path */
#define OPS_GUP_WRITE		0x02	/* FOLL_WRITE */
#define OPS_GUP_LONGTERM	0x04	/* FOLL_LONGTERM (pins only) */
#define OPS_GUP_BIG		0x08	/* up to 600 pages, else up to 64 */
#define OPS_GUP_LOCKED		0x10	/* slow path with mmap_lock held by the caller */

/* OPS_DIO */
#define OPS_DIO_WRITE		0x01	/* pwrite (memory to device), else pread */
#define OPS_DIO_ASYNC		0x02	/* sim_aio_submit(), held in flight until OPS_COMPLETE */
#define OPS_DIO_FAULT		0x04	/* sync, with a device fault on its first bio */

/* OPS_FMMAP */
#define OPS_FMMAP_PRIVATE	0x01	/* MAP_PRIVATE: the file must not change */

/* OPS_UNPIN */
#define OPS_UNPIN_DIRTY		0x01	/* unpin_user_pages_dirty_lock(.., true) */
#define OPS_UNPIN_ONE_BY_ONE	0x02	/* unpin_user_page() per entry */

/**
 * struct ops_op - one operation, 12 bytes.
 * @op: enum ops_opcode.
 * @task: which live task runs it (modulo the live tasks).
 * @idx: which mapping of the task, or which held set (modulo).
 * @flags: op-specific OPS_* bits.
 * @len: length class (pages, clamped per op).
 * @arg: offset, pattern, prot or advice (clamped per op).
 */
struct ops_op {
	uint8_t op;
	uint8_t task;
	uint8_t idx;
	uint8_t flags;
	uint16_t len;
	uint16_t pad;
	uint32_t arg;
};

/* Fuzz inputs: this many bytes per op record (op, task, idx, flags, len, arg). */
#define OPS_RECORD_BYTES	10
#define OPS_MAX_SEQ		200	/* ops per generated sequence */
#define OPS_MAX_LOAD		4096	/* ops per fuzz input (and per generated program, by default) */
#define OPS_MAX_FILE		(1 << 20)	/* ops per loaded text file */

/**
 * struct ops_prof - where a run's time went (struct ops_config @prof).
 * @n: ops run, by opcode.
 * @skipped: of those, ops that did nothing.
 * @ns: wall time per opcode: the op, its own checks and the balances after it.
 * @sweep_ns: the check_every/verify_every sweeps, and those of reset ops.
 * @sweeps: how many sweeps.
 * @boot_ns: sim_boot() and the run's set-up.
 * @end_ns: the final checks, releasing, the block targets' teardown and
 *	sim_shutdown().
 */
struct ops_prof {
	unsigned long n[OPS_NR_OPS];
	unsigned long skipped[OPS_NR_OPS];
	double ns[OPS_NR_OPS];
	double sweep_ns;
	unsigned long sweeps;
	double boot_ns;
	double end_ns;
};

/**
 * struct ops_config - the machine a sequence runs on, and how often to check.
 * @mem_bytes: simulated memory (sim_boot()).
 * @zero_pages: coloured zero pages: 1 or 8.
 * @thp: THP on.
 * @profile: behaviour profile; the generator uses SIM_PROFILE_V6_5.
 * @check_every: run sim_check() and the I1/I4 pin checks every N ops (0: never
 *	mid-run; always at the end).
 * @verify_every: compare every mapped page with the model every N ops
 *	(0: only at the end). The pages an op touches are compared after
 *	that op whatever this says.
 * @quiet: no diagnostics on stderr (shrinking re-runs).
 * @trace: print each op, and whether it did nothing, on stderr.
 * @after_op: tests of the oracle itself: called after op @index ran (on the
 *	machine and the model), before its checks, with @hook_arg.
 * @prof: when set, ops_run() adds its per-opcode counts and times here.
 * @fresh_memory: boot on fresh (zeroed) host memory, as the first boot of
 *	a process does. Later boots reuse the memory of earlier ones, and a
 *	frame not yet handed out holds an earlier boot's bytes (mm/page_alloc.c),
 *	so a bug that exposes them fails or not depending on what ran before;
 *	replays of saved files and shrinking use this to be independent of it.
 * @no_page_poison: boot without page poisoning (sim_config.no_page_poison):
 *	for the benchmark's poison=off pass only; tests keep it false.
 */
struct ops_config {
	size_t mem_bytes;
	unsigned int zero_pages;
	bool thp;
	enum sim_profile profile;
	unsigned int check_every;
	unsigned int verify_every;
	bool quiet;
	bool trace;
	void (*after_op)(const struct ops_op *op, long index, void *hook_arg);
	void *hook_arg;
	struct ops_prof *prof;
	bool fresh_memory;
	bool no_page_poison;
};

/**
 * struct ops_result - how a run went.
 * @failed: a check failed (or boot/shutdown did).
 * @failed_at: index of the op that failed; -1 before the first op, @nr_ops
 *	for the final checks and shutdown.
 * @kind: short, stable failure class ("data", "gup", "vmstat", ...), used by
 *	shrinking to keep the same failure.
 * @msg: what went wrong.
 * @ops_run: ops executed (including skipped no-ops).
 * @ops_skipped: ops that did nothing (nothing to act on, or over budget).
 * @oom: not a failure: the machine was out of memory when a check failed
 *	(the model does not predict OOM); the run stopped there and only
 *	the leak check at shutdown counted.
 */
struct ops_result {
	bool failed;
	bool oom;
	long failed_at;
	char kind[24];
	char msg[512];
	unsigned long ops_run;
	unsigned long ops_skipped;
};

extern const char *const ops_names[OPS_NR_OPS];

/* Boot a machine per @cfg, run @ops[0..n), check, shut down. 0 or -1 (see @res). */
int ops_run(const struct ops_config *cfg, const struct ops_op *ops, size_t n,
	    struct ops_result *res);

/* The default configuration for @seed: 64 MiB, thp and colours from the seed. */
void ops_config_from_seed(uint64_t seed, struct ops_config *cfg);
/* Fill @ops with 1..@max ops generated from @seed; returns how many. */
size_t ops_generate(uint64_t seed, struct ops_op *ops, size_t max);
/* A 64-bit mix of @a and @b (splitmix64): per-sequence seeds. */
uint64_t ops_seed_mix(uint64_t a, uint64_t b);

/*
 * Shrink a failing sequence: drop what follows the failing op, delete
 * chunks of ops (halving their size down to single ops) while it still
 * fails with the same kind, then try plainer values for each field. @ops
 * is rewritten; returns the new length. @budget caps the re-runs (0: no
 * cap).
 */
size_t ops_shrink(const struct ops_config *cfg, struct ops_op *ops, size_t n,
		  const char *kind, unsigned long budget);

/* Decode fuzz bytes: the first byte picks thp/colours, then records. */
size_t ops_decode(const uint8_t *data, size_t size, struct ops_config *cfg,
		  struct ops_op *ops, size_t max);

/* The inverse of ops_decode() (seed corpora): bytes written, at most @size. */
size_t ops_encode(const struct ops_config *cfg, const struct ops_op *ops, size_t n,
		  uint8_t *buf, size_t size);

/* Text form: a "config" line, then one op per line; '#' starts a comment. */
void ops_write_text(FILE *f, const struct ops_config *cfg, const struct ops_op *ops,
		    size_t n, const char *comment);
/* Format one op as a line (no newline). */
void ops_format_op(const struct ops_op *op, char *buf, size_t size);
/*
 * Parse @path; on success *@ops is malloc'ed (free() it) and 0 is returned;
 * -errno on I/O errors, -EINVAL with @err filled on a syntax error.
 */
int ops_load_file(const char *path, struct ops_config *cfg, struct ops_op **ops,
		  size_t *n, char *err, size_t errsize);
int ops_parse_text(const char *text, struct ops_config *cfg, struct ops_op **ops,
		   size_t *n, char *err, size_t errsize);

/* Totals since the program started, for the throughput line. */
struct ops_stats {
	unsigned long sequences;
	unsigned long ops;
	unsigned long checks;
	unsigned long verifies;
	/* What the runs made the machine do (vmstat, summed at each shutdown). */
	unsigned long pins;		/* nr_foll_pin_acquired */
	unsigned long zero_pins;	/* pinio_zero_page_pins */
	unsigned long thp_faults;	/* thp_fault_alloc */
	unsigned long thp_splits;	/* thp_split_pmd */
	unsigned long cow_faults;	/* pinio_cow_faults */
	unsigned long fork_copies;	/* pinio_fork_copied_pinned (R-COW-2) */
	unsigned long fast_fallbacks;	/* pinio_gup_fast_fallback */
	unsigned long oom_stops;	/* runs stopped by OOM (struct ops_result) */
};
extern struct ops_stats ops_stats;

/*
 * Throughput mode (tests/ops/stream.c): generated sequences concatenated
 * into programs of @program_ops ops, each program on one booted machine,
 * everything compared with the model and sim_check() every @check_every
 * ops and at the end (see there for how a failure is pinned down, shrunk
 * and saved).
 */
#define OPS_STREAM_PROGRAM_OPS	20000
#define OPS_STREAM_SHOWN	64

/**
 * struct ops_stream_config - a throughput run.
 * @seed: program p is made from ops_seed_mix(@seed, p).
 * @program_ops: ops per program (0: OPS_STREAM_PROGRAM_OPS).
 * @check_every: the sweeps' spacing (1000 for the issue-7 goal).
 * @seconds: run programs until this much time has passed; 0: @programs.
 * @programs: how many programs when @seconds is 0.
 * @mm_only: drop the generator's block and filesystem ops (ops_is_blk_op()).
 * @quiet: no diagnostics from the machine on stderr.
 * @no_shrink: on failure, save the per-op window without shrinking it.
 * @just_stop: on failure, only record it (@res): no re-run, no file.
 * @shrink_budget: cap on ops_shrink()'s re-runs (0: none).
 * @save_dir: where the failing program goes (default $TMPDIR or /tmp).
 * @no_page_poison: boot every program without page poisoning (the
 *	benchmark's poison=off pass; struct ops_config @no_page_poison).
 * @after_op, @hook_arg: tests of the pipeline itself: set in every run's
 *	struct ops_config (the re-runs, the shrinking, the saved file's replay).
 */
struct ops_stream_config {
	uint64_t seed;
	size_t program_ops;
	unsigned int check_every;
	double seconds;
	unsigned long programs;
	bool mm_only;
	bool quiet;
	bool no_shrink;
	bool just_stop;
	unsigned long shrink_budget;
	const char *save_dir;
	bool no_page_poison;
	void (*after_op)(const struct ops_op *op, long index, void *hook_arg);
	void *hook_arg;
};

/**
 * struct ops_stream_result - what a throughput run did.
 * @programs: programs that ran clean.
 * @sequences: generated sequences in them.
 * @ops: ops run (the failing program's included).
 * @skipped: ops that did nothing.
 * @oom_stops: programs stopped early by OOM (struct ops_result @oom).
 * @secs: wall time, up to the failure (shrinking not included).
 * @cpu_secs: the process's CPU time over the same span (the 2-core machine
 *	is shared: wall time depends on the load, CPU time much less).
 * @prof: per-opcode counts and times, sweeps, boots and ends.
 * @failed: a program failed; the rest describes it.
 * @program: index of the failing program (of the last one otherwise).
 * @res: the failure as the sweeps saw it.
 * @per_op: the window (ops up to the failing sweep) re-run with every check
 *	after every op; @per_op_found: it failed there too.
 * @kind: the failure kind that shrinking kept.
 * @window: ops up to the sweep that failed.
 * @shrunk: ops in the shrunk sequence (the first OPS_STREAM_SHOWN in @shown).
 * @shrink_cfg: the configuration it was shrunk and saved with.
 * @path: the saved text file ("" when it could not be written).
 * @replay_fails: @path, loaded with ops_load_file() and run, fails with @kind.
 * @needs_history: it fails on reused host memory only (see struct
 *	ops_config @fresh_memory); else everything ran on fresh memory.
 */
struct ops_stream_result {
	unsigned long programs;
	unsigned long sequences;
	unsigned long ops;
	unsigned long skipped;
	unsigned long oom_stops;
	double secs;
	double cpu_secs;
	struct ops_prof prof;
	bool failed;
	unsigned long program;
	struct ops_result res;
	struct ops_result per_op;
	bool per_op_found;
	char kind[24];
	size_t window;
	size_t shrunk;
	struct ops_op shown[OPS_STREAM_SHOWN];
	struct ops_config shrink_cfg;
	char path[256];
	bool replay_fails;
	bool needs_history;
};

/* Run programs per @sc; 0, or -1 on a failure (then shrunk and saved, see @r). */
int ops_stream_run(const struct ops_stream_config *sc, struct ops_stream_result *r);
/* Make program @index of @sc (as ops_stream_run() does): its ops, config and sequences. */
size_t ops_stream_program(const struct ops_stream_config *sc, unsigned long index,
			  struct ops_config *cfg, struct ops_op *ops, size_t max,
			  unsigned long *nseq);
/* A block or filesystem op (tests/ops/blk.c), not a memory one. */
bool ops_is_blk_op(unsigned int code);

/* The sequence being run (for crash handlers): NULL when none. */
extern const struct ops_config *ops_current_cfg;
extern const struct ops_op *ops_current_seq;
extern size_t ops_current_len;
extern long ops_current_op;

#endif /* PINIO_TESTS_OPS_H */
