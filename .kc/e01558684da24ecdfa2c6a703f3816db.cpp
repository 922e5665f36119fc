#include "cpu/gpuos_kernel_prelude.h"
#line 6 "/work/main/kernels/tests/prefix_scan.metal"
using namespace metal;

      void prefix_scan( const uint* input ,
                       uint* output ,
                       uint tid ,
                       uint lane ,
                       uint group ,
                       uint groups )
{
   auto& group_totals = ::gpuos_glue::threadgroup_variable<uint[32]>(0u, "group_totals"); 
   uint value = input[tid];
   uint inclusive = simd_prefix_inclusive_sum(value);


   uint total = simd_sum(value);
   if (lane == 0) {
       group_totals[group] = total;
   }
   threadgroup_barrier(mem_flags::mem_threadgroup);
   if (group == 0) {
       uint mine = lane < groups ? group_totals[lane] : 0;
       uint before = simd_prefix_exclusive_sum(mine);
       if (lane < groups) {
           group_totals[lane] = before;
       }
   }
   threadgroup_barrier(mem_flags::mem_threadgroup);
   output[tid] = inclusive + group_totals[group];
} static void __gpuos_entry_0(const ::gpuos_launch* __gpuos_launch, const ::gpuos_thread_ids* __gpuos_thread) { (void)__gpuos_launch; (void)__gpuos_thread; prefix_scan(::gpuos_glue::bind_buffer<const uint*>(__gpuos_launch, (0)), ::gpuos_glue::bind_buffer<uint*>(__gpuos_launch, (1)), ::gpuos_glue::bind_builtin<uint>(__gpuos_launch, __gpuos_thread, GPUOS_BUILTIN_THREAD_INDEX_IN_THREADGROUP), ::gpuos_glue::bind_builtin<uint>(__gpuos_launch, __gpuos_thread, GPUOS_BUILTIN_THREAD_INDEX_IN_SIMDGROUP), ::gpuos_glue::bind_builtin<uint>(__gpuos_launch, __gpuos_thread, GPUOS_BUILTIN_SIMDGROUP_INDEX_IN_THREADGROUP), ::gpuos_glue::bind_builtin<uint>(__gpuos_launch, __gpuos_thread, GPUOS_BUILTIN_SIMDGROUPS_PER_THREADGROUP)); } static const ::gpuos_param_desc __gpuos_params_0[] = {{"input", "device const uint*", GPUOS_PARAM_BUFFER, static_cast<unsigned>(0), ::gpuos_glue::param_info<const uint*>::is_reference, ::gpuos_glue::param_info<const uint*>::is_const, ::gpuos_glue::param_info<const uint*>::pointee_size, ::gpuos_glue::param_info<const uint*>::pointee_align}, {"output", "device uint*", GPUOS_PARAM_BUFFER, static_cast<unsigned>(1), ::gpuos_glue::param_info<uint*>::is_reference, ::gpuos_glue::param_info<uint*>::is_const, ::gpuos_glue::param_info<uint*>::pointee_size, ::gpuos_glue::param_info<uint*>::pointee_align}, {"tid", "uint", GPUOS_PARAM_BUILTIN, GPUOS_BUILTIN_THREAD_INDEX_IN_THREADGROUP, ::gpuos_glue::param_info<uint>::is_reference, ::gpuos_glue::param_info<uint>::is_const, ::gpuos_glue::param_info<uint>::pointee_size, ::gpuos_glue::param_info<uint>::pointee_align}, {"lane", "uint", GPUOS_PARAM_BUILTIN, GPUOS_BUILTIN_THREAD_INDEX_IN_SIMDGROUP, ::gpuos_glue::param_info<uint>::is_reference, ::gpuos_glue::param_info<uint>::is_const, ::gpuos_glue::param_info<uint>::pointee_size, ::gpuos_glue::param_info<uint>::pointee_align}, {"group", "uint", GPUOS_PARAM_BUILTIN, GPUOS_BUILTIN_SIMDGROUP_INDEX_IN_THREADGROUP, ::gpuos_glue::param_info<uint>::is_reference, ::gpuos_glue::param_info<uint>::is_const, ::gpuos_glue::param_info<uint>::pointee_size, ::gpuos_glue::param_info<uint>::pointee_align}, {"groups", "uint", GPUOS_PARAM_BUILTIN, GPUOS_BUILTIN_SIMDGROUPS_PER_THREADGROUP, ::gpuos_glue::param_info<uint>::is_reference, ::gpuos_glue::param_info<uint>::is_const, ::gpuos_glue::param_info<uint>::pointee_size, ::gpuos_glue::param_info<uint>::pointee_align}, }; static_assert(static_cast<unsigned long long>(0) <= 30u, "kernel 'prefix_scan': buffer index of 'input' must be from 0 to 30"); static_assert((0) != (1), "kernel 'prefix_scan': buffer arguments 'input' and 'output' use the same index"); static_assert(static_cast<unsigned long long>(1) <= 30u, "kernel 'prefix_scan': buffer index of 'output' must be from 0 to 30"); static const unsigned __gpuos_max_threads_0 = 0u;
#line 1 "<gpuos: kernel library descriptor>"
static const ::gpuos_kernel_desc __gpuos_kernels[] = {
  {"prefix_scan", "/work/main/kernels/tests/prefix_scan.metal", 8u, &::__gpuos_entry_0, ::__gpuos_params_0, 6u, ::__gpuos_max_threads_0},
};
static const ::gpuos_kernel_library __gpuos_library = {
  GPUOS_EMU_ABI_VERSION, "/work/main/kernels/tests/prefix_scan.metal", __gpuos_kernels, 1u, &::gpuos_glue::runtime, GPUOS_RACE_INSTRUMENTED};
extern "C" __attribute__((visibility("default"))) const ::gpuos_kernel_library* gpuos_kernel_library_v1(void) { return &__gpuos_library; }
