import { z } from 'zod';

/**
 * The renewal application as an integrator submits it. Defined once: the API validates with it,
 * OpenAPI is generated from it, the workflow receives its parsed output, the database stores it.
 */

export const AGENCY_CODE = z
  .string()
  .regex(/^[0-9A-Z]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}$/, 'an agency e-ID such as 000.00.01.H22');

const isoDate = z.iso.date('a calendar date as YYYY-MM-DD');

/** Classes of TT 35/2024 plus the pre-2025 classes still printed on licences being renewed. */
export const LICENCE_CLASSES = [
  'A1', 'A', 'B1', 'B', 'C1', 'C', 'D1', 'D2', 'D', 'BE', 'C1E', 'CE', 'D1E', 'D2E', 'DE',
  'A2', 'A3', 'A4', 'B2', 'E', 'FB2', 'FC', 'FD', 'FE',
] as const;

/** TT 35/2024 art. 36: these classes are renewed without a health certificate. */
export const CLASSES_WITHOUT_HEALTH_CERTIFICATE: ReadonlySet<string> = new Set(['A1', 'A', 'B1', 'A2', 'A3']);

export const applicantSchema = z.object({
  fullName: z.string().trim().min(2).max(100),
  dateOfBirth: isoDate,
  citizenId: z.string().regex(/^\d{12}$/, 'a citizen ID of exactly 12 digits'),
  phone: z.string().regex(/^(0|\+84)\d{9,10}$/, 'a Vietnamese phone number such as 0912345678'),
  email: z.email(),
  address: z.string().trim().min(5).max(300),
});

export const licenceSchema = z
  .object({
    number: z.string().regex(/^[0-9A-Z]{6,15}$/, '6 to 15 digits or capital letters'),
    class: z.enum(LICENCE_CLASSES),
    issuedOn: isoDate,
    expiresOn: isoDate,
  })
  .refine((l) => l.issuedOn < l.expiresOn, { message: 'must be after issuedOn', path: ['expiresOn'] });

export const deliverySchema = z
  .object({
    method: z.enum(['post', 'counter']),
    address: z.string().trim().min(5).max(300).optional(),
  })
  .refine((d) => d.method !== 'post' || d.address !== undefined, {
    message: 'required when method is post',
    path: ['address'],
  });

export const applicationSchema = z
  .object({
    externalRef: z.string().trim().min(1).max(100).optional(),
    agencyCode: AGENCY_CODE,
    applicant: applicantSchema,
    licence: licenceSchema,
    healthCertificateId: z.string().trim().min(1).max(64).optional(),
    delivery: deliverySchema,
  })
  .refine(
    (a) => CLASSES_WITHOUT_HEALTH_CERTIFICATE.has(a.licence.class) || a.healthCertificateId !== undefined,
    { message: 'required for this licence class', path: ['healthCertificateId'] },
  );

export type Application = z.infer<typeof applicationSchema>;
export type Applicant = z.infer<typeof applicantSchema>;
