/**
 * Newline framing over a byte stream, linear in the input: each chunk is scanned once for `\n`, pieces of an
 * unfinished line are kept in a list and joined once when the line ends, and a line longer than the limit is
 * refused without buffering the rest. Lines are handed over as bytes, so a multi-byte character split across
 * chunks is decoded whole.
 */

const NEWLINE = 0x0a;

export class LineFramer {
  private pieces: Buffer[] = [];
  private pendingBytes = 0;
  private hasOverflowed = false;

  /**
   * @param onLine each complete line, without its `\n` (a `\r` before it is kept: the caller decides).
   * @param onOverflow called once when a line passes `maxLineBytes`; nothing is delivered after it.
   */
  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: (line: Buffer) => void,
    private readonly onOverflow: () => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (!this.hasOverflowed) {
      const end = chunk.indexOf(NEWLINE, start);
      if (end === -1) {
        if (start < chunk.length) this.keep(chunk.subarray(start));
        return;
      }
      const piece = chunk.subarray(start, end);
      start = end + 1;
      if (this.pendingBytes + piece.length > this.maxLineBytes) return this.overflow();
      let line = piece;
      if (this.pieces.length > 0) {
        this.pieces.push(piece);
        line = Buffer.concat(this.pieces, this.pendingBytes + piece.length);
        this.reset();
      }
      this.onLine(line);
    }
  }

  /** Delivers an unfinished last line, as a peer that ends its output without a final newline meant it. */
  end(): void {
    if (this.hasOverflowed || this.pieces.length === 0) return;
    const line = Buffer.concat(this.pieces, this.pendingBytes);
    this.reset();
    this.onLine(line);
  }

  /** Drops an unfinished line. */
  reset(): void {
    this.pieces = [];
    this.pendingBytes = 0;
  }

  private keep(piece: Buffer): void {
    if (this.pendingBytes + piece.length > this.maxLineBytes) return this.overflow();
    // The chunk may be a slice of a pooled buffer that the stream reuses; copy what we keep past this call.
    this.pieces.push(Buffer.from(piece));
    this.pendingBytes += piece.length;
  }

  private overflow(): void {
    this.hasOverflowed = true;
    this.reset();
    this.onOverflow();
  }
}
