/* printf of integers, floats, doubles and long doubles. On aarch64 long
 * double is IEEE binary128, so every long double operation below goes
 * through the soft-fp routines of libgcc (or compiler-rt for musl). */
#include <stdio.h>
#include <stdint.h>
#include <inttypes.h>
#include <limits.h>
#include <float.h>
#include <math.h>

/* Keeps the compiler from folding values at build time. */
static volatile int vzero = 0;

static void ints(void)
{
    int vals[] = { 0, 1, -1, 42, -42, 255, INT_MAX, INT_MIN, 1000000007 };
    for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        int v = vals[i] + vzero;
        printf("int %d|%5d|%-5d|%05d|%+d|%x|%X|%o|%#x|%#o|%u\n",
               v, v, v, v, v, (unsigned)v, (unsigned)v, (unsigned)v,
               (unsigned)v, (unsigned)v, (unsigned)v);
    }
    long long ll[] = { 0, LLONG_MAX, LLONG_MIN, 1234567890123456789LL, -987654321987654321LL };
    for (unsigned i = 0; i < sizeof ll / sizeof ll[0]; i++) {
        long long v = ll[i] + vzero;
        printf("ll %lld|%llx|%llu|%20lld|%-20lld|\n", v, (unsigned long long)v,
               (unsigned long long)v, v, v);
    }
    printf("sizes %zu %zu %zu %zu %zu\n", sizeof(short), sizeof(int), sizeof(long),
           sizeof(long long), sizeof(long double));
    printf("fixed %" PRId8 " %" PRIu16 " %" PRId32 " %" PRIx64 " %" PRIuMAX "\n",
           (int8_t)-128, (uint16_t)65535, (int32_t)-2147483647, (uint64_t)0xdeadbeefcafebabeULL,
           (uintmax_t)UINTMAX_MAX);
    printf("chars [%c] [%5c] [%-3c] [%s] [%10s] [%-10s] [%.3s] [%%]\n",
           'A', 'b', 'c', "str", "right", "left", "truncated");
    printf("short %hd %hu char %hhd %hhu\n", (short)-12345, (unsigned short)54321,
           (signed char)-100, (unsigned char)200);
    int n = 0;
    printf("count%n|", &n);
    printf(" %d\n", n);
    printf("star [%*d] [%-*d] [%.*f]\n", 8, 77, 6, 88, 3, 3.14159265);
}

static void floats(void)
{
    float fs[] = { 0.0f, -0.0f, 1.0f, 0.1f, 1.5f, -2.25f, 3.4028235e38f, 1.17549435e-38f,
                   1.4e-45f, 16777217.0f, 123456.789f };
    for (unsigned i = 0; i < sizeof fs / sizeof fs[0]; i++) {
        float f = fs[i] + (float)vzero;
        printf("float %f|%e|%g|%.9g|%a\n", f, f, f, f, f);
    }
}

static void doubles(void)
{
    double ds[] = { 0.0, -0.0, 1.0, 0.1, 2.0 / 3.0, 1e300, -1e-300, DBL_MAX, DBL_MIN,
                    4.9406564584124654e-324, 123456789.125, 1e21, 1e22, 0.5, 2.5, -3.5,
                    9007199254740993.0 };
    for (unsigned i = 0; i < sizeof ds / sizeof ds[0]; i++) {
        double d = ds[i] + vzero;
        printf("double %f|%.0f|%.3e|%g|%G|%.17g|%a|%A|%12.4f|%-12.2e|%+.1f\n",
               d, d, d, d, d, d, d, d, d, d, d);
    }
    double inf = 1.0 / (double)vzero;
    double nan = inf - inf;
    printf("special %f %f %e %g %F\n", inf, -inf, inf, -inf, inf);
    printf("nan %d %d %d\n", isnan(nan) != 0, isinf(inf) != 0, signbit(-inf) != 0);
    /* Rounding of halfway cases in decimal conversion. */
    printf("round %.0f %.0f %.0f %.0f %.1f %.1f %.2f\n", 0.5, 1.5, 2.5, 3.5, 0.25, 0.35, 1.005);
    double acc = 0;
    for (int i = 1; i <= 100; i++)
        acc += 1.0 / (i + vzero);
    printf("harmonic100 %.17g %a\n", acc, acc);
}

static void longdoubles(void)
{
    long double ls[] = { 0.0L, 1.0L, 0.1L, -2.5L, 1.0L / 3.0L, LDBL_MAX, LDBL_MIN,
                         1e4000L, 3.14159265358979323846264338327950288L,
                         12345678901234567890.123L };
    for (unsigned i = 0; i < sizeof ls / sizeof ls[0]; i++) {
        long double l = ls[i] + vzero;
        /* %Lf of LDBL_MAX prints 4933 digits: correct but slow to emulate,
         * so only moderate values get the fixed-point form. */
        if (l < 1e30L && l > -1e30L)
            printf("ldouble %Lf|", l);
        else
            printf("ldouble big|");
        printf("%.36Le|%Lg|%.33Lg|%La\n", l, l, l, l);
    }
    /* Arithmetic in binary128: add, sub, mul, div, conversions, compares. */
    long double a = 1.0L + vzero, b = 3.0L + vzero;
    long double q = a / b;
    long double p = q * b;
    long double s = q + q - a;
    printf("ld arith %.36Le %.36Le %.36Le %d %d\n", q, p, s, p == a, q < a);
    long double f = 1.0L;
    for (int i = 1; i <= 30; i++)
        f *= (i + vzero);
    printf("ld 30! %.0Lf %La\n", f, f);
    long double big = (long double)(unsigned long long)(0xffffffffffffffffULL + vzero);
    printf("ld conv %.0Lf %lld %llu %f %d\n", big, (long long)(-1e18L + vzero),
           (unsigned long long)(big - 1.0L), (double)q, (int)(-7.9L + vzero));
    long double sq = 2.0L + vzero, x = 1.0L;
    for (int i = 0; i < 8; i++)
        x = (x + sq / x) / 2.0L;
    printf("ld sqrt2 %.36Le\n", x);
}

int main(void)
{
    ints();
    floats();
    doubles();
    longdoubles();
    return 0;
}
