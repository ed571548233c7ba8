// Regenerates helm/opsbot/values.schema.json from scripts/chart-values-schema.ts.
// Run: npx tsx scripts/generate-chart-schema.ts && npx biome format --write helm/opsbot/values.schema.json
import { writeFileSync } from 'node:fs';
import { chartValuesJsonSchema } from './chart-values-schema.js';

const file = 'helm/opsbot/values.schema.json';
writeFileSync(file, `${JSON.stringify(chartValuesJsonSchema(), null, 2)}\n`);
console.log(`wrote ${file}`);
