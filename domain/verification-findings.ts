import type { HealthIssue, LicenceFlag, LicenceIssue, VerificationFindings } from './verification';
import { isUnavailable } from './verification';

export type FindingCode = HealthIssue | LicenceIssue | LicenceFlag | 'HEALTH_UNCHECKED' | 'LICENCE_UNCHECKED';

/**
 * What a registry's finding means for the officer who decides (SPEC 2: a failed check never ends
 * the dossier by itself). `refuse`: the law rules the renewal out, refuse with the finding as the
 * reason; `supplement`: the citizen can put it right; `note`: decide knowing it; `wait`: the
 * registry has not answered yet.
 */
export interface FindingMeaning {
  label: string;
  advice: string;
  severity: 'refuse' | 'supplement' | 'note' | 'wait';
}

export const FINDINGS: Record<FindingCode, FindingMeaning> = {
  NO_CERTIFICATE: {
    label: 'Chưa có giấy khám sức khỏe',
    advice: 'Cơ sở dữ liệu y tế không có giấy khám sức khỏe của người nộp: yêu cầu bổ sung giấy khám sức khỏe (mẫu 02).',
    severity: 'supplement',
  },
  CERTIFICATE_EXPIRED: {
    label: 'Giấy khám sức khỏe hết hạn',
    advice: 'Giấy khám sức khỏe đã quá thời hạn sử dụng: yêu cầu bổ sung giấy khám còn hạn (mẫu 02).',
    severity: 'supplement',
  },
  CLASS_NOT_COVERED: {
    label: 'Giấy khám không đúng hạng',
    advice: 'Giấy khám sức khỏe không áp dụng cho hạng giấy phép cần đổi: yêu cầu bổ sung giấy khám đúng hạng (mẫu 02).',
    severity: 'supplement',
  },
  UNFIT: {
    label: 'Không đủ sức khỏe lái xe',
    advice: 'Kết luận khám: không đủ điều kiện sức khỏe cho hạng này. Không đổi được giấy phép: từ chối tiếp nhận, nêu kết luận khám (mẫu 03).',
    severity: 'refuse',
  },
  DRUG_TEST_POSITIVE: {
    label: 'Dương tính với chất ma túy',
    advice: 'Kết quả xét nghiệm ma túy dương tính. Không đổi được giấy phép: từ chối tiếp nhận (mẫu 03).',
    severity: 'refuse',
  },
  LICENCE_NOT_FOUND: {
    label: 'Không tìm thấy giấy phép lái xe',
    advice: 'Số giấy phép không có trong cơ sở dữ liệu giấy phép lái xe: đối chiếu lại với người nộp; nếu sai, yêu cầu bổ sung, nếu không có thật thì từ chối.',
    severity: 'supplement',
  },
  REVOKED: {
    label: 'Giấy phép đã bị thu hồi',
    advice: 'Giấy phép đã bị thu hồi nên không được đổi: từ chối tiếp nhận (mẫu 03).',
    severity: 'refuse',
  },
  SUSPENDED: {
    label: 'Đang bị tước quyền sử dụng giấy phép',
    advice: 'Giấy phép đang trong thời hạn bị tước quyền sử dụng: không đổi cho đến khi hết thời hạn; từ chối tiếp nhận (mẫu 03).',
    severity: 'refuse',
  },
  UNRESOLVED_VIOLATION: {
    label: 'Vi phạm giao thông chưa chấp hành',
    advice: 'Người nộp có quyết định xử phạt vi phạm giao thông chưa chấp hành xong: không đổi giấy phép cho đến khi chấp hành; từ chối tiếp nhận, nêu số quyết định (mẫu 03).',
    severity: 'refuse',
  },
  ZERO_POINTS: {
    label: 'Giấy phép đã hết điểm',
    advice: 'Giấy phép còn 0 điểm: không chặn việc đổi, nhưng cán bộ cần biết khi quyết định.',
    severity: 'note',
  },
  HEALTH_UNCHECKED: {
    label: 'Chưa xác minh được sức khỏe',
    advice: 'Cơ sở dữ liệu y tế chưa trả lời; hệ thống tự kiểm tra lại. Có thể tiếp nhận, nhưng chưa thể phê duyệt cho đến khi có kết quả.',
    severity: 'wait',
  },
  LICENCE_UNCHECKED: {
    label: 'Chưa xác minh được giấy phép, vi phạm',
    advice: 'Cơ sở dữ liệu của Cảnh sát giao thông chưa trả lời; hệ thống tự kiểm tra lại. Có thể tiếp nhận, nhưng chưa thể phê duyệt cho đến khi có kết quả.',
    severity: 'wait',
  },
};

export const FINDING_CODES = Object.keys(FINDINGS) as FindingCode[];

/** A dossier's findings, most serious first: what the queue's badges and the decision dialogs show. */
export function findingsOf(v: VerificationFindings | undefined): FindingCode[] {
  if (!v) return [];
  const codes: FindingCode[] = [
    ...(v.health?.issues ?? []),
    ...(v.licence?.issues ?? []),
    ...(v.licence?.flags ?? []),
    ...(isUnavailable(v.health) ? (['HEALTH_UNCHECKED'] as const) : []),
    ...(isUnavailable(v.licence) ? (['LICENCE_UNCHECKED'] as const) : []),
  ];
  const rank = { refuse: 0, supplement: 1, wait: 2, note: 3 } as const;
  return [...new Set(codes)].sort((a, b) => rank[FINDINGS[a].severity] - rank[FINDINGS[b].severity]);
}
