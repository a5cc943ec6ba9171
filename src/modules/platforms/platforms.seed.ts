import type { platforms } from '../../db/schema/index.js';

type Seed = typeof platforms.$inferInsert;

/**
 * The nine platforms of SOP 4.1.4, each with its channel (SOP 10.5: YouTube through Google's
 * Trusted Flagger portal, Instagram and TikTok through a mailbox, the rest to a named contact)
 * and the terms-of-service clauses a review may cite (SOP 9.4). Admins keep them current.
 */
const template = `Referral from the Online Harm Referral Team

Content: {{contentTitle}}
URL: {{contentUrl}}
Platform: {{platformName}}

We believe this content breaches the following terms:
{{termsBreached}}

Why: {{rationale}}

This referral contains only information taken from the content itself and information publicly available (SOP 6.4).`;

export const PLATFORM_SEED: Seed[] = [
  {
    key: 'facebook',
    name: 'Facebook',
    channel: 'individual',
    termsUrl: 'https://www.facebook.com/terms',
    guidelinesUrl: 'https://transparency.meta.com/policies/community-standards/',
    hosts: ['facebook.com', 'fb.com', 'fb.watch', 'm.facebook.com'],
    clauses: [
      { key: 'violence_incitement', title: 'Violence and incitement' },
      { key: 'dangerous_organisations', title: 'Dangerous organisations and individuals' },
      { key: 'restricted_goods', title: 'Restricted goods and services (weapons, drugs)' },
      { key: 'bullying_harassment', title: 'Bullying and harassment' },
      { key: 'child_exploitation', title: 'Child sexual exploitation, abuse and nudity' },
      { key: 'violent_graphic', title: 'Violent and graphic content' },
    ],
  },
  {
    key: 'youtube',
    name: 'YouTube',
    channel: 'trusted_flagger',
    contact: 'Trusted Flagger portal (single unit login)',
    termsUrl: 'https://www.youtube.com/t/terms',
    guidelinesUrl: 'https://www.youtube.com/howyoutubeworks/policies/community-guidelines/',
    hosts: ['youtube.com', 'youtu.be', 'm.youtube.com', 'music.youtube.com'],
    clauses: [
      { key: 'violent_criminal_organisations', title: 'Violent criminal organisations' },
      { key: 'violent_graphic', title: 'Violent or graphic content' },
      { key: 'harassment_cyberbullying', title: 'Harassment and cyberbullying' },
      { key: 'firearms', title: 'Firearms' },
      { key: 'illegal_regulated_goods', title: 'Illegal or regulated goods or services' },
      { key: 'child_safety', title: 'Child safety' },
      { key: 'hate_speech', title: 'Hate speech' },
    ],
  },
  {
    key: 'instagram',
    name: 'Instagram',
    channel: 'mailbox',
    termsUrl: 'https://help.instagram.com/581066165581870',
    guidelinesUrl: 'https://help.instagram.com/477434105621119',
    hosts: ['instagram.com', 'instagr.am'],
    clauses: [
      { key: 'violence_incitement', title: 'Violence and incitement' },
      { key: 'dangerous_organisations', title: 'Dangerous organisations and individuals' },
      { key: 'restricted_goods', title: 'Restricted goods and services (weapons, drugs)' },
      { key: 'bullying_harassment', title: 'Bullying and harassment' },
      { key: 'child_exploitation', title: 'Child sexual exploitation, abuse and nudity' },
    ],
  },
  {
    key: 'snapchat',
    name: 'Snapchat',
    channel: 'individual',
    termsUrl: 'https://snap.com/terms',
    guidelinesUrl: 'https://values.snap.com/policy/policy-community-guidelines',
    hosts: ['snapchat.com', 'snap.com'],
    clauses: [
      { key: 'threats_violence', title: 'Threats, violence and harm' },
      { key: 'illegal_regulated_activities', title: 'Illegal or regulated activities' },
      { key: 'harassment_bullying', title: 'Harassment and bullying' },
      { key: 'sexual_exploitation', title: 'Sexual exploitation of children' },
      { key: 'terrorism_extremism', title: 'Terrorism and violent extremism' },
    ],
  },
  {
    key: 'x',
    name: 'X (Twitter)',
    channel: 'individual',
    termsUrl: 'https://x.com/en/tos',
    guidelinesUrl: 'https://help.x.com/en/rules-and-policies/x-rules',
    hosts: ['x.com', 'twitter.com', 't.co', 'mobile.twitter.com'],
    clauses: [
      { key: 'violent_speech', title: 'Violent speech' },
      { key: 'violent_hateful_entities', title: 'Violent and hateful entities' },
      { key: 'illegal_regulated_goods', title: 'Illegal or certain regulated goods or services' },
      { key: 'abuse_harassment', title: 'Abuse and harassment' },
      { key: 'child_sexual_exploitation', title: 'Child sexual exploitation' },
    ],
  },
  {
    key: 'whatsapp',
    name: 'WhatsApp',
    channel: 'individual',
    termsUrl: 'https://www.whatsapp.com/legal/terms-of-service',
    guidelinesUrl: 'https://www.whatsapp.com/legal/channels-guidelines',
    hosts: ['whatsapp.com', 'wa.me', 'chat.whatsapp.com'],
    clauses: [
      { key: 'acceptable_use_illegal', title: 'Acceptable use: illegal, threatening or harassing conduct' },
      { key: 'channels_violence', title: 'Channels guidelines: violence and incitement' },
      { key: 'channels_regulated_goods', title: 'Channels guidelines: regulated goods' },
      { key: 'child_exploitation', title: 'Child sexual exploitation' },
    ],
  },
  {
    key: 'telegram',
    name: 'Telegram',
    channel: 'individual',
    termsUrl: 'https://telegram.org/tos',
    guidelinesUrl: 'https://telegram.org/moderation',
    hosts: ['telegram.org', 't.me', 'telegram.me'],
    clauses: [
      { key: 'promote_violence', title: 'Promoting violence on publicly viewable channels' },
      { key: 'illegal_content', title: 'Illegal pornographic or other illegal content' },
      { key: 'scam_spam', title: 'Scams and spam' },
    ],
  },
  {
    key: 'reddit',
    name: 'Reddit',
    channel: 'individual',
    termsUrl: 'https://redditinc.com/policies/user-agreement',
    guidelinesUrl: 'https://redditinc.com/policies/reddit-rules',
    hosts: ['reddit.com', 'redd.it', 'old.reddit.com'],
    clauses: [
      { key: 'rule_1_violence', title: 'Rule 1: encouraging or inciting violence' },
      { key: 'rule_1_harassment', title: 'Rule 1: harassment and bullying' },
      { key: 'rule_4_minors', title: 'Rule 4: sexual or suggestive content involving minors' },
      { key: 'rule_9_prohibited_transactions', title: 'Rule 9: prohibited transactions (weapons, drugs)' },
    ],
  },
  {
    key: 'tiktok',
    name: 'TikTok',
    channel: 'mailbox',
    termsUrl: 'https://www.tiktok.com/legal/page/eea/terms-of-service/en',
    guidelinesUrl: 'https://www.tiktok.com/community-guidelines/en',
    hosts: ['tiktok.com', 'vm.tiktok.com'],
    clauses: [
      { key: 'violent_behaviours', title: 'Violent behaviours and criminal activities' },
      { key: 'violent_hateful_orgs', title: 'Violent and hateful organisations and individuals' },
      { key: 'regulated_goods', title: 'Regulated goods and commercial activities (weapons, drugs)' },
      { key: 'harassment_bullying', title: 'Harassment and bullying' },
      { key: 'youth_safety', title: 'Youth safety and well-being' },
      { key: 'shocking_graphic', title: 'Shocking and graphic content' },
    ],
  },
].map((p, i) => ({ ...p, channel: p.channel as Seed['channel'], template, sortOrder: i + 1 }));
