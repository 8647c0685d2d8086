/* argv, envp and the auxiliary vector as the loader hands them over.
 * Only what an emulator must reproduce exactly is printed: argv (with
 * argv[0] cut to its last path component, because the path differs
 * between machines), one environment variable set by the test, and the
 * auxv entries that are fixed for every aarch64 Linux. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/auxv.h>

#ifndef HWCAP_FP
#define HWCAP_FP (1 << 0)
#endif
#ifndef HWCAP_ASIMD
#define HWCAP_ASIMD (1 << 1)
#endif

extern char **environ;

static int cmpstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(int argc, char **argv, char **envp)
{
    printf("argc %d\n", argc);
    const char *base = strrchr(argv[0], '/');
    printf("argv[0] basename %s\n", base ? base + 1 : argv[0]);
    for (int i = 1; i < argc; i++)
        printf("argv[%d] [%s] len %zu\n", i, argv[i], strlen(argv[i]));
    printf("argv[argc] null %d\n", argv[argc] == NULL);

    const char *v = getenv("SQL_TEST_VALUE");
    printf("getenv SQL_TEST_VALUE [%s]\n", v ? v : "(unset)");
    const char *missing = getenv("SQL_TEST_MISSING");
    printf("getenv SQL_TEST_MISSING [%s]\n", missing ? missing : "(unset)");
    /* Sorted, because the order of the environment depends on whoever
     * started the emulator, not on the emulator. */
    const char *mine[32];
    int found = 0;
    for (char **e = envp; *e; e++)
        if (strncmp(*e, "SQL_TEST_", 9) == 0 && found < 32)
            mine[found++] = *e;
    qsort(mine, found, sizeof mine[0], cmpstr);
    for (int i = 0; i < found; i++)
        printf("envp %s\n", mine[i]);
    printf("envp SQL_TEST_ entries %d, environ same %d\n", found, environ == envp);
    printf("setenv %d getenv [%s]\n", setenv("SQL_TEST_NEW", "new value", 1), getenv("SQL_TEST_NEW"));

    printf("AT_PAGESZ %lu\n", getauxval(AT_PAGESZ));
    printf("sysconf pagesize %ld\n", sysconf(_SC_PAGESIZE));
    unsigned long hwcap = getauxval(AT_HWCAP);
    printf("AT_HWCAP fp %d asimd %d\n", (hwcap & HWCAP_FP) != 0, (hwcap & HWCAP_ASIMD) != 0);
    const char *plat = (const char *)getauxval(AT_PLATFORM);
    printf("AT_PLATFORM %s\n", plat ? plat : "(none)");
    printf("AT_RANDOM non-null %d\n", getauxval(AT_RANDOM) != 0);
    printf("AT_PHENT %lu\n", getauxval(AT_PHENT));
    printf("AT_PHDR non-null %d AT_ENTRY non-null %d\n", getauxval(AT_PHDR) != 0, getauxval(AT_ENTRY) != 0);
    printf("AT_SECURE %lu\n", getauxval(AT_SECURE));
    const char *execfn = (const char *)getauxval(AT_EXECFN);
    if (execfn) {
        const char *eb = strrchr(execfn, '/');
        printf("AT_EXECFN basename %s\n", eb ? eb + 1 : execfn);
    } else {
        printf("AT_EXECFN (none)\n");
    }
    /* The stack is 16-byte aligned at main's entry (AAPCS64). */
    char probe[16] __attribute__((aligned(16)));
    printf("stack aligned %d\n", ((unsigned long)probe & 15) == 0);
    return 0;
}
