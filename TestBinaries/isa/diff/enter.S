// Entry into and exit from one test slot of the differential harness.
//
// dh_enter(const struct cpu *in, uint64_t slot) saves the host's
// callee-saved registers, SP and TPIDR_EL0, loads every register of the
// input state (X0-X29, SP, NZCV, FPCR, FPSR, V0-V31), puts the slot address
// in X30 and branches to it. The slot loads X30 itself from a literal,
// runs the instructions under test, and branches to a trampoline that
// parks X0 in TPIDR_EL0 and jumps to dh_exit, which stores the complete
// output state in dh_out, restores the host and returns from dh_enter.
// Layout of struct cpu (harness.c): x[31] at 0, sp 248, nzcv 256,
// fpcr 264, fpsr 272, v[32] (16 bytes each) at 288.

        .text
        .global dh_enter
        .type dh_enter, %function
dh_enter:
        adrp    x2, dh_host
        add     x2, x2, :lo12:dh_host
        stp     x19, x20, [x2, #0]
        stp     x21, x22, [x2, #16]
        stp     x23, x24, [x2, #32]
        stp     x25, x26, [x2, #48]
        stp     x27, x28, [x2, #64]
        stp     x29, x30, [x2, #80]
        mov     x3, sp
        mrs     x4, tpidr_el0
        stp     x3, x4, [x2, #96]
        stp     d8, d9, [x2, #112]
        stp     d10, d11, [x2, #128]
        stp     d12, d13, [x2, #144]
        stp     d14, d15, [x2, #160]

        ldr     x3, [x0, #264]
        msr     fpcr, x3
        ldr     x3, [x0, #272]
        msr     fpsr, x3
        ldr     x3, [x0, #256]
        msr     nzcv, x3
        ldp     q0, q1, [x0, #288]
        ldp     q2, q3, [x0, #320]
        ldp     q4, q5, [x0, #352]
        ldp     q6, q7, [x0, #384]
        ldp     q8, q9, [x0, #416]
        ldp     q10, q11, [x0, #448]
        ldp     q12, q13, [x0, #480]
        ldp     q14, q15, [x0, #512]
        ldp     q16, q17, [x0, #544]
        ldp     q18, q19, [x0, #576]
        ldp     q20, q21, [x0, #608]
        ldp     q22, q23, [x0, #640]
        ldp     q24, q25, [x0, #672]
        ldp     q26, q27, [x0, #704]
        ldp     q28, q29, [x0, #736]
        ldp     q30, q31, [x0, #768]
        ldr     x3, [x0, #248]
        mov     sp, x3
        mov     x30, x1
        ldp     x2, x3, [x0, #16]
        ldp     x4, x5, [x0, #32]
        ldp     x6, x7, [x0, #48]
        ldp     x8, x9, [x0, #64]
        ldp     x10, x11, [x0, #80]
        ldp     x12, x13, [x0, #96]
        ldp     x14, x15, [x0, #112]
        ldp     x16, x17, [x0, #128]
        ldp     x18, x19, [x0, #144]
        ldp     x20, x21, [x0, #160]
        ldp     x22, x23, [x0, #176]
        ldp     x24, x25, [x0, #192]
        ldp     x26, x27, [x0, #208]
        ldp     x28, x29, [x0, #224]
        ldp     x0, x1, [x0, #0]
        br      x30
        .size dh_enter, . - dh_enter

        .global dh_exit
        .type dh_exit, %function
dh_exit:
        adrp    x0, dh_out
        add     x0, x0, :lo12:dh_out
        str     x1, [x0, #8]
        stp     x2, x3, [x0, #16]
        stp     x4, x5, [x0, #32]
        stp     x6, x7, [x0, #48]
        stp     x8, x9, [x0, #64]
        stp     x10, x11, [x0, #80]
        stp     x12, x13, [x0, #96]
        stp     x14, x15, [x0, #112]
        stp     x16, x17, [x0, #128]
        stp     x18, x19, [x0, #144]
        stp     x20, x21, [x0, #160]
        stp     x22, x23, [x0, #176]
        stp     x24, x25, [x0, #192]
        stp     x26, x27, [x0, #208]
        stp     x28, x29, [x0, #224]
        str     x30, [x0, #240]
        mrs     x1, tpidr_el0
        str     x1, [x0, #0]
        mov     x1, sp
        str     x1, [x0, #248]
        mrs     x1, nzcv
        str     x1, [x0, #256]
        mrs     x1, fpcr
        str     x1, [x0, #264]
        mrs     x1, fpsr
        str     x1, [x0, #272]
        stp     q0, q1, [x0, #288]
        stp     q2, q3, [x0, #320]
        stp     q4, q5, [x0, #352]
        stp     q6, q7, [x0, #384]
        stp     q8, q9, [x0, #416]
        stp     q10, q11, [x0, #448]
        stp     q12, q13, [x0, #480]
        stp     q14, q15, [x0, #512]
        stp     q16, q17, [x0, #544]
        stp     q18, q19, [x0, #576]
        stp     q20, q21, [x0, #608]
        stp     q22, q23, [x0, #640]
        stp     q24, q25, [x0, #672]
        stp     q26, q27, [x0, #704]
        stp     q28, q29, [x0, #736]
        stp     q30, q31, [x0, #768]

        adrp    x2, dh_host
        add     x2, x2, :lo12:dh_host
        ldp     x3, x4, [x2, #96]
        mov     sp, x3
        msr     tpidr_el0, x4
        msr     fpcr, xzr
        msr     fpsr, xzr
        ldp     x19, x20, [x2, #0]
        ldp     x21, x22, [x2, #16]
        ldp     x23, x24, [x2, #32]
        ldp     x25, x26, [x2, #48]
        ldp     x27, x28, [x2, #64]
        ldp     x29, x30, [x2, #80]
        ldp     d8, d9, [x2, #112]
        ldp     d10, d11, [x2, #128]
        ldp     d12, d13, [x2, #144]
        ldp     d14, d15, [x2, #160]
        ret
        .size dh_exit, . - dh_exit

        .bss
        .balign 16
        .global dh_host
dh_host:
        .skip   176
        .global dh_out
        .balign 16
dh_out:
        .skip   800
        .section .note.GNU-stack, "", %progbits
