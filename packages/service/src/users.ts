import { createUsersRepository, type Database, type User } from '@roombook/db';

import { HasDependentsError } from './errors.js';
import { plural } from './words.js';


/** User operations shared by the CLI and an admin HTTP API (design §9). */
export function userService(deps: { db: Database }) {
  const users = createUsersRepository(deps.db);
  return {
    create(input: { name: string; email?: string | undefined }): Promise<User> {
      return users.create(input);
    },

    list(): Promise<User[]> {
      return users.list();
    },

    /** Every API key with its owner, never a token (only hashes are stored). */
    listKeys() {
      return users.listKeys();
    },

    /** A new API key; its token is in the result once and only its hash is stored. */
    createKey(input: { userName: string; label?: string | undefined; canPrioritize?: boolean | undefined }) {
      return users.createKey(input);
    },

    /** Revokes a key by its visible prefix; it stops authenticating at once. */
    revokeKey(prefix: string) {
      return users.revokeKey(prefix);
    },

    /**
     * Deletes a user with their API keys and calendar grants. Refused while they hold an active
     * key or a grant, unless `force`: someone's client may still be using them.
     */
    async delete(name: string, options: { force: boolean }): Promise<{ user: User; keysDeleted: number; removed: string[] }> {
      const { activeKeys, calendars } = await users.dependents(name);
      const removed = [
        ...(activeKeys.length > 0 ? [`${plural(activeKeys.length, 'active API key')} (${activeKeys.map((k) => k.prefix).join(', ')})`] : []),
        ...(calendars.length > 0 ? [`access to ${plural(calendars.length, 'calendar')} (${calendars.join(', ')})`] : []),
      ];
      if (removed.length > 0 && !options.force) throw new HasDependentsError(`user "${name}"`, [`they have ${removed.join(' and ')}`]);
      return { ...(await users.delete(name)), removed };
    },
  };
}

export type UserService = ReturnType<typeof userService>;
