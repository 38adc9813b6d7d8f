import { describe, expect, inject, it } from 'vitest';

import { basicAuth, getObject, makeCalendar, putObject } from '../src/index.js';

describe('test harness radicale', () => {
  it('serves calendars with basic auth and owner-only rights', async () => {
    const [rooms, alice] = inject('radicaleUsers');
    const url = await makeCalendar(inject('radicaleUrl'), rooms!, `harness-${Date.now()}`);
    const ics = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:h1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260101T100000Z\r\nDTEND:20260101T110000Z\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
    const objectUrl = await putObject(url, rooms!, 'h1.ics', ics);
    expect(await getObject(objectUrl, rooms!)).toContain('UID:h1');
    const denied = await fetch(objectUrl, { headers: { authorization: basicAuth(alice!) } });
    expect(denied.status).toBe(403);
    const anonymous = await fetch(objectUrl);
    expect(anonymous.status).toBe(401);
  });
});
