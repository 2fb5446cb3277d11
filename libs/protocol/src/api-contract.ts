import { z } from 'zod';
import { ApiKeyIdParamsSchema, ApiKeyListSchema, CreateApiKeyRequestSchema, CreatedApiKeySchema } from './api-keys.js';
import type { ApiScope } from './api-keys.js';
import {
  CredentialsSchema,
  LogoutRequestSchema,
  MeSchema,
  RefreshRequestSchema,
  TokenPairSchema,
  UserSchema,
} from './auth.js';
import {
  DeviceChallengeSchema,
  DeviceIdParamsSchema,
  DeviceListSchema,
  DeviceSchema,
  RegisterDeviceRequestSchema,
  UserDeviceKeysSchema,
  UsernameParamsSchema,
} from './devices.js';
import type { ErrorCode } from './errors.js';
import { AddContactRequestSchema, ContactListSchema, ContactParamsSchema, ContactSchema } from './contacts.js';
import { HealthSchema } from './health.js';
import { IceServersSchema } from './ice-servers.js';
import {
  BlockedInfoHashSchema,
  BlockInfoHashRequestSchema,
  BlocklistSchema,
  InfoHashParamsSchema,
  SwarmListQuerySchema,
  SwarmListSchema,
  SwarmStatsSchema,
  TrackerPasskeySchema,
} from './tracker.js';

/**
 * How a request must authenticate:
 * - `none`: public.
 * - `optional`: a bearer token is used when present.
 * - `session`: an access token from login (never an API key).
 * - `any`: an access token, or an API key holding `scope`.
 * - `admin`: an access token of a user with the admin role.
 */
export type EndpointAuth = 'none' | 'optional' | 'session' | 'any' | 'admin';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Endpoint<
  B extends z.ZodType | undefined = z.ZodType | undefined,
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  R extends z.ZodType | undefined = z.ZodType | undefined,
> {
  operationId: string;
  method: HttpMethod;
  /** Path with `:name` parameters, as the router spells it. */
  path: string;
  summary: string;
  tag: string;
  auth: EndpointAuth;
  scope?: ApiScope;
  body?: B;
  params?: P;
  query?: Q;
  /** Schema of the success body; undefined for 204 or non-JSON answers. */
  response?: R;
  successStatus: number;
  /** Media type of the success body when it is not JSON. */
  produces?: string;
  /** Error codes this endpoint can answer besides the generic ones every endpoint may. */
  errors: readonly ErrorCode[];
}

function endpoint<
  B extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  R extends z.ZodType | undefined = undefined,
>(e: Endpoint<B, P, Q, R>): Endpoint<B, P, Q, R> {
  return e;
}

/** Codes any endpoint may answer. */
export const genericErrors: readonly ErrorCode[] = ['INTERNAL', 'RATE_LIMITED'];
const bodyErrors: readonly ErrorCode[] = [
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
];
const tokenErrors: readonly ErrorCode[] = [
  'AUTH_REQUIRED',
  'AUTH_INVALID_TOKEN',
  'AUTH_TOKEN_EXPIRED',
  'AUTH_SESSION_REVOKED',
];
const apiKeyErrors: readonly ErrorCode[] = [...tokenErrors, 'AUTH_API_KEY_REVOKED', 'AUTH_INSUFFICIENT_SCOPE'];
const sessionErrors: readonly ErrorCode[] = [...tokenErrors, 'AUTH_FORBIDDEN'];

export const api = {
  auth: {
    register: endpoint({
      operationId: 'register',
      method: 'POST',
      path: '/api/v1/auth/register',
      summary: 'Create an account',
      tag: 'auth',
      auth: 'none',
      body: CredentialsSchema,
      response: UserSchema,
      successStatus: 201,
      errors: [...bodyErrors, 'AUTH_WEAK_PASSWORD', 'AUTH_USERNAME_TAKEN'],
    }),
    login: endpoint({
      operationId: 'login',
      method: 'POST',
      path: '/api/v1/auth/login',
      summary: 'Log in: a short-lived access token and a refresh token',
      tag: 'auth',
      auth: 'none',
      body: CredentialsSchema,
      response: TokenPairSchema,
      successStatus: 200,
      errors: [...bodyErrors, 'AUTH_INVALID_CREDENTIALS'],
    }),
    refresh: endpoint({
      operationId: 'refresh',
      method: 'POST',
      path: '/api/v1/auth/refresh',
      summary: 'Exchange a refresh token for a new pair (the old refresh token stops working)',
      tag: 'auth',
      auth: 'none',
      body: RefreshRequestSchema,
      response: TokenPairSchema,
      successStatus: 200,
      errors: [...bodyErrors, 'AUTH_INVALID_REFRESH_TOKEN', 'AUTH_REFRESH_TOKEN_REUSED', 'AUTH_SESSION_REVOKED'],
    }),
    logout: endpoint({
      operationId: 'logout',
      method: 'POST',
      path: '/api/v1/auth/logout',
      summary: 'End the session of the bearer access token or of the given refresh token',
      tag: 'auth',
      auth: 'optional',
      body: LogoutRequestSchema,
      successStatus: 204,
      errors: [...bodyErrors, ...tokenErrors, 'AUTH_INVALID_REFRESH_TOKEN'],
    }),
  },
  me: endpoint({
    operationId: 'getMe',
    method: 'GET',
    path: '/api/v1/me',
    summary: 'The authenticated user',
    tag: 'account',
    auth: 'any',
    scope: 'profile:read',
    response: MeSchema,
    successStatus: 200,
    errors: apiKeyErrors,
  }),
  devices: {
    challenge: endpoint({
      operationId: 'createDeviceChallenge',
      method: 'POST',
      path: '/api/v1/devices/challenge',
      summary: 'A single-use challenge (valid 5 minutes) to sign when registering a device key',
      tag: 'devices',
      auth: 'any',
      scope: 'devices:write',
      response: DeviceChallengeSchema,
      successStatus: 201,
      errors: apiKeyErrors,
    }),
    register: endpoint({
      operationId: 'registerDevice',
      method: 'POST',
      path: '/api/v1/devices',
      summary: 'Register a device key, proving possession by signing a challenge',
      tag: 'devices',
      auth: 'any',
      scope: 'devices:write',
      body: RegisterDeviceRequestSchema,
      response: DeviceSchema,
      successStatus: 201,
      errors: [
        ...bodyErrors,
        ...apiKeyErrors,
        'DEVICE_CHALLENGE_INVALID',
        'DEVICE_SIGNATURE_INVALID',
        'DEVICE_KEY_IN_USE',
      ],
    }),
    list: endpoint({
      operationId: 'listDevices',
      method: 'GET',
      path: '/api/v1/devices',
      summary: "The account's devices, revoked ones included",
      tag: 'devices',
      auth: 'any',
      scope: 'devices:read',
      response: DeviceListSchema,
      successStatus: 200,
      errors: apiKeyErrors,
    }),
    revoke: endpoint({
      operationId: 'revokeDevice',
      method: 'DELETE',
      path: '/api/v1/devices/:deviceId',
      summary: 'Revoke one of your devices; its key is no longer trusted',
      tag: 'devices',
      auth: 'any',
      scope: 'devices:write',
      params: DeviceIdParamsSchema,
      successStatus: 204,
      errors: ['VALIDATION_FAILED', ...apiKeyErrors, 'DEVICE_NOT_FOUND'],
    }),
    ofUser: endpoint({
      operationId: 'getUserDevices',
      method: 'GET',
      path: '/api/v1/users/:username/devices',
      summary: "Another user's active device keys",
      tag: 'devices',
      auth: 'any',
      scope: 'devices:read',
      params: UsernameParamsSchema,
      response: UserDeviceKeysSchema,
      successStatus: 200,
      errors: ['VALIDATION_FAILED', ...apiKeyErrors, 'USER_NOT_FOUND'],
    }),
  },
  apiKeys: {
    create: endpoint({
      operationId: 'createApiKey',
      method: 'POST',
      path: '/api/v1/api-keys',
      summary: 'Create an API key; the answer is the only time the key is shown',
      tag: 'api-keys',
      auth: 'session',
      body: CreateApiKeyRequestSchema,
      response: CreatedApiKeySchema,
      successStatus: 201,
      errors: [...bodyErrors, ...sessionErrors],
    }),
    list: endpoint({
      operationId: 'listApiKeys',
      method: 'GET',
      path: '/api/v1/api-keys',
      summary: 'Your API keys (never the secret part)',
      tag: 'api-keys',
      auth: 'session',
      response: ApiKeyListSchema,
      successStatus: 200,
      errors: sessionErrors,
    }),
    revoke: endpoint({
      operationId: 'revokeApiKey',
      method: 'DELETE',
      path: '/api/v1/api-keys/:apiKeyId',
      summary: 'Revoke an API key at once',
      tag: 'api-keys',
      auth: 'session',
      params: ApiKeyIdParamsSchema,
      successStatus: 204,
      errors: ['VALIDATION_FAILED', ...sessionErrors, 'API_KEY_NOT_FOUND'],
    }),
  },
  contacts: {
    list: endpoint({
      operationId: 'listContacts',
      method: 'GET',
      path: '/api/v1/contacts',
      summary: 'Your contacts and contact requests, both ways, and whom you blocked',
      tag: 'contacts',
      auth: 'any',
      scope: 'contacts',
      response: ContactListSchema,
      successStatus: 200,
      errors: apiKeyErrors,
    }),
    add: endpoint({
      operationId: 'addContact',
      method: 'POST',
      path: '/api/v1/contacts',
      summary: 'Ask someone to be a contact; accepts at once when they asked you first',
      tag: 'contacts',
      auth: 'any',
      scope: 'contacts',
      body: AddContactRequestSchema,
      response: ContactSchema,
      successStatus: 200,
      errors: [...bodyErrors, ...apiKeyErrors, 'USER_NOT_FOUND', 'CONTACT_SELF', 'CONTACT_BLOCKED'],
    }),
    accept: endpoint({
      operationId: 'acceptContact',
      method: 'POST',
      path: '/api/v1/contacts/:username/accept',
      summary: 'Accept a contact request',
      tag: 'contacts',
      auth: 'any',
      scope: 'contacts',
      params: ContactParamsSchema,
      response: ContactSchema,
      successStatus: 200,
      errors: ['VALIDATION_FAILED', ...apiKeyErrors, 'CONTACT_NOT_FOUND'],
    }),
    remove: endpoint({
      operationId: 'removeContact',
      method: 'DELETE',
      path: '/api/v1/contacts/:username',
      summary: 'Remove a contact, or withdraw or decline a request',
      tag: 'contacts',
      auth: 'any',
      scope: 'contacts',
      params: ContactParamsSchema,
      successStatus: 204,
      errors: ['VALIDATION_FAILED', ...apiKeyErrors, 'CONTACT_NOT_FOUND'],
    }),
    block: endpoint({
      operationId: 'blockUser',
      method: 'POST',
      path: '/api/v1/contacts/:username/block',
      summary: 'Block a user: they can no longer signal you or see your presence',
      tag: 'contacts',
      auth: 'any',
      scope: 'contacts',
      params: ContactParamsSchema,
      response: ContactSchema,
      successStatus: 200,
      errors: ['VALIDATION_FAILED', ...apiKeyErrors, 'USER_NOT_FOUND', 'CONTACT_SELF'],
    }),
    unblock: endpoint({
      operationId: 'unblockUser',
      method: 'DELETE',
      path: '/api/v1/contacts/:username/block',
      summary: 'Unblock a user',
      tag: 'contacts',
      auth: 'any',
      scope: 'contacts',
      params: ContactParamsSchema,
      successStatus: 204,
      errors: ['VALIDATION_FAILED', ...apiKeyErrors, 'CONTACT_NOT_FOUND'],
    }),
  },
  iceServers: endpoint({
    operationId: 'getIceServers',
    method: 'GET',
    path: '/api/v1/ice-servers',
    summary: 'STUN and TURN servers for WebRTC, with TURN credentials valid for `ttl` seconds (the TURN REST scheme)',
    tag: 'connectivity',
    auth: 'any',
    scope: 'signal',
    response: IceServersSchema,
    successStatus: 200,
    errors: apiKeyErrors,
  }),
  tracker: {
    announce: endpoint({
      operationId: 'trackerAnnounce',
      method: 'GET',
      path: '/announce',
      summary:
        'BitTorrent announce (BEP 3, compact peers BEP 23, IPv6 BEP 7); a WebSocket upgrade here speaks the WebTorrent tracker protocol. Answers are bencoded; protocol errors are a `failure reason` with status 200, as clients expect.',
      tag: 'tracker',
      auth: 'none',
      successStatus: 200,
      produces: 'text/plain',
      errors: [],
    }),
    scrape: endpoint({
      operationId: 'trackerScrape',
      method: 'GET',
      path: '/scrape',
      summary: 'BitTorrent scrape (BEP 48) for one or more info_hash parameters; bencoded',
      tag: 'tracker',
      auth: 'none',
      successStatus: 200,
      produces: 'text/plain',
      errors: [],
    }),
    passkey: endpoint({
      operationId: 'getTrackerPasskey',
      method: 'GET',
      path: '/api/v1/tracker/passkey',
      summary: 'Your private announce URL (with its passkey), for when the tracker runs in private mode',
      tag: 'tracker',
      auth: 'session',
      response: TrackerPasskeySchema,
      successStatus: 200,
      errors: sessionErrors,
    }),
  },
  admin: {
    swarms: endpoint({
      operationId: 'adminListSwarms',
      method: 'GET',
      path: '/api/v1/admin/swarms',
      summary: 'Swarms, most recently active first, with peers, seeders, completed and bytes (admin)',
      tag: 'admin',
      auth: 'admin',
      query: SwarmListQuerySchema,
      response: SwarmListSchema,
      successStatus: 200,
      errors: ['VALIDATION_FAILED', ...sessionErrors],
    }),
    swarm: endpoint({
      operationId: 'adminGetSwarm',
      method: 'GET',
      path: '/api/v1/admin/swarms/:infoHash',
      summary: 'One swarm (admin)',
      tag: 'admin',
      auth: 'admin',
      params: InfoHashParamsSchema,
      response: SwarmStatsSchema,
      successStatus: 200,
      errors: ['VALIDATION_FAILED', ...sessionErrors, 'SWARM_NOT_FOUND'],
    }),
    removeSwarm: endpoint({
      operationId: 'adminRemoveSwarm',
      method: 'DELETE',
      path: '/api/v1/admin/swarms/:infoHash',
      summary: 'Forget a swarm now (block it too, or it comes back at the next announce) (admin)',
      tag: 'admin',
      auth: 'admin',
      params: InfoHashParamsSchema,
      successStatus: 204,
      errors: ['VALIDATION_FAILED', ...sessionErrors, 'SWARM_NOT_FOUND'],
    }),
    blocklist: endpoint({
      operationId: 'adminListBlocked',
      method: 'GET',
      path: '/api/v1/admin/blocklist',
      summary: 'Info hashes the tracker refuses (admin)',
      tag: 'admin',
      auth: 'admin',
      response: BlocklistSchema,
      successStatus: 200,
      errors: sessionErrors,
    }),
    block: endpoint({
      operationId: 'adminBlockInfoHash',
      method: 'POST',
      path: '/api/v1/admin/blocklist',
      summary: 'Refuse an info hash from now on, on every replica, and forget its swarm (admin)',
      tag: 'admin',
      auth: 'admin',
      body: BlockInfoHashRequestSchema,
      response: BlockedInfoHashSchema,
      successStatus: 201,
      errors: [...bodyErrors, ...sessionErrors],
    }),
    unblock: endpoint({
      operationId: 'adminUnblockInfoHash',
      method: 'DELETE',
      path: '/api/v1/admin/blocklist/:infoHash',
      summary: 'Serve an info hash again (admin)',
      tag: 'admin',
      auth: 'admin',
      params: InfoHashParamsSchema,
      successStatus: 204,
      errors: ['VALIDATION_FAILED', ...sessionErrors, 'SWARM_NOT_FOUND'],
    }),
  },
  health: {
    live: endpoint({
      operationId: 'live',
      method: 'GET',
      path: '/health/live',
      summary: 'Liveness: the process answers',
      tag: 'operations',
      auth: 'none',
      response: HealthSchema,
      successStatus: 200,
      errors: [],
    }),
    ready: endpoint({
      operationId: 'ready',
      method: 'GET',
      path: '/health/ready',
      summary: 'Readiness: the database (and Redis when configured) answer; 503 otherwise',
      tag: 'operations',
      auth: 'none',
      response: HealthSchema,
      successStatus: 200,
      errors: ['UNAVAILABLE'],
    }),
    metrics: endpoint({
      operationId: 'metrics',
      method: 'GET',
      path: '/metrics',
      summary: 'Prometheus metrics',
      tag: 'operations',
      auth: 'none',
      successStatus: 200,
      produces: 'text/plain; version=0.0.4',
      errors: [],
    }),
  },
} as const;

/** Every endpoint of the contract, flattened. */
export function allEndpoints(): Endpoint[] {
  const out: Endpoint[] = [];
  const walk = (node: unknown): void => {
    if (node && typeof node === 'object' && 'operationId' in node) out.push(node as Endpoint);
    else if (node && typeof node === 'object') Object.values(node).forEach(walk);
  };
  walk(api);
  return out;
}

export type BodyOf<E> = E extends Endpoint<infer B> ? (B extends z.ZodType ? z.infer<B> : undefined) : never;
export type ParamsOf<E> =
  E extends Endpoint<z.ZodType | undefined, infer P> ? (P extends z.ZodType ? z.infer<P> : undefined) : never;
export type ResponseOf<E> =
  E extends Endpoint<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined, infer R>
    ? R extends z.ZodType
      ? z.infer<R>
      : undefined
    : never;
