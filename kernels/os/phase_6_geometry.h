// Phase 6, geometry (SIMD-groups 11-20): up to four primitives per drawn widget, in draw order,
// into fixed slots (widget k of the draw order owns slots 4k..4k+3; unused ones have kind 0), and
// the cursor last, on top. What a widget looks like is decided here, from its state and
// animations: hover and press tints, the check mark, the slider's fill and thumb, the caret.
#pragma once

struct os_rect {
  int x0, y0, x1, y1;
};

static inline void os_put(device gpuos_primitive& p, uint kind, uint widget, os_rect r, os_rect clip, uint color) {
  p.kind = ushort(kind);
  p.widget = ushort(widget);
  p.x0 = short(os_clamp(r.x0, -32768, 32767));
  p.y0 = short(os_clamp(r.y0, -32768, 32767));
  p.x1 = short(os_clamp(r.x1, -32768, 32767));
  p.y1 = short(os_clamp(r.y1, -32768, 32767));
  p.clip_x0 = short(clip.x0);
  p.clip_y0 = short(clip.y0);
  p.clip_x1 = short(clip.x1);
  p.clip_y1 = short(clip.y1);
  p.color = color;
  p.radius = 0;
  p.stroke = 0;
  p.text_offset = 0;
  p.text_length = 0;
  p.font = 0;
  p.reserved = 0;
}

static inline void os_put_none(device gpuos_primitive& p) {
  p.kind = 0;
  p.widget = ushort(GPUOS_NO_WIDGET);
}

static inline os_rect os_intersect(os_rect a, os_rect b) {
  os_rect r = {max(a.x0, b.x0), max(a.y0, b.y0), min(a.x1, b.x1), min(a.y1, b.y1)};
  r.x1 = max(r.x1, r.x0);
  r.y1 = max(r.y1, r.y0);
  return r;
}

// Appends a widget's primitives to its slots. (Plain functions, not lambdas: MSL has none.)
struct os_writer {
  device gpuos_primitive* slots;
  uint used;
  uint widget;
  os_rect clip;
  uint glyphs;  // characters of text at least partly visible
};

static void os_fill(thread os_writer& out, os_rect r, uint color, int corner) {
  if ((color >> 24) == 0 || r.x1 <= r.x0 || r.y1 <= r.y0 || out.used >= GPUOS_PRIMITIVES_PER_WIDGET) return;
  os_put(out.slots[out.used], GPUOS_PRIMITIVE_FILL, out.widget, r, out.clip, color);
  out.slots[out.used].radius = ushort(max(corner, 0));
  ++out.used;
}

static void os_stroke(thread os_writer& out, os_rect r, uint color, int corner, int width) {
  if ((color >> 24) == 0 || width <= 0 || out.used >= GPUOS_PRIMITIVES_PER_WIDGET) return;
  os_put(out.slots[out.used], GPUOS_PRIMITIVE_STROKE, out.widget, r, out.clip, color);
  out.slots[out.used].radius = ushort(max(corner, 0));
  out.slots[out.used].stroke = ushort(width);
  ++out.used;
}

static void os_text(thread os_writer& out, os_rect r, os_rect clip, uint color, uint offset, uint length, uint font) {
  if (length == 0 || out.used >= GPUOS_PRIMITIVES_PER_WIDGET) return;
  os_put(out.slots[out.used], GPUOS_PRIMITIVE_TEXT, out.widget, r, clip, color);
  out.slots[out.used].text_offset = ushort(offset);
  out.slots[out.used].text_length = ushort(length);
  out.slots[out.used].font = ushort(font);
  ++out.used;
  // Count the characters whose cells show through the clip.
  if (clip.x1 > clip.x0 && clip.y1 > clip.y0 && r.y0 < clip.y1 && r.y1 > clip.y0) {
    const int advance = os_font_advance(font);
    const int first = max((clip.x0 - r.x0) / advance, 0);
    const int last = min((clip.x1 - 1 - r.x0) / advance, int(length) - 1);
    if (last >= first) out.glyphs += uint(last - first + 1);
  }
}

static void os_check(thread os_writer& out, os_rect r, uint color) {
  if (out.used >= GPUOS_PRIMITIVES_PER_WIDGET) return;
  os_put(out.slots[out.used], GPUOS_PRIMITIVE_CHECK, out.widget, r, out.clip, color);
  ++out.used;
}

static uint os_widget_primitives(device gpuos_os_state* os, uint widget, device gpuos_primitive* slots) {
  device const gpuos_widget& w = os->widgets[widget];
  device const gpuos_widget_layout& box = os->layout[widget];
  const os_rect bounds = {box.x, box.y, box.x + box.w, box.y + box.h};
  const os_rect clip = {box.clip_x0, box.clip_y0, box.clip_x1, box.clip_y1};
  const os_rect inner = {bounds.x0 + w.padding_left, bounds.y0 + w.padding_top, bounds.x1 - w.padding_right, bounds.y1 - w.padding_bottom};
  const os_rect text_clip = os_intersect(clip, inner);
  const int advance = os_font_advance(w.font);
  const int line = os_font_line(w.font);
  const int text_y = inner.y0 + (inner.y1 - inner.y0 - line) / 2;
  const int radius = w.corner_radius;
  const bool disabled = !os_enabled(os, widget);  // I3: everything inside a disabled widget is dimmed
  const uint foreground = disabled ? os_mix_color(w.foreground, w.background, 32768u) : w.foreground;
  const os_text_span text = os_widget_text(w);
  os_writer out = {slots, 0u, widget, clip, 0u};

  switch (w.kind) {
    case GPUOS_WIDGET_ROW:
    case GPUOS_WIDGET_COLUMN:
    case GPUOS_WIDGET_SCROLL_VIEW:
      os_fill(out, bounds, w.background, radius);
      os_stroke(out, bounds, w.border_color, radius, w.border_width);
      break;
    case GPUOS_WIDGET_LABEL:
      os_fill(out, bounds, w.background, radius);
      os_text(out, {inner.x0, text_y, inner.x0 + int(text.length) * advance, text_y + line}, text_clip, foreground,
              text.offset, text.length, w.font);
      break;
    case GPUOS_WIDGET_BUTTON: {
      uint color = os_mix_color(w.background, w.accent, w.hover_anim / 4u);
      color = os_mix_color(color, w.accent, w.press_anim / 2u);
      os_fill(out, bounds, color, radius);
      os_stroke(out, bounds, (w.state & GPUOS_STATE_FOCUSED) ? w.accent : w.border_color, radius, w.border_width);
      const int width = int(text.length) * advance;
      const int x = inner.x0 + (inner.x1 - inner.x0 - width) / 2;
      os_text(out, {x, text_y, x + width, text_y + line}, text_clip, foreground, text.offset, text.length, w.font);
      break;
    }
    case GPUOS_WIDGET_TOGGLE: {
      const bool checked = (w.state & GPUOS_STATE_CHECKED) != 0;
      const bool focused = (w.state & GPUOS_STATE_FOCUSED) != 0;
      const os_rect check_box = {inner.x0, text_y, inner.x0 + line, text_y + line};
      const uint box_color = checked ? w.accent : os_mix_color(w.background, w.accent, w.hover_anim / 6u);
      os_fill(out, check_box, box_color, max(line / 5, 2));
      os_stroke(out, check_box, (checked || focused) ? w.accent : w.border_color, max(line / 5, 2), max(int(w.border_width), 1));
      if (checked) os_check(out, check_box, w.background | 0xff000000u);
      const int x = inner.x0 + line + line / 2;
      os_text(out, {x, text_y, x + int(text.length) * advance, text_y + line}, text_clip, foreground, text.offset,
              text.length, w.font);
      break;
    }
    case GPUOS_WIDGET_SLIDER: {
      const os_slider_track track = os_slider_geometry(w, box);
      const long range = max(os_value_range(w), 1l);
      const int thumb = track.thumb;
      const int centre = track.left + int((long(os_value_in_range(w, w.value)) - long(w.value_min)) * (track.right - track.left) / range);
      os_fill(out, {track.left, track.y - 2, track.right, track.y + 2}, w.border_color, 2);
      os_fill(out, {track.left, track.y - 2, centre, track.y + 2}, w.accent, 2);
      const uint thumb_color = os_mix_color(w.accent, w.foreground, max(uint(w.hover_anim) / 5u, uint(w.press_anim) / 3u));
      const os_rect knob = {centre - thumb / 2, track.y - thumb / 2, centre - thumb / 2 + thumb, track.y - thumb / 2 + thumb};
      os_fill(out, knob, thumb_color, thumb / 2);
      if (w.state & GPUOS_STATE_FOCUSED) {
        os_stroke(out, {knob.x0 - 3, knob.y0 - 3, knob.x1 + 3, knob.y1 + 3}, (w.accent & 0x00ffffffu) | 0x90000000u, thumb / 2 + 3, 2);
      }
      break;
    }
    case GPUOS_WIDGET_TEXT_FIELD: {
      const bool focused = (w.state & GPUOS_STATE_FOCUSED) != 0;
      os_fill(out, bounds, w.background, radius);
      os_stroke(out, bounds, focused ? w.accent : w.border_color, radius, max(int(w.border_width), focused ? 2 : 1));
      os_text(out, {inner.x0, text_y, inner.x0 + int(text.length) * advance, text_y + line}, text_clip, foreground, text.offset,
              text.length, w.font);
      if (focused && os_caret_on(os_u64(os->input[0].time_us_low, os->input[0].time_us_high))) {
        const int caret_x = inner.x0 + int(min(uint(w.caret), text.length)) * advance;
        os_fill(out, {caret_x, text_y + 1, caret_x + 2, text_y + line - 1}, w.accent | 0xff000000u, 0);
      }
      break;
    }
    case GPUOS_WIDGET_PROGRESS: {
      os_fill(out, inner, w.border_color, (inner.y1 - inner.y0) / 2);
      const long range = max(os_value_range(w), 1l) * 256;
      const long shown = min(max(long(w.display_value) - long(w.value_min) * 256, 0l), range);
      const int width = int(shown * (inner.x1 - inner.x0) / range);
      os_fill(out, {inner.x0, inner.y0, inner.x0 + width, inner.y1}, w.accent, (inner.y1 - inner.y0) / 2);
      break;
    }
    default:
      break;
  }
  for (uint slot = out.used; slot < GPUOS_PRIMITIVES_PER_WIDGET; ++slot) os_put_none(slots[slot]);
  return out.glyphs;
}

// The pointer: an arrow 12 px wide and 19 tall with its tip on the cursor position.
static void os_cursor_primitive(device gpuos_os_state* os, device gpuos_primitive& slot) {
  const int width = int(min(os->input[0].width, GPUOS_MAX_FRAMEBUFFER_WIDTH));
  const int height = int(min(os->input[0].height, GPUOS_MAX_FRAMEBUFFER_HEIGHT));
  const int x = os_pixel(os->frame[0].cursor_x, 0, width);  // untrusted memory: clamp before converting
  const int y = os_pixel(os->frame[0].cursor_y, 0, height);
  os_put(slot, GPUOS_PRIMITIVE_CURSOR, GPUOS_NO_WIDGET, {x - 1, y - 1, x + 13, y + 21}, {0, 0, width, height}, 0xff000000u);
}

static void os_phase_geometry(device gpuos_os_state* os, threadgroup os_scratch& scratch, uint tid, uint lane, uint simd) {
  if (simd < OS_SIMD_GEOMETRY_FIRST || simd > OS_SIMD_GEOMETRY_LAST) return;
  const uint drawn = scratch.visible_count;
  uint glyphs = 0;
  for (uint k = tid - OS_SIMD_GEOMETRY_FIRST * 32u; k <= drawn; k += OS_GEOMETRY_THREADS) {
    if (k == drawn) {
      os_cursor_primitive(os, os->primitives[k * GPUOS_PRIMITIVES_PER_WIDGET]);
      scratch.primitive_count = k * GPUOS_PRIMITIVES_PER_WIDGET + 1u;
      os->frame[0].primitives = scratch.primitive_count;
    } else {
      glyphs += os_widget_primitives(os, scratch.draw_order[k] & 0xffffu, os->primitives + k * GPUOS_PRIMITIVES_PER_WIDGET);
    }
  }
  glyphs = simd_sum(glyphs);
  if (lane == 0) scratch.glyphs_drawn[simd - OS_SIMD_GEOMETRY_FIRST] = glyphs;
}
