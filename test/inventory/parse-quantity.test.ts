import { describe, expect, it } from 'vitest';
import { toCapacity } from '../../src/adapters/kubernetes/kube-mappers.js';
import { parseQuantity } from '../../src/inventory/parse-quantity.js';

describe('parseQuantity', () => {
  it('reads the forms the API server prints', () => {
    expect(parseQuantity('500m')).toBe(0.5);
    expect(parseQuantity('2')).toBe(2);
    expect(parseQuantity('4Gi')).toBe(4 * 1024 ** 3);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(parseQuantity('1.5k')).toBe(1500);
    expect(parseQuantity(undefined)).toBe(0);
  });

  it('refuses what is not a quantity instead of counting it as 0', () => {
    for (const q of ['12Qi', 'abc', '', '4 Gi', '1.2.3'])
      expect(() => parseQuantity(q)).toThrow(`"${q}" is not a Kubernetes quantity`);
  });

  it('makes a cluster capacity with a malformed allocatable an error, not less capacity', () => {
    const node = (memory: string) => ({ status: { allocatable: { cpu: '4', memory } } });
    expect(toCapacity([node('16Gi')], []).memoryAllocatable).toBe(16 * 1024 ** 3);
    expect(() => toCapacity([node('16Gi'), node('16Qi')], [])).toThrow('"16Qi" is not a Kubernetes quantity');
  });
});
