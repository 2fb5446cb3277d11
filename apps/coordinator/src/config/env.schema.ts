import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off', ''])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

/**
 * Every environment variable the coordinator reads, in one place. Start-up fails with a message
 * naming the variable when a value does not fit.
 */
export const EnvSchema = z.object({
  PORT: port.default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  /** Prefix of every Redis key, so several deployments can share one Redis. */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/)
    .default('shoal:'),
  JWT_SECRET: z.string().min(32, 'must have at least 32 characters').optional(),
  TURN_SECRET: z.string().min(16, 'must have at least 16 characters').optional(),
  TURN_PORT: port.default(3478),
  /** External TURN servers (e.g. coturn with use-auth-secret), comma-separated turn:/turns: URLs. */
  TURN_URLS: z
    .string()
    .regex(/^\s*turns?:[^\s,]+(\s*,\s*turns?:[^\s,]+)*\s*$/, 'must be comma-separated turn: or turns: URLs')
    .optional(),
  TURN_ALLOW_LOOPBACK_PEERS: bool.default(false),
  /**
   * CIDRs TURN may relay to although they are private or otherwise special-purpose (by default
   * refused, so a relay cannot be turned against the operator's own network), comma-separated.
   */
  TURN_ALLOWED_PEERS: z
    .string()
    .regex(/^\s*[0-9a-fA-F.:]+\/\d{1,3}(\s*,\s*[0-9a-fA-F.:]+\/\d{1,3})*\s*$/, 'must be comma-separated CIDRs')
    .optional(),
  /** The IP clients and peers reach the relays at (behind 1:1 NAT, e.g. a cloud load balancer). */
  TURN_RELAY_ADDRESS: z.ipv4().optional(),
  /** Lifetime of the TURN credentials handed out by /api/v1/ice-servers. */
  TURN_CREDENTIAL_TTL_SECONDS: positiveInt.default(86_400),
  TRACKER_UDP_PORT: port.default(6969),
  /** Private tracker: announces must carry a user's passkey (`/announce?passkey=...`). */
  TRACKER_PRIVATE: bool.default(false),
  /** Announces and scrapes a minute per client address, per replica. */
  TRACKER_RATE_PER_ADDRESS: positiveInt.default(300),
  /** The coordinator's Mainline DHT node, which peers may use as a bootstrap. */
  DHT_ENABLED: bool.default(true),
  DHT_PORT: port.default(6881),
  /** Bootstrap nodes of the coordinator's DHT node, comma-separated host:port, or `none`. */
  DHT_BOOTSTRAP: z
    .string()
    .regex(/^(none|[^\s,:]+:\d+(\s*,\s*[^\s,:]+:\d+)*)$/, 'must be `none` or comma-separated host:port')
    .default('router.bittorrent.com:6881,router.utorrent.com:6881,dht.transmissionbt.com:6881'),
  /** Usernames that get the admin role (comma-separated). */
  ADMIN_USERNAMES: z.string().default(''),
  SHOAL_DATA_DIR: z.string().min(1).default('.shoal'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Number of proxy hops to trust for X-Forwarded-For (0 = the socket address is the client). */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  ACCESS_TOKEN_TTL_SECONDS: positiveInt.default(900),
  REFRESH_TOKEN_TTL_DAYS: positiveInt.default(30),
  /** Login attempts a minute, per account and per client address. */
  LOGIN_RATE_PER_ACCOUNT: positiveInt.default(10),
  LOGIN_RATE_PER_ADDRESS: positiveInt.default(30),
  /** Registrations a minute per client address. */
  REGISTER_RATE_PER_ADDRESS: positiveInt.default(10),
});
export type Env = z.infer<typeof EnvSchema>;

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

/** Parses the environment; the error lists every bad variable by name. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  // An empty variable means "not set", as shells and compose files produce them.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid environment:\n${lines.join('\n')}`);
  }
  return result.data;
}
