import { mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listNamespacesSync, removeNamespaceSync } from './netns.js';

/**
 * The last resorts behind `destroy()`: an exit hook that removes the namespaces of every lab this
 * process still has, and a record per lab in the temp dir, so that the next lab removes what a
 * killed process (SIGKILL, a crashed worker) left behind.
 */

interface LabRecord {
  pid: number;
  /** The pid namespace the pid belongs to: a pid from another one says nothing about liveness here. */
  pidNamespace: string;
  namespaces: string[];
}

const live = new Map<string, () => string[]>();
let hooked = false;

const recordDir = () => path.join(os.tmpdir(), 'shoal-nat-labs');
const recordFile = (prefix: string) => path.join(recordDir(), `${prefix}.json`);

function pidNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return 'unknown';
  }
}

function removeAllSync(): void {
  for (const [prefix, namespaces] of live) {
    for (const ns of namespaces().reverse()) removeNamespaceSync(ns);
    rmSync(recordFile(prefix), { force: true });
  }
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removeAllSync();
  process.removeListener(signal, onSignal);
  // Keep the signal's usual effect when nobody else handles it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

/** Registers a lab being built; `namespaces()` names every namespace it may have made so far. */
export function trackLab(prefix: string, namespaces: () => string[]): void {
  if (!hooked) {
    hooked = true;
    process.on('exit', removeAllSync);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  }
  live.set(prefix, namespaces);
  saveRecord(prefix, namespaces());
}

/** Updates the on-disk record once the lab knows all its namespaces. */
export function saveRecord(prefix: string, namespaces: string[]): void {
  const record: LabRecord = { pid: process.pid, pidNamespace: pidNamespace(), namespaces };
  mkdirSync(recordDir(), { recursive: true });
  writeFileSync(recordFile(prefix), JSON.stringify(record));
}

export function untrackLab(prefix: string): void {
  live.delete(prefix);
  rmSync(recordFile(prefix), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the namespaces of labs whose process died without cleaning up. Only labs recorded by a
 * process of this pid namespace are judged, so a lab of a live test elsewhere is never touched.
 */
export function sweepLeftovers(): string[] {
  let files: string[];
  try {
    files = readdirSync(recordDir()).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  const ours = pidNamespace();
  const existing = new Set(listNamespacesSync());
  const removed: string[] = [];
  for (const file of files) {
    const full = path.join(recordDir(), file);
    let record: LabRecord;
    try {
      record = JSON.parse(readFileSync(full, 'utf8')) as LabRecord;
    } catch {
      continue;
    }
    if (record.pidNamespace !== ours || record.pid === process.pid || isAlive(record.pid)) continue;
    for (const ns of [...record.namespaces].reverse()) {
      if (!existing.has(ns)) continue;
      removeNamespaceSync(ns);
      removed.push(ns);
    }
    rmSync(full, { force: true });
  }
  return removed;
}
