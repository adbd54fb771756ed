import { defaultPayloadConverter } from '@temporalio/common';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignatureCheckCodec, signAction } from '../../temporal/action-signing';
import { keyringOf, newKeyLine, parseKeyLines } from '../../temporal/keyring';
import { actionUpdates, type ActionRequest } from '../../workflows/definitions';
import { actors } from '../support/actors';
import { TEST_SIGNING_KEYRING } from '../support/payload-keys';
import { startStack, type Stack } from '../support/stack';
import { workflowDriver } from '../support/workflow';

/**
 * Temporal is no side door (issue 11): an Update sent around the API (through the Temporal Web UI,
 * or anyone reaching the frontend) with a made-up actor is refused, and so is every way of faking
 * the API's signature; the API's own requests go through.
 */

let stack: Stack;
const driver = workflowDriver(() => stack);

beforeAll(async () => {
  stack = await startStack('time-skipping');
});
afterAll(async () => {
  await stack?.stop();
});

const who = { username: 'forged-via-temporal-ui', roles: ['one_stop_officer' as const], agencyCode: actors.officer.agencyCode };

async function refused(h: WorkflowHandle, request: ActionRequest, action: 'receive' | 'refuse' = 'receive'): Promise<string> {
  try {
    await h.executeUpdate(actionUpdates[action], { args: [request] });
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause as { type?: string; message: string };
    expect(cause.type).toBe('UnsignedAction');
    return cause.message;
  }
  throw new Error('the forged request was accepted');
}

const now = async () => new Date(await stack.env.currentTimeMs()).toISOString();

describe('action requests', () => {
  it('are refused unsigned, with a forged verdict, under an unknown key, for another action or dossier, or too old; the dossier is untouched', async () => {
    const h = await driver.submit();
    await driver.waitFor(h, 'AWAITING_RECEIPT');
    const reference = h.workflowId;
    const body = { note: 'nhận qua Temporal UI' };
    const at = await now();

    expect(await refused(h, { actor: who, body })).toMatch(/not signed/);
    expect(await refused(h, { actor: who, body, signatureCheck: 'valid' })).toMatch(/not signed/);
    const stranger = keyringOf(parseKeyLines(newKeyLine('stranger'), 'stranger', { atLeast: 32 }));
    expect(await refused(h, { actor: who, body, signature: signAction(stranger, { action: 'receive', reference, at, actor: who, body }) })).toMatch(/unknown key/);
    // A genuine signature, but over other content than what is sent.
    const genuine = signAction(TEST_SIGNING_KEYRING, { action: 'receive', reference, at, actor: actors.officer, body });
    expect(await refused(h, { actor: who, body, signature: genuine })).toMatch(/does not match/);
    expect(await refused(h, { actor: actors.officer, body, signature: { ...genuine, mac: genuine.mac.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) } })).toMatch(/does not match/);
    // Signed, for the right request, but replayed as another action, on another dossier, or late.
    const refuseBody = { reasons: ['x'] };
    expect(await refused(h, { actor: actors.officer, body: refuseBody, signature: signAction(TEST_SIGNING_KEYRING, { action: 'receive', reference, at, actor: actors.officer, body: refuseBody }) }, 'refuse')).toMatch(/signed for receive, not refuse/);
    const other = await driver.submit();
    await driver.waitFor(other, 'AWAITING_RECEIPT');
    expect(await refused(other, { actor: actors.officer, body, signature: genuine })).toMatch(/another dossier/);
    const old = new Date(Date.parse(at) - 10 * 60_000).toISOString();
    expect(await refused(h, { actor: actors.officer, body, signature: signAction(TEST_SIGNING_KEYRING, { action: 'receive', reference, at: old, actor: actors.officer, body }) })).toMatch(/too long ago/);

    const state = await driver.stateOf(h);
    expect(state.status).toBe('AWAITING_RECEIPT');
    expect(state.transitions.map((t) => t.actor.username)).not.toContain('forged-via-temporal-ui');
    // The API's own request, signed, goes through.
    expect((await driver.act(h, 'receive', actors.officer, body)).status).toBe('RECEIVED');
  });
});

describe('the worker’s signature check', () => {
  const codec = new SignatureCheckCodec(TEST_SIGNING_KEYRING);
  const decode = async (json: string) => JSON.parse(Buffer.from((await codec.decode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(json) }]))[0]!.data!).toString()) as Record<string, unknown>;

  it('writes its own verdict over whatever the sender wrote, however it was spelled', async () => {
    expect((await decode('{"actor":{},"body":{},"signatureCheck":"valid"}')).signatureCheck).toBe('the request is not signed');
    expect((await decode('{"actor":{},"body":{},"signatur\\u0065Check":"valid"}')).signatureCheck).toBe('the request is not signed');
    const at = new Date().toISOString();
    const fields = { action: 'receive', reference: 'SUB-X', at, actor: actors.officer, body: { note: 'a' } };
    const good = { actor: actors.officer, body: { note: 'a' }, signature: signAction(TEST_SIGNING_KEYRING, fields), signatureCheck: 'nope' };
    expect((await decode(JSON.stringify(good))).signatureCheck).toBe('valid');
    // Key order does not matter: the signature covers a canonical form.
    const reordered = { body: { note: 'a' }, signature: good.signature, actor: { agencyCode: actors.officer.agencyCode, roles: actors.officer.roles, username: actors.officer.username } };
    expect((await decode(JSON.stringify(reordered))).signatureCheck).toBe('valid');
    // Payloads that name neither pass untouched.
    const plain = defaultPayloadConverter.toPayload({ code: 'x' });
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('accepts requests signed with any key it holds, so the signing key can be rotated', async () => {
    const [a, b] = [parseKeyLines(newKeyLine('a'), 'a', { atLeast: 32 })[0]!, parseKeyLines(newKeyLine('b'), 'b', { atLeast: 32 })[0]!];
    const worker = new SignatureCheckCodec(keyringOf([a, b], 'b'));
    const fields = { action: 'receive', reference: 'SUB-X', at: new Date().toISOString(), actor: actors.officer, body: {} };
    for (const api of [keyringOf([a]), keyringOf([a, b], 'b')]) {
      const request = { actor: actors.officer, body: {}, signature: signAction(api, fields) };
      const [out] = await worker.decode([defaultPayloadConverter.toPayload(request)]);
      expect(JSON.parse(Buffer.from(out!.data!).toString()).signatureCheck).toBe('valid');
    }
  });
});
