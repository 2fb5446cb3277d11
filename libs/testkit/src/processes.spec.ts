import { describe, expect, it } from 'vitest';
import { ProcessGroup, requireBinary } from './processes.js';

describe('third-party binaries', () => {
  it('fail loudly, with the install line, when missing: an interop test never skips', () => {
    expect(() => requireBinary('shoal-no-such-client', 'shoal-no-such-package')).toThrow(
      /shoal-no-such-client is not installed.*apt-get install -y shoal-no-such-package/,
    );
    expect(requireBinary('sh', 'dash')).toMatch(/\/sh$/);
  });

  it('run to completion with their output, and are killed at their time limit', async () => {
    const group = new ProcessGroup();
    const done = await group.run('sh', ['-c', 'echo out; echo err >&2; exit 3']);
    expect(done.code).toBe(3);
    expect(done.output).toContain('out');
    expect(done.output).toContain('err');
    const killed = await group.run('sleep', ['30'], 200);
    expect(killed.signal).toBe('SIGKILL');
  });
});
