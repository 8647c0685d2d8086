#include <string.h>
#include "calc.h"

static void rev(char *a, char *b)
{
    while (a < b) { char t = *a; *a++ = *b; *b-- = t; }
}

void reverse_words(char *s)
{
    size_t n = strlen(s);
    if (n == 0) return;
    rev(s, s + n - 1);
    for (char *w = s; *w;) {
        char *e = w;
        while (*e && *e != ' ') e++;
        rev(w, e - 1);
        w = *e ? e + 1 : e;
    }
}

unsigned long fnv1a(const char *s)
{
    unsigned long h = 14695981039346656037UL;
    for (; *s; s++) { h ^= (unsigned char)*s; h *= 1099511628211UL; }
    return h;
}
