import type { WebClient } from '@slack/web-api';
import type { UsergroupDirectory } from '../access/role-resolver.js';

/** User group membership through `usergroups.users.list` (scope `usergroups:read`). */
export class SlackUsergroups implements UsergroupDirectory {
  constructor(private readonly client: WebClient) {}

  async members(usergroupId: string): Promise<string[]> {
    const res = await this.client.usergroups.users.list({ usergroup: usergroupId });
    return res.users ?? [];
  }
}
