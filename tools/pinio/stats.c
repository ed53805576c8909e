// SPDX-License-Identifier: GPL-2.0
/*
 * tools/pinio/stats.c - latency statistics: running moments and a
 * log-linear histogram (see stats.h).
 */
#include "stats.h"

const double lat_percentiles[NR_LAT_PERCENTILES] = {
	1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95, 99.99,
};

void lat_stat_add(struct lat_stat *s, uint64_t v)
{
	double d;

	if (!s->n || v < s->min)
		s->min = v;
	if (v > s->max)
		s->max = v;
	s->n++;
	d = (double)v - s->mean;
	s->mean += d / (double)s->n;
	s->m2 += d * ((double)v - s->mean);
}

void lat_stat_merge(struct lat_stat *dst, const struct lat_stat *src)
{
	double n, d;

	if (!src->n)
		return;
	if (!dst->n) {
		*dst = *src;
		return;
	}
	n = (double)dst->n + (double)src->n;
	d = src->mean - dst->mean;
	dst->m2 += src->m2 + d * d * (double)dst->n * (double)src->n / n;
	dst->mean += d * (double)src->n / n;
	dst->n += src->n;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

/* Newton's square root: the tool links no libm. */
static double stats_sqrt(double x)
{
	double r = x > 1 ? x / 2 : 1;
	int i;

	if (!(x > 0))
		return 0;
	for (i = 0; i < 200; i++) {
		double next = (r + x / r) / 2;

		if (next == r)
			break;
		r = next;
	}
	return r;
}

double lat_stat_stddev(const struct lat_stat *s)
{
	if (s->n < 2)
		return 0;
	return stats_sqrt(s->m2 / (double)(s->n - 1));
}

unsigned int lat_hist_index(uint64_t v)
{
	unsigned int msb, shift;

	if (v < (1ULL << LAT_HIST_BITS))
		return (unsigned int)v;
	msb = 63 - (unsigned int)__builtin_clzll(v);
	shift = msb - LAT_HIST_BITS;
	return ((shift + 1) << LAT_HIST_BITS) +
	       (unsigned int)((v >> shift) - (1ULL << LAT_HIST_BITS));
}

uint64_t lat_hist_value(unsigned int idx)
{
	unsigned int group = idx >> LAT_HIST_BITS, shift;
	uint64_t sub = idx & ((1U << LAT_HIST_BITS) - 1);

	if (!group)
		return sub;
	shift = group - 1;
	return (((1ULL << LAT_HIST_BITS) + sub) << shift) + ((1ULL << shift) >> 1);
}

void lat_hist_add(struct lat_hist *h, uint64_t v)
{
	h->bucket[lat_hist_index(v)]++;
	h->n++;
}

void lat_hist_merge(struct lat_hist *dst, const struct lat_hist *src)
{
	unsigned int i;

	for (i = 0; i < LAT_HIST_NR; i++)
		dst->bucket[i] += src->bucket[i];
	dst->n += src->n;
}

uint64_t lat_hist_percentile(const struct lat_hist *h, double pct)
{
	uint64_t target, seen = 0;
	unsigned int i;
	double x;

	if (!h->n)
		return 0;
	x = pct / 100.0 * (double)h->n;
	target = (uint64_t)x;
	if ((double)target < x)
		target++;
	if (target < 1)
		target = 1;
	if (target > h->n)
		target = h->n;
	for (i = 0; i < LAT_HIST_NR; i++) {
		seen += h->bucket[i];
		if (seen >= target)
			return lat_hist_value(i);
	}
	return lat_hist_value(LAT_HIST_NR - 1);
}

uint64_t lat_hist_count_le(const struct lat_hist *h, uint64_t v)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < LAT_HIST_NR && lat_hist_value(i) <= v; i++)
		n += h->bucket[i];
	return n;
}
