import { listBackends } from '../../kernel/backends.js';
import { EXIT_OK, parse, type Command } from '../cli_support.js';

export const backendsCommand: Command = {
  name: 'backends',
  summary: 'list the backends kernels can run on here, and why any is missing',
  usage: `usage: gpuos backends [--json]

  Lists every backend (emulator, cuda, metal): whether it can run on this machine, what it runs
  on and which compiler builds its kernels, or why it cannot. Use one with --backend <name> on
  gpuos replay and verify, or { backend } in compileKernel and openSession.

      --json       print the list as JSON
  -h, --help`,
  async run(args, io) {
    const parsed = parse(args, { json: { type: 'boolean' } }, backendsCommand);
    if (parsed.flag('help')) return io.out(backendsCommand.usage), EXIT_OK;
    const backends = listBackends();
    if (parsed.flag('json')) {
      io.out(JSON.stringify(backends, null, 2));
      return EXIT_OK;
    }
    for (const backend of backends) {
      const detail = backend.available ? `${backend.device}; kernels built with ${backend.compiler}` : backend.reason;
      io.out(`${backend.name.padEnd(9)} ${backend.available ? 'available  ' : 'unavailable'}  ${detail}`);
    }
    return EXIT_OK;
  },
};
