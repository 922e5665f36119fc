// Phase 4, layout (SIMD-groups 3-6): a flexbox subset computed level by level.
//
// Bottom-up, deepest level first, each widget measures the size it asks for (fixed, or its
// content: text, or its children along the main axis plus gaps and padding), clamped to its
// min/max. Top-down, each container places its children: along the main axis it shares free space
// by `grow` (or aligns them: start, center, end, space-between), across it aligns or stretches
// them. Scroll views offset their children by the scroll position and clip them. A barrier
// separates every level, so a level reads only what the previous one finished. Whole pixels
// throughout: the same boxes on every backend.
#pragma once

static inline bool os_widget_hidden(device const gpuos_widget& w) { return (w.flags & GPUOS_WIDGET_HIDDEN) != 0; }

// Whether `child`, reached through `parent`'s child links, really is its child. Links are untrusted:
// two containers could both link one widget, or link one at the wrong depth. Requiring the child's
// own parent field and depth to agree gives every widget exactly one container that places it (no
// two writers), and guarantees it was measured one level below (no read of stale scratch).
static inline bool os_is_child_of(device const gpuos_os_state* os, uint parent, uint child) {
  device const gpuos_widget& c = os->widgets[child];
  return c.parent == parent && uint(c.depth) == uint(os->widgets[parent].depth) + 1u && c.depth <= GPUOS_MAX_DEPTH;
}

// The size a leaf's content asks for, before its own padding.
static void os_leaf_content(device const gpuos_widget& w, thread int& width, thread int& height) {
  const int advance = os_font_advance(w.font);
  const int line = os_font_line(w.font);
  switch (w.kind) {
    case GPUOS_WIDGET_LABEL:
    case GPUOS_WIDGET_BUTTON:
      width = int(os_widget_text(w).length) * advance;
      height = line;
      break;
    case GPUOS_WIDGET_TOGGLE:  // a box the height of a line, a gap, the label
      width = line + line / 2 + int(os_widget_text(w).length) * advance;
      height = line;
      break;
    case GPUOS_WIDGET_TEXT_FIELD:  // room for every character it may hold, and the caret
      width = int(os_widget_text(w).capacity) * advance + 2;
      height = line;
      break;
    case GPUOS_WIDGET_SLIDER:
      width = 160;
      height = line;
      break;
    case GPUOS_WIDGET_PROGRESS:
      width = 160;
      height = 8;
      break;
    default:
      width = 0;
      height = 0;
      break;
  }
}

static inline int os_clamp_size(int size, int fixed, int minimum, int maximum) {
  if (fixed >= 0) size = fixed;
  if (maximum >= 0) size = min(size, maximum);
  return max(size, max(minimum, 0));
}

// Bottom-up: the preferred size of `widget`, from its content or its (already measured) children.
static void os_measure(device gpuos_os_state* os, threadgroup os_scratch& scratch, uint widget, uint count) {
  device const gpuos_widget& w = os->widgets[widget];
  device gpuos_widget_layout& box = os->layout[widget];
  int content_w = 0;
  int content_h = 0;
  uint subtree = 1;
  if (os_is_container(w.kind)) {
    const bool horizontal = os_horizontal(w.kind);
    int children = 0;
    for (uint child = w.first_child, steps = 0; child < count && steps < GPUOS_MAX_WIDGETS; child = os->widgets[child].next_sibling, ++steps) {
      if (!os_is_child_of(os, widget, child)) continue;
      subtree += scratch.subtree[child];
      if (os_widget_hidden(os->widgets[child])) continue;
      const int cw = scratch.preferred_w[child];
      const int ch = scratch.preferred_h[child];
      content_w = horizontal ? content_w + cw : max(content_w, cw);
      content_h = horizontal ? max(content_h, ch) : content_h + ch;
      ++children;
    }
    const int gaps = max(children - 1, 0) * max(int(w.gap), 0);
    if (horizontal) content_w += gaps; else content_h += gaps;
  } else {
    os_leaf_content(w, content_w, content_h);
  }
  content_w += max(int(w.padding_left), 0) + max(int(w.padding_right), 0);
  content_h += max(int(w.padding_top), 0) + max(int(w.padding_bottom), 0);
  box.content_w = short(min(content_w, 32767));
  box.content_h = short(min(content_h, 32767));
  scratch.subtree[widget] = ushort(subtree);
  // A scroll view asks for no height from its content: it shows what fits and scrolls the rest.
  const int ask_h = w.kind == GPUOS_WIDGET_SCROLL_VIEW ? int(w.padding_top) + int(w.padding_bottom) : content_h;
  scratch.preferred_w[widget] = short(min(os_clamp_size(content_w, w.width, w.min_width, w.max_width), 32767));
  scratch.preferred_h[widget] = short(min(os_clamp_size(ask_h, w.height, w.min_height, w.max_height), 32767));
}

// Top-down: place the children of a laid-out container.
static void os_place_children(device gpuos_os_state* os, threadgroup os_scratch& scratch, uint widget, uint count) {
  device const gpuos_widget& w = os->widgets[widget];
  device const gpuos_widget_layout& box = os->layout[widget];
  const bool horizontal = os_horizontal(w.kind);
  const int inner_x = box.x + max(int(w.padding_left), 0);
  const int inner_y = box.y + max(int(w.padding_top), 0);
  const int inner_w = max(int(box.w) - max(int(w.padding_left), 0) - max(int(w.padding_right), 0), 0);
  const int inner_h = max(int(box.h) - max(int(w.padding_top), 0) - max(int(w.padding_bottom), 0), 0);
  const int main_size = horizontal ? inner_w : inner_h;
  const int cross_size = horizontal ? inner_h : inner_w;
  const int gap = max(int(w.gap), 0);

  // Children clip to this box's clip, and a scroll view also clips them to its inner box.
  int clip_x0 = box.clip_x0, clip_y0 = box.clip_y0, clip_x1 = box.clip_x1, clip_y1 = box.clip_y1;
  int scroll = 0;
  if (w.kind == GPUOS_WIDGET_SCROLL_VIEW) {
    clip_x0 = max(clip_x0, inner_x);
    clip_y0 = max(clip_y0, inner_y);
    clip_x1 = min(clip_x1, inner_x + inner_w);
    clip_y1 = min(clip_y1, inner_y + inner_h);
    // Clamp to what this frame's content allows before using it (the content or the viewport may
    // have changed size), so what is drawn is what is kept. This thread is the view's only writer.
    device gpuos_widget& view = os->widgets[widget];
    const int limit = os_scroll_limit(w, box);
    view.scroll_target = os_clamp(w.scroll_target, 0, limit);
    view.scroll_offset = os_clamp(w.scroll_offset, 0, limit);
    scroll = (view.scroll_offset + 128) >> 8;
  }

  int used = 0;
  int children = 0;
  uint grow_total = 0;
  for (uint child = w.first_child, steps = 0; child < count && steps < GPUOS_MAX_WIDGETS; child = os->widgets[child].next_sibling, ++steps) {
    if (!os_is_child_of(os, widget, child) || os_widget_hidden(os->widgets[child])) continue;
    used += horizontal ? scratch.preferred_w[child] : scratch.preferred_h[child];
    grow_total += os->widgets[child].grow;
    ++children;
  }
  used += max(children - 1, 0) * gap;
  // A scroll view's content is not squeezed into its viewport: it scrolls.
  const int free_space = w.kind == GPUOS_WIDGET_SCROLL_VIEW ? 0 : max(main_size - used, 0);

  int cursor = 0;
  int spacing = gap;
  if (grow_total == 0 && free_space > 0) {
    if (w.main_align == GPUOS_ALIGN_CENTER) cursor = free_space / 2;
    if (w.main_align == GPUOS_ALIGN_END) cursor = free_space;
    if (w.main_align == GPUOS_ALIGN_SPACE_BETWEEN && children > 1) spacing = gap + free_space / (children - 1);
  }
  int grow_left = free_space;   // what growing children have not taken yet
  uint grow_seen = 0;
  uint z = box.z + 1u;
  for (uint child = w.first_child, steps = 0; child < count && steps < GPUOS_MAX_WIDGETS; child = os->widgets[child].next_sibling, ++steps) {
    if (!os_is_child_of(os, widget, child)) continue;
    device gpuos_widget& c = os->widgets[child];
    device gpuos_widget_layout& cb = os->layout[child];
    cb.z = ushort(z);
    z += scratch.subtree[child];
    if (os_widget_hidden(c)) {
      cb.visible = 0;
      cb.w = 0;
      cb.h = 0;
      continue;
    }
    int main = horizontal ? scratch.preferred_w[child] : scratch.preferred_h[child];
    if (grow_total != 0 && c.grow != 0) {
      // Integer shares: the last growing child takes the remainder, so nothing is lost to rounding.
      grow_seen += c.grow;
      const int share = grow_seen == grow_total ? grow_left : int((long(free_space) * c.grow) / long(grow_total));
      grow_left -= share;
      main += share;
      const int fixed = horizontal ? c.width : c.height;
      const int maximum = horizontal ? c.max_width : c.max_height;
      main = os_clamp_size(main, fixed, horizontal ? c.min_width : c.min_height, maximum);
    }
    const int preferred_cross = horizontal ? scratch.preferred_h[child] : scratch.preferred_w[child];
    int cross = preferred_cross;
    int cross_offset = 0;
    if (w.cross_align == GPUOS_ALIGN_STRETCH && (horizontal ? c.height : c.width) < 0) {
      cross = os_clamp_size(cross_size, -1, horizontal ? c.min_height : c.min_width, horizontal ? c.max_height : c.max_width);
    } else if (w.cross_align == GPUOS_ALIGN_CENTER) {
      cross_offset = (cross_size - cross) / 2;
    } else if (w.cross_align == GPUOS_ALIGN_END) {
      cross_offset = cross_size - cross;
    }
    const int x = horizontal ? inner_x + cursor : inner_x + cross_offset;
    const int y = horizontal ? inner_y + cross_offset : inner_y + cursor - scroll;
    cb.x = short(os_clamp(x, -32768, 32767));
    cb.y = short(os_clamp(y, -32768, 32767));
    cb.w = short(os_clamp(horizontal ? main : cross, 0, 32767));
    cb.h = short(os_clamp(horizontal ? cross : main, 0, 32767));
    cb.clip_x0 = short(max(clip_x0, int(cb.x)));
    cb.clip_y0 = short(max(clip_y0, int(cb.y)));
    cb.clip_x1 = short(max(min(clip_x1, int(cb.x) + int(cb.w)), int(cb.clip_x0)));
    cb.clip_y1 = short(max(min(clip_y1, int(cb.y) + int(cb.h)), int(cb.clip_y0)));
    cb.visible = (cb.clip_x1 > cb.clip_x0 && cb.clip_y1 > cb.clip_y0) ? 1 : 0;
    cursor += main + spacing;
  }
}

static void os_phase_layout(device gpuos_os_state* os, threadgroup os_scratch& scratch, uint tid, uint simd) {
  const bool worker = simd >= OS_SIMD_LAYOUT_FIRST && simd <= OS_SIMD_LAYOUT_LAST;
  const uint first = tid - OS_SIMD_LAYOUT_FIRST * 32u;
  const uint count = min(os->widget_count, GPUOS_MAX_WIDGETS);
  if (worker) {
    // Start from nothing: a widget no container places this frame (unreachable through corrupted
    // links) stays invisible, and no measurement reads last frame's or the launch's scratch.
    for (uint widget = first; widget < GPUOS_MAX_WIDGETS; widget += OS_LAYOUT_THREADS) {
      scratch.preferred_w[widget] = 0;
      scratch.preferred_h[widget] = 0;
      scratch.subtree[widget] = 1;
      if (widget < count) os->layout[widget].visible = 0;
    }
    // The tree's depth decides how many levels to run; every thread reads it after the barrier.
    uint depth = 0;
    for (uint widget = first; widget < count; widget += OS_LAYOUT_THREADS) depth = max(depth, min(uint(os->widgets[widget].depth), GPUOS_MAX_DEPTH));
    depth = simd_max(depth);
    if (first % 32u == 0) scratch.depth_partial[first / 32u] = depth;
  }
  threadgroup_barrier(mem_flags::mem_threadgroup);
  if (tid == OS_SIMD_LAYOUT_FIRST * 32u) {
    uint depth = 0;
    for (uint group = 0; group < OS_LAYOUT_THREADS / 32u; ++group) depth = max(depth, scratch.depth_partial[group]);
    scratch.max_depth = depth;
  }
  threadgroup_barrier(mem_flags::mem_threadgroup);
  const uint max_depth = scratch.max_depth;

  for (int level = int(max_depth); level >= 0; --level) {
    if (worker) {
      for (uint widget = first; widget < count; widget += OS_LAYOUT_THREADS) {
        if (os->widgets[widget].depth == uint(level)) os_measure(os, scratch, widget, count);
      }
    }
    threadgroup_barrier(mem_flags::mem_threadgroup | mem_flags::mem_device);
  }

  // The root fills the framebuffer and starts the paint order.
  if (tid == OS_SIMD_LAYOUT_FIRST * 32u && os->root < count) {
    device gpuos_widget_layout& root = os->layout[os->root];
    const int width = int(min(os->input[0].width, GPUOS_MAX_FRAMEBUFFER_WIDTH));
    const int height = int(min(os->input[0].height, GPUOS_MAX_FRAMEBUFFER_HEIGHT));
    root.x = 0;
    root.y = 0;
    root.w = short(width);
    root.h = short(height);
    root.clip_x0 = 0;
    root.clip_y0 = 0;
    root.clip_x1 = short(width);
    root.clip_y1 = short(height);
    root.z = 0;
    root.visible = os_widget_hidden(os->widgets[os->root]) ? 0 : 1;
    os->frame[0].layout_depth = ushort(max_depth);
  }
  threadgroup_barrier(mem_flags::mem_device);

  for (uint level = 0; level < max_depth; ++level) {
    if (worker) {
      for (uint widget = first; widget < count; widget += OS_LAYOUT_THREADS) {
        device const gpuos_widget& w = os->widgets[widget];
        // An invisible container places nothing, so its whole subtree stays invisible (everything
        // started invisible this frame).
        if (w.depth == level && os_is_container(w.kind) && os->layout[widget].visible != 0) os_place_children(os, scratch, widget, count);
      }
    }
    threadgroup_barrier(mem_flags::mem_device);
  }
}
