import { Type, type Static } from 'typebox';

export const JobState = Type.Union(
  ['waiting', 'active', 'completed', 'failed', 'delayed', 'unknown'].map((s) => Type.Literal(s)),
);

export const JobRefSchema = Type.Object(
  {
    id: Type.String(),
    state: Type.String({ description: 'waiting | active | completed | failed | delayed' }),
    url: Type.String({ description: 'poll this for the result' }),
  },
  { $id: 'JobRef', examples: [{ id: '0b6a3c3e-8f7e-4a55-9d1c-2f1f0d3f6a11', state: 'waiting', url: '/api/jobs/0b6a3c3e-8f7e-4a55-9d1c-2f1f0d3f6a11' }] },
);
export type JobRef = Static<typeof JobRefSchema>;

export const JobViewSchema = Type.Object(
  {
    id: Type.String(),
    type: Type.String({ description: 'create-event | delete-event | clear-calendar' }),
    state: Type.String({ description: 'waiting | active | completed | failed | delayed' }),
    url: Type.String(),
    progress: Type.Union([Type.Number(), Type.Object({}, { additionalProperties: true })]),
    result: Type.Unknown({
      description:
        "the job result once completed (shape depends on type). A clear's is its full report, read from where the worker stored it once (the queue, e.g. Bull Board, keeps only its summary and `report_ref`); when that copy has expired (it is kept as long as completed jobs) the summary `{test_mode, mails_queued, windows, counts}` with `report_expired: true`",
    }),
    error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
    attempts: Type.Integer({ description: 'attempts made so far' }),
    created_at: Type.String({ format: 'date-time' }),
    processed_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    finished_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  {
    $id: 'Job',
    examples: [
      {
        id: '0b6a3c3e-8f7e-4a55-9d1c-2f1f0d3f6a11',
        type: 'create-event',
        state: 'completed',
        url: '/api/jobs/0b6a3c3e-8f7e-4a55-9d1c-2f1f0d3f6a11',
        progress: 100,
        result: { id: '4zx3QAFzoxV3vaZSKGaH2S', href: 'https://dav.example.org/rooms/room-1/4zx3QAFzoxV3vaZSKGaH2S.ics', etag: '"a1b2"', alreadyExisted: false },
        error: null,
        attempts: 1,
        created_at: '2025-01-02T11:00:00.000Z',
        processed_at: '2025-01-02T11:00:00.050Z',
        finished_at: '2025-01-02T11:00:00.210Z',
      },
    ],
  },
);
export type JobView = Static<typeof JobViewSchema>;
