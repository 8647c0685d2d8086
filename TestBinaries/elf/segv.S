// Loads from address 0: the process dies by SIGSEGV (qemu-aarch64 and
// arm64 Linux report signal 11). Built by build.sh.
    .text
    .globl _start
_start:
    mov     x1, #0
    ldr     x0, [x1]
    mov     x8, #93             // exit, never reached
    svc     #0
