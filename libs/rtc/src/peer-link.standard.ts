import { RtcError } from './errors.js';
import type {
  CandidateInfo,
  CandidateType,
  ChannelInit,
  LinkCandidate,
  LinkState,
  PeerLink,
  PeerLinkConfig,
  PeerLinkFactory,
  RawChannel,
  SelectedPair,
} from './peer-link.js';

export interface StandardPeerLinkOptions {
  /** The `RTCPeerConnection` class: the browser's by default (in Node, node-datachannel's polyfill). */
  RTCPeerConnection?: typeof RTCPeerConnection;
  /** `relay` allows only TURN paths. */
  iceTransportPolicy?: RTCIceTransportPolicy;
}

/** Peer links on the standard `RTCPeerConnection`: browsers (and Node with a polyfill). */
export function standardPeerLinks(options: StandardPeerLinkOptions = {}): PeerLinkFactory {
  const Impl =
    options.RTCPeerConnection ?? (globalThis as { RTCPeerConnection?: typeof RTCPeerConnection }).RTCPeerConnection;
  if (!Impl) throw new TypeError('no RTCPeerConnection here: pass options.RTCPeerConnection');
  return (config) => new StandardPeerLink(config, Impl, options);
}

class StandardPeerLink implements PeerLink {
  private readonly pc: RTCPeerConnection;
  private closed = false;

  constructor(config: PeerLinkConfig, Impl: typeof RTCPeerConnection, options: StandardPeerLinkOptions) {
    this.pc = new Impl({
      iceServers: config.iceServers,
      ...(options.iceTransportPolicy ? { iceTransportPolicy: options.iceTransportPolicy } : {}),
    });
    const { handlers } = config;
    this.pc.onicecandidate = (event) => {
      const candidate = event.candidate;
      // An empty candidate marks the end of gathering; trickle needs no such signal here.
      if (this.closed || !candidate?.candidate) return;
      handlers.candidate({ candidate: candidate.candidate.replace(/^a=/, ''), sdpMid: candidate.sdpMid });
    };
    this.pc.onconnectionstatechange = () => {
      if (!this.closed) handlers.state(this.pc.connectionState as LinkState);
    };
    this.pc.ondatachannel = (event) => {
      if (!this.closed) handlers.channel(new StandardRawChannel(event.channel, this.pc));
    };
  }

  async createOffer(): Promise<string> {
    const offer = await this.guard(() => this.pc.createOffer());
    await this.guard(() => this.pc.setLocalDescription(offer));
    return this.pc.localDescription?.sdp ?? offer.sdp ?? '';
  }

  async acceptOffer(sdp: string): Promise<string> {
    await this.guard(() => this.pc.setRemoteDescription({ type: 'offer', sdp }));
    const answer = await this.guard(() => this.pc.createAnswer());
    await this.guard(() => this.pc.setLocalDescription(answer));
    return this.pc.localDescription?.sdp ?? answer.sdp ?? '';
  }

  async acceptAnswer(sdp: string): Promise<void> {
    await this.guard(() => this.pc.setRemoteDescription({ type: 'answer', sdp }));
  }

  addRemoteCandidate(candidate: LinkCandidate): void {
    if (this.closed) return;
    // A candidate we cannot use (another address family, a malformed line) is no reason to fail.
    this.pc.addIceCandidate({ candidate: candidate.candidate, sdpMid: candidate.sdpMid ?? '0' }).catch(() => undefined);
  }

  createChannel(label: string, init: ChannelInit = {}): RawChannel {
    if (this.closed) throw RtcError.closed('the peer link');
    const channel = this.pc.createDataChannel(label, {
      ordered: init.ordered ?? true,
      ...(init.maxRetransmits !== undefined ? { maxRetransmits: init.maxRetransmits } : {}),
      ...(init.protocol !== undefined ? { protocol: init.protocol } : {}),
    });
    return new StandardRawChannel(channel, this.pc);
  }

  /** The selected pair from `getStats()`: the transport's pair, or the nominated, succeeded one. */
  async selectedPair(): Promise<SelectedPair | undefined> {
    if (this.closed) return undefined;
    const stats = (await this.pc.getStats()) as Map<string, Record<string, unknown>>;
    const all = [...stats.values()];
    const transport = all.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
    const pair =
      (transport && stats.get(transport.selectedCandidatePairId as string)) ??
      all.find((s) => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded');
    if (!pair) return undefined;
    const local = stats.get(pair.localCandidateId as string);
    const remote = stats.get(pair.remoteCandidateId as string);
    if (!local || !remote) return undefined;
    return { local: candidateStats(local), remote: candidateStats(remote) };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pc.close();
  }

  private async guard<T>(run: () => Promise<T>): Promise<T> {
    if (this.closed) throw RtcError.closed('the peer link');
    try {
      return await run();
    } catch (error) {
      throw new RtcError('RTC_INTERNAL', `WebRTC: ${(error as Error).message}`, { cause: error });
    }
  }
}

function candidateStats(stats: Record<string, unknown>): CandidateInfo {
  const type = String(stats.candidateType ?? 'host') as CandidateType;
  return {
    type: (['host', 'srflx', 'prflx', 'relay'] as const).includes(type) ? type : 'host',
    protocol: String(stats.protocol ?? 'udp').toLowerCase() === 'tcp' ? 'tcp' : 'udp',
    address: String(stats.address ?? stats.ip ?? ''),
    port: Number(stats.port ?? 0),
  };
}

class StandardRawChannel implements RawChannel {
  onopen: (() => void) | undefined;
  onclose: (() => void) | undefined;
  onerror: ((message: string) => void) | undefined;
  onbufferedamountlow: (() => void) | undefined;
  private messageHandler: ((data: string | Uint8Array) => void) | undefined;
  private early: (string | Uint8Array)[] = [];

  constructor(
    private readonly dc: RTCDataChannel,
    private readonly pc: RTCPeerConnection,
  ) {
    dc.binaryType = 'arraybuffer';
    dc.onopen = () => this.onopen?.();
    dc.onclose = () => this.onclose?.();
    dc.onerror = (event) => this.onerror?.(String((event as RTCErrorEvent).error?.message ?? 'channel error'));
    dc.onbufferedamountlow = () => this.onbufferedamountlow?.();
    dc.onmessage = (event: MessageEvent) => {
      const raw: unknown = event.data;
      const data =
        typeof raw === 'string'
          ? raw
          : raw instanceof ArrayBuffer
            ? new Uint8Array(raw)
            : ArrayBuffer.isView(raw)
              ? new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)
              : undefined;
      if (data === undefined) return;
      if (this.messageHandler) this.messageHandler(data);
      else this.early.push(data);
    };
  }

  get label(): string {
    return this.dc.label;
  }

  get protocol(): string {
    return this.dc.protocol;
  }

  get onmessage(): ((data: string | Uint8Array) => void) | undefined {
    return this.messageHandler;
  }

  set onmessage(handler: ((data: string | Uint8Array) => void) | undefined) {
    this.messageHandler = handler;
    if (handler) for (const data of this.early.splice(0)) handler(data);
  }

  get isOpen(): boolean {
    return this.dc.readyState === 'open';
  }

  get bufferedAmount(): number {
    return this.dc.bufferedAmount;
  }

  get maxMessageSize(): number {
    return this.pc.sctp?.maxMessageSize ?? 65_536;
  }

  setBufferedAmountLowThreshold(bytes: number): void {
    this.dc.bufferedAmountLowThreshold = bytes;
  }

  send(data: string | Uint8Array): void {
    if (this.dc.readyState !== 'open') throw RtcError.closed(`channel ${this.label}`);
    try {
      if (typeof data === 'string') this.dc.send(data);
      else this.dc.send(data as Uint8Array<ArrayBuffer>);
    } catch (error) {
      throw new RtcError('RTC_INTERNAL', `cannot send on channel ${this.label}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  close(): void {
    this.dc.close();
  }
}
