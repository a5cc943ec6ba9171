import { describe, expect, it } from 'vitest';
import { breachDetails, DRAFT_MARKERS, fillTemplate, gapsIn, unfilledPlaceholders, withMarkers, withoutMarkers } from './referral-draft.js';

const TEMPLATE = `Content: {{contentTitle}}
URL: {{ contentUrl }}
Platform: {{platformName}}
Terms:
{{termsBreached}}
Why: {{rationale}}
Ref: {{unknownThing}}`;

describe('fillTemplate (SOP 10.1: a draft from the platform template)', () => {
  it('fills every known placeholder, the terms one per line, tolerating spaces inside the braces', () => {
    const draft = fillTemplate(TEMPLATE, {
      contentTitle: 'Drill video',
      contentUrl: 'https://youtu.be/x',
      platformName: 'YouTube',
      termsBreached: ['Firearms', 'Violent criminal organisations'],
      rationale: 'Goads a rival group.',
    });
    expect(draft).toBe(`Content: Drill video
URL: https://youtu.be/x
Platform: YouTube
Terms:
Firearms
Violent criminal organisations
Why: Goads a rival group.
Ref: {{unknownThing}}`);
  });

  it('leaves placeholders without a value, so the review can fill them later', () => {
    const draft = fillTemplate(TEMPLATE, { contentTitle: 'T', termsBreached: [] });
    expect(draft).toContain('Content: T');
    expect(unfilledPlaceholders(draft)).toEqual(['contentUrl', 'platformName', 'termsBreached', 'rationale']);
  });

  it('inserts values literally, even ones that look like replacement patterns or placeholders', () => {
    expect(fillTemplate('{{rationale}}/{{contentTitle}}', { rationale: "$& $1 $'", contentTitle: '{{rationale}}' })).toBe(
      "$& $1 $'/{{rationale}}",
    );
  });
});

describe('breachDetails (SOP 10.4.6)', () => {
  it('writes one line per platform with the clause titles', () => {
    expect(
      breachDetails([
        { platformName: 'YouTube', clauseTitles: ['Firearms', 'Hate speech'] },
        { platformName: 'Instagram', clauseTitles: ['Bullying and harassment'] },
      ]),
    ).toBe('YouTube: Firearms; Hate speech\nInstagram: Bullying and harassment');
  });
});

describe('markers: the review form shows no {{braces}} (issue 10)', () => {
  const prefilled = fillTemplate(TEMPLATE, { contentTitle: 'Drill “Ends”', contentUrl: 'https://youtu.be/x', platformName: 'YouTube' });

  it('shows the placeholders only the review fills as plain words, and turns them back for filling', () => {
    const shown = withMarkers(prefilled);
    expect(shown).toContain(`Terms:\n${DRAFT_MARKERS.termsBreached}\nWhy: ${DRAFT_MARKERS.rationale}`);
    expect(shown).not.toMatch(/\{\{\s*(termsBreached|rationale)\s*\}\}/);
    expect(withoutMarkers(shown)).toBe(prefilled);
    const filled = fillTemplate(withoutMarkers(shown), { termsBreached: ['Firearms'], rationale: 'Goads a rival.' });
    expect(filled).toContain('Terms:\nFirearms\nWhy: Goads a rival.');
  });

  it('names every gap left after filling: unknown placeholders and markers the operative copied elsewhere', () => {
    expect(gapsIn('Ref: {{unknownThing}} and {{ rationale }}')).toEqual(['{{unknownThing}}', '{{ rationale }}']);
    expect(gapsIn(`See ${DRAFT_MARKERS.termsBreached}`)).toEqual([DRAFT_MARKERS.termsBreached]);
    expect(gapsIn('Please remove this video. [sic] {braces}')).toEqual([]);
  });
});
