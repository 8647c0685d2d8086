// No libc: computes sum(1..10) * 3 - argc = 165 - argc in a loop and
// exits with it through exit_group (94). With no arguments argc is 1,
// so the exit status is 164.
    .text
    .global _start
_start:
    ldr     x3, [sp]            // argc
    mov     x0, #0
    mov     x1, #10
1:  add     x0, x0, x1
    subs    x1, x1, #1
    b.ne    1b
    mov     x2, #3
    mul     x0, x0, x2
    sub     x0, x0, x3
    mov     x8, #94
    svc     #0
