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
