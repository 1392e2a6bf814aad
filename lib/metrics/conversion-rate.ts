/**
 * Conversion rate: sessions with a purchase (anywhere in the session: conversion is not the
 * funnel) ÷ sessions, in [0, 1]; null without sessions. In SQL: convertedSessions in
 * sessionStatsAccSql and conversionRateSql in ./sql.ts.
 */
import type { SessionCombiner } from './session-facts';
import { sessionCount, type SessionCountAcc } from './session-count';

export interface ConvertedSessionsAcc {
  convertedSessions: number;
}

/** The sessions with a purchase. */
export const convertedSessions: SessionCombiner<ConvertedSessionsAcc, number> = {
  create: () => ({ convertedSessions: 0 }),
  add: (acc, s) => {
    if (s.converted) acc.convertedSessions += 1;
  },
  merge: (a, b) => ({ convertedSessions: a.convertedSessions + b.convertedSessions }),
  extract: (acc) => acc.convertedSessions,
};

export type ConversionRateAcc = SessionCountAcc & ConvertedSessionsAcc;

/** In [0, 1], or null without sessions. */
export type ConversionRate = number | null;

export function conversionRateOf(acc: ConversionRateAcc): ConversionRate {
  return acc.sessions === 0 ? null : acc.convertedSessions / acc.sessions;
}

export const conversionRate: SessionCombiner<ConversionRateAcc, ConversionRate> = {
  create: () => ({ ...sessionCount.create(), ...convertedSessions.create() }),
  add: (acc, s) => {
    sessionCount.add(acc, s);
    convertedSessions.add(acc, s);
  },
  merge: (a, b) => ({ ...sessionCount.merge(a, b), ...convertedSessions.merge(a, b) }),
  extract: conversionRateOf,
};
