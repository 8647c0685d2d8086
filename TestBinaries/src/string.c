/* string.h at every small alignment and with strings that end exactly at
 * the end of a readable page (the next page is PROT_NONE). Optimised
 * libc routines read whole words or vectors; they must never cross into
 * the protected page, and the results must not depend on alignment. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>

static unsigned long checksum;

static void mix(long v)
{
    checksum = checksum * 1000003u + (unsigned long)v;
}

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

static long off(const void *p, const void *base)
{
    return p ? (long)((const char *)p - (const char *)base) : -1;
}

/* Fills with a pattern that has no zero bytes. */
static void pattern(char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (char)('a' + (i * 7 + seed) % 26);
}

static void alignment_sweep(void)
{
    static char src[160], dst[160];
    size_t lens[] = { 0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100 };
    for (unsigned s = 0; s < 16; s++) {
        pattern(src, sizeof src, s);
        for (unsigned d = 0; d < 16; d++) {
            for (unsigned li = 0; li < sizeof lens / sizeof lens[0]; li++) {
                size_t n = lens[li];
                memset(dst, '#', d + n + 8);
                memcpy(dst + d, src + s, n);
                int bad = 0;
                for (size_t i = 0; i < d + n + 8; i++) {
                    char want = (i >= d && i < d + n) ? src[s + i - d] : '#';
                    bad |= dst[i] != want;
                }
                if (bad)
                    printf("memcpy mismatch s=%u d=%u n=%zu\n", s, d, n);
                mix(sign(memcmp(dst + d, src + s, n)));
                memset(dst + d, 'Z', n);
                mix(dst[d + n]);
                mix(n ? dst[d + n - 1] : 0);
            }
        }
    }
    printf("memcpy/memset sweep %lu\n", checksum);
}

static void memmove_sweep(void)
{
    char buf[100], ref[100], tmp[100];
    for (int from = 0; from < 12; from++) {
        for (int to = 0; to < 12; to++) {
            for (int n = 0; n < 80; n += 9) {
                for (int i = 0; i < 100; i++)
                    buf[i] = ref[i] = (char)i;
                memmove(buf + to, buf + from, n);
                for (int i = 0; i < n; i++)
                    tmp[i] = ref[from + i];
                for (int i = 0; i < n; i++)
                    ref[to + i] = tmp[i];
                if (memcmp(buf, ref, sizeof buf) != 0)
                    printf("memmove mismatch from=%d to=%d n=%d\n", from, to, n);
            }
        }
    }
    char s[] = "0123456789abcdef";
    memmove(s + 3, s, 10);
    printf("memmove overlap forward %s\n", s);
    memmove(s, s + 5, 10);
    printf("memmove overlap backward %s\n", s);
}

static void compare_functions(void)
{
    const char *words[] = { "", "a", "b", "ab", "abc", "abd", "abcd", "ABC", "\x80", "\x7f", "zzz",
                            "abcdefghijklmnopqrstuvwxyz0123456789", "abcdefghijklmnopqrstuvwxyz0123456788" };
    unsigned nw = sizeof words / sizeof words[0];
    char line[200];
    int pos = 0;
    for (unsigned i = 0; i < nw; i++)
        for (unsigned j = 0; j < nw; j++) {
            int c = sign(strcmp(words[i], words[j]));
            int c3 = sign(strncmp(words[i], words[j], 3));
            line[pos++] = "-0+"[c + 1];
            line[pos++] = "-0+"[c3 + 1];
            if (pos >= 2 * (int)nw) {
                line[pos] = 0;
                printf("cmp %s\n", line);
                pos = 0;
            }
        }
    printf("memcmp %d %d %d %d\n", sign(memcmp("abc", "abd", 3)), sign(memcmp("\xff", "\x01", 1)),
           sign(memcmp("same", "same", 4)), sign(memcmp("x", "y", 0)));
}

static void search_functions(void)
{
    static char buf[256];
    for (unsigned a = 0; a < 16; a++) {
        for (unsigned len = 0; len < 70; len += 3) {
            char *s = buf + a;
            memset(buf, 'x', sizeof buf);
            pattern(s, len, a);
            s[len] = 0;
            mix((long)strlen(s));
            mix((long)strnlen(s, len / 2));
            mix((long)strnlen(s, len + 10));
            mix(off(strchr(s, 'q'), s));
            mix(off(strrchr(s, 'q'), s));
            mix(off(strchr(s, 0), s));
            mix(off(memchr(s, 'e', len), s));
            mix(off(memrchr(s, 'e', len), s));
            mix(off(strstr(s, "hov"), s));
            mix(off(memchr(s, 0, (size_t)len + 1), s));
            mix((long)strspn(s, "abcdefghijklm"));
            mix((long)strcspn(s, "xyz"));
        }
    }
    printf("search sweep %lu\n", checksum);
    const char *hay = "the quick brown fox jumps over the lazy dog";
    printf("strchr %ld strrchr %ld memchr %ld memrchr %ld\n", off(strchr(hay, 'o'), hay),
           off(strrchr(hay, 'o'), hay), off(memchr(hay, 'z', 43), hay), off(memrchr(hay, 't', 43), hay));
    printf("strstr %ld %ld %ld %ld\n", off(strstr(hay, "fox"), hay), off(strstr(hay, "the"), hay),
           off(strstr(hay, "dog"), hay), off(strstr(hay, "cat"), hay));
    printf("strstr empty %ld long %ld\n", off(strstr(hay, ""), hay),
           (long)(strstr("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "aaaaaaaaab") != NULL));
    printf("strpbrk %s strtok", strpbrk(hay, "xyz"));
    char tok[] = "a,b,,c;d";
    for (char *t = strtok(tok, ",;"); t; t = strtok(NULL, ",;"))
        printf(" [%s]", t);
    printf("\n");
}

static void copy_functions(void)
{
    char dst[128];
    for (unsigned a = 0; a < 16; a++) {
        char src[80];
        memset(src, 0, sizeof src);
        pattern(src + a, 40 + a, a);
        memset(dst, '#', sizeof dst);
        char *r = strcpy(dst + (15 - a), src + a);
        mix(off(r, dst));
        mix((long)strlen(dst + (15 - a)));
        char *e = stpcpy(dst + a, "tail");
        mix(off(e, dst));
        mix(dst[a + 4] == 0);
        memset(dst, '#', sizeof dst);
        strncpy(dst + a, "short", 10);
        mix(dst[a + 9] == 0 && dst[a + 10] == '#');
        strcat(dst + a, "+cat");
        mix((long)strlen(dst + a));
    }
    printf("copy sweep %lu\n", checksum);
    char buf[32] = "hello";
    const char *more = " world, long";
    volatile size_t six = 6;
    strncat(buf, more, six);
    printf("strncat [%s] strdup [%s] ", buf, strdup("dup"));
    printf("stpcpy end %ld\n", off(stpcpy(buf, "four"), buf));
}

/* Strings whose terminator is the last byte of a readable page. */
static void page_end(void)
{
    long page = sysconf(_SC_PAGESIZE);
    char *map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED) {
        printf("mmap failed\n");
        return;
    }
    if (mprotect(map + page, page, PROT_NONE) != 0) {
        printf("mprotect failed\n");
        return;
    }
    char *end = map + page;
    char other[80];
    unsigned long sum = 0;
    for (int len = 0; len < 70; len++) {
        char *s = end - len - 1;
        pattern(s, len, len);
        s[len] = 0;
        memcpy(other, s, len + 1);
        sum = sum * 31 + strlen(s);
        sum = sum * 31 + strnlen(s, 1000);
        sum = sum * 31 + (unsigned long)off(strchr(s, 'z'), s);
        sum = sum * 31 + (unsigned long)off(strchr(s, 0), s);
        sum = sum * 31 + (unsigned long)off(strrchr(s, 'a'), s);
        sum = sum * 31 + (unsigned long)sign(strcmp(s, other));
        sum = sum * 31 + (unsigned long)sign(strncmp(s, other, 500));
        sum = sum * 31 + (unsigned long)sign(memcmp(s, other, len + 1));
        sum = sum * 31 + (unsigned long)off(memchr(s, 0, len + 1), s);
        sum = sum * 31 + (unsigned long)off(memrchr(s, 'b', len + 1), s);
        sum = sum * 31 + (unsigned long)off(strstr(s, "zzz"), s);
        sum = sum * 31 + (unsigned long)off(memchr(s, 0, (size_t)len + 1), s);
        /* Copy to the page end too. */
        char *d = end - len - 1;
        memset(map, 0, page - 80);
        memmove(map + 7, s, len + 1);
        strcpy(d, map + 7);
        sum = sum * 31 + (unsigned long)sign(strcmp(d, other));
        char *e = stpcpy(end - len - 1, other);
        sum = sum * 31 + (unsigned long)off(e, map);
        memset(end - len, 'm', len);
        sum = sum * 31 + (unsigned long)(unsigned char)end[-1];
    }
    printf("page end sweep %lu\n", sum);
    munmap(map, 2 * page);
}

int main(void)
{
    alignment_sweep();
    memmove_sweep();
    compare_functions();
    search_functions();
    copy_functions();
    page_end();
    return 0;
}
