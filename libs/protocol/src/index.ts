export * from './common.js';
export * from './errors.js';
export * from './password-policy.js';
export * from './auth.js';
export * from './devices.js';
export * from './api-keys.js';
export * from './health.js';
export * from './api-contract.js';
