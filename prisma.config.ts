// Prisma CLI configuration. The coordinator itself never reads this file: it applies
// prisma/migrations at start-up with its own runner (apps/coordinator/src/database).
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/shoal' },
});
