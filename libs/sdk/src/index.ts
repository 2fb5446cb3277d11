export { ShoalClient } from './client.js';
export type { ShoalClientOptions } from './client.js';
export { ShoalApiError } from './errors.js';
