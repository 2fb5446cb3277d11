import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';

/** What the figures were measured on; saved with every run. */
export function machineFacts() {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1]) cpuModel = match[1].trim();
  } catch {
    // not Linux: os.cpus() is the best we have
  }
  return {
    cpus: os.availableParallelism(),
    cpuModel,
    memoryTotalBytes: os.totalmem(),
    memoryFreeBytes: os.freemem(),
    loadAverage: os.loadavg(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
  };
}

// /proc/stat and /proc/<pid>/stat count in USER_HZ ticks, 100 a second on Linux.
const TICKS_PER_S = 100;
const SERVICES = new Set(['postgres', 'redis-server']);

/**
 * Machine-wide CPU ticks spent in processes (user, nice, system), and stolen by the hypervisor.
 * Interrupt and softirq time (much of loopback networking) belongs to no process, so it is left
 * out of both sides of the comparison below.
 */
function machineTicks() {
  const [user, nice, system, , , , , steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return { busy: user + nice + system, steal: steal ?? 0 };
}

/** utime + stime + cutime + cstime of a process (the last two: its children it has waited for). */
function processTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14-17 of stat(5); `after` starts at field 3.
  return Number(after[11]) + Number(after[12]) + Number(after[13]) + Number(after[14]);
}

/** CPU ticks of the local PostgreSQL and Redis processes, which work for the benchmark too. */
function serviceTicks() {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (SERVICES.has(comm)) ticks += processTicks(entry);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks;
}

/**
 * Measures how busy the CPUs were while a benchmark ran, and how much of that was someone else:
 * machine-wide time in processes minus this process, its waited-for children (the coordinators and
 * servers it started) and the local PostgreSQL and Redis. Other work on the machine competes for
 * the same cores and lowers the figures; this says how much there was. Answers null off Linux.
 */
export function startCpuMeter() {
  let before;
  try {
    before = { wall: performance.now(), machine: machineTicks(), ours: processTicks('self') + serviceTicks() };
  } catch {
    return { stop: () => null };
  }
  return {
    stop() {
      const wallS = (performance.now() - before.wall) / 1000;
      const cores = (ticks) => Math.round((ticks / TICKS_PER_S / wallS) * 100) / 100;
      const machine = machineTicks();
      const busy = machine.busy - before.machine.busy;
      const ours = processTicks('self') + serviceTicks() - before.ours;
      return {
        cpus: os.availableParallelism(),
        busyCores: cores(busy),
        othersBusyCores: cores(Math.max(0, busy - ours)),
        stolenCores: cores(machine.steal - before.machine.steal),
      };
    },
  };
}
