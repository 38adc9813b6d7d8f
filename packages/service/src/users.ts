import { createUsersRepository, type Database, type User } from '@roombook/db';

import { announce, type AccessChanges } from './access-changes.js';
import { HasDependentsError } from './errors.js';
import { plural } from './words.js';


/** User operations shared by the CLI and an admin HTTP API (design §9). */
export function userService(deps: { db: Database; accessChanges?: AccessChanges | undefined }) {
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

    /** Revokes a key by its visible prefix; it stops authenticating at once, in every API process. */
    async revokeKey(prefix: string) {
      const key = await users.revokeKey(prefix);
      await announce(deps.accessChanges, 'key revoked');
      return key;
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
      const deleted = await users.delete(name);
      await announce(deps.accessChanges, 'user deleted');
      return { ...deleted, removed };
    },
  };
}

export type UserService = ReturnType<typeof userService>;
