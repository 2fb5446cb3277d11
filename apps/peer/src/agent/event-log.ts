/**
 * The daemon's log: one line per event on stdout, `<time> <event> <text>` for people, or one
 * JSON object (`time`, `event` and the event's fields) with --json.
 */
export class EventLog {
  constructor(private readonly json: boolean) {}

  log(event: string, text: string, data: Record<string, unknown> = {}): void {
    const time = new Date().toISOString();
    process.stdout.write(
      this.json ? JSON.stringify({ time, event, ...data }) + '\n' : `${time} ${event.padEnd(10)} ${text}\n`,
    );
  }
}
