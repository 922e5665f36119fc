#include "dispatch_validation.h"

namespace gpuos::emu {

namespace {

bool fail(Finding& error, const char* code, std::string message) {
  error.code = code;
  error.message = std::move(message);
  return false;
}

std::string param_label(const gpuos_param_desc& param, const char* space) {
  return std::string(space) + "(" + std::to_string(param.index) + ") '" + param.name + "'";
}

}  // namespace

bool validate_dispatch(const DispatchRequest& request, Finding& error) {
  const gpuos_kernel_desc* kernel = request.kernel;
  if (!kernel) return fail(error, code::kInvalidDispatch, "no kernel given");
  const std::string prefix = std::string("kernel '") + kernel->name + "': ";

  std::uint64_t threads = 1;
  for (std::uint32_t extent : request.threads) {
    // Each extent is bounded first, so the product cannot wrap.
    if (extent == 0 || extent > GPUOS_MAX_THREADS_PER_THREADGROUP) {
      return fail(error, code::kInvalidDispatch, prefix + "every dimension of threads must be from 1 to 1024");
    }
    threads *= extent;
  }
  if (threads > GPUOS_MAX_THREADS_PER_THREADGROUP) {
    return fail(error, code::kInvalidDispatch,
                prefix + "a threadgroup holds at most 1024 threads, this dispatch asks for " + std::to_string(threads));
  }
  if (kernel->max_total_threads_per_threadgroup != 0 && threads > kernel->max_total_threads_per_threadgroup) {
    return fail(error, code::kInvalidDispatch,
                prefix + "declares [[max_total_threads_per_threadgroup(" +
                    std::to_string(kernel->max_total_threads_per_threadgroup) + ")]] but the dispatch asks for " +
                    std::to_string(threads) + " threads");
  }
  if (request.stack_bytes < kMinStackBytes || request.stack_bytes > kMaxStackBytes) {
    return fail(error, code::kInvalidDispatch,
                prefix + "stackBytes must be between " + std::to_string(kMinStackBytes) + " and " +
                    std::to_string(kMaxStackBytes));
  }
  if (request.watchdog_ms == 0 || request.watchdog_ms > kMaxWatchdogMs) {
    return fail(error, code::kInvalidDispatch, prefix + "watchdogMs must be between 1 and " + std::to_string(kMaxWatchdogMs));
  }

  std::uint64_t threadgroup_bytes = 0;
  for (std::uint32_t i = 0; i < GPUOS_MAX_THREADGROUP_BINDINGS; ++i) {
    const std::uint32_t bytes = request.threadgroup_memory_bytes[i];
    if (bytes % 16 != 0) {
      return fail(error, code::kInvalidDispatch,
                  prefix + "threadgroup(" + std::to_string(i) + ") length " + std::to_string(bytes) +
                      " is not a multiple of 16 bytes, which Metal requires");
    }
    threadgroup_bytes += bytes;
  }
  if (threadgroup_bytes > GPUOS_THREADGROUP_MEMORY_LIMIT_BYTES) {
    return fail(error, code::kThreadgroupMemoryLimit,
                prefix + "the [[threadgroup(n)]] lengths add up to " + std::to_string(threadgroup_bytes) +
                    " bytes, more than the 32768 bytes of threadgroup memory Apple GPUs have");
  }

  for (std::uint32_t p = 0; p < kernel->param_count; ++p) {
    const gpuos_param_desc& param = kernel->params[p];
    if (param.kind == GPUOS_PARAM_BUFFER) {
      if (param.index >= GPUOS_MAX_BUFFER_BINDINGS) {
        return fail(error, code::kInvalidDispatch, prefix + param_label(param, "buffer") + " uses an index above 30");
      }
      const BufferBinding& binding = request.buffers[param.index];
      if (!binding.data) {
        return fail(error, code::kInvalidDispatch,
                    prefix + param_label(param, "buffer") + " (" + param.type_spelling +
                        ") has no buffer bound; pass one at index " + std::to_string(param.index));
      }
      if (param.is_reference && binding.size < param.pointee_size) {
        return fail(error, code::kInvalidDispatch,
                    prefix + param_label(param, "buffer") + " is a reference to " + std::to_string(param.pointee_size) +
                        " bytes but the bound buffer holds " + std::to_string(binding.size));
      }
    } else if (param.kind == GPUOS_PARAM_THREADGROUP) {
      if (param.index >= GPUOS_MAX_THREADGROUP_BINDINGS) {
        return fail(error, code::kInvalidDispatch, prefix + param_label(param, "threadgroup") + " uses an index above 30");
      }
      if (request.threadgroup_memory_bytes[param.index] == 0) {
        return fail(error, code::kInvalidDispatch,
                    prefix + param_label(param, "threadgroup") + " has no length (0 bytes); pass threadgroupMemory { " +
                        std::to_string(param.index) + ": bytes }");
      }
    }
  }
  return true;
}

}  // namespace gpuos::emu
