import type { Environment } from '../inventory/schema.js';
import { recommendReplicas } from '../jobs/scale/recommend-replicas.js';
import type { Workshop, WorkshopTarget } from './workshop-record.js';
import { capacityWindow } from './workshop-timeline.js';

export interface CapacityPlan {
  targets: WorkshopTarget[];
  /** What the preview must say about it (beyond the table, clamped to inventory bounds). */
  notes: string[];
  /** Share of the tier's user limit left at this many users, per target. */
  headroom: Record<string, number>;
}

/** Replicas per capacity-table target for `users`, within the inventory's replica bounds. */
export function capacityFor(env: Environment, users: number): CapacityPlan {
  const notes: string[] = [];
  const headroom: Record<string, number> = {};
  const targets = recommendReplicas(env, users).flatMap((r) => {
    const d = env.deployments.find((x) => x.target === r.target);
    if (!d) {
      notes.push(`capacity table names \`${r.target}\`, which is not a deployment in ${env.name}: skipped`);
      return [];
    }
    let replicas = r.beyondTable ? (r.upTo ?? r.replicas) : r.replicas;
    if (r.beyondTable)
      notes.push(
        `${users} users is beyond \`${r.target}\`'s capacity table (its largest tier is ${r.tierMaxUsers} users): planning its maximum, ${replicas}; extend the table in infra/environments`,
      );
    if (replicas > d.replicas.max) {
      notes.push(
        `\`${r.target}\` is capped at ${d.replicas.max} replicas by the inventory (the table asks ${replicas})`,
      );
      replicas = d.replicas.max;
    }
    headroom[r.target] = r.headroomPercent;
    return [{ target: r.target, replicas }];
  });
  return { targets, notes, headroom };
}

/** Workshops whose capacity windows overlap `w`'s (cancelled and ended ones do not count). */
export function overlapping(w: Workshop, all: Workshop[]): Workshop[] {
  const mine = capacityWindow(w);
  return all.filter((o) => {
    if (o.id === w.id || o.state !== 'scheduled') return false;
    const theirs = capacityWindow(o);
    return theirs.from < mine.to && mine.from < theirs.to;
  });
}

/** Per target, the most any of the workshops needs: overlapping workshops share the larger capacity. */
export function largestNeed(workshops: Pick<Workshop, 'targets'>[]): WorkshopTarget[] {
  const need = new Map<string, number>();
  for (const w of workshops)
    for (const t of w.targets) need.set(t.target, Math.max(need.get(t.target) ?? 0, t.replicas));
  return [...need].map(([target, replicas]) => ({ target, replicas }));
}

/**
 * Workshops other than `w` that still hold capacity at `now`: scheduled, scaled up (or about to be), and
 * not wound down yet. While one does, `w`'s wind-down leaves its capacity in place.
 */
export function stillHolding(w: Workshop, all: Workshop[], now: number): Workshop[] {
  return all.filter((o) => {
    if (o.id === w.id || o.state !== 'scheduled') return false;
    const { from, to } = capacityWindow(o);
    return from <= now && now < to && o.steps['wind-down'].status !== 'done';
  });
}
