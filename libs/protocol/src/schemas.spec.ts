import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allEndpoints,
  API_KEY_PATTERN,
  CredentialsSchema,
  errorCatalog,
  PublicKeySchema,
  SignatureSchema,
  UsernameSchema,
} from './index.js';

describe('wire schemas', () => {
  it('normalises usernames to lower case and refuses anything outside the alphabet', () => {
    expect(UsernameSchema.parse('  Alice.B_1 ')).toBe('alice.b_1');
    for (const bad of ['ab', '-lead', 'white space', 'x'.repeat(33), 'émile', '']) {
      expect(UsernameSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('accepts exactly 32-byte keys and 64-byte signatures in base64url', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 80 }), (bytes) => {
        const text = Buffer.from(bytes).toString('base64url');
        expect(PublicKeySchema.safeParse(text).success).toBe(bytes.length === 32);
        expect(SignatureSchema.safeParse(text).success).toBe(bytes.length === 64);
      }),
    );
  });

  it('rejects unknown fields in request bodies', () => {
    expect(CredentialsSchema.safeParse({ username: 'bob', password: 'x', role: 'admin' }).success).toBe(false);
  });

  it('never throws on arbitrary JSON, only reports', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        for (const endpoint of allEndpoints()) {
          if (endpoint.body) expect(typeof endpoint.body.safeParse(value).success).toBe('boolean');
        }
      }),
      { numRuns: 200 },
    );
  });

  it('matches API keys of the documented shape only', () => {
    expect(API_KEY_PATTERN.test(`shoal_${'a1B2c3D4e5F6'}_${'x'.repeat(43)}`)).toBe(true);
    expect(API_KEY_PATTERN.test(`shoal_${'a1B2c3D4e5F'}_${'x'.repeat(43)}`)).toBe(false);
  });
});

describe('API contract', () => {
  const endpoints = allEndpoints();

  it('has unique operation ids and unique method + path pairs', () => {
    expect(new Set(endpoints.map((e) => e.operationId)).size).toBe(endpoints.length);
    expect(new Set(endpoints.map((e) => `${e.method} ${e.path}`)).size).toBe(endpoints.length);
  });

  it('declares path parameters exactly as the path names them', () => {
    for (const e of endpoints) {
      const inPath = [...e.path.matchAll(/:(\w+)/g)].map((m) => m[1]).sort();
      const declared = e.params ? Object.keys((e.params as unknown as { shape: object }).shape).sort() : [];
      expect(declared, e.operationId).toEqual(inPath);
    }
  });

  it('names only codes from the catalog, and scopes only where API keys are allowed', () => {
    for (const e of endpoints) {
      for (const code of e.errors) expect(errorCatalog[code], `${e.operationId}: ${code}`).toBeDefined();
      if (e.scope) expect(e.auth).toBe('any');
      if (e.auth === 'any') expect(e.scope, e.operationId).toBeDefined();
    }
  });
});
