import type { RtcNode } from '@shoal/rtc';
import type { AgentSession } from './agent-session.js';
import { callDaemon, CONTROL_SOCKET } from './daemon-control.js';
import type { ControlRequest } from './daemon-control.js';
import { runPing } from './ping.js';
import { createRtcAgent } from './rtc-agent.js';
import type { Sink } from './sink.js';
import { runSpeedtest } from './speedtest.js';

/** Runs a command that needs the device online, on this node. */
export function execute(node: RtcNode, request: ControlRequest, sink: Sink): Promise<number> {
  switch (request.command) {
    case 'ping':
      return runPing(node, request.username, { count: request.count, timeoutMs: request.timeoutMs }, sink);
    case 'speedtest':
      return runSpeedtest(node, request.username, { bytes: request.bytes, deviceId: request.deviceId }, sink);
  }
}

/**
 * Runs it through the device's daemon when one is running (it holds the device's signalling
 * socket and connections), or brings the device online for the command alone.
 */
export async function runOnline(session: AgentSession, request: ControlRequest, sink: Sink): Promise<number> {
  const viaDaemon = await callDaemon(session.dir.file(CONTROL_SOCKET), request, sink);
  if (viaDaemon !== undefined) return viaDaemon;
  const agent = createRtcAgent(session);
  try {
    await agent.signalling.connect();
    return await execute(agent.node, request, sink);
  } finally {
    await agent.close();
  }
}
