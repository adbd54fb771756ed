import type { DossierState } from '../domain/dossier-state';
import { FORM_TITLES, ISSUING_SYSTEM, localSeconds, type FormCode } from './vietnamese';

/**
 * What the QR code on a printed document says (TT 01/2023/TT-VPCP): enough to identify the
 * dossier, the procedure, the citizen and the paper itself without a network look-up.
 * Keys follow the National Public Service Portal's field names, so a portal-side reader needs
 * no mapping.
 */
export interface QrPayload {
  MaHoSo: string;
  MaTTHC: string;
  SoDinhDanh: string;
  MauSo: FormCode;
  TenGiayTo: string;
  HeThong: string;
  ThoiGianCap: string;
  /** Form 01 only: the appointment it promises. */
  NgayHenTra?: string;
}

export function qrPayload(form: FormCode, state: DossierState, issuedAt: Date): QrPayload {
  return {
    // Papers issued before receipt (a supplement request, a withdrawal) only have the submission reference.
    MaHoSo: state.code ?? state.reference,
    MaTTHC: state.procedure.code,
    SoDinhDanh: state.application.applicant.citizenId,
    MauSo: form,
    TenGiayTo: FORM_TITLES[form],
    HeThong: ISSUING_SYSTEM,
    ThoiGianCap: localSeconds(issuedAt),
    ...(form === '01' && state.dueAt ? { NgayHenTra: localSeconds(state.dueAt) } : {}),
  };
}

/** Compact JSON: the smaller the text, the fewer modules, the easier a worn printout still scans. */
export function qrText(payload: QrPayload): string {
  return JSON.stringify(payload);
}
