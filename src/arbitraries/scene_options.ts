/**
 * The options of sceneArbitrary: what a property may ask for, their defaults, and the stress
 * preset. resolveSceneOptions checks them against the OS's limits and fills in the defaults.
 */
import { MAX_DEPTH, MAX_TEXT_LENGTH, MAX_WIDGETS } from '../scene/scene_validate.js';
import { WIDGET_KINDS, type WidgetKind } from '../scene/scene_types.js';

export type ContainerKind = 'row' | 'column' | 'scroll';

/** What sceneArbitrary generates. Every option is optional; the defaults suit ordinary properties. */
export interface SceneArbitraryOptions {
  /**
   * The most widgets in a scene, the root included: 1 (just the root) to 256 (the OS's limit).
   * Default 24. Scenes of every size from 1 up to it are generated, small ones more often.
   */
  maxWidgets?: number;
  /**
   * The deepest a widget may sit below the root: 0 (just the root) to 8 (the OS's limit).
   * Default 4.
   */
  maxDepth?: number;
  /**
   * The most children of one container (the root included), 0 to 255. Default: no limit but
   * maxWidgets.
   */
  maxChildren?: number;
  /**
   * The kinds widgets below the root may have (containers among them nest further; without any
   * container the tree is the root and its children). Default: all nine kinds.
   */
  kinds?: readonly WidgetKind[];
  /** The kinds the root may have, among row, column and scroll. Default: all three. */
  rootKinds?: readonly ContainerKind[];
  /**
   * The longest text of one widget, 0 to 4096. Default 32. Short texts are the most common
   * whatever the limit; a text field's text is also kept within its capacity, and the whole scene
   * within the OS's 32 KiB text pool (text-field capacities count).
   */
  maxTextLength?: number;
  /**
   * 'small' (default): fixed sizes, min/max sizes, padding and gaps are small (sizes up to 160 px,
   * padding and gaps up to 12), so layouts of a few widgets stay on a 320x240 screen. 'any': anything
   * the format allows (sizes and gaps up to 4096, padding up to 1024), the edges included.
   */
  sizes?: 'small' | 'any';
  /** Whether widgets (and so whole subtrees, and sometimes the root) may be hidden. Default true. */
  allowHidden?: boolean;
  /** Whether widgets may be disabled. Default true. */
  allowDisabled?: boolean;
  /**
   * Ids: true (default) gives some widgets one, mostly readable (`button2`), sometimes any valid
   * identifier up to 64 characters; 'all' gives every widget a readable one (`column1`, `label3`),
   * handy for reading counterexamples and for finding widgets by id; false gives none. Ids are
   * always unique in the scene.
   */
  ids?: boolean | 'all';
  /** Whether colours (widget colours, a theme) occasionally appear. Default true. */
  colors?: boolean;
}

/**
 * Stress-sized scenes: up to 256 widgets, 8 levels deep, texts up to 4096 characters (so the
 * 32 KiB text pool fills up), sizes anywhere in the format's range. A fair share of the scenes
 * have 200+ widgets; some reach depth 8 or fill the text pool to within a few percent.
 */
export const STRESS_SCENE_OPTIONS: Readonly<SceneArbitraryOptions> = Object.freeze({
  maxWidgets: MAX_WIDGETS,
  maxDepth: MAX_DEPTH,
  maxTextLength: MAX_TEXT_LENGTH,
  sizes: 'any',
});

export interface ResolvedSceneOptions {
  maxWidgets: number;
  maxDepth: number;
  maxChildren: number;
  kinds: readonly WidgetKind[];
  rootKinds: readonly ContainerKind[];
  maxTextLength: number;
  sizes: 'small' | 'any';
  allowHidden: boolean;
  allowDisabled: boolean;
  ids: boolean | 'all';
  colors: boolean;
}

function wholeNumber(name: string, value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`sceneArbitrary: ${name} must be a whole number from ${min} to ${max}, got ${value}`);
  return value;
}

/** Checks the options (a RangeError names a bad one) and fills in the defaults. */
export function resolveSceneOptions(options: SceneArbitraryOptions = {}): ResolvedSceneOptions {
  const maxWidgets = wholeNumber('maxWidgets', options.maxWidgets, 1, MAX_WIDGETS, 24);
  const kinds = options.kinds ?? WIDGET_KINDS;
  for (const kind of kinds) if (!WIDGET_KINDS.includes(kind)) throw new RangeError(`sceneArbitrary: unknown kind '${String(kind)}' in kinds`);
  const rootKinds = options.rootKinds ?? ['column', 'row', 'scroll'];
  if (rootKinds.length === 0) throw new RangeError('sceneArbitrary: rootKinds needs at least one of row, column, scroll');
  for (const kind of rootKinds) if (!['row', 'column', 'scroll'].includes(kind)) throw new RangeError(`sceneArbitrary: the root must be a row, column or scroll, not '${String(kind)}'`);
  if (options.sizes !== undefined && options.sizes !== 'small' && options.sizes !== 'any') throw new RangeError(`sceneArbitrary: sizes must be 'small' or 'any'`);
  return {
    maxWidgets,
    maxDepth: wholeNumber('maxDepth', options.maxDepth, 0, MAX_DEPTH, 4),
    maxChildren: wholeNumber('maxChildren', options.maxChildren, 0, MAX_WIDGETS - 1, MAX_WIDGETS - 1),
    kinds,
    rootKinds,
    maxTextLength: wholeNumber('maxTextLength', options.maxTextLength, 0, MAX_TEXT_LENGTH, 32),
    sizes: options.sizes ?? 'small',
    allowHidden: options.allowHidden ?? true,
    allowDisabled: options.allowDisabled ?? true,
    ids: options.ids ?? true,
    colors: options.colors ?? true,
  };
}
