// execve(argv[1], &argv[1], envp); when it fails, exits with the errno as
// its status, so a test sees what execve returned (ENOEXEC is 8). Built by
// build.sh.
    .text
    .globl _start
_start:
    ldr     x0, [sp, #16]       // argv[1]
    add     x1, sp, #16         // &argv[1]
    ldr     x3, [sp]            // argc
    add     x2, sp, #16
    add     x2, x2, x3, lsl #3  // &envp[0] = &argv[argc + 1]
    mov     x8, #221            // execve
    svc     #0
    neg     x0, x0
    mov     x8, #93             // exit
    svc     #0
