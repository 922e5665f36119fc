/**
 * Metal that real kernels use and the subset used to refuse: template kernels instantiated with
 * [[host_name]], program-scope built-in variables (MSL 3.1), and the deprecated
 * mem_flags::mem_device_and_threadgroup. Each runs, race-checked, with the right results.
 */
import { describe, expect, it } from 'vitest';

import { compileKernel, DeviceBuffer } from '../../src/index.js';

const FEATURES = 'kernels/tests/metal_features';

describe('template kernels with [[host_name]]', () => {
  it('gives each explicit instantiation an entry point, with the template’s bindings and the instantiation’s types', async () => {
    const library = await compileKernel({ path: `${FEATURES}/template_kernels.metal`, races: true });
    expect(library.kernels.map((k) => k.name)).toEqual(['scale_add_float', 'scale_add_int']);
    const float = library.kernel('scale_add_float');
    expect(float.info.params.map((p) => `${p.type} ${p.name} ${p.kind}`)).toEqual([
      'device const float* input buffer',
      'device float* output buffer',
      'constant float& factor buffer',
      'uint tid builtin',
    ]);
    const input = DeviceBuffer.from(new Float32Array([1, 2, 3, 4.5]));
    const output = new DeviceBuffer(16);
    const result = await float.dispatch({ threads: 4, buffers: { input, output, factor: DeviceBuffer.from(new Float32Array([2.5])) }, race: true });
    expect(Array.from(output.readFloat32())).toEqual([3.5, 6, 8.5, 12.25]);
    expect(result.raceWarnings).toEqual([]);

    const int = library.kernel('scale_add_int');
    expect(int.info.params[0]!.type).toBe('device const int*');
    const ints = new DeviceBuffer(16);
    await int.dispatch({ threads: 4, buffers: [DeviceBuffer.from(new Int32Array([1, -2, 3, 4])), ints, DeviceBuffer.from(new Int32Array([3]))] });
    // Integer arithmetic: 1 * 3 + 1, -2 * 3 + 1, ... (a float instantiation would give the same here, so check the type too).
    expect(Array.from(ints.readInt32())).toEqual([4, -5, 10, 13]);
  });
});

describe('program-scope built-in variables', () => {
  it('each thread reads its own value, in the kernel and in helpers, and the kernel has no built-in parameters', async () => {
    const kernel = (await compileKernel({ path: `${FEATURES}/program_scope_builtins.metal`, races: true })).kernel();
    expect(kernel.info.params.map((p) => p.name)).toEqual(['out']);
    const out = new DeviceBuffer(96 * 4);
    const result = await kernel.dispatch({ threads: 96, buffers: [out], race: true, seed: 5 });
    expect(Array.from(out.readUint32())).toEqual(Array.from({ length: 96 }, (_, t) => t * 10 + ((t % 32) % 2) + 96 * 1000));
    expect(result.raceCheckedAccesses).toBe(96);
  });

  it('refuses one by pointer, naming it', async () => {
    await expect(
      compileKernel({ source: '#include <metal_stdlib>\nusing namespace metal;\ndevice uint* p [[thread_position_in_grid]];\nkernel void k(device uint* o [[buffer(0)]]) {}\n', fileName: 'pb.metal' }),
    ).rejects.toThrow(/program-scope built-in 'p' must be a scalar or a vector/);
  });
});

describe('mem_flags::mem_device_and_threadgroup', () => {
  it('compiles and orders both memory spaces for the race checker', async () => {
    const kernel = (await compileKernel({ path: `${FEATURES}/mem_flags_deprecated.metal`, races: true })).kernel();
    const data = DeviceBuffer.from(Uint32Array.from({ length: 256 }, (_, i) => i));
    const result = await kernel.dispatch({ threads: 256, buffers: [data], race: true });
    expect(Array.from(data.readUint32())).toEqual(Array.from({ length: 256 }, (_, i) => 255 - i));
    expect(result.raceWarnings).toEqual([]);
  });
});
