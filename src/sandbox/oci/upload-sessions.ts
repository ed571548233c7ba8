import { randomUUID } from 'node:crypto';

export interface UploadSession {
  repo: string;
  chunks: Buffer[];
  size: number;
}

/** In-progress blob uploads (`POST …/blobs/uploads/` → PATCH* → PUT ?digest=). */
export class UploadSessions {
  private readonly sessions = new Map<string, UploadSession>();

  start(repo: string): string {
    const id = randomUUID();
    this.sessions.set(id, { repo, chunks: [], size: 0 });
    return id;
  }

  get(repo: string, id: string): UploadSession | undefined {
    const session = this.sessions.get(id);
    return session?.repo === repo ? session : undefined;
  }

  append(session: UploadSession, chunk: Buffer): void {
    if (chunk.length === 0) return;
    session.chunks.push(chunk);
    session.size += chunk.length;
  }

  finish(id: string): void {
    this.sessions.delete(id);
  }

  clear(): void {
    this.sessions.clear();
  }
}
