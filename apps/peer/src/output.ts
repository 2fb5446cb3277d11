import { ShoalApiError } from '@shoal/sdk';

/** Everything a command prints goes through here: people get text, machines (`--json`) get one JSON object a line. */
export class Output {
  constructor(readonly json: boolean) {}

  /** The result of a command: `text` for people, `data` for --json. */
  result(text: string, data: Record<string, unknown>): void {
    process.stdout.write(this.json ? JSON.stringify(data) + '\n' : text + '\n');
  }

  /** Progress and notes: stderr, so stdout stays clean for pipes; silent in --json mode. */
  note(text: string): void {
    if (!this.json) process.stderr.write(text + '\n');
  }

  failure(error: unknown): number {
    const { code, message } = describeError(error);
    if (this.json) process.stdout.write(JSON.stringify({ error: { code, message } }) + '\n');
    else process.stderr.write(`shoal: ${message}${code ? ` (${code})` : ''}\n`);
    return code === 'USAGE' ? 2 : 1;
  }
}

export class UsageError extends Error {}

function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof ShoalApiError) return { code: error.code, message: error.message };
  if (error instanceof UsageError) return { code: 'USAGE', message: error.message };
  if (error instanceof Error) return { code: (error as { code?: string }).code ?? 'ERROR', message: error.message };
  return { code: 'ERROR', message: String(error) };
}
