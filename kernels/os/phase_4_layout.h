// Phase 4, layout (SIMD-groups 3-6): the flexbox subset of docs/SCENES.md ("Layout", rules L1-L10,
// and "Visibility, clipping and paint order", V1-V4), computed level by level.
//
// Bottom-up, deepest level first, each widget measures its content (L1) and the size it asks for
// (L2). Top-down, each laid-out container places its children: along its direction it grows them
// as CSS's "resolve flexible lengths" does (L5) and aligns what is left (L6); across it stretches
// or aligns them (L7); a scroll view offsets and clips its content (L8). A barrier separates every
// level, so a level reads only what the previous one finished. Whole pixels throughout: the same
// boxes on every backend. Comments cite the rules; the reference model (src/model/layout_model.ts)
// is written from the same document, and the property tests hold the two to each other.
#pragma once

#define OS_GROW_FROZEN 1u   // L5: its size is final
#define OS_GROW_RAISED 2u   // L5: this round's clamp raised its offer (a min violation)
#define OS_GROW_LOWERED 4u  // L5: this round's clamp lowered it (a max violation)

#define OS_SIZE_MAX 32767

static inline bool os_widget_hidden(device const gpuos_widget& w) { return (w.flags & GPUOS_WIDGET_HIDDEN) != 0; }

// Whether `child`, reached through `parent`'s child links, really is its child. Links are untrusted:
// two containers could both link one widget, or link one at the wrong depth. Requiring the child's
// own parent field and depth to agree gives every widget exactly one container that places it (no
// two writers: the per-widget scratch below relies on it), and guarantees it was measured one
// level below (no read of stale scratch).
static inline bool os_is_child_of(device const gpuos_os_state* os, uint parent, uint child) {
  device const gpuos_widget& c = os->widgets[child];
  return c.parent == parent && uint(c.depth) == uint(os->widgets[parent].depth) + 1u && c.depth <= GPUOS_MAX_DEPTH;
}

// L1 for a leaf: what its content asks for, before its own padding.
static void os_leaf_content(device const gpuos_widget& w, thread int& width, thread int& height) {
  const int advance = os_font_advance(w.font);
  const int line = os_font_line(w.font);
  switch (w.kind) {
    case GPUOS_WIDGET_LABEL:
    case GPUOS_WIDGET_BUTTON:
      width = int(os_widget_text(w).length) * advance;
      height = line;
      break;
    case GPUOS_WIDGET_TOGGLE:  // a box the height of a line, half a line of space, the label
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

// The widget's padding along x (horizontal) or y.
static inline int os_padding_along(device const gpuos_widget& w, bool horizontal) {
  return horizontal ? max(int(w.padding_left), 0) + max(int(w.padding_right), 0) : max(int(w.padding_top), 0) + max(int(w.padding_bottom), 0);
}

// L2's clamp on one axis: at most max (when it has one), at least min, at least the padding.
static inline int os_clamp_axis(device const gpuos_widget& w, bool horizontal, int size) {
  const int maximum = horizontal ? w.max_width : w.max_height;
  const int minimum = horizontal ? w.min_width : w.min_height;
  if (maximum >= 0) size = min(size, maximum);
  size = max(size, max(minimum, 0));
  return max(size, os_padding_along(w, horizontal));
}

// L2 without the clamp (L5's base): the fixed size, else the content; a scroll view's height
// starts from its padding alone.
static inline int os_start_size(device const gpuos_widget& w, device const gpuos_widget_layout& box, bool horizontal) {
  const int fixed = horizontal ? w.width : w.height;
  if (fixed >= 0) return fixed;
  if (!horizontal && w.kind == GPUOS_WIDGET_SCROLL_VIEW) return os_padding_along(w, false);
  return horizontal ? box.content_w : box.content_h;
}

// Bottom-up (L1, L2, L9): content size and preferred size of `widget`, from its content or its
// (already measured) children.
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
  box.content_w = short(min(content_w + os_padding_along(w, true), OS_SIZE_MAX));
  box.content_h = short(min(content_h + os_padding_along(w, false), OS_SIZE_MAX));
  scratch.subtree[widget] = ushort(subtree);
  scratch.preferred_w[widget] = short(min(os_clamp_axis(w, true, os_start_size(w, box, true)), OS_SIZE_MAX));
  scratch.preferred_h[widget] = short(min(os_clamp_axis(w, false, os_start_size(w, box, false)), OS_SIZE_MAX));
}

// Stores a laid-out widget's box (L9), its clip and visibility (V2, V3), and marks it placed;
// `region` is what its container lets through.
static void os_store_box(device gpuos_widget_layout& cb, threadgroup os_scratch& scratch, uint child, int x, int y, int w, int h, int4 region) {
  cb.x = short(os_clamp(x, -32768, 32767));
  cb.y = short(os_clamp(y, -32768, 32767));
  cb.w = short(os_clamp(w, 0, OS_SIZE_MAX));
  cb.h = short(os_clamp(h, 0, OS_SIZE_MAX));
  cb.clip_x0 = short(max(region.x, int(cb.x)));
  cb.clip_y0 = short(max(region.y, int(cb.y)));
  cb.clip_x1 = short(max(min(region.z, int(cb.x) + int(cb.w)), int(cb.clip_x0)));
  cb.clip_y1 = short(max(min(region.w, int(cb.y) + int(cb.h)), int(cb.clip_y0)));
  cb.visible = (cb.clip_x1 > cb.clip_x0 && cb.clip_y1 > cb.clip_y0) ? 1 : 0;
  scratch.placed[child] = 1;
}

// L5: growing the children of `widget` into `space` (its inner main size minus the gaps), CSS's
// "resolve flexible lengths" in whole pixels. Each child's size ends in scratch.main_size.
static void os_grow_children(device const gpuos_os_state* os, threadgroup os_scratch& scratch, uint widget, uint count, bool horizontal, int space) {
  device const gpuos_widget& w = os->widgets[widget];
  // Round after round, at most one per child (each round freezes at least one grower).
  for (uint round = 0; round <= GPUOS_MAX_WIDGETS; ++round) {
    long remaining = space;
    long grow_total = 0;
    uint last = GPUOS_NO_WIDGET;
    for (uint child = w.first_child, steps = 0; child < count && steps < GPUOS_MAX_WIDGETS; child = os->widgets[child].next_sibling, ++steps) {
      if (!os_is_child_of(os, widget, child) || os_widget_hidden(os->widgets[child])) continue;
      const bool frozen = (scratch.grow_state[child] & OS_GROW_FROZEN) != 0;
      remaining -= frozen ? scratch.main_size[child] : os_start_size(os->widgets[child], os->layout[child], horizontal);
      if (!frozen) {
        grow_total += os->widgets[child].grow;
        last = child;
      }
    }
    if (last == GPUOS_NO_WIDGET) return;
    long handed_out = 0;
    long violation = 0;
    for (uint child = w.first_child, steps = 0; child < count && steps < GPUOS_MAX_WIDGETS; child = os->widgets[child].next_sibling, ++steps) {
      if (!os_is_child_of(os, widget, child) || os_widget_hidden(os->widgets[child])) continue;
      if ((scratch.grow_state[child] & OS_GROW_FROZEN) != 0) continue;
      device const gpuos_widget& c = os->widgets[child];
      long share = 0;
      if (remaining > 0) {
        // The last unfrozen grower takes what is left, so no pixel is lost to rounding.
        share = child == last ? remaining - handed_out : (remaining * long(c.grow)) / grow_total;
        handed_out += share;
      }
      const long offer = long(os_start_size(c, os->layout[child], horizontal)) + share;
      const int clamped = os_clamp_axis(c, horizontal, int(min(offer, long(INT_MAX))));
      violation += long(clamped) - offer;
      scratch.main_size[child] = clamped;
      scratch.grow_state[child] = uchar(clamped > offer ? OS_GROW_RAISED : (clamped < offer ? OS_GROW_LOWERED : 0u));
    }
    // Freeze all (no violation), or the min violators (positive total), or the max violators.
    const uint freeze = violation == 0 ? 0xffu : (violation > 0 ? OS_GROW_RAISED : OS_GROW_LOWERED);
    for (uint child = w.first_child, steps = 0; child < count && steps < GPUOS_MAX_WIDGETS; child = os->widgets[child].next_sibling, ++steps) {
      if (!os_is_child_of(os, widget, child) || os_widget_hidden(os->widgets[child])) continue;
      const uint state = scratch.grow_state[child];
      if ((state & OS_GROW_FROZEN) == 0 && (freeze == 0xffu || (state & freeze) != 0)) scratch.grow_state[child] = uchar(OS_GROW_FROZEN);
    }
  }
}

// Top-down: place the children of a laid-out container (L4-L8, V2, V4).
static void os_place_children(device gpuos_os_state* os, threadgroup os_scratch& scratch, uint widget, uint count) {
  device const gpuos_widget& w = os->widgets[widget];
  device const gpuos_widget_layout& box = os->layout[widget];
  const bool horizontal = os_horizontal(w.kind);
  const bool scroller = w.kind == GPUOS_WIDGET_SCROLL_VIEW;
  const int inner_x = box.x + max(int(w.padding_left), 0);
  const int inner_y = box.y + max(int(w.padding_top), 0);
  const int inner_w = max(int(box.w) - os_padding_along(w, true), 0);
  const int inner_h = max(int(box.h) - os_padding_along(w, false), 0);
  const int main_size = horizontal ? inner_w : inner_h;
  const int cross_size = horizontal ? inner_h : inner_w;
  const int gap = max(int(w.gap), 0);

  // V2: rows and columns let their children see what they were let see; a scroll view only its
  // inner box of it.
  int4 region = int4(scratch.region[widget][0], scratch.region[widget][1], scratch.region[widget][2], scratch.region[widget][3]);
  int scroll = 0;
  if (scroller) {
    // Saturated like every stored position (L9): the inner box of a box at the edge of the 16-bit
    // range reaches past it, and a wrapped edge would let the whole screen through.
    region.x = os_clamp(max(region.x, inner_x), -32768, 32767);
    region.y = os_clamp(max(region.y, inner_y), -32768, 32767);
    region.z = os_clamp(max(min(region.z, inner_x + inner_w), region.x), -32768, 32767);
    region.w = os_clamp(max(min(region.w, inner_y + inner_h), region.y), -32768, 32767);
    // L8: clamp to this frame's range before using the offset (the content or the viewport may
    // have changed size), so what is drawn is what is kept. This thread is the view's only writer.
    device gpuos_widget& view = os->widgets[widget];
    const int limit = max(int(box.content_h) - os_padding_along(w, false) - inner_h, 0) * 256;
    view.scroll_target = os_clamp(w.scroll_target, 0, limit);
    view.scroll_offset = os_clamp(w.scroll_offset, 0, limit);
    scroll = (view.scroll_offset + 128) >> 8;
  }

  // L4: every laid-out child starts at its preferred main size.
  int used = 0;
  int children = 0;
  for (uint child = w.first_child, steps = 0; child < count && steps < GPUOS_MAX_WIDGETS; child = os->widgets[child].next_sibling, ++steps) {
    if (!os_is_child_of(os, widget, child) || os_widget_hidden(os->widgets[child])) continue;
    device const gpuos_widget& c = os->widgets[child];
    const int preferred = horizontal ? scratch.preferred_w[child] : scratch.preferred_h[child];
    const int fixed = horizontal ? c.width : c.height;
    scratch.main_size[child] = preferred;
    // L5 step 1: all but the growers are frozen at their preferred size, and so are growers a
    // max cut below their base (a fixed main size does not grow).
    const bool grower = !scroller && c.grow != 0 && fixed < 0 && preferred >= os_start_size(c, os->layout[child], horizontal);
    scratch.grow_state[child] = uchar(grower ? 0u : OS_GROW_FROZEN);
    used += preferred;
    ++children;
  }
  const int gaps = max(children - 1, 0) * gap;
  if (!scroller && main_size - used - gaps > 0) {
    os_grow_children(os, scratch, widget, count, horizontal, main_size - gaps);
    used = 0;
    for (uint child = w.first_child, steps = 0; child < count && steps < GPUOS_MAX_WIDGETS; child = os->widgets[child].next_sibling, ++steps) {
      if (os_is_child_of(os, widget, child) && !os_widget_hidden(os->widgets[child])) used += scratch.main_size[child];
    }
  }

  // L6: align what growing left (nothing inside a scroll view: L8), never past the start edge.
  const int leftover = scroller ? 0 : main_size - used - gaps;
  int cursor = 0;
  int spacing = gap;
  if (leftover > 0) {
    if (w.main_align == GPUOS_ALIGN_CENTER) cursor = leftover / 2;
    if (w.main_align == GPUOS_ALIGN_END) cursor = leftover;
    if (w.main_align == GPUOS_ALIGN_SPACE_BETWEEN && children > 1) spacing = gap + leftover / (children - 1);
  }
  uint z = box.z + 1u;
  for (uint child = w.first_child, steps = 0; child < count && steps < GPUOS_MAX_WIDGETS; child = os->widgets[child].next_sibling, ++steps) {
    if (!os_is_child_of(os, widget, child)) continue;
    device const gpuos_widget& c = os->widgets[child];
    device gpuos_widget_layout& cb = os->layout[child];
    const uint child_z = z;
    z += scratch.subtree[child];  // V4: a hidden subtree keeps its place in the paint order
    if (os_widget_hidden(c)) continue;  // L10: left all zero
    const int main = scratch.main_size[child];
    // L7: stretch fills the inner cross size (clamped) unless the size is fixed; start, centre
    // and end place the preferred size, never before the start edge.
    int cross = horizontal ? scratch.preferred_h[child] : scratch.preferred_w[child];
    int cross_offset = 0;
    if (w.cross_align == GPUOS_ALIGN_STRETCH) {
      if ((horizontal ? c.height : c.width) < 0) cross = os_clamp_axis(c, !horizontal, cross_size);
    } else if (w.cross_align == GPUOS_ALIGN_CENTER) {
      cross_offset = max(cross_size - cross, 0) / 2;
    } else if (w.cross_align == GPUOS_ALIGN_END) {
      cross_offset = max(cross_size - cross, 0);
    }
    const int x = horizontal ? inner_x + cursor : inner_x + cross_offset;
    const int y = horizontal ? inner_y + cross_offset : inner_y + cursor - scroll;
    os_store_box(cb, scratch, child, x, y, horizontal ? main : cross, horizontal ? cross : main, region);
    cb.z = ushort(child_z);
    scratch.region[child][0] = short(region.x);
    scratch.region[child][1] = short(region.y);
    scratch.region[child][2] = short(region.z);
    scratch.region[child][3] = short(region.w);
    cursor += main + spacing;
  }
}

static void os_phase_layout(device gpuos_os_state* os, threadgroup os_scratch& scratch, uint tid, uint simd) {
  const bool worker = simd >= OS_SIMD_LAYOUT_FIRST && simd <= OS_SIMD_LAYOUT_LAST;
  const uint first = tid - OS_SIMD_LAYOUT_FIRST * 32u;
  const uint count = min(os->widget_count, GPUOS_MAX_WIDGETS);
  if (worker) {
    // Start from nothing (L10): a widget no container places this frame (hidden, inside a hidden
    // subtree, or unreachable through corrupted links) keeps an all-zero layout, and no
    // measurement reads last frame's or the launch's scratch.
    for (uint widget = first; widget < GPUOS_MAX_WIDGETS; widget += OS_LAYOUT_THREADS) {
      scratch.preferred_w[widget] = 0;
      scratch.preferred_h[widget] = 0;
      scratch.subtree[widget] = 1;
      scratch.placed[widget] = 0;
      if (widget < count) {
        device gpuos_widget_layout& box = os->layout[widget];
        box.x = 0;
        box.y = 0;
        box.w = 0;
        box.h = 0;
        box.clip_x0 = 0;
        box.clip_y0 = 0;
        box.clip_x1 = 0;
        box.clip_y1 = 0;
        box.z = 0;
        box.visible = 0;
      }
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

  // L3: the root is sized as if fixed to the framebuffer, and lets the screen through (V2).
  if (tid == OS_SIMD_LAYOUT_FIRST * 32u && os->root < count) {
    device const gpuos_widget& w = os->widgets[os->root];
    const int width = int(min(os->input[0].width, GPUOS_MAX_FRAMEBUFFER_WIDTH));
    const int height = int(min(os->input[0].height, GPUOS_MAX_FRAMEBUFFER_HEIGHT));
    if (!os_widget_hidden(w)) {
      const int4 screen = int4(0, 0, width, height);
      os_store_box(os->layout[os->root], scratch, os->root, 0, 0, max(width, os_padding_along(w, true)), max(height, os_padding_along(w, false)), screen);
      scratch.region[os->root][0] = 0;
      scratch.region[os->root][1] = 0;
      scratch.region[os->root][2] = short(width);
      scratch.region[os->root][3] = short(height);
    }
    os->frame[0].layout_depth = ushort(max_depth);
  }
  threadgroup_barrier(mem_flags::mem_device | mem_flags::mem_threadgroup);

  for (uint level = 0; level < max_depth; ++level) {
    if (worker) {
      for (uint widget = first; widget < count; widget += OS_LAYOUT_THREADS) {
        device const gpuos_widget& w = os->widgets[widget];
        // V3: every laid-out container places its children, visible or not (they may overflow
        // into view); a container nobody placed (hidden, or unreachable) places nothing.
        if (w.depth == level && os_is_container(w.kind) && scratch.placed[widget] != 0) os_place_children(os, scratch, widget, count);
      }
    }
    threadgroup_barrier(mem_flags::mem_device | mem_flags::mem_threadgroup);
  }
}
