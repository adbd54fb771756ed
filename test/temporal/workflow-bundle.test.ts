import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildWorkflowBundle, bundleSource, prebuiltBundle, sourceFingerprint, workflowBundle } from '../../temporal/workflow-bundle';

/**
 * A worker starts from the bundle built at install (issue 12, item 8: bundling at start-up cost
 * 12–15 s under load, so a restart kept officers waiting), and never from one built from other
 * sources than the checkout's.
 */
describe('the prebuilt workflow bundle', () => {
  it('is what a worker of this checkout starts from (built by npm install and before the tests)', async () => {
    const { code } = await workflowBundle();
    expect(bundleSource()).toBe('prebuilt');
    expect(code.length).toBeGreaterThan(100_000);
  });

  it('is used only while it matches the sources and is intact', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bundle-test-'));
    const built = await buildWorkflowBundle(dir);
    expect(built.fingerprint).toBe(sourceFingerprint());
    const code = readFileSync(built.codePath, 'utf8');
    expect(prebuiltBundle(dir)?.code).toBe(code);

    // Built from other sources (a workflow edited since): stale, never run.
    const manifestPath = path.join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { fingerprint: string; sha256: string };
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, fingerprint: createHash('sha256').update('older sources').digest('hex') }));
    expect(prebuiltBundle(dir)).toBeUndefined();

    // Damaged after the build: not run either.
    writeFileSync(manifestPath, JSON.stringify(manifest));
    writeFileSync(built.codePath, `${code}\n// changed`);
    expect(prebuiltBundle(dir)).toBeUndefined();

    // None at all.
    expect(prebuiltBundle(mkdtempSync(path.join(os.tmpdir(), 'bundle-none-')))).toBeUndefined();
  });

  it('changes fingerprint with any workflow or domain source, and with the locked dependencies', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'fingerprint-'));
    mkdirSync(path.join(root, 'workflows'));
    mkdirSync(path.join(root, 'domain'));
    writeFileSync(path.join(root, 'workflows', 'index.ts'), 'export {};');
    writeFileSync(path.join(root, 'package-lock.json'), '{}');
    const seen = new Set([sourceFingerprint(root)]);
    writeFileSync(path.join(root, 'workflows', 'index.ts'), 'export const x = 1;');
    seen.add(sourceFingerprint(root));
    writeFileSync(path.join(root, 'domain', 'rule.ts'), 'export const y = 2;');
    seen.add(sourceFingerprint(root));
    writeFileSync(path.join(root, 'package-lock.json'), '{"lockfileVersion":3}');
    seen.add(sourceFingerprint(root));
    // Anything else (a test, the API) leaves it as it was.
    writeFileSync(path.join(root, 'README.md'), 'text');
    seen.add(sourceFingerprint(root));
    expect(seen.size).toBe(4);
  });
});
