/**
 * fast-check arbitraries for property tests of gpuos scenes (package export
 * 'gpuos-replay/arbitraries'), and helpers that read what they generate.
 */
export { sceneArbitrary } from './scene_arbitrary.js';
export { STRESS_SCENE_OPTIONS, type ContainerKind, type SceneArbitraryOptions } from './scene_options.js';
export { allWidgets, countWidgets, describeScene, describeWidget, sceneDepth } from './scene_inspect.js';
