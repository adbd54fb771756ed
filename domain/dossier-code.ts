/**
 * Dossier codes of TT 01/2018 art. 19: `<agency e-ID>-<YYMMDD of receipt>-<daily sequence>`.
 * The day is the local (Asia/Ho_Chi_Minh, UTC+7, no DST) date of receipt.
 */

const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

/** The local calendar date of an instant in Vietnam, as YYYY-MM-DD. */
export function vietnamDate(instant: Date): string {
  return new Date(instant.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

export function formatDossierCode(agencyCode: string, localDate: string, sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1) throw new RangeError(`sequence must be a positive integer, got ${sequence}`);
  const yymmdd = localDate.slice(2, 4) + localDate.slice(5, 7) + localDate.slice(8, 10);
  return `${agencyCode}-${yymmdd}-${String(sequence).padStart(4, '0')}`;
}

export const DOSSIER_CODE_PATTERN = /^([0-9A-Z]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2})-(\d{6})-(\d{4,})$/;

export function isDossierCode(value: string): boolean {
  return DOSSIER_CODE_PATTERN.test(value);
}

export function parseDossierCode(value: string): { agencyCode: string; yymmdd: string; sequence: number } | undefined {
  const m = DOSSIER_CODE_PATTERN.exec(value);
  if (!m) return undefined;
  return { agencyCode: m[1]!, yymmdd: m[2]!, sequence: Number(m[3]) };
}

/** Submission references are handed out at once, before the dossier has a code. */
export const REFERENCE_PATTERN = /^SUB-[0-9A-Z]{26}$/;

/** Where anyone holding a dossier code looks it up (the public page; printed in QR codes, sent in notifications). */
export const lookupUrlOf = (publicBaseUrl: string, code: string) => `${publicBaseUrl}/tra-cuu/${encodeURIComponent(code)}`;
