import { deviceRegistrationMessage, sign, toBase64Url } from '@shoal/identity';
import type { DeviceKeys } from '@shoal/identity';
import { api, ErrorBodySchema } from '@shoal/protocol';
import type {
  ApiKey,
  ApiKeyList,
  Contact,
  ContactList,
  CreateApiKeyRequest,
  CreatedApiKey,
  Credentials,
  Device,
  DeviceChallenge,
  DeviceList,
  Endpoint,
  Health,
  Me,
  TokenPair,
  User,
  UserDeviceKeys,
} from '@shoal/protocol';
import { ShoalApiError } from './errors.js';

export interface ShoalClientOptions {
  /** The coordinator's base URL, e.g. http://127.0.0.1:8080. */
  baseUrl: string;
  /** Tokens of an existing session (e.g. restored from disk). */
  tokens?: TokenPair;
  /** An API key, used instead of a session. */
  apiKey?: string;
  /** Called whenever login or a refresh produced new tokens, so they can be saved. */
  onTokens?: (tokens: TokenPair | undefined) => void | Promise<void>;
  fetch?: typeof fetch;
  /** Milliseconds before a request is abandoned (default 30 s). */
  timeoutMs?: number;
}

interface Call {
  body?: unknown;
  params?: Record<string, string>;
  /** Send no credentials even if the client has some. */
  anonymous?: boolean;
}

/**
 * The TypeScript client of the coordinator's REST API, for browsers and Node alike. It keeps the
 * session's tokens, refreshes the access token when it expires, and validates every answer
 * against the protocol's schemas.
 */
export class ShoalClient {
  readonly baseUrl: string;
  private tokens: TokenPair | undefined;
  private readonly apiKey: string | undefined;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private refreshing: Promise<void> | undefined;

  constructor(private readonly options: ShoalClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.tokens = options.tokens;
    this.apiKey = options.apiKey;
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  get session(): TokenPair | undefined {
    return this.tokens;
  }

  readonly auth = {
    register: (credentials: Credentials): Promise<User> =>
      this.call(api.auth.register, { body: credentials, anonymous: true }) as Promise<User>,
    login: async (credentials: Credentials): Promise<TokenPair> => {
      const tokens = (await this.call(api.auth.login, { body: credentials, anonymous: true })) as TokenPair;
      await this.setTokens(tokens);
      return tokens;
    },
    refresh: async (): Promise<TokenPair> => {
      await this.refreshOnce();
      return this.tokens!;
    },
    logout: async (): Promise<void> => {
      if (!this.tokens) return;
      await this.call(api.auth.logout, { body: { refreshToken: this.tokens.refreshToken }, anonymous: true });
      await this.setTokens(undefined);
    },
  };

  me(): Promise<Me> {
    return this.call(api.me) as Promise<Me>;
  }

  readonly devices = {
    challenge: (): Promise<DeviceChallenge> => this.call(api.devices.challenge) as Promise<DeviceChallenge>,
    /** Registers this device's keys: fetches a challenge, signs it with the device key, sends both. */
    enroll: async (keys: DeviceKeys, name: string): Promise<Device> => {
      const me = await this.me();
      const { challenge } = await this.devices.challenge();
      const publicKey = toBase64Url(keys.signing.publicKey);
      const exchangeKey = toBase64Url(keys.exchange.publicKey);
      const signature = sign(
        keys.signing.secretKey,
        deviceRegistrationMessage({ userId: me.id, challenge, publicKey, exchangeKey }),
      );
      return this.call(api.devices.register, {
        body: { name, publicKey, exchangeKey, challenge, signature },
      }) as Promise<Device>;
    },
    list: (): Promise<DeviceList> => this.call(api.devices.list) as Promise<DeviceList>,
    revoke: (deviceId: string): Promise<void> =>
      this.call(api.devices.revoke, { params: { deviceId } }) as Promise<void>,
    ofUser: (username: string): Promise<UserDeviceKeys> =>
      this.call(api.devices.ofUser, { params: { username } }) as Promise<UserDeviceKeys>,
  };

  readonly apiKeys = {
    create: (request: CreateApiKeyRequest): Promise<CreatedApiKey> =>
      this.call(api.apiKeys.create, { body: request }) as Promise<CreatedApiKey>,
    list: async (): Promise<ApiKey[]> => ((await this.call(api.apiKeys.list)) as ApiKeyList).apiKeys,
    revoke: (apiKeyId: string): Promise<void> =>
      this.call(api.apiKeys.revoke, { params: { apiKeyId } }) as Promise<void>,
  };

  readonly contacts = {
    list: async (): Promise<Contact[]> => ((await this.call(api.contacts.list)) as ContactList).contacts,
    add: (username: string): Promise<Contact> =>
      this.call(api.contacts.add, { body: { username } }) as Promise<Contact>,
    accept: (username: string): Promise<Contact> =>
      this.call(api.contacts.accept, { params: { username } }) as Promise<Contact>,
    remove: (username: string): Promise<void> =>
      this.call(api.contacts.remove, { params: { username } }) as Promise<void>,
    block: (username: string): Promise<Contact> =>
      this.call(api.contacts.block, { params: { username } }) as Promise<Contact>,
    unblock: (username: string): Promise<void> =>
      this.call(api.contacts.unblock, { params: { username } }) as Promise<void>,
  };

  /** A valid access token (refreshed if it is about to expire) or the API key, e.g. for `/ws`. */
  async bearer(): Promise<string> {
    if (this.apiKey) return this.apiKey;
    if (!this.tokens) throw new ShoalApiError('AUTH_REQUIRED', 'not logged in', 401);
    const payload = this.tokens.accessToken.split('.')[1];
    let exp: number;
    try {
      exp = (JSON.parse(atob(payload!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number }).exp ?? 0;
    } catch {
      exp = 0;
    }
    if (exp * 1000 - Date.now() < 30_000) await this.refreshOnce();
    return this.tokens.accessToken;
  }

  ready(): Promise<Health> {
    return this.call(api.health.ready, { anonymous: true }) as Promise<Health>;
  }

  /** Calls one endpoint of the contract; refreshes and retries once if the access token expired. */
  async call(endpoint: Endpoint, call: Call = {}): Promise<unknown> {
    try {
      return await this.send(endpoint, call);
    } catch (error) {
      if (
        error instanceof ShoalApiError &&
        error.code === 'AUTH_TOKEN_EXPIRED' &&
        !call.anonymous &&
        this.tokens &&
        !this.apiKey
      ) {
        await this.refreshOnce();
        return this.send(endpoint, call);
      }
      throw error;
    }
  }

  private async send(endpoint: Endpoint, call: Call): Promise<unknown> {
    let path = endpoint.path;
    for (const [name, value] of Object.entries(call.params ?? {})) {
      path = path.replace(`:${name}`, encodeURIComponent(value));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    const bearer = call.anonymous ? undefined : (this.apiKey ?? this.tokens?.accessToken);
    if (bearer && endpoint.auth !== 'none') headers.authorization = `Bearer ${bearer}`;
    let body: string | undefined;
    if (call.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(call.body);
    }
    let response: Response;
    try {
      response = await this.fetchImpl(this.baseUrl + path, {
        method: endpoint.method,
        headers,
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new ShoalApiError(
        'NETWORK_ERROR',
        `cannot reach the coordinator at ${this.baseUrl}: ${(error as Error).message}`,
        0,
      );
    }
    const text = await response.text();
    if (!response.ok) throw this.errorFrom(response, text);
    if (!endpoint.response) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ShoalApiError('INVALID_RESPONSE', `${endpoint.operationId}: the answer is not JSON`, response.status);
    }
    const parsed = endpoint.response.safeParse(json);
    if (!parsed.success) {
      throw new ShoalApiError(
        'INVALID_RESPONSE',
        `${endpoint.operationId}: the answer does not match the protocol (${parsed.error.issues[0]?.message ?? ''})`,
        response.status,
      );
    }
    return parsed.data;
  }

  private errorFrom(response: Response, text: string): ShoalApiError {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const parsed = ErrorBodySchema.safeParse(body);
    const retryAfter = Number(response.headers.get('retry-after'));
    if (parsed.success) {
      return new ShoalApiError(
        parsed.data.code,
        parsed.data.message,
        response.status,
        parsed.data.issues,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
      );
    }
    return new ShoalApiError('INVALID_RESPONSE', `HTTP ${response.status} without an error body`, response.status);
  }

  private refreshOnce(): Promise<void> {
    // Concurrent requests that all find the token expired share one refresh: a second refresh
    // with the same refresh token would look like a stolen token and end the session.
    this.refreshing ??= (async () => {
      try {
        if (!this.tokens) throw new ShoalApiError('AUTH_REQUIRED', 'not logged in', 401);
        const tokens = (await this.send(api.auth.refresh, {
          body: { refreshToken: this.tokens.refreshToken },
          anonymous: true,
        })) as TokenPair;
        await this.setTokens(tokens);
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  private async setTokens(tokens: TokenPair | undefined): Promise<void> {
    this.tokens = tokens;
    await this.options.onTokens?.(tokens);
  }
}
