/**
 * Loads the vendored LND protos (lnrpc, routerrpc, invoicesrpc) with the loader options lnkit
 * and alexbosworth/lightning use, so the simulator and the clients agree on every field.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** proto-loader options: snake_case names, uint64 as decimal strings, enums as names. */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

/** The three LND services, as grpc-js service definitions and client constructors. */
export interface LndServices {
  readonly Lightning: grpc.ServiceClientConstructor;
  readonly Router: grpc.ServiceClientConstructor;
  readonly Invoices: grpc.ServiceClientConstructor;
}

/** Finds the package's `protos/` folder by walking up from this file (works from src/ and dist/). */
export function findProtosDir(start: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'protos', 'lightning.proto'))) return join(dir, 'protos');
    if (dirname(dir) === dir) throw new Error(`expected a protos/lightning.proto above ${start}, found none`);
  }
}

/** Loads lightning.proto, router.proto and invoices.proto from `protosDir`. */
export function loadLndServices(protosDir: string = findProtosDir()): LndServices {
  const definition = protoLoader.loadSync(
    ['lightning.proto', 'router.proto', 'invoices.proto'].map((file) => join(protosDir, file)),
    { ...PROTO_LOADER_OPTIONS, includeDirs: [protosDir] },
  );
  const root = grpc.loadPackageDefinition(definition);
  const pick = (pkg: string, service: string): grpc.ServiceClientConstructor => {
    const ns = root[pkg] as grpc.GrpcObject | undefined;
    const ctor = ns?.[service];
    if (typeof ctor !== 'function') throw new Error(`expected service ${pkg}.${service} in ${protosDir}`);
    return ctor as grpc.ServiceClientConstructor;
  };
  return {
    Lightning: pick('lnrpc', 'Lightning'),
    Router: pick('routerrpc', 'Router'),
    Invoices: pick('invoicesrpc', 'Invoices'),
  };
}
