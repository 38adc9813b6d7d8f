import { Type } from 'typebox';

/** RFC 9457 problem document, as every error leaves the API. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'stable URI reference naming the kind of problem' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), message: Type.String() }), {
        description: 'validation problems, one per offending field',
      }),
    ),
    job: Type.Optional(Type.Unknown({ description: 'the failed job, for job-failure problems' })),
  },
  {
    $id: 'Problem',
    examples: [
      {
        type: '/problems/validation',
        title: 'Invalid request',
        status: 400,
        detail: 'body.end must be after start',
        instance: '/api/meeting-room-1/events',
        errors: [{ field: 'body.end', message: 'must be after start' }],
      },
    ],
  },
);

/** Responses every authenticated route may give. */
export const commonProblems = {
  400: ProblemSchema,
  401: ProblemSchema,
  404: ProblemSchema,
  503: ProblemSchema,
};
