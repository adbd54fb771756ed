import type { HealthFinding, LicenceFinding } from '../domain/verification';
import { healthFinding, licenceFinding } from './registries/findings';
import type { createHealthRegistryClient } from './registries/health-registry';
import type { createPoliceRegistryClient } from './registries/police-registry';

/** The two checks of the verify step; registry errors throw so Temporal retries them. */
export function verificationActivities(clients: {
  health: ReturnType<typeof createHealthRegistryClient>;
  police: ReturnType<typeof createPoliceRegistryClient>;
}) {
  return {
    async checkHealthCertificate(input: {
      citizenId: string;
      licenceClass: string;
      healthCertificateId?: string;
      at: string;
    }): Promise<HealthFinding> {
      const certificates = await clients.health.certificatesFor(input.citizenId);
      return healthFinding({ ...input, certificates, at: new Date(input.at) });
    },

    async checkLicenceRecord(input: { citizenId: string; licenceNumber: string; at: string }): Promise<LicenceFinding> {
      const [licence, violations] = await Promise.all([
        clients.police.licence(input.licenceNumber, input.citizenId),
        clients.police.violations(input.citizenId),
      ]);
      return licenceFinding({ licence, violations, at: new Date(input.at) });
    },
  };
}
