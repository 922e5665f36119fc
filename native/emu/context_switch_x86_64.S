// x86-64 System V context switch for the emulator's fibers. See context_switch.h.
//
// Frame layout at a saved stack pointer (low to high address), the order context_prepare()
// in context_switch.cpp writes for a fresh fiber:
//   r15 r14 r13 r12 rbx rbp <return address>
// MXCSR and the x87 control word are not saved: kernels never change floating-point modes, and
// every fiber shares the one thread's settings (DESIGN: FP contraction and fast math are off).

#if defined(__x86_64__)

#if defined(__APPLE__)
#define SYM(name) _##name
#else
#define SYM(name) name
#endif

    .text
    .globl SYM(gpuos_context_switch)
#if !defined(__APPLE__)
    .type gpuos_context_switch, @function
#endif
    .p2align 4
SYM(gpuos_context_switch):
    // rdi = void** save_sp, rsi = void* load_sp
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
#if !defined(__APPLE__)
    .size gpuos_context_switch, .-gpuos_context_switch
#endif

    .globl SYM(gpuos_context_trampoline)
#if !defined(__APPLE__)
    .type gpuos_context_trampoline, @function
#endif
    .p2align 4
SYM(gpuos_context_trampoline):
    // Reached by the `ret` of the first switch into a fresh fiber. r12 holds the entry
    // function and r13 its argument (context_prepare put them in the saved frame). rbp is 0 so
    // frame-pointer walks stop here.
    movq %r13, %rdi
    andq $-16, %rsp
    callq *%r12
    ud2
#if !defined(__APPLE__)
    .size gpuos_context_trampoline, .-gpuos_context_trampoline
#endif

#endif

#if defined(__linux__) && defined(__ELF__)
    .section .note.GNU-stack,"",%progbits
#endif
