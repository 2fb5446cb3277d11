import type { TurnServer } from '@shoal/turn';
import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';

/** Exposes the TURN server's own counters, read at scrape time (nothing is counted per packet here). */
export function registerTurnMetrics(registry: Registry, server: TurnServer): void {
  const read = (pick: (s: ReturnType<TurnServer['stats']>) => number) =>
    function (this: Gauge) {
      this.set(pick(server.stats()));
    };
  const gauges: [string, string, (s: ReturnType<TurnServer['stats']>) => number][] = [
    ['shoal_turn_allocations', 'TURN allocations now', (s) => s.allocationsActive],
    ['shoal_turn_allocations_created_total', 'TURN allocations created', (s) => s.allocationsCreated],
    ['shoal_turn_binding_requests_total', 'STUN Binding requests answered', (s) => s.bindingRequests],
    ['shoal_turn_auth_failures_total', 'TURN requests with wrong or expired credentials', (s) => s.authFailures],
    ['shoal_turn_quota_rejections_total', 'TURN allocations refused by quota', (s) => s.quotaRejections],
    ['shoal_turn_peer_refusals_total', 'TURN permissions refused by the peer address policy', (s) => s.peerRefusals],
    ['shoal_turn_malformed_total', 'Malformed STUN/TURN packets dropped', (s) => s.malformedMessages],
    ['shoal_turn_relayed_bytes_to_peers_total', 'Bytes relayed from clients to peers', (s) => s.bytesToPeers],
    ['shoal_turn_relayed_bytes_to_clients_total', 'Bytes relayed from peers to clients', (s) => s.bytesToClients],
  ];
  for (const [name, help, pick] of gauges) {
    new Gauge({ name, help, registers: [registry], collect: read(pick) });
  }
}
