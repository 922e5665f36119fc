import { GpuosError } from '../errors.js';

/** A scene that cannot be used: `path` points at the offending value, e.g. root.children[2].width. */
export class SceneError extends GpuosError {
  readonly path: string;

  constructor(path: string, problem: string, source?: string) {
    super('E_SCENE_INVALID', `${source ? `${source}: ` : ''}${path}: ${problem}`);
    this.path = path;
  }
}
