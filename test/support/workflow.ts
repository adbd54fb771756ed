import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { ActionBody, ActionName } from '../../domain/actions';
import type { Application } from '../../domain/application';
import type { DossierState } from '../../domain/dossier-state';
import type { DossierStatus } from '../../domain/dossier-status';
import { RENEWAL_PROCEDURE } from '../../domain/procedure';
import type { Actor } from '../../domain/roles';
import { signAction } from '../../temporal/action-signing';
import { WORKFLOW_TYPE, actionUpdates, stateQuery, type ActionRequest, type DossierInput } from '../../workflows/definitions';
import { application } from './fixtures';
import type { Stack } from './stack';

/** Drives dossier workflows directly with the Temporal client, as the API would. */
export function workflowDriver(stack: () => Stack) {
  async function submit(app: Application = application()): Promise<WorkflowHandle> {
    const reference = `SUB-${randomUUID().replace(/-/g, '').slice(0, 26).toUpperCase()}`;
    const input: DossierInput = { reference, application: app, submittedAt: new Date().toISOString(), procedure: RENEWAL_PROCEDURE };
    return stack().env.client.workflow.start(WORKFLOW_TYPE, { workflowId: reference, taskQueue: stack().taskQueue, args: [input] });
  }

  const stateOf = (h: WorkflowHandle) => h.query(stateQuery);

  /** As the API sends it: signed, at the test server's own time (it may have skipped ahead). */
  async function signed<A extends ActionName>(reference: string, action: A, actor: Actor, body: ActionBody<A>): Promise<ActionRequest<A>> {
    const at = new Date(await stack().env.currentTimeMs()).toISOString();
    const who = { username: actor.username, roles: actor.roles, agencyCode: actor.agencyCode };
    return { actor: who, body, signature: signAction(stack().signing, { action, reference, at, actor: who, body }) };
  }

  async function until(h: WorkflowHandle, ok: (s: DossierState) => boolean, what: string): Promise<DossierState> {
    for (let i = 0; i < 200; i++) {
      const s = await stateOf(h);
      if (ok(s)) return s;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`never ${what}: ${JSON.stringify(await stateOf(h)).slice(0, 400)}`);
  }

  const waitFor = (h: WorkflowHandle, status: DossierStatus) => until(h, (s) => s.status === status, `reached ${status}`);

  /** Takes the action and returns the dossier as it then is (the Update itself answers only how far it got). */
  async function act<A extends ActionName>(
    h: WorkflowHandle,
    action: A,
    actor: Actor,
    body: ActionBody<A> | Record<string, unknown>,
    updateId?: string,
  ): Promise<DossierState> {
    await h.executeUpdate(actionUpdates[action], { args: [await signed(h.workflowId, action, actor, body as ActionBody<A>)], updateId });
    return stateOf(h);
  }

  return { submit, stateOf, until, waitFor, act, signed };
}
