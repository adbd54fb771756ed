import type { DossierState } from './dossier-state';
import { PORTAL_STATUS } from './dossier-status';
import { ACTION_LABELS, ROLE_LABELS } from './labels-vi';

/** The portal's record of a dossier, in the portal's own field names. */
export interface PortalRecord {
  MaHoSo: string;
  MaTTHC: string;
  NgayTiepNhan: string | null;
  NgayHenTra: string | null;
  TrangThaiHoSo: number;
  NgayCoKetQua: string | null;
  DonViXuLy: string;
  QuaTrinhXuLy: { step: string; by: string; role: string; at: string; content: string }[];
}

/**
 * A dossier as the National Public Service Portal's sync takes it: the dossier code, the
 * procedure, the receipt and appointment times, the status code (1–10), the result time, the
 * processing unit, and one progress line per step (who, role, when, what). Nothing about the
 * citizen: the portal knows them from their own account.
 */
export function portalRecordOf(s: DossierState, unitName: string): PortalRecord {
  return {
    MaHoSo: s.code ?? s.reference,
    MaTTHC: s.procedure.code,
    NgayTiepNhan: s.receivedAt ?? null,
    NgayHenTra: s.dueAt ?? null,
    TrangThaiHoSo: PORTAL_STATUS[s.status],
    NgayCoKetQua: s.processingEnded?.at ?? null,
    DonViXuLy: unitName,
    QuaTrinhXuLy: s.transitions.map((t) => ({
      step: t.action,
      by: t.actor.username,
      role: ROLE_LABELS[t.actor.role],
      at: t.at,
      content: `${ACTION_LABELS[t.action]}${t.note ? `: ${t.note}` : ''}`.slice(0, 2000),
    })),
  };
}
