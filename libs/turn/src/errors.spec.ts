import { describe, expect, it } from 'vitest';
import { TurnError, isTurnError } from './errors.js';

describe('TurnError', () => {
  it('carries a stable code from each factory', () => {
    expect(TurnError.malformed('x').code).toBe('TURN_MALFORMED_MESSAGE');
    expect(TurnError.invalidOption('port', 'x').code).toBe('TURN_INVALID_OPTIONS');
    expect(TurnError.invalidArgument('a', 'b').code).toBe('TURN_INVALID_ARGUMENT');
    expect(TurnError.listenFailed('x', new Error('EADDRINUSE')).code).toBe('TURN_LISTEN_FAILED');
    expect(TurnError.notListening().code).toBe('TURN_NOT_LISTENING');
    expect(isTurnError(TurnError.notListening(), 'TURN_NOT_LISTENING')).toBe(true);
    expect(isTurnError(new Error('x'))).toBe(false);
    expect(TurnError.invalidOption('port', 'bad').message).toContain('"port"');
  });
});
