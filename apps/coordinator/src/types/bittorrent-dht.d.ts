// bittorrent-dht ships no types; this declares the part the coordinator uses.
declare module 'bittorrent-dht' {
  import { EventEmitter } from 'node:events';

  export interface DHTOptions {
    bootstrap?: string[] | false;
    host?: string | false;
    concurrency?: number;
    nodeId?: Uint8Array | string;
  }

  export default class DHT extends EventEmitter {
    constructor(options?: DHTOptions);
    listen(port: number, address: string, onListening?: () => void): void;
    address(): { address: string; family: string; port: number };
    announce(infoHash: string | Uint8Array, port: number, callback?: (error?: Error) => void): void;
    lookup(infoHash: string | Uint8Array, callback?: (error: Error | null, nodes?: number) => void): void;
    addNode(node: { host: string; port: number }): void;
    toJSON(): { nodes: { host: string; port: number }[] };
    destroy(callback?: () => void): void;
    readonly nodes: { count(): number; toArray(): unknown[] };
  }
}
