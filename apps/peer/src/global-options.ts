import path from 'node:path';
import { defaultDataDir } from './data-dir.js';

export interface GlobalOptions {
  coordinator?: string;
  dataDir?: string;
  json?: boolean;
}

export interface Globals {
  coordinator: string;
  dataDir: string;
  json: boolean;
}

export const DEFAULT_COORDINATOR = 'http://127.0.0.1:8080';

export function resolveGlobals(options: GlobalOptions): Globals {
  return {
    coordinator: (options.coordinator ?? process.env.SHOAL_COORDINATOR ?? DEFAULT_COORDINATOR).replace(/\/+$/, ''),
    dataDir: path.resolve(options.dataDir ?? process.env.SHOAL_PEER_DATA_DIR ?? defaultDataDir()),
    json: Boolean(options.json),
  };
}
