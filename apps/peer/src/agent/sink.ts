/** Where a command's output goes: the terminal (`Output`), or a client of the daemon's control socket. */
export interface Sink {
  /** Progress and notes, for people. */
  note(text: string): void;
  /** One result: `text` for people, `data` for --json. */
  result(text: string, data: Record<string, unknown>): void;
}
