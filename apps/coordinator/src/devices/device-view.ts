import type { Device } from '@shoal/protocol';

export function deviceView(row: {
  id: string;
  name: string;
  publicKey: string;
  exchangeKey: string | null;
  createdAt: Date;
  lastSeenAt: Date | null;
  revokedAt: Date | null;
}): Device {
  return {
    id: row.id,
    name: row.name,
    publicKey: row.publicKey,
    exchangeKey: row.exchangeKey,
    createdAt: row.createdAt.toISOString(),
    lastSeenAt: row.lastSeenAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
