import { createUsersRepository, type Database, type User } from '@roombook/db';

import { HasDependentsError } from './errors.js';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** User operations shared by the CLI and an admin HTTP API (design §9). */
export function userService(deps: { db: Database }) {
  const users = createUsersRepository(deps.db);
  return {
    create(input: { name: string; email?: string | undefined }): Promise<User> {
      return users.create(input);
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
