const SUFFIX: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};

// Kubernetes' grammar: a signed decimal, then a binary/decimal SI suffix or a decimal exponent (`1e3`).
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:[eE]([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

/**
 * Kubernetes quantities in base units: cores for CPU (`500m` → 0.5), bytes for memory (`4Gi`). Undefined
 * (no request) is 0; anything else that is not a quantity throws, so a typo never counts as zero capacity.
 */
export function parseQuantity(q: string | number | undefined): number {
  if (q === undefined) return 0;
  if (typeof q === 'number') {
    if (Number.isFinite(q)) return q;
    throw new RangeError(`${q} is not a Kubernetes quantity`);
  }
  const m = QUANTITY.exec(q.trim());
  if (!m) throw new RangeError(`"${q}" is not a Kubernetes quantity (e.g. 500m, 2, 4Gi, 1e3)`);
  const [, number, exponent, suffix = ''] = m;
  return exponent !== undefined ? Number(`${number}e${exponent}`) : Number(number) * SUFFIX[suffix]!;
}
