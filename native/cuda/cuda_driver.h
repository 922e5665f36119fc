// The CUDA backend's host side: the NVIDIA driver API, loaded at run time (dlopen of
// libcuda.so.1), so the addon builds with only the toolkit's headers and loads on machines with no
// driver at all; there it says why CUDA is unavailable instead of failing to load.
//
// One device (the first), its primary context, one stream. Everything here runs on the calling
// thread and returns errors as values: the addon turns them into typed JavaScript errors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../msl/cuda/gpuos_cuda_abi.h"

namespace gpuos::cuda {

struct DeviceInfo {
  std::string name;
  int compute_major = 0;
  int compute_minor = 0;
  int driver_version = 0;  // e.g. 13000 for CUDA 13.0
  std::uint64_t memory_bytes = 0;
  int max_shared_bytes_per_block = 0;  // with opt-in
};

// Why the backend cannot run here (empty when it can), and the device when it can.
struct Availability {
  bool available = false;
  std::string reason;
  DeviceInfo device;
};

// Loads the driver and opens the device on first call; later calls return the same answer.
const Availability& availability();

// A failed driver call: its name and the driver's message. After an error in a kernel (an illegal
// address, a trap) the context is unusable: `sticky` says so, and every later call fails.
struct Error {
  std::string message;
  bool sticky = false;
};

class Buffer {
 public:
  Buffer() = default;
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  bool allocate(std::size_t bytes, Error* error);
  void release();
  bool write(const void* data, std::size_t bytes, std::size_t offset, Error* error);
  bool read(void* data, std::size_t bytes, std::size_t offset, Error* error) const;
  std::uint64_t device_pointer() const { return pointer_; }
  std::size_t size() const { return size_; }
  bool released() const { return pointer_ == 0; }

 private:
  std::uint64_t pointer_ = 0;
  std::size_t size_ = 0;
};

struct LaunchRequest {
  unsigned threads[3] = {1, 1, 1};
  const Buffer* buffers[GPUOS_CUDA_MAX_BUFFER_BINDINGS] = {};
  std::size_t threadgroup_bytes[GPUOS_CUDA_MAX_THREADGROUP_BINDINGS] = {};
  unsigned barrier_clock_capacity = 0;  // 0: no profile
  double timeout_seconds = 10;
};

struct LaunchResult {
  double gpu_ms = 0;  // the launch's time on the GPU, from events around it
  std::vector<std::uint64_t> barrier_clock;  // (ns, .metal line) pairs: the kernel's start, then each barrier release
  unsigned barrier_count = 0;                    // releases seen (may exceed the clock's capacity)
};

class Module {
 public:
  Module() = default;
  ~Module();
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  bool load(const std::vector<unsigned char>& image, Error* error);
  // Finds `entry` (a translated kernel's extern "C" wrapper) and runs one block of it, waiting for
  // it to finish (at most request.timeout_seconds: a kernel that never ends leaves the GPU busy and
  // the backend unusable, which the error says).
  bool launch(const std::string& entry, const LaunchRequest& request, LaunchResult* result, Error* error);
  // Registers, local memory and static shared memory of `entry`, for reports.
  bool attributes(const std::string& entry, int* registers, int* local_bytes, int* shared_bytes, Error* error);

 private:
  void* module_ = nullptr;
};

}  // namespace gpuos::cuda
