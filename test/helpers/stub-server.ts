import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** One request the stub received. */
export interface Received {
  readonly method: string;
  readonly url: string;
  readonly target: string;
  readonly body: string;
}

/**
 * A local HTTP server standing in for an AWS endpoint or CloudFormation's response URL. `answer` decides per
 * request: a status and body to send, or `undefined` to accept the request and never answer.
 */
export class StubServer {
  public static async start(answer: (r: Received) => { status: number; body?: string; contentType?: string } | undefined): Promise<StubServer> {
    const stub = new StubServer(answer);
    await new Promise<void>((resolve) => stub.server.listen(0, '127.0.0.1', resolve));
    return stub;
  }

  /** Run `use` against a stub that is stopped afterwards, whatever `use` does. */
  public static async using<T>(answer: (r: Received) => { status: number; body?: string; contentType?: string } | undefined, use: (stub: StubServer) => Promise<T>): Promise<T> {
    const stub = await StubServer.start(answer);
    try {
      return await use(stub);
    } finally {
      await stub.stop();
    }
  }

  public readonly received: Received[] = [];
  private readonly server: Server;

  private constructor(answer: (r: Received) => { status: number; body?: string; contentType?: string } | undefined) {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        const r = { method: req.method ?? '', url: req.url ?? '', target: String(req.headers['x-amz-target'] ?? ''), body };
        this.received.push(r);
        const a = answer(r);
        if (a) {
          res.writeHead(a.status, { 'content-type': a.contentType ?? 'application/x-amz-json-1.1' });
          res.end(a.body ?? '');
        }
      });
    });
  }

  public get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Close the server and every connection still waiting for an answer. */
  public async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Credentials and region for clients pointed at a stub (nothing leaves the machine). */
export const STUB_CLIENT = { region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' } };
