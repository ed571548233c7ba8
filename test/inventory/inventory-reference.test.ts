import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  FIELD_NOTES,
  inventoryReference,
  referenceTables,
  SECTIONS,
} from '../../scripts/inventory-reference.js';
import { Environment } from '../../src/inventory/schema.js';

describe('docs/inventory-reference.md', () => {
  it('is what scripts/generate-inventory-reference.ts makes from the schema today', () => {
    expect(
      readFileSync('docs/inventory-reference.md', 'utf8'),
      'regenerate: npx tsx scripts/generate-inventory-reference.ts',
    ).toBe(inventoryReference());
  });

  it('covers every top-level section, and every note it adds names a real field', () => {
    const top = Object.keys(Environment.shape);
    expect(Object.keys(SECTIONS).sort()).toEqual(top.sort());
    const paths = new Set(referenceTables().flatMap((t) => t.fields.map((f) => f.path)));
    for (const path of Object.keys(FIELD_NOTES)) expect(paths, path).toContain(path);
  });

  it('reads types, defaults and the schema’s own comments', () => {
    const text = inventoryReference();
    expect(text).toContain('| `planTtlMinutes` | number > 0 | no | `15` |');
    expect(text).toContain('| `kind` | one of `coder`, `litellm` | yes |');
    expect(text).toContain('Plans one person may have waiting for approval at once');
  });
});
