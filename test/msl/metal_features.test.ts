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

describe('template instantiations with unnamed parameters', () => {
  it('reads `const uint3` as a type, not as a type and a name', async () => {
    const source =
      '#include <metal_stdlib>\nusing namespace metal;\ntemplate <typename T>\nkernel void fill(device T* out [[buffer(0)]], const uint3 gid [[thread_position_in_grid]]) { out[gid.x] = T(gid.x); }\n' +
      'template [[host_name("fill_u")]] kernel void fill<uint>(device uint* out, const uint3 gid);\ntemplate [[host_name("fill_f")]] kernel void fill<float>(device float*, const uint3);\n';
    const library = await compileKernel({ source, fileName: 'fill.metal' });
    expect(library.kernel('fill_f').info.params.map((p) => p.type)).toEqual(['device float*', 'const uint3']);
    const out = new DeviceBuffer(16);
    await library.kernel('fill_f').dispatch({ threads: 4, buffers: [out] });
    expect(Array.from(out.readFloat32())).toEqual([0, 1, 2, 3]);
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

  it('a built-in in a namespace is read by its qualified name; declaring its name again is refused', async () => {
    const header = '#include <metal_stdlib>\nusing namespace metal;\nnamespace ns { uint gid [[thread_position_in_grid]]; }\n';
    const kernel = (await compileKernel({ source: `${header}kernel void k(device uint* out [[buffer(0)]]) { out[ns::gid] = ns::gid + 7u; }\n`, fileName: 'ns_builtin.metal' })).kernel();
    const out = new DeviceBuffer(16);
    await kernel.dispatch({ threads: 4, buffers: [out] });
    expect(Array.from(out.readUint32())).toEqual([7, 8, 9, 10]);
    await expect(
      compileKernel({ source: '#include <metal_stdlib>\nusing namespace metal;\nuint gid [[thread_position_in_grid]];\nstatic uint twice(uint gid) { return gid * 2u; }\nkernel void k(device uint* o [[buffer(0)]]) { o[gid] = twice(gid); }\n', fileName: 'shadow.metal' }),
    ).rejects.toThrow(/'gid' is a program-scope built-in \(line 3\) and cannot be declared again/);
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
