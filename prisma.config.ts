// Prisma CLI configuration. Prisma 7 reads no .env by itself: the URL comes from the one
// configuration module, with the same default as the app.
import { defineConfig } from 'prisma/config';
import { config } from './lib/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: config().DATABASE_URL },
});
