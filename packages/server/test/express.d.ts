/**
 * express ships no types and @types/express is not a dependency: the part of Express 5 that endpoints.test.ts uses,
 * so that the test is type-checked against it rather than against `any`.
 */
declare module 'express' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  interface Response extends ServerResponse {
    status(code: number): this;
    send(body: string): this;
  }
  type Middleware = (request: IncomingMessage, response: Response, next: (error?: unknown) => void) => void;
  /** An Express app is itself a request listener for `http.createServer`. */
  interface Application {
    (request: IncomingMessage, response: ServerResponse): void;
    use(path: string, handler: Middleware): this;
    use(handler: Middleware): this;
  }

  export default function express(): Application;
}
