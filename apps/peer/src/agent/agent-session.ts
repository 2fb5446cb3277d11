import { deviceIdFromPublicKey } from '@shoal/identity';
import type { DeviceKeys } from '@shoal/identity';
import { ShoalClient } from '@shoal/sdk';
import { DataDir } from '../data-dir.js';
import { loadOrCreateDeviceKeys } from '../device-identity.js';
import type { GlobalOptions, Globals } from '../global-options.js';
import { UsageError } from '../output.js';
import { loadSession, saveSession } from '../session-store.js';
import type { SavedSession } from '../session-store.js';

/**
 * A logged-in device: its keys, its saved session and a REST client whose tokens are saved
 * whenever they change. Several `shoal` processes may share one data dir (a daemon and a
 * command): before asking for a token, the session file is read again, so that a refresh token
 * rotated by another process is used instead of replayed (which would end the session).
 */
export class AgentSession {
  private current: ShoalClient;
  private tokens: SavedSession['tokens'];

  private constructor(
    readonly dir: DataDir,
    readonly session: SavedSession,
    readonly keys: DeviceKeys,
    readonly deviceId: string,
    readonly coordinator: string,
  ) {
    this.tokens = session.tokens;
    this.current = this.makeClient();
  }

  /** Opens the session of the data dir; `--coordinator` (or SHOAL_COORDINATOR) overrides the saved one. */
  static async open(globals: Globals, options: GlobalOptions): Promise<AgentSession> {
    const dir = new DataDir(globals.dataDir);
    const session = await loadSession(dir);
    if (!session) throw new UsageError('not logged in; run `shoal account login` first');
    const stored = await dir.readJson('device-keys.json');
    if (!stored || !session.deviceId) throw new UsageError('this device is not registered; run `shoal account login`');
    const { keys } = await loadOrCreateDeviceKeys(dir);
    const deviceId = deviceIdFromPublicKey(keys.signing.publicKey);
    if (deviceId !== session.deviceId) {
      throw new UsageError('the device keys do not match the saved session; run `shoal account login` again');
    }
    const explicit = options.coordinator ?? process.env.SHOAL_COORDINATOR;
    const coordinator = explicit ? globals.coordinator : session.coordinator;
    return new AgentSession(dir, session, keys, deviceId, coordinator);
  }

  get username(): string {
    return this.session.username;
  }

  get userId(): string {
    return this.session.userId;
  }

  /** The REST client, with the freshest tokens any process of this data dir saved. */
  async client(): Promise<ShoalClient> {
    const saved = await loadSession(this.dir).catch(() => undefined);
    if (saved && saved.tokens.refreshToken !== this.tokens.refreshToken) {
      this.tokens = saved.tokens;
      this.current = this.makeClient();
    }
    return this.current;
  }

  /** A valid access token, for the signalling socket. */
  async bearer(): Promise<string> {
    return (await this.client()).bearer();
  }

  private makeClient(): ShoalClient {
    return new ShoalClient({
      baseUrl: this.coordinator,
      tokens: this.tokens,
      onTokens: async (tokens) => {
        if (!tokens) return;
        this.tokens = tokens;
        const latest = (await loadSession(this.dir).catch(() => undefined)) ?? this.session;
        await saveSession(this.dir, { ...latest, tokens });
      },
    });
  }
}
