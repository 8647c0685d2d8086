/* Dynamic loading at run time: dlopen libm.so.6, look symbols up with
 * dlsym, call them, and check dlerror for a missing library and symbol. */
#include <dlfcn.h>
#include <stdio.h>

int main(void)
{
    void *m = dlopen("libm.so.6", RTLD_NOW);
    if (!m) {
        printf("dlopen libm.so.6 failed: %s\n", dlerror());
        return 1;
    }
    double (*cosp)(double) = (double (*)(double))dlsym(m, "cos");
    double (*powp)(double, double) = (double (*)(double, double))dlsym(m, "pow");
    double (*cbrtp)(double) = (double (*)(double))dlsym(m, "cbrt");
    if (!cosp || !powp || !cbrtp) {
        printf("dlsym failed\n");
        return 1;
    }
    printf("cos(0.5) = %.17g\n", cosp(0.5));
    printf("pow(2, 0.5) = %.17g\n", powp(2, 0.5));
    printf("cbrt(27) = %.17g\n", cbrtp(27));
    printf("missing symbol: %s\n", dlsym(m, "no_such_function") ? "found" : "not found");
    printf("dlclose: %d\n", dlclose(m));
    void *none = dlopen("libno-such-library.so.1", RTLD_NOW);
    printf("missing library: %s\n", none ? "loaded" : "not loaded");
    return 0;
}
