#!/usr/bin/env node
// Runs the benchmarks: every bench/*.bench.mjs in turn, or those named on the command line.
// Usage: npm run bench [-- [--json] [--quick] [name ...]]   (see bench/README.md)
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { assertCoordinatorBuilt, stopAllCoordinators, storageModes } from './lib/coordinator.mjs';
import { machineFacts, startCpuMeter } from './lib/machine.mjs';
import { formatFigure, makeFigure } from './lib/report.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const USAGE = `usage: node bench/run.mjs [--json] [--quick] [name ...]
  name     a benchmark to run (file bench/<name>.bench.mjs); all of them when none is named
  --json   one JSON object per benchmark on stdout (the readable report goes to stderr)
  --quick  shorter load phases, for trying the harness out; figures are noisier
Set DATABASE_URL and REDIS_URL to measure the PostgreSQL + Redis mode as well as the embedded one.`;

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const json = args.includes('--json');
const quick = args.includes('--quick');
const unknownFlags = args.filter((a) => a.startsWith('-') && !['--json', '--quick'].includes(a));
if (unknownFlags.length > 0) {
  console.error(`unknown option ${unknownFlags.join(', ')}\n${USAGE}`);
  process.exit(2);
}
const names = args.filter((a) => !a.startsWith('-')).map((a) => basename(a).replace(/\.bench\.mjs$/, ''));

const out = json ? process.stderr : process.stdout;
const print = (line = '') => out.write(`${line}\n`);

if (Number(process.versions.node.split('.')[0]) < 24) {
  console.error(
    `bench needs Node 24 (this is ${process.version}): run it as \`npm run bench\` from the repository root`,
  );
  process.exit(2);
}
try {
  assertCoordinatorBuilt();
} catch (error) {
  console.error(error.message);
  process.exit(2);
}

const available = (await readdir(benchDir)).filter((f) => f.endsWith('.bench.mjs')).sort();
const availableNames = available.map((f) => f.replace(/\.bench\.mjs$/, ''));
const missing = names.filter((n) => !availableNames.includes(n));
if (missing.length > 0) {
  console.error(`no such benchmark: ${missing.join(', ')} (there are: ${availableNames.join(', ')})`);
  process.exit(2);
}
const selected = names.length > 0 ? availableNames.filter((n) => names.includes(n)) : availableNames;

process.on('SIGINT', () => {
  print('\ninterrupted: stopping coordinators and the other servers, dropping scratch databases');
  stopAllCoordinators().finally(() => process.exit(130));
});

const machine = machineFacts();
const modes = storageModes();
print(`shoal benchmarks · ${machine.date}`);
print(
  `machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${(machine.memoryTotalBytes / 2 ** 30).toFixed(1)} GiB RAM, Node ${machine.node}`,
);
print(
  `storage modes: ${modes.map((m) => m.id).join(', ')}${modes.length === 1 ? ' (set DATABASE_URL and REDIS_URL for PostgreSQL + Redis)' : ''}`,
);
if (quick) print('--quick: short load phases, noisy figures');

const results = [];
for (const name of selected) {
  const module = await import(pathToFileURL(join(benchDir, `${name}.bench.mjs`)).href);
  const result = {
    benchmark: name,
    title: module.title ?? name,
    startedAt: new Date().toISOString(),
    quick,
    figures: [],
    context: {},
    problems: [],
  };
  print();
  print(`== ${result.title} (${name})`);
  const cpuMeter = startCpuMeter();
  const bench = {
    quick,
    modes,
    /** Length of a load phase: `fullS` seconds, a third of it with --quick. */
    seconds: (fullS) => (quick ? Math.max(1, Math.round(fullS / 3)) : fullS),
    log: (line) => print(`  ${line}`),
    figure(spec) {
      const figure = makeFigure(spec);
      result.figures.push(figure);
      for (const line of formatFigure(figure)) print(line);
      for (const note of figure.notes) result.problems.push(`${figure.name}: ${note}`);
      return figure;
    },
    context(key, value) {
      result.context[key] = value;
    },
    problem(text) {
      result.problems.push(text);
      print(`  ! ${text}`);
    },
  };
  const started = performance.now();
  try {
    await module.default(bench);
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    print(`  FAILED: ${result.error}`);
  } finally {
    await stopAllCoordinators();
  }
  result.durationS = Math.round((performance.now() - started) / 100) / 10;
  result.cpu = cpuMeter.stop();
  const cpu = result.cpu;
  print(
    `  (${result.durationS} s` +
      (cpu
        ? `; CPU: ${cpu.busyCores} of ${cpu.cpus} cores busy on average, ${cpu.othersBusyCores} of them by other processes` +
          (cpu.stolenCores >= 0.01 ? `, ${cpu.stolenCores} stolen by the hypervisor` : '')
        : '') +
      ')',
  );
  // Memory figures do not suffer from a busy CPU the way timings do.
  if (cpu && module.timingSensitive !== false && cpu.othersBusyCores + cpu.stolenCores > 0.2) {
    print(
      `  ! other work took ${Math.round((cpu.othersBusyCores + cpu.stolenCores) * 100) / 100} cores during this benchmark: its timings are skewed (see bench/README.md)`,
    );
  }
  results.push(result);
  if (json) process.stdout.write(`${JSON.stringify({ ...result, machine })}\n`);
}

const resultsDir = join(benchDir, 'results');
await mkdir(resultsDir, { recursive: true });
const file = join(resultsDir, `${machine.date.replace(/[:.]/g, '-')}.json`);
await writeFile(file, `${JSON.stringify({ machine, args, modes: modes.map((m) => m.id), results }, null, 2)}\n`);
print();
print(`results saved to ${file}`);
process.exit(results.some((r) => r.error) ? 1 : 0);
