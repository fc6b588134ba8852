import { InvalidArgumentError } from '../errors/index.js';
import { inventoryPaths, type InventoryOptions } from '../registry/inventory/inventory.js';
import type { InventoryReport } from '../registry/inventory/types.js';

/** What {@link inventory} takes: the directories, and limits. */
export interface InventoryRequest extends InventoryOptions {
  /** Directories (or files) of the organisation's code. */
  dirs: string[];
}

/**
 * `portpick inventory DIR…`: every port the code declares — compose files,
 * Kubernetes manifests, Helm values, Dockerfiles, .env files, systemd socket
 * units, package.json scripts, Spring configuration — with file:line, the
 * service or object it belongs to, and how sure the reading is. Files that
 * cannot be read are listed as problems, never skipped silently.
 *
 * @param request The directories (or files) to read.
 * @returns The findings, the files that could not be read, and what was passed over on purpose.
 * @throws
 * - {@link InvalidArgumentError} without a directory.
 * - {@link FileAccessError} for a directory that does not exist.
 *
 * @example
 * ```ts
 * import { inventory } from 'portpick';
 *
 * const { findings, problems } = await inventory({ dirs: ['../services'] });
 * for (const f of findings) console.log(`${f.file}:${f.line} ${f.owner} ${f.first}/${f.protocol} (${f.confidence})`);
 * ```
 */
export async function inventory(request: InventoryRequest): Promise<InventoryReport> {
  if (!Array.isArray(request.dirs) || request.dirs.length === 0 || request.dirs.some((dir) => typeof dir !== 'string' || dir === '')) {
    throw new InvalidArgumentError('Expected at least one directory to inventory, got none');
  }
  return inventoryPaths(request.dirs, request);
}
