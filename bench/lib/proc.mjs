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
