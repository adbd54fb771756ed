import { stringify } from 'csv-stringify/sync';
import { and, asc, gte, inArray, lt } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../db/client';
import { dossiers } from '../../db/schema';
import { AGENCY_CODE } from '../../domain/application';
import { calendarDate } from '../../domain/calendar-entry';
import { DAY_MS, localIso } from '../../domain/working-time';
import { actorOf } from '../auth/plugin';
import { agenciesInScope } from '../auth/scope';
import { canSeePersonalData, maskAddress } from '../dossier-view';
import { STATUS_LABELS } from '../../domain/labels-vi';

const KEEPERS = ['one_stop_officer', 'leader', 'supervisor', 'admin'] as const;
const localMidnight = (date: string) => new Date(Date.parse(`${date}T00:00:00+07:00`));
const when = (d: Date | null) => (d ? localIso(d.getTime()).slice(0, 16).replace('T', ' ') : '');

/** Form 07, the tracking register (sổ theo dõi hồ sơ): every dossier received in a period, as CSV. */
export const trackingRegisterRoutes: FastifyPluginAsyncZod<{ db: Database }> = async (app, { db }) => {
  app.get(
    '/reports/tracking-register.csv',
    {
      onRequest: app.requireActor(KEEPERS),
      schema: {
        security: [{ bearer: [] }],
        tags: ['statistics'],
        summary: 'Form 07 (tracking register) for the dossiers received in a period, as CSV (UTF-8 with BOM for spreadsheets)',
        querystring: z
          .object({ from: calendarDate, to: calendarDate, agency: AGENCY_CODE.optional() })
          .refine((q) => q.from <= q.to, { message: 'must not be after to', path: ['from'] }),
        response: {
          200: {
            description: 'the register, one row per dossier received in the period, as an attachment',
            content: { 'text/csv': { schema: z.string().describe('UTF-8 CSV with a byte-order mark and a header row') } },
          },
        },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { from, to, agency } = request.query;
      const agencyCodes = agenciesInScope(actor, agency);
      // The applicant's address is personal data: masked for the roles that see it masked on screen (SPEC 6).
      const address = (a: string | undefined) => (a === undefined ? '' : canSeePersonalData(actor) ? a : maskAddress(a));
      const rows = await db
        .select()
        .from(dossiers)
        .where(
          and(
            agencyCodes ? inArray(dossiers.agencyCode, agencyCodes) : undefined,
            gte(dossiers.receivedAt, localMidnight(from)),
            lt(dossiers.receivedAt, new Date(localMidnight(to).getTime() + DAY_MS)),
          ),
        )
        .orderBy(asc(dossiers.receivedAt), asc(dossiers.code));
      const csv = stringify(
        rows.map((d, i) => [
          i + 1,
          d.code ?? '',
          d.application?.applicant.fullName ?? '',
          address(d.application?.applicant.address),
          when(d.receivedAt),
          when(d.dueAt),
          when(d.processingEndedAt),
          d.status ? STATUS_LABELS[d.status] : '',
          d.onTime === null ? '' : d.onTime ? 'Đúng hạn' : 'Trễ hạn',
          d.assignee ?? '',
          d.deliveryMethod === 'post' ? 'Bưu chính công ích' : 'Trực tiếp',
        ]),
        {
          header: true,
          columns: ['STT', 'Mã hồ sơ', 'Tên tổ chức, cá nhân', 'Địa chỉ', 'Ngày tiếp nhận', 'Ngày hẹn trả', 'Ngày hoàn thành', 'Trạng thái', 'Kết quả', 'Cán bộ thụ lý', 'Hình thức trả'],
        },
      );
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="so-theo-doi-${from}-${to}.csv"`)
        .send(`\uFEFF${csv}`);
    },
  );
};
