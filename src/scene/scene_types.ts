/**
 * The scene format: a widget tree, as JSON. docs/SCENES.md describes every property; the
 * validator (scene_validate.ts) enforces it. Sizes are whole pixels; colours are "#rgb",
 * "#rrggbb" or "#rrggbbaa".
 */

export const WIDGET_KINDS = ['row', 'column', 'label', 'button', 'toggle', 'slider', 'textField', 'scroll', 'progress'] as const;
export type WidgetKind = (typeof WIDGET_KINDS)[number];

export const CONTAINER_KINDS: readonly WidgetKind[] = ['row', 'column', 'scroll'];
export const TEXT_KINDS: readonly WidgetKind[] = ['label', 'button', 'toggle', 'textField'];
export const VALUE_KINDS: readonly WidgetKind[] = ['slider', 'progress'];

export type MainAlign = 'start' | 'center' | 'end' | 'space-between';
export type CrossAlign = 'start' | 'center' | 'end' | 'stretch';
export type Padding = number | [number, number] | [number, number, number, number];

export interface SceneWidget {
  kind: WidgetKind;
  /** Names the widget for the host API (session.widget('volume')); unique in the scene. */
  id?: string;
  children?: SceneWidget[];
  text?: string;
  /** Text fields: the most characters the field holds (default 32). */
  capacity?: number;
  value?: number;
  min?: number;
  max?: number;
  step?: number;
  checked?: boolean;
  hidden?: boolean;
  disabled?: boolean;
  width?: number;
  height?: number;
  minWidth?: number;
  minHeight?: number;
  maxWidth?: number;
  maxHeight?: number;
  padding?: Padding;
  gap?: number;
  grow?: number;
  align?: MainAlign;
  crossAlign?: CrossAlign;
  font?: 'body' | 'title';
  background?: string;
  foreground?: string;
  accent?: string;
  borderColor?: string;
  borderWidth?: number;
  cornerRadius?: number;
}

export interface Theme {
  background: string;
  surface: string;
  field: string;
  foreground: string;
  muted: string;
  accent: string;
  border: string;
}

export interface Scene {
  name?: string;
  description?: string;
  theme?: Partial<Theme>;
  root: SceneWidget;
}
