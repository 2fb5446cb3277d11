import type { Socket } from 'node:dgram';
import { TurnError } from '../errors.js';
import { listenUdp } from './listeners.js';

/** Attempts at random ports of a range before giving up (the range may be nearly full). */
const RANGE_ATTEMPTS = 32;
/** Where EVEN-PORT requests pick from when no relay range is configured (IANA dynamic ports). */
const DYNAMIC_PORTS = { min: 49152, max: 65535 } as const;

export type PortRange = { readonly min: number; readonly max: number };

function bindOnce(address: string, port: number): Promise<Socket> {
  return listenUdp(address, port, 'IPv4');
}

/** A UDP socket for one allocation's relayed address: any free port, or one from `range`. */
export async function bindRelaySocket(address: string, range: PortRange | undefined): Promise<Socket> {
  if (range === undefined) return bindOnce(address, 0);
  let lastError: unknown;
  for (let attempt = 0; attempt < RANGE_ATTEMPTS; attempt++) {
    try {
      return await bindOnce(address, randomPort(range, false));
    } catch (error) {
      lastError = error;
    }
  }
  throw TurnError.listenFailed(`a relay port in ${range.min}-${range.max}`, lastError);
}

export interface EvenPortPair {
  readonly socket: Socket;
  /** Bound to the next (odd) port when asked to reserve it. */
  readonly next: Socket | undefined;
}

/** RFC 8656 §7.2 EVEN-PORT: an even relay port, and with `reserveNext` the odd one after it too. */
export async function bindEvenRelaySocket(
  address: string,
  range: PortRange | undefined,
  reserveNext: boolean,
): Promise<EvenPortPair> {
  const from = range ?? DYNAMIC_PORTS;
  let lastError: unknown;
  for (let attempt = 0; attempt < RANGE_ATTEMPTS; attempt++) {
    const port = randomPort(from, true);
    if (reserveNext && port + 1 > from.max) continue;
    let socket: Socket | undefined;
    try {
      socket = await bindOnce(address, port);
      const next = reserveNext ? await bindOnce(address, port + 1) : undefined;
      return { socket, next };
    } catch (error) {
      socket?.close();
      lastError = error;
    }
  }
  throw TurnError.listenFailed(`an even relay port in ${from.min}-${from.max}`, lastError);
}

function randomPort(range: PortRange, even: boolean): number {
  const span = range.max - range.min + 1;
  const port = range.min + Math.floor(Math.random() * span);
  if (!even || port % 2 === 0) return port;
  return port - 1 >= range.min ? port - 1 : port + 1;
}
