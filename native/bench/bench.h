/*
 * bench.h - what the C floors of the benchmarks share: a clock, the median/p90 line every
 * benchmark script parses, and dying on a failed call with its lnw_err.
 */
#ifndef LNW_BENCH_H
#define LNW_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "lnw.h"

static inline double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static inline int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* "PHASE n=N median_ms=M p90_ms=P"; sorts v. */
static inline void report(const char *phase, double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), bench_cmp);
	printf("%-8s n=%d median_ms=%.3f p90_ms=%.3f\n", phase, n, v[n / 2], v[(n * 9) / 10]);
}

static inline void die(const char *what, const struct lnw_err *err)
{
	fprintf(stderr, "%s: %s: %s\n", what, err->op, err->msg);
	exit(1);
}

#endif
