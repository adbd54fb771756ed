import type { Application } from '../../domain/application';
import { DEMO_AGENCY } from '../../api/auth/accounts';

let counter = 0;

/** A clean application; the citizen ID's last four digits select the simulators' fixture case. */
export function application(overrides: { citizenSuffix?: string; delivery?: 'post' | 'counter'; externalRef?: string; licenceClass?: Application['licence']['class'] } = {}): Application {
  counter += 1;
  const suffix = overrides.citizenSuffix ?? String(1000 + (counter % 8000)).padStart(4, '0');
  const delivery = overrides.delivery ?? 'post';
  return {
    externalRef: overrides.externalRef,
    agencyCode: DEMO_AGENCY,
    applicant: {
      fullName: 'Nguyễn Văn An',
      dateOfBirth: '1988-04-12',
      citizenId: `00108800${suffix}`,
      phone: '0912345678',
      email: 'an.nguyen@example.vn',
      address: '12 Lý Thường Kiệt, phường Cửa Nam, Hà Nội',
    },
    licence: { number: `79012345${suffix}`, class: overrides.licenceClass ?? 'B', issuedOn: '2016-05-20', expiresOn: '2026-05-20' },
    healthCertificateId: `GKSK-00108800${suffix}`,
    delivery: delivery === 'post' ? { method: 'post', address: '12 Lý Thường Kiệt, phường Cửa Nam, Hà Nội' } : { method: 'counter' },
  };
}
