import { PeerConnection } from 'node-datachannel';
import type { DataChannel, IceServer as NdcIceServer, RtcConfig, SelectedCandidateInfo } from 'node-datachannel';
import { RtcError } from './errors.js';
import type {
  CandidateInfo,
  ChannelInit,
  IceServer,
  LinkState,
  PeerLink,
  PeerLinkConfig,
  PeerLinkFactory,
  RawChannel,
  SelectedPair,
} from './peer-link.js';

export interface NodePeerLinkOptions {
  /** Local address to gather host candidates on (default: every interface). */
  bindAddress?: string;
  /** UDP port range for ICE (default: any). */
  portRange?: [number, number];
  /** Also gather ICE-TCP candidates. */
  enableIceTcp?: boolean;
  /** `relay` allows only TURN paths (tests of the relay, privacy). */
  iceTransportPolicy?: 'all' | 'relay';
}

/** Peer links on node-datachannel (libdatachannel), for Node. */
export function nodePeerLinks(options: NodePeerLinkOptions = {}): PeerLinkFactory {
  return (config) => new NodePeerLink(config, options);
}

const LOCAL_DESCRIPTION_TIMEOUT_MS = 10_000;

class NodePeerLink implements PeerLink {
  private readonly pc: PeerConnection;
  private closed = false;
  private waiter: { resolve(sdp: string): void; reject(error: Error): void } | undefined;

  constructor(
    private readonly config: PeerLinkConfig,
    options: NodePeerLinkOptions,
  ) {
    const rtc: RtcConfig = {
      iceServers: config.iceServers.flatMap(toNdcIceServers),
      // Offers and answers are made when we ask, so that they can be signed first.
      disableAutoNegotiation: true,
      ...(options.bindAddress ? { bindAddress: options.bindAddress } : {}),
      ...(options.portRange ? { portRangeBegin: options.portRange[0], portRangeEnd: options.portRange[1] } : {}),
      ...(options.enableIceTcp ? { enableIceTcp: true } : {}),
      ...(options.iceTransportPolicy ? { iceTransportPolicy: options.iceTransportPolicy } : {}),
    };
    this.pc = new PeerConnection('shoal', rtc);
    const { handlers } = config;
    this.pc.onLocalDescription((sdp) => {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter?.resolve(sdp);
    });
    this.pc.onLocalCandidate((candidate, mid) => {
      if (!this.closed) handlers.candidate({ candidate: candidate.replace(/^a=/, ''), sdpMid: mid });
    });
    this.pc.onStateChange((state) => {
      if (!this.closed) handlers.state(state as LinkState);
    });
    this.pc.onDataChannel((dc) => {
      if (!this.closed) handlers.channel(new NodeRawChannel(dc));
    });
  }

  createOffer(): Promise<string> {
    return this.describe(() => this.pc.setLocalDescription('offer'));
  }

  async acceptOffer(sdp: string): Promise<string> {
    this.guard(() => this.pc.setRemoteDescription(sdp, 'offer'));
    return this.describe(() => this.pc.setLocalDescription('answer'));
  }

  async acceptAnswer(sdp: string): Promise<void> {
    this.guard(() => this.pc.setRemoteDescription(sdp, 'answer'));
  }

  addRemoteCandidate(candidate: { candidate: string; sdpMid?: string | null }): void {
    if (this.closed) return;
    try {
      this.pc.addRemoteCandidate(candidate.candidate, candidate.sdpMid ?? '0');
    } catch {
      // A candidate we cannot use (another address family, a malformed line) is no reason to fail.
    }
  }

  createChannel(label: string, init: ChannelInit = {}): RawChannel {
    const dc = this.guard(() =>
      this.pc.createDataChannel(label, {
        ...(init.ordered === false ? { unordered: true } : {}),
        ...(init.maxRetransmits !== undefined ? { maxRetransmits: init.maxRetransmits } : {}),
        ...(init.protocol !== undefined ? { protocol: init.protocol } : {}),
      }),
    );
    return new NodeRawChannel(dc);
  }

  async selectedPair(): Promise<SelectedPair | undefined> {
    if (this.closed) return undefined;
    const pair = this.pc.getSelectedCandidatePair();
    if (!pair) return undefined;
    return { local: candidateInfo(pair.local), remote: candidateInfo(pair.remote) };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.waiter?.reject(RtcError.closed('the peer link'));
    this.waiter = undefined;
    try {
      this.pc.close();
    } catch {
      // Already torn down by the library.
    }
  }

  private describe(start: () => void): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(RtcError.timeout('creating the local description'));
      }, LOCAL_DESCRIPTION_TIMEOUT_MS);
      this.waiter = {
        resolve: (sdp) => {
          clearTimeout(timer);
          resolve(sdp);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      try {
        this.guard(start);
      } catch (error) {
        this.waiter?.reject(error as Error);
      }
    });
  }

  private guard<T>(run: () => T): T {
    if (this.closed) throw RtcError.closed('the peer link');
    try {
      return run();
    } catch (error) {
      throw new RtcError('RTC_INTERNAL', `WebRTC: ${(error as Error).message}`, { cause: error });
    }
  }
}

class NodeRawChannel implements RawChannel {
  onopen: (() => void) | undefined;
  onclose: (() => void) | undefined;
  onerror: ((message: string) => void) | undefined;
  onbufferedamountlow: (() => void) | undefined;
  private messageHandler: ((data: string | Uint8Array) => void) | undefined;
  private early: (string | Uint8Array)[] = [];
  private open: boolean;
  readonly label: string;
  readonly protocol: string;

  constructor(private readonly dc: DataChannel) {
    this.label = dc.getLabel();
    this.protocol = dc.getProtocol();
    this.open = dc.isOpen();
    dc.onOpen(() => {
      this.open = true;
      this.onopen?.();
    });
    dc.onClosed(() => {
      this.open = false;
      this.onclose?.();
    });
    dc.onError((message) => this.onerror?.(message));
    dc.onBufferedAmountLow(() => this.onbufferedamountlow?.());
    dc.onMessage((message) => {
      const data =
        typeof message === 'string'
          ? message
          : message instanceof ArrayBuffer
            ? new Uint8Array(message)
            : new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
      if (this.messageHandler) this.messageHandler(data);
      else this.early.push(data);
    });
  }

  get onmessage(): ((data: string | Uint8Array) => void) | undefined {
    return this.messageHandler;
  }

  set onmessage(handler: ((data: string | Uint8Array) => void) | undefined) {
    this.messageHandler = handler;
    if (handler) for (const data of this.early.splice(0)) handler(data);
  }

  get isOpen(): boolean {
    return this.open;
  }

  get bufferedAmount(): number {
    try {
      return this.dc.bufferedAmount();
    } catch {
      return 0;
    }
  }

  get maxMessageSize(): number {
    try {
      return this.dc.maxMessageSize();
    } catch {
      return 65_536;
    }
  }

  setBufferedAmountLowThreshold(bytes: number): void {
    try {
      this.dc.setBufferedAmountLowThreshold(bytes);
    } catch {
      // Closed meanwhile.
    }
  }

  send(data: string | Uint8Array): void {
    if (!this.open) throw RtcError.closed(`channel ${this.label}`);
    try {
      if (typeof data === 'string') this.dc.sendMessage(data);
      else this.dc.sendMessageBinary(data);
    } catch (error) {
      throw new RtcError('RTC_INTERNAL', `cannot send on channel ${this.label}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  close(): void {
    try {
      this.dc.close();
    } catch {
      // Already closed.
    }
  }
}

function candidateInfo(info: SelectedCandidateInfo): CandidateInfo {
  const type = (['host', 'srflx', 'prflx', 'relay'] as const).find((t) => t === info.type.toLowerCase()) ?? 'host';
  return {
    type,
    protocol: /^udp/i.test(info.transportType) ? 'udp' : 'tcp',
    address: info.address,
    port: info.port,
  };
}

/** `stun:host:port`, `turn:host:port?transport=tcp`, `turns:host` → node-datachannel's server objects. */
export function toNdcIceServers(server: IceServer): NdcIceServer[] {
  const urls = Array.isArray(server.urls) ? server.urls : [server.urls];
  const out: NdcIceServer[] = [];
  for (const url of urls) {
    const match = /^(stuns?|turns?):(\[[^\]]+\]|[^:?]+)(?::(\d+))?(?:\?transport=(udp|tcp))?$/i.exec(url.trim());
    if (!match) continue;
    const scheme = match[1]!.toLowerCase();
    const hostname = match[2]!.replace(/^\[|\]$/g, '');
    const secure = scheme.endsWith('s');
    const port = match[3] ? Number(match[3]) : secure ? 5349 : 3478;
    if (scheme.startsWith('stun')) {
      out.push({ hostname, port });
      continue;
    }
    const transport = (match[4] ?? (secure ? 'tcp' : 'udp')).toLowerCase();
    out.push({
      hostname,
      port,
      ...(server.username !== undefined ? { username: server.username } : {}),
      ...(server.credential !== undefined ? { password: server.credential } : {}),
      relayType: secure ? 'TurnTls' : transport === 'tcp' ? 'TurnTcp' : 'TurnUdp',
    });
  }
  return out;
}
