import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp } from '../src/app.js';
import { testConfig } from './helper.js';

describe('request log', () => {
  const lines: Record<string, unknown>[] = [];
  let app: Awaited<ReturnType<typeof buildApp>>;

  beforeAll(async () => {
    app = await buildApp(testConfig({ LOG_LEVEL: 'info' }), {}, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    await app.ready();
  });
  afterAll(() => app.close());

  it('writes one line per request at info, with the request, the status and the time', async () => {
    lines.length = 0;
    const response = await app.inject({ method: 'GET', url: '/api/calendars', headers: { authorization: 'Bearer nope' }, remoteAddress: '10.1.2.3' });
    expect(response.statusCode).toBe(401);
    const mine = lines.filter((l) => l['reqId'] !== undefined);
    expect(mine.map((l) => l['msg'])).toEqual(['request completed']);
    expect(mine[0]).toMatchObject({ level: 30, req: { method: 'GET', url: '/api/calendars', remoteAddress: '10.1.2.3' }, res: { statusCode: 401 } });
    expect(typeof mine[0]!['responseTime']).toBe('number');
    expect(JSON.stringify(mine)).not.toContain('nope');
  });
});
