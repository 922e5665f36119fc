#include "cpu/gpuos_kernel_prelude.h"
#line 3 "/work/main/bench/kernels/empty.metal"
using namespace metal;

      void empty( uint* sink )
{
} static void __gpuos_entry_0(const ::gpuos_launch* __gpuos_launch, const ::gpuos_thread_ids* __gpuos_thread) { (void)__gpuos_launch; (void)__gpuos_thread; empty(::gpuos_glue::bind_buffer<uint*>(__gpuos_launch, (0))); } static const ::gpuos_param_desc __gpuos_params_0[] = {{"sink", "device uint*", GPUOS_PARAM_BUFFER, static_cast<unsigned>(0), ::gpuos_glue::param_info<uint*>::is_reference, ::gpuos_glue::param_info<uint*>::is_const, ::gpuos_glue::param_info<uint*>::pointee_size, ::gpuos_glue::param_info<uint*>::pointee_align}, }; static_assert(static_cast<unsigned long long>(0) <= 30u, "kernel 'empty': buffer index of 'sink' must be from 0 to 30"); static const unsigned __gpuos_max_threads_0 = 0u;
#line 1 "<gpuos: kernel library descriptor>"
static const ::gpuos_kernel_desc __gpuos_kernels[] = {
  {"empty", "/work/main/bench/kernels/empty.metal", 5u, &::__gpuos_entry_0, ::__gpuos_params_0, 1u, ::__gpuos_max_threads_0},
};
static const ::gpuos_kernel_library __gpuos_library = {
  GPUOS_EMU_ABI_VERSION, "/work/main/bench/kernels/empty.metal", __gpuos_kernels, 1u, &::gpuos_glue::runtime, GPUOS_RACE_INSTRUMENTED};
extern "C" __attribute__((visibility("default"))) const ::gpuos_kernel_library* gpuos_kernel_library_v1(void) { return &__gpuos_library; }
