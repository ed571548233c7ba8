import type { CapacityRow, Environment } from '../../inventory/schema.js';

export interface Recommendation {
  target: string;
  replicas: number;
  upTo?: number;
  /** Share of the tier's user limit still free at this many users, in percent. */
  headroomPercent: number;
  /** The tier's user limit. */
  tierMaxUsers: number;
  /** Over the table's last tier: `replicas` is its largest row, which is not enough. */
  beyondTable: boolean;
  /**
   * Beyond the table: the replicas the last tier's users-per-replica would give (its `upTo` when set), a guess
   * to say what it would take, not a tier anyone measured.
   */
  extrapolated?: number;
}

/** The capacity table's tier for `users`, per target it names (`provisioners`, `litellm`). */
export function recommendReplicas(env: Environment, users: number): Recommendation[] {
  return Object.entries(env.capacity).flatMap(([target, rows]) => {
    const sorted = [...rows].sort((a, b) => a.maxUsers - b.maxUsers);
    const row: CapacityRow | undefined = sorted.find((r) => users <= r.maxUsers) ?? sorted.at(-1);
    if (!row) return [];
    const beyondTable = users > row.maxUsers;
    const headroom = beyondTable ? 0 : Math.round(((row.maxUsers - users) / row.maxUsers) * 100);
    const extrapolated = beyondTable
      ? Math.ceil((users * (row.upTo ?? row.replicas)) / row.maxUsers)
      : undefined;
    return [
      {
        target,
        replicas: row.replicas,
        ...(row.upTo !== undefined ? { upTo: row.upTo } : {}),
        headroomPercent: headroom,
        tierMaxUsers: row.maxUsers,
        beyondTable,
        ...(extrapolated !== undefined ? { extrapolated } : {}),
      },
    ];
  });
}
