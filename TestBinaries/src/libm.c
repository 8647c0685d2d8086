/* libm over a spread of arguments, printed exactly (%a) and in decimal
 * (%.17g), so a single wrong bit shows. */
#include <stdio.h>
#include <math.h>

static volatile double vzero = 0.0;

static const double args[] = { 0.0, -0.0, 0.5, 1.0, -1.0, 2.0, 3.0, 0.1, 10.0, -7.25, 100.5,
                               1e-10, 1e10, 3.141592653589793, 1e300, -1e-300, 4.9e-324 };
#define NARGS (sizeof args / sizeof args[0])

static void show(const char *name, double x, double y)
{
    printf("%s(%.17g) = %a %.17g\n", name, x, y, y);
}

static void show2(const char *name, double x, double z, double y)
{
    printf("%s(%.17g, %.17g) = %a %.17g\n", name, x, z, y, y);
}

int main(void)
{
    for (unsigned i = 0; i < NARGS; i++) {
        double x = args[i] + vzero;
        show("sin", x, sin(x));
        show("cos", x, cos(x));
        show("exp", x, exp(x));
        show("log", x, log(fabs(x)));
        show("sqrt", x, sqrt(fabs(x)));
        show("floor", x, floor(x));
        show("ceil", x, ceil(x));
        show("round", x, round(x));
        show("trunc", x, trunc(x));
        show("cbrt", x, cbrt(x));
        show("lgamma", x, lgamma(x));
        show("tan", x, tan(x));
        show("atan", x, atan(x));
        show("log10", x, log10(fabs(x)));
        show("expm1", x, expm1(x));
        show("rint", x, rint(x));
    }
    double pairs[][2] = { { 2, 10 }, { 2, 0.5 }, { -2, 3 }, { 10, -2 }, { 1.0000001, 1e7 }, { 0, 0 },
                          { 0.5, 1e3 }, { -8, 1.0 / 3 }, { 7.5, 2.25 }, { -7.5, 2 }, { 1e300, 1e-300 },
                          { 3, 4 }, { -1, -1 }, { 1e-310, 3 } };
    for (unsigned i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        double x = pairs[i][0] + vzero, y = pairs[i][1] + vzero;
        show2("pow", x, y, pow(x, y));
        show2("fmod", x, y, fmod(x, y));
        show2("atan2", x, y, atan2(x, y));
        show2("hypot", x, y, hypot(x, y));
        show2("fma3", x, y, fma(x, y, 0.1));
        show2("remainder", x, y, remainder(x, y));
        show2("copysign", x, y, copysign(x, y));
        show2("fmin", x, y, fmin(x, y));
        show2("fmax", x, y, fmax(x, y));
    }
    /* fma must round once. */
    double a = 1.0 + 0x1p-52 + vzero, b = 1.0 - 0x1p-53 + vzero;
    printf("fma exact %a vs mul-add %a\n", fma(a, b, -1.0), a * b - 1.0);
    float fa = 1.1f + (float)vzero;
    printf("float sinf %a cosf %a expf %a logf %a sqrtf %a powf %a\n", sinf(fa), cosf(fa), expf(fa),
           logf(fa), sqrtf(fa), powf(fa, 7.5f));
    printf("float fmaf %a floorf %a roundf %a\n", fmaf(fa, fa, -1.21f), floorf(-fa), roundf(2.5f + fa));
    int sg;
    double lg = lgamma_r(-2.5 + vzero, &sg);
    printf("lgamma_r(-2.5) %a sign %d\n", lg, sg);
    int e;
    double m = frexp(1234.5 + vzero, &e);
    printf("frexp %a %d ldexp %a modf", m, e, ldexp(m, e + 3));
    double ip;
    double fp = modf(-3.75 + vzero, &ip);
    printf(" %a %a\n", fp, ip);
    printf("lround %ld llrint %lld ilogb %d logb %a nextafter %a\n", lround(-2.5 + vzero),
           llrint(2.5 + vzero), ilogb(1000.0 + vzero), logb(1000.0 + vzero), nextafter(1.0 + vzero, 2.0));
    double inf = 1.0 / vzero;
    printf("specials %g %g %g %g %d\n", exp(inf), exp(-inf), atan(inf), log(0.0 + vzero),
           isnan(sqrt(-1.0 + vzero)) != 0);
    return 0;
}
