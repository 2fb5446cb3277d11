import { randomBytes } from 'node:crypto';
import { LabHost, ProcessTracker } from './lab-host.js';
import { trackLab, saveRecord, sweepLeftovers, untrackLab } from './leftovers.js';
import { addNamespace, ipIn, iptablesRestoreIn, removeNamespace, shellIn } from './netns.js';
import { LAN, NAT_BEHAVIOURS, routerRules, WAN } from './router-rules.js';
import type { NatBehaviour } from './router-rules.js';
import { CommandError, execFile } from './shell.js';

/**
 * The lab's addresses. The "internet" is 198.18.0.0/16 (RFC 2544's range for testing network
 * devices); home i's LAN is 10.i.0.0/24. They exist only inside the lab's own namespaces, so the
 * same plan serves every lab at once.
 */
export const PUBLIC_SUBNET = '198.18.0.0/16';
const publicHostAddress = (n: number) => `198.18.0.${n}`;
const routerWanAddress = (i: number) => `198.18.${i}.1`;
const routerLanAddress = (i: number) => `10.${i}.0.1`;
const homeLanAddress = (i: number) => `10.${i}.0.2`;
const MAX_HOMES = 250;

export interface HomeOptions {
  /** How the tests refer to it: lower-case letters, digits and dashes. */
  name: string;
  nat: NatBehaviour;
}

export interface NatLabOptions {
  homes: readonly HomeOptions[];
  /**
   * Addresses of the public host (the coordinator's machine), 198.18.0.1 upwards; more than one
   * lets a test reach two different destinations from one socket. Default 2.
   */
  publicAddresses?: number;
}

/** The public host: on the lab's "internet" segment, where the coordinator (and coturn) run. */
export class PublicHost extends LabHost {
  constructor(
    namespace: string,
    /** Every address of the host; `address` is the first. */
    readonly addresses: readonly string[],
    tracker: ProcessTracker,
  ) {
    super('public', namespace, addresses[0]!, tracker);
  }
}

/** A home: one machine (`address`, on the LAN) behind its NAT router (`router`). */
export class Home extends LabHost {
  constructor(
    name: string,
    namespace: string,
    /** The home machine's LAN address: what it sees as its own. */
    address: string,
    readonly nat: NatBehaviour,
    /** The router's namespace; its `address` is the LAN gateway. */
    readonly router: LabHost,
    /** The router's WAN address: what the public segment sees as this home's address. */
    readonly publicAddress: string,
    tracker: ProcessTracker,
  ) {
    super(name, namespace, address, tracker);
  }
}

export class NatLabUnavailableError extends Error {
  constructor(reason: string) {
    super(
      `NAT LAB UNAVAILABLE: ${reason}\n` +
        'The NAT lab builds Linux network namespaces with NAT routers: it needs Linux, root (CAP_SYS_ADMIN and ' +
        'CAP_NET_ADMIN), iproute2 (`ip netns`) and iptables (apt-get install -y iproute2 iptables). ' +
        'NAT tests FAIL here on purpose rather than skip: a NAT test that did not run proves nothing.',
    );
    this.name = 'NatLabUnavailableError';
  }
}

export class NatLab {
  /** The public host, where the coordinator runs. */
  readonly public: PublicHost;
  private destroyed: Promise<void> | undefined;

  constructor(
    /** The lab's unique prefix: every namespace it made starts with `<id>-`. */
    readonly id: string,
    publicHost: PublicHost,
    readonly homes: readonly Home[],
    private readonly made: () => string[],
    private readonly tracker: ProcessTracker,
  ) {
    this.public = publicHost;
  }

  home(name: string): Home {
    const home = this.homes.find((h) => h.name === name);
    if (!home) throw new Error(`the lab has no home "${name}" (homes: ${this.homes.map((h) => h.name).join(', ')})`);
    return home;
  }

  /** Every namespace this lab made (and has not removed yet). */
  get namespaces(): string[] {
    return this.made();
  }

  /**
   * Ends every process in the lab's namespaces and removes the namespaces, with the veth pairs
   * and bridge in them. Safe to call twice, and after a half-built lab.
   */
  destroy(): Promise<void> {
    this.destroyed ??= destroyLab(this.id, this.made, this.tracker);
    return this.destroyed;
  }
}

async function destroyLab(id: string, made: () => string[], tracker: ProcessTracker): Promise<void> {
  await tracker.stopAll();
  const namespaces = made().reverse();
  const problems: string[] = [];
  // Deleting one end of a veth pair deletes both; deleting a namespace deletes what is left in it.
  const publicNs = namespaces.find((ns) => ns.endsWith('-pub'));
  if (publicNs) {
    const links = await execFile('ip', ['-n', publicNs, '-o', 'link', 'show', 'type', 'veth']);
    for (const match of links.stdout.matchAll(/^\d+:\s+([^@:\s]+)/gm)) {
      await execFile('ip', ['-n', publicNs, 'link', 'del', match[1]!]);
    }
  }
  for (const ns of namespaces) {
    const problem = await removeNamespace(ns);
    if (problem) problems.push(problem);
  }
  const left = (await execFile('ip', ['netns', 'list'])).stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name.startsWith(`${id}-`));
  if (left.length > 0 || problems.length > 0) {
    // Still tracked: the exit hook (or the next lab's sweep) tries again.
    throw new Error(`NAT lab ${id}: could not remove ${left.join(', ')}\n${problems.join('\n')}`);
  }
  untrackLab(id);
}

function validate(options: NatLabOptions): void {
  const names = new Set<string>();
  if (options.homes.length > MAX_HOMES) throw new TypeError(`a lab has at most ${MAX_HOMES} homes`);
  for (const home of options.homes) {
    if (!/^[a-z0-9-]{1,32}$/.test(home.name)) throw new TypeError(`home name "${home.name}": [a-z0-9-]{1,32}`);
    if (names.has(home.name)) throw new TypeError(`two homes are named "${home.name}"`);
    if (!NAT_BEHAVIOURS.includes(home.nat)) throw new TypeError(`home "${home.name}": unknown nat "${home.nat}"`);
    names.add(home.name);
  }
  const count = options.publicAddresses ?? 2;
  if (!Number.isInteger(count) || count < 1 || count > 250) throw new TypeError('publicAddresses: 1 to 250');
}

async function checkTools(): Promise<void> {
  if (process.platform !== 'linux') throw new NatLabUnavailableError(`this is ${process.platform}, not Linux`);
  for (const [tool, pkg] of [
    ['ip', 'iproute2'],
    ['iptables-restore', 'iptables'],
  ] as const) {
    const found = await execFile('sh', ['-c', `command -v ${tool}`]);
    if (found.code !== 0) throw new NatLabUnavailableError(`\`${tool}\` is not installed (Debian package ${pkg})`);
  }
}

/**
 * Claims a prefix nobody uses: `ip netns add` fails when the name exists, so two labs (in this
 * process or any other) never share one. Namespace names stay short: `<prefix>-pub`, `-r<i>`, `-h<i>`.
 */
async function claimPrefix(): Promise<string> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const prefix = `nl${randomBytes(4).readUInt32BE(0).toString(36).padStart(6, '0').slice(-4)}`;
    try {
      await addNamespace(`${prefix}-pub`);
      return prefix;
    } catch (error) {
      lastError = error;
      if (error instanceof CommandError && /File exists/i.test(error.result.stderr)) continue;
      const detail = error instanceof Error ? error.message : String(error);
      const root = process.getuid?.() === 0 ? '' : ` (running as uid ${process.getuid?.()}, not root)`;
      throw new NatLabUnavailableError(`cannot create a network namespace${root}: ${detail}`);
    }
  }
  throw new NatLabUnavailableError(`no free namespace prefix after 5 attempts: ${String(lastError)}`);
}

// A new namespace has no forwarding, lo down, and IPv6 link-local addresses on every new link,
// which ICE would gather as useless candidates: the lab is IPv4 only.
const baseSetup = (forwarding: boolean) => `
  ip link set lo up
  for f in /proc/sys/net/ipv6/conf/default/disable_ipv6 /proc/sys/net/ipv6/conf/all/disable_ipv6; do
    [ -w "$f" ] && echo 1 > "$f" || true
  done
  echo ${forwarding ? 1 : 0} > /proc/sys/net/ipv4/ip_forward
`;

/**
 * Builds a NAT lab:
 *
 *   public host (namespace <id>-pub, 198.18.0.1, .2 ...) ── bridge br0 ──┬── router 1 (198.18.1.1) ── home 1 (10.1.0.2)
 *                                                                      └── router 2 (198.18.2.1) ── home 2 (10.2.0.2)
 *
 * Each router masquerades its home with the given NAT behaviour. Throws `NatLabUnavailableError`
 * when namespaces cannot be made; removes whatever it made when building fails halfway.
 * Destroy it (`await lab.destroy()`) in `afterAll`; an exit hook removes it too, as a last resort.
 */
export async function createNatLab(options: NatLabOptions): Promise<NatLab> {
  validate(options);
  await checkTools();
  sweepLeftovers();
  const id = await claimPrefix();
  const made: string[] = [`${id}-pub`];
  const madeNow = () => [...made];
  const tracker = new ProcessTracker();
  trackLab(id, madeNow);
  try {
    const publicNs = `${id}-pub`;
    const publicAddresses = Array.from({ length: options.publicAddresses ?? 2 }, (_, n) => publicHostAddress(n + 1));
    await shellIn(publicNs, baseSetup(false));
    await ipIn(publicNs, ['link', 'add', 'br0', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0']);
    for (const address of publicAddresses) await ipIn(publicNs, ['addr', 'add', `${address}/16`, 'dev', 'br0']);
    await ipIn(publicNs, ['link', 'set', 'br0', 'up']);
    // The rest of the internet, as seen from the lab: a sink. A packet to an address nobody in the
    // lab has (a home's LAN address, which ICE tries) vanishes, as on the internet. Without this
    // route the sender gets ENETUNREACH, and coturn, for one, closes the relay session on it.
    await shellIn(
      publicNs,
      `ip link add void type veth peer name void-end
       ip link set void arp off up
       ip link set void-end up
       ip route add default dev void`,
    );

    const homes: Home[] = [];
    for (const [index, spec] of options.homes.entries()) {
      const i = index + 1;
      const routerNs = `${id}-r${i}`;
      const homeNs = `${id}-h${i}`;
      made.push(routerNs);
      await addNamespace(routerNs);
      made.push(homeNs);
      await addNamespace(homeNs);
      saveRecord(id, madeNow());
      await shellIn(routerNs, baseSetup(true));
      await shellIn(homeNs, baseSetup(false));
      // Both ends are created inside lab namespaces: no interface ever appears on the machine itself.
      await ipIn(publicNs, ['link', 'add', `r${i}`, 'type', 'veth', 'peer', 'name', WAN, 'netns', routerNs]);
      await ipIn(routerNs, ['link', 'add', LAN, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', homeNs]);
      await ipIn(publicNs, ['link', 'set', `r${i}`, 'master', 'br0', 'up']);
      await shellIn(
        routerNs,
        `ip addr add ${routerWanAddress(i)}/16 dev ${WAN}
         ip link set ${WAN} up
         ip addr add ${routerLanAddress(i)}/24 dev ${LAN}
         ip link set ${LAN} up
         ip route add default via ${publicAddresses[0]}`,
      );
      await shellIn(
        homeNs,
        `ip addr add ${homeLanAddress(i)}/24 dev eth0
         ip link set eth0 up
         ip route add default via ${routerLanAddress(i)}`,
      );
      await iptablesRestoreIn(routerNs, routerRules(spec.nat));
      const router = new LabHost(`${spec.name}-router`, routerNs, routerLanAddress(i), tracker);
      homes.push(new Home(spec.name, homeNs, homeLanAddress(i), spec.nat, router, routerWanAddress(i), tracker));
    }
    const lab = new NatLab(id, new PublicHost(publicNs, publicAddresses, tracker), homes, madeNow, tracker);
    return lab;
  } catch (error) {
    const cleanup = await destroyLab(id, madeNow, tracker).then(
      () => 'removed what it had made',
      (e: unknown) => `and cleaning up failed too: ${e instanceof Error ? e.message : String(e)}`,
    );
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`NAT lab ${id}: building failed (${cleanup}): ${reason}`, { cause: error });
  }
}
