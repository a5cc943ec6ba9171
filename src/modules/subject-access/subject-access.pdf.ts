import fs from 'node:fs';
import PDFDocument from 'pdfkit';
import type { Bundle } from './subject-access.schemas.js';

/** A font that has the letters names are written in (Ní, Ł, ő…), where the system has one; else pdfkit's own. */
const UNICODE_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

/** The bundle as a PDF (pdfkit, no browser): the same fields as the JSON, in reading order. */
export function bundlePdf(bundle: Bundle): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: `Subject access: ${bundle.request.subjectName}` } });
  if (fs.existsSync(UNICODE_FONT)) doc.font(UNICODE_FONT);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const heading = (t: string) => doc.moveDown(0.6).fontSize(13).text(t).fontSize(10).moveDown(0.2);
  const para = (t: string) => doc.fontSize(10).text(t);
  doc.fontSize(16).text('Your personal data: subject access (Data Protection Act 2018 section 45)');
  para(`Request from ${bundle.request.subjectName}, received ${bundle.request.receivedOn}, due ${bundle.request.dueOn}.`);
  heading('Why we process it');
  para(bundle.purposes);
  heading('Legal basis');
  para(bundle.legalBasis);
  heading('What kinds of data');
  for (const c of bundle.categories) para(`• ${c}`);
  heading('Who receives it');
  para(bundle.recipients);
  heading('How long we keep it');
  para(bundle.retention);
  heading('Your rights');
  for (const r of bundle.rights) para(`• ${r}`);
  heading('Complaints');
  para(bundle.complaint.text);
  para(`${bundle.complaint.name}, ${bundle.complaint.address}. Telephone ${bundle.complaint.telephone}. ${bundle.complaint.website}`);
  heading('Where it came from');
  para(bundle.source);
  if (bundle.restriction) {
    heading('Restriction of your right of access (section 45(4))');
    para(bundle.restriction.reason);
  }
  heading(`The data (${bundle.items.length} items; other people’s details are shown as [redacted: third party])`);
  for (const item of bundle.items) {
    doc
      .moveDown(0.4)
      .fontSize(11)
      .text(`${item.kind.replace(/_/g, ' ')}${item.reference ? ` – ${item.reference}` : ''}`);
    para(`Source: ${item.source}${item.recordedAt ? `. Recorded ${item.recordedAt.slice(0, 10)}` : ''}`);
    for (const [k, v] of Object.entries(item.data)) para(`${k}: ${v ?? '—'}`);
  }
  doc.end();
  return done;
}
