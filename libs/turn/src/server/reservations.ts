import type { Socket } from 'node:dgram';

/** How long a port reserved by EVEN-PORT's R bit is held (RFC 8656 §7.2 suggests about 30 s). */
export const RESERVATION_LIFETIME_MS = 30_000;

interface Reservation {
  readonly socket: Socket;
  readonly userId: string;
  readonly expiresAt: number;
}

/** Relay ports held back for a later Allocate with the RESERVATION-TOKEN (RFC 8656 §7.2). */
export class Reservations {
  private readonly byToken = new Map<string, Reservation>();

  add(token: Buffer, socket: Socket, userId: string, expiresAt: number): void {
    this.byToken.set(token.toString('hex'), { socket, userId, expiresAt });
  }

  /** The reserved socket, handed over once; `undefined` for unknown or used tokens. */
  take(token: Buffer): Socket | undefined {
    const key = token.toString('hex');
    const reservation = this.byToken.get(key);
    this.byToken.delete(key);
    return reservation?.socket;
  }

  countForUser(userId: string): number {
    let count = 0;
    for (const reservation of this.byToken.values()) if (reservation.userId === userId) count++;
    return count;
  }

  prune(now: number): void {
    for (const [key, reservation] of this.byToken) {
      if (reservation.expiresAt > now) continue;
      this.byToken.delete(key);
      reservation.socket.close();
    }
  }

  clear(): void {
    for (const reservation of this.byToken.values()) reservation.socket.close();
    this.byToken.clear();
  }
}
