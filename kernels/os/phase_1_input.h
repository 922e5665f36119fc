// Phase 1, input (SIMD-group 0): take at most 32 events from the ring the host writes, drop the
// malformed ones, keep the rest in order in threadgroup memory.
//
// The queue is untrusted: head and tail are 32-bit counters that wrap, and if head - tail claims
// more events than the ring holds, they were corrupted; the kernel then resynchronises (tail =
// head, everything pending dropped) and counts it, rather than reading garbage or stalling.
#pragma once

// Pointer coordinates must be finite and on the framebuffer; wheel deltas finite and sane.
static inline bool os_finite(float v) { return (as_type<uint>(v) & 0x7f800000u) != 0x7f800000u; }

static inline bool os_event_is_valid(gpuos_input_event event, uint width, uint height) {
  switch (event.type) {
    case GPUOS_EVENT_POINTER_MOVE:
    case GPUOS_EVENT_POINTER_DOWN:
    case GPUOS_EVENT_POINTER_UP:
      return os_finite(event.x) && os_finite(event.y) && event.x >= 0.0f && event.y >= 0.0f &&
             event.x <= float(width) && event.y <= float(height) && event.modifiers <= 15u;
    case GPUOS_EVENT_WHEEL:
      return os_finite(event.x) && os_finite(event.y) && event.x >= -100000.0f && event.x <= 100000.0f &&
             event.y >= -100000.0f && event.y <= 100000.0f;
    case GPUOS_EVENT_KEY_DOWN:
    case GPUOS_EVENT_KEY_UP:
      return event.code <= GPUOS_KEY_END && event.modifiers <= 15u;
    case GPUOS_EVENT_TEXT:
      return event.code >= 0x20u && event.code <= 0x7eu;
    default:
      return false;
  }
}

static void os_phase_input(device gpuos_os_state* os, threadgroup os_scratch& scratch, uint lane, uint simd) {
  if (simd != OS_SIMD_INPUT) return;
  device gpuos_input_queue& queue = os->queue[0];
  device gpuos_frame_state& frame = os->frame[0];
  const uint width = os->input[0].width;
  const uint height = os->input[0].height;

  const uint head = atomic_load_explicit(&queue.head, memory_order_relaxed);
  uint tail = atomic_load_explicit(&queue.tail, memory_order_relaxed);
  uint available = head - tail;  // modulo 2^32
  const bool corrupted = available > GPUOS_INPUT_QUEUE_CAPACITY;
  if (corrupted) {
    tail = head;
    available = 0;
  }
  const uint take = min(available, GPUOS_EVENTS_PER_FRAME);

  gpuos_input_event event;
  bool valid = false;
  if (lane < take) {
    event = queue.events[(tail + lane) % GPUOS_INPUT_QUEUE_CAPACITY];
    valid = os_event_is_valid(event, width, height);
  }
  // Compact the valid events, keeping their order: a prefix sum gives each its slot.
  const uint slot = simd_prefix_exclusive_sum(valid ? 1u : 0u);
  const uint valid_count = simd_sum(valid ? 1u : 0u);
  if (valid) scratch.events[slot] = event;

  if (lane == 0) {
    scratch.event_count = valid_count;
    atomic_store_explicit(&queue.tail, tail + take, memory_order_relaxed);
    frame.events_processed += valid_count;
    frame.events_dropped += take - valid_count;
    frame.events_pending = available - take;
    if (corrupted) frame.queue_resets += 1;
  }
}
