/** expect(frame).toMatchGolden(name): the matcher users put in their own tests. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { readPng, writePng } from '../../src/golden/png.js';
import { openSession } from '../../src/os/session.js';
import { goldenMode } from '../../src/vitest/golden_mode.js';
import '../../src/vitest/index.js';

describe('toMatchGolden', () => {
  it('compares a session frame with golden/<group>/<name>.png and explains a failure', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gpuos-matcher-'));
    const session = await openSession({ scene: 'fixtures/scenes/form.json', width: 320, height: 240 });
    await session.step();
    // A missing golden: written like a new snapshot locally, a failure when vitest runs as CI
    // (CI never writes goldens). Which one depends on how this vitest was started.
    const golden = join(root, 'matcher', 'form-first-frame.png');
    if (goldenMode().ci) {
      expect(() => expect(session).toMatchGolden('form-first-frame', { root, group: 'matcher' })).toThrow(/does not exist\. Record it locally .*CI never writes goldens/);
      expect(existsSync(golden)).toBe(false);
      mkdirSync(dirname(golden), { recursive: true });
      writePng(golden, session.image());
    } else {
      expect(session).toMatchGolden('form-first-frame', { root, group: 'matcher' });
      expect(existsSync(golden)).toBe(true);
    }
    expect(session).toMatchGolden('form-first-frame', { root, group: 'matcher' });
    // A golden one pixel off (flat background: pixelmatch ignores pixels it takes for
    // anti-aliasing). Under vitest -u (or UPDATE_GOLDEN=1) it is rewritten; otherwise it fails
    // with the paths of the evidence.
    const image = session.image();
    image.data.set([255, 0, 255, 255], (230 * 320 + 160) * 4);
    writePng(golden, image);
    if (goldenMode().update) {
      expect(session).toMatchGolden('form-first-frame', { root, group: 'matcher' });
      expect(Buffer.from(readPng(golden).data).equals(Buffer.from(session.image().data))).toBe(true);
      return;
    }
    let message = '';
    try {
      expect(session).toMatchGolden('form-first-frame', { root, group: 'matcher', artifacts: join(root, 'artifacts') });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/expected the frame to match .*form-first-frame\.png: 1 pixel differs/);
    expect(message).toMatch(/actual: .*form-first-frame\.actual\.png/);
    // The failure reaches an HTML report of its own (not the CLI's, not the trace replays').
    const report = /; report: (\S+\.html)$/.exec(message)?.[1];
    expect(report).toBe(join('test-output', 'vitest', 'golden-matcher.html'));
    const html = readFileSync(report!, 'utf8');
    expect(html).toContain('data-golden="form-first-frame"');
    expect(html).toMatch(/1 pixel differs/);
    expect(html).toContain('test/vitest/to_match_golden.test.ts');
    // Within the allowed difference it passes.
    expect(session).toMatchGolden('form-first-frame', { root, group: 'matcher', maxDiffPixels: 1 });
    expect(session).not.toMatchGolden('form-first-frame', { root, group: 'matcher', artifacts: join(root, 'artifacts') });
  });

  it('rejects what is not a frame', () => {
    expect(() => expect({ width: 1 }).toMatchGolden('x')).toThrow(/expects an OsSession or an RGBA image/);
  });
});
