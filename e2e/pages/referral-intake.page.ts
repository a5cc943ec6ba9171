import type { Page } from 'playwright-core';
import { expectAccessible } from '../support/browser.js';

/** The referral question pages (SOP 8.3, 8.4), one thing per page, every page checked by axe. */
export class ReferralIntakePages {
  constructor(
    private page: Page,
    private baseUrl: string,
  ) {}

  private async next() {
    await this.page.locator('[data-qa="continue"]').click();
    await expectAccessible(this.page);
  }

  async start() {
    await this.page.goto(`${this.baseUrl}/referrals/new`);
    await expectAccessible(this.page);
    await this.page.locator('[data-qa="start"]').click();
    await expectAccessible(this.page);
  }

  async content(title: string, url: string) {
    await this.page.locator('#contentTitle').fill(title);
    await this.page.locator('#contentUrl').fill(url);
    await this.next();
  }

  async platforms(keys: string[]) {
    for (const k of keys) await this.page.locator(`input[name="platforms"][value="${k}"]`).check();
    await this.next();
  }

  async uploaded(d: { day: string; month: string; year: string }) {
    await this.page.locator('#contentUploadedOn-day').fill(d.day);
    await this.page.locator('#contentUploadedOn-month').fill(d.month);
    await this.page.locator('#contentUploadedOn-year').fill(d.year);
    await this.next();
  }

  async incident(i?: { system: string; reference: string }) {
    if (i) {
      await this.page.locator('#incidentReferences-0-system').selectOption(i.system);
      await this.page.locator('#incidentReferences-0-reference').fill(i.reference);
    }
    await this.next();
  }

  async rationale(text: string) {
    await this.page.locator('#rationale').fill(text);
    await this.next();
  }

  /** Answers "yes" to knowing of subjects and adds one; a child lands on the safeguarding question. */
  async addSubject(s: { name: string; category: string; ageBand: string }) {
    await this.page.locator('input[name="hasSubjects"][value="yes"]').check();
    await this.next();
    await this.page.locator('#name').fill(s.name);
    await this.page.locator(`input[name="category"][value="${s.category}"]`).check();
    await this.page.locator(`input[name="ageBand"][value="${s.ageBand}"]`).check();
    await this.page.locator('[data-qa="add-subject"]').click();
    await expectAccessible(this.page);
  }

  /** DESIGN.md "Safeguarding": the question asked when a subject is under 18. */
  async safeguarding(a: { action: 'referred' | 'already_known' | 'not_needed'; detail: string }) {
    await this.page.locator(`input[name="action"][value="${a.action}"]`).check();
    await this.page.locator('#detail').fill(a.detail);
    await this.next();
  }

  async subjects(
    s?: { name: string; category: string; ageBand: string },
    safeguarding?: { action: 'referred' | 'already_known' | 'not_needed'; detail: string },
  ) {
    if (!s) {
      await this.page.locator('input[name="hasSubjects"][value="no"]').check();
      await this.next();
      return;
    }
    await this.addSubject(s);
    if (safeguarding) await this.safeguarding(safeguarding);
    await this.next();
  }

  /** Sends the referral from check your answers; returns the reference on the confirmation page. */
  async send(): Promise<string> {
    await this.page.locator('[data-qa="submit-referral"]').click();
    await expectAccessible(this.page);
    return (await this.page.locator('[data-qa="reference"]').textContent())!.trim();
  }
}
