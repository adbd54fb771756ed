import { ApplicationFailure } from '@temporalio/common';
import { findAgency } from '../db/accounts';
import { alreadySent, recordNotification, recordPortalSync } from '../db/citizen-notifications';
import type { Database } from '../db/client';
import { findRecord } from '../db/dossier-record';
import { outboundEventByMessageId } from '../db/outbound-events';
import { mask } from '../domain/masking';
import { lookupUrlOf } from '../domain/dossier-code';
import { notificationKindOf, renderNotification } from '../domain/notifications';
import { PORTAL_STATUS } from '../domain/dossier-status';
import { portalRecordOf } from '../domain/portal-record';
import type { createNationalPortalClient } from './registries/national-portal';
import type { createEmailGatewayClient, createSmsGatewayClient } from './registries/messaging';

/**
 * What the outside world is told of a dossier after each change (workflows/dossier-outreach.ts):
 * the National Public Service Portal gets its record, the citizen an SMS and an e-mail when the
 * change concerns them. Each activity is given only the dossier's reference and the event's id:
 * the phone number, the e-mail address and the texts are read and written in PostgreSQL, never
 * carried in Temporal's payloads.
 */
export function citizenOutreachActivities(deps: {
  db: Database;
  portal: ReturnType<typeof createNationalPortalClient>;
  sms: ReturnType<typeof createSmsGatewayClient>;
  email: ReturnType<typeof createEmailGatewayClient>;
  /** Where citizens look a dossier up (PUBLIC_BASE_URL), for the link in each message. */
  publicBaseUrl: string;
}) {
  const { db } = deps;
  const stateOf = async (reference: string) => {
    const record = await findRecord(db, { reference });
    if (!record?.state) throw ApplicationFailure.nonRetryable(`dossier ${reference} has no record`, 'NO_RECORD');
    return record.state;
  };

  return {
    /** Sends the portal the dossier as it is now (the latest record: an older change sent late would only repeat it). */
    async syncPortal(input: { reference: string }): Promise<{ status: number }> {
      const state = await stateOf(input.reference);
      const unit = (await findAgency(db, state.agencyCode))?.name ?? state.agencyCode;
      try {
        await deps.portal.syncDossier(portalRecordOf(state, unit));
      } catch (err) {
        await recordPortalSync(db, input.reference, { ok: false, error: (err as Error).message.slice(0, 500) });
        throw err;
      }
      await recordPortalSync(db, input.reference, { ok: true, status: PORTAL_STATUS[state.status] });
      return { status: PORTAL_STATUS[state.status] };
    },

    /** Tells the citizen, by SMS and by e-mail, what this event means for them; nothing when it means nothing. Each channel once. */
    async notifyCitizen(input: { reference: string; messageId: string }): Promise<{ kind: string | null }> {
      const event = await outboundEventByMessageId(db, input.messageId);
      if (!event) throw ApplicationFailure.nonRetryable(`no event ${input.messageId}`, 'NO_EVENT');
      const state = await stateOf(input.reference);
      const kind = notificationKindOf(event.message, state);
      if (!kind) return { kind: null };
      const lookupUrl = lookupUrlOf(deps.publicBaseUrl, state.code ?? state.reference);
      const text = renderNotification(kind, state, lookupUrl);
      const { phone, email } = state.application.applicant;
      const sends = [
        { channel: 'sms' as const, recipient: mask.phone(phone), text: text.sms, send: () => deps.sms.send(phone, text.sms) },
        { channel: 'email' as const, recipient: mask.email(email), text: `${text.subject}\n\n${text.email}`, send: () => deps.email.send(email, text.subject, text.email) },
      ];
      let failure: unknown;
      for (const s of sends) {
        if (await alreadySent(db, input.messageId, s.channel)) continue;
        try {
          await s.send();
          await recordNotification(db, { reference: input.reference, messageId: input.messageId, kind, channel: s.channel, recipient: s.recipient, text: s.text, status: 'sent', error: null });
        } catch (err) {
          failure = err;
          await recordNotification(db, { reference: input.reference, messageId: input.messageId, kind, channel: s.channel, recipient: s.recipient, text: s.text, status: 'failed', error: (err as Error).message.slice(0, 500) });
        }
      }
      // The channel that failed is tried again by the activity's retry; the one that went is not sent twice.
      if (failure) throw failure;
      return { kind };
    },
  };
}
