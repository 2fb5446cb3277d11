export { createNatLab, Home, NatLab, NatLabUnavailableError, PublicHost, PUBLIC_SUBNET } from './nat-lab.js';
export type { HomeOptions, NatLabOptions } from './nat-lab.js';
export { LabHost } from './lab-host.js';
export type { LabSpawnOptions } from './lab-host.js';
export { NAT_BEHAVIOURS } from './router-rules.js';
export type { NatBehaviour } from './router-rules.js';
export type { ExecOptions, ExecResult } from './shell.js';
