import { z } from 'zod';

export const HealthCheckSchema = z.object({
  status: z.enum(['ok', 'fail']),
  error: z.string().optional(),
  latencyMs: z.number().optional(),
});

export const HealthSchema = z.object({
  status: z.enum(['ok', 'fail']),
  checks: z.record(z.string(), HealthCheckSchema).optional(),
});
export type Health = z.infer<typeof HealthSchema>;
