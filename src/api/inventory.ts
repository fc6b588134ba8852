import { InvalidArgumentError } from '../errors/index.js';
import { inventoryPaths, type InventoryOptions } from '../registry/inventory/inventory.js';
import type { InventoryReport } from '../registry/inventory/types.js';

export interface InventoryRequest extends InventoryOptions {
  /** Directories (or files) of the organisation's code. */
  dirs: string[];
}

/**
 * `portpick inventory DIR…`: every port the code declares — compose files,
 * Kubernetes manifests, Helm values, Dockerfiles, .env files, systemd socket
 * units, package.json scripts, Spring configuration — with file:line, the
 * service or object it belongs to, and how sure the reading is.
 */
export async function inventory(request: InventoryRequest): Promise<InventoryReport> {
  if (!Array.isArray(request.dirs) || request.dirs.length === 0 || request.dirs.some((dir) => typeof dir !== 'string' || dir === '')) {
    throw new InvalidArgumentError('Expected at least one directory to inventory, got none');
  }
  return inventoryPaths(request.dirs, request);
}
