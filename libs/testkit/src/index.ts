export { repoRoot, ensureBuilt } from './repo.js';
export { startCoordinatorProcess } from './coordinator-process.js';
export type { CoordinatorProcess, CoordinatorProcessOptions } from './coordinator-process.js';
export { runShoal } from './shoal-cli.js';
export type { CliResult } from './shoal-cli.js';
export { requireBinary, ProcessGroup } from './processes.js';
export type { Finished } from './processes.js';
export { freeUdpPortPair, waitForUdpEcho } from './udp-ports.js';
export { BitTorrentLab, eventually, freePort } from './bittorrent-lab.js';
export {
  createNatLab,
  Home,
  LabHost,
  NAT_BEHAVIOURS,
  NatLab,
  NatLabUnavailableError,
  PublicHost,
  PUBLIC_SUBNET,
} from './nat-lab/index.js';
export type {
  ExecOptions,
  ExecResult,
  HomeOptions,
  LabSpawnOptions,
  NatBehaviour,
  NatLabOptions,
} from './nat-lab/index.js';
export { createTestDatabase } from './postgres.js';
