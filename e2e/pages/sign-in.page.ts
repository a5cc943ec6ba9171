import type { Page } from 'playwright-core';
import { expectAccessible } from '../support/browser.js';

export class SignInPage {
  constructor(
    private page: Page,
    private baseUrl: string,
  ) {}

  async signIn(username: string, password: string) {
    await this.page.goto(`${this.baseUrl}/sign-in`);
    await expectAccessible(this.page);
    await this.page.getByLabel('Username').fill(username);
    await this.page.getByLabel('Password', { exact: true }).fill(password);
    await this.page.locator('[data-qa="sign-in"]').click();
  }

  async changePassword(current: string, next: string) {
    await expectAccessible(this.page);
    await this.page.getByLabel('Current password').fill(current);
    await this.page.getByLabel('New password', { exact: true }).fill(next);
    await this.page.getByLabel('Confirm new password').fill(next);
    await this.page.locator('[data-qa="change-password"]').click();
  }

  async signOut() {
    await this.page.locator('[data-qa="sign-out"]').click();
  }
}
