/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tools/pinio/stats.h - latency statistics for `pinio run`.
 *
 * A running min/max/mean/variance (Welford, mergeable with Chan's formula)
 * and a log-linear histogram in the manner of fio's: values below 2^6 ns
 * have a bucket each, every power of two above is cut into 64 equal
 * buckets, so a percentile read from it is within 1/64 (1.6 %) of the
 * truth. Pure: no simulation calls.
 */
#ifndef PINIO_TOOL_STATS_H
#define PINIO_TOOL_STATS_H

#include <stdint.h>

#define LAT_HIST_BITS	6
#define LAT_HIST_NR	((64 - LAT_HIST_BITS + 1) << LAT_HIST_BITS)

struct lat_stat {
	uint64_t n;
	uint64_t min;
	uint64_t max;
	double mean;
	double m2;		/* sum of squared differences from the mean */
};

struct lat_hist {
	uint64_t n;
	uint64_t bucket[LAT_HIST_NR];
};

/* The percentiles fio prints by default, and so does pinio. */
#define NR_LAT_PERCENTILES 17
extern const double lat_percentiles[NR_LAT_PERCENTILES];

void lat_stat_add(struct lat_stat *s, uint64_t v);
void lat_stat_merge(struct lat_stat *dst, const struct lat_stat *src);
double lat_stat_stddev(const struct lat_stat *s);

unsigned int lat_hist_index(uint64_t v);
/* The middle of bucket @idx (the value itself below 64). */
uint64_t lat_hist_value(unsigned int idx);
void lat_hist_add(struct lat_hist *h, uint64_t v);
void lat_hist_merge(struct lat_hist *dst, const struct lat_hist *src);
/* The value below which @pct percent of the samples fall; 0 when empty. */
uint64_t lat_hist_percentile(const struct lat_hist *h, double pct);
/* Samples of at most @v (whole buckets: those whose middle is <= @v). */
uint64_t lat_hist_count_le(const struct lat_hist *h, uint64_t v);

#endif /* PINIO_TOOL_STATS_H */
