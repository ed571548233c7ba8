import { z } from 'zod';
import { INDEX_MEDIA_TYPES } from './manifest-media-types.js';

const Descriptor = z.object({
  mediaType: z.string().optional(),
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
  platform: z.object({ os: z.string(), architecture: z.string(), variant: z.string().optional() }).optional(),
});
export type Descriptor = z.infer<typeof Descriptor>;

const IndexManifest = z.object({ manifests: z.array(Descriptor) });
const ImageManifest = z.object({ config: Descriptor, layers: z.array(Descriptor) });

export type ParsedManifest =
  | { kind: 'index'; manifests: Descriptor[] }
  | { kind: 'image'; blobs: Descriptor[] };

/** A manifest's references: an index's children, or an image's config and layers. */
export function parseOciManifest(bytes: Buffer, mediaType: string): ParsedManifest {
  const json: unknown = JSON.parse(bytes.toString('utf8'));
  if (INDEX_MEDIA_TYPES.includes(mediaType)) return { kind: 'index', ...IndexManifest.parse(json) };
  const image = ImageManifest.parse(json);
  return { kind: 'image', blobs: [image.config, ...image.layers] };
}

export const platformText = (p: Descriptor['platform']) =>
  p ? `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}` : 'unknown';
