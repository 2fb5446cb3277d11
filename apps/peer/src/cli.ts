import { Command, CommanderError } from 'commander';
import { registerAccountCommands } from './commands/account.js';
import { registerContactsCommands } from './commands/contacts.js';
import { registerCoordinatorCommand } from './commands/coordinator.js';
import { registerDaemonCommand } from './commands/daemon.js';
import { registerPingCommand } from './commands/ping.js';
import { registerSpeedtestCommand } from './commands/speedtest.js';
import { DEFAULT_COORDINATOR } from './global-options.js';
import { Output } from './output.js';

const program = new Command('shoal')
  .description('Shoal: share files, chat and call, peer to peer')
  .version('0.1.0')
  .option('--coordinator <url>', `coordinator to use (env SHOAL_COORDINATOR, default ${DEFAULT_COORDINATOR})`)
  .option('--data-dir <dir>', 'where this device keeps its keys and session (default ~/.local/share/shoal)')
  .option('--json', 'machine-readable output: one JSON object a line')
  .showHelpAfterError()
  .exitOverride();

registerCoordinatorCommand(program);
registerAccountCommands(program);
registerContactsCommands(program);
registerDaemonCommand(program);
registerPingCommand(program);
registerSpeedtestCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0; usage errors with 2 after commander's message.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    process.exitCode = new Output(process.argv.includes('--json')).failure(error);
  }
}
