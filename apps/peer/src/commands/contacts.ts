import { deviceIdFromPublicKey, safetyNumber } from '@shoal/identity';
import type { Contact } from '@shoal/protocol';
import { FileTrustStore } from '@shoal/rtc';
import type { Command } from 'commander';
import { AgentSession } from '../agent/agent-session.js';
import { TRUST_FILE } from '../agent/rtc-agent.js';
import { parseUserTarget, shortId } from '../agent/targets.js';
import type { GlobalOptions } from '../global-options.js';
import { resolveGlobals } from '../global-options.js';
import { Output } from '../output.js';

type Action = 'add' | 'accept' | 'remove' | 'block' | 'unblock';

const ACTIONS: Record<Action, { description: string; done: (name: string) => string }> = {
  add: {
    description: 'ask a user to be your contact (or accept their request)',
    done: (n) => `Asked ${n} to be a contact.`,
  },
  accept: { description: "accept a user's contact request", done: (n) => `${n} is now a contact.` },
  remove: { description: 'remove a contact, or withdraw or decline a request', done: (n) => `Removed ${n}.` },
  block: {
    description: 'block a user: they can neither signal nor message you, and see nothing of your presence',
    done: (n) => `Blocked ${n}.`,
  },
  unblock: { description: 'unblock a user', done: (n) => `Unblocked ${n}.` },
};

export function registerContactsCommands(program: Command): void {
  const contacts = program
    .command('contacts')
    .description('your contacts: list, add, accept, remove, block, unblock, verify')
    .addHelpText('after', '\nWithout a subcommand: list.');

  contacts
    .command('list', { isDefault: true })
    .description('list contacts and requests (accepted, incoming, outgoing, blocked)')
    .action(async (_options: unknown, cmd: Command) => {
      const { out, session } = await open(cmd);
      const list = await (await session.client()).contacts.list();
      if (list.length === 0) out.note('No contacts yet; `shoal contacts add @user` asks someone.');
      for (const contact of list) out.result(describe(contact), { ...contact });
    });

  for (const [action, { description, done }] of Object.entries(ACTIONS) as [Action, (typeof ACTIONS)[Action]][]) {
    contacts
      .command(action)
      .description(description)
      .argument('<@user>')
      .action(async (target: string, _options: unknown, cmd: Command) => {
        const { out, session } = await open(cmd);
        const username = parseUserTarget(target);
        const client = await session.client();
        const contact = await client.contacts[action](username);
        out.result(done(username), { username, action, ...(contact ? { state: contact.state } : {}) });
      });
  }

  contacts
    .command('verify')
    .description("show the safety number over both users' device keys, to compare with the other person")
    .argument('<@user>')
    .option('--confirm', 'you compared it and it matches: trust exactly these keys of theirs from now on')
    .addHelpText(
      'after',
      '\nThe number covers every active device key of both of you; the other person sees the same number\n' +
        'with `shoal contacts verify @you`. Compare it in person or on a call you trust. This device remembers\n' +
        "the keys it first saw for each user; with --confirm it remembers the user's current keys as verified.",
    )
    .action(async (target: string, options: { confirm?: boolean }, cmd: Command) => {
      const { out, session } = await open(cmd);
      const username = parseUserTarget(target);
      const client = await session.client();
      const [mine, theirs] = await Promise.all([
        client.devices.ofUser(session.username),
        client.devices.ofUser(username),
      ]);
      // A device id is the hash of its key: a key that does not hash to its id is not shown.
      const valid = theirs.devices.filter((d) => deviceIdFromPublicKey(d.publicKey) === d.id);
      const number = safetyNumber(
        { username: session.username, publicKeys: mine.devices.map((d) => d.publicKey) },
        { username, publicKeys: valid.map((d) => d.publicKey) },
      );
      const trust = new FileTrustStore(session.dir.file(TRUST_FILE));
      const known = await trust.get(username);
      const seen = new Set(Object.keys(known?.devices ?? {}));
      const unseen = valid.filter((d) => !seen.has(d.id));
      if (!known) out.note(`This device has not seen ${username}'s keys before.`);
      else if (unseen.length > 0) {
        out.note(
          `${username} has device keys this device has not seen: ${unseen.map((d) => shortId(d.id)).join(', ')}`,
        );
      } else
        out.note(
          `These are the keys of ${username} this device has seen${known.verifiedAt ? ' and you verified' : ''}.`,
        );

      const groups = number.split(' ');
      const text =
        `Safety number for ${session.username} and ${username}:\n` +
        `  ${groups.slice(0, 6).join(' ')}\n  ${groups.slice(6).join(' ')}`;
      const data = {
        username,
        safetyNumber: number,
        devices: valid.map((d) => d.id),
        newDevices: unseen.map((d) => d.id),
        verified: Boolean(known?.verifiedAt) && unseen.length === 0,
      };
      if (!options.confirm) {
        out.result(text, data);
        out.note(`Compare it with what ${username} sees (\`shoal contacts verify @${session.username}\`).`);
        return;
      }
      const now = new Date().toISOString();
      await trust.put({
        username,
        ...(known?.userId ? { userId: known.userId } : {}),
        devices: Object.fromEntries(valid.map((d) => [d.id, d.publicKey])),
        firstSeen: known?.firstSeen ?? now,
        verifiedAt: now,
      });
      out.result(`${text}\nMarked ${username} verified (${valid.length} device key${valid.length === 1 ? '' : 's'}).`, {
        ...data,
        verified: true,
        verifiedAt: now,
      });
    });
}

async function open(cmd: Command): Promise<{ out: Output; session: AgentSession }> {
  const options = cmd.optsWithGlobals<GlobalOptions>();
  const g = resolveGlobals(options);
  return { out: new Output(g.json), session: await AgentSession.open(g, options) };
}

function describe(contact: Contact): string {
  const what = {
    accepted: 'contact',
    incoming: 'wants to be your contact (`shoal contacts accept`)',
    outgoing: 'asked, waiting for an answer',
    blocked: 'blocked',
  }[contact.state];
  return `${contact.username.padEnd(20)} ${what} (since ${contact.since.slice(0, 10)})`;
}
