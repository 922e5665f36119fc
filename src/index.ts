export * from './errors.js';
export * from './kernel/index.js';
export { OsAbi, type AbiField, type AbiRecord, type AbiStruct } from './os/abi.js';
export { checkOsInvariants } from './os/invariants.js';
export { EVENT_TYPES, KEY_CODES, encodeEvent, type InputEvent, type Modifier, type NamedKey, type RawInputEvent } from './os/input_events.js';
export { QueueFullError, SessionStateError } from './os/os_errors.js';
export { loadOsKernel, osKernelPath, OS_KERNEL_NAME, OS_THREADS } from './os/os_kernel.js';
export type { FrameState, WidgetLayout, WidgetState } from './os/os_state.js';
export {
  BACKENDS,
  DEFAULT_DELTA_US,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  OsSession,
  frameSeed,
  openSession,
  type Backend,
  type FrameResult,
  type OpenSessionOptions,
  type StepOptions,
} from './os/session.js';
export { DEFAULT_THEME, compileScene, loadScene, MAX_SCENE_FILE_BYTES, type CompiledScene } from './scene/scene_compile.js';
export { SceneError } from './scene/scene_error.js';
export type { Scene, SceneWidget, Theme, WidgetKind } from './scene/scene_types.js';
export { decodePng, encodePng, PngError, readPng, writePng, type RgbaImage } from './golden/png.js';
