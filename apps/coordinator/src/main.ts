#!/usr/bin/env node
import { configFromEnv } from './config/coordinator-config.js';
import { ConfigError, parseEnv } from './config/env.schema.js';
import { resolveSecrets } from './config/secrets.js';
import { acquireDataDirLock } from './config/data-dir-lock.js';
import { startCoordinator } from './create-app.js';
import { createLogger } from './logging/logger.js';

async function main(): Promise<void> {
  let env;
  try {
    env = parseEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`shoal coordinator: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger(env.LOG_LEVEL);
  const secrets = await resolveSecrets(env.SHOAL_DATA_DIR, { jwtSecret: env.JWT_SECRET, turnSecret: env.TURN_SECRET });
  for (const name of secrets.generated) {
    logger.warn(
      { secret: name, file: secrets.file },
      `${name === 'jwtSecret' ? 'JWT_SECRET' : 'TURN_SECRET'} was not set: generated one and stored it in ${secrets.file}`,
    );
  }
  const config = configFromEnv(env, secrets);
  if (config.database.kind === 'postgres' && secrets.generated.includes('jwtSecret')) {
    logger.warn('with several replicas, set the same JWT_SECRET on each, or tokens from one fail on the other');
  }
  const releaseLock = config.database.kind === 'embedded' ? await acquireDataDirLock(config.dataDir) : undefined;

  const coordinator = await startCoordinator(config, logger);
  logger.info(
    { url: coordinator.url, port: coordinator.port, database: config.database.kind, redis: Boolean(config.redisUrl) },
    `coordinator listening on ${coordinator.url}`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing open requests');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 20 s; exiting');
      process.exit(1);
    }, 20_000);
    force.unref();
    coordinator
      .close()
      .then(async () => {
        await releaseLock?.();
        logger.info('stopped');
        logger.flush();
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'error while shutting down');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`shoal coordinator failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
