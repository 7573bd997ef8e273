// A small client for Toxiproxy's HTTP API (v2.12). Written against the API directly so every call
// and its error is ours: a failed call says which proxy and what Toxiproxy answered.
import { HarnessError } from '../core/errors.ts';

export interface ProxyConfig {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
}

export type Stream = 'upstream' | 'downstream';

export interface ToxicConfig {
  name: string;
  type: string;
  stream: Stream;
  toxicity: number;
  attributes: Record<string, number>;
}

export class ToxiproxyClient {
  constructor(readonly apiUrl: string) {}

  async version(): Promise<string> {
    return (await this.call('GET', '/version')) as string;
  }
  async populate(proxies: ProxyConfig[]): Promise<void> {
    await this.call('POST', '/populate', proxies);
  }
  async proxies(): Promise<Record<string, ProxyConfig & { toxics: ToxicConfig[] }>> {
    return (await this.call('GET', '/proxies')) as Record<string, ProxyConfig & { toxics: ToxicConfig[] }>;
  }
  async setEnabled(proxy: string, enabled: boolean): Promise<void> {
    await this.call('POST', `/proxies/${encodeURIComponent(proxy)}`, { enabled });
  }
  async addToxic(proxy: string, toxic: ToxicConfig): Promise<void> {
    await this.call('POST', `/proxies/${encodeURIComponent(proxy)}/toxics`, toxic);
  }
  async updateToxic(proxy: string, toxic: string, patch: { toxicity?: number; attributes?: Record<string, number> }): Promise<void> {
    await this.call('POST', `/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(toxic)}`, patch);
  }
  async removeToxic(proxy: string, toxic: string): Promise<void> {
    await this.call('DELETE', `/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(toxic)}`);
  }
  /** Enables every proxy and removes every toxic. */
  async reset(): Promise<void> {
    await this.call('POST', '/reset');
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(this.apiUrl + path, {
        method,
        headers: body === undefined ? undefined : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(5000),
      });
    } catch (cause) {
      throw new HarnessError(`toxiproxy ${method} ${this.apiUrl}${path} failed`, { cause });
    }
    const text = await res.text();
    if (!res.ok) throw new HarnessError(`toxiproxy ${method} ${path}: HTTP ${res.status} ${text.trim()}`);
    if (text === '') return undefined;
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
}
