/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tools/pinio/trace_internal.h - what the files of `pinio trace` share:
 *
 *   trace_cmd.c     options, the command, JSON and text output
 *   trace_record.c  the recorder's start, scenario hooks, capture, lanes
 *   trace_job.c     the tiny built-in O_DIRECT job
 *
 * svg.c draws the struct tr_data that trace_record.c builds (svg.h).
 */
#ifndef PINIO_TOOL_TRACE_INTERNAL_H
#define PINIO_TOOL_TRACE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <pinio/scenario.h>
#include <pinio/sim.h>

#include "jobfile.h"
#include "svg.h"

#define TR_DEFAULT_EVENTS	1000000UL
#define TR_DEFAULT_LANES	32
#define TR_JOB_MAX_BYTES	(16UL << 20)
#define TR_JOB_SLOTS		16

enum tr_format { TR_FMT_AUTO, TR_FMT_SVG, TR_FMT_JSON, TR_FMT_TEXT };
enum tr_buffer { TR_BUF_ANON, TR_BUF_UNTOUCHED, TR_BUF_THP };

struct tr_opts {
	enum sim_profile profile;
	enum tr_format format;
	const char *out;
	unsigned int max_lanes;
	size_t max_events;
	enum tr_buffer buffer;
	const char *job;
	const char *scenario;
};

/* Scenario hooks' state: where to capture, and whether it was done. */
struct tr_hook {
	struct tr_data *d;
	int err;
	bool captured;
};

/* trace_record.c */
int tr_recorder_start(size_t max_events);
void tr_add_step(struct tr_data *d, unsigned int nr, const char *text);
void tr_on_step(struct sim_scenario_ctx *ctx, unsigned int step, const char *text);
void tr_before_shutdown(struct sim_scenario_ctx *ctx);
int tr_capture(struct tr_data *d);
void tr_data_free(struct tr_data *d);

/* trace_job.c */
int tr_job_parse(const char *spec, struct job *job, char *err, size_t errlen);
int tr_job_run(const struct tr_opts *o, const struct job *job, struct tr_data *d);

#endif /* PINIO_TOOL_TRACE_INTERNAL_H */
