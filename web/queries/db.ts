/** The Prisma client and SQL helpers the queries share (the only module here that imports Prisma). */
export { prisma } from '@/lib/db/prisma';
export { Prisma } from '@/lib/db/generated/client';

/** LIKE pattern for a prefix, with LIKE's wildcards escaped (used with ESCAPE '\'). */
export function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
