export { renewalDossier } from './renewal-dossier';
