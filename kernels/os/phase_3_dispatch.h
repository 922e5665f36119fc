// Phase 3, event dispatch (one thread, after each event's hit test) and state updates (SIMD-groups
// 7-10): docs/SCENES.md "Input", rules I1-I13: hover, press, click (press and release on the same
// widget), focus by click and by Tab/Shift-Tab, slider drags and keys, text editing, wheel
// scrolling; then the animations, eased by the frame's delta time (never a clock).
#pragma once

// I3: a widget takes input only when neither it nor any ancestor is disabled or hidden (both
// apply to whole subtrees). The walk is bounded: links are untrusted memory.
static bool os_enabled(device const gpuos_os_state* os, uint widget) {
  const uint count = min(os->widget_count, GPUOS_MAX_WIDGETS);
  for (uint steps = 0; widget < count && steps <= GPUOS_MAX_DEPTH; ++steps) {
    if ((os->widgets[widget].flags & (GPUOS_WIDGET_HIDDEN | GPUOS_WIDGET_DISABLED)) != 0) return false;
    widget = os->widgets[widget].parent;
  }
  return true;
}

// I3: the target of a pointer event on `hit`: the widget hit, if it is interactive and enabled.
static uint os_pointer_target(device const gpuos_os_state* os, uint hit) {
  if (hit >= min(os->widget_count, GPUOS_MAX_WIDGETS)) return GPUOS_NO_WIDGET;
  return os_is_interactive(os->widgets[hit].kind) && os_enabled(os, hit) ? hit : GPUOS_NO_WIDGET;
}

// I7, I11: the nearest scroll view at or above `widget`, disabled or not, or GPUOS_NO_WIDGET.
static uint os_scroll_view_around(device const gpuos_os_state* os, uint widget) {
  const uint count = min(os->widget_count, GPUOS_MAX_WIDGETS);
  for (uint steps = 0; widget < count && steps <= GPUOS_MAX_DEPTH; ++steps) {
    if (os->widgets[widget].kind == GPUOS_WIDGET_SCROLL_VIEW) return widget;
    widget = os->widgets[widget].parent;
  }
  return GPUOS_NO_WIDGET;
}

// How far a scroll view's content can move (1/256 px): until its last child's far edge meets the
// viewport's (the inner box, inside the padding, which is what clips the content).
static int os_scroll_limit(device const gpuos_widget& w, device const gpuos_widget_layout& box) {
  const int padding = max(int(w.padding_top), 0) + max(int(w.padding_bottom), 0);
  const int viewport = max(int(box.h) - padding, 0);
  return max(int(box.content_h) - padding - viewport, 0) * 256;
}

static void os_set_flag(device gpuos_os_state* os, uint widget, uint flag, bool on) {
  if (widget >= min(os->widget_count, GPUOS_MAX_WIDGETS)) return;
  device gpuos_widget& w = os->widgets[widget];
  w.state = on ? (w.state | flag) : (w.state & ~flag);
}

// Moves a state flag that one widget at most holds (hovered, focused) from `holder` to `widget`;
// false when `widget` already held it.
static bool os_move_flag(device gpuos_os_state* os, device ushort& holder, uint widget, uint flag) {
  if (holder == widget) return false;
  os_set_flag(os, holder, flag, false);
  os_set_flag(os, widget, flag, true);
  holder = ushort(widget);
  return true;
}

static void os_set_hovered(device gpuos_os_state* os, uint widget) {
  os_move_flag(os, os->frame[0].hovered, widget, GPUOS_STATE_HOVERED);
}

static void os_set_focused(device gpuos_os_state* os, uint widget) {
  if (!os_move_flag(os, os->frame[0].focused, widget, GPUOS_STATE_FOCUSED)) return;
  // A focused text field takes its caret at the end of its text.
  if (widget < GPUOS_MAX_WIDGETS && os->widgets[widget].kind == GPUOS_WIDGET_TEXT_FIELD) {
    os->widgets[widget].caret = ushort(os_widget_text(os->widgets[widget]).length);
  }
}

static void os_activate(device gpuos_os_state* os, uint widget) {
  device gpuos_widget& w = os->widgets[widget];
  if (w.kind == GPUOS_WIDGET_TOGGLE) w.state ^= GPUOS_STATE_CHECKED;
  if (w.kind == GPUOS_WIDGET_BUTTON || w.kind == GPUOS_WIDGET_TOGGLE) w.activations += 1;
}

static void os_set_slider(device gpuos_widget& slider, long value) {
  const long step = max(long(slider.value_step), 1l);
  const long min_value = long(slider.value_min);
  value = os_value_in_range(slider, value);
  // Snap to the nearest step from the minimum.
  value = min_value + ((value - min_value + step / 2) / step) * step;
  slider.value = os_value_in_range(slider, value);
}

// The value under pointer x, on the track as it is drawn (os_slider_geometry).
static void os_drag_slider(device gpuos_os_state* os, uint widget, float px) {
  device gpuos_widget& slider = os->widgets[widget];
  const os_slider_track track = os_slider_geometry(slider, os->layout[widget]);
  const int length = max(track.right - track.left, 1);
  const int offset = os_clamp(os_pixel(px, -32768, 32767) - track.left, 0, length);
  os_set_slider(slider, long(slider.value_min) + (long(offset) * os_value_range(slider) + length / 2) / length);
}

static void os_place_caret(device gpuos_os_state* os, uint widget, float px) {
  device gpuos_widget& field = os->widgets[widget];
  device const gpuos_widget_layout& box = os->layout[widget];
  const int advance = os_font_advance(field.font);
  const int column = (os_pixel(px, -32768, 32767) - (box.x + field.padding_left) + advance / 2) / advance;
  field.caret = ushort(os_clamp(column, 0, int(os_widget_text(field).length)));
}

static void os_edit_text(device gpuos_os_state* os, uint widget, uint key, uint character) {
  device gpuos_widget& field = os->widgets[widget];
  const os_text_span span = os_widget_text(field);
  device uint8_t* text = os->text + span.offset;
  const uint length = span.length;
  uint caret = min(uint(field.caret), length);
  if (character != 0) {
    if (length >= span.capacity) return;
    for (uint i = length; i > caret; --i) text[i] = text[i - 1];
    text[caret] = uint8_t(character);
    field.text_length = ushort(length + 1);
    field.caret = ushort(caret + 1);
    return;
  }
  if (key == GPUOS_KEY_BACKSPACE && caret > 0) {
    for (uint i = caret - 1; i + 1 < length; ++i) text[i] = text[i + 1];
    field.text_length = ushort(length - 1);
    caret -= 1;
  } else if (key == GPUOS_KEY_DELETE && caret < length) {
    for (uint i = caret; i + 1 < length; ++i) text[i] = text[i + 1];
    field.text_length = ushort(length - 1);
  } else if (key == GPUOS_KEY_LEFT && caret > 0) {
    caret -= 1;
  } else if (key == GPUOS_KEY_RIGHT && caret < length) {
    caret += 1;
  } else if (key == GPUOS_KEY_HOME) {
    caret = 0;
  } else if (key == GPUOS_KEY_END) {
    caret = length;
  }
  field.caret = ushort(caret);
}

// I11: keyboard focus landed on `widget`: if the nearest scroll view around it has it out of view,
// scroll just enough to show it (using last frame's layout, which is what the user sees); a widget
// already in view leaves the target where it is.
static void os_scroll_into_view(device gpuos_os_state* os, uint widget) {
  const uint count = min(os->widget_count, GPUOS_MAX_WIDGETS);
  const uint view = widget < count ? os_scroll_view_around(os, os->widgets[widget].parent) : GPUOS_NO_WIDGET;
  if (view >= count) return;
  device gpuos_widget& scroller = os->widgets[view];
  device const gpuos_widget_layout& port = os->layout[view];
  device const gpuos_widget_layout& box = os->layout[widget];
  const int inner_y = int(port.y) + max(int(scroller.padding_top), 0);
  const int viewport = max(int(port.h) - max(int(scroller.padding_top), 0) - max(int(scroller.padding_bottom), 0), 0);
  const long shown = (long(scroller.scroll_offset) + 128) >> 8;  // what last frame's layout used
  const long top = long(box.y) - inner_y + shown;                  // the widget in content pixels
  const long bottom = top + box.h;
  long target = long(scroller.scroll_target) >> 8;
  if (top < target) target = top;
  else if (bottom > target + viewport) target = bottom - viewport;
  else return;
  const long limit = os_scroll_limit(scroller, port);
  scroller.scroll_target = int(min(max(target * 256, 0l), limit));
}

// I11: Tab moves focus to the next focusable widget in the tree's depth-first order (the widgets'
// order in memory, which is also the paint order), Shift-Tab to the previous; both wrap.
// Focusable: interactive and enabled (widgets scrolled out of view included: focus scrolls them
// in). The order does not come from the layout, which does not exist before frame 1.
static void os_move_focus(device gpuos_os_state* os, bool backwards) {
  const uint count = min(os->widget_count, GPUOS_MAX_WIDGETS);
  const uint current = os->frame[0].focused;
  const int from = current < count ? int(current) : (backwards ? int(GPUOS_MAX_WIDGETS) : -1);
  int best = -1;  // the nearest focusable one past `from` in the direction of travel
  int wrap = -1;  // where to wrap to: the first (or, backwards, the last) focusable one
  for (uint widget = 0; widget < count; ++widget) {
    if (!os_is_interactive(os->widgets[widget].kind) || !os_enabled(os, widget)) continue;
    const int index = int(widget);
    if (backwards) {
      if (index < from) best = index;  // ascending: the last one before `from` wins
      wrap = index;
    } else {
      if (index > from && best < 0) best = index;
      if (wrap < 0) wrap = index;
    }
  }
  const int next = best >= 0 ? best : wrap;
  if (next >= 0) {
    os_set_focused(os, uint(next));
    os_scroll_into_view(os, uint(next));
  }
}

static void os_dispatch_event(device gpuos_os_state* os, gpuos_input_event event, uint hit) {
  device gpuos_frame_state& frame = os->frame[0];
  const uint count = min(os->widget_count, GPUOS_MAX_WIDGETS);
  const uint target = os_pointer_target(os, hit);
  switch (event.type) {
    case GPUOS_EVENT_POINTER_MOVE:
      frame.cursor_x = event.x;
      frame.cursor_y = event.y;
      os_set_hovered(os, target);
      if (frame.pressed < count && (os->widgets[frame.pressed].state & GPUOS_STATE_DRAGGING) != 0) {
        os_drag_slider(os, frame.pressed, event.x);
      }
      break;
    case GPUOS_EVENT_POINTER_DOWN:
      frame.cursor_x = event.x;
      frame.cursor_y = event.y;
      os_set_hovered(os, target);
      if (event.code != GPUOS_BUTTON_PRIMARY) break;  // other buttons only move the pointer
      frame.cursor_buttons |= GPUOS_BUTTON_PRIMARY;
      os_set_focused(os, target);
      // A press without a release in between (a lost event): the earlier press ends here.
      if (frame.pressed < count && frame.pressed != target) os_set_flag(os, frame.pressed, GPUOS_STATE_PRESSED | GPUOS_STATE_DRAGGING, false);
      frame.pressed = ushort(target);
      if (target < count) {
        os_set_flag(os, target, GPUOS_STATE_PRESSED, true);
        if (os->widgets[target].kind == GPUOS_WIDGET_SLIDER) {
          os_set_flag(os, target, GPUOS_STATE_DRAGGING, true);
          os_drag_slider(os, target, event.x);
        }
        if (os->widgets[target].kind == GPUOS_WIDGET_TEXT_FIELD) os_place_caret(os, target, event.x);
      }
      break;
    case GPUOS_EVENT_POINTER_UP:
      frame.cursor_x = event.x;
      frame.cursor_y = event.y;
      if (event.code != GPUOS_BUTTON_PRIMARY) {
        os_set_hovered(os, target);
        break;
      }
      frame.cursor_buttons &= ~GPUOS_BUTTON_PRIMARY;
      if (frame.pressed < count) {
        // A click: pressed and released on the same widget.
        if (frame.pressed == target && os->widgets[target].kind != GPUOS_WIDGET_SLIDER) os_activate(os, target);
        os_set_flag(os, frame.pressed, GPUOS_STATE_PRESSED | GPUOS_STATE_DRAGGING, false);
      }
      frame.pressed = ushort(GPUOS_NO_WIDGET);
      os_set_hovered(os, target);
      break;
    case GPUOS_EVENT_WHEEL: {
      const uint view = os_scroll_view_around(os, hit);  // I7: scrolling is not input to a control
      if (view < count) {
        device gpuos_widget& scroller = os->widgets[view];
        const long target = long(scroller.scroll_target) + long(event.y * 256.0f);  // |y| <= 100000: phase 1
        scroller.scroll_target = int(min(max(target, 0l), long(os_scroll_limit(scroller, os->layout[view]))));
      }
      break;
    }
    case GPUOS_EVENT_KEY_DOWN: {
      frame.modifiers = event.modifiers;
      const uint focused = frame.focused;
      if (event.code == GPUOS_KEY_TAB) {
        os_move_focus(os, (event.modifiers & GPUOS_MODIFIER_SHIFT) != 0);
      } else if (focused < count) {
        device gpuos_widget& w = os->widgets[focused];
        if (w.kind == GPUOS_WIDGET_TEXT_FIELD) {
          os_edit_text(os, focused, event.code, 0);
        } else if (w.kind == GPUOS_WIDGET_SLIDER) {
          const long step = max(long(w.value_step), 1l);
          if (event.code == GPUOS_KEY_LEFT || event.code == GPUOS_KEY_DOWN) os_set_slider(w, long(w.value) - step);
          if (event.code == GPUOS_KEY_RIGHT || event.code == GPUOS_KEY_UP) os_set_slider(w, long(w.value) + step);
          if (event.code == GPUOS_KEY_HOME) os_set_slider(w, w.value_min);
          if (event.code == GPUOS_KEY_END) os_set_slider(w, w.value_max);
        } else if (event.code == GPUOS_KEY_SPACE || event.code == GPUOS_KEY_ENTER) {
          os_activate(os, focused);
        }
      }
      break;
    }
    case GPUOS_EVENT_KEY_UP:
      frame.modifiers = event.modifiers;
      break;
    case GPUOS_EVENT_TEXT:
      if (frame.focused < count && os->widgets[frame.focused].kind == GPUOS_WIDGET_TEXT_FIELD) {
        os_edit_text(os, frame.focused, 0, event.code);
      }
      break;
    default:
      break;
  }
}

// Every event in order: pointer events are hit-tested in parallel first, then applied by one
// thread, so each sees the state the previous one left. Called by every thread of the threadgroup
// (the loop's trip count is in threadgroup memory, read after a barrier: uniform).
static void os_phase_dispatch(device gpuos_os_state* os, threadgroup os_scratch& scratch, uint tid, uint lane, uint simd) {
  const uint events = scratch.event_count;
  for (uint e = 0; e < events; ++e) {
    const gpuos_input_event event = scratch.events[e];
    const bool positioned = event.type == GPUOS_EVENT_POINTER_MOVE || event.type == GPUOS_EVENT_POINTER_DOWN ||
                            event.type == GPUOS_EVENT_POINTER_UP || event.type == GPUOS_EVENT_WHEEL;
    if (positioned) {
      // A wheel event scrolls what is under the cursor.
      const float px = event.type == GPUOS_EVENT_WHEEL ? os->frame[0].cursor_x : event.x;
      const float py = event.type == GPUOS_EVENT_WHEEL ? os->frame[0].cursor_y : event.y;
      os_hit_test(os, scratch, px, py, lane, simd);
      threadgroup_barrier(mem_flags::mem_threadgroup);
    }
    if (tid == OS_DISPATCH_THREAD) os_dispatch_event(os, event, positioned ? os_hit_result(scratch) : GPUOS_NO_WIDGET);
    threadgroup_barrier(mem_flags::mem_device | mem_flags::mem_threadgroup);
  }
}

// Eases `current` towards `target` (0..65535) over `duration_us`.
static inline uint os_ease(uint current, uint target, uint delta_us, uint duration_us) {
  // Rounded up, so `duration_us` of frames always arrives, whatever their length.
  const uint step = uint(min((ulong(delta_us) * 65535ul + ulong(duration_us) - 1ul) / ulong(duration_us), 65535ul));
  if (current < target) return min(current + step, target);
  return current > step ? max(current - step, target) : target;
}

// Exponential approach of a 1/256 fixed-point value: `fraction` (0..65536) of the gap per frame.
// In 64 bits: untrusted values at the ends of the int range cannot overflow.
static inline int os_approach(int current, long target, uint fraction) {
  target = min(max(target, long(INT_MIN)), long(INT_MAX));
  const long gap = target - long(current);
  if (gap > -64 && gap < 64) return int(target);  // within a quarter pixel: arrive
  return int(long(current) + ((gap * long(fraction)) >> 16));
}

static bool os_time_changes_pixels(device const gpuos_os_state* os);

// Animations: hover and press highlights, smooth scrolling, progress bars. SIMD-groups 7-10, two
// widgets a lane. Each group notes whether anything moved, for os_frame_changed.
static void os_phase_animate(device gpuos_os_state* os, threadgroup os_scratch& scratch, uint tid, uint lane, uint simd) {
  if (simd < OS_SIMD_STATE_FIRST || simd > OS_SIMD_STATE_LAST) return;
  const uint delta_us = min(os->input[0].delta_us, 1000000u);
  const uint count = min(os->widget_count, GPUOS_MAX_WIDGETS);
  // Scrolling covers 1 - (1 - 0.25)^(frames at 60 Hz): about a quarter of the gap per 1/60 s.
  const uint scroll_fraction = uint(min(ulong(delta_us) * 16384ul / 16667ul, 65536ul));
  bool moved = false;
  for (uint widget = tid - OS_SIMD_STATE_FIRST * 32u; widget < count; widget += OS_STATE_THREADS) {
    device gpuos_widget& w = os->widgets[widget];
    const ushort hover = ushort(os_ease(w.hover_anim, (w.state & GPUOS_STATE_HOVERED) ? 65535u : 0u, delta_us, 120000u));
    const ushort press = ushort(os_ease(w.press_anim, (w.state & GPUOS_STATE_PRESSED) ? 65535u : 0u, delta_us, 80000u));
    moved = moved || hover != w.hover_anim || press != w.press_anim;
    w.hover_anim = hover;
    w.press_anim = press;
    if (w.kind == GPUOS_WIDGET_SCROLL_VIEW) {
      const int offset = os_approach(w.scroll_offset, w.scroll_target, scroll_fraction);
      moved = moved || offset != w.scroll_offset;
      w.scroll_offset = offset;
    }
    if (w.kind == GPUOS_WIDGET_PROGRESS) {
      const int shown = os_approach(w.display_value, long(os_value_in_range(w, w.value)) * 256, scroll_fraction);
      moved = moved || shown != w.display_value;
      w.display_value = shown;
    }
  }
  moved = simd_any(moved);
  if (lane == 0) scratch.animating[simd - OS_SIMD_STATE_FIRST] = moved ? 1u : 0u;
  if (tid == OS_SIMD_STATE_FIRST * 32u) scratch.time_changes_pixels = os_time_changes_pixels(os) ? 1u : 0u;
}

// The first frame draws everything; after that, the only thing that changes with time alone is a
// focused text field's caret, which blinks. Computed once, by one thread, into threadgroup memory:
// phase 8 rewrites the frame counter and time this reads, and must not race other threads' reads.
static bool os_time_changes_pixels(device const gpuos_os_state* os) {
  device const gpuos_frame_state& frame = os->frame[0];
  device const gpuos_frame_input& input = os->input[0];
  if ((frame.frame_number_low | frame.frame_number_high) == 0u) return true;
  const uint focused = frame.focused;
  if (focused < min(os->widget_count, GPUOS_MAX_WIDGETS) && os->widgets[focused].kind == GPUOS_WIDGET_TEXT_FIELD) {
    if (os_caret_on(os_u64(frame.time_us_low, frame.time_us_high)) != os_caret_on(os_u64(input.time_us_low, input.time_us_high))) return true;
  }
  return false;
}

// After dispatch and animation: does this frame look any different from the last one? If not, the
// last frame's layout, primitives and pixels are all still right, and phases 4-7 are skipped (an
// idle OS draws nothing). Everything a frame's pixels depend on is covered: events (a valid event
// can change anything, even if only the cursor), animations, time (os_time_changes_pixels), and
// the host's request for a full redraw. Every thread evaluates it after a barrier, from threadgroup
// memory and the host's frame input only (which no thread writes), so the branch is uniform.
static bool os_frame_changed(device const gpuos_os_state* os, threadgroup const os_scratch& scratch) {
  if ((os->input[0].flags & GPUOS_FRAME_FORCE_FULL_REDRAW) != 0u) return true;
  if (scratch.event_count != 0u || scratch.time_changes_pixels != 0u) return true;
  for (uint group = 0; group < OS_STATE_GROUPS; ++group) {
    if (scratch.animating[group] != 0u) return true;
  }
  return false;
}
