/**
 * A tiny STUN client, run inside a lab namespace by the NAT tests (Node 24 runs this file as it
 * is): sends Binding requests from ONE local socket to every target in turn and prints, as one
 * JSON line, the address each target saw. Over UDP one socket serves every target, which is what
 * tells endpoint-independent mapping from symmetric; over TCP each target gets a connection.
 *
 *   node stun-probe.ts '{"transport":"udp","targets":[{"address":"198.18.0.1","port":3478}]}'
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { decodeStunMessage, StunClass, StunMessageBuilder, StunMethod, xorMappedAddress } from '@shoal/turn';

interface Target {
  address: string;
  port: number;
}
interface ProbeRequest {
  transport: 'udp' | 'tcp';
  targets: Target[];
  /** The local address to send from (UDP); default any. */
  bindAddress?: string;
  /** Per target; default 3 s. */
  timeoutMs?: number;
}
export interface ProbeResult {
  target: Target;
  /** The local address and port the request left from (before the NAT). */
  local?: Target;
  /** What the server saw (XOR-MAPPED-ADDRESS), when it answered. */
  mapped?: Target;
  error?: string;
}

const request = JSON.parse(process.argv[2] ?? '{}') as ProbeRequest;
const timeoutMs = request.timeoutMs ?? 3_000;

function bindingRequest(): { bytes: Buffer; transactionId: Buffer } {
  const builder = StunMessageBuilder.of(StunMethod.Binding, StunClass.Request);
  return { bytes: builder.encode({ fingerprint: true }), transactionId: builder.transactionId };
}

function mappedOf(bytes: Buffer, transactionId: Buffer): Target | undefined {
  const message = decodeStunMessage(bytes);
  if (!message.transactionId.equals(transactionId)) return undefined;
  if (message.method !== StunMethod.Binding || message.messageClass !== StunClass.SuccessResponse) {
    throw new Error(`unexpected answer: method ${message.method}, class ${message.messageClass}`);
  }
  const mapped = message.get(xorMappedAddress);
  if (!mapped) throw new Error('a Binding success response without XOR-MAPPED-ADDRESS');
  return { address: mapped.address, port: mapped.port };
}

async function probeUdp(targets: Target[]): Promise<ProbeResult[]> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, request.bindAddress, resolve));
  const local = { address: socket.address().address, port: socket.address().port };
  const results: ProbeResult[] = [];
  for (const target of targets) {
    const { bytes, transactionId } = bindingRequest();
    const result = await new Promise<ProbeResult>((resolve) => {
      const send = () => socket.send(bytes, target.port, target.address);
      const retransmit = setInterval(send, 250);
      const timer = setTimeout(() => finish({ target, local, error: `no answer within ${timeoutMs} ms` }), timeoutMs);
      const onMessage = (data: Buffer) => {
        try {
          const mapped = mappedOf(data, transactionId);
          if (mapped) finish({ target, local, mapped });
        } catch (error) {
          finish({ target, local, error: (error as Error).message });
        }
      };
      const finish = (r: ProbeResult) => {
        clearInterval(retransmit);
        clearTimeout(timer);
        socket.off('message', onMessage);
        resolve(r);
      };
      socket.on('message', onMessage);
      send();
    });
    results.push(result);
  }
  socket.close();
  return results;
}

function probeTcp(target: Target): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const { bytes, transactionId } = bindingRequest();
    const socket = net.connect(target.port, target.address);
    let buffer = Buffer.alloc(0);
    let local: Target | undefined;
    const finish = (r: Omit<ProbeResult, 'target' | 'local'>) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ target, ...(local ? { local } : {}), ...r });
    };
    const timer = setTimeout(() => finish({ error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    socket.on('connect', () => {
      local = { address: socket.localAddress ?? '', port: socket.localPort ?? 0 };
      socket.write(bytes);
    });
    socket.on('error', (error) => finish({ error: error.message }));
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (buffer.length < 20) return;
      const length = 20 + buffer.readUInt16BE(2);
      if (buffer.length < length) return;
      try {
        const mapped = mappedOf(buffer.subarray(0, length), transactionId);
        finish(mapped ? { mapped } : { error: 'an answer to another transaction' });
      } catch (error) {
        finish({ error: (error as Error).message });
      }
    });
  });
}

const results =
  request.transport === 'tcp'
    ? await Promise.all(request.targets.map((t) => probeTcp(t)))
    : await probeUdp(request.targets);
process.stdout.write(`${JSON.stringify(results)}\n`);
