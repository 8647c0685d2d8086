#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <fenv.h>
int main(int argc, char **argv) {
    double x = 0.1, s = 0;
    for (int i = 0; i < 100; i++) s += x * i / 3.0;
    printf("%f %.17g %e %g\n", s, s, s * 1e300, 1.0 / 3);
    printf("%.20f\n", strtod("3.14159265358979323846264338327950288", 0));
    printf("%g %g %g %g\n", sqrt(2.0), exp(1.0), log(10.0), pow(2.5, 3.7));
    printf("%g %g %g %g\n", sin(1.0), cos(1.0), atan2(1.0, 2.0), tanh(0.5));
    float f = 1.1f; for (int i = 0; i < 10; i++) f = f * 1.7f - 0.3f;
    printf("%.9g %d %ld %lu\n", f, (int)f, lrint(f * 1000.5), (unsigned long)(f * 1e10));
    printf("%g %g %g\n", floor(-2.5), ceil(-2.5), round(2.5));
    char buf[300], buf2[300];
    for (int i = 0; i < 300; i++) buf[i] = (char)(i * 7 + 3);
    memcpy(buf2, buf, 300); memmove(buf2 + 5, buf2, 250);
    printf("%d %d %zu %d\n", memcmp(buf, buf2, 300), buf2[100], strlen("hello, world of strings"), strcmp("abcdefghijklmnopq", "abcdefghijklmnopz"));
    printf("%s\n", strchr("the quick brown fox", 'q'));
    printf("%a %La\n", 1.0/3, (long double)1.0/3);
    printf("%.30Lg\n", (long double)2.0L / 3.0L);
    long double ld = 1.0L; for (int i = 1; i < 20; i++) ld *= i;
    printf("%Lf\n", ld);
    printf("nan %f inf %f\n", NAN, -INFINITY);
    feclearexcept(FE_ALL_EXCEPT); volatile double z = 0; volatile double q = 1.0 / z;
    printf("divbyzero %d %g\n", fetestexcept(FE_DIVBYZERO) != 0, q);
    return 0;
}
