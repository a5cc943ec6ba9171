import type { Page } from 'playwright-core';

/** The evidence pages (issue 12) as a person uses them: upload, capture from an address, a capture, a package. */
export class EvidencePages {
  constructor(
    private page: Page,
    private baseUrl: string,
  ) {}

  async open(referralId: string) {
    await this.page.goto(`${this.baseUrl}/referrals/${referralId}/evidence`);
  }

  async upload(file: string) {
    await this.page.locator('#file').setInputFiles(file);
    await this.page.locator('[data-qa="upload"]').click();
  }

  async captureUrl(url: string) {
    await this.page.locator('#sourceUrl').fill(url);
    await this.page.locator('[data-qa="capture-url"]').click();
  }

  /** Reloads the evidence page (as its own refresh does) until `text` shows in the captures table. */
  async waitForCaptures(referralId: string, done: (table: string) => boolean, tries = 60) {
    for (let i = 0; i < tries; i++) {
      await this.open(referralId);
      const table = (await this.page.locator('[data-qa="captures"]').textContent()) ?? '';
      if (done(table)) return table;
      await this.page.waitForTimeout(500);
    }
    throw new Error('The captures did not finish');
  }

  async makePackage(recipient: string, purpose: string) {
    await this.page.locator('[data-qa="make-package"]').click();
    await this.page.locator('#recipient').fill(recipient);
    await this.page.locator('#purpose').fill(purpose);
    await this.page.locator('[data-qa="make"]').click();
  }
}
