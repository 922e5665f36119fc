#include "cpu/gpuos_kernel_prelude.h"
#line 4 "/work/main/bench/kernels/simd_sum_rounds.metal"
using namespace metal;

      void simd_sum_rounds(const uint& rounds ,
                           uint* sink ,
                           uint tid )
{
   uint value = tid;
   for (uint round = 0; round < rounds; ++round) {
       value = simd_sum(value) + round;
   }
   sink[tid] = value;
} static void __gpuos_entry_0(const ::gpuos_launch* __gpuos_launch, const ::gpuos_thread_ids* __gpuos_thread) { (void)__gpuos_launch; (void)__gpuos_thread; simd_sum_rounds(::gpuos_glue::bind_buffer<const uint&>(__gpuos_launch, (0)), ::gpuos_glue::bind_buffer<uint*>(__gpuos_launch, (1)), ::gpuos_glue::bind_builtin<uint>(__gpuos_launch, __gpuos_thread, GPUOS_BUILTIN_THREAD_INDEX_IN_THREADGROUP)); } static const ::gpuos_param_desc __gpuos_params_0[] = {{"rounds", "constant uint&", GPUOS_PARAM_BUFFER, static_cast<unsigned>(0), ::gpuos_glue::param_info<const uint&>::is_reference, ::gpuos_glue::param_info<const uint&>::is_const, ::gpuos_glue::param_info<const uint&>::pointee_size, ::gpuos_glue::param_info<const uint&>::pointee_align}, {"sink", "device uint*", GPUOS_PARAM_BUFFER, static_cast<unsigned>(1), ::gpuos_glue::param_info<uint*>::is_reference, ::gpuos_glue::param_info<uint*>::is_const, ::gpuos_glue::param_info<uint*>::pointee_size, ::gpuos_glue::param_info<uint*>::pointee_align}, {"tid", "uint", GPUOS_PARAM_BUILTIN, GPUOS_BUILTIN_THREAD_INDEX_IN_THREADGROUP, ::gpuos_glue::param_info<uint>::is_reference, ::gpuos_glue::param_info<uint>::is_const, ::gpuos_glue::param_info<uint>::pointee_size, ::gpuos_glue::param_info<uint>::pointee_align}, }; static_assert(static_cast<unsigned long long>(0) <= 30u, "kernel 'simd_sum_rounds': buffer index of 'rounds' must be from 0 to 30"); static_assert((0) != (1), "kernel 'simd_sum_rounds': buffer arguments 'rounds' and 'sink' use the same index"); static_assert(static_cast<unsigned long long>(1) <= 30u, "kernel 'simd_sum_rounds': buffer index of 'sink' must be from 0 to 30"); static const unsigned __gpuos_max_threads_0 = 0u;
#line 1 "<gpuos: kernel library descriptor>"
static const ::gpuos_kernel_desc __gpuos_kernels[] = {
  {"simd_sum_rounds", "/work/main/bench/kernels/simd_sum_rounds.metal", 6u, &::__gpuos_entry_0, ::__gpuos_params_0, 3u, ::__gpuos_max_threads_0},
};
static const ::gpuos_kernel_library __gpuos_library = {
  GPUOS_EMU_ABI_VERSION, "/work/main/bench/kernels/simd_sum_rounds.metal", __gpuos_kernels, 1u, &::gpuos_glue::runtime, GPUOS_RACE_INSTRUMENTED};
extern "C" __attribute__((visibility("default"))) const ::gpuos_kernel_library* gpuos_kernel_library_v1(void) { return &__gpuos_library; }
