/* The simplest libc program: one line of output, exit status 0. */
#include <stdio.h>

int main(void)
{
    printf("Hello, world!\n");
    return 0;
}
