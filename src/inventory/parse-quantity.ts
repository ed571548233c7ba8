const SUFFIX: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/** Kubernetes quantities in base units: cores for CPU (`500m` → 0.5), bytes for memory (`4Gi`). */
export function parseQuantity(q: string | number | undefined): number {
  if (q === undefined) return 0;
  if (typeof q === 'number') return q;
  const m = /^(\d+(?:\.\d+)?)([a-zA-Z]*)$/.exec(q.trim());
  if (!m) return 0;
  const factor = SUFFIX[m[2] ?? ''];
  return factor === undefined ? 0 : Number(m[1]) * factor;
}
