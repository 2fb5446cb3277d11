import { existsSync } from 'node:fs';
import { chmod, rm } from 'node:fs/promises';
import net from 'node:net';
import { z } from 'zod';
import type { Sink } from './sink.js';

/**
 * The daemon's control socket (a Unix socket in the data dir, private to the user): `shoal ping`
 * and `shoal speedtest` hand their work to a running daemon of the same device instead of opening
 * a second signalling socket for it (which would take the device over from the daemon).
 * One JSON request a connection; JSON lines back: notes, results, then the end with an exit code.
 */
export const CONTROL_SOCKET = 'daemon.sock';

export const ControlRequestSchema = z.discriminatedUnion('command', [
  z.object({
    command: z.literal('ping'),
    username: z.string(),
    count: z.number().int().positive().max(1000),
    timeoutMs: z.number().int().positive().max(600_000),
  }),
  z.object({
    command: z.literal('speedtest'),
    username: z.string(),
    bytes: z.number().int().positive(),
    deviceId: z.string().optional(),
  }),
]);
export type ControlRequest = z.infer<typeof ControlRequestSchema>;

type Reply =
  | { type: 'note'; text: string }
  | { type: 'result'; text: string; data: Record<string, unknown> }
  | { type: 'end'; exitCode: number }
  | { type: 'error'; code: string; message: string };

export class DaemonError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function listenControl(
  socketPath: string,
  handle: (request: ControlRequest, sink: Sink) => Promise<number>,
): Promise<{ close(): Promise<void> }> {
  if (existsSync(socketPath)) {
    if (await answers(socketPath)) throw new DaemonError('DAEMON_RUNNING', 'a daemon already runs for this data dir');
    await rm(socketPath, { force: true });
  }
  const server = net.createServer((socket) => {
    socket.setEncoding('utf8');
    let buffer = '';
    const send = (reply: Reply) => {
      if (!socket.destroyed) socket.write(JSON.stringify(reply) + '\n');
    };
    const onData = (chunk: string) => {
      buffer += chunk;
      const nl = buffer.indexOf('\n');
      if (nl < 0) {
        if (buffer.length > 64 * 1024) socket.destroy();
        return;
      }
      socket.off('data', onData);
      const parsed = ControlRequestSchema.safeParse(safeJson(buffer.slice(0, nl)));
      if (!parsed.success) {
        send({ type: 'error', code: 'USAGE', message: 'bad request to the daemon' });
        socket.end();
        return;
      }
      const sink: Sink = {
        note: (text) => send({ type: 'note', text }),
        result: (text, data) => send({ type: 'result', text, data }),
      };
      handle(parsed.data, sink)
        .then((exitCode) => send({ type: 'end', exitCode }))
        .catch((error: unknown) =>
          send({
            type: 'error',
            code: (error as { code?: string }).code ?? 'ERROR',
            message: (error as Error).message ?? String(error),
          }),
        )
        .finally(() => socket.end());
    };
    socket.on('data', onData);
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  await chmod(socketPath, 0o600);
  return {
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(socketPath, { force: true });
    },
  };
}

/**
 * Sends a request to the daemon of this data dir and relays its output to `sink`. Resolves with
 * the exit code, or `undefined` when no daemon is running.
 */
export async function callDaemon(socketPath: string, request: ControlRequest, sink: Sink): Promise<number | undefined> {
  if (!existsSync(socketPath)) return undefined;
  const socket = await connect(socketPath);
  if (!socket) return undefined;
  socket.setEncoding('utf8');
  socket.write(JSON.stringify(request) + '\n');
  return new Promise<number>((resolve, reject) => {
    let buffer = '';
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const reply = safeJson(buffer.slice(0, nl)) as Reply | undefined;
        buffer = buffer.slice(nl + 1);
        if (!reply) continue;
        if (reply.type === 'note') sink.note(reply.text);
        else if (reply.type === 'result') sink.result(reply.text, reply.data);
        else if (reply.type === 'end') settle(() => resolve(reply.exitCode));
        else if (reply.type === 'error') settle(() => reject(new DaemonError(reply.code, reply.message)));
      }
    });
    socket.on('close', () =>
      settle(() => reject(new DaemonError('DAEMON_GONE', 'the daemon closed the connection without an answer'))),
    );
    socket.on('error', () => undefined);
  });
}

function connect(socketPath: string): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = net.createConnection(socketPath);
    socket.once('connect', () => resolve(socket));
    socket.once('error', () => resolve(undefined));
  });
}

async function answers(socketPath: string): Promise<boolean> {
  const socket = await connect(socketPath);
  socket?.destroy();
  return Boolean(socket);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
