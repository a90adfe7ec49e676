import type { Anomaly } from '../../types.js';
import { anomaly } from '../anomaly.js';
import type { LazyProblem } from './lazy.js';
import type { WireProblemKind } from './wire.js';

/**
 * Turns decoding problems into a family's anomalies. `loader` names what would read the file
 * (`onnx.load`), so each message says what loading would do.
 */
export function problemAnomalies(problems: readonly LazyProblem[], codes: Record<WireProblemKind, string>, loader: string): Anomaly[] {
  return problems.map((p) => {
    const at = `at offset ${p.offset}`;
    switch (p.kind) {
      case 'truncated':
        return anomaly(codes.truncated, `the protobuf is truncated ${at} (${p.message}), so ${loader} fails on it and the rest was not analysed`, p.offset);
      case 'malformed':
        return anomaly(codes.malformed, `the protobuf is invalid ${at} (${p.message}), so ${loader} rejects it and the rest was not analysed`, p.offset);
      case 'depth':
        return anomaly(codes.depth, `${p.message} ${at}; the rest was not analysed`, p.offset);
      case 'budget':
        return anomaly(codes.budget, `not fully analysed: ${p.message}`, p.offset);
    }
  });
}
