/**
 * Properties of whole frames on generated sessions: drawing only the damaged tiles gives exactly
 * the pixels of a full redraw, and the thread schedule changes nothing in device memory.
 */
import { describeScene } from '../arbitraries/index.js';
import { checkOsInvariants } from '../os/invariants.js';
import { PropertyViolation, type OsProperty } from './property.js';
import { describeSessionCase, playInLockstep, sessionCaseArbitrary, sessionCaseOf, type SessionCase } from './session_case.js';

function firstDifferentPixel(a: Uint8Array, b: Uint8Array, width: number): string {
  for (let i = 0; i < a.length; i += 4) {
    if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2] || a[i + 3] !== b[i + 3]) {
      const pixel = i / 4;
      return `(${pixel % width}, ${Math.floor(pixel / width)})`;
    }
  }
  return 'none';
}

const report = (value: SessionCase, problem: string): string => `${problem}\n\nscene:\n${describeScene(value.scene)}\n\n${describeSessionCase(value)}`;

export const damageMatchesFullRedraw: OsProperty<SessionCase> = {
  name: 'damage-matches-full-redraw',
  claim: 'a session that redraws only damaged tiles shows exactly the pixels of one that redraws every tile, after every frame',
  oracle: 'the same kernel with GPUOS_FRAME_FORCE_FULL_REDRAW on every frame (no damage tracking, no retained frames)',
  testRuns: 100,
  arbitrary: sessionCaseArbitrary,
  async check(value) {
    await playInLockstep(value, [{ seed: value.seed }, { seed: value.seed, step: { fullRedraw: true } }], ([damaged, full], frame) => {
      const a = damaged!.framebuffer();
      const b = full!.framebuffer();
      if (!Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))) {
        throw new PropertyViolation(report(value, `after frame ${frame}, the damaged frame differs from a full redraw, first at pixel ${firstDifferentPixel(a, b, value.width)} (${damaged!.frameState().tilesRendered} tiles redrawn)`));
      }
    });
  },
  toCase: sessionCaseOf,
};

export const scheduleIndependent: OsProperty<SessionCase> = {
  name: 'schedule-independent',
  claim: 'two thread schedules give bit-identical device memory after every frame, and the OS invariants hold',
  oracle: 'the same session under another emulator schedule seed; checkOsInvariants (src/os/invariants.ts)',
  testRuns: 100,
  arbitrary: sessionCaseArbitrary,
  async check(value) {
    const other = (value.seed ^ 0x5bd1e995) >>> 1 || 1;
    await playInLockstep(value, [{ seed: value.seed }, { seed: other }], ([first, second], frame) => {
      const a = first!.capture();
      const b = second!.capture();
      if (a.digest !== b.digest) {
        const where = a.stateDigest !== b.stateDigest ? 'the OS state (buffer 0)' : a.signaturesDigest !== b.signaturesDigest ? 'the damage signatures' : 'the framebuffer';
        throw new PropertyViolation(report(value, `after frame ${frame}, schedule seeds ${value.seed} and ${other} differ in ${where}`));
      }
      const problems = checkOsInvariants(first!.stateBytes(), first!.scene);
      if (problems.length > 0) throw new PropertyViolation(report(value, `after frame ${frame}, the OS invariants fail:\n  ${problems.slice(0, 10).join('\n  ')}`));
    });
  },
  toCase: sessionCaseOf,
};
