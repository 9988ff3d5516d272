/**
 * Loads lnkit's vendored LND protos (the `protos/` folder shipped at the package root) with the
 * options every LND client needs: snake_case names, 64-bit values as exact decimal strings, enums
 * as names, defaults filled in, oneof discriminators.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as protoLoader from '@grpc/proto-loader';
import { LndConnectionError } from '../../errors.js';

/** The three services lnkit speaks, by fully qualified name. */
export const LND_SERVICES = ['lnrpc.Lightning', 'routerrpc.Router', 'invoicesrpc.Invoices'] as const;

/** proto-loader options shared by the client and the simulator. */
export const LND_PROTO_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

const PROTO_FILES = ['lightning.proto', 'router.proto', 'invoices.proto'];

/**
 * Finds the `protos/` folder by walking up from `fromUrl` (this module in src/ or dist/) to the
 * first ancestor that holds `protos/lightning.proto`.
 * @throws {LndConnectionError} when no such folder exists (a broken install)
 */
export function findProtosDir(fromUrl: string | URL = import.meta.url): string {
  let dir = path.dirname(fileURLToPath(fromUrl));
  for (;;) {
    const candidate = path.join(dir, 'protos');
    if (fs.existsSync(path.join(candidate, 'lightning.proto'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new LndConnectionError(`cannot find lnkit's protos/ folder above ${fileURLToPath(fromUrl)}`);
    dir = parent;
  }
}

/** Loads the vendored protos into a package definition (synchronous; call it lazily). */
export function loadLndProtos(protosDir: string = findProtosDir()): protoLoader.PackageDefinition {
  return protoLoader.loadSync(
    PROTO_FILES.map((file) => path.join(protosDir, file)),
    { ...LND_PROTO_OPTIONS, includeDirs: [protosDir] },
  );
}
