import { readFileSync } from 'node:fs';

/**
 * Memory of a process as the kernel counts it, from /proc/<pid>/status (Linux only), in bytes.
 * `rss` is VmRSS (resident set: anonymous + file-backed + shared memory pages); `anon` and `file`
 * split it, `hwm` is the peak RSS since the process started.
 */
export function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : Number.NaN;
  };
  return { rss: kib('VmRSS'), hwm: kib('VmHWM'), anon: kib('RssAnon'), file: kib('RssFile') };
}

/** Resident set size of a process in bytes. */
export function rssOf(pid) {
  return memoryOf(pid).rss;
}

// /proc/<pid>/stat counts in USER_HZ ticks, 100 a second on Linux.
const TICKS_PER_S = 100;

/**
 * CPU time a process has used so far (user + system, every thread), in seconds; Linux only.
 * Resolution 10 ms: take differences over phases of a second or more.
 */
export function cpuSecondsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat(5) (utime, stime); `after` starts at field 3.
  return (Number(after[11]) + Number(after[12])) / TICKS_PER_S;
}

/** CPU seconds of this process (the load generator), with microsecond resolution. */
export function ownCpuSeconds() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * Measures the CPU time `pids` (and this process) use while `work()` runs: answers work's result
 * with `cpu: { seconds, server, loadGenerator }` (server: the sum over `pids`, in CPU seconds).
 */
export async function withCpu(pids, work) {
  const before = { server: pids.map(cpuSecondsOf), own: ownCpuSeconds(), wall: performance.now() };
  const result = await work();
  const server = pids.reduce((sum, pid, i) => sum + cpuSecondsOf(pid) - before.server[i], 0);
  return {
    result,
    cpu: {
      seconds: (performance.now() - before.wall) / 1000,
      server,
      loadGenerator: ownCpuSeconds() - before.own,
    },
  };
}

/**
 * Memory of a process after it settled for `settleMs`: the median of 6 samples over half a
 * second (RSS moves with the garbage collector; one sample can land on either side of a collection).
 */
export async function settledMemory(pid, settleMs = 1_500) {
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const samples = [];
  for (let i = 0; i < 6; i += 1) {
    samples.push(memoryOf(pid));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const pick = (key) => {
    const sorted = samples.map((s) => s[key]).sort((a, b) => a - b);
    return sorted[Math.ceil(sorted.length / 2) - 1];
  };
  return { rss: pick('rss'), anon: pick('anon'), file: pick('file') };
}

/**
 * A note for a figure when the load generator (this process, one Node thread) was near a whole
 * core during the phases `cpu` sums up (as `withCpu` measured them): then it, not the server, set
 * the pace, and the server's rate is a lower bound of what it can do. Answers [] otherwise.
 */
export function loadGeneratorNote(cpu, who) {
  const cores = cpu.loadGenerator / cpu.seconds;
  if (cores <= 0.8) return [];
  return [
    `the load generator used ${cores.toFixed(2)} cores against ${who}: it, not ${who}, set the pace ` +
      '(a lower bound for that server; the CPU time per operation compares the servers without it)',
  ];
}
