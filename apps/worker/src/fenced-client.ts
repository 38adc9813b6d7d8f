import type { CalDavClient } from '@roombook/caldav';

/**
 * The CalDAV client handlers get: reads pass through, and each write first runs `fence` (which
 * proves the calendar's lease is still held, see calendar-lock.ts). The write paths themselves
 * need no knowledge of the lock.
 */
export function fencedClient(client: CalDavClient, fence: () => Promise<void>): CalDavClient {
  return {
    fetchObjects: () => client.fetchObjects(),
    listObjects: () => client.listObjects(),
    fetchObjectsAt: (hrefs) => client.fetchObjectsAt(hrefs),
    fetchObject: (href) => client.fetchObject(href),
    collectionState: () => client.collectionState(),
    syncChanges: (token) => client.syncChanges(token),
    findByUid: (uid) => client.findByUid(uid),
    async createObject(fileName, ics) {
      await fence();
      return client.createObject(fileName, ics);
    },
    async updateObject(object, ics) {
      await fence();
      return client.updateObject(object, ics);
    },
    async deleteObject(object) {
      await fence();
      return client.deleteObject(object);
    },
    async restoreObject(href, ics) {
      await fence();
      return client.restoreObject(href, ics);
    },
  };
}
