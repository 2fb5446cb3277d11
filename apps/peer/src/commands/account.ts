import os from 'node:os';
import { ShoalApiError, ShoalClient } from '@shoal/sdk';
import type { Command } from 'commander';
import { DataDir } from '../data-dir.js';
import { loadOrCreateDeviceKeys } from '../device-identity.js';
import type { GlobalOptions } from '../global-options.js';
import { resolveGlobals } from '../global-options.js';
import { Output, UsageError } from '../output.js';
import { ask, canPrompt } from '../prompt.js';
import { clearSession, loadSession, saveSession } from '../session-store.js';
import type { SavedSession } from '../session-store.js';

interface CredentialOptions {
  username?: string;
  password?: string;
  deviceName?: string;
}

async function credentials(
  options: CredentialOptions,
  confirm: boolean,
): Promise<{ username: string; password: string }> {
  let { username, password } = options;
  if ((!username || password === undefined) && !canPrompt()) {
    throw new UsageError('give --username and --password (no terminal to ask on)');
  }
  username ??= (await ask('Username: ')).trim();
  if (password === undefined) {
    password = await ask('Password: ', { hidden: true });
    if (confirm && (await ask('Password again: ', { hidden: true })) !== password) {
      throw new UsageError('the passwords do not match');
    }
  }
  return { username, password };
}

/**
 * Logs in, saves the session in the data dir, and makes sure this device's key is registered
 * with the account (the first login of a device registers it).
 */
async function logInAndEnroll(
  coordinator: string,
  dir: DataDir,
  creds: { username: string; password: string },
  deviceName: string,
  out: Output,
): Promise<SavedSession> {
  let session: SavedSession | undefined;
  const client = new ShoalClient({
    baseUrl: coordinator,
    onTokens: async (tokens) => {
      if (session && tokens) await saveSession(dir, { ...session, tokens });
    },
  });
  const tokens = await client.auth.login(creds);
  const me = await client.me();
  session = { coordinator, username: me.username, userId: me.id, tokens };
  await saveSession(dir, session);

  const { keys, deviceId } = await loadOrCreateDeviceKeys(dir);
  const { devices } = await client.devices.list();
  const known = devices.find((d) => d.id === deviceId);
  if (known?.revokedAt) {
    throw new Error(
      `this device (${deviceId}) was revoked from ${me.username}; use another --data-dir for a new device`,
    );
  }
  if (!known) {
    try {
      await client.devices.enroll(keys, deviceName);
      out.note(`Registered this device (${deviceId.slice(0, 12)}…) with ${me.username}.`);
    } catch (error) {
      if (error instanceof ShoalApiError && error.code === 'DEVICE_KEY_IN_USE') {
        throw new Error('this device belongs to another account; use another --data-dir to log in as a second device', {
          cause: error,
        });
      }
      throw error;
    }
  }
  session = { ...session, tokens: client.session ?? tokens, deviceId };
  await saveSession(dir, session);
  return session;
}

export function registerAccountCommands(program: Command): void {
  const account = program.command('account').description('create an account, log in, see who you are');

  const withCredentials = (cmd: Command) =>
    cmd
      .option('--username <name>', 'account name (asked on a terminal when omitted)')
      .option('--password <password>', 'password (asked on a terminal when omitted; prefer that)')
      .option('--device-name <name>', 'how this device appears in your device list', `${os.hostname()} (shoal)`);

  withCredentials(account.command('register'))
    .description('create an account on the coordinator, log in and register this device')
    .action(async (options: CredentialOptions, cmd: Command) => {
      const g = resolveGlobals(cmd.optsWithGlobals<GlobalOptions>());
      const out = new Output(g.json);
      const dir = new DataDir(g.dataDir);
      const creds = await credentials(options, true);
      const client = new ShoalClient({ baseUrl: g.coordinator });
      const user = await client.auth.register(creds);
      out.note(`Created account ${user.username} on ${g.coordinator}.`);
      const session = await logInAndEnroll(g.coordinator, dir, creds, options.deviceName!, out);
      out.result(`Logged in as ${session.username}; this device is ${session.deviceId}.`, {
        username: session.username,
        userId: session.userId,
        deviceId: session.deviceId,
        coordinator: g.coordinator,
      });
    });

  withCredentials(account.command('login'))
    .description('log in and keep the session in the data dir; registers this device on first login')
    .action(async (options: CredentialOptions, cmd: Command) => {
      const g = resolveGlobals(cmd.optsWithGlobals<GlobalOptions>());
      const out = new Output(g.json);
      const creds = await credentials(options, false);
      const session = await logInAndEnroll(g.coordinator, new DataDir(g.dataDir), creds, options.deviceName!, out);
      out.result(`Logged in as ${session.username}; this device is ${session.deviceId}.`, {
        username: session.username,
        userId: session.userId,
        deviceId: session.deviceId,
        coordinator: g.coordinator,
      });
    });

  account
    .command('whoami')
    .description('show the logged-in account and this device, as the coordinator sees them')
    .action(async (_options: unknown, cmd: Command) => {
      const g = resolveGlobals(cmd.optsWithGlobals<GlobalOptions>());
      const out = new Output(g.json);
      const dir = new DataDir(g.dataDir);
      const session = await loadSession(dir);
      if (!session) throw new UsageError('not logged in; run `shoal account login`');
      const client = new ShoalClient({
        baseUrl: session.coordinator,
        tokens: session.tokens,
        onTokens: async (tokens) => {
          if (tokens) await saveSession(dir, { ...session, tokens });
        },
      });
      const me = await client.me();
      out.result(
        `${me.username} (${me.role}) on ${session.coordinator}\ndevice ${session.deviceId ?? '(not registered)'}`,
        {
          username: me.username,
          userId: me.id,
          role: me.role,
          deviceId: session.deviceId,
          coordinator: session.coordinator,
        },
      );
    });

  account
    .command('logout')
    .description('end the session on the coordinator and forget it here (the device keys stay)')
    .action(async (_options: unknown, cmd: Command) => {
      const g = resolveGlobals(cmd.optsWithGlobals<GlobalOptions>());
      const out = new Output(g.json);
      const dir = new DataDir(g.dataDir);
      const session = await loadSession(dir);
      if (session) {
        const client = new ShoalClient({ baseUrl: session.coordinator, tokens: session.tokens });
        await client.auth.logout().catch((error: unknown) => {
          // An already-ended session is logged out all the same.
          if (!(error instanceof ShoalApiError) || error.status !== 401) throw error;
        });
        await clearSession(dir);
      }
      out.result(session ? `Logged out ${session.username}.` : 'Not logged in.', { loggedOut: Boolean(session) });
    });
}
