// The CUDA backend on a GPU: runs where `gpuos backends` lists cuda as available, and reports
// itself skipped, with the reason, everywhere else (CI has nvcc but no GPU). The whole check
// (every trace, every kernel) is `npm run verify:cuda`.
import { describe, expect, it } from 'vitest';

import { listBackends } from '../../src/kernel/backends.js';
import { DeviceBuffer } from '../../src/kernel/device_buffer.js';
import { DIGEST_BLOCK_SIZE, openSession } from '../../src/os/session.js';
import { replayTrace } from '../../src/replayer/replay_trace.js';
import { compareWithCuda } from '../../src/verify/cross_backend.js';

const cuda = listBackends().find((backend) => backend.name === 'cuda')!;

describe('where there is no usable CUDA GPU', () => {
  it.skipIf(cuda.available)('says why, and a CUDA session is refused with that reason', async () => {
    expect(cuda.reason).toMatch(/\S/);
    await expect(openSession({ scene: 'fixtures/scenes/form.json', backend: 'cuda' })).rejects.toMatchObject({ code: 'E_BACKEND_UNAVAILABLE', message: expect.stringContaining(cuda.reason!) });
  });
});

describe.skipIf(!cuda.available)(`on the GPU${cuda.available ? ` (${cuda.device})` : ` (skipped: ${cuda.reason})`}`, () => {
  it('replays fixture traces bit-identically to their (emulator) recordings, goldens included', async () => {
    for (const trace of ['fixtures/traces/form-toggle.gtrace', 'fixtures/traces/inbox-scroll.gtrace']) {
      const report = await replayTrace(trace, { backend: 'cuda', goldens: true, output: 'test-output/cuda' });
      expect(report.divergence?.description).toBeUndefined();
      expect(report.ok).toBe(true);
      expect(report.replayed).toBe(report.frames);
    }
  }, 120_000);

  it('digests the framebuffer on the GPU exactly as the host does', async () => {
    const session = await openSession({ scene: 'fixtures/scenes/settings.json', width: 333, height: 201, backend: 'cuda' });
    try {
      await session.step();
      const onGpu = session.capture().blocks;
      const image = session.image();
      const host = DeviceBuffer.from(image.data);
      const blocks = Math.ceil(333 / DIGEST_BLOCK_SIZE) * Math.ceil(201 / DIGEST_BLOCK_SIZE);
      expect([...onGpu]).toEqual([...host.tileDigests(333, 201, DIGEST_BLOCK_SIZE, Uint32Array.from({ length: blocks }, (_, i) => i))]);
      host.release();
    } finally {
      session.close();
    }
  }, 120_000);

  it('gives the emulator\'s answers for SIMD-group functions in divergent branches', async () => {
    for (const file of ['kernels/tests/simd_divergent_branches.metal', 'kernels/tests/prefix_scan.metal', 'kernels/tests/reduce_sum.metal']) {
      const report = await compareWithCuda(file);
      expect(report.differences).toEqual([]);
      expect(report.verdict).toBe('identical');
    }
  }, 120_000);
});
