import { parseEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  GateAnswer,
  OverviewEntry,
  ReadinessReport,
} from '@production-readiness/plugin-production-readiness-common';
import {
  CheckCatalogue,
  OverviewFilter,
  ProductionReadinessApi,
  Waiver,
} from './ProductionReadinessApi';

/** Talks to `/api/production-readiness` through the app's discovery and fetch APIs. @public */
export class ProductionReadinessClient implements ProductionReadinessApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('production-readiness');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.status === 204 ? (undefined as T) : response.json();
  }

  private entityPath(entityRef: string): string {
    const { kind, namespace, name } = parseEntityRef(entityRef);
    return `/entities/${[kind, namespace, name]
      .map(encodeURIComponent)
      .join('/')}`;
  }

  getChecks(): Promise<CheckCatalogue> {
    return this.request('/checks');
  }

  getReport(entityRef: string): Promise<ReadinessReport> {
    return this.request(`${this.entityPath(entityRef)}/report`);
  }

  refresh(entityRef: string): Promise<ReadinessReport> {
    return this.request(`${this.entityPath(entityRef)}/refresh`, {
      method: 'POST',
    });
  }

  getGate(entityRef: string, level?: string): Promise<GateAnswer> {
    const query = level ? `?${new URLSearchParams({ level })}` : '';
    return this.request(`${this.entityPath(entityRef)}/gate${query}`);
  }

  async getOverview(filter: OverviewFilter = {}): Promise<OverviewEntry[]> {
    const params = new URLSearchParams(
      Object.entries(filter).filter((e): e is [string, string] =>
        Boolean(e[1]),
      ),
    );
    const query = params.toString() ? `?${params}` : '';
    const body = await this.request<{ items: OverviewEntry[] }>(
      `/overview${query}`,
    );
    return body.items;
  }

  async listWaivers(entityRef: string): Promise<Waiver[]> {
    const body = await this.request<{ items: Waiver[] }>(
      `${this.entityPath(entityRef)}/waivers`,
    );
    return body.items;
  }

  createWaiver(
    entityRef: string,
    waiver: { check: string; reason: string; until: string },
  ): Promise<Waiver> {
    return this.request(`${this.entityPath(entityRef)}/waivers`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(waiver),
    });
  }

  async deleteWaiver(entityRef: string, id: string): Promise<void> {
    await this.request(
      `${this.entityPath(entityRef)}/waivers/${encodeURIComponent(id)}`,
      { method: 'DELETE' },
    );
  }

  approveWaiverRequest(
    entityRef: string,
    checkId: string,
    options: { until?: string } = {},
  ): Promise<Waiver> {
    return this.request(
      `${this.entityPath(entityRef)}/waivers/requests/${encodeURIComponent(
        checkId,
      )}/approve`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(options),
      },
    );
  }

  async listFleetWaivers(): Promise<Waiver[]> {
    const body = await this.request<{ items: Waiver[] }>('/waivers');
    return body.items;
  }
}
