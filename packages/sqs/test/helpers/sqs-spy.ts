import type { SQSClient } from '@aws-sdk/client-sqs';

export interface SentCommand {
  name: string;
  input: Record<string, unknown>;
  at: number;
}

/** Records every command the client sends (through the SDK's middleware stack; the requests still go over HTTP). */
export function spyOnCommands(sqs: SQSClient): { sent: SentCommand[]; named(name: string): SentCommand[] } {
  const sent: SentCommand[] = [];
  sqs.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push({
        name: (context.commandName ?? '').replace(/Command$/, ''),
        input: args.input as Record<string, unknown>,
        at: Date.now(),
      });
      return next(args);
    },
    { step: 'initialize', name: 'inloopTestSpy' },
  );
  return { sent, named: (name) => sent.filter((command) => command.name === name) };
}
