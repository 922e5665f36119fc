// XXH64 (Yann Collet's xxHash, 64-bit variant, as specified in xxhash's doc/xxhash_spec.md): the
// digest traces store for device memory and framebuffer tiles. Fast (several GB/s), and a published
// algorithm, so other tools can recompute a trace's digests. Not for adversarial inputs.
#pragma once

#include <cstddef>
#include <cstdint>

namespace gpuos::digest {

std::uint64_t xxh64(const void* data, std::size_t length, std::uint64_t seed = 0);

}  // namespace gpuos::digest
