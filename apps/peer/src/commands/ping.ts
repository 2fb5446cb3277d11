import type { Command } from 'commander';
import { AgentSession } from '../agent/agent-session.js';
import { runOnline } from '../agent/online-commands.js';
import { parseUserTarget } from '../agent/targets.js';
import type { GlobalOptions } from '../global-options.js';
import { resolveGlobals } from '../global-options.js';
import { Output, UsageError } from '../output.js';

interface PingOptions {
  count: string;
  timeout: string;
}

export function registerPingCommand(program: Command): void {
  program
    .command('ping')
    .description(
      'connect to every online device of a user and show the path each connection took, and round-trip times',
    )
    .argument('<@user>', 'whom to ping')
    .option('-c, --count <n>', 'pings per device', '3')
    .option('--timeout <seconds>', 'how long to wait for each pong', '5')
    .addHelpText(
      'after',
      '\nPer device, one line a ping: the path (direct host, direct server-reflexive, relayed; UDP or TCP),\n' +
        'the address reached and the round-trip time measured over the data channel. Runs through\n' +
        '`shoal daemon` when it is running for this data dir. Exit code 0 when at least one device answered.\n' +
        'With --json: one object a ping: username, deviceId, seq, rttMs, path, protocol, local, remote (or error).',
    )
    .action(async (target: string, options: PingOptions, cmd: Command) => {
      const g = resolveGlobals(cmd.optsWithGlobals<GlobalOptions>());
      const out = new Output(g.json);
      const count = Number(options.count);
      const timeout = Number(options.timeout);
      if (!Number.isInteger(count) || count < 1 || count > 1000) throw new UsageError('--count: 1 to 1000');
      if (!(timeout > 0) || timeout > 600) throw new UsageError('--timeout: seconds, at most 600');
      const session = await AgentSession.open(g, cmd.optsWithGlobals<GlobalOptions>());
      process.exitCode = await runOnline(
        session,
        { command: 'ping', username: parseUserTarget(target), count, timeoutMs: Math.round(timeout * 1000) },
        out,
      );
    });
}
