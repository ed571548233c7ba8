// The same parser the bot uses for the inventory and live clusters, so both sides agree on units.
export { parseQuantity } from '../../inventory/parse-quantity.js';

/** Millicores as the API prints them (`1500m`, `2`). */
export function formatCpu(cores: number): string {
  const milli = Math.round(cores * 1000);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

export function formatKi(bytes: number): string {
  return `${Math.round(bytes / 1024)}Ki`;
}
