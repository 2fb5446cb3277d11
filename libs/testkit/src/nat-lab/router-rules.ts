/**
 * How a home's router treats traffic:
 * - `endpoint-independent`: one external port per internal socket, whatever the destination
 *   (Linux MASQUERADE keeps the source port when it is free, and one host per home keeps it free).
 * - `symmetric`: a new random external port for every destination (MASQUERADE --random), so a
 *   port learnt through STUN is useless to anyone else.
 * - `udp-blocked`: like endpoint-independent, but the firewall drops all UDP going out; only TCP
 *   passes.
 */
export type NatBehaviour = 'endpoint-independent' | 'symmetric' | 'udp-blocked';

export const NAT_BEHAVIOURS: readonly NatBehaviour[] = ['endpoint-independent', 'symmetric', 'udp-blocked'];

export const WAN = 'wan';
export const LAN = 'lan';

/**
 * The router's iptables rules, for `iptables-restore`. Every router filters like a home router
 * (answers to what went out get in, nothing else): unsolicited packets arriving on the WAN are
 * dropped in INPUT, before conntrack confirms an entry for them. Without that, a hole-punching
 * packet that arrives before our own first packet went out leaves a conntrack entry whose reverse
 * tuple clashes with our outgoing one, and MASQUERADE then picks another port: the mapping would
 * depend on timing, not on the NAT type under test.
 */
export function routerRules(nat: NatBehaviour): string {
  const masquerade =
    nat === 'symmetric' ? `-A POSTROUTING -o ${WAN} -j MASQUERADE --random` : `-A POSTROUTING -o ${WAN} -j MASQUERADE`;
  const blockUdp = nat === 'udp-blocked' ? [`-A FORWARD -i ${LAN} -o ${WAN} -p udp -j DROP`] : [];
  return [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    masquerade,
    'COMMIT',
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':FORWARD DROP [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    `-A INPUT -i ${WAN} -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`,
    `-A INPUT -i ${WAN} -j DROP`,
    ...blockUdp,
    `-A FORWARD -i ${LAN} -o ${WAN} -j ACCEPT`,
    `-A FORWARD -i ${WAN} -o ${LAN} -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`,
    'COMMIT',
    '',
  ].join('\n');
}
