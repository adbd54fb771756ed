import { z } from 'zod';

/** Everything the API and the worker read from the environment, validated once at start-up. */

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.url().optional(),
  DATA_DIR: z.string().default('data'),
  JWT_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  /** Where citizens reach the public lookup page, as printed in QR codes (e.g. https://dichvucong.example.gov.vn). */
  PUBLIC_BASE_URL: z.url().optional(),
  DEMO_PASSWORD: z.string().min(1).default('demo'),
  DEMO_INTEGRATOR_KEY: z.string().min(8).default('demo-integrator-key'),
  SIMULATORS_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  /** One base URL serving all four registries (the bundled simulators); individual URLs override it. */
  REGISTRIES_URL: z.url().optional(),
  HEALTH_REGISTRY_URL: z.url().optional(),
  POLICE_REGISTRY_URL: z.url().optional(),
  PAYMENT_GATEWAY_URL: z.url().optional(),
  POSTAL_SERVICE_URL: z.url().optional(),
});

export type ServiceConfig = z.infer<typeof envSchema>;

export function loadServiceConfig(env: Record<string, string | undefined> = process.env): ServiceConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${issues}`);
  }
  if (parsed.data.NODE_ENV === 'production' && !parsed.data.JWT_SECRET) {
    throw new Error('Invalid configuration: JWT_SECRET is required when NODE_ENV=production');
  }
  return parsed.data;
}
