import { describe, expect, it } from 'vitest';
import { MAX_PREPARED_STATEMENTS, statementNameOf } from './pg-transaction';

describe('statementNameOf', () => {
  it('names each text once, the same name every time, and stops naming past the bound', () => {
    const a = statementNameOf('SELECT 1');
    expect(a).toMatch(/^commit_\d+$/);
    expect(statementNameOf('SELECT 1')).toBe(a);
    const b = statementNameOf('SELECT 2');
    expect(b).not.toBe(a);
    for (let i = 0; i < MAX_PREPARED_STATEMENTS; i++) statementNameOf(`SELECT ${i + 3}`);
    expect(statementNameOf('SELECT -1')).toBeUndefined();
    // Texts named before the bound keep their names.
    expect(statementNameOf('SELECT 1')).toBe(a);
    expect(statementNameOf('SELECT 2')).toBe(b);
  });
});
