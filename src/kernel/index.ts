export type { BarrierObserver, BarrierRelease, ThreadgroupVariableInfo } from './barrier_observer.js';
export { compileKernel, translateKernel, MAX_KERNEL_SOURCE_BYTES, type CompileKernelOptions, type TranslatedKernel } from './compile.js';
export { DeviceBuffer, MAX_DEVICE_BUFFER_BYTES } from './device_buffer.js';
export {
  DEFAULT_SEED,
  DEFAULT_STACK_BYTES,
  DEFAULT_WATCHDOG_MS,
  MAX_THREADS_PER_THREADGROUP,
  THREADGROUP_MEMORY_BYTES,
  type Bindings,
  type DispatchOptions,
} from './dispatch_options.js';
export { EmulatorError, type EmulatorErrorCode, type EmulatorWarning, type EmulatorWarningCode, type Finding, type SourceSite, type ThreadGroupReport } from './emulator_error.js';
export type { RaceAccess, RaceDetails, RaceSourceLine } from './race_report.js';
export type { ScheduleOptions } from './dispatch_options.js';
export { Kernel, KernelLibrary, type DispatchResult } from './kernel_library.js';
export type { BarrierDigest, BarrierMark, NativeStats as DispatchStats, ScheduleDecisions } from './native.js';
export { findToolchain, type Toolchain } from './toolchain.js';
export { BACKEND_NAMES, listBackends, type BackendName, type BackendStatus } from './backends.js';
export { buildCudaImage, CudaKernel, CudaKernelLibrary, type CudaDispatchResult } from './cuda/cuda_library.js';
