/** Whether the pipeline has ever counted an event for this user (primary-key lookup). */
import { prisma } from '@/web/queries/db';

export async function userExists(userId: string): Promise<boolean> {
  const row = await prisma().userDaily.findFirst({ where: { userId }, select: { userId: true } });
  return row !== null;
}
