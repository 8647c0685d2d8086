// Synchronous faults without libc, chosen by the first letter of argv[1]:
//   align  branch to an address that is not a multiple of 4 (SIGBUS)
//   zero   branch to address 0 (SIGSEGV)
//   udf    a permanently undefined instruction (SIGILL)
//   brk    a breakpoint (SIGTRAP)
//   wtext  a store into the read-only text segment (SIGSEGV)
// Without an argument it exits with status 0.
    .text
    .globl _start
_start:
    ldr     x0, [sp]
    cmp     x0, #2
    b.lt    done
    ldr     x1, [sp, #16]
    ldrb    w2, [x1]
    cmp     w2, #'a'
    b.eq    misaligned
    cmp     w2, #'z'
    b.eq    zero
    cmp     w2, #'u'
    b.eq    undefined
    cmp     w2, #'b'
    b.eq    breakpoint
    cmp     w2, #'w'
    b.eq    writetext
done:
    mov     x0, #0
    mov     x8, #93
    svc     #0
misaligned:
    adr     x3, done
    add     x3, x3, #2
    br      x3
zero:
    mov     x3, #0
    blr     x3
undefined:
    udf     #7
breakpoint:
    brk     #0x3e8
writetext:
    adr     x3, _start
    str     x0, [x3]
    b       done
