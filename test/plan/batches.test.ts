// Serial batching as ansible-core cuts it (semantics doc §1; conformance s01–s03).
import { describe, expect, it } from 'vitest';
import { makeBatches } from '../../engine/plan/batches.js';
import { serialEntrySize, SerialError } from '../../engine/load/serial.js';

const H = ['h1', 'h2', 'h3', 'h4', 'h5'];

describe('serial batches', () => {
  it.each([
    [undefined, [['h1', 'h2', 'h3', 'h4', 'h5']]],
    [2, [['h1', 'h2'], ['h3', 'h4'], ['h5']]],
    ['2', [['h1', 'h2'], ['h3', 'h4'], ['h5']]],
    ['30%', [['h1'], ['h2'], ['h3'], ['h4'], ['h5']]],
    ['50%', [['h1', 'h2'], ['h3', 'h4'], ['h5']]],
    ['0%', [['h1'], ['h2'], ['h3'], ['h4'], ['h5']]],
    [0, [['h1', 'h2', 'h3', 'h4', 'h5']]],
    [-1, [['h1', 'h2', 'h3', 'h4', 'h5']]],
    [['1', '40%', 5], [['h1'], ['h2', 'h3'], ['h4', 'h5']]],
    [[1, 0], [['h1'], ['h2', 'h3', 'h4', 'h5']]],
    [[3, '50%'], [['h1', 'h2', 'h3'], ['h4', 'h5']]],
  ])('serial %j', (serial, expected) => {
    expect(makeBatches(H, serial)).toEqual(expected);
  });

  it('computes percentages on the total, not the remainder', () => {
    expect(serialEntrySize('50%', 4)).toBe(2);
    expect(serialEntrySize('10%', 4)).toBe(1);
  });

  it('rejects values that are not integers or percentages', () => {
    expect(() => makeBatches(H, 'two')).toThrow(SerialError);
    expect(() => makeBatches(H, { a: 1 })).toThrow(SerialError);
  });
});
