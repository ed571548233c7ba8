import { gzipSync } from 'node:zlib';
import { MediaType, sha256Digest } from './media-types.js';

export interface BuiltManifest {
  digest: string;
  bytes: Buffer;
  mediaType: string;
}

export interface BuiltImage {
  /** The index (manifest list) the tag points at. */
  index: BuiltManifest;
  /** One image manifest per platform. */
  children: BuiltManifest[];
  blobs: Buffer[];
}

export interface BuildImageInput {
  repo: string;
  tag: string;
  platforms: string[];
  format: 'oci' | 'docker';
  /** Bumped by `pushUpstream` so the same tag gets new content. */
  generation: number;
  /** Extra layers of these sizes per platform, of deterministic incompressible bytes (copy tests, benchmarks). */
  layerBytes?: number[];
}

interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export function parsePlatform(text: string): Platform {
  const [os, architecture, variant] = text.split('/');
  if (!os || !architecture) throw new Error(`invalid platform "${text}" (want os/arch[/variant])`);
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** A one-file ustar archive: real layer bytes, so clients that inspect layers see a valid tar. */
function tarOneFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const padded = Buffer.alloc(Math.ceil(content.length / 512) * 512);
  content.copy(padded);
  return Buffer.concat([header, padded, Buffer.alloc(1024)]);
}

/** `size` pseudo-random bytes from `seed` (xorshift32): the same seed always gives the same bytes, fast. */
function noise(size: number, seed: string): Buffer {
  const out = Buffer.allocUnsafe(size);
  const words = new Uint32Array(out.buffer, out.byteOffset, Math.floor(size / 4));
  let x = 2166136261;
  for (const ch of seed) x = Math.imul(x ^ ch.charCodeAt(0), 16777619) >>> 0;
  x ||= 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  for (let i = words.length * 4; i < size; i++) out[i] = i & 0xff;
  return out;
}

function descriptor(mediaType: string, bytes: Buffer): { mediaType: string; digest: string; size: number } {
  return { mediaType, digest: sha256Digest(bytes), size: bytes.length };
}

function buildPlatformManifest(input: BuildImageInput, platform: Platform, blobs: Buffer[]): BuiltManifest {
  const oci = input.format === 'oci';
  const label = `${input.repo}:${input.tag} ${platform.os}/${platform.architecture} gen ${input.generation}`;
  const tars = [0, 1].map((i) =>
    tarOneFile(`opt/opsbot-seed-${i}.txt`, Buffer.from(`${label} layer ${i}\n`)),
  );
  const bulk = (input.layerBytes ?? []).map((n, i) => noise(n, `${label} bulk ${i}`));
  const layers = [...tars.map((tar) => gzipSync(tar, { level: 6 })), ...bulk];
  const config = Buffer.from(
    JSON.stringify({
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant ? { variant: platform.variant } : {}),
      created: '2025-01-01T00:00:00Z',
      config: { Entrypoint: ['/opt/coder'], Labels: { 'org.opencontainers.image.version': input.tag } },
      rootfs: { type: 'layers', diff_ids: [...tars, ...bulk].map((t) => sha256Digest(t)) },
    }),
  );
  blobs.push(config, ...layers);
  const mediaType = oci ? MediaType.ociManifest : MediaType.dockerManifest;
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: descriptor(oci ? MediaType.ociConfig : MediaType.dockerConfig, config),
      layers: layers.map((l) => descriptor(oci ? MediaType.ociLayerGzip : MediaType.dockerLayerGzip, l)),
    }),
  );
  return { digest: sha256Digest(bytes), bytes, mediaType };
}

/** Deterministic multi-platform image: the same input always gives the same digests. */
export function buildImage(input: BuildImageInput): BuiltImage {
  const blobs: Buffer[] = [];
  const platforms = input.platforms.map(parsePlatform);
  const children = platforms.map((p) => buildPlatformManifest(input, p, blobs));
  const mediaType = input.format === 'oci' ? MediaType.ociIndex : MediaType.dockerList;
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      manifests: children.map((child, i) => ({
        ...descriptor(child.mediaType, child.bytes),
        platform: platforms[i],
      })),
    }),
  );
  return { index: { digest: sha256Digest(bytes), bytes, mediaType }, children, blobs };
}
