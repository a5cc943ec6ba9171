import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, platforms } from '../src/db/schema/index.js';
import { createTestApp, type Browser, type TestApp, type TestUser } from './harness.js';

let t: TestApp;
let admin: TestUser;
let operative: TestUser;
let b: Browser;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.user(['admin']);
  operative = await t.user(['operative']);
  b = await t.browser(admin);
});
afterAll(() => t.close());

/** The edit form's fields as they stand for a platform, so a test changes only what it means to. */
async function formOf(key: string) {
  const [p] = await t.db.select().from(platforms).where(eq(platforms.key, key));
  return {
    name: p!.name,
    channel: p!.channel,
    contact: p!.contact ?? '',
    termsUrl: p!.termsUrl ?? '',
    guidelinesUrl: p!.guidelinesUrl ?? '',
    hosts: p!.hosts.join('\n'),
    clauses: p!.clauses.map((c) => `${c.key} | ${c.title}`).join('\n'),
    template: p!.template,
  };
}

const directory = async () =>
  (await t.app.inject({ method: 'GET', url: '/api/v1/platforms', headers: await t.bearer(operative) })).json() as {
    key: string;
    name: string;
    channel: string;
    clauses: { key: string; title: string }[];
  }[];

const lastPlatformAudit = async (key: string) =>
  (
    await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'platform'), eq(auditLog.entityId, key)))
      .orderBy(desc(auditLog.seq))
      .limit(1)
  )[0];

describe('platform directory admin (SOP 10.5, 4.1.4)', () => {
  it('lists the nine seeded platforms with links to edit them, and shows Platforms in the admin navigation', async () => {
    const res = await b.get('/admin/platforms');
    expect(res.statusCode).toBe(200);
    for (const key of ['facebook', 'youtube', 'instagram', 'snapchat', 'x', 'whatsapp', 'telegram', 'reddit', 'tiktok'])
      expect(res.body).toContain(`href="/admin/platforms/${key}"`);
    expect(res.body).toContain('href="/admin/platforms"');
  });

  it("edits a platform's clauses and template in one audited change, and GET /api/v1/platforms reflects it", async () => {
    const form = await formOf('telegram');
    expect((await b.get('/admin/platforms/telegram')).body).toContain('{{contentTitle}}');
    const res = await b.post('/admin/platforms/telegram', {
      ...form,
      // scam_spam removed, weapons_sales added, two retitled.
      clauses:
        'promote_violence | Promoting violence in public channels\nillegal_content | Illegal content\nweapons_sales | Sale of weapons',
      template: 'To Telegram abuse: {{ contentTitle }} at {{contentUrl}}\n{{termsBreached}}\n{{rationale}}',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/platforms/telegram?done=updated');
    expect((await b.get(String(res.headers.location))).body).toContain('The platform’s details have been saved');

    const telegram = (await directory()).find((p) => p.key === 'telegram');
    expect(telegram!.clauses).toEqual([
      { key: 'promote_violence', title: 'Promoting violence in public channels' },
      { key: 'illegal_content', title: 'Illegal content' },
      { key: 'weapons_sales', title: 'Sale of weapons' },
    ]);
    const [row] = await t.db.select().from(platforms).where(eq(platforms.key, 'telegram'));
    expect(row!.template).toContain('To Telegram abuse');
    const entry = await lastPlatformAudit('telegram');
    expect(entry).toMatchObject({ operation: 'alter', actorUsername: admin.username });
    expect(entry!.detail).toEqual({
      clauses: { added: ['weapons_sales'], removed: ['scam_spam'], retitled: ['promote_violence', 'illegal_content'] },
      template: 'changed',
    });
  });

  it('refuses a bad clause line with an error naming the line, and changes nothing', async () => {
    const form = await formOf('reddit');
    await b.get('/admin/platforms/reddit'); // the form's CSRF token, as a browser has it
    const res = await b.post('/admin/platforms/reddit', {
      ...form,
      clauses: 'rule_1_violence | Violence\nRule Two | Harassment\nrule_1_violence | Again',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('govuk-error-summary');
    expect(res.body).toContain('href="#clauses"');
    expect(res.body).toContain('Clauses line 2 (“Rule Two | Harassment”)');
    // What was typed comes back to be corrected.
    expect(res.body).toContain('rule_1_violence | Again</textarea>');
    expect(await formOf('reddit')).toEqual(form);
  });

  it('refuses a template with unknown placeholders, naming them', async () => {
    const form = await formOf('snapchat');
    await b.get('/admin/platforms/snapchat'); // the form's CSRF token, as a browser has it
    const res = await b.post('/admin/platforms/snapchat', { ...form, template: 'Hello {{contentTitle}} {{subjectName}} {{ dob }}' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#template"');
    expect(res.body).toContain('unknown placeholders: {{subjectName}}, {{dob}}');
    expect(await formOf('snapchat')).toEqual(form);
  });

  it('changes the channel and contact with an alter entry recording old and new values', async () => {
    const form = await formOf('whatsapp');
    await b.get('/admin/platforms/whatsapp'); // the form's CSRF token, as a browser has it
    await b.post('/admin/platforms/whatsapp', { ...form, channel: 'mailbox', contact: 'referrals@example.org' });
    expect((await directory()).find((p) => p.key === 'whatsapp')!.channel).toBe('mailbox');
    expect((await lastPlatformAudit('whatsapp'))!.detail).toEqual({
      channel: { from: 'individual', to: 'mailbox' },
      contact: { from: null, to: 'referrals@example.org' },
    });
  });

  it('adds a platform with a new key, audited as a collection, and refuses a key already used', async () => {
    expect((await b.get('/admin/platforms/new')).statusCode).toBe(200);
    const form = {
      key: 'bluesky',
      name: 'Bluesky',
      channel: 'individual',
      contact: 'moderation@example.org',
      termsUrl: 'https://bsky.social/about/support/tos',
      guidelinesUrl: '',
      hosts: 'bsky.app\nBSKY.social',
      clauses: 'violence | Threats of violence',
      template: 'Referral: {{contentTitle}} {{contentUrl}}',
    };
    const res = await b.post('/admin/platforms/new', form);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/platforms/bluesky?done=created');
    const bluesky = (await directory()).find((p) => p.key === 'bluesky');
    expect(bluesky).toEqual({
      key: 'bluesky',
      name: 'Bluesky',
      channel: 'individual',
      clauses: [{ key: 'violence', title: 'Threats of violence' }],
    });
    const [row] = await t.db.select().from(platforms).where(eq(platforms.key, 'bluesky'));
    expect(row!.hosts).toEqual(['bsky.app', 'bsky.social']);
    expect(await lastPlatformAudit('bluesky')).toMatchObject({ operation: 'collect', actorUsername: admin.username });

    const again = await b.post('/admin/platforms/new', { ...form, name: 'Another' });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('href="#key"');
    const badKey = await b.post('/admin/platforms/new', { ...form, key: 'Blue Sky' });
    expect(badKey.statusCode).toBe(400);
    expect(badKey.body).toContain('The key may use only lower-case letters');
  });

  it('answers 404 for a platform that does not exist', async () => {
    expect((await b.get('/admin/platforms/myspace')).statusCode).toBe(404);
  });

  it('refuses the pages to anyone but an admin (403), and changes nothing', async () => {
    const before = await formOf('youtube');
    for (const roles of [['operative'], ['sergeant'], ['requester'], ['auditor']] as const) {
      const u = await t.user([...roles]);
      const ub = await t.browser(u);
      expect((await ub.get('/admin/platforms')).statusCode).toBe(403);
      expect((await ub.get('/admin/platforms/youtube')).statusCode).toBe(403);
      await ub.get('/');
      expect((await ub.post('/admin/platforms/youtube', { ...before, name: 'Hacked' })).statusCode).toBe(403);
    }
    expect(await formOf('youtube')).toEqual(before);
  });
});
