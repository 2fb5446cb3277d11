import type { Allocation } from './allocation.js';
import type { ClientConnection } from './client-connection.js';

/**
 * Allocations by 5-tuple (RFC 8656 §2.2), per-user counts for quotas, and reservations for
 * allocations whose relay socket is still being bound (so a burst of Allocate requests cannot
 * slip past the quotas while the first one awaits its socket).
 */
export class AllocationTable {
  /** UDP clients by address, then port: no string is built per relayed datagram. */
  private readonly udp = new Map<string, Map<number, Allocation>>();
  private readonly tcp = new Map<ClientConnection, Allocation>();
  private readonly pending = new Map<string, string>();
  private readonly perUser = new Map<string, number>();
  readonly all = new Set<Allocation>();

  get size(): number {
    return this.all.size + this.pending.size;
  }

  /** Hot path: the allocation of a UDP client. */
  udpAllocation(address: string, port: number): Allocation | undefined {
    return this.udp.get(address)?.get(port);
  }

  of(connection: ClientConnection): Allocation | undefined {
    return connection.transport === 'udp'
      ? this.udpAllocation(connection.remote.address, connection.remote.port)
      : this.tcp.get(connection);
  }

  isPending(connection: ClientConnection): boolean {
    return this.pending.has(connection.key);
  }

  countForUser(userId: string): number {
    return this.perUser.get(userId) ?? 0;
  }

  reserve(connection: ClientConnection, userId: string): void {
    this.pending.set(connection.key, userId);
    this.perUser.set(userId, this.countForUser(userId) + 1);
  }

  /** Ends a reservation: with the allocation it became, or with nothing when binding failed. */
  settle(connection: ClientConnection, allocation: Allocation | undefined): void {
    const userId = this.pending.get(connection.key);
    if (userId === undefined) return;
    this.pending.delete(connection.key);
    if (allocation === undefined) {
      this.decrementUser(userId);
      return;
    }
    this.all.add(allocation);
    if (connection.transport === 'tcp') {
      this.tcp.set(connection, allocation);
      return;
    }
    let ports = this.udp.get(connection.remote.address);
    if (ports === undefined) {
      ports = new Map();
      this.udp.set(connection.remote.address, ports);
    }
    ports.set(connection.remote.port, allocation);
  }

  remove(allocation: Allocation): boolean {
    if (!this.all.delete(allocation)) return false;
    const { connection } = allocation;
    if (connection.transport === 'tcp') {
      this.tcp.delete(connection);
    } else {
      const ports = this.udp.get(connection.remote.address);
      ports?.delete(connection.remote.port);
      if (ports?.size === 0) this.udp.delete(connection.remote.address);
    }
    this.decrementUser(allocation.userId);
    return true;
  }

  private decrementUser(userId: string): void {
    const count = this.countForUser(userId) - 1;
    if (count <= 0) this.perUser.delete(userId);
    else this.perUser.set(userId, count);
  }
}
