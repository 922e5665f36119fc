#include "cuda_driver.h"

#include <cuda.h>
#include <dlfcn.h>

#include <chrono>
#include <cstring>
#include <thread>

namespace gpuos::cuda {

namespace {

#define GPUOS_STRINGIFY_EXPANDED(name) GPUOS_STRINGIFY(name)
#define GPUOS_STRINGIFY(name) #name

// The driver entry points the backend uses. cuda.h maps some names to versioned symbols
// (cuMemAlloc -> cuMemAlloc_v2): the symbol looked up is the one the header's name expands to.
#define GPUOS_CUDA_FUNCTIONS(X) \
  X(cuInit)                     \
  X(cuDriverGetVersion)         \
  X(cuDeviceGetCount)           \
  X(cuDeviceGet)                \
  X(cuDeviceGetName)            \
  X(cuDeviceGetAttribute)       \
  X(cuDeviceTotalMem)           \
  X(cuDevicePrimaryCtxRetain)   \
  X(cuCtxSetCurrent)            \
  X(cuMemAlloc)                 \
  X(cuMemFree)                  \
  X(cuMemcpyHtoD)               \
  X(cuMemcpyDtoH)               \
  X(cuMemsetD8)                \
  X(cuModuleLoadData)           \
  X(cuModuleUnload)             \
  X(cuModuleGetFunction)        \
  X(cuFuncGetAttribute)         \
  X(cuFuncSetAttribute)         \
  X(cuLaunchKernel)             \
  X(cuEventCreate)              \
  X(cuEventRecord)              \
  X(cuEventQuery)               \
  X(cuEventElapsedTime)         \
  X(cuGetErrorName)             \
  X(cuGetErrorString)

struct Driver {
#define GPUOS_CUDA_POINTER(name) decltype(&::name) name = nullptr;
  GPUOS_CUDA_FUNCTIONS(GPUOS_CUDA_POINTER)
#undef GPUOS_CUDA_POINTER
  CUcontext context = nullptr;
  CUevent start = nullptr;
  CUevent stop = nullptr;
  bool broken = false;  // a kernel faulted: the context is gone
  std::string broken_reason;
};

Driver driver;
Availability state;
bool opened = false;

std::string describe(CUresult result) {
  const char* name = nullptr;
  const char* text = nullptr;
  if (driver.cuGetErrorName) driver.cuGetErrorName(result, &name);
  if (driver.cuGetErrorString) driver.cuGetErrorString(result, &text);
  return std::string(name ? name : "CUDA error " + std::to_string(static_cast<int>(result))) + (text ? std::string(": ") + text : "");
}

// Errors a kernel causes leave the context unusable until the process ends.
bool is_sticky(CUresult result) {
  switch (result) {
    case CUDA_ERROR_ILLEGAL_ADDRESS:
    case CUDA_ERROR_ILLEGAL_INSTRUCTION:
    case CUDA_ERROR_MISALIGNED_ADDRESS:
    case CUDA_ERROR_INVALID_ADDRESS_SPACE:
    case CUDA_ERROR_INVALID_PC:
    case CUDA_ERROR_LAUNCH_FAILED:
    case CUDA_ERROR_HARDWARE_STACK_ERROR:
    case CUDA_ERROR_ASSERT:
    case CUDA_ERROR_LAUNCH_TIMEOUT:
      return true;
    default:
      return false;
  }
}

bool check(CUresult result, const char* what, Error* error) {
  if (result == CUDA_SUCCESS) return true;
  if (error) {
    error->message = std::string(what) + " failed: " + describe(result);
    error->sticky = is_sticky(result);
  }
  if (is_sticky(result)) {
    driver.broken = true;
    driver.broken_reason = std::string(what) + ": " + describe(result);
  }
  return false;
}

// Usable now: the device opened, no earlier kernel broke the context, and it is current here.
bool ready(Error* error) {
  const Availability& a = availability();
  if (!a.available) {
    if (error) error->message = "the CUDA backend is not available: " + a.reason;
    return false;
  }
  if (driver.broken) {
    if (error) {
      error->message = "an earlier kernel left the GPU context unusable (" + driver.broken_reason + "); restart the process";
      error->sticky = true;
    }
    return false;
  }
  return check(driver.cuCtxSetCurrent(driver.context), "cuCtxSetCurrent", error);
}

void open_device() {
  void* library = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char* why = dlerror();
    state.reason = std::string("no NVIDIA driver: libcuda.so.1 could not be loaded (") + (why ? why : "not found") + ")";
    return;
  }
#define GPUOS_CUDA_LOOKUP(name)                                                                                     \
  driver.name = reinterpret_cast<decltype(driver.name)>(dlsym(library, GPUOS_STRINGIFY_EXPANDED(name)));            \
  if (!driver.name) {                                                                                               \
    state.reason = "the NVIDIA driver is too old: libcuda.so.1 has no " GPUOS_STRINGIFY_EXPANDED(name);             \
    return;                                                                                                         \
  }
  GPUOS_CUDA_FUNCTIONS(GPUOS_CUDA_LOOKUP)
#undef GPUOS_CUDA_LOOKUP
  CUresult result = driver.cuInit(0);
  if (result != CUDA_SUCCESS) {
    state.reason = "the NVIDIA driver did not start (cuInit: " + describe(result) + ")";
    return;
  }
  int count = 0;
  if (driver.cuDeviceGetCount(&count) != CUDA_SUCCESS || count == 0) {
    state.reason = "no CUDA device on this machine";
    return;
  }
  CUdevice device = 0;
  Error error;
  if (!check(driver.cuDeviceGet(&device, 0), "cuDeviceGet", &error) ||
      !check(driver.cuDevicePrimaryCtxRetain(&driver.context, device), "cuDevicePrimaryCtxRetain", &error) ||
      !check(driver.cuCtxSetCurrent(driver.context), "cuCtxSetCurrent", &error) ||
      !check(driver.cuEventCreate(&driver.start, CU_EVENT_DEFAULT), "cuEventCreate", &error) ||
      !check(driver.cuEventCreate(&driver.stop, CU_EVENT_DEFAULT), "cuEventCreate", &error)) {
    state.reason = "the CUDA device could not be opened (" + error.message + ")";
    return;
  }
  char name[256] = {};
  driver.cuDeviceGetName(name, sizeof name - 1, device);
  state.device.name = name;
  driver.cuDeviceGetAttribute(&state.device.compute_major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
  driver.cuDeviceGetAttribute(&state.device.compute_minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
  driver.cuDeviceGetAttribute(&state.device.max_shared_bytes_per_block, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, device);
  driver.cuDriverGetVersion(&state.device.driver_version);
  std::size_t memory = 0;
  driver.cuDeviceTotalMem(&memory, device);
  state.device.memory_bytes = memory;
  if (state.device.compute_major < 7) {
    state.reason = "the GPU (" + state.device.name + ", compute capability " + std::to_string(state.device.compute_major) + "." +
                   std::to_string(state.device.compute_minor) +
                   ") predates independent thread scheduling (7.0), which Metal's SIMD-group semantics need here";
    return;
  }
  state.available = true;
}

}  // namespace

const Availability& availability() {
  if (!opened) {
    opened = true;
    open_device();
  }
  return state;
}

Buffer::~Buffer() { release(); }

bool Buffer::allocate(std::size_t bytes, Error* error) {
  if (!ready(error)) return false;
  CUdeviceptr pointer = 0;
  if (!check(driver.cuMemAlloc(&pointer, bytes), "cuMemAlloc", error)) return false;
  // Fresh device memory holds whatever was there; the emulator's is zeroed. Same start, same frames.
  if (!check(driver.cuMemsetD8(pointer, 0, bytes), "cuMemsetD8", error)) {
    driver.cuMemFree(pointer);
    return false;
  }
  pointer_ = pointer;
  size_ = bytes;
  return true;
}

void Buffer::release() {
  if (pointer_ != 0 && !driver.broken && driver.context) {
    driver.cuCtxSetCurrent(driver.context);
    driver.cuMemFree(pointer_);
  }
  pointer_ = 0;
  size_ = 0;
}

bool Buffer::write(const void* data, std::size_t bytes, std::size_t offset, Error* error) {
  if (bytes == 0) return true;
  return ready(error) && check(driver.cuMemcpyHtoD(pointer_ + offset, data, bytes), "cuMemcpyHtoD", error);
}

bool Buffer::read(void* data, std::size_t bytes, std::size_t offset, Error* error) const {
  if (bytes == 0) return true;
  return ready(error) && check(driver.cuMemcpyDtoH(data, pointer_ + offset, bytes), "cuMemcpyDtoH", error);
}

Module::~Module() {
  if (module_ && !driver.broken && driver.context) {
    driver.cuCtxSetCurrent(driver.context);
    driver.cuModuleUnload(static_cast<CUmodule>(module_));
  }
}

bool Module::load(const std::vector<unsigned char>& image, Error* error) {
  if (!ready(error)) return false;
  CUmodule module = nullptr;
  if (!check(driver.cuModuleLoadData(&module, image.data()), "cuModuleLoadData", error)) return false;
  module_ = module;
  return true;
}

bool Module::attributes(const std::string& entry, int* registers, int* local_bytes, int* shared_bytes, Error* error) {
  if (!ready(error)) return false;
  CUfunction function = nullptr;
  if (!check(driver.cuModuleGetFunction(&function, static_cast<CUmodule>(module_), entry.c_str()), "cuModuleGetFunction", error)) return false;
  driver.cuFuncGetAttribute(registers, CU_FUNC_ATTRIBUTE_NUM_REGS, function);
  driver.cuFuncGetAttribute(local_bytes, CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES, function);
  driver.cuFuncGetAttribute(shared_bytes, CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES, function);
  return true;
}

bool Module::launch(const std::string& entry, const LaunchRequest& request, LaunchResult* result, Error* error) {
  if (!ready(error)) return false;
  CUfunction function = nullptr;
  if (!check(driver.cuModuleGetFunction(&function, static_cast<CUmodule>(module_), entry.c_str()), "cuModuleGetFunction", error)) return false;

  gpuos_cuda_launch record;
  std::memset(&record, 0, sizeof record);
  for (unsigned i = 0; i < GPUOS_CUDA_MAX_BUFFER_BINDINGS; ++i) {
    record.buffers[i] = request.buffers[i] ? reinterpret_cast<void*>(request.buffers[i]->device_pointer()) : nullptr;
  }
  // Threadgroup arguments are laid out one after another in dynamic shared memory, 16-aligned.
  std::size_t dynamic_bytes = 0;
  for (unsigned i = 0; i < GPUOS_CUDA_MAX_THREADGROUP_BINDINGS; ++i) {
    record.threadgroup_offsets[i] = static_cast<unsigned>(dynamic_bytes);
    dynamic_bytes += (request.threadgroup_bytes[i] + 15) / 16 * 16;
  }
  for (int d = 0; d < 3; ++d) record.threads_per_threadgroup[d] = request.threads[d];
  if (dynamic_bytes > 48 * 1024 &&
      !check(driver.cuFuncSetAttribute(function, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, static_cast<int>(dynamic_bytes)),
             "cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES)", error)) {
    return false;
  }

  Buffer clock;
  Buffer count;
  if (request.barrier_clock_capacity > 0) {
    if (!clock.allocate(std::size_t{request.barrier_clock_capacity} * 16, error) || !count.allocate(4, error)) return false;
    record.barrier_clock = reinterpret_cast<unsigned long long*>(clock.device_pointer());
    record.barrier_clock_count = reinterpret_cast<unsigned int*>(count.device_pointer());
    record.barrier_clock_capacity = request.barrier_clock_capacity;
  }

  void* parameters[] = {&record};
  if (!check(driver.cuEventRecord(driver.start, nullptr), "cuEventRecord", error)) return false;
  if (!check(driver.cuLaunchKernel(function, 1, 1, 1, request.threads[0], request.threads[1], request.threads[2],
                                   static_cast<unsigned>(dynamic_bytes), nullptr, parameters, nullptr),
             "cuLaunchKernel", error)) {
    return false;
  }
  if (!check(driver.cuEventRecord(driver.stop, nullptr), "cuEventRecord", error)) return false;
  // Wait, but not forever: a kernel that never returns is reported, not waited on.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(request.timeout_seconds);
  for (auto pause = std::chrono::microseconds(2);; pause = std::min(pause * 2, std::chrono::microseconds(1000))) {
    const CUresult status = driver.cuEventQuery(driver.stop);
    if (status == CUDA_SUCCESS) break;
    if (status != CUDA_ERROR_NOT_READY) return check(status, "the kernel", error);
    if (std::chrono::steady_clock::now() > deadline) {
      driver.broken = true;
      driver.broken_reason = "a kernel ran past its " + std::to_string(request.timeout_seconds) + " s limit";
      if (error) {
        error->message = "the kernel did not finish within " + std::to_string(request.timeout_seconds) +
                         " s (an endless loop, or a barrier some threads never reach?); the GPU is still running it, so "
                         "this process cannot use CUDA again";
        error->sticky = true;
      }
      return false;
    }
    std::this_thread::sleep_for(pause);
  }
  float ms = 0;
  if (!check(driver.cuEventElapsedTime(&ms, driver.start, driver.stop), "cuEventElapsedTime", error)) return false;
  result->gpu_ms = ms;
  if (request.barrier_clock_capacity > 0) {
    unsigned seen = 0;
    if (!count.read(&seen, 4, 0, error)) return false;
    result->barrier_count = seen;
    result->barrier_clock.resize(2 * std::size_t{std::min(seen, request.barrier_clock_capacity)});
    if (!clock.read(result->barrier_clock.data(), result->barrier_clock.size() * 8, 0, error)) return false;
  }
  return true;
}

}  // namespace gpuos::cuda
