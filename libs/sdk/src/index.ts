export { ShoalClient } from './client.js';
export type { ShoalClientOptions } from './client.js';
export { ShoalApiError } from './errors.js';
export { SignallingClient } from './signalling-client.js';
export type {
  SignallingClientOptions,
  SignallingDevice,
  SignallingEvents,
  SignallingState,
  OutgoingSignal,
} from './signalling-client.js';
export { Emitter } from './emitter.js';
