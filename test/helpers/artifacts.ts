import type { Anomaly, Artifact } from '../../src/types.js';
import type { PickleAnalysis, PickleArtifact, PickleCall, PickleImport } from '../../src/parsers/pickle/types.js';

/** A pickle analysis with only the parts a test cares about filled in. */
export function analysis(parts: Partial<PickleAnalysis> = {}): PickleAnalysis {
  return {
    streams: [{ start: 0, end: 10, protocol: 2, opcodes: 5, complete: true }],
    imports: [],
    calls: [],
    unresolved: [],
    nested: [],
    protocol: 2,
    opcodeCount: 5,
    anomalies: [],
    ...parts,
  };
}

export function imp(module: string, name: string, offset = 2, via: PickleImport['via'] = 'GLOBAL'): PickleImport {
  return { module, name, via, offset, protocol: 2 };
}

export function call(module: string, name: string, offset = 20, via: PickleCall['via'] = 'REDUCE'): PickleCall {
  return { via, offset, target: { kind: 'global', module, name } };
}

export function pickleArtifact(path: string, parts: Partial<PickleAnalysis> = {}, anomalies: Anomaly[] = []): PickleArtifact {
  return { path, format: 'pickle', size: 100, anomalies, children: [], pickle: analysis(parts) };
}

export function unknownArtifact(path: string, anomalies: Anomaly[] = []): Artifact {
  return { path, format: 'unknown', size: 10, anomalies, children: [] };
}
