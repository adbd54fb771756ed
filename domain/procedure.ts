/**
 * The procedure version a dossier pins at submission. Issue 3 moves these into PostgreSQL;
 * the dossier already carries the pinned copy so later versions never change a running dossier.
 */
export interface ProcedureVersion {
  code: string;
  version: number;
  name: string;
  legalBasis: string;
  processingWorkingDays: number;
  feeVnd: number;
  /** Calendar days the citizen has to complete a supplement (SPEC 2). */
  supplementLimitDays: number;
}

export const RENEWAL_PROCEDURE: ProcedureVersion = {
  code: 'GPLX-DOI',
  version: 1,
  name: 'Đổi giấy phép lái xe',
  legalBasis: 'Thông tư 35/2024/TT-BGTVT; Thông tư 12/2025/TT-BCA; Thông tư 37/2023/TT-BTC',
  processingWorkingDays: 5,
  feeVnd: 135_000,
  supplementLimitDays: 30,
};
