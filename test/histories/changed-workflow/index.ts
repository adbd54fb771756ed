/**
 * A deliberately changed renewal workflow, for the guard test (test/workflows/golden-histories.test.ts):
 * the current workflow, with the change its interceptor (./interceptors.ts) makes. Bundled on its
 * own; never registered by a real worker.
 */
export { renewalDossier } from '../../../workflows/renewal-dossier';
