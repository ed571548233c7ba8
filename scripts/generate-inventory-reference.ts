// Regenerates docs/inventory-reference.md from src/inventory/schema.ts (see scripts/inventory-reference.ts).
// Run: npx tsx scripts/generate-inventory-reference.ts
import { writeFileSync } from 'node:fs';
import { inventoryReference } from './inventory-reference.js';

const file = 'docs/inventory-reference.md';
writeFileSync(file, inventoryReference());
console.log(`wrote ${file}`);
