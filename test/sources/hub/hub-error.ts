import { expect } from 'chai';
import { HubError } from '../../../src/sources/hub/errors.js';

/** Runs `fn` and returns the HubError it throws (failing the test when it does not). */
export async function hubError(fn: () => Promise<unknown>): Promise<HubError> {
  try {
    await fn();
  } catch (err) {
    expect(err).to.be.instanceOf(HubError);
    return err as HubError;
  }
  expect.fail('expected a HubError');
}
