import type { Command } from 'commander';
import { AgentSession } from '../agent/agent-session.js';
import { CONTROL_SOCKET, listenControl } from '../agent/daemon-control.js';
import { EventLog } from '../agent/event-log.js';
import { execute } from '../agent/online-commands.js';
import { pathData } from '../agent/ping.js';
import { createRtcAgent } from '../agent/rtc-agent.js';
import type { AcceptFrom } from '../agent/rtc-agent.js';
import { serveSpeedtest } from '../agent/speedtest.js';
import { shortId } from '../agent/targets.js';
import type { GlobalOptions } from '../global-options.js';
import { resolveGlobals } from '../global-options.js';
import { Output, UsageError } from '../output.js';
import { describePath } from '@shoal/rtc';

export function registerDaemonCommand(program: Command): void {
  program
    .command('daemon')
    .description('keep this device online: presence, answering incoming connections; stops on SIGINT or SIGTERM')
    .option('--accept-from <who>', 'answer connections from `contacts` (and your own devices) or `anyone`', 'contacts')
    .addHelpText(
      'after',
      '\nLogs one line per event on stdout (with --json one JSON object a line, with `time` and `event`):\n' +
        'signalling state, presence of contacts, connections and the path each took, refusals (a bad\n' +
        'signature, a device key not seen before), speed tests received. `shoal ping` and `shoal speedtest`\n' +
        'run through the daemon of their data dir, over its control socket (daemon.sock).',
    )
    .action(async (options: { acceptFrom: string }, cmd: Command) => {
      const globalOptions = cmd.optsWithGlobals<GlobalOptions>();
      const g = resolveGlobals(globalOptions);
      const out = new Output(g.json);
      if (options.acceptFrom !== 'contacts' && options.acceptFrom !== 'anyone') {
        throw new UsageError('--accept-from: contacts or anyone');
      }
      const session = await AgentSession.open(g, globalOptions);
      process.exitCode = await runDaemon(session, options.acceptFrom, new EventLog(g.json), out);
    });
}

async function runDaemon(session: AgentSession, acceptFrom: AcceptFrom, log: EventLog, out: Output): Promise<number> {
  const agent = createRtcAgent(session, { acceptFrom });
  const { node, signalling } = agent;
  const who = (username: string | undefined, deviceId: string) => `${username ?? '?'}/${shortId(deviceId)}`;

  signalling.on('state', (state) => log.log('signalling', state, { state, coordinator: session.coordinator }));
  signalling.on('ready', (ready) =>
    log.log('ready', `online as ${session.username}/${shortId(session.deviceId)}; ${ready.presence.length} visible`, {
      username: session.username,
      deviceId: session.deviceId,
      resumed: ready.resumed,
      online: ready.presence.map((p) => ({ username: p.username, deviceId: p.deviceId })),
    }),
  );
  node.on('presence', (p) =>
    log.log('presence', `${who(p.username, p.deviceId)} ${p.status}`, {
      username: p.username,
      deviceId: p.deviceId,
      status: p.status,
    }),
  );
  node.on('connection', (connection) => {
    const name = () => connection.peer?.username;
    log.log('connection', `${connection.initiator ? 'to' : 'from'} ${who(name(), connection.deviceId)}`, {
      username: name(),
      deviceId: connection.deviceId,
      direction: connection.initiator ? 'outgoing' : 'incoming',
    });
    connection.on('path', (path) =>
      log.log(
        'connected',
        `${who(name(), connection.deviceId)} via ${describePath(path)}${path.rttMs !== undefined ? ` in ${path.rttMs.toFixed(2)} ms` : ''}`,
        { username: name(), deviceId: connection.deviceId, rttMs: path.rttMs, ...pathData(path) },
      ),
    );
    connection.on('link-lost', ({ reason }) =>
      log.log('link-lost', `${who(name(), connection.deviceId)}: ${reason}; reconnecting`, {
        username: name(),
        deviceId: connection.deviceId,
        reason,
      }),
    );
    connection.on('closed', ({ error }) =>
      log.log('closed', `${who(name(), connection.deviceId)}${error ? `: ${error.message}` : ''}`, {
        username: name(),
        deviceId: connection.deviceId,
        ...(error ? { error: { code: error.code, message: error.message } } : {}),
      }),
    );
  });
  node.on('refused', ({ from, error }) =>
    log.log('refused', `${who(from.username, from.deviceId)}: ${error.message} (${error.code})`, {
      username: from.username,
      deviceId: from.deviceId,
      error: { code: error.code, message: error.message },
    }),
  );
  node.on('error', (error) => log.log('error', error.message, { message: error.message }));
  node.on('key-change', (change) =>
    log.log(
      'key-change',
      `WARNING: ${change.username} has a device key this device never saw (${shortId(change.deviceId)}); ` +
        `compare safety numbers: shoal contacts verify @${change.username}`,
      { username: change.username, deviceId: change.deviceId, wasVerified: change.wasVerified },
    ),
  );
  serveSpeedtest(node, (report) =>
    log.log(
      'speedtest',
      `received ${report.bytes} bytes from ${who(report.from?.username, report.deviceId)} in ${report.seconds.toFixed(2)} s; sha256 ${report.sha256}`,
      {
        username: report.from?.username,
        deviceId: report.deviceId,
        bytes: report.bytes,
        sha256: report.sha256,
        seconds: report.seconds,
      },
    ),
  );

  let control: { close(): Promise<void> } | undefined;
  try {
    control = await listenControl(session.dir.file(CONTROL_SOCKET), async (request, sink) => {
      log.log('request', `${request.command} @${request.username}`, { ...request });
      return execute(node, request, sink);
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'DAEMON_RUNNING') throw error;
    out.note(`no control socket (${(error as Error).message}); ping and speedtest will not use this daemon`);
  }

  const stopped = new Promise<{ signal?: string; code: number }>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve({ signal, code: 0 }));
    signalling.on('disconnected', ({ code, reason, willReconnect }) => {
      if (!willReconnect && code !== 1000) {
        out.note(`signalling ended: ${code}${reason ? ` ${reason}` : ''}`);
        resolve({ code: 1 });
      }
    });
  });
  log.log('started', `device ${session.deviceId} of ${session.username}, coordinator ${session.coordinator}`, {
    username: session.username,
    deviceId: session.deviceId,
    coordinator: session.coordinator,
    pid: process.pid,
  });
  try {
    await signalling.connect();
  } catch (error) {
    await control?.close();
    await agent.close();
    throw error;
  }
  const { signal, code } = await stopped;
  log.log('stopping', signal ? `on ${signal}` : 'signalling ended', { ...(signal ? { signal } : {}) });
  await control?.close();
  await agent.close();
  return code;
}
