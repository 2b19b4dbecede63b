// The relay's only way into the safety service: its public HTTP API, with a platform API key.
export interface EventProblem {
  index: number;
  id?: string;
  path: string;
  message: string;
}

export type SendResult = { ok: true } | { ok: false; error: string; problems?: EventProblem[]; retryAfterMs?: number };

export interface PsiPolicy {
  scope: 'off' | 'large_groups' | 'everywhere';
  large_group_members: number;
  mode: string;
  synthetic_probability: number;
  signing_public_key: string;
  table: { version: number; root: string; threshold: number; mode: string } | null;
}

export class SafetyClient {
  constructor(
    public url: string,
    private readonly apiKey: string,
    private readonly timeoutMs = 15_000,
  ) {}

  private async call(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.apiKey}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
  }

  async sendEvents(events: unknown[]): Promise<SendResult> {
    let res: Response;
    try {
      res = await this.call('POST', '/v1/events', { events });
    } catch (e) {
      return { ok: false, error: `safety service unreachable: ${(e as Error).message}` };
    }
    if (res.ok) {
      await res.arrayBuffer();
      return { ok: true };
    }
    const text = await res.text();
    let body: { error?: { code?: string; message?: string; details?: unknown } } = {};
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    const error = `HTTP ${res.status}: ${body.error?.message ?? text.slice(0, 200)}`;
    if (res.status === 400 && Array.isArray(body.error?.details))
      return { ok: false, error, problems: body.error.details as EventProblem[] };
    const retry = Number(res.headers.get('retry-after'));
    return { ok: false, error, ...(retry > 0 ? { retryAfterMs: retry * 1000 } : {}) };
  }

  /** Private matching: the operator's policy and the current table's summary. */
  async psiPolicy(): Promise<PsiPolicy> {
    const res = await this.call('GET', '/v1/psi/policy');
    if (!res.ok) throw new Error(`safety service: GET /v1/psi/policy answered ${res.status}`);
    return (await res.json()) as PsiPolicy;
  }

  /** Hands over the encrypted attachment of a private-matching opening (the only blob the service gets). */
  async psiBlob(openingId: number, data: Uint8Array): Promise<void> {
    const res = await fetch(`${this.url}/v1/psi/openings/${openingId}/blob`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(data) as unknown as BodyInit,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok)
      throw new Error(
        `safety service: PUT /v1/psi/openings/${openingId}/blob answered ${res.status}: ${(await res.text()).slice(0, 200)}`,
      );
    await res.arrayBuffer();
  }

  /** A signed table's bytes (clients verify the signature; the relay only passes them on). */
  async psiTable(version: number): Promise<Uint8Array | null> {
    const res = await this.call('GET', `/v1/psi/tables/${version}`);
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`safety service: GET /v1/psi/tables/${version} answered ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  }
}
