/**
 * fast-check arbitraries for property tests of gpuos scenes (package export
 * 'gpuos-replay/arbitraries'), and helpers that read what they generate.
 */
export { sceneArbitrary } from './scene_arbitrary.js';
export { STRESS_SCENE_OPTIONS, type ContainerKind, type SceneArbitraryOptions } from './scene_options.js';
export { allWidgets, countWidgets, describeScene, describeWidget, sceneDepth } from './scene_inspect.js';
export { eventStreamArbitrary } from './event_stream_arbitrary.js';
export { GESTURE_KINDS, type EventStreamOptions, type GestureKind } from './event_stream_options.js';
export { EVENTS_PER_FRAME, fitFramesToRing, mostQueued, pendingAfter, RING_CAPACITY, type EventFrame } from './event_stream_ring.js';
export { describeEventStream } from './event_stream_describe.js';
export { malformedEventArbitrary } from './event_malformed.js';
