import type { Command } from 'commander';
import { AgentSession } from '../agent/agent-session.js';
import { runOnline } from '../agent/online-commands.js';
import { parseSize, parseUserTarget } from '../agent/targets.js';
import type { GlobalOptions } from '../global-options.js';
import { resolveGlobals } from '../global-options.js';
import { Output } from '../output.js';

interface SpeedtestOptions {
  bytes: string;
  device?: string;
}

export function registerSpeedtestCommand(program: Command): void {
  program
    .command('speedtest')
    .description('send random data over a data channel to a device of a user; both sides hash it')
    .argument('<@user>', 'whom to send to (their device must be online, e.g. running `shoal daemon`)')
    .option('--bytes <size>', 'how much to send (K, M, G: powers of 1024)', '10M')
    .option('--device <id>', 'which device of the user (a prefix of its id); default the first that connects')
    .addHelpText(
      'after',
      '\nPrints the time, the throughput and the SHA-256 of what was sent; the other device hashes what\n' +
        'it received and answers with its digest. Exit code 1 if the two differ.',
    )
    .action(async (target: string, options: SpeedtestOptions, cmd: Command) => {
      const g = resolveGlobals(cmd.optsWithGlobals<GlobalOptions>());
      const out = new Output(g.json);
      const bytes = parseSize(options.bytes);
      const session = await AgentSession.open(g, cmd.optsWithGlobals<GlobalOptions>());
      process.exitCode = await runOnline(
        session,
        {
          command: 'speedtest',
          username: parseUserTarget(target),
          bytes,
          ...(options.device ? { deviceId: options.device } : {}),
        },
        out,
      );
    });
}
