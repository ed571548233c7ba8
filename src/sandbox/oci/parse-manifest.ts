import { z } from 'zod';
import { DIGEST_PATTERN, isIndexMediaType, MediaType } from './media-types.js';

const Descriptor = z.object({
  mediaType: z.string().optional(),
  digest: z.string().regex(DIGEST_PATTERN, 'invalid digest'),
  size: z.number().int().nonnegative(),
  platform: z.object({ os: z.string(), architecture: z.string(), variant: z.string().optional() }).optional(),
});
export type Descriptor = z.infer<typeof Descriptor>;

const ImageManifest = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  config: Descriptor,
  layers: z.array(Descriptor),
});

const ImageIndex = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  manifests: z.array(Descriptor),
});

export type ParsedManifest =
  | { kind: 'index'; manifests: Descriptor[] }
  | { kind: 'image'; config: Descriptor; layers: Descriptor[] };

/** Parses manifest bytes as the given media type; returns an error text for MANIFEST_INVALID. */
export function parseManifest(bytes: Buffer, mediaType: string): ParsedManifest | { error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { error: 'manifest is not valid JSON' };
  }
  const declared = (raw as { mediaType?: unknown } | null)?.mediaType;
  // The Docker types require mediaType in the body; OCI allows it to be absent but it must then agree.
  if (declared !== undefined && declared !== mediaType) {
    return { error: `mediaType in manifest should be '${mediaType}' not '${String(declared)}'` };
  }
  if (
    declared === undefined &&
    (mediaType === MediaType.dockerList || mediaType === MediaType.dockerManifest)
  ) {
    return { error: `mediaType in manifest should be '${mediaType}'` };
  }
  if (isIndexMediaType(mediaType)) {
    const parsed = ImageIndex.safeParse(raw);
    if (!parsed.success) return { error: describe(parsed.error) };
    return { kind: 'index', manifests: parsed.data.manifests };
  }
  const parsed = ImageManifest.safeParse(raw);
  if (!parsed.success) return { error: describe(parsed.error) };
  return { kind: 'image', config: parsed.data.config, layers: parsed.data.layers };
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
