/**
 * The request store with every write sealed: the new version is signed (its chain head and every field)
 * before it is written, in the same conditional write. Reads pass through unchanged.
 */
import type { DueRange, RequestStore } from '../domain/ports.js';
import { type HistorySigner, sealRequest } from '../domain/seal.js';
import type { AccessRequest } from '../domain/types.js';

export class SealingRequestStore implements RequestStore {
  constructor(
    private readonly inner: RequestStore,
    private readonly signer: HistorySigner,
  ) {}

  async create(request: AccessRequest): Promise<void> {
    await this.inner.create(await sealRequest(request, this.signer));
  }

  async update(next: AccessRequest, appendedFrom: number): Promise<void> {
    await this.inner.update(await sealRequest(next, this.signer), appendedFrom);
  }

  get(id: string) {
    return this.inner.get(id);
  }

  listByRequester(slackUserId: string, limit?: number) {
    return this.inner.listByRequester(slackUserId, limit);
  }

  listByState(state: AccessRequest['state'], due?: DueRange) {
    return this.inner.listByState(state, due);
  }

  claimDbUserName(name: string, slackUserId: string) {
    return this.inner.claimDbUserName(name, slackUserId);
  }

  listDbUserNames() {
    return this.inner.listDbUserNames();
  }
}
