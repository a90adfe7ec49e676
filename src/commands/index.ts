import Bom from './bom.js';
import Check from './check.js';
import HookInstall from './hook.js';
import Lock from './lock.js';
import Rules from './rules.js';
import Scan from './scan.js';
import Verify from './verify.js';

// oclif's explicit strategy: the command table is this object, no directory scan at start-up.
export const commands = { scan: Scan, rules: Rules, lock: Lock, verify: Verify, check: Check, bom: Bom, 'hook:install': HookInstall };
