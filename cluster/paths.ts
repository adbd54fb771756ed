import path from 'node:path';

/** Where the cluster keeps what it builds and what it runs on: `.temporal/cluster/` (gitignored with `.temporal/`). */

export const ROOT = path.join(__dirname, '..');
/** The Temporal server release the cluster runs: its server binary, its SQL tool and its schema. */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
export const DEFAULT_CLUSTER_DIR = path.join(ROOT, '.temporal', 'cluster');
/** The binaries, shared by every state directory (the tests run on a state directory of their own). */
export const CLUSTER_BIN_DIR = path.join(DEFAULT_CLUSTER_DIR, 'bin');
export const BUILD_LOG = path.join(DEFAULT_CLUSTER_DIR, 'build.log');
