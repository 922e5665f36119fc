/**
 * Arbitraries of one widget's properties, without its children and id (scene_assemble.ts adds
 * those, and the budgets shared by the whole scene). Every optional property comes from `maybe`,
 * which shrinks to "absent", and every number shrinks towards 0 or the smallest valid value, so a
 * shrunk widget says little more than its kind. Local rules (min <= max, value within min..max,
 * a text field's text within its capacity) are kept by mapping, never by filtering.
 */
import fc from 'fast-check';

import { DEFAULT_CAPACITY, MAX_CAPACITY, MAX_SIZE } from '../scene/scene_validate.js';
import type { CrossAlign, MainAlign, Padding, SceneWidget, Theme, WidgetKind } from '../scene/scene_types.js';
import type { ResolvedSceneOptions } from './scene_options.js';

/** A widget before assembly: `id` is a wished-for id, '' for a readable one made up from the kind. */
export interface WidgetDraft {
  widget: SceneWidget;
  id?: string;
}

/** Printable ASCII, letters first so that shrunk text reads "aaa". */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const CHAR = fc.constantFrom(...ALPHABET);
const HEX = fc.constantFrom(...'0123456789abcdefABCDEF');
const MAIN_ALIGNS: readonly MainAlign[] = ['start', 'center', 'end', 'space-between'];
const CROSS_ALIGNS: readonly CrossAlign[] = ['start', 'center', 'end', 'stretch'];
const VALUE_LIMIT = 1_000_000;

/** `arb` with weight `present`, or undefined with weight `absent`; shrinks to undefined. */
export function maybe<T>(arb: fc.Arbitrary<T>, absent: number, present: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(undefined), weight: absent }, { arbitrary: arb, weight: present });
}

/** The object without its undefined properties. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Printable ASCII text up to maxLength: mostly a short word, sometimes (when maxLength allows) a
 * long one made of a repeated chunk, so thousands of characters cost a few random draws. Shrinks
 * to shorter text of 'a's.
 */
export function textArbitrary(maxLength: number): fc.Arbitrary<string> {
  const shortLength = Math.min(maxLength, 12);
  const short = fc.string({ unit: CHAR, maxLength: shortLength });
  if (maxLength <= shortLength) return short;
  const long = fc
    .tuple(fc.string({ unit: CHAR, minLength: 1, maxLength: 16 }), fc.integer({ min: 1, max: maxLength }))
    .map(([chunk, length]) => chunk.repeat(Math.ceil(length / chunk.length)).slice(0, length));
  return fc.oneof({ withCrossShrink: true }, { arbitrary: short, weight: 5 }, { arbitrary: long, weight: 1 });
}

/** "#rgb", "#rrggbb" or "#rrggbbaa", either case. */
export const colorArbitrary: fc.Arbitrary<string> = fc
  .oneof(...[3, 6, 8].map((digits) => fc.string({ unit: HEX, minLength: digits, maxLength: digits })))
  .map((hex) => `#${hex}`);

/** An id the validator accepts: a letter or _, then up to 63 of letters, digits, _ . - */
const idStringArbitrary: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_'), fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-'), maxLength: 63 }))
  .map(([first, rest]) => first + rest);

interface Scale {
  size: number;
  padding: number;
  gap: number;
  border: number;
  radius: number;
}

const SCALES: Record<'small' | 'any', Scale> = {
  small: { size: 160, padding: 12, gap: 12, border: 4, radius: 16 },
  any: { size: MAX_SIZE, padding: 1024, gap: MAX_SIZE, border: MAX_SIZE, radius: MAX_SIZE },
};

/** The arbitraries of one options set, built once and shared by every kind. */
class WidgetArbitraries {
  private readonly scale: Scale;
  private readonly size: fc.Arbitrary<number>;
  private readonly text: fc.Arbitrary<string>;

  constructor(private readonly options: ResolvedSceneOptions) {
    this.scale = SCALES[options.sizes];
    this.size = fc.integer({ min: 0, max: this.scale.size });
    this.text = textArbitrary(options.maxTextLength);
  }

  /** Sizes, limits, padding, grow, alignment, font, colours and flags: what every kind takes. */
  common(root: boolean): fc.Arbitrary<Partial<SceneWidget>> {
    const { size, scale, options } = this;
    const padding: fc.Arbitrary<Padding> = fc.oneof(
      fc.integer({ min: 0, max: scale.padding }),
      fc.tuple(fc.integer({ min: 0, max: scale.padding }), fc.integer({ min: 0, max: scale.padding })),
      fc.tuple(...[0, 1, 2, 3].map(() => fc.integer({ min: 0, max: scale.padding }))) as fc.Arbitrary<[number, number, number, number]>,
    );
    const grow = fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 4 }, { arbitrary: fc.integer({ min: 4, max: 1000 }), weight: 1 });
    const limits = fc.record({ minWidth: maybe(size, 1, 1), maxWidth: maybe(size, 1, 1), minHeight: maybe(size, 1, 1), maxHeight: maybe(size, 1, 1) }).map(orderLimits);
    const color = options.colors ? maybe(colorArbitrary, 1, 1) : fc.constant(undefined);
    const style = fc.record({
      background: color,
      foreground: color,
      accent: color,
      borderColor: color,
      borderWidth: maybe(fc.integer({ min: 0, max: scale.border }), 1, 1),
      cornerRadius: maybe(fc.integer({ min: 0, max: scale.radius }), 1, 1),
    });
    const flag = (allowed: boolean) => (allowed ? maybe(fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }), 14, 1) : fc.constant(undefined));
    return fc
      .record({
        // The root fills the framebuffer whatever its own size, min, max and grow say (L3), so
        // it gets them only now and then: enough to check that they are ignored.
        width: maybe(size, root ? 12 : 2, 1),
        height: maybe(size, root ? 12 : 2, 1),
        limits: maybe(limits, root ? 12 : 5, 1),
        grow: maybe(grow, root ? 12 : 3, 2),
        padding: maybe(padding, 2, 1),
        crossAlign: maybe(fc.constantFrom(...CROSS_ALIGNS), 2, 1),
        font: maybe(fc.constantFrom('body' as const, 'title' as const), 4, 1),
        style: maybe(style, 9, 1),
        hidden: flag(options.allowHidden),
        disabled: flag(options.allowDisabled),
      })
      .map(({ limits: l, style: s, ...rest }) => compact({ ...rest, ...l, ...s }));
  }

  /** The properties a kind has of its own. */
  own(kind: WidgetKind, root: boolean): fc.Arbitrary<Partial<SceneWidget>> {
    const { scale, text } = this;
    switch (kind) {
      case 'row':
      case 'column':
      case 'scroll': {
        const container = fc.record({ gap: maybe(fc.integer({ min: 0, max: scale.gap }), 1, 1), align: maybe(fc.constantFrom(...MAIN_ALIGNS), 1, 1) });
        if (kind !== 'scroll' || root) return container.map(compact);
        // A scroll view needs a height or grow for a viewport; a short one so content overflows it.
        const viewportHeight = this.options.sizes === 'small' ? fc.integer({ min: 0, max: 96 }) : fc.oneof(fc.integer({ min: 0, max: 96 }), this.size);
        const viewport = fc.oneof(
          { withCrossShrink: true },
          { arbitrary: fc.constant({}), weight: 1 },
          { arbitrary: fc.record({ height: viewportHeight }), weight: 6 },
          { arbitrary: fc.record({ grow: fc.integer({ min: 1, max: 3 }) }), weight: 3 },
        );
        return fc.tuple(container, viewport).map(([c, v]) => compact({ ...c, ...v }));
      }
      case 'label':
      case 'button':
        return fc.record({ text: maybe(text, 1, 6) }).map(compact);
      case 'toggle':
        return fc.record({ text: maybe(text, 1, 4), checked: maybe(fc.boolean(), 1, 1) }).map(compact);
      case 'textField':
        return fc
          .record({ text: maybe(text, 1, 2), capacity: maybe(fc.oneof({ arbitrary: fc.integer({ min: 1, max: 64 }), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: MAX_CAPACITY }), weight: 1 }), 1, 1) })
          .map(fitCapacity);
      case 'slider':
      case 'progress': {
        const value = fc.oneof({ arbitrary: fc.integer({ min: -100, max: 200 }), weight: 6 }, { arbitrary: fc.integer({ min: -VALUE_LIMIT, max: VALUE_LIMIT }), weight: 1 });
        const step = kind === 'slider' ? maybe(fc.oneof({ arbitrary: fc.integer({ min: 1, max: 10 }), weight: 4 }, { arbitrary: fc.integer({ min: 1, max: VALUE_LIMIT }), weight: 1 }), 1, 1) : fc.constant(undefined);
        return fc.record({ value: maybe(value, 1, 2), min: maybe(value, 2, 1), max: maybe(value, 2, 1), step }).map(orderRange);
      }
    }
  }

  /** One widget of `kind`, without children; ids as wished for (see WidgetDraft). */
  draft(kind: WidgetKind, root = false): fc.Arbitrary<WidgetDraft> {
    const { ids } = this.options;
    const id: fc.Arbitrary<string | undefined> =
      ids === true ? maybe(fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(''), weight: 5 }, { arbitrary: idStringArbitrary, weight: 1 }), 2, 1) : ids === 'all' ? fc.constant('') : fc.constant(undefined);
    return fc.tuple(this.own(kind, root), this.common(root), id).map(([own, common, wish]) => compact({ widget: { kind, ...own, ...common }, id: wish }));
  }
}

/** min <= max for both axes: a pair given the wrong way round is swapped. */
function orderLimits<T extends Partial<Record<'minWidth' | 'maxWidth' | 'minHeight' | 'maxHeight', number | undefined>>>(limits: T): T {
  const out = { ...limits };
  if (out.minWidth !== undefined && out.maxWidth !== undefined && out.minWidth > out.maxWidth) [out.minWidth, out.maxWidth] = [out.maxWidth, out.minWidth];
  if (out.minHeight !== undefined && out.maxHeight !== undefined && out.minHeight > out.maxHeight) [out.minHeight, out.maxHeight] = [out.maxHeight, out.minHeight];
  return compact(out);
}

/** min < max (defaults 0 and 100 included) and value within them. */
function orderRange(range: { value?: number; min?: number; max?: number; step?: number }): Partial<SceneWidget> {
  const out = compact(range);
  let lo = out.min ?? 0;
  let hi = out.max ?? 100;
  if (lo >= hi) {
    [lo, hi] = [Math.min(lo, hi), Math.max(lo, hi)];
    if (lo === hi) {
      if (hi < VALUE_LIMIT) hi += 1;
      else lo -= 1;
    }
    out.min = lo;
    out.max = hi;
  }
  if (out.value !== undefined) out.value = Math.min(hi, Math.max(lo, out.value));
  return out;
}

/** A text field's text is cut to its capacity (32 when not given). */
function fitCapacity(field: { text?: string; capacity?: number }): Partial<SceneWidget> {
  const out = compact(field);
  if (out.text !== undefined) out.text = out.text.slice(0, out.capacity ?? DEFAULT_CAPACITY);
  return out;
}

/** The per-kind widget arbitraries of an options set. */
export function widgetArbitraries(options: ResolvedSceneOptions): { draft(kind: WidgetKind, root?: boolean): fc.Arbitrary<WidgetDraft> } {
  return new WidgetArbitraries(options);
}

/** A partial theme: some of its colours. */
export function themeArbitrary(): fc.Arbitrary<Partial<Theme>> {
  const color = maybe(colorArbitrary, 1, 1);
  return fc.record({ background: color, surface: color, field: color, foreground: color, muted: color, accent: color, border: color }).map(compact);
}
