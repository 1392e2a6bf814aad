/** The shape of a scenario: it measures, and returns figures with units plus notes on what limits them. */
import type { ScenarioName } from './args';
import type { BenchContext } from './context';
import type { Figure } from './report';

export interface ScenarioOutput {
  figures: Figure[];
  notes: string[];
}

export interface Scenario {
  name: ScenarioName;
  title: string;
  run(ctx: BenchContext): Promise<ScenarioOutput>;
}

export const fig = (key: string, label: string, value: Figure['value'], unit = ''): Figure => ({ key, label, value, unit });
