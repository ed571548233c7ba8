/** How a recorded message reached Slack (see SANDBOX.md, `messagesUrl`). */
export type MessageVia =
  | 'chat.postMessage'
  | 'chat.update'
  | 'chat.postEphemeral'
  | 'response_url'
  | 'views.open'
  | 'views.update'
  | 'views.publish'
  | 'files.completeUploadExternal';

/** A file shared by files.completeUploadExternal (its bytes: the sandbox's `files()` / `GET /_sandbox/files/<id>`). */
export interface RecordedFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  /** Bytes. */
  size: number;
  alt_txt?: string;
}

/** One thing the bot produced, as `GET messagesUrl` returns it (oldest first). */
export interface RecordedMessage {
  seq: number;
  via: MessageVia;
  /** Channel id; for views.open/update '' and for views.publish the user id. */
  channel: string;
  /** Ephemeral recipient, the user a view was opened for, or the user behind a response_url. */
  user?: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks?: Record<string, unknown>[];
  /** Views only: the view as stored by Slack (id, type, title, blocks, …). */
  view?: Record<string, unknown>;
  /** response_url only. */
  response_type?: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
  delete_original?: boolean;
  /** files.completeUploadExternal only: the files the message shares (its text is the initial comment). */
  files?: RecordedFile[];
}
