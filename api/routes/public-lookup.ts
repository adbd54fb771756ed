import { timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { Database } from '../../db/client';
import { agencies } from '../../db/schema';
import { DOSSIER_CODE_PATTERN, lookupUrlOf } from '../../domain/dossier-code';
import type { DossierState } from '../../domain/dossier-state';
import { DOSSIER_STATUSES, PORTAL_STATUS } from '../../domain/dossier-status';
import { isLate } from '../../domain/lateness';
import { STATUS_LABELS } from '../../domain/labels-vi';
import { explainAppointment, type AppointmentExplanation } from '../../domain/appointment-explanation';
import { isStorable } from '../../domain/storable-text';
import { CALENDAR_KINDS, localIso, workingCalendar } from '../../domain/working-time';
import { feedbackGiven, insertFeedback } from '../../db/citizen-feedback';
import type { DossierGateway } from '../dossier-gateway';
import { HttpError, errorResponse } from '../errors';

const localTime = z.iso.datetime({ offset: true }).describe('Vietnam local time (+07:00)');

/**
 * Why the appointment falls on its day (issue 15, item 7): the working days counted, the weekends,
 * holidays and make-up Saturdays, the supplement pauses. Dates and the holiday table's names only.
 */
const appointmentExplanation = z
  .object({
    workingDays: z.number().describe('the working days the procedure allows'),
    workingDayMinutes: z.number().describe('working minutes in one working day (the office hours)'),
    receivedAt: localTime,
    countingStartsAt: localTime.describe('the receipt, or the next working moment after it when received outside office hours'),
    periods: z
      .array(
        z.object({
          from: localTime,
          to: localTime,
          days: z.array(
            z.object({
              date: z.iso.date(),
              counted: z.boolean(),
              workingMinutes: z.number().describe('of this day, counted towards the appointment'),
              reason: z.enum(['weekday', 'saturday', 'sunday', ...CALENDAR_KINDS]),
              name: z.string().optional().describe('the holiday table entry of that day, if any'),
            }),
          ),
        }),
      )
      .describe('the stretches the clock ran, each day counted or skipped'),
    pauses: z
      .array(z.object({ from: localTime, to: localTime.nullable(), afterPeriods: z.number().int().describe('how many periods come before it') }))
      .describe('supplement pauses: the clock stopped'),
    remainingWorkingDays: z.number().nullable().describe('working days left to count when an open pause ends'),
    dueAt: localTime.nullable().describe('the appointment the clock gives; null while paused'),
    rescheduledTo: localTime.nullable().describe('the new appointment set after an apology, which replaces dueAt'),
  })
  .nullable() satisfies z.ZodType<AppointmentExplanation | null>;

/**
 * A rating of a delivered dossier (seed 004 art. 3.2b): nothing about who gave it. The last four
 * digits of the applicant's citizen ID show the rater is the citizen (codes are guessable); they are
 * compared and dropped, never stored, logged or sent back.
 */
const feedbackBody = z.object({
  rating: z.number().int().min(1).max(5).describe('1 (very dissatisfied) to 5 (very satisfied)'),
  comment: z
    .string()
    .trim()
    .max(1000)
    .refine(isStorable, 'must not contain a NUL character or an unpaired UTF-16 surrogate')
    .optional()
    .describe('optional, at most 1000 characters'),
  citizenIdLast4: z
    .string()
    .regex(/^\d{4}$/, 'exactly 4 digits: the last 4 of the citizen ID (4 số cuối số định danh cá nhân)')
    .describe("the last 4 digits of the applicant's citizen ID; checked against the dossier, never stored"),
});

/**
 * What anyone holding a dossier code may learn (seed 003 art. 18): where the dossier stands and
 * when the result is due; nothing about the person. The response schema is the guard: fields not
 * listed here are dropped by the serializer even if a later change puts them in the object.
 */
const publicDossier = z.object({
  code: z.string(),
  procedure: z.object({ code: z.string(), name: z.string() }),
  agency: z.object({ code: z.string(), name: z.string().nullable() }),
  status: z.enum(DOSSIER_STATUSES),
  statusLabel: z.string(),
  portalStatus: z.number().int(),
  receivedAt: z.string().nullable(),
  appointment: z.string().nullable().describe('the appointment for the result, Vietnam local time'),
  rescheduled: z.boolean(),
  paused: z.boolean().describe('waiting for the citizen to supplement the dossier: the clock is stopped'),
  late: z.boolean(),
  closedAt: z.string().nullable(),
  lookupUrl: z.string(),
  appointmentExplanation: appointmentExplanation.describe('why the appointment falls on its day; null before receipt'),
  feedback: z.object({
    canRate: z.boolean().describe('delivered and not rated yet: POST …/feedback takes a rating'),
    given: z.boolean().describe('the dossier has been rated (once per dossier)'),
  }),
});

/** Codes are guessable (agency, date, sequence): a per-address limit keeps the page from being walked. */
const PUBLIC_RATE_LIMIT = { max: 60, timeWindow: '1 minute' };

/** Wrong citizen-ID digits a dossier takes in an hour before its rating is locked for the rest of that hour. */
const FEEDBACK_MAX_WRONG = 5;
const FEEDBACK_WINDOW_MS = 60 * 60 * 1000;
/** From this many dossiers with a wrong try on record, the expired windows are dropped before a new one opens. */
const FEEDBACK_WINDOWS_PRUNE_AT = 10_000;

/** Whether the digits given are the last four of the citizen ID, in a time that does not depend on them. */
function citizenIdEndsWith(citizenId: string, last4: string): boolean {
  const expected = Buffer.from(citizenId.slice(-4));
  const given = Buffer.from(last4);
  // Both are four ASCII digits (the application's and the body's schemas); anything else is no match.
  if (expected.length !== given.length) return false;
  return timingSafeEqual(expected, given);
}

export const publicLookupRoutes: FastifyPluginAsyncZod<{ gateway: DossierGateway; db: Database; publicBaseUrl: string }> = async (
  app,
  { gateway, db, publicBaseUrl },
) => {
  // One budget per address for the page and its QR code together: two would double how fast codes can be guessed.
  const limited = app.rateLimit(PUBLIC_RATE_LIMIT);
  const params = z.object({ code: z.string().regex(DOSSIER_CODE_PATTERN, 'a dossier code such as 000.00.01.H22-260312-0001') });
  // Never from the request: a forged Host header would otherwise end up in a printed QR code and a shared cache.
  const lookupUrl = (code: string) => lookupUrlOf(publicBaseUrl, code);

  /**
   * Wrong citizen-ID digits per dossier code: {count, firstAt} of the current hour's window. In memory
   * on purpose: a rating is low-value, and what this stops is one stranger using up a dossier's rating.
   * Each API instance holds its own windows, so N instances allow N×5 guesses an hour out of 10 000 —
   * still far too few to be worth it — and a restart forgets them, which costs as little. Keyed by the
   * dossier's own code (after the lookup), so spellings of one code share a window. Entries are kept in
   * the order their windows opened (a new window is deleted and set again), so the expired ones are at
   * the front; only codes of delivered dossiers can get an entry, and those past their hour are dropped
   * once the map holds FEEDBACK_WINDOWS_PRUNE_AT.
   */
  const wrongDigits = new Map<string, { count: number; firstAt: number }>();
  const lockedFor = (code: string, now: number): number | undefined => {
    const w = wrongDigits.get(code);
    if (!w || now - w.firstAt >= FEEDBACK_WINDOW_MS || w.count < FEEDBACK_MAX_WRONG) return undefined;
    return Math.ceil((w.firstAt + FEEDBACK_WINDOW_MS - now) / 1000);
  };
  const countWrong = (code: string, now: number) => {
    const w = wrongDigits.get(code);
    if (w && now - w.firstAt < FEEDBACK_WINDOW_MS) {
      w.count += 1;
      return;
    }
    wrongDigits.delete(code);
    if (wrongDigits.size >= FEEDBACK_WINDOWS_PRUNE_AT) {
      for (const [k, v] of wrongDigits) {
        if (now - v.firstAt < FEEDBACK_WINDOW_MS) break;
        wrongDigits.delete(k);
      }
    }
    wrongDigits.set(code, { count: 1, firstAt: now });
  };

  app.get(
    '/public/dossiers/:code',
    {
      onRequest: limited,
      schema: {
        tags: ['public'],
        summary: 'Public lookup by dossier code: status and appointment, no personal data (no login)',
        params,
        response: { 200: publicDossier.describe('where the dossier stands') },
      },
    },
    async (request) => {
      const state: DossierState = await gateway.lookup(request.params.code);
      const [agency] = await db.select({ name: agencies.name }).from(agencies).where(eq(agencies.code, state.agencyCode));
      const code = state.code ?? request.params.code;
      const rated = state.code ? await feedbackGiven(db, state.code) : false;
      return {
        code,
        procedure: { code: state.procedure.code, name: state.procedure.name },
        agency: { code: state.agencyCode, name: agency?.name ?? null },
        status: state.status,
        statusLabel: STATUS_LABELS[state.status],
        portalStatus: PORTAL_STATUS[state.status],
        receivedAt: state.receivedAt ? localIso(Date.parse(state.receivedAt)) : null,
        appointment: state.dueAt ? localIso(Date.parse(state.dueAt)) : null,
        rescheduled: Boolean(state.apology?.reschedule),
        paused: state.paused,
        late: isLate(state, Date.now()),
        closedAt: state.closedAt ? localIso(Date.parse(state.closedAt)) : null,
        lookupUrl: lookupUrl(code),
        appointmentExplanation: state.clock && state.calendar ? explainAppointment(workingCalendar(state.calendar), state.clock) : null,
        feedback: { canRate: state.status === 'DELIVERED' && !rated, given: rated },
      };
    },
  );

  app.post(
    '/public/dossiers/:code/feedback',
    {
      onRequest: limited,
      schema: {
        tags: ['public'],
        summary:
          "Rate a delivered dossier, 1 to 5 with an optional comment, once, with the last 4 digits of the applicant's citizen ID (no login; nothing personal is kept)",
        params,
        body: feedbackBody,
        response: {
          201: z
            .object({ code: z.string(), rating: z.number().int(), commented: z.boolean(), at: localTime })
            .describe('thank you: the rating is kept, without the address or the browser it came from'),
          403: errorResponse.describe("FEEDBACK_NOT_YOURS: citizenIdLast4 are not the last 4 digits of the applicant's citizen ID"),
          409: errorResponse.describe('FEEDBACK_BEFORE_DELIVERY: the licence has not been delivered yet; FEEDBACK_ALREADY_GIVEN: the dossier was rated already'),
          429: errorResponse.describe(
            'RATE_LIMITED: too many requests from this address; FEEDBACK_LOCKED: 5 wrong citizenIdLast4 for this dossier within an hour, retry after the Retry-After seconds',
          ),
        },
      },
    },
    async (request, reply) => {
      const state: DossierState = await gateway.lookup(request.params.code);
      if (state.status !== 'DELIVERED' || !state.code) {
        throw new HttpError(409, 'FEEDBACK_BEFORE_DELIVERY', 'a dossier can be rated once its result has been delivered');
      }
      // Checked and counted with no await in between: concurrent wrong tries cannot slip past the count.
      const now = Date.now();
      const locked = lockedFor(state.code, now);
      if (locked !== undefined) {
        throw new HttpError(
          429,
          'FEEDBACK_LOCKED',
          'too many wrong citizenIdLast4 for this dossier; retry after the Retry-After seconds',
          'citizenIdLast4',
          undefined,
          locked,
          'Nhập sai quá nhiều lần; vui lòng thử lại sau một giờ.',
        );
      }
      const { rating, comment, citizenIdLast4 } = request.body;
      if (!citizenIdEndsWith(state.application.applicant.citizenId, citizenIdLast4)) {
        countWrong(state.code, now);
        throw new HttpError(
          403,
          'FEEDBACK_NOT_YOURS',
          'citizenIdLast4: does not match this dossier',
          'citizenIdLast4',
          undefined,
          undefined,
          'Bốn số cuối số định danh không khớp với hồ sơ.',
        );
      }
      const saved = await insertFeedback(db, { dossierCode: state.code, agencyCode: state.agencyCode, rating, comment: comment ? comment : null });
      if (!saved) throw new HttpError(409, 'FEEDBACK_ALREADY_GIVEN', 'this dossier has been rated already; a dossier is rated once');
      return reply.status(201).send({ code: state.code, rating, commented: saved.comment !== null, at: localIso(saved.createdAt.getTime()) });
    },
  );

  app.get(
    '/public/dossiers/:code/qr.svg',
    {
      onRequest: limited,
      schema: {
        tags: ['public'],
        summary: "The QR code of a dossier's public lookup page, as SVG",
        params,
        response: {
          200: {
            description: 'the QR code, pointing at the public lookup page',
            content: { 'image/svg+xml': { schema: z.string().describe('an SVG document') } },
          },
        },
      },
    },
    async (request, reply) => {
      // Only for dossiers that exist: a QR for a made-up code would lead to a page saying nothing.
      await gateway.resolve(request.params.code);
      const svg = await QRCode.toString(lookupUrl(request.params.code), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      return reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(svg);
    },
  );
};
