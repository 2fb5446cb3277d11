import { describe, expect, it } from 'vitest';
import type { LinkCandidate, LinkState, PeerLink, PeerLinkFactory, RawChannel } from './peer-link.js';

interface End {
  link: PeerLink;
  states: LinkState[];
  channels: RawChannel[];
  candidates: LinkCandidate[];
}

/** Two links of (possibly different) factories, wired to each other as signalling would. */
async function connectPair(makeA: PeerLinkFactory, makeB: PeerLinkFactory): Promise<[End, End, RawChannel]> {
  const ends: End[] = [];
  let remoteReady = [false, false];
  const make = (factory: PeerLinkFactory, me: number): End => {
    const end: End = { link: undefined as unknown as PeerLink, states: [], channels: [], candidates: [] };
    end.link = factory({
      iceServers: [],
      handlers: {
        candidate: (c) => {
          const other = ends[1 - me]!;
          if (remoteReady[1 - me]) other.link.addRemoteCandidate(c);
          else end.candidates.push(c);
        },
        state: (s) => end.states.push(s),
        channel: (ch) => end.channels.push(ch),
      },
    });
    return end;
  };
  ends.push(make(makeA, 0), make(makeB, 1));
  const [a, b] = ends as [End, End];
  const control = a.link.createChannel('first');
  const offer = await a.link.createOffer();
  const answer = await b.link.acceptOffer(offer);
  remoteReady = [remoteReady[0]!, true];
  for (const c of a.candidates.splice(0)) b.link.addRemoteCandidate(c);
  await a.link.acceptAnswer(answer);
  remoteReady = [true, true];
  for (const c of b.candidates.splice(0)) a.link.addRemoteCandidate(c);
  return [a, b, control];
}

const until = async (check: () => boolean, what: string, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

const echoOn = (channel: RawChannel) => {
  channel.onmessage = (data) => channel.send(data);
};

const roundTrip = (channel: RawChannel, data: string | Uint8Array) =>
  new Promise<string | Uint8Array>((resolve) => {
    channel.onmessage = resolve;
    channel.send(data);
  });

/** What every PeerLink does; each implementation (and each pair of them) runs this suite. */
export function peerLinkCompliance(name: string, makeA: () => PeerLinkFactory, makeB = makeA): void {
  describe(`${name} (PeerLink compliance)`, () => {
    it('negotiates with trickled candidates, echoes text and bytes both ways, and reports a host/UDP pair', async () => {
      const [a, b, first] = await connectPair(makeA(), makeB());
      try {
        await until(() => first.isOpen && b.channels.length === 1, 'the first channel');
        const incoming = b.channels[0]!;
        expect(incoming.label).toBe('first');
        echoOn(incoming);
        expect(await roundTrip(first, 'hello')).toBe('hello');
        const bytes = new Uint8Array(40_000).map((_, i) => i % 253);
        expect(Array.from((await roundTrip(first, bytes)) as Uint8Array)).toEqual(Array.from(bytes));

        // A second channel, opened by the other side after the connection is up.
        const back = b.link.createChannel('back', { protocol: 'p1' });
        await until(() => back.isOpen && a.channels.length === 1, 'the second channel');
        expect(a.channels[0]).toMatchObject({ label: 'back', protocol: 'p1' });
        echoOn(a.channels[0]!);
        expect(await roundTrip(back, 'from b')).toBe('from b');
        expect(first.maxMessageSize).toBeGreaterThanOrEqual(16 * 1024);

        expect(a.states).toContain('connected');
        for (const end of [a, b]) {
          const pair = await end.link.selectedPair();
          expect(pair?.local).toMatchObject({ type: 'host', protocol: 'udp' });
          expect(pair?.remote.type).toMatch(/^(host|prflx)$/);
          expect(pair?.remote.port).toBeGreaterThan(0);
        }
      } finally {
        a.link.close();
        b.link.close();
      }
    });

    it('when one side closes, the other sees its channel close and the link end', async () => {
      const [a, b, first] = await connectPair(makeA(), makeB());
      try {
        await until(() => first.isOpen && b.channels.length === 1, 'the first channel');
        let closed = false;
        b.channels[0]!.onclose = () => (closed = true);
        a.link.close();
        await until(() => closed, 'the remote channel to close');
        await until(
          () => b.states.some((s) => s === 'closed' || s === 'failed' || s === 'disconnected'),
          'the link end',
        );
        expect(await a.link.selectedPair()).toBeUndefined();
        expect(() => a.link.createChannel('late')).toThrow(expect.objectContaining({ code: 'RTC_CLOSED' }));
      } finally {
        b.link.close();
      }
    });
  });
}
