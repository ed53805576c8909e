// SPDX-License-Identifier: GPL-2.0
/*
 * tools/pinio/trace_job.c - `pinio trace --job`: a tiny O_DIRECT job,
 * given in `pinio run`'s job option syntax (job_set_option()), run on a
 * fresh machine with a `ram` disk through sim_pread/sim_pwrite or the
 * async ring, with the recorder on; its records are captured before the
 * machine shuts down.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <pinio/mm.h>
#include <pinio/trace.h>

#include "trace_internal.h"

/* Parse "rw=randread bs=4k size=64k" with `pinio run`'s option parser. */
int tr_job_parse(const char *spec, struct job *job, char *err, size_t errlen)
{
	char *copy = strdup(spec), *tok, *save = NULL;
	int ret = 0;

	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	job_init_defaults(job);
	job->size = 64 << 10;
	for (tok = strtok_r(copy, " \t,", &save); tok && !ret; tok = strtok_r(NULL, " \t,", &save)) {
		char *eq = strchr(tok, '=');

		if (eq)
			*eq++ = '\0';
		if (!strcmp(tok, "filename") || !strcmp(tok, "numjobs") || !strcmp(tok, "verify")) {
			snprintf(err, errlen, "%s is not supported by pinio trace's built-in job", tok);
			ret = -1;
		} else {
			ret = job_set_option(job, tok, eq, err, errlen);
		}
	}
	free(copy);
	if (ret)
		return -1;
	if (!job->direct) {
		snprintf(err, errlen, "direct=0: only O_DIRECT I/O is traced (buffered I/O needs simfs)");
		return -1;
	}
	if (!job->size || job->size > TR_JOB_MAX_BYTES) {
		snprintf(err, errlen, "size must be 1 to 16m for a trace (a small run)");
		return -1;
	}
	if (job->bs > job->size || job->bs % 512) {
		snprintf(err, errlen, "bs must be a multiple of 512 no larger than size");
		return -1;
	}
	return 0;
}

static uint64_t tr_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Run @job on a fresh machine, recording; fills @d before shutting down. */
int tr_job_run(const struct tr_opts *o, const struct job *job, struct tr_data *d)
{
	struct sim_config cfg = { .mem_bytes = 64UL << 20, .thp = o->buffer == TR_BUF_THP,
				  .profile = o->profile };
	unsigned int depth = job_ioengine_async(job->ioengine) ? job->iodepth : 1;
	uint64_t nr_ios = job->size / job->bs, i, seed = job->randseed ? job->randseed : 0x9e37;
	/*
	 * fio gives each of the iodepth I/Os its own buffer; here every I/O
	 * gets its own slot, up to TR_JOB_SLOTS of them (or iodepth, if
	 * more), so that the picture shows one page after another rather than
	 * one page reused.
	 */
	unsigned int slots = (unsigned int)max_t(uint64_t, depth,
						 min_t(uint64_t, nr_ios, TR_JOB_SLOTS));
	size_t buf_len = (size_t)slots * job->bs;
	unsigned long map, buf;
	size_t map_len = buf_len + (o->buffer == TR_BUF_THP ? 4UL << 20 : 0);
	struct sim_aio *ring = NULL;
	char err_step[120];
	unsigned int inflight = 0, reads = 0;
	int fd, err, bad = 0;
	long leaks;

	err = sim_boot(&cfg);
	if (err)
		return err;
	err = sim_ramdisk_create("ram0", ALIGN(job->size, 1UL << 20), 512);
	if (err)
		goto out_shutdown;
	fd = sim_open("/dev/ram0", O_RDWR | O_DIRECT, 0);
	if (fd < 0) {
		err = fd;
		goto out_disk;
	}
	map = sim_mmap(0, map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (IS_ERR_VALUE(map)) {
		err = (int)(long)map;
		goto out_close;
	}
	buf = o->buffer == TR_BUF_THP ? ALIGN(map + 1, 2UL << 20) : map;
	if (o->buffer != TR_BUF_THP)
		sim_madvise(map, map_len, MADV_NOHUGEPAGE);
	if (depth > 1) {
		ring = sim_aio_create(depth);
		if (IS_ERR(ring)) {
			err = (int)PTR_ERR(ring);
			goto out_unmap;
		}
	}
	err = tr_recorder_start(o->max_events);
	if (err)
		goto out_ring;
	/* Anonymous buffers are written first, so that their faults are in the trace too. */
	if (o->buffer != TR_BUF_UNTOUCHED) {
		tr_add_step(d, 1, "fill the buffer (write faults)");
		sim_user_memset(buf, 0x6a, buf_len);
	}
	snprintf(err_step, sizeof(err_step), "%llu O_DIRECT %s of %llu bytes, %s",
		 (unsigned long long)nr_ios, job_rw_name(job->rw), (unsigned long long)job->bs,
		 ring ? "async ring" : "synchronous");
	tr_add_step(d, 2, err_step);

	for (i = 0; i < nr_ios; i++) {
		uint64_t off = job_rw_random(job->rw) ? tr_rand(&seed) % nr_ios * job->bs :
			       i * job->bs;
		bool write = !job_rw_reads(job->rw) ||
			     (job_rw_writes(job->rw) && tr_rand(&seed) % 100 >= job->rwmixread);
		unsigned long b = buf + (i % slots) * job->bs;
		ssize_t ret;

		reads += !write;
		if (!ring) {
			ret = write ? sim_pwrite(fd, b, job->bs, (off_t)off) :
				      sim_pread(fd, b, job->bs, (off_t)off);
			bad += ret != (ssize_t)job->bs;
			continue;
		}
		if (inflight == depth) {
			int64_t res;
			uint64_t tag;

			if (sim_aio_reap(ring, 1, 1, &res, &tag) == 1) {
				inflight--;
				bad += res != (int64_t)job->bs;
			}
		}
		if (sim_aio_submit(ring, fd, write, b, job->bs, (off_t)off, i))
			bad++;
		else
			inflight++;
	}
	while (ring && inflight) {
		int64_t res;
		uint64_t tag;

		if (sim_aio_reap(ring, 1, 1, &res, &tag) != 1)
			break;
		inflight--;
		bad += res != (int64_t)job->bs;
	}
	(void)reads;
	err = tr_capture(d);
	if (!err && bad)
		err = -EIO;
out_ring:
	trace_recorder_stop();
	if (ring)
		sim_aio_destroy(ring);
out_unmap:
	sim_munmap(map, map_len);
out_close:
	sim_close(fd);
out_disk:
	sim_disk_destroy("ram0");
out_shutdown:
	leaks = sim_shutdown();
	if (!err && leaks)
		err = -EUCLEAN;
	return err;
}

