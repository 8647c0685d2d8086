#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "calc.h"

int main(int argc, char **argv)
{
    long v[64];
    size_t n = 0;
    for (int i = 1; i < argc && n < 64; i++) v[n++] = strtol(argv[i], NULL, 10);
    sort_longs(v, n);
    printf("sorted:");
    for (size_t i = 0; i < n; i++) printf(" %ld", v[i]);
    printf("\nmean %.3f stddev %.3f\n", mean(v, n), stddev(v, n));
    char words[] = "built by gcc under emulation";
    reverse_words(words);
    printf("%s\nfnv1a %016lx\n", words, fnv1a("swift-qemu-lite"));
    return 0;
}
