import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(__dirname, '..', '..');
const mode = (p: string) => statSync(p).mode & 0o777;

describe('the embedded default’s data directory', () => {
  it('is private to the service’s user: what was there is brought to 0700/0600, and what is made later is born so', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'gplx-data-')), 'data');
    mkdirSync(path.join(dir, 'pglite'), { recursive: true, mode: 0o755 });
    writeFileSync(path.join(dir, 'pglite', 'PG_VERSION'), '17', { mode: 0o644 });
    // In a process of its own: the umask it sets is the whole process's.
    execFileSync(process.execPath, ['--import', 'tsx', '-e', `
      const { secureDataDir } = require(${JSON.stringify(path.join(ROOT, 'scripts', 'data-dir.ts'))});
      const fs = require('node:fs');
      secureDataDir(${JSON.stringify(dir)});
      fs.writeFileSync(${JSON.stringify(path.join(dir, 'later.sqlite'))}, 'x');
      fs.mkdirSync(${JSON.stringify(path.join(dir, 'later'))});
    `], { cwd: ROOT });
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.join(dir, 'pglite'))).toBe(0o700);
    expect(mode(path.join(dir, 'pglite', 'PG_VERSION'))).toBe(0o600);
    expect(mode(path.join(dir, 'later.sqlite'))).toBe(0o600);
    expect(mode(path.join(dir, 'later'))).toBe(0o700);
  });
});
