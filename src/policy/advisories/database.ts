import type { DependencyEcosystem } from '../../parsers/deps/types.js';
import { loadAdvisoryFile, loadShippedAdvisories } from './load.js';
import type { Advisory, AdvisoryFile } from './types.js';

/** Advisories indexed by ecosystem and package, distribution aliases folded in. */
export class AdvisoryDatabase {
  private readonly byPackage = new Map<string, Advisory[]>();
  private readonly aliases = new Map<string, string>();

  constructor(files: readonly AdvisoryFile[]) {
    for (const file of files) {
      for (const [canonical, others] of Object.entries(file.packageAliases ?? {})) {
        for (const other of others) this.aliases.set(other, canonical);
      }
    }
    for (const file of files) {
      for (const a of file.advisories) {
        const key = `${a.ecosystem}:${a.package}`;
        const list = this.byPackage.get(key) ?? [];
        list.push(a);
        this.byPackage.set(key, list);
      }
    }
  }

  /** Advisories for a package; PyPI names are compared in PEP 503 form. */
  for(ecosystem: DependencyEcosystem, name: string): readonly Advisory[] {
    const own = ecosystem === 'pypi' ? (this.aliases.get(name) ?? name) : name;
    return this.byPackage.get(`${ecosystem}:${own}`) ?? [];
  }
}

const databases = new Map<string, AdvisoryDatabase>();

/** The shipped advisories plus the extra files (absolute paths) a config names; built once per set of files. */
export function advisoryDatabase(extraFiles: readonly string[] = []): AdvisoryDatabase {
  const key = extraFiles.join('\n');
  let db = databases.get(key);
  if (!db) {
    db = new AdvisoryDatabase([loadShippedAdvisories(), ...extraFiles.map(loadAdvisoryFile)]);
    databases.set(key, db);
  }
  return db;
}
