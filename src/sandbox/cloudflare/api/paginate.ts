import type { ResultInfo } from './envelope.js';

export interface PageLimits {
  defaultPerPage: number;
  minPerPage: number;
  maxPerPage: number;
}

function intParam(raw: string | null, fallback: number): number {
  if (raw === null || raw.trim() === '') return fallback;
  const n = Number(raw);
  return Number.isFinite(n) ? Math.trunc(n) : fallback;
}

/**
 * Page-number paging as the v4 list endpoints do it. A page past the end is an empty list
 * (that is how the SDK's auto-pagination knows to stop); out-of-range sizes are clamped.
 */
export function paginate<T>(
  items: T[],
  query: URLSearchParams,
  limits: PageLimits,
): { page: T[]; info: ResultInfo } {
  const perPage = Math.min(
    limits.maxPerPage,
    Math.max(limits.minPerPage, intParam(query.get('per_page'), limits.defaultPerPage)),
  );
  const page = Math.max(1, intParam(query.get('page'), 1));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  return {
    page: slice,
    info: {
      page,
      per_page: perPage,
      count: slice.length,
      total_count: items.length,
      total_pages: Math.ceil(items.length / perPage),
    },
  };
}
