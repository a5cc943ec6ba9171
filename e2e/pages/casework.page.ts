import type { Page } from 'playwright-core';
import { expectAccessible } from '../support/browser.js';

type Day = { day: string; month: string; year: string };
type ReviewAnswers = {
  platform: string;
  clause: string;
  reviewedOn: Day;
  draftExtra?: string;
  safeguarding?: { action: string; detail: string };
};

/** The unit's pages for one referral: claim, review, QA and the platform steps (SOP 9-10). */
export class CaseworkPages {
  constructor(
    private page: Page,
    private baseUrl: string,
  ) {}

  private async submit(qa: string) {
    await this.page.locator(`[data-qa="${qa}"]`).click();
    await this.page.waitForLoadState('load');
    await expectAccessible(this.page);
  }

  private async fillDate(prefix: string, d: Day) {
    await this.page.locator(`#${prefix}-day`).fill(d.day);
    await this.page.locator(`#${prefix}-month`).fill(d.month);
    await this.page.locator(`#${prefix}-year`).fill(d.year);
  }

  async open(referralId: string) {
    await this.page.goto(`${this.baseUrl}/referrals/${referralId}`);
    await expectAccessible(this.page);
  }

  async status() {
    return (await this.page.locator('[data-qa="status"]').textContent())?.replace(/\s+/g, ' ').trim() ?? '';
  }

  async claim() {
    await this.submit('claim');
  }

  /** SOP 9: format, a factor with its note, research, date, outcome refer with the clause and the draft; previewed and sent. */
  async reviewAndRefer(r: ReviewAnswers) {
    await this.fillReview(r);
    await this.previewReview();
    await this.sendReview();
  }

  /** Opens the review form from the referral page and fills it in, without sending it. */
  async fillReview(r: ReviewAnswers) {
    await this.page.locator('[data-qa="review-and-assess"]').click();
    await expectAccessible(this.page);
    await this.page.locator('input[name="contentFormat"][value="video"]').check();
    await this.page.locator('input[name="factors"][value="inflammatory_language"]').check();
    await this.page.locator('#note_inflammatory_language').fill('Names the rival group and mocks a recent stabbing.');
    await this.page.locator('#researchSummary').fill('Two linked incidents between the groups this year; see references.');
    await this.page.locator('#researchReferences').fill('CAD 1234/03NOV');
    await this.fillDate('reviewedOn', r.reviewedOn);
    await this.page.locator('input[name="outcome"][value="refer"]').check();
    await this.page.locator(`input[name="refer_${r.platform}"]`).check();
    await this.page.locator(`input[name="terms_${r.platform}"][value="${r.clause}"]`).check();
    if (r.draftExtra) {
      const draft = this.page.locator(`#draft_${r.platform}`);
      await draft.fill(`${await draft.inputValue()}\n${r.draftExtra}`);
    }
    await this.page.locator('#rationale').fill('Likely to provoke retaliation; breaches the platform terms.');
    if (r.safeguarding) await this.fillSafeguarding(r.safeguarding);
  }

  /** DESIGN.md "Safeguarding": the review's fieldset, on the review page as it stands. */
  async fillSafeguarding(a: { action: string; detail: string }) {
    await this.page.locator(`input[name="safeguardingAction"][value="${a.action}"]`).check();
    await this.page.locator('#safeguardingDetail').fill(a.detail);
  }

  /** The review form's first step: the preview of each platform's final text (issue 10). */
  async previewReview() {
    await this.submit('preview-review');
  }

  /** The text a platform will get, as the preview shows it. */
  async previewedDraft(platform: string) {
    return (await this.page.locator(`[data-qa="preview-draft-${platform}"]`).textContent()) ?? '';
  }

  async changeReview() {
    await this.submit('change-review');
  }

  async sendReview() {
    await this.submit('send-review');
  }

  /** Withdrawing (a requester): the confirmation page, then the reason (issue 10). */
  async withdraw(reason: string) {
    await this.page.locator('[data-qa="withdraw"]').click();
    await this.page.waitForLoadState('load');
    await expectAccessible(this.page);
    await this.page.locator('#reason').fill(reason);
    await this.submit('confirm-withdraw');
  }

  async qaReturn(comment: string) {
    await this.page.locator('[data-qa="quality-assure"]').click();
    await expectAccessible(this.page);
    await this.page.locator('input[name="decision"][value="return"]').check();
    await this.page.locator('#comment').fill(comment);
    await this.submit('save-qa');
  }

  async qaApprove() {
    await this.page.locator('[data-qa="quality-assure"]').click();
    await expectAccessible(this.page);
    await this.page.locator('input[name="decision"][value="approve"]').check();
    await this.page.locator('#summary').fill('A drill video taunting a rival group after a stabbing.');
    await this.page.locator('input[name="sourceEvaluation"][value="B"]').check();
    await this.page.locator('input[name="intelligenceAssessment"][value="2"]').check();
    await this.page.locator('input[name="handlingCode"][value="P"]').check();
    await this.submit('save-qa');
  }

  async recordSubmission(platform: string, on: Day, time: string, externalReference: string) {
    await this.page.locator(`[data-qa="submission-${platform}"]`).click();
    await expectAccessible(this.page);
    await this.fillDate('submittedAt', on);
    await this.page.locator('#submittedTime').fill(time);
    await this.page.locator('#externalReference').fill(externalReference);
    await this.submit('record-submission');
  }

  async recordDecision(platform: string, outcome: 'removed' | 'not_removed' | 'upheld', on: Day) {
    await this.page.locator(`[data-qa="decision-${platform}"]`).click();
    await expectAccessible(this.page);
    await this.page.locator(`input[name="outcome"][value="${outcome}"]`).check();
    await this.fillDate('decidedOn', on);
    await this.submit('record-decision');
  }

  async recordAppeal(platform: string, reason: string) {
    await this.page.locator(`[data-qa="appeal-${platform}"]`).click();
    await expectAccessible(this.page);
    await this.page.locator('input[name="appeal"][value="yes"]').check();
    await this.page.locator('#reason').fill(reason);
    await this.submit('record-appeal');
  }
}
