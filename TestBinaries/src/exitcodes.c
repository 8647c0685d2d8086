/* How a process ends, chosen by argv[1]: exit(n), return from main, a
 * NULL write (SIGSEGV) or abort() (SIGABRT). Output is flushed before
 * the end so a signal does not lose it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "none";
    printf("mode %s\n", mode);
    fflush(stdout);
    if (strcmp(mode, "exit0") == 0)
        exit(0);
    if (strcmp(mode, "exit3") == 0)
        exit(3);
    if (strcmp(mode, "exit255") == 0)
        exit(255);
    if (strcmp(mode, "return42") == 0)
        return 42;
    if (strcmp(mode, "segv") == 0) {
        volatile int *p = (volatile int *)(unsigned long)(argc - 2);
        *p = 1;
        printf("still alive after NULL write\n");
        return 1;
    }
    if (strcmp(mode, "abort") == 0) {
        abort();
    }
    printf("unknown mode\n");
    return 2;
}
