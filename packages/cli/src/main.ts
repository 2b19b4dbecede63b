// The `vigil` command.
import { Command } from 'commander';
import { VERSION } from '@vigil/server';
import { serveCommand } from './commands/serve.ts';
import { workerCommand } from './commands/worker.ts';
import { relayCommand } from './commands/relay.ts';
import { demoCommand } from './commands/demo.ts';
import { adminCommand } from './commands/admin.ts';
import { keysCommand } from './commands/keys.ts';
import { auditCommand } from './commands/audit.ts';
import { rulesCommand } from './commands/rules.ts';
import { textCommand } from './commands/text.ts';
import { hashCommand } from './commands/hash.ts';
import { matchCommand } from './commands/match.ts';
import { bankCommand } from './commands/bank.ts';
import { exchangeCommand } from './commands/exchange.ts';
import { ncmecCommand } from './commands/ncmec.ts';
import { transparencyCommand } from './commands/transparency.ts';
import { chatCommand } from './commands/chat.ts';

const program = new Command('vigil')
  .description('Vigil: child safety for end-to-end-encrypted messaging')
  .version(VERSION);
serveCommand(program);
workerCommand(program);
relayCommand(program);
demoCommand(program);
adminCommand(program);
keysCommand(program);
auditCommand(program);
rulesCommand(program);
textCommand(program);
hashCommand(program);
matchCommand(program);
bankCommand(program);
exchangeCommand(program);
ncmecCommand(program);
transparencyCommand(program);
chatCommand(program);
await program.parseAsync(process.argv);
