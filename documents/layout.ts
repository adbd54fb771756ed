import type { Message } from '../domain/messages';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { DossierState } from '../domain/dossier-state';
import { ISSUING_SYSTEM, localSeconds, longDate, type FormCode } from './vietnamese';

/** What a form's drawing code is given besides the page. */
export interface FormContext {
  state: DossierState;
  issuedAt: Date;
  /** How a username is printed: the account's full name where the caller knows it. */
  personName(username: string): string;
}

/** One form: when it applies, and how it is drawn. */
export interface FormDefinition {
  code: FormCode;
  /** Why the form cannot be issued for this dossier yet, or undefined when it can. */
  unavailable(state: DossierState): Message | undefined;
  /** The processing-control slip's tables need the width of a landscape page. */
  landscape?: boolean;
  draw(sheet: Sheet, ctx: FormContext): void;
}

// ---- fonts: DejaVu Serif covers every Vietnamese letter with its tone marks; read once from node_modules ----

const FONT_FILES = {
  body: 'DejaVuSerif.ttf',
  bold: 'DejaVuSerif-Bold.ttf',
  italic: 'DejaVuSerif-Italic.ttf',
  // Condensed faces let a table of seven or eight columns keep whole words on a line.
  cell: 'DejaVuSerifCondensed.ttf',
  'cell-bold': 'DejaVuSerifCondensed-Bold.ttf',
} as const;
type FontName = keyof typeof FONT_FILES;

let fontsLoading: Promise<Record<FontName, Buffer>> | undefined;

function fonts(): Promise<Record<FontName, Buffer>> {
  if (!fontsLoading) {
    const dir = path.join(path.dirname(createRequire(__filename).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    fontsLoading = Promise.all(
      Object.entries(FONT_FILES).map(async ([name, file]) => [name, await readFile(path.join(dir, file))] as const),
    ).then((entries) => Object.fromEntries(entries) as Record<FontName, Buffer>);
    // A failed read must not poison every later request.
    fontsLoading.catch(() => (fontsLoading = undefined));
  }
  return fontsLoading;
}

// ---- page geometry, in PDF points ----

/** The footer band keeps the QR code and page number clear of the body on every page. */
const QR_SIZE = 90;
const FOOTER_BAND = QR_SIZE + 16;
const MARGINS = { top: 42, left: 56, right: 42, bottom: FOOTER_BAND + 10 };
const BODY_SIZE = 11;

export interface TableColumn {
  header: string;
  width: number;
  align?: 'left' | 'center' | 'right';
}

export interface Signature {
  title: string;
  hint?: string;
  name?: string;
}

/** The page being written, with the handful of elements every one-stop form is made of. */
export class Sheet {
  constructor(readonly doc: PDFKit.PDFDocument) {}

  get left(): number {
    return this.doc.page.margins.left;
  }

  get width(): number {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }

  private get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  /** Starts a new page when fewer than `height` points are left, so a block is not split. */
  keep(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  gap(points = 6): void {
    this.doc.y += points;
    this.doc.x = this.left;
  }

  /** Agency on the left, the national heading on the right, the dateline under it. */
  heading(agencyCode: string, issuedAt: Date, agencyName?: string): void {
    const { doc } = this;
    const top = doc.y;
    const leftWidth = this.width * 0.42;
    const rightX = this.left + leftWidth;
    const rightWidth = this.width - leftWidth;

    // Broken by hand where the regulation's specimen breaks it, rather than wherever the width runs out.
    // TT 01/2018's specimen: the agency above its one-stop unit.
    if (agencyName) doc.font('body').fontSize(10).text(agencyName.toLocaleUpperCase('vi'), this.left, top, { width: leftWidth, align: 'center' });
    doc.font('bold').fontSize(10).text('BỘ PHẬN TIẾP NHẬN\nVÀ TRẢ KẾT QUẢ', this.left, agencyName ? doc.y : top, { width: leftWidth, align: 'center' });
    doc.font('body').fontSize(10).text(`Mã cơ quan: ${agencyCode}`, { width: leftWidth, align: 'center' });
    this.rule(this.left + leftWidth / 2, doc.y + 3, 60);
    const leftBottom = doc.y + 5;

    doc.font('bold').fontSize(10.5).text('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', rightX, top, { width: rightWidth, align: 'center' });
    const motto = 'Độc lập - Tự do - Hạnh phúc';
    doc.font('bold').fontSize(11).text(motto, rightX, doc.y, { width: rightWidth, align: 'center' });
    this.rule(rightX + rightWidth / 2, doc.y + 2, doc.widthOfString(motto));
    doc.font('italic').fontSize(10.5).text(capitalise(longDate(issuedAt)), rightX, doc.y + 10, { width: rightWidth, align: 'center' });

    doc.x = this.left;
    doc.y = Math.max(leftBottom, doc.y) + 18;
  }

  /** A centred horizontal line, as under the agency name and the motto. */
  private rule(centreX: number, y: number, length: number): void {
    this.doc.moveTo(centreX - length / 2, y).lineTo(centreX + length / 2, y).lineWidth(0.6).stroke();
  }

  title(form: FormCode, title: string, dossierNumber: string): void {
    const { doc } = this;
    doc.font('bold').fontSize(14).text(title.toLocaleUpperCase('vi'), this.left, doc.y, { width: this.width, align: 'center' });
    doc.font('italic').fontSize(10).text(`(Mẫu số ${form})`, { width: this.width, align: 'center' });
    doc.font('bold').fontSize(11).text(dossierNumber, { width: this.width, align: 'center' });
    this.gap(12);
  }

  /** "Label: value" on one paragraph, the label in bold. */
  field(label: string, value: string): void {
    this.doc.font('bold').fontSize(BODY_SIZE).text(`${label}: `, this.left, this.doc.y, { width: this.width, continued: true });
    this.doc.font('body').text(value || '—', { lineGap: 2 });
  }

  paragraph(text: string, options: { italic?: boolean; bold?: boolean; align?: 'left' | 'center' | 'justify' } = {}): void {
    const font = options.bold ? 'bold' : options.italic ? 'italic' : 'body';
    this.doc.font(font).fontSize(BODY_SIZE).text(text, this.left, this.doc.y, { width: this.width, align: options.align ?? 'justify', lineGap: 2 });
    this.gap(3);
  }

  /** Items in the regulation's style, indented under their paragraph: "1. …", or "a) …" under a numbered point. */
  numbered(items: string[], style: 'number' | 'letter' = 'number'): void {
    const indent = 18;
    items.forEach((item, i) => {
      const mark = style === 'number' ? `${i + 1}.` : `${String.fromCharCode(97 + i)})`;
      this.doc.font('body').fontSize(BODY_SIZE).text(`${mark} ${item}`, this.left + indent, this.doc.y, { width: this.width - indent, lineGap: 2 });
    });
    this.gap(3);
  }

  /**
   * A ruled table that repeats its header on each page. Cells wrap; a row is never split across
   * pages, so cells are clipped to what one page can hold.
   */
  table(columns: TableColumn[], rows: string[][], fontSize = 8.5): void {
    const { doc } = this;
    const pad = 3;
    const scale = this.width / columns.reduce((sum, c) => sum + c.width, 0);
    const widths = columns.map((c) => c.width * scale);
    const maxCell = (this.bottom - this.doc.page.margins.top) / 2;

    const rowHeight = (cells: string[], font: FontName) => {
      doc.font(font).fontSize(fontSize);
      return Math.max(...cells.map((c, i) => Math.min(maxCell, doc.heightOfString(c || ' ', { width: widths[i]! - 2 * pad })))) + 2 * pad;
    };
    const drawRow = (cells: string[], font: FontName, y: number, height: number, shade: boolean) => {
      let x = this.left;
      cells.forEach((cell, i) => {
        const w = widths[i]!;
        if (shade) doc.rect(x, y, w, height).fillColor('#eeeeee').fill().fillColor('black');
        doc.rect(x, y, w, height).lineWidth(0.5).stroke();
        doc.font(font).fontSize(fontSize).text(cell, x + pad, y + pad, {
          width: w - 2 * pad,
          height: height - 2 * pad,
          ellipsis: true,
          align: columns[i]!.align ?? 'left',
        });
        x += w;
      });
    };
    const headers = columns.map((c) => c.header);
    const headerHeight = rowHeight(headers, 'cell-bold');
    let y = doc.y;
    const header = () => {
      drawRow(headers, 'cell-bold', y, headerHeight, true);
      y += headerHeight;
    };
    if (y + headerHeight * 2 > this.bottom) {
      doc.addPage();
      y = doc.y;
    }
    header();
    for (const row of rows) {
      const height = rowHeight(row, 'cell');
      if (y + height > this.bottom) {
        doc.addPage();
        y = doc.y;
        header();
      }
      drawRow(row, 'cell', y, height, false);
      y += height;
    }
    doc.x = this.left;
    doc.y = y + 8;
  }

  /** Side-by-side signature blocks, as at the foot of every form. */
  signatures(blocks: Signature[]): void {
    const { doc } = this;
    this.keep(110);
    const top = doc.y + 6;
    const w = this.width / blocks.length;
    let bottom = top;
    blocks.forEach((b, i) => {
      const x = this.left + i * w;
      doc.font('bold').fontSize(BODY_SIZE).text(b.title.toLocaleUpperCase('vi'), x, top, { width: w, align: 'center' });
      doc.font('italic').fontSize(9.5).text(b.hint ?? '(Ký và ghi rõ họ tên)', x, doc.y, { width: w, align: 'center' });
      if (b.name) doc.font('bold').fontSize(BODY_SIZE).text(b.name, x, doc.y + 48, { width: w, align: 'center' });
      bottom = Math.max(bottom, doc.y);
    });
    doc.x = this.left;
    doc.y = bottom + 12;
  }
}

/** Writes a whole document: pages, body, then the QR code and page number on every page. */
export async function renderSheet(options: {
  form: FormCode;
  title: string;
  qrText: string;
  issuedAt: Date;
  landscape?: boolean;
  draw(sheet: Sheet): void;
}): Promise<Buffer> {
  const [faces, qrPng] = await Promise.all([
    fonts(),
    QRCode.toBuffer(options.qrText, { errorCorrectionLevel: 'M', margin: 1, scale: 4, type: 'png' }),
  ]);
  const doc = new PDFDocument({
    size: 'A4',
    layout: options.landscape ? 'landscape' : 'portrait',
    margins: MARGINS,
    bufferPages: true,
    lang: 'vi-VN',
    displayTitle: true,
    info: {
      Title: `${options.title} (Mẫu số ${options.form})`,
      Author: ISSUING_SYSTEM,
      Creator: ISSUING_SYSTEM,
      CreationDate: options.issuedAt,
    },
  });
  for (const [name, data] of Object.entries(faces)) doc.registerFont(name, data);

  const chunks: Buffer[] = [];
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font('body').fontSize(BODY_SIZE);
  options.draw(new Sheet(doc));
  stampFooters(doc, qrPng, options.issuedAt);
  doc.end();
  return finished;
}

function stampFooters(doc: PDFKit.PDFDocument, qrPng: Buffer, issuedAt: Date): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const { page } = doc;
    // Writing into the bottom margin would otherwise make pdfkit start a new page.
    const bottomMargin = page.margins.bottom;
    page.margins.bottom = 0;
    const qrX = page.width - page.margins.right - QR_SIZE;
    const qrY = page.height - FOOTER_BAND;
    doc.image(qrPng, qrX, qrY, { width: QR_SIZE, height: QR_SIZE });
    doc.font('italic').fontSize(7).text('Mã QR tra cứu hồ sơ', qrX - 10, qrY + QR_SIZE + 2, { width: QR_SIZE + 20, align: 'center', lineBreak: false });
    const textWidth = qrX - page.margins.left - 12;
    doc.moveTo(page.margins.left, qrY).lineTo(page.margins.left + textWidth, qrY).lineWidth(0.4).stroke();
    doc.font('body').fontSize(8).text(
      `${ISSUING_SYSTEM} · cấp lúc ${localSeconds(issuedAt).slice(0, 19).replace('T', ' ')} (giờ Việt Nam)`,
      page.margins.left,
      qrY + 6,
      { width: textWidth, lineBreak: false },
    );
    doc.text(`Trang ${i - range.start + 1}/${range.count}`, page.margins.left, qrY + 20, { width: textWidth, lineBreak: false });
    page.margins.bottom = bottomMargin;
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toLocaleUpperCase('vi') + text.slice(1);
}

/** How a dossier is named on paper: its code once received, its submission reference before. */
export function dossierNumber(state: DossierState): string {
  return state.code ? `Mã hồ sơ: ${state.code}` : `Số tham chiếu: ${state.reference}`;
}

/** The applicant and the request, as every form states them before its own content. */
export function applicantFields(sheet: Sheet, state: DossierState): void {
  const { applicant } = state.application;
  sheet.field('Ông/Bà', applicant.fullName);
  sheet.field('Số định danh cá nhân', applicant.citizenId);
  sheet.field('Địa chỉ', applicant.address);
  sheet.field('Số điện thoại', applicant.phone);
  sheet.field('Thư điện tử', applicant.email);
  sheet.field('Nội dung yêu cầu giải quyết', `${state.procedure.name} (mã thủ tục ${state.procedure.code})`);
  sheet.gap(4);
}
