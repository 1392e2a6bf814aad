import { describe, expect, it } from 'vitest';
import { MS, textArray, valueArray } from './sql-rows';

describe('textArray', () => {
  it('quotes every element, so commas, braces, spaces and NULL stay text', () => {
    expect(textArray(['a', 'b,c', '{d}', ' e ', 'NULL'])).toBe('{"a","b,c","{d}"," e ","NULL"}');
  });

  it('escapes double quotes and backslashes (JSON text goes through it)', () => {
    expect(textArray(['say "hi"', 'a\\b', '{"k":[1,"v"]}'])).toBe('{"say \\"hi\\"","a\\\\b","{\\"k\\":[1,\\"v\\"]}"}');
  });

  it('gives an empty array for no elements, and keeps an empty string', () => {
    expect(textArray([])).toBe('{}');
    expect(textArray([''])).toBe('{""}');
  });
});

describe('valueArray', () => {
  it('writes numbers and booleans as PostgreSQL reads them', () => {
    expect(valueArray([1, -2, 1764600000123, 0.5])).toBe('{1,-2,1764600000123,0.5}');
    expect(valueArray([true, false])).toBe('{true,false}');
    expect(valueArray([])).toBe('{}');
  });

  it('refuses a number PostgreSQL could not read', () => {
    expect(() => valueArray([1, Number.NaN])).toThrow(RangeError);
    expect(() => valueArray([Number.POSITIVE_INFINITY])).toThrow(RangeError);
  });
});

describe('MS', () => {
  it('turns a column of epoch milliseconds into a timestamptz without floating point', () => {
    expect(MS('f').sql).toBe("(timestamptz 'epoch' + f * interval '1 millisecond')");
  });

  it('takes only a plain column name', () => {
    expect(() => MS('f); DROP TABLE x; --')).toThrow(/not a column name/);
  });
});
