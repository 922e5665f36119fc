// AArch64 (AAPCS64; Apple Silicon and Linux) context switch for the emulator's fibers. See
// context_switch.h.
//
// Frame layout at a saved stack pointer (low to high address), 160 bytes, the order
// context_prepare() in context_switch.cpp writes for a fresh fiber:
//   x19 x20 x21 x22 x23 x24 x25 x26 x27 x28 x29(fp) x30(lr) d8 d9 d10 d11 d12 d13 d14 d15
// x18 is never touched: it is the platform register on Apple platforms. FPCR is not saved:
// kernels never change floating-point modes.

#if defined(__aarch64__)

#if defined(__APPLE__)
#define SYM(name) _##name
#else
#define SYM(name) name
#endif

    .text
    .globl SYM(gpuos_context_switch)
#if !defined(__APPLE__)
    .type gpuos_context_switch, %function
#endif
    .p2align 4
SYM(gpuos_context_switch):
    // x0 = void** save_sp, x1 = void* load_sp
    sub sp, sp, #160
    stp x19, x20, [sp, #0]
    stp x21, x22, [sp, #16]
    stp x23, x24, [sp, #32]
    stp x25, x26, [sp, #48]
    stp x27, x28, [sp, #64]
    stp x29, x30, [sp, #80]
    stp d8, d9, [sp, #96]
    stp d10, d11, [sp, #112]
    stp d12, d13, [sp, #128]
    stp d14, d15, [sp, #144]
    mov x2, sp
    str x2, [x0]
    mov sp, x1
    ldp x19, x20, [sp, #0]
    ldp x21, x22, [sp, #16]
    ldp x23, x24, [sp, #32]
    ldp x25, x26, [sp, #48]
    ldp x27, x28, [sp, #64]
    ldp x29, x30, [sp, #80]
    ldp d8, d9, [sp, #96]
    ldp d10, d11, [sp, #112]
    ldp d12, d13, [sp, #128]
    ldp d14, d15, [sp, #144]
    add sp, sp, #160
    ret
#if !defined(__APPLE__)
    .size gpuos_context_switch, .-gpuos_context_switch
#endif

    .globl SYM(gpuos_context_trampoline)
#if !defined(__APPLE__)
    .type gpuos_context_trampoline, %function
#endif
    .p2align 4
SYM(gpuos_context_trampoline):
    // Reached by the `ret` of the first switch into a fresh fiber. x19 holds the entry
    // function and x20 its argument (context_prepare put them in the saved frame). x29 is 0 so
    // frame-pointer walks stop here.
    mov x0, x20
    blr x19
    brk #0
#if !defined(__APPLE__)
    .size gpuos_context_trampoline, .-gpuos_context_trampoline
#endif

#endif

#if defined(__linux__) && defined(__ELF__)
    .section .note.GNU-stack,"",%progbits
#endif
