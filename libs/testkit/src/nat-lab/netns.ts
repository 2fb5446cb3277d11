import { execFile, execFileSync, mustExec } from './shell.js';

/** `ip netns exec <ns> <command> <args...>`: the command runs in the namespace, with our environment. */
export function inNamespace(namespace: string, command: string, args: readonly string[]): [string, string[]] {
  return ['ip', ['netns', 'exec', namespace, command, ...args]];
}

export async function addNamespace(name: string): Promise<void> {
  await mustExec('ip', ['netns', 'add', name]);
}

/** Runs `ip <args>` inside `namespace` (`ip -n`), throwing with the command line on failure. */
export function ipIn(namespace: string, args: readonly string[]): Promise<string> {
  return mustExec('ip', ['-n', namespace, ...args]);
}

/** Runs a shell script in `namespace` (`sh -ec`), throwing on the first failing line. */
export function shellIn(namespace: string, script: string): Promise<string> {
  const [command, args] = inNamespace(namespace, 'sh', ['-ec', script]);
  return mustExec(command, args);
}

/** Loads iptables rules into `namespace` in one transaction. */
export function iptablesRestoreIn(namespace: string, rules: string): Promise<string> {
  const [command, args] = inNamespace(namespace, 'iptables-restore', ['-w', '5']);
  return mustExec(command, args, { input: rules });
}

export function namespaceExistsSync(name: string): boolean {
  return listNamespacesSync().includes(name);
}

export function listNamespacesSync(): string[] {
  const result = execFileSync('ip', ['netns', 'list']);
  // Lines look like "name" or "name (id: 3)".
  return result.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name !== '');
}

function pidsOf(stdout: string): number[] {
  return stdout
    .split(/\s+/)
    .filter((s) => /^\d+$/.test(s))
    .map(Number)
    .filter((pid) => pid !== process.pid);
}

/** Every process in the namespace: only ours run there, since the namespace is ours. */
export async function pidsIn(namespace: string): Promise<number[]> {
  const result = await execFile('ip', ['netns', 'pids', namespace]);
  return result.code === 0 ? pidsOf(result.stdout) : [];
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Gone already.
  }
}

/**
 * Ends every process in the namespace (a namespace lives on, with its interfaces, while a process
 * holds it), then removes it. Returns an error message, or undefined when it is gone.
 */
export async function removeNamespace(namespace: string): Promise<string | undefined> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const pids = await pidsIn(namespace);
    if (pids.length === 0) break;
    for (const pid of pids) kill(pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const result = await execFile('ip', ['netns', 'del', namespace]);
  if (result.code === 0 || /No such file|not found|does not exist/i.test(result.stderr)) return undefined;
  return `ip netns del ${namespace}: ${result.stderr.trim()}`;
}

/** The synchronous form of `removeNamespace`, for the exit hook. */
export function removeNamespaceSync(namespace: string): void {
  for (let attempt = 0; attempt < 5; attempt++) {
    const pids = pidsOf(execFileSync('ip', ['netns', 'pids', namespace]).stdout);
    if (pids.length === 0) break;
    for (const pid of pids) kill(pid, 'SIGKILL');
  }
  execFileSync('ip', ['netns', 'del', namespace]);
}
