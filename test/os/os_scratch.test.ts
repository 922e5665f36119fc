/**
 * The OS kernel's threadgroup scratch, read at its phase barriers: decodeOsScratch names what the
 * kernel's `scratch` variable holds through the exported layout (kernels/os/os_scratch.h), and
 * osPhaseBarriers names the kernel-scope barriers of kernels/os_kernel.metal that end each phase.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { GpuosError, InvalidArgumentError } from '../../src/errors.js';
import type { BarrierRelease } from '../../src/kernel/barrier_observer.js';
import { OsAbi } from '../../src/os/abi.js';
import type { RawInputEvent } from '../../src/os/input_events.js';
import { osKernelPath } from '../../src/os/os_kernel.js';
import { OS_PHASES, osPhaseBarriers, osPhaseOf, parsePhaseBarriers, type OsPhase } from '../../src/os/os_phases.js';
import { decodeOsScratch, OS_SCRATCH_VARIABLE, readOsScratch, type OsScratch } from '../../src/os/os_scratch.js';
import { openSession, type OsSession } from '../../src/os/session.js';

const abi = OsAbi.get();
const WIDTH = 320;
const HEIGHT = 240;
const RETAINED = abi.constant('GPUOS_PHASES_RETAINED');
const ALL = abi.constant('GPUOS_PHASES_ALL');
const NOT_DRAWN = 0xffffffff;

const ev = (type: number, x = 0, y = 0, code = 0, modifiers = 0): RawInputEvent => ({ type, modifiers, code, x, y });

/** A mix of valid and malformed raw events (phase 1's rules, kernels/os/phase_1_input.h), and the valid ones in order. */
function mixedEvents(): { pushed: RawInputEvent[]; valid: RawInputEvent[] } {
  const rows: [RawInputEvent, boolean][] = [
    [ev(1, 10.5, 20.25), true], // pointer move
    [ev(0, 1, 1), false], // no such type
    [ev(1, Number.NaN, 3), false], // NaN coordinate
    [ev(5, 0, 0, 0x41, 1), true], // key down 'A' with shift
    [ev(2, -1, 5), false], // off screen
    [ev(7, 0, 0, 0x61), true], // text 'a'
    [ev(3, WIDTH + 1, 5), false], // off screen
    [ev(4, 0, 12.5), true], // wheel
    [ev(7, 0, 0, 0x7f), false], // not printable
    [ev(99, 5, 5), false], // no such type
    [ev(6, 0, 0, abi.constant('GPUOS_KEY_END') + 1), false], // no such key
    [ev(1, 300, 200, 0, 16), false], // unknown modifier bit
    [ev(4, Number.POSITIVE_INFINITY, 0), false], // infinite wheel delta
    [ev(6, 0, 0, abi.constant('GPUOS_KEY_LEFT')), true], // key up, arrow
    [ev(1, WIDTH, HEIGHT), true], // the far edge is on screen
  ];
  return { pushed: rows.map(([e]) => e), valid: rows.filter(([, ok]) => ok).map(([e]) => e) };
}

/** One frame, observed: the scratch decoded at each phase barrier, and every release's phase (or undefined). */
interface ObservedFrame {
  scratch: Partial<Record<OsPhase, OsScratch>>;
  phases: (OsPhase | undefined)[];
  lines: number[];
  kernelScope: number[];
  scratchSize: number;
  phasesRun: number;
}

async function observedStep(session: OsSession): Promise<ObservedFrame> {
  const frame: ObservedFrame = { scratch: {}, phases: [], lines: [], kernelScope: [], scratchSize: 0, phasesRun: 0 };
  const onBarrier = (release: BarrierRelease) => {
    const phase = osPhaseOf(release);
    frame.phases.push(phase);
    frame.lines.push(release.site.line);
    if (release.callPath.length === 0) frame.kernelScope.push(release.site.line);
    frame.scratchSize = release.threadgroupVariables.find((v) => v.name === OS_SCRATCH_VARIABLE)!.size;
    if (phase) frame.scratch[phase] = readOsScratch(release);
  };
  frame.phasesRun = (await session.step({ onBarrier })).frame.phasesRun;
  return frame;
}

describe('osPhaseBarriers', () => {
  it("finds the six kernel-scope barriers of os_kernel.metal that end a phase, in order, at their lines", () => {
    const barriers = osPhaseBarriers();
    expect(barriers.map((b) => b.phase)).toEqual(['input', 'dispatch', 'layout', 'visibility', 'geometry', 'render']);
    expect(barriers.map((b) => b.phase)).toEqual([...OS_PHASES]);
    // Independently: every threadgroup_barrier line of the kernel's source (all six are phase ends).
    const lines = readFileSync(osKernelPath(), 'utf8').split('\n');
    const barrierLines = lines.flatMap((text, i) => (/^\s*threadgroup_barrier\(/.test(text) ? [i + 1] : []));
    expect(barriers.map((b) => b.line)).toEqual(barrierLines);
    // Each follows its phase's call (the dispatch group is os_phase_dispatch, then os_phase_animate).
    for (const { phase, line } of barriers) {
      const before = lines.slice(0, line - 1).reverse().find((text) => /os_phase_\w+\(/.test(text))!;
      expect(before).toMatch(phase === 'dispatch' ? /os_phase_animate\(/ : new RegExp(`os_phase_${phase}\\(`));
    }
  });

  it('reads a kernel source: comments ignored, a phase call before each barrier, unknown phases refused', () => {
    const source = [
      '// os_phase_render(x); threadgroup_barrier(...) in a comment',
      'static void helper() { threadgroup_barrier(mem_flags::mem_threadgroup); }',
      'kernel void gpuos_os_frame(device uint* a [[buffer(0)]], uint t [[thread_index_in_threadgroup]])',
      '{',
      '    os_phase_input(a); /* os_phase_layout( */',
      '    threadgroup_barrier(mem_flags::mem_threadgroup);',
      '    threadgroup_barrier(mem_flags::mem_threadgroup);', // ends no phase
      '    os_phase_dispatch(a);',
      '    os_phase_animate(a);',
      '    if (t) {',
      '        threadgroup_barrier(mem_flags::mem_threadgroup);',
      '    }',
      '}',
    ].join('\n');
    expect(parsePhaseBarriers(source)).toEqual([
      { phase: 'input', line: 6 },
      { phase: 'dispatch', line: 11 },
    ]);
    expect(() => parsePhaseBarriers(source.replace('os_phase_dispatch', 'os_phase_teleport'))).toThrow(GpuosError);
    expect(() => parsePhaseBarriers(source.replace('os_phase_dispatch', 'os_phase_teleport'))).toThrow(/os_phase_teleport ends at a barrier but is not one of input, dispatch/);
    expect(() => parsePhaseBarriers(source.replace('gpuos_os_frame', 'other'))).toThrow(/no kernel gpuos_os_frame/);
  });

  it('names exactly one release per phase on a full frame, and only input and dispatch on an idle one', async () => {
    const session = await openSession({ scene: 'fixtures/scenes/settings.json', width: WIDTH, height: HEIGHT });
    const barriers = osPhaseBarriers();
    let sawIdle = false;
    for (let i = 0; i < 40 && !sawIdle; i++) {
      if (i === 3) session.pushRawEvents(mixedEvents().pushed);
      const frame = await observedStep(session);
      const named = frame.phases.filter((p) => p !== undefined);
      if (frame.phasesRun === ALL) {
        expect(named).toEqual([...OS_PHASES]);
        expect(frame.kernelScope).toEqual(barriers.map((b) => b.line));
        // The phases' own barriers (layout's levels, the visibility keys) are there and unnamed.
        expect(frame.phases.length).toBeGreaterThan(OS_PHASES.length);
      } else {
        expect(frame.phasesRun).toBe(RETAINED);
        expect(named).toEqual(['input', 'dispatch']);
        expect(frame.phases).toEqual(['input', 'dispatch']);
        sawIdle = true;
      }
    }
    expect(sawIdle).toBe(true);
    session.close();
  });
});

describe('decodeOsScratch', () => {
  it("decodes the kernel's scratch variable, whatever its size as the emulator sees it", async () => {
    const session = await openSession({ scene: 'fixtures/scenes/settings.json', width: WIDTH, height: HEIGHT });
    const frame = await observedStep(session);
    expect(frame.scratchSize).toBe(abi.struct('os_scratch').size);
    // Every field of the export is decoded (a field added to kernels/os/os_scratch.h shows up in raw).
    const scratch = frame.scratch.render!;
    expect(Object.keys(scratch.raw)).toEqual([...abi.struct('os_scratch').fields.keys()]);
    for (const name of abi.struct('os_scratch').fields.keys()) expect(name in scratch, name).toBe(true);
    expect(scratch.region).toHaveLength(abi.constant('GPUOS_MAX_WIDGETS'));
    expect(scratch.region.every((row) => row.length === 4)).toBe(true);
    expect(scratch.region.flat()).toEqual(scratch.raw['region']);
    session.close();
  });

  it('after phase 1: exactly the valid events pushed that frame, in order, the malformed ones removed', async () => {
    const session = await openSession({ scene: 'fixtures/scenes/settings.json', width: WIDTH, height: HEIGHT });
    await session.step();
    const { pushed, valid } = mixedEvents();
    session.pushRawEvents(pushed);
    const frame = await observedStep(session);
    const input = frame.scratch.input!;
    expect(input.event_count).toBe(valid.length);
    expect(input.events).toEqual(valid);
    expect(input.event_slots).toHaveLength(abi.constant('GPUOS_EVENTS_PER_FRAME'));
    expect(input.event_slots.slice(0, valid.length)).toEqual(valid);
    expect(session.frameState().eventsDropped).toBe(pushed.length - valid.length);

    // At most 32 a frame: 40 events (20 copies of a valid and a malformed one) take two frames.
    const many = Array.from({ length: 20 }, (_, i) => [ev(1, i, i), ev(0, i, i)]).flat();
    session.pushRawEvents(many);
    const first = (await observedStep(session)).scratch.input!;
    expect(first.events).toEqual(many.slice(0, 32).filter((e) => e.type === 1));
    const second = (await observedStep(session)).scratch.input!;
    expect(second.events).toEqual(many.slice(32).filter((e) => e.type === 1));
    // A frame with no events has none.
    const none = (await observedStep(session)).scratch.input!;
    expect(none.event_count).toBe(0);
    expect(none.events).toEqual([]);
    session.close();
  });

  it('after phase 5: the first visible_count keys are sorted and name exactly the visible widgets', async () => {
    let checked = 0;
    for (const scene of ['settings', 'scroll_list', 'nesting_depth8', 'stress_256', 'form']) {
      const session = await openSession({ scene: `fixtures/scenes/${scene}.json`, width: WIDTH, height: HEIGHT });
      for (let step = 0; step < 3; step++) {
        // The wheel scrolls what is under the pointer (the list, in scroll_list).
        if (step === 1) session.pushEvents([{ type: 'pointerMove', x: WIDTH / 2, y: HEIGHT / 2 }, { type: 'wheel', dy: 120 }]);
        const frame = await observedStep(session);
        if (frame.phasesRun !== ALL) continue;
        const scratch = frame.scratch.visibility!;
        const widgets = session.widgets();
        const visible = widgets.filter((w) => w.layout.visible);
        expect(scratch.visible_count, scene).toBe(visible.length);
        expect(scratch.visible_count).toBe(session.frameState().visibleWidgets);
        expect(scratch.draw_order).toHaveLength(scratch.visible_count);
        for (let i = 1; i < scratch.draw_order.length; i++) expect(scratch.draw_order[i]!).toBeGreaterThan(scratch.draw_order[i - 1]!);
        expect(scratch.draw_order.map((key) => key & 0xffff).sort((a, b) => a - b)).toEqual(visible.map((w) => w.index));
        expect(scratch.draw_order.map((key) => key >>> 16)).toEqual(scratch.draw_order.map((key) => widgets[key & 0xffff]!.layout.z));
        // The rest of the 256 slots are the "not drawn" key.
        expect(scratch.draw_order_all.slice(scratch.visible_count).every((key) => key === NOT_DRAWN)).toBe(true);
        // Scroll views clip: not every widget of a long list is drawn.
        if (scene === 'scroll_list') expect(visible.length).toBeLessThan(widgets.length);
        checked++;
      }
      session.close();
    }
    expect(checked).toBeGreaterThanOrEqual(10); // the first frame of each scene, and the scroll
  });

  it('bounds counts that hold noise, and refuses too few bytes', () => {
    const size = abi.struct('os_scratch').size;
    const bytes = new Uint8Array(size).fill(0xff);
    const scratch = decodeOsScratch(bytes);
    expect(scratch.event_count).toBe(0xffffffff);
    expect(scratch.events).toHaveLength(abi.constant('GPUOS_EVENTS_PER_FRAME'));
    expect(scratch.draw_order).toHaveLength(abi.constant('GPUOS_MAX_WIDGETS'));
    expect(scratch.region[0]).toEqual([-1, -1, -1, -1]);
    // Decoded through the layout: a value written at the exported offset comes back by name.
    const view = new DataView(bytes.buffer);
    view.setUint32(abi.field('os_scratch', 'visible_count').offset, 2, true);
    view.setUint32(abi.offsetOf('os_scratch', ['draw_order', 1]), 0x00070003, true);
    view.setInt16(abi.offsetOf('os_scratch', ['region', 5 * 4 + 2]), -123, true);
    const written = decodeOsScratch(bytes);
    expect(written.draw_order).toEqual([0xffffffff, 0x00070003]);
    expect(written.region[5]).toEqual([-1, -1, -123, -1]);
    expect(() => decodeOsScratch(new Uint8Array(size - 1))).toThrow(InvalidArgumentError);
  });
});

describe('OsSession.step({ onBarrier })', () => {
  it('observes without changing the frame, and refuses an observer that is not a function', async () => {
    const run = async (observe: boolean) => {
      const session = await openSession({ scene: 'fixtures/scenes/form.json', width: WIDTH, height: HEIGHT, seed: 5 });
      session.pushRawEvents(mixedEvents().pushed);
      let releases = 0;
      const result = await session.step(observe ? { onBarrier: () => void releases++ } : {});
      const digest = session.capture().digest;
      session.close();
      return { digest, releases, barriers: result.stats!.threadgroupBarriers };
    };
    const observed = await run(true);
    const plain = await run(false);
    expect(observed.digest).toBe(plain.digest);
    expect(observed.releases).toBe(observed.barriers);

    const session = await openSession({ scene: 'fixtures/scenes/form.json', width: WIDTH, height: HEIGHT });
    await expect(session.step({ onBarrier: 'no' as never })).rejects.toThrow(/step: onBarrier must be a function/);
    expect(session.frameState().frameNumber).toBe(0);
    // stepSync takes a synchronous observer.
    const phases: (OsPhase | undefined)[] = [];
    session.stepSync({ onBarrier: (release) => void phases.push(osPhaseOf(release)) });
    expect(phases.filter((p) => p !== undefined)).toEqual([...OS_PHASES]);
    session.close();
  });
});
