import type { ByteReader } from '../../types.js';
import type { EngineContext } from './context.js';
import type { Recorder } from './record.js';
import { MAX_FORKS, StreamRunner } from './stream.js';
import { ByteWindow } from './window.js';

/**
 * Analyses the frame-buffered readings a linear stream forked (see FrameTracker): each starts
 * from the machine state at its fork point and reads on as the C unpickler reads io.BytesIO,
 * adding what it finds to the same record. Returns true when a budget stopped everything.
 */
export async function runForks(reader: ByteReader, ctx: EngineContext, rec: Recorder, linear: StreamRunner): Promise<boolean> {
  if (linear.forksDropped > 0) {
    rec.addAnomaly('pickle/budget-exceeded', `more than ${MAX_FORKS} places where frame-buffered and linear readings part: ${linear.forksDropped} were not followed`, linear.start, {
      budget: 'frameForks',
      dropped: linear.forksDropped,
    });
  }
  for (const fork of linear.forks) {
    const before = rec.mark();
    const runner = new StreamRunner(ctx, rec, new ByteWindow(reader), fork.jump.opcodeAt, { buffered: true, fork });
    const complete = await runner.run();
    const found = rec.imports.length - before.imports + (rec.calls.length - before.calls);
    const f = runner.failure;
    rec.addAnomaly(
      'pickle/frame-divergence',
      `the frame-buffered reading that departs at offset ${fork.jump.opcodeAt} ` +
        (complete ? `reaches STOP at offset ${runner.pos - 1}` : `breaks at offset ${f?.offset} (${f?.code})`) +
        (found > 0 ? ` and names or calls ${found} thing(s) the linear reading does not` : ''),
      fork.jump.opcodeAt,
      { reading: 'frame-buffered', resumeAt: fork.jump.kind === 'truncated' ? undefined : fork.jump.resumeAt, complete, ...(complete ? { stopEnd: runner.pos } : { breakCode: f?.code }), newFindings: found },
    );
    if (f?.stopAll) {
      rec.addAnomaly(f.code, f.message, f.offset, f.detail);
      return true;
    }
  }
  return false;
}
