import type { z } from 'zod';
import { errors } from '../errors/domain-error.js';

/** Parses `value` with `schema`, or throws VALIDATION_FAILED naming each bad field. */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'params' | 'query',
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw errors.validation(
    result.error.issues.map((issue) => ({
      path: [where, ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
  );
}
