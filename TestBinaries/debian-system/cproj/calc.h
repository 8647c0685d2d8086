#ifndef CALC_H
#define CALC_H
#include <stddef.h>

void sort_longs(long *v, size_t n);
double mean(const long *v, size_t n);
double stddev(const long *v, size_t n);
void reverse_words(char *s);
unsigned long fnv1a(const char *s);

#endif
