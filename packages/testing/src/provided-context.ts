// The augmentation needs the original module in scope (TS2664 otherwise).
import type {} from 'vitest';

import type { CalDavUser } from './radicale.js';

/** What the global setup hands to tests through `inject()`. */
declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    /** Unique per run: queue prefixes and Redis keys start with it. */
    runId: string;
    radicaleUrl: string;
    radicaleUsers: CalDavUser[];
  }
}
