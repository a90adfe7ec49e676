/**
 * An error the user can fix (bad flag, bad config, unreadable path). The CLI prints its message
 * on one line and exits 2; anything else is an internal error.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
