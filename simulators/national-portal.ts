import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { parseOr400 } from './validation';

/**
 * The National Public Service Portal's dossier sync (Cổng Dịch vụ công quốc gia, "đồng bộ hồ sơ"):
 * the provincial system sends each dossier's record after every change; the portal keeps the latest.
 *   POST /national-portal/dossiers { …the record… } → 200 { code, version } (the Nth record received for it)
 *   GET /national-portal/dossiers/:code → 200 { latest, versions } | 404
 *   Bad input → 400 { error: { code: 'BAD_REQUEST', message, field } }
 */
const progressLine = z.object({ step: z.string(), by: z.string(), role: z.string(), at: z.string(), content: z.string() });
export const portalRecordSchema = z.object({
  MaHoSo: z.string().min(1),
  MaTTHC: z.string().min(1),
  NgayTiepNhan: z.string().nullable(),
  NgayHenTra: z.string().nullable(),
  TrangThaiHoSo: z.number().int().min(1).max(10),
  NgayCoKetQua: z.string().nullable(),
  DonViXuLy: z.string().min(1),
  QuaTrinhXuLy: z.array(progressLine),
});

export const nationalPortal: FastifyPluginAsync = async (app) => {
  const records = new Map<string, { latest: unknown; versions: number }>();
  app.post('/dossiers', async (request, reply) => {
    const record = parseOr400(portalRecordSchema, request.body, reply);
    if (!record) return reply;
    const known = records.get(record.MaHoSo);
    const entry = { latest: record, versions: (known?.versions ?? 0) + 1 };
    records.set(record.MaHoSo, entry);
    return { code: record.MaHoSo, version: entry.versions };
  });
  app.get<{ Params: { code: string } }>('/dossiers/:code', async (request, reply) => {
    return records.get(request.params.code) ?? reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'no such dossier' } });
  });
};
