import DHT from 'bittorrent-dht';
import type { Logger } from 'pino';

/**
 * The coordinator's Mainline DHT node (bittorrent-dht): peers may list it as a bootstrap node
 * beside the public routers, which helps most on networks where those are unreachable.
 */
export async function startDhtNode(
  options: { host: string; port: number; bootstrap: string[] },
  logger: Logger,
): Promise<{ port: number; dht: DHT; close(): Promise<void> }> {
  const listen = async (port: number): Promise<DHT> => {
    const dht = new DHT({ bootstrap: options.bootstrap.length > 0 ? options.bootstrap : false });
    await new Promise<void>((resolve, reject) => {
      dht.once('error', reject);
      dht.listen(port, options.host, () => {
        dht.off('error', reject);
        resolve();
      });
    });
    return dht;
  };
  let dht: DHT;
  try {
    dht = await listen(options.port);
  } catch (error) {
    // 6881 is every BitTorrent client's default: a local client holding it should not stop the
    // coordinator; its DHT node takes another port and says which.
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || options.port === 0) throw error;
    logger.warn({ port: options.port }, 'DHT port in use; the DHT node takes a free port instead');
    dht = await listen(0);
  }
  dht.on('warning', (error: Error) => logger.debug({ err: error }, 'DHT warning'));
  dht.on('error', (error: Error) => logger.warn({ err: error }, 'DHT error'));
  const port = dht.address().port;
  return {
    port,
    dht,
    close: () => new Promise<void>((resolve) => dht.destroy(() => resolve())),
  };
}
