export { renewalDossier } from './renewal-dossier';
export { calendarPropagation } from './calendar-propagation';
export { webhookQueue } from './webhook-queue';
export { dossierOutreach } from './dossier-outreach';
