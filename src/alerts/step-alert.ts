import type { AlertState, Observation } from './alert-state.js';

export interface Hysteresis {
  fireAfter: number;
  resolveAfter: number;
}

/** What the caller must do in Slack after a step. */
export type AlertEffect = 'none' | 'fire' | 'refresh' | 'resolve' | 'forget';

/**
 * One evaluation run for one fingerprint: `observation` is its failing finding, or undefined when it
 * passed. Pure, so hysteresis is testable: fire after `fireAfter` failing runs in a row, resolve after
 * `resolveAfter` passing ones; a value flapping in between changes nothing.
 */
export function stepAlert(
  prev: AlertState,
  observation: Observation | undefined,
  h: Hysteresis,
  now: number,
): { next: AlertState; effect: AlertEffect } {
  if (observation) {
    // A resolved alert failing again starts a new cycle (a new message once it fires again).
    const base: AlertState =
      prev.phase === 'resolved'
        ? (() => {
            const {
              firingSince: _f,
              resolvedAt: _r,
              message: _m,
              rendered: _x,
              renderedAt: _t,
              sending: _g,
              fixId: _i,
              ack: _a,
              escalatedAt: _e,
              snoozedUntil: _s,
              snoozedBy: _b,
              ...rest
            } = prev;
            return { ...rest, phase: 'pending', failing: 0, passing: 0, firstSeenAt: now, outbox: [] };
          })()
        : prev;
    const failing = base.failing + 1;
    const next: AlertState = { ...base, failing, passing: 0, last: observation };
    if (next.phase === 'pending' && failing >= h.fireAfter)
      return { next: { ...next, phase: 'firing', firingSince: now }, effect: 'fire' };
    return { next, effect: next.phase === 'firing' ? 'refresh' : 'none' };
  }
  if (prev.phase === 'pending') return { next: prev, effect: 'forget' };
  if (prev.phase === 'resolved') return { next: prev, effect: 'none' };
  const passing = prev.passing + 1;
  if (passing >= h.resolveAfter)
    return { next: { ...prev, phase: 'resolved', passing, failing: 0, resolvedAt: now }, effect: 'resolve' };
  return { next: { ...prev, passing }, effect: 'refresh' };
}
