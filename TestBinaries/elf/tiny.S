// A minimal static arm64 program for the loader tests: it writes "hi\n"
// and a word of .data, then exits with argc as its status.
// Built by build.sh (see there for the exact command lines).
    .text
    .globl _start
_start:
    mov     x0, #1
    adr     x1, msg
    mov     x2, #3
    mov     x8, #64             // write
    svc     #0
    ldr     x0, [sp]            // argc
    adrp    x1, counter
    add     x1, x1, :lo12:counter
    ldr     x2, [x1]
    add     x2, x2, #1
    str     x2, [x1]
    mov     x8, #93             // exit
    svc     #0
msg:
    .ascii  "hi\n"

    .data
    .balign 8
counter:
    .quad   41

    .bss
    .balign 16
zeroed:
    .space  8192
