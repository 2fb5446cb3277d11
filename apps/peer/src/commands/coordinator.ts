import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';

interface CoordinatorOptions {
  port?: string;
  host?: string;
  dataDir?: string;
}

export function registerCoordinatorCommand(program: Command): void {
  program
    .command('coordinator')
    .description(
      'run the coordinator in the foreground (embedded database unless DATABASE_URL is set); SIGTERM stops it cleanly',
    )
    .option('--port <n>', 'HTTP and WebSocket port (env PORT, default 8080; 0 picks a free one)')
    .option('--host <address>', 'address to bind (env HOST, default 127.0.0.1)')
    .addHelpText(
      'after',
      '\nEvery other setting comes from the environment: DATABASE_URL, REDIS_URL, JWT_SECRET, TURN_SECRET, LOG_LEVEL, ...\n' +
        '--data-dir sets SHOAL_DATA_DIR, where the embedded database and generated secrets live (default ./.shoal).',
    )
    .action(async (options: CoordinatorOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<{ dataDir?: string }>();
      if (options.port !== undefined) process.env.PORT = options.port;
      if (options.host !== undefined) process.env.HOST = options.host;
      if (globals.dataDir !== undefined) process.env.SHOAL_DATA_DIR = globals.dataDir;
      // The coordinator is its own application; the CLI starts it in this process, found at
      // run time through its package, so neither app compiles against the other.
      const require = createRequire(import.meta.url);
      const main = require.resolve('@shoal/coordinator/main');
      await import(pathToFileURL(main).href);
    });
}
