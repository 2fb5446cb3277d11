import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { MAX_WS_FRAME_BYTES, wsCloseCodes } from '@shoal/protocol';
import { WebSocketServer } from 'ws';
import type { Authenticator } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import { errorAnswer } from '../errors/error-body.js';
import { DeviceConnection } from './device-connection.js';
import type { SignallingContext } from './signalling-context.js';

/**
 * The `/ws` endpoint: authenticates the upgrade (access token or API key with the `signal` scope,
 * in the Authorization header or, for browsers, the `access_token` query parameter), then hands
 * the socket to a DeviceConnection. Also keeps this replica's heartbeat and reaps the devices of
 * replicas that died.
 */
export class SignallingServer {
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<DeviceConnection>();
  private readonly graceTimers = new Set<NodeJS.Timeout>();
  private readonly intervals: NodeJS.Timeout[] = [];
  private readonly unsubscribe: () => void;

  constructor(
    private readonly ctx: SignallingContext,
    private readonly authenticator: Authenticator,
  ) {
    // The socket-level cap only stops abuse; frames over the protocol's limit get an error frame.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: 4 * MAX_WS_FRAME_BYTES, perMessageDeflate: false });
    this.unsubscribe = ctx.store.onTakeover((deviceId, connectionId) => {
      for (const c of this.connections) if (c.deviceId === deviceId) c.replacedBy(connectionId);
    });
  }

  start(): void {
    const beat = async () => {
      try {
        await this.ctx.store.heartbeat(this.ctx.replicaId);
        const reaped = await this.ctx.store.reapDeadReplicas(this.ctx.replicaId, 3 * REPLICA_HEARTBEAT_MS);
        for (const record of reaped) await this.ctx.presence.wentOffline(record);
        if (reaped.length > 0)
          this.ctx.logger.info({ devices: reaped.length }, 'took the devices of a dead replica offline');
      } catch (error) {
        this.ctx.logger.warn({ err: error }, 'presence heartbeat failed');
      }
    };
    void beat();
    this.intervals.push(setInterval(() => void beat(), REPLICA_HEARTBEAT_MS));
  }

  /** Handles an HTTP upgrade on /ws. */
  async handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    let principal: Principal | undefined;
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const queryToken = url.searchParams.get('access_token');
      const header = request.headers.authorization ?? (queryToken ? `Bearer ${queryToken}` : undefined);
      principal = await this.authenticator.authenticate(header, { auth: 'any', scope: 'signal' });
    } catch (error) {
      const answer = errorAnswer(error);
      const body = JSON.stringify(answer.body);
      socket.end(
        `HTTP/1.1 ${answer.status} ${answer.status === 401 ? 'Unauthorized' : 'Forbidden'}\r\n` +
          'Content-Type: application/json\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const connection = new DeviceConnection(ws, principal!, this.ctx, (closed) => this.closed(closed));
      this.connections.add(connection);
      connection.start();
    });
  }

  private closed(connection: DeviceConnection): void {
    this.connections.delete(connection);
    const deviceId = connection.deviceId;
    if (!deviceId) return;
    // The device stays online for a grace period, so a quick reconnect resumes unseen.
    const timer = setTimeout(() => {
      this.graceTimers.delete(timer);
      this.ctx.presence
        .offline(deviceId, connection.id)
        .catch((error: unknown) => this.ctx.logger.warn({ err: error }, 'could not take a device offline'));
    }, this.ctx.limits.graceMs);
    this.graceTimers.add(timer);
  }

  /** Closes every socket (clients reconnect, possibly to another replica) and stops the timers. */
  async stop(): Promise<void> {
    this.unsubscribe();
    for (const interval of this.intervals) clearInterval(interval);
    for (const timer of this.graceTimers) clearTimeout(timer);
    this.graceTimers.clear();
    for (const c of this.connections) c.close(wsCloseCodes.RESTART, 'coordinator restarting');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

export const REPLICA_HEARTBEAT_MS = 2_000;
