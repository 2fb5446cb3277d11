import { TokenPairSchema } from '@shoal/protocol';
import { z } from 'zod';
import type { DataDir } from './data-dir.js';

const SESSION_FILE = 'session.json';

export const SavedSessionSchema = z.object({
  coordinator: z.string(),
  username: z.string(),
  userId: z.string(),
  deviceId: z.string().optional(),
  tokens: TokenPairSchema,
});
export type SavedSession = z.infer<typeof SavedSessionSchema>;

export async function loadSession(dir: DataDir): Promise<SavedSession | undefined> {
  const raw = await dir.readJson(SESSION_FILE);
  if (raw === undefined) return undefined;
  const parsed = SavedSessionSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${dir.file(SESSION_FILE)} is damaged; run \`shoal account login\` again`);
  return parsed.data;
}

export function saveSession(dir: DataDir, session: SavedSession): Promise<void> {
  return dir.writeJson(SESSION_FILE, session);
}

export function clearSession(dir: DataDir): Promise<void> {
  return dir.remove(SESSION_FILE);
}
