import type { Job, JobOutcome } from './job.js';

/**
 * FIFO queues: the jobs of one message group run one at a time, in the order SQS delivered them. When a job does
 * not end deleted (it will be retried, or goes to the DLQ), the group's later messages are released, so SQS hands
 * them out again only after it: order is kept.
 */
export class FifoGroups {
  private readonly groups = new Map<string, Job[]>();

  constructor(
    private readonly execute: (job: Job) => Promise<JobOutcome>,
    private readonly release: (jobs: Job[]) => Promise<unknown>,
  ) {}

  add(groupId: string, job: Job): void {
    const queue = this.groups.get(groupId);
    if (queue) {
      queue.push(job);
      return;
    }
    this.groups.set(groupId, [job]);
    void this.drain(groupId);
  }

  /** Jobs waiting behind another of their group (not started yet); removes them. */
  takeWaiting(): Job[] {
    const waiting: Job[] = [];
    for (const queue of this.groups.values()) waiting.push(...queue.splice(1));
    return waiting;
  }

  private async drain(groupId: string): Promise<void> {
    const queue = this.groups.get(groupId)!;
    while (queue.length > 0) {
      const outcome = await this.execute(queue[0]!);
      queue.shift();
      if (outcome !== 'deleted' && queue.length > 0) await this.release(queue.splice(0));
    }
    this.groups.delete(groupId);
  }
}
