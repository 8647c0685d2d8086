/* 128-bit integer arithmetic: the compiler emits MUL/UMULH sequences for
 * multiplies and calls __udivti3/__divti3/__umodti3/__modti3 for division.
 * Values are printed with a decimal routine written here (printf has no
 * 128-bit conversion). */
#include <stdio.h>
#include <string.h>

typedef unsigned __int128 u128;
typedef __int128 s128;

static volatile unsigned long long vzero = 0;

static void u128_to_dec(u128 v, char *out)
{
    char tmp[48];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v != 0);
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = 0;
}

static const char *udec(u128 v)
{
    static char bufs[8][48];
    static int k;
    char *b = bufs[k++ & 7];
    u128_to_dec(v, b);
    return b;
}

static const char *sdec(s128 v)
{
    static char bufs[8][49];
    static int k;
    char *b = bufs[k++ & 7];
    if (v < 0) {
        b[0] = '-';
        u128_to_dec((u128)0 - (u128)v, b + 1);
    } else {
        u128_to_dec((u128)v, b);
    }
    return b;
}

static void hex(const char *label, u128 v)
{
    printf("%s %016llx%016llx\n", label, (unsigned long long)(v >> 64), (unsigned long long)v);
}

int main(void)
{
    u128 max = ~(u128)0 + vzero;
    s128 smax = (s128)(max >> 1);
    s128 smin = -smax - 1;
    printf("u128 max %s\n", udec(max));
    printf("s128 max %s\n", sdec(smax));
    printf("s128 min %s\n", sdec(smin));

    u128 a = ((u128)0x0123456789abcdefULL << 64 | 0xfedcba9876543210ULL) + vzero;
    u128 b = (u128)(0xffffffffffffffc5ULL + vzero);
    hex("a", a);
    hex("a*b", a * b);
    hex("a*a", a * a);
    printf("a/b %s a%%b %s\n", udec(a / b), udec(a % b));
    printf("a/7 %s a%%7 %s\n", udec(a / 7), udec(a % 7));
    u128 c = ((u128)0x1000000000000000ULL << 64) + 12345 + vzero;
    printf("a/c %s a%%c %s\n", udec(a / c), udec(a % c));
    printf("max/a %s max%%a %s\n", udec(max / a), udec(max % a));

    s128 s = -(s128)a;
    s128 t = (s128)(1000000007 + vzero);
    printf("s %s\n", sdec(s));
    printf("s/t %s s%%t %s\n", sdec(s / t), sdec(s % t));
    printf("s/-t %s s%%-t %s\n", sdec(s / -t), sdec(s % -t));
    printf("-s/-t %s\n", sdec(-s / -t));
    printf("min/-1 wraps? skipped; min/2 %s min%%3 %s\n", sdec(smin / 2), sdec(smin % 3));

    for (int sh = 0; sh < 128; sh += 13) {
        u128 l = a << sh, r = a >> sh;
        s128 ar = s >> sh;
        printf("shift %3d ", sh);
        printf("%016llx%016llx ", (unsigned long long)(l >> 64), (unsigned long long)l);
        printf("%016llx%016llx ", (unsigned long long)(r >> 64), (unsigned long long)r);
        printf("%s\n", sdec(ar));
    }
    int vs = (int)(vzero + 127);
    hex("a<<127", a << vs);
    hex("s>>127", (u128)(s >> vs));

    /* Factorials up to 34! fit in 128 bits unsigned. */
    u128 f = 1;
    for (unsigned i = 1; i <= 34; i++) {
        f *= i + vzero;
        if (i % 5 == 0 || i == 34)
            printf("%u! = %s\n", i, udec(f));
    }
    /* Fibonacci up to F(186). */
    u128 x = 0, y = 1;
    for (int i = 0; i < 186; i++) {
        u128 z = x + y;
        x = y;
        y = z;
    }
    printf("F(186) %s\n", udec(x));
    /* Compares, conversions to and from floating point. */
    printf("cmp %d %d %d %d\n", a < b, a > b, s < t, (s128)a > s);
    double d = (double)a;
    long double ld = (long double)a;
    printf("to double %.17g to long double %.40Lg\n", d, ld);
    u128 back = (u128)(ld * 3);
    printf("from long double %s\n", udec(back));
    printf("from double %s\n", sdec((s128)(-1.5e30 + (double)vzero)));
    /* Overflow detection builtins. */
    u128 ov;
    printf("mul overflow %d ", __builtin_mul_overflow(a, a, &ov));
    printf("add overflow %d\n", __builtin_add_overflow(max, (u128)1, &ov));
    unsigned long long hi = (unsigned long long)(((u128)(0xdeadbeefdeadbeefULL + vzero) *
                                                   (0xcafebabecafebabeULL + vzero)) >> 64);
    printf("umulh %016llx\n", hi);
    long long shi = (long long)(((s128)(long long)(-0x123456789abcdefLL + (long long)vzero) *
                                 (s128)(0x7edcba987654321LL + (long long)vzero)) >> 64);
    printf("smulh %lld\n", shi);
    return 0;
}
