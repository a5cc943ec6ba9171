import { z } from 'zod';

/**
 * The shared rule for every text a request carries (body, query, params; API, pages and sign-in):
 * no NUL (U+0000), which PostgreSQL's text type refuses, and no lone surrogate, which is not
 * Unicode at all and which the two database drivers would store differently. Refused at the edge
 * with a 400 naming the field, rather than a 500 from the database (issue 10).
 */
// eslint-disable-next-line no-control-regex -- finding the control character is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const UNSTORABLE_MESSAGE = 'Remove the hidden or broken character (a NUL or half of an emoji) from this field';

/** True when the string can be stored and shown as text. */
const isStorableText = (s: string) => !UNSTORABLE.test(s);

/**
 * `z.string()` with the rule applied first: use it for every text field of a request schema.
 * The message goes with the field's path, so the answer names the field.
 */
export const plainText = (params?: Parameters<typeof z.string>[0]) =>
  z.string(params).refine(isStorableText, { message: UNSTORABLE_MESSAGE, abort: true });
