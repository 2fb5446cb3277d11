import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/** Asks a question on the terminal; with `hidden`, what is typed is not echoed (passwords). */
export async function ask(question: string, options: { hidden?: boolean } = {}): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (!muted) process.stderr.write(chunk);
      callback();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  try {
    return await new Promise<string>((resolve) => {
      rl.question(question, (answer) => {
        if (options.hidden) process.stderr.write('\n');
        resolve(answer);
      });
      muted = options.hidden ?? false;
    });
  } finally {
    rl.close();
  }
}

export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}
