#include <math.h>
#include <stdlib.h>
#include "calc.h"

static int cmp(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

void sort_longs(long *v, size_t n) { qsort(v, n, sizeof *v, cmp); }

double mean(const long *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (double)v[i];
    return n ? s / (double)n : 0;
}

double stddev(const long *v, size_t n)
{
    double m = mean(v, n), s = 0;
    for (size_t i = 0; i < n; i++) s += ((double)v[i] - m) * ((double)v[i] - m);
    return n ? sqrt(s / (double)n) : 0;
}
