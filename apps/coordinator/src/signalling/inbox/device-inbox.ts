import type { DeliveredFrame } from '@shoal/protocol';

/** A frame to queue for a device; the inbox assigns its sequence number. */
export type UnnumberedFrame = DeliveredFrame extends infer F
  ? F extends DeliveredFrame
    ? Omit<F, 'seq'>
    : never
  : never;

export interface InboxRead {
  frames: DeliveredFrame[];
  /**
   * False when frames after the requested sequence number were already dropped (too old, or too
   * many), so the reader missed some.
   */
  complete: boolean;
  /** The last sequence number assigned for the device. */
  head: number;
}

/**
 * Frames addressed to a device, numbered per device and kept for a short time, so that a device
 * that reconnects (to this replica or another) resumes without losing any. One implementation
 * per storage mode; both pass `device-inbox.compliance.ts`.
 */
export interface DeviceInbox {
  append(deviceId: string, frame: UnnumberedFrame): Promise<number>;
  /** Frames with a sequence number above `afterSeq`, oldest first. */
  read(deviceId: string, afterSeq: number, limit?: number): Promise<InboxRead>;
  head(deviceId: string): Promise<number>;
  /** Calls `onNew` whenever frames may have arrived for the device; returns the unsubscribe. */
  watch(deviceId: string, onNew: () => void): () => void;
  close(): Promise<void>;
}

export interface InboxOptions {
  /** How long a frame is kept for a reconnecting device. */
  retentionMs: number;
  /** How many frames are kept per device at most. */
  maxFrames: number;
}

export const defaultInboxOptions: InboxOptions = { retentionMs: 60_000, maxFrames: 1_000 };
