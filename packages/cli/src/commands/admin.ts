import type { Command } from 'commander';
import {
  createStaff,
  generatePassword,
  migrateToLatest,
  openDb,
  ROLES,
  systemClock,
  updateStaff,
  type Role,
} from '@vigil/server';
import { configFrom, fatal, withServiceOptions } from '../options.ts';

export function adminCommand(program: Command) {
  const admin = program.command('admin').description('manage staff accounts');
  withServiceOptions(
    admin
      .command('create')
      .description('create a staff account (the first admin, typically)')
      .requiredOption('-u, --username <name>', 'login name')
      .option('-r, --role <role>', `one of ${ROLES.join(', ')}`, 'admin')
      .option('--password <password>', 'password (at least 12 characters); generated and printed when omitted'),
  ).action(async (opts) => {
    const cfg = (() => {
      try {
        return configFrom(opts);
      } catch (e) {
        fatal(e);
      }
    })();
    const db = openDb(cfg);
    try {
      await migrateToLatest(db);
      const password = opts.password ?? generatePassword();
      const s = await createStaff(
        db.kysely,
        { username: opts.username, role: opts.role as Role, password },
        'cli',
        systemClock,
      );
      process.stdout.write(
        `created ${s.role} "${s.username}" (id ${s.id})${opts.password ? '' : `\npassword (shown once): ${password}`}\n`,
      );
    } catch (e) {
      fatal(e);
    } finally {
      await db.close();
    }
  });
  withServiceOptions(
    admin
      .command('password <username>')
      .description('set a new password (generated when --password is omitted) and unlock the account')
      .option('--password <password>'),
  ).action(async (username: string, opts) => {
    const cfg = (() => {
      try {
        return configFrom(opts);
      } catch (e) {
        fatal(e);
      }
    })();
    const db = openDb(cfg);
    try {
      await migrateToLatest(db);
      const row = await db.kysely.selectFrom('staff').select('id').where('username', '=', username).executeTakeFirst();
      if (!row) throw new Error(`no staff account "${username}"`);
      const password = opts.password ?? generatePassword();
      await updateStaff(db.kysely, Number(row.id), { password, unlock: true }, 'cli', systemClock);
      process.stdout.write(
        `password changed for "${username}"${opts.password ? '' : `\nnew password (shown once): ${password}`}\n`,
      );
    } catch (e) {
      fatal(e);
    } finally {
      await db.close();
    }
  });
}
