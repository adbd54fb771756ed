import { z } from 'zod';
import { CALENDAR_KINDS, validateOfficeHours } from './working-time';

/** The holiday table's row as admins send it; validated once, here, for the API and the seeds. */
export const calendarDate = z.iso.date('a calendar date as YYYY-MM-DD');

export const calendarEntrySchema = z
  .object({
    date: calendarDate,
    kind: z.enum(CALENDAR_KINDS),
    name: z.string().trim().min(1).max(200),
    source: z.string().trim().min(1).max(300).optional().describe('the document that announced it'),
    provisional: z.boolean().optional(),
  })
  .strict()
  .refine((e) => e.kind !== 'makeup_workday' || new Date(`${e.date}T00:00:00Z`).getUTCDay() === 6, {
    message: 'a make-up working day is a Saturday',
    path: ['date'],
  });

export const calendarEntryPatchSchema = z
  .object({
    kind: z.enum(CALENDAR_KINDS).optional(),
    name: z.string().trim().min(1).max(200).optional(),
    source: z.string().trim().min(1).max(300).nullable().optional(),
    provisional: z.boolean().optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'nothing to change' });

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM');

export const officeHoursSchema = z
  .object({ windows: z.array(z.object({ start: clock, end: clock }).strict()).min(1).max(6) })
  .strict()
  .superRefine((v, ctx) => {
    const problem = validateOfficeHours(v.windows);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['windows'] });
  });
