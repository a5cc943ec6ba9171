import type { ZodError, ZodType, z } from 'zod';
import { ValidationFailed, type FieldError } from './errors.js';

/** A zod issue path as the API names fields: `platforms[0]`, `subjects[1].ageBand`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '');
}

export const zodFields = (err: ZodError): FieldError[] => err.issues.map((i) => ({ path: fieldPath(i.path), message: i.message }));

/** Validation happens once at the edge: parse or throw a 400 naming each bad field. */
export function parse<S extends ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new ValidationFailed(zodFields(r.error));
  return r.data;
}

/** An element id for a field path: `subjects[0].ageBand` → `subjects-0-ageBand`. */
export const fieldId = (path: string) => path.replace(/\[(\d+)\]/g, '-$1').replace(/\./g, '-');

/** A field error that may link somewhere other than its field (a date input's wrong part). */
export type PageError = FieldError & { href?: string };

/** GOV.UK error summary items (each linking to its field) and the message per field, for re-rendering a form. */
export function formErrors(list: PageError[]) {
  const errors: Record<string, string> = {};
  const errorList: { text: string; href: string }[] = [];
  for (const f of list) {
    if (errors[f.path]) continue;
    errors[f.path] = f.message;
    errorList.push({ text: f.message, href: f.href ?? `#${fieldId(f.path)}` });
  }
  return { errors, errorList };
}
