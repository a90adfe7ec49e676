/**
 * Reads a byte stream on demand: a header line, then exactly N bytes handed on chunk by chunk. The
 * stream is only pulled when the consumer asks, so a slow disk write holds the pipe and the git
 * process waits: memory stays at a chunk or two whatever the blob size.
 */
export class PullReader {
  private buffered: Buffer = Buffer.alloc(0);
  private ended = false;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  /** Pulls one more chunk; false at the end of the stream. */
  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.source.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as Uint8Array);
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    return true;
  }

  /**
   * The next line without its `\n`; undefined when the stream ends first. A line longer than `max`
   * bytes throws: a header that long is not what was asked for.
   */
  async line(max: number): Promise<string | undefined> {
    let searched = 0;
    for (;;) {
      const nl = this.buffered.indexOf(10, searched);
      if (nl >= 0) {
        if (nl > max) throw new Error(`line longer than ${max} bytes`);
        const text = this.buffered.subarray(0, nl).toString('utf8');
        this.buffered = this.buffered.subarray(nl + 1);
        return text;
      }
      if (this.buffered.length > max) throw new Error(`line longer than ${max} bytes`);
      searched = this.buffered.length;
      if (!(await this.fill())) return undefined;
    }
  }

  /**
   * Hands exactly `n` bytes to `sink`, in stream order, awaiting each call before pulling more.
   * Returns false when the stream ends before `n` bytes came.
   */
  async take(n: number, sink: (chunk: Buffer) => Promise<void> | void): Promise<boolean> {
    let left = n;
    while (left > 0) {
      if (this.buffered.length === 0 && !(await this.fill())) return false;
      const part = this.buffered.length <= left ? this.buffered : this.buffered.subarray(0, left);
      this.buffered = this.buffered.subarray(part.length);
      left -= part.length;
      await sink(part);
    }
    return true;
  }
}
