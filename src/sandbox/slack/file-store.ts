import { randomBytes } from 'node:crypto';
import type { Clock } from '../shared/clock.js';

/** The largest file the sandbox's workspace accepts (Slack's own limit is 1 GB; tests never need more). */
export const SANDBOX_MAX_FILE_BYTES = 20 * 1024 * 1024;

/** A file as the sandbox keeps it: what `files.getUploadURLExternal` was told, then what arrived. */
export interface StoredFile {
  id: string;
  /** The secret part of `upload_url`. */
  uploadToken: string;
  name: string;
  /** The declared `length`. */
  length: number;
  altText?: string;
  createdAt: number;
  /** What was POSTed to the upload URL (the last upload wins, as long as the file is not completed). */
  bytes?: Uint8Array;
  /** Set by files.completeUploadExternal, which may only happen once. */
  completed?: { title: string; channels: string[]; ts?: string; threadTs?: string };
}

export type UploadResult =
  | { ok: true; size: number }
  | { ok: false; error: 'unknown_upload' | 'already_completed' };

/** Files uploaded through the external-upload flow, by id and by upload token. */
export class FileStore {
  private byId = new Map<string, StoredFile>();
  private byToken = new Map<string, StoredFile>();

  constructor(private readonly clock: Clock) {}

  /** files.getUploadURLExternal: a new file id and the token of its upload URL. */
  open(name: string, length: number, altText: string | undefined): StoredFile {
    const file: StoredFile = {
      id: `F${randomBytes(5).toString('hex').toUpperCase()}`,
      uploadToken: randomBytes(18).toString('base64url'),
      name,
      length,
      ...(altText !== undefined ? { altText } : {}),
      createdAt: this.clock.now(),
    };
    this.byId.set(file.id, file);
    this.byToken.set(file.uploadToken, file);
    return file;
  }

  receive(uploadToken: string, bytes: Uint8Array): UploadResult {
    const file = this.byToken.get(uploadToken);
    if (!file) return { ok: false, error: 'unknown_upload' };
    if (file.completed) return { ok: false, error: 'already_completed' };
    file.bytes = bytes;
    return { ok: true, size: bytes.byteLength };
  }

  get(id: string): StoredFile | undefined {
    return this.byId.get(id);
  }

  /** Every file opened so far, oldest first. */
  all(): StoredFile[] {
    return [...this.byId.values()];
  }

  reset(): void {
    this.byId.clear();
    this.byToken.clear();
  }
}

const MIME_BY_EXTENSION: Record<string, { mimetype: string; filetype: string; pretty: string }> = {
  png: { mimetype: 'image/png', filetype: 'png', pretty: 'PNG' },
  jpg: { mimetype: 'image/jpeg', filetype: 'jpg', pretty: 'JPEG' },
  jpeg: { mimetype: 'image/jpeg', filetype: 'jpg', pretty: 'JPEG' },
  gif: { mimetype: 'image/gif', filetype: 'gif', pretty: 'GIF' },
  svg: { mimetype: 'image/svg+xml', filetype: 'svg', pretty: 'SVG' },
  pdf: { mimetype: 'application/pdf', filetype: 'pdf', pretty: 'PDF' },
  csv: { mimetype: 'text/csv', filetype: 'csv', pretty: 'CSV' },
  json: { mimetype: 'application/json', filetype: 'json', pretty: 'JSON' },
  txt: { mimetype: 'text/plain', filetype: 'text', pretty: 'Plain Text' },
  log: { mimetype: 'text/plain', filetype: 'text', pretty: 'Plain Text' },
};

/** Slack's type fields for a file name (Slack also sniffs content; the extension is enough here). */
export function fileType(name: string): { mimetype: string; filetype: string; pretty: string } {
  const ext = name.includes('.') ? name.split('.').pop()!.toLowerCase() : '';
  return (
    MIME_BY_EXTENSION[ext] ?? { mimetype: 'application/octet-stream', filetype: 'binary', pretty: 'Binary' }
  );
}

/** Width and height of a PNG from its IHDR chunk, for Slack's `original_w`/`original_h`. */
export function pngDimensions(bytes: Uint8Array): { width: number; height: number } | undefined {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.byteLength < 24 || signature.some((b, i) => bytes[i] !== b)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
