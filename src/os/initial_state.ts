/**
 * The OS's device memory before its first frame: the compiled scene's widgets and text, the
 * framebuffer size, an empty input ring, and nothing focused, hovered or pressed. Everything the
 * kernel computes (layout, primitives, animations) starts at zero and is filled in by frame 1.
 */
import { checkCompiledScene } from '../scene/compiled_scene_check.js';
import type { CompiledScene } from '../scene/scene_compile.js';
import { OsAbi } from './abi.js';

export function buildInitialState(scene: CompiledScene, width: number, height: number): Uint8Array {
  checkCompiledScene(scene);
  const abi = OsAbi.get();
  const bytes = new Uint8Array(abi.struct('gpuos_os_state').size);
  const view = new DataView(bytes.buffer);
  const at = (...path: (string | number)[]): number => abi.offsetOf('gpuos_os_state', path);
  const noWidget = abi.constant('GPUOS_NO_WIDGET');

  abi.write('gpuos_os_state', view, 0, {
    abi_version: abi.constant('GPUOS_ABI_VERSION'),
    widget_count: scene.widgets.length,
    root: 0,
    text_used: scene.text.byteLength,
  });
  abi.write('gpuos_frame_input', view, at('input', 0), { width, height });
  abi.write('gpuos_frame_state', view, at('frame', 0), { focused: noWidget, hovered: noWidget, pressed: noWidget });
  scene.widgets.forEach((record, index) => abi.write('gpuos_widget', view, at('widgets', index), record));
  bytes.set(scene.text, at('text'));
  return bytes;
}
