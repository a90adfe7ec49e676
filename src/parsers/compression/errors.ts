/** A synchronous decoder needed a byte past the end of the compressed data. */
export class EndOfInput extends Error {
  constructor() {
    super('the compressed data ends early');
    this.name = 'EndOfInput';
  }
}

/** The decompressor the loader uses would reject the data here. */
export class CorruptData extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorruptData';
  }
}

/** Valid data using a feature no decoder here implements: analysis stops, fail closed. */
export class UnsupportedData extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedData';
  }
}
