/**
 * Property tests in `npm test` replay one fixed seed so a run that passed once passes on every
 * machine; open-ended exploration with fresh seeds is what `FC_SEED=random npm test` (and the fuzz
 * script) are for. A failure prints its seed and path, which `FC_SEED=<seed>` replays.
 */
import fc from 'fast-check';

const requested = process.env.FC_SEED;
if (requested !== 'random') {
  const seed = requested === undefined ? 20261121 : Number.parseInt(requested, 10);
  if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer or "random", not ${requested}`);
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
}
