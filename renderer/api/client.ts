import type { ApiArgs, ApiEvent, ApiMethod, ApiResult, ApiTransport, Result, ApiError } from '../../core/common/api.js';

/** A failed API call, with the error as the core reported it. */
export class ApiCallError extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}

/** The bridge Electron's preload exposes (window.covenant). */
interface PreloadBridge {
  call(method: string, args: unknown): Promise<Result<unknown>>;
  onEvent(listener: (event: ApiEvent) => void): () => void;
}

declare global {
  interface Window {
    covenant?: PreloadBridge;
  }
}

class IpcTransport implements ApiTransport {
  constructor(private readonly bridge: PreloadBridge) {}
  call<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<Result<ApiResult<M>>> {
    return this.bridge.call(method, args ?? null) as Promise<Result<ApiResult<M>>>;
  }
  subscribe(listener: (event: ApiEvent) => void): () => void {
    return this.bridge.onEvent(listener);
  }
}

/** Browser mode: the loopback bridge of `covenant serve`; the token travels in an HttpOnly cookie. */
class HttpTransport implements ApiTransport {
  async call<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<Result<ApiResult<M>>> {
    let res: Response;
    try {
      res = await fetch(`/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(args ?? null),
        credentials: 'same-origin',
      });
    } catch {
      return { ok: false, error: { code: 'io', message: 'Covenant is not reachable: the covenant serve process stopped. Start it again and reload.' } };
    }
    // every answer of the API is a Result envelope, whatever its HTTP status (the status mirrors the error code)
    const body = (await res.json().catch(() => null)) as Result<ApiResult<M>> | null;
    if (body && typeof body === 'object' && 'ok' in body) return body;
    return { ok: false, error: { code: 'io', message: `The server answered ${res.status}.` } };
  }
  subscribe(listener: (event: ApiEvent) => void): () => void {
    const source = new EventSource('/api/events');
    source.onmessage = (m) => listener(JSON.parse(m.data as string) as ApiEvent);
    return () => source.close();
  }
}

/** The one API client of the renderer: IPC inside Electron, HTTP in browser mode, chosen at boot. */
export class ApiClient {
  constructor(readonly transport: ApiTransport) {}

  async call<M extends ApiMethod>(method: M, ...args: null extends ApiArgs<M> ? [] | [ApiArgs<M>] : [ApiArgs<M>]): Promise<ApiResult<M>> {
    const result = await this.transport.call(method, (args[0] ?? null) as ApiArgs<M>);
    if (!result.ok) throw new ApiCallError(result.error);
    return result.data;
  }

  subscribe(listener: (event: ApiEvent) => void): () => void {
    return this.transport.subscribe(listener);
  }
}

export function createApi(): ApiClient {
  return new ApiClient(window.covenant ? new IpcTransport(window.covenant) : new HttpTransport());
}

let instance: ApiClient | null = null;
const client = () => (instance ??= createApi());

/** The app's client, made on first use (so modules that import it load anywhere, e.g. in unit tests). */
export const api = {
  call: ((method: ApiMethod, arg?: unknown) =>
    (client().call as (m: ApiMethod, ...a: unknown[]) => Promise<unknown>)(method, ...(arg === undefined ? [] : [arg]))) as ApiClient['call'],
  subscribe: (listener: (event: ApiEvent) => void) => client().subscribe(listener),
};
