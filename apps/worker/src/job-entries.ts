import type { JobEntries } from '@roombook/db';
import type { Job } from 'bullmq';

/** The audit entries this job wrote to this calendar (by id, calendar and time: see JobEntries). */
export const jobEntries = (job: Job, calendarId: number): JobEntries => ({ calendarId, jobId: String(job.id), addedAt: new Date(job.timestamp) });
