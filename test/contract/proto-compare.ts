/**
 * Structural comparison of two protobufjs roots: every message, field, enum value and RPC of
 * `ours` must exist in `upstream` with the same name, number, type, label, map key and oneof.
 * Used by protos.test.ts to prove lnkit's vendored protos are a faithful subset of LND's.
 */
import fs from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';

/** Parses proto sources (file name → text) into one resolved root, imports satisfied by each other. */
export function parseProtos(sources: ReadonlyMap<string, string>): protobuf.Root {
  const root = new protobuf.Root();
  for (const text of sources.values()) protobuf.parse(text, root, { keepCase: true });
  root.resolveAll();
  return root;
}

/** Reads proto files into a name → text map. */
export function readProtos(files: readonly string[]): Map<string, string> {
  return new Map(files.map((file) => [path.basename(file), fs.readFileSync(file, 'utf8')]));
}

function describeField(field: protobuf.Field): string {
  field.resolve();
  const type = field.resolvedType ? field.resolvedType.fullName.replace(/^\./, '') : field.type;
  const map = field instanceof protobuf.MapField ? `map<${field.keyType}>` : '';
  const label = field.repeated ? 'repeated' : field.optional ? 'optional' : 'required';
  const oneof = field.partOf && !field.partOf.name.startsWith('_') ? `oneof ${field.partOf.name}` : '';
  const proto3Optional = field.partOf?.name.startsWith('_') ? 'proto3-optional' : '';
  return [field.id, type, map, label, oneof, proto3Optional].filter(Boolean).join(' ');
}

function walk(ns: protobuf.NamespaceBase, visit: (obj: protobuf.ReflectionObject) => void): void {
  for (const nested of ns.nestedArray) {
    visit(nested);
    if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type)
      walk(nested as protobuf.NamespaceBase, visit);
  }
}

/** Returns every difference between `ours` and `upstream` (empty when ours is a faithful subset). */
export function compareProtoRoots(ours: protobuf.Root, upstream: protobuf.Root): string[] {
  const problems: string[] = [];
  walk(ours, (obj) => {
    const name = obj.fullName.replace(/^\./, '');
    if (obj instanceof protobuf.Type) {
      const up = upstream.lookup(name);
      if (!(up instanceof protobuf.Type)) return void problems.push(`message ${name}: missing upstream`);
      const ourNames = Object.keys(obj.fields);
      const upNames = Object.keys(up.fields);
      for (const fieldName of upNames)
        if (!ourNames.includes(fieldName)) problems.push(`${name}.${fieldName}: missing in ours`);
      for (const fieldName of ourNames) {
        const theirs = up.fields[fieldName];
        if (!theirs) {
          problems.push(`${name}.${fieldName}: not upstream`);
          continue;
        }
        const a = describeField(obj.fields[fieldName]!);
        const b = describeField(theirs);
        if (a !== b) problems.push(`${name}.${fieldName}: ours "${a}", upstream "${b}"`);
      }
      const ourOneofs = Object.keys(obj.oneofs ?? {})
        .sort()
        .join(',');
      const upOneofs = Object.keys(up.oneofs ?? {})
        .sort()
        .join(',');
      if (ourOneofs !== upOneofs) problems.push(`${name}: oneofs ours [${ourOneofs}], upstream [${upOneofs}]`);
      if (JSON.stringify(obj.reserved ?? []) !== JSON.stringify(up.reserved ?? []))
        problems.push(`${name}: reserved ranges differ`);
    } else if (obj instanceof protobuf.Enum) {
      const up = upstream.lookup(name);
      if (!(up instanceof protobuf.Enum)) return void problems.push(`enum ${name}: missing upstream`);
      const a = JSON.stringify(Object.entries(obj.values).sort());
      const b = JSON.stringify(Object.entries(up.values).sort());
      if (a !== b) problems.push(`enum ${name}: values ours ${a}, upstream ${b}`);
    } else if (obj instanceof protobuf.Service) {
      const up = upstream.lookup(name);
      if (!(up instanceof protobuf.Service)) return void problems.push(`service ${name}: missing upstream`);
      for (const method of obj.methodsArray) {
        const theirs = up.methods[method.name];
        if (!theirs) {
          problems.push(`rpc ${name}.${method.name}: missing upstream`);
          continue;
        }
        const sig = (m: protobuf.Method): string => {
          m.resolve();
          const req = `${m.requestStream ? 'stream ' : ''}${m.resolvedRequestType?.fullName.replace(/^\./, '') ?? '?'}`;
          return `${req} -> ${m.responseStream ? 'stream ' : ''}${m.resolvedResponseType?.fullName.replace(/^\./, '') ?? '?'}`;
        };
        if (sig(method) !== sig(theirs))
          problems.push(`rpc ${name}.${method.name}: ours ${sig(method)}, upstream ${sig(theirs)}`);
      }
    }
  });
  return problems;
}
