// The framebuffer's block digests, computed where the framebuffer lives: on a GPU backend the host
// then reads back one 32-bit digest per block instead of every pixel (OsSession.capture).
//
// The same digest as the host's (native/addon/device_buffer.cpp, tileDigests): for each block of
// block x block RGBA8 pixels (the last row and column cut by the image's edge), the low 32 bits
// of XXH64 (seed 0; xxhash's doc/xxhash_spec.md) over the block's rows, top to bottom,
// concatenated. test/os/framebuffer_digests.test.ts checks it against the host's on the emulator,
// and npm run verify:cuda on the GPU.
#include <metal_stdlib>
using namespace metal;

constant ulong XXH_PRIME64_1 = 0x9E3779B185EBCA87ul;
constant ulong XXH_PRIME64_2 = 0xC2B2AE3D27D4EB4Ful;
constant ulong XXH_PRIME64_3 = 0x165667B19E3779F9ul;
constant ulong XXH_PRIME64_4 = 0x85EBCA77C2B2AE63ul;
constant ulong XXH_PRIME64_5 = 0x27D4EB2F165667C5ul;

static inline ulong xxh_rotl(ulong x, uint r) { return (x << r) | (x >> (64u - r)); }

static inline ulong xxh_round(ulong acc, ulong lane) { return xxh_rotl(acc + lane * XXH_PRIME64_2, 31u) * XXH_PRIME64_1; }

static inline ulong xxh_merge(ulong acc, ulong value) { return (acc ^ xxh_round(0ul, value)) * XXH_PRIME64_1 + XXH_PRIME64_4; }

struct block_stream {
  device const uint* pixels;
  uint width;  // of the image
  uint x0, y0, w;  // the block: its corner and its width (cut by the image's edge)
};

// The stream's i-th 32-bit word: pixel i of the block's rows laid end to end.
static inline uint stream_word(thread const block_stream& s, uint i) {
  return s.pixels[(s.y0 + i / s.w) * s.width + s.x0 + i % s.w];
}

static inline ulong stream_lane(thread const block_stream& s, uint i) {
  return ulong(stream_word(s, i)) | (ulong(stream_word(s, i + 1u)) << 32);
}

static uint xxh64_low(thread const block_stream& s, uint words) {
  const ulong length = ulong(words) * 4ul;
  uint i = 0;
  ulong h;
  if (length >= 32ul) {
    ulong v1 = XXH_PRIME64_1 + XXH_PRIME64_2;
    ulong v2 = XXH_PRIME64_2;
    ulong v3 = 0ul;
    ulong v4 = 0ul - XXH_PRIME64_1;
    for (; i + 8u <= words; i += 8u) {
      v1 = xxh_round(v1, stream_lane(s, i));
      v2 = xxh_round(v2, stream_lane(s, i + 2u));
      v3 = xxh_round(v3, stream_lane(s, i + 4u));
      v4 = xxh_round(v4, stream_lane(s, i + 6u));
    }
    h = xxh_rotl(v1, 1u) + xxh_rotl(v2, 7u) + xxh_rotl(v3, 12u) + xxh_rotl(v4, 18u);
    h = xxh_merge(h, v1);
    h = xxh_merge(h, v2);
    h = xxh_merge(h, v3);
    h = xxh_merge(h, v4);
  } else {
    h = XXH_PRIME64_5;
  }
  h += length;
  for (; i + 2u <= words; i += 2u) {
    h ^= xxh_round(0ul, stream_lane(s, i));
    h = xxh_rotl(h, 27u) * XXH_PRIME64_1 + XXH_PRIME64_4;
  }
  if (i < words) {
    h ^= ulong(stream_word(s, i)) * XXH_PRIME64_1;
    h = xxh_rotl(h, 23u) * XXH_PRIME64_2 + XXH_PRIME64_3;
  }
  // Pixels are 4 bytes: no single bytes are left over.
  h ^= h >> 33;
  h *= XXH_PRIME64_2;
  h ^= h >> 29;
  h *= XXH_PRIME64_3;
  h ^= h >> 32;
  return uint(h);
}

// shape: width, height, block size. One thread a block at a time, every block of the image.
kernel void framebuffer_digests(device const uint* pixels [[buffer(0)]],
                                device uint* digests [[buffer(1)]],
                                constant uint* shape [[buffer(2)]],
                                uint tid [[thread_index_in_threadgroup]],
                                uint threads [[threads_per_threadgroup]])
{
  const uint width = shape[0];
  const uint height = shape[1];
  const uint block = shape[2];
  const uint blocks_x = (width + block - 1u) / block;
  const uint blocks_y = (height + block - 1u) / block;
  for (uint b = tid; b < blocks_x * blocks_y; b += threads) {
    block_stream s;
    s.pixels = pixels;
    s.width = width;
    s.x0 = (b % blocks_x) * block;
    s.y0 = (b / blocks_x) * block;
    s.w = min(block, width - s.x0);
    const uint h = min(block, height - s.y0);
    digests[b] = xxh64_low(s, s.w * h);
  }
}
