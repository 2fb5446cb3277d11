// The `bencode` package ships no types; tests use its decoder as an independent check of ours.
declare module 'bencode' {
  const bencode: {
    encode(value: unknown): Uint8Array;
    decode(data: Uint8Array, encoding?: string): any;
  };
  export default bencode;
}

// bittorrent-tracker ships no types either; tests drive its client as a WebTorrent peer would.
declare module 'bittorrent-tracker' {
  import type { EventEmitter } from 'node:events';
  export interface SimplePeer extends EventEmitter {
    id: string;
    connected: boolean;
    send(data: string | Uint8Array): void;
    destroy(): void;
  }
  export default class Client extends EventEmitter {
    constructor(options: {
      infoHash: string | Uint8Array;
      peerId: string | Uint8Array;
      announce: string[];
      port: number;
      wrtc?: unknown;
      getAnnounceOpts?: () => Record<string, unknown>;
    });
    start(options?: Record<string, unknown>): void;
    stop(options?: Record<string, unknown>): void;
    complete(options?: Record<string, unknown>): void;
    update(options?: Record<string, unknown>): void;
    scrape(options?: Record<string, unknown>): void;
    destroy(callback?: (error?: Error | null) => void): void;
  }
}

// webtorrent ships no types; tests drive two clients over the coordinator's WebSocket tracker.
declare module 'webtorrent' {
  import type { EventEmitter } from 'node:events';
  namespace WebTorrent {
    interface TorrentFile {
      name: string;
      length: number;
      arrayBuffer(): Promise<ArrayBuffer>;
    }
    interface Torrent extends EventEmitter {
      infoHash: string;
      magnetURI: string;
      files: TorrentFile[];
      wires: unknown[];
    }
    interface Instance extends EventEmitter {
      torrents: Torrent[];
      seed(input: unknown, options: unknown, onSeed: (torrent: Torrent) => void): Torrent;
      add(torrentId: string, options: unknown, onTorrent: (torrent: Torrent) => void): Torrent;
      destroy(callback?: (error?: Error) => void): void;
    }
  }
  const WebTorrent: { new (options?: unknown): WebTorrent.Instance };
  export default WebTorrent;
}
