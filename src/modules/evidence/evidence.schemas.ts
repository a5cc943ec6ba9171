import { z } from 'zod';
import { isHttpUrl } from '../../domain/content-url.js';
import { ANALYSIS_STATUSES, CAPTURE_SOURCES, CAPTURE_STATUSES, CONTENT_FORMATS } from '../../domain/vocabulary.js';
import { repeats } from '../../schemas/lists.js';
import { plainText } from '../../schemas/text.js';
import { personSchema, referralIdSchema } from '../referrals/referrals.schemas.js';

/** DESIGN.md "Evidence", issue 12. */
export const EVIDENCE_LIMITS = { sourceUrl: 2_048, recipient: 200, purpose: 1_000, captureIds: 200 } as const;

const captureIdSchema = z.guid({ error: 'No such capture' }).describe('The capture id (uuid)');
export const captureParamsSchema = z.object({ id: referralIdSchema, captureId: captureIdSchema });
export const packageParamsSchema = z.object({ id: referralIdSchema, packageId: z.guid({ error: 'No such evidence package' }) });

/** `{ sourceUrl }`: http(s) only; where it may lead is checked when it is fetched (the address guard). */
export const captureUrlSchema = z.object({
  sourceUrl: plainText({ error: 'Enter the address of the content to capture' })
    .trim()
    .min(1, 'Enter the address of the content to capture')
    .max(EVIDENCE_LIMITS.sourceUrl, `The address must be ${EVIDENCE_LIMITS.sourceUrl} characters or fewer`)
    .refine(isHttpUrl, 'Only http and https addresses can be captured, like https://www.youtube.com/watch?v=…'),
});
export type CaptureUrlInput = z.infer<typeof captureUrlSchema>;

export const packageSchema = z.object({
  recipient: plainText({ error: 'Enter who the package is for' })
    .trim()
    .min(1, 'Enter who the package is for')
    .max(EVIDENCE_LIMITS.recipient, `The recipient must be ${EVIDENCE_LIMITS.recipient} characters or fewer`),
  purpose: plainText({ error: 'Enter the purpose of the disclosure' })
    .trim()
    .min(1, 'Enter the purpose of the disclosure')
    .max(EVIDENCE_LIMITS.purpose, `The purpose must be ${EVIDENCE_LIMITS.purpose} characters or fewer`),
  captureIds: z
    .array(z.guid({ error: 'Not a capture of this referral' }), { error: 'Give the captures as a list of ids' })
    .min(1, 'Choose at least one capture')
    .max(EVIDENCE_LIMITS.captureIds, { message: `Choose at most ${EVIDENCE_LIMITS.captureIds} captures`, abort: true })
    .superRefine((ids, ctx) => {
      for (const { index } of repeats(ids)) ctx.addIssue({ code: 'custom', path: [index], message: 'This capture is chosen twice' });
    })
    .optional()
    .describe('The stored captures to include; all stored captures of the referral when absent'),
});
export type PackageInput = z.infer<typeof packageSchema>;

const analysisSchema = z.object({
  status: z.enum(ANALYSIS_STATUSES),
  error: z.string().optional(),
  container: z.string().optional(),
  durationSeconds: z.number().optional(),
  hasAudio: z.boolean().optional(),
  video: z.object({ codec: z.string(), width: z.number(), height: z.number() }).optional(),
  audio: z.object({ codec: z.string(), channels: z.number(), sampleRate: z.number() }).optional(),
  proposedContentFormat: z.enum(CONTENT_FORMATS).optional().describe('SOP 9.1: the content format the review is offered'),
  hasContactSheet: z.boolean(),
  hasWaveform: z.boolean(),
});

export const captureSchema = z.object({
  id: z.string(),
  referralId: z.string(),
  status: z.enum(CAPTURE_STATUSES),
  error: z.string().optional(),
  sha256: z.string().nullable().describe('SHA-256 of the bytes, hex; null until stored'),
  size: z.number().nullable(),
  mediaType: z.string().nullable().describe('Detected from the bytes, never from the name'),
  originalName: z.string().optional().describe('The uploaded name, control characters escaped: metadata only'),
  requestedAt: z.string(),
  capturedAt: z.string().nullable(),
  capturedBy: personSchema,
  source: z.object({
    kind: z.enum(CAPTURE_SOURCES),
    url: z.string().optional(),
    tool: z.string().optional(),
    toolVersion: z.string().optional(),
    metadata: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('What the capturing tool said of the content (yt-dlp: title, uploader, …)'),
  }),
  progress: z.object({ bytes: z.number(), total: z.number().optional() }).optional().describe('While a URL capture is pending'),
  analysis: analysisSchema,
  duplicates: z.array(z.object({ referralId: z.string(), reference: z.string() })).describe('Other open referrals holding the same bytes'),
  libraryMatches: z
    .array(z.object({ entryId: z.string(), reference: z.string(), platform: z.string(), removedOn: z.string(), score: z.number() }))
    .describe('Matches in the Domain library (issue 13): a hint for a person, never a decision'),
});
export type CaptureAnswer = z.infer<typeof captureSchema>;

export const captureListSchema = z.object({ items: z.array(captureSchema) });

export const packageAnswerSchema = z.object({
  id: z.string(),
  sha256: z.string(),
  size: z.number(),
  createdAt: z.string(),
  createdBy: personSchema,
  recipient: z.string(),
  purpose: z.string(),
  captureIds: z.array(z.string()),
});
export type PackageAnswer = z.infer<typeof packageAnswerSchema>;
