import type { FastifyInstance } from 'fastify';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qrPayload, qrText, renderDocument } from '../../documents';
import type { DossierState } from '../../domain/dossier-state';
import { RENEWAL_PROCEDURE } from '../../domain/procedure';
import { application } from '../support/fixtures';
import { Caller, buildTestApp } from '../support/api';
import { startStack, type Stack } from '../support/stack';

/** The PDF's text as a reader would copy it: pdf.js maps glyphs back through the font's ToUnicode table. */
async function pdfText(pdf: Buffer): Promise<string> {
  const document = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, disableFontFace: true }).promise;
  try {
    const pages: string[] = [];
    for (let n = 1; n <= document.numPages; n++) {
      const content = await (await document.getPage(n)).getTextContent();
      pages.push(content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join(''));
    }
    return pages.join('\n').normalize('NFC');
  } finally {
    await document.destroy();
  }
}

/** A received dossier as the workflow would hold it, for the parts that need no server. */
function receivedState(): DossierState {
  const app = application({ citizenSuffix: '4321' });
  return {
    reference: 'SUB-01JABCDEFGHJKMNPQRSTVWXYZ',
    agencyCode: app.agencyCode,
    status: 'RECEIVED',
    code: `${app.agencyCode}-260305-0007`,
    procedure: RENEWAL_PROCEDURE,
    application: app,
    submittedAt: '2026-03-05T01:00:00.000Z',
    receivedAt: '2026-03-05T02:12:00.000Z',
    dueAt: '2026-03-12T02:12:00.000Z',
    verification: {},
    paused: false,
    late: false,
    steps: [{ step: 'receive', startedAt: '2026-03-05T01:01:00.000Z', dueAt: '2026-03-05T05:01:00.000Z', completedAt: '2026-03-05T02:12:00.000Z', outcome: 'early' }],
    transitions: [
      { at: '2026-03-05T01:00:00.000Z', actor: { username: 'integrator', role: 'integrator' }, action: 'submit', from: null, to: 'SUBMITTED' },
      { at: '2026-03-05T02:12:00.000Z', actor: { username: 'motcua', role: 'one_stop_officer' }, action: 'receive', from: 'AWAITING_RECEIPT', to: 'RECEIVED', note: 'đủ hồ sơ' },
    ],
  };
}

describe('the QR payload', () => {
  const issuedAt = new Date('2026-03-05T03:04:05.678Z');

  it('names the dossier, procedure, citizen, paper, issuing system, time and appointment on form 01', () => {
    const state = receivedState();
    const payload = qrPayload('01', state, issuedAt);
    expect(payload).toEqual({
      MaHoSo: '000.00.01.H22-260305-0007',
      MaTTHC: 'GPLX-DOI',
      SoDinhDanh: '001088004321',
      MauSo: '01',
      TenGiayTo: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
      HeThong: 'Hệ thống GPLX một cửa',
      ThoiGianCap: '2026-03-05T10:04:05+07:00',
      NgayHenTra: '2026-03-12T09:12:00+07:00',
    });
    expect(JSON.parse(qrText(payload))).toEqual(payload);
    expect(qrText(payload)).not.toMatch(/\s{2}|\n/);
  });

  it('carries no appointment on other forms, and the submission reference before receipt', () => {
    const { code: _code, receivedAt: _receivedAt, ...rest } = receivedState();
    const payload = qrPayload('06', { ...rest, status: 'AWAITING_RECEIPT' }, issuedAt);
    expect(payload).toMatchObject({ MaHoSo: 'SUB-01JABCDEFGHJKMNPQRSTVWXYZ', MauSo: '06', TenGiayTo: 'Phiếu kiểm soát quá trình giải quyết hồ sơ' });
    expect(payload).not.toHaveProperty('NgayHenTra');
  });

  it('is printed in the PDF with the rest of the form in Vietnamese', async () => {
    const pdf = await renderDocument('01', receivedState(), issuedAt);
    const text = await pdfText(pdf);
    expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(text).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(text).toContain('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ');
    expect(text).toContain('12 Lý Thường Kiệt, phường Cửa Nam, Hà Nội');
    expect(text).toContain('09 giờ 12 phút, ngày 12/03/2026');
  });
});

describe('one-stop documents over HTTP, on a real Temporal dev server', () => {
  let stack: Stack;
  let app: FastifyInstance;
  let portal: Caller, officer: Caller, supervisor: Caller;

  beforeAll(async () => {
    stack = await startStack('dev-server');
    app = await buildTestApp(stack);
    portal = Caller.integrator(app);
    [officer, supervisor] = await Promise.all([Caller.staff(app, 'motcua'), Caller.staff(app, 'giamsat')]);
  });
  afterAll(async () => {
    await app?.close();
    await stack?.stop();
  });

  async function submitted(): Promise<string> {
    const res = await portal.submit(application());
    expect(res.statusCode, res.body).toBe(201);
    const { reference } = res.json<{ reference: string }>();
    await officer.waitFor(reference, 'AWAITING_RECEIPT');
    return reference;
  }

  const fetchForm = (caller: Caller, id: string, form: string) => caller.request('GET', `/api/v1/dossiers/${encodeURIComponent(id)}/documents/${form}`);

  it('prints forms 01 and 06 of a received dossier as PDF, with its code and the applicant in Vietnamese', async () => {
    const reference = await submitted();
    // Before receipt there is nothing to give the citizen a receipt for.
    const early = await fetchForm(officer, reference, '01');
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toMatchObject({ status: 409, code: 'DOCUMENT_NOT_AVAILABLE' });

    const { code } = await officer.ok(reference, 'receive', { note: 'đủ hồ sơ' });
    for (const form of ['01', '06']) {
      const res = await fetchForm(officer, code, form);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toBe(`inline; filename="${code}-mau-${form}.pdf"`);
      expect(res.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const text = await pdfText(res.rawPayload);
      expect(text).toContain(code);
      expect(text).toContain('Nguyễn Văn An');
      expect(text).toContain(`Mẫu số ${form}`);
      // The heading names the office the citizen deals with, above its code.
      expect(text.replace(/\s+/g, ' ')).toContain('SỞ XÂY DỰNG (BỘ PHẬN MỘT CỬA, DEMO) BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ Mã cơ quan: 000.00.01.H22');
    }

    const slip = await pdfText((await fetchForm(officer, reference, '06')).rawPayload);
    // One row per transition, the receipt by the officer among them, and the receipt step's outcome.
    expect(slip).toContain('Tiếp nhận hồ sơ');
    expect(slip).toContain('Cán bộ một cửa (motcua)');
    expect(slip).toMatch(/Trước hạn|Đúng hạn|Trễ hạn/);

    // A supervisor sees the personal data masked, on paper as on screen.
    const forSupervisor = await fetchForm(supervisor, code, '01');
    expect(forSupervisor.statusCode, forSupervisor.body).toBe(200);
    const masked = await pdfText(forSupervisor.rawPayload);
    expect(masked).toContain('Nguyễn Văn An');
    expect(masked).not.toContain('Lý Thường Kiệt');
  });

  it('answers 409 for a form that does not apply, 400 for an unknown form', async () => {
    const reference = await submitted();
    const supplement = await fetchForm(officer, reference, '02');
    expect(supplement.statusCode).toBe(409);
    expect(supplement.json().error).toMatchObject({ status: 409, code: 'DOCUMENT_NOT_AVAILABLE', message: expect.stringMatching(/supplement/) });
    const unknown = await fetchForm(officer, reference, '07');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', field: 'form' });
  });

  it('prints the stop notice (form 05) of a withdrawn dossier', async () => {
    const reference = await submitted();
    expect((await fetchForm(portal, reference, '05')).statusCode).toBe(409);
    await portal.ok(reference, 'withdraw', { reason: 'không còn nhu cầu' });
    const res = await fetchForm(portal, reference, '05');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`inline; filename="${reference}-mau-05.pdf"`);
    const text = await pdfText(res.rawPayload);
    expect(text).toContain('PHIẾU DỪNG XỬ LÝ HỒ SƠ');
    expect(text).toContain('không còn nhu cầu');
  });

  it('is described in the OpenAPI document with the forms it knows', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const operation = res.json().paths['/api/v1/dossiers/{id}/documents/{form}']?.get;
    expect(operation).toBeDefined();
    const form = operation.parameters.find((p: { name: string }) => p.name === 'form');
    expect(form.schema.enum).toEqual(['01', '02', '03', '04', '05', '06']);
  });

  it('does not show another agency its dossiers, nor let an accountant print', async () => {
    const reference = await submitted();
    const accountant = await Caller.staff(app, 'ketoan');
    expect((await fetchForm(accountant, reference, '06')).statusCode).toBe(403);
    // A one-stop officer of another agency: the dossier must look absent.
    const foreign = await Caller.staff(app, 'motcua-khac');
    expect((await fetchForm(foreign, reference, '06')).statusCode).toBe(404);
  });
});
