import type { Message } from '../domain/messages';
import type { DossierState } from '../domain/dossier-state';
import { form01 } from './forms/form-01';
import { form02 } from './forms/form-02';
import { form03 } from './forms/form-03';
import { form04 } from './forms/form-04';
import { form05 } from './forms/form-05';
import { form06 } from './forms/form-06';
import { dossierNumber, renderSheet, type FormDefinition } from './layout';
import { qrPayload, qrText } from './qr';
import { FORM_CODES, FORM_TITLES, type FormCode } from './vietnamese';

export { FORM_CODES, FORM_TITLES, type FormCode };
export { qrPayload, qrText, type QrPayload } from './qr';

const FORMS: Record<FormCode, FormDefinition> = {
  '01': form01,
  '02': form02,
  '03': form03,
  '04': form04,
  '05': form05,
  '06': form06,
};

/** Asked for a form the dossier has not reached (or never will): say why instead of printing a blank. */
export class DocumentNotAvailableError extends Error {
  constructor(
    readonly form: FormCode,
    readonly reason: Message,
  ) {
    super(reason.en);
  }
}

export interface RenderOptions {
  /** Officers are printed by full name where the caller can look them up, by username otherwise. */
  personName?: (username: string) => string | undefined;
  /** The agency's name for the form's heading; its code alone when unknown. */
  agencyName?: string;
}

/** Why `form` cannot be issued for this dossier now, or undefined when it can. */
export function unavailableReason(form: FormCode, state: DossierState): Message | undefined {
  return FORMS[form].unavailable(state);
}

export function documentFileName(form: FormCode, state: DossierState): string {
  return `${state.code ?? state.reference}-mau-${form}.pdf`;
}

/** One one-stop form for one dossier, as a PDF, as of `issuedAt`. */
export async function renderDocument(form: FormCode, state: DossierState, issuedAt: Date, options: RenderOptions = {}): Promise<Buffer> {
  const definition = FORMS[form];
  const reason = definition.unavailable(state);
  if (reason) throw new DocumentNotAvailableError(form, reason);
  const personName = (username: string) => options.personName?.(username) ?? username;
  return renderSheet({
    form,
    title: FORM_TITLES[form],
    qrText: qrText(qrPayload(form, state, issuedAt)),
    issuedAt,
    landscape: definition.landscape,
    draw(sheet) {
      sheet.heading(state.agencyCode, issuedAt, options.agencyName);
      sheet.title(form, FORM_TITLES[form], dossierNumber(state));
      definition.draw(sheet, { state, issuedAt, personName });
    },
  });
}
