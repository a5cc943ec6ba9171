import type { Page } from 'playwright-core';
import { expectAccessible } from '../support/browser.js';

export class AdminUsersPage {
  constructor(
    private page: Page,
    private baseUrl: string,
  ) {}

  /** Adds a user through the admin pages and returns the one-time password shown once. */
  async addUser(u: { username: string; displayName: string; ocu: string; unit: string; roles: string[] }): Promise<string> {
    await this.page.goto(`${this.baseUrl}/admin/users`);
    await expectAccessible(this.page);
    await this.page.locator('[data-qa="add-user"]').click();
    await expectAccessible(this.page);
    await this.page.getByLabel('Username').fill(u.username);
    await this.page.getByLabel('Full name').fill(u.displayName);
    await this.page.getByLabel('OCU (optional)').fill(u.ocu);
    await this.page.getByLabel('Unit (optional)').fill(u.unit);
    for (const role of u.roles) await this.page.locator(`input[name="roles"][value="${role}"]`).check();
    await this.page.locator('[data-qa="submit-new-user"]').click();
    await expectAccessible(this.page);
    const password = (await this.page.locator('[data-qa="generated-password"]').textContent())?.trim();
    if (!password) throw new Error('no one-time password shown');
    await this.page.goto(`${this.baseUrl}/admin/users`);
    await expectAccessible(this.page);
    return password;
  }
}
