export * from './errors.js';
export * from './kernel/index.js';
export { OsAbi, type AbiField, type AbiRecord, type AbiStruct } from './os/abi.js';
export { checkOsInvariants } from './os/invariants.js';
export { EVENT_TYPES, KEY_CODES, encodeEvent, type InputEvent, type Modifier, type NamedKey, type RawInputEvent } from './os/input_events.js';
export { QueueFullError, SessionStateError } from './os/os_errors.js';
export { loadOsKernel, osKernelPath, OS_KERNEL_NAME, OS_THREADS } from './os/os_kernel.js';
export type { FrameState, WidgetLayout, WidgetState } from './os/os_state.js';
export { decodeOsScratch, OS_SCRATCH_VARIABLE, readOsScratch, type OsScratch } from './os/os_scratch.js';
export { OS_PHASES, osPhaseBarriers, osPhaseOf, type OsPhase, type OsPhaseBarrier } from './os/os_phases.js';
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
export { compareImages, type CompareOptions, type ComparisonResult } from './golden/compare.js';
export { checkGolden, goldenPath, isCi, obsoleteGoldens, type GoldenPolicy, type GoldenResult, type GoldenStatus } from './golden/golden_store.js';
export type { FrameRequest, HostOperation, SessionObserver } from './os/host_operations.js';
export { DIGEST_BLOCK_SIZE, digestBlockCount, type DeviceCapture, type DeviceSnapshot } from './os/session.js';
export { loadScenario, resolveScene, ScenarioError, validateScenario, type LoadedScenario, type Scenario, type Step, type Target } from './recorder/scenario.js';
export { recordScenario, type RecordScenarioOptions } from './recorder/scenario_runner.js';
export { DEFAULT_CHECKPOINT_INTERVAL, TraceRecorder, type RecorderOptions, type RecordingSummary } from './recorder/trace_recorder.js';
export { describeDivergence, type Divergence, type FieldDifference } from './replayer/divergence.js';
export { replayTrace, type DivergenceReport, type ReplayReport, type ReplayTraceOptions } from './replayer/replay_trace.js';
export { Replayer, type FrameCheck, type ReplayerOptions } from './replayer/replayer.js';
export { writeHtmlReport } from './report/html_report.js';
export { decodeEvents, encodeEvents } from './trace/event_codec.js';
export { TRACE_FORMAT_VERSION } from './trace/record_framing.js';
export { TraceError, type TraceErrorCode } from './trace/trace_error.js';
export { Trace, type CheckpointEntry, type OpenTraceOptions } from './trace/trace_reader.js';
export type { CheckpointRecord, EndRecord, FrameRecord, BlockDigest, GoldenMark, TraceConfig, TraceHeader } from './trace/trace_types.js';
export { TraceWriter } from './trace/trace_writer.js';
export { decodeScript, encodeScript, exploreSchedules, STRATEGIES, type ExploreOptions, type ExploreReport, type MemoryDifference, type Outcome, type PartingPoint, type ScheduleReference, type ScheduleRunResult, type ScheduleTarget, type Strategy } from './verify/explore.js';
export { MAX_INPUT_BUFFER_BYTES, readInputsFile, resolveInputs, type BufferSpec, type ElementType, type KernelInputs, type ResolvedInputs } from './verify/kernel_inputs.js';
export { formatVerifyReport, kernelDispatch, verifyKernel, type KernelDispatch, type VerifyKernelOptions, type VerifyKernelReport } from './verify/verify_kernel.js';
export { minimizeTrace, type InputCounts, type MinimizeOptions, type MinimizeProgress, type MinimizeSummary } from './minimize/minimize_trace.js';
export { MinimizeError, type Condition, type ConditionOptions } from './minimize/conditions.js';
