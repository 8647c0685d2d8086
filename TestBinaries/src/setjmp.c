/* setjmp/longjmp: plain jumps, jumps out of nested calls, values kept in
 * volatile locals and callee-saved registers, sigsetjmp with a mask. */
#include <stdio.h>
#include <setjmp.h>
#include <signal.h>

static jmp_buf env;
static int depth_reached;

static void recurse(int depth)
{
    volatile char pad[64];
    pad[depth % 64] = (char)depth;
    depth_reached = depth;
    if (depth == 50)
        longjmp(env, depth + pad[depth % 64]);
    if (depth < 1000)
        recurse(depth + 1);
}

static double fp_across(jmp_buf j, double x)
{
    double y = x * 3.0;
    longjmp(j, (int)y);
}

int main(void)
{
    volatile int count = 0;
    int r = setjmp(env);
    printf("setjmp returned %d count %d\n", r, count);
    if (count < 3) {
        count++;
        longjmp(env, count * 10);
    }

    r = setjmp(env);
    if (r == 0)
        recurse(0);
    printf("from recursion %d depth %d\n", r, depth_reached);

    r = setjmp(env);
    if (r == 0)
        longjmp(env, 0);
    printf("longjmp with 0 gives %d\n", r);

    /* Callee-saved floating-point registers d8-d15 must survive. */
    volatile double acc = 1.5;
    jmp_buf j2;
    r = setjmp(j2);
    if (r == 0) {
        acc = acc * 2;
        fp_across(j2, acc);
    }
    printf("fp jump %d acc %.3f\n", r, acc);

    sigjmp_buf sj;
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    r = sigsetjmp(sj, 1);
    if (r == 0) {
        sigprocmask(SIG_BLOCK, &set, NULL);
        sigprocmask(SIG_BLOCK, NULL, &old);
        printf("blocked before jump %d\n", sigismember(&old, SIGUSR1));
        siglongjmp(sj, 7);
    }
    sigprocmask(SIG_BLOCK, NULL, &old);
    printf("siglongjmp %d mask restored %d\n", r, !sigismember(&old, SIGUSR1));
    return 0;
}
